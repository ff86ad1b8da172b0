/* Places of the directory: addresses, coordinates, confidential ones. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/gazetteer.h"
#include "base/text.h"
#include "services/services_int.h"
#include "services/services_sql.h"

const char *
services_text(struct arena *a, struct db_rows *rows, int col)
{
	return db_col_null(rows, col) ? NULL
				      : arena_strdup(a, db_col_text(rows, col));
}

/* ---- locations ---- */

void
services_read_location(struct db_rows *rows, int col, struct arena *a,
		       struct location *l)
{
	memset(l, 0, sizeof(*l));
	coord_copy(l->id, sizeof(l->id), db_col_text(rows, col));
	coord_copy(l->org_id, sizeof(l->org_id), db_col_text(rows, col + 1));
	l->name = arena_strdup(a, db_col_text(rows, col + 2));
	l->description = arena_strdup(a, db_col_text(rows, col + 3));
	l->address = arena_strdup(a, db_col_text(rows, col + 4));
	l->city = arena_strdup(a, db_col_text(rows, col + 5));
	coord_copy(l->country, sizeof(l->country), db_col_text(rows, col + 6));
	l->subdivision = services_text(a, rows, col + 7);
	l->district = services_text(a, rows, col + 8);
	l->geo.set = !db_col_null(rows, col + 9);
	l->geo.lat_e4 = db_col_int(rows, col + 9);
	l->geo.lon_e4 = db_col_int(rows, col + 10);
	l->confidential = db_col_int(rows, col + 11) != 0;
	coord_copy(l->created_at, sizeof(l->created_at),
		   db_col_text(rows, col + 12));
	coord_copy(l->updated_at, sizeof(l->updated_at),
		   db_col_text(rows, col + 13));
	l->version = db_col_int(rows, col + 14);
}

enum err
services_read_referrers(struct db_conn *c, struct arena *a, struct location *l)
{
	struct db_arg arg = db_text(l->id);
	struct db_rows rows;
	size_t cap = 8;

	l->referrers = arena_alloc(a, cap * sizeof(*l->referrers));
	l->nreferrers = 0;
	db_query(c, &services_sql[LOC_REFERRERS], &arg, 1, &rows);
	while (db_next(&rows)) {
		l->referrers = arena_grow(a, l->referrers, l->nreferrers, &cap,
					  sizeof(*l->referrers));
		l->referrers[l->nreferrers++] =
			arena_strdup(a, db_col_text(&rows, 0));
	}
	return db_err(db_rows_close(&rows));
}

bool
services_location_open(const struct location *l, const char *org_id)
{
	if (!l->confidential || !strcmp(l->org_id, org_id ? org_id : ""))
		return true;
	for (size_t i = 0; org_id && i < l->nreferrers; i++)
		if (!strcmp(l->referrers[i], org_id))
			return true;
	return false;
}

enum err
services_location_get(struct db_conn *c, struct arena *a, const char *id,
		      struct location *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	db_query(c, &services_sql[LOC_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		services_read_location(&rows, 0, a, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	return found ? services_read_referrers(c, a, out) : ERR_NOT_FOUND;
}

enum err
services_locations_of(struct db_conn *c, struct arena *a, const char *org_id,
		      struct location **out, size_t *n)
{
	struct db_arg arg = db_text(org_id);
	struct db_rows rows;
	size_t cap = 8;
	enum err e;

	*out = arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	db_query(c, &services_sql[LOC_OF_ORG], &arg, 1, &rows);
	while (db_next(&rows)) {
		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		services_read_location(&rows, 0, a, &(*out)[(*n)++]);
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	for (size_t i = 0; e == ERR_OK && i < *n; i++)
		e = services_read_referrers(c, a, &(*out)[i]);
	return e;
}

/* A coordinate in degrees within [-limit, limit] as 1/10 000 degree. */
static bool
degrees(struct coord_errors *errs, const char *field, json_t *v, double limit,
	int64_t *out)
{
	double d = json_number_value(v);

	if (!json_is_number(v) || !isfinite(d) || d < -limit || d > limit) {
		coord_error(errs, field,
			    limit == 90 ? "must be a latitude in degrees"
					: "must be a longitude in degrees");
		return false;
	}
	*out = (int64_t)lround(d * 10000);
	return true;
}

/* A place: country, subdivision and district that agree. */
static void
place(const struct location_input *in, struct location *l, struct arena *a,
      struct coord_errors *errs)
{
	const char *sub = l->subdivision, *district = l->district;

	if (in->country && !iso_country_parse(in->country, l->country))
		coord_error(errs, "country",
			    "must be an ISO 3166-1 alpha-2 code");
	if (in->subdivision)
		sub = json_string_value(in->subdivision);
	if (in->district)
		district = json_string_value(in->district);
	/* A new country keeps no subdivision or district of the old one. */
	if (in->country && !in->subdivision && sub &&
	    !iso_subdivision_valid(l->country, sub))
		coord_error(errs, "subdivision",
			    "is of another country: give it again, or null");
	if (in->country && !in->district && district) {
		const struct gazetteer_entry *d = gazetteer_find(district);

		if (d && strcmp(d->country, l->country))
			coord_error(errs, "district",
				    "is of another country: give it again, or "
				    "null");
	}
	if (in->subdivision && !json_is_null(in->subdivision) &&
	    (!sub || !iso_subdivision_valid(l->country, sub)))
		coord_error(errs, "subdivision",
			    "must be an ISO 3166-2 code of the country");
	if (in->district && !json_is_null(in->district)) {
		const struct gazetteer_entry *d = gazetteer_find(district);

		if (!d || strcmp(d->country, l->country) ||
		    (sub && strcmp(d->subdivision, sub)))
			coord_error(errs, "district",
				    "must be a district code of the gazetteer, "
				    "in the country and subdivision");
		else if (!sub)
			sub = d->subdivision;
	}
	l->subdivision = sub ? arena_strdup(a, sub) : NULL;
	l->district = district ? arena_strdup(a, district) : NULL;
}

static enum err
referrers(struct db_conn *c, struct arena *a, json_t *v, struct location *l,
	  struct coord_errors *errs)
{
	const char **in, **ids;
	size_t i, n = json_array_size(v);
	json_t *x;

	if (!json_is_array(v) || n > SERVICES_REFERRERS_MAX) {
		coord_error(errs, "referrers",
			    "must list at most 100 organisation ids");
		return ERR_INVALID;
	}
	in = arena_alloc(a, (n + 1) * sizeof(*in));
	json_array_foreach (v, i, x)
		in[i] = json_string_value(x);
	if (!coord_org_ids(c, a, "referrers", in, n, &ids, errs))
		return ERR_INVALID;
	l->referrers = ids;
	l->nreferrers = n;
	return ERR_OK;
}

static enum err
apply_location(struct db_conn *c, struct arena *a, bool creating,
	       const struct location_input *in, struct location *l,
	       struct coord_errors *errs)
{
	bool lat = in->latitude && !json_is_null(in->latitude);
	bool lon = in->longitude && !json_is_null(in->longitude);

	if (creating || in->name)
		coord_text(a, "name", in->name, COORD_TITLE_MAX, 0, true,
			   &l->name, errs);
	if (creating || in->description)
		coord_text(a, "description",
			   in->description ? in->description : "",
			   COORD_TEXT_MAX, TEXT_LINES, false, &l->description,
			   errs);
	if (creating || in->address)
		coord_text(a, "address", in->address ? in->address : "",
			   COORD_LINE_MAX, 0, false, &l->address, errs);
	if (creating || in->city)
		coord_text(a, "city", in->city ? in->city : "", COORD_LINE_MAX,
			   0, false, &l->city, errs);
	if (creating && !in->country)
		coord_error(errs, "country", "is required");
	place(in, l, a, errs);
	if (lat != lon && (in->latitude || in->longitude))
		coord_error(errs, lat ? "longitude" : "latitude",
			    "comes with the other coordinate");
	if (lat && lon) {
		/* Both checked, so that both are named when both are wrong. */
		bool ok_lat = degrees(errs, "latitude", in->latitude, 90,
				      &l->geo.lat_e4);
		bool ok_lon = degrees(errs, "longitude", in->longitude, 180,
				      &l->geo.lon_e4);

		l->geo.set = ok_lat && ok_lon;
	} else if (in->latitude && json_is_null(in->latitude))
		l->geo.set = false;
	if (in->confidential && !json_is_boolean(in->confidential))
		coord_error(errs, "confidential", "must be true or false");
	else if (in->confidential)
		l->confidential = json_is_true(in->confidential);
	if (in->referrers && !json_is_null(in->referrers)) {
		enum err e = referrers(c, a, in->referrers, l, errs);

		if (e != ERR_OK && e != ERR_INVALID)
			return e;
	}
	return errs->n ? ERR_INVALID : ERR_OK;
}

/* Binds the location's columns 2..11 (name .. confidential). */
static void
location_args(const struct location *l, struct db_arg *args)
{
	args[0] = db_text(l->name);
	args[1] = db_text(l->description);
	args[2] = db_text(l->address);
	args[3] = db_text(l->city);
	args[4] = db_text(l->country);
	args[5] = db_text(l->subdivision);
	args[6] = db_text(l->district);
	args[7] = l->geo.set ? DB_INT(l->geo.lat_e4) : DB_NULL;
	args[8] = l->geo.set ? DB_INT(l->geo.lon_e4) : DB_NULL;
	args[9] = DB_INT(l->confidential);
}

static enum err
write_referrers(struct db_conn *c, const struct location *l)
{
	struct db_arg args[2] = { db_text(l->id) };
	enum err e = db_err(
		db_exec(c, &services_sql[LOC_REFERRERS_DELETE], args, 1, NULL));

	for (size_t i = 0; e == ERR_OK && i < l->nreferrers; i++) {
		args[1] = db_text(l->referrers[i]);
		e = db_err(db_exec(c, &services_sql[LOC_REFERRER_INSERT], args,
				   2, NULL));
	}
	return e;
}

enum err
services_location_create(struct db_conn *c, struct arena *a, const char *org_id,
			 const struct location_input *in, struct location *out,
			 struct coord_errors *errs)
{
	struct db_arg args[13];
	enum err e;

	memset(out, 0, sizeof(*out));
	out->referrers = arena_alloc(a, sizeof(char *));
	if ((e = apply_location(c, a, true, in, out, errs)) != ERR_OK)
		return e;
	uuid_v7(out->id);
	coord_copy(out->org_id, sizeof(out->org_id), org_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	args[0] = db_text(out->id);
	args[1] = db_text(org_id);
	location_args(out, args + 2);
	args[12] = db_text(out->created_at);
	e = db_err(db_exec(c, &services_sql[LOC_INSERT], args, 13, NULL));
	return e == ERR_OK ? write_referrers(c, out) : e;
}

enum err
services_location_update(struct db_conn *c, struct arena *a, const char *id,
			 long long expected, const struct location_input *in,
			 struct location *out, struct coord_errors *errs)
{
	struct db_arg args[13];
	long long n = 0;
	enum err e = services_location_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	if ((e = apply_location(c, a, false, in, out, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(out->id);
	args[1] = DB_INT(expected);
	location_args(out, args + 2);
	args[12] = db_text(out->updated_at);
	e = db_err(db_exec(c, &services_sql[LOC_UPDATE], args, 13, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	out->version = expected + 1;
	return e == ERR_OK && in->referrers ? write_referrers(c, out) : e;
}

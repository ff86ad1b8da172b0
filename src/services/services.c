/* Services of the directory: what, for whom, free places, search. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/gazetteer.h"
#include "base/text.h"
#include "services/services_int.h"
#include "services/services_sql.h"

static const char *const types[SVC_TYPE_COUNT] = {
	"shelter",    "medical",      "psychosocial",
	"legal_aid",  "repatriation", "family_tracing",
	"livelihood", "education",    "helpline",
};

const char *
service_type_name(enum service_type t)
{
	return (unsigned)t < SVC_TYPE_COUNT ? types[t] : NULL;
}

bool
service_type_parse(const char *s, enum service_type *out)
{
	for (int i = 0; s && i < SVC_TYPE_COUNT; i++)
		if (!strcmp(s, types[i])) {
			*out = (enum service_type)i;
			return true;
		}
	return false;
}

static void
read_service(struct db_rows *rows, struct arena *a, struct service *s)
{
	memset(s, 0, sizeof(*s));
	coord_copy(s->id, sizeof(s->id), db_col_text(rows, 0));
	coord_copy(s->org_id, sizeof(s->org_id), db_col_text(rows, 1));
	coord_copy(s->location_id, sizeof(s->location_id),
		   db_col_text(rows, 2));
	service_type_parse(db_col_text(rows, 3), &s->type);
	s->name = arena_strdup(a, db_col_text(rows, 4));
	s->description = arena_strdup(a, db_col_text(rows, 5));
	s->active = !strcmp(db_col_text(rows, 6), "active");
	s->email = services_text(a, rows, 7);
	s->phone = services_text(a, rows, 8);
	s->url = services_text(a, rows, 9);
	text_split(a, db_col_text(rows, 10), &s->genders, &s->ngenders);
	text_split(a, db_col_text(rows, 11), &s->nationalities,
		   &s->nnationalities);
	text_split(a, db_col_text(rows, 12), &s->languages, &s->nlanguages);
	s->min_age = db_col_null(rows, 13) ? -1 : (int)db_col_int(rows, 13);
	s->max_age = db_col_null(rows, 14) ? -1 : (int)db_col_int(rows, 14);
	s->capacity = db_col_null(rows, 15) ? -1 : db_col_int(rows, 15);
	s->vacancies = db_col_null(rows, 16) ? -1 : db_col_int(rows, 16);
	coord_copy(s->vacancies_at, sizeof(s->vacancies_at),
		   db_col_text(rows, 17));
	coord_copy(s->created_at, sizeof(s->created_at), db_col_text(rows, 18));
	coord_copy(s->updated_at, sizeof(s->updated_at), db_col_text(rows, 19));
	s->version = db_col_int(rows, 20);
	s->hours = services_text(a, rows, 21);
	s->distance_m = -1;
}

enum err
services_get(struct db_conn *c, struct arena *a, const char *id,
	     struct service *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	db_query(c, &services_sql[SVC_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_service(&rows, a, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found)
		return ERR_NOT_FOUND;
	if (!out->location_id[0])
		return ERR_OK;
	out->location = arena_alloc(a, sizeof(*out->location));
	return services_location_get(c, a, out->location_id, out->location);
}

bool
services_stale(const struct service *s, int64_t now_ms)
{
	int64_t at;

	return !s->vacancies_at[0] ||
	       !time_parse_rfc3339(s->vacancies_at, &at) ||
	       now_ms - at > SERVICES_STALE_DAYS * 86400000LL;
}

static const char *const genders[] = { "female", "male", "transgender",
				       "other" };

static bool
gender_valid(const char *g)
{
	for (size_t i = 0; g && i < sizeof(genders) / sizeof(genders[0]); i++)
		if (!strcmp(g, genders[i]))
			return true;
	return false;
}

/* ISO 639-1 (two letters) or 639-2/3 (three), lower case. */
static bool
language_valid(const char *l)
{
	size_t n = l ? strlen(l) : 0;

	for (size_t i = 0; i < n; i++)
		if (l[i] < 'a' || l[i] > 'z')
			return false;
	return n == 2 || n == 3;
}

/*
 * A list field into a framed list (in arena), each value checked by ok
 * (countries are upper-cased first); "" for an empty list.
 */
static const char *
list_field(struct arena *a, const char *field, json_t *v, bool country,
	   bool (*ok)(const char *), const char *why, struct coord_errors *errs)
{
	const char **items;
	size_t i, n = json_array_size(v);
	json_t *x;

	if (json_is_null(v))
		return ""; /* anyone */
	if (!json_is_array(v) || n > SERVICES_LIST_MAX_ITEMS) {
		coord_error(errs, field, "must be a list of at most 30 values");
		return NULL;
	}
	items = arena_alloc(a, (n + 1) * sizeof(*items));
	json_array_foreach (v, i, x) {
		char up[3];
		const char *s = json_string_value(x);

		if (country && iso_country_parse(s, up))
			s = arena_strdup(a, up);
		else if (country || !ok(s)) {
			coord_error(errs, field, why);
			return NULL;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(items[j], s)) {
				coord_error(errs, field, "names a value twice");
				return NULL;
			}
		items[i] = s;
	}
	return text_join(a, items, n, true);
}

/* A whole number in [min, max] or null (-1). */
static void
number(json_t *v, const char *field, long long min, long long max,
       long long *out, struct coord_errors *errs)
{
	if (json_is_null(v)) {
		*out = -1;
		return;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		coord_error(errs, field,
			    max == 120 ? "must be an age from 0 to 120, or null"
				       : "must be a whole number from 0 to "
					 "100000, or null");
		return;
	}
	*out = json_integer_value(v);
}

/* A contact: a string of its shape, or null (NULL). */
static void
contact(struct arena *a, json_t *v, const char *field, const char **out,
	struct coord_errors *errs)
{
	const char *s = json_string_value(v), *t = NULL;

	if (json_is_null(v)) {
		*out = NULL;
		return;
	}
	if (!s) {
		coord_error(errs, field, "must be a string, or null");
		return;
	}
	if (!coord_text(a, field, s, COORD_LINE_MAX, 0, true, &t, errs))
		return;
	if (!strcmp(field, "url") && strncmp(t, "https://", 8) &&
	    strncmp(t, "http://", 7))
		coord_error(errs, field, "must be an http or https address");
	else if (!strcmp(field, "email") &&
		 (!strchr(t, '@') || strpbrk(t, " <>,;\"")))
		coord_error(errs, field, "must be an email address");
	else if (!strcmp(field, "phone") &&
		 (t[0] != '+' ||
		  strspn(t + 1, "0123456789 -") != strlen(t + 1)))
		coord_error(errs, field,
			    "must be an international number: + and digits");
	else
		*out = t;
}

struct service_columns {
	const char *genders, *nationalities, *languages;
};

static enum err
apply_service(struct db_conn *c, struct arena *a, bool creating,
	      const struct service_input *in, struct service *s,
	      struct service_columns *cols, struct coord_errors *errs)
{
	long long min = s->min_age, max = s->max_age, cap = s->capacity;

	if (creating && !in->type)
		coord_error(errs, "type", "is required");
	if (in->type && !service_type_parse(in->type, &s->type))
		coord_error(errs, "type",
			    "must be shelter, medical, psychosocial, "
			    "legal_aid, repatriation, family_tracing, "
			    "livelihood, education or helpline");
	if (creating || in->name)
		coord_text(a, "name", in->name, COORD_TITLE_MAX, 0, true,
			   &s->name, errs);
	if (creating || in->description)
		coord_text(a, "description",
			   in->description ? in->description : "",
			   COORD_TEXT_MAX, TEXT_LINES, false, &s->description,
			   errs);
	if (in->status && strcmp(in->status, "active") &&
	    strcmp(in->status, "inactive"))
		coord_error(errs, "status", "must be active or inactive");
	else if (in->status)
		s->active = !strcmp(in->status, "active");
	if (in->email)
		contact(a, in->email, "email", &s->email, errs);
	if (in->phone)
		contact(a, in->phone, "phone", &s->phone, errs);
	if (in->url)
		contact(a, in->url, "url", &s->url, errs);
	if (in->hours && json_is_null(in->hours))
		s->hours = NULL;
	else if (in->hours && !json_is_string(in->hours))
		coord_error(errs, "hours", "must be a string, or null");
	else if (in->hours)
		coord_text(a, "hours", json_string_value(in->hours),
			   COORD_LINE_MAX, 0, false, &s->hours, errs);
	if (in->genders)
		cols->genders = list_field(a, "genders", in->genders, false,
					   gender_valid,
					   "must list female, male, "
					   "transgender or other",
					   errs);
	if (in->nationalities)
		cols->nationalities = list_field(
			a, "nationalities", in->nationalities, true, NULL,
			"must list ISO 3166-1 alpha-2 codes", errs);
	if (in->languages)
		cols->languages = list_field(a, "languages", in->languages,
					     false, language_valid,
					     "must list ISO 639 language codes",
					     errs);
	if (in->minimum_age)
		number(in->minimum_age, "minimum_age", 0, 120, &min, errs);
	if (in->maximum_age)
		number(in->maximum_age, "maximum_age", 0, 120, &max, errs);
	if (min >= 0 && max >= 0 && min > max)
		coord_error(errs, "maximum_age",
			    "must not be below minimum_age");
	s->min_age = (int)min;
	s->max_age = (int)max;
	if (in->capacity)
		number(in->capacity, "capacity", 0, 100000, &cap, errs);
	s->capacity = cap;
	if (in->location_id && json_is_null(in->location_id)) {
		s->location_id[0] = '\0';
	} else if (in->location_id) {
		char id[UUID_STR_LEN];
		struct location l;
		enum err e = ERR_NOT_FOUND;
		const char *v = json_string_value(in->location_id);

		if (v && uuid_normalise(str_of(v), id))
			e = services_location_get(c, a, id, &l);
		if (e != ERR_OK && e != ERR_NOT_FOUND)
			return e;
		if (e == ERR_NOT_FOUND || strcmp(l.org_id, s->org_id))
			coord_error(errs, "location_id",
				    "must be a location of the organisation");
		else
			memcpy(s->location_id, id, sizeof(id));
	}
	return errs->n ? ERR_INVALID : ERR_OK;
}

/*
 * Binds the service's parameters $3..$16 (location .. capacity) as
 * args[0..13] and $18 (hours) as args[15]; $17, a time, is the caller's.
 */
static void
service_args(const struct service *s, const struct service_columns *cols,
	     struct db_arg *args)
{
	args[0] = db_text(s->location_id[0] ? s->location_id : NULL);
	args[1] = db_text(service_type_name(s->type));
	args[2] = db_text(s->name);
	args[3] = db_text(s->description);
	args[4] = db_text(s->active ? "active" : "inactive");
	args[5] = db_text(s->email);
	args[6] = db_text(s->phone);
	args[7] = db_text(s->url);
	args[8] = db_text(cols->genders);
	args[9] = db_text(cols->nationalities);
	args[10] = db_text(cols->languages);
	args[11] = s->min_age >= 0 ? DB_INT(s->min_age) : DB_NULL;
	args[12] = s->max_age >= 0 ? DB_INT(s->max_age) : DB_NULL;
	args[13] = s->capacity >= 0 ? DB_INT(s->capacity) : DB_NULL;
	args[15] = db_text(s->hours && *s->hours ? s->hours : NULL);
}

enum err
services_create(struct db_conn *c, struct arena *a, const char *org_id,
		const struct service_input *in, struct service *out,
		struct coord_errors *errs)
{
	struct service_columns cols = { "", "", "" };
	struct db_arg args[18];
	char id[UUID_STR_LEN];
	enum err e;

	memset(out, 0, sizeof(*out));
	coord_copy(out->org_id, sizeof(out->org_id), org_id);
	out->active = true;
	out->min_age = out->max_age = -1;
	out->capacity = out->vacancies = out->distance_m = -1;
	if ((e = apply_service(c, a, true, in, out, &cols, errs)) != ERR_OK)
		return e;
	uuid_v7(out->id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	args[0] = db_text(out->id);
	args[1] = db_text(org_id);
	service_args(out, &cols, args + 2);
	args[16] = db_text(out->created_at);
	e = db_err(db_exec(c, &services_sql[SVC_INSERT], args, 18, NULL));
	if (e != ERR_OK)
		return e;
	/* Read back whole (lists, its place), as a change is. */
	memcpy(id, out->id, sizeof(id));
	return services_get(c, a, id, out);
}

/* The lists as stored, for a change that leaves some of them. */
static struct service_columns
columns_of(struct arena *a, const struct service *s)
{
	return (struct service_columns){
		text_join(a, s->genders, s->ngenders, true),
		text_join(a, s->nationalities, s->nnationalities, true),
		text_join(a, s->languages, s->nlanguages, true),
	};
}

enum err
services_update(struct db_conn *c, struct arena *a, const char *id,
		long long expected, const struct service_input *in,
		struct service *out, struct coord_errors *errs)
{
	struct service_columns cols;
	struct db_arg args[18];
	long long n = 0;
	enum err e = services_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	cols = columns_of(a, out);
	if ((e = apply_service(c, a, false, in, out, &cols, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(out->id);
	args[1] = DB_INT(expected);
	service_args(out, &cols, args + 2);
	args[16] = db_text(out->updated_at);
	e = db_err(db_exec(c, &services_sql[SVC_UPDATE], args, 18, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	return e == ERR_OK ? services_get(c, a, id, out) : e;
}

enum err
services_vacancies(struct db_conn *c, struct arena *a, const char *id,
		   long long vacancies, struct service *out,
		   struct coord_errors *errs)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg args[3];
	enum err e = services_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (vacancies < 0 ||
	    (out->capacity >= 0 && vacancies > out->capacity) ||
	    vacancies > 100000) {
		coord_error(errs, "vacancies",
			    "must be a whole number from 0 to the capacity");
		return ERR_INVALID;
	}
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(id);
	args[1] = DB_INT(vacancies);
	args[2] = db_text(now);
	e = db_err(db_exec(c, &services_sql[SVC_VACANCIES], args, 3, NULL));
	return e == ERR_OK ? services_get(c, a, id, out) : e;
}

/* ---- search ---- */

/* "lat,lon" in degrees into 1/10 000 degrees; false when not a point. */
static bool
point(const char *s, struct geo *g)
{
	char *end;
	double lat, lon;

	if (!s)
		return false;
	lat = strtod(s, &end);
	if (end == s || *end != ',')
		return false;
	s = end + 1;
	lon = strtod(s, &end);
	if (end == s || *end || !isfinite(lat) || !isfinite(lon) || lat < -90 ||
	    lat > 90 || lon < -180 || lon > 180)
		return false;
	g->lat_e4 = lround(lat * 10000);
	g->lon_e4 = lround(lon * 10000);
	g->set = true;
	return true;
}

/* Metres between two points (haversine, mean Earth radius). */
static long long
metres(const struct geo *p, const struct geo *q)
{
	const double r = 6371008.8, k = M_PI / 180 / 10000;
	double dlat = (double)(q->lat_e4 - p->lat_e4) * k;
	double dlon = (double)(q->lon_e4 - p->lon_e4) * k;
	double h = sin(dlat / 2) * sin(dlat / 2) +
		   cos((double)p->lat_e4 * k) * cos((double)q->lat_e4 * k) *
			   sin(dlon / 2) * sin(dlon / 2);

	return llround(2 * r * asin(sqrt(h)));
}

/* The search's arguments, checked and normalised. */
struct search_args {
	char country[3], nationality[3];
	long long age, offset;
	struct geo near;
	char since[TIME_RFC3339_LEN];
};

static void
check_filter(const struct service_filter *f, struct search_args *x,
	     struct coord_errors *errs)
{
	enum service_type t;

	if (f->type && !service_type_parse(f->type, &t))
		coord_error(errs, "type", "must be a service type");
	if (f->country && !iso_country_parse(f->country, x->country))
		coord_error(errs, "country",
			    "must be an ISO 3166-1 alpha-2 code");
	if (f->subdivision) {
		char cc[3] = { f->subdivision[0],
			       f->subdivision[0] ? f->subdivision[1] : 0, 0 };

		if (!iso_subdivision_valid(cc, f->subdivision))
			coord_error(errs, "subdivision",
				    "must be an ISO 3166-2 code");
	}
	if (f->district && !gazetteer_find(f->district))
		coord_error(errs, "district",
			    "must be a district code of the gazetteer");
	if (f->gender && !gender_valid(f->gender))
		coord_error(errs, "gender",
			    "must be female, male, transgender or other");
	x->age = -1;
	if (f->age && !str_to_i64(str_of(f->age), 0, 120, &x->age))
		coord_error(errs, "age",
			    "must be a whole number from 0 to 120");
	if (f->nationality &&
	    !iso_country_parse(f->nationality, x->nationality))
		coord_error(errs, "nationality",
			    "must be an ISO 3166-1 alpha-2 code");
	if (f->language && !language_valid(f->language))
		coord_error(errs, "language", "must be an ISO 639 code");
	if (f->near && !point(f->near, &x->near))
		coord_error(errs, "near",
			    "must be latitude,longitude in degrees");
	if (f->cursor && !str_to_i64(str_of(f->cursor), 1, 1000000, &x->offset))
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	if (f->vacancy)
		time_rfc3339(time_now_ms() - SERVICES_STALE_DAYS * 86400000LL,
			     x->since, sizeof(x->since));
}

enum err
services_search(struct db_conn *c, struct arena *a,
		const struct service_filter *f, struct service_page *out,
		struct coord_errors *errs)
{
	struct search_args x = { .age = -1 };
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	struct db_arg args[16];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	check_filter(f, &x, errs);
	if (errs->n)
		return ERR_INVALID;
	args[0] = db_text(f->viewer ? f->viewer : "");
	args[1] = db_text(f->org_id ? f->org_id : "");
	args[2] = db_text(f->type ? f->type : "");
	args[3] = db_text(x.country);
	args[4] = db_text(f->subdivision ? f->subdivision : "");
	args[5] = db_text(f->district ? f->district : "");
	args[6] = db_text(f->gender ? f->gender : "");
	args[7] = DB_INT(x.age);
	args[8] = db_text(x.nationality);
	args[9] = db_text(f->language ? f->language : "");
	args[10] = db_text(x.since);
	args[11] = DB_INT(limit);
	args[12] = DB_INT(x.offset);
	if (x.near.set) {
		double lat = (double)x.near.lat_e4 / 10000 * M_PI / 180;
		long long w = llround(cos(lat) * 100);

		args[13] = DB_INT(x.near.lat_e4);
		args[14] = DB_INT(x.near.lon_e4);
		args[15] = DB_INT(w > 0 ? w : 1);
	}
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &services_sql[x.near.set ? SVC_NEAR : SVC_SEARCH], args,
		 x.near.set ? 16 : 13, &rows);
	while (db_next(&rows)) {
		struct service *s = &out->items[n++];

		read_service(&rows, a, s);
		if (db_col_null(&rows, SVC_NCOLUMNS))
			continue;
		s->location = arena_alloc(a, sizeof(*s->location));
		services_read_location(&rows, SVC_NCOLUMNS, a, s->location);
		/* Where the reader may not know the place, it stays hidden. */
		s->location->open =
			db_col_int(&rows, SVC_NCOLUMNS + LOC_NCOLUMNS) != 0;
		if (x.near.set && s->location->open && s->location->geo.set)
			s->distance_m = metres(&x.near, &s->location->geo);
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	/* The owner sees whom its places are open to. */
	for (size_t i = 0; e == ERR_OK && i < n; i++) {
		struct location *l = out->items[i].location;

		if (l && f->viewer && !strcmp(l->org_id, f->viewer))
			e = services_read_referrers(c, a, l);
	}
	if (e != ERR_OK)
		return e;
	out->n = n;
	if (n == (size_t)limit)
		out->next_cursor = arena_printf(a, "%lld", x.offset + limit);
	return ERR_OK;
}

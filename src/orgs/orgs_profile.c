/* The member directory: what each organisation tells the others. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "orgs/orgs.h"
#include "orgs/orgs_sql.h"

static enum err
read_focal(struct db_conn *c, struct arena *a, struct org_profile *p)
{
	struct db_arg arg = db_text(p->org_id);
	struct db_rows rows;
	size_t cap = 8;

	p->nfocal = 0;
	p->focal = arena_alloc(a, cap * sizeof(*p->focal));
	db_query(c, &orgs_sql[FOCAL_LIST], &arg, 1, &rows);
	while (db_next(&rows)) {
		struct focal_point *f;

		p->focal = arena_grow(a, p->focal, p->nfocal, &cap,
				      sizeof(*p->focal));
		f = &p->focal[p->nfocal++];
		snprintf(f->user_id, sizeof(f->user_id), "%s",
			 db_col_text(&rows, 0));
		f->name = arena_strdup(a, db_col_text(&rows, 1));
		f->email = arena_strdup(a, db_col_text(&rows, 2));
		f->title = arena_strdup(a, db_col_text(&rows, 3));
	}
	return db_err(db_rows_close(&rows));
}

enum err
orgs_profile_get(struct db_conn *c, struct arena *a, const char *org_id,
		 struct org_profile *out)
{
	struct db_arg arg = db_text(org_id);
	struct db_rows rows;
	enum err e;

	memset(out, 0, sizeof(*out));
	snprintf(out->org_id, sizeof(out->org_id), "%s", org_id);
	out->mandate = out->areas = out->services = out->website = "";
	out->works_in = arena_alloc(a, sizeof(*out->works_in));
	out->themes = arena_alloc(a, sizeof(*out->themes));
	db_query(c, &orgs_sql[PROFILE_GET], &arg, 1, &rows);
	if (db_next(&rows)) {
		out->mandate = arena_strdup(a, db_col_text(&rows, 0));
		out->areas = arena_strdup(a, db_col_text(&rows, 1));
		out->services = arena_strdup(a, db_col_text(&rows, 2));
		out->website = arena_strdup(a, db_col_text(&rows, 3));
		text_split(a, db_col_text(&rows, 4), &out->works_in,
			   &out->nworks_in);
		text_split(a, db_col_text(&rows, 5), &out->themes,
			   &out->nthemes);
		snprintf(out->updated_at, sizeof(out->updated_at), "%s",
			 db_col_text(&rows, 6));
		out->version = db_col_int(&rows, 7);
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	return read_focal(c, a, out);
}

/* Cleans one text into *out; false with *why. */
static bool
text(struct arena *a, const char *in, size_t max, unsigned flags,
     const char **out, const char **why)
{
	const char *t;

	if (!in)
		return true; /* kept */
	t = text_clean(a, in, max, flags, why);
	if (t)
		*out = t;
	return t != NULL;
}

static bool
countries(struct arena *a, const struct profile_input *in,
	  struct org_profile *p, const char **why)
{
	const char **v;

	if (in->nworks_in > PROFILE_COUNTRIES_MAX) {
		*why = "names too many countries";
		return false;
	}
	v = arena_alloc(a, (in->nworks_in + 1) * sizeof(*v));
	for (size_t i = 0; i < in->nworks_in; i++) {
		char up[3];

		if (!iso_country_parse(in->works_in[i], up)) {
			*why = "must list ISO 3166-1 alpha-2 codes";
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], up)) {
				*why = "names a country twice";
				return false;
			}
		v[i] = arena_strndup(a, up, 2);
	}
	p->works_in = v;
	p->nworks_in = in->nworks_in;
	return true;
}

static bool
themes(struct arena *a, const struct profile_input *in, struct org_profile *p,
       const char **why)
{
	const char **v = arena_alloc(a, (in->nthemes + 1) * sizeof(*v));
	enum theme t;

	if (in->nthemes > THEME_COUNT) {
		*why = "names a theme twice";
		return false;
	}
	for (size_t i = 0; i < in->nthemes; i++) {
		if (!in->themes[i] || !theme_parse(in->themes[i], &t)) {
			*why = "must list prevention, protection, prosecution "
			       "or partnership";
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], theme_name(t))) {
				*why = "names a theme twice";
				return false;
			}
		v[i] = theme_name(t);
	}
	p->themes = v;
	p->nthemes = in->nthemes;
	return true;
}

enum err
orgs_profile_set(struct db_conn *c, struct arena *a, const char *org_id,
		 long long expected, const struct profile_input *in,
		 struct org_profile *out, const char **field, const char **why)
{
	struct db_arg args[9];
	long long n = 0;
	enum err e = orgs_profile_get(c, a, org_id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	if (!text(a, in->mandate, PROFILE_TEXT_MAX, TEXT_LINES, &out->mandate,
		  why))
		*field = "mandate";
	else if (!text(a, in->areas, PROFILE_LINE_MAX, 0, &out->areas, why))
		*field = "areas";
	else if (!text(a, in->services, PROFILE_TEXT_MAX, TEXT_LINES,
		       &out->services, why))
		*field = "services";
	else if (!text(a, in->website, PROFILE_LINE_MAX, 0, &out->website, why))
		*field = "website";
	else if (in->website && *out->website &&
		 strncmp(out->website, "https://", 8) &&
		 strncmp(out->website, "http://", 7))
		*field = "website", *why = "must be an http(s) link";
	else if (in->has_works_in && !countries(a, in, out, why))
		*field = "works_in";
	else if (in->has_themes && !themes(a, in, out, why))
		*field = "themes";
	else
		*field = NULL;
	if (*field)
		return ERR_INVALID;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(org_id);
	args[1] = db_text(out->mandate);
	args[2] = db_text(out->areas);
	args[3] = db_text(out->services);
	args[4] = db_text(out->website);
	args[5] = db_text(text_join(a, out->works_in, out->nworks_in, true));
	args[6] = db_text(text_join(a, out->themes, out->nthemes, true));
	args[7] = db_text(out->updated_at);
	if (expected == 0) {
		e = db_err(
			db_exec(c, &orgs_sql[PROFILE_INSERT], args, 8, NULL));
		/* Two first writes at once: one of them is stale. */
		n = 1;
		if (e == ERR_CONFLICT)
			return ERR_CONFLICT;
	} else {
		args[8] = DB_INT(expected);
		e = db_err(db_exec(c, &orgs_sql[PROFILE_UPDATE], args, 9, &n));
	}
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	out->version = expected + 1;
	return e;
}

enum err
orgs_focal_point(struct db_conn *c, const char *org_id, const char *user_id,
		 const char *title)
{
	char at[TIME_RFC3339_LEN];
	struct db_arg args[4] = { db_text(user_id), db_text(org_id),
				  db_text(title) };

	if (!title)
		return db_err(
			db_exec(c, &orgs_sql[FOCAL_DELETE], args, 1, NULL));
	time_rfc3339(time_now_ms(), at, sizeof(at));
	args[3] = db_text(at);
	return db_err(db_exec(c, &orgs_sql[FOCAL_SET], args, 4, NULL));
}

/* Intel reports: what an agency saw of online-enabled exploitation. */
#include "intel/intel.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "cases/cases.h"
#include "intel/intel_sql.h"

static const char *const handlings[HANDLING_COUNT] = { "H0", "H1", "H2", "H3" };

const char *
intel_handling_name(enum intel_handling h)
{
	return (unsigned)h < HANDLING_COUNT ? handlings[h] : NULL;
}

bool
intel_handling_parse(const char *s, enum intel_handling *out)
{
	int i = text_find(handlings, HANDLING_COUNT, s);

	if (i >= 0)
		*out = (enum intel_handling)i;
	return i >= 0;
}

/* Platforms of reports, handles, messaging and requests. */
static const char *const platforms[] = {
	"facebook", "instagram", "x",	     "tiktok",	  "youtube",
	"telegram", "snapchat",	 "linkedin", "sharechat", "moj",
	"whatsapp", "signal",	 "imo",	     "viber",	  "wechat",
	"line",	    "discord",	 "reddit",   "tinder",	  "bumble",
	"olx",	    "quikr",	 "naukri",   "website",	  "other",
};

bool
intel_platform_known(const char *name)
{
	for (size_t i = 0; name && i < sizeof(platforms) / sizeof(*platforms);
	     i++)
		if (!strcmp(platforms[i], name))
			return true;
	return false;
}

static void
read_report(struct db_rows *rows, struct arena *a, struct intel_report *r)
{
	const char *rel, *note;

	memset(r, 0, sizeof(*r));
	coord_read_head(rows, r->id, &r->share);
	r->title = arena_strdup(a, db_col_text(rows, 6));
	r->narrative = arena_strdup(a, db_col_text(rows, 7));
	coord_copy(r->period_start, sizeof(r->period_start),
		   db_col_text(rows, 8));
	coord_copy(r->period_end, sizeof(r->period_end), db_col_text(rows, 9));
	text_split(a, db_col_text(rows, 10), &r->places, &r->nplaces);
	text_split(a, db_col_text(rows, 11), &r->exploitation,
		   &r->nexploitation);
	text_split(a, db_col_text(rows, 12), &r->platforms, &r->nplatforms);
	rel = db_col_text(rows, 13);
	r->reliability = rel && *rel ? *rel : 'F';
	r->credibility = (int)db_col_int(rows, 14);
	if (!intel_handling_parse(db_col_text(rows, 15), &r->handling))
		r->handling =
			HANDLING_H2; /* the strictest that needs no note */
	note = db_col_text(rows, 16);
	r->handling_note = note ? arena_strdup(a, note) : NULL;
	coord_copy(r->created_by, sizeof(r->created_by), db_col_text(rows, 17));
	coord_copy(r->created_at, sizeof(r->created_at), db_col_text(rows, 18));
	coord_copy(r->updated_at, sizeof(r->updated_at), db_col_text(rows, 19));
	r->version = db_col_int(rows, 20);
	r->owner_name = arena_strdup(a, db_col_text(rows, 21));
}

static enum err
read_cases(struct db_conn *c, struct arena *a, struct intel_report *r)
{
	struct db_arg arg = db_text(r->id);

	return db_err(db_texts(c, &intel_sql[REPORT_CASES], &arg, 1, a,
			       &r->case_ids, &r->ncases));
}

enum err
intel_report_get(struct db_conn *c, struct arena *a, const char *id,
		 struct intel_report *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	db_query(c, &intel_sql[REPORT_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_report(&rows, a, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	return found ? read_cases(c, a, out) : ERR_NOT_FOUND;
}

enum err
intel_report_load(struct db_conn *c, const char *id, struct arena *a,
		  struct access_record *out)
{
	struct intel_report *r = arena_alloc(a, sizeof(*r));
	enum err e = intel_report_get(c, a, id, r);

	if (e == ERR_OK)
		*out = coord_access(&r->share, NULL, 0);
	return e;
}

/*
 * Checks a list of short codes (no commas, no repeats, each accepted by
 * ok) into *out; false after an error for field.
 */
static bool
codes(struct arena *a, const char *field, const char *const *in, size_t n,
      size_t max, bool (*ok)(const char *, char *, size_t), const char *message,
      const char ***out, size_t *nout, struct coord_errors *errs)
{
	const char **v;

	if (n > max) {
		coord_error(errs, field, "has too many items");
		return false;
	}
	v = arena_alloc(a, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		char code[64];

		if (!in[i] || !ok(in[i], code, sizeof(code))) {
			coord_error(errs, field, message);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], code)) {
				coord_error(errs, field, "names an item twice");
				return false;
			}
		v[i] = arena_strdup(a, code);
	}
	*out = v;
	*nout = n;
	return true;
}

/* "IN", "IN-MH": an ISO 3166-1 country or 3166-2 subdivision. */
static bool
place_ok(const char *s, char *out, size_t size)
{
	char given[ISO_COUNTRY_LEN + 1], country[ISO_COUNTRY_LEN + 1];
	size_t len = strlen(s);

	if (len >= size)
		return false;
	if (len <= 2)
		return iso_country_parse(s, out);
	if (len < 4 || s[2] != '-')
		return false;
	memcpy(given, s, 2);
	given[2] = '\0';
	if (!iso_country_parse(given, country))
		return false;
	memcpy(out, s, len + 1);
	for (char *p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return iso_subdivision_valid(country, out);
}

static bool
exploitation_ok(const char *s, char *out, size_t size)
{
	const struct case_field *f =
		case_field_find(FORM_VICTIM, "exploitation_types");

	if (strlen(s) >= size || !case_pick_valid(f, s))
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

static bool
platform_ok(const char *s, char *out, size_t size)
{
	if (strlen(s) >= size || !intel_platform_known(s))
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

/* Each case linked is one the actor may see: others are unknown. */
static enum err
case_links(struct db_conn *c, struct arena *a, const struct access_actor *actor,
	   const struct intel_report_input *in, struct intel_report *r,
	   struct coord_errors *errs)
{
	const char **v;

	if (in->ncases > COORD_LIST_MAX_ITEMS) {
		coord_error(errs, "case_ids", "has too many items");
		return ERR_OK;
	}
	v = arena_alloc(a, (in->ncases + 1) * sizeof(*v));
	for (size_t i = 0; i < in->ncases; i++) {
		char id[UUID_STR_LEN];
		struct access_record ar;
		enum err e = ERR_NOT_FOUND;

		if (in->case_ids[i] &&
		    uuid_normalise(str_of(in->case_ids[i]), id))
			e = cases_load(c, id, a, &ar);
		if (e != ERR_OK && e != ERR_NOT_FOUND)
			return e;
		if (e == ERR_NOT_FOUND ||
		    access_check(actor, ACT_READ, &ar) != ACCESS_ALLOW) {
			coord_error(errs, "case_ids", "names an unknown case");
			return ERR_OK;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], id)) {
				coord_error(errs, "case_ids",
					    "names a case twice");
				return ERR_OK;
			}
		v[i] = arena_strdup(a, id);
	}
	r->case_ids = v;
	r->ncases = in->ncases;
	return ERR_OK;
}

static void
period(const char *field, const char *in, char out[11],
       struct coord_errors *errs)
{
	if (!in)
		return;
	if (!*in)
		out[0] = '\0';
	else if (!time_parse_date(in, out))
		coord_error(errs, field, "must be a date, YYYY-MM-DD");
}

static enum err
apply(struct db_conn *c, struct arena *a, const struct access_actor *actor,
      const struct intel_report_input *in, bool creating,
      struct intel_report *r, struct coord_errors *errs)
{
	enum err e;

	if (creating || in->title)
		coord_text(a, "title", in->title, COORD_TITLE_MAX, 0, true,
			   &r->title, errs);
	if (creating || in->narrative)
		coord_text(a, "narrative", in->narrative, COORD_TEXT_MAX,
			   TEXT_LINES, false, &r->narrative, errs);
	period("period_start", in->period_start, r->period_start, errs);
	period("period_end", in->period_end, r->period_end, errs);
	if (r->period_start[0] && r->period_end[0] &&
	    strcmp(r->period_start, r->period_end) > 0)
		coord_error(errs, "period_end", "must not be before the start");
	if (in->has_places)
		codes(a, "places", in->places, in->nplaces,
		      COORD_LIST_MAX_ITEMS, place_ok,
		      "must hold ISO 3166-1 or 3166-2 codes (IN, IN-MH)",
		      &r->places, &r->nplaces, errs);
	if (in->has_exploitation)
		codes(a, "exploitation_types", in->exploitation,
		      in->nexploitation, 20, exploitation_ok,
		      "must hold HTCDS exploitation types", &r->exploitation,
		      &r->nexploitation, errs);
	if (in->has_platforms)
		codes(a, "platforms", in->platforms, in->nplatforms, 30,
		      platform_ok, "must hold platforms atip knows",
		      &r->platforms, &r->nplatforms, errs);
	if (in->reliability) {
		if (strlen(in->reliability) != 1 || in->reliability[0] < 'A' ||
		    in->reliability[0] > 'F')
			coord_error(errs, "reliability",
				    "must be A to F (Admiralty scale)");
		else
			r->reliability = in->reliability[0];
	} else if (creating) {
		r->reliability = 'F'; /* cannot be judged */
	}
	if (in->credibility) {
		if (in->credibility < 1 || in->credibility > 6)
			coord_error(errs, "credibility",
				    "must be 1 to 6 (Admiralty scale)");
		else
			r->credibility = (int)in->credibility;
	} else if (creating) {
		r->credibility = 6; /* cannot be judged */
	}
	if (in->handling && !intel_handling_parse(in->handling, &r->handling))
		coord_error(errs, "handling", "must be H0, H1, H2 or H3");
	if (in->handling_note)
		coord_text(a, "handling_note", in->handling_note,
			   COORD_LINE_MAX, 0, false, &r->handling_note, errs);
	if (r->handling != HANDLING_H3)
		r->handling_note = NULL;
	else if (!r->handling_note || !*r->handling_note)
		coord_error(errs, "handling_note",
			    "is required with H3: state the restrictions");
	if (in->has_cases &&
	    (e = case_links(c, a, actor, in, r, errs)) != ERR_OK)
		return e;
	e = coord_share_parse(c, in->level, in->group_id, in->tlp, false,
			      &r->share, errs);
	if (e != ERR_OK && e != ERR_INVALID)
		return e;
	return errs->n ? ERR_INVALID : ERR_OK;
}

static enum err
write_cases(struct db_conn *c, const struct intel_report *r)
{
	struct db_arg args[2] = { db_text(r->id) };
	enum err e = db_err(
		db_exec(c, &intel_sql[REPORT_CASES_DELETE], args, 1, NULL));

	for (size_t i = 0; e == ERR_OK && i < r->ncases; i++) {
		args[1] = db_text(r->case_ids[i]);
		e = db_err(db_exec(c, &intel_sql[REPORT_CASE_INSERT], args, 2,
				   NULL));
	}
	return e;
}

/* args[from..from+10]: the report's fields after its sharing. */
static void
field_args(struct arena *a, const struct intel_report *r, struct db_arg *args)
{
	args[0] = db_text(r->title);
	args[1] = db_text(r->narrative ? r->narrative : "");
	args[2] = db_text(r->period_start[0] ? r->period_start : NULL);
	args[3] = db_text(r->period_end[0] ? r->period_end : NULL);
	args[4] = db_text(text_join(a, r->places, r->nplaces, true));
	args[5] =
		db_text(text_join(a, r->exploitation, r->nexploitation, true));
	args[6] = db_text(text_join(a, r->platforms, r->nplatforms, true));
	args[7] = db_text(arena_printf(a, "%c", r->reliability));
	args[8] = DB_INT(r->credibility);
	args[9] = db_text(intel_handling_name(r->handling));
	args[10] = db_text(r->handling_note);
}

enum err
intel_report_create(struct db_conn *c, struct arena *a,
		    const struct access_actor *actor,
		    const struct coord_share *owner, const char *user_id,
		    const struct intel_report_input *in,
		    struct intel_report *out, struct coord_errors *errs)
{
	struct db_arg args[19];
	enum err e;

	memset(out, 0, sizeof(*out));
	out->share = *owner;
	out->handling = HANDLING_H0;
	out->places = out->exploitation = out->platforms = out->case_ids =
		arena_alloc(a, sizeof(char *));
	if ((e = apply(c, a, actor, in, true, out, errs)) != ERR_OK)
		return e;
	uuid_v7(out->id);
	coord_copy(out->created_by, sizeof(out->created_by), user_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	coord_head_args(args, out->id, &out->share);
	field_args(a, out, args + 6);
	args[17] = db_text(user_id);
	args[18] = db_text(out->created_at);
	e = db_err(db_exec(c, &intel_sql[REPORT_INSERT], args, 19, NULL));
	return e == ERR_OK ? write_cases(c, out) : e;
}

enum err
intel_report_update(struct db_conn *c, struct arena *a,
		    const struct access_actor *actor, const char *id,
		    long long expected, const struct intel_report_input *in,
		    struct intel_report *out, struct coord_errors *errs)
{
	struct db_arg args[17];
	long long n = 0;
	enum err e = intel_report_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	if ((e = apply(c, a, actor, in, false, out, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(out->id);
	args[1] = DB_INT(expected);
	coord_share_args(args + 2, &out->share);
	field_args(a, out, args + 5);
	args[16] = db_text(out->updated_at);
	e = db_err(db_exec(c, &intel_sql[REPORT_UPDATE], args, 17, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	out->version = expected + 1;
	return e == ERR_OK && in->has_cases ? write_cases(c, out) : e;
}

enum err
intel_report_delete(struct db_conn *c, const char *id)
{
	struct db_arg arg = db_text(id);
	long long n = 0;
	enum err e = db_err(
		db_exec(c, &intel_sql[REPORT_VALUES_DROP], &arg, 1, NULL));

	if (e == ERR_OK)
		e = db_err(db_exec(c, &intel_sql[REPORT_DELETE], &arg, 1, &n));
	return e == ERR_OK && n != 1 ? ERR_NOT_FOUND : e;
}

enum err
intel_report_list(struct db_conn *c, struct arena *a,
		  const struct coord_viewer *v,
		  const struct intel_report_filter *f,
		  struct intel_report_page *out, struct coord_errors *errs)
{
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	char before[UUID_STR_LEN] = "g", org[UUID_STR_LEN] = "", place[16] = "";
	char code[64];
	struct db_arg args[9];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	if (f->cursor && !uuid_normalise(str_of(f->cursor), before))
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	if (f->exploitation && !exploitation_ok(f->exploitation, code, 64))
		coord_error(errs, "exploitation_type",
			    "must be an HTCDS exploitation type");
	if (f->platform && !intel_platform_known(f->platform))
		coord_error(errs, "platform", "must be a platform atip knows");
	if (f->place && !place_ok(f->place, place, sizeof(place)))
		coord_error(errs, "place",
			    "must be an ISO 3166-1 or 3166-2 code");
	if (f->org_id && !uuid_normalise(str_of(f->org_id), org))
		coord_error(errs, "org_id", "must be an organisation id");
	if (errs->n)
		return ERR_INVALID;
	args[0] = db_text(v->org_id);
	args[1] = db_text(v->country);
	args[2] = db_text(v->groups);
	args[3] = db_text(before);
	args[4] = db_text(f->exploitation ? f->exploitation : "");
	args[5] = db_text(f->platform ? f->platform : "");
	args[6] = db_text(place);
	args[7] = db_text(org);
	args[8] = DB_INT(limit);
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &intel_sql[REPORT_LIST], args, 9, &rows);
	while (db_next(&rows))
		read_report(&rows, a, &out->items[n++]);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	out->n = n;
	if (n == (size_t)limit)
		out->next_cursor = out->items[n - 1].id;
	return ERR_OK;
}

enum err
intel_rewrap(struct db *db, const struct crypto_keyring *kr, long long *count)
{
	return db_err(crypto_dek_rewrap_all(db, kr, &intel_sql[REPORT_KEYS_OLD],
					    &intel_sql[REPORT_KEY_REWRAP],
					    count));
}

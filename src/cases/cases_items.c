/*
 * The persons of a case and its items: trafficking events, timeline,
 * consents, support plans and follow-ups.
 */
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"
#include "cases/cases_sql.h"
#include "jobs/jobs.h"

static const char *
str(json_t *d, const char *name)
{
	return json_string_value(json_object_get(d, name));
}

/* Seals personal into e->sealed under the case's key. */
static enum err
seal(const struct case_write *w, struct arena *a, const struct case_record *r,
     struct case_entry *e, json_t *personal)
{
	struct crypto_dek *dek;

	if (!json_object_size(personal))
		return ERR_OK;
	if (!(dek = cases_dek(w->kr, r)))
		return r->erased_at[0] ? ERR_CONFLICT : ERR_INTERNAL;
	e->sealed = cases_seal(a, dek, e->id, e->sealed, personal);
	cases_dek_done(r, dek);
	return e->sealed ? ERR_OK : ERR_INTERNAL;
}

static void
new_entry(struct case_entry *e, const char *kind)
{
	memset(e, 0, sizeof(*e));
	uuid_v7(e->id);
	e->kind = kind;
	e->sealed = "{}";
	time_rfc3339(time_now_ms(), e->created_at, sizeof(e->created_at));
	memcpy(e->updated_at, e->created_at, sizeof(e->created_at));
	e->version = 1;
}

/* Reads one person or item row (ENTRY_COLUMNS and its kind). */
static enum err
get_entry(struct db_conn *c, struct arena *a, enum cases_sql_id s,
	  struct db_arg *args, int nargs, struct case_entry *out)
{
	struct db_rows rows;
	bool found;
	enum err e;

	memset(out, 0, sizeof(*out));
	db_query(c, &cases_sql[s], args, nargs, &rows);
	found = db_next(&rows);
	if (found) {
		coord_copy(out->id, sizeof(out->id), db_col_text(&rows, 0));
		out->data = cases_json_parse(db_col_text(&rows, 1));
		out->sealed = arena_strdup(a, db_col_text(&rows, 2));
		coord_copy(out->created_at, sizeof(out->created_at),
			   db_col_text(&rows, 3));
		coord_copy(out->updated_at, sizeof(out->updated_at),
			   db_col_text(&rows, 4));
		out->version = db_col_int(&rows, 5);
		out->kind = arena_strdup(a, db_col_text(&rows, 6));
		coord_copy(out->created_by, sizeof(out->created_by),
			   db_col_text(&rows, 7));
	}
	e = db_err(db_rows_close(&rows));
	if (e == ERR_OK && !found)
		e = ERR_NOT_FOUND;
	if (e != ERR_OK) {
		json_decref(out->data);
		out->data = NULL;
	}
	return e;
}

/* ---- Persons ----------------------------------------------------------- */

/* Wakes the background work that reads persons as they are written: the
 * re-trafficking watch and intel's index of perpetrators. */
static enum err
wake(struct db_conn *c)
{
	enum err e = db_err(jobs_wake(c, "linkage.watch"));

	return e == ERR_OK ? db_err(jobs_wake(c, "intel.cases")) : e;
}

static void
person_columns(struct arena *a, const struct case_entry *e, struct db_arg *args)
{
	json_t *d = e->data;

	args[0] = db_text(str(d, "gender"));
	args[1] = db_text(str(d, "age_band"));
	args[2] = db_text(cases_framed(a, json_object_get(d, "citizenship")));
	args[3] = db_text(str(d, "trafficking_status"));
	args[4] = db_text(
		cases_framed(a, json_object_get(d, "exploitation_types")));
}

static bool
role_form(const char *role, enum case_form_id *form)
{
	if (role && !strcmp(role, "victim"))
		*form = FORM_VICTIM;
	else if (role && !strcmp(role, "perpetrator"))
		*form = FORM_PERPETRATOR;
	else
		return false;
	return true;
}

enum err
cases_person_add(struct db_conn *c, struct arena *a, const struct case_write *w,
		 const struct case_record *r, const char *role, json_t *input,
		 struct case_entry *out, struct coord_errors *errs)
{
	struct case_ctx ctx = { .c = c,
				.a = a,
				.case_id = r->id,
				.owner_org = r->share.owner_org,
				.may_write_personal = w->may_write_personal };
	enum case_form_id form;
	json_t *personal = NULL;
	struct db_arg args[11];
	enum err e;

	new_entry(out, role);
	if (!role_form(role, &form)) {
		coord_error(errs, "role", "must be victim or perpetrator");
		return ERR_INVALID;
	}
	e = case_form_read(&ctx, form, input, true, &out->data, &personal,
			   errs);
	if (e != ERR_OK)
		return e;
	e = seal(w, a, r, out, personal);
	json_decref(personal);
	if (e != ERR_OK)
		return e;
	args[0] = db_text(out->id);
	args[1] = db_text(r->id);
	args[2] = db_text(role);
	person_columns(a, out, args + 3);
	args[8] = db_text(cases_json_text(a, out->data));
	args[9] = db_text(out->sealed);
	args[10] = db_text(out->created_at);
	e = db_err(db_exec(c, &cases_sql[PERSON_INSERT], args, 11, NULL));
	/* The re-trafficking watch matches the new person at once, and intel
	 * indexes a perpetrator's values. */
	if (e == ERR_OK)
		e = wake(c);
	return e == ERR_OK && !w->defer_flags ? cases_flags_refresh(c, a, r->id)
					      : e;
}

enum err
cases_person_update(struct db_conn *c, struct arena *a,
		    const struct case_write *w, const struct case_record *r,
		    const char *person_id, long long expected, json_t *input,
		    struct case_entry *out, struct coord_errors *errs)
{
	struct db_arg args[10] = { db_text(person_id), db_text(r->id) };
	struct case_ctx ctx = { .c = c,
				.a = a,
				.case_id = r->id,
				.owner_org = r->share.owner_org,
				.may_write_personal = w->may_write_personal };
	enum case_form_id form = FORM_VICTIM;
	json_t *data = NULL, *personal = NULL;
	long long n = 0;
	enum err e = get_entry(c, a, PERSON_GET, args, 2, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	role_form(out->kind, &form);
	ctx.current = out->data;
	e = case_form_read(&ctx, form, input, false, &data, &personal, errs);
	if (e != ERR_OK)
		return e;
	cases_merge(out->data, data);
	json_decref(data);
	e = seal(w, a, r, out, personal);
	json_decref(personal);
	if (e != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[1] = DB_INT(expected);
	person_columns(a, out, args + 2);
	args[7] = db_text(cases_json_text(a, out->data));
	args[8] = db_text(out->sealed);
	args[9] = db_text(out->updated_at);
	e = db_err(db_exec(c, &cases_sql[PERSON_UPDATE], args, 10, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	out->version = expected + 1;
	if (e == ERR_OK)
		e = wake(c);
	return e == ERR_OK ? cases_flags_refresh(c, a, r->id) : e;
}

/* ---- Items ------------------------------------------------------------- */

/* The column that orders or limits an item, by kind. */
static const char *const date_field[ITEM_COUNT] = {
	[ITEM_EVENT] = "date",		[ITEM_TIMELINE] = "date",
	[ITEM_CONSENT] = "valid_until", [ITEM_PLAN] = "planned_end",
	[ITEM_FOLLOWUP] = "due_on",
};

static const char *
item_state(enum case_item_kind k, json_t *d)
{
	switch (k) {
	case ITEM_CONSENT:
		if (json_object_get(d, "withdrawn_at"))
			return "withdrawn";
		return json_is_true(json_object_get(d, "consent")) ? "given"
								   : "refused";
	case ITEM_FOLLOWUP:
		return json_object_get(d, "done_on") ? "done" : "open";
	case ITEM_PLAN:
		return json_object_get(d, "actual_end") ? "done" : "open";
	default: return "";
	}
}

/* args[0..5]: person, date, state, country, tags, organisations. */
static void
item_columns(struct arena *a, enum case_item_kind k, json_t *d,
	     struct db_arg *args)
{
	args[0] = db_text(str(d, "person_id"));
	args[1] = db_text(str(d, date_field[k]));
	args[2] = db_text(item_state(k, d));
	args[3] = db_text(str(d, "country"));
	args[4] = db_text(cases_framed(a, json_object_get(d, "scopes")));
	args[5] = db_text(cases_framed(a, json_object_get(d, "org_ids")));
}

/* A person's age band says a minor. */
static enum err
is_minor(struct db_conn *c, struct arena *a, const char *case_id,
	 const char *person_id, bool *minor)
{
	struct db_arg args[2] = { db_text(person_id), db_text(case_id) };
	struct case_entry p;
	enum err e = get_entry(c, a, PERSON_GET, args, 2, &p);

	*minor = false;
	if (e != ERR_OK)
		return e == ERR_NOT_FOUND ? ERR_OK : e;
	*minor = cases_minor(p.data);
	json_decref(p.data);
	return ERR_OK;
}

/* What one field of an item cannot say without another. */
static enum err
check_item(struct db_conn *c, struct arena *a, const struct case_record *r,
	   enum case_item_kind k, json_t *d, json_t *personal, bool had_best,
	   struct coord_errors *errs)
{
	const char *from = str(d, "date"), *to = str(d, "date_to");
	json_t *scopes = json_object_get(d, "scopes");
	bool minor;
	enum err e;

	switch (k) {
	case ITEM_EVENT:
		if (to && (!from || strcmp(to, from) < 0))
			coord_error(errs, "date_to",
				    "must come with date, and not before it");
		break;
	case ITEM_FOLLOWUP:
		if (str(d, "done_on") && !str(d, "outcome"))
			coord_error(errs, "outcome",
				    "is required once the follow-up is done");
		break;
	case ITEM_CONSENT:
		if ((cases_has(scopes, "Sharing") ||
		     cases_has(scopes, "Referral")) &&
		    !json_array_size(json_object_get(d, "org_ids")))
			coord_error(errs, "org_ids",
				    "must name the organisations it covers");
		if ((cases_has(scopes, "Sharing") ||
		     cases_has(scopes, "Referral")) &&
		    !str(d, "purpose"))
			coord_error(errs, "purpose",
				    "must say what sharing is for");
		e = is_minor(c, a, r->id, str(d, "person_id"), &minor);
		if (e != ERR_OK)
			return e;
		if (minor && !strcmp(str(d, "given_by"), "Person"))
			coord_error(errs, "given_by",
				    "must be Guardian or CompetentAuthority "
				    "for a minor");
		if (minor && !had_best &&
		    !json_string_value(
			    json_object_get(personal, "best_interest")))
			coord_error(errs, "best_interest",
				    "must record the best-interest decision "
				    "for a minor");
		break;
	default: break;
	}
	return errs->n ? ERR_INVALID : ERR_OK;
}

static bool
affects_flags(enum case_item_kind k)
{
	return k == ITEM_FOLLOWUP;
}

enum err
cases_item_add(struct db_conn *c, struct arena *a, const struct case_write *w,
	       const struct case_record *r, enum case_item_kind k,
	       json_t *input, struct case_entry *out, struct coord_errors *errs)
{
	struct case_ctx ctx = { .c = c,
				.a = a,
				.case_id = r->id,
				.owner_org = r->share.owner_org,
				.may_write_personal = w->may_write_personal };
	json_t *personal = NULL;
	struct db_arg args[13];
	enum err e;

	new_entry(out, case_item_name(k));
	coord_copy(out->created_by, sizeof(out->created_by), w->user_id);
	e = case_form_read(&ctx, case_item_form(k), input, true, &out->data,
			   &personal, errs);
	if (e == ERR_OK)
		e = check_item(c, a, r, k, out->data, personal, false, errs);
	if (e == ERR_OK)
		e = seal(w, a, r, out, personal);
	json_decref(personal);
	if (e != ERR_OK)
		return e;
	args[0] = db_text(out->id);
	args[1] = db_text(r->id);
	args[2] = db_text(out->kind);
	item_columns(a, k, out->data, args + 3);
	args[9] = db_text(cases_json_text(a, out->data));
	args[10] = db_text(out->sealed);
	args[11] = db_text(w->user_id);
	args[12] = db_text(out->created_at);
	e = db_err(db_exec(c, &cases_sql[ITEM_INSERT], args, 13, NULL));
	return e == ERR_OK && affects_flags(k) && !w->defer_flags
		       ? cases_flags_refresh(c, a, r->id)
		       : e;
}

/* Writes a changed item back, if still at version expected. */
static enum err
item_store(struct db_conn *c, struct arena *a, enum case_item_kind k,
	   struct case_entry *e, long long expected)
{
	struct db_arg args[11];
	long long n = 0;
	enum err err;

	time_rfc3339(time_now_ms(), e->updated_at, sizeof(e->updated_at));
	args[0] = db_text(e->id);
	args[1] = DB_INT(expected);
	item_columns(a, k, e->data, args + 2);
	args[8] = db_text(cases_json_text(a, e->data));
	args[9] = db_text(e->sealed);
	args[10] = db_text(e->updated_at);
	err = db_err(db_exec(c, &cases_sql[ITEM_UPDATE], args, 11, &n));
	if (err == ERR_OK && n != 1)
		return ERR_CONFLICT;
	e->version = expected + 1;
	return err;
}

static enum err
get_item(struct db_conn *c, struct arena *a, const struct case_record *r,
	 enum case_item_kind k, const char *item_id, struct case_entry *out)
{
	struct db_arg args[3] = { db_text(item_id), db_text(r->id),
				  db_text(case_item_name(k)) };

	return get_entry(c, a, ITEM_GET, args, 3, out);
}

enum err
cases_item_update(struct db_conn *c, struct arena *a,
		  const struct case_write *w, const struct case_record *r,
		  enum case_item_kind k, const char *item_id,
		  long long expected, json_t *input, struct case_entry *out,
		  struct coord_errors *errs)
{
	struct case_ctx ctx = { .c = c,
				.a = a,
				.case_id = r->id,
				.owner_org = r->share.owner_org,
				.may_write_personal = w->may_write_personal };
	json_t *data = NULL, *personal = NULL;
	enum err e;

	/* A consent is what was agreed then: withdraw it, record anew. */
	if (k == ITEM_CONSENT)
		return ERR_CONFLICT;
	if ((e = get_item(c, a, r, k, item_id, out)) != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	ctx.current = out->data;
	e = case_form_read(&ctx, case_item_form(k), input, false, &data,
			   &personal, errs);
	if (e != ERR_OK)
		return e;
	cases_merge(out->data, data);
	json_decref(data);
	e = check_item(c, a, r, k, out->data, personal, true, errs);
	if (e == ERR_OK)
		e = seal(w, a, r, out, personal);
	json_decref(personal);
	if (e == ERR_OK)
		e = item_store(c, a, k, out, expected);
	return e == ERR_OK && affects_flags(k)
		       ? cases_flags_refresh(c, a, r->id)
		       : e;
}

enum err
cases_item_delete(struct db_conn *c, struct arena *a,
		  const struct case_record *r, enum case_item_kind k,
		  const char *item_id)
{
	struct db_arg args[3] = { db_text(item_id), db_text(r->id),
				  db_text(case_item_name(k)) };
	long long n = 0;
	enum err e;

	if (k == ITEM_CONSENT)
		return ERR_CONFLICT;
	e = db_err(db_exec(c, &cases_sql[ITEM_DELETE], args, 3, &n));
	if (e == ERR_OK && n == 0)
		return ERR_NOT_FOUND;
	return e == ERR_OK && affects_flags(k)
		       ? cases_flags_refresh(c, a, r->id)
		       : e;
}

enum err
cases_consent_withdraw(struct db_conn *c, struct arena *a,
		       const struct case_record *r, const char *consent_id,
		       const char *user_id, const char *at,
		       struct case_entry *out)
{
	char now[TIME_RFC3339_LEN], today[11];
	int64_t ms;
	enum err e = get_item(c, a, r, ITEM_CONSENT, consent_id, out);

	if (e != ERR_OK)
		return e;
	if (json_object_get(out->data, "withdrawn_at") ||
	    !json_is_true(json_object_get(out->data, "consent")))
		return ERR_CONFLICT;
	time_rfc3339(at && time_parse_rfc3339(at, &ms) ? ms : time_now_ms(),
		     now, sizeof(now));
	json_object_set_new(out->data, "withdrawn_at", json_string(now));
	json_object_set_new(out->data, "withdrawn_by", json_string(user_id));
	if ((e = item_store(c, a, ITEM_CONSENT, out, out->version)) != ERR_OK)
		return e;
	/* Grants that rested on consent end when it no longer covers them
	 * (an override stands: it never rested on consent). */
	time_today(today);
	for (size_t i = 0; e == ERR_OK && i < r->ngrants; i++) {
		const struct case_grant *g = &r->grants[i];
		const char *missing;
		bool ok;

		/* An override and a referral's grant do not rest on this. */
		if ((g->override_reason && *g->override_reason) || *g->via)
			continue;
		e = cases_consent_check(c, a, r->id, "Sharing", g->org_id,
					today, &ok, &missing);
		if (e == ERR_OK && !ok)
			e = cases_grant_end(c, r->id, g->org_id);
	}
	return e;
}

/* The date months after from, the day kept or moved to the month's end. */
static bool
add_months(const char *from, int months, char out[11])
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	int y, m, d, last;
	char check[32];

	if (sscanf(from, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return false;
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	last = days[m - 1] +
	       (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > last)
		d = last;
	snprintf(check, sizeof(check), "%04d-%02d-%02d", y, m, d);
	return time_parse_date(check, out);
}

enum err
cases_followups_schedule(struct db_conn *c, struct arena *a,
			 const struct case_write *w,
			 const struct case_record *r, const char *person_id,
			 const char *from, const int *months, size_t nmonths,
			 struct coord_errors *errs)
{
	char start[11];
	enum err e = ERR_OK;

	if (!from || !time_parse_date(from, start))
		coord_error(errs, "from", "must be a date, YYYY-MM-DD");
	if (!nmonths || nmonths > 24)
		coord_error(errs, "months", "must list 1 to 24 intervals");
	for (size_t i = 0; i < nmonths; i++)
		if (months[i] < 1 || months[i] > 120)
			coord_error(errs, "months",
				    "must be whole months from 1 to 120");
	if (errs->n)
		return ERR_INVALID;
	for (size_t i = 0; e == ERR_OK && i < nmonths; i++) {
		char due[11];
		json_t *in = json_object();
		struct case_entry out;

		if (!add_months(start, months[i], due)) {
			json_decref(in);
			coord_error(errs, "from", "is too late a date");
			return ERR_INVALID;
		}
		json_object_set_new(in, "due_on", json_string(due));
		if (person_id)
			json_object_set_new(in, "person_id",
					    json_string(person_id));
		e = cases_item_add(c, a, w, r, ITEM_FOLLOWUP, in, &out, errs);
		json_decref(in);
		json_decref(out.data);
	}
	return e;
}

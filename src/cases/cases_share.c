/*
 * Who else holds a case: need-to-know grants (checked against consent),
 * transfer to another organisation, erasure, and the lists.
 */
#include <string.h>

#include "base/text.h"
#include "notify/notify.h"
#include "cases/cases_int.h"
#include "cases/cases_sql.h"
#include "linkage/link_watch.h"

enum err
cases_consent_check(struct db_conn *c, struct arena *a, const char *case_id,
		    const char *scope, const char *org_id, const char *today,
		    bool *ok, const char **missing)
{
	struct db_arg args[4] = { db_text(case_id), db_text(scope),
				  db_text(org_id), db_text(today) };
	struct db_rows rows;

	db_query(c, &cases_sql[CONSENT_MISSING], args, 4, &rows);
	*ok = !db_next(&rows);
	*missing = *ok ? NULL : arena_strdup(a, db_col_text(&rows, 0));
	return db_err(db_rows_close(&rows));
}

/* Field names a grant may share: the personal fields of any form. */
static bool
personal_field(const char *name)
{
	for (int f = 0; f < FORM_COUNT; f++) {
		const struct case_field *x =
			case_field_find((enum case_form_id)f, name);

		if (x && (x->flags & CF_PERSONAL))
			return true;
	}
	return false;
}

static enum err
put_grant(struct db_conn *c, struct arena *a, const char *case_id,
	  const char *org_id, const char *via, const char *purpose,
	  const char *fields, const char *override_reason, const char *user_id)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg args[8];

	(void)a;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(case_id);
	args[1] = db_text(org_id);
	args[2] = db_text(purpose);
	args[3] = db_text(fields);
	args[4] = db_text(override_reason);
	args[5] = db_text(user_id);
	args[6] = db_text(now);
	args[7] = db_text(via);
	return db_err(db_exec(c, &cases_sql[CASE_GRANT_PUT], args, 8, NULL));
}

enum err
cases_grant(struct db_conn *c, struct arena *a, const struct case_record *r,
	    const char *org_id, const char *purpose, const char *const *fields,
	    size_t nfields, const char *override_reason, const char *user_id,
	    struct coord_errors *errs)
{
	char today[11];
	const char **org = NULL, *why = NULL, *missing, *text;
	bool ok;
	enum err e;

	if (r->erased_at[0])
		return ERR_CONFLICT;
	if (!org_id)
		coord_error(errs, "org_id", "is required");
	else if (coord_org_ids(c, a, "org_id", &org_id, 1, &org, errs) &&
		 !strcmp(org[0], r->share.owner_org))
		coord_error(errs, "org_id", "owns the case already");
	coord_text(a, "purpose", purpose, COORD_LINE_MAX, 0, true, &text, errs);
	for (size_t i = 0; i < nfields; i++)
		if (!fields[i] || !personal_field(fields[i]))
			coord_error(errs, "fields",
				    "must name personal fields of a case");
	if (override_reason &&
	    coord_text(a, "override_reason", override_reason, 1000, TEXT_LINES,
		       true, &why, errs) &&
	    strlen(why) < ACCESS_REASON_MIN)
		coord_error(errs, "override_reason",
			    "must say why, in at least 15 characters");
	if (errs->n)
		return ERR_INVALID;
	time_today(today);
	e = cases_consent_check(c, a, r->id, "Sharing", org[0], today, &ok,
				&missing);
	if (e != ERR_OK)
		return e;
	if (!ok && !why) {
		coord_error(errs, "override_reason",
			    arena_printf(a,
					 "is needed: person %s has not "
					 "consented to sharing with this "
					 "organisation",
					 missing));
		return ERR_INVALID;
	}
	/* The override is kept only when consent did not cover it. */
	return put_grant(c, a, r->id, org[0], "", text,
			 text_join(a, fields, nfields, true), ok ? NULL : why,
			 user_id);
}

enum err
cases_grant_via_end(struct db_conn *c, const char *case_id, const char *org_id,
		    const char *via)
{
	struct db_arg args[3] = { db_text(case_id), db_text(org_id),
				  db_text(via) };
	long long n = 0;
	enum err e =
		db_err(db_exec(c, &cases_sql[CASE_GRANT_DELETE], args, 3, &n));

	return e == ERR_OK && n == 0 ? ERR_NOT_FOUND : e;
}

enum err
cases_grant_end(struct db_conn *c, const char *case_id, const char *org_id)
{
	return cases_grant_via_end(c, case_id, org_id, "");
}

enum err
cases_grant_via(struct db_conn *c, struct arena *a, const char *case_id,
		const char *org_id, const char *via, const char *purpose,
		const char *const *fields, size_t nfields, const char *user_id)
{
	return put_grant(c, a, case_id, org_id, via, purpose,
			 text_join(a, fields, nfields, true), NULL, user_id);
}

enum err
cases_transfer_request(struct db_conn *c, struct arena *a,
		       struct case_record *r, const char *org_id,
		       const char *note, struct coord_errors *errs)
{
	const char **org = NULL, *text = "";
	struct db_arg args[4];
	char now[TIME_RFC3339_LEN];
	long long n = 0;
	enum err e;

	if (r->transfer_to[0] || r->erased_at[0])
		return ERR_CONFLICT;
	if (!org_id)
		coord_error(errs, "org_id", "is required");
	else if (coord_org_ids(c, a, "org_id", &org_id, 1, &org, errs) &&
		 !strcmp(org[0], r->share.owner_org))
		coord_error(errs, "org_id", "owns the case already");
	coord_text(a, "note", note ? note : "", 2000, TEXT_LINES, false, &text,
		   errs);
	if (errs->n)
		return ERR_INVALID;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(r->id);
	args[1] = db_text(org[0]);
	args[2] = db_text(text);
	args[3] = db_text(now);
	/* One offer at a time, even against a request at the same moment. */
	e = db_err(db_exec(c, &cases_sql[CASE_TRANSFER_OFFER], args, 4, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	coord_copy(r->transfer_to, sizeof(r->transfer_to), org[0]);
	r->transfer_note = text;
	r->head.version++;
	return e;
}

enum err
cases_transfer_answer(struct db_conn *c, struct arena *a, struct case_record *r,
		      bool accept)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg args[4];
	struct org o;
	enum err e;
	long long n = 0;

	if (!r->transfer_to[0])
		return ERR_CONFLICT;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(r->id);
	if (!accept) {
		args[1] = DB_NULL;
		args[2] = DB_NULL;
		args[3] = db_text(now);
		return db_err(db_exec(c, &cases_sql[CASE_TRANSFER_SET], args, 4,
				      NULL));
	}
	if ((e = orgs_get(c, r->transfer_to, &o)) != ERR_OK)
		return e;
	/* The case owner was a user of the organisation giving it up. */
	json_object_del(r->head.data, "case_owner");
	args[1] = db_text(o.country);
	args[2] = db_text(now);
	args[3] = db_text(cases_json_text(a, r->head.data));
	e = db_err(db_exec(c, &cases_sql[CASE_TRANSFER_ACCEPT], args, 4, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	/* The new owner decides anew whom to share with. */
	if (e == ERR_OK)
		e = db_err(db_exec(c, &cases_sql[CASE_GRANTS_CLEAR], args, 1,
				   NULL));
	return e;
}

enum err
cases_erase(struct db_conn *c, struct case_record *r)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg args[2];
	long long n = 0;
	enum err e;

	if (r->erased_at[0])
		return ERR_CONFLICT;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(r->id);
	args[1] = db_text(now);
	e = db_err(db_exec(c, &cases_sql[CASE_ERASE], args, 2, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	if (e == ERR_OK)
		e = db_err(db_exec(c, &cases_sql[CASE_ERASE_PERSONS], args, 1,
				   NULL));
	if (e == ERR_OK)
		e = db_err(db_exec(c, &cases_sql[CASE_ERASE_ITEMS], args, 1,
				   NULL));
	if (e == ERR_OK)
		e = db_err(db_exec(c, &cases_sql[CASE_GRANTS_CLEAR], args, 1,
				   NULL));
	/* The encodings of the names go with the names. */
	if (e == ERR_OK)
		e = link_forget_case(c, r->id);
	coord_copy(r->erased_at, sizeof(r->erased_at), now);
	memcpy(r->head.updated_at, now, sizeof(now));
	r->head.version++;
	r->data_key = NULL;
	r->ngrants = 0;
	return e;
}

static void
read_summary(struct db_rows *rows, struct arena *a, struct case_summary *s)
{
	memset(s, 0, sizeof(*s));
	coord_read_head(rows, s->id, &s->share);
	s->reference = arena_strdup(a, db_col_text(rows, 6));
	s->status = arena_strdup(a, db_col_text(rows, 7));
	s->case_owner = db_col_null(rows, 8)
				? NULL
				: arena_strdup(a, db_col_text(rows, 8));
	s->flags = arena_strdup(a, db_col_text(rows, 9));
	s->victims = db_col_int(rows, 10);
	s->perpetrators = db_col_int(rows, 11);
	coord_copy(s->transfer_to, sizeof(s->transfer_to),
		   db_col_text(rows, 12));
	s->erased = !db_col_null(rows, 13);
	coord_copy(s->updated_at, sizeof(s->updated_at), db_col_text(rows, 14));
	s->version = db_col_int(rows, 15);
	s->granted = db_col_int(rows, 16) > 0;
	s->missed = db_col_int(rows, 17) != 0;
}

/* A filter value of a picklist field, or an error. */
static const char *
pick_filter(const char *v, enum case_form_id form, const char *field,
	    const char *param, struct coord_errors *errs)
{
	if (!v)
		return "";
	if (!case_pick_valid(case_field_find(form, field), v))
		coord_error(errs, param, "must be one of its HTCDS values");
	return v;
}

enum err
cases_list(struct db_conn *c, struct arena *a, const struct coord_viewer *v,
	   const struct case_filter *f, struct case_page *out,
	   struct coord_errors *errs)
{
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	char before[UUID_STR_LEN] = "g", country[3] = "";
	struct db_arg args[13];
	char today[11];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	if (f->cursor && !uuid_normalise(str_of(f->cursor), before))
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	args[3] = db_text(
		pick_filter(f->status, FORM_CASE, "status", "status", errs));
	args[4] = db_text(pick_filter(f->exploitation, FORM_VICTIM,
				      "exploitation_types", "exploitation",
				      errs));
	args[5] = db_text(
		pick_filter(f->gender, FORM_VICTIM, "gender", "gender", errs));
	args[6] = db_text(pick_filter(f->age_band, FORM_VICTIM, "age_band",
				      "age_band", errs));
	if (f->country && !iso_country_parse(f->country, country))
		coord_error(errs, "country",
			    "must be an ISO 3166-1 alpha-2 code");
	if (f->flag && strcmp(f->flag, "Minor") && strcmp(f->flag, "Debt") &&
	    strcmp(f->flag, "TraffickedBefore") &&
	    strcmp(f->flag, "MissedFollowUps"))
		coord_error(errs, "flag",
			    "must be Minor, Debt, TraffickedBefore or "
			    "MissedFollowUps");
	if (errs->n)
		return ERR_INVALID;
	args[0] = db_text(v->org_id);
	args[1] = db_text(v->country);
	args[2] = db_text(v->groups);
	args[7] = db_text(country);
	args[8] = db_text(f->flag ? f->flag : "");
	args[9] = db_text(f->mine ? f->user_id : "");
	args[10] = db_text(before);
	args[11] = DB_INT(limit);
	time_today(today);
	args[12] = db_text(today);
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	if (f->incoming) {
		args[1] = args[10];
		args[2] = args[11];
		args[3] = args[12];
		db_query(c, &cases_sql[CASE_INCOMING], args, 4, &rows);
	} else {
		db_query(c, &cases_sql[CASE_LIST], args, 13, &rows);
	}
	while (db_next(&rows))
		read_summary(&rows, a, &out->items[n++]);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	out->n = n;
	if (n == (size_t)limit)
		out->next_cursor = arena_strdup(a, out->items[n - 1].id);
	return ERR_OK;
}

enum err
cases_followups_due(struct db_conn *c, struct arena *a, const char *org_id,
		    const char *until, struct case_due **out, size_t *n)
{
	struct db_arg args[2] = { db_text(org_id), db_text(until) };
	struct db_rows rows;
	size_t cap = 16;

	*out = arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	db_query(c, &cases_sql[FOLLOWUPS_DUE], args, 2, &rows);
	while (db_next(&rows)) {
		struct case_due *d;

		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		d = &(*out)[(*n)++];
		coord_copy(d->id, sizeof(d->id), db_col_text(&rows, 0));
		coord_copy(d->case_id, sizeof(d->case_id),
			   db_col_text(&rows, 1));
		d->reference = arena_strdup(a, db_col_text(&rows, 2));
		d->person_id = db_col_null(&rows, 3)
				       ? NULL
				       : arena_strdup(a, db_col_text(&rows, 3));
		d->case_owner =
			db_col_null(&rows, 4)
				? NULL
				: arena_strdup(a, db_col_text(&rows, 4));
		coord_copy(d->due_on, sizeof(d->due_on), db_col_text(&rows, 5));
	}
	return db_err(db_rows_close(&rows));
}

enum err
cases_rewrap(struct db *db, const struct crypto_keyring *kr, long long *count)
{
	return db_err(crypto_dek_rewrap_all(db, kr, &cases_sql[CASE_KEYS_OLD],
					    &cases_sql[CASE_KEY_SET], count));
}

struct remind {
	char today[11];
	char after[UUID_STR_LEN];
	long long n;
};

/* Tells the case owner (or, without one, the organisation) once. */
static enum db_status
remind_tx(struct db_conn *c, void *arg)
{
	struct remind *r = arg;
	struct db_arg args[2] = { db_text(r->today), db_text(r->after) };
	struct db_rows rows;
	struct arena a;
	struct {
		const char *id, *case_id, *org, *owner;
	} due[200];
	enum err e = ERR_OK;

	arena_init(&a);
	r->n = 0;
	db_query(c, &cases_sql[FOLLOWUPS_OVERDUE], args, 2, &rows);
	while (r->n < 200 && db_next(&rows)) {
		due[r->n].id = arena_strdup(&a, db_col_text(&rows, 0));
		due[r->n].case_id = arena_strdup(&a, db_col_text(&rows, 1));
		due[r->n].org = arena_strdup(&a, db_col_text(&rows, 2));
		due[r->n++].owner =
			db_col_null(&rows, 3)
				? NULL
				: arena_strdup(&a, db_col_text(&rows, 3));
	}
	e = db_err(db_rows_close(&rows));
	for (long long i = 0; e == ERR_OK && i < r->n; i++) {
		struct notify_event ev = {
			.event = "followup.due",
			.record_kind = "case",
			.record_id = due[i].case_id,
			.dedupe =
				arena_printf(&a, "followup.due:%s", due[i].id),
		};

		e = due[i].owner ? notify_user(c, due[i].owner, &ev)
				 : notify_org(c, due[i].org, &ev);
	}
	if (r->n)
		coord_copy(r->after, sizeof(r->after), due[r->n - 1].id);
	arena_release(&a);
	return db_status_of(e);
}

enum err
cases_followups_remind(struct db *db, long long *count)
{
	struct remind r = { .after = "" };
	enum db_status st;

	time_today(r.today);
	*count = 0;
	do {
		st = db_tx(db, remind_tx, &r);
		*count += r.n;
	} while (st == DB_OK && r.n == 200);
	return db_err(st);
}

static enum db_status
expire_tx(struct db_conn *c, void *arg)
{
	long long *n = arg;
	char today[11];
	struct db_arg a;

	time_today(today);
	a = db_text(today);
	return db_exec(c, &cases_sql[GRANTS_EXPIRE], &a, 1, n);
}

enum err
cases_grants_expire(struct db *db, long long *count)
{
	*count = 0;
	return db_err(db_tx(db, expire_tx, count));
}

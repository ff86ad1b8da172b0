/* Referrals: their life cycle, the grant that goes with them, indicators. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "notify/notify.h"
#include "referrals/referrals.h"
#include "referrals/referrals_sql.h"
#include "services/services.h"

static const char *const states[REF_STATE_COUNT] = {
	"requested",   "accepted",  "declined",
	"in_progress", "completed", "withdrawn",
};

const char *
referral_state_name(enum referral_state s)
{
	return (unsigned)s < REF_STATE_COUNT ? states[s] : NULL;
}

bool
referral_state_parse(const char *s, enum referral_state *out)
{
	for (int i = 0; s && i < REF_STATE_COUNT; i++)
		if (!strcmp(s, states[i])) {
			*out = (enum referral_state)i;
			return true;
		}
	return false;
}

bool
referral_open(enum referral_state s)
{
	return s == REF_REQUESTED || s == REF_ACCEPTED || s == REF_IN_PROGRESS;
}

static void
read_referral(struct db_rows *rows, struct arena *a, struct referral *r)
{
	memset(r, 0, sizeof(*r));
	coord_copy(r->id, sizeof(r->id), db_col_text(rows, 0));
	coord_copy(r->case_id, sizeof(r->case_id), db_col_text(rows, 1));
	coord_copy(r->from_org, sizeof(r->from_org), db_col_text(rows, 2));
	coord_copy(r->to_org, sizeof(r->to_org), db_col_text(rows, 3));
	coord_copy(r->service_id, sizeof(r->service_id), db_col_text(rows, 4));
	r->reason = arena_strdup(a, db_col_text(rows, 5));
	r->urgency = arena_strdup(a, db_col_text(rows, 6));
	text_split(a, db_col_text(rows, 7), &r->fields, &r->nfields);
	referral_state_parse(db_col_text(rows, 8), &r->state);
	r->close_reason = db_col_null(rows, 9)
				  ? NULL
				  : arena_strdup(a, db_col_text(rows, 9));
	r->consent_overridden = db_col_int(rows, 10) != 0;
	coord_copy(r->created_by, sizeof(r->created_by), db_col_text(rows, 11));
	coord_copy(r->requested_at, sizeof(r->requested_at),
		   db_col_text(rows, 12));
	coord_copy(r->answered_at, sizeof(r->answered_at),
		   db_col_text(rows, 13));
	coord_copy(r->started_at, sizeof(r->started_at), db_col_text(rows, 14));
	coord_copy(r->closed_at, sizeof(r->closed_at), db_col_text(rows, 15));
	coord_copy(r->escalated_at, sizeof(r->escalated_at),
		   db_col_text(rows, 16));
	coord_copy(r->updated_at, sizeof(r->updated_at), db_col_text(rows, 17));
	r->version = db_col_int(rows, 18);
	r->handover = !strcmp(db_col_text(rows, 19), "handover");
	coord_copy(r->travel_date, sizeof(r->travel_date),
		   db_col_text(rows, 20));
	text_split(a, db_col_text(rows, 21), &r->documents, &r->ndocuments);
	r->case_reference = arena_strdup(a, db_col_text(rows, 22));
	r->service_name = db_col_null(rows, 23)
				  ? NULL
				  : arena_strdup(a, db_col_text(rows, 23));
	r->service_type = db_col_null(rows, 24)
				  ? NULL
				  : arena_strdup(a, db_col_text(rows, 24));
}

enum err
referrals_get(struct db_conn *c, struct arena *a, const char *id,
	      struct referral *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	db_query(c, &referrals_sql[REF_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_referral(&rows, a, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	return found ? ERR_OK : ERR_NOT_FOUND;
}

/* The personal fields a referral shares: names of personal fields. */
static bool
shared_fields(struct arena *a, json_t *v, const char ***out, size_t *n,
	      struct coord_errors *errs)
{
	size_t i, count = json_array_size(v);
	json_t *x;

	*n = 0;
	*out = arena_alloc(a, (count + 1) * sizeof(**out));
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v) || count > 60) {
		coord_error(errs, "fields", "must list personal fields");
		return false;
	}
	json_array_foreach (v, i, x) {
		const char *name = json_string_value(x);
		bool personal = false;

		for (int f = 0; name && f < FORM_COUNT && !personal; f++) {
			const struct case_field *cf =
				case_field_find((enum case_form_id)f, name);

			personal = cf && (cf->flags & CF_PERSONAL);
		}
		if (!personal) {
			coord_error(errs, "fields",
				    "must name personal fields of a case");
			return false;
		}
		(*out)[(*n)++] = name;
	}
	return true;
}

static const char *
urgency_of(const char *u, struct coord_errors *errs)
{
	if (!u)
		return "routine";
	if (strcmp(u, "routine") && strcmp(u, "urgent") &&
	    strcmp(u, "emergency")) {
		coord_error(errs, "urgency",
			    "must be routine, urgent or emergency");
		return NULL;
	}
	return u;
}

/* The receiving organisation: given, or the service's. */
static enum err
receiver(struct db_conn *c, struct arena *a, const struct referral_input *in,
	 struct referral *out, struct coord_errors *errs)
{
	const char **org;

	if (in->service_id) {
		struct service s;
		char id[UUID_STR_LEN];
		enum err e = ERR_NOT_FOUND;

		if (uuid_normalise(str_of(in->service_id), id))
			e = services_get(c, a, id, &s);
		if (e != ERR_OK && e != ERR_NOT_FOUND)
			return e;
		if (e == ERR_NOT_FOUND || !s.active) {
			coord_error(errs, "service_id",
				    "must be an active service of the "
				    "directory");
			return ERR_INVALID;
		}
		if (in->to_org && strcmp(in->to_org, s.org_id)) {
			coord_error(errs, "to_org",
				    "must be the service's organisation");
			return ERR_INVALID;
		}
		memcpy(out->service_id, s.id, sizeof(s.id));
		memcpy(out->to_org, s.org_id, sizeof(s.org_id));
		out->service_name = s.name;
		out->service_type = service_type_name(s.type);
		return ERR_OK;
	}
	if (!in->to_org) {
		coord_error(errs, "to_org", "is required without service_id");
		return ERR_INVALID;
	}
	if (!coord_org_ids(c, a, "to_org", &in->to_org, 1, &org, errs))
		return ERR_INVALID;
	coord_copy(out->to_org, sizeof(out->to_org), org[0]);
	return ERR_OK;
}

/*
 * A handover goes to an organisation of another country (the origin),
 * with the travel date and the papers that go along.
 */
static enum err
handover_checks(struct db_conn *c, struct arena *a, const struct case_record *r,
		const struct referral_input *in, struct referral *out,
		struct coord_errors *errs)
{
	struct org o;
	size_t i, n = json_array_size(in->documents);
	json_t *x;
	enum err e = orgs_get(c, out->to_org, &o);

	if (e != ERR_OK)
		return e;
	if (!strcmp(o.country, r->share.owner_country))
		coord_error(errs, "to_org",
			    "must be of another country for a handover");
	if (!in->travel_date ||
	    !time_parse_date(in->travel_date, out->travel_date))
		coord_error(errs, "travel_date",
			    "is required for a handover: YYYY-MM-DD");
	if (in->documents && (!json_is_array(in->documents) || n > 20)) {
		coord_error(errs, "documents",
			    "must list at most 20 documents");
		return ERR_INVALID;
	}
	out->documents = arena_alloc(a, (n + 1) * sizeof(*out->documents));
	json_array_foreach (in->documents, i, x) {
		const char *t = NULL;

		if (!coord_text(a, "documents", json_string_value(x),
				COORD_LINE_MAX, 0, true, &t, errs))
			return ERR_INVALID;
		if (strchr(t, ',')) {
			coord_error(errs, "documents",
				    "must not contain commas");
			return ERR_INVALID;
		}
		out->documents[out->ndocuments++] = t;
	}
	return errs->n ? ERR_INVALID : ERR_OK;
}

/* Tells organisation org what became of the referral, done by actor_org. */
static enum err
tell(struct db_conn *c, const struct referral *r, const char *event,
     const char *org, const char *actor_org, const char *user)
{
	struct notify_event ev = { .event = event,
				   .record_kind = "referral",
				   .record_id = r->id,
				   .actor_org = actor_org,
				   .actor_user = user };

	return notify_org(c, org, &ev);
}

enum err
referrals_create(struct db_conn *c, struct arena *a,
		 const struct case_record *r, const char *user_id,
		 const struct referral_input *in, struct referral *out,
		 struct coord_errors *errs)
{
	const char *why = NULL, *missing;
	struct db_arg args[14];
	char today[11];
	bool ok;
	enum err e;

	memset(out, 0, sizeof(*out));
	if (r->erased_at[0] || r->transfer_to[0])
		return ERR_CONFLICT;
	e = receiver(c, a, in, out, errs);
	if (e != ERR_OK && e != ERR_INVALID)
		return e;
	if (e == ERR_OK && !strcmp(out->to_org, r->share.owner_org))
		coord_error(errs, "to_org", "owns the case already");
	if (in->kind && strcmp(in->kind, "referral") &&
	    strcmp(in->kind, "handover"))
		coord_error(errs, "kind", "must be referral or handover");
	out->handover = in->kind && !strcmp(in->kind, "handover");
	if (out->handover && e == ERR_OK) {
		e = handover_checks(c, a, r, in, out, errs);
		if (e != ERR_OK && e != ERR_INVALID)
			return e;
	}
	coord_text(a, "reason", in->reason, 2000, TEXT_LINES, true,
		   &out->reason, errs);
	out->urgency = urgency_of(in->urgency, errs);
	shared_fields(a, in->fields, &out->fields, &out->nfields, errs);
	if (in->override_reason &&
	    coord_text(a, "override_reason", in->override_reason, 1000,
		       TEXT_LINES, true, &why, errs) &&
	    strlen(why) < ACCESS_REASON_MIN)
		coord_error(errs, "override_reason",
			    "must say why, in at least 15 characters");
	if (errs->n)
		return ERR_INVALID;
	time_today(today);
	e = cases_consent_check(c, a, r->id, "Referral", out->to_org, today,
				&ok, &missing);
	if (e != ERR_OK)
		return e;
	if (!ok && !why) {
		coord_error(errs, "override_reason",
			    arena_printf(a,
					 "is needed: person %s has not "
					 "consented to a referral to this "
					 "organisation",
					 missing));
		return ERR_INVALID;
	}
	uuid_v7(out->id);
	memcpy(out->case_id, r->id, sizeof(out->case_id));
	out->case_reference =
		json_string_value(json_object_get(r->head.data, "reference"));
	memcpy(out->from_org, r->share.owner_org, sizeof(out->from_org));
	coord_copy(out->created_by, sizeof(out->created_by), user_id);
	out->state = REF_REQUESTED;
	out->consent_overridden = !ok;
	time_rfc3339(time_now_ms(), out->requested_at,
		     sizeof(out->requested_at));
	memcpy(out->updated_at, out->requested_at, sizeof(out->updated_at));
	out->version = 1;
	args[0] = db_text(out->id);
	args[1] = db_text(out->case_id);
	args[2] = db_text(out->from_org);
	args[3] = db_text(out->to_org);
	args[4] = db_text(out->service_id[0] ? out->service_id : NULL);
	args[5] = db_text(out->reason);
	args[6] = db_text(out->urgency);
	args[7] = db_text(text_join(a, out->fields, out->nfields, true));
	args[8] = DB_INT(out->consent_overridden);
	args[9] = db_text(user_id);
	args[10] = db_text(out->requested_at);
	args[11] = db_text(out->handover ? "handover" : "referral");
	args[12] = db_text(out->handover ? out->travel_date : NULL);
	args[13] = db_text(text_join(a, out->documents, out->ndocuments, true));
	e = db_err(db_exec(c, &referrals_sql[REF_INSERT], args, 14, NULL));
	/* The receiver needs to know, from now until the referral closes. */
	if (e == ERR_OK)
		e = cases_grant_via(c, a, r->id, out->to_org, out->id,
				    "referral", out->fields, out->nfields,
				    user_id);
	return e == ERR_OK ? tell(c, out, "referral.requested", out->to_org,
				  out->from_org, user_id)
			   : e;
}

/* The origin organisation takes the case over (cases' transfer). */
static enum err
handover_complete(struct db_conn *c, struct arena *a, struct referral *r)
{
	struct coord_errors errs = { 0 };
	struct case_record cr;
	enum err e = cases_get(c, a, r->case_id, &cr);

	/* Another transfer on offer must be settled first. */
	if (e == ERR_OK && cr.transfer_to[0] &&
	    strcmp(cr.transfer_to, r->to_org))
		e = ERR_CONFLICT;
	if (e == ERR_OK && !cr.transfer_to[0])
		e = cases_transfer_request(c, a, &cr, r->to_org,
					   "Repatriation handover", &errs);
	if (e == ERR_OK)
		e = cases_transfer_answer(c, a, &cr, true);
	cases_release(&cr);
	if (e == ERR_OK)
		e = tell(c, r, "referral.completed", r->from_org, r->to_org,
			 NULL);
	return e;
}

/* May a referral in state from move to state to? */
static bool
allowed(enum referral_state from, enum referral_state to)
{
	switch (to) {
	case REF_ACCEPTED:
	case REF_DECLINED: return from == REF_REQUESTED;
	case REF_IN_PROGRESS: return from == REF_ACCEPTED;
	case REF_COMPLETED: return from == REF_IN_PROGRESS;
	case REF_WITHDRAWN: return referral_open(from);
	default: return false;
	}
}

static const char *const told[REF_STATE_COUNT] = {
	[REF_ACCEPTED] = "referral.accepted",
	[REF_DECLINED] = "referral.declined",
	[REF_IN_PROGRESS] = "referral.started",
	[REF_COMPLETED] = "referral.completed",
	[REF_WITHDRAWN] = "referral.withdrawn",
};

enum err
referrals_move(struct db_conn *c, struct arena *a, struct referral *r,
	       enum referral_state to, const char *reason,
	       struct coord_errors *errs)
{
	char now[TIME_RFC3339_LEN];
	enum referral_state from = r->state;
	struct db_arg args[9];
	long long n = 0;
	enum err e;

	if (!allowed(from, to))
		return ERR_CONFLICT;
	/* A decline says why; a withdrawal may. */
	if ((to == REF_DECLINED || (to == REF_WITHDRAWN && reason)) &&
	    !coord_text(a, "reason", reason, 2000, TEXT_LINES,
			to == REF_DECLINED, &r->close_reason, errs))
		return ERR_INVALID;
	if (r->close_reason && !*r->close_reason)
		r->close_reason = NULL;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	if (to == REF_ACCEPTED || to == REF_DECLINED)
		memcpy(r->answered_at, now, sizeof(now));
	if (to == REF_IN_PROGRESS)
		memcpy(r->started_at, now, sizeof(now));
	if (!referral_open(to))
		memcpy(r->closed_at, now, sizeof(now));
	memcpy(r->updated_at, now, sizeof(now));
	args[0] = db_text(r->id);
	args[1] = DB_INT(r->version);
	args[2] = db_text(referral_state_name(from));
	args[3] = db_text(referral_state_name(to));
	args[4] = db_text(r->close_reason);
	args[5] = db_text(r->answered_at[0] ? r->answered_at : NULL);
	args[6] = db_text(r->started_at[0] ? r->started_at : NULL);
	args[7] = db_text(r->closed_at[0] ? r->closed_at : NULL);
	args[8] = db_text(now);
	e = db_err(db_exec(c, &referrals_sql[REF_MOVE], args, 9, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	if (e != ERR_OK)
		return e;
	r->state = to;
	r->version++;
	/* A completed handover: custody, and the follow-ups, move. */
	if (r->handover && to == REF_COMPLETED)
		return handover_complete(c, a, r);
	/* Closed: the receiver no longer needs to know. */
	if (!referral_open(to)) {
		e = cases_grant_via_end(c, r->case_id, r->to_org, r->id);
		if (e == ERR_NOT_FOUND) /* ended with the case already */
			e = ERR_OK;
	}
	/* The other side hears of it. */
	if (e == ERR_OK)
		e = to == REF_WITHDRAWN
			    ? tell(c, r, told[to], r->to_org, r->from_org, NULL)
			    : tell(c, r, told[to], r->from_org, r->to_org,
				   NULL);
	return e;
}

enum err
referrals_list(struct db_conn *c, struct arena *a,
	       const struct referral_filter *f, struct referral_page *out,
	       struct coord_errors *errs)
{
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	char before[UUID_STR_LEN] = "g", case_id[UUID_STR_LEN] = "";
	enum referral_state st;
	struct db_arg args[6];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	if (f->view && strcmp(f->view, "incoming") &&
	    strcmp(f->view, "outgoing"))
		coord_error(errs, "view", "must be incoming or outgoing");
	if (f->state && !referral_state_parse(f->state, &st))
		coord_error(errs, "state", "must be a referral state");
	if (f->case_id && !uuid_normalise(str_of(f->case_id), case_id))
		coord_error(errs, "case_id", "must be a case id");
	if (f->cursor && !uuid_normalise(str_of(f->cursor), before))
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	if (errs->n)
		return ERR_INVALID;
	args[0] = db_text(f->org_id);
	args[1] = db_text(f->view ? f->view : "");
	args[2] = db_text(f->state ? f->state : "");
	args[3] = db_text(case_id);
	args[4] = db_text(before);
	args[5] = DB_INT(limit);
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &referrals_sql[REF_LIST], args, 6, &rows);
	while (db_next(&rows))
		read_referral(&rows, a, &out->items[n++]);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	out->n = n;
	if (n == (size_t)limit)
		out->next_cursor = arena_strdup(a, out->items[n - 1].id);
	return ERR_OK;
}

/* ---- escalation ---- */

struct escalate {
	char before[TIME_RFC3339_LEN];
	long long n;
};

static enum db_status
escalate_tx(struct db_conn *c, void *arg)
{
	struct escalate *x = arg;
	struct db_arg a1 = db_text(x->before);
	struct db_rows rows;
	struct arena a;
	struct {
		const char *id, *org;
	} due[200];
	char now[TIME_RFC3339_LEN];
	enum err e;

	arena_init(&a);
	x->n = 0;
	db_query(c, &referrals_sql[REF_DUE], &a1, 1, &rows);
	while (x->n < 200 && db_next(&rows)) {
		due[x->n].id = arena_strdup(&a, db_col_text(&rows, 0));
		due[x->n++].org = arena_strdup(&a, db_col_text(&rows, 1));
	}
	e = db_err(db_rows_close(&rows));
	time_rfc3339(time_now_ms(), now, sizeof(now));
	for (long long i = 0; e == ERR_OK && i < x->n; i++) {
		struct notify_event ev = { .event = "referral.escalated",
					   .record_kind = "referral",
					   .record_id = due[i].id };
		struct db_arg args[2] = { db_text(due[i].org), db_text(now) };

		const char *admins[64];
		size_t nadmins = 0;

		db_query(c, &referrals_sql[REF_ORG_ADMINS], args, 1, &rows);
		while (nadmins < 64 && db_next(&rows))
			admins[nadmins++] =
				arena_strdup(&a, db_col_text(&rows, 0));
		e = db_err(db_rows_close(&rows));
		for (size_t k = 0; e == ERR_OK && k < nadmins; k++)
			e = notify_user(c, admins[k], &ev);
		args[0] = db_text(due[i].id);
		if (e == ERR_OK)
			e = db_err(db_exec(c, &referrals_sql[REF_ESCALATED],
					   args, 2, NULL));
	}
	arena_release(&a);
	return db_status_of(e);
}

enum err
referrals_escalate(struct db *db, long long *count)
{
	struct escalate x;
	enum db_status st;

	*count = 0;
	time_rfc3339(time_now_ms() - REFERRAL_ESCALATE_HOURS * 3600000LL,
		     x.before, sizeof(x.before));
	do {
		st = db_tx(db, escalate_tx, &x);
		*count += x.n;
	} while (st == DB_OK && x.n == 200);
	return db_err(st);
}

/* ---- indicators ---- */

static json_t *
bucket(json_t *all, const char *org, const char *type)
{
	size_t i;
	json_t *b;

	json_array_foreach (all, i, b)
		if (!strcmp(json_string_value(json_object_get(b, "to_org")),
			    org) &&
		    !strcmp(json_string_value(
				    json_object_get(b, "service_type")),
			    type))
			return b;
	b = json_pack("{ss ss sI sI sI sI sf so}", "to_org", org,
		      "service_type", type, "referrals", (json_int_t)0,
		      "accepted", (json_int_t)0, "declined", (json_int_t)0,
		      "completed", (json_int_t)0, "hours_to_accept", 0.0,
		      "decline_reasons", json_object());
	json_array_append_new(all, b);
	return b;
}

static void
count(json_t *b, const char *key)
{
	json_object_set_new(
		b, key,
		json_integer(json_integer_value(json_object_get(b, key)) + 1));
}

enum err
referrals_indicators(struct db_conn *c, struct arena *a, const char *org_id,
		     json_t **out)
{
	struct db_arg arg = db_text(org_id ? org_id : "");
	struct db_rows rows;
	json_t *all = json_array(), *b;
	size_t i;
	enum err e;

	(void)a;
	db_query(c, &referrals_sql[REF_FACTS], &arg, 1, &rows);
	while (db_next(&rows)) {
		const char *state = db_col_text(&rows, 2);
		int64_t asked, answered;

		b = bucket(all, db_col_text(&rows, 0), db_col_text(&rows, 1));
		count(b, "referrals");
		if (!strcmp(state, "declined")) {
			json_t *why = json_object_get(b, "decline_reasons");
			const char *r = db_col_text(&rows, 5);

			count(b, "declined");
			json_object_set_new(
				why, r,
				json_integer(json_integer_value(
						     json_object_get(why, r)) +
					     1));
		} else if (!db_col_null(&rows, 4)) {
			count(b, "accepted");
			if (time_parse_rfc3339(db_col_text(&rows, 3), &asked) &&
			    time_parse_rfc3339(db_col_text(&rows, 4),
					       &answered))
				/* A running sum for now: a mean below. */
				json_object_set_new(
					b, "hours_to_accept",
					json_real(
						json_real_value(json_object_get(
							b, "hours_to_"
							   "accept")) +
						(double)(answered - asked) /
							3600000.0));
		}
		if (!strcmp(state, "completed"))
			count(b, "completed");
		if (!strcmp(state, "withdrawn"))
			count(b, "withdrawn");
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK) {
		json_decref(all);
		return e;
	}
	json_array_foreach (all, i, b) {
		json_int_t acc =
			json_integer_value(json_object_get(b, "accepted"));
		/* Withdrawn ones were never the receiver's to complete. */
		json_int_t n =
			json_integer_value(json_object_get(b, "referrals")) -
			json_integer_value(json_object_get(b, "withdrawn"));
		double sum =
			json_real_value(json_object_get(b, "hours_to_accept"));

		json_object_set_new(b, "hours_to_accept",
				    acc ? json_real(sum / (double)acc)
					: json_null());
		json_object_set_new(
			b, "completion_rate",
			json_real(n ? (double)json_integer_value(
					      json_object_get(b, "completed")) /
						  (double)n
				    : 0));
	}
	*out = all;
	return ERR_OK;
}

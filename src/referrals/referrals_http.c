/* /api/v1/referrals: referring a case, answering, following it through. */
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"
#include "referrals/referrals_http.h"

static const struct auth_actor *
actor(struct http_request *req)
{
	return req->actor;
}

static bool
writer(const struct auth_actor *a)
{
	return a->user.role == ROLE_CASE_WORKER ||
	       a->user.role == ROLE_INVESTIGATOR ||
	       a->user.role == ROLE_ORG_ADMIN;
}

static json_t *
referral_json(const struct referral *r)
{
	json_t *o = json_pack(
		"{ss ss ss ss ss* ss ss so ss ss* sb ss ss ss* ss* ss* ss* ss"
		" sI}",
		"id", r->id, "case_id", r->case_id, "from_org", r->from_org,
		"to_org", r->to_org, "service_id",
		r->service_id[0] ? r->service_id : NULL, "reason", r->reason,
		"urgency", r->urgency, "fields",
		coord_strings_json(r->fields, r->nfields), "state",
		referral_state_name(r->state), "decline_reason",
		r->state == REF_DECLINED ? r->close_reason : NULL,
		"consent_overridden", r->consent_overridden, "created_by",
		r->created_by, "requested_at", r->requested_at, "answered_at",
		r->answered_at[0] ? r->answered_at : NULL, "started_at",
		r->started_at[0] ? r->started_at : NULL, "closed_at",
		r->closed_at[0] ? r->closed_at : NULL, "escalated_at",
		r->escalated_at[0] ? r->escalated_at : NULL, "updated_at",
		r->updated_at, "version", (json_int_t)r->version);

	json_object_set_new(o, "withdraw_reason",
			    r->state == REF_WITHDRAWN && r->close_reason
				    ? json_string(r->close_reason)
				    : json_null());
	json_object_set_new(o, "case_reference",
			    json_string(r->case_reference));
	json_object_set_new(o, "service_name",
			    r->service_name ? json_string(r->service_name)
					    : json_null());
	json_object_set_new(o, "service_type",
			    r->service_type ? json_string(r->service_type)
					    : json_null());
	json_object_set_new(o, "kind",
			    json_string(r->handover ? "handover" : "referral"));
	if (r->handover) {
		json_object_set_new(o, "travel_date",
				    json_string(r->travel_date));
		json_object_set_new(o, "documents",
				    coord_strings_json(r->documents,
						       r->ndocuments));
	}
	return o;
}

/* ---- referring ---- */

struct create {
	struct http_request *req;
	struct referral_input in;
	struct case_record c;
	struct referral r;
	struct coord_errors body_errs, errs;
	enum err e;
};

static enum db_status
create_tx(struct db_conn *c, void *arg)
{
	struct create *x = arg;

	x->errs = x->body_errs;
	if (x->errs.n)
		return db_status_of(x->e = ERR_INVALID);
	x->e = referrals_create(c, &x->req->arena, &x->c,
				actor(x->req)->user.id, &x->in, &x->r,
				&x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	/* The case's trail tells who referred it where, and how. */
	return auth_audit(c, x->req,
			  x->r.consent_overridden ? "referral.create_override"
						  : "referral.create",
			  "case", x->c.id);
}

void
referrals_http_create(struct http_request *req)
{
	struct create x = { .req = req };
	const char *case_id = NULL;
	const struct http_field f[] = {
		{ .name = "case_id", .required = true, .string = &case_id },
		{ .name = "to_org", .string = &x.in.to_org },
		{ .name = "service_id", .string = &x.in.service_id },
		{ .name = "reason", .required = true, .string = &x.in.reason },
		{ .name = "urgency", .string = &x.in.urgency },
		{ .name = "fields", .any = &x.in.fields },
		{ .name = "override_reason", .string = &x.in.override_reason },
		{ .name = "kind", .string = &x.in.kind },
		{ .name = "travel_date", .string = &x.in.travel_date },
		{ .name = "documents", .any = &x.in.documents },
	};
	char id[UUID_STR_LEN];
	struct access_record acc;
	enum err e;

	coord_body(req, f, sizeof(f) / sizeof(f[0]), &x.body_errs);
	if (!case_id || !uuid_normalise(str_of(case_id), id)) {
		if (!coord_has_error(&x.body_errs, "case_id"))
			coord_error(&x.body_errs, "case_id",
				    "must be a case id");
		coord_invalid(req, &x.body_errs);
		return;
	}
	e = cases_get(req->db, &req->arena, id, &x.c);
	if (e != ERR_OK) {
		coord_error(&x.body_errs, "case_id",
			    "must be a case of your organisation");
		if (e == ERR_NOT_FOUND)
			coord_invalid(req, &x.body_errs);
		else
			http_problem(req, e, "The case could not be read.",
				     NULL);
		return;
	}
	/* Referring shares personal data: the case's own case workers. */
	acc = cases_access(&x.c);
	if (access_allow(req, ACT_UPDATE, &acc) &&
	    access_allow(req, ACT_READ_PERSONAL, &acc)) {
		x.e = db_tx_conn_err(req->db, create_tx, &x, &x.e);
		if (x.e != ERR_OK)
			coord_failed(req, x.e, &x.errs,
				     "The referral was not made.");
		else
			http_json(req, 201, referral_json(&x.r));
	}
	cases_release(&x.c);
}

/* ---- reading ---- */

/* A referral of the actor's organisation (sent or received), or 404. */
static bool
find(struct http_request *req, struct referral *r)
{
	const char *org = actor(req)->user.org_id;
	char id[UUID_STR_LEN];
	enum err e = http_param_id(req, 0, id)
			     ? referrals_get(req->db, &req->arena, id, r)
			     : ERR_NOT_FOUND;

	if (e == ERR_OK && strcmp(r->from_org, org) && strcmp(r->to_org, org))
		e = ERR_NOT_FOUND;
	if (e != ERR_OK)
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The referral could not be read.",
			     NULL);
	return e == ERR_OK;
}

void
referrals_http_get(struct http_request *req)
{
	struct referral r;

	if (find(req, &r))
		http_json(req, 200, referral_json(&r));
}

void
referrals_http_list(struct http_request *req)
{
	struct referral_filter f = {
		.org_id = actor(req)->user.org_id,
		.view = http_query(req, "view"),
		.state = http_query(req, "state"),
		.case_id = http_query(req, "case_id"),
		.cursor = http_query(req, "cursor"),
	};
	struct coord_errors errs = { 0 };
	struct referral_page page;
	json_t *items;
	enum err e;

	coord_limit(req, &f.limit, &errs);
	e = referrals_list(req->db, &req->arena, &f, &page, &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The referrals could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++)
		json_array_append_new(items, referral_json(&page.items[i]));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

void
referrals_http_indicators(struct http_request *req)
{
	const struct auth_actor *a = actor(req);
	json_t *out;
	enum err e;

	if (a->user.role != ROLE_ORG_ADMIN &&
	    a->user.role != ROLE_PLATFORM_ADMIN &&
	    a->user.role != ROLE_ANALYST) {
		http_problem(req, ERR_FORBIDDEN,
			     "Indicators are for org admins and analysts.",
			     NULL);
		return;
	}
	e = referrals_indicators(
		req->db, &req->arena,
		a->user.role == ROLE_PLATFORM_ADMIN ? NULL : a->user.org_id,
		&out);
	if (e != ERR_OK)
		http_problem(req, e, "The indicators could not be made.", NULL);
	else
		http_json(req, 200, json_pack("{so}", "items", out));
}

/* ---- moving on ---- */

struct move {
	struct http_request *req;
	struct referral r;
	enum referral_state to;
	const char *reason;
	struct coord_errors errs;
	enum err e;
};

static enum db_status
move_tx(struct db_conn *c, void *arg)
{
	struct move *x = arg;
	char action[40];

	x->e = referrals_move(c, &x->req->arena, &x->r, x->to, x->reason,
			      &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	snprintf(action, sizeof(action), "referral.%s",
		 referral_state_name(x->to));
	return auth_audit(c, x->req, arena_strdup(&x->req->arena, action),
			  "case", x->r.case_id);
}

/*
 * The receiving organisation's writers answer and carry a referral out;
 * the referring organisation's withdraw it.
 */
static void
move(struct http_request *req, enum referral_state to)
{
	const struct auth_actor *a = actor(req);
	struct move x = { .req = req, .to = to };
	const struct http_field f[] = {
		{ .name = "reason",
		  .required = to == REF_DECLINED,
		  .string = &x.reason },
	};
	const char *side;

	if (!find(req, &x.r))
		return;
	side = to == REF_WITHDRAWN ? x.r.from_org : x.r.to_org;
	if (strcmp(a->user.org_id, side) || !writer(a)) {
		http_problem(req, ERR_FORBIDDEN,
			     to == REF_WITHDRAWN
				     ? "Only the referring organisation's "
				       "writers withdraw a referral."
				     : "Only the receiving organisation's "
				       "writers answer a referral.",
			     NULL);
		return;
	}
	/* A decline says why; a withdrawal may. */
	if ((to == REF_DECLINED || to == REF_WITHDRAWN) &&
	    !http_body_fields(req, f, 1))
		return;
	x.e = db_tx_conn_err(req->db, move_tx, &x, &x.e);
	if (x.e == ERR_CONFLICT)
		http_problem(req, x.e,
			     "The referral is not in a state that allows this.",
			     NULL);
	else if (x.e != ERR_OK)
		coord_failed(req, x.e, &x.errs, "The referral did not move.");
	else
		http_json(req, 200, referral_json(&x.r));
}

void
referrals_http_accept(struct http_request *req)
{
	move(req, REF_ACCEPTED);
}

void
referrals_http_decline(struct http_request *req)
{
	move(req, REF_DECLINED);
}

void
referrals_http_start(struct http_request *req)
{
	move(req, REF_IN_PROGRESS);
}

void
referrals_http_complete(struct http_request *req)
{
	move(req, REF_COMPLETED);
}

void
referrals_http_withdraw(struct http_request *req)
{
	move(req, REF_WITHDRAWN);
}

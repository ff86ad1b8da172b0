/*
 * Who else holds a case over HTTP: grants, transfer and its answer,
 * erasure.
 */
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "base/text.h"
#include "cases/cases_http_int.h"
#include "coord/coord_http.h"
#include "files/files.h"
#include "notify/notify.h"

struct grant_body {
	const char *org_id, *purpose, *override_reason;
	const char *const *fields;
	size_t nfields;
};

static enum err
grant_op(struct db_conn *c, struct case_op *x)
{
	struct grant_body *g = x->arg;
	const struct auth_actor *a = x->req->actor;
	enum err e = cases_grant(c, &x->req->arena, x->r, g->org_id, g->purpose,
				 g->fields, g->nfields, g->override_reason,
				 a->user.id, &x->errs);
	struct notify_event ev = { .event = "case.shared",
				   .record_kind = "case",
				   .record_id = x->r->id,
				   .actor_org = a->user.org_id,
				   .actor_user = a->user.id };

	if (e == ERR_OK && g->override_reason)
		x->action = "case.grant_override";
	return e == ERR_OK ? notify_org(c, g->org_id, &ev) : e;
}

void
cases_http_grant(struct http_request *req)
{
	struct grant_body g = { 0 };
	json_t *fields = NULL;
	bool has;
	const struct http_field f[] = {
		{ .name = "org_id", .required = true, .string = &g.org_id },
		{ .name = "purpose", .required = true, .string = &g.purpose },
		{ .name = "fields", .any = &fields },
		{ .name = "override_reason", .string = &g.override_reason },
	};
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = grant_op, .arg = &g };

	if (!cases_find(req, 0, ACT_SHARE, &r))
		return;
	coord_body(req, f, 4, &x.body_errs);
	coord_strings(req, fields, "fields", &g.fields, &g.nfields, &has,
		      &x.body_errs);
	x.action = "case.grant";
	if (cases_run(&x, "The case was not shared.")) {
		char id[UUID_STR_LEN];

		memcpy(id, r.id, sizeof(id));
		cases_release(&r);
		if (cases_get(req->db, &req->arena, id, &r) == ERR_OK)
			http_json(req, 200, cases_json(req, &r, false));
		else
			http_problem(req, ERR_UNAVAILABLE,
				     "The case could not be read.", NULL);
	}
	cases_release(&r);
}

static enum err
ungrant_op(struct db_conn *c, struct case_op *x)
{
	return cases_grant_end(c, x->r->id, x->sub);
}

void
cases_http_ungrant(struct http_request *req)
{
	char org[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = ungrant_op };

	if (!cases_find(req, 0, ACT_SHARE, &r))
		return;
	if (!http_param_id(req, 1, org))
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
	else {
		x.sub = org;
		x.action = "case.ungrant";
		if (cases_run(&x, "The grant was not ended."))
			http_send(req, 204, NULL, NULL, 0);
	}
	cases_release(&r);
}

static enum err
transfer_op(struct db_conn *c, struct case_op *x)
{
	const char *const *b = x->arg;
	const struct auth_actor *a = x->req->actor;
	enum err e = cases_transfer_request(c, &x->req->arena, x->r, b[0], b[1],
					    &x->errs);
	struct notify_event ev = { .event = "case.transfer",
				   .record_kind = "case",
				   .record_id = x->r->id,
				   .actor_org = a->user.org_id,
				   .actor_user = a->user.id };

	return e == ERR_OK ? notify_org(c, x->r->transfer_to, &ev) : e;
}

void
cases_http_transfer(struct http_request *req)
{
	const char *b[2] = { NULL, NULL };
	const struct http_field f[] = {
		{ .name = "org_id", .required = true, .string = &b[0] },
		{ .name = "note", .string = &b[1] },
	};
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = transfer_op, .arg = b };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	coord_body(req, f, 2, &x.body_errs);
	x.action = "case.transfer";
	if (cases_run(&x, "The transfer was not asked."))
		http_json(req, 200, cases_json(req, &r, false));
	cases_release(&r);
}

static enum err
answer_op(struct db_conn *c, struct case_op *x)
{
	const struct auth_actor *a = x->req->actor;
	char former[UUID_STR_LEN];
	struct notify_event ev = { .event = x->arg ? "case.transfer_accepted"
						   : "case.transfer_declined",
				   .record_kind = "case",
				   .record_id = x->r->id,
				   .actor_org = a->user.org_id,
				   .actor_user = a->user.id };
	enum err e;

	memcpy(former, x->r->share.owner_org, sizeof(former));
	e = cases_transfer_answer(c, &x->req->arena, x->r, x->arg != NULL);
	return e == ERR_OK ? notify_org(c, former, &ev) : e;
}

/* The receiving organisation's writers accept or decline. */
static void
answer_transfer(struct http_request *req, bool accept)
{
	const struct auth_actor *a = req->actor;
	char id[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = {
		.req = req, .r = &r, .run = answer_op, .arg = accept ? &x : NULL
	};
	enum err e = http_param_id(req, 0, id)
			     ? cases_get(req->db, &req->arena, id, &r)
			     : ERR_NOT_FOUND;

	if (e == ERR_OK && strcmp(r.transfer_to, a->user.org_id)) {
		cases_release(&r);
		e = ERR_NOT_FOUND;
	}
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND ? "There is nothing here."
						: "The case could not be read.",
			     NULL);
		return;
	}
	if (a->user.role != ROLE_ORG_ADMIN &&
	    a->user.role != ROLE_CASE_WORKER &&
	    a->user.role != ROLE_INVESTIGATOR) {
		http_problem(req, ERR_FORBIDDEN,
			     "Your role cannot take cases over.", NULL);
		cases_release(&r);
		return;
	}
	x.action = accept ? "case.transfer_accept" : "case.transfer_decline";
	if (cases_run(&x, "The transfer was not answered.")) {
		cases_release(&r);
		if (!accept)
			http_send(req, 204, NULL, NULL, 0);
		else if (cases_get(req->db, &req->arena, id, &r) == ERR_OK)
			http_json(req, 200, cases_json(req, &r, false));
		else
			http_problem(req, ERR_UNAVAILABLE,
				     "The case could not be read.", NULL);
	}
	cases_release(&r);
}

void
cases_http_accept(struct http_request *req)
{
	answer_transfer(req, true);
}

void
cases_http_decline(struct http_request *req)
{
	answer_transfer(req, false);
}

static enum err
cancel_op(struct db_conn *c, struct case_op *x)
{
	const struct auth_actor *a = x->req->actor;
	char to[UUID_STR_LEN];
	struct notify_event ev = { .event = "case.transfer_cancelled",
				   .record_kind = "case",
				   .record_id = x->r->id,
				   .actor_org = a->user.org_id,
				   .actor_user = a->user.id };
	enum err e;

	memcpy(to, x->r->transfer_to, sizeof(to));
	e = cases_transfer_answer(c, &x->req->arena, x->r, false);
	return e == ERR_OK ? notify_org(c, to, &ev) : e;
}

/* The owner takes back an offer not yet answered. */
void
cases_http_transfer_cancel(struct http_request *req)
{
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = cancel_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.action = "case.transfer_cancel";
	if (cases_run(&x, "The offer was not taken back."))
		http_send(req, 204, NULL, NULL, 0);
	cases_release(&r);
}

static enum err
erase_op(struct db_conn *c, struct case_op *x)
{
	enum err e = cases_erase(c, x->r);

	return e == ERR_OK ? files_delete_record(c, "case", x->r->id) : e;
}

void
cases_http_erase(struct http_request *req)
{
	const char *reason = NULL, *text = NULL;
	const struct http_field f[] = {
		{ .name = "reason", .required = true, .string = &reason },
	};
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = erase_op };

	if (!cases_find(req, 0, ACT_DELETE, &r))
		return;
	coord_body(req, f, 1, &x.body_errs);
	if (reason &&
	    coord_text(&req->arena, "reason", reason, 1000, TEXT_LINES, true,
		       &text, &x.body_errs) &&
	    strlen(text) < ACCESS_REASON_MIN)
		coord_error(&x.body_errs, "reason",
			    "must name the lawful request, in at least 15 "
			    "characters");
	/* The reason is kept where erasures are reviewed. */
	x.review_org = r.share.owner_org;
	x.reason = text;
	x.action = "case.erase";
	if (cases_run(&x, "The case was not erased."))
		http_json(req, 200, cases_json(req, &r, false));
	cases_release(&r);
}

/*
 * /api/v1/cases/{id}/persons, /events, /timeline, /consents, /plans and
 * /followups: adding and changing what a case holds (the case's writers).
 */
#include <string.h>

#include "auth/auth.h"
#include "cases/cases_http_int.h"
#include "cases/cases_int.h"
#include "coord/coord_http.h"

static const char *const version_key[] = { "version", NULL };

/* Answers the entry written, its personal fields opened for the writer. */
static void
answer(struct case_op *x, unsigned status)
{
	struct case_entry *e = &x->out;
	struct crypto_dek *dek =
		x->w.may_write_personal ? cases_dek(x->w.kr, x->r) : NULL;

	if (dek) {
		json_t *open = NULL;

		if (cases_unseal(dek, e->id, e->sealed, NULL, 0, &open))
			e->personal = open;
		cases_dek_done(x->r, dek);
	}
	http_json(x->req, status, cases_entry_json(e));
}

static void
finish(struct case_op *x)
{
	json_decref(x->input);
	json_decref(x->out.data);
	json_decref(x->out.personal);
	cases_release(x->r);
}

/* ---- persons ---- */

static enum err
person_add_op(struct db_conn *c, struct case_op *x)
{
	return cases_person_add(c, &x->req->arena, &x->w, x->r, x->arg,
				x->input, &x->out, &x->errs);
}

void
cases_http_person_add(struct http_request *req)
{
	static const char *const drop[] = { "role", NULL };
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = person_add_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.w = cases_writer(req, &r);
	x.input = cases_input(req, drop, &x.body_errs);
	x.arg = (void *)json_string_value(json_object_get(req->body, "role"));
	if (!x.arg)
		coord_error(&x.body_errs, "role",
			    "is required: victim or perpetrator");
	x.action = "case.person_add";
	if (cases_run(&x, "The person was not saved."))
		answer(&x, 201);
	finish(&x);
}

static enum err
person_update_op(struct db_conn *c, struct case_op *x)
{
	return cases_person_update(c, &x->req->arena, &x->w, x->r, x->sub,
				   x->version, x->input, &x->out, &x->errs);
}

void
cases_http_person_update(struct http_request *req)
{
	char pid[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = person_update_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.w = cases_writer(req, &r);
	x.sub = pid;
	x.input = cases_input(req, version_key, &x.body_errs);
	x.action = "case.person_update";
	if (!http_param_id(req, 1, pid))
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
	else if (!cases_version(req, &x.version, &x.body_errs))
		coord_invalid(req, &x.body_errs);
	else if (cases_run(&x, "The person was not saved."))
		answer(&x, 200);
	finish(&x);
}

/* ---- items ---- */

static enum err
item_add_op(struct db_conn *c, struct case_op *x)
{
	return cases_item_add(c, &x->req->arena, &x->w, x->r, x->kind, x->input,
			      &x->out, &x->errs);
}

static void
item_add(struct http_request *req, enum case_item_kind k)
{
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = item_add_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.w = cases_writer(req, &r);
	x.kind = k;
	x.input = cases_input(req, NULL, &x.body_errs);
	x.action = arena_printf(&req->arena, "case.%s_add", case_item_name(k));
	if (cases_run(&x, "The entry was not saved."))
		answer(&x, 201);
	finish(&x);
}

static enum err
item_update_op(struct db_conn *c, struct case_op *x)
{
	return cases_item_update(c, &x->req->arena, &x->w, x->r, x->kind,
				 x->sub, x->version, x->input, &x->out,
				 &x->errs);
}

static void
item_update(struct http_request *req, enum case_item_kind k)
{
	char iid[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = item_update_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.w = cases_writer(req, &r);
	x.kind = k;
	x.sub = iid;
	x.input = cases_input(req, version_key, &x.body_errs);
	x.action =
		arena_printf(&req->arena, "case.%s_update", case_item_name(k));
	if (!http_param_id(req, 1, iid))
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
	else if (!cases_version(req, &x.version, &x.body_errs))
		coord_invalid(req, &x.body_errs);
	else if (cases_run(&x, "The entry was not saved."))
		answer(&x, 200);
	finish(&x);
}

static enum err
item_delete_op(struct db_conn *c, struct case_op *x)
{
	return cases_item_delete(c, &x->req->arena, x->r, x->kind, x->sub);
}

static void
item_delete(struct http_request *req, enum case_item_kind k)
{
	char iid[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = item_delete_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.kind = k;
	x.sub = iid;
	x.action =
		arena_printf(&req->arena, "case.%s_delete", case_item_name(k));
	if (!http_param_id(req, 1, iid))
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
	else if (cases_run(&x, "The entry was not removed."))
		http_send(req, 204, NULL, NULL, 0);
	cases_release(&r);
}

#define ITEM_HANDLERS(k, K)                                    \
	void cases_http_##k##_add(struct http_request *req)    \
	{                                                      \
		item_add(req, K);                              \
	}                                                      \
	void cases_http_##k##_update(struct http_request *req) \
	{                                                      \
		item_update(req, K);                           \
	}                                                      \
	void cases_http_##k##_delete(struct http_request *req) \
	{                                                      \
		item_delete(req, K);                           \
	}

ITEM_HANDLERS(event, ITEM_EVENT)
ITEM_HANDLERS(timeline, ITEM_TIMELINE)
ITEM_HANDLERS(consent, ITEM_CONSENT)
ITEM_HANDLERS(plan, ITEM_PLAN)
ITEM_HANDLERS(followup, ITEM_FOLLOWUP)

static enum err
withdraw_op(struct db_conn *c, struct case_op *x)
{
	const struct auth_actor *a = x->req->actor;

	return cases_consent_withdraw(c, &x->req->arena, x->r, x->sub,
				      a->user.id, NULL, &x->out);
}

void
cases_http_consent_withdraw(struct http_request *req)
{
	char cid[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = withdraw_op };

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.w = cases_writer(req, &r);
	x.sub = cid;
	x.action = "case.consent_withdraw";
	if (!http_param_id(req, 1, cid))
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
	else if (cases_run(&x, "The consent was not withdrawn."))
		answer(&x, 200);
	finish(&x);
}

struct schedule {
	const char *from, *person_id;
	int months[24];
	size_t n;
};

static enum err
schedule_op(struct db_conn *c, struct case_op *x)
{
	struct schedule *s = x->arg;

	return cases_followups_schedule(c, &x->req->arena, &x->w, x->r,
					s->person_id, s->from, s->months, s->n,
					&x->errs);
}

void
cases_http_schedule(struct http_request *req)
{
	struct schedule s = { 0 };
	json_t *months = NULL, *m;
	const struct http_field f[] = {
		{ .name = "from", .required = true, .string = &s.from },
		{ .name = "person_id", .string = &s.person_id },
		{ .name = "months", .any = &months },
	};
	static const int standard[] = { 1, 3, 6, 12 };
	struct case_record r;
	struct case_op x = {
		.req = req, .r = &r, .run = schedule_op, .arg = &s
	};
	size_t i;

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	x.w = cases_writer(req, &r);
	coord_body(req, f, 3, &x.body_errs);
	if (!months || json_is_null(months)) {
		memcpy(s.months, standard, sizeof(standard));
		s.n = 4;
	} else if (!json_is_array(months) || json_array_size(months) > 24) {
		coord_error(&x.body_errs, "months",
			    "must list 1 to 24 whole months");
	} else {
		json_array_foreach (months, i, m) {
			json_int_t v = json_integer_value(m);

			/* The schedule refuses 0: anything out of range. */
			s.months[s.n++] = v >= 1 && v <= 120 ? (int)v : 0;
		}
	}
	x.action = "case.followup_schedule";
	if (!cases_run(&x, "The follow-ups were not scheduled."))
		;
	else if (cases_load_parts(req->db, &req->arena, &r) == ERR_OK)
		http_json(req, 201, cases_json(req, &r, true));
	else
		http_problem(req, ERR_UNAVAILABLE,
			     "The case could not be read again.", NULL);
	cases_release(&r);
}

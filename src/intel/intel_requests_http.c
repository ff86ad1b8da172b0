/*
 * /api/v1/reports/{id}/requests: preservation and takedown requests to
 * online platforms; and /api/v1/reports/{id}/indicators/{indicator_id}:
 * one indicator with all it correlates with.
 */
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"
#include "intel/intel_http.h"

json_t *
intel_request_json(const struct intel_request *q)
{
	return json_pack("{ss ss ss ss ss ss* ss ss* ss* ss* ss ss sI}", "id",
			 q->id, "report_id", q->report_id, "platform",
			 q->platform, "kind", intel_request_kind_name(q->kind),
			 "target", q->target, "sent_on",
			 q->sent_on[0] ? q->sent_on : NULL, "status",
			 intel_request_status_name(q->status), "reference",
			 q->reference, "response", q->response, "responded_on",
			 q->responded_on[0] ? q->responded_on : NULL,
			 "created_at", q->created_at, "updated_at",
			 q->updated_at, "version", (json_int_t)q->version);
}

struct list {
	const char *report_id;
	struct arena *a;
	struct intel_request *v;
	size_t n;
};

static enum db_status
list_tx(struct db_conn *c, void *arg)
{
	struct list *x = arg;

	return db_status_of(
		intel_requests_list(c, x->a, x->report_id, &x->v, &x->n));
}

void
intel_http_requests_list(struct http_request *req)
{
	struct intel_report r;
	struct list x = { .a = &req->arena };
	json_t *items;

	if (!intel_http_find(req, ACT_READ, &r))
		return;
	x.report_id = r.id;
	if (db_tx_conn(req->db, list_tx, &x) != DB_OK) {
		http_problem(req, ERR_UNAVAILABLE,
			     "The requests could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < x.n; i++)
		json_array_append_new(items, intel_request_json(&x.v[i]));
	http_json(req, 200, json_pack("{so}", "items", items));
}

struct change {
	struct http_request *req;
	struct intel_request_input in;
	const char *report_id;
	char id[UUID_STR_LEN]; /* "" when creating */
	long long version;
	struct intel_request q;
	struct coord_errors errs;
	enum err e;
};

static enum db_status
change_tx(struct db_conn *c, void *arg)
{
	struct change *x = arg;
	struct http_request *req = x->req;

	x->e = x->id[0] ? intel_request_update(c, &req->arena, x->report_id,
					       x->id, x->version, &x->in, &x->q,
					       &x->errs)
			: intel_request_create(
				  c, &req->arena, x->report_id,
				  ((const struct auth_actor *)req->actor)
					  ->user.id,
				  &x->in, &x->q, &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, req,
			  x->id[0] ? "report.request_update"
				   : "report.request_create",
			  "report", x->report_id);
}

static void
change(struct http_request *req, bool update)
{
	struct change x = { .req = req };
	struct intel_report r;
	struct intel_request_input *in = &x.in;
	const struct http_field f[] = {
		{ .name = "platform", .string = &in->platform },
		{ .name = "kind", .string = &in->kind },
		{ .name = "target", .string = &in->target },
		{ .name = "sent_on", .string = &in->sent_on },
		{ .name = "status", .string = &in->status },
		{ .name = "reference", .string = &in->reference },
		{ .name = "response", .string = &in->response },
		{ .name = "responded_on", .string = &in->responded_on },
		{ .name = "version", .required = true, .integer = &x.version },
	};

	if (!intel_http_find(req, ACT_UPDATE, &r))
		return;
	if (update && !http_param_id(req, 1, x.id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	coord_body(req, f, update ? 9 : 8, &x.errs);
	if (x.errs.n) {
		coord_invalid(req, &x.errs);
		return;
	}
	x.report_id = r.id;
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		coord_failed(req, x.e, &x.errs, "The request was not saved.");
		return;
	}
	http_json(req, update ? 200 : 201, intel_request_json(&x.q));
}

void
intel_http_request_create(struct http_request *req)
{
	change(req, false);
}

void
intel_http_request_update(struct http_request *req)
{
	change(req, true);
}

struct one {
	struct http_request *req;
	struct intel_report r;
	char id[UUID_STR_LEN];
	bool names;
	json_t *out;
	enum err e;
};

static enum db_status
one_tx(struct db_conn *c, void *arg)
{
	struct one *x = arg;
	struct http_request *req = x->req;
	struct intel_indicator ind;
	struct intel_correlation k;

	x->e = intel_indicator_get(c, &req->arena,
				   x->names ? app_keyring(req->app) : NULL,
				   x->r.id, x->id, &ind);
	if (x->e == ERR_OK)
		x->e = intel_correlate(c, &req->arena, app_keyring(req->app),
				       access_actor_of(req), &ind, x->r.id, &k);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	json_decref(x->out); /* a retried transaction's */
	x->out = intel_indicator_json(&ind);
	if (ind.type == INTEL_NAME && ind.value) {
		x->e = db_err(auth_audit(c, req, "report.read_names", "report",
					 x->r.id));
		if (x->e != ERR_OK)
			return db_status_of(x->e);
	}
	json_object_set_new(x->out, "common", json_boolean(k.common));
	json_object_set_new(x->out, "correlation", intel_correlation_json(&k));
	if (k.first_seen[0])
		json_object_set_new(x->out, "first_seen",
				    json_string(k.first_seen));
	if (k.last_seen[0])
		json_object_set_new(x->out, "last_seen",
				    json_string(k.last_seen));
	return DB_OK;
}

void
intel_http_indicator_get(struct http_request *req)
{
	struct one x = { .req = req };
	struct access_record ar;

	if (!intel_http_find(req, ACT_READ, &x.r))
		return;
	if (!http_param_id(req, 1, x.id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	ar = coord_access(&x.r.share, NULL, 0);
	x.names = access_check(access_actor_of(req), ACT_READ_PERSONAL, &ar) ==
		  ACCESS_ALLOW;
	if (db_tx_conn_err(req->db, one_tx, &x, &x.e) != ERR_OK) {
		http_problem(req, x.e,
			     x.e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The indicator could not be read.",
			     NULL);
		return;
	}
	http_json(req, 200, x.out);
}

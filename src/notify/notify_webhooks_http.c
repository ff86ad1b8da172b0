/* /api/v1/webhooks: an organisation's integrations, for its admins. */
#include <stdlib.h>
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "notify/notify.h"
#include "notify/notify_http.h"

/* Webhooks are run by the organisation's admins (as its accounts are). */
static bool
allowed(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct access_record r = { .kind = KIND_USER,
				   .owner_org = a->user.org_id,
				   .level = LEVEL_ORG,
				   .tlp = TLP_CLEAR };

	return access_allow(req, ACT_ADMIN, &r);
}

static json_t *
hook_json(const struct webhook *w)
{
	json_t *ev = json_array();

	for (size_t i = 0; i < w->nevents; i++)
		json_array_append_new(ev, json_string(w->events[i]));
	return json_pack("{ss ss ss so ss}", "id", w->id, "org_id", w->org_id,
			 "url", w->url, "events", ev, "created_at",
			 w->created_at);
}

void
notify_http_webhooks(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct webhook *v;
	json_t *items;
	size_t n;
	enum err e;

	if (!allowed(req))
		return;
	e = notify_webhook_list(req->db, &req->arena, a->user.org_id, &v, &n);
	if (e != ERR_OK) {
		http_problem(req, e, "The webhooks could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, hook_json(&v[i]));
	http_json(req, 200,
		  json_pack("{so sn}", "items", items, "next_cursor"));
}

struct make {
	struct http_request *req;
	const char *url;
	const char *const *events;
	size_t nevents;
	struct webhook w;
	char *secret;
	const char *field, *why;
	enum err e;
};

static enum db_status
make_tx(struct db_conn *c, void *arg)
{
	struct make *m = arg;
	const struct auth_actor *a = m->req->actor;
	struct app *app = m->req->app;

	free(m->secret);
	m->secret = NULL;
	m->e = notify_webhook_create(c, app_keyring(app), &m->req->arena,
				     a->user.org_id, a->user.id, m->url,
				     m->events, m->nevents, &m->w, &m->secret,
				     &m->field, &m->why);
	if (m->e != ERR_OK)
		return db_status_of(m->e);
	return auth_audit(c, m->req, "webhook.create", "webhook", m->w.id);
}

void
notify_http_webhook_create(struct http_request *req)
{
	struct make m = { .req = req };
	json_t *events = NULL, *item, *out;
	const struct http_field fields[] = {
		{ .name = "url", .required = true, .string = &m.url },
		{ .name = "events", .required = true, .any = &events },
	};
	const char **list;
	size_t i;

	if (!allowed(req) || !http_body_fields(req, fields, 2))
		return;
	if (!json_is_array(events)) {
		http_invalid(req, "events", "must be a list of event names");
		return;
	}
	list = arena_alloc(&req->arena,
			   (json_array_size(events) + 1) * sizeof(*list));
	json_array_foreach (events, i, item) {
		if (!json_is_string(item)) {
			http_invalid(req, "events",
				     "must be a list of event names");
			return;
		}
		list[i] = json_string_value(item);
	}
	m.events = list;
	m.nevents = json_array_size(events);
	if (db_tx_conn_err(req->db, make_tx, &m, &m.e) != ERR_OK) {
		free(m.secret);
		if (m.e == ERR_INVALID)
			http_invalid(req, m.field, m.why);
		else
			http_problem(req, m.e,
				     m.e == ERR_CONFLICT
					     ? "Your organisation has as many "
					       "webhooks as it may."
					     : "The webhook was not saved.",
				     NULL);
		return;
	}
	out = hook_json(&m.w);
	/* Shown once: atip keeps it sealed. */
	json_object_set_new(out, "secret", json_string(m.secret));
	free(m.secret);
	http_json(req, 201, out);
	http_add_header(req, "Cache-Control", "no-store");
}

struct drop {
	struct http_request *req;
	const char *id;
	enum err e;
};

static enum db_status
drop_tx(struct db_conn *c, void *arg)
{
	struct drop *d = arg;
	const struct auth_actor *a = d->req->actor;

	d->e = notify_webhook_delete(c, a->user.org_id, d->id);
	if (d->e != ERR_OK)
		return db_status_of(d->e);
	return auth_audit(c, d->req, "webhook.delete", "webhook", d->id);
}

void
notify_http_webhook_delete(struct http_request *req)
{
	char id[UUID_STR_LEN];
	struct drop d = { .req = req, .id = id };

	if (!allowed(req))
		return;
	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (db_tx_conn_err(req->db, drop_tx, &d, &d.e) != ERR_OK) {
		http_problem(req, d.e,
			     d.e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The webhook was not removed.",
			     NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
}

void
notify_http_webhook_deliveries(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	const char *limit_s = http_query(req, "limit");
	const char *cursor_s = http_query(req, "cursor");
	char id[UUID_STR_LEN], cursor[UUID_STR_LEN];
	long long limit = NOTIFY_LIST_DEFAULT;
	struct webhook_delivery *v;
	json_t *items;
	size_t n;
	enum err e;

	if (!allowed(req))
		return;
	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (limit_s &&
	    !str_to_i64(str_of(limit_s), 1, NOTIFY_LIST_MAX, &limit)) {
		http_invalid(req, "limit",
			     "must be a whole number from 1 to 500");
		return;
	}
	if (cursor_s && !uuid_normalise(str_of(cursor_s), cursor)) {
		http_invalid(req, "cursor",
			     "must be a next_cursor of this list");
		return;
	}
	e = notify_webhook_deliveries(req->db, &req->arena, a->user.org_id, id,
				      cursor_s ? cursor : NULL, limit, &v, &n);
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND ? "There is nothing here."
						: "The deliveries could not be "
						  "read.",
			     NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			items,
			json_pack("{ss ss ss? ss? ss sI sI ss? ss ss?}", "id",
				  v[i].id, "event", v[i].event, "record_kind",
				  v[i].record_kind, "record_id", v[i].record_id,
				  "status", v[i].status, "attempts",
				  (json_int_t)v[i].attempts, "last_status",
				  (json_int_t)v[i].last_status, "last_error",
				  v[i].last_error, "created_at",
				  v[i].created_at, "delivered_at",
				  v[i].delivered_at[0] ? v[i].delivered_at
						       : NULL));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    n == (size_t)limit ? v[n - 1].id : NULL));
}

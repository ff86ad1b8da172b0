#include "notify/notify_http.h"

#include <string.h>

#include "auth/auth.h"
#include "notify/notify.h"

void
notify_http_list(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	const char *unread = http_query(req, "unread");
	const char *limit_s = http_query(req, "limit");
	const char *cursor_s = http_query(req, "cursor");
	char cursor[UUID_STR_LEN];
	long long limit = NOTIFY_LIST_DEFAULT;
	struct notification *v;
	json_t *items;
	size_t n;
	enum err e;

	if (unread && strcmp(unread, "true") && strcmp(unread, "false")) {
		http_invalid(req, "unread", "must be true or false");
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
	e = notify_list(req->db, &req->arena, a->user.id,
			unread && !strcmp(unread, "true"),
			cursor_s ? cursor : NULL, limit, &v, &n);
	if (e != ERR_OK) {
		http_problem(req, e, "The notifications could not be read.",
			     NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			items,
			json_pack("{ss ss ss? ss? ss? ss? ss ss? sb}", "id",
				  v[i].id, "event", v[i].event, "record_kind",
				  v[i].record_kind, "record_id", v[i].record_id,
				  "actor_org", v[i].actor_org, "actor_user",
				  v[i].actor_user, "created_at",
				  v[i].created_at, "read_at",
				  v[i].read_at[0] ? v[i].read_at : NULL,
				  "unread", !v[i].read_at[0]));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    n == (size_t)limit ? v[n - 1].id : NULL));
}

void
notify_http_count(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	long long n;
	enum err e = notify_unread(req->db, a->user.id, &n);

	if (e != ERR_OK) {
		http_problem(req, e, "The notifications could not be read.",
			     NULL);
		return;
	}
	http_json(req, 200, json_pack("{sI}", "unread", (json_int_t)n));
}

struct mark {
	const char *user, *id;
	long long n;
	enum err e;
};

static enum db_status
mark_tx(struct db_conn *c, void *arg)
{
	struct mark *m = arg;

	m->e = notify_mark_read(c, m->user, m->id, &m->n);
	return db_status_of(m->e);
}

void
notify_http_read(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	char id[UUID_STR_LEN];
	struct mark m = { a->user.id, id, 0, ERR_OK };

	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (db_tx_conn_err(req->db, mark_tx, &m, &m.e) != ERR_OK) {
		http_problem(req, m.e,
			     m.e == ERR_NOT_FOUND ? "There is nothing here."
						  : "Nothing was marked.",
			     NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
}

void
notify_http_read_all(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct mark m = { a->user.id, NULL, 0, ERR_OK };

	if (db_tx_conn_err(req->db, mark_tx, &m, &m.e) != ERR_OK) {
		http_problem(req, m.e, "Nothing was marked.", NULL);
		return;
	}
	http_json(req, 200, json_pack("{sI}", "marked", (json_int_t)m.n));
}

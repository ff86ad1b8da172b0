/* The API tokens resource: /api/v1/tokens (one's own tokens). */
#include <string.h>

#include "auth/auth.h"
#include "auth/auth_http.h"
#include "auth/auth_sql.h"
#include "base/timeutil.h"

#include <sodium.h>

void
auth_tokens_http_list(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct db_arg arg = db_text(a->user.id);
	struct db_rows rows;
	json_t *items = json_array();

	db_query(req->db, &auth_sql[AUTH_TOKENS_LIST], &arg, 1, &rows);
	while (db_next(&rows))
		json_array_append_new(
			items,
			json_pack("{ss ss sI sI so so}", "id",
				  db_col_text(&rows, 0), "name",
				  db_col_text(&rows, 1), "created_at_ms",
				  (json_int_t)db_col_int(&rows, 2),
				  "expires_at_ms",
				  (json_int_t)db_col_int(&rows, 3),
				  "last_used_at_ms",
				  db_col_null(&rows, 4)
					  ? json_null()
					  : json_integer(db_col_int(&rows, 4)),
				  "revoked",
				  json_boolean(!db_col_null(&rows, 5))));
	if (db_rows_close(&rows) != DB_OK) {
		json_decref(items);
		http_problem(req, ERR_UNAVAILABLE,
			     "The tokens could not be read.", NULL);
		return;
	}
	http_json(req, 200,
		  json_pack("{so sn}", "items", items, "next_cursor"));
}

struct token_change {
	struct http_request *req;
	const char *name;
	int days;
	const char *revoke; /* id, or NULL to create */
	char id[UUID_STR_LEN];
	char token[AUTH_API_TOKEN_LEN];
	enum err e;
};

static enum db_status
token_tx(struct db_conn *c, void *arg)
{
	struct token_change *x = arg;
	const struct auth_actor *a = x->req->actor;

	x->e = x->revoke ? auth_token_revoke(c, a->user.id, x->revoke,
					     time_now_ms())
			 : auth_token_create(c, a->user.id, x->name, x->days,
					     time_now_ms(), x->id, x->token);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req,
			  x->revoke ? "token.revoke" : "token.create", "token",
			  x->revoke ? x->revoke : x->id);
}

static enum err
run(struct http_request *req, struct token_change *x)
{
	return db_tx_conn_err(req->db, token_tx, x, &x->e);
}

void
auth_tokens_http_create(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	long long days = 90;
	struct token_change x = { .req = req };
	const struct http_field fields[] = {
		{ .name = "name",
		  .required = true,
		  .max = 100,
		  .string = &x.name },
		{ .name = "days", .integer = &days },
	};
	enum err e;

	if (!a->session_hash[0]) {
		http_problem(req, ERR_FORBIDDEN,
			     "Tokens are made from a signed-in session, not "
			     "with another token.",
			     NULL);
		return;
	}
	if (!http_body_fields(req, fields, 2))
		return;
	if (days < 1 || days > AUTH_TOKEN_DAYS_MAX || !*x.name) {
		http_invalid(req, *x.name ? "days" : "name",
			     *x.name ? "must be from 1 to 366"
				     : "must not be empty");
		return;
	}
	x.days = (int)days;
	e = run(req, &x);
	if (e != ERR_OK) {
		http_problem(req, e, "The token could not be made.", NULL);
		return;
	}
	http_json(req, 201,
		  json_pack("{ss ss sI}", "id", x.id, "token", x.token,
			    "expires_in_days", (json_int_t)days));
	sodium_memzero(x.token, sizeof(x.token));
}

void
auth_tokens_http_revoke(struct http_request *req)
{
	struct token_change x = { .req = req };
	char id[UUID_STR_LEN];
	enum err e = ERR_NOT_FOUND;

	if (http_param_id(req, 0, id)) {
		x.revoke = id;
		e = run(req, &x);
	}
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The token could not be revoked.",
			     NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
}

#include "audit/audit_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "access/access_http.h"
#include "audit/audit.h"
#include "audit/audit_sql.h"
#include "auth/auth.h"
#include "auth/auth_http.h"

enum { LIST_DEFAULT = 50, LIST_MAX = 500 };

static json_t *
entry_json(struct db_rows *rows)
{
	return json_pack("{sI ss ss? ss ss? ss? ss ss?}", "seq",
			 (json_int_t)db_col_int(rows, 0), "at",
			 db_col_text(rows, 1), "actor_user",
			 db_col_text(rows, 2), "action", db_col_text(rows, 3),
			 "record_kind", db_col_text(rows, 4), "record_id",
			 db_col_text(rows, 5), "outcome", db_col_text(rows, 6),
			 "request_id", db_col_text(rows, 7));
}

void
audit_http_list(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	const char *org = http_query(req, "org_id");
	const char *limit_s = http_query(req, "limit");
	const char *cursor_s = http_query(req, "cursor");
	long long limit = LIST_DEFAULT, cursor = INT64_MAX, last = 0;
	struct access_record r = { .kind = KIND_AUDIT,
				   .level = LEVEL_ORG,
				   .tlp = TLP_CLEAR };
	char chain[UUID_STR_LEN];
	struct db_arg args[3];
	struct db_rows rows;
	json_t *items;
	size_t n = 0;

	r.owner_org = org ? org : a->user.org_id;
	/* Chains are organisation ids, or "platform". */
	if (strcmp(r.owner_org, "platform") &&
	    !uuid_normalise(str_of(r.owner_org), chain)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (strcmp(r.owner_org, "platform"))
		r.owner_org = chain;
	if (!access_allow(req, ACT_READ, &r))
		return;
	if ((limit_s && !str_to_i64(str_of(limit_s), 1, LIST_MAX, &limit)) ||
	    (cursor_s &&
	     !str_to_i64(str_of(cursor_s), 1, INT64_MAX, &cursor))) {
		http_invalid(req, limit_s ? "limit" : "cursor",
			     "must be a whole number in range");
		return;
	}
	args[0] = db_text(r.owner_org);
	args[1] = DB_INT(cursor);
	args[2] = DB_INT(limit);
	items = json_array();
	db_query(req->db, &audit_sql[AUDIT_PAGE], args, 3, &rows);
	while (db_next(&rows)) {
		json_array_append_new(items, entry_json(&rows));
		last = db_col_int(&rows, 0);
		n++;
	}
	if (db_rows_close(&rows) != DB_OK) {
		json_decref(items);
		http_problem(req, ERR_UNAVAILABLE,
			     "The trail could not be read.", NULL);
		return;
	}
	http_json(req, 200,
		  json_pack("{so so}", "items", items, "next_cursor",
			    n == (size_t)limit && last > 1
				    ? json_sprintf("%lld", last)
				    : json_null()));
}

/* Reads ?limit= and ?cursor= (an entry id); false after answering 422. */
static bool
page_params(struct http_request *req, long long *limit, char cursor[37])
{
	const char *limit_s = http_query(req, "limit");
	const char *cursor_s = http_query(req, "cursor");

	*limit = LIST_DEFAULT;
	/* Past every UUID: the first page. */
	snprintf(cursor, 37, "%s", "g");
	if (limit_s && !str_to_i64(str_of(limit_s), 1, LIST_MAX, limit)) {
		http_invalid(req, "limit", "must be a whole number in range");
		return false;
	}
	if (cursor_s && !uuid_normalise(str_of(cursor_s), cursor)) {
		http_invalid(req, "cursor",
			     "must be a next_cursor of this list");
		return false;
	}
	return true;
}

/* Runs a paged query; each row becomes an item by to_json, the id in col 0. */
static void
answer_page(struct http_request *req, const struct db_stmt *s,
	    struct db_arg *args, int nargs, long long limit,
	    json_t *(*to_json)(struct db_rows *rows))
{
	char last[UUID_STR_LEN] = "";
	struct db_rows rows;
	json_t *items = json_array();
	long long n = 0;

	db_query(req->db, s, args, nargs, &rows);
	while (db_next(&rows)) {
		json_array_append_new(items, to_json(&rows));
		snprintf(last, sizeof(last), "%s", db_col_text(&rows, 0));
		n++;
	}
	if (db_rows_close(&rows) != DB_OK) {
		json_decref(items);
		http_problem(req, ERR_UNAVAILABLE,
			     "The trail could not be read.", NULL);
		return;
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    n == limit ? last : NULL));
}

static json_t *
record_entry_json(struct db_rows *rows)
{
	return json_pack("{ss ss ss ss? ss? ss? ss ss}", "id",
			 db_col_text(rows, 0), "at", db_col_text(rows, 1),
			 "org_id", db_col_text(rows, 2), "org_name",
			 db_col_text(rows, 3), "actor_user",
			 db_col_text(rows, 4), "actor_name",
			 db_col_text(rows, 5), "action", db_col_text(rows, 6),
			 "outcome", db_col_text(rows, 7));
}

void
audit_http_record(struct http_request *req, const char *kind, const char *id)
{
	char cursor[UUID_STR_LEN];
	struct db_arg args[4];
	long long limit;

	if (!page_params(req, &limit, cursor))
		return;
	args[0] = db_text(kind);
	args[1] = db_text(id);
	args[2] = db_text(cursor);
	args[3] = DB_INT(limit);
	answer_page(req, &audit_sql[AUDIT_RECORD_PAGE], args, 4, limit,
		    record_entry_json);
}

static json_t *
flag_json(struct db_rows *rows)
{
	return json_pack(
		"{ss ss ss ss? ss? ss? ss? ss? ss ss? ss? ss? ss?}", "id",
		db_col_text(rows, 0), "at", db_col_text(rows, 1), "org_id",
		db_col_text(rows, 2), "org_name", db_col_text(rows, 3),
		"actor_user", db_col_text(rows, 4), "actor_name",
		db_col_text(rows, 5), "record_kind", db_col_text(rows, 6),
		"record_id", db_col_text(rows, 7), "reason",
		db_col_text(rows, 8), "reviewed_by", db_col_text(rows, 9),
		"reviewer_name", db_col_text(rows, 10), "reviewed_at",
		db_col_text(rows, 11), "review_note", db_col_text(rows, 12));
}

/* The owner organisation named by ?org_id= (default: the actor's). */
static bool
owner_param(struct http_request *req, char out[UUID_STR_LEN])
{
	const struct auth_actor *a = req->actor;
	const char *org = http_query(req, "org_id");

	if (!org) {
		snprintf(out, UUID_STR_LEN, "%s", a->user.org_id);
		return true;
	}
	if (uuid_normalise(str_of(org), out))
		return true;
	http_problem(req, ERR_NOT_FOUND, "There is nothing here.", NULL);
	return false;
}

void
audit_http_flags(struct http_request *req)
{
	const char *state = http_query(req, "state");
	struct access_record r = { .kind = KIND_AUDIT,
				   .level = LEVEL_ORG,
				   .tlp = TLP_CLEAR };
	char owner[UUID_STR_LEN], cursor[UUID_STR_LEN];
	struct db_arg args[4];
	long long limit;

	if (!owner_param(req, owner))
		return;
	r.owner_org = owner;
	if (!access_allow(req, ACT_READ, &r))
		return;
	if (!state)
		state = "open";
	if (strcmp(state, "open") && strcmp(state, "reviewed") &&
	    strcmp(state, "all")) {
		http_invalid(req, "state", "must be open, reviewed or all");
		return;
	}
	if (!page_params(req, &limit, cursor))
		return;
	args[0] = db_text(owner);
	args[1] = db_text(cursor);
	args[2] = db_text(state);
	args[3] = DB_INT(limit);
	answer_page(req, &audit_sql[AUDIT_FLAG_PAGE], args, 4, limit,
		    flag_json);
}

struct review {
	struct http_request *req;
	const char *id, *note;
	enum err e;
};

static enum db_status
review_tx(struct db_conn *c, void *arg)
{
	struct review *x = arg;
	const struct auth_actor *a = x->req->actor;

	x->e = audit_flag_review(c, a->user.org_id, x->id, a->user.id, x->note);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "audit.review", "audit_flag", x->id);
}

void
audit_http_review(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	char id[UUID_STR_LEN];
	struct review x = { .req = req, .id = id };
	const struct http_field fields[] = {
		{ .name = "note",
		  .required = true,
		  .max = AUDIT_REASON_MAX,
		  .string = &x.note },
	};
	struct access_record r = { .kind = KIND_AUDIT,
				   .owner_org = a->user.org_id,
				   .level = LEVEL_ORG,
				   .tlp = TLP_CLEAR };

	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (!access_allow(req, ACT_UPDATE, &r))
		return;
	if (!http_body_fields(req, fields, 1))
		return;
	if (!x.note[strspn(x.note, " \t\r\n")]) {
		http_invalid(req, "note", "must say what the review found");
		return;
	}
	if (db_tx_conn_err(req->db, review_tx, &x, &x.e) != ERR_OK) {
		http_problem(req, x.e,
			     x.e == ERR_CONFLICT
				     ? "That access was reviewed already."
			     : x.e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The review was not saved.",
			     NULL);
		return;
	}
	http_json(req, 200,
		  json_pack("{ss ss}", "id", id, "status", "reviewed"));
}

#include "audit/audit_http.h"

#include <stdint.h>
#include <string.h>

#include "access/access_http.h"
#include "audit/audit_sql.h"
#include "auth/auth.h"

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

#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "notify/notify_sql.h"

enum err
notify_user(struct db_conn *c, const char *user_id,
	    const struct notify_event *ev)
{
	char id[UUID_STR_LEN], at[TIME_RFC3339_LEN];
	struct db_arg a[9];

	if (ev->actor_user && !strcmp(ev->actor_user, user_id))
		return ERR_OK;
	uuid_v7(id);
	time_rfc3339(time_now_ms(), at, sizeof(at));
	a[0] = db_text(id);
	a[1] = db_text(user_id);
	a[2] = db_text(ev->event);
	a[3] = db_text(ev->record_kind);
	a[4] = db_text(ev->record_id);
	a[5] = db_text(ev->actor_org);
	a[6] = db_text(ev->actor_user);
	a[7] = db_text(ev->dedupe);
	a[8] = db_text(at);
	return db_err(db_exec(c, &notify_sql[NOTIFY_INSERT], a, 9, NULL));
}

enum err
notify_org(struct db_conn *c, const char *org_id, const struct notify_event *ev)
{
	struct db_arg a = db_text(org_id);
	struct db_rows rows;
	char **users = NULL;
	size_t n = 0, i;
	enum err e;

	db_query(c, &notify_sql[NOTIFY_ORG_USERS], &a, 1, &rows);
	while (db_next(&rows)) {
		users = xrealloc(users, (n + 1) * sizeof(*users));
		users[n++] = xstrdup(db_col_text(&rows, 0));
	}
	e = db_err(db_rows_close(&rows));
	for (i = 0; i < n; i++) {
		if (e == ERR_OK)
			e = notify_user(c, users[i], ev);
		free(users[i]);
	}
	free(users);
	/* And the organisation's integrations. */
	return e == ERR_OK ? notify_webhooks_enqueue(c, org_id, ev) : e;
}

enum err
notify_list(struct db_conn *c, struct arena *a, const char *user_id,
	    bool unread_only, const char *cursor, long long limit,
	    struct notification **out, size_t *n)
{
	struct db_arg args[3] = { db_text(user_id),
				  db_text(cursor ? cursor : "g"),
				  DB_INT(limit) };
	struct db_rows rows;

	*n = 0;
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	db_query(c, &notify_sql[unread_only ? NOTIFY_PAGE_UNREAD : NOTIFY_PAGE],
		 args, 3, &rows);
	while (db_next(&rows)) {
		struct notification *x = &(*out)[(*n)++];

		snprintf(x->id, sizeof(x->id), "%s", db_col_text(&rows, 0));
		x->event = arena_strdup(a, db_col_text(&rows, 1));
		x->record_kind = arena_strdup(a, db_col_text(&rows, 2));
		x->record_id = arena_strdup(a, db_col_text(&rows, 3));
		x->actor_org = arena_strdup(a, db_col_text(&rows, 4));
		x->actor_user = arena_strdup(a, db_col_text(&rows, 5));
		snprintf(x->created_at, sizeof(x->created_at), "%s",
			 db_col_text(&rows, 6));
		snprintf(x->read_at, sizeof(x->read_at), "%s",
			 db_col_null(&rows, 7) ? "" : db_col_text(&rows, 7));
	}
	return db_err(db_rows_close(&rows));
}

enum err
notify_unread(struct db_conn *c, const char *user_id, long long *n)
{
	struct db_arg a = db_text(user_id);
	struct db_rows rows;

	*n = 0;
	db_query(c, &notify_sql[NOTIFY_UNREAD], &a, 1, &rows);
	if (db_next(&rows))
		*n = db_col_int(&rows, 0);
	return db_err(db_rows_close(&rows));
}

enum err
notify_mark_read(struct db_conn *c, const char *user_id, const char *id,
		 long long *n)
{
	char at[TIME_RFC3339_LEN];
	struct db_arg a[3];
	struct db_rows rows;
	bool mine;
	enum err e;

	time_rfc3339(time_now_ms(), at, sizeof(at));
	a[0] = db_text(user_id);
	if (!id) {
		a[1] = db_text(at);
		return db_err(
			db_exec(c, &notify_sql[NOTIFY_READ_ALL], a, 2, n));
	}
	a[1] = db_text(id);
	db_query(c, &notify_sql[NOTIFY_EXISTS], a, 2, &rows);
	mine = db_next(&rows);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!mine)
		return ERR_NOT_FOUND;
	a[2] = db_text(at);
	return db_err(db_exec(c, &notify_sql[NOTIFY_READ_ONE], a, 3, n));
}

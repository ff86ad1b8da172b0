/* Statements and migrations of the notify module. */
#include "notify/notify.h"
#include "notify/notify_sql.h"

const struct db_migration notify_migrations[] = {
	{ 22, "notifications",
	  "CREATE TABLE notifications ("
	  " id TEXT PRIMARY KEY,"
	  " user_id TEXT NOT NULL REFERENCES users (id),"
	  " event TEXT NOT NULL,"
	  " record_kind TEXT,"
	  " record_id TEXT,"
	  " actor_org TEXT,"
	  " actor_user TEXT,"
	  " dedupe TEXT,"
	  " created_at TEXT NOT NULL,"
	  " read_at TEXT,"
	  " UNIQUE (user_id, dedupe));"
	  "CREATE INDEX notifications_user ON notifications (user_id, id);",
	  NULL, NULL },
};

const size_t notify_nmigrations =
	sizeof(notify_migrations) / sizeof(notify_migrations[0]);

#define COLUMNS                                                     \
	"id, event, record_kind, record_id, actor_org, actor_user," \
	" created_at, read_at"

const struct db_stmt notify_sql[NOTIFY_SQL_COUNT] = {
	/* A repeated dedupe key is not an error: nothing happens. */
	[NOTIFY_INSERT] = { "notify_insert",
			    "INSERT INTO notifications (id, user_id, event,"
			    " record_kind, record_id, actor_org, actor_user,"
			    " dedupe, created_at) VALUES ($1, $2, $3, $4, $5,"
			    " $6, $7, $8, $9)"
			    " ON CONFLICT (user_id, dedupe) DO NOTHING",
			    NULL, NULL },
	[NOTIFY_ORG_USERS] = { "notify_org_users",
			       "SELECT id FROM users WHERE org_id = $1"
			       " AND status = 'active' ORDER BY id",
			       NULL, NULL },
	[NOTIFY_PAGE] = { "notify_page",
			  "SELECT " COLUMNS " FROM notifications"
			  " WHERE user_id = $1 AND id < $2"
			  " ORDER BY id DESC LIMIT $3",
			  NULL, NULL },
	[NOTIFY_PAGE_UNREAD] = { "notify_page_unread",
				 "SELECT " COLUMNS " FROM notifications"
				 " WHERE user_id = $1 AND id < $2"
				 " AND read_at IS NULL"
				 " ORDER BY id DESC LIMIT $3",
				 NULL, NULL },
	[NOTIFY_UNREAD] = { "notify_unread",
			    "SELECT COUNT(*) FROM notifications"
			    " WHERE user_id = $1 AND read_at IS NULL",
			    NULL, NULL },
	[NOTIFY_READ_ONE] = { "notify_read_one",
			      "UPDATE notifications SET read_at = $3"
			      " WHERE user_id = $1 AND id = $2"
			      " AND read_at IS NULL",
			      NULL, NULL },
	[NOTIFY_READ_ALL] = { "notify_read_all",
			      "UPDATE notifications SET read_at = $2"
			      " WHERE user_id = $1 AND read_at IS NULL",
			      NULL, NULL },
	[NOTIFY_EXISTS] = { "notify_exists",
			    "SELECT 1 FROM notifications"
			    " WHERE user_id = $1 AND id = $2",
			    NULL, NULL },
};

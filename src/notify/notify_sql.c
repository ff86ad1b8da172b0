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
	/* events: ",mention,reply," or ",*,".  A removed webhook keeps its
	 * log (active 0). */
	{ 26, "webhooks",
	  "CREATE TABLE webhooks ("
	  " id TEXT PRIMARY KEY,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " url TEXT NOT NULL,"
	  " events TEXT NOT NULL,"
	  " secret TEXT NOT NULL,"
	  " active INTEGER NOT NULL,"
	  " created_by TEXT REFERENCES users (id),"
	  " created_at TEXT NOT NULL);"
	  "CREATE INDEX webhooks_org ON webhooks (org_id, id);"
	  "CREATE TABLE webhook_deliveries ("
	  " id TEXT PRIMARY KEY,"
	  " webhook_id TEXT NOT NULL REFERENCES webhooks (id),"
	  " event TEXT NOT NULL,"
	  " record_kind TEXT,"
	  " record_id TEXT,"
	  " payload TEXT NOT NULL,"
	  " dedupe TEXT,"
	  " status TEXT NOT NULL CHECK (status IN ('pending', 'delivered',"
	  "  'failed')),"
	  " attempts INTEGER NOT NULL,"
	  " last_status INTEGER NOT NULL,"
	  " last_error TEXT,"
	  " created_at TEXT NOT NULL,"
	  " delivered_at TEXT,"
	  " UNIQUE (webhook_id, dedupe));"
	  "CREATE INDEX webhook_deliveries_hook ON webhook_deliveries"
	  " (webhook_id, id);",
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
	[HOOK_INSERT] = { "hook_insert",
			  "INSERT INTO webhooks (id, org_id, url, events,"
			  " secret, active, created_by, created_at)"
			  " VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
			  NULL, NULL },
	/* Serialises the webhook creations of organisation $1, so that its
	 * count is checked one at a time (SQLite's write transactions are
	 * one at a time anyway). */
	[HOOK_ORG_LOCK] = { "hook_org_lock", "SELECT 1", NULL,
			    "SELECT pg_advisory_xact_lock(hashtext("
			    "'webhooks:' || $1))" },
	[HOOK_COUNT] = { "hook_count",
			 "SELECT COUNT(*) FROM webhooks WHERE org_id = $1"
			 " AND active = 1",
			 NULL, NULL },
	[HOOK_LIST] = { "hook_list",
			"SELECT id, url, events, created_at FROM webhooks"
			" WHERE org_id = $1 AND active = 1 ORDER BY id",
			NULL, NULL },
	[HOOK_DELETE] = { "hook_delete",
			  "UPDATE webhooks SET active = 0 WHERE org_id = $1"
			  " AND id = $2 AND active = 1",
			  NULL, NULL },
	[HOOK_OF_ORG_EVENT] = { "hook_of_org_event",
				"SELECT id FROM webhooks WHERE org_id = $1"
				" AND active = 1 AND (events = ',*,'"
				" OR events LIKE '%,' || $2 || ',%')",
				NULL, NULL },
	/* A repeated dedupe key adds nothing. */
	[HOOK_DELIVERY_INSERT] = { "hook_delivery_insert",
				   "INSERT INTO webhook_deliveries (id,"
				   " webhook_id, event, record_kind,"
				   " record_id, payload, dedupe, status,"
				   " attempts, last_status, created_at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7,"
				   " 'pending', 0, 0, $8)"
				   " ON CONFLICT (webhook_id, dedupe) DO NOTHING",
				   NULL, NULL },
	[HOOK_DELIVERY_GET] = { "hook_delivery_get",
				"SELECT d.payload, d.event, d.status, w.id,"
				" w.url, w.secret, w.active"
				" FROM webhook_deliveries d"
				" JOIN webhooks w ON w.id = d.webhook_id"
				" WHERE d.id = $1",
				NULL, NULL },
	[HOOK_DELIVERY_DONE] = { "hook_delivery_done",
				 "UPDATE webhook_deliveries SET status = $2,"
				 " attempts = $3, last_status = $4,"
				 " last_error = $5, delivered_at = $6"
				 " WHERE id = $1",
				 NULL, NULL },
	[HOOK_DELIVERY_TRIED] = { "hook_delivery_tried",
				  "UPDATE webhook_deliveries SET status = $2,"
				  " attempts = $3, last_status = $4,"
				  " last_error = $5 WHERE id = $1",
				  NULL, NULL },
	[HOOK_DELIVERIES] = { "hook_deliveries",
			      "SELECT d.id, d.event, d.record_kind,"
			      " d.record_id, d.status, d.attempts,"
			      " d.last_status, d.last_error, d.created_at,"
			      " d.delivered_at FROM webhook_deliveries d"
			      " JOIN webhooks w ON w.id = d.webhook_id"
			      " WHERE w.org_id = $1 AND w.id = $2 AND d.id < $3"
			      " ORDER BY d.id DESC LIMIT $4",
			      NULL, NULL },
	/* $1: "s<primary>.%", the prefix of secrets sealed by the primary. */
	[HOOK_STALE_SECRETS] = { "hook_stale_secrets",
				 "SELECT id, secret FROM webhooks"
				 " WHERE secret NOT LIKE $1 ORDER BY id"
				 " LIMIT 100",
				 NULL, NULL },
	[HOOK_SET_SECRET] = { "hook_set_secret",
			      "UPDATE webhooks SET secret = $2"
			      " WHERE id = $1 AND secret = $3",
			      NULL, NULL },
	/* Removed webhooks too: their log stays readable. */
	[HOOK_OWNED] = { "hook_owned",
			 "SELECT 1 FROM webhooks WHERE org_id = $1 AND id = $2",
			 NULL, NULL },
};

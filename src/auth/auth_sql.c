/* Statements and migrations of users and sessions. */
#include "auth/auth.h"
#include "auth/auth_sql.h"

const struct db_migration auth_migrations[] = {
	{ 11, "users and sessions",
	  "CREATE TABLE users ("
	  " id TEXT PRIMARY KEY,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " email TEXT NOT NULL UNIQUE,"
	  " name TEXT NOT NULL,"
	  " role TEXT NOT NULL CHECK (role IN ('platform_admin', 'org_admin',"
	  "  'case_worker', 'investigator', 'analyst', 'viewer')),"
	  " password_hash TEXT NOT NULL,"
	  " totp_secret TEXT,"
	  " status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX users_org ON users (org_id);"
	  "CREATE TABLE sessions ("
	  " token_hash TEXT PRIMARY KEY,"
	  " user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	  " csrf_hash TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " seen_at BIGINT NOT NULL);"
	  "CREATE INDEX sessions_user ON sessions (user_id);"
	  "CREATE TABLE signin_failures ("
	  " email TEXT NOT NULL,"
	  " at BIGINT NOT NULL);"
	  "CREATE INDEX signin_failures_email ON signin_failures (email, at);",
	  NULL, NULL },
	{ 12, "second factor",
	  "ALTER TABLE users ADD COLUMN totp_pending TEXT;"
	  "ALTER TABLE users ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;"
	  "ALTER TABLE sessions ADD COLUMN must_enrol INTEGER NOT NULL"
	  " DEFAULT 0;"
	  "ALTER TABLE signin_failures ADD COLUMN id TEXT;"
	  "CREATE TABLE recovery_codes ("
	  " user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	  " code_mac TEXT NOT NULL,"
	  " used_at BIGINT,"
	  " PRIMARY KEY (user_id, code_mac));",
	  NULL, NULL },
	{ 13, "api tokens",
	  "CREATE TABLE api_tokens ("
	  " id TEXT PRIMARY KEY,"
	  " user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	  " token_hash TEXT NOT NULL UNIQUE,"
	  " name TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " expires_at BIGINT NOT NULL,"
	  " last_used_at BIGINT,"
	  " revoked_at BIGINT);"
	  "CREATE INDEX api_tokens_user ON api_tokens (user_id);",
	  NULL, NULL },
	{ 14, "sign-in attempts by address",
	  "ALTER TABLE signin_failures ADD COLUMN ip TEXT;"
	  "CREATE INDEX signin_failures_ip ON signin_failures (ip, at);",
	  NULL, NULL },
};

const size_t auth_nmigrations =
	sizeof(auth_migrations) / sizeof(auth_migrations[0]);

#define USER_COLUMNS                                         \
	"u.id, u.org_id, u.email, u.name, u.role, u.status," \
	" CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END, u.version"

const struct db_stmt auth_sql[AUTH_SQL_COUNT] = {
	[AUTH_USER_INSERT] = { "auth_user_insert",
			       "INSERT INTO users (id, org_id, email, name, role,"
			       " password_hash, status, created_at, updated_at,"
			       " version) VALUES ($1, $2, $3, $4, $5, $6,"
			       " 'active', $7, $7, 1)",
			       NULL, NULL },
	[AUTH_USER_GET] = { "auth_user_get",
			    "SELECT " USER_COLUMNS
			    " FROM users u WHERE u.id = $1",
			    NULL, NULL },
	[AUTH_USER_SIGNIN] = { "auth_user_signin",
			       "SELECT " USER_COLUMNS ", u.password_hash"
			       " FROM users u JOIN orgs o ON o.id = u.org_id"
			       " WHERE u.email = $1 AND u.status = 'active'"
			       " AND o.status = 'active'",
			       NULL, NULL },
	[AUTH_USERS_LIST] = { "auth_users_list",
			      "SELECT " USER_COLUMNS " FROM users u"
			      " WHERE u.org_id = $1 AND u.id > $2"
			      " ORDER BY u.id LIMIT $3",
			      NULL, NULL },
	[AUTH_USERS_COUNT] = { "auth_users_count", "SELECT COUNT(*) FROM users",
			       NULL, NULL },
	[AUTH_ORG_EXISTS] = { "auth_org_exists",
			      "SELECT 1 FROM orgs WHERE id = $1", NULL, NULL },
	[AUTH_SESSION_INSERT] = { "auth_session_insert",
				  "INSERT INTO sessions (token_hash, user_id,"
				  " csrf_hash, created_at, seen_at, must_enrol)"
				  " VALUES ($1, $2, $3, $4, $4, $5)",
				  NULL, NULL },
	/* Only active users of active organisations hold live sessions. */
	[AUTH_SESSION_GET] = { "auth_session_get",
			       "SELECT " USER_COLUMNS
			       ", o.country, s.csrf_hash,"
			       " s.created_at, s.seen_at, s.must_enrol"
			       " FROM sessions s JOIN users u ON u.id = s.user_id"
			       " JOIN orgs o ON o.id = u.org_id"
			       " WHERE s.token_hash = $1 AND u.status = 'active'"
			       " AND o.status = 'active'",
			       NULL, NULL },
	[AUTH_SESSION_TOUCH] = { "auth_session_touch",
				 "UPDATE sessions SET seen_at = $2"
				 " WHERE token_hash = $1",
				 NULL, NULL },
	[AUTH_SESSION_DELETE] = { "auth_session_delete",
				  "DELETE FROM sessions WHERE token_hash = $1",
				  NULL, NULL },
	[AUTH_SESSION_DELETE_USER] = { "auth_session_delete_user",
				       "DELETE FROM sessions WHERE user_id = $1",
				       NULL, NULL },
	[AUTH_TOTP_GET] = { "auth_totp_get",
			    "SELECT totp_secret, totp_pending, totp_step"
			    " FROM users WHERE id = $1",
			    NULL, NULL },
	[AUTH_TOTP_PENDING] = { "auth_totp_pending",
				"UPDATE users SET totp_pending = $2"
				" WHERE id = $1 AND totp_secret IS NULL",
				NULL, NULL },
	[AUTH_TOTP_CONFIRM] = { "auth_totp_confirm",
				"UPDATE users SET totp_secret = totp_pending,"
				" totp_pending = NULL, totp_step = $2,"
				" version = version + 1"
				" WHERE id = $1 AND totp_pending = $3",
				NULL, NULL },
	[AUTH_TOTP_SET] = { "auth_totp_set",
			    "UPDATE users SET totp_secret = $2,"
			    " totp_pending = NULL, version = version + 1"
			    " WHERE id = $1 AND totp_secret IS NULL",
			    NULL, NULL },
	/* Moves the step forward only: a code is never accepted twice. */
	[AUTH_TOTP_STEP] = { "auth_totp_step",
			     "UPDATE users SET totp_step = $2"
			     " WHERE id = $1 AND totp_step < $2",
			     NULL, NULL },
	[AUTH_SESSIONS_ENROLLED] = { "auth_sessions_enrolled",
				     "UPDATE sessions SET must_enrol = 0"
				     " WHERE user_id = $1",
				     NULL, NULL },
	[AUTH_RECOVERY_DELETE] = { "auth_recovery_delete",
				   "DELETE FROM recovery_codes WHERE user_id = $1",
				   NULL, NULL },
	[AUTH_RECOVERY_INSERT] = { "auth_recovery_insert",
				   "INSERT INTO recovery_codes (user_id, code_mac)"
				   " VALUES ($1, $2)",
				   NULL, NULL },
	[AUTH_RECOVERY_USE] = { "auth_recovery_use",
				"UPDATE recovery_codes SET used_at = $3"
				" WHERE user_id = $1 AND code_mac = $2"
				" AND used_at IS NULL",
				NULL, NULL },
	[AUTH_SESSION_DELETE_ORG] = { "auth_session_delete_org",
				      "DELETE FROM sessions WHERE user_id IN"
				      " (SELECT id FROM users WHERE org_id = $1)",
				      NULL, NULL },
	[AUTH_USER_SET_PASSWORD] = { "auth_user_set_password",
				     "UPDATE users SET password_hash = $2,"
				     " updated_at = $3, version = version + 1"
				     " WHERE id = $1",
				     NULL, NULL },
	/* The same password under today's parameters: nothing else changes,
	 * and only if no one changed the password meanwhile. */
	[AUTH_USER_UPGRADE_HASH] = { "auth_user_upgrade_hash",
				     "UPDATE users SET password_hash = $2"
				     " WHERE id = $1 AND password_hash = $3",
				     NULL, NULL },
	[AUTH_USER_SET_STATUS] = { "auth_user_set_status",
				   "UPDATE users SET status = $2, updated_at = $3,"
				   " version = version + 1"
				   " WHERE id = $1 AND version = $4",
				   NULL, NULL },
	[AUTH_USER_HASH] = { "auth_user_hash",
			     "SELECT password_hash FROM users WHERE id = $1",
			     NULL, NULL },
	[AUTH_SESSION_DELETE_OTHERS] = { "auth_session_delete_others",
					 "DELETE FROM sessions WHERE user_id = $1"
					 " AND token_hash <> $2",
					 NULL, NULL },
	[AUTH_USER_CLEAR_TOTP] = { "auth_user_clear_totp",
				   "UPDATE users SET totp_secret = NULL,"
				   " totp_pending = NULL, totp_step = 0,"
				   " updated_at = $2, version = version + 1"
				   " WHERE id = $1",
				   NULL, NULL },
	/* Secrets sealed under another key than the primary ($1: "s<v>.%"). */
	[AUTH_TOTP_STALE] = { "auth_totp_stale",
			      "SELECT id, totp_secret, totp_pending FROM users"
			      " WHERE (totp_secret IS NOT NULL"
			      " AND totp_secret NOT LIKE $1)"
			      " OR (totp_pending IS NOT NULL"
			      " AND totp_pending NOT LIKE $1)"
			      " ORDER BY id LIMIT 100",
			      NULL, NULL },
	[AUTH_TOTP_RESEAL] = { "auth_totp_reseal",
			       "UPDATE users SET totp_secret = $2,"
			       " totp_pending = $3 WHERE id = $1"
			       " AND totp_secret IS NOT DISTINCT FROM $4"
			       " AND totp_pending IS NOT DISTINCT FROM $5",
			       NULL, NULL },
	[AUTH_TOKEN_INSERT] = { "auth_token_insert",
				"INSERT INTO api_tokens (id, user_id, token_hash,"
				" name, created_at, expires_at)"
				" VALUES ($1, $2, $3, $4, $5, $6)",
				NULL, NULL },
	/* Only live tokens of active users of active organisations. */
	[AUTH_TOKEN_GET] = { "auth_token_get",
			     "SELECT " USER_COLUMNS ", o.country, t.id,"
			     " t.last_used_at"
			     " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			     " JOIN orgs o ON o.id = u.org_id"
			     " WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
			     " AND t.expires_at > $2 AND u.status = 'active'"
			     " AND o.status = 'active'",
			     NULL, NULL },
	[AUTH_TOKEN_USED] = { "auth_token_used",
			      "UPDATE api_tokens SET last_used_at = $2"
			      " WHERE id = $1",
			      NULL, NULL },
	[AUTH_TOKENS_LIST] = { "auth_tokens_list",
			       "SELECT id, name, created_at, expires_at,"
			       " last_used_at, revoked_at FROM api_tokens"
			       " WHERE user_id = $1 ORDER BY id DESC LIMIT 500",
			       NULL, NULL },
	[AUTH_TOKEN_REVOKE] = { "auth_token_revoke",
				"UPDATE api_tokens SET revoked_at = $3"
				" WHERE id = $1 AND user_id = $2"
				" AND revoked_at IS NULL",
				NULL, NULL },
	[AUTH_FAILURE_INSERT] = { "auth_failure_insert",
				  "INSERT INTO signin_failures (email, at, id, ip)"
				  " VALUES ($1, $2, $3, $4)",
				  NULL, NULL },
	[AUTH_FAILURE_DELETE] = { "auth_failure_delete",
				  "DELETE FROM signin_failures WHERE id = $1",
				  NULL, NULL },
	/* Attempts on one account queue here, so that counting and
	 * recording one are a single step (SQLite serialises writers). */
	[AUTH_FAILURES_BY_IP] = { "auth_failures_by_ip",
				  "SELECT COUNT(*), MIN(at) FROM signin_failures"
				  " WHERE ip = $1 AND at > $2",
				  NULL, NULL },
	[AUTH_FAILURES_LOCK] = { "auth_failures_lock", "SELECT 1", NULL,
				 "SELECT pg_advisory_xact_lock(hashtext($1))" },
	[AUTH_FAILURES_RECENT] = { "auth_failures_recent",
				   "SELECT COUNT(*), MIN(at) FROM signin_failures"
				   " WHERE email = $1 AND at > $2",
				   NULL, NULL },
};

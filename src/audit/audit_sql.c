/* Statements and migrations of the audit trail. */
#include "audit/audit.h"
#include "audit/audit_sql.h"

const struct db_migration audit_migrations[] = {
	{ 3, "audit",
	  "CREATE TABLE atip_audit ("
	  " chain TEXT NOT NULL,"
	  " seq BIGINT NOT NULL,"
	  " id TEXT NOT NULL UNIQUE,"
	  " at TEXT NOT NULL,"
	  " actor_user TEXT,"
	  " action TEXT NOT NULL,"
	  " record_kind TEXT,"
	  " record_id TEXT,"
	  " outcome TEXT NOT NULL,"
	  " request_id TEXT,"
	  " prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL,"
	  " PRIMARY KEY (chain, seq));"
	  "CREATE INDEX atip_audit_record ON atip_audit (record_kind, record_id);",
	  NULL, NULL },
};

const size_t audit_nmigrations =
	sizeof(audit_migrations) / sizeof(audit_migrations[0]);

#define COLUMNS                                                           \
	"chain, seq, id, at, actor_user, action, record_kind, record_id," \
	" outcome, request_id, prev_hash, hash"

const struct db_stmt audit_sql[AUDIT_SQL_COUNT] = {
	[AUDIT_HEAD] = { "audit_head",
			 "SELECT seq, hash FROM atip_audit WHERE chain = $1"
			 " ORDER BY seq DESC LIMIT 1",
			 NULL, NULL },
	[AUDIT_INSERT] = { "audit_insert",
			   "INSERT INTO atip_audit (" COLUMNS ")"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
			   " $11, $12)",
			   NULL, NULL },
	/* Keyset pagination through all chains in order. */
	[AUDIT_WALK] = { "audit_walk",
			 "SELECT " COLUMNS " FROM atip_audit"
			 " WHERE chain > $1 OR (chain = $1 AND seq > $2)"
			 " ORDER BY chain, seq LIMIT 1000",
			 NULL, NULL },
	/* Newest first; the cursor is the last seq of the page before. */
	[AUDIT_PAGE] = { "audit_page",
			 "SELECT seq, at, actor_user, action, record_kind,"
			 " record_id, outcome, request_id FROM atip_audit"
			 " WHERE chain = $1 AND seq < $2"
			 " ORDER BY seq DESC LIMIT $3",
			 NULL, NULL },
	[AUDIT_HEADS] = { "audit_heads",
			  "SELECT a.chain, a.seq, a.hash FROM atip_audit a"
			  " JOIN (SELECT chain, MAX(seq) AS seq FROM atip_audit"
			  " GROUP BY chain) h ON a.chain = h.chain"
			  " AND a.seq = h.seq ORDER BY a.chain",
			  NULL, NULL },
};

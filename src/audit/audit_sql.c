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
	/* Break-glass accesses awaiting the owner's review.  Not part of the
	 * chain (a review changes the row); the access itself is. */
	{ 16, "break-glass review",
	  "CREATE TABLE atip_audit_flags ("
	  " audit_id TEXT PRIMARY KEY REFERENCES atip_audit (id),"
	  " owner_org TEXT NOT NULL,"
	  " at TEXT NOT NULL,"
	  " actor_chain TEXT NOT NULL,"
	  " actor_user TEXT,"
	  " record_kind TEXT,"
	  " record_id TEXT,"
	  " reason TEXT NOT NULL,"
	  " reviewed_by TEXT,"
	  " reviewed_at TEXT,"
	  " review_note TEXT);"
	  "CREATE INDEX atip_audit_flags_owner"
	  " ON atip_audit_flags (owner_org, audit_id);",
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
	/* Who did what to one record, from every organisation's chain,
	 * newest first (ids are UUIDv7); names from the accounts tables. */
	[AUDIT_RECORD_PAGE] = { "audit_record_page",
				"SELECT a.id, a.at, a.chain, o.name,"
				" a.actor_user, u.name, a.action, a.outcome"
				" FROM atip_audit a"
				" LEFT JOIN orgs o ON o.id = a.chain"
				" LEFT JOIN users u ON u.id = a.actor_user"
				" WHERE a.record_kind = $1 AND a.record_id = $2"
				" AND a.id < $3 ORDER BY a.id DESC LIMIT $4",
				NULL, NULL },
	[AUDIT_FLAG_INSERT] = { "audit_flag_insert",
				"INSERT INTO atip_audit_flags (audit_id,"
				" owner_org, at, actor_chain, actor_user,"
				" record_kind, record_id, reason)"
				" VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				NULL, NULL },
	[AUDIT_FLAG_STATE] = { "audit_flag_state",
			       "SELECT CASE WHEN reviewed_at IS NULL THEN 1"
			       " ELSE 0 END FROM atip_audit_flags"
			       " WHERE audit_id = $1 AND owner_org = $2",
			       NULL, NULL },
	[AUDIT_FLAG_REVIEW] = { "audit_flag_review",
				"UPDATE atip_audit_flags SET reviewed_by = $2,"
				" reviewed_at = $3, review_note = $4"
				" WHERE audit_id = $1 AND reviewed_at IS NULL",
				NULL, NULL },
	/* $3: 'open', 'reviewed' or 'all'. */
	[AUDIT_FLAG_PAGE] = { "audit_flag_page",
			      "SELECT f.audit_id, f.at, f.actor_chain, o.name,"
			      " f.actor_user, u.name, f.record_kind,"
			      " f.record_id, f.reason, f.reviewed_by, r.name,"
			      " f.reviewed_at, f.review_note"
			      " FROM atip_audit_flags f"
			      " LEFT JOIN orgs o ON o.id = f.actor_chain"
			      " LEFT JOIN users u ON u.id = f.actor_user"
			      " LEFT JOIN users r ON r.id = f.reviewed_by"
			      " WHERE f.owner_org = $1 AND f.audit_id < $2"
			      " AND ($3 = 'all' OR ($3 = 'open' AND"
			      " f.reviewed_at IS NULL) OR ($3 = 'reviewed' AND"
			      " f.reviewed_at IS NOT NULL))"
			      " ORDER BY f.audit_id DESC LIMIT $4",
			      NULL, NULL },
	[AUDIT_HEADS] = { "audit_heads",
			  "SELECT a.chain, a.seq, a.hash FROM atip_audit a"
			  " JOIN (SELECT chain, MAX(seq) AS seq FROM atip_audit"
			  " GROUP BY chain) h ON a.chain = h.chain"
			  " AND a.seq = h.seq ORDER BY a.chain",
			  NULL, NULL },
	[AUDIT_COUNT_SINCE] = { "audit_count_since",
				"SELECT COUNT(*) FROM atip_audit"
				" WHERE chain = $1 AND actor_user = $2"
				" AND action = $3 AND at >= $4",
				NULL, NULL },
};

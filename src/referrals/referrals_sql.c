/* Statements and migrations of referrals. */
#include "referrals/referrals.h"
#include "referrals/referrals_sql.h"

const struct db_migration referrals_migrations[] = {
	{ 41, "referrals",
	  "CREATE TABLE referrals ("
	  " id TEXT PRIMARY KEY,"
	  " case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	  " from_org TEXT NOT NULL REFERENCES orgs (id),"
	  " to_org TEXT NOT NULL REFERENCES orgs (id),"
	  " service_id TEXT REFERENCES services (id),"
	  " reason TEXT NOT NULL,"
	  " urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent',"
	  "  'emergency')),"
	  " kind TEXT NOT NULL CHECK (kind IN ('referral', 'handover')),"
	  " travel_date TEXT,"
	  " documents TEXT NOT NULL,"
	  " fields TEXT NOT NULL,"
	  " state TEXT NOT NULL CHECK (state IN ('requested', 'accepted',"
	  "  'declined', 'in_progress', 'completed', 'withdrawn')),"
	  " close_reason TEXT,"
	  " consent_overridden INTEGER NOT NULL,"
	  " created_by TEXT REFERENCES users (id),"
	  " requested_at TEXT NOT NULL,"
	  " answered_at TEXT,"
	  " started_at TEXT,"
	  " closed_at TEXT,"
	  " escalated_at TEXT,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX referrals_to ON referrals (to_org, id);"
	  "CREATE INDEX referrals_from ON referrals (from_org, id);"
	  "CREATE INDEX referrals_case ON referrals (case_id);"
	  "CREATE INDEX referrals_due ON referrals (state, requested_at);",
	  NULL, NULL },
};

const size_t referrals_nmigrations =
	sizeof(referrals_migrations) / sizeof(referrals_migrations[0]);

#define REF_COLUMNS                                                      \
	"r.id, r.case_id, r.from_org, r.to_org, r.service_id, r.reason," \
	" r.urgency, r.fields, r.state, r.close_reason,"                 \
	" r.consent_overridden, r.created_by, r.requested_at,"           \
	" r.answered_at, r.started_at, r.closed_at, r.escalated_at,"     \
	" r.updated_at, r.version, r.kind, r.travel_date, r.documents,"  \
	" (SELECT c.reference FROM cases c WHERE c.id = r.case_id),"     \
	" (SELECT s.name FROM services s WHERE s.id = r.service_id),"    \
	" (SELECT s.type FROM services s WHERE s.id = r.service_id)"

const struct db_stmt referrals_sql[REFERRALS_SQL_COUNT] = {
	[REF_INSERT] = { "ref_insert",
			 "INSERT INTO referrals (id, case_id, from_org, to_org,"
			 " service_id, reason, urgency, fields, state,"
			 " consent_overridden, created_by, requested_at,"
			 " updated_at, version, kind, travel_date, documents)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			 " 'requested', $9, $10, $11, $11, 1, $12, $13, $14)",
			 NULL, NULL },
	[REF_GET] = { "ref_get",
		      "SELECT " REF_COLUMNS " FROM referrals r WHERE r.id = $1",
		      NULL, NULL },
	/* The move from state $3 at version $2 to $4, with its times. */
	[REF_MOVE] = { "ref_move",
		       "UPDATE referrals SET state = $4, close_reason = $5,"
		       " answered_at = $6, started_at = $7, closed_at = $8,"
		       " updated_at = $9, version = version + 1"
		       " WHERE id = $1 AND version = $2 AND state = $3",
		       NULL, NULL },
	/* Organisation $1's referrals: sent ($2 = 'outgoing'), received
	 * ('incoming') or both; state $3, case $4, before id $5. */
	[REF_LIST] = { "ref_list",
		       "SELECT " REF_COLUMNS " FROM referrals r"
		       " WHERE ((($2 = '' OR $2 = 'outgoing')"
		       "  AND r.from_org = $1)"
		       " OR (($2 = '' OR $2 = 'incoming') AND r.to_org = $1))"
		       " AND ($3 = '' OR r.state = $3)"
		       " AND ($4 = '' OR r.case_id = $4)"
		       " AND r.id < $5 ORDER BY r.id DESC LIMIT $6",
		       NULL, NULL },
	[REF_DUE] = { "ref_due",
		      "SELECT r.id, r.to_org, r.case_id FROM referrals r"
		      " WHERE r.state = 'requested' AND r.requested_at < $1"
		      " AND r.escalated_at IS NULL ORDER BY r.id LIMIT 200",
		      NULL, NULL },
	[REF_ESCALATED] = { "ref_escalated",
			    "UPDATE referrals SET escalated_at = $2"
			    " WHERE id = $1",
			    NULL, NULL },
	[REF_ORG_ADMINS] = { "ref_org_admins",
			     "SELECT id FROM users WHERE org_id = $1"
			     " AND role = 'org_admin' AND status = 'active'"
			     " ORDER BY id",
			     NULL, NULL },
	/* The facts indicators are made of: referrals $1 sent or received
	 * ("": all), with the receiving service's type. */
	[REF_FACTS] = { "ref_facts",
			"SELECT r.to_org, COALESCE(s.type, ''), r.state,"
			" r.requested_at, r.answered_at, r.close_reason"
			" FROM referrals r LEFT JOIN services s"
			" ON s.id = r.service_id"
			" WHERE $1 = '' OR r.from_org = $1 OR r.to_org = $1"
			" ORDER BY r.id LIMIT 100000",
			NULL, NULL },
};

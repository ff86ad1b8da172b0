/*
 * Statements and migrations of the re-trafficking watch.  link_clks holds
 * one CLK per victim (never a name); link_alerts one row per pair of
 * persons that may be the same, persons ordered (person_a < person_b).
 * The organisations of an alert are those owning its cases now, so an
 * alert follows a case that is transferred.
 */
#include "linkage/link_sql.h"
#include "linkage/link_watch.h"

#define CLKS_TABLE(blob)                                                  \
	"CREATE TABLE link_clks ("                                        \
	" person_id TEXT PRIMARY KEY REFERENCES case_persons (id)"        \
	"  ON DELETE CASCADE,"                                            \
	" case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE," \
	" person_version BIGINT NOT NULL,"                                \
	" schema_version INTEGER NOT NULL,"                               \
	" popcount INTEGER NOT NULL,"                                     \
	" clk " blob " NOT NULL,"                                         \
	" encoded_at TEXT NOT NULL);"                                     \
	"CREATE INDEX link_clks_popcount ON link_clks (schema_version,"   \
	" popcount);"                                                     \
	"CREATE INDEX link_clks_case ON link_clks (case_id);"             \
	"CREATE TABLE link_alerts ("                                      \
	" id TEXT PRIMARY KEY,"                                           \
	" person_a TEXT NOT NULL REFERENCES case_persons (id)"            \
	"  ON DELETE CASCADE,"                                            \
	" person_b TEXT NOT NULL REFERENCES case_persons (id)"            \
	"  ON DELETE CASCADE,"                                            \
	" case_a TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"  \
	" case_b TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"  \
	" score INTEGER NOT NULL," /* Dice, in ten-thousandths */         \
	" state TEXT NOT NULL CHECK (state IN ('open', 'same',"           \
	"  'not_same')),"                                                 \
	" decided_by TEXT REFERENCES users (id),"                         \
	" decided_org TEXT REFERENCES orgs (id),"                         \
	" decided_at TEXT,"                                               \
	" created_at TEXT NOT NULL,"                                      \
	" updated_at TEXT NOT NULL,"                                      \
	" version BIGINT NOT NULL,"                                       \
	" UNIQUE (person_a, person_b));"                                  \
	"CREATE INDEX link_alerts_case_a ON link_alerts (case_a);"        \
	"CREATE INDEX link_alerts_case_b ON link_alerts (case_b);"

const struct db_migration link_migrations[] = {
	{ 50, "linkage", NULL, CLKS_TABLE("BLOB"), CLKS_TABLE("BYTEA") },
};

const size_t link_nmigrations =
	sizeof(link_migrations) / sizeof(link_migrations[0]);

/* An alert with its two sides: the cases' owners (organisation, its name
 * and country), references and the persons' plain fields. */
#define ALERT_COLUMNS                                                 \
	"al.id, al.state, al.score, al.decided_by, al.decided_org,"   \
	" al.decided_at, al.created_at, al.updated_at, al.version,"   \
	" al.case_a, al.person_a, ca.owner_org, oa.name, oa.country," \
	" ca.reference, pa.gender, pa.age_band, pa.citizenship,"      \
	" pa.exploitation,"                                           \
	" al.case_b, al.person_b, cb.owner_org, ob.name, ob.country," \
	" cb.reference, pb.gender, pb.age_band, pb.citizenship,"      \
	" pb.exploitation"

#define ALERT_FROM                                     \
	" FROM link_alerts al"                         \
	" JOIN cases ca ON ca.id = al.case_a"          \
	" JOIN orgs oa ON oa.id = ca.owner_org"        \
	" JOIN case_persons pa ON pa.id = al.person_a" \
	" JOIN cases cb ON cb.id = al.case_b"          \
	" JOIN orgs ob ON ob.id = cb.owner_org"        \
	" JOIN case_persons pb ON pb.id = al.person_b"

const struct db_stmt link_sql[LINK_SQL_COUNT] = {
	/* Victims without a CLK of schema $1 for their current version,
	 * after person $3. */
	[LINK_STALE] = { "link_stale",
			 "SELECT p.id, p.case_id FROM case_persons p"
			 " JOIN cases c ON c.id = p.case_id"
			 " LEFT JOIN link_clks l ON l.person_id = p.id"
			 " WHERE p.role = 'victim' AND c.erased_at IS NULL"
			 " AND (l.person_id IS NULL"
			 "  OR l.person_version <> p.version"
			 "  OR l.schema_version <> $1)"
			 " AND p.id > $3 ORDER BY p.id LIMIT $2",
			 NULL, NULL },
	[LINK_FORGET_ERASED] = { "link_forget_erased",
				 "DELETE FROM link_clks WHERE case_id IN"
				 " (SELECT id FROM cases"
				 "  WHERE erased_at IS NOT NULL)",
				 NULL, NULL },
	[LINK_FORGET_ERASED_ALERTS] = { "link_forget_erased_alerts",
					"DELETE FROM link_alerts WHERE"
					" case_a IN (SELECT id FROM cases"
					"  WHERE erased_at IS NOT NULL)"
					" OR case_b IN (SELECT id FROM cases"
					"  WHERE erased_at IS NOT NULL)",
					NULL, NULL },
	[LINK_FORGET_CASE] = { "link_forget_case",
			       "DELETE FROM link_clks WHERE case_id = $1", NULL,
			       NULL },
	[LINK_FORGET_CASE_ALERTS] = { "link_forget_case_alerts",
				      "DELETE FROM link_alerts"
				      " WHERE case_a = $1 OR case_b = $1",
				      NULL, NULL },
	[LINK_CLK_PUT] = { "link_clk_put",
			   "INSERT INTO link_clks (person_id, case_id,"
			   " person_version, schema_version, popcount, clk,"
			   " encoded_at) SELECT id, case_id, $6, $2, $3, $4,"
			   " $5 FROM case_persons WHERE id = $1"
			   " ON CONFLICT (person_id) DO UPDATE SET"
			   " person_version = excluded.person_version,"
			   " schema_version = excluded.schema_version,"
			   " popcount = excluded.popcount, clk = excluded.clk,"
			   " encoded_at = excluded.encoded_at",
			   NULL, NULL },
	/* CLKs of schema $1 with a popcount in [$2, $3]. */
	[LINK_CANDIDATES] = { "link_candidates",
			      "SELECT person_id, case_id, popcount, clk"
			      " FROM link_clks WHERE schema_version = $1"
			      " AND popcount BETWEEN $2 AND $3",
			      NULL, NULL },
	[LINK_ALERT_FIND] = { "link_alert_find",
			      "SELECT id, state, score FROM link_alerts"
			      " WHERE person_a = $1 AND person_b = $2",
			      NULL, NULL },
	[LINK_ALERT_INSERT] = { "link_alert_insert",
				"INSERT INTO link_alerts (id, person_a,"
				" person_b, case_a, case_b, score, state,"
				" created_at, updated_at, version) VALUES"
				" ($1, $2, $3, $4, $5, $6, 'open', $7, $7, 1)",
				NULL, NULL },
	[LINK_ALERT_SCORE] = { "link_alert_score",
			       "UPDATE link_alerts SET score = $2,"
			       " updated_at = $3, version = version + 1"
			       " WHERE id = $1 AND state = 'open'",
			       NULL, NULL },
	[LINK_ALERT_GET] = { "link_alert_get",
			     "SELECT " ALERT_COLUMNS ALERT_FROM
			     " WHERE al.id = $1",
			     NULL, NULL },
	/* Organisation $1's alerts (either side), state $2, before id $3. */
	[LINK_ALERT_LIST] = { "link_alert_list",
			      "SELECT " ALERT_COLUMNS ALERT_FROM
			      " WHERE (ca.owner_org = $1 OR cb.owner_org = $1)"
			      " AND ($2 = '' OR al.state = $2)"
			      " AND al.id < $3 ORDER BY al.id DESC LIMIT $4",
			      NULL, NULL },
	[LINK_ALERT_DECIDE] = { "link_alert_decide",
				"UPDATE link_alerts SET state = $3,"
				" decided_by = $4, decided_org = $5,"
				" decided_at = $6, updated_at = $6,"
				" version = version + 1"
				" WHERE id = $1 AND version = $2",
				NULL, NULL },
};

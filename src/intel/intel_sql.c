/*
 * Statements and migrations of the intel module.  Every indicator's
 * canonical key (vkey: for a person name its blind index, never the name)
 * is indexed by (type, vkey), so that correlation is one index lookup and
 * never a table of pairs; intel_values counts the reports holding each
 * value (for over-correlation) and when it was first and last reported.
 * Ads also keep their SimHash in seven blocks of 9 or 10 bits: two ads at
 * most six bits apart (near duplicates) share a block.
 */
#include "intel/intel_sql.h"
#include "coord/coord_sql.h"

#define INTEL_TABLES(big)                                                    \
	"CREATE TABLE intel_reports (" COORD_SHARE_COLUMNS                   \
	" title TEXT NOT NULL,"                                              \
	" narrative TEXT NOT NULL,"                                          \
	" period_start TEXT,"                                                \
	" period_end TEXT,"                                                  \
	" places TEXT NOT NULL,"                                             \
	" exploitation TEXT NOT NULL,"                                       \
	" platforms TEXT NOT NULL,"                                          \
	" reliability TEXT NOT NULL CHECK (reliability IN ('A', 'B', 'C',"   \
	"  'D', 'E', 'F')),"                                                 \
	" credibility INTEGER NOT NULL CHECK (credibility BETWEEN 1 AND 6)," \
	" handling TEXT NOT NULL CHECK (handling IN ('H0', 'H1', 'H2',"      \
	"  'H3')),"                                                          \
	" handling_note TEXT,"                                               \
	" data_key TEXT,"                                                    \
	" created_by TEXT REFERENCES users (id),"                            \
	" created_at TEXT NOT NULL,"                                         \
	" updated_at TEXT NOT NULL,"                                         \
	" version BIGINT NOT NULL);"                                         \
	"CREATE TABLE intel_report_cases ("                                  \
	" report_id TEXT NOT NULL REFERENCES intel_reports (id)"             \
	"  ON DELETE CASCADE,"                                               \
	" case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"    \
	" PRIMARY KEY (report_id, case_id));"                                \
	"CREATE INDEX intel_report_cases_case ON intel_report_cases"         \
	" (case_id);"                                                        \
	"CREATE TABLE intel_indicators ("                                    \
	" id TEXT PRIMARY KEY,"                                              \
	" report_id TEXT NOT NULL REFERENCES intel_reports (id)"             \
	"  ON DELETE CASCADE,"                                               \
	" type TEXT NOT NULL,"                                               \
	" qualifier TEXT,"                                                   \
	" value TEXT,"                                                       \
	" sealed TEXT,"                                                      \
	" vkey TEXT NOT NULL,"                                               \
	" simhash " big ","                                                  \
	" b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER, b4 INTEGER,"       \
	" b5 INTEGER, b6 INTEGER,"                                           \
	" note TEXT,"                                                        \
	" created_by TEXT REFERENCES users (id),"                            \
	" created_at TEXT NOT NULL,"                                         \
	" UNIQUE (report_id, type, vkey));"                                  \
	"CREATE INDEX intel_indicators_value ON intel_indicators (type,"     \
	" vkey);"                                                            \
	"CREATE INDEX intel_indicators_b0 ON intel_indicators (b0)"          \
	" WHERE b0 IS NOT NULL;"                                             \
	"CREATE INDEX intel_indicators_b1 ON intel_indicators (b1)"          \
	" WHERE b1 IS NOT NULL;"                                             \
	"CREATE INDEX intel_indicators_b2 ON intel_indicators (b2)"          \
	" WHERE b2 IS NOT NULL;"                                             \
	"CREATE INDEX intel_indicators_b3 ON intel_indicators (b3)"          \
	" WHERE b3 IS NOT NULL;"                                             \
	"CREATE INDEX intel_indicators_b4 ON intel_indicators (b4)"          \
	" WHERE b4 IS NOT NULL;"                                             \
	"CREATE INDEX intel_indicators_b5 ON intel_indicators (b5)"          \
	" WHERE b5 IS NOT NULL;"                                             \
	"CREATE INDEX intel_indicators_b6 ON intel_indicators (b6)"          \
	" WHERE b6 IS NOT NULL;"                                             \
	"CREATE TABLE intel_values ("                                        \
	" type TEXT NOT NULL,"                                               \
	" vkey TEXT NOT NULL,"                                               \
	" records INTEGER NOT NULL,"                                         \
	" first_seen TEXT NOT NULL,"                                         \
	" last_seen TEXT NOT NULL,"                                          \
	" PRIMARY KEY (type, vkey));"                                        \
	"CREATE TABLE intel_requests ("                                      \
	" id TEXT PRIMARY KEY,"                                              \
	" report_id TEXT NOT NULL REFERENCES intel_reports (id)"             \
	"  ON DELETE CASCADE,"                                               \
	" platform TEXT NOT NULL,"                                           \
	" kind TEXT NOT NULL CHECK (kind IN ('preservation', 'takedown')),"  \
	" target TEXT NOT NULL,"                                             \
	" sent_on TEXT,"                                                     \
	" status TEXT NOT NULL CHECK (status IN ('draft', 'sent',"           \
	"  'acknowledged', 'complied', 'refused', 'expired')),"              \
	" reference TEXT,"                                                   \
	" response TEXT,"                                                    \
	" responded_on TEXT,"                                                \
	" created_by TEXT REFERENCES users (id),"                            \
	" created_at TEXT NOT NULL,"                                         \
	" updated_at TEXT NOT NULL,"                                         \
	" version BIGINT NOT NULL);"                                         \
	"CREATE INDEX intel_requests_report ON intel_requests (report_id);"

/*
 * What cases' perpetrators are known by (their names, phones, emails),
 * each a blind index of its canonical key: a value reported in intel finds
 * the cases holding it without any of them stored in clear.
 * intel_case_indexed says which version of a person was indexed.
 */
#define CASE_VALUES                                                        \
	"CREATE TABLE intel_case_values ("                                 \
	" person_id TEXT NOT NULL REFERENCES case_persons (id)"            \
	"  ON DELETE CASCADE,"                                             \
	" case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"  \
	" type TEXT NOT NULL,"                                             \
	" vkey TEXT NOT NULL,"                                             \
	" PRIMARY KEY (person_id, type, vkey));"                           \
	"CREATE INDEX intel_case_values_value ON intel_case_values (type," \
	" vkey);"                                                          \
	"CREATE INDEX intel_case_values_case ON intel_case_values"         \
	" (case_id);"                                                      \
	"CREATE TABLE intel_case_indexed ("                                \
	" person_id TEXT PRIMARY KEY REFERENCES case_persons (id)"         \
	"  ON DELETE CASCADE,"                                             \
	" person_version BIGINT NOT NULL);"

const struct db_migration intel_migrations[] = {
	{ 51, "intel", NULL, INTEL_TABLES("INTEGER"), INTEL_TABLES("BIGINT") },
	{ 52, "intel case values", CASE_VALUES, NULL, NULL },
};

const size_t intel_nmigrations =
	sizeof(intel_migrations) / sizeof(intel_migrations[0]);

/* A report with its owner's name. */
#define REPORT_FROM " FROM intel_reports r JOIN orgs o ON o.id = r.owner_org"

/* A report's sharing, title and owner's name, then an indicator of it. */
#define IND_HIT_COLUMNS                                                   \
	"r.id, r.owner_org, r.owner_country, r.level, r.group_id, r.tlp," \
	" r.title, o.name, " IND_COLUMNS
#define IND_HIT_FROM                                              \
	" FROM intel_indicators i JOIN intel_reports r ON r.id =" \
	" i.report_id JOIN orgs o ON o.id = r.owner_org"

const struct db_stmt intel_sql[INTEL_SQL_COUNT] = {
	[REPORT_INSERT] = { "intel_report_insert",
			    "INSERT INTO intel_reports (id, owner_org,"
			    " owner_country, level, group_id, tlp, title,"
			    " narrative, period_start, period_end, places,"
			    " exploitation, platforms, reliability,"
			    " credibility, handling, handling_note,"
			    " created_by, created_at, updated_at, version)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
			    " $10, $11, $12, $13, $14, $15, $16, $17, $18,"
			    " $19, $19, 1)",
			    NULL, NULL },
	[REPORT_GET] = { "intel_report_get",
			 "SELECT " REPORT_COLUMNS REPORT_FROM
			 " WHERE r.id = $1",
			 NULL, NULL },
	[REPORT_UPDATE] = { "intel_report_update",
			    "UPDATE intel_reports SET level = $3,"
			    " group_id = $4, tlp = $5, title = $6,"
			    " narrative = $7, period_start = $8,"
			    " period_end = $9, places = $10,"
			    " exploitation = $11, platforms = $12,"
			    " reliability = $13, credibility = $14,"
			    " handling = $15, handling_note = $16,"
			    " updated_at = $17, version = version + 1"
			    " WHERE id = $1 AND version = $2",
			    NULL, NULL },
	/* Before a report goes: its values are held by one record less. */
	[REPORT_VALUES_DROP] = { "intel_report_values_drop",
				 "UPDATE intel_values SET records = records -"
				 " (SELECT COUNT(*) FROM intel_indicators i"
				 " WHERE i.report_id = $1 AND i.type ="
				 " intel_values.type AND i.vkey ="
				 " intel_values.vkey)"
				 " WHERE EXISTS (SELECT 1 FROM intel_indicators i"
				 " WHERE i.report_id = $1 AND i.type ="
				 " intel_values.type AND i.vkey ="
				 " intel_values.vkey)",
				 NULL, NULL },
	[REPORT_DELETE] = { "intel_report_delete",
			    "DELETE FROM intel_reports WHERE id = $1", NULL,
			    NULL },
	/* Newest first after the cursor $4, for the viewer $1-$3; $5 an
	 * exploitation type, $6 a platform, $7 a place (LIKE-escaped), $8
	 * an owner organisation, all '' for any. */
	[REPORT_LIST] = { "intel_report_list",
			  "SELECT " REPORT_COLUMNS REPORT_FROM
			  " WHERE " COORD_VISIBLE(
				  "r",
				  "1 = 0") " AND r.id < $4"
					   " AND ($5 = '' OR r.exploitation LIKE"
					   "  '%,' || $5 || ',%')"
					   " AND ($6 = '' OR r.platforms LIKE '%,' || $6 || ',%')"
					   " AND ($7 = '' OR r.places LIKE '%,' || $7 || '%'"
					   "  ESCAPE '!')"
					   " AND ($8 = '' OR r.owner_org = $8)"
					   " ORDER BY r.id DESC LIMIT $9",
			  NULL, NULL },
	[REPORT_KEY_GET] = { "intel_report_key_get",
			     "SELECT data_key FROM intel_reports WHERE id = $1",
			     NULL, NULL },
	[REPORT_KEY_SET] = { "intel_report_key_set",
			     "UPDATE intel_reports SET data_key = $2"
			     " WHERE id = $1 AND data_key IS NULL",
			     NULL, NULL },
	[REPORT_KEYS_OLD] = { "intel_report_keys_old",
			      "SELECT id, data_key FROM intel_reports"
			      " WHERE data_key IS NOT NULL"
			      " AND data_key NOT LIKE $1 ORDER BY id LIMIT 100",
			      NULL, NULL },
	[REPORT_KEY_REWRAP] = { "intel_report_key_rewrap",
				"UPDATE intel_reports SET data_key = $2"
				" WHERE id = $1 AND data_key = $3",
				NULL, NULL },
	[REPORT_CASES] = { "intel_report_cases",
			   "SELECT case_id FROM intel_report_cases"
			   " WHERE report_id = $1 ORDER BY case_id",
			   NULL, NULL },
	[REPORT_CASES_DELETE] = { "intel_report_cases_delete",
				  "DELETE FROM intel_report_cases"
				  " WHERE report_id = $1",
				  NULL, NULL },
	[REPORT_CASE_INSERT] = { "intel_report_case_insert",
				 "INSERT INTO intel_report_cases (report_id,"
				 " case_id) VALUES ($1, $2)",
				 NULL, NULL },
	[CASE_REPORTS] = { "intel_case_reports",
			   "SELECT report_id FROM intel_report_cases"
			   " WHERE case_id = $1 ORDER BY report_id LIMIT $2",
			   NULL, NULL },
	[IND_INSERT] = { "intel_ind_insert",
			 "INSERT INTO intel_indicators (id, report_id, type,"
			 " qualifier, value, sealed, vkey, simhash, b0, b1, b2,"
			 " b3, b4, b5, b6, note, created_by, created_at)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
			 " $11, $12, $13, $14, $15, $16, $17, $18)"
			 " ON CONFLICT (report_id, type, vkey)"
			 " DO NOTHING",
			 NULL, NULL },
	[IND_LIST] = { "intel_ind_list",
		       "SELECT " IND_COLUMNS
		       ", v.records FROM intel_indicators i"
		       " LEFT JOIN intel_values v ON v.type = i.type"
		       " AND v.vkey = i.vkey WHERE i.report_id = $1"
		       " ORDER BY i.id",
		       NULL, NULL },
	[IND_GET] = { "intel_ind_get",
		      "SELECT " IND_COLUMNS
		      ", v.records FROM intel_indicators i"
		      " LEFT JOIN intel_values v ON v.type = i.type"
		      " AND v.vkey = i.vkey WHERE i.id = $1 AND i.report_id = $2",
		      NULL, NULL },
	[IND_DELETE] = { "intel_ind_delete",
			 "DELETE FROM intel_indicators WHERE id = $1", NULL,
			 NULL },
	/* Who else holds value ($1, $2): at most $3 rows. */
	[IND_BY_VALUE] = { "intel_ind_by_value",
			   "SELECT " IND_HIT_COLUMNS IND_HIT_FROM
			   " WHERE i.type = $1 AND i.vkey = $2"
			   " ORDER BY i.id LIMIT $3",
			   NULL, NULL },
	/* Ads sharing a SimHash block with $1-$7: near duplicates among
	 * them are at most six bits apart (checked by the caller). */
	[IND_NEAR_AD] = { "intel_ind_near_ad",
			  "SELECT " IND_HIT_COLUMNS IND_HIT_FROM
			  " WHERE i.id IN (SELECT id FROM intel_indicators"
			  " WHERE b0 = $1 UNION SELECT id FROM intel_indicators"
			  " WHERE b1 = $2 UNION SELECT id FROM intel_indicators"
			  " WHERE b2 = $3 UNION SELECT id FROM intel_indicators"
			  " WHERE b3 = $4 UNION SELECT id FROM intel_indicators"
			  " WHERE b4 = $5 UNION SELECT id FROM intel_indicators"
			  " WHERE b5 = $6 UNION SELECT id FROM intel_indicators"
			  " WHERE b6 = $7) ORDER BY i.id LIMIT $8",
			  NULL, NULL },
	[VALUE_BUMP] = { "intel_value_bump",
			 "INSERT INTO intel_values (type, vkey, records,"
			 " first_seen, last_seen) VALUES ($1, $2, 1, $3, $3)"
			 " ON CONFLICT (type, vkey) DO UPDATE SET records ="
			 " intel_values.records + 1, last_seen = $3",
			 NULL, NULL },
	[VALUE_DROP] = { "intel_value_drop",
			 "UPDATE intel_values SET records = records - 1"
			 " WHERE type = $1 AND vkey = $2",
			 NULL, NULL },
	[VALUE_GET] = { "intel_value_get",
			"SELECT records, first_seen, last_seen FROM intel_values"
			" WHERE type = $1 AND vkey = $2",
			NULL, NULL },
	[REQ_INSERT] = { "intel_req_insert",
			 "INSERT INTO intel_requests (id, report_id, platform,"
			 " kind, target, sent_on, status, reference, response,"
			 " responded_on, created_by, created_at, updated_at,"
			 " version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
			 " $10, $11, $12, $12, 1)",
			 NULL, NULL },
	[REQ_LIST] = { "intel_req_list",
		       "SELECT id, report_id, platform, kind, target, sent_on,"
		       " status, reference, response, responded_on,"
		       " created_at, updated_at, version FROM intel_requests"
		       " WHERE report_id = $1 ORDER BY id",
		       NULL, NULL },
	[REQ_GET] = { "intel_req_get",
		      "SELECT id, report_id, platform, kind, target, sent_on,"
		      " status, reference, response, responded_on, created_at,"
		      " updated_at, version FROM intel_requests"
		      " WHERE id = $1 AND report_id = $2",
		      NULL, NULL },
	/* Perpetrators of cases not erased, not indexed at their version,
	 * after $2, at most $1. */
	[CASEVAL_STALE] = { "intel_caseval_stale",
			    "SELECT p.id, p.case_id FROM case_persons p"
			    " JOIN cases c ON c.id = p.case_id"
			    " LEFT JOIN intel_case_indexed x"
			    " ON x.person_id = p.id"
			    " WHERE p.role = 'perpetrator'"
			    " AND c.erased_at IS NULL"
			    " AND (x.person_id IS NULL"
			    "  OR x.person_version <> p.version)"
			    " AND p.id > $2 ORDER BY p.id LIMIT $1",
			    NULL, NULL },
	[CASEVAL_FORGET_ERASED] = { "intel_caseval_forget_erased",
				    "DELETE FROM intel_case_values WHERE"
				    " case_id IN (SELECT id FROM cases"
				    "  WHERE erased_at IS NOT NULL)",
				    NULL, NULL },
	[CASEVAL_DELETE] = { "intel_caseval_delete",
			     "DELETE FROM intel_case_values"
			     " WHERE person_id = $1",
			     NULL, NULL },
	[CASEVAL_INSERT] = { "intel_caseval_insert",
			     "INSERT INTO intel_case_values (person_id,"
			     " case_id, type, vkey) VALUES ($1, $2, $3, $4)"
			     " ON CONFLICT (person_id, type, vkey) DO NOTHING",
			     NULL, NULL },
	[CASEVAL_DONE] = { "intel_caseval_done",
			   "INSERT INTO intel_case_indexed (person_id,"
			   " person_version) VALUES ($1, $2)"
			   " ON CONFLICT (person_id) DO UPDATE SET"
			   " person_version = $2",
			   NULL, NULL },
	/* The cases holding value ($1, $2): at most $3. */
	[CASEVAL_HITS] = { "intel_caseval_hits",
			   "SELECT DISTINCT case_id FROM intel_case_values"
			   " WHERE type = $1 AND vkey = $2 ORDER BY case_id"
			   " LIMIT $3",
			   NULL, NULL },
	[REQ_UPDATE] = { "intel_req_update",
			 "UPDATE intel_requests SET platform = $3, kind = $4,"
			 " target = $5, sent_on = $6, status = $7,"
			 " reference = $8, response = $9, responded_on = $10,"
			 " updated_at = $11, version = version + 1"
			 " WHERE id = $1 AND version = $2",
			 NULL, NULL },
};

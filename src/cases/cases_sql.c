/*
 * Statements and migrations of case management.  Plain fields are kept as
 * JSON text (data) beside the columns lists filter on, which are copies of
 * some of them; personal fields as JSON text mapping each field to its
 * ciphertext (sealed).  Lists kept in one column are framed: ",a,b,".
 */
#include "cases/cases.h"
#include "cases/cases_sql.h"
#include "coord/coord_sql.h"

/* The file waits in a table of its own: progress updates rewrite the
 * import's row, which must stay small. */
#define IMPORTS_TABLE(blob)                                           \
	"CREATE TABLE case_imports ("                                 \
	" id TEXT PRIMARY KEY,"                                       \
	" org_id TEXT NOT NULL REFERENCES orgs (id),"                 \
	" user_id TEXT NOT NULL REFERENCES users (id),"               \
	" may_personal INTEGER NOT NULL,"                             \
	" state TEXT NOT NULL CHECK (state IN ('queued', 'running',"  \
	"  'done', 'failed')),"                                       \
	" rows_total BIGINT NOT NULL,"                                \
	" cases_total BIGINT NOT NULL,"                               \
	" next_group BIGINT NOT NULL,"                                \
	" imported BIGINT NOT NULL,"                                  \
	" errors TEXT NOT NULL,"                                      \
	" problem TEXT,"                                              \
	" created_at TEXT NOT NULL,"                                  \
	" finished_at TEXT);"                                         \
	"CREATE INDEX case_imports_org ON case_imports (org_id, id);" \
	"CREATE TABLE case_import_files ("                            \
	" import_id TEXT PRIMARY KEY REFERENCES case_imports (id),"   \
	" data_key TEXT NOT NULL,"                                    \
	" content " blob " NOT NULL);"

const struct db_migration cases_migrations[] = {
	{ 30, "cases",
	  "CREATE TABLE cases (" COORD_SHARE_COLUMNS " reference TEXT NOT NULL,"
	  " status TEXT NOT NULL CHECK (status IN ('Active', 'FollowUp',"
	  "  'Closed', 'ClosedReferred', 'Unknown')),"
	  " case_owner TEXT REFERENCES users (id),"
	  " risk_flags TEXT NOT NULL,"
	  " data TEXT NOT NULL,"
	  " sealed TEXT NOT NULL,"
	  " data_key TEXT,"
	  " erased_at TEXT,"
	  " transfer_to TEXT REFERENCES orgs (id),"
	  " transfer_note TEXT,"
	  " created_by TEXT REFERENCES users (id),"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX cases_owner ON cases (owner_org, id);"
	  "CREATE INDEX cases_transfer ON cases (transfer_to);"
	  "CREATE TABLE case_persons ("
	  " id TEXT PRIMARY KEY,"
	  " case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	  " role TEXT NOT NULL CHECK (role IN ('victim', 'perpetrator')),"
	  " gender TEXT,"
	  " age_band TEXT,"
	  " citizenship TEXT NOT NULL,"
	  " trafficking_status TEXT,"
	  " exploitation TEXT NOT NULL,"
	  " data TEXT NOT NULL,"
	  " sealed TEXT NOT NULL,"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX case_persons_case ON case_persons (case_id, id);"
	  "CREATE TABLE case_items ("
	  " id TEXT PRIMARY KEY,"
	  " case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	  " kind TEXT NOT NULL CHECK (kind IN ('event', 'timeline',"
	  "  'consent', 'plan', 'followup')),"
	  " person_id TEXT REFERENCES case_persons (id),"
	  " on_date TEXT,"
	  " state TEXT NOT NULL,"
	  " country TEXT,"
	  " tags TEXT NOT NULL,"
	  " orgs TEXT NOT NULL,"
	  " data TEXT NOT NULL,"
	  " sealed TEXT NOT NULL,"
	  " created_by TEXT REFERENCES users (id),"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX case_items_case ON case_items (case_id, kind, id);"
	  "CREATE INDEX case_items_due ON case_items (kind, state, on_date);"
	  "CREATE TABLE case_grants ("
	  " case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " via TEXT NOT NULL,"
	  " purpose TEXT NOT NULL,"
	  " fields TEXT NOT NULL,"
	  " override_reason TEXT,"
	  " granted_by TEXT REFERENCES users (id),"
	  " granted_at TEXT NOT NULL,"
	  " PRIMARY KEY (case_id, org_id, via));"
	  "CREATE INDEX case_grants_org ON case_grants (org_id);",
	  NULL, NULL },
	/* An uploaded file waits sealed for its job; gone once read. */
	{ 31, "case imports", NULL, IMPORTS_TABLE("BLOB"),
	  IMPORTS_TABLE("BYTEA") },
};

const size_t cases_nmigrations =
	sizeof(cases_migrations) / sizeof(cases_migrations[0]);

#define CASE_COLUMNS                                                      \
	"c.id, c.owner_org, c.owner_country, c.level, c.group_id, c.tlp," \
	" c.data, c.sealed, c.data_key, c.erased_at, c.transfer_to,"      \
	" c.transfer_note, c.created_by, c.created_at, c.updated_at,"     \
	" c.version"

#define ENTRY_COLUMNS "id, data, sealed, created_at, updated_at, version"

/* Organisations holding a grant see the case; $1 is the viewer's. */
#define CASE_GRANTED \
	"c.id IN (SELECT case_id FROM case_grants WHERE org_id = $1)"

/* Open follow-ups of the case due before the date today. */
#define MISSED(today)                                                          \
	"EXISTS (SELECT 1 FROM case_items i WHERE i.case_id = c.id"            \
	" AND i.kind = 'followup' AND i.state = 'open' AND i.on_date < " today \
	")"

/* today: the parameter holding today's date, for MissedFollowUps. */
#define SUMMARY_COLUMNS(today)                                            \
	"c.id, c.owner_org, c.owner_country, c.level, c.group_id, c.tlp," \
	" c.reference, c.status, c.case_owner, c.risk_flags,"             \
	" (SELECT COUNT(*) FROM case_persons p WHERE p.case_id = c.id"    \
	"  AND p.role = 'victim'),"                                       \
	" (SELECT COUNT(*) FROM case_persons p WHERE p.case_id = c.id"    \
	"  AND p.role = 'perpetrator'),"                                  \
	" c.transfer_to, c.erased_at, c.updated_at, c.version,"           \
	" (SELECT COUNT(*) FROM case_grants g WHERE g.case_id = c.id"     \
	"  AND g.org_id = $1),"                                           \
	" CASE WHEN " MISSED(today) " THEN 1 ELSE 0 END"

/*
 * The cases the viewer ($1-$3) sees, of status $4, with a victim
 * exploited as $5, of gender $6 and age band $7, an event in country $8,
 * risk flag $9 (or MissedFollowUps, by today $13), case owner $10,
 * before id $11.
 */
#define CASE_FILTER                                                          \
	COORD_VISIBLE("c", CASE_GRANTED)                                     \
	" AND ($4 = '' OR c.status = $4)"                                    \
	" AND ($5 = '' OR EXISTS (SELECT 1 FROM case_persons p"              \
	"  WHERE p.case_id = c.id AND p.role = 'victim'"                     \
	"  AND p.exploitation LIKE '%,' || $5 || ',%'))"                     \
	" AND ($6 = '' OR EXISTS (SELECT 1 FROM case_persons p"              \
	"  WHERE p.case_id = c.id AND p.role = 'victim' AND p.gender = $6))" \
	" AND ($7 = '' OR EXISTS (SELECT 1 FROM case_persons p"              \
	"  WHERE p.case_id = c.id AND p.role = 'victim'"                     \
	"  AND p.age_band = $7))"                                            \
	" AND ($8 = '' OR EXISTS (SELECT 1 FROM case_items i"                \
	"  WHERE i.case_id = c.id AND i.kind = 'event' AND i.country = $8))" \
	" AND ($9 = '' OR c.risk_flags LIKE '%,' || $9 || ',%'"              \
	"  OR ($9 = 'MissedFollowUps' AND " MISSED(                          \
		"$13") "))"                                                  \
		       " AND ($10 = '' OR c.case_owner = $10) AND c.id < $11"

const struct db_stmt cases_sql[CASES_SQL_COUNT] = {
	[CASE_INSERT] = { "case_insert",
			  "INSERT INTO cases (id, owner_org, owner_country,"
			  " level, group_id, tlp, reference, status,"
			  " case_owner, risk_flags, data, sealed, data_key,"
			  " created_by, created_at, updated_at, version)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
			  " $11, $12, $13, $14, $15, $15, 1)",
			  NULL, NULL },
	[CASE_GET] = { "case_get",
		       "SELECT " CASE_COLUMNS " FROM cases c WHERE c.id = $1",
		       NULL, NULL },
	[CASE_UPDATE] = { "case_update",
			  "UPDATE cases SET level = $3, group_id = $4,"
			  " tlp = $5, reference = $6, status = $7,"
			  " case_owner = $8, risk_flags = $9, data = $10,"
			  " sealed = $11, updated_at = $12,"
			  " version = version + 1"
			  " WHERE id = $1 AND version = $2",
			  NULL, NULL },
	[CASE_GRANTS] = { "case_grants",
			  "SELECT org_id, purpose, fields, override_reason,"
			  " granted_by, granted_at, via FROM case_grants"
			  " WHERE case_id = $1 ORDER BY granted_at, org_id",
			  NULL, NULL },
	[CASE_GRANT_PUT] = { "case_grant_put",
			     "INSERT INTO case_grants (case_id, org_id, via,"
			     " purpose, fields, override_reason, granted_by,"
			     " granted_at) VALUES ($1, $2, $8, $3, $4, $5, $6,"
			     " $7) ON CONFLICT (case_id, org_id, via)"
			     " DO UPDATE SET"
			     " purpose = $3, fields = $4, override_reason = $5,"
			     " granted_by = $6, granted_at = $7",
			     NULL, NULL },
	[CASE_GRANT_DELETE] = { "case_grant_delete",
				"DELETE FROM case_grants WHERE case_id = $1"
				" AND org_id = $2 AND via = $3",
				NULL, NULL },
	[CASE_GRANTS_CLEAR] = { "case_grants_clear",
				"DELETE FROM case_grants WHERE case_id = $1",
				NULL, NULL },
	[CASE_TRANSFER_SET] = { "case_transfer_set",
				"UPDATE cases SET transfer_to = $2,"
				" transfer_note = $3, updated_at = $4,"
				" version = version + 1 WHERE id = $1",
				NULL, NULL },
	[CASE_TRANSFER_OFFER] = { "case_transfer_offer",
				  "UPDATE cases SET transfer_to = $2,"
				  " transfer_note = $3, updated_at = $4,"
				  " version = version + 1 WHERE id = $1"
				  " AND transfer_to IS NULL"
				  " AND erased_at IS NULL",
				  NULL, NULL },
	[CASE_TRANSFER_ACCEPT] = { "case_transfer_accept",
				   "UPDATE cases SET owner_org = transfer_to,"
				   " owner_country = $2, level = 'org',"
				   " group_id = NULL, case_owner = NULL,"
				   " data = $4, transfer_to = NULL,"
				   " transfer_note = NULL, updated_at = $3,"
				   " version = version + 1"
				   " WHERE id = $1 AND transfer_to IS NOT NULL",
				   NULL, NULL },
	[CASE_ERASE] = { "case_erase",
			 "UPDATE cases SET sealed = '{}', data_key = NULL,"
			 " erased_at = $2, updated_at = $2,"
			 " version = version + 1"
			 " WHERE id = $1 AND erased_at IS NULL",
			 NULL, NULL },
	[CASE_ERASE_PERSONS] = { "case_erase_persons",
				 "UPDATE case_persons SET sealed = '{}'"
				 " WHERE case_id = $1",
				 NULL, NULL },
	[CASE_ERASE_ITEMS] = { "case_erase_items",
			       "UPDATE case_items SET sealed = '{}'"
			       " WHERE case_id = $1",
			       NULL, NULL },
	[CASE_LIST] = { "case_list",
			"SELECT " SUMMARY_COLUMNS(
				"$13") " FROM cases c WHERE " CASE_FILTER
				       " ORDER BY c.id DESC LIMIT $12",
			NULL, NULL },
	[CASE_INCOMING] = { "case_incoming",
			    "SELECT " SUMMARY_COLUMNS(
				    "$4") " FROM cases c"
					  " WHERE c.transfer_to = $1 AND c.id < $2"
					  " ORDER BY c.id DESC LIMIT $3",
			    NULL, NULL },
	[CASE_KEYS_OLD] = { "case_keys_old",
			    "SELECT id, data_key FROM cases"
			    " WHERE data_key IS NOT NULL"
			    " AND data_key NOT LIKE $1 ORDER BY id LIMIT 100",
			    NULL, NULL },
	[CASE_KEY_SET] = { "case_key_set",
			   "UPDATE cases SET data_key = $2 WHERE id = $1"
			   " AND data_key = $3",
			   NULL, NULL },
	[PERSON_INSERT] = { "person_insert",
			    "INSERT INTO case_persons (id, case_id, role,"
			    " gender, age_band, citizenship,"
			    " trafficking_status, exploitation, data, sealed,"
			    " created_at, updated_at, version) VALUES ($1,"
			    " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11,"
			    " 1)",
			    NULL, NULL },
	[PERSON_GET] = { "person_get",
			 "SELECT " ENTRY_COLUMNS
			 ", role, NULL FROM case_persons"
			 " WHERE id = $1 AND case_id = $2",
			 NULL, NULL },
	[PERSON_UPDATE] = { "person_update",
			    "UPDATE case_persons SET gender = $3,"
			    " age_band = $4, citizenship = $5,"
			    " trafficking_status = $6, exploitation = $7,"
			    " data = $8, sealed = $9, updated_at = $10,"
			    " version = version + 1"
			    " WHERE id = $1 AND version = $2",
			    NULL, NULL },
	[PERSONS_OF_CASE] = { "persons_of_case",
			      "SELECT " ENTRY_COLUMNS ", role, NULL"
			      " FROM case_persons WHERE case_id = $1"
			      " ORDER BY id",
			      NULL, NULL },
	[CASE_PERSON_EXISTS] = { "case_person_exists",
				 "SELECT 1 FROM case_persons WHERE id = $1"
				 " AND case_id = $2",
				 NULL, NULL },
	[CASE_WORKER_EXISTS] = { "case_worker_exists",
				 "SELECT 1 FROM users WHERE id = $1"
				 " AND org_id = $2 AND status = 'active'"
				 " AND role IN ('case_worker',"
				 " 'investigator')",
				 NULL, NULL },
	[ITEM_INSERT] = { "item_insert",
			  "INSERT INTO case_items (id, case_id, kind,"
			  " person_id, on_date, state, country, tags, orgs,"
			  " data, sealed, created_by, created_at, updated_at,"
			  " version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			  " $9, $10, $11, $12, $13, $13, 1)",
			  NULL, NULL },
	[ITEM_GET] = { "item_get",
		       "SELECT " ENTRY_COLUMNS
		       ", kind, created_by FROM case_items"
		       " WHERE id = $1 AND case_id = $2 AND kind = $3",
		       NULL, NULL },
	[ITEM_UPDATE] = { "item_update",
			  "UPDATE case_items SET person_id = $3,"
			  " on_date = $4, state = $5, country = $6, tags = $7,"
			  " orgs = $8, data = $9, sealed = $10,"
			  " updated_at = $11, version = version + 1"
			  " WHERE id = $1 AND version = $2",
			  NULL, NULL },
	[ITEM_DELETE] = { "item_delete",
			  "DELETE FROM case_items WHERE id = $1"
			  " AND case_id = $2 AND kind = $3",
			  NULL, NULL },
	[ITEMS_OF_CASE] = { "items_of_case",
			    "SELECT " ENTRY_COLUMNS
			    ", kind, created_by FROM case_items"
			    " WHERE case_id = $1"
			    " ORDER BY kind, COALESCE(on_date, ''), id",
			    NULL, NULL },
	/* A victim of case $1 without a consent of scope $2 naming org $3,
	 * given, and valid on $4. */
	[CONSENT_MISSING] = { "consent_missing",
			      "SELECT p.id FROM case_persons p"
			      " WHERE p.case_id = $1 AND p.role = 'victim'"
			      " AND NOT EXISTS (SELECT 1 FROM case_items i"
			      "  WHERE i.person_id = p.id"
			      "  AND i.kind = 'consent' AND i.state = 'given'"
			      "  AND i.tags LIKE '%,' || $2 || ',%'"
			      "  AND i.orgs LIKE '%,' || $3 || ',%'"
			      "  AND (i.on_date IS NULL OR i.on_date >= $4))"
			      " ORDER BY p.id LIMIT 1",
			      NULL, NULL },
	[FOLLOWUPS_DUE] = { "followups_due",
			    "SELECT i.id, i.case_id, c.reference, i.person_id,"
			    " c.case_owner, i.on_date FROM case_items i"
			    " JOIN cases c ON c.id = i.case_id"
			    " WHERE i.kind = 'followup' AND i.state = 'open'"
			    " AND c.owner_org = $1 AND i.on_date <= $2"
			    " AND c.erased_at IS NULL"
			    " ORDER BY i.on_date, i.id LIMIT 500",
			    NULL, NULL },
	[CASE_OWNED_PAGE] = { "case_owned_page",
			      "SELECT id FROM cases WHERE owner_org = $1"
			      " AND ($2 = '' OR status = $2) AND id > $3"
			      " ORDER BY id LIMIT 500",
			      NULL, NULL },
	[IMPORT_INSERT] = { "import_insert",
			    "INSERT INTO case_imports (id, org_id, user_id,"
			    " may_personal, state, rows_total, cases_total,"
			    " next_group, imported, errors, created_at)"
			    " VALUES ($1, $2, $3, $4, 'queued', 0, 0, 0, 0,"
			    " '[]', $5)",
			    NULL, NULL },
	[IMPORT_FILE_INSERT] = { "import_file_insert",
				 "INSERT INTO case_import_files (import_id,"
				 " data_key, content) VALUES ($1, $2, $3)",
				 NULL, NULL },
	[IMPORT_GET] = { "import_get",
			 "SELECT i.id, i.org_id, i.user_id, i.may_personal,"
			 " i.state, i.next_group, i.imported, i.errors,"
			 " f.data_key, f.content FROM case_imports i"
			 " LEFT JOIN case_import_files f ON f.import_id = i.id"
			 " WHERE i.id = $1",
			 NULL, NULL },
	[IMPORT_READ] = { "import_read",
			  "SELECT id, org_id, user_id, state, rows_total,"
			  " cases_total, next_group, imported, errors,"
			  " problem, created_at, finished_at"
			  " FROM case_imports WHERE id = $1",
			  NULL, NULL },
	[IMPORT_START] = { "import_start",
			   "UPDATE case_imports SET state = 'running',"
			   " rows_total = $2, cases_total = $3 WHERE id = $1"
			   " AND state IN ('queued', 'running')",
			   NULL, NULL },
	[IMPORT_PROGRESS] = { "import_progress",
			      "UPDATE case_imports SET next_group = $2,"
			      " imported = $3, errors = $4 WHERE id = $1",
			      NULL, NULL },
	[IMPORT_FINISH] = { "import_finish",
			    "UPDATE case_imports SET state = $2, errors = $3,"
			    " problem = $4, finished_at = $5 WHERE id = $1",
			    NULL, NULL },
	[IMPORT_FILE_DELETE] = { "import_file_delete",
				 "DELETE FROM case_import_files"
				 " WHERE import_id = $1",
				 NULL, NULL },
	[FOLLOWUPS_OVERDUE] = { "followups_overdue",
				"SELECT i.id, i.case_id, c.owner_org,"
				" c.case_owner FROM case_items i"
				" JOIN cases c ON c.id = i.case_id"
				" WHERE i.kind = 'followup'"
				" AND i.state = 'open' AND i.on_date < $1"
				" AND c.erased_at IS NULL AND i.id > $2"
				" ORDER BY i.id LIMIT 200",
				NULL, NULL },
	/* Grants resting on consent (no override) that a victim's consent
	 * no longer covers on $1. */
	[GRANTS_EXPIRE] = { "grants_expire",
			    "DELETE FROM case_grants"
			    " WHERE COALESCE(override_reason, '') = ''"
			    " AND via = ''"
			    " AND EXISTS (SELECT 1 FROM case_persons p"
			    "  WHERE p.case_id = case_grants.case_id"
			    "  AND p.role = 'victim'"
			    "  AND NOT EXISTS (SELECT 1 FROM case_items i"
			    "   WHERE i.person_id = p.id AND i.kind = 'consent'"
			    "   AND i.state = 'given'"
			    "   AND i.tags LIKE '%,Sharing,%'"
			    "   AND i.orgs LIKE '%,' || case_grants.org_id"
			    "    || ',%'"
			    "   AND (i.on_date IS NULL OR i.on_date >= $1)))",
			    NULL, NULL },
};

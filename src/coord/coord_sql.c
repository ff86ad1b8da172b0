/* Statements and migrations of the coordination workspace. */
#include "coord/coord.h"
#include "coord/coord_sql.h"

/* Countries are kept as ",NP,IN," so that one LIKE finds a country. */
#define ACTIONS_TABLE                                                        \
	"CREATE TABLE actions (" COORD_SHARE_COLUMNS " title TEXT NOT NULL," \
	" description TEXT NOT NULL,"                                        \
	" theme TEXT NOT NULL CHECK (theme IN ('prevention', 'protection',"  \
	"  'prosecution', 'partnership')),"                                  \
	" countries TEXT NOT NULL,"                                          \
	" lead_org TEXT NOT NULL REFERENCES orgs (id),"                      \
	" priority TEXT NOT NULL CHECK (priority IN ('high', 'medium',"      \
	"  'low')),"                                                         \
	" due_date TEXT,"                                                    \
	" status TEXT NOT NULL CHECK (status IN ('proposed', 'agreed',"      \
	"  'in_progress', 'done', 'dropped')),"                              \
	" meeting_id TEXT REFERENCES meetings (id),"                         \
	" decision_id TEXT REFERENCES meeting_decisions (id),"               \
	" created_by TEXT REFERENCES users (id),"                            \
	" created_at TEXT NOT NULL,"                                         \
	" updated_at TEXT NOT NULL,"                                         \
	" version BIGINT NOT NULL);"                                         \
	"CREATE INDEX actions_due ON actions (due_date, id);"                \
	"CREATE TABLE action_orgs ("                                         \
	" action_id TEXT NOT NULL REFERENCES actions (id)"                   \
	"  ON DELETE CASCADE,"                                               \
	" org_id TEXT NOT NULL REFERENCES orgs (id),"                        \
	" position INTEGER NOT NULL,"                                        \
	" PRIMARY KEY (action_id, org_id));"                                 \
	"CREATE INDEX action_orgs_org ON action_orgs (org_id);"              \
	"CREATE TABLE action_updates ("                                      \
	" id TEXT PRIMARY KEY,"                                              \
	" action_id TEXT NOT NULL REFERENCES actions (id)"                   \
	"  ON DELETE CASCADE,"                                               \
	" org_id TEXT NOT NULL REFERENCES orgs (id),"                        \
	" user_id TEXT REFERENCES users (id),"                               \
	" note TEXT NOT NULL,"                                               \
	" status TEXT,"                                                      \
	" at TEXT NOT NULL);"                                                \
	"CREATE INDEX action_updates_action ON action_updates (action_id, id);"

/* Tags are kept as ",tag,other,", like countries. */
#define PRACTICES_COLUMNS                                                      \
	"CREATE TABLE practices (" COORD_SHARE_COLUMNS " title TEXT NOT NULL," \
	" summary TEXT NOT NULL,"                                              \
	" body TEXT NOT NULL,"                                                 \
	" source TEXT NOT NULL,"                                               \
	" country TEXT,"                                                       \
	" theme TEXT NOT NULL CHECK (theme IN ('prevention', 'protection',"    \
	"  'prosecution', 'partnership')),"                                    \
	" tags TEXT NOT NULL,"                                                 \
	" published_on TEXT,"                                                  \
	" created_by TEXT REFERENCES users (id),"                              \
	" created_at TEXT NOT NULL,"                                           \
	" updated_at TEXT NOT NULL,"                                           \
	" version BIGINT NOT NULL"

/* SQLite: an FTS5 index kept by triggers (external content). */
#define PRACTICES_SQLITE                                                    \
	PRACTICES_COLUMNS                                                   \
	");"                                                                \
	"CREATE VIRTUAL TABLE practices_fts USING fts5(title, summary,"     \
	" tags, body, content='practices', content_rowid='rowid',"          \
	" tokenize='unicode61 remove_diacritics 2');"                       \
	"CREATE TRIGGER practices_ai AFTER INSERT ON practices BEGIN"       \
	" INSERT INTO practices_fts (rowid, title, summary, tags, body)"    \
	" VALUES (new.rowid, new.title, new.summary, new.tags, new.body);"  \
	" END;"                                                             \
	"CREATE TRIGGER practices_ad AFTER DELETE ON practices BEGIN"       \
	" INSERT INTO practices_fts (practices_fts, rowid, title, summary," \
	" tags, body) VALUES ('delete', old.rowid, old.title, old.summary," \
	" old.tags, old.body); END;"                                        \
	"CREATE TRIGGER practices_au AFTER UPDATE ON practices BEGIN"       \
	" INSERT INTO practices_fts (practices_fts, rowid, title, summary," \
	" tags, body) VALUES ('delete', old.rowid, old.title, old.summary," \
	" old.tags, old.body);"                                             \
	" INSERT INTO practices_fts (rowid, title, summary, tags, body)"    \
	" VALUES (new.rowid, new.title, new.summary, new.tags, new.body);"  \
	" END;"

/* PostgreSQL: a generated, weighted tsvector with a GIN index. */
#define PRACTICES_PG                                                         \
	PRACTICES_COLUMNS                                                    \
	","                                                                  \
	" search tsvector GENERATED ALWAYS AS ("                             \
	" setweight(to_tsvector('simple', title), 'A') ||"                   \
	" setweight(to_tsvector('simple', summary), 'B') ||"                 \
	" setweight(to_tsvector('simple', replace(tags, ',', ' ')), 'B') ||" \
	" setweight(to_tsvector('simple', body), 'C')) STORED);"             \
	"CREATE INDEX practices_search ON practices USING GIN (search);"

const struct db_migration coord_migrations[] = {
	{ 21, "meetings",
	  "CREATE TABLE meetings (" COORD_SHARE_COLUMNS " title TEXT NOT NULL,"
	  " description TEXT NOT NULL,"
	  " starts_at TEXT NOT NULL,"
	  " ends_at TEXT,"
	  " place TEXT NOT NULL,"
	  " online_url TEXT NOT NULL,"
	  " minutes TEXT NOT NULL,"
	  " status TEXT NOT NULL CHECK (status IN ('planned', 'held',"
	  "  'cancelled')),"
	  " created_by TEXT REFERENCES users (id),"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX meetings_start ON meetings (starts_at, id);"
	  "CREATE TABLE meeting_orgs ("
	  " meeting_id TEXT NOT NULL REFERENCES meetings (id)"
	  "  ON DELETE CASCADE,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " position INTEGER NOT NULL,"
	  " PRIMARY KEY (meeting_id, org_id));"
	  "CREATE INDEX meeting_orgs_org ON meeting_orgs (org_id);"
	  "CREATE TABLE meeting_agenda ("
	  " meeting_id TEXT NOT NULL REFERENCES meetings (id)"
	  "  ON DELETE CASCADE,"
	  " position INTEGER NOT NULL,"
	  " item TEXT NOT NULL,"
	  " PRIMARY KEY (meeting_id, position));"
	  "CREATE TABLE meeting_decisions ("
	  " id TEXT PRIMARY KEY,"
	  " meeting_id TEXT NOT NULL REFERENCES meetings (id)"
	  "  ON DELETE CASCADE,"
	  " position INTEGER NOT NULL,"
	  " text TEXT NOT NULL,"
	  " created_by TEXT REFERENCES users (id),"
	  " created_at TEXT NOT NULL,"
	  " UNIQUE (meeting_id, position));",
	  NULL, NULL },
	{ 23, "joint actions", ACTIONS_TABLE, NULL, NULL },
	/* Mentions are kept as comma lists of ids, for display. */
	{ 24, "discussions",
	  "CREATE TABLE comments ("
	  " id TEXT PRIMARY KEY,"
	  " record_kind TEXT NOT NULL,"
	  " record_id TEXT NOT NULL,"
	  " parent_id TEXT REFERENCES comments (id),"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " user_id TEXT REFERENCES users (id),"
	  " body TEXT NOT NULL,"
	  " mention_orgs TEXT NOT NULL,"
	  " mention_users TEXT NOT NULL,"
	  " created_at TEXT NOT NULL);"
	  "CREATE INDEX comments_record ON comments (record_kind, record_id,"
	  " id);",
	  NULL, NULL },
	{ 25, "good practices", NULL, PRACTICES_SQLITE, PRACTICES_PG },
};

const size_t coord_nmigrations =
	sizeof(coord_migrations) / sizeof(coord_migrations[0]);

/* What the viewer ($1-$3) sees, in country $4, theme $5, tag $6. */
#define PRACTICE_FILTER                                                  \
	COORD_VISIBLE("p", "1 = 0")                                      \
	" AND ($4 = '' OR p.country = $4) AND ($5 = '' OR p.theme = $5)" \
	" AND ($6 = '' OR p.tags LIKE '%,' || $6 || ',%' ESCAPE '!')"

/* The lead and partners of an action hold need-to-know grants to it. */
#define ACTION_GRANTS \
	"x.id IN (SELECT action_id FROM action_orgs WHERE org_id = $1)"

/* Participants of a meeting hold need-to-know grants to it. */
#define MEET_GRANTS \
	"m.id IN (SELECT meeting_id FROM meeting_orgs WHERE org_id = $1)"

const struct db_stmt coord_sql[COORD_SQL_COUNT] = {
	[MEET_INSERT] = { "meet_insert",
			  "INSERT INTO meetings (id, owner_org, owner_country,"
			  " level, group_id, tlp, title, description,"
			  " starts_at, ends_at, place, online_url, minutes,"
			  " status, created_by, created_at, updated_at,"
			  " version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			  " $9, $10, $11, $12, $13, $14, $15, $16, $16, 1)",
			  NULL, NULL },
	[MEET_GET] = { "meet_get",
		       "SELECT " MEET_COLUMNS
		       " FROM meetings m WHERE m.id = $1",
		       NULL, NULL },
	[MEET_UPDATE] = { "meet_update",
			  "UPDATE meetings SET level = $3, group_id = $4,"
			  " tlp = $5, title = $6, description = $7,"
			  " starts_at = $8, ends_at = $9, place = $10,"
			  " online_url = $11, minutes = $12, status = $13,"
			  " updated_at = $14, version = version + 1"
			  " WHERE id = $1 AND version = $2",
			  NULL, NULL },
	[MEET_ORGS] = { "meet_orgs",
			"SELECT org_id FROM meeting_orgs WHERE meeting_id = $1"
			" ORDER BY position",
			NULL, NULL },
	[MEET_ORGS_DELETE] = { "meet_orgs_delete",
			       "DELETE FROM meeting_orgs WHERE meeting_id = $1",
			       NULL, NULL },
	[MEET_ORG_INSERT] = { "meet_org_insert",
			      "INSERT INTO meeting_orgs (meeting_id, org_id,"
			      " position) VALUES ($1, $2, $3)",
			      NULL, NULL },
	[MEET_AGENDA] = { "meet_agenda",
			  "SELECT item FROM meeting_agenda WHERE meeting_id = $1"
			  " ORDER BY position",
			  NULL, NULL },
	[MEET_AGENDA_DELETE] = { "meet_agenda_delete",
				 "DELETE FROM meeting_agenda"
				 " WHERE meeting_id = $1",
				 NULL, NULL },
	[MEET_AGENDA_INSERT] = { "meet_agenda_insert",
				 "INSERT INTO meeting_agenda (meeting_id,"
				 " position, item) VALUES ($1, $2, $3)",
				 NULL, NULL },
	[MEET_DECISIONS] = { "meet_decisions",
			     "SELECT id, position, text, created_at"
			     " FROM meeting_decisions WHERE meeting_id = $1"
			     " ORDER BY position",
			     NULL, NULL },
	[MEET_DECISION_NEXT] = { "meet_decision_next",
				 "SELECT COALESCE(MAX(position), 0) + 1"
				 " FROM meeting_decisions"
				 " WHERE meeting_id = $1",
				 NULL, NULL },
	[MEET_DECISION_INSERT] = { "meet_decision_insert",
				   "INSERT INTO meeting_decisions (id,"
				   " meeting_id, position, text, created_by,"
				   " created_at) VALUES ($1, $2, $3, $4, $5,"
				   " $6)",
				   NULL, NULL },
	/* Newest start first, after the cursor ($4 start, $5 id). */
	[MEET_LIST_DESC] = { "meet_list_desc",
			     "SELECT " MEET_COLUMNS " FROM meetings m"
			     " WHERE " COORD_VISIBLE(
				     "m",
				     MEET_GRANTS) " AND (m.starts_at < $4 OR (m.starts_at = $4"
						  " AND m.id < $5))"
						  " ORDER BY m.starts_at DESC, m.id DESC LIMIT $6",
			     NULL, NULL },
	/* Soonest first from the cursor ($4 start, $5 id). */
	[MEET_LIST_ASC] = { "meet_list_asc",
			    "SELECT " MEET_COLUMNS " FROM meetings m"
			    " WHERE " COORD_VISIBLE(
				    "m",
				    MEET_GRANTS) " AND (m.starts_at > $4 OR (m.starts_at = $4"
						 " AND m.id > $5))"
						 " ORDER BY m.starts_at, m.id LIMIT $6",
			    NULL, NULL },
	/* Takes the meeting's row lock: decisions are numbered one at a
	 * time (SQLite's write transactions are one at a time anyway). */
	[MEET_LOCK] = { "meet_lock",
			"UPDATE meetings SET version = version WHERE id = $1",
			NULL, NULL },
	[MEET_DECISION_GET] = { "meet_decision_get",
				"SELECT meeting_id FROM meeting_decisions"
				" WHERE id = $1",
				NULL, NULL },
	[ACTION_INSERT] = { "act_insert",
			    "INSERT INTO actions (id, owner_org, owner_country,"
			    " level, group_id, tlp, title, description, theme,"
			    " countries, lead_org, priority, due_date, status,"
			    " meeting_id, decision_id, created_by, created_at,"
			    " updated_at, version) VALUES ($1, $2, $3, $4, $5,"
			    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
			    " $17, $18, $18, 1)",
			    NULL, NULL },
	[ACTION_GET] = { "act_get",
			 "SELECT " ACTION_COLUMNS " FROM actions x"
			 " LEFT JOIN orgs lo ON lo.id = x.lead_org WHERE x.id = $1",
			 NULL, NULL },
	[ACTION_UPDATE] = { "action_update",
			    "UPDATE actions SET level = $3, group_id = $4,"
			    " tlp = $5, title = $6, description = $7, theme = $8,"
			    " countries = $9, lead_org = $10, priority = $11,"
			    " due_date = $12, status = $13, updated_at = $14,"
			    " version = version + 1"
			    " WHERE id = $1 AND version = $2",
			    NULL, NULL },
	[ACTION_ORGS] = { "act_orgs",
			  "SELECT org_id FROM action_orgs WHERE action_id = $1"
			  " ORDER BY position",
			  NULL, NULL },
	[ACTION_ORGS_DELETE] = { "act_orgs_delete",
				 "DELETE FROM action_orgs WHERE action_id = $1",
				 NULL, NULL },
	[ACTION_ORG_INSERT] = { "act_org_insert",
				"INSERT INTO action_orgs (action_id, org_id,"
				" position) VALUES ($1, $2, $3)",
				NULL, NULL },
	[ACTION_UPDATES] = { "act_updates",
			     "SELECT id, org_id, user_id, note, status, at"
			     " FROM action_updates WHERE action_id = $1"
			     " ORDER BY id",
			     NULL, NULL },
	[ACTION_UPDATE_INSERT] = { "act_update_insert",
				   "INSERT INTO action_updates (id, action_id,"
				   " org_id, user_id, note, status, at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7)",
				   NULL, NULL },
	[ACTION_SET_STATUS] = { "act_set_status",
				"UPDATE actions SET status = $3, updated_at = $4,"
				" version = version + 1"
				" WHERE id = $1 AND version = $2",
				NULL, NULL },
	/*
	 * $4 country, $5 theme, $6 status ("" for any), $7 1: the viewer's
	 * commitments only, $8 1: overdue only, $9 today, after the cursor
	 * ($10 due date or 9999-12-31, $11 id), $13 made at this meeting.
	 */
	[ACTION_LIST] = { "act_list",
			  "SELECT " ACTION_COLUMNS " FROM actions x"
			  " LEFT JOIN orgs lo ON lo.id = x.lead_org"
			  " WHERE " COORD_VISIBLE(
				  "x",
				  ACTION_GRANTS) " AND ($4 = '' OR x.countries LIKE '%,' || $4 || ',%')"
						 " AND ($5 = '' OR x.theme = $5)"
						 " AND ($6 = '' OR x.status = $6)"
						 " AND ($7 = 0 OR x.owner_org = $1 OR " ACTION_GRANTS
						 ")"
						 " AND ($8 = 0 OR (x.due_date < $9"
						 " AND x.status NOT IN ('done', 'dropped')))"
						 " AND ($13 = '' OR x.meeting_id = $13)"
						 " AND (COALESCE(x.due_date, '9999-12-31') > $10"
						 " OR (COALESCE(x.due_date, '9999-12-31') = $10"
						 " AND x.id > $11))"
						 " ORDER BY COALESCE(x.due_date, '9999-12-31'), x.id"
						 " LIMIT $12",
			  NULL, NULL },
	/* Open actions due by $1 (today + 3 days), after id $2. */
	[ACTION_DUE] = { "act_due",
			 "SELECT id, owner_org, lead_org, due_date FROM actions"
			 " WHERE due_date IS NOT NULL AND due_date <= $1"
			 " AND status NOT IN ('done', 'dropped') AND id > $2"
			 " ORDER BY id LIMIT 200",
			 NULL, NULL },
	[COMMENT_INSERT] = { "comment_insert",
			     "INSERT INTO comments (id, record_kind, record_id,"
			     " parent_id, org_id, user_id, body, mention_orgs,"
			     " mention_users, created_at) VALUES ($1, $2, $3,"
			     " $4, $5, $6, $7, $8, $9, $10)",
			     NULL, NULL },
	[COMMENT_PARENT] = { "comment_parent",
			     "SELECT user_id FROM comments WHERE id = $1"
			     " AND record_kind = $2 AND record_id = $3",
			     NULL, NULL },
	[COMMENT_PAGE] = { "comment_page",
			   "SELECT c.id, c.parent_id, c.org_id, o.name,"
			   " c.user_id, u.name, c.body, c.mention_orgs,"
			   " c.mention_users, c.created_at FROM comments c"
			   " LEFT JOIN orgs o ON o.id = c.org_id"
			   " LEFT JOIN users u ON u.id = c.user_id"
			   " WHERE c.record_kind = $1 AND c.record_id = $2"
			   " AND c.id > $3 ORDER BY c.id LIMIT $4",
			   NULL, NULL },
	[USER_ORG] = { "coord_user_org",
		       "SELECT org_id FROM users WHERE id = $1"
		       " AND status = 'active'",
		       NULL, NULL },
	[PRACTICE_INSERT] = { "practice_insert",
			      "INSERT INTO practices (id, owner_org,"
			      " owner_country, level, group_id, tlp, title,"
			      " summary, body, source, country, theme, tags,"
			      " published_on, created_by, created_at,"
			      " updated_at, version) VALUES ($1, $2, $3, $4,"
			      " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
			      " $15, $16, $16, 1)",
			      NULL, NULL },
	[PRACTICE_GET] = { "practice_get",
			   "SELECT " PRACTICE_COLUMNS
			   ", p.body FROM practices p"
			   " WHERE p.id = $1",
			   NULL, NULL },
	[PRACTICE_UPDATE] = { "practice_update",
			      "UPDATE practices SET level = $3, group_id = $4,"
			      " tlp = $5, title = $6, summary = $7, body = $8,"
			      " source = $9, country = $10, theme = $11,"
			      " tags = $12, published_on = $13,"
			      " updated_at = $14, version = version + 1"
			      " WHERE id = $1 AND version = $2",
			      NULL, NULL },
	/* Newest first: $4 country, $5 theme, $6 tag ("" for any), before
	 * id $7. */
	[PRACTICE_RECENT] = { "practice_recent",
			      "SELECT " PRACTICE_COLUMNS ", NULL"
			      " FROM practices p WHERE " PRACTICE_FILTER
			      " AND p.id < $7 ORDER BY p.id DESC LIMIT $8",
			      NULL, NULL },
	/* Ranked by relevance: $4-$6 as above, $7 the engine's query
	 * (db_fts_query), $8 limit, $9 offset. */
	[PRACTICE_SEARCH] = { "practice_search", NULL,
			      "SELECT " PRACTICE_COLUMNS
			      ", snippet(practices_fts, -1,"
			      " char(2), char(3), '…', 24) FROM practices_fts"
			      " JOIN practices p ON p.rowid = practices_fts.rowid"
			      " WHERE practices_fts MATCH $7 AND " PRACTICE_FILTER
			      " ORDER BY bm25(practices_fts, 10.0, 5.0, 5.0, 1.0), p.id"
			      " LIMIT $8 OFFSET $9",
			      "SELECT " PRACTICE_COLUMNS
			      ", ts_headline('simple',"
			      " p.title || ' ' || p.summary || ' ' ||"
			      " replace(p.tags, ',', ' ') || ' ' || p.body,"
			      " plainto_tsquery('simple', $7),"
			      " 'StartSel=' || chr(2) || ', StopSel=' || chr(3) ||"
			      " ', MaxWords=30, MinWords=12')"
			      " FROM practices p WHERE p.search @@ plainto_tsquery('simple', $7)"
			      " AND " PRACTICE_FILTER
			      " ORDER BY ts_rank(p.search, plainto_tsquery('simple', $7)) DESC,"
			      " p.id LIMIT $8 OFFSET $9" },
	/* Takes the action's row lock: progress is recorded one at a time. */
	[ACTION_LOCK] = { "action_lock",
			  "UPDATE actions SET version = version WHERE id = $1",
			  NULL, NULL },
};

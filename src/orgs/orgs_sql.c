/* Statements and migrations of the orgs module. */
#include "orgs/orgs.h"
#include "orgs/orgs_sql.h"

/*
 * name_key is the name folded for comparison (orgs.c): the unique key
 * that makes "Shakti Shelter" and "SHAKTI  shelter" one name in a country.
 * type is checked by orgs.c rather than by a CHECK constraint, so a new
 * type needs no table rebuild on SQLite.  verified is 0 or 1 on both
 * engines.  Ids sort as bytes (PostgreSQL: COLLATE "C") so that pages in
 * id order are the same whatever the database's locale.
 */
#define ORGS_TABLE(id_collate)                                             \
	"CREATE TABLE orgs ("                                              \
	" id TEXT" id_collate " PRIMARY KEY,"                              \
	" name TEXT NOT NULL,"                                             \
	" name_key TEXT NOT NULL,"                                         \
	" type TEXT NOT NULL,"                                             \
	" country TEXT NOT NULL CHECK (length(country) = 2),"              \
	" subdivision TEXT,"                                               \
	" verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1))," \
	" status TEXT NOT NULL DEFAULT 'active'"                           \
	"  CHECK (status IN ('active', 'suspended')),"                     \
	" created_at TEXT NOT NULL,"                                       \
	" updated_at TEXT NOT NULL,"                                       \
	" version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),"         \
	" UNIQUE (country, name_key))"

/* works_in and themes are kept as ",NP,IN," and ",prevention,". */
#define PROFILES_TABLE                                          \
	"CREATE TABLE org_profiles ("                           \
	" org_id TEXT PRIMARY KEY REFERENCES orgs (id),"        \
	" mandate TEXT NOT NULL,"                               \
	" areas TEXT NOT NULL,"                                 \
	" services TEXT NOT NULL,"                              \
	" website TEXT NOT NULL,"                               \
	" works_in TEXT NOT NULL,"                              \
	" themes TEXT NOT NULL,"                                \
	" updated_at TEXT NOT NULL,"                            \
	" version BIGINT NOT NULL);"                            \
	"CREATE TABLE focal_points ("                           \
	" user_id TEXT PRIMARY KEY," /* an account of auth's */ \
	" org_id TEXT NOT NULL REFERENCES orgs (id),"           \
	" title TEXT NOT NULL,"                                 \
	" listed_at TEXT NOT NULL);"                            \
	"CREATE INDEX focal_points_org ON focal_points (org_id);"

const struct db_migration orgs_migrations[] = {
	{ 10, "orgs", ORGS_TABLE(""), NULL, ORGS_TABLE(" COLLATE \"C\"") },
	{ 15, "sharing groups",
	  "CREATE TABLE sharing_groups ("
	  " id TEXT PRIMARY KEY,"
	  " owner_org TEXT NOT NULL REFERENCES orgs (id),"
	  " name TEXT NOT NULL,"
	  " hidden_members INTEGER NOT NULL,"
	  " created_at TEXT NOT NULL,"
	  " UNIQUE (owner_org, name));"
	  "CREATE TABLE group_members ("
	  " group_id TEXT NOT NULL REFERENCES sharing_groups (id)"
	  "  ON DELETE CASCADE,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " PRIMARY KEY (group_id, org_id));"
	  "CREATE INDEX group_members_org ON group_members (org_id);",
	  NULL, NULL },
	{ 27, "member profiles", PROFILES_TABLE, NULL, NULL },
};

const size_t orgs_nmigrations =
	sizeof(orgs_migrations) / sizeof(orgs_migrations[0]);

#define ORGS_COLUMNS                                              \
	"id, name, type, country, subdivision, verified, status," \
	" created_at, updated_at, version"

const struct db_stmt orgs_sql[ORGS_SQL_COUNT] = {
	/* A duplicate name inserts nothing (no error, which on PostgreSQL
	 * would abort the caller's transaction). */
	[ORGS_INSERT] = { "orgs_insert",
			  "INSERT INTO orgs (id, name, name_key, type, country,"
			  " subdivision, verified, status, created_at,"
			  " updated_at, version)"
			  " VALUES ($1, $2, $3, $4, $5, $6, 0, 'active', $7,"
			  " $7, 1)"
			  " ON CONFLICT (country, name_key) DO NOTHING",
			  NULL, NULL },
	[ORGS_GET] = { "orgs_get",
		       "SELECT " ORGS_COLUMNS " FROM orgs WHERE id = $1", NULL,
		       NULL },
	/* $1 cursor, $2 country, $3 type, $4 status: NULL for any. */
	/* $6 theme, $7 a country of work (in the profile), $8 a LIKE
	 * pattern of lower-case words in the name, mandate or services. */
	[ORGS_LIST] = { "orgs_list",
			"SELECT " ORGS_COLUMNS " FROM orgs"
			" WHERE (CAST($1 AS TEXT) IS NULL OR id > $1)"
			" AND (CAST($2 AS TEXT) IS NULL OR country = $2)"
			" AND (CAST($3 AS TEXT) IS NULL OR type = $3)"
			" AND (CAST($4 AS TEXT) IS NULL OR status = $4)"
			" AND (CAST($6 AS TEXT) IS NULL OR id IN (SELECT org_id"
			" FROM org_profiles WHERE themes LIKE"
			" '%,' || $6 || ',%'))"
			" AND (CAST($7 AS TEXT) IS NULL OR id IN (SELECT org_id"
			" FROM org_profiles WHERE works_in LIKE"
			" '%,' || $7 || ',%'))"
			" AND (CAST($8 AS TEXT) IS NULL OR lower(name) LIKE $8"
			" ESCAPE '!' OR id IN (SELECT org_id FROM org_profiles"
			" WHERE lower(mandate) LIKE $8 ESCAPE '!'"
			" OR lower(services) LIKE $8 ESCAPE '!'))"
			" ORDER BY id LIMIT $5",
			NULL, NULL },
	[ORGS_SET_STATUS] = { "orgs_set_status",
			      "UPDATE orgs SET status = $2, updated_at = $3,"
			      " version = version + 1"
			      " WHERE id = $1 AND version = $4"
			      " RETURNING " ORGS_COLUMNS,
			      NULL, NULL },
	[GROUPS_INSERT] = { "groups_insert",
			    "INSERT INTO sharing_groups (id, owner_org, name,"
			    " hidden_members, created_at)"
			    " VALUES ($1, $2, $3, $4, $5)"
			    " ON CONFLICT (owner_org, name) DO NOTHING",
			    NULL, NULL },
	[GROUPS_MEMBER_ADD] = { "groups_member_add",
				"INSERT INTO group_members (group_id, org_id)"
				" VALUES ($1, $2) ON CONFLICT DO NOTHING",
				NULL, NULL },
	[GROUPS_MEMBER_REMOVE] = { "groups_member_remove",
				   "DELETE FROM group_members"
				   " WHERE group_id = $1 AND org_id = $2",
				   NULL, NULL },
	[GROUPS_GET] = { "groups_get",
			 "SELECT id, owner_org, name, hidden_members, created_at"
			 " FROM sharing_groups WHERE id = $1",
			 NULL, NULL },
	/* The groups an organisation belongs to (its own included). */
	[GROUPS_OF_ORG] = { "groups_of_org",
			    "SELECT g.id, g.owner_org, g.name, g.hidden_members,"
			    " g.created_at FROM sharing_groups g"
			    " JOIN group_members m ON m.group_id = g.id"
			    " WHERE m.org_id = $1 ORDER BY g.id LIMIT 500",
			    NULL, NULL },
	[GROUPS_MEMBERS] = { "groups_members",
			     "SELECT org_id FROM group_members"
			     " WHERE group_id = $1 ORDER BY org_id LIMIT 1000",
			     NULL, NULL },
	[PROFILE_GET] = { "profile_get",
			  "SELECT mandate, areas, services, website, works_in,"
			  " themes, updated_at, version FROM org_profiles"
			  " WHERE org_id = $1",
			  NULL, NULL },
	[PROFILE_INSERT] = { "profile_insert",
			     "INSERT INTO org_profiles (org_id, mandate, areas,"
			     " services, website, works_in, themes, updated_at,"
			     " version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			     " 1)",
			     NULL, NULL },
	[PROFILE_UPDATE] = { "profile_update",
			     "UPDATE org_profiles SET mandate = $2, areas = $3,"
			     " services = $4, website = $5, works_in = $6,"
			     " themes = $7, updated_at = $8,"
			     " version = version + 1"
			     " WHERE org_id = $1 AND version = $9",
			     NULL, NULL },
	[FOCAL_LIST] = { "focal_list",
			 "SELECT f.user_id, u.name, u.email, f.title"
			 " FROM focal_points f JOIN users u ON u.id = f.user_id"
			 " WHERE f.org_id = $1 AND u.status = 'active'"
			 " ORDER BY u.name, f.user_id",
			 NULL, NULL },
	[FOCAL_SET] = { "focal_set",
			"INSERT INTO focal_points (user_id, org_id, title,"
			" listed_at) VALUES ($1, $2, $3, $4)"
			" ON CONFLICT (user_id) DO UPDATE SET title = $3",
			NULL, NULL },
	[FOCAL_DELETE] = { "focal_delete",
			   "DELETE FROM focal_points WHERE user_id = $1", NULL,
			   NULL },
};

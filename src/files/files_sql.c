/* Statements and migrations of the files module. */
#include "files/files.h"
#include "files/files_sql.h"

#define FILES_TABLE(BLOB)                                        \
	"CREATE TABLE files ("                                   \
	" id TEXT PRIMARY KEY,"                                  \
	" record_kind TEXT NOT NULL,"                            \
	" record_id TEXT NOT NULL,"                              \
	" owner_org TEXT NOT NULL REFERENCES orgs (id),"         \
	" name TEXT NOT NULL," /* sealed when data_key is set */ \
	" media_type TEXT NOT NULL,"                             \
	" size BIGINT NOT NULL,"                                 \
	" data_key TEXT," /* the file's own data key, wrapped */ \
	" content " BLOB " NOT NULL,"                            \
	" created_by TEXT REFERENCES users (id),"                \
	" created_at TEXT NOT NULL);"                            \
	"CREATE INDEX files_record ON files (record_kind, record_id, id);"

const struct db_migration files_migrations[] = {
	{ 20, "files", NULL, FILES_TABLE("BLOB"), FILES_TABLE("BYTEA") },
};

const size_t files_nmigrations =
	sizeof(files_migrations) / sizeof(files_migrations[0]);

const struct db_stmt files_sql[FILES_SQL_COUNT] = {
	[FILES_INSERT] = { "files_insert",
			   "INSERT INTO files (id, record_kind, record_id,"
			   " owner_org, name, media_type, size, data_key,"
			   " content, created_by, created_at)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
			   " $11)",
			   NULL, NULL },
	[FILES_GET] = { "files_get",
			"SELECT " FILES_META " FROM files WHERE id = $1", NULL,
			NULL },
	[FILES_CONTENT] = { "files_content",
			    "SELECT content, data_key FROM files"
			    " WHERE id = $1",
			    NULL, NULL },
	/* The wrapped key alone: opening a name reads no content. */
	[FILES_KEY] = { "files_key", "SELECT data_key FROM files WHERE id = $1",
			NULL, NULL },
	[FILES_LIST] = { "files_list",
			 "SELECT " FILES_META " FROM files"
			 " WHERE record_kind = $1 AND record_id = $2"
			 " ORDER BY id LIMIT 100",
			 NULL, NULL },
	[FILES_COUNT] = { "files_count",
			  "SELECT COUNT(*) FROM files"
			  " WHERE record_kind = $1 AND record_id = $2",
			  NULL, NULL },
	[FILES_DELETE] = { "files_delete", "DELETE FROM files WHERE id = $1",
			   NULL, NULL },
	[FILES_DELETE_RECORD] = { "files_delete_record",
				  "DELETE FROM files WHERE record_kind = $1"
				  " AND record_id = $2",
				  NULL, NULL },
	/* $1: "k<primary>.%", the prefix of keys wrapped by the primary. */
	[FILES_STALE_KEYS] = { "files_stale_keys",
			       "SELECT id, data_key FROM files"
			       " WHERE data_key IS NOT NULL"
			       " AND data_key NOT LIKE $1 ORDER BY id LIMIT 100",
			       NULL, NULL },
	[FILES_SET_KEY] = { "files_set_key",
			    "UPDATE files SET data_key = $2"
			    " WHERE id = $1 AND data_key = $3",
			    NULL, NULL },
};

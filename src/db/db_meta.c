/* atip_meta: facts about this database (instance id, demo marker). */
#include <stdlib.h>

#include "base/mem.h"
#include "db/db.h"

const struct db_migration db_migrations[] = {
	{ 1, "meta",
	  "CREATE TABLE atip_meta ("
	  " key TEXT PRIMARY KEY,"
	  " value TEXT NOT NULL)",
	  NULL, NULL },
};

const size_t db_nmigrations = sizeof(db_migrations) / sizeof(db_migrations[0]);

static const struct db_stmt get_stmt = {
	"db_meta_get", "SELECT value FROM atip_meta WHERE key = $1", NULL, NULL
};
static const struct db_stmt set_stmt = {
	"db_meta_set",
	"INSERT INTO atip_meta (key, value) VALUES ($1, $2)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	NULL, NULL
};

enum db_status
db_meta_get(struct db_conn *c, const char *key, char **value)
{
	struct db_arg arg = db_text(key);
	struct db_rows rows;

	*value = NULL;
	db_query(c, &get_stmt, &arg, 1, &rows);
	if (db_next(&rows))
		*value = xstrdup(db_col_text(&rows, 0));
	return db_rows_close(&rows);
}

enum db_status
db_meta_set(struct db_conn *c, const char *key, const char *value)
{
	struct db_arg args[2] = { db_text(key), db_text(value) };

	return db_exec(c, &set_stmt, args, 2, NULL);
}

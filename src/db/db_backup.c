/*
 * Backup and restore where they need the engine itself: SQLite's online
 * backup API (a page-by-page copy of one consistent snapshot, which WAL
 * lets other connections keep writing through), the tables a database
 * holds, and the connection settings a libpq client program (pg_dump,
 * pg_restore) is given.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/mem.h"
#include "db/db_int.h"

enum { BUSY_TRIES = 200, BUSY_SLEEP_MS = 50 };

static const struct db_stmt tables_stmt = {
	"db_backup_tables", NULL,
	"SELECT count(*), COALESCE(SUM(name = 'atip_migrations'), 0)"
	" FROM sqlite_master WHERE type = 'table'",
	"SELECT count(*), count(*) FILTER (WHERE c.relname = 'atip_migrations')"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_'"
	" AND n.nspname <> 'information_schema'"
};

enum db_status
db_tables(struct db *db, long long *count, bool *atip)
{
	struct db_conn *c = db_acquire(db);
	struct db_rows rows;
	enum db_status st;

	*count = 0;
	*atip = false;
	if (!c)
		return DB_DOWN;
	db_query(c, &tables_stmt, NULL, 0, &rows);
	if (db_next(&rows)) {
		*count = db_col_int(&rows, 0);
		*atip = db_col_int(&rows, 1) > 0;
	}
	st = db_rows_close(&rows);
	db_release(c);
	return st;
}

/*
 * Copies all of src into dst in one step, so that the copy is one
 * snapshot of src; waits while either is busy.  An SQLite result code.
 */
static int
copy(sqlite3 *dst, sqlite3 *src)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc, tries = 0;

	if (!b)
		return sqlite3_errcode(dst);
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(BUSY_SLEEP_MS);
	} while (
		(rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
		++tries < BUSY_TRIES);
	if (rc == SQLITE_OK) /* ran out of tries */
		rc = SQLITE_BUSY;
	if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_DONE)
		rc = sqlite3_errcode(dst);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum db_status
db_backup_sqlite(struct db *db, const char *path, char *err, size_t errlen)
{
	struct db_conn *c;
	sqlite3 *dst = NULL;
	int rc;

	assert(db->engine == DB_SQLITE);
	c = db_acquire(db);
	if (!c) {
		snprintf(err, errlen, "the database is unavailable");
		return DB_DOWN;
	}
	rc = sqlite3_open_v2(path, &dst,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = copy(dst, c->handle);
	/* The copy keeps the source's WAL mark; a backup is better one
	 * self-contained file, without -wal and -shm beside it. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL,
				  NULL);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "SQLite: %s",
			 dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	if (sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_OK) {
		snprintf(err, errlen, "SQLite: cannot close %s", path);
		rc = SQLITE_ERROR;
	}
	db_release(c);
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

/*
 * Checks that src is a sound SQLite database of atip; false after writing
 * why into err.
 */
static bool
check_source(sqlite3 *src, const char *path, char *err, size_t errlen)
{
	static const char has_migrations[] =
		"SELECT count(*) FROM sqlite_master"
		" WHERE type = 'table' AND name = 'atip_migrations'";
	sqlite3_stmt *st = NULL;
	const char *v;
	int rc, n = 0;

	rc = sqlite3_prepare_v2(src, has_migrations, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen,
			 "%s is not a readable SQLite database (%s)", path,
			 sqlite3_errstr(rc));
		return false;
	}
	if (!n) {
		snprintf(
			err, errlen,
			"%s is an SQLite database, but not one of atip (it has "
			"no atip_migrations table)",
			path);
		return false;
	}
	/* A truncated or damaged backup is refused before it overwrites
	 * anything. */
	rc = sqlite3_prepare_v2(src, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		if (!v || strcmp(v, "ok"))
			rc = SQLITE_CORRUPT;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s is damaged (%s)", path,
			 sqlite3_errstr(rc));
		return false;
	}
	return true;
}

enum db_status
db_restore_sqlite(struct db *db, const char *path, char *err, size_t errlen)
{
	struct db_conn *c;
	sqlite3 *src = NULL;
	enum db_status st = DB_ERROR;
	int rc;

	assert(db->engine == DB_SQLITE);
	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		goto out_src;
	}
	if (!check_source(src, path, err, errlen))
		goto out_src;
	c = db_acquire(db);
	if (!c) {
		snprintf(err, errlen, "the database is unavailable");
		st = DB_DOWN;
		goto out_src;
	}
	rc = copy(c->handle, src);
	if (rc == SQLITE_OK)
		st = DB_OK;
	else
		snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(c->handle));
	/* Statements prepared before the copy describe the old schema. */
	c->broken = 1;
	db_release(c);
out_src:
	sqlite3_close(src);
	return st;
}

/* Appends ' value ' to b, quoted as a libpq connection string wants. */
static void
add_quoted(struct buf *b, const char *v)
{
	buf_adds(b, "'");
	for (; *v; v++) {
		if (*v == '\'' || *v == '\\')
			buf_adds(b, "\\");
		buf_add(b, v, 1);
	}
	buf_adds(b, "'");
}

bool
db_pg_client_conninfo(const struct db *db, char **conninfo, char **password)
{
	PQconninfoOption *opts, *o;
	struct buf b;

	assert(db->engine == DB_PG);
	*conninfo = *password = NULL;
	opts = PQconninfoParse(db->target, NULL);
	if (!opts)
		return false;
	buf_init(&b, 0);
	for (o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "password")) {
			*password = xstrdup(o->val);
			continue;
		}
		buf_printf(&b, "%s%s=", b.len ? " " : "", o->keyword);
		add_quoted(&b, o->val);
	}
	/* The parsed options hold the password too. */
	for (o = opts; o->keyword; o++)
		if (o->val)
			explicit_bzero(o->val, strlen(o->val));
	PQconninfoFree(opts);
	*conninfo = buf_detach(&b, NULL);
	return true;
}

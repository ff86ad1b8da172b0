/* The SQLite engine: WAL, foreign keys, busy timeout, synchronous=FULL. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "base/log.h"
#include "db/db_int.h"

static enum db_status
status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_RETRY;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FULL: return DB_DOWN;
	default: return DB_ERROR;
	}
}

static enum db_status
sq_connect(struct db_conn *c, const char *target, char *err, size_t errlen)
{
	static const char setup[] = "PRAGMA journal_mode=WAL;"
				    "PRAGMA foreign_keys=ON;"
				    "PRAGMA synchronous=FULL;";
	sqlite3 *h = NULL;
	int rc;

	rc = sqlite3_open_v2(target, &h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(h, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, setup, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "SQLite: %s",
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close_v2(h);
		return DB_DOWN;
	}
	c->handle = h;
	return DB_OK;
}

static void
sq_disconnect(struct db_conn *c)
{
	size_t i;

	for (i = 0; i < c->cache_cap; i++)
		if (c->cache[i].value)
			sqlite3_finalize(c->cache[i].value);
	sqlite3_close_v2(c->handle);
}

static enum db_status
prepare(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	int nargs, sqlite3_stmt **out)
{
	void **slot = db_cache_slot(c, s);
	sqlite3_stmt *st = *slot;
	int i, rc = SQLITE_OK;

	if (!st) {
		rc = sqlite3_prepare_v3(c->handle, db_stmt_sql(c, s), -1,
					SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			/* A bug in a statement: its name and what SQLite
			 * says of the text (never of values). */
			log_msg(LOG_ERROR, "SQLite cannot prepare %s: %s",
				s->name, sqlite3_errmsg(c->handle));
			return status_of(rc);
		}
		*slot = st;
	}
	for (i = 0; i < nargs && rc == SQLITE_OK; i++) {
		char name[16];
		int idx;

		snprintf(name, sizeof(name), "$%d", i + 1);
		idx = sqlite3_bind_parameter_index(st, name);
		if (!idx)
			continue;
		switch (args[i].type) {
		case DB_ARG_NULL: rc = sqlite3_bind_null(st, idx); break;
		case DB_ARG_INT:
			rc = sqlite3_bind_int64(st, idx, args[i].i);
			break;
		case DB_ARG_TEXT:
			rc = sqlite3_bind_text64(st, idx, args[i].p,
						 args[i].len, SQLITE_STATIC,
						 SQLITE_UTF8);
			break;
		case DB_ARG_BLOB:
			rc = sqlite3_bind_blob64(st, idx, args[i].p,
						 args[i].len, SQLITE_STATIC);
			break;
		}
	}
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return status_of(rc);
	}
	*out = st;
	return DB_OK;
}

static void
finish(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static enum db_status
sq_exec(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	int nargs, long long *changes)
{
	sqlite3_stmt *st;
	enum db_status r = prepare(c, s, args, nargs, &st);
	int rc;

	if (r != DB_OK)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	r = status_of(rc);
	if (r == DB_ERROR)
		log_msg(LOG_ERROR, "SQLite error in %s: %s", s->name,
			sqlite3_errstr(rc));
	*changes = r == DB_OK ? sqlite3_changes64(c->handle) : 0;
	finish(st);
	return r;
}

static enum db_status
sq_query(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	 int nargs, struct db_rows *rows)
{
	sqlite3_stmt *st;
	enum db_status r = prepare(c, s, args, nargs, &st);

	if (r == DB_OK)
		rows->handle = st;
	return r;
}

static int
sq_next(struct db_rows *rows)
{
	int rc = sqlite3_step(rows->handle);

	if (rc == SQLITE_ROW) {
		rows->row++;
		return 1;
	}
	rows->status = status_of(rc);
	if (rows->status == DB_ERROR)
		log_msg(LOG_ERROR, "SQLite error in a query: %s",
			sqlite3_errstr(rc));
	return 0;
}

static const char *
sq_text(struct db_rows *rows, int col)
{
	return (const char *)sqlite3_column_text(rows->handle, col);
}

static bool
sq_blob(struct db_rows *rows, int col, struct buf *out)
{
	const void *p = sqlite3_column_blob(rows->handle, col);
	int n = sqlite3_column_bytes(rows->handle, col);

	return n <= 0 || buf_add(out, p, (size_t)n);
}

static int
sq_isnull(struct db_rows *rows, int col)
{
	return sqlite3_column_type(rows->handle, col) == SQLITE_NULL;
}

static void
sq_close(struct db_rows *rows)
{
	finish(rows->handle);
}

static enum db_status
sq_script(struct db_conn *c, const char *sql)
{
	return status_of(sqlite3_exec(c->handle, sql, NULL, NULL, NULL));
}

const struct db_ops db_sqlite_ops = {
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.query = sq_query,
	.next = sq_next,
	.text = sq_text,
	.isnull = sq_isnull,
	.blob = sq_blob,
	.close = sq_close,
	.script = sq_script,
	.begin = "BEGIN IMMEDIATE",
};

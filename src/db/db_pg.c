/* The PostgreSQL engine (libpq), prepared statements per connection. */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "base/buf.h"
#include "base/log.h"
#include "db/db_int.h"

enum { PG_MAX_ARGS = 64 };

static enum db_status
status_of(PGconn *h, PGresult *r)
{
	const char *state;

	if (PQstatus(h) == CONNECTION_BAD)
		return DB_DOWN;
	if (r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
		  PQresultStatus(r) == PGRES_TUPLES_OK))
		return DB_OK;
	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return r ? DB_ERROR : DB_DOWN;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03"))
		return DB_RETRY;
	if (!strncmp(state, "23", 2))
		return DB_CONSTRAINT;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return DB_DOWN;
	log_msg(LOG_ERROR, "PostgreSQL error %s", state);
	return DB_ERROR;
}

static void
on_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* notices may quote data; never log them */
}

static enum db_status
pg_connect(struct db_conn *c, const char *target, char *err, size_t errlen)
{
	PGconn *h = PQconnectdb(target);

	if (PQstatus(h) != CONNECTION_OK) {
		/* libpq's message names host and port, never the password. */
		const char *m = PQerrorMessage(h);
		size_t n = strcspn(m, "\n");

		snprintf(err, errlen, "PostgreSQL: %.*s", (int)n, m);
		PQfinish(h);
		return DB_DOWN;
	}
	PQsetNoticeProcessor(h, on_notice, NULL);
	c->handle = h;
	return DB_OK;
}

static void
pg_disconnect(struct db_conn *c)
{
	PQfinish(c->handle);
}

static PGresult *
run(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
    int nargs, enum db_status *st)
{
	void **slot = db_cache_slot(c, s);
	const char *values[PG_MAX_ARGS];
	int lengths[PG_MAX_ARGS], formats[PG_MAX_ARGS];
	char ints[PG_MAX_ARGS][24];
	PGresult *r;
	int i;

	if (nargs > PG_MAX_ARGS) {
		*st = DB_ERROR;
		return NULL;
	}
	if (!*slot) {
		r = PQprepare(c->handle, s->name, db_stmt_sql(c, s), 0, NULL);
		*st = status_of(c->handle, r);
		PQclear(r);
		if (*st != DB_OK)
			return NULL;
		*slot = (void *)1;
	}
	for (i = 0; i < nargs; i++) {
		formats[i] = 0;
		lengths[i] = 0;
		switch (args[i].type) {
		case DB_ARG_NULL: values[i] = NULL; break;
		case DB_ARG_INT:
			snprintf(ints[i], sizeof(ints[i]), "%lld", args[i].i);
			values[i] = ints[i];
			break;
		case DB_ARG_TEXT:
		case DB_ARG_BLOB:
			/* libpq sends text params up to NUL; pass length for both */
			values[i] = args[i].p;
			lengths[i] = (int)args[i].len;
			formats[i] = 1;
			break;
		}
	}
	r = PQexecPrepared(c->handle, s->name, nargs, values, lengths, formats,
			   0);
	*st = status_of(c->handle, r);
	return r;
}

static enum db_status
pg_exec(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	int nargs, long long *changes)
{
	enum db_status st;
	PGresult *r = run(c, s, args, nargs, &st);
	const char *n = r ? PQcmdTuples(r) : "";

	*changes = 0;
	if (st == DB_OK && *n)
		str_to_i64(str_of(n), 0, INT64_MAX, changes);
	PQclear(r);
	return st;
}

static enum db_status
pg_query(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	 int nargs, struct db_rows *rows)
{
	enum db_status st;
	PGresult *r = run(c, s, args, nargs, &st);

	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	rows->handle = r;
	rows->nrows = PQntuples(r);
	return DB_OK;
}

static int
pg_next(struct db_rows *rows)
{
	if (rows->row + 1 >= rows->nrows)
		return 0;
	rows->row++;
	return 1;
}

static const char *
pg_text(struct db_rows *rows, int col)
{
	if (PQgetisnull(rows->handle, rows->row, col))
		return NULL;
	return PQgetvalue(rows->handle, rows->row, col);
}

/* Results come as text: a BYTEA is a backslash, "x" and hex digits. */
static bool
pg_blob(struct db_rows *rows, int col, struct buf *out)
{
	const char *t = PQgetvalue(rows->handle, rows->row, col);
	size_t n = (size_t)PQgetlength(rows->handle, rows->row, col);
	unsigned char *bytes;
	size_t len;
	bool ok;

	if (PQgetisnull(rows->handle, rows->row, col))
		return true;
	if (n < 2 || t[0] != '\\' || t[1] != 'x')
		return false;
	bytes = PQunescapeBytea((const unsigned char *)t, &len);
	if (!bytes)
		return false;
	ok = buf_add(out, bytes, len);
	PQfreemem(bytes);
	return ok;
}

static int
pg_isnull(struct db_rows *rows, int col)
{
	return PQgetisnull(rows->handle, rows->row, col);
}

static void
pg_close(struct db_rows *rows)
{
	PQclear(rows->handle);
}

static enum db_status
pg_script(struct db_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->handle, sql);
	enum db_status st = status_of(c->handle, r);

	PQclear(r);
	return st;
}

const struct db_ops db_pg_ops = {
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.query = pg_query,
	.next = pg_next,
	.text = pg_text,
	.isnull = pg_isnull,
	.blob = pg_blob,
	.close = pg_close,
	.script = pg_script,
	.begin = "BEGIN",
};

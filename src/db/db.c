#include "db/db.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "db/db_int.h"

static _Atomic uint64_t time_ns;

uint64_t
db_time_ns(void)
{
	return atomic_load_explicit(&time_ns, memory_order_relaxed);
}

static void
add_time(uint64_t start)
{
	atomic_fetch_add_explicit(&time_ns, time_mono_ns() - start,
				  memory_order_relaxed);
}

struct db_arg
db_text(const char *s)
{
	if (!s)
		return DB_NULL;
	return DB_TEXTN(s, strlen(s));
}

static bool
is_pg_uri(const char *target)
{
	return !strncmp(target, "postgresql://", 13) ||
	       !strncmp(target, "postgres://", 11);
}

static struct db_conn *
conn_new(struct db *db, char *err, size_t errlen)
{
	struct db_conn *c = xcalloc(1, sizeof(*c));

	c->db = db;
	if (db->ops->connect(c, db->target, err, errlen) != DB_OK) {
		free(c);
		return NULL;
	}
	return c;
}

static void
conn_free(struct db_conn *c)
{
	c->db->ops->disconnect(c);
	free(c->cache);
	free(c);
}

struct db *
db_open(const char *target, char *err, size_t errlen)
{
	struct db *db = xcalloc(1, sizeof(*db));
	struct db_conn *c;

	db->engine = is_pg_uri(target) ? DB_PG : DB_SQLITE;
	db->ops = db->engine == DB_PG ? &db_pg_ops : &db_sqlite_ops;
	db->target = xstrdup(target);
	pthread_mutex_init(&db->lock, NULL);
	c = conn_new(db, err, errlen);
	if (!c) {
		db_close(db);
		return NULL;
	}
	db_release(c);
	return db;
}

void
db_close(struct db *db)
{
	struct db_conn *c, *next;

	if (!db)
		return;
	for (c = db->free; c; c = next) {
		next = c->next_free;
		conn_free(c);
	}
	pthread_mutex_destroy(&db->lock);
	free(db->target);
	free(db);
}

enum db_engine
db_engine(const struct db *db)
{
	return db->engine;
}

struct db_conn *
db_acquire(struct db *db)
{
	struct db_conn *c;
	char err[256];

	pthread_mutex_lock(&db->lock);
	c = db->free;
	if (c)
		db->free = c->next_free;
	pthread_mutex_unlock(&db->lock);
	if (c)
		return c;
	c = conn_new(db, err, sizeof(err));
	if (!c)
		log_msg(LOG_WARN, "database unavailable: %s", err);
	return c;
}

void
db_release(struct db_conn *c)
{
	struct db *db;

	if (!c)
		return;
	db = c->db;
	if (c->in_tx) {
		/* A transaction left open is a bug; never hand it on. */
		c->broken = 1;
	}
	if (c->broken) {
		conn_free(c);
		return;
	}
	pthread_mutex_lock(&db->lock);
	c->next_free = db->free;
	db->free = c;
	pthread_mutex_unlock(&db->lock);
}

const char *
db_stmt_sql(const struct db_conn *c, const struct db_stmt *s)
{
	const char *v = c->db->engine == DB_PG ? s->pg : s->sqlite;

	return v ? v : s->sql;
}

void **
db_cache_slot(struct db_conn *c, const struct db_stmt *s)
{
	size_t i, mask;

	if (2 * (c->cache_len + 1) > c->cache_cap) {
		struct db_cache_entry *old = c->cache;
		size_t oldcap = c->cache_cap;

		c->cache_cap = oldcap ? 2 * oldcap : 32;
		c->cache = xcalloc(c->cache_cap, sizeof(*c->cache));
		c->cache_len = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].key)
				*db_cache_slot(c, old[i].key) = old[i].value;
		free(old);
	}
	mask = c->cache_cap - 1;
	i = ((uintptr_t)s >> 4) & mask;
	while (c->cache[i].key && c->cache[i].key != s)
		i = (i + 1) & mask;
	if (!c->cache[i].key) {
		c->cache[i].key = s;
		c->cache_len++;
	}
	return &c->cache[i].value;
}

static enum db_status
mark(struct db_conn *c, enum db_status st)
{
	if (st == DB_DOWN)
		c->broken = 1;
	return st;
}

enum db_status
db_exec(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	int nargs, long long *changes)
{
	uint64_t t0 = time_mono_ns();
	long long dummy;
	enum db_status st;

	st = c->db->ops->exec(c, s, args, nargs, changes ? changes : &dummy);
	add_time(t0);
	return mark(c, st);
}

enum db_status
db_query(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	 int nargs, struct db_rows *rows)
{
	uint64_t t0 = time_mono_ns();
	enum db_status st;

	memset(rows, 0, sizeof(*rows));
	rows->conn = c;
	rows->row = -1;
	st = c->db->ops->query(c, s, args, nargs, rows);
	rows->status = st;
	add_time(t0);
	return mark(c, st);
}

bool
db_next(struct db_rows *rows)
{
	uint64_t t0;
	int r;

	if (rows->status != DB_OK || !rows->handle)
		return false;
	t0 = time_mono_ns();
	r = rows->conn->db->ops->next(rows);
	add_time(t0);
	mark(rows->conn, rows->status);
	return r > 0;
}

const char *
db_col_text(struct db_rows *rows, int col)
{
	return rows->conn->db->ops->text(rows, col);
}

bool
db_col_null(struct db_rows *rows, int col)
{
	return rows->conn->db->ops->isnull(rows, col);
}

bool
db_col_blob(struct db_rows *rows, int col, struct buf *out)
{
	return rows->conn->db->ops->blob(rows, col, out);
}

long long
db_col_int(struct db_rows *rows, int col)
{
	const char *t = db_col_text(rows, col);
	long long v = 0;

	if (t && !str_to_i64(str_of(t), INT64_MIN, INT64_MAX, &v))
		v = 0;
	return v;
}

enum db_status
db_rows_close(struct db_rows *rows)
{
	if (rows->handle)
		rows->conn->db->ops->close(rows);
	rows->handle = NULL;
	return rows->status;
}

enum db_status
db_script(struct db_conn *c, const char *sql)
{
	return mark(c, c->db->ops->script(c, sql));
}

static void
backoff(int attempt)
{
	struct timespec ts = { 0, 0 };
	long ms = (1L << attempt) * 5 + (long)(time_mono_ns() % 7);

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

enum { TX_ATTEMPTS = 8 };

/* One attempt: BEGIN, fn, COMMIT, or ROLLBACK when anything failed. */
static enum db_status
tx_once(struct db_conn *c, enum db_status (*fn)(struct db_conn *, void *),
	void *ctx)
{
	enum db_status st = db_script(c, c->db->ops->begin);

	if (st != DB_OK)
		return st;
	c->in_tx = 1;
	st = fn(c, ctx);
	if (st == DB_OK)
		st = db_script(c, "COMMIT");
	if (st != DB_OK && !c->broken && db_script(c, "ROLLBACK") != DB_OK)
		c->broken = 1;
	c->in_tx = 0;
	return st;
}

enum db_status
db_tx_conn(struct db_conn *c, enum db_status (*fn)(struct db_conn *, void *),
	   void *ctx)
{
	enum db_status st = DB_DOWN;

	for (int attempt = 0; attempt < TX_ATTEMPTS && !c->broken; attempt++) {
		st = tx_once(c, fn, ctx);
		if (st != DB_RETRY)
			return st;
		backoff(attempt);
	}
	return st;
}

enum db_status
db_tx(struct db *db, enum db_status (*fn)(struct db_conn *, void *), void *ctx)
{
	enum db_status st = DB_DOWN;

	for (int attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
		struct db_conn *c = db_acquire(db);

		if (!c)
			return DB_DOWN;
		st = tx_once(c, fn, ctx);
		db_release(c); /* a broken one is dropped: retry reconnects */
		if (st != DB_RETRY)
			return st;
		backoff(attempt);
	}
	return st;
}

bool
db_conn_ping(struct db_conn *c)
{
	static const struct db_stmt ping = { "db_ping", "SELECT 1", NULL,
					     NULL };
	struct db_rows rows;
	bool ok;

	db_query(c, &ping, NULL, 0, &rows);
	ok = db_next(&rows) && db_col_int(&rows, 0) == 1;
	return db_rows_close(&rows) == DB_OK && ok;
}

enum db_status
db_texts(struct db_conn *c, const struct db_stmt *s, const struct db_arg *args,
	 int nargs, struct arena *a, const char ***out, size_t *n)
{
	struct db_rows rows;
	size_t cap = 8;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	db_query(c, s, args, nargs, &rows);
	while (db_next(&rows)) {
		const char *v = db_col_text(&rows, 0);

		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		(*out)[(*n)++] = arena_strdup(a, v ? v : "");
	}
	return db_rows_close(&rows);
}

enum err
db_err(enum db_status st)
{
	switch (st) {
	case DB_OK: return ERR_OK;
	case DB_CONSTRAINT: return ERR_CONFLICT;
	case DB_RETRY:
	case DB_DOWN: return ERR_UNAVAILABLE;
	case DB_ERROR: break;
	}
	return ERR_INTERNAL;
}

enum db_status
db_status_of(enum err e)
{
	return e == ERR_OK ? DB_OK : e == ERR_UNAVAILABLE ? DB_RETRY : DB_ERROR;
}

/* A transaction's outcome: the module's own error, else the database's. */
static enum err
tx_outcome(enum db_status st, const enum err *e)
{
	return st == DB_OK || *e != ERR_OK ? *e : db_err(st);
}

enum err
db_tx_err(struct db *db, enum db_status (*fn)(struct db_conn *, void *),
	  void *ctx, enum err *e)
{
	*e = ERR_OK;
	*e = tx_outcome(db_tx(db, fn, ctx), e);
	return *e;
}

enum err
db_tx_conn_err(struct db_conn *c,
	       enum db_status (*fn)(struct db_conn *, void *), void *ctx,
	       enum err *e)
{
	*e = ERR_OK;
	*e = tx_outcome(db_tx_conn(c, fn, ctx), e);
	return *e;
}

static bool
word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

const char *
db_fts_query(const struct db_conn *c, struct arena *a, const char *q)
{
	bool sqlite = c->db->engine == DB_SQLITE;
	struct buf b;
	const char *out;
	int words = 0;

	buf_init(&b, 0);
	for (const unsigned char *p = (const unsigned char *)(q ? q : "");
	     *p && words < 32;) {
		const unsigned char *start;

		while (*p && !word_byte(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && word_byte(*p))
			p++;
		buf_printf(&b, "%s%s%.*s%s", words ? " " : "",
			   sqlite ? "\"" : "", (int)(p - start),
			   (const char *)start, sqlite ? "\"" : "");
		words++;
	}
	out = words ? arena_strndup(a, b.p, b.len) : NULL;
	buf_release(&b);
	return out;
}

enum db_status
db_tx_batches(struct db *db, enum db_status (*fn)(struct db_conn *, void *),
	      struct db_batches *ctx)
{
	enum db_status st = DB_OK;

	ctx->more = true;
	while (st == DB_OK && ctx->more) {
		long long before = ctx->changed;

		st = db_tx(db, fn, ctx);
		if (ctx->changed == before)
			break;
	}
	return st;
}

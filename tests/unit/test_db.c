/* Unit tests of src/db, run on SQLite and on PostgreSQL. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

static void
fixture_prepare(struct fixture *f)
{
	struct db_conn *c = db_acquire(f->db);

	assert_int_equal(
		db_script(c, f->engine == DB_PG
				     ? "CREATE TABLE t (id TEXT PRIMARY KEY,"
				       " n BIGINT, b BYTEA)"
				     : "CREATE TABLE t (id TEXT PRIMARY KEY,"
				       " n BIGINT, b BLOB)"),
		DB_OK);
	assert_int_equal(db_script(c,
				   "CREATE TABLE counter (n BIGINT NOT NULL);"
				   "INSERT INTO counter VALUES (0)"),
			 DB_OK);
	db_release(c);
}

static const struct db_stmt ins = {
	"test_ins", "INSERT INTO t (id, n, b) VALUES ($1, $2, $3)", NULL, NULL
};
static const struct db_stmt sel = {
	"test_sel",
	"SELECT id, n, b IS NULL FROM t WHERE id = $1 OR id = $2"
	" ORDER BY id",
	NULL, NULL
};
static const struct db_stmt count = { "test_count", "SELECT COUNT(*) FROM t",
				      NULL, NULL };
static const struct db_stmt bump = { "test_bump",
				     "UPDATE counter SET n = n + 1", NULL,
				     NULL };
static const struct db_stmt read_counter = { "test_read_counter",
					     "SELECT n FROM counter", NULL,
					     NULL };

static long long
scalar(struct db *db, const struct db_stmt *s)
{
	struct db_conn *c = db_acquire(db);
	struct db_rows rows;
	long long v = -1;

	assert_non_null(c);
	db_query(c, s, NULL, 0, &rows);
	if (db_next(&rows))
		v = db_col_int(&rows, 0);
	assert_int_equal(db_rows_close(&rows), DB_OK);
	db_release(c);
	return v;
}

static void
binds_and_reads_values(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = db_acquire(f->db);
	struct db_arg a[3] = { db_text("b"), DB_INT(-42), DB_BLOB("x\0y", 3) };
	struct db_rows rows;
	long long changes = 0;

	assert_int_equal(db_exec(c, &ins, a, 3, &changes), DB_OK);
	assert_int_equal(changes, 1);
	a[0] = db_text("a");
	a[1] = DB_INT(9007199254740993LL);
	a[2] = DB_NULL;
	assert_int_equal(db_exec(c, &ins, a, 3, NULL), DB_OK);
	a[0] = db_text("a");
	a[1] = db_text("b");
	assert_int_equal(db_query(c, &sel, a, 2, &rows), DB_OK);
	assert_true(db_next(&rows));
	assert_string_equal(db_col_text(&rows, 0), "a");
	assert_int_equal(db_col_int(&rows, 1), 9007199254740993LL);
	assert_true(db_next(&rows));
	assert_string_equal(db_col_text(&rows, 0), "b");
	assert_int_equal(db_col_int(&rows, 1), -42);
	assert_false(db_next(&rows));
	assert_int_equal(db_rows_close(&rows), DB_OK);
	/* A duplicate key is a constraint error, not a crash or a retry. */
	a[0] = db_text("a");
	a[1] = DB_INT(1);
	a[2] = DB_NULL;
	assert_int_equal(db_exec(c, &ins, a, 3, NULL), DB_CONSTRAINT);
	db_release(c);
}

struct insert_ctx {
	int calls;
	int fail_after_insert; /* DB_* status to return after inserting */
	int retries;	       /* return DB_RETRY this many times first */
};

static enum db_status
insert_two(struct db_conn *c, void *arg)
{
	struct insert_ctx *x = arg;
	struct db_arg a[3] = { db_text("tx1"), DB_INT(1), DB_NULL };
	enum db_status st;

	x->calls++;
	if ((st = db_exec(c, &ins, a, 3, NULL)) != DB_OK)
		return st;
	if (x->retries-- > 0)
		return DB_RETRY;
	if (x->fail_after_insert)
		return (enum db_status)x->fail_after_insert;
	a[0] = db_text("tx2");
	return db_exec(c, &ins, a, 3, NULL);
}

static void
transactions_commit_roll_back_and_retry(void **state)
{
	struct fixture *f = *state;
	struct insert_ctx x = { 0, DB_ERROR, 0 };

	/* A failure half-way leaves nothing behind. */
	assert_int_equal(db_tx(f->db, insert_two, &x), DB_ERROR);
	assert_int_equal(scalar(f->db, &count), 0);
	/* A retryable failure runs the whole transaction again. */
	x = (struct insert_ctx){ 0, 0, 2 };
	assert_int_equal(db_tx(f->db, insert_two, &x), DB_OK);
	assert_int_equal(x.calls, 3);
	assert_int_equal(scalar(f->db, &count), 2);
	/* A constraint error inside rolls the transaction back. */
	x = (struct insert_ctx){ 0, 0, 0 };
	assert_int_equal(db_tx(f->db, insert_two, &x), DB_CONSTRAINT);
	assert_int_equal(scalar(f->db, &count), 2);
}

static enum db_status
bump_tx(struct db_conn *c, void *arg)
{
	(void)arg;
	return db_exec(c, &bump, NULL, 0, NULL);
}

enum { BUMPS = 150 };

static void *
bumper(void *arg)
{
	struct db *db = arg;
	int i;

	for (i = 0; i < BUMPS; i++)
		if (db_tx(db, bump_tx, NULL) != DB_OK)
			return (void *)1;
	return NULL;
}

static void
concurrent_writers_lose_no_update(void **state)
{
	struct fixture *f = *state;
	pthread_t t[3];
	void *r;
	int i;

	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, bumper, f->db), 0);
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], &r);
		assert_null(r);
	}
	assert_int_equal(scalar(f->db, &read_counter), 3 * BUMPS);
}

static const struct db_migration m_ok[] = {
	{ 1, "one", "CREATE TABLE m1 (x INTEGER)", NULL, NULL },
	{ 2, "two", "CREATE TABLE m2 (x INTEGER)", NULL,
	  "CREATE TABLE m2 (x INTEGER); COMMENT ON TABLE m2 IS 'pg'" },
};
static const struct db_migration m_bad[] = {
	{ 1, "one", "CREATE TABLE m1 (x INTEGER)", NULL, NULL },
	{ 2, "two", "CREATE TABLE m2 (x INTEGER)", NULL, NULL },
	{ 3, "three",
	  "CREATE TABLE m3 (x INTEGER); CREATE TABLE m1 (y INTEGER)", NULL,
	  NULL },
};
static const struct db_stmt count_migrations = {
	"test_count_migrations", "SELECT COUNT(*) FROM atip_migrations", NULL,
	NULL
};
static const struct db_stmt m3_exists = { "test_m3_exists",
					  "SELECT COUNT(*) FROM m3", NULL,
					  NULL };

static void
migrations_apply_once_in_order_and_atomically(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c;
	struct db_rows rows;
	char err[256] = "";

	assert_int_equal(db_migrate(f->db, m_ok, 2, err, sizeof(err)), DB_OK);
	assert_int_equal(db_migrate(f->db, m_ok, 2, err, sizeof(err)), DB_OK);
	assert_int_equal(scalar(f->db, &count_migrations), 2);
	/* An older atip refuses a database a newer one migrated. */
	assert_int_equal(db_migrate(f->db, m_ok, 1, err, sizeof(err)),
			 DB_ERROR);
	assert_non_null(strstr(err, "newer"));
	/* A failing migration leaves no trace: m3 was not created. */
	assert_int_equal(db_migrate(f->db, m_bad, 3, err, sizeof(err)),
			 DB_ERROR);
	assert_non_null(strstr(err, "three"));
	assert_int_equal(scalar(f->db, &count_migrations), 2);
	c = db_acquire(f->db);
	db_query(c, &m3_exists, NULL, 0, &rows);
	while (db_next(&rows))
		;
	assert_int_not_equal(db_rows_close(&rows), DB_OK);
	db_release(c);
}

static void
meta_records_facts(void **state)
{
	struct fixture *f = *state;
	char err[256], *v = NULL;
	struct db_conn *c;

	assert_int_equal(db_migrate(f->db, db_migrations, db_nmigrations, err,
				    sizeof(err)),
			 DB_OK);
	c = db_acquire(f->db);
	assert_int_equal(db_meta_get(c, "demo", &v), DB_OK);
	assert_null(v);
	assert_int_equal(db_meta_set(c, "demo", "yes"), DB_OK);
	assert_int_equal(db_meta_set(c, "demo", "still"), DB_OK);
	assert_int_equal(db_meta_get(c, "demo", &v), DB_OK);
	assert_string_equal(v, "still");
	free(v);
	assert_true(db_conn_ping(c));
	db_release(c);
}

static void
unreachable_databases_fail_without_leaking_secrets(void **state)
{
	char err[256] = "";

	(void)state;
	assert_null(db_open("/nonexistent-dir/atip.db", err, sizeof(err)));
	assert_true(strlen(err) > 0);
	assert_null(db_open("postgresql://atip:s3cret-pw@127.0.0.1:1/atip"
			    "?connect_timeout=2",
			    err, sizeof(err)));
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_null(strstr(err, "s3cret-pw"));
}

#define TESTS(X)                                         \
	X(binds_and_reads_values)                        \
	X(transactions_commit_roll_back_and_retry)       \
	X(concurrent_writers_lose_no_update)             \
	X(migrations_apply_once_in_order_and_atomically) \
	X(meta_records_facts)                            \
	X(unreachable_databases_fail_without_leaking_secrets)

int
main(void)
{
	return TESTDB_RUN("db", TESTS);
}

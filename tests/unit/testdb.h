/*
 * Test databases for unit tests: a fresh SQLite file, and a fresh schema on
 * the PostgreSQL named by ATIP_TEST_PG (the test command starts one).
 */
#ifndef ATIP_TEST_TESTDB_H
#define ATIP_TEST_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"

static char testdb_path[256];

/* Opens an empty database of the engine; fails the test when it can't. */
static struct db *
testdb_open(enum db_engine engine)
{
	char err[256];
	struct db *db;

	if (engine == DB_SQLITE) {
		snprintf(testdb_path, sizeof(testdb_path),
			 "/tmp/atip-unit-%d-XXXXXX", (int)getpid());
		if (!mkdtemp(testdb_path))
			abort();
		snprintf(testdb_path + strlen(testdb_path),
			 sizeof(testdb_path) - strlen(testdb_path), "/t.db");
		db = db_open(testdb_path, err, sizeof(err));
	} else {
		struct db_conn *c;

		db = db_open(getenv("ATIP_TEST_PG"), err, sizeof(err));
		if (db) {
			c = db_acquire(db);
			if (db_script(c, "DROP SCHEMA public CASCADE;"
					 "CREATE SCHEMA public") != DB_OK)
				abort();
			db_release(c);
		}
	}
	if (!db) {
		fprintf(stderr, "cannot open the test database: %s\n", err);
		abort();
	}
	return db;
}

static void
testdb_close(struct db *db, enum db_engine engine)
{
	db_close(db);
	if (engine == DB_SQLITE) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'",
			 (int)(strlen(testdb_path) - 5), testdb_path);
		if (system(cmd) != 0)
			abort();
	}
}

/*
 * Test fixtures: every test gets a fresh database of one engine.  A test
 * file lists its tests once with TESTDB_TESTS(X) and runs them with
 * testdb_run(), once on SQLite and once on PostgreSQL.
 */
struct fixture {
	struct db *db;
	enum db_engine engine;
};

/* Called after the database opens, to create a test file's tables. */
static void fixture_prepare(struct fixture *f);

static int
fixture_setup(void **state, enum db_engine engine)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->engine = engine;
	f->db = testdb_open(engine);
	fixture_prepare(f);
	*state = f;
	return 0;
}

static int
setup_sqlite(void **state)
{
	return fixture_setup(state, DB_SQLITE);
}

static int
setup_pg(void **state)
{
	return fixture_setup(state, DB_PG);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(f->db, f->engine);
	free(f);
	return 0;
}

#define TESTDB_SQLITE(fn) \
	cmocka_unit_test_setup_teardown(fn, setup_sqlite, teardown),
#define TESTDB_PG(fn) cmocka_unit_test_setup_teardown(fn, setup_pg, teardown),

/* Runs the tests on SQLite, then on PostgreSQL when ATIP_TEST_PG is set. */
#define TESTDB_RUN(name, LIST)                                                \
	({                                                                    \
		const struct CMUnitTest sq_[] = { LIST(TESTDB_SQLITE) };      \
		const struct CMUnitTest pg_[] = { LIST(TESTDB_PG) };          \
		int failed_ = cmocka_run_group_tests_name(name " (SQLite)",   \
							  sq_, NULL, NULL);   \
		if (getenv("ATIP_TEST_PG"))                                   \
			failed_ += cmocka_run_group_tests_name(               \
				name " (PostgreSQL)", pg_, NULL, NULL);       \
		else                                                          \
			fprintf(stderr, "ATIP_TEST_PG is not set: the "       \
					"PostgreSQL run is left to the test " \
					"command\n");                         \
		failed_;                                                      \
	})

#endif

/*
 * Unit tests of the audit trail on SQLite and PostgreSQL: appends, chains
 * under concurrency, and every kind of tampering that verify must name.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testdb.h"

#include "audit/audit.h"

static char dir[64];
static char checkpoints[96];
static struct crypto_keyring *kr;

/* One directory per run: the keyring, and checkpoints made fresh per test. */
static void
fixture_prepare(struct fixture *f)
{
	char err[256], cmd[256];

	assert_int_equal(db_migrate(f->db, audit_migrations, audit_nmigrations,
				    err, sizeof(err)),
			 DB_OK);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/other %s", dir, checkpoints);
	assert_int_equal(system(cmd), 0);
}

struct append {
	const char *chain;
	const char *action;
	int n;
};

static enum db_status
append_tx(struct db_conn *c, void *arg)
{
	const struct append *a = arg;
	enum db_status st = DB_OK;

	for (int i = 0; i < a->n && st == DB_OK; i++) {
		struct audit_event e = { a->chain, "0190f5a2-user", a->action,
					 "case",   "0190f5a2-case", "ok",
					 "req-1" };

		st = audit_append(c, &e);
	}
	return st;
}

static void
append(struct db *db, const char *chain, const char *action, int n)
{
	struct append a = { chain, action, n };

	assert_int_equal(db_tx(db, append_tx, &a), DB_OK);
}

static struct audit_report
verify(struct db *db)
{
	unsigned char pub[CRYPTO_PUBLIC_LEN];
	struct audit_report r;

	crypto_sign_public(kr, pub);
	assert_int_equal(audit_verify(db, checkpoints, pub, &r), DB_OK);
	return r;
}

static void
sql(struct db *db, const char *text)
{
	struct db_conn *c = db_acquire(db);

	assert_int_equal(db_script(c, text), DB_OK);
	db_release(c);
}

static void
checkpoint(struct db *db)
{
	char err[256];

	assert_int_equal(
		audit_checkpoint(db, kr, checkpoints, err, sizeof(err)), DB_OK);
}

static void
an_untouched_trail_verifies(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;

	r = verify(f->db); /* empty, no checkpoints yet */
	assert_string_equal(r.problem, "");
	append(f->db, "org-a", "case.read", 5);
	append(f->db, "org-b", "case.update", 3);
	checkpoint(f->db);
	checkpoint(f->db); /* nothing new: no new lines */
	append(f->db, "org-a", "case.read", 2);
	checkpoint(f->db);
	r = verify(f->db);
	assert_string_equal(r.problem, "");
	assert_int_equal(r.entries, 10);
	assert_int_equal(r.chains, 2);
	assert_int_equal(r.checkpoints, 3);
}

static void
a_changed_row_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;

	append(f->db, "org-a", "case.read", 5);
	sql(f->db, "UPDATE atip_audit SET record_id = 'other' WHERE seq = 3");
	r = verify(f->db);
	assert_string_equal(r.problem,
			    "chain org-a entry 3: its contents were changed");
}

static void
a_deleted_row_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;

	append(f->db, "org-a", "case.read", 5);
	sql(f->db, "DELETE FROM atip_audit WHERE seq = 2");
	r = verify(f->db);
	assert_string_equal(r.problem, "chain org-a: entry 2 is missing");
}

static void
dropping_the_newest_rows_is_caught_by_the_checkpoint(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;

	append(f->db, "org-a", "case.read", 5);
	checkpoint(f->db);
	sql(f->db, "DELETE FROM atip_audit WHERE seq > 3");
	r = verify(f->db);
	assert_string_equal(r.problem,
			    "chain org-a ends at entry 3, but a signed "
			    "checkpoint covers entry 5: entries were removed");
	sql(f->db, "DELETE FROM atip_audit");
	r = verify(f->db);
	assert_string_equal(r.problem, "chain org-a is gone, but a signed "
				       "checkpoint covers entry 5");
}

static void
a_rewritten_chain_is_caught_by_the_checkpoint(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;

	append(f->db, "org-a", "case.read", 4);
	checkpoint(f->db);
	/* Replace the chain by a consistent one of the same length. */
	sql(f->db, "DELETE FROM atip_audit");
	append(f->db, "org-a", "case.export", 4);
	r = verify(f->db);
	assert_string_equal(r.problem,
			    "chain org-a entry 4: differs from the signed "
			    "checkpoint: the chain was rewritten");
}

static void
forged_checkpoints_do_not_verify(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;
	char err[256], cmd[256];
	struct crypto_keyring *mine = kr, *theirs;

	append(f->db, "org-a", "case.read", 2);
	/* Signed with another key. */
	theirs = crypto_keyring_open(dir, false, err, sizeof(err));
	assert_non_null(theirs);
	snprintf(cmd, sizeof(cmd), "mkdir %s/other", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/other", dir);
	crypto_keyring_close(theirs);
	theirs = crypto_keyring_open(cmd, true, err, sizeof(err));
	kr = theirs;
	checkpoint(f->db);
	kr = mine;
	r = verify(f->db);
	assert_string_equal(r.problem,
			    "checkpoint line 1: the signature does not verify");
	crypto_keyring_close(theirs);
}

static void *
appender(void *arg)
{
	struct db *db = arg;
	struct append a = { "org-a", "case.read", 1 };

	for (int i = 0; i < 40; i++)
		if (db_tx(db, append_tx, &a) != DB_OK)
			return (void *)1;
	return NULL;
}

static void
concurrent_appends_keep_one_unbroken_chain(void **state)
{
	struct fixture *f = *state;
	struct audit_report r;
	pthread_t t[3];
	void *rc;

	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, appender, f->db),
				 0);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], &rc);
		assert_null(rc);
	}
	r = verify(f->db);
	assert_string_equal(r.problem, "");
	assert_int_equal(r.entries, 120);
}

#define TESTS(X)                                                \
	X(an_untouched_trail_verifies)                          \
	X(a_changed_row_is_named)                               \
	X(a_deleted_row_is_named)                               \
	X(dropping_the_newest_rows_is_caught_by_the_checkpoint) \
	X(a_rewritten_chain_is_caught_by_the_checkpoint)        \
	X(forged_checkpoints_do_not_verify)                     \
	X(concurrent_appends_keep_one_unbroken_chain)

int
main(void)
{
	int failed;

	char err[256], cmd[96];

	if (!crypto_init())
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/atip-audit-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(checkpoints, sizeof(checkpoints), "%s/checkpoints", dir);
	kr = crypto_keyring_open(dir, true, err, sizeof(err));
	if (!kr)
		return 1;
	failed = TESTDB_RUN("audit", TESTS);
	crypto_keyring_close(kr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? failed : 1;
}

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
		struct audit_event e = { .chain = a->chain,
					 .actor_user = "0190f5a2-user",
					 .action = a->action,
					 .record_kind = "case",
					 .record_id = "0190f5a2-case",
					 .outcome = "ok",
					 .request_id = "req-1" };

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

/* Statements are cached by address: these must be static. */
static const struct db_stmt the_flag = {
	"t_flag", "SELECT audit_id FROM atip_audit_flags LIMIT 1", NULL, NULL
};
static const struct db_stmt count_open = {
	"t_open",
	"SELECT COUNT(*) FROM atip_audit_flags WHERE reviewed_at IS NULL", NULL,
	NULL
};

struct glass {
	const char *owner, *flag, *reviewer, *note;
	enum err e;
	char id[40];
};

/* A break-glass read of a record owned by "org-owner", by "org-a". */
static enum db_status
glass_tx(struct db_conn *c, void *arg)
{
	struct glass *g = arg;
	struct audit_event e = { .chain = "org-a",
				 .actor_user = "0190f5a2-user",
				 .action = "case.read_personal",
				 .record_kind = "case",
				 .record_id = "0190f5a2-case",
				 .outcome = "ok",
				 .review_org = "org-owner",
				 .reason = "Medical emergency at the shelter" };
	struct db_rows rows;
	enum db_status st = audit_append(c, &e);

	if (st != DB_OK)
		return st;
	db_query(c, &the_flag, NULL, 0, &rows);
	if (db_next(&rows))
		snprintf(g->id, sizeof(g->id), "%s", db_col_text(&rows, 0));
	return db_rows_close(&rows);
}

static enum db_status
review_tx(struct db_conn *c, void *arg)
{
	struct glass *g = arg;

	g->e = audit_flag_review(c, g->owner, g->flag, g->reviewer, g->note);
	return DB_OK;
}

static enum err
review(struct db *db, const char *owner, const char *flag)
{
	struct glass g = { .owner = owner,
			   .flag = flag,
			   .reviewer = "0190f5a2-admin",
			   .note = "Confirmed with the hospital" };

	assert_int_equal(db_tx(db, review_tx, &g), DB_OK);
	return g.e;
}

static long long
open_flags(struct db *db)
{
	struct db_conn *c = db_acquire(db);
	struct db_rows rows;
	long long n = -1;

	db_query(c, &count_open, NULL, 0, &rows);
	if (db_next(&rows))
		n = db_col_int(&rows, 0);
	assert_int_equal(db_rows_close(&rows), DB_OK);
	db_release(c);
	return n;
}

static void
break_glass_is_flagged_for_the_owner_to_review_once(void **state)
{
	struct fixture *f = *state;
	struct glass g = { 0 };
	struct audit_report r;

	append(f->db, "org-a", "case.read", 2); /* ordinary reads: no flag */
	assert_int_equal(open_flags(f->db), 0);
	assert_int_equal(db_tx(f->db, glass_tx, &g), DB_OK);
	assert_int_equal(open_flags(f->db), 1);
	/* Only the owner reviews it, once. */
	assert_int_equal(review(f->db, "org-a", g.id), ERR_NOT_FOUND);
	assert_int_equal(review(f->db, "org-owner", "0190f5a2-none"),
			 ERR_NOT_FOUND);
	assert_int_equal(review(f->db, "org-owner", g.id), ERR_OK);
	assert_int_equal(open_flags(f->db), 0);
	assert_int_equal(review(f->db, "org-owner", g.id), ERR_CONFLICT);
	/* The access itself stays in the actor's chain, which verifies. */
	r = verify(f->db);
	assert_string_equal(r.problem, "");
	assert_int_equal(r.entries, 3);
}

#define TESTS(X)                                                \
	X(an_untouched_trail_verifies)                          \
	X(a_changed_row_is_named)                               \
	X(a_deleted_row_is_named)                               \
	X(dropping_the_newest_rows_is_caught_by_the_checkpoint) \
	X(a_rewritten_chain_is_caught_by_the_checkpoint)        \
	X(forged_checkpoints_do_not_verify)                     \
	X(concurrent_appends_keep_one_unbroken_chain)           \
	X(break_glass_is_flagged_for_the_owner_to_review_once)

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

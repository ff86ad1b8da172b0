/*
 * Unit tests of users, sessions and sign-in throttling, on SQLite and
 * PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "testdb.h"

#include "app.h"
#include "auth/auth.h"
#include "orgs/orgs.h"

static const char password[] = "a long demo passphrase 2026";
static struct org org;
static char hash[AUTH_HASH_MAX];

static enum db_status
make_org(struct db_conn *c, void *arg)
{
	const struct org_input in = { arg, "shelter", "NP", "NP-P3" };

	return orgs_create(c, &in, &org) == ERR_OK ? DB_OK : DB_ERROR;
}

static void
fixture_prepare(struct fixture *f)
{
	char err[256];
	char name[] = "Demo Shelter (fictional)";

	size_t n;
	struct db_migration *all = app_migrations(&n);

	/* Every module's tables, in version order, as atip serve has them. */
	assert_int_equal(db_migrate(f->db, all, n, err, sizeof(err)), DB_OK);
	free(all);
	assert_int_equal(db_tx(f->db, make_org, name), DB_OK);
}

struct create {
	struct auth_user_input in;
	struct auth_user user;
	struct auth_errors errs;
	enum err e;
};

static enum db_status
create_tx(struct db_conn *c, void *arg)
{
	struct create *x = arg;

	x->e = auth_user_create(c, &x->in, hash, &x->user, &x->errs);
	return x->e == ERR_OK ? DB_OK : DB_ERROR;
}

static struct create
create_user(struct db *db, const char *email, const char *role)
{
	struct create x = { .in = { org.id, email, "Demo Worker (fictional)",
				    role, password, sizeof(password) - 1 } };

	db_tx(db, create_tx, &x);
	return x;
}

static void
users_are_checked_field_by_field(void **state)
{
	struct auth_user_input in = { "not-an-id", "nobody", "",
				      "chief",	   "short",  5 };
	struct auth_errors errs;
	char h[AUTH_HASH_MAX];

	(void)state;
	assert_int_equal(auth_user_prepare(&in, h, &errs), ERR_INVALID);
	assert_int_equal(errs.n, 4);
	assert_string_equal(errs.v[0].field, "email");
	assert_string_equal(errs.v[1].field, "name");
	assert_string_equal(errs.v[2].field, "role");
	assert_string_equal(errs.v[3].field, "password");
}

static void
emails_are_unique_and_organisations_must_exist(void **state)
{
	struct fixture *f = *state;
	struct create x;

	x = create_user(f->db, "Worker@Example.ORG ", "case_worker");
	assert_int_equal(x.e, ERR_OK);
	assert_string_equal(x.user.email, "worker@example.org");
	x = create_user(f->db, "worker@example.org", "viewer");
	assert_int_equal(x.e, ERR_CONFLICT);
	assert_string_equal(x.errs.v[0].field, "email");
	snprintf(org.id, sizeof(org.id),
		 "0190f5a2-7c3e-7d41-9a2b-6f0e5d4c3b2a");
	x = create_user(f->db, "other@example.org", "viewer");
	assert_int_equal(x.e, ERR_INVALID);
	assert_string_equal(x.errs.v[0].field, "org_id");
}

struct sess {
	const char *user_id;
	const char *token;
	int64_t now;
	char out_token[AUTH_TOKEN_LEN], csrf[AUTH_TOKEN_LEN];
	struct auth_actor actor;
	enum err e;
};

static enum db_status
session_create_tx(struct db_conn *c, void *arg)
{
	struct sess *s = arg;

	s->e = auth_session_create(c, s->user_id, s->now, false, s->out_token,
				   s->csrf);
	return s->e == ERR_OK ? DB_OK : DB_ERROR;
}

static enum db_status
session_check_tx(struct db_conn *c, void *arg)
{
	struct sess *s = arg;

	s->e = auth_session_check(c, s->token, s->now, &s->actor);
	return DB_OK;
}

static enum err
check_at(struct db *db, const char *token, int64_t now, struct auth_actor *a)
{
	struct sess s = { .token = token, .now = now };

	assert_int_equal(db_tx(db, session_check_tx, &s), DB_OK);
	if (a)
		*a = s.actor;
	return s.e;
}

static void
sessions_expire_when_idle_or_old(void **state)
{
	struct fixture *f = *state;
	struct create x = create_user(f->db, "w@example.org", "case_worker");
	struct sess s = { .user_id = x.user.id, .now = 1000000 };
	struct auth_actor a;
	int64_t t;

	assert_int_equal(db_tx(f->db, session_create_tx, &s), DB_OK);
	assert_int_equal(strlen(s.out_token), AUTH_TOKEN_LEN - 1);
	assert_int_equal(check_at(f->db, s.out_token, s.now, &a), ERR_OK);
	assert_string_equal(a.user.id, x.user.id);
	assert_string_equal(a.country, "NP");
	assert_true(auth_csrf_valid(&a, s.csrf));
	assert_false(auth_csrf_valid(&a, s.out_token));
	assert_false(auth_csrf_valid(&a, NULL));
	/* Used every 20 minutes, it lives up to 12 hours, not a minute more. */
	for (t = s.now; t + 20 * 60000 <= s.now + AUTH_ABSOLUTE_MS;
	     t += 20 * 60000)
		assert_int_equal(check_at(f->db, s.out_token, t, NULL), ERR_OK);
	assert_int_equal(check_at(f->db, s.out_token,
				  s.now + AUTH_ABSOLUTE_MS + 1, NULL),
			 ERR_UNAUTHENTICATED);
	/* A new session left alone for 31 minutes is gone. */
	s.now = 50000000;
	assert_int_equal(db_tx(f->db, session_create_tx, &s), DB_OK);
	assert_int_equal(check_at(f->db, s.out_token, s.now + 31 * 60000, NULL),
			 ERR_UNAUTHENTICATED);
	assert_int_equal(check_at(f->db, "x", s.now, NULL),
			 ERR_UNAUTHENTICATED);
	assert_int_equal(check_at(f->db,
				  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				  s.now, NULL),
			 ERR_UNAUTHENTICATED);
}

static enum db_status
suspend_tx(struct db_conn *c, void *arg)
{
	(void)arg;
	return orgs_set_status(c, org.id, ORG_SUSPENDED, org.version, NULL) ==
			       ERR_OK
		       ? DB_OK
		       : DB_ERROR;
}

static void
suspending_the_organisation_ends_its_sessions_at_once(void **state)
{
	struct fixture *f = *state;
	struct create x = create_user(f->db, "w@example.org", "case_worker");
	struct sess s = { .user_id = x.user.id, .now = time_now_ms() };
	struct auth_user u;
	char h[AUTH_HASH_MAX];
	struct db_conn *c;

	assert_int_equal(db_tx(f->db, session_create_tx, &s), DB_OK);
	assert_int_equal(check_at(f->db, s.out_token, s.now, NULL), ERR_OK);
	c = db_acquire(f->db);
	assert_int_equal(auth_user_for_signin(c, "W@example.org", &u, h),
			 ERR_OK);
	assert_true(auth_password_verify(h, password, sizeof(password) - 1));
	db_release(c);
	assert_int_equal(db_tx(f->db, suspend_tx, NULL), DB_OK);
	assert_int_equal(check_at(f->db, s.out_token, s.now, NULL),
			 ERR_UNAUTHENTICATED);
	c = db_acquire(f->db);
	assert_int_equal(auth_user_for_signin(c, "w@example.org", &u, h),
			 ERR_NOT_FOUND);
	db_release(c);
}

static bool
attempt(struct db *db, const char *email, int64_t at, int *retry,
	char id[UUID_STR_LEN])
{
	struct db_conn *c = db_acquire(db);
	bool exceeded = false;

	assert_int_equal(auth_attempt_begin(c, email, "192.0.2.1", 0, at,
					    &exceeded, retry, id),
			 ERR_OK);
	db_release(c);
	return exceeded;
}

static void
ten_failures_in_fifteen_minutes_lock_the_account(void **state)
{
	struct fixture *f = *state;
	char id[UUID_STR_LEN];
	int64_t t = 10000000;
	struct db_conn *c;
	int retry;

	/* A successful attempt clears itself and does not count. */
	assert_false(attempt(f->db, "w@example.org", t, &retry, id));
	c = db_acquire(f->db);
	assert_int_equal(auth_attempt_clear(c, id), ERR_OK);
	db_release(c);
	for (int i = 0; i < AUTH_FAILURES_MAX; i++)
		assert_false(attempt(f->db,
				     i % 2 ? "W@example.org" : "w@example.org",
				     t + i * 1000, &retry, id));
	assert_true(id[0] != '\0');
	assert_true(attempt(f->db, "w@example.org", t + 11000, &retry, id));
	assert_int_equal(retry, 15 * 60 - 11 + 1);
	assert_string_equal(id, ""); /* a refused attempt is not recorded */
	/* Another account is not affected. */
	assert_false(attempt(f->db, "v@example.org", t + 11000, &retry, id));
	/* Fifteen minutes after the first failure, it may try again. */
	assert_false(attempt(f->db, "w@example.org",
			     t + AUTH_FAILURES_WINDOW_MS + 1, &retry, id));
}

struct tok {
	const char *user_id;
	int days;
	int64_t now;
	const char *check; /* a token to check, or NULL to create one */
	const char *revoke;
	char id[UUID_STR_LEN], token[AUTH_API_TOKEN_LEN];
	struct auth_actor actor;
	enum err e;
};

static enum db_status
tok_tx(struct db_conn *c, void *arg)
{
	struct tok *t = arg;

	if (t->revoke)
		t->e = auth_token_revoke(c, t->user_id, t->revoke, t->now);
	else if (t->check)
		t->e = auth_token_check(c, t->check, t->now, &t->actor);
	else
		t->e = auth_token_create(c, t->user_id, "ci", t->days, t->now,
					 t->id, t->token);
	return DB_OK;
}

static enum err
tok(struct db *db, struct tok *t)
{
	assert_int_equal(db_tx(db, tok_tx, t), DB_OK);
	return t->e;
}

static void
api_tokens_expire_and_revoke(void **state)
{
	struct fixture *f = *state;
	struct create x = create_user(f->db, "bot@example.org", "analyst");
	struct tok t = { .user_id = x.user.id, .days = 2, .now = 1000000 };
	struct tok c = { .now = 1000000 };
	struct tok r = { .user_id = x.user.id };

	assert_int_equal(tok(f->db, &t), ERR_OK);
	assert_int_equal(strncmp(t.token, "atip_", 5), 0);
	c.check = t.token;
	assert_int_equal(tok(f->db, &c), ERR_OK);
	assert_string_equal(c.actor.user.id, x.user.id);
	assert_string_equal(c.actor.session_hash, "");
	c.now = 1000000 + 2LL * 24 * 3600 * 1000; /* expired */
	assert_int_equal(tok(f->db, &c), ERR_UNAUTHENTICATED);
	c.now = 1000000;
	c.check = "atip_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	assert_int_equal(tok(f->db, &c), ERR_UNAUTHENTICATED);
	/* Only its owner revokes it, once; then it no longer works. */
	r.revoke = t.id;
	r.user_id = "someone-else";
	assert_int_equal(tok(f->db, &r), ERR_NOT_FOUND);
	r.user_id = x.user.id;
	assert_int_equal(tok(f->db, &r), ERR_OK);
	assert_int_equal(tok(f->db, &r), ERR_NOT_FOUND);
	c.check = t.token;
	assert_int_equal(tok(f->db, &c), ERR_UNAUTHENTICATED);
	t.days = 400;
	assert_int_equal(tok(f->db, &t), ERR_INVALID);
}

static void
one_address_has_its_own_limit_across_accounts(void **state)
{
	struct fixture *f = *state;
	char id[UUID_STR_LEN], email[32];
	struct db_conn *c = db_acquire(f->db);
	bool exceeded = false;
	int retry, i;

	for (i = 0; i < 5; i++) {
		snprintf(email, sizeof(email), "u%d@example.org", i);
		assert_int_equal(auth_attempt_begin(c, email, "198.51.100.7", 5,
						    1000000 + i, &exceeded,
						    &retry, id),
				 ERR_OK);
		assert_false(exceeded);
	}
	assert_int_equal(auth_attempt_begin(c, "fresh@example.org",
					    "198.51.100.7", 5, 1000010,
					    &exceeded, &retry, id),
			 ERR_OK);
	assert_true(exceeded);
	assert_true(retry > 0);
	/* Another address, or no per-address limit, is not affected. */
	assert_int_equal(auth_attempt_begin(c, "fresh@example.org",
					    "198.51.100.8", 5, 1000010,
					    &exceeded, &retry, id),
			 ERR_OK);
	assert_false(exceeded);
	db_release(c);
}

static void
enrolled_users_read_as_enrolled_and_codes_work_once(void **state)
{
	struct fixture *f = *state;
	struct create x = create_user(f->db, "t@example.org", "investigator");
	char dir[] = "/tmp/atip-totp-XXXXXX", err[256], cmd[64], code[7];
	struct crypto_keyring *kr;
	struct db_conn *c;
	struct auth_user u;
	char *b32 = NULL;
	int64_t now = time_now_ms();

	assert_non_null(mkdtemp(dir));
	kr = crypto_keyring_open(dir, true, err, sizeof(err));
	assert_non_null(kr);
	c = db_acquire(f->db);
	assert_int_equal(auth_user_get(c, x.user.id, &u), ERR_OK);
	assert_false(u.totp_enrolled);
	assert_int_equal(auth_totp_enrol_now(c, kr, x.user.id, &b32), ERR_OK);
	assert_int_equal(auth_user_get(c, x.user.id, &u), ERR_OK);
	assert_true(u.totp_enrolled);
	/* The current code works once; a wrong one never. */
	{
		struct db_arg a = db_text(x.user.id);
		static const struct db_stmt secret = {
			"test_totp_secret",
			"SELECT totp_secret FROM users WHERE id = $1", NULL,
			NULL
		};
		struct db_rows rows;

		db_query(c, &secret, &a, 1, &rows);
		assert_true(db_next(&rows));
		assert_true(crypto_totp_code(kr, x.user.id,
					     db_col_text(&rows, 0), now / 1000,
					     code));
		assert_int_equal(db_rows_close(&rows), DB_OK);
	}
	assert_int_equal(auth_second_factor(c, kr, x.user.id, "000000", now) ==
				 ERR_OK,
			 strcmp(code, "000000") == 0);
	assert_int_equal(auth_second_factor(c, kr, x.user.id, code, now),
			 ERR_OK);
	assert_int_equal(auth_second_factor(c, kr, x.user.id, code, now),
			 ERR_UNAUTHENTICATED);
	db_release(c);
	free(b32);
	crypto_keyring_close(kr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static enum db_status
disable_tx(struct db_conn *c, void *arg)
{
	struct create *x = arg;

	x->e = auth_user_set_active(c, x->user.id, false, x->user.version);
	return db_status_of(x->e);
}

static void
a_disabled_user_is_cut_off_at_once(void **state)
{
	struct fixture *f = *state;
	struct create x = create_user(f->db, "d@example.org", "analyst");
	struct sess s = { .user_id = x.user.id, .now = time_now_ms() };
	struct tok t = { .user_id = x.user.id, .days = 1, .now = s.now };
	struct tok c = { .now = s.now };
	struct auth_user u;
	char h[AUTH_HASH_MAX];
	struct db_conn *conn;

	assert_int_equal(db_tx(f->db, session_create_tx, &s), DB_OK);
	assert_int_equal(tok(f->db, &t), ERR_OK);
	c.check = t.token;
	assert_int_equal(db_tx(f->db, disable_tx, &x), DB_OK);
	assert_int_equal(check_at(f->db, s.out_token, s.now, NULL),
			 ERR_UNAUTHENTICATED);
	assert_int_equal(tok(f->db, &c), ERR_UNAUTHENTICATED);
	conn = db_acquire(f->db);
	assert_int_equal(auth_user_for_signin(conn, "d@example.org", &u, h),
			 ERR_NOT_FOUND);
	/* A stale version changes nothing. */
	assert_int_equal(auth_user_set_active(conn, x.user.id, true, 1),
			 ERR_CONFLICT);
	assert_int_equal(auth_user_set_active(conn, x.user.id, true, 2),
			 ERR_OK);
	assert_int_equal(auth_user_for_signin(conn, "d@example.org", &u, h),
			 ERR_OK);
	db_release(conn);
}

#define TESTS(X)                                                 \
	X(users_are_checked_field_by_field)                      \
	X(emails_are_unique_and_organisations_must_exist)        \
	X(sessions_expire_when_idle_or_old)                      \
	X(suspending_the_organisation_ends_its_sessions_at_once) \
	X(ten_failures_in_fifteen_minutes_lock_the_account)      \
	X(api_tokens_expire_and_revoke)                          \
	X(one_address_has_its_own_limit_across_accounts)         \
	X(enrolled_users_read_as_enrolled_and_codes_work_once)   \
	X(a_disabled_user_is_cut_off_at_once)

int
main(void)
{
	struct auth_errors errs;
	const struct auth_user_input in = {
		"0190f5a2-7c3e-7d41-9a2b-6f0e5d4c3b2a",
		"a@example.org",
		"A",
		"viewer",
		password,
		sizeof(password) - 1
	};

	if (sodium_init() < 0 || auth_user_prepare(&in, hash, &errs) != ERR_OK)
		return 1;
	return TESTDB_RUN("auth sessions", TESTS);
}

/* Unit tests of sharing groups, on SQLite and PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testdb.h"

#include "orgs/orgs.h"

static struct org a, b;

static enum db_status
make_orgs(struct db_conn *c, void *arg)
{
	const struct org_input ia = { "Demo Unit A (fictional)", "shelter",
				      "NP", NULL };
	const struct org_input ib = { "Demo Unit B (fictional)", "shelter",
				      "IN", NULL };

	(void)arg;
	return orgs_create(c, &ia, &a) == ERR_OK &&
			       orgs_create(c, &ib, &b) == ERR_OK
		       ? DB_OK
		       : DB_ERROR;
}

static void
fixture_prepare(struct fixture *f)
{
	char err[256];

	assert_int_equal(db_migrate(f->db, orgs_migrations, orgs_nmigrations,
				    err, sizeof(err)),
			 DB_OK);
	assert_int_equal(db_tx(f->db, make_orgs, NULL), DB_OK);
}

static void
count_member(const char *org, void *ctx)
{
	(void)org;
	(*(int *)ctx)++;
}

static void
groups_have_members_and_unique_names(void **state)
{
	struct fixture *f = *state;
	struct db_conn *c = db_acquire(f->db);
	struct org_group g, dup, *list;
	struct arena ar;
	size_t n;
	int members = 0;

	arena_init(&ar);
	assert_int_equal(orgs_group_create(c, a.id, "Taskforce", true, &g),
			 ERR_OK);
	assert_int_equal(orgs_group_create(c, a.id, "Taskforce", false, &dup),
			 ERR_CONFLICT);
	assert_int_equal(orgs_group_create(c, a.id, "", false, &dup),
			 ERR_INVALID);
	/* The owner is a member; B is not, until added. */
	assert_int_equal(orgs_groups_of(c, a.id, &ar, &list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, g.id);
	assert_true(list[0].hidden_members);
	assert_int_equal(orgs_groups_of(c, b.id, &ar, &list, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(orgs_group_member(c, g.id, b.id, true), ERR_OK);
	assert_int_equal(orgs_group_member(c, g.id, b.id, true), ERR_OK);
	assert_int_equal(orgs_groups_of(c, b.id, &ar, &list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(orgs_group_members(c, g.id, count_member, &members),
			 ERR_OK);
	assert_int_equal(members, 2);
	assert_int_equal(orgs_group_member(c, g.id, b.id, false), ERR_OK);
	assert_int_equal(orgs_group_member(c, g.id, b.id, false),
			 ERR_NOT_FOUND);
	assert_int_equal(orgs_groups_of(c, b.id, &ar, &list, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(orgs_group_get(c, g.id, &dup), ERR_OK);
	assert_string_equal(dup.name, "Taskforce");
	assert_int_equal(orgs_group_get(c, b.id, &dup), ERR_NOT_FOUND);
	arena_release(&ar);
	db_release(c);
}

#define TESTS(X) X(groups_have_members_and_unique_names)

int
main(void)
{
	return TESTDB_RUN("groups", TESTS);
}

/*
 * The access matrix: every role x relation x action x distribution level
 * for domain records, against expectations written as tables here (not
 * derived from access.c), plus TLP caps and the admin records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "access/access.h"

enum relation {
	SAME_ORG,     /* the actor's organisation owns the record */
	SAME_GROUP,   /* another country, but in the record's sharing group */
	SAME_COUNTRY, /* another organisation of the owner's country */
	OTHER,	      /* another organisation of another country */
	GRANTED,      /* another country, holding a need-to-know grant */
	NRELATIONS
};

static const char *const relation_names[] = { "same org", "same group",
					      "same country", "other country",
					      "granted" };

/* Who sees a record of each level (T: visible). */
static const bool sees[NRELATIONS][LEVEL_COUNT] = {
	/*             org    group  country platform public */
	[SAME_ORG] = { true, true, true, true, true },
	[SAME_GROUP] = { false, true, false, true, true },
	[SAME_COUNTRY] = { false, false, true, true, true },
	[OTHER] = { false, false, false, true, true },
	[GRANTED] = { true, true, true, true, true },
};

/* What each role may do to its own organisation's records. */
static const bool own[ROLE_COUNT][ACT_COUNT] = {
	/*   read   create update delete share  personal admin  contribute */
	[ROLE_PLATFORM_ADMIN] = { true, false, false, false, false, false,
				  false, true },
	[ROLE_ORG_ADMIN] = { true, true, true, true, true, false, false, true },
	[ROLE_CASE_WORKER] = { true, true, true, true, true, true, false,
			       true },
	[ROLE_INVESTIGATOR] = { true, true, true, true, true, true, false,
				true },
	[ROLE_ANALYST] = { true, false, false, false, false, false, false,
			   true },
	[ROLE_VIEWER] = { true, false, false, false, false, false, false,
			  false },
};

/* What each role may do to a visible record of another organisation:
 * read it, and take part in its discussion (not viewers). */
static const bool others[ROLE_COUNT][ACT_COUNT] = {
	[ROLE_PLATFORM_ADMIN] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_ORG_ADMIN] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_CASE_WORKER] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_INVESTIGATOR] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_ANALYST] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_VIEWER] = { [ACT_READ] = true },
};

/* ... and with a need-to-know grant: personal data for those who work cases. */
static const bool granted[ROLE_COUNT][ACT_COUNT] = {
	[ROLE_PLATFORM_ADMIN] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_ORG_ADMIN] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_CASE_WORKER] = { [ACT_READ] = true,
			       [ACT_READ_PERSONAL] = true,
			       [ACT_CONTRIBUTE] = true },
	[ROLE_INVESTIGATOR] = { [ACT_READ] = true,
				[ACT_READ_PERSONAL] = true,
				[ACT_CONTRIBUTE] = true },
	[ROLE_ANALYST] = { [ACT_READ] = true, [ACT_CONTRIBUTE] = true },
	[ROLE_VIEWER] = { [ACT_READ] = true },
};

static const char *const group_g[] = { "group-g" };
static const char *const no_groups[] = { "group-other" };
static const char *const grants[] = { "org-granted" };

static struct access_actor
actor(enum auth_role role, enum relation rel)
{
	static const char *const orgs[] = { "org-owner", "org-grouped",
					    "org-neighbour", "org-far",
					    "org-granted" };
	static const char *const countries[] = { "NP", "IN", "NP", "LK", "BD" };

	return (struct access_actor){ role, orgs[rel], countries[rel],
				      rel == SAME_GROUP ? group_g : no_groups,
				      1 };
}

static struct access_record
record(enum access_level level, enum access_tlp tlp)
{
	return (struct access_record){ KIND_RECORD, "org-owner", "NP",	 level,
				       "group-g",   tlp,	 grants, 1 };
}

static void
domain_records_follow_the_matrix(void **state)
{
	int checked = 0;

	(void)state;
	for (int role = 0; role < ROLE_COUNT; role++)
		for (int rel = 0; rel < NRELATIONS; rel++)
			for (int level = 0; level < LEVEL_COUNT; level++)
				for (int act = 0; act < ACT_COUNT; act++) {
					struct access_actor a =
						actor(role, rel);
					struct access_record r =
						record(level, TLP_CLEAR);
					const bool(*may)[ACT_COUNT] =
						rel == SAME_ORG	 ? own
						: rel == GRANTED ? granted
								 : others;
					enum access_result want =
						!sees[rel][level]
							? ACCESS_HIDDEN
						: may[role][act]
							? ACCESS_ALLOW
							: ACCESS_FORBIDDEN;
					enum access_result got =
						access_check(&a, act, &r);

					if (got != want)
						fail_msg(
							"%s, %s, level %s, action %d: want %d got %d",
							auth_role_name(role),
							relation_names[rel],
							access_level_name(
								level),
							act, want, got);
					checked++;
				}
	assert_int_equal(checked,
			 ROLE_COUNT * NRELATIONS * LEVEL_COUNT * ACT_COUNT);
}

static void
anonymous_clients_read_public_records_only(void **state)
{
	(void)state;
	for (int level = 0; level < LEVEL_COUNT; level++) {
		struct access_record r = record(level, TLP_CLEAR);

		assert_int_equal(access_check(NULL, ACT_READ, &r),
				 level == LEVEL_PUBLIC ? ACCESS_ALLOW
						       : ACCESS_HIDDEN);
		if (level == LEVEL_PUBLIC)
			assert_int_equal(access_check(NULL, ACT_UPDATE, &r),
					 ACCESS_FORBIDDEN);
	}
}

static void
tlp_labels_cap_how_far_a_record_is_seen(void **state)
{
	struct access_actor far = actor(ROLE_ANALYST, OTHER);
	struct access_actor near = actor(ROLE_ANALYST, SAME_COUNTRY);
	struct access_actor owner = actor(ROLE_VIEWER, SAME_ORG);
	struct access_actor grantee = actor(ROLE_VIEWER, GRANTED);
	struct access_record r = record(LEVEL_PUBLIC, TLP_RED);

	(void)state;
	assert_int_equal(access_check(&far, ACT_READ, &r), ACCESS_HIDDEN);
	assert_int_equal(access_check(&near, ACT_READ, &r), ACCESS_HIDDEN);
	assert_int_equal(access_check(NULL, ACT_READ, &r), ACCESS_HIDDEN);
	assert_int_equal(access_check(&owner, ACT_READ, &r), ACCESS_ALLOW);
	assert_int_equal(access_check(&grantee, ACT_READ, &r), ACCESS_ALLOW);
	r.tlp = TLP_AMBER;
	assert_int_equal(access_check(&far, ACT_READ, &r), ACCESS_HIDDEN);
	assert_int_equal(access_check(&near, ACT_READ, &r), ACCESS_ALLOW);
	r.tlp = TLP_GREEN;
	assert_int_equal(access_check(&far, ACT_READ, &r), ACCESS_ALLOW);
	assert_int_equal(access_check(NULL, ACT_READ, &r), ACCESS_HIDDEN);
	assert_int_equal(access_tlp_max(TLP_AMBER_STRICT), LEVEL_ORG);
	assert_int_equal(access_tlp_max(TLP_CLEAR), LEVEL_PUBLIC);
}

static void
admin_records_have_their_own_rules(void **state)
{
	struct access_record user = { KIND_USER, "org-owner", "NP", LEVEL_ORG,
				      NULL,	 TLP_CLEAR,   NULL, 0 };
	struct access_record org = { KIND_ORG, "org-owner", "NP", LEVEL_ORG,
				     NULL,     TLP_CLEAR,   NULL, 0 };
	struct access_record trail = { KIND_AUDIT, "org-owner", "NP", LEVEL_ORG,
				       NULL,	   TLP_CLEAR,	NULL, 0 };
	struct access_actor padmin = actor(ROLE_PLATFORM_ADMIN, OTHER);
	struct access_actor oadmin = actor(ROLE_ORG_ADMIN, SAME_ORG);
	struct access_actor other_admin = actor(ROLE_ORG_ADMIN, SAME_COUNTRY);
	struct access_actor member = actor(ROLE_VIEWER, SAME_ORG);
	struct access_actor stranger = actor(ROLE_CASE_WORKER, SAME_COUNTRY);

	(void)state;
	/* Members list their organisation's users; nobody else but
	 * platform admins. */
	assert_int_equal(access_check(&member, ACT_READ, &user), ACCESS_ALLOW);
	assert_int_equal(access_check(&stranger, ACT_READ, &user),
			 ACCESS_HIDDEN);
	assert_int_equal(access_check(&padmin, ACT_READ, &user), ACCESS_ALLOW);
	assert_int_equal(access_check(&padmin, ACT_ADMIN, &user), ACCESS_ALLOW);
	assert_int_equal(access_check(&oadmin, ACT_ADMIN, &user), ACCESS_ALLOW);
	assert_int_equal(access_check(&oadmin, ACT_CREATE, &user),
			 ACCESS_ALLOW);
	assert_int_equal(access_check(&member, ACT_ADMIN, &user),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&other_admin, ACT_ADMIN, &user),
			 ACCESS_HIDDEN);
	/* Every member sees the directory; only platform admins run it. */
	assert_int_equal(access_check(&stranger, ACT_READ, &org), ACCESS_ALLOW);
	assert_int_equal(access_check(&oadmin, ACT_ADMIN, &org),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&padmin, ACT_ADMIN, &org), ACCESS_ALLOW);
	assert_int_equal(access_check(NULL, ACT_READ, &org), ACCESS_HIDDEN);
	/* Audit trails: the org admin of the owner and platform admins read. */
	assert_int_equal(access_check(&oadmin, ACT_READ, &trail), ACCESS_ALLOW);
	assert_int_equal(access_check(&member, ACT_READ, &trail),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&other_admin, ACT_READ, &trail),
			 ACCESS_HIDDEN);
	/* Trails are append-only; "updating" one is reviewing its flagged
	 * break-glass accesses, which only the owner's org admins do. */
	assert_int_equal(access_check(&oadmin, ACT_UPDATE, &trail),
			 ACCESS_ALLOW);
	assert_int_equal(access_check(&padmin, ACT_UPDATE, &trail),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&member, ACT_UPDATE, &trail),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&other_admin, ACT_UPDATE, &trail),
			 ACCESS_HIDDEN);
	assert_int_equal(access_check(&oadmin, ACT_DELETE, &trail),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&padmin, ACT_READ, &trail), ACCESS_ALLOW);
	assert_int_equal(access_check(&padmin, ACT_UPDATE, &trail),
			 ACCESS_FORBIDDEN);
}

static void
groups_are_seen_by_members_and_run_by_the_owners_admins(void **state)
{
	struct access_record g = { KIND_GROUP, "org-owner", "NP", LEVEL_GROUP,
				   "group-g",  TLP_CLEAR,   NULL, 0 };
	struct access_actor owner_admin = actor(ROLE_ORG_ADMIN, SAME_ORG);
	struct access_actor owner_worker = actor(ROLE_CASE_WORKER, SAME_ORG);
	struct access_actor member_admin = actor(ROLE_ORG_ADMIN, SAME_GROUP);
	struct access_actor outsider = actor(ROLE_ORG_ADMIN, SAME_COUNTRY);
	struct access_actor padmin = actor(ROLE_PLATFORM_ADMIN, OTHER);

	(void)state;
	assert_int_equal(access_check(&member_admin, ACT_READ, &g),
			 ACCESS_ALLOW);
	assert_int_equal(access_check(&member_admin, ACT_ADMIN, &g),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&outsider, ACT_READ, &g), ACCESS_HIDDEN);
	assert_int_equal(access_check(&owner_admin, ACT_ADMIN, &g),
			 ACCESS_ALLOW);
	assert_int_equal(access_check(&owner_worker, ACT_ADMIN, &g),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_check(&padmin, ACT_ADMIN, &g), ACCESS_ALLOW);
}

static void
break_glass_needs_a_case_role_visibility_and_a_reason(void **state)
{
	static const char reason[] = "Victim found injured at the border post";
	struct access_record r = record(LEVEL_COUNTRY, TLP_CLEAR);
	struct access_actor near = actor(ROLE_INVESTIGATOR, SAME_COUNTRY);
	struct access_actor far = actor(ROLE_INVESTIGATOR, OTHER);
	struct access_actor analyst = actor(ROLE_ANALYST, SAME_COUNTRY);

	(void)state;
	/* Without breaking glass, the neighbour may not read personal data. */
	assert_int_equal(access_check(&near, ACT_READ_PERSONAL, &r),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_break_glass(&near, &r, reason), ACCESS_ALLOW);
	assert_int_equal(access_break_glass(&near, &r, "urgent"),
			 ACCESS_FORBIDDEN);
	assert_int_equal(access_break_glass(&near, &r, NULL), ACCESS_FORBIDDEN);
	assert_int_equal(access_break_glass(&analyst, &r, reason),
			 ACCESS_FORBIDDEN);
	/* What one may not see at all stays hidden. */
	assert_int_equal(access_break_glass(&far, &r, reason), ACCESS_HIDDEN);
	assert_int_equal(access_break_glass(NULL, &r, reason), ACCESS_HIDDEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_records_follow_the_matrix),
		cmocka_unit_test(anonymous_clients_read_public_records_only),
		cmocka_unit_test(tlp_labels_cap_how_far_a_record_is_seen),
		cmocka_unit_test(admin_records_have_their_own_rules),
		cmocka_unit_test(
			groups_are_seen_by_members_and_run_by_the_owners_admins),
		cmocka_unit_test(
			break_glass_needs_a_case_role_visibility_and_a_reason),
	};

	return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}

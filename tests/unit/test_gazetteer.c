/*
 * Unit tests of the district gazetteer: the counts per country, every
 * district's subdivision checked against iso-codes, codes well formed and
 * sorted, lookups by code and lists by country or subdivision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "base/gazetteer.h"
#include "base/iso.h"

static size_t
count_country(const char *country)
{
	size_t i, n = 0;

	for (i = 0; i < gazetteer_nentries; i++)
		if (!strcmp(gazetteer_entries[i].country, country))
			n++;
	return n;
}

static void
counts_per_country_are_exact(void **state)
{
	(void)state;
	assert_int_equal(count_country("NP"), 77);
	assert_int_equal(count_country("LK"), 25);
	assert_int_equal(count_country("BD"), 64);
	assert_true(count_country("IN") > 700);
	assert_int_equal(count_country("NP") + count_country("LK") +
				 count_country("BD") + count_country("IN"),
			 gazetteer_nentries);
}

/*
 * True for the part of a code after "<subdivision>-": lower-case ASCII
 * letters, digits and single hyphens, neither first nor last.
 */
static int
is_slug(const char *s)
{
	size_t i;

	if (!*s || *s == '-')
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] == '-' && s[i + 1] && s[i + 1] != '-')))
			return 0;
	return 1;
}

static void
every_subdivision_and_code_is_checked_against_iso_codes(void **state)
{
	char err[256];
	size_t i;

	(void)state;
	assert_true(iso_load(err, sizeof(err)));
	for (i = 0; i < gazetteer_nentries; i++) {
		const struct gazetteer_entry *e = &gazetteer_entries[i];
		size_t sublen = strlen(e->subdivision);

		if (!iso_subdivision_valid(e->country, e->subdivision))
			fail_msg("%s: subdivision %s is not one of %s", e->code,
				 e->subdivision, e->country);
		assert_true(*e->name);
		if (!strcmp(e->country, "LK") || !strcmp(e->country, "BD")) {
			/* ISO's own district code. */
			if (!iso_subdivision_valid(e->country, e->code))
				fail_msg("%s is not an ISO 3166-2 code",
					 e->code);
		} else if (strncmp(e->code, e->subdivision, sublen) != 0 ||
			   e->code[sublen] != '-' ||
			   !is_slug(e->code + sublen + 1)) {
			fail_msg("%s is not %s-<slug>", e->code,
				 e->subdivision);
		}
		if (i > 0)
			assert_true(strcmp(gazetteer_entries[i - 1].code,
					   e->code) < 0);
	}
}

static void
find_takes_exact_codes_only(void **state)
{
	const struct gazetteer_entry *e;

	(void)state;
	e = gazetteer_find("NP-P3-kathmandu");
	assert_non_null(e);
	assert_string_equal(e->name, "Kathmandu");
	assert_string_equal(e->country, "NP");
	assert_string_equal(e->subdivision, "NP-P3");
	e = gazetteer_find("LK-11");
	assert_non_null(e);
	assert_string_equal(e->name, "Colombo");
	assert_string_equal(e->subdivision, "LK-1");
	e = gazetteer_find("BD-13");
	assert_non_null(e);
	assert_string_equal(e->name, "Dhaka");
	assert_string_equal(e->subdivision, "BD-C");
	e = gazetteer_find("IN-MH-pune");
	assert_non_null(e);
	assert_string_equal(e->name, "Pune");
	assert_string_equal(e->country, "IN");
	/* The first and last of the table, where a binary search slips. */
	assert_ptr_equal(gazetteer_find(gazetteer_entries[0].code),
			 &gazetteer_entries[0]);
	assert_ptr_equal(
		gazetteer_find(gazetteer_entries[gazetteer_nentries - 1].code),
		&gazetteer_entries[gazetteer_nentries - 1]);
	assert_non_null(gazetteer_find("NP-P4-nawalparasi-east"));
	assert_non_null(gazetteer_find("NP-P5-nawalparasi-west"));
	assert_non_null(gazetteer_find("NP-P5-rukum-east"));
	assert_non_null(gazetteer_find("NP-P6-rukum-west"));
	assert_null(gazetteer_find("NP-P3-Kathmandu"));
	assert_null(gazetteer_find("NP-P3-kathmand"));
	assert_null(gazetteer_find("NP-P3-kathmandu "));
	assert_null(gazetteer_find("NP-P3"));
	assert_null(gazetteer_find("XX-99"));
	assert_null(gazetteer_find("AA"));
	assert_null(gazetteer_find("zz"));
	assert_null(gazetteer_find(""));
	assert_null(gazetteer_find(NULL));
}

struct seen {
	const struct gazetteer_entry *v[1000];
	size_t n;
};

static void
add(const struct gazetteer_entry *e, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < sizeof(s->v) / sizeof(s->v[0]));
	s->v[s->n++] = e;
}

/* Lists country (and subdivision) into s, checking name order. */
static size_t
list(struct seen *s, const char *country, const char *subdivision)
{
	size_t i, n;

	s->n = 0;
	n = gazetteer_each(country, subdivision, add, s);
	assert_int_equal(n, s->n);
	for (i = 0; i < s->n; i++) {
		assert_string_equal(s->v[i]->country, country);
		if (subdivision && *subdivision)
			assert_string_equal(s->v[i]->subdivision, subdivision);
		if (i > 0)
			assert_true(strcasecmp(s->v[i - 1]->name,
					       s->v[i]->name) <= 0);
	}
	return n;
}

static void
lists_a_country_or_one_subdivision_in_name_order(void **state)
{
	static struct seen s;

	(void)state;
	assert_int_equal(list(&s, "NP", NULL), 77);
	assert_string_equal(s.v[0]->name, "Achham");
	assert_string_equal(s.v[76]->name, "Udayapur");
	assert_int_equal(list(&s, "NP", ""), 77);
	assert_int_equal(list(&s, "LK", NULL), 25);
	assert_int_equal(list(&s, "BD", NULL), 64);
	assert_int_equal(list(&s, "IN", NULL), count_country("IN"));

	assert_int_equal(list(&s, "NP", "NP-P3"), 13);
	assert_string_equal(s.v[0]->name, "Bhaktapur");
	assert_string_equal(s.v[12]->name, "Sindhupalchok");
	assert_int_equal(list(&s, "NP", "NP-P1"), 14);
	assert_int_equal(list(&s, "NP", "NP-P2"), 8);
	assert_int_equal(list(&s, "NP", "NP-P4"), 11);
	assert_int_equal(list(&s, "NP", "NP-P5"), 12);
	assert_int_equal(list(&s, "NP", "NP-P6"), 10);
	assert_int_equal(list(&s, "NP", "NP-P7"), 9);
	assert_int_equal(list(&s, "LK", "LK-1"), 3);
	assert_string_equal(s.v[0]->name, "Colombo");
	assert_string_equal(s.v[1]->name, "Gampaha");
	assert_string_equal(s.v[2]->name, "Kalutara");
	assert_int_equal(list(&s, "LK", "LK-4"), 5);
	assert_int_equal(list(&s, "BD", "BD-C"), 13);
	assert_int_equal(list(&s, "BD", "BD-H"), 4);
	assert_int_equal(list(&s, "IN", "IN-KL"), 14);
	assert_string_equal(s.v[0]->name, "Alappuzha");
	assert_int_equal(list(&s, "IN", "IN-GA"), 3);

	/* Unknown, or not that country's: nothing, and fn is not called. */
	assert_int_equal(list(&s, "NP", "NP-P9"), 0);
	assert_int_equal(list(&s, "NP", "IN-KL"), 0);
	assert_int_equal(list(&s, "XX", NULL), 0);
	assert_int_equal(list(&s, "np", NULL), 0);
	assert_int_equal(gazetteer_each("", NULL, add, &s), 0);
	assert_int_equal(gazetteer_each(NULL, "NP-P3", add, &s), 0);
	assert_int_equal(s.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_per_country_are_exact),
		cmocka_unit_test(
			every_subdivision_and_code_is_checked_against_iso_codes),
		cmocka_unit_test(find_takes_exact_codes_only),
		cmocka_unit_test(
			lists_a_country_or_one_subdivision_in_name_order),
	};

	return cmocka_run_group_tests_name("gazetteer", tests, NULL, NULL);
}

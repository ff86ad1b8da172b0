/* Unit tests of src/base/bsdate.c: Bikram Sambat to and from Gregorian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/bsdate.h"

static void
every_year_of_the_table_has_365_or_366_days(void **state)
{
	(void)state;
	for (int y = BS_YEAR_MIN; y <= BS_YEAR_MAX; y++) {
		int total = 0;

		for (int m = 1; m <= 12; m++) {
			int n = bs_month_days(y, m);

			if (n < 29 || n > 32)
				fail_msg("%d-%02d has %d days", y, m, n);
			total += n;
		}
		if (total != 365 && total != 366)
			fail_msg("%d has %d days", y, total);
	}
	assert_int_equal(bs_month_days(BS_YEAR_MIN - 1, 1), 0);
	assert_int_equal(bs_month_days(BS_YEAR_MAX + 1, 1), 0);
	assert_int_equal(bs_month_days(2081, 0), 0);
	assert_int_equal(bs_month_days(2081, 13), 0);
}

/* Converts bs to AD and ad to BS, expecting each to give the other. */
static void
pair(const char *bs, const char *ad)
{
	char out[11];

	assert_true(bs_to_ad(bs, out));
	assert_string_equal(out, ad);
	assert_true(ad_to_bs(ad, out));
	assert_string_equal(out, bs);
}

static void
known_dates_convert_both_ways(void **state)
{
	(void)state;
	pair("2000-01-01", "1943-04-14"); /* the anchor */
	pair("2079-01-01", "2022-04-14"); /* new years */
	pair("2080-01-01", "2023-04-14");
	pair("2081-01-01", "2024-04-13");
	pair("2082-01-01", "2025-04-14");
	pair("2083-01-01", "2026-04-14");
	/* Chaitra 2081 has 31 days: its 30th is not the last day of 2081. */
	pair("2081-12-30", "2025-04-12");
	pair("2081-12-31", "2025-04-13");
	pair("2073-12-15", "2017-03-28"); /* medic/bikram-sambat README */
	pair("2081-03-15", "2024-06-29"); /* Asar 15, paddy day */
	pair("2081-10-01", "2025-01-14"); /* Maghe Sankranti */
	pair("2082-06-16", "2025-10-02"); /* Vijaya Dashami */
	pair("2000-02-32", "1943-06-14"); /* a 32nd day */
	/* The ends of the table. */
	pair("1975-01-01", "1918-04-13");
	pair("2083-12-30", "2027-04-13");
}

/* The AD date after y-m-d. */
static void
next_ad(int *y, int *m, int *d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;

	if (++*d > days[*m - 1] + (*m == 2 && leap)) {
		*d = 1;
		if (++*m > 12) {
			*m = 1;
			++*y;
		}
	}
}

static void
every_day_of_the_table_round_trips(void **state)
{
	char bs[40], want[40], ad[11], back[11];
	int ay = 1918, am = 4, ad_d = 13, days = 0;

	(void)state;
	for (int y = BS_YEAR_MIN; y <= BS_YEAR_MAX; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= bs_month_days(y, m); d++) {
				snprintf(bs, sizeof(bs), "%04d-%02d-%02d", y, m,
					 d);
				snprintf(want, sizeof(want), "%04d-%02d-%02d",
					 ay, am, ad_d);
				/* Consecutive BS days are consecutive AD
				 * days. */
				assert_true(bs_to_ad(bs, ad));
				assert_string_equal(ad, want);
				assert_true(ad_to_bs(ad, back));
				assert_string_equal(back, bs);
				next_ad(&ay, &am, &ad_d);
				days++;
			}
	assert_string_equal(want, "2027-04-13");
	assert_int_equal(days, 39813);
	/* Just outside the table on either side. */
	assert_false(ad_to_bs("1918-04-12", back));
	assert_false(ad_to_bs("2027-04-14", back));
}

static void
malformed_or_missing_dates_are_refused(void **state)
{
	static const char *bad_bs[] = {
		"",
		"2081-1-1",
		"2081-01-1",
		"81-01-01",
		"2081-13-01",
		"2081-00-10",
		"2081-01-00",
		"2081-01-33",
		"2081-01-32", /* Baisakh 2081 has 31 days */
		"2081-11-30", /* Falgun 2081 has 29 */
		"2082-12-31", /* Chaitra 2082 has 30 */
		"2081-01-01x",
		"2081-01-01 ",
		" 2081-01-01",
		"2081-01-01\n",
		"2081/01/01",
		"2081.01.01",
		"+081-01-01",
		"-081-01-01",
		"2081-01--1",
		"20810101",
		"1974-12-30", /* before the table */
		"2084-01-01", /* after it */
		"9999-01-01",
		"0000-01-01",
		"२०८१-०१-३२",	     /* Devanagari, day 32 of a 31-day month */
		"२०८१-०१-०\xe0\xa5", /* a digit cut short */
		"२०८१-०१-०\xe0",
		"२०८१-०१-०\xe0\xa5\xb0", /* U+0970, not a digit */
		"२०८१-०१-०\xe0\xa5\xa5", /* U+0965, just below ० */
		"२०८१\xef\xbc\x8d०१-०१", /* fullwidth hyphen */
		"\xd9\xa2\xd9\xa0\xd9\xa8\xd9\xa1-01-01", /* Arabic-Indic */
	};
	static const char *bad_ad[] = {
		"",	      "2025-4-13",  "2025-04-13x", "2025-02-29",
		"2025-13-01", "2025-00-10", "1918-04-12",  "2027-04-14",
		"2024/04/13", "२०२४-०४-१३",
	};
	char out[11];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_bs) / sizeof(bad_bs[0]); i++) {
		memcpy(out, "untouched", 10);
		if (bs_to_ad(bad_bs[i], out))
			fail_msg("bs_to_ad took \"%s\"", bad_bs[i]);
		assert_string_equal(out, "untouched");
	}
	for (size_t i = 0; i < sizeof(bad_ad) / sizeof(bad_ad[0]); i++) {
		memcpy(out, "untouched", 10);
		if (ad_to_bs(bad_ad[i], out))
			fail_msg("ad_to_bs took \"%s\"", bad_ad[i]);
		assert_string_equal(out, "untouched");
	}
	assert_false(bs_to_ad(NULL, out));
	assert_false(ad_to_bs(NULL, out));
}

static void
devanagari_digits_are_read(void **state)
{
	char out[11];

	(void)state;
	assert_true(bs_to_ad("२०८१-०१-०१", out));
	assert_string_equal(out, "2024-04-13");
	assert_true(bs_to_ad("२०८१-१२-३१", out));
	assert_string_equal(out, "2025-04-13");
	assert_true(bs_to_ad("२०००-०१-०१", out));
	assert_string_equal(out, "1943-04-14");
	/* Each digit on its own: a mix of scripts reads the same. */
	assert_true(bs_to_ad("20८1-०1-01", out));
	assert_string_equal(out, "2024-04-13");
	/* The way back is always ASCII. */
	assert_true(ad_to_bs("2024-04-13", out));
	assert_string_equal(out, "2081-01-01");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_year_of_the_table_has_365_or_366_days),
		cmocka_unit_test(known_dates_convert_both_ways),
		cmocka_unit_test(every_day_of_the_table_round_trips),
		cmocka_unit_test(malformed_or_missing_dates_are_refused),
		cmocka_unit_test(devanagari_digits_are_read),
	};

	return cmocka_run_group_tests_name("bsdate", tests, NULL, NULL);
}

/* Unit tests of src/base: arena, buffers, numbers, UUIDs, NFC, config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/uuid.h"

static void
arena_gives_zeroed_aligned_memory_and_survives_clear(void **state)
{
	struct arena a;
	int i;

	(void)state;
	arena_init(&a);
	for (i = 0; i < 1000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		unsigned char *p = arena_alloc(&a, n);
		size_t j;

		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (j = 0; j < n; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xab, n);
	}
	/* A block bigger than a chunk gets its own. */
	memset(arena_alloc(&a, 100000), 1, 100000);
	assert_string_equal(arena_printf(&a, "%s-%d", "x", 42), "x-42");
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	arena_clear(&a);
	assert_int_equal(a.total, 0);
	assert_non_null(arena_alloc(&a, 10));
	arena_release(&a);
	assert_null(a.head);
}

static void
buf_refuses_to_pass_its_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_true(buf_adds(&b, "1234"));
	assert_true(buf_printf(&b, "%d", 5678));
	assert_false(buf_adds(&b, "9"));
	assert_int_equal(b.len, 8);
	assert_string_equal(b.p, "12345678");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	buf_release(&b);
}

static void
str_to_i64_accepts_only_whole_numbers_in_range(void **state)
{
	long long v = 0;

	(void)state;
	assert_true(str_to_i64(str_of("42"), 0, 100, &v));
	assert_int_equal(v, 42);
	assert_true(str_to_i64(str_of("-5"), -10, 10, &v));
	assert_int_equal(v, -5);
	assert_false(str_to_i64(str_of(""), 0, 100, &v));
	assert_false(str_to_i64(str_of("101"), 0, 100, &v));
	assert_false(str_to_i64(str_of("4x"), 0, 100, &v));
	assert_false(str_to_i64(str_of(" 4"), 0, 100, &v));
	assert_false(str_to_i64(str_of("+4"), 0, 100, &v));
	assert_false(
		str_to_i64(str_of("99999999999999999999"), 0, INT64_MAX, &v));
	assert_true(str_eqs(STR_LIT("abc"), "abc"));
	assert_false(str_eqs(STR_LIT("abc"), "abd"));
	assert_true(str_caseeq(STR_LIT("Content-Length"), "content-length"));
}

static void
arena_grows_arrays_and_copies_strings(void **state)
{
	struct arena a;
	size_t cap = 2, n;
	int *v;

	(void)state;
	arena_init(&a);
	v = arena_alloc(&a, cap * sizeof(*v));
	for (n = 0; n < 100; n++) {
		v = arena_grow(&a, v, n, &cap, sizeof(*v));
		assert_true(n < cap);
		v[n] = (int)n * 3;
	}
	assert_int_equal(cap, 128);
	for (n = 0; n < 100; n++)
		assert_int_equal(v[n], (int)n * 3); /* kept through each copy */
	assert_null(arena_strdup(&a, NULL));
	assert_string_equal(arena_strdup(&a, "Pune"), "Pune");
	arena_release(&a);
}

static void
uuid_v7_is_canonical_versioned_and_time_ordered(void **state)
{
	char a[UUID_STR_LEN], b[UUID_STR_LEN];
	struct timespec ts = { 0, 2000000 };

	(void)state;
	uuid_v7(a);
	nanosleep(&ts, NULL);
	uuid_v7(b);
	assert_int_equal(strlen(a), 36);
	assert_true(uuid_valid(str_of(a)));
	assert_int_equal(a[14], '7');
	assert_true(strchr("89ab", a[19]) != NULL);
	assert_true(strcmp(a, b) < 0);
	assert_false(uuid_valid(str_of("not-a-uuid")));
	assert_false(
		uuid_valid(str_of("0123456789abcdef0123456789abcdef0123")));
}

static void
uuid_v7_sorts_in_the_order_made_within_a_millisecond(void **state)
{
	char prev[UUID_STR_LEN], next[UUID_STR_LEN];

	(void)state;
	uuid_v7(prev);
	/* Far more than one millisecond's 4096: the next ones borrow. */
	for (int i = 0; i < 20000; i++) {
		uuid_v7(next);
		assert_true(strcmp(prev, next) < 0);
		assert_int_equal(next[14], '7');
		assert_true(strchr("89ab", next[19]) != NULL);
		memcpy(prev, next, sizeof(prev));
	}
}

static void
text_nfc_composes_validates_and_keeps_ascii(void **state)
{
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(text_nfc("plain", 5, &out, &len), TEXT_OK);
	assert_null(out);
	/* e + COMBINING ACUTE ACCENT composes to U+00E9. */
	assert_int_equal(text_nfc("e\xcc\x81", 3, &out, &len), TEXT_CHANGED);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "\xc3\xa9", 2);
	free(out);
	/* Already NFC: Devanagari "नेपाल". */
	assert_int_equal(text_nfc("\xe0\xa4\xa8\xe0\xa5\x87\xe0\xa4\xaa\xe0\xa4"
				  "\xbe\xe0\xa4\xb2",
				  15, &out, &len),
			 TEXT_OK);
	assert_int_equal(text_nfc("\xff", 1, &out, &len), TEXT_INVALID);
	assert_int_equal(text_nfc("\xc3", 1, &out, &len), TEXT_INVALID);
	/* An encoded surrogate is not UTF-8. */
	assert_int_equal(text_nfc("\xed\xa0\x80", 3, &out, &len), TEXT_INVALID);
}

static void
time_rfc3339_is_utc_with_millis(void **state)
{
	char s[TIME_RFC3339_LEN];

	(void)state;
	time_rfc3339(1764442800123LL, s, sizeof(s));
	assert_string_equal(s, "2025-11-29T19:00:00.123Z");
}

static void
config_flags_override_environment(void **state)
{
	struct config c;
	char a0[] = "--listen", a1[] = "127.0.0.1:9999",
	     a2[] = "--max-body=4096";
	char *argv[] = { a0, a1, a2 };
	int rest = -1;

	(void)state;
	setenv("ATIP_LISTEN", "127.0.0.1:1111", 1);
	setenv("ATIP_MAX_BODY", "2048", 1);
	setenv("ATIP_DATA_DIR", "/tmp/atip-unit", 1);
	config_init(&c);
	assert_true(config_load(&c, 3, argv, &rest, stderr));
	assert_int_equal(rest, 0);
	assert_string_equal(c.listen, "127.0.0.1:9999");
	assert_int_equal(c.max_body, 4096);
	assert_string_equal(c.data_dir, "/tmp/atip-unit");
	{
		char *t = config_db_target(&c);

		assert_string_equal(t, "/tmp/atip-unit/atip.db");
		free(t);
	}
	config_release(&c);
	unsetenv("ATIP_LISTEN");
	unsetenv("ATIP_MAX_BODY");
	unsetenv("ATIP_DATA_DIR");
}

/* Runs config_load on one bad setting; returns what it wrote to stderr. */
static char *
load_error(const char *env, const char *value, char *arg)
{
	struct config c;
	char *argv[] = { arg };
	char *msg = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msg, &len);
	int rest;
	bool ok;

	if (env)
		setenv(env, value, 1);
	config_init(&c);
	ok = config_load(&c, arg ? 1 : 0, argv, &rest, err);
	fclose(err);
	config_release(&c);
	if (env)
		unsetenv(env);
	assert_false(ok);
	return msg;
}

static void
config_names_the_bad_setting_without_echoing_it(void **state)
{
	char flag[] = "--threads=999999";
	char *m;

	(void)state;
	m = load_error("ATIP_MAX_BODY", "lots", NULL);
	assert_non_null(strstr(m, "ATIP_MAX_BODY"));
	assert_null(strstr(m, "lots"));
	free(m);
	m = load_error("ATIP_LISTEN", "nowhere", NULL);
	assert_non_null(strstr(m, "ATIP_LISTEN"));
	free(m);
	m = load_error("ATIP_DB", "postgresql:/user:s3cret@host", NULL);
	assert_non_null(strstr(m, "ATIP_DB"));
	assert_null(strstr(m, "s3cret"));
	free(m);
	m = load_error(NULL, NULL, flag);
	assert_non_null(strstr(m, "--threads"));
	free(m);
	m = load_error("ATIP_TLS_CERT", "/tmp/cert.pem", NULL);
	assert_non_null(strstr(m, "ATIP_TLS_KEY"));
	free(m);
}

static void
text_clean_trims_composes_and_refuses_what_hides_text(void **state)
{
	struct arena a;
	const char *why = NULL, *t;

	(void)state;
	arena_init(&a);
	assert_string_equal(text_clean(&a, "  Pune shelter \n", 50, 0, &why),
			    "Pune shelter");
	assert_string_equal(text_clean(&a, NULL, 50, 0, &why), "");
	assert_string_equal(text_clean(&a, " \t ", 50, 0, &why), "");
	/* NFC: e + combining acute becomes one character, counted once. */
	assert_string_equal(text_clean(&a, "Cafe\xcc\x81", 4, 0, &why),
			    "Caf\xc3\xa9");
	assert_null(text_clean(&a, "Caf\xc3\xa9s", 4, 0, &why));
	assert_string_equal(why, "must be at most 4 characters");
	/* Devanagari with a zero-width joiner stays as it is. */
	t = "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7";
	assert_string_equal(text_clean(&a, t, 10, 0, &why), t);
	assert_null(text_clean(&a, "bad \xff byte", 50, 0, &why));
	assert_string_equal(why, "must be valid UTF-8");
	/* A right-to-left override can make "exe.pdf" read as "fdp.exe". */
	assert_null(text_clean(&a,
			       "report\xe2\x80\xae"
			       "fdp.exe",
			       50, 0, &why));
	assert_null(text_clean(&a, "two\nlines", 50, 0, &why));
	/* Multi-line text keeps its breaks, made "\n", and tabs. */
	assert_string_equal(text_clean(&a, "one\r\ntwo\rthree\tfour", 50,
				       TEXT_LINES, &why),
			    "one\ntwo\nthree\tfour");
	assert_null(text_clean(&a, "bell\a", 50, TEXT_LINES, &why));
	assert_null(text_clean(&a, "c1 \xc2\x85", 50, TEXT_LINES, &why));
	arena_release(&a);
}

static void
time_parsing_takes_rfc3339_and_real_dates_only(void **state)
{
	char d[11], back[TIME_RFC3339_LEN];
	int64_t ms;

	(void)state;
	assert_true(time_parse_rfc3339("2026-12-01T09:30:00Z", &ms));
	time_rfc3339(ms, back, sizeof(back));
	assert_string_equal(back, "2026-12-01T09:30:00.000Z");
	/* Kathmandu is UTC+05:45. */
	assert_true(time_parse_rfc3339("2026-12-01T15:15:00.25+05:45", &ms));
	time_rfc3339(ms, back, sizeof(back));
	assert_string_equal(back, "2026-12-01T09:30:00.250Z");
	assert_true(time_parse_rfc3339("2024-02-29T00:00:00-01:00", &ms));
	assert_false(time_parse_rfc3339("2025-02-29T00:00:00Z", &ms));
	assert_false(time_parse_rfc3339("2026-12-01 09:30:00Z", &ms));
	assert_false(time_parse_rfc3339("2026-12-01T09:30:00", &ms));
	assert_false(time_parse_rfc3339("2026-12-01T24:00:00Z", &ms));
	assert_false(time_parse_rfc3339("2026-12-01T09:30:00.Z", &ms));
	assert_false(time_parse_rfc3339("2026-12-01T09:30:00Zjunk", &ms));
	assert_false(time_parse_rfc3339(NULL, &ms));
	assert_true(time_parse_date("2026-12-31", d));
	assert_string_equal(d, "2026-12-31");
	assert_false(time_parse_date("2026-13-01", d));
	assert_false(time_parse_date("2026-04-31", d));
	assert_false(time_parse_date("2026-4-1", d));
	assert_false(time_parse_date("1899-12-31", d));
	time_today(d);
	assert_int_equal(strlen(d), 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			arena_gives_zeroed_aligned_memory_and_survives_clear),
		cmocka_unit_test(buf_refuses_to_pass_its_max),
		cmocka_unit_test(
			str_to_i64_accepts_only_whole_numbers_in_range),
		cmocka_unit_test(
			uuid_v7_is_canonical_versioned_and_time_ordered),
		cmocka_unit_test(arena_grows_arrays_and_copies_strings),
		cmocka_unit_test(
			uuid_v7_sorts_in_the_order_made_within_a_millisecond),
		cmocka_unit_test(text_nfc_composes_validates_and_keeps_ascii),
		cmocka_unit_test(
			text_clean_trims_composes_and_refuses_what_hides_text),
		cmocka_unit_test(time_rfc3339_is_utc_with_millis),
		cmocka_unit_test(
			time_parsing_takes_rfc3339_and_real_dates_only),
		cmocka_unit_test(config_flags_override_environment),
		cmocka_unit_test(
			config_names_the_bad_setting_without_echoing_it),
	};

	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}

/* Unit tests of the password policy and hashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/auth_password.h"

static const char *
check(const char *pw, bool totp)
{
	return auth_password_check(pw, strlen(pw), totp);
}

static void
length_limits_depend_on_the_second_factor(void **state)
{
	char long_pw[200];

	(void)state;
	assert_non_null(check("tiger-lantern7", false)); /* 14 */
	assert_null(check("tiger-lantern77", false));	 /* 15 */
	assert_null(check("mq7#Lz2v", true));		 /* 8 */
	assert_non_null(check("mq7#Lz2", true));	 /* 7 */
	memset(long_pw, 'x', sizeof(long_pw));
	for (int i = 0; i < 128; i++)
		long_pw[i] = (char)('a' + i % 26);
	long_pw[128] = '\0';
	assert_null(check(long_pw, false));
	long_pw[128] = 'q';
	long_pw[129] = '\0';
	assert_non_null(check(long_pw, false));
}

static void
any_characters_count_as_characters(void **state)
{
	(void)state;
	/* 15 Devanagari code points: more bytes, same count. */
	assert_null(check("\xe0\xa4\x95\xe0\xa4\xbe\xe0\xa4\xa0\xe0\xa4\xae"
			  "\xe0\xa4\xbe\xe0\xa4\x82\xe0\xa4\xa1\xe0\xa5\x82 "
			  "\xe0\xa4\xa8\xe0\xa4\xa6\xe0\xa5\x80 \xe0\xa5\xa8"
			  "\xe0\xa5\xa6",
			  false));
	assert_non_null(check("\xff\xfe invalid utf-8 bytes", false));
	assert_null(check("correct horse battery staple", false));
}

static void
common_passwords_are_refused_however_written(void **state)
{
	(void)state;
	assert_string_equal(check("password", true),
			    "The password is too common.");
	assert_string_equal(check("PassWord", true),
			    "The password is too common.");
	/* Fullwidth letters fold to ASCII under NFKC. */
	assert_string_equal(check("\xef\xbd\x90\xef\xbd\x81\xef\xbd\x93\xef\xbd"
				  "\x93\xef\xbd\x97\xef\xbd\x8f\xef\xbd\x92\xef"
				  "\xbd\x84",
				  true),
			    "The password is too common.");
	assert_string_equal(check("passwordpassword", false),
			    "The password repeats a common word.");
	assert_null(check("Dragon-DRAGON-dragon-", false));
	assert_string_equal(check("DRAGONdragonDragon", false),
			    "The password repeats a common word.");
	assert_string_equal(check("aaaaaaaaaaaaaaaa", false),
			    "The password repeats a common word.");
}

static void
hashes_verify_and_report_weak_parameters(void **state)
{
	const char pw[] = "correct horse battery staple";
	char hash[AUTH_HASH_MAX], weak[crypto_pwhash_STRBYTES];

	(void)state;
	assert_true(auth_password_hash(pw, strlen(pw), hash));
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_true(auth_password_verify(hash, pw, strlen(pw)));
	assert_false(auth_password_verify(hash, "correct horse battery stapl",
					  strlen(pw) - 1));
	assert_false(auth_password_needs_rehash(hash));
	/* The same password composed differently (NFD) matches. */
	assert_true(auth_password_hash(
		"caf\xc3\xa9 au lait, s'il vous pla\xc3\xaet", 31, hash));
	assert_true(auth_password_verify(
		hash, "cafe\xcc\x81 au lait, s'il vous plai\xcc\x82t", 33));
	assert_int_equal(crypto_pwhash_str(weak, pw, strlen(pw),
					   crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	assert_true(auth_password_needs_rehash(weak));
	assert_true(auth_password_verify(weak, pw, strlen(pw)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(length_limits_depend_on_the_second_factor),
		cmocka_unit_test(any_characters_count_as_characters),
		cmocka_unit_test(common_passwords_are_refused_however_written),
		cmocka_unit_test(hashes_verify_and_report_weak_parameters),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}

/* Unit tests of src/crypto: keyring, data keys, fields, indexes, signing. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "base/buf.h"
#include "crypto/crypto.h"

static const char rec[] = "0190f5a2-7c3e-7d41-9a2b-6f0e5d4c3b2a";
static const char marker[] = "FICTIONAL-Sita-Example-+977-98-0000-0000";

struct dir {
	char path[64];
	struct crypto_keyring *kr;
};

static int
setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	char err[256];

	snprintf(d->path, sizeof(d->path), "/tmp/atip-crypto-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	d->kr = crypto_keyring_open(d->path, true, err, sizeof(err));
	assert_non_null(d->kr);
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir *d = *state;
	char cmd[128];

	crypto_keyring_close(d->kr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

static char *
keyring_path(const struct dir *d)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/keyring", d->path);
	return p;
}

static void
keyring_is_private_and_reopens_to_the_same_keys(void **state)
{
	struct dir *d = *state;
	char a[CRYPTO_INDEX_LEN], b[CRYPTO_INDEX_LEN], err[256];
	unsigned char sig[CRYPTO_SIG_LEN], pub[CRYPTO_PUBLIC_LEN];
	struct crypto_keyring *again;
	struct stat st;

	assert_int_equal(stat(keyring_path(d), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(crypto_keyring_primary(d->kr), 1);
	crypto_blind_index(d->kr, "phone", "+9779800000000", 14, a);
	crypto_sign_msg(d->kr, "head", 4, sig);
	again = crypto_keyring_open(d->path, false, err, sizeof(err));
	assert_non_null(again);
	crypto_blind_index(again, "phone", "+9779800000000", 14, b);
	assert_string_equal(a, b);
	crypto_sign_public(again, pub);
	assert_true(crypto_verify_msg(pub, "head", 4, sig));
	assert_false(crypto_verify_msg(pub, "Head", 4, sig));
	crypto_keyring_close(again);
}

static void
keyring_refuses_exposed_damaged_or_missing_files(void **state)
{
	struct dir *d = *state;
	char err[256] = "", other[96];
	unsigned char byte;
	int fd;

	assert_int_equal(chmod(keyring_path(d), 0644), 0);
	assert_null(crypto_keyring_open(d->path, false, err, sizeof(err)));
	assert_non_null(strstr(err, "0600"));
	assert_int_equal(chmod(keyring_path(d), 0600), 0);
	/* One flipped bit anywhere fails the checksum. */
	fd = open(keyring_path(d), O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, 30), 1);
	byte ^= 1;
	assert_int_equal(pwrite(fd, &byte, 1, 30), 1);
	close(fd);
	assert_null(crypto_keyring_open(d->path, false, err, sizeof(err)));
	assert_non_null(strstr(err, "damaged"));
	assert_int_equal(truncate(keyring_path(d), 10), 0);
	assert_null(crypto_keyring_open(d->path, true, err, sizeof(err)));
	snprintf(other, sizeof(other), "%s/none", d->path);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_null(crypto_keyring_open(other, false, err, sizeof(err)));
	assert_int_equal(rmdir(other), 0);
}

static void
data_keys_wrap_for_one_record_only(void **state)
{
	struct dir *d = *state;
	struct crypto_dek *dek = crypto_dek_new(), *back;
	char *w = crypto_dek_wrap(d->kr, dek, rec), *field, *bad;
	struct buf out;

	assert_int_equal(crypto_dek_version(w), 1);
	back = crypto_dek_unwrap(d->kr, w, rec);
	assert_non_null(back);
	field = crypto_field_encrypt(dek, rec, "name", "x", 1);
	assert_true(crypto_field_decrypt(back, rec, "name", field, &out));
	crypto_wipe_buf(&out);
	assert_null(crypto_dek_unwrap(d->kr, w, "another-record"));
	bad = strdup(w);
	bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == 'A' ? 'B' : 'A';
	assert_null(crypto_dek_unwrap(d->kr, bad, rec));
	bad[0] = 'x';
	assert_null(crypto_dek_unwrap(d->kr, bad, rec));
	assert_null(crypto_dek_unwrap(d->kr, "k7.AAAA", rec));
	assert_null(crypto_dek_unwrap(d->kr, "k1.!!!", rec));
	free(bad);
	free(field);
	free(w);
	crypto_dek_free(back);
	crypto_dek_free(dek);
}

static void
fields_decrypt_only_in_their_record_and_field(void **state)
{
	struct dir *d = *state;
	struct crypto_dek *dek = crypto_dek_new(), *other = crypto_dek_new();
	char *a =
		crypto_field_encrypt(dek, rec, "name", marker, strlen(marker));
	char *b =
		crypto_field_encrypt(dek, rec, "name", marker, strlen(marker));
	struct buf out;

	(void)d;
	assert_null(strstr(a, "Sita"));
	assert_string_not_equal(a, b); /* a fresh nonce each time */
	assert_true(crypto_field_decrypt(dek, rec, "name", a, &out));
	assert_int_equal(out.len, strlen(marker));
	assert_memory_equal(out.p, marker, out.len);
	crypto_wipe_buf(&out);
	assert_false(crypto_field_decrypt(dek, rec, "phone", a, &out));
	assert_int_equal(out.len, 0);
	assert_false(crypto_field_decrypt(dek, "other", "name", a, &out));
	assert_false(crypto_field_decrypt(other, rec, "name", a, &out));
	a[10] = a[10] == 'A' ? 'B' : 'A';
	assert_false(crypto_field_decrypt(dek, rec, "name", a, &out));
	assert_false(crypto_field_decrypt(dek, rec, "name", "f1.", &out));
	assert_false(crypto_field_decrypt(dek, rec, "name", "plain", &out));
	/* Empty values round-trip too. */
	free(b);
	b = crypto_field_encrypt(dek, rec, "note", "", 0);
	assert_true(crypto_field_decrypt(dek, rec, "note", b, &out));
	assert_int_equal(out.len, 0);
	crypto_wipe_buf(&out);
	free(a);
	free(b);
	crypto_dek_free(dek);
	crypto_dek_free(other);
}

static void
rotation_keeps_old_keys_and_rewraps(void **state)
{
	struct dir *d = *state;
	struct crypto_dek *dek = crypto_dek_new(), *back;
	char *w1 = crypto_dek_wrap(d->kr, dek, rec), *w2, err[256];
	char before[CRYPTO_INDEX_LEN], after[CRYPTO_INDEX_LEN];
	unsigned char m1[CRYPTO_MAC_LEN], m2[CRYPTO_MAC_LEN];
	struct crypto_keyring *kr2;

	crypto_blind_index(d->kr, "email", "a@example.org", 13, before);
	crypto_mac(d->kr, CRYPTO_WEBHOOK, "body", 4, m1);
	assert_int_equal(crypto_keyring_rotate(d->path, err, sizeof(err)), 2);
	kr2 = crypto_keyring_open(d->path, false, err, sizeof(err));
	assert_non_null(kr2);
	assert_int_equal(crypto_keyring_primary(kr2), 2);
	back = crypto_dek_unwrap(kr2, w1, rec); /* old wraps still open */
	assert_non_null(back);
	crypto_dek_free(back);
	w2 = crypto_dek_rewrap(kr2, w1, rec);
	assert_non_null(w2);
	assert_int_equal(crypto_dek_version(w2), 2);
	back = crypto_dek_unwrap(kr2, w2, rec);
	assert_non_null(back);
	crypto_dek_free(back);
	/* The old keyring in memory cannot open the new wrap. */
	assert_null(crypto_dek_unwrap(d->kr, w2, rec));
	/* Indexes and MACs are stable across rotation. */
	crypto_blind_index(kr2, "email", "a@example.org", 13, after);
	assert_string_equal(before, after);
	crypto_mac(kr2, CRYPTO_WEBHOOK, "body", 4, m2);
	assert_memory_equal(m1, m2, sizeof(m1));
	crypto_mac(kr2, CRYPTO_LINKAGE, "body", 4, m2);
	assert_memory_not_equal(m1, m2, sizeof(m1));
	crypto_blind_index(kr2, "phone", "a@example.org", 13, after);
	assert_string_not_equal(before, after);
	crypto_keyring_close(kr2);
	free(w1);
	free(w2);
	crypto_dek_free(dek);
}

static void
totp_codes_check_once_per_step_and_user(void **state)
{
	struct dir *d = *state;
	char *sealed, *b32, code[7], *other;
	long long step = 0, step2 = 0;
	int64_t now = 1764442800;
	struct buf out;

	assert_true(crypto_totp_new(d->kr, rec, &sealed, &b32));
	assert_int_equal(strlen(b32), 32); /* 160 bits in base32 */
	assert_null(strstr(sealed, b32));
	assert_true(crypto_totp_code(d->kr, rec, sealed, now, code));
	assert_true(crypto_totp_check(d->kr, rec, sealed, code, now, &step));
	assert_int_equal(step, now / 30);
	/* One step of clock drift is allowed, three are not. */
	assert_true(
		crypto_totp_check(d->kr, rec, sealed, code, now + 30, &step2));
	assert_int_equal(step2, step);
	assert_false(
		crypto_totp_check(d->kr, rec, sealed, code, now + 90, &step2));
	assert_false(crypto_totp_check(d->kr, "another-user", sealed, code, now,
				       &step2));
	assert_false(
		crypto_totp_check(d->kr, rec, sealed, "12345", now, &step2));
	assert_false(
		crypto_totp_check(d->kr, rec, sealed, "12a456", now, &step2));
	/* Sealed secrets open only for their purpose and record. */
	other = crypto_seal(d->kr, CRYPTO_RECOVERY, rec, "abc", 3);
	assert_true(crypto_unseal(d->kr, CRYPTO_RECOVERY, rec, other, &out));
	assert_memory_equal(out.p, "abc", 3);
	crypto_wipe_buf(&out);
	assert_false(crypto_unseal(d->kr, CRYPTO_TOTP, rec, other, &out));
	assert_false(crypto_unseal(d->kr, CRYPTO_RECOVERY, "x", other, &out));
	other[strlen(other) - 2] ^= 1;
	assert_false(crypto_unseal(d->kr, CRYPTO_RECOVERY, rec, other, &out));
	free(other);
	free(sealed);
	sodium_memzero(b32, strlen(b32));
	free(b32);
}

/* Encrypts len bytes of a pattern; checks the size and the round trip. */
static void
blob_round_trip(const struct crypto_dek *dek, size_t len, struct buf *sealed)
{
	unsigned char *plain = malloc(len + 1);
	struct buf out;

	for (size_t i = 0; i < len; i++)
		plain[i] = (unsigned char)(i * 7 + 3);
	buf_init(sealed, 0);
	assert_true(crypto_blob_encrypt(dek, rec, plain, len, sealed));
	assert_int_equal(sealed->len, crypto_blob_size(len));
	buf_init(&out, 0);
	assert_true(
		crypto_blob_decrypt(dek, rec, sealed->p, sealed->len, &out));
	assert_int_equal(out.len, len);
	if (len)
		assert_memory_equal(out.p, plain, len);
	crypto_wipe_buf(&out);
	free(plain);
}

static bool
opens(const struct crypto_dek *dek, const char *record, const void *p,
      size_t len)
{
	struct buf out;
	bool ok;

	buf_init(&out, 0);
	ok = crypto_blob_decrypt(dek, record, p, len, &out);
	if (!ok)
		assert_int_equal(out.len, 0); /* nothing half-decrypted */
	crypto_wipe_buf(&out);
	return ok;
}

static void
blobs_open_whole_unchanged_and_only_for_their_record(void **state)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 200000 };
	struct crypto_dek *dek = crypto_dek_new(), *other = crypto_dek_new();
	const size_t chunk = 65536 + 17;
	struct buf b, capped;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		blob_round_trip(dek, sizes[i], &b);
		buf_release(&b);
	}
	blob_round_trip(dek, 200000, &b); /* 4 chunks: 3 full, 1 short */
	assert_false(opens(other, rec, b.p, b.len));
	assert_false(opens(dek, "another-record", b.p, b.len));
	/* Cut after a full chunk: no final tag. */
	assert_false(opens(dek, rec, b.p, 6 + 24 + chunk));
	assert_false(opens(dek, rec, b.p, b.len - 1));
	assert_false(opens(dek, rec, b.p, 10));
	/* Anything after the end. */
	buf_add(&b, "x", 1);
	assert_false(opens(dek, rec, b.p, b.len));
	b.len--;
	/* One changed byte in the middle. */
	b.p[6 + 24 + chunk + 100] ^= 0x20;
	assert_false(opens(dek, rec, b.p, b.len));
	b.p[6 + 24 + chunk + 100] ^= 0x20;
	assert_true(opens(dek, rec, b.p, b.len));
	/* Two chunks swapped. */
	{
		char *tmp = malloc(chunk);

		memcpy(tmp, b.p + 30, chunk);
		memcpy(b.p + 30, b.p + 30 + chunk, chunk);
		memcpy(b.p + 30 + chunk, tmp, chunk);
		free(tmp);
		assert_false(opens(dek, rec, b.p, b.len));
	}
	/* Output past its cap is refused and leaves nothing behind. */
	buf_init(&capped, 1000);
	assert_false(crypto_blob_encrypt(dek, rec, b.p, 5000, &capped));
	assert_int_equal(capped.len, 0);
	buf_release(&capped);
	buf_release(&b);
	crypto_dek_free(dek);
	crypto_dek_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			keyring_is_private_and_reopens_to_the_same_keys, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			keyring_refuses_exposed_damaged_or_missing_files, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			data_keys_wrap_for_one_record_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
			fields_decrypt_only_in_their_record_and_field, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			rotation_keeps_old_keys_and_rewraps, setup, teardown),
		cmocka_unit_test_setup_teardown(
			totp_codes_check_once_per_step_and_user, setup,
			teardown),
		cmocka_unit_test(
			blobs_open_whole_unchanged_and_only_for_their_record),
	};

	if (!crypto_init())
		return 1;
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}

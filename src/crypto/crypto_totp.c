/*
 * Sealed secrets and TOTP (RFC 6238 through liboath).  A TOTP secret is
 * key material, so it lives only here: other modules hold it sealed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>

#include "base/mem.h"
#include "crypto/crypto_int.h"

enum {
	PURPOSE_SEAL = 200, /* + enum crypto_purpose */
	SEAL_NONCE = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	SEAL_TAG = crypto_aead_xchacha20poly1305_ietf_ABYTES,
	TOTP_SECRET = 20, /* bytes: 160 bits, as RFC 4226 recommends */
	TOTP_DIGITS = 6,
	TOTP_STEP = 30,
	TOTP_WINDOW = 1, /* steps either side, for clock drift */
};

static void
seal_ad(struct buf *ad, enum crypto_purpose purpose, const char *record_id)
{
	buf_init(ad, 0);
	buf_printf(ad, "atip-seal%c%d%c%s", 0, (int)purpose, 0, record_id);
}

char *
crypto_seal(const struct crypto_keyring *kr, enum crypto_purpose purpose,
	    const char *record_id, const void *p, size_t len)
{
	size_t n = SEAL_NONCE + len + SEAL_TAG;
	unsigned char key[CRYPTO_KEY_LEN], *out = xmalloc(n);
	size_t tlen = sodium_base64_ENCODED_LEN(n, B64URL);
	char *text = xmalloc(tlen + 16);
	struct buf ad;
	int plen;

	crypto_derive(crypto_root(kr, kr->primary), PURPOSE_SEAL + purpose,
		      key);
	randombytes_buf(out, SEAL_NONCE);
	seal_ad(&ad, purpose, record_id);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEAL_NONCE, NULL, p,
						   len, (unsigned char *)ad.p,
						   ad.len, NULL, out, key);
	sodium_memzero(key, sizeof(key));
	buf_release(&ad);
	plen = snprintf(text, 16, "s%u.", kr->primary);
	sodium_bin2base64(text + plen, tlen, out, n, B64URL);
	free(out);
	return text;
}

bool
crypto_unseal(const struct crypto_keyring *kr, enum crypto_purpose purpose,
	      const char *record_id, const char *text, struct buf *out)
{
	unsigned char key[CRYPTO_KEY_LEN], *bin, *plain;
	const unsigned char *root;
	const char *dot = text ? strchr(text, '.') : NULL;
	uint32_t version;
	size_t cap, len;
	struct buf ad;
	bool ok;

	buf_init(out, 0);
	version = crypto_sealed_version(text);
	root = version ? crypto_root(kr, (uint32_t)version) : NULL;
	if (!root)
		return false;
	cap = strlen(dot + 1);
	bin = xmalloc(cap + 1);
	if (sodium_base642bin(bin, cap, dot + 1, cap, NULL, &len, NULL,
			      B64URL) ||
	    len < SEAL_NONCE + SEAL_TAG) {
		free(bin);
		return false;
	}
	crypto_derive(root, PURPOSE_SEAL + purpose, key);
	plain = sodium_malloc(len - SEAL_NONCE - SEAL_TAG + 1);
	if (!plain)
		abort();
	seal_ad(&ad, purpose, record_id);
	ok = crypto_aead_xchacha20poly1305_ietf_decrypt(
		     plain, NULL, NULL, bin + SEAL_NONCE, len - SEAL_NONCE,
		     (unsigned char *)ad.p, ad.len, bin, key) == 0;
	if (ok)
		buf_add(out, plain, len - SEAL_NONCE - SEAL_TAG);
	sodium_memzero(key, sizeof(key));
	sodium_free(plain);
	buf_release(&ad);
	free(bin);
	return ok;
}

uint32_t
crypto_sealed_version(const char *text)
{
	char *end;
	unsigned long v;

	if (!text || text[0] != 's' || text[1] < '1' || text[1] > '9')
		return 0;
	v = strtoul(text + 1, &end, 10);
	return *end == '.' && v <= UINT32_MAX ? (uint32_t)v : 0;
}

char *
crypto_reseal(const struct crypto_keyring *kr, enum crypto_purpose purpose,
	      const char *record_id, const char *text)
{
	struct buf plain;
	char *out;

	if (crypto_sealed_version(text) == kr->primary ||
	    !crypto_unseal(kr, purpose, record_id, text, &plain))
		return NULL;
	out = crypto_seal(kr, purpose, record_id, plain.p, plain.len);
	crypto_wipe_buf(&plain);
	return out;
}

bool
crypto_totp_new(const struct crypto_keyring *kr, const char *user_id,
		char **sealed, char **base32)
{
	unsigned char secret[TOTP_SECRET];
	size_t len;

	randombytes_buf(secret, sizeof(secret));
	*base32 = NULL;
	if (oath_base32_encode((const char *)secret, sizeof(secret), base32,
			       &len) != OATH_OK) {
		sodium_memzero(secret, sizeof(secret));
		return false;
	}
	*sealed = crypto_seal(kr, CRYPTO_TOTP, user_id, secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	return true;
}

bool
crypto_totp_check(const struct crypto_keyring *kr, const char *user_id,
		  const char *sealed, const char *code, int64_t now_s,
		  long long *step)
{
	struct buf secret;
	uint64_t counter = 0;
	int pos, rc;

	if (!code || strlen(code) != TOTP_DIGITS ||
	    strspn(code, "0123456789") != TOTP_DIGITS)
		return false;
	if (!crypto_unseal(kr, CRYPTO_TOTP, user_id, sealed, &secret))
		return false;
	rc = oath_totp_validate4(secret.p, secret.len, (time_t)now_s, TOTP_STEP,
				 OATH_TOTP_DEFAULT_START_TIME, TOTP_WINDOW,
				 &pos, &counter, 0, code);
	crypto_wipe_buf(&secret);
	if (rc < 0)
		return false;
	*step = (long long)counter;
	return true;
}

bool
crypto_totp_code(const struct crypto_keyring *kr, const char *user_id,
		 const char *sealed, int64_t now_s, char code[7])
{
	struct buf secret;
	int rc;

	if (!crypto_unseal(kr, CRYPTO_TOTP, user_id, sealed, &secret))
		return false;
	rc = oath_totp_generate2(secret.p, secret.len, (time_t)now_s, TOTP_STEP,
				 OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, 0,
				 code);
	crypto_wipe_buf(&secret);
	return rc == OATH_OK;
}

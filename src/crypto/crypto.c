/* Data keys, field encryption, blind indexes, MACs and signatures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "crypto/crypto_int.h"

/* Purpose numbers of derived keys beyond enum crypto_purpose. */
enum { PURPOSE_WRAP = 100 };

enum {
	NONCE = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	TAG = crypto_aead_xchacha20poly1305_ietf_ABYTES,
	WRAPPED = NONCE + CRYPTO_KEY_LEN + TAG,
	INDEX_BYTES = 30,
};

struct crypto_dek *
crypto_dek_new(void)
{
	struct crypto_dek *dek = sodium_malloc(sizeof(*dek));

	if (!dek)
		abort();
	crypto_aead_xchacha20poly1305_ietf_keygen(dek->key);
	return dek;
}

void
crypto_dek_free(struct crypto_dek *dek)
{
	if (dek)
		sodium_free(dek);
}

/* Additional data: a label, then NUL-separated parts. */
static size_t
make_ad(struct buf *ad, const char *label, const char *a, const char *b)
{
	buf_init(ad, 0);
	buf_add(ad, label, strlen(label) + 1);
	buf_add(ad, a, strlen(a) + 1);
	if (b)
		buf_add(ad, b, strlen(b) + 1);
	return ad->len;
}

static char *
to_text(const char *prefix, const unsigned char *bin, size_t len)
{
	size_t plen = strlen(prefix),
	       n = sodium_base64_ENCODED_LEN(len, B64URL);
	char *out = xmalloc(plen + n);

	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, n, bin, len, B64URL);
	return out;
}

/* Decodes the base64 after prefix into a heap buffer; NULL if malformed. */
static unsigned char *
from_text(const char *text, size_t skip, size_t *len)
{
	size_t tlen = strlen(text + skip), cap = tlen * 3 / 4 + 1;
	unsigned char *bin = xmalloc(cap);

	if (sodium_base642bin(bin, cap, text + skip, tlen, NULL, len, NULL,
			      B64URL)) {
		free(bin);
		return NULL;
	}
	return bin;
}

uint32_t
crypto_dek_version(const char *wrapped)
{
	char *end;
	unsigned long v;

	if (!wrapped || wrapped[0] != 'k' || wrapped[1] < '1' ||
	    wrapped[1] > '9')
		return 0;
	v = strtoul(wrapped + 1, &end, 10);
	return *end == '.' && v <= UINT32_MAX ? (uint32_t)v : 0;
}

static char *
wrap(const struct crypto_keyring *kr, const unsigned char *key,
     const char *record_id)
{
	unsigned char kek[CRYPTO_KEY_LEN], out[WRAPPED];
	char prefix[16];
	struct buf ad;
	char *text;

	crypto_derive(crypto_root(kr, kr->primary), PURPOSE_WRAP, kek);
	randombytes_buf(out, NONCE);
	make_ad(&ad, "atip-dek", record_id, NULL);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + NONCE, NULL, key,
						   CRYPTO_KEY_LEN,
						   (unsigned char *)ad.p,
						   ad.len, NULL, out, kek);
	sodium_memzero(kek, sizeof(kek));
	buf_release(&ad);
	snprintf(prefix, sizeof(prefix), "k%u.", kr->primary);
	text = to_text(prefix, out, sizeof(out));
	return text;
}

char *
crypto_dek_wrap(const struct crypto_keyring *kr, const struct crypto_dek *dek,
		const char *record_id)
{
	return wrap(kr, dek->key, record_id);
}

struct crypto_dek *
crypto_dek_unwrap(const struct crypto_keyring *kr, const char *wrapped,
		  const char *record_id)
{
	uint32_t version = crypto_dek_version(wrapped);
	const unsigned char *root = version ? crypto_root(kr, version) : NULL;
	unsigned char kek[CRYPTO_KEY_LEN], *bin;
	struct crypto_dek *dek;
	struct buf ad;
	size_t len;
	int rc;

	if (!root)
		return NULL;
	bin = from_text(wrapped, strchr(wrapped, '.') - wrapped + 1, &len);
	if (!bin || len != WRAPPED) {
		free(bin);
		return NULL;
	}
	crypto_derive(root, PURPOSE_WRAP, kek);
	dek = sodium_malloc(sizeof(*dek));
	if (!dek)
		abort();
	make_ad(&ad, "atip-dek", record_id, NULL);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
		dek->key, NULL, NULL, bin + NONCE, WRAPPED - NONCE,
		(unsigned char *)ad.p, ad.len, bin, kek);
	sodium_memzero(kek, sizeof(kek));
	buf_release(&ad);
	free(bin);
	if (rc != 0) {
		sodium_free(dek);
		return NULL;
	}
	return dek;
}

char *
crypto_dek_rewrap(const struct crypto_keyring *kr, const char *wrapped,
		  const char *record_id)
{
	struct crypto_dek *dek = crypto_dek_unwrap(kr, wrapped, record_id);
	char *text;

	if (!dek)
		return NULL;
	text = wrap(kr, dek->key, record_id);
	sodium_free(dek);
	return text;
}

char *
crypto_field_encrypt(const struct crypto_dek *dek, const char *record_id,
		     const char *field, const void *p, size_t len)
{
	unsigned char *out = xmalloc(NONCE + len + TAG);
	struct buf ad;
	char *text;

	randombytes_buf(out, NONCE);
	make_ad(&ad, "atip-field", record_id, field);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + NONCE, NULL, p, len,
						   (unsigned char *)ad.p,
						   ad.len, NULL, out, dek->key);
	buf_release(&ad);
	text = to_text("f1.", out, NONCE + len + TAG);
	free(out);
	return text;
}

bool
crypto_field_decrypt(const struct crypto_dek *dek, const char *record_id,
		     const char *field, const char *text, struct buf *out)
{
	unsigned char *bin, *plain;
	struct buf ad;
	size_t len;
	bool ok;

	buf_init(out, 0);
	if (strncmp(text, "f1.", 3))
		return false;
	bin = from_text(text, 3, &len);
	if (!bin || len < NONCE + TAG) {
		free(bin);
		return false;
	}
	plain = sodium_malloc(len - NONCE - TAG + 1);
	if (!plain)
		abort();
	make_ad(&ad, "atip-field", record_id, field);
	ok = crypto_aead_xchacha20poly1305_ietf_decrypt(
		     plain, NULL, NULL, bin + NONCE, len - NONCE,
		     (unsigned char *)ad.p, ad.len, bin, dek->key) == 0;
	/* One allocation in out: no stray copies of the plaintext. */
	if (ok)
		buf_add(out, plain, len - NONCE - TAG);
	sodium_free(plain);
	buf_release(&ad);
	free(bin);
	return ok;
}

/* Purpose keys derive from the first root key, so they never change. */
static void
purpose_key(const struct crypto_keyring *kr, enum crypto_purpose purpose,
	    unsigned char key[CRYPTO_KEY_LEN])
{
	crypto_derive(kr->roots[0], (uint64_t)purpose, key);
}

void
crypto_blind_index(const struct crypto_keyring *kr, const char *kind,
		   const void *p, size_t len, char out[CRYPTO_INDEX_LEN])
{
	unsigned char key[CRYPTO_KEY_LEN], h[INDEX_BYTES];
	crypto_generichash_state st;

	purpose_key(kr, CRYPTO_BLIND_INDEX, key);
	crypto_generichash_init(&st, key, sizeof(key), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)kind,
				  strlen(kind) + 1);
	crypto_generichash_update(&st, p, len);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_memzero(key, sizeof(key));
	memcpy(out, "b1.", 3);
	sodium_bin2base64(out + 3, CRYPTO_INDEX_LEN - 3, h, sizeof(h), B64URL);
}

void
crypto_mac(const struct crypto_keyring *kr, enum crypto_purpose purpose,
	   const void *msg, size_t len, unsigned char out[CRYPTO_MAC_LEN])
{
	unsigned char key[CRYPTO_KEY_LEN];

	purpose_key(kr, purpose, key);
	crypto_auth_hmacsha256(out, msg, len, key);
	sodium_memzero(key, sizeof(key));
}

void
crypto_sign_msg(const struct crypto_keyring *kr, const void *msg, size_t len,
		unsigned char sig[CRYPTO_SIG_LEN])
{
	crypto_sign_detached(sig, NULL, msg, len, kr->sign_sk);
}

void
crypto_sign_public(const struct crypto_keyring *kr,
		   unsigned char pub[CRYPTO_PUBLIC_LEN])
{
	memcpy(pub, kr->sign_pk, CRYPTO_PUBLIC_LEN);
}

bool
crypto_verify_msg(const unsigned char pub[CRYPTO_PUBLIC_LEN], const void *msg,
		  size_t len, const unsigned char sig[CRYPTO_SIG_LEN])
{
	return crypto_sign_verify_detached(sig, msg, len, pub) == 0;
}

void
crypto_wipe_buf(struct buf *b)
{
	if (b->p)
		sodium_memzero(b->p, b->cap);
	buf_release(b);
}

void
crypto_wipe_str(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

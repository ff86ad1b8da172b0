/* The keys and the keyed hash of linkage encodings (crypto.h). */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

struct crypto_link_key {
	unsigned char key[CRYPTO_KEY_LEN];
};

struct crypto_link_field {
	crypto_generichash_state start; /* keyed, ready for a token */
};

static struct crypto_link_key *
key_new(void)
{
	struct crypto_link_key *k = sodium_malloc(sizeof(*k));

	if (!k)
		abort();
	return k;
}

struct crypto_link_key *
crypto_link_key_platform(const struct crypto_keyring *kr)
{
	struct crypto_link_key *k = key_new();

	crypto_derive(kr->roots[0], CRYPTO_LINKAGE, k->key);
	return k;
}

struct crypto_link_key *
crypto_link_key_random(void)
{
	struct crypto_link_key *k = key_new();

	randombytes_buf(k->key, sizeof(k->key));
	return k;
}

struct crypto_link_key *
crypto_link_key_secret(const void *p, size_t len)
{
	static const unsigned char salt[crypto_pwhash_SALTBYTES] =
		"atip-linkage-v1";
	struct crypto_link_key *k = key_new();

	if (crypto_pwhash(k->key, sizeof(k->key), p, len, salt,
			  crypto_pwhash_OPSLIMIT_INTERACTIVE,
			  crypto_pwhash_MEMLIMIT_INTERACTIVE,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		abort(); /* out of memory */
	return k;
}

void
crypto_link_key_free(struct crypto_link_key *k)
{
	sodium_free(k);
}

struct crypto_link_field *
crypto_link_field_new(const struct crypto_link_key *k, const char *name)
{
	struct crypto_link_field *f = sodium_malloc(sizeof(*f));
	unsigned char sub[CRYPTO_KEY_LEN];

	if (!f)
		abort();
	crypto_generichash_init(&f->start, k->key, sizeof(k->key), sizeof(sub));
	crypto_generichash_update(&f->start, (const unsigned char *)name,
				  strlen(name) + 1);
	crypto_generichash_final(&f->start, sub, sizeof(sub));
	crypto_generichash_init(&f->start, sub, sizeof(sub),
				crypto_generichash_BYTES_MAX);
	sodium_memzero(sub, sizeof(sub));
	return f;
}

void
crypto_link_field_free(struct crypto_link_field *f)
{
	if (f)
		sodium_free(f);
}

void
crypto_link_positions(const struct crypto_link_field *f, const void *p,
		      size_t len, uint32_t bits, uint32_t *out, size_t n)
{
	enum { WORDS = crypto_generichash_BYTES_MAX / 4 };
	unsigned char h[crypto_generichash_BYTES_MAX];
	crypto_generichash_state st;
	size_t i = 0;
	unsigned char round = 0;

	while (i < n) {
		memcpy(&st, &f->start, sizeof(st));
		crypto_generichash_update(&st, p, len);
		crypto_generichash_update(&st, &round, 1);
		crypto_generichash_final(&st, h, sizeof(h));
		for (size_t w = 0; w < WORDS && i < n; w++, i++) {
			uint32_t v = (uint32_t)h[4 * w] |
				     (uint32_t)h[4 * w + 1] << 8 |
				     (uint32_t)h[4 * w + 2] << 16 |
				     (uint32_t)h[4 * w + 3] << 24;

			out[i] = (uint32_t)(((uint64_t)v * bits) >> 32);
		}
		round++;
	}
	sodium_memzero(&st, sizeof(st));
}

/* Internals of src/crypto: the keyring's layout in memory. */
#ifndef ATIP_CRYPTO_INT_H
#define ATIP_CRYPTO_INT_H

#include <sodium.h>

#include "crypto/crypto.h"

enum {
	CRYPTO_MAX_KEYS = 64,
	CRYPTO_KEY_LEN = 32,
	B64URL = sodium_base64_VARIANT_URLSAFE_NO_PADDING,
};

/* Lives in sodium_malloc memory (guarded, locked), read-only once loaded. */
struct crypto_keyring {
	uint32_t primary;
	uint32_t count;
	uint32_t versions[CRYPTO_MAX_KEYS];
	uint64_t created[CRYPTO_MAX_KEYS];
	unsigned char roots[CRYPTO_MAX_KEYS][CRYPTO_KEY_LEN];
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char sign_sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
};

/* A record's data key (sodium_malloc memory). */
struct crypto_dek {
	unsigned char key[CRYPTO_KEY_LEN];
};

/* Returns the root key of version, or NULL when the keyring lacks it. */
const unsigned char *crypto_root(const struct crypto_keyring *kr,
				 uint32_t version);

/* Derives the 32-byte key of a numbered purpose from a root key. */
void crypto_derive(const unsigned char *root, uint64_t purpose,
		   unsigned char out[CRYPTO_KEY_LEN]);

#endif

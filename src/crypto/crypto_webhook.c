/* Webhook secrets: made here, kept sealed, used here to sign. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "crypto/crypto_int.h"

#define PREFIX "whsec_"

bool
crypto_webhook_secret(const struct crypto_keyring *kr, const char *webhook_id,
		      char **sealed, char **shown)
{
	unsigned char raw[32];
	size_t n = sizeof(PREFIX) - 1 +
		   sodium_base64_ENCODED_LEN(sizeof(raw), B64URL);

	randombytes_buf(raw, sizeof(raw));
	*shown = xmalloc(n);
	memcpy(*shown, PREFIX, sizeof(PREFIX) - 1);
	sodium_bin2base64(*shown + sizeof(PREFIX) - 1, n - sizeof(PREFIX) + 1,
			  raw, sizeof(raw), B64URL);
	sodium_memzero(raw, sizeof(raw));
	*sealed = crypto_seal(kr, CRYPTO_WEBHOOK, webhook_id, *shown,
			      strlen(*shown));
	return *sealed != NULL;
}

bool
crypto_webhook_sign(const struct crypto_keyring *kr, const char *webhook_id,
		    const char *sealed, const void *msg, size_t len,
		    char hex[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	struct buf secret;

	if (!crypto_unseal(kr, CRYPTO_WEBHOOK, webhook_id, sealed, &secret))
		return false;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret.p,
				    secret.len);
	crypto_auth_hmacsha256_update(&st, msg, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
	crypto_wipe_buf(&secret);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
	return true;
}

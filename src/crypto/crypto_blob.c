/*
 * Files of sensitive records: libsodium's secretstream, so that a blob is
 * sealed chunk by chunk and a cut, a reordering or a missing end is caught
 * as surely as a changed byte.
 *
 * Layout: "atipb1" (6 bytes), the stream header, then chunks of at most
 * CHUNK plain bytes, each ABYTES longer once sealed; the last one carries
 * the FINAL tag (an empty blob is one empty final chunk).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

#define MAGIC "atipb1"

enum {
	MAGIC_LEN = sizeof(MAGIC) - 1,
	HEADER = crypto_secretstream_xchacha20poly1305_HEADERBYTES,
	ABYTES = crypto_secretstream_xchacha20poly1305_ABYTES,
	CHUNK = 64 * 1024,
};

/* Takes out back to was bytes, wiping what goes. */
static void
cut(struct buf *out, size_t was)
{
	if (out->len > was) {
		sodium_memzero(out->p + was, out->len - was);
		out->len = was;
	}
}

size_t
crypto_blob_size(size_t len)
{
	size_t chunks = len / CHUNK + 1; /* the last, possibly empty, one */

	if (len && len % CHUNK == 0)
		chunks--;
	return MAGIC_LEN + HEADER + len + chunks * ABYTES;
}

bool
crypto_blob_encrypt(const struct crypto_dek *dek, const char *record_id,
		    const void *p, size_t len, struct buf *out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char header[HEADER], sealed[CHUNK + ABYTES];
	const unsigned char *in = p;
	size_t done = 0, was = out->len;
	bool ok;

	crypto_secretstream_xchacha20poly1305_init_push(&st, header, dek->key);
	ok = buf_add(out, MAGIC, MAGIC_LEN) && buf_add(out, header, HEADER);
	do {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		unsigned char tag =
			done + n == len
				? crypto_secretstream_xchacha20poly1305_TAG_FINAL
				: 0;

		crypto_secretstream_xchacha20poly1305_push(
			&st, sealed, NULL, in + done, n,
			(const unsigned char *)record_id, strlen(record_id),
			tag);
		ok = ok && buf_add(out, sealed, n + ABYTES);
		done += n;
	} while (ok && done < len);
	sodium_memzero(&st, sizeof(st));
	if (!ok)
		cut(out, was);
	return ok;
}

bool
crypto_blob_decrypt(const struct crypto_dek *dek, const char *record_id,
		    const void *p, size_t len, struct buf *out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	const unsigned char *in = p;
	unsigned char *plain, tag = 0;
	size_t at = MAGIC_LEN + HEADER, was = out->len;
	bool ok = true;

	if (len < MAGIC_LEN + HEADER + ABYTES || memcmp(in, MAGIC, MAGIC_LEN) ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, in + MAGIC_LEN,
							    dek->key) != 0)
		return false;
	plain = sodium_malloc(CHUNK);
	if (!plain)
		abort();
	while (ok && at < len &&
	       tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		size_t n = len - at < CHUNK + ABYTES ? len - at
						     : CHUNK + ABYTES;
		unsigned long long got;

		ok = n >= ABYTES &&
		     crypto_secretstream_xchacha20poly1305_pull(
			     &st, plain, &got, &tag, in + at, n,
			     (const unsigned char *)record_id,
			     strlen(record_id)) == 0 &&
		     buf_add(out, plain, (size_t)got);
		at += n;
	}
	/* The final chunk must be there, and nothing after it. */
	ok = ok && tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
	     at == len;
	sodium_free(plain);
	sodium_memzero(&st, sizeof(st));
	if (!ok)
		cut(out, was);
	return ok;
}

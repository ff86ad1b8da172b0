#include "auth/auth_password.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "base/mem.h"
#include "base/text.h"

/* Generated from data/passwords/john-password.lst by the build. */
extern const char *const auth_blocklist[];
extern const size_t auth_nblocklist;

static char **folded; /* the blocklist, NFKC-casefolded and sorted */
static size_t nfolded;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static sem_t slots; /* hashes allowed to run at once */

/* NFKC + case folding of valid UTF-8; returns heap text, NULL if invalid. */
static char *
fold(const char *p, size_t len, size_t *outlen)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *n = unorm2_getNFKCCasefoldInstance(&e);
	UChar *u, *f;
	int32_t ulen = 0, flen, olen = 0;
	char *out;

	if (U_FAILURE(e) || len > 4 * AUTH_PASSWORD_MAX)
		return NULL;
	u_strFromUTF8(NULL, 0, &ulen, p, (int32_t)len, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return NULL;
	e = U_ZERO_ERROR;
	u = xmalloc(((size_t)ulen + 1) * sizeof(UChar));
	u_strFromUTF8(u, ulen + 1, NULL, p, (int32_t)len, &e);
	flen = unorm2_normalize(n, u, ulen, NULL, 0, &e);
	e = U_ZERO_ERROR;
	f = xmalloc(((size_t)flen + 1) * sizeof(UChar));
	unorm2_normalize(n, u, ulen, f, flen + 1, &e);
	u_strToUTF8(NULL, 0, &olen, f, flen, &e);
	e = U_ZERO_ERROR;
	out = xmalloc((size_t)olen + 1);
	u_strToUTF8(out, olen + 1, NULL, f, flen, &e);
	sodium_memzero(u, ((size_t)ulen + 1) * sizeof(UChar));
	sodium_memzero(f, ((size_t)flen + 1) * sizeof(UChar));
	free(u);
	free(f);
	if (U_FAILURE(e)) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)olen;
	return out;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
init(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t len;

	folded = xcalloc(auth_nblocklist, sizeof(*folded));
	for (size_t i = 0; i < auth_nblocklist; i++) {
		char *f = fold(auth_blocklist[i], strlen(auth_blocklist[i]),
			       &len);

		if (f)
			folded[nfolded++] = f;
	}
	qsort(folded, nfolded, sizeof(*folded), cmp);
	sem_init(&slots, 0, cores > 0 ? (unsigned)cores : 1);
}

static bool
blocked(const char *s, size_t len)
{
	char *key = xstrndup(s, len);
	bool found = bsearch(&key, folded, nfolded, sizeof(*folded), cmp);

	sodium_memzero(key, len);
	free(key);
	return found;
}

/* True when s is its first d bytes repeated. */
static bool
repeats(const char *s, size_t len, size_t d)
{
	for (size_t i = d; i < len; i++)
		if (s[i] != s[i - d])
			return false;
	return true;
}

static size_t
characters(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)p[i] & 0xc0) != 0x80;
	return n;
}

const char *
auth_password_check(const char *pw, size_t len, bool totp_enrolled)
{
	size_t chars, flen,
		min = totp_enrolled ? AUTH_PASSWORD_MIN_TOTP
				    : AUTH_PASSWORD_MIN;
	const char *why = NULL;
	char *nfc, *f;
	size_t nfclen;

	pthread_once(&once, init);
	switch (text_nfc(pw, len, &nfc, &nfclen)) {
	case TEXT_INVALID: return "The password is not valid UTF-8.";
	case TEXT_CHANGED: chars = characters(nfc, nfclen); break;
	default: chars = characters(pw, len); break;
	}
	if (nfc) {
		sodium_memzero(nfc, nfclen);
		free(nfc);
	}
	if (chars < min)
		return totp_enrolled
			       ? "The password needs at least 8 characters."
			       : "The password needs at least 15 "
				 "characters.";
	if (chars > AUTH_PASSWORD_MAX)
		return "The password may have at most 128 characters.";
	f = fold(pw, len, &flen);
	if (!f)
		return "The password is not valid UTF-8.";
	if (blocked(f, flen))
		why = "The password is too common.";
	for (size_t d = 1; !why && d <= flen / 2; d++)
		if (flen % d == 0 && repeats(f, flen, d) &&
		    (d == 1 || blocked(f, d)))
			why = "The password repeats a common word.";
	sodium_memzero(f, flen);
	free(f);
	return why;
}

/*
 * Passwords are hashed and checked in NFC, so the same password typed on
 * systems that compose characters differently still matches.
 */
static int
with_nfc(const char *pw, size_t len, const char *stored,
	 char out[AUTH_HASH_MAX])
{
	char *nfc = NULL;
	size_t nlen = 0;
	int rc;

	if (text_nfc(pw, len, &nfc, &nlen) == TEXT_CHANGED) {
		pw = nfc;
		len = nlen;
	}
	pthread_once(&once, init);
	while (sem_wait(&slots) != 0)
		;
	rc = stored ? crypto_pwhash_str_verify(stored, pw, len)
		    : crypto_pwhash_str(out, pw, len,
					crypto_pwhash_OPSLIMIT_INTERACTIVE,
					crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(&slots);
	if (nfc) {
		sodium_memzero(nfc, nlen);
		free(nfc);
	}
	return rc;
}

bool
auth_password_hash(const char *pw, size_t len, char out[AUTH_HASH_MAX])
{
	return with_nfc(pw, len, NULL, out) == 0;
}

bool
auth_password_verify(const char *stored, const char *pw, size_t len)
{
	return with_nfc(pw, len, stored, NULL) == 0;
}

bool
auth_password_needs_rehash(const char *stored)
{
	return crypto_pwhash_str_needs_rehash(
		       stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

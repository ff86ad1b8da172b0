/*
 * SimHash (Charikar 2002) of an ad's text.  The text is NFKC case folded
 * and cut into words (letters, marks and digits; digits of every script
 * made ASCII); each word and each run of three words is a feature, hashed
 * with BLAKE2b (libsodium's generic hash, 16 bytes of which the first 8
 * count, little-endian).  Bit i of the SimHash is set when more features
 * have bit i set than clear.  Changing one word of an ad changes four
 * features of many, so near duplicates differ in a few bits.
 */
#include "intel/intel_norm_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* Text beyond TEXT_MAX bytes is not read; a word keeps WORD_MAX bytes. */
enum { TEXT_MAX = 100000, WORD_MAX = 64 };

struct simhash {
	int32_t votes[64];
	char words[3][WORD_MAX + 1]; /* the last three, oldest first */
	size_t nwords;
};

static void
feature(struct simhash *s, const void *p, size_t n)
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	uint64_t v = 0;

	crypto_generichash(h, sizeof(h), p, n, NULL, 0);
	for (int i = 7; i >= 0; i--)
		v = v << 8 | h[i];
	for (int i = 0; i < 64; i++)
		s->votes[i] += (v >> i & 1) ? 1 : -1;
}

static void
word(struct simhash *s, const char *w, size_t n)
{
	char shingle[3 * (WORD_MAX + 1)];
	int len;

	memmove(s->words[0], s->words[1], sizeof(s->words[0]) * 2);
	memcpy(s->words[2], w, n);
	s->words[2][n] = '\0';
	s->nwords++;
	feature(s, w, n);
	if (s->nwords < 3)
		return;
	/* A unit separator cannot be part of a word. */
	len = snprintf(shingle, sizeof(shingle), "%s\x1f%s\x1f%s", s->words[0],
		       s->words[1], s->words[2]);
	feature(s, shingle, (size_t)len);
}

static bool
word_char(UChar32 c)
{
	return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) ||
	       c == 0x200C || c == 0x200D;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const UNormalizer2 *folding;

static void
setup(void)
{
	UErrorCode e = U_ZERO_ERROR;

	folding = unorm2_getNFKCCasefoldInstance(&e);
	if (U_FAILURE(e) || sodium_init() < 0)
		abort(); /* ICU's data or libsodium missing: a broken install */
}

uint64_t
intel_simhash_words(const char *text, size_t *words)
{
	struct simhash s = { { 0 }, { "" }, 0 };
	UErrorCode e = U_ZERO_ERROR;
	UChar *src, *dst;
	int32_t n, len, i = 0;
	size_t tn = strnlen(text, TEXT_MAX), all = strlen(text);
	char w[WORD_MAX + 4];
	size_t wn = 0;
	uint64_t h = 0;

	*words = 0;
	pthread_once(&once, setup);
	/* Cut at a character's start (an incomplete one is dropped). */
	while (tn > 0 && tn < all && (text[tn] & 0xC0) == 0x80)
		tn--;
	src = malloc((tn + 1) * sizeof(UChar));
	if (!src)
		abort();
	u_strFromUTF8Lenient(src, (int32_t)tn + 1, &n, text, (int32_t)tn, &e);
	len = U_SUCCESS(e) ? unorm2_normalize(folding, src, n, NULL, 0, &e) : 0;
	if (e == U_BUFFER_OVERFLOW_ERROR)
		e = U_ZERO_ERROR;
	dst = malloc(((size_t)len + 1) * sizeof(UChar));
	if (!dst)
		abort();
	if (U_SUCCESS(e))
		len = unorm2_normalize(folding, src, n, dst, len + 1, &e);
	if (U_FAILURE(e))
		len = 0;
	while (i <= len) {
		UChar32 c = ' ';
		int32_t d;

		if (i < len)
			U16_NEXT(dst, i, len, c);
		else
			i++;
		if (word_char(c)) {
			d = u_charDigitValue(c);
			if (d >= 0 && d <= 9)
				c = '0' + d;
			if (wn + U8_LENGTH(c) <= WORD_MAX) {
				bool bad = false;

				U8_APPEND((uint8_t *)w, wn, WORD_MAX, c, bad);
				(void)bad;
			}
			continue;
		}
		if (wn) {
			word(&s, w, wn);
			wn = 0;
		}
	}
	free(src);
	free(dst);
	*words = s.nwords;
	for (int b = 0; b < 64; b++)
		if (s.votes[b] > 0)
			h |= (uint64_t)1 << b;
	return h;
}

uint64_t
intel_simhash(const char *text)
{
	size_t words;

	return text ? intel_simhash_words(text, &words) : 0;
}

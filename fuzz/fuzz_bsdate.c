/*
 * Bikram Sambat dates: bs_to_ad() and ad_to_bs() on any bytes.  A BS date
 * taken converts back to itself (in ASCII digits), and so does an AD date.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/bsdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Copies a BS date that was taken with its Devanagari digits made ASCII. */
static void
ascii_digits(const char *in, char out[11])
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;

	while (*p) {
		assert(n < 10);
		if (*p == 0xe0) {
			assert(p[1] == 0xa5 && p[2] >= 0xa6 && p[2] <= 0xaf);
			out[n++] = (char)('0' + p[2] - 0xa6);
			p += 3;
		} else {
			out[n++] = (char)*p++;
		}
	}
	assert(n == 10);
	out[n] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), ad[11], bs[11], want[11];

	memcpy(s, data, size);
	s[size] = '\0';
	if (bs_to_ad(s, ad)) {
		ascii_digits(s, want);
		assert(ad_to_bs(ad, bs) && !strcmp(bs, want));
	}
	if (ad_to_bs(s, bs)) {
		assert(bs_to_ad(bs, ad) && !strcmp(ad, s));
		assert(ad_to_bs(ad, want) && !strcmp(want, bs));
	}
	free(s);
	return 0;
}

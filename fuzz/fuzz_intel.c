/*
 * The indicator normalisers, the SimHash and extraction on any bytes.  The
 * first byte picks the type (low 4 bits: intel_type, 13 and above
 * extraction) and the region or qualifier (high 4 bits); the rest is the
 * value.  A key must be non-empty printable text without spaces (an ad's is
 * 16 hex digits) and normalise to itself where the type is idempotent; a
 * refusal must give a reason; extraction's findings must lie in the text
 * and normalise to their keys.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel_norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const regions[] = { NULL, "IN", "NP", "LK", "BD" };
static const char *const qualifiers[] = {
	"instagram", "facebook", "x",	      "tiktok", "youtube",  "telegram",
	"snapchat",  "linkedin", "sharechat", "moj",	"whatsapp", "signal",
	"imo",	     "btc",	 "eth",	      "trx"
};

static void
check_key(enum intel_type t, const char *q, const char *region,
	  const struct buf *out)
{
	struct buf again;
	const char *why = NULL;

	assert(out->len > 0 && strlen(out->p) == out->len);
	for (size_t i = 0; i < out->len; i++)
		assert((unsigned char)out->p[i] > 0x20 || t == INTEL_NAME);
	if (t == INTEL_AD)
		assert(out->len == 16);
	/* Idempotent: a key read again is itself. */
	if (t == INTEL_PHONE || t == INTEL_EMAIL || t == INTEL_URL ||
	    t == INTEL_DOMAIN || t == INTEL_UPI || t == INTEL_IP ||
	    t == INTEL_PLATE) {
		buf_init(&again, 0);
		if (!intel_normalise(t, out->p, q, region, &again, &why))
			abort();
		assert(!strcmp(again.p, out->p));
		buf_release(&again);
	}
}

static void
extract(const char *text, const char *region)
{
	struct intel_found f[INTEL_TYPE_COUNT * 4];
	struct arena a;
	struct buf b;
	size_t n;

	arena_init(&a);
	buf_init(&b, 0);
	n = intel_extract(text, region, &a, f, sizeof(f) / sizeof(f[0]));
	assert(n <= sizeof(f) / sizeof(f[0]));
	for (size_t i = 0; i < n; i++) {
		assert(f[i].offset + f[i].length <= strlen(text));
		assert(!memcmp(text + f[i].offset, f[i].value, f[i].length));
		assert(f[i].key && *f[i].key);
		if (f[i].type != INTEL_BANK) {
			assert(intel_normalise(f[i].type, f[i].value,
					       f[i].qualifier, region, &b,
					       NULL));
			assert(!strcmp(b.p, f[i].key));
		}
	}
	buf_release(&b);
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *region, *q, *why = NULL;
	enum intel_type t;
	struct buf out;
	char *s;

	if (size < 1)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	t = (enum intel_type)(data[0] & 15);
	region = regions[(data[0] >> 4) % 5];
	q = qualifiers[data[0] >> 4];
	if (t >= INTEL_TYPE_COUNT) {
		extract(s, region);
		(void)intel_simhash(s);
		free(s);
		return 0;
	}
	buf_init(&out, 0);
	if (intel_normalise(t, s, q, region, &out, &why)) {
		check_key(t, q, region, &out);
	} else {
		/* A short static reason (none quotes the value: each is a
		 * literal, which a check on text would not tell). */
		assert(why && *why && strlen(why) < 80 && out.len == 0);
	}
	buf_release(&out);
	free(s);
	return 0;
}

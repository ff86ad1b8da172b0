/*
 * The small parsers of input fields: text_clean() (every text field of the
 * coordination records), RFC 3339 times and dates, and the CIDR list of
 * ATIP_WEBHOOK_ALLOW.  Clean text is NFC, free of refused characters and a
 * fixed point; a parsed time prints and parses back to itself.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "notify/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
clean(struct arena *a, const char *in, unsigned flags)
{
	const char *why = NULL, *out = text_clean(a, in, 300, flags, &why);
	const unsigned char *p;
	char *nfc;
	size_t len, i = 0, n = 0;

	if (!out) {
		assert(why && *why);
		return;
	}
	len = strlen(out);
	assert(text_nfc(out, len, &nfc, &len) == TEXT_OK && !nfc);
	p = (const unsigned char *)out;
	while (i < len) {
		uint32_t c = text_next_cp(p, &i);

		assert(!text_refused_cp(c) ||
		       (flags & TEXT_LINES && (c == '\n' || c == '\t')));
		n++;
	}
	assert(n <= 300);
	assert(!strcmp(text_clean(a, out, 300, flags, &why), out));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), back[TIME_RFC3339_LEN], date[11], err[128];
	struct arena a;
	int64_t ms, again;

	memcpy(s, data, size);
	s[size] = '\0';
	arena_init(&a);
	clean(&a, s, 0);
	clean(&a, s, TEXT_LINES);
	if (time_parse_rfc3339(s, &ms)) {
		time_rfc3339(ms, back, sizeof(back));
		assert(time_parse_rfc3339(back, &again) && again == ms);
	}
	if (time_parse_date(s, date))
		assert(!strcmp(date, s));
	if (!notify_webhook_allow(s, err, sizeof(err)))
		assert(*err);
	notify_webhook_allow("", err, sizeof(err));
	arena_release(&a);
	free(s);
	return 0;
}

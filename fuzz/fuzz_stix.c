/*
 * STIX import on any bytes.  A first byte below 8 makes the rest a
 * pattern: what the parser takes must be values it can write as a pattern
 * and read back the same.  Otherwise the input is a bundle: a refusal
 * returns nothing and names fields; what is taken must export as a bundle
 * that reads back as the same number of reports and indicators.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "intel/intel_stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ORG "01900000-0000-7000-8000-0000000000f0"

static void
pattern(const char *text)
{
	struct intel_stix_value *v, *w;
	const char **skipped, *why;
	size_t n, nskipped, m, at;
	struct arena a;
	struct buf out;

	arena_init(&a);
	buf_init(&out, 0);
	if (!intel_stix_pattern(text, &a, &v, &n, &skipped, &nskipped, &why,
				&at)) {
		assert(why && at <= strlen(text) && !v && !n);
		goto out;
	}
	for (size_t i = 0; i < nskipped; i++)
		assert(skipped[i] && *skipped[i]);
	for (size_t i = 0; i < n; i++) {
		struct intel_indicator ind = { .type = v[i].type,
					       .qualifier = v[i].qualifier,
					       .value = v[i].value };

		assert(v[i].value && *v[i].value && v[i].type != INTEL_NAME);
		assert(intel_stix_pattern_of(&ind, &out));
		assert(intel_stix_pattern(out.p, &a, &w, &m, &skipped,
					  &nskipped, &why, &at));
		assert(m == 1 && nskipped == 0);
		assert(w[0].type == v[i].type);
		assert(!strcmp(w[0].value, v[i].value));
		assert(!w[0].qualifier == !v[i].qualifier);
		assert(!v[i].qualifier ||
		       !strcmp(w[0].qualifier, v[i].qualifier));
	}
out:
	buf_release(&out);
	arena_release(&a);
}

/* Gives what was read ids, an owner and times, as stored reports have. */
static void
own(struct intel_report *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(r[i].id, sizeof(r[i].id),
			 "00000000-0000-4000-8000-%012zx", i);
		snprintf(r[i].share.owner_org, UUID_STR_LEN, "%s", ORG);
		for (size_t k = 0; k < r[i].nindicators; k++)
			snprintf(r[i].indicators[k].id, UUID_STR_LEN,
				 "00000000-0000-4000-9000-%06zx%06zx", i, k);
	}
}

static void
bundle(const char *text)
{
	static const struct intel_stix_org org = { ORG, "Fuzz org", NULL };
	struct intel_report *r, *back;
	struct intel_stix_skip *skipped;
	struct coord_errors errs = { 0 };
	size_t n, nskipped, m;
	struct arena a;
	json_t *doc = json_loads(text, 0, NULL), *out;
	enum err e;

	if (!doc)
		return;
	arena_init(&a);
	e = intel_stix_read(doc, &a, &r, &n, &skipped, &nskipped, &errs);
	json_decref(doc);
	if (e != ERR_OK) {
		assert(e == ERR_INVALID && errs.n > 0 && !r && !n && !skipped);
		for (int i = 0; i < errs.n; i++)
			assert(errs.v[i].field && errs.v[i].message &&
			       (!*errs.v[i].field || *errs.v[i].field == '/'));
		arena_release(&a);
		return;
	}
	assert(errs.n == 0);
	own(r, n);
	out = intel_stix_bundle(r, n, &org, 1);
	assert(out);
	e = intel_stix_read(out, &a, &back, &m, &skipped, &nskipped, &errs);
	assert(e == ERR_OK && m == n);
	for (size_t i = 0; i < n; i++) {
		assert(back[i].nindicators == r[i].nindicators);
		assert(back[i].nindicators <= INTEL_INDICATORS_MAX);
		assert(!strcmp(back[i].title, r[i].title));
		assert(back[i].share.tlp == r[i].share.tlp);
	}
	json_decref(out);
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char *s;

	if (!ready) {
		assert(crypto_init());
		ready = true;
	}
	if (size < 1)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] < 8)
		pattern(s);
	else
		bundle(s);
	free(s);
	return 0;
}

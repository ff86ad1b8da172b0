/*
 * Unit tests of STIX 2.1 exchange (src/intel/intel_stix*.c): an export
 * read back keeps every field STIX carries and never a person's name; the
 * official TLP 2.0 markings are copied exactly and ids are stable; the
 * pattern parser on escapes, nesting, qualifiers and refusals; every
 * official example bundle (tests/data/stix/examples) taken or refused as
 * expected; malformed bundles refused whole, with the field's JSON
 * pointer.  All data is fictional.  Run from the repository root.
 *
 * ATIP_STIX_EXPORT=<file> writes the exported bundle there, for checking
 * it against the official schemas (tests/api/stix_schema.mjs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "intel/intel_stix.h"

#define ORG_A "01900000-0000-7000-8000-00000000000a"
#define ORG_B "01900000-0000-7000-8000-00000000000b"

static struct intel_indicator
ind(const char *id, enum intel_type t, const char *qualifier, const char *value,
    const char *key, const char *note)
{
	struct intel_indicator x;

	memset(&x, 0, sizeof(x));
	snprintf(x.id, sizeof(x.id), "%s", id);
	x.type = t;
	x.qualifier = qualifier;
	x.value = value;
	x.key = key;
	x.note = note;
	snprintf(x.created_at, sizeof(x.created_at),
		 "2026-11-02T08:15:30.250Z");
	return x;
}

static const char *places[] = { "IN-MH", "NP" };
static const char *exploitation[] = { "forced_labour", "sexual_exploitation" };
static const char *platforms[] = { "facebook", "whatsapp" };

/* Two fictional reports of two organisations, with one of each type. */
static void
fixture(struct intel_report r[2], struct intel_indicator inds[14])
{
	size_t i = 0;

	inds[i++] = ind("01900000-0000-7000-8000-000000000101", INTEL_PHONE,
			NULL, "+91 98200 00000", "+919820000000",
			"Fictional: the \"recruiter\" line");
	inds[i++] = ind("01900000-0000-7000-8000-000000000102", INTEL_EMAIL,
			NULL, "jobs@example.org", "jobs@example.org", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000103", INTEL_URL, NULL,
			"https://example.org/jobs?q='gulf'&x=\\n",
			"https://example.org/jobs", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000104", INTEL_DOMAIN,
			NULL, "example.net", "example.net", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000105", INTEL_HANDLE,
			"facebook", "overseas.jobs.example",
			"facebook:overseas.jobs.example", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000106", INTEL_MESSAGING,
			"telegram", "@example_agent", "telegram:example_agent",
			NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000107", INTEL_UPI, NULL,
			"example@okbank", "example@okbank", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000108", INTEL_BANK,
			NULL, "EXMP0000001:000000000001",
			"EXMP0000001:000000000001", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-000000000109", INTEL_WALLET,
			"bitcoin", "bc1qexampleexampleexampleexample00000",
			"btc:bc1qexampleexampleexampleexample00000", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-00000000010a", INTEL_IP, NULL,
			"2001:db8::1", "2001:db8::1", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-00000000010b", INTEL_PLATE,
			NULL, "MH 01 ZZ 0000", "MH01ZZ0000", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-00000000010c", INTEL_NAME,
			NULL, "Fictional Personname", NULL, NULL);
	inds[i++] = ind("01900000-0000-7000-8000-00000000010d", INTEL_AD, NULL,
			"Girls wanted for hotel work abroad, it's 'free' visa",
			"9a3b000000000001", NULL);
	inds[i++] = ind("01900000-0000-7000-8000-00000000010e", INTEL_IP, NULL,
			"192.0.2.7", "192.0.2.7", NULL);
	assert_int_equal(i, 14);

	memset(r, 0, 2 * sizeof(*r));
	snprintf(r[0].id, sizeof(r[0].id),
		 "01900000-0000-7000-8000-000000000001");
	snprintf(r[0].share.owner_org, UUID_STR_LEN, "%s", ORG_A);
	snprintf(r[0].share.owner_country, 3, "IN");
	r[0].share.level = LEVEL_COUNTRY;
	r[0].share.tlp = TLP_AMBER_STRICT;
	r[0].title = "Fictional: job offers \"abroad\" on social media";
	r[0].narrative = "Fictional narrative.\nA second line with a \\ and "
			 "a 'quote'.";
	snprintf(r[0].period_start, 11, "2026-09-01");
	snprintf(r[0].period_end, 11, "2026-10-31");
	r[0].places = places;
	r[0].nplaces = 2;
	r[0].exploitation = exploitation;
	r[0].nexploitation = 2;
	r[0].platforms = platforms;
	r[0].nplatforms = 2;
	r[0].reliability = 'B';
	r[0].credibility = 2;
	r[0].handling = HANDLING_H3;
	r[0].handling_note = "Fictional: not to be shown to the suspects";
	r[0].indicators = inds;
	r[0].nindicators = 13;
	snprintf(r[0].created_at, TIME_RFC3339_LEN, "2026-11-01T10:00:00.000Z");
	snprintf(r[0].updated_at, TIME_RFC3339_LEN, "2026-11-03T11:30:00.500Z");
	r[0].version = 3;
	for (size_t k = 0; k < 13; k++)
		memcpy(inds[k].report_id, r[0].id, UUID_STR_LEN);

	snprintf(r[1].id, sizeof(r[1].id),
		 "01900000-0000-7000-8000-000000000002");
	snprintf(r[1].share.owner_org, UUID_STR_LEN, "%s", ORG_B);
	snprintf(r[1].share.owner_country, 3, "NP");
	r[1].share.level = LEVEL_PLATFORM;
	r[1].share.tlp = TLP_GREEN;
	r[1].title = "Fictional: a second report";
	r[1].reliability = 'F';
	r[1].credibility = 6;
	r[1].handling = HANDLING_H0;
	r[1].indicators = inds + 13;
	r[1].nindicators = 1;
	memcpy(inds[13].report_id, r[1].id, UUID_STR_LEN);
	snprintf(r[1].created_at, TIME_RFC3339_LEN, "2026-11-05T00:00:00.000Z");
	snprintf(r[1].updated_at, TIME_RFC3339_LEN, "2026-11-05T00:00:00.000Z");
	r[1].version = 1;
}

static const struct intel_stix_org orgs[] = {
	{ ORG_A, "Fictional Anti-Trafficking Unit", "IN" },
	{ ORG_B, "Fictional Shelter Network", "NP" },
};

static json_t *
load(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	if (!j)
		fail_msg("%s: %s", path, e.text);
	return j;
}

static const char *
str(const char *s)
{
	return s ? s : "";
}

static bool
same_list(const char **a, size_t na, const char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static void
export_then_import_keeps_every_exportable_field(void **state)
{
	struct intel_report r[2], *back;
	struct intel_indicator inds[14];
	struct intel_stix_skip *skipped;
	struct coord_errors errs = { 0 };
	size_t n, nskipped;
	struct arena a;
	json_t *b, *again;
	const char *dump;
	char *text;

	(void)state;
	fixture(r, inds);
	b = intel_stix_bundle(r, 2, orgs, 2);
	assert_non_null(b);
	text = json_dumps(b, JSON_INDENT(2) | JSON_SORT_KEYS);
	dump = getenv("ATIP_STIX_EXPORT");
	if (dump) {
		FILE *f = fopen(dump, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	/* Names are personal data: never exported, in no form. */
	assert_null(strstr(text, "Personname"));
	assert_null(strstr(text, "person_name"));
	assert_null(strstr(text, "01900000-0000-7000-8000-00000000010c"));
	free(text);
	/* The same reports give the same bundle, ids included. */
	again = intel_stix_bundle(r, 2, orgs, 2);
	assert_true(json_equal(b, again));
	json_decref(again);

	arena_init(&a);
	assert_int_equal(intel_stix_read(b, &a, &back, &n, &skipped, &nskipped,
					 &errs),
			 ERR_OK);
	assert_int_equal(errs.n, 0);
	assert_int_equal(n, 2);
	/* The identities are left out, and said to be. */
	assert_int_equal(nskipped, 2);
	for (size_t i = 0; i < nskipped; i++)
		assert_non_null(strstr(skipped[i].id, "identity--"));
	for (int k = 0; k < 2; k++) {
		const struct intel_report *x = &r[k], *y = &back[k];

		assert_string_equal(y->id, x->id);
		assert_string_equal(y->title, x->title);
		assert_string_equal(str(y->narrative), str(x->narrative));
		assert_int_equal(y->share.tlp, x->share.tlp);
		assert_int_equal(y->share.level, x->share.level);
		assert_string_equal(y->period_start, x->period_start);
		assert_string_equal(y->period_end, x->period_end);
		assert_true(same_list(y->places, y->nplaces, x->places,
				      x->nplaces));
		assert_true(same_list(y->exploitation, y->nexploitation,
				      x->exploitation, x->nexploitation));
		assert_true(same_list(y->platforms, y->nplatforms, x->platforms,
				      x->nplatforms));
		assert_int_equal(y->reliability, x->reliability);
		assert_int_equal(y->credibility, x->credibility);
		assert_int_equal(y->handling, x->handling);
		assert_string_equal(str(y->handling_note),
				    str(x->handling_note));
		assert_string_equal(y->created_at, x->created_at);
		assert_string_equal(y->updated_at, x->updated_at);
		assert_string_equal(y->share.owner_org, "");
		assert_int_equal(y->ncases, 0);
	}
	/* Every indicator but the name, in order, as written. */
	assert_int_equal(back[0].nindicators, 12);
	assert_int_equal(back[1].nindicators, 1);
	for (size_t i = 0, j = 0; i < 14; i++) {
		const struct intel_indicator *x = &inds[i], *y;

		if (x->type == INTEL_NAME)
			continue;
		y = j < 12 ? &back[0].indicators[j] : &back[1].indicators[0];
		j++;
		assert_string_equal(y->id, x->id);
		assert_string_equal(y->report_id, x->report_id);
		assert_int_equal(y->type, x->type);
		assert_string_equal(str(y->qualifier), str(x->qualifier));
		assert_string_equal(y->value, x->value);
		assert_string_equal(str(y->note), str(x->note));
		assert_string_equal(y->created_at, x->created_at);
		assert_null(y->key); /* the caller normalises */
	}
	arena_release(&a);
	json_decref(b);
}

static void
markings_are_the_official_ones_and_ids_are_v4(void **state)
{
	struct intel_report r[2];
	struct intel_indicator inds[14];
	json_t *b, *official, *o, *objects;
	size_t i, markings = 0;

	(void)state;
	fixture(r, inds);
	b = intel_stix_bundle(r, 2, orgs, 2);
	official = load("tests/data/stix/tlp2-marking-definitions-bundle.json");
	objects = json_object_get(b, "objects");
	json_array_foreach (objects, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *u = strstr(id, "--") + 2;
		size_t k;
		json_t *m;

		/* Version 4, RFC 4122 variant: what the schema allows. */
		assert_int_equal(u[14], '4');
		assert_non_null(strchr("89ab", u[19]));
		if (strcmp(json_string_value(json_object_get(o, "type")),
			   "marking-definition"))
			continue;
		markings++;
		json_array_foreach (json_object_get(official, "objects"), k, m)
			if (json_equal(m, o))
				break;
		assert_true(k < json_array_size(
					json_object_get(official, "objects")));
	}
	assert_int_equal(markings, 2); /* AMBER+STRICT and GREEN */
	o = json_array_get(objects, 0);
	assert_string_equal(
		json_string_value(json_object_get(o, "identity_class")),
		"organization");
	assert_string_equal(
		json_string_value(json_object_get(o, "x_atip_country")), "IN");
	json_decref(official);
	json_decref(b);
}

static void
nothing_exports_as_a_bundle_without_objects(void **state)
{
	struct intel_report *out = (void *)1;
	struct intel_stix_skip *skipped = (void *)1;
	struct coord_errors errs = { 0 };
	size_t n = 1, nskipped = 1;
	struct arena a;
	json_t *b = intel_stix_bundle(NULL, 0, orgs, 2);

	(void)state;
	assert_null(json_object_get(b, "objects"));
	arena_init(&a);
	assert_int_equal(intel_stix_read(b, &a, &out, &n, &skipped, &nskipped,
					 &errs),
			 ERR_OK);
	assert_int_equal(n, 0);
	assert_null(out);
	assert_int_equal(nskipped, 0);
	arena_release(&a);
	json_decref(b);
}

/* ---- patterns ---- */

struct want {
	const char *pattern;
	size_t nvalues, nskipped;
	enum intel_type type; /* of the first value */
	const char *qualifier, *value;
};

static void
patterns_are_read_strictly(void **state)
{
	static const struct want ok[] = {
		{ "[ipv4-addr:value = '198.51.100.1']", 1, 0, INTEL_IP, NULL,
		  "198.51.100.1" },
		{ "[email-addr:value = 'it\\'s@example.org']", 1, 0,
		  INTEL_EMAIL, NULL, "it's@example.org" },
		{ "[url:value = 'https://example.org/a\\\\b']", 1, 0, INTEL_URL,
		  NULL, "https://example.org/a\\b" },
		{ "[user-account:account_login = 'x' AND "
		  "user-account:account_type = 'whatsapp']",
		  1, 0, INTEL_MESSAGING, "whatsapp", "x" },
		{ "[user-account:account_type = 'instagram' AND "
		  "user-account:account_login = 'y']",
		  1, 0, INTEL_HANDLE, "instagram", "y" },
		{ "[x-atip-crypto-wallet:value = 'w' AND "
		  "x-atip-crypto-wallet:chain = 'eth']",
		  1, 0, INTEL_WALLET, "eth", "w" },
		{ "([domain-name:value = 'example.com'] OR "
		  "([x-atip-phone:value = '+977 1 0000000'] FOLLOWEDBY "
		  "[file:name = 'a.exe'] WITHIN 300 SECONDS)) REPEATS 2 TIMES",
		  2, 1, INTEL_DOMAIN, NULL, "example.com" },
		{ "[(ipv4-addr:value = '192.0.2.1' OR "
		  "(ipv6-addr:value = '2001:db8::2')) AND "
		  "file:hashes.'SHA-256' = 'ab']",
		  2, 1, INTEL_IP, NULL, "192.0.2.1" },
		{ "[domain-name:value IN ('a.example', 'b.example')] START "
		  "t'2026-01-01T00:00:00Z' STOP t'2026-02-01T00:00:00Z'",
		  2, 0, INTEL_DOMAIN, NULL, "a.example" },
		{ "[email-message:from_ref.value = 'a@example.org' AND "
		  "email-message:to_refs[0].value = 'b@example.org']",
		  2, 0, INTEL_EMAIL, NULL, "a@example.org" },
		{ "[email-message:subject MATCHES '^[IMPORTANT] \\\\.exe$']", 0,
		  1, 0, NULL, NULL },
		{ "[url:value != 'x' AND url:value NOT = 'y' AND url:value LIKE "
		  "'%.example' AND network-traffic:dst_port > 443 AND EXISTS "
		  "file:name]",
		  0, 5, 0, NULL, NULL },
		{ "[ipv4-addr:value = '223.166.0.0/15']", 0, 1, 0, NULL, NULL },
		{ "[x-atip-ad-text:value = 'ad' and x-atip-ad-text:simhash = "
		  "'00ff']",
		  1, 0, INTEL_AD, NULL, "ad" },
		{ "[x-atip-upi:value = '']", 0, 1, 0, NULL, NULL },
	};
	static const struct {
		const char *pattern, *why;
		size_t at;
	} bad[] = {
		{ "", "ends too soon", 0 },
		{ "ipv4-addr:value = '1'", "does not start with '['", 0 },
		{ "[ipv4-addr:value = '1'", "ends too soon", 22 },
		{ "[ipv4-addr:value = '1]", "no closing quote", 19 },
		{ "[ipv4-addr:value = 'a\\b']", "escapes only", 21 },
		{ "[]", "holds no comparison", 1 },
		{ "[ipv4-addr:value]", "no operator", 16 },
		{ "[ipv4-addr:value = ]", "not followed by a value", 19 },
		{ "[ipv4-addr = '1']", "not followed by ':'", 10 },
		{ "[a:b = '1'] [c:d = '2']", "not joined", 12 },
		{ "[a:b = '1' c:d = '2']", "not joined", 11 },
		{ "([a:b = '1']", "not closed", 12 },
		{ "[a:b = '1'])", "closes nothing", 11 },
		{ "[(a:b = '1']", "not closed before ']'", 11 },
		{ "[a:b = '1'] WITHIN SECONDS", "WITHIN takes a number", 19 },
		{ "[a:b = '1'] REPEATS 1.5 TIMES", "whole number", 20 },
		{ "[a:b = '1'] START '2026' STOP '2027'", "t'timestamp'", 18 },
		{ "[a:b IN 'x']", "not followed by '('", 8 },
		{ "[a:b[x] = '1']", "list index", 5 },
		{ "[a:b = 1x]", "runs into a word", 8 },
		{ "[a:b ! '1']", "not followed by '='", 5 },
		{ "[a:b = '1'] AND", "ends too soon", 15 },
	};
	struct intel_stix_value *v;
	const char **skipped, *why;
	size_t n, nskipped, at;
	struct arena a;
	struct buf deep;

	(void)state;
	arena_init(&a);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!intel_stix_pattern(ok[i].pattern, &a, &v, &n, &skipped,
					&nskipped, &why, &at))
			fail_msg("%s: %s at %zu", ok[i].pattern, why, at);
		if (n != ok[i].nvalues || nskipped != ok[i].nskipped)
			fail_msg("%s: %zu values, %zu skipped", ok[i].pattern,
				 n, nskipped);
		if (!n)
			continue;
		assert_int_equal(v[0].type, ok[i].type);
		assert_string_equal(str(v[0].qualifier), str(ok[i].qualifier));
		assert_string_equal(v[0].value, ok[i].value);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (intel_stix_pattern(bad[i].pattern, &a, &v, &n, &skipped,
				       &nskipped, &why, &at))
			fail_msg("%s: taken", bad[i].pattern);
		if (!strstr(why, bad[i].why) || at != bad[i].at)
			fail_msg("%s: \"%s\" at %zu", bad[i].pattern, why, at);
		assert_null(v);
		assert_int_equal(n, 0);
	}
	/* Nesting is bounded, and so is length. */
	buf_init(&deep, 0);
	for (int i = 0; i < INTEL_STIX_DEPTH_MAX + 1; i++)
		buf_adds(&deep, "(");
	buf_adds(&deep, "[a:b = '1']");
	for (int i = 0; i < INTEL_STIX_DEPTH_MAX + 1; i++)
		buf_adds(&deep, ")");
	assert_false(intel_stix_pattern(deep.p, &a, &v, &n, &skipped, &nskipped,
					&why, &at));
	assert_string_equal(why, "parentheses nest too deep");
	buf_reset(&deep);
	buf_adds(&deep, "[a:b = '");
	for (int i = 0; i < INTEL_STIX_PATTERN_MAX; i++)
		buf_adds(&deep, "x");
	buf_adds(&deep, "']");
	assert_false(intel_stix_pattern(deep.p, &a, &v, &n, &skipped, &nskipped,
					&why, &at));
	buf_release(&deep);
	arena_release(&a);
}

static void
patterns_written_read_back(void **state)
{
	struct intel_report r[2];
	struct intel_indicator inds[14];
	struct intel_stix_value *v;
	const char **skipped, *why;
	size_t n, nskipped, at;
	struct arena a;
	struct buf p;

	(void)state;
	fixture(r, inds);
	arena_init(&a);
	buf_init(&p, 0);
	for (size_t i = 0; i < 14; i++) {
		if (inds[i].type == INTEL_NAME) {
			assert_false(intel_stix_pattern_of(&inds[i], &p));
			continue;
		}
		assert_true(intel_stix_pattern_of(&inds[i], &p));
		assert_true(intel_stix_pattern(p.p, &a, &v, &n, &skipped,
					       &nskipped, &why, &at));
		assert_int_equal(n, 1);
		assert_int_equal(nskipped, 0);
		assert_string_equal(v[0].value, inds[i].value);
	}
	inds[2].value = "a'b\\c";
	assert_true(intel_stix_pattern_of(&inds[2], &p));
	assert_string_equal(p.p, "[url:value = 'a\\'b\\\\c']");
	buf_release(&p);
	arena_release(&a);
}

/* ---- the official examples ---- */

static void
official_examples_are_taken_or_refused(void **state)
{
	static const struct {
		const char *file;
		const char *refused; /* the field, or NULL when taken */
		size_t reports, indicators, skipped;
	} want[] = {
		{ "indicator-for-c2-ip-address.json", NULL, 1, 1, 0 },
		{ "indicator-to-campaign-relationship.json", NULL, 1, 1, 2 },
		{ "indicators-for-C2-with-COA.json", NULL, 1, 1, 7 },
		{ "infrastructure.json", NULL, 0, 0, 10 },
		{ "interop-objectmarking-test.json", "/type", 0, 0, 0 },
		{ "malicious-email-indicator-with-attachment.json", NULL, 0, 0,
		  6 },
		{ "threat-reports/apt1.json", NULL, 1, 3, 74 },
		{ "threat-reports/poisonivy.json", NULL, 1, 43, 131 },
	};
	const bool verbose = getenv("ATIP_STIX_VERBOSE") != NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[200];
		struct intel_report *out;
		struct intel_stix_skip *skipped;
		struct coord_errors errs = { 0 };
		size_t n, nskipped, nind = 0;
		struct arena a;
		json_t *b;
		enum err e;

		snprintf(path, sizeof(path), "tests/data/stix/examples/%s",
			 want[i].file);
		b = load(path);
		arena_init(&a);
		e = intel_stix_read(b, &a, &out, &n, &skipped, &nskipped,
				    &errs);
		for (size_t k = 0; k < n; k++)
			nind += out[k].nindicators;
		if (verbose) {
			printf("%s: %s %d %s %s; %zu reports, %zu indicators, "
			       "%zu skipped\n",
			       want[i].file, e == ERR_OK ? "taken" : "refused",
			       errs.n, errs.n ? errs.v[0].field : "",
			       errs.n ? errs.v[0].message : "", n, nind,
			       nskipped);
			for (size_t k = 0; k < nskipped; k++)
				printf("  skipped %s: %s\n", skipped[k].id,
				       skipped[k].reason);
		}
		if (want[i].refused) {
			assert_int_equal(e, ERR_INVALID);
			assert_string_equal(errs.v[0].field, want[i].refused);
			assert_null(out);
			assert_null(skipped);
		} else {
			assert_int_equal(e, ERR_OK);
			assert_int_equal(errs.n, 0);
			assert_int_equal(n, want[i].reports);
			assert_int_equal(nind, want[i].indicators);
			assert_int_equal(nskipped, want[i].skipped);
		}
		arena_release(&a);
		json_decref(b);
	}
}

/* ---- malformed bundles ---- */

#define HEAD(type, id)                                                        \
	"{\"type\": \"" type "\", \"spec_version\": \"2.1\", \"id\": \"" type \
	"--" id "\", \"created\": \"2026-01-01T00:00:00.000Z\", "             \
	"\"modified\": \"2026-01-01T00:00:00.000Z\""
#define U1 "4f6d0c1a-1111-4a4a-8b8b-000000000001"
#define U2 "4f6d0c1a-1111-4a4a-8b8b-000000000002"
#define BUNDLE(objects)                                \
	"{\"type\": \"bundle\", \"id\": \"bundle--" U1 \
	"\", \"objects\": [" objects "]}"
#define IND(pattern)                                     \
	HEAD("indicator", U1)                            \
	", \"pattern_type\": \"stix\", \"valid_from\": " \
	"\"2026-01-01T00:00:00Z\", \"pattern\": \"" pattern "\"}"

static void
malformed_bundles_are_refused_whole(void **state)
{
	static const struct {
		const char *json, *field, *message;
	} bad[] = {
		{ "[]", "", "is not a JSON object" },
		{ "{\"id\": \"bundle--" U1 "\"}", "/type", "is required" },
		{ "{\"type\": \"report\", \"id\": \"bundle--" U1 "\"}", "/type",
		  "must be \"bundle\"" },
		{ "{\"type\": \"bundle\", \"id\": \"bundle--x\"}", "/id",
		  "is not \"bundle--\" and a UUID" },
		{ "{\"type\": \"bundle\", \"id\": \"bundle--" U1
		  "\", \"objects\": {}}",
		  "/objects", "is not a list of objects" },
		{ BUNDLE(""), "/objects", "is not a list of objects" },
		{ "{\"type\": \"bundle\", \"id\": \"bundle--" U1
		  "\", \"spec_version\": \"2.0\", \"objects\": [{}]}",
		  "/spec_version", "STIX 2.0" },
		{ BUNDLE("1"), "/objects/0", "is not an object" },
		{ BUNDLE("{\"id\": \"indicator--" U1 "\"}"), "/objects/0/type",
		  "is required" },
		{ BUNDLE(IND("[ipv4-addr:value = '1']") ", {\"type\": "
							"\"Indicator\"}"),
		  "/objects/1/type", "is not a STIX type name" },
		{ BUNDLE("{\"type\": \"indicator\", \"id\": \"report--" U1
			 "\"}"),
		  "/objects/0/id", "is not the object's type" },
		{ BUNDLE("{\"type\": \"indicator\", \"id\": \"indicator--" U1
			 "x\"}"),
		  "/objects/0/id", "is not the object's type" },
		{ BUNDLE("{\"type\": \"campaign\", \"id\": \"campaign--" U1
			 "\", \"created\": \"2026-01-01T00:00:00.000Z\", "
			 "\"modified\": \"2026-01-01T00:00:00.000Z\"}"),
		  "/objects/0/spec_version", "is required" },
		{ BUNDLE("{\"type\": \"campaign\", \"spec_version\": \"2.0\", "
			 "\"id\": \"campaign--" U1 "\"}"),
		  "/objects/0/spec_version", "must be \"2.1\"" },
		{ BUNDLE(HEAD("campaign", U1) ", \"created\": "
					      "\"2026-01-01T00:00:00+05:45\"}"),
		  "/objects/0/created", "is not a STIX timestamp" },
		{ BUNDLE("{\"type\": \"campaign\", \"spec_version\": \"2.1\", "
			 "\"id\": \"campaign--" U1 "\", \"created\": "
			 "\"2026-01-02T00:00:00.000Z\", \"modified\": "
			 "\"2026-01-01T00:00:00.000Z\"}"),
		  "/objects/0/modified", "is before created" },
		{ BUNDLE("{\"type\": \"campaign\", \"spec_version\": \"2.1\", "
			 "\"id\": \"campaign--" U1 "\", \"created\": "
			 "\"2026-02-30T00:00:00.000Z\", \"modified\": "
			 "\"2026-03-01T00:00:00.000Z\"}"),
		  "/objects/0/created", "is not a STIX timestamp" },
		{ BUNDLE(IND("[ipv4-addr:value = '1'")), "/objects/0/pattern",
		  "the pattern ends too soon (at byte 22)" },
		{ BUNDLE(IND("[ipv4-addr:value = 'a\\\\b']")),
		  "/objects/0/pattern", "escapes only a quote" },
		{ BUNDLE(HEAD("indicator", U1) ", \"pattern_type\": \"stix\"}"),
		  "/objects/0/pattern", "is required" },
		{ BUNDLE(HEAD("report", U1) ", \"published\": "
					    "\"2026-01-01T00:00:00Z\", "
					    "\"object_refs\": []}"),
		  "/objects/0/name", "is required" },
		{ BUNDLE(HEAD("report", U1) ", \"name\": \"r\", \"published\": "
					    "\"2026-01-01T00:00:00Z\", "
					    "\"object_refs\": [\"x\"]}"),
		  "/objects/0/object_refs/0", "is not a STIX id" },
		{ BUNDLE(HEAD("report", U1) ", \"name\": \"r\", \"published\": "
					    "\"2026\", \"object_refs\": []}"),
		  "/objects/0/published", "is not a STIX timestamp" },
		{ BUNDLE(HEAD("report", U1) ", \"name\": \"r\", \"published\": "
					    "\"2026-01-01T00:00:00Z\", "
					    "\"object_refs\": [], "
					    "\"x_atip_handling\": \"H9\"}"),
		  "/objects/0/x_atip_handling", "must be H0" },
		{ BUNDLE(HEAD("report", U1) ", \"name\": \"r\", \"published\": "
					    "\"2026-01-01T00:00:00Z\", "
					    "\"object_refs\": [], "
					    "\"x_atip_places\": [\"IN\", 3]}"),
		  "/objects/0/x_atip_places/1", "is not a string" },
		{ BUNDLE(HEAD("observed-data", U1) ", \"objects\": {\"0\": "
						   "{\"type\": \"url\", "
						   "\"value\": 5}}}"),
		  "/objects/0/objects/0/value", "is not a string" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct intel_report *out;
		struct intel_stix_skip *skipped;
		struct coord_errors errs = { 0 };
		size_t n, nskipped;
		struct arena a;
		json_error_t je;
		json_t *b = json_loads(bad[i].json, 0, &je);

		if (!b)
			fail_msg("%zu: %s", i, je.text);
		arena_init(&a);
		assert_int_equal(intel_stix_read(b, &a, &out, &n, &skipped,
						 &nskipped, &errs),
				 ERR_INVALID);
		if (errs.n < 1 || strcmp(errs.v[0].field, bad[i].field) ||
		    !strstr(errs.v[0].message, bad[i].message))
			fail_msg("%zu: %s: %s", i,
				 errs.n ? errs.v[0].field : "",
				 errs.n ? errs.v[0].message : "none");
		assert_null(out);
		assert_int_equal(n, 0);
		assert_null(skipped);
		assert_int_equal(nskipped, 0);
		arena_release(&a);
		json_decref(b);
	}
}

/* ---- what a foreign bundle becomes ---- */

static void
foreign_bundles_become_reports(void **state)
{
	static const char text[] = BUNDLE(
		/* TLP 1.0 WHITE is CLEAR; the report's own marking is RED. */
		"{\"type\": \"marking-definition\", \"spec_version\": \"2.1\", "
		"\"id\": \"marking-definition--613f2e26-407d-48c7-9eca-"
		"b8e91df99dc9\", \"created\": \"2017-01-20T00:00:00.000Z\", "
		"\"definition_type\": \"tlp\", \"name\": \"TLP:WHITE\", "
		"\"definition\": {\"tlp\": \"white\"}}, " HEAD(
			"report",
			U1) ", \"name\": \"Fictional report\", \"published\": "
			    "\"2026-01-01T00:00:00Z\", \"object_marking_refs\": "
			    "[\"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed\"], "
			    "\"confidence\": 75, \"object_refs\": [\"observed-data--" U1
			    "\", \"indicator--" U2 "\", \"malware--" U2 "\"]}, "
			    /* An older and a newer version of one indicator. */
			    "{\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": "
			    "\"indicator--" U2
			    "\", \"created\": \"2026-01-01T00:00:00Z\", "
			    "\"modified\": \"2026-01-01T00:00:00Z\", \"pattern_type\": "
			    "\"stix\", \"valid_from\": \"2026-01-01T00:00:00Z\", "
			    "\"pattern\": \"[url:value = 'https://old.example']\"}, "
			    "{\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": "
			    "\"indicator--" U2
			    "\", \"created\": \"2026-01-01T00:00:00Z\", "
			    "\"modified\": \"2026-01-02T00:00:00Z\", \"pattern_type\": "
			    "\"stix\", \"valid_from\": \"2026-01-01T00:00:00Z\", "
			    "\"pattern\": \"[url:value = 'https://new.example']\"}, "
		/* Withdrawn: not taken. */
		HEAD("indicator",
		     "4f6d0c1a-1111-4a4a-8b8b-000000000003") ", \"revoked\": true, \"pattern_type\": \"stix\", "
							     "\"valid_from\": \"2026-01-01T00:00:00Z\", \"pattern\": "
							     "\"[url:value = 'https://revoked.example']\"}, "
		/* Observed data: by object_refs and embedded. */
		HEAD("observed-data",
		     U1) ", \"object_refs\": [\"user-account--" U1
			 "\"], \"objects\": "
			 "{\"0\": {\"type\": \"email-addr\", \"value\": "
			 "\"a@example.org\"}, \"1\": {\"type\": \"file\", \"name\": "
			 "\"x\"}}}, "
			 "{\"type\": \"user-account\", \"id\": \"user-account--" U1
			 "\", \"account_login\": \"+977 0000000\", \"account_type\": "
			 "\"WhatsApp\"}, "
			 /* No report refers to this one, marked WHITE. */
			 "{\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": "
			 "\"indicator--" U1
			 "\", \"created\": \"2026-01-01T00:00:00Z\", "
			 "\"modified\": \"2026-01-01T00:00:00Z\", \"pattern_type\": "
			 "\"stix\", \"valid_from\": \"2026-01-01T00:00:00Z\", "
			 "\"object_marking_refs\": [\"marking-definition--613f2e26-407d-"
			 "48c7-9eca-b8e91df99dc9\"], \"pattern\": \"[x-atip-phone:value "
			 "= '+94 00 000 0000'] OR [x-atip-upi:value = 'a@ok']\"}");
	struct intel_report *out;
	struct intel_stix_skip *skipped;
	struct coord_errors errs = { 0 };
	size_t n, nskipped;
	struct arena a;
	json_t *b = json_loads(text, 0, NULL);

	(void)state;
	assert_non_null(b);
	arena_init(&a);
	assert_int_equal(intel_stix_read(b, &a, &out, &n, &skipped, &nskipped,
					 &errs),
			 ERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].title, "Fictional report");
	assert_int_equal(out[0].share.tlp, TLP_RED);
	assert_int_equal(out[0].credibility, 2);
	assert_int_equal(out[0].reliability, 'F');
	assert_string_equal(out[0].updated_at, "2026-01-01T00:00:00.000Z");
	assert_int_equal(out[0].nindicators, 3);
	assert_int_equal(out[0].indicators[0].type, INTEL_EMAIL);
	assert_int_equal(out[0].indicators[1].type, INTEL_MESSAGING);
	assert_string_equal(out[0].indicators[1].qualifier, "WhatsApp");
	assert_string_equal(out[0].indicators[1].value, "+977 0000000");
	assert_string_equal(out[0].indicators[2].value, "https://new.example");
	assert_string_equal(out[1].title, "Imported STIX bundle 4f6d0c1a");
	assert_int_equal(out[1].share.tlp, TLP_CLEAR);
	assert_int_equal(out[1].nindicators, 2);
	assert_int_equal(out[1].indicators[0].type, INTEL_PHONE);
	assert_int_equal(out[1].indicators[1].type, INTEL_UPI);
	/* The older version, the revoked one, the file, the malware. */
	assert_int_equal(nskipped, 4);
	arena_release(&a);
	json_decref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			export_then_import_keeps_every_exportable_field),
		cmocka_unit_test(markings_are_the_official_ones_and_ids_are_v4),
		cmocka_unit_test(nothing_exports_as_a_bundle_without_objects),
		cmocka_unit_test(patterns_are_read_strictly),
		cmocka_unit_test(patterns_written_read_back),
		cmocka_unit_test(official_examples_are_taken_or_refused),
		cmocka_unit_test(malformed_bundles_are_refused_whole),
		cmocka_unit_test(foreign_bundles_become_reports),
	};

	if (!crypto_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

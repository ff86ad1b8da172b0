/*
 * Unit tests of src/linkage: the normaliser on real variant pairs in Latin,
 * Devanagari, Bengali, Tamil and Sinhala (tests/data/linkage/variants.tsv)
 * and on distinct names that look alike (different.tsv); dates, phones and
 * genders; schemas refused with a reason; encoding under a key; every
 * Dice kernel against the plain loop; matching against a brute-force
 * count; blocking's recall; one-to-one.  Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linkage/link_block.c"
#include "linkage/link_match.c"

/* ---- the normaliser ---- */

static const char *
norm(enum link_norm_kind k, const char *in)
{
	static char out[4][512];
	static int next;
	struct buf b;
	char *o = out[next++ % 4];

	buf_init(&b, 0);
	snprintf(o, 512, "%s", link_norm(k, in, &b) ? b.p : "");
	buf_release(&b);
	return o;
}

/* Dice of the bigrams of two strings padded with spaces. */
static double
bigram_dice(const char *a, const char *b)
{
	char pa[520], pb[520], used[520] = { 0 };
	int na, nb, common = 0;

	snprintf(pa, sizeof(pa), " %s ", a);
	snprintf(pb, sizeof(pb), " %s ", b);
	na = (int)strlen(pa) - 1;
	nb = (int)strlen(pb) - 1;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			if (!used[j] && pa[i] == pb[j] &&
			    pa[i + 1] == pb[j + 1]) {
				used[j] = 1;
				common++;
				break;
			}
	return 2.0 * common / (na + nb);
}

static void
same_names_in_every_script_fold_together(void **state)
{
	static const struct {
		const char *a, *b;
	} pairs[] = {
		{ "लक्ष्मी", "Laxmi" },
		{ "Lakshmi", "Laxmi" },
		{ "तामाङ", "Tamang" },
		{ "श्रेष्ठ", "Shrestha" },
		{ "सीता", "Seeta" },
		{ "पूजा", "Pooja" },
		{ "बिष्णु", "Vishnu" },
		{ "राम", "Ram" },
		{ "कृष्ण", "Krishna" },
		{ "सिंह", "Singh" },
		{ "शंकर", "Shankar" },
		{ "রহিম", "Rahim" },
		{ "হোসেন", "Hossain" },
		{ "চৌধুরী", "Chowdhury" },
		{ "Choudhury", "Chowdhury" },
		{ "খাতুন", "Khatun" },
		{ "පෙරේරා", "Perera" },
		{ "කුමාරි", "Kumari" },
		{ "වික්‍රමසිංහ", "Wickramasinghe" },
		{ "Md. Rahim", "Mohammad Rahim" },
		{ "B. K.", "BK" },
		{ "MST. Fatema", "Fatema" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const char *a = norm(LINK_NORM_NAME, pairs[i].a);
		const char *b = norm(LINK_NORM_NAME, pairs[i].b);

		if (strcmp(a, b))
			fail_msg("%s (%s) and %s (%s) differ", pairs[i].a, a,
				 pairs[i].b, b);
	}
	/* Tamil writes k and g alike: the skeleton agrees. */
	assert_string_equal(norm(LINK_NORM_SKELETON, "முருகன்"),
			    norm(LINK_NORM_SKELETON, "Murugan"));
	assert_string_equal(norm(LINK_NORM_SKELETON, "செல்வி"),
			    norm(LINK_NORM_SKELETON, "Selvi"));
	assert_string_equal(norm(LINK_NORM_SKELETON, "আক্তার"),
			    norm(LINK_NORM_SKELETON, "Akhter"));
	/* The inherent vowel goes only where it is not said. */
	assert_string_equal(norm(LINK_NORM_NAME, "कमल"), "kamal");
	assert_string_equal(norm(LINK_NORM_NAME, "कमला"), "kamala");
}

/*
 * Each real variant pair of variants.tsv, per script: the normalised
 * names share most bigrams, or their skeletons agree.  A few pairs are
 * beyond spelling (Lokkhi for Lakshmi): at most 3 in 100 of a script may
 * miss, and the test names them.
 */
static void
variant_pairs_of_each_script_agree(void **state)
{
	static const char *const scripts[] = { "latn", "deva", "beng", "taml",
					       "sinh" };
	FILE *f = fopen("tests/data/linkage/variants.tsv", "r");
	int total[5] = { 0 }, missed[5] = { 0 };
	char line[1024];

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* the header */
	while (fgets(line, sizeof(line), f)) {
		char *script = line, *a, *b;
		int s;

		line[strcspn(line, "\r\n")] = 0;
		a = strchr(script, '\t');
		assert_non_null(a);
		*a++ = 0;
		b = strchr(a, '\t');
		assert_non_null(b);
		*b++ = 0;
		for (s = 0; s < 5 && strcmp(scripts[s], script); s++)
			;
		assert_true(s < 5);
		total[s]++;
		if (bigram_dice(norm(LINK_NORM_NAME, a),
				norm(LINK_NORM_NAME, b)) < 0.6 &&
		    strcmp(norm(LINK_NORM_SKELETON, a),
			   norm(LINK_NORM_SKELETON, b))) {
			missed[s]++;
			print_message("  %s: %s (%s) and %s (%s) disagree\n",
				      script, a, norm(LINK_NORM_NAME, a), b,
				      norm(LINK_NORM_NAME, b));
		}
	}
	fclose(f);
	for (int s = 0; s < 5; s++) {
		if (total[s] < 25)
			fail_msg("%s: %d pairs, want 25", scripts[s], total[s]);
		if (missed[s] * 100 > total[s] * 3)
			fail_msg("%s: %d of %d pairs disagree", scripts[s],
				 missed[s], total[s]);
	}
}

/* Distinct names that look alike stay distinct. */
static void
different_names_stay_different(void **state)
{
	FILE *f = fopen("tests/data/linkage/different.tsv", "r");
	char line[1024];
	int n = 0;

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		char *a = line, *b;

		line[strcspn(line, "\r\n")] = 0;
		b = strchr(a, '\t');
		assert_non_null(b);
		*b++ = 0;
		if (!strcmp(norm(LINK_NORM_NAME, a), norm(LINK_NORM_NAME, b)))
			fail_msg("%s and %s both become %s", a, b,
				 norm(LINK_NORM_NAME, a));
		n++;
	}
	fclose(f);
	assert_true(n >= 40);
}

static void
dates_phones_and_genders(void **state)
{
	(void)state;
	assert_string_equal(norm(LINK_NORM_DATE, "2004-03-12"), "2004-03-12");
	assert_string_equal(norm(LINK_NORM_DATE, "20040312"), "2004-03-12");
	assert_string_equal(norm(LINK_NORM_DATE, "12/03/2004"), "2004-03-12");
	assert_string_equal(norm(LINK_NORM_DATE, "२००४-०३-१२"), "2004-03-12");
	assert_string_equal(norm(LINK_NORM_DATE, "2004-3"), "2004-03");
	assert_string_equal(norm(LINK_NORM_DATE, "2004"), "2004");
	/* A day where the month goes is kept: day and month may be swapped. */
	assert_string_equal(norm(LINK_NORM_DATE, "2004-25-03"), "2004-25-03");
	assert_string_equal(norm(LINK_NORM_DATE, "2004-13-14"), "2004");
	assert_string_equal(norm(LINK_NORM_YEAR, "2004-03-12"), "2004");
	assert_string_equal(norm(LINK_NORM_DATE, "1850-01-01"), "");
	assert_string_equal(norm(LINK_NORM_DATE, "next year"), "");
	assert_string_equal(norm(LINK_NORM_PHONE, "+977-981-2340471"),
			    "12340471");
	assert_string_equal(norm(LINK_NORM_PHONE, "०९८१२३४०४७१"), "12340471");
	assert_string_equal(norm(LINK_NORM_PHONE, "০১৭০০০০৪৭০২"), "00004702");
	assert_string_equal(norm(LINK_NORM_PHONE, "12345"), "");
	assert_string_equal(norm(LINK_NORM_GENDER, "Feminine"), "f");
	assert_string_equal(norm(LINK_NORM_GENDER, "TransgenderFeminine"), "f");
	assert_string_equal(norm(LINK_NORM_GENDER, "Masculine"), "m");
	assert_string_equal(norm(LINK_NORM_GENDER, "NonConforming"), "x");
	assert_string_equal(norm(LINK_NORM_GENDER, "Unknown"), "");
	assert_string_equal(norm(LINK_NORM_GENDER, "Female"), "f");
	assert_string_equal(norm(LINK_NORM_GENDER, "F"), "f");
	assert_string_equal(norm(LINK_NORM_GENDER, "महिला"), "f");
	assert_string_equal(norm(LINK_NORM_GENDER, "male"), "m");
	assert_string_equal(norm(LINK_NORM_NONE, "  Winston  Hills "),
			    "winston hills");
	assert_string_equal(norm(LINK_NORM_NAME, "\xff\xfe"), "");
	assert_string_equal(norm(LINK_NORM_NAME, ""), "");
}

/* ---- schemas and encoding ---- */

static struct link_schema *
schema_of(const char *text, const struct crypto_link_key *k, char *err,
	  size_t errlen)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct link_schema *s;

	assert_non_null(doc);
	s = link_schema_read(doc, k, err, errlen);
	json_decref(doc);
	return s;
}

static void
schemas_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "{\"version\": 2, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " []}",
		  "version" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1000}, \"features\":"
		  " []}",
		  "clkConfig.l" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " []}",
		  "features" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " [{\"identifier\": \"a\", \"hashing\": {\"comparison\":"
		  " {\"type\": \"soundex\"}, \"strategy\": {\"bitsPerToken\":"
		  " 5}}}]}",
		  "ngram, exact or x-date" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " [{\"identifier\": \"a\", \"hashing\": {\"comparison\":"
		  " {\"type\": \"ngram\", \"n\": 2}, \"strategy\": {}}}]}",
		  "bitsPerToken" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " [{\"identifier\": \"a\", \"x-normalise\": \"klingon\","
		  " \"hashing\": {\"comparison\": {\"type\": \"exact\"},"
		  " \"strategy\": {\"bitsPerToken\": 5}}}]}",
		  "x-normalise" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " [{\"identifier\": \"a\", \"hashing\": {\"comparison\":"
		  " {\"type\": \"exact\"}, \"strategy\": {\"bitsPerToken\": 5},"
		  " \"hash\": {\"type\": \"doubleHash\"}}}]}",
		  "blakeHash" },
		{ "{\"version\": 3, \"clkConfig\": {\"l\": 1024}, \"features\":"
		  " [{\"identifier\": \"a\", \"ignored\": true}]}",
		  "ignored" },
	};
	struct crypto_link_key *k = crypto_link_key_random();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[200] = "";

		assert_null(schema_of(bad[i].text, k, err, sizeof(err)));
		if (!strstr(err, bad[i].why))
			fail_msg("schema %zu: \"%s\" does not say %s", i, err,
				 bad[i].why);
	}
	crypto_link_key_free(k);
}

static const char *
person_column(const char *column, void *arg)
{
	const char *const *v = arg;

	for (size_t i = 0; v[i]; i += 2)
		if (!strcmp(v[i], column))
			return v[i + 1];
	return NULL;
}

static void
encoding_depends_on_the_key_and_the_values(void **state)
{
	const char *laxmi[] = {
		"given_name", "Laxmi",	"surname", "Tamang", "date_of_birth",
		"2004-03-12", "gender", "F",	   NULL
	};
	const char *script[] = {
		"given_name", "लक्ष्मी",	"surname", "तामाङ", "date_of_birth",
		"2004-12-03", "gender", "F",	   NULL
	};
	const char *other[] = { "given_name",	 "Sunita",     "surname", "Rai",
				"date_of_birth", "1990-01-05", NULL };
	struct crypto_link_key *k1 =
		crypto_link_key_secret("a shared secret", 15);
	struct crypto_link_key *k2 =
		crypto_link_key_secret("a shared secret", 15);
	struct crypto_link_key *k3 = crypto_link_key_random();
	struct link_schema *s1 = link_schema_person(k1);
	struct link_schema *s2 = link_schema_person(k2);
	struct link_schema *s3 = link_schema_person(k3);
	uint64_t a[16], b[16], c[16], d[16], e[16];

	(void)state;
	assert_int_equal(s1->bits, 1024);
	assert_true(link_encode(s1, person_column, laxmi, a) > 10);
	link_encode(s2, person_column, laxmi, b);
	assert_memory_equal(a, b,
			    sizeof(a)); /* the same secret: the same CLK */
	link_encode(s3, person_column, laxmi, c);
	assert_true(link_dice(a, c, 16) < 0.6); /* another key: unrelated */
	link_encode(s1, person_column, script, d);
	link_encode(s1, person_column, other, e);
	assert_true(link_dice(a, d, 16) > 0.85);
	assert_true(link_dice(a, e, 16) < 0.5);
	assert_int_equal(
		link_encode(s1, person_column, (const char *[]){ NULL }, e), 0);
	assert_int_equal(link_popcount(e, 16), 0);
	link_schema_free(s1);
	link_schema_free(s2);
	link_schema_free(s3);
	crypto_link_key_free(k1);
	crypto_link_key_free(k2);
	crypto_link_key_free(k3);
}

/* ---- matching ---- */

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n random CLKs of words words, density about 1/2 (or 1/4). */
static void
random_set(struct link_set *s, size_t n, unsigned words, bool sparse)
{
	uint64_t clk[64];

	link_set_init(s, words);
	for (size_t i = 0; i < n; i++) {
		for (unsigned w = 0; w < words; w++)
			clk[w] = sparse ? next() & next() : next();
		link_set_add(s, clk, (uint32_t)i);
	}
}

/* b: a's CLKs with flips bits flipped (ids kept), in another order. */
static void
near_copies(const struct link_set *a, struct link_set *b, int flips)
{
	uint64_t clk[64];

	link_set_init(b, a->words);
	for (size_t k = 0; k < a->n; k++) {
		size_t i = a->n - 1 - k;

		memcpy(clk, a->bits + i * a->words, a->words * 8);
		for (int f = 0; f < flips; f++) {
			unsigned bit = (unsigned)(next() % (a->words * 64));

			clk[bit / 64] ^= 1ULL << (bit % 64);
		}
		link_set_add(b, clk, a->id[i]);
	}
}

static void
every_kernel_agrees_with_the_plain_loop(void **state)
{
	and_pop_fn kernels[4] = { link_common_scalar, NULL, NULL, NULL };
	size_t nk = 1;

	(void)state;
	__builtin_cpu_init();
	if (__builtin_cpu_supports("popcnt"))
		kernels[nk++] = and_pop_popcnt;
	if (__builtin_cpu_supports("avx2"))
		kernels[nk++] = and_pop_avx2;
	if (__builtin_cpu_supports("avx512vpopcntdq"))
		kernels[nk++] = and_pop_avx512;
	print_message("  kernels: %zu, in use: %s\n", nk, link_kernel());
	for (unsigned words = 1; words <= 64; words++) {
		struct link_set s;

		random_set(&s, 8, words, words % 2);
		for (size_t i = 0; i + 1 < s.n; i++) {
			const uint64_t *x = s.bits + i * words,
				       *y = s.bits + (i + 1) * words;
			uint32_t want = 0;

			for (unsigned w = 0; w < words; w++)
				want += (uint32_t)__builtin_popcountll(x[w] &
								       y[w]);
			for (size_t k = 0; k < nk; k++)
				if (kernels[k](x, y, words) != want)
					fail_msg("kernel %zu, %u words", k,
						 words);
		}
		link_set_release(&s);
	}
}

static size_t
brute_force(const struct link_set *a, const struct link_set *b, double t,
	    bool dedupe)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n; i++)
		for (size_t j = dedupe ? i + 1 : 0; j < b->n; j++)
			if (link_dice_scalar(a->bits + i * a->words,
					     b->bits + j * b->words,
					     a->words) >= t)
				n++;
	return n;
}

static void
matching_finds_what_brute_force_finds(void **state)
{
	struct link_set a, b, both;
	struct link_pairs p = { 0 };

	(void)state;
	random_set(&a, 3000, 16, true);
	near_copies(&a, &b, 60);
	link_set_sort(&a);
	link_set_sort(&b);
	for (int threads = 1; threads <= 2; threads++) {
		link_match(&a, &b, 0.7, 0, false, threads, &p);
		assert_int_equal(p.n, brute_force(&a, &b, 0.7, false));
		for (size_t i = 0; i < p.n; i++)
			assert_true(p.v[i].score >= 0.7f);
		link_pairs_release(&p);
	}
	link_match(&a, &b, 0.7, 0, false, 2, &p);
	link_one_to_one(&p);
	assert_int_equal(p.n, a.n); /* each copy back to its original */
	for (size_t i = 0; i < p.n; i++)
		assert_int_equal(p.v[i].a, p.v[i].b);
	link_pairs_release(&p);
	/* A low threshold: the popcount filter must not skip a pair. */
	link_match(&a, &b, 0.3, 2, false, 2, &p);
	assert_int_equal(p.n, 2 * a.n);
	link_pairs_release(&p);

	/* Duplicates within one set: each pair once. */
	random_set(&both, 500, 16, false);
	for (size_t i = 0; i < 100; i++)
		link_set_add(&both, both.bits + i * 16, (uint32_t)(500 + i));
	link_set_sort(&both);
	link_match(&both, &both, 0.95, 0, true, 2, &p);
	assert_int_equal(p.n, brute_force(&both, &both, 0.95, true));
	assert_int_equal(p.n, 100);
	link_pairs_release(&p);
	link_set_release(&a);
	link_set_release(&b);
	link_set_release(&both);
}

static void
blocking_keeps_near_pairs_and_compares_few(void **state)
{
	struct link_set a, b;
	struct link_pairs p = { 0 };
	size_t n = 20000, found = 0;

	(void)state;
	random_set(&a, n, 16, true);
	near_copies(&a, &b, 40);
	link_set_sort(&a);
	link_set_sort(&b);
	link_match_blocked(&a, &b, 0.8, 2, &p);
	for (size_t i = 0; i < p.n; i++)
		found += p.v[i].a == p.v[i].b;
	print_message("  blocking: %zu of %zu near pairs, %llu compared of "
		      "%zu\n",
		      found, n, (unsigned long long)p.compared, n * n);
	assert_true(found * 100 >= n * 99);
	assert_true(p.compared < (uint64_t)n * n / 100);
	link_pairs_release(&p);
	link_set_release(&a);
	link_set_release(&b);
}

/*
 * A pair sharing a bucket too full to compare in the first table is still
 * compared in a later one (it used to count as compared already).
 */
static void
blocking_compares_pairs_of_skipped_buckets_later(void **state)
{
	uint64_t seed = 0x61746970, clk[16];
	uint16_t first[BAND];
	struct link_set a, b;
	struct link_pairs p = { 0 };
	bool found = false;

	(void)state;
	for (int i = 0; i < BAND; i++)
		first[i] = (uint16_t)(splitmix(&seed) % 1024);
	link_set_init(&a, 16);
	link_set_init(&b, 16);
	for (uint32_t n = 0; n < 1030; n++) {
		for (int side = 0; side < 2; side++) {
			for (int w = 0; w < 16; w++)
				clk[w] = next() & next();
			for (int i = 0; i < BAND; i++)
				clk[first[i] / 64] &=
					~(1ULL << (first[i] % 64));
			if (n == 0 && side == 1)
				memcpy(clk, a.bits, sizeof(clk)); /* the pair */
			link_set_add(side ? &b : &a, clk, n);
		}
	}
	link_match_blocked(&a, &b, 0.9, 2, &p);
	for (size_t i = 0; i < p.n; i++)
		found |= p.v[i].a == 0 && p.v[i].b == 0;
	assert_true(found);
	link_pairs_release(&p);
	link_set_release(&a);
	link_set_release(&b);
}

static void
one_to_one_keeps_the_best_first(void **state)
{
	struct link_pairs p = { 0 };

	(void)state;
	link_pairs_add(&p, 1, 1, 0.9f);
	link_pairs_add(&p, 1, 2, 0.95f);
	link_pairs_add(&p, 2, 2, 0.8f);
	link_pairs_add(&p, 3, 1, 0.85f);
	link_one_to_one(&p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].a, 1);
	assert_int_equal(p.v[0].b, 2);
	assert_int_equal(p.v[1].a, 3);
	assert_int_equal(p.v[1].b, 1);
	link_pairs_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_names_in_every_script_fold_together),
		cmocka_unit_test(variant_pairs_of_each_script_agree),
		cmocka_unit_test(different_names_stay_different),
		cmocka_unit_test(dates_phones_and_genders),
		cmocka_unit_test(schemas_are_refused_with_a_reason),
		cmocka_unit_test(encoding_depends_on_the_key_and_the_values),
		cmocka_unit_test(every_kernel_agrees_with_the_plain_loop),
		cmocka_unit_test(matching_finds_what_brute_force_finds),
		cmocka_unit_test(blocking_keeps_near_pairs_and_compares_few),
		cmocka_unit_test(
			blocking_compares_pairs_of_skipped_buckets_later),
		cmocka_unit_test(one_to_one_keeps_the_best_first),
	};

	if (!crypto_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Privacy-preserving record linkage.  A person becomes a CLK: a Bloom
 * filter (1024 bits by default) into which each field's q-grams or tokens,
 * after normalisation identical on every side (link_norm), are hashed under
 * a secret key with a number of bits per token that weighs the field.  Two
 * CLKs are compared by their Dice coefficient; matching never needs the
 * names.  The schema follows clkhash's v3 linkage-schema format, with
 * extensions documented in docs/linkage.md.
 */
#ifndef ATIP_LINKAGE_LINK_H
#define ATIP_LINKAGE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "crypto/crypto.h"

enum { LINK_BITS_MAX = 4096, LINK_FIELDS_MAX = 32 };

/* How a field's value is normalised before it is cut into tokens. */
enum link_norm_kind {
	LINK_NORM_NONE,	    /* NFKC, case folded, spaces squeezed */
	LINK_NORM_NAME,	    /* to Latin, South Asian variants folded */
	LINK_NORM_SKELETON, /* a name's consonant skeleton, voicing merged */
	LINK_NORM_DATE,	    /* YYYY-MM-DD, YYYYMMDD, YYYY-MM, YYYY */
	LINK_NORM_YEAR,	    /* a year alone */
	LINK_NORM_PHONE,    /* digits in any script, last 8 kept */
	LINK_NORM_GENDER,   /* f, m, x */
	LINK_NORM_DIGITS,   /* digits in any script, nothing else */
};

/*
 * Normalises in (UTF-8) as kind into out; false when nothing is left (the
 * value counts as missing) or in is not UTF-8.  Thread-safe.
 */
bool link_norm(enum link_norm_kind kind, const char *in, struct buf *out);

/* The kind named s ("name", "skeleton", ...); false if unknown. */
bool link_norm_parse(const char *s, enum link_norm_kind *out);

/* How a field is cut into tokens. */
enum link_compare {
	LINK_NGRAM, /* q-grams of n characters, padded with spaces */
	LINK_EXACT, /* the whole value is one token */
	LINK_DATE,  /* year, year-month, day-month either way round, whole */
};

enum { LINK_COLUMNS_MAX = 4 };

struct link_feature {
	const char *name; /* the schema's identifier */
	/* Where the value comes from (x-columns, else the identifier): the
	 * first column with a value, or all of them joined (x-join true), or
	 * their words in alphabetical order (x-join "sorted": a given name
	 * and surname written the other way round still agree). */
	const char *columns[LINK_COLUMNS_MAX];
	size_t ncolumns;
	enum { LINK_FIRST, LINK_JOIN, LINK_SORTED } join;
	enum link_norm_kind norm;
	enum link_compare compare;
	unsigned n;		 /* q-gram length */
	bool positional;	 /* q-grams tagged with their place */
	unsigned bits_per_token; /* 0: bits_per_feature shared out */
	unsigned bits_per_feature;
	struct crypto_link_field *key;
};

struct link_schema {
	unsigned bits; /* CLK length, a multiple of 64 */
	unsigned words;
	double threshold; /* x-threshold, the default Dice threshold */
	size_t nfeatures;
	struct link_feature features[LINK_FIELDS_MAX];
	json_t *doc; /* the schema it was read from */
};

/*
 * Reads a clkhash v3 schema (with atip's x- extensions) and keys its
 * features under k (which must outlive the schema).  NULL with a reason in
 * err when the document is not one.
 */
struct link_schema *link_schema_read(json_t *doc,
				     const struct crypto_link_key *k, char *err,
				     size_t errlen);

/* The built-in person schema (docs/linkage.md), keyed under k. */
struct link_schema *link_schema_person(const struct crypto_link_key *k);

/* Its JSON text. */
const char *link_schema_person_text(void);

void link_schema_free(struct link_schema *s);

/*
 * Encodes one record into clk (s->words words, cleared first); value()
 * gives the record's value of a column, NULL or "" when missing.  Returns
 * the number of tokens hashed (0: nothing to match on).
 */
size_t link_encode(const struct link_schema *s,
		   const char *(*value)(const char *column, void *arg),
		   void *arg, uint64_t *clk);

/*
 * A set of CLKs of one length, 64-byte aligned, kept in order of popcount
 * after link_set_sort() so that a comparison can skip whole ranges.
 */
struct link_set {
	size_t n, cap;
	unsigned words;
	uint64_t *bits; /* n * words */
	uint32_t *pop;	/* popcount of each */
	uint32_t *id;	/* the caller's index of each */
};

void link_set_init(struct link_set *s, unsigned words);
void link_set_release(struct link_set *s);
void link_set_add(struct link_set *s, const uint64_t *clk, uint32_t id);
void link_set_sort(struct link_set *s);

/* Dice coefficient of two CLKs of words words. */
double link_dice(const uint64_t *a, const uint64_t *b, unsigned words);

/* The number of set bits of a CLK. */
uint32_t link_popcount(const uint64_t *a, unsigned words);

struct link_pair {
	uint32_t a, b; /* the callers' ids */
	float score;
};

struct link_pairs {
	struct link_pair *v;
	size_t n, cap;
	uint64_t compared; /* Dice coefficients computed */
};

void link_pairs_release(struct link_pairs *p);
void link_pairs_add(struct link_pairs *p, uint32_t a, uint32_t b, float score);

/*
 * Every pair of a (queries) and b (sorted) with a Dice coefficient at
 * least threshold, at most top_k per query (0: all), on threads threads.
 * With dedupe (a and b the same set) each pair is given once, a < b.
 */
void link_match(const struct link_set *a, const struct link_set *b,
		double threshold, size_t top_k, bool dedupe, int threads,
		struct link_pairs *out);

/*
 * The same with blocking for large sets: Hamming LSH on bands of sampled
 * CLK bits, each candidate pair compared once.
 */
void link_match_blocked(const struct link_set *a, const struct link_set *b,
			double threshold, int threads, struct link_pairs *out);

/* Keeps a one-to-one subset of the pairs: best first, greedily. */
void link_one_to_one(struct link_pairs *p);

/*
 * The plain loops the kernels are measured against (no popcnt instruction,
 * no vectors, as a portable build would compile them): |a & b|, and the
 * Dice coefficient counting all three popcounts.
 */
uint32_t link_common_scalar(const uint64_t *a, const uint64_t *b,
			    unsigned words);
double link_dice_scalar(const uint64_t *a, const uint64_t *b, unsigned words);

/* Which kernel link_dice uses here: "avx512", "avx2" or "popcnt"/"scalar". */
const char *link_kernel(void);

#endif

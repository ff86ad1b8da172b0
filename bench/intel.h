/*
 * bench/intel's corpus (intel_gen.c), shared with its runs (intel.c): the
 * fictional organisations, the mix of indicator types, and the reports
 * with their indicators, all drawn from fixed seeds.
 */
#ifndef ATIP_BENCH_INTEL_H
#define ATIP_BENCH_INTEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "intel/intel.h"

#include "bench.h"

#define NITEMS(v) (sizeof(v) / sizeof(v[0]))

enum {
	BATCH = 100,		/* reports a transaction */
	PER_REPORT = 10,	/* indicators a report, on average */
	CC_VALUES = 8,		/* call-centre values of a type */
	SINGLE_BASE = 50000000, /* ranks from here are seen once */
	NORGS = 6,
	VIEWER = 2, /* the organisation whose investigator looks values up */
	NSHARES = 7,
	NTYPES = 10,
	NPLATFORMS = 5,
};

/* Says what went wrong and exits 1. */
void die(const char *what) __attribute__((noreturn));

/* The organisations: name, type, country, share of the reports. */
struct org_def {
	const char *name, *type, *country;
	int weight;
};
extern const struct org_def orgs[NORGS];

/* What the set-up made of each: filled by intel.c. */
struct org_row {
	char id[UUID_STR_LEN], user[UUID_STR_LEN], country[3];
};
extern struct org_row org_rows[NORGS];

/* Sharing: levels as wide as the TLP label allows, mostly shared. */
struct share_def {
	const char *level, *tlp;
	int weight;
};
extern const struct share_def shares[NSHARES];

struct type_def {
	enum intel_type type;
	int permille; /* of the indicators */
	int cc;	      /* call-centre share, per mille of the type's */
	int forms;    /* ways of writing a value */
};
extern const struct type_def types[NTYPES];

/* Handles' platforms, also the reports' platforms. */
extern const char *const handle_platforms[NPLATFORMS];

/* A distinct value: (type, rank) and the key it normalises to. */
struct value {
	uint64_t tr; /* type << 56 | rank, + 1 (0: empty) */
	uint32_t key_id;
};

/* The distinct values met so far, and their keys (interned). */
struct values {
	struct value *v;
	size_t cap, n;
	char **keys; /* by key_id */
	uint64_t *simhash;
	size_t nkeys, keycap;
	uint32_t *kslot; /* key string -> key_id + 1 */
	size_t kcap;
};

/* An indicator of the corpus: its value and how it is written. */
struct row {
	uint64_t rank;
	uint32_t key_id;
	uint8_t type; /* index in types[] */
	uint8_t form;
};

struct report {
	uint8_t org, share, platform; /* indexes in orgs, shares, platforms */
	uint32_t first, n;	      /* rows[first .. first + n) */
};

struct corpus {
	struct report *reports;
	size_t nreports;
	struct row *rows;
	size_t nrows;
	struct values vs;
	uint64_t single[NTYPES]; /* values seen once drawn so far, by type */
};

/*
 * Writes value rank of type t in form f into b (reset), as an analyst in
 * region would, and its qualifier into *q.  Distinct ranks are distinct
 * values; every form of one rank normalises to one key.
 */
void value_of(struct buf *b, enum intel_type t, uint64_t rank, int f,
	      const char *region, const char **q);

/*
 * The value (types[ti], rank), added with its key when new: normalised
 * from its first form (a name's key is its blind index under kr, as
 * intel_indicators.c makes it).  b and key are scratch.  Exits when a
 * value does not normalise.
 */
struct value *value_find(struct values *vs, const struct crypto_keyring *kr,
			 int ti, uint64_t rank, struct buf *b, struct buf *key);

/* Draws a value of types[ti] for a corpus of reports: call centre, body
 * or seen once (*single counts those). */
uint64_t draw_rank(struct bench_rng *r, int ti, size_t reports,
		   uint64_t *single);

/* Draws a type (an index in types[]) by its share. */
int draw_type(struct bench_rng *r);

/* Draws the corpus: nreports reports and PER_REPORT times as many
 * indicators, no value twice in a report; caller never frees (it lives as
 * long as the run). */
void generate(struct corpus *cp, const struct crypto_keyring *kr,
	      size_t nreports);

#endif

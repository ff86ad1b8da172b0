/*
 * What the files of intel_normalise share: each type's normaliser gets the
 * value trimmed, valid UTF-8 and at most INTEL_VALUE_MAX characters, and
 * out empty; on failure it sets *why to a static reason.
 */
#ifndef ATIP_INTEL_INTEL_NORM_INT_H
#define ATIP_INTEL_INTEL_NORM_INT_H

#include "intel/intel_norm.h"

/* Bytes of a value of at most 2000 characters, with its NUL. */
enum { NORM_VALUE_BYTES = 4 * 2000 + 1 };

bool intel_norm_handle(const char *v, const char *platform, struct buf *out,
		       const char **why);
bool intel_norm_messaging(const char *v, const char *app, const char *region,
			  struct buf *out, const char **why);
bool intel_norm_wallet(const char *v, const char *chain, struct buf *out,
		       const char **why);

/* Appends p[0..n) to out; false with *why when out is full. */
bool intel_norm_put(struct buf *out, const char *p, size_t n, const char **why);

/*
 * Splits a canonical URL (intel_normalise's INTEL_URL key) into its host,
 * its path and its query (without the "?"; "" when none), views into url.
 */
void intel_url_parts(const char *url, struct str *host, struct str *path,
		     struct str *query);

/* The value of the query's parameter name, percent-decoded into out
 * (size cap); false when absent, empty or too long. */
bool intel_query_param(struct str query, const char *name, char *out,
		       size_t cap);

/* The SimHash of text and how many words it has. */
uint64_t intel_simhash_words(const char *text, size_t *words);

#endif

/* Text input: UTF-8 validation and Unicode NFC normalisation (ICU). */
#ifndef ATIP_BASE_TEXT_H
#define ATIP_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum text_result {
	TEXT_OK,      /* valid and already NFC; *out is NULL */
	TEXT_CHANGED, /* valid; *out holds the NFC form, caller frees */
	TEXT_INVALID, /* not well-formed UTF-8 */
};

/* Validates p[0..len) as UTF-8 and normalises it to NFC. */
enum text_result text_nfc(const char *p, size_t len, char **out,
			  size_t *outlen);

/* text_clean() flags. */
enum {
	TEXT_LINES =
		1 << 0, /* keep line breaks and tabs ("\r\n" becomes "\n") */
};

/*
 * Cleans one text field the way every module takes text: ASCII whitespace
 * trimmed from both ends, valid UTF-8, NFC, 1 to max_chars code points, no
 * control characters (but line breaks and tabs with TEXT_LINES), line or
 * paragraph separators, or bidirectional overrides, embeddings and
 * isolates (which can make text display as other text).  Returns the
 * clean text in arena memory, "" for empty input; or NULL with *why, an
 * arena sentence fragment for the API ("must be at most 200 characters").
 */
const char *text_clean(struct arena *a, const char *in, size_t max_chars,
		       unsigned flags, const char **why);

/*
 * The code point at p[*i] of well-formed UTF-8; moves *i past it.
 */
uint32_t text_next_cp(const unsigned char *p, size_t *i);

/* True for the code points text_clean() refuses in any text. */
bool text_refused_cp(uint32_t c);

/*
 * Lists kept in one column: "a,b" or, framed, ",a,b," (so that one LIKE
 * '%,x,%' finds an item).  Items hold no commas.  Arena memory.
 */
const char *text_join(struct arena *a, const char *const *v, size_t n,
		      bool framed);

/* The items of a joined list (empty ones skipped), in arena memory. */
void text_split(struct arena *a, const char *s, const char ***out, size_t *n);

/* The index of s among names[0..n), or -1 (also for s NULL). */
int text_find(const char *const *names, int n, const char *s);

#endif

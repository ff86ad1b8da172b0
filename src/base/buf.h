/*
 * Strings.  struct str is a non-owning view (pointer and length).
 * struct buf owns a growing, always NUL-terminated byte string that refuses
 * to grow past its max: input-sized data fails cleanly instead of eating
 * memory.
 */
#ifndef ATIP_BASE_BUF_H
#define ATIP_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct str {
	const char *p;
	size_t len;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

/* Returns a view of the NUL-terminated s (an empty view for NULL). */
struct str str_of(const char *s);

/* True when a and b hold the same bytes. */
bool str_eq(struct str a, struct str b);

/* True when a and the NUL-terminated b hold the same bytes. */
bool str_eqs(struct str a, const char *b);

/* True when s begins with prefix. */
bool str_starts(struct str s, const char *prefix);

/* True when a and b are equal ignoring ASCII case. */
bool str_caseeq(struct str a, const char *b);

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max; /* 0: no limit */
};

/* Prepares an empty buffer that will refuse to hold more than max bytes. */
void buf_init(struct buf *b, size_t max);

/* Appends p[0..len); false (and b unchanged) when max would be passed. */
bool buf_add(struct buf *b, const void *p, size_t len);

/* Appends a NUL-terminated string. */
bool buf_adds(struct buf *b, const char *s);

/* Appends formatted text. */
bool buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Frees the buffer's memory. */
void buf_release(struct buf *b);

/*
 * Appends the whole file at path.  False, with errno set, when it cannot
 * be opened or read, or (EFBIG) when it would pass b's max; b then holds
 * what was read so far.
 */
bool buf_read_file(struct buf *b, const char *path);

/* Returns the contents as a heap string and empties b; caller frees. */
char *buf_detach(struct buf *b, size_t *len);

/*
 * Parses a decimal integer in [min, max] from the whole of s.  Returns
 * false on any other input (empty, sign errors, trailing bytes, overflow).
 */
bool str_to_i64(struct str s, long long min, long long max, long long *out);

#endif

/*
 * Allocation helpers.  Allocation failure is not an error atip can recover
 * from, so these abort instead of returning NULL.
 */
#ifndef ATIP_BASE_MEM_H
#define ATIP_BASE_MEM_H

#include <stddef.h>

/* Returns zeroed heap memory; caller frees. Aborts on failure. */
void *xcalloc(size_t n, size_t size);

/* Returns heap memory; caller frees. Aborts on failure. */
void *xmalloc(size_t size);

/* Resizes p; aborts on failure. */
void *xrealloc(void *p, size_t size);

/* Returns a heap copy of s; caller frees. */
char *xstrdup(const char *s);

/* Returns a NUL-terminated heap copy of p[0..len); caller frees. */
char *xstrndup(const char *p, size_t len);

#endif

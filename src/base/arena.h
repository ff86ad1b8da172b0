/*
 * A bump allocator.  Each HTTP request owns one; everything of request
 * lifetime is allocated from it and released at once by arena_clear().
 * Nothing long-lived may point into an arena.
 */
#ifndef ATIP_BASE_ARENA_H
#define ATIP_BASE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes handed out since the last clear */
};

/* Prepares an empty arena; allocates nothing until first use. */
void arena_init(struct arena *a);

/* Returns zeroed arena memory of size bytes, aligned for any type. */
void *arena_alloc(struct arena *a, size_t size);

/* Returns an arena copy of p[0..len), NUL-terminated. */
char *arena_strndup(struct arena *a, const char *p, size_t len);

/*
 * Room for one more item in v, an array of *cap items of size bytes with
 * n in use: v itself while there is room, else an arena copy twice as
 * large (*cap doubled).
 */
void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);

/* Returns an arena copy of the NUL-terminated s; NULL for NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* Returns an arena string formatted like printf. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees every chunk except the first, which is kept for reuse. */
void arena_clear(struct arena *a);

/* Frees all memory of the arena. */
void arena_release(struct arena *a);

#endif

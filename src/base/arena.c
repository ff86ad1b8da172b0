#include "base/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { ARENA_CHUNK = 8192 };

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

static struct arena_chunk *
chunk_new(size_t size, struct arena_chunk *next)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + size);

	c->next = next;
	c->size = size;
	return c;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	size_t align = alignof(max_align_t);
	size_t need = (size + align - 1) & ~(align - 1);
	void *p;

	if (need < size)
		abort();
	if (need > ARENA_CHUNK / 4) {
		/* Big blocks get their own chunk behind the current head. */
		struct arena_chunk *c = chunk_new(need, NULL);

		if (a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			a->head = c;
			a->used = need;
		}
		a->total += need;
		memset(c->data, 0, need);
		return c->data;
	}
	if (!a->head || a->head->size - a->used < need) {
		a->head = chunk_new(ARENA_CHUNK, a->head);
		a->used = 0;
	}
	p = a->head->data + a->used;
	a->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

char *
arena_strndup(struct arena *a, const char *p, size_t len)
{
	char *s = arena_alloc(a, len + 1);

	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

void *
arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	void *more;

	if (n < *cap)
		return v;
	more = arena_alloc(a, 2 * *cap * size);
	memcpy(more, v, *cap * size);
	*cap *= 2;
	return more;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	s = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void
arena_clear(struct arena *a)
{
	struct arena_chunk *keep = NULL, *c = a->head, *next;

	/* Keep one standard chunk so a reused arena rarely calls malloc. */
	for (; c; c = next) {
		next = c->next;
		if (!keep && c->size == ARENA_CHUNK)
			keep = c;
		else
			free(c);
	}
	a->head = keep;
	if (keep)
		keep->next = NULL;
	a->used = 0;
	a->total = 0;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}

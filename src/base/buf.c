#include "base/buf.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"

struct str
str_of(const char *s)
{
	return (struct str){ s ? s : "", s ? strlen(s) : 0 };
}

bool
str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len));
}

bool
str_eqs(struct str a, const char *b)
{
	return str_eq(a, str_of(b));
}

bool
str_starts(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && !memcmp(s.p, prefix, n);
}

bool
str_caseeq(struct str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && !strncasecmp(a.p, b, n);
}

void
buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static bool
grow(struct buf *b, size_t add)
{
	size_t need = b->len + add + 1, cap;

	if (need < b->len || (b->max && b->len + add > b->max))
		return false;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
	return true;
}

bool
buf_add(struct buf *b, const void *p, size_t len)
{
	if (!grow(b, len))
		return false;
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return true;
}

bool
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

bool
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(b, (size_t)n))
		return false;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
buf_release(struct buf *b)
{
	free(b->p);
	buf_init(b, b->max);
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p = b->p ? b->p : xstrdup("");

	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

bool
str_to_i64(struct str s, long long min, long long max, long long *out)
{
	char tmp[32], *end;
	long long v;

	if (s.len == 0 || s.len >= sizeof(tmp))
		return false;
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	if (tmp[0] != '-' && (tmp[0] < '0' || tmp[0] > '9'))
		return false;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
buf_read_file(struct buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	bool ok = f != NULL;

	while (ok && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (!buf_add(b, chunk, n)) {
			errno = EFBIG;
			ok = false;
		}
	if (ok && ferror(f)) {
		errno = EIO;
		ok = false;
	}
	if (f) {
		int saved = errno;

		fclose(f);
		errno = saved;
	}
	return ok;
}

/* Encoding a record into its CLK (link.h). */
#include "linkage/link.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { VALUE_MAX = 512, TOKENS_MAX = 600, TOKEN_MAX = 24, YEAR_WEIGHT = 3 };

struct tokens {
	char v[TOKENS_MAX][TOKEN_MAX];
	size_t len[TOKENS_MAX];
	unsigned weight[TOKENS_MAX]; /* times the feature's bits per token */
	size_t n;
};

static void
add(struct tokens *t, const char *p, size_t len)
{
	if (t->n == TOKENS_MAX || len >= TOKEN_MAX)
		return;
	memcpy(t->v[t->n], p, len);
	t->weight[t->n] = 1;
	t->len[t->n++] = len;
}

/* A token tagged with what it is ("y" year, "md" day and month...). */
static void
tagged(struct tokens *t, const char *tag, const char *p, size_t len)
{
	char s[TOKEN_MAX];
	size_t n = strlen(tag);

	if (n + len >= sizeof(s))
		return;
	memcpy(s, tag, n);
	memcpy(s + n, p, len);
	add(t, s, n + len);
}

static void
ngrams(const struct link_feature *f, const char *v, size_t len,
       struct tokens *t)
{
	char padded[VALUE_MAX + 2];
	size_t n = f->n;

	if (n > 1) {
		padded[0] = ' ';
		memcpy(padded + 1, v, len);
		padded[len + 1] = ' ';
		len += 2;
	} else {
		memcpy(padded, v, len);
	}
	for (size_t i = 0; i + n <= len; i++) {
		char tok[TOKEN_MAX];
		int k = 0;

		if (f->positional)
			k = snprintf(tok, sizeof(tok), "%zu:", i);
		memcpy(tok + k, padded + i, n);
		add(t, tok, (size_t)k + n);
	}
}

/* Year, year-month, day and month either way round, and the whole date:
 * a swap or a missing day still shares tokens.  The year weighs three
 * tokens: it is what partial records share (a birth year alone), and what
 * tells siblings apart. */
static void
dates(const char *v, size_t len, struct tokens *t)
{
	char md[5];
	bool swap;

	tagged(t, "y", v, 4);
	if (t->n)
		t->weight[t->n - 1] = YEAR_WEIGHT;
	if (len < 7)
		return;
	tagged(t, "ym", v, 7);
	if (len < 10)
		return;
	swap = strncmp(v + 5, v + 8, 2) > 0;
	memcpy(md, v + (swap ? 8 : 5), 2);
	memcpy(md + 2, v + (swap ? 5 : 8), 2);
	tagged(t, "md", md, 4);
	tagged(t, "d", v, 10);
}

static int
by_text(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Puts the words of v in alphabetical order. */
static void
sort_words(struct buf *v)
{
	char *words[VALUE_MAX / 2], *copy = xstrndup(v->p, v->len), *p = copy;
	size_t n = 0;

	while (*p && n < sizeof(words) / sizeof(words[0])) {
		words[n++] = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = 0;
	}
	qsort(words, n, sizeof(*words), by_text);
	buf_reset(v);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_add(v, " ", 1);
		buf_adds(v, words[i]);
	}
	free(copy);
}

/* The feature's value, normalised, in out; false when missing. */
static bool
value_of(const struct link_feature *f,
	 const char *(*value)(const char *column, void *arg), void *arg,
	 struct buf *out)
{
	struct buf one;
	bool any = false;

	buf_init(&one, VALUE_MAX);
	buf_reset(out);
	for (size_t i = 0; i < f->ncolumns; i++) {
		if (!link_norm(f->norm, value(f->columns[i], arg), &one))
			continue;
		if (any && !buf_add(out, " ", 1))
			break;
		if (!buf_add(out, one.p, one.len))
			break;
		any = true;
		if (f->join == LINK_FIRST)
			break;
	}
	buf_release(&one);
	if (any && f->join == LINK_SORTED)
		sort_words(out);
	return any && out->len;
}

size_t
link_encode(const struct link_schema *s,
	    const char *(*value)(const char *column, void *arg), void *arg,
	    uint64_t *clk)
{
	static __thread struct tokens t; /* 15 KiB: not on the stack */
	struct buf v;
	size_t total = 0;

	memset(clk, 0, s->words * sizeof(*clk));
	buf_init(&v, VALUE_MAX);
	for (size_t i = 0; i < s->nfeatures; i++) {
		const struct link_feature *f = &s->features[i];
		unsigned k;

		t.n = 0;
		if (!value_of(f, value, arg, &v))
			continue;
		switch (f->compare) {
		case LINK_NGRAM: ngrams(f, v.p, v.len, &t); break;
		case LINK_EXACT: add(&t, v.p, v.len); break;
		case LINK_DATE: dates(v.p, v.len, &t); break;
		}
		if (!t.n)
			continue;
		k = f->bits_per_token;
		if (!k) {
			k = (unsigned)((f->bits_per_feature + t.n / 2) / t.n);
			k = k ? k : 1;
			k = k > 100 ? 100 : k;
		}
		for (size_t j = 0; j < t.n; j++) {
			uint32_t pos[YEAR_WEIGHT * 100];
			unsigned kj = k * t.weight[j];

			crypto_link_positions(f->key, t.v[j], t.len[j], s->bits,
					      pos, kj);
			for (unsigned b = 0; b < kj; b++)
				clk[pos[b] >> 6] |= 1ULL << (pos[b] & 63);
		}
		total += t.n;
	}
	buf_release(&v);
	return total;
}

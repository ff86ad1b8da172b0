/*
 * Blocking for sets too large to compare every pair: Hamming LSH.  Each of
 * TABLES tables samples BAND bit positions of the CLK; records whose
 * sampled bits agree fall in one bucket, and only pairs sharing a bucket
 * are compared.  Two CLKs that differ in h of l bits share a table with
 * probability (1 - h/l)^BAND, so near pairs meet in some table and far
 * pairs almost never do.  A pair meeting in several tables is compared in
 * the first only.
 */
#include "linkage/link.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { TABLES = 64, BAND = 24, BUCKET_MAX = 4096 };

struct keyed {
	uint32_t key, at;
};

struct plan {
	const struct link_set *a, *b;
	uint16_t pos[TABLES][BAND];
	uint32_t *keys_a, *keys_b; /* [record][table] */
	/* Each table's buckets too full to compare, by key, ascending. */
	uint32_t *skipped[TABLES];
	size_t nskipped[TABLES];
	double t;
	bool counting; /* the first pass: finding the full buckets */
	int next;      /* the next table to take, under lock */
	pthread_mutex_t lock;
};

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
key_of(const uint64_t *clk, const uint16_t *pos)
{
	uint32_t k = 0;

	for (int i = 0; i < BAND; i++)
		k = k << 1 | (uint32_t)(clk[pos[i] >> 6] >> (pos[i] & 63) & 1);
	return k;
}

static void
keys(const struct plan *p, const struct link_set *s, uint32_t *out)
{
	for (size_t i = 0; i < s->n; i++)
		for (int t = 0; t < TABLES; t++)
			out[i * TABLES + (size_t)t] =
				key_of(s->bits + i * s->words, p->pos[t]);
}

/* Radix sort on the key, 8 bits a pass. */
static void
sort_keyed(struct keyed *v, struct keyed *tmp, size_t n)
{
	for (int shift = 0; shift < BAND; shift += 8) {
		size_t count[257] = { 0 };

		for (size_t i = 0; i < n; i++)
			count[(v[i].key >> shift & 0xff) + 1]++;
		for (int i = 0; i < 256; i++)
			count[i + 1] += count[i];
		for (size_t i = 0; i < n; i++)
			tmp[count[v[i].key >> shift & 0xff]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
	}
}

static bool
skipped(const struct plan *p, int t, uint32_t key)
{
	size_t lo = 0, hi = p->nskipped[t];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->skipped[t][mid] == key)
			return true;
		if (p->skipped[t][mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Were records i and j compared in an earlier table? */
static bool
met_before(const struct plan *p, size_t i, size_t j, int table)
{
	const uint32_t *ka = p->keys_a + i * TABLES;
	const uint32_t *kb = p->keys_b + j * TABLES;

	for (int t = 0; t < table; t++)
		if (ka[t] == kb[t] && !skipped(p, t, ka[t]))
			return true;
	return false;
}

static void
table(struct plan *p, int t, struct keyed *va, struct keyed *vb,
      struct keyed *tmp, struct link_pairs *out)
{
	const struct link_set *a = p->a, *b = p->b;
	size_t i = 0, j = 0;

	for (size_t k = 0; k < a->n; k++)
		va[k] = (struct keyed){ p->keys_a[k * TABLES + (size_t)t],
					(uint32_t)k };
	for (size_t k = 0; k < b->n; k++)
		vb[k] = (struct keyed){ p->keys_b[k * TABLES + (size_t)t],
					(uint32_t)k };
	sort_keyed(va, tmp, a->n);
	sort_keyed(vb, tmp, b->n);
	while (i < a->n && j < b->n) {
		size_t ie = i, je = j;

		if (va[i].key != vb[j].key) {
			if (va[i].key < vb[j].key)
				i++;
			else
				j++;
			continue;
		}
		while (ie < a->n && va[ie].key == va[i].key)
			ie++;
		while (je < b->n && vb[je].key == vb[j].key)
			je++;
		/* A bucket this full holds CLKs empty where it samples:
		 * nothing is learnt from it.  The first pass notes it, so
		 * that later tables do not take its pairs as compared. */
		if ((ie - i) * (je - j) >
		    (size_t)BUCKET_MAX * BUCKET_MAX / 16) {
			if (p->counting) {
				size_t n = p->nskipped[t];

				p->skipped[t] = xrealloc(
					p->skipped[t],
					(n + 1) * sizeof(*p->skipped[t]));
				p->skipped[t][p->nskipped[t]++] = va[i].key;
			}
		} else if (!p->counting) {
			for (size_t x = i; x < ie; x++)
				for (size_t y = j; y < je; y++) {
					size_t ra = va[x].at, rb = vb[y].at;
					double d;

					if (met_before(p, ra, rb, t))
						continue;
					out->compared++;
					d = link_dice(a->bits + ra * a->words,
						      b->bits + rb * b->words,
						      a->words);
					if (d >= p->t)
						link_pairs_add(out, a->id[ra],
							       b->id[rb],
							       (float)d);
				}
		}
		i = ie;
		j = je;
	}
}

struct worker {
	struct plan *p;
	struct link_pairs out;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct plan *p = w->p;
	size_t most = p->a->n > p->b->n ? p->a->n : p->b->n;
	struct keyed *va = xcalloc(p->a->n + 1, sizeof(*va));
	struct keyed *vb = xcalloc(p->b->n + 1, sizeof(*vb));
	struct keyed *tmp = xcalloc(most + 1, sizeof(*tmp));

	for (;;) {
		int t;

		pthread_mutex_lock(&p->lock);
		t = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (t >= TABLES)
			break;
		table(p, t, va, vb, tmp, &w->out);
	}
	free(va);
	free(vb);
	free(tmp);
	return NULL;
}

void
link_match_blocked(const struct link_set *a, const struct link_set *b,
		   double threshold, int threads, struct link_pairs *out)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	struct worker w[64];
	pthread_t tid[64];
	uint64_t seed = 0x61746970; /* fixed: runs are repeatable */

	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	p->a = a;
	p->b = b;
	p->t = threshold;
	pthread_mutex_init(&p->lock, NULL);
	for (int t = 0; t < TABLES; t++)
		for (int i = 0; i < BAND; i++)
			p->pos[t][i] =
				(uint16_t)(splitmix(&seed) % (a->words * 64));
	p->keys_a = xcalloc(a->n * TABLES + 1, sizeof(uint32_t));
	p->keys_b = xcalloc(b->n * TABLES + 1, sizeof(uint32_t));
	keys(p, a, p->keys_a);
	keys(p, b, p->keys_b);
	for (int pass = 0; pass < 2; pass++) {
		p->counting = pass == 0;
		p->next = 0;
		for (int i = 0; i < threads; i++) {
			w[i] = (struct worker){ .p = p };
			if (i > 0 && pthread_create(&tid[i], NULL, work, &w[i]))
				abort();
		}
		work(&w[0]);
		for (int i = 1; i < threads; i++)
			pthread_join(tid[i], NULL);
	}
	for (int i = 0; i < threads; i++) {
		for (size_t k = 0; k < w[i].out.n; k++)
			link_pairs_add(out, w[i].out.v[k].a, w[i].out.v[k].b,
				       w[i].out.v[k].score);
		out->compared += w[i].out.compared;
		link_pairs_release(&w[i].out);
	}
	pthread_mutex_destroy(&p->lock);
	for (int t = 0; t < TABLES; t++)
		free(p->skipped[t]);
	free(p->keys_a);
	free(p->keys_b);
	free(p);
}

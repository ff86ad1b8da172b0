/*
 * Comparing CLKs.  The Dice coefficient 2|a&b| / (|a| + |b|) needs the
 * popcount of a&b only: |a| and |b| are kept.  A pair cannot reach the
 * threshold t when |b| lies outside [|a| t / (2 - t), |a| (2 - t) / t], so
 * with b sorted by popcount each query compares one contiguous range.
 * Queries and candidates are taken in tiles that stay in cache, queries
 * shared among threads.  The kernels use AVX-512 VPOPCNTQ, else AVX2
 * (nibble lookup), else the popcnt instruction, chosen once at run time.
 */
#include "linkage/link.h"

#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { QUERY_TILE = 64, CAND_TILE = 2048 };

typedef uint32_t (*and_pop_fn)(const uint64_t *a, const uint64_t *b,
			       unsigned words);

__attribute__((target("popcnt"))) static uint32_t
and_pop_popcnt(const uint64_t *a, const uint64_t *b, unsigned words)
{
	uint32_t c = 0;

	for (unsigned i = 0; i < words; i++)
		c += (uint32_t)__builtin_popcountll(a[i] & b[i]);
	return c;
}

__attribute__((target("avx2"))) static uint32_t
and_pop_avx2(const uint64_t *a, const uint64_t *b, unsigned words)
{
	const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2,
					       3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2,
					       2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
	const __m256i low = _mm256_set1_epi8(0x0f);
	__m256i acc = _mm256_setzero_si256();
	unsigned i = 0;
	uint64_t out[4];
	uint32_t c;

	for (; i + 4 <= words; i += 4) {
		__m256i x = _mm256_and_si256(
			_mm256_loadu_si256((const __m256i *)(a + i)),
			_mm256_loadu_si256((const __m256i *)(b + i)));
		__m256i n = _mm256_add_epi8(
			_mm256_shuffle_epi8(table, _mm256_and_si256(x, low)),
			_mm256_shuffle_epi8(
				table, _mm256_and_si256(_mm256_srli_epi16(x, 4),
							low)));

		acc = _mm256_add_epi64(
			acc, _mm256_sad_epu8(n, _mm256_setzero_si256()));
	}
	_mm256_storeu_si256((__m256i *)out, acc);
	c = (uint32_t)(out[0] + out[1] + out[2] + out[3]);
	for (; i < words; i++)
		c += (uint32_t)__builtin_popcountll(a[i] & b[i]);
	return c;
}

__attribute__((target("avx512f,avx512vpopcntdq"))) static uint32_t
and_pop_avx512(const uint64_t *a, const uint64_t *b, unsigned words)
{
	__m512i acc = _mm512_setzero_si512();

	for (unsigned i = 0; i < words; i += 8) {
		__mmask8 m = words - i >= 8
				     ? 0xff
				     : (__mmask8)((1u << (words - i)) - 1);

		acc = _mm512_add_epi64(
			acc, _mm512_popcnt_epi64(_mm512_and_si512(
				     _mm512_maskz_loadu_epi64(m, a + i),
				     _mm512_maskz_loadu_epi64(m, b + i))));
	}
	return (uint32_t)_mm512_reduce_add_epi64(acc);
}

/*
 * |q & c_i| for n consecutive CLKs c of words words into out: the query
 * stays in registers and no call is made per pair.
 */
typedef void (*count_fn)(const uint64_t *q, const uint64_t *c, size_t n,
			 unsigned words, uint32_t *out);

__attribute__((target("avx512f,avx512vpopcntdq"))) static void
count_avx512(const uint64_t *q, const uint64_t *c, size_t n, unsigned words,
	     uint32_t *out)
{
	if (words == 16) { /* 1024 bits: two registers */
		__m512i q0 = _mm512_loadu_si512(q),
			q1 = _mm512_loadu_si512(q + 8);

		for (size_t i = 0; i < n; i++, c += 16) {
			__m512i a = _mm512_popcnt_epi64(
				_mm512_and_si512(q0, _mm512_loadu_si512(c)));
			__m512i b = _mm512_popcnt_epi64(_mm512_and_si512(
				q1, _mm512_loadu_si512(c + 8)));

			out[i] = (uint32_t)_mm512_reduce_add_epi64(
				_mm512_add_epi64(a, b));
		}
		return;
	}
	for (size_t i = 0; i < n; i++, c += words)
		out[i] = and_pop_avx512(q, c, words);
}

__attribute__((target("avx2"))) static void
count_avx2(const uint64_t *q, const uint64_t *c, size_t n, unsigned words,
	   uint32_t *out)
{
	for (size_t i = 0; i < n; i++, c += words)
		out[i] = and_pop_avx2(q, c, words);
}

__attribute__((target("popcnt"))) static void
count_popcnt(const uint64_t *q, const uint64_t *c, size_t n, unsigned words,
	     uint32_t *out)
{
	for (size_t i = 0; i < n; i++, c += words)
		out[i] = and_pop_popcnt(q, c, words);
}

uint32_t
link_common_scalar(const uint64_t *a, const uint64_t *b, unsigned words)
{
	uint32_t c = 0;

	for (unsigned i = 0; i < words; i++) {
		uint64_t x = a[i] & b[i];

		x = x - ((x >> 1) & 0x5555555555555555ULL);
		x = (x & 0x3333333333333333ULL) +
		    ((x >> 2) & 0x3333333333333333ULL);
		x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
		c += (uint32_t)((x * 0x0101010101010101ULL) >> 56);
	}
	return c;
}

static void
count_scalar(const uint64_t *q, const uint64_t *c, size_t n, unsigned words,
	     uint32_t *out)
{
	for (size_t i = 0; i < n; i++, c += words)
		out[i] = link_common_scalar(q, c, words);
}

static and_pop_fn kernel;
static count_fn counter;
static const char *kernel_name;
static pthread_once_t kernel_once = PTHREAD_ONCE_INIT;

static void
choose_kernel(void)
{
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512vpopcntdq")) {
		kernel = and_pop_avx512;
		counter = count_avx512;
		kernel_name = "avx512";
	} else if (__builtin_cpu_supports("avx2")) {
		kernel = and_pop_avx2;
		counter = count_avx2;
		kernel_name = "avx2";
	} else if (__builtin_cpu_supports("popcnt")) {
		kernel = and_pop_popcnt;
		counter = count_popcnt;
		kernel_name = "popcnt";
	} else {
		kernel = link_common_scalar;
		counter = count_scalar;
		kernel_name = "scalar";
	}
}

static and_pop_fn
and_pop(void)
{
	pthread_once(&kernel_once, choose_kernel);
	return kernel;
}

const char *
link_kernel(void)
{
	and_pop();
	return kernel_name;
}

uint32_t
link_popcount(const uint64_t *a, unsigned words)
{
	return and_pop()(a, a, words);
}

static double
dice(uint32_t common, uint32_t pa, uint32_t pb)
{
	return pa + pb ? 2.0 * common / (pa + pb) : 0.0;
}

double
link_dice(const uint64_t *a, const uint64_t *b, unsigned words)
{
	and_pop_fn f = and_pop();

	return dice(f(a, b, words), f(a, a, words), f(b, b, words));
}

double
link_dice_scalar(const uint64_t *a, const uint64_t *b, unsigned words)
{
	return dice(link_common_scalar(a, b, words),
		    link_common_scalar(a, a, words),
		    link_common_scalar(b, b, words));
}

void
link_set_init(struct link_set *s, unsigned words)
{
	memset(s, 0, sizeof(*s));
	s->words = words;
}

void
link_set_release(struct link_set *s)
{
	free(s->bits);
	free(s->pop);
	free(s->id);
	memset(s, 0, sizeof(*s));
}

void
link_set_add(struct link_set *s, const uint64_t *clk, uint32_t id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *bits = aligned_alloc(64, cap * s->words * 8);

		if (!bits)
			abort();
		if (s->n)
			memcpy(bits, s->bits, s->n * s->words * 8);
		free(s->bits);
		s->bits = bits;
		s->pop = xrealloc(s->pop, cap * sizeof(*s->pop));
		s->id = xrealloc(s->id, cap * sizeof(*s->id));
		s->cap = cap;
	}
	memcpy(s->bits + s->n * s->words, clk, s->words * 8);
	s->pop[s->n] = link_popcount(clk, s->words);
	s->id[s->n] = id;
	s->n++;
}

struct order {
	uint32_t pop, at;
};

static int
by_pop(const void *x, const void *y)
{
	const struct order *a = x, *b = y;

	if (a->pop != b->pop)
		return a->pop < b->pop ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

void
link_set_sort(struct link_set *s)
{
	struct order *o = xcalloc(s->n ? s->n : 1, sizeof(*o));
	uint64_t *bits = aligned_alloc(64, (s->n ? s->n : 1) * s->words * 8);
	uint32_t *pop = xcalloc(s->n ? s->n : 1, sizeof(*pop));
	uint32_t *id = xcalloc(s->n ? s->n : 1, sizeof(*id));

	if (!bits)
		abort();
	for (size_t i = 0; i < s->n; i++)
		o[i] = (struct order){ s->pop[i], (uint32_t)i };
	qsort(o, s->n, sizeof(*o), by_pop);
	for (size_t i = 0; i < s->n; i++) {
		memcpy(bits + i * s->words, s->bits + o[i].at * s->words,
		       s->words * 8);
		pop[i] = s->pop[o[i].at];
		id[i] = s->id[o[i].at];
	}
	free(o);
	free(s->bits);
	free(s->pop);
	free(s->id);
	s->bits = bits;
	s->pop = pop;
	s->id = id;
	s->cap = s->n ? s->n : 1;
}

void
link_pairs_release(struct link_pairs *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void
link_pairs_add(struct link_pairs *p, uint32_t a, uint32_t b, float score)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = (struct link_pair){ a, b, score };
}

static void
pairs_append(struct link_pairs *to, const struct link_pairs *from)
{
	for (size_t i = 0; i < from->n; i++)
		link_pairs_add(to, from->v[i].a, from->v[i].b,
			       from->v[i].score);
	to->compared += from->compared;
}

/* First index of s->pop[lo..hi) at least v. */
static size_t
lower_bound(const uint32_t *pop, size_t lo, size_t hi, uint32_t v)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pop[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct job {
	const struct link_set *a, *b;
	double t;
	size_t top_k;
	bool dedupe;
	size_t from, to; /* this thread's queries */
	struct link_pairs out;
};

static int
by_query_score(const void *x, const void *y)
{
	const struct link_pair *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/* Keeps the best top_k pairs of each query among p->v[from..). */
static void
keep_top(struct link_pairs *p, size_t from, size_t top_k)
{
	size_t o = from;

	if (p->n == from)
		return; /* p->v may be NULL, which qsort may not take */
	qsort(p->v + from, p->n - from, sizeof(*p->v), by_query_score);
	for (size_t i = from, run = 0; i < p->n; i++) {
		run = (i > from && p->v[i].a == p->v[i - 1].a) ? run + 1 : 0;
		if (run < top_k)
			p->v[o++] = p->v[i];
	}
	p->n = o;
}

static void *
match_part(void *arg)
{
	struct job *j = arg;
	const struct link_set *a = j->a, *b = j->b;
	unsigned w = a->words;
	double t = j->t;
	uint32_t common[CAND_TILE];
	count_fn count;

	and_pop();
	count = counter;

	for (size_t q0 = j->from; q0 < j->to; q0 += QUERY_TILE) {
		size_t q1 = q0 + QUERY_TILE < j->to ? q0 + QUERY_TILE : j->to;
		size_t lo[QUERY_TILE], hi[QUERY_TILE], c_lo = b->n, c_hi = 0;
		size_t mark = j->out.n;

		for (size_t q = q0; q < q1; q++) {
			double pq = a->pop[q];
			uint32_t min = (uint32_t)ceil(pq * t / (2 - t) - 1e-9);
			uint32_t max = (uint32_t)floor(pq * (2 - t) / t + 1e-9);

			lo[q - q0] = lower_bound(b->pop, 0, b->n, min);
			hi[q - q0] =
				lower_bound(b->pop, lo[q - q0], b->n, max + 1);
			if (j->dedupe && lo[q - q0] <= q)
				lo[q - q0] = q + 1;
			if (lo[q - q0] < c_lo)
				c_lo = lo[q - q0];
			if (hi[q - q0] > c_hi)
				c_hi = hi[q - q0];
		}
		for (size_t c0 = c_lo; c0 < c_hi; c0 += CAND_TILE) {
			size_t c1 = c0 + CAND_TILE < c_hi ? c0 + CAND_TILE
							  : c_hi;

			for (size_t q = q0; q < q1; q++) {
				const uint64_t *qa = a->bits + q * w;
				uint32_t pq = a->pop[q];
				size_t s = lo[q - q0] > c0 ? lo[q - q0] : c0;
				size_t e = hi[q - q0] < c1 ? hi[q - q0] : c1;

				if (e > s)
					count(qa, b->bits + s * w, e - s, w,
					      common);
				for (size_t c = s; c < e; c++) {
					uint32_t n = common[c - s];
					uint32_t sum = pq + b->pop[c];

					if (2.0 * n >= t * sum && sum)
						link_pairs_add(
							&j->out, a->id[q],
							b->id[c],
							(float)(2.0 * n / sum));
				}
				j->out.compared += e > s ? e - s : 0;
			}
		}
		if (j->top_k)
			keep_top(&j->out, mark, j->top_k);
	}
	return NULL;
}

void
link_match(const struct link_set *a, const struct link_set *b, double threshold,
	   size_t top_k, bool dedupe, int threads, struct link_pairs *out)
{
	struct job jobs[64];
	pthread_t tid[64];
	size_t per;

	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	if ((size_t)threads > a->n / QUERY_TILE + 1)
		threads = (int)(a->n / QUERY_TILE + 1);
	/* With dedupe the early queries have the longer ranges. */
	per = (a->n + (size_t)threads - 1) / (size_t)threads;
	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct job){ .a = a,
					.b = b,
					.t = threshold,
					.top_k = top_k,
					.dedupe = dedupe };
		jobs[i].from = (size_t)i * per < a->n ? (size_t)i * per : a->n;
		jobs[i].to = jobs[i].from + per < a->n ? jobs[i].from + per
						       : a->n;
		if (i > 0 &&
		    pthread_create(&tid[i], NULL, match_part, &jobs[i]))
			abort();
	}
	match_part(&jobs[0]);
	for (int i = 0; i < threads; i++) {
		if (i > 0)
			pthread_join(tid[i], NULL);
		pairs_append(out, &jobs[i].out);
		link_pairs_release(&jobs[i].out);
	}
}

static int
by_score(const void *x, const void *y)
{
	const struct link_pair *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

void
link_one_to_one(struct link_pairs *p)
{
	uint32_t max_a = 0, max_b = 0;
	unsigned char *used_a, *used_b;
	size_t o = 0;

	for (size_t i = 0; i < p->n; i++) {
		max_a = p->v[i].a > max_a ? p->v[i].a : max_a;
		max_b = p->v[i].b > max_b ? p->v[i].b : max_b;
	}
	used_a = xcalloc((size_t)max_a + 1, 1);
	used_b = xcalloc((size_t)max_b + 1, 1);
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), by_score);
	for (size_t i = 0; i < p->n; i++) {
		if (used_a[p->v[i].a] || used_b[p->v[i].b])
			continue;
		used_a[p->v[i].a] = used_b[p->v[i].b] = 1;
		p->v[o++] = p->v[i];
	}
	p->n = o;
	free(used_a);
	free(used_b);
}

/*
 * What the benchmarks share (bench.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static uint64_t seed = 88172645463325252ull;

double
bench_uniform(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (double)(seed >> 11) / (double)(1ull << 53);
}

size_t
bench_zipf(size_t n)
{
	double h = 0, x;

	for (size_t i = 0; i < n; i++)
		h += 1.0 / (double)(i + 1);
	x = bench_uniform() * h;
	for (size_t i = 0; i < n; i++) {
		x -= 1.0 / (double)(i + 1);
		if (x < 0)
			return i;
	}
	return n - 1;
}

size_t
bench_below(size_t n)
{
	size_t i = (size_t)(bench_uniform() * (double)n);

	return i < n ? i : n - 1;
}

uint64_t
bench_bits(void)
{
	return seed;
}

void
bench_reseed(uint64_t s)
{
	seed = s;
}

uint64_t
bench_rng_next(struct bench_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
bench_rng_unit(struct bench_rng *r)
{
	return (double)(bench_rng_next(r) >> 11) / 9007199254740992.0;
}

size_t
bench_rng_below(struct bench_rng *r, size_t n)
{
	return (size_t)(bench_rng_next(r) % n);
}

/* The seconds of clock c. */
static double
seconds(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
bench_now_s(void)
{
	return seconds(CLOCK_MONOTONIC);
}

double
bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double
bench_cpu_s(void)
{
	return seconds(CLOCK_PROCESS_CPUTIME_ID);
}

int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
bench_percentile(double *v, long n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return v[(long)(p * (double)(n - 1) + 0.5)];
}

size_t
bench_keep(char *p, size_t size, size_t n, void *arg)
{
	struct bench_body *b = arg;
	char *q = realloc(b->p, b->len + size * n + 1);

	if (!q)
		return 0;
	memcpy(q + b->len, p, size * n);
	b->p = q;
	b->len += size * n;
	b->p[b->len] = '\0';
	return size * n;
}

size_t
bench_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	*(size_t *)arg += size * n;
	return size * n;
}

/*
 * What the benchmarks share: the fixed-seed generators their data sets are
 * drawn from, clocks, the percentile of their latency tables, and libcurl
 * write callbacks.  The generators must stay as they are to the bit: every
 * generated data set, and so every figure in bench/'s notes, depends on them.
 */
#ifndef ATIP_BENCH_BENCH_H
#define ATIP_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* The next of one fixed xorshift64 sequence, uniform in [0, 1). */
double bench_uniform(void);
/* An index from 0 to n - 1 on bench_uniform(), rank r with weight 1/(r+1). */
size_t bench_zipf(size_t n);
/* An index from 0 to n - 1 on bench_uniform(). */
size_t bench_below(size_t n);
/* The xorshift64 state as it stands, 64 bits drawing nothing. */
uint64_t bench_bits(void);
/* Restarts the bench_uniform() sequence from state s, not 0. */
void bench_reseed(uint64_t s);

/* splitmix64, one sequence a seed: struct bench_rng r = { seed }. */
struct bench_rng {
	uint64_t s;
};

/* The next 64 bits of r. */
uint64_t bench_rng_next(struct bench_rng *r);
/* The next of r uniform in [0, 1), from its top 53 bits. */
double bench_rng_unit(struct bench_rng *r);
/* The next of r from 0 to n - 1, as bench_rng_next(r) % n. */
size_t bench_rng_below(struct bench_rng *r, size_t n);

/* Monotonic seconds. */
double bench_now_s(void);
/* Monotonic milliseconds. */
double bench_now_ms(void);
/* CPU seconds of this process: against wall time, what a phase waited for. */
double bench_cpu_s(void);

/* qsort()'s comparison of two doubles, ascending. */
int bench_cmp_double(const void *a, const void *b);
/* Sorts v[0..n) and gives v[round(p * (n - 1))], p from 0 to 1. */
double bench_percentile(double *v, long n, double p);

/* A response body, NUL-terminated; { 0 } empty, p free()d by the caller. */
struct bench_body {
	char *p;
	size_t len;
};

/* A CURLOPT_WRITEFUNCTION appending to the struct bench_body of arg. */
size_t bench_keep(char *p, size_t size, size_t n, void *arg);
/* A CURLOPT_WRITEFUNCTION adding the bytes' count to the size_t of arg. */
size_t bench_discard(char *p, size_t size, size_t n, void *arg);

#endif

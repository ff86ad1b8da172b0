/*
 * bench/search's two halves.
 *
 *   search gen DB ORG N    writes N generated public practices of ORG into
 *                          the SQLite file DB, with atip's own statement
 *   search run DB URL N    N searches with atip's own FTS5 statement run
 *                          directly through the sqlite3 library, then the
 *                          same N searches through atip's HTTP API at URL;
 *                          prints p50 and p95 of each and their ratios
 *
 * Text is drawn from a vocabulary of 4 000 words with a log-uniform
 * (Zipf-like) rank distribution, as words are in real text: 50 very common
 * made-up words first, then the field's own words (English and Nepali),
 * which the searches look for, then rarer made-up words.  The sequence is
 * fixed, so every run holds the same data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "coord/coord_sql.h"
#include "bench.h"

static const char *const words[] = {
	"shelter",     "border",       "referral",	"survivor",
	"counselling", "repatriation", "recruitment",	"agency",
	"passport",    "hotline",      "training",	"identification",
	"district",    "family",       "livelihood",	"legal",
	"court",       "witness",      "online",	"advertisement",
	"job",	       "offer",	       "migrant",	"worker",
	"domestic",    "brick",	       "kiln",		"factory",
	"scam",	       "compound",     "debt",		"bondage",
	"rescue",      "police",       "prosecutor",	"judge",
	"school",      "awareness",    "village",	"community",
	"follow-up",   "visit",	       "reintegration", "psychosocial",
	"medical",     "helpline",     "screening",	"checklist",
	"मानव",	       "बेचबिखन",       "सुरक्षा",		"पुनर्स्थापना",
	"परामर्श",      "सीमा",	       "प्रहरी",		"अदालत",
};

enum {
	NWORDS = sizeof(words) / sizeof(words[0]),
	NCOMMON = 50, /* ranks before the field's words */
	NVOCAB = 4000,
};

/* The word of a rank: made-up ones are syllables spelling the rank. */
static const char *
word_of(unsigned rank, char buf[32])
{
	static const char *const syl[] = { "ka", "ri", "mo", "tu", "ne",
					   "sa", "li", "po", "da", "ve" };
	unsigned r;
	size_t n = 0;

	if (rank >= NCOMMON && rank < NCOMMON + NWORDS)
		return words[rank - NCOMMON];
	r = rank + 1;
	while (r && n + 3 < 32) {
		n += (size_t)snprintf(buf + n, 32 - n, "%s", syl[r % 10]);
		r /= 10;
	}
	return buf;
}

static void
sentence(char *out, size_t size, int n)
{
	size_t len = 0;
	char buf[32];

	out[0] = '\0';
	for (int i = 0; i < n && len + 40 < size; i++) {
		unsigned rank =
			(unsigned)exp(bench_uniform() * log(NVOCAB)) - 1;

		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? " " : "", word_of(rank, buf));
	}
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	char name[8];

	snprintf(name, sizeof(name), "$%d", i);
	if (sqlite3_bind_parameter_index(st, name))
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), s,
				  -1, SQLITE_TRANSIENT);
}

static void
bind_int(sqlite3_stmt *st, int i, long long v)
{
	char name[8];

	snprintf(name, sizeof(name), "$%d", i);
	if (sqlite3_bind_parameter_index(st, name))
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name),
				   v);
}

static sqlite3 *
open_db(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "search: cannot open %s\n", path);
		exit(1);
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static int
gen(const char *path, const char *org, long n)
{
	sqlite3 *db = open_db(path);
	sqlite3_stmt *st;
	char title[256], summary[512], body[4096], id[48];

	if (sqlite3_prepare_v2(db, coord_sql[PRACTICE_INSERT].sql, -1, &st,
			       NULL) != SQLITE_OK) {
		fprintf(stderr, "search: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (long i = 0; i < n; i++) {
		/* Ids sort like atip's UUIDv7 ones, before any new record. */
		snprintf(id, sizeof(id), "00000000-0000-7000-8000-%012ld", i);
		sentence(title, sizeof(title), 6);
		sentence(summary, sizeof(summary), 18);
		sentence(body, sizeof(body), 120);
		sqlite3_reset(st);
		bind_text(st, 1, id);
		bind_text(st, 2, org);
		bind_text(st, 3, "NP");
		bind_text(st, 4, "public");
		sqlite3_bind_null(st, 5);
		bind_text(st, 6, "CLEAR");
		bind_text(st, 7, title);
		bind_text(st, 8, summary);
		bind_text(st, 9, body);
		bind_text(st, 10, "bench (generated)");
		bind_text(st, 11, "NP");
		bind_text(st, 12, i % 2 ? "protection" : "prevention");
		bind_text(st, 13, ",generated,");
		sqlite3_bind_null(st, 14);
		sqlite3_bind_null(st, 15);
		bind_text(st, 16, "2026-11-29T00:00:00.000Z");
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "search: %s\n", sqlite3_errmsg(db));
			return 1;
		}
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

static int
run(const char *path, const char *url, long n)
{
	sqlite3 *db = open_db(path);
	sqlite3_stmt *st;
	double *direct = calloc((size_t)n, sizeof(double));
	double *http = calloc((size_t)n, sizeof(double));
	long hits = 0;
	CURL *curl = curl_easy_init();
	char q[128], link[512];
	double d50, d95, h50, h95;

	if (sqlite3_prepare_v2(db, coord_sql[PRACTICE_SEARCH].sqlite, -1, &st,
			       NULL) != SQLITE_OK) {
		fprintf(stderr, "search: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	for (long i = -20; i < n; i++) { /* 20 warm-up searches */
		const char *w = words[(unsigned long)(i + 20) % NWORDS];
		double t0 = bench_now_ms();

		snprintf(q, sizeof(q), "\"%s\"", w); /* as db_fts_query() */
		sqlite3_reset(st);
		bind_text(st, 1, "");
		bind_text(st, 2, "");
		bind_text(st, 3, "");
		bind_text(st, 4, "");
		bind_text(st, 5, "");
		bind_text(st, 6, "");
		bind_text(st, 7, q);
		bind_int(st, 8, 20);
		bind_int(st, 9, 0);
		while (sqlite3_step(st) == SQLITE_ROW)
			hits += sqlite3_column_bytes(st, 17) > 0;
		if (i >= 0)
			direct[i] = bench_now_ms() - t0;
	}
	for (long i = -20; i < n; i++) {
		const char *w = words[(unsigned long)(i + 20) % NWORDS];
		char *e = curl_easy_escape(curl, w, 0);
		size_t got = 0;
		long status = 0;
		double t0 = bench_now_ms();

		snprintf(link, sizeof(link),
			 "%s/api/v1/practices?q=%s&limit=20", url, e);
		curl_free(e);
		curl_easy_setopt(curl, CURLOPT_URL, link);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, bench_discard);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, &got);
		if (curl_easy_perform(curl) != CURLE_OK ||
		    (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status),
		     status != 200) ||
		    got < 100) {
			fprintf(stderr, "search: %s answered %ld\n", link,
				status);
			return 1;
		}
		if (i >= 0)
			http[i] = bench_now_ms() - t0;
	}
	d50 = bench_percentile(direct, n, 0.50);
	d95 = bench_percentile(direct, n, 0.95);
	h50 = bench_percentile(http, n, 0.50);
	h95 = bench_percentile(http, n, 0.95);
	printf("searches: %ld each way, 20 results a page (%ld rows with a "
	       "snippet read directly)\n",
	       n, hits);
	printf("| path | p50 | p95 |\n|---|---|---|\n");
	printf("| sqlite3 library, same FTS5 statement | %.3f ms | %.3f ms |\n",
	       d50, d95);
	printf("| atip GET /api/v1/practices?q= | %.3f ms | %.3f ms |\n", h50,
	       h95);
	printf("ratio atip/direct: p50 %.2f, p95 %.2f\n", h50 / d50, h95 / d95);
	sqlite3_finalize(st);
	sqlite3_close(db);
	curl_easy_cleanup(curl);
	free(direct);
	free(http);
	return 0;
}

int
main(int argc, char **argv)
{
	long n = argc == 5 ? strtol(argv[4], NULL, 10) : 0;

	if (argc != 5 || n < 1) {
		fprintf(stderr,
			"usage: search gen DB ORG N | search run DB URL "
			"N\n");
		return 2;
	}
	if (!strcmp(argv[1], "gen"))
		return gen(argv[2], argv[3], n);
	if (!strcmp(argv[1], "run"))
		return run(argv[2], argv[3], n);
	fprintf(stderr, "search: gen or run\n");
	return 2;
}

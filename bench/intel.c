/*
 * bench/intel's helper: ingesting indicators with correlation on, next to a
 * plain bulk insert of the same rows, then correlating values.
 *
 *   intel DIR [--reports N] [--lookups N] [--repeat N]
 *
 * DIR (empty, mode 0700) receives a data directory: a keyring, atip.db
 * migrated with atip's own migrations, six fictional organisations (two in
 * India, two in Nepal, one in Sri Lanka, one in Bangladesh) with one
 * investigator each.  Then, all drawn from fixed seeds:
 *
 *   generate  N reports (default 100 000) and 10 N indicators (2 to 18 a
 *             report), the value of each drawn per type from three tiers:
 *             8 "call centre" values per type for phones, messaging ids and
 *             domains (3 % of their indicators, thousands of reports each),
 *             a body with a square-root rank skew (most values in 1 to 10
 *             reports, a few hundred above INTEL_CORRELATION_MAX), and 28 %
 *             values seen once.  Values are written in several forms
 *             (national and international phone numbers, @handles and
 *             profile URLs, upper-case domains, ...) so that only the
 *             normaliser makes them meet.  Every distinct value's key is
 *             computed once, untimed, for the reference.
 *   atip      intel_report_create + intel_indicators_add for every report,
 *             100 reports to a transaction (db_tx): normalised, stored,
 *             intel_values bumped.
 *   plain     the same report and indicator rows, with the keys computed
 *             beforehand, into a copy of the database as it was before the
 *             atip run (same schema and indexes), one transaction,
 *             prepared statements, sqlite3 directly: nothing normalised,
 *             no intel_values.
 *   lookups   L values (default 10 000) drawn like the indicators (so
 *             misses, linked and common values come in their proportions):
 *             intel_correlate for an investigator of the Kathmandu
 *             organisation, next to atip's own IND_BY_VALUE (IND_NEAR_AD
 *             for ads) run directly on a read-only connection, in turns.
 *   add       one phone indicator added to a new report (rolled back each
 *             time) when its value is already in about 1, 10, 100, 1000
 *             reports, and in the most: REPEAT times (default 200) each.
 *
 * The last line holds the figures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "app.h"
#include "auth/auth.h"
#include "base/iso.h"
#include "base/log.h"
#include "base/mem.h"
#include "intel/intel.h"
#include "intel/intel_sql.h"
#include "intel.h"

/* ---- Set-up: keyring, database, organisations, users ------------------- */

struct user_tx {
	struct org_input org;
	struct auth_user_input in;
	char hash[AUTH_HASH_MAX];
	struct org o;
	struct auth_user u;
	struct auth_errors errs;
	enum err e;
};

static enum db_status
user_tx(struct db_conn *c, void *p)
{
	struct user_tx *x = p;

	x->e = orgs_create(c, &x->org, &x->o);
	if (x->e == ERR_OK) {
		x->in.org_id = x->o.id;
		x->e = auth_user_create(c, &x->in, x->hash, &x->u, &x->errs);
	}
	return db_status_of(x->e);
}

static struct db *
open_db(const char *path)
{
	char err[256];
	struct db *db = db_open(path, err, sizeof(err));

	if (!db)
		die(err);
	return db;
}

static void
setup(const char *dir, struct crypto_keyring **kr)
{
	char err[512], path[4096], email[64], password[64], name[64];
	struct db_migration *list;
	struct db *db;
	size_t n;

	log_set_level(LOG_WARN);
	if (!crypto_init() || !iso_load(err, sizeof(err)))
		die("libsodium or the ISO 3166 data cannot start");
	*kr = crypto_keyring_open(dir, true, err, sizeof(err));
	if (!*kr)
		die(err);
	snprintf(path, sizeof(path), "%s/atip.db", dir);
	db = open_db(path);
	list = app_migrations(&n);
	if (db_migrate(db, list, n, err, sizeof(err)) != DB_OK)
		die(err);
	free(list);
	for (size_t i = 0; i < NORGS; i++) {
		struct user_tx x = { .org = { orgs[i].name, orgs[i].type,
					      orgs[i].country, NULL } };

		snprintf(email, sizeof(email), "investigator%zu@bench.invalid",
			 i);
		snprintf(name, sizeof(name),
			 "Bench Investigator %zu (fictional)", i);
		snprintf(password, sizeof(password),
			 "bench intel pass phrase %zu of six", i);
		x.in = (struct auth_user_input){ NULL,	   email,
						 name,	   "investigator",
						 password, strlen(password) };
		if (auth_user_prepare(&x.in, x.hash, &x.errs) != ERR_OK)
			die("auth_user_prepare refused the bench's user");
		if (db_tx_err(db, user_tx, &x, &x.e) != ERR_OK)
			die("an organisation or its user was not created");
		memcpy(org_rows[i].id, x.o.id, UUID_STR_LEN);
		memcpy(org_rows[i].user, x.u.id, UUID_STR_LEN);
		memcpy(org_rows[i].country, orgs[i].country, 3);
	}
	db_close(db);
}

/* ---- atip: intel_report_create + intel_indicators_add ------------------ */

struct ingest {
	const struct corpus *cp;
	const struct crypto_keyring *kr;
	size_t from, to;
	struct arena a;
	struct buf b;
	struct coord_errors errs;
	enum err e;
	double t_create, t_add; /* seconds in each call */
};

static struct access_actor
actor_of(size_t org)
{
	return (struct access_actor){ ROLE_INVESTIGATOR, org_rows[org].id,
				      org_rows[org].country, NULL, 0 };
}

/* Creates report i of the corpus on c; *r gets it. */
static enum err
report_create(struct db_conn *c, struct arena *a, const struct corpus *cp,
	      size_t i, struct intel_report *r, struct coord_errors *errs)
{
	const struct report *rp = &cp->reports[i];
	const struct org_row *o = &org_rows[rp->org];
	struct access_actor actor = actor_of(rp->org);
	const char *place = o->country,
		   *platform = handle_platforms[rp->platform];
	struct intel_report_input in = {
		.title = arena_printf(a, "Report %zu (fictional)", i),
		.narrative = "",
		.places = &place,
		.nplaces = 1,
		.has_places = true,
		.platforms = &platform,
		.nplatforms = 1,
		.has_platforms = true,
		.reliability = "C",
		.credibility = 3,
		.level = shares[rp->share].level,
		.tlp = shares[rp->share].tlp,
	};
	struct coord_share owner;

	memset(&owner, 0, sizeof(owner));
	memcpy(owner.owner_org, o->id, UUID_STR_LEN);
	memcpy(owner.owner_country, o->country, 3);
	return intel_report_create(c, a, &actor, &owner, o->user, &in, r, errs);
}

static enum db_status
ingest_tx(struct db_conn *c, void *p)
{
	struct ingest *x = p;
	const struct corpus *cp = x->cp;

	arena_clear(&x->a);
	memset(&x->errs, 0, sizeof(x->errs));
	x->e = ERR_OK;
	for (size_t i = x->from; x->e == ERR_OK && i < x->to; i++) {
		const struct report *rp = &cp->reports[i];
		struct intel_indicator_input *in;
		struct intel_indicator *out;
		struct intel_report r;
		size_t nout;
		double t0 = bench_now_s(), t1;

		x->e = report_create(c, &x->a, cp, i, &r, &x->errs);
		t1 = bench_now_s();
		x->t_create += t1 - t0;
		if (x->e != ERR_OK)
			break;
		in = arena_alloc(&x->a, rp->n * sizeof(*in));
		for (uint32_t k = 0; k < rp->n; k++) {
			const struct row *w = &cp->rows[rp->first + k];
			enum intel_type t = types[w->type].type;

			value_of(&x->b, t, w->rank, w->form,
				 org_rows[rp->org].country, &in[k].qualifier);
			in[k].type = intel_type_name(t);
			in[k].value = arena_strdup(&x->a, x->b.p);
		}
		t0 = bench_now_s();
		x->e = intel_indicators_add(c, &x->a, x->kr, &r,
					    org_rows[rp->org].user, NULL, in,
					    rp->n, &out, &nout, &x->errs);
		x->t_add += bench_now_s() - t0;
		if (x->e == ERR_OK && nout != rp->n) {
			fprintf(stderr,
				"bench intel: report %zu: %zu of %u "
				"indicators added\n",
				i, nout, rp->n);
			x->e = ERR_INTERNAL;
		}
	}
	return db_status_of(x->e);
}

/* Seconds to ingest the corpus through atip, BATCH reports a transaction. */
static double
run_atip(const char *path, const struct corpus *cp,
	 const struct crypto_keyring *kr)
{
	struct db *db = open_db(path);
	struct ingest x = { .cp = cp, .kr = kr };
	double t0;

	arena_init(&x.a);
	buf_init(&x.b, 0);
	t0 = bench_now_s();
	for (x.from = 0; x.from < cp->nreports; x.from = x.to) {
		x.to = x.from + BATCH < cp->nreports ? x.from + BATCH
						     : cp->nreports;
		if (db_tx_err(db, ingest_tx, &x, &x.e) != ERR_OK) {
			for (int i = 0; i < x.errs.n; i++)
				fprintf(stderr, "bench intel: %s %s\n",
					x.errs.v[i].field, x.errs.v[i].message);
			die("atip refused a batch");
		}
	}
	t0 = bench_now_s() - t0;
	printf("atip's time: %.2f s in intel_report_create, %.2f s in "
	       "intel_indicators_add, %.2f s in the rest (writing the values "
	       "as given, BEGIN and COMMIT with their fsyncs and WAL "
	       "checkpoints)\n",
	       x.t_create, x.t_add, t0 - x.t_create - x.t_add);
	arena_release(&x.a);
	buf_release(&x.b);
	db_close(db);
	return t0;
}

/* Seconds to write and normalise every row alone, as intel_indicators_add
 * does (no database): the normaliser's share of atip's time. */
static double
run_normalise(const struct corpus *cp)
{
	struct buf b, key;
	double t0 = bench_now_s();

	buf_init(&b, 0);
	buf_init(&key, 4 * INTEL_VALUE_MAX + 64);
	for (size_t i = 0; i < cp->nreports; i++) {
		const struct report *rp = &cp->reports[i];

		for (uint32_t k = 0; k < rp->n; k++) {
			const struct row *w = &cp->rows[rp->first + k];
			enum intel_type t = types[w->type].type;
			const char *q, *why;

			value_of(&b, t, w->rank, w->form,
				 org_rows[rp->org].country, &q);
			if (!intel_normalise(t, b.p, q,
					     org_rows[rp->org].country, &key,
					     &why))
				die(why);
			if (t == INTEL_AD)
				intel_simhash(b.p);
		}
	}
	t0 = bench_now_s() - t0;
	buf_release(&b);
	buf_release(&key);
	return t0;
}

/* ---- plain: the same rows, sqlite3 directly, one transaction ----------- */

static sqlite3 *
open_sqlite(const char *path, bool ro)
{
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(path, &h,
			    ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(h, 5000) != SQLITE_OK ||
	    sqlite3_exec(h,
			 "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			 "PRAGMA synchronous=FULL;",
			 NULL, NULL, NULL) != SQLITE_OK)
		die(h ? sqlite3_errmsg(h) : "sqlite3_open_v2");
	return h;
}

static sqlite3_stmt *
prepare(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(h));
	return st;
}

/* Binds text s (NULL: SQL NULL) to $n of st. */
static void
bind_text(sqlite3_stmt *st, int n, const char *s)
{
	char name[8];
	int i;

	snprintf(name, sizeof(name), "$%d", n);
	i = sqlite3_bind_parameter_index(st, name);
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_int(sqlite3_stmt *st, int n, long long v)
{
	char name[8];

	snprintf(name, sizeof(name), "$%d", n);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v);
}

static void
step(sqlite3 *h, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(sqlite3_errmsg(h));
	sqlite3_reset(st);
}

static void
plain_report(sqlite3 *h, sqlite3_stmt *st, const struct corpus *cp, size_t i,
	     char id[UUID_STR_LEN], const char *at)
{
	const struct report *rp = &cp->reports[i];
	char title[64], places[8], platform[16];

	uuid_v7(id);
	snprintf(title, sizeof(title), "Report %zu (fictional)", i);
	snprintf(places, sizeof(places), ",%s,", org_rows[rp->org].country);
	snprintf(platform, sizeof(platform), ",%s,",
		 handle_platforms[rp->platform]);
	bind_text(st, 1, id);
	bind_text(st, 2, org_rows[rp->org].id);
	bind_text(st, 3, org_rows[rp->org].country);
	bind_text(st, 4, shares[rp->share].level);
	bind_text(st, 5, NULL);
	bind_text(st, 6, shares[rp->share].tlp);
	bind_text(st, 7, title);
	bind_text(st, 8, "");
	bind_text(st, 9, NULL);
	bind_text(st, 10, NULL);
	bind_text(st, 11, places);
	bind_text(st, 12, "");
	bind_text(st, 13, platform);
	bind_text(st, 14, "C");
	bind_int(st, 15, 3);
	bind_text(st, 16, "H0");
	bind_text(st, 17, NULL);
	bind_text(st, 18, org_rows[rp->org].user);
	bind_text(st, 19, at);
	step(h, st);
}

static void
plain_indicator(sqlite3 *h, sqlite3_stmt *st, const struct corpus *cp,
		const struct row *w, const char *report_id, const char *user,
		const char *at, struct buf *b, const char *region)
{
	enum intel_type t = types[w->type].type;
	char id[UUID_STR_LEN];
	const char *q;

	uuid_v7(id);
	value_of(b, t, w->rank, w->form, region, &q);
	bind_text(st, 1, id);
	bind_text(st, 2, report_id);
	/* As atip stores it: a Telegram handle is its messaging id. */
	if (t == INTEL_HANDLE &&
	    !strncmp(cp->vs.keys[w->key_id], "telegram:", 9))
		t = INTEL_MESSAGING;
	bind_text(st, 3, intel_type_name(t));
	bind_text(st, 4, q);
	bind_text(st, 5, b->p);
	bind_text(st, 6, NULL);
	bind_text(st, 7, cp->vs.keys[w->key_id]);
	if (t == INTEL_AD) {
		uint64_t s = cp->vs.simhash[w->key_id];

		bind_int(st, 8, (long long)s);
		for (int k = 0; k < INTEL_SIMHASH_BLOCKS; k++) {
			int width = k < INTEL_SIMHASH_BLOCKS - 1 ? 9 : 10;

			bind_int(st, 9 + k,
				 (long long)(s & ((1u << width) - 1)));
			s >>= width;
		}
	} else {
		for (int k = 8; k < 16; k++)
			bind_text(st, k, NULL);
	}
	bind_text(st, 16, NULL);
	bind_text(st, 17, user);
	bind_text(st, 18, at);
	step(h, st);
}

/* Seconds to insert the corpus's rows with atip's own insert statements. */
static double
run_plain(const char *path, const struct corpus *cp)
{
	sqlite3 *h = open_sqlite(path, false);
	sqlite3_stmt *rs = prepare(h, intel_sql[REPORT_INSERT].sql),
		     *is = prepare(h, intel_sql[IND_INSERT].sql);
	char rid[UUID_STR_LEN], at[TIME_RFC3339_LEN];
	struct buf b;
	double t0;

	buf_init(&b, 0);
	t0 = bench_now_s();
	if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(h));
	for (size_t i = 0; i < cp->nreports; i++) {
		const struct report *rp = &cp->reports[i];

		time_rfc3339(time_now_ms(), at, sizeof(at));
		plain_report(h, rs, cp, i, rid, at);
		for (uint32_t k = 0; k < rp->n; k++)
			plain_indicator(h, is, cp, &cp->rows[rp->first + k],
					rid, org_rows[rp->org].user, at, &b,
					org_rows[rp->org].country);
	}
	if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(h));
	t0 = bench_now_s() - t0;
	sqlite3_finalize(rs);
	sqlite3_finalize(is);
	sqlite3_close(h);
	buf_release(&b);
	return t0;
}

static long long
count(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = prepare(h, sql);
	long long n;

	if (sqlite3_step(st) != SQLITE_ROW)
		die(sqlite3_errmsg(h));
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * Checks that atip stored every row and normalised every form to the key
 * computed beforehand, and prints how many reports the values are in.
 */
static void
verify(const char *atip, const char *plain, const struct corpus *cp)
{
	sqlite3 *h = open_sqlite(atip, false);
	char sql[4200];
	long long a, p, keys, diff;

	snprintf(sql, sizeof(sql), "ATTACH '%s' AS p", plain);
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(h));
	a = count(h, "SELECT COUNT(*) FROM main.intel_indicators");
	p = count(h, "SELECT COUNT(*) FROM p.intel_indicators");
	keys = count(h, "SELECT COUNT(*) FROM main.intel_values");
	diff = count(h, "SELECT COUNT(*) FROM (SELECT type, vkey FROM"
			" main.intel_indicators EXCEPT SELECT type, vkey FROM"
			" p.intel_indicators)");
	printf("check: %lld indicators stored by atip, %lld by the plain "
	       "insert, of %zu; %lld distinct values; %lld keys of atip's "
	       "not among the reference's\n",
	       a, p, cp->nrows, keys, diff);
	if (a != (long long)cp->nrows || p != a || diff)
		die("atip and the reference do not hold the same rows");
	printf("values by the reports holding them: 1: %lld, 2-10: %lld, "
	       "11-50: %lld, 51-1000: %lld (common), over 1000: %lld "
	       "(common), most: %lld\n",
	       count(h, "SELECT COUNT(*) FROM intel_values WHERE records = 1"),
	       count(h, "SELECT COUNT(*) FROM intel_values WHERE records"
			" BETWEEN 2 AND 10"),
	       count(h, "SELECT COUNT(*) FROM intel_values WHERE records"
			" BETWEEN 11 AND 50"),
	       count(h, "SELECT COUNT(*) FROM intel_values WHERE records"
			" BETWEEN 51 AND 1000"),
	       count(h, "SELECT COUNT(*) FROM intel_values WHERE records"
			" > 1000"),
	       count(h, "SELECT MAX(records) FROM intel_values"));
	printf("indicators whose value is in 2 or more reports: %lld (%.1f "
	       "%%), in a common value: %lld\n",
	       count(h, "SELECT SUM(records) FROM intel_values WHERE"
			" records > 1"),
	       100.0 *
		       (double)count(h, "SELECT SUM(records) FROM intel_values"
					" WHERE records > 1") /
		       (double)a,
	       count(h, "SELECT SUM(records) FROM intel_values WHERE"
			" records > 50"));
	/* What a table of correlated pairs (MISP's) would hold instead. */
	printf("pairs of reports sharing a value (what a pair table would "
	       "hold): %lld, %lld of them through common values\n",
	       count(h, "SELECT SUM(records * (records - 1) / 2) FROM"
			" intel_values"),
	       count(h, "SELECT SUM(records * (records - 1) / 2) FROM"
			" intel_values WHERE records > 50"));
	sqlite3_close(h);
}

/* ---- Lookups: intel_correlate against the statement itself ------------- */

/* The p-th percentile of v[0..n) in microseconds (sorts v). */
static double
pct(double *v, size_t n, int p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return v[n * (size_t)p / 100 < n ? n * (size_t)p / 100 : n - 1] * 1e6;
}

/* Runs atip's own statement for ind on h, reading every column of every
 * row; the rows it gave. */
static int
raw(sqlite3 *h, sqlite3_stmt *by_value, sqlite3_stmt *near,
    const struct intel_indicator *ind)
{
	sqlite3_stmt *st = ind->type == INTEL_AD ? near : by_value;
	volatile size_t sink = 0;
	int rows = 0, rc;

	if (ind->type == INTEL_AD) {
		uint64_t s = ind->simhash;

		for (int k = 0; k < INTEL_SIMHASH_BLOCKS; k++) {
			int width = k < INTEL_SIMHASH_BLOCKS - 1 ? 9 : 10;

			bind_int(st, k + 1,
				 (long long)(s & ((1u << width) - 1)));
			s >>= width;
		}
		bind_int(st, 8, 20 * INTEL_CORRELATION_MAX);
	} else {
		bind_text(st, 1, intel_type_name(ind->type));
		bind_text(st, 2, ind->key);
		bind_int(st, 3, INTEL_CORRELATION_MAX + 2);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			sink += t ? (size_t)t[0] : 0;
		}
		rows++;
	}
	if (rc != SQLITE_DONE)
		die(sqlite3_errmsg(h));
	sqlite3_reset(st);
	return rows;
}

enum { MISS, LINKED, COMMON, NCLASSES };
static const char *const class_names[] = { "miss (no report)",
					   "linked (1-50 reports)",
					   "common (over 50)" };

struct lookups {
	double *atip[NCLASSES + 1], *raw[NCLASSES + 1];
	size_t n[NCLASSES + 1];
	long long sightings, hidden;
};

static void
run_lookups(const char *path, struct corpus *cp,
	    const struct crypto_keyring *kr, size_t nlookups,
	    struct lookups *out)
{
	struct bench_rng r = { 7 };
	struct db *db = open_db(path);
	struct db_conn *c = db_acquire(db);
	sqlite3 *h = open_sqlite(path, true);
	sqlite3_stmt *by_value = prepare(h, intel_sql[IND_BY_VALUE].sql),
		     *near = prepare(h, intel_sql[IND_NEAR_AD].sql);
	struct access_actor actor = actor_of(VIEWER);
	struct intel_indicator *ind = xcalloc(nlookups, sizeof(*ind));
	struct buf b, key;
	struct arena a;
	size_t warm = nlookups < 200 ? nlookups : 200;

	if (!c)
		die("no connection");
	buf_init(&b, 0);
	buf_init(&key, 0);
	arena_init(&a);
	for (size_t i = 0; i < nlookups; i++) {
		int ti = draw_type(&r);
		uint64_t rank =
			draw_rank(&r, ti, cp->nreports, &cp->single[ti]);
		struct value *v = value_find(&cp->vs, kr, ti, rank, &b, &key);

		ind[i].type = types[ti].type;
		ind[i].key = cp->vs.keys[v->key_id];
		ind[i].simhash = cp->vs.simhash[v->key_id];
	}
	for (int k = 0; k <= NCLASSES; k++) {
		out->atip[k] = xcalloc(nlookups, sizeof(double));
		out->raw[k] = xcalloc(nlookups, sizeof(double));
	}
	for (size_t i = 0; i < warm; i++) {
		struct intel_correlation k;

		if (intel_correlate(c, &a, kr, &actor, &ind[i], NULL, &k) !=
		    ERR_OK)
			die("intel_correlate failed");
		raw(h, by_value, near, &ind[i]);
		arena_clear(&a);
	}
	for (size_t i = 0; i < nlookups; i++) {
		struct intel_correlation k;
		double t0 = 0, t1 = 0, t2;
		int cl;

		/* In turns, so that both see the same machine. */
		if (i % 2) {
			t0 = bench_now_s();
			raw(h, by_value, near, &ind[i]);
			t1 = bench_now_s();
		}
		t2 = bench_now_s();
		if (intel_correlate(c, &a, kr, &actor, &ind[i], NULL, &k) !=
		    ERR_OK)
			die("intel_correlate failed");
		t2 = bench_now_s() - t2;
		if (i % 2 == 0) {
			t0 = bench_now_s();
			raw(h, by_value, near, &ind[i]);
			t1 = bench_now_s();
		}
		cl = k.common				      ? COMMON
		     : k.records || k.nsightings || k.nhidden ? LINKED
							      : MISS;
		out->sightings += (long long)k.nsightings;
		for (size_t j = 0; j < k.nhidden; j++)
			out->hidden += k.hidden[j].count;
		out->atip[cl][out->n[cl]] = t2;
		out->raw[cl][out->n[cl]++] = t1 - t0;
		out->atip[NCLASSES][out->n[NCLASSES]] = t2;
		out->raw[NCLASSES][out->n[NCLASSES]++] = t1 - t0;
		arena_clear(&a);
	}
	arena_release(&a);
	buf_release(&b);
	buf_release(&key);
	free(ind);
	sqlite3_finalize(by_value);
	sqlite3_finalize(near);
	sqlite3_close(h);
	db_release(c);
	db_close(db);
}

/* ---- Adding to a value held by N reports ------------------------------- */

struct add_result {
	long long records;
	double p50, p95;
};

static void
run_add(const char *path, const struct corpus *cp,
	const struct crypto_keyring *kr, long long target, size_t repeat,
	struct add_result *out)
{
	struct db *db = open_db(path);
	struct db_conn *c = db_acquire(db);
	sqlite3 *h = open_sqlite(path, true);
	sqlite3_stmt *st = prepare(
		h, target ? "SELECT vkey, records FROM intel_values WHERE"
			    " type = 'phone' ORDER BY abs(records - $1), vkey"
			    " LIMIT 1"
			  : "SELECT vkey, records FROM intel_values WHERE"
			    " type = 'phone' ORDER BY records DESC, vkey"
			    " LIMIT 1");
	double *t = xcalloc(repeat, sizeof(*t));
	struct arena a;
	char *value;

	if (!c)
		die("no connection");
	if (target)
		bind_int(st, 1, target);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("no phone value to add to");
	value = xstrdup((const char *)sqlite3_column_text(st, 0));
	out->records = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(h);
	arena_init(&a);
	for (size_t i = 0; i < repeat + 5; i++) {
		struct intel_indicator_input in = { "phone", value, NULL,
						    NULL };
		struct coord_errors errs = { 0 };
		struct intel_indicator *added;
		struct intel_report r;
		size_t n;
		double t0;

		if (db_script(c, "BEGIN IMMEDIATE") != DB_OK ||
		    report_create(c, &a, cp, i % cp->nreports, &r, &errs) !=
			    ERR_OK)
			die("no report to add to");
		t0 = bench_now_s();
		if (intel_indicators_add(c, &a, kr, &r, org_rows[0].user, NULL,
					 &in, 1, &added, &n, &errs) != ERR_OK ||
		    n != 1)
			die("the indicator was not added");
		t0 = bench_now_s() - t0;
		if (i >= 5)
			t[i - 5] = t0;
		if (db_script(c, "ROLLBACK") != DB_OK)
			die("rollback");
		arena_clear(&a);
	}
	out->p50 = pct(t, repeat, 50);
	out->p95 = pct(t, repeat, 95);
	free(t);
	free(value);
	arena_release(&a);
	db_release(c);
	db_close(db);
}

/* ---- main ------------------------------------------------------------- */

static size_t
number(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	return *s && !*end && v > 0 && v < 100000000 ? (size_t)v : 0;
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char block[65536];
	size_t n;

	if (!in || !out)
		die("cannot copy the database");
	while ((n = fread(block, 1, sizeof(block), in)) > 0)
		if (fwrite(block, 1, n, out) != n)
			die("cannot copy the database");
	fclose(in);
	if (fclose(out))
		die("cannot copy the database");
}

static long long
mib(const char *path)
{
	char wal[4200];
	struct stat st;
	long long n = 0;

	if (!stat(path, &st))
		n += (long long)st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (!stat(wal, &st))
		n += (long long)st.st_size;
	return n / 1048576;
}

int
main(int argc, char **argv)
{
	size_t reports = 100000, nlookups = 10000, repeat = 200;
	static const long long targets[] = { 1, 10, 100, 1000, 0 };
	struct add_result adds[NITEMS(targets)];
	char atip[4096], plain[4096];
	struct crypto_keyring *kr;
	struct corpus cp = { 0 };
	struct lookups lk = { 0 };
	double t0, ta, tp, ca, cpl, rate_a, rate_p, rows;

	for (int i = 2; i + 1 < argc; i += 2) {
		size_t *v = !strcmp(argv[i], "--reports")   ? &reports
			    : !strcmp(argv[i], "--lookups") ? &nlookups
			    : !strcmp(argv[i], "--repeat")  ? &repeat
							    : NULL;

		if (!v || !(*v = number(argv[i + 1])))
			argc = 0;
	}
	if (argc < 2 || argc % 2) {
		fprintf(stderr, "usage: intel DIR [--reports N] [--lookups N] "
				"[--repeat N]\n");
		return 2;
	}
	snprintf(atip, sizeof(atip), "%s/atip.db", argv[1]);
	snprintf(plain, sizeof(plain), "%s/plain.db", argv[1]);
	printf("SQLite %s: WAL, synchronous=FULL, foreign_keys=ON, default "
	       "page cache, on both sides\n",
	       sqlite3_libversion());
	setup(argv[1], &kr);
	copy_file(atip, plain);

	t0 = bench_now_s();
	generate(&cp, kr, reports);
	printf("generated %zu reports, %zu indicators, %zu distinct values "
	       "in %.1f s (keys computed once each, untimed)\n",
	       cp.nreports, cp.nrows, cp.vs.nkeys, bench_now_s() - t0);
	fflush(stdout);

	ca = bench_cpu_s();
	ta = run_atip(atip, &cp, kr);
	ca = bench_cpu_s() - ca;
	rows = (double)(cp.nreports + cp.nrows);
	rate_a = (double)cp.nrows / ta;
	printf("atip: %zu reports, %zu indicators in %.2f s (%.2f s of CPU), "
	       "%d reports a transaction: %.0f indicators/s, %.0f rows/s; "
	       "%lld MiB\n",
	       cp.nreports, cp.nrows, ta, ca, BATCH, rate_a, rows / ta,
	       mib(atip));
	fflush(stdout);
	cpl = bench_cpu_s();
	tp = run_plain(plain, &cp);
	cpl = bench_cpu_s() - cpl;
	rate_p = (double)cp.nrows / tp;
	printf("plain: the same rows in %.2f s (%.2f s of CPU), one "
	       "transaction: %.0f indicators/s, %.0f rows/s; %lld MiB\n",
	       tp, cpl, rate_p, rows / tp, mib(plain));
	printf("ratio atip/plain (indicators/s): %.3f (1/%.1f)\n",
	       rate_a / rate_p, rate_p / rate_a);
	t0 = run_normalise(&cp);
	printf("normalising the same values alone (intel_normalise, "
	       "intel_simhash for ads; names not blind-indexed): %.2f s, "
	       "%.0f %% of atip's time\n",
	       t0, 100 * t0 / ta);
	verify(atip, plain, &cp);
	fflush(stdout);

	run_lookups(atip, &cp, kr, nlookups, &lk);
	printf("lookups: %zu values for an investigator of %s: %lld reports "
	       "seen, %lld counted hidden\n",
	       nlookups, orgs[VIEWER].name, lk.sightings, lk.hidden);
	printf("| values | count | intel_correlate p50 | p95 | statement p50 "
	       "| p95 |\n|---|---|---|---|---|---|\n");
	for (int k = 0; k <= NCLASSES; k++) {
		size_t n = lk.n[k];
		double a50 = pct(lk.atip[k], n, 50),
		       a95 = pct(lk.atip[k], n, 95),
		       r50 = pct(lk.raw[k], n, 50), r95 = pct(lk.raw[k], n, 95);

		printf("| %s | %zu | %.1f µs | %.1f µs | %.1f µs | %.1f µs |\n",
		       k < NCLASSES ? class_names[k] : "all", n, a50, a95, r50,
		       r95);
	}
	fflush(stdout);

	for (size_t i = 0; i < NITEMS(targets); i++)
		run_add(atip, &cp, kr, targets[i], repeat, &adds[i]);
	printf("one phone indicator added (intel_indicators_add, %zu times, "
	       "rolled back each time):\n",
	       repeat);
	for (size_t i = 0; i < NITEMS(targets); i++)
		printf("  value in %lld reports: p50 %.1f µs, p95 %.1f µs\n",
		       adds[i].records, adds[i].p50, adds[i].p95);

	printf("intel: %zu indicators in %zu reports: atip %.0f/s, plain "
	       "%.0f/s, ratio %.3f; intel_correlate p50 %.1f µs p95 %.1f µs, "
	       "statement p50 %.1f µs p95 %.1f µs; adding to a value in %lld "
	       "vs %lld reports: p50 %.1f vs %.1f µs\n",
	       cp.nrows, cp.nreports, rate_a, rate_p, rate_a / rate_p,
	       pct(lk.atip[NCLASSES], lk.n[NCLASSES], 50),
	       pct(lk.atip[NCLASSES], lk.n[NCLASSES], 95),
	       pct(lk.raw[NCLASSES], lk.n[NCLASSES], 50),
	       pct(lk.raw[NCLASSES], lk.n[NCLASSES], 95), adds[0].records,
	       adds[3].records, adds[0].p50, adds[3].p50);
	crypto_keyring_close(kr);
	return 0;
}

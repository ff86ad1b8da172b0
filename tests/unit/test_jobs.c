/*
 * Unit tests of the job queue on SQLite and PostgreSQL: retry with
 * back-off, lease expiry after a crash, fencing, no double execution
 * across workers, periodic jobs, de-duplication.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testdb.h"

#include <jansson.h>

#include "jobs/jobs.c"

enum { NJOBS = 120 };

struct counts {
	_Atomic int runs[NJOBS];
	_Atomic int total;
	int fail_first; /* fail this many runs with JOB_RETRY */
	int fail_always;
	int slow; /* each run takes a millisecond */
};

static struct counts counts;

static enum job_result
count_run(struct job *job, void *ctx)
{
	struct counts *c = ctx;
	long long i = 0;
	json_t *p = json_loads(job->payload, 0, NULL);

	(void)i;
	i = json_integer_value(json_object_get(p, "i"));
	json_decref(p);
	atomic_fetch_add(&c->runs[i], 1);
	if (c->slow) {
		struct timespec ms = { 0, 1000000L };

		nanosleep(&ms, NULL);
	}
	if (atomic_fetch_add(&c->total, 1) < c->fail_first || c->fail_always) {
		job->error = "told to fail";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

static const struct job_kind kinds[] = {
	{ "test.count", count_run, &counts, 3, 60 * 1000, 0 },
	{ "test.tick", count_run, &counts, 0, 0, 10 * 60 * 1000 },
};

static void
fixture_prepare(struct fixture *f)
{
	char err[256];

	memset(&counts, 0, sizeof(counts));
	assert_int_equal(db_migrate(f->db, jobs_migrations, jobs_nmigrations,
				    err, sizeof(err)),
			 DB_OK);
}

struct enqueue_ctx {
	const char *kind;
	int from, to;
	const char *dedupe;
	int64_t run_at;
};

static enum db_status
enqueue_tx(struct db_conn *c, void *arg)
{
	struct enqueue_ctx *e = arg;
	enum db_status st = DB_OK;
	int i;

	for (i = e->from; i < e->to && st == DB_OK; i++) {
		char payload[32];

		snprintf(payload, sizeof(payload), "{\"i\":%d}", i);
		st = jobs_enqueue(c, e->kind, payload, e->run_at, e->dedupe);
	}
	return st;
}

static void
enqueue(struct db *db, const char *kind, int from, int to, int64_t run_at)
{
	struct enqueue_ctx e = { kind, from, to, NULL, run_at };

	assert_int_equal(db_tx(db, enqueue_tx, &e), DB_OK);
}

static const struct db_stmt job_row = {
	"test_job_row",
	"SELECT state, attempts, run_at, last_error FROM atip_jobs"
	" WHERE kind = $1 ORDER BY created_at LIMIT 1",
	NULL, NULL
};

struct row {
	char state[16];
	long long attempts, run_at;
	char error[64];
};

static struct row
read_row(struct db *db, const char *kind)
{
	struct db_conn *c = db_acquire(db);
	struct db_arg a = db_text(kind);
	struct db_rows rows;
	struct row r = { "", -1, -1, "" };

	db_query(c, &job_row, &a, 1, &rows);
	if (db_next(&rows)) {
		snprintf(r.state, sizeof(r.state), "%s", db_col_text(&rows, 0));
		r.attempts = db_col_int(&rows, 1);
		r.run_at = db_col_int(&rows, 2);
		if (!db_col_null(&rows, 3))
			snprintf(r.error, sizeof(r.error), "%s",
				 db_col_text(&rows, 3));
	}
	assert_int_equal(db_rows_close(&rows), DB_OK);
	db_release(c);
	return r;
}

static void
a_job_runs_once_and_is_done(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	int64_t t = 1000000;

	enqueue(f->db, "test.count", 0, 1, t);
	assert_int_equal(jobs_run_once(q, "w1", t - 1), 0); /* not yet due */
	assert_int_equal(jobs_run_once(q, "w1", t), 1);
	assert_int_equal(jobs_run_once(q, "w1", t + 1), 0);
	assert_int_equal(counts.runs[0], 1);
	assert_string_equal(read_row(f->db, "test.count").state, "done");
	jobs_free(q);
}

static void
a_failing_job_retries_with_backoff_then_fails_for_good(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	int64_t t = 1000000;
	struct row r;

	counts.fail_first = 1;
	enqueue(f->db, "test.count", 0, 1, t);
	assert_int_equal(jobs_run_once(q, "w1", t), 1);
	r = read_row(f->db, "test.count");
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.run_at, t + jobs_backoff_ms(1));
	assert_string_equal(r.error, "told to fail");
	/* Not before the back-off has passed. */
	assert_int_equal(jobs_run_once(q, "w1", t + jobs_backoff_ms(1) - 1), 0);
	assert_int_equal(jobs_run_once(q, "w1", t + jobs_backoff_ms(1)), 1);
	assert_string_equal(read_row(f->db, "test.count").state, "done");
	assert_int_equal(counts.runs[0], 2);
	/* Back-off doubles, up to its cap. */
	assert_int_equal(jobs_backoff_ms(2), 2 * jobs_backoff_ms(1));
	assert_int_equal(jobs_backoff_ms(40), jobs_backoff_ms(41));

	/* A job that always fails stops after max_attempts (3). */
	memset(&counts, 0, sizeof(counts));
	counts.fail_always = 1;
	enqueue(f->db, "test.count", 1, 2, t);
	for (int64_t now = t; now < t + 10 * 3600 * 1000; now += 60 * 1000)
		jobs_run_once(q, "w1", now);
	assert_int_equal(counts.runs[1], 3);
	jobs_free(q);
}

static void
a_crashed_workers_lease_expires_and_it_cannot_finish_late(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	int64_t t = 1000000, lease = DEFAULT_LEASE_MS;
	struct claim dead = {
		"crashed-worker", t, lease, false, NULL, NULL, NULL, 0
	};
	struct outcome late = { &dead, JOBS_DONE, 0, 0, 0, NULL, 0 };

	enqueue(f->db, "test.count", 0, 1, t);
	/* A worker claims the job and dies before finishing it. */
	assert_int_equal(db_tx(f->db, claim_tx, &dead), DB_OK);
	assert_true(dead.found);
	assert_string_equal(read_row(f->db, "test.count").state, "running");
	/* While its lease lasts nobody else runs the job. */
	assert_int_equal(jobs_run_once(q, "w2", t + lease - 1), 0);
	assert_int_equal(counts.runs[0], 0);
	/* Once it expires, another worker does. */
	assert_int_equal(jobs_run_once(q, "w2", t + lease), 1);
	assert_int_equal(counts.runs[0], 1);
	assert_string_equal(read_row(f->db, "test.count").state, "done");
	assert_int_equal(read_row(f->db, "test.count").attempts, 2);
	/* The first worker, back from the dead, cannot record an outcome. */
	late.now = t + lease + 5;
	assert_int_equal(db_tx(f->db, finish_tx, &late), DB_OK);
	assert_int_equal(late.changes, 0);
	claim_clear(&dead);
	jobs_free(q);
}

struct worker_arg {
	struct jobs *q;
	const char *owner;
	int ran;
};

static void *
drain(void *arg)
{
	struct worker_arg *w = arg;
	int r, errors = 0;

	while ((r = jobs_run_once(w->q, w->owner, 5000000)) != 0 &&
	       errors < 100)
		if (r == 1)
			w->ran++;
		else
			errors++;
	return NULL;
}

static void
two_workers_never_run_a_job_twice(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	struct worker_arg w[2] = { { q, "w1", 0 }, { q, "w2", 0 } };
	pthread_t t[2];
	int i;

	counts.slow = 1;
	enqueue(f->db, "test.count", 0, NJOBS, 1000);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, drain, &w[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NJOBS; i++)
		if (counts.runs[i] != 1)
			fail_msg("job %d ran %d times", i, counts.runs[i]);
	assert_int_equal(w[0].ran + w[1].ran, NJOBS);
	/* Both workers got work: the queue is not one worker's. */
	assert_true(w[0].ran > 0 && w[1].ran > 0);
	jobs_free(q);
}

static void
periodic_jobs_reschedule_themselves(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	int64_t t = 1000000, period = 10 * 60 * 1000;
	struct row r;

	counts.fail_always = 0;
	assert_int_equal(jobs_schedule_periodic(q, t), DB_OK);
	assert_int_equal(jobs_schedule_periodic(q, t), DB_OK); /* no twin */
	assert_int_equal(jobs_run_once(q, "w1", t), 1);
	assert_int_equal(jobs_run_once(q, "w1", t), 0);
	r = read_row(f->db, "test.tick");
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.run_at, t + period);
	assert_int_equal(r.attempts, 0);
	assert_int_equal(jobs_run_once(q, "w1", t + period - 1), 0);
	assert_int_equal(jobs_run_once(q, "w1", t + period), 1);
	assert_int_equal(counts.total, 2);
	/* A failing periodic job still comes back next period. */
	counts.fail_always = 1;
	for (int i = 0; i < 10; i++)
		jobs_run_once(q, "w1", t + (2 + i) * period);
	assert_string_equal(read_row(f->db, "test.tick").state, "queued");
	jobs_free(q);
}

static void
a_dedupe_key_enqueues_once(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	struct enqueue_ctx e = { "test.count", 0, 1, "case:42:reminder", 1000 };

	assert_int_equal(db_tx(f->db, enqueue_tx, &e), DB_OK);
	assert_int_equal(db_tx(f->db, enqueue_tx, &e), DB_OK);
	assert_int_equal(jobs_run_once(q, "w1", 2000), 1);
	assert_int_equal(jobs_run_once(q, "w1", 2000), 0);
	assert_int_equal(counts.total, 1);
	jobs_free(q);
}

static void
worker_threads_run_jobs_and_stop(void **state)
{
	struct fixture *f = *state;
	struct jobs *q = jobs_new(f->db, kinds, 2, NULL);
	struct timespec tick = { 0, 20 * 1000000L };
	int i;

	enqueue(f->db, "test.count", 0, 10, 0);
	jobs_start(q, 2);
	for (i = 0; i < 250 && atomic_load(&counts.total) < 10; i++)
		nanosleep(&tick, NULL);
	jobs_stop(q);
	assert_int_equal(counts.total, 10);
	jobs_free(q);
}

#define TESTS(X)                                                     \
	X(a_job_runs_once_and_is_done)                               \
	X(a_failing_job_retries_with_backoff_then_fails_for_good)    \
	X(a_crashed_workers_lease_expires_and_it_cannot_finish_late) \
	X(two_workers_never_run_a_job_twice)                         \
	X(periodic_jobs_reschedule_themselves)                       \
	X(a_dedupe_key_enqueues_once)                                \
	X(worker_threads_run_jobs_and_stop)

int
main(void)
{
	return TESTDB_RUN("jobs", TESTS);
}

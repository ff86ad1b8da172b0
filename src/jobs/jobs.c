#include "jobs/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "jobs/jobs_sql.h"

enum {
	DEFAULT_ATTEMPTS = 5,
	DEFAULT_LEASE_MS = 5 * 60 * 1000,
	BACKOFF_BASE_MS = 10 * 1000,
	BACKOFF_MAX_MS = 60 * 60 * 1000,
	IDLE_WAIT_MS = 1000,
};

struct jobs {
	struct db *db;
	void *app;
	const struct job_kind *kinds;
	size_t nkinds;
	pthread_t *threads;
	int nthreads;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	_Atomic uint64_t done, retried, failed;
};

struct jobs *
jobs_new(struct db *db, const struct job_kind *kinds, size_t n, void *app)
{
	struct jobs *q = xcalloc(1, sizeof(*q));

	q->db = db;
	q->app = app;
	q->kinds = kinds;
	q->nkinds = n;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	return q;
}

void
jobs_free(struct jobs *q)
{
	if (!q)
		return;
	jobs_stop(q);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

static const struct job_kind *
find_kind(const struct jobs *q, const char *kind)
{
	size_t i;

	for (i = 0; i < q->nkinds; i++)
		if (!strcmp(q->kinds[i].kind, kind))
			return &q->kinds[i];
	return NULL;
}

static int
max_attempts(const struct job_kind *k)
{
	return k && k->max_attempts > 0 ? k->max_attempts : DEFAULT_ATTEMPTS;
}

int64_t
jobs_backoff_ms(int attempts)
{
	int64_t d = BACKOFF_BASE_MS;

	while (--attempts > 0 && d < BACKOFF_MAX_MS)
		d *= 2;
	return d < BACKOFF_MAX_MS ? d : BACKOFF_MAX_MS;
}

enum db_status
jobs_enqueue(struct db_conn *c, const char *kind, const char *payload,
	     int64_t run_at, const char *dedupe_key)
{
	char id[UUID_STR_LEN];
	struct db_arg args[6];

	uuid_v7(id);
	args[0] = db_text(id);
	args[1] = db_text(kind);
	args[2] = db_text(payload ? payload : "{}");
	args[3] = DB_INT(run_at);
	args[4] = db_text(dedupe_key);
	args[5] = DB_INT(time_now_ms());
	return db_exec(c, &jobs_sql[JOBS_INSERT], args, 6, NULL);
}

enum db_status
jobs_wake(struct db_conn *c, const char *kind)
{
	char key[128];
	struct db_arg args[2];

	snprintf(key, sizeof(key), "periodic:%s", kind);
	args[0] = db_text(key);
	args[1] = DB_INT(time_now_ms());
	return db_exec(c, &jobs_sql[JOBS_WAKE], args, 2, NULL);
}

struct periodic_ctx {
	struct jobs *q;
	int64_t now;
};

static enum db_status
schedule_tx(struct db_conn *c, void *arg)
{
	struct periodic_ctx *p = arg;
	enum db_status st = DB_OK;
	size_t i;

	for (i = 0; i < p->q->nkinds && st == DB_OK; i++) {
		const struct job_kind *k = &p->q->kinds[i];
		char key[128];

		if (k->period_ms <= 0)
			continue;
		snprintf(key, sizeof(key), "periodic:%s", k->kind);
		st = jobs_enqueue(c, k->kind, "{}", p->now, key);
	}
	return st;
}

enum db_status
jobs_schedule_periodic(struct jobs *q, int64_t now)
{
	struct periodic_ctx p = { q, now };

	return db_tx(q->db, schedule_tx, &p);
}

struct claim {
	const char *owner;
	int64_t now;
	int64_t lease_ms;
	bool found;
	char *id, *kind, *payload;
	int attempts;
};

static enum db_status
claim_tx(struct db_conn *c, void *arg)
{
	struct claim *cl = arg;
	struct db_arg args[3];
	struct db_rows rows;

	args[0] = db_text(cl->owner);
	args[1] = DB_INT(cl->now + cl->lease_ms);
	args[2] = DB_INT(cl->now);
	cl->found = false;
	db_query(c, &jobs_sql[JOBS_CLAIM], args, 3, &rows);
	if (db_next(&rows)) {
		cl->found = true;
		cl->id = xstrdup(db_col_text(&rows, 0));
		cl->kind = xstrdup(db_col_text(&rows, 1));
		cl->payload = xstrdup(db_col_text(&rows, 2));
		cl->attempts = (int)db_col_int(&rows, 3);
	}
	return db_rows_close(&rows);
}

static void
claim_clear(struct claim *cl)
{
	free(cl->id);
	free(cl->kind);
	free(cl->payload);
	cl->id = cl->kind = cl->payload = NULL;
}

struct outcome {
	const struct claim *cl;
	enum jobs_sql_id stmt;
	int64_t now, run_at;
	int attempts;
	const char *error;
	long long changes;
};

static enum db_status
finish_tx(struct db_conn *c, void *arg)
{
	struct outcome *o = arg;
	struct db_arg args[6];
	int n = 3;

	args[0] = db_text(o->cl->id);
	args[1] = db_text(o->cl->owner);
	args[2] = DB_INT(o->now);
	if (o->stmt == JOBS_REQUEUE) {
		args[3] = DB_INT(o->run_at);
		args[4] = DB_INT(o->attempts);
		args[5] = db_text(o->error);
		n = 6;
	} else if (o->stmt == JOBS_FAILED) {
		args[3] = db_text(o->error ? o->error : "failed");
		n = 4;
	}
	return db_exec(c, &jobs_sql[o->stmt], args, n, &o->changes);
}

/* Decides what happens to a claimed job after its run returned r. */
static void
decide(const struct job_kind *k, const struct claim *cl, enum job_result r,
       int64_t now, struct outcome *o)
{
	bool periodic = k && k->period_ms > 0;

	o->attempts = cl->attempts;
	if (r == JOB_RETRY && cl->attempts >= max_attempts(k))
		r = JOB_FAIL;
	if (r == JOB_DONE) {
		o->stmt = periodic ? JOBS_REQUEUE : JOBS_DONE;
		o->run_at = periodic ? now + k->period_ms : 0;
		o->attempts = 0;
		o->error = NULL;
	} else if (r == JOB_RETRY) {
		o->stmt = JOBS_REQUEUE;
		o->run_at = now + jobs_backoff_ms(cl->attempts);
	} else if (periodic) {
		/* A periodic job never dies: it tries again next period. */
		o->stmt = JOBS_REQUEUE;
		o->run_at = now + k->period_ms;
		o->attempts = 0;
	} else {
		o->stmt = JOBS_FAILED;
	}
}

int
jobs_run_once(struct jobs *q, const char *owner, int64_t now)
{
	struct claim cl = { owner, now, DEFAULT_LEASE_MS, false, NULL, NULL,
			    NULL,  0 };
	struct outcome o = { &cl, JOBS_DONE, now, 0, 0, NULL, 0 };
	const struct job_kind *k;
	struct job job;
	enum job_result r;

	/* The lease must cover the longest kind; claims don't know the kind. */
	for (size_t i = 0; i < q->nkinds; i++)
		if (q->kinds[i].lease_ms > cl.lease_ms)
			cl.lease_ms = q->kinds[i].lease_ms;
	if (db_tx(q->db, claim_tx, &cl) != DB_OK)
		return -1;
	if (!cl.found)
		return 0;
	k = find_kind(q, cl.kind);
	job = (struct job){ .db = q->db,
			    .app = q->app,
			    .id = cl.id,
			    .kind = cl.kind,
			    .payload = cl.payload,
			    .attempts = cl.attempts };
	if (!k) {
		job.error = "no handler for this kind";
		r = JOB_FAIL;
	} else if (cl.attempts > max_attempts(k)) {
		job.error = "lease expired too often";
		r = JOB_FAIL;
	} else {
		r = k->run(&job, k->ctx);
	}
	decide(k, &cl, r, now, &o);
	o.error = r == JOB_DONE ? NULL : (job.error ? job.error : "failed");
	if (db_tx(q->db, finish_tx, &o) != DB_OK) {
		claim_clear(&cl);
		return -1;
	}
	if (o.changes == 0)
		log_msg(LOG_WARN, "job %s: lease lost before it finished",
			cl.kind);
	else if (o.stmt == JOBS_FAILED)
		atomic_fetch_add(&q->failed, 1);
	else if (r == JOB_DONE)
		atomic_fetch_add(&q->done, 1);
	else
		atomic_fetch_add(&q->retried, 1);
	claim_clear(&cl);
	return 1;
}

static void *
worker(void *arg)
{
	struct jobs *q = arg;
	char owner[UUID_STR_LEN];

	uuid_v7(owner);
	pthread_mutex_lock(&q->lock);
	while (!q->stopping) {
		int ran;

		pthread_mutex_unlock(&q->lock);
		ran = jobs_run_once(q, owner, time_now_ms());
		pthread_mutex_lock(&q->lock);
		if (ran != 1 && !q->stopping) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += IDLE_WAIT_MS / 1000;
			pthread_cond_timedwait(&q->wake, &q->lock, &ts);
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

void
jobs_start(struct jobs *q, int n)
{
	int i;

	q->stopping = false;
	q->threads = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*q->threads));
	for (i = 0; i < n; i++)
		if (pthread_create(&q->threads[i], NULL, worker, q) != 0)
			break;
	q->nthreads = i;
}

void
jobs_stop(struct jobs *q)
{
	int i;

	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	free(q->threads);
	q->threads = NULL;
	q->nthreads = 0;
}

void
jobs_counts(const struct jobs *q, uint64_t *done, uint64_t *retried,
	    uint64_t *failed)
{
	*done = atomic_load(&q->done);
	*retried = atomic_load(&q->retried);
	*failed = atomic_load(&q->failed);
}

enum { PRUNE_AFTER_MS = 7 * 24 * 60 * 60 * 1000 };

static enum db_status
prune_tx(struct db_conn *c, void *arg)
{
	struct db_arg cutoff = DB_INT(*(int64_t *)arg);

	return db_exec(c, &jobs_sql[JOBS_PRUNE], &cutoff, 1, NULL);
}

enum job_result
jobs_prune(struct job *job, void *ctx)
{
	int64_t cutoff = time_now_ms() - PRUNE_AFTER_MS;

	(void)ctx;
	if (db_tx(job->db, prune_tx, &cutoff) != DB_OK) {
		job->error = "database error while pruning";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

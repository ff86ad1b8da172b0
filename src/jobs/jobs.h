/*
 * The durable background job queue.  Jobs live in the database (kind,
 * payload, run_at, attempts, lease owner and expiry) and are worked by
 * threads inside `atip serve`.  Modules register job kinds the way they
 * register routes.  A worker claims a job by taking a lease; a worker that
 * dies loses its lease when it expires and another worker runs the job
 * again, so handlers must be idempotent.  Only the lease holder can finish
 * a job.  Failures retry with exponential back-off; periodic kinds put
 * themselves back in the queue after each run.
 */
#ifndef ATIP_JOBS_JOBS_H
#define ATIP_JOBS_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

enum job_result {
	JOB_DONE,  /* finished */
	JOB_RETRY, /* failed for now: retry with back-off */
	JOB_FAIL,  /* failed for good */
};

struct job {
	struct db *db;
	void *app; /* what jobs_new() was given */
	const char *id;
	const char *kind;
	const char *payload; /* JSON text */
	int attempts;	     /* including this one */
	const char *error;   /* set by a failing handler: a fixed message */
};

struct job_kind {
	const char *kind;
	enum job_result (*run)(struct job *job, void *ctx);
	void *ctx;
	int max_attempts;  /* 0: 5 */
	int64_t lease_ms;  /* 0: five minutes */
	int64_t period_ms; /* > 0: a periodic job run this often */
};

struct jobs;

/* Migrations of the job queue, for the migration list in main.c. */
extern const struct db_migration jobs_migrations[];
extern const size_t jobs_nmigrations;

/*
 * Creates a queue working the given kinds (kinds must outlive it); app is
 * handed to every job as job->app.
 */
struct jobs *jobs_new(struct db *db, const struct job_kind *kinds, size_t n,
		      void *app);

/* Stops the workers if running and frees q. */
void jobs_free(struct jobs *q);

/*
 * Adds a job inside the caller's transaction on c.  With a dedupe_key, a
 * job with the same key is not added twice.  payload is JSON text.
 */
enum db_status jobs_enqueue(struct db_conn *c, const char *kind,
			    const char *payload, int64_t run_at,
			    const char *dedupe_key);

/*
 * Brings the next run of a periodic kind forward to now, inside the
 * caller's transaction: the change it waits for has just been made.  A
 * run already under way picks the change up on its next round.
 */
enum db_status jobs_wake(struct db_conn *c, const char *kind);

/* Makes sure every periodic kind has its row in the queue. */
enum db_status jobs_schedule_periodic(struct jobs *q, int64_t now);

/*
 * Claims one due job as owner at time now, runs it and records the outcome.
 * Returns 1 when a job ran, 0 when none was due, -1 on a database error.
 */
int jobs_run_once(struct jobs *q, const char *owner, int64_t now);

/* Starts n worker threads (n may be 0); jobs_stop() joins them. */
void jobs_start(struct jobs *q, int n);

/* Asks the workers to stop after their current job and waits for them. */
void jobs_stop(struct jobs *q);

/* Jobs run, retried and failed since start, for /metrics. */
void jobs_counts(const struct jobs *q, uint64_t *done, uint64_t *retried,
		 uint64_t *failed);

/*
 * The handler of the periodic "jobs.prune" kind: deletes jobs that ended
 * more than a week ago.
 */
enum job_result jobs_prune(struct job *job, void *ctx);

/* The back-off before attempt n+1 after n failed attempts, in ms. */
int64_t jobs_backoff_ms(int attempts);

#endif

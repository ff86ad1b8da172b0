/* Statements and migrations of the job queue. */
#include "jobs/jobs_sql.h"

const struct db_migration jobs_migrations[] = {
	{ 2, "jobs",
	  "CREATE TABLE atip_jobs ("
	  " id TEXT PRIMARY KEY,"
	  " kind TEXT NOT NULL,"
	  " payload TEXT NOT NULL,"
	  " state TEXT NOT NULL CHECK (state IN"
	  "  ('queued', 'running', 'done', 'failed')),"
	  " run_at BIGINT NOT NULL,"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " lease_owner TEXT,"
	  " lease_until BIGINT,"
	  " last_error TEXT,"
	  " dedupe_key TEXT UNIQUE,"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX atip_jobs_due ON atip_jobs (state, run_at);",
	  NULL, NULL },
};

const size_t jobs_nmigrations =
	sizeof(jobs_migrations) / sizeof(jobs_migrations[0]);

#define CLAIM_HEAD                                                    \
	"UPDATE atip_jobs SET state = 'running', lease_owner = $1,"   \
	" lease_until = $2, attempts = attempts + 1, updated_at = $3" \
	" WHERE id = (SELECT id FROM atip_jobs"                       \
	"  WHERE (state = 'queued' AND run_at <= $3)"                 \
	"  OR (state = 'running' AND lease_until <= $3)"              \
	"  ORDER BY run_at LIMIT 1"
#define CLAIM_TAIL ") RETURNING id, kind, payload, attempts"

const struct db_stmt jobs_sql[JOBS_SQL_COUNT] = {
	[JOBS_INSERT] = { "jobs_insert",
			  "INSERT INTO atip_jobs (id, kind, payload, state,"
			  " run_at, dedupe_key, created_at, updated_at)"
			  " VALUES ($1, $2, $3, 'queued', $4, $5, $6, $6)"
			  " ON CONFLICT (dedupe_key) DO NOTHING",
			  NULL, NULL },
	/* SQLite serialises writers (BEGIN IMMEDIATE); PostgreSQL skips
	 * rows another worker is claiming. */
	[JOBS_CLAIM] = { "jobs_claim", CLAIM_HEAD CLAIM_TAIL, NULL,
			 CLAIM_HEAD " FOR UPDATE SKIP LOCKED" CLAIM_TAIL },
	[JOBS_DONE] = { "jobs_done",
			"UPDATE atip_jobs SET state = 'done', lease_owner = NULL,"
			" lease_until = NULL, last_error = NULL, updated_at = $3"
			" WHERE id = $1 AND lease_owner = $2"
			" AND state = 'running'",
			NULL, NULL },
	[JOBS_REQUEUE] = { "jobs_requeue",
			   "UPDATE atip_jobs SET state = 'queued',"
			   " lease_owner = NULL, lease_until = NULL,"
			   " run_at = $4, attempts = $5, last_error = $6,"
			   " updated_at = $3"
			   " WHERE id = $1 AND lease_owner = $2"
			   " AND state = 'running'",
			   NULL, NULL },
	[JOBS_FAILED] = { "jobs_failed",
			  "UPDATE atip_jobs SET state = 'failed',"
			  " lease_owner = NULL, lease_until = NULL,"
			  " last_error = $4, updated_at = $3"
			  " WHERE id = $1 AND lease_owner = $2"
			  " AND state = 'running'",
			  NULL, NULL },
	[JOBS_PRUNE] = { "jobs_prune",
			 "DELETE FROM atip_jobs WHERE state IN ('done', 'failed')"
			 " AND updated_at < $1",
			 NULL, NULL },
	/* A periodic kind's next run brought forward to $2. */
	[JOBS_WAKE] = { "jobs_wake",
			"UPDATE atip_jobs SET run_at = $2"
			" WHERE dedupe_key = $1 AND state = 'queued'"
			" AND run_at > $2",
			NULL, NULL },
};

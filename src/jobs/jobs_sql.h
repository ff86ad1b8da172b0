/* The job queue's statement table. */
#ifndef ATIP_JOBS_SQL_H
#define ATIP_JOBS_SQL_H

#include "db/db.h"

enum jobs_sql_id {
	JOBS_INSERT,
	JOBS_CLAIM,
	JOBS_DONE,
	JOBS_REQUEUE,
	JOBS_FAILED,
	JOBS_PRUNE,
	JOBS_WAKE,
	JOBS_SQL_COUNT
};

extern const struct db_stmt jobs_sql[JOBS_SQL_COUNT];

#endif

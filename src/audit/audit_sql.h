/* The audit trail's statement table. */
#ifndef ATIP_AUDIT_SQL_H
#define ATIP_AUDIT_SQL_H

#include "db/db.h"

enum audit_sql_id {
	AUDIT_HEAD,
	AUDIT_INSERT,
	AUDIT_WALK,
	AUDIT_HEADS,
	AUDIT_PAGE,
	AUDIT_RECORD_PAGE,
	AUDIT_FLAG_INSERT,
	AUDIT_FLAG_STATE,
	AUDIT_FLAG_REVIEW,
	AUDIT_FLAG_PAGE,
	AUDIT_COUNT_SINCE,
	AUDIT_SQL_COUNT
};

extern const struct db_stmt audit_sql[AUDIT_SQL_COUNT];

#endif

/* Statements of the notify module. */
#ifndef ATIP_NOTIFY_SQL_H
#define ATIP_NOTIFY_SQL_H

#include "db/db.h"

enum notify_sql_id {
	NOTIFY_INSERT,
	NOTIFY_ORG_USERS,
	NOTIFY_PAGE,
	NOTIFY_PAGE_UNREAD,
	NOTIFY_UNREAD,
	NOTIFY_READ_ONE,
	NOTIFY_READ_ALL,
	NOTIFY_EXISTS,
	NOTIFY_SQL_COUNT
};

extern const struct db_stmt notify_sql[NOTIFY_SQL_COUNT];

#endif

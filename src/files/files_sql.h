/* The statements of the files module. */
#ifndef ATIP_FILES_SQL_H
#define ATIP_FILES_SQL_H

#include "db/db.h"

enum files_sql_id {
	FILES_INSERT,
	FILES_GET,
	FILES_CONTENT,
	FILES_KEY,
	FILES_LIST,
	FILES_COUNT,
	FILES_DELETE,
	FILES_DELETE_RECORD,
	FILES_STALE_KEYS,
	FILES_SET_KEY,
	FILES_SQL_COUNT
};

extern const struct db_stmt files_sql[FILES_SQL_COUNT];

/* The columns files_get() and files_list() read, in this order. */
#define FILES_META                                                       \
	"id, record_kind, record_id, owner_org, name, media_type, size," \
	" CASE WHEN data_key IS NULL THEN 0 ELSE 1 END, created_by,"     \
	" created_at"

#endif

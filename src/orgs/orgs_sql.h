/* The statement table of the orgs module. */
#ifndef ATIP_ORGS_SQL_H
#define ATIP_ORGS_SQL_H

#include "db/db.h"

enum orgs_sql_id {
	ORGS_INSERT,
	ORGS_GET,
	ORGS_LIST,
	ORGS_SET_STATUS,
	GROUPS_INSERT,
	GROUPS_MEMBER_ADD,
	GROUPS_MEMBER_REMOVE,
	GROUPS_GET,
	GROUPS_OF_ORG,
	GROUPS_MEMBERS,
	ORGS_SQL_COUNT
};

/*
 * ORGS_GET, ORGS_LIST and ORGS_SET_STATUS return these columns in this
 * order.
 */
enum orgs_col {
	ORGS_COL_ID,
	ORGS_COL_NAME,
	ORGS_COL_TYPE,
	ORGS_COL_COUNTRY,
	ORGS_COL_SUBDIVISION,
	ORGS_COL_VERIFIED,
	ORGS_COL_STATUS,
	ORGS_COL_CREATED_AT,
	ORGS_COL_UPDATED_AT,
	ORGS_COL_VERSION,
};

extern const struct db_stmt orgs_sql[ORGS_SQL_COUNT];

#endif

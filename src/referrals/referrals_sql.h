/* Statements of referrals. */
#ifndef ATIP_REFERRALS_SQL_H
#define ATIP_REFERRALS_SQL_H

#include "db/db.h"

enum referrals_sql_id {
	REF_INSERT,
	REF_GET,
	REF_MOVE,
	REF_LIST,
	REF_DUE,
	REF_ESCALATED,
	REF_ORG_ADMINS,
	REF_FACTS,
	REFERRALS_SQL_COUNT
};

extern const struct db_stmt referrals_sql[REFERRALS_SQL_COUNT];

#endif

/* Statements of the service directory. */
#ifndef ATIP_SERVICES_SQL_H
#define ATIP_SERVICES_SQL_H

#include "db/db.h"

enum services_sql_id {
	LOC_INSERT,
	LOC_GET,
	LOC_UPDATE,
	LOC_REFERRERS,
	LOC_REFERRERS_DELETE,
	LOC_REFERRER_INSERT,
	LOC_OF_ORG,
	SVC_INSERT,
	SVC_GET,
	SVC_UPDATE,
	SVC_VACANCIES,
	SVC_SEARCH,
	SVC_NEAR,
	SERVICES_SQL_COUNT
};

extern const struct db_stmt services_sql[SERVICES_SQL_COUNT];

/* The columns of a location row, in the order services.c reads them. */
#define LOC_COLUMNS(l)                                                    \
	l ".id, " l ".org_id, " l ".name, " l ".description, " l          \
	  ".address, " l ".city, " l ".country, " l ".subdivision, " l    \
	  ".district, " l ".lat_e4, " l ".lon_e4, " l ".confidential, " l \
	  ".created_at, " l ".updated_at, " l ".version"

enum { LOC_NCOLUMNS = 15, SVC_NCOLUMNS = 22 };

#endif

/* Statements of the intel module. */
#ifndef ATIP_INTEL_INTEL_SQL_H
#define ATIP_INTEL_INTEL_SQL_H

#include "db/db.h"

enum intel_sql_id {
	REPORT_INSERT,
	REPORT_GET,
	REPORT_UPDATE,
	REPORT_VALUES_DROP,
	REPORT_DELETE,
	REPORT_LIST,
	REPORT_KEY_GET,
	REPORT_KEY_SET,
	REPORT_KEYS_OLD,
	REPORT_KEY_REWRAP,
	REPORT_CASES,
	REPORT_CASES_DELETE,
	REPORT_CASE_INSERT,
	CASE_REPORTS,
	IND_INSERT,
	IND_LIST,
	IND_GET,
	IND_DELETE,
	IND_BY_VALUE,
	IND_NEAR_AD,
	VALUE_BUMP,
	VALUE_DROP,
	VALUE_GET,
	REQ_INSERT,
	REQ_LIST,
	REQ_GET,
	REQ_UPDATE,
	CASEVAL_STALE,
	CASEVAL_FORGET_ERASED,
	CASEVAL_DELETE,
	CASEVAL_INSERT,
	CASEVAL_DONE,
	CASEVAL_HITS,
	INTEL_SQL_COUNT
};

extern const struct db_stmt intel_sql[INTEL_SQL_COUNT];
extern const struct db_migration intel_migrations[];
extern const size_t intel_nmigrations;

/* The columns of a report row, in the order intel.c reads them. */
#define REPORT_COLUMNS                                                    \
	"r.id, r.owner_org, r.owner_country, r.level, r.group_id, r.tlp," \
	" r.title, r.narrative, r.period_start, r.period_end, r.places,"  \
	" r.exploitation, r.platforms, r.reliability, r.credibility,"     \
	" r.handling, r.handling_note, r.created_by, r.created_at,"       \
	" r.updated_at, r.version, o.name"

/* The columns of an indicator row, in the order intel_indicators.c reads
 * them (then the values' record count). */
#define IND_COLUMNS                                                  \
	"i.id, i.report_id, i.type, i.qualifier, i.value, i.sealed," \
	" i.vkey, i.note, i.created_by, i.created_at, i.simhash"

#endif

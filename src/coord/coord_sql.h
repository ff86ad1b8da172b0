/* Statements of the coordination workspace. */
#ifndef ATIP_COORD_SQL_H
#define ATIP_COORD_SQL_H

#include "db/db.h"

/*
 * The rows of table alias t that the viewer $1 (organisation id, "" when
 * anonymous), $2 (its country) and $3 (its groups, a comma list) may see:
 * the SQL twin of access_check()'s visibility, for lists and counts.
 * grants is a condition naming organisations with a need-to-know grant.
 * Stored levels are never wider than their TLP label allows (checked on
 * write), so the label need not be read here.
 */
#define COORD_VISIBLE(t, grants)                                             \
	"(" t ".level = 'public' OR ($1 <> '' AND (" t ".level = 'platform'" \
	" OR " t ".owner_org = $1"                                           \
	" OR (" t ".level = 'country' AND " t ".owner_country = $2)"         \
	" OR (" t ".level = 'group' AND (',' || $3 || ',') LIKE"             \
	" ('%,' || " t ".group_id || ',%'))"                                 \
	" OR " grants ")))"

/* The sharing columns every record has, first in its table. */
#define COORD_SHARE_COLUMNS                                            \
	" id TEXT PRIMARY KEY,"                                        \
	" owner_org TEXT NOT NULL REFERENCES orgs (id),"               \
	" owner_country TEXT NOT NULL,"                                \
	" level TEXT NOT NULL CHECK (level IN ('org', 'group',"        \
	"  'country', 'platform', 'public')),"                         \
	" group_id TEXT REFERENCES sharing_groups (id),"               \
	" tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER'," \
	"  'AMBER+STRICT', 'RED')),"

enum coord_sql_id {
	MEET_INSERT,
	MEET_GET,
	MEET_UPDATE,
	MEET_ORGS,
	MEET_ORGS_DELETE,
	MEET_ORG_INSERT,
	MEET_AGENDA,
	MEET_AGENDA_DELETE,
	MEET_AGENDA_INSERT,
	MEET_DECISIONS,
	MEET_DECISION_NEXT,
	MEET_DECISION_INSERT,
	MEET_LIST_DESC,
	MEET_LIST_ASC,
	MEET_DECISION_GET,
	MEET_LOCK,
	ACTION_INSERT,
	ACTION_GET,
	ACTION_UPDATE,
	ACTION_ORGS,
	ACTION_ORGS_DELETE,
	ACTION_ORG_INSERT,
	ACTION_UPDATES,
	ACTION_UPDATE_INSERT,
	ACTION_SET_STATUS,
	ACTION_LIST,
	ACTION_DUE,
	ACTION_LOCK,
	COMMENT_INSERT,
	COMMENT_PARENT,
	COMMENT_PAGE,
	USER_ORG,
	PRACTICE_INSERT,
	PRACTICE_GET,
	PRACTICE_UPDATE,
	PRACTICE_RECENT,
	PRACTICE_SEARCH,
	COORD_SQL_COUNT
};

extern const struct db_stmt coord_sql[COORD_SQL_COUNT];

/* The columns of a meeting row, in the order coord_meetings.c reads. */
#define MEET_COLUMNS                                                      \
	"m.id, m.owner_org, m.owner_country, m.level, m.group_id, m.tlp," \
	" m.title, m.description, m.starts_at, m.ends_at, m.place,"       \
	" m.online_url, m.minutes, m.status, m.created_by, m.created_at," \
	" m.updated_at, m.version"

/* The columns of an action row, in the order coord_actions.c reads. */
#define ACTION_COLUMNS                                                    \
	"x.id, x.owner_org, x.owner_country, x.level, x.group_id, x.tlp," \
	" x.title, x.description, x.theme, x.countries, x.lead_org,"      \
	" lo.name, x.priority, x.due_date, x.status, x.meeting_id,"       \
	" x.decision_id, x.created_by, x.created_at, x.updated_at,"       \
	" x.version"

/* The columns of a practice row (without body), then body. */
#define PRACTICE_COLUMNS                                                  \
	"p.id, p.owner_org, p.owner_country, p.level, p.group_id, p.tlp," \
	" p.title, p.summary, p.source, p.country, p.theme, p.tags,"      \
	" p.published_on, p.created_by, p.created_at, p.updated_at,"      \
	" p.version"

#endif

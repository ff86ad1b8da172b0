/*
 * The one policy function: may actor A do action X on record R?
 *
 * Role decides which actions; distribution and need-to-know decide which
 * records.  A record the actor may not see is HIDDEN (answer 404 and never
 * count it in a list); a record it may see but not act on that way is
 * FORBIDDEN (403).  Victims' identifying data is never shared by
 * distribution level: only case workers and investigators of the owner
 * organisation, or of an organisation holding a need-to-know grant (an
 * open referral or handover), read it.
 */
#ifndef ATIP_ACCESS_ACCESS_H
#define ATIP_ACCESS_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

enum access_action {
	ACT_READ,	   /* see the record (and list it) */
	ACT_CREATE,	   /* add a record owned by the actor's organisation */
	ACT_UPDATE,	   /* change it */
	ACT_DELETE,	   /* erase it */
	ACT_SHARE,	   /* change its distribution level */
	ACT_READ_PERSONAL, /* read a victim's identifying fields */
	ACT_ADMIN,	   /* manage organisations and users */
	ACT_CONTRIBUTE,	   /* add to it: a comment, a progress update */
	ACT_COUNT
};

enum access_level {
	LEVEL_ORG,	/* the owner organisation only */
	LEVEL_GROUP,	/* a sharing group of organisations */
	LEVEL_COUNTRY,	/* member organisations of the owner's country */
	LEVEL_PLATFORM, /* every member */
	LEVEL_PUBLIC,	/* anyone: public practices, published statistics */
	LEVEL_COUNT
};

/* TLP 2.0 labels. */
enum access_tlp { TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_AMBER_STRICT, TLP_RED };

/* What kind of record: admin records follow their own rules. */
enum access_kind {
	KIND_RECORD, /* domain records: cases, reports, practices, ... */
	KIND_ORG,    /* member organisations (the directory) */
	KIND_USER,   /* accounts */
	KIND_AUDIT,  /* an organisation's audit trail */
	KIND_GROUP,  /* a sharing group (group_id: itself) */
};

struct access_actor {
	enum auth_role role;
	const char *org_id;
	const char *country;
	const char *const *groups; /* sharing groups the org belongs to */
	size_t ngroups;
};

struct access_record {
	enum access_kind kind;
	const char *owner_org;
	const char *owner_country;
	enum access_level level;
	const char *group_id; /* LEVEL_GROUP: which group */
	enum access_tlp tlp;
	const char *const *grants; /* orgs with a need-to-know grant */
	size_t ngrants;
};

enum access_result { ACCESS_ALLOW, ACCESS_FORBIDDEN, ACCESS_HIDDEN };

/*
 * How a module shows one kind of its records to access decisions, so that
 * what attaches to any record (files, discussions) follows that record's
 * rules exactly.  routes.c lists every kind (app_kind()).
 */
struct record_kind {
	const char *name; /* "meeting", "action", "practice", "case", ... */
	/* Holds victims' personal data: attachments are encrypted and read
	 * with ACT_READ_PERSONAL, every read audited. */
	bool sensitive;
	/* Reads the access view of record id, strings in arena a;
	 * ERR_NOT_FOUND when there is none. */
	enum err (*load)(struct db_conn *c, const char *id, struct arena *a,
			 struct access_record *out);
};

/* Decides; actor NULL is an anonymous client. */
enum access_result access_check(const struct access_actor *a,
				enum access_action act,
				const struct access_record *r);

enum { ACCESS_REASON_MIN = 15 }; /* characters of a break-glass reason */

/*
 * Break glass: emergency access to a victim's identifying data outside
 * need-to-know, for case workers and investigators of an organisation that
 * may see the record, with a stated reason of at least ACCESS_REASON_MIN
 * characters.  The caller audits the access with the reason and flags it
 * for review by the owner.  HIDDEN for a record the actor may not see.
 */
enum access_result access_break_glass(const struct access_actor *a,
				      const struct access_record *r,
				      const char *reason);

/* The widest level a TLP label lets a record be shared at. */
enum access_level access_tlp_max(enum access_tlp tlp);

/* Names, for the API ("org", "group", ...; "CLEAR", "AMBER+STRICT", ...). */
const char *access_level_name(enum access_level l);
bool access_level_parse(const char *s, enum access_level *out);
const char *access_tlp_name(enum access_tlp t);
bool access_tlp_parse(const char *s, enum access_tlp *out);

#endif

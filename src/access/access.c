#include "access/access.h"

#include <string.h>

static bool
same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool
in(const char *id, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (same(id, list[i]))
			return true;
	return false;
}

/* May the actor see the record exists, by distribution or grant? */
static bool
visible(const struct access_actor *a, const struct access_record *r)
{
	enum access_level cap = access_tlp_max(r->tlp);
	/* A record is never seen wider than its TLP label allows. */
	enum access_level level = r->level < cap ? r->level : cap;

	if (level == LEVEL_PUBLIC)
		return true;
	if (!a)
		return false;
	if (same(a->org_id, r->owner_org) ||
	    in(a->org_id, r->grants, r->ngrants))
		return true;
	switch (r->kind) {
	case KIND_ORG: return true; /* the member directory */
	case KIND_USER:
	case KIND_AUDIT: return a->role == ROLE_PLATFORM_ADMIN;
	case KIND_GROUP:
		return a->role == ROLE_PLATFORM_ADMIN ||
		       in(r->group_id, a->groups, a->ngroups);
	case KIND_RECORD: break;
	}
	switch (level) {
	case LEVEL_GROUP: return in(r->group_id, a->groups, a->ngroups);
	case LEVEL_COUNTRY: return same(a->country, r->owner_country);
	case LEVEL_PLATFORM: return true;
	default: return false;
	}
}

static bool
writer(enum auth_role role)
{
	return role == ROLE_CASE_WORKER || role == ROLE_INVESTIGATOR ||
	       role == ROLE_ORG_ADMIN;
}

/* Actions on admin records: organisations, accounts, audit trails. */
static bool
admin_allows(const struct access_actor *a, enum access_action act,
	     const struct access_record *r)
{
	bool own = same(a->org_id, r->owner_org);

	if (act == ACT_READ)
		return r->kind != KIND_AUDIT ||
		       a->role == ROLE_PLATFORM_ADMIN ||
		       (own && a->role == ROLE_ORG_ADMIN);
	/* A trail is append-only: updating one is reviewing its flagged
	 * break-glass accesses, for the owner's org admins alone. */
	if (r->kind == KIND_AUDIT)
		return act == ACT_UPDATE && own && a->role == ROLE_ORG_ADMIN;
	if (act != ACT_ADMIN && act != ACT_CREATE && act != ACT_UPDATE)
		return false;
	if (a->role == ROLE_PLATFORM_ADMIN)
		return true;
	/* An org admin manages its organisation's accounts and groups. */
	return a->role == ROLE_ORG_ADMIN && own &&
	       (r->kind == KIND_USER || r->kind == KIND_GROUP);
}

enum access_result
access_check(const struct access_actor *a, enum access_action act,
	     const struct access_record *r)
{
	bool own;

	if ((unsigned)act >= ACT_COUNT || !visible(a, r))
		return ACCESS_HIDDEN;
	if (!a) /* anonymous: public records, read only */
		return act == ACT_READ ? ACCESS_ALLOW : ACCESS_FORBIDDEN;
	if (r->kind != KIND_RECORD)
		return admin_allows(a, act, r) ? ACCESS_ALLOW
					       : ACCESS_FORBIDDEN;
	own = same(a->org_id, r->owner_org);
	switch (act) {
	case ACT_READ: return ACCESS_ALLOW;
	case ACT_READ_PERSONAL:
		return (a->role == ROLE_CASE_WORKER ||
			a->role == ROLE_INVESTIGATOR) &&
				       (own ||
					in(a->org_id, r->grants, r->ngrants))
			       ? ACCESS_ALLOW
			       : ACCESS_FORBIDDEN;
	case ACT_CREATE:
	case ACT_UPDATE:
	case ACT_DELETE:
	case ACT_SHARE:
		return own && writer(a->role) ? ACCESS_ALLOW : ACCESS_FORBIDDEN;
	/* Whoever sees a record takes part in its discussion; viewers
	 * only read. */
	case ACT_CONTRIBUTE:
		return a->role != ROLE_VIEWER ? ACCESS_ALLOW : ACCESS_FORBIDDEN;
	default: return ACCESS_FORBIDDEN;
	}
}

enum access_result
access_break_glass(const struct access_actor *a, const struct access_record *r,
		   const char *reason)
{
	size_t chars = 0;

	if (!a || r->kind != KIND_RECORD || !visible(a, r))
		return ACCESS_HIDDEN;
	for (const char *p = reason; p && *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if ((a->role != ROLE_CASE_WORKER && a->role != ROLE_INVESTIGATOR) ||
	    chars < ACCESS_REASON_MIN)
		return ACCESS_FORBIDDEN;
	return ACCESS_ALLOW;
}

enum access_level
access_tlp_max(enum access_tlp tlp)
{
	switch (tlp) {
	case TLP_CLEAR: return LEVEL_PUBLIC;
	case TLP_GREEN: return LEVEL_PLATFORM;
	case TLP_AMBER: return LEVEL_COUNTRY;
	default: return LEVEL_ORG; /* AMBER+STRICT, RED */
	}
}

static const char *const levels[LEVEL_COUNT] = { "org", "group", "country",
						 "platform", "public" };
static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
				    "RED" };

const char *
access_level_name(enum access_level l)
{
	return (unsigned)l < LEVEL_COUNT ? levels[l] : NULL;
}

bool
access_level_parse(const char *s, enum access_level *out)
{
	for (int i = 0; s && i < LEVEL_COUNT; i++) {
		if (!strcmp(s, levels[i])) {
			*out = (enum access_level)i;
			return true;
		}
	}
	return false;
}

const char *
access_tlp_name(enum access_tlp t)
{
	return (unsigned)t <= TLP_RED ? tlps[t] : NULL;
}

bool
access_tlp_parse(const char *s, enum access_tlp *out)
{
	for (int i = 0; s && i <= TLP_RED; i++) {
		if (!strcmp(s, tlps[i])) {
			*out = (enum access_tlp)i;
			return true;
		}
	}
	return false;
}

/* What every coordination record shares: ownership, sharing, text. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "coord/coord.h"
#include "orgs/orgs.h"

void
coord_error(struct coord_errors *errs, const char *field, const char *message)
{
	for (int i = 0; i < errs->n; i++)
		if (!strcmp(errs->v[i].field, field))
			return;
	if (errs->n < COORD_MAX_ERRORS) {
		errs->v[errs->n].field = field;
		errs->v[errs->n++].message = message;
	}
}

/* Is org a member of group?  ERR_OK with *yes. */
static enum err
member_of(struct db_conn *c, const char *org, const char *group, bool *yes)
{
	struct arena a;
	struct org_group *g;
	size_t n;
	enum err e;

	arena_init(&a);
	e = orgs_groups_of(c, org, &a, &g, &n);
	*yes = false;
	for (size_t i = 0; e == ERR_OK && i < n; i++)
		*yes = *yes || !strcmp(g[i].id, group);
	arena_release(&a);
	return e;
}

enum err
coord_share_parse(struct db_conn *c, const char *level, const char *group_id,
		  const char *tlp, bool allow_public, struct coord_share *share,
		  struct coord_errors *errs)
{
	enum access_level l = share->level;
	enum access_tlp t = share->tlp;
	char group[UUID_STR_LEN];
	int before = errs->n;
	bool yes;
	enum err e;

	if (level && !access_level_parse(level, &l))
		coord_error(errs, "level",
			    "must be org, group, country, platform or public");
	else if (l == LEVEL_PUBLIC && !allow_public)
		coord_error(errs, "level",
			    "cannot be public for this kind of record");
	if (tlp && !access_tlp_parse(tlp, &t))
		coord_error(errs, "tlp",
			    "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
	if (errs->n > before)
		return ERR_INVALID;
	if (l > access_tlp_max(t)) {
		coord_error(errs, "level",
			    t == TLP_AMBER ? "is wider than TLP AMBER allows: "
					     "at most a group or the owner's "
					     "country"
			    : t == TLP_GREEN
				    ? "is wider than TLP GREEN allows: at "
				      "most every member, never public"
				    : "is wider than the TLP label allows: "
				      "RED and AMBER+STRICT records stay in "
				      "the owner organisation (org)");
		return ERR_INVALID;
	}
	share->level = l;
	share->tlp = t;
	if (l != LEVEL_GROUP) {
		if (group_id && *group_id) {
			coord_error(errs, "group_id",
				    "is only for level group");
			return ERR_INVALID;
		}
		share->group_id[0] = '\0';
		return ERR_OK;
	}
	if (!group_id && share->group_id[0])
		return ERR_OK; /* unchanged */
	if (!group_id || !uuid_normalise(str_of(group_id), group)) {
		coord_error(errs, "group_id",
			    "must name a sharing group of your organisation");
		return ERR_INVALID;
	}
	if ((e = member_of(c, share->owner_org, group, &yes)) != ERR_OK)
		return e;
	if (!yes) {
		coord_error(errs, "group_id",
			    "must name a sharing group of your organisation");
		return ERR_INVALID;
	}
	memcpy(share->group_id, group, sizeof(group));
	return ERR_OK;
}

struct access_record
coord_access(const struct coord_share *s, const char *const *grants,
	     size_t ngrants)
{
	return (struct access_record){ .kind = KIND_RECORD,
				       .owner_org = s->owner_org,
				       .owner_country = s->owner_country,
				       .level = s->level,
				       .group_id = s->group_id[0] ? s->group_id
								  : NULL,
				       .tlp = s->tlp,
				       .grants = grants,
				       .ngrants = ngrants };
}

bool
coord_text(struct arena *a, const char *field, const char *in, size_t max_chars,
	   unsigned flags, bool required, const char **out,
	   struct coord_errors *errs)
{
	const char *why, *t = text_clean(a, in, max_chars, flags, &why);

	if (!t) {
		coord_error(errs, field, why);
		return false;
	}
	if (required && !*t) {
		coord_error(errs, field, "is required");
		return false;
	}
	*out = t;
	return true;
}

bool
coord_org_ids(struct db_conn *c, struct arena *a, const char *field,
	      const char *const *in, size_t n, const char ***out,
	      struct coord_errors *errs)
{
	const char **ids;
	struct org o;

	if (n > COORD_LIST_MAX_ITEMS) {
		coord_error(errs, field, "names too many organisations");
		return false;
	}
	ids = arena_alloc(a, (n ? n : 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++) {
		char id[UUID_STR_LEN];

		if (!in[i] || !uuid_normalise(str_of(in[i]), id) ||
		    orgs_get(c, id, &o) != ERR_OK) {
			coord_error(errs, field,
				    "must list member organisations by id");
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ids[j], id)) {
				coord_error(errs, field,
					    "names an organisation twice");
				return false;
			}
		ids[i] = arena_strdup(a, id);
	}
	*out = ids;
	return true;
}

void
coord_copy(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s ? s : "");
}

void
coord_read_head(struct db_rows *rows, char id[UUID_STR_LEN],
		struct coord_share *s)
{
	coord_copy(id, UUID_STR_LEN, db_col_text(rows, 0));
	coord_copy(s->owner_org, sizeof(s->owner_org), db_col_text(rows, 1));
	coord_copy(s->owner_country, sizeof(s->owner_country),
		   db_col_text(rows, 2));
	access_level_parse(db_col_text(rows, 3), &s->level);
	coord_copy(s->group_id, sizeof(s->group_id), db_col_text(rows, 4));
	access_tlp_parse(db_col_text(rows, 5), &s->tlp);
}

void
coord_share_args(struct db_arg *args, const struct coord_share *s)
{
	args[0] = db_text(access_level_name(s->level));
	args[1] = db_text(s->group_id[0] ? s->group_id : NULL);
	args[2] = db_text(access_tlp_name(s->tlp));
}

void
coord_head_args(struct db_arg *args, const char *id,
		const struct coord_share *s)
{
	args[0] = db_text(id);
	args[1] = db_text(s->owner_org);
	args[2] = db_text(s->owner_country);
	coord_share_args(args + 3, s);
}

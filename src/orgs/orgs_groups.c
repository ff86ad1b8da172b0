/*
 * Sharing groups: named sets of organisations, owned by one of them, that
 * records of level "group" are shared with.  The owner is a member.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "orgs/orgs.h"
#include "orgs/orgs_sql.h"

static void
read_group(struct db_rows *rows, struct org_group *g)
{
	snprintf(g->id, sizeof(g->id), "%s", db_col_text(rows, 0));
	snprintf(g->owner_org, sizeof(g->owner_org), "%s",
		 db_col_text(rows, 1));
	snprintf(g->name, sizeof(g->name), "%s", db_col_text(rows, 2));
	g->hidden_members = db_col_int(rows, 3) != 0;
	snprintf(g->created_at, sizeof(g->created_at), "%s",
		 db_col_text(rows, 4));
}

enum err
orgs_group_create(struct db_conn *c, const char *owner_org, const char *name,
		  bool hidden_members, struct org_group *out)
{
	struct db_arg a[5];
	long long changed = 0;
	const char *why;
	enum db_status st;

	memset(out, 0, sizeof(*out));
	if (!orgs_name_clean(name, out->name, &why))
		return ERR_INVALID;
	uuid_v7(out->id);
	snprintf(out->owner_org, sizeof(out->owner_org), "%s", owner_org);
	out->hidden_members = hidden_members;
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	a[0] = db_text(out->id);
	a[1] = db_text(owner_org);
	a[2] = db_text(out->name);
	a[3] = DB_INT(hidden_members);
	a[4] = db_text(out->created_at);
	st = db_exec(c, &orgs_sql[GROUPS_INSERT], a, 5, &changed);
	if (st != DB_OK)
		return db_err(st);
	if (changed != 1)
		return ERR_CONFLICT;
	return orgs_group_member(c, out->id, owner_org, true);
}

enum err
orgs_group_member(struct db_conn *c, const char *group_id, const char *org_id,
		  bool add)
{
	struct db_arg a[2] = { db_text(group_id), db_text(org_id) };
	long long changed = 0;
	enum db_status st;

	st = db_exec(c,
		     &orgs_sql[add ? GROUPS_MEMBER_ADD : GROUPS_MEMBER_REMOVE],
		     a, 2, &changed);
	if (st == DB_CONSTRAINT)
		return ERR_NOT_FOUND; /* no such organisation */
	if (st != DB_OK)
		return db_err(st);
	return add || changed == 1 ? ERR_OK : ERR_NOT_FOUND;
}

enum err
orgs_group_get(struct db_conn *c, const char *id, struct org_group *out)
{
	struct db_arg a = db_text(id);
	struct db_rows rows;
	enum db_status st;
	bool found;

	db_query(c, &orgs_sql[GROUPS_GET], &a, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_group(&rows, out);
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	return found ? ERR_OK : ERR_NOT_FOUND;
}

enum err
orgs_groups_of(struct db_conn *c, const char *org_id, struct arena *a,
	       struct org_group **out, size_t *n)
{
	struct db_arg arg = db_text(org_id);
	struct db_rows rows;
	size_t cap = 8;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	db_query(c, &orgs_sql[GROUPS_OF_ORG], &arg, 1, &rows);
	while (db_next(&rows)) {
		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		read_group(&rows, &(*out)[(*n)++]);
	}
	return db_err(db_rows_close(&rows));
}

enum err
orgs_group_members(struct db_conn *c, const char *group_id,
		   void (*each)(const char *org_id, void *ctx), void *ctx)
{
	struct db_arg a = db_text(group_id);
	struct db_rows rows;

	db_query(c, &orgs_sql[GROUPS_MEMBERS], &a, 1, &rows);
	while (db_next(&rows))
		each(db_col_text(&rows, 0), ctx);
	return db_err(db_rows_close(&rows));
}

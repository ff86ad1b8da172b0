/* Discussions: comments on any record, with its visibility exactly. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "coord/coord.h"
#include "coord/coord_sql.h"
#include "notify/notify.h"
#include "orgs/orgs.h"

/* May members of org see r?  As access_check() decides for any of them. */
static enum err
org_sees(struct db_conn *c, struct arena *a, const char *org_id,
	 const struct access_record *r, bool *yes)
{
	struct org o;
	struct org_group *g;
	const char **ids;
	size_t n;
	enum err e;

	*yes = false;
	if ((e = orgs_get(c, org_id, &o)) != ERR_OK)
		return e == ERR_NOT_FOUND ? ERR_OK : e;
	if ((e = orgs_groups_of(c, org_id, a, &g, &n)) != ERR_OK)
		return e;
	ids = arena_alloc(a, (n ? n : 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = g[i].id;
	struct access_actor who = { ROLE_ANALYST, org_id, o.country, ids, n };
	*yes = o.status == ORG_ACTIVE &&
	       access_check(&who, ACT_READ, r) == ACCESS_ALLOW;
	return ERR_OK;
}

/* Normalised, unique ids of at most MENTIONS_MAX; false after an error. */
static bool
mention_ids(struct arena *a, const char *field, const char *const *in, size_t n,
	    const char ***out, struct coord_errors *errs)
{
	const char **v;

	if (n > MENTIONS_MAX) {
		coord_error(errs, field, "mentions too many");
		return false;
	}
	v = arena_alloc(a, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		char id[UUID_STR_LEN];

		if (!in[i] || !uuid_normalise(str_of(in[i]), id)) {
			coord_error(errs, field, "must list ids");
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], id)) {
				coord_error(errs, field, "names one twice");
				return false;
			}
		v[i] = arena_strdup(a, id);
	}
	*out = v;
	return true;
}

/* The organisation of an active user, or "" when there is none. */
static enum err
user_org(struct db_conn *c, const char *user_id, char org[UUID_STR_LEN])
{
	struct db_arg arg = db_text(user_id);
	struct db_rows rows;

	org[0] = '\0';
	db_query(c, &coord_sql[USER_ORG], &arg, 1, &rows);
	if (db_next(&rows))
		coord_copy(org, UUID_STR_LEN, db_col_text(&rows, 0));
	return db_err(db_rows_close(&rows));
}

/* Checks every mention against the record, naming each list at fault. */
static enum err
check_mentions(struct db_conn *c, struct arena *a,
	       const struct access_record *r, const char *const *orgs,
	       size_t norgs, const char *const *users, size_t nusers,
	       struct coord_errors *errs)
{
	enum err e;
	bool yes;

	for (size_t i = 0; orgs && i < norgs; i++) {
		if ((e = org_sees(c, a, orgs[i], r, &yes)) != ERR_OK)
			return e;
		if (!yes) {
			coord_error(errs, "mention_orgs",
				    "names an organisation that cannot see "
				    "this record");
			break;
		}
	}
	for (size_t i = 0; users && i < nusers; i++) {
		char org[UUID_STR_LEN];

		if ((e = user_org(c, users[i], org)) != ERR_OK)
			return e;
		yes = false;
		if (org[0] && (e = org_sees(c, a, org, r, &yes)) != ERR_OK)
			return e;
		if (!yes) {
			coord_error(errs, "mention_users",
				    "names someone who cannot see this "
				    "record");
			break;
		}
	}
	return ERR_OK;
}

/* The author of the comment replied to, checked to be on this record. */
static enum err
parent_author(struct db_conn *c, const struct comment_input *in,
	      const char *parent, char author[UUID_STR_LEN], bool *found)
{
	struct db_arg args[3] = { db_text(parent), db_text(in->record_kind),
				  db_text(in->record_id) };
	struct db_rows rows;

	author[0] = '\0';
	db_query(c, &coord_sql[COMMENT_PARENT], args, 3, &rows);
	*found = db_next(&rows);
	if (*found)
		coord_copy(author, UUID_STR_LEN, db_col_text(&rows, 0));
	return db_err(db_rows_close(&rows));
}

static enum err
tell(struct db_conn *c, struct arena *a, const struct access_record *r,
     const struct comment_input *in, const struct comment *x,
     const char *parent_author)
{
	struct notify_event ev = { .event = "mention",
				   .record_kind = in->record_kind,
				   .record_id = in->record_id,
				   .actor_org = x->org_id,
				   .actor_user = x->user_id };
	char org[UUID_STR_LEN];
	enum err e = ERR_OK;
	bool sees = false;

	for (size_t i = 0; e == ERR_OK && i < x->nmention_orgs; i++)
		e = notify_org(c, x->mention_orgs[i], &ev);
	for (size_t i = 0; e == ERR_OK && i < x->nmention_users; i++)
		e = notify_user(c, x->mention_users[i], &ev);
	if (e != ERR_OK || !parent_author || !*parent_author)
		return e;
	/* The author of the comment replied to hears of it only while
	 * their organisation still sees the record. */
	if ((e = user_org(c, parent_author, org)) != ERR_OK)
		return e;
	if (org[0] && (e = org_sees(c, a, org, r, &sees)) != ERR_OK)
		return e;
	ev.event = "reply";
	return sees ? notify_user(c, parent_author, &ev) : ERR_OK;
}

enum err
coord_comment_add(struct db_conn *c, struct arena *a,
		  const struct access_record *r, const struct comment_input *in,
		  const char *org_id, const char *user_id, struct comment *out,
		  struct coord_errors *errs)
{
	char author[UUID_STR_LEN] = "";
	struct db_arg args[10];
	bool found, orgs_ok, users_ok;
	enum err e;

	memset(out, 0, sizeof(*out));
	coord_text(a, "body", in->body, COMMENT_MAX, TEXT_LINES, true,
		   &out->body, errs);
	orgs_ok = mention_ids(a, "mention_orgs", in->mention_orgs,
			      in->nmention_orgs, &out->mention_orgs, errs);
	out->nmention_orgs = orgs_ok ? in->nmention_orgs : 0;
	users_ok = mention_ids(a, "mention_users", in->mention_users,
			       in->nmention_users, &out->mention_users, errs);
	out->nmention_users = users_ok ? in->nmention_users : 0;
	if (in->parent_id &&
	    !uuid_normalise(str_of(in->parent_id), out->parent_id))
		coord_error(errs, "parent_id",
			    "must name a comment on this record");
	/* What needs the database is checked too, so one 422 names every
	 * wrong field. */
	if (out->parent_id[0]) {
		e = parent_author(c, in, out->parent_id, author, &found);
		if (e != ERR_OK)
			return e;
		if (!found)
			coord_error(errs, "parent_id",
				    "must name a comment on this record");
	}
	e = check_mentions(c, a, r, orgs_ok ? out->mention_orgs : NULL,
			   out->nmention_orgs,
			   users_ok ? out->mention_users : NULL,
			   out->nmention_users, errs);
	if (e != ERR_OK)
		return e;
	if (errs->n)
		return ERR_INVALID;
	uuid_v7(out->id);
	coord_copy(out->org_id, sizeof(out->org_id), org_id);
	coord_copy(out->user_id, sizeof(out->user_id), user_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	args[0] = db_text(out->id);
	args[1] = db_text(in->record_kind);
	args[2] = db_text(in->record_id);
	args[3] = db_text(out->parent_id[0] ? out->parent_id : NULL);
	args[4] = db_text(org_id);
	args[5] = db_text(user_id);
	args[6] = db_text(out->body);
	args[7] = db_text(
		text_join(a, out->mention_orgs, out->nmention_orgs, false));
	args[8] = db_text(
		text_join(a, out->mention_users, out->nmention_users, false));
	args[9] = db_text(out->created_at);
	e = db_err(db_exec(c, &coord_sql[COMMENT_INSERT], args, 10, NULL));
	return e == ERR_OK ? tell(c, a, r, in, out, author) : e;
}

enum err
coord_comment_list(struct db_conn *c, struct arena *a, const char *record_kind,
		   const char *record_id, const char *cursor, long long limit,
		   struct comment **out, size_t *n)
{
	struct db_arg args[4] = { db_text(record_kind), db_text(record_id),
				  db_text(cursor ? cursor : ""),
				  DB_INT(limit) };
	struct db_rows rows;

	*n = 0;
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	db_query(c, &coord_sql[COMMENT_PAGE], args, 4, &rows);
	while (db_next(&rows)) {
		struct comment *x = &(*out)[(*n)++];

		memset(x, 0, sizeof(*x));
		coord_copy(x->id, sizeof(x->id), db_col_text(&rows, 0));
		coord_copy(x->parent_id, sizeof(x->parent_id),
			   db_col_text(&rows, 1));
		coord_copy(x->org_id, sizeof(x->org_id), db_col_text(&rows, 2));
		x->org_name = arena_strdup(a, db_col_text(&rows, 3));
		coord_copy(x->user_id, sizeof(x->user_id),
			   db_col_text(&rows, 4));
		x->user_name = arena_strdup(a, db_col_text(&rows, 5));
		x->body = arena_strdup(a, db_col_text(&rows, 6));
		text_split(a, db_col_text(&rows, 7), &x->mention_orgs,
			   &x->nmention_orgs);
		text_split(a, db_col_text(&rows, 8), &x->mention_users,
			   &x->nmention_users);
		coord_copy(x->created_at, sizeof(x->created_at),
			   db_col_text(&rows, 9));
	}
	return db_err(db_rows_close(&rows));
}

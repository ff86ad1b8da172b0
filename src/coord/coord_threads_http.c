/* /api/v1/threads: discussions on any record. */
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"

static json_t *
comment_json(const struct comment *x)
{
	json_t *o = json_pack("{ss ss? ss ss? ss? ss? ss ss}", "id", x->id,
			      "parent_id",
			      x->parent_id[0] ? x->parent_id : NULL, "org_id",
			      x->org_id, "org_name", x->org_name, "user_id",
			      x->user_id[0] ? x->user_id : NULL, "user_name",
			      x->user_name, "body", x->body, "created_at",
			      x->created_at);

	json_object_set_new(o, "mention_orgs",
			    coord_strings_json(x->mention_orgs,
					       x->nmention_orgs));
	json_object_set_new(o, "mention_users",
			    coord_strings_json(x->mention_users,
					       x->nmention_users));
	return o;
}

/*
 * Comments are plain text: none on a record holding a victim's personal
 * data, whose notes are kept encrypted on the record itself.
 */
static bool
open_record(struct http_request *req, const struct app_record *rec)
{
	if (!rec->kind->sensitive)
		return true;
	http_invalid(req, "record_kind",
		     "has no discussion: it holds personal data (write notes "
		     "on the record)");
	return false;
}

void
coord_http_threads_list(struct http_request *req)
{
	const char *cursor_s = http_query(req, "cursor");
	char cursor[UUID_STR_LEN];
	struct coord_errors errs = { 0 };
	struct app_record rec;
	struct comment *v;
	long long limit;
	json_t *items;
	size_t n;
	enum err e;

	if (!app_record_allow(req, http_query(req, "record_kind"),
			      http_query(req, "record_id"), ACT_READ, &rec) ||
	    !open_record(req, &rec))
		return;
	coord_limit(req, &limit, &errs);
	if (cursor_s && !uuid_normalise(str_of(cursor_s), cursor))
		coord_error(&errs, "cursor",
			    "must be a next_cursor of this list");
	if (errs.n) {
		coord_invalid(req, &errs);
		return;
	}
	e = coord_comment_list(req->db, &req->arena, rec.kind->name, rec.id,
			       cursor_s ? cursor : NULL, limit, &v, &n);
	if (e != ERR_OK) {
		http_problem(req, e, "The discussion could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, comment_json(&v[i]));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    n == (size_t)limit ? v[n - 1].id : NULL));
}

struct post {
	struct http_request *req;
	struct app_record *rec;
	struct comment_input in;
	struct comment x;
	struct coord_errors body_errs; /* the body's shape */
	struct coord_errors errs;
	enum err e;
};

static enum db_status
post_tx(struct db_conn *c, void *arg)
{
	struct post *p = arg;
	const struct auth_actor *a = p->req->actor;

	p->errs = p->body_errs; /* then the values' */
	p->e = coord_comment_add(c, &p->req->arena, &p->rec->access, &p->in,
				 a->user.org_id, a->user.id, &p->x, &p->errs);
	if (p->e != ERR_OK)
		return db_status_of(p->e);
	return auth_audit(c, p->req, "comment.create", p->rec->kind->name,
			  p->rec->id);
}

void
coord_http_thread_post(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct app_record rec;
	struct post p = { .req = req, .rec = &rec };
	const char *kind = NULL, *id = NULL;
	struct org org;
	json_t *orgs = NULL, *users = NULL;
	const struct http_field fields[] = {
		{ .name = "record_kind", .required = true, .string = &kind },
		{ .name = "record_id", .required = true, .string = &id },
		{ .name = "parent_id", .string = &p.in.parent_id },
		{ .name = "body", .required = true, .string = &p.in.body },
		{ .name = "mention_orgs", .any = &orgs },
		{ .name = "mention_users", .any = &users },
	};
	bool has;

	coord_body(req, fields, 6, &p.body_errs);
	/* Without the record nothing else can be checked. */
	if (coord_has_error(&p.body_errs, "record_kind") ||
	    coord_has_error(&p.body_errs, "record_id")) {
		coord_invalid(req, &p.body_errs);
		return;
	}
	if (!app_record_allow(req, kind, id, ACT_CONTRIBUTE, &rec) ||
	    !open_record(req, &rec))
		return;
	p.in.record_kind = rec.kind->name;
	p.in.record_id = rec.id;
	coord_strings(req, orgs, "mention_orgs", &p.in.mention_orgs,
		      &p.in.nmention_orgs, &has, &p.body_errs);
	coord_strings(req, users, "mention_users", &p.in.mention_users,
		      &p.in.nmention_users, &has, &p.body_errs);
	if (db_tx_conn_err(req->db, post_tx, &p, &p.e) != ERR_OK) {
		coord_failed(req, p.e, &p.errs, "The comment was not saved.");
		return;
	}
	/* Named as the list names them. */
	p.x.org_name = orgs_get(req->db, a->user.org_id, &org) == ERR_OK
			       ? org.name
			       : NULL;
	p.x.user_name = a->user.name;
	http_json(req, 201, comment_json(&p.x));
}

/* /api/v1/practices: the good-practice library (public items open to all). */
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"

/*
 * A snippet as segments, [{"text": "...", "hit": false}, ...], so that a
 * client marks the hits without ever parsing HTML.
 */
static json_t *
snippet_json(const char *s)
{
	json_t *out = json_array();
	bool hit = false;

	while (s && *s) {
		size_t n = strcspn(s, "\x02\x03");

		if (n)
			json_array_append_new(out, json_pack("{ss% sb}", "text",
							     s, n, "hit", hit));
		s += n;
		if (*s)
			hit = *s++ == '\x02';
	}
	return out;
}

static json_t *
practice_json(const struct practice *p)
{
	json_t *o = json_pack(
		"{ss ss ss ss ss? ss ss? ss ss ss sI}", "id", p->id, "title",
		p->title, "summary", p->summary, "source", p->source, "country",
		p->country[0] ? p->country : NULL, "theme",
		theme_name(p->theme), "published_on",
		p->published_on[0] ? p->published_on : NULL, "created_at",
		p->created_at, "updated_at", p->updated_at, "owner_country",
		p->share.owner_country, "version", (json_int_t)p->version);

	coord_share_json(o, &p->share);
	json_object_set_new(o, "tags", coord_strings_json(p->tags, p->ntags));
	if (p->snippet)
		json_object_set_new(o, "snippet", snippet_json(p->snippet));
	return o;
}

void
coord_http_practices_list(struct http_request *req)
{
	struct coord_viewer v = coord_viewer_of(req);
	struct practice_filter f = { .q = http_query(req, "q"),
				     .country = http_query(req, "country"),
				     .theme = http_query(req, "theme"),
				     .tag = http_query(req, "tag"),
				     .cursor = http_query(req, "cursor") };
	struct coord_errors errs = { 0 };
	struct practice_page page;
	json_t *items;
	enum err e;

	coord_limit(req, &f.limit, &errs);
	/* Every wrong parameter at once: the search checks the rest. */
	e = coord_practice_search(req->db, &req->arena, &v, &f, &page, &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The library could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		struct access_record r =
			coord_access(&page.items[i].share, NULL, 0);

		if (access_check(access_actor_of(req), ACT_READ, &r) ==
		    ACCESS_ALLOW)
			json_array_append_new(items,
					      practice_json(&page.items[i]));
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

static bool
find(struct http_request *req, enum access_action act, struct practice *p)
{
	char id[UUID_STR_LEN];
	struct access_record r;
	enum err e = http_param_id(req, 0, id)
			     ? coord_practice_get(req->db, &req->arena, id, p)
			     : ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The practice could not be read.",
			     NULL);
		return false;
	}
	r = coord_access(&p->share, NULL, 0);
	return access_allow(req, act, &r);
}

static json_t *
whole_json(struct http_request *req, const struct practice *p)
{
	json_t *o = practice_json(p);

	json_object_set_new(o, "body", json_string(p->body));
	json_object_set_new(o, "body_html",
			    json_string(coord_markdown(&req->arena, p->body)));
	return o;
}

void
coord_http_practice_get(struct http_request *req)
{
	struct practice p;

	if (find(req, ACT_READ, &p))
		http_json(req, 200, whole_json(req, &p));
}

struct practice_body {
	struct practice_input in;
	json_t *tags;
	long long version;
};

static bool
read_body(struct http_request *req, struct practice_body *b, bool change,
	  struct coord_errors *errs)
{
	struct practice_input *in = &b->in;
	const struct http_field fields[] = {
		{ .name = "title", .string = &in->title },
		{ .name = "summary", .string = &in->summary },
		{ .name = "body", .string = &in->body, .max = 400000 },
		{ .name = "source", .string = &in->source },
		{ .name = "country", .string = &in->country },
		{ .name = "theme", .string = &in->theme },
		{ .name = "published_on", .string = &in->published_on },
		{ .name = "tags", .any = &b->tags },
		{ .name = "level", .string = &in->level },
		{ .name = "group_id", .string = &in->group_id },
		{ .name = "tlp", .string = &in->tlp },
		{ .name = "version",
		  .required = change,
		  .integer = &b->version },
	};
	const size_t n = sizeof(fields) / sizeof(fields[0]);

	coord_body(req, fields, change ? n : n - 1, errs);
	coord_strings(req, b->tags, "tags", &in->tags, &in->ntags,
		      &in->has_tags, errs);
	return true;
}

struct change {
	struct http_request *req;
	struct practice_body body;
	const char *id;
	struct practice p;
	struct coord_errors body_errs; /* the body's shape */
	struct coord_errors errs;
	enum err e;
};

static enum db_status
change_tx(struct db_conn *c, void *arg)
{
	struct change *x = arg;
	const struct auth_actor *a = x->req->actor;
	struct coord_share owner = coord_owner_of(x->req);

	x->errs = x->body_errs; /* then the values' */
	x->e = x->id ? coord_practice_update(c, &x->req->arena, x->id,
					     x->body.version, &x->body.in,
					     &x->p, &x->errs)
		     : coord_practice_create(c, &x->req->arena, &owner,
					     a->user.id, &x->body.in, &x->p,
					     &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req,
			  x->id ? "practice.update" : "practice.create",
			  "practice", x->p.id);
}

void
coord_http_practice_create(struct http_request *req)
{
	struct change x = { .req = req };
	struct coord_share owner = coord_owner_of(req);
	struct access_record r = coord_access(&owner, NULL, 0);

	if (!access_allow(req, ACT_CREATE, &r) ||
	    !read_body(req, &x.body, false, &x.body_errs))
		return;
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		coord_failed(req, x.e, &x.errs, "The practice was not saved.");
		return;
	}
	http_json(req, 201, whole_json(req, &x.p));
}

void
coord_http_practice_update(struct http_request *req)
{
	struct change x = { .req = req };
	struct practice now;

	if (!find(req, ACT_UPDATE, &now) ||
	    !read_body(req, &x.body, true, &x.body_errs))
		return;
	/* Without a version nothing can be checked against the record. */
	if (coord_has_error(&x.body_errs, "version")) {
		coord_invalid(req, &x.body_errs);
		return;
	}
	if (x.body.in.level || x.body.in.group_id || x.body.in.tlp) {
		struct access_record r = coord_access(&now.share, NULL, 0);

		if (!access_allow(req, ACT_SHARE, &r))
			return;
	}
	x.id = now.id;
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		coord_failed(req, x.e, &x.errs, "The practice was not saved.");
		return;
	}
	http_json(req, 200, whole_json(req, &x.p));
}

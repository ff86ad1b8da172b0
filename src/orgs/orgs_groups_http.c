/* The sharing groups resource: /api/v1/groups. */
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "orgs/orgs.h"
#include "orgs/orgs_http.h"

static struct access_record
group_record(const struct org_group *g)
{
	return (struct access_record){ .kind = KIND_GROUP,
				       .owner_org = g->owner_org,
				       .level = LEVEL_GROUP,
				       .group_id = g->id,
				       .tlp = TLP_CLEAR };
}

static void
add_member(const char *org_id, void *ctx)
{
	json_array_append_new(ctx, json_string(org_id));
}

/* A group as its viewer may see it: members only when not hidden, or to
 * the owner's admins. */
static json_t *
group_json(struct http_request *req, const struct org_group *g)
{
	const struct auth_actor *a = req->actor;
	json_t *o = json_pack("{ss ss ss sb ss}", "id", g->id, "owner_org",
			      g->owner_org, "name", g->name, "hidden_members",
			      g->hidden_members, "created_at", g->created_at);
	json_t *members = json_array();

	if (!g->hidden_members || !strcmp(a->user.org_id, g->owner_org) ||
	    a->user.role == ROLE_PLATFORM_ADMIN) {
		orgs_group_members(req->db, g->id, add_member, members);
		json_object_set_new(o, "members", members);
	} else {
		json_decref(members);
	}
	return o;
}

void
orgs_groups_http_list(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct org_group *g;
	json_t *items;
	size_t n;
	enum err e =
		orgs_groups_of(req->db, a->user.org_id, &req->arena, &g, &n);

	if (e != ERR_OK) {
		http_problem(req, e, "The groups could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, group_json(req, &g[i]));
	http_json(req, 200,
		  json_pack("{so sn}", "items", items, "next_cursor"));
}

struct change {
	struct http_request *req;
	const char *name;
	bool hidden;
	const struct org_group *group; /* membership change */
	const char *org_id;
	bool add;
	struct org_group made;
	enum err e;
};

static enum db_status
change_tx(struct db_conn *c, void *arg)
{
	struct change *x = arg;
	const struct auth_actor *a = x->req->actor;

	x->e = x->group ? orgs_group_member(c, x->group->id, x->org_id, x->add)
			: orgs_group_create(c, a->user.org_id, x->name,
					    x->hidden, &x->made);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req,
			  x->group ? (x->add ? "group.member.add"
					     : "group.member.remove")
				   : "group.create",
			  "group", x->group ? x->group->id : x->made.id);
}

static enum err
run(struct http_request *req, struct change *x)
{
	return db_tx_conn_err(req->db, change_tx, x, &x->e);
}

void
orgs_groups_http_create(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	json_t *hidden = NULL;
	struct change x = { .req = req };
	const struct http_field fields[] = {
		{ .name = "name", .required = true, .string = &x.name },
		{ .name = "hidden_members", .any = &hidden },
	};
	struct org_group probe = { 0 };
	struct access_record r;
	enum err e;

	memcpy(probe.owner_org, a->user.org_id, sizeof(probe.owner_org));
	r = group_record(&probe);
	if (!access_allow(req, ACT_CREATE, &r) ||
	    !http_body_fields(req, fields, 2))
		return;
	if (hidden && !json_is_boolean(hidden)) {
		http_invalid(req, "hidden_members", "must be true or false");
		return;
	}
	x.hidden = json_is_true(hidden);
	e = run(req, &x);
	if (e == ERR_INVALID || e == ERR_CONFLICT) {
		http_invalid(req, "name",
			     e == ERR_CONFLICT
				     ? "your organisation has a group of that "
				       "name"
				     : "must be 1 to 200 characters of text");
		return;
	}
	if (e != ERR_OK) {
		http_problem(req, e, "The group could not be made.", NULL);
		return;
	}
	http_json(req, 201, group_json(req, &x.made));
}

/* Reads the group in the path; 404 unless the actor may see it. */
static bool
load(struct http_request *req, struct org_group *g)
{
	char id[UUID_STR_LEN];
	struct access_record r;

	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return false;
	}
	if (orgs_group_get(req->db, id, g) != ERR_OK) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return false;
	}
	r = group_record(g);
	return access_allow(req, ACT_READ, &r);
}

static void
membership(struct http_request *req, bool add)
{
	struct change x = { .req = req, .add = add };
	const struct http_field fields[] = {
		{ .name = "org_id", .required = true, .string = &x.org_id },
	};
	char org[UUID_STR_LEN];
	struct org_group g;
	struct access_record r;
	enum err e;

	if (!load(req, &g))
		return;
	r = group_record(&g);
	if (!access_allow(req, ACT_ADMIN, &r))
		return;
	if (add) {
		if (!http_body_fields(req, fields, 1))
			return;
		if (uuid_normalise(str_of(x.org_id), org))
			x.org_id = org;
	} else {
		if (!http_param_id(req, 1, org)) {
			http_problem(req, ERR_NOT_FOUND,
				     "There is nothing here.", NULL);
			return;
		}
		x.org_id = org;
	}
	if (!strcmp(x.org_id, g.owner_org)) {
		http_invalid(req, "org_id", "the owner stays a member");
		return;
	}
	x.group = &g;
	e = run(req, &x);
	if (e == ERR_NOT_FOUND && add) {
		http_invalid(req, "org_id", "names no organisation");
		return;
	}
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The group could not be changed.",
			     NULL);
		return;
	}
	http_json(req, 200, group_json(req, &g));
}

void
orgs_groups_http_add(struct http_request *req)
{
	membership(req, true);
}

void
orgs_groups_http_remove(struct http_request *req)
{
	membership(req, false);
}

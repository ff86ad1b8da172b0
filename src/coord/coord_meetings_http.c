/* /api/v1/meetings: forums and meetings, their decisions. */
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"
#include "notify/notify.h"

static json_t *
meeting_json(const struct meeting *m, bool whole)
{
	json_t *o = json_pack(
		"{ss ss ss ss? ss ss? ss ss ss ss? ss ss ss sI}", "id", m->id,
		"title", m->title, "description", m->description, "ends_at",
		m->ends_at[0] ? m->ends_at : NULL, "starts_at", m->starts_at,
		"online_url", *m->online_url ? m->online_url : NULL, "place",
		m->place, "status", coord_meeting_status_name(m->status),
		"created_at", m->created_at, "created_by",
		m->created_by[0] ? m->created_by : NULL, "updated_at",
		m->updated_at, "owner_country", m->share.owner_country,
		"minutes", m->minutes, "version", (json_int_t)m->version);

	coord_share_json(o, &m->share);
	json_object_set_new(o, "participants",
			    coord_strings_json(m->participants,
					       m->nparticipants));
	if (!whole) {
		json_object_del(o, "minutes");
		return o;
	}
	json_object_set_new(o, "agenda",
			    coord_strings_json(m->agenda, m->nagenda));
	json_t *d = json_array();
	for (size_t i = 0; i < m->ndecisions; i++)
		json_array_append_new(
			d, json_pack("{ss si ss ss}", "id", m->decisions[i].id,
				     "number", m->decisions[i].position, "text",
				     m->decisions[i].text, "created_at",
				     m->decisions[i].created_at));
	json_object_set_new(o, "decisions", d);
	return o;
}

void
coord_http_meetings_list(struct http_request *req)
{
	struct coord_viewer v = coord_viewer_of(req);
	struct meeting_filter f = { .when = http_query(req, "when"),
				    .cursor = http_query(req, "cursor") };
	struct coord_errors errs = { 0 };
	struct meeting_page page;
	json_t *items;
	enum err e;

	coord_limit(req, &f.limit, &errs);
	/* Every wrong parameter at once: the list checks the rest. */
	e = coord_meeting_list(req->db, &req->arena, &v, &f, &page, &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The meetings could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		struct access_record r = coord_meeting_access(&page.items[i]);

		/* The SQL filter and access_check must agree; a row they
		 * disagree on is left out. */
		if (access_check(access_actor_of(req), ACT_READ, &r) !=
		    ACCESS_ALLOW)
			continue;
		json_array_append_new(items,
				      meeting_json(&page.items[i], false));
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

/* The fields of a meeting body; version only for changes. */
struct meeting_body {
	struct meeting_input in;
	json_t *agenda, *participants;
	long long version;
};

static bool
read_body(struct http_request *req, struct meeting_body *b, bool change,
	  struct coord_errors *errs)
{
	struct meeting_input *in = &b->in;
	const struct http_field fields[] = {
		{ .name = "title", .string = &in->title },
		{ .name = "description", .string = &in->description },
		{ .name = "starts_at", .string = &in->starts_at },
		{ .name = "ends_at", .string = &in->ends_at },
		{ .name = "place", .string = &in->place },
		{ .name = "online_url", .string = &in->online_url },
		{ .name = "minutes", .string = &in->minutes },
		{ .name = "status", .string = &in->status },
		{ .name = "agenda", .any = &b->agenda },
		{ .name = "participants", .any = &b->participants },
		{ .name = "level", .string = &in->level },
		{ .name = "group_id", .string = &in->group_id },
		{ .name = "tlp", .string = &in->tlp },
		{ .name = "version",
		  .required = change,
		  .integer = &b->version },
	};
	const size_t n = sizeof(fields) / sizeof(fields[0]);

	coord_body(req, fields, change ? n : n - 1, errs);
	coord_strings(req, b->agenda, "agenda", &in->agenda, &in->nagenda,
		      &in->has_agenda, errs);
	coord_strings(req, b->participants, "participants", &in->participants,
		      &in->nparticipants, &in->has_participants, errs);
	return true;
}

struct change {
	struct http_request *req;
	struct meeting_body body;
	const char *id; /* NULL: create */
	struct meeting m;
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
	x->e = x->id ? coord_meeting_update(c, &x->req->arena, x->id,
					    x->body.version, &x->body.in, &x->m,
					    &x->errs)
		     : coord_meeting_create(c, &x->req->arena, &owner,
					    a->user.id, &x->body.in, &x->m,
					    &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	/* Participating organisations hear of it once. */
	for (size_t i = 0; i < x->m.nparticipants; i++) {
		struct notify_event ev = {
			.event = "meeting.invited",
			.record_kind = "meeting",
			.record_id = x->m.id,
			.actor_org = a->user.org_id,
			.actor_user = a->user.id,
			.dedupe = arena_printf(&x->req->arena,
					       "meeting.invited:%s", x->m.id),
		};

		if (strcmp(x->m.participants[i], a->user.org_id) &&
		    (x->e = notify_org(c, x->m.participants[i], &ev)) != ERR_OK)
			return db_status_of(x->e);
	}
	return auth_audit(c, x->req,
			  x->id ? "meeting.update" : "meeting.create",
			  "meeting", x->m.id);
}

void
coord_http_meeting_create(struct http_request *req)
{
	struct change x = { .req = req };
	struct coord_share owner = coord_owner_of(req);
	struct access_record r = coord_access(&owner, NULL, 0);

	if (!access_allow(req, ACT_CREATE, &r) ||
	    !read_body(req, &x.body, false, &x.body_errs))
		return;
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		coord_failed(req, x.e, &x.errs, "The meeting was not saved.");
		return;
	}
	http_json(req, 201, meeting_json(&x.m, true));
}

/* Reads meeting {id} for the actor; false after answering 404/403. */
static bool
find(struct http_request *req, enum access_action act, struct meeting *m)
{
	char id[UUID_STR_LEN];
	struct access_record r;
	enum err e = http_param_id(req, 0, id)
			     ? coord_meeting_get(req->db, &req->arena, id, m)
			     : ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The meeting could not be read.",
			     NULL);
		return false;
	}
	r = coord_meeting_access(m);
	return access_allow(req, act, &r);
}

void
coord_http_meeting_get(struct http_request *req)
{
	struct meeting m;

	if (find(req, ACT_READ, &m))
		http_json(req, 200, meeting_json(&m, true));
}

void
coord_http_meeting_update(struct http_request *req)
{
	struct change x = { .req = req };
	struct meeting now;

	if (!find(req, ACT_UPDATE, &now) ||
	    !read_body(req, &x.body, true, &x.body_errs))
		return;
	/* Without a version nothing can be checked against the record. */
	if (coord_has_error(&x.body_errs, "version")) {
		coord_invalid(req, &x.body_errs);
		return;
	}
	/* Sharing changes need the right to share. */
	if (x.body.in.level || x.body.in.group_id || x.body.in.tlp) {
		struct access_record r = coord_meeting_access(&now);

		if (!access_allow(req, ACT_SHARE, &r))
			return;
	}
	x.id = now.id;
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		coord_failed(req, x.e, &x.errs, "The meeting was not saved.");
		return;
	}
	http_json(req, 200, meeting_json(&x.m, true));
}

struct decide {
	struct http_request *req;
	const char *meeting_id, *text;
	struct decision d;
	struct coord_errors errs;
	enum err e;
};

static enum db_status
decide_tx(struct db_conn *c, void *arg)
{
	struct decide *x = arg;
	const struct auth_actor *a = x->req->actor;

	memset(&x->errs, 0, sizeof(x->errs));
	x->e = coord_decision_add(c, &x->req->arena, x->meeting_id, x->text,
				  a->user.id, &x->d, &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "meeting.decide", "meeting",
			  x->meeting_id);
}

void
coord_http_decision_add(struct http_request *req)
{
	struct decide x = { .req = req };
	const struct http_field fields[] = {
		{ .name = "text", .required = true, .string = &x.text },
	};
	struct meeting m;

	if (!find(req, ACT_UPDATE, &m) || !http_body_fields(req, fields, 1))
		return;
	x.meeting_id = m.id;
	if (db_tx_conn_err(req->db, decide_tx, &x, &x.e) != ERR_OK) {
		coord_failed(req, x.e, &x.errs, "The decision was not saved.");
		return;
	}
	http_json(req, 201,
		  json_pack("{ss ss si ss ss}", "id", x.d.id, "meeting_id",
			    m.id, "number", x.d.position, "text", x.d.text,
			    "created_at", x.d.created_at));
}

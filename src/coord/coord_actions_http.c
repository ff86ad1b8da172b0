/* /api/v1/actions: joint actions and the priority tracker. */
#include <stdlib.h>
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "base/sheet.h"
#include "coord/coord_http.h"
#include "notify/notify.h"

static json_t *
action_json(const struct action *x, bool whole)
{
	json_t *o = json_pack(
		"{ss ss ss ss so ss ss? ss ss? ss sb ss? ss? ss? ss ss sI ss}",
		"id", x->id, "title", x->title, "description", x->description,
		"theme", theme_name(x->theme), "countries",
		coord_strings_json(x->countries, x->ncountries), "lead_org",
		x->lead_org, "lead_name", x->lead_name, "priority",
		coord_priority_name(x->priority), "due_date",
		x->due_date[0] ? x->due_date : NULL, "status",
		coord_action_status_name(x->status), "overdue", x->overdue,
		"meeting_id", x->meeting_id[0] ? x->meeting_id : NULL,
		"decision_id", x->decision_id[0] ? x->decision_id : NULL,
		"created_by", x->created_by[0] ? x->created_by : NULL,
		"created_at", x->created_at, "updated_at", x->updated_at,
		"version", (json_int_t)x->version, "owner_country",
		x->share.owner_country);

	coord_share_json(o, &x->share);
	json_object_set_new(o, "partners",
			    coord_strings_json(x->partners, x->npartners));
	if (whole) {
		json_t *u = json_array();

		for (size_t i = 0; i < x->nupdates; i++)
			json_array_append_new(
				u, json_pack("{ss ss ss? ss ss? ss}", "id",
					     x->updates[i].id, "org_id",
					     x->updates[i].org_id, "user_id",
					     x->updates[i].user_id[0]
						     ? x->updates[i].user_id
						     : NULL,
					     "note", x->updates[i].note,
					     "status", x->updates[i].status,
					     "at", x->updates[i].at));
		json_object_set_new(o, "updates", u);
	}
	return o;
}

static void
csv_row(struct sheet *sh, const struct action *x)
{
	struct buf list;
	const char *cells[10];

	buf_init(&list, 0);
	buf_adds(&list, "");
	for (size_t i = 0; i < x->ncountries; i++)
		buf_printf(&list, "%s%s", i ? " " : "", x->countries[i]);
	cells[0] = x->id;
	cells[1] = x->title;
	cells[2] = theme_name(x->theme);
	cells[3] = list.p;
	cells[4] = x->lead_name;
	cells[5] = coord_priority_name(x->priority);
	cells[6] = x->due_date;
	cells[7] = coord_action_status_name(x->status);
	cells[8] = x->overdue ? "yes" : "no";
	cells[9] = x->updated_at;
	sheet_row(sh, cells, 10);
	buf_release(&list);
}

enum { CSV_MAX_ROWS = 100000 };

/* The whole filtered list as CSV, page by page. */
static void
answer_csv(struct http_request *req, const struct coord_viewer *v,
	   struct action_filter f)
{
	static const char *const head[] = { "id",	 "title",  "theme",
					    "countries", "lead",   "priority",
					    "due_date",	 "status", "overdue",
					    "updated_at" };
	struct sheet *sh = sheet_new(SHEET_CSV, NULL);
	struct buf b;
	size_t rows = 0;

	sheet_row(sh, head, 10);
	f.limit = COORD_LIST_MAX;
	for (;;) {
		struct coord_errors errs = { 0 };
		struct action_page page;
		enum err e = coord_action_list(req->db, &req->arena, v, &f,
					       &page, &errs);

		if (e != ERR_OK) {
			sheet_finish(sh, &b);
			buf_release(&b);
			coord_failed(req, e, &errs,
				     "The actions could not be read.");
			return;
		}
		for (size_t i = 0; i < page.n; i++) {
			struct access_record r =
				coord_action_access(&page.items[i]);

			if (access_check(access_actor_of(req), ACT_READ, &r) ==
			    ACCESS_ALLOW)
				csv_row(sh, &page.items[i]);
		}
		rows += page.n;
		if (!page.next_cursor || rows >= CSV_MAX_ROWS)
			break;
		f.cursor = page.next_cursor;
	}
	sheet_finish(sh, &b);
	http_send_buf(req, 200, sheet_type(SHEET_CSV), &b, false);
	http_add_header(req, "Content-Disposition",
			"attachment; filename=\"atip-actions.csv\"");
}

void
coord_http_actions_list(struct http_request *req)
{
	struct coord_viewer v = coord_viewer_of(req);
	const char *format = http_query(req, "format");
	struct action_filter f = { .view = http_query(req, "view"),
				   .country = http_query(req, "country"),
				   .theme = http_query(req, "theme"),
				   .status = http_query(req, "status"),
				   .meeting_id = http_query(req, "meeting_id"),
				   .cursor = http_query(req, "cursor") };
	struct coord_errors errs = { 0 };
	struct action_page page;
	json_t *items;
	enum err e;

	coord_limit(req, &f.limit, &errs);
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		coord_error(&errs, "format", "must be json or csv");
	if (format && !strcmp(format, "csv") && !errs.n) {
		answer_csv(req, &v, f);
		return;
	}
	/* Every wrong parameter at once: the list checks the rest. */
	e = coord_action_list(req->db, &req->arena, &v, &f, &page, &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The actions could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		struct access_record r = coord_action_access(&page.items[i]);

		if (access_check(access_actor_of(req), ACT_READ, &r) ==
		    ACCESS_ALLOW)
			json_array_append_new(items, action_json(&page.items[i],
								 false));
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

struct action_body {
	struct action_input in;
	json_t *countries, *partners;
	long long version;
};

static bool
read_body(struct http_request *req, struct action_body *b, bool change,
	  struct coord_errors *errs)
{
	struct action_input *in = &b->in;
	const struct http_field fields[] = {
		{ .name = "title", .string = &in->title },
		{ .name = "description", .string = &in->description },
		{ .name = "theme", .string = &in->theme },
		{ .name = "countries", .any = &b->countries },
		{ .name = "lead_org", .string = &in->lead_org },
		{ .name = "partners", .any = &b->partners },
		{ .name = "priority", .string = &in->priority },
		{ .name = "due_date", .string = &in->due_date },
		{ .name = "status", .string = &in->status },
		{ .name = "decision_id", .string = &in->decision_id },
		{ .name = "level", .string = &in->level },
		{ .name = "group_id", .string = &in->group_id },
		{ .name = "tlp", .string = &in->tlp },
		{ .name = "version",
		  .required = change,
		  .integer = &b->version },
	};
	const size_t n = sizeof(fields) / sizeof(fields[0]);

	coord_body(req, fields, change ? n : n - 1, errs);
	coord_strings(req, b->countries, "countries", &in->countries,
		      &in->ncountries, &in->has_countries, errs);
	coord_strings(req, b->partners, "partners", &in->partners,
		      &in->npartners, &in->has_partners, errs);
	return true;
}

/* Tells the lead and partners they hold a commitment (once each). */
static enum err
tell_assigned(struct db_conn *c, struct http_request *req,
	      const struct action *x)
{
	const struct auth_actor *a = req->actor;
	struct notify_event ev = {
		.event = "action.assigned",
		.record_kind = "action",
		.record_id = x->id,
		.actor_org = a->user.org_id,
		.actor_user = a->user.id,
		.dedupe =
			arena_printf(&req->arena, "action.assigned:%s", x->id),
	};
	enum err e = ERR_OK;

	for (size_t i = 0; e == ERR_OK && i < x->norgs; i++)
		e = notify_org(c, x->orgs[i], &ev);
	return e;
}

struct change {
	struct http_request *req;
	struct action_body body;
	const char *id; /* NULL: create */
	struct action x;
	struct coord_errors body_errs; /* the body's shape */
	struct coord_errors errs;
	enum err e;
};

static enum db_status
change_tx(struct db_conn *c, void *arg)
{
	struct change *ch = arg;
	const struct auth_actor *a = ch->req->actor;
	struct coord_share owner = coord_owner_of(ch->req);

	ch->errs = ch->body_errs; /* then the values' */
	ch->e = ch->id ? coord_action_update(c, &ch->req->arena, ch->id,
					     ch->body.version, &ch->body.in,
					     &ch->x, &ch->errs)
		       : coord_action_create(c, &ch->req->arena, &owner,
					     a->user.id, &ch->body.in, &ch->x,
					     &ch->errs);
	if (ch->e == ERR_OK)
		ch->e = tell_assigned(c, ch->req, &ch->x);
	if (ch->e != ERR_OK)
		return db_status_of(ch->e);
	return auth_audit(c, ch->req,
			  ch->id ? "action.update" : "action.create", "action",
			  ch->x.id);
}

void
coord_http_action_create(struct http_request *req)
{
	struct change ch = { .req = req };
	struct coord_share owner = coord_owner_of(req);
	struct access_record r = coord_access(&owner, NULL, 0);

	if (!access_allow(req, ACT_CREATE, &r) ||
	    !read_body(req, &ch.body, false, &ch.body_errs))
		return;
	if (db_tx_conn_err(req->db, change_tx, &ch, &ch.e) != ERR_OK) {
		coord_failed(req, ch.e, &ch.errs, "The action was not saved.");
		return;
	}
	http_json(req, 201, action_json(&ch.x, true));
}

static bool
find(struct http_request *req, enum access_action act, struct action *x)
{
	char id[UUID_STR_LEN];
	struct access_record r;
	enum err e = http_param_id(req, 0, id)
			     ? coord_action_get(req->db, &req->arena, id, x)
			     : ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The action could not be read.",
			     NULL);
		return false;
	}
	r = coord_action_access(x);
	return access_allow(req, act, &r);
}

void
coord_http_action_get(struct http_request *req)
{
	struct action x;

	if (find(req, ACT_READ, &x))
		http_json(req, 200, action_json(&x, true));
}

void
coord_http_action_update(struct http_request *req)
{
	struct change ch = { .req = req };
	struct action now;

	if (!find(req, ACT_UPDATE, &now) ||
	    !read_body(req, &ch.body, true, &ch.body_errs))
		return;
	/* Without a version nothing can be checked against the record. */
	if (coord_has_error(&ch.body_errs, "version")) {
		coord_invalid(req, &ch.body_errs);
		return;
	}
	if (ch.body.in.level || ch.body.in.group_id || ch.body.in.tlp) {
		struct access_record r = coord_action_access(&now);

		if (!access_allow(req, ACT_SHARE, &r))
			return;
	}
	ch.id = now.id;
	if (db_tx_conn_err(req->db, change_tx, &ch, &ch.e) != ERR_OK) {
		coord_failed(req, ch.e, &ch.errs, "The action was not saved.");
		return;
	}
	http_json(req, 200, action_json(&ch.x, true));
}

struct progress {
	struct http_request *req;
	struct action *x;
	const char *note, *status;
	struct action_update u;
	struct coord_errors errs;
	enum err e;
};

static enum db_status
progress_tx(struct db_conn *c, void *arg)
{
	struct progress *p = arg;
	const struct auth_actor *a = p->req->actor;
	struct notify_event ev = { .event = "action.update",
				   .record_kind = "action",
				   .record_id = p->x->id,
				   .actor_org = a->user.org_id,
				   .actor_user = a->user.id };

	memset(&p->errs, 0, sizeof(p->errs));
	p->e = coord_action_progress(c, &p->req->arena, p->x, a->user.org_id,
				     a->user.id, p->note, p->status, &p->u,
				     &p->errs);
	/* Everyone committed hears of it, and the owner. */
	for (size_t i = 0; p->e == ERR_OK && i < p->x->norgs; i++)
		p->e = notify_org(c, p->x->orgs[i], &ev);
	if (p->e == ERR_OK && strcmp(p->x->share.owner_org, p->x->lead_org))
		p->e = notify_org(c, p->x->share.owner_org, &ev);
	if (p->e != ERR_OK)
		return db_status_of(p->e);
	return auth_audit(c, p->req, "action.progress", "action", p->x->id);
}

void
coord_http_action_progress(struct http_request *req)
{
	struct action x;
	struct progress p = { .req = req, .x = &x };
	const struct http_field fields[] = {
		{ .name = "note", .required = true, .string = &p.note },
		{ .name = "status", .string = &p.status },
	};

	if (!find(req, ACT_CONTRIBUTE, &x) || !http_body_fields(req, fields, 2))
		return;
	if (db_tx_conn_err(req->db, progress_tx, &p, &p.e) != ERR_OK) {
		if (p.e == ERR_FORBIDDEN)
			http_problem(req, ERR_FORBIDDEN,
				     "Only the organisations committed to an "
				     "action report its progress.",
				     NULL);
		else
			coord_failed(req, p.e, &p.errs,
				     "The update was not saved.");
		return;
	}
	http_json(req, 201,
		  json_pack("{ss ss ss ss ss? ss sI}", "id", p.u.id, "org_id",
			    p.u.org_id, "note", p.u.note, "at", p.u.at,
			    "status", p.u.status, "action_status",
			    coord_action_status_name(x.status),
			    "action_version", (json_int_t)x.version));
}

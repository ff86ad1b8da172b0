/*
 * /api/v1/cases: opening, reading (with need-to-know, or by break glass)
 * and changing a case, the person's own copy; and the helpers the case
 * handler files share.
 */
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "audit/audit.h"
#include "auth/auth_http.h"
#include "base/text.h"
#include "cases/cases_http_int.h"
#include "coord/coord_http.h"

/* ---- what the handler files share ---- */

bool
cases_find(struct http_request *req, int param, enum access_action act,
	   struct case_record *r)
{
	char id[UUID_STR_LEN];
	struct access_record acc;
	enum err e = http_param_id(req, param, id)
			     ? cases_get(req->db, &req->arena, id, r)
			     : ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND ? "There is nothing here."
						: "The case could not be read.",
			     NULL);
		return false;
	}
	acc = cases_access(r);
	if (!access_allow(req, act, &acc)) {
		cases_release(r);
		return false;
	}
	return true;
}

bool
cases_may(struct http_request *req, const struct case_record *r,
	  enum access_action act)
{
	struct access_record acc = cases_access(r);

	return access_check(access_actor_of(req), act, &acc) == ACCESS_ALLOW;
}

struct case_write
cases_writer(struct http_request *req, const struct case_record *r)
{
	const struct auth_actor *a = req->actor;

	return (struct case_write){
		.kr = app_keyring(req->app),
		.user_id = a->user.id,
		.may_write_personal = cases_may(req, r, ACT_READ_PERSONAL),
	};
}

json_t *
cases_input(struct http_request *req, const char *const *drop,
	    struct coord_errors *errs)
{
	json_t *in;

	if (!json_is_object(req->body)) {
		coord_error(errs, "body", "must be a JSON object");
		return json_object();
	}
	in = json_copy(req->body);
	for (const char *const *d = drop; d && *d; d++)
		json_object_del(in, *d);
	return in;
}

bool
cases_version(struct http_request *req, long long *v, struct coord_errors *errs)
{
	json_t *x = json_object_get(req->body, "version");

	if (!json_is_integer(x)) {
		coord_error(errs, "version",
			    "is required: the version you read");
		return false;
	}
	*v = json_integer_value(x);
	return true;
}

void
cases_failed(struct http_request *req, enum err e,
	     const struct coord_errors *errs, const char *what)
{
	if (e == ERR_FORBIDDEN)
		http_problem(req, e,
			     "Your role cannot write a victim's personal "
			     "data.",
			     NULL);
	else
		coord_failed(req, e, errs, what);
}

json_t *
cases_entry_json(const struct case_entry *e)
{
	json_t *o = json_deep_copy(e->data);

	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "kind", json_string(e->kind));
	json_object_set_new(o, "created_at", json_string(e->created_at));
	json_object_set_new(o, "updated_at", json_string(e->updated_at));
	json_object_set_new(o, "version", json_integer(e->version));
	/* Who recorded an item (a consent: who took it). */
	if (e->created_by[0])
		json_object_set_new(o, "recorded_by",
				    json_string(e->created_by));
	if (e->personal)
		json_object_update(o, e->personal);
	return o;
}

/*
 * The fields the actor's organisation may read through its grants (its
 * own, a referral's): false for all of them (the owner, or a grant
 * without a field list), else their union in *fields.
 */
static bool
granted_fields(struct http_request *req, const struct case_record *r,
	       const char ***fields, size_t *n)
{
	const struct auth_actor *a = req->actor;
	size_t cap = 0;

	*n = 0;
	if (!strcmp(a->user.org_id, r->share.owner_org))
		return false;
	for (size_t i = 0; i < r->ngrants; i++) {
		const struct case_grant *g = &r->grants[i];

		if (strcmp(g->org_id, a->user.org_id))
			continue;
		if (!g->nfields)
			return false;
		cap += g->nfields;
	}
	*fields = arena_alloc(&req->arena, (cap + 1) * sizeof(**fields));
	for (size_t i = 0; i < r->ngrants; i++) {
		const struct case_grant *g = &r->grants[i];

		if (strcmp(g->org_id, a->user.org_id))
			continue;
		for (size_t k = 0; k < g->nfields; k++) {
			bool seen = false;

			for (size_t j = 0; j < *n && !seen; j++)
				seen = !strcmp((*fields)[j], g->fields[k]);
			if (!seen)
				(*fields)[(*n)++] = g->fields[k];
		}
	}
	return cap > 0;
}

bool
cases_open(struct http_request *req, struct case_record *r, bool glass)
{
	const char **fields = NULL;
	size_t n = 0;

	if (glass || !granted_fields(req, r, &fields, &n))
		n = 0;
	if (cases_open_personal(app_keyring(req->app), r, fields, n))
		return true;
	http_problem(req, ERR_INTERNAL,
		     "The personal data of the case could not be opened.",
		     NULL);
	return false;
}

static json_t *
grants_json(const struct case_record *r)
{
	json_t *list = json_array();

	for (size_t i = 0; i < r->ngrants; i++) {
		const struct case_grant *g = &r->grants[i];

		json_array_append_new(
			list,
			json_pack("{ss ss so sb ss ss*}", "org_id", g->org_id,
				  "purpose", g->purpose, "fields",
				  coord_strings_json(g->fields, g->nfields),
				  "consent_overridden",
				  g->override_reason && *g->override_reason,
				  "granted_at", g->granted_at, "referral_id",
				  *g->via ? g->via : NULL));
	}
	return list;
}

json_t *
cases_json(struct http_request *req, const struct case_record *r, bool parts)
{
	const struct auth_actor *a = req->actor;
	json_t *o = cases_entry_json(&r->head);
	static const char *const lists[] = { "events", "timeline", "consents",
					     "plans", "followups" };
	char today[11];

	time_today(today);
	coord_share_json(o, &r->share);
	json_object_set_new(o, "owner_country",
			    json_string(r->share.owner_country));
	json_object_set_new(o, "created_by", json_string(r->created_by));
	json_object_set_new(o, "erased_at",
			    r->erased_at[0] ? json_string(r->erased_at)
					    : json_null());
	json_object_set_new(o, "transfer",
			    r->transfer_to[0]
				    ? json_pack("{ss ss}", "org_id",
						r->transfer_to, "note",
						r->transfer_note)
				    : json_null());
	json_object_set_new(o, "personal_included",
			    json_boolean(r->head.personal != NULL));
	/* Who else holds the case is the owner's business. */
	if (!strcmp(a->user.org_id, r->share.owner_org))
		json_object_set_new(o, "grants", grants_json(r));
	if (!parts)
		return o;
	json_object_set_new(o, "risk_flags", cases_risk_flags(r, today));
	json_object_set_new(o, "persons", json_array());
	for (size_t i = 0; i < r->npersons; i++)
		json_array_append_new(json_object_get(o, "persons"),
				      cases_entry_json(&r->persons[i]));
	for (int k = 0; k < ITEM_COUNT; k++)
		json_object_set_new(o, lists[k], json_array());
	for (size_t i = 0; i < r->nitems; i++) {
		enum case_item_kind k;

		if (case_item_parse(r->items[i].kind, &k))
			json_array_append_new(json_object_get(o, lists[k]),
					      cases_entry_json(&r->items[i]));
	}
	return o;
}

/* ---- changes ---- */

static enum db_status
op_tx(struct db_conn *c, void *arg)
{
	struct case_op *x = arg;

	x->errs = x->body_errs;
	if (x->errs.n)
		return db_status_of(x->e = ERR_INVALID);
	/* What an attempt before made, if this one is a retry. */
	json_decref(x->out.data);
	json_decref(x->out.personal);
	x->out.data = x->out.personal = NULL;
	x->e = x->run(c, x);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit_flagged(c, x->req, x->action, "case", x->r->id,
				  x->review_org, x->reason);
}

bool
cases_run(struct case_op *x, const char *what)
{
	x->e = db_tx_conn_err(x->req->db, op_tx, x, &x->e);
	if (x->e == ERR_OK)
		return true;
	cases_failed(x->req, x->e, &x->errs, what);
	return false;
}

static const char *const share_keys[] = { "level", "group_id", "tlp", "version",
					  NULL };

static enum err
share_of(struct db_conn *c, struct case_op *x, struct coord_share *s)
{
	json_t *b = x->req->body;
	const char *level = json_string_value(json_object_get(b, "level"));
	enum err e;

	/* Public is refused here, and the rest still checked. */
	if (level && !strcmp(level, "public")) {
		coord_error(&x->errs, "level", "must not be public for a case");
		level = NULL;
	}
	e = coord_share_parse(c, level,
			      json_string_value(json_object_get(b, "group_id")),
			      json_string_value(json_object_get(b, "tlp")),
			      false, s, &x->errs);
	return e == ERR_OK && x->errs.n ? ERR_INVALID : e;
}

static enum err
create_op(struct db_conn *c, struct case_op *x)
{
	struct coord_share s = coord_owner_of(x->req);
	json_t *data = NULL, *personal = NULL;
	enum err e = share_of(c, x, &s);

	/* Every wrong field at once: the form's too. */
	if (e == ERR_INVALID) {
		struct case_ctx ctx = { .c = c,
					.a = &x->req->arena,
					.case_id = "",
					.owner_org = s.owner_org,
					.may_write_personal =
						x->w.may_write_personal };

		e = case_form_read(&ctx, FORM_CASE, x->input, true, &data,
				   &personal, &x->errs);
		json_decref(data);
		json_decref(personal);
		return e == ERR_FORBIDDEN ? e : ERR_INVALID;
	}
	if (e != ERR_OK)
		return e;
	/* A transaction run again (PostgreSQL serialisation) starts afresh:
	 * the key and JSON of the attempt before are let go. */
	cases_release(x->r);
	return cases_create(c, &x->req->arena, &x->w, &s, x->input, x->r,
			    &x->errs);
}

void
cases_http_create(struct http_request *req)
{
	struct coord_share owner = coord_owner_of(req);
	struct access_record acc = coord_access(&owner, NULL, 0);
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = create_op };

	memset(&r, 0, sizeof(r));
	if (!access_allow(req, ACT_CREATE, &acc))
		return;
	x.w = (struct case_write){
		.kr = app_keyring(req->app),
		.user_id = ((const struct auth_actor *)req->actor)->user.id,
		.may_write_personal = access_check(access_actor_of(req),
						   ACT_READ_PERSONAL,
						   &acc) == ACCESS_ALLOW,
	};
	x.input = cases_input(req, share_keys, &x.body_errs);
	x.action = "case.create";
	if (cases_run(&x, "The case was not saved.")) {
		if (x.w.may_write_personal &&
		    !cases_open_personal(x.w.kr, &r, NULL, 0))
			r.head.personal = NULL;
		http_json(req, 201, cases_json(req, &r, true));
	}
	json_decref(x.input);
	cases_release(&r);
}

/* Reads the case's persons and items; answers 503/500 on failure. */
static bool
parts(struct http_request *req, struct case_record *r)
{
	enum err e = cases_load_parts(req->db, &req->arena, r);

	if (e != ERR_OK)
		http_problem(req, e, "The case could not be read.", NULL);
	return e == ERR_OK;
}

static enum err
read_op(struct db_conn *c, struct case_op *x)
{
	(void)c;
	(void)x;
	return ERR_OK;
}

/* Audits a read of personal data, then answers the whole case. */
static void
answer_personal(struct http_request *req, struct case_record *r,
		const char *reason)
{
	struct case_op x = { .req = req, .r = r, .run = read_op };

	if (!parts(req, r) || !cases_open(req, r, reason != NULL))
		return;
	if (reason) {
		x.review_org = r->share.owner_org;
		x.reason = reason;
	}
	x.action = reason ? "case.break_glass" : "case.read_personal";
	if (cases_run(&x, "The case could not be read."))
		http_json(req, 200, cases_json(req, r, true));
}

void
cases_http_get(struct http_request *req)
{
	const char *personal = http_query(req, "personal");
	struct case_record r;

	if (personal && strcmp(personal, "true") && strcmp(personal, "false")) {
		http_invalid(req, "personal", "must be true or false");
		return;
	}
	if (!cases_find(req, 0, ACT_READ, &r))
		return;
	if (personal && !strcmp(personal, "true")) {
		struct access_record acc = cases_access(&r);

		if (access_allow(req, ACT_READ_PERSONAL, &acc))
			answer_personal(req, &r, NULL);
	} else if (parts(req, &r)) {
		http_json(req, 200, cases_json(req, &r, true));
	}
	cases_release(&r);
}

static enum err
update_op(struct db_conn *c, struct case_op *x)
{
	struct coord_share s = x->r->share;
	enum err e = share_of(c, x, &s);

	if (e != ERR_OK && e != ERR_INVALID)
		return e;
	e = cases_update(c, &x->req->arena, &x->w, x->r, x->version, x->input,
			 &s, &x->errs);
	return e == ERR_OK && x->errs.n ? ERR_INVALID : e;
}

void
cases_http_update(struct http_request *req)
{
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = update_op };
	json_t *b = req->body;

	if (!cases_find(req, 0, ACT_UPDATE, &r))
		return;
	if (json_object_get(b, "level") || json_object_get(b, "group_id") ||
	    json_object_get(b, "tlp")) {
		struct access_record acc = cases_access(&r);

		if (!access_allow(req, ACT_SHARE, &acc)) {
			cases_release(&r);
			return;
		}
	}
	x.w = cases_writer(req, &r);
	x.input = cases_input(req, share_keys, &x.body_errs);
	x.action = "case.update";
	if (!cases_version(req, &x.version, &x.body_errs))
		coord_invalid(req, &x.body_errs);
	else if (cases_run(&x, "The case was not saved.") && parts(req, &r))
		http_json(req, 200, cases_json(req, &r, true));
	json_decref(x.input);
	cases_release(&r);
}

static bool
case_role(struct http_request *req)
{
	const struct auth_actor *a = req->actor;

	return a->user.role == ROLE_CASE_WORKER ||
	       a->user.role == ROLE_INVESTIGATOR;
}

void
cases_http_glass(struct http_request *req)
{
	const char *reason = NULL, *why = NULL;
	const struct http_field f[] = {
		{ .name = "reason", .required = true, .string = &reason },
	};
	struct access_record acc;
	struct case_record r;

	if (!http_body_fields(req, f, 1) || !cases_find(req, 0, ACT_READ, &r))
		return;
	/* Blanks are no reason: counted once cleaned. */
	reason = text_clean(&req->arena, reason, AUDIT_REASON_MAX / 4,
			    TEXT_LINES, &why);
	acc = cases_access(&r);
	switch (access_break_glass(access_actor_of(req), &acc,
				   reason ? reason : "")) {
	case ACCESS_ALLOW: answer_personal(req, &r, reason); break;
	case ACCESS_HIDDEN:
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		break;
	default:
		if (case_role(req))
			http_invalid(req, "reason",
				     "must say why, in at least 15 characters");
		else
			http_problem(req, ERR_FORBIDDEN,
				     "Only case workers and investigators may "
				     "break the glass.",
				     NULL);
	}
	cases_release(&r);
}

/* A person's own data, for their request: everything about them. */
void
cases_http_copy(struct http_request *req)
{
	char pid[UUID_STR_LEN];
	struct case_record r;
	struct case_op x = { .req = req, .r = &r, .run = read_op };
	json_t *out = NULL, *items;

	if (!cases_find(req, 0, ACT_READ_PERSONAL, &r))
		return;
	if (!http_param_id(req, 1, pid) || !parts(req, &r) ||
	    !cases_open(req, &r, false))
		goto done;
	items = json_array();
	for (size_t i = 0; i < r.npersons; i++)
		if (!strcmp(r.persons[i].id, pid))
			out = json_pack("{ss ss ss so}", "case_id", r.id,
					"owner_org", r.share.owner_org,
					"exported_at", "", "person",
					cases_entry_json(&r.persons[i]));
	for (size_t i = 0; out && i < r.nitems; i++) {
		const char *p = json_string_value(
			json_object_get(r.items[i].data, "person_id"));

		if (p && !strcmp(p, pid))
			json_array_append_new(items,
					      cases_entry_json(&r.items[i]));
	}
	if (!out) {
		json_decref(items);
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		goto done;
	}
	json_object_set_new(out, "items", items);
	x.action = "case.copy";
	if (cases_run(&x, "The copy could not be made.")) {
		char now[TIME_RFC3339_LEN];

		time_rfc3339(time_now_ms(), now, sizeof(now));
		json_object_set_new(out, "exported_at", json_string(now));
		http_json(req, 200, out);
		http_add_header(req, "Content-Disposition",
				"attachment; filename=\"person.json\"");
		out = NULL;
	}
	json_decref(out);
done:
	cases_release(&r);
}

#include "orgs/orgs_http.h"

#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "base/iso.h"
#include "base/text.h"
#include "orgs/orgs.h"

static json_t *
org_json(const struct org *o)
{
	return json_pack("{ss ss ss ss ss? sb ss ss ss sI}", "id", o->id,
			 "name", o->name, "type", orgs_type_name(o->type),
			 "country", o->country, "subdivision",
			 o->subdivision[0] ? o->subdivision : NULL, "verified",
			 o->verified, "status", orgs_status_name(o->status),
			 "created_at", o->created_at, "updated_at",
			 o->updated_at, "version", (json_int_t)o->version);
}

/*
 * An organisation in the shape of HTCDS v2.0's Organization section, for
 * exchange with systems built on that standard.  atip's own id travels as
 * an extension field (HTCDS has no id of its own for organisations).
 */
static json_t *
org_htcds_json(const struct org *o)
{
	return json_pack("{ss ss ss ss ss*}", "atip_id", o->id, "org_Name",
			 o->name, "org_Type", orgs_type_htcds(o->type),
			 "org_ShippingCountry", o->country, "org_ShippingState",
			 o->subdivision[0] ? o->subdivision : NULL);
}

/* The access view of an organisation (the member directory). */
static struct access_record
org_record(const char *id, const char *country)
{
	return (struct access_record){ .kind = KIND_ORG,
				       .owner_org = id,
				       .owner_country = country,
				       .level = LEVEL_PLATFORM,
				       .tlp = TLP_CLEAR };
}

static json_t *
add_field_error(json_t *errors, const char *field, const char *message)
{
	if (!errors)
		errors = json_array();
	json_array_append_new(errors, json_pack("{ss ss}", "field", field,
						"message", message));
	return errors;
}

/* An upper-case arena copy of a code ("np" -> "NP"), or NULL. */
static const char *
upper(struct http_request *req, const char *s)
{
	char *u;

	if (!s)
		return NULL;
	u = arena_strdup(&req->arena, s);
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return u;
}

/* True when errors already names field. */
static bool
listed(json_t *errors, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach (errors, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "field")),
			    field))
			return true;
	return false;
}

void
orgs_http_list(struct http_request *req)
{
	struct access_record dir = org_record(NULL, NULL);
	struct orgs_filter filter = {
		upper(req, http_query(req, "country")),
		http_query(req, "type"),
		http_query(req, "status"),
		http_query(req, "theme"),
		upper(req, http_query(req, "works_in")),
		http_query(req, "q"),
	};
	enum theme theme;
	const char *limit_s = http_query(req, "limit");
	const char *cursor = http_query(req, "cursor");
	const char *format = http_query(req, "format");
	bool htcds = format && !strcmp(format, "htcds");
	long long limit = 0;
	enum org_type type;
	enum org_status status;
	struct org_page page;
	json_t *errors = NULL, *items;
	enum err e;

	if (!access_allow(req, ACT_READ, &dir))
		return;
	if (limit_s && !str_to_i64(str_of(limit_s), 1, ORGS_LIST_MAX, &limit))
		errors =
			add_field_error(errors, "limit",
					"must be a whole number from 1 to 500");
	if (cursor && !uuid_valid(str_of(cursor)))
		errors = add_field_error(errors, "cursor",
					 "must be a next_cursor of this list");
	if (filter.type && !orgs_type_parse(filter.type, &type))
		errors = add_field_error(errors, "type", "names no type");
	if (filter.status && !orgs_status_parse(filter.status, &status))
		errors = add_field_error(errors, "status", "names no status");
	if (filter.country && !iso_country_valid(filter.country))
		errors = add_field_error(errors, "country",
					 "must be an ISO 3166-1 alpha-2 code");
	if (filter.theme && !theme_parse(filter.theme, &theme))
		errors = add_field_error(errors, "theme",
					 "must be prevention, protection, "
					 "prosecution or partnership");
	if (filter.works_in && !iso_country_valid(filter.works_in))
		errors = add_field_error(errors, "works_in",
					 "must be an ISO 3166-1 alpha-2 code");
	if (filter.q && strlen(filter.q) > 100)
		errors = add_field_error(errors, "q",
					 "must be at most 100 bytes");
	if (format && !htcds && strcmp(format, "atip"))
		errors = add_field_error(errors, "format",
					 "must be atip or htcds");
	if (errors) {
		http_problem(req, ERR_INVALID,
			     "Some query parameters are wrong.", errors);
		return;
	}
	e = orgs_list(req->db, cursor, (int)limit, &filter, &req->arena, &page);
	if (e != ERR_OK) {
		http_problem(req, e, "The list could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++)
		json_array_append_new(items,
				      htcds ? org_htcds_json(&page.items[i])
					    : org_json(&page.items[i]));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor[0] ? page.next_cursor : NULL));
}

/* A change to one organisation, with its audit entry, in one transaction. */
struct change {
	struct http_request *req;
	const struct org_input *in; /* create */
	const char *id;		    /* update */
	enum org_status status;
	long long version;
	struct org org;
	enum err e;
};

static enum db_status
change_tx(struct db_conn *c, void *arg)
{
	struct change *x = arg;

	x->e = x->in ? orgs_create(c, x->in, &x->org)
		     : orgs_set_status(c, x->id, x->status, x->version,
				       &x->org);
	/* Suspension cuts the organisation's users off for good: their
	 * sessions end, and reactivation does not bring them back. */
	if (x->e == ERR_OK && !x->in && x->status == ORG_SUSPENDED)
		x->e = auth_sessions_end_org(c, x->id);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, x->in ? "org.create" : "org.update", "org",
			  x->org.id);
}

static enum err
run_change(struct http_request *req, struct change *x)
{
	return db_tx_conn_err(req->db, change_tx, x, &x->e);
}

void
orgs_http_create(struct http_request *req)
{
	struct org_input in = { 0 };
	const struct http_field fields[] = {
		{ .name = "name", .required = true, .string = &in.name },
		{ .name = "type", .required = true, .string = &in.type },
		{ .name = "country", .required = true, .string = &in.country },
		{ .name = "subdivision", .string = &in.subdivision },
	};
	struct access_record r = org_record(NULL, NULL);
	struct change x = { .req = req, .in = &in };
	struct org_errors errs;
	json_t *errors = NULL;
	enum err e;

	if (!access_allow(req, ACT_CREATE, &r))
		return;
	/* Every wrong field at once: the body's shape, then the values. */
	errors = http_body_check(req, fields, 4);
	e = orgs_validate(&in, &errs);
	for (int i = 0; e == ERR_INVALID && i < errs.n; i++)
		if (!listed(errors, errs.v[i].field))
			errors = add_field_error(errors, errs.v[i].field,
						 errs.v[i].message);
	if (errors) {
		http_problem(req, ERR_INVALID,
			     "Some fields of the body are wrong.", errors);
		return;
	}
	e = e == ERR_OK ? run_change(req, &x) : e;
	if (e == ERR_CONFLICT) {
		http_problem(req, e,
			     "The country has an organisation of that name.",
			     add_field_error(NULL, "name", "is taken"));
		return;
	}
	if (e != ERR_OK) {
		http_problem(req, e, "The organisation could not be added.",
			     NULL);
		return;
	}
	http_json(req, 201, org_json(&x.org));
}

/* Reads the organisation named in the path, answering 404 when there is none. */
static bool
load(struct http_request *req, struct org *o)
{
	char id[UUID_STR_LEN];
	enum err e;

	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return false;
	}
	e = orgs_get(req->db, id, o);
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND ? "There is nothing here."
						: "The organisation could not "
						  "be read.",
			     NULL);
		return false;
	}
	return true;
}

void
orgs_http_get(struct http_request *req)
{
	struct org o;
	struct access_record r;

	if (!load(req, &o))
		return;
	r = org_record(o.id, o.country);
	if (access_allow(req, ACT_READ, &r))
		http_json(req, 200, org_json(&o));
}

void
orgs_http_update(struct http_request *req)
{
	const char *status = NULL;
	long long version = 0;
	const struct http_field fields[] = {
		{ .name = "status", .required = true, .string = &status },
		{ .name = "version", .required = true, .integer = &version },
	};
	struct change x = { .req = req };
	struct access_record r;
	struct org o;
	enum err e;

	if (!load(req, &o))
		return;
	r = org_record(o.id, o.country);
	if (!access_allow(req, ACT_ADMIN, &r) ||
	    !http_body_fields(req, fields, 2))
		return;
	if (!orgs_status_parse(status, &x.status)) {
		http_invalid(req, "status", "must be active or suspended");
		return;
	}
	x.id = o.id;
	x.version = version;
	e = run_change(req, &x);
	if (e == ERR_CONFLICT) {
		http_problem(req, e,
			     "The organisation changed since you read it: "
			     "read it again.",
			     NULL);
		return;
	}
	if (e != ERR_OK) {
		http_problem(req, e, "The organisation could not be changed.",
			     NULL);
		return;
	}
	http_json(req, 200, org_json(&x.org));
}

static json_t *
profile_json(const struct org_profile *p)
{
	json_t *focal = json_array(), *works = json_array(),
	       *themes = json_array();

	for (size_t i = 0; i < p->nworks_in; i++)
		json_array_append_new(works, json_string(p->works_in[i]));
	for (size_t i = 0; i < p->nthemes; i++)
		json_array_append_new(themes, json_string(p->themes[i]));
	for (size_t i = 0; i < p->nfocal; i++)
		json_array_append_new(focal,
				      json_pack("{ss ss ss ss}", "user_id",
						p->focal[i].user_id, "name",
						p->focal[i].name, "email",
						p->focal[i].email, "title",
						p->focal[i].title));
	return json_pack("{ss ss ss ss ss so so so ss? sI}", "org_id",
			 p->org_id, "mandate", p->mandate, "areas", p->areas,
			 "services", p->services, "website", p->website,
			 "works_in", works, "themes", themes, "focal_points",
			 focal, "updated_at",
			 p->updated_at[0] ? p->updated_at : NULL, "version",
			 (json_int_t)p->version);
}

void
orgs_http_profile(struct http_request *req)
{
	struct org_profile p;
	struct access_record r;
	struct org o;
	enum err e;

	if (!load(req, &o))
		return;
	r = org_record(o.id, o.country);
	if (!access_allow(req, ACT_READ, &r))
		return;
	e = orgs_profile_get(req->db, &req->arena, o.id, &p);
	if (e != ERR_OK) {
		http_problem(req, e, "The profile could not be read.", NULL);
		return;
	}
	http_json(req, 200, profile_json(&p));
}

struct profile_change {
	struct http_request *req;
	const char *org_id;
	struct profile_input in;
	long long version;
	struct org_profile p;
	const char *field, *why;
	enum err e;
};

static enum db_status
profile_tx(struct db_conn *c, void *arg)
{
	struct profile_change *x = arg;

	x->e = orgs_profile_set(c, &x->req->arena, x->org_id, x->version,
				&x->in, &x->p, &x->field, &x->why);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "org.profile", "org", x->org_id);
}

/* A JSON list of strings into arena memory; false when it is not one. */
static bool
strings(struct http_request *req, json_t *v, const char *const **out, size_t *n,
	bool *has)
{
	const char **list;
	size_t i;
	json_t *item;

	*has = v != NULL && !json_is_null(v);
	*n = 0;
	if (!*has)
		return true;
	if (!json_is_array(v) || json_array_size(v) > 100)
		return false;
	list = arena_alloc(&req->arena,
			   (json_array_size(v) + 1) * sizeof(*list));
	json_array_foreach (v, i, item) {
		if (!json_is_string(item))
			return false;
		list[i] = json_string_value(item);
	}
	*out = list;
	*n = json_array_size(v);
	return true;
}

void
orgs_http_profile_set(struct http_request *req)
{
	struct profile_change x = { .req = req };
	json_t *works = NULL, *themes = NULL;
	const struct http_field fields[] = {
		{ .name = "mandate", .string = &x.in.mandate },
		{ .name = "areas", .string = &x.in.areas },
		{ .name = "services", .string = &x.in.services },
		{ .name = "website", .string = &x.in.website },
		{ .name = "works_in", .any = &works },
		{ .name = "themes", .any = &themes },
		{ .name = "version", .required = true, .integer = &x.version },
	};
	struct access_record r;
	struct org o;

	if (!load(req, &o))
		return;
	/* Run by the organisation's admins (as its accounts are); every
	 * member sees the entry, so others are forbidden, not answered 404. */
	r = (struct access_record){ .kind = KIND_USER,
				    .owner_org = o.id,
				    .owner_country = o.country,
				    .level = LEVEL_ORG,
				    .tlp = TLP_CLEAR };
	if (access_check(access_actor_of(req), ACT_ADMIN, &r) != ACCESS_ALLOW) {
		http_problem(req, ERR_FORBIDDEN,
			     "Only the organisation's admins write its entry.",
			     NULL);
		return;
	}
	if (!http_body_fields(req, fields, 7))
		return;
	if (!strings(req, works, &x.in.works_in, &x.in.nworks_in,
		     &x.in.has_works_in)) {
		http_invalid(req, "works_in",
			     "must be a list of country codes");
		return;
	}
	if (!strings(req, themes, &x.in.themes, &x.in.nthemes,
		     &x.in.has_themes)) {
		http_invalid(req, "themes", "must be a list of themes");
		return;
	}
	x.org_id = o.id;
	if (db_tx_conn_err(req->db, profile_tx, &x, &x.e) != ERR_OK) {
		if (x.e == ERR_INVALID)
			http_invalid(req, x.field, x.why);
		else
			http_problem(req, x.e,
				     x.e == ERR_CONFLICT
					     ? "The profile changed since you "
					       "read it; read it again."
					     : "The profile was not saved.",
				     NULL);
		return;
	}
	http_json(req, 200, profile_json(&x.p));
}

struct focal {
	struct http_request *req;
	const char *title;
	enum err e;
};

static enum db_status
focal_tx(struct db_conn *c, void *arg)
{
	struct focal *f = arg;
	const struct auth_actor *a = f->req->actor;

	f->e = orgs_focal_point(c, a->user.org_id, a->user.id, f->title);
	if (f->e != ERR_OK)
		return db_status_of(f->e);
	return auth_audit(c, f->req, f->title ? "focal.list" : "focal.unlist",
			  "user", a->user.id);
}

void
orgs_http_focal_set(struct http_request *req)
{
	struct focal f = { .req = req };
	const char *title = NULL, *why;
	const struct http_field fields[] = {
		{ .name = "title", .required = true, .string = &title },
	};

	if (!http_body_fields(req, fields, 1))
		return;
	f.title = text_clean(&req->arena, title, FOCAL_TITLE_MAX, 0, &why);
	if (!f.title || !*f.title) {
		http_invalid(req, "title", f.title ? "is required" : why);
		return;
	}
	if (db_tx_conn_err(req->db, focal_tx, &f, &f.e) != ERR_OK) {
		http_problem(req, f.e, "Nothing was changed.", NULL);
		return;
	}
	http_json(req, 200,
		  json_pack("{ss sb}", "title", f.title, "listed", 1));
}

void
orgs_http_focal_unset(struct http_request *req)
{
	struct focal f = { .req = req };

	if (db_tx_conn_err(req->db, focal_tx, &f, &f.e) != ERR_OK) {
		http_problem(req, f.e, "Nothing was changed.", NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
}

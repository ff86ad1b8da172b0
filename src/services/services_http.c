/* /api/v1/services and /api/v1/locations: the service directory. */
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"
#include "services/services_http.h"

static const struct auth_actor *
actor(struct http_request *req)
{
	return req->actor;
}

/* The directory is every member's; its entries are their owners'. */
static struct access_record
entry(const char *org_id)
{
	return (struct access_record){ .kind = KIND_RECORD,
				       .owner_org = org_id,
				       .level = LEVEL_PLATFORM,
				       .tlp = TLP_GREEN };
}

static json_t *
strings(const char *const *v, size_t n)
{
	return coord_strings_json(v, n);
}

/*
 * A location as its reader may see it: a confidential one hides its
 * address, district and position from organisations that may not refer
 * there, and its referrers from all but its owner.
 */
static json_t *
location_json(const struct location *l, const char *viewer, bool open)
{
	json_t *o = json_pack("{ss ss ss ss sb sb sI ss ss}", "id", l->id,
			      "organization_id", l->org_id, "name", l->name,
			      "description", l->description, "confidential",
			      l->confidential, "address_hidden", !open,
			      "version", (json_int_t)l->version, "created_at",
			      l->created_at, "updated_at", l->updated_at);
	json_t *address = json_pack("{ss ss?}", "country", l->country,
				    "state_province", l->subdivision);

	if (open) {
		json_object_set_new(address, "address_1",
				    json_string(l->address));
		json_object_set_new(address, "city", json_string(l->city));
	}
	json_object_set_new(o, "address", address);
	json_object_set_new(o, "district",
			    open && l->district ? json_string(l->district)
						: json_null());
	json_object_set_new(o, "latitude",
			    open && l->geo.set
				    ? json_real((double)l->geo.lat_e4 / 10000)
				    : json_null());
	json_object_set_new(o, "longitude",
			    open && l->geo.set
				    ? json_real((double)l->geo.lon_e4 / 10000)
				    : json_null());
	/* The owner's, when they were read (a search does not). */
	if (!strcmp(l->org_id, viewer) && l->referrers)
		json_object_set_new(o, "referrers",
				    strings(l->referrers, l->nreferrers));
	return o;
}

static json_t *
service_json(const struct service *s, const char *viewer, bool open)
{
	json_t *o = json_pack("{ss ss ss ss ss ss ss? ss? ss? sI ss ss}", "id",
			      s->id, "organization_id", s->org_id, "name",
			      s->name, "description", s->description, "status",
			      s->active ? "active" : "inactive", "service_type",
			      service_type_name(s->type), "email", s->email,
			      "phone", s->phone, "url", s->url, "version",
			      (json_int_t)s->version, "created_at",
			      s->created_at, "updated_at", s->updated_at);
	json_t *elig = json_pack("{so so}", "genders",
				 strings(s->genders, s->ngenders),
				 "nationalities",
				 strings(s->nationalities, s->nnationalities));

	json_object_set_new(elig, "minimum_age",
			    s->min_age >= 0 ? json_integer(s->min_age)
					    : json_null());
	json_object_set_new(elig, "maximum_age",
			    s->max_age >= 0 ? json_integer(s->max_age)
					    : json_null());
	json_object_set_new(o, "eligibility", elig);
	json_object_set_new(o, "hours",
			    s->hours ? json_string(s->hours) : json_null());
	json_object_set_new(o, "languages",
			    strings(s->languages, s->nlanguages));
	json_object_set_new(
		o, "capacity",
		json_pack("{so so so sb}", "capacity",
			  s->capacity >= 0 ? json_integer(s->capacity)
					   : json_null(),
			  "vacancies",
			  s->vacancies >= 0 ? json_integer(s->vacancies)
					    : json_null(),
			  "updated_at",
			  s->vacancies_at[0] ? json_string(s->vacancies_at)
					     : json_null(),
			  "stale", services_stale(s, time_now_ms())));
	json_object_set_new(o, "location",
			    s->location
				    ? location_json(s->location, viewer, open)
				    : json_null());
	if (s->distance_m >= 0)
		json_object_set_new(o, "distance_km",
				    json_real((double)s->distance_m / 1000));
	return o;
}

/* ---- services ---- */

void
services_http_search(struct http_request *req)
{
	const struct auth_actor *a = actor(req);
	const char *vacancy = http_query(req, "vacancy");
	struct service_filter f = {
		.type = http_query(req, "type"),
		.country = http_query(req, "country"),
		.subdivision = http_query(req, "subdivision"),
		.district = http_query(req, "district"),
		.gender = http_query(req, "gender"),
		.age = http_query(req, "age"),
		.nationality = http_query(req, "nationality"),
		.language = http_query(req, "language"),
		.near = http_query(req, "near"),
		.org_id = http_query(req, "org_id"),
		.viewer = a->user.org_id,
		.cursor = http_query(req, "cursor"),
	};
	struct coord_errors errs = { 0 };
	struct service_page page;
	char org[UUID_STR_LEN];
	json_t *items;
	enum err e;

	if (vacancy && strcmp(vacancy, "true") && strcmp(vacancy, "false"))
		coord_error(&errs, "vacancy", "must be true or false");
	f.vacancy = vacancy && !strcmp(vacancy, "true");
	if (f.org_id && !uuid_normalise(str_of(f.org_id), org))
		coord_error(&errs, "org_id", "must be an organisation id");
	else if (f.org_id)
		f.org_id = org;
	coord_limit(req, &f.limit, &errs);
	e = services_search(req->db, &req->arena, &f, &page, &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The directory could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		const struct service *s = &page.items[i];

		json_array_append_new(
			items, service_json(s, a->user.org_id,
					    s->location && s->location->open));
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

static bool
find_service(struct http_request *req, enum access_action act,
	     struct service *s)
{
	char id[UUID_STR_LEN];
	struct access_record r;
	enum err e = http_param_id(req, 0, id)
			     ? services_get(req->db, &req->arena, id, s)
			     : ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The service could not be read.",
			     NULL);
		return false;
	}
	r = entry(s->org_id);
	return access_allow(req, act, &r);
}

static json_t *
whole(struct http_request *req, const struct service *s)
{
	const char *viewer = actor(req)->user.org_id;

	return service_json(s, viewer,
			    s->location && services_location_open(s->location,
								  viewer));
}

void
services_http_get(struct http_request *req)
{
	struct service s;

	if (find_service(req, ACT_READ, &s))
		http_json(req, 200, whole(req, &s));
}

struct service_change {
	struct http_request *req;
	struct service_input in;
	const char *id;
	long long version;
	bool vacancies;
	struct service s;
	struct coord_errors body_errs, errs;
	enum err e;
};

static enum db_status
service_tx(struct db_conn *c, void *arg)
{
	struct service_change *x = arg;
	struct arena *a = &x->req->arena;

	x->errs = x->body_errs;
	if (x->errs.n)
		return db_status_of(x->e = ERR_INVALID);
	if (x->vacancies)
		x->e = services_vacancies(c, a, x->id, x->version, &x->s,
					  &x->errs);
	else if (x->id)
		x->e = services_update(c, a, x->id, x->version, &x->in, &x->s,
				       &x->errs);
	else
		x->e = services_create(c, a, actor(x->req)->user.org_id, &x->in,
				       &x->s, &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req,
			  x->vacancies ? "service.vacancies"
			  : x->id      ? "service.update"
				       : "service.create",
			  "service", x->s.id);
}

static void
read_service_body(struct http_request *req, struct service_change *x,
		  bool change)
{
	struct service_input *in = &x->in;
	const struct http_field f[] = {
		{ .name = "type", .string = &in->type },
		{ .name = "name", .string = &in->name },
		{ .name = "description", .string = &in->description },
		{ .name = "status", .string = &in->status },
		{ .name = "location_id", .any = &in->location_id },
		{ .name = "email", .any = &in->email },
		{ .name = "phone", .any = &in->phone },
		{ .name = "url", .any = &in->url },
		{ .name = "hours", .any = &in->hours },
		{ .name = "genders", .any = &in->genders },
		{ .name = "nationalities", .any = &in->nationalities },
		{ .name = "languages", .any = &in->languages },
		{ .name = "minimum_age", .any = &in->minimum_age },
		{ .name = "maximum_age", .any = &in->maximum_age },
		{ .name = "capacity", .any = &in->capacity },
		{ .name = "version",
		  .required = change,
		  .integer = &x->version },
	};
	const size_t n = sizeof(f) / sizeof(f[0]);

	coord_body(req, f, change ? n : n - 1, &x->body_errs);
	/* null clears: taken from the body as sent, shape checked above. */
	in->location_id = json_object_get(req->body, "location_id");
	in->email = json_object_get(req->body, "email");
	in->phone = json_object_get(req->body, "phone");
	in->url = json_object_get(req->body, "url");
	in->hours = json_object_get(req->body, "hours");
	in->genders = json_object_get(req->body, "genders");
	in->nationalities = json_object_get(req->body, "nationalities");
	in->languages = json_object_get(req->body, "languages");
	in->minimum_age = json_object_get(req->body, "minimum_age");
	in->maximum_age = json_object_get(req->body, "maximum_age");
	in->capacity = json_object_get(req->body, "capacity");
}

static void
run(struct service_change *x, unsigned status)
{
	x->e = db_tx_conn_err(x->req->db, service_tx, x, &x->e);
	if (x->e != ERR_OK)
		coord_failed(x->req, x->e, &x->errs,
			     "The service was not saved.");
	else
		http_json(x->req, status, whole(x->req, &x->s));
}

void
services_http_create(struct http_request *req)
{
	struct service_change x = { .req = req };
	struct access_record r = entry(actor(req)->user.org_id);

	if (!access_allow(req, ACT_CREATE, &r))
		return;
	read_service_body(req, &x, false);
	run(&x, 201);
}

void
services_http_update(struct http_request *req)
{
	struct service_change x = { .req = req };
	struct service now;

	if (!find_service(req, ACT_UPDATE, &now))
		return;
	read_service_body(req, &x, true);
	if (coord_has_error(&x.body_errs, "version")) {
		coord_invalid(req, &x.body_errs);
		return;
	}
	x.id = now.id;
	run(&x, 200);
}

void
services_http_vacancies(struct http_request *req)
{
	struct service_change x = { .req = req, .vacancies = true };
	const struct http_field f[] = {
		{ .name = "vacancies", .required = true, .integer = &x.version },
	};
	struct service now;

	if (!find_service(req, ACT_UPDATE, &now))
		return;
	coord_body(req, f, 1, &x.body_errs);
	x.id = now.id;
	run(&x, 200);
}

/* ---- locations ---- */

static bool
find_location(struct http_request *req, enum access_action act,
	      struct location *l)
{
	char id[UUID_STR_LEN];
	struct access_record r;
	enum err e =
		http_param_id(req, 0, id)
			? services_location_get(req->db, &req->arena, id, l)
			: ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The location could not be read.",
			     NULL);
		return false;
	}
	r = entry(l->org_id);
	return access_allow(req, act, &r);
}

static json_t *
location_for(struct http_request *req, const struct location *l)
{
	const char *viewer = actor(req)->user.org_id;

	return location_json(l, viewer, services_location_open(l, viewer));
}

void
services_http_location_get(struct http_request *req)
{
	struct location l;

	if (find_location(req, ACT_READ, &l))
		http_json(req, 200, location_for(req, &l));
}

void
services_http_locations(struct http_request *req)
{
	const char *org = http_query(req, "org_id");
	char id[UUID_STR_LEN];
	struct location *v;
	size_t n;
	json_t *items;
	enum err e;

	if (org && !uuid_normalise(str_of(org), id)) {
		http_invalid(req, "org_id", "must be an organisation id");
		return;
	}
	e = services_locations_of(req->db, &req->arena,
				  org ? id : actor(req)->user.org_id, &v, &n);
	if (e != ERR_OK) {
		http_problem(req, e, "The locations could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, location_for(req, &v[i]));
	http_json(req, 200, json_pack("{so}", "items", items));
}

struct location_change {
	struct http_request *req;
	struct location_input in;
	const char *id;
	long long version;
	struct location l;
	struct coord_errors body_errs, errs;
	enum err e;
};

static enum db_status
location_tx(struct db_conn *c, void *arg)
{
	struct location_change *x = arg;

	x->errs = x->body_errs;
	if (x->errs.n)
		return db_status_of(x->e = ERR_INVALID);
	x->e = x->id ? services_location_update(c, &x->req->arena, x->id,
						x->version, &x->in, &x->l,
						&x->errs)
		     : services_location_create(c, &x->req->arena,
						actor(x->req)->user.org_id,
						&x->in, &x->l, &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req,
			  x->id ? "location.update" : "location.create",
			  "location", x->l.id);
}

static void
location_change(struct http_request *req, const char *id)
{
	struct location_change x = { .req = req, .id = id };
	struct location_input *in = &x.in;
	const struct http_field f[] = {
		{ .name = "name", .string = &in->name },
		{ .name = "description", .string = &in->description },
		{ .name = "address", .string = &in->address },
		{ .name = "city", .string = &in->city },
		{ .name = "country", .string = &in->country },
		{ .name = "subdivision", .any = &in->subdivision },
		{ .name = "district", .any = &in->district },
		{ .name = "latitude", .any = &in->latitude },
		{ .name = "longitude", .any = &in->longitude },
		{ .name = "confidential", .any = &in->confidential },
		{ .name = "referrers", .any = &in->referrers },
		{ .name = "version",
		  .required = id != NULL,
		  .integer = &x.version },
	};
	const size_t n = sizeof(f) / sizeof(f[0]);

	coord_body(req, f, id ? n : n - 1, &x.body_errs);
	/* null clears: taken from the body as sent, shape checked above. */
	in->subdivision = json_object_get(req->body, "subdivision");
	in->district = json_object_get(req->body, "district");
	in->latitude = json_object_get(req->body, "latitude");
	in->longitude = json_object_get(req->body, "longitude");
	in->confidential = json_object_get(req->body, "confidential");
	in->referrers = json_object_get(req->body, "referrers");
	x.e = db_tx_conn_err(req->db, location_tx, &x, &x.e);
	if (x.e != ERR_OK)
		coord_failed(req, x.e, &x.errs, "The location was not saved.");
	else
		http_json(req, id ? 200 : 201, location_for(req, &x.l));
}

void
services_http_location_create(struct http_request *req)
{
	struct access_record r = entry(actor(req)->user.org_id);

	if (access_allow(req, ACT_CREATE, &r))
		location_change(req, NULL);
}

void
services_http_location_update(struct http_request *req)
{
	struct location l;

	if (find_location(req, ACT_UPDATE, &l))
		location_change(req, l.id);
}

/* The directory as HSDS 3.0 services, page by page of the search. */
void
services_http_hsds(struct http_request *req)
{
	const struct auth_actor *a = actor(req);
	struct service_filter f = { .viewer = a->user.org_id,
				    .org_id = http_query(req, "org_id"),
				    .limit = COORD_LIST_MAX };
	struct coord_errors errs = { 0 };
	char org_id[UUID_STR_LEN];
	struct org org = { 0 };
	json_t *items = json_array();
	enum err e = ERR_OK;

	if (f.org_id && !uuid_normalise(str_of(f.org_id), org_id)) {
		json_decref(items);
		http_invalid(req, "org_id", "must be an organisation id");
		return;
	}
	if (f.org_id)
		f.org_id = org_id;
	for (;;) {
		struct service_page page;

		e = services_search(req->db, &req->arena, &f, &page, &errs);
		for (size_t i = 0; e == ERR_OK && i < page.n; i++) {
			const struct service *s = &page.items[i];

			if (strcmp(org.id, s->org_id))
				e = orgs_get(req->db, s->org_id, &org);
			if (e == ERR_OK)
				json_array_append_new(
					items,
					services_hsds(
						s, &org,
						s->location &&
							s->location->open));
		}
		if (e != ERR_OK || !page.next_cursor)
			break;
		f.cursor = page.next_cursor;
	}
	if (e != ERR_OK) {
		json_decref(items);
		coord_failed(req, e, &errs, "The directory could not be read.");
		return;
	}
	http_json(req, 200, json_pack("{so}", "items", items));
}

struct hsds_import {
	struct http_request *req;
	json_t *items;
	long long n;
	struct coord_errors errs;
	enum err e;
};

static enum db_status
hsds_import_tx(struct db_conn *c, void *arg)
{
	struct hsds_import *x = arg;
	const char *org = actor(x->req)->user.org_id;

	x->e = services_hsds_import(c, &x->req->arena, org, x->items, &x->n,
				    &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "service.import", "org", org);
}

/* HSDS 3.0 services into the organisation's directory, all or nothing. */
void
services_http_hsds_import(struct http_request *req)
{
	struct access_record r = entry(actor(req)->user.org_id);
	struct hsds_import x = { .req = req };
	const struct http_field f[] = {
		{ .name = "items", .required = true, .any = &x.items },
	};

	if (!access_allow(req, ACT_CREATE, &r) || !http_body_fields(req, f, 1))
		return;
	x.e = db_tx_conn_err(req->db, hsds_import_tx, &x, &x.e);
	if (x.e != ERR_OK)
		coord_failed(req, x.e, &x.errs,
			     "The services were not imported.");
	else
		http_json(req, 201,
			  json_pack("{sI}", "imported", (json_int_t)x.n));
}

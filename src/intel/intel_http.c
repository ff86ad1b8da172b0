/*
 * /api/v1/reports and /api/v1/indicators: intel reports, their indicators
 * and what each value correlates with, as the viewer may know it.
 */
#include "intel/intel_http.h"

#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "cases/cases.h"
#include "coord/coord_http.h"

static const struct auth_actor *
actor(struct http_request *req)
{
	return req->actor;
}

json_t *
intel_indicator_json(const struct intel_indicator *x)
{
	json_t *o = json_pack("{ss ss ss ss* so ss* ss ss* sb}", "id", x->id,
			      "report_id", x->report_id, "type",
			      intel_type_name(x->type), "qualifier",
			      x->qualifier, "value",
			      x->value ? json_string(x->value) : json_null(),
			      "key", x->type == INTEL_NAME ? NULL : x->key,
			      "created_at", x->created_at, "note", x->note,
			      "common", x->common);

	if (x->type == INTEL_NAME)
		json_object_set_new(o, "personal", json_true());
	return o;
}

json_t *
intel_correlation_json(const struct intel_correlation *k)
{
	json_t *s = json_array(), *h = json_array(), *cs = json_array();

	for (size_t i = 0; i < k->nsightings; i++) {
		const struct intel_sighting *x = &k->sightings[i];
		json_t *o = json_pack("{ss ss ss ss ss ss}", "report_id",
				      x->report_id, "report_title",
				      x->report_title, "org_id", x->org_id,
				      "org_name", x->org_name, "indicator_id",
				      x->indicator_id, "at", x->at);

		if (k->type == INTEL_AD)
			json_object_set_new(o, "distance",
					    json_integer(x->distance));
		json_array_append_new(s, o);
	}
	for (size_t i = 0; i < k->nhidden; i++)
		json_array_append_new(
			h,
			json_pack("{ss ss sI}", "org_id", k->hidden[i].org_id,
				  "org_name", k->hidden[i].org_name, "count",
				  (json_int_t)k->hidden[i].count));
	for (size_t i = 0; i < k->ncases; i++)
		json_array_append_new(
			cs,
			json_pack("{ss ss* so}", "case_id", k->cases[i].case_id,
				  "reference", k->cases[i].reference,
				  "report_id",
				  k->cases[i].report_id[0]
					  ? json_string(k->cases[i].report_id)
					  : json_null()));
	return json_pack("{sb so so so}", "common", k->common, "sightings", s,
			 "hidden", h, "cases", cs);
}

static json_t *
report_json(const struct intel_report *r)
{
	json_t *o = json_pack(
		"{ss ss ss ss* ss* ss* ss% si ss ss* ss* ss ss sI ss}", "id",
		r->id, "title", r->title, "narrative",
		r->narrative ? r->narrative : "", "period_start",
		r->period_start[0] ? r->period_start : NULL, "period_end",
		r->period_end[0] ? r->period_end : NULL, "owner_name",
		r->owner_name, "reliability", &r->reliability, (size_t)1,
		"credibility", r->credibility, "handling",
		intel_handling_name(r->handling), "handling_note",
		r->handling_note, "created_by",
		r->created_by[0] ? r->created_by : NULL, "created_at",
		r->created_at, "updated_at", r->updated_at, "version",
		(json_int_t)r->version, "owner_country",
		r->share.owner_country);

	coord_share_json(o, &r->share);
	json_object_set_new(o, "places",
			    coord_strings_json(r->places, r->nplaces));
	json_object_set_new(o, "exploitation_types",
			    coord_strings_json(r->exploitation,
					       r->nexploitation));
	json_object_set_new(o, "platforms",
			    coord_strings_json(r->platforms, r->nplatforms));
	return o;
}

void
intel_http_reports_list(struct http_request *req)
{
	struct coord_viewer v = coord_viewer_of(req);
	struct intel_report_filter f = {
		.exploitation = http_query(req, "exploitation_type"),
		.platform = http_query(req, "platform"),
		.place = http_query(req, "place"),
		.org_id = http_query(req, "org_id"),
		.cursor = http_query(req, "cursor"),
	};
	struct coord_errors errs = { 0 };
	struct intel_report_page page;
	json_t *items;
	enum err e;

	coord_limit(req, &f.limit, &errs);
	e = errs.n ? ERR_INVALID
		   : intel_report_list(req->db, &req->arena, &v, &f, &page,
				       &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The reports could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		struct access_record r =
			coord_access(&page.items[i].share, NULL, 0);

		if (access_check(access_actor_of(req), ACT_READ, &r) ==
		    ACCESS_ALLOW)
			json_array_append_new(items,
					      report_json(&page.items[i]));
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

/* The report of the path's first id that the actor may act on so. */
bool
intel_http_find(struct http_request *req, enum access_action act,
		struct intel_report *r)
{
	char id[UUID_STR_LEN];
	struct access_record ar;
	enum err e = http_param_id(req, 0, id)
			     ? intel_report_get(req->db, &req->arena, id, r)
			     : ERR_NOT_FOUND;

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The report could not be read.",
			     NULL);
		return false;
	}
	ar = coord_access(&r->share, NULL, 0);
	return access_allow(req, act, &ar);
}

/* May the actor read the report's personal indicators (names)? */
static bool
may_read_names(struct http_request *req, const struct intel_report *r)
{
	struct access_record ar = coord_access(&r->share, NULL, 0);

	return access_check(access_actor_of(req), ACT_READ_PERSONAL, &ar) ==
	       ACCESS_ALLOW;
}

/* The whole report: its fields, linked cases the actor may see, its
 * indicators (each with how many other reports the actor may know hold
 * it) and its platform requests.  A person's name opened for the reader is
 * audited (report.read_names) in the same transaction. */
static json_t *
whole_json(struct http_request *req, struct db_conn *c,
	   const struct intel_report *r, enum err *e)
{
	bool names = false;
	const struct access_actor *who = access_actor_of(req);
	const struct crypto_keyring *kr =
		may_read_names(req, r) ? app_keyring(req->app) : NULL;
	struct intel_indicator *ind;
	struct intel_request *rq;
	json_t *o = report_json(r), *list = json_array(), *cases = json_array();
	size_t n;

	for (size_t i = 0; i < r->ncases; i++) {
		struct access_record ar;

		if (cases_load(c, r->case_ids[i], &req->arena, &ar) == ERR_OK &&
		    access_check(who, ACT_READ, &ar) == ACCESS_ALLOW)
			json_array_append_new(cases,
					      json_string(r->case_ids[i]));
	}
	json_object_set_new(o, "case_ids", cases);
	*e = intel_indicators_list(c, &req->arena, kr, r->id, &ind, &n);
	for (size_t i = 0; *e == ERR_OK && i < n; i++) {
		struct intel_correlation k;
		json_t *x = intel_indicator_json(&ind[i]);

		names = names || (ind[i].type == INTEL_NAME && ind[i].value);
		*e = intel_correlate(c, &req->arena, app_keyring(req->app), who,
				     &ind[i], r->id, &k);
		json_object_set_new(x, "linked",
				    json_integer((json_int_t)k.nsightings));
		json_array_append_new(list, x);
	}
	json_object_set_new(o, "indicators", list);
	list = json_array();
	if (*e == ERR_OK)
		*e = intel_requests_list(c, &req->arena, r->id, &rq, &n);
	for (size_t i = 0; *e == ERR_OK && i < n; i++)
		json_array_append_new(list, intel_request_json(&rq[i]));
	json_object_set_new(o, "requests", list);
	if (*e == ERR_OK && names)
		*e = db_err(auth_audit(c, req, "report.read_names", "report",
				       r->id));
	return o;
}

struct read {
	struct http_request *req;
	struct intel_report r;
	json_t *out;
	enum err e;
};

static enum db_status
read_tx(struct db_conn *c, void *arg)
{
	struct read *x = arg;

	json_decref(x->out); /* a retried transaction's */
	x->out = whole_json(x->req, c, &x->r, &x->e);
	return db_status_of(x->e);
}

void
intel_http_report_get(struct http_request *req)
{
	struct read x = { .req = req };

	if (!intel_http_find(req, ACT_READ, &x.r))
		return;
	if (db_tx_conn_err(req->db, read_tx, &x, &x.e) != ERR_OK) {
		json_decref(x.out);
		http_problem(req, x.e, "The report could not be read.", NULL);
		return;
	}
	http_json(req, 200, x.out);
}

struct body {
	struct intel_report_input in;
	json_t *places, *exploitation, *platforms, *cases, *indicators;
	struct intel_indicator_input *ind;
	size_t nind;
	long long version;
};

/* The indicators of a body: [{type, value, qualifier?, note?}]. */
static void
indicator_inputs(struct http_request *req, json_t *v, struct body *b,
		 struct coord_errors *errs)
{
	size_t i;
	json_t *x;

	if (!v)
		return;
	if (!json_is_array(v) || json_array_size(v) > INTEL_INDICATORS_MAX) {
		coord_error(errs, "indicators",
			    "must be a list of at most 500 indicators");
		return;
	}
	b->nind = json_array_size(v);
	b->ind = arena_alloc(&req->arena, (b->nind + 1) * sizeof(*b->ind));
	json_array_foreach (v, i, x) {
		const char *k;
		json_t *f;

		if (!json_is_object(x)) {
			coord_error(errs,
				    arena_printf(&req->arena, "indicators/%zu",
						 i),
				    "must be an object");
			return;
		}
		memset(&b->ind[i], 0, sizeof(b->ind[i]));
		json_object_foreach (x, k, f) {
			const char **to =
				!strcmp(k, "type")	  ? &b->ind[i].type
				: !strcmp(k, "value")	  ? &b->ind[i].value
				: !strcmp(k, "qualifier") ? &b->ind[i].qualifier
				: !strcmp(k, "note")	  ? &b->ind[i].note
							  : NULL;

			if (!to || (!json_is_string(f) && !json_is_null(f))) {
				coord_error(errs,
					    arena_printf(&req->arena,
							 "indicators/%zu/%s", i,
							 to ? k : "unknown"),
					    to ? "must be a string"
					       : "is not a field of an "
						 "indicator");
				return;
			}
			*to = json_string_value(f);
		}
	}
}

static void
read_body(struct http_request *req, struct body *b, bool change,
	  struct coord_errors *errs)
{
	struct intel_report_input *in = &b->in;
	const struct http_field fields[] = {
		{ .name = "title", .string = &in->title },
		{ .name = "narrative", .string = &in->narrative },
		{ .name = "period_start", .string = &in->period_start },
		{ .name = "period_end", .string = &in->period_end },
		{ .name = "places", .any = &b->places },
		{ .name = "exploitation_types", .any = &b->exploitation },
		{ .name = "platforms", .any = &b->platforms },
		{ .name = "reliability", .string = &in->reliability },
		{ .name = "credibility", .integer = &in->credibility },
		{ .name = "handling", .string = &in->handling },
		{ .name = "handling_note", .string = &in->handling_note },
		{ .name = "case_ids", .any = &b->cases },
		{ .name = "level", .string = &in->level },
		{ .name = "group_id", .string = &in->group_id },
		{ .name = "tlp", .string = &in->tlp },
		/* creation only: */
		{ .name = "indicators", .any = &b->indicators },
		/* change only: */
		{ .name = "version", .required = true, .integer = &b->version },
	};
	size_t n = sizeof(fields) / sizeof(fields[0]);
	struct http_field f[sizeof(fields) / sizeof(fields[0])];

	memcpy(f, fields, sizeof(fields));
	if (change)
		f[n - 2] = f[n - 1];
	coord_body(req, f, n - 1, errs);
	coord_strings(req, b->places, "places", &in->places, &in->nplaces,
		      &in->has_places, errs);
	coord_strings(req, b->exploitation, "exploitation_types",
		      &in->exploitation, &in->nexploitation,
		      &in->has_exploitation, errs);
	coord_strings(req, b->platforms, "platforms", &in->platforms,
		      &in->nplatforms, &in->has_platforms, errs);
	coord_strings(req, b->cases, "case_ids", &in->case_ids, &in->ncases,
		      &in->has_cases, errs);
	indicator_inputs(req, b->indicators, b, errs);
}

struct change {
	struct http_request *req;
	struct body body;
	const char *id;
	struct intel_report r;
	struct coord_errors errs;
	json_t *out;
	enum err e;
};

static enum db_status
change_tx(struct db_conn *c, void *arg)
{
	struct change *x = arg;
	struct http_request *req = x->req;
	const struct auth_actor *a = actor(req);
	struct coord_share owner = coord_owner_of(req);
	struct intel_indicator *added;
	size_t nadded;
	enum db_status st;

	json_decref(x->out); /* a retried transaction's */
	x->out = NULL;
	x->e = x->id ? intel_report_update(c, &req->arena, access_actor_of(req),
					   x->id, x->body.version, &x->body.in,
					   &x->r, &x->errs)
		     : intel_report_create(c, &req->arena, access_actor_of(req),
					   &owner, a->user.id, &x->body.in,
					   &x->r, &x->errs);
	if (x->e == ERR_OK && x->body.nind)
		x->e = intel_indicators_add(c, &req->arena,
					    app_keyring(req->app), &x->r,
					    a->user.id, NULL, x->body.ind,
					    x->body.nind, &added, &nadded,
					    &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	st = auth_audit(c, req, x->id ? "report.update" : "report.create",
			"report", x->r.id);
	if (st != DB_OK)
		return st;
	x->out = whole_json(req, c, &x->r, &x->e);
	return db_status_of(x->e);
}

void
intel_http_report_create(struct http_request *req)
{
	struct change x = { .req = req };
	struct coord_share owner = coord_owner_of(req);
	struct access_record r = coord_access(&owner, NULL, 0);

	if (!access_allow(req, ACT_CREATE, &r))
		return;
	read_body(req, &x.body, false, &x.errs);
	if (x.errs.n) {
		coord_invalid(req, &x.errs);
		return;
	}
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		json_decref(x.out);
		coord_failed(req, x.e, &x.errs, "The report was not saved.");
		return;
	}
	http_json(req, 201, x.out);
}

void
intel_http_report_update(struct http_request *req)
{
	struct change x = { .req = req };
	struct intel_report now;

	if (!intel_http_find(req, ACT_UPDATE, &now))
		return;
	read_body(req, &x.body, true, &x.errs);
	if (x.errs.n) {
		coord_invalid(req, &x.errs);
		return;
	}
	if (x.body.in.level || x.body.in.group_id || x.body.in.tlp) {
		struct access_record r = coord_access(&now.share, NULL, 0);

		if (!access_allow(req, ACT_SHARE, &r))
			return;
	}
	x.id = now.id;
	if (db_tx_conn_err(req->db, change_tx, &x, &x.e) != ERR_OK) {
		json_decref(x.out);
		coord_failed(req, x.e, &x.errs, "The report was not saved.");
		return;
	}
	http_json(req, 200, x.out);
}

struct erase {
	struct http_request *req;
	const char *id;
	enum err e;
};

static enum db_status
delete_tx(struct db_conn *c, void *arg)
{
	struct erase *x = arg;

	x->e = intel_report_delete(c, x->id);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "report.delete", "report", x->id);
}

void
intel_http_report_delete(struct http_request *req)
{
	struct intel_report r;
	struct erase x = { .req = req };

	if (!intel_http_find(req, ACT_DELETE, &r))
		return;
	x.id = r.id;
	if (db_tx_conn_err(req->db, delete_tx, &x, &x.e) != ERR_OK) {
		http_problem(req, x.e, "The report was not deleted.", NULL);
		return;
	}
	http_send(req, 204, NULL, NULL, 0);
}

/* ---- Indicators ---------------------------------------------------------- */

struct add {
	struct http_request *req;
	struct intel_report r;
	struct body body;
	const char *region;
	struct coord_errors errs;
	json_t *items;
	enum err e;
};

static enum db_status
add_tx(struct db_conn *c, void *arg)
{
	struct add *x = arg;
	struct http_request *req = x->req;
	struct intel_indicator *v;
	size_t n;
	enum db_status st;

	x->e = intel_indicators_add(c, &req->arena, app_keyring(req->app),
				    &x->r, actor(req)->user.id, x->region,
				    x->body.ind, x->body.nind, &v, &n,
				    &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	json_decref(x->items); /* a retried transaction's */
	x->items = json_array();
	for (size_t i = 0; x->e == ERR_OK && i < n; i++) {
		struct intel_correlation k;
		json_t *o = intel_indicator_json(&v[i]);

		x->e = intel_correlate(c, &req->arena, app_keyring(req->app),
				       access_actor_of(req), &v[i], x->r.id,
				       &k);
		json_object_set_new(o, "correlation",
				    intel_correlation_json(&k));
		json_object_set(o, "common", json_boolean(k.common));
		json_array_append_new(x->items, o);
	}
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	st = auth_audit(c, req, "report.indicators", "report", x->r.id);
	return st;
}

void
intel_http_indicators_add(struct http_request *req)
{
	struct add x = { .req = req };
	json_t *list = NULL;
	const struct http_field f[] = {
		{ .name = "indicators", .required = true, .any = &list },
		{ .name = "region", .string = &x.region },
	};
	char region[ISO_COUNTRY_LEN + 1];

	if (!intel_http_find(req, ACT_UPDATE, &x.r))
		return;
	coord_body(req, f, 2, &x.errs);
	indicator_inputs(req, list, &x.body, &x.errs);
	if (x.region && !iso_country_parse(x.region, region))
		coord_error(&x.errs, "region",
			    "must be an ISO 3166-1 alpha-2 code");
	if (x.errs.n) {
		coord_invalid(req, &x.errs);
		return;
	}
	if (x.region)
		x.region = arena_strdup(&req->arena, region);
	if (db_tx_conn_err(req->db, add_tx, &x, &x.e) != ERR_OK) {
		json_decref(x.items);
		coord_failed(req, x.e, &x.errs,
			     "The indicators were not added.");
		return;
	}
	http_json(req, 201, json_pack("{so}", "items", x.items));
}

struct drop {
	struct http_request *req;
	const char *report_id;
	char id[UUID_STR_LEN];
	enum err e;
};

static enum db_status
drop_tx(struct db_conn *c, void *arg)
{
	struct drop *x = arg;

	x->e = intel_indicator_delete(c, x->report_id, x->id);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "report.indicator_delete", "report",
			  x->report_id);
}

void
intel_http_indicator_delete(struct http_request *req)
{
	struct intel_report r;
	struct drop x = { .req = req };

	if (!intel_http_find(req, ACT_UPDATE, &r))
		return;
	x.report_id = r.id;
	if (!http_param_id(req, 1, x.id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (db_tx_conn_err(req->db, drop_tx, &x, &x.e) != ERR_OK) {
		http_problem(req, x.e,
			     x.e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The indicator was not removed.",
			     NULL);
		return;
	}
	http_send(req, 204, NULL, NULL, 0);
}

/* ---- Search and extraction ---------------------------------------------- */

struct search {
	struct http_request *req;
	struct intel_indicator *v;
	size_t n;
	json_t *items;
	enum err e;
};

static enum db_status
search_tx(struct db_conn *c, void *arg)
{
	struct search *x = arg;

	json_decref(x->items); /* a retried transaction's */
	x->items = json_array();
	x->e = ERR_OK;
	for (size_t i = 0; x->e == ERR_OK && i < x->n; i++) {
		struct intel_correlation k;
		json_t *o, *k_json;

		x->e = intel_correlate(c, &x->req->arena,
				       app_keyring(x->req->app),
				       access_actor_of(x->req), &x->v[i], NULL,
				       &k);
		o = json_pack("{ss ss* ss* ss*}", "type",
			      intel_type_name(x->v[i].type), "qualifier",
			      x->v[i].qualifier, "value", x->v[i].value, "key",
			      k.key);
		k_json = intel_correlation_json(&k);
		json_object_update(o, k_json);
		json_decref(k_json);
		json_array_append_new(x->items, o);
	}
	return db_status_of(x->e);
}

/* The region of a search or extraction: given, or the actor's country. */
static const char *
region_of(struct http_request *req, const char *given,
	  struct coord_errors *errs)
{
	char up[ISO_COUNTRY_LEN + 1];

	if (!given)
		return coord_owner_of(req).owner_country[0]
			       ? arena_strdup(&req->arena,
					      coord_owner_of(req).owner_country)
			       : NULL;
	if (!iso_country_parse(given, up)) {
		coord_error(errs, "region",
			    "must be an ISO 3166-1 alpha-2 code");
		return NULL;
	}
	return arena_strdup(&req->arena, up);
}

void
intel_http_search(struct http_request *req)
{
	struct search x = { .req = req };
	struct coord_errors errs = { 0 };
	const char *type = NULL, *value = NULL, *qualifier = NULL,
		   *region = NULL;
	const struct http_field f[] = {
		{ .name = "value", .required = true, .string = &value },
		{ .name = "type", .string = &type },
		{ .name = "qualifier", .string = &qualifier },
		{ .name = "region", .string = &region },
	};

	coord_body(req, f, 4, &errs);
	region = region_of(req, region, &errs);
	if (!errs.n)
		intel_search_values(&req->arena, app_keyring(req->app), type,
				    value, qualifier, region, &x.v, &x.n,
				    &errs);
	if (errs.n) {
		coord_invalid(req, &errs);
		return;
	}
	if (db_tx_conn_err(req->db, search_tx, &x, &x.e) != ERR_OK) {
		json_decref(x.items);
		http_problem(req, x.e, "The search could not be made.", NULL);
		return;
	}
	http_json(req, 200, json_pack("{so}", "items", x.items));
}

/* Extraction's state across http_defer: the text, then what was found. */
struct extract {
	const char *text, *region;
	struct intel_found *found;
	size_t n;
};

/* On the bounded pool: extraction is linear in the text but may take a
 * second on 100 000 hostile bytes, too long to hold an HTTP thread. */
static void
extract_work(struct http_request *req)
{
	struct extract *x = req->state;

	x->found =
		arena_alloc(&req->arena, INTEL_EXTRACT_MAX * sizeof(*x->found));
	x->n = intel_extract(x->text, x->region, &req->arena, x->found,
			     INTEL_EXTRACT_MAX);
}

static void
extract_finish(struct http_request *req)
{
	struct extract *x = req->state;
	json_t *items = json_array();

	for (size_t i = 0; i < x->n; i++)
		json_array_append_new(
			items,
			json_pack("{ss ss* ss ss sI sI}", "type",
				  intel_type_name(x->found[i].type),
				  "qualifier", x->found[i].qualifier, "value",
				  x->found[i].value, "key", x->found[i].key,
				  "offset", (json_int_t)x->found[i].offset,
				  "length", (json_int_t)x->found[i].length));
	http_json(req, 200, json_pack("{so}", "items", items));
}

void
intel_http_extract(struct http_request *req)
{
	struct extract *x = arena_alloc(&req->arena, sizeof(*x));
	struct coord_errors errs = { 0 };
	const struct http_field f[] = {
		{ .name = "text",
		  .required = true,
		  .string = &x->text,
		  .max = INTEL_TEXT_MAX },
		{ .name = "region", .string = &x->region },
	};

	memset(x, 0, sizeof(*x));
	coord_body(req, f, 2, &errs);
	x->region = region_of(req, x->region, &errs);
	if (errs.n) {
		coord_invalid(req, &errs);
		return;
	}
	req->state = x;
	http_defer(req, extract_work, extract_finish);
}

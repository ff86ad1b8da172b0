/*
 * /api/v1/stix: reports as STIX 2.1 bundles, and bundles into reports.
 * A person's name never leaves (intel_stix.c leaves names out).  An import
 * is taken whole or not at all; values atip cannot read as their type are
 * left out and listed with the objects it does not hold.
 */
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "coord/coord_http.h"
#include "intel/intel_http.h"
#include "intel/intel_stix.h"

enum { EXPORT_MAX = 100 }; /* reports in one bundle */

struct bundle {
	struct http_request *req;
	struct intel_report *r; /* read, visible */
	size_t n;
	json_t *out;
	enum err e;
};

static enum db_status
bundle_tx(struct db_conn *c, void *arg)
{
	struct bundle *x = arg;
	struct arena *a = &x->req->arena;
	struct intel_stix_org *orgs = arena_alloc(a, x->n * sizeof(*orgs));
	size_t norgs = 0;

	for (size_t i = 0; i < x->n; i++) {
		struct intel_report *r = &x->r[i];
		bool seen = false;

		x->e = intel_indicators_list(c, a, NULL, r->id, &r->indicators,
					     &r->nindicators);
		if (x->e != ERR_OK)
			return db_status_of(x->e);
		for (size_t j = 0; j < norgs; j++)
			seen = seen || !strcmp(orgs[j].id, r->share.owner_org);
		if (!seen)
			orgs[norgs++] = (struct intel_stix_org){
				.id = r->share.owner_org,
				.name = r->owner_name,
				.country = r->share.owner_country,
			};
	}
	json_decref(x->out); /* a retried transaction's */
	x->out = intel_stix_bundle(x->r, x->n, orgs, norgs);
	return DB_OK;
}

static void
send_bundle(struct http_request *req, struct bundle *x)
{
	if (db_tx_conn_err(req->db, bundle_tx, x, &x->e) != ERR_OK || !x->out) {
		json_decref(x->out);
		http_problem(req, x->e ? x->e : ERR_INTERNAL,
			     "The bundle could not be made.", NULL);
		return;
	}
	http_json(req, 200, x->out);
}

/* H2 is "no further dissemination": only its owner exports such a report
 * (a bundle is made to be passed on). */
static bool
may_export(struct http_request *req, const struct intel_report *r)
{
	const struct auth_actor *a = req->actor;

	return r->handling != HANDLING_H2 ||
	       !strcmp(r->share.owner_org, a->user.org_id);
}

void
intel_http_stix_report(struct http_request *req)
{
	struct bundle x = { .req = req, .n = 1 };

	x.r = arena_alloc(&req->arena, sizeof(*x.r));
	if (!intel_http_find(req, ACT_READ, x.r))
		return;
	if (!may_export(req, x.r)) {
		http_problem(req, ERR_FORBIDDEN,
			     "This report is marked H2, no further "
			     "dissemination: only its owner exports it.",
			     NULL);
		return;
	}
	send_bundle(req, &x);
}

void
intel_http_stix_export(struct http_request *req)
{
	struct bundle x = { .req = req };
	struct coord_errors errs = { 0 };
	const char *const *ids = NULL;
	json_t *list = NULL;
	bool has = false;
	const struct http_field f[] = {
		{ .name = "report_ids", .required = true, .any = &list },
	};

	coord_body(req, f, 1, &errs);
	if (!errs.n)
		coord_strings(req, list, "report_ids", &ids, &x.n, &has, &errs);
	if (!errs.n && (x.n == 0 || x.n > EXPORT_MAX))
		coord_error(&errs, "report_ids", "must name 1 to 100 reports");
	x.r = arena_alloc(&req->arena, (x.n + 1) * sizeof(*x.r));
	for (size_t i = 0; !errs.n && i < x.n; i++) {
		char id[UUID_STR_LEN];
		struct access_record ar;
		enum err e = uuid_normalise(str_of(ids[i]), id)
				     ? intel_report_get(req->db, &req->arena,
							id, &x.r[i])
				     : ERR_NOT_FOUND;

		if (e != ERR_OK && e != ERR_NOT_FOUND) {
			http_problem(req, e, "The reports could not be read.",
				     NULL);
			return;
		}
		if (e == ERR_OK)
			ar = coord_access(&x.r[i].share, NULL, 0);
		if (e != ERR_OK || access_check(access_actor_of(req), ACT_READ,
						&ar) != ACCESS_ALLOW)
			coord_error(&errs, "report_ids",
				    "names a report that is unknown");
		else if (!may_export(req, &x.r[i]))
			coord_error(&errs, "report_ids",
				    "names a report marked H2 (no further "
				    "dissemination) that only its owner "
				    "exports");
	}
	if (errs.n) {
		coord_invalid(req, &errs);
		return;
	}
	send_bundle(req, &x);
}

struct import {
	struct http_request *req;
	struct intel_report *in;
	size_t n;
	struct intel_stix_skip *skipped;
	size_t nskipped, skipcap;
	size_t nbundle_skipped; /* of the bundle itself, before the tx */
	json_t *reports;
	struct coord_errors errs;
	enum err e;
};

static void
skip(struct import *x, const char *id, const char *reason)
{
	struct arena *a = &x->req->arena;

	x->skipped = arena_grow(a, x->skipped, x->nskipped, &x->skipcap,
				sizeof(*x->skipped));
	x->skipped[x->nskipped].id = id;
	x->skipped[x->nskipped++].reason = reason;
}

/* The input of a new report of what the bundle held. */
static void
input_of(const struct intel_report *r, char reliability[2],
	 struct intel_report_input *in)
{
	static const char level[] = "org";

	memset(in, 0, sizeof(*in));
	in->title = r->title;
	in->narrative = r->narrative;
	in->period_start = r->period_start;
	in->period_end = r->period_end;
	in->places = r->places;
	in->nplaces = r->nplaces;
	in->has_places = true;
	in->exploitation = r->exploitation;
	in->nexploitation = r->nexploitation;
	in->has_exploitation = true;
	in->platforms = r->platforms;
	in->nplatforms = r->nplatforms;
	in->has_platforms = true;
	reliability[0] = r->reliability;
	reliability[1] = '\0';
	in->reliability = r->reliability ? reliability : NULL;
	in->credibility = r->credibility;
	in->handling = intel_handling_name(r->handling);
	in->handling_note = r->handling_note;
	in->tlp = access_tlp_name(r->share.tlp);
	in->level = level; /* the importer widens it if it wishes */
}

/* Creates report i of the bundle with the values atip can read. */
static enum err
import_one(struct db_conn *c, struct import *x, size_t i)
{
	struct http_request *req = x->req;
	const struct auth_actor *who = req->actor;
	struct coord_share owner = coord_owner_of(req);
	struct intel_report_input in;
	struct coord_errors errs = { 0 };
	struct intel_report r;
	char reliability[2];
	enum err e;

	input_of(&x->in[i], reliability, &in);
	e = intel_report_create(c, &req->arena, access_actor_of(req), &owner,
				who->user.id, &in, &r, &errs);
	for (int j = 0; e == ERR_INVALID && j < errs.n; j++)
		coord_error(&x->errs,
			    arena_printf(&req->arena, "reports/%zu/%s", i,
					 errs.v[j].field),
			    errs.v[j].message);
	if (e != ERR_OK)
		return e;
	for (size_t j = 0; j < x->in[i].nindicators; j++) {
		const struct intel_indicator *v = &x->in[i].indicators[j];
		struct intel_indicator_input one = {
			.type = intel_type_name(v->type),
			.value = v->value,
			.qualifier = v->qualifier,
			.note = v->note,
		};
		struct coord_errors bad = { 0 };
		struct intel_indicator *added;
		size_t nadded;

		e = intel_indicators_add(c, &req->arena, app_keyring(req->app),
					 &r, who->user.id, NULL, &one, 1,
					 &added, &nadded, &bad);
		if (e == ERR_INVALID) {
			skip(x, v->id[0] ? v->id : r.id,
			     arena_printf(&req->arena,
					  "a %s value atip cannot read",
					  one.type));
			e = ERR_OK;
		}
		if (e != ERR_OK)
			return e;
	}
	json_array_append_new(x->reports,
			      json_pack("{ss ss sI}", "id", r.id, "title",
					r.title, "indicators",
					(json_int_t)x->in[i].nindicators));
	return db_err(auth_audit(c, req, "report.import", "report", r.id));
}

static enum db_status
import_tx(struct db_conn *c, void *arg)
{
	struct import *x = arg;

	json_decref(x->reports); /* a retried transaction's */
	x->reports = json_array();
	x->nskipped = x->nbundle_skipped;
	x->errs.n = 0;
	x->e = ERR_OK;
	for (size_t i = 0; x->e == ERR_OK && i < x->n; i++)
		x->e = import_one(c, x, i);
	return db_status_of(x->e);
}

void
intel_http_stix_import(struct http_request *req)
{
	struct import x = { .req = req, .skipcap = 8 };
	struct coord_share owner = coord_owner_of(req);
	struct access_record ar = coord_access(&owner, NULL, 0);
	struct intel_stix_skip *skipped;
	size_t nskipped;
	json_t *list;

	if (!access_allow(req, ACT_CREATE, &ar))
		return;
	if (intel_stix_read(req->body, &req->arena, &x.in, &x.n, &skipped,
			    &nskipped, &x.errs) != ERR_OK) {
		coord_invalid(req, &x.errs);
		return;
	}
	x.skipped = arena_alloc(&req->arena, x.skipcap * sizeof(*x.skipped));
	for (size_t i = 0; i < nskipped; i++)
		skip(&x, skipped[i].id, skipped[i].reason);
	x.nbundle_skipped = x.nskipped;
	if (db_tx_conn_err(req->db, import_tx, &x, &x.e) != ERR_OK) {
		json_decref(x.reports);
		coord_failed(req, x.e, &x.errs, "The bundle was not imported.");
		return;
	}
	list = json_array();
	for (size_t i = 0; i < x.nskipped; i++)
		json_array_append_new(list, json_pack("{ss ss}", "id",
						      x.skipped[i].id, "reason",
						      x.skipped[i].reason));
	http_json(req, 201,
		  json_pack("{so so}", "reports", x.reports, "skipped", list));
}

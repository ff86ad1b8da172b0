/*
 * The network view: GET /api/v1/reports/{id}/graph (JSON, or SVG with
 * format=svg) and POST /api/v1/indicators/path (the shortest chain between
 * two values), over what the viewer may see.
 */
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "coord/coord_http.h"
#include "intel/intel_graph.h"
#include "intel/intel_http.h"

enum {
	GRAPH_REPORTS = 100, /* reports visited around one report */
	PATH_REPORTS = 300,  /* reports visited looking for a path */
	SVG_MAX = 4 << 20,   /* bytes of a picture */
};

struct graph {
	struct http_request *req;
	const char *const *starts;
	size_t nstarts, max;
	struct intel_graph g;
	enum err e;
};

static enum db_status
graph_tx(struct db_conn *c, void *arg)
{
	struct graph *x = arg;

	x->e = intel_network(c, &x->req->arena, app_keyring(x->req->app),
			     access_actor_of(x->req), x->starts, x->nstarts,
			     x->max, &x->g);
	return db_status_of(x->e);
}

void
intel_http_graph(struct http_request *req)
{
	const char *format = http_query(req, "format");
	struct graph x = { .req = req, .nstarts = 1, .max = GRAPH_REPORTS };
	struct intel_report r;
	const char *start[1];
	struct buf svg;

	if (format && strcmp(format, "json") && strcmp(format, "svg")) {
		http_invalid(req, "format", "must be json or svg");
		return;
	}
	if (!intel_http_find(req, ACT_READ, &r))
		return;
	start[0] = r.id;
	x.starts = start;
	intel_graph_init(&x.g);
	if (db_tx_conn_err(req->db, graph_tx, &x, &x.e) != ERR_OK) {
		http_problem(req, x.e, "The network could not be read.", NULL);
		goto out;
	}
	if (!format || !strcmp(format, "json")) {
		http_json(req, 200, intel_graph_json(&x.g, NULL));
		goto out;
	}
	buf_init(&svg, SVG_MAX);
	if (intel_graph_svg(&x.g, NULL, &svg))
		http_send_buf(req, 200, "image/svg+xml", &svg, false);
	else
		http_problem(req, ERR_TOO_BIG,
			     "The network is too large to draw.", NULL);
	buf_release(&svg);
out:
	intel_graph_release(&x.g);
}

/* A value of the body ({type, value, qualifier?}) as field names it. */
static bool
value_of(struct http_request *req, const char *field, json_t *v,
	 const char *region, struct intel_indicator *out,
	 struct coord_errors *errs)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	const char *value = json_string_value(json_object_get(v, "value"));
	const char *qualifier =
		json_string_value(json_object_get(v, "qualifier"));
	struct coord_errors mine = { 0 };
	struct intel_indicator *found;
	size_t n;

	if (!json_is_object(v) || !type || !value) {
		coord_error(errs, field,
			    "must be an object with a type and a value");
		return false;
	}
	if (intel_search_values(&req->arena, app_keyring(req->app), type, value,
				qualifier, region, &found, &n,
				&mine) != ERR_OK) {
		coord_error(errs, field,
			    mine.n ? mine.v[0].message
				   : "is not a value of its type");
		return false;
	}
	*out = found[0];
	return true;
}

struct path {
	struct graph graph;
	struct intel_indicator from, to;
	struct intel_graph_set path;
	bool found;
};

static enum db_status
path_tx(struct db_conn *c, void *arg)
{
	struct path *x = arg;
	struct http_request *req = x->graph.req;
	struct intel_correlation k;
	const char **starts;
	size_t a, b;

	x->graph.e = intel_correlate(c, &req->arena, app_keyring(req->app),
				     access_actor_of(req), &x->from, NULL, &k);
	if (x->graph.e != ERR_OK || k.common || !k.nsightings)
		return db_status_of(x->graph.e);
	starts = arena_alloc(&req->arena, k.nsightings * sizeof(*starts));
	for (size_t i = 0; i < k.nsightings; i++)
		starts[i] = k.sightings[i].report_id;
	x->graph.starts = starts;
	x->graph.nstarts = k.nsightings;
	if (graph_tx(c, &x->graph) != DB_OK)
		return db_status_of(x->graph.e);
	a = intel_graph_find(&x->graph.g, NODE_INDICATOR, x->from.key,
			     intel_type_name(x->from.type));
	b = intel_graph_find(&x->graph.g, NODE_INDICATOR, x->to.key,
			     intel_type_name(x->to.type));
	x->found = a != INTEL_GRAPH_NONE && b != INTEL_GRAPH_NONE &&
		   intel_graph_path(&x->graph.g, a, b,
				    INTEL_GRAPH_STOP_AT_COMMON, &req->arena,
				    &x->path);
	return DB_OK;
}

void
intel_http_path(struct http_request *req)
{
	struct path x = { .graph = { .req = req, .max = PATH_REPORTS } };
	struct coord_errors errs = { 0 };
	json_t *from = NULL, *to = NULL, *out;
	const char *region = NULL;
	const struct http_field f[] = {
		{ .name = "from", .required = true, .any = &from },
		{ .name = "to", .required = true, .any = &to },
		{ .name = "region", .string = &region },
	};
	char up[ISO_COUNTRY_LEN + 1] = "";

	coord_body(req, f, 3, &errs);
	if (region && !iso_country_parse(region, up))
		coord_error(&errs, "region",
			    "must be an ISO 3166-1 alpha-2 code");
	region = up[0] ? up : coord_owner_of(req).owner_country;
	region = arena_strdup(&req->arena, region);
	if (from)
		value_of(req, "from", from, region, &x.from, &errs);
	if (to)
		value_of(req, "to", to, region, &x.to, &errs);
	if (errs.n) {
		coord_invalid(req, &errs);
		return;
	}
	intel_graph_init(&x.graph.g);
	if (db_tx_conn_err(req->db, path_tx, &x, &x.graph.e) != ERR_OK) {
		http_problem(req, x.graph.e, "The path could not be found.",
			     NULL);
		intel_graph_release(&x.graph.g);
		return;
	}
	if (x.found) {
		out = intel_graph_json(&x.graph.g, &x.path);
	} else {
		out = json_pack("{s[] s[] sb}", "nodes", "edges", "truncated",
				false);
	}
	json_object_set_new(out, "found", json_boolean(x.found));
	intel_graph_release(&x.graph.g);
	http_json(req, 200, out);
}

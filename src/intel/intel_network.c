/*
 * The network a viewer may see around reports: reports, the values they
 * hold and the cases linked to them, joined wherever two records share a
 * value (intel_correlate decides what the viewer may know) or a case.
 * Common values are drawn but not gone through.  Names are drawn as "a
 * person's name", never opened.
 */
#include <string.h>

#include "cases/cases.h"
#include "intel/intel.h"
#include "intel/intel_graph.h"
#include "intel/intel_sql.h"

struct walk {
	struct db_conn *c;
	struct arena *a;
	const struct crypto_keyring *kr;
	const struct access_actor *actor;
	struct intel_graph *g;
	const char **queue; /* report ids, visited in order */
	size_t nqueue, next, cap, max;
};

/* The report's node, queued for a visit the first time it is met. */
static size_t
report_node(struct walk *w, const char *id, const char *title)
{
	size_t before = w->g->n;
	size_t i = intel_graph_node(w->g, NODE_REPORT, id, title, NULL);

	if (i != INTEL_GRAPH_NONE && w->g->n > before && w->nqueue < w->max) {
		w->queue = arena_grow(w->a, w->queue, w->nqueue, &w->cap,
				      sizeof(*w->queue));
		w->queue[w->nqueue++] = arena_strdup(w->a, id);
	}
	return i;
}

static size_t
case_node(struct walk *w, const char *id, const char *reference)
{
	return intel_graph_node(w->g, NODE_CASE, id,
				reference ? reference : "case", NULL);
}

static size_t
value_node(struct walk *w, const struct intel_indicator *x)
{
	size_t i = intel_graph_node(w->g, NODE_INDICATOR, x->key,
				    x->type == INTEL_NAME
					    ? "a person's name"
					    : (x->value ? x->value : x->key),
				    intel_type_name(x->type));

	if (i != INTEL_GRAPH_NONE && x->common)
		w->g->nodes[i].common = true;
	return i;
}

/* The reports linked to a case the viewer may see. */
static enum err
case_reports(struct walk *w, const char *case_id, size_t node)
{
	struct db_arg args[2] = { db_text(case_id), DB_INT(50) };
	const char **ids;
	size_t n;
	enum err e = db_err(db_texts(w->c, &intel_sql[CASE_REPORTS], args, 2,
				     w->a, &ids, &n));

	if (e != ERR_OK)
		return e;
	for (size_t i = 0; i < n; i++) {
		struct intel_report r;
		struct access_record ar;

		if ((e = intel_report_get(w->c, w->a, ids[i], &r)) != ERR_OK) {
			if (e == ERR_NOT_FOUND)
				continue;
			return e;
		}
		ar = coord_access(&r.share, NULL, 0);
		if (access_check(w->actor, ACT_READ, &ar) == ACCESS_ALLOW)
			intel_graph_edge(w->g, node,
					 report_node(w, r.id, r.title));
	}
	return ERR_OK;
}

/* Visits one report: its values, who else holds them, its cases. */
static enum err
visit(struct walk *w, const char *id)
{
	struct intel_report r;
	struct intel_indicator *ind;
	size_t n, self;
	enum err e = intel_report_get(w->c, w->a, id, &r);

	if (e != ERR_OK)
		return e == ERR_NOT_FOUND ? ERR_OK : e;
	self = report_node(w, r.id, r.title);
	for (size_t i = 0; i < r.ncases; i++) {
		struct case_record cr;
		struct access_record ar;
		size_t node;

		if ((e = cases_get(w->c, w->a, r.case_ids[i], &cr)) != ERR_OK) {
			if (e == ERR_NOT_FOUND)
				continue;
			return e;
		}
		ar = cases_access(&cr);
		if (access_check(w->actor, ACT_READ, &ar) == ACCESS_ALLOW) {
			node = case_node(w, cr.id,
					 json_string_value(json_object_get(
						 cr.head.data, "reference")));
			intel_graph_edge(w->g, self, node);
			e = case_reports(w, cr.id, node);
		}
		cases_release(&cr);
		if (e != ERR_OK)
			return e;
	}
	if ((e = intel_indicators_list(w->c, w->a, NULL, r.id, &ind, &n)) !=
	    ERR_OK)
		return e;
	for (size_t i = 0; i < n; i++) {
		struct intel_correlation k;
		size_t v = value_node(w, &ind[i]);

		intel_graph_edge(w->g, self, v);
		if (ind[i].common)
			continue;
		e = intel_correlate(w->c, w->a, w->kr, w->actor, &ind[i], r.id,
				    &k);
		if (e != ERR_OK)
			return e;
		for (size_t j = 0; j < k.nsightings; j++)
			intel_graph_edge(
				w->g, v,
				report_node(w, k.sightings[j].report_id,
					    k.sightings[j].report_title));
		/* Cases whose perpetrators hold the value themselves. */
		for (size_t j = 0; e == ERR_OK && j < k.ncases; j++) {
			size_t node;

			if (k.cases[j].report_id[0])
				continue;
			node = case_node(w, k.cases[j].case_id,
					 k.cases[j].reference);
			intel_graph_edge(w->g, v, node);
			e = case_reports(w, k.cases[j].case_id, node);
		}
		if (e != ERR_OK)
			return e;
	}
	return ERR_OK;
}

enum err
intel_network(struct db_conn *c, struct arena *a,
	      const struct crypto_keyring *kr, const struct access_actor *actor,
	      const char *const *reports, size_t n, size_t max_reports,
	      struct intel_graph *g)
{
	struct walk w = { .c = c,
			  .a = a,
			  .kr = kr,
			  .actor = actor,
			  .g = g,
			  .cap = 16,
			  .max = max_reports };
	enum err e = ERR_OK;

	w.queue = arena_alloc(a, w.cap * sizeof(*w.queue));
	for (size_t i = 0; e == ERR_OK && i < n; i++) {
		struct intel_report r;

		e = intel_report_get(c, a, reports[i], &r);
		if (e == ERR_OK)
			report_node(&w, r.id, r.title);
		else if (e == ERR_NOT_FOUND)
			e = ERR_OK;
	}
	while (e == ERR_OK && w.next < w.nqueue)
		e = visit(&w, w.queue[w.next++]);
	return e;
}

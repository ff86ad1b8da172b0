/*
 * The network view of intelligence: reports, the indicator values they hold
 * and the cases linked to them, as an undirected graph.  Pure and
 * database-free: the caller adds what it has read and may show, then asks
 * for a neighbourhood, the connected components or a shortest path, and
 * renders a part as JSON (jansson) or as SVG.
 *
 * Nodes are numbered 0, 1, ... in the order first added; everything the
 * functions answer keeps that order, so the same input always gives the
 * same output (the SVG byte for byte).
 */
#ifndef ATIP_INTEL_INTEL_GRAPH_H
#define ATIP_INTEL_INTEL_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"

enum {
	INTEL_GRAPH_NODES_MAX = 200000,	 /* nodes of one graph */
	INTEL_GRAPH_EDGES_MAX = 1000000, /* edges of one graph */
	INTEL_GRAPH_SVG_MAX = 500,	 /* nodes drawn in one picture */
	INTEL_GRAPH_LABEL_MAX = 32,	 /* characters of a drawn label */
};

/* No node: what intel_graph_node() answers for a full graph. */
#define INTEL_GRAPH_NONE SIZE_MAX

enum intel_node_kind { NODE_REPORT, NODE_INDICATOR, NODE_CASE };

/* "report", "indicator", "case". */
const char *intel_node_kind_name(enum intel_node_kind k);

struct intel_graph_node {
	enum intel_node_kind kind;
	const char *id;	   /* a UUID; for an indicator its canonical key */
	const char *label; /* display text: title, value, case reference */
	const char *type;  /* an indicator's type name ("phone"); else NULL */
	bool common;	   /* an over-correlated value: drawn, but marked */
};

struct intel_graph_edge {
	uint32_t a, b; /* node indexes, a < b */
};

/*
 * A graph.  nodes and edges may be read (and a node's common flag set)
 * directly; everything else is private.  The graph owns its memory,
 * copies of every string included.
 */
struct intel_graph {
	struct intel_graph_node *nodes;
	size_t n;
	struct intel_graph_edge *edges;
	size_t nedges;
	/* private */
	size_t ncap, ecap;
	uint32_t *nslot, *eslot; /* hash tables: index + 1, 0 when empty */
	size_t nmask, emask;
	uint64_t *nhash;	/* each node's hash, for growing nslot */
	uint32_t *adj_at, *adj; /* neighbours, built when first needed */
	bool adj_valid;
	unsigned char seed[16]; /* keys the hash tables against flooding */
	struct arena strings;
};

/* Prepares an empty graph. */
void intel_graph_init(struct intel_graph *g);

/* Frees all memory of the graph. */
void intel_graph_release(struct intel_graph *g);

/*
 * Adds a node and returns its index; a node of the same kind, type and id
 * already there is not added again (its index is returned and its label
 * kept).  label NULL is "", type is for indicators (NULL otherwise).
 * Returns INTEL_GRAPH_NONE, adding nothing, when the graph already holds
 * INTEL_GRAPH_NODES_MAX nodes.
 */
size_t intel_graph_node(struct intel_graph *g, enum intel_node_kind kind,
			const char *id, const char *label, const char *type);

/* The index of a node added before, or INTEL_GRAPH_NONE. */
size_t intel_graph_find(const struct intel_graph *g, enum intel_node_kind kind,
			const char *id, const char *type);

/*
 * Links nodes a and b (undirected).  A link already there or a link of a
 * node with itself is not added, and answers true; false when the graph
 * already holds INTEL_GRAPH_EDGES_MAX edges.
 */
bool intel_graph_edge(struct intel_graph *g, size_t a, size_t b);

/* A set of nodes: indexes in order, no repeats. */
struct intel_graph_set {
	size_t *v;
	size_t n;
	bool truncated; /* more nodes were reachable than were taken */
};

/* intel_graph_component() and intel_graph_path() flags. */
enum intel_graph_flags {
	/* Common values may be reached but are not gone through: a call
	 * centre's number does not connect everyone who called it. */
	INTEL_GRAPH_STOP_AT_COMMON = 1 << 0,
};

/*
 * The nodes connected to start, nearest first (breadth first, start
 * itself first), at most max_nodes of them (0: no limit); out->truncated
 * when more were reachable.  out->v is arena memory.
 */
void intel_graph_component(struct intel_graph *g, size_t start,
			   size_t max_nodes, unsigned flags, struct arena *a,
			   struct intel_graph_set *out);

/*
 * A shortest path from one node to another: out->v holds its nodes from
 * first to last (just one for from == to).  Returns false, with out->n 0,
 * when there is none.  out->v is arena memory.
 */
bool intel_graph_path(struct intel_graph *g, size_t from, size_t to,
		      unsigned flags, struct arena *a,
		      struct intel_graph_set *out);

/* The connected components of the whole graph. */
struct intel_graph_parts {
	size_t *of;   /* per node, its component */
	size_t *size; /* per component, its number of nodes */
	size_t n;     /* components, numbered in order of their first node */
};

/* Finds every connected component; out's arrays are arena memory. */
void intel_graph_components(const struct intel_graph *g, struct arena *a,
			    struct intel_graph_parts *out);

/*
 * The nodes of subset (NULL: the whole graph) and the edges between them,
 * as {"nodes": [{"id", "kind", "label", "type"?, "common"?}], "edges":
 * [{"source", "target"}], "truncated"}, where source and target are
 * positions in "nodes" (an id alone is unique only within its kind) and
 * truncated is subset's.  Returns a new reference; caller decrefs.
 */
json_t *intel_graph_json(struct intel_graph *g,
			 const struct intel_graph_set *subset);

/*
 * Appends to out an SVG picture of the nodes of subset (NULL: the whole
 * graph) and the edges between them: the first INTEL_GRAPH_SVG_MAX nodes,
 * laid out by a deterministic force-directed layout, each kind in its own
 * shape and colour, common values dashed, labels shortened to
 * INTEL_GRAPH_LABEL_MAX characters with the text (up to 300) on hover.  The
 * picture is an accessible image (role="img", a title saying what it
 * shows).  Returns false when out's max would be passed (out then holds a
 * partial picture: reset it).
 */
bool intel_graph_svg(struct intel_graph *g,
		     const struct intel_graph_set *subset, struct buf *out);

#endif

/*
 * The intelligence network as a graph: nodes in insertion order, found
 * again through a keyed hash table (the ids include values an adversary
 * writes); edges in one array, deduplicated the same way; neighbours in
 * one compressed array built when first asked for.  Rendering to JSON and
 * SVG (escaped here: atip has no other XML writer).
 */
#include "intel/intel_graph.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <unicode/uchar.h>

#include "base/mem.h"

enum { SLOTS_MIN = 64 };

#define NO_POS UINT32_MAX

const char *
intel_node_kind_name(enum intel_node_kind k)
{
	switch (k) {
	case NODE_REPORT: return "report";
	case NODE_INDICATOR: return "indicator";
	case NODE_CASE: return "case";
	}
	return "unknown";
}

void
intel_graph_init(struct intel_graph *g)
{
	memset(g, 0, sizeof(*g));
	arena_init(&g->strings);
	/* Only the hash tables' layout depends on the seed, never output. */
	randombytes_buf(g->seed, sizeof(g->seed));
}

void
intel_graph_release(struct intel_graph *g)
{
	free(g->nodes);
	free(g->edges);
	free(g->nslot);
	free(g->eslot);
	free(g->nhash);
	free(g->adj_at);
	free(g->adj);
	arena_release(&g->strings);
	memset(g, 0, sizeof(*g));
}

static uint64_t
hash_bytes(const struct intel_graph *g, const void *p, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, p, len, g->seed);
	memcpy(&v, h, sizeof(v));
	return v;
}

static uint64_t
node_hash(const struct intel_graph *g, enum intel_node_kind kind,
	  const char *id)
{
	return hash_bytes(g, id, strlen(id)) ^
	       ((uint64_t)kind * 0x9e3779b97f4a7c15u);
}

static bool
node_is(const struct intel_graph_node *v, enum intel_node_kind kind,
	const char *id, const char *type)
{
	if (v->kind != kind || strcmp(v->id, id) != 0)
		return false;
	if (!v->type || !type)
		return !v->type && !type;
	return strcmp(v->type, type) == 0;
}

/* The slot of the node, or of the empty slot where it would go. */
static size_t
node_slot(const struct intel_graph *g, uint64_t h, enum intel_node_kind kind,
	  const char *id, const char *type)
{
	size_t i = h & g->nmask;

	while (g->nslot[i]) {
		uint32_t k = g->nslot[i] - 1;

		if (g->nhash[k] == h && node_is(&g->nodes[k], kind, id, type))
			break;
		i = (i + 1) & g->nmask;
	}
	return i;
}

/* Keeps the node table at most half full. */
static void
node_slots_grow(struct intel_graph *g)
{
	size_t size = g->nslot ? (g->nmask + 1) * 2 : SLOTS_MIN;

	if (g->nslot && (g->n + 1) * 2 <= g->nmask + 1)
		return;
	free(g->nslot);
	g->nslot = xcalloc(size, sizeof(*g->nslot));
	g->nmask = size - 1;
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->nhash[k] & g->nmask;

		while (g->nslot[i])
			i = (i + 1) & g->nmask;
		g->nslot[i] = (uint32_t)k + 1;
	}
}

size_t
intel_graph_find(const struct intel_graph *g, enum intel_node_kind kind,
		 const char *id, const char *type)
{
	size_t i;

	if (!g->nslot)
		return INTEL_GRAPH_NONE;
	i = node_slot(g, node_hash(g, kind, id), kind, id, type);
	return g->nslot[i] ? g->nslot[i] - 1 : INTEL_GRAPH_NONE;
}

size_t
intel_graph_node(struct intel_graph *g, enum intel_node_kind kind,
		 const char *id, const char *label, const char *type)
{
	uint64_t h = node_hash(g, kind, id);
	struct intel_graph_node *v;
	size_t i;

	if (g->nslot) {
		i = node_slot(g, h, kind, id, type);
		if (g->nslot[i])
			return g->nslot[i] - 1;
	}
	if (g->n >= INTEL_GRAPH_NODES_MAX)
		return INTEL_GRAPH_NONE;
	if (g->n == g->ncap) {
		g->ncap = g->ncap ? g->ncap * 2 : 64;
		g->nodes = xrealloc(g->nodes, g->ncap * sizeof(*g->nodes));
		g->nhash = xrealloc(g->nhash, g->ncap * sizeof(*g->nhash));
	}
	node_slots_grow(g);
	v = &g->nodes[g->n];
	v->kind = kind;
	v->id = arena_strdup(&g->strings, id);
	v->label = arena_strdup(&g->strings, label ? label : "");
	v->type = arena_strdup(&g->strings, type);
	v->common = false;
	g->nhash[g->n] = h;
	g->nslot[node_slot(g, h, kind, id, type)] = (uint32_t)g->n + 1;
	g->adj_valid = false;
	return g->n++;
}

static uint64_t
edge_hash(const struct intel_graph *g, uint32_t a, uint32_t b)
{
	uint64_t key = (uint64_t)a << 32 | b;

	return hash_bytes(g, &key, sizeof(key));
}

static size_t
edge_slot(const struct intel_graph *g, uint32_t a, uint32_t b)
{
	size_t i = edge_hash(g, a, b) & g->emask;

	while (g->eslot[i]) {
		const struct intel_graph_edge *e = &g->edges[g->eslot[i] - 1];

		if (e->a == a && e->b == b)
			break;
		i = (i + 1) & g->emask;
	}
	return i;
}

static void
edge_slots_grow(struct intel_graph *g)
{
	size_t size = g->eslot ? (g->emask + 1) * 2 : SLOTS_MIN;

	if (g->eslot && (g->nedges + 1) * 2 <= g->emask + 1)
		return;
	free(g->eslot);
	g->eslot = xcalloc(size, sizeof(*g->eslot));
	g->emask = size - 1;
	for (size_t k = 0; k < g->nedges; k++) {
		const struct intel_graph_edge *e = &g->edges[k];
		size_t i = edge_hash(g, e->a, e->b) & g->emask;

		while (g->eslot[i])
			i = (i + 1) & g->emask;
		g->eslot[i] = (uint32_t)k + 1;
	}
}

bool
intel_graph_edge(struct intel_graph *g, size_t a, size_t b)
{
	uint32_t lo = (uint32_t)(a < b ? a : b), hi = (uint32_t)(a < b ? b : a);
	size_t i;

	assert(a < g->n && b < g->n);
	if (a == b)
		return true;
	if (g->eslot && g->eslot[edge_slot(g, lo, hi)])
		return true;
	if (g->nedges >= INTEL_GRAPH_EDGES_MAX)
		return false;
	if (g->nedges == g->ecap) {
		g->ecap = g->ecap ? g->ecap * 2 : 64;
		g->edges = xrealloc(g->edges, g->ecap * sizeof(*g->edges));
	}
	edge_slots_grow(g);
	i = edge_slot(g, lo, hi);
	g->edges[g->nedges] = (struct intel_graph_edge){ lo, hi };
	g->eslot[i] = (uint32_t)++g->nedges;
	g->adj_valid = false;
	return true;
}

/* Neighbours of u: adj[adj_at[u] .. adj_at[u + 1]), in edge order. */
static void
adj_build(struct intel_graph *g)
{
	uint32_t *at;

	if (g->adj_valid)
		return;
	free(g->adj_at);
	free(g->adj);
	g->adj_at = xcalloc(g->n + 1, sizeof(*g->adj_at));
	g->adj = xmalloc((2 * g->nedges + 1) * sizeof(*g->adj));
	for (size_t k = 0; k < g->nedges; k++) {
		g->adj_at[g->edges[k].a + 1]++;
		g->adj_at[g->edges[k].b + 1]++;
	}
	for (size_t u = 0; u < g->n; u++)
		g->adj_at[u + 1] += g->adj_at[u];
	at = xmalloc((g->n + 1) * sizeof(*at));
	memcpy(at, g->adj_at, (g->n + 1) * sizeof(*at));
	for (size_t k = 0; k < g->nedges; k++) {
		g->adj[at[g->edges[k].a]++] = g->edges[k].b;
		g->adj[at[g->edges[k].b]++] = g->edges[k].a;
	}
	free(at);
	g->adj_valid = true;
}

/* Whether breadth-first search goes on from u, reached from start. */
static bool
expands(const struct intel_graph *g, size_t u, size_t start, unsigned flags)
{
	return u == start || !(flags & INTEL_GRAPH_STOP_AT_COMMON) ||
	       !g->nodes[u].common;
}

void
intel_graph_component(struct intel_graph *g, size_t start, size_t max_nodes,
		      unsigned flags, struct arena *a,
		      struct intel_graph_set *out)
{
	size_t cap = max_nodes && max_nodes < g->n ? max_nodes : g->n;
	unsigned char *seen;
	size_t head = 0;

	assert(start < g->n);
	adj_build(g);
	memset(out, 0, sizeof(*out));
	out->v = arena_alloc(a, cap * sizeof(*out->v));
	seen = xcalloc(g->n, 1);
	out->v[out->n++] = start;
	seen[start] = 1;
	while (head < out->n) {
		size_t u = out->v[head++];

		if (!expands(g, u, start, flags))
			continue;
		for (uint32_t k = g->adj_at[u]; k < g->adj_at[u + 1]; k++) {
			uint32_t w = g->adj[k];

			if (seen[w])
				continue;
			if (out->n == cap) {
				out->truncated = true;
				goto out_seen;
			}
			seen[w] = 1;
			out->v[out->n++] = w;
		}
	}
out_seen:
	free(seen);
}

bool
intel_graph_path(struct intel_graph *g, size_t from, size_t to, unsigned flags,
		 struct arena *a, struct intel_graph_set *out)
{
	uint32_t *parent, *queue;
	size_t head = 0, tail = 0, len = 0;
	bool found = from == to;

	assert(from < g->n && to < g->n);
	memset(out, 0, sizeof(*out));
	adj_build(g);
	parent = xmalloc(g->n * sizeof(*parent));
	queue = xmalloc(g->n * sizeof(*queue));
	memset(parent, 0xff, g->n * sizeof(*parent));
	parent[from] = (uint32_t)from;
	queue[tail++] = (uint32_t)from;
	while (!found && head < tail) {
		uint32_t u = queue[head++];

		if (!expands(g, u, from, flags))
			continue;
		for (uint32_t k = g->adj_at[u]; k < g->adj_at[u + 1]; k++) {
			uint32_t w = g->adj[k];

			if (parent[w] != UINT32_MAX)
				continue;
			parent[w] = u;
			if (w == to) {
				found = true;
				break;
			}
			queue[tail++] = w;
		}
	}
	if (found) {
		for (size_t u = to; u != from; u = parent[u])
			len++;
		out->n = len + 1;
		out->v = arena_alloc(a, out->n * sizeof(*out->v));
		for (size_t u = to, i = len;; u = parent[u], i--) {
			out->v[i] = u;
			if (u == from)
				break;
		}
	}
	free(queue);
	free(parent);
	return found;
}

static uint32_t
root_of(uint32_t *up, uint32_t u)
{
	while (up[u] != u) {
		up[u] = up[up[u]]; /* path halving */
		u = up[u];
	}
	return u;
}

void
intel_graph_components(const struct intel_graph *g, struct arena *a,
		       struct intel_graph_parts *out)
{
	uint32_t *up = xmalloc((g->n + 1) * sizeof(*up));
	uint32_t *rank = xcalloc(g->n + 1, sizeof(*rank));
	size_t *part;

	for (size_t u = 0; u < g->n; u++)
		up[u] = (uint32_t)u;
	for (size_t k = 0; k < g->nedges; k++) {
		uint32_t x = root_of(up, g->edges[k].a);
		uint32_t y = root_of(up, g->edges[k].b);

		if (x == y)
			continue;
		if (rank[x] < rank[y]) {
			uint32_t t = x;

			x = y;
			y = t;
		}
		up[y] = x;
		if (rank[x] == rank[y])
			rank[x]++;
	}
	/* Number the components in order of their first node. */
	memset(out, 0, sizeof(*out));
	out->of = arena_alloc(a, (g->n + 1) * sizeof(*out->of));
	part = xmalloc((g->n + 1) * sizeof(*part));
	for (size_t u = 0; u < g->n; u++) {
		uint32_t r = root_of(up, (uint32_t)u);

		if (r == u)
			part[u] = out->n++;
		out->of[u] = part[r];
	}
	out->size = arena_alloc(a, (out->n + 1) * sizeof(*out->size));
	for (size_t u = 0; u < g->n; u++)
		out->size[out->of[u]]++;
	free(part);
	free(rank);
	free(up);
}

/* ---- the part of the graph shown ---- */

struct view {
	size_t *sel;   /* node indexes shown, in order */
	size_t n;      /* their number */
	uint32_t *pos; /* per node of the graph: its place in sel, or NO_POS */
	uint32_t (*edge)[2]; /* edges between shown nodes, as places */
	size_t nedges;
	bool truncated;
};

static void
view_init(struct view *v, struct intel_graph *g,
	  const struct intel_graph_set *subset, size_t max)
{
	size_t count = subset ? subset->n : g->n;
	size_t cap = 0;

	adj_build(g);
	memset(v, 0, sizeof(*v));
	v->truncated = subset && subset->truncated;
	v->sel = xmalloc((count + 1) * sizeof(*v->sel));
	v->pos = xmalloc((g->n + 1) * sizeof(*v->pos));
	memset(v->pos, 0xff, (g->n + 1) * sizeof(*v->pos));
	for (size_t i = 0; i < count; i++) {
		size_t u = subset ? subset->v[i] : i;

		assert(u < g->n);
		if (v->pos[u] != NO_POS)
			continue;
		if (v->n == max) {
			v->truncated = true;
			break;
		}
		v->pos[u] = (uint32_t)v->n;
		v->sel[v->n++] = u;
	}
	for (size_t p = 0; p < v->n; p++) {
		size_t u = v->sel[p];

		for (uint32_t k = g->adj_at[u]; k < g->adj_at[u + 1]; k++) {
			uint32_t q = v->pos[g->adj[k]];

			if (q == NO_POS || q <= p)
				continue;
			if (v->nedges == cap) {
				cap = cap ? cap * 2 : 64;
				v->edge = xrealloc(v->edge,
						   cap * sizeof(*v->edge));
			}
			v->edge[v->nedges][0] = (uint32_t)p;
			v->edge[v->nedges++][1] = q;
		}
	}
}

static void
view_release(struct view *v)
{
	free(v->sel);
	free(v->pos);
	free(v->edge);
}

/* ---- UTF-8 ---- */

/*
 * The code point at p[i] into *c and its length in bytes; for bytes that
 * are not well-formed UTF-8, U+FFFD and 1.
 */
static size_t
utf8_at(const unsigned char *p, size_t len, size_t i, uint32_t *c)
{
	unsigned char b = p[i];
	size_t need;
	uint32_t cp, lo = 0x80, hi = 0xbf;

	if (b < 0x80) {
		*c = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		need = 1;
		cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 2;
		cp = b & 0x0f;
		lo = b == 0xe0 ? 0xa0 : 0x80; /* overlong */
		hi = b == 0xed ? 0x9f : 0xbf; /* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 3;
		cp = b & 0x07;
		lo = b == 0xf0 ? 0x90 : 0x80;
		hi = b == 0xf4 ? 0x8f : 0xbf;
	} else {
		goto bad;
	}
	if (len - i <= need)
		goto bad;
	for (size_t k = 1; k <= need; k++) {
		unsigned char t = p[i + k];

		if (t < (k == 1 ? lo : 0x80) || t > (k == 1 ? hi : 0xbf))
			goto bad;
		cp = cp << 6 | (t & 0x3f);
	}
	*c = cp;
	return need + 1;
bad:
	*c = 0xfffd;
	return 1;
}

/* A code point that belongs with the one before it (a vowel sign). */
static bool
joins_before(uint32_t c)
{
	int8_t t = u_charType((UChar32)c);

	return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK ||
	       t == U_ENCLOSING_MARK || c == 0x200c || c == 0x200d ||
	       (c >= 0x1f3fb && c <= 0x1f3ff);
}

/* A code point that belongs with the one after it (a virama, ZWJ). */
static bool
joins_after(uint32_t c)
{
	return c == 0x200d || u_getCombiningClass((UChar32)c) == 9;
}

/*
 * How many bytes of s[0..len) to keep to show at most max characters,
 * the last an ellipsis when it is cut: len when it fits, else a place
 * between two code points, between letters with their signs when there
 * is one (a syllable such as "क्षे" is not split).
 */
static size_t
label_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0, keep = 0, last = 0;
	uint32_t c, prev = 0;

	while (i < len && count <= max) {
		i += utf8_at(p, len, i, &c);
		count++;
	}
	if (count <= max && i >= len)
		return len;
	for (i = 0, count = 0; i < len && count < max; count++) {
		size_t n = utf8_at(p, len, i, &c);

		last = i;
		if (i > 0 && !joins_before(c) && !joins_after(prev))
			keep = i;
		prev = c;
		i += n;
	}
	/* The max - 1 characters before the ellipsis end where last is. */
	return keep ? keep : last;
}

/* ---- XML ---- */

/*
 * Appends s[0..len) escaped for XML text and attribute values alike;
 * control characters and bytes that are not UTF-8 (which XML cannot hold)
 * become U+FFFD, line breaks and tabs spaces.
 */
static bool
xml_put(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	bool ok = true;

	while (i < len) {
		uint32_t c;
		size_t n = utf8_at(p, len, i, &c);
		const char *rep = NULL;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t':
		case '\n':
		case '\r': rep = " "; break;
		default:
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
			    c == 0xfffe || c == 0xffff ||
			    (c == 0xfffd && n == 1))
				rep = "\xef\xbf\xbd";
		}
		if (rep) {
			ok = ok && buf_add(b, s + run, i - run) &&
			     buf_adds(b, rep);
			run = i + n;
		}
		i += n;
	}
	return ok && buf_add(b, s + run, len - run);
}

static bool
xml_puts(struct buf *b, const char *s)
{
	return xml_put(b, s, strlen(s));
}

/* Appends s shortened to max characters, escaped. */
static bool
xml_label(struct buf *b, const char *s, size_t max)
{
	size_t len = strlen(s), keep = label_cut(s, len, max);

	return xml_put(b, s, keep) &&
	       (keep == len || buf_adds(b, "\xe2\x80\xa6"));
}

/* ---- JSON ---- */

/* A JSON string of s, with what is not UTF-8 replaced (jansson refuses it). */
static json_t *
json_text(const char *s)
{
	json_t *j = json_string(s);
	struct buf b;
	size_t len = strlen(s);

	if (j)
		return j;
	buf_init(&b, 0);
	for (size_t i = 0, n; i < len; i += n) {
		uint32_t c;

		n = utf8_at((const unsigned char *)s, len, i, &c);
		if (c == 0xfffd && n == 1)
			buf_adds(&b, "\xef\xbf\xbd");
		else
			buf_add(&b, s + i, n);
	}
	j = json_string(b.p ? b.p : "");
	buf_release(&b);
	return j;
}

json_t *
intel_graph_json(struct intel_graph *g, const struct intel_graph_set *subset)
{
	json_t *nodes = json_array(), *edges = json_array();
	struct view v;
	bool truncated;

	view_init(&v, g, subset, SIZE_MAX);
	truncated = v.truncated;
	for (size_t p = 0; p < v.n; p++) {
		const struct intel_graph_node *u = &g->nodes[v.sel[p]];
		json_t *o = json_object();

		json_object_set_new(o, "id", json_text(u->id));
		json_object_set_new(o, "kind",
				    json_string(intel_node_kind_name(u->kind)));
		json_object_set_new(o, "label", json_text(u->label));
		if (u->type)
			json_object_set_new(o, "type", json_text(u->type));
		if (u->common)
			json_object_set_new(o, "common", json_true());
		json_array_append_new(nodes, o);
	}
	for (size_t k = 0; k < v.nedges; k++)
		json_array_append_new(
			edges,
			json_pack("{sIsI}", "source", (json_int_t)v.edge[k][0],
				  "target", (json_int_t)v.edge[k][1]));
	view_release(&v);
	return json_pack("{sososb}", "nodes", nodes, "edges", edges,
			 "truncated", truncated);
}

/* ---- SVG ---- */

/* The ideal edge length, the pull to the centre, and the bounds of a
 * picture's width and height. */
#define EDGE	    70.0
#define PICTURE_MIN 400.0
#define PICTURE_MAX 2400.0
#define GRAVITY	    1.0

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static double
unit_random(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

/*
 * Fruchterman-Reingold in an unbounded plane, the ideal edge length EDGE:
 * nodes repel, edges pull, a pull to the centre keeps separate
 * components near, and the moves cool down linearly.  Repulsion counts
 * horizontal distance half, since labels are wide.  The start is drawn
 * from a fixed seed, so a graph is always laid out alike.
 */
static void
layout(const struct view *v, double *x, double *y)
{
	size_t n = v->n, iters;
	uint64_t seed = 0x61746970u; /* "atip" */
	double side = EDGE * sqrt((double)n + 1), *dx, *dy, t0;

	for (size_t i = 0; i < n; i++) {
		x[i] = side * unit_random(&seed);
		y[i] = side * unit_random(&seed);
	}
	if (n < 2)
		return;
	t0 = side / 4;
	iters = 40000000 / (n * n);
	iters = iters < 60 ? 60 : iters > 400 ? 400 : iters;
	dx = xmalloc(n * sizeof(*dx));
	dy = xmalloc(n * sizeof(*dy));
	for (size_t it = 0; it < iters; it++) {
		double t = t0 * (1.0 - (double)it / (double)iters) + 0.5;

		for (size_t i = 0; i < n; i++) {
			dx[i] = -(x[i] - side / 2) * GRAVITY;
			dy[i] = -(y[i] - side / 2) * GRAVITY;
		}
		for (size_t i = 0; i < n; i++) {
			for (size_t j = i + 1; j < n; j++) {
				double ex = x[i] - x[j], ey = y[i] - y[j];
				double d2 = ex * ex / 4 + ey * ey, f;

				if (d2 < 0.01) {
					ex = 0.1;
					ey = 0.1 * (double)((j - i) % 7) - 0.3;
					d2 = ex * ex / 4 + ey * ey;
				}
				f = EDGE * EDGE / d2;
				dx[i] += ex * f;
				dy[i] += ey * f;
				dx[j] -= ex * f;
				dy[j] -= ey * f;
			}
		}
		for (size_t e = 0; e < v->nedges; e++) {
			size_t i = v->edge[e][0], j = v->edge[e][1];
			double ex = x[i] - x[j], ey = y[i] - y[j];
			double f = sqrt(ex * ex + ey * ey) / EDGE;

			dx[i] -= ex * f;
			dy[i] -= ey * f;
			dx[j] += ex * f;
			dy[j] += ey * f;
		}
		for (size_t i = 0; i < n; i++) {
			double d = sqrt(dx[i] * dx[i] + dy[i] * dy[i]);

			if (d > 0) {
				double m = d < t ? d : t;

				x[i] += dx[i] / d * m;
				y[i] += dy[i] / d * m;
			}
		}
	}
	free(dx);
	free(dy);
}

/*
 * Moves the layout into a picture with room for labels, scaled down when
 * it would be larger than PICTURE_MAX, and answers the picture's size.
 */
static void
fit(size_t n, double *x, double *y, long *w, long *h)
{
	double x0 = 0, x1 = 0, y0 = 0, y1 = 0, s = 1;
	const double mx = 110, mt = 20, mb = 35;

	for (size_t i = 0; i < n; i++) {
		x0 = i ? fmin(x0, x[i]) : x[i];
		x1 = i ? fmax(x1, x[i]) : x[i];
		y0 = i ? fmin(y0, y[i]) : y[i];
		y1 = i ? fmax(y1, y[i]) : y[i];
	}
	if (x1 - x0 > PICTURE_MAX - 2 * mx)
		s = (PICTURE_MAX - 2 * mx) / (x1 - x0);
	if (y1 - y0 > PICTURE_MAX - mt - mb)
		s = fmin(s, (PICTURE_MAX - mt - mb) / (y1 - y0));
	*w = lround(fmax(PICTURE_MIN, (x1 - x0) * s + 2 * mx));
	*h = lround(fmax(PICTURE_MIN / 2, (y1 - y0) * s + mt + mb));
	for (size_t i = 0; i < n; i++) {
		x[i] = (double)*w / 2 + (x[i] - (x0 + x1) / 2) * s;
		y[i] = (mt + (double)*h - mb) / 2 + (y[i] - (y0 + y1) / 2) * s;
	}
}

static const char *const colour[] = {
	[NODE_REPORT] = "#1f5fa8",
	[NODE_INDICATOR] = "#c8611a",
	[NODE_CASE] = "#2e7d4f",
};

/* Hover text: what the node is and its label, up to 300 characters. */
static bool
svg_node_title(struct buf *b, const struct intel_graph_node *u)
{
	bool ok = buf_adds(b, "<title>") &&
		  buf_adds(b, intel_node_kind_name(u->kind));

	if (u->type)
		ok = ok && buf_adds(b, " (") && xml_puts(b, u->type) &&
		     buf_adds(b, ")");
	ok = ok && buf_adds(b, ": ") && xml_label(b, u->label, 300);
	if (u->common)
		ok = ok && buf_adds(b, " \xe2\x80\x94 common value, held by "
				       "too many records to link");
	return ok && buf_adds(b, "</title>");
}

static bool
svg_node(struct buf *b, const struct intel_graph_node *u, long x, long y)
{
	const char *dash =
		u->common ? " stroke=\"#333\" stroke-dasharray=\"3 2\" "
			    "fill-opacity=\"0.35\""
			  : " stroke=\"#333\"";
	bool ok = buf_printf(b, "<g class=\"node %s%s\" data-id=\"",
			     intel_node_kind_name(u->kind),
			     u->common ? " common" : "") &&
		  xml_puts(b, u->id) && buf_adds(b, "\">") &&
		  svg_node_title(b, u);

	switch (u->kind) {
	case NODE_REPORT:
		ok = ok && buf_printf(b,
				      "<rect x=\"%ld\" y=\"%ld\" width=\"14\" "
				      "height=\"14\" fill=\"%s\"%s/>",
				      x - 7, y - 7, colour[u->kind], dash);
		break;
	case NODE_INDICATOR:
		ok = ok && buf_printf(b,
				      "<circle cx=\"%ld\" cy=\"%ld\" r=\"7\" "
				      "fill=\"%s\"%s/>",
				      x, y, colour[u->kind], dash);
		break;
	case NODE_CASE:
		ok = ok && buf_printf(b,
				      "<polygon points=\"%ld,%ld %ld,%ld "
				      "%ld,%ld %ld,%ld\" fill=\"%s\"%s/>",
				      x, y - 9, x + 9, y, x, y + 9, x - 9, y,
				      colour[u->kind], dash);
		break;
	}
	return ok &&
	       buf_printf(b, "<text x=\"%ld\" y=\"%ld\" fill=\"#1a1a1a\">", x,
			  y + 20) &&
	       xml_label(b, u->label, INTEL_GRAPH_LABEL_MAX) &&
	       buf_adds(b, "</text></g>\n");
}

/* The picture's title, also its accessible name. */
static bool
svg_title(struct buf *b, const struct intel_graph *g, const struct view *v)
{
	size_t count[3] = { 0 };

	for (size_t p = 0; p < v->n; p++)
		count[g->nodes[v->sel[p]].kind]++;
	return buf_printf(b,
			  "Network of %zu report%s, %zu indicator%s and "
			  "%zu case%s with %zu link%s%s",
			  count[NODE_REPORT],
			  count[NODE_REPORT] == 1 ? "" : "s",
			  count[NODE_INDICATOR],
			  count[NODE_INDICATOR] == 1 ? "" : "s",
			  count[NODE_CASE], count[NODE_CASE] == 1 ? "" : "s",
			  v->nedges, v->nedges == 1 ? "" : "s",
			  v->truncated ? "; more not shown" : "");
}

bool
intel_graph_svg(struct intel_graph *g, const struct intel_graph_set *subset,
		struct buf *out)
{
	struct view v;
	double *x, *y;
	long w, h, *px, *py;
	bool ok;

	view_init(&v, g, subset, INTEL_GRAPH_SVG_MAX);
	x = xmalloc((v.n + 1) * sizeof(*x));
	y = xmalloc((v.n + 1) * sizeof(*y));
	px = xmalloc((v.n + 1) * sizeof(*px));
	py = xmalloc((v.n + 1) * sizeof(*py));
	layout(&v, x, y);
	fit(v.n, x, y, &w, &h);
	for (size_t i = 0; i < v.n; i++) {
		px[i] = lround(x[i]);
		py[i] = lround(y[i]);
	}
	ok = buf_printf(out,
			"<svg xmlns=\"http://www.w3.org/2000/svg\" "
			"viewBox=\"0 0 %ld %ld\" role=\"img\" aria-label=\"",
			w, h) &&
	     svg_title(out, g, &v) &&
	     buf_adds(out, "\" font-family=\"sans-serif\" font-size=\"11\" "
			   "text-anchor=\"middle\">\n<title>") &&
	     svg_title(out, g, &v) &&
	     buf_adds(out, "</title>\n<g class=\"edges\" stroke=\"#8a8f98\" "
			   "stroke-width=\"1.2\">\n");
	for (size_t e = 0; ok && e < v.nedges; e++) {
		uint32_t i = v.edge[e][0], j = v.edge[e][1];
		bool dashed = g->nodes[v.sel[i]].common ||
			      g->nodes[v.sel[j]].common;

		ok = buf_printf(out,
				"<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" "
				"y2=\"%ld\"%s/>\n",
				px[i], py[i], px[j], py[j],
				dashed ? " stroke-dasharray=\"4 3\"" : "");
	}
	ok = ok && buf_adds(out, "</g>\n<g class=\"nodes\">\n");
	for (size_t i = 0; ok && i < v.n; i++)
		ok = svg_node(out, &g->nodes[v.sel[i]], px[i], py[i]);
	ok = ok && buf_adds(out, "</g>\n</svg>\n");
	free(px);
	free(py);
	free(x);
	free(y);
	view_release(&v);
	return ok;
}

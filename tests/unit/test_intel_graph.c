/*
 * Unit tests of src/intel/intel_graph.c: nodes and edges deduplicated;
 * components, shortest paths and bounded neighbourhoods on small graphs
 * whose answers are known, and on a 50 000-node chain and star; the JSON
 * shape; the SVG well-formed (a small checker here, and xmllint when
 * installed), escaped, byte-identical across runs, its labels never cut
 * inside a character or a Devanagari syllable.  All data is invented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "base/text.h"
#include "intel/intel_graph.h"

/* Fictional ids. */
#define R1 "0d2f6c1e-1111-4a6b-9c1d-000000000001"
#define R2 "0d2f6c1e-1111-4a6b-9c1d-000000000002"
#define R3 "0d2f6c1e-1111-4a6b-9c1d-000000000003"
#define C1 "5b7e0a9d-2222-4c3d-8e4f-000000000001"

static size_t
report(struct intel_graph *g, const char *id, const char *title)
{
	return intel_graph_node(g, NODE_REPORT, id, title, NULL);
}

static size_t
value(struct intel_graph *g, const char *type, const char *key)
{
	return intel_graph_node(g, NODE_INDICATOR, key, key, type);
}

static void
nodes_and_edges_are_added_once(void **state)
{
	struct intel_graph g;
	size_t r1, r2, p, e;

	(void)state;
	intel_graph_init(&g);
	r1 = report(&g, R1, "Fictional recruitment ads");
	r2 = report(&g, R2, "Fictional chat log");
	p = value(&g, "phone", "+919800000001");
	assert_int_equal(r1, 0);
	assert_int_equal(r2, 1);
	assert_int_equal(p, 2);
	assert_int_equal(report(&g, R1, "another title"), r1);
	assert_string_equal(g.nodes[r1].label, "Fictional recruitment ads");
	assert_int_equal(value(&g, "phone", "+919800000001"), p);
	/* The same id as another kind, or as another type, is another node. */
	assert_int_equal(intel_graph_node(&g, NODE_CASE, R1, "CASE-1", NULL),
			 3);
	assert_int_equal(value(&g, "messaging", "+919800000001"), 4);
	e = value(&g, "email", "ravi@example.org");
	assert_int_equal(e, 5);
	assert_int_equal(g.n, 6);
	assert_int_equal(intel_graph_find(&g, NODE_INDICATOR, "+919800000001",
					  "phone"),
			 p);
	assert_int_equal(intel_graph_find(&g, NODE_INDICATOR, "+919800000001",
					  NULL),
			 INTEL_GRAPH_NONE);
	assert_null(g.nodes[r1].type);
	assert_string_equal(g.nodes[p].type, "phone");

	assert_true(intel_graph_edge(&g, r1, p));
	assert_true(intel_graph_edge(&g, p, r1));
	assert_true(intel_graph_edge(&g, r1, p));
	assert_true(intel_graph_edge(&g, r2, r2));
	assert_int_equal(g.nedges, 1);
	assert_true(intel_graph_edge(&g, r2, p));
	assert_int_equal(g.nedges, 2);
	assert_int_equal(g.edges[1].a, r2);
	assert_int_equal(g.edges[1].b, p);

	/* Many nodes: the tables grow and still find each one. */
	for (int i = 0; i < 5000; i++) {
		char key[32];

		snprintf(key, sizeof(key), "+9197%08d", i);
		assert_int_equal(value(&g, "phone", key), 6 + i);
	}
	for (int i = 0; i < 5000; i++) {
		char key[32];

		snprintf(key, sizeof(key), "+9197%08d", i);
		assert_int_equal(value(&g, "phone", key), 6 + i);
		assert_true(intel_graph_edge(&g, 6 + i, r1));
		assert_true(intel_graph_edge(&g, r1, 6 + i));
	}
	assert_int_equal(g.n, 5006);
	assert_int_equal(g.nedges, 5002);
	intel_graph_release(&g);
}

/*
 * 0 - 1 - 2    3 - 4    5    6 - 7
 *     |        |             |
 *     8        9 ----------- 6
 */
static void
build_small(struct intel_graph *g)
{
	static const int edges[][2] = {
		{ 0, 1 }, { 1, 2 }, { 1, 8 }, { 3, 4 },
		{ 3, 9 }, { 9, 6 }, { 6, 7 },
	};
	char id[64];

	intel_graph_init(g);
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "0d2f6c1e-0000-4000-8000-%012d", i);
		report(g, id, id);
	}
	for (size_t k = 0; k < sizeof(edges) / sizeof(edges[0]); k++)
		assert_true(intel_graph_edge(g, edges[k][0], edges[k][1]));
}

static void
components_of_a_known_graph(void **state)
{
	static const size_t of[] = { 0, 0, 0, 1, 1, 2, 1, 1, 0, 1 };
	struct intel_graph g;
	struct intel_graph_parts parts;
	struct arena a;

	(void)state;
	arena_init(&a);
	build_small(&g);
	intel_graph_components(&g, &a, &parts);
	assert_int_equal(parts.n, 3);
	for (size_t u = 0; u < 10; u++)
		assert_int_equal(parts.of[u], of[u]);
	assert_int_equal(parts.size[0], 4);
	assert_int_equal(parts.size[1], 5);
	assert_int_equal(parts.size[2], 1);

	/* A new edge joins two components. */
	assert_true(intel_graph_edge(&g, 5, 2));
	assert_true(intel_graph_edge(&g, 5, 7));
	intel_graph_components(&g, &a, &parts);
	assert_int_equal(parts.n, 1);
	assert_int_equal(parts.size[0], 10);
	intel_graph_release(&g);

	intel_graph_init(&g);
	intel_graph_components(&g, &a, &parts);
	assert_int_equal(parts.n, 0);
	intel_graph_release(&g);
	arena_release(&a);
}

static void
shortest_paths(void **state)
{
	struct intel_graph g;
	struct intel_graph_set path;
	struct arena a;

	(void)state;
	arena_init(&a);
	build_small(&g);
	assert_true(intel_graph_path(&g, 0, 8, 0, &a, &path));
	assert_int_equal(path.n, 3);
	assert_int_equal(path.v[0], 0);
	assert_int_equal(path.v[1], 1);
	assert_int_equal(path.v[2], 8);

	assert_true(intel_graph_path(&g, 4, 7, 0, &a, &path));
	assert_int_equal(path.n, 5);
	assert_int_equal(path.v[0], 4);
	assert_int_equal(path.v[1], 3);
	assert_int_equal(path.v[2], 9);
	assert_int_equal(path.v[3], 6);
	assert_int_equal(path.v[4], 7);

	assert_false(intel_graph_path(&g, 0, 4, 0, &a, &path));
	assert_int_equal(path.n, 0);
	assert_false(intel_graph_path(&g, 5, 0, 0, &a, &path));

	assert_true(intel_graph_path(&g, 5, 5, 0, &a, &path));
	assert_int_equal(path.n, 1);
	assert_int_equal(path.v[0], 5);

	/* A shortcut wins; a common value is no way through when asked. */
	assert_true(intel_graph_edge(&g, 4, 7));
	assert_true(intel_graph_path(&g, 4, 7, 0, &a, &path));
	assert_int_equal(path.n, 2);
	g.nodes[9].common = true;
	assert_true(intel_graph_path(&g, 3, 6, 0, &a, &path));
	assert_int_equal(path.n, 3);
	assert_int_equal(path.v[1], 9);
	assert_true(intel_graph_path(&g, 3, 6, INTEL_GRAPH_STOP_AT_COMMON, &a,
				     &path));
	assert_int_equal(path.n, 4);
	assert_int_equal(path.v[1], 4);
	assert_int_equal(path.v[2], 7);
	/* ... but may be an end. */
	assert_true(intel_graph_path(&g, 9, 6, INTEL_GRAPH_STOP_AT_COMMON, &a,
				     &path));
	assert_int_equal(path.n, 2);
	assert_true(intel_graph_path(&g, 3, 9, INTEL_GRAPH_STOP_AT_COMMON, &a,
				     &path));
	assert_int_equal(path.n, 2);
	intel_graph_release(&g);
	arena_release(&a);
}

static void
neighbourhoods_are_cut_off(void **state)
{
	struct intel_graph g;
	struct intel_graph_set set;
	struct arena a;
	size_t hub;

	(void)state;
	arena_init(&a);
	build_small(&g);
	intel_graph_component(&g, 3, 0, 0, &a, &set);
	assert_int_equal(set.n, 5);
	assert_false(set.truncated);
	assert_int_equal(set.v[0], 3);
	assert_int_equal(set.v[1], 4);
	assert_int_equal(set.v[2], 9);
	assert_int_equal(set.v[3], 6);
	assert_int_equal(set.v[4], 7);
	intel_graph_component(&g, 3, 5, 0, &a, &set);
	assert_int_equal(set.n, 5);
	assert_false(set.truncated);
	intel_graph_component(&g, 3, 4, 0, &a, &set);
	assert_int_equal(set.n, 4);
	assert_true(set.truncated);
	intel_graph_component(&g, 5, 1, 0, &a, &set);
	assert_int_equal(set.n, 1);
	assert_false(set.truncated);
	g.nodes[9].common = true;
	intel_graph_component(&g, 3, 0, INTEL_GRAPH_STOP_AT_COMMON, &a, &set);
	assert_int_equal(set.n, 3); /* 3, 4 and 9, not beyond */
	assert_false(set.truncated);
	intel_graph_component(&g, 9, 0, INTEL_GRAPH_STOP_AT_COMMON, &a, &set);
	assert_int_equal(set.n, 5);
	intel_graph_release(&g);

	/* A value held by ten reports: nearest first, cut at five. */
	intel_graph_init(&g);
	hub = value(&g, "upi", "fictional@okbank");
	for (int i = 0; i < 10; i++) {
		char id[64];

		snprintf(id, sizeof(id), "0d2f6c1e-3333-4000-8000-%012d", i);
		assert_true(intel_graph_edge(&g, hub, report(&g, id, id)));
	}
	intel_graph_component(&g, 4, 5, 0, &a, &set);
	assert_int_equal(set.n, 5);
	assert_true(set.truncated);
	assert_int_equal(set.v[0], 4);
	assert_int_equal(set.v[1], hub);
	assert_int_equal(set.v[2], 1);
	intel_graph_release(&g);
	arena_release(&a);
}

static json_t *
node_at(json_t *j, size_t i)
{
	return json_array_get(json_object_get(j, "nodes"), i);
}

static void
json_has_the_documented_shape(void **state)
{
	struct intel_graph g;
	struct intel_graph_set set;
	struct arena a;
	size_t r1, r2, p, c;
	json_t *j, *e;

	(void)state;
	arena_init(&a);
	intel_graph_init(&g);
	r1 = report(&g, R1, "Fictional job offer abroad");
	p = value(&g, "phone", "+9779800000002");
	c = intel_graph_node(&g, NODE_CASE, C1, "KTM-2026-0001", NULL);
	r2 = report(&g, R2, "Fictional second report");
	report(&g, R3, "Unconnected fictional report");
	intel_graph_edge(&g, r1, p);
	intel_graph_edge(&g, c, r1);
	intel_graph_edge(&g, r2, p);
	g.nodes[p].common = true;

	j = intel_graph_json(&g, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "nodes")), 5);
	assert_int_equal(json_array_size(json_object_get(j, "edges")), 3);
	assert_true(json_is_false(json_object_get(j, "truncated")));
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 0), "id")), R1);
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 0), "kind")),
		"report");
	assert_null(json_object_get(node_at(j, 0), "type"));
	assert_null(json_object_get(node_at(j, 0), "common"));
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 1), "kind")),
		"indicator");
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 1), "type")),
		"phone");
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 1), "label")),
		"+9779800000002");
	assert_true(json_is_true(json_object_get(node_at(j, 1), "common")));
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 2), "kind")),
		"case");
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 2), "label")),
		"KTM-2026-0001");
	e = json_array_get(json_object_get(j, "edges"), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "source")), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "target")), 1);
	json_decref(j);

	/* A part: positions are within it; edges to outside are left out. */
	intel_graph_component(&g, r2, 2, 0, &a, &set);
	assert_true(set.truncated);
	j = intel_graph_json(&g, &set);
	assert_int_equal(json_array_size(json_object_get(j, "nodes")), 2);
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 0), "id")), R2);
	assert_int_equal(json_array_size(json_object_get(j, "edges")), 1);
	e = json_array_get(json_object_get(j, "edges"), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "source")), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "target")), 1);
	assert_true(json_is_true(json_object_get(j, "truncated")));
	json_decref(j);

	/* Bytes that are not UTF-8 are replaced, not dropped. */
	report(&g, "0d2f6c1e-4444-4000-8000-000000000001", "bad \xff byte");
	j = intel_graph_json(&g, NULL);
	assert_string_equal(
		json_string_value(json_object_get(node_at(j, 5), "label")),
		"bad \xef\xbf\xbd byte");
	json_decref(j);
	intel_graph_release(&g);
	arena_release(&a);
}

/* ---- SVG ---- */

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':';
}

static bool
entity_ok(const char *p)
{
	static const char *const ok[] = { "&amp;", "&lt;", "&gt;", "&quot;",
					  "&apos;" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncmp(p, ok[i], strlen(ok[i])) == 0)
			return true;
	if (p[1] != '#')
		return false;
	p += 2;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == ';';
}

/*
 * A small XML well-formedness check: tags balanced with one root,
 * attributes quoted, no stray '<' or '&', valid UTF-8.
 */
static bool
xml_well_formed(const char *s)
{
	const char *stack[64];
	size_t depth = 0, roots = 0, len;
	const char *p = s;
	char *nfc = NULL;

	if (text_nfc(s, strlen(s), &nfc, &len) == TEXT_INVALID)
		return false;
	free(nfc);
	while (*p) {
		if (*p == '&') {
			if (!entity_ok(p))
				return false;
			p++;
		} else if (*p == '>') {
			return false;
		} else if (*p != '<') {
			if (depth == 0 && *p != '\n' && *p != ' ')
				return false;
			p++;
		} else if (p[1] == '/') {
			const char *n = p + 2;

			len = 0;
			while (name_char(n[len]))
				len++;
			if (depth == 0 || n[len] != '>' ||
			    strncmp(stack[depth - 1], n, len) != 0 ||
			    name_char(stack[depth - 1][len]))
				return false;
			depth--;
			p = n + len + 1;
		} else {
			const char *n = p + 1;

			len = 0;
			while (name_char(n[len]))
				len++;
			if (len == 0)
				return false;
			p = n + len;
			for (;;) {
				while (*p == ' ' || *p == '\n')
					p++;
				if (*p == '>' || (p[0] == '/' && p[1] == '>'))
					break;
				while (name_char(*p))
					p++;
				if (p[0] != '=' || p[1] != '"')
					return false;
				for (p += 2; *p != '"'; p++)
					if (!*p || *p == '<' ||
					    (*p == '&' && !entity_ok(p)))
						return false;
				p++;
			}
			if (depth == 0 && roots++ > 0)
				return false;
			if (*p == '/') {
				p += 2;
			} else {
				if (depth == 64)
					return false;
				stack[depth++] = n;
				p++;
			}
		}
	}
	return depth == 0 && roots == 1;
}

/* xmllint's verdict when it is installed, else the small checker's. */
static bool
well_formed(const char *svg)
{
	char path[] = "/tmp/atip-graph-XXXXXX";
	char cmd[128];
	FILE *f;
	int fd, rc;

	if (!xml_well_formed(svg))
		return false;
	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		return true;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(svg, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

static const char *const devanagari =
	"लक्ष्मी तामाङ श्रेष्ठ, काठमाडौं उपत्यका क्षेत्रको काल्पनिक प्रतिवेदन";

/* A small invented network with awkward labels. */
static void
build_awkward(struct intel_graph *g)
{
	size_t r1, r2, r3, c, p, h, u, n;

	intel_graph_init(g);
	r1 = report(g, R1, "<script>alert(1)</script>&\"'");
	r2 = report(g, R2, devanagari);
	r3 = report(g, R3, "ctrl\x01 bad\xff tab\there");
	c = intel_graph_node(g, NODE_CASE, C1, "DEL-2026-0042", NULL);
	p = value(g, "phone", "+919800000003");
	h = value(g, "handle", "instagram:fictional.jobs");
	u = intel_graph_node(g, NODE_INDICATOR, "x\"><script>", "a<b&c", "upi");
	n = value(g, "domain", "example.org");
	g->nodes[n].common = true;
	intel_graph_edge(g, r1, p);
	intel_graph_edge(g, r2, p);
	intel_graph_edge(g, r2, h);
	intel_graph_edge(g, r3, h);
	intel_graph_edge(g, r3, u);
	intel_graph_edge(g, c, r1);
	intel_graph_edge(g, c, r3);
	intel_graph_edge(g, r1, n);
	intel_graph_edge(g, r2, n);
	intel_graph_edge(g, r3, n);
	/* Fits exactly, and one character too many. */
	report(g, "0d2f6c1e-5555-4000-8000-000000000001",
	       "abcdefghijklmnopqrstuvwxyz012345");
	report(g, "0d2f6c1e-5555-4000-8000-000000000002",
	       "abcdefghijklmnopqrstuvwxyz0123456");
}

static char *
svg_of(struct intel_graph *g, const struct intel_graph_set *subset)
{
	struct buf b;

	buf_init(&b, 0);
	assert_true(intel_graph_svg(g, subset, &b));
	return buf_detach(&b, NULL);
}

/* The label drawn for the node whose data-id is id. */
static char *
drawn_label(const char *svg, const char *id)
{
	char key[128];
	const char *p, *q;

	snprintf(key, sizeof(key), "data-id=\"%s\"", id);
	p = strstr(svg, key);
	assert_non_null(p);
	p = strstr(p, "<text ");
	assert_non_null(p);
	p = strchr(p, '>') + 1;
	q = strstr(p, "</text>");
	assert_non_null(q);
	return strndup(p, (size_t)(q - p));
}

static void
svg_is_well_formed_and_escaped(void **state)
{
	struct intel_graph g;
	char *svg, *label;

	(void)state;
	build_awkward(&g);
	svg = svg_of(&g, NULL);
	assert_true(well_formed(svg));
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_non_null(strstr(svg, "aria-label=\"Network of 5 reports, "
				    "4 indicators and 1 case with 10 links\""));
	assert_non_null(strstr(svg, "<title>Network of 5 reports"));
	assert_non_null(strstr(svg, "viewBox=\"0 0 "));
	assert_null(strstr(svg, "<script"));
	assert_non_null(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"
				    "&amp;&quot;&#39;"));
	assert_non_null(strstr(svg, "data-id=\"x&quot;&gt;&lt;script&gt;\""));
	assert_non_null(strstr(svg, ">a&lt;b&amp;c</text>"));
	label = drawn_label(svg, R3);
	assert_string_equal(label, "ctrl\xef\xbf\xbd bad\xef\xbf\xbd tab here");
	free(label);
	/* Each kind its shape; the common value dashed, with its edges. */
	assert_non_null(strstr(svg, "<rect "));
	assert_non_null(strstr(svg, "<circle "));
	assert_non_null(strstr(svg, "<polygon "));
	assert_non_null(strstr(svg, "class=\"node indicator common\""));
	assert_non_null(strstr(svg, "stroke-dasharray=\"3 2\""));
	assert_non_null(strstr(svg, "stroke-dasharray=\"4 3\""));
	assert_non_null(strstr(svg, "<title>indicator (phone): +919800000003"
				    "</title>"));
	label = drawn_label(svg, "0d2f6c1e-5555-4000-8000-000000000001");
	assert_string_equal(label, "abcdefghijklmnopqrstuvwxyz012345");
	free(label);
	label = drawn_label(svg, "0d2f6c1e-5555-4000-8000-000000000002");
	assert_string_equal(label,
			    "abcdefghijklmnopqrstuvwxyz01234\xe2\x80\xa6");
	free(label);
	free(svg);
	intel_graph_release(&g);

	/* An empty graph and a single node are pictures too. */
	intel_graph_init(&g);
	svg = svg_of(&g, NULL);
	assert_true(well_formed(svg));
	free(svg);
	report(&g, R1, "Only report");
	svg = svg_of(&g, NULL);
	assert_true(well_formed(svg));
	free(svg);
	intel_graph_release(&g);
}

static uint32_t
cp_at(const char *s, size_t *i)
{
	return text_next_cp((const unsigned char *)s, i);
}

static void
svg_labels_keep_syllables_whole(void **state)
{
	struct intel_graph g;
	char *svg, *label;
	size_t keep, i = 0, count = 0;
	uint32_t last = 0, next;

	(void)state;
	build_awkward(&g);
	svg = svg_of(&g, NULL);
	label = drawn_label(svg, R2);
	keep = strlen(label) - 3;
	assert_string_equal(label + keep, "\xe2\x80\xa6");
	assert_true(keep > 0 && keep < strlen(devanagari));
	assert_memory_equal(label, devanagari, keep);
	while (i < keep) {
		last = cp_at(label, &i);
		count++;
	}
	assert_int_equal(i, keep); /* ends on a character boundary */
	assert_true(count <= INTEL_GRAPH_LABEL_MAX - 1);
	assert_true(count >= INTEL_GRAPH_LABEL_MAX - 6);
	next = cp_at(devanagari, &i);
	assert_true(last != 0x094d);			/* not after a virama */
	assert_false(next >= 0x093e && next <= 0x094d); /* nor before a sign */
	assert_false(next >= 0x0900 && next <= 0x0903);
	free(label);
	/* The hover text holds the whole title. */
	assert_non_null(strstr(svg, devanagari));
	free(svg);

	/* At every length, cut only between syllables. */
	for (size_t n = 1; n < strlen(devanagari); n++) {
		size_t at = 0;
		char id[64], text[256];

		while (at < n)
			cp_at(devanagari, &at);
		if (at != n)
			continue;
		snprintf(id, sizeof(id), "0d2f6c1e-6666-4000-8000-%012zu", n);
		snprintf(text, sizeof(text), "%.*s", (int)n, devanagari);
		intel_graph_node(&g, NODE_CASE, id, text, NULL);
	}
	svg = svg_of(&g, NULL);
	assert_true(well_formed(svg));
	free(svg);
	intel_graph_release(&g);
}

static void
svg_is_the_same_every_time(void **state)
{
	struct intel_graph g1, g2;
	struct intel_graph_set set;
	struct arena a;
	char *s1, *s2;

	(void)state;
	/* Two graphs: their hash tables differ, their pictures must not. */
	build_awkward(&g1);
	build_awkward(&g2);
	s1 = svg_of(&g1, NULL);
	s2 = svg_of(&g2, NULL);
	assert_string_equal(s1, s2);
	free(s2);
	s2 = svg_of(&g1, NULL);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);

	arena_init(&a);
	intel_graph_component(&g1, 0, 4, 0, &a, &set);
	s1 = svg_of(&g1, &set);
	s2 = svg_of(&g2, &set);
	assert_string_equal(s1, s2);
	assert_true(well_formed(s1));
	assert_non_null(strstr(s1, "; more not shown\""));
	free(s1);
	free(s2);
	arena_release(&a);
	intel_graph_release(&g1);
	intel_graph_release(&g2);
}

static void
svg_stops_at_its_buffer_max(void **state)
{
	struct intel_graph g;
	struct buf b;

	(void)state;
	build_awkward(&g);
	buf_init(&b, 512);
	assert_false(intel_graph_svg(&g, NULL, &b));
	assert_true(b.len <= 512);
	buf_release(&b);
	intel_graph_release(&g);
}

/* ---- size ---- */

enum { BIG = 50000 };

static void
a_long_chain_and_a_big_star(void **state)
{
	struct intel_graph g;
	struct intel_graph_set set;
	struct intel_graph_parts parts;
	struct arena a;
	char id[64];
	json_t *j;
	char *svg;

	(void)state;
	arena_init(&a);
	intel_graph_init(&g);
	for (size_t i = 0; i < BIG; i++) {
		snprintf(id, sizeof(id), "0d2f6c1e-7777-4000-8000-%012zu", i);
		assert_int_equal(report(&g, id, id), i);
		if (i > 0)
			assert_true(intel_graph_edge(&g, i - 1, i));
	}
	assert_true(intel_graph_path(&g, 0, BIG - 1, 0, &a, &set));
	assert_int_equal(set.n, BIG);
	assert_int_equal(set.v[BIG / 2], BIG / 2);
	intel_graph_components(&g, &a, &parts);
	assert_int_equal(parts.n, 1);
	assert_int_equal(parts.size[0], BIG);
	intel_graph_component(&g, BIG / 2, 0, 0, &a, &set);
	assert_int_equal(set.n, BIG);
	assert_false(set.truncated);
	intel_graph_component(&g, BIG / 2, 300, 0, &a, &set);
	assert_int_equal(set.n, 300);
	assert_true(set.truncated);
	svg = svg_of(&g, &set);
	assert_true(well_formed(svg));
	free(svg);
	j = intel_graph_json(&g, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "edges")), BIG - 1);
	json_decref(j);
	/* The whole chain: drawn only in part. */
	svg = svg_of(&g, NULL);
	assert_non_null(strstr(svg, "Network of 500 reports"));
	assert_non_null(strstr(svg, "more not shown"));
	free(svg);
	intel_graph_release(&g);

	/* One value held by BIG reports. */
	intel_graph_init(&g);
	value(&g, "phone", "+919800000099");
	for (size_t i = 1; i <= BIG; i++) {
		snprintf(id, sizeof(id), "0d2f6c1e-8888-4000-8000-%012zu", i);
		assert_true(intel_graph_edge(&g, 0, report(&g, id, id)));
	}
	assert_int_equal(g.nedges, BIG);
	assert_true(intel_graph_path(&g, 1, BIG, 0, &a, &set));
	assert_int_equal(set.n, 3);
	assert_int_equal(set.v[1], 0);
	intel_graph_component(&g, 7, 100, 0, &a, &set);
	assert_int_equal(set.n, 100);
	assert_true(set.truncated);
	g.nodes[0].common = true;
	assert_false(intel_graph_path(&g, 1, BIG, INTEL_GRAPH_STOP_AT_COMMON,
				      &a, &set));
	intel_graph_components(&g, &a, &parts);
	assert_int_equal(parts.n, 1);
	intel_graph_release(&g);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes_and_edges_are_added_once),
		cmocka_unit_test(components_of_a_known_graph),
		cmocka_unit_test(shortest_paths),
		cmocka_unit_test(neighbourhoods_are_cut_off),
		cmocka_unit_test(json_has_the_documented_shape),
		cmocka_unit_test(svg_is_well_formed_and_escaped),
		cmocka_unit_test(svg_labels_keep_syllables_whole),
		cmocka_unit_test(svg_is_the_same_every_time),
		cmocka_unit_test(svg_stops_at_its_buffer_max),
		cmocka_unit_test(a_long_chain_and_a_big_star),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * `atip link`: offline linkage of two CSV files, or duplicates within one,
 * without a data directory or keyring.  Both files are encoded in the same
 * run under a fresh random key (or one derived from --key-file, for files
 * encoded apart), matched on Dice, one-to-one, and printed as
 * a_id,b_id,score.  Columns are found by name whatever its case
 * (Given_Name is given_name).  Bad rows are reported on stderr and
 * skipped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/sheet.h"
#include "base/text.h"
#include "cli/cli.h"
#include "linkage/link.h"

enum {
	FILE_MAX = 1 << 30,  /* bytes of one input file */
	KEY_FILE_MAX = 4096, /* bytes of a key file */
};

/* Above this many pairs, blocking: all pairs would take minutes. */
static const double blocking_pairs = 1e10;

struct table {
	const char *path;
	char **header;
	size_t ncols;
	char ***rows; /* rows[i][0..ncols) */
	size_t n, cap;
	size_t bad;
};

struct encode_job {
	const struct link_schema *schema;
	const struct table *t;
	size_t from, to;
	uint64_t *clks; /* t->n * words */
	size_t empty;	/* rows with nothing to match on */
};

static char *
trimmed(const char *s)
{
	size_t n = strlen(s);

	while (*s == ' ' || *s == '\t') {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

static bool
utf8(const char *s)
{
	char *nfc = NULL;
	size_t len;
	enum text_result r = text_nfc(s, strlen(s), &nfc, &len);

	free(nfc);
	return r != TEXT_INVALID;
}

static bool
on_row(char **cells, size_t n, long line, void *arg)
{
	struct table *t = arg;
	char **row;

	if (!t->header) {
		t->header = xcalloc(n, sizeof(*t->header));
		for (size_t i = 0; i < n; i++)
			t->header[i] = trimmed(cells[i]);
		t->ncols = n;
		return true;
	}
	if (n == 1 && !*cells[0])
		return true; /* a blank line */
	if (n != t->ncols) {
		fprintf(stderr,
			"atip link: %s:%ld: %zu columns, the header "
			"has %zu; row skipped\n",
			t->path, line, n, t->ncols);
		t->bad++;
		return true;
	}
	for (size_t i = 0; i < n; i++)
		if (!utf8(cells[i])) {
			fprintf(stderr,
				"atip link: %s:%ld: column %s is not "
				"UTF-8; row skipped\n",
				t->path, line, t->header[i]);
			t->bad++;
			return true;
		}
	row = xcalloc(n, sizeof(*row));
	for (size_t i = 0; i < n; i++)
		row[i] = trimmed(cells[i]);
	if (!*row[0]) {
		fprintf(stderr,
			"atip link: %s:%ld: no record id; row "
			"skipped\n",
			t->path, line);
		for (size_t i = 0; i < n; i++)
			free(row[i]);
		free(row);
		t->bad++;
		return true;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	t->rows[t->n++] = row;
	return true;
}

static bool
read_file(const char *path, size_t max, struct buf *out)
{
	buf_init(out, max);
	if (buf_read_file(out, path))
		return true;
	if (errno == EFBIG)
		fprintf(stderr, "atip link: %s: larger than %zu bytes\n", path,
			max);
	else
		fprintf(stderr, "atip link: %s: %s\n", path, strerror(errno));
	buf_release(out);
	return false;
}

static bool
read_table(const char *path, struct table *t)
{
	struct buf b;
	const char *why = NULL;
	bool ok;

	memset(t, 0, sizeof(*t));
	t->path = path;
	if (!read_file(path, FILE_MAX, &b))
		return false;
	ok = sheet_csv_read(b.p, b.len, on_row, t, &why);
	buf_release(&b);
	if (!ok) {
		fprintf(stderr,
			"atip link: %s: not CSV: %s (records after it "
			"are not read)\n",
			path, why ? why : "unreadable");
		if (!t->header)
			return false;
	}
	if (!t->header || t->ncols < 2) {
		fprintf(stderr,
			"atip link: %s: want a header with the record "
			"id first and fields after it\n",
			path);
		return false;
	}
	return true;
}

static void
table_release(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t k = 0; k < t->ncols; k++)
			free(t->rows[i][k]);
		free(t->rows[i]);
	}
	for (size_t k = 0; k < t->ncols; k++)
		free(t->header[k]);
	free(t->rows);
	free(t->header);
}

struct cell_lookup {
	const struct table *t;
	char **row;
};

static const char *
cell(const char *column, void *arg)
{
	struct cell_lookup *l = arg;

	for (size_t k = 1; k < l->t->ncols; k++)
		if (!strcasecmp(l->t->header[k], column))
			return l->row[k];
	return NULL;
}

static void *
encode_part(void *arg)
{
	struct encode_job *j = arg;
	unsigned w = j->schema->words;

	for (size_t i = j->from; i < j->to; i++) {
		struct cell_lookup l = { j->t, j->t->rows[i] };

		if (!link_encode(j->schema, cell, &l, j->clks + i * w))
			j->empty++;
	}
	return NULL;
}

/* Encodes every row of t into s, on threads threads. */
static void
encode(const struct link_schema *schema, const struct table *t, int threads,
       struct link_set *s)
{
	struct encode_job jobs[16];
	pthread_t tid[16];
	uint64_t *clks = xcalloc(t->n + 1, schema->words * 8);
	size_t per = (t->n + (size_t)threads - 1) / (size_t)threads, empty = 0;

	for (int i = 0; i < threads; i++) {
		size_t from = (size_t)i * per < t->n ? (size_t)i * per : t->n;

		jobs[i] = (struct encode_job){
			schema, t, from, from + per < t->n ? from + per : t->n,
			clks,	0
		};
		if (i > 0 &&
		    pthread_create(&tid[i], NULL, encode_part, &jobs[i]))
			abort();
	}
	encode_part(&jobs[0]);
	for (int i = 1; i < threads; i++)
		pthread_join(tid[i], NULL);
	link_set_init(s, schema->words);
	for (size_t i = 0; i < t->n; i++)
		link_set_add(s, clks + i * schema->words, (uint32_t)i);
	for (int i = 0; i < threads; i++)
		empty += jobs[i].empty;
	if (empty)
		fprintf(stderr,
			"atip link: %s: %zu records have no field the "
			"schema reads\n",
			t->path, empty);
	free(clks);
}

static bool
known_columns(const struct link_schema *s, const struct table *t)
{
	for (size_t k = 1; k < t->ncols; k++)
		for (size_t i = 0; i < s->nfeatures; i++)
			for (size_t c = 0; c < s->features[i].ncolumns; c++)
				if (!strcasecmp(s->features[i].columns[c],
						t->header[k]))
					return true;
	fprintf(stderr,
		"atip link: %s: no column the schema reads (the "
		"built-in one reads given_name, surname, "
		"father_name, date_of_birth, ...)\n",
		t->path);
	return false;
}

static struct link_schema *
load_schema(const char *path, const struct crypto_link_key *k)
{
	json_error_t je;
	json_t *doc;
	struct link_schema *s;
	char err[200];

	if (!path)
		return link_schema_person(k);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		fprintf(stderr, "atip link: %s:%d: %s\n", path, je.line,
			je.text);
		return NULL;
	}
	s = link_schema_read(doc, k, err, sizeof(err));
	json_decref(doc);
	if (!s)
		fprintf(stderr, "atip link: %s: %s\n", path, err);
	return s;
}

static struct crypto_link_key *
load_key(const char *path)
{
	struct buf b;
	struct crypto_link_key *k;

	if (!path)
		return crypto_link_key_random();
	if (!read_file(path, KEY_FILE_MAX, &b))
		return NULL;
	while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
		b.len--;
	if (b.len < 16) {
		fprintf(stderr,
			"atip link: %s: a key file holds a secret of "
			"at least 16 bytes\n",
			path);
		crypto_wipe_buf(&b);
		return NULL;
	}
	k = crypto_link_key_secret(b.p, b.len);
	crypto_wipe_buf(&b);
	return k;
}

static int
by_rows(const void *x, const void *y)
{
	const struct link_pair *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/* A CSV field as RFC 4180 has it: quoted only when it must be. */
static void
put_field(FILE *f, const char *v)
{
	if (!v[strcspn(v, ",\"\r\n")]) {
		fputs(v, f);
		return;
	}
	putc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			putc('"', f);
		putc(*v, f);
	}
	putc('"', f);
}

/* a_id,b_id,score a line, in the order of A's rows. */
static bool
print_pairs(struct link_pairs *p, const struct table *a, const struct table *b)
{
	bool ok;

	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), by_rows);
	fputs("a_id,b_id,score\n", stdout);
	for (size_t i = 0; i < p->n; i++) {
		put_field(stdout, a->rows[p->v[i].a][0]);
		putc(',', stdout);
		put_field(stdout, b->rows[p->v[i].b][0]);
		printf(",%.4f\n", (double)p->v[i].score);
	}
	ok = fflush(stdout) == 0 && !ferror(stdout);
	if (!ok)
		fprintf(stderr, "atip link: cannot write the output\n");
	return ok;
}

static bool
parse_threshold(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0 && v <= 1)) {
		fprintf(stderr, "atip link: --threshold must be a number above "
				"0 and at most 1\n");
		return false;
	}
	*out = v;
	return true;
}

struct link_args {
	const char *schema, *threshold, *key_file, *files[2];
	size_t nfiles;
	bool dedupe, show_schema;
};

static bool
parse_args(int argc, char **argv, struct link_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char **v = NULL;

		if (!strcmp(argv[i], "--dedupe"))
			a->dedupe = true;
		else if (!strcmp(argv[i], "--show-schema"))
			a->show_schema = true;
		else if (!strcmp(argv[i], "--schema"))
			v = &a->schema;
		else if (!strcmp(argv[i], "--threshold"))
			v = &a->threshold;
		else if (!strcmp(argv[i], "--key-file"))
			v = &a->key_file;
		else if (!strncmp(argv[i], "--", 2) || a->nfiles == 2) {
			fprintf(stderr,
				"atip link: unexpected argument "
				"'%s'\n",
				argv[i]);
			return false;
		} else {
			a->files[a->nfiles++] = argv[i];
		}
		if (v) {
			if (i + 1 == argc) {
				fprintf(stderr,
					"atip link: %s needs a "
					"value\n",
					argv[i]);
				return false;
			}
			*v = argv[++i];
		}
	}
	if (a->show_schema)
		return true;
	if (a->nfiles != (a->dedupe ? 1u : 2u)) {
		fprintf(stderr, "usage: atip link [--schema S.json] "
				"[--threshold T] [--key-file F] A.csv B.csv\n"
				"       atip link --dedupe [options] A.csv\n");
		return false;
	}
	return true;
}

static int
threads_here(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

static int
run(const struct link_args *args, const struct link_schema *schema,
    double threshold)
{
	struct table ta, tb;
	struct link_set a, b;
	struct link_pairs pairs = { 0 };
	int threads = threads_here(), rc = 1;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!read_table(args->files[0], &ta))
		return 1;
	if (!args->dedupe && !read_table(args->files[1], &tb)) {
		table_release(&ta);
		return 1;
	}
	if (!known_columns(schema, &ta) ||
	    (!args->dedupe && !known_columns(schema, &tb)))
		goto out;
	encode(schema, &ta, threads, &a);
	link_set_sort(&a);
	if (args->dedupe) {
		link_match(&a, &a, threshold, 0, true, threads, &pairs);
		for (size_t i = 0; i < pairs.n; i++)
			if (pairs.v[i].a > pairs.v[i].b) {
				uint32_t x = pairs.v[i].a;

				pairs.v[i].a = pairs.v[i].b;
				pairs.v[i].b = x;
			}
	} else {
		encode(schema, &tb, threads, &b);
		link_set_sort(&b);
		if ((double)a.n * (double)b.n > blocking_pairs)
			link_match_blocked(&a, &b, threshold, threads, &pairs);
		else
			link_match(&a, &b, threshold, 0, false, threads,
				   &pairs);
		link_one_to_one(&pairs);
		link_set_release(&b);
	}
	link_set_release(&a);
	if (print_pairs(&pairs, &ta, args->dedupe ? &ta : &tb))
		rc = 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr,
		"atip link: %zu and %zu records, %zu rows skipped, "
		"%llu pairs compared, %zu %s at threshold %.2f, "
		"%.1f s\n",
		ta.n, args->dedupe ? ta.n : tb.n,
		ta.bad + (args->dedupe ? 0 : tb.bad),
		(unsigned long long)pairs.compared, pairs.n,
		args->dedupe ? "duplicate pairs" : "matches", threshold,
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	link_pairs_release(&pairs);
out:
	table_release(&ta);
	if (!args->dedupe)
		table_release(&tb);
	return rc;
}

int
cmd_link(struct config *c, int argc, char **argv)
{
	struct link_args args;
	struct crypto_link_key *k;
	struct link_schema *schema;
	double threshold;
	int rc;

	(void)c;
	if (!parse_args(argc, argv, &args))
		return EXIT_USAGE;
	if (args.show_schema) {
		json_t *doc = json_loads(link_schema_person_text(), 0, NULL);

		json_dumpf(doc, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(doc);
		return 0;
	}
	if (!crypto_init())
		return 1;
	k = load_key(args.key_file);
	if (!k)
		return 1;
	schema = load_schema(args.schema, k);
	if (!schema) {
		crypto_link_key_free(k);
		return 1;
	}
	threshold = schema->threshold;
	if (args.threshold && !parse_threshold(args.threshold, &threshold))
		rc = EXIT_USAGE;
	else
		rc = run(&args, schema, threshold);
	link_schema_free(schema);
	crypto_link_key_free(k);
	return rc;
}

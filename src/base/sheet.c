/* CSV with libcsv, XLSX with libxlsxwriter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <xlsxwriter.h>

#include "base/mem.h"
#include "base/sheet.h"

enum { XLSX_MAX_ROWS = 1048576, XLSX_MAX_CELL = 32767 };

struct sheet {
	enum sheet_format format;
	struct buf csv;
	lxw_workbook *book;
	lxw_worksheet *ws;
	char path[4096];
	lxw_row_t row;
	bool failed;
};

static bool
formula_like(const char *s)
{
	return s && s[0] && strchr("=+-@\t\r", s[0]);
}

const char *
sheet_type(enum sheet_format f)
{
	return f == SHEET_XLSX ? "application/vnd.openxmlformats-officedocument"
				 ".spreadsheetml.sheet"
			       : "text/csv; charset=utf-8";
}

struct sheet *
sheet_new(enum sheet_format f, const char *dir)
{
	struct sheet *s = xcalloc(1, sizeof(*s));
	lxw_workbook_options opt = { .tmpdir = (char *)dir };
	int fd;

	s->format = f;
	buf_init(&s->csv, 0);
	if (f == SHEET_CSV)
		return s;
	/* libxlsxwriter writes files: private ones in dir (mode 0600 from
	 * mkstemp, dir 0700), the workbook removed at finish. */
	if (snprintf(s->path, sizeof(s->path), "%s/sheet-XXXXXX", dir) >=
	    (int)sizeof(s->path)) {
		free(s);
		return NULL;
	}
	fd = mkstemp(s->path);
	if (fd < 0) {
		free(s);
		return NULL;
	}
	close(fd);
	s->book = workbook_new_opt(s->path, &opt);
	s->ws = s->book ? workbook_add_worksheet(s->book, NULL) : NULL;
	if (!s->ws) {
		if (s->book)
			workbook_close(s->book);
		unlink(s->path);
		free(s);
		return NULL;
	}
	return s;
}

static void
csv_cell(struct buf *b, const char *v, bool last)
{
	struct buf cell;
	size_t n;
	char *quoted;

	buf_init(&cell, 0);
	if (formula_like(v))
		buf_adds(&cell, "'");
	buf_adds(&cell, v ? v : "");
	n = csv_write(NULL, 0, cell.p, cell.len);
	quoted = xmalloc(n + 1);
	csv_write(quoted, n, cell.p, cell.len);
	buf_add(b, quoted, n);
	buf_adds(b, last ? "\r\n" : ",");
	free(quoted);
	buf_release(&cell);
}

bool
sheet_row(struct sheet *s, const char *const *cells, size_t n)
{
	if (s->failed)
		return false;
	if (s->format == SHEET_CSV) {
		for (size_t i = 0; i < n; i++)
			csv_cell(&s->csv, cells[i], i + 1 == n);
		return true;
	}
	if (s->row >= XLSX_MAX_ROWS) {
		s->failed = true;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		/* Strings only, never formulas: worksheet_write_string. */
		if (cells[i] && *cells[i] &&
		    worksheet_write_string(s->ws, s->row, (lxw_col_t)i,
					   cells[i], NULL) != LXW_NO_ERROR)
			s->failed = true;
	}
	s->row++;
	return !s->failed;
}

bool
sheet_finish(struct sheet *s, struct buf *out)
{
	bool ok = !s->failed;

	if (s->format == SHEET_CSV) {
		*out = s->csv;
	} else {
		ok = workbook_close(s->book) == LXW_NO_ERROR && ok;
		buf_init(out, 0);
		ok = ok && buf_read_file(out, s->path);
		unlink(s->path);
	}
	free(s);
	return ok;
}

/* ---- reading ---- */

enum { READ_MAX_CELLS = 512 };

struct reader {
	char *cells[READ_MAX_CELLS];
	size_t n;
	long line, first;
	bool stop, too_wide;
	bool (*row)(char **cells, size_t n, long line, void *arg);
	void *arg;
};

static void
on_cell(void *p, size_t len, void *arg)
{
	struct reader *r = arg;
	const char *v = p ? p : "";
	char *cell;

	if (r->n >= READ_MAX_CELLS) {
		r->too_wide = true;
		return;
	}
	/* What sheet_row() protected, unprotected. */
	if (len > 1 && v[0] == '\'' && formula_like(v + 1)) {
		v++;
		len--;
	}
	cell = xmalloc(len + 1);
	memcpy(cell, v, len);
	cell[len] = '\0';
	r->cells[r->n++] = cell;
}

static void
on_row(int c, void *arg)
{
	struct reader *r = arg;

	(void)c;
	if (!r->stop && !r->too_wide)
		r->stop = !r->row(r->cells, r->n, r->first, r->arg);
	for (size_t i = 0; i < r->n; i++)
		free(r->cells[i]);
	r->n = 0;
	r->first = r->line + 1;
}

bool
sheet_csv_read(const void *p, size_t len,
	       bool (*row)(char **cells, size_t n, long line, void *arg),
	       void *arg, const char **why)
{
	struct csv_parser parser;
	struct reader r = { .row = row, .arg = arg, .line = 1, .first = 1 };
	const char *s = p;
	size_t i = 0;
	bool ok;

	if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) !=
	    0) {
		*why = "the CSV reader could not start";
		return false;
	}
	/* A byte-order mark, as spreadsheets write UTF-8 CSV, is no cell. */
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	/* Fed line by line, so that each record knows where it began. */
	while (i < len && !r.stop && !r.too_wide) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) + 1 : len - i;

		if (csv_parse(&parser, s + i, n, on_cell, on_row, &r) != n)
			break;
		i += n;
		r.line++;
	}
	ok = i >= len || r.stop;
	if (ok && !r.stop && csv_fini(&parser, on_cell, on_row, &r) != 0)
		ok = false;
	if (r.too_wide) {
		ok = false;
		*why = "a row has too many columns";
	} else if (!ok) {
		*why = csv_strerror(csv_error(&parser));
	}
	for (size_t k = 0; k < r.n; k++)
		free(r.cells[k]);
	csv_free(&parser);
	return ok;
}

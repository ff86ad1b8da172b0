/*
 * The CSV reader of imports (sheet_csv_read) on any bytes: it never
 * crashes, and whatever rows it reads, written again with sheet_row() and
 * read back, come back the same (formula-like text included).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ROWS = 64, MAX_CELLS = 64 };

struct table {
	char *cells[MAX_ROWS][MAX_CELLS];
	size_t n[MAX_ROWS];
	size_t rows;
};

static bool
keep(char **cells, size_t n, long line, void *arg)
{
	struct table *t = arg;

	assert(line >= 1);
	if (t->rows >= MAX_ROWS || n > MAX_CELLS)
		return false;
	for (size_t i = 0; i < n; i++)
		t->cells[t->rows][i] = xstrdup(cells[i]);
	t->n[t->rows++] = n;
	return true;
}

static void
clear(struct table *t)
{
	for (size_t r = 0; r < t->rows; r++)
		for (size_t i = 0; i < t->n[r]; i++)
			free(t->cells[r][i]);
	t->rows = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct table first, again;
	const char *why = NULL;
	struct sheet *s;
	struct buf out;

	first.rows = again.rows = 0;
	if (!sheet_csv_read(data, size, keep, &first, &why) ||
	    first.rows == 0) {
		clear(&first);
		return 0;
	}
	s = sheet_new(SHEET_CSV, NULL);
	for (size_t r = 0; r < first.rows; r++)
		sheet_row(s, (const char *const *)first.cells[r], first.n[r]);
	assert(sheet_finish(s, &out));
	assert(sheet_csv_read(out.p, out.len, keep, &again, &why));
	assert(again.rows == first.rows);
	for (size_t r = 0; r < first.rows; r++) {
		/* A row of one empty cell is written as an empty line. */
		if (first.n[r] == 1 && !first.cells[r][0][0])
			continue;
		assert(again.n[r] == first.n[r]);
		for (size_t i = 0; i < first.n[r]; i++)
			assert(!strcmp(again.cells[r][i], first.cells[r][i]));
	}
	buf_release(&out);
	clear(&first);
	clear(&again);
	return 0;
}

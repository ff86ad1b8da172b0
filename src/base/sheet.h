/*
 * Tables for spreadsheets: CSV (RFC 4180, quoted by libcsv) and XLSX
 * (libxlsxwriter), written row by row into memory, and CSV read back.
 *
 * Text a spreadsheet would run as a formula (starting with = + - @, a tab
 * or a carriage return) is written with a leading apostrophe, which
 * spreadsheets show as text; sheet_csv_read() takes it off again, so that
 * what atip writes it reads back unchanged.
 */
#ifndef ATIP_BASE_SHEET_H
#define ATIP_BASE_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum sheet_format { SHEET_CSV, SHEET_XLSX };

struct sheet;

/*
 * A new table of the format; NULL when it cannot be made.  XLSX is built
 * in files in dir (atip's data directory, mode 0700), removed at finish.
 */
struct sheet *sheet_new(enum sheet_format f, const char *dir);

/* Adds a row of n cells (NULL: empty).  False once out of memory. */
bool sheet_row(struct sheet *s, const char *const *cells, size_t n);

/*
 * Finishes the table into out (which the caller releases, with
 * crypto_wipe_buf when it holds personal data) and frees s.  False when
 * it could not be finished.
 */
bool sheet_finish(struct sheet *s, struct buf *out);

/* The MIME type of a format. */
const char *sheet_type(enum sheet_format f);

/*
 * Reads CSV text p[0..len) (a leading UTF-8 byte-order mark skipped) and
 * calls row(cells, n, line, arg) for each
 * record (cells NUL-terminated, in parser memory valid during the call;
 * line: the record's first line, from 1).  row returns false to stop.
 * Returns false with a reason in *why when the text is not CSV.
 */
bool sheet_csv_read(const void *p, size_t len,
		    bool (*row)(char **cells, size_t n, long line, void *arg),
		    void *arg, const char **why);

#endif

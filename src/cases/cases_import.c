/*
 * Importing cases from HTCDS rows (cases_table.c), as a job.
 *
 * The uploaded file is kept sealed under its own data key until the job
 * has read it, then destroyed.  Rows are grouped by case and imported in
 * batches of IMPORT_BATCH cases, each batch in one transaction with every
 * row checked by the same validators as the API: a bad row fails its
 * whole batch, which leaves nothing, and is reported by row number and
 * field (never by value).  The next batch to run is kept with the
 * progress, so a job that is run again carries on where it stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/sheet.h"
#include "cases/cases_int.h"
#include "cases/cases_sql.h"

enum {
	IMPORT_BATCH = 100,	   /* cases a transaction */
	IMPORT_MAX_ERRORS = 1000,  /* reported rows */
	IMPORT_MAX_ROWS = 1000000, /* rows a file */
};

/* A row keeps its cells that are not empty. */
struct row {
	struct cases_cell *cells;
	size_t n;
	long line;
	const char *case_id; /* atp_CaseId ("" in a flat sheet) */
};

struct group {
	size_t *rows; /* indexes into rows, in file order */
	size_t n;
};

struct import {
	struct arena a;
	char id[UUID_STR_LEN];
	char org[UUID_STR_LEN], user[UUID_STR_LEN];
	bool may_personal;
	const char **cols;
	size_t ncols;
	long record_col; /* atp_Record's column, or -1: a flat sheet */
	struct row *rows;
	size_t nrows, cap;
	struct group *groups;
	size_t ngroups;
	size_t *order;	 /* row indexes by case, then line */
	json_t *errors;	 /* [{row, field, message}] */
	const char *why; /* the file is not readable at all */
	long long next, imported;
	const struct crypto_keyring *kr;
};

static void
row_error(struct import *im, long line, const char *field, const char *msg)
{
	if (json_array_size(im->errors) < IMPORT_MAX_ERRORS)
		json_array_append_new(
			im->errors,
			json_pack("{sI ss ss}", "row", (json_int_t)line,
				  "field", field ? field : "", "message", msg));
}

static const char *
cell(const struct import *im, const struct row *r, const char *col)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(im->cols[r->cells[i].col], col))
			return r->cells[i].v;
	return "";
}

static bool
on_row(char **cells, size_t n, long line, void *arg)
{
	struct import *im = arg;
	struct row *r;

	if (!im->cols) { /* the header */
		const char **cols =
			arena_alloc(&im->a, (n + 1) * sizeof(*cols));

		im->record_col = -1;
		for (size_t i = 0; i < n; i++) {
			cols[i] = arena_strdup(&im->a, cells[i]);
			if (!strcmp(cols[i], "atp_Record"))
				im->record_col = (long)i;
			if (!im->may_personal && cases_table_personal(cols[i]))
				im->why = "the file has personal columns your "
					  "role cannot write";
		}
		im->cols = cols;
		im->ncols = n;
		return im->why == NULL;
	}
	if (im->nrows >= IMPORT_MAX_ROWS) {
		im->why = "the file has too many rows";
		return false;
	}
	im->rows = arena_grow(&im->a, im->rows, im->nrows, &im->cap,
			      sizeof(*im->rows));
	r = &im->rows[im->nrows++];
	r->line = line;
	r->n = 0;
	for (size_t i = 0; i < n && i < im->ncols; i++)
		r->n += cells[i][0] != '\0';
	r->cells = arena_alloc(&im->a, (r->n + 1) * sizeof(*r->cells));
	r->n = 0;
	for (size_t i = 0; i < n && i < im->ncols; i++)
		if (cells[i][0]) {
			r->cells[r->n].col = i;
			r->cells[r->n++].v = arena_strdup(&im->a, cells[i]);
		}
	r->case_id = cell(im, r, "atp_CaseId");
	return true;
}

static int
by_case(const void *x, const void *y, void *arg)
{
	const struct row *rows = arg;
	const struct row *a = &rows[*(const size_t *)x];
	const struct row *b = &rows[*(const size_t *)y];
	int c = strcmp(a->case_id, b->case_id);

	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/*
 * Groups the rows of each case (by atp_CaseId; in a flat sheet each row
 * is a case of its own), keeping their order in the file.
 */
static void
group_rows(struct import *im)
{
	size_t i = 0;

	im->order = arena_alloc(&im->a, (im->nrows + 1) * sizeof(size_t));
	im->groups = arena_alloc(&im->a, (im->nrows + 1) * sizeof(*im->groups));
	for (size_t k = 0; k < im->nrows; k++)
		im->order[k] = k;
	if (im->record_col >= 0)
		qsort_r(im->order, im->nrows, sizeof(size_t), by_case,
			im->rows);
	while (i < im->nrows) {
		struct group *g = &im->groups[im->ngroups++];

		g->rows = &im->order[i];
		g->n = 1;
		while (im->record_col >= 0 && i + g->n < im->nrows &&
		       !strcmp(im->rows[im->order[i]].case_id,
			       im->rows[im->order[i + g->n]].case_id))
			g->n++;
		i += g->n;
	}
}

/* ---- one case ---- */

struct person_map {
	const char *from; /* atp_Id in the file */
	char to[UUID_STR_LEN];
};

/* The column a field of the API is read from, for people with the sheet. */
static const char *
column_name(const char *field)
{
	for (int f = 0; f < FORM_COUNT; f++) {
		const struct case_field *x =
			case_field_find((enum case_form_id)f, field);

		if (x)
			return x->htcds;
	}
	return field;
}

static void
report(struct import *im, long line, const struct coord_errors *errs,
       enum err e)
{
	if (errs->n)
		for (int i = 0; i < errs->n; i++)
			row_error(im, line, column_name(errs->v[i].field),
				  errs->v[i].message);
	else
		row_error(im, line, NULL,
			  e == ERR_FORBIDDEN
				  ? "holds personal data your role cannot "
				    "write"
				  : "could not be imported");
}

static const char *
record_of(const struct import *im, const struct row *r)
{
	return im->record_col >= 0 ? cell(im, r, "atp_Record") : NULL;
}

/* Replaces a person_id of the file by the person's new id. */
static bool
map_person(json_t *in, const struct person_map *map, size_t n)
{
	const char *p = json_string_value(json_object_get(in, "person_id"));

	if (!p)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(map[i].from, p)) {
			json_object_set_new(in, "person_id",
					    json_string(map[i].to));
			return true;
		}
	return false;
}

/* The case row's sharing: level and TLP columns, else the default. */
static bool
share_of(struct db_conn *c, const struct import *im, const struct row *r,
	 struct coord_share *s, struct coord_errors *errs)
{
	const char *level = r ? cell(im, r, "atp_Level") : "";
	const char *tlp = r ? cell(im, r, "atp_Tlp") : "";
	enum err e;

	if (!strcmp(level, "group") || !strcmp(level, "public")) {
		coord_error(errs, "atp_Level",
			    "must be org, country or platform");
		return false;
	}
	e = coord_share_parse(c, *level ? level : NULL, NULL, *tlp ? tlp : NULL,
			      false, s, errs);
	return e == ERR_OK;
}

/* Imports one case's rows; false after reporting what was wrong. */
static bool
import_case(struct db_conn *c, struct import *im, struct arena *a,
	    const struct group *g, enum err *fatal)
{
	struct case_write w = { im->kr, im->user, im->may_personal, true };
	struct coord_errors errs = { 0 };
	struct case_record r;
	const struct row *head = NULL;
	struct person_map *map = arena_alloc(a, g->n * sizeof(*map));
	size_t nmap = 0;
	bool ok = true;
	json_t *in;
	enum err e;

	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < g->n && !head; i++) {
		const char *rec = record_of(im, &im->rows[g->rows[i]]);

		if (!rec || !strcmp(rec, "case"))
			head = &im->rows[g->rows[i]];
	}
	if (!head) {
		row_error(im, im->rows[g->rows[0]].line, "atp_Record",
			  "the case has no row of atp_Record case");
		return false;
	}
	struct coord_share s = { .level = LEVEL_ORG, .tlp = TLP_AMBER };

	coord_copy(s.owner_org, sizeof(s.owner_org), im->org);
	{
		struct org o;

		if ((e = orgs_get(c, im->org, &o)) != ERR_OK) {
			*fatal = e;
			return false;
		}
		coord_copy(s.owner_country, sizeof(s.owner_country), o.country);
	}
	if (!share_of(c, im, head, &s, &errs)) {
		report(im, head->line, &errs, ERR_INVALID);
		return false;
	}
	in = cases_table_input(FORM_CASE, im->cols, head->cells, head->n);
	e = cases_create(c, a, &w, &s, in, &r, &errs);
	/* errs may name fields by in's keys: reported before in goes. */
	if (e != ERR_OK) {
		if (e != ERR_INVALID && e != ERR_FORBIDDEN)
			*fatal = e;
		report(im, head->line, &errs, e);
		json_decref(in);
		cases_release(&r);
		return false;
	}
	json_decref(in);
	/* Persons first (items refer to them), then the items. */
	for (int pass = 0; pass < 2 && *fatal == ERR_OK; pass++)
		for (size_t i = 0; i < g->n && *fatal == ERR_OK; i++) {
			const struct row *row = &im->rows[g->rows[i]];
			const char *rec = record_of(im, row);
			bool person =
				rec ? !strcmp(rec, "victim") ||
						!strcmp(rec, "perpetrator")
				    : true;
			enum case_item_kind k;
			struct case_entry out;

			memset(&out, 0, sizeof(out));
			errs.n = 0;
			if (row == head && rec)
				continue;
			if (pass == 0 && person) {
				in = cases_table_input(
					rec && !strcmp(rec, "perpetrator")
						? FORM_PERPETRATOR
						: FORM_VICTIM,
					im->cols, row->cells, row->n);
				e = cases_person_add(c, a, &w, &r,
						     rec ? rec : "victim", in,
						     &out, &errs);
				if (e == ERR_OK && rec) {
					map[nmap].from =
						cell(im, row, "atp_Id");
					memcpy(map[nmap++].to, out.id,
					       UUID_STR_LEN);
				}
			} else if (pass == 1 && !rec) {
				/* A flat row: its event, if it names one. */
				if (!*cell(im, row, "hte_Type"))
					continue;
				in = cases_table_input(FORM_EVENT, im->cols,
						       row->cells, row->n);
				e = cases_item_add(c, a, &w, &r, ITEM_EVENT, in,
						   &out, &errs);
			} else if (pass == 1 && !person) {
				if (!case_item_parse(rec, &k)) {
					row_error(im, row->line, "atp_Record",
						  "must be case, victim, "
						  "perpetrator, event, "
						  "timeline, consent, plan or "
						  "followup");
					ok = false;
					continue;
				}
				in = cases_table_input(case_item_form(k),
						       im->cols, row->cells,
						       row->n);
				if (!map_person(in, map, nmap)) {
					row_error(im, row->line, "atp_PersonId",
						  "must be the atp_Id of a "
						  "person of the case");
					json_decref(in);
					ok = false;
					continue;
				}
				e = cases_item_add(c, a, &w, &r, k, in, &out,
						   &errs);
				if (e == ERR_OK && k == ITEM_CONSENT &&
				    *cell(im, row, "atp_WithdrawnAt")) {
					char cid[UUID_STR_LEN];

					memcpy(cid, out.id, sizeof(cid));
					json_decref(out.data);
					e = cases_consent_withdraw(
						c, a, &r, cid,
						cell(im, row,
						     "atp_WithdrawnBy"),
						cell(im, row,
						     "atp_WithdrawnAt"),
						&out);
				}
			} else {
				continue;
			}
			if (e != ERR_OK) {
				if (e != ERR_INVALID && e != ERR_FORBIDDEN)
					*fatal = e;
				report(im, row->line, &errs, e);
				ok = false;
			}
			json_decref(in);
			json_decref(out.data);
		}
	/* The flags the rows make, once the case is whole. */
	if (ok && *fatal == ERR_OK &&
	    (e = cases_flags_refresh(c, a, r.id)) != ERR_OK)
		*fatal = e;
	cases_release(&r);
	return ok;
}

/* ---- batches ---- */

struct batch {
	struct import *im;
	size_t from, to;
	size_t errors_at; /* errors reported before the batch */
	bool bad;
	enum err fatal;
	long long imported;
};

static enum db_status
batch_tx(struct db_conn *c, void *arg)
{
	struct batch *b = arg;
	struct import *im = b->im;
	struct audit_event ev = { .chain = im->org,
				  .actor_user = im->user,
				  .action = "case.import",
				  .record_kind = "import",
				  .record_id = im->id,
				  .outcome = "ok" };
	struct db_arg args[4];
	struct arena a;
	enum db_status st;

	/* A transaction run again (busy database) reports its rows once. */
	while (json_array_size(im->errors) > b->errors_at)
		json_array_remove(im->errors, json_array_size(im->errors) - 1);

	b->bad = false;
	b->fatal = ERR_OK;
	b->imported = 0;
	arena_init(&a);
	for (size_t i = b->from; i < b->to && b->fatal == ERR_OK; i++) {
		if (import_case(c, im, &a, &im->groups[i], &b->fatal))
			b->imported++;
		else
			b->bad = true;
	}
	arena_release(&a);
	if (b->fatal != ERR_OK)
		return db_status_of(b->fatal);
	if (b->bad)
		b->imported = 0;
	/* The progress moves on in the same transaction as the batch. */
	args[0] = db_text(im->id);
	args[1] = DB_INT((long long)b->to);
	args[2] = DB_INT(im->imported + b->imported);
	args[3] = db_text(cases_json_text(&im->a, im->errors));
	st = db_exec(c, &cases_sql[IMPORT_PROGRESS], args, 4, NULL);
	if (st == DB_OK && b->bad)
		return DB_CONSTRAINT; /* roll the batch back */
	return st == DB_OK ? audit_append(c, &ev) : st;
}

/* A failed batch still records its errors and moves on. */
static enum db_status
failed_tx(struct db_conn *c, void *arg)
{
	struct batch *b = arg;
	struct import *im = b->im;
	struct db_arg args[4] = {
		db_text(im->id), DB_INT((long long)b->to), DB_INT(im->imported),
		db_text(cases_json_text(&im->a, im->errors))
	};

	return db_exec(c, &cases_sql[IMPORT_PROGRESS], args, 4, NULL);
}

/* Reads the import's row and opens its file into out. */
static enum err
load(struct db *db, struct import *im, struct buf *out, bool *done)
{
	struct db_conn *c = db_acquire(db);
	struct db_arg arg = db_text(im->id);
	struct crypto_dek *dek = NULL;
	struct buf sealed;
	struct db_rows rows;
	bool found, ok = false;
	enum err e;

	if (!c)
		return ERR_UNAVAILABLE;
	buf_init(&sealed, 0);
	db_query(c, &cases_sql[IMPORT_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found) {
		coord_copy(im->org, sizeof(im->org), db_col_text(&rows, 1));
		coord_copy(im->user, sizeof(im->user), db_col_text(&rows, 2));
		im->may_personal = db_col_int(&rows, 3) != 0;
		*done = strcmp(db_col_text(&rows, 4), "queued") &&
			strcmp(db_col_text(&rows, 4), "running");
		im->next = db_col_int(&rows, 5);
		im->imported = db_col_int(&rows, 6);
		json_decref(im->errors);
		im->errors = json_loads(db_col_text(&rows, 7), 0, NULL);
		if (!json_is_array(im->errors)) {
			json_decref(im->errors);
			im->errors = json_array();
		}
		if (!*done && !db_col_null(&rows, 8)) {
			dek = crypto_dek_unwrap(im->kr, db_col_text(&rows, 8),
						im->id);
			ok = db_col_blob(&rows, 9, &sealed);
		}
	}
	e = db_err(db_rows_close(&rows));
	db_release(c);
	if (e == ERR_OK && !found)
		e = ERR_NOT_FOUND;
	if (e == ERR_OK && !*done &&
	    !(ok && dek &&
	      crypto_blob_decrypt(dek, im->id, sealed.p, sealed.len, out)))
		e = ERR_INTERNAL;
	crypto_dek_free(dek);
	buf_release(&sealed);
	return e;
}

struct finish {
	struct import *im;
	const char *state;
};

static enum db_status
finish_tx(struct db_conn *c, void *arg)
{
	struct finish *f = arg;
	struct import *im = f->im;
	char now[TIME_RFC3339_LEN];
	struct db_arg args[5];
	enum db_status st;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(im->id);
	args[1] = db_text(f->state);
	args[2] = db_text(cases_json_text(&im->a, im->errors));
	args[3] = db_text(im->why);
	args[4] = db_text(now);
	st = db_exec(c, &cases_sql[IMPORT_FINISH], args, 5, NULL);
	/* The file is read: its personal data goes with it. */
	return st == DB_OK ? db_exec(c, &cases_sql[IMPORT_FILE_DELETE], args, 1,
				     NULL)
			   : st;
}

static enum db_status
start_tx(struct db_conn *c, void *arg)
{
	struct import *im = arg;
	struct db_arg args[3] = { db_text(im->id), DB_INT((long long)im->nrows),
				  DB_INT((long long)im->ngroups) };

	return db_exec(c, &cases_sql[IMPORT_START], args, 3, NULL);
}

enum err
cases_import_run(struct db *db, const struct crypto_keyring *kr, const char *id)
{
	struct import im = { .kr = kr, .cap = 64 };
	struct finish fin = { &im, "done" };
	const struct timespec breath = { 0, 2 * 1000 * 1000 };
	struct buf file;
	bool done = false;
	enum err e;

	arena_init(&im.a);
	coord_copy(im.id, sizeof(im.id), id);
	im.rows = arena_alloc(&im.a, im.cap * sizeof(*im.rows));
	buf_init(&file, 0);
	e = load(db, &im, &file, &done);
	if (e == ERR_OK && !done) {
		const char *why = NULL;

		if (!sheet_csv_read(file.p, file.len, on_row, &im, &why) &&
		    !im.why)
			im.why = why ? why : "the file is not CSV";
		if (!im.why && !im.cols)
			im.why = "the file is empty";
		crypto_wipe_buf(&file);
		if (im.why) {
			fin.state = "failed";
			e = db_err(db_tx(db, finish_tx, &fin));
		} else {
			group_rows(&im);
			e = db_err(db_tx(db, start_tx, &im));
			for (size_t i = (size_t)im.next;
			     e == ERR_OK && i < im.ngroups; i += IMPORT_BATCH) {
				struct batch b = { .im = &im,
						   .from = i,
						   .errors_at = json_array_size(
							   im.errors) };
				enum db_status st;

				b.to = i + IMPORT_BATCH < im.ngroups
					       ? i + IMPORT_BATCH
					       : im.ngroups;
				/* A breath between batches lets the
				 * requests that write (sign-ins, other
				 * changes) take the database's write lock. */
				if (i > (size_t)im.next)
					nanosleep(&breath, NULL);
				st = db_tx(db, batch_tx, &b);
				if (st == DB_CONSTRAINT && b.bad)
					st = db_tx(db, failed_tx, &b);
				else
					im.imported += b.imported;
				e = b.fatal != ERR_OK ? b.fatal : db_err(st);
			}
			/* Only an unavailable database is worth a retry. */
			if (e != ERR_OK && e != ERR_UNAVAILABLE) {
				im.why = "an internal error stopped the import";
				fin.state = "failed";
				e = ERR_OK;
			}
			if (e == ERR_OK)
				e = db_err(db_tx(db, finish_tx, &fin));
		}
	}
	crypto_wipe_buf(&file);
	json_decref(im.errors);
	arena_release(&im.a);
	return e;
}

/* Cases in and out of spreadsheets: export, and imports run as jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "base/sheet.h"
#include "base/text.h"
#include "cases/cases_http_int.h"
#include "cases/cases_int.h"
#include "cases/cases_sql.h"
#include "coord/coord_http.h"
#include "jobs/jobs.h"

enum { EXPORTS_PER_HOUR = 5 };

struct export
{
	struct http_request *req;
	const char *status, *reason;
	bool personal;
	enum sheet_format format;
	struct buf out;
	long long ncases;
	struct coord_errors errs;
	enum err e;
};

static enum db_status
export_tx(struct db_conn *c, void *arg)
{
	struct export *x = arg;
	struct http_request *req = x->req;
	const struct auth_actor *a = req->actor;
	struct app *app = req->app;
	struct sheet *sh;
	char since[TIME_RFC3339_LEN];
	long long n = 0;
	enum db_status st;

	if (x->personal) {
		time_rfc3339(time_now_ms() - 3600 * 1000LL, since,
			     sizeof(since));
		x->e = audit_count_since(c, a->user.org_id, a->user.id,
					 "case.export_personal", since, &n);
		if (x->e == ERR_OK && n >= EXPORTS_PER_HOUR)
			x->e = ERR_RATE_LIMITED;
		if (x->e != ERR_OK)
			return db_status_of(x->e);
	}
	if (!(sh = sheet_new(x->format, app->data_dir))) {
		x->e = ERR_INTERNAL;
		return DB_ERROR;
	}
	x->e = cases_export(c, app_keyring(app), a->user.org_id, x->status,
			    x->personal, sh, &x->ncases);
	if (!sheet_finish(sh, &x->out) && x->e == ERR_OK)
		x->e = ERR_INTERNAL;
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	/* A personal export is flagged for the organisation's review. */
	st = x->personal
		     ? auth_audit_flagged(c, req, "case.export_personal", "org",
					  a->user.org_id, a->user.org_id,
					  x->reason)
		     : auth_audit(c, req, "case.export", "org", a->user.org_id);
	if (st != DB_OK)
		crypto_wipe_buf(&x->out);
	return st;
}

void
cases_http_export(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct coord_share own = coord_owner_of(req);
	struct access_record acc = coord_access(&own, NULL, 0);
	struct export x = { .req = req };
	const char *format = NULL, *reason = NULL;
	json_t *personal = NULL;
	const struct http_field f[] = {
		{ .name = "format", .string = &format },
		{ .name = "personal", .any = &personal },
		{ .name = "reason", .string = &reason },
		{ .name = "status", .string = &x.status },
	};

	coord_body(req, f, 4, &x.errs);
	if (format && strcmp(format, "csv") && strcmp(format, "xlsx"))
		coord_error(&x.errs, "format", "must be csv or xlsx");
	x.format = format && !strcmp(format, "xlsx") ? SHEET_XLSX : SHEET_CSV;
	if (personal && !json_is_boolean(personal))
		coord_error(&x.errs, "personal", "must be true or false");
	x.personal = json_is_true(personal);
	if (x.status &&
	    !case_pick_valid(case_field_find(FORM_CASE, "status"), x.status))
		coord_error(&x.errs, "status",
			    "must be Active, FollowUp, Closed or "
			    "ClosedReferred");
	if (x.personal) {
		if (access_check(access_actor_of(req), ACT_READ_PERSONAL,
				 &acc) != ACCESS_ALLOW) {
			http_problem(req, ERR_FORBIDDEN,
				     "Only case workers and investigators "
				     "export personal data.",
				     NULL);
			return;
		}
		if (!reason ||
		    !coord_text(&req->arena, "reason", reason, 1000, TEXT_LINES,
				true, &x.reason, &x.errs) ||
		    strlen(x.reason) < ACCESS_REASON_MIN)
			coord_error(&x.errs, "reason",
				    "must say why personal data leaves atip, "
				    "in at least 15 characters");
	}
	if (x.errs.n) {
		coord_invalid(req, &x.errs);
		return;
	}
	(void)a;
	x.e = db_tx_conn_err(req->db, export_tx, &x, &x.e);
	if (x.e != ERR_OK) {
		if (x.e == ERR_RATE_LIMITED) {
			http_problem(req, x.e,
				     "Personal exports are limited to five an "
				     "hour.",
				     NULL);
			http_add_header(req, "Retry-After", "3600");
		} else {
			http_problem(req, x.e, "The export could not be made.",
				     NULL);
		}
		return;
	}
	http_send_buf(req, 200, sheet_type(x.format), &x.out, x.personal);
	http_add_header(req, "Content-Disposition",
			x.format == SHEET_XLSX
				? "attachment; filename=\"atip-cases.xlsx\""
				: "attachment; filename=\"atip-cases.csv\"");
}

/* ---- imports ---- */

struct upload {
	struct http_request *req;
	char id[UUID_STR_LEN];
	bool may_personal;
	const char *wrapped;
	struct buf sealed;
	enum err e;
};

static enum db_status
upload_tx(struct db_conn *c, void *arg)
{
	struct upload *u = arg;
	const struct auth_actor *a = u->req->actor;
	char now[TIME_RFC3339_LEN], payload[64];
	struct db_arg args[7];
	enum db_status st;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(u->id);
	args[1] = db_text(a->user.org_id);
	args[2] = db_text(a->user.id);
	args[3] = DB_INT(u->may_personal);
	args[4] = db_text(now);
	st = db_exec(c, &cases_sql[IMPORT_INSERT], args, 5, NULL);
	args[1] = db_text(u->wrapped);
	args[2] = DB_BLOB(u->sealed.p, u->sealed.len);
	if (st == DB_OK)
		st = db_exec(c, &cases_sql[IMPORT_FILE_INSERT], args, 3, NULL);
	snprintf(payload, sizeof(payload), "{\"import\":\"%s\"}", u->id);
	if (st == DB_OK)
		st = jobs_enqueue(c, "cases.import", payload, 0, NULL);
	return st == DB_OK ? auth_audit(c, u->req, "case.import_upload",
					"import", u->id)
			   : st;
}

struct header {
	bool personal, seen;
};

static bool
header_row(char **cells, size_t n, long line, void *arg)
{
	struct header *h = arg;

	(void)line;
	for (size_t i = 0; i < n; i++)
		h->personal |= cases_table_personal(cells[i]);
	h->seen = true;
	return false; /* the header is enough */
}

void
cases_http_import(struct http_request *req)
{
	struct coord_share own = coord_owner_of(req);
	struct access_record acc = coord_access(&own, NULL, 0);
	struct upload u = { .req = req };
	struct header h = { 0 };
	const char *type = http_header(req, "Content-Type"), *why = NULL;
	struct crypto_dek *dek;
	size_t len;
	const void *data;
	char *wrapped;

	if (!access_allow(req, ACT_CREATE, &acc))
		return;
	if (!type || strncmp(type, "text/csv", 8)) {
		http_problem(req, ERR_MEDIA_TYPE, "Send the file as text/csv.",
			     NULL);
		return;
	}
	data = http_upload(req, &len);
	if (!len ||
	    (!sheet_csv_read(data, len, header_row, &h, &why) && !h.seen)) {
		http_invalid(req, "body",
			     "must be a CSV file with a header row");
		return;
	}
	u.may_personal = access_check(access_actor_of(req), ACT_READ_PERSONAL,
				      &acc) == ACCESS_ALLOW;
	if (h.personal && !u.may_personal) {
		http_problem(req, ERR_FORBIDDEN,
			     "The file has personal data your role cannot "
			     "write.",
			     NULL);
		return;
	}
	uuid_v7(u.id);
	dek = crypto_dek_new();
	wrapped = dek ? crypto_dek_wrap(app_keyring(req->app), dek, u.id)
		      : NULL;
	buf_init(&u.sealed, 0);
	if (!wrapped || !crypto_blob_encrypt(dek, u.id, data, len, &u.sealed)) {
		crypto_dek_free(dek);
		free(wrapped);
		buf_release(&u.sealed);
		http_problem(req, ERR_INTERNAL, "The file could not be kept.",
			     NULL);
		return;
	}
	crypto_dek_free(dek);
	u.wrapped = arena_strdup(&req->arena, wrapped);
	free(wrapped);
	u.e = db_tx_conn_err(req->db, upload_tx, &u, &u.e);
	if (u.e != ERR_OK)
		http_problem(req, u.e, "The import was not started.", NULL);
	else
		http_json(req, 202,
			  json_pack("{ss ss}", "id", u.id, "state", "queued"));
	buf_release(&u.sealed);
}

void
cases_http_import_get(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	char id[UUID_STR_LEN];
	struct db_arg arg;
	struct db_rows rows;
	json_t *out = NULL;
	enum err e;

	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	arg = db_text(id);
	db_query(req->db, &cases_sql[IMPORT_READ], &arg, 1, &rows);
	/* Another organisation's import is not there at all. */
	if (db_next(&rows) && !strcmp(db_col_text(&rows, 1), a->user.org_id))
		out = json_pack(
			"{ss ss ss sI sI sI sI so ss? ss ss?}", "id", id,
			"user_id", db_col_text(&rows, 2), "state",
			db_col_text(&rows, 3), "rows_total",
			(json_int_t)db_col_int(&rows, 4), "cases_total",
			(json_int_t)db_col_int(&rows, 5), "cases_done",
			(json_int_t)db_col_int(&rows, 6), "imported",
			(json_int_t)db_col_int(&rows, 7), "errors",
			json_loads(db_col_text(&rows, 8), 0, NULL), "problem",
			db_col_null(&rows, 9) ? NULL : db_col_text(&rows, 9),
			"created_at", db_col_text(&rows, 10), "finished_at",
			db_col_null(&rows, 11) ? NULL : db_col_text(&rows, 11));
	e = db_err(db_rows_close(&rows));
	if (e != ERR_OK || !out) {
		json_decref(out);
		http_problem(req, e != ERR_OK ? e : ERR_NOT_FOUND,
			     e != ERR_OK ? "The import could not be read."
					 : "There is nothing here.",
			     NULL);
		return;
	}
	http_json(req, 200, out);
}

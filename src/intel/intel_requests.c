/* Preservation and takedown requests to online platforms. */
#include <string.h>

#include "base/text.h"
#include "intel/intel.h"
#include "intel/intel_sql.h"

static const char *const kinds[] = { "preservation", "takedown" };
static const char *const statuses[REQUEST_STATUS_COUNT] = {
	"draft", "sent", "acknowledged", "complied", "refused", "expired"
};

const char *
intel_request_kind_name(enum intel_request_kind k)
{
	return (unsigned)k < 2 ? kinds[k] : NULL;
}

const char *
intel_request_status_name(enum intel_request_status s)
{
	return (unsigned)s < REQUEST_STATUS_COUNT ? statuses[s] : NULL;
}

static const char *
dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static void
read_request(struct db_rows *rows, struct arena *a, struct intel_request *q)
{
	int i;

	memset(q, 0, sizeof(*q));
	coord_copy(q->id, sizeof(q->id), db_col_text(rows, 0));
	coord_copy(q->report_id, sizeof(q->report_id), db_col_text(rows, 1));
	q->platform = arena_strdup(a, db_col_text(rows, 2));
	i = text_find(kinds, 2, db_col_text(rows, 3));
	q->kind = i > 0 ? REQUEST_TAKEDOWN : REQUEST_PRESERVATION;
	q->target = arena_strdup(a, db_col_text(rows, 4));
	coord_copy(q->sent_on, sizeof(q->sent_on), db_col_text(rows, 5));
	i = text_find(statuses, REQUEST_STATUS_COUNT, db_col_text(rows, 6));
	q->status = i >= 0 ? (enum intel_request_status)i : REQUEST_DRAFT;
	q->reference = dup_or_null(a, db_col_text(rows, 7));
	q->response = dup_or_null(a, db_col_text(rows, 8));
	coord_copy(q->responded_on, sizeof(q->responded_on),
		   db_col_text(rows, 9));
	coord_copy(q->created_at, sizeof(q->created_at), db_col_text(rows, 10));
	coord_copy(q->updated_at, sizeof(q->updated_at), db_col_text(rows, 11));
	q->version = db_col_int(rows, 12);
}

enum err
intel_requests_list(struct db_conn *c, struct arena *a, const char *report_id,
		    struct intel_request **out, size_t *n)
{
	struct db_arg arg = db_text(report_id);
	struct db_rows rows;
	size_t cap = 4;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	db_query(c, &intel_sql[REQ_LIST], &arg, 1, &rows);
	while (db_next(&rows)) {
		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		read_request(&rows, a, &(*out)[(*n)++]);
	}
	return db_err(db_rows_close(&rows));
}

static void
date(const char *field, const char *in, char out[11], struct coord_errors *errs)
{
	if (!in)
		return;
	if (!*in)
		out[0] = '\0';
	else if (!time_parse_date(in, out))
		coord_error(errs, field, "must be a date, YYYY-MM-DD");
}

static enum err
apply(struct arena *a, const struct intel_request_input *in, bool creating,
      struct intel_request *q, struct coord_errors *errs)
{
	int i;

	if (creating || in->platform) {
		if (!in->platform || !intel_platform_known(in->platform))
			coord_error(errs, "platform",
				    "must be a platform atip knows");
		else
			q->platform = arena_strdup(a, in->platform);
	}
	if (creating || in->kind) {
		i = text_find(kinds, 2, in->kind);
		if (i < 0)
			coord_error(errs, "kind",
				    "must be preservation or takedown");
		else
			q->kind = (enum intel_request_kind)i;
	}
	if (creating || in->target)
		coord_text(a, "target", in->target, COORD_LINE_MAX, 0, true,
			   &q->target, errs);
	if (in->status) {
		i = text_find(statuses, REQUEST_STATUS_COUNT, in->status);
		if (i < 0)
			coord_error(errs, "status",
				    "must be draft, sent, acknowledged, "
				    "complied, refused or expired");
		else
			q->status = (enum intel_request_status)i;
	}
	date("sent_on", in->sent_on, q->sent_on, errs);
	date("responded_on", in->responded_on, q->responded_on, errs);
	if (in->reference)
		coord_text(a, "reference", in->reference, 200, 0, false,
			   &q->reference, errs);
	if (in->response)
		coord_text(a, "response", in->response, 4000, TEXT_LINES, false,
			   &q->response, errs);
	if (q->status != REQUEST_DRAFT && !q->sent_on[0])
		coord_error(errs, "sent_on",
			    "is required once the request is sent");
	if (q->responded_on[0] && q->sent_on[0] &&
	    strcmp(q->responded_on, q->sent_on) < 0)
		coord_error(errs, "responded_on",
			    "must not be before the request was sent");
	return errs->n ? ERR_INVALID : ERR_OK;
}

static void
value_args(const struct intel_request *q, struct db_arg *args)
{
	args[0] = db_text(q->platform);
	args[1] = db_text(intel_request_kind_name(q->kind));
	args[2] = db_text(q->target);
	args[3] = db_text(q->sent_on[0] ? q->sent_on : NULL);
	args[4] = db_text(intel_request_status_name(q->status));
	args[5] = db_text(q->reference && *q->reference ? q->reference : NULL);
	args[6] = db_text(q->response && *q->response ? q->response : NULL);
	args[7] = db_text(q->responded_on[0] ? q->responded_on : NULL);
}

enum err
intel_request_create(struct db_conn *c, struct arena *a, const char *report_id,
		     const char *user_id, const struct intel_request_input *in,
		     struct intel_request *out, struct coord_errors *errs)
{
	struct db_arg args[12];
	enum err e;

	memset(out, 0, sizeof(*out));
	if ((e = apply(a, in, true, out, errs)) != ERR_OK)
		return e;
	uuid_v7(out->id);
	coord_copy(out->report_id, sizeof(out->report_id), report_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	args[0] = db_text(out->id);
	args[1] = db_text(report_id);
	value_args(out, args + 2);
	args[10] = db_text(user_id);
	args[11] = db_text(out->created_at);
	return db_err(db_exec(c, &intel_sql[REQ_INSERT], args, 12, NULL));
}

enum err
intel_request_update(struct db_conn *c, struct arena *a, const char *report_id,
		     const char *id, long long expected,
		     const struct intel_request_input *in,
		     struct intel_request *out, struct coord_errors *errs)
{
	struct db_arg args[11] = { db_text(id), db_text(report_id) };
	struct db_rows rows;
	long long n = 0;
	bool found;
	enum err e;

	db_query(c, &intel_sql[REQ_GET], args, 2, &rows);
	found = db_next(&rows);
	if (found)
		read_request(&rows, a, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found)
		return ERR_NOT_FOUND;
	if (out->version != expected)
		return ERR_CONFLICT;
	if ((e = apply(a, in, false, out, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[1] = DB_INT(expected);
	value_args(out, args + 2);
	args[10] = db_text(out->updated_at);
	e = db_err(db_exec(c, &intel_sql[REQ_UPDATE], args, 11, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	out->version = expected + 1;
	return e;
}

/* Cases: their own fields, sharing, grants, transfer, erasure, lists. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "cases/cases_int.h"
#include "cases/cases_sql.h"

struct access_record
cases_access(const struct case_record *r)
{
	return coord_access(&r->share, r->grant_orgs, r->ngrants);
}

static void
read_entry(struct db_rows *rows, int col, struct arena *a, struct case_entry *e)
{
	coord_copy(e->id, sizeof(e->id), db_col_text(rows, col));
	e->data = cases_json_parse(db_col_text(rows, col + 1));
	e->sealed = arena_strdup(a, db_col_text(rows, col + 2));
	e->personal = NULL;
	coord_copy(e->created_at, sizeof(e->created_at),
		   db_col_text(rows, col + 3));
	coord_copy(e->updated_at, sizeof(e->updated_at),
		   db_col_text(rows, col + 4));
	e->version = db_col_int(rows, col + 5);
}

static enum err
read_grants(struct db_conn *c, struct arena *a, struct case_record *r)
{
	struct db_arg arg = db_text(r->id);
	struct db_rows rows;
	size_t cap = 4;

	r->grants = arena_alloc(a, cap * sizeof(*r->grants));
	r->ngrants = 0;
	db_query(c, &cases_sql[CASE_GRANTS], &arg, 1, &rows);
	while (db_next(&rows)) {
		struct case_grant *g;

		r->grants = arena_grow(a, r->grants, r->ngrants, &cap,
				       sizeof(*r->grants));
		g = &r->grants[r->ngrants++];
		g->org_id = arena_strdup(a, db_col_text(&rows, 0));
		g->purpose = arena_strdup(a, db_col_text(&rows, 1));
		text_split(a, db_col_text(&rows, 2), &g->fields, &g->nfields);
		g->override_reason = arena_strdup(a, db_col_text(&rows, 3));
		g->granted_by = arena_strdup(a, db_col_text(&rows, 4));
		coord_copy(g->granted_at, sizeof(g->granted_at),
			   db_col_text(&rows, 5));
		g->via = arena_strdup(a, db_col_text(&rows, 6));
	}
	r->grant_orgs = arena_alloc(a, (r->ngrants + 1) * sizeof(char *));
	for (size_t i = 0; i < r->ngrants; i++)
		r->grant_orgs[i] = r->grants[i].org_id;
	return db_err(db_rows_close(&rows));
}

enum err
cases_get(struct db_conn *c, struct arena *a, const char *id,
	  struct case_record *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	memset(out, 0, sizeof(*out));
	db_query(c, &cases_sql[CASE_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found) {
		coord_read_head(&rows, out->id, &out->share);
		out->head.kind = "case";
		/* id, data, sealed: columns 0, 6, 7; the rest further on. */
		coord_copy(out->head.id, sizeof(out->head.id), out->id);
		out->head.data = cases_json_parse(db_col_text(&rows, 6));
		out->head.sealed = arena_strdup(a, db_col_text(&rows, 7));
		out->data_key =
			db_col_null(&rows, 8)
				? NULL
				: arena_strdup(a, db_col_text(&rows, 8));
		coord_copy(out->erased_at, sizeof(out->erased_at),
			   db_col_text(&rows, 9));
		coord_copy(out->transfer_to, sizeof(out->transfer_to),
			   db_col_text(&rows, 10));
		out->transfer_note = arena_strdup(a, db_col_text(&rows, 11));
		coord_copy(out->created_by, sizeof(out->created_by),
			   db_col_text(&rows, 12));
		coord_copy(out->head.created_at, sizeof(out->head.created_at),
			   db_col_text(&rows, 13));
		coord_copy(out->head.updated_at, sizeof(out->head.updated_at),
			   db_col_text(&rows, 14));
		out->head.version = db_col_int(&rows, 15);
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK || !found) {
		cases_release(out);
		return e != ERR_OK ? e : ERR_NOT_FOUND;
	}
	if ((e = read_grants(c, a, out)) != ERR_OK)
		cases_release(out);
	return e;
}

enum err
cases_load(struct db_conn *c, const char *id, struct arena *a,
	   struct access_record *out)
{
	struct case_record r;
	enum err e = cases_get(c, a, id, &r);

	if (e == ERR_OK) {
		/* The access view keeps pointers into the arena only. */
		struct coord_share *s = arena_alloc(a, sizeof(*s));

		*s = r.share;
		*out = coord_access(s, r.grant_orgs, r.ngrants);
		cases_release(&r);
	}
	return e;
}

static enum err
read_entries(struct db_conn *c, struct arena *a, enum cases_sql_id s,
	     const char *case_id, struct case_entry **out, size_t *n)
{
	struct db_arg arg = db_text(case_id);
	struct db_rows rows;
	size_t cap = 8;

	*out = arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	db_query(c, &cases_sql[s], &arg, 1, &rows);
	while (db_next(&rows)) {
		struct case_entry *e;

		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		e = &(*out)[(*n)++];
		read_entry(&rows, 0, a, e);
		e->kind = arena_strdup(a, db_col_text(&rows, 6));
		coord_copy(e->created_by, sizeof(e->created_by),
			   db_col_text(&rows, 7));
	}
	return db_err(db_rows_close(&rows));
}

enum err
cases_load_parts(struct db_conn *c, struct arena *a, struct case_record *r)
{
	enum err e = read_entries(c, a, PERSONS_OF_CASE, r->id, &r->persons,
				  &r->npersons);

	if (e == ERR_OK)
		e = read_entries(c, a, ITEMS_OF_CASE, r->id, &r->items,
				 &r->nitems);
	return e;
}

static void
release_entry(struct case_entry *e)
{
	json_decref(e->data);
	json_decref(e->personal);
	e->data = e->personal = NULL;
}

void
cases_release(struct case_record *r)
{
	crypto_dek_free(r->dek);
	r->dek = NULL;
	release_entry(&r->head);
	for (size_t i = 0; i < r->npersons; i++)
		release_entry(&r->persons[i]);
	for (size_t i = 0; i < r->nitems; i++)
		release_entry(&r->items[i]);
}

static bool
open_entry(const struct crypto_dek *dek, struct case_entry *e,
	   const char *const *only, size_t nonly)
{
	return cases_unseal(dek, e->id, e->sealed, only, nonly, &e->personal);
}

bool
cases_open_personal(const struct crypto_keyring *kr, struct case_record *r,
		    const char *const *only, size_t nonly)
{
	struct crypto_dek *dek;
	bool ok;

	if (r->erased_at[0]) {
		/* Nothing left to open: every entry reads as empty. */
		r->head.personal = json_object();
		for (size_t i = 0; i < r->npersons; i++)
			r->persons[i].personal = json_object();
		for (size_t i = 0; i < r->nitems; i++)
			r->items[i].personal = json_object();
		return true;
	}
	if (!(dek = cases_dek(kr, r)))
		return false;
	ok = open_entry(dek, &r->head, only, nonly);
	for (size_t i = 0; ok && i < r->npersons; i++)
		ok = open_entry(dek, &r->persons[i], only, nonly);
	for (size_t i = 0; ok && i < r->nitems; i++)
		ok = open_entry(dek, &r->items[i], only, nonly);
	cases_dek_done(r, dek);
	return ok;
}

static void
add_flag(json_t *flags, const char *f)
{
	if (!cases_has(flags, f))
		json_array_append_new(flags, json_string(f));
}

/* The flags found in the persons and items, and set by hand. */
static json_t *
flags_of(const struct case_record *r, const char *today)
{
	json_t *flags = json_array();
	json_t *set = json_object_get(r->head.data, "risk_flags");
	size_t i;
	json_t *x;

	json_array_foreach (set, i, x)
		add_flag(flags, json_string_value(x));
	for (i = 0; i < r->npersons; i++) {
		json_t *d = r->persons[i].data;

		if (strcmp(r->persons[i].kind, "victim"))
			continue;
		if (cases_minor(d))
			add_flag(flags, "Minor");
		if (cases_has(json_object_get(d, "control_methods"),
			      "DebtBondage"))
			add_flag(flags, "Debt");
	}
	for (i = 0; i < r->nitems; i++) {
		json_t *d = r->items[i].data;
		const char *due =
			json_string_value(json_object_get(d, "due_on"));
		const char *outcome =
			json_string_value(json_object_get(d, "outcome"));

		if (strcmp(r->items[i].kind, "followup"))
			continue;
		if (outcome && !strcmp(outcome, "ReTrafficked"))
			add_flag(flags, "TraffickedBefore");
		if (today && due && strcmp(due, today) < 0 &&
		    !json_object_get(d, "done_on"))
			add_flag(flags, "MissedFollowUps");
	}
	return flags;
}

json_t *
cases_risk_flags(const struct case_record *r, const char *today)
{
	return flags_of(r, today);
}

enum err
cases_flags_refresh(struct db_conn *c, struct arena *a, const char *case_id)
{
	static const struct db_stmt set = {
		"case_flags_set",
		"UPDATE cases SET risk_flags = $2 WHERE id = $1", NULL, NULL
	};
	struct case_record r;
	struct db_arg args[2];
	json_t *flags;
	enum err e = cases_get(c, a, case_id, &r);

	if (e == ERR_OK)
		e = cases_load_parts(c, a, &r);
	if (e != ERR_OK) {
		cases_release(&r);
		return e;
	}
	/* Missed follow-ups change with the date: lists find them apart. */
	flags = flags_of(&r, NULL);
	args[0] = db_text(case_id);
	args[1] = db_text(cases_framed(a, flags));
	json_decref(flags);
	cases_release(&r);
	return db_err(db_exec(c, &set, args, 2, NULL));
}

/* The case row's columns from its fields: args[6..9]. */
static void
case_columns(struct arena *a, json_t *d, struct db_arg *args)
{
	const char *status = json_string_value(json_object_get(d, "status"));

	args[0] = db_text(json_string_value(json_object_get(d, "reference")));
	if (!args[0].p)
		args[0] = db_text("");
	args[1] = db_text(status ? status : "Active");
	args[2] = db_text(json_string_value(json_object_get(d, "case_owner")));
	args[3] = db_text(cases_framed(a, json_object_get(d, "risk_flags")));
}

static bool
sealed_has(const char *sealed, const char *name)
{
	json_t *all = cases_json_parse(sealed);
	bool has = json_object_get(all, name) != NULL;

	json_decref(all);
	return has;
}

/* Closing a case needs its reason (given now, or kept from before). */
static void
check_case(json_t *d, const struct case_record *r, json_t *personal,
	   struct coord_errors *errs)
{
	const char *status = json_string_value(json_object_get(d, "status"));
	json_t *reason = json_object_get(personal, "closure_reason");
	bool had = r && sealed_has(r->head.sealed, "closure_reason");

	/* An erased case keeps no reason, and may still be closed. */
	if (r && r->erased_at[0])
		return;
	if (status && !strncmp(status, "Closed", 6) &&
	    (json_is_null(reason) || (!reason && !had)))
		coord_error(errs, "closure_reason",
			    "is required to close a case");
}

enum err
cases_create(struct db_conn *c, struct arena *a, const struct case_write *w,
	     const struct coord_share *share, json_t *input,
	     struct case_record *out, struct coord_errors *errs)
{
	struct case_ctx ctx = { .c = c,
				.a = a,
				.case_id = "",
				.owner_org = share->owner_org,
				.may_write_personal = w->may_write_personal };
	json_t *data = NULL, *personal = NULL;
	struct crypto_dek *dek;
	struct db_arg args[15];
	char *wrapped;
	enum err e;

	memset(out, 0, sizeof(*out));
	e = case_form_read(&ctx, FORM_CASE, input, true, &data, &personal,
			   errs);
	if (e == ERR_OK)
		check_case(data, NULL, personal, errs);
	if (e != ERR_OK || errs->n) {
		json_decref(data);
		json_decref(personal);
		return e != ERR_OK ? e : ERR_INVALID;
	}
	if (!json_object_get(data, "status"))
		json_object_set_new(data, "status", json_string("Active"));
	uuid_v7(out->id);
	out->share = *share;
	out->head.kind = "case";
	memcpy(out->head.id, out->id, sizeof(out->id));
	dek = crypto_dek_new();
	wrapped = dek ? crypto_dek_wrap(w->kr, dek, out->id) : NULL;
	out->head.sealed = dek ? cases_seal(a, dek, out->id, "{}", personal)
			       : NULL;
	out->dek = dek; /* kept for what is added next; cases_release */
	json_decref(personal);
	if (!wrapped || !out->head.sealed) {
		free(wrapped);
		json_decref(data);
		return ERR_INTERNAL;
	}
	out->data_key = arena_strdup(a, wrapped);
	free(wrapped);
	out->head.data = data;
	coord_copy(out->created_by, sizeof(out->created_by), w->user_id);
	time_rfc3339(time_now_ms(), out->head.created_at,
		     sizeof(out->head.created_at));
	memcpy(out->head.updated_at, out->head.created_at,
	       sizeof(out->head.created_at));
	out->head.version = 1;
	out->grant_orgs = arena_alloc(a, sizeof(char *));
	coord_head_args(args, out->id, &out->share);
	case_columns(a, data, args + 6);
	args[10] = db_text(cases_json_text(a, data));
	args[11] = db_text(out->head.sealed);
	args[12] = db_text(out->data_key);
	args[13] = db_text(w->user_id);
	args[14] = db_text(out->head.created_at);
	return db_err(db_exec(c, &cases_sql[CASE_INSERT], args, 15, NULL));
}

enum err
cases_update(struct db_conn *c, struct arena *a, const struct case_write *w,
	     struct case_record *r, long long expected, json_t *input,
	     const struct coord_share *share, struct coord_errors *errs)
{
	struct case_ctx ctx = { .c = c,
				.a = a,
				.case_id = r->id,
				.owner_org = r->share.owner_org,
				.current = r->head.data,
				.may_write_personal = w->may_write_personal };
	json_t *data = NULL, *personal = NULL;
	struct db_arg args[12];
	long long n = 0;
	enum err e;

	if (r->head.version != expected)
		return ERR_CONFLICT;
	e = case_form_read(&ctx, FORM_CASE, input, false, &data, &personal,
			   errs);
	if (e == ERR_OK) {
		cases_merge(r->head.data, data);
		check_case(r->head.data, r, personal, errs);
	}
	json_decref(data);
	if (e == ERR_OK && !errs->n && json_object_size(personal)) {
		struct crypto_dek *dek = cases_dek(w->kr, r);

		/* An erased case keeps no personal data. */
		if (!dek)
			e = r->erased_at[0] ? ERR_CONFLICT : ERR_INTERNAL;
		else if (!(r->head.sealed = cases_seal(
				   a, dek, r->id, r->head.sealed, personal)))
			e = ERR_INTERNAL;
		cases_dek_done(r, dek);
	}
	json_decref(personal);
	if (e != ERR_OK || errs->n)
		return e != ERR_OK ? e : ERR_INVALID;
	r->share = *share;
	time_rfc3339(time_now_ms(), r->head.updated_at,
		     sizeof(r->head.updated_at));
	args[0] = db_text(r->id);
	args[1] = DB_INT(expected);
	coord_share_args(args + 2, &r->share);
	case_columns(a, r->head.data, args + 5);
	args[9] = db_text(cases_json_text(a, r->head.data));
	args[10] = db_text(r->head.sealed);
	args[11] = db_text(r->head.updated_at);
	e = db_err(db_exec(c, &cases_sql[CASE_UPDATE], args, 12, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	r->head.version = expected + 1;
	return e == ERR_OK ? cases_flags_refresh(c, a, r->id) : e;
}

enum err
cases_flag_add(struct db_conn *c, struct arena *a, const char *case_id,
	       const char *flag)
{
	struct case_record r;
	struct db_arg args[12];
	json_t *set;
	long long n = 0;
	enum err e = cases_get(c, a, case_id, &r);

	if (e != ERR_OK)
		return e;
	set = json_object_get(r.head.data, "risk_flags");
	if (!json_is_array(set)) {
		set = json_array();
		json_object_set_new(r.head.data, "risk_flags", set);
	}
	if (!cases_has(set, flag)) {
		json_array_append_new(set, json_string(flag));
		time_rfc3339(time_now_ms(), r.head.updated_at,
			     sizeof(r.head.updated_at));
		args[0] = db_text(r.id);
		args[1] = DB_INT(r.head.version);
		coord_share_args(args + 2, &r.share);
		case_columns(a, r.head.data, args + 5);
		args[9] = db_text(cases_json_text(a, r.head.data));
		args[10] = db_text(r.head.sealed);
		args[11] = db_text(r.head.updated_at);
		e = db_err(db_exec(c, &cases_sql[CASE_UPDATE], args, 12, &n));
		if (e == ERR_OK && n != 1)
			e = ERR_CONFLICT;
	}
	cases_release(&r);
	return e == ERR_OK ? cases_flags_refresh(c, a, case_id) : e;
}

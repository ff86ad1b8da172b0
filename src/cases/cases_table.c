/*
 * Cases as rows with HTCDS column names, for spreadsheets.
 *
 * One row per record: atp_Record says which (case, victim, perpetrator,
 * event, timeline, consent, plan, followup), atp_CaseId and atp_Id tie
 * them together, and each row fills the columns of its form.  Lists are
 * joined with ";" (picklist values, countries and ids hold none); a list
 * of free texts (aliases) is a JSON array.  A row without atp_Record is a
 * partner's flat sheet: one case with its victim, and an event when it
 * has hte_Type.
 */
#include <stdio.h>
#include <string.h>

#include "base/sheet.h"
#include "cases/cases_int.h"
#include "cases/cases_sql.h"

static const char *const head[] = { "atp_Record", "atp_CaseId", "atp_Id",
				    "atp_Level", "atp_Tlp" };
enum { NHEAD = 5 };

/* Consents keep who withdrew them and when, outside their form. */
static const char *const withdrawn[][2] = {
	{ "withdrawn_at", "atp_WithdrawnAt" },
	{ "withdrawn_by", "atp_WithdrawnBy" },
};

static bool
listed(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

size_t
cases_table_columns(struct arena *a, bool personal, const char ***out)
{
	size_t n = 0;
	const char **v = arena_alloc(a, 256 * sizeof(*v));

	for (size_t i = 0; i < NHEAD; i++)
		v[n++] = head[i];
	for (int f = 0; f < FORM_COUNT; f++)
		for (size_t i = 0; i < case_forms[f].n; i++) {
			const struct case_field *x = &case_forms[f].fields[i];

			if ((personal || !(x->flags & CF_PERSONAL)) &&
			    !listed(v, n, x->htcds))
				v[n++] = x->htcds;
		}
	v[n++] = withdrawn[0][1];
	v[n++] = withdrawn[1][1];
	*out = v;
	return n;
}

static size_t
column_of(const char *const *cols, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cols[i], name))
			return i;
	return n;
}

static bool
is_list(enum case_field_type t)
{
	return t == CF_MULTI || t == CF_COUNTRIES || t == CF_ORGS;
}

/* A value as its cell. */
static const char *
cell_of(struct arena *a, const struct case_field *f, json_t *v)
{
	if (json_is_string(v))
		return arena_strdup(a, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(a, "%lld",
				    (long long)json_integer_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	if (json_is_array(v) && is_list(f->type)) {
		struct buf b;
		size_t i;
		json_t *x;
		const char *out;

		buf_init(&b, 0);
		buf_adds(&b, "");
		json_array_foreach (v, i, x)
			buf_printf(&b, "%s%s", i ? ";" : "",
				   json_string_value(x));
		out = arena_strdup(a, b.p);
		buf_release(&b);
		return out;
	}
	if (json_is_array(v))
		return cases_json_text(a, v);
	return NULL;
}

void
cases_table_cells(struct arena *a, const char *const *cols, size_t ncols,
		  const char *record, const char *case_id,
		  const struct case_record *r, const struct case_entry *e,
		  const char **cells)
{
	enum case_form_id form = FORM_CASE;
	enum case_item_kind k;
	json_t *sources[2] = { e->data, e->personal };

	memset(cells, 0, ncols * sizeof(*cells));
	cells[0] = record;
	cells[1] = case_id;
	cells[2] = e->id;
	if (!strcmp(record, "case")) {
		cells[3] = access_level_name(r->share.level);
		cells[4] = access_tlp_name(r->share.tlp);
	} else if (!strcmp(record, "victim")) {
		form = FORM_VICTIM;
	} else if (!strcmp(record, "perpetrator")) {
		form = FORM_PERPETRATOR;
	} else if (case_item_parse(record, &k)) {
		form = case_item_form(k);
	}
	for (size_t s = 0; s < 2; s++) {
		const char *key;
		json_t *v;

		json_object_foreach (sources[s], key, v) {
			const struct case_field *f = case_field_find(form, key);
			size_t col = f ? column_of(cols, ncols, f->htcds)
				       : ncols;

			if (col < ncols)
				cells[col] = cell_of(a, f, v);
		}
	}
	for (size_t i = 0; i < 2; i++) {
		size_t col = column_of(cols, ncols, withdrawn[i][1]);
		json_t *v = json_object_get(e->data, withdrawn[i][0]);

		if (col < ncols && json_is_string(v))
			cells[col] = json_string_value(v);
	}
}

/* A cell as the value of field f (NULL: a value it cannot be). */
static json_t *
value_of(const struct case_field *f, const char *cell)
{
	long long i;

	switch (f->type) {
	case CF_INT:
		return str_to_i64(str_of(cell), -1000000, 1000000, &i)
			       ? json_integer(i)
			       : json_string(cell);
	case CF_BOOL:
		if (!strcmp(cell, "true") || !strcmp(cell, "TRUE") ||
		    !strcmp(cell, "1"))
			return json_true();
		if (!strcmp(cell, "false") || !strcmp(cell, "FALSE") ||
		    !strcmp(cell, "0"))
			return json_false();
		return json_string(cell);
	case CF_TEXTS: {
		json_t *v = json_loads(cell, 0, NULL);

		return json_is_array(v) ? v : json_string(cell);
	}
	default: break;
	}
	if (is_list(f->type)) {
		json_t *v = json_array();
		const char *p = cell;

		while (*p) {
			size_t n = strcspn(p, ";");
			const char *s = p;

			while (n && *s == ' ') {
				s++;
				n--;
			}
			while (n && s[n - 1] == ' ')
				n--;
			if (n)
				json_array_append_new(v, json_stringn(s, n));
			p += strcspn(p, ";");
			if (*p)
				p++;
		}
		return v;
	}
	return json_string(cell);
}

json_t *
cases_table_input(enum case_form_id form, const char *const *cols,
		  const struct cases_cell *cells, size_t n)
{
	const struct case_form *fm = &case_forms[form];
	json_t *in = json_object();

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < fm->n; j++)
			if (!strcmp(fm->fields[j].htcds, cols[cells[i].col]))
				json_object_set_new(in, fm->fields[j].name,
						    value_of(&fm->fields[j],
							     cells[i].v));
	return in;
}

bool
cases_table_known(const char *column)
{
	for (size_t i = 0; i < NHEAD; i++)
		if (!strcmp(head[i], column))
			return true;
	for (size_t i = 0; i < 2; i++)
		if (!strcmp(withdrawn[i][1], column))
			return true;
	for (int f = 0; f < FORM_COUNT; f++)
		for (size_t i = 0; i < case_forms[f].n; i++)
			if (!strcmp(case_forms[f].fields[i].htcds, column))
				return true;
	return false;
}

bool
cases_table_personal(const char *column)
{
	for (int f = 0; f < FORM_COUNT; f++)
		for (size_t i = 0; i < case_forms[f].n; i++)
			if (!strcmp(case_forms[f].fields[i].htcds, column))
				return case_forms[f].fields[i].flags &
				       CF_PERSONAL;
	return false;
}

/* Adds the rows of one case to the sheet. */
static enum err
export_case(struct db_conn *c, struct arena *a, const struct crypto_keyring *kr,
	    const char *id, bool personal, const char *const *cols,
	    size_t ncols, struct sheet *sh)
{
	const char **cells = arena_alloc(a, ncols * sizeof(*cells));
	struct case_record r;
	enum err e = cases_get(c, a, id, &r);

	if (e == ERR_OK)
		e = cases_load_parts(c, a, &r);
	if (e == ERR_OK && personal && !cases_open_personal(kr, &r, NULL, 0))
		e = ERR_INTERNAL;
	if (e == ERR_OK) {
		cases_table_cells(a, cols, ncols, "case", r.id, &r, &r.head,
				  cells);
		sheet_row(sh, cells, ncols);
		for (size_t i = 0; i < r.npersons; i++) {
			cases_table_cells(a, cols, ncols, r.persons[i].kind,
					  r.id, &r, &r.persons[i], cells);
			sheet_row(sh, cells, ncols);
		}
		for (size_t i = 0; i < r.nitems; i++) {
			cases_table_cells(a, cols, ncols, r.items[i].kind, r.id,
					  &r, &r.items[i], cells);
			sheet_row(sh, cells, ncols);
		}
	}
	cases_release(&r);
	return e;
}

enum err
cases_export(struct db_conn *c, const struct crypto_keyring *kr,
	     const char *org_id, const char *status, bool personal,
	     struct sheet *sh, long long *ncases)
{
	char after[UUID_STR_LEN] = "";
	struct arena a;
	const char **cols;
	size_t ncols;
	enum err e = ERR_OK;

	*ncases = 0;
	arena_init(&a);
	ncols = cases_table_columns(&a, personal, &cols);
	sheet_row(sh, cols, ncols);
	for (;;) {
		struct db_arg args[3] = { db_text(org_id),
					  db_text(status ? status : ""),
					  db_text(after) };
		struct db_rows rows;
		char ids[500][UUID_STR_LEN];
		size_t n = 0;

		db_query(c, &cases_sql[CASE_OWNED_PAGE], args, 3, &rows);
		while (n < 500 && db_next(&rows))
			coord_copy(ids[n++], UUID_STR_LEN,
				   db_col_text(&rows, 0));
		if ((e = db_err(db_rows_close(&rows))) != ERR_OK || !n)
			break;
		for (size_t i = 0; e == ERR_OK && i < n; i++) {
			struct arena one;

			arena_init(&one);
			e = export_case(c, &one, kr, ids[i], personal, cols,
					ncols, sh);
			arena_release(&one);
		}
		if (e != ERR_OK)
			break;
		*ncases += (long long)n;
		memcpy(after, ids[n - 1], UUID_STR_LEN);
		if (n < 500)
			break;
	}
	arena_release(&a);
	return e;
}

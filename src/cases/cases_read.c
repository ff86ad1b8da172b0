/* One validator for every form of a case (cases_forms.c). */
#include <stdio.h>
#include <string.h>

#include "base/bsdate.h"
#include "base/gazetteer.h"
#include "base/text.h"
#include "cases/cases.h"
#include "cases/cases_sql.h"

enum {
	LINE_MAX_CHARS = 300,
	LIST_MAX = 30, /* values of a list field */
	EMAIL_MAX = 254,
};

struct reader {
	const struct case_ctx *ctx;
	const struct case_form *form;
	json_t *input;
	json_t *data, *personal;
	struct coord_errors *errs;
	enum err e; /* a database failure */
};

/* The value of a plain field given now, or else stored: NULL when none. */
static const char *
current(const struct reader *r, const char *name)
{
	json_t *v = json_object_get(r->data, name);

	if (!v && !json_object_get(r->input, name))
		v = json_object_get(r->ctx->current, name);
	return json_string_value(v);
}

static json_t *
text_value(struct reader *r, const char *field, json_t *v, bool lines)
{
	const char *t;

	if (!json_is_string(v)) {
		coord_error(r->errs, field, "must be a string");
		return NULL;
	}
	if (!coord_text(r->ctx->a, field, json_string_value(v),
			lines ? COORD_TEXT_MAX : LINE_MAX_CHARS,
			lines ? TEXT_LINES : 0, false, &t, r->errs))
		return NULL;
	return *t ? json_string(t) : json_null();
}

static json_t *
country_value(struct reader *r, const char *field, json_t *v)
{
	char up[3];

	if (!iso_country_parse(json_string_value(v), up)) {
		coord_error(r->errs, field,
			    "must be an ISO 3166-1 alpha-2 country code");
		return NULL;
	}
	return json_string(up);
}

/* A list of strings, each checked by one, no value twice. */
static json_t *
list_value(struct reader *r, const struct case_field *f, json_t *v,
	   json_t *(*one)(struct reader *, const struct case_field *, json_t *))
{
	json_t *out, *item;
	size_t i;

	if (!json_is_array(v)) {
		coord_error(r->errs, f->name, "must be a list");
		return NULL;
	}
	if (json_array_size(v) > LIST_MAX) {
		coord_error(r->errs, f->name, "has too many values");
		return NULL;
	}
	out = json_array();
	json_array_foreach (v, i, item) {
		json_t *x = one(r, f, item);

		if (!x) {
			json_decref(out);
			return NULL;
		}
		for (size_t j = 0; j < json_array_size(out); j++)
			if (json_equal(json_array_get(out, j), x)) {
				coord_error(r->errs, f->name,
					    "names a value twice");
				json_decref(x);
				json_decref(out);
				return NULL;
			}
		json_array_append_new(out, x);
	}
	if (f->type == CF_MULTI && json_array_size(out) > 1) {
		for (i = 0; i < json_array_size(out); i++)
			if (!strcmp(json_string_value(json_array_get(out, i)),
				    "Unknown")) {
				coord_error(r->errs, f->name,
					    "takes Unknown only alone");
				json_decref(out);
				return NULL;
			}
	}
	return out;
}

static json_t *
pick_one(struct reader *r, const struct case_field *f, json_t *v)
{
	if (!case_pick_valid(f, json_string_value(v))) {
		coord_error(r->errs, f->name,
			    "must be one of its HTCDS values, or Unknown");
		return NULL;
	}
	return json_incref(v);
}

static json_t *
line_one(struct reader *r, const struct case_field *f, json_t *v)
{
	json_t *x = text_value(r, f->name, v, false);

	if (json_is_null(x)) {
		coord_error(r->errs, f->name, "must not hold empty values");
		return NULL;
	}
	return x;
}

static json_t *
country_one(struct reader *r, const struct case_field *f, json_t *v)
{
	return country_value(r, f->name, v);
}

static json_t *
org_one(struct reader *r, const struct case_field *f, json_t *v)
{
	const char *in = json_string_value(v);
	const char **ids;

	if (!in) {
		coord_error(r->errs, f->name,
			    "must name member organisations by id");
		return NULL;
	}
	if (!coord_org_ids(r->ctx->c, r->ctx->a, f->name, &in, 1, &ids,
			   r->errs))
		return NULL;
	return json_string(ids[0]);
}

/* A row of statement s for args exists (r->e set on failure). */
static bool
exists(struct reader *r, enum cases_sql_id s, struct db_arg *args, int n)
{
	struct db_rows rows;
	bool found;

	db_query(r->ctx->c, &cases_sql[s], args, n, &rows);
	found = db_next(&rows);
	r->e = db_err(db_rows_close(&rows));
	return found && r->e == ERR_OK;
}

static json_t *
id_value(struct reader *r, const struct case_field *f, json_t *v)
{
	const char *s = json_string_value(v);
	char id[UUID_STR_LEN];
	struct db_arg args[2];
	bool ok;

	if (!s || !uuid_normalise(str_of(s), id)) {
		coord_error(r->errs, f->name, "must be an id");
		return NULL;
	}
	args[0] = db_text(id);
	if (f->type == CF_PERSON) {
		args[1] = db_text(r->ctx->case_id);
		ok = exists(r, CASE_PERSON_EXISTS, args, 2);
	} else {
		args[1] = db_text(r->ctx->owner_org);
		ok = exists(r, CASE_WORKER_EXISTS, args, 2);
	}
	if (r->e != ERR_OK)
		return NULL;
	if (!ok) {
		coord_error(
			r->errs, f->name,
			f->type == CF_PERSON
				? "must be a person of this case"
				: "must be an active case worker or "
				  "investigator of the case's organisation");
		return NULL;
	}
	return json_string(id);
}

/* E.164 after removing spaces, hyphens, dots and brackets. */
static json_t *
phone_value(struct reader *r, const char *field, json_t *v)
{
	const char *s = json_string_value(v);
	char out[17];
	size_t n = 0;

	if (!s || *s != '+') {
		coord_error(r->errs, field,
			    "must be an international number: + and digits");
		return NULL;
	}
	out[n++] = '+';
	for (s++; *s; s++) {
		if (strchr(" -.()", *s))
			continue;
		if (*s < '0' || *s > '9' || n >= 16) {
			n = 0;
			break;
		}
		out[n++] = *s;
	}
	if (n < 9) {
		coord_error(r->errs, field,
			    "must be an international number: + and 8 to 15 "
			    "digits");
		return NULL;
	}
	out[n] = '\0';
	return json_string(out);
}

static json_t *
email_value(struct reader *r, const char *field, json_t *v)
{
	const char *s = json_string_value(v), *at;

	at = s ? strchr(s, '@') : NULL;
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    strlen(s) > EMAIL_MAX || strpbrk(s, " \t\r\n<>,;\"")) {
		coord_error(r->errs, field, "must be an email address");
		return NULL;
	}
	return json_string(s);
}

static json_t *
date_value(struct reader *r, const char *field, json_t *v, bool bs)
{
	const char *s = json_string_value(v);
	char out[11];

	if (!s || !(bs ? bs_to_ad(s, out) : time_parse_date(s, out))) {
		coord_error(r->errs, field,
			    bs ? "must be a Bikram Sambat date, YYYY-MM-DD"
			       : "must be a date, YYYY-MM-DD");
		return NULL;
	}
	return json_string(out);
}

static json_t *
subdivision_value(struct reader *r, const struct case_field *f, json_t *v)
{
	const char *country = current(r, "country");
	const char *s = json_string_value(v);

	if (!country) {
		coord_error(r->errs, f->name, "needs a country");
		return NULL;
	}
	if (!s || !iso_subdivision_valid(country, s)) {
		coord_error(r->errs, f->name,
			    "must be an ISO 3166-2 code of the country");
		return NULL;
	}
	return json_string(s);
}

/* A gazetteer district, in the country and subdivision given. */
static json_t *
district_value(struct reader *r, const struct case_field *f, json_t *v)
{
	const struct gazetteer_entry *d = gazetteer_find(json_string_value(v));
	const char *country = current(r, "country");
	const char *sub = current(r, "subdivision");

	if (!d) {
		coord_error(r->errs, f->name,
			    "must be a district code of the gazetteer");
		return NULL;
	}
	if ((country && strcmp(country, d->country)) ||
	    (sub && strcmp(sub, d->subdivision))) {
		coord_error(r->errs, f->name,
			    "must be in the country and subdivision given");
		return NULL;
	}
	if (!country)
		json_object_set_new(r->data, "country",
				    json_string(d->country));
	if (!sub)
		json_object_set_new(r->data, "subdivision",
				    json_string(d->subdivision));
	return json_string(d->code);
}

static json_t *
value(struct reader *r, const struct case_field *f, const char *key, json_t *v,
      bool bs)
{
	switch (f->type) {
	case CF_TEXT: return text_value(r, f->name, v, false);
	case CF_LONG: return text_value(r, f->name, v, true);
	case CF_TEXTS: return list_value(r, f, v, line_one);
	case CF_DATE: return date_value(r, key, v, bs);
	case CF_INT: {
		json_int_t i = json_integer_value(v);

		if (!json_is_integer(v) || i < f->min || i > f->max) {
			char *why = arena_printf(
				r->ctx->a,
				"must be a whole number from %d to %d", f->min,
				f->max);

			coord_error(r->errs, f->name, why);
			return NULL;
		}
		return json_integer(i);
	}
	case CF_BOOL:
		if (!json_is_boolean(v)) {
			coord_error(r->errs, f->name, "must be true or false");
			return NULL;
		}
		return json_incref(v);
	case CF_PICK: return pick_one(r, f, v);
	case CF_MULTI: return list_value(r, f, v, pick_one);
	case CF_COUNTRY: return country_value(r, f->name, v);
	case CF_COUNTRIES: return list_value(r, f, v, country_one);
	case CF_SUBDIVISION: return subdivision_value(r, f, v);
	case CF_DISTRICT: return district_value(r, f, v);
	case CF_ORG: return org_one(r, f, v);
	case CF_ORGS: return list_value(r, f, v, org_one);
	case CF_PERSON:
	case CF_USER: return id_value(r, f, v);
	case CF_PHONE: return phone_value(r, f->name, v);
	case CF_EMAIL: return email_value(r, f->name, v);
	}
	return NULL;
}

/* The field a key names: itself, or a date given in Bikram Sambat. */
static const struct case_field *
field_of(const struct reader *r, const char *key, bool *bs)
{
	const struct case_form *form = r->form;
	size_t n = strlen(key);

	*bs = false;
	for (size_t i = 0; i < form->n; i++) {
		const struct case_field *f = &form->fields[i];

		if (!strcmp(f->name, key))
			return f;
		if (f->type == CF_DATE && n > 3 &&
		    !strcmp(key + n - 3, "_bs") && strlen(f->name) == n - 3 &&
		    !strncmp(f->name, key, n - 3)) {
			*bs = true;
			return f;
		}
	}
	return NULL;
}

/* Reads the key's value into data or personal. */
static void
one(struct reader *r, const char *key, json_t *v)
{
	bool bs;
	const struct case_field *f = field_of(r, key, &bs);
	json_t *x;

	if (!f) {
		coord_error(r->errs, key,
			    arena_printf(r->ctx->a, "is not a field of a %s",
					 r->form->name));
		return;
	}
	if ((f->flags & CF_PERSONAL) && !r->ctx->may_write_personal) {
		r->e = ERR_FORBIDDEN;
		return;
	}
	if (json_object_get(r->input, f->name) && bs) {
		coord_error(r->errs, key,
			    arena_printf(r->ctx->a, "is given with %s",
					 f->name));
		return;
	}
	if (json_is_null(v)) {
		if (f->flags & CF_REQUIRED)
			coord_error(r->errs, f->name, "is required");
		x = json_null();
	} else if (!(x = value(r, f, key, v, bs))) {
		return;
	}
	if (json_is_null(x) && (f->flags & CF_REQUIRED))
		coord_error(r->errs, f->name, "is required");
	json_object_set_new((f->flags & CF_PERSONAL) ? r->personal : r->data,
			    f->name, x);
}

/*
 * A new country leaves no stored subdivision or district of another one:
 * those must come again (or null) with it.
 */
static void
same_country(struct reader *r)
{
	const char *country =
		json_string_value(json_object_get(r->data, "country"));
	const char *sub, *district;
	const struct gazetteer_entry *d;

	if (!country || !r->ctx->current)
		return;
	sub = json_object_get(r->input, "subdivision")
		      ? NULL
		      : json_string_value(json_object_get(r->ctx->current,
							  "subdivision"));
	district = json_object_get(r->input, "district")
			   ? NULL
			   : json_string_value(json_object_get(r->ctx->current,
							       "district"));
	if (sub && !iso_subdivision_valid(country, sub))
		coord_error(r->errs, "subdivision",
			    "is of another country: give it again, or null");
	d = district ? gazetteer_find(district) : NULL;
	if (d && strcmp(d->country, country))
		coord_error(r->errs, "district",
			    "is of another country: give it again, or null");
}

enum err
case_form_read(const struct case_ctx *ctx, enum case_form_id form,
	       json_t *input, bool creating, json_t **data, json_t **personal,
	       struct coord_errors *errs)
{
	struct reader r = { .ctx = ctx,
			    .form = &case_forms[form],
			    .input = input,
			    .data = json_object(),
			    .personal = json_object(),
			    .errs = errs,
			    .e = ERR_OK };
	const char *key;
	json_t *v;

	/* Country and subdivision first: the fields after refer to them. */
	static const char *const first[] = { "country", "subdivision" };

	for (size_t i = 0; i < 2; i++)
		if ((v = json_object_get(input, first[i])) &&
		    case_field_find(form, first[i]))
			one(&r, first[i], v);
	json_object_foreach (input, key, v) {
		if (r.e != ERR_OK)
			break;
		if (case_field_find(form, key) &&
		    (!strcmp(key, "country") || !strcmp(key, "subdivision")))
			continue;
		one(&r, key, v);
	}
	if (r.e == ERR_OK)
		same_country(&r);
	for (size_t i = 0; creating && r.e == ERR_OK && i < r.form->n; i++) {
		const struct case_field *f = &r.form->fields[i];
		char bs[64];

		snprintf(bs, sizeof(bs), "%s_bs", f->name);
		if ((f->flags & CF_REQUIRED) &&
		    !json_object_get(input, f->name) &&
		    !json_object_get(input, bs))
			coord_error(errs, f->name, "is required");
	}
	if (r.e != ERR_OK || errs->n) {
		json_decref(r.data);
		json_decref(r.personal);
		return r.e != ERR_OK ? r.e : ERR_INVALID;
	}
	*data = r.data;
	*personal = r.personal;
	return ERR_OK;
}

#include "orgs/orgs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/text.h"
#include "orgs/orgs_sql.h"

/*
 * atip's types and the HTCDS v2.0 org_Type picklist they export as
 * (value name, value label), from the "Organization" section of
 * /work/shared/data/htcds/htcds-2.0-fields.csv (IOM HTCDS "Field
 * Standards 2.0", field org_Type).  HTCDS has no kind for courts,
 * prosecutors or intergovernmental bodies: judiciary and prosecution
 * export as LegalService, the nearest kind of the legal system, and
 * international organisations as NGO, the only non-state kind.
 * Government is CentralGovernmentOrganisation: atip does not tell central
 * from local government.  Shelters export as NGO, as most are run by one.
 */
static const struct {
	const char *name, *htcds, *htcds_label;
} types[ORG_TYPE_COUNT] = {
	[ORG_GOVERNMENT] = { "government", "CentralGovernmentOrganisation",
			     "Central Government Organisation" },
	[ORG_LAW_ENFORCEMENT] = { "law_enforcement", "LawEnforcement",
				  "Law Enforcement" },
	[ORG_BORDER_FORCE] = { "border_force", "ImmigrationService",
			       "Immigration Service" },
	[ORG_JUDICIARY] = { "judiciary", "LegalService", "Legal Service" },
	[ORG_PROSECUTION] = { "prosecution", "LegalService", "Legal Service" },
	[ORG_CIVIL_SOCIETY] = { "civil_society", "NGO", "NGO" },
	[ORG_SHELTER] = { "shelter", "NGO", "NGO" },
	[ORG_INTERNATIONAL_ORGANISATION] = { "international_organisation",
					     "NGO", "NGO" },
	[ORG_ACADEMIC] = { "academic", "SchoolOrCollege", "School or College" },
	[ORG_PRIVATE_SECTOR] = { "private_sector", "CorporateBusiness",
				 "Corporate Business" },
};

static const char *const statuses[ORG_STATUS_COUNT] = {
	[ORG_ACTIVE] = "active",
	[ORG_SUSPENDED] = "suspended",
};

const char *
orgs_type_name(enum org_type t)
{
	return (unsigned)t < ORG_TYPE_COUNT ? types[t].name : NULL;
}

const char *
orgs_type_htcds(enum org_type t)
{
	return (unsigned)t < ORG_TYPE_COUNT ? types[t].htcds : NULL;
}

const char *
orgs_type_htcds_label(enum org_type t)
{
	return (unsigned)t < ORG_TYPE_COUNT ? types[t].htcds_label : NULL;
}

bool
orgs_type_parse(const char *s, enum org_type *out)
{
	int i;

	for (i = 0; s && i < ORG_TYPE_COUNT; i++) {
		if (!strcmp(s, types[i].name)) {
			*out = (enum org_type)i;
			return true;
		}
	}
	return false;
}

const char *
orgs_status_name(enum org_status s)
{
	return (unsigned)s < ORG_STATUS_COUNT ? statuses[s] : NULL;
}

bool
orgs_status_parse(const char *s, enum org_status *out)
{
	int i;

	for (i = 0; s && i < ORG_STATUS_COUNT; i++) {
		if (!strcmp(s, statuses[i])) {
			*out = (enum org_status)i;
			return true;
		}
	}
	return false;
}

static void
add_error(struct org_errors *errs, const char *field, const char *message)
{
	if (errs->n < ORGS_MAX_ERRORS)
		errs->v[errs->n++] = (struct org_field_error){ field, message };
}

static bool
is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/*
 * The comparison key of a name: NFKC_Casefold (case, compatibility forms
 * and default-ignorable characters folded away), with runs of spaces made
 * one and none at the ends.  p is valid UTF-8.  Caller frees.
 */
static char *
fold_name(const char *p, size_t len)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&e);
	UChar *u, *f;
	int32_t ulen = 0, flen, olen = 0;
	char *out;
	size_t i, o;

	if (U_FAILURE(e))
		abort();
	u_strFromUTF8(NULL, 0, &ulen, p, (int32_t)len, &e);
	e = U_ZERO_ERROR;
	u = xmalloc(((size_t)ulen + 1) * sizeof(*u));
	u_strFromUTF8(u, ulen + 1, NULL, p, (int32_t)len, &e);
	if (U_FAILURE(e))
		abort();
	flen = unorm2_normalize(nf, u, ulen, NULL, 0, &e);
	e = U_ZERO_ERROR;
	f = xmalloc(((size_t)flen + 1) * sizeof(*f));
	unorm2_normalize(nf, u, ulen, f, flen + 1, &e);
	if (U_FAILURE(e))
		abort();
	u_strToUTF8(NULL, 0, &olen, f, flen, &e);
	e = U_ZERO_ERROR;
	out = xmalloc((size_t)olen + 1);
	u_strToUTF8(out, olen + 1, NULL, f, flen, &e);
	if (U_FAILURE(e))
		abort();
	free(f);
	free(u);
	for (i = o = 0; out[i]; i++)
		if (out[i] != ' ' || (o > 0 && out[o - 1] != ' '))
			out[o++] = out[i];
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

/*
 * Checks the name and writes its trimmed NFC form into o->name and its
 * comparison key into *key (caller frees).  A name that folds to nothing
 * (only invisible or space characters) is refused as empty.
 */
static bool
check_name(const char *name, struct org *o, char **key, struct org_errors *errs)
{
	const char *p = name ? name : "";
	size_t len = strlen(p), i, n;
	char *nfc = NULL;
	const unsigned char *s;

	while (len > 0 && is_ascii_space(*p)) {
		p++;
		len--;
	}
	while (len > 0 && is_ascii_space(p[len - 1]))
		len--;
	if (len == 0) {
		add_error(errs, "name", "is required");
		return false;
	}
	/* No text this long is 200 characters once composed. */
	if (len > 4 * ORGS_NAME_BYTES) {
		add_error(errs, "name", "must be at most 200 characters");
		return false;
	}
	switch (text_nfc(p, len, &nfc, &n)) {
	case TEXT_OK: n = len; break;
	case TEXT_CHANGED: p = nfc; break;
	case TEXT_INVALID:
		add_error(errs, "name", "must be valid UTF-8");
		return false;
	}
	s = (const unsigned char *)p;
	for (i = 0, len = 0; i < n; len++) {
		if (text_refused_cp(text_next_cp(s, &i))) {
			add_error(errs, "name",
				  "must not contain control characters");
			free(nfc);
			return false;
		}
	}
	if (len > ORGS_NAME_MAX || n > ORGS_NAME_BYTES) {
		add_error(errs, "name", "must be at most 200 characters");
		free(nfc);
		return false;
	}
	memcpy(o->name, p, n);
	o->name[n] = '\0';
	free(nfc);
	*key = fold_name(o->name, n);
	if (!**key) {
		free(*key);
		*key = NULL;
		add_error(errs, "name", "is required");
		return false;
	}
	return true;
}

bool
orgs_name_clean(const char *name, char out[ORGS_NAME_BYTES + 1],
		const char **why)
{
	struct org o;
	struct org_errors errs = { 0 };
	char *key = NULL;
	bool ok = check_name(name, &o, &key, &errs);

	free(key);
	if (!ok) {
		*why = errs.v[0].message;
		return false;
	}
	memcpy(out, o.name, strlen(o.name) + 1);
	return true;
}

/* Copies an ASCII code in upper case; false when it does not fit. */
static bool
upper_code(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (i + 1 >= size)
			return false;
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A')
						    : s[i];
	}
	out[i] = '\0';
	return true;
}

static bool
is_alpha2(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       !s[2];
}

static bool
check_country(const char *country, struct org *o, struct org_errors *errs)
{
	if (!country || !*country) {
		add_error(errs, "country", "is required");
		return false;
	}
	if (!upper_code(country, o->country, sizeof(o->country)) ||
	    !is_alpha2(o->country)) {
		add_error(errs, "country",
			  "must be an ISO 3166-1 alpha-2 code, such as NP");
		return false;
	}
	if (!iso_country_valid(o->country)) {
		add_error(errs, "country", "is not an ISO 3166-1 country code");
		return false;
	}
	return true;
}

static bool
check_subdivision(const char *sub, bool country_ok, struct org *o,
		  struct org_errors *errs)
{
	o->subdivision[0] = '\0';
	if (!sub || !*sub)
		return true;
	if (!upper_code(sub, o->subdivision, sizeof(o->subdivision)) ||
	    !iso_subdivision_name(o->subdivision)) {
		o->subdivision[0] = '\0';
		add_error(errs, "subdivision",
			  "is not an ISO 3166-2 subdivision code, such as "
			  "NP-P3");
		return false;
	}
	if (country_ok && !iso_subdivision_valid(o->country, o->subdivision)) {
		add_error(errs, "subdivision",
			  "is not a subdivision of that country");
		return false;
	}
	return true;
}

static enum err
prepare(const struct org_input *in, struct org_errors *errs, struct org *o,
	char **key)
{
	bool ok, country_ok;

	memset(errs, 0, sizeof(*errs));
	memset(o, 0, sizeof(*o));
	*key = NULL;
	if (!iso_load(NULL, 0))
		return ERR_INTERNAL;
	ok = check_name(in->name, o, key, errs);
	if (!in->type || !*in->type) {
		add_error(errs, "type", "is required");
		ok = false;
	} else if (!orgs_type_parse(in->type, &o->type)) {
		add_error(errs, "type",
			  "must be one of government, law_enforcement, "
			  "border_force, judiciary, prosecution, "
			  "civil_society, shelter, international_organisation, "
			  "academic, private_sector");
		ok = false;
	}
	country_ok = check_country(in->country, o, errs);
	ok = check_subdivision(in->subdivision, country_ok, o, errs) && ok;
	if (ok && country_ok)
		return ERR_OK;
	free(*key);
	*key = NULL;
	return ERR_INVALID;
}

enum err
orgs_validate(const struct org_input *in, struct org_errors *out)
{
	struct org scratch;
	char *key;
	enum err e = prepare(in, out, &scratch, &key);

	free(key);
	return e;
}

enum err
orgs_create(struct db_conn *c, const struct org_input *in, struct org *out)
{
	struct org_errors errs;
	struct db_arg args[7];
	long long changes = 0;
	char *key;
	enum err e;

	e = prepare(in, &errs, out, &key);
	if (e != ERR_OK)
		return e;
	uuid_v7(out->id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->updated_at));
	out->verified = false;
	out->status = ORG_ACTIVE;
	out->version = 1;
	args[0] = db_text(out->id);
	args[1] = db_text(out->name);
	args[2] = db_text(key);
	args[3] = db_text(orgs_type_name(out->type));
	args[4] = db_text(out->country);
	args[5] = out->subdivision[0] ? db_text(out->subdivision) : DB_NULL;
	args[6] = db_text(out->created_at);
	e = db_err(db_exec(c, &orgs_sql[ORGS_INSERT], args, 7, &changes));
	free(key);
	if (e == ERR_OK && changes == 0)
		e = ERR_CONFLICT;
	return e;
}

/* Copies text into a fixed field; false when it does not fit. */
static bool
copy_col(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		return false;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return true;
}

/* Reads the current row (orgs_col order) into *o. */
static enum err
read_org(struct db_rows *rows, struct org *o)
{
	bool ok;

	memset(o, 0, sizeof(*o));
	ok = copy_col(o->id, sizeof(o->id), db_col_text(rows, ORGS_COL_ID)) &&
	     copy_col(o->name, sizeof(o->name),
		      db_col_text(rows, ORGS_COL_NAME)) &&
	     orgs_type_parse(db_col_text(rows, ORGS_COL_TYPE), &o->type) &&
	     copy_col(o->country, sizeof(o->country),
		      db_col_text(rows, ORGS_COL_COUNTRY)) &&
	     (db_col_null(rows, ORGS_COL_SUBDIVISION) ||
	      copy_col(o->subdivision, sizeof(o->subdivision),
		       db_col_text(rows, ORGS_COL_SUBDIVISION))) &&
	     orgs_status_parse(db_col_text(rows, ORGS_COL_STATUS),
			       &o->status) &&
	     copy_col(o->created_at, sizeof(o->created_at),
		      db_col_text(rows, ORGS_COL_CREATED_AT)) &&
	     copy_col(o->updated_at, sizeof(o->updated_at),
		      db_col_text(rows, ORGS_COL_UPDATED_AT));
	o->verified = db_col_int(rows, ORGS_COL_VERIFIED) != 0;
	o->version = db_col_int(rows, ORGS_COL_VERSION);
	return ok ? ERR_OK : ERR_INTERNAL;
}

/* Copies a well-formed id in lower case (ids are stored so); else false. */
static bool
normal_id(const char *id, char out[UUID_STR_LEN])
{
	return id && uuid_normalise(str_of(id), out);
}

enum err
orgs_get(struct db_conn *c, const char *id, struct org *out)
{
	char key[UUID_STR_LEN];
	struct db_arg arg;
	struct db_rows rows;
	enum err e = ERR_NOT_FOUND;
	enum db_status st;

	if (!normal_id(id, key))
		return ERR_NOT_FOUND;
	arg = db_text(key);
	db_query(c, &orgs_sql[ORGS_GET], &arg, 1, &rows);
	if (db_next(&rows))
		e = read_org(&rows, out);
	st = db_rows_close(&rows);
	return st == DB_OK ? e : db_err(st);
}

/* Resolves the filter into text arguments; false when a value is invalid. */
/* A LIKE pattern finding q anywhere, lower case, '!' escaping. */
static const char *
like_pattern(const char *q, char *out, size_t size)
{
	size_t o = 0;

	out[o++] = '%';
	for (const char *p = q; *p && o + 3 < size; p++) {
		char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;

		if (ch == '!' || ch == '%' || ch == '_')
			out[o++] = '!';
		out[o++] = ch;
	}
	out[o++] = '%';
	out[o] = '\0';
	return out;
}

struct filter_args {
	char country[ISO_COUNTRY_LEN + 1];
	char works_in[ISO_COUNTRY_LEN + 1];
	char pattern[256];
};

static bool
filter_args(const struct orgs_filter *f, struct filter_args *fa,
	    struct db_arg *args, struct db_arg *more)
{
	enum org_type t;
	enum org_status s;
	enum theme th;

	args[0] = args[1] = args[2] = DB_NULL;
	more[0] = more[1] = more[2] = DB_NULL;
	if (!f)
		return true;
	if (f->country) {
		if (!upper_code(f->country, fa->country, ISO_COUNTRY_LEN + 1) ||
		    !iso_country_valid(fa->country))
			return false;
		args[0] = db_text(fa->country);
	}
	if (f->type) {
		if (!orgs_type_parse(f->type, &t))
			return false;
		args[1] = db_text(f->type);
	}
	if (f->status) {
		if (!orgs_status_parse(f->status, &s))
			return false;
		args[2] = db_text(f->status);
	}
	if (f->theme) {
		if (!theme_parse(f->theme, &th))
			return false;
		more[0] = db_text(f->theme);
	}
	if (f->works_in) {
		if (!upper_code(f->works_in, fa->works_in,
				ISO_COUNTRY_LEN + 1) ||
		    !iso_country_valid(fa->works_in))
			return false;
		more[1] = db_text(fa->works_in);
	}
	if (f->q && *f->q) {
		if (strlen(f->q) > 100)
			return false;
		more[2] = db_text(
			like_pattern(f->q, fa->pattern, sizeof(fa->pattern)));
	}
	return true;
}

enum err
orgs_list(struct db_conn *c, const char *cursor, int limit,
	  const struct orgs_filter *filter, struct arena *a,
	  struct org_page *out)
{
	char after[UUID_STR_LEN];
	struct filter_args fa;
	struct db_arg args[8];
	struct db_rows rows;
	enum err e = ERR_OK;
	enum db_status st;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (limit == 0)
		limit = ORGS_LIST_DEFAULT;
	if (limit < 1 || limit > ORGS_LIST_MAX)
		return ERR_INVALID;
	args[0] = DB_NULL;
	if (cursor && *cursor) {
		if (!normal_id(cursor, after))
			return ERR_INVALID;
		args[0] = db_text(after);
	}
	if (!filter_args(filter, &fa, args + 1, args + 5))
		return ERR_INVALID;
	/* One row more than asked tells whether a next page exists. */
	args[4] = DB_INT(limit + 1);
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	db_query(c, &orgs_sql[ORGS_LIST], args, 8, &rows);
	while (e == ERR_OK && db_next(&rows)) {
		if (n == (size_t)limit) {
			memcpy(out->next_cursor, out->items[n - 1].id,
			       UUID_STR_LEN);
			break;
		}
		e = read_org(&rows, &out->items[n++]);
	}
	st = db_rows_close(&rows);
	out->n = n;
	if (st != DB_OK)
		e = db_err(st);
	if (e != ERR_OK)
		memset(out, 0, sizeof(*out));
	return e;
}

enum err
orgs_set_status(struct db_conn *c, const char *id, enum org_status status,
		long long expected_version, struct org *out)
{
	char key[UUID_STR_LEN], now[TIME_RFC3339_LEN];
	struct db_arg args[4];
	struct db_rows rows;
	struct org current, *o = out ? out : &current;
	enum err e = ERR_NOT_FOUND;
	enum db_status st;
	bool updated = false;

	if (!orgs_status_name(status))
		return ERR_INVALID;
	if (!normal_id(id, key))
		return ERR_NOT_FOUND;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(key);
	args[1] = db_text(orgs_status_name(status));
	args[2] = db_text(now);
	args[3] = DB_INT(expected_version);
	db_query(c, &orgs_sql[ORGS_SET_STATUS], args, 4, &rows);
	if (db_next(&rows)) {
		updated = true;
		e = read_org(&rows, o);
	}
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	if (updated)
		return e;
	/* Nothing changed: either no such organisation or a stale version. */
	e = orgs_get(c, key, &current);
	return e == ERR_OK ? ERR_CONFLICT : e;
}

static const char *const themes[THEME_COUNT] = { "prevention", "protection",
						 "prosecution", "partnership" };

const char *
theme_name(enum theme t)
{
	return (unsigned)t < THEME_COUNT ? themes[t] : NULL;
}

bool
theme_parse(const char *s, enum theme *out)
{
	for (int i = 0; s && i < THEME_COUNT; i++)
		if (!strcmp(s, themes[i])) {
			*out = (enum theme)i;
			return true;
		}
	return false;
}

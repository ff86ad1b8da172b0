/*
 * Indicators and their correlation.  An indicator is stored with its
 * canonical key, which the index (type, vkey) finds in one lookup: a new
 * indicator is linked at once to every report holding the same value, and
 * nothing stores the pairs.  A value held by more than
 * INTEL_CORRELATION_MAX reports is common and links nothing.  A person's
 * name is personal: sealed under the report's data key, its key a blind
 * index, so neither the table nor a correlation ever shows it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "cases/cases.h"
#include "intel/intel.h"
#include "intel/intel_sql.h"

/* A key of a person's name: the blind index of the normalised name. */
static const char *
name_key(struct arena *a, const struct crypto_keyring *kr, const char *norm)
{
	char *out = arena_alloc(a, CRYPTO_INDEX_LEN);

	crypto_blind_index(kr, "intel.person_name", norm, strlen(norm), out);
	return out;
}

/*
 * Normalises one value of type t into ind (key, simhash); false with
 * *why.  Names need kr (their key is a blind index).
 */
static bool
normalise(struct arena *a, const struct crypto_keyring *kr, enum intel_type t,
	  const char *value, const char *qualifier, const char *region,
	  struct intel_indicator *ind, const char **why)
{
	struct buf key;
	bool ok;

	buf_init(&key, 4 * INTEL_VALUE_MAX + 64);
	ok = intel_normalise(t, value, qualifier, region, &key, why);
	/* A Telegram handle is its messaging id: one value, so they meet. */
	if (ok && t == INTEL_HANDLE && !strncmp(key.p, "telegram:", 9))
		t = INTEL_MESSAGING;
	if (ok) {
		ind->type = t;
		ind->key = t == INTEL_NAME ? name_key(a, kr, key.p)
					   : arena_strdup(a, key.p);
		ind->simhash = t == INTEL_AD ? intel_simhash(value) : 0;
	}
	if (t == INTEL_NAME)
		crypto_wipe_buf(&key);
	buf_release(&key);
	return ok;
}

/* Reads IND_COLUMNS from column at, and the value's record count after. */
static void
read_indicator(struct db_rows *rows, int at, struct arena *a, bool count,
	       struct intel_indicator *x)
{
	const char *q = db_col_text(rows, at + 3),
		   *v = db_col_text(rows, at + 4),
		   *note = db_col_text(rows, at + 7);

	memset(x, 0, sizeof(*x));
	coord_copy(x->id, sizeof(x->id), db_col_text(rows, at));
	coord_copy(x->report_id, sizeof(x->report_id),
		   db_col_text(rows, at + 1));
	if (!intel_type_parse(db_col_text(rows, at + 2), &x->type))
		x->type = INTEL_AD; /* never written: the type is checked */
	x->qualifier = q ? arena_strdup(a, q) : NULL;
	x->value = v ? arena_strdup(a, v) : NULL;
	x->key = arena_strdup(a, db_col_text(rows, at + 6)); /* names: blind */
	x->note = note ? arena_strdup(a, note) : NULL;
	coord_copy(x->created_by, sizeof(x->created_by),
		   db_col_text(rows, at + 8));
	coord_copy(x->created_at, sizeof(x->created_at),
		   db_col_text(rows, at + 9));
	x->simhash = (uint64_t)db_col_int(rows, at + 10);
	if (count)
		x->common = db_col_int(rows, at + 11) > INTEL_CORRELATION_MAX;
}

/* The report's data key, made on first use when create is set. */
static enum err
report_key(struct db_conn *c, const struct crypto_keyring *kr,
	   const char *report_id, bool create, struct crypto_dek **out)
{
	struct db_arg args[2] = { db_text(report_id) };
	struct db_rows rows;
	char *wrapped = NULL;
	enum err e;

	*out = NULL;
	db_query(c, &intel_sql[REPORT_KEY_GET], args, 1, &rows);
	if (db_next(&rows) && db_col_text(&rows, 0))
		wrapped = strdup(db_col_text(&rows, 0));
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		goto out;
	if (wrapped) {
		*out = crypto_dek_unwrap(kr, wrapped, report_id);
		e = *out ? ERR_OK : ERR_INTERNAL;
		goto out;
	}
	if (!create)
		goto out;
	*out = crypto_dek_new();
	wrapped = crypto_dek_wrap(kr, *out, report_id);
	args[1] = db_text(wrapped);
	e = db_err(db_exec(c, &intel_sql[REPORT_KEY_SET], args, 2, NULL));
out:
	free(wrapped);
	if (e != ERR_OK && *out) {
		crypto_dek_free(*out);
		*out = NULL;
	}
	return e;
}

/* Checks one input into ind; errors name "indicators/<i>/<field>". */
static void
check_one(struct arena *a, const struct crypto_keyring *kr, size_t i,
	  const struct intel_indicator_input *in, const char *region,
	  struct intel_indicator *ind, struct coord_errors *errs)
{
	const char *f_type = arena_printf(a, "indicators/%zu/type", i);
	const char *f_value = arena_printf(a, "indicators/%zu/value", i);
	const char *why = NULL;
	enum intel_type t;

	memset(ind, 0, sizeof(*ind));
	if (!in->type || !intel_type_parse(in->type, &t)) {
		coord_error(errs, f_type, "must be an indicator type");
		return;
	}
	if (!coord_text(a, f_value, in->value, INTEL_VALUE_MAX, TEXT_LINES,
			true, &ind->value, errs))
		return;
	if (in->qualifier)
		coord_text(a, arena_printf(a, "indicators/%zu/qualifier", i),
			   in->qualifier, 40, 0, false, &ind->qualifier, errs);
	if (in->note)
		coord_text(a, arena_printf(a, "indicators/%zu/note", i),
			   in->note, COORD_LINE_MAX, 0, false, &ind->note,
			   errs);
	if (!normalise(a, kr, t, ind->value, ind->qualifier, region, ind, &why))
		coord_error(
			errs,
			why && strstr(why, "platform")
				? arena_printf(a, "indicators/%zu/qualifier", i)
				: f_value,
			why ? why : "is not a valid value of its type");
}

/* The SimHash's blocks: six of 9 bits and one of 10, so that two hashes
 * at most INTEL_SIMHASH_NEAR (6) bits apart agree on one of the seven. */
static void
block_args(struct db_arg *args, uint64_t h)
{
	for (int b = 0; b < INTEL_SIMHASH_BLOCKS; b++) {
		int width = b < INTEL_SIMHASH_BLOCKS - 1 ? 9 : 10;

		args[b] = DB_INT((long long)(h & ((1u << width) - 1)));
		h >>= width;
	}
}

/* Stores ind (checked) as a new indicator of report r; *added false when
 * the report already holds the value. */
static enum err
store(struct db_conn *c, const struct crypto_dek *dek,
      const struct intel_report *r, const char *user_id,
      struct intel_indicator *ind, bool *added)
{
	struct db_arg args[18];
	char *sealed = NULL;
	long long n = 0;
	enum err e;

	uuid_v7(ind->id);
	coord_copy(ind->report_id, sizeof(ind->report_id), r->id);
	coord_copy(ind->created_by, sizeof(ind->created_by), user_id);
	time_rfc3339(time_now_ms(), ind->created_at, sizeof(ind->created_at));
	if (ind->type == INTEL_NAME)
		sealed = crypto_field_encrypt(dek, ind->id, "value", ind->value,
					      strlen(ind->value));
	args[0] = db_text(ind->id);
	args[1] = db_text(r->id);
	args[2] = db_text(intel_type_name(ind->type));
	args[3] = db_text(ind->qualifier);
	args[4] = db_text(ind->type == INTEL_NAME ? NULL : ind->value);
	args[5] = db_text(sealed);
	args[6] = db_text(ind->key);
	if (ind->type == INTEL_AD) {
		args[7] = DB_INT((long long)ind->simhash);
		block_args(args + 8, ind->simhash);
	} else {
		for (int i = 7; i < 15; i++)
			args[i] = db_text(NULL);
	}
	args[15] = db_text(ind->note);
	args[16] = db_text(user_id);
	args[17] = db_text(ind->created_at);
	e = db_err(db_exec(c, &intel_sql[IND_INSERT], args, 18, &n));
	free(sealed);
	*added = e == ERR_OK && n == 1;
	if (!*added)
		return e;
	args[0] = db_text(intel_type_name(ind->type));
	args[1] = db_text(ind->key);
	args[2] = db_text(ind->created_at);
	return db_err(db_exec(c, &intel_sql[VALUE_BUMP], args, 3, NULL));
}

enum err
intel_indicators_add(struct db_conn *c, struct arena *a,
		     const struct crypto_keyring *kr,
		     const struct intel_report *r, const char *user_id,
		     const char *region, const struct intel_indicator_input *in,
		     size_t n, struct intel_indicator **out, size_t *nout,
		     struct coord_errors *errs)
{
	struct intel_indicator *v;
	struct crypto_dek *dek = NULL;
	bool names = false;
	enum err e = ERR_OK;

	*out = NULL;
	*nout = 0;
	if (n == 0 || n > INTEL_INDICATORS_MAX) {
		coord_error(errs, "indicators",
			    "must hold 1 to 500 indicators");
		return ERR_INVALID;
	}
	if (!region)
		region = r->share.owner_country;
	v = arena_alloc(a, n * sizeof(*v));
	for (size_t i = 0; i < n && errs->n < COORD_MAX_ERRORS; i++) {
		check_one(a, kr, i, &in[i], region, &v[i], errs);
		names = names || v[i].type == INTEL_NAME;
	}
	if (errs->n)
		return ERR_INVALID;
	if (names && (e = report_key(c, kr, r->id, true, &dek)) != ERR_OK)
		return e;
	*out = arena_alloc(a, n * sizeof(**out));
	for (size_t i = 0; e == ERR_OK && i < n; i++) {
		bool added;

		e = store(c, dek, r, user_id, &v[i], &added);
		if (e == ERR_OK && added)
			(*out)[(*nout)++] = v[i];
	}
	crypto_dek_free(dek);
	return e;
}

enum err
intel_indicators_list(struct db_conn *c, struct arena *a,
		      const struct crypto_keyring *kr, const char *report_id,
		      struct intel_indicator **out, size_t *n)
{
	struct db_arg arg = db_text(report_id);
	struct crypto_dek *dek = NULL;
	struct db_rows rows;
	struct buf plain;
	size_t cap = 16;
	enum err e;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	buf_init(&plain, 0);
	if (kr && (e = report_key(c, kr, report_id, false, &dek)) != ERR_OK)
		goto out;
	db_query(c, &intel_sql[IND_LIST], &arg, 1, &rows);
	while (db_next(&rows)) {
		struct intel_indicator *x;
		const char *sealed = db_col_text(&rows, 5);

		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		x = &(*out)[(*n)++];
		read_indicator(&rows, 0, a, true, x);
		/* Each name in a buffer of its own, wiped at once. */
		if (x->type == INTEL_NAME && dek && sealed &&
		    crypto_field_decrypt(dek, x->id, "value", sealed, &plain))
			x->value = arena_strdup(a, plain.p);
		crypto_wipe_buf(&plain);
	}
	e = db_err(db_rows_close(&rows));
out:
	crypto_dek_free(dek);
	return e;
}

enum err
intel_indicator_get(struct db_conn *c, struct arena *a,
		    const struct crypto_keyring *kr, const char *report_id,
		    const char *id, struct intel_indicator *out)
{
	struct db_arg args[2] = { db_text(id), db_text(report_id) };
	struct crypto_dek *dek = NULL;
	struct db_rows rows;
	struct buf plain;
	const char *sealed = NULL;
	bool found;
	enum err e;

	db_query(c, &intel_sql[IND_GET], args, 2, &rows);
	found = db_next(&rows);
	if (found) {
		read_indicator(&rows, 0, a, true, out);
		if (db_col_text(&rows, 5))
			sealed = arena_strdup(a, db_col_text(&rows, 5));
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found)
		return ERR_NOT_FOUND;
	if (!kr || !sealed)
		return ERR_OK;
	/* A name's key is its blind index: kept for correlating. */
	if ((e = report_key(c, kr, report_id, false, &dek)) != ERR_OK)
		return e;
	buf_init(&plain, 0);
	if (dek && crypto_field_decrypt(dek, out->id, "value", sealed, &plain))
		out->value = arena_strdup(a, plain.p);
	crypto_wipe_buf(&plain);
	crypto_dek_free(dek);
	return ERR_OK;
}

enum err
intel_indicator_delete(struct db_conn *c, const char *report_id, const char *id)
{
	struct db_arg args[2] = { db_text(id), db_text(report_id) };
	struct db_rows rows;
	char type[32] = "", key[4 * INTEL_VALUE_MAX + 64];
	bool found;
	enum err e;

	key[0] = '\0';
	db_query(c, &intel_sql[IND_GET], args, 2, &rows);
	found = db_next(&rows);
	if (found) {
		coord_copy(type, sizeof(type), db_col_text(&rows, 2));
		coord_copy(key, sizeof(key), db_col_text(&rows, 6));
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found)
		return ERR_NOT_FOUND;
	e = db_err(db_exec(c, &intel_sql[IND_DELETE], args, 1, NULL));
	args[0] = db_text(type);
	args[1] = db_text(key);
	return e == ERR_OK ? db_err(db_exec(c, &intel_sql[VALUE_DROP], args, 2,
					    NULL))
			   : e;
}

/* ---- Correlation -------------------------------------------------------- */

/* May the existence of a record the viewer cannot see be told? */
static bool
countable(enum access_tlp tlp)
{
	return tlp == TLP_CLEAR || tlp == TLP_GREEN || tlp == TLP_AMBER;
}

static void
hide(struct arena *a, struct intel_correlation *out, size_t *cap,
     const char *org_id, const char *org_name)
{
	for (size_t i = 0; i < out->nhidden; i++)
		if (!strcmp(out->hidden[i].org_id, org_id)) {
			out->hidden[i].count++;
			return;
		}
	out->hidden = arena_grow(a, out->hidden, out->nhidden, cap,
				 sizeof(*out->hidden));
	coord_copy(out->hidden[out->nhidden].org_id, UUID_STR_LEN, org_id);
	out->hidden[out->nhidden].org_name = arena_strdup(a, org_name);
	out->hidden[out->nhidden++].count = 1;
}

/* Adds case_id to out->cases when the actor may see it (erased cases
 * never), once; report_id: the report linking it, or "" when the case
 * holds the value itself. */
static enum err
add_case(struct db_conn *c, struct arena *a, const struct access_actor *actor,
	 const char *case_id, const char *report_id,
	 struct intel_correlation *out, size_t *cap)
{
	struct case_record r;
	struct access_record ar;
	struct intel_case_link *l;
	enum err e;

	for (size_t i = 0; i < out->ncases; i++)
		if (!strcmp(out->cases[i].case_id, case_id))
			return ERR_OK;
	if (out->ncases >= COORD_LIST_MAX_ITEMS)
		return ERR_OK;
	if ((e = cases_get(c, a, case_id, &r)) != ERR_OK)
		return e == ERR_NOT_FOUND ? ERR_OK : e;
	ar = cases_access(&r);
	if (!r.erased_at[0] &&
	    access_check(actor, ACT_READ, &ar) == ACCESS_ALLOW) {
		out->cases = arena_grow(a, out->cases, out->ncases, cap,
					sizeof(*out->cases));
		l = &out->cases[out->ncases++];
		coord_copy(l->case_id, sizeof(l->case_id), r.id);
		coord_copy(l->report_id, sizeof(l->report_id), report_id);
		l->reference =
			arena_strdup(a, json_string_value(json_object_get(
						r.head.data, "reference")));
	}
	cases_release(&r);
	return ERR_OK;
}

/* The cases linked to report_id that the actor may see. */
static enum err
visible_cases(struct db_conn *c, struct arena *a,
	      const struct access_actor *actor, const char *report_id,
	      struct intel_correlation *out, size_t *cap)
{
	struct db_arg arg = db_text(report_id);
	const char **ids;
	size_t n;
	enum err e = db_err(
		db_texts(c, &intel_sql[REPORT_CASES], &arg, 1, a, &ids, &n));

	for (size_t i = 0; e == ERR_OK && i < n; i++)
		e = add_case(c, a, actor, ids[i], report_id, out, cap);
	return e;
}

/* The reports holding the value: rows of REPORT head, title, owner name
 * and the indicator (IND_HIT_COLUMNS). */
static enum err
hits(struct db_conn *c, struct arena *a, const struct crypto_keyring *kr,
     const struct access_actor *actor, const struct intel_indicator *ind,
     const char *exclude, struct intel_correlation *out)
{
	struct db_arg args[INTEL_SIMHASH_BLOCKS + 1];
	struct db_rows rows;
	size_t scap = 8, hcap = 4, ccap = 4, near = 0;
	bool ad = ind->type == INTEL_AD;
	enum err e;

	out->sightings = arena_alloc(a, scap * sizeof(*out->sightings));
	out->hidden = arena_alloc(a, hcap * sizeof(*out->hidden));
	out->cases = arena_alloc(a, ccap * sizeof(*out->cases));
	if (ad) {
		block_args(args, ind->simhash);
		args[INTEL_SIMHASH_BLOCKS] = DB_INT(20 * INTEL_CORRELATION_MAX);
		db_query(c, &intel_sql[IND_NEAR_AD], args,
			 INTEL_SIMHASH_BLOCKS + 1, &rows);
	} else {
		args[0] = db_text(intel_type_name(ind->type));
		args[1] = db_text(ind->key);
		args[2] = DB_INT(INTEL_CORRELATION_MAX + 2);
		db_query(c, &intel_sql[IND_BY_VALUE], args, 3, &rows);
	}
	while (db_next(&rows)) {
		char rid[UUID_STR_LEN];
		struct coord_share share;
		struct access_record ar;
		struct intel_indicator x;
		struct intel_sighting *s;
		int d = 0;

		coord_read_head(&rows, rid, &share);
		read_indicator(&rows, 8, a, false, &x);
		if (ad) {
			d = __builtin_popcountll(x.simhash ^ ind->simhash);
			if (x.type != INTEL_AD || d > INTEL_SIMHASH_NEAR)
				continue;
			if (++near > INTEL_CORRELATION_MAX + 1) {
				out->common = true;
				break;
			}
		}
		if (exclude && !strcmp(rid, exclude))
			continue;
		ar = coord_access(&share, NULL, 0);
		if (access_check(actor, ACT_READ, &ar) != ACCESS_ALLOW) {
			if (countable(share.tlp))
				hide(a, out, &hcap, share.owner_org,
				     db_col_text(&rows, 7));
			continue;
		}
		out->sightings = arena_grow(a, out->sightings, out->nsightings,
					    &scap, sizeof(*out->sightings));
		s = &out->sightings[out->nsightings++];
		memcpy(s->report_id, rid, sizeof(rid));
		s->report_title = arena_strdup(a, db_col_text(&rows, 6));
		memcpy(s->org_id, share.owner_org, sizeof(s->org_id));
		s->org_name = arena_strdup(a, db_col_text(&rows, 7));
		memcpy(s->indicator_id, x.id, sizeof(s->indicator_id));
		memcpy(s->at, x.created_at, sizeof(s->at));
		s->distance = d;
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (out->common) {
		out->nsightings = out->nhidden = 0;
		return ERR_OK;
	}
	if (ad)
		out->records = (long long)near;
	for (size_t i = 0; e == ERR_OK && i < out->nsightings; i++)
		e = visible_cases(c, a, actor, out->sightings[i].report_id, out,
				  &ccap);
	if (e == ERR_OK && kr) {
		const char **ids;
		size_t n;

		e = intel_case_hits(c, a, kr, ind, &ids, &n);
		for (size_t i = 0; e == ERR_OK && i < n; i++)
			e = add_case(c, a, actor, ids[i], "", out, &ccap);
	}
	return e;
}

enum err
intel_correlate(struct db_conn *c, struct arena *a,
		const struct crypto_keyring *kr,
		const struct access_actor *actor,
		const struct intel_indicator *ind, const char *exclude,
		struct intel_correlation *out)
{
	struct db_arg args[2] = { db_text(intel_type_name(ind->type)),
				  db_text(ind->key) };
	struct db_rows rows;
	enum err e;

	memset(out, 0, sizeof(*out));
	out->type = ind->type;
	out->key = ind->type == INTEL_NAME ? NULL : ind->key;
	db_query(c, &intel_sql[VALUE_GET], args, 2, &rows);
	if (db_next(&rows)) {
		out->records = db_col_int(&rows, 0);
		coord_copy(out->first_seen, sizeof(out->first_seen),
			   db_col_text(&rows, 1));
		coord_copy(out->last_seen, sizeof(out->last_seen),
			   db_col_text(&rows, 2));
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	out->common = out->records > INTEL_CORRELATION_MAX;
	if (out->common)
		return ERR_OK;
	return hits(c, a, kr, actor, ind, exclude, out);
}

enum err
intel_search_values(struct arena *a, const struct crypto_keyring *kr,
		    const char *type, const char *value, const char *qualifier,
		    const char *region, struct intel_indicator **out, size_t *n,
		    struct coord_errors *errs)
{
	struct intel_found found[INTEL_EXTRACT_MAX];
	const char *clean, *why = NULL;
	enum intel_type t;
	size_t nf;

	*n = 0;
	if (!coord_text(a, "value", value, INTEL_VALUE_MAX, TEXT_LINES, true,
			&clean, errs))
		return ERR_INVALID;
	*out = arena_alloc(a, INTEL_EXTRACT_MAX * sizeof(**out));
	if (type) {
		if (!intel_type_parse(type, &t)) {
			coord_error(errs, "type", "must be an indicator type");
			return ERR_INVALID;
		}
		memset(*out, 0, sizeof(**out));
		(*out)->value = clean;
		if (!normalise(a, kr, t, clean, qualifier, region, *out,
			       &why)) {
			coord_error(errs, "value",
				    why ? why : "is not a value of that type");
			return ERR_INVALID;
		}
		*n = 1;
		return ERR_OK;
	}
	nf = intel_extract(clean, region, a, found, INTEL_EXTRACT_MAX);
	for (size_t i = 0; i < nf; i++) {
		struct intel_indicator *x = &(*out)[(*n)++];

		memset(x, 0, sizeof(*x));
		x->type = found[i].type;
		x->qualifier = found[i].qualifier;
		x->value = found[i].value;
		x->key = found[i].key;
		x->simhash = x->type == INTEL_AD ? intel_simhash(x->value) : 0;
	}
	if (!*n) {
		coord_error(errs, "value",
			    "holds no indicator atip recognises: choose its "
			    "type");
		return ERR_INVALID;
	}
	return ERR_OK;
}

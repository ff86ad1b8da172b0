/*
 * What cases' perpetrators are known by, for correlation: their names,
 * phone numbers and emails, normalised as indicators are and kept only as
 * blind indexes (keyed BLAKE2b: no value in clear), so that a value
 * reported in intel finds the cases holding it.  A periodic job (woken by
 * every person written) indexes perpetrators added or changed, decrypting
 * their fields in the worker's memory only for as long as that takes.
 */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "cases/cases.h"
#include "intel/intel.h"
#include "intel/intel_sql.h"

enum { BATCH = 100, RUN_MAX = 10000, PERSON_VALUES = 4 };

void
intel_case_key(const struct crypto_keyring *kr, enum intel_type t,
	       const char *key, char out[CRYPTO_INDEX_LEN])
{
	char kind[40];

	if (t == INTEL_NAME) { /* already the blind index of the name */
		coord_copy(out, CRYPTO_INDEX_LEN, key);
		return;
	}
	snprintf(kind, sizeof(kind), "intel.%s", intel_type_name(t));
	crypto_blind_index(kr, kind, key, strlen(key), out);
}

static const char *
text(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* One value of the person, normalised and blind-indexed into v. */
static bool
value(const struct crypto_keyring *kr, enum intel_type t, const char *raw,
      const char *region, struct buf *key, char v[CRYPTO_INDEX_LEN])
{
	char name[CRYPTO_INDEX_LEN];

	if (!raw || !intel_normalise(t, raw, NULL, region, key, NULL))
		return false;
	if (t == INTEL_NAME) {
		crypto_blind_index(kr, "intel.person_name", key->p, key->len,
				   name);
		intel_case_key(kr, t, name, v);
	} else {
		intel_case_key(kr, t, key->p, v);
	}
	crypto_wipe_buf(key);
	return true;
}

/* One perpetrator to index, and the keyring. */
struct person {
	const struct crypto_keyring *kr;
	const char *id, *case_id;
};

/* Indexes one perpetrator: its values replace what was indexed before. */
static enum db_status
index_tx(struct db_conn *c, void *arg)
{
	const struct person *p = arg;
	const struct crypto_keyring *kr = p->kr;
	struct db_arg args[4] = { db_text(p->id) };
	struct case_record r;
	struct arena a;
	struct buf key;
	enum err e = ERR_OK;

	arena_init(&a);
	buf_init(&key, 4 * INTEL_VALUE_MAX + 64);
	if (cases_get(c, &a, p->case_id, &r) != ERR_OK) {
		arena_release(&a);
		buf_release(&key);
		return DB_OK; /* gone meanwhile: nothing to index */
	}
	if (cases_load_parts(c, &a, &r) == ERR_OK &&
	    cases_open_personal(kr, &r, NULL, 0))
		for (size_t i = 0; e == ERR_OK && i < r.npersons; i++) {
			json_t *s = r.persons[i].personal;
			const char *given = text(s, "first_name"),
				   *family = text(s, "family_name");
			struct {
				enum intel_type t;
				const char *raw;
			} vals[PERSON_VALUES] = {
				{ INTEL_NAME,
				  given && family ? arena_printf(&a, "%s %s",
								 given, family)
						  : NULL },
				{ INTEL_PHONE, text(s, "mobile_phone") },
				{ INTEL_PHONE, text(s, "home_phone") },
				{ INTEL_EMAIL, text(s, "email") },
			};

			if (strcmp(r.persons[i].id, p->id))
				continue;
			e = db_err(db_exec(c, &intel_sql[CASEVAL_DELETE], args,
					   1, NULL));
			for (int j = 0; e == ERR_OK && j < PERSON_VALUES; j++) {
				char v[CRYPTO_INDEX_LEN];

				if (!value(kr, vals[j].t, vals[j].raw,
					   r.share.owner_country, &key, v))
					continue;
				args[1] = db_text(p->case_id);
				args[2] = db_text(intel_type_name(vals[j].t));
				args[3] = db_text(v);
				e = db_err(db_exec(c,
						   &intel_sql[CASEVAL_INSERT],
						   args, 4, NULL));
			}
			args[1] = DB_INT(r.persons[i].version);
			if (e == ERR_OK)
				e = db_err(db_exec(c, &intel_sql[CASEVAL_DONE],
						   args, 2, NULL));
		}
	cases_release(&r);
	crypto_wipe_buf(&key);
	buf_release(&key);
	arena_release(&a);
	return db_status_of(e);
}

enum err
intel_cases_index(struct db *db, const struct crypto_keyring *kr,
		  long long *indexed)
{
	struct db_conn *c = db_acquire(db);
	char ids[BATCH][2][UUID_STR_LEN], after[UUID_STR_LEN] = "";
	size_t n = BATCH, done = 0;
	enum err e;

	*indexed = 0;
	if (!c)
		return ERR_UNAVAILABLE;
	e = db_err(
		db_exec(c, &intel_sql[CASEVAL_FORGET_ERASED], NULL, 0, NULL));
	while (e == ERR_OK && n == BATCH && done < RUN_MAX) {
		struct db_arg args[2] = { DB_INT(BATCH), db_text(after) };
		struct db_rows rows;

		n = 0;
		db_query(c, &intel_sql[CASEVAL_STALE], args, 2, &rows);
		while (n < BATCH && db_next(&rows)) {
			coord_copy(ids[n][0], UUID_STR_LEN,
				   db_col_text(&rows, 0));
			coord_copy(ids[n++][1], UUID_STR_LEN,
				   db_col_text(&rows, 1));
		}
		e = db_err(db_rows_close(&rows));
		for (size_t i = 0; e == ERR_OK && i < n; i++) {
			struct person p = { kr, ids[i][0], ids[i][1] };

			e = db_err(db_tx_conn(c, index_tx, &p));
			*indexed += e == ERR_OK;
		}
		if (n)
			coord_copy(after, sizeof(after), ids[n - 1][0]);
		done += n;
	}
	db_release(c);
	return e;
}

enum err
intel_case_hits(struct db_conn *c, struct arena *a,
		const struct crypto_keyring *kr,
		const struct intel_indicator *ind, const char ***cases,
		size_t *n)
{
	char v[CRYPTO_INDEX_LEN];
	struct db_arg args[3];

	*n = 0;
	if (ind->type != INTEL_NAME && ind->type != INTEL_PHONE &&
	    ind->type != INTEL_EMAIL)
		return ERR_OK; /* nothing else is indexed */
	intel_case_key(kr, ind->type, ind->key, v);
	args[0] = db_text(intel_type_name(ind->type));
	args[1] = db_text(v);
	args[2] = DB_INT(COORD_LIST_MAX_ITEMS);
	return db_err(
		db_texts(c, &intel_sql[CASEVAL_HITS], args, 3, a, cases, n));
}

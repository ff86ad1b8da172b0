/* What the files of the cases module share among themselves. */
#ifndef ATIP_CASES_INT_H
#define ATIP_CASES_INT_H

#include <stdlib.h>

#include "cases/cases.h"

enum { CASES_FIELD_MAX = 256 * 1024 }; /* bytes of one decrypted field */

/* A JSON object from text (an empty one when it is not an object). */
json_t *cases_json_parse(const char *text);

/* Compact JSON text with sorted keys, in arena memory. */
const char *cases_json_text(struct arena *a, const json_t *v);

/* Sets changes' fields into into; a null removes one. */
void cases_merge(json_t *into, json_t *changes);

/* A JSON array of strings as a framed list ",a,b," ("" when empty). */
const char *cases_framed(struct arena *a, const json_t *list);

/*
 * The case's data key, NULL once erased or when it does not open; give it
 * back with cases_dek_done().  A case just created keeps its key open for
 * what is written to it next (an import writes many).
 */
struct crypto_dek *cases_dek(const struct crypto_keyring *kr,
			     const struct case_record *r);
void cases_dek_done(const struct case_record *r, struct crypto_dek *dek);

/*
 * The stored ciphertexts sealed (JSON text) with personal's fields
 * encrypted into it under dek for record id (null removes one).  NULL when
 * encryption fails.
 */
const char *cases_seal(struct arena *a, const struct crypto_dek *dek,
		       const char *id, const char *sealed, json_t *personal);

/*
 * Decrypts the fields of sealed (only those named in only, when nonly)
 * into a new object *out.  False when one does not open.
 */
bool cases_unseal(const struct crypto_dek *dek, const char *id,
		  const char *sealed, const char *const *only, size_t nonly,
		  json_t **out);

/* ---- Spreadsheet rows (cases_table.c) ---- */

/* The columns of an export, with the personal ones or not (arena). */
size_t cases_table_columns(struct arena *a, bool personal, const char ***out);

/*
 * The cells of one exported row (record: "case", "victim", "event", ...;
 * its entry e with personal fields when read) in cells[0..ncols).
 */
void cases_table_cells(struct arena *a, const char *const *cols, size_t ncols,
		       const char *record, const char *case_id,
		       const struct case_record *r, const struct case_entry *e,
		       const char **cells);

/* A cell of a row read: its column and text (not empty). */
struct cases_cell {
	size_t col;
	const char *v;
};

/* A form's input (new JSON object) from a row's cells, under cols. */
json_t *cases_table_input(enum case_form_id form, const char *const *cols,
			  const struct cases_cell *cells, size_t n);

/* Is column one atip reads?  Is it a personal field's? */
bool cases_table_known(const char *column);
bool cases_table_personal(const char *column);

/* Does the JSON list of strings hold v? */
bool cases_has(const json_t *list, const char *v);

/* Is the person (plain fields) a minor by their age band? */
bool cases_minor(const json_t *person);

/* Recomputes the risk flags kept on the case row, for lists. */
enum err cases_flags_refresh(struct db_conn *c, struct arena *a,
			     const char *case_id);

#endif

/*
 * Personal data at rest: a marker stored through field encryption must
 * not appear in plaintext anywhere the database keeps it — the SQLite file
 * and its WAL, or PostgreSQL's table file — while it still decrypts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testdb.h"

#include "base/buf.h"
#include "crypto/crypto.h"

static const char marker[] = "FICTIONAL-MARKER-Maya-Example-7a3f";
static const char rec[] = "0190f5a2-7c3e-7d41-9a2b-6f0e5d4c3b2a";
static char dir[64];
static struct crypto_keyring *kr;

static void
fixture_prepare(struct fixture *f)
{
	struct db_conn *c = db_acquire(f->db);

	assert_int_equal(db_script(c,
				   "CREATE TABLE person (id TEXT PRIMARY KEY,"
				   " data_key TEXT NOT NULL,"
				   " name TEXT NOT NULL)"),
			 DB_OK);
	db_release(c);
}

static const struct db_stmt insert = {
	"test_person_insert",
	"INSERT INTO person (id, data_key, name) VALUES ($1, $2, $3)", NULL,
	NULL
};
static const struct db_stmt select_person = {
	"test_person_select", "SELECT data_key, name FROM person WHERE id = $1",
	NULL, NULL
};

/* True when the file at path holds the marker's bytes. */
static bool
file_has_marker(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;
	bool found;

	if (!f)
		return false;
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	found = b.len && memmem(b.p, b.len, marker, strlen(marker));
	buf_release(&b);
	return found;
}

/* The files PostgreSQL keeps the table in, after a checkpoint. */
static void
pg_table_path(struct db_conn *c, char *out, size_t len)
{
	static const struct db_stmt where = {
		"test_pg_path",
		"SELECT current_setting('data_directory') || '/' ||"
		" pg_relation_filepath('person')",
		NULL, NULL
	};
	struct db_rows rows;

	assert_int_equal(db_script(c, "CHECKPOINT"), DB_OK);
	db_query(c, &where, NULL, 0, &rows);
	assert_true(db_next(&rows));
	snprintf(out, len, "%s", db_col_text(&rows, 0));
	assert_int_equal(db_rows_close(&rows), DB_OK);
}

static void
a_stored_personal_field_is_never_plaintext(void **state)
{
	struct fixture *f = *state;
	struct crypto_dek *dek = crypto_dek_new(), *back;
	char *wrapped = crypto_dek_wrap(kr, dek, rec);
	char *name =
		crypto_field_encrypt(dek, rec, "name", marker, strlen(marker));
	struct db_arg a[3] = { db_text(rec), db_text(wrapped), db_text(name) };
	struct db_conn *c = db_acquire(f->db);
	struct db_rows rows;
	struct buf out;
	char path[1024];

	assert_int_equal(db_exec(c, &insert, a, 3, NULL), DB_OK);
	/* It reads back through the keyring... */
	db_query(c, &select_person, a, 1, &rows);
	assert_true(db_next(&rows));
	back = crypto_dek_unwrap(kr, db_col_text(&rows, 0), rec);
	assert_non_null(back);
	assert_true(crypto_field_decrypt(back, rec, "name",
					 db_col_text(&rows, 1), &out));
	assert_memory_equal(out.p, marker, strlen(marker));
	crypto_wipe_buf(&out);
	assert_int_equal(db_rows_close(&rows), DB_OK);
	/* ... and is nowhere on disk as plaintext. */
	if (f->engine == DB_SQLITE) {
		snprintf(path, sizeof(path), "%s-wal", testdb_path);
		assert_true(file_has_marker(path) == false);
		assert_true(file_has_marker(testdb_path) == false);
		/* The check itself works: plaintext would be found. */
		a[0] = db_text("plain");
		a[2] = db_text(marker);
		assert_int_equal(db_exec(c, &insert, a, 3, NULL), DB_OK);
		assert_true(file_has_marker(path) ||
			    file_has_marker(testdb_path));
	} else {
		pg_table_path(c, path, sizeof(path));
		assert_false(file_has_marker(path));
		a[0] = db_text("plain");
		a[2] = db_text(marker);
		assert_int_equal(db_exec(c, &insert, a, 3, NULL), DB_OK);
		pg_table_path(c, path, sizeof(path));
		assert_true(file_has_marker(path));
	}
	db_release(c);
	crypto_dek_free(back);
	crypto_dek_free(dek);
	free(wrapped);
	free(name);
}

#define TESTS(X) X(a_stored_personal_field_is_never_plaintext)

int
main(void)
{
	char err[256], cmd[96];
	int failed;

	if (!crypto_init())
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/atip-crypto-db-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	kr = crypto_keyring_open(dir, true, err, sizeof(err));
	if (!kr)
		return 1;
	failed = TESTDB_RUN("crypto at rest", TESTS);
	crypto_keyring_close(kr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? failed : 1;
}

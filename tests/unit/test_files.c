/*
 * Unit tests of src/files on SQLite and PostgreSQL: what is stored for a
 * sensitive record (sealed bytes, sealed name, a key of its own), reading
 * it back, the type found by content, and key rotation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "testdb.h"

#include "app.h"
#include "files/files.h"
#include "orgs/orgs.h"

static char dir[64];
static struct crypto_keyring *kr;
static struct org org;
static struct arena a; /* a test's memory, released before the next */

/* A small PDF whose bytes hold a marker that must never be stored. */
static const char pdf[] = "%PDF-1.4\n% FICTIONAL-MARKER-Sita-Example\n"
			  "1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
static const char marker[] = "FICTIONAL-MARKER-Sita-Example";
static const char name[] = "Statement of Sita Example (fictional).pdf";

static enum db_status
make_org(struct db_conn *c, void *arg)
{
	const struct org_input in = { "Demo Shelter (fictional)", "shelter",
				      "NP", NULL };

	(void)arg;
	return orgs_create(c, &in, &org) == ERR_OK ? DB_OK : DB_ERROR;
}

static void
fixture_prepare(struct fixture *f)
{
	char err[256];
	size_t n;
	struct db_migration *all = app_migrations(&n);

	assert_int_equal(db_migrate(f->db, all, n, err, sizeof(err)), DB_OK);
	free(all);
	assert_int_equal(db_tx(f->db, make_org, NULL), DB_OK);
	arena_release(&a);
	arena_init(&a);
}

struct store {
	const char *data, *name;
	size_t len;
	bool sensitive;
	struct file_meta meta;
	const char *field, *why;
	enum err e;
};

static enum db_status
store_tx(struct db_conn *c, void *arg)
{
	struct store *s = arg;
	struct file_input in = { .record_kind = "case",
				 .record_id =
					 "0190f5a2-0000-7000-8000-0000000c0de1",
				 .owner_org = org.id,
				 .name = s->name,
				 .data = s->data,
				 .len = s->len,
				 .sensitive = s->sensitive };

	s->e = files_store(c, kr, &a, &in, &s->meta, &s->field, &s->why);
	return s->e == ERR_OK ? DB_OK : DB_ERROR;
}

static struct store
store(struct db *db, const char *data, size_t len, const char *n,
      bool sensitive)
{
	struct store s = {
		.data = data, .len = len, .name = n, .sensitive = sensitive
	};

	db_tx(db, store_tx, &s);
	return s;
}

/* Counts the rows of files whose name or bytes hold the marker. */
static long long
leaks(struct db *db)
{
	static const struct db_stmt count = {
		"t_leaks", "SELECT id, name, content FROM files", NULL, NULL
	};
	struct db_conn *c = db_acquire(db);
	struct db_rows rows;
	long long n = 0;

	db_query(c, &count, NULL, 0, &rows);
	while (db_next(&rows)) {
		struct buf b;

		buf_init(&b, 0);
		assert_true(db_col_blob(&rows, 2, &b));
		n += memmem(b.p ? b.p : "", b.len, marker, strlen(marker)) ||
		     strstr(db_col_text(&rows, 1), "Sita");
		buf_release(&b);
	}
	assert_int_equal(db_rows_close(&rows), DB_OK);
	db_release(c);
	return n;
}

static void
a_sensitive_file_is_sealed_and_opens_whole(void **state)
{
	struct fixture *f = *state;
	struct store s = store(f->db, pdf, sizeof(pdf) - 1, name, true);
	struct db_conn *c = db_acquire(f->db);
	struct file_meta m;
	struct buf out;

	assert_int_equal(s.e, ERR_OK);
	assert_true(s.meta.encrypted);
	assert_string_equal(s.meta.media_type, "application/pdf");
	assert_int_equal(leaks(f->db), 0);
	assert_int_equal(files_get(c, s.meta.id, &a, &m), ERR_OK);
	assert_true(m.encrypted);
	assert_int_equal(m.size, sizeof(pdf) - 1);
	assert_null(strstr(m.name, "Sita")); /* sealed until opened */
	assert_true(files_open_name(kr, c, &a, &m));
	assert_string_equal(m.name, name);
	buf_init(&out, 1 << 20);
	assert_int_equal(files_read(c, kr, s.meta.id, &out), ERR_OK);
	assert_int_equal(out.len, sizeof(pdf) - 1);
	assert_memory_equal(out.p, pdf, out.len);
	crypto_wipe_buf(&out);
	/* A plain file of a record that is not sensitive is kept as sent. */
	s = store(f->db, pdf, sizeof(pdf) - 1, "minutes.pdf", false);
	assert_int_equal(s.e, ERR_OK);
	assert_false(s.meta.encrypted);
	assert_int_equal(leaks(f->db), 1);
	db_release(c);
}

static void
types_come_from_the_bytes_and_names_are_checked(void **state)
{
	struct fixture *f = *state;
	static const char html[] = "<!DOCTYPE html><html><body><script>x()"
				   "</script></body></html>\n";
	static const char elf[] = "\x7f"
				  "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00";
	struct store s;

	s = store(f->db, html, sizeof(html) - 1, "notes.pdf", false);
	assert_int_equal(s.e, ERR_INVALID);
	assert_string_equal(s.field, "content");
	s = store(f->db, elf, sizeof(elf) - 1, "report.pdf", true);
	assert_int_equal(s.e, ERR_INVALID);
	assert_string_equal(s.field, "content");
	s = store(f->db, "", 0, "empty.txt", false);
	assert_int_equal(s.e, ERR_INVALID);
	for (int i = 0; i < 4; i++) {
		static const char *const bad[] = { "../etc/passwd", ".hidden",
						   "a\\b", "  " };

		s = store(f->db, pdf, sizeof(pdf) - 1, bad[i], false);
		assert_int_equal(s.e, ERR_INVALID);
		assert_string_equal(s.field, "name");
	}
	s = store(f->db, "plain words of a note\n", 22, "note.txt", false);
	assert_int_equal(s.e, ERR_OK);
	assert_string_equal(s.meta.media_type, "text/plain");
}

static void
rotation_rewraps_file_keys_and_they_still_open(void **state)
{
	struct fixture *f = *state;
	struct store s = store(f->db, pdf, sizeof(pdf) - 1, name, true);
	struct crypto_keyring *old = kr;
	struct db_conn *c;
	char err[256];
	long long n = -1;
	struct buf out;

	assert_int_equal(s.e, ERR_OK);
	assert_true(crypto_keyring_rotate(dir, err, sizeof(err)) > 0);
	kr = crypto_keyring_open(dir, false, err, sizeof(err));
	assert_non_null(kr);
	assert_int_equal(files_rewrap(f->db, kr, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(files_rewrap(f->db, kr, &n), ERR_OK);
	assert_int_equal(n, 0); /* nothing left under the old key */
	c = db_acquire(f->db);
	buf_init(&out, 1 << 20);
	assert_int_equal(files_read(c, kr, s.meta.id, &out), ERR_OK);
	assert_memory_equal(out.p, pdf, sizeof(pdf) - 1);
	crypto_wipe_buf(&out);
	/* Erased, the file is gone with its key. */
	assert_int_equal(files_delete(c, s.meta.id), ERR_OK);
	buf_init(&out, 1 << 20);
	assert_int_equal(files_read(c, kr, s.meta.id, &out), ERR_NOT_FOUND);
	buf_release(&out);
	db_release(c);
	crypto_keyring_close(old);
}

#define TESTS(X)                                           \
	X(a_sensitive_file_is_sealed_and_opens_whole)      \
	X(types_come_from_the_bytes_and_names_are_checked) \
	X(rotation_rewraps_file_keys_and_they_still_open)

int
main(void)
{
	char err[256], cmd[96];
	int failed;

	if (!crypto_init())
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/atip-files-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	kr = crypto_keyring_open(dir, true, err, sizeof(err));
	if (!kr)
		return 1;
	arena_init(&a);
	failed = TESTDB_RUN("files", TESTS);
	arena_release(&a);
	crypto_keyring_close(kr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? failed : 1;
}

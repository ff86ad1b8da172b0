#include "files/files.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>

#include "base/mem.h"
#include "base/text.h"
#include "files/files_sql.h"

/*
 * What atip keeps: documents and images people exchange about meetings,
 * practices and cases.  Anything that a browser or an office suite could
 * run (HTML, SVG, scripts, executables, macro-enabled formats) or that
 * hides other files (archives) is refused.
 */
static const char *const kept[] = {
	"application/pdf",
	"image/png",
	"image/jpeg",
	"image/gif",
	"image/webp",
	"text/plain",
	"text/csv",
	"application/msword",
	"application/vnd.ms-excel",
	"application/vnd.ms-powerpoint",
	"application/vnd.openxmlformats-officedocument.wordprocessingml."
	"document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml."
	"presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
};

/* libmagic's handle is not thread-safe: one, behind a lock. */
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t cookie;

const char *
files_type(struct arena *a, const void *data, size_t len, const char **found)
{
	const char *t = NULL;
	size_t i;

	pthread_mutex_lock(&magic_lock);
	if (!cookie) {
		cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (cookie && magic_load(cookie, NULL) != 0) {
			magic_close(cookie);
			cookie = NULL;
		}
	}
	if (cookie)
		t = magic_buffer(cookie, data, len);
	*found = t ? arena_strdup(a, t) : "an unknown type";
	pthread_mutex_unlock(&magic_lock);
	for (i = 0; t && i < sizeof(kept) / sizeof(kept[0]); i++)
		if (!strcmp(*found, kept[i]))
			return kept[i];
	return NULL;
}

/* A file name: one path segment, no dot files, clean text. */
static const char *
clean_name(struct arena *a, const char *name, const char **why)
{
	const char *n = text_clean(a, name, FILES_NAME_MAX, 0, why);

	if (!n)
		return NULL;
	if (!*n) {
		*why = "is required";
		return NULL;
	}
	if (strchr(n, '/') || strchr(n, '\\') || n[0] == '.') {
		*why = "must be a file name without a path, not starting with "
		       "a dot";
		return NULL;
	}
	return n;
}

static enum err
count_files(struct db_conn *c, const struct file_input *in, long long *n)
{
	struct db_arg args[2] = { db_text(in->record_kind),
				  db_text(in->record_id) };
	struct db_rows rows;
	enum db_status st;

	*n = 0;
	db_query(c, &files_sql[FILES_COUNT], args, 2, &rows);
	if (db_next(&rows))
		*n = db_col_int(&rows, 0);
	st = db_rows_close(&rows);
	return st == DB_OK ? ERR_OK : db_err(st);
}

/* Seals a new file: its data key wrapped, its name and bytes encrypted. */
static bool
seal(const struct crypto_keyring *kr, const char *id, const char *name,
     const struct file_input *in, char **wrapped, char **sealed_name,
     struct buf *content)
{
	struct crypto_dek *dek = crypto_dek_new();
	bool ok;

	*wrapped = crypto_dek_wrap(kr, dek, id);
	*sealed_name =
		crypto_field_encrypt(dek, id, "name", name, strlen(name));
	buf_init(content, 0);
	ok = crypto_blob_encrypt(dek, id, in->data, in->len, content);
	crypto_dek_free(dek);
	return ok;
}

enum err
files_store(struct db_conn *c, const struct crypto_keyring *kr, struct arena *a,
	    const struct file_input *in, struct file_meta *out,
	    const char **field, const char **why)
{
	const char *name = clean_name(a, in->name, why), *found;
	const char *type;
	char *wrapped = NULL, *sealed_name = NULL;
	struct buf content = { 0 };
	struct db_arg args[11];
	long long n;
	enum db_status st;
	enum err e;

	*field = "name";
	if (!name)
		return ERR_INVALID;
	*field = "content";
	if (in->len == 0) {
		*why = "is empty";
		return ERR_INVALID;
	}
	type = files_type(a, in->data, in->len, &found);
	if (!type) {
		*why = arena_printf(
			a, "is %s, a type of file atip does not keep", found);
		return ERR_INVALID;
	}
	if ((e = count_files(c, in, &n)) != ERR_OK)
		return e;
	if (n >= FILES_PER_RECORD)
		return ERR_CONFLICT;
	memset(out, 0, sizeof(*out));
	uuid_v7(out->id);
	snprintf(out->record_kind, sizeof(out->record_kind), "%s",
		 in->record_kind);
	snprintf(out->record_id, sizeof(out->record_id), "%s", in->record_id);
	snprintf(out->owner_org, sizeof(out->owner_org), "%s", in->owner_org);
	snprintf(out->created_by, sizeof(out->created_by), "%s",
		 in->created_by ? in->created_by : "");
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	out->name = name;
	out->media_type = type;
	out->size = (long long)in->len;
	out->encrypted = in->sensitive;
	if (in->sensitive &&
	    !seal(kr, out->id, name, in, &wrapped, &sealed_name, &content)) {
		e = ERR_INTERNAL;
		goto done;
	}
	args[0] = db_text(out->id);
	args[1] = db_text(in->record_kind);
	args[2] = db_text(in->record_id);
	args[3] = db_text(in->owner_org);
	args[4] = db_text(in->sensitive ? sealed_name : name);
	args[5] = db_text(type);
	args[6] = DB_INT(out->size);
	args[7] = db_text(wrapped);
	args[8] = in->sensitive ? DB_BLOB(content.p, content.len)
				: DB_BLOB(in->data, in->len);
	args[9] = db_text(in->created_by);
	args[10] = db_text(out->created_at);
	st = db_exec(c, &files_sql[FILES_INSERT], args, 11, NULL);
	e = st == DB_OK ? ERR_OK : db_err(st);
done:
	free(wrapped);
	free(sealed_name);
	buf_release(&content);
	return e;
}

static void
read_meta(struct db_rows *rows, struct arena *a, struct file_meta *m)
{
	const char *name = db_col_text(rows, 4);
	const char *type = db_col_text(rows, 5);

	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "%s", db_col_text(rows, 0));
	snprintf(m->record_kind, sizeof(m->record_kind), "%s",
		 db_col_text(rows, 1));
	snprintf(m->record_id, sizeof(m->record_id), "%s",
		 db_col_text(rows, 2));
	snprintf(m->owner_org, sizeof(m->owner_org), "%s",
		 db_col_text(rows, 3));
	m->encrypted = db_col_int(rows, 7) == 1;
	/* A sealed name stays sealed until files_open_name(). */
	m->name = arena_strdup(a, name);
	m->media_type = arena_strdup(a, type);
	m->size = db_col_int(rows, 6);
	if (!db_col_null(rows, 8))
		snprintf(m->created_by, sizeof(m->created_by), "%s",
			 db_col_text(rows, 8));
	snprintf(m->created_at, sizeof(m->created_at), "%s",
		 db_col_text(rows, 9));
}

enum err
files_get(struct db_conn *c, const char *id, struct arena *a,
	  struct file_meta *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	enum db_status st;
	bool found;

	db_query(c, &files_sql[FILES_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_meta(&rows, a, out);
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	return found ? ERR_OK : ERR_NOT_FOUND;
}

/* The data key of a sealed file, unwrapped; NULL when it does not open. */
static struct crypto_dek *
file_key(struct db_conn *c, const struct crypto_keyring *kr, const char *id)
{
	struct db_arg arg = db_text(id);
	struct crypto_dek *dek = NULL;
	struct db_rows rows;

	db_query(c, &files_sql[FILES_KEY], &arg, 1, &rows);
	if (db_next(&rows) && !db_col_null(&rows, 0))
		dek = crypto_dek_unwrap(kr, db_col_text(&rows, 0), id);
	db_rows_close(&rows);
	return dek;
}

bool
files_open_name(const struct crypto_keyring *kr, struct db_conn *c,
		struct arena *a, struct file_meta *m)
{
	struct crypto_dek *dek;
	struct buf plain;
	bool ok;

	if (!m->encrypted)
		return true;
	dek = file_key(c, kr, m->id);
	if (!dek)
		return false;
	ok = crypto_field_decrypt(dek, m->id, "name", m->name, &plain);
	crypto_dek_free(dek);
	if (ok)
		m->name = arena_strndup(a, plain.p, plain.len);
	crypto_wipe_buf(&plain);
	return ok;
}

enum err
files_read(struct db_conn *c, const struct crypto_keyring *kr, const char *id,
	   struct buf *out)
{
	struct db_arg arg = db_text(id);
	struct crypto_dek *dek = NULL;
	struct db_rows rows;
	struct buf sealed;
	bool found, ok = true, encrypted = false;
	enum db_status st;

	buf_init(&sealed, 0);
	db_query(c, &files_sql[FILES_CONTENT], &arg, 1, &rows);
	found = db_next(&rows);
	if (found) {
		encrypted = !db_col_null(&rows, 1);
		if (encrypted)
			dek = crypto_dek_unwrap(kr, db_col_text(&rows, 1), id);
		ok = db_col_blob(&rows, 0, encrypted ? &sealed : out);
	}
	st = db_rows_close(&rows);
	if (st == DB_OK && found && encrypted)
		ok = ok && dek &&
		     crypto_blob_decrypt(dek, id, sealed.p, sealed.len, out);
	crypto_dek_free(dek);
	buf_release(&sealed);
	if (st != DB_OK)
		return db_err(st);
	if (!found)
		return ERR_NOT_FOUND;
	return ok ? ERR_OK : ERR_INTERNAL;
}

enum err
files_list(struct db_conn *c, const char *record_kind, const char *record_id,
	   struct arena *a, struct file_meta **out, size_t *n)
{
	struct db_arg args[2] = { db_text(record_kind), db_text(record_id) };
	struct file_meta *v = arena_alloc(a, FILES_PER_RECORD * sizeof(*v));
	struct db_rows rows;
	enum db_status st;

	*n = 0;
	db_query(c, &files_sql[FILES_LIST], args, 2, &rows);
	while (*n < FILES_PER_RECORD && db_next(&rows))
		read_meta(&rows, a, &v[(*n)++]);
	st = db_rows_close(&rows);
	*out = v;
	return st == DB_OK ? ERR_OK : db_err(st);
}

enum err
files_delete(struct db_conn *c, const char *id)
{
	struct db_arg arg = db_text(id);
	long long n = 0;
	enum db_status st = db_exec(c, &files_sql[FILES_DELETE], &arg, 1, &n);

	if (st != DB_OK)
		return db_err(st);
	return n ? ERR_OK : ERR_NOT_FOUND;
}

enum err
files_delete_record(struct db_conn *c, const char *record_kind,
		    const char *record_id)
{
	struct db_arg args[2] = { db_text(record_kind), db_text(record_id) };
	enum db_status st =
		db_exec(c, &files_sql[FILES_DELETE_RECORD], args, 2, NULL);

	return st == DB_OK ? ERR_OK : db_err(st);
}

enum err
files_rewrap(struct db *db, const struct crypto_keyring *kr, long long *count)
{
	return db_err(crypto_dek_rewrap_all(db, kr,
					    &files_sql[FILES_STALE_KEYS],
					    &files_sql[FILES_SET_KEY], count));
}

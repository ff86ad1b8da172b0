/*
 * Attachments of records (meeting documents, practice annexes, later case
 * documents): stored as database blobs up to a size cap, their type found
 * by content (libmagic) and checked against an allow-list, never by name;
 * always served as downloads.  A file of a sensitive record is encrypted
 * under a data key of its own (secretstream), its name too, so erasing the
 * file's key makes it unreadable in backups as well.
 *
 * A file follows exactly the access rules of its record; the handlers ask
 * the record's kind (struct record_kind) and access_check().
 */
#ifndef ATIP_FILES_FILES_H
#define ATIP_FILES_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "crypto/crypto.h"
#include "db/db.h"

enum {
	FILES_NAME_MAX = 255, /* characters */
	FILES_KIND_MAX = 32,
	FILES_TYPE_MAX = 128,
	FILES_PER_RECORD = 100, /* files one record holds at most */
};

struct file_meta {
	char id[UUID_STR_LEN];
	char record_kind[FILES_KIND_MAX + 1];
	char record_id[UUID_STR_LEN];
	char owner_org[UUID_STR_LEN];
	const char *name;	/* NFC; "" when sealed and not opened */
	const char *media_type; /* as libmagic found it */
	long long size;		/* plain bytes */
	bool encrypted;
	char created_by[UUID_STR_LEN];
	char created_at[TIME_RFC3339_LEN];
};

/* A new file: what the uploader sent and what it belongs to. */
struct file_input {
	const char *record_kind;
	const char *record_id;
	const char *owner_org; /* the record's owner */
	const char *name;      /* as sent; cleaned by files_store */
	const void *data;
	size_t len;
	bool sensitive; /* encrypt it (the record holds personal data) */
	const char *created_by;
};

extern const struct db_migration files_migrations[];
extern const size_t files_nmigrations;

/*
 * The media type of data as libmagic finds it, when atip keeps files of
 * that type (PDF, images, office documents, plain text and CSV); NULL
 * otherwise, with *found naming what it is (static or arena text).
 */
const char *files_type(struct arena *a, const void *data, size_t len,
		       const char **found);

/*
 * Stores a file in c's transaction; the id and what was stored go to
 * *out (strings in arena a).  ERR_INVALID with *field and *why (static or
 * arena text) for a bad name, an empty file or a type atip does not keep
 * (field "content"); ERR_CONFLICT when the record has FILES_PER_RECORD
 * files already.
 */
enum err files_store(struct db_conn *c, const struct crypto_keyring *kr,
		     struct arena *a, const struct file_input *in,
		     struct file_meta *out, const char **field,
		     const char **why);

/* Reads one file's description; ERR_NOT_FOUND for an unknown id. */
enum err files_get(struct db_conn *c, const char *id, struct arena *a,
		   struct file_meta *out);

/*
 * Opens a sealed file's name into m->name (arena memory); false when it
 * does not open (a destroyed key).
 */
bool files_open_name(const struct crypto_keyring *kr, struct db_conn *c,
		     struct arena *a, struct file_meta *m);

/*
 * Reads a file's bytes (decrypted when sealed) into out, which the caller
 * initialised with its cap and must wipe (crypto_wipe_buf) when the file
 * was sealed.  ERR_NOT_FOUND for an unknown id; ERR_INTERNAL when stored
 * bytes do not open.
 */
enum err files_read(struct db_conn *c, const struct crypto_keyring *kr,
		    const char *id, struct buf *out);

/*
 * The files of one record, oldest first, into arena memory: at most
 * FILES_PER_RECORD, so one page.
 */
enum err files_list(struct db_conn *c, const char *record_kind,
		    const char *record_id, struct arena *a,
		    struct file_meta **out, size_t *n);

/* Erases one file, its key with it; ERR_NOT_FOUND when there is none. */
enum err files_delete(struct db_conn *c, const char *id);

/* Erases every file of a record (when the record is erased). */
enum err files_delete_record(struct db_conn *c, const char *record_kind,
			     const char *record_id);

/*
 * After key rotation: re-wraps the data keys of sealed files under the
 * primary key, a hundred per transaction; *count gets how many changed.
 */
enum err files_rewrap(struct db *db, const struct crypto_keyring *kr,
		      long long *count);

#endif

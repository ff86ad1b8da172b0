/*
 * The storage seam: one API over SQLite (embedded default) and PostgreSQL.
 *
 * SQL is written once in PostgreSQL $n form and always bound; SQLite binds
 * the same text by name ("$1").  Where the engines really differ a
 * statement carries a per-engine variant beside the common text.
 *
 * A struct db is shared by all threads; each thread borrows a connection
 * with db_acquire() and gives it back with db_release().  Broken
 * connections are dropped on release, so the next acquire reconnects and
 * atip recovers by itself when the database comes back.
 */
#ifndef ATIP_DB_DB_H
#define ATIP_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

enum db_engine { DB_SQLITE, DB_PG };

enum db_status {
	DB_OK = 0,
	DB_RETRY,      /* busy, locked, serialization failure: try again */
	DB_CONSTRAINT, /* unique, foreign key or check violation */
	DB_DOWN,       /* no connection to the database */
	DB_ERROR,      /* anything else: a bug or a broken database */
};

struct db_stmt {
	const char *name; /* unique across atip: names PG prepared statements */
	const char *sql;  /* common text, PostgreSQL $n form */
	const char *sqlite; /* SQLite variant, or NULL */
	const char *pg;	    /* PostgreSQL variant, or NULL */
};

struct db_migration {
	int version; /* unique, increasing across all modules */
	const char *name;
	const char *sql;    /* common DDL script */
	const char *sqlite; /* SQLite variant, or NULL */
	const char *pg;	    /* PostgreSQL variant, or NULL */
};

/*
 * Arguments.  Integers bind as integers; text and blobs are sent with their
 * length (in binary format on PostgreSQL), so text binds to text columns
 * and blobs to BLOB/BYTEA ones; cast an integer in SQL, never a text.
 */
enum db_arg_type { DB_ARG_NULL, DB_ARG_TEXT, DB_ARG_INT, DB_ARG_BLOB };

struct db_arg {
	enum db_arg_type type;
	long long i;
	const void *p;
	size_t len;
};

#define DB_NULL	       ((struct db_arg){ DB_ARG_NULL, 0, NULL, 0 })
#define DB_INT(v)      ((struct db_arg){ DB_ARG_INT, (v), NULL, 0 })
#define DB_TEXTN(s, n) ((struct db_arg){ DB_ARG_TEXT, 0, (s), (n) })
#define DB_BLOB(s, n)  ((struct db_arg){ DB_ARG_BLOB, 0, (s), (n) })

/* Returns a text argument for the NUL-terminated s (NULL gives SQL NULL). */
struct db_arg db_text(const char *s);

struct db;
struct db_conn;

/* The rows of a query; walk with db_next(), then db_rows_close(). */
struct db_rows {
	struct db_conn *conn;
	void *handle; /* sqlite3_stmt or PGresult */
	int row;
	int nrows;
	enum db_status status;
};

/*
 * Opens target (a file path, or a postgresql:// URI) and checks that a
 * connection can be made.  On failure writes a reason without the URI's
 * password into err and returns NULL.
 */
struct db *db_open(const char *target, char *err, size_t errlen);

/* Closes every connection; all must have been released. */
void db_close(struct db *db);

enum db_engine db_engine(const struct db *db);

/* Borrows a connection, connecting when needed; NULL when the database is down. */
struct db_conn *db_acquire(struct db *db);

/* Gives a connection back; a broken one is closed. */
void db_release(struct db_conn *c);

/* Runs a statement that returns no rows; *changes gets the rows affected. */
enum db_status db_exec(struct db_conn *c, const struct db_stmt *s,
		       const struct db_arg *args, int nargs,
		       long long *changes);

/* Runs a query; rows must be closed with db_rows_close() whatever happens. */
enum db_status db_query(struct db_conn *c, const struct db_stmt *s,
			const struct db_arg *args, int nargs,
			struct db_rows *rows);

/* Moves to the next row; false at the end or on error (see rows->status). */
bool db_next(struct db_rows *rows);

/* Column values of the current row.  Text is valid until the next db_next. */
const char *db_col_text(struct db_rows *rows, int col);
long long db_col_int(struct db_rows *rows, int col);
bool db_col_null(struct db_rows *rows, int col);

/*
 * Appends the bytes of a BLOB (SQLite) or BYTEA (PostgreSQL) column to
 * out; false when they do not fit out's max or the value is malformed.
 */
bool db_col_blob(struct db_rows *rows, int col, struct buf *out);

/* Ends the query; returns its final status. */
enum db_status db_rows_close(struct db_rows *rows);

/*
 * Runs a query and reads the first column of every row (NULL read as "")
 * into *out, an array of *n strings in arena a.
 */
enum db_status db_texts(struct db_conn *c, const struct db_stmt *s,
			const struct db_arg *args, int nargs, struct arena *a,
			const char ***out, size_t *n);

/* Runs a multi-statement script with no arguments (DDL). */
enum db_status db_script(struct db_conn *c, const char *sql);

/*
 * Runs fn inside one transaction (SQLite: BEGIN IMMEDIATE), committing when
 * it returns DB_OK and rolling back otherwise.  DB_RETRY from fn, the
 * commit or the begin retries the whole transaction with back-off, a few
 * times.  Returns fn's last status, or DB_DOWN.
 */
enum db_status db_tx(struct db *db,
		     enum db_status (*fn)(struct db_conn *, void *), void *ctx);

/*
 * Work done in batches, one transaction each (re-sealing after key
 * rotation): fn adds what it changed to changed and says whether rows may
 * remain.  A context passed to db_tx_batches() begins with this struct.
 */
struct db_batches {
	long long changed;
	bool more;
};

/*
 * Runs fn in one transaction after another while the batch before said
 * more and changed something (a row fn cannot change stays, and must not
 * make it loop).  Returns the first failing status, else DB_OK.
 */
enum db_status db_tx_batches(struct db *db,
			     enum db_status (*fn)(struct db_conn *, void *),
			     struct db_batches *ctx);

/* Like db_tx, on a connection the caller has already borrowed. */
enum db_status db_tx_conn(struct db_conn *c,
			  enum db_status (*fn)(struct db_conn *, void *),
			  void *ctx);

/*
 * Applies the migrations in list[0..n) not yet recorded, each in its own
 * transaction, in version order.  Refuses (DB_ERROR, reason in err) a
 * database that records a version this list does not know.
 */
enum db_status db_migrate(struct db *db, const struct db_migration *list,
			  size_t n, char *err, size_t errlen);

/* True when the connection answers a trivial query. */
bool db_conn_ping(struct db_conn *c);

/*
 * The API outcome of a database status: DB_CONSTRAINT is a conflict,
 * DB_DOWN and DB_RETRY (past db_tx's retries) are unavailability.
 */
enum err db_err(enum db_status st);

/*
 * The status a transaction function returns for a module outcome e:
 * ERR_OK commits, ERR_UNAVAILABLE retries (db_tx reconnects), anything
 * else rolls back.
 */
enum db_status db_status_of(enum err e);

/*
 * Runs fn in a transaction (db_tx); fn records its module outcome in *e.
 * Returns the outcome, also left in *e: fn's, or the database's own
 * failure when fn succeeded but the transaction did not (a BEGIN or a
 * COMMIT that failed), so that a caller reading *e never takes a failed
 * transaction for success.
 */
enum err db_tx_err(struct db *db,
		   enum db_status (*fn)(struct db_conn *, void *), void *ctx,
		   enum err *e);

/* Like db_tx_err, on a connection the caller has already borrowed. */
enum err db_tx_conn_err(struct db_conn *c,
			enum db_status (*fn)(struct db_conn *, void *),
			void *ctx, enum err *e);

/* The storage seam's own migrations (atip_meta). */
extern const struct db_migration db_migrations[];
extern const size_t db_nmigrations;

/* Reads a fact of this database; *value is NULL when unset, else caller frees. */
enum db_status db_meta_get(struct db_conn *c, const char *key, char **value);

/* Records a fact of this database. */
enum db_status db_meta_set(struct db_conn *c, const char *key,
			   const char *value);

/* Nanoseconds spent in the database by all threads, for /metrics. */
uint64_t db_time_ns(void);

/*
 * The full-text query of this engine for the words of q (user text): for
 * SQLite an FTS5 MATCH expression of every word, quoted (so no FTS5 syntax
 * comes from the user); for PostgreSQL the words for plainto_tsquery().
 * Words are runs of letters, digits and any non-ASCII character; at most
 * 32 are kept.  NULL when q has none.  Arena memory.
 */
const char *db_fts_query(const struct db_conn *c, struct arena *a,
			 const char *q);

/*
 * Backup and restore (db_backup.c).
 *
 * Counts the tables of db's own (SQLite: the main schema; PostgreSQL:
 * every schema but the system ones) into *count, and says in *atip
 * whether atip_migrations is among them.
 */
enum db_status db_tables(struct db *db, long long *count, bool *atip);

/*
 * Copies the SQLite database db into the file at path (which must be new
 * or empty) with SQLite's online backup API: one consistent snapshot,
 * taken while other connections, `atip serve`'s among them, keep writing.
 * The copy is one self-contained file (rollback journal, no -wal).
 * Returns DB_OK, or another status with a reason in err.
 */
enum db_status db_backup_sqlite(struct db *db, const char *path, char *err,
				size_t errlen);

/*
 * Replaces the content of the SQLite database db by that of the SQLite
 * file at path, with the backup API, after checking (before anything is
 * written) that the file is a sound SQLite database of atip: it has
 * atip_migrations and passes PRAGMA quick_check.  Does not look at what
 * db held before, nor migrate.  Returns DB_OK, or another status with a
 * reason in err.
 */
enum db_status db_restore_sqlite(struct db *db, const char *path, char *err,
				 size_t errlen);

/*
 * The PostgreSQL target of db split for a libpq client program run as a
 * child (pg_dump, pg_restore): *conninfo gets a keyword/value connection
 * string of every setting but the password (fit for a command line),
 * *password the password when the target has one, else NULL.  Caller
 * frees both, wiping the password.  False when the target does not parse.
 */
bool db_pg_client_conninfo(const struct db *db, char **conninfo,
			   char **password);

#endif

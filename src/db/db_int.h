/* Internals shared by db.c and the two engine files. */
#ifndef ATIP_DB_INT_H
#define ATIP_DB_INT_H

#include <pthread.h>

#include "base/buf.h"
#include "db/db.h"

struct db_cache_entry {
	const struct db_stmt *key;
	void *value; /* sqlite3_stmt *, or (void *)1 once prepared on PG */
};

struct db_conn {
	struct db *db;
	struct db_conn *next_free;
	void *handle; /* sqlite3 * or PGconn * */
	int broken;
	struct db_cache_entry *cache;
	size_t cache_cap, cache_len;
	int in_tx;
};

struct db_ops {
	enum db_status (*connect)(struct db_conn *c, const char *target,
				  char *err, size_t errlen);
	void (*disconnect)(struct db_conn *c);
	enum db_status (*exec)(struct db_conn *c, const struct db_stmt *s,
			       const struct db_arg *args, int nargs,
			       long long *changes);
	enum db_status (*query)(struct db_conn *c, const struct db_stmt *s,
				const struct db_arg *args, int nargs,
				struct db_rows *rows);
	int (*next)(struct db_rows *rows);
	const char *(*text)(struct db_rows *rows, int col);
	int (*isnull)(struct db_rows *rows, int col);
	bool (*blob)(struct db_rows *rows, int col, struct buf *out);
	void (*close)(struct db_rows *rows);
	enum db_status (*script)(struct db_conn *c, const char *sql);
	const char *begin; /* the statement that opens a write transaction */
};

struct db {
	enum db_engine engine;
	char *target;
	const struct db_ops *ops;
	pthread_mutex_t lock;
	struct db_conn *free;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Returns the slot caching a prepared form of s on c (value NULL if new). */
void **db_cache_slot(struct db_conn *c, const struct db_stmt *s);

/* Returns the text of s for the engine of c. */
const char *db_stmt_sql(const struct db_conn *c, const struct db_stmt *s);

#endif

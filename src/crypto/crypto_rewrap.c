/* Re-wrapping stored data keys under the primary key, in batches. */
#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "crypto/crypto.h"

enum { BATCH = 100 };

struct rewrap {
	struct db_batches b; /* first: db_tx_batches() hands over &b */
	const struct crypto_keyring *kr;
	const struct db_stmt *stale, *set;
};

static enum db_status
rewrap_tx(struct db_conn *c, void *arg)
{
	struct rewrap *r = arg;
	char like[24], *ids[BATCH], *keys[BATCH];
	struct db_arg a, set[3];
	struct db_rows rows;
	enum db_status st;
	size_t n = 0, i;

	snprintf(like, sizeof(like), "k%u.%%", crypto_keyring_primary(r->kr));
	a = db_text(like);
	db_query(c, r->stale, &a, 1, &rows);
	while (n < BATCH && db_next(&rows)) {
		ids[n] = xstrdup(db_col_text(&rows, 0));
		keys[n++] = xstrdup(db_col_text(&rows, 1));
	}
	st = db_rows_close(&rows);
	r->b.more = n == BATCH;
	for (i = 0; i < n; i++) {
		char *fresh =
			st == DB_OK ? crypto_dek_rewrap(r->kr, keys[i], ids[i])
				    : NULL;
		long long changed = 0;

		if (fresh) { /* else a key of an unknown version: left alone */
			set[0] = db_text(ids[i]);
			set[1] = db_text(fresh);
			set[2] = db_text(keys[i]);
			st = db_exec(c, r->set, set, 3, &changed);
			r->b.changed += changed;
		}
		free(fresh);
		free(ids[i]);
		free(keys[i]);
	}
	return st;
}

enum db_status
crypto_dek_rewrap_all(struct db *db, const struct crypto_keyring *kr,
		      const struct db_stmt *stale, const struct db_stmt *set,
		      long long *count)
{
	struct rewrap r = { .kr = kr, .stale = stale, .set = set };
	enum db_status st = db_tx_batches(db, rewrap_tx, &r.b);

	*count = r.b.changed;
	return st;
}

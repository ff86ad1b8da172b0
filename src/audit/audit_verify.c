/* `atip audit verify`: every chain, every link, every signed checkpoint. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "audit/audit_sql.h"

struct walk {
	struct audit_report *r;
	struct audit_head *cps; /* newest checkpoint per chain */
	size_t ncps;
	bool *seen;	 /* cps[i]'s chain was found in the table */
	char chain[128]; /* the chain being walked */
	long long seq;	 /* its last entry, 0 before the first */
	char prev[AUDIT_HEX];
};

static bool problem(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool
problem(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->r->problem, sizeof(w->r->problem), fmt, ap);
	va_end(ap);
	return false;
}

static struct audit_head *
checkpoint_of(struct walk *w, const char *chain)
{
	for (size_t i = 0; i < w->ncps; i++) {
		if (!strcmp(w->cps[i].chain, chain)) {
			w->seen[i] = true;
			return &w->cps[i];
		}
	}
	return NULL;
}

/* Checks the end of the chain just walked against its checkpoint. */
static bool
end_chain(struct walk *w)
{
	struct audit_head *cp;

	if (!w->chain[0])
		return true;
	cp = checkpoint_of(w, w->chain);
	if (cp && cp->seq > w->seq)
		return problem(w,
			       "chain %s ends at entry %lld, but a signed "
			       "checkpoint covers entry %lld: entries were "
			       "removed",
			       w->chain, w->seq, cp->seq);
	return true;
}

static bool
check_row(struct walk *w, struct db_rows *rows)
{
	struct audit_entry e = {
		db_col_text(rows, 0),  db_col_int(rows, 1),
		db_col_text(rows, 2),  db_col_text(rows, 3),
		db_col_text(rows, 4),  db_col_text(rows, 5),
		db_col_text(rows, 6),  db_col_text(rows, 7),
		db_col_text(rows, 8),  db_col_text(rows, 9),
		db_col_text(rows, 10),
	};
	const char *stored = db_col_text(rows, 11);
	char hash[AUDIT_HEX];
	struct audit_head *cp;

	if (strcmp(e.chain, w->chain)) {
		if (!end_chain(w))
			return false;
		snprintf(w->chain, sizeof(w->chain), "%s", e.chain);
		w->seq = 0;
		memcpy(w->prev, audit_genesis, AUDIT_HEX);
		w->r->chains++;
	}
	w->r->entries++;
	if (e.seq != w->seq + 1)
		return problem(w, "chain %s: entry %lld is missing", e.chain,
			       w->seq + 1);
	if (strcmp(e.prev_hash, w->prev))
		return problem(w,
			       "chain %s entry %lld: its link to entry %lld "
			       "is broken",
			       e.chain, e.seq, e.seq - 1);
	audit_entry_hash(&e, hash);
	if (strcmp(hash, stored))
		return problem(w,
			       "chain %s entry %lld: its contents were "
			       "changed",
			       e.chain, e.seq);
	cp = checkpoint_of(w, e.chain);
	if (cp && cp->seq == e.seq && strcmp(cp->hash, stored))
		return problem(w,
			       "chain %s entry %lld: differs from the signed "
			       "checkpoint: the chain was rewritten",
			       e.chain, e.seq);
	w->seq = e.seq;
	snprintf(w->prev, sizeof(w->prev), "%s", stored);
	return true;
}

/* Verifies every line's signature; false (with the problem) at the first bad one. */
static bool
check_signatures(struct walk *w, FILE *f,
		 const unsigned char pub[CRYPTO_PUBLIC_LEN])
{
	char line[512], chain[128], hash[AUDIT_HEX], when[64], sig64[128];
	unsigned char sig[CRYPTO_SIG_LEN];
	long long seq, n = 0;
	size_t siglen;

	while (fgets(line, sizeof(line), f)) {
		struct buf m;
		bool ok;

		n++;
		if (sscanf(line, "%127s %lld %64s %63s %127s", chain, &seq,
			   hash, when, sig64) != 5 ||
		    sodium_base642bin(sig, sizeof(sig), sig64, strlen(sig64),
				      NULL, &siglen, NULL, AUDIT_B64) ||
		    siglen != sizeof(sig))
			return problem(w, "checkpoint line %lld is malformed",
				       n);
		audit_checkpoint_message(&m, chain, seq, hash);
		ok = crypto_verify_msg(pub, m.p, m.len, sig);
		buf_release(&m);
		if (!ok)
			return problem(w,
				       "checkpoint line %lld: the signature "
				       "does not verify",
				       n);
		w->r->checkpoints++;
	}
	rewind(f);
	return true;
}

static enum db_status
walk_table(struct db *db, struct walk *w)
{
	struct db_conn *c = db_acquire(db);
	enum db_status st = DB_OK;
	char chain[128] = "", last[128] = "";
	long long seq = 0;
	bool more = true, ok = true;

	if (!c)
		return DB_DOWN;
	while (more && ok && st == DB_OK) {
		struct db_arg a[2] = { db_text(chain), DB_INT(seq) };
		struct db_rows rows;
		int n = 0;

		db_query(c, &audit_sql[AUDIT_WALK], a, 2, &rows);
		while (ok && db_next(&rows)) {
			n++;
			ok = check_row(w, &rows);
			/* Not into chain: SQLite reads the bound text as it
			 * steps, so the next page's key waits for the close. */
			snprintf(last, sizeof(last), "%s", w->chain);
			seq = w->seq;
		}
		st = db_rows_close(&rows);
		memcpy(chain, last, sizeof(chain));
		more = n == 1000;
	}
	db_release(c);
	if (st == DB_OK && ok)
		end_chain(w);
	return st;
}

enum db_status
audit_verify(struct db *db, const char *path,
	     const unsigned char pub[CRYPTO_PUBLIC_LEN], struct audit_report *r)
{
	struct walk w = { .r = r };
	enum db_status st;
	long long lines;
	FILE *f;

	memset(r, 0, sizeof(*r));
	f = fopen(path, "r");
	if (f) {
		if (!check_signatures(&w, f, pub)) {
			fclose(f);
			return DB_OK;
		}
		w.ncps = audit_read_checkpoints(f, &w.cps, &lines);
		fclose(f);
	}
	w.seen = calloc(w.ncps + 1, sizeof(*w.seen));
	st = walk_table(db, &w);
	for (size_t i = 0; st == DB_OK && !r->problem[0] && i < w.ncps; i++)
		if (!w.seen[i])
			problem(&w,
				"chain %s is gone, but a signed checkpoint "
				"covers entry %lld",
				w.cps[i].chain, w.cps[i].seq);
	free(w.seen);
	free(w.cps);
	return st;
}

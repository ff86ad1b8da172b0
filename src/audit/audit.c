#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit_sql.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"

#include "audit/audit_int.h"

const char audit_genesis[AUDIT_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static void
hash_field(crypto_generichash_state *st, const char *s)
{
	unsigned char len[9];
	size_t n = s ? strlen(s) : 0;

	/* A length prefix (and a NULL marker) keeps fields from running
	 * into each other. */
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	len[8] = s ? 1 : 0;
	crypto_generichash_update(st, len, sizeof(len));
	if (n)
		crypto_generichash_update(st, (const unsigned char *)s, n);
}

void
audit_entry_hash(const struct audit_entry *e, char out[AUDIT_HEX])
{
	crypto_generichash_state st;
	unsigned char h[AUDIT_HASH];
	char seq[24];

	snprintf(seq, sizeof(seq), "%lld", e->seq);
	crypto_generichash_init(&st, NULL, 0, AUDIT_HASH);
	hash_field(&st, "atip-audit-1");
	hash_field(&st, e->prev_hash);
	hash_field(&st, e->chain);
	hash_field(&st, seq);
	hash_field(&st, e->id);
	hash_field(&st, e->at);
	hash_field(&st, e->actor_user);
	hash_field(&st, e->action);
	hash_field(&st, e->record_kind);
	hash_field(&st, e->record_id);
	hash_field(&st, e->outcome);
	hash_field(&st, e->request_id);
	crypto_generichash_final(&st, h, AUDIT_HASH);
	sodium_bin2hex(out, AUDIT_HEX, h, AUDIT_HASH);
}

enum db_status
audit_append(struct db_conn *c, const struct audit_event *ev)
{
	char id[UUID_STR_LEN], at[TIME_RFC3339_LEN], prev[AUDIT_HEX],
		hash[AUDIT_HEX];
	struct audit_entry e = { 0 };
	struct db_arg a[12];
	struct db_rows rows;
	enum db_status st;

	a[0] = db_text(ev->chain);
	db_query(c, &audit_sql[AUDIT_HEAD], a, 1, &rows);
	e.seq = 1;
	memcpy(prev, audit_genesis, AUDIT_HEX);
	if (db_next(&rows)) {
		e.seq = db_col_int(&rows, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", db_col_text(&rows, 1));
	}
	if ((st = db_rows_close(&rows)) != DB_OK)
		return st;
	uuid_v7(id);
	time_rfc3339(time_now_ms(), at, sizeof(at));
	e = (struct audit_entry){ ev->chain,
				  e.seq,
				  id,
				  at,
				  ev->actor_user,
				  ev->action,
				  ev->record_kind,
				  ev->record_id,
				  ev->outcome,
				  ev->request_id,
				  prev };
	audit_entry_hash(&e, hash);
	a[1] = DB_INT(e.seq);
	a[2] = db_text(id);
	a[3] = db_text(at);
	a[4] = db_text(ev->actor_user);
	a[5] = db_text(ev->action);
	a[6] = db_text(ev->record_kind);
	a[7] = db_text(ev->record_id);
	a[8] = db_text(ev->outcome);
	a[9] = db_text(ev->request_id);
	a[10] = db_text(prev);
	a[11] = db_text(hash);
	st = db_exec(c, &audit_sql[AUDIT_INSERT], a, 12, NULL);
	/* Another transaction took this sequence number: start again. */
	if (st != DB_OK || !ev->review_org)
		return st == DB_CONSTRAINT ? DB_RETRY : st;
	a[0] = db_text(id);
	a[1] = db_text(ev->review_org);
	a[2] = db_text(at);
	a[3] = db_text(ev->chain);
	a[4] = db_text(ev->actor_user);
	a[5] = db_text(ev->record_kind);
	a[6] = db_text(ev->record_id);
	a[7] = db_text(ev->reason ? ev->reason : "");
	return db_exec(c, &audit_sql[AUDIT_FLAG_INSERT], a, 8, NULL);
}

enum err
audit_flag_review(struct db_conn *c, const char *owner_org, const char *flag_id,
		  const char *reviewer, const char *note)
{
	char at[TIME_RFC3339_LEN];
	struct db_arg a[5];
	struct db_rows rows;
	enum db_status st;
	long long n = 0;
	bool found, open = false;

	a[0] = db_text(flag_id);
	a[1] = db_text(owner_org);
	db_query(c, &audit_sql[AUDIT_FLAG_STATE], a, 2, &rows);
	found = db_next(&rows);
	if (found)
		open = db_col_int(&rows, 0) == 1;
	if ((st = db_rows_close(&rows)) != DB_OK)
		return db_err(st);
	if (!found)
		return ERR_NOT_FOUND;
	if (!open)
		return ERR_CONFLICT;
	time_rfc3339(time_now_ms(), at, sizeof(at));
	a[1] = db_text(reviewer);
	a[2] = db_text(at);
	a[3] = db_text(note);
	st = db_exec(c, &audit_sql[AUDIT_FLAG_REVIEW], a, 4, &n);
	if (st != DB_OK)
		return db_err(st);
	return n == 1 ? ERR_OK : ERR_CONFLICT;
}

void
audit_checkpoint_message(struct buf *m, const char *chain, long long seq,
			 const char *hash)
{
	buf_init(m, 0);
	buf_printf(m, "atip-audit-checkpoint\n%s\n%lld\n%s", chain, seq, hash);
}

size_t
audit_read_checkpoints(FILE *f, struct audit_head **out, long long *lines)
{
	char line[512], chain[128], hash[AUDIT_HEX], when[64], sig[128];
	struct audit_head *h = NULL;
	size_t n = 0, i;
	long long seq;

	*lines = 0;
	while (fgets(line, sizeof(line), f)) {
		(*lines)++;
		if (sscanf(line, "%127s %lld %64s %63s %127s", chain, &seq,
			   hash, when, sig) != 5)
			continue;
		for (i = 0; i < n && strcmp(h[i].chain, chain); i++)
			;
		if (i == n) {
			h = xrealloc(h, (n + 1) * sizeof(*h));
			n++;
			h[i].seq = -1;
		}
		if (seq > h[i].seq) {
			snprintf(h[i].chain, sizeof(h[i].chain), "%s", chain);
			h[i].seq = seq;
			memcpy(h[i].hash, hash, AUDIT_HEX);
		}
	}
	*out = h;
	return n;
}

enum db_status
audit_checkpoint(struct db *db, const struct crypto_keyring *kr,
		 const char *path, char *err, size_t errlen)
{
	struct db_conn *c = db_acquire(db);
	struct audit_head *known = NULL;
	long long lines = 0;
	struct db_rows rows;
	struct buf out;
	enum db_status st;
	size_t nknown = 0;
	FILE *f;
	int fd;

	if (!c)
		return DB_DOWN;
	f = fopen(path, "r");
	if (f) {
		nknown = audit_read_checkpoints(f, &known, &lines);
		fclose(f);
	}
	buf_init(&out, 0);
	db_query(c, &audit_sql[AUDIT_HEADS], NULL, 0, &rows);
	while (db_next(&rows)) {
		const char *chain = db_col_text(&rows, 0);
		long long seq = db_col_int(&rows, 1);
		const char *hash = db_col_text(&rows, 2);
		unsigned char sig[CRYPTO_SIG_LEN];
		char sig64[sodium_base64_ENCODED_LEN(CRYPTO_SIG_LEN, AUDIT_B64)];
		char at[TIME_RFC3339_LEN];
		struct buf m;
		size_t i;

		for (i = 0; i < nknown && strcmp(known[i].chain, chain); i++)
			;
		if (i < nknown && known[i].seq == seq)
			continue; /* this head is signed already */
		audit_checkpoint_message(&m, chain, seq, hash);
		crypto_sign_msg(kr, m.p, m.len, sig);
		buf_release(&m);
		sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig),
				  AUDIT_B64);
		time_rfc3339(time_now_ms(), at, sizeof(at));
		buf_printf(&out, "%s %lld %s %s %s\n", chain, seq, hash, at,
			   sig64);
	}
	st = db_rows_close(&rows);
	db_release(c);
	free(known);
	if (st != DB_OK || out.len == 0) {
		buf_release(&out);
		return st;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, out.p, out.len) != (ssize_t)out.len ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		st = DB_ERROR;
	}
	if (fd >= 0)
		close(fd);
	buf_release(&out);
	return st;
}

enum err
audit_count_since(struct db_conn *c, const char *chain, const char *user,
		  const char *action, const char *since, long long *n)
{
	struct db_arg args[4] = { db_text(chain), db_text(user),
				  db_text(action), db_text(since) };
	struct db_rows rows;

	*n = 0;
	db_query(c, &audit_sql[AUDIT_COUNT_SINCE], args, 4, &rows);
	if (db_next(&rows))
		*n = db_col_int(&rows, 0);
	return db_err(db_rows_close(&rows));
}

/* The second factor: TOTP enrolment, sign-in codes, recovery codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_sql.h"

bool
auth_role_needs_totp(enum auth_role r)
{
	/* Admins, and every role that can read victims' personal data. */
	return r == ROLE_PLATFORM_ADMIN || r == ROLE_ORG_ADMIN ||
	       r == ROLE_CASE_WORKER || r == ROLE_INVESTIGATOR;
}

struct totp_state {
	char *secret;  /* sealed, or NULL */
	char *pending; /* sealed, or NULL */
	long long step;
};

static void
state_clear(struct totp_state *t)
{
	free(t->secret);
	free(t->pending);
}

static enum err
state_get(struct db_conn *c, const char *user_id, struct totp_state *t)
{
	struct db_arg a = db_text(user_id);
	struct db_rows rows;
	enum db_status st;
	bool found;

	memset(t, 0, sizeof(*t));
	db_query(c, &auth_sql[AUTH_TOTP_GET], &a, 1, &rows);
	found = db_next(&rows);
	if (found) {
		if (!db_col_null(&rows, 0))
			t->secret = strdup(db_col_text(&rows, 0));
		if (!db_col_null(&rows, 1))
			t->pending = strdup(db_col_text(&rows, 1));
		t->step = db_col_int(&rows, 2);
	}
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	return found ? ERR_OK : ERR_NOT_FOUND;
}

/* Makes a secret and stores it sealed with statement q (pending or set). */
static enum err
new_secret(struct db_conn *c, const struct crypto_keyring *kr,
	   const char *user_id, enum auth_sql_id q, char **base32)
{
	struct db_arg a[2];
	long long changed = 0;
	char *sealed;
	enum db_status st;

	*base32 = NULL;
	if (!crypto_totp_new(kr, user_id, &sealed, base32))
		return ERR_INTERNAL;
	a[0] = db_text(user_id);
	a[1] = db_text(sealed);
	st = db_exec(c, &auth_sql[q], a, 2, &changed);
	free(sealed);
	if (st == DB_OK && changed == 1)
		return ERR_OK;
	sodium_memzero(*base32, strlen(*base32));
	free(*base32);
	*base32 = NULL;
	return st == DB_OK ? ERR_CONFLICT : db_err(st);
}

enum err
auth_totp_begin(struct db_conn *c, const struct crypto_keyring *kr,
		const char *user_id, char **base32)
{
	return new_secret(c, kr, user_id, AUTH_TOTP_PENDING, base32);
}

enum err
auth_totp_enrol_now(struct db_conn *c, const struct crypto_keyring *kr,
		    const char *user_id, char **base32)
{
	return new_secret(c, kr, user_id, AUTH_TOTP_SET, base32);
}

/* A recovery code's stored form: a keyed MAC of its normalised text. */
static void
recovery_mac(const struct crypto_keyring *kr, const char *user_id,
	     const char *code, char out[65])
{
	unsigned char mac[CRYPTO_MAC_LEN];
	char norm[32];
	size_t n = 0;
	struct buf m;

	for (const char *p = code; *p && n < sizeof(norm) - 1; p++)
		if (*p != '-' && *p != ' ')
			norm[n++] =
				(char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	norm[n] = '\0';
	buf_init(&m, 0);
	buf_printf(&m, "%s:%s", user_id, norm);
	crypto_mac(kr, CRYPTO_RECOVERY, m.p, m.len, mac);
	sodium_memzero(m.p, m.len);
	buf_release(&m);
	sodium_memzero(norm, sizeof(norm));
	sodium_bin2hex(out, 65, mac, sizeof(mac));
}

static void
new_recovery_code(char out[AUTH_RECOVERY_LEN])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	unsigned char raw[10];

	randombytes_buf(raw, sizeof(raw));
	for (int i = 0, o = 0; i < 10; i++) {
		if (i == 5)
			out[o++] = '-';
		out[o++] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
	}
	out[AUTH_RECOVERY_LEN - 1] = '\0';
	sodium_memzero(raw, sizeof(raw));
}

enum err
auth_totp_confirm(struct db_conn *c, const struct crypto_keyring *kr,
		  const char *user_id, const char *code, int64_t now,
		  char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_LEN])
{
	struct totp_state t;
	struct db_arg a[3];
	long long step, changed = 0;
	enum db_status st;
	enum err e = state_get(c, user_id, &t);

	if (e != ERR_OK)
		return e;
	if (!t.pending || !crypto_totp_check(kr, user_id, t.pending, code,
					     now / 1000, &step)) {
		state_clear(&t);
		return ERR_INVALID;
	}
	a[0] = db_text(user_id);
	a[1] = DB_INT(step);
	a[2] = db_text(t.pending);
	st = db_exec(c, &auth_sql[AUTH_TOTP_CONFIRM], a, 3, &changed);
	state_clear(&t);
	if (st == DB_OK && changed != 1)
		return ERR_INVALID;
	if (st == DB_OK)
		st = db_exec(c, &auth_sql[AUTH_RECOVERY_DELETE], a, 1, NULL);
	for (int i = 0; st == DB_OK && i < AUTH_RECOVERY_CODES; i++) {
		char mac[65];

		new_recovery_code(codes[i]);
		recovery_mac(kr, user_id, codes[i], mac);
		a[1] = db_text(mac);
		st = db_exec(c, &auth_sql[AUTH_RECOVERY_INSERT], a, 2, NULL);
	}
	if (st == DB_OK)
		st = db_exec(c, &auth_sql[AUTH_SESSIONS_ENROLLED], a, 1, NULL);
	return db_err(st);
}

enum err
auth_second_factor(struct db_conn *c, const struct crypto_keyring *kr,
		   const char *user_id, const char *code, int64_t now)
{
	struct totp_state t;
	struct db_arg a[3];
	long long step, changed = 0;
	enum db_status st;
	enum err e;

	if (!code)
		return ERR_UNAUTHENTICATED;
	e = state_get(c, user_id, &t);
	if (e != ERR_OK)
		return e;
	a[0] = db_text(user_id);
	if (strlen(code) == 6) {
		bool ok = t.secret &&
			  crypto_totp_check(kr, user_id, t.secret, code,
					    now / 1000, &step);

		state_clear(&t);
		if (!ok)
			return ERR_UNAUTHENTICATED;
		a[1] = DB_INT(step);
		st = db_exec(c, &auth_sql[AUTH_TOTP_STEP], a, 2, &changed);
	} else {
		char mac[65];

		state_clear(&t);
		recovery_mac(kr, user_id, code, mac);
		a[1] = db_text(mac);
		a[2] = DB_INT(now);
		st = db_exec(c, &auth_sql[AUTH_RECOVERY_USE], a, 3, &changed);
	}
	if (st != DB_OK)
		return db_err(st);
	return changed == 1 ? ERR_OK : ERR_UNAUTHENTICATED;
}

struct rewrap {
	struct db_batches b; /* first: db_tx_batches() hands over &b */
	const struct crypto_keyring *kr;
};

/* Re-seals one secret, or keeps it (NULL stays NULL). */
static char *
reseal(const struct crypto_keyring *kr, const char *id, const char *text)
{
	char *out = text ? crypto_reseal(kr, CRYPTO_TOTP, id, text) : NULL;

	return out ? out : (text ? strdup(text) : NULL);
}

static enum db_status
rewrap_tx(struct db_conn *c, void *arg)
{
	struct rewrap *r = arg;
	char like[32];
	struct db_arg a[5];
	struct db_rows rows;
	enum db_status st = DB_OK;
	struct {
		char id[UUID_STR_LEN];
		char *secret, *pending;
	} batch[100];
	int n = 0;

	snprintf(like, sizeof(like), "s%u.%%", crypto_keyring_primary(r->kr));
	a[0] = db_text(like);
	db_query(c, &auth_sql[AUTH_TOTP_STALE], a, 1, &rows);
	while (n < 100 && db_next(&rows)) {
		snprintf(batch[n].id, sizeof(batch[n].id), "%s",
			 db_col_text(&rows, 0));
		batch[n].secret = db_col_null(&rows, 1)
					  ? NULL
					  : strdup(db_col_text(&rows, 1));
		batch[n].pending = db_col_null(&rows, 2)
					   ? NULL
					   : strdup(db_col_text(&rows, 2));
		n++;
	}
	st = db_rows_close(&rows);
	r->b.more = n == 100;
	for (int i = 0; i < n; i++) {
		char *s = reseal(r->kr, batch[i].id, batch[i].secret);
		char *p = reseal(r->kr, batch[i].id, batch[i].pending);
		long long changed = 0;

		a[0] = db_text(batch[i].id);
		a[1] = db_text(s);
		a[2] = db_text(p);
		a[3] = db_text(batch[i].secret);
		a[4] = db_text(batch[i].pending);
		if (st == DB_OK)
			st = db_exec(c, &auth_sql[AUTH_TOTP_RESEAL], a, 5,
				     &changed);
		r->b.changed += changed;
		free(s);
		free(p);
		free(batch[i].secret);
		free(batch[i].pending);
	}
	return st;
}

enum err
auth_totp_rewrap(struct db *db, const struct crypto_keyring *kr,
		 long long *count)
{
	struct rewrap r = { .kr = kr };
	enum db_status st = db_tx_batches(db, rewrap_tx, &r.b);

	*count = r.b.changed;
	return db_err(st);
}

#include "auth/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth_sql.h"
#include "base/text.h"
#include "base/timeutil.h"

static const char *const roles[ROLE_COUNT] = {
	"platform_admin", "org_admin", "case_worker",
	"investigator",	  "analyst",   "viewer",
};

const char *
auth_role_name(enum auth_role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r] : NULL;
}

bool
auth_role_parse(const char *s, enum auth_role *out)
{
	for (int i = 0; s && i < ROLE_COUNT; i++) {
		if (!strcmp(s, roles[i])) {
			*out = (enum auth_role)i;
			return true;
		}
	}
	return false;
}

static void
add_error(struct auth_errors *e, const char *field, const char *message)
{
	if (e->n < AUTH_MAX_ERRORS) {
		e->v[e->n].field = field;
		e->v[e->n].message = message;
		e->n++;
	}
}

bool
auth_email_normalise(const char *s, char out[AUTH_EMAIL_MAX + 1])
{
	size_t len, at = 0, n = 0;

	if (!s)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len < 3 || len > AUTH_EMAIL_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' ||
		    c == '(' || c == ')' || c == ',' || c == ';' || c == '\\')
			return false;
		if (c == '@') {
			at = i;
			n++;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[len] = '\0';
	/* One @, a local part, and a domain with a dot not at either end. */
	return n == 1 && at > 0 && at <= 64 && strchr(out + at + 1, '.') &&
	       out[at + 1] != '.' && out[len - 1] != '.';
}

/* Checks a display name: 1..AUTH_NAME_MAX bytes of valid text. */
static bool
valid_name(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	char *nfc;
	size_t nlen;

	if (len == 0 || len > AUTH_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return false;
	if (text_nfc(s, len, &nfc, &nlen) == TEXT_INVALID)
		return false;
	free(nfc);
	return true;
}

enum err
auth_user_prepare(const struct auth_user_input *in, char hash[AUTH_HASH_MAX],
		  struct auth_errors *errs)
{
	char email[AUTH_EMAIL_MAX + 1];
	enum auth_role role;
	const char *why;

	errs->n = 0;
	if (!auth_email_normalise(in->email, email))
		add_error(errs, "email", "must be an email address");
	if (!valid_name(in->name))
		add_error(errs, "name", "must be 1 to 200 bytes of text");
	if (!auth_role_parse(in->role, &role))
		add_error(errs, "role",
			  "must be platform_admin, org_admin, case_worker, "
			  "investigator, analyst or viewer");
	why = in->password ? auth_password_check(in->password, in->password_len,
						 false)
			   : "is required";
	if (why)
		add_error(errs, "password", why);
	if (errs->n)
		return ERR_INVALID;
	if (!auth_password_hash(in->password, in->password_len, hash))
		return ERR_INTERNAL;
	return ERR_OK;
}

static bool
exists(struct db_conn *c, enum auth_sql_id q, const char *id,
       enum db_status *st)
{
	struct db_arg a = db_text(id);
	struct db_rows rows;
	bool found;

	db_query(c, &auth_sql[q], &a, 1, &rows);
	found = db_next(&rows);
	*st = db_rows_close(&rows);
	return found;
}

void
auth_read_user(struct db_rows *rows, struct auth_user *u)
{
	snprintf(u->id, sizeof(u->id), "%s", db_col_text(rows, 0));
	snprintf(u->org_id, sizeof(u->org_id), "%s", db_col_text(rows, 1));
	snprintf(u->email, sizeof(u->email), "%s", db_col_text(rows, 2));
	snprintf(u->name, sizeof(u->name), "%s", db_col_text(rows, 3));
	if (!auth_role_parse(db_col_text(rows, 4), &u->role))
		u->role = ROLE_VIEWER;
	u->active = !strcmp(db_col_text(rows, 5), "active");
	u->totp_enrolled = db_col_int(rows, 6) != 0;
	u->version = db_col_int(rows, 7);
}

enum err
auth_user_create(struct db_conn *c, const struct auth_user_input *in,
		 const char *password_hash, struct auth_user *out,
		 struct auth_errors *errs)
{
	char email[AUTH_EMAIL_MAX + 1], now[TIME_RFC3339_LEN];
	struct db_arg a[7];
	enum db_status st;
	enum auth_role role;

	errs->n = 0;
	if (!auth_email_normalise(in->email, email) ||
	    !auth_role_parse(in->role, &role) || !valid_name(in->name) ||
	    !in->org_id)
		return ERR_INVALID; /* auth_user_prepare said why */
	if (!exists(c, AUTH_ORG_EXISTS, in->org_id, &st)) {
		if (st != DB_OK)
			return db_err(st);
		add_error(errs, "org_id", "names no organisation");
		return ERR_INVALID;
	}
	memset(out, 0, sizeof(*out));
	uuid_v7(out->id);
	snprintf(out->org_id, sizeof(out->org_id), "%s", in->org_id);
	snprintf(out->email, sizeof(out->email), "%s", email);
	snprintf(out->name, sizeof(out->name), "%s", in->name);
	out->role = role;
	out->active = true;
	out->version = 1;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	a[0] = db_text(out->id);
	a[1] = db_text(out->org_id);
	a[2] = db_text(email);
	a[3] = db_text(in->name);
	a[4] = db_text(auth_role_name(role));
	a[5] = db_text(password_hash);
	a[6] = db_text(now);
	st = db_exec(c, &auth_sql[AUTH_USER_INSERT], a, 7, NULL);
	if (st == DB_CONSTRAINT)
		add_error(errs, "email", "is taken");
	return db_err(st);
}

enum err
auth_user_get(struct db_conn *c, const char *id, struct auth_user *out)
{
	struct db_arg a = db_text(id);
	struct db_rows rows;
	enum db_status st;
	bool found;

	db_query(c, &auth_sql[AUTH_USER_GET], &a, 1, &rows);
	found = db_next(&rows);
	if (found)
		auth_read_user(&rows, out);
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	return found ? ERR_OK : ERR_NOT_FOUND;
}

enum err
auth_user_for_signin(struct db_conn *c, const char *email,
		     struct auth_user *out, char hash[AUTH_HASH_MAX])
{
	char norm[AUTH_EMAIL_MAX + 1];
	struct db_rows rows;
	struct db_arg a;
	enum db_status st;
	bool found;

	if (!auth_email_normalise(email, norm))
		return ERR_NOT_FOUND;
	a = db_text(norm);
	db_query(c, &auth_sql[AUTH_USER_SIGNIN], &a, 1, &rows);
	found = db_next(&rows);
	if (found) {
		auth_read_user(&rows, out);
		snprintf(hash, AUTH_HASH_MAX, "%s", db_col_text(&rows, 8));
	}
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	return found ? ERR_OK : ERR_NOT_FOUND;
}

enum err
auth_users_list(struct db_conn *c, const char *org_id, const char *cursor,
		int limit, struct auth_user *items, size_t *n)
{
	struct db_arg a[3] = { db_text(org_id), db_text(cursor ? cursor : ""),
			       DB_INT(limit) };
	struct db_rows rows;

	*n = 0;
	db_query(c, &auth_sql[AUTH_USERS_LIST], a, 3, &rows);
	while ((int)*n < limit && db_next(&rows))
		auth_read_user(&rows, &items[(*n)++]);
	return db_err(db_rows_close(&rows));
}

enum err
auth_users_count(struct db_conn *c, long long *n)
{
	struct db_rows rows;

	*n = 0;
	db_query(c, &auth_sql[AUTH_USERS_COUNT], NULL, 0, &rows);
	if (db_next(&rows))
		*n = db_col_int(&rows, 0);
	return db_err(db_rows_close(&rows));
}

void
auth_token_hash(const char *token, char hash[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
			   strlen(token), NULL, 0);
	sodium_bin2hex(hash, 65, h, sizeof(h));
}

/* A fresh random token, and the hex hash it is stored as. */
static void
new_token(char token[AUTH_TOKEN_LEN], char hash[65])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, AUTH_TOKEN_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(token, hash);
}

enum err
auth_session_create(struct db_conn *c, const char *user_id, int64_t now,
		    bool must_enrol, char token[AUTH_TOKEN_LEN],
		    char csrf[AUTH_TOKEN_LEN])
{
	char th[65], ch[65];
	struct db_arg a[5];

	new_token(token, th);
	new_token(csrf, ch);
	a[0] = db_text(th);
	a[1] = db_text(user_id);
	a[2] = db_text(ch);
	a[3] = DB_INT(now);
	a[4] = DB_INT(must_enrol);
	return db_err(db_exec(c, &auth_sql[AUTH_SESSION_INSERT], a, 5, NULL));
}

enum err
auth_session_check(struct db_conn *c, const char *token, int64_t now,
		   struct auth_actor *out)
{
	struct db_arg a[2];
	struct db_rows rows;
	enum db_status st;
	int64_t created = 0, seen = 0;
	bool found;

	if (!token || strlen(token) != AUTH_TOKEN_LEN - 1)
		return ERR_UNAUTHENTICATED;
	memset(out, 0, sizeof(*out));
	auth_token_hash(token, out->session_hash);
	a[0] = db_text(out->session_hash);
	db_query(c, &auth_sql[AUTH_SESSION_GET], a, 1, &rows);
	found = db_next(&rows);
	if (found) {
		auth_read_user(&rows, &out->user);
		snprintf(out->country, sizeof(out->country), "%s",
			 db_col_text(&rows, 8));
		snprintf(out->csrf_hash, sizeof(out->csrf_hash), "%s",
			 db_col_text(&rows, 9));
		created = db_col_int(&rows, 10);
		seen = db_col_int(&rows, 11);
		out->must_enrol = db_col_int(&rows, 12) != 0;
	}
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	if (!found || now - seen > AUTH_IDLE_MS ||
	    now - created > AUTH_ABSOLUTE_MS)
		return ERR_UNAUTHENTICATED;
	/* Touch at most once a minute: reads need not write every time. */
	if (now - seen > 60 * 1000) {
		a[1] = DB_INT(now);
		st = db_exec(c, &auth_sql[AUTH_SESSION_TOUCH], a, 2, NULL);
	}
	return db_err(st);
}

bool
auth_csrf_valid(const struct auth_actor *a, const char *csrf)
{
	char h[65];

	if (!csrf || !a->csrf_hash[0] || strlen(csrf) != AUTH_TOKEN_LEN - 1)
		return false;
	auth_token_hash(csrf, h);
	return sodium_memcmp(h, a->csrf_hash, 64) == 0;
}

enum err
auth_session_end(struct db_conn *c, const char *token)
{
	char h[65];
	struct db_arg a;

	auth_token_hash(token, h);
	a = db_text(h);
	return db_err(db_exec(c, &auth_sql[AUTH_SESSION_DELETE], &a, 1, NULL));
}

enum err
auth_sessions_end_all(struct db_conn *c, const char *user_id)
{
	struct db_arg a = db_text(user_id);

	return db_err(
		db_exec(c, &auth_sql[AUTH_SESSION_DELETE_USER], &a, 1, NULL));
}

enum err
auth_user_reset(struct db_conn *c, const char *user_id,
		const char *password_hash, bool clear_totp)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg a[3];
	long long changed = 0;
	enum db_status st = DB_OK;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	a[0] = db_text(user_id);
	a[1] = db_text(password_hash);
	a[2] = db_text(now);
	if (password_hash)
		st = db_exec(c, &auth_sql[AUTH_USER_SET_PASSWORD], a, 3,
			     &changed);
	if (st == DB_OK && clear_totp) {
		a[1] = db_text(now);
		st = db_exec(c, &auth_sql[AUTH_USER_CLEAR_TOTP], a, 2,
			     &changed);
		if (st == DB_OK)
			st = db_exec(c, &auth_sql[AUTH_RECOVERY_DELETE], a, 1,
				     NULL);
	}
	if (st != DB_OK)
		return db_err(st);
	if (changed != 1)
		return ERR_NOT_FOUND;
	return auth_sessions_end_all(c, user_id);
}

enum err
auth_password_stored(struct db_conn *c, const char *user_id,
		     char hash[AUTH_HASH_MAX])
{
	struct db_arg arg = db_text(user_id);
	struct db_rows rows;
	enum db_status st;

	hash[0] = '\0';
	db_query(c, &auth_sql[AUTH_USER_HASH], &arg, 1, &rows);
	if (db_next(&rows))
		snprintf(hash, AUTH_HASH_MAX, "%s", db_col_text(&rows, 0));
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	return hash[0] ? ERR_OK : ERR_NOT_FOUND;
}

enum err
auth_password_set(struct db_conn *c, const struct auth_actor *a,
		  const char *hash)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg arg[3];
	enum db_status st;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	arg[0] = db_text(a->user.id);
	arg[1] = db_text(hash);
	arg[2] = db_text(now);
	st = db_exec(c, &auth_sql[AUTH_USER_SET_PASSWORD], arg, 3, NULL);
	if (st == DB_OK) {
		arg[1] = db_text(a->session_hash);
		st = db_exec(c, &auth_sql[AUTH_SESSION_DELETE_OTHERS], arg, 2,
			     NULL);
	}
	return db_err(st);
}

enum err
auth_password_upgrade(struct db_conn *c, const char *user_id,
		      const char *old_hash, const char *new_hash)
{
	struct db_arg arg[3] = { db_text(user_id), db_text(new_hash),
				 db_text(old_hash) };

	return db_err(
		db_exec(c, &auth_sql[AUTH_USER_UPGRADE_HASH], arg, 3, NULL));
}

enum err
auth_user_set_active(struct db_conn *c, const char *user_id, bool active,
		     long long expected_version)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg a[4];
	long long changed = 0;
	enum db_status st;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	a[0] = db_text(user_id);
	a[1] = db_text(active ? "active" : "disabled");
	a[2] = db_text(now);
	a[3] = DB_INT(expected_version);
	st = db_exec(c, &auth_sql[AUTH_USER_SET_STATUS], a, 4, &changed);
	if (st != DB_OK)
		return db_err(st);
	if (changed != 1)
		return ERR_CONFLICT;
	return active ? ERR_OK : auth_sessions_end_all(c, user_id);
}

enum err
auth_sessions_end_org(struct db_conn *c, const char *org_id)
{
	struct db_arg a = db_text(org_id);

	return db_err(
		db_exec(c, &auth_sql[AUTH_SESSION_DELETE_ORG], &a, 1, NULL));
}

/*
 * Counts failures of key ($1 of q) in the window; *exceeded and *retry
 * when there are max or more.
 */
static enum db_status
count_recent(struct db_conn *c, enum auth_sql_id q, const char *key,
	     long long max, int64_t now, bool *exceeded, int *retry)
{
	struct db_arg a[2] = { db_text(key),
			       DB_INT(now - AUTH_FAILURES_WINDOW_MS) };
	struct db_rows rows;
	long long n = 0, oldest = now;
	enum db_status st;

	db_query(c, &auth_sql[AUTH_FAILURES_LOCK], a, 1, &rows);
	while (db_next(&rows))
		;
	if ((st = db_rows_close(&rows)) != DB_OK)
		return st;
	db_query(c, &auth_sql[q], a, 2, &rows);
	if (db_next(&rows)) {
		n = db_col_int(&rows, 0);
		if (!db_col_null(&rows, 1))
			oldest = db_col_int(&rows, 1);
	}
	if ((st = db_rows_close(&rows)) != DB_OK)
		return st;
	if (n >= max) {
		*exceeded = true;
		*retry =
			(int)((oldest + AUTH_FAILURES_WINDOW_MS - now) / 1000) +
			1;
	}
	return DB_OK;
}

enum err
auth_attempt_begin(struct db_conn *c, const char *email, const char *ip,
		   long per_ip, int64_t now, bool *exceeded, int *retry_after_s,
		   char id[UUID_STR_LEN])
{
	char norm[AUTH_EMAIL_MAX + 1];
	struct db_arg a[4];
	enum db_status st;

	*exceeded = false;
	*retry_after_s = 0;
	id[0] = '\0';
	if (!auth_email_normalise(email, norm))
		return ERR_OK; /* no such account can exist: nothing to count */
	st = count_recent(c, AUTH_FAILURES_RECENT, norm, AUTH_FAILURES_MAX, now,
			  exceeded, retry_after_s);
	if (st == DB_OK && !*exceeded && per_ip > 0 && ip)
		st = count_recent(c, AUTH_FAILURES_BY_IP, ip, per_ip, now,
				  exceeded, retry_after_s);
	if (st != DB_OK || *exceeded)
		return db_err(st);
	uuid_v7(id);
	a[0] = db_text(norm);
	a[1] = DB_INT(now);
	a[2] = db_text(id);
	a[3] = db_text(ip);
	return db_err(db_exec(c, &auth_sql[AUTH_FAILURE_INSERT], a, 4, NULL));
}

enum err
auth_attempt_clear(struct db_conn *c, const char *id)
{
	struct db_arg a = db_text(id);

	if (!id[0])
		return ERR_OK;
	return db_err(db_exec(c, &auth_sql[AUTH_FAILURE_DELETE], &a, 1, NULL));
}

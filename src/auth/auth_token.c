/* API tokens for integrations: Authorization: Bearer atip_... */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_sql.h"

enum err
auth_token_create(struct db_conn *c, const char *user_id, const char *name,
		  int days, int64_t now, char id[UUID_STR_LEN],
		  char token[AUTH_API_TOKEN_LEN])
{
	unsigned char raw[32];
	struct db_arg a[6];
	char h[65];

	if (days < 1 || days > AUTH_TOKEN_DAYS_MAX || !name || !*name ||
	    strlen(name) > 100)
		return ERR_INVALID;
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "atip_", 5);
	sodium_bin2base64(token + 5, AUTH_API_TOKEN_LEN - 5, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(token, h);
	uuid_v7(id);
	a[0] = db_text(id);
	a[1] = db_text(user_id);
	a[2] = db_text(h);
	a[3] = db_text(name);
	a[4] = DB_INT(now);
	a[5] = DB_INT(now + (int64_t)days * 24 * 3600 * 1000);
	return db_err(db_exec(c, &auth_sql[AUTH_TOKEN_INSERT], a, 6, NULL));
}

enum err
auth_token_check(struct db_conn *c, const char *token, int64_t now,
		 struct auth_actor *out)
{
	struct db_arg a[2];
	struct db_rows rows;
	char h[65], id[UUID_STR_LEN] = "";
	long long used = 0;
	enum db_status st;
	bool found;

	if (!token || strlen(token) != AUTH_API_TOKEN_LEN - 1 ||
	    strncmp(token, "atip_", 5))
		return ERR_UNAUTHENTICATED;
	memset(out, 0, sizeof(*out));
	auth_token_hash(token, h);
	a[0] = db_text(h);
	a[1] = DB_INT(now);
	db_query(c, &auth_sql[AUTH_TOKEN_GET], a, 2, &rows);
	found = db_next(&rows);
	if (found) {
		auth_read_user(&rows, &out->user);
		snprintf(out->country, sizeof(out->country), "%s",
			 db_col_text(&rows, 8));
		snprintf(id, sizeof(id), "%s", db_col_text(&rows, 9));
		used = db_col_null(&rows, 10) ? 0 : db_col_int(&rows, 10);
	}
	st = db_rows_close(&rows);
	if (st != DB_OK)
		return db_err(st);
	if (!found)
		return ERR_UNAUTHENTICATED;
	if (now - used > 60 * 1000) {
		a[0] = db_text(id);
		st = db_exec(c, &auth_sql[AUTH_TOKEN_USED], a, 2, NULL);
	}
	return db_err(st);
}

enum err
auth_token_revoke(struct db_conn *c, const char *user_id, const char *id,
		  int64_t now)
{
	struct db_arg a[3] = { db_text(id), db_text(user_id), DB_INT(now) };
	long long changed = 0;
	enum db_status st =
		db_exec(c, &auth_sql[AUTH_TOKEN_REVOKE], a, 3, &changed);

	if (st != DB_OK)
		return db_err(st);
	return changed == 1 ? ERR_OK : ERR_NOT_FOUND;
}

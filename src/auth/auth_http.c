#include "auth/auth_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/timeutil.h"

/* Over TLS the cookie carries the __Host- prefix (and Secure). */
static const char *
cookie_name(const struct http_request *req)
{
	return http_is_tls(req) ? "__Host-atip" : "atip";
}

static bool
unsafe(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") &&
	       strcmp(method, "OPTIONS");
}

enum err
auth_authenticate(struct http_request *req)
{
	struct auth_actor *a = arena_alloc(&req->arena, sizeof(*a));
	const char *token = http_cookie(req, cookie_name(req));
	enum err e;

	if (!token)
		return ERR_UNAUTHENTICATED;
	e = auth_session_check(req->db, token, time_now_ms(), a);
	if (e != ERR_OK)
		return e;
	if (unsafe(req->method) &&
	    !auth_csrf_valid(a, http_header(req, "X-CSRF-Token"))) {
		http_problem(req, ERR_FORBIDDEN,
			     "This request needs the session's CSRF token in "
			     "X-CSRF-Token.",
			     NULL);
		return ERR_FORBIDDEN;
	}
	req->actor = a;
	return ERR_OK;
}

/* What one sign-in attempt does in the database, in one transaction. */
struct signin {
	struct http_request *req;
	const char *email;
	const struct auth_user *user; /* NULL: no such active account */
	bool ok;
	char token[AUTH_TOKEN_LEN], csrf[AUTH_TOKEN_LEN];
	enum err e;
};

static enum db_status
signin_tx(struct db_conn *c, void *arg)
{
	struct signin *s = arg;
	struct audit_event ev = { s->user ? s->user->org_id : "platform",
				  s->user ? s->user->id : NULL,
				  "session.create",
				  "user",
				  s->user ? s->user->id : NULL,
				  s->ok ? "ok" : "failed",
				  s->req->id };
	enum db_status st;

	s->e = s->ok ? auth_session_create(c, s->user->id, time_now_ms(),
					   s->token, s->csrf)
		     : auth_failure_record(c, s->email, time_now_ms());
	if (s->e != ERR_OK)
		return db_status_of(s->e);
	st = audit_append(c, &ev);
	s->e = db_err(st);
	return st;
}

static char dummy[AUTH_HASH_MAX];

static void
make_dummy(void)
{
	unsigned char raw[24];

	randombytes_buf(raw, sizeof(raw));
	if (!auth_password_hash((const char *)raw, sizeof(raw), dummy))
		abort();
	sodium_memzero(raw, sizeof(raw));
}

/*
 * A hash to verify against when the account does not exist, so that the
 * answer takes as long either way.
 */
static const char *
dummy_hash(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_dummy);
	return dummy;
}

void
auth_signin(struct http_request *req)
{
	const char *email = NULL, *password = NULL, *totp = NULL;
	const struct http_field fields[] = {
		{ .name = "email",
		  .required = true,
		  .max = AUTH_EMAIL_MAX,
		  .string = &email },
		{ .name = "password",
		  .required = true,
		  .max = 4 * AUTH_PASSWORD_MAX,
		  .string = &password },
		{ .name = "totp", .max = 16, .string = &totp },
	};
	struct signin s = { .req = req };
	char hash[AUTH_HASH_MAX], cookie[160], retry[16];
	struct auth_user user;
	enum db_status st;
	bool exceeded;
	int wait_s;
	enum err e;
	json_t *out;

	if (!http_body_fields(req, fields, 3))
		return;
	s.email = email;
	e = auth_failures_exceeded(req->db, email, time_now_ms(), &exceeded,
				   &wait_s);
	if (e == ERR_OK && exceeded) {
		snprintf(retry, sizeof(retry), "%d", wait_s);
		http_problem(req, ERR_RATE_LIMITED,
			     "Too many failed sign-ins for this account; try "
			     "again later.",
			     NULL);
		http_add_header(req, "Retry-After", retry);
		return;
	}
	if (e == ERR_OK)
		e = auth_user_for_signin(req->db, email, &user, hash);
	if (e != ERR_OK && e != ERR_NOT_FOUND) {
		http_problem(req, e, "Sign-in is unavailable.", NULL);
		return;
	}
	s.user = e == ERR_OK ? &user : NULL;
	s.ok = auth_password_verify(s.user ? hash : dummy_hash(), password,
				    strlen(password)) &&
	       s.user;
	st = db_tx_conn(req->db, signin_tx, &s);
	e = st == DB_OK ? ERR_OK : s.e != ERR_OK ? s.e : db_err(st);
	if (e != ERR_OK) {
		http_problem(req, e, "Sign-in is unavailable.", NULL);
		return;
	}
	if (!s.ok) {
		http_problem(req, ERR_UNAUTHENTICATED,
			     "The email or the password is wrong.", NULL);
		return;
	}
	out = json_pack("{ss so}", "csrf_token", s.csrf, "user",
			auth_user_json(&user));
	http_json(req, 201, out);
	snprintf(cookie, sizeof(cookie),
		 "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", cookie_name(req),
		 s.token, http_is_tls(req) ? "; Secure" : "");
	http_add_header(req, "Set-Cookie", cookie);
}

struct signout {
	const struct auth_actor *a;
	const char *token;
	const char *request_id;
	enum err e;
};

static enum db_status
signout_tx(struct db_conn *c, void *arg)
{
	struct signout *s = arg;
	struct audit_event ev = { s->a->user.org_id, s->a->user.id,
				  "session.end",     "user",
				  s->a->user.id,     "ok",
				  s->request_id };

	s->e = auth_session_end(c, s->token);
	if (s->e != ERR_OK)
		return db_status_of(s->e);
	return audit_append(c, &ev);
}

void
auth_signout(struct http_request *req)
{
	struct signout s = { req->actor, http_cookie(req, cookie_name(req)),
			     req->id, ERR_OK };
	char cookie[96];
	enum db_status st = db_tx_conn(req->db, signout_tx, &s);

	if (st != DB_OK) {
		http_problem(req, s.e != ERR_OK ? s.e : db_err(st),
			     "Sign-out failed; try again.", NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
	snprintf(cookie, sizeof(cookie),
		 "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		 cookie_name(req), http_is_tls(req) ? "; Secure" : "");
	http_add_header(req, "Set-Cookie", cookie);
}

void
auth_me(struct http_request *req)
{
	const struct auth_actor *a = req->actor;

	http_json(req, 200,
		  json_pack("{so ss}", "user", auth_user_json(&a->user),
			    "country", a->country));
}

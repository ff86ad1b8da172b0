#include "auth/auth_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/timeutil.h"
#include "orgs/orgs.h"

/* Over TLS the cookie carries the __Host- prefix (and Secure). */
static const char *
cookie_name(struct http_request *req)
{
	return http_is_secure(req) ? "__Host-atip" : "atip";
}

static bool
unsafe(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") &&
	       strcmp(method, "OPTIONS");
}

enum db_status
auth_audit(struct db_conn *c, struct http_request *req, const char *action,
	   const char *kind, const char *record_id)
{
	return auth_audit_flagged(c, req, action, kind, record_id, NULL, NULL);
}

enum db_status
auth_audit_flagged(struct db_conn *c, struct http_request *req,
		   const char *action, const char *kind, const char *record_id,
		   const char *review_org, const char *reason)
{
	const struct auth_actor *a = req->actor;
	struct audit_event ev = { .chain = a->user.org_id,
				  .actor_user = a->user.id,
				  .action = action,
				  .record_kind = kind,
				  .record_id = record_id,
				  .outcome = "ok",
				  .request_id = req->id,
				  .review_org = review_org,
				  .reason = reason };

	return audit_append(c, &ev);
}

/* The sharing groups of the actor's organisation, for access_check. */
static enum err
load_groups(struct http_request *req, struct auth_actor *a)
{
	struct org_group *g;
	const char **ids;
	size_t n;
	enum err e =
		orgs_groups_of(req->db, a->user.org_id, &req->arena, &g, &n);

	if (e != ERR_OK)
		return e;
	ids = arena_alloc(&req->arena, (n ? n : 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = g[i].id;
	a->groups = ids;
	a->ngroups = n;
	return ERR_OK;
}

enum err
auth_authenticate(struct http_request *req)
{
	struct auth_actor *a = arena_alloc(&req->arena, sizeof(*a));
	const char *bearer = http_header(req, "Authorization");
	const char *token = http_cookie(req, cookie_name(req));
	enum err e;

	/* Integrations: a bearer token, no cookie, so no CSRF to check. */
	if (bearer) {
		if (strncasecmp(bearer, "Bearer ", 7))
			return ERR_UNAUTHENTICATED;
		e = auth_token_check(req->db, bearer + 7, time_now_ms(), a);
		if (e != ERR_OK)
			return e;
		req->actor = a;
		return load_groups(req, a);
	}
	if (!token)
		return req->route->flags & HTTP_PUBLIC ? ERR_OK
						       : ERR_UNAUTHENTICATED;
	e = auth_session_check(req->db, token, time_now_ms(), a);
	if (e != ERR_OK)
		return e;
	if (a->must_enrol && strcmp(req->route->permission, "session")) {
		http_problem(req, ERR_FORBIDDEN,
			     "Enrol a second factor first: POST "
			     "/api/v1/me/totp.",
			     NULL);
		return ERR_FORBIDDEN;
	}
	if (unsafe(req->method) &&
	    !auth_csrf_valid(a, http_header(req, "X-CSRF-Token"))) {
		http_problem(req, ERR_FORBIDDEN,
			     "This request needs the session's CSRF token in "
			     "X-CSRF-Token.",
			     NULL);
		return ERR_FORBIDDEN;
	}
	req->actor = a;
	return load_groups(req, a);
}

/* What one sign-in attempt does in the database, in one transaction. */
struct signin {
	struct http_request *req;
	const char *email;
	const char *password;
	const char *totp;
	struct auth_user account;
	char hash[AUTH_HASH_MAX];
	char old[AUTH_HASH_MAX];      /* a hash with older parameters, */
	char rehash[AUTH_HASH_MAX];   /* and its successor; else "" */
	const struct auth_user *user; /* NULL: no such active account */
	bool ok;		      /* the password matched */
	bool factor_missing; /* ... but the second factor was not sent */
	bool must_enrol;     /* the role needs a factor it lacks */
	bool exceeded;	     /* throttled: nothing was checked */
	int retry_after;
	char attempt[UUID_STR_LEN]; /* a failure until it succeeds */
	char token[AUTH_TOKEN_LEN], csrf[AUTH_TOKEN_LEN];
	enum err e;
};

/* First step: count the account's recent failures and record this attempt. */
static enum db_status
attempt_tx(struct db_conn *c, void *arg)
{
	struct signin *s = arg;
	struct audit_event ev = { .chain = "platform",
				  .action = "session.create",
				  .record_kind = "user",
				  .outcome = "throttled",
				  .request_id = s->req->id };
	enum db_status st;

	struct app *app = s->req->app;
	char ip[64];

	http_client_ip(s->req, ip, sizeof(ip));
	s->e = auth_attempt_begin(c, s->email, ip, app->signin_per_ip,
				  time_now_ms(), &s->exceeded, &s->retry_after,
				  s->attempt);
	if (s->e != ERR_OK || !s->exceeded)
		return db_status_of(s->e);
	st = audit_append(c, &ev); /* a refusal is audited too */
	s->e = db_err(st);
	return st;
}

/* Second step, after the password check: the outcome. */
static enum db_status
signin_tx(struct db_conn *c, void *arg)
{
	struct signin *s = arg;
	struct audit_event ev = { .chain = s->user ? s->user->org_id
						   : "platform",
				  .actor_user = s->user ? s->user->id : NULL,
				  .action = "session.create",
				  .record_kind = "user",
				  .record_id = s->user ? s->user->id : NULL,
				  .outcome = s->ok ? "ok" : "failed",
				  .request_id = s->req->id };
	struct app *app = s->req->app;
	int64_t now = time_now_ms();
	enum db_status st;

	if (s->ok && s->user->totp_enrolled) {
		s->factor_missing = !s->totp;
		s->e = s->totp ? auth_second_factor(c, app_keyring(app),
						    s->user->id, s->totp, now)
			       : ERR_UNAUTHENTICATED;
		if (s->e != ERR_OK && s->e != ERR_UNAUTHENTICATED)
			return db_status_of(s->e);
		s->ok = s->e == ERR_OK;
		ev.outcome = s->ok ? "ok" : "failed";
	}
	/* A right password without its code is not a failure (the client
	 * asks again, with the code), but it is audited as what it is. */
	if (s->factor_missing) {
		s->e = auth_attempt_clear(c, s->attempt);
		if (s->e != ERR_OK)
			return db_status_of(s->e);
		ev.outcome = "second_factor_required";
		st = audit_append(c, &ev);
		s->e = db_err(st);
		return st;
	}
	s->must_enrol = s->ok && !s->user->totp_enrolled &&
			auth_role_needs_totp(s->user->role);
	s->e = ERR_OK;
	if (s->ok) {
		s->e = auth_attempt_clear(c, s->attempt);
		if (s->e == ERR_OK && s->old[0])
			s->e = auth_password_upgrade(c, s->user->id, s->old,
						     s->rehash);
		if (s->e == ERR_OK)
			s->e = auth_session_create(c, s->user->id, now,
						   s->must_enrol, s->token,
						   s->csrf);
	}
	if (s->e != ERR_OK)
		return db_status_of(s->e);
	st = audit_append(c, &ev);
	s->e = db_err(st);
	return st;
}

/* Runs a step on the request's connection; the module's or the db's error. */
static enum err
step(struct http_request *req, enum db_status (*fn)(struct db_conn *, void *),
     struct signin *s)
{
	return db_tx_conn_err(req->db, fn, s, &s->e);
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

/* On the pool: the slow password check, holding no HTTP thread. */
static void
signin_verify(struct http_request *req)
{
	struct signin *s = req->state;

	s->ok = auth_password_verify(s->user ? s->hash : dummy_hash(),
				     s->password, strlen(s->password)) &&
		s->user;
	/* Parameters rose since it was hashed: hash it again, here on the
	 * pool, to store once the sign-in succeeds. */
	if (s->ok && auth_password_needs_rehash(s->hash) &&
	    auth_password_hash(s->password, strlen(s->password), s->rehash))
		memcpy(s->old, s->hash, sizeof(s->old));
	sodium_memzero(s->hash, sizeof(s->hash));
}

/* Back on an HTTP thread: record the outcome and answer. */
static void
signin_finish(struct http_request *req)
{
	struct signin *s = req->state;
	char cookie[160];
	enum err e = step(req, signin_tx, s);

	sodium_memzero(s->old, sizeof(s->old));
	sodium_memzero(s->rehash, sizeof(s->rehash));

	if (e != ERR_OK) {
		http_problem(req, e, "Sign-in is unavailable.", NULL);
		return;
	}
	if (s->factor_missing) {
		http_problem(req, ERR_UNAUTHENTICATED,
			     "This account signs in with a second factor: send "
			     "totp (a code from the app, or a recovery code).",
			     json_pack("[{ss ss}]", "field", "totp", "message",
				       "is required"));
		return;
	}
	if (!s->ok) {
		http_problem(req, ERR_UNAUTHENTICATED,
			     "The email, the password or the code is wrong.",
			     NULL);
		return;
	}
	http_json(req, 201,
		  json_pack("{ss so sb}", "csrf_token", s->csrf, "user",
			    auth_user_json(&s->account),
			    "totp_enrolment_required", s->must_enrol));
	snprintf(cookie, sizeof(cookie),
		 "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", cookie_name(req),
		 s->token, http_is_secure(req) ? "; Secure" : "");
	http_add_header(req, "Set-Cookie", cookie);
}

void
auth_signin(struct http_request *req)
{
	struct signin *s = arena_alloc(&req->arena, sizeof(*s));
	const struct http_field fields[] = {
		{ .name = "email",
		  .required = true,
		  .max = AUTH_EMAIL_MAX,
		  .string = &s->email },
		{ .name = "password",
		  .required = true,
		  .max = 4 * AUTH_PASSWORD_MAX,
		  .string = &s->password },
		{ .name = "totp", .max = 16, .string = &s->totp },
	};
	char retry[16];
	enum err e;

	s->req = req;
	if (!http_body_fields(req, fields, 3))
		return;
	e = step(req, attempt_tx, s);
	if (e == ERR_OK && s->exceeded) {
		snprintf(retry, sizeof(retry), "%d", s->retry_after);
		http_problem(req, ERR_RATE_LIMITED,
			     "Too many failed sign-ins for this account; try "
			     "again later.",
			     NULL);
		http_add_header(req, "Retry-After", retry);
		return;
	}
	if (e == ERR_OK)
		e = auth_user_for_signin(req->db, s->email, &s->account,
					 s->hash);
	if (e != ERR_OK && e != ERR_NOT_FOUND) {
		http_problem(req, e, "Sign-in is unavailable.", NULL);
		return;
	}
	s->user = e == ERR_OK ? &s->account : NULL;
	req->state = s;
	http_defer(req, signin_verify, signin_finish);
}

struct signout {
	struct http_request *req;
	const char *token;
	enum err e;
};

static enum db_status
signout_tx(struct db_conn *c, void *arg)
{
	struct signout *s = arg;

	s->e = auth_session_end(c, s->token);
	if (s->e != ERR_OK)
		return db_status_of(s->e);
	return auth_audit(c, s->req, "session.end", "user",
			  ((const struct auth_actor *)s->req->actor)->user.id);
}

void
auth_signout(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct signout s = { req, http_cookie(req, cookie_name(req)), ERR_OK };
	char cookie[96];
	enum db_status st;

	/* An API token (which wins over a cookie) has no session to end. */
	if (!a->session_hash[0] || !s.token) {
		http_problem(
			req, ERR_FORBIDDEN,
			"Only a signed-in session signs out; an API "
			"token is revoked with DELETE /api/v1/tokens/{id}.",
			NULL);
		return;
	}
	st = db_tx_conn(req->db, signout_tx, &s);
	if (st != DB_OK) {
		http_problem(req, s.e != ERR_OK ? s.e : db_err(st),
			     "Sign-out failed; try again.", NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
	snprintf(cookie, sizeof(cookie),
		 "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		 cookie_name(req), http_is_secure(req) ? "; Secure" : "");
	http_add_header(req, "Set-Cookie", cookie);
}

void
auth_me(struct http_request *req)
{
	const struct auth_actor *a = req->actor;

	http_json(req, 200,
		  json_pack("{so ss sb}", "user", auth_user_json(&a->user),
			    "country", a->country, "totp_enrolment_required",
			    a->must_enrol));
}

/* POST /api/v1/me/totp: a new secret to enrol, as text, URI and QR code. */
void
auth_totp_enrol(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct app *app = req->app;
	char *b32 = NULL, *uri, *svg;
	enum err e =
		auth_totp_begin(req->db, app_keyring(app), a->user.id, &b32);

	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_CONFLICT
				     ? "A second factor is enrolled already."
				     : "Enrolment failed; try again.",
			     NULL);
		return;
	}
	uri = arena_printf(&req->arena,
			   "otpauth://totp/atip:%s?secret=%s&issuer=atip&"
			   "algorithm=SHA1&digits=6&period=30",
			   a->user.email, b32);
	svg = auth_qr_svg(uri);
	http_json(req, 201,
		  json_pack("{ss ss ss?}", "secret", b32, "otpauth_uri", uri,
			    "qr_svg", svg));
	sodium_memzero(b32, strlen(b32));
	sodium_memzero(uri, strlen(uri));
	free(b32);
	free(svg);
}

struct confirm {
	struct http_request *req;
	const char *code;
	char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_LEN];
	enum err e;
};

static enum db_status
confirm_tx(struct db_conn *c, void *arg)
{
	struct confirm *x = arg;
	const struct auth_actor *a = x->req->actor;
	struct app *app = x->req->app;

	x->e = auth_totp_confirm(c, app_keyring(app), a->user.id, x->code,
				 time_now_ms(), x->codes);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "totp.enrol", "user", a->user.id);
}

/* POST /api/v1/me/totp/confirm: {code} from the new secret. */
void
auth_totp_confirm_http(struct http_request *req)
{
	struct confirm x = { .req = req };
	const struct http_field fields[] = {
		{ .name = "code",
		  .required = true,
		  .max = 16,
		  .string = &x.code },
	};
	enum err e;
	json_t *codes;

	if (!http_body_fields(req, fields, 1))
		return;
	e = db_tx_conn_err(req->db, confirm_tx, &x, &x.e);
	if (e == ERR_INVALID) {
		http_invalid(req, "code",
			     "does not match the secret being enrolled");
		return;
	}
	if (e != ERR_OK) {
		http_problem(req, e, "Enrolment failed; try again.", NULL);
		return;
	}
	codes = json_array();
	for (int i = 0; i < AUTH_RECOVERY_CODES; i++)
		json_array_append_new(codes, json_string(x.codes[i]));
	sodium_memzero(x.codes, sizeof(x.codes));
	http_json(req, 200, json_pack("{so}", "recovery_codes", codes));
}

struct change_password {
	struct http_request *req;
	const char *current, *fresh, *why;
	char stored[AUTH_HASH_MAX], hashed[AUTH_HASH_MAX];
	enum err e;
};

static enum db_status
password_tx(struct db_conn *c, void *arg)
{
	struct change_password *x = arg;
	const struct auth_actor *a = x->req->actor;

	x->e = auth_password_set(c, a, x->hashed);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "password.change", "user", a->user.id);
}

/* On the pool: the policy, the current password, the new hash. */
static void
password_work(struct http_request *req)
{
	struct change_password *x = req->state;
	const struct auth_actor *a = req->actor;

	x->why = auth_password_check(x->fresh, strlen(x->fresh),
				     a->user.totp_enrolled);
	if (x->why)
		x->e = ERR_INVALID;
	else if (!auth_password_verify(x->stored, x->current,
				       strlen(x->current)))
		x->e = ERR_UNAUTHENTICATED;
	else if (!auth_password_hash(x->fresh, strlen(x->fresh), x->hashed))
		x->e = ERR_INTERNAL;
	else
		x->e = ERR_OK;
	sodium_memzero(x->stored, sizeof(x->stored));
}

/* Back on an HTTP thread: store it, or say what was wrong. */
static void
password_finish(struct http_request *req)
{
	struct change_password *x = req->state;
	enum err e = x->e;

	if (e == ERR_OK)
		e = db_tx_conn_err(req->db, password_tx, x, &x->e);
	sodium_memzero(x->hashed, sizeof(x->hashed));
	if (e == ERR_INVALID) {
		http_invalid(req, "new_password", x->why);
		return;
	}
	if (e == ERR_UNAUTHENTICATED) {
		http_invalid(req, "current_password", "is wrong");
		return;
	}
	if (e != ERR_OK) {
		http_problem(req, e, "The password could not be changed.",
			     NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
}

/* PUT /api/v1/me/password: {current_password, new_password}. */
void
auth_password_http(struct http_request *req)
{
	struct change_password *x = arena_alloc(&req->arena, sizeof(*x));
	const struct http_field fields[] = {
		{ .name = "current_password",
		  .required = true,
		  .max = 4 * AUTH_PASSWORD_MAX,
		  .string = &x->current },
		{ .name = "new_password",
		  .required = true,
		  .max = 4 * AUTH_PASSWORD_MAX,
		  .string = &x->fresh },
	};
	const struct auth_actor *a = req->actor;
	enum err e;

	x->req = req;
	if (!a->session_hash[0]) {
		http_problem(req, ERR_FORBIDDEN,
			     "Passwords change from a signed-in session.",
			     NULL);
		return;
	}
	if (!http_body_fields(req, fields, 2))
		return;
	e = auth_password_stored(req->db, a->user.id, x->stored);
	if (e != ERR_OK) {
		http_problem(req, e, "The password could not be changed.",
			     NULL);
		return;
	}
	req->state = x;
	http_defer(req, password_work, password_finish);
}

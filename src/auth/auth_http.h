/* The HTTP side of authentication: the hook and the session resource. */
#ifndef ATIP_AUTH_HTTP_H
#define ATIP_AUTH_HTTP_H

#include "auth/auth.h"
#include "http/http.h"

/*
 * The authenticate hook for http_server_set_auth(): a session cookie (and,
 * for unsafe methods, its CSRF token in X-CSRF-Token), sets req->actor to
 * a struct auth_actor.
 */
enum err auth_authenticate(struct http_request *req);

/*
 * Appends to the audit trail, in c's transaction, that the request's
 * signed-in actor did action on the record kind/record_id (outcome ok).
 */
enum db_status auth_audit(struct db_conn *c, struct http_request *req,
			  const char *action, const char *kind,
			  const char *record_id);

/*
 * Like auth_audit, for a break-glass access: the entry carries the reason
 * and is flagged for review by review_org, the record's owner.
 */
enum db_status auth_audit_flagged(struct db_conn *c, struct http_request *req,
				  const char *action, const char *kind,
				  const char *record_id, const char *review_org,
				  const char *reason);

void auth_signin(struct http_request *req);  /* POST /api/v1/session */
void auth_signout(struct http_request *req); /* DELETE /api/v1/session */
void auth_me(struct http_request *req);	     /* GET /api/v1/me */

/* GET /api/v1/users: an organisation's accounts (default: one's own). */
void auth_users_http_list(struct http_request *req);

/* POST /api/v1/users: org admins for their organisation, platform admins. */
void auth_users_http_create(struct http_request *req);

/* PATCH /api/v1/users/{id}: enable or disable (with the version). */
void auth_users_http_update(struct http_request *req);

/* POST /api/v1/users/{id}/reset: new password and/or no second factor. */
void auth_users_http_reset(struct http_request *req);

/* A user as the API shows it. */
json_t *auth_user_json(const struct auth_user *u);

/* PUT /api/v1/me/password: one's own password; ends other sessions. */
void auth_password_http(struct http_request *req);

/* POST /api/v1/me/totp: starts enrolling a second factor. */
void auth_totp_enrol(struct http_request *req);

/* POST /api/v1/me/totp/confirm: finishes it; answers recovery codes. */
void auth_totp_confirm_http(struct http_request *req);

/* GET, POST /api/v1/tokens and DELETE /api/v1/tokens/{id}: one's own. */
void auth_tokens_http_list(struct http_request *req);
void auth_tokens_http_create(struct http_request *req);
void auth_tokens_http_revoke(struct http_request *req);

/* The QR code of text as an SVG document; caller frees; NULL if too long. */
char *auth_qr_svg(const char *text);

#endif

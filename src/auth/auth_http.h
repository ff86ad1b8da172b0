/* The HTTP side of authentication: the hook and the session resource. */
#ifndef ATIP_AUTH_HTTP_H
#define ATIP_AUTH_HTTP_H

#include "http/http.h"

/*
 * The authenticate hook for http_server_set_auth(): a session cookie (and,
 * for unsafe methods, its CSRF token in X-CSRF-Token), sets req->actor to
 * a struct auth_actor.
 */
enum err auth_authenticate(struct http_request *req);

void auth_signin(struct http_request *req);  /* POST /api/v1/session */
void auth_signout(struct http_request *req); /* DELETE /api/v1/session */
void auth_me(struct http_request *req);	     /* GET /api/v1/me */

#endif

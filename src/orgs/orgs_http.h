/* The organisations resource: /api/v1/orgs. */
#ifndef ATIP_ORGS_HTTP_H
#define ATIP_ORGS_HTTP_H

#include "http/http.h"

void orgs_http_list(struct http_request *req);	 /* GET /api/v1/orgs */
void orgs_http_create(struct http_request *req); /* POST /api/v1/orgs */
void orgs_http_get(struct http_request *req);	 /* GET /api/v1/orgs/{id} */
void orgs_http_update(struct http_request *req); /* PATCH /api/v1/orgs/{id} */

/* Sharing groups: /api/v1/groups, /api/v1/groups/{id}/members[/{org}]. */
void orgs_groups_http_list(struct http_request *req);
void orgs_groups_http_create(struct http_request *req);
void orgs_groups_http_add(struct http_request *req);
void orgs_groups_http_remove(struct http_request *req);

/* GET /api/v1/orgs/{id}/profile: the member directory's entry. */
void orgs_http_profile(struct http_request *req);

/* PUT /api/v1/orgs/{id}/profile: its org admins (or platform admins). */
void orgs_http_profile_set(struct http_request *req);

/* PUT /api/v1/me/focal-point {title}: list yourself as a contact. */
void orgs_http_focal_set(struct http_request *req);

/* DELETE /api/v1/me/focal-point: no longer listed. */
void orgs_http_focal_unset(struct http_request *req);

#endif

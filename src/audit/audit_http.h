/* Reading the audit trail: /api/v1/audit. */
#ifndef ATIP_AUDIT_HTTP_H
#define ATIP_AUDIT_HTTP_H

#include "http/http.h"

/*
 * GET /api/v1/audit?org_id=&limit=&cursor=: an organisation's trail,
 * newest first — for its org admins and for platform admins (who also read
 * org_id=platform).
 */
void audit_http_list(struct http_request *req);

#endif

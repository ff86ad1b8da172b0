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

/*
 * GET /api/v1/audit/flags?org_id=&state=open|reviewed|all: break-glass
 * accesses to an organisation's records, for its org admins to review (and
 * platform admins to read).
 */
void audit_http_flags(struct http_request *req);

/* POST /api/v1/audit/flags/{id}/review: the owner's org admin signs off. */
void audit_http_review(struct http_request *req);

/*
 * Answers who did what to one record (kind, id), from every
 * organisation's chain, newest first, paged by ?limit= and ?cursor=.  For
 * domain modules' handlers (GET /api/v1/cases/{id}/audit, ...), which must
 * first decide that the actor may see it: the owner sees who read each of
 * its records.
 */
void audit_http_record(struct http_request *req, const char *kind,
		       const char *id);

#endif

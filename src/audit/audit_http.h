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

/*
 * GET /api/v1/audit/record?record_kind=&record_id=: who did what to one of
 * your organisation's records (its writers and org admins; 404 for a
 * record that is not yours or that you may not see).
 */
void audit_http_record_trail(struct http_request *req);

#endif

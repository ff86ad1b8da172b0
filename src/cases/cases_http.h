/*
 * Case management over HTTP: /api/v1/cases with its persons, events,
 * timeline, consents, plans and follow-ups; /api/v1/followups.
 */
#ifndef ATIP_CASES_HTTP_H
#define ATIP_CASES_HTTP_H

#include "cases/cases.h"
#include "http/http.h"

void cases_http_forms(struct http_request *req);    /* GET forms */
void cases_http_list(struct http_request *req);	    /* GET */
void cases_http_create(struct http_request *req);   /* POST */
void cases_http_get(struct http_request *req);	    /* GET {id} */
void cases_http_update(struct http_request *req);   /* PATCH {id} */
void cases_http_glass(struct http_request *req);    /* POST break-glass */
void cases_http_grant(struct http_request *req);    /* POST grants */
void cases_http_ungrant(struct http_request *req);  /* DELETE grants/{org} */
void cases_http_transfer(struct http_request *req); /* POST transfer */
void cases_http_accept(struct http_request *req);   /* POST .../accept */
void cases_http_decline(struct http_request *req);  /* POST .../decline */
void cases_http_transfer_cancel(struct http_request *req); /* DELETE */
void cases_http_erase(struct http_request *req);	   /* POST erase */
void cases_http_copy(struct http_request *req);	      /* GET persons/{}/copy */
void cases_http_due(struct http_request *req);	      /* GET /followups */
void cases_http_export(struct http_request *req);     /* POST export */
void cases_http_import(struct http_request *req);     /* POST imports */
void cases_http_import_get(struct http_request *req); /* GET imports/{id} */

void cases_http_person_add(struct http_request *req);
void cases_http_person_update(struct http_request *req);
void cases_http_consent_withdraw(struct http_request *req);
void cases_http_schedule(struct http_request *req);

/* POST, PATCH {item}, DELETE {item} for each kind of item. */
#define CASES_ITEM_HANDLERS(k)                                  \
	void cases_http_##k##_add(struct http_request *req);    \
	void cases_http_##k##_update(struct http_request *req); \
	void cases_http_##k##_delete(struct http_request *req)
CASES_ITEM_HANDLERS(event);
CASES_ITEM_HANDLERS(timeline);
CASES_ITEM_HANDLERS(consent);
CASES_ITEM_HANDLERS(plan);
CASES_ITEM_HANDLERS(followup);

#endif

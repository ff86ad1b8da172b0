/*
 * The intel module over HTTP: /api/v1/reports, /api/v1/indicators,
 * /api/v1/stix.  Also the helpers its handler files share.
 */
#ifndef ATIP_INTEL_INTEL_HTTP_H
#define ATIP_INTEL_INTEL_HTTP_H

#include <jansson.h>

#include "http/http.h"
#include "intel/intel.h"

void intel_http_reports_list(struct http_request *req);	    /* GET */
void intel_http_report_create(struct http_request *req);    /* POST */
void intel_http_report_get(struct http_request *req);	    /* GET {id} */
void intel_http_report_update(struct http_request *req);    /* PATCH {id} */
void intel_http_report_delete(struct http_request *req);    /* DELETE {id} */
void intel_http_indicators_add(struct http_request *req);   /* POST */
void intel_http_indicator_get(struct http_request *req);    /* GET */
void intel_http_indicator_delete(struct http_request *req); /* DELETE */
void intel_http_search(struct http_request *req);	    /* POST search */
void intel_http_extract(struct http_request *req);	    /* POST extract */
void intel_http_requests_list(struct http_request *req);    /* GET */
void intel_http_request_create(struct http_request *req);   /* POST */
void intel_http_request_update(struct http_request *req);   /* PATCH */
void intel_http_graph(struct http_request *req);	    /* GET graph */
void intel_http_path(struct http_request *req);		    /* POST path */
void intel_http_stix_report(struct http_request *req);	    /* GET */
void intel_http_stix_export(struct http_request *req);	    /* POST */
void intel_http_stix_import(struct http_request *req);	    /* POST */

/* ---- shared by the handler files ---- */

/* The report of the path's first id that the actor may act on so; false
 * after answering 404 or 403. */
bool intel_http_find(struct http_request *req, enum access_action act,
		     struct intel_report *r);

json_t *intel_indicator_json(const struct intel_indicator *x);
json_t *intel_correlation_json(const struct intel_correlation *k);
json_t *intel_request_json(const struct intel_request *q);

#endif

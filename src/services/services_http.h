/* The service directory over HTTP: /api/v1/services, /api/v1/locations. */
#ifndef ATIP_SERVICES_HTTP_H
#define ATIP_SERVICES_HTTP_H

#include "http/http.h"
#include "services/services.h"

void services_http_search(struct http_request *req);	  /* GET */
void services_http_create(struct http_request *req);	  /* POST */
void services_http_get(struct http_request *req);	  /* GET {id} */
void services_http_update(struct http_request *req);	  /* PATCH {id} */
void services_http_vacancies(struct http_request *req);	  /* PUT vacancies */
void services_http_hsds(struct http_request *req);	  /* GET hsds */
void services_http_hsds_import(struct http_request *req); /* POST hsds */

void services_http_locations(struct http_request *req);	      /* GET */
void services_http_location_create(struct http_request *req); /* POST */
void services_http_location_get(struct http_request *req);    /* GET {id} */
void services_http_location_update(struct http_request *req); /* PATCH */

#endif

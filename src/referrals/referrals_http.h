/* Referrals over HTTP: /api/v1/referrals. */
#ifndef ATIP_REFERRALS_HTTP_H
#define ATIP_REFERRALS_HTTP_H

#include "http/http.h"
#include "referrals/referrals.h"

void referrals_http_create(struct http_request *req);	  /* POST */
void referrals_http_list(struct http_request *req);	  /* GET */
void referrals_http_get(struct http_request *req);	  /* GET {id} */
void referrals_http_indicators(struct http_request *req); /* GET */
void referrals_http_accept(struct http_request *req);
void referrals_http_decline(struct http_request *req);
void referrals_http_start(struct http_request *req);
void referrals_http_complete(struct http_request *req);
void referrals_http_withdraw(struct http_request *req);

#endif

/* The re-trafficking watch over HTTP: /api/v1/linkage/alerts. */
#ifndef ATIP_LINKAGE_LINK_HTTP_H
#define ATIP_LINKAGE_LINK_HTTP_H

#include "http/http.h"

void link_http_alerts(struct http_request *req);       /* GET */
void link_http_alert(struct http_request *req);	       /* GET {id} */
void link_http_alert_decide(struct http_request *req); /* POST decision */

#endif

/* Operations endpoints: health, readiness, metrics, ping, OpenAPI. */
#ifndef ATIP_OPS_OPS_H
#define ATIP_OPS_OPS_H

#include "http/http.h"

void ops_healthz(struct http_request *req);
void ops_readyz(struct http_request *req);
void ops_metrics(struct http_request *req);
void ops_ping(struct http_request *req);
void ops_echo(struct http_request *req);
void ops_openapi(struct http_request *req);

#endif

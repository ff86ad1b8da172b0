/* The inbox over HTTP: /api/v1/notifications. */
#ifndef ATIP_NOTIFY_HTTP_H
#define ATIP_NOTIFY_HTTP_H

#include "http/http.h"

/* GET /api/v1/notifications?unread=true&limit=&cursor=: newest first. */
void notify_http_list(struct http_request *req);

/* GET /api/v1/notifications/count: {"unread": n}. */
void notify_http_count(struct http_request *req);

/* POST /api/v1/notifications/{id}/read: 204. */
void notify_http_read(struct http_request *req);

/* POST /api/v1/notifications/read: all read, {"marked": n}. */
void notify_http_read_all(struct http_request *req);

/* GET /api/v1/webhooks: your organisation's (org admins). */
void notify_http_webhooks(struct http_request *req);

/* POST /api/v1/webhooks {url, events}: the secret is shown once. */
void notify_http_webhook_create(struct http_request *req);

/* DELETE /api/v1/webhooks/{id}. */
void notify_http_webhook_delete(struct http_request *req);

/* GET /api/v1/webhooks/{id}/deliveries: the delivery log. */
void notify_http_webhook_deliveries(struct http_request *req);

#endif

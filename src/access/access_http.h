/* access_check() for request handlers. */
#ifndef ATIP_ACCESS_HTTP_H
#define ATIP_ACCESS_HTTP_H

#include "access/access.h"
#include "http/http.h"

/* The access view of the signed-in actor of req (NULL: anonymous). */
struct access_actor *access_actor_of(struct http_request *req);

/*
 * Decides for the request's actor; when denied, answers 404 (hidden: as
 * if the record did not exist) or 403, and returns false.
 */
bool access_allow(struct http_request *req, enum access_action act,
		  const struct access_record *r);

#endif

/*
 * The coordination workspace over HTTP: /api/v1/meetings, /actions,
 * /threads, /practices.  Also the helpers its handler files share.
 */
#ifndef ATIP_COORD_HTTP_H
#define ATIP_COORD_HTTP_H

#include "coord/coord.h"
#include "http/http.h"

void coord_http_meetings_list(struct http_request *req);  /* GET */
void coord_http_meeting_create(struct http_request *req); /* POST */
void coord_http_meeting_get(struct http_request *req);	  /* GET {id} */
void coord_http_meeting_update(struct http_request *req); /* PATCH {id} */
void coord_http_decision_add(struct http_request *req);	  /* POST decisions */

void coord_http_actions_list(struct http_request *req);	   /* GET */
void coord_http_action_create(struct http_request *req);   /* POST */
void coord_http_action_get(struct http_request *req);	   /* GET {id} */
void coord_http_action_update(struct http_request *req);   /* PATCH {id} */
void coord_http_action_progress(struct http_request *req); /* POST updates */

void coord_http_threads_list(struct http_request *req); /* GET */
void coord_http_thread_post(struct http_request *req);	/* POST */

void coord_http_practices_list(struct http_request *req);  /* GET, search */
void coord_http_practice_get(struct http_request *req);	   /* GET {id} */
void coord_http_practice_create(struct http_request *req); /* POST */
void coord_http_practice_update(struct http_request *req); /* PATCH {id} */

/* ---- shared by the handler files ---- */

/* The request's viewer for COORD_VISIBLE (anonymous: all ""). */
struct coord_viewer coord_viewer_of(struct http_request *req);

/* The new record's owner: the actor's organisation and its country. */
struct coord_share coord_owner_of(struct http_request *req);

/* The sharing fields of a record, for its JSON. */
void coord_share_json(json_t *o, const struct coord_share *s);

/*
 * Reads the body's fields into their places as http_body_check() does,
 * adding what is wrong with its shape to errs, so that one 422 names
 * every wrong field, shape and values alike.
 */
void coord_body(struct http_request *req, const struct http_field *f, size_t n,
		struct coord_errors *errs);

/* True when errs names field. */
bool coord_has_error(const struct coord_errors *errs, const char *field);

/* Answers 422 with errs (or 500 when empty). */
void coord_invalid(struct http_request *req, const struct coord_errors *errs);

/* Answers e after a failed change, with errs for ERR_INVALID. */
void coord_failed(struct http_request *req, enum err e,
		  const struct coord_errors *errs, const char *what);

/*
 * Reads a JSON array of strings (or null/absent: *has false) into arena
 * memory; false after recording an error for field.
 */
bool coord_strings(struct http_request *req, json_t *v, const char *field,
		   const char *const **out, size_t *n, bool *has,
		   struct coord_errors *errs);

/* Reads ?limit= (1 to COORD_LIST_MAX); false after recording an error. */
bool coord_limit(struct http_request *req, long long *limit,
		 struct coord_errors *errs);

/* A JSON array of strings. */
json_t *coord_strings_json(const char *const *v, size_t n);

#endif

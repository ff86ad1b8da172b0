/* Internals of the HTTP layer, shared by its files and its tests. */
#ifndef ATIP_HTTP_INT_H
#define ATIP_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "http/http.h"

/* Status codes counted per route; the last slot counts any other. */
#define HTTP_COUNTED_STATUSES                                                 \
	200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, \
		500, 503
enum { HTTP_NSTATUS = 17, HTTP_NBUCKETS = 12 };

struct http_route_metrics {
	_Atomic uint64_t by_status[HTTP_NSTATUS];
	_Atomic uint64_t buckets[HTTP_NBUCKETS]; /* cumulative at render */
	_Atomic uint64_t sum_us;
};

struct http_server {
	void *daemon;
	const struct http_route *routes;
	size_t nroutes;
	struct http_settings set;
	struct db *db;
	void *app;
	char url[96];
	char *web_root; /* realpath of web_dir, or NULL */
	char *tls_cert, *tls_key;
	bool tls;
	_Atomic int inflight;
	_Atomic int draining;
	_Atomic int64_t open_connections;
	/* routes, then "static", then "unmatched" */
	struct http_route_metrics *metrics;
	void (*metrics_hook)(struct buf *out, void *app);
	enum err (*authenticate)(struct http_request *req);
	/* the pool for deferred work (http_defer) */
	pthread_t *pool;
	unsigned npool;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_wake;
	struct http_request *pool_head;
	bool pool_stop;
	bool pool_started;
};

/*
 * Decodes a JSON object body: jansson with duplicate keys refused, then
 * depth and string-length caps and NFC normalisation of every string and
 * key.  On failure returns the error, sets *detail to a fixed sentence and
 * *field to a JSON path or NULL.  On success *out holds the object.
 */
enum err http_json_decode(const char *p, size_t len, size_t max_depth,
			  size_t max_string, json_t **out, const char **detail,
			  const char **field);

/*
 * Finds the route for method and path.  Returns its index and fills the
 * {name} parameters; -1 when no pattern matches (404); -2 when a pattern
 * matches with another method (405).
 */
int http_route_find(const struct http_route *routes, size_t n,
		    const char *method, const char *path, struct str *params,
		    int *nparams);

/*
 * Writes the methods path answers to into allow ("GET, POST"), for the
 * Allow header of a 405.
 */
void http_route_allow(const struct http_route *routes, size_t n,
		      const char *path, struct buf *allow);

/* Checks raw request properties before routing; see http_server.c. */
struct http_guard_input {
	const char *raw_uri;
	size_t header_bytes;
	int content_length_count;
	bool content_length_conflict;
	bool content_length_invalid;
	long long content_length;
	int transfer_encoding_count;
	bool chunked;
	bool http11;
	int host_count;
	bool nul_in_header;
	size_t max_header;
	size_t max_body;
};

enum err http_guard(const struct http_guard_input *in, const char **detail);

/* Serves a static file for GET/HEAD path from the web root. */
void http_static_serve(struct http_request *req);

/* Records a finished request in the metrics. */
void http_metrics_record(struct http_server *srv, int route_index,
			 unsigned status, uint64_t duration_ns);

/* Sets a response with the common headers; body lives as long as req. */
void http_set_response(struct http_request *req, unsigned status,
		       const char *type, const void *body, size_t len);

/* Sets a libmicrohttpd response (taken over) with the common headers. */
void http_use_response(struct http_request *req, unsigned status,
		       const char *type, void *response);

#endif

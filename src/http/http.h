/*
 * The HTTP layer: libmicrohttpd with an internal thread pool on epoll,
 * request guards run before routing, a route table, one arena per request,
 * JSON in and out, RFC 9457 problem responses, static files, metrics.
 * It knows no domain module: main.c hands it the route table.
 */
#ifndef ATIP_HTTP_HTTP_H
#define ATIP_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"

struct http_request;
struct http_server;

enum http_route_flags {
	HTTP_BODY = 1 << 0,   /* takes a JSON object body */
	HTTP_DB = 1 << 1,     /* needs a database connection (503 without) */
	HTTP_LOCAL = 1 << 2,  /* may be limited to loopback clients */
	HTTP_NO_LOG = 1 << 3, /* ops probes: counted, not logged */
	HTTP_UPLOAD = 1 << 4, /* takes raw bytes of any type (max_upload) */
	/* Answers anonymous clients too (public records): the authenticate
	 * hook leaves req->actor NULL when no credentials come. */
	HTTP_PUBLIC = 1 << 5,
};

enum { HTTP_MAX_PARAMS = 4 };

struct http_route {
	const char *method; /* "GET", "POST", ... */
	const char
		*pattern; /* "/api/v1/cases/{id}": {name} matches one segment */
	void (*handler)(struct http_request *req);
	unsigned flags;
	const char *permission; /* filled by the trust core; NULL: anonymous */
	const char *summary;	/* OpenAPI operation summary */
	const char *tag;	/* OpenAPI tag */
	const char *response; /* OpenAPI schema of the 2xx body (JSON), or NULL */
	const char *request; /* OpenAPI schema of the body (JSON), or NULL */
};

struct http_settings {
	const char *listen; /* host:port */
	const char *web_dir;
	const char *tls_cert; /* PEM file, or NULL/"" for plain HTTP */
	const char *tls_key;
	unsigned threads; /* 0: one per core */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned timeout;
	size_t max_body;
	size_t max_upload; /* bodies of HTTP_UPLOAD routes */
	size_t max_header;
	size_t json_depth;
	size_t json_string;
	bool metrics_local;
	bool json_log;
	const char *trusted_proxies; /* "127.0.0.1,::1": X-Forwarded-For from
					these names the client */
};

struct http_request {
	struct arena arena;
	struct http_server *srv;
	const struct http_route *route;
	const char *method;
	const char *path; /* decoded path, without the query */
	char id[40];	  /* request id, echoed as X-Request-Id */
	struct str params[HTTP_MAX_PARAMS];
	int nparams;
	json_t *body;	    /* decoded JSON body (HTTP_BODY routes), owned */
	struct db_conn *db; /* HTTP_DB routes: a borrowed connection */
	void *actor;	    /* who asks: set by the authenticate hook */
	void *app;	    /* what main.c gave http_server_start() */
	bool loopback;	    /* client is on 127.0.0.0/8 or ::1 */
	/* private to http */
	void *conn;
	void *response;
	unsigned status;
	uint64_t start_ns;
	struct buf upload;
	int phase;
	long long content_length; /* -1: none */
	bool chunked;
	size_t discarded; /* body bytes dropped past the cap */
	int match;	  /* http_route_find(): a route, -1 or -2 */
	void (*work)(struct http_request *req);	  /* http_defer */
	void (*finish)(struct http_request *req); /* http_defer */
	struct http_request *next;		  /* the pool's queue */
	void *state; /* a deferred handler's own state (arena memory) */
	int route_index;
};

/*
 * Starts serving routes[0..nroutes) with the given settings.  On failure
 * writes a reason to err and returns NULL.  app is handed to handlers.
 */
struct http_server *http_server_start(const struct http_settings *s,
				      const struct http_route *routes,
				      size_t nroutes, struct db *db, void *app,
				      char *err, size_t errlen);

/* The base URL the server listens on, such as http://127.0.0.1:8080. */
const char *http_server_url(const struct http_server *srv);

/*
 * Stops accepting connections, lets in-flight requests finish (up to
 * grace_s seconds), then stops and frees the server.
 */
void http_server_stop(struct http_server *srv, unsigned grace_s);

/*
 * Sets the hook that authenticates requests to routes with a permission
 * (those routes need HTTP_DB too).  It sets req->actor and returns ERR_OK,
 * or the error to answer: ERR_UNAUTHENTICATED (401), ERR_FORBIDDEN (403:
 * say why with http_problem before returning it), ERR_UNAVAILABLE.
 */
void http_server_set_auth(struct http_server *srv,
			  enum err (*authenticate)(struct http_request *req));

/* True when the request came over TLS. */
bool http_is_tls(const struct http_request *req);

/*
 * True when the client reached atip over HTTPS: TLS here, or a trusted
 * proxy (ATIP_TRUSTED_PROXIES) that terminated it says so in
 * X-Forwarded-Proto.  Decides the session cookie's Secure and __Host-.
 */
bool http_is_secure(struct http_request *req);

/*
 * Writes the client's address ("192.0.2.1", "2001:db8::1") into out: the
 * peer's, or, when the peer is a trusted proxy, the nearest address in
 * X-Forwarded-For that is not one.
 */
void http_client_ip(struct http_request *req, char *out, size_t len);

/* Reads path parameter i as an id (lower-cased); false when not a UUID. */
bool http_param_id(struct http_request *req, int i, char out[37]);

/* The raw body of an HTTP_UPLOAD route (len 0 when there is none). */
const void *http_upload(struct http_request *req, size_t *len);

/* Returns the value of query parameter name, or NULL. */
const char *http_query(struct http_request *req, const char *name);

/* Returns the value of the request cookie name, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);

/* Extra lines for /metrics, written by the application. */
void http_server_set_metrics_hook(struct http_server *srv,
				  void (*hook)(struct buf *out, void *app));

/*
 * Defers a handler's slow part (password hashing): work(req) runs on a
 * bounded pool without holding an HTTP thread (the connection is
 * suspended), then finish(req) runs on an HTTP thread and answers.  The
 * request keeps its arena and its database connection throughout; work
 * must not use the connection.
 */
void http_defer(struct http_request *req, void (*work)(struct http_request *),
		void (*finish)(struct http_request *));

/* Responds with a JSON value (consumed). */
void http_json(struct http_request *req, unsigned status, json_t *value);

/* Responds with bytes of the given type; body must live as long as req. */
void http_send(struct http_request *req, unsigned status, const char *type,
	       const void *body, size_t len);

/*
 * Responds with the bytes of body, which the server takes over (body is
 * left empty) and frees once sent — wiped first when secret.
 */
void http_send_buf(struct http_request *req, unsigned status, const char *type,
		   struct buf *body, bool secret);

/*
 * Responds with an RFC 9457 problem for e; detail is a fixed sentence
 * (never echoing input).  errors, when not NULL, is a JSON array of
 * {field, message} and is consumed.
 */
void http_problem(struct http_request *req, enum err e, const char *detail,
		  json_t *errors);

/* Responds 422 naming one field. */
void http_invalid(struct http_request *req, const char *field,
		  const char *message);

/* A field of a JSON object body, and where its value goes. */
struct http_field {
	const char *name;
	bool required;
	size_t max;	     /* strings: bytes at most (0: ATIP_JSON_STRING) */
	const char **string; /* a string field; or NULL and one of: */
	json_t **any;	     /* any JSON value (borrowed from req->body) */
	long long *integer;  /* a whole number */
};

/*
 * Reads the body's fields into their places.  Unknown fields, missing
 * required ones and strings that are not strings or too long are answered
 * 422 with every wrong field listed; returns false then.
 */
bool http_body_fields(struct http_request *req, const struct http_field *f,
		      size_t n);

/*
 * Like http_body_fields, but answers nothing: returns NULL when the body
 * fits, else the list of wrong fields (the caller's), so that a handler
 * can add its own field errors before answering 422 once.
 */
json_t *http_body_check(struct http_request *req, const struct http_field *f,
			size_t n);

/* Returns the HTTP status of e. */
unsigned http_status(enum err e);

/*
 * The value of request header name with %XX escapes decoded (arena
 * memory), or NULL when it is absent or would decode to a NUL byte.
 */
const char *http_header_decoded(struct http_request *req, const char *name);

/* Returns the value of request header name, or NULL. */
const char *http_header(struct http_request *req, const char *name);

/* Sets a header of the response already set on req (replacing one of the
 * same name, but Set-Cookie, which adds). */
void http_add_header(struct http_request *req, const char *name,
		     const char *value);

/* Writes the metrics of all routes in Prometheus text format. */
void http_metrics_render(struct http_server *srv, struct buf *out);

/* Builds the OpenAPI 3.1 document of the route table; caller decrefs. */
json_t *http_openapi(const struct http_route *routes, size_t n,
		     const char *version);

#endif

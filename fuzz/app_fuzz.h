/*
 * atip as `atip serve` runs it, for the fuzz targets of what clients send
 * (bodies, query strings, cookies, headers): the real route table and
 * authentication on a fresh SQLite data directory holding `atip demo`, one
 * API token per demo role and one browser session, reached over loopback.
 */
#ifndef ATIP_FUZZ_APP_FUZZ_H
#define ATIP_FUZZ_APP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct app;

enum { FUZZ_ACTORS = 6 };

/* An answer as read off the socket; body points into raw. */
struct fuzz_answer {
	char raw[262144];
	size_t len;
	unsigned status; /* 0: no answer */
	int error;	 /* errno of a failed connect, send or recv */
	char type[64];	 /* Content-Type, without parameters */
	bool chunked;
	const char *body;
	size_t body_len;
};

/* What atip's handlers and jobs share (its database and keyring). */
struct app *fuzz_app(void);

/*
 * Route pick % n of the n routes of atip that fit (all of them when fits
 * is NULL), in the route table's order.
 */
const struct http_route *
fuzz_app_route(unsigned pick, bool (*fits)(const struct http_route *));

/* The API token of demo actor i % FUZZ_ACTORS (every role but viewer
 * twice: platform admin, org admin, investigator, case worker, analyst,
 * viewer). */
const char *fuzz_app_token(unsigned i);

/* The session cookie value and CSRF token of the Pune case worker. */
const char *fuzz_app_session(const char **csrf);

/*
 * Copies in[0..n) into out (NUL-terminated, cut to cap), putting actor's
 * API token for "@T", the session cookie value for "@S" and its CSRF
 * token for "@C", and a space for NUL and each byte in drop; returns the
 * length.
 */
size_t fuzz_app_expand(const uint8_t *in, size_t n, unsigned actor,
		       const char *drop, char *out, size_t cap);

/* True when the request carries a credential: a token or the session. */
bool fuzz_app_credentialed(const char *req, size_t len);

/* True when the request carries the session cookie value. */
bool fuzz_app_has_session(const char *req, size_t len);

/*
 * The path of route pattern with each {param} filled by the id of an
 * existing record of its kind (chosen by pick), or by an unknown id when
 * there is none.
 */
const char *fuzz_app_path(const char *pattern, unsigned pick, char *out,
			  size_t cap);

/* Sends req[0..len) (a whole request: it should say Connection: close)
 * and reads the answer into a; with FUZZ_APP_TRACE set, writes the
 * status, the request line and the answer's first 300 bytes to stderr. */
void fuzz_app_exchange(const void *req, size_t len, struct fuzz_answer *a);

/*
 * What every answer must be: there (atip answered), not a server error
 * (503, the database busy, excepted), an error as problem+json whose
 * status is the answer's, JSON that parses where it says JSON.  Aborts,
 * printing the request and the answer, otherwise.  libmicrohttpd's own
 * refusals of what it cannot parse (400, 413, 414, 431 without a
 * Content-Type, such as 431 for a Cookie header with an unclosed quote)
 * come before atip sees the request and pass.
 */
void fuzz_app_check(const void *req, size_t len, const struct fuzz_answer *a);

/* Aborts like fuzz_app_check, saying why. */
void fuzz_app_fail(const char *why, const void *req, size_t len,
		   const struct fuzz_answer *a) __attribute__((noreturn));

/*
 * Sets the demo actors back as the demo made them (user active with its
 * role, organisation active) and makes new tokens or a new session where
 * a request revoked or ended them.  For after a 401 or 403, or a request
 * that may have changed them.
 */
void fuzz_app_renew(void);

#endif

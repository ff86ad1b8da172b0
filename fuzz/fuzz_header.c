/*
 * Request headers against every route: atip's guards, authentication
 * (Authorization, Cookie, X-CSRF-Token), proxies (X-Forwarded-For and
 * -Proto from a trusted 127.0.0.1), caching (If-None-Match), uploads
 * (Content-Type, X-File-Name) and request ids, on the demo data.  Input:
 * the route (byte 0), the actor whose token "@T" stands for (byte 1),
 * which existing records fill the path (bytes 2-3), then header lines
 * "Name: value" one a line; "@S" stands for the demo session cookie value
 * and "@C" for its CSRF token.  Framing headers (Content-Length, Host...)
 * are libmicrohttpd's and fuzz_request's, so they are left out here.
 * Every answer must pass fuzz_app_check(), and a route that needs a
 * signed-in actor may answer 2xx only to a request that carries a real
 * token or session.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app_fuzz.h"

enum { MAX_HEADERS = 3000 };

static const char *const framing[] = {
	"Content-Length", "Transfer-Encoding", "Host", "Connection",
	"Expect",	  "Upgrade",	       "TE",   "Trailer",
	"Keep-Alive",
};

/* Appends line[0..n) as a header to out when it is one and not framing. */
static size_t
add_header(const char *line, size_t n, char *out, size_t used, size_t cap)
{
	const char *colon = memchr(line, ':', n);
	size_t name = colon ? (size_t)(colon - line) : 0;

	if (name == 0 || name > 64 || used + n + 3 > cap)
		return used;
	for (size_t i = 0; i < name; i++)
		if (!(line[i] == '-' || (line[i] >= '0' && line[i] <= '9') ||
		      ((line[i] | 0x20) >= 'a' && (line[i] | 0x20) <= 'z')))
			return used;
	for (size_t i = 0; i < sizeof(framing) / sizeof(framing[0]); i++)
		if (strlen(framing[i]) == name &&
		    !strncasecmp(line, framing[i], name))
			return used;
	memcpy(out + used, line, n);
	memcpy(out + used + n, "\r\n", 2);
	return used + n + 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char lines[12000], req[sizeof(lines) + 2048];
	static struct fuzz_answer ans;
	const struct http_route *r;
	const char *body = "";
	char path[512];
	size_t n, len, at;

	if (size < 4 || size - 4 > MAX_HEADERS)
		return 0;
	r = fuzz_app_route(data[0], NULL);
	fuzz_app_path(r->pattern, (unsigned)data[2] | (unsigned)data[3] << 8,
		      path, sizeof(path));
	n = fuzz_app_expand(data + 4, size - 4, data[1], "\r", lines,
			    sizeof(lines));
	len = (size_t)snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\n",
			       r->method, path);
	for (at = 0; at < n;) {
		const char *nl = memchr(lines + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - lines) : n;

		len = add_header(lines + at, end - at, req, len,
				 sizeof(req) - 256);
		at = end + 1;
	}
	if (r->flags & (HTTP_BODY | HTTP_UPLOAD))
		body = "{}";
	len += (size_t)snprintf(req + len, sizeof(req) - len,
				"Host: fuzz\r\nContent-Length: %zu\r\n"
				"Connection: close\r\n\r\n%s",
				strlen(body), body);
	fuzz_app_exchange(req, len, &ans);
	fuzz_app_check(req, len, &ans);
	if (ans.status < 300 && r->permission && !(r->flags & HTTP_PUBLIC) &&
	    !fuzz_app_credentialed(req, len))
		fuzz_app_fail("answered without credentials", req, len, &ans);
	if (ans.status == 401 || ans.status == 403)
		fuzz_app_renew();
	return 0;
}

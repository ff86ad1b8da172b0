/*
 * Cookie headers against session-authenticated routes: atip's own
 * authentication (libmicrohttpd splits the header, atip reads its
 * cookie) with one real session of the demo's Pune case worker.  Input:
 * the route (byte 0), whether the CSRF token comes (byte 1), then the
 * Cookie header's value, where "@S" stands for the session cookie value,
 * "@C" for the CSRF token and "@T" for an API token.  Every answer must
 * pass fuzz_app_check(), and a route that needs a session may answer 2xx
 * only when the real session value was sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app_fuzz.h"

enum { MAX_COOKIE = 4000 };

/* Routes that need a session; the POST needs its CSRF token too. */
static const struct {
	const char *method, *path;
} routes[] = {
	{ "GET", "/api/v1/me" },
	{ "GET", "/api/v1/notifications/count" },
	{ "POST", "/api/v1/notifications/read" },
	{ "GET", "/api/v1/cases?limit=1" },
	{ "GET", "/api/v1/practices" }, /* public too: 200 without one */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char cookie[12000], req[sizeof(cookie) + 1024];
	static struct fuzz_answer ans;
	const char *csrf;
	size_t r, len;

	if (size < 2 || size - 2 > MAX_COOKIE)
		return 0;
	r = data[0] % (sizeof(routes) / sizeof(routes[0]));
	fuzz_app_session(&csrf);
	fuzz_app_expand(data + 2, size - 2, data[1], "\r\n", cookie,
			sizeof(cookie));
	len = (size_t)snprintf(req, sizeof(req),
			       "%s %s HTTP/1.1\r\nHost: fuzz\r\n"
			       "Cookie: %s\r\n%s%s%s"
			       "Content-Length: 0\r\n"
			       "Connection: close\r\n\r\n",
			       routes[r].method, routes[r].path, cookie,
			       data[1] & 1 ? "X-CSRF-Token: " : "",
			       data[1] & 1 ? csrf : "",
			       data[1] & 1 ? "\r\n" : "");
	fuzz_app_exchange(req, len, &ans);
	fuzz_app_check(req, len, &ans);
	if (ans.status < 300 && r != 4 && !fuzz_app_has_session(req, len))
		fuzz_app_fail("signed in without the session", req, len, &ans);
	if (ans.status == 401 || ans.status == 403)
		fuzz_app_renew();
	return 0;
}

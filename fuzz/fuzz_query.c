/*
 * Query strings through every GET endpoint: atip's own route table and
 * handlers on the demo data, as each demo role.  Input: the route (byte
 * 0), the actor (byte 1), which existing records fill the path (bytes
 * 2-3), then the query string; bytes a request line cannot carry are sent
 * %-escaped, '%' as it comes (so bad escapes arrive too).  Every answer
 * must pass fuzz_app_check(); a refusal (4xx) must never quote a value:
 * one carrying the mark ZQXJ must not come back (names of parameters may).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app_fuzz.h"

enum { MAX_QUERY = 4000 };

static const char mark[] = "ZQXJ";

static bool
is_get(const struct http_route *r)
{
	return !strcmp(r->method, "GET");
}

/* True when the mark is in a value of the query q[0..n), not a name. */
static bool
mark_in_value(const uint8_t *q, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t end = i, eq;

		while (end < n && q[end] != '&')
			end++;
		for (eq = i; eq < end && q[eq] != '='; eq++)
			;
		if (eq < end && memmem(q + eq, end - eq, mark, 4))
			return true;
		i = end + 1;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	static char req[3 * MAX_QUERY + 1024];
	static struct fuzz_answer ans;
	const struct http_route *r;
	char path[512];
	size_t len;

	if (size < 4 || size - 4 > MAX_QUERY)
		return 0;
	r = fuzz_app_route(data[0], is_get);
	fuzz_app_path(r->pattern, (unsigned)data[2] | (unsigned)data[3] << 8,
		      path, sizeof(path));
	len = (size_t)snprintf(req, sizeof(req), "GET %s?", path);
	for (size_t i = 4; i < size; i++) {
		uint8_t c = data[i];

		if (c <= ' ' || c >= 0x7f || c == '#') {
			req[len++] = '%';
			req[len++] = hex[c >> 4];
			req[len++] = hex[c & 15];
		} else {
			req[len++] = (char)c;
		}
	}
	len += (size_t)snprintf(req + len, sizeof(req) - len,
				" HTTP/1.1\r\nHost: fuzz\r\n"
				"Authorization: Bearer %s\r\n"
				"Connection: close\r\n\r\n",
				fuzz_app_token(data[1]));
	fuzz_app_exchange(req, len, &ans);
	fuzz_app_check(req, len, &ans);
	if (ans.status >= 400 && ans.status < 500 &&
	    memmem(ans.body, ans.body_len, mark, sizeof(mark) - 1) &&
	    mark_in_value(data + 4, size - 4))
		fuzz_app_fail("a refusal quotes a value sent", req, len, &ans);
	if (ans.status == 401 || ans.status == 403)
		fuzz_app_renew();
	return 0;
}

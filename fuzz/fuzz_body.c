/*
 * JSON request bodies through every endpoint that takes one: atip's own
 * route table, handlers and decoders, on the demo data, as each demo role.
 * Input: the route (byte 0), the actor (byte 1), which existing records
 * fill the path (bytes 2-3), then the body.  Every answer must pass
 * fuzz_app_check(); a refusal (4xx) must never quote a value sent: values
 * carrying the mark ZQXJ must not come back in one (names of fields may).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app_fuzz.h"

enum { MAX_BODY = 60000 };

static const char mark[] = "ZQXJ";

static bool
takes_body(const struct http_route *r)
{
	return (r->flags & HTTP_BODY) != 0;
}

/* True when the mark is in a key of v (then an answer may name it). */
static bool
mark_in_key(json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach (v, k, x)
			if (strstr(k, mark) || mark_in_key(x))
				return true;
	} else if (json_is_array(v)) {
		json_array_foreach (v, i, x)
			if (mark_in_key(x))
				return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char req[MAX_BODY + 4096];
	static struct fuzz_answer ans;
	const struct http_route *r;
	char path[512];
	size_t head, len;
	json_t *sent;

	if (size < 4 || size - 4 > MAX_BODY)
		return 0;
	r = fuzz_app_route(data[0], takes_body);
	fuzz_app_path(r->pattern, (unsigned)data[2] | (unsigned)data[3] << 8,
		      path, sizeof(path));
	head = (size_t)snprintf(req, sizeof(req),
				"%s %s HTTP/1.1\r\nHost: fuzz\r\n"
				"Authorization: Bearer %s\r\n"
				"Content-Type: application/json\r\n"
				"Content-Length: %zu\r\n"
				"Connection: close\r\n\r\n",
				r->method, path, fuzz_app_token(data[1]),
				size - 4);
	memcpy(req + head, data + 4, size - 4);
	len = head + size - 4;
	fuzz_app_exchange(req, len, &ans);
	fuzz_app_check(req, len, &ans);
	if (ans.status >= 400 && ans.status < 500 &&
	    memmem(ans.body, ans.body_len, mark, sizeof(mark) - 1)) {
		sent = json_loadb((const char *)data + 4, size - 4, 0, NULL);
		if (!sent || !mark_in_key(sent))
			fuzz_app_fail("a refusal quotes a value sent", req, len,
				      &ans);
		json_decref(sent);
	}
	if (ans.status == 401 || ans.status == 403)
		fuzz_app_renew();
	return 0;
}

/* The route table: method + path pattern, {name} matching one segment. */
#include <string.h>

#include "http/http_int.h"

/* Matches path against pattern, filling params; false when it differs. */
static bool
match(const char *pattern, const char *path, struct str *params, int *nparams)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t len = strcspn(s, "/");

			if (!end || len == 0 || n == HTTP_MAX_PARAMS)
				return false;
			params[n++] = (struct str){ s, len };
			p = end + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	*nparams = n;
	return true;
}

int
http_route_find(const struct http_route *routes, size_t n, const char *method,
		const char *path, struct str *params, int *nparams)
{
	bool other_method = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, params, nparams))
			continue;
		if (!strcmp(routes[i].method, method) ||
		    (!strcmp(method, "HEAD") &&
		     !strcmp(routes[i].method, "GET")))
			return (int)i;
		other_method = true;
	}
	return other_method ? -2 : -1;
}

void
http_route_allow(const struct http_route *routes, size_t n, const char *path,
		 struct buf *allow)
{
	struct str params[HTTP_MAX_PARAMS];
	int nparams;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, params, &nparams))
			continue;
		if (allow->len)
			buf_adds(allow, ", ");
		buf_adds(allow, routes[i].method);
		if (!strcmp(routes[i].method, "GET"))
			buf_adds(allow, ", HEAD");
	}
}

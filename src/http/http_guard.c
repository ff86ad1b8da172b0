/*
 * Request guards run before routing, so every path gets them: what
 * libmicrohttpd 0.9.75 lets through and a request smuggler would use.
 */
#include <string.h>

#include "http/http_int.h"

static bool
has_encoded_nul(const char *uri)
{
	const char *p = uri;

	while ((p = strchr(p, '%'))) {
		if (p[1] == '0' && p[2] == '0')
			return true;
		p++;
	}
	return false;
}

enum err
http_guard(const struct http_guard_input *in, const char **detail)
{
	if (in->raw_uri && has_encoded_nul(in->raw_uri)) {
		*detail = "The request path contains an encoded NUL byte.";
		return ERR_MALFORMED;
	}
	if (in->nul_in_header) {
		*detail = "A request header contains a NUL byte.";
		return ERR_MALFORMED;
	}
	if (in->host_count > 1 || (in->http11 && in->host_count == 0)) {
		*detail = "An HTTP/1.1 request needs exactly one Host header.";
		return ERR_MALFORMED;
	}
	if (in->header_bytes > in->max_header) {
		*detail = "The request line and headers are too large.";
		return ERR_TOO_BIG;
	}
	if (in->content_length_count > 1 || in->content_length_conflict) {
		*detail = "The request has more than one Content-Length.";
		return ERR_MALFORMED;
	}
	if (in->content_length_invalid) {
		*detail = "The request's Content-Length is not a number.";
		return ERR_MALFORMED;
	}
	if (in->transfer_encoding_count > 0 && in->content_length_count > 0) {
		*detail = "The request has both Content-Length and "
			  "Transfer-Encoding.";
		return ERR_MALFORMED;
	}
	if (in->transfer_encoding_count > 1 ||
	    (in->transfer_encoding_count == 1 && !in->chunked)) {
		*detail = "The only Transfer-Encoding accepted is chunked.";
		return ERR_MALFORMED;
	}
	if (in->content_length > 0 &&
	    (unsigned long long)in->content_length > in->max_body) {
		*detail = "The request body is too large.";
		return ERR_TOO_BIG;
	}
	return ERR_OK;
}

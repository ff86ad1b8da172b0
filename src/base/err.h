/*
 * One value per distinct outcome the API reports.  http_status() maps
 * them to HTTP in exactly one place.
 */
#ifndef ATIP_BASE_ERR_H
#define ATIP_BASE_ERR_H

enum err {
	ERR_OK = 0,
	ERR_MALFORMED,	     /* 400 */
	ERR_UNAUTHENTICATED, /* 401 */
	ERR_FORBIDDEN,	     /* 403 */
	ERR_NOT_FOUND,	     /* 404 */
	ERR_METHOD,	     /* 405 */
	ERR_CONFLICT,	     /* 409 */
	ERR_TOO_BIG,	     /* 413 */
	ERR_MEDIA_TYPE,	     /* 415 */
	ERR_INVALID,	     /* 422 */
	ERR_RATE_LIMITED,    /* 429 */
	ERR_INTERNAL,	     /* 500 */
	ERR_UNAVAILABLE,     /* 503 */
};

#endif

/* JSON bodies in, JSON and problem+json out. */
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "http/http_int.h"

/* Numbers with a fraction (coordinates, distances) in 12 significant
 * digits: 73.85, not 73.849999999999994. */
#define REAL_DIGITS JSON_REAL_PRECISION(12)

struct walk {
	size_t max_depth, max_string;
	enum err e;
	const char *detail;
	struct buf path;
};

static void
fail(struct walk *w, enum err e, const char *detail)
{
	if (w->e == ERR_OK) {
		w->e = e;
		w->detail = detail;
	}
}

static bool
check_string(struct walk *w, const char *s, size_t len, char **nfc,
	     size_t *nfclen)
{
	if (len > w->max_string) {
		fail(w, ERR_TOO_BIG, "A string in the body is too long.");
		return false;
	}
	if (text_nfc(s, len, nfc, nfclen) == TEXT_INVALID) {
		fail(w, ERR_MALFORMED, "The body is not valid UTF-8.");
		return false;
	}
	return true;
}

static void walk_value(struct walk *w, json_t *v, size_t depth);

/* Cuts the field path back to mark (the path may be empty, even unset). */
static void
path_cut(struct walk *w, size_t mark)
{
	if (w->path.p) {
		w->path.len = mark;
		w->path.p[mark] = '\0';
	}
}

/* Moves the members of from into o; a key o already has is a duplicate. */
static void
merge_renamed(struct walk *w, json_t *o, json_t *from)
{
	void *it;

	for (it = json_object_iter(from); it;
	     it = json_object_iter_next(from, it)) {
		const char *key = json_object_iter_key(it);
		size_t keylen = json_object_iter_key_len(it);

		if (json_object_getn(o, key, keylen)) {
			fail(w, ERR_INVALID,
			     "Two keys of an object are the same once "
			     "normalised (NFC).");
			return;
		}
		json_object_setn_new_nocheck(
			o, key, keylen,
			json_incref(json_object_iter_value(it)));
	}
}

/*
 * Walks the members of o.  Keys that change under NFC are moved aside and
 * put back after the walk.  (jansson's _safe iteration macros compute a
 * pointer from NULL at the end of the loop, so iterate by hand.)
 */
static void
walk_object(struct walk *w, json_t *o, size_t depth)
{
	size_t mark = w->path.len;
	json_t *renamed = NULL;
	void *it = json_object_iter(o);

	while (it && w->e == ERR_OK) {
		void *next = json_object_iter_next(o, it);
		const char *key = json_object_iter_key(it);
		size_t keylen = json_object_iter_key_len(it);
		json_t *v = json_object_iter_value(it);
		char *nfc;
		size_t nfclen;

		if (w->path.len)
			buf_adds(&w->path, ".");
		buf_add(&w->path, key, keylen);
		if (!check_string(w, key, keylen, &nfc, &nfclen))
			break;
		walk_value(w, v, depth + 1);
		if (w->e == ERR_OK) {
			path_cut(w, mark);
		}
		if (nfc) {
			if (!renamed)
				renamed = json_object();
			json_object_setn_new_nocheck(renamed, nfc, nfclen,
						     json_incref(v));
			json_object_deln(o, key, keylen);
			free(nfc);
		}
		it = next;
	}
	if (renamed) {
		if (w->e == ERR_OK)
			merge_renamed(w, o, renamed);
		json_decref(renamed);
	}
}

static void
walk_value(struct walk *w, json_t *v, size_t depth)
{
	size_t i, mark;
	char *nfc;
	size_t nfclen;

	if ((json_is_object(v) || json_is_array(v)) && depth > w->max_depth) {
		fail(w, ERR_MALFORMED, "The body is nested too deeply.");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: walk_object(w, v, depth); break;
	case JSON_ARRAY:
		mark = w->path.len;
		for (i = 0; i < json_array_size(v) && w->e == ERR_OK; i++) {
			buf_printf(&w->path, "[%zu]", i);
			walk_value(w, json_array_get(v, i), depth + 1);
			if (w->e != ERR_OK)
				return;
			path_cut(w, mark);
		}
		break;
	case JSON_STRING:
		if (check_string(w, json_string_value(v), json_string_length(v),
				 &nfc, &nfclen) &&
		    nfc) {
			json_string_setn_nocheck(v, nfc, nfclen);
			free(nfc);
		}
		break;
	default: break;
	}
}

enum err
http_json_decode(const char *p, size_t len, size_t max_depth, size_t max_string,
		 json_t **out, const char **detail, const char **field)
{
	json_error_t jerr;
	json_t *v;
	struct walk w = { max_depth, max_string, ERR_OK, NULL, { 0 } };
	static _Thread_local char fieldbuf[256];

	*out = NULL;
	*field = NULL;
	if (len == 0) {
		*detail = "The body is empty; a JSON object is expected.";
		return ERR_MALFORMED;
	}
	/* A raw NUL is never JSON; jansson would take it for the end. */
	if (memchr(p, '\0', len)) {
		*detail = "The body is not valid JSON.";
		return ERR_MALFORMED;
	}
	v = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!v) {
		switch (json_error_code(&jerr)) {
		case json_error_duplicate_key:
			*detail = "The body repeats a key in one object.";
			return ERR_INVALID;
		case json_error_null_character:
		case json_error_null_byte_in_key:
			*detail = "Strings must not contain U+0000.";
			return ERR_INVALID;
		case json_error_stack_overflow:
			*detail = "The body is nested too deeply.";
			return ERR_MALFORMED;
		case json_error_invalid_utf8:
			*detail = "The body is not valid UTF-8.";
			return ERR_MALFORMED;
		default:
			*detail = "The body is not valid JSON.";
			return ERR_MALFORMED;
		}
	}
	if (!json_is_object(v)) {
		json_decref(v);
		*detail = "The body must be a JSON object.";
		return ERR_INVALID;
	}
	buf_init(&w.path, sizeof(fieldbuf) - 1);
	walk_value(&w, v, 1);
	if (w.e != ERR_OK) {
		if (w.path.len) {
			memcpy(fieldbuf, w.path.p, w.path.len + 1);
			*field = fieldbuf;
		}
		buf_release(&w.path);
		json_decref(v);
		*detail = w.detail;
		return w.e;
	}
	buf_release(&w.path);
	*out = v;
	return ERR_OK;
}

unsigned
http_status(enum err e)
{
	static const unsigned map[] = {
		[ERR_OK] = 200,
		[ERR_MALFORMED] = 400,
		[ERR_UNAUTHENTICATED] = 401,
		[ERR_FORBIDDEN] = 403,
		[ERR_NOT_FOUND] = 404,
		[ERR_METHOD] = 405,
		[ERR_CONFLICT] = 409,
		[ERR_TOO_BIG] = 413,
		[ERR_MEDIA_TYPE] = 415,
		[ERR_INVALID] = 422,
		[ERR_RATE_LIMITED] = 429,
		[ERR_INTERNAL] = 500,
		[ERR_UNAVAILABLE] = 503,
	};

	return (size_t)e < sizeof(map) / sizeof(map[0]) ? map[e] : 500;
}

static const char *
title_of(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static char *
dump(struct http_request *req, json_t *v, size_t *len)
{
	size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | REAL_DIGITS);
	char *p = arena_alloc(&req->arena, n + 1);

	*len = json_dumpb(v, p, n, JSON_COMPACT | REAL_DIGITS);
	return p;
}

void
http_json(struct http_request *req, unsigned status, json_t *value)
{
	size_t len;
	char *p = dump(req, value, &len);

	json_decref(value);
	http_set_response(req, status, "application/json", p, len);
}

void
http_send(struct http_request *req, unsigned status, const char *type,
	  const void *body, size_t len)
{
	http_set_response(req, status, type, body, len);
}

void
http_problem(struct http_request *req, enum err e, const char *detail,
	     json_t *errors)
{
	unsigned status = http_status(e);
	json_t *o = json_object();
	size_t len;
	char *p;

	json_object_set_new(o, "type", json_string("about:blank"));
	json_object_set_new(o, "title", json_string(title_of(status)));
	json_object_set_new(o, "status", json_integer(status));
	if (detail)
		json_object_set_new(o, "detail", json_string(detail));
	if (errors)
		json_object_set_new(o, "errors", errors);
	json_object_set_new(o, "request_id", json_string(req->id));
	p = dump(req, o, &len);
	json_decref(o);
	http_set_response(req, status, "application/problem+json", p, len);
}

void
http_invalid(struct http_request *req, const char *field, const char *message)
{
	json_t *errors = json_array();

	json_array_append_new(errors, json_pack("{ss ss}", "field", field,
						"message", message));
	http_problem(req, ERR_INVALID, "A field of the request is invalid.",
		     errors);
}

static const struct http_field *
field_named(const struct http_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

static void
field_error(json_t **errors, const char *field, const char *message)
{
	if (!*errors)
		*errors = json_array();
	json_array_append_new(*errors, json_pack("{ss ss}", "field", field,
						 "message", message));
}

json_t *
http_body_check(struct http_request *req, const struct http_field *f, size_t n)
{
	json_t *errors = NULL, *v;
	const char *key;

	json_object_foreach (req->body, key, v)
		if (!field_named(f, n, key))
			field_error(&errors, key, "unknown field");
	for (size_t i = 0; i < n; i++) {
		v = json_object_get(req->body, f[i].name);
		if (!v || json_is_null(v)) {
			if (f[i].required)
				field_error(&errors, f[i].name, "is required");
			continue;
		}
		if (f[i].any) {
			*f[i].any = v;
		} else if (f[i].integer) {
			if (json_is_integer(v))
				*f[i].integer = json_integer_value(v);
			else
				field_error(&errors, f[i].name,
					    "must be a whole number");
		} else if (!json_is_string(v)) {
			field_error(&errors, f[i].name, "must be a string");
		} else if (f[i].max && json_string_length(v) > f[i].max) {
			field_error(&errors, f[i].name, "is too long");
		} else {
			*f[i].string = json_string_value(v);
		}
	}
	return errors;
}

bool
http_body_fields(struct http_request *req, const struct http_field *f, size_t n)
{
	json_t *errors = http_body_check(req, f, n);

	if (!errors)
		return true;
	http_problem(req, ERR_INVALID, "Some fields of the body are wrong.",
		     errors);
	return false;
}

/* Unit tests of src/http: JSON body decoding, guards, router, statuses. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "http/http_int.h"

static enum err
decode(const char *text, json_t **out, const char **field)
{
	const char *detail = NULL;
	enum err e = http_json_decode(text, strlen(text), 4, 16, out, &detail,
				      field);

	assert_non_null(detail == NULL && e == ERR_OK ? "ok" : detail);
	return e;
}

static void
json_decode_accepts_objects_and_normalises_to_nfc(void **state)
{
	const char *field;
	json_t *v;

	(void)state;
	assert_int_equal(decode("{\"a\":\"e\\u0301\",\"b\":[1,\"x\"]}", &v,
				&field),
			 ERR_OK);
	assert_string_equal(json_string_value(json_object_get(v, "a")),
			    "\xc3\xa9");
	json_decref(v);
	/* Keys are normalised too. */
	assert_int_equal(decode("{\"e\\u0301\":1}", &v, &field), ERR_OK);
	assert_non_null(json_object_get(v, "\xc3\xa9"));
	assert_int_equal(json_object_size(v), 1);
	json_decref(v);
}

static void
json_decode_refuses_with_the_right_error(void **state)
{
	const char *field;
	json_t *v;

	(void)state;
	assert_int_equal(decode("{", &v, &field), ERR_MALFORMED);
	assert_null(v);
	assert_int_equal(decode("", &v, &field), ERR_MALFORMED);
	assert_int_equal(decode("{} x", &v, &field), ERR_MALFORMED);
	assert_int_equal(decode("[1]", &v, &field), ERR_INVALID);
	assert_int_equal(decode("\"s\"", &v, &field), ERR_INVALID);
	assert_int_equal(decode("{\"a\":1,\"a\":2}", &v, &field), ERR_INVALID);
	assert_int_equal(decode("{\"a\\u0000\":1}", &v, &field), ERR_INVALID);
	assert_int_equal(decode("{\"a\":\"\\u0000\"}", &v, &field),
			 ERR_INVALID);
	/* Depth cap of 4: the fifth level is refused. */
	assert_int_equal(decode("{\"a\":[[[1]]]}", &v, &field), ERR_OK);
	json_decref(v);
	assert_int_equal(decode("{\"a\":[[[[1]]]]}", &v, &field),
			 ERR_MALFORMED);
	/* String cap of 16 bytes names the field. */
	assert_int_equal(decode("{\"name\":{\"x\":[\"0123456789abcdefg\"]}}",
				&v, &field),
			 ERR_TOO_BIG);
	assert_string_equal(field, "name.x[0]");
	/* Failing after a key was re-keyed leaks nothing (ASan run). */
	assert_int_equal(decode("{\"e\\u0301\":1,\"b\":\"0123456789abcdefg\"}",
				&v, &field),
			 ERR_TOO_BIG);
	/* A field path past its own cap is cut, not a crash. */
	{
		char text[400];

		snprintf(text, sizeof(text),
			 "{\"%0300d\":\"0123456789abcdefg\"}", 0);
		assert_int_equal(decode(text, &v, &field), ERR_TOO_BIG);
	}
	/* Two keys equal once normalised are a duplicate. */
	assert_int_equal(decode("{\"\xc3\xa9\":1,\"e\\u0301\":2}", &v, &field),
			 ERR_INVALID);
}

static void
json_decode_does_not_stop_at_a_nul_byte(void **state)
{
	const char *detail, *field;
	json_t *v;

	(void)state;
	assert_int_equal(http_json_decode("{}\0", 3, 32, 100, &v, &detail,
					  &field),
			 ERR_MALFORMED);
	assert_int_equal(http_json_decode("{\"a\":1}\0garbage", 15, 32, 100, &v,
					  &detail, &field),
			 ERR_MALFORMED);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	assert_non_null(f);
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

/*
 * JSONTestSuite through the decoder.  y_ files are wrapped as {"v": ...}
 * because atip's bodies are objects.  Deliberate refusals, with why:
 */
static const char *const refused[] = {
	"y_object_duplicated_key.json", /* duplicate keys: refused by policy */
	"y_object_duplicated_key_and_value.json", /* the same */
	"y_object_escaped_null_in_key.json", /* U+0000: no NUL in stored text */
	"y_string_null_escape.json",	     /* the same */
};

static bool
is_refused(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strcmp(name, refused[i]))
			return true;
	return false;
}

static void
json_test_suite(void **state)
{
	const char *dir = "tests/data/jsontestsuite/test_parsing";
	DIR *d = opendir(dir);
	struct dirent *de;
	int y = 0, n = 0, i = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512], *text;
		const char *detail, *field;
		struct buf wrapped;
		size_t len;
		json_t *v;
		enum err e;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		text = slurp(path, &len);
		if (de->d_name[0] == 'n') {
			e = http_json_decode(text, len, 32, 65536, &v, &detail,
					     &field);
			if (e != ERR_MALFORMED)
				fail_msg("%s: want 400, got error %d",
					 de->d_name, e);
			n++;
		} else {
			buf_init(&wrapped, 0);
			buf_adds(&wrapped, "{\"v\":");
			buf_add(&wrapped, text, len);
			buf_adds(&wrapped, "}");
			e = http_json_decode(wrapped.p, wrapped.len, 32, 65536,
					     &v, &detail, &field);
			if (de->d_name[0] == 'y') {
				if (is_refused(de->d_name) ? e != ERR_INVALID
							   : e != ERR_OK)
					fail_msg("%s: got error %d", de->d_name,
						 e);
				y++;
			} else {
				i++; /* i_: either answer, no crash */
			}
			if (e == ERR_OK)
				json_decref(v);
			buf_release(&wrapped);
		}
		free(text);
	}
	closedir(d);
	assert_true(y > 90 && n > 150 && i > 20);
}

static void
guard_refuses_smuggling_and_oversize(void **state)
{
	struct http_guard_input in = { .raw_uri = "/x",
				       .content_length = -1,
				       .max_header = 100,
				       .max_body = 10 };
	const char *d;

	(void)state;
	assert_int_equal(http_guard(&in, &d), ERR_OK);
	in.content_length_count = 2;
	assert_int_equal(http_guard(&in, &d), ERR_MALFORMED);
	in.content_length_count = 1;
	in.transfer_encoding_count = 1;
	in.chunked = true;
	assert_int_equal(http_guard(&in, &d), ERR_MALFORMED);
	in.content_length_count = 0;
	assert_int_equal(http_guard(&in, &d), ERR_OK);
	in.chunked = false; /* Transfer-Encoding: gzip */
	assert_int_equal(http_guard(&in, &d), ERR_MALFORMED);
	in.transfer_encoding_count = 0;
	in.content_length_count = 1;
	in.content_length = 11;
	assert_int_equal(http_guard(&in, &d), ERR_TOO_BIG);
	in.content_length = 10;
	in.header_bytes = 101;
	assert_int_equal(http_guard(&in, &d), ERR_TOO_BIG);
	in.header_bytes = 0;
	in.raw_uri = "/index.html%00.png";
	assert_int_equal(http_guard(&in, &d), ERR_MALFORMED);
	in.raw_uri = "/a%20b";
	assert_int_equal(http_guard(&in, &d), ERR_OK);
}

static void
dummy(struct http_request *req)
{
	(void)req;
}

static void
router_matches_methods_and_parameters(void **state)
{
	static const struct http_route routes[] = {
		{ "GET", "/api/v1/cases", dummy, 0, NULL, NULL, NULL, NULL,
		  NULL },
		{ "POST", "/api/v1/cases", dummy, 0, NULL, NULL, NULL, NULL,
		  NULL },
		{ "GET", "/api/v1/cases/{id}", dummy, 0, NULL, NULL, NULL, NULL,
		  NULL },
		{ "GET", "/api/v1/cases/{id}/events/{event}", dummy, 0, NULL,
		  NULL, NULL, NULL, NULL },
	};
	struct str p[HTTP_MAX_PARAMS];
	int np = 0;

	(void)state;
	assert_int_equal(
		http_route_find(routes, 4, "GET", "/api/v1/cases", p, &np), 0);
	assert_int_equal(
		http_route_find(routes, 4, "POST", "/api/v1/cases", p, &np), 1);
	assert_int_equal(
		http_route_find(routes, 4, "HEAD", "/api/v1/cases", p, &np), 0);
	assert_int_equal(http_route_find(routes, 4, "DELETE", "/api/v1/cases",
					 p, &np),
			 -2);
	assert_int_equal(http_route_find(routes, 4, "GET", "/api/v1/cases/abc",
					 p, &np),
			 2);
	assert_int_equal(np, 1);
	assert_true(str_eqs(p[0], "abc"));
	assert_int_equal(http_route_find(routes, 4, "GET",
					 "/api/v1/cases/a/events/b", p, &np),
			 3);
	assert_true(str_eqs(p[1], "b"));
	assert_int_equal(http_route_find(routes, 4, "GET", "/api/v1/cases/", p,
					 &np),
			 -1);
	assert_int_equal(http_route_find(routes, 4, "GET", "/api/v1/cases/a/b",
					 p, &np),
			 -1);
	assert_int_equal(
		http_route_find(routes, 4, "GET", "/api/v1/case", p, &np), -1);
}

static void
every_error_has_its_status(void **state)
{
	(void)state;
	assert_int_equal(http_status(ERR_OK), 200);
	assert_int_equal(http_status(ERR_MALFORMED), 400);
	assert_int_equal(http_status(ERR_UNAUTHENTICATED), 401);
	assert_int_equal(http_status(ERR_FORBIDDEN), 403);
	assert_int_equal(http_status(ERR_NOT_FOUND), 404);
	assert_int_equal(http_status(ERR_METHOD), 405);
	assert_int_equal(http_status(ERR_CONFLICT), 409);
	assert_int_equal(http_status(ERR_TOO_BIG), 413);
	assert_int_equal(http_status(ERR_MEDIA_TYPE), 415);
	assert_int_equal(http_status(ERR_INVALID), 422);
	assert_int_equal(http_status(ERR_RATE_LIMITED), 429);
	assert_int_equal(http_status(ERR_INTERNAL), 500);
	assert_int_equal(http_status(ERR_UNAVAILABLE), 503);
}

static void
openapi_lists_every_route_in_full(void **state)
{
	static const struct http_route routes[] = {
		{ "GET", "/api/v1/ping", dummy, 0, NULL, "Ping", "ops", NULL,
		  NULL },
		{ "POST", "/api/v1/ping", dummy, HTTP_BODY, NULL, "Echo", "ops",
		  NULL, NULL },
		{ "GET", "/api/v1/cases/{id}", dummy, HTTP_DB, NULL, "Case",
		  "cases", NULL, NULL },
	};
	json_t *doc = http_openapi(routes, 3, "1.2.3"), *paths, *op;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")),
			    "3.1.0");
	paths = json_object_get(doc, "paths");
	assert_int_equal(json_object_size(paths), 2);
	assert_non_null(
		json_object_get(json_object_get(paths, "/api/v1/ping"), "get"));
	op = json_object_get(json_object_get(paths, "/api/v1/ping"), "post");
	assert_non_null(json_object_get(op, "requestBody"));
	assert_non_null(
		json_object_get(json_object_get(op, "responses"), "415"));
	op = json_object_get(json_object_get(paths, "/api/v1/cases/{id}"),
			     "get");
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(op, "parameters"), 0),
			"name")),
		"id");
	assert_non_null(
		json_object_get(json_object_get(op, "responses"), "503"));
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			json_decode_accepts_objects_and_normalises_to_nfc),
		cmocka_unit_test(json_decode_refuses_with_the_right_error),
		cmocka_unit_test(json_decode_does_not_stop_at_a_nul_byte),
		cmocka_unit_test(json_test_suite),
		cmocka_unit_test(guard_refuses_smuggling_and_oversize),
		cmocka_unit_test(router_matches_methods_and_parameters),
		cmocka_unit_test(every_error_has_its_status),
		cmocka_unit_test(openapi_lists_every_route_in_full),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}

/*
 * JSON request bodies: http_json_decode() with the default caps.  What it
 * accepts is an object that encodes again and decodes to the same value.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

enum { MAX_DEPTH = 32, MAX_STRING = 65536 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *detail = NULL, *field = NULL;
	json_t *v, *again;
	char *text;
	enum err e;

	e = http_json_decode((const char *)data, size, MAX_DEPTH, MAX_STRING,
			     &v, &detail, &field);
	if (e != ERR_OK) {
		assert(!v && detail);
		return 0;
	}
	assert(json_is_object(v));
	text = json_dumps(v, JSON_COMPACT);
	assert(text);
	/* What was accepted is NFC and within the caps: a fixed point. */
	e = http_json_decode(text, strlen(text), MAX_DEPTH, MAX_STRING, &again,
			     &detail, &field);
	assert(e == ERR_OK && json_equal(v, again));
	json_decref(again);
	free(text);
	json_decref(v);
	return 0;
}

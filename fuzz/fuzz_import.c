/*
 * HTCDS spreadsheets through the case import: a CSV file uploaded to
 * POST /api/v1/cases/imports by the demo's Pune case worker (byte 0 odd)
 * or Kathmandu investigator, then the import job run at once
 * (cases_import_run) on atip as it serves.  The upload is answered 202 or
 * refused as problem+json; the import must end done or failed, every case
 * it counts as imported must be there and no other (a refused case leaves
 * nothing behind), and each refused row must name its line and field.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_fuzz.h"
#include "cases/cases.h"

enum { MAX_FILE = 20000 };

static const struct db_stmt count_cases = { "fuzz_count_cases",
					    "SELECT COUNT(*) FROM cases", 0,
					    0 };

static long long
cases_now(void)
{
	struct db_conn *c = db_acquire(fuzz_app()->db);
	struct db_rows rows;
	long long n = -1;

	if (c && db_query(c, &count_cases, NULL, 0, &rows) == DB_OK) {
		if (db_next(&rows))
			n = db_col_int(&rows, 0);
		db_rows_close(&rows);
	}
	db_release(c);
	return n;
}

/* The import's answer must add up; aborts otherwise. */
static void
check_import(const char *req, size_t len, const struct fuzz_answer *a,
	     long long added)
{
	json_t *v = json_loadb(a->body, a->body_len, 0, NULL), *err;
	const char *state = json_string_value(json_object_get(v, "state"));
	json_int_t imported =
		json_integer_value(json_object_get(v, "imported"));
	size_t i;

	if (!state || (strcmp(state, "done") && strcmp(state, "failed")))
		fuzz_app_fail("an import that did not end", req, len, a);
	if (imported != added)
		fuzz_app_fail("imported cases that are not there (or more)",
			      req, len, a);
	json_array_foreach (json_object_get(v, "errors"), i, err)
		if (!json_is_integer(json_object_get(err, "row")) ||
		    !json_is_string(json_object_get(err, "message")))
			fuzz_app_fail("a refused row without its line", req,
				      len, a);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char req[MAX_FILE + 1024];
	static struct fuzz_answer ans;
	const char *token;
	char id[64], path[512];
	json_t *v;
	long long before;
	size_t head, len;

	if (size < 1 || size - 1 > MAX_FILE)
		return 0;
	token = fuzz_app_token(data[0] & 1 ? 3 : 2);
	head = (size_t)snprintf(req, sizeof(req),
				"POST /api/v1/cases/imports HTTP/1.1\r\n"
				"Host: fuzz\r\nAuthorization: Bearer %s\r\n"
				"Content-Type: text/csv\r\n"
				"Content-Length: %zu\r\n"
				"Connection: close\r\n\r\n",
				token, size - 1);
	memcpy(req + head, data + 1, size - 1);
	len = head + size - 1;
	fuzz_app_exchange(req, len, &ans);
	fuzz_app_check(req, len, &ans);
	if (ans.status != 202)
		return 0;
	v = json_loadb(ans.body, ans.body_len, 0, NULL);
	snprintf(id, sizeof(id), "%s",
		 json_string_value(json_object_get(v, "id")));
	json_decref(v);
	before = cases_now();
	if (cases_import_run(fuzz_app()->db, app_keyring(fuzz_app()), id) !=
	    ERR_OK)
		fuzz_app_fail("the import job failed", req, len, &ans);
	snprintf(path, sizeof(path),
		 "GET /api/v1/cases/imports/%s HTTP/1.1\r\nHost: fuzz\r\n"
		 "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
		 id, token);
	fuzz_app_exchange(path, strlen(path), &ans);
	fuzz_app_check(path, strlen(path), &ans);
	if (ans.status != 200)
		fuzz_app_fail("the import cannot be read", path, strlen(path),
			      &ans);
	check_import(req, len, &ans, cases_now() - before);
	return 0;
}

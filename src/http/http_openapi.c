/*
 * The OpenAPI 3.1 document, generated from the route table so that it
 * cannot drift from what the server answers.
 */
#include <string.h>

#include "http/http_int.h"

static json_t *
schema_or(const char *text, const char *fallback)
{
	json_t *v = json_loads(text ? text : fallback, 0, NULL);

	/* The schemas are atip's own constants; a broken one is a bug. */
	return v ? v : json_object();
}

static json_t *
problem_ref(const char *description)
{
	return json_pack("{ss s{s{s{ss}}}}", "description", description,
			 "content", "application/problem+json", "schema",
			 "$ref", "#/components/schemas/Problem");
}

static json_t *
operation(const struct http_route *r)
{
	json_t *op = json_object(), *responses = json_object(), *params;
	const char *p;

	json_object_set_new(op, "summary",
			    json_string(r->summary ? r->summary : ""));
	json_object_set_new(op, "operationId",
			    json_pack("s++", r->method, " ", r->pattern));
	if (r->tag)
		json_object_set_new(op, "tags", json_pack("[s]", r->tag));
	params = json_array();
	for (p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');

		json_array_append_new(params,
				      json_pack("{ss% ss sb s{ss}}", "name",
						p + 1, (size_t)(end - p - 1),
						"in", "path", "required", 1,
						"schema", "type", "string"));
	}
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->flags & HTTP_BODY)
		json_object_set_new(
			op, "requestBody",
			json_pack("{sb s{s{so}}}", "required", 1, "content",
				  "application/json", "schema",
				  schema_or(r->request,
					    "{\"type\":\"object\"}")));
	if (r->flags & HTTP_UPLOAD)
		json_object_set_new(op, "requestBody",
				    json_pack("{sb s{s{s{ss ss}}}}", "required",
					      1, "content",
					      "application/octet-stream",
					      "schema", "type", "string",
					      "format", "binary"));
	json_object_set_new(
		responses, "200",
		json_pack("{ss s{s{so}}}", "description", "Success", "content",
			  strcmp(r->pattern, "/metrics") ? "application/json"
							 : "text/plain",
			  "schema", schema_or(r->response, "{}")));
	if (r->flags & (HTTP_BODY | HTTP_UPLOAD)) {
		bool json = r->flags & HTTP_BODY;

		json_object_set_new(responses, "400",
				    problem_ref(json ? "Malformed JSON body"
						     : "Malformed request"));
		json_object_set_new(responses, "413",
				    problem_ref("Body too large"));
		json_object_set_new(
			responses, "415",
			problem_ref(
				json ? "Body is not application/json"
				     : "A type of file atip does not keep"));
		json_object_set_new(responses, "422",
				    problem_ref("Invalid fields"));
	}
	if (r->flags & HTTP_DB)
		json_object_set_new(responses, "503",
				    problem_ref("Database unavailable"));
	json_object_set_new(op, "responses", responses);
	return op;
}

json_t *
http_openapi(const struct http_route *routes, size_t n, const char *version)
{
	json_t *doc, *paths = json_object();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *item = json_object_get(paths, routes[i].pattern);
		char method[16];
		size_t j;

		if (!item) {
			item = json_object();
			json_object_set_new(paths, routes[i].pattern, item);
		}
		for (j = 0; routes[i].method[j] && j < sizeof(method) - 1; j++)
			method[j] = (char)(routes[i].method[j] | 0x20);
		method[j] = '\0';
		json_object_set_new(item, method, operation(&routes[i]));
	}
	doc = json_pack(
		"{ss s{ss ss ss} so s{s{s{ss s{s{ss} s{ss} s{ss} s{ss} s{ss} "
		"s{ss s{s{s{ss} s{ss}}}}}}}}}",
		"openapi", "3.1.0", "info", "title", "atip", "description",
		"Anti-Trafficking in Persons Platform API. Errors are RFC 9457 "
		"problem documents.",
		"version", version, "paths", paths, "components", "schemas",
		"Problem", "type", "object", "properties", "type", "type",
		"string", "title", "type", "string", "status", "type",
		"integer", "detail", "type", "string", "request_id", "type",
		"string", "errors", "type", "array", "items", "properties",
		"field", "type", "string", "message", "type", "string");
	return doc;
}

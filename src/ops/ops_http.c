#include <string.h>

#include "app.h"
#include "ops/ops.h"

static const char ping_body[] = "{\"status\":\"ok\"}";

void
ops_healthz(struct http_request *req)
{
	http_send(req, 200, "application/json", ping_body,
		  sizeof(ping_body) - 1);
}

void
ops_ping(struct http_request *req)
{
	http_send(req, 200, "application/json", ping_body,
		  sizeof(ping_body) - 1);
}

void
ops_readyz(struct http_request *req)
{
	static const char ready[] =
		"{\"status\":\"ready\",\"database\":\"up\"}";

	if (!db_conn_ping(req->db)) {
		http_problem(req, ERR_UNAVAILABLE,
			     "The database is unavailable; try again shortly.",
			     NULL);
		http_add_header(req, "Retry-After", "5");
		return;
	}
	http_send(req, 200, "application/json", ready, sizeof(ready) - 1);
}

void
ops_metrics(struct http_request *req)
{
	struct buf b;
	char *p;
	size_t len;

	buf_init(&b, 0);
	http_metrics_render(req->srv, &b);
	p = arena_strndup(&req->arena, b.p ? b.p : "", b.len);
	len = b.len;
	buf_release(&b);
	http_send(req, 200, "text/plain; version=0.0.4; charset=utf-8", p, len);
}

/* POST /api/v1/ping: echoes "echo" back, as atip decoded and normalised it. */
void
ops_echo(struct http_request *req)
{
	json_t *echo = NULL, *out;
	const struct http_field fields[] = { { .name = "echo", .any = &echo } };

	if (!http_body_fields(req, fields, 1))
		return;
	out = json_pack("{ss}", "status", "ok");
	if (echo)
		json_object_set(out, "echo", echo);
	http_json(req, 200, out);
}

void
ops_openapi(struct http_request *req)
{
	struct app *app = req->app;

	http_send(req, 200, "application/json", app->openapi, app->openapi_len);
}

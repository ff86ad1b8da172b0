/* Request metrics in Prometheus text format. */
#include <inttypes.h>
#include <string.h>

#include "db/db.h"
#include "http/http_int.h"

static const unsigned statuses[HTTP_NSTATUS - 1] = { HTTP_COUNTED_STATUSES };

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bounds_us[HTTP_NBUCKETS] = {
	250,   500,   1000,   2500,   5000,    10000,
	25000, 50000, 100000, 250000, 1000000, 5000000,
};

void
http_metrics_record(struct http_server *srv, int route_index, unsigned status,
		    uint64_t duration_ns)
{
	struct http_route_metrics *m;
	uint64_t us = duration_ns / 1000;
	size_t i;

	if (route_index < 0 || (size_t)route_index > srv->nroutes + 1)
		return;
	m = &srv->metrics[route_index];
	for (i = 0; i < HTTP_NSTATUS - 1 && statuses[i] != status; i++)
		;
	atomic_fetch_add_explicit(&m->by_status[i], 1, memory_order_relaxed);
	for (i = 0; i < HTTP_NBUCKETS && us > bounds_us[i]; i++)
		;
	if (i < HTTP_NBUCKETS)
		atomic_fetch_add_explicit(&m->buckets[i], 1,
					  memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, us, memory_order_relaxed);
}

static const char *
route_label(const struct http_server *srv, size_t i)
{
	if (i < srv->nroutes)
		return srv->routes[i].pattern;
	return i == srv->nroutes ? "static" : "unmatched";
}

static const char *
method_label(const struct http_server *srv, size_t i)
{
	if (i < srv->nroutes)
		return srv->routes[i].method;
	return i == srv->nroutes ? "GET" : "any";
}

void
http_metrics_render(struct http_server *srv, struct buf *out)
{
	size_t i, j;

	buf_adds(out,
		 "# HELP atip_http_requests_total HTTP requests answered.\n"
		 "# TYPE atip_http_requests_total counter\n");
	for (i = 0; i < srv->nroutes + 2; i++) {
		struct http_route_metrics *m = &srv->metrics[i];

		for (j = 0; j < HTTP_NSTATUS; j++) {
			uint64_t v = atomic_load(&m->by_status[j]);

			if (!v)
				continue;
			if (j < HTTP_NSTATUS - 1)
				buf_printf(
					out,
					"atip_http_requests_total{method=\"%s\","
					"route=\"%s\",status=\"%u\"} %" PRIu64
					"\n",
					method_label(srv, i),
					route_label(srv, i), statuses[j], v);
			else
				buf_printf(
					out,
					"atip_http_requests_total{method=\"%s\","
					"route=\"%s\",status=\"other\"} %" PRIu64
					"\n",
					method_label(srv, i),
					route_label(srv, i), v);
		}
	}
	buf_adds(out, "# HELP atip_http_request_duration_seconds Time from "
		      "request line to response sent.\n"
		      "# TYPE atip_http_request_duration_seconds histogram\n");
	for (i = 0; i < srv->nroutes + 2; i++) {
		struct http_route_metrics *m = &srv->metrics[i];
		uint64_t cum = 0, count = 0;

		for (j = 0; j < HTTP_NSTATUS; j++)
			count += atomic_load(&m->by_status[j]);
		if (!count)
			continue;
		for (j = 0; j < HTTP_NBUCKETS; j++) {
			cum += atomic_load(&m->buckets[j]);
			buf_printf(
				out,
				"atip_http_request_duration_seconds_bucket{"
				"method=\"%s\",route=\"%s\",le=\"%g\"} %" PRIu64
				"\n",
				method_label(srv, i), route_label(srv, i),
				(double)bounds_us[j] / 1e6, cum);
		}
		buf_printf(
			out,
			"atip_http_request_duration_seconds_bucket{method=\"%s\","
			"route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n"
			"atip_http_request_duration_seconds_sum{method=\"%s\","
			"route=\"%s\"} %.6f\n"
			"atip_http_request_duration_seconds_count{method=\"%s\","
			"route=\"%s\"} %" PRIu64 "\n",
			method_label(srv, i), route_label(srv, i), count,
			method_label(srv, i), route_label(srv, i),
			(double)atomic_load(&m->sum_us) / 1e6,
			method_label(srv, i), route_label(srv, i), count);
	}
	buf_printf(
		out,
		"# HELP atip_http_open_connections Client connections open now.\n"
		"# TYPE atip_http_open_connections gauge\n"
		"atip_http_open_connections %" PRId64 "\n"
		"# HELP atip_http_requests_in_flight Requests being answered now.\n"
		"# TYPE atip_http_requests_in_flight gauge\n"
		"atip_http_requests_in_flight %d\n"
		"# HELP atip_db_time_seconds_total Time spent in the database.\n"
		"# TYPE atip_db_time_seconds_total counter\n"
		"atip_db_time_seconds_total %.6f\n",
		atomic_load(&srv->open_connections),
		atomic_load(&srv->inflight), (double)db_time_ns() / 1e9);
	if (srv->metrics_hook)
		srv->metrics_hook(out, srv->app);
}

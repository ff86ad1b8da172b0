/* The libmicrohttpd adapter: request lifecycle, guards, dispatch, logging. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "http/http_int.h"

enum phase {
	PHASE_NEW,
	PHASE_BODY,
	PHASE_DEFERRED, /* suspended: slow work runs on the pool */
	PHASE_RESUMED,	/* the work is done: finish and answer */
	PHASE_DONE
};

static const char csp[] = "default-src 'self'; frame-ancestors 'none'; "
			  "base-uri 'none'; form-action 'self'";

void
http_use_response(struct http_request *req, unsigned status, const char *type,
		  void *response)
{
	struct http_server *srv = req->srv;
	struct MHD_Response *r = response;

	if (req->response)
		MHD_destroy_response(req->response);
	if (type)
		MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Request-Id", req->id);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (req->path && (strncmp(req->path, "/api/", 5) == 0 ||
			  (req->route && (req->route->flags & HTTP_NO_LOG))))
		MHD_add_response_header(r, "Cache-Control", "no-store");
	if (srv->tls)
		MHD_add_response_header(r, "Strict-Transport-Security",
					"max-age=63072000; includeSubDomains");
	if (atomic_load(&srv->draining))
		MHD_add_response_header(r, "Connection", "close");
	req->response = r;
	req->status = status;
}

void
http_set_response(struct http_request *req, unsigned status, const char *type,
		  const void *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, (void *)body, MHD_RESPMEM_PERSISTENT);

	if (!r)
		abort();
	http_use_response(req, status, type, r);
}

struct owned_body {
	struct buf b;
	bool secret;
};

static void
free_owned(void *cls)
{
	struct owned_body *o = cls;

	if (o->secret && o->b.p)
		explicit_bzero(o->b.p, o->b.len);
	buf_release(&o->b);
	free(o);
}

void
http_send_buf(struct http_request *req, unsigned status, const char *type,
	      struct buf *body, bool secret)
{
	struct owned_body *o = xcalloc(1, sizeof(*o));
	struct MHD_Response *r;

	o->b = *body;
	o->secret = secret;
	*body = (struct buf){ 0 };
	if (!o->b.p)
		buf_add(&o->b, "", 0);
	r = MHD_create_response_from_buffer_with_free_callback_cls(
		o->b.len, o->b.p, free_owned, o);
	if (!r)
		abort();
	http_use_response(req, status, type, r);
}

const char *
http_header_decoded(struct http_request *req, const char *name)
{
	const char *v = http_header(req, name);
	char *copy;
	size_t n;

	if (!v)
		return NULL;
	copy = arena_strdup(&req->arena, v);
	n = MHD_http_unescape(copy);
	copy[n] = '\0';
	/* %00 would cut the value short: refuse it rather. */
	return strlen(copy) == n ? copy : NULL;
}

void
http_add_header(struct http_request *req, const char *name, const char *value)
{
	const char *had;

	if (!req->response)
		return;
	/* One value per header (but Set-Cookie): a handler's replaces the
	 * default. */
	while (strcasecmp(name, "Set-Cookie") &&
	       (had = MHD_get_response_header(req->response, name)))
		MHD_del_response_header(req->response, name, had);
	MHD_add_response_header(req->response, name, value);
}

const char *
http_header(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* Takes the client's X-Request-Id when it is short and plain, else a new one. */
static void
set_request_id(struct http_request *req)
{
	const char *given = http_header(req, "X-Request-Id");
	size_t len = given ? strlen(given) : 0;

	if (len > 0 && len < sizeof(req->id) &&
	    strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789-_.") == len) {
		memcpy(req->id, given, len + 1);
		return;
	}
	uuid_v7(req->id);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct http_request *req = xcalloc(1, sizeof(*req));

	arena_init(&req->arena);
	req->srv = srv;
	req->app = srv->app;
	req->conn = conn;
	req->start_ns = time_mono_ns();
	req->content_length = -1;
	req->route_index = (int)srv->nroutes + 1; /* "unmatched" until routed */
	buf_init(&req->upload, srv->set.max_body);
	/* The raw URI, before libmicrohttpd decodes it: checked by the guards. */
	req->path = arena_strdup(&req->arena, uri);
	atomic_fetch_add(&srv->inflight, 1);
	return req;
}

struct header_scan {
	struct http_guard_input *in;
	const char *first_cl;
};

static enum MHD_Result
scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
	    size_t key_size, const char *value, size_t value_size)
{
	struct header_scan *hs = cls;
	struct http_guard_input *in = hs->in;

	(void)kind;
	in->header_bytes += key_size + value_size + 4;
	if (strlen(key) != key_size || (value && strlen(value) != value_size))
		in->nul_in_header = true;
	if (!strcasecmp(key, "Content-Length")) {
		long long n;

		if (!value || !str_to_i64(str_of(value), 0, INT64_MAX, &n))
			in->content_length_invalid = true;
		else
			in->content_length = n;
		if (hs->first_cl && value && strcmp(hs->first_cl, value))
			in->content_length_conflict = true;
		hs->first_cl = value;
		in->content_length_count++;
	} else if (!strcasecmp(key, "Transfer-Encoding")) {
		in->transfer_encoding_count++;
		in->chunked = value && !strcasecmp(value, "chunked");
	} else if (!strcasecmp(key, "Host")) {
		in->host_count++;
	}
	return MHD_YES;
}

static bool
is_loopback(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa)
		return false;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
				      ->sin_addr.s_addr) >>
			24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
			&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

static bool
is_json_type(const char *type)
{
	size_t n = strlen("application/json");

	if (!type || strncasecmp(type, "application/json", n))
		return false;
	type += n;
	while (*type == ' ')
		type++;
	return *type == '\0' || *type == ';';
}

/* Runs the authenticate hook; false when it answered (401, 403, 503). */
static bool
authenticated(struct http_request *req)
{
	enum err e = req->srv->authenticate && req->db
			     ? req->srv->authenticate(req)
			     : ERR_UNAUTHENTICATED;

	if (e == ERR_OK)
		return true;
	if (!req->response || req->status != http_status(e))
		http_problem(req, e,
			     e == ERR_UNAUTHENTICATED
				     ? "Sign in first."
				     : "The request could not be completed.",
			     NULL);
	if (e == ERR_UNAVAILABLE)
		http_add_header(req, "Retry-After", "5");
	return false;
}

/* After the handler: the connection goes back; no answer is a bug (500). */
static void
settle(struct http_request *req)
{
	if (req->db) {
		db_release(req->db);
		req->db = NULL;
	}
	if (!req->response)
		http_problem(req, ERR_INTERNAL,
			     "The request could not be completed.", NULL);
}

void
http_defer(struct http_request *req, void (*work)(struct http_request *),
	   void (*finish)(struct http_request *))
{
	req->work = work;
	req->finish = finish;
	req->phase = PHASE_DEFERRED;
}

static void *pool_worker(void *arg);

/* A thread per HTTP thread for slow work (password hashing), so that it
 * never holds an HTTP thread; at most that many run at once. */
static void
pool_start(struct http_server *srv, unsigned n)
{
	pthread_mutex_init(&srv->pool_lock, NULL);
	pthread_cond_init(&srv->pool_wake, NULL);
	srv->pool_started = true;
	srv->pool = xcalloc(n, sizeof(*srv->pool));
	for (srv->npool = 0; srv->npool < n; srv->npool++)
		if (pthread_create(&srv->pool[srv->npool], NULL, pool_worker,
				   srv))
			break;
}

static void
pool_stop(struct http_server *srv)
{
	pthread_mutex_lock(&srv->pool_lock);
	srv->pool_stop = true;
	pthread_cond_broadcast(&srv->pool_wake);
	pthread_mutex_unlock(&srv->pool_lock);
	for (unsigned i = 0; i < srv->npool; i++)
		pthread_join(srv->pool[i], NULL);
	free(srv->pool);
	srv->pool = NULL;
	/* The lock stays: HTTP threads still look at pool_stop until the
	 * daemon stops; server_free() destroys it. */
}

static void *
pool_worker(void *arg)
{
	struct http_server *srv = arg;

	pthread_mutex_lock(&srv->pool_lock);
	for (;;) {
		struct http_request *req;

		while (!srv->pool_head && !srv->pool_stop)
			pthread_cond_wait(&srv->pool_wake, &srv->pool_lock);
		if (!srv->pool_head)
			break;
		req = srv->pool_head;
		srv->pool_head = req->next;
		pthread_mutex_unlock(&srv->pool_lock);
		req->work(req);
		req->phase = PHASE_RESUMED;
		MHD_resume_connection(req->conn);
		pthread_mutex_lock(&srv->pool_lock);
	}
	pthread_mutex_unlock(&srv->pool_lock);
	return NULL;
}

static enum MHD_Result queue(struct http_request *req);

/* Suspends the connection of a deferred request and queues its work. */
static enum MHD_Result
suspend(struct http_request *req)
{
	struct http_server *srv = req->srv;
	struct http_request **tail;

	pthread_mutex_lock(&srv->pool_lock);
	if (srv->pool_stop) {
		/* Stopping: no pool to hand over to, so do it here. */
		pthread_mutex_unlock(&srv->pool_lock);
		req->work(req);
		req->phase = PHASE_RESUMED;
		req->finish(req);
		settle(req);
		return queue(req);
	}
	MHD_suspend_connection(req->conn);
	req->next = NULL;
	for (tail = &srv->pool_head; *tail; tail = &(*tail)->next)
		;
	*tail = req;
	pthread_cond_signal(&srv->pool_wake);
	pthread_mutex_unlock(&srv->pool_lock);
	return MHD_YES;
}

static void
run_handler(struct http_request *req)
{
	const struct http_route *rt = req->route;

	if (rt->flags & HTTP_LOCAL && req->srv->set.metrics_local &&
	    !req->loopback) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return;
	}
	if (rt->flags & HTTP_BODY) {
		const char *detail, *field;
		enum err e = http_json_decode(
			req->upload.p ? req->upload.p : "", req->upload.len,
			req->srv->set.json_depth, req->srv->set.json_string,
			&req->body, &detail, &field);

		if (e != ERR_OK) {
			json_t *errors = NULL;

			if (field) {
				errors = json_array();
				json_array_append_new(
					errors,
					json_pack("{ss ss}", "field", field,
						  "message", detail));
			}
			http_problem(req, e, detail, errors);
			return;
		}
	}
	if (rt->flags & HTTP_DB) {
		req->db = req->srv->db ? db_acquire(req->srv->db) : NULL;
		if (!req->db) {
			http_problem(req, ERR_UNAVAILABLE,
				     "The database is unavailable; try again "
				     "shortly.",
				     NULL);
			http_add_header(req, "Retry-After", "5");
			return;
		}
	}
	if (!rt->permission || authenticated(req))
		rt->handler(req);
	if (req->phase != PHASE_DEFERRED)
		settle(req);
}

/* Answers a request no route takes: 405, a static file, or 404. */
static void
answer_unrouted(struct http_request *req)
{
	struct http_server *srv = req->srv;

	if (req->match == -2) {
		struct buf allow;

		buf_init(&allow, 256);
		http_route_allow(srv->routes, srv->nroutes, req->path, &allow);
		http_problem(req, ERR_METHOD,
			     "This resource does not answer that method.",
			     NULL);
		http_add_header(req, "Allow", allow.p);
		buf_release(&allow);
	} else if ((!strcmp(req->method, "GET") ||
		    !strcmp(req->method, "HEAD")) &&
		   strncmp(req->path, "/api/", 5) && srv->web_root) {
		req->route_index = (int)srv->nroutes;
		http_static_serve(req);
	} else {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
	}
}

/* Answers a request whose body (if any) has been read. */
static void
answer(struct http_request *req)
{
	if (req->discarded)
		http_problem(req, ERR_TOO_BIG, "The request body is too large.",
			     NULL);
	else if (req->match < 0)
		answer_unrouted(req);
	else
		run_handler(req);
}

/*
 * First call: guards, then routing.  Returns true when the answer must go
 * now, before any body is read (libmicrohttpd then closes the connection);
 * otherwise the answer waits for the last call, keeping the connection.
 */
static bool
begin(struct http_request *req, const char *url, const char *method,
      const char *version)
{
	struct http_server *srv = req->srv;
	struct http_guard_input in = { 0 };
	struct header_scan hs = { &in, NULL };
	const char *detail;
	bool body;
	enum err e;

	in.raw_uri = req->path;
	in.content_length = -1;
	in.max_header = srv->set.max_header;
	/* Uploads may be larger: routed requests are held to their own cap
	 * below. */
	in.max_body = srv->set.max_body > srv->set.max_upload
			      ? srv->set.max_body
			      : srv->set.max_upload;
	in.header_bytes = strlen(req->path) + strlen(method) + 12;
	in.http11 = !strcmp(version, MHD_HTTP_VERSION_1_1);
	MHD_get_connection_values_n(req->conn, MHD_HEADER_KIND, scan_header,
				    &hs);
	req->method = method;
	req->path = arena_strdup(&req->arena, url);
	req->loopback = is_loopback(req->conn);
	set_request_id(req);
	e = http_guard(&in, &detail);
	if (e != ERR_OK) {
		http_problem(req, e, detail, NULL);
		return true;
	}
	req->content_length = in.content_length;
	req->chunked = in.chunked;
	body = req->content_length > 0 || req->chunked;
	req->match = http_route_find(srv->routes, srv->nroutes, method,
				     req->path, req->params, &req->nparams);
	if (req->match >= 0 && srv->routes[req->match].flags & HTTP_UPLOAD)
		req->upload.max = srv->set.max_upload;
	if (req->content_length > 0 &&
	    (size_t)req->content_length > req->upload.max) {
		http_problem(req, ERR_TOO_BIG, "The request body is too large.",
			     NULL);
		return true;
	}
	if (req->match < 0) {
		if (body)
			answer_unrouted(req); /* the body is not wanted */
		return body;
	}
	req->route_index = req->match;
	req->route = &srv->routes[req->match];
	if (body && !(req->route->flags & (HTTP_BODY | HTTP_UPLOAD))) {
		http_problem(req, ERR_MEDIA_TYPE,
			     "This resource takes no body.", NULL);
		return true;
	}
	if (body && req->route->flags & HTTP_BODY &&
	    !is_json_type(http_header(req, "Content-Type"))) {
		http_problem(req, ERR_MEDIA_TYPE,
			     "The body must be application/json.", NULL);
		return true;
	}
	return false;
}

static enum MHD_Result
queue(struct http_request *req)
{
	enum MHD_Result r;

	req->phase = PHASE_DONE;
	r = MHD_queue_response(req->conn, req->status, req->response);
	MHD_destroy_response(req->response);
	req->response = NULL;
	return r;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
	   const char *method, const char *version, const char *upload,
	   size_t *upload_size, void **con_cls)
{
	struct http_request *req = *con_cls;

	(void)cls;
	if (!req)
		return MHD_NO; /* on_uri always sets it */
	req->conn = conn;
	switch (req->phase) {
	case PHASE_NEW:
		req->phase = PHASE_BODY;
		if (begin(req, url, method, version))
			return queue(req);
		return MHD_YES;
	case PHASE_BODY:
		if (*upload_size) {
			/*
			 * libmicrohttpd answers only once the body is read: past
			 * the cap, drop what comes (up to the cap again, then
			 * hang up) and answer 413 at its end.
			 */
			if (req->discarded ||
			    !buf_add(&req->upload, upload, *upload_size)) {
				req->discarded += *upload_size;
				if (req->discarded > req->upload.max)
					return MHD_NO;
			}
			*upload_size = 0;
			return MHD_YES;
		}
		answer(req);
		if (req->phase == PHASE_DEFERRED)
			return suspend(req);
		return queue(req);
	case PHASE_RESUMED:
		req->finish(req);
		settle(req);
		return queue(req);
	default:
		*upload_size = 0; /* answered already: drop the rest */
		return MHD_YES;
	}
}

static void
log_request(struct http_request *req, uint64_t ns)
{
	char line[512], ts[TIME_RFC3339_LEN];
	const struct http_server *srv = req->srv;
	const char *route, *method = req->method ? req->method : "-";
	int n;

	if (req->route_index < 0)
		route = "-";
	else if ((size_t)req->route_index < srv->nroutes)
		route = srv->routes[req->route_index].pattern;
	else if ((size_t)req->route_index == srv->nroutes)
		route = "static";
	else
		route = "unmatched";
	/* Methods are tokens, but only well-known ones are logged verbatim. */
	if (strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method) ||
	    strlen(method) > 10)
		method = "OTHER";
	time_rfc3339(time_now_ms(), ts, sizeof(ts));
	n = snprintf(line, sizeof(line),
		     "{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"request\","
		     "\"method\":\"%s\",\"route\":\"%s\",\"status\":%u,"
		     "\"duration_ms\":%.3f,\"request_id\":\"%s\"}",
		     ts, method, route, req->status, (double)ns / 1e6, req->id);
	if (n > 0 && (size_t)n < sizeof(line))
		log_line(line, (size_t)n);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	uint64_t ns;

	(void)conn;
	(void)toe;
	if (!req)
		return;
	*con_cls = NULL;
	ns = time_mono_ns() - req->start_ns;
	if (req->phase != PHASE_NEW) {
		http_metrics_record(srv, req->route_index, req->status, ns);
		if (srv->set.json_log &&
		    !(req->route && (req->route->flags & HTTP_NO_LOG)) &&
		    log_enabled(LOG_INFO))
			log_request(req, ns);
	}
	if (req->response)
		MHD_destroy_response(req->response);
	if (req->db)
		db_release(req->db);
	json_decref(req->body);
	buf_release(&req->upload);
	arena_release(&req->arena);
	free(req);
	atomic_fetch_sub(&srv->inflight, 1);
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
	      enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;

	(void)conn;
	(void)socket_ctx;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&srv->open_connections, 1);
	else
		atomic_fetch_sub(&srv->open_connections, 1);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_msg(LOG_DEBUG, "libmicrohttpd: %s", msg);
}

static bool
parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	long long port;
	size_t hlen = (size_t)(colon - listen);

	if (!colon || hlen == 0 || hlen >= sizeof(host) ||
	    !str_to_i64(str_of(colon + 1), 0, 65535, &port))
		return false;
	memcpy(host, listen, hlen);
	host[hlen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[hlen - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		host[hlen - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*v6 = false;
		if (!strcmp(host, "localhost"))
			return inet_pton(AF_INET, "127.0.0.1", &a->sin_addr) ==
			       1;
		return inet_pton(AF_INET, host, &a->sin_addr) == 1;
	}
}

static char *
read_pem(const char *path, char *err, size_t errlen, const char *setting)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read the file", setting);
		return NULL;
	}
	buf_init(&b, 1 << 20);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (!buf_add(&b, chunk, (size_t)n))
			break;
	close(fd);
	if (n != 0 || b.len == 0) {
		buf_release(&b);
		snprintf(err, errlen, "%s: cannot read the file", setting);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void
server_free(struct http_server *srv)
{
	if (srv->pool_started) {
		pthread_cond_destroy(&srv->pool_wake);
		pthread_mutex_destroy(&srv->pool_lock);
	}
	if (srv->tls_key)
		explicit_bzero(srv->tls_key, strlen(srv->tls_key));
	free(srv->tls_key);
	free(srv->tls_cert);
	free(srv->web_root);
	free(srv->metrics);
	free(srv);
}

static void
set_url(struct http_server *srv, bool v6)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (di &&
	    getsockname(di->listen_fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
		}
	}
	snprintf(srv->url, sizeof(srv->url), v6 ? "%s://[%s]:%u" : "%s://%s:%u",
		 srv->tls ? "https" : "http", host, port);
}

/* GnuTLS's priorities for atip's own TLS (libmicrohttpd takes a char *). */
static char tls_priorities[] =
	"SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:"
	"+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:"
	"-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE";

struct http_server *
http_server_start(const struct http_settings *s,
		  const struct http_route *routes, size_t nroutes,
		  struct db *db, void *app, char *err, size_t errlen)
{
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ITC | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
	unsigned threads = s->threads;
	bool v6 = false;
	struct MHD_OptionItem opts[16];
	int n = 0;

	srv->set = *s;
	srv->routes = routes;
	srv->nroutes = nroutes;
	srv->db = db;
	srv->app = app;
	srv->metrics = xcalloc(nroutes + 2, sizeof(*srv->metrics));
	if (!parse_listen(s->listen, &ss, &v6)) {
		snprintf(err, errlen,
			 "ATIP_LISTEN: expected host:port with a "
			 "numeric address");
		server_free(srv);
		return NULL;
	}
	if (s->web_dir && *s->web_dir)
		srv->web_root = realpath(s->web_dir, NULL);
	if (s->tls_cert && *s->tls_cert) {
		srv->tls_cert =
			read_pem(s->tls_cert, err, errlen, "ATIP_TLS_CERT");
		srv->tls_key = srv->tls_cert ? read_pem(s->tls_key, err, errlen,
							"ATIP_TLS_KEY")
					     : NULL;
		if (!srv->tls_key) {
			server_free(srv);
			return NULL;
		}
		srv->tls = true;
		flags |= MHD_USE_TLS;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cores > 0 ? (unsigned)cores : 1;
	}
#define OPT(o, v, p) \
	(opts[n++] = (struct MHD_OptionItem){ (o), (intptr_t)(v), (p) })
	OPT(MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL);
	OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv);
	OPT(MHD_OPTION_CONNECTION_LIMIT, s->max_connections, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->max_per_ip, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, s->timeout, NULL);
	/* Room for our own header cap to answer first, plus read buffers. */
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->max_header * 2 + 32768,
	    NULL);
	if (threads > 1)
		OPT(MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
	if (srv->tls) {
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key);
		/* TLS 1.2 and 1.3 only, forward-secret AEAD suites only. */
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, tls_priorities);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	srv->daemon = MHD_start_daemon(flags | MHD_USE_ERROR_LOG, 0, NULL, NULL,
				       on_request, srv, MHD_OPTION_ARRAY, opts,
				       MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "ATIP_LISTEN: cannot listen on %s (%s)",
			 s->listen,
			 errno ? strerror(errno) : "TLS set-up failed");
		server_free(srv);
		return NULL;
	}
	set_url(srv, v6);
	pool_start(srv, threads);
	return srv;
}

const char *
http_server_url(const struct http_server *srv)
{
	return srv->url;
}

void
http_server_set_auth(struct http_server *srv,
		     enum err (*authenticate)(struct http_request *req))
{
	srv->authenticate = authenticate;
}

bool
http_param_id(struct http_request *req, int i, char out[UUID_STR_LEN])
{
	return i < req->nparams && uuid_normalise(req->params[i], out);
}

const void *
http_upload(struct http_request *req, size_t *len)
{
	*len = req->upload.len;
	return req->upload.p ? req->upload.p : "";
}

const char *
http_query(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

const char *
http_cookie(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void
http_server_set_metrics_hook(struct http_server *srv,
			     void (*hook)(struct buf *out, void *app))
{
	srv->metrics_hook = hook;
}

void
http_server_stop(struct http_server *srv, unsigned grace_s)
{
	uint64_t deadline = time_mono_ns() + (uint64_t)grace_s * 1000000000u;
	struct timespec tick = { 0, 10 * 1000000L };
	MHD_socket fd;

	if (!srv)
		return;
	/* Stop accepting; answer what is in flight with Connection: close. */
	atomic_store(&srv->draining, 1);
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (atomic_load(&srv->inflight) > 0 && time_mono_ns() < deadline)
		nanosleep(&tick, NULL);
	if (atomic_load(&srv->inflight) > 0)
		log_msg(LOG_WARN, "stopping with %d requests still in flight",
			atomic_load(&srv->inflight));
	/* The pool first: it finishes what is queued and resumes those
	 * connections, so none is left suspended when the daemon stops. */
	pool_stop(srv);
	MHD_stop_daemon(srv->daemon);
	server_free(srv);
}

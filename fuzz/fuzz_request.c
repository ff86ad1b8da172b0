/*
 * Raw HTTP requests against one atip server started once per process: the
 * guards, routing, bodies and static files as a client reaches them.  A
 * file beside the web root must never be served, and every 1000 inputs the
 * server must still answer a plain GET.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "http/http.h"

/* Control bytes: JSON escapes them, so no route can echo this verbatim. */
static const char secret[] = "atip\001secret\002beside\003the\004root";
static const char ping_req[] = "GET /api/v1/ping HTTP/1.1\r\nHost: a\r\n\r\n";
static struct sockaddr_in addr;
static char dir[] = "/tmp/atip-fuzz-XXXXXX";

static void
ping(struct http_request *req)
{
	http_json(req, 200, json_pack("{sb}", "ok", 1));
}

static void
echo(struct http_request *req)
{
	http_json(req, 201, json_incref(req->body));
}

static void
item(struct http_request *req)
{
	json_t *id = json_stringn(req->params[0].p, req->params[0].len);

	if (!id)
		http_invalid(req, "id", "The id is not valid UTF-8.");
	else
		http_json(req, 200, json_pack("{so}", "id", id));
}

static const struct http_route routes[] = {
	{ "GET", "/api/v1/ping", ping, 0, NULL, NULL, NULL, NULL, NULL },
	{ "POST", "/api/v1/echo", echo, HTTP_BODY, NULL, NULL, NULL, NULL,
	  NULL },
	{ "GET", "/api/v1/items/{id}", item, 0, NULL, NULL, NULL, NULL, NULL },
	{ "DELETE", "/api/v1/items/{id}", item, HTTP_DB, NULL, NULL, NULL, NULL,
	  NULL },
};

/* Made under dir at start, removed at exit; NULL text: a directory. */
static const char *const files[][2] = {
	{ "web", NULL },
	{ "web/index.html", "<!doctype html><title>atip</title>\n" },
	{ "secret.txt", secret },
};

static void
make_files(void)
{
	char path[64];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		if (!files[i][1]) {
			if (mkdir(path, 0700))
				abort();
			continue;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || write(fd, files[i][1], strlen(files[i][1])) < 0 ||
		    close(fd))
			abort();
	}
}

static void
remove_files(void)
{
	char path[64];
	size_t i = sizeof(files) / sizeof(files[0]);

	while (i-- > 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		remove(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct http_settings s = {
		.listen = "127.0.0.1:0",
		.web_dir = NULL,
		.threads = 1,
		.max_connections = 1024,
		.max_per_ip = 0,
		.timeout = 1,
		.max_body = 65536,
		.max_header = 8192,
		.json_depth = 32,
		.json_string = 65536,
		.metrics_local = true,
		.json_log = false,
	};
	char web[64], err[256];
	struct http_server *srv;
	const char *url;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	if (!mkdtemp(dir))
		abort();
	atexit(remove_files);
	make_files();
	snprintf(web, sizeof(web), "%s/web", dir);
	s.web_dir = web;
	srv = http_server_start(&s, routes, sizeof(routes) / sizeof(routes[0]),
				NULL, NULL, err, sizeof(err));
	if (!srv) {
		fprintf(stderr, "fuzz_request: %s\n", err);
		abort();
	}
	url = http_server_url(srv); /* http://127.0.0.1:port */
	addr.sin_family = AF_INET;
	addr.sin_port =
		htons((uint16_t)strtoul(strrchr(url, ':') + 1, NULL, 10));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return 0;
}

/* Sends p[0..len), half-closes, reads the answer; returns its length. */
static size_t
exchange(const void *p, size_t len, char *ans, size_t cap, long wait_ms)
{
	struct timeval tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
	struct linger lg = { 1, 0 }; /* reset: no TIME_WAIT pile-up */
	size_t got = 0;
	char sink[4096];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		abort();
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		while (len > 0 && (n = send(fd, p, len, MSG_NOSIGNAL)) > 0) {
			p = (const char *)p + n;
			len -= (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		while ((n = recv(fd, got < cap ? ans + got : sink,
				 got < cap ? cap - got : sizeof(sink), 0)) > 0)
			got += got < cap ? (size_t)n : 0;
	}
	close(fd);
	return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char ans[65536];
	static unsigned long runs;
	/*
	 * 50 ms: atip answers a complete request in well under 1 ms here, but
	 * libmicrohttpd sometimes misses the FIN after an incomplete one and
	 * holds the connection until its timeout, so every wait is spent.
	 */
	size_t n = exchange(data, size, ans, sizeof(ans), 50);

	if (memmem(ans, n, secret, sizeof(secret) - 1))
		abort(); /* served a file from outside the web root */
	if (++runs % 1000 == 0) {
		n = exchange(ping_req, sizeof(ping_req) - 1, ans, sizeof(ans),
			     5000);
		if (n < 12 || memcmp(ans, "HTTP/1.1 200", 12))
			abort(); /* the server stopped answering */
	}
	return 0;
}

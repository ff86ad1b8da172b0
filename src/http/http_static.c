/*
 * Static files of the web UI.  A path is served only when every segment is
 * a plain name (no "..", no hidden files: libmicrohttpd has already decoded
 * %2e%2e), and only when its real path is the path asked for, so no symlink
 * can lead out of the web root.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/http_int.h"

struct type {
	const char *ext;
	const char *mime;
};

static const struct type types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static const char *
mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].mime;
	return "application/octet-stream";
}

/* True when every segment of path is a plain, visible name. */
static bool
plain_path(const char *path)
{
	const char *s = path;

	if (*s != '/')
		return false;
	while (*s == '/') {
		size_t len = strcspn(s + 1, "/");

		if (len == 0 || s[1] == '.' || memchr(s + 1, '\\', len))
			return false;
		s += len + 1;
	}
	return *s == '\0';
}

static void
not_found(struct http_request *req)
{
	http_problem(req, ERR_NOT_FOUND, "There is nothing here.", NULL);
}

void
http_static_serve(struct http_request *req)
{
	const char *root = req->srv->web_root;
	const char *rel = strcmp(req->path, "/") ? req->path : "/index.html";
	const char *inm;
	char *want, real[PATH_MAX], etag[64];
	struct MHD_Response *r;
	struct stat st;
	int fd;

	if (!plain_path(rel)) {
		not_found(req);
		return;
	}
	want = arena_printf(&req->arena, "%s%s", root, rel);
	if (!realpath(want, real) || strcmp(real, want)) {
		not_found(req);
		return;
	}
	fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		not_found(req);
		return;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		not_found(req);
		return;
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
		 (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
			 (unsigned long long)st.st_mtim.tv_nsec);
	inm = http_header(req, "If-None-Match");
	if (inm && !strcmp(inm, etag)) {
		close(fd);
		http_send(req, 304, NULL, "", 0);
		http_add_header(req, "ETag", etag);
		return;
	}
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		http_problem(req, ERR_INTERNAL, "The file could not be read.",
			     NULL);
		return;
	}
	http_use_response(req, 200, mime_of(real), r);
	http_add_header(req, "ETag", etag);
	http_add_header(req, "Cache-Control", "no-cache");
}

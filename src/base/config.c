#include "base/config.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

enum kind { K_STRING, K_LONG, K_BOOL, K_LEVEL };

struct setting {
	const char *flag; /* without the leading "--" */
	const char *env;
	enum kind kind;
	size_t off;
	const char *def;
	long min, max;
	const char *help;
};

#define OFF(f) offsetof(struct config, f)

static const struct setting settings[] = {
	{ "data-dir", "ATIP_DATA_DIR", K_STRING, OFF(data_dir), "./atip-data",
	  0, 0, "directory for the database file and keyring" },
	{ "db", "ATIP_DB", K_STRING, OFF(db), "", 0, 0,
	  "SQLite file path or postgresql:// URI (default: <data-dir>/atip.db)" },
	{ "listen", "ATIP_LISTEN", K_STRING, OFF(listen), "127.0.0.1:8080", 0,
	  0, "address and port to serve on (port 0: any free port)" },
	{ "web-dir", "ATIP_WEB_DIR", K_STRING, OFF(web_dir), "./web", 0, 0,
	  "directory of the web UI's static files" },
	{ "tls-cert", "ATIP_TLS_CERT", K_STRING, OFF(tls_cert), "", 0, 0,
	  "PEM certificate: serve HTTPS (with ATIP_TLS_KEY)" },
	{ "tls-key", "ATIP_TLS_KEY", K_STRING, OFF(tls_key), "", 0, 0,
	  "PEM private key for ATIP_TLS_CERT" },
	{ "trusted-proxies", "ATIP_TRUSTED_PROXIES", K_STRING,
	  OFF(trusted_proxies), "", 0, 0,
	  "addresses of reverse proxies whose X-Forwarded-For names the "
	  "client" },
	{ "webhook-allow", "ATIP_WEBHOOK_ALLOW", K_STRING, OFF(webhook_allow),
	  "", 0, 0,
	  "CIDR blocks of private or loopback addresses webhooks may reach "
	  "(comma list; none by default)" },
	{ "log", "ATIP_LOG", K_LEVEL, OFF(log_level), "info", 0, 0,
	  "log level: error, warn, info or debug" },
	{ "threads", "ATIP_THREADS", K_LONG, OFF(threads), "0", 0, 256,
	  "HTTP worker threads (0: one per core)" },
	{ "max-connections", "ATIP_MAX_CONNECTIONS", K_LONG,
	  OFF(max_connections), "1024", 1, 100000, "open connections at most" },
	{ "max-per-ip", "ATIP_MAX_PER_IP", K_LONG, OFF(max_per_ip), "64", 0,
	  100000, "open connections per client address (0: no limit)" },
	{ "timeout", "ATIP_TIMEOUT", K_LONG, OFF(timeout), "30", 1, 3600,
	  "seconds before an idle connection is closed" },
	{ "max-body", "ATIP_MAX_BODY", K_LONG, OFF(max_body), "1048576", 1024,
	  1073741824, "request body bytes at most (413 past it)" },
	{ "max-upload", "ATIP_MAX_UPLOAD", K_LONG, OFF(max_upload), "10485760",
	  1024, 1073741824, "bytes of an uploaded file at most (413 past it)" },
	{ "max-header", "ATIP_MAX_HEADER", K_LONG, OFF(max_header), "16384",
	  1024, 1048576, "request line and header bytes at most (413)" },
	{ "json-depth", "ATIP_JSON_DEPTH", K_LONG, OFF(json_depth), "32", 2,
	  1000, "nesting depth of a JSON body at most" },
	{ "json-string", "ATIP_JSON_STRING", K_LONG, OFF(json_string), "262144",
	  16, 1073741824, "bytes in one JSON string at most" },
	{ "job-workers", "ATIP_JOB_WORKERS", K_LONG, OFF(job_workers), "2", 0,
	  64, "background job threads (0: run no jobs)" },
	{ "shutdown-grace", "ATIP_SHUTDOWN_GRACE", K_LONG, OFF(shutdown_grace),
	  "20", 0, 600, "seconds to finish in-flight requests on SIGTERM" },
	{ "signin-per-ip", "ATIP_SIGNIN_PER_IP", K_LONG, OFF(signin_per_ip),
	  "100", 0, 1000000,
	  "failed sign-ins from one address in 15 minutes (0: no limit)" },
	{ "metrics-local", "ATIP_METRICS_LOCAL", K_BOOL, OFF(metrics_local),
	  "true", 0, 0, "answer /metrics only to loopback clients" },
	{ "json-log", "ATIP_JSON_LOG", K_BOOL, OFF(json_log), "true", 0, 0,
	  "write one JSON log line per request" },
	{ "user", "ATIP_USER", K_STRING, OFF(user), "", 0, 0,
	  "started as root, serve as this user (and its group) once the "
	  "port and files are open" },
	{ "seccomp", "ATIP_SECCOMP", K_BOOL, OFF(seccomp), "on", 0, 0,
	  "confine serving to atip's system calls (off: for debugging)" },
};

enum { NSETTINGS = sizeof(settings) / sizeof(settings[0]) };

static bool
parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") ||
	    !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") ||
		 !strcmp(v, "off"))
		*out = false;
	else
		return false;
	return true;
}

/* Stores v into the field of s; on error writes why (never v) to err. */
static bool
apply(struct config *c, const struct setting *s, const char *v, FILE *err,
      const char *source)
{
	char *field = (char *)c + s->off;
	long long n;

	switch (s->kind) {
	case K_STRING:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return true;
	case K_LONG:
		if (str_to_i64(str_of(v), s->min, s->max, &n)) {
			*(long *)field = (long)n;
			return true;
		}
		fprintf(err,
			"atip: %s: expected a whole number from %ld to %ld\n",
			source, s->min, s->max);
		return false;
	case K_BOOL:
		if (parse_bool(v, (bool *)field))
			return true;
		fprintf(err, "atip: %s: expected true or false\n", source);
		return false;
	case K_LEVEL:
		if (log_parse_level(v, (enum log_level *)field))
			return true;
		fprintf(err, "atip: %s: expected error, warn, info or debug\n",
			source);
		return false;
	}
	return false;
}

void
config_init(struct config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NSETTINGS; i++)
		if (!apply(c, &settings[i], settings[i].def, stderr, "default"))
			abort();
}

void
config_release(struct config *c)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		if (settings[i].kind == K_STRING) {
			char **f = (char **)((char *)c + settings[i].off);

			free(*f);
			*f = NULL;
		}
	}
}

static const struct setting *
find_flag(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].flag) == len &&
		    !memcmp(settings[i].flag, name, len))
			return &settings[i];
	return NULL;
}

/* host:port with a numeric host ("localhost" too) and a port number. */
static bool
valid_listen(const char *v)
{
	const char *colon = strrchr(v, ':');
	unsigned char addr[sizeof(struct in6_addr)];
	char host[INET6_ADDRSTRLEN + 2];
	size_t hlen = colon ? (size_t)(colon - v) : 0;
	long long port;

	if (!colon || hlen == 0 || hlen >= sizeof(host) ||
	    !str_to_i64(str_of(colon + 1), 0, 65535, &port))
		return false;
	memcpy(host, v, hlen);
	host[hlen] = '\0';
	if (host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		return inet_pton(AF_INET6, host + 1, addr) == 1;
	}
	return !strcmp(host, "localhost") ||
	       inet_pton(AF_INET, host, addr) == 1;
}

/* "" or numeric addresses separated by commas. */
static bool
valid_proxies(const char *list)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char one[INET6_ADDRSTRLEN];

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == 0 || n >= sizeof(one))
			return false;
		memcpy(one, list, n);
		one[n] = '\0';
		if (inet_pton(AF_INET, one, bin) != 1 &&
		    inet_pton(AF_INET6, one, bin) != 1)
			return false;
		list += n;
		list += *list == ',';
	}
	return true;
}

static bool
check(const struct config *c, FILE *err)
{
	if (!valid_listen(c->listen)) {
		fprintf(err,
			"atip: ATIP_LISTEN: expected a numeric address and a port, such as 127.0.0.1:8080\n");
		return false;
	}
	if (!*c->data_dir) {
		fprintf(err, "atip: ATIP_DATA_DIR: must not be empty\n");
		return false;
	}
	if (!strncmp(c->db, "postgres", 8) &&
	    strncmp(c->db, "postgresql://", 13) &&
	    strncmp(c->db, "postgres://", 11)) {
		fprintf(err, "atip: ATIP_DB: expected a file path or a "
			     "postgresql:// URI\n");
		return false;
	}
	if (!valid_proxies(c->trusted_proxies)) {
		fprintf(err, "atip: ATIP_TRUSTED_PROXIES: expected numeric "
			     "addresses separated by commas\n");
		return false;
	}
	if (!*c->tls_cert != !*c->tls_key) {
		fprintf(err,
			"atip: ATIP_TLS_CERT and ATIP_TLS_KEY: set both or "
			"neither\n");
		return false;
	}
	return true;
}

bool
config_load(struct config *c, int argc, char **argv, int *rest, FILE *err)
{
	size_t i;
	int a, n = 0;

	for (i = 0; i < NSETTINGS; i++) {
		const char *v = getenv(settings[i].env);

		if (v && !apply(c, &settings[i], v, err, settings[i].env))
			return false;
	}
	for (a = 0; a < argc; a++) {
		const char *arg = argv[a], *eq, *v;
		const struct setting *s;
		char source[64];

		if (strncmp(arg, "--", 2) || !arg[2]) {
			argv[n++] = argv[a];
			continue;
		}
		eq = strchr(arg + 2, '=');
		s = find_flag(arg + 2,
			      eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (!s) {
			argv[n++] = argv[a]; /* the subcommand's own flag */
			continue;
		}
		snprintf(source, sizeof(source), "--%s", s->flag);
		if (eq) {
			v = eq + 1;
		} else if (s->kind == K_BOOL) {
			v = "true";
		} else if (a + 1 < argc) {
			v = argv[++a];
		} else {
			fprintf(err, "atip: %s: missing value\n", source);
			return false;
		}
		if (!apply(c, s, v, err, source))
			return false;
	}
	*rest = n;
	return check(c, err);
}

void
config_help(FILE *out)
{
	size_t i;

	fprintf(out, "Settings (a flag overrides its variable):\n");
	for (i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];

		fprintf(out, "  --%-16s %-20s %s", s->flag, s->env, s->help);
		if (*s->def)
			fprintf(out, " [%s]", s->def);
		fputc('\n', out);
	}
}

char *
config_db_target(const struct config *c)
{
	struct buf b;

	if (*c->db)
		return xstrdup(c->db);
	buf_init(&b, 0);
	buf_printf(&b, "%s/atip.db", c->data_dir);
	return buf_detach(&b, NULL);
}

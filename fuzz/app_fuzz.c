/* The fuzz targets' atip: see app_fuzz.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app_fuzz.h"

#include "app.h"
#include "auth/auth.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"

static const char *const emails[FUZZ_ACTORS] = {
	"platform.admin@demo.invalid",	 "ktm.admin@demo.invalid",
	"ktm.investigator@demo.invalid", "pune.caseworker@demo.invalid",
	"colombo.analyst@demo.invalid",	 "border.viewer@demo.invalid",
};

static const char unknown_id[] = "00000000-0000-4000-8000-000000000000";

/*
 * Where a {param} finds ids: the path segment before it names the kind;
 * $1, when the statement has it, is the id of the param before.
 */
static const struct lookup {
	const char *segment;
	struct db_stmt stmt;
} lookups[] = {
	{ "actions", { "fuzz_actions", "SELECT id FROM actions", 0, 0 } },
	{ "alerts", { "fuzz_alerts", "SELECT id FROM link_alerts", 0, 0 } },
	{ "cases", { "fuzz_cases", "SELECT id FROM cases", 0, 0 } },
	{ "consents",
	  { "fuzz_consents",
	    "SELECT id FROM case_items WHERE case_id = $1 AND kind = 'consent'",
	    0, 0 } },
	{ "events",
	  { "fuzz_events",
	    "SELECT id FROM case_items WHERE case_id = $1 AND kind = 'event'",
	    0, 0 } },
	{ "files", { "fuzz_files", "SELECT id FROM files", 0, 0 } },
	{ "flags",
	  { "fuzz_flags", "SELECT audit_id FROM atip_audit_flags", 0, 0 } },
	{ "followups",
	  { "fuzz_followups",
	    "SELECT id FROM case_items WHERE case_id = $1 AND kind = 'followup'",
	    0, 0 } },
	{ "grants", { "fuzz_grants", "SELECT id FROM orgs", 0, 0 } },
	{ "groups", { "fuzz_groups", "SELECT id FROM sharing_groups", 0, 0 } },
	{ "imports", { "fuzz_imports", "SELECT id FROM case_imports", 0, 0 } },
	{ "indicators",
	  { "fuzz_indicators",
	    "SELECT id FROM intel_indicators WHERE report_id = $1", 0, 0 } },
	{ "locations",
	  { "fuzz_locations", "SELECT id FROM service_locations", 0, 0 } },
	{ "meetings", { "fuzz_meetings", "SELECT id FROM meetings", 0, 0 } },
	{ "members", { "fuzz_members", "SELECT id FROM orgs", 0, 0 } },
	{ "notifications",
	  { "fuzz_notifications", "SELECT id FROM notifications", 0, 0 } },
	{ "orgs", { "fuzz_orgs", "SELECT id FROM orgs", 0, 0 } },
	{ "persons",
	  { "fuzz_persons", "SELECT id FROM case_persons WHERE case_id = $1", 0,
	    0 } },
	{ "plans",
	  { "fuzz_plans",
	    "SELECT id FROM case_items WHERE case_id = $1 AND kind = 'plan'", 0,
	    0 } },
	{ "practices", { "fuzz_practices", "SELECT id FROM practices", 0, 0 } },
	{ "referrals", { "fuzz_referrals", "SELECT id FROM referrals", 0, 0 } },
	{ "reports", { "fuzz_reports", "SELECT id FROM intel_reports", 0, 0 } },
	{ "requests",
	  { "fuzz_requests",
	    "SELECT id FROM intel_requests WHERE report_id = $1", 0, 0 } },
	{ "services", { "fuzz_services", "SELECT id FROM services", 0, 0 } },
	{ "timeline",
	  { "fuzz_timeline",
	    "SELECT id FROM case_items WHERE case_id = $1 AND kind = 'timeline'",
	    0, 0 } },
	{ "tokens", { "fuzz_tokens", "SELECT id FROM api_tokens", 0, 0 } },
	{ "users", { "fuzz_users", "SELECT id FROM users", 0, 0 } },
	{ "webhooks", { "fuzz_webhooks", "SELECT id FROM webhooks", 0, 0 } },
};

static const struct db_stmt revive_user = {
	"fuzz_revive_user",
	"UPDATE users SET status = 'active', role = $2 WHERE email = $1 AND "
	"(status <> 'active' OR role <> $2)",
	0, 0
};
static const struct db_stmt revive_org = {
	"fuzz_revive_org",
	"UPDATE orgs SET status = 'active' WHERE status <> 'active' AND id IN "
	"(SELECT org_id FROM users WHERE email = $1)",
	0, 0
};

static struct {
	struct config config;
	struct app app;
	struct http_server *srv;
	struct sockaddr_in addr;
	char dir[40];
	struct auth_user users[FUZZ_ACTORS];
	char tokens[FUZZ_ACTORS][AUTH_API_TOKEN_LEN];
	char session[AUTH_TOKEN_LEN], csrf[AUTH_TOKEN_LEN];
} fz;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz app: %s\n", what);
	abort();
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
stop(void)
{
	http_server_stop(fz.srv, 1);
	cli_app_close(&fz.app);
	config_release(&fz.config);
	nftw(fz.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Makes sure every demo actor may act as the demo made it: user active
 * with its role, organisation active, API token and session live (new
 * ones when a request revoked or ended them).
 */
static enum db_status
renew(struct db_conn *c, void *arg)
{
	char hash[AUTH_HASH_MAX], id[UUID_STR_LEN];
	struct auth_actor a;
	enum db_status st = DB_OK;
	enum err e = ERR_OK;
	int64_t now = time_now_ms();

	(void)arg;
	for (int i = 0; i < FUZZ_ACTORS && e == ERR_OK; i++) {
		struct db_arg args[] = { db_text(emails[i]),
					 db_text(auth_role_name(
						 fz.users[i].role)) };

		if (fz.tokens[i][0]) {
			st = db_exec(c, &revive_user, args, 2, NULL);
			if (st == DB_OK)
				st = db_exec(c, &revive_org, args, 1, NULL);
			if (st != DB_OK)
				return st;
			if (auth_token_check(c, fz.tokens[i], now, &a) ==
			    ERR_OK)
				continue;
		}
		e = auth_user_for_signin(c, emails[i], &fz.users[i], hash);
		if (e == ERR_OK)
			e = auth_token_create(c, fz.users[i].id, "fuzz", 366,
					      now, id, fz.tokens[i]);
	}
	if (e == ERR_OK &&
	    (!fz.session[0] ||
	     auth_session_check(c, fz.session, now, &a) != ERR_OK))
		e = auth_session_create(c, fz.users[3].id, now, false,
					fz.session, fz.csrf);
	return db_status_of(e);
}

/* `atip demo` into the data directory, its passwords printed nowhere. */
static void
demo(void)
{
	int out = dup(STDOUT_FILENO);
	FILE *null = fopen("/dev/null", "w");
	int rc;

	fflush(stdout);
	if (out < 0 || !null || dup2(fileno(null), STDOUT_FILENO) < 0)
		die("no /dev/null");
	rc = cmd_demo(&fz.config, 0, NULL);
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	fclose(null);
	if (rc != 0)
		die("atip demo failed");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Starts atip once, before libFuzzer's first input. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *url;
	int rest = 0;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	snprintf(fz.dir, sizeof(fz.dir), "/tmp/atip-fuzz-app-XXXXXX");
	if (!mkdtemp(fz.dir))
		die("no temporary directory");
	setenv("ATIP_DATA_DIR", fz.dir, 1);
	setenv("ATIP_LISTEN", "127.0.0.1:0", 1);
	setenv("ATIP_LOG", "error", 1);
	setenv("ATIP_THREADS", "2", 1);
	/* So that X-Forwarded-For and -Proto are read, not ignored. */
	setenv("ATIP_TRUSTED_PROXIES", "127.0.0.1", 1);
	unsetenv("ATIP_DB");
	config_init(&fz.config);
	if (!config_load(&fz.config, 0, NULL, &rest, stderr))
		die("bad settings");
	log_set_level(LOG_ERROR);
	demo();
	if (!cli_app_open(&fz.app, &fz.config))
		die("could not open the data directory");
	fuzz_app_renew();
	fz.srv = cli_app_listen(&fz.app, &fz.config);
	if (!fz.srv)
		die("could not serve");
	url = http_server_url(fz.srv); /* http://127.0.0.1:port */
	fz.addr.sin_family = AF_INET;
	fz.addr.sin_port =
		htons((uint16_t)strtoul(strrchr(url, ':') + 1, NULL, 10));
	fz.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	atexit(stop);
	return 0;
}

struct app *
fuzz_app(void)
{
	return &fz.app;
}

const struct http_route *
fuzz_app_route(unsigned pick, bool (*fits)(const struct http_route *))
{
	size_t n = 0, k;

	for (size_t i = 0; i < app_nroutes; i++)
		n += !fits || fits(&app_routes[i]);
	k = pick % n;
	for (size_t i = 0; i < app_nroutes; i++)
		if ((!fits || fits(&app_routes[i])) && k-- == 0)
			return &app_routes[i];
	return NULL;
}

const char *
fuzz_app_token(unsigned i)
{
	return fz.tokens[i % FUZZ_ACTORS];
}

const char *
fuzz_app_session(const char **csrf)
{
	*csrf = fz.csrf;
	return fz.session;
}

size_t
fuzz_app_expand(const uint8_t *in, size_t n, unsigned actor, const char *drop,
		char *out, size_t cap)
{
	size_t used = 0;

	for (size_t i = 0; i < n && used + 1 < cap; i++) {
		const char *put = NULL;

		if (in[i] == '@' && i + 1 < n) {
			put = in[i + 1] == 'T'	 ? fuzz_app_token(actor)
			      : in[i + 1] == 'S' ? fz.session
			      : in[i + 1] == 'C' ? fz.csrf
						 : NULL;
		}
		if (put && used + strlen(put) + 1 < cap) {
			memcpy(out + used, put, strlen(put));
			used += strlen(put);
			i++;
		} else if (!in[i] || strchr(drop, in[i])) {
			out[used++] = ' ';
		} else {
			out[used++] = (char)in[i];
		}
	}
	out[used] = '\0';
	return used;
}

/*
 * True when s is in p[0..n).  Not memmem(): libFuzzer watches memmem's
 * arguments and would learn the credentials into its inputs (and so into
 * the corpus).
 */
static bool
holds(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; k && i + k <= n; i++) {
		size_t j = 0;

		while (j < k && p[i + j] == s[j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

bool
fuzz_app_has_session(const char *req, size_t len)
{
	return holds(req, len, fz.session);
}

bool
fuzz_app_credentialed(const char *req, size_t len)
{
	if (holds(req, len, fz.session))
		return true;
	for (int i = 0; i < FUZZ_ACTORS; i++)
		if (holds(req, len, fz.tokens[i]))
			return true;
	return false;
}

static const struct lookup *
lookup_of(const char *segment, size_t len)
{
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++)
		if (strlen(lookups[i].segment) == len &&
		    !memcmp(lookups[i].segment, segment, len))
			return &lookups[i];
	return NULL;
}

/* An id of the kind segment names, under parent; unknown_id if none. */
static const char *
pick_id(struct arena *a, const char *segment, size_t len, const char *parent,
	unsigned *pick)
{
	const struct lookup *l = lookup_of(segment, len);
	struct db_conn *c;
	const char **ids = NULL;
	const char *id = unknown_id;
	struct db_arg arg = db_text(parent);
	size_t n = 0;

	if (!l)
		return id;
	c = db_acquire(fz.app.db);
	if (!c)
		die("no database connection");
	if (db_texts(c, &l->stmt, &arg, strstr(l->stmt.sql, "$1") ? 1 : 0, a,
		     &ids, &n) == DB_OK &&
	    n > 0) {
		id = arena_strdup(a, ids[*pick % n]);
		*pick /= (unsigned)n;
	}
	db_release(c);
	return id;
}

const char *
fuzz_app_path(const char *pattern, unsigned pick, char *out, size_t cap)
{
	const char *p = pattern, *seg = "", *parent = unknown_id;
	struct arena a;
	size_t seglen = 0, used = 0;

	arena_init(&a);
	while (*p && used + 40 < cap) {
		const char *end = strchr(p + 1, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (p[1] == '{') {
			parent = pick_id(&a, seg, seglen, parent, &pick);
			used += (size_t)snprintf(out + used, cap - used, "/%s",
						 parent);
		} else {
			memcpy(out + used, p, len);
			used += len;
			seg = p + 1;
			seglen = len - 1;
		}
		p += len;
	}
	out[used] = '\0';
	arena_release(&a);
	return out;
}

/* After an interrupted connect(): waits for it to finish; true if it did. */
static bool
connected(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int e = 0, n;

	while ((n = poll(&p, 1, 20000)) < 0 && errno == EINTR)
		;
	return n == 1 && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) &&
	       e == 0;
}

void
fuzz_app_exchange(const void *req, size_t len, struct fuzz_answer *a)
{
	struct timeval tv = { 20, 0 };
	struct linger lg = { 1, 0 }; /* reset: no TIME_WAIT pile-up */
	const char *p = req, *end, *h;
	char sink[4096];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a->len = 0;
	a->status = 0;
	a->type[0] = '\0';
	a->chunked = false;
	a->body = NULL;
	a->body_len = 0;
	if (fd < 0)
		die("no socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	/* libFuzzer's SIGALRM (-timeout) interrupts calls: retried. */
	a->error = 0;
	if (connect(fd, (struct sockaddr *)&fz.addr, sizeof(fz.addr)) == 0 ||
	    (errno == EINTR && connected(fd))) {
		while (len > 0) {
			n = send(fd, p, len, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			p += n;
			len -= (size_t)n;
		}
		if (len > 0)
			a->error = errno;
		for (;;) {
			bool room = a->len < sizeof(a->raw) - 1;

			n = recv(fd, room ? a->raw + a->len : sink,
				 room ? sizeof(a->raw) - 1 - a->len
				      : sizeof(sink),
				 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			a->len += room ? (size_t)n : 0;
		}
		if (n < 0)
			a->error = errno;
	} else {
		a->error = errno;
	}
	close(fd);
	a->raw[a->len] = '\0';
	if (a->len < 12 || memcmp(a->raw, "HTTP/1.", 7))
		return;
	a->status = (unsigned)strtoul(a->raw + 9, NULL, 10);
	end = strstr(a->raw, "\r\n\r\n");
	if (!end)
		return;
	for (h = strstr(a->raw, "\r\n"); h && h < end;
	     h = strstr(h + 2, "\r\n")) {
		if (!strncasecmp(h + 2, "Content-Type: ", 14))
			snprintf(a->type, sizeof(a->type), "%.*s",
				 (int)strcspn(h + 16, ";\r"), h + 16);
		else if (!strncasecmp(h + 2, "Transfer-Encoding: chunked", 26))
			a->chunked = true;
	}
	a->body = end + 4;
	a->body_len = a->len - (size_t)(a->body - a->raw);
	if (getenv("FUZZ_APP_TRACE"))
		fprintf(stderr, "%u %.*s\n\t%.*s\n", a->status,
			(int)strcspn((const char *)req, "\r"),
			(const char *)req,
			(int)(a->body_len < 300 ? a->body_len : 300), a->body);
}

void
fuzz_app_fail(const char *why, const void *req, size_t len,
	      const struct fuzz_answer *a)
{
	fprintf(stderr,
		"fuzz app: %s (%s)\n--- request:\n%.*s\n--- answer:\n%.*s\n",
		why, a->error ? strerror(a->error) : "no socket error",
		(int)(len < 4096 ? len : 4096), (const char *)req,
		(int)(a->len < 4096 ? a->len : 4096), a->raw);
	abort();
}

void
fuzz_app_check(const void *req, size_t len, const struct fuzz_answer *a)
{
	json_t *v, *status;
	bool problem = !strcmp(a->type, "application/problem+json");

	if (a->status == 0)
		fuzz_app_fail("no answer", req, len, a);
	if (a->status >= 500 && a->status != 503)
		fuzz_app_fail("a server error", req, len, a);
	if (!a->type[0] && (a->status == 400 || a->status == 413 ||
			    a->status == 414 || a->status == 431))
		return; /* libmicrohttpd's own refusal: atip never saw it */
	if (a->status >= 400 && !problem)
		fuzz_app_fail("an error that is not problem+json", req, len, a);
	if (a->chunked || a->len >= sizeof(a->raw) - 1 ||
	    (!problem && strcmp(a->type, "application/json")))
		return;
	v = json_loadb(a->body, a->body_len, 0, NULL);
	if (!v)
		fuzz_app_fail("JSON that does not parse", req, len, a);
	status = json_object_get(v, "status");
	if (problem && (!json_is_integer(status) ||
			json_integer_value(status) != (json_int_t)a->status ||
			!json_is_string(json_object_get(v, "title"))))
		fuzz_app_fail("a problem without its status and title", req,
			      len, a);
	json_decref(v);
}

void
fuzz_app_renew(void)
{
	if (db_tx(fz.app.db, renew, NULL) != DB_OK)
		die("could not renew the demo actors");
}

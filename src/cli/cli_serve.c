/* `atip serve`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "notify/notify.h"
#include "audit/audit.h"
#include "auth/auth_http.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "ops/ops_sandbox.h"

static void
http_settings_of(const struct config *c, struct http_settings *s)
{
	*s = (struct http_settings){
		.listen = c->listen,
		.web_dir = c->web_dir,
		.tls_cert = c->tls_cert,
		.tls_key = c->tls_key,
		.threads = (unsigned)c->threads,
		.max_connections = (unsigned)c->max_connections,
		.max_per_ip = (unsigned)c->max_per_ip,
		.timeout = (unsigned)c->timeout,
		.max_body = (size_t)c->max_body,
		.max_upload = (size_t)c->max_upload,
		.max_header = (size_t)c->max_header,
		.json_depth = (size_t)c->json_depth,
		.json_string = (size_t)c->json_string,
		.metrics_local = c->metrics_local,
		.json_log = c->json_log,
		.trusted_proxies = c->trusted_proxies,
	};
}

void
cli_app_close(struct app *app)
{
	char err[512];

	jobs_free(app->jobs);
	if (audit_checkpoint(app->db, app_keyring(app), app->checkpoints, err,
			     sizeof(err)) != DB_OK)
		log_msg(LOG_ERROR, "audit checkpoint: %s", err);
	db_close(app->db);
	crypto_keyring_close(app->keyring);
	for (int i = 0; i < app->nretired; i++)
		crypto_keyring_close(app->retired[i]);
	free(app->checkpoints);
	free(app->openapi);
}

static void
jobs_metrics(struct buf *out, void *arg)
{
	struct app *app = arg;
	uint64_t done, retried, failed;

	jobs_counts(app->jobs, &done, &retried, &failed);
	buf_printf(out,
		   "# HELP atip_jobs_total Background jobs by outcome.\n"
		   "# TYPE atip_jobs_total counter\n"
		   "atip_jobs_total{outcome=\"done\"} %llu\n"
		   "atip_jobs_total{outcome=\"retried\"} %llu\n"
		   "atip_jobs_total{outcome=\"failed\"} %llu\n",
		   (unsigned long long)done, (unsigned long long)retried,
		   (unsigned long long)failed);
}

/* Who owns uid, for messages: a name, or the number. */
static const char *
owner_name(uid_t uid, char *out, size_t len)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		snprintf(out, len, "%s", pw.pw_name);
	else
		snprintf(out, len, "uid %u", (unsigned)uid);
	return out;
}

/*
 * path (never followed when a link) must belong to u, or be missing when
 * may_miss; otherwise says how to fix it.
 */
static bool
owned_by(const char *path, const struct ops_user *u, bool may_miss,
	 const char *fix)
{
	struct stat st;
	char who[64];

	if (lstat(path, &st)) {
		if (errno == ENOENT && may_miss)
			return true;
		fprintf(stderr, "atip: ATIP_USER: cannot check %s: %s\n", path,
			strerror(errno));
		return false;
	}
	if (st.st_uid == u->uid)
		return true;
	fprintf(stderr,
		"atip: ATIP_USER: %s belongs to %s, not to %s, whom atip "
		"serves as and who writes there; run: chown -R %s: %s\n",
		path, owner_name(st.st_uid, who, sizeof(who)), u->name, u->name,
		fix);
	return false;
}

/*
 * The data directory (made when missing) and all it holds must belong
 * to u: atip writes there after giving up root (checkpoints, spreadsheet
 * temporaries, database connections opened later).
 */
static bool
data_dir_owned(const struct config *c, const struct ops_user *u)
{
	struct dirent *e;
	struct stat st;
	bool ok = true;
	DIR *d;
	int fd;

	if (mkdir(c->data_dir, 0700) == 0) {
		fd = open(c->data_dir,
			  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchown(fd, u->uid, u->gid)) {
			fprintf(stderr,
				"atip: ATIP_DATA_DIR: cannot give %s "
				"to %s: %s\n",
				c->data_dir, u->name, strerror(errno));
			if (fd >= 0)
				close(fd);
			return false;
		}
		close(fd);
	}
	if (stat(c->data_dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "atip: ATIP_DATA_DIR: %s is not a directory\n",
			c->data_dir);
		return false;
	}
	if (st.st_uid != u->uid)
		return owned_by(c->data_dir, u, false, c->data_dir);
	d = opendir(c->data_dir);
	if (!d) {
		fprintf(stderr, "atip: ATIP_DATA_DIR: cannot read %s: %s\n",
			c->data_dir, strerror(errno));
		return false;
	}
	while (ok && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue; /* gone meanwhile */
		if (st.st_uid != u->uid) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/%s", c->data_dir,
				 e->d_name);
			ok = owned_by(path, u, true, c->data_dir);
		}
	}
	closedir(d);
	return ok;
}

/* An SQLite file outside the data directory, its WAL and its folder. */
static bool
sqlite_owned(const struct config *c, const struct ops_user *u)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char *target = config_db_target(c), *slash, path[PATH_MAX];
	bool ok = true;
	size_t i;

	if (!strncmp(target, "postgres", 8)) {
		free(target);
		return true;
	}
	for (i = 0; ok && i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", target, suffix[i]);
		ok = owned_by(path, u, true, target);
	}
	/* SQLite makes its WAL beside the database. */
	slash = strrchr(target, '/');
	snprintf(path, sizeof(path), "%.*s", slash ? (int)(slash - target) : 1,
		 slash ? target : ".");
	if (ok && *path)
		ok = owned_by(path, u, false, path);
	free(target);
	return ok;
}

/*
 * Decides who serves.  Sets *drop (and u) when atip runs as root with
 * ATIP_USER set, after checking that u owns what it will write; false
 * (after saying why) when atip must not start.
 */
static bool
choose_user(const struct config *c, struct ops_user *u, bool *drop)
{
	char err[256];

	*drop = false;
	if (!*c->user) {
		if (geteuid() == 0)
			log_msg(LOG_WARN,
				"serving as root: set ATIP_USER (--user) to "
				"an unprivileged user atip should serve as");
		return true;
	}
	if (!ops_user_find(c->user, u, err, sizeof(err))) {
		fprintf(stderr, "atip: %s\n", err);
		return false;
	}
	if (geteuid() != 0) {
		if (u->uid == geteuid() && u->uid == getuid())
			return true; /* already that user */
		fprintf(stderr,
			"atip: ATIP_USER=%s: only root can become another "
			"user, and atip runs as uid %u; start it as root or "
			"as %s, or unset ATIP_USER\n",
			u->name, (unsigned)geteuid(), u->name);
		return false;
	}
	if (u->uid == 0 || u->gid == 0) {
		fprintf(stderr,
			"atip: ATIP_USER=%s: give an unprivileged user, not "
			"root or a member of group root\n",
			u->name);
		return false;
	}
	if (!data_dir_owned(c, u) || !sqlite_owned(c, u))
		return false;
	/* libpq reads ~/.pgpass, as u it must be u's. */
	setenv("HOME", u->home, 1);
	*drop = true;
	return true;
}

/*
 * Whether u, whose effective ids these are, reaches the data directory
 * (each folder above it must let u through) and reads the web UI.
 */
static bool
reachable(const struct config *c, const struct ops_user *u)
{
	if (faccessat(AT_FDCWD, c->data_dir, R_OK | W_OK | X_OK, AT_EACCESS)) {
		fprintf(stderr,
			"atip: ATIP_USER: %s cannot use %s (%s): every folder "
			"above it must let %s through\n",
			u->name, c->data_dir, strerror(errno), u->name);
		return false;
	}
	if (*c->web_dir &&
	    faccessat(AT_FDCWD, c->web_dir, R_OK | X_OK, AT_EACCESS))
		log_msg(LOG_WARN,
			"ATIP_WEB_DIR: %s cannot read %s: the web UI will "
			"not be served",
			u->name, c->web_dir);
	return true;
}

/* The seccomp filter, unless turned off or under a sanitizer. */
static bool
sandbox(const struct config *c)
{
	char err[256];

	if (!c->seccomp) {
		log_msg(LOG_WARN, "seccomp filter off (ATIP_SECCOMP)");
		return true;
	}
	if (OPS_SANITIZED) {
		log_msg(LOG_INFO, "seccomp filter off: sanitizer build");
		return true;
	}
	if (!ops_sandbox_enter(err, sizeof(err))) {
		fprintf(stderr,
			"atip: %s (a sandbox around atip must allow the "
			"seccomp system call, as deploy/atip.service does; "
			"ATIP_SECCOMP=off serves without the filter)\n",
			err);
		return false;
	}
	return true;
}

/*
 * Opens the database and the keyring, as u when dropping (so that what
 * they create is u's, and PostgreSQL sees u), and prepares the jobs.
 */
static bool
app_open(struct app *app, const struct config *c, const struct ops_user *u,
	 bool drop)
{
	char err[256];
	json_t *doc;

	if (drop && !ops_user_enter(u, err, sizeof(err))) {
		fprintf(stderr, "atip: %s\n", err);
		return false;
	}
	if (drop && !reachable(c, u)) {
		ops_user_leave(err, sizeof(err));
		return false;
	}
	app->db = cli_open_db(c);
	app->keyring = app->db ? cli_keyring(c, true) : NULL;
	if (drop && !ops_user_leave(err, sizeof(err))) {
		fprintf(stderr, "atip: %s\n", err);
		exit(1); /* half root: never go on */
	}
	if (!app->keyring) {
		db_close(app->db);
		return false;
	}
	app->data_dir = c->data_dir;
	app->signin_per_ip = c->signin_per_ip;
	app->checkpoints = cli_checkpoints_path(c);
	doc = http_openapi(app_routes, app_nroutes, atip_version);
	app->openapi = json_dumps(doc, JSON_COMPACT);
	app->openapi_len = strlen(app->openapi);
	json_decref(doc);
	app->jobs = jobs_new(app->db, app_jobs, app_njobs, app);
	if (jobs_schedule_periodic(app->jobs, time_now_ms()) != DB_OK)
		log_msg(LOG_WARN, "could not schedule periodic jobs");
	return true;
}

bool
cli_app_open(struct app *app, const struct config *c)
{
	return app_open(app, c, NULL, false);
}

struct http_server *
cli_app_listen(struct app *app, const struct config *c)
{
	struct http_settings hs;
	struct http_server *srv;
	char err[256];

	http_settings_of(c, &hs);
	srv = http_server_start(&hs, app_routes, app_nroutes, app->db, app, err,
				sizeof(err));
	if (!srv) {
		fprintf(stderr, "atip: %s\n", err);
		return NULL;
	}
	http_server_set_metrics_hook(srv, jobs_metrics);
	http_server_set_auth(srv, auth_authenticate);
	return srv;
}

int
cmd_serve(struct config *c, int argc, char **argv)
{
	struct app app = { 0 };
	struct http_server *srv;
	struct ops_user user;
	bool drop;
	sigset_t set;
	char err[256];
	int sig = 0;

	(void)argc;
	(void)argv;
	/* Every thread inherits this mask; only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!notify_webhook_allow(c->webhook_allow, err, sizeof(err))) {
		fprintf(stderr, "atip: %s\n", err);
		return 2;
	}
	if (!choose_user(c, &user, &drop))
		return 1;
	if (!notify_init()) {
		fprintf(stderr, "atip: libcurl could not start\n");
		return 1;
	}
	if (!app_open(&app, c, &user, drop))
		return 1;
	/* As root still: a port below 1024, a TLS key only root reads. */
	srv = cli_app_listen(&app, c);
	if (!srv) {
		cli_app_close(&app);
		return 1;
	}
	if (drop && !ops_user_drop(&user, err, sizeof(err))) {
		fprintf(stderr, "atip: %s\n", err);
		exit(1); /* maybe half root: no clean-up as root */
	}
	if (drop)
		log_msg(LOG_INFO, "serving as %s (uid %u, gid %u)", user.name,
			(unsigned)user.uid, (unsigned)user.gid);
	if (!sandbox(c)) {
		http_server_stop(srv, 0);
		cli_app_close(&app);
		return 1;
	}
	jobs_start(app.jobs, (int)c->job_workers);
	log_msg(LOG_INFO, "serving on %s (database: %s)", http_server_url(srv),
		db_engine(app.db) == DB_PG ? "PostgreSQL" : "SQLite");
	printf("atip %s is serving on %s\n", atip_version,
	       http_server_url(srv));
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	log_msg(LOG_INFO, "signal %d: finishing in-flight requests", sig);
	http_server_stop(srv, (unsigned)c->shutdown_grace);
	cli_app_close(&app);
	log_msg(LOG_INFO, "stopped");
	return 0;
}

/*
 * atip: args -> config -> open db -> migrate -> bind -> serve.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "base/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"

#ifndef ATIP_VERSION
#define ATIP_VERSION "0.1.0"
#endif

const char atip_version[] = ATIP_VERSION;

enum { EXIT_USAGE = 2 };

struct command {
	const char *name;
	int (*run)(struct config *c);
	const char *summary;
	const char *help;
};

/* Creates the data directory (mode 0700) if it does not exist. */
static int
ensure_data_dir(const struct config *c)
{
	struct stat st;

	if (mkdir(c->data_dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "atip: ATIP_DATA_DIR: cannot create %s: %s\n",
			c->data_dir, strerror(errno));
		return -1;
	}
	if (stat(c->data_dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "atip: ATIP_DATA_DIR: %s is not a directory\n",
			c->data_dir);
		return -1;
	}
	if (st.st_mode & 077)
		log_msg(LOG_WARN,
			"data directory %s is readable by others; "
			"chmod 700 it",
			c->data_dir);
	return 0;
}

/* Opens and migrates the database; NULL (after saying why) on failure. */
static struct db *
open_db(const struct config *c)
{
	char *target, err[256];
	struct db_migration *list;
	struct db *db;
	size_t n;

	if (ensure_data_dir(c))
		return NULL;
	target = config_db_target(c);
	db = db_open(target, err, sizeof(err));
	free(target);
	if (!db) {
		fprintf(stderr, "atip: ATIP_DB: %s\n", err);
		return NULL;
	}
	list = app_migrations(&n);
	if (db_migrate(db, list, n, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "atip: migrate: %s\n", err);
		free(list);
		db_close(db);
		return NULL;
	}
	free(list);
	return db;
}

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
		.max_header = (size_t)c->max_header,
		.json_depth = (size_t)c->json_depth,
		.json_string = (size_t)c->json_string,
		.metrics_local = c->metrics_local,
		.json_log = c->json_log,
	};
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

static int
cmd_serve(struct config *c)
{
	struct app app = { 0 };
	struct http_settings hs;
	struct http_server *srv;
	sigset_t set;
	char err[256];
	json_t *doc;
	int sig = 0;

	/* Every thread inherits this mask; only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	app.db = open_db(c);
	if (!app.db)
		return 1;
	doc = http_openapi(app_routes, app_nroutes, atip_version);
	app.openapi = json_dumps(doc, JSON_COMPACT);
	app.openapi_len = strlen(app.openapi);
	json_decref(doc);
	app.jobs = jobs_new(app.db, app_jobs, app_njobs);
	if (jobs_schedule_periodic(app.jobs, time_now_ms()) != DB_OK)
		log_msg(LOG_WARN, "could not schedule periodic jobs");
	jobs_start(app.jobs, (int)c->job_workers);
	http_settings_of(c, &hs);
	srv = http_server_start(&hs, app_routes, app_nroutes, app.db, &app, err,
				sizeof(err));
	if (!srv) {
		fprintf(stderr, "atip: %s\n", err);
		jobs_free(app.jobs);
		db_close(app.db);
		free(app.openapi);
		return 1;
	}
	http_server_set_metrics_hook(srv, jobs_metrics);
	log_msg(LOG_INFO, "serving on %s (database: %s)", http_server_url(srv),
		db_engine(app.db) == DB_PG ? "PostgreSQL" : "SQLite");
	printf("atip %s is serving on %s\n", atip_version,
	       http_server_url(srv));
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	log_msg(LOG_INFO, "signal %d: finishing in-flight requests", sig);
	http_server_stop(srv, (unsigned)c->shutdown_grace);
	jobs_free(app.jobs);
	db_close(app.db);
	free(app.openapi);
	log_msg(LOG_INFO, "stopped");
	return 0;
}

static int
cmd_migrate(struct config *c)
{
	struct db *db = open_db(c);

	if (!db)
		return 1;
	db_close(db);
	printf("the database is up to date\n");
	return 0;
}

static int
cmd_init(struct config *c)
{
	struct db *db = open_db(c);

	if (!db)
		return 1;
	db_close(db);
	printf("initialised %s: database ready, no accounts yet\n",
	       c->data_dir);
	return 0;
}

static enum db_status
mark_demo(struct db_conn *conn, void *arg)
{
	int *already = arg;
	char *v = NULL;
	enum db_status st = db_meta_get(conn, "demo", &v);

	*already = v != NULL;
	free(v);
	if (st != DB_OK || *already)
		return st;
	return db_meta_set(conn, "demo",
			   "fictional demonstration data; not for real cases");
}

static int
cmd_demo(struct config *c)
{
	struct db *db = open_db(c);
	int already = 0;

	if (!db)
		return 1;
	if (db_tx(db, mark_demo, &already) != DB_OK) {
		fprintf(stderr, "atip: demo: could not write the demo data\n");
		db_close(db);
		return 1;
	}
	db_close(db);
	if (already) {
		printf("the database already holds the demo data\n");
		return 0;
	}
	printf("demo data written (all of it fictional).\n"
	       "Demo accounts: none yet; sign-in arrives with the trust core.\n");
	return 0;
}

static int
cmd_version(struct config *c)
{
	(void)c;
	printf("atip %s\n", atip_version);
	return 0;
}

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve the API and web UI",
	  "Creates the data directory and database when missing, applies "
	  "migrations,\nruns background jobs and serves HTTP until SIGTERM or "
	  "SIGINT, when it\nfinishes in-flight requests and exits 0.\n" },
	{ "init", cmd_init, "prepare the data directory and database",
	  "Creates the data directory (mode 0700) and the database, and "
	  "applies\nmigrations.  Accounts are added once the trust core "
	  "exists.\n" },
	{ "migrate", cmd_migrate, "apply database migrations",
	  "Applies the numbered migrations this atip knows and the database "
	  "lacks.\nRefuses a database migrated by a newer atip.\n" },
	{ "demo", cmd_demo, "fill an empty database with fictional demo data",
	  "Writes clearly fictional demonstration data into an empty database "
	  "and\nprints the demo accounts.  Running it again changes nothing.\n" },
	{ "version", cmd_version, "print the version",
	  "Prints atip's version.\n" },
};

enum { NCOMMANDS = sizeof(commands) / sizeof(commands[0]) };

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: atip <command> [settings]\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'atip <command> --help' describes a command and its "
		     "settings.\n");
}

static bool
wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct config c;
	int rest, rc;
	size_t i;

	umask(077);
	if (argc < 2 || !strcmp(argv[1], "help") ||
	    !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(NULL);
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "atip: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (wants_help(argc - 2, argv + 2)) {
		printf("usage: atip %s [settings]\n\n%s\n", cmd->name,
		       cmd->help);
		config_help(stdout);
		return 0;
	}
	config_init(&c);
	if (!config_load(&c, argc - 2, argv + 2, &rest, stderr)) {
		config_release(&c);
		return EXIT_USAGE;
	}
	if (rest > 0) {
		fprintf(stderr, "atip %s: unexpected argument '%s'\n",
			cmd->name, argv[2]);
		config_release(&c);
		return EXIT_USAGE;
	}
	log_set_level(c.log_level);
	rc = cmd->run(&c);
	config_release(&c);
	return rc;
}

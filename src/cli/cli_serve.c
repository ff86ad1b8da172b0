/* `atip serve`. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "notify/notify.h"
#include "audit/audit.h"
#include "auth/auth_http.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"

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

/* Stops the jobs, signs the audit heads one last time, closes all. */
static void
app_release(struct app *app)
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

int
cmd_serve(struct config *c, int argc, char **argv)
{
	struct app app = { 0 };
	struct http_settings hs;
	struct http_server *srv;
	sigset_t set;
	char err[256];
	json_t *doc;
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
	if (!notify_init()) {
		fprintf(stderr, "atip: libcurl could not start\n");
		return 1;
	}
	app.db = cli_open_db(c);
	if (!app.db)
		return 1;
	app.data_dir = c->data_dir;
	app.signin_per_ip = c->signin_per_ip;
	app.keyring = cli_keyring(c, true);
	if (!app.keyring) {
		db_close(app.db);
		return 1;
	}
	app.checkpoints = cli_checkpoints_path(c);
	doc = http_openapi(app_routes, app_nroutes, atip_version);
	app.openapi = json_dumps(doc, JSON_COMPACT);
	app.openapi_len = strlen(app.openapi);
	json_decref(doc);
	app.jobs = jobs_new(app.db, app_jobs, app_njobs, &app);
	if (jobs_schedule_periodic(app.jobs, time_now_ms()) != DB_OK)
		log_msg(LOG_WARN, "could not schedule periodic jobs");
	jobs_start(app.jobs, (int)c->job_workers);
	http_settings_of(c, &hs);
	srv = http_server_start(&hs, app_routes, app_nroutes, app.db, &app, err,
				sizeof(err));
	if (!srv) {
		fprintf(stderr, "atip: %s\n", err);
		app_release(&app);
		return 1;
	}
	http_server_set_metrics_hook(srv, jobs_metrics);
	http_server_set_auth(srv, auth_authenticate);
	log_msg(LOG_INFO, "serving on %s (database: %s)", http_server_url(srv),
		db_engine(app.db) == DB_PG ? "PostgreSQL" : "SQLite");
	printf("atip %s is serving on %s\n", atip_version,
	       http_server_url(srv));
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	log_msg(LOG_INFO, "signal %d: finishing in-flight requests", sig);
	http_server_stop(srv, (unsigned)c->shutdown_grace);
	app_release(&app);
	log_msg(LOG_INFO, "stopped");
	return 0;
}

/*
 * atip: args -> config -> open db -> migrate -> bind -> serve.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/iso.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "orgs/orgs.h"

#ifndef ATIP_VERSION
#define ATIP_VERSION "0.1.0"
#endif

const char atip_version[] = ATIP_VERSION;

enum { EXIT_USAGE = 2 };

/* A command; args is the synopsis of its own arguments, NULL for none. */
struct command {
	const char *name;
	int (*run)(struct config *c, int argc, char **argv);
	const char *summary;
	const char *help;
	const char *args;
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
cmd_migrate(struct config *c, int argc, char **argv)
{
	struct db *db = open_db(c);

	(void)argc;
	(void)argv;
	if (!db)
		return 1;
	db_close(db);
	printf("the database is up to date\n");
	return 0;
}

static int
cmd_init(struct config *c, int argc, char **argv)
{
	struct db *db = open_db(c);

	(void)argc;
	(void)argv;
	if (!db)
		return 1;
	db_close(db);
	printf("initialised %s: database ready, no accounts yet\n",
	       c->data_dir);
	return 0;
}

/* Says that ISO 3166 data is missing; false then. */
static bool
iso_ready(void)
{
	char err[PATH_MAX + 200];

	if (iso_load(err, sizeof(err)))
		return true;
	fprintf(stderr, "atip: %s\n", err);
	return false;
}

/* The demo organisations: fictional, and named so. */
static const struct org_input demo_orgs[] = {
	{ "Demo Anti-Trafficking Unit, Kathmandu (fictional)",
	  "law_enforcement", "NP", "NP-P3" },
	{ "Demo Safe Home Shelter, Pune (fictional)", "shelter", "IN",
	  "IN-MH" },
	{ "Demo Rights Collective, Colombo (fictional)", "civil_society", "LK",
	  "LK-1" },
	{ "Demo Border Force Unit (fictional)", "border_force", "BD", NULL },
};

enum { NDEMO_ORGS = sizeof(demo_orgs) / sizeof(demo_orgs[0]) };

struct demo {
	enum err e;
	bool already;
	struct org orgs[NDEMO_ORGS];
	int norgs;
};

static enum db_status
write_demo(struct db_conn *conn, void *arg)
{
	struct demo *d = arg;
	char *v = NULL;
	enum db_status st = db_meta_get(conn, "demo", &v);
	int i;

	d->already = v != NULL;
	d->norgs = 0;
	free(v);
	if (st != DB_OK || d->already)
		return st;
	st = db_meta_set(conn, "demo",
			 "fictional demonstration data; not for real cases");
	if (st != DB_OK)
		return st;
	for (i = 0; i < NDEMO_ORGS; i++) {
		d->e = orgs_create(conn, &demo_orgs[i], &d->orgs[d->norgs]);
		if (d->e == ERR_CONFLICT) /* someone made one by hand */
			continue;
		if (d->e != ERR_OK)
			return db_status_of(d->e);
		d->norgs++;
	}
	d->e = ERR_OK;
	return DB_OK;
}

/* One organisation as `atip org list` and `atip demo` print it. */
static void
print_org(const struct org *o)
{
	printf("%s\t%s\t%s\t%s\t%s\n", o->id, o->country,
	       orgs_type_name(o->type), orgs_status_name(o->status), o->name);
}

static int
cmd_demo(struct config *c, int argc, char **argv)
{
	struct demo d = { 0 };
	struct db *db;
	enum err e;
	int i;

	(void)argc;
	(void)argv;
	if (!iso_ready())
		return 1;
	db = open_db(c);
	if (!db)
		return 1;
	e = db_tx_err(db, write_demo, &d, &d.e);
	db_close(db);
	if (e != ERR_OK) {
		fprintf(stderr, "atip: demo: could not write the demo data\n");
		return 1;
	}
	if (d.already) {
		printf("the database already holds the demo data\n");
		return 0;
	}
	printf("demo data written (all of it fictional).\n"
	       "Demo organisations (id, country, type, status, name):\n");
	for (i = 0; i < d.norgs; i++)
		print_org(&d.orgs[i]);
	printf("Demo accounts: none yet; sign-in arrives with the trust core.\n");
	return 0;
}

/* A --flag of a command's own, and where its value goes. */
struct opt {
	const char *flag; /* without the leading "--" */
	const char **value;
};

/*
 * Reads `--flag value` and `--flag=value` pairs from argv[0..argc) into
 * opts; a usage error (said on stderr) for anything else.
 */
static bool
parse_opts(const char *what, int argc, char **argv, struct opt *opts,
	   size_t nopts)
{
	int a;
	size_t i;

	for (a = 0; a < argc; a++) {
		const char *arg = argv[a], *eq, *v;
		size_t len;

		if (strncmp(arg, "--", 2) || !arg[2]) {
			fprintf(stderr, "atip %s: unexpected argument '%s'\n",
				what, arg);
			return false;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		for (i = 0; i < nopts; i++)
			if (strlen(opts[i].flag) == len &&
			    !memcmp(opts[i].flag, arg + 2, len))
				break;
		if (i == nopts) {
			fprintf(stderr, "atip %s: unknown flag '%.*s'\n", what,
				(int)len + 2, arg);
			return false;
		}
		if (*opts[i].value) {
			fprintf(stderr, "atip %s: --%s given twice\n", what,
				opts[i].flag);
			return false;
		}
		if (eq) {
			v = eq + 1;
		} else if (a + 1 < argc) {
			v = argv[++a];
		} else {
			fprintf(stderr, "atip %s: --%s: missing value\n", what,
				opts[i].flag);
			return false;
		}
		*opts[i].value = v;
	}
	return true;
}

struct org_add {
	const struct org_input *in;
	struct org org;
	enum err e;
};

static enum db_status
org_add_tx(struct db_conn *conn, void *arg)
{
	struct org_add *a = arg;

	a->e = orgs_create(conn, a->in, &a->org);
	return db_status_of(a->e);
}

static int
org_add(struct config *c, int argc, char **argv)
{
	struct org_input in = { 0 };
	struct opt opts[] = {
		{ "name", &in.name },
		{ "type", &in.type },
		{ "country", &in.country },
		{ "subdivision", &in.subdivision },
	};
	struct org_add add = { .in = &in };
	struct org_errors errs;
	struct db *db;
	enum err e;
	int i;

	if (!parse_opts("org add", argc, argv, opts, 4))
		return EXIT_USAGE;
	if (!iso_ready())
		return 1;
	if (orgs_validate(&in, &errs) != ERR_OK) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "atip org add: %s: %s\n",
				errs.v[i].field, errs.v[i].message);
		return errs.n > 0 ? EXIT_USAGE : 1;
	}
	db = open_db(c);
	if (!db)
		return 1;
	e = db_tx_err(db, org_add_tx, &add, &add.e);
	db_close(db);
	if (e == ERR_CONFLICT) {
		fprintf(stderr,
			"atip org add: name: %s already has an organisation "
			"of this name\n",
			iso_country_name(add.org.country));
		return 1;
	}
	if (e != ERR_OK) {
		fprintf(stderr, "atip org add: could not write the "
				"organisation to the database\n");
		return 1;
	}
	printf("%s\n", add.org.id);
	return 0;
}

struct org_page_tx {
	const char *cursor;
	const struct orgs_filter *filter;
	struct arena *arena;
	struct org_page page;
	enum err e;
};

static enum db_status
org_list_tx(struct db_conn *conn, void *arg)
{
	struct org_page_tx *p = arg;

	arena_clear(p->arena);
	p->e = orgs_list(conn, p->cursor, ORGS_LIST_MAX, p->filter, p->arena,
			 &p->page);
	return db_status_of(p->e);
}

/* True when s is a country code in either case ("np"). */
static bool
country_arg(const char *s)
{
	char cc[ISO_COUNTRY_LEN + 1];
	size_t i;

	if (strlen(s) != ISO_COUNTRY_LEN)
		return false;
	for (i = 0; i <= ISO_COUNTRY_LEN; i++)
		cc[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
	return iso_country_valid(cc);
}

static int
org_list(struct config *c, int argc, char **argv)
{
	struct orgs_filter f = { 0 };
	struct opt opts[] = {
		{ "country", &f.country },
		{ "type", &f.type },
		{ "status", &f.status },
	};
	char cursor[UUID_STR_LEN] = "";
	struct org_page_tx p = { .cursor = cursor, .filter = &f };
	struct arena arena;
	enum org_type type;
	enum org_status status;
	struct db *db;
	enum err e;
	size_t i;

	if (!parse_opts("org list", argc, argv, opts, 3))
		return EXIT_USAGE;
	if (f.type && !orgs_type_parse(f.type, &type)) {
		fprintf(stderr, "atip org list: --type: not a type of "
				"organisation (see atip org --help)\n");
		return EXIT_USAGE;
	}
	if (f.status && !orgs_status_parse(f.status, &status)) {
		fprintf(stderr, "atip org list: --status: expected active or "
				"suspended\n");
		return EXIT_USAGE;
	}
	if (!iso_ready())
		return 1;
	if (f.country && !country_arg(f.country)) {
		fprintf(stderr, "atip org list: --country: not an ISO 3166-1 "
				"country code\n");
		return EXIT_USAGE;
	}
	db = open_db(c);
	if (!db)
		return 1;
	arena_init(&arena);
	p.arena = &arena;
	/* A page per transaction: output is never repeated by a retry. */
	do {
		e = db_tx_err(db, org_list_tx, &p, &p.e);
		if (e != ERR_OK)
			break;
		for (i = 0; i < p.page.n; i++)
			print_org(&p.page.items[i]);
		memcpy(cursor, p.page.next_cursor, sizeof(cursor));
	} while (cursor[0]);
	arena_release(&arena);
	db_close(db);
	if (e != ERR_OK) {
		fprintf(stderr, "atip org list: could not read the database\n");
		return 1;
	}
	return 0;
}

static int
cmd_org(struct config *c, int argc, char **argv)
{
	if (argc > 0 && !strcmp(argv[0], "add"))
		return org_add(c, argc - 1, argv + 1);
	if (argc > 0 && !strcmp(argv[0], "list"))
		return org_list(c, argc - 1, argv + 1);
	fprintf(stderr, "atip org: expected add or list (atip org --help)\n");
	return EXIT_USAGE;
}

static int
cmd_version(struct config *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	printf("atip %s\n", atip_version);
	return 0;
}

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve the API and web UI",
	  "Creates the data directory and database when missing, applies "
	  "migrations,\nruns background jobs and serves HTTP until SIGTERM or "
	  "SIGINT, when it\nfinishes in-flight requests and exits 0.\n",
	  NULL },
	{ "init", cmd_init, "prepare the data directory and database",
	  "Creates the data directory (mode 0700) and the database, and "
	  "applies\nmigrations.  Accounts are added once the trust core "
	  "exists.\n",
	  NULL },
	{ "migrate", cmd_migrate, "apply database migrations",
	  "Applies the numbered migrations this atip knows and the database "
	  "lacks.\nRefuses a database migrated by a newer atip.\n",
	  NULL },
	{ "demo", cmd_demo, "fill an empty database with fictional demo data",
	  "Writes clearly fictional demonstration data into an empty database "
	  "(for\nnow member organisations in Nepal, India, Sri Lanka and "
	  "Bangladesh) and\nprints it with the demo accounts.  Running it "
	  "again changes nothing.\n",
	  NULL },
	{ "org", cmd_org, "add and list member organisations",
	  "atip org add --name NAME --type TYPE --country CC [--subdivision CODE]\n"
	  "  adds an organisation and prints its id.  NAME: 1 to 200 "
	  "characters;\n  TYPE: government, law_enforcement, border_force, "
	  "judiciary,\n  prosecution, civil_society, shelter, "
	  "international_organisation,\n  academic or private_sector; CC: "
	  "ISO 3166-1 alpha-2 country code (NP);\n  CODE: ISO 3166-2 "
	  "subdivision of that country (NP-P3).  Invalid input is\n  "
	  "reported one line per field and exits 2; a name the country "
	  "already has\n  exits 1.\n"
	  "atip org list [--country CC] [--type TYPE] [--status STATUS]\n"
	  "  prints one line per organisation, oldest first, tab-separated:"
	  "\n  id, country, type, status (active or suspended), name.\n"
	  "Country codes come from Debian's iso-codes data in "
	  "ATIP_ISO_CODES_DIR\n(default " ISO_DEFAULT_DIR ").\n",
	  "add|list [options] " },
	{ "version", cmd_version, "print the version",
	  "Prints atip's version.\n", NULL },
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
		return cmd_version(NULL, 0, NULL);
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "atip: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (wants_help(argc - 2, argv + 2)) {
		printf("usage: atip %s %s[settings]\n\n%s\n", cmd->name,
		       cmd->args ? cmd->args : "", cmd->help);
		config_help(stdout);
		return 0;
	}
	config_init(&c);
	if (!config_load(&c, argc - 2, argv + 2, &rest, stderr)) {
		config_release(&c);
		return EXIT_USAGE;
	}
	if (rest > 0 && !cmd->args) {
		fprintf(stderr, "atip %s: unexpected argument '%s'\n",
			cmd->name, argv[2]);
		config_release(&c);
		return EXIT_USAGE;
	}
	log_set_level(c.log_level);
	rc = cmd->run(&c, rest, argv + 2);
	config_release(&c);
	return rc;
}

/* `atip init`, `atip migrate` and `atip demo`. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int
cmd_migrate(struct config *c, int argc, char **argv)
{
	struct db *db = cli_open_db(c);

	(void)argc;
	(void)argv;
	if (!db)
		return 1;
	db_close(db);
	printf("the database is up to date\n");
	return 0;
}

int
cmd_init(struct config *c, int argc, char **argv)
{
	struct db *db = cli_open_db(c);

	(void)argc;
	(void)argv;
	if (!db)
		return 1;
	db_close(db);
	printf("initialised %s: database ready, no accounts yet\n",
	       c->data_dir);
	return 0;
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

int
cmd_demo(struct config *c, int argc, char **argv)
{
	struct demo d = { 0 };
	struct db *db;
	enum err e;
	int i;

	(void)argc;
	(void)argv;
	if (!cli_iso_ready())
		return 1;
	db = cli_open_db(c);
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
		cli_print_org(&d.orgs[i]);
	printf("Demo accounts: none yet; sign-in arrives with the trust core.\n");
	return 0;
}

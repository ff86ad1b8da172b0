/* `atip migrate` and `atip demo`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "intel/intel.h"
#include "linkage/link_watch.h"

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

/* The demo organisations: fictional, and named so. */
static const struct org_input demo_orgs[] = {
	{ "Demo Anti-Trafficking Unit, Kathmandu (fictional)",
	  "law_enforcement", "NP", "NP-P3" },
	{ "Demo Safe Home Shelter, Pune (fictional)", "shelter", "IN",
	  "IN-MH" },
	{ "Demo Rights Collective, Colombo (fictional)", "civil_society", "LK",
	  "LK-1" },
	{ "Demo Border Force Unit (fictional)", "border_force", "BD", NULL },
	{ "Demo Platform Secretariat (fictional)", "international_organisation",
	  "NP", NULL },
};

/* The demo accounts: one per role, in the organisation at org. */
static const struct {
	int org;
	const char *role;
	const char *email;
	const char *name;
} demo_users[] = {
	{ 4, "platform_admin", "platform.admin@demo.invalid",
	  "Demo Platform Admin (fictional)" },
	{ 0, "org_admin", "ktm.admin@demo.invalid",
	  "Demo Unit Admin (fictional)" },
	{ 0, "investigator", "ktm.investigator@demo.invalid",
	  "Demo Investigator (fictional)" },
	{ 1, "case_worker", "pune.caseworker@demo.invalid",
	  "Demo Case Worker (fictional)" },
	{ 2, "analyst", "colombo.analyst@demo.invalid",
	  "Demo Analyst (fictional)" },
	{ 3, "viewer", "border.viewer@demo.invalid",
	  "Demo Viewer (fictional)" },
};

enum { NDEMO_USERS = sizeof(demo_users) / sizeof(demo_users[0]) };

enum { NDEMO_ORGS = sizeof(demo_orgs) / sizeof(demo_orgs[0]) };

struct demo {
	enum err e;
	bool accounts_only;
	bool already;
	struct org orgs[NDEMO_ORGS];
	int norgs;
	const struct crypto_keyring *kr;
	char passwords[NDEMO_USERS][24];
	char *totp[NDEMO_USERS]; /* base32 secrets, to print once */
	char hashes[NDEMO_USERS][AUTH_HASH_MAX];
	char user_ids[NDEMO_USERS][UUID_STR_LEN];
	int nusers, made; /* printed; made now */
};

/* Random passwords for the demo accounts, hashed before the transaction. */
static bool
demo_passwords(struct demo *d)
{
	for (int i = 0; i < NDEMO_USERS; i++) {
		unsigned char raw[12];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(d->passwords[i], sizeof(d->passwords[i]), raw,
				  sizeof(raw),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if (!auth_password_hash(d->passwords[i],
					strlen(d->passwords[i]), d->hashes[i]))
			return false;
	}
	return true;
}

static enum err
demo_users_create(struct db_conn *conn, struct demo *d)
{
	struct auth_errors errs;
	struct auth_user u;
	enum err e;

	d->nusers = 0;
	if (d->norgs != NDEMO_ORGS)
		return ERR_OK; /* organisations made by hand: no demo accounts */
	for (int i = 0; i < NDEMO_USERS; i++) {
		struct auth_user_input in = { d->orgs[demo_users[i].org].id,
					      demo_users[i].email,
					      demo_users[i].name,
					      demo_users[i].role,
					      NULL,
					      0 };

		e = cli_user_create(conn, &in, d->hashes[i], &u, &errs);
		if (e == ERR_CONFLICT)
			continue;
		if (e == ERR_OK)
			e = auth_totp_enrol_now(conn, d->kr, u.id, &d->totp[i]);
		if (e != ERR_OK)
			return e;
		memcpy(d->user_ids[i], u.id, UUID_STR_LEN);
		d->nusers = i + 1;
		d->made++;
	}
	return ERR_OK;
}

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
	d->e = demo_users_create(conn, d);
	/* The workspace needs every demo account. */
	if (d->e == ERR_OK && d->made == NDEMO_USERS && !d->accounts_only) {
		const char *ids[NDEMO_USERS];

		for (i = 0; i < NDEMO_USERS; i++)
			ids[i] = d->user_ids[i];
		d->e = cli_demo_coord(conn, d->orgs, ids);
		if (d->e == ERR_OK)
			d->e = cli_demo_cases(conn, d->kr, d->orgs, ids);
		if (d->e == ERR_OK)
			d->e = cli_demo_services(conn, d->orgs);
		if (d->e == ERR_OK)
			d->e = cli_demo_intel(conn, d->kr, d->orgs, ids);
	}
	return db_status_of(d->e);
}

int
cmd_demo(struct config *c, int argc, char **argv)
{
	struct demo d = { 0 };
	const char *only = NULL;
	struct cli_opt opts[] = { { "only", &only } };
	struct crypto_keyring *kr;
	struct db *db;
	enum err e;
	int i;

	if (!cli_opts("demo", argc, argv, opts, 1) ||
	    (only && strcmp(only, "accounts"))) {
		fprintf(stderr, "usage: atip demo [--only accounts]\n");
		return EXIT_USAGE;
	}
	d.accounts_only = only != NULL;
	if (!cli_iso_ready() || !crypto_init() || !demo_passwords(&d))
		return 1;
	db = cli_open_db(c);
	if (!db)
		return 1;
	kr = cli_keyring(c, true);
	if (!kr) {
		db_close(db);
		return 1;
	}
	d.kr = kr;
	e = db_tx_err(db, write_demo, &d, &d.e);
	/* The watch matches the demo's victims now rather than at the first
	 * minute of atip serve. */
	if (e == ERR_OK && !d.already && !d.accounts_only)
		e = link_watch_run(db, kr, &(long long){ 0 },
				   &(long long){ 0 });
	/* And intel knows the demo's perpetrators at once too. */
	if (e == ERR_OK && !d.already && !d.accounts_only)
		e = intel_cases_index(db, kr, &(long long){ 0 });
	crypto_keyring_close(kr);
	db_close(db);
	sodium_memzero(d.hashes, sizeof(d.hashes));
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
	printf("Demo accounts (email, role, password, TOTP secret in base32 "
	       "for an authenticator app):\n");
	for (i = 0; i < d.nusers; i++)
		printf("%s\t%s\t%s\t%s\n", demo_users[i].email,
		       demo_users[i].role, d.passwords[i],
		       d.totp[i] ? d.totp[i] : "-");
	for (i = 0; i < NDEMO_USERS; i++)
		free(d.totp[i]);
	return 0;
}

/* `atip user add`, `atip init --admin-email`, and the password prompt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "cli/cli.h"

char *
cli_read_password(const char *env, size_t *len)
{
	const char *given = getenv(env);
	struct termios old, quiet;
	char line[4 * AUTH_PASSWORD_MAX + 2];
	FILE *tty;
	char *pw;

	if (given) {
		*len = strlen(given);
		return strdup(given);
	}
	tty = fopen("/dev/tty", "r+");
	if (!tty) {
		fprintf(stderr,
			"atip: no terminal to ask for the password: set "
			"%s\n",
			env);
		return NULL;
	}
	fprintf(tty, "Password (at least %d characters): ", AUTH_PASSWORD_MIN);
	fflush(tty);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	pw = fgets(line, sizeof(line), tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (!pw)
		return NULL;
	*len = strcspn(line, "\r\n");
	pw = strndup(line, *len);
	sodium_memzero(line, sizeof(line));
	return pw;
}

void
cli_free_password(char *pw, size_t len)
{
	if (pw) {
		sodium_memzero(pw, len);
		free(pw);
	}
}

void
cli_print_errors(const char *what, const struct auth_errors *errs)
{
	for (int i = 0; i < errs->n; i++)
		fprintf(stderr, "atip %s: %s: %s\n", what, errs->v[i].field,
			errs->v[i].message);
}

enum err
cli_user_create(struct db_conn *c, const struct auth_user_input *in,
		const char *hash, struct auth_user *out,
		struct auth_errors *errs)
{
	struct audit_event ev = { .chain = in->org_id,
				  .action = "user.create",
				  .record_kind = "user",
				  .outcome = "ok" };
	enum err e = auth_user_create(c, in, hash, out, errs);

	if (e != ERR_OK)
		return e;
	ev.record_id = out->id;
	return audit_append(c, &ev) == DB_OK ? ERR_OK : ERR_UNAVAILABLE;
}

struct add {
	const struct auth_user_input *in;
	const char *hash;
	struct auth_user user;
	struct auth_errors errs;
	bool first;	      /* only on a database without users */
	struct org_input org; /* when not NULL name: create this org first */
	struct org made;
	enum err e;
};

static enum db_status
add_tx(struct db_conn *c, void *arg)
{
	struct add *a = arg;
	struct auth_user_input in = *a->in;
	long long n;

	if (a->first) {
		a->e = auth_users_count(c, &n);
		if (a->e == ERR_OK && n > 0)
			a->e = ERR_CONFLICT;
		if (a->e != ERR_OK)
			return db_status_of(a->e);
	}
	if (a->org.name) {
		a->e = orgs_create(c, &a->org, &a->made);
		if (a->e != ERR_OK)
			return db_status_of(a->e);
		in.org_id = a->made.id;
	}
	a->e = cli_user_create(c, &in, a->hash, &a->user, &a->errs);
	return db_status_of(a->e);
}

/* Asks for the password, checks and hashes it, and adds the user. */
static int
add_user(struct config *c, const char *what, struct add *a,
	 struct auth_user_input *in, const char *env)
{
	char hash[AUTH_HASH_MAX];
	struct db *db;
	enum err e;

	in->password = cli_read_password(env, &in->password_len);
	if (!in->password)
		return 1;
	e = auth_user_prepare(in, hash, &a->errs);
	cli_free_password((char *)in->password, in->password_len);
	in->password = NULL;
	if (e != ERR_OK) {
		cli_print_errors(what, &a->errs);
		return e == ERR_INVALID ? EXIT_USAGE : 1;
	}
	db = cli_open_db(c);
	if (!db)
		return 1;
	a->in = in;
	a->hash = hash;
	e = db_tx_err(db, add_tx, a, &a->e);
	db_close(db);
	sodium_memzero(hash, sizeof(hash));
	if (e == ERR_CONFLICT && a->first) {
		fprintf(stderr,
			"atip %s: the database has accounts already: "
			"use atip user add\n",
			what);
		return 1;
	}
	if (e != ERR_OK) {
		if (a->errs.n)
			cli_print_errors(what, &a->errs);
		else
			fprintf(stderr, "atip %s: could not add the user\n",
				what);
		return e == ERR_INVALID ? EXIT_USAGE : 1;
	}
	return 0;
}

static int user_reset(struct config *c, int argc, char **argv);

int
cmd_user(struct config *c, int argc, char **argv)
{
	const char *org = NULL, *email = NULL, *role = NULL, *name = NULL;
	struct cli_opt opts[] = { { "org", &org },
				  { "email", &email },
				  { "role", &role },
				  { "name", &name } };
	struct auth_user_input in = { 0 };
	struct add a = { 0 };
	int rc;

	if (argc >= 1 && !strcmp(argv[0], "reset"))
		return user_reset(c, argc - 1, argv + 1);
	if (argc < 1 || strcmp(argv[0], "add") ||
	    !cli_opts("user add", argc - 1, argv + 1, opts, 4) || !org ||
	    !email || !role) {
		fprintf(stderr, "usage: atip user add --org ORG_ID --email E "
				"--role ROLE [--name NAME]\n");
		return EXIT_USAGE;
	}
	in = (struct auth_user_input){ org,  email, name ? name : email,
				       role, NULL,  0 };
	rc = add_user(c, "user add", &a, &in, "ATIP_USER_PASSWORD");
	if (rc == 0)
		printf("%s\n", a.user.id);
	return rc;
}

/* Creates the keyring (and, via the database, the data directory). */
static int
init_dir(struct config *c)
{
	struct crypto_keyring *kr;
	struct db *db = cli_open_db(c); /* makes the data directory too */

	if (!db)
		return 1;
	db_close(db);
	kr = cli_keyring(c, true);
	if (!kr)
		return 1;
	crypto_keyring_close(kr);
	return 0;
}

int
cmd_init(struct config *c, int argc, char **argv)
{
	const char *email = NULL, *org = NULL, *country = NULL, *name = NULL;
	struct cli_opt opts[] = { { "admin-email", &email },
				  { "org", &org },
				  { "country", &country },
				  { "name", &name } };
	struct auth_user_input in = { 0 };
	struct add a = { .first = true };
	struct org_errors errs;
	int rc;

	if (!cli_opts("init", argc, argv, opts, 4))
		return EXIT_USAGE;
	if (!email && (org || country || name)) {
		fprintf(stderr,
			"atip init: --org, --country and --name go with "
			"--admin-email\n");
		return EXIT_USAGE;
	}
	if (email && !org == !country) {
		fprintf(stderr, "atip init: give --org ORG_ID, or --country CC "
				"to create the platform secretariat\n");
		return EXIT_USAGE;
	}
	if (!email) {
		rc = init_dir(c);
		if (rc == 0)
			printf("initialised %s: keyring and database ready\n",
			       c->data_dir);
		return rc;
	}
	if (!org) {
		a.org = (struct org_input){ "Platform secretariat",
					    "international_organisation",
					    country, NULL };
		if (!cli_iso_ready())
			return 1;
		if (orgs_validate(&a.org, &errs) != ERR_OK) {
			for (int i = 0; i < errs.n; i++)
				fprintf(stderr, "atip init: %s: %s\n",
					errs.v[i].field, errs.v[i].message);
			return EXIT_USAGE;
		}
	}
	in = (struct auth_user_input){
		org, email, name ? name : email, "platform_admin", NULL, 0
	};
	/* The password is checked before anything is written. */
	rc = add_user(c, "init", &a, &in, "ATIP_INIT_PASSWORD");
	if (rc == 0)
		rc = init_dir(c);
	if (rc == 0)
		printf("platform admin %s added (user %s, organisation %s)\n",
		       a.user.email, a.user.id, a.user.org_id);
	return rc;
}

struct reset {
	const char *email;
	const char *hash;
	bool totp;
	struct auth_user user;
	enum err e;
};

static enum db_status
reset_tx(struct db_conn *c, void *arg)
{
	struct reset *r = arg;
	char hash[AUTH_HASH_MAX];
	struct audit_event ev = { .action = "user.reset",
				  .record_kind = "user",
				  .outcome = "ok" };

	r->e = auth_user_for_signin(c, r->email, &r->user, hash);
	if (r->e == ERR_OK)
		r->e = auth_user_reset(c, r->user.id, r->hash, r->totp);
	if (r->e != ERR_OK)
		return db_status_of(r->e);
	ev.chain = r->user.org_id;
	ev.record_id = r->user.id;
	return audit_append(c, &ev);
}

/* `atip user reset`: the operator's way back in for any account. */
static int
user_reset(struct config *c, int argc, char **argv)
{
	const char *email = NULL, *what = NULL;
	struct cli_opt opts[] = { { "email", &email }, { "what", &what } };
	struct reset r = { 0 };
	char hash[AUTH_HASH_MAX];
	bool password;
	const char *why;
	struct db *db;
	size_t len = 0;
	char *pw;
	enum err e;

	if (!cli_opts("user reset", argc, argv, opts, 2) || !email || !what ||
	    (strcmp(what, "password") && strcmp(what, "totp") &&
	     strcmp(what, "both"))) {
		fprintf(stderr, "usage: atip user reset --email E --what "
				"password|totp|both\n");
		return EXIT_USAGE;
	}
	password = strcmp(what, "totp") != 0;
	r.totp = strcmp(what, "password") != 0;
	r.email = email;
	if (password) {
		pw = cli_read_password("ATIP_USER_PASSWORD", &len);
		if (!pw)
			return 1;
		why = auth_password_check(pw, len, false);
		if (!why && !auth_password_hash(pw, len, hash))
			why = "could not be hashed";
		cli_free_password(pw, len);
		if (why) {
			fprintf(stderr, "atip user reset: password: %s\n", why);
			return EXIT_USAGE;
		}
		r.hash = hash;
	}
	db = cli_open_db(c);
	if (!db)
		return 1;
	e = db_tx_err(db, reset_tx, &r, &r.e);
	db_close(db);
	if (e != ERR_OK) {
		fprintf(stderr, "atip user reset: %s\n",
			e == ERR_NOT_FOUND ? "email: no active account"
					   : "could not reset the user");
		return 1;
	}
	printf("reset %s (%s); their sessions have ended\n", r.user.email,
	       what);
	return 0;
}

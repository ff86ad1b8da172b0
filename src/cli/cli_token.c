/* `atip token create`: an API token for an integration, printed once. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "cli/cli.h"

struct make {
	const char *email, *name;
	int days;
	struct auth_user user;
	char id[UUID_STR_LEN], token[AUTH_API_TOKEN_LEN];
	enum err e;
};

static enum db_status
make_tx(struct db_conn *c, void *arg)
{
	struct make *m = arg;
	char hash[AUTH_HASH_MAX];
	struct audit_event ev = { .action = "token.create",
				  .record_kind = "token",
				  .outcome = "ok" };

	m->e = auth_user_for_signin(c, m->email, &m->user, hash);
	if (m->e == ERR_OK)
		m->e = auth_token_create(c, m->user.id, m->name, m->days,
					 time_now_ms(), m->id, m->token);
	if (m->e != ERR_OK)
		return db_status_of(m->e);
	ev.chain = m->user.org_id;
	ev.record_id = m->id;
	return audit_append(c, &ev);
}

int
cmd_token(struct config *c, int argc, char **argv)
{
	const char *email = NULL, *days_s = NULL, *name = NULL;
	struct cli_opt opts[] = { { "email", &email },
				  { "days", &days_s },
				  { "name", &name } };
	struct make m = { 0 };
	long long days = 90;
	struct db *db;
	enum err e;

	if (argc < 1 || strcmp(argv[0], "create") ||
	    !cli_opts("token create", argc - 1, argv + 1, opts, 3) || !email ||
	    (days_s &&
	     !str_to_i64(str_of(days_s), 1, AUTH_TOKEN_DAYS_MAX, &days))) {
		fprintf(stderr,
			"usage: atip token create --email E [--days 1-366] "
			"[--name NAME]\n");
		return EXIT_USAGE;
	}
	m.email = email;
	m.name = name ? name : "command line";
	m.days = (int)days;
	db = cli_open_db(c);
	if (!db)
		return 1;
	e = db_tx_err(db, make_tx, &m, &m.e);
	db_close(db);
	if (e == ERR_NOT_FOUND) {
		fprintf(stderr,
			"atip token create: email: no active account\n");
		return 1;
	}
	if (e != ERR_OK) {
		fprintf(stderr,
			"atip token create: could not make the token\n");
		return 1;
	}
	printf("%s\n", m.token);
	fprintf(stderr, "token %s for %s, valid %lld days; it is shown once\n",
		m.id, m.user.email, days);
	sodium_memzero(m.token, sizeof(m.token));
	return 0;
}

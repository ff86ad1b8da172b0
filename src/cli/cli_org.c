/* `atip org add` and `atip org list`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "cli/cli.h"

/* One organisation as `atip org list` and `atip demo` print it. */
void
cli_print_org(const struct org *o)
{
	printf("%s\t%s\t%s\t%s\t%s\n", o->id, o->country,
	       orgs_type_name(o->type), orgs_status_name(o->status), o->name);
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
	struct cli_opt opts[] = {
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

	if (!cli_opts("org add", argc, argv, opts, 4))
		return EXIT_USAGE;
	if (!cli_iso_ready())
		return 1;
	if (orgs_validate(&in, &errs) != ERR_OK) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "atip org add: %s: %s\n",
				errs.v[i].field, errs.v[i].message);
		return errs.n > 0 ? EXIT_USAGE : 1;
	}
	db = cli_open_db(c);
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
	struct cli_opt opts[] = {
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

	if (!cli_opts("org list", argc, argv, opts, 3))
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
	if (!cli_iso_ready())
		return 1;
	if (f.country && !country_arg(f.country)) {
		fprintf(stderr, "atip org list: --country: not an ISO 3166-1 "
				"country code\n");
		return EXIT_USAGE;
	}
	db = cli_open_db(c);
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
			cli_print_org(&p.page.items[i]);
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

int
cmd_org(struct config *c, int argc, char **argv)
{
	if (argc > 0 && !strcmp(argv[0], "add"))
		return org_add(c, argc - 1, argv + 1);
	if (argc > 0 && !strcmp(argv[0], "list"))
		return org_list(c, argc - 1, argv + 1);
	fprintf(stderr, "atip org: expected add or list (atip org --help)\n");
	return EXIT_USAGE;
}

/*
 * atip: args -> config -> open db -> migrate -> bind -> serve.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "base/config.h"
#include "base/log.h"
#include "cli/cli.h"

/* A command; args is the synopsis of its own arguments, NULL for none. */
struct command {
	const char *name;
	int (*run)(struct config *c, int argc, char **argv);
	const char *summary;
	const char *help;
	const char *args;
};

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
	{ "init", cmd_init, "prepare the data directory; add the first admin",
	  "atip init [--admin-email E (--org ORG_ID | --country CC) [--name N]]\n"
	  "  creates the data directory (mode 0700), the keyring and the "
	  "database.\n  With --admin-email, adds the first platform_admin, "
	  "in organisation\n  ORG_ID or in a new \"Platform secretariat\" of "
	  "country CC; the password\n  comes from ATIP_INIT_PASSWORD or the "
	  "terminal.  Refused once any\n  account exists.\n",
	  "[options]" },
	{ "migrate", cmd_migrate, "apply database migrations",
	  "Applies the numbered migrations this atip knows and the database "
	  "lacks.\nRefuses a database migrated by a newer atip.\n",
	  NULL },
	{ "demo", cmd_demo, "fill an empty database with fictional demo data",
	  "Writes clearly fictional demonstration data into an empty database "
	  "(member\norganisations in Nepal, India, Sri Lanka and Bangladesh, "
	  "a platform\nsecretariat, and one account per role with a random "
	  "password) and prints\nit, with a living coordination workspace: "
	  "member profiles, a regional\nforum whose decisions became joint "
	  "actions, good practices, a discussion.\n--only accounts writes "
	  "the organisations and accounts alone (for tests\nthat start from "
	  "an empty workspace).  Running it again changes nothing.\n",
	  "[--only accounts]" },
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
	  "add|list [options]" },
	{ "user", cmd_user, "add users",
	  "atip user add --org ORG_ID --email E --role ROLE [--name N]\n"
	  "  adds a user and prints its id.  ROLE: platform_admin, org_admin,\n"
	  "  case_worker, investigator, analyst or viewer.  The password "
	  "(at least\n  15 characters, not a common one) comes from "
	  "ATIP_USER_PASSWORD or the\n  terminal.\n"
	  "atip user reset --email E --what password|totp|both\n"
	  "  gives the account a new password (ATIP_USER_PASSWORD or the "
	  "terminal)\n  and/or removes its second factor; ends its "
	  "sessions.\n",
	  "add|reset [options]" },
	{ "token", cmd_token, "make API tokens",
	  "atip token create --email E [--days N] [--name NAME]\n"
	  "  makes an API token for the user E (Authorization: Bearer), valid N "
	  "days\n  (1 to 366, default 90), and prints it once on stdout.\n",
	  "create [options]" },
	{ "audit", cmd_audit, "verify the audit trail",
	  "atip audit verify\n"
	  "  checks every audit chain (sequence, links, hashes) and every "
	  "signed\n  checkpoint in ATIP_DATA_DIR/audit-checkpoints; prints "
	  "ok, or BROKEN and\n  the first place it breaks (exit 1).\n",
	  "verify" },
	{ "keys", cmd_keys, "rotate the keyring",
	  "atip keys rotate\n"
	  "  adds a new root key to ATIP_DATA_DIR/keyring and makes it "
	  "primary; data\n  keys wrapped by older keys stay readable.\n",
	  "rotate" },
	{ "backup", cmd_backup, "back the database up (never the keyring)",
	  "atip backup --out FILE\n"
	  "  writes a consistent copy of the database to FILE (mode 0600), "
	  "also while\n  atip serve runs: SQLite through its online backup "
	  "API, PostgreSQL\n  (ATIP_DB a postgresql:// URI) with pg_dump "
	  "--format=custom.  FILE is\n  written beside itself and renamed "
	  "once whole.  The keyring\n  (ATIP_DATA_DIR/keyring) is never in "
	  "it, and without it the personal data\n  in the backup cannot be "
	  "read: back the keyring up separately and store\n  it apart.  "
	  "Exit 1 with a reason when the backup fails.\n",
	  "--out FILE" },
	{ "restore", cmd_restore, "restore a backup into an empty database",
	  "atip restore --from FILE [--force]\n"
	  "  restores a backup made by atip backup into the configured "
	  "database, then\n  applies this atip's migrations (an older "
	  "backup works with a newer atip).\n  SQLite: FILE must be an "
	  "SQLite database of atip; it is copied with the\n  backup API. "
	  " PostgreSQL: FILE must be a pg_dump archive of atip; pg_restore\n"
	  "  loads it in one transaction.  Refused (exit 1) when the "
	  "database already\n  holds tables, unless --force, which replaces "
	  "them (stop atip serve first).\n  The keyring of the installation "
	  "the backup came from must be put in\n  ATIP_DATA_DIR/keyring; "
	  "restore warns when there is none.\n",
	  "--from FILE [--force]" },
	{ "link", cmd_link, "link two files of persons without their names",
	  "atip link [--schema S.json] [--threshold T] [--key-file F] A.csv "
	  "B.csv\n"
	  "  encodes each record of A and B as a CLK (a Bloom filter of its "
	  "fields,\n  keyed hashing) and prints one CSV row a_id,b_id,score "
	  "per predicted\n  match, one-to-one, best first.  The first column "
	  "is the record id;\n  without --schema the built-in person schema "
	  "reads the columns given_name,\n  surname, father_name, "
	  "date_of_birth, birth_year, gender, home_district,\n  "
	  "home_country, phone, street_number, address_1, address_2, "
	  "suburb,\n  postcode and state (atip link --show-schema prints "
	  "it).  Names in\n  Devanagari, Bengali, Tamil or Sinhala are "
	  "transliterated and romanisation\n  variants folded first.  T: "
	  "the Dice threshold (default: the schema's,\n  0.75).  Without "
	  "--key-file a random key is made for the run; with it\n  the key "
	  "derives from the secret in F, so that two parties can encode\n  "
	  "apart.  UTF-8 CSV with a header; bad rows are reported on stderr "
	  "and\n  skipped.  Needs no data directory.\n"
	  "atip link --dedupe [options] A.csv\n"
	  "  prints the pairs of records of A that are likely the same "
	  "person.\n",
	  "[options] A.csv [B.csv]" },
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
		printf("usage: atip %s %s%s[settings]\n\n%s\n", cmd->name,
		       cmd->args ? cmd->args : "", cmd->args ? " " : "",
		       cmd->help);
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

/*
 * The command line: what every `atip` command shares, and the commands.
 * Like main.c and routes.c, this folder knows every module.
 */
#ifndef ATIP_CLI_CLI_H
#define ATIP_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "db/db.h"
#include "orgs/orgs.h"

enum { EXIT_USAGE = 2 };

/* A --flag of a command's own, and where its value goes. */
struct cli_opt {
	const char *flag; /* without the leading "--" */
	const char **value;
};

/*
 * Reads `--flag value` and `--flag=value` pairs from argv[0..argc) into
 * opts; a usage error (said on stderr) for anything else.
 */
bool cli_opts(const char *what, int argc, char **argv, struct cli_opt *opts,
	      size_t nopts);

/*
 * Creates the data directory if needed, opens the database and applies
 * the migrations; NULL (after saying why on stderr) on failure.
 */
struct db *cli_open_db(const struct config *c);

/* Loads the ISO 3166 data; false (after saying why) when it is missing. */
bool cli_iso_ready(void);

/* One organisation as `atip org list` and `atip demo` print it. */
void cli_print_org(const struct org *o);

/* The commands; each gets the arguments left after the settings. */
int cmd_serve(struct config *c, int argc, char **argv);
int cmd_init(struct config *c, int argc, char **argv);
int cmd_migrate(struct config *c, int argc, char **argv);
int cmd_demo(struct config *c, int argc, char **argv);
int cmd_org(struct config *c, int argc, char **argv);

#endif

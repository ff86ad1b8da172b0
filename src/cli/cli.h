/*
 * The command line: what every `atip` command shares, and the commands.
 * Like main.c and routes.c, this folder knows every module.
 */
#ifndef ATIP_CLI_CLI_H
#define ATIP_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "base/config.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "orgs/orgs.h"

enum { EXIT_USAGE = 2 };

struct app;
struct http_server;

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

/* Like cli_open_db, without applying the migrations. */
struct db *cli_open_db_unmigrated(const struct config *c);

/* Applies the migrations to db; false after saying why on stderr. */
bool cli_migrate(struct db *db);

/*
 * Opens the keyring of the data directory, creating it when absent and
 * create is true; NULL (after saying why) when it is missing, unsafe or
 * damaged.
 */
struct crypto_keyring *cli_keyring(const struct config *c, bool create);

/* The path of the audit checkpoint file in the data directory; caller frees. */
char *cli_checkpoints_path(const struct config *c);

/* Loads the ISO 3166 data; false (after saying why) when it is missing. */
bool cli_iso_ready(void);

/* One organisation as `atip org list` and `atip demo` print it. */
void cli_print_org(const struct org *o);

/*
 * Reads a password from the variable env when it is set (automation),
 * else from the terminal without echo.  Returns heap memory to give to
 * cli_free_password(), or NULL (after saying why).
 */
char *cli_read_password(const char *env, size_t *len);

/* Wipes and frees a password from cli_read_password(). */
void cli_free_password(char *pw, size_t len);

/* Writes field errors one a line: "atip WHAT: FIELD: MESSAGE". */
void cli_print_errors(const char *what, const struct auth_errors *errs);

/*
 * Adds a user (hash: from auth_user_prepare) and audits it, inside the
 * caller's transaction.
 */
enum err cli_user_create(struct db_conn *c, const struct auth_user_input *in,
			 const char *hash, struct auth_user *out,
			 struct auth_errors *errs);

/*
 * Opens what `atip serve` hands its handlers and jobs (database, keyring,
 * jobs not yet started) as the current user; false after saying why.
 */
bool cli_app_open(struct app *app, const struct config *c);

/*
 * Starts serving app's routes as configured (authentication and metrics
 * hooked in); NULL after saying why.
 */
struct http_server *cli_app_listen(struct app *app, const struct config *c);

/* Stops the jobs, signs the audit heads one last time, closes all. */
void cli_app_close(struct app *app);

/* The commands; each gets the arguments left after the settings. */
int cmd_serve(struct config *c, int argc, char **argv);
int cmd_init(struct config *c, int argc, char **argv);
int cmd_migrate(struct config *c, int argc, char **argv);
int cmd_demo(struct config *c, int argc, char **argv);
int cmd_org(struct config *c, int argc, char **argv);
int cmd_user(struct config *c, int argc, char **argv);
int cmd_token(struct config *c, int argc, char **argv);
int cmd_audit(struct config *c, int argc, char **argv);
int cmd_keys(struct config *c, int argc, char **argv);
int cmd_backup(struct config *c, int argc, char **argv);
int cmd_restore(struct config *c, int argc, char **argv);
int cmd_link(struct config *c, int argc, char **argv);

/*
 * The coordination workspace of the demo (cli_demo_coord.c), in c's
 * transaction: orgs are the five demo organisations, users the ids of
 * the demo accounts in their order.
 */
enum err cli_demo_coord(struct db_conn *c, const struct org *orgs,
			const char *const *users);

/* The service directory of the demo (cli_demo_services.c), likewise. */
enum err cli_demo_services(struct db_conn *c, const struct org *orgs);

/* The cases of the demo (cli_demo_cases.c), likewise, sealed under kr. */
struct crypto_keyring;
enum err cli_demo_cases(struct db_conn *c, const struct crypto_keyring *kr,
			const struct org *orgs, const char *const *users);

/* The intelligence of the demo (cli_demo_intel.c), likewise: after the
 * cases, since one report is linked to a case. */
enum err cli_demo_intel(struct db_conn *c, const struct crypto_keyring *kr,
			const struct org *orgs, const char *const *users);

#endif

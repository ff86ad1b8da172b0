/* What the commands share: options, the data directory, the database. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "base/iso.h"
#include "base/log.h"
#include "base/mem.h"
#include "cli/cli.h"

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

struct db *
cli_open_db_unmigrated(const struct config *c)
{
	char *target, err[256];
	struct db *db;

	if (ensure_data_dir(c))
		return NULL;
	target = config_db_target(c);
	db = db_open(target, err, sizeof(err));
	free(target);
	if (!db)
		fprintf(stderr, "atip: ATIP_DB: %s\n", err);
	return db;
}

bool
cli_migrate(struct db *db)
{
	struct db_migration *list;
	char err[256];
	size_t n;
	bool ok;

	list = app_migrations(&n);
	ok = db_migrate(db, list, n, err, sizeof(err)) == DB_OK;
	if (!ok)
		fprintf(stderr, "atip: migrate: %s\n", err);
	free(list);
	return ok;
}

/* Opens and migrates the database; NULL (after saying why) on failure. */
struct db *
cli_open_db(const struct config *c)
{
	struct db *db = cli_open_db_unmigrated(c);

	if (db && !cli_migrate(db)) {
		db_close(db);
		return NULL;
	}
	return db;
}

/* Says that ISO 3166 data is missing; false then. */
bool
cli_iso_ready(void)
{
	char err[PATH_MAX + 200];

	if (iso_load(err, sizeof(err)))
		return true;
	fprintf(stderr, "atip: %s\n", err);
	return false;
}

/*
 * Reads `--flag value` and `--flag=value` pairs from argv[0..argc) into
 * opts; a usage error (said on stderr) for anything else.
 */
bool
cli_opts(const char *what, int argc, char **argv, struct cli_opt *opts,
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

struct crypto_keyring *
cli_keyring(const struct config *c, bool create)
{
	struct crypto_keyring *kr;
	char err[512];

	if (!crypto_init()) {
		fprintf(stderr, "atip: libsodium cannot start\n");
		return NULL;
	}
	kr = crypto_keyring_open(c->data_dir, create, err, sizeof(err));
	if (!kr)
		fprintf(stderr, "atip: keyring: %s\n", err);
	return kr;
}

char *
cli_checkpoints_path(const struct config *c)
{
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, "%s/audit-checkpoints", c->data_dir);
	return buf_detach(&b, NULL);
}

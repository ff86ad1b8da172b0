/* `atip audit verify` and `atip keys rotate`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"

static int
audit_verify_cmd(struct config *c)
{
	unsigned char pub[CRYPTO_PUBLIC_LEN];
	struct audit_report r;
	struct crypto_keyring *kr;
	struct db *db = cli_open_db(c);
	char *path;
	enum db_status st;

	if (!db)
		return 1;
	kr = cli_keyring(c, false);
	if (!kr) {
		db_close(db);
		return 1;
	}
	crypto_sign_public(kr, pub);
	crypto_keyring_close(kr);
	path = cli_checkpoints_path(c);
	st = audit_verify(db, path, pub, &r);
	free(path);
	db_close(db);
	if (st != DB_OK) {
		fprintf(stderr,
			"atip audit verify: the database is unavailable\n");
		return 1;
	}
	if (r.problem[0]) {
		printf("BROKEN: %s\n", r.problem);
		return 1;
	}
	printf("ok: %lld entries in %lld chains, %lld signed checkpoints\n",
	       r.entries, r.chains, r.checkpoints);
	return 0;
}

int
cmd_audit(struct config *c, int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "verify"))
		return audit_verify_cmd(c);
	fprintf(stderr, "usage: atip audit verify\n");
	return EXIT_USAGE;
}

int
cmd_keys(struct config *c, int argc, char **argv)
{
	char err[512];
	uint32_t v;

	if (argc != 1 || strcmp(argv[0], "rotate")) {
		fprintf(stderr, "usage: atip keys rotate\n");
		return EXIT_USAGE;
	}
	if (!crypto_init())
		return 1;
	v = crypto_keyring_rotate(c->data_dir, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "atip keys rotate: %s\n", err);
		return 1;
	}
	printf("key %u is now primary; older keys stay to unwrap existing "
	       "data keys\n",
	       v);
	return 0;
}

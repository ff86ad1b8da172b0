/*
 * `atip backup` and `atip restore`.  SQLite goes through the online backup
 * API (src/db); PostgreSQL through pg_dump and pg_restore, run as child
 * processes without a shell, the password (if the URI has one) passed in
 * their environment, never on their command line.  Neither ever touches
 * the keyring: a backup without it cannot open personal data, which is the
 * point, so the keyring is backed up separately and kept apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/mem.h"
#include "cli/cli.h"

extern char **environ;

enum {
	TOOL_OUTPUT_MAX = 16 << 20, /* bytes of a child's output kept */
	REASON_MAX = 400,
};

static const char sqlite_magic[16] = "SQLite format 3";
static const char pg_magic[5] = { 'P', 'G', 'D', 'M', 'P' };

static bool
is_pg_target(const char *target)
{
	return !strncmp(target, "postgresql://", 13) ||
	       !strncmp(target, "postgres://", 11);
}

/* The keyring's path, absolute when the data directory exists; caller frees. */
static char *
keyring_path(const struct config *c)
{
	char dir[PATH_MAX];
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, "%s/keyring",
		   realpath(c->data_dir, dir) ? dir : c->data_dir);
	return buf_detach(&b, NULL);
}

static void
warn_keyring(const struct config *c)
{
	char *path = keyring_path(c);

	fprintf(stderr,
		"\n"
		"atip backup: WARNING: THIS BACKUP DOES NOT HOLD THE KEYRING.\n"
		"  Victims' personal data and the accounts' second factors in "
		"it are\n"
		"  encrypted under the keyring %s\n"
		"  and cannot be read without it.  Back that file up "
		"separately, and store\n"
		"  it apart from the backup: whoever holds both can read "
		"everything.\n\n",
		path);
	free(path);
}

/* Warns about what the data directory lacks, or holds, after a restore. */
static void
warn_after_restore(const struct config *c)
{
	char *path = keyring_path(c), *cps;
	struct stat st;

	if (stat(path, &st))
		fprintf(stderr,
			"atip restore: WARNING: there is no keyring at %s.\n"
			"  The personal data and second factors in the "
			"restored database open only\n"
			"  with the keyring of the installation the backup came "
			"from: put that file\n"
			"  there (mode 0600) before running atip serve, which "
			"would otherwise make a\n"
			"  new keyring that opens none of it.\n",
			path);
	free(path);
	cps = cli_checkpoints_path(c);
	if (!stat(cps, &st))
		fprintf(stderr,
			"atip restore: note: %s may sign audit entries newer "
			"than the backup;\n"
			"  `atip audit verify` then reports them as dropped "
			"(they were).  Keep that\n"
			"  file as evidence and move it aside to start the "
			"checkpoints afresh.\n",
			cps);
	free(cps);
}

/*
 * The most telling line of a child's messages: the first saying "error",
 * else the last; in reason (empty when there was none).
 */
static void
reason_of(const char *out, char *reason, size_t len)
{
	const char *p = out, *line = NULL, *eol;
	size_t n = 0;

	reason[0] = '\0';
	for (; *p; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if (eol == p)
			continue;
		if (!line || !memmem(line, n, "error", 5)) {
			line = p;
			n = (size_t)(eol - p);
		}
	}
	if (line)
		snprintf(reason, len, "%.*s", (int)n, line);
}

/*
 * The environment of a child: ours without ATIP_DB (which may carry a
 * password it does not need) and, when password is set, with PGPASSWORD
 * instead of ours.  Free with free_env().
 */
static char **
child_env(const char *password)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	for (i = 0; i < n; i++) {
		if (!strncmp(environ[i], "ATIP_DB=", 8) ||
		    (password && !strncmp(environ[i], "PGPASSWORD=", 11)))
			continue;
		env[j++] = xstrdup(environ[i]);
	}
	if (password) {
		struct buf b;

		buf_init(&b, 0);
		buf_printf(&b, "PGPASSWORD=%s", password);
		env[j++] = buf_detach(&b, NULL);
	}
	return env;
}

static void
free_env(char **env)
{
	for (size_t i = 0; env[i]; i++) {
		sodium_memzero(env[i], strlen(env[i]));
		free(env[i]);
	}
	free(env);
}

/*
 * Runs argv (found on PATH) with stdin from /dev/null; its stderr, and
 * its stdout too when out is set, go to out (else stdout is dropped and
 * stderr kept for the reason).  Returns true when it exited 0; else
 * writes why into reason.
 */
static bool
run_tool(const char *const argv[], const char *password, struct buf *out,
	 char *reason, size_t len)
{
	posix_spawn_file_actions_t fa;
	struct buf mine;
	char **env = child_env(password), chunk[4096];
	int fds[2], status, rc;
	ssize_t got;
	pid_t pid;

	if (!out) {
		buf_init(&mine, TOOL_OUTPUT_MAX);
		out = &mine;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(reason, len, "pipe: %s", strerror(errno));
		free_env(env);
		return false;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out == &mine)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
	else
		posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free_env(env);
	close(fds[1]);
	if (rc) {
		close(fds[0]);
		snprintf(reason, len, "cannot run %s: %s", argv[0],
			 strerror(rc));
		if (out == &mine)
			buf_release(&mine);
		return false;
	}
	/* Read to the end even past the cap, so the child never blocks. */
	while ((got = read(fds[0], chunk, sizeof(chunk))) != 0)
		if (got > 0)
			buf_add(out, chunk, (size_t)got);
		else if (errno != EINTR)
			break;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (out == &mine)
			buf_release(&mine);
		return true;
	}
	reason_of(out->p ? out->p : "", reason, len);
	if (!reason[0] && WIFEXITED(status))
		snprintf(reason, len, "%s exited with %d", argv[0],
			 WEXITSTATUS(status));
	else if (!reason[0])
		snprintf(reason, len, "%s was killed by signal %d", argv[0],
			 WTERMSIG(status));
	if (out == &mine)
		buf_release(&mine);
	return false;
}

/* Makes the file at path durable and gives it the name final. */
static bool
install_file(const char *path, const char *final, char *reason, size_t len)
{
	char *dir, *slash;
	int fd = open(path, O_RDONLY | O_CLOEXEC), dfd;
	bool ok = fd >= 0 && !fchmod(fd, 0600) && !fsync(fd);

	if (fd >= 0 && close(fd))
		ok = false;
	if (!ok || rename(path, final)) {
		snprintf(reason, len, "cannot write %s: %s", final,
			 strerror(errno));
		return false;
	}
	dir = xstrdup(final);
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return true;
}

static bool
dump_pg(struct db *db, const char *path, char *reason, size_t len)
{
	char *conninfo, *password, *file, *dbname;
	struct buf b;
	bool ok;

	if (!db_pg_client_conninfo(db, &conninfo, &password)) {
		snprintf(reason, len, "ATIP_DB does not parse as a URI");
		return false;
	}
	buf_init(&b, 0);
	buf_printf(&b, "--file=%s", path);
	file = buf_detach(&b, NULL);
	buf_printf(&b, "--dbname=%s", conninfo);
	dbname = buf_detach(&b, NULL);
	{
		const char *argv[] = { "pg_dump",	"--format=custom",
				       "--no-password", file,
				       dbname,		NULL };

		ok = run_tool(argv, password, NULL, reason, len);
	}
	free(file);
	free(dbname);
	free(conninfo);
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	return ok;
}

/* Opens the database that is to be backed up: it must exist and be atip's. */
static struct db *
backup_source(struct config *c, const char *target)
{
	struct stat st;
	long long n;
	bool atip;
	struct db *db;

	if (!is_pg_target(target) && stat(target, &st)) {
		fprintf(stderr, "atip backup: no database at %s: %s\n", target,
			strerror(errno));
		return NULL;
	}
	db = cli_open_db_unmigrated(c);
	if (!db)
		return NULL;
	if (db_tables(db, &n, &atip) != DB_OK) {
		fprintf(stderr, "atip backup: the database is unavailable\n");
		db_close(db);
		return NULL;
	}
	if (!atip) {
		fprintf(stderr,
			"atip backup: the configured database is not atip's "
			"(it has no atip_migrations table)\n");
		db_close(db);
		return NULL;
	}
	return db;
}

int
cmd_backup(struct config *c, int argc, char **argv)
{
	const char *out = NULL;
	struct cli_opt opts[] = { { "out", &out } };
	char reason[REASON_MAX], *target, *tmp;
	struct db *db;
	struct buf b;
	bool ok;
	int fd;

	if (!cli_opts("backup", argc, argv, opts, 1) || !out || !*out) {
		fprintf(stderr, "usage: atip backup --out FILE\n");
		return EXIT_USAGE;
	}
	target = config_db_target(c);
	db = backup_source(c, target);
	free(target);
	if (!db)
		return 1;
	/* A temporary beside FILE, renamed once whole: a failed backup
	 * never leaves half a file, nor replaces a good one. */
	buf_init(&b, 0);
	buf_printf(&b, "%s.tmp-XXXXXX", out);
	tmp = buf_detach(&b, NULL);
	fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0) {
		fprintf(stderr, "atip backup: cannot create %s: %s\n", out,
			strerror(errno));
		free(tmp);
		db_close(db);
		return 1;
	}
	close(fd);
	if (db_engine(db) == DB_PG) {
		ok = dump_pg(db, tmp, reason, sizeof(reason));
	} else {
		ok = db_backup_sqlite(db, tmp, reason, sizeof(reason)) == DB_OK;
	}
	db_close(db);
	ok = ok && install_file(tmp, out, reason, sizeof(reason));
	if (!ok) {
		unlink(tmp);
		free(tmp);
		fprintf(stderr, "atip backup: %s\n", reason);
		return 1;
	}
	free(tmp);
	printf("backup written to %s\n", out);
	fflush(stdout);
	warn_keyring(c);
	return 0;
}

/*
 * Checks that the file at path is a backup for this engine by its first
 * bytes; false after saying why.
 */
static bool
check_kind(const char *path, bool pg)
{
	unsigned char head[16] = { 0 };
	ssize_t n = 0;
	bool is_sqlite, is_pg;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, head, sizeof(head));
		close(fd);
	}
	if (fd < 0 || n < 0) {
		fprintf(stderr, "atip restore: cannot read %s: %s\n", path,
			strerror(errno));
		return false;
	}
	is_sqlite = n == 16 && !memcmp(head, sqlite_magic, 16);
	is_pg = n >= 5 && !memcmp(head, pg_magic, 5);
	if (pg ? is_pg : is_sqlite)
		return true;
	if (is_sqlite)
		fprintf(stderr,
			"atip restore: %s is an SQLite backup; restore it with "
			"ATIP_DB unset or an SQLite file path\n",
			path);
	else if (is_pg)
		fprintf(stderr,
			"atip restore: %s is a PostgreSQL dump; restore it with "
			"ATIP_DB set to the postgresql:// URI of an empty "
			"database\n",
			path);
	else
		fprintf(stderr,
			"atip restore: %s is not an atip backup (neither an "
			"SQLite database nor a pg_dump archive)\n",
			path);
	return false;
}

/* True when the archive's table of contents lists atip_migrations. */
static bool
pg_archive_is_atip(const char *path, char *reason, size_t len)
{
	const char *argv[] = { "pg_restore", "--list", "--", path, NULL };
	struct buf out;
	const char *p, *eol;
	bool found = false;

	buf_init(&out, TOOL_OUTPUT_MAX);
	if (!run_tool(argv, NULL, &out, reason, len)) {
		buf_release(&out);
		return false;
	}
	/* Lines such as "215; 1259 16385 TABLE public atip_migrations atip". */
	for (p = out.p ? out.p : ""; *p && !found; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		found = memmem(p, (size_t)(eol - p), " TABLE ", 7) &&
			memmem(p, (size_t)(eol - p), " atip_migrations ", 17);
	}
	buf_release(&out);
	if (!found)
		snprintf(reason, len,
			 "%s is a pg_dump archive, but not one of atip (it has "
			 "no atip_migrations table)",
			 path);
	return found;
}

static bool
restore_pg(struct db *db, const char *path, bool force, char *reason,
	   size_t len)
{
	char *conninfo, *password, *dbname;
	const char *argv[12];
	struct buf b;
	bool ok;
	int n = 0;

	if (!db_pg_client_conninfo(db, &conninfo, &password)) {
		snprintf(reason, len, "ATIP_DB does not parse as a URI");
		return false;
	}
	buf_init(&b, 0);
	buf_printf(&b, "--dbname=%s", conninfo);
	dbname = buf_detach(&b, NULL);
	/* All or nothing; the objects owned by atip's own role. */
	argv[n++] = "pg_restore";
	argv[n++] = "--no-password";
	argv[n++] = "--no-owner";
	argv[n++] = "--no-privileges";
	argv[n++] = "--single-transaction";
	argv[n++] = dbname;
	if (force) {
		argv[n++] = "--clean";
		argv[n++] = "--if-exists";
	}
	argv[n++] = "--";
	argv[n++] = path;
	argv[n] = NULL;
	ok = run_tool(argv, password, NULL, reason, len);
	free(dbname);
	free(conninfo);
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	return ok;
}

/* Says whether the target may be restored into; false after saying why. */
static bool
target_ready(struct db *db, const char *target, bool force)
{
	long long n;
	bool atip;

	if (db_tables(db, &n, &atip) != DB_OK) {
		fprintf(stderr, "atip restore: the database is unavailable\n");
		return false;
	}
	if (n == 0 || force)
		return true;
	if (db_engine(db) == DB_PG)
		fprintf(stderr,
			"atip restore: the PostgreSQL database of ATIP_DB "
			"already holds %lld tables%s; refusing to restore over "
			"them (--force replaces them; stop atip serve first)\n",
			n, atip ? " of atip" : "");
	else
		fprintf(stderr,
			"atip restore: %s already holds %lld tables%s; "
			"refusing to restore over them (--force replaces them; "
			"stop atip serve first)\n",
			target, n, atip ? " of atip" : "");
	return false;
}

/* Removes the SQLite file at target and its companions. */
static void
remove_sqlite(const char *target)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		buf_reset(&b);
		buf_printf(&b, "%s%s", target, ext[i]);
		unlink(b.p);
	}
	buf_release(&b);
}

/* Parses restore's arguments; false on a usage error. */
static bool
restore_args(int argc, char **argv, const char **from, bool *force)
{
	struct cli_opt opts[] = { { "from", from } };
	int n = 0;

	*force = false;
	for (int a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--force") && !*force)
			*force = true;
		else
			argv[n++] = argv[a];
	}
	return cli_opts("restore", n, argv, opts, 1) && *from && **from;
}

int
cmd_restore(struct config *c, int argc, char **argv)
{
	const char *from = NULL;
	char reason[REASON_MAX], *target;
	struct stat st;
	struct db *db;
	bool force, pg, existed, ok;

	if (!restore_args(argc, argv, &from, &force)) {
		fprintf(stderr, "usage: atip restore --from FILE [--force]\n");
		return EXIT_USAGE;
	}
	target = config_db_target(c);
	pg = is_pg_target(target);
	existed = pg || !stat(target, &st);
	reason[0] = '\0';
	if (!check_kind(from, pg) ||
	    (pg && !pg_archive_is_atip(from, reason, sizeof(reason)))) {
		if (reason[0])
			fprintf(stderr, "atip restore: %s\n", reason);
		free(target);
		return 1;
	}
	db = cli_open_db_unmigrated(c);
	if (!db || !target_ready(db, target, force)) {
		db_close(db);
		free(target);
		return 1;
	}
	if (pg)
		ok = restore_pg(db, from, force, reason, sizeof(reason));
	else
		ok = db_restore_sqlite(db, from, reason, sizeof(reason)) ==
		     DB_OK;
	if (!ok) {
		fprintf(stderr, "atip restore: %s\n", reason);
		db_close(db);
		if (!existed)
			remove_sqlite(target);
		free(target);
		return 1;
	}
	/* An older backup is brought up to this atip's schema. */
	ok = cli_migrate(db);
	db_close(db);
	if (!ok) {
		fprintf(stderr, "atip restore: the backup was restored, but "
				"could not be migrated to this atip\n");
		free(target);
		return 1;
	}
	printf("restored %s into the %s database%s%s; migrations applied\n",
	       from, pg ? "PostgreSQL" : "SQLite", pg ? "" : " ",
	       pg ? "" : target);
	free(target);
	warn_after_restore(c);
	return 0;
}

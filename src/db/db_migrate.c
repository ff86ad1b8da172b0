/* Numbered, forward-only migrations recorded in atip_migrations. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "db/db_int.h"

static const char create_table[] =
	"CREATE TABLE IF NOT EXISTS atip_migrations ("
	" version INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at TEXT NOT NULL)";

static const struct db_stmt lock_pg = { "db_migrate_lock",
					"SELECT pg_advisory_xact_lock(7302117)",
					NULL, NULL };
static const struct db_stmt max_version = {
	"db_migrate_max",
	"SELECT COALESCE(MAX(version), 0) FROM atip_migrations", NULL, NULL
};
static const struct db_stmt has_version = {
	"db_migrate_has", "SELECT 1 FROM atip_migrations WHERE version = $1",
	NULL, NULL
};
static const struct db_stmt record = {
	"db_migrate_record",
	"INSERT INTO atip_migrations (version, name, applied_at) "
	"VALUES ($1, $2, $3)",
	NULL, NULL
};

struct step {
	const struct db_migration *m;
	int applied;
};

static enum db_status
apply_one(struct db_conn *c, void *ctx)
{
	struct step *s = ctx;
	struct db_rows rows;
	struct db_arg args[3];
	char now[TIME_RFC3339_LEN];
	const char *sql;
	enum db_status st;
	bool done;

	s->applied = 0;
	if (c->db->engine == DB_PG) {
		db_query(c, &lock_pg, NULL, 0, &rows);
		while (db_next(&rows))
			;
		if ((st = db_rows_close(&rows)) != DB_OK)
			return st;
	}
	args[0] = DB_INT(s->m->version);
	db_query(c, &has_version, args, 1, &rows);
	done = db_next(&rows);
	if ((st = db_rows_close(&rows)) != DB_OK || done)
		return st;
	sql = c->db->engine == DB_PG ? s->m->pg : s->m->sqlite;
	if ((st = db_script(c, sql ? sql : s->m->sql)) != DB_OK)
		return st;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[1] = db_text(s->m->name);
	args[2] = db_text(now);
	st = db_exec(c, &record, args, 3, NULL);
	if (st == DB_OK)
		s->applied = 1;
	return st;
}

static enum db_status
newest(struct db *db, long long *out)
{
	struct db_conn *c = db_acquire(db);
	struct db_rows rows;
	enum db_status st;

	if (!c)
		return DB_DOWN;
	st = db_script(c, create_table);
	if (st == DB_OK) {
		db_query(c, &max_version, NULL, 0, &rows);
		if (db_next(&rows))
			*out = db_col_int(&rows, 0);
		st = db_rows_close(&rows);
	}
	db_release(c);
	return st;
}

enum db_status
db_migrate(struct db *db, const struct db_migration *list, size_t n, char *err,
	   size_t errlen)
{
	long long have = 0;
	enum db_status st;
	size_t i;

	st = newest(db, &have);
	if (st == DB_RETRY || st == DB_CONSTRAINT)
		st = newest(
			db,
			&have); /* a concurrent first start made the table */
	if (st != DB_OK) {
		snprintf(err, errlen, "cannot read atip_migrations");
		return st;
	}
	if (n && have > list[n - 1].version) {
		snprintf(
			err, errlen,
			"the database has migration %lld, newer than this atip "
			"knows (%d): run a newer atip",
			have, list[n - 1].version);
		return DB_ERROR;
	}
	for (i = 0; i < n; i++) {
		struct step s = { &list[i], 0 };

		if (i && list[i].version <= list[i - 1].version) {
			snprintf(err, errlen, "migration %d out of order",
				 list[i].version);
			return DB_ERROR;
		}
		st = db_tx(db, apply_one, &s);
		if (st != DB_OK) {
			snprintf(err, errlen, "migration %d (%s) failed",
				 list[i].version, list[i].name);
			return st;
		}
		if (s.applied)
			log_msg(LOG_INFO, "applied migration %d %s",
				list[i].version, list[i].name);
	}
	return DB_OK;
}

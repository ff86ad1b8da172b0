/*
 * The watch's background work (link_watch.h): encoding victims as they
 * are added or changed, matching each against the platform's CLKs, and
 * raising alerts.  The names are read from the case (decrypted in the
 * worker's memory for as long as the encoding takes) and never stored
 * outside it: only the CLK is.
 */
#include "linkage/link_watch.h"

#include <math.h>
#include <string.h>

#include "cases/cases.h"
#include "coord/coord.h"
#include "linkage/link.h"
#include "linkage/link_sql.h"
#include "notify/notify.h"

enum { BATCH = 100, RUN_MAX = 2000 };

struct person_values {
	const char *given, *surname, *father, *dob, *year, *gender, *district,
		*country, *phone;
};

static const char *
text(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
person_value(const char *column, void *arg)
{
	const struct person_values *v = arg;
	const struct {
		const char *column, *value;
	} map[] = {
		{ "given_name", v->given },
		{ "surname", v->surname },
		{ "father_name", v->father },
		{ "date_of_birth", v->dob },
		{ "birth_year", v->year },
		{ "gender", v->gender },
		{ "home_district", v->district },
		{ "home_country", v->country },
		{ "phone", v->phone },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].column, column))
			return map[i].value;
	return NULL;
}

/* The person's fields under the names the person schema reads. */
static void
values_of(struct arena *a, const struct case_entry *p, struct person_values *v)
{
	json_t *d = p->data, *s = p->personal;
	const char *first = text(s, "first_name"),
		   *middle = text(s, "middle_name");
	json_t *year = json_object_get(s, "birth_year");

	memset(v, 0, sizeof(*v));
	v->given = first && middle ? arena_printf(a, "%s %s", first, middle)
		   : first	   ? first
				   : middle;
	v->surname = text(s, "family_name");
	v->father = text(s, "father_name");
	v->dob = text(s, "birth_date");
	v->year = json_is_integer(year)
			  ? arena_printf(a, "%lld",
					 (long long)json_integer_value(year))
			  : NULL;
	v->gender = text(d, "gender");
	v->district = text(s, "home_district");
	v->country = json_string_value(
		json_array_get(json_object_get(d, "citizenship"), 0));
	if (!v->country)
		v->country = text(s, "mailing_country");
	v->phone = text(s, "mobile_phone");
	if (!v->phone)
		v->phone = text(s, "home_phone");
}

struct match {
	char person[UUID_STR_LEN], case_id[UUID_STR_LEN];
	long long score; /* Dice, in ten-thousandths */
};

struct sweep {
	const struct crypto_keyring *kr;
	const struct link_schema *schema;
	/* The person at hand. */
	const char *person_id, *case_id;
	long long encoded, alerts;
};

/* Tells a case's owner (or its organisation) of an alert. */
static enum err
tell(struct db_conn *c, struct arena *a, const char *case_id,
     const char *alert_id)
{
	struct case_record r;
	struct notify_event ev = { .event = "linkage.match",
				   .record_kind = "linkage_alert",
				   .record_id = alert_id };
	const char *owner;
	enum err e = cases_get(c, a, case_id, &r);

	if (e != ERR_OK)
		return e == ERR_NOT_FOUND ? ERR_OK : e;
	owner = text(r.head.data, "case_owner");
	e = owner ? notify_user(c, owner, &ev)
		  : notify_org(c, r.share.owner_org, &ev);
	cases_release(&r);
	return e;
}

static enum err
raise_alert(struct db_conn *c, struct arena *a, struct sweep *s,
	    const struct match *m)
{
	bool swap = strcmp(s->person_id, m->person) > 0;
	const char *pa = swap ? m->person : s->person_id;
	const char *pb = swap ? s->person_id : m->person;
	const char *ca = swap ? m->case_id : s->case_id;
	const char *cb = swap ? s->case_id : m->case_id;
	struct db_arg args[7] = { db_text(pa), db_text(pb) };
	char now[TIME_RFC3339_LEN], id[UUID_STR_LEN];
	struct db_rows rows;
	bool found = false, open = false;
	long long old = 0;
	enum err e;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	db_query(c, &link_sql[LINK_ALERT_FIND], args, 2, &rows);
	if (db_next(&rows)) {
		found = true;
		coord_copy(id, sizeof(id), db_col_text(&rows, 0));
		open = !strcmp(db_col_text(&rows, 1), "open");
		old = db_col_int(&rows, 2);
	}
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (found) {
		/* A decided alert stays decided; an open one follows the
		 * records as they change. */
		if (!open || old == m->score)
			return ERR_OK;
		args[0] = db_text(id);
		args[1] = DB_INT(m->score);
		args[2] = db_text(now);
		return db_err(
			db_exec(c, &link_sql[LINK_ALERT_SCORE], args, 3, NULL));
	}
	uuid_v7(id);
	args[0] = db_text(id);
	args[1] = db_text(pa);
	args[2] = db_text(pb);
	args[3] = db_text(ca);
	args[4] = db_text(cb);
	args[5] = DB_INT(m->score);
	args[6] = db_text(now);
	e = db_err(db_exec(c, &link_sql[LINK_ALERT_INSERT], args, 7, NULL));
	if (e == ERR_OK)
		e = tell(c, a, ca, id);
	if (e == ERR_OK && strcmp(ca, cb))
		e = tell(c, a, cb, id);
	if (e == ERR_OK)
		s->alerts++;
	return e;
}

/* Reads the person's names and encodes them; false when the case or the
 * person is gone (or its key does not open: nothing to encode). */
static bool
encode(struct db_conn *c, struct arena *a, struct sweep *s, uint64_t *clk,
       long long *version)
{
	struct case_record r;
	struct person_values v;
	bool found = false;

	if (cases_get(c, a, s->case_id, &r) != ERR_OK)
		return false;
	if (cases_load_parts(c, a, &r) == ERR_OK &&
	    cases_open_personal(s->kr, &r, NULL, 0))
		for (size_t i = 0; i < r.npersons && !found; i++) {
			if (strcmp(r.persons[i].id, s->person_id))
				continue;
			values_of(a, &r.persons[i], &v);
			link_encode(s->schema, person_value, &v, clk);
			*version = r.persons[i].version;
			found = true;
		}
	cases_release(&r);
	return found;
}

/* The persons of other cases whose CLK is at least the threshold. */
static enum err
candidates(struct db_conn *c, struct arena *a, const struct sweep *s,
	   const uint64_t *clk, uint32_t pop, struct match **out, size_t *n)
{
	const struct link_schema *sc = s->schema;
	double t = sc->threshold;
	struct db_arg args[4] = {
		DB_INT(LINK_SCHEMA_VERSION),
		DB_INT((long long)ceil(pop * t / (2 - t) - 1e-9)),
		DB_INT((long long)floor(pop * (2 - t) / t + 1e-9)),
		db_text(s->case_id),
	};
	uint64_t other[LINK_BITS_MAX / 64];
	struct db_rows rows;
	struct buf b;
	size_t cap = 8;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	buf_init(&b, LINK_BITS_MAX / 8);
	db_query(c, &link_sql[LINK_CANDIDATES], args, 4, &rows);
	while (db_next(&rows)) {
		double d;

		if (!db_col_blob(&rows, 3, &b) || b.len != sc->words * 8)
			continue; /* another length: never compared */
		memcpy(other, b.p, b.len);
		d = link_dice(clk, other, sc->words);
		if (d < t)
			continue;
		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		coord_copy((*out)[*n].person, UUID_STR_LEN,
			   db_col_text(&rows, 0));
		coord_copy((*out)[*n].case_id, UUID_STR_LEN,
			   db_col_text(&rows, 1));
		(*out)[(*n)++].score = (long long)floor(d * 10000 + 0.5);
	}
	buf_release(&b);
	return db_err(db_rows_close(&rows));
}

/* Encodes s->person_id, stores its CLK and raises its alerts. */
static enum db_status
watch_one(struct db_conn *c, void *arg)
{
	struct sweep *s = arg;
	const struct link_schema *sc = s->schema;
	uint64_t clk[LINK_BITS_MAX / 64];
	char now[TIME_RFC3339_LEN];
	struct arena a;
	struct match *m = NULL;
	long long version = 0;
	size_t n = 0;
	uint32_t pop;
	enum err e = ERR_OK;

	arena_init(&a);
	if (!encode(c, &a, s, clk, &version))
		goto out; /* gone meanwhile: the next round forgets it */
	pop = link_popcount(clk, sc->words);
	time_rfc3339(time_now_ms(), now, sizeof(now));
	{
		struct db_arg args[6] = {
			db_text(s->person_id), DB_INT(LINK_SCHEMA_VERSION),
			DB_INT(pop),	       DB_BLOB(clk, sc->words * 8),
			db_text(now),	       DB_INT(version),
		};

		e = db_err(db_exec(c, &link_sql[LINK_CLK_PUT], args, 6, NULL));
	}
	s->encoded++;
	if (e == ERR_OK && pop)
		e = candidates(c, &a, s, clk, pop, &m, &n);
	for (size_t i = 0; e == ERR_OK && i < n; i++)
		e = raise_alert(c, &a, s, &m[i]);
out:
	explicit_bzero(clk, sizeof(clk));
	arena_release(&a);
	return db_status_of(e);
}

enum err
link_watch_run(struct db *db, const struct crypto_keyring *kr,
	       long long *encoded, long long *alerts)
{
	struct crypto_link_key *k = crypto_link_key_platform(kr);
	struct link_schema *schema = link_schema_person(k);
	struct sweep s = { .kr = kr, .schema = schema };
	struct db_conn *c = db_acquire(db);
	enum err e = ERR_UNAVAILABLE;
	char after[UUID_STR_LEN] = "";
	long long done = 0;

	if (!c)
		goto out;
	e = db_err(db_exec(c, &link_sql[LINK_FORGET_ERASED_ALERTS], NULL, 0,
			   NULL));
	if (e == ERR_OK)
		e = db_err(db_exec(c, &link_sql[LINK_FORGET_ERASED], NULL, 0,
				   NULL));
	while (e == ERR_OK && done < RUN_MAX) {
		struct db_arg args[3] = { DB_INT(LINK_SCHEMA_VERSION),
					  DB_INT(BATCH), db_text(after) };
		char ids[BATCH][2][UUID_STR_LEN];
		struct db_rows rows;
		size_t n = 0;

		db_query(c, &link_sql[LINK_STALE], args, 3, &rows);
		while (n < BATCH && db_next(&rows)) {
			coord_copy(ids[n][0], UUID_STR_LEN,
				   db_col_text(&rows, 0));
			coord_copy(ids[n++][1], UUID_STR_LEN,
				   db_col_text(&rows, 1));
		}
		e = db_err(db_rows_close(&rows));
		if (e != ERR_OK || n == 0)
			break;
		for (size_t i = 0; e == ERR_OK && i < n; i++, done++) {
			s.person_id = ids[i][0];
			s.case_id = ids[i][1];
			e = db_err(db_tx_conn(c, watch_one, &s));
		}
		coord_copy(after, sizeof(after), ids[n - 1][0]);
	}
	db_release(c);
out:
	*encoded = s.encoded;
	*alerts = s.alerts;
	link_schema_free(schema);
	crypto_link_key_free(k);
	return e;
}

enum err
link_forget_case(struct db_conn *c, const char *case_id)
{
	struct db_arg args[1] = { db_text(case_id) };
	enum err e = db_err(
		db_exec(c, &link_sql[LINK_FORGET_CASE_ALERTS], args, 1, NULL));

	return e == ERR_OK ? db_err(db_exec(c, &link_sql[LINK_FORGET_CASE],
					    args, 1, NULL))
			   : e;
}

/*
 * The watch's background work (link_watch.h): encoding victims as they
 * are added or changed, matching each against the platform's CLKs, and
 * raising alerts.  The names are read from the case (decrypted in the
 * worker's memory for as long as the encoding takes) and never stored
 * outside it: only the CLK is.
 */
#include "linkage/link_watch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cases/cases.h"
#include "coord/coord.h"
#include "linkage/link.h"
#include "linkage/link_sql.h"
#include "notify/notify.h"

/* A round encodes BATCH persons and reads the stored CLKs once; a run
 * stops after RUN_MAX persons (the next run, a minute on, goes on). */
enum { BATCH = 100, RUN_MAX = 10000, ALERTS_MAX = 10 };

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

/* A person encoded in this round (pop 0: stored empty, matches nothing). */
struct fresh {
	char person[UUID_STR_LEN], case_id[UUID_STR_LEN];
	uint64_t clk[LINK_BITS_MAX / 64];
	long long version;	/* of the person encoded */
	uint32_t pop, min, max; /* the popcounts that could reach it */
};

/* A pair above the threshold: a fresh person and another. */
struct match {
	const struct fresh *f;
	char person[UUID_STR_LEN], case_id[UUID_STR_LEN];
	long long score; /* Dice, in ten-thousandths */
};

struct sweep {
	const struct crypto_keyring *kr;
	struct link_schema *schema;
	const char *person_id, *case_id; /* the person being encoded */
	struct fresh fresh[BATCH];	 /* this round's, encoded */
	size_t nfresh;
	struct match *matches;
	size_t nmatches, cap;
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
	bool swap = strcmp(m->f->person, m->person) > 0;
	const char *pa = swap ? m->person : m->f->person;
	const char *pb = swap ? m->f->person : m->person;
	const char *ca = swap ? m->case_id : m->f->case_id;
	const char *cb = swap ? m->f->case_id : m->case_id;
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
			/* A name alone (or no name) would match every namesake:
			 * such a person is stored empty and matches nothing. */
			if (!(v.given || v.surname) ||
			    !(v.dob || v.year || v.father || v.phone ||
			      v.district))
				memset(clk, 0, s->schema->words * 8);
			*version = r.persons[i].version;
			found = true;
		}
	cases_release(&r);
	return found;
}

static int
by_person_score(const void *x, const void *y)
{
	const struct match *a = x, *b = y;

	if (a->f != b->f)
		return a->f < b->f ? -1 : 1;
	return (a->score < b->score) - (a->score > b->score);
}

/* At most ALERTS_MAX matches a fresh person, the best: a common name in a
 * large population must not flood both organisations with alerts. */
static void
keep_best(struct sweep *s)
{
	size_t o = 0, run = 0;

	if (!s->nmatches)
		return; /* and s->matches may be NULL, which qsort may not take */
	qsort(s->matches, s->nmatches, sizeof(*s->matches), by_person_score);
	for (size_t i = 0; i < s->nmatches; i++) {
		run = i && s->matches[i].f == s->matches[i - 1].f ? run + 1 : 0;
		if (run < ALERTS_MAX)
			s->matches[o++] = s->matches[i];
	}
	s->nmatches = o;
}

static bool
is_fresh(const struct sweep *s, const char *person)
{
	for (size_t i = 0; i < s->nfresh; i++)
		if (!strcmp(s->fresh[i].person, person))
			return true;
	return false;
}

/* Compares fresh person f with another of another case, keeping a match
 * above the threshold; a stored CLK of a fresh person is its old one,
 * compared in memory instead. */
static void
compare(struct sweep *s, const struct fresh *f, bool stored, const char *person,
	const char *case_id, uint32_t pop, const uint64_t *clk)
{
	const struct link_schema *sc = s->schema;
	struct match *m;
	double d;

	if (!f->pop || pop < f->min || pop > f->max ||
	    !strcmp(case_id, f->case_id))
		return;
	d = link_dice(f->clk, clk, sc->words);
	if (d < sc->threshold || (stored && is_fresh(s, person)))
		return;
	if (s->nmatches == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->matches = xrealloc(s->matches, s->cap * sizeof(*m));
	}
	m = &s->matches[s->nmatches++];
	m->f = f;
	coord_copy(m->person, UUID_STR_LEN, person);
	coord_copy(m->case_id, UUID_STR_LEN, case_id);
	m->score = (long long)floor(d * 10000 + 0.5);
}

/*
 * Every stored CLK that could reach the threshold with a fresh one, read
 * once for the round, and the round's fresh persons among themselves,
 * compared with each fresh person of another case.  A fresh person's own
 * earlier CLK is of its own case: never compared.
 */
static enum err
scan(struct db_conn *c, struct sweep *s)
{
	const struct link_schema *sc = s->schema;
	double t = sc->threshold;
	uint32_t lo = UINT32_MAX, hi = 0;
	uint64_t other[LINK_BITS_MAX / 64];
	struct db_rows rows;
	struct db_arg args[3];
	struct buf b;

	s->nmatches = 0;
	for (size_t i = 0; i < s->nfresh; i++) {
		struct fresh *f = &s->fresh[i];

		f->min = (uint32_t)ceil(f->pop * t / (2 - t) - 1e-9);
		f->max = (uint32_t)floor(f->pop * (2 - t) / t + 1e-9);
		if (f->pop) {
			lo = f->min < lo ? f->min : lo;
			hi = f->max > hi ? f->max : hi;
		}
	}
	for (size_t i = 0; i < s->nfresh; i++)
		for (size_t j = 0; j < s->nfresh; j++)
			if (i != j)
				compare(s, &s->fresh[i], false,
					s->fresh[j].person, s->fresh[j].case_id,
					s->fresh[j].pop, s->fresh[j].clk);
	if (lo > hi) {
		keep_best(s);
		return ERR_OK; /* nobody to match */
	}
	args[0] = DB_INT(LINK_SCHEMA_VERSION);
	args[1] = DB_INT(lo);
	args[2] = DB_INT(hi);
	buf_init(&b, LINK_BITS_MAX / 8);
	db_query(c, &link_sql[LINK_CANDIDATES], args, 3, &rows);
	while (db_next(&rows)) {
		const char *case_id = db_col_text(&rows, 1);
		uint32_t pop = (uint32_t)db_col_int(&rows, 2);

		buf_reset(&b);
		if (!db_col_blob(&rows, 3, &b) || b.len != sc->words * 8)
			continue; /* another length: never compared */
		memcpy(other, b.p, b.len);
		for (size_t i = 0; i < s->nfresh; i++)
			compare(s, &s->fresh[i], true, db_col_text(&rows, 0),
				case_id, pop, other);
	}
	buf_release(&b);
	explicit_bzero(other, sizeof(other));
	keep_best(s);
	return db_err(db_rows_close(&rows));
}

/* Encodes s->person_id into the round's next fresh slot. */
static enum db_status
encode_tx(struct db_conn *c, void *arg)
{
	struct sweep *s = arg;
	struct fresh *f = &s->fresh[s->nfresh];
	struct arena a;

	arena_init(&a);
	if (encode(c, &a, s, f->clk, &f->version)) {
		f->pop = link_popcount(f->clk, s->schema->words);
		coord_copy(f->person, sizeof(f->person), s->person_id);
		coord_copy(f->case_id, sizeof(f->case_id), s->case_id);
		s->nfresh++;
	}
	/* else gone meanwhile: the next round forgets it */
	arena_release(&a);
	return DB_OK;
}

/*
 * Stores the round's CLKs and raises its alerts, together: a person
 * counts as watched only once its alerts are raised, so a crash between
 * the two cannot lose one.
 */
static enum db_status
commit_tx(struct db_conn *c, void *arg)
{
	struct sweep *s = arg;
	char now[TIME_RFC3339_LEN];
	struct arena a;
	long long before = s->alerts;
	enum err e = ERR_OK;

	time_rfc3339(time_now_ms(), now, sizeof(now));
	for (size_t i = 0; e == ERR_OK && i < s->nfresh; i++) {
		const struct fresh *f = &s->fresh[i];
		struct db_arg args[6] = { db_text(f->person),
					  DB_INT(LINK_SCHEMA_VERSION),
					  DB_INT(f->pop),
					  DB_BLOB(f->clk, s->schema->words * 8),
					  db_text(now),
					  DB_INT(f->version) };

		e = db_err(db_exec(c, &link_sql[LINK_CLK_PUT], args, 6, NULL));
	}
	arena_init(&a);
	for (size_t i = 0; e == ERR_OK && i < s->nmatches; i++)
		e = raise_alert(c, &a, s, &s->matches[i]);
	arena_release(&a);
	if (e != ERR_OK)
		s->alerts = before; /* rolled back */
	return db_status_of(e);
}

/* One round: the next batch of stale persons after *after. */
static enum err
watch_round(struct db_conn *c, struct sweep *s, char after[UUID_STR_LEN],
	    size_t *n)
{
	struct db_arg args[3] = { DB_INT(LINK_SCHEMA_VERSION), DB_INT(BATCH),
				  db_text(after) };
	char ids[BATCH][2][UUID_STR_LEN];
	struct db_rows rows;
	enum err e;

	*n = 0;
	db_query(c, &link_sql[LINK_STALE], args, 3, &rows);
	while (*n < BATCH && db_next(&rows)) {
		coord_copy(ids[*n][0], UUID_STR_LEN, db_col_text(&rows, 0));
		coord_copy(ids[(*n)++][1], UUID_STR_LEN, db_col_text(&rows, 1));
	}
	e = db_err(db_rows_close(&rows));
	if (e != ERR_OK || *n == 0)
		return e;
	s->nfresh = 0;
	for (size_t i = 0; e == ERR_OK && i < *n; i++) {
		s->person_id = ids[i][0];
		s->case_id = ids[i][1];
		e = db_err(db_tx_conn(c, encode_tx, s));
	}
	/* One read of the stored CLKs for the whole round. */
	if (e == ERR_OK && s->nfresh)
		e = scan(c, s);
	if (e == ERR_OK && s->nfresh)
		e = db_err(db_tx_conn(c, commit_tx, s));
	if (e == ERR_OK)
		for (size_t i = 0; i < s->nfresh; i++)
			s->encoded += s->fresh[i].pop > 0;
	coord_copy(after, UUID_STR_LEN, ids[*n - 1][0]);
	return e;
}

enum err
link_watch_run(struct db *db, const struct crypto_keyring *kr,
	       long long *encoded, long long *alerts)
{
	struct crypto_link_key *k = crypto_link_key_platform(kr);
	struct sweep *s = xcalloc(1, sizeof(*s)); /* CLKs: not on the stack */
	struct db_conn *c = db_acquire(db);
	char after[UUID_STR_LEN] = "";
	enum err e = ERR_UNAVAILABLE;
	size_t done = 0, n = BATCH;

	s->kr = kr;
	s->schema = link_schema_person(k);
	if (c) {
		e = db_err(db_exec(c, &link_sql[LINK_FORGET_ERASED_ALERTS],
				   NULL, 0, NULL));
		if (e == ERR_OK)
			e = db_err(db_exec(c, &link_sql[LINK_FORGET_ERASED],
					   NULL, 0, NULL));
		/* The rest, if any, is the next run's. */
		while (e == ERR_OK && n > 0 && done < RUN_MAX) {
			e = watch_round(c, s, after, &n);
			done += n;
		}
		db_release(c);
	}
	*encoded = s->encoded;
	*alerts = s->alerts;
	explicit_bzero(s->fresh, sizeof(s->fresh));
	free(s->matches);
	link_schema_free(s->schema);
	free(s);
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

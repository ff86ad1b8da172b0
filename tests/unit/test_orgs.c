/*
 * Unit tests of member organisations on SQLite and PostgreSQL: every
 * field's refusals, NFC names, create and get, pages by cursor, duplicate
 * names and stale versions; and the ISO 3166 codes they rest on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testdb.h"

#include "base/arena.h"
#include "base/iso.h"
#include "orgs/orgs.h"

static void
fixture_prepare(struct fixture *f)
{
	char err[256];

	assert_int_equal(db_migrate(f->db, orgs_migrations, orgs_nmigrations,
				    err, sizeof(err)),
			 DB_OK);
}

/* Runs orgs_create in a transaction of its own. */
struct create_call {
	const struct org_input *in;
	struct org org;
	enum err e;
};

static enum db_status
create_tx(struct db_conn *c, void *arg)
{
	struct create_call *call = arg;

	call->e = orgs_create(c, call->in, &call->org);
	return call->e == ERR_OK ? DB_OK : DB_ERROR;
}

static enum err
create(struct db *db, const char *name, const char *type, const char *country,
       const char *subdivision, struct org *out)
{
	struct org_input in = { name, type, country, subdivision };
	struct create_call call = { .in = &in };

	db_tx(db, create_tx, &call);
	if (out)
		*out = call.org;
	return call.e;
}

struct get_call {
	const char *id;
	struct org org;
	enum err e;
};

static enum db_status
get_tx(struct db_conn *c, void *arg)
{
	struct get_call *call = arg;

	call->e = orgs_get(c, call->id, &call->org);
	return DB_OK;
}

static enum err
get(struct db *db, const char *id, struct org *out)
{
	struct get_call call = { .id = id };

	assert_int_equal(db_tx(db, get_tx, &call), DB_OK);
	if (out)
		*out = call.org;
	return call.e;
}

struct list_call {
	const char *cursor;
	int limit;
	const struct orgs_filter *filter;
	struct arena *arena;
	struct org_page page;
	enum err e;
};

static enum db_status
list_tx(struct db_conn *c, void *arg)
{
	struct list_call *call = arg;

	call->e = orgs_list(c, call->cursor, call->limit, call->filter,
			    call->arena, &call->page);
	return DB_OK;
}

static enum err
list(struct db *db, const char *cursor, int limit,
     const struct orgs_filter *filter, struct arena *a, struct org_page *out)
{
	struct list_call call = { cursor, limit, filter, a, { 0 }, ERR_OK };

	assert_int_equal(db_tx(db, list_tx, &call), DB_OK);
	*out = call.page;
	return call.e;
}

struct status_call {
	const char *id;
	enum org_status status;
	long long version;
	struct org org;
	enum err e;
};

static enum db_status
status_tx(struct db_conn *c, void *arg)
{
	struct status_call *call = arg;

	call->e = orgs_set_status(c, call->id, call->status, call->version,
				  &call->org);
	return call->e == ERR_OK ? DB_OK : DB_ERROR;
}

/* Validates and asserts that exactly field was refused, with message. */
static void
assert_refused(const char *name, const char *type, const char *country,
	       const char *subdivision, const char *field, const char *message)
{
	struct org_input in = { name, type, country, subdivision };
	struct org_errors errs;

	assert_int_equal(orgs_validate(&in, &errs), ERR_INVALID);
	if (errs.n != 1)
		fail_msg("expected one refusal (%s), got %d", field, errs.n);
	assert_string_equal(errs.v[0].field, field);
	if (message)
		assert_string_equal(errs.v[0].message, message);
}

static void
assert_valid(const char *name, const char *type, const char *country,
	     const char *subdivision)
{
	struct org_input in = { name, type, country, subdivision };
	struct org_errors errs;

	if (orgs_validate(&in, &errs) != ERR_OK)
		fail_msg("refused %s: %s", errs.n ? errs.v[0].field : "?",
			 errs.n ? errs.v[0].message : "?");
	assert_int_equal(errs.n, 0);
}

/* A string of n copies of unit; caller frees. */
static char *
repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static void
the_name_is_refused_when_empty_too_long_or_with_control_characters(void **state)
{
	char *s;

	(void)state;
	assert_refused(NULL, "shelter", "NP", NULL, "name", "is required");
	assert_refused("", "shelter", "NP", NULL, "name", "is required");
	assert_refused(" \t\r\n ", "shelter", "NP", NULL, "name",
		       "is required");
	/* Invisible characters alone make no name. */
	assert_refused("\u200b\u00ad", "shelter", "NP", NULL, "name",
		       "is required");
	assert_refused("\u00a0 \u00a0", "shelter", "NP", NULL, "name",
		       "is required");
	/* 200 characters, not bytes: Devanagari takes three bytes each. */
	s = repeat("\u0915", 200);
	assert_valid(s, "shelter", "NP", NULL);
	free(s);
	s = repeat("\u0915", 201);
	assert_refused(s, "shelter", "NP", NULL, "name",
		       "must be at most 200 characters");
	free(s);
	s = repeat("a", 201);
	assert_refused(s, "shelter", "NP", NULL, "name",
		       "must be at most 200 characters");
	free(s);
	s = repeat("a", 100000);
	assert_refused(s, "shelter", "NP", NULL, "name",
		       "must be at most 200 characters");
	free(s);
	/* Surrounding whitespace does not count. */
	s = repeat(" ", 300);
	s[150] = 'x';
	assert_valid(s, "shelter", "NP", NULL);
	free(s);
	static const char *const controls[] = {
		"Shakti\x01Shelter",	 "Shakti\tShelter",
		"Shakti\nShelter",	 "Shakti\x7fShelter",
		"Shakti\xc2\x85Shelter", "Shakti\u2028Shelter",
		"Shakti\u202eShelter",	 "Shakti\u2066Shelter",
	};
	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++)
		assert_refused(controls[i], "shelter", "NP", NULL, "name",
			       "must not contain control characters");
	assert_refused("Shakti \xff Shelter", "shelter", "NP", NULL, "name",
		       "must be valid UTF-8");
	assert_refused("Shakti \xc3", "shelter", "NP", NULL, "name",
		       "must be valid UTF-8");
	/* Joiners are letters' business in Indic scripts: Sinhala "Sri". */
	assert_valid("\u0dc1\u0dca\u200d\u0dbb\u0dd3 Shelter", "shelter", "LK",
		     NULL);
}

static void
the_type_must_be_one_of_the_list(void **state)
{
	int t;

	(void)state;
	assert_refused("Shakti", NULL, "NP", NULL, "type", "is required");
	assert_refused("Shakti", "", "NP", NULL, "type", "is required");
	assert_refused("Shakti", "police", "NP", NULL, "type", NULL);
	assert_refused("Shakti", "Shelter", "NP", NULL, "type", NULL);
	assert_refused("Shakti", "shelter ", "NP", NULL, "type", NULL);
	for (t = 0; t < ORG_TYPE_COUNT; t++)
		assert_valid("Shakti", orgs_type_name((enum org_type)t), "NP",
			     NULL);
}

static void
the_country_must_be_an_iso_3166_1_code(void **state)
{
	(void)state;
	assert_refused("Shakti", "shelter", NULL, NULL, "country",
		       "is required");
	assert_refused("Shakti", "shelter", "", NULL, "country", "is required");
	assert_refused("Shakti", "shelter", "N", NULL, "country",
		       "must be an ISO 3166-1 alpha-2 code, such as NP");
	assert_refused("Shakti", "shelter", "NPL", NULL, "country",
		       "must be an ISO 3166-1 alpha-2 code, such as NP");
	assert_refused("Shakti", "shelter", "N1", NULL, "country",
		       "must be an ISO 3166-1 alpha-2 code, such as NP");
	assert_refused("Shakti", "shelter", "Nepal", NULL, "country", NULL);
	assert_refused("Shakti", "shelter", "XX", NULL, "country",
		       "is not an ISO 3166-1 country code");
	assert_refused("Shakti", "shelter", "UK", NULL, "country",
		       "is not an ISO 3166-1 country code");
	assert_valid("Shakti", "shelter", "NP", NULL);
	assert_valid("Shakti", "shelter", "np", NULL);
	assert_valid("Shakti", "shelter", "GB", NULL);
}

static void
the_subdivision_must_belong_to_the_country(void **state)
{
	(void)state;
	assert_valid("Shakti", "shelter", "NP", "NP-P3");
	assert_valid("Shakti", "shelter", "NP", "np-p3");
	assert_valid("Shakti", "shelter", "NP", "");
	assert_valid("Shakti", "shelter", "IN", "IN-MH");
	assert_valid("Shakti", "shelter", "LK", "LK-1");
	assert_refused("Shakti", "shelter", "NP", "IN-MH", "subdivision",
		       "is not a subdivision of that country");
	assert_refused("Shakti", "shelter", "NP", "NP-ZZ", "subdivision", NULL);
	assert_refused("Shakti", "shelter", "NP", "NP-P3X", "subdivision",
		       NULL);
	assert_refused("Shakti", "shelter", "NP", "P3", "subdivision", NULL);
	assert_refused("Shakti", "shelter", "NP", "NP", "subdivision", NULL);
	assert_refused("Shakti", "shelter", "NP", "NP-", "subdivision", NULL);
}

static void
every_refused_field_is_reported_at_once(void **state)
{
	struct fixture *f = *state;
	struct org_input in = { "", "spy_agency", "Nowhere", "XX-1" };
	struct org_errors errs;

	assert_int_equal(orgs_validate(&in, &errs), ERR_INVALID);
	assert_int_equal(errs.n, 4);
	assert_string_equal(errs.v[0].field, "name");
	assert_string_equal(errs.v[1].field, "type");
	assert_string_equal(errs.v[2].field, "country");
	assert_string_equal(errs.v[3].field, "subdivision");
	/* Refused input never reaches the database. */
	assert_int_equal(create(f->db, "", "x", "Nowhere", NULL, NULL),
			 ERR_INVALID);
}

static void
a_name_is_trimmed_and_stored_in_nfc(void **state)
{
	struct fixture *f = *state;
	struct org o, back;

	/* "Café" with a combining acute, and Devanagari KA + NUKTA (QA). */
	assert_int_equal(create(f->db, "  Cafe\u0301 \u0915\u093c Shelter\t",
				"shelter", "np", "np-p3", &o),
			 ERR_OK);
	assert_string_equal(o.name, "Caf\u00e9 \u0915\u093c Shelter");
	assert_int_equal(get(f->db, o.id, &back), ERR_OK);
	assert_string_equal(back.name, "Caf\u00e9 \u0915\u093c Shelter");
	assert_string_equal(back.country, "NP");
	assert_string_equal(back.subdivision, "NP-P3");
}

static void
create_then_get_returns_the_same_organisation(void **state)
{
	struct fixture *f = *state;
	struct org o, back;
	char upper[UUID_STR_LEN];
	size_t i;

	assert_int_equal(create(f->db, "Demo Unit", "law_enforcement", "NP",
				NULL, &o),
			 ERR_OK);
	assert_true(uuid_valid(str_of(o.id)));
	assert_int_equal(o.id[14], '7'); /* UUIDv7 */
	assert_int_equal(o.version, 1);
	assert_int_equal(o.status, ORG_ACTIVE);
	assert_false(o.verified);
	assert_string_equal(o.subdivision, "");
	assert_int_equal(strlen(o.created_at), TIME_RFC3339_LEN - 1);
	assert_int_equal(o.created_at[TIME_RFC3339_LEN - 2], 'Z');
	assert_string_equal(o.created_at, o.updated_at);

	assert_int_equal(get(f->db, o.id, &back), ERR_OK);
	assert_string_equal(back.id, o.id);
	assert_string_equal(back.name, "Demo Unit");
	assert_int_equal(back.type, ORG_LAW_ENFORCEMENT);
	assert_string_equal(back.country, "NP");
	assert_string_equal(back.subdivision, "");
	assert_false(back.verified);
	assert_int_equal(back.status, ORG_ACTIVE);
	assert_string_equal(back.created_at, o.created_at);
	assert_string_equal(back.updated_at, o.updated_at);
	assert_int_equal(back.version, 1);

	/* Ids are case-insensitive on the way in. */
	for (i = 0; i < UUID_STR_LEN; i++)
		upper[i] = o.id[i] >= 'a' && o.id[i] <= 'f'
				   ? (char)(o.id[i] - 32)
				   : o.id[i];
	assert_int_equal(get(f->db, upper, NULL), ERR_OK);
}

static void
an_unknown_or_malformed_id_is_not_found(void **state)
{
	struct fixture *f = *state;
	char id[UUID_STR_LEN];

	uuid_v7(id);
	assert_int_equal(get(f->db, id, NULL), ERR_NOT_FOUND);
	assert_int_equal(get(f->db, "not-a-uuid", NULL), ERR_NOT_FOUND);
	assert_int_equal(get(f->db, "", NULL), ERR_NOT_FOUND);
	assert_int_equal(get(f->db, NULL, NULL), ERR_NOT_FOUND);
	assert_int_equal(get(f->db, "' OR 1=1 --", NULL), ERR_NOT_FOUND);
}

enum { NPAGED = 7 };

static void
lists_page_by_cursor_in_id_order(void **state)
{
	struct fixture *f = *state;
	struct org made[NPAGED];
	struct org_page p;
	struct arena a;
	char cursor[UUID_STR_LEN] = "", prev[UUID_STR_LEN] = "", name[32];
	int i, seen = 0, pages = 0;

	arena_init(&a);
	assert_int_equal(list(f->db, NULL, 0, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.next_cursor, "");
	for (i = 0; i < NPAGED; i++) {
		snprintf(name, sizeof(name), "Org %d", i);
		assert_int_equal(create(f->db, name, "civil_society", "IN",
					NULL, &made[i]),
				 ERR_OK);
	}
	do {
		assert_int_equal(list(f->db, cursor, 3, NULL, &a, &p), ERR_OK);
		assert_true(p.n <= 3);
		/* Strictly increasing ids: none repeated across pages. */
		for (i = 0; i < (int)p.n; i++, seen++) {
			assert_true(strcmp(prev, p.items[i].id) < 0);
			memcpy(prev, p.items[i].id, UUID_STR_LEN);
		}
		/* The cursor is the last id of the page. */
		if (p.next_cursor[0])
			assert_string_equal(p.next_cursor, prev);
		memcpy(cursor, p.next_cursor, UUID_STR_LEN);
		pages++;
		arena_clear(&a);
	} while (cursor[0]);
	assert_int_equal(seen, NPAGED);
	assert_int_equal(pages, 3); /* 3 + 3 + 1 */

	/* Every organisation once, whatever the page size. */
	assert_int_equal(list(f->db, NULL, 0, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, NPAGED);
	assert_string_equal(p.next_cursor, "");
	for (i = 0; i < NPAGED; i++) {
		int j, found = 0;

		for (j = 0; j < NPAGED; j++)
			found += !strcmp(p.items[j].id, made[i].id);
		assert_int_equal(found, 1);
	}
	/* A page that ends exactly at the end says there is no next one. */
	assert_int_equal(list(f->db, NULL, NPAGED, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, NPAGED);
	assert_string_equal(p.next_cursor, "");
	assert_int_equal(list(f->db, NULL, NPAGED - 1, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, NPAGED - 1);
	assert_string_not_equal(p.next_cursor, "");
	assert_int_equal(list(f->db, p.next_cursor, 1, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.next_cursor, "");
	arena_release(&a);
}

static void
list_limits_and_cursors_are_checked(void **state)
{
	struct fixture *f = *state;
	struct org_page p;
	struct arena a;

	arena_init(&a);
	assert_int_equal(create(f->db, "Only", "academic", "LK", NULL, NULL),
			 ERR_OK);
	assert_int_equal(list(f->db, NULL, 1, NULL, &a, &p), ERR_OK);
	assert_int_equal(list(f->db, NULL, ORGS_LIST_MAX, NULL, &a, &p),
			 ERR_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(list(f->db, NULL, ORGS_LIST_MAX + 1, NULL, &a, &p),
			 ERR_INVALID);
	assert_int_equal(p.n, 0);
	assert_int_equal(list(f->db, NULL, -1, NULL, &a, &p), ERR_INVALID);
	assert_int_equal(list(f->db, "garbage", 10, NULL, &a, &p), ERR_INVALID);
	assert_int_equal(list(f->db, "' OR 1=1 --", 10, NULL, &a, &p),
			 ERR_INVALID);
	/* "" is the first page, like NULL. */
	assert_int_equal(list(f->db, "", 10, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, 1);
	arena_release(&a);
}

static void
lists_filter_by_country_type_and_status(void **state)
{
	struct fixture *f = *state;
	struct orgs_filter np = { .country = "np" },
			   shelters = { .type = "shelter" },
			   suspended = { .status = "suspended" },
			   np_police = { .country = "NP",
					 .type = "law_enforcement",
					 .status = "active" };
	struct status_call sc = { .status = ORG_SUSPENDED, .version = 1 };
	struct org_page p;
	struct org o;
	struct arena a;

	arena_init(&a);
	assert_int_equal(create(f->db, "A", "shelter", "NP", NULL, NULL),
			 ERR_OK);
	assert_int_equal(create(f->db, "B", "law_enforcement", "NP", NULL, &o),
			 ERR_OK);
	assert_int_equal(create(f->db, "C", "shelter", "IN", NULL, NULL),
			 ERR_OK);
	sc.id = o.id;
	assert_int_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(list(f->db, NULL, 0, &np, &a, &p), ERR_OK);
	assert_int_equal(p.n, 2);
	assert_int_equal(list(f->db, NULL, 0, &shelters, &a, &p), ERR_OK);
	assert_int_equal(p.n, 2);
	assert_int_equal(list(f->db, NULL, 0, &suspended, &a, &p), ERR_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].name, "B");
	assert_int_equal(list(f->db, NULL, 0, &np_police, &a, &p), ERR_OK);
	assert_int_equal(p.n, 0);
	np_police.status = NULL;
	assert_int_equal(list(f->db, NULL, 0, &np_police, &a, &p), ERR_OK);
	assert_int_equal(p.n, 1);
	np_police.country = "XX";
	assert_int_equal(list(f->db, NULL, 0, &np_police, &a, &p), ERR_INVALID);
	np_police.country = NULL;
	np_police.type = "police";
	assert_int_equal(list(f->db, NULL, 0, &np_police, &a, &p), ERR_INVALID);
	np_police.type = NULL;
	np_police.status = "closed";
	assert_int_equal(list(f->db, NULL, 0, &np_police, &a, &p), ERR_INVALID);
	arena_release(&a);
}

static void
a_name_is_unique_per_country_ignoring_case_and_spacing(void **state)
{
	struct fixture *f = *state;
	struct org_page p;
	struct arena a;

	assert_int_equal(create(f->db, "Shakti Shelter", "shelter", "NP",
				"NP-P3", NULL),
			 ERR_OK);
	assert_int_equal(create(f->db, "Shakti Shelter", "shelter", "NP", NULL,
				NULL),
			 ERR_CONFLICT);
	assert_int_equal(create(f->db, "shakti   SHELTER", "civil_society",
				"NP", NULL, NULL),
			 ERR_CONFLICT);
	/* Full-width letters are the same name (NFKC). */
	assert_int_equal(create(f->db,
				"\uff33\uff48\uff41\uff4b\uff54\uff49 Shelter",
				"shelter", "NP", NULL, NULL),
			 ERR_CONFLICT);
	/* Another country may have its own. */
	assert_int_equal(create(f->db, "Shakti Shelter", "shelter", "IN", NULL,
				NULL),
			 ERR_OK);
	assert_int_equal(create(f->db, "Shakti Shelter 2", "shelter", "NP",
				NULL, NULL),
			 ERR_OK);
	arena_init(&a);
	assert_int_equal(list(f->db, NULL, 0, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, 3);
	arena_release(&a);
}

struct two_creates {
	enum err first, second;
};

static enum db_status
duplicate_then_new_tx(struct db_conn *c, void *arg)
{
	struct two_creates *t = arg;
	struct org_input dup = { "Maiti Home", "shelter", "NP", NULL };
	struct org_input fresh = { "Maiti Home Two", "shelter", "NP", NULL };
	struct org o;

	t->first = orgs_create(c, &dup, &o);
	t->second = orgs_create(c, &fresh, &o);
	return DB_OK;
}

static void
a_conflict_leaves_the_transaction_usable(void **state)
{
	struct fixture *f = *state;
	struct two_creates t;
	struct org_page p;
	struct arena a;

	assert_int_equal(create(f->db, "Maiti Home", "shelter", "NP", NULL,
				NULL),
			 ERR_OK);
	/* On PostgreSQL an error would abort the rest of the transaction. */
	assert_int_equal(db_tx(f->db, duplicate_then_new_tx, &t), DB_OK);
	assert_int_equal(t.first, ERR_CONFLICT);
	assert_int_equal(t.second, ERR_OK);
	arena_init(&a);
	assert_int_equal(list(f->db, NULL, 0, NULL, &a, &p), ERR_OK);
	assert_int_equal(p.n, 2);
	arena_release(&a);
}

static void
set_status_bumps_the_version_and_refuses_a_stale_one(void **state)
{
	struct fixture *f = *state;
	struct status_call sc = { .status = ORG_SUSPENDED, .version = 1 };
	struct org o, back;
	char unknown[UUID_STR_LEN];

	assert_int_equal(create(f->db, "Border Post", "border_force", "BD",
				NULL, &o),
			 ERR_OK);
	sc.id = o.id;
	assert_int_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.e, ERR_OK);
	assert_int_equal(sc.org.status, ORG_SUSPENDED);
	assert_int_equal(sc.org.version, 2);
	assert_string_equal(sc.org.created_at, o.created_at);
	assert_true(strcmp(sc.org.updated_at, o.created_at) >= 0);
	assert_int_equal(get(f->db, o.id, &back), ERR_OK);
	assert_int_equal(back.status, ORG_SUSPENDED);
	assert_int_equal(back.version, 2);

	/* The same version again is stale now. */
	sc.status = ORG_ACTIVE;
	assert_int_not_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.e, ERR_CONFLICT);
	sc.version = 99;
	assert_int_not_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.e, ERR_CONFLICT);
	assert_int_equal(get(f->db, o.id, &back), ERR_OK);
	assert_int_equal(back.status, ORG_SUSPENDED);
	assert_int_equal(back.version, 2);
	sc.version = 2;
	assert_int_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.org.status, ORG_ACTIVE);
	assert_int_equal(sc.org.version, 3);

	uuid_v7(unknown);
	sc.id = unknown;
	assert_int_not_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.e, ERR_NOT_FOUND);
	sc.id = "nope";
	assert_int_not_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.e, ERR_NOT_FOUND);
	sc.id = o.id;
	sc.version = 3;
	sc.status = (enum org_status)7;
	assert_int_not_equal(db_tx(f->db, status_tx, &sc), DB_OK);
	assert_int_equal(sc.e, ERR_INVALID);
	assert_int_equal(get(f->db, o.id, &back), ERR_OK);
	assert_int_equal(back.version, 3);
}

static void
types_map_to_htcds_org_type_values(void **state)
{
	/* The org_Type picklist of HTCDS v2.0 (value names). */
	static const char *const htcds[] = {
		"NGO",
		"LawEnforcement",
		"HealthServiceOrganisation",
		"CentralGovernmentOrganisation",
		"LocalGovernmentOrganisation",
		"ImmigrationService",
		"LegalService",
		"CorporateBusiness",
		"SchoolOrCollege",
	};
	enum org_type t;
	int i;

	(void)state;
	for (i = 0; i < ORG_TYPE_COUNT; i++) {
		const char *v = orgs_type_htcds((enum org_type)i);
		size_t j, known = 0;

		assert_non_null(v);
		assert_non_null(orgs_type_htcds_label((enum org_type)i));
		for (j = 0; j < sizeof(htcds) / sizeof(htcds[0]); j++)
			known += !strcmp(v, htcds[j]);
		if (known != 1)
			fail_msg("%s maps to %s, not an HTCDS org_Type",
				 orgs_type_name((enum org_type)i), v);
		assert_true(
			orgs_type_parse(orgs_type_name((enum org_type)i), &t));
		assert_int_equal(t, i);
	}
	assert_string_equal(orgs_type_htcds(ORG_LAW_ENFORCEMENT),
			    "LawEnforcement");
	assert_string_equal(orgs_type_htcds_label(ORG_LAW_ENFORCEMENT),
			    "Law Enforcement");
	assert_string_equal(orgs_type_htcds(ORG_BORDER_FORCE),
			    "ImmigrationService");
	assert_string_equal(orgs_type_htcds(ORG_CIVIL_SOCIETY), "NGO");
	assert_null(orgs_type_htcds(ORG_TYPE_COUNT));
	assert_null(orgs_type_name(ORG_TYPE_COUNT));
	assert_false(orgs_type_parse("nope", &t));
	assert_false(orgs_type_parse(NULL, &t));
}

static void
iso_codes_come_from_the_iso_codes_package(void **state)
{
	char err[256];

	(void)state;
	assert_true(iso_load(err, sizeof(err)));
	assert_true(iso_country_valid("NP"));
	assert_true(iso_country_valid("IN"));
	assert_true(iso_country_valid("LK"));
	assert_true(iso_country_valid("BD"));
	assert_false(iso_country_valid("np"));
	assert_false(iso_country_valid("XX"));
	assert_false(iso_country_valid("NPL"));
	assert_false(iso_country_valid(""));
	assert_false(iso_country_valid(NULL));
	assert_true(iso_subdivision_valid("NP", "NP-P3"));
	assert_true(iso_subdivision_valid("IN", "IN-MH"));
	assert_true(iso_subdivision_valid("LK", "LK-1"));
	assert_false(iso_subdivision_valid("IN", "NP-P3"));
	assert_false(iso_subdivision_valid("NP", "NP-P9"));
	assert_false(iso_subdivision_valid("NP", "np-p3"));
	assert_false(iso_subdivision_valid("NP", NULL));
	assert_false(iso_subdivision_valid(NULL, "NP-P3"));
	assert_string_equal(iso_country_name("NP"), "Nepal");
	assert_string_equal(iso_country_name("BO"), "Bolivia");
	assert_null(iso_country_name("XX"));
	assert_string_equal(iso_subdivision_name("IN-MH"),
			    "Mah\u0101r\u0101shtra");
	assert_null(iso_subdivision_name("IN-ZZ"));
}

#define TESTS(X)                                                              \
	X(the_name_is_refused_when_empty_too_long_or_with_control_characters) \
	X(the_type_must_be_one_of_the_list)                                   \
	X(the_country_must_be_an_iso_3166_1_code)                             \
	X(the_subdivision_must_belong_to_the_country)                         \
	X(every_refused_field_is_reported_at_once)                            \
	X(a_name_is_trimmed_and_stored_in_nfc)                                \
	X(create_then_get_returns_the_same_organisation)                      \
	X(an_unknown_or_malformed_id_is_not_found)                            \
	X(lists_page_by_cursor_in_id_order)                                   \
	X(list_limits_and_cursors_are_checked)                                \
	X(lists_filter_by_country_type_and_status)                            \
	X(a_name_is_unique_per_country_ignoring_case_and_spacing)             \
	X(a_conflict_leaves_the_transaction_usable)                           \
	X(set_status_bumps_the_version_and_refuses_a_stale_one)               \
	X(types_map_to_htcds_org_type_values)                                 \
	X(iso_codes_come_from_the_iso_codes_package)

int
main(void)
{
	return TESTDB_RUN("orgs", TESTS);
}

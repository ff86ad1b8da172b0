/*
 * The service directory of `atip demo`: the Pune shelter's beds at a
 * confidential address the Kathmandu unit may refer to, counselling and
 * legal aid, a repatriation desk in Kathmandu, livelihood training in
 * Colombo, a helpline at the Bangladesh border.  All fictional.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "services/services.h"

enum { KTM, PUNE, COLOMBO, BORDER };

struct demo_services {
	struct db_conn *c;
	struct arena *a;
	enum err e;
};

static json_t *
parse(struct demo_services *d, const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	if (!v)
		d->e = ERR_INTERNAL;
	return v;
}

/* A location of org from JSON text; its id into id. */
static void
place(struct demo_services *d, const struct org *org, const char *text,
      const char *referrer, char id[UUID_STR_LEN])
{
	struct coord_errors errs = { 0 };
	json_t *v = d->e == ERR_OK ? parse(d, text) : NULL;
	json_t *refs = json_array();
	struct location_input in;
	struct location l;

	if (!v) {
		json_decref(refs);
		return;
	}
	if (referrer)
		json_array_append_new(refs, json_string(referrer));
	in = (struct location_input){
		.name = json_string_value(json_object_get(v, "name")),
		.address = json_string_value(json_object_get(v, "address")),
		.city = json_string_value(json_object_get(v, "city")),
		.country = org->country,
		.district = json_object_get(v, "district"),
		.latitude = json_object_get(v, "latitude"),
		.longitude = json_object_get(v, "longitude"),
		.confidential = json_object_get(v, "confidential"),
		.referrers = refs,
	};
	d->e = services_location_create(d->c, d->a, org->id, &in, &l, &errs);
	if (d->e == ERR_OK)
		memcpy(id, l.id, UUID_STR_LEN);
	json_decref(refs);
	json_decref(v);
}

/* A service of org at location (may be NULL), with vacancies or -1. */
static void
offer(struct demo_services *d, const struct org *org, const char *location,
      const char *text, long long vacancies)
{
	struct coord_errors errs = { 0 };
	json_t *v = d->e == ERR_OK ? parse(d, text) : NULL;
	json_t *loc = location ? json_string(location) : NULL;
	struct service_input in;
	struct service s;

	if (!v) {
		json_decref(loc);
		return;
	}
	in = (struct service_input){
		.location_id = loc,
		.type = json_string_value(json_object_get(v, "type")),
		.name = json_string_value(json_object_get(v, "name")),
		.description =
			json_string_value(json_object_get(v, "description")),
		.phone = json_object_get(v, "phone"),
		.hours = json_object_get(v, "hours"),
		.genders = json_object_get(v, "genders"),
		.languages = json_object_get(v, "languages"),
		.minimum_age = json_object_get(v, "minimum_age"),
		.maximum_age = json_object_get(v, "maximum_age"),
		.capacity = json_object_get(v, "capacity"),
	};
	d->e = services_create(d->c, d->a, org->id, &in, &s, &errs);
	if (d->e == ERR_OK && vacancies >= 0)
		d->e = services_vacancies(d->c, d->a, s.id, vacancies, &s,
					  &errs);
	json_decref(loc);
	json_decref(v);
}

enum err
cli_demo_services(struct db_conn *c, const struct org *orgs)
{
	struct arena a;
	struct demo_services d = { c, &a, ERR_OK };
	char home[UUID_STR_LEN] = "", desk[UUID_STR_LEN] = "";
	char centre[UUID_STR_LEN] = "", post[UUID_STR_LEN] = "";

	arena_init(&a);
	place(&d, &orgs[PUNE],
	      "{\"name\": \"Safe home (fictional)\", \"address\": \"Lane 4, "
	      "house 12 (fictional)\", \"city\": \"Pune\", \"district\": "
	      "\"IN-MH-pune\", \"latitude\": 18.5204, \"longitude\": 73.8567,"
	      " \"confidential\": true}",
	      orgs[KTM].id, home);
	offer(&d, &orgs[PUNE], home,
	      "{\"type\": \"shelter\", \"name\": \"Shelter beds for women and "
	      "girls (fictional)\", \"description\": \"Safe stay, meals and "
	      "care while a case is settled.\", \"genders\": [\"female\"],"
	      " \"minimum_age\": 12, \"languages\": [\"hi\", \"mr\", \"ne\","
	      " \"bn\"], \"capacity\": 24, \"hours\": \"Day and night, "
	      "every day\"}",
	      3);
	offer(&d, &orgs[PUNE], home,
	      "{\"type\": \"psychosocial\", \"name\": \"Trauma counselling "
	      "(fictional)\", \"genders\": [\"female\"], \"languages\": "
	      "[\"hi\", \"ne\"]}",
	      -1);
	place(&d, &orgs[KTM],
	      "{\"name\": \"Repatriation desk (fictional)\", \"address\": "
	      "\"Ward 10 office (fictional)\", \"city\": \"Kathmandu\","
	      " \"district\": \"NP-P3-kathmandu\", \"latitude\": 27.7172,"
	      " \"longitude\": 85.324}",
	      NULL, desk);
	offer(&d, &orgs[KTM], desk,
	      "{\"type\": \"repatriation\", \"name\": \"Return and family "
	      "tracing (fictional)\", \"languages\": [\"ne\", \"en\"]}",
	      -1);
	offer(&d, &orgs[KTM], desk,
	      "{\"type\": \"legal_aid\", \"name\": \"Legal aid for survivors "
	      "(fictional)\", \"languages\": [\"ne\"], \"minimum_age\": 0}",
	      -1);
	place(&d, &orgs[COLOMBO],
	      "{\"name\": \"Training centre (fictional)\", \"address\": "
	      "\"Galle Road (fictional)\", \"city\": \"Colombo\","
	      " \"district\": \"LK-11\", \"latitude\": 6.9271, \"longitude\":"
	      " 79.8612}",
	      NULL, centre);
	offer(&d, &orgs[COLOMBO], centre,
	      "{\"type\": \"livelihood\", \"name\": \"Tailoring and "
	      "book-keeping courses (fictional)\", \"minimum_age\": 16,"
	      " \"languages\": [\"si\", \"ta\", \"en\"], \"capacity\": 30}",
	      8);
	place(&d, &orgs[BORDER],
	      "{\"name\": \"Border post (fictional)\", \"address\": "
	      "\"Checkpoint road (fictional)\", \"city\": \"Benapole\","
	      " \"district\": \"BD-22\", \"latitude\": 23.0422, \"longitude\":"
	      " 88.8947}",
	      NULL, post);
	offer(&d, &orgs[BORDER], post,
	      "{\"type\": \"helpline\", \"name\": \"Helpline for people "
	      "crossing (fictional)\", \"phone\": \"+880 1000 000000\","
	      " \"hours\": \"24 hours\","
	      " \"languages\": [\"bn\", \"hi\"]}",
	      -1);
	arena_release(&a);
	return d.e;
}

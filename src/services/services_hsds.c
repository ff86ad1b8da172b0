/*
 * The directory in HSDS 3.0 (Open Referral's Human Services Data
 * Specification): a service with its organization, languages, phone,
 * and service_at_locations holding the location and its address.  Parts
 * atip keeps without ids of their own get stable derived ones
 * (uuid_derived).  What HSDS has no field for travels as attributes, a
 * documented extension (docs/decisions.md): the service type
 * (link_type "atip_service_type"), eligible genders and nationalities,
 * vacancies, and a confidential location ("atip_confidential"), whose
 * address and position are left out for readers who may not refer there.
 */
#include <stdio.h>
#include <string.h>

#include "services/services_int.h"

static json_t *
attribute(const char *owner, const char *entity, const char *type,
	  const char *value)
{
	char id[UUID_STR_LEN];
	char part[200];

	snprintf(part, sizeof(part), "attribute/%s/%s", type, value);
	uuid_derived(owner, part, id);
	return json_pack("{ss ss ss ss ss}", "id", id, "link_id", owner,
			 "link_entity", entity, "link_type", type, "value",
			 value);
}

static json_t *
location_hsds(const struct location *l, bool open)
{
	char address[UUID_STR_LEN];
	json_t *o = json_pack("{ss ss ss ss ss}", "id", l->id, "location_type",
			      "physical", "organization_id", l->org_id, "name",
			      l->name, "description", l->description);
	json_t *attrs = json_array();

	if (open) {
		uuid_derived(l->id, "address", address);
		json_object_set_new(
			o, "addresses",
			json_pack("[{ss ss ss ss ss ss ss ss}]", "id", address,
				  "location_id", l->id, "address_1", l->address,
				  "city", l->city, "state_province",
				  l->subdivision ? l->subdivision : "",
				  "postal_code", "", "country", l->country,
				  "address_type", "physical"));
		if (l->geo.set) {
			json_object_set_new(
				o, "latitude",
				json_real((double)l->geo.lat_e4 / 10000));
			json_object_set_new(
				o, "longitude",
				json_real((double)l->geo.lon_e4 / 10000));
		}
	}
	if (l->confidential)
		json_array_append_new(attrs,
				      attribute(l->id, "location",
						"atip_confidential", "true"));
	json_object_set_new(o, "attributes", attrs);
	return o;
}

json_t *
services_hsds(const struct service *s, const struct org *org, bool open)
{
	char id[UUID_STR_LEN], about[200];
	json_t *langs = json_array(), *attrs = json_array();
	json_t *o = json_pack("{ss ss ss ss ss ss}", "id", s->id,
			      "organization_id", s->org_id, "name", s->name,
			      "description", s->description, "status",
			      s->active ? "active" : "inactive",
			      "last_modified", s->updated_at);

	if (s->email)
		json_object_set_new(o, "email", json_string(s->email));
	if (s->url)
		json_object_set_new(o, "url", json_string(s->url));
	if (s->min_age >= 0)
		json_object_set_new(o, "minimum_age", json_integer(s->min_age));
	if (s->max_age >= 0)
		json_object_set_new(o, "maximum_age", json_integer(s->max_age));
	snprintf(about, sizeof(about), "%s (%s), a member of atip",
		 orgs_type_htcds_label(org->type), org->country);
	json_object_set_new(o, "organization",
			    json_pack("{ss ss ss}", "id", org->id, "name",
				      org->name, "description", about));
	if (s->phone) {
		uuid_derived(s->id, "phone", id);
		json_object_set_new(o, "phones",
				    json_pack("[{ss ss ss}]", "id", id,
					      "service_id", s->id, "number",
					      s->phone));
	}
	if (s->hours) {
		uuid_derived(s->id, "schedule", id);
		json_object_set_new(o, "schedules",
				    json_pack("[{ss ss ss}]", "id", id,
					      "service_id", s->id,
					      "description", s->hours));
	}
	for (size_t i = 0; i < s->nlanguages; i++) {
		char part[16];

		snprintf(part, sizeof(part), "language/%s", s->languages[i]);
		uuid_derived(s->id, part, id);
		json_array_append_new(
			langs, json_pack("{ss ss ss}", "id", id, "service_id",
					 s->id, "code", s->languages[i]));
	}
	json_object_set_new(o, "languages", langs);
	json_array_append_new(attrs,
			      attribute(s->id, "service", "atip_service_type",
					service_type_name(s->type)));
	for (size_t i = 0; i < s->ngenders; i++)
		json_array_append_new(attrs, attribute(s->id, "service",
						       "atip_eligible_gender",
						       s->genders[i]));
	for (size_t i = 0; i < s->nnationalities; i++)
		json_array_append_new(attrs,
				      attribute(s->id, "service",
						"atip_eligible_nationality",
						s->nationalities[i]));
	if (s->vacancies >= 0) {
		char v[24];

		snprintf(v, sizeof(v), "%lld", s->vacancies);
		json_array_append_new(attrs, attribute(s->id, "service",
						       "atip_vacancies", v));
	}
	json_object_set_new(o, "attributes", attrs);
	if (s->location) {
		uuid_derived(s->id, "service_at_location", id);
		json_object_set_new(
			o, "service_at_locations",
			json_pack("[{ss ss ss so}]", "id", id, "service_id",
				  s->id, "location_id", s->location->id,
				  "location",
				  location_hsds(s->location, open)));
	}
	return o;
}

/* ---- import ---- */

static bool
is_type(json_t *attribute, const char *type)
{
	const char *t =
		json_string_value(json_object_get(attribute, "link_type"));

	return t && !strcmp(t, type);
}

/* The value of the first attribute of link_type type, or NULL. */
static const char *
attr(json_t *o, const char *type)
{
	size_t i;
	json_t *a;

	json_array_foreach (json_object_get(o, "attributes"), i, a)
		if (is_type(a, type))
			return json_string_value(json_object_get(a, "value"));
	return NULL;
}

/* Every attribute value of link_type type, as a JSON array of strings. */
static json_t *
attrs(json_t *o, const char *type)
{
	json_t *out = json_array(), *a;
	size_t i;

	json_array_foreach (json_object_get(o, "attributes"), i, a)
		if (is_type(a, type))
			json_array_append(out, json_object_get(a, "value"));
	return out;
}

/* Records errs under "items[i]." so a 422 names where in the file. */
static void
prefix(struct arena *a, size_t i, const struct coord_errors *in,
       struct coord_errors *out)
{
	for (int k = 0; k < in->n; k++)
		coord_error(out,
			    arena_printf(a, "items[%zu].%s", i, in->v[k].field),
			    in->v[k].message);
}

/* One HSDS service (and its first location) into org_id's directory. */
static enum err
import_one(struct db_conn *c, struct arena *a, const char *org_id, json_t *v,
	   struct coord_errors *errs)
{
	json_t *sal =
		json_array_get(json_object_get(v, "service_at_locations"), 0);
	json_t *loc = json_object_get(sal, "location");
	json_t *addr = json_array_get(json_object_get(loc, "addresses"), 0);
	json_t *langs = json_array(), *x, *genders, *nats, *locid = NULL;
	struct service_input in = { 0 };
	struct service s;
	const char *vac;
	size_t i;
	enum err e = ERR_OK;

	if (!json_is_object(v)) {
		coord_error(errs, "service", "must be an HSDS service object");
		json_decref(langs);
		return ERR_INVALID;
	}
	if (loc) {
		const char *conf = attr(loc, "atip_confidential");
		json_t *subdivision = json_object_get(addr, "state_province");
		struct location_input li = {
			.name = json_string_value(json_object_get(loc, "name")),
			.description = json_string_value(
				json_object_get(loc, "description")),
			.address = json_string_value(
				json_object_get(addr, "address_1")),
			.city = json_string_value(
				json_object_get(addr, "city")),
			.country = json_string_value(
				json_object_get(addr, "country")),
			.subdivision = json_string_length(subdivision)
					       ? subdivision
					       : NULL,
			.latitude = json_object_get(loc, "latitude"),
			.longitude = json_object_get(loc, "longitude"),
			.confidential = conf && !strcmp(conf, "true")
						? json_true()
						: json_false(),
		};
		struct location l;

		if (!li.country)
			coord_error(errs, "location.address",
				    "must give the country");
		else
			e = services_location_create(c, a, org_id, &li, &l,
						     errs);
		if (e == ERR_OK && !errs->n)
			locid = json_string(l.id);
	}
	json_array_foreach (json_object_get(v, "languages"), i, x)
		json_array_append(langs, json_object_get(x, "code"));
	genders = attrs(v, "atip_eligible_gender");
	nats = attrs(v, "atip_eligible_nationality");
	in = (struct service_input){
		.location_id = locid,
		.type = attr(v, "atip_service_type"),
		.name = json_string_value(json_object_get(v, "name")),
		.description =
			json_string_value(json_object_get(v, "description")),
		.status = json_string_value(json_object_get(v, "status")),
		.email = json_object_get(v, "email"),
		.url = json_object_get(v, "url"),
		.phone = json_object_get(
			json_array_get(json_object_get(v, "phones"), 0),
			"number"),
		.hours = json_object_get(
			json_array_get(json_object_get(v, "schedules"), 0),
			"description"),
		.genders = genders,
		.nationalities = nats,
		.languages = langs,
		.minimum_age = json_object_get(v, "minimum_age"),
		.maximum_age = json_object_get(v, "maximum_age"),
	};
	if (e == ERR_OK && !errs->n)
		e = services_create(c, a, org_id, &in, &s, errs);
	vac = attr(v, "atip_vacancies");
	if (e == ERR_OK && !errs->n && vac) {
		long long n;

		if (!str_to_i64(str_of(vac), 0, 100000, &n))
			coord_error(errs, "attributes",
				    "atip_vacancies must be a whole number");
		else
			e = services_vacancies(c, a, s.id, n, &s, errs);
	}
	json_decref(locid);
	json_decref(langs);
	json_decref(genders);
	json_decref(nats);
	return e == ERR_OK && errs->n ? ERR_INVALID : e;
}

enum err
services_hsds_import(struct db_conn *c, struct arena *a, const char *org_id,
		     json_t *items, long long *n, struct coord_errors *errs)
{
	size_t i;
	json_t *v;
	enum err e = ERR_OK;

	*n = 0;
	if (!json_is_array(items) || json_array_size(items) > 1000) {
		coord_error(errs, "items",
			    "must be a list of at most 1000 HSDS services");
		return ERR_INVALID;
	}
	json_array_foreach (items, i, v) {
		struct coord_errors one = { 0 };

		e = import_one(c, a, org_id, v, &one);
		if (e == ERR_INVALID)
			prefix(a, i, &one, errs);
		else if (e != ERR_OK)
			return e;
		else
			(*n)++;
	}
	/* All or nothing: the caller's transaction rolls back on errors. */
	return errs->n ? ERR_INVALID : ERR_OK;
}

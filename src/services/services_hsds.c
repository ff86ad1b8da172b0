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

/*
 * Reports and indicators out as a STIX 2.1 bundle (intel_stix.h), and the
 * tables the reader (intel_stix_read.c) shares.  Patterns are written in
 * intel_stix_pattern.c.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intel/intel_stix_int.h"

const struct intel_stix_tlp intel_stix_tlp2[TLP_COUNT] = {
	[TLP_CLEAR] = { "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
			"TLP:CLEAR", "clear" },
	[TLP_GREEN] = { "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
			"TLP:GREEN", "green" },
	[TLP_AMBER] = { "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
			"TLP:AMBER", "amber" },
	[TLP_AMBER_STRICT] = { "marking-definition--939a9414-2ddd-4d32-a0cd-"
			       "375ea402b003",
			       "TLP:AMBER+STRICT", "amber+strict" },
	[TLP_RED] = { "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
		      "TLP:RED", "red" },
};

const struct intel_stix_tlp intel_stix_tlp1[INTEL_STIX_TLP1_COUNT] = {
	{ "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	  "TLP:WHITE", "white" },
	{ "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
	  "TLP:GREEN", "green" },
	{ "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
	  "TLP:AMBER", "amber" },
	{ "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "TLP:RED",
	  "red" },
};

const enum access_tlp intel_stix_tlp1_as[INTEL_STIX_TLP1_COUNT] = {
	TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_RED
};

/*
 * Admiralty credibility 1..5 as STIX confidence (STIX 2.1 appendix A);
 * 6, "cannot be judged", has none.
 */
static const int confidence_of[] = { 0, 90, 70, 50, 30, 10 };

/* ---- Out ---------------------------------------------------------------- */

static void
set_str(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

/* A list property, left out when empty: STIX lists hold one item or more. */
static void
set_list(json_t *o, const char *key, const char *const *v, size_t n)
{
	json_t *l;

	if (!n)
		return;
	l = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(l, json_string(v[i]));
	json_object_set_new(o, key, l);
}

static void
stix_id(char *out, size_t size, const char *type, const char *atip_id)
{
	char u[UUID_STR_LEN];

	uuid_derived_v4(atip_id, type, u);
	snprintf(out, size, "%s--%s", type, u);
}

static json_t *
marking(enum access_tlp t)
{
	return json_pack(
		"{ss ss ss ss ss s{s{ss ss}}}", "type", "marking-definition",
		"spec_version", "2.1", "id", intel_stix_tlp2[t].id, "created",
		INTEL_STIX_TLP2_CREATED, "name", intel_stix_tlp2[t].name,
		"extensions", INTEL_STIX_TLP2_EXTENSION, "extension_type",
		"property-extension", "tlp_2_0", intel_stix_tlp2[t].tlp);
}

/* What every object of a report carries: its creator and its marking. */
static void
common(json_t *o, const char *type, const char *atip_id, const char *created,
       const char *modified, const char *identity, enum access_tlp t)
{
	char id[100];

	stix_id(id, sizeof(id), type, atip_id);
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "spec_version", json_string("2.1"));
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "created_by_ref", json_string(identity));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "modified", json_string(modified));
	json_object_set_new(o, "object_marking_refs",
			    json_pack("[s]", intel_stix_tlp2[t].id));
	json_object_set_new(o, "x_atip_id", json_string(atip_id));
}

static json_t *
indicator(const struct intel_indicator *ind, const char *identity,
	  enum access_tlp t, struct buf *pattern)
{
	json_t *o;

	if (!intel_stix_pattern_of(ind, pattern))
		return NULL;
	o = json_object();
	common(o, "indicator", ind->id, ind->created_at, ind->created_at,
	       identity, t);
	json_object_set_new(o, "name", json_string(intel_type_name(ind->type)));
	set_str(o, "description", ind->note);
	json_object_set_new(o, "indicator_types",
			    json_pack("[s]", "malicious-activity"));
	json_object_set_new(o, "pattern", json_string(pattern->p));
	json_object_set_new(o, "pattern_type", json_string("stix"));
	json_object_set_new(o, "pattern_version", json_string("2.1"));
	json_object_set_new(o, "valid_from", json_string(ind->created_at));
	json_object_set_new(o, "x_atip_indicator_type",
			    json_string(intel_type_name(ind->type)));
	set_str(o, "x_atip_qualifier", ind->qualifier);
	set_str(o, "x_atip_key", ind->key);
	if (ind->common)
		json_object_set_new(o, "x_atip_common", json_true());
	return o;
}

static json_t *
report(const struct intel_report *r, const char *identity, json_t *objects,
       struct buf *pattern)
{
	enum access_tlp t = r->share.tlp;
	json_t *o = json_object(), *refs = json_array();

	common(o, "report", r->id, r->created_at, r->updated_at, identity, t);
	json_object_set_new(o, "name", json_string(r->title ? r->title : ""));
	set_str(o, "description", r->narrative);
	json_object_set_new(o, "published", json_string(r->updated_at));
	json_object_set_new(o, "report_types",
			    json_pack("[s]", "threat-report"));
	json_array_append_new(objects, o);
	/* Person names stay out (intel_stix_pattern_of), so do case links. */
	for (size_t i = 0; i < r->nindicators; i++) {
		json_t *x = indicator(&r->indicators[i], identity, t, pattern);

		if (!x)
			continue;
		json_array_append(refs, json_object_get(x, "id"));
		json_array_append_new(objects, x);
	}
	/* A report refers to one object at least: its author, then. */
	if (!json_array_size(refs))
		json_array_append_new(refs, json_string(identity));
	json_object_set_new(o, "object_refs", refs);
	set_str(o, "x_atip_handling", intel_handling_name(r->handling));
	set_str(o, "x_atip_handling_note", r->handling_note);
	set_str(o, "x_atip_distribution", access_level_name(r->share.level));
	if (r->reliability >= 'A' && r->reliability <= 'F') {
		char s[2] = { r->reliability, '\0' };

		set_str(o, "x_atip_reliability", s);
	}
	if (r->credibility >= 1 && r->credibility <= 6)
		json_object_set_new(o, "x_atip_credibility",
				    json_integer(r->credibility));
	if (r->credibility >= 1 && r->credibility <= 5)
		json_object_set_new(
			o, "confidence",
			json_integer(confidence_of[r->credibility]));
	set_str(o, "x_atip_period_start", r->period_start);
	set_str(o, "x_atip_period_end", r->period_end);
	set_list(o, "x_atip_places", r->places, r->nplaces);
	set_list(o, "x_atip_exploitation", r->exploitation, r->nexploitation);
	set_list(o, "x_atip_platforms", r->platforms, r->nplatforms);
	return o;
}

static const struct intel_stix_org *
org_of(const struct intel_stix_org *orgs, size_t norgs, const char *id)
{
	for (size_t i = 0; i < norgs; i++)
		if (!strcmp(orgs[i].id, id))
			return &orgs[i];
	return NULL;
}

/* The identity of an organisation that owns some of the reports. */
static json_t *
identity(const struct intel_stix_org *org, const struct intel_report *reports,
	 size_t n, char *id, size_t idsize)
{
	const char *created = NULL, *modified = NULL;
	json_t *o;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(reports[i].share.owner_org, org->id))
			continue;
		if (!created || strcmp(reports[i].created_at, created) < 0)
			created = reports[i].created_at;
		if (!modified || strcmp(reports[i].updated_at, modified) > 0)
			modified = reports[i].updated_at;
	}
	if (!created)
		return NULL;
	stix_id(id, idsize, "identity", org->id);
	if (strcmp(modified, created) < 0)
		modified = created;
	o = json_pack("{ss ss ss ss ss ss ss ss}", "type", "identity",
		      "spec_version", "2.1", "id", id, "created", created,
		      "modified", modified, "name", org->name, "identity_class",
		      "organization", "x_atip_id", org->id);
	set_str(o, "x_atip_country", org->country);
	return o;
}

json_t *
intel_stix_bundle(const struct intel_report *reports, size_t n,
		  const struct intel_stix_org *orgs, size_t norgs)
{
	json_t *objects = json_array(), *markings = json_array();
	char bundle[UUID_STR_LEN], id[100];
	bool used[TLP_COUNT] = { false };
	struct buf pattern;

	buf_init(&pattern, 0);
	uuid_derived_v4("atip", "stix/bundle", bundle);
	for (size_t i = 0; i < norgs; i++) {
		json_t *o = identity(&orgs[i], reports, n, id, sizeof(id));

		if (o)
			json_array_append_new(objects, o);
	}
	for (size_t i = 0; i < n; i++) {
		const struct intel_stix_org *org =
			org_of(orgs, norgs, reports[i].share.owner_org);
		char part[100];

		assert(org && (int)reports[i].share.tlp < TLP_COUNT &&
		       reports[i].handling < HANDLING_COUNT);
		stix_id(id, sizeof(id), "identity", org->id);
		report(&reports[i], id, markings, &pattern);
		used[reports[i].share.tlp] = true;
		snprintf(part, sizeof(part), "%s/%lld", reports[i].id,
			 reports[i].version);
		uuid_derived_v4(bundle, part, bundle);
	}
	for (int t = 0; t < TLP_COUNT; t++)
		if (used[t])
			json_array_append_new(objects, marking(t));
	json_array_extend(objects, markings);
	json_decref(markings);
	buf_release(&pattern);
	snprintf(id, sizeof(id), "bundle--%s", bundle);
	/* A bundle's objects, when it has any, are one or more. */
	if (!json_array_size(objects)) {
		json_decref(objects);
		return json_pack("{ss ss}", "type", "bundle", "id", id);
	}
	return json_pack("{ss ss so}", "type", "bundle", "id", id, "objects",
			 objects);
}

/* /api/v1/cases/forms, the case list and /api/v1/followups. */
#include <string.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "base/gazetteer.h"
#include "base/iso.h"
#include "base/text.h"
#include "cases/cases_http_int.h"
#include "coord/coord_http.h"

/* ---- /api/v1/cases/forms: the vocabulary ---- */

static const char *const type_names[] = {
	[CF_TEXT] = "text",
	[CF_LONG] = "long_text",
	[CF_TEXTS] = "texts",
	[CF_DATE] = "date",
	[CF_INT] = "integer",
	[CF_BOOL] = "boolean",
	[CF_PICK] = "pick",
	[CF_MULTI] = "multi",
	[CF_COUNTRY] = "country",
	[CF_COUNTRIES] = "countries",
	[CF_SUBDIVISION] = "subdivision",
	[CF_DISTRICT] = "district",
	[CF_ORG] = "org",
	[CF_ORGS] = "orgs",
	[CF_PERSON] = "person",
	[CF_USER] = "user",
	[CF_PHONE] = "phone",
	[CF_EMAIL] = "email",
};

static void
add_district(const struct gazetteer_entry *d, void *arg)
{
	json_array_append_new(
		arg, json_pack("{ss ss ss? ss}", "code", d->code, "subdivision",
			       d->subdivision, "subdivision_name",
			       iso_subdivision_name(d->subdivision), "name",
			       d->name));
}

void
cases_http_forms(struct http_request *req)
{
	const char *country = http_query(req, "districts");
	json_t *forms = json_object(), *out;

	for (int i = 0; i < FORM_COUNT; i++) {
		const struct case_form *f = &case_forms[i];
		json_t *fields = json_array();

		for (size_t j = 0; j < f->n; j++) {
			const struct case_field *x = &f->fields[j];
			json_t *o = json_pack(
				"{ss ss ss sb sb}", "name", x->name, "htcds",
				x->htcds, "type", type_names[x->type],
				"personal", (x->flags & CF_PERSONAL) != 0,
				"required", (x->flags & CF_REQUIRED) != 0);

			if (x->values) {
				json_t *v = json_array();

				for (const char *const *p = x->values; *p; p++)
					json_array_append_new(v,
							      json_string(*p));
				json_array_append_new(v,
						      json_string("Unknown"));
				json_object_set_new(o, "values", v);
			}
			if (x->type == CF_INT)
				json_object_set_new(o, "range",
						    json_pack("[ii]", x->min,
							      x->max));
			json_array_append_new(fields, o);
		}
		json_object_set_new(forms, f->name, fields);
	}
	out = json_pack("{so}", "forms", forms);
	if (country) {
		json_t *list = json_array();

		if (!gazetteer_each(country, NULL, add_district, list)) {
			json_decref(list);
			json_decref(out);
			http_invalid(req, "districts",
				     "must be a country of the gazetteer "
				     "(NP, LK, BD, IN)");
			return;
		}
		json_object_set_new(out, "districts", list);
	}
	http_json(req, 200, out);
}

/* ---- list ---- */

static json_t *
summary_json(struct arena *a, const struct case_summary *s)
{
	const char **flags;
	size_t nflags;
	json_t *o = json_pack("{ss ss ss ss* sI sI sb ss sI}", "id", s->id,
			      "reference", s->reference, "status", s->status,
			      "case_owner", s->case_owner, "victims",
			      (json_int_t)s->victims, "perpetrators",
			      (json_int_t)s->perpetrators, "erased", s->erased,
			      "updated_at", s->updated_at, "version",
			      (json_int_t)s->version);

	coord_share_json(o, &s->share);
	json_object_set_new(o, "owner_country",
			    json_string(s->share.owner_country));
	json_object_set_new(o, "transfer_to",
			    s->transfer_to[0] ? json_string(s->transfer_to)
					      : json_null());
	text_split(a, s->flags, &flags, &nflags);
	json_object_set_new(o, "risk_flags", coord_strings_json(flags, nflags));
	if (s->missed)
		json_array_append_new(json_object_get(o, "risk_flags"),
				      json_string("MissedFollowUps"));
	return o;
}

void
cases_http_list(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct coord_viewer v = coord_viewer_of(req);
	const char *view = http_query(req, "view");
	struct case_filter f = {
		.status = http_query(req, "status"),
		.exploitation = http_query(req, "exploitation"),
		.gender = http_query(req, "gender"),
		.age_band = http_query(req, "age_band"),
		.country = http_query(req, "country"),
		.flag = http_query(req, "flag"),
		.cursor = http_query(req, "cursor"),
		.user_id = a->user.id,
	};
	struct coord_errors errs = { 0 };
	struct case_page page;
	json_t *items;
	enum err e;

	if (view && !strcmp(view, "mine"))
		f.mine = true;
	else if (view && !strcmp(view, "incoming"))
		f.incoming = true;
	else if (view && strcmp(view, "all"))
		coord_error(&errs, "view", "must be all, mine or incoming");
	coord_limit(req, &f.limit, &errs);
	e = cases_list(req->db, &req->arena, &v, &f, &page, &errs);
	if (e != ERR_OK) {
		coord_failed(req, e, &errs, "The cases could not be read.");
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		const struct case_summary *s = &page.items[i];
		const char *org = a->user.org_id;
		struct access_record r =
			coord_access(&s->share, &org, s->granted ? 1 : 0);

		/* An offered case is shown to the receiver, to decide on. */
		if (f.incoming ? !strcmp(s->transfer_to, org)
			       : access_check(access_actor_of(req), ACT_READ,
					      &r) == ACCESS_ALLOW)
			json_array_append_new(items,
					      summary_json(&req->arena, s));
	}
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

/* The organisation's follow-ups due: overdue, or within days. */
void
cases_http_due(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	const char *days = http_query(req, "days");
	long long n = 0;
	char until[11];
	struct case_due *due;
	size_t count;
	json_t *items;
	enum err e;

	if (days && !str_to_i64(str_of(days), 0, 366, &n)) {
		http_invalid(req, "days",
			     "must be a whole number from 0 to 366");
		return;
	}
	/* Overdue: due before today; with days, due up to today + days. */
	time_day_add(n - (days ? 0 : 1), until);
	e = cases_followups_due(req->db, &req->arena, a->user.org_id, until,
				&due, &count);
	if (e != ERR_OK) {
		http_problem(req, e, "The follow-ups could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(
			items,
			json_pack("{ss ss ss ss? ss? ss}", "id", due[i].id,
				  "case_id", due[i].case_id, "reference",
				  due[i].reference, "person_id",
				  due[i].person_id, "case_owner",
				  due[i].case_owner, "due_on", due[i].due_on));
	http_json(req, 200, json_pack("{so}", "items", items));
}

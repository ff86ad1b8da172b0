/*
 * /api/v1/linkage/alerts: possible matches for the case workers,
 * investigators and admins of the organisations owning either person.
 * An organisation sees its own side in full (case, reference, person) and
 * of the other side only the organisation and the person's non-identifying
 * fields; the score only as a band.
 */
#include "linkage/link_http.h"

#include <string.h>

#include "auth/auth_http.h"
#include "base/text.h"
#include "coord/coord_http.h"
#include "linkage/link_watch.h"

static const struct auth_actor *
actor(struct http_request *req)
{
	return req->actor;
}

/* Those who work with victims' records decide on their matches. */
static bool
allowed(struct http_request *req)
{
	enum auth_role r = actor(req)->user.role;

	if (r == ROLE_CASE_WORKER || r == ROLE_INVESTIGATOR ||
	    r == ROLE_ORG_ADMIN)
		return true;
	http_problem(req, ERR_FORBIDDEN,
		     "Possible matches are for case workers, investigators "
		     "and organisation admins.",
		     NULL);
	return false;
}

static json_t *
list_json(struct arena *a, const char *framed)
{
	const char **v;
	size_t n;

	text_split(a, framed, &v, &n);
	return coord_strings_json(v, n);
}

static json_t *
side_json(struct arena *a, const struct link_side *s, bool yours)
{
	json_t *o = json_pack("{ss ss ss sb ss* ss* so so}", "org_id",
			      s->org_id, "org_name", s->org_name, "org_country",
			      s->org_country, "yours", yours, "gender",
			      s->gender, "age_band", s->age_band, "citizenship",
			      list_json(a, s->citizenship),
			      "exploitation_types",
			      list_json(a, s->exploitation));

	if (yours) {
		json_object_set_new(o, "case_id", json_string(s->case_id));
		json_object_set_new(o, "case_reference",
				    json_string(s->case_reference));
		json_object_set_new(o, "person_id", json_string(s->person_id));
	}
	return o;
}

static json_t *
alert_json(struct http_request *req, const struct link_alert *al)
{
	const char *org = actor(req)->user.org_id;
	bool ours_decided = al->decided_org && !strcmp(al->decided_org, org);
	json_t *sides = json_array();

	for (int i = 0; i < 2; i++)
		json_array_append_new(
			sides, side_json(&req->arena, &al->side[i],
					 !strcmp(al->side[i].org_id, org)));
	return json_pack("{ss ss ss so ss* ss* ss* ss ss sI}", "id", al->id,
			 "state", link_alert_state_name(al->state),
			 "score_band", link_score_band(al->score), "sides",
			 sides, "decided_org", al->decided_org, "decided_by",
			 ours_decided ? al->decided_by : NULL, "decided_at",
			 al->decided_at[0] ? al->decided_at : NULL,
			 "created_at", al->created_at, "updated_at",
			 al->updated_at, "version", (json_int_t)al->version);
}

void
link_http_alerts(struct http_request *req)
{
	const char *state = http_query(req, "state");
	const char *cursor = http_query(req, "cursor");
	struct coord_errors errs = { 0 };
	struct link_alert_page page;
	enum link_alert_state s;
	long long limit = LINK_ALERTS_DEFAULT;
	json_t *items;
	enum err e;

	if (!allowed(req))
		return;
	coord_limit(req, &limit, &errs);
	if (state && strcmp(state, "all") && !link_alert_state_parse(state, &s))
		coord_error(&errs, "state",
			    "must be open, same, not_same or all");
	if (cursor &&
	    !uuid_normalise(str_of(cursor), (char[UUID_STR_LEN]){ 0 }))
		coord_error(&errs, "cursor", "must be a next_cursor given");
	if (errs.n) {
		coord_invalid(req, &errs);
		return;
	}
	e = link_alert_list(req->db, &req->arena, actor(req)->user.org_id,
			    state && strcmp(state, "all") ? state : NULL,
			    cursor, limit, &page);
	if (e != ERR_OK) {
		http_problem(req, e, "The alerts could not be read.", NULL);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < page.n; i++)
		json_array_append_new(items, alert_json(req, &page.items[i]));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", items, "next_cursor",
			    page.next_cursor));
}

/* An alert of the actor's organisation (either side), or 404. */
static bool
find(struct http_request *req, struct link_alert *al)
{
	const char *org = actor(req)->user.org_id;
	char id[UUID_STR_LEN];
	enum err e = http_param_id(req, 0, id)
			     ? link_alert_get(req->db, &req->arena, id, al)
			     : ERR_NOT_FOUND;

	if (e == ERR_OK && strcmp(al->side[0].org_id, org) &&
	    strcmp(al->side[1].org_id, org))
		e = ERR_NOT_FOUND;
	if (e != ERR_OK)
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The alert could not be read.",
			     NULL);
	return e == ERR_OK;
}

void
link_http_alert(struct http_request *req)
{
	struct link_alert al;

	if (allowed(req) && find(req, &al))
		http_json(req, 200, alert_json(req, &al));
}

struct decide {
	struct http_request *req;
	struct link_alert al;
	long long version;
	enum link_alert_state to;
	enum err e;
};

static enum db_status
decide_tx(struct db_conn *c, void *arg)
{
	struct decide *x = arg;
	const struct auth_actor *a = actor(x->req);
	enum db_status st;

	x->e = link_alert_decide(c, &x->req->arena, &x->al, x->version, x->to,
				 a->user.id, a->user.org_id);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	/* On both cases' trails: who decided the two are (not) one. */
	st = auth_audit(c, x->req,
			x->to == LINK_SAME ? "linkage.same"
					   : "linkage.not_same",
			"case", x->al.side[0].case_id);
	return st == DB_OK ? auth_audit(c, x->req,
					x->to == LINK_SAME ? "linkage.same"
							   : "linkage.not_same",
					"case", x->al.side[1].case_id)
			   : st;
}

void
link_http_alert_decide(struct http_request *req)
{
	struct decide x = { .req = req };
	const char *decision = NULL;
	const struct http_field f[] = {
		{ .name = "decision", .required = true, .string = &decision },
		{ .name = "version", .required = true, .integer = &x.version },
	};

	if (!allowed(req) || !find(req, &x.al) || !http_body_fields(req, f, 2))
		return;
	if (!link_alert_state_parse(decision, &x.to) || x.to == LINK_OPEN) {
		http_invalid(req, "decision", "must be same or not_same");
		return;
	}
	x.e = db_tx_conn_err(req->db, decide_tx, &x, &x.e);
	if (x.e == ERR_CONFLICT)
		http_problem(req, x.e,
			     "The alert has changed since you read it: read "
			     "it again.",
			     NULL);
	else if (x.e != ERR_OK)
		http_problem(req, x.e, "The decision was not recorded.", NULL);
	else
		http_json(req, 200, alert_json(req, &x.al));
}

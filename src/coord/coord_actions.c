/* Joint actions: commitments of lead and partner organisations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "coord/coord.h"
#include "coord/coord_sql.h"
#include "notify/notify.h"

static const char *const statuses[ACTION_STATUS_COUNT] = { "proposed", "agreed",
							   "in_progress",
							   "done", "dropped" };
static const char *const priorities[PRIORITY_COUNT] = { "high", "medium",
							"low" };

const char *
coord_action_status_name(enum action_status s)
{
	return (unsigned)s < ACTION_STATUS_COUNT ? statuses[s] : NULL;
}

const char *
coord_priority_name(enum action_priority p)
{
	return (unsigned)p < PRIORITY_COUNT ? priorities[p] : NULL;
}

static void
read_action(struct db_rows *rows, struct arena *a, const char *today,
	    struct action *x)
{
	int i;

	memset(x, 0, sizeof(*x));
	coord_read_head(rows, x->id, &x->share);
	x->title = arena_strdup(a, db_col_text(rows, 6));
	x->description = arena_strdup(a, db_col_text(rows, 7));
	theme_parse(db_col_text(rows, 8), &x->theme);
	text_split(a, db_col_text(rows, 9), &x->countries, &x->ncountries);
	coord_copy(x->lead_org, sizeof(x->lead_org), db_col_text(rows, 10));
	x->lead_name = arena_strdup(a, db_col_text(rows, 11));
	i = text_find(priorities, PRIORITY_COUNT, db_col_text(rows, 12));
	x->priority = i >= 0 ? (enum action_priority)i : PRIORITY_MEDIUM;
	coord_copy(x->due_date, sizeof(x->due_date), db_col_text(rows, 13));
	i = text_find(statuses, ACTION_STATUS_COUNT, db_col_text(rows, 14));
	x->status = i >= 0 ? (enum action_status)i : ACTION_PROPOSED;
	coord_copy(x->meeting_id, sizeof(x->meeting_id), db_col_text(rows, 15));
	coord_copy(x->decision_id, sizeof(x->decision_id),
		   db_col_text(rows, 16));
	coord_copy(x->created_by, sizeof(x->created_by), db_col_text(rows, 17));
	coord_copy(x->created_at, sizeof(x->created_at), db_col_text(rows, 18));
	coord_copy(x->updated_at, sizeof(x->updated_at), db_col_text(rows, 19));
	x->version = db_col_int(rows, 20);
	x->overdue = x->due_date[0] && strcmp(x->due_date, today) < 0 &&
		     x->status != ACTION_DONE && x->status != ACTION_DROPPED;
}

/* The lead and partners (action_orgs, the lead first). */
static enum err
read_orgs(struct db_conn *c, struct arena *a, struct action *x)
{
	struct db_arg arg = db_text(x->id);
	enum db_status st = db_texts(c, &coord_sql[ACTION_ORGS], &arg, 1, a,
				     &x->orgs, &x->norgs);

	x->partners = x->orgs + (x->norgs > 0);
	x->npartners = x->norgs ? x->norgs - 1 : 0;
	return db_err(st);
}

static enum err
read_updates(struct db_conn *c, struct arena *a, struct action *x)
{
	struct db_arg arg = db_text(x->id);
	struct db_rows rows;
	size_t cap = 8;

	x->nupdates = 0;
	x->updates = arena_alloc(a, cap * sizeof(*x->updates));
	db_query(c, &coord_sql[ACTION_UPDATES], &arg, 1, &rows);
	while (db_next(&rows)) {
		struct action_update *u;

		x->updates = arena_grow(a, x->updates, x->nupdates, &cap,
					sizeof(*x->updates));
		u = &x->updates[x->nupdates++];
		coord_copy(u->id, sizeof(u->id), db_col_text(&rows, 0));
		coord_copy(u->org_id, sizeof(u->org_id), db_col_text(&rows, 1));
		coord_copy(u->user_id, sizeof(u->user_id),
			   db_col_text(&rows, 2));
		u->note = arena_strdup(a, db_col_text(&rows, 3));
		u->status = arena_strdup(a, db_col_text(&rows, 4));
		coord_copy(u->at, sizeof(u->at), db_col_text(&rows, 5));
	}
	return db_err(db_rows_close(&rows));
}

enum err
coord_action_get(struct db_conn *c, struct arena *a, const char *id,
		 struct action *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	char today[11];
	bool found;
	enum err e;

	time_today(today);
	db_query(c, &coord_sql[ACTION_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_action(&rows, a, today, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found)
		return ERR_NOT_FOUND;
	if ((e = read_orgs(c, a, out)) != ERR_OK)
		return e;
	return read_updates(c, a, out);
}

struct access_record
coord_action_access(const struct action *x)
{
	return coord_access(&x->share, x->orgs, x->norgs);
}

enum err
coord_action_load(struct db_conn *c, const char *id, struct arena *a,
		  struct access_record *out)
{
	struct action *x = arena_alloc(a, sizeof(*x));
	enum err e = coord_action_get(c, a, id, x);

	if (e == ERR_OK)
		*out = coord_action_access(x);
	return e;
}

/* Country codes: each a current ISO 3166-1 alpha-2 code, no repeats. */
static bool
countries(struct arena *a, const struct action_input *in, struct action *x,
	  struct coord_errors *errs)
{
	const char **v;

	if (in->ncountries > COORD_LIST_MAX_ITEMS) {
		coord_error(errs, "countries", "names too many countries");
		return false;
	}
	v = arena_alloc(a, (in->ncountries + 1) * sizeof(*v));
	for (size_t i = 0; i < in->ncountries; i++) {
		char up[3];

		if (!iso_country_parse(in->countries[i], up)) {
			coord_error(errs, "countries",
				    "must list ISO 3166-1 alpha-2 codes");
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], up)) {
				coord_error(errs, "countries",
					    "names a country twice");
				return false;
			}
		v[i] = arena_strndup(a, up, 2);
	}
	x->countries = v;
	x->ncountries = in->ncountries;
	return true;
}

/* The lead and partners as x->orgs, the lead first. */
static bool
organisations(struct db_conn *c, struct arena *a, const struct action_input *in,
	      struct action *x, struct coord_errors *errs)
{
	const char *lead_in = in->lead_org;
	const char **lead = NULL, **partners = NULL;
	size_t np = x->npartners, n = 0;
	const char *const *old = x->partners;

	bool ok = !lead_in ||
		  coord_org_ids(c, a, "lead_org", &lead_in, 1, &lead, errs);

	/* Both lists are checked, so one 422 names both. */
	if (in->has_partners && !coord_org_ids(c, a, "partners", in->partners,
					       in->npartners, &partners, errs))
		ok = false;
	if (!ok)
		return false;
	if (lead)
		coord_copy(x->lead_org, sizeof(x->lead_org), lead[0]);
	if (in->has_partners)
		np = in->npartners;
	x->orgs = arena_alloc(a, (np + 1) * sizeof(*x->orgs));
	x->orgs[n++] = arena_strdup(a, x->lead_org);
	for (size_t i = 0; i < np; i++) {
		const char *p = in->has_partners ? partners[i] : old[i];

		if (!strcmp(p, x->lead_org)) {
			coord_error(errs, "partners",
				    "must not name the lead organisation");
			return false;
		}
		x->orgs[n++] = p;
	}
	x->norgs = n;
	x->partners = x->orgs + 1;
	x->npartners = n - 1;
	return true;
}

/* Applies in to x (new, or as stored), checking every field. */
static enum err
apply(struct db_conn *c, struct arena *a, const struct action_input *in,
      bool creating, struct action *x, struct coord_errors *errs)
{
	int i;
	enum err e;

	if (creating || in->title)
		coord_text(a, "title", in->title, COORD_TITLE_MAX, 0, true,
			   &x->title, errs);
	if (creating || in->description)
		coord_text(a, "description", in->description, COORD_TEXT_MAX,
			   TEXT_LINES, false, &x->description, errs);
	if (creating && !in->theme)
		coord_error(errs, "theme", "is required");
	if (in->theme && !theme_parse(in->theme, &x->theme))
		coord_error(errs, "theme",
			    "must be prevention, protection, prosecution or "
			    "partnership");
	if (creating && !in->has_countries)
		coord_error(errs, "countries", "is required");
	if (in->has_countries && countries(a, in, x, errs) &&
	    x->ncountries == 0)
		coord_error(errs, "countries",
			    "must name at least one country");
	if (creating && !in->lead_org)
		coord_error(errs, "lead_org", "is required");
	if (in->lead_org || in->has_partners)
		organisations(c, a, in, x, errs);
	if (in->priority) {
		if ((i = text_find(priorities, PRIORITY_COUNT, in->priority)) <
		    0)
			coord_error(errs, "priority",
				    "must be high, medium or low");
		else
			x->priority = (enum action_priority)i;
	}
	if (in->due_date) {
		if (!*in->due_date)
			x->due_date[0] = '\0';
		else if (!time_parse_date(in->due_date, x->due_date))
			coord_error(errs, "due_date",
				    "must be a date, YYYY-MM-DD");
	}
	if (in->status) {
		if ((i = text_find(statuses, ACTION_STATUS_COUNT, in->status)) <
		    0)
			coord_error(errs, "status",
				    "must be proposed, agreed, in_progress, "
				    "done or dropped");
		else
			x->status = (enum action_status)i;
	}
	e = coord_share_parse(c, in->level, in->group_id, in->tlp, false,
			      &x->share, errs);
	if (e != ERR_OK && e != ERR_INVALID)
		return e;
	return errs->n ? ERR_INVALID : ERR_OK;
}

static enum err
write_orgs(struct db_conn *c, const struct action *x)
{
	struct db_arg a[3];
	enum db_status st;

	a[0] = db_text(x->id);
	st = db_exec(c, &coord_sql[ACTION_ORGS_DELETE], a, 1, NULL);
	for (size_t i = 0; st == DB_OK && i < x->norgs; i++) {
		a[1] = db_text(x->orgs[i]);
		a[2] = DB_INT((long long)i + 1);
		st = db_exec(c, &coord_sql[ACTION_ORG_INSERT], a, 3, NULL);
	}
	return db_err(st);
}

/* The meeting of a decision, which the owner must have convened. */
static enum err
from_decision(struct db_conn *c, struct arena *a, const char *decision,
	      struct action *x, struct coord_errors *errs)
{
	char id[UUID_STR_LEN];
	struct db_arg arg;
	struct db_rows rows;
	struct meeting m;
	bool found;
	enum err e;

	if (!uuid_normalise(str_of(decision), id)) {
		coord_error(errs, "decision_id", "names no decision");
		return ERR_INVALID;
	}
	arg = db_text(id);
	db_query(c, &coord_sql[MEET_DECISION_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		coord_copy(x->meeting_id, sizeof(x->meeting_id),
			   db_col_text(&rows, 0));
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found ||
	    (e = coord_meeting_get(c, a, x->meeting_id, &m)) != ERR_OK ||
	    strcmp(m.share.owner_org, x->share.owner_org)) {
		coord_error(errs, "decision_id",
			    "must name a decision of a meeting your "
			    "organisation convened");
		return e == ERR_OK || e == ERR_NOT_FOUND ? ERR_INVALID : e;
	}
	coord_copy(x->decision_id, sizeof(x->decision_id), id);
	return ERR_OK;
}

enum err
coord_action_create(struct db_conn *c, struct arena *a,
		    const struct coord_share *owner, const char *user_id,
		    const struct action_input *in, struct action *out,
		    struct coord_errors *errs)
{
	struct db_arg args[18];
	enum err e;

	memset(out, 0, sizeof(*out));
	out->share = *owner;
	out->priority = PRIORITY_MEDIUM;
	out->status = ACTION_PROPOSED;
	e = apply(c, a, in, true, out, errs);
	/* The decision is checked whatever else is wrong, so one 422 names
	 * every field. */
	if ((e == ERR_OK || e == ERR_INVALID) && in->decision_id &&
	    *in->decision_id) {
		enum err d = from_decision(c, a, in->decision_id, out, errs);

		if (d != ERR_OK && d != ERR_INVALID)
			return d;
		e = errs->n ? ERR_INVALID : e;
	}
	if (e != ERR_OK)
		return e;
	uuid_v7(out->id);
	coord_copy(out->created_by, sizeof(out->created_by), user_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	coord_head_args(args, out->id, &out->share);
	args[6] = db_text(out->title);
	args[7] = db_text(out->description);
	args[8] = db_text(theme_name(out->theme));
	args[9] = db_text(text_join(a, out->countries, out->ncountries, true));
	args[10] = db_text(out->lead_org);
	args[11] = db_text(coord_priority_name(out->priority));
	args[12] = db_text(out->due_date[0] ? out->due_date : NULL);
	args[13] = db_text(coord_action_status_name(out->status));
	args[14] = db_text(out->meeting_id[0] ? out->meeting_id : NULL);
	args[15] = db_text(out->decision_id[0] ? out->decision_id : NULL);
	args[16] = db_text(user_id);
	args[17] = db_text(out->created_at);
	e = db_err(db_exec(c, &coord_sql[ACTION_INSERT], args, 18, NULL));
	if (e == ERR_OK)
		e = write_orgs(c, out);
	/* As stored: the lead's name, whether it is overdue. */
	return e == ERR_OK ? coord_action_get(c, a, out->id, out) : e;
}

enum err
coord_action_update(struct db_conn *c, struct arena *a, const char *id,
		    long long expected, const struct action_input *in,
		    struct action *out, struct coord_errors *errs)
{
	struct db_arg args[14];
	long long n = 0;
	enum err e = coord_action_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	if (in->decision_id)
		coord_error(errs, "decision_id",
			    "is set when an action is made");
	if ((e = apply(c, a, in, false, out, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(out->id);
	args[1] = DB_INT(expected);
	coord_share_args(args + 2, &out->share);
	args[5] = db_text(out->title);
	args[6] = db_text(out->description);
	args[7] = db_text(theme_name(out->theme));
	args[8] = db_text(text_join(a, out->countries, out->ncountries, true));
	args[9] = db_text(out->lead_org);
	args[10] = db_text(coord_priority_name(out->priority));
	args[11] = db_text(out->due_date[0] ? out->due_date : NULL);
	args[12] = db_text(coord_action_status_name(out->status));
	args[13] = db_text(out->updated_at);
	e = db_err(db_exec(c, &coord_sql[ACTION_UPDATE], args, 14, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	if (e == ERR_OK && (in->lead_org || in->has_partners))
		e = write_orgs(c, out);
	return e == ERR_OK ? coord_action_get(c, a, out->id, out) : e;
}

enum err
coord_action_progress(struct db_conn *c, struct arena *a, struct action *x,
		      const char *org_id, const char *user_id, const char *note,
		      const char *status, struct action_update *out,
		      struct coord_errors *errs)
{
	bool owner = !strcmp(org_id, x->share.owner_org);
	bool lead = !strcmp(org_id, x->lead_org);
	bool holder = owner;
	struct db_arg args[7];
	long long n = 0;
	int i = -1;
	enum err e;

	char id[UUID_STR_LEN];
	struct db_arg lock = db_text(memcpy(id, x->id, sizeof(id)));

	/* Updates sent at once are taken one after the other, each on the
	 * action as the one before left it. */
	if ((e = db_err(db_exec(c, &coord_sql[ACTION_LOCK], &lock, 1, NULL))) !=
		    ERR_OK ||
	    (e = coord_action_get(c, a, id, x)) != ERR_OK)
		return e;
	owner = !strcmp(org_id, x->share.owner_org);
	lead = !strcmp(org_id, x->lead_org);
	holder = owner;
	for (size_t k = 0; k < x->norgs; k++)
		holder = holder || !strcmp(org_id, x->orgs[k]);
	if (!holder)
		return ERR_FORBIDDEN;
	memset(out, 0, sizeof(*out));
	coord_text(a, "note", note, COORD_TEXT_MAX, TEXT_LINES, true,
		   &out->note, errs);
	if (status) {
		if ((i = text_find(statuses, ACTION_STATUS_COUNT, status)) < 0)
			coord_error(errs, "status",
				    "must be proposed, agreed, in_progress, "
				    "done or dropped");
		else if (!owner && !lead)
			coord_error(errs, "status",
				    "is changed by the lead or the owner only");
	}
	if (errs->n)
		return ERR_INVALID;
	uuid_v7(out->id);
	coord_copy(out->org_id, sizeof(out->org_id), org_id);
	coord_copy(out->user_id, sizeof(out->user_id), user_id);
	out->status = i >= 0 ? statuses[i] : NULL;
	time_rfc3339(time_now_ms(), out->at, sizeof(out->at));
	args[0] = db_text(out->id);
	args[1] = db_text(x->id);
	args[2] = db_text(org_id);
	args[3] = db_text(user_id);
	args[4] = db_text(out->note);
	args[5] = db_text(out->status);
	args[6] = db_text(out->at);
	e = db_err(db_exec(c, &coord_sql[ACTION_UPDATE_INSERT], args, 7, NULL));
	if (e != ERR_OK)
		return e;
	/* The action moves on: its status (maybe) and its version. */
	args[0] = db_text(x->id);
	args[1] = DB_INT(x->version);
	args[2] = db_text(out->status ? out->status
				      : coord_action_status_name(x->status));
	args[3] = db_text(out->at);
	e = db_err(db_exec(c, &coord_sql[ACTION_SET_STATUS], args, 4, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	if (i >= 0)
		x->status = (enum action_status)i;
	x->version++;
	memcpy(x->updated_at, out->at, sizeof(out->at));
	return e;
}

/* A cursor: "<due date or 9999-12-31>~<id>". */
static bool
parse_cursor(const char *s, char due[11], char id[UUID_STR_LEN])
{
	if (!s || strlen(s) < 12 || s[10] != '~')
		return false;
	memcpy(due, s, 10);
	due[10] = '\0';
	return (!strcmp(due, "9999-12-31") || time_parse_date(due, due)) &&
	       uuid_normalise(str_of(s + 11), id);
}

enum err
coord_action_list(struct db_conn *c, struct arena *a,
		  const struct coord_viewer *v, const struct action_filter *f,
		  struct action_page *out, struct coord_errors *errs)
{
	char due[11] = "0000-00-00", id[UUID_STR_LEN] = "", today[11];
	char country[3] = "", meeting[UUID_STR_LEN] = "";
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	enum theme theme;
	struct db_arg args[13];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	if (f->view && strcmp(f->view, "mine") && strcmp(f->view, "overdue"))
		coord_error(errs, "view", "must be mine or overdue");
	if (f->country && !iso_country_parse(f->country, country))
		coord_error(errs, "country",
			    "must be an ISO 3166-1 alpha-2 code");
	if (f->theme && !theme_parse(f->theme, &theme))
		coord_error(errs, "theme",
			    "must be prevention, protection, prosecution or "
			    "partnership");
	if (f->status &&
	    text_find(statuses, ACTION_STATUS_COUNT, f->status) < 0)
		coord_error(errs, "status",
			    "must be proposed, agreed, in_progress, done or "
			    "dropped");
	if (f->cursor && !parse_cursor(f->cursor, due, id))
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	if (f->meeting_id && !uuid_normalise(str_of(f->meeting_id), meeting))
		coord_error(errs, "meeting_id", "must be a meeting's id");
	if (errs->n)
		return ERR_INVALID;
	time_today(today);
	args[0] = db_text(v->org_id);
	args[1] = db_text(v->country);
	args[2] = db_text(v->groups);
	args[3] = db_text(country);
	args[4] = db_text(f->theme ? f->theme : "");
	args[5] = db_text(f->status ? f->status : "");
	args[6] = DB_INT(f->view && !strcmp(f->view, "mine"));
	args[7] = DB_INT(f->view && !strcmp(f->view, "overdue"));
	args[8] = db_text(today);
	args[9] = db_text(due);
	args[10] = db_text(id);
	args[11] = DB_INT(limit);
	args[12] = db_text(meeting);
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &coord_sql[ACTION_LIST], args, 13, &rows);
	while (db_next(&rows))
		read_action(&rows, a, today, &out->items[n++]);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	for (size_t i = 0; i < n; i++)
		if ((e = read_orgs(c, a, &out->items[i])) != ERR_OK)
			return e;
	out->n = n;
	if (n == (size_t)limit) {
		const struct action *last = &out->items[n - 1];

		out->next_cursor = arena_printf(
			a, "%s~%s",
			last->due_date[0] ? last->due_date : "9999-12-31",
			last->id);
	}
	return ERR_OK;
}

struct due {
	char id[UUID_STR_LEN];
	char owner[UUID_STR_LEN];
	char lead[UUID_STR_LEN];
	bool overdue;
};

struct remind {
	struct due *batch;
	size_t n;
	char after[UUID_STR_LEN];
	char today[11];
};

/* Notifies owner and lead of one batch of due or overdue actions. */
static enum db_status
remind_tx(struct db_conn *c, void *arg)
{
	struct remind *r = arg;
	enum err e = ERR_OK;

	for (size_t i = 0; e == ERR_OK && i < r->n; i++) {
		const struct due *d = &r->batch[i];
		char key[80];
		struct notify_event ev = { .event = d->overdue
							    ? "action.overdue"
							    : "action.due",
					   .record_kind = "action",
					   .record_id = d->id,
					   .dedupe = key };

		snprintf(key, sizeof(key), "%s:%s", ev.event, d->id);
		e = notify_org(c, d->lead, &ev);
		if (e == ERR_OK && strcmp(d->lead, d->owner))
			e = notify_org(c, d->owner, &ev);
	}
	return db_status_of(e);
}

enum err
coord_actions_remind(struct db *db, long long *count)
{
	struct remind r = { .after = "" };
	char soon[11];
	int64_t in3 = time_now_ms() + 3LL * 24 * 3600 * 1000;
	char stamp[TIME_RFC3339_LEN];
	enum db_status st = DB_OK;

	time_today(r.today);
	time_rfc3339(in3, stamp, sizeof(stamp));
	memcpy(soon, stamp, 10);
	soon[10] = '\0';
	*count = 0;
	r.batch = xcalloc(200, sizeof(*r.batch));
	for (;;) {
		struct db_conn *c = db_acquire(db);
		struct db_arg args[2] = { db_text(soon), db_text(r.after) };
		struct db_rows rows;

		if (!c) {
			st = DB_DOWN;
			break;
		}
		r.n = 0;
		db_query(c, &coord_sql[ACTION_DUE], args, 2, &rows);
		while (db_next(&rows)) {
			struct due *d = &r.batch[r.n++];

			coord_copy(d->id, sizeof(d->id), db_col_text(&rows, 0));
			coord_copy(d->owner, sizeof(d->owner),
				   db_col_text(&rows, 1));
			coord_copy(d->lead, sizeof(d->lead),
				   db_col_text(&rows, 2));
			d->overdue = strcmp(db_col_text(&rows, 3), r.today) < 0;
		}
		st = db_rows_close(&rows);
		db_release(c);
		if (st != DB_OK || r.n == 0)
			break;
		if ((st = db_tx(db, remind_tx, &r)) != DB_OK)
			break;
		*count += (long long)r.n;
		memcpy(r.after, r.batch[r.n - 1].id, sizeof(r.after));
	}
	free(r.batch);
	return db_err(st);
}

/* Meetings: forums, their agenda, participants and decisions. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "coord/coord.h"
#include "coord/coord_sql.h"

static const char *const statuses[] = { "planned", "held", "cancelled" };

const char *
coord_meeting_status_name(enum meeting_status s)
{
	return (unsigned)s < 3 ? statuses[s] : NULL;
}

static bool
status_parse(const char *s, enum meeting_status *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, statuses[i])) {
			*out = (enum meeting_status)i;
			return true;
		}
	return false;
}

/* Reads a row of MEET_COLUMNS. */
static void
read_meeting(struct db_rows *rows, struct arena *a, struct meeting *m)
{
	memset(m, 0, sizeof(*m));
	coord_read_head(rows, m->id, &m->share);
	m->title = arena_strdup(a, db_col_text(rows, 6));
	m->description = arena_strdup(a, db_col_text(rows, 7));
	coord_copy(m->starts_at, sizeof(m->starts_at), db_col_text(rows, 8));
	coord_copy(m->ends_at, sizeof(m->ends_at), db_col_text(rows, 9));
	m->place = arena_strdup(a, db_col_text(rows, 10));
	m->online_url = arena_strdup(a, db_col_text(rows, 11));
	m->minutes = arena_strdup(a, db_col_text(rows, 12));
	status_parse(db_col_text(rows, 13), &m->status);
	coord_copy(m->created_by, sizeof(m->created_by), db_col_text(rows, 14));
	coord_copy(m->created_at, sizeof(m->created_at), db_col_text(rows, 15));
	coord_copy(m->updated_at, sizeof(m->updated_at), db_col_text(rows, 16));
	m->version = db_col_int(rows, 17);
}

/* Reads the one-text-column rows of s for id into a list. */
static enum err
read_list(struct db_conn *c, struct arena *a, enum coord_sql_id s,
	  const char *id, const char ***out, size_t *n)
{
	struct db_arg arg = db_text(id);

	return db_err(db_texts(c, &coord_sql[s], &arg, 1, a, out, n));
}

static enum err
read_decisions(struct db_conn *c, struct arena *a, struct meeting *m)
{
	struct db_arg arg = db_text(m->id);
	struct db_rows rows;
	size_t cap = 8;

	m->ndecisions = 0;
	m->decisions = arena_alloc(a, cap * sizeof(*m->decisions));
	db_query(c, &coord_sql[MEET_DECISIONS], &arg, 1, &rows);
	while (db_next(&rows)) {
		struct decision *d;

		m->decisions = arena_grow(a, m->decisions, m->ndecisions, &cap,
					  sizeof(*m->decisions));
		d = &m->decisions[m->ndecisions++];
		coord_copy(d->id, sizeof(d->id), db_col_text(&rows, 0));
		d->position = (int)db_col_int(&rows, 1);
		d->text = arena_strdup(a, db_col_text(&rows, 2));
		coord_copy(d->created_at, sizeof(d->created_at),
			   db_col_text(&rows, 3));
	}
	return db_err(db_rows_close(&rows));
}

enum err
coord_meeting_get(struct db_conn *c, struct arena *a, const char *id,
		  struct meeting *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	db_query(c, &coord_sql[MEET_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_meeting(&rows, a, out);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!found)
		return ERR_NOT_FOUND;
	if ((e = read_list(c, a, MEET_AGENDA, out->id, &out->agenda,
			   &out->nagenda)) != ERR_OK ||
	    (e = read_list(c, a, MEET_ORGS, out->id, &out->participants,
			   &out->nparticipants)) != ERR_OK)
		return e;
	return read_decisions(c, a, out);
}

struct access_record
coord_meeting_access(const struct meeting *m)
{
	return coord_access(&m->share, m->participants, m->nparticipants);
}

enum err
coord_meeting_load(struct db_conn *c, const char *id, struct arena *a,
		   struct access_record *out)
{
	struct meeting *m = arena_alloc(a, sizeof(*m));
	enum err e = coord_meeting_get(c, a, id, m);

	if (e == ERR_OK)
		*out = coord_meeting_access(m);
	return e;
}

/*
 * Applies in to m (a new meeting, or the stored one), checking every
 * field; the participants always start with the owner.
 */
static enum err
apply(struct db_conn *c, struct arena *a, const struct meeting_input *in,
      bool creating, struct meeting *m, struct coord_errors *errs)
{
	int64_t start = 0, end = 0;
	const char **ids;
	enum err e;

	if (creating || in->title)
		coord_text(a, "title", in->title, COORD_TITLE_MAX, 0, true,
			   &m->title, errs);
	if (in->description || creating)
		coord_text(a, "description", in->description, COORD_TEXT_MAX,
			   TEXT_LINES, false, &m->description, errs);
	if (in->place || creating)
		coord_text(a, "place", in->place, COORD_LINE_MAX, 0, false,
			   &m->place, errs);
	if (in->minutes || creating)
		coord_text(a, "minutes", in->minutes, COORD_TEXT_MAX,
			   TEXT_LINES, false, &m->minutes, errs);
	if (in->online_url || creating) {
		const char *u = NULL;

		if (coord_text(a, "online_url", in->online_url, COORD_LINE_MAX,
			       0, false, &u, errs)) {
			if (*u && strncmp(u, "https://", 8))
				coord_error(errs, "online_url",
					    "must be an https:// link");
			else
				m->online_url = u;
		}
	}
	if (creating && !in->starts_at)
		coord_error(errs, "starts_at", "is required");
	if (in->starts_at) {
		if (!time_parse_rfc3339(in->starts_at, &start))
			coord_error(errs, "starts_at",
				    "must be an RFC 3339 date and time");
		else
			time_rfc3339(start, m->starts_at, sizeof(m->starts_at));
	}
	if (in->ends_at) {
		if (!*in->ends_at)
			m->ends_at[0] = '\0';
		else if (!time_parse_rfc3339(in->ends_at, &end))
			coord_error(errs, "ends_at",
				    "must be an RFC 3339 date and time");
		else
			time_rfc3339(end, m->ends_at, sizeof(m->ends_at));
	}
	if (m->ends_at[0] && m->starts_at[0] &&
	    strcmp(m->ends_at, m->starts_at) < 0)
		coord_error(errs, "ends_at", "must not be before starts_at");
	if (in->status && !status_parse(in->status, &m->status))
		coord_error(errs, "status",
			    "must be planned, held or cancelled");
	if (in->has_agenda) {
		if (in->nagenda > COORD_LIST_MAX_ITEMS) {
			coord_error(errs, "agenda", "has too many items");
		} else {
			const char **items =
				arena_alloc(a, (in->nagenda ? in->nagenda : 1) *
						       sizeof(*items));
			bool ok = true;

			for (size_t i = 0; ok && i < in->nagenda; i++)
				ok = coord_text(a, "agenda", in->agenda[i],
						COORD_LINE_MAX, 0, true,
						&items[i], errs);
			m->agenda = items;
			m->nagenda = in->nagenda;
		}
	}
	if (in->has_participants &&
	    coord_org_ids(c, a, "participants", in->participants,
			  in->nparticipants, &ids, errs)) {
		size_t n = 0;
		const char **all =
			arena_alloc(a, (in->nparticipants + 1) * sizeof(*all));

		all[n++] = m->share.owner_org;
		for (size_t i = 0; i < in->nparticipants; i++)
			if (strcmp(ids[i], m->share.owner_org))
				all[n++] = ids[i];
		m->participants = all;
		m->nparticipants = n;
	}
	if (creating && !in->has_participants) {
		m->participants = arena_alloc(a, sizeof(*m->participants));
		m->participants[0] = m->share.owner_org;
		m->nparticipants = 1;
	}
	e = coord_share_parse(c, in->level, in->group_id, in->tlp, false,
			      &m->share, errs);
	if (e != ERR_OK && e != ERR_INVALID)
		return e;
	return errs->n ? ERR_INVALID : ERR_OK;
}

/* Writes the agenda and participants of m anew. */
static enum err
write_lists(struct db_conn *c, const struct meeting *m, bool agenda,
	    bool participants)
{
	struct db_arg a[3];
	enum db_status st = DB_OK;

	a[0] = db_text(m->id);
	if (agenda) {
		st = db_exec(c, &coord_sql[MEET_AGENDA_DELETE], a, 1, NULL);
		for (size_t i = 0; st == DB_OK && i < m->nagenda; i++) {
			a[1] = DB_INT((long long)i + 1);
			a[2] = db_text(m->agenda[i]);
			st = db_exec(c, &coord_sql[MEET_AGENDA_INSERT], a, 3,
				     NULL);
		}
	}
	if (participants && st == DB_OK) {
		st = db_exec(c, &coord_sql[MEET_ORGS_DELETE], a, 1, NULL);
		for (size_t i = 0; st == DB_OK && i < m->nparticipants; i++) {
			a[1] = db_text(m->participants[i]);
			a[2] = DB_INT((long long)i + 1);
			st = db_exec(c, &coord_sql[MEET_ORG_INSERT], a, 3,
				     NULL);
		}
	}
	return db_err(st);
}

enum err
coord_meeting_create(struct db_conn *c, struct arena *a,
		     const struct coord_share *owner, const char *user_id,
		     const struct meeting_input *in, struct meeting *out,
		     struct coord_errors *errs)
{
	struct db_arg args[16];
	enum err e;

	memset(out, 0, sizeof(*out));
	out->share = *owner;
	out->share.level = LEVEL_ORG;
	out->share.tlp = TLP_AMBER;
	out->status = MEETING_PLANNED;
	if ((e = apply(c, a, in, true, out, errs)) != ERR_OK)
		return e;
	uuid_v7(out->id);
	coord_copy(out->created_by, sizeof(out->created_by), user_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	coord_head_args(args, out->id, &out->share);
	args[6] = db_text(out->title);
	args[7] = db_text(out->description);
	args[8] = db_text(out->starts_at);
	args[9] = db_text(out->ends_at[0] ? out->ends_at : NULL);
	args[10] = db_text(out->place);
	args[11] = db_text(out->online_url);
	args[12] = db_text(out->minutes);
	args[13] = db_text(coord_meeting_status_name(out->status));
	args[14] = db_text(user_id);
	args[15] = db_text(out->created_at);
	e = db_err(db_exec(c, &coord_sql[MEET_INSERT], args, 16, NULL));
	if (e == ERR_OK)
		e = write_lists(c, out, true, true);
	out->decisions = arena_alloc(a, sizeof(*out->decisions));
	return e;
}

enum err
coord_meeting_update(struct db_conn *c, struct arena *a, const char *id,
		     long long expected, const struct meeting_input *in,
		     struct meeting *out, struct coord_errors *errs)
{
	struct db_arg args[14];
	long long n = 0;
	enum err e = coord_meeting_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	if ((e = apply(c, a, in, false, out, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(out->id);
	args[1] = DB_INT(expected);
	coord_share_args(args + 2, &out->share);
	args[5] = db_text(out->title);
	args[6] = db_text(out->description);
	args[7] = db_text(out->starts_at);
	args[8] = db_text(out->ends_at[0] ? out->ends_at : NULL);
	args[9] = db_text(out->place);
	args[10] = db_text(out->online_url);
	args[11] = db_text(out->minutes);
	args[12] = db_text(coord_meeting_status_name(out->status));
	args[13] = db_text(out->updated_at);
	e = db_err(db_exec(c, &coord_sql[MEET_UPDATE], args, 14, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	if (e == ERR_OK)
		e = write_lists(c, out, in->has_agenda, in->has_participants);
	out->version = expected + 1;
	return e;
}

enum err
coord_decision_add(struct db_conn *c, struct arena *a, const char *meeting_id,
		   const char *text, const char *user_id, struct decision *out,
		   struct coord_errors *errs)
{
	struct db_arg args[6];
	struct db_rows rows;
	enum err e;

	memset(out, 0, sizeof(*out));
	if (!coord_text(a, "text", text, COORD_TEXT_MAX, TEXT_LINES, true,
			&out->text, errs))
		return ERR_INVALID;
	args[0] = db_text(meeting_id);
	if ((e = db_err(db_exec(c, &coord_sql[MEET_LOCK], args, 1, NULL))) !=
	    ERR_OK)
		return e;
	db_query(c, &coord_sql[MEET_DECISION_NEXT], args, 1, &rows);
	if (db_next(&rows))
		out->position = (int)db_col_int(&rows, 0);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	uuid_v7(out->id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	args[0] = db_text(out->id);
	args[1] = db_text(meeting_id);
	args[2] = DB_INT(out->position);
	args[3] = db_text(out->text);
	args[4] = db_text(user_id);
	args[5] = db_text(out->created_at);
	return db_err(
		db_exec(c, &coord_sql[MEET_DECISION_INSERT], args, 6, NULL));
}

/* A cursor: "<starts_at>~<id>". */
static bool
parse_cursor(const char *s, char start[TIME_RFC3339_LEN], char id[UUID_STR_LEN])
{
	const char *tilde = s ? strchr(s, '~') : NULL;
	int64_t ms;

	if (!tilde || (size_t)(tilde - s) >= TIME_RFC3339_LEN)
		return false;
	memcpy(start, s, (size_t)(tilde - s));
	start[tilde - s] = '\0';
	return time_parse_rfc3339(start, &ms) &&
	       uuid_normalise(str_of(tilde + 1), id);
}

enum err
coord_meeting_list(struct db_conn *c, struct arena *a,
		   const struct coord_viewer *v, const struct meeting_filter *f,
		   struct meeting_page *out, struct coord_errors *errs)
{
	char start[TIME_RFC3339_LEN], id[UUID_STR_LEN] = "";
	bool asc = f->when && !strcmp(f->when, "upcoming");
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	struct db_arg args[6];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	if (f->when && strcmp(f->when, "upcoming") && strcmp(f->when, "past"))
		coord_error(errs, "when", "must be upcoming or past");
	if (f->cursor && !parse_cursor(f->cursor, start, id))
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	if (errs->n)
		return ERR_INVALID;
	if (!f->cursor) {
		if (f->when)
			time_rfc3339(time_now_ms(), start, sizeof(start));
		else
			coord_copy(start, sizeof(start),
				   "~"); /* after any date */
	}
	args[0] = db_text(v->org_id);
	args[1] = db_text(v->country);
	args[2] = db_text(v->groups);
	args[3] = db_text(start);
	args[4] = db_text(id);
	args[5] = DB_INT(limit);
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &coord_sql[asc ? MEET_LIST_ASC : MEET_LIST_DESC], args, 6,
		 &rows);
	while (db_next(&rows))
		read_meeting(&rows, a, &out->items[n++]);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	for (size_t i = 0; i < n; i++) {
		struct meeting *m = &out->items[i];

		e = read_list(c, a, MEET_ORGS, m->id, &m->participants,
			      &m->nparticipants);
		if (e != ERR_OK)
			return e;
	}
	out->n = n;
	if (n == (size_t)limit)
		out->next_cursor = arena_printf(a, "%s~%s",
						out->items[n - 1].starts_at,
						out->items[n - 1].id);
	return ERR_OK;
}

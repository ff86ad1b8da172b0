/* Reading and deciding the watch's alerts (link_watch.h). */
#include "linkage/link_watch.h"

#include <string.h>

#include "cases/cases.h"
#include "coord/coord.h"
#include "linkage/link_sql.h"
#include "notify/notify.h"

static const char *const state_names[] = { "open", "same", "not_same" };

const char *
link_alert_state_name(enum link_alert_state s)
{
	return state_names[s];
}

bool
link_alert_state_parse(const char *s, enum link_alert_state *out)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]);
	     i++)
		if (!strcmp(s, state_names[i])) {
			*out = (enum link_alert_state)i;
			return true;
		}
	return false;
}

const char *
link_score_band(double score)
{
	return score >= 0.9 ? "high" : "medium";
}

static const char *
maybe(struct db_rows *rows, struct arena *a, int col)
{
	return db_col_null(rows, col) ? NULL
				      : arena_strdup(a, db_col_text(rows, col));
}

static void
read_side(struct db_rows *rows, struct arena *a, int col, struct link_side *s)
{
	coord_copy(s->case_id, sizeof(s->case_id), db_col_text(rows, col));
	coord_copy(s->person_id, sizeof(s->person_id),
		   db_col_text(rows, col + 1));
	coord_copy(s->org_id, sizeof(s->org_id), db_col_text(rows, col + 2));
	s->org_name = arena_strdup(a, db_col_text(rows, col + 3));
	s->org_country = arena_strdup(a, db_col_text(rows, col + 4));
	s->case_reference = arena_strdup(a, db_col_text(rows, col + 5));
	s->gender = maybe(rows, a, col + 6);
	s->age_band = maybe(rows, a, col + 7);
	s->citizenship = arena_strdup(a, db_col_text(rows, col + 8));
	s->exploitation = arena_strdup(a, db_col_text(rows, col + 9));
}

static void
read_alert(struct db_rows *rows, struct arena *a, struct link_alert *al)
{
	memset(al, 0, sizeof(*al));
	coord_copy(al->id, sizeof(al->id), db_col_text(rows, 0));
	link_alert_state_parse(db_col_text(rows, 1), &al->state);
	al->score = (double)db_col_int(rows, 2) / 10000;
	al->decided_by = maybe(rows, a, 3);
	al->decided_org = maybe(rows, a, 4);
	if (!db_col_null(rows, 5))
		coord_copy(al->decided_at, sizeof(al->decided_at),
			   db_col_text(rows, 5));
	coord_copy(al->created_at, sizeof(al->created_at),
		   db_col_text(rows, 6));
	coord_copy(al->updated_at, sizeof(al->updated_at),
		   db_col_text(rows, 7));
	al->version = db_col_int(rows, 8);
	read_side(rows, a, 9, &al->side[0]);
	read_side(rows, a, 19, &al->side[1]);
}

enum err
link_alert_get(struct db_conn *c, struct arena *a, const char *id,
	       struct link_alert *out)
{
	struct db_arg args[1] = { db_text(id) };
	struct db_rows rows;
	bool found = false;
	enum err e;

	db_query(c, &link_sql[LINK_ALERT_GET], args, 1, &rows);
	if (db_next(&rows)) {
		read_alert(&rows, a, out);
		found = true;
	}
	e = db_err(db_rows_close(&rows));
	return e == ERR_OK && !found ? ERR_NOT_FOUND : e;
}

enum err
link_alert_list(struct db_conn *c, struct arena *a, const char *org,
		const char *state, const char *cursor, long long limit,
		struct link_alert_page *out)
{
	struct db_arg args[4] = {
		db_text(org), db_text(state ? state : ""),
		/* ids are UUIDs in lower-case hex: "g" sorts after all. */
		db_text(cursor ? cursor : "g"), DB_INT(limit + 1)
	};
	struct db_rows rows;
	size_t n = 0;

	out->items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &link_sql[LINK_ALERT_LIST], args, 4, &rows);
	while (db_next(&rows))
		read_alert(&rows, a, &out->items[n++]);
	if ((long long)n > limit) {
		n = (size_t)limit;
		out->next_cursor = out->items[n - 1].id;
	}
	out->n = n;
	return db_err(db_rows_close(&rows));
}

enum err
link_alert_decide(struct db_conn *c, struct arena *a, struct link_alert *al,
		  long long expected, enum link_alert_state to,
		  const char *user_id, const char *org_id)
{
	char now[TIME_RFC3339_LEN];
	struct db_arg args[6];
	long long n = 0;
	enum err e;

	if (al->version != expected)
		return ERR_CONFLICT;
	time_rfc3339(time_now_ms(), now, sizeof(now));
	args[0] = db_text(al->id);
	args[1] = DB_INT(expected);
	args[2] = db_text(link_alert_state_name(to));
	args[3] = db_text(user_id);
	args[4] = db_text(org_id);
	args[5] = db_text(now);
	e = db_err(db_exec(c, &link_sql[LINK_ALERT_DECIDE], args, 6, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	/* The same person, trafficked again: both cases say so. */
	for (int i = 0; e == ERR_OK && to == LINK_SAME && i < 2; i++)
		e = cases_flag_add(c, a, al->side[i].case_id,
				   "TraffickedBefore");
	for (int i = 0; e == ERR_OK && i < 2; i++) {
		struct notify_event ev = { .event = "linkage.decided",
					   .record_kind = "linkage_alert",
					   .record_id = al->id,
					   .actor_org = org_id,
					   .actor_user = user_id };

		if (strcmp(al->side[i].org_id, org_id))
			e = notify_org(c, al->side[i].org_id, &ev);
	}
	if (e != ERR_OK)
		return e;
	al->state = to;
	al->version = expected + 1;
	al->decided_by = arena_strdup(a, user_id);
	al->decided_org = arena_strdup(a, org_id);
	coord_copy(al->decided_at, sizeof(al->decided_at), now);
	coord_copy(al->updated_at, sizeof(al->updated_at), now);
	return ERR_OK;
}

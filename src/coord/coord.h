/*
 * The coordination workspace: meetings and their decisions, joint actions
 * with progress updates, discussions on any record, and the good-practice
 * library.  Every record has an owner organisation, a distribution level
 * and a TLP label (struct coord_share), and access_check() decides who
 * sees and changes it; lists filter in SQL with the same rules
 * (COORD_VISIBLE in coord_sql.h) and check every row again.
 *
 * Functions run inside the caller's transaction on c and answer enum err:
 * ERR_INVALID with field errors in *errs, ERR_NOT_FOUND, ERR_CONFLICT for
 * a stale version, ERR_UNAVAILABLE, ERR_INTERNAL.  Strings they return
 * live in the arena they are given.
 */
#ifndef ATIP_COORD_COORD_H
#define ATIP_COORD_COORD_H

#include <stdbool.h>
#include <stddef.h>

#include "access/access.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/iso.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "db/db.h"
#include "orgs/orgs.h"

enum {
	COORD_TITLE_MAX = 300,	    /* characters */
	COORD_TEXT_MAX = 20000,	    /* descriptions, minutes, notes */
	COORD_LINE_MAX = 500,	    /* agenda items, places */
	COORD_LIST_MAX_ITEMS = 100, /* agenda items, participants, ... */
	COORD_MAX_ERRORS = 16,
	COORD_LIST_DEFAULT = 50,
	COORD_LIST_MAX = 500,
};

/* One refused field: its name in the API and why (static or arena text). */
struct coord_errors {
	int n;
	struct {
		const char *field;
		const char *message;
	} v[COORD_MAX_ERRORS];
};

/* Records an error for field (once per field). */
void coord_error(struct coord_errors *errs, const char *field,
		 const char *message);

/* Who owns a record and how far it is shared. */
struct coord_share {
	char owner_org[UUID_STR_LEN];
	char owner_country[ISO_COUNTRY_LEN + 1];
	enum access_level level;
	char group_id[UUID_STR_LEN]; /* LEVEL_GROUP; else "" */
	enum access_tlp tlp;
};

/*
 * Reads the sharing of a new or changed record: level (default "org"),
 * group_id (required for, and only with, level "group": a group the owner
 * belongs to), tlp (default "AMBER").  A level wider than the TLP label
 * allows is refused, and "public" unless allow_public.  share->owner_org
 * and owner_country must be set; NULL strings keep what share holds.
 */
enum err coord_share_parse(struct db_conn *c, const char *level,
			   const char *group_id, const char *tlp,
			   bool allow_public, struct coord_share *share,
			   struct coord_errors *errs);

/*
 * Reads a record's id and sharing: the first six columns of its rows (id,
 * owner_org, owner_country, level, group_id, tlp).
 */
void coord_read_head(struct db_rows *rows, char id[UUID_STR_LEN],
		     struct coord_share *s);

/* Binds id and the sharing of a new record as args[0..5], in that order. */
void coord_head_args(struct db_arg *args, const char *id,
		     const struct coord_share *s);

/* Binds the sharing of a changed record as args[0..2]: level, group, TLP. */
void coord_share_args(struct db_arg *args, const struct coord_share *s);

/* A bounded copy of s ("" for NULL). */
void coord_copy(char *dst, size_t size, const char *s);

/*
 * The access view of a record shared as s, with need-to-know grants to
 * the organisations in grants (arena memory, may be NULL).
 */
struct access_record coord_access(const struct coord_share *s,
				  const char *const *grants, size_t ngrants);

/*
 * Who reads a list: what COORD_VISIBLE needs.  groups is a comma list of
 * the sharing groups of the organisation.  All "" for an anonymous client.
 */
struct coord_viewer {
	const char *org_id;
	const char *country;
	const char *groups;
};

/* Cleans text for field into *out (arena); false after an error. */
bool coord_text(struct arena *a, const char *field, const char *in,
		size_t max_chars, unsigned flags, bool required,
		const char **out, struct coord_errors *errs);

/* Checks an organisation id list (each known, no repeats) into *out. */
bool coord_org_ids(struct db_conn *c, struct arena *a, const char *field,
		   const char *const *in, size_t n, const char ***out,
		   struct coord_errors *errs);

/*
 * Lists kept in one column: "a,b" or, framed, ",a,b," (so that one LIKE
 * '%,x,%' finds an item).  Items hold no commas.
 */
const char *coord_join(struct arena *a, const char *const *v, size_t n,
		       bool framed);

/* The items of a joined list (empty ones skipped), in arena memory. */
void coord_split(struct arena *a, const char *s, const char ***out, size_t *n);

/* ---- Meetings ---------------------------------------------------------- */

enum meeting_status { MEETING_PLANNED, MEETING_HELD, MEETING_CANCELLED };

struct decision {
	char id[UUID_STR_LEN];
	int position; /* 1, 2, ... in the meeting */
	const char *text;
	char created_at[TIME_RFC3339_LEN];
};

struct meeting {
	char id[UUID_STR_LEN];
	struct coord_share share;
	const char *title, *description, *place, *online_url, *minutes;
	char starts_at[TIME_RFC3339_LEN];
	char ends_at[TIME_RFC3339_LEN]; /* "" when open-ended */
	enum meeting_status status;
	const char **agenda;
	size_t nagenda;
	const char **participants; /* organisation ids, the owner first */
	size_t nparticipants;
	struct decision *decisions;
	size_t ndecisions;
	char created_by[UUID_STR_LEN];
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

/* A new meeting, or a change: NULL members are absent (kept). */
struct meeting_input {
	const char *title, *description, *place, *online_url, *minutes;
	const char *starts_at, *ends_at, *status;
	const char *const *agenda; /* with has_agenda */
	size_t nagenda;
	bool has_agenda;
	const char *const *participants; /* with has_participants */
	size_t nparticipants;
	bool has_participants;
	const char *level, *group_id, *tlp;
};

const char *coord_meeting_status_name(enum meeting_status s);

/*
 * Adds a meeting convened by the creator's organisation (share has owner
 * org and country set); *out gets it whole.
 */
enum err coord_meeting_create(struct db_conn *c, struct arena *a,
			      const struct coord_share *owner,
			      const char *user_id,
			      const struct meeting_input *in,
			      struct meeting *out, struct coord_errors *errs);

/* Reads a meeting with its agenda, participants and decisions. */
enum err coord_meeting_get(struct db_conn *c, struct arena *a, const char *id,
			   struct meeting *out);

/* Changes a meeting at version expected; *out gets the new state. */
enum err coord_meeting_update(struct db_conn *c, struct arena *a,
			      const char *id, long long expected,
			      const struct meeting_input *in,
			      struct meeting *out, struct coord_errors *errs);

/* Records a decision of a meeting (numbered in order). */
enum err coord_decision_add(struct db_conn *c, struct arena *a,
			    const char *meeting_id, const char *text,
			    const char *user_id, struct decision *out,
			    struct coord_errors *errs);

/* The access view of a meeting: its participants hold grants. */
struct access_record coord_meeting_access(const struct meeting *m);

/* The record kind "meeting" for files and discussions. */
enum err coord_meeting_load(struct db_conn *c, const char *id, struct arena *a,
			    struct access_record *out);

/* A page of meetings the viewer sees, newest start first. */
struct meeting_page {
	struct meeting *items; /* without decisions and agenda */
	size_t n;
	const char *next_cursor; /* NULL on the last page */
};

struct meeting_filter {
	const char *when; /* "upcoming", "past" or NULL for all */
	const char *cursor;
	long long limit;
};

enum err coord_meeting_list(struct db_conn *c, struct arena *a,
			    const struct coord_viewer *v,
			    const struct meeting_filter *f,
			    struct meeting_page *out,
			    struct coord_errors *errs);

/* ---- Joint actions ------------------------------------------------------ */

enum action_status {
	ACTION_PROPOSED,
	ACTION_AGREED,
	ACTION_IN_PROGRESS,
	ACTION_DONE,
	ACTION_DROPPED,
	ACTION_STATUS_COUNT
};

enum action_priority {
	PRIORITY_HIGH,
	PRIORITY_MEDIUM,
	PRIORITY_LOW,
	PRIORITY_COUNT
};

const char *coord_action_status_name(enum action_status s);
const char *coord_priority_name(enum action_priority p);

/* A dated progress update on an action, by one of its organisations. */
struct action_update {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char user_id[UUID_STR_LEN];
	const char *note;
	const char *status; /* the status it set, or NULL */
	char at[TIME_RFC3339_LEN];
};

struct action {
	char id[UUID_STR_LEN];
	struct coord_share share;
	const char *title, *description;
	enum theme theme;
	const char **countries; /* ISO 3166-1 alpha-2 */
	size_t ncountries;
	char lead_org[UUID_STR_LEN];
	const char *lead_name;
	const char **orgs; /* the lead, then the partners: grants */
	size_t norgs;
	const char *const *partners; /* orgs + 1 */
	size_t npartners;
	enum action_priority priority;
	char due_date[11]; /* YYYY-MM-DD, or "" */
	enum action_status status;
	bool overdue; /* due before today and neither done nor dropped */
	char meeting_id[UUID_STR_LEN];	/* made from a meeting's decision */
	char decision_id[UUID_STR_LEN]; /* or "" */
	struct action_update *updates;	/* coord_action_get() only */
	size_t nupdates;
	char created_by[UUID_STR_LEN];
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

/* A new action, or a change: NULL members are absent (kept). */
struct action_input {
	const char *title, *description, *theme, *lead_org, *priority;
	const char *due_date, *status, *decision_id;
	const char *const *countries; /* with has_countries */
	size_t ncountries;
	bool has_countries;
	const char *const *partners; /* with has_partners */
	size_t npartners;
	bool has_partners;
	const char *level, *group_id, *tlp;
};

/*
 * Adds an action owned by the creator's organisation.  A decision_id must
 * name a decision of a meeting the owner convened; the action keeps both.
 */
enum err coord_action_create(struct db_conn *c, struct arena *a,
			     const struct coord_share *owner,
			     const char *user_id, const struct action_input *in,
			     struct action *out, struct coord_errors *errs);

/* Reads an action with its partners and progress updates. */
enum err coord_action_get(struct db_conn *c, struct arena *a, const char *id,
			  struct action *out);

/* Changes an action at version expected. */
enum err coord_action_update(struct db_conn *c, struct arena *a, const char *id,
			     long long expected, const struct action_input *in,
			     struct action *out, struct coord_errors *errs);

/*
 * Adds a progress update by the user's organisation, which must be the
 * action's owner, lead or a partner (else ERR_FORBIDDEN); a status change
 * only by the owner or the lead (field "status").  Bumps the version.
 */
enum err coord_action_progress(struct db_conn *c, struct arena *a,
			       struct action *x, const char *org_id,
			       const char *user_id, const char *note,
			       const char *status, struct action_update *out,
			       struct coord_errors *errs);

/* The access view of an action: its lead and partners hold grants. */
struct access_record coord_action_access(const struct action *x);

/* The record kind "action". */
enum err coord_action_load(struct db_conn *c, const char *id, struct arena *a,
			   struct access_record *out);

struct action_filter {
	const char *view; /* "mine", "overdue" or NULL */
	const char *country, *theme, *status;
	const char *meeting_id; /* made from this meeting's decisions */
	const char *cursor;
	long long limit;
};

struct action_page {
	struct action *items; /* with partners, without updates */
	size_t n;
	const char *next_cursor;
};

/* Actions the viewer sees, soonest due first (no due date last). */
enum err coord_action_list(struct db_conn *c, struct arena *a,
			   const struct coord_viewer *v,
			   const struct action_filter *f,
			   struct action_page *out, struct coord_errors *errs);

/*
 * Notifies the organisations of open actions due within three days, and
 * of overdue ones, once each; *n gets how many actions it looked at.
 */
enum err coord_actions_remind(struct db *db, long long *n);

/* ---- Discussions -------------------------------------------------------- */

enum { COMMENT_MAX = 10000, MENTIONS_MAX = 20 };

struct comment {
	char id[UUID_STR_LEN];
	char parent_id[UUID_STR_LEN]; /* "" for a new thread */
	char org_id[UUID_STR_LEN];
	const char *org_name;
	char user_id[UUID_STR_LEN];
	const char *user_name;
	const char *body;
	const char **mention_orgs, **mention_users;
	size_t nmention_orgs, nmention_users;
	char created_at[TIME_RFC3339_LEN];
};

/* Where a comment goes, and what it says. */
struct comment_input {
	const char *record_kind; /* a struct record_kind name */
	const char *record_id;
	const char *parent_id; /* a comment on the same record, or NULL */
	const char *body;
	const char *const *mention_orgs;
	size_t nmention_orgs;
	const char *const *mention_users;
	size_t nmention_users;
};

/*
 * Adds a comment by user_id of org_id to a record the caller has checked
 * (ACT_CONTRIBUTE).  Mentioned organisations and users must be able to see
 * the record (r): each is notified ("mention"), and the author of the
 * comment replied to ("reply").
 */
enum err coord_comment_add(struct db_conn *c, struct arena *a,
			   const struct access_record *r,
			   const struct comment_input *in, const char *org_id,
			   const char *user_id, struct comment *out,
			   struct coord_errors *errs);

/* A record's comments, oldest first, after cursor (an id, or NULL). */
enum err coord_comment_list(struct db_conn *c, struct arena *a,
			    const char *record_kind, const char *record_id,
			    const char *cursor, long long limit,
			    struct comment **out, size_t *n);

/* ---- Good-practice library --------------------------------------------- */

enum { PRACTICE_BODY_MAX = 100000, PRACTICE_TAGS_MAX = 20, SEARCH_MAX = 100 };

struct practice {
	char id[UUID_STR_LEN];
	struct coord_share share;
	const char *title, *summary, *body, *source;
	char country[ISO_COUNTRY_LEN + 1]; /* or "" (regional) */
	enum theme theme;
	const char **tags;
	size_t ntags;
	char published_on[11]; /* YYYY-MM-DD, or "" */
	const char *snippet;   /* search: \x02 hit \x03 marks */
	char created_by[UUID_STR_LEN];
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

struct practice_input {
	const char *title, *summary, *body, *source, *country, *theme;
	const char *published_on;
	const char *const *tags; /* with has_tags */
	size_t ntags;
	bool has_tags;
	const char *level, *group_id, *tlp;
};

enum err coord_practice_create(struct db_conn *c, struct arena *a,
			       const struct coord_share *owner,
			       const char *user_id,
			       const struct practice_input *in,
			       struct practice *out, struct coord_errors *errs);

enum err coord_practice_get(struct db_conn *c, struct arena *a, const char *id,
			    struct practice *out);

enum err coord_practice_update(struct db_conn *c, struct arena *a,
			       const char *id, long long expected,
			       const struct practice_input *in,
			       struct practice *out, struct coord_errors *errs);

/* The record kind "practice". */
enum err coord_practice_load(struct db_conn *c, const char *id, struct arena *a,
			     struct access_record *out);

struct practice_filter {
	const char *q; /* words to find; NULL: newest first */
	const char *country, *theme, *tag;
	const char *cursor;
	long long limit;
};

struct practice_page {
	struct practice *items; /* without body */
	size_t n;
	const char *next_cursor;
};

/*
 * Practices the viewer sees: with q, ranked by the engine's full-text
 * search (title, summary, tags, body) with a highlighted snippet each;
 * without, newest first.
 */
enum err coord_practice_search(struct db_conn *c, struct arena *a,
			       const struct coord_viewer *v,
			       const struct practice_filter *f,
			       struct practice_page *out,
			       struct coord_errors *errs);

/* Markdown to HTML with cmark, safe mode: no raw HTML, no unsafe links. */
const char *coord_markdown(struct arena *a, const char *md);

extern const struct db_migration coord_migrations[];
extern const size_t coord_nmigrations;

#endif

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

extern const struct db_migration coord_migrations[];
extern const size_t coord_nmigrations;

#endif

/*
 * Notifications: an in-app inbox per user (mentions, replies, assignments,
 * due and overdue actions) and, later in this module, webhooks per
 * organisation.  A notification names an event and a record (kind and
 * id), never the record's content: the reader opens the record, and its
 * own access rules decide what they see.
 *
 * Functions run in the caller's transaction on c.
 */
#ifndef ATIP_NOTIFY_NOTIFY_H
#define ATIP_NOTIFY_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "db/db.h"

enum { NOTIFY_LIST_DEFAULT = 50, NOTIFY_LIST_MAX = 500 };

/* What happened, to which record, by whom. */
struct notify_event {
	const char *event; /* "mention", "reply", "action.assigned", ... */
	const char *record_kind; /* "meeting", "action", ... */
	const char *record_id;
	const char *actor_org;	/* or NULL (the system) */
	const char *actor_user; /* never notified of their own doing */
	/* Once per user and key ("action.due:<id>:<date>"), or NULL. */
	const char *dedupe;
};

/* Notifies one user. */
enum err notify_user(struct db_conn *c, const char *user_id,
		     const struct notify_event *ev);

/* Notifies every active user of an organisation. */
enum err notify_org(struct db_conn *c, const char *org_id,
		    const struct notify_event *ev);

struct notification {
	char id[UUID_STR_LEN];
	const char *event, *record_kind, *record_id, *actor_org, *actor_user;
	char created_at[TIME_RFC3339_LEN];
	char read_at[TIME_RFC3339_LEN]; /* "" when unread */
};

/* A page of a user's inbox, newest first, after cursor (an id or NULL). */
enum err notify_list(struct db_conn *c, struct arena *a, const char *user_id,
		     bool unread_only, const char *cursor, long long limit,
		     struct notification **out, size_t *n);

/* How many unread notifications the user has. */
enum err notify_unread(struct db_conn *c, const char *user_id, long long *n);

/*
 * Marks one of the user's notifications read (id), or all of them (id
 * NULL); *n gets how many changed.  ERR_NOT_FOUND for an id that is not
 * the user's.
 */
enum err notify_mark_read(struct db_conn *c, const char *user_id,
			  const char *id, long long *n);

extern const struct db_migration notify_migrations[];
extern const size_t notify_nmigrations;

#endif

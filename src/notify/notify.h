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
#include "crypto/crypto.h"
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

/* ---- Webhooks ----------------------------------------------------------- */

enum {
	WEBHOOK_URL_MAX = 2000,
	WEBHOOKS_PER_ORG = 10,
	WEBHOOK_ATTEMPTS = 8, /* deliveries tried this often, with back-off */
};

struct webhook {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	const char *url;
	const char **events; /* event names, or one "*" */
	size_t nevents;
	char created_at[TIME_RFC3339_LEN];
};

struct webhook_delivery {
	char id[UUID_STR_LEN];
	char webhook_id[UUID_STR_LEN];
	const char *event, *record_kind, *record_id;
	const char *status; /* "pending", "delivered", "failed" */
	long long attempts;
	long long last_status;	/* HTTP status of the last try, 0: none */
	const char *last_error; /* why the last try failed, or NULL */
	char created_at[TIME_RFC3339_LEN];
	char delivered_at[TIME_RFC3339_LEN]; /* or "" */
};

/* Starts libcurl; call once at start, before threads. */
bool notify_init(void);

/*
 * Sets the addresses webhooks may reach although they are private,
 * loopback or link-local (a comma list of CIDR blocks, "" for none).
 * False with a reason in err when a block does not parse.  Call at start.
 */
bool notify_webhook_allow(const char *cidrs, char *err, size_t errlen);

/*
 * Adds a webhook of an organisation: url https (or http to an allowed
 * address, for tests), events from the notification event names or "*".
 * *secret (caller frees) is shown once.  ERR_INVALID with *field and *why
 * for a refused URL or event list; ERR_CONFLICT past WEBHOOKS_PER_ORG.
 */
enum err notify_webhook_create(struct db_conn *c,
			       const struct crypto_keyring *kr, struct arena *a,
			       const char *org_id, const char *user_id,
			       const char *url, const char *const *events,
			       size_t nevents, struct webhook *out,
			       char **secret, const char **field,
			       const char **why);

/* An organisation's webhooks, oldest first. */
enum err notify_webhook_list(struct db_conn *c, struct arena *a,
			     const char *org_id, struct webhook **out,
			     size_t *n);

/* Removes one of an organisation's webhooks; ERR_NOT_FOUND otherwise. */
enum err notify_webhook_delete(struct db_conn *c, const char *org_id,
			       const char *id);

/*
 * A webhook's delivery log, newest first, after cursor (an id or NULL);
 * ERR_NOT_FOUND when org_id has no such webhook (a removed one keeps its
 * log).
 */
enum err notify_webhook_deliveries(struct db_conn *c, struct arena *a,
				   const char *org_id, const char *webhook_id,
				   const char *cursor, long long limit,
				   struct webhook_delivery **out, size_t *n);

/*
 * Sends one delivery (the "webhook.deliver" job): ERR_OK when delivered or
 * when there is nothing left to do, ERR_UNAVAILABLE to try again later.
 * attempt counts from 1; the last one marks the delivery failed.
 */
enum err notify_webhook_deliver(struct db *db, const struct crypto_keyring *kr,
				const char *delivery_id, int attempt);

/* After key rotation: re-seals webhook secrets under the primary key. */
enum err notify_webhooks_rewrap(struct db *db, const struct crypto_keyring *kr,
				long long *count);

/* Queues ev for every webhook of org_id that wants it (notify_org does). */
enum err notify_webhooks_enqueue(struct db_conn *c, const char *org_id,
				 const struct notify_event *ev);

/* The event names notifications and webhooks carry. */
bool notify_event_known(const char *event);

extern const struct db_migration notify_migrations[];
extern const size_t notify_nmigrations;

#endif

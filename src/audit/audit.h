/*
 * The audit trail: append-only, hash-chained, one chain per organisation
 * (so appends never queue behind one global lock), written in the same
 * transaction as the change it records.  Entries name the actor, the
 * action, the record and the outcome — never the data itself.
 *
 * Signed checkpoints of every chain head are kept outside the database, so
 * that dropping the newest entries, or rewriting a chain and its hashes,
 * is detected as well as changing or deleting a row in the middle.
 */
#ifndef ATIP_AUDIT_AUDIT_H
#define ATIP_AUDIT_AUDIT_H

#include <stddef.h>

#include "base/err.h"
#include "crypto/crypto.h"
#include "db/db.h"

struct audit_event {
	const char *chain;	/* the actor's organisation id, or "platform" */
	const char *actor_user; /* user id, or NULL for the system */
	const char *action;	/* "session.create", "case.read", ... */
	const char *record_kind; /* or NULL */
	const char *record_id;	 /* or NULL */
	const char *outcome;	 /* "ok", "denied", "failed" */
	const char *request_id;	 /* or NULL */
	/* Break glass: the organisation owning the record, which reviews the
	 * access, and the reason stated; NULL for every other entry. */
	const char *review_org;
	const char *reason;
};

enum { AUDIT_REASON_MAX = 1000 }; /* bytes of a break-glass reason */

/* Migrations of the audit trail, for the list in routes.c. */
extern const struct db_migration audit_migrations[];
extern const size_t audit_nmigrations;

/*
 * Appends e to its chain inside the caller's transaction on c.  Returns
 * DB_RETRY when another transaction appended to the same chain first:
 * db_tx() then runs the whole transaction again.
 */
enum db_status audit_append(struct db_conn *c, const struct audit_event *e);

/*
 * Marks the break-glass access flag_id (an audit entry id) as reviewed by
 * reviewer with a note.  ERR_NOT_FOUND when there is no such flag for
 * owner_org, ERR_CONFLICT when it was reviewed already.
 */
enum err audit_flag_review(struct db_conn *c, const char *owner_org,
			   const char *flag_id, const char *reviewer,
			   const char *note);

/*
 * How many times user (of the chain's organisation) did action since the
 * RFC 3339 time since: for rate limits on sensitive actions.
 */
enum err audit_count_since(struct db_conn *c, const char *chain,
			   const char *user, const char *action,
			   const char *since, long long *n);

/*
 * Appends a signed line for every chain whose head moved since the last
 * checkpoint to the file at path (created 0600).  Returns DB_OK or the
 * database's status; a file error is DB_ERROR with a reason in err.
 */
enum db_status audit_checkpoint(struct db *db, const struct crypto_keyring *kr,
				const char *path, char *err, size_t errlen);

struct audit_report {
	long long entries; /* entries checked */
	long long chains;
	long long checkpoints; /* checkpoint lines checked */
	char problem[256];     /* the first break found, or "" */
};

/*
 * Checks every chain (sequence, links, hashes) and every checkpoint in the
 * file at path (signature by pub, and that the chain still holds the head
 * it signed).  Returns DB_OK when the check ran; r->problem then names the
 * first break, or is empty when there is none.
 */
enum db_status audit_verify(struct db *db, const char *path,
			    const unsigned char pub[CRYPTO_PUBLIC_LEN],
			    struct audit_report *r);

#endif

/*
 * Users, roles, sessions.  A user belongs to one organisation and has one
 * role.  Sessions are 256-bit random tokens, stored only as hashes, with an
 * idle and an absolute timeout; each carries a CSRF token for unsafe
 * methods.  Functions that touch the database run inside the caller's
 * transaction and answer with enum err (ERR_INVALID with field errors,
 * ERR_NOT_FOUND, ERR_CONFLICT, ERR_UNAUTHENTICATED, ERR_UNAVAILABLE,
 * ERR_INTERNAL).
 */
#ifndef ATIP_AUTH_AUTH_H
#define ATIP_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth_password.h"
#include "base/err.h"
#include "base/uuid.h"
#include "crypto/crypto.h"
#include "db/db.h"

enum auth_role {
	ROLE_PLATFORM_ADMIN,
	ROLE_ORG_ADMIN,
	ROLE_CASE_WORKER,
	ROLE_INVESTIGATOR,
	ROLE_ANALYST,
	ROLE_VIEWER,
	ROLE_COUNT
};

enum {
	AUTH_EMAIL_MAX = 254,
	AUTH_NAME_MAX = 200,	 /* bytes */
	AUTH_TOKEN_LEN = 44,	 /* base64url of 32 bytes, and NUL */
	AUTH_API_TOKEN_LEN = 49, /* "atip_" + base64url of 32 bytes + NUL */
	AUTH_TOKEN_DAYS_MAX = 366,
	AUTH_IDLE_MS = 30 * 60 * 1000,
	AUTH_ABSOLUTE_MS = 12 * 60 * 60 * 1000,
	AUTH_MAX_ERRORS = 6,
	AUTH_FAILURES_MAX = 10, /* failed passwords per account ... */
	AUTH_FAILURES_WINDOW_MS = 15 * 60 * 1000, /* ... in this window */
	AUTH_RECOVERY_CODES = 10,
	AUTH_RECOVERY_LEN = 12, /* "xxxxx-xxxxx" and NUL */
};

struct auth_user {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char email[AUTH_EMAIL_MAX + 1];
	char name[AUTH_NAME_MAX + 1];
	enum auth_role role;
	bool active;
	bool totp_enrolled;
	long long version;
};

/* A new user as received: NULL for absent. */
struct auth_user_input {
	const char *org_id;
	const char *email;
	const char *name;
	const char *role;
	const char *password;
	size_t password_len;
};

struct auth_errors {
	int n;
	struct {
		const char *field;
		const char *message;
	} v[AUTH_MAX_ERRORS];
};

/* Who makes a request: the user, and their organisation's standing. */
struct auth_actor {
	struct auth_user user;
	char country[3];       /* of the user's organisation */
	char session_hash[65]; /* "" for API tokens */
	char csrf_hash[65];
	bool must_enrol; /* a second factor is due before anything else */
	const char *const *groups; /* sharing groups of the organisation */
	size_t ngroups;
};

extern const struct db_migration auth_migrations[];
extern const size_t auth_nmigrations;

const char *auth_role_name(enum auth_role r);

bool auth_role_parse(const char *s, enum auth_role *out);

/*
 * Normalises an email address (trimmed, lower case) into out; false when it
 * is not a plausible address.
 */
bool auth_email_normalise(const char *s, char out[AUTH_EMAIL_MAX + 1]);

/*
 * Adds a user after checking every field (errors into *errs) and hashing
 * the password.  ERR_CONFLICT when the email is taken; ERR_NOT_FOUND when
 * the organisation does not exist.  Hashing is slow: the caller should not
 * hold a write transaction across it (see auth_user_prepare).
 */
enum err auth_user_create(struct db_conn *c, const struct auth_user_input *in,
			  const char *password_hash, struct auth_user *out,
			  struct auth_errors *errs);

/*
 * Checks a new user's fields (all but the organisation, which
 * auth_user_create checks) and hashes the password into hash, outside any
 * transaction.  ERR_INVALID with the field errors.
 */
enum err auth_user_prepare(const struct auth_user_input *in,
			   char hash[AUTH_HASH_MAX], struct auth_errors *errs);

/* Reads a user by id; ERR_NOT_FOUND when there is none. */
enum err auth_user_get(struct db_conn *c, const char *id,
		       struct auth_user *out);

/*
 * Reads an active user of an active organisation by email, with the stored
 * password hash.  ERR_NOT_FOUND otherwise.
 */
enum err auth_user_for_signin(struct db_conn *c, const char *email,
			      struct auth_user *out, char hash[AUTH_HASH_MAX]);

/*
 * Lists the users of an organisation in id order after cursor ("" for the
 * first page), at most limit (1..500) of them, into items (room for limit);
 * *n gets the count.
 */
enum err auth_users_list(struct db_conn *c, const char *org_id,
			 const char *cursor, int limit, struct auth_user *items,
			 size_t *n);

/* Counts users (0 on a fresh database: `atip init` may add the first). */
enum err auth_users_count(struct db_conn *c, long long *n);

/*
 * Starts a session for user at now: writes the session token (for the
 * cookie) and a CSRF token (for the client) — both shown once.  A session
 * with must_enrol may only enrol a second factor.
 */
enum err auth_session_create(struct db_conn *c, const char *user_id,
			     int64_t now, bool must_enrol,
			     char token[AUTH_TOKEN_LEN],
			     char csrf[AUTH_TOKEN_LEN]);

/*
 * Resolves a session token at now into the actor.  ERR_UNAUTHENTICATED
 * when it is unknown, idle too long, too old, or its user or organisation
 * is no longer active.  Refreshes the idle clock.
 */
enum err auth_session_check(struct db_conn *c, const char *token, int64_t now,
			    struct auth_actor *out);

/* True when csrf is the CSRF token of the actor's session. */
bool auth_csrf_valid(const struct auth_actor *a, const char *csrf);

/* Ends the session of token (sign-out). */
enum err auth_session_end(struct db_conn *c, const char *token);

/*
 * Enables or disables a user if its version is still expected_version; a
 * disabled user's sessions end and its tokens stop working at once.
 * ERR_CONFLICT for a stale version.
 */
enum err auth_user_set_active(struct db_conn *c, const char *user_id,
			      bool active, long long expected_version);

/* Ends every session of an organisation's users (suspension). */
enum err auth_sessions_end_org(struct db_conn *c, const char *org_id);

/* Ends every session of a user (password change, disabled user). */
enum err auth_sessions_end_all(struct db_conn *c, const char *user_id);

/*
 * Sign-in throttling.  auth_attempt_begin, in its own transaction before
 * the password is checked, tells whether the account has had
 * AUTH_FAILURES_MAX attempts in the window before now (*retry_after_s:
 * seconds until one expires) and otherwise records this attempt as a
 * failure, writing its id.  Counting and recording are one step, so
 * attempts sent together cannot slip past the limit.  The client's
 * address ip has its own, higher limit, per_ip failures in the same window
 * whatever the accounts (0: none).  A successful sign-in clears its
 * attempt with auth_attempt_clear.
 */
enum err auth_attempt_begin(struct db_conn *c, const char *email,
			    const char *ip, long per_ip, int64_t now,
			    bool *exceeded, int *retry_after_s,
			    char id[UUID_STR_LEN]);

enum err auth_attempt_clear(struct db_conn *c, const char *id);

/*
 * API tokens (Authorization: Bearer): shown once at creation, stored as
 * hashes, bound to a user, expiring after days (1..366), revocable.
 */
enum err auth_token_create(struct db_conn *c, const char *user_id,
			   const char *name, int days, int64_t now,
			   char id[UUID_STR_LEN],
			   char token[AUTH_API_TOKEN_LEN]);

/*
 * Resolves a bearer token at now into the actor (records its use at most
 * once a minute).  ERR_UNAUTHENTICATED when unknown, expired, revoked, or
 * its user or organisation is no longer active.
 */
enum err auth_token_check(struct db_conn *c, const char *token, int64_t now,
			  struct auth_actor *out);

/* Revokes a token of user_id; ERR_NOT_FOUND when it has no such live token. */
enum err auth_token_revoke(struct db_conn *c, const char *user_id,
			   const char *id, int64_t now);

/*
 * Resets a user: a new password (hash from auth_password_hash, or NULL to
 * keep it) and, with clear_totp, no second factor (they enrol again at
 * their next sign-in, if their role needs one).  Ends all their sessions.
 */
enum err auth_user_reset(struct db_conn *c, const char *user_id,
			 const char *password_hash, bool clear_totp);

/*
 * After key rotation: re-seals every user's TOTP secret under the primary
 * key, a hundred users per transaction.  *count gets how many changed.
 */
enum err auth_totp_rewrap(struct db *db, const struct crypto_keyring *kr,
			  long long *count);

/* Reads a user's stored password hash; ERR_NOT_FOUND when there is none. */
enum err auth_password_stored(struct db_conn *c, const char *user_id,
			      char hash[AUTH_HASH_MAX]);

/*
 * Sets the actor's own new password (hash from auth_password_hash, after
 * checking the current one) and ends every other session of theirs.
 */
enum err auth_password_set(struct db_conn *c, const struct auth_actor *a,
			   const char *hash);

/*
 * Replaces a user's password hash made with older parameters by one of the
 * same password made with today's (at sign-in), unless the stored hash is
 * no longer old_hash.
 */
enum err auth_password_upgrade(struct db_conn *c, const char *user_id,
			       const char *old_hash, const char *new_hash);

/* The stored form of a secret token (session, CSRF, API): BLAKE2b, hex. */
void auth_token_hash(const char *token, char hash[65]);

/* Reads the user columns (auth_sql.c USER_COLUMNS) of the current row. */
void auth_read_user(struct db_rows *rows, struct auth_user *u);

/* True when the role must sign in with a second factor. */
bool auth_role_needs_totp(enum auth_role r);

/*
 * Starts TOTP enrolment: a new secret, kept sealed as pending until
 * confirmed; *base32 (caller frees) is shown to the user once.
 * ERR_CONFLICT when the user has a second factor already.
 */
enum err auth_totp_begin(struct db_conn *c, const struct crypto_keyring *kr,
			 const char *user_id, char **base32);

/*
 * Enrols a second factor at once, without a confirming code: for demo
 * accounts and the operator's command line only.  *base32 as above.
 */
enum err auth_totp_enrol_now(struct db_conn *c, const struct crypto_keyring *kr,
			     const char *user_id, char **base32);

/*
 * Confirms enrolment with a code from the new secret: the secret becomes
 * the user's, their sessions may do everything, and codes gets fresh
 * one-time recovery codes (shown once; stored as MACs).  ERR_INVALID for a
 * wrong code or when no enrolment is pending.
 */
enum err auth_totp_confirm(struct db_conn *c, const struct crypto_keyring *kr,
			   const char *user_id, const char *code, int64_t now,
			   char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_LEN]);

/*
 * Checks the second factor at sign-in: a TOTP code (accepted once: a
 * replayed or older code is refused) or an unused recovery code (then used
 * up).  ERR_UNAUTHENTICATED when it does not match.
 */
enum err auth_second_factor(struct db_conn *c, const struct crypto_keyring *kr,
			    const char *user_id, const char *code, int64_t now);

#endif

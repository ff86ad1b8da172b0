/*
 * Referrals: a case's owner asks another organisation (or one of its
 * services) to help a survivor, sharing exactly the personal fields it
 * needs, under the victims' consent.  requested -> accepted or declined
 * (with a reason) -> in_progress -> completed; or withdrawn by the
 * referring organisation while open.  Every move is timed, audited on the
 * case and told to the other side.  While a referral is open the receiving
 * organisation holds a need-to-know grant for exactly the shared fields
 * (cases_grant_via), which ends when the referral closes.  A referral not
 * answered within REFERRAL_ESCALATE_HOURS is told to the receiving
 * organisation's admins.
 */
#ifndef ATIP_REFERRALS_REFERRALS_H
#define ATIP_REFERRALS_REFERRALS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cases/cases.h"

enum referral_state {
	REF_REQUESTED,
	REF_ACCEPTED,
	REF_DECLINED,
	REF_IN_PROGRESS,
	REF_COMPLETED,
	REF_WITHDRAWN,
	REF_STATE_COUNT
};

enum { REFERRAL_ESCALATE_HOURS = 48 };

const char *referral_state_name(enum referral_state s);
bool referral_state_parse(const char *s, enum referral_state *out);

/* Is the referral still open (its grant alive)? */
bool referral_open(enum referral_state s);

struct referral {
	char id[UUID_STR_LEN];
	char case_id[UUID_STR_LEN];
	char from_org[UUID_STR_LEN];
	char to_org[UUID_STR_LEN];
	char service_id[UUID_STR_LEN]; /* "" when to an organisation */
	const char *reason, *urgency;
	const char *close_reason;   /* why it was declined or withdrawn */
	const char *case_reference; /* the case's own number */
	const char *service_name, *service_type; /* NULL: to an organisation */
	const char **fields; /* the personal fields shared; none: all */
	size_t nfields;
	enum referral_state state;
	bool consent_overridden;
	char created_by[UUID_STR_LEN];
	char requested_at[TIME_RFC3339_LEN];
	char answered_at[TIME_RFC3339_LEN]; /* accepted or declined */
	char started_at[TIME_RFC3339_LEN];
	char closed_at[TIME_RFC3339_LEN];
	char escalated_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
	/* A repatriation handover: the destination country's organisation
	 * hands the case to one of the origin country, which takes custody
	 * (and the follow-ups) when it completes the handover. */
	bool handover;
	char travel_date[11];	/* handovers: YYYY-MM-DD */
	const char **documents; /* handovers: the papers that go along */
	size_t ndocuments;
};

struct referral_input {
	const char *to_org, *service_id, *reason, *urgency, *override_reason;
	json_t *fields;	  /* array of personal field names, or NULL: all */
	const char *kind; /* "referral" (default) or "handover" */
	const char *travel_date;
	json_t *documents; /* array of short texts */
};

/*
 * Refers case r (its writer user_id, who may read its personal data) to
 * an organisation or a service, checking every victim's consent of scope
 * Referral naming the receiving organisation (else override_reason).
 */
enum err referrals_create(struct db_conn *c, struct arena *a,
			  const struct case_record *r, const char *user_id,
			  const struct referral_input *in, struct referral *out,
			  struct coord_errors *errs);

enum err referrals_get(struct db_conn *c, struct arena *a, const char *id,
		       struct referral *out);

/*
 * Moves a referral on (to: accepted, declined (reason required),
 * in_progress, completed, withdrawn (reason optional)) if its state
 * allows, at its version; ERR_CONFLICT otherwise.  Closing ends its grant.
 */
enum err referrals_move(struct db_conn *c, struct arena *a, struct referral *r,
			enum referral_state to, const char *reason,
			struct coord_errors *errs);

struct referral_filter {
	const char *org_id;
	const char *view; /* "incoming", "outgoing", or NULL: both */
	const char *state;
	const char *case_id;
	const char *cursor;
	long long limit;
};

struct referral_page {
	struct referral *items;
	size_t n;
	const char *next_cursor;
};

enum err referrals_list(struct db_conn *c, struct arena *a,
			const struct referral_filter *f,
			struct referral_page *out, struct coord_errors *errs);

/* Tells the receiving org admins of referrals unanswered too long. */
enum err referrals_escalate(struct db *db, long long *count);

/*
 * Indicators for managers, over the referrals org_id sent or received
 * (every referral when org_id is NULL): per receiving organisation and
 * service type, how many, accepted, declined, completed, the mean hours
 * to accept, and the decline reasons.  A JSON array (caller decrefs).
 */
enum err referrals_indicators(struct db_conn *c, struct arena *a,
			      const char *org_id, json_t **out);

extern const struct db_migration referrals_migrations[];
extern const size_t referrals_nmigrations;

#endif

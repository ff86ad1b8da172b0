/*
 * The re-trafficking watch.  Every victim on the platform is encoded as a
 * CLK of the built-in person schema under the platform's linkage key, in
 * the background (the periodic job "linkage.watch", woken by every change
 * of a person), and matched against every other case's victims.  A pair
 * above the threshold raises an alert to both owning organisations that
 * shows that a possible match exists, at which organisation, a score band
 * and the persons' non-identifying fields (gender, age band, citizenship,
 * exploitation) — never a name, date or contact.  Either side may then ask
 * the other through a referral, which checks consent, and decide "same
 * person" (both cases get the TraffickedBefore flag) or "not the same".
 *
 * Functions run in the caller's transaction on c unless they take a db.
 */
#ifndef ATIP_LINKAGE_LINK_WATCH_H
#define ATIP_LINKAGE_LINK_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "crypto/crypto.h"
#include "db/db.h"

/* Bumped whenever the built-in person schema changes: every CLK is then
 * encoded again. */
enum { LINK_SCHEMA_VERSION = 1, LINK_ALERTS_DEFAULT = 50 };

extern const struct db_migration link_migrations[];
extern const size_t link_nmigrations;

/*
 * Encodes the victims whose CLK is missing or stale and matches each
 * against the platform, raising alerts; forgets erased cases.  *encoded
 * and *alerts count what it did.  The handler of "linkage.watch".
 */
enum err link_watch_run(struct db *db, const struct crypto_keyring *kr,
			long long *encoded, long long *alerts);

/* Forgets a case's CLKs and alerts (the case is being erased). */
enum err link_forget_case(struct db_conn *c, const char *case_id);

enum link_alert_state { LINK_OPEN, LINK_SAME, LINK_NOT_SAME };

const char *link_alert_state_name(enum link_alert_state s);
bool link_alert_state_parse(const char *s, enum link_alert_state *out);

/* One side of an alert: what either organisation may know of it. */
struct link_side {
	char case_id[UUID_STR_LEN];
	char person_id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	const char *org_name, *org_country;
	const char *case_reference;
	const char *gender, *age_band, *citizenship, *exploitation;
};

struct link_alert {
	char id[UUID_STR_LEN];
	enum link_alert_state state;
	double score;
	struct link_side side[2];
	const char *decided_by, *decided_org; /* NULL while open */
	char decided_at[TIME_RFC3339_LEN];
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

/* "high" (0.9 and above) or "medium": the score itself is not shown. */
const char *link_score_band(double score);

/* An alert by id; ERR_NOT_FOUND when there is none. */
enum err link_alert_get(struct db_conn *c, struct arena *a, const char *id,
			struct link_alert *out);

struct link_alert_page {
	struct link_alert *items;
	size_t n;
	const char *next_cursor;
};

/* The alerts of org (either side), newest first; state NULL: all. */
enum err link_alert_list(struct db_conn *c, struct arena *a, const char *org,
			 const char *state, const char *cursor, long long limit,
			 struct link_alert_page *out);

/*
 * Records a decision on an alert at version expected (ERR_CONFLICT when
 * stale): "same person" also flags both cases TraffickedBefore.  Tells the
 * other side.
 */
enum err link_alert_decide(struct db_conn *c, struct arena *a,
			   struct link_alert *al, long long expected,
			   enum link_alert_state to, const char *user_id,
			   const char *org_id);

#endif

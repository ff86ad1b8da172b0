/*
 * Intelligence exchange on online-enabled exploitation: reports, their
 * typed indicators (intel_norm.h), the correlation of every indicator with
 * the reports and cases holding the same value, the network they form, and
 * requests to online platforms.
 *
 * A report is shared like every coordination record (struct coord_share:
 * distribution level and TLP label) and carries a handling code.  A person
 * name among its indicators is personal data: sealed under the report's
 * data key like a case's personal fields, indexed only by a keyed hash,
 * read only by the owner's case workers and investigators.
 *
 * Functions run inside the caller's transaction on c and answer enum err
 * as coord.h's do; strings live in the arena they are given.
 */
#ifndef ATIP_INTEL_INTEL_H
#define ATIP_INTEL_INTEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coord/coord.h"
#include "crypto/crypto.h"
#include "intel/intel_norm.h"

enum {
	INTEL_VALUE_MAX = 2000,	    /* characters of an indicator's value */
	INTEL_INDICATORS_MAX = 500, /* added in one request */
	INTEL_EXTRACT_MAX = 200,    /* proposed from one text */
	INTEL_TEXT_MAX = 100000,    /* bytes of text to extract from */
	/* A value held by more records than this is common (a call centre,
	 * a popular domain): flagged, never linked. */
	INTEL_CORRELATION_MAX = 50,
};

/* Handling codes: how a report's content may be used. */
enum intel_handling {
	HANDLING_H0, /* no restriction */
	HANDLING_H1, /* not for use in court without the owner's permission */
	HANDLING_H2, /* no further dissemination */
	HANDLING_H3, /* other restrictions, stated in handling_note */
	HANDLING_COUNT
};

const char *intel_handling_name(enum intel_handling h); /* "H0" ... */
bool intel_handling_parse(const char *s, enum intel_handling *out);

/* An indicator of a report. */
struct intel_indicator {
	char id[UUID_STR_LEN];
	char report_id[UUID_STR_LEN];
	enum intel_type type;
	const char *qualifier; /* platform, app or chain; NULL otherwise */
	const char *value;     /* as written; NULL for an unread person name */
	const char *key;       /* canonical; a name's: its blind index */
	const char *note;      /* NULL when none */
	uint64_t simhash;      /* INTEL_AD: of the text */
	bool common;	       /* held by too many records: not linked */
	char created_at[TIME_RFC3339_LEN];
	char created_by[UUID_STR_LEN];
};

/* A report on online-enabled exploitation. */
struct intel_report {
	char id[UUID_STR_LEN];
	struct coord_share share;
	const char *owner_name; /* the owner organisation's name */
	const char *title;
	const char *narrative;
	char period_start[11], period_end[11]; /* YYYY-MM-DD or "" */
	const char **places;		       /* ISO 3166-1 / 3166-2 codes */
	size_t nplaces;
	const char **exploitation; /* HTCDS exploitation types */
	size_t nexploitation;
	const char **platforms; /* online platforms involved */
	size_t nplatforms;
	char reliability; /* Admiralty source reliability 'A'..'F' */
	int credibility;  /* Admiralty information credibility 1..6 */
	enum intel_handling handling;
	const char *handling_note; /* H3: the restrictions; else NULL */
	const char **case_ids;	   /* linked cases (their own rules apply) */
	size_t ncases;
	struct intel_indicator *indicators;
	size_t nindicators;
	char created_by[UUID_STR_LEN];
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

/* Platform requests: preservation and takedown. */
enum intel_request_kind { REQUEST_PRESERVATION, REQUEST_TAKEDOWN };
enum intel_request_status {
	REQUEST_DRAFT,
	REQUEST_SENT,
	REQUEST_ACKNOWLEDGED,
	REQUEST_COMPLIED,
	REQUEST_REFUSED,
	REQUEST_EXPIRED,
	REQUEST_STATUS_COUNT
};

struct intel_request {
	char id[UUID_STR_LEN];
	char report_id[UUID_STR_LEN];
	const char *platform; /* "facebook", "whatsapp", ... */
	enum intel_request_kind kind;
	const char *target; /* what: an account, a post, a URL */
	char sent_on[11];   /* YYYY-MM-DD or "" */
	enum intel_request_status status;
	const char *reference; /* the platform's reference, or NULL */
	const char *response;  /* what the platform answered, or NULL */
	char responded_on[11]; /* YYYY-MM-DD or "" */
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

/* The online platforms atip knows: report platforms, handles' platforms,
 * messaging apps and request targets. */
bool intel_platform_known(const char *name);

/* ---- Reports (intel.c) ------------------------------------------------- */

/* A new or changed report as the API gives it (NULL: not given). */
struct intel_report_input {
	const char *title, *narrative, *period_start, *period_end;
	const char *const *places;
	size_t nplaces;
	bool has_places;
	const char *const *exploitation;
	size_t nexploitation;
	bool has_exploitation;
	const char *const *platforms;
	size_t nplatforms;
	bool has_platforms;
	const char *reliability;
	long long credibility; /* 0: not given */
	const char *handling, *handling_note;
	const char *level, *group_id, *tlp;
	const char *const *case_ids;
	size_t ncases;
	bool has_cases;
};

/* Creates a report owned by owner; case links must be cases the actor
 * may see (else "case_ids" is refused as unknown). */
enum err intel_report_create(struct db_conn *c, struct arena *a,
			     const struct access_actor *actor,
			     const struct coord_share *owner,
			     const char *user_id,
			     const struct intel_report_input *in,
			     struct intel_report *out,
			     struct coord_errors *errs);

/* A report with its case links (indicators not read). */
enum err intel_report_get(struct db_conn *c, struct arena *a, const char *id,
			  struct intel_report *out);

/* Changes a report read at version expected (ERR_CONFLICT if stale). */
enum err intel_report_update(struct db_conn *c, struct arena *a,
			     const struct access_actor *actor, const char *id,
			     long long expected,
			     const struct intel_report_input *in,
			     struct intel_report *out,
			     struct coord_errors *errs);

/* Deletes a report with its indicators, requests and case links. */
enum err intel_report_delete(struct db_conn *c, const char *id);

/* The record kind "report". */
enum err intel_report_load(struct db_conn *c, const char *id, struct arena *a,
			   struct access_record *out);

struct intel_report_filter {
	const char *exploitation, *platform, *place, *org_id, *cursor;
	long long limit;
};

struct intel_report_page {
	struct intel_report *items; /* without case links or indicators */
	size_t n;
	const char *next_cursor;
};

/* The reports the viewer may see, newest first. */
enum err intel_report_list(struct db_conn *c, struct arena *a,
			   const struct coord_viewer *v,
			   const struct intel_report_filter *f,
			   struct intel_report_page *out,
			   struct coord_errors *errs);

/* Re-wraps the reports' data keys (key rotation). */
enum err intel_rewrap(struct db *db, const struct crypto_keyring *kr,
		      long long *count);

/* ---- Indicators and correlation (intel_indicators.c) ------------------- */

struct intel_indicator_input {
	const char *type, *value, *qualifier, *note;
};

/*
 * Adds indicators to report r (its owner's country is the phone numbers'
 * region unless region is given); each is normalised, a value the report
 * already holds is not added twice.  Refusals name "indicators/<i>/<field>".
 * All or nothing.  out (arena) gets the indicators as stored.
 */
enum err intel_indicators_add(struct db_conn *c, struct arena *a,
			      const struct crypto_keyring *kr,
			      const struct intel_report *r, const char *user_id,
			      const char *region,
			      const struct intel_indicator_input *in, size_t n,
			      struct intel_indicator **out, size_t *nout,
			      struct coord_errors *errs);

/* A report's indicators; person names opened when kr is given. */
enum err intel_indicators_list(struct db_conn *c, struct arena *a,
			       const struct crypto_keyring *kr,
			       const char *report_id,
			       struct intel_indicator **out, size_t *n);

/* Removes indicator id of report_id. */
enum err intel_indicator_delete(struct db_conn *c, const char *report_id,
				const char *id);

/* A report holding a value, as a viewer may know it. */
struct intel_sighting {
	char report_id[UUID_STR_LEN];
	const char *report_title;
	char org_id[UUID_STR_LEN];
	const char *org_name;
	char indicator_id[UUID_STR_LEN];
	char at[TIME_RFC3339_LEN]; /* when reported */
	int distance;		   /* ads: SimHash bits apart; else 0 */
};

/* Reports the viewer may not see, counted by owner (only where their
 * TLP label lets their existence be known: CLEAR, GREEN, AMBER). */
struct intel_hidden {
	char org_id[UUID_STR_LEN];
	const char *org_name;
	long long count;
};

/* A case the viewer may see, linked to a report holding the value, or
 * holding it itself (a perpetrator's): then report_id is "". */
struct intel_case_link {
	char case_id[UUID_STR_LEN];
	const char *reference;
	char report_id[UUID_STR_LEN];
};

/* What is known of one value for one viewer. */
struct intel_correlation {
	enum intel_type type;
	const char *key; /* NULL for a person name */
	bool common;	 /* held by more than INTEL_CORRELATION_MAX records */
	long long records;
	char first_seen[TIME_RFC3339_LEN], last_seen[TIME_RFC3339_LEN];
	struct intel_sighting *sightings;
	size_t nsightings;
	struct intel_hidden *hidden;
	size_t nhidden;
	struct intel_case_link *cases;
	size_t ncases;
};

/*
 * Correlates the value (type, vkey; ads by their SimHash) for actor,
 * leaving out report exclude (or NULL): the reports holding it and the
 * cases linked to them, and, with kr, the cases whose perpetrators hold
 * it.  A common value lists nothing.
 */
enum err intel_correlate(struct db_conn *c, struct arena *a,
			 const struct crypto_keyring *kr,
			 const struct access_actor *actor,
			 const struct intel_indicator *ind, const char *exclude,
			 struct intel_correlation *out);

/*
 * Reads what a user typed in the search box: of type t (or, with type
 * NULL, whatever intel_extract finds in it), normalised as indicators are.
 * out (arena): the indicators to correlate (value, key; id empty).
 */
enum err intel_search_values(struct arena *a, const struct crypto_keyring *kr,
			     const char *type, const char *value,
			     const char *qualifier, const char *region,
			     struct intel_indicator **out, size_t *n,
			     struct coord_errors *errs);

/* ---- Platform requests (intel_requests.c) ------------------------------ */

const char *intel_request_kind_name(enum intel_request_kind k);
const char *intel_request_status_name(enum intel_request_status s);

/* A new or changed request (NULL: not given). */
struct intel_request_input {
	const char *platform, *kind, *target, *sent_on, *status, *reference,
		*response, *responded_on;
};

/* The requests made about report_id, oldest first. */
enum err intel_requests_list(struct db_conn *c, struct arena *a,
			     const char *report_id, struct intel_request **out,
			     size_t *n);

enum err intel_request_create(struct db_conn *c, struct arena *a,
			      const char *report_id, const char *user_id,
			      const struct intel_request_input *in,
			      struct intel_request *out,
			      struct coord_errors *errs);

/* Changes request id of report_id read at version expected. */
enum err intel_request_update(struct db_conn *c, struct arena *a,
			      const char *report_id, const char *id,
			      long long expected,
			      const struct intel_request_input *in,
			      struct intel_request *out,
			      struct coord_errors *errs);

/* One indicator of report_id; its name opened when kr is given. */
enum err intel_indicator_get(struct db_conn *c, struct arena *a,
			     const struct crypto_keyring *kr,
			     const char *report_id, const char *id,
			     struct intel_indicator *out);

/* ---- The network (intel_network.c) ------------------------------------- */

struct intel_graph;

/*
 * Adds to g the network actor may see around reports (which it may see):
 * reports, their values and linked cases, through shared values and cases,
 * visiting at most max_reports reports.
 */
enum err intel_network(struct db_conn *c, struct arena *a,
		       const struct crypto_keyring *kr,
		       const struct access_actor *actor,
		       const char *const *reports, size_t n, size_t max_reports,
		       struct intel_graph *g);

/* ---- Cases' perpetrators (intel_cases.c) -------------------------------- */

/*
 * Indexes the perpetrators added or changed since they were last indexed
 * (names, phones, emails as blind indexes); forgets erased cases' values.
 * *indexed gets how many persons were indexed.
 */
enum err intel_cases_index(struct db *db, const struct crypto_keyring *kr,
			   long long *indexed);

/* The blind index under which cases hold a value of type t, key key. */
void intel_case_key(const struct crypto_keyring *kr, enum intel_type t,
		    const char *key, char out[CRYPTO_INDEX_LEN]);

/* The cases (ids, arena) whose perpetrators hold ind's value. */
enum err intel_case_hits(struct db_conn *c, struct arena *a,
			 const struct crypto_keyring *kr,
			 const struct intel_indicator *ind, const char ***cases,
			 size_t *n);

#endif

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
	const char *key;       /* canonical (for a name: NULL) */
	const char *note;      /* NULL when none */
	bool common;	       /* held by too many records: not linked */
	char created_at[TIME_RFC3339_LEN];
	char created_by[UUID_STR_LEN];
};

/* A report on online-enabled exploitation. */
struct intel_report {
	char id[UUID_STR_LEN];
	struct coord_share share;
	const char *title;
	const char *narrative;
	char period_start[11], period_end[11]; /* YYYY-MM-DD or "" */
	const char **places;		       /* ISO 3166-1 / 3166-2 codes */
	size_t nplaces;
	const char **exploitation; /* HTCDS exploitation types */
	size_t nexploitation;
	const char **platforms; /* online platforms involved */
	size_t nplatforms;
	char reliability;     /* Admiralty source reliability 'A'..'F' */
	int credibility;      /* Admiralty information credibility 1..6 */
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
	const char *target;    /* what: an account, a post, a URL */
	char sent_on[11];      /* YYYY-MM-DD or "" */
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

#endif

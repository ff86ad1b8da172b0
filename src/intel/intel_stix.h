/*
 * Intelligence exchange in STIX 2.1 (OASIS): reports and their indicators
 * out as a bundle, and a bundle in as reports.
 *
 * Out: an identity per owner organisation, a report per report, an
 * indicator per indicator with a STIX pattern, and the official TLP 2.0
 * marking definitions the objects are marked with.  STIX has no property
 * for what atip adds (handling code, distribution, Admiralty grading,
 * period, places, exploitation types, platforms, indicator type,
 * qualifier and key): these travel as x_atip_* custom properties, as MISP
 * does with x_misp_*.  STIX has no observable for a phone number, a UPI
 * id, a bank account, a wallet, a vehicle plate or an ad: patterns name
 * them as x-atip-phone, x-atip-upi, x-atip-bank-account,
 * x-atip-crypto-wallet, x-atip-vehicle-plate and x-atip-ad-text.  Person
 * names are personal data and never leave in STIX; links to cases do not
 * either.
 *
 * In: a strict reader of what atip holds (reports, indicators, observed
 * data) that refuses a malformed bundle whole, naming the field by its
 * JSON pointer, and lists what it leaves out (malware, relationships, ...)
 * with a reason.  Values come back as written: the caller normalises them.
 */
#ifndef ATIP_INTEL_INTEL_STIX_H
#define ATIP_INTEL_INTEL_STIX_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "coord/coord.h"
#include "intel/intel.h"

enum {
	INTEL_STIX_OBJECTS_MAX = 10000,	   /* objects in a bundle */
	INTEL_STIX_PATTERN_MAX = 20000,	   /* bytes of a pattern */
	INTEL_STIX_COMPARISONS_MAX = 1000, /* in one pattern */
	INTEL_STIX_DEPTH_MAX = 32,	   /* parentheses in a pattern */
	INTEL_STIX_SCOS_MAX = 1000,	   /* observables of an observed-data */
	/* Indicator values taken into reports, repeats included. */
	INTEL_STIX_VALUES_MAX = 100000,
};

/* An owner organisation, as its identity object shows it. */
struct intel_stix_org {
	const char *id;	     /* atip organisation id */
	const char *name;    /* its name in the directory */
	const char *country; /* ISO 3166-1 alpha-2, or NULL */
};

/*
 * The STIX 2.1 bundle of reports[0..n) with their indicators, every
 * object marked with its report's TLP and created by its owner's
 * identity; which reports a reader may take out (TLP, distribution) is
 * the caller's decision.  orgs holds every owner organisation of the
 * reports (others are ignored).  Every
 * STIX id is derived from the atip id (uuid_derived_v4), so that exporting
 * the same reports again gives the same ids; the bundle's id is derived
 * from the reports' ids and versions.  Returns a new reference: the caller
 * decrefs it.
 */
json_t *intel_stix_bundle(const struct intel_report *reports, size_t n,
			  const struct intel_stix_org *orgs, size_t norgs);

/* What a read left out, and why: not an error. */
struct intel_stix_skip {
	const char *id;	    /* the STIX id of the object left out */
	const char *reason; /* static or arena text */
};

/*
 * Reads a STIX 2.1 bundle into *out, an arena array of *n reports with
 * their indicators: report name as title, description as narrative,
 * created and modified as created_at and updated_at, the indicators and
 * observed data of object_refs as indicators, TLP the strictest of the
 * official TLP 2.0 (or 1.0: WHITE is CLEAR) markings of the report and of
 * what it refers to (AMBER when none), Admiralty grading F6 unless an
 * x_atip_* property or confidence says otherwise; the x_atip_* properties
 * of an atip export where present.  Indicators and observed data that no
 * report refers to become one more report, titled "Imported STIX bundle
 * <first 8 digits of the bundle id>".  Of an object in several versions
 * only the last modified counts; revoked objects are left out.  Ids are
 * the x_atip_id of an atip export, else ""; owners, creators and keys are
 * left for the caller to set (share.owner_org "", key NULL), which also
 * normalises every value before keeping it.  Every string is copied into
 * a: bundle may be freed at once.
 *
 * *skipped gets the objects and pattern comparisons left out with why
 * (arena memory, *nskipped of them).  Returns ERR_OK, or ERR_INVALID with
 * the fields (JSON pointers: "/objects/3/pattern") and why in *errs, and
 * then nothing in *out or *skipped: a bundle is taken whole or not at all.
 */
enum err intel_stix_read(json_t *bundle, struct arena *a,
			 struct intel_report **out, size_t *n,
			 struct intel_stix_skip **skipped, size_t *nskipped,
			 struct coord_errors *errs);

/* A comparison of a pattern that names a value atip holds. */
struct intel_stix_value {
	enum intel_type type;
	const char *qualifier; /* account type, chain; or NULL */
	const char *value;     /* as written, unescaped */
};

/*
 * Parses a STIX pattern (STIX 2.1 part 9): observation expressions in
 * brackets joined by AND, OR and FOLLOWEDBY, grouped by parentheses, with
 * WITHIN, START/STOP and REPEATS qualifiers (recognised, then ignored);
 * comparisons joined by AND and OR, grouped likewise.  The equality
 * comparisons (= and IN) of known paths become *values (arena array of
 * *nvalues); every other comparison is put in *skipped (*nskipped arena
 * strings saying which and why).  Returns false with *why (static text)
 * and *at (the byte offset) for a pattern that is not well formed or
 * passes the bounds above.
 */
bool intel_stix_pattern(const char *pattern, struct arena *a,
			struct intel_stix_value **values, size_t *nvalues,
			const char ***skipped, size_t *nskipped,
			const char **why, size_t *at);

/*
 * True when the STIX user accounts of account_type (may be NULL) are
 * messaging ids ("whatsapp", "signal", "imo") rather than handles.
 */
bool intel_stix_messaging_app(const char *account_type);

/*
 * Writes the STIX pattern of one indicator into out (reset first): false
 * for a person name, which is never exported.
 */
bool intel_stix_pattern_of(const struct intel_indicator *ind, struct buf *out);

#endif

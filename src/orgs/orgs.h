/*
 * Member organisations: the governments, police units, courts, NGOs,
 * shelters and others that belong to the platform.  Every record of atip
 * will have an owner organisation; sharing groups come later.
 *
 * Functions that touch the database run inside the caller's transaction
 * (db_tx) on the connection they are given, and answer with enum err:
 * ERR_INVALID for input that fails validation, ERR_NOT_FOUND for an
 * unknown or malformed id, ERR_CONFLICT for a duplicate name or a stale
 * version, ERR_UNAVAILABLE when the database is down or asks for the
 * transaction to be retried, ERR_INTERNAL for anything else.  After any
 * answer but ERR_OK the caller rolls its transaction back.
 */
#ifndef ATIP_ORGS_ORGS_H
#define ATIP_ORGS_ORGS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/iso.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "db/db.h"

enum {
	ORGS_NAME_MAX = 200, /* characters (code points) after NFC */
	ORGS_NAME_BYTES = ORGS_NAME_MAX * 4,
	ORGS_LIST_DEFAULT = 50,
	ORGS_LIST_MAX = 500,
	ORGS_MAX_ERRORS = 8,
};

/* Stored and exchanged by name (orgs_type_name); new kinds go last. */
enum org_type {
	ORG_GOVERNMENT,
	ORG_LAW_ENFORCEMENT,
	ORG_BORDER_FORCE,
	ORG_JUDICIARY,
	ORG_PROSECUTION,
	ORG_CIVIL_SOCIETY,
	ORG_SHELTER,
	ORG_INTERNATIONAL_ORGANISATION,
	ORG_ACADEMIC,
	ORG_PRIVATE_SECTOR,
	ORG_TYPE_COUNT
};

enum org_status { ORG_ACTIVE, ORG_SUSPENDED, ORG_STATUS_COUNT };

/* The "4 Ps" of anti-trafficking work: areas of members and records. */
enum theme {
	THEME_PREVENTION,
	THEME_PROTECTION,
	THEME_PROSECUTION,
	THEME_PARTNERSHIP,
	THEME_COUNT
};

/* "prevention", ...; NULL when out of range. */
const char *theme_name(enum theme t);

/* Parses a theme name; false when s names none. */
bool theme_parse(const char *s, enum theme *out);

/* An organisation: a value, owning no memory. */
struct org {
	char id[UUID_STR_LEN];		/* UUIDv7, lower case */
	char name[ORGS_NAME_BYTES + 1]; /* NFC, trimmed */
	enum org_type type;
	char country[ISO_COUNTRY_LEN + 1];	   /* ISO 3166-1 alpha-2 */
	char subdivision[ISO_SUBDIVISION_MAX + 1]; /* ISO 3166-2, or "" */
	bool verified; /* vouched for by the platform secretariat */
	enum org_status status;
	char created_at[TIME_RFC3339_LEN]; /* RFC 3339 UTC */
	char updated_at[TIME_RFC3339_LEN];
	long long version; /* 1 at creation, bumped by every update */
};

/*
 * A new organisation as received (from JSON or the command line): UTF-8
 * strings, NULL for absent.  Codes may be given in either case.
 */
struct org_input {
	const char *name;
	const char *type;	 /* orgs_type_name() of a type */
	const char *country;	 /* ISO 3166-1 alpha-2 */
	const char *subdivision; /* ISO 3166-2 of that country; optional */
};

/* One refused field: its name as in the API and why, both static text. */
struct org_field_error {
	const char *field;
	const char *message;
};

struct org_errors {
	int n;
	struct org_field_error v[ORGS_MAX_ERRORS];
};

/* Narrows orgs_list(); a NULL member matches everything. */
struct orgs_filter {
	const char *country;
	const char *type;
	const char *status;
	const char *theme;    /* in the profile's thematic areas */
	const char *works_in; /* a country of work in the profile */
	const char *q;	      /* words in the name, mandate or services */
};

/* A page of orgs_list(). */
struct org_page {
	struct org *items; /* arena memory */
	size_t n;
	char next_cursor[UUID_STR_LEN]; /* "" on the last page */
};

/* The migrations of this module, for app_migrations() in routes.c. */
extern const struct db_migration orgs_migrations[];
extern const size_t orgs_nmigrations;

/* The name of a type ("law_enforcement"), or NULL when out of range. */
const char *orgs_type_name(enum org_type t);

/* Parses a type name; false when s names none. */
bool orgs_type_parse(const char *s, enum org_type *out);

/*
 * The HTCDS v2.0 org_Type picklist value name a type exports as
 * ("LawEnforcement"), and its label ("Law Enforcement"); NULL when out of
 * range.  HTCDS has fewer kinds than atip, so several types share one.
 */
const char *orgs_type_htcds(enum org_type t);
const char *orgs_type_htcds_label(enum org_type t);

/* The name of a status ("active", "suspended"), or NULL when out of range. */
const char *orgs_status_name(enum org_status s);

/* Parses a status name; false when s names none. */
bool orgs_status_parse(const char *s, enum org_status *out);

/*
 * Checks a new organisation field by field, writing every refusal into
 * *out (cleared first).  name: 1 to ORGS_NAME_MAX characters once ASCII
 * whitespace is trimmed from both ends and the rest NFC-normalised, valid
 * UTF-8, no control characters (nor line separators or bidirectional
 * overrides); type: one of the type names; country: a current ISO 3166-1
 * alpha-2 code; subdivision: empty, or an ISO 3166-2 code of that country.
 * Returns ERR_OK, ERR_INVALID, or ERR_INTERNAL when the ISO data cannot be
 * read (see iso_load()).
 */
enum err orgs_validate(const struct org_input *in, struct org_errors *out);

/*
 * Adds an organisation (active, not verified, version 1) and writes it to
 * *out.  ERR_INVALID when orgs_validate() refuses the input; ERR_CONFLICT
 * when the country already has an organisation of that name, compared
 * ignoring case, compatibility forms and runs of spaces.  A conflict
 * leaves the transaction usable.
 */
enum err orgs_create(struct db_conn *c, const struct org_input *in,
		     struct org *out);

/* Reads one organisation; ERR_NOT_FOUND for an unknown or malformed id. */
enum err orgs_get(struct db_conn *c, const char *id, struct org *out);

/*
 * Lists organisations in id order, which is creation order to the
 * millisecond (UUIDv7).  cursor is NULL (or "") for the first page, else
 * the next_cursor of the page before; limit is 1 to ORGS_LIST_MAX, or 0
 * for ORGS_LIST_DEFAULT.  filter may be NULL.  The items come from arena a.
 * ERR_INVALID for a malformed cursor, a limit out of range or a filter
 * value that names no country, type or status.
 */
enum err orgs_list(struct db_conn *c, const char *cursor, int limit,
		   const struct orgs_filter *filter, struct arena *a,
		   struct org_page *out);

/*
 * Sets the status of an organisation if its version is still
 * expected_version, bumping the version; writes the updated organisation
 * to *out when out is not NULL.  ERR_NOT_FOUND for an unknown id,
 * ERR_CONFLICT for a stale version, ERR_INVALID for a status out of range.
 */
enum err orgs_set_status(struct db_conn *c, const char *id,
			 enum org_status status, long long expected_version,
			 struct org *out);

/*
 * Cleans a name as organisations' names are: ASCII spaces trimmed, NFC,
 * 1 to 200 characters, no control characters.  False with *why otherwise.
 */
bool orgs_name_clean(const char *name, char out[ORGS_NAME_BYTES + 1],
		     const char **why);

/* ---- Member directory: profiles ---------------------------------------- */

enum {
	PROFILE_TEXT_MAX = 4000, /* mandate, services: characters */
	PROFILE_LINE_MAX = 500,	 /* areas of work, website */
	PROFILE_COUNTRIES_MAX = 60,
	FOCAL_TITLE_MAX = 120,
};

/* A person of the organisation who agreed to be listed as its contact. */
struct focal_point {
	char user_id[UUID_STR_LEN];
	const char *name, *email, *title;
};

/* What a member organisation tells the others about itself. */
struct org_profile {
	char org_id[UUID_STR_LEN];
	const char *mandate, *areas, *services, *website;
	const char **works_in; /* ISO 3166-1 alpha-2 */
	size_t nworks_in;
	const char **themes; /* theme_name()s */
	size_t nthemes;
	struct focal_point *focal;
	size_t nfocal;
	char updated_at[TIME_RFC3339_LEN]; /* "" when never written */
	long long version;		   /* 0 when never written */
};

/* A profile as sent: NULL members keep what is there. */
struct profile_input {
	const char *mandate, *areas, *services, *website;
	const char *const *works_in;
	size_t nworks_in;
	bool has_works_in;
	const char *const *themes;
	size_t nthemes;
	bool has_themes;
};

/* Reads an organisation's profile (empty, version 0, when never set). */
enum err orgs_profile_get(struct db_conn *c, struct arena *a,
			  const char *org_id, struct org_profile *out);

/*
 * Writes the profile at version expected (0 for the first time); *field
 * and *why name a refused field (ERR_INVALID); ERR_CONFLICT when stale.
 */
enum err orgs_profile_set(struct db_conn *c, struct arena *a,
			  const char *org_id, long long expected,
			  const struct profile_input *in,
			  struct org_profile *out, const char **field,
			  const char **why);

/*
 * Lists (title set) or unlists (title NULL) a user as a focal point of
 * their organisation: only they agree to it.
 */
enum err orgs_focal_point(struct db_conn *c, const char *org_id,
			  const char *user_id, const char *title);

/* A sharing group: a named set of organisations owned by one of them. */
struct org_group {
	char id[UUID_STR_LEN];
	char owner_org[UUID_STR_LEN];
	char name[ORGS_NAME_BYTES + 1];
	bool hidden_members; /* members see the group, not who else is in */
	char created_at[TIME_RFC3339_LEN];
};

/*
 * Makes a group owned by owner_org, which becomes its first member.
 * ERR_INVALID for an empty, too long or invalid name; ERR_CONFLICT when the
 * owner has a group of that name.
 */
enum err orgs_group_create(struct db_conn *c, const char *owner_org,
			   const char *name, bool hidden_members,
			   struct org_group *out);

/*
 * Adds (add) or removes an organisation; ERR_NOT_FOUND for an unknown
 * organisation, or when removing one that is not a member.
 */
enum err orgs_group_member(struct db_conn *c, const char *group_id,
			   const char *org_id, bool add);

/* Reads one group; ERR_NOT_FOUND when there is none. */
enum err orgs_group_get(struct db_conn *c, const char *id,
			struct org_group *out);

/* The groups org_id belongs to, into arena memory. */
enum err orgs_groups_of(struct db_conn *c, const char *org_id, struct arena *a,
			struct org_group **out, size_t *n);

/* Calls each for every member organisation of a group. */
enum err orgs_group_members(struct db_conn *c, const char *group_id,
			    void (*each)(const char *org_id, void *ctx),
			    void *ctx);

#endif

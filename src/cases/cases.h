/*
 * Victim case management on the HTCDS v2.0 standard.
 *
 * A case is owned by one organisation and holds persons (victims and
 * perpetrators) and items: trafficking events (the route), timeline
 * entries, consents, support plans and follow-ups.  What each holds is
 * described once, as forms of fields (cases_forms.c): the API names, the
 * HTCDS column names, types and picklists.  One validator reads every
 * form, the export writes HTCDS columns from the same table, and the
 * import reads them back.
 *
 * Privacy: fields marked personal (names, birth date, contacts, addresses,
 * identity numbers, free-text notes) are encrypted one by one under the
 * case's data key, the record id and field name bound to each value.
 * Everything else (gender, age band, citizenship, exploitation types,
 * places, dates) is stored in the clear for lists and statistics.
 * Erasure destroys the data key and the ciphertexts, keeping the rest.
 *
 * Functions run in the caller's transaction on c and answer enum err as
 * the coordination workspace does (coord.h); strings live in the arena.
 */
#ifndef ATIP_CASES_CASES_H
#define ATIP_CASES_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "access/access.h"
#include "coord/coord.h"
#include "crypto/crypto.h"

/* ---- Forms ------------------------------------------------------------- */

enum case_field_type {
	CF_TEXT,	/* one line */
	CF_LONG,	/* lines */
	CF_TEXTS,	/* a list of lines (aliases) */
	CF_DATE,	/* YYYY-MM-DD; also <name>_bs in Bikram Sambat */
	CF_INT,		/* a whole number in [min, max] */
	CF_BOOL,	/* true or false */
	CF_PICK,	/* one value of the picklist, or "Unknown" */
	CF_MULTI,	/* values of the picklist, or ["Unknown"] */
	CF_COUNTRY,	/* ISO 3166-1 alpha-2 */
	CF_COUNTRIES,	/* a list of those */
	CF_SUBDIVISION, /* ISO 3166-2, of the form's country */
	CF_DISTRICT,	/* a gazetteer code, in the form's country */
	CF_ORG,		/* a member organisation's id */
	CF_ORGS,	/* a list of those */
	CF_PERSON,	/* a person of the same case */
	CF_USER,	/* a case worker or investigator of the owner */
	CF_PHONE,	/* E.164: + and 8 to 15 digits */
	CF_EMAIL,
};

enum {
	CF_PERSONAL = 1, /* identifying: encrypted, read with need-to-know */
	CF_REQUIRED = 2, /* on creation */
};

struct case_field {
	const char *name;  /* in the API: "trafficking_status" */
	const char *htcds; /* the HTCDS column ("vic_TraffickingStatus") or
			      atip's own ("atp_AgeBand") */
	enum case_field_type type;
	unsigned flags;
	const char *const *values; /* CF_PICK, CF_MULTI: NULL-terminated */
	int min, max;		   /* CF_INT */
};

enum case_form_id {
	FORM_CASE,
	FORM_VICTIM,
	FORM_PERPETRATOR,
	FORM_EVENT,
	FORM_TIMELINE,
	FORM_CONSENT,
	FORM_PLAN,
	FORM_FOLLOWUP,
	FORM_COUNT
};

struct case_form {
	const char *name; /* "case", "victim", ..., "followup" */
	const struct case_field *fields;
	size_t n;
};

extern const struct case_form case_forms[FORM_COUNT];

/* The form's field called name, or NULL. */
const struct case_field *case_field_find(enum case_form_id form,
					 const char *name);

/* True when v is one of the field's picklist values (or "Unknown"). */
bool case_pick_valid(const struct case_field *f, const char *v);

/*
 * What the validator needs to check references: the case being written
 * and how to look things up in the database.
 */
struct case_ctx {
	struct db_conn *c;
	struct arena *a;
	const char *case_id;   /* "" while creating the case */
	const char *owner_org; /* for CF_USER */
	json_t *current;       /* the plain fields stored now, or NULL */
	bool may_write_personal;
};

/*
 * Checks input (a JSON object) against the form into *data (the plain
 * fields) and *personal (the personal fields, still in the clear), both
 * new objects holding only the fields given (null clears one).  Unknown
 * fields, wrong types and values are recorded in errs; a personal field
 * without ctx->may_write_personal is ERR_FORBIDDEN.  When creating,
 * required fields must be present.  A district given without its country
 * fills in country and subdivision.  Returns ERR_OK, ERR_INVALID,
 * ERR_FORBIDDEN, or a database error.
 */
enum err case_form_read(const struct case_ctx *ctx, enum case_form_id form,
			json_t *input, bool creating, json_t **data,
			json_t **personal, struct coord_errors *errs);

/* ---- Records ----------------------------------------------------------- */

enum case_item_kind {
	ITEM_EVENT,
	ITEM_TIMELINE,
	ITEM_CONSENT,
	ITEM_PLAN,
	ITEM_FOLLOWUP,
	ITEM_COUNT
};

/* "event", ...; and the form each kind is written with. */
const char *case_item_name(enum case_item_kind k);
bool case_item_parse(const char *s, enum case_item_kind *out);
enum case_form_id case_item_form(enum case_item_kind k);

/* A person or an item: its plain fields and, when read, its personal ones. */
struct case_entry {
	char id[UUID_STR_LEN];
	const char *kind;   /* "victim", "perpetrator", "event", ... */
	json_t *data;	    /* plain fields (owned: json_decref) */
	json_t *personal;   /* decrypted fields, or NULL when not read */
	const char *sealed; /* stored ciphertexts (JSON text) */
	char created_by[UUID_STR_LEN]; /* items: who recorded it; else "" */
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

struct case_grant {
	const char *org_id, *purpose, *override_reason, *granted_by;
	const char *via;     /* "" for a grant made itself; else its referral */
	const char **fields; /* personal fields shared; none: all */
	size_t nfields;
	char granted_at[TIME_RFC3339_LEN];
};

struct case_record {
	char id[UUID_STR_LEN];
	struct coord_share share;
	struct case_entry head; /* the case's own fields (kind "case") */
	const char *data_key;	/* wrapped; NULL once erased */
	struct crypto_dek *dek; /* kept open by cases_create; else NULL */
	char erased_at[TIME_RFC3339_LEN];
	char transfer_to[UUID_STR_LEN]; /* "" unless a transfer waits */
	const char *transfer_note;
	char created_by[UUID_STR_LEN];
	struct case_grant *grants;
	size_t ngrants;
	const char **grant_orgs; /* the grants' org ids, for access */
	/* Filled by cases_load_parts(): */
	struct case_entry *persons;
	size_t npersons;
	struct case_entry *items;
	size_t nitems;
};

/* The access view of a case: its sharing and need-to-know grants. */
struct access_record cases_access(const struct case_record *r);

/* Reads a case (head and grants); ERR_NOT_FOUND when there is none. */
enum err cases_get(struct db_conn *c, struct arena *a, const char *id,
		   struct case_record *out);

/* For routes.c's record kinds ("case", sensitive). */
enum err cases_load(struct db_conn *c, const char *id, struct arena *a,
		    struct access_record *out);

/* Reads a case's persons and items (plain fields only). */
enum err cases_load_parts(struct db_conn *c, struct arena *a,
			  struct case_record *r);

/*
 * Decrypts the personal fields of the case, its persons and items into
 * their entries' personal.  only (may be NULL) limits the fields read to
 * those a need-to-know grant shares.  False when the data key does not
 * open or a value was altered (nothing is then shown).
 */
bool cases_open_personal(const struct crypto_keyring *kr, struct case_record *r,
			 const char *const *only, size_t nonly);

/* Releases the JSON held by a case's entries. */
void cases_release(struct case_record *r);

/* Risk flags: set by hand ("TraffickedBefore", "Debt") and found ("Minor",
 * "MissedFollowUps", "Debt" from debt bondage).  A JSON array. */
json_t *cases_risk_flags(const struct case_record *r, const char *today);

struct case_write {
	const struct crypto_keyring *kr;
	const char *user_id;
	bool may_write_personal;
	/* The caller refreshes the case's stored risk flags once it has
	 * written all it will (an import), instead of after each write. */
	bool defer_flags;
};

/*
 * Adds a risk flag set by hand ("TraffickedBefore") to a case, as a change
 * of the case (its version moves on); nothing when it is there already.
 */
enum err cases_flag_add(struct db_conn *c, struct arena *a, const char *case_id,
			const char *flag);

/*
 * Creates a case owned by owner from input (its form's fields and the
 * sharing fields level, group_id, tlp, already parsed into *share).
 */
enum err cases_create(struct db_conn *c, struct arena *a,
		      const struct case_write *w,
		      const struct coord_share *share, json_t *input,
		      struct case_record *out, struct coord_errors *errs);

/* Changes the case's own fields and sharing, if at version expected. */
enum err cases_update(struct db_conn *c, struct arena *a,
		      const struct case_write *w, struct case_record *r,
		      long long expected, json_t *input,
		      const struct coord_share *share,
		      struct coord_errors *errs);

/* Adds a person (role "victim" or "perpetrator") to the case. */
enum err cases_person_add(struct db_conn *c, struct arena *a,
			  const struct case_write *w,
			  const struct case_record *r, const char *role,
			  json_t *input, struct case_entry *out,
			  struct coord_errors *errs);

/* Changes a person of the case, if at version expected. */
enum err cases_person_update(struct db_conn *c, struct arena *a,
			     const struct case_write *w,
			     const struct case_record *r, const char *person_id,
			     long long expected, json_t *input,
			     struct case_entry *out, struct coord_errors *errs);

/* Adds an item of kind k to the case. */
enum err cases_item_add(struct db_conn *c, struct arena *a,
			const struct case_write *w, const struct case_record *r,
			enum case_item_kind k, json_t *input,
			struct case_entry *out, struct coord_errors *errs);

/* Changes an item of kind k of the case, if at version expected. */
enum err cases_item_update(struct db_conn *c, struct arena *a,
			   const struct case_write *w,
			   const struct case_record *r, enum case_item_kind k,
			   const char *item_id, long long expected,
			   json_t *input, struct case_entry *out,
			   struct coord_errors *errs);

/* Removes an item (not consents: those are withdrawn). */
enum err cases_item_delete(struct db_conn *c, struct arena *a,
			   const struct case_record *r, enum case_item_kind k,
			   const char *item_id);

/*
 * Withdraws a consent: it stays on record, marked withdrawn by whom and
 * when (at: an RFC 3339 time, or NULL for now).
 */
enum err cases_consent_withdraw(struct db_conn *c, struct arena *a,
				const struct case_record *r,
				const char *consent_id, const char *user_id,
				const char *at, struct case_entry *out);

/* Runs the import id (a job): see cases_import.c. */
enum err cases_import_run(struct db *db, const struct crypto_keyring *kr,
			  const char *id);

/*
 * Does every victim of the case hold a consent, given and not withdrawn
 * or expired on today, of scope (Sharing, Referral, ...) naming org_id?
 * *ok answers; *missing (arena) names the first victim without one.
 */
enum err cases_consent_check(struct db_conn *c, struct arena *a,
			     const char *case_id, const char *scope,
			     const char *org_id, const char *today, bool *ok,
			     const char **missing);

/* Adds follow-ups due months after from, for a person (may be NULL). */
enum err cases_followups_schedule(struct db_conn *c, struct arena *a,
				  const struct case_write *w,
				  const struct case_record *r,
				  const char *person_id, const char *from,
				  const int *months, size_t nmonths,
				  struct coord_errors *errs);

/*
 * Shares the case's personal data with org_id (a need-to-know grant) for
 * purpose, limited to fields (none: all).  Consent must cover it unless
 * override_reason says why not (ERR_INVALID naming override_reason).
 */
enum err cases_grant(struct db_conn *c, struct arena *a,
		     const struct case_record *r, const char *org_id,
		     const char *purpose, const char *const *fields,
		     size_t nfields, const char *override_reason,
		     const char *user_id, struct coord_errors *errs);

/* Ends a grant; ERR_NOT_FOUND when there was none. */
enum err cases_grant_end(struct db_conn *c, const char *case_id,
			 const char *org_id);

/*
 * The need-to-know grant that comes with a referral (via: its id) to
 * org_id for the fields it shares (none: all); the referral checks
 * consent.  It ends with the referral (cases_grant_via_end).
 */
enum err cases_grant_via(struct db_conn *c, struct arena *a,
			 const char *case_id, const char *org_id,
			 const char *via, const char *purpose,
			 const char *const *fields, size_t nfields,
			 const char *user_id);
enum err cases_grant_via_end(struct db_conn *c, const char *case_id,
			     const char *org_id, const char *via);

/* Asks org_id to take the case over (one request at a time). */
enum err cases_transfer_request(struct db_conn *c, struct arena *a,
				struct case_record *r, const char *org_id,
				const char *note, struct coord_errors *errs);

/*
 * The receiving organisation accepts (ownership, country and the data key
 * move; sharing falls back to "org"; grants end) or declines.
 */
enum err cases_transfer_answer(struct db_conn *c, struct arena *a,
			       struct case_record *r, bool accept);

/*
 * Erases the personal data of the case on a lawful request: the data key
 * and every ciphertext are destroyed, its files deleted; plain fields stay
 * for statistics.  ERR_CONFLICT when already erased.
 */
enum err cases_erase(struct db_conn *c, struct case_record *r);

/* ---- Lists ------------------------------------------------------------- */

struct case_filter {
	const char *status, *exploitation, *gender, *age_band, *country;
	const char *flag; /* a stored risk flag */
	bool mine;	  /* cases whose case owner is the viewer's user */
	bool incoming;	  /* cases offered to the viewer's organisation */
	const char *user_id;
	const char *cursor;
	long long limit;
};

struct case_summary {
	char id[UUID_STR_LEN];
	struct coord_share share;
	const char *reference, *status, *case_owner, *flags;
	long long victims, perpetrators;
	const char *exploitation; /* of its victims, framed list */
	char transfer_to[UUID_STR_LEN];
	bool erased;
	bool granted; /* the viewer's organisation holds a grant */
	bool missed;  /* an open follow-up is overdue */
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

struct case_page {
	struct case_summary *items;
	size_t n;
	const char *next_cursor;
};

/* The cases the viewer may see, newest first. */
enum err cases_list(struct db_conn *c, struct arena *a,
		    const struct coord_viewer *v, const struct case_filter *f,
		    struct case_page *out, struct coord_errors *errs);

/* A follow-up that is due, for the organisation's overdue list. */
struct case_due {
	char id[UUID_STR_LEN];
	char case_id[UUID_STR_LEN];
	const char *reference, *person_id, *case_owner;
	char due_on[11];
};

/* The open follow-ups of org_id due before today (overdue) or by until. */
enum err cases_followups_due(struct db_conn *c, struct arena *a,
			     const char *org_id, const char *until,
			     struct case_due **out, size_t *n);

struct sheet;

/*
 * Writes the cases org_id owns (of one status, or all) into the sheet as
 * HTCDS rows (cases_table.c), with their personal fields or without.
 * *ncases gets how many.
 */
enum err cases_export(struct db_conn *c, const struct crypto_keyring *kr,
		      const char *org_id, const char *status, bool personal,
		      struct sheet *sh, long long *ncases);

/* Re-wraps the case data keys under the keyring's primary key. */
enum err cases_rewrap(struct db *db, const struct crypto_keyring *kr,
		      long long *count);

/*
 * Tells case owners (or their organisation) of follow-ups now overdue,
 * once each: a periodic job.  *count gets how many were looked at.
 */
enum err cases_followups_remind(struct db *db, long long *count);

/*
 * Ends the grants that rested on consent once a victim's consent has
 * expired (a periodic job; withdrawal ends them at once).  *count gets
 * how many ended.
 */
enum err cases_grants_expire(struct db *db, long long *count);

/* Migrations, for routes.c. */
extern const struct db_migration cases_migrations[];
extern const size_t cases_nmigrations;

#endif

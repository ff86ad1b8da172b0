/*
 * The service directory, on HSDS 3.0: the services member organisations
 * offer survivors (shelter, medical and psychosocial care, legal aid,
 * repatriation support, family tracing, livelihood, education, helplines),
 * where (locations), for whom (eligibility), in which languages, and how
 * many places are free now.
 *
 * Every member reads the directory.  A location may be confidential (a
 * shelter's address is a secret that keeps its residents safe): then its
 * address, district and coordinates are shown only to its organisation and
 * to the organisations it lets refer there; everyone else sees its country
 * and subdivision, and it never sorts by distance for them.  Only the
 * owner organisation's writers change its services and locations.
 *
 * Functions run in the caller's transaction on c and answer enum err as
 * the coordination workspace does (coord.h); strings live in the arena.
 */
#ifndef ATIP_SERVICES_SERVICES_H
#define ATIP_SERVICES_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "coord/coord.h"

enum service_type {
	SVC_SHELTER,
	SVC_MEDICAL,
	SVC_PSYCHOSOCIAL,
	SVC_LEGAL_AID,
	SVC_REPATRIATION,
	SVC_FAMILY_TRACING,
	SVC_LIVELIHOOD,
	SVC_EDUCATION,
	SVC_HELPLINE,
	SVC_TYPE_COUNT
};

const char *service_type_name(enum service_type t);
bool service_type_parse(const char *s, enum service_type *out);

enum {
	SERVICES_LIST_MAX_ITEMS = 30, /* genders, nationalities, languages */
	SERVICES_REFERRERS_MAX = 100,
	SERVICES_STALE_DAYS = 7, /* vacancies older than this are stale */
};

/* A position in degrees times 10 000 (about 11 m). */
struct geo {
	bool set;
	int64_t lat_e4, lon_e4;
};

struct location {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	const char *name, *description, *address, *city;
	char country[3];
	const char *subdivision, *district; /* NULL when not given */
	struct geo geo;
	bool confidential;
	bool open;		/* a search's reader may see where it is */
	const char **referrers; /* organisations that may refer there */
	size_t nreferrers;
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

/* A new location, or a change: NULL members (and has_* false) are kept. */
struct location_input {
	const char *name, *description, *address, *city, *country;
	json_t *subdivision, *district; /* string or null */
	json_t *latitude, *longitude;	/* number or null */
	json_t *confidential;		/* boolean */
	json_t *referrers;		/* array of organisation ids */
};

/* May an organisation see where a location is? */
bool services_location_open(const struct location *l, const char *org_id);

enum err services_location_get(struct db_conn *c, struct arena *a,
			       const char *id, struct location *out);

enum err services_location_create(struct db_conn *c, struct arena *a,
				  const char *org_id,
				  const struct location_input *in,
				  struct location *out,
				  struct coord_errors *errs);

enum err services_location_update(struct db_conn *c, struct arena *a,
				  const char *id, long long expected,
				  const struct location_input *in,
				  struct location *out,
				  struct coord_errors *errs);

/* An organisation's locations, by name. */
enum err services_locations_of(struct db_conn *c, struct arena *a,
			       const char *org_id, struct location **out,
			       size_t *n);

struct service {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char location_id[UUID_STR_LEN]; /* "" when it has no place */
	enum service_type type;
	const char *name, *description, *email, *phone, *url;
	const char *hours; /* opening hours, in words; NULL when not said */
	bool active;
	const char **genders, **nationalities, **languages;
	size_t ngenders, nnationalities, nlanguages;
	int min_age, max_age;	       /* -1 when open */
	long long capacity, vacancies; /* -1 when not said */
	char vacancies_at[TIME_RFC3339_LEN];
	struct location *location; /* NULL when it has no place */
	long long distance_m;	   /* from the search point, -1 unknown */
	char created_at[TIME_RFC3339_LEN];
	char updated_at[TIME_RFC3339_LEN];
	long long version;
};

struct service_input {
	json_t *location_id; /* string or null */
	const char *type, *name, *description, *status;
	json_t *email, *phone, *url, *hours;
	json_t *genders, *nationalities, *languages;
	json_t *minimum_age, *maximum_age, *capacity;
};

enum err services_get(struct db_conn *c, struct arena *a, const char *id,
		      struct service *out);

enum err services_create(struct db_conn *c, struct arena *a, const char *org_id,
			 const struct service_input *in, struct service *out,
			 struct coord_errors *errs);

enum err services_update(struct db_conn *c, struct arena *a, const char *id,
			 long long expected, const struct service_input *in,
			 struct service *out, struct coord_errors *errs);

/* The provider says how many places are free now. */
enum err services_vacancies(struct db_conn *c, struct arena *a, const char *id,
			    long long vacancies, struct service *out,
			    struct coord_errors *errs);

/* Are the vacancies older than SERVICES_STALE_DAYS (or never said)? */
bool services_stale(const struct service *s, int64_t now_ms);

struct service_filter {
	const char *type, *country, *subdivision, *district;
	const char *gender, *age, *nationality, *language;
	bool vacancy;	    /* free places now (not stale) */
	const char *near;   /* "lat,lon": nearest first */
	const char *org_id; /* one organisation's */
	const char *viewer; /* the reader's organisation */
	const char *cursor;
	long long limit;
};

struct service_page {
	struct service *items;
	size_t n;
	const char *next_cursor;
};

/* Searches the directory (only active services unless org_id is given). */
enum err services_search(struct db_conn *c, struct arena *a,
			 const struct service_filter *f,
			 struct service_page *out, struct coord_errors *errs);

/*
 * A service as HSDS 3.0 JSON (services_hsds.c) with its organization; its
 * location's address and position only when open to the reader.
 */
json_t *services_hsds(const struct service *s, const struct org *org,
		      bool open);

/*
 * Adds the HSDS 3.0 services in items (a JSON array, as the export makes
 * them: each with its first location; atip's facts from its attributes)
 * to org_id's directory.  ERR_INVALID names each wrong field as
 * "items[i].field"; the caller rolls the transaction back then.
 */
enum err services_hsds_import(struct db_conn *c, struct arena *a,
			      const char *org_id, json_t *items, long long *n,
			      struct coord_errors *errs);

extern const struct db_migration services_migrations[];
extern const size_t services_nmigrations;

#endif

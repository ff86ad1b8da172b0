/* What `atip serve` hands every handler and job: the shared services. */
#ifndef ATIP_APP_H
#define ATIP_APP_H

#include <stdatomic.h>
#include <stddef.h>

#include "access/access.h"
#include "base/uuid.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "http/http.h"
#include "jobs/jobs.h"

enum { APP_RETIRED_KEYRINGS = 64 };

struct app {
	struct db *db;
	struct jobs *jobs;
	/* The keyring in use; swapped when `atip keys rotate` changes the
	 * file.  Old ones stay alive (retired) until exit: handlers may
	 * still hold them. */
	_Atomic(struct crypto_keyring *) keyring;
	struct crypto_keyring *retired[APP_RETIRED_KEYRINGS];
	int nretired;
	const char *data_dir;
	long signin_per_ip;
	char *checkpoints; /* the audit checkpoint file */
	char *openapi;	   /* the OpenAPI document, rendered once */
	size_t openapi_len;
};

/* The keyring in use now. */
static inline const struct crypto_keyring *
app_keyring(struct app *app)
{
	return atomic_load(&app->keyring);
}

extern const char atip_version[];

/* The route table (routes.c). */
extern const struct http_route app_routes[];
extern const size_t app_nroutes;

/* The job kinds (routes.c). */
extern const struct job_kind app_jobs[];
extern const size_t app_njobs;

/* The kind of record called name ("meeting"), or NULL (routes.c). */
const struct record_kind *app_kind(const char *name);

/* A record that files and discussions attach to, as a request names it. */
struct app_record {
	const struct record_kind *kind;
	char id[UUID_STR_LEN];
	struct access_record access;
};

/*
 * Loads the record kind/id (strings from the request) and decides act on
 * it for the request's actor: false after answering 404 (unknown kind or
 * id, or a record the actor may not see) or 403.
 */
bool app_record_allow(struct http_request *req, const char *kind,
		      const char *id, enum access_action act,
		      struct app_record *out);

/* Every module's migrations in version order; caller frees the array. */
struct db_migration *app_migrations(size_t *n);

#endif

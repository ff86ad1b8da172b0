/* What `atip serve` hands every handler and job: the shared services. */
#ifndef ATIP_APP_H
#define ATIP_APP_H

#include <stddef.h>

#include "crypto/crypto.h"
#include "db/db.h"
#include "http/http.h"
#include "jobs/jobs.h"

struct app {
	struct db *db;
	struct jobs *jobs;
	struct crypto_keyring *keyring;
	char *checkpoints; /* the audit checkpoint file */
	char *openapi;	   /* the OpenAPI document, rendered once */
	size_t openapi_len;
};

extern const char atip_version[];

/* The route table (routes.c). */
extern const struct http_route app_routes[];
extern const size_t app_nroutes;

/* The job kinds (routes.c). */
extern const struct job_kind app_jobs[];
extern const size_t app_njobs;

/* Every module's migrations in version order; caller frees the array. */
struct db_migration *app_migrations(size_t *n);

#endif

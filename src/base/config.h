/*
 * Configuration.  Every setting has a default, an ATIP_* environment
 * variable and a --flag; flags override the environment.  A bad value is
 * reported in one line naming the setting (never echoing its value, which
 * may hold a password) and is a usage error (exit code 2).
 */
#ifndef ATIP_BASE_CONFIG_H
#define ATIP_BASE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "base/log.h"

struct config {
	char *data_dir;	       /* ATIP_DATA_DIR */
	char *db;	       /* ATIP_DB: SQLite path or postgresql:// URI */
	char *listen;	       /* ATIP_LISTEN: host:port as given */
	char *web_dir;	       /* ATIP_WEB_DIR */
	char *tls_cert;	       /* ATIP_TLS_CERT */
	char *tls_key;	       /* ATIP_TLS_KEY */
	char *trusted_proxies; /* ATIP_TRUSTED_PROXIES */
	char *webhook_allow;   /* ATIP_WEBHOOK_ALLOW */
	char *user;	       /* ATIP_USER: drop root for this user */
	enum log_level log_level; /* ATIP_LOG */
	long threads;
	long max_connections;
	long max_per_ip;
	long timeout; /* seconds a connection may stay idle */
	long max_body;
	long max_upload;
	long max_header;
	long json_depth;
	long json_string;
	long job_workers;
	long shutdown_grace;
	long signin_per_ip;
	/* failed sign-ins per address in 15 minutes */ /* seconds to let in-flight requests end */
	bool metrics_local; /* /metrics only from loopback */
	bool json_log;	    /* one JSON line per request */
	bool seccomp;	    /* ATIP_SECCOMP: the system-call filter */
};

/* Sets every field to its default; release with config_release(). */
void config_init(struct config *c);

/* Frees the strings of c. */
void config_release(struct config *c);

/*
 * Applies ATIP_* variables, then the flags in argv[0..argc).  Non-flag
 * arguments are moved to the front of argv and counted in *rest.  On a bad
 * setting writes one line to err and returns false.
 */
bool config_load(struct config *c, int argc, char **argv, int *rest, FILE *err);

/* Writes the settings (flag, variable, default, meaning) for --help. */
void config_help(FILE *out);

/* Returns the SQLite path or URI to use (ATIP_DB or <data_dir>/atip.db); caller frees. */
char *config_db_target(const struct config *c);

#endif

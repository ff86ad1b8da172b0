/* What the case handler files share. */
#ifndef ATIP_CASES_HTTP_INT_H
#define ATIP_CASES_HTTP_INT_H

#include "cases/cases_http.h"

/*
 * Reads the case named by path parameter param and checks act on it;
 * answers 404/403 and returns false when it may not.  Release r after.
 */
bool cases_find(struct http_request *req, int param, enum access_action act,
		struct case_record *r);

/* May the request's actor do act on the case? */
bool cases_may(struct http_request *req, const struct case_record *r,
	       enum access_action act);

/* How the actor writes to the case: keyring, user, personal data or not. */
struct case_write cases_writer(struct http_request *req,
			       const struct case_record *r);

/*
 * The body as a form's input: a copy without the keys in drop (a
 * NULL-terminated list, may be NULL); a body that is not an object is an
 * error in errs.  Caller decrefs.
 */
json_t *cases_input(struct http_request *req, const char *const *drop,
		    struct coord_errors *errs);

/* Reads the body's version; false after recording an error. */
bool cases_version(struct http_request *req, long long *v,
		   struct coord_errors *errs);

/* Answers a failed change: 403 for personal data the role cannot write. */
void cases_failed(struct http_request *req, enum err e,
		  const struct coord_errors *errs, const char *what);

/*
 * Decrypts the case's personal data as far as the actor may read it
 * (owner: all; a grant: its fields; break glass: all); answers 500 and
 * false on failure.
 */
bool cases_open(struct http_request *req, struct case_record *r, bool glass);

/* An entry, its plain fields and the personal ones when read. */
json_t *cases_entry_json(const struct case_entry *e);

/* The case; with its persons and items when parts. */
json_t *cases_json(struct http_request *req, const struct case_record *r,
		   bool parts);

/* One change to a case, run and audited in one transaction. */
struct case_op {
	struct http_request *req;
	struct case_record *r;
	struct case_write w;
	json_t *input;
	const char *sub; /* the person or item changed */
	long long version;
	enum case_item_kind kind;
	struct case_entry out;
	struct coord_errors body_errs;	 /* the body's shape */
	struct coord_errors errs;	 /* then the values' */
	const char *action;		 /* audited as */
	const char *review_org, *reason; /* break glass: flagged */
	void *arg;
	enum err (*run)(struct db_conn *c, struct case_op *x);
	enum err e;
};

/*
 * Runs x->run, then audits x->action on the case, in one transaction.
 * On failure answers (what names the change) and returns false.
 */
bool cases_run(struct case_op *x, const char *what);

#endif

/* The users resource: /api/v1/users. */
#include <string.h>

#include <sodium.h>

#include "access/access_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "orgs/orgs.h"

enum { LIST_DEFAULT = 50, LIST_MAX = 500 };

json_t *
auth_user_json(const struct auth_user *u)
{
	return json_pack("{ss ss ss ss ss sb sb sI}", "id", u->id, "org_id",
			 u->org_id, "email", u->email, "name", u->name, "role",
			 auth_role_name(u->role), "active", u->active,
			 "totp_enrolled", u->totp_enrolled, "version",
			 (json_int_t)u->version);
}

/* The access view of the accounts of organisation org. */
static struct access_record
users_of(const char *org)
{
	return (struct access_record){ .kind = KIND_USER,
				       .owner_org = org,
				       .level = LEVEL_ORG,
				       .tlp = TLP_CLEAR };
}

static json_t *
field_error(json_t *errors, const char *field, const char *message)
{
	if (!errors)
		errors = json_array();
	json_array_append_new(errors, json_pack("{ss ss}", "field", field,
						"message", message));
	return errors;
}

/*
 * True when org names an organisation; else answers 404, as for one that
 * may not be seen.
 */
static bool
org_exists(struct http_request *req, const char *org)
{
	struct org o;

	if (uuid_valid(str_of(org)) && orgs_get(req->db, org, &o) == ERR_OK)
		return true;
	http_problem(req, ERR_NOT_FOUND, "There is nothing here.", NULL);
	return false;
}

void
auth_users_http_list(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	const char *org = http_query(req, "org_id");
	const char *cursor = http_query(req, "cursor");
	char org_id[UUID_STR_LEN];
	const char *limit_s = http_query(req, "limit");
	long long limit = LIST_DEFAULT;
	struct access_record r;
	struct auth_user *items;
	json_t *errors = NULL, *list;
	size_t n;
	enum err e;

	if (!org)
		org = a->user.org_id;
	else if (uuid_normalise(str_of(org), org_id))
		org = org_id;
	r = users_of(org);
	if (!access_allow(req, ACT_READ, &r) || !org_exists(req, org))
		return;
	if (limit_s && !str_to_i64(str_of(limit_s), 1, LIST_MAX, &limit))
		errors = field_error(errors, "limit",
				     "must be a whole number from 1 to 500");
	if (cursor && !uuid_valid(str_of(cursor)))
		errors = field_error(errors, "cursor",
				     "must be a next_cursor of this list");
	if (errors) {
		http_problem(req, ERR_INVALID,
			     "Some query parameters are wrong.", errors);
		return;
	}
	items = arena_alloc(&req->arena, (size_t)limit * sizeof(*items));
	e = auth_users_list(req->db, org, cursor, (int)limit, items, &n);
	if (e != ERR_OK) {
		http_problem(req, e, "The list could not be read.", NULL);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, auth_user_json(&items[i]));
	http_json(req, 200,
		  json_pack("{so ss?}", "items", list, "next_cursor",
			    n == (size_t)limit ? items[n - 1].id : NULL));
}

struct create {
	struct http_request *req;
	struct auth_user_input in;
	const char *hash;
	char hashed[AUTH_HASH_MAX];
	struct auth_user user;
	struct auth_errors errs;
	enum err e;
};

static enum db_status
create_tx(struct db_conn *c, void *arg)
{
	struct create *x = arg;

	x->e = auth_user_create(c, &x->in, x->hash, &x->user, &x->errs);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "user.create", "user", x->user.id);
}

static void
answer_errors(struct http_request *req, enum err e,
	      const struct auth_errors *errs)
{
	json_t *errors = NULL;

	for (int i = 0; i < errs->n; i++)
		errors = field_error(errors, errs->v[i].field,
				     errs->v[i].message);
	http_problem(req, e,
		     e == ERR_CONFLICT ? "The email is taken."
				       : "Some fields of the body are wrong.",
		     errors);
}

/* On the pool: the checks and the slow hashing of the new password. */
static void
create_hash(struct http_request *req)
{
	struct create *x = req->state;

	x->e = auth_user_prepare(&x->in, x->hashed, &x->errs);
	x->hash = x->hashed;
}

/* Back on an HTTP thread: add the user, or say what was wrong. */
static void
create_finish(struct http_request *req)
{
	struct create *x = req->state;
	enum err e = x->e;

	if (e == ERR_OK)
		e = db_tx_conn_err(req->db, create_tx, x, &x->e);
	sodium_memzero(x->hashed, sizeof(x->hashed));
	if (e != ERR_OK) {
		answer_errors(req, e, &x->errs);
		return;
	}
	http_json(req, 201, auth_user_json(&x->user));
}

void
auth_users_http_create(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	const char *password = NULL;
	struct create *x = arena_alloc(&req->arena, sizeof(*x));
	const struct http_field fields[] = {
		{ .name = "org_id", .string = &x->in.org_id },
		{ .name = "email", .required = true, .string = &x->in.email },
		{ .name = "name", .required = true, .string = &x->in.name },
		{ .name = "role", .required = true, .string = &x->in.role },
		{ .name = "password",
		  .required = true,
		  .max = 4 * AUTH_PASSWORD_MAX,
		  .string = &password },
	};
	struct access_record r;
	json_t *errors;

	x->req = req;
	/* Who may add users here comes first; then what is wrong in the body. */
	errors = http_body_check(req, fields, 5);
	if (!x->in.org_id)
		x->in.org_id = a->user.org_id;
	r = users_of(x->in.org_id);
	if (!access_allow(req, ACT_CREATE, &r)) {
		json_decref(errors);
		return;
	}
	if (errors) {
		http_problem(req, ERR_INVALID,
			     "Some fields of the body are wrong.", errors);
		return;
	}
	/* Only a platform admin makes another. */
	if (!strcmp(x->in.role, "platform_admin") &&
	    a->user.role != ROLE_PLATFORM_ADMIN) {
		http_problem(req, ERR_FORBIDDEN,
			     "Only a platform admin may add a platform admin.",
			     NULL);
		return;
	}
	x->in.password = password;
	x->in.password_len = strlen(password);
	req->state = x;
	http_defer(req, create_hash, create_finish);
}

struct reset {
	struct http_request *req;
	char id[UUID_STR_LEN];
	const char *password; /* a new password, or NULL */
	const char *hash;     /* its hash, once made */
	char hashed[AUTH_HASH_MAX];
	bool totp;
	enum err e;
};

static enum db_status
reset_tx(struct db_conn *c, void *arg)
{
	struct reset *x = arg;

	x->e = auth_user_reset(c, x->id, x->hash, x->totp);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, "user.reset", "user", x->id);
}

/* POST /api/v1/users/{id}/reset: {password?, reset_totp?}. */
/* On the pool: the slow hashing of the new password. */
static void
reset_hash(struct http_request *req)
{
	struct reset *x = req->state;

	x->e = ERR_OK;
	if (!x->password)
		return;
	if (!auth_password_hash(x->password, strlen(x->password), x->hashed))
		x->e = ERR_INTERNAL;
	x->hash = x->hashed;
}

/* Back on an HTTP thread: reset, and answer the user as it now is. */
static void
reset_finish(struct http_request *req)
{
	struct reset *x = req->state;
	struct auth_user u;
	enum err e = x->e;

	if (e == ERR_OK)
		e = db_tx_conn_err(req->db, reset_tx, x, &x->e);
	sodium_memzero(x->hashed, sizeof(x->hashed));
	if (e == ERR_OK)
		e = auth_user_get(req->db, x->id, &u);
	if (e != ERR_OK) {
		http_problem(req, e, "The user could not be reset.", NULL);
		return;
	}
	http_json(req, 200, auth_user_json(&u));
}

void
auth_users_http_reset(struct http_request *req)
{
	struct reset *x = arena_alloc(&req->arena, sizeof(*x));
	json_t *totp = NULL;
	const struct http_field fields[] = {
		{ .name = "password",
		  .max = 4 * AUTH_PASSWORD_MAX,
		  .string = &x->password },
		{ .name = "reset_totp", .any = &totp },
	};
	struct access_record r;
	struct auth_user u;
	const char *why;
	enum err e = ERR_NOT_FOUND;

	x->req = req;
	if (http_param_id(req, 0, x->id))
		e = auth_user_get(req->db, x->id, &u);
	if (e != ERR_OK) {
		http_problem(req, e, "There is nothing here.", NULL);
		return;
	}
	r = users_of(u.org_id);
	if (!access_allow(req, ACT_ADMIN, &r) ||
	    !http_body_fields(req, fields, 2))
		return;
	if (u.role == ROLE_PLATFORM_ADMIN &&
	    ((const struct auth_actor *)req->actor)->user.role !=
		    ROLE_PLATFORM_ADMIN) {
		http_problem(
			req, ERR_FORBIDDEN,
			"Only a platform admin may reset a platform admin.",
			NULL);
		return;
	}
	if (totp && !json_is_boolean(totp)) {
		http_invalid(req, "reset_totp", "must be true or false");
		return;
	}
	x->totp = json_is_true(totp);
	if (!x->password && !x->totp) {
		http_invalid(req, "password", "give a password or reset_totp");
		return;
	}
	why = x->password ? auth_password_check(x->password,
						strlen(x->password), false)
			  : NULL;
	if (why) {
		http_invalid(req, "password", why);
		return;
	}
	req->state = x;
	http_defer(req, reset_hash, reset_finish);
}

struct status_change {
	struct http_request *req;
	const char *id;
	bool active;
	long long version;
	enum err e;
};

static enum db_status
status_tx(struct db_conn *c, void *arg)
{
	struct status_change *x = arg;

	x->e = auth_user_set_active(c, x->id, x->active, x->version);
	if (x->e != ERR_OK)
		return db_status_of(x->e);
	return auth_audit(c, x->req, x->active ? "user.enable" : "user.disable",
			  "user", x->id);
}

/* PATCH /api/v1/users/{id}: {active, version}. */
void
auth_users_http_update(struct http_request *req)
{
	json_t *active = NULL;
	long long version = 0;
	const struct http_field fields[] = {
		{ .name = "active", .required = true, .any = &active },
		{ .name = "version", .required = true, .integer = &version },
	};
	char id[UUID_STR_LEN];
	struct status_change x = { .req = req, .id = id };
	struct access_record r;
	struct auth_user u;
	enum err e = ERR_NOT_FOUND;

	if (http_param_id(req, 0, id)) {
		e = auth_user_get(req->db, id, &u);
	}
	if (e != ERR_OK) {
		http_problem(req, e, "There is nothing here.", NULL);
		return;
	}
	r = users_of(u.org_id);
	if (!access_allow(req, ACT_ADMIN, &r) ||
	    !http_body_fields(req, fields, 2))
		return;
	if (!json_is_boolean(active)) {
		http_invalid(req, "active", "must be true or false");
		return;
	}
	if (u.role == ROLE_PLATFORM_ADMIN &&
	    ((const struct auth_actor *)req->actor)->user.role !=
		    ROLE_PLATFORM_ADMIN) {
		http_problem(
			req, ERR_FORBIDDEN,
			"Only a platform admin may change a platform admin.",
			NULL);
		return;
	}
	x.active = json_is_true(active);
	x.version = version;
	e = db_tx_conn_err(req->db, status_tx, &x, &x.e);
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_CONFLICT
				     ? "The user changed since you read "
				       "it: read it again."
				     : "The user could not be changed.",
			     NULL);
		return;
	}
	e = auth_user_get(req->db, id, &u);
	if (e == ERR_OK)
		http_json(req, 200, auth_user_json(&u));
	else
		http_problem(req, e, "The user could not be read.", NULL);
}

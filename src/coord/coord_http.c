/* What the coordination handlers share. */
#include <string.h>

#include "auth/auth.h"
#include "base/buf.h"
#include "coord/coord_http.h"

struct coord_viewer
coord_viewer_of(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct buf b;

	if (!a)
		return (struct coord_viewer){ "", "", "" };
	buf_init(&b, 0);
	buf_adds(&b, "");
	for (size_t i = 0; i < a->ngroups; i++) {
		if (i)
			buf_adds(&b, ",");
		buf_adds(&b, a->groups[i]);
	}
	struct coord_viewer v = { a->user.org_id, a->country,
				  arena_strndup(&req->arena, b.p, b.len) };
	buf_release(&b);
	return v;
}

struct coord_share
coord_owner_of(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct coord_share s = { .level = LEVEL_ORG, .tlp = TLP_AMBER };

	memcpy(s.owner_org, a->user.org_id, sizeof(s.owner_org));
	memcpy(s.owner_country, a->country, sizeof(s.owner_country));
	return s;
}

void
coord_share_json(json_t *o, const struct coord_share *s)
{
	json_object_set_new(o, "owner_org", json_string(s->owner_org));
	json_object_set_new(o, "level",
			    json_string(access_level_name(s->level)));
	json_object_set_new(o, "group_id",
			    s->group_id[0] ? json_string(s->group_id)
					   : json_null());
	json_object_set_new(o, "tlp", json_string(access_tlp_name(s->tlp)));
}

void
coord_body(struct http_request *req, const struct http_field *f, size_t n,
	   struct coord_errors *errs)
{
	json_t *list = http_body_check(req, f, n), *e;
	size_t i;

	json_array_foreach (list, i, e) {
		const char *field =
			json_string_value(json_object_get(e, "field"));
		const char *message =
			json_string_value(json_object_get(e, "message"));

		coord_error(errs, arena_strdup(&req->arena, field),
			    arena_strdup(&req->arena, message));
	}
	json_decref(list);
}

bool
coord_has_error(const struct coord_errors *errs, const char *field)
{
	for (int i = 0; i < errs->n; i++)
		if (!strcmp(errs->v[i].field, field))
			return true;
	return false;
}

void
coord_invalid(struct http_request *req, const struct coord_errors *errs)
{
	json_t *list = json_array();

	for (int i = 0; i < errs->n; i++)
		json_array_append_new(
			list, json_pack("{ss ss}", "field", errs->v[i].field,
					"message", errs->v[i].message));
	http_problem(req, ERR_INVALID, "Some fields are wrong.", list);
}

void
coord_failed(struct http_request *req, enum err e,
	     const struct coord_errors *errs, const char *what)
{
	if (e == ERR_INVALID && errs->n) {
		coord_invalid(req, errs);
		return;
	}
	http_problem(req, e,
		     e == ERR_CONFLICT	  ? "The record changed since you read "
					    "it; read it again."
		     : e == ERR_NOT_FOUND ? "There is nothing here."
					  : what,
		     NULL);
}

bool
coord_strings(struct http_request *req, json_t *v, const char *field,
	      const char *const **out, size_t *n, bool *has,
	      struct coord_errors *errs)
{
	const char **list;
	size_t i;
	json_t *item;

	*has = v && !json_is_null(v);
	*out = NULL;
	*n = 0;
	if (!*has)
		return true;
	if (!json_is_array(v)) {
		coord_error(errs, field, "must be a list of strings");
		return false;
	}
	if (json_array_size(v) > COORD_LIST_MAX_ITEMS) {
		coord_error(errs, field, "has too many items");
		return false;
	}
	list = arena_alloc(&req->arena,
			   (json_array_size(v) + 1) * sizeof(*list));
	json_array_foreach (v, i, item) {
		if (!json_is_string(item)) {
			coord_error(errs, field, "must be a list of strings");
			return false;
		}
		list[i] = json_string_value(item);
	}
	*out = list;
	*n = json_array_size(v);
	return true;
}

bool
coord_limit(struct http_request *req, long long *limit,
	    struct coord_errors *errs)
{
	const char *s = http_query(req, "limit");

	*limit = COORD_LIST_DEFAULT;
	if (s && !str_to_i64(str_of(s), 1, COORD_LIST_MAX, limit)) {
		coord_error(errs, "limit",
			    "must be a whole number from 1 to 500");
		return false;
	}
	return true;
}

json_t *
coord_strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

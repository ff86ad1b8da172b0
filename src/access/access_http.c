#include "access/access_http.h"

#include "auth/auth.h"

struct access_actor *
access_actor_of(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct access_actor *out;

	if (!a)
		return NULL;
	out = arena_alloc(&req->arena, sizeof(*out));
	*out = (struct access_actor){ a->user.role, a->user.org_id, a->country,
				      a->groups, a->ngroups };
	return out;
}

bool
access_allow(struct http_request *req, enum access_action act,
	     const struct access_record *r)
{
	switch (access_check(access_actor_of(req), act, r)) {
	case ACCESS_ALLOW: return true;
	case ACCESS_FORBIDDEN:
		http_problem(req, ERR_FORBIDDEN,
			     "Your role does not allow this here.", NULL);
		return false;
	default:
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return false;
	}
}

#include "files/files_http.h"

#include <stdio.h>
#include <string.h>

#include "access/access_http.h"
#include "app.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "files/files.h"

/* True when the actor reads the personal data of the target record. */
static bool
may_read_personal(struct http_request *req, const struct app_record *t)
{
	return !t->kind->sensitive ||
	       access_check(access_actor_of(req), ACT_READ_PERSONAL,
			    &t->access) == ACCESS_ALLOW;
}

static json_t *
meta_json(const struct file_meta *m, bool named)
{
	return json_pack("{ss ss ss ss? ss sI sb ss? ss}", "id", m->id,
			 "record_kind", m->record_kind, "record_id",
			 m->record_id, "name", named ? m->name : NULL,
			 "media_type", m->media_type, "size",
			 (json_int_t)m->size, "encrypted", m->encrypted,
			 "created_by", m->created_by[0] ? m->created_by : NULL,
			 "created_at", m->created_at);
}

struct upload {
	struct http_request *req;
	struct file_input in;
	struct file_meta meta;
	const char *field, *why;
	enum err e;
};

static enum db_status
upload_tx(struct db_conn *c, void *arg)
{
	struct upload *u = arg;
	struct app *app = u->req->app;

	u->e = files_store(c, app_keyring(app), &u->req->arena, &u->in,
			   &u->meta, &u->field, &u->why);
	if (u->e != ERR_OK)
		return db_status_of(u->e);
	return auth_audit(c, u->req, "file.create", "file", u->meta.id);
}

void
files_http_upload(struct http_request *req)
{
	const struct auth_actor *a = req->actor;
	struct upload u = { .req = req };
	struct app_record t;

	if (!app_record_allow(req, http_query(req, "record_kind"),
			      http_query(req, "record_id"), ACT_UPDATE, &t))
		return;
	u.in = (struct file_input){ .record_kind = t.kind->name,
				    .record_id = t.id,
				    .owner_org = t.access.owner_org,
				    .name = http_header_decoded(req,
								"X-File-Name"),
				    .sensitive = t.kind->sensitive,
				    .created_by = a->user.id };
	u.in.data = http_upload(req, &u.in.len);
	if (!u.in.name && http_header(req, "X-File-Name")) {
		http_invalid(req, "name", "must not contain a NUL (%00)");
		return;
	}
	if (db_tx_conn_err(req->db, upload_tx, &u, &u.e) == ERR_OK) {
		http_json(req, 201, meta_json(&u.meta, true));
		return;
	}
	if (u.e == ERR_INVALID) {
		json_t *errors = json_pack("[{ss ss}]", "field", u.field,
					   "message", u.why);

		http_problem(req,
			     !strcmp(u.field, "content") && u.in.len
				     ? ERR_MEDIA_TYPE
				     : ERR_INVALID,
			     !strcmp(u.field, "name")
				     ? "Send the file's name in X-File-Name."
				     : "atip does not keep this file.",
			     errors);
		return;
	}
	http_problem(req, u.e,
		     u.e == ERR_CONFLICT
			     ? "The record has as many files as it may hold."
			     : "The file was not stored.",
		     NULL);
}

void
files_http_list(struct http_request *req)
{
	struct file_meta *v;
	struct app_record t;
	json_t *items;
	size_t n;
	bool named;
	enum err e;

	if (!app_record_allow(req, http_query(req, "record_kind"),
			      http_query(req, "record_id"), ACT_READ, &t))
		return;
	e = files_list(req->db, t.kind->name, t.id, &req->arena, &v, &n);
	if (e != ERR_OK) {
		http_problem(req, e, "The files could not be read.", NULL);
		return;
	}
	named = may_read_personal(req, &t);
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct app *app = req->app;
		bool open = named && files_open_name(app_keyring(app), req->db,
						     &req->arena, &v[i]);

		json_array_append_new(items, meta_json(&v[i], open));
	}
	http_json(req, 200,
		  json_pack("{so sn}", "items", items, "next_cursor"));
}

/* Reads the file {id} and its record; false after answering. */
static bool
find_file(struct http_request *req, enum access_action act, struct file_meta *m,
	  struct app_record *t)
{
	char id[UUID_STR_LEN];
	enum err e;

	if (!http_param_id(req, 0, id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return false;
	}
	e = files_get(req->db, id, &req->arena, m);
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND ? "There is nothing here."
						: "The file could not be read.",
			     NULL);
		return false;
	}
	return app_record_allow(req, m->record_kind, m->record_id, act, t);
}

void
files_http_get(struct http_request *req)
{
	struct app *app = req->app;
	struct file_meta m;
	struct app_record t;
	bool named;

	if (!find_file(req, ACT_READ, &m, &t))
		return;
	named = may_read_personal(req, &t) &&
		files_open_name(app_keyring(app), req->db, &req->arena, &m);
	http_json(req, 200, meta_json(&m, named));
}

/* Content-Disposition for a name: ASCII fallback and RFC 8187 UTF-8. */
static const char *
disposition(struct http_request *req, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	const char *out;

	buf_init(&b, 0);
	buf_adds(&b, "attachment; filename=\"");
	/* One "_" for each character that is not plain ASCII. */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if ((*p & 0xc0) != 0x80)
			buf_add(&b,
				*p < 0x80 && !strchr("\"\\;", *p)
					? (const char *)p
					: "_",
				1);
	buf_adds(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			buf_add(&b, p, 1);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			buf_add(&b, esc, 3);
		}
	}
	out = arena_strndup(&req->arena, b.p, b.len);
	buf_release(&b);
	return out;
}

static enum db_status
read_tx(struct db_conn *c, void *arg)
{
	struct http_request *req = arg;
	char id[UUID_STR_LEN];

	http_param_id(req, 0, id);
	return auth_audit(c, req, "file.read", "file", id);
}

void
files_http_content(struct http_request *req)
{
	struct app *app = req->app;
	struct file_meta m;
	struct app_record t;
	struct buf body;
	enum err e;

	if (!find_file(req, ACT_READ, &m, &t))
		return;
	if (t.kind->sensitive) {
		if (!access_allow(req, ACT_READ_PERSONAL, &t.access))
			return;
		if (!files_open_name(app_keyring(app), req->db, &req->arena,
				     &m)) {
			http_problem(req, ERR_NOT_FOUND,
				     "There is nothing here.", NULL);
			return;
		}
		/* Every read of a sensitive record's file is audited first. */
		if (db_tx_conn(req->db, read_tx, req) != DB_OK) {
			http_problem(req, ERR_UNAVAILABLE,
				     "The file could not be read.", NULL);
			return;
		}
	}
	buf_init(&body, (size_t)m.size);
	e = files_read(req->db, app_keyring(app), m.id, &body);
	if (e != ERR_OK) {
		if (m.encrypted)
			crypto_wipe_buf(&body);
		else
			buf_release(&body);
		http_problem(req, e, "The file could not be read.", NULL);
		return;
	}
	http_send_buf(req, 200, m.media_type, &body, m.encrypted);
	http_add_header(req, "Content-Disposition", disposition(req, m.name));
	http_add_header(req, "Content-Security-Policy",
			"sandbox; default-src 'none'");
	http_add_header(req, "Cache-Control", "private, no-store");
}

struct removal {
	struct http_request *req;
	const char *id;
	enum err e;
};

static enum db_status
delete_tx(struct db_conn *c, void *arg)
{
	struct removal *r = arg;

	r->e = files_delete(c, r->id);
	if (r->e != ERR_OK)
		return db_status_of(r->e);
	return auth_audit(c, r->req, "file.delete", "file", r->id);
}

void
files_http_delete(struct http_request *req)
{
	struct file_meta m;
	struct app_record t;
	struct removal r = { .req = req };

	if (!find_file(req, ACT_UPDATE, &m, &t))
		return;
	r.id = m.id;
	if (db_tx_conn_err(req->db, delete_tx, &r, &r.e) != ERR_OK) {
		http_problem(req, r.e, "The file was not erased.", NULL);
		return;
	}
	http_send(req, 204, NULL, "", 0);
}

/*
 * Webhooks: an organisation's integrations hear of events as signed JSON
 * (HMAC-SHA-256), sent by libcurl from the job queue with retries.  A
 * payload names the event and the record (kind and id), never its content.
 *
 * Server-side request forgery: a target must be https (http only to an
 * allowed address, for tests), and every address libcurl is about to
 * connect to is checked at that moment, so DNS answers cannot steer a
 * delivery to a private, loopback or link-local address unless an admin
 * allowed its block (ATIP_WEBHOOK_ALLOW).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <jansson.h>

#include "base/mem.h"
#include "jobs/jobs.h"
#include "notify/notify.h"
#include "notify/notify_sql.h"

static const char *const events[] = {
	"mention",
	"reply",
	"action.assigned",
	"action.update",
	"action.due",
	"action.overdue",
	"meeting.invited",
	"case.shared",
	"case.transfer",
	"case.transfer_accepted",
	"case.transfer_declined",
	"case.transfer_cancelled",
	"followup.due",
	"referral.requested",
	"referral.accepted",
	"referral.declined",
	"referral.started",
	"referral.completed",
	"referral.withdrawn",
	"referral.escalated",
};

bool
notify_event_known(const char *event)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(events[i], event))
			return true;
	return false;
}

/* ---- addresses ---- */

struct block {
	int family;
	unsigned char addr[16];
	int bits;
};

enum { MAX_BLOCKS = 32 };
static struct block allowed[MAX_BLOCKS];
static int nallowed;

bool
notify_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

bool
notify_webhook_allow(const char *cidrs, char *err, size_t errlen)
{
	const char *p = cidrs ? cidrs : "";

	nallowed = 0;
	while (*p) {
		char item[64];
		size_t len = strcspn(p, ",");
		char *slash;
		struct block b = { 0 };
		long long bits;

		if (len == 0 || len >= sizeof(item) || nallowed == MAX_BLOCKS)
			goto bad;
		memcpy(item, p, len);
		item[len] = '\0';
		slash = strchr(item, '/');
		if (slash)
			*slash = '\0';
		if (inet_pton(AF_INET, item, b.addr) == 1)
			b.family = AF_INET;
		else if (inet_pton(AF_INET6, item, b.addr) == 1)
			b.family = AF_INET6;
		else
			goto bad;
		bits = b.family == AF_INET ? 32 : 128;
		if (slash && !str_to_i64(str_of(slash + 1), 0, bits, &bits))
			goto bad;
		b.bits = (int)bits;
		allowed[nallowed++] = b;
		p += len + (p[len] == ',');
	}
	return true;
bad:
	snprintf(err, errlen,
		 "ATIP_WEBHOOK_ALLOW must be a comma list of CIDR blocks");
	nallowed = 0;
	return false;
}

static bool
in_block(int family, const unsigned char *a, const unsigned char *net, int bits,
	 int net_family)
{
	if (family != net_family)
		return false;
	for (int i = 0; i < bits / 8; i++)
		if (a[i] != net[i])
			return false;
	if (bits % 8) {
		unsigned char mask = (unsigned char)(0xff << (8 - bits % 8));

		if ((a[bits / 8] & mask) != (net[bits / 8] & mask))
			return false;
	}
	return true;
}

/* Private, loopback, link-local, shared, reserved or multicast? */
static bool
special(int family, const unsigned char *a)
{
	static const struct {
		int family;
		unsigned char net[16];
		int bits;
	} blocks[] = {
		{ AF_INET, { 0 }, 8 },
		{ AF_INET, { 10 }, 8 },
		{ AF_INET, { 100, 64 }, 10 },
		{ AF_INET, { 127 }, 8 },
		{ AF_INET, { 169, 254 }, 16 },
		{ AF_INET, { 172, 16 }, 12 },
		{ AF_INET, { 192, 0, 0 }, 24 },
		{ AF_INET, { 192, 168 }, 16 },
		{ AF_INET, { 198, 18 }, 15 },
		{ AF_INET, { 224 }, 3 },  /* multicast and reserved */
		{ AF_INET6, { 0 }, 127 }, /* :: and ::1 */
		{ AF_INET6, { 0xfc }, 7 },
		{ AF_INET6, { 0xfe, 0x80 }, 10 },
		{ AF_INET6, { 0xff }, 8 },
		{ AF_INET6, { 0, 0x64, 0xff, 0x9b }, 96 }, /* NAT64 */
	};

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (in_block(family, a, blocks[i].net, blocks[i].bits,
			     blocks[i].family))
			return true;
	return false;
}

/* May a delivery connect to this address? */
static bool
address_allowed(int family, const unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0,    0,
						  0, 0, 0, 0, 0xff, 0xff };

	/* An IPv4 address in IPv6 clothes is judged as IPv4. */
	if (family == AF_INET6 && !memcmp(a, mapped, 12)) {
		family = AF_INET;
		a += 12;
	}
	for (int i = 0; i < nallowed; i++)
		if (in_block(family, a, allowed[i].addr, allowed[i].bits,
			     allowed[i].family))
			return true;
	return !special(family, a);
}

static bool
sockaddr_allowed(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return address_allowed(
			AF_INET,
			(const unsigned char *)&((const struct sockaddr_in *)sa)
				->sin_addr);
	if (sa->sa_family == AF_INET6)
		return address_allowed(
			AF_INET6,
			((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return false;
}

/* libcurl asks before each connection: the check that cannot be fooled. */
static curl_socket_t
open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *addr)
{
	bool *refused = ctx;

	if (purpose != CURLSOCKTYPE_IPCXN || !sockaddr_allowed(&addr->addr)) {
		*refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* Checks a target URL; NULL when fine, else why not (static text). */
static const char *
url_refused(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL;
	const char *why = NULL;
	unsigned char a[16];
	char bare[64];
	int family = 0;

	if (!u)
		return "could not be checked";
	if (strlen(url) > WEBHOOK_URL_MAX ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		why = "must be an absolute https URL";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		why = "must not carry a user name or password";
		goto out;
	}
	/* An address literal: "[::1]" loses its brackets. */
	snprintf(bare, sizeof(bare), "%s", host);
	if (bare[0] == '[' && strlen(bare) > 2) {
		memmove(bare, bare + 1, strlen(bare));
		bare[strlen(bare) - 1] = '\0';
	}
	if (inet_pton(AF_INET, bare, a) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, bare, a) == 1)
		family = AF_INET6;
	if (family && !address_allowed(family, a)) {
		why = "must not be a private, loopback or link-local address";
		goto out;
	}
	if (strcmp(scheme, "https") &&
	    (strcmp(scheme, "http") || !family || !special(family, a)))
		why = "must be https (plain http only to an allowed loopback "
		      "or private address)";
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return why;
}

/* ---- the webhooks ---- */

enum err
notify_webhook_create(struct db_conn *c, const struct crypto_keyring *kr,
		      struct arena *a, const char *org_id, const char *user_id,
		      const char *url, const char *const *ev, size_t nev,
		      struct webhook *out, char **secret, const char **field,
		      const char **why)
{
	struct db_arg args[7];
	struct db_rows rows;
	struct buf list;
	char *sealed = NULL;
	long long n = 0;
	enum err e;

	*secret = NULL;
	*field = "url";
	if (!url || !*url) {
		*why = "is required";
		return ERR_INVALID;
	}
	if ((*why = url_refused(url)))
		return ERR_INVALID;
	*field = "events";
	if (nev == 0 || nev > sizeof(events) / sizeof(events[0])) {
		*why = "must list the events to send, or \"*\"";
		return ERR_INVALID;
	}
	buf_init(&list, 0);
	buf_adds(&list, ",");
	for (size_t i = 0; i < nev; i++) {
		if (!ev[i] ||
		    (strcmp(ev[i], "*") && !notify_event_known(ev[i])) ||
		    (!strcmp(ev[i], "*") && nev > 1)) {
			buf_release(&list);
			*why = "names an event atip does not send";
			return ERR_INVALID;
		}
		buf_printf(&list, "%s,", ev[i]);
	}
	args[0] = db_text(org_id);
	db_query(c, &notify_sql[HOOK_ORG_LOCK], args, 1, &rows);
	while (db_next(&rows))
		;
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK) {
		buf_release(&list);
		return e;
	}
	db_query(c, &notify_sql[HOOK_COUNT], args, 1, &rows);
	if (db_next(&rows))
		n = db_col_int(&rows, 0);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK ||
	    n >= WEBHOOKS_PER_ORG) {
		buf_release(&list);
		return e != ERR_OK ? e : ERR_CONFLICT;
	}
	memset(out, 0, sizeof(*out));
	uuid_v7(out->id);
	snprintf(out->org_id, sizeof(out->org_id), "%s", org_id);
	out->url = arena_strdup(a, url);
	out->events = arena_alloc(a, nev * sizeof(*out->events));
	for (size_t i = 0; i < nev; i++)
		out->events[i] = arena_strdup(a, ev[i]);
	out->nevents = nev;
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	if (!crypto_webhook_secret(kr, out->id, &sealed, secret)) {
		buf_release(&list);
		return ERR_INTERNAL;
	}
	args[0] = db_text(out->id);
	args[1] = db_text(org_id);
	args[2] = db_text(url);
	args[3] = db_text(list.p);
	args[4] = db_text(sealed);
	args[5] = db_text(user_id);
	args[6] = db_text(out->created_at);
	e = db_err(db_exec(c, &notify_sql[HOOK_INSERT], args, 7, NULL));
	buf_release(&list);
	free(sealed);
	if (e != ERR_OK) {
		free(*secret);
		*secret = NULL;
	}
	return e;
}

enum err
notify_webhook_list(struct db_conn *c, struct arena *a, const char *org_id,
		    struct webhook **out, size_t *n)
{
	struct db_arg arg = db_text(org_id);
	struct db_rows rows;

	*n = 0;
	*out = arena_alloc(a, WEBHOOKS_PER_ORG * sizeof(**out));
	db_query(c, &notify_sql[HOOK_LIST], &arg, 1, &rows);
	while (*n < WEBHOOKS_PER_ORG && db_next(&rows)) {
		struct webhook *w = &(*out)[(*n)++];
		const char *ev = db_col_text(&rows, 2);
		size_t k = 0, cap = 1;

		snprintf(w->id, sizeof(w->id), "%s", db_col_text(&rows, 0));
		snprintf(w->org_id, sizeof(w->org_id), "%s", org_id);
		w->url = arena_strndup(a, db_col_text(&rows, 1),
				       strlen(db_col_text(&rows, 1)));
		for (const char *p = ev; *p; p++)
			cap += *p == ',';
		w->events = arena_alloc(a, cap * sizeof(*w->events));
		while (*ev) {
			size_t len = strcspn(ev, ",");

			if (len)
				w->events[k++] = arena_strndup(a, ev, len);
			ev += len + (ev[len] == ',');
		}
		w->nevents = k;
		snprintf(w->created_at, sizeof(w->created_at), "%s",
			 db_col_text(&rows, 3));
	}
	return db_err(db_rows_close(&rows));
}

enum err
notify_webhook_delete(struct db_conn *c, const char *org_id, const char *id)
{
	struct db_arg args[2] = { db_text(org_id), db_text(id) };
	long long n = 0;
	enum err e = db_err(db_exec(c, &notify_sql[HOOK_DELETE], args, 2, &n));

	return e != ERR_OK ? e : n ? ERR_OK : ERR_NOT_FOUND;
}

enum err
notify_webhook_deliveries(struct db_conn *c, struct arena *a,
			  const char *org_id, const char *webhook_id,
			  const char *cursor, long long limit,
			  struct webhook_delivery **out, size_t *n)
{
	struct db_arg args[4] = { db_text(org_id), db_text(webhook_id),
				  db_text(cursor ? cursor : "g"),
				  DB_INT(limit) };
	struct db_rows rows;
	bool owned;
	enum err e;

	*n = 0;
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	db_query(c, &notify_sql[HOOK_OWNED], args, 2, &rows);
	owned = db_next(&rows);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	if (!owned)
		return ERR_NOT_FOUND;
	db_query(c, &notify_sql[HOOK_DELIVERIES], args, 4, &rows);
	while (db_next(&rows)) {
		struct webhook_delivery *d = &(*out)[(*n)++];

		snprintf(d->id, sizeof(d->id), "%s", db_col_text(&rows, 0));
		snprintf(d->webhook_id, sizeof(d->webhook_id), "%s",
			 webhook_id);
		d->event = arena_strdup(a, db_col_text(&rows, 1));
		d->record_kind = arena_strdup(a, db_col_text(&rows, 2));
		d->record_id = arena_strdup(a, db_col_text(&rows, 3));
		d->status = arena_strdup(a, db_col_text(&rows, 4));
		d->attempts = db_col_int(&rows, 5);
		d->last_status = db_col_int(&rows, 6);
		d->last_error = arena_strdup(a, db_col_text(&rows, 7));
		snprintf(d->created_at, sizeof(d->created_at), "%s",
			 db_col_text(&rows, 8));
		snprintf(d->delivered_at, sizeof(d->delivered_at), "%s",
			 db_col_null(&rows, 9) ? "" : db_col_text(&rows, 9));
	}
	return db_err(db_rows_close(&rows));
}

/* Queues a delivery of ev to every webhook of org that wants it. */
enum err
notify_webhooks_enqueue(struct db_conn *c, const char *org_id,
			const struct notify_event *ev)
{
	struct db_arg args[8] = { db_text(org_id), db_text(ev->event) };
	struct db_rows rows;
	char **hooks = NULL, at[TIME_RFC3339_LEN];
	size_t n = 0;
	enum err e;

	db_query(c, &notify_sql[HOOK_OF_ORG_EVENT], args, 2, &rows);
	while (db_next(&rows)) {
		hooks = xrealloc(hooks, (n + 1) * sizeof(*hooks));
		hooks[n++] = xstrdup(db_col_text(&rows, 0));
	}
	e = db_err(db_rows_close(&rows));
	time_rfc3339(time_now_ms(), at, sizeof(at));
	for (size_t i = 0; i < n; i++) {
		char id[UUID_STR_LEN], job[64];
		json_t *body;
		char *text;
		long long added = 0;

		if (e != ERR_OK) {
			free(hooks[i]);
			continue;
		}
		uuid_v7(id);
		body = json_pack("{ss ss ss? ss? ss ss}", "id", id, "event",
				 ev->event, "record_kind", ev->record_kind,
				 "record_id", ev->record_id, "org_id", org_id,
				 "at", at);
		text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(body);
		args[0] = db_text(id);
		args[1] = db_text(hooks[i]);
		args[2] = db_text(ev->event);
		args[3] = db_text(ev->record_kind);
		args[4] = db_text(ev->record_id);
		args[5] = db_text(text);
		args[6] = db_text(ev->dedupe);
		args[7] = db_text(at);
		e = db_err(db_exec(c, &notify_sql[HOOK_DELIVERY_INSERT], args,
				   8, &added));
		free(text);
		snprintf(job, sizeof(job), "{\"delivery\":\"%s\"}", id);
		if (e == ERR_OK && added)
			e = db_err(jobs_enqueue(c, "webhook.deliver", job,
						time_now_ms(), id));
		free(hooks[i]);
	}
	free(hooks);
	return e;
}

/* ---- delivery ---- */

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

struct outcome {
	long status;	   /* HTTP status, 0 when none came */
	const char *error; /* why it failed, static text, or NULL */
};

static struct outcome
post(const char *url, const char *id, const char *event, const char *body,
     const char *signature)
{
	struct outcome o = { 0, NULL };
	struct curl_slist *h = NULL;
	char line[160];
	bool refused = false;
	CURL *curl = curl_easy_init();
	CURLcode rc;

	if (!curl) {
		o.error = "libcurl could not start";
		return o;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "User-Agent: atip-webhooks/1");
	snprintf(line, sizeof(line), "X-Atip-Event: %s", event);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Atip-Delivery: %s", id);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Atip-Signature: %s", signature);
	h = curl_slist_append(h, line);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)(64 * 1024));
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &refused);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &o.status);
	if (refused)
		o.error = "the address is not allowed";
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		o.error = "timed out";
	else if (rc != CURLE_OK)
		o.error = "could not connect or send";
	else if (o.status < 200 || o.status > 299)
		o.error = "the receiver did not answer 2xx";
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	return o;
}

struct record {
	const char *id;
	const char *status;
	long long attempts;
	long long last_status;
	const char *error;
	bool delivered;
};

static enum db_status
record_tx(struct db_conn *c, void *arg)
{
	struct record *r = arg;
	char at[TIME_RFC3339_LEN];
	struct db_arg args[6] = { db_text(r->id), db_text(r->status),
				  DB_INT(r->attempts), DB_INT(r->last_status),
				  db_text(r->error) };

	if (!r->delivered)
		return db_exec(c, &notify_sql[HOOK_DELIVERY_TRIED], args, 5,
			       NULL);
	time_rfc3339(time_now_ms(), at, sizeof(at));
	args[5] = db_text(at);
	return db_exec(c, &notify_sql[HOOK_DELIVERY_DONE], args, 6, NULL);
}

enum err
notify_webhook_deliver(struct db *db, const struct crypto_keyring *kr,
		       const char *delivery_id, int attempt)
{
	struct db_conn *c = db_acquire(db);
	struct db_arg arg = db_text(delivery_id);
	struct record r = { .id = delivery_id, .attempts = attempt };
	char *payload = NULL, *event = NULL, *hook = NULL, *url = NULL;
	char *secret = NULL, hex[65], signature[120];
	struct outcome o = { 0, NULL };
	struct db_rows rows;
	bool found, live = false, pending = false;
	struct buf msg;
	long long t;
	enum err e;

	if (!c)
		return ERR_UNAVAILABLE;
	db_query(c, &notify_sql[HOOK_DELIVERY_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found) {
		payload = xstrdup(db_col_text(&rows, 0));
		event = xstrdup(db_col_text(&rows, 1));
		pending = !strcmp(db_col_text(&rows, 2), "pending");
		hook = xstrdup(db_col_text(&rows, 3));
		url = xstrdup(db_col_text(&rows, 4));
		secret = xstrdup(db_col_text(&rows, 5));
		live = db_col_int(&rows, 6) == 1;
	}
	e = db_err(db_rows_close(&rows));
	db_release(c);
	if (e != ERR_OK || !found || !pending)
		goto out; /* gone or settled: nothing to do */
	if (!live) {
		o.error = "the webhook was removed";
	} else {
		/* Signed: "<unix time>.<body>", as the receiver checks it. */
		t = time_now_ms() / 1000;
		buf_init(&msg, 0);
		buf_printf(&msg, "%lld.%s", t, payload);
		if (crypto_webhook_sign(kr, hook, secret, msg.p, msg.len,
					hex)) {
			snprintf(signature, sizeof(signature), "t=%lld,v1=%s",
				 t, hex);
			o = post(url, delivery_id, event, payload, signature);
		} else {
			o.error = "the secret does not open";
		}
		buf_release(&msg);
	}
	r.last_status = o.status;
	r.error = o.error;
	r.delivered = !o.error;
	r.status = r.delivered				  ? "delivered"
		   : !live || attempt >= WEBHOOK_ATTEMPTS ? "failed"
							  : "pending";
	e = db_err(db_tx(db, record_tx, &r));
	if (e == ERR_OK && !strcmp(r.status, "pending"))
		e = ERR_UNAVAILABLE; /* try again later */
out:
	free(payload);
	free(event);
	free(hook);
	free(url);
	free(secret);
	return e;
}

struct rewrap {
	struct db_batches b; /* first: db_tx_batches() hands over &b */
	const struct crypto_keyring *kr;
};

static enum db_status
rewrap_tx(struct db_conn *c, void *arg)
{
	struct rewrap *r = arg;
	char like[24], *ids[100], *old[100];
	struct db_arg a, set[3];
	struct db_rows rows;
	enum db_status st;
	size_t n = 0;

	snprintf(like, sizeof(like), "s%u.%%", crypto_keyring_primary(r->kr));
	a = db_text(like);
	db_query(c, &notify_sql[HOOK_STALE_SECRETS], &a, 1, &rows);
	while (n < 100 && db_next(&rows)) {
		ids[n] = xstrdup(db_col_text(&rows, 0));
		old[n++] = xstrdup(db_col_text(&rows, 1));
	}
	st = db_rows_close(&rows);
	r->b.more = n == 100;
	for (size_t i = 0; i < n; i++) {
		char *fresh = st == DB_OK ? crypto_reseal(r->kr, CRYPTO_WEBHOOK,
							  ids[i], old[i])
					  : NULL;
		long long changed = 0;

		if (fresh) {
			set[0] = db_text(ids[i]);
			set[1] = db_text(fresh);
			set[2] = db_text(old[i]);
			st = db_exec(c, &notify_sql[HOOK_SET_SECRET], set, 3,
				     &changed);
			r->b.changed += changed;
		}
		free(fresh);
		free(ids[i]);
		free(old[i]);
	}
	return st;
}

enum err
notify_webhooks_rewrap(struct db *db, const struct crypto_keyring *kr,
		       long long *count)
{
	struct rewrap r = { .kr = kr };
	enum db_status st = db_tx_batches(db, rewrap_tx, &r.b);

	*count = r.b.changed;
	return db_err(st);
}

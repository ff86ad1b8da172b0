/*
 * bench/load's client: mixed traffic against a running `atip serve` over
 * CONNECTIONS kept-alive connections at once, then every write it was
 * answered 2xx for read back.  One thread: libcurl's multi interface
 * driven by epoll (curl_multi_socket_action), so the client touches only
 * the sockets that are ready; CONNECTIONS transfers are always in flight.
 *
 *   load URL PID SECONDS CONNECTIONS ACCOUNTS ADMIN_TOKEN G:TOKEN...
 *
 * URL: atip's base URL; PID: atip's process (its VmRSS and CPU time are
 * sampled every second); ACCOUNTS: how many accounts to make for
 * sign-ins (with ADMIN_TOKEN, an org admin's, through POST /api/v1/users;
 * each then enrols TOTP through the API); G:TOKEN: Bearer tokens of case
 * workers or investigators, G naming their organisation (a case is read
 * back with a token of the organisation that opened it).
 *
 * Phases:
 *   1. setup: the sign-in accounts (four at a time).
 *   2. seed (64 connections): 300 practices, 60 meetings, 100 cases each
 *      with a victim and an event, so that reads find something.
 *   3. load (CONNECTIONS connections, SECONDS seconds): each connection
 *      picks its next request by weight --
 *        reads     GET /api/v1/cases (a page of 50)            % 22
 *                  GET /api/v1/cases/{id} (one of its org's)     16
 *                  GET /api/v1/meetings                          10
 *        searches  GET /api/v1/practices?q=<word>&limit=20       14
 *                  GET /api/v1/cases?country=..|status=..|
 *                      gender=..|flag=.. (list filters)          14
 *        writes    POST /api/v1/cases, then /persons, then
 *                      /events of that case (three requests)      8
 *                  POST /api/v1/practices                         8
 *                  POST /api/v1/threads (a comment on a
 *                      practice)                                  8
 *      and sign-ins, POST /api/v1/session with a TOTP code, paced:
 *      one every 30 s / ACCOUNTS (about 1 a second with 32 accounts),
 *      whenever one is due and an account has a TOTP step the server
 *      has not taken yet (a code is good once; it takes the current
 *      step and the next).  argon2id makes a sign-in cost some 100 ms
 *      of CPU and 64 MiB while it hashes, so they stay a small share.
 *      Latency runs from handing the request to libcurl to the last
 *      byte of the answer.
 *   4. read-back (64 connections): every case (its persons and events
 *      as acknowledged), practice, meeting and comment answered 2xx, in
 *      seed or load, is read back through the API.
 *
 * Prints a table per request kind (count, 2xx, 4xx, 5xx, no answer,
 * p50, p99), the totals, the writes acknowledged / found / lost, atip's
 * resident memory (VmRSS) second by second with its trend, its count of
 * memory mappings (at the start, halfway, at the end), its open sockets
 * halfway, and the CPU it and this client used.  Exit status 1 when any
 * request was answered 5xx (any phase) or any acknowledged write is
 * missing (2 when it could not run); timings never fail a run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <oath.h>

#include "bench.h"

#define NITEMS(v)	 (sizeof(v) / sizeof(v[0]))
#define ID_LEN		 37
#define SEED_CONNECTIONS 64
#define SEED_PRACTICES	 300
#define SEED_MEETINGS	 60
#define SEED_CASES	 100
#define MAX_TOKENS	 64

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "load: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)((rng >> 11) % n) : 0;
}

/* ---- request kinds and their figures ---- */

enum kind {
	K_CASES_LIST,
	K_CASE_GET,
	K_MEETINGS_LIST,
	K_PRACTICES_SEARCH,
	K_CASES_FILTER,
	K_CASE_CREATE,
	K_PERSON_ADD,
	K_EVENT_ADD,
	K_PRACTICE_CREATE,
	K_COMMENT,
	K_SIGNIN,
	K_MEETING_CREATE, /* seed only */
	K_RB_CASE,	  /* read-back */
	K_RB_PRACTICE,
	K_RB_MEETING,
	K_RB_THREAD,
	NKINDS
};

static const char *const kind_names[NKINDS] = {
	[K_CASES_LIST] = "GET cases",
	[K_CASE_GET] = "GET cases/{id}",
	[K_MEETINGS_LIST] = "GET meetings",
	[K_PRACTICES_SEARCH] = "GET practices?q=",
	[K_CASES_FILTER] = "GET cases?filter",
	[K_CASE_CREATE] = "POST cases",
	[K_PERSON_ADD] = "POST cases/{id}/persons",
	[K_EVENT_ADD] = "POST cases/{id}/events",
	[K_PRACTICE_CREATE] = "POST practices",
	[K_COMMENT] = "POST threads",
	[K_SIGNIN] = "POST session (TOTP)",
	[K_MEETING_CREATE] = "POST meetings",
	[K_RB_CASE] = "read-back case",
	[K_RB_PRACTICE] = "read-back practice",
	[K_RB_MEETING] = "read-back meeting",
	[K_RB_THREAD] = "read-back thread",
};

enum phase { P_SEED, P_LOAD, P_READBACK, NPHASES };

struct stats {
	long n, s2xx, s4xx, s5xx, s503, noanswer, timeouts;
	double *lat;
	size_t nlat, caplat;
	char sample[3][200]; /* the first few bad answers */
	int nsample;
};

static struct stats st[NPHASES][NKINDS];

static void
sample_bad(struct stats *s, long code, const char *what, const char *body)
{
	if (s->nsample >= (int)NITEMS(s->sample))
		return;
	snprintf(s->sample[s->nsample++], sizeof(s->sample[0]), "%ld %s%.150s",
		 code, what, body ? body : "");
}

/* ---- what was written ---- */

struct case_rec {
	char id[ID_LEN], person[ID_LEN], event[ID_LEN];
	int group;
	int persons_sent, persons_acked, events_sent, events_acked;
	bool found;
};
struct practice_rec {
	char id[ID_LEN];
	int *comments; /* indices into comments */
	size_t ncomments;
	bool found;
};
struct comment_rec {
	char id[ID_LEN];
	int practice;
	bool found;
};
struct meeting_rec {
	char id[ID_LEN];
	bool found;
};

static struct case_rec *cases;
static size_t ncases, capcases;
static struct practice_rec *practices;
static size_t npractices, cappractices;
static struct comment_rec *comments;
static size_t ncomments, capcomments;
static struct meeting_rec *meetings;
static size_t nmeetings, capmeetings;
static int *group_cases[MAX_TOKENS]; /* acked cases of each group */
static size_t ngroup_cases[MAX_TOKENS], capgroup_cases[MAX_TOKENS];
static long acked;

#define PUSH(arr, n, cap)                                                \
	do {                                                             \
		if ((n) == (cap)) {                                      \
			(cap) = (cap) ? 2 * (cap) : 256;                 \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
		}                                                        \
		memset(&(arr)[(n)], 0, sizeof(*(arr)));                  \
	} while (0)

/* ---- accounts for sign-ins ---- */

struct account {
	char email[64], password[40];
	char *secret; /* raw TOTP key */
	size_t secretlen;
	long long last_step;
	bool busy;
};
static struct account *accounts;
static int naccounts;

static long long
totp_step_now(void)
{
	return (long long)(time(NULL) / 30);
}

static void
totp_code(const struct account *a, long long step, char out[7])
{
	if (oath_totp_generate(a->secret, a->secretlen, (time_t)(step * 30), 30,
			       0, 6, out) != OATH_OK)
		die("oath_totp_generate failed");
}

/* ---- the connections ---- */

struct token {
	char bearer[128];
	int group;
	struct curl_slist *hdrs;
};
static struct token tokens[MAX_TOKENS];
static int ntokens;
static struct curl_slist *anon_hdrs;

struct vu {
	CURL *h;
	int token;
	enum kind kind;
	enum phase phase;
	double t0;
	char url[512];
	char body[768];
	char *resp;
	size_t resplen, respcap;
	int chain;   /* case index waiting for its person (or event) */
	int chained; /* K_PERSON_ADD or K_EVENT_ADD next, 0: none */
	int acct;    /* K_SIGNIN: the account, its step */
	long long step;
	int target;   /* index of the record written or read back */
	int practice; /* K_COMMENT: its practice */
	char cursor[256];
	bool busy;
};

static const char *base;
static CURLM *multi;
static int epfd;
static double timer_at = -1; /* when libcurl wants its timeout call */
static struct vu *vus;
static int nvus;
static int inflight;

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct vu *v = arg;
	size_t len = size * n;

	if (v->resplen + len + 1 > v->respcap) {
		v->respcap = (v->resplen + len + 1) * 2;
		v->resp = xrealloc(v->resp, v->respcap);
	}
	memcpy(v->resp + v->resplen, p, len);
	v->resplen += len;
	v->resp[v->resplen] = 0;
	return len;
}

static int
on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct epoll_event ev = { 0 };

	(void)e;
	(void)userp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(multi, s, NULL);
		return 0;
	}
	ev.data.fd = s;
	ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) |
		    ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
	if (socketp) {
		if (epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev) == 0)
			return 0;
	}
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, s, &ev) != 0 &&
	    (errno != EEXIST || epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev) != 0))
		die("epoll_ctl: %s", strerror(errno));
	curl_multi_assign(multi, s, (void *)1);
	return 0;
}

static int
on_timer(CURLM *m, long ms, void *userp)
{
	(void)m;
	(void)userp;
	timer_at = ms < 0 ? -1 : bench_now_ms() + (double)ms;
	return 0;
}

/* Hands v's request to libcurl: GET when body is NULL, else POST JSON. */
static void
send_req(struct vu *v, enum kind k, const char *body, bool anon)
{
	CURL *h = v->h;

	v->kind = k;
	v->resplen = 0;
	if (v->resp)
		v->resp[0] = 0;
	curl_easy_setopt(h, CURLOPT_URL, v->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER,
			 anon ? anon_hdrs : tokens[v->token].hdrs);
	if (body) {
		snprintf(v->body, sizeof(v->body), "%s", body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, v->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
				 (long)strlen(v->body));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	v->busy = true;
	inflight++;
	st[v->phase][k].n++;
	v->t0 = bench_now_ms();
	if (curl_multi_add_handle(multi, h) != CURLM_OK)
		die("curl_multi_add_handle failed");
}

#define URL(v, ...) snprintf((v)->url, sizeof((v)->url), __VA_ARGS__)

/* ---- what to send ---- */

static const char *const words[] = {
	"shelter",     "referral",   "repatriation",  "hotline",    "border",
	"survivor",    "livelihood", "counselling",   "helpline",   "outreach",
	"legal",       "transit",    "recruitment",   "migration",  "awareness",
	"vigilance",   "screening",  "reintegration", "protection", "training",
	"cooperation", "district",   "community",     "network",    "village",
};
static const char *const districts[] = { "NP-P3-kathmandu", "NP-P1-morang",
					 "IN-MH-mumbai-city", "IN-WB-kolkata",
					 "NP-P5-rupandehi" };
static const char *const genders[] = { "Feminine", "Masculine",
				       "NonSpecifiedUnknown" };
static const char *const filters[] = { "country=NP", "country=IN",
				       "status=Active", "gender=Feminine",
				       "flag=Minor" };
static long serial;

static void
send_case_create(struct vu *v)
{
	char b[256];

	URL(v, "%s/api/v1/cases", base);
	snprintf(b, sizeof(b), "{\"reference\":\"LOAD-%ld (fictional)\"}",
		 ++serial);
	send_req(v, K_CASE_CREATE, b, false);
}

static void
send_person(struct vu *v)
{
	char b[256];

	URL(v, "%s/api/v1/cases/%s/persons", base, cases[v->chain].id);
	snprintf(b, sizeof(b),
		 "{\"role\":\"victim\",\"gender\":\"%s\","
		 "\"first_name\":\"Load victim %ld (fictional)\"}",
		 genders[rnd(NITEMS(genders))], ++serial);
	cases[v->chain].persons_sent++;
	send_req(v, K_PERSON_ADD, b, false);
}

static void
send_event(struct vu *v)
{
	char b[256];

	URL(v, "%s/api/v1/cases/%s/events", base, cases[v->chain].id);
	snprintf(b, sizeof(b),
		 "{\"type\":\"Recruitment\",\"district\":\"%s\","
		 "\"date\":\"2024-01-10\"%s%s%s}",
		 districts[rnd(NITEMS(districts))],
		 cases[v->chain].person[0] ? ",\"person_id\":\"" : "",
		 cases[v->chain].person, cases[v->chain].person[0] ? "\"" : "");
	cases[v->chain].events_sent++;
	send_req(v, K_EVENT_ADD, b, false);
}

static void
send_practice(struct vu *v)
{
	char b[512];

	URL(v, "%s/api/v1/practices", base);
	snprintf(b, sizeof(b),
		 "{\"title\":\"Load practice %ld: %s and %s (fictional)\","
		 "\"summary\":\"A fictional practice about %s.\","
		 "\"theme\":\"protection\",\"level\":\"platform\","
		 "\"tlp\":\"GREEN\",\"body\":\"%s %s %s %s %s %s.\"}",
		 ++serial, words[rnd(NITEMS(words))], words[rnd(NITEMS(words))],
		 words[rnd(NITEMS(words))], words[rnd(NITEMS(words))],
		 words[rnd(NITEMS(words))], words[rnd(NITEMS(words))],
		 words[rnd(NITEMS(words))], words[rnd(NITEMS(words))],
		 words[rnd(NITEMS(words))]);
	send_req(v, K_PRACTICE_CREATE, b, false);
}

static void
send_meeting(struct vu *v)
{
	char b[512];
	long n = ++serial;

	URL(v, "%s/api/v1/meetings", base);
	snprintf(
		b, sizeof(b),
		"{\"title\":\"Load meeting %ld (fictional)\","
		"\"starts_at\":\"2031-05-01T08:00:00Z\",\"level\":\"platform\","
		"\"tlp\":\"GREEN\",\"agenda\":[\"Opening\",\"Cases %ld\","
		"\"Any other business\"]}",
		n, n);
	send_req(v, K_MEETING_CREATE, b, false);
}

static bool
send_comment(struct vu *v)
{
	char b[256];

	if (!npractices)
		return false;
	v->practice = (int)rnd((uint32_t)npractices);
	URL(v, "%s/api/v1/threads", base);
	snprintf(b, sizeof(b),
		 "{\"record_kind\":\"practice\",\"record_id\":\"%s\","
		 "\"body\":\"Load comment %ld (fictional)\"}",
		 practices[v->practice].id, ++serial);
	send_req(v, K_COMMENT, b, false);
	return true;
}

static double next_signin; /* ms: sign-ins are paced, not bunched */

static bool
send_signin(struct vu *v)
{
	long long now = totp_step_now();
	char code[7], b[256];

	if (!naccounts || bench_now_ms() < next_signin)
		return false;
	for (int tries = 0; tries < 4 * naccounts; tries++) {
		int i = (int)rnd((uint32_t)naccounts);
		struct account *a = &accounts[i];
		long long step = a->last_step + 1 > now ? a->last_step + 1
							: now;

		if (a->busy || step > now + 1)
			continue;
		totp_code(a, step, code);
		a->busy = true;
		v->acct = i;
		v->step = step;
		URL(v, "%s/api/v1/session", base);
		snprintf(b, sizeof(b),
			 "{\"email\":\"%s\",\"password\":\"%s\","
			 "\"totp\":\"%s\"}",
			 a->email, a->password, code);
		next_signin = (next_signin ? next_signin : bench_now_ms()) +
			      30000.0 / naccounts;
		send_req(v, K_SIGNIN, b, true);
		return true;
	}
	return false;
}

static void
send_cases_list(struct vu *v)
{
	URL(v, "%s/api/v1/cases?limit=50", base);
	send_req(v, K_CASES_LIST, NULL, false);
}

static void
send_load(struct vu *v)
{
	int g = tokens[v->token].group;
	uint32_t x;

	if (v->chained == K_PERSON_ADD) {
		v->chained = 0;
		return send_person(v);
	}
	if (v->chained == K_EVENT_ADD) {
		v->chained = 0;
		return send_event(v);
	}
	if (send_signin(v)) /* when one is due */
		return;
	x = rnd(100);
	if (x < 22)
		return send_cases_list(v);
	if (x < 38) {
		if (!ngroup_cases[g])
			return send_cases_list(v);
		URL(v, "%s/api/v1/cases/%s", base,
		    cases[group_cases[g][rnd((uint32_t)ngroup_cases[g])]].id);
		return send_req(v, K_CASE_GET, NULL, false);
	}
	if (x < 48) {
		URL(v, "%s/api/v1/meetings", base);
		return send_req(v, K_MEETINGS_LIST, NULL, false);
	}
	if (x < 62) {
		URL(v, "%s/api/v1/practices?q=%s&limit=20", base,
		    words[rnd(NITEMS(words))]);
		return send_req(v, K_PRACTICES_SEARCH, NULL, false);
	}
	if (x < 76) {
		URL(v, "%s/api/v1/cases?%s&limit=50", base,
		    filters[rnd(NITEMS(filters))]);
		return send_req(v, K_CASES_FILTER, NULL, false);
	}
	if (x < 84)
		return send_case_create(v);
	if (x < 92)
		return send_practice(v);
	if (send_comment(v))
		return;
	send_cases_list(v);
}

/* Seed: a shared counter of things to make. */
static int seed_practices = SEED_PRACTICES, seed_meetings = SEED_MEETINGS,
	   seed_cases = SEED_CASES;

static bool
send_seed(struct vu *v)
{
	if (v->chained == K_PERSON_ADD) {
		v->chained = 0;
		send_person(v);
		return true;
	}
	if (v->chained == K_EVENT_ADD) {
		v->chained = 0;
		send_event(v);
		return true;
	}
	if (seed_practices > 0) {
		seed_practices--;
		send_practice(v);
		return true;
	}
	if (seed_meetings > 0) {
		seed_meetings--;
		send_meeting(v);
		return true;
	}
	if (seed_cases > 0) {
		seed_cases--;
		send_case_create(v);
		return true;
	}
	return false;
}

/* Read-back: a cursor over the records, then over the practices' threads. */
static size_t rb_case, rb_practice, rb_meeting, rb_thread;

static bool
send_readback(struct vu *v)
{
	if (v->cursor[0]) { /* the next page of a thread */
		URL(v,
		    "%s/api/v1/threads?record_kind=practice&record_id=%s"
		    "&limit=500&cursor=%s",
		    base, practices[v->target].id, v->cursor);
		send_req(v, K_RB_THREAD, NULL, false);
		return true;
	}
	if (rb_case < ncases) {
		v->target = (int)rb_case++;
		for (v->token = 0;
		     tokens[v->token].group != cases[v->target].group;
		     v->token++)
			;
		URL(v, "%s/api/v1/cases/%s", base, cases[v->target].id);
		send_req(v, K_RB_CASE, NULL, false);
		return true;
	}
	if (rb_practice < npractices) {
		v->target = (int)rb_practice++;
		URL(v, "%s/api/v1/practices/%s", base, practices[v->target].id);
		send_req(v, K_RB_PRACTICE, NULL, false);
		return true;
	}
	if (rb_meeting < nmeetings) {
		v->target = (int)rb_meeting++;
		URL(v, "%s/api/v1/meetings/%s", base, meetings[v->target].id);
		send_req(v, K_RB_MEETING, NULL, false);
		return true;
	}
	while (rb_thread < npractices && !practices[rb_thread].ncomments)
		rb_thread++;
	if (rb_thread < npractices) {
		v->target = (int)rb_thread++;
		URL(v,
		    "%s/api/v1/threads?record_kind=practice&record_id=%s"
		    "&limit=500",
		    base, practices[v->target].id);
		send_req(v, K_RB_THREAD, NULL, false);
		return true;
	}
	return false;
}

/* ---- answers ---- */

static const char *
id_of(json_t *j)
{
	const char *id = json_string_value(json_object_get(j, "id"));

	return id && strlen(id) == ID_LEN - 1 ? id : NULL;
}

static bool
has_id(json_t *list, const char *id)
{
	size_t i;
	json_t *x;

	json_array_foreach (list, i, x) {
		const char *y = id_of(x);

		if (y && !strcmp(y, id))
			return true;
	}
	return false;
}

static long lost_reports;

static void
lost(const char *fmt, ...)
{
	va_list ap;

	if (++lost_reports > 10)
		return;
	va_start(ap, fmt);
	printf("LOST ");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* A 2xx answer: what it means for the records. */
static void
answered(struct vu *v, json_t *j)
{
	const char *id = id_of(j);
	struct case_rec *c;

	switch (v->kind) {
	case K_CASE_CREATE:
		if (!id)
			break;
		acked++;
		PUSH(cases, ncases, capcases);
		c = &cases[ncases];
		snprintf(c->id, ID_LEN, "%s", id);
		c->group = tokens[v->token].group;
		v->chain = (int)ncases++;
		v->chained = K_PERSON_ADD;
		break;
	case K_PERSON_ADD:
		if (!id)
			break;
		acked++;
		c = &cases[v->chain];
		c->persons_acked++;
		snprintf(c->person, ID_LEN, "%s", id);
		v->chained = K_EVENT_ADD;
		break;
	case K_EVENT_ADD:
		if (!id)
			break;
		acked++;
		c = &cases[v->chain];
		c->events_acked++;
		snprintf(c->event, ID_LEN, "%s", id);
		/* Whole now: readable by its organisation. */
		PUSH(group_cases[c->group], ngroup_cases[c->group],
		     capgroup_cases[c->group]);
		group_cases[c->group][ngroup_cases[c->group]++] = v->chain;
		break;
	case K_PRACTICE_CREATE:
		if (!id)
			break;
		acked++;
		PUSH(practices, npractices, cappractices);
		snprintf(practices[npractices++].id, ID_LEN, "%s", id);
		break;
	case K_MEETING_CREATE:
		if (!id)
			break;
		acked++;
		PUSH(meetings, nmeetings, capmeetings);
		snprintf(meetings[nmeetings++].id, ID_LEN, "%s", id);
		break;
	case K_COMMENT: {
		struct practice_rec *p = &practices[v->practice];

		if (!id)
			break;
		acked++;
		PUSH(comments, ncomments, capcomments);
		snprintf(comments[ncomments].id, ID_LEN, "%s", id);
		comments[ncomments].practice = v->practice;
		p->comments =
			xrealloc(p->comments, (p->ncomments + 1) * sizeof(int));
		p->comments[p->ncomments++] = (int)ncomments++;
		break;
	}
	case K_SIGNIN: accounts[v->acct].last_step = v->step; break;
	case K_RB_CASE: {
		json_t *ps = json_object_get(j, "persons"),
		       *es = json_object_get(j, "events");
		size_t np = json_array_size(ps), ne = json_array_size(es);

		c = &cases[v->target];
		if (!id || strcmp(id, c->id)) {
			lost("case %s: GET answered another record", c->id);
			break;
		}
		c->found = true;
		if ((int)np < c->persons_acked || (int)np > c->persons_sent ||
		    (int)ne < c->events_acked || (int)ne > c->events_sent ||
		    (c->person[0] && !has_id(ps, c->person)) ||
		    (c->event[0] && !has_id(es, c->event))) {
			lost("case %s: %zu persons and %zu events; %d and %d "
			     "acknowledged, %d and %d sent",
			     c->id, np, ne, c->persons_acked, c->events_acked,
			     c->persons_sent, c->events_sent);
			c->found = false;
		}
		break;
	}
	case K_RB_PRACTICE:
		practices[v->target].found =
			id && !strcmp(id, practices[v->target].id);
		break;
	case K_RB_MEETING: {
		json_t *agenda = json_object_get(j, "agenda");

		meetings[v->target].found =
			id && !strcmp(id, meetings[v->target].id) &&
			json_array_size(agenda) == 3;
		break;
	}
	case K_RB_THREAD: {
		struct practice_rec *p = &practices[v->target];
		json_t *items = json_object_get(j, "items");
		const char *next =
			json_string_value(json_object_get(j, "next_cursor"));
		size_t i;
		json_t *x;

		json_array_foreach (items, i, x) {
			const char *cid = id_of(x);

			for (size_t k = 0; cid && k < p->ncomments; k++)
				if (!strcmp(comments[p->comments[k]].id, cid))
					comments[p->comments[k]].found = true;
		}
		v->cursor[0] = 0;
		if (next) {
			char *e = curl_easy_escape(v->h, next, 0);

			snprintf(v->cursor, sizeof(v->cursor), "%s", e);
			curl_free(e);
		}
		break;
	}
	default: break;
	}
}

static bool
writes_kind(enum kind k)
{
	return k == K_CASE_CREATE || k == K_PERSON_ADD || k == K_EVENT_ADD ||
	       k == K_PRACTICE_CREATE || k == K_COMMENT ||
	       k == K_MEETING_CREATE;
}

static void
finished(struct vu *v, CURLcode rc)
{
	struct stats *s = &st[v->phase][v->kind];
	long code = 0;
	double ms = bench_now_ms() - v->t0;

	curl_multi_remove_handle(multi, v->h);
	v->busy = false;
	inflight--;
	if (v->kind == K_SIGNIN)
		accounts[v->acct].busy = false;
	if (rc != CURLE_OK) {
		s->noanswer++;
		if (rc == CURLE_OPERATION_TIMEDOUT)
			s->timeouts++;
		sample_bad(s, 0, curl_easy_strerror(rc), NULL);
		v->chained = 0;
		v->cursor[0] = 0;
		return;
	}
	curl_easy_getinfo(v->h, CURLINFO_RESPONSE_CODE, &code);
	if (s->nlat == s->caplat) {
		s->caplat = s->caplat ? 2 * s->caplat : 1024;
		s->lat = xrealloc(s->lat, s->caplat * sizeof(double));
	}
	s->lat[s->nlat++] = ms;
	if (code >= 200 && code < 300) {
		s->s2xx++;
		if (writes_kind(v->kind) || v->kind >= K_RB_CASE) {
			json_t *j = json_loadb(v->resp ? v->resp : "",
					       v->resplen, 0, NULL);

			if (writes_kind(v->kind) && !id_of(j)) {
				/* Acknowledged, but no id to read it back
				 * by: counted as lost. */
				acked++;
				lost("%s answered %ld without an id: %.200s",
				     kind_names[v->kind], code,
				     v->resp ? v->resp : "");
				sample_bad(s, code, "without an id: ", v->resp);
			}
			answered(v, j);
			json_decref(j);
		} else if (v->kind == K_SIGNIN) {
			answered(v, NULL);
		}
		return;
	}
	v->chained = 0;
	v->cursor[0] = 0;
	if (code >= 500) {
		s->s5xx++;
		if (code == 503)
			s->s503++;
	} else {
		s->s4xx++;
	}
	sample_bad(s, code, "", v->resp);
}

/* ---- the loop ---- */

static pid_t atip_pid;
static int sockets_mid = -1; /* atip's open sockets halfway through */

static int
count_sockets(void)
{
	char path[64], link[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)atip_pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		char fdpath[128];
		ssize_t len;

		snprintf(fdpath, sizeof(fdpath), "%.60s/%.60s", path,
			 d->d_name);
		len = readlink(fdpath, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = 0;
			n += !strncmp(link, "socket:", 7);
		}
	}
	closedir(dir);
	return n;
}
static long *rss; /* kB, one a second of the load */
static size_t nrss, caprss;
static long *maps; /* mappings, at the same times */
static size_t nmaps, capmaps;
static double cpu_atip_start, cpu_atip_end;
static double sched_run0, sched_wait0, sched_run1, sched_wait1;

static long
read_rss(void)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)atip_pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Summed over atip's threads: seconds on a CPU, and seconds runnable but
 * waiting for one (other processes on the machine). */
static void
read_sched(double *run, double *wait)
{
	char path[96];
	struct dirent *d;
	DIR *dir;

	*run = *wait = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)atip_pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char p[160];
		unsigned long long r, w;
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%.90s/%.20s/schedstat", path,
			 d->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu %llu", &r, &w) == 2) {
			*run += (double)r / 1e9;
			*wait += (double)w / 1e9;
		}
		fclose(f);
	}
	closedir(dir);
}

/* How many memory mappings atip has (lines of /proc/<pid>/maps). */
static long
read_maps(void)
{
	char path[64], buf[65536];
	long lines = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)atip_pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	fclose(f);
	return lines;
}

/* atip's user + system CPU seconds. */
static double
read_cpu(void)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, stime = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)atip_pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &ut, &stime) != 2)
		return 0;
	return (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void
wait_events(void)
{
	struct epoll_event evs[256];
	int running, n, timeout = 100;
	double t = bench_now_ms();

	if (timer_at >= 0)
		timeout = timer_at <= t ? 0 : (int)ceil(timer_at - t);
	if (timeout > 100)
		timeout = 100;
	n = epoll_wait(epfd, evs, (int)NITEMS(evs), timeout);
	if (n < 0 && errno != EINTR)
		die("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		int flags = 0;

		if (evs[i].events & EPOLLIN)
			flags |= CURL_CSELECT_IN;
		if (evs[i].events & EPOLLOUT)
			flags |= CURL_CSELECT_OUT;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			flags |= CURL_CSELECT_ERR;
		curl_multi_socket_action(multi, evs[i].data.fd, flags,
					 &running);
	}
	if (timer_at >= 0 && bench_now_ms() >= timer_at) {
		timer_at = -1;
		curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0,
					 &running);
	}
}

/* Completed transfers: their connection sends its next request. */
static void
reap(enum phase phase, bool more)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(multi, &left))) {
		struct vu *v;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
				  (char **)&v);
		finished(v, m->data.result);
		if (!more && !v->chained && !v->cursor[0])
			continue;
		if (!more && phase == P_LOAD)
			continue; /* the load is over: a case stays as it is */
		v->phase = phase;
		if (phase == P_SEED)
			send_seed(v);
		else if (phase == P_LOAD)
			send_load(v);
		else
			send_readback(v);
	}
}

/* Runs one phase on n connections until it has nothing left to send (or
 * for seconds, the load), then until every answer is in. */
static double
run_phase(enum phase phase, int n, double seconds)
{
	double t0 = bench_now_ms(), next_sample = t0 + 1000;
	bool more = true;

	for (int i = 0; i < n && i < nvus; i++) {
		struct vu *v = &vus[i];

		v->phase = phase;
		v->chained = 0;
		v->cursor[0] = 0;
		v->token = i % ntokens;
		if (phase == P_SEED   ? !send_seed(v)
		    : phase == P_LOAD ? (send_load(v), false)
				      : !send_readback(v))
			break;
	}
	if (phase == P_LOAD) {
		cpu_atip_start = read_cpu();
		read_sched(&sched_run0, &sched_wait0);
		PUSH(rss, nrss, caprss);
		rss[nrss++] = read_rss();
		PUSH(maps, nmaps, capmaps);
		maps[nmaps++] = read_maps();
	}
	while (inflight > 0) {
		wait_events();
		if (phase == P_LOAD && more &&
		    bench_now_ms() - t0 >= seconds * 1000)
			more = false;
		if (phase == P_LOAD && bench_now_ms() >= next_sample) {
			long kb = read_rss();

			next_sample += 1000;
			if (kb < 0 && more) {
				printf("atip is gone, %.1f s into the load\n",
				       (bench_now_ms() - t0) / 1000);
				more = false;
			} else if (more) {
				PUSH(rss, nrss, caprss);
				rss[nrss++] = kb;
				PUSH(maps, nmaps, capmaps);
				maps[nmaps++] = read_maps();
				if (sockets_mid < 0 &&
				    bench_now_ms() - t0 >= seconds * 500)
					sockets_mid = count_sockets();
			}
		}
		if (phase != P_LOAD) {
			reap(phase, true);
			continue;
		}
		reap(phase, more);
	}
	if (phase == P_LOAD) {
		cpu_atip_end = read_cpu();
		read_sched(&sched_run1, &sched_wait1);
	}
	return (bench_now_ms() - t0) / 1000;
}

/* ---- setup: the sign-in accounts, one request at a time ---- */

static long
blocking(const char *method, const char *path, const char *body,
	 struct curl_slist *hdrs, char **resp, char *cookie, size_t cookielen)
{
	struct vu v = { 0 };
	CURL *h = curl_easy_init();
	long code = 0;

	snprintf(v.url, sizeof(v.url), "%s%s", base, path);
	curl_easy_setopt(h, CURLOPT_URL, v.url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &v);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	if (cookie)
		curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	if (curl_easy_perform(h) != CURLE_OK)
		die("%s %s: no answer", method, path);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (cookie) {
		struct curl_slist *cs = NULL;

		curl_easy_getinfo(h, CURLINFO_COOKIELIST, &cs);
		cookie[0] = 0;
		for (struct curl_slist *c = cs; c; c = c->next) {
			char *tab = strrchr(c->data, '\t');
			char *name = NULL;

			/* domain, flag, path, secure, expiry, name, value */
			if (tab) {
				*tab = 0;
				name = strrchr(c->data, '\t');
			}
			if (name)
				snprintf(cookie, cookielen, "%s=%s", name + 1,
					 tab + 1);
		}
		curl_slist_free_all(cs);
	}
	curl_easy_cleanup(h);
	*resp = v.resp ? v.resp : strdup("");
	return code;
}

static json_t *
expect(long got, long want, char *resp, const char *what)
{
	json_t *j;

	if (got != want)
		die("%s: expected %ld, got %ld %.300s", what, want, got, resp);
	j = json_loads(resp, 0, NULL);
	free(resp);
	if (!j)
		die("%s: not JSON", what);
	return j;
}

#define SETUP_THREADS 4

struct setup {
	struct curl_slist *ah; /* the admin's headers */
	int from, step;
};

/* Account from, from + step, ...: made, signed in, enrolled. */
static void *
make_some(void *arg)
{
	struct setup *su = arg;
	struct curl_slist *ah = su->ah;
	char hdr[256];

	for (int i = su->from; i < naccounts; i += su->step) {
		struct account *a = &accounts[i];
		char body[512], cookie[200], *resp = NULL, code[7];
		struct curl_slist *sh = NULL;
		json_t *j;
		const char *b32, *csrf;
		long long step;
		long code_;
		snprintf(body, sizeof(body),
			 "{\"email\":\"%s\",\"name\":\"Load account %d "
			 "(fictional)\",\"role\":\"investigator\","
			 "\"password\":\"%s\"}",
			 a->email, i, a->password);
		code_ = blocking("POST", "/api/v1/users", body, ah, &resp, NULL,
				 0);
		json_decref(expect(code_, 201, resp, "POST /api/v1/users"));

		/* Sign in with the password: a session that must enrol. */
		snprintf(body, sizeof(body),
			 "{\"email\":\"%s\",\"password\":\"%s\"}", a->email,
			 a->password);
		code_ = blocking("POST", "/api/v1/session", body, anon_hdrs,
				 &resp, cookie, sizeof(cookie));
		j = expect(code_, 201, resp, "POST /api/v1/session (password)");
		csrf = json_string_value(json_object_get(j, "csrf_token"));
		if (!csrf || !cookie[0])
			die("sign-in without a CSRF token or cookie");
		snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", csrf);
		sh = curl_slist_append(sh, hdr);
		snprintf(hdr, sizeof(hdr), "Cookie: %s", cookie);
		sh = curl_slist_append(sh, hdr);
		sh = curl_slist_append(sh, "Content-Type: application/json");
		json_decref(j);

		code_ = blocking("POST", "/api/v1/me/totp", "", sh, &resp, NULL,
				 0);
		j = expect(code_, 201, resp, "POST /api/v1/me/totp");
		b32 = json_string_value(json_object_get(j, "secret"));
		if (!b32 || oath_base32_decode(b32, strlen(b32), &a->secret,
					       &a->secretlen) != OATH_OK)
			die("POST /api/v1/me/totp: no base32 secret");
		json_decref(j);
		step = totp_step_now();
		a->last_step = step;
		totp_code(a, step, code);
		snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
		code_ = blocking("POST", "/api/v1/me/totp/confirm", body, sh,
				 &resp, NULL, 0);
		json_decref(expect(code_, 200, resp,
				   "POST /api/v1/me/totp/confirm"));
		curl_slist_free_all(sh);
	}
	return NULL;
}

/* n accounts for sign-ins, SETUP_THREADS at a time (argon2id is slow). */
static void
make_accounts(int n, const char *admin)
{
	struct setup su[SETUP_THREADS];
	pthread_t t[SETUP_THREADS];
	struct curl_slist *ah = NULL;
	char hdr[256];

	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", admin);
	ah = curl_slist_append(ah, hdr);
	ah = curl_slist_append(ah, "Content-Type: application/json");
	accounts = calloc((size_t)n + 1, sizeof(*accounts));
	naccounts = n;
	for (int i = 0; i < n; i++) {
		struct account *a = &accounts[i];

		snprintf(a->email, sizeof(a->email), "load.%d.%d@demo.invalid",
			 (int)getpid(), i);
		for (int k = 0; k < 24; k++)
			a->password[k] =
				"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"
					[rnd(49)];
	}
	for (int i = 0; i < SETUP_THREADS; i++) {
		su[i] = (struct setup){ ah, i, SETUP_THREADS };
		if (pthread_create(&t[i], NULL, make_some, &su[i]))
			die("pthread_create failed");
	}
	for (int i = 0; i < SETUP_THREADS; i++)
		pthread_join(t[i], NULL);
	curl_slist_free_all(ah);
}

/* ---- figures ---- */

static double
pct(struct stats *s, double p)
{
	size_t i;

	if (!s->nlat)
		return NAN;
	i = (size_t)ceil(p * (double)s->nlat) - 1;
	return s->lat[i < s->nlat ? i : s->nlat - 1];
}

static double
mean_rss(const long *r, size_t from, size_t to)
{
	double sum = 0;

	for (size_t i = from; i < to; i++)
		sum += (double)r[i];
	return to > from ? sum / (double)(to - from) / 1024 : NAN;
}

static double
floor_rss(const long *r, size_t from, size_t to)
{
	long lo = r[from];

	for (size_t i = from; i < to; i++)
		lo = r[i] < lo ? r[i] : lo;
	return (double)lo / 1024;
}

static void
print_table(enum phase ph, long *served, long *s5xx, long *noans, long *s4xx)
{
	printf("%-24s %8s %8s %6s %6s %8s %9s %9s\n", "kind", "requests", "2xx",
	       "4xx", "5xx", "no-answer", "p50 ms", "p99 ms");
	for (int k = 0; k < NKINDS; k++) {
		struct stats *s = &st[ph][k];

		if (!s->n)
			continue;
		qsort(s->lat, s->nlat, sizeof(double), bench_cmp_double);
		printf("%-24s %8ld %8ld %6ld %6ld %8ld %9.2f %9.2f\n",
		       kind_names[k], s->n, s->s2xx, s->s4xx, s->s5xx,
		       s->noanswer, pct(s, 0.50), pct(s, 0.99));
		*served += s->s2xx + s->s4xx + s->s5xx;
		*s5xx += s->s5xx;
		*noans += s->noanswer;
		*s4xx += s->s4xx;
	}
}

static void
print_samples(void)
{
	for (int ph = 0; ph < NPHASES; ph++)
		for (int k = 0; k < NKINDS; k++)
			for (int i = 0; i < st[ph][k].nsample; i++)
				printf("  %s: %s\n", kind_names[k],
				       st[ph][k].sample[i]);
}

int
main(int argc, char **argv)
{
	double seconds, took, clientcpu, setup_s, readback_s;
	int conns, nacc;
	long served = 0, s5xx = 0, noans = 0, s4xx = 0, found = 0, nlost;
	long other5xx = 0, other_noans = 0, other_4xx = 0, other_served = 0;
	struct rusage ru;

	if (argc < 8)
		die("usage: load URL PID SECONDS CONNECTIONS ACCOUNTS "
		    "ADMIN_TOKEN G:TOKEN...");
	base = argv[1];
	atip_pid = (pid_t)strtol(argv[2], NULL, 10);
	seconds = strtod(argv[3], NULL);
	conns = (int)strtol(argv[4], NULL, 10);
	nacc = (int)strtol(argv[5], NULL, 10);
	if (atip_pid <= 0 || seconds <= 0 || conns < 1 || conns > 10000 ||
	    nacc < 0 || nacc > 1000)
		die("bad PID, SECONDS, CONNECTIONS or ACCOUNTS");
	for (int i = 7; i < argc && ntokens < MAX_TOKENS; i++) {
		struct token *t = &tokens[ntokens++];
		char hdr[192];

		if (sscanf(argv[i], "%d:%127s", &t->group, t->bearer) != 2 ||
		    t->group < 0 || t->group >= MAX_TOKENS)
			die("G:TOKEN expected, got %s", argv[i]);
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s",
			 t->bearer);
		t->hdrs = curl_slist_append(NULL, hdr);
		t->hdrs = curl_slist_append(t->hdrs,
					    "Content-Type: application/json");
		t->hdrs = curl_slist_append(t->hdrs, "Expect:");
	}
	rng ^= (uint64_t)getpid() << 17 ^ (uint64_t)time(NULL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || oath_init() != OATH_OK)
		die("cannot initialise libcurl or liboath");
	anon_hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	anon_hdrs = curl_slist_append(anon_hdrs, "Expect:");

	took = bench_now_ms();
	make_accounts(nacc, argv[6]);
	setup_s = (bench_now_ms() - took) / 1000;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)conns);
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conns);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)conns);
	nvus = conns > SEED_CONNECTIONS ? conns : SEED_CONNECTIONS;
	vus = calloc((size_t)nvus, sizeof(*vus));
	for (int i = 0; i < nvus; i++) {
		CURL *h = curl_easy_init();

		vus[i].h = h;
		curl_easy_setopt(h, CURLOPT_PRIVATE, &vus[i]);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &vus[i]);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	}

	took = run_phase(P_SEED, SEED_CONNECTIONS, 0);
	printf("setup: %d sign-in accounts enrolled in %.1f s; seed: %zu "
	       "practices, %zu meetings, %zu cases in %.1f s\n",
	       naccounts, setup_s, npractices, nmeetings, ncases, took);
	fflush(stdout);

	took = run_phase(P_LOAD, conns, seconds);
	getrusage(RUSAGE_SELF, &ru);
	clientcpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;

	printf("\nload: %d connections, %.0f s (the last answer after %.1f s)\n\n",
	       conns, seconds, took);
	print_table(P_LOAD, &served, &s5xx, &noans, &s4xx);

	readback_s = run_phase(P_READBACK, SEED_CONNECTIONS, 0);
	for (enum phase ph = P_SEED; ph < NPHASES; ph += 2) {
		for (int k = 0; k < NKINDS; k++) {
			other5xx += st[ph][k].s5xx;
			other_noans += st[ph][k].noanswer;
			other_4xx += st[ph][k].s4xx;
			other_served += st[ph][k].s2xx + st[ph][k].s4xx +
					st[ph][k].s5xx;
		}
	}
	for (size_t i = 0; i < ncases; i++) {
		struct case_rec *c = &cases[i];

		if (c->found)
			found += 1 + c->persons_acked + c->events_acked;
		else
			lost("case %s (with %d persons, %d events acknowledged)",
			     c->id, c->persons_acked, c->events_acked);
	}
	for (size_t i = 0; i < npractices; i++) {
		if (practices[i].found)
			found++;
		else
			lost("practice %s", practices[i].id);
	}
	for (size_t i = 0; i < nmeetings; i++) {
		if (meetings[i].found)
			found++;
		else
			lost("meeting %s (or its agenda)", meetings[i].id);
	}
	for (size_t i = 0; i < ncomments; i++) {
		if (comments[i].found)
			found++;
		else
			lost("comment %s on practice %s", comments[i].id,
			     practices[comments[i].practice].id);
	}
	nlost = acked - found;

	printf("\nrequests served: %ld in %.1f s (%.0f/s); 5xx: %ld; 4xx: %ld; "
	       "no answer: %ld\n",
	       served, took, (double)served / took, s5xx, s4xx, noans);
	printf("seed and read-back (%.1f s): %ld requests; 5xx: %ld; 4xx: "
	       "%ld; no answer: %ld\n",
	       readback_s, other_served, other5xx, other_4xx, other_noans);
	print_samples();
	printf("writes: %ld acknowledged (%zu cases with their persons and "
	       "events, %zu practices, %zu meetings, %zu comments), %ld "
	       "found, %ld lost\n",
	       acked, ncases, npractices, nmeetings, ncomments, found, nlost);
	if (nrss >= 4) {
		/* rss[0]: as the load began; then one a second.  A sign-in's
		 * argon2id holds 64 MiB while it hashes, so samples jump up
		 * while one is in flight: the floor (lowest sample) of a
		 * window is what atip keeps.  The first third is warm-up
		 * (buffers of the connections, caches). */
		long *r = rss + 1;
		size_t n = nrss - 1, w = n >= 30 ? 10 : (n + 2) / 3;
		size_t a = n / 3 + w <= n - w ? n / 3 : 0;
		double first = mean_rss(r, 0, w), last = mean_rss(r, n - w, n);
		double f0 = floor_rss(r, 0, w), fa = floor_rss(r, a, a + w),
		       fz = floor_rss(r, n - w, n);
		long hi = r[0];

		for (size_t i = 0; i < n; i++)
			hi = r[i] > hi ? r[i] : hi;
		printf("atip VmRSS, 1 sample a second: %.1f MiB as the load "
		       "began, at most %.1f MiB; mean of the first %zu s "
		       "%.1f MiB, of the last %zu s %.1f MiB (%+.0f %%); "
		       "floor of the first %zu s %.1f MiB, of %zu-%zu s %.1f "
		       "MiB, of the last %zu s %.1f MiB: after warm-up %s "
		       "(%+.1f %%)\n",
		       (double)rss[0] / 1024, (double)hi / 1024, w, first, w,
		       last, (last / first - 1) * 100, w, f0, a, a + w, fa, w,
		       fz,
		       fz > fa * 1.10 && fz - fa > 4 ? "TRENDS UPWARD"
						     : "no upward trend",
		       (fz / fa - 1) * 100);
		printf("atip VmRSS by second (MiB; +64 MiB while a sign-in "
		       "hashes):");
		for (size_t i = 0; i < nrss; i++)
			printf(" %.0f", (double)rss[i] / 1024);
		putchar('\n');
	}
	if (nmaps >= 2) {
		long m0 = maps[0], mh = maps[nmaps / 2], mz = maps[nmaps - 1];

		/* libsodium's guarded allocations (sodium_malloc: data keys)
		 * take four mappings each, and a process has at most
		 * vm.max_map_count of them: a count that keeps growing is a
		 * leak that ends in failed allocations. */
		printf("atip's memory mappings (/proc/<pid>/maps): %ld as the "
		       "load began, %ld halfway, %ld at the end: %s\n",
		       m0, mh, mz,
		       mz > mh + 8 && mh > m0 + 8 ? "KEEP GROWING" : "steady");
	}
	if (sockets_mid >= 0)
		printf("atip's open sockets halfway through the load: %d\n",
		       sockets_mid);
	printf("CPU during the load: atip %.2f cores (and its threads "
	       "waited, runnable, %.2f core-s a second for a CPU), this "
	       "client %.2f cores (whole run), of %ld\n",
	       (cpu_atip_end - cpu_atip_start) / took,
	       (sched_wait1 - sched_wait0) / took, clientcpu / took,
	       sysconf(_SC_NPROCESSORS_ONLN));

	for (int i = 0; i < nvus; i++) {
		curl_easy_cleanup(vus[i].h);
		free(vus[i].resp);
	}
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	return s5xx + other5xx || nlost ? 1 : 0;
}

/*
 * bench/intel's corpus: fictional organisations, and reports with
 * indicators drawn from fixed seeds (see intel.c and intel.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "intel.h"

void
die(const char *what)
{
	fprintf(stderr, "bench intel: %s\n", what);
	exit(1);
}

/* ---- Organisations -------------------------------------------------- */

const struct org_def orgs[NORGS] = {
	{ "Mumbai Anti-Trafficking Cell (fictional)", "law_enforcement", "IN",
	  25 },
	{ "Delhi Rescue Network (fictional)", "civil_society", "IN", 15 },
	{ "Kathmandu Safe Migration Centre (fictional)", "civil_society", "NP",
	  20 },
	{ "Nepal Police Online Desk (fictional)", "law_enforcement", "NP", 15 },
	{ "Colombo Migrant Help (fictional)", "civil_society", "LK", 10 },
	{ "Dhaka Cyber Unit (fictional)", "law_enforcement", "BD", 15 },
};

struct org_row org_rows[NORGS];

/* Sharing: levels as wide as the TLP label allows, mostly shared. */
const struct share_def shares[NSHARES] = {
	{ "platform", "GREEN", 35 },   { "country", "AMBER", 25 },
	{ "country", "GREEN", 10 },    { "org", "AMBER", 10 },
	{ "org", "AMBER+STRICT", 10 }, { "org", "RED", 5 },
	{ "platform", "CLEAR", 5 },
};

static size_t
weighted(struct bench_rng *r, const int *w, size_t n)
{
	int total = 0, x;

	for (size_t i = 0; i < n; i++)
		total += w[i];
	x = (int)bench_rng_below(r, (size_t)total);
	for (size_t i = 0; i < n; i++)
		if ((x -= w[i]) < 0)
			return i;
	return n - 1;
}

/* ---- Values --------------------------------------------------------- */

const struct type_def types[NTYPES] = {
	{ INTEL_PHONE, 450, 30, 6 },	{ INTEL_HANDLE, 130, 0, 3 },
	{ INTEL_MESSAGING, 70, 20, 2 }, { INTEL_EMAIL, 80, 0, 3 },
	{ INTEL_URL, 60, 0, 3 },	{ INTEL_DOMAIN, 60, 30, 3 },
	{ INTEL_UPI, 70, 0, 3 },	{ INTEL_IP, 50, 0, 2 },
	{ INTEL_AD, 25, 0, 3 },		{ INTEL_NAME, 5, 0, 3 },
};

static const char *const words[32] = {
	"ravi",	 "sita",   "amit",   "priya",	"raju",	 "kiran", "maya",
	"arjun", "gita",   "sunil",  "rekha",	"manoj", "anita", "deepa",
	"vijay", "lata",   "ramesh", "usha",	"hari",	 "tara",  "bikash",
	"nabin", "sabina", "roshan", "ashok",	"nila",	 "kamal", "rina",
	"salma", "rahim",  "nimal",  "chamari",
};
static const char *const words2[32] = {
	"jobs",	  "visa",   "agent",	"travel",   "work",    "gulf",
	"abroad", "hiring", "dubai",	"qatar",    "malaya",  "career",
	"salary", "tours",  "manpower", "overseas", "recruit", "nurse",
	"driver", "hotel",  "spa",	"models",   "dance",   "beauty",
	"maid",	  "cook",   "guard",	"ticket",   "express", "global",
	"star",	  "link",
};

/* The phone numbers' number plans: 10 slots of 10^7 numbers each. */
static const struct {
	const char *cc, *prefix, *trunk;
	const char *country;
} plans[10] = {
	{ "91", "982", "0", "IN" },  { "91", "991", "0", "IN" },
	{ "91", "700", "0", "IN" },  { "91", "636", "0", "IN" },
	{ "91", "887", "0", "IN" },  { "977", "984", "", "NP" },
	{ "977", "980", "", "NP" },  { "880", "171", "0", "BD" },
	{ "880", "191", "0", "BD" }, { "94", "77", "0", "LK" },
};

/* A bijection of [0, 10^8) (rank * odd mod 10^8, the odd prime to 10). */
static uint64_t
scramble(uint64_t rank)
{
	return rank * 2654435761ULL % 100000000ULL;
}

/* Writes phone y (< 10^8) in form f, read in region's context. */
static void
phone(struct buf *b, uint64_t y, int f, const char *region)
{
	int slot = (int)(y / 10000000), d = (int)(y % 10000000);
	const char *cc = plans[slot].cc, *p = plans[slot].prefix;
	char nsn[16];

	snprintf(nsn, sizeof(nsn), "%s%07d", p, d);
	if (f >= 3 && strcmp(region, plans[slot].country))
		f %= 3; /* national forms only at home */
	switch (f) {
	case 0: buf_printf(b, "+%s %.5s %s", cc, nsn, nsn + 5); break;
	case 1: buf_printf(b, "+%s-%s", cc, nsn); break;
	case 2: buf_printf(b, "00%s %s", cc, nsn); break;
	case 3:
		buf_printf(b, "%s%.5s %s", plans[slot].trunk, nsn, nsn + 5);
		break;
	case 4: buf_printf(b, "%.5s-%s", nsn, nsn + 5); break;
	default: buf_printf(b, "(+%s) %s", cc, nsn); break;
	}
}

const char *const handle_platforms[NPLATFORMS] = { "instagram", "x", "tiktok",
						   "telegram", "facebook" };
static const char *const mails[] = { "gmail.com", "yahoo.com", "outlook.com",
				     "rediffmail.com", "proton.me" };
static const char *const tlds[] = {
	"in", "com", "com.np", "lk", "com.bd", "net"
};
static const char *const psps[] = { "okaxis",	  "ybl",   "paytm",
				    "okhdfcbank", "oksbi", "ibl" };
static const char *const firsts[] = { "103", "106", "117", "122",
				      "182", "202", "27",  "49" };
static const char *const jobs[] = { "hotel staff",     "housemaids",
				    "drivers",	       "dancers",
				    "nurses",	       "spa therapists",
				    "security guards", "models" };
static const char *const cities[] = { "Dubai", "Qatar",	 "Malaysia", "Kuwait",
				      "Oman",  "Riyadh", "Bahrain",  "Bangkok" };

/* Upper-cases the first letter of s. */
static void
cap(char *s)
{
	if (*s >= 'a' && *s <= 'z')
		*s = (char)(*s - 32);
}

static void
upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 32);
}

/*
 * Writes value rank of type t in form f into b (reset), and its qualifier
 * into *q.  Distinct ranks are distinct values; every form of one rank
 * normalises to one key.
 */
void
value_of(struct buf *b, enum intel_type t, uint64_t rank, int f,
	 const char *region, const char **q)
{
	uint64_t x = scramble(rank), y;
	char s[128];

	buf_reset(b);
	*q = NULL;
	switch (t) {
	case INTEL_PHONE: phone(b, x, f, region); break;
	case INTEL_HANDLE:
		*q = handle_platforms[x % 5];
		y = x / 5;
		snprintf(s, sizeof(s), "%s%llu", words[y % 32],
			 (unsigned long long)(y / 32));
		if (f == 2 && x % 5 == 0) {
			cap(s);
			buf_printf(b, "https://www.instagram.com/%s/", s);
		} else {
			if (f == 1)
				cap(s);
			buf_printf(b, "%s%s", f == 0 ? "" : "@", s);
		}
		break;
	case INTEL_MESSAGING:
		y = x / 2;
		if (x % 2 == 0) {
			*q = "whatsapp";
			if (f == 1) {
				int slot = (int)(y / 10000000);

				buf_printf(b, "wa.me/%s%s%07d", plans[slot].cc,
					   plans[slot].prefix,
					   (int)(y % 10000000));
			} else {
				phone(b, y, 0, region);
			}
		} else {
			*q = "telegram";
			buf_printf(b, "%s%s%llujobs", f ? "t.me/" : "@",
				   words[y % 32], (unsigned long long)(y / 32));
		}
		break;
	case INTEL_EMAIL:
		y = x / 5;
		snprintf(s, sizeof(s), "%s%llu.%s@%s", words[y % 32],
			 (unsigned long long)(y / 1024), words2[(y / 32) % 32],
			 mails[x % 5]);
		if (f == 1)
			upper(strchr(s, '@'));
		buf_printf(b, f == 2 ? " %s " : "%s", s);
		break;
	case INTEL_URL:
		snprintf(s, sizeof(s), "%s-%s.%s", words2[x % 32],
			 words[(x / 32) % 32], tlds[(x / 1024) % 6]);
		if (f == 0) {
			cap(s);
			buf_printf(b, "https://%s/apply?id=%llu", s,
				   (unsigned long long)x);
		} else {
			buf_printf(b, "%s%s%s/apply?id=%llu",
				   f == 1 ? "HTTPS://" : "", s,
				   f == 1 ? ":443" : "", (unsigned long long)x);
		}
		break;
	case INTEL_DOMAIN:
		y = x / 6;
		snprintf(s, sizeof(s), "%s-%s%llu.%s", words[y % 32],
			 words2[(y / 32) % 32], (unsigned long long)(y / 1024),
			 tlds[x % 6]);
		if (f == 0)
			upper(s);
		buf_printf(b, f == 1 ? "www.%s" : f == 2 ? "%s." : "%s", s);
		break;
	case INTEL_UPI:
		y = x / 6;
		snprintf(s, sizeof(s), "%s%llu@%s", words[y % 32],
			 (unsigned long long)(y / 32), psps[x % 6]);
		if (f == 1)
			cap(s);
		else if (f == 2)
			upper(s);
		buf_printf(b, "%s", s);
		break;
	case INTEL_IP:
		y = x / 10;
		if (x % 10 < 8)
			buf_printf(b, "%s.%llu.%llu.%llu", firsts[y % 8],
				   (unsigned long long)((y / 8) >> 16 & 255),
				   (unsigned long long)((y / 8) >> 8 & 255),
				   (unsigned long long)((y / 8) & 255));
		else
			buf_printf(b,
				   f ? "2401:4900:%llx:%llx::1"
				     : "2401:4900:%llx:%llx:0:0:0:1",
				   (unsigned long long)(y >> 16),
				   (unsigned long long)(y & 0xffff));
		break;
	case INTEL_AD:
		snprintf(s, sizeof(s), "%s",
			 f == 2 ? "URGENT  HIRING" : "Urgent hiring");
		buf_printf(b,
			   "%s %s for %s, salary %llu per month, free visa "
			   "and ticket. Contact %s %s now.",
			   s, jobs[x % 8], cities[(x / 8) % 8],
			   (unsigned long long)(20000 + x / 64), words[x % 32],
			   words2[(x / 32) % 32]);
		if (f == 1)
			upper(b->p);
		break;
	case INTEL_NAME:
		snprintf(s, sizeof(s), "%s %s Test%llu (fictional)",
			 words[x % 32], words[(x / 32) % 32],
			 (unsigned long long)(x / 1024));
		if (f == 1) {
			cap(s);
			cap(strchr(s, ' ') + 1);
		} else if (f == 2) {
			upper(s);
		}
		buf_printf(b, "%s", s);
		break;
	default: die("a type the generator does not write");
	}
}

/* ---- Distinct values: (type, rank) -> key ---------------------------- */

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static uint32_t
intern(struct values *vs, const char *key, uint64_t simhash)
{
	size_t i = hash_str(key) & (vs->kcap - 1);

	while (vs->kslot[i]) {
		if (!strcmp(vs->keys[vs->kslot[i] - 1], key))
			return vs->kslot[i] - 1;
		i = (i + 1) & (vs->kcap - 1);
	}
	if (vs->nkeys == vs->keycap) {
		vs->keycap *= 2;
		vs->keys = xrealloc(vs->keys, vs->keycap * sizeof(*vs->keys));
		vs->simhash = xrealloc(vs->simhash,
				       vs->keycap * sizeof(*vs->simhash));
	}
	vs->keys[vs->nkeys] = xstrdup(key);
	vs->simhash[vs->nkeys] = simhash;
	vs->kslot[i] = (uint32_t)++vs->nkeys;
	return (uint32_t)vs->nkeys - 1;
}

/*
 * The value (type, rank), its key computed once from its first form
 * (untimed): a name's key is its blind index, as intel_indicators.c makes
 * it.
 */
struct value *
value_find(struct values *vs, const struct crypto_keyring *kr, int ti,
	   uint64_t rank, struct buf *b, struct buf *key)
{
	uint64_t tr = ((uint64_t)ti << 56 | rank) + 1;
	size_t i = (tr * 0x9e3779b97f4a7c15ULL >> 20) & (vs->cap - 1);
	enum intel_type t = types[ti].type;
	const char *q, *why = NULL;
	char blind[CRYPTO_INDEX_LEN];

	while (vs->v[i].tr && vs->v[i].tr != tr)
		i = (i + 1) & (vs->cap - 1);
	if (vs->v[i].tr)
		return &vs->v[i];
	if (++vs->n * 2 > vs->cap || vs->nkeys * 2 >= vs->kcap)
		die("too many distinct values: raise the tables' size");
	value_of(b, t, rank, 0, "IN", &q);
	if (!intel_normalise(t, b->p, q, "IN", key, &why)) {
		fprintf(stderr, "bench intel: %s %s: %s\n", intel_type_name(t),
			b->p, why);
		exit(1);
	}
	if (t == INTEL_NAME) {
		crypto_blind_index(kr, "intel.person_name", key->p, key->len,
				   blind);
		buf_reset(key);
		buf_printf(key, "%s", blind);
	}
	vs->v[i].tr = tr;
	vs->v[i].key_id =
		intern(vs, key->p, t == INTEL_AD ? intel_simhash(b->p) : 0);
	return &vs->v[i];
}

/* Draws a value of type ti: call centre, body or seen once. */
uint64_t
draw_rank(struct bench_rng *r, int ti, size_t reports, uint64_t *single)
{
	double body = 250000.0 * types[ti].permille / 1000 * (double)reports /
		      100000,
	       u = bench_rng_unit(r), x;

	if (u * 1000 < types[ti].cc)
		return (uint64_t)(exp(bench_rng_unit(r) * log(CC_VALUES + 1)) -
				  1);
	if (u < 0.28 + types[ti].cc / 1000.0)
		return SINGLE_BASE + (*single)++;
	if (body < 1)
		body = 1;
	x = 1 + bench_rng_unit(r) * (sqrt(body + 1) - 1);
	return CC_VALUES + (uint64_t)(x * x) - 1;
}

int
draw_type(struct bench_rng *r)
{
	int w[NTYPES];

	for (int i = 0; i < NTYPES; i++)
		w[i] = types[i].permille;
	return (int)weighted(r, w, NTYPES);
}

/* ---- The reports ---------------------------------------------------- */

static void
values_init(struct values *vs, size_t expect)
{
	vs->cap = 1;
	while (vs->cap < 4 * expect)
		vs->cap *= 2;
	vs->v = xcalloc(vs->cap, sizeof(*vs->v));
	vs->kcap = vs->cap;
	vs->kslot = xcalloc(vs->kcap, sizeof(*vs->kslot));
	vs->keycap = 1024;
	vs->keys = xmalloc(vs->keycap * sizeof(*vs->keys));
	vs->simhash = xmalloc(vs->keycap * sizeof(*vs->simhash));
}

void
generate(struct corpus *cp, const struct crypto_keyring *kr, size_t nreports)
{
	struct bench_rng r = { 20261130 };
	int ow[NORGS], sw[NITEMS(shares)];
	size_t total = PER_REPORT * nreports, at = 0;
	struct buf b, key;
	long long left;

	for (size_t i = 0; i < NORGS; i++)
		ow[i] = orgs[i].weight;
	for (size_t i = 0; i < NITEMS(shares); i++)
		sw[i] = shares[i].weight;
	buf_init(&b, 0);
	buf_init(&key, 0);
	values_init(&cp->vs, total);
	cp->nreports = nreports;
	cp->reports = xcalloc(nreports, sizeof(*cp->reports));
	cp->rows = xcalloc(total, sizeof(*cp->rows));
	left = (long long)total;
	for (size_t i = 0; i < nreports; i++) {
		struct report *rp = &cp->reports[i];
		long long n = 2 + (long long)(i * 7919 % 17), rest;

		rest = (long long)(nreports - i - 1);
		if (n > left - 2 * rest)
			n = left - 2 * rest; /* keep 2 for each after */
		if (n < left - 18 * rest)
			n = left - 18 * rest;
		if (i == nreports - 1)
			n = left;
		left -= n;
		rp->org = (uint8_t)weighted(&r, ow, NORGS);
		rp->share = (uint8_t)weighted(&r, sw, NITEMS(sw));
		rp->platform = (uint8_t)bench_rng_below(&r, 5);
		rp->first = (uint32_t)at;
		for (long long k = 0; k < n; k++) {
			struct row *x = &cp->rows[at];
			struct value *v;
			bool again;

			do {
				int ti = draw_type(&r);

				x->type = (uint8_t)ti;
				x->rank = draw_rank(&r, ti, nreports,
						    &cp->single[ti]);
				x->form = (uint8_t)bench_rng_below(
					&r, types[ti].forms);
				v = value_find(&cp->vs, kr, ti, x->rank, &b,
					       &key);
				x->key_id = v->key_id;
				again = false;
				for (uint32_t j = rp->first; j < at; j++)
					if (cp->rows[j].key_id == x->key_id &&
					    cp->rows[j].type == x->type)
						again = true;
			} while (again);
			at++;
		}
		rp->n = (uint32_t)(at - rp->first);
	}
	cp->nrows = at;
	buf_release(&b);
	buf_release(&key);
}

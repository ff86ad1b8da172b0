/*
 * bench/referrals' helper: the generated directory, the loaders and the
 * clients.
 *
 *   referrals fill DB DISTRICTS N VIEWER TOTAL
 *                        writes N services of a directory of TOTAL (their
 *                        locations, referrers and provider organisations)
 *                        straight into atip's tables in DB, with atip's own
 *                        insert statements, in one transaction, atip stopped;
 *                        organisation VIEWER may refer to a few confidential
 *                        places
 *   referrals api URL TOKEN DISTRICTS N TOTAL
 *                        adds N services through the API as the token's
 *                        organisation: POST /api/v1/locations,
 *                        POST /api/v1/services, PUT .../vacancies
 *   referrals search DB URL TOKEN ORG N
 *                        each directory query N times (after 5 warm-ups)
 *                        through the API as organisation ORG, each time
 *                        right after atip's own SVC_SEARCH / SVC_NEAR
 *                        statement run directly on DB (read-only) with the
 *                        same arguments; checks that both give the same
 *                        services in the same order, and prints the plan
 *                        of the statement behind any query above 50 ms
 *
 * Locations are spread over Nepal, India, Bangladesh and Sri Lanka: a
 * district of data/gazetteer/districts.tsv (the busy ones first), jittered
 * around a point of the district (a real one for the hubs, else one drawn
 * near its state or province) or, for a few, around the state or province
 * alone.  Shelters are mostly at confidential locations with a few
 * referrers.  Types, eligibility (genders, ages, nationalities), languages
 * (by state) and vacancies (recent for some, long ago for most) follow
 * Zipf-like (1/rank) skews drawn from a fixed sequence, so every run holds
 * the same directory (only "now" moves).  Names end in "(fictional)",
 * addresses and phones are made up: nothing here is a real place of
 * refuge.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "orgs/orgs_sql.h"
#include "services/services_sql.h"
#include "bench.h"

#define NITEMS(v) (sizeof(v) / sizeof(v[0]))

/* ---- the generated directory ---- */

#define PICK(v) (v[bench_zipf(NITEMS(v))])

/* A jitter of about +-r, denser near 0. */
static double
jitter(double r)
{
	return (bench_uniform() + bench_uniform() - 1) * r;
}

static const char *const countries[] = { "IN", "NP", "BD", "LK" };
static const double country_share[] = { 0.45, 0.30, 0.15, 0.10 };

/* States and provinces: a point inside, and how far districts spread. */
static const struct sub {
	const char *code;
	double lat, lon, spread;
	const char *lang; /* the language most services there speak */
} subs[] = {
	{ "NP-P1", 27.0, 87.3, 0.5, "ne" },
	{ "NP-P2", 26.8, 85.9, 0.4, "ne" },
	{ "NP-P3", 27.7, 85.4, 0.4, "ne" },
	{ "NP-P4", 28.3, 84.0, 0.5, "ne" },
	{ "NP-P5", 27.9, 83.0, 0.6, "ne" },
	{ "NP-P6", 29.2, 82.2, 0.6, "ne" },
	{ "NP-P7", 29.3, 80.8, 0.5, "ne" },
	{ "IN-AN", 11.7, 92.7, 0.5, "hi" },
	{ "IN-AP", 15.9, 79.7, 1.5, "te" },
	{ "IN-AR", 28.2, 94.7, 1.0, "hi" },
	{ "IN-AS", 26.2, 92.9, 1.2, "as" },
	{ "IN-BR", 25.1, 85.3, 1.2, "hi" },
	{ "IN-CH", 30.73, 76.78, 0.05, "hi" },
	{ "IN-CT", 21.3, 81.9, 1.5, "hi" },
	{ "IN-DH", 20.4, 72.9, 0.2, "gu" },
	{ "IN-DL", 28.65, 77.2, 0.12, "hi" },
	{ "IN-GA", 15.3, 74.1, 0.2, "kok" },
	{ "IN-GJ", 22.3, 71.2, 1.5, "gu" },
	{ "IN-HP", 31.9, 77.2, 0.8, "hi" },
	{ "IN-HR", 29.1, 76.1, 0.8, "hi" },
	{ "IN-JH", 23.6, 85.3, 1.0, "hi" },
	{ "IN-JK", 33.8, 74.9, 0.8, "ur" },
	{ "IN-KA", 15.3, 75.7, 1.5, "kn" },
	{ "IN-KL", 10.5, 76.3, 0.8, "ml" },
	{ "IN-LA", 34.2, 77.6, 0.8, "hi" },
	{ "IN-LD", 10.6, 72.6, 0.1, "ml" },
	{ "IN-MH", 19.6, 75.7, 1.8, "mr" },
	{ "IN-ML", 25.5, 91.4, 0.4, "en" },
	{ "IN-MN", 24.7, 93.9, 0.4, "mni" },
	{ "IN-MP", 23.5, 78.7, 2.0, "hi" },
	{ "IN-MZ", 23.2, 92.9, 0.4, "lus" },
	{ "IN-NL", 26.2, 94.6, 0.4, "en" },
	{ "IN-OR", 20.9, 84.8, 1.3, "or" },
	{ "IN-PB", 31.1, 75.3, 0.8, "pa" },
	{ "IN-PY", 11.9, 79.8, 0.1, "ta" },
	{ "IN-RJ", 27.0, 74.2, 2.0, "hi" },
	{ "IN-SK", 27.5, 88.5, 0.2, "ne" },
	{ "IN-TG", 17.9, 79.0, 1.0, "te" },
	{ "IN-TN", 11.1, 78.7, 1.3, "ta" },
	{ "IN-TR", 23.9, 91.9, 0.3, "bn" },
	{ "IN-UP", 26.8, 80.9, 2.0, "hi" },
	{ "IN-UT", 30.1, 79.0, 0.6, "hi" },
	{ "IN-WB", 23.0, 87.9, 1.0, "bn" },
	{ "BD-A", 22.4, 90.3, 0.3, "bn" },
	{ "BD-B", 22.7, 91.8, 0.6, "bn" },
	{ "BD-C", 23.8, 90.3, 0.5, "bn" },
	{ "BD-D", 22.8, 89.4, 0.5, "bn" },
	{ "BD-E", 24.4, 88.9, 0.5, "bn" },
	{ "BD-F", 25.7, 89.2, 0.5, "bn" },
	{ "BD-G", 24.7, 91.7, 0.4, "bn" },
	{ "BD-H", 24.8, 90.4, 0.4, "bn" },
	{ "LK-1", 6.9, 80.0, 0.2, "si" },
	{ "LK-2", 7.3, 80.7, 0.3, "si" },
	{ "LK-3", 6.2, 80.6, 0.3, "si" },
	{ "LK-4", 9.3, 80.4, 0.4, "ta" },
	{ "LK-5", 7.7, 81.6, 0.4, "ta" },
	{ "LK-6", 7.8, 80.0, 0.3, "si" },
	{ "LK-7", 8.3, 80.6, 0.4, "si" },
	{ "LK-8", 6.9, 81.2, 0.3, "si" },
	{ "LK-9", 6.7, 80.5, 0.3, "si" },
};

/* Districts where services cluster first (real points, jittered less). */
static const struct hub {
	const char *code;
	double lat, lon;
} hubs[] = {
	{ "NP-P3-kathmandu", 27.7172, 85.3240 },
	{ "IN-MH-mumbai-city", 18.9400, 72.8300 },
	{ "NP-P3-lalitpur", 27.6588, 85.3247 },
	{ "IN-DL-new-delhi", 28.6139, 77.2090 },
	{ "BD-13", 23.8103, 90.4125 }, /* Dhaka */
	{ "IN-WB-kolkata", 22.5726, 88.3639 },
	{ "NP-P3-sindhupalchok", 27.9512, 85.6846 },
	{ "LK-11", 6.9271, 79.8612 }, /* Colombo */
	{ "IN-MH-pune", 18.5204, 73.8567 },
	{ "NP-P3-makwanpur", 27.4280, 85.0300 },
	{ "IN-MH-mumbai-suburban", 19.1200, 72.8700 },
	{ "NP-P2-rautahat", 26.9800, 85.3000 },
	{ "BD-10", 22.3569, 91.7832 }, /* Chattogram */
	{ "IN-KA-bengaluru-urban", 12.9716, 77.5946 },
	{ "NP-P1-morang", 26.6700, 87.4600 },
	{ "IN-TG-hyderabad", 17.3850, 78.4867 },
	{ "NP-P3-bhaktapur", 27.6710, 85.4298 },
	{ "NP-P7-kailali", 28.7000, 80.9000 },
	{ "IN-TN-chennai", 13.0827, 80.2707 },
	{ "BD-27", 22.8456, 89.5403 }, /* Khulna */
	{ "NP-P5-banke", 28.0500, 81.6200 },
	{ "IN-GJ-surat", 21.1702, 72.8311 },
	{ "LK-12", 7.0873, 79.9990 },  /* Gampaha */
	{ "BD-22", 23.1667, 89.2167 }, /* Jashore */
	{ "LK-21", 7.2906, 80.6337 },  /* Kandy */
};

struct district {
	char code[64], name[64];
	const struct sub *sub;
	double lat, lon, spread;
};

/* The districts of each country, hubs first. */
static struct {
	struct district *d;
	size_t n;
} gaz[NITEMS(countries)];

static const struct sub *
sub_of(const char *code)
{
	for (size_t i = 0; i < NITEMS(subs); i++)
		if (!strcmp(subs[i].code, code))
			return &subs[i];
	return NULL;
}

static void
gaz_add(size_t c, const char *sub, const char *code, const char *name)
{
	struct district *d;
	const struct sub *s = sub_of(sub);

	for (size_t i = 0; i < gaz[c].n; i++)
		if (!strcmp(gaz[c].d[i].code, code)) { /* a hub: fill in */
			snprintf(gaz[c].d[i].name, sizeof(d->name), "%s", name);
			gaz[c].d[i].sub = s;
			return;
		}
	if (!s) {
		fprintf(stderr, "bench/referrals: no point for %s\n", sub);
		exit(1);
	}
	gaz[c].d = realloc(gaz[c].d, (gaz[c].n + 1) * sizeof(*d));
	d = &gaz[c].d[gaz[c].n++];
	memset(d, 0, sizeof(*d));
	snprintf(d->code, sizeof(d->code), "%s", code);
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->sub = s;
	/* A point of its own near the state's, fixed by the draw order. */
	d->lat = s->lat + jitter(s->spread);
	d->lon = s->lon + jitter(s->spread);
	d->spread = 0.15;
}

static void
gaz_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], country[8], sub[64], code[64], name[64];

	if (!f) {
		fprintf(stderr, "bench/referrals: cannot read %s\n", path);
		exit(1);
	}
	for (size_t h = 0; h < NITEMS(hubs); h++)
		for (size_t c = 0; c < NITEMS(countries); c++)
			if (!strncmp(hubs[h].code, countries[c], 2)) {
				struct district *d;

				gaz[c].d = realloc(gaz[c].d,
						   (gaz[c].n + 1) * sizeof(*d));
				d = &gaz[c].d[gaz[c].n++];
				memset(d, 0, sizeof(*d));
				snprintf(d->code, sizeof(d->code), "%s",
					 hubs[h].code);
				d->lat = hubs[h].lat;
				d->lon = hubs[h].lon;
				d->spread = 0.06;
			}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%7[^\t]\t%63[^\t]\t%63[^\t]\t%63[^\t\n]",
			   country, sub, code, name) == 4)
			for (size_t c = 0; c < NITEMS(countries); c++)
				if (!strcmp(country, countries[c]))
					gaz_add(c, sub, code, name);
	fclose(f);
	for (size_t c = 0; c < NITEMS(countries); c++)
		for (size_t i = 0; i < gaz[c].n; i++)
			if (!gaz[c].d[i].sub) {
				fprintf(stderr,
					"bench/referrals: %s is not in %s\n",
					gaz[c].d[i].code, path);
				exit(1);
			}
}

static size_t
pick_country(void)
{
	double x = bench_uniform();

	for (size_t c = 0; c < NITEMS(countries) - 1; c++)
		if ((x -= country_share[c]) < 0)
			return c;
	return NITEMS(countries) - 1;
}

/* Provider organisations: about one per 100 services, by country. */
static long norgs;

static void
org_id(long i, char out[40])
{
	snprintf(out, 40, "0b3e0000-0000-7000-8000-%012lx",
		 (unsigned long)i & 0xffffffffffffUL);
}

static size_t
org_country(long i)
{
	/* The same shares as the locations, in a fixed pattern. */
	static const size_t pattern[20] = { 0, 1, 0, 2, 0, 1, 0, 3, 0, 1,
					    0, 2, 1, 0, 1, 0, 2, 1, 3, 0 };

	return pattern[i % 20];
}

/* An organisation of country c, the first ones busier. */
static long
pick_org(size_t c)
{
	long n = 0, k, i;

	for (i = 0; i < norgs; i++)
		n += org_country(i) == c;
	k = (long)((double)n * bench_uniform() * bench_uniform());
	for (i = 0; i < norgs; i++)
		if (org_country(i) == c && k-- == 0)
			return i;
	return 0;
}

static const char *const words[] = {
	"Asha",	  "Maiti",  "Saathi",  "Shakti", "Sahara", "Prerna",
	"Jeevan", "Nari",   "Mukti",   "Sangam", "Disha",  "Udaan",
	"Nirmal", "Roshni", "Seva",    "Maitri", "Karuna", "Sneha",
	"Mitra",  "Ankur",  "Pragati", "Abhaya", "Nidan",  "Aarohan",
};

static const char *const types[] = {
	"psychosocial", "legal_aid",	  "shelter",
	"medical",	"livelihood",	  "helpline",
	"education",	"family_tracing", "repatriation",
};
static const char *const type_label[] = {
	"Counselling",	   "Legal Aid",	     "Shelter",
	"Health Post",	   "Skills Centre",  "Helpline",
	"Learning Centre", "Family Tracing", "Return Desk",
};

static const char *const genders[] = { "",
				       ",female,",
				       ",female,transgender,",
				       ",male,",
				       ",transgender,other,",
				       ",female,male," };
static const int ages[][2] = { { -1, -1 }, { 18, -1 }, { -1, 17 }, { 12, 17 },
			       { 18, 35 }, { 0, 11 },  { 16, 24 }, { 6, 14 } };

struct location {
	char id[40], org[40], name[128], address[128], city[64];
	const char *country;
	const struct sub *sub;
	const char *district; /* NULL: none given */
	int has_point;
	long long lat_e4, lon_e4;
	int confidential;
	char referrers[4][40];
	int nreferrers;
	char created[40];
};

struct service {
	char id[40], name[160], description[256];
	const char *type, *status;
	char email[64], phone[32], url[64];
	char genders[64], nationalities[64], languages[64];
	int min_age, max_age;
	long long capacity, vacancies; /* -1: none */
	long long vacancies_ago_s;     /* when they were said */
	char created[40];
};

static time_t now;

static void
rfc3339(double t, char out[40])
{
	time_t s = (time_t)t;
	struct tm tm;
	char day[24];

	gmtime_r(&s, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 40, "%s.%03uZ", day,
		 (unsigned)((t - (double)s) * 1000) % 1000u);
}

/* An id in the shape of atip's (UUID v7), from its creation time. */
static void
uuid7(double t, unsigned long n, char out[40])
{
	uint64_t ms = (uint64_t)(t * 1000);

	snprintf(out, 40, "%08llx-%04llx-7%03lx-8%03lx-%012llx",
		 (unsigned long long)(ms >> 16) & 0xffffffffu,
		 (unsigned long long)(ms & 0xffff), n & 0xfff,
		 (n >> 12) & 0xfff,
		 (unsigned long long)(bench_bits() & 0xffffffffffffull));
}

static unsigned long serial;

/* A location of country c (any when c < 0), in subdivision prefix sub. */
static void
gen_location(struct location *l, int c, const char *sub)
{
	size_t k = c >= 0 ? (size_t)c : pick_country();
	const struct district *d;
	double t = (double)now - bench_uniform() * 3 * 365 * 86400, lat, lon;

	do
		d = &gaz[k].d[bench_zipf(gaz[k].n)];
	while (sub && strncmp(d->code, sub, strlen(sub)));
	memset(l, 0, sizeof(*l));
	uuid7(t, ++serial, l->id);
	rfc3339(t, l->created);
	org_id(pick_org(k), l->org);
	l->country = countries[k];
	l->sub = d->sub;
	if (bench_uniform() < 0.92) { /* in a district */
		l->district = d->code;
		lat = d->lat + jitter(d->spread);
		lon = d->lon + jitter(d->spread);
	} else { /* somewhere in the state */
		lat = d->sub->lat + jitter(d->sub->spread);
		lon = d->sub->lon + jitter(d->sub->spread);
	}
	l->has_point = bench_uniform() < 0.96;
	l->lat_e4 = llround(lat * 10000);
	l->lon_e4 = llround(lon * 10000);
	snprintf(l->name, sizeof(l->name), "%s Centre, %s %lu (fictional)",
		 PICK(words), d->name, serial);
	snprintf(l->address, sizeof(l->address), "Ward %zu, %s Marg %zu",
		 1 + bench_below(32), PICK(words), 1 + bench_below(400));
	snprintf(l->city, sizeof(l->city), "%s", d->name);
}

/* Confidential: most shelters, a few others; some may refer there. */
static void
hide(struct location *l, int shelter, const char *viewer)
{
	l->confidential = bench_uniform() < (shelter ? 0.7 : 0.03);
	if (!l->confidential)
		return;
	for (int i = (int)bench_zipf(4); i > 0; i--) {
		char id[40];
		int dup = 0;

		org_id((long)bench_below((size_t)norgs), id);
		for (int k = 0; k < l->nreferrers; k++)
			dup |= !strcmp(l->referrers[k], id);
		if (!dup)
			snprintf(l->referrers[l->nreferrers++], 40, "%s", id);
	}
	/* The reader of the searches (Pune) may refer to some in India. */
	if (viewer && !strcmp(l->country, "IN") && bench_uniform() < 0.15)
		snprintf(l->referrers[l->nreferrers++], 40, "%s", viewer);
}

static void
add_lang(char *list, size_t size, const char *lang)
{
	char framed[16];
	size_t len = strlen(list);

	snprintf(framed, sizeof(framed), ",%s,", lang);
	if (strstr(list, framed))
		return;
	snprintf(list + len, size - len, "%s%s,", len ? "" : ",", lang);
}

static void
gen_service(struct service *s, const struct location *l, size_t type)
{
	static const char *const nats[] = {
		"", "=", ",NP,", ",NP,IN,BD,LK,", ",BD,", ",IN,", ",LK,"
	};
	static const char *const np_local[] = { "mai", "bho", "new", "tmg",
						"thr" };
	const char *nat = PICK(nats);
	const int *age = ages[bench_zipf(NITEMS(ages))];
	double t = (double)now - bench_uniform() * 3 * 365 * 86400;
	int shelter = !strcmp(types[type], "shelter");

	memset(s, 0, sizeof(*s));
	uuid7(t, ++serial, s->id);
	rfc3339(t, s->created);
	s->type = types[type];
	s->status = bench_uniform() < 0.95 ? "active" : "inactive";
	snprintf(s->name, sizeof(s->name), "%s %s, %s %lu (fictional)",
		 PICK(words), type_label[type], l->city, serial);
	snprintf(s->description, sizeof(s->description),
		 "A fictional %s service of the benchmark directory: walk-in "
		 "hours, referral by phone, interpreters on request.",
		 type_label[type]);
	if (bench_uniform() < 0.6)
		snprintf(s->email, sizeof(s->email),
			 "service-%lu@bench.invalid", serial);
	if (bench_uniform() < 0.8)
		snprintf(s->phone, sizeof(s->phone), "+977 1 4%06lu",
			 serial % 1000000);
	if (bench_uniform() < 0.3)
		snprintf(s->url, sizeof(s->url),
			 "https://bench.invalid/services/%lu", serial);
	snprintf(s->genders, sizeof(s->genders), "%s",
		 shelter && bench_uniform() < 0.5 ? ",female," : PICK(genders));
	if (!strcmp(nat, "="))
		snprintf(s->nationalities, sizeof(s->nationalities), ",%s,",
			 l->country);
	else
		snprintf(s->nationalities, sizeof(s->nationalities), "%s", nat);
	s->min_age = age[0];
	s->max_age = age[1];
	/* Languages: the state's, often English, Hindi or a local one. */
	add_lang(s->languages, sizeof(s->languages), l->sub->lang);
	if (!strcmp(l->country, "NP") && bench_uniform() < 0.2)
		add_lang(s->languages, sizeof(s->languages), PICK(np_local));
	if (!strcmp(l->country, "LK") && bench_uniform() < 0.3)
		add_lang(s->languages, sizeof(s->languages), "ta");
	if ((!strcmp(l->country, "IN") || !strcmp(l->country, "NP")) &&
	    bench_uniform() < 0.3)
		add_lang(s->languages, sizeof(s->languages), "hi");
	if (!strcmp(l->country, "IN") && bench_uniform() < 0.05)
		add_lang(s->languages, sizeof(s->languages), "ne");
	if (bench_uniform() < 0.5)
		add_lang(s->languages, sizeof(s->languages), "en");
	s->capacity = shelter		      ? 8 + (long long)bench_below(72)
		      : bench_uniform() < 0.3 ? 10 + (long long)bench_below(190)
					      : -1;
	s->vacancies = -1;
	if (bench_uniform() < 0.55) { /* said, recently or long ago */
		long long most = s->capacity >= 0 ? s->capacity : 20;

		s->vacancies =
			bench_uniform() < 0.3
				? 0
				: 1 + (long long)bench_below(
					      (size_t)(most < 10 ? most : 10));
		if (most == 0)
			s->vacancies = 0;
		s->vacancies_ago_s =
			bench_uniform() < 0.35
				? (long long)(bench_uniform() * 6 * 86400)
				: 8 * 86400 + (long long)(bench_uniform() *
							  900 * 86400);
	}
}

/* ---- SQLite ---- */

static const char *
sql_of(const struct db_stmt *s)
{
	return s->sqlite ? s->sqlite : s->sql;
}

static sqlite3_stmt *
prepare(sqlite3 *db, const struct db_stmt *s)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql_of(s), -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench/referrals: %s: %s\n", s->name,
			sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

/* Binds $i as atip does (by name); NULL binds SQL NULL. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	char name[8];
	int k;

	snprintf(name, sizeof(name), "$%d", i);
	if (!(k = sqlite3_bind_parameter_index(st, name)))
		return;
	if (s)
		sqlite3_bind_text(st, k, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, k);
}

static void
bind_int(sqlite3_stmt *st, int i, long long v)
{
	char name[8];
	int k;

	snprintf(name, sizeof(name), "$%d", i);
	if ((k = sqlite3_bind_parameter_index(st, name)))
		sqlite3_bind_int64(st, k, v);
}

static void
bind_opt(sqlite3_stmt *st, int i, long long v)
{
	if (v >= 0)
		bind_int(st, i, v);
	else
		bind_text(st, i, NULL);
}

static void
step(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "bench/referrals: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static const char *
empty_null(const char *s)
{
	return *s ? s : NULL;
}

static int
fill(const char *path, const char *districts, long n, long total,
     const char *viewer)
{
	sqlite3 *db;
	sqlite3_stmt *org, *loc, *ref, *svc, *vac;
	char id[40], name[128], key[128], created[40];
	long done = 0, nloc = 0, nref = 0, nvac = 0;
	double t0;

	norgs = total / 100 > 20 ? total / 100 : 20;
	now = time(NULL);
	gaz_load(districts);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench/referrals: cannot open %s\n", path);
		return 1;
	}
	/* The same settings as atip's connections. */
	sqlite3_exec(db,
		     "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
		     " PRAGMA synchronous=FULL;",
		     NULL, NULL, NULL);
	org = prepare(db, &orgs_sql[ORGS_INSERT]);
	loc = prepare(db, &services_sql[LOC_INSERT]);
	ref = prepare(db, &services_sql[LOC_REFERRER_INSERT]);
	svc = prepare(db, &services_sql[SVC_INSERT]);
	vac = prepare(db, &services_sql[SVC_VACANCIES]);
	t0 = bench_now_s();
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (long i = 0; i < norgs; i++) {
		size_t c = org_country(i);
		const struct district *d = &gaz[c].d[bench_zipf(gaz[c].n)];

		org_id(i, id);
		snprintf(name, sizeof(name),
			 "Bench %s Network %ld, %s (fictional)", PICK(words),
			 i + 1, d->name);
		for (size_t k = 0; k <= strlen(name); k++)
			key[k] = (char)(name[k] >= 'A' && name[k] <= 'Z'
						? name[k] - 'A' + 'a'
						: name[k]);
		rfc3339((double)now - 4 * 365 * 86400, created);
		bind_text(org, 1, id);
		bind_text(org, 2, name);
		bind_text(org, 3, key);
		bind_text(org, 4,
			  bench_uniform() < 0.6 ? "shelter" : "civil_society");
		bind_text(org, 5, countries[c]);
		bind_text(org, 6, d->sub->code);
		bind_text(org, 7, created);
		step(db, org);
	}
	while (done < n) {
		struct location l;
		struct service s;
		size_t k = 1 + bench_zipf(4), first = bench_zipf(NITEMS(types));

		gen_location(&l, -1, NULL);
		hide(&l, !strcmp(types[first], "shelter"), viewer);
		bind_text(loc, 1, l.id);
		bind_text(loc, 2, l.org);
		bind_text(loc, 3, l.name);
		bind_text(loc, 4, "");
		bind_text(loc, 5, l.address);
		bind_text(loc, 6, l.city);
		bind_text(loc, 7, l.country);
		bind_text(loc, 8, l.sub->code);
		bind_text(loc, 9, l.district);
		if (l.has_point) {
			bind_int(loc, 10, l.lat_e4);
			bind_int(loc, 11, l.lon_e4);
		} else {
			bind_text(loc, 10, NULL);
			bind_text(loc, 11, NULL);
		}
		bind_int(loc, 12, l.confidential);
		bind_text(loc, 13, l.created);
		step(db, loc);
		nloc++;
		for (int r = 0; r < l.nreferrers; r++) {
			bind_text(ref, 1, l.id);
			bind_text(ref, 2, l.referrers[r]);
			step(db, ref);
			nref++;
		}
		for (size_t j = 0; j < k && done < n; j++, done++) {
			size_t type = j ? bench_zipf(NITEMS(types)) : first;
			int placed;

			gen_service(&s, &l, type);
			/* Helplines mostly have no place. */
			placed = strcmp(s.type, "helpline") ||
				 bench_uniform() < 0.3;
			bind_text(svc, 1, s.id);
			bind_text(svc, 2, l.org);
			bind_text(svc, 3, placed ? l.id : NULL);
			bind_text(svc, 4, s.type);
			bind_text(svc, 5, s.name);
			bind_text(svc, 6, s.description);
			bind_text(svc, 7, s.status);
			bind_text(svc, 8, empty_null(s.email));
			bind_text(svc, 9, empty_null(s.phone));
			bind_text(svc, 10, empty_null(s.url));
			bind_text(svc, 11, s.genders);
			bind_text(svc, 12, s.nationalities);
			bind_text(svc, 13, s.languages);
			bind_opt(svc, 14, s.min_age);
			bind_opt(svc, 15, s.max_age);
			bind_opt(svc, 16, s.capacity);
			bind_text(svc, 17, s.created);
			step(db, svc);
			if (s.vacancies >= 0) {
				double at =
					(double)now - (double)s.vacancies_ago_s;

				rfc3339(at, created);
				bind_text(vac, 1, s.id);
				bind_int(vac, 2, s.vacancies);
				bind_text(vac, 3, created);
				step(db, vac);
				nvac++;
			}
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench/referrals: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_finalize(org);
	sqlite3_finalize(loc);
	sqlite3_finalize(ref);
	sqlite3_finalize(svc);
	sqlite3_finalize(vac);
	sqlite3_close(db);
	/* seconds, organisations, locations, referrers, services, vacancies */
	printf("%.3f %ld %ld %ld %ld %ld\n", bench_now_s() - t0, norgs, nloc,
	       nref, done, nvac);
	return 0;
}

/* ---- HTTP ---- */

static CURL *curl;
static struct curl_slist *auth, *auth_json;

static void
http_init(const char *token)
{
	char h[512];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	snprintf(h, sizeof(h), "Authorization: Bearer %s", token);
	auth = curl_slist_append(NULL, h);
	auth_json = curl_slist_append(NULL, h);
	auth_json =
		curl_slist_append(auth_json, "Content-Type: application/json");
	auth_json = curl_slist_append(auth_json, "Expect:");
}

/* method url (with JSON body when not NULL) into b; the status, 0 when it
 * failed. */
static long
request(const char *method, const char *url, json_t *body, struct bench_body *b)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	long status = 0;
	CURLcode rc;

	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (text) {
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, auth_json);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, auth);
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, bench_keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	if ((rc = curl_easy_perform(curl)) != CURLE_OK)
		fprintf(stderr, "bench/referrals: %s %s: %s\n", method, url,
			curl_easy_strerror(rc));
	else
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	free(text);
	return status;
}

/* A framed list ",a,b," as a JSON array. */
static json_t *
list_json(const char *framed)
{
	json_t *a = json_array();
	char buf[64], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", framed);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(p));
	return a;
}

static json_t *
opt_int(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *
opt_str(const char *s)
{
	return *s ? json_string(s) : json_null();
}

/* POST or PUT, expecting want; the answer's id into id when asked. */
static void
send_json(const char *method, const char *url, json_t *body, long want,
	  char id[40])
{
	struct bench_body b = { 0 };
	long status = request(method, url, body, &b);
	json_t *j;

	if (status != want || !(j = json_loads(b.p, 0, NULL))) {
		fprintf(stderr, "bench/referrals: %s %s answered %ld: %.500s\n",
			method, url, status, b.p ? b.p : "");
		exit(1);
	}
	if (id)
		snprintf(id, 40, "%s",
			 json_string_value(json_object_get(j, "id")));
	json_decref(j);
	json_decref(body);
	free(b.p);
}

static int
api(const char *url, const char *token, const char *districts, long n,
    long total)
{
	char link[1024], lid[40], sid[40];
	long done = 0, requests = 0;
	double t0;

	norgs = total / 100 > 20 ? total / 100 : 20;
	now = time(NULL);
	bench_reseed(0x9e3779b97f4a7c15ull); /* not the fill's sequence */
	gaz_load(districts);
	http_init(token);
	t0 = bench_now_s();
	while (done < n) {
		struct location l;
		struct service s;
		size_t k = 1 + bench_zipf(4), first = bench_zipf(NITEMS(types));
		json_t *o, *refs = json_array();

		/* The token's organisation is in Maharashtra (Pune). */
		gen_location(&l, 0, "IN-MH");
		hide(&l, !strcmp(types[first], "shelter"), NULL);
		for (int r = 0; r < l.nreferrers; r++)
			json_array_append_new(refs,
					      json_string(l.referrers[r]));
		o = json_pack("{ss ss ss ss ss sb so}", "name", l.name,
			      "description", "", "address", l.address, "city",
			      l.city, "country", l.country, "confidential",
			      l.confidential, "referrers", refs);
		if (l.district)
			json_object_set_new(o, "district",
					    json_string(l.district));
		else
			json_object_set_new(o, "subdivision",
					    json_string(l.sub->code));
		if (l.has_point) {
			json_object_set_new(
				o, "latitude",
				json_real((double)l.lat_e4 / 10000));
			json_object_set_new(
				o, "longitude",
				json_real((double)l.lon_e4 / 10000));
		}
		snprintf(link, sizeof(link), "%s/api/v1/locations", url);
		send_json("POST", link, o, 201, lid);
		requests++;
		for (size_t j = 0; j < k && done < n; j++, done++) {
			size_t type = j ? bench_zipf(NITEMS(types)) : first;
			int placed;

			gen_service(&s, &l, type);
			placed = strcmp(s.type, "helpline") ||
				 bench_uniform() < 0.3;
			o = json_pack(
				"{ss ss ss ss so so so so so so so so so so}",
				"type", s.type, "name", s.name, "description",
				s.description, "status", s.status,
				"location_id",
				placed ? json_string(lid) : json_null(),
				"email", opt_str(s.email), "phone",
				opt_str(s.phone), "url", opt_str(s.url),
				"genders", list_json(s.genders),
				"nationalities", list_json(s.nationalities),
				"languages", list_json(s.languages),
				"minimum_age", opt_int(s.min_age),
				"maximum_age", opt_int(s.max_age), "capacity",
				opt_int(s.capacity));
			snprintf(link, sizeof(link), "%s/api/v1/services", url);
			send_json("POST", link, o, 201, sid);
			requests++;
			if (s.vacancies >= 0) { /* said now, through the API */
				snprintf(link, sizeof(link),
					 "%s/api/v1/services/%s/vacancies", url,
					 sid);
				send_json("PUT", link,
					  json_pack("{sI}", "vacancies",
						    (json_int_t)s.vacancies),
					  200, NULL);
				requests++;
			}
		}
	}
	/* seconds, services, requests */
	printf("%.3f %ld %ld\n", bench_now_s() - t0, done, requests);
	return 0;
}

/* ---- searches ---- */

static const struct query {
	const char *name, *query;
	const char *type, *country, *district, *gender, *language;
	int age, vacancy;
	double lat, lon; /* near, when lat or lon is not 0 */
	int page2;
} queries[] = {
	{ "no filter", "", NULL, NULL, NULL, NULL, NULL, -1, 0, 0, 0, 0 },
	{ "type=shelter", "type=shelter", "shelter", NULL, NULL, NULL, NULL, -1,
	  0, 0, 0, 0 },
	{ "type=shelter&country=IN&gender=female&age=16",
	  "type=shelter&country=IN&gender=female&age=16", "shelter", "IN", NULL,
	  "female", NULL, 16, 0, 0, 0, 0 },
	{ "district=NP-P3-kathmandu", "district=NP-P3-kathmandu", NULL, NULL,
	  "NP-P3-kathmandu", NULL, NULL, -1, 0, 0, 0, 0 },
	{ "language=ne&vacancy=true", "language=ne&vacancy=true", NULL, NULL,
	  NULL, NULL, "ne", -1, 1, 0, 0, 0 },
	{ "near=27.7172,85.3240", "near=27.7172,85.3240", NULL, NULL, NULL,
	  NULL, NULL, -1, 0, 27.7172, 85.3240, 0 },
	{ "near=19.0760,72.8777&type=medical",
	  "near=19.0760,72.8777&type=medical", "medical", NULL, NULL, NULL,
	  NULL, -1, 0, 19.0760, 72.8777, 0 },
	{ "page 2 (next_cursor of no filter)", "", NULL, NULL, NULL, NULL, NULL,
	  -1, 0, 0, 0, 1 },
};

enum { LIMIT = 50, WARMUP = 5 };

/* Binds the query's arguments as services_search() does. */
static void
bind_query(sqlite3_stmt *st, const struct query *x, const char *viewer,
	   long long offset)
{
	char since[40] = "";

	sqlite3_reset(st);
	if (x->vacancy)
		rfc3339((double)time(NULL) - 7 * 86400, since);
	bind_text(st, 1, viewer);
	bind_text(st, 2, "");
	bind_text(st, 3, x->type ? x->type : "");
	bind_text(st, 4, x->country ? x->country : "");
	bind_text(st, 5, "");
	bind_text(st, 6, x->district ? x->district : "");
	bind_text(st, 7, x->gender ? x->gender : "");
	bind_int(st, 8, x->age);
	bind_text(st, 9, "");
	bind_text(st, 10, x->language ? x->language : "");
	bind_text(st, 11, since);
	bind_int(st, 12, LIMIT);
	bind_int(st, 13, offset);
	if (x->lat || x->lon) {
		long long w = llround(cos(x->lat * M_PI / 180) * 100);

		bind_int(st, 14, llround(x->lat * 10000));
		bind_int(st, 15, llround(x->lon * 10000));
		bind_int(st, 16, w > 0 ? w : 1);
	}
}

/* Runs st, reading every column of every row; the ids into ids. */
static long
run_direct(sqlite3_stmt *st, char (*ids)[40])
{
	long rows = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++)
			(void)sqlite3_column_text(st, c);
		if (ids && rows < LIMIT)
			snprintf(ids[rows], 40, "%s",
				 (const char *)sqlite3_column_text(st, 0));
		rows++;
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench/referrals: %s\n",
			sqlite3_errmsg(sqlite3_db_handle(st)));
		exit(1);
	}
	return rows;
}

static void
plan(sqlite3 *db, const char *sql)
{
	char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench/referrals: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("    %s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sqlite3_free(q);
}

static int
search(const char *path, const char *url, const char *token, const char *org,
       long n)
{
	sqlite3 *db;
	sqlite3_stmt *by_name, *near;
	double *direct = calloc((size_t)n, sizeof(double));
	double *http = calloc((size_t)n, sizeof(double));
	double p50[NITEMS(queries)][2];
	char link[1024], cursor[32] = "";
	static char ids[LIMIT][40];
	struct bench_body b = { 0 };
	double sum_d = 0, sum_h = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench/referrals: cannot open %s\n", path);
		return 1;
	}
	sqlite3_busy_timeout(db, 5000);
	by_name = prepare(db, &services_sql[SVC_SEARCH]);
	near = prepare(db, &services_sql[SVC_NEAR]);
	http_init(token);
	printf("| query | rows | direct p50 | direct p95 | atip p50 | atip "
	       "p95 | ratio p50 |\n|---|---|---|---|---|---|---|\n");
	for (size_t q = 0; q < NITEMS(queries); q++) {
		const struct query *x = &queries[q];
		sqlite3_stmt *st = x->lat || x->lon ? near : by_name;
		long long offset = x->page2 ? strtoll(cursor, NULL, 10) : 0;
		long rows = 0, items = -1;
		double d50, d95, h50, h95;

		snprintf(link, sizeof(link), "%s/api/v1/services%s%s%s%s", url,
			 *x->query || x->page2 ? "?" : "", x->query,
			 x->page2 ? "cursor=" : "", x->page2 ? cursor : "");
		/* One after the other, so that both see the same machine. */
		for (long i = -WARMUP; i < n; i++) {
			double t0 = bench_now_s(), t1;
			long status;
			json_t *j, *a;

			bind_query(st, x, org, offset);
			rows = run_direct(st, i == -WARMUP ? ids : NULL);
			t1 = bench_now_s();
			status = request("GET", link, NULL, &b);
			if (i >= 0) {
				direct[i] = (t1 - t0) * 1e3;
				http[i] = (bench_now_s() - t1) * 1e3;
			}
			if (status != 200 || !(j = json_loads(b.p, 0, NULL))) {
				fprintf(stderr,
					"bench/referrals: %s answered %ld: "
					"%.500s\n",
					link, status, b.p ? b.p : "");
				return 1;
			}
			a = json_object_get(j, "items");
			items = (long)json_array_size(a);
			if (i == -WARMUP) {
				/* The same services in the same order. */
				for (long k = 0; k < items && k < rows; k++)
					if (strcmp(json_string_value(json_object_get(
							   json_array_get(
								   a, (size_t)k),
							   "id")),
						   ids[k])) {
						fprintf(stderr,
							"bench/referrals: %s: "
							"item %ld differs\n",
							x->name, k);
						return 1;
					}
				if (q == 0) {
					const char *c = json_string_value(
						json_object_get(j,
								"next_cursor"));

					snprintf(cursor, sizeof(cursor), "%s",
						 c ? c : "");
				}
			}
			json_decref(j);
		}
		if (items != rows) {
			fprintf(stderr,
				"bench/referrals: %s: atip listed %ld "
				"services, the statement %ld\n",
				x->name, items, rows);
			return 1;
		}
		d50 = bench_percentile(direct, n, 0.50);
		d95 = bench_percentile(direct, n, 0.95);
		h50 = bench_percentile(http, n, 0.50);
		h95 = bench_percentile(http, n, 0.95);
		p50[q][0] = d50;
		p50[q][1] = h50;
		sum_d += d50;
		sum_h += h50;
		printf("| %s | %ld | %.2f ms | %.2f ms | %.2f ms | %.2f ms | "
		       "%.2f |\n",
		       x->name, rows, d50, d95, h50, h95, h50 / d50);
		fflush(stdout);
	}
	printf("ratio atip/direct, sum of the p50s: %.2f\n", sum_h / sum_d);
	/* Hot spots: the plan of each query slower than 50 ms. */
	for (int near_plan = 0; near_plan < 2; near_plan++) {
		int slow = 0;

		for (size_t q = 0; q < NITEMS(queries); q++)
			if ((queries[q].lat || queries[q].lon) == near_plan &&
			    p50[q][1] > 50)
				slow = 1;
		if (!slow)
			continue;
		printf("query plan of %s (a query above 50 ms uses it):\n",
		       near_plan ? "SVC_NEAR" : "SVC_SEARCH");
		plan(db,
		     sql_of(&services_sql[near_plan ? SVC_NEAR : SVC_SEARCH]));
	}
	sqlite3_finalize(by_name);
	sqlite3_finalize(near);
	sqlite3_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *use = "usage: referrals fill DB DISTRICTS N VIEWER TOTAL |"
			  " api URL TOKEN DISTRICTS N TOTAL |"
			  " search DB URL TOKEN ORG N\n";
	long n = argc > 2 ? strtol(argv[argc - 1], NULL, 10) : 0;

	if (argc == 7 && !strcmp(argv[1], "fill") && n > 0)
		return fill(argv[2], argv[3], strtol(argv[4], NULL, 10), n,
			    argv[5]);
	if (argc == 7 && !strcmp(argv[1], "api") && n > 0)
		return api(argv[2], argv[3], argv[4], strtol(argv[5], NULL, 10),
			   n);
	if (argc == 7 && !strcmp(argv[1], "search") && n > 0)
		return search(argv[2], argv[3], argv[4], argv[5], n);
	fputs(use, stderr);
	return 2;
}

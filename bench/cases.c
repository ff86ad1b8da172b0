/*
 * bench/cases' helper: the generated file, the reference and the clients.
 *
 *   cases gen N DISTRICTS OUT    writes N fictional cases as HTCDS rows
 *                                    (atip's import format) to the CSV OUT
 *   cases ref DB CSV             the reference: the same rows into plain
 *                                    tables of a new SQLite file DB, in one
 *                                    transaction, timed (parse included)
 *   cases import URL TOKEN CSV N uploads CSV to POST /api/v1/cases/
 *                                    imports, polls the job until it ends,
 *                                    checks that N cases came in, no errors
 *   cases list DB URL TOKEN ORG COUNTRY N
 *                                    N requests of each list query through
 *                                    the API, and atip's own CASE_LIST
 *                                    statement run N times directly on DB
 *
 * Each case: a case row, one victim, a perpetrator in about 3 cases out of
 * 10, and two trafficking events of the victim (recruitment, mostly in
 * Nepal; exploitation in India), with districts of the gazetteer.  Values
 * are drawn with a Zipf-like (1/rank) skew, from a fixed sequence, so every
 * run holds the same file.  Names are "Test-<n> (fictional)", phones
 * +97798000xxxxx: nothing here is a real person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "cases/cases_sql.h"
#include "bench.h"

#define NITEMS(v) (sizeof(v) / sizeof(v[0]))

/* ---- the generated file ---- */

#define PICK(v) (v[bench_zipf(NITEMS(v))])

static const char *const statuses[] = { "Active", "FollowUp", "Closed",
					"ClosedReferred" };
static const char *const genders[] = { "Feminine",
				       "Masculine",
				       "NonSpecifiedUnknown",
				       "TransgenderFeminine",
				       "NonConforming",
				       "TransgenderMasculine" };
static const char *const victim_ages[] = { "18-24", "12-17", "25-34",
					   "35-49", "0-11",  "50+" };
static const char *const trafficker_ages[] = { "25-34", "35-49", "18-24",
					       "50+" };
static const char *const tstatus[] = { "PossibleVictimOfTrafficking",
				       "ActualVictimOfTrafficking",
				       "NotAVictimOfTrafficking" };
static const char *const exploitations[] = {
	"ForcedLabour", "SexualExploitation", "ForcedCriminality",
	"ChildLabour",	"ForcedMarriage",     "ForcedBegging",
	"Servitude",	"OrganRemoval",	      "Other",
};
static const char *const recruitments[] = {
	"ThroughFriendsOrSocialEvents", "ThroughOnlineSocialNetworks",
	"ThroughFamilyOrFamilyEvents", "ThroughAnOnlineAdvertisement", "AtWork"
};
static const char *const controls[] = { "FalsePromises", "DebtBondage",
					"WithholdsDocuments", "PhysicalThreats",
					"PsychologicalAbuse" };
static const char *const roles[] = { "RecruiterOrIntermediary",
				     "BrokerTravelAgent", "Transporter",
				     "Exploiter" };
/* Countries of recruitment, most often Nepal; exploitation is in India. */
static const char *const origins[] = { "NP", "BD", "IN", "LK" };

/* Districts where cases cluster first, then the rest in gazetteer order. */
static const char *const hubs[] = {
	"NP-P3-kathmandu",	 "NP-P3-sindhupalchok",	  "NP-P3-makwanpur",
	"NP-P2-rautahat",	 "NP-P3-nuwakot",	  "NP-P1-morang",
	"NP-P7-kailali",	 "NP-P5-banke",		  "IN-MH-mumbai-city",
	"IN-DL-new-delhi",	 "IN-WB-kolkata",	  "IN-MH-pune",
	"IN-MH-mumbai-suburban", "IN-KA-bengaluru-urban", "IN-TG-hyderabad",
	"IN-GJ-surat",
};

struct districts {
	char (*code)[64];
	size_t n;
};

/* The districts of each country in origins[]: hubs first. */
static struct districts gaz[NITEMS(origins)];

static void
gaz_add(struct districts *d, const char *code)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->code[i], code))
			return;
	d->code = realloc(d->code, (d->n + 1) * sizeof(*d->code));
	snprintf(d->code[d->n++], sizeof(*d->code), "%s", code);
}

static void
gaz_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], country[8], sub[64], code[64];

	if (!f) {
		fprintf(stderr, "bench/cases: cannot read %s\n", path);
		exit(1);
	}
	for (size_t h = 0; h < NITEMS(hubs); h++)
		for (size_t c = 0; c < NITEMS(origins); c++)
			if (!strncmp(hubs[h], origins[c], 2))
				gaz_add(&gaz[c], hubs[h]);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%7[^\t]\t%63[^\t]\t%63[^\t]", country, sub,
			   code) == 3)
			for (size_t c = 0; c < NITEMS(origins); c++)
				if (!strcmp(country, origins[c]))
					gaz_add(&gaz[c], code);
	fclose(f);
	for (size_t c = 0; c < NITEMS(origins); c++)
		if (!gaz[c].n) {
			fprintf(stderr,
				"bench/cases: no district of %s in %s\n",
				origins[c], path);
			exit(1);
		}
}

static const char *const columns[] = {
	"atp_Record",
	"atp_CaseId",
	"atp_Id",
	"atp_CaseReference",
	"cas_Status",
	"cas_ReasonForCaseClosure",
	"prs_Gender",
	"atp_AgeBand",
	"prs_Citizenship",
	"vic_TraffickingStatus",
	"vic_MethodOfRecruitment",
	"vic_MethodsOfControl",
	"vic_TypeOfExploitation",
	"per_RoleInProcess",
	"prs_FirstName",
	"prs_MobilePhone",
	"hte_Type",
	"atp_PersonId",
	"hte_Country",
	"atp_District",
	"hte_Date",
};
enum { NCOLS = NITEMS(columns) };

static size_t
col(const char *name)
{
	for (size_t i = 0; i < NCOLS; i++)
		if (!strcmp(columns[i], name))
			return i;
	fprintf(stderr, "bench/cases: no column %s\n", name);
	exit(1);
}

static char cells[NCOLS][128];

static void
set(const char *name, const char *v)
{
	snprintf(cells[col(name)], sizeof(cells[0]), "%s", v);
}

/* One to two distinct values of v, joined with ";". */
static void
set_some(const char *name, const char *const *v, size_t n, double second)
{
	size_t a = bench_zipf(n), b = bench_zipf(n);
	char out[128];

	if (bench_uniform() < second && b != a)
		snprintf(out, sizeof(out), "%s;%s", v[a], v[b]);
	else
		snprintf(out, sizeof(out), "%s", v[a]);
	set(name, out);
}

static long nrows;

static void
emit(FILE *f)
{
	for (size_t i = 0; i < NCOLS; i++) {
		/* Nothing generated needs quoting. */
		fprintf(f, "%s%s", i ? "," : "", cells[i]);
		cells[i][0] = '\0';
	}
	fputc('\n', f);
	nrows++;
}

/* The day d days after 2019-01-01, as YYYY-MM-DD. */
static void
day(long d, char out[16])
{
	time_t t = 1546300800 + d * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static int
gen(long n, const char *districts, const char *path)
{
	FILE *f = fopen(path, "w");
	char id[32], vid[32], v[128], date[16];

	if (!f) {
		fprintf(stderr, "bench/cases: cannot write %s\n", path);
		return 1;
	}
	gaz_load(districts);
	for (size_t i = 0; i < NCOLS; i++)
		set(columns[i], columns[i]);
	emit(f);
	nrows = 0;
	for (long i = 1; i <= n; i++) {
		const char *status = PICK(statuses);
		size_t origin = bench_zipf(NITEMS(origins));
		long recruited = (long)(bench_uniform() * 6 * 365);

		snprintf(id, sizeof(id), "bench-%07ld", i);
		set("atp_Record", "case");
		set("atp_CaseId", id);
		set("atp_Id", id);
		snprintf(v, sizeof(v), "BENCH-%07ld", i);
		set("atp_CaseReference", v);
		set("cas_Status", status);
		if (!strncmp(status, "Closed", 6))
			set("cas_ReasonForCaseClosure",
			    "Fictional closure note of a generated case");
		emit(f);

		snprintf(vid, sizeof(vid), "bench-%07ld-v", i);
		set("atp_Record", "victim");
		set("atp_CaseId", id);
		set("atp_Id", vid);
		set("prs_Gender", PICK(genders));
		set("atp_AgeBand", PICK(victim_ages));
		set("prs_Citizenship", origins[origin]);
		set("vic_TraffickingStatus", PICK(tstatus));
		set("vic_MethodOfRecruitment", PICK(recruitments));
		set_some("vic_MethodsOfControl", controls, NITEMS(controls),
			 0.4);
		set_some("vic_TypeOfExploitation", exploitations,
			 NITEMS(exploitations), 0.25);
		snprintf(v, sizeof(v), "Test-%ld (fictional)", i);
		set("prs_FirstName", v);
		snprintf(v, sizeof(v), "+97798000%05ld", i % 100000);
		set("prs_MobilePhone", v);
		emit(f);

		if (bench_uniform() < 0.3) {
			snprintf(v, sizeof(v), "bench-%07ld-p", i);
			set("atp_Record", "perpetrator");
			set("atp_CaseId", id);
			set("atp_Id", v);
			set("prs_Gender", genders[bench_zipf(2)]);
			set("atp_AgeBand", PICK(trafficker_ages));
			set("prs_Citizenship", origins[origin]);
			set("per_RoleInProcess", PICK(roles));
			snprintf(v, sizeof(v), "Test-%ld-p (fictional)", i);
			set("prs_FirstName", v);
			emit(f);
		}

		for (int e = 0; e < 2; e++) {
			const struct districts *d = &gaz[e ? 2 : origin];

			snprintf(v, sizeof(v), "bench-%07ld-e%d", i, e + 1);
			set("atp_Record", "event");
			set("atp_CaseId", id);
			set("atp_Id", v);
			set("hte_Type", e ? "Exploitation" : "Recruitment");
			set("atp_PersonId", vid);
			set("hte_Country", e ? "IN" : origins[origin]);
			set("atp_District", d->code[bench_zipf(d->n)]);
			day(recruited +
				    (e ? 1 + (long)(bench_uniform() * 120) : 0),
			    date);
			set("hte_Date", date);
			emit(f);
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "bench/cases: cannot write %s\n", path);
		return 1;
	}
	printf("%ld\n", nrows);
	return 0;
}

/* ---- the reference ---- */

/* Plain tables: the columns of the file that each record fills. */
static const char *const ref_tables[3][16] = {
	{ "cases", "atp_Id", "atp_CaseReference", "cas_Status",
	  "cas_ReasonForCaseClosure" },
	{ "persons", "atp_Id", "atp_CaseId", "atp_Record", "prs_Gender",
	  "atp_AgeBand", "prs_Citizenship", "vic_TraffickingStatus",
	  "vic_MethodOfRecruitment", "vic_MethodsOfControl",
	  "vic_TypeOfExploitation", "per_RoleInProcess", "prs_FirstName",
	  "prs_MobilePhone" },
	{ "events", "atp_Id", "atp_CaseId", "atp_PersonId", "hte_Type",
	  "hte_Country", "atp_District", "hte_Date" },
};

struct ref {
	sqlite3 *db;
	sqlite3_stmt *st[3];
	size_t map[3][16]; /* file column of each statement parameter */
	char *cell[64];
	size_t ncells, ncols;
	char *head[64];
	long rows;
	int failed;
};

static void
ref_cell(void *s, size_t len, void *arg)
{
	struct ref *r = arg;

	if (r->ncells < 64)
		r->cell[r->ncells++] = strndup(s ? s : "", len);
}

static void
ref_row(int c, void *arg)
{
	struct ref *r = arg;
	int t = -1;

	(void)c;
	if (!r->ncells)
		return;
	if (!r->ncols) { /* the header */
		for (size_t i = 0; i < r->ncells; i++)
			r->head[i] = r->cell[i];
		r->ncols = r->ncells;
		r->ncells = 0;
		for (int k = 0; k < 3; k++)
			for (size_t p = 1; ref_tables[k][p]; p++) {
				r->map[k][p] = 64;
				for (size_t i = 0; i < r->ncols; i++)
					if (!strcmp(r->head[i],
						    ref_tables[k][p]))
						r->map[k][p] = i;
			}
		return;
	}
	if (!strcmp(r->cell[0], "case"))
		t = 0;
	else if (!strcmp(r->cell[0], "victim") ||
		 !strcmp(r->cell[0], "perpetrator"))
		t = 1;
	else if (!strcmp(r->cell[0], "event"))
		t = 2;
	if (t >= 0 && !r->failed) {
		sqlite3_stmt *st = r->st[t];

		sqlite3_reset(st);
		for (size_t p = 1; ref_tables[t][p]; p++) {
			size_t i = r->map[t][p];

			if (i < r->ncells && r->cell[i][0])
				sqlite3_bind_text(st, (int)p, r->cell[i], -1,
						  SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, (int)p);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "bench/cases: %s\n",
				sqlite3_errmsg(r->db));
			r->failed = 1;
		}
		r->rows++;
	}
	for (size_t i = 0; i < r->ncells; i++)
		free(r->cell[i]);
	r->ncells = 0;
}

static int
ref(const char *path, const char *csv)
{
	struct ref r = { 0 };
	struct csv_parser p;
	char sql[2048], buf[1 << 16];
	double t0, t1;
	size_t n;
	FILE *f;

	if (sqlite3_open(path, &r.db) != SQLITE_OK) {
		fprintf(stderr, "bench/cases: cannot open %s\n", path);
		return 1;
	}
	/* The same settings as atip's connections. */
	sqlite3_exec(r.db,
		     "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
		     " PRAGMA synchronous=FULL;",
		     NULL, NULL, NULL);
	for (int k = 0; k < 3; k++) {
		size_t len = 0, q = 0;

		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
					"CREATE TABLE %s (", ref_tables[k][0]);
		for (size_t c = 1; ref_tables[k][c]; c++)
			len += (size_t)snprintf(
				sql + len, sizeof(sql) - len, "%s%s TEXT%s%s",
				c > 1 ? ", " : "", ref_tables[k][c],
				c == 1 ? " PRIMARY KEY" : "",
				k && c == 2 ? " NOT NULL REFERENCES cases"
					    : "");
		if (k == 2)
			len += (size_t)snprintf(
				sql + len, sizeof(sql) - len,
				", FOREIGN KEY (atp_PersonId) REFERENCES "
				"persons");
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ");");
		if (k)
			snprintf(sql + len, sizeof(sql) - len,
				 "CREATE INDEX %s_case ON %s (atp_CaseId);",
				 ref_tables[k][0], ref_tables[k][0]);
		if (sqlite3_exec(r.db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "bench/cases: %s\n",
				sqlite3_errmsg(r.db));
			return 1;
		}
		len = (size_t)snprintf(sql, sizeof(sql),
				       "INSERT INTO %s VALUES (",
				       ref_tables[k][0]);
		for (size_t c = 1; ref_tables[k][c]; c++)
			len += (size_t)snprintf(sql + len, sizeof(sql) - len,
						"%s?%zu", q++ ? ", " : "", c);
		snprintf(sql + len, sizeof(sql) - len, ")");
		if (sqlite3_prepare_v2(r.db, sql, -1, &r.st[k], NULL) !=
		    SQLITE_OK) {
			fprintf(stderr, "bench/cases: %s\n",
				sqlite3_errmsg(r.db));
			return 1;
		}
	}
	if (!(f = fopen(csv, "rb"))) {
		fprintf(stderr, "bench/cases: cannot read %s\n", csv);
		return 1;
	}
	csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI);
	t0 = bench_now_s();
	sqlite3_exec(r.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_parse(&p, buf, n, ref_cell, ref_row, &r) != n) {
			fprintf(stderr, "bench/cases: %s\n",
				csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, ref_cell, ref_row, &r);
	if (r.failed ||
	    sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench/cases: the reference insert failed\n");
		return 1;
	}
	t1 = bench_now_s();
	fclose(f);
	csv_free(&p);
	for (int k = 0; k < 3; k++)
		sqlite3_finalize(r.st[k]);
	sqlite3_close(r.db);
	/* seconds, rows */
	printf("%.3f %ld\n", t1 - t0, r.rows);
	return 0;
}

/* ---- HTTP ---- */

static CURL *curl;
static struct curl_slist *auth;

static void
http_init(const char *token)
{
	char h[512];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	snprintf(h, sizeof(h), "Authorization: Bearer %s", token);
	auth = curl_slist_append(NULL, h);
}

/* GET url into b (emptied first); the status, 0 when it failed. */
static long
get(const char *url, struct bench_body *b)
{
	long status = 0;
	CURLcode rc;

	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, auth);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, bench_keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	if ((rc = curl_easy_perform(curl)) != CURLE_OK) {
		fprintf(stderr, "bench/cases: GET %s: %s\n", url,
			curl_easy_strerror(rc));
		return 0;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static int
import(const char *url, const char *token, const char *path, long expect)
{
	struct bench_body b = { 0 };
	struct curl_slist *h;
	char link[1024], *file;
	long status = 0, size, polls = 0, unavailable = 0;
	double t0, t1, shown, poll_sum = 0, poll_max = 0;
	json_t *j = NULL;
	FILE *f = fopen(path, "rb");

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(file = malloc((size_t)size + 1)) ||
	    fread(file, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "bench/cases: cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	http_init(token);
	h = curl_slist_append(NULL, auth->data);
	h = curl_slist_append(h, "Content-Type: text/csv");
	h = curl_slist_append(h, "Expect:");
	snprintf(link, sizeof(link), "%s/api/v1/cases/imports", url);
	t0 = shown = bench_now_s();
	curl_easy_setopt(curl, CURLOPT_URL, link);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, file);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, bench_keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(curl) != CURLE_OK ||
	    (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status),
	     status != 202) ||
	    !(j = json_loads(b.p, 0, NULL)) ||
	    !json_string_value(json_object_get(j, "id"))) {
		fprintf(stderr, "bench/cases: the upload answered %ld: %s\n",
			status, b.p ? b.p : "");
		return 1;
	}
	fprintf(stderr, "upload accepted in %.2f s\n", bench_now_s() - t0);
	snprintf(link, sizeof(link), "%s/api/v1/cases/imports/%s", url,
		 json_string_value(json_object_get(j, "id")));
	json_decref(j);
	free(file);
	for (;;) {
		const char *state;
		double t;

		usleep(200 * 1000);
		t = bench_now_s();
		status = get(link, &b);
		t = bench_now_s() - t;
		if (status == 503) { /* busy: asked to come back */
			unavailable++;
			continue;
		}
		if (status != 200 || !(j = json_loads(b.p, 0, NULL))) {
			fprintf(stderr, "bench/cases: %s answered: %s\n", link,
				b.p ? b.p : "");
			return 1;
		}
		polls++;
		poll_sum += t;
		if (t > poll_max)
			poll_max = t;
		state = json_string_value(json_object_get(j, "state"));
		if (state &&
		    (!strcmp(state, "done") || !strcmp(state, "failed")))
			break;
		if (bench_now_s() - shown >= 30) {
			long done = (long)json_integer_value(
				json_object_get(j, "cases_done"));

			fprintf(stderr, "  %s: %ld cases of %ld after %.0f s\n",
				state ? state : "?", done, expect,
				bench_now_s() - t0);
			shown = bench_now_s();
		}
		json_decref(j);
	}
	t1 = bench_now_s();
	fprintf(stderr,
		"polls: %ld answered 200 (mean %.1f ms, longest %.1f ms), "
		"%ld answered 503\n",
		polls, polls ? poll_sum * 1e3 / (double)polls : 0.0,
		poll_max * 1e3, unavailable);
	{
		const char *state =
			json_string_value(json_object_get(j, "state"));
		long imported = (long)json_integer_value(
			json_object_get(j, "imported"));
		json_t *errors = json_object_get(j, "errors");
		long rows = (long)json_integer_value(
			json_object_get(j, "rows_total"));

		if (strcmp(state, "done") || imported != expect ||
		    json_array_size(errors)) {
			char *s = json_dumps(j, JSON_COMPACT);

			fprintf(stderr,
				"bench/cases: the import ended %s with %ld of "
				"%ld cases: %.2000s\n",
				state, imported, expect, s);
			return 1;
		}
		/* seconds, rows, job start, job end */
		printf("%.3f %ld %s %s\n", t1 - t0, rows,
		       json_string_value(json_object_get(j, "created_at")),
		       json_string_value(json_object_get(j, "finished_at")));
	}
	json_decref(j);
	return 0;
}

/* ---- lists ---- */

static const struct query {
	const char *name, *query;
	const char *status, *exploitation, *gender, *age_band, *country, *flag;
	int page2;
} queries[] = {
	{ "no filter", "", NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "status=Active", "status=Active", "Active", NULL, NULL, NULL, NULL,
	  NULL, 0 },
	{ "exploitation=ForcedCriminality", "exploitation=ForcedCriminality",
	  NULL, "ForcedCriminality", NULL, NULL, NULL, NULL, 0 },
	{ "gender=Feminine&age_band=12-17", "gender=Feminine&age_band=12-17",
	  NULL, NULL, "Feminine", "12-17", NULL, NULL, 0 },
	{ "country=NP", "country=NP", NULL, NULL, NULL, NULL, "NP", NULL, 0 },
	{ "flag=Minor", "flag=Minor", NULL, NULL, NULL, NULL, NULL, "Minor",
	  0 },
	{ "page 2 (cursor)", "", NULL, NULL, NULL, NULL, NULL, NULL, 1 },
};

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	char name[8];
	int k;

	snprintf(name, sizeof(name), "$%d", i);
	if ((k = sqlite3_bind_parameter_index(st, name)))
		sqlite3_bind_text(st, k, s ? s : "", -1, SQLITE_TRANSIENT);
}

static int
list(const char *path, const char *url, const char *token, const char *org,
     const char *country, long n)
{
	sqlite3 *db;
	sqlite3_stmt *st, *gq;
	double *direct = calloc((size_t)n, sizeof(double));
	double *http = calloc((size_t)n, sizeof(double));
	char groups[4096] = "", cursor[64] = "", link[1024];
	struct bench_body b = { 0 };
	double sum_d = 0, sum_h = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db, cases_sql[CASE_LIST].sql, -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT COALESCE(group_concat(group_id), '')"
			       " FROM group_members WHERE org_id = ?1",
			       -1, &gq, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench/cases: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_busy_timeout(db, 5000);
	/* The viewer's sharing groups, as atip gives them to the list. */
	sqlite3_bind_text(gq, 1, org, -1, SQLITE_STATIC);
	if (sqlite3_step(gq) == SQLITE_ROW)
		snprintf(groups, sizeof(groups), "%s",
			 (const char *)sqlite3_column_text(gq, 0));
	sqlite3_finalize(gq);
	http_init(token);
	printf("| query | matches on page | direct p50 | direct p95 | atip "
	       "p50 | atip p95 | ratio p50 |\n|---|---|---|---|---|---|---|\n");
	for (size_t q = 0; q < NITEMS(queries); q++) {
		const struct query *x = &queries[q];
		long rows = 0, items = -1;
		double d50, d95, h50, h95;

		for (long i = -20; i < n; i++) { /* 20 warm-up requests */
			double t0 = bench_now_ms();

			sqlite3_reset(st);
			bind_text(st, 1, org);
			bind_text(st, 2, country);
			bind_text(st, 3, groups);
			bind_text(st, 4, x->status);
			bind_text(st, 5, x->exploitation);
			bind_text(st, 6, x->gender);
			bind_text(st, 7, x->age_band);
			bind_text(st, 8, x->country);
			bind_text(st, 9, x->flag);
			bind_text(st, 10, "");
			bind_text(st, 11, x->page2 ? cursor : "g");
			sqlite3_bind_int64(
				st, sqlite3_bind_parameter_index(st, "$12"),
				50);
			rows = 0;
			while (sqlite3_step(st) == SQLITE_ROW) {
				for (int c = 0; c < sqlite3_column_count(st);
				     c++)
					(void)sqlite3_column_text(st, c);
				rows++;
			}
			if (i >= 0)
				direct[i] = bench_now_ms() - t0;
		}
		snprintf(link, sizeof(link), "%s/api/v1/cases%s%s%s%s", url,
			 *x->query || x->page2 ? "?" : "", x->query,
			 x->page2 ? "cursor=" : "", x->page2 ? cursor : "");
		for (long i = -20; i < n; i++) {
			double t0 = bench_now_ms();
			long status = get(link, &b);
			json_t *j;

			if (i >= 0)
				http[i] = bench_now_ms() - t0;
			if (status != 200 || !(j = json_loads(b.p, 0, NULL))) {
				fprintf(stderr,
					"bench/cases: %s answered %ld: "
					"%.500s\n",
					link, status, b.p ? b.p : "");
				return 1;
			}
			items = (long)json_array_size(
				json_object_get(j, "items"));
			if (q == 0 && i == -20) {
				const char *c = json_string_value(
					json_object_get(j, "next_cursor"));

				snprintf(cursor, sizeof(cursor), "%s",
					 c ? c : "");
			}
			json_decref(j);
		}
		if (items != rows) {
			fprintf(stderr,
				"bench/cases: %s: atip listed %ld cases, the "
				"statement %ld\n",
				x->name, items, rows);
			return 1;
		}
		d50 = bench_percentile(direct, n, 0.50);
		d95 = bench_percentile(direct, n, 0.95);
		h50 = bench_percentile(http, n, 0.50);
		h95 = bench_percentile(http, n, 0.95);
		sum_d += d50;
		sum_h += h50;
		printf("| %s | %ld | %.2f ms | %.2f ms | %.2f ms | %.2f ms | "
		       "%.2f |\n",
		       x->name, rows, d50, d95, h50, h95, h50 / d50);
		fflush(stdout);
	}
	printf("ratio atip/direct, sum of the p50s: %.2f\n", sum_h / sum_d);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *use =
		"usage: cases gen N DISTRICTS OUT | ref DB CSV |"
		" import URL TOKEN CSV N | list DB URL TOKEN ORG COUNTRY N\n";
	long n = argc > 2 ? strtol(argv[argc - 1], NULL, 10) : 0;

	if (argc == 5 && !strcmp(argv[1], "gen")) {
		n = strtol(argv[2], NULL, 10);
		if (n > 0)
			return gen(n, argv[3], argv[4]);
	}
	if (argc == 4 && !strcmp(argv[1], "ref"))
		return ref(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "import") && n > 0)
		return import(argv[2], argv[3], argv[4], n);
	if (argc == 8 && !strcmp(argv[1], "list") && n > 0)
		return list(argv[2], argv[3], argv[4], argv[5], argv[6], n);
	fputs(use, stderr);
	return 2;
}

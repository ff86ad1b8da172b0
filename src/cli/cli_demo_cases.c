/*
 * The cases of `atip demo`: a shelter's cases with their route, timeline,
 * consent, plan and follow-ups (one overdue), a scam-compound case of the
 * Kathmandu unit shared with its country, a grant under consent, a
 * transfer waiting for an answer, and an earlier record of the same girl
 * in Kathmandu for the re-trafficking watch.  Every name, number and story is
 * fictional, and says so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "cli/cli.h"

enum { KTM, PUNE };

/* A date days from today (arena memory). */
static const char *
day(struct arena *a, int days)
{
	char d[11];

	time_day_add(days, d);
	return arena_strdup(a, d);
}

struct demo_cases {
	struct db_conn *c;
	struct arena *a;
	struct case_write w;
	struct case_record r;
	enum err e;
	char last[UUID_STR_LEN]; /* the entry added last */
};

/* JSON text made with printf, parsed: NULL (and e set) when not JSON. */
static json_t *
input(struct demo_cases *d, const char *fmt, va_list ap)
{
	char text[2048];
	json_t *in;

	vsnprintf(text, sizeof(text), fmt, ap);
	in = json_loads(text, 0, NULL);
	if (!in)
		d->e = ERR_INTERNAL;
	return in;
}

static void
open_case(struct demo_cases *d, const struct org *o, int level, const char *fmt,
	  ...)
{
	struct coord_share s = { .level = (enum access_level)level,
				 .tlp = TLP_AMBER };
	struct coord_errors errs = { 0 };
	va_list ap;
	json_t *in;

	if (d->e != ERR_OK)
		return;
	cases_release(&d->r);
	memcpy(s.owner_org, o->id, sizeof(s.owner_org));
	memcpy(s.owner_country, o->country, sizeof(s.owner_country));
	va_start(ap, fmt);
	in = input(d, fmt, ap);
	va_end(ap);
	if (in)
		d->e = cases_create(d->c, d->a, &d->w, &s, in, &d->r, &errs);
	json_decref(in);
}

/* Adds a person (kind "victim", "perpetrator") or an item ("event", ...). */
static void
add(struct demo_cases *d, const char *kind, const char *fmt, ...)
{
	struct coord_errors errs = { 0 };
	struct case_entry out = { 0 };
	enum case_item_kind k;
	va_list ap;
	json_t *in;

	if (d->e != ERR_OK)
		return;
	va_start(ap, fmt);
	in = input(d, fmt, ap);
	va_end(ap);
	if (!in)
		return;
	if (case_item_parse(kind, &k))
		d->e = cases_item_add(d->c, d->a, &d->w, &d->r, k, in, &out,
				      &errs);
	else
		d->e = cases_person_add(d->c, d->a, &d->w, &d->r, kind, in,
					&out, &errs);
	json_decref(in);
	json_decref(out.data);
	memcpy(d->last, out.id, sizeof(d->last));
}

enum err
cli_demo_cases(struct db_conn *c, const struct crypto_keyring *kr,
	       const struct org *orgs, const char *const *users)
{
	const char *investigator = users[2], *worker = users[3];
	struct arena a;
	struct demo_cases d = { .c = c, .a = &a, .e = ERR_OK };
	char victim[UUID_STR_LEN];
	static const int months[] = { 1, 3, 6, 12 };
	struct coord_errors errs = { 0 };

	arena_init(&a);
	d.w = (struct case_write){ .kr = kr,
				   .user_id = worker,
				   .may_write_personal = true };

	/* A girl rescued in Pune, recruited online in Nepal: going home. */
	open_case(&d, &orgs[PUNE], LEVEL_ORG,
		  "{\"reference\": \"PUNE-2026-014 (fictional)\","
		  " \"case_owner\": \"%s\"}",
		  worker);
	add(&d, "victim",
	    "{\"gender\": \"Feminine\", \"age_band\": \"12-17\","
	    " \"citizenship\": [\"NP\"],"
	    " \"trafficking_status\": \"ActualVictimOfTrafficking\","
	    " \"status_decided_by\": \"NGO\","
	    " \"relationship_to_trafficker\": \"Acquainted\","
	    " \"age_when_trafficked\": 15,"
	    " \"recruitment_methods\": [\"ThroughOnlineSocialNetworks\"],"
	    " \"recruitment_apps\": [\"Facebook\", \"WhatsApp\"],"
	    " \"control_methods\": [\"DebtBondage\", \"WithholdsDocuments\"],"
	    " \"exploitation_types\": [\"SexualExploitation\"],"
	    " \"first_name\": \"Sita (fictional)\","
	    " \"family_name\": \"Example\","
	    " \"father_name\": \"Ram Example (fictional)\","
	    " \"birth_year\": 2010, \"home_district\": \"Sindhupalchok\","
	    " \"mobile_phone\": \"+9779800000001\"}");
	memcpy(victim, d.last, sizeof(victim));
	/* The recruiter the demo's intel reports name (cli_demo_intel.c):
	 * intel finds this case by his number for Pune. */
	add(&d, "perpetrator",
	    "{\"gender\": \"Masculine\", \"roles\": "
	    "[\"RecruiterOrIntermediary\"], \"role_details\": \"Posed as a "
	    "film producer on social media (fictional).\","
	    " \"first_name\": \"Demo\", \"family_name\": \"Recruiter "
	    "(fictional)\", \"mobile_phone\": \"+919820001234\"}");
	add(&d, "event",
	    "{\"type\": \"Recruitment\", \"district\": "
	    "\"NP-P3-sindhupalchok\", \"date\": \"%s\", \"person_id\": \"%s\","
	    " \"description\": \"Offered a dancing job through a chat app "
	    "(fictional).\"}",
	    day(&a, -200), victim);
	add(&d, "event",
	    "{\"type\": \"Transit\", \"district\": \"IN-WB-darjeeling\","
	    " \"place\": \"Border crossing (fictional)\", \"date\": \"%s\"}",
	    day(&a, -195));
	add(&d, "event",
	    "{\"type\": \"Exploitation\", \"district\": \"IN-MH-pune\","
	    " \"date\": \"%s\", \"date_to\": \"%s\"}",
	    day(&a, -190), day(&a, -100));
	add(&d, "timeline",
	    "{\"type\": \"Rescue\", \"date\": \"%s\", \"by\": \"City police "
	    "raid (fictional)\"}",
	    day(&a, -100));
	add(&d, "timeline",
	    "{\"type\": \"ShelterAdmission\", \"date\": \"%s\", \"org_id\": "
	    "\"%s\"}",
	    day(&a, -99), orgs[PUNE].id);
	add(&d, "timeline",
	    "{\"type\": \"Counselling\", \"date\": \"%s\", \"notes\": "
	    "\"Weekly sessions; sleeping better (fictional).\"}",
	    day(&a, -80));
	add(&d, "consent",
	    "{\"person_id\": \"%s\", \"consent\": true, \"scopes\": "
	    "[\"DataStorage\", \"Sharing\", \"Referral\"], \"org_ids\": "
	    "[\"%s\"], \"purpose\": \"Repatriation and family tracing\","
	    " \"given_by\": \"Guardian\", \"valid_until\": \"%s\","
	    " \"best_interest\": \"Child welfare committee found return to "
	    "her mother safe (fictional).\"}",
	    victim, orgs[KTM].id, day(&a, 365));
	add(&d, "plan",
	    "{\"type\": \"Education\", \"person_id\": \"%s\", \"objectives\":"
	    " \"Back to school in grade 9 (fictional).\", \"planned_end\": "
	    "\"%s\"}",
	    victim, day(&a, 300));
	if (d.e == ERR_OK)
		d.e = cases_followups_schedule(c, &a, &d.w, &d.r, victim,
					       day(&a, -20), months, 4, &errs);
	if (d.e == ERR_OK)
		d.e = cases_grant(c, &a, &d.r, orgs[KTM].id,
				  "Repatriation and family tracing", NULL, 0,
				  NULL, worker, &errs);

	/* A man whose follow-up visit is overdue. */
	open_case(&d, &orgs[PUNE], LEVEL_ORG,
		  "{\"reference\": \"PUNE-2026-021 (fictional)\","
		  " \"status\": \"FollowUp\"}");
	add(&d, "victim",
	    "{\"gender\": \"Masculine\", \"age_band\": \"25-34\","
	    " \"citizenship\": [\"BD\"], \"trafficking_status\": "
	    "\"ActualVictimOfTrafficking\", \"exploitation_types\": "
	    "[\"ForcedLabour\"], \"forced_labour_industry\": "
	    "\"F_Construction\", \"first_name\": \"Rahim (fictional)\"}");
	memcpy(victim, d.last, sizeof(victim));
	add(&d, "event",
	    "{\"type\": \"Recruitment\", \"district\": \"BD-22\", \"date\": "
	    "\"%s\"}",
	    day(&a, -400));
	add(&d, "timeline", "{\"type\": \"Repatriation\", \"date\": \"%s\"}",
	    day(&a, -60));
	add(&d, "followup",
	    "{\"person_id\": \"%s\", \"due_on\": \"%s\", \"done_on\": \"%s\","
	    " \"outcome\": \"Safe\", \"notes\": \"Working at his uncle's shop "
	    "(fictional).\"}",
	    victim, day(&a, -30), day(&a, -29));
	add(&d, "followup", "{\"person_id\": \"%s\", \"due_on\": \"%s\"}",
	    victim, day(&a, -20));
	/* Kathmandu is asked to take it over. */
	if (d.e == ERR_OK)
		d.e = cases_transfer_request(c, &a, &d.r, orgs[KTM].id,
					     "He moved to Nepal (fictional).",
					     &errs);

	/* A year earlier the Kathmandu unit met the same girl at the border,
	 * her name written in Devanagari: the re-trafficking watch tells
	 * both organisations of a possible match, and nothing more. */
	d.w.user_id = investigator;
	open_case(&d, &orgs[KTM], LEVEL_ORG,
		  "{\"reference\": \"KTM-2025-031 (fictional)\","
		  " \"status\": \"FollowUp\"}");
	add(&d, "victim",
	    "{\"gender\": \"Feminine\", \"age_band\": \"12-17\","
	    " \"citizenship\": [\"NP\"], \"trafficking_status\": "
	    "\"PossibleVictimOfTrafficking\", \"exploitation_types\": "
	    "[\"Unknown\"], \"first_name\": \"सीता (fictional)\","
	    " \"family_name\": \"Example\","
	    " \"father_name\": \"राम Example (fictional)\","
	    " \"birth_year\": 2010, \"home_district\": \"सिन्धुपाल्चोक\","
	    " \"mobile_phone\": \"+9779800000001\"}");
	add(&d, "timeline",
	    "{\"type\": \"Rescue\", \"date\": \"%s\", \"by\": \"Border "
	    "checkpoint (fictional)\"}",
	    day(&a, -560));

	/* The Kathmandu unit's scam-compound case, shared with Nepal. */
	d.w.user_id = investigator;
	open_case(&d, &orgs[KTM], LEVEL_COUNTRY,
		  "{\"reference\": \"KTM-CYB-007 (fictional)\","
		  " \"risk_flags\": [\"TraffickedBefore\"]}");
	add(&d, "victim",
	    "{\"gender\": \"Masculine\", \"age_band\": \"18-24\","
	    " \"citizenship\": [\"NP\"], \"trafficking_status\": "
	    "\"PossibleVictimOfTrafficking\", \"exploitation_types\": "
	    "[\"ForcedCriminality\"], \"recruitment_apps\": [\"Telegram\"],"
	    " \"exploitation_apps\": [\"Telegram\", \"Other\"]}");
	add(&d, "event",
	    "{\"type\": \"Recruitment\", \"district\": \"NP-P3-kathmandu\","
	    " \"date\": \"%s\", \"description\": \"An IT job abroad "
	    "advertised in a chat group (fictional).\"}",
	    day(&a, -150));
	add(&d, "event",
	    "{\"type\": \"Exploitation\", \"country\": \"KH\", \"place\": "
	    "\"Online scam compound (fictional)\", \"date\": \"%s\"}",
	    day(&a, -140));
	cases_release(&d.r);
	arena_release(&a);
	return d.e != ERR_OK ? d.e : errs.n ? ERR_INVALID : ERR_OK;
}

/*
 * The intelligence of `atip demo`: a recruiter offering hotel work in the
 * Gulf, seen by the Kathmandu unit and by the Pune shelter.  The same
 * phone number written two ways, a Telegram channel, a UPI id for
 * "advance fees" and two near-identical job ads tie the reports together;
 * one is shared with every member (TLP GREEN), one stays in the shelter
 * (AMBER), one is for Nepal only and linked to the unit's scam-compound
 * case.  A preservation request went to Telegram.  Every number, handle,
 * name and story is fictional, and says so.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "intel/intel.h"

enum { KTM, PUNE };

/* The demo's Telegram channel, its recruiter's number and UPI id. */
#define CHANNEL "gulf_hotel_jobs_fictional"
#define UPI	"hoteljobs.fictional@okaxis"

/* Two versions of one job ad: a different salary, the rest the same. */
#define AD_HEAD "Urgent hiring girls for hotel work in Dubai, salary "
#define AD_TAIL                                                              \
	" per month, free visa and free air ticket, food and stay provided " \
	"by company. No experience needed, age 18 to 25 only. Interview "    \
	"this week in Kathmandu and Pune. Send photo and passport copy on "  \
	"Telegram, limited seats! (fictional)"

struct demo_intel {
	struct db_conn *c;
	struct arena *a;
	const struct crypto_keyring *kr;
	enum err e;
};

static const struct db_stmt case_by_reference = {
	"demo_intel_case",
	"SELECT id FROM cases WHERE owner_org = $1 AND reference = $2", NULL,
	NULL
};

/* The id of org's demo case reference into id ("" when not there). */
static void
find_case(struct demo_intel *d, const struct org *org, const char *reference,
	  char id[UUID_STR_LEN])
{
	struct db_arg args[2] = { db_text(org->id), db_text(reference) };
	struct db_rows rows;

	id[0] = '\0';
	if (d->e != ERR_OK)
		return;
	if (db_query(d->c, &case_by_reference, args, 2, &rows) != DB_OK) {
		db_rows_close(&rows);
		d->e = ERR_UNAVAILABLE;
		return;
	}
	if (db_next(&rows))
		snprintf(id, UUID_STR_LEN, "%s", db_col_text(&rows, 0));
	if (db_rows_close(&rows) != DB_OK)
		d->e = ERR_UNAVAILABLE;
}

/* A date days from today (arena memory). */
static const char *
day(struct arena *a, int days)
{
	char v[11];

	time_day_add(days, v);
	return arena_strdup(a, v);
}

/* Writes report in as user of org, with its indicators; out gets it. */
static void
report(struct demo_intel *d, const struct org *org, enum auth_role role,
       const char *user, const struct intel_report_input *in,
       const struct intel_indicator_input *ind, size_t nind,
       struct intel_report *out)
{
	struct access_actor actor = { .role = role,
				      .org_id = org->id,
				      .country = org->country };
	struct coord_share owner = { .level = LEVEL_ORG, .tlp = TLP_AMBER };
	struct coord_errors errs = { 0 };
	struct intel_indicator *added;
	size_t nadded;

	if (d->e != ERR_OK)
		return;
	memcpy(owner.owner_org, org->id, sizeof(owner.owner_org));
	memcpy(owner.owner_country, org->country, sizeof(owner.owner_country));
	d->e = intel_report_create(d->c, d->a, &actor, &owner, user, in, out,
				   &errs);
	if (d->e == ERR_OK && nind)
		d->e = intel_indicators_add(d->c, d->a, d->kr, out, user, NULL,
					    ind, nind, &added, &nadded, &errs);
	if (d->e == ERR_OK && errs.n)
		d->e = ERR_INVALID;
}

enum err
cli_demo_intel(struct db_conn *c, const struct crypto_keyring *kr,
	       const struct org *orgs, const char *const *users)
{
	const char *investigator = users[2], *worker = users[3];
	struct arena a;
	struct demo_intel d = { .c = c, .a = &a, .kr = kr, .e = ERR_OK };
	struct intel_report gulf, pune, upi, scam;
	struct intel_request q;
	struct coord_errors errs = { 0 };
	char case_id[UUID_STR_LEN];
	const char *cases[1] = { case_id };

	arena_init(&a);

	/* Kathmandu, shared with every member: the recruiter's channel. */
	{
		const char *places[] = { "NP", "AE" };
		const char *types[] = { "SexualExploitation", "ForcedLabour" };
		const char *platforms[] = { "telegram", "facebook" };
		const struct intel_report_input in = {
			.title = "Recruiter offering hotel jobs in the Gulf "
				 "(fictional)",
			.narrative =
				"Three young women from Sindhupalchok were "
				"offered hotel work in Dubai through a Telegram "
				"channel and asked for an advance fee. The "
				"recruiter's number is Indian. All of it is "
				"fictional.",
			.period_start = day(&a, -75),
			.period_end = day(&a, -30),
			.places = places,
			.nplaces = 2,
			.has_places = true,
			.exploitation = types,
			.nexploitation = 2,
			.has_exploitation = true,
			.platforms = platforms,
			.nplatforms = 2,
			.has_platforms = true,
			.reliability = "B",
			.credibility = 2,
			.handling = "H1",
			.level = "platform",
			.tlp = "GREEN",
		};
		const struct intel_indicator_input ind[] = {
			{ "phone", "+91 98200 01234", NULL,
			  "the recruiter's number (fictional)" },
			{ "handle", "@" CHANNEL, "telegram",
			  "the channel advertising the jobs" },
			{ "ad_text", AD_HEAD "50000" AD_TAIL, NULL,
			  "posted in the channel" },
			{ "person_name", "Demo Recruiter (fictional)", NULL,
			  "the name the recruiter gave" },
		};

		report(&d, &orgs[KTM], ROLE_INVESTIGATOR, investigator, &in,
		       ind, sizeof(ind) / sizeof(ind[0]), &gulf);
	}

	/* Pune, shared with every member: the same recruiter seen there. */
	{
		const char *places[] = { "IN-MH" };
		const char *types[] = { "SexualExploitation" };
		const char *platforms[] = { "telegram", "whatsapp" };
		const struct intel_report_input in = {
			.title = "Girls promised hotel work, recruited on "
				 "Telegram (fictional)",
			.narrative =
				"Two residents of the shelter were recruited "
				"through the same job ad and told to pay a "
				"'visa fee' by UPI before travelling. "
				"Fictional.",
			.period_start = day(&a, -60),
			.period_end = day(&a, -20),
			.places = places,
			.nplaces = 1,
			.has_places = true,
			.exploitation = types,
			.nexploitation = 1,
			.has_exploitation = true,
			.platforms = platforms,
			.nplatforms = 2,
			.has_platforms = true,
			.reliability = "C",
			.credibility = 2,
			.handling = "H2",
			.level = "platform",
			.tlp = "GREEN",
		};
		const struct intel_indicator_input ind[] = {
			{ "phone", "098200 01234", NULL,
			  "written in a survivor's notebook" },
			{ "handle", "https://t.me/" CHANNEL, "telegram", NULL },
			{ "upi", UPI, NULL, "the 'visa fee' was paid here" },
			{ "ad_text", AD_HEAD "60000" AD_TAIL, NULL,
			  "shown on a survivor's phone" },
		};

		report(&d, &orgs[PUNE], ROLE_CASE_WORKER, worker, &in, ind,
		       sizeof(ind) / sizeof(ind[0]), &pune);
	}

	/* Pune only, AMBER: where the money went. */
	{
		const char *places[] = { "IN-MH" };
		const struct intel_report_input in = {
			.title = "Advance fees paid to a UPI id (fictional)",
			.narrative = "Payments traced by the shelter's legal "
				     "aid team. Fictional.",
			.places = places,
			.nplaces = 1,
			.has_places = true,
			.reliability = "B",
			.credibility = 3,
			.handling = "H3",
			.handling_note =
				"Ask the shelter's director before any "
				"use (fictional).",
			.level = "org",
			.tlp = "AMBER",
		};
		const struct intel_indicator_input ind[] = {
			{ "upi", UPI, NULL, NULL },
			{ "bank_account", "SBIN0001234 000012345678", NULL,
			  "the account behind the UPI id (fictional)" },
		};

		report(&d, &orgs[PUNE], ROLE_CASE_WORKER, worker, &in, ind,
		       sizeof(ind) / sizeof(ind[0]), &upi);
	}

	/* Kathmandu, Nepal only: the scam compound, linked to its case. */
	find_case(&d, &orgs[KTM], "KTM-CYB-007 (fictional)", case_id);
	{
		const char *places[] = { "NP", "KH" };
		const char *types[] = { "ForcedCriminality" };
		const char *platforms[] = { "telegram" };
		const struct intel_report_input in = {
			.title = "IT jobs abroad advertised in a chat group "
				 "(fictional)",
			.narrative = "The same channel later advertised 'IT "
				     "jobs' that led to an online scam "
				     "compound. Fictional.",
			.period_start = day(&a, -160),
			.period_end = day(&a, -140),
			.places = places,
			.nplaces = 2,
			.has_places = true,
			.exploitation = types,
			.nexploitation = 1,
			.has_exploitation = true,
			.platforms = platforms,
			.nplatforms = 1,
			.has_platforms = true,
			.reliability = "A",
			.credibility = 2,
			.handling = "H0",
			.level = "country",
			.tlp = "AMBER",
			.case_ids = cases,
			.ncases = case_id[0] ? 1 : 0,
			.has_cases = true,
		};
		const struct intel_indicator_input ind[] = {
			{ "handle", "@" CHANNEL, "telegram", NULL },
			{ "url", "https://it-jobs-abroad.example.com/apply",
			  NULL, "the application form" },
		};

		report(&d, &orgs[KTM], ROLE_INVESTIGATOR, investigator, &in,
		       ind, sizeof(ind) / sizeof(ind[0]), &scam);
	}

	/* Kathmandu asked Telegram to preserve the channel's data. */
	if (d.e == ERR_OK) {
		const struct intel_request_input in = {
			.platform = "telegram",
			.kind = "preservation",
			.target = "Channel @" CHANNEL,
			.sent_on = day(&a, -25),
			.status = "sent",
			.reference = "DEMO-REQ-0001 (fictional)",
		};

		d.e = intel_request_create(c, &a, gulf.id, investigator, &in,
					   &q, &errs);
		if (d.e == ERR_OK && errs.n)
			d.e = ERR_INVALID;
	}
	arena_release(&a);
	return d.e;
}

/*
 * The coordination workspace of `atip demo`: member profiles, a regional
 * forum whose decisions became joint actions (one of them overdue), good
 * practices, a discussion with a mention, and the notifications they
 * raise.  All of it fictional, and named so.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "coord/coord.h"
#include "notify/notify.h"

enum { KTM, PUNE, COLOMBO, BORDER, SECRETARIAT };

/* An RFC 3339 time or a date, days from now (arena memory). */
static const char *
when(struct arena *a, int days, bool date_only)
{
	char t[TIME_RFC3339_LEN];

	time_rfc3339(time_now_ms() + (int64_t)days * 24 * 3600 * 1000, t,
		     sizeof(t));
	if (date_only)
		t[10] = '\0';
	else
		memcpy(t + 11, "04:15:00.000Z", 14); /* 10:00 in Kathmandu */
	return arena_strdup(a, t);
}

static struct coord_share
owner(const struct org *o)
{
	struct coord_share s = { .level = LEVEL_ORG, .tlp = TLP_AMBER };

	memcpy(s.owner_org, o->id, sizeof(s.owner_org));
	memcpy(s.owner_country, o->country, sizeof(s.owner_country));
	return s;
}

static const struct {
	const char *mandate, *areas, *services, *website;
	const char *works_in[4];
	const char *themes[3];
} profiles[] = {
	[KTM] = { "Investigates trafficking and online recruitment in the "
		  "Kathmandu valley; rescues and identifies victims "
		  "(fictional).",
		  "Kathmandu, Lalitpur, Bhaktapur, Sindhupalchok",
		  "Rescue operations; victim identification; cyber "
		  "investigation of recruitment ads",
		  "https://example.org/ktm-unit",
		  { "NP", "IN" },
		  { "prosecution", "protection" } },
	[PUNE] = { "Safe home for women and girls rescued from trafficking; "
		   "counselling, legal aid and return home (fictional).",
		   "Pune, Mumbai",
		   "Shelter beds; psychosocial care; legal aid; "
		   "repatriation support",
		   "https://example.org/pune-shelter",
		   { "IN", "NP", "BD" },
		   { "protection" } },
	[COLOMBO] = { "Documents labour exploitation of migrant workers and "
		      "trains recruiters on fair practice (fictional).",
		      "Colombo, Kandy",
		      "Research; training; policy advice",
		      "https://example.org/colombo-collective",
		      { "LK" },
		      { "prevention", "partnership" } },
	[BORDER] = { "Screens travellers at land crossings and refers "
		     "possible victims (fictional).",
		     "Benapole, Akhaura",
		     "Border screening; referrals",
		     "https://example.org/border-unit",
		     { "BD", "IN" },
		     { "prevention", "protection" } },
	[SECRETARIAT] = { "Convenes the regional forum and tracks its joint "
			  "actions (fictional).",
			  "South Asia",
			  "Secretariat of the platform",
			  "https://example.org/secretariat",
			  { "NP", "IN", "LK", "BD" },
			  { "partnership" } },
};

static enum err
demo_profiles(struct db_conn *c, struct arena *a, const struct org *orgs)
{
	const char *field, *why;
	enum err e = ERR_OK;

	for (int i = 0; e == ERR_OK && i <= SECRETARIAT; i++) {
		struct profile_input in = { profiles[i].mandate,
					    profiles[i].areas,
					    profiles[i].services,
					    profiles[i].website,
					    profiles[i].works_in,
					    0,
					    true,
					    profiles[i].themes,
					    0,
					    true };
		struct org_profile p;

		while (in.nworks_in < 4 && in.works_in[in.nworks_in])
			in.nworks_in++;
		while (in.nthemes < 3 && in.themes[in.nthemes])
			in.nthemes++;
		e = orgs_profile_set(c, a, orgs[i].id, 0, &in, &p, &field,
				     &why);
	}
	return e;
}

static const char *const forum_agenda[] = {
	"Cross-border referrals: what worked this year",
	"Online recruitment through job ads and chat apps",
	"Follow-up of survivors after return",
};

static const char *const practice_bodies[] = {
	"## Why\n\nSurvivors arrive frightened and exhausted. A peer who has "
	"been through the same meets them **within two hours** of arrival.\n\n"
	"## How\n\n1. The shelter calls the peer network.\n2. The peer "
	"explains the shelter's rules in the survivor's language.\n3. The "
	"case worker joins only once the survivor agrees.\n\n*Fictional "
	"example for the demo.*",
	"## Checklist\n\n- Travelling with someone who holds the documents?\n"
	"- Job offer from an unknown agency, no contract?\n- Told what to "
	"say at the counter?\n\nThree yes answers: screen privately and call "
	"the referral contact.\n\n*Fictional example for the demo.*",
	"Before departure, families can **verify a job offer**: call the "
	"licensing office, check the agency's registration number, and "
	"never pay a placement fee in cash.\n\n*Fictional example for the "
	"demo.*",
};

enum err
cli_demo_coord(struct db_conn *c, const struct org *orgs,
	       const char *const *users)
{
	/* users: the demo accounts in cli_db.c's order. */
	const char *padmin = users[0], *oadmin = users[1], *worker = users[3];
	struct coord_errors errs = { 0 };
	struct meeting forum, next;
	struct decision d1, d2;
	struct action x1, x2, x3;
	struct action_update u;
	struct practice p;
	struct comment cm, reply;
	struct arena a;
	enum err e;

	arena_init(&a);
	e = demo_profiles(c, &a, orgs);
	if (e == ERR_OK)
		e = orgs_focal_point(c, orgs[KTM].id, oadmin,
				     "Liaison officer for referrals");
	/* A forum the secretariat convened a fortnight ago. */
	if (e == ERR_OK) {
		struct coord_share s = owner(&orgs[SECRETARIAT]);
		const char *all[] = { orgs[KTM].id, orgs[PUNE].id,
				      orgs[COLOMBO].id, orgs[BORDER].id };
		struct meeting_input in = {
			.title = "Regional forum on cross-border referrals "
				 "(fictional)",
			.description = "Twice-yearly forum of the platform's "
				       "members.",
			.place = "Kathmandu and online",
			.online_url = "https://meet.example.org/forum",
			.minutes = "Members reviewed 14 cross-border referrals "
				   "(fictional figures). Two decisions were "
				   "taken.",
			.starts_at = when(&a, -14, false),
			.ends_at = when(&a, -14, false),
			.status = "held",
			.agenda = forum_agenda,
			.nagenda = 3,
			.has_agenda = true,
			.participants = all,
			.nparticipants = 4,
			.has_participants = true,
			.level = "platform",
			.tlp = "GREEN",
		};

		e = coord_meeting_create(c, &a, &s, padmin, &in, &forum, &errs);
	}
	if (e == ERR_OK)
		e = coord_decision_add(c, &a, forum.id,
				       "Members share one referral contact "
				       "sheet, kept current.",
				       padmin, &d1, &errs);
	if (e == ERR_OK)
		e = coord_decision_add(c, &a, forum.id,
				       "Border officials are trained to "
				       "identify victims, with the shelters.",
				       padmin, &d2, &errs);
	/* Its decisions became joint actions; one is overdue. */
	if (e == ERR_OK) {
		struct coord_share s = owner(&orgs[SECRETARIAT]);
		const char *countries[] = { "NP", "IN" };
		const char *partners[] = { orgs[PUNE].id };
		struct action_input in = {
			.title = "Publish a shared referral contact sheet",
			.description = "One sheet per country, reviewed "
				       "monthly.",
			.theme = "partnership",
			.lead_org = orgs[KTM].id,
			.priority = "high",
			.due_date = when(&a, 12, true),
			.status = "agreed",
			.decision_id = d1.id,
			.countries = countries,
			.ncountries = 2,
			.has_countries = true,
			.partners = partners,
			.npartners = 1,
			.has_partners = true,
			.level = "platform",
			.tlp = "GREEN",
		};

		e = coord_action_create(c, &a, &s, padmin, &in, &x1, &errs);
	}
	if (e == ERR_OK) {
		struct coord_share s = owner(&orgs[SECRETARIAT]);
		const char *countries[] = { "BD", "IN", "NP" };
		const char *partners[] = { orgs[PUNE].id, orgs[KTM].id };
		struct action_input in = {
			.title = "Train border officials on victim "
				 "identification",
			.theme = "protection",
			.lead_org = orgs[BORDER].id,
			.priority = "high",
			.due_date = when(&a, -5, true),
			.status = "in_progress",
			.decision_id = d2.id,
			.countries = countries,
			.ncountries = 3,
			.has_countries = true,
			.partners = partners,
			.npartners = 2,
			.has_partners = true,
			.level = "platform",
			.tlp = "GREEN",
		};

		e = coord_action_create(c, &a, &s, padmin, &in, &x2, &errs);
	}
	if (e == ERR_OK)
		e = coord_action_progress(c, &a, &x2, orgs[PUNE].id, worker,
					  "Shelter counsellors drafted the "
					  "training module.",
					  NULL, &u, &errs);
	if (e == ERR_OK) {
		struct coord_share s = owner(&orgs[KTM]);
		const char *countries[] = { "NP" };
		struct action_input in = {
			.title = "Hotline awareness in Sindhupalchok schools",
			.theme = "prevention",
			.lead_org = orgs[KTM].id,
			.priority = "medium",
			.due_date = when(&a, 40, true),
			.countries = countries,
			.ncountries = 1,
			.has_countries = true,
			.level = "country",
			.tlp = "AMBER",
		};

		e = coord_action_create(c, &a, &s, oadmin, &in, &x3, &errs);
	}
	/* A meeting to come, for the Kathmandu unit and its partners. */
	if (e == ERR_OK) {
		struct coord_share s = owner(&orgs[KTM]);
		const char *with[] = { orgs[PUNE].id, orgs[BORDER].id };
		struct meeting_input in = {
			.title = "Case conference: returns from Pune "
				 "(fictional)",
			.starts_at = when(&a, 9, false),
			.online_url = "https://meet.example.org/case-conf",
			.participants = with,
			.nparticipants = 2,
			.has_participants = true,
		};

		e = coord_meeting_create(c, &a, &s, oadmin, &in, &next, &errs);
	}
	for (int i = 0; e == ERR_OK && i < 3; i++) {
		static const char *const titles[] = {
			"Survivor peer counselling at intake",
			"A border screening checklist",
			"Verifying online job offers before departure",
		};
		static const char *const themes[] = { "protection",
						      "protection",
						      "prevention" };
		static const char *const summaries[] = {
			"A peer survivor meets each new arrival within two "
			"hours.",
			"Three questions that prompt a private screening.",
			"How families check a job offer before anyone "
			"leaves.",
		};
		const int from[] = { PUNE, BORDER, COLOMBO };
		const int author[] = { 3, 5, 4 };
		const char *tags[] = { i == 2 ? "online recruitment" : "intake",
				       "fictional" };
		struct coord_share s = owner(&orgs[from[i]]);
		struct practice_input in = {
			.title = titles[i],
			.summary = summaries[i],
			.body = practice_bodies[i],
			.source = "Demo data",
			.country = orgs[from[i]].country,
			.theme = themes[i],
			.published_on = when(&a, -30 * (i + 1), true),
			.tags = tags,
			.ntags = 2,
			.has_tags = true,
			.level = i == 1 ? "platform" : "public",
			.tlp = i == 1 ? "GREEN" : "CLEAR",
		};

		/* Each by someone of its organisation. */
		e = coord_practice_create(c, &a, &s, users[author[i]], &in, &p,
					  &errs);
	}
	/* A discussion on the forum, with a mention and a reply. */
	if (e == ERR_OK) {
		struct access_record r = coord_meeting_access(&forum);
		const char *mention[] = { orgs[PUNE].id };
		struct comment_input in = {
			.record_kind = "meeting",
			.record_id = forum.id,
			.body = "Could the Pune shelter share its intake "
				"checklist before the training?",
			.mention_orgs = mention,
			.nmention_orgs = 1,
		};

		e = coord_comment_add(c, &a, &r, &in, orgs[KTM].id, oadmin, &cm,
				      &errs);
		if (e == ERR_OK) {
			in.parent_id = cm.id;
			in.body = "Yes: it is in the library now.";
			in.nmention_orgs = 0;
			e = coord_comment_add(c, &a, &r, &in, orgs[PUNE].id,
					      worker, &reply, &errs);
		}
	}
	/* What their organisations were told of the actions. */
	for (int i = 0; e == ERR_OK && i < 2; i++) {
		const struct action *x = i ? &x2 : &x1;
		struct notify_event ev = { .event = "action.assigned",
					   .record_kind = "action",
					   .record_id = x->id,
					   .actor_org = orgs[SECRETARIAT].id,
					   .actor_user = padmin };

		for (size_t k = 0; e == ERR_OK && k < x->norgs; k++)
			e = notify_org(c, x->orgs[k], &ev);
	}
	arena_release(&a);
	if (e == ERR_INVALID && errs.n)
		fprintf(stderr, "atip: demo: %s %s\n", errs.v[0].field,
			errs.v[0].message);
	return e;
}

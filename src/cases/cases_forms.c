/*
 * What a case, its persons and items hold: the HTCDS v2.0 vocabulary
 * (data/htcds), with atip's additions marked "atp_".  Picklist values are
 * HTCDS value names; every picklist also takes "Unknown".
 */
#include <string.h>

#include "cases/cases.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const apps[] = {
	"Facebook", "Instagram", "WhatsApp", "Telegram", "FacebookMessenger",
	"Viber",    "SnapChat",	 "Line",     "4Sale",	 "WeChat",
	"QQ",	    "QZone",	 "TikTok",   "Twitter",	 "Other",
	NULL
};

static const char *const genders[] = { "Feminine",
				       "Masculine",
				       "TransgenderFeminine",
				       "TransgenderMasculine",
				       "NonConforming",
				       "NonSpecifiedUnknown",
				       NULL };

/* Age bands for statistics without a birth date. */
static const char *const age_bands[] = { "0-11",  "12-17", "18-24", "25-34",
					 "35-49", "50+",   NULL };

/* The identifying fields every person has (HTCDS prs_). */
#define PERSON_IDENTITY                                                          \
	{ "first_name", "prs_FirstName", CF_TEXT, CF_PERSONAL, NULL, 0, 0 },     \
		{ "middle_name",                                                 \
		  "prs_MiddleName",                                              \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "family_name",                                                 \
		  "prs_SecondName",                                              \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "father_name",                                                 \
		  "atp_FatherName",                                              \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "aliases", "atp_Aliases", CF_TEXTS, CF_PERSONAL, NULL, 0, 0 }, \
		{ "birth_year", "atp_BirthYear",                                 \
		  CF_INT,	CF_PERSONAL,                                     \
		  NULL,		1900,                                            \
		  2100 },                                                        \
		{ "home_district",                                               \
		  "atp_HomeDistrict",                                            \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "birth_date",                                                  \
		  "prs_Birthdate",                                               \
		  CF_DATE,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "identity_number",                                             \
		  "prs_IdentityNumber",                                          \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "email", "prs_Email", CF_EMAIL, CF_PERSONAL, NULL, 0, 0 },     \
		{ "home_phone",                                                  \
		  "prs_HomePhone",                                               \
		  CF_PHONE,                                                      \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "mobile_phone",                                                \
		  "prs_MobilePhone",                                             \
		  CF_PHONE,                                                      \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "mailing_street",                                              \
		  "prs_MailingStreet",                                           \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "mailing_city",                                                \
		  "prs_MailingCity",                                             \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "mailing_state",                                               \
		  "prs_MailingState",                                            \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
		{ "mailing_postal_code",                                         \
		  "prs_MailingPostalCode",                                       \
		  CF_TEXT,                                                       \
		  CF_PERSONAL,                                                   \
		  NULL,                                                          \
		  0,                                                             \
		  0 },                                                           \
	{                                                                        \
		"mailing_country", "prs_MailingCountry", CF_COUNTRY,             \
			CF_PERSONAL, NULL, 0, 0                                  \
	}

/* What every person has in the clear, for statistics. */
#define PERSON_PLAIN                                                               \
	{ "gender", "prs_Gender", CF_PICK, 0, genders, 0, 0 },                     \
		{ "age_band", "atp_AgeBand", CF_PICK, 0, age_bands, 0, 0 },        \
		{ "citizenship", "prs_Citizenship", CF_COUNTRIES, 0, NULL, 0, 0 }, \
		{ "primary_language",                                              \
		  "prs_PrimaryLanguage",                                           \
		  CF_TEXT,                                                         \
		  0,                                                               \
		  NULL,                                                            \
		  0,                                                               \
		  0 },                                                             \
		{ "marital_status",                                                \
		  "prs_MaritalStatus",                                             \
		  CF_PICK,                                                         \
		  0,                                                               \
		  LIST("Single", "Married", "Widowed", "Divorced",                 \
		       "Separated", "RegisteredPartnership"),                      \
		  0,                                                               \
		  0 },                                                             \
		{ "number_of_children",                                            \
		  "prs_NumberOfChildren",                                          \
		  CF_INT,                                                          \
		  0,                                                               \
		  NULL,                                                            \
		  0,                                                               \
		  30 },                                                            \
		{ "education",                                                     \
		  "prs_HighestLevelOfEducation",                                   \
		  CF_PICK,                                                         \
		  0,                                                               \
		  LIST("None", "EarlyChildhoodEducation", "PrimaryEducation",      \
		       "LowerSecondaryEducation", "UpperSecondaryEducation",       \
		       "PostSecondaryNonTertiaryEducation",                        \
		       "ShortCycleTertiaryEducation",                              \
		       "BachelorsOrEquivalentLevel",                               \
		       "MastersOrEquivalentLevel",                                 \
		       "DoctoralOrEquivalentLevel"),                               \
		  0,                                                               \
		  0 },                                                             \
	{                                                                          \
		"deceased", "prs_Deceased", CF_BOOL, 0, NULL, 0, 0                 \
	}

static const struct case_field case_fields[] = {
	{ "reference", "atp_CaseReference", CF_TEXT, 0, NULL, 0, 0 },
	{ "status", "cas_Status", CF_PICK, 0,
	  LIST("Active", "FollowUp", "Closed", "ClosedReferred"), 0, 0 },
	{ "closure_reason", "cas_ReasonForCaseClosure", CF_LONG, CF_PERSONAL,
	  NULL, 0, 0 },
	{ "case_owner", "cas_CaseOwner", CF_USER, 0, NULL, 0, 0 },
	{ "risk_flags", "atp_RiskFlags", CF_MULTI, 0,
	  LIST("TraffickedBefore", "Debt"), 0, 0 },
};

static const struct case_field victim_fields[] = {
	PERSON_PLAIN,
	{ "trafficking_status", "vic_TraffickingStatus", CF_PICK, 0,
	  LIST("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking",
	       "NotAVictimOfTrafficking"),
	  0, 0 },
	{ "status_decided_by", "vic_TraffickingStatusDecisionMakingOrg",
	  CF_PICK, 0,
	  LIST("Police", "NGO", "CourtOrProsecution",
	       "NonPoliceGovernmentalOrganization", "Other"),
	  0, 0 },
	{ "relationship_to_trafficker", "vic_RelationshipToTrafficker", CF_PICK,
	  0, LIST("Familial", "Acquainted", "Unaquainted"), 0, 0 },
	{ "age_when_trafficked", "vic_AgeWhenTrafficked", CF_INT, 0, NULL, 0,
	  120 },
	{ "recruitment_methods", "vic_MethodOfRecruitment", CF_MULTI, 0,
	  LIST("AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork",
	       "ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement",
	       "ThroughATelevisionAdvert", "ThroughANewspaperAdvert",
	       "ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents",
	       "Other"),
	  0, 0 },
	{ "recruitment_location", "vic_LocationOfRecruitment", CF_TEXT, 0, NULL,
	  0, 0 },
	{ "control_methods", "vic_MethodsOfControl", CF_MULTI, 0,
	  LIST("PhysicalThreats", "ThreatsLawEnforcement",
	       "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
	       "PhysicalAbuse", "SexualAbuse", "TakesEarnings",
	       "RestrictsFinancialAccess", "RestrictsMedicalCare",
	       "WithholdsNecessities", "PsychologicalAbuse",
	       "PsychoactiveSubstance", "ExcessiveWorkingHours",
	       "WithholdsDocuments", "Other"),
	  0, 0 },
	/* ForcedCriminality (scam compounds, drug running) is atip's. */
	{ "exploitation_types", "vic_TypeOfExploitation", CF_MULTI, 0,
	  LIST("ForcedLabour", "SexualExploitation", "ChildLabour",
	       "ForcedMarriage", "Servitude", "ForcedMilitaryByNonStateActors",
	       "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy",
	       "ForcedCriminality", "Other"),
	  0, 0 },
	{ "forced_labour_industry", "vic_ForcedLabourIndustry", CF_PICK, 0,
	  LIST("A_AgricultureForestryAndFishing", "B_MiningAndQuarrying",
	       "C_Manufacturing",
	       "D_ElectricityGasSteamAndAirConditioningSupply",
	       "E_WaterSupplySewerageWasteManagement", "F_Construction",
	       "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
	       "H_TransportationAndStorage",
	       "I_AccommodationAndFoodServiceActivities",
	       "J_InformationAndCommunication",
	       "K_FinancialAndInsuranceActivities", "L_RealEstateActivities",
	       "M_ProfessionalScientificAndTechnicalActivities",
	       "N_AdministrativeAndSupportServiceActivities",
	       "O_PublicAdministrationAndDefence", "P_Education",
	       "Q_HumanHealthAndSocialWorkActivities",
	       "R_ArtsEntertainmentAndRecreation", "S_OtherServiceActivities",
	       "T_ActivitiesOfHouseholdsAsEmployers",
	       "U_ActivitiesOfExtraterritorialOrganizations"),
	  0, 0 },
	{ "sex_exploitation_types", "vic_TypeOfSexExploitation", CF_MULTI, 0,
	  LIST("Prostitution", "Pornography", "RemoteInteractiveServices",
	       "PrivateSexualServices"),
	  0, 0 },
	{ "exploitation_location", "vic_LocationOfExploitation", CF_TEXT, 0,
	  NULL, 0, 0 },
	{ "recruitment_apps", "vic_RecruitmentWebsitesAndApps", CF_MULTI, 0,
	  apps, 0, 0 },
	{ "exploitation_apps", "vic_ExploitationWebsitesAndApps", CF_MULTI, 0,
	  apps, 0, 0 },
	{ "vulnerabilities", "vic_Vulnerabilities", CF_MULTI, 0,
	  LIST("Addiction", "SocialGroup", "Discrimination", "Poverty",
	       "DisabilityAndPhysicalHealth", "MentalHealth", "Migration",
	       "Homelessness", "AbuseSocialMedia", "AbusePhysical", "Education",
	       "WorkEnvironment"),
	  0, 0 },
	{ "vulnerability_details", "vic_DetailsOfVulnerabilities", CF_LONG,
	  CF_PERSONAL, NULL, 0, 0 },
	{ "agreement_to_manage_data", "vic_AgreementToManagePersonalData",
	  CF_BOOL, 0, NULL, 0, 0 },
	PERSON_IDENTITY,
};

static const struct case_field perpetrator_fields[] = {
	PERSON_PLAIN,
	{ "roles", "per_RoleInProcess", CF_MULTI, 0,
	  LIST("TravellingPartner", "Transporter", "RecruiterOrIntermediary",
	       "BrokerTravelAgent", "TransferredIndividual",
	       "HarbouredIndividual", "SoldIndividual", "BoughtIndividual",
	       "ReceivedIndividual", "ControlledIndividual", "Smuggler",
	       "Abuser", "Kidnapper", "Exploiter", "Other"),
	  0, 0 },
	{ "role_details", "per_RoleDetails", CF_LONG, CF_PERSONAL, NULL, 0, 0 },
	PERSON_IDENTITY,
};

static const struct case_field event_fields[] = {
	{ "type", "hte_Type", CF_PICK, CF_REQUIRED,
	  LIST("Recruitment", "Transit", "Exploitation"), 0, 0 },
	{ "person_id", "atp_PersonId", CF_PERSON, 0, NULL, 0, 0 },
	{ "country", "hte_Country", CF_COUNTRY, 0, NULL, 0, 0 },
	{ "subdivision", "hte_State", CF_SUBDIVISION, 0, NULL, 0, 0 },
	{ "district", "atp_District", CF_DISTRICT, 0, NULL, 0, 0 },
	{ "place", "hte_City", CF_TEXT, 0, NULL, 0, 0 },
	{ "date", "hte_Date", CF_DATE, 0, NULL, 0, 0 },
	{ "date_to", "atp_DateTo", CF_DATE, 0, NULL, 0, 0 },
	{ "description", "hte_Description", CF_LONG, CF_PERSONAL, NULL, 0, 0 },
};

static const struct case_field timeline_fields[] = {
	{ "type", "atp_TimelineType", CF_PICK, CF_REQUIRED,
	  LIST("Identification", "Rescue", "ShelterAdmission", "MedicalCare",
	       "Counselling", "PoliceStatement", "CourtHearing", "Repatriation",
	       "FamilyReintegration", "FollowUpVisit", "Other"),
	  0, 0 },
	{ "date", "atp_Date", CF_DATE, CF_REQUIRED, NULL, 0, 0 },
	{ "person_id", "atp_PersonId", CF_PERSON, 0, NULL, 0, 0 },
	{ "org_id", "atp_OrganisationId", CF_ORG, 0, NULL, 0, 0 },
	{ "by", "atp_By", CF_TEXT, 0, NULL, 0, 0 },
	{ "notes", "atp_Notes", CF_LONG, CF_PERSONAL, NULL, 0, 0 },
};

static const struct case_field consent_fields[] = {
	{ "person_id", "atp_PersonId", CF_PERSON, CF_REQUIRED, NULL, 0, 0 },
	{ "consent", "con_Consent", CF_BOOL, CF_REQUIRED, NULL, 0, 0 },
	{ "scopes", "atp_ConsentScopes", CF_MULTI, CF_REQUIRED,
	  LIST("Interview", "DataStorage", "Sharing", "Referral"), 0, 0 },
	{ "org_ids", "atp_ConsentOrganisations", CF_ORGS, 0, NULL, 0, 0 },
	{ "purpose", "atp_ConsentPurpose", CF_TEXT, 0, NULL, 0, 0 },
	{ "valid_until", "atp_ConsentUntil", CF_DATE, 0, NULL, 0, 0 },
	{ "given_by", "atp_ConsentGivenBy", CF_PICK, CF_REQUIRED,
	  LIST("Person", "Guardian", "CompetentAuthority"), 0, 0 },
	{ "best_interest", "atp_BestInterestDecision", CF_LONG, CF_PERSONAL,
	  NULL, 0, 0 },
};

static const struct case_field plan_fields[] = {
	{ "type", "spl_Type", CF_PICK, CF_REQUIRED,
	  LIST("Education", "Financial", "Health",
	       "LabourExploitationRehabilitation", "Legal", "Livelihood",
	       "RightsBasedTraining", "SexualExploitationRehabilitation",
	       "SocialCare"),
	  0, 0 },
	{ "person_id", "atp_PersonId", CF_PERSON, 0, NULL, 0, 0 },
	{ "objectives", "spl_Objectives", CF_LONG, CF_PERSONAL, NULL, 0, 0 },
	{ "action_plan", "spl_ActionPlan", CF_LONG, CF_PERSONAL, NULL, 0, 0 },
	{ "planned_end", "spl_PlannedEndDate", CF_DATE, 0, NULL, 0, 0 },
	{ "actual_end", "spl_ActualEndDate", CF_DATE, 0, NULL, 0, 0 },
};

static const struct case_field followup_fields[] = {
	{ "due_on", "atp_DueOn", CF_DATE, CF_REQUIRED, NULL, 0, 0 },
	{ "person_id", "atp_PersonId", CF_PERSON, 0, NULL, 0, 0 },
	{ "done_on", "atp_DoneOn", CF_DATE, 0, NULL, 0, 0 },
	{ "outcome", "atp_Outcome", CF_PICK, 0,
	  LIST("Safe", "AtRisk", "Unreachable", "ReTrafficked"), 0, 0 },
	{ "notes", "atp_Notes", CF_LONG, CF_PERSONAL, NULL, 0, 0 },
};

#define FORM(n, f)                             \
	{                                      \
		n, f, sizeof(f) / sizeof(f[0]) \
	}

const struct case_form case_forms[FORM_COUNT] = {
	[FORM_CASE] = FORM("case", case_fields),
	[FORM_VICTIM] = FORM("victim", victim_fields),
	[FORM_PERPETRATOR] = FORM("perpetrator", perpetrator_fields),
	[FORM_EVENT] = FORM("event", event_fields),
	[FORM_TIMELINE] = FORM("timeline", timeline_fields),
	[FORM_CONSENT] = FORM("consent", consent_fields),
	[FORM_PLAN] = FORM("plan", plan_fields),
	[FORM_FOLLOWUP] = FORM("followup", followup_fields),
};

const struct case_field *
case_field_find(enum case_form_id form, const char *name)
{
	const struct case_form *f = &case_forms[form];

	for (size_t i = 0; name && i < f->n; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

bool
case_pick_valid(const struct case_field *f, const char *v)
{
	if (!v)
		return false;
	if (!strcmp(v, "Unknown"))
		return true;
	for (const char *const *p = f->values; p && *p; p++)
		if (!strcmp(*p, v))
			return true;
	return false;
}

static const char *const item_names[ITEM_COUNT] = { "event", "timeline",
						    "consent", "plan",
						    "followup" };

const char *
case_item_name(enum case_item_kind k)
{
	return (unsigned)k < ITEM_COUNT ? item_names[k] : NULL;
}

bool
case_item_parse(const char *s, enum case_item_kind *out)
{
	for (int i = 0; s && i < ITEM_COUNT; i++)
		if (!strcmp(s, item_names[i])) {
			*out = (enum case_item_kind)i;
			return true;
		}
	return false;
}

enum case_form_id
case_item_form(enum case_item_kind k)
{
	return (enum case_form_id)(FORM_EVENT + (int)k);
}

/*
 * The tables that know every module: routes, job kinds, migrations.
 * Each later module adds its rows here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "access/access_http.h"
#include "audit/audit.h"
#include "audit/audit_http.h"
#include "auth/auth.h"
#include "auth/auth_http.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "cases/cases.h"
#include "cases/cases_http.h"
#include "coord/coord.h"
#include "coord/coord_http.h"
#include "files/files.h"
#include "files/files_http.h"
#include "notify/notify.h"
#include "notify/notify_http.h"
#include "ops/ops.h"
#include "intel/intel.h"
#include "intel/intel_http.h"
#include "intel/intel_sql.h"
#include "linkage/link_http.h"
#include "linkage/link_watch.h"
#include "referrals/referrals.h"
#include "referrals/referrals_http.h"
#include "services/services.h"
#include "services/services_http.h"
#include "orgs/orgs_http.h"
#include "orgs/orgs.h"

#ifndef ATIP_VERSION
#define ATIP_VERSION "0.1.0"
#endif

const char atip_version[] = ATIP_VERSION;

#define STATUS_SCHEMA                                     \
	"{\"type\":\"object\",\"required\":[\"status\"]," \
	"\"properties\":{\"status\":{\"type\":\"string\"}}}"

#define ORG_SCHEMA                                                     \
	"{\"type\":\"object\",\"required\":[\"id\",\"name\",\"type\"," \
	"\"country\",\"status\",\"version\"]}"
#define ORG_LIST_SCHEMA                                                  \
	"{\"type\":\"object\",\"required\":[\"items\"],\"properties\":{" \
	"\"items\":{\"type\":\"array\"},\"next_cursor\":{}}}"
#define ORG_INPUT_SCHEMA                                                     \
	"{\"type\":\"object\",\"required\":[\"name\",\"type\",\"country\"]," \
	"\"additionalProperties\":false,\"properties\":{"                    \
	"\"name\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"},"     \
	"\"country\":{\"type\":\"string\"},\"subdivision\":{\"type\":\"string\"}}}"

const struct http_route app_routes[] = {
	{ "GET", "/healthz", ops_healthz, HTTP_NO_LOG, NULL,
	  "Liveness: the process answers", "ops", STATUS_SCHEMA, NULL },
	{ "GET", "/readyz", ops_readyz, HTTP_DB | HTTP_NO_LOG, NULL,
	  "Readiness: the database answers (503 when it does not)", "ops",
	  STATUS_SCHEMA, NULL },
	{ "GET", "/metrics", ops_metrics, HTTP_LOCAL | HTTP_NO_LOG, NULL,
	  "Prometheus metrics (loopback only unless ATIP_METRICS_LOCAL=false)",
	  "ops", "{\"type\":\"string\"}", NULL },
	{ "GET", "/api/v1/ping", ops_ping, 0, NULL,
	  "A tiny answer through the whole stack", "ops", STATUS_SCHEMA, NULL },
	{ "POST", "/api/v1/ping", ops_echo, HTTP_BODY, NULL,
	  "Echoes the field echo as atip decoded it (UTF-8 checked, NFC)",
	  "ops",
	  "{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\"},"
	  "\"echo\":{}}}",
	  "{\"type\":\"object\",\"additionalProperties\":false,"
	  "\"properties\":{\"echo\":{}}}" },
	{ "POST", "/api/v1/session", auth_signin, HTTP_BODY | HTTP_DB, NULL,
	  "Sign in: sets the session cookie, returns the CSRF token", "session",
	  "{\"type\":\"object\",\"required\":[\"csrf_token\",\"user\"]}",
	  "{\"type\":\"object\",\"required\":[\"email\",\"password\"],"
	  "\"additionalProperties\":false,\"properties\":{"
	  "\"email\":{\"type\":\"string\"},"
	  "\"password\":{\"type\":\"string\"},"
	  "\"totp\":{\"type\":\"string\"}}}" },
	{ "DELETE", "/api/v1/session", auth_signout, HTTP_DB, "session",
	  "Sign out: ends the session", "session", NULL, NULL },
	{ "GET", "/api/v1/me", auth_me, HTTP_DB, "session",
	  "The signed-in user and their organisation's country", "session",
	  "{\"type\":\"object\",\"required\":[\"user\"]}", NULL },
	{ "GET", "/api/v1/orgs", orgs_http_list, HTTP_DB, "orgs.read",
	  "The member directory (filters: country, type, status, theme, works_in, q for words in name, mandate or services; format=htcds answers HTCDS v2.0 Organization records)",
	  "orgs", ORG_LIST_SCHEMA, NULL },
	{ "POST", "/api/v1/orgs", orgs_http_create, HTTP_BODY | HTTP_DB,
	  "orgs.admin", "Add a member organisation (platform admins)", "orgs",
	  ORG_SCHEMA, ORG_INPUT_SCHEMA },
	{ "GET", "/api/v1/orgs/{id}", orgs_http_get, HTTP_DB, "orgs.read",
	  "One member organisation", "orgs", ORG_SCHEMA, NULL },
	{ "PATCH", "/api/v1/orgs/{id}", orgs_http_update, HTTP_BODY | HTTP_DB,
	  "orgs.admin",
	  "Suspend or reactivate an organisation (platform admins); "
	  "suspension cuts its users off at once",
	  "orgs", ORG_SCHEMA,
	  "{\"type\":\"object\",\"required\":[\"status\",\"version\"],"
	  "\"properties\":{\"status\":{\"enum\":[\"active\",\"suspended\"]},"
	  "\"version\":{\"type\":\"integer\"}}}" },
	{ "GET", "/api/v1/orgs/{id}/profile", orgs_http_profile, HTTP_DB,
	  "orgs.read",
	  "A member's directory entry: mandate, countries and areas of work, "
	  "themes, services, focal points",
	  "orgs", "{\"type\":\"object\",\"required\":[\"org_id\"]}", NULL },
	{ "PUT", "/api/v1/orgs/{id}/profile", orgs_http_profile_set,
	  HTTP_BODY | HTTP_DB, "orgs.admin",
	  "Write your organisation's directory entry (org admins; version 0 "
	  "the first time)",
	  "orgs", "{\"type\":\"object\",\"required\":[\"org_id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "PUT", "/api/v1/me/focal-point", orgs_http_focal_set,
	  HTTP_BODY | HTTP_DB, "account",
	  "Agree to be listed as a focal point of your organisation", "orgs",
	  "{\"type\":\"object\"}",
	  "{\"type\":\"object\",\"required\":[\"title\"]}" },
	{ "DELETE", "/api/v1/me/focal-point", orgs_http_focal_unset, HTTP_DB,
	  "account", "Be listed as a focal point no more", "orgs", NULL, NULL },
	{ "PUT", "/api/v1/me/password", auth_password_http, HTTP_BODY | HTTP_DB,
	  "account", "Change your password; ends your other sessions",
	  "session", "{}",
	  "{\"type\":\"object\",\"required\":[\"current_password\","
	  "\"new_password\"]}" },
	{ "POST", "/api/v1/me/totp", auth_totp_enrol, HTTP_DB, "session",
	  "Start enrolling a second factor (TOTP): secret, otpauth URI, QR "
	  "code",
	  "session",
	  "{\"type\":\"object\",\"required\":[\"secret\",\"otpauth_uri\"]}",
	  NULL },
	{ "POST", "/api/v1/me/totp/confirm", auth_totp_confirm_http,
	  HTTP_BODY | HTTP_DB, "session",
	  "Finish enrolment with a code; answers one-time recovery codes",
	  "session", "{\"type\":\"object\",\"required\":[\"recovery_codes\"]}",
	  "{\"type\":\"object\",\"required\":[\"code\"],"
	  "\"properties\":{\"code\":{\"type\":\"string\"}}}" },
	{ "GET", "/api/v1/groups", orgs_groups_http_list, HTTP_DB, "groups",
	  "The sharing groups your organisation belongs to", "groups",
	  "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/groups", orgs_groups_http_create,
	  HTTP_BODY | HTTP_DB, "groups",
	  "Make a sharing group owned by your organisation (org admins)",
	  "groups", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
	  "\"name\":{\"type\":\"string\"},"
	  "\"hidden_members\":{\"type\":\"boolean\"}}}" },
	{ "POST", "/api/v1/groups/{id}/members", orgs_groups_http_add,
	  HTTP_BODY | HTTP_DB, "groups",
	  "Add an organisation to a group (the owner's org admins)", "groups",
	  "{\"type\":\"object\"}",
	  "{\"type\":\"object\",\"required\":[\"org_id\"]}" },
	{ "DELETE", "/api/v1/groups/{id}/members/{org_id}",
	  orgs_groups_http_remove, HTTP_DB, "groups",
	  "Remove an organisation from a group (the owner's org admins)",
	  "groups", "{\"type\":\"object\"}", NULL },
	{ "GET", "/api/v1/users", auth_users_http_list, HTTP_DB, "users.read",
	  "An organisation's users (query org_id; default: your own)", "users",
	  "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/users", auth_users_http_create, HTTP_BODY | HTTP_DB,
	  "users.admin",
	  "Add a user (org admins for their organisation, platform admins)",
	  "users", "{\"type\":\"object\",\"required\":[\"id\",\"email\"]}",
	  "{\"type\":\"object\",\"required\":[\"email\",\"name\",\"role\","
	  "\"password\"],\"additionalProperties\":false,\"properties\":{"
	  "\"org_id\":{\"type\":\"string\"},\"email\":{\"type\":\"string\"},"
	  "\"name\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"},"
	  "\"password\":{\"type\":\"string\"}}}" },
	{ "PATCH", "/api/v1/users/{id}", auth_users_http_update,
	  HTTP_BODY | HTTP_DB, "users.admin",
	  "Disable or enable a user (their org admins, platform admins); a "
	  "disabled user is cut off at once",
	  "users", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"active\",\"version\"],"
	  "\"properties\":{\"active\":{\"type\":\"boolean\"},"
	  "\"version\":{\"type\":\"integer\"}}}" },
	{ "POST", "/api/v1/users/{id}/reset", auth_users_http_reset,
	  HTTP_BODY | HTTP_DB, "users.admin",
	  "Reset a member's password and/or second factor (their org admins, "
	  "platform admins); ends their sessions",
	  "users", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"properties\":{\"password\":{\"type\":"
	  "\"string\"},\"reset_totp\":{\"type\":\"boolean\"}}}" },
	{ "GET", "/api/v1/tokens", auth_tokens_http_list, HTTP_DB, "tokens",
	  "Your API tokens (never the tokens themselves)", "tokens",
	  "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/tokens", auth_tokens_http_create,
	  HTTP_BODY | HTTP_DB, "tokens",
	  "Make an API token for Authorization: Bearer (shown once; from a "
	  "session only)",
	  "tokens", "{\"type\":\"object\",\"required\":[\"id\",\"token\"]}",
	  "{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
	  "\"name\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}}}" },
	{ "DELETE", "/api/v1/tokens/{id}", auth_tokens_http_revoke, HTTP_DB,
	  "tokens", "Revoke one of your API tokens", "tokens", NULL, NULL },
	{ "GET", "/api/v1/audit", audit_http_list, HTTP_DB, "audit.read",
	  "An organisation's audit trail, newest first (org admins: their "
	  "own; platform admins: any, and org_id=platform)",
	  "audit", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "GET", "/api/v1/audit/record", audit_http_record_trail, HTTP_DB,
	  "audit.read",
	  "Who did what to one of your organisation's records, from every "
	  "organisation (record_kind, record_id; its writers and org admins)",
	  "audit", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "GET", "/api/v1/audit/flags", audit_http_flags, HTTP_DB, "audit.read",
	  "Break-glass accesses to an organisation's records, for review "
	  "(state=open|reviewed|all; org admins: their own; platform admins: "
	  "any)",
	  "audit", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/audit/flags/{id}/review", audit_http_review,
	  HTTP_BODY | HTTP_DB, "audit.read",
	  "Sign off a break-glass access to one of your organisation's records "
	  "(its org admins)",
	  "audit", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"note\"],\"properties\":{"
	  "\"note\":{\"type\":\"string\"}}}" },
	{ "GET", "/api/v1/files", files_http_list, HTTP_DB | HTTP_PUBLIC,
	  "files",
	  "The files of one record (record_kind, record_id); a public "
	  "record's without an account",
	  "files", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/files", files_http_upload, HTTP_UPLOAD | HTTP_DB,
	  "files",
	  "Attach a file to a record (record_kind, record_id; the name in "
	  "X-File-Name, %-escaped UTF-8); its type is found by content",
	  "files", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "GET", "/api/v1/files/{id}", files_http_get, HTTP_DB | HTTP_PUBLIC,
	  "files", "One file's description", "files",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "GET", "/api/v1/files/{id}/content", files_http_content,
	  HTTP_DB | HTTP_PUBLIC, "files",
	  "A file's bytes, always as a download (attachment)", "files",
	  "{\"type\":\"string\",\"format\":\"binary\"}", NULL },
	{ "DELETE", "/api/v1/files/{id}", files_http_delete, HTTP_DB, "files",
	  "Erase a file (and its key)", "files", NULL, NULL },
	{ "GET", "/api/v1/meetings", coord_http_meetings_list, HTTP_DB,
	  "meetings",
	  "Meetings and forums you may see, newest first (when=upcoming: "
	  "soonest first; when=past)",
	  "meetings", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/meetings", coord_http_meeting_create,
	  HTTP_BODY | HTTP_DB, "meetings",
	  "Convene a meeting: title, starts_at, agenda, participants, sharing",
	  "meetings", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"title\",\"starts_at\"]}" },
	{ "GET", "/api/v1/meetings/{id}", coord_http_meeting_get, HTTP_DB,
	  "meetings", "One meeting with its agenda and decisions", "meetings",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/meetings/{id}", coord_http_meeting_update,
	  HTTP_BODY | HTTP_DB, "meetings",
	  "Change a meeting (with its version): minutes, status, agenda, ...",
	  "meetings", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "POST", "/api/v1/meetings/{id}/decisions", coord_http_decision_add,
	  HTTP_BODY | HTTP_DB, "meetings", "Record a decision of a meeting",
	  "meetings", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"text\"]}" },
	{ "GET", "/api/v1/actions", coord_http_actions_list, HTTP_DB, "actions",
	  "Joint actions you may see, soonest due first (view=mine|overdue, "
	  "country, theme, status, meeting_id; format=csv for the "
	  "secretariat)",
	  "actions", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/actions", coord_http_action_create,
	  HTTP_BODY | HTTP_DB, "actions",
	  "Agree a joint action: lead and partner organisations, countries, "
	  "theme, priority, due date (decision_id: from a meeting's decision)",
	  "actions", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"title\",\"theme\","
	  "\"countries\",\"lead_org\"]}" },
	{ "GET", "/api/v1/actions/{id}", coord_http_action_get, HTTP_DB,
	  "actions", "One action with its progress updates", "actions",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/actions/{id}", coord_http_action_update,
	  HTTP_BODY | HTTP_DB, "actions", "Change an action (with its version)",
	  "actions", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "POST", "/api/v1/actions/{id}/updates", coord_http_action_progress,
	  HTTP_BODY | HTTP_DB, "actions",
	  "Report progress on an action your organisation is committed to "
	  "(status: the lead or the owner)",
	  "actions", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"note\"]}" },
	{ "GET", "/api/v1/threads", coord_http_threads_list, HTTP_DB, "threads",
	  "The discussion on one record (record_kind, record_id), oldest "
	  "first; it has the record's visibility exactly",
	  "threads", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/threads", coord_http_thread_post,
	  HTTP_BODY | HTTP_DB, "threads",
	  "Comment on a record you may see; mention organisations or people "
	  "who may see it too, and they are notified",
	  "threads", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"record_kind\","
	  "\"record_id\",\"body\"]}" },
	{ "GET", "/api/v1/practices", coord_http_practices_list,
	  HTTP_DB | HTTP_PUBLIC, "practices",
	  "The good-practice library: q searches title, summary, tags and "
	  "body (ranked, with snippets); country, theme, tag; public items "
	  "without an account",
	  "practices", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/practices", coord_http_practice_create,
	  HTTP_BODY | HTTP_DB, "practices",
	  "Share a good practice (Markdown body; level public for everyone)",
	  "practices", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"title\",\"summary\","
	  "\"theme\"]}" },
	{ "GET", "/api/v1/practices/{id}", coord_http_practice_get,
	  HTTP_DB | HTTP_PUBLIC, "practices",
	  "One practice, its body as Markdown and as safe HTML", "practices",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/practices/{id}", coord_http_practice_update,
	  HTTP_BODY | HTTP_DB, "practices",
	  "Change a practice (with its version)", "practices",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "GET", "/api/v1/notifications", notify_http_list, HTTP_DB,
	  "notifications",
	  "Your notifications, newest first (unread=true: unread only)",
	  "notifications", "{\"type\":\"object\",\"required\":[\"items\"]}",
	  NULL },
	{ "GET", "/api/v1/notifications/count", notify_http_count, HTTP_DB,
	  "notifications", "How many of your notifications are unread",
	  "notifications", "{\"type\":\"object\",\"required\":[\"unread\"]}",
	  NULL },
	{ "POST", "/api/v1/notifications/read", notify_http_read_all, HTTP_DB,
	  "notifications", "Mark all your notifications read", "notifications",
	  "{\"type\":\"object\",\"required\":[\"marked\"]}", NULL },
	{ "POST", "/api/v1/notifications/{id}/read", notify_http_read, HTTP_DB,
	  "notifications", "Mark one of your notifications read",
	  "notifications", NULL, NULL },
	{ "GET", "/api/v1/webhooks", notify_http_webhooks, HTTP_DB, "webhooks",
	  "Your organisation's webhooks (org admins)", "webhooks",
	  "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/webhooks", notify_http_webhook_create,
	  HTTP_BODY | HTTP_DB, "webhooks",
	  "Add a webhook: an https URL and the events to send (signed with "
	  "HMAC-SHA-256; the secret is shown once)",
	  "webhooks", "{\"type\":\"object\",\"required\":[\"id\",\"secret\"]}",
	  "{\"type\":\"object\",\"required\":[\"url\",\"events\"]}" },
	{ "DELETE", "/api/v1/webhooks/{id}", notify_http_webhook_delete,
	  HTTP_DB, "webhooks", "Remove a webhook (its log stays)", "webhooks",
	  NULL, NULL },
	{ "GET", "/api/v1/webhooks/{id}/deliveries",
	  notify_http_webhook_deliveries, HTTP_DB, "webhooks",
	  "A webhook's delivery log, newest first", "webhooks",
	  "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "GET", "/api/v1/cases/forms", cases_http_forms, HTTP_DB, "cases",
	  "The case forms: every field with its HTCDS name, type, picklist and whether it is personal (districts=NP|LK|BD|IN adds the gazetteer's districts)",
	  "cases", "{\"type\":\"object\",\"required\":[\"forms\"]}", NULL },
	{ "POST", "/api/v1/cases/export", cases_http_export,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Your organisation's cases as HTCDS rows, CSV or XLSX (format); "
	  "without personal data unless personal=true with a reason (case "
	  "workers, investigators; audited, flagged, five an hour)",
	  "cases", "{\"type\":\"string\",\"format\":\"binary\"}",
	  "{\"type\":\"object\"}" },
	{ "POST", "/api/v1/cases/imports", cases_http_import,
	  HTTP_UPLOAD | HTTP_DB, "cases",
	  "Import cases from an HTCDS CSV file (text/csv); runs as a job, a "
	  "batch of cases with a bad row imports nothing",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "GET", "/api/v1/cases/imports/{id}", cases_http_import_get, HTTP_DB,
	  "cases",
	  "An import's progress and the rows it refused (row, field, message)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "GET", "/api/v1/cases", cases_http_list, HTTP_DB, "cases",
	  "Cases you may see, newest first, without personal data (filters: status, exploitation, gender, age_band, country of an event, flag; view=mine|incoming)",
	  "cases", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/cases", cases_http_create, HTTP_BODY | HTTP_DB,
	  "cases",
	  "Open a case owned by your organisation (HTCDS cas_ fields, sharing)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "GET", "/api/v1/cases/{id}", cases_http_get, HTTP_DB, "cases",
	  "A case with its persons, route, timeline, consents, plans and follow-ups; personal=true adds the personal data for those who need to know (audited)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/cases/{id}", cases_http_update, HTTP_BODY | HTTP_DB,
	  "cases", "Change a case's own fields or sharing (with its version)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "POST", "/api/v1/cases/{id}/break-glass", cases_http_glass,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Emergency access to a case's personal data with a stated reason (case workers, investigators of an organisation that sees the case); audited and flagged for the owner's review",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"reason\"]}" },
	{ "POST", "/api/v1/cases/{id}/grants", cases_http_grant,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Share the case's personal data with an organisation for a purpose (consent of every victim, or override_reason)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"org_id\",\"purpose\"]}" },
	{ "DELETE", "/api/v1/cases/{id}/grants/{org_id}", cases_http_ungrant,
	  HTTP_DB, "cases",
	  "End an organisation's access to the case's personal data", "cases",
	  NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/transfer", cases_http_transfer,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Ask another organisation to take the case over", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"org_id\"]}" },
	{ "DELETE", "/api/v1/cases/{id}/transfer", cases_http_transfer_cancel,
	  HTTP_DB, "cases",
	  "Take back an offer of the case not yet answered (its writers)",
	  "cases", NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/transfer/accept", cases_http_accept,
	  HTTP_DB, "cases", "Take over a case offered to your organisation",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/cases/{id}/transfer/decline", cases_http_decline,
	  HTTP_DB, "cases", "Decline a case offered to your organisation",
	  "cases", NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/erase", cases_http_erase,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Erase the case's personal data on a lawful request: the data key and every ciphertext destroyed, statistics kept",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"reason\"]}" },
	{ "POST", "/api/v1/cases/{id}/persons", cases_http_person_add,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Add a victim or perpetrator (role; HTCDS vic_/per_/prs_ fields)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "PATCH", "/api/v1/cases/{id}/persons/{person_id}",
	  cases_http_person_update, HTTP_BODY | HTTP_DB, "cases",
	  "Change or correct a person (with its version)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "GET", "/api/v1/cases/{id}/persons/{person_id}/copy", cases_http_copy,
	  HTTP_DB, "cases",
	  "Everything held on one person, for their own request (a download; audited)",
	  "cases", "{\"type\":\"object\",\"required\":[\"person\"]}", NULL },
	{ "POST", "/api/v1/cases/{id}/events", cases_http_event_add,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Add a trafficking event (hte_: recruitment, transit, exploitation; place and date)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "PATCH", "/api/v1/cases/{id}/events/{item_id}",
	  cases_http_event_update, HTTP_BODY | HTTP_DB, "cases",
	  "Change a trafficking event (with its version)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "DELETE", "/api/v1/cases/{id}/events/{item_id}",
	  cases_http_event_delete, HTTP_DB, "cases",
	  "Remove a trafficking event", "cases", NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/timeline", cases_http_timeline_add,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Add a timeline entry (rescue, shelter, medical care, court hearing, ...)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "PATCH", "/api/v1/cases/{id}/timeline/{item_id}",
	  cases_http_timeline_update, HTTP_BODY | HTTP_DB, "cases",
	  "Change a timeline entry (with its version)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "DELETE", "/api/v1/cases/{id}/timeline/{item_id}",
	  cases_http_timeline_delete, HTTP_DB, "cases",
	  "Remove a timeline entry", "cases", NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/consents", cases_http_consent_add,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Add a consent (scopes, organisations, purpose, until; guardian for minors)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "POST", "/api/v1/cases/{id}/plans", cases_http_plan_add,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Add a support plan (spl_ type, objectives, dates)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "PATCH", "/api/v1/cases/{id}/plans/{item_id}", cases_http_plan_update,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Change a support plan (with its version)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "DELETE", "/api/v1/cases/{id}/plans/{item_id}",
	  cases_http_plan_delete, HTTP_DB, "cases", "Remove a support plan",
	  "cases", NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/followups", cases_http_followup_add,
	  HTTP_BODY | HTTP_DB, "cases", "Add a follow-up (due date, outcome)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "PATCH", "/api/v1/cases/{id}/followups/{item_id}",
	  cases_http_followup_update, HTTP_BODY | HTTP_DB, "cases",
	  "Change a follow-up (with its version)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "DELETE", "/api/v1/cases/{id}/followups/{item_id}",
	  cases_http_followup_delete, HTTP_DB, "cases", "Remove a follow-up",
	  "cases", NULL, NULL },
	{ "POST", "/api/v1/cases/{id}/consents/{item_id}/withdraw",
	  cases_http_consent_withdraw, HTTP_DB, "cases",
	  "Withdraw a consent (it stays on record, marked withdrawn)", "cases",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/cases/{id}/followups/schedule", cases_http_schedule,
	  HTTP_BODY | HTTP_DB, "cases",
	  "Schedule follow-ups after return or reintegration (from; months, default 1, 3, 6, 12)",
	  "cases", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"from\"]}" },
	{ "GET", "/api/v1/followups", cases_http_due, HTTP_DB, "cases",
	  "Your organisation's open follow-ups: overdue, or due within days=N",
	  "cases", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "GET", "/api/v1/services/hsds", services_http_hsds, HTTP_DB,
	  "services",
	  "The directory as HSDS 3.0 services (with organization, languages, "
	  "phones, service_at_locations; atip's own facts as attributes; "
	  "org_id: one organisation's)",
	  "services", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/services/hsds", services_http_hsds_import,
	  HTTP_BODY | HTTP_DB, "services",
	  "Import HSDS 3.0 services (items, as the export makes them) into "
	  "your organisation's directory, all or nothing",
	  "services", "{\"type\":\"object\",\"required\":[\"imported\"]}",
	  "{\"type\":\"object\",\"required\":[\"items\"]}" },
	{ "GET", "/api/v1/services", services_http_search, HTTP_DB, "services",
	  "The service directory (filters: type, country, subdivision, district, gender, age, nationality, language, vacancy=true, org_id; near=lat,lon for nearest first)",
	  "services", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/services", services_http_create, HTTP_BODY | HTTP_DB,
	  "services",
	  "Add a service of your organisation (HSDS 3.0 fields: type, name, eligibility, languages, capacity, location)",
	  "services", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"type\",\"name\"]}" },
	{ "GET", "/api/v1/services/{id}", services_http_get, HTTP_DB,
	  "services",
	  "One service, its place hidden where confidential and not yours to refer to",
	  "services", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/services/{id}", services_http_update,
	  HTTP_BODY | HTTP_DB, "services",
	  "Change a service (with its version)", "services",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "PUT", "/api/v1/services/{id}/vacancies", services_http_vacancies,
	  HTTP_BODY | HTTP_DB, "services",
	  "Say how many places are free now (stale after 7 days)", "services",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"vacancies\"]}" },
	{ "GET", "/api/v1/locations", services_http_locations, HTTP_DB,
	  "services",
	  "An organisation's service locations (org_id; default: yours)",
	  "services", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/locations", services_http_location_create,
	  HTTP_BODY | HTTP_DB, "services",
	  "Add a location of your organisation; a confidential one shows its address only to you and the organisations you let refer there",
	  "services", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"name\",\"country\"]}" },
	{ "GET", "/api/v1/locations/{id}", services_http_location_get, HTTP_DB,
	  "services", "One location, as you may see it", "services",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/locations/{id}", services_http_location_update,
	  HTTP_BODY | HTTP_DB, "services",
	  "Change a location (with its version)", "services",
	  "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "GET", "/api/v1/linkage/alerts", link_http_alerts, HTTP_DB, "linkage",
	  "Possible matches of your organisation's victims with persons recorded elsewhere, newest first (state=open|same|not_same|all): the other side's organisation and non-identifying fields only",
	  "linkage", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "GET", "/api/v1/linkage/alerts/{id}", link_http_alert, HTTP_DB,
	  "linkage", "One possible match", "linkage",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/linkage/alerts/{id}/decision",
	  link_http_alert_decide, HTTP_BODY | HTTP_DB, "linkage",
	  "Decide a possible match: same (both cases get TraffickedBefore) or not_same, with the version read",
	  "linkage", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"decision\",\"version\"]}" },
	{ "GET", "/api/v1/referrals/indicators", referrals_http_indicators,
	  HTTP_DB, "referrals",
	  "Time to accept, completion rate, decline reasons, per receiving organisation and service type (org admins, analysts: your organisation's; platform admins: all)",
	  "referrals", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "GET", "/api/v1/referrals", referrals_http_list, HTTP_DB, "referrals",
	  "Your organisation's referrals, newest first (view=incoming|outgoing, state, case_id)",
	  "referrals", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/referrals", referrals_http_create,
	  HTTP_BODY | HTTP_DB, "referrals",
	  "Refer a case to an organisation or a service: reason, urgency, the personal fields shared; every victim's consent (scope Referral) or override_reason",
	  "referrals", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"case_id\",\"reason\"]}" },
	{ "GET", "/api/v1/referrals/{id}", referrals_http_get, HTTP_DB,
	  "referrals", "One referral (the two organisations)", "referrals",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/referrals/{id}/accept", referrals_http_accept,
	  HTTP_DB, "referrals",
	  "Accept a referral (the receiving organisation's writers)",
	  "referrals", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/referrals/{id}/decline", referrals_http_decline,
	  HTTP_BODY | HTTP_DB, "referrals",
	  "Decline a referral with a reason; the shared data is closed again",
	  "referrals", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"reason\"]}" },
	{ "POST", "/api/v1/referrals/{id}/start", referrals_http_start, HTTP_DB,
	  "referrals", "Start the help accepted", "referrals",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/referrals/{id}/complete", referrals_http_complete,
	  HTTP_DB, "referrals",
	  "Complete a referral; the shared data is closed again", "referrals",
	  "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "POST", "/api/v1/referrals/{id}/withdraw", referrals_http_withdraw,
	  HTTP_BODY | HTTP_DB, "referrals",
	  "Withdraw an open referral (the referring organisation's writers)",
	  "referrals", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\"}" },
	{ "GET", "/api/v1/reports", intel_http_reports_list, HTTP_DB, "intel",
	  "Intel reports you may see, newest first (filters: exploitation_type, platform, place (ISO 3166-1 or -2), org_id)",
	  "intel", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/reports", intel_http_report_create,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Write an intel report: title, narrative, period, places, exploitation types, platforms, Admiralty reliability (A-F) and credibility (1-6), TLP, handling code (H0-H3), distribution, linked cases, and indicators",
	  "intel", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"title\"]}" },
	{ "GET", "/api/v1/reports/{id}", intel_http_report_get, HTTP_DB,
	  "intel",
	  "One report with its indicators (each with how many other reports you may see hold it), linked cases you may see and platform requests",
	  "intel", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "PATCH", "/api/v1/reports/{id}", intel_http_report_update,
	  HTTP_BODY | HTTP_DB, "intel", "Change a report (with its version)",
	  "intel", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "DELETE", "/api/v1/reports/{id}", intel_http_report_delete, HTTP_DB,
	  "intel", "Delete a report with its indicators and requests", "intel",
	  NULL, NULL },
	{ "POST", "/api/v1/reports/{id}/indicators", intel_http_indicators_add,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Add indicators (type, value, qualifier, note), normalised; each answers what it correlates with at once",
	  "intel", "{\"type\":\"object\",\"required\":[\"items\"]}",
	  "{\"type\":\"object\",\"required\":[\"indicators\"]}" },
	{ "GET", "/api/v1/reports/{id}/indicators/{indicator_id}",
	  intel_http_indicator_get, HTTP_DB, "intel",
	  "One indicator: the reports you may see holding the same value (sightings), the others counted by organisation where their TLP allows, linked cases you may see",
	  "intel", "{\"type\":\"object\",\"required\":[\"id\"]}", NULL },
	{ "DELETE", "/api/v1/reports/{id}/indicators/{indicator_id}",
	  intel_http_indicator_delete, HTTP_DB, "intel",
	  "Remove an indicator from a report", "intel", NULL, NULL },
	{ "GET", "/api/v1/reports/{id}/requests", intel_http_requests_list,
	  HTTP_DB, "intel",
	  "Preservation and takedown requests made to platforms about a report",
	  "intel", "{\"type\":\"object\",\"required\":[\"items\"]}", NULL },
	{ "POST", "/api/v1/reports/{id}/requests", intel_http_request_create,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Record a preservation or takedown request: platform, kind, target, sent_on, status, reference, response",
	  "intel", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"platform\",\"kind\",\"target\"]}" },
	{ "PATCH", "/api/v1/reports/{id}/requests/{request_id}",
	  intel_http_request_update, HTTP_BODY | HTTP_DB, "intel",
	  "Change a platform request: its status and the platform's answer (with its version)",
	  "intel", "{\"type\":\"object\",\"required\":[\"id\"]}",
	  "{\"type\":\"object\",\"required\":[\"version\"]}" },
	{ "GET", "/api/v1/reports/{id}/graph", intel_http_graph, HTTP_DB,
	  "intel",
	  "The network around a report: reports, values and cases you may see, connected (format=svg for a picture)",
	  "intel", "{\"type\":\"object\",\"required\":[\"nodes\"]}", NULL },
	{ "POST", "/api/v1/indicators/search", intel_http_search,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Look a value up in any format (type optional): the reports you may see that hold it, the others counted where allowed",
	  "intel", "{\"type\":\"object\",\"required\":[\"items\"]}",
	  "{\"type\":\"object\",\"required\":[\"value\"]}" },
	{ "POST", "/api/v1/indicators/extract", intel_http_extract,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Propose the indicators found in pasted text (a chat log, an ad) for an analyst to confirm",
	  "intel", "{\"type\":\"object\",\"required\":[\"items\"]}",
	  "{\"type\":\"object\",\"required\":[\"text\"]}" },
	{ "POST", "/api/v1/indicators/path", intel_http_path,
	  HTTP_BODY | HTTP_DB, "intel",
	  "The shortest chain of reports, values and cases you may see between two values",
	  "intel", "{\"type\":\"object\",\"required\":[\"nodes\"]}",
	  "{\"type\":\"object\",\"required\":[\"from\",\"to\"]}" },
	{ "GET", "/api/v1/stix/reports/{id}", intel_http_stix_report, HTTP_DB,
	  "intel",
	  "A report as a STIX 2.1 bundle (report, indicators, identity, TLP 2.0 marking; x_atip_ properties); person names never leave",
	  "stix", "{\"type\":\"object\",\"required\":[\"type\",\"objects\"]}",
	  NULL },
	{ "POST", "/api/v1/stix/export", intel_http_stix_export,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Several reports (report_ids) as one STIX 2.1 bundle", "stix",
	  "{\"type\":\"object\",\"required\":[\"type\",\"objects\"]}",
	  "{\"type\":\"object\",\"required\":[\"report_ids\"]}" },
	{ "POST", "/api/v1/stix/import", intel_http_stix_import,
	  HTTP_BODY | HTTP_DB, "intel",
	  "Import a STIX 2.1 bundle as reports of your organisation (all or nothing; invalid bundles refused with the JSON pointer of what is wrong; objects atip does not hold listed as skipped)",
	  "stix", "{\"type\":\"object\",\"required\":[\"reports\"]}",
	  "{\"type\":\"object\",\"required\":[\"type\",\"objects\"]}" },
	{ "GET", "/api/v1/openapi.json", ops_openapi, 0, NULL,
	  "This OpenAPI 3.1 document", "ops", "{\"type\":\"object\"}", NULL },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);

static enum db_status
enqueue_rewrap(struct db_conn *c, void *key)
{
	return jobs_enqueue(c, "keys.rewrap", "{}", time_now_ms(), key);
}

/* Signs the head of every audit chain that moved (audit.h). */
static enum job_result
audit_checkpoint_job(struct job *job, void *ctx)
{
	struct app *app = job->app;
	char err[512];

	(void)ctx;
	if (audit_checkpoint(job->db, app_keyring(app), app->checkpoints, err,
			     sizeof(err)) != DB_OK) {
		job->error = "could not write the audit checkpoint";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

/*
 * Picks up a keyring that `atip keys rotate` changed, without a restart,
 * and starts re-sealing under the new primary key.
 */
static enum job_result
keys_reload_job(struct job *job, void *ctx)
{
	struct app *app = job->app;
	const struct crypto_keyring *now = app_keyring(app);
	struct crypto_keyring *fresh;
	char err[512], key[32];

	(void)ctx;
	fresh = crypto_keyring_open(app->data_dir, false, err, sizeof(err));
	if (!fresh) {
		job->error = "the keyring could not be read";
		return JOB_RETRY;
	}
	if (crypto_keyring_primary(fresh) == crypto_keyring_primary(now) ||
	    app->nretired == APP_RETIRED_KEYRINGS) {
		crypto_keyring_close(fresh);
		return JOB_DONE;
	}
	app->retired[app->nretired++] = atomic_exchange(&app->keyring, fresh);
	log_msg(LOG_INFO, "keyring reloaded: key %u is primary",
		crypto_keyring_primary(fresh));
	snprintf(key, sizeof(key), "rewrap:%u", crypto_keyring_primary(fresh));
	if (db_tx(job->db, enqueue_rewrap, key) != DB_OK) {
		job->error = "could not queue the re-sealing";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

/*
 * What the keyring protects outside itself, re-sealed under the primary
 * key after rotation.  A module that seals or wraps anything (data keys of
 * records, secrets) adds its row; each function works in batches and is
 * safe to run again.
 */
static const struct {
	const char *what; /* for the log: "second-factor secrets" */
	enum err (*rewrap)(struct db *db, const struct crypto_keyring *kr,
			   long long *count);
} app_rewraps[] = {
	{ "second-factor secrets", auth_totp_rewrap },
	{ "file keys", files_rewrap },
	{ "webhook secrets", notify_webhooks_rewrap },
	{ "case data keys", cases_rewrap },
	{ "intel report keys", intel_rewrap },
};

static enum job_result
keys_rewrap_job(struct job *job, void *ctx)
{
	struct app *app = job->app;

	(void)ctx;
	for (size_t i = 0; i < sizeof(app_rewraps) / sizeof(app_rewraps[0]);
	     i++) {
		long long n = 0;

		if (app_rewraps[i].rewrap(job->db, app_keyring(app), &n) !=
		    ERR_OK) {
			job->error = "re-sealing failed; it will resume";
			return JOB_RETRY;
		}
		log_msg(LOG_INFO, "re-sealed %lld %s", n, app_rewraps[i].what);
	}
	return JOB_DONE;
}

/* Indexes cases' perpetrators for intel correlation (blind indexes). */
static enum job_result
intel_cases_job(struct job *job, void *ctx)
{
	struct app *app = job->app;
	long long n = 0;

	(void)ctx;
	if (intel_cases_index(job->db, app_keyring(app), &n) != ERR_OK) {
		job->error = "indexing cases for intel stopped; it will resume";
		return JOB_RETRY;
	}
	if (n)
		log_msg(LOG_INFO, "intel: %lld persons of cases indexed", n);
	return JOB_DONE;
}

/* Tells organisations of their actions due soon or overdue. */
static enum job_result
actions_remind_job(struct job *job, void *ctx)
{
	long long n = 0;

	(void)ctx;
	if (coord_actions_remind(job->db, &n) != ERR_OK) {
		job->error = "could not read or notify due actions";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

/* Sends one webhook delivery; its payload names it. */
static enum job_result
webhook_deliver_job(struct job *job, void *ctx)
{
	struct app *app = job->app;
	json_t *p = json_loads(job->payload, 0, NULL);
	const char *id = json_string_value(json_object_get(p, "delivery"));
	enum err e = id ? notify_webhook_deliver(job->db, app_keyring(app), id,
						 job->attempts)
			: ERR_OK;

	(void)ctx;
	json_decref(p);
	if (e != ERR_OK) {
		job->error = "the webhook delivery will be tried again";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

/*
 * Tells case owners of overdue follow-ups, ends grants of expired consent,
 * escalates referrals unanswered for 48 hours.
 */
static enum job_result
followups_remind_job(struct job *job, void *ctx)
{
	long long n = 0;

	(void)ctx;
	if (cases_followups_remind(job->db, &n) != ERR_OK) {
		job->error = "could not read or notify overdue follow-ups";
		return JOB_RETRY;
	}
	/* Consent that has run out no longer opens a case to others. */
	if (cases_grants_expire(job->db, &n) != ERR_OK) {
		job->error = "could not end the grants of expired consent";
		return JOB_RETRY;
	}
	if (n)
		log_msg(LOG_INFO, "ended %lld grants of expired consent", n);
	/* Referrals left unanswered go to the receiver's admins. */
	if (referrals_escalate(job->db, &n) != ERR_OK) {
		job->error = "could not escalate unanswered referrals";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

/* Imports one uploaded file of cases; its payload names it. */
static enum job_result
cases_import_job(struct job *job, void *ctx)
{
	struct app *app = job->app;
	json_t *p = json_loads(job->payload, 0, NULL);
	const char *id = json_string_value(json_object_get(p, "import"));
	enum err e = id ? cases_import_run(job->db, app_keyring(app), id)
			: ERR_OK;

	(void)ctx;
	json_decref(p);
	if (e != ERR_OK && e != ERR_NOT_FOUND) {
		job->error = "the import stopped; it will carry on";
		return JOB_RETRY;
	}
	return JOB_DONE;
}

/* Encodes and matches the victims added or changed since the last run. */
static enum job_result
linkage_watch_job(struct job *job, void *ctx)
{
	struct app *app = job->app;
	long long encoded = 0, alerts = 0;

	(void)ctx;
	if (link_watch_run(job->db, app_keyring(app), &encoded, &alerts) !=
	    ERR_OK) {
		job->error =
			"the re-trafficking watch stopped; it will carry on";
		return JOB_RETRY;
	}
	if (encoded)
		log_msg(LOG_INFO, "linkage: %lld persons encoded, %lld alerts",
			encoded, alerts);
	return JOB_DONE;
}

const struct job_kind app_jobs[] = {
	{ "jobs.prune", jobs_prune, NULL, 3, 0, 60 * 60 * 1000 },
	{ "audit.checkpoint", audit_checkpoint_job, NULL, 3, 0, 60 * 1000 },
	{ "keys.reload", keys_reload_job, NULL, 3, 0, 15 * 1000 },
	{ "keys.rewrap", keys_rewrap_job, NULL, 10, 0, 0 },
	{ "actions.remind", actions_remind_job, NULL, 3, 0, 60 * 60 * 1000 },
	{ "webhook.deliver", webhook_deliver_job, NULL, WEBHOOK_ATTEMPTS,
	  60 * 1000, 0 },
	{ "cases.import", cases_import_job, NULL, 5, 30 * 60 * 1000, 0 },
	{ "followups.remind", followups_remind_job, NULL, 3, 0,
	  60 * 60 * 1000 },
	{ "linkage.watch", linkage_watch_job, NULL, 3, 10 * 60 * 1000,
	  60 * 1000 },
	{ "intel.cases", intel_cases_job, NULL, 3, 10 * 60 * 1000, 60 * 1000 },
};

const size_t app_njobs = sizeof(app_jobs) / sizeof(app_jobs[0]);

/* Every kind of record that files and discussions attach to. */
static const struct record_kind kinds[] = {
	{ "meeting", false, coord_meeting_load },
	{ "action", false, coord_action_load },
	{ "practice", false, coord_practice_load },
	{ "case", true, cases_load },
	{ "report", false, intel_report_load },
};

const struct record_kind *
app_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

bool
app_record_allow(struct http_request *req, const char *kind, const char *id,
		 enum access_action act, struct app_record *out)
{
	enum err e;

	out->kind = kind ? app_kind(kind) : NULL;
	if (!out->kind || !id || !uuid_normalise(str_of(id), out->id)) {
		http_problem(req, ERR_NOT_FOUND, "There is nothing here.",
			     NULL);
		return false;
	}
	e = out->kind->load(req->db, out->id, &req->arena, &out->access);
	if (e != ERR_OK) {
		http_problem(req, e,
			     e == ERR_NOT_FOUND
				     ? "There is nothing here."
				     : "The record could not be read.",
			     NULL);
		return false;
	}
	return access_allow(req, act, &out->access);
}

static int
by_version(const void *a, const void *b)
{
	const struct db_migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

struct db_migration *
app_migrations(size_t *n)
{
	static const struct {
		const struct db_migration *list;
		const size_t *n;
	} modules[] = {
		{ db_migrations, &db_nmigrations },
		{ jobs_migrations, &jobs_nmigrations },
		{ audit_migrations, &audit_nmigrations },
		{ orgs_migrations, &orgs_nmigrations },
		{ auth_migrations, &auth_nmigrations },
		{ files_migrations, &files_nmigrations },
		{ coord_migrations, &coord_nmigrations },
		{ notify_migrations, &notify_nmigrations },
		{ cases_migrations, &cases_nmigrations },
		{ services_migrations, &services_nmigrations },
		{ referrals_migrations, &referrals_nmigrations },
		{ link_migrations, &link_nmigrations },
		{ intel_migrations, &intel_nmigrations },
	};
	struct db_migration *all;
	size_t i, total = 0;

	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		total += *modules[i].n;
	all = xcalloc(total, sizeof(*all));
	*n = 0;
	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		memcpy(all + *n, modules[i].list, *modules[i].n * sizeof(*all));
		*n += *modules[i].n;
	}
	qsort(all, *n, sizeof(*all), by_version);
	return all;
}

void
audit_http_record_trail(struct http_request *req)
{
	struct app_record rec;

	/* Those who may change the record: its owner's writers. */
	if (app_record_allow(req, http_query(req, "record_kind"),
			     http_query(req, "record_id"), ACT_UPDATE, &rec))
		audit_http_record(req, rec.kind->name, rec.id);
}

// The authorisation matrix over every route, against a real `atip serve`
// whose data dir was filled by `atip demo`:
//
//  1. The rules table below has one entry per (method, path) of GET
//     /api/v1/openapi.json, and no other: a route added without a rule (or a
//     rule left behind by a removed route) fails here, by name.
//  2. Anonymous clients: every route that is not public answers 401 (dummy
//     ids, a JSON body {} or raw bytes where the route takes a body); every
//     public one answers something else.
//  3. Role x relation x level for the record routes: Kathmandu owns fixture
//     meetings, actions and practices at levels org, group (AMBER), country
//     (AMBER) and platform (GREEN); each account (same organisation, member
//     of Kathmandu's group, same country, other country) reads (200 or 404 hidden), writes (2xx, 403 when it
//     sees the record but may not, 404 when hidden) and lists (never a hidden
//     record).  The expected answer of every cell comes from expected() and
//     expectedAdmin(), a re-statement of src/access/access.c (and of the few
//     rules handlers add: only committed organisations report progress on an
//     action, webhooks and tokens are their organisation's or user's own);
//     every mismatching cell is reported at once.  Cases add need to know:
//     personal=true and break glass restate ACT_READ_PERSONAL and
//     access_break_glass().  The same for cases' items, sharing (consents,
//     grants, transfers, erasure), files in and out, intel reports (search,
//     network, STIX), the service directory (confidential places), referrals
//     (the two organisations), linkage alerts (their case roles) and the
//     member directory.  Every route with a family must have been checked
//     by some cell (the last test): a new route needs its rule and its test.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  Added here: a viewer, an analyst and
// a case worker of Kathmandu (by its org admin), an analyst of the
// Secretariat and an org admin of Pune (by the platform admin).  Colombo is a
// member of a Kathmandu sharing group.  Every account signs in once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, ok } from './client.mjs';
import { demo, dropDatabases, environment, secrets, serve, uuid } from './server.mjs';

const dummyId = '01890a5d-ac96-774b-bcce-b302099a8057';
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- 1. the rules: one entry per (method, path) ---------------------------------
//
// public: anonymous clients are answered (not 401).  body: what an anonymous
// probe sends ('json': {}, 'bytes': raw bytes).  family: where part 3 checks
// the route by role and relation (null: no record to check it on).
const rules = {
  'GET /healthz': { public: true, family: null },
  'GET /readyz': { public: true, family: null },
  'GET /metrics': { public: true, family: null },
  'GET /api/v1/ping': { public: true, family: null },
  'POST /api/v1/ping': { public: true, body: 'json', family: null },
  'GET /api/v1/openapi.json': { public: true, family: null },
  'POST /api/v1/session': { public: true, body: 'json', family: null },
  'DELETE /api/v1/session': { public: false, family: null },
  'GET /api/v1/me': { public: false, family: null },
  'PUT /api/v1/me/password': { public: false, body: 'json', family: null },
  'POST /api/v1/me/totp': { public: false, family: null },
  'POST /api/v1/me/totp/confirm': { public: false, body: 'json', family: null },
  'PUT /api/v1/me/focal-point': { public: false, body: 'json', family: null },
  'DELETE /api/v1/me/focal-point': { public: false, family: null },
  'GET /api/v1/orgs': { public: false, family: 'orgs' },
  'POST /api/v1/orgs': { public: false, body: 'json', family: 'orgs' },
  'GET /api/v1/orgs/{id}': { public: false, family: 'orgs' },
  'PATCH /api/v1/orgs/{id}': { public: false, body: 'json', family: 'orgs' },
  'GET /api/v1/orgs/{id}/profile': { public: false, family: 'profiles' },
  'PUT /api/v1/orgs/{id}/profile': { public: false, body: 'json', family: 'profiles' },
  'GET /api/v1/groups': { public: false, family: 'groups' },
  'POST /api/v1/groups': { public: false, body: 'json', family: 'groups' },
  'POST /api/v1/groups/{id}/members': { public: false, body: 'json', family: 'groups' },
  'DELETE /api/v1/groups/{id}/members/{org_id}': { public: false, family: 'groups' },
  'GET /api/v1/users': { public: false, family: 'users' },
  'POST /api/v1/users': { public: false, body: 'json', family: 'users' },
  'PATCH /api/v1/users/{id}': { public: false, body: 'json', family: 'users' },
  'POST /api/v1/users/{id}/reset': { public: false, body: 'json', family: 'users' },
  'GET /api/v1/tokens': { public: false, family: 'tokens' },
  'POST /api/v1/tokens': { public: false, body: 'json', family: 'tokens' },
  'DELETE /api/v1/tokens/{id}': { public: false, family: 'tokens' },
  'GET /api/v1/audit': { public: false, family: 'audit' },
  'GET /api/v1/audit/record': { public: false, family: 'audit record' },
  'GET /api/v1/audit/flags': { public: false, family: 'audit' },
  'POST /api/v1/audit/flags/{id}/review': { public: false, body: 'json', family: 'audit' },
  'GET /api/v1/files': { public: true, family: 'files' },
  'POST /api/v1/files': { public: false, body: 'bytes', family: 'files' },
  'GET /api/v1/files/{id}': { public: true, family: 'files' },
  'GET /api/v1/files/{id}/content': { public: true, family: 'files' },
  'DELETE /api/v1/files/{id}': { public: false, family: 'files' },
  'GET /api/v1/meetings': { public: false, family: 'meetings' },
  'POST /api/v1/meetings': { public: false, body: 'json', family: 'meetings' },
  'GET /api/v1/meetings/{id}': { public: false, family: 'meetings' },
  'PATCH /api/v1/meetings/{id}': { public: false, body: 'json', family: 'meetings' },
  'POST /api/v1/meetings/{id}/decisions': { public: false, body: 'json', family: 'meetings' },
  'GET /api/v1/actions': { public: false, family: 'actions' },
  'POST /api/v1/actions': { public: false, body: 'json', family: 'actions' },
  'GET /api/v1/actions/{id}': { public: false, family: 'actions' },
  'PATCH /api/v1/actions/{id}': { public: false, body: 'json', family: 'actions' },
  'POST /api/v1/actions/{id}/updates': { public: false, body: 'json', family: 'actions' },
  'GET /api/v1/threads': { public: false, family: 'threads' },
  'POST /api/v1/threads': { public: false, body: 'json', family: 'threads' },
  'GET /api/v1/practices': { public: true, family: 'practices' },
  'POST /api/v1/practices': { public: false, body: 'json', family: 'practices' },
  'GET /api/v1/practices/{id}': { public: true, family: 'practices' },
  'PATCH /api/v1/practices/{id}': { public: false, body: 'json', family: 'practices' },
  'GET /api/v1/notifications': { public: false, family: 'notifications' },
  'GET /api/v1/notifications/count': { public: false, family: 'notifications' },
  'POST /api/v1/notifications/read': { public: false, family: 'notifications' },
  'POST /api/v1/notifications/{id}/read': { public: false, family: 'notifications' },
  'GET /api/v1/webhooks': { public: false, family: 'webhooks' },
  'POST /api/v1/webhooks': { public: false, body: 'json', family: 'webhooks' },
  'DELETE /api/v1/webhooks/{id}': { public: false, family: 'webhooks' },
  'GET /api/v1/webhooks/{id}/deliveries': { public: false, family: 'webhooks' },
  'GET /api/v1/cases/forms': { public: false, family: 'case files' },
  'POST /api/v1/cases/export': { public: false, body: 'json', family: 'case files' },
  'POST /api/v1/cases/imports': { public: false, body: 'bytes', family: 'case files' },
  'GET /api/v1/cases/imports/{id}': { public: false, family: 'case files' },
  'GET /api/v1/cases': { public: false, family: 'cases' },
  'POST /api/v1/cases': { public: false, body: 'json', family: 'cases' },
  'GET /api/v1/cases/{id}': { public: false, family: 'cases' },
  'PATCH /api/v1/cases/{id}': { public: false, body: 'json', family: 'cases' },
  'POST /api/v1/cases/{id}/break-glass': { public: false, body: 'json', family: 'cases' },
  'POST /api/v1/cases/{id}/grants': { public: false, body: 'json', family: 'case sharing' },
  'DELETE /api/v1/cases/{id}/grants/{org_id}': { public: false, family: 'case sharing' },
  'DELETE /api/v1/cases/{id}/transfer': { public: false, family: 'case sharing' },
  'POST /api/v1/cases/{id}/transfer': { public: false, body: 'json', family: 'case sharing' },
  'POST /api/v1/cases/{id}/transfer/accept': { public: false, family: 'case sharing' },
  'POST /api/v1/cases/{id}/transfer/decline': { public: false, family: 'case sharing' },
  'POST /api/v1/cases/{id}/erase': { public: false, body: 'json', family: 'case sharing' },
  'POST /api/v1/cases/{id}/persons': { public: false, body: 'json', family: 'cases' },
  'PATCH /api/v1/cases/{id}/persons/{person_id}': { public: false, body: 'json', family: 'case items' },
  'GET /api/v1/cases/{id}/persons/{person_id}/copy': { public: false, family: 'case sharing' },
  'POST /api/v1/cases/{id}/events': { public: false, body: 'json', family: 'case items' },
  'PATCH /api/v1/cases/{id}/events/{item_id}': { public: false, body: 'json', family: 'case items' },
  'DELETE /api/v1/cases/{id}/events/{item_id}': { public: false, family: 'case items' },
  'POST /api/v1/cases/{id}/timeline': { public: false, body: 'json', family: 'case items' },
  'PATCH /api/v1/cases/{id}/timeline/{item_id}': { public: false, body: 'json', family: 'case items' },
  'DELETE /api/v1/cases/{id}/timeline/{item_id}': { public: false, family: 'case items' },
  'POST /api/v1/cases/{id}/consents': { public: false, body: 'json', family: 'case sharing' },
  'POST /api/v1/cases/{id}/consents/{item_id}/withdraw': { public: false, family: 'case sharing' },
  'POST /api/v1/cases/{id}/plans': { public: false, body: 'json', family: 'case items' },
  'PATCH /api/v1/cases/{id}/plans/{item_id}': { public: false, body: 'json', family: 'case items' },
  'DELETE /api/v1/cases/{id}/plans/{item_id}': { public: false, family: 'case items' },
  'POST /api/v1/cases/{id}/followups': { public: false, body: 'json', family: 'case items' },
  'PATCH /api/v1/cases/{id}/followups/{item_id}': { public: false, body: 'json', family: 'case items' },
  'DELETE /api/v1/cases/{id}/followups/{item_id}': { public: false, family: 'case items' },
  'POST /api/v1/cases/{id}/followups/schedule': { public: false, body: 'json', family: 'case sharing' },
  'GET /api/v1/followups': { public: false, family: 'case sharing' },
  'GET /api/v1/services': { public: false, family: 'services' },
  'POST /api/v1/services': { public: false, body: 'json', family: 'services' },
  'GET /api/v1/services/{id}': { public: false, family: 'services' },
  'GET /api/v1/services/hsds': { public: false, family: 'services' },
  'POST /api/v1/services/hsds': { public: false, body: 'json', family: 'services' },
  'GET /api/v1/linkage/alerts': { public: false, family: 'linkage' },
  'GET /api/v1/linkage/alerts/{id}': { public: false, family: 'linkage' },
  'POST /api/v1/linkage/alerts/{id}/decision': { public: false, body: 'json', family: 'linkage' },
  'GET /api/v1/referrals': { public: false, family: 'referrals' },
  'POST /api/v1/referrals': { public: false, body: 'json', family: 'referrals' },
  'GET /api/v1/referrals/indicators': { public: false, family: 'referrals' },
  'GET /api/v1/referrals/{id}': { public: false, family: 'referrals' },
  'POST /api/v1/referrals/{id}/accept': { public: false, family: 'referrals' },
  'POST /api/v1/referrals/{id}/decline': { public: false, body: 'json', family: 'referrals' },
  'POST /api/v1/referrals/{id}/start': { public: false, family: 'referrals' },
  'POST /api/v1/referrals/{id}/complete': { public: false, family: 'referrals' },
  'POST /api/v1/referrals/{id}/withdraw': { public: false, body: 'json', family: 'referrals' },
  'PATCH /api/v1/services/{id}': { public: false, body: 'json', family: 'services' },
  'PUT /api/v1/services/{id}/vacancies': { public: false, body: 'json', family: 'services' },
  'GET /api/v1/reports': { public: false, family: 'intel' },
  'POST /api/v1/reports': { public: false, body: 'json', family: 'intel' },
  'GET /api/v1/reports/{id}': { public: false, family: 'intel' },
  'PATCH /api/v1/reports/{id}': { public: false, body: 'json', family: 'intel' },
  'DELETE /api/v1/reports/{id}': { public: false, family: 'intel' },
  'POST /api/v1/reports/{id}/indicators': { public: false, body: 'json', family: 'intel' },
  'GET /api/v1/reports/{id}/indicators/{indicator_id}': { public: false, family: 'intel' },
  'DELETE /api/v1/reports/{id}/indicators/{indicator_id}': { public: false, family: 'intel' },
  'GET /api/v1/reports/{id}/requests': { public: false, family: 'intel' },
  'POST /api/v1/reports/{id}/requests': { public: false, body: 'json', family: 'intel' },
  'PATCH /api/v1/reports/{id}/requests/{request_id}': { public: false, body: 'json', family: 'intel' },
  'GET /api/v1/reports/{id}/graph': { public: false, family: 'intel' },
  'POST /api/v1/indicators/search': { public: false, body: 'json', family: 'intel' },
  'POST /api/v1/indicators/extract': { public: false, body: 'json', family: 'intel' },
  'POST /api/v1/indicators/path': { public: false, body: 'json', family: 'intel' },
  'GET /api/v1/stix/reports/{id}': { public: false, family: 'intel' },
  'POST /api/v1/stix/export': { public: false, body: 'json', family: 'intel' },
  'POST /api/v1/stix/import': { public: false, body: 'json', family: 'intel' },
  'GET /api/v1/locations': { public: false, family: 'services' },
  'POST /api/v1/locations': { public: false, body: 'json', family: 'services' },
  'GET /api/v1/locations/{id}': { public: false, family: 'services' },
  'PATCH /api/v1/locations/{id}': { public: false, body: 'json', family: 'services' },
};

// ---- the rules of src/access/access.c, restated ----------------------------------

const writers = ['org_admin', 'investigator', 'case_worker'];

/**
 * A record owned by Kathmandu at level (org, group — Kathmandu's group,
 * with Colombo in it —, country, platform; TLP AMBER but GREEN for
 * platform, so the level is never capped), as one of role in relation
 * (same_org, group_member: Colombo, same_country, other_country) to it:
 * 'ok', 403 or 404.  action: read, update (create, delete and share alike),
 * contribute, progress (contribute, by an organisation committed to the
 * action: Kathmandu leads the fixture actions alone).
 */
function expected(role, relation, level, action) {
  const visible = level === 'public' || level === 'platform' || relation === 'same_org' ||
    (level === 'country' && relation === 'same_country') || (level === 'group' && relation === 'group_member');
  if (!visible) return 404;
  const own = relation === 'same_org';
  switch (action) {
    case 'read': return 'ok';
    case 'update': return own && writers.includes(role) ? 'ok' : 403;
    case 'contribute': return role !== 'viewer' ? 'ok' : 403;
    case 'progress': return role !== 'viewer' && own ? 'ok' : 403;
    default: throw new Error(`no rule for ${action}`);
  }
}

/**
 * A case of Kathmandu's at level, as one of role in relation to it:
 * 'ok', 403 or 404.  action: personal (GET ?personal=true: the owner's case
 * workers and investigators; no grant is made here) or glass (break glass
 * with a reason: case workers and investigators of any organisation that
 * sees the case).
 */
function expectedCase(role, relation, level, action) {
  if (expected(role, relation, level, 'read') !== 'ok') return 404;
  const needToKnow = role === 'case_worker' || role === 'investigator';
  switch (action) {
    case 'personal': return needToKnow && relation === 'same_org' ? 'ok' : 403;
    case 'glass': return needToKnow ? 'ok' : 403;
    default: throw new Error(`no rule for ${action}`);
  }
}

/**
 * An admin record (kind user: an organisation's accounts, webhooks and
 * directory entry; group; audit: its trail) owned by Kathmandu, as one of
 * role in relation to Kathmandu (member: of the group, for groups):
 * 'ok', 403 or 404.  action: read, admin (create and update alike), review
 * (an update of a trail).
 */
function expectedAdmin(kind, role, relation, action) {
  const own = relation === 'same_org';
  // The directory (profiles) is seen by every member.
  const visible = own || role === 'platform_admin' || kind === 'profile' || (kind === 'group' && relation === 'member');
  if (!visible) return 404;
  if (action === 'read') return kind !== 'audit' || role === 'platform_admin' || (own && role === 'org_admin') ? 'ok' : 403;
  if (kind === 'audit') return action === 'review' && own && role === 'org_admin' ? 'ok' : 403;
  if (role === 'platform_admin') return 'ok';
  return role === 'org_admin' && own && (kind === 'user' || kind === 'group' || kind === 'profile') ? 'ok' : 403;
}

// ---- the environment ---------------------------------------------------------------

let server;
const { call, signInWithCode, signInPlain, addUser: addAccount, signInEnrolled } = client(() => server);

const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};
// Every account of the matrix: its role and its relation to Kathmandu.
const actors = [
  { who: 'org_admin', role: 'org_admin', relation: 'same_org' },
  { who: 'investigator', role: 'investigator', relation: 'same_org' },
  { who: 'ktm_case_worker', role: 'case_worker', relation: 'same_org' },
  { who: 'ktm_analyst', role: 'analyst', relation: 'same_org' },
  { who: 'ktm_viewer', role: 'viewer', relation: 'same_org' },
  { who: 'platform_admin', role: 'platform_admin', relation: 'same_country' },
  { who: 'sec_analyst', role: 'analyst', relation: 'same_country' },
  { who: 'pune_org_admin', role: 'org_admin', relation: 'other_country' },
  { who: 'case_worker', role: 'case_worker', relation: 'other_country' },
  { who: 'analyst', role: 'analyst', relation: 'group_member' },
  { who: 'viewer', role: 'viewer', relation: 'other_country' },
];
const levels = [['org', 'AMBER'], ['group', 'AMBER'], ['country', 'AMBER'], ['platform', 'GREEN']];
/** A record's sharing at level: the group level names Kathmandu's group. */
const share = (level, tlp) => ({ level, tlp, ...(level === 'group' ? { group_id: group.id } : {}) });

let env;
let data;
const org = {};
const sessions = {};
const fixtures = { meeting: {}, action: {}, practice: {}, case: {} }; // kind -> level -> record
let publicPractice;
let group; // Kathmandu's, with Colombo in it
let target; // a Kathmandu viewer nobody signs in as: PATCHed and reset
let hook; // a Kathmandu webhook
const files = {}; // level -> a file on the level's meeting
let adminToken; // one of the Kathmandu org admin's API tokens

/** Adds an account through POST /api/v1/users as who (client.mjs addUser). */
const addUser = (who, name, role, orgId) => addAccount(sessions[who], { name, role, orgId, tag: 'authz' });

before(async () => {
  env = environment('authz');
  data = demo(env);
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  assert.equal(data.orgs.find((o) => o.id === org.secretariat).country, 'NP', 'the Secretariat is in Nepal, as Kathmandu is');
  server = await serve(env);
  for (const role of Object.keys(data.accounts)) sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
  for (const role of ['viewer', 'analyst']) sessions[`ktm_${role}`] = await signInPlain(await addUser('org_admin', `ktm.${role}`, role, org.ktm));
  sessions.ktm_case_worker = await signInEnrolled(await addUser('org_admin', 'ktm.case_worker', 'case_worker', org.ktm), 'the Kathmandu case worker');
  sessions.sec_analyst = await signInPlain(await addUser('platform_admin', 'sec.analyst', 'analyst', org.secretariat));
  sessions.pune_org_admin = await signInEnrolled(await addUser('platform_admin', 'pune.org_admin', 'org_admin', org.pune), 'the Pune org admin');
  for (const a of actors) {
    assert.ok(sessions[a.who], `a session for ${a.who}`);
    assert.equal(sessions[a.who].user.role, a.role, `${a.who} is a ${a.role}`);
  }
  target = await addUser('org_admin', 'ktm.target', 'viewer', org.ktm);

  group = ok(await call('POST', '/api/v1/groups', { session: sessions.org_admin, body: { name: 'Authz corridor (fictional)' } }), 201, 'POST /api/v1/groups');
  ok(await call('POST', `/api/v1/groups/${group.id}/members`, { session: sessions.org_admin, body: { org_id: org.colombo } }), 200, 'Colombo joins');

  const as = { session: sessions.org_admin };
  for (const [level, tlp] of levels) {
    fixtures.meeting[level] = ok(await call('POST', '/api/v1/meetings', {
      ...as, body: { title: `Authz meeting ${level} (fictional)`, starts_at: '2031-03-01T04:30:00Z', ...share(level, tlp) },
    }), 201, `meeting at ${level}`);
    fixtures.action[level] = ok(await call('POST', '/api/v1/actions', {
      ...as, body: { title: `Authz action ${level} (fictional)`, theme: 'protection', countries: ['NP'], lead_org: org.ktm, ...share(level, tlp) },
    }), 201, `action at ${level}`);
    fixtures.practice[level] = ok(await call('POST', '/api/v1/practices', {
      ...as, body: { title: `Authz practice ${level} (fictional)`, summary: 'A fictional practice.', theme: 'protection', ...share(level, tlp) },
    }), 201, `practice at ${level}`);
    files[level] = await uploadFile('org_admin', fixtures.meeting[level].id, 201, `file on the ${level} meeting`);
    fixtures.case[level] = ok(await call('POST', '/api/v1/cases', {
      session: sessions.investigator, body: { reference: `Authz case ${level} (fictional)`, ...share(level, tlp) },
    }), 201, `case at ${level}`);
    ok(await call('POST', `/api/v1/cases/${fixtures.case[level].id}/persons`, {
      session: sessions.investigator, body: { role: 'victim', gender: 'Unknown', first_name: `Authz victim ${level} (fictional)` },
    }), 201, `a victim in the ${level} case`);
  }
  publicPractice = ok(await call('POST', '/api/v1/practices', {
    ...as, body: { title: 'Authz public practice (fictional)', summary: 'A fictional practice.', theme: 'protection', level: 'public', tlp: 'CLEAR' },
  }), 201, 'a public practice');
  hook = ok(await call('POST', '/api/v1/webhooks', {
    ...as, body: { url: 'https://hooks.example.org/authz-fictional', events: ['action.update'] },
  }), 201, 'a Kathmandu webhook');
  secrets.add(hook.secret);
  adminToken = ok(await call('POST', '/api/v1/tokens', { ...as, body: { name: 'authz fixture (fictional)' } }), 201, 'a token');
  secrets.add(adminToken.token);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

/** POST /api/v1/files on a meeting as who; asserts status when given; the answer's JSON or the response. */
async function uploadFile(who, meetingId, status, what) {
  const s = sessions[who];
  const res = await fetch(`${server.url}/api/v1/files?record_kind=meeting&record_id=${meetingId}`, {
    method: 'POST',
    headers: { cookie: `atip=${s.token}`, 'x-csrf-token': s.csrf, 'x-file-name': 'authz-note.txt', 'content-type': 'application/octet-stream' },
    body: Buffer.from('A fictional note for the authorisation matrix.\n'),
  });
  const text = await res.text();
  if (status === undefined) return { status: res.status, text };
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${text}`);
  return JSON.parse(text);
}

// ---- the matrix's bookkeeping ---------------------------------------------------------

// Every route part 3 checked, as 'METHOD /path' (see the last test).
const covered = new Set();

/** Collects every cell; report() fails once with every mismatch. */
function matrix() {
  const cells = [];
  const bad = [];
  const cover = (route) => covered.add(route.split(' ').slice(0, 2).join(' ').replace(/\?.*/, ''));
  return {
    /** want: 'ok' (the route's success status, okStatus) or an error status; got: the response's status. */
    check(route, a, level, want, okStatus, got, text = '') {
      const status = want === 'ok' ? okStatus : want;
      cells.push(route);
      cover(route);
      if (got !== status) bad.push(`${route} as ${a.who} (${a.role}, ${a.relation}${level ? `, level ${level}` : ''}): expected ${status}, got ${got} ${text.slice(0, 200)}`);
    },
    /** A list: must hold the record iff it is visible. */
    listed(route, a, level, visible, holds) {
      cells.push(route);
      cover(route);
      if (visible !== holds) bad.push(`${route} as ${a.who} (${a.role}, ${a.relation}, level ${level}): ${visible ? 'missing a visible record' : 'lists a hidden record'}`);
    },
    report(min) {
      assert.deepEqual(bad, [], `${bad.length} of ${cells.length} cells disagree:\n${bad.join('\n')}`);
      assert.ok(cells.length >= min, `checked ${cells.length} cells, expected at least ${min}`);
    },
  };
}

const itemsOf = (res, what) => ok(res, 200, what).items;

/** GET (as who) of a record route, for its version when a PATCH needs one. */
async function versionOf(p) {
  return ok(await call('GET', p, { session: sessions.org_admin }), 200, `GET ${p} as org_admin`).version;
}

// ---- 1. every route has a rule -----------------------------------------------------------

let doc;

test('the rules table holds exactly the (method, path) pairs of GET /api/v1/openapi.json', async () => {
  doc = ok(await call('GET', '/api/v1/openapi.json'), 200, 'GET /api/v1/openapi.json');
  const documented = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of methods.filter((x) => x in item)) documented.push(`${m.toUpperCase()} ${p}`);
  }
  const missing = documented.filter((r) => !(r in rules));
  const stale = Object.keys(rules).filter((r) => !documented.includes(r));
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] },
    `routes without a rule: ${missing.join(', ') || 'none'}; rules of no route: ${stale.join(', ') || 'none'}`);
  // The body the anonymous probe sends agrees with the document.
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of methods.filter((x) => x in item)) {
      const r = rules[`${m.toUpperCase()} ${p}`];
      if (r.body !== 'bytes') assert.equal(Boolean(item[m].requestBody), r.body === 'json', `${m.toUpperCase()} ${p}: takes a JSON body`);
    }
  }
});

// ---- 2. anonymous clients ---------------------------------------------------------------

test('anonymous: every route that is not public answers 401; every public one answers something else', async () => {
  const bad = [];
  for (const [route, r] of Object.entries(rules)) {
    const [method, p] = route.split(' ');
    const init = { method, headers: {} };
    if (r.body === 'json') {
      init.headers['content-type'] = 'application/json';
      init.body = '{}';
    } else if (r.body === 'bytes') {
      init.headers['content-type'] = 'application/octet-stream';
      init.headers['x-file-name'] = 'anonymous.txt';
      init.body = Buffer.from('anonymous bytes (fictional)\n');
    }
    const query = p === '/api/v1/files' || p === '/api/v1/threads' || p === '/api/v1/audit/record'
      ? `?record_kind=meeting&record_id=${dummyId}` : '';
    const res = await fetch(server.url + p.replace(/\{[^}]+\}/g, dummyId) + query, init);
    await res.arrayBuffer();
    if (r.public ? res.status === 401 : res.status !== 401) bad.push(`${route}: ${r.public ? 'public, yet' : 'not public:'} answered ${res.status}`);
  }
  assert.deepEqual(bad, []);
});

test('anonymous: a public practice is read and listed; practices at every other level are 404 and not listed', async () => {
  const m = matrix();
  const anon = { who: 'anonymous', role: 'anonymous', relation: 'anonymous' };
  const listed = itemsOf(await call('GET', '/api/v1/practices?limit=500'), 'GET /api/v1/practices anonymously').map((x) => x.id);
  for (const [level, p] of [['public', publicPractice], ...levels.map(([l]) => [l, fixtures.practice[l]])]) {
    const res = await call('GET', `/api/v1/practices/${p.id}`);
    m.check('GET /api/v1/practices/{id}', anon, level, level === 'public' ? 'ok' : 404, 200, res.status, res.text);
    m.listed('GET /api/v1/practices', anon, level, level === 'public', listed.includes(p.id));
  }
  m.report(8);
});

// ---- 3. role x relation x level ------------------------------------------------------------

test('meetings: read, list, PATCH and decisions follow expected() for every role, relation and level', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    const listed = itemsOf(await call('GET', '/api/v1/meetings?limit=500', { session: s }), `GET /api/v1/meetings as ${a.who}`).map((x) => x.id);
    for (const [level] of levels) {
      const id = fixtures.meeting[level].id;
      m.listed('GET /api/v1/meetings', a, level, expected(a.role, a.relation, level, 'read') === 'ok', listed.includes(id));
      let res = await call('GET', `/api/v1/meetings/${id}`, { session: s });
      m.check('GET /api/v1/meetings/{id}', a, level, expected(a.role, a.relation, level, 'read'), 200, res.status, res.text);
      const version = await versionOf(`/api/v1/meetings/${id}`);
      res = await call('PATCH', `/api/v1/meetings/${id}`, { session: s, body: { version, minutes: `Minutes by ${a.who} (fictional)` } });
      m.check('PATCH /api/v1/meetings/{id}', a, level, expected(a.role, a.relation, level, 'update'), 200, res.status, res.text);
      res = await call('POST', `/api/v1/meetings/${id}/decisions`, { session: s, body: { text: `Decided by ${a.who} (fictional)` } });
      m.check('POST /api/v1/meetings/{id}/decisions', a, level, expected(a.role, a.relation, level, 'update'), 201, res.status, res.text);
    }
    // Convening: a record of the actor's own organisation.
    const res = await call('POST', '/api/v1/meetings', { session: s, body: { title: `Convened by ${a.who} (fictional)`, starts_at: '2031-05-01T08:00:00Z' } });
    m.check('POST /api/v1/meetings', a, 'org (own)', expected(a.role, 'same_org', 'org', 'update'), 201, res.status, res.text);
  }
  m.report(actors.length * 13);
});

test('actions: read, list, PATCH and progress updates follow expected() for every role, relation and level', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    const listed = itemsOf(await call('GET', '/api/v1/actions?limit=500', { session: s }), `GET /api/v1/actions as ${a.who}`).map((x) => x.id);
    for (const [level] of levels) {
      const id = fixtures.action[level].id;
      m.listed('GET /api/v1/actions', a, level, expected(a.role, a.relation, level, 'read') === 'ok', listed.includes(id));
      let res = await call('GET', `/api/v1/actions/${id}`, { session: s });
      m.check('GET /api/v1/actions/{id}', a, level, expected(a.role, a.relation, level, 'read'), 200, res.status, res.text);
      const version = await versionOf(`/api/v1/actions/${id}`);
      res = await call('PATCH', `/api/v1/actions/${id}`, { session: s, body: { version, description: `Changed by ${a.who} (fictional)` } });
      m.check('PATCH /api/v1/actions/{id}', a, level, expected(a.role, a.relation, level, 'update'), 200, res.status, res.text);
      res = await call('POST', `/api/v1/actions/${id}/updates`, { session: s, body: { note: `Progress by ${a.who} (fictional)` } });
      m.check('POST /api/v1/actions/{id}/updates', a, level, expected(a.role, a.relation, level, 'progress'), 201, res.status, res.text);
    }
    const res = await call('POST', '/api/v1/actions', {
      session: s, body: { title: `Agreed by ${a.who} (fictional)`, theme: 'protection', countries: ['NP'], lead_org: s.user.org_id },
    });
    m.check('POST /api/v1/actions', a, 'org (own)', expected(a.role, 'same_org', 'org', 'update'), 201, res.status, res.text);
  }
  m.report(actors.length * 13);
});

test('threads: reading and commenting on meetings, actions and practices follow expected() (viewers read only)', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    for (const kind of ['meeting', 'action', 'practice']) {
      for (const [level] of levels) {
        const id = fixtures[kind][level].id;
        let res = await call('GET', `/api/v1/threads?record_kind=${kind}&record_id=${id}`, { session: s });
        m.check(`GET /api/v1/threads (${kind})`, a, level, expected(a.role, a.relation, level, 'read'), 200, res.status, res.text);
        res = await call('POST', '/api/v1/threads', { session: s, body: { record_kind: kind, record_id: id, body: `A comment by ${a.who} (fictional)` } });
        m.check(`POST /api/v1/threads (${kind})`, a, level, expected(a.role, a.relation, level, 'contribute'), 201, res.status, res.text);
      }
    }
  }
  m.report(actors.length * 18);
});

test('practices: read, list, PATCH and sharing one follow expected() for every role, relation and level', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    const listed = itemsOf(await call('GET', '/api/v1/practices?limit=500', { session: s }), `GET /api/v1/practices as ${a.who}`).map((x) => x.id);
    for (const [level] of levels) {
      const id = fixtures.practice[level].id;
      m.listed('GET /api/v1/practices', a, level, expected(a.role, a.relation, level, 'read') === 'ok', listed.includes(id));
      let res = await call('GET', `/api/v1/practices/${id}`, { session: s });
      m.check('GET /api/v1/practices/{id}', a, level, expected(a.role, a.relation, level, 'read'), 200, res.status, res.text);
      const version = await versionOf(`/api/v1/practices/${id}`);
      res = await call('PATCH', `/api/v1/practices/${id}`, { session: s, body: { version, summary: `Summary by ${a.who} (fictional)` } });
      m.check('PATCH /api/v1/practices/{id}', a, level, expected(a.role, a.relation, level, 'update'), 200, res.status, res.text);
    }
    const res = await call('POST', '/api/v1/practices', { session: s, body: { title: `Shared by ${a.who} (fictional)`, summary: 'Fictional.', theme: 'protection' } });
    m.check('POST /api/v1/practices', a, 'org (own)', expected(a.role, 'same_org', 'org', 'update'), 201, res.status, res.text);
  }
  m.report(actors.length * 10);
});

test('cases: read, list, PATCH, adding a person, personal=true and break glass follow expected() and need to know', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    const listed = itemsOf(await call('GET', '/api/v1/cases?limit=500', { session: s }), `GET /api/v1/cases as ${a.who}`).map((x) => x.id);
    for (const [level] of levels) {
      const id = fixtures.case[level].id;
      m.listed('GET /api/v1/cases', a, level, expected(a.role, a.relation, level, 'read') === 'ok', listed.includes(id));
      let res = await call('GET', `/api/v1/cases/${id}`, { session: s });
      m.check('GET /api/v1/cases/{id}', a, level, expected(a.role, a.relation, level, 'read'), 200, res.status, res.text);
      if (res.status === 200) {
        const clean = res.json.personal_included === false && !res.text.includes('Authz victim');
        m.check('GET /api/v1/cases/{id}: nothing personal', a, level, 'ok', 200, clean ? 200 : 'personal data', res.text);
      }
      res = await call('GET', `/api/v1/cases/${id}?personal=true`, { session: s });
      m.check('GET /api/v1/cases/{id}?personal=true', a, level, expectedCase(a.role, a.relation, level, 'personal'), 200, res.status, res.text);
      res = await call('POST', `/api/v1/cases/${id}/break-glass`, { session: s, body: { reason: `Authz matrix: an emergency of ${a.who} (fictional).` } });
      m.check('POST /api/v1/cases/{id}/break-glass', a, level, expectedCase(a.role, a.relation, level, 'glass'), 200, res.status, res.text);
      const version = await versionOf(`/api/v1/cases/${id}`);
      res = await call('PATCH', `/api/v1/cases/${id}`, { session: s, body: { version, reference: `Changed by ${a.who} (fictional)` } });
      m.check('PATCH /api/v1/cases/{id}', a, level, expected(a.role, a.relation, level, 'update'), 200, res.status, res.text);
      res = await call('POST', `/api/v1/cases/${id}/persons`, { session: s, body: { role: 'perpetrator', gender: 'Unknown' } });
      m.check('POST /api/v1/cases/{id}/persons', a, level, expected(a.role, a.relation, level, 'update'), 201, res.status, res.text);
    }
    const res = await call('POST', '/api/v1/cases', { session: s, body: { reference: `Opened by ${a.who} (fictional)` } });
    m.check('POST /api/v1/cases', a, 'org (own)', expected(a.role, 'same_org', 'org', 'update'), 201, res.status, res.text);
  }
  m.report(actors.length * 19);
});

test('case items: events, timeline, plans, follow-ups and a person\'s plain fields are added, changed and removed as expected(update) says', async () => {
  const m = matrix();
  const inv = { session: sessions.investigator };
  // Plain fields only: what needs to know adds is proven by part 3's cases
  // test and by case_records.test.mjs.
  const kinds = {
    events: { add: { type: 'Recruitment' }, change: { type: 'Transit' } },
    timeline: { add: { type: 'Other', date: '2025-01-01' }, change: { date: '2025-02-01' } },
    plans: { add: { type: 'Health' }, change: { type: 'Livelihood' } },
    followups: { add: { due_on: '2031-01-01' }, change: { due_on: '2031-02-01' } },
  };
  const add = async (id, kind) => ok(await call('POST', `/api/v1/cases/${id}/${kind}`, { ...inv, body: kinds[kind].add }), 201, `a case's ${kind}`);
  const items = {}; // level -> kind -> an item to change
  for (const [level] of levels) {
    items[level] = {};
    for (const kind of Object.keys(kinds)) items[level][kind] = await add(fixtures.case[level].id, kind);
  }
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    for (const [level] of levels) {
      const id = fixtures.case[level].id;
      const write = expected(a.role, a.relation, level, 'update');
      const check = (route, okStatus, res) => m.check(route, a, level, write, okStatus, res.status, res.text);
      const c = ok(await call('GET', `/api/v1/cases/${id}`, inv), 200, 'the case');
      for (const kind of Object.keys(kinds)) {
        const item = c[kind].find((x) => x.id === items[level][kind].id);
        check(`POST /api/v1/cases/{id}/${kind}`, 201, await call('POST', `/api/v1/cases/${id}/${kind}`, { ...s, body: kinds[kind].add }));
        check(`PATCH /api/v1/cases/{id}/${kind}/{item_id}`, 200, await call('PATCH', `/api/v1/cases/${id}/${kind}/${item.id}`, {
          ...s, body: { ...kinds[kind].change, version: item.version },
        }));
        const doomed = await add(id, kind);
        check(`DELETE /api/v1/cases/{id}/${kind}/{item_id}`, 204, await call('DELETE', `/api/v1/cases/${id}/${kind}/${doomed.id}`, s));
      }
      const person = c.persons[0];
      check('PATCH /api/v1/cases/{id}/persons/{person_id}', 200, await call('PATCH', `/api/v1/cases/${id}/persons/${person.id}`, {
        ...s, body: { version: person.version, age_band: '18-24' },
      }));
    }
  }
  m.report(actors.length * levels.length * 13);
});

test('case sharing: consents, grants, transfers, erasure, schedules and a person\'s copy follow expected() and need to know; offers are answered by the receiver\'s case roles', async () => {
  const m = matrix();
  const inv = { session: sessions.investigator };
  const post = async (p, body, what) => ok(await call('POST', p, { ...inv, body }), 201, what);
  const consent = (personId, orgId, scopes) => ({
    person_id: personId, consent: true, scopes, org_ids: [orgId], purpose: 'Shelter placement (fictional)', given_by: 'Person',
  });
  const victims = {};
  for (const [level] of levels) {
    const c = ok(await call('GET', `/api/v1/cases/${fixtures.case[level].id}`, inv), 200, 'the case');
    victims[level] = c.persons.find((p) => p.kind === 'victim').id;
    // Pune may be given the case: the victim agreed.
    await post(`/api/v1/cases/${c.id}/consents`, consent(victims[level], org.pune, ['Sharing']), `consent at ${level}`);
    await post(`/api/v1/cases/${c.id}/followups`, { person_id: victims[level], due_on: '2020-01-01' }, `an overdue follow-up at ${level}`);
  }
  const caseRoles = ['org_admin', 'case_worker', 'investigator'];
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    for (const [level, tlp] of levels) {
      const id = fixtures.case[level].id;
      const write = expected(a.role, a.relation, level, 'update');
      const check = (route, want, okStatus, res) => m.check(route, a, level, want, okStatus, res.status, res.text);
      check('POST /api/v1/cases/{id}/consents', write, 201, await call('POST', `/api/v1/cases/${id}/consents`, { ...s, body: consent(victims[level], org.colombo, ['Referral']) }));
      const fresh = await post(`/api/v1/cases/${id}/consents`, consent(victims[level], org.border, ['Referral']), 'a consent to withdraw');
      check('POST /api/v1/cases/{id}/consents/{item_id}/withdraw', write, 200, await call('POST', `/api/v1/cases/${id}/consents/${fresh.id}/withdraw`, s));
      // Who may share may also take the share back: a grant and an offer.
      check('POST /api/v1/cases/{id}/grants', write, 200, await call('POST', `/api/v1/cases/${id}/grants`, { ...s, body: { org_id: org.pune, purpose: 'Shelter placement (fictional)' } }));
      check('DELETE /api/v1/cases/{id}/grants/{org_id}', write, 204, await call('DELETE', `/api/v1/cases/${id}/grants/${org.pune}`, s));
      check('POST /api/v1/cases/{id}/transfer', write, 200, await call('POST', `/api/v1/cases/${id}/transfer`, { ...s, body: { org_id: org.pune } }));
      check('DELETE /api/v1/cases/{id}/transfer', write, 204, await call('DELETE', `/api/v1/cases/${id}/transfer`, s));
      check('POST /api/v1/cases/{id}/followups/schedule', write, 201, await call('POST', `/api/v1/cases/${id}/followups/schedule`, { ...s, body: { from: '2031-01-01', months: [1] } }));
      check('GET /api/v1/cases/{id}/persons/{person_id}/copy', expectedCase(a.role, a.relation, level, 'personal'), 200,
        await call('GET', `/api/v1/cases/${id}/persons/${victims[level]}/copy`, s));
      const doomed = ok(await call('POST', '/api/v1/cases', { ...inv, body: { reference: `Authz erased at ${level} (fictional)`, ...share(level, tlp) } }), 201, 'a case to erase');
      check('POST /api/v1/cases/{id}/erase', write, 200, await call('POST', `/api/v1/cases/${doomed.id}/erase`, { ...s, body: { reason: 'A court order of the fictional authz matrix.' } }));
    }
    // An offer to the actor's organisation (Kathmandu's own go to Pune):
    // answered by its case roles; anyone else finds nothing there.
    const to = sessions[a.who].user.org_id === org.ktm ? org.pune : sessions[a.who].user.org_id;
    const answer = to === org.pune && a.relation === 'same_org' ? 404 : caseRoles.includes(a.role) ? 'ok' : 403;
    for (const [step, okStatus] of [['accept', 200], ['decline', 204]]) {
      const offered = ok(await call('POST', '/api/v1/cases', { ...inv, body: { reference: `Authz offer to ${step} (fictional)` } }), 201, 'a case to offer');
      ok(await call('POST', `/api/v1/cases/${offered.id}/transfer`, { ...inv, body: { org_id: to } }), 200, 'the offer');
      const res = await call('POST', `/api/v1/cases/${offered.id}/transfer/${step}`, s);
      m.check(`POST /api/v1/cases/{id}/transfer/${step}`, a, 'offered', answer, okStatus, res.status, res.text);
    }
    // Follow-ups due: the own organisation's, and only those.
    const due = await call('GET', '/api/v1/followups', s);
    m.check('GET /api/v1/followups', a, null, 'ok', 200, due.status, due.text);
    if (due.status === 200) m.listed('GET /api/v1/followups', a, null, a.relation === 'same_org', due.text.includes(fixtures.case.org.id));
  }
  m.report(actors.length * (levels.length * 9 + 4));
});

test('organisations and case files: every member reads the directory and the forms; platform admins add and suspend members; exports and imports are one\'s own organisation\'s, personal data for case workers and investigators', async () => {
  const m = matrix();
  const csv = (personal) => `atp_CaseReference,cas_Status${personal ? ',prs_FirstName' : ''}\nAuthz imported (fictional),Active${personal ? ',Imported (fictional)' : ''}\n`;
  let imported; // an import of Kathmandu's, for reading it back
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    const check = (route, want, okStatus, res) => m.check(route, a, null, want, okStatus, res.status, res.text);
    const admin = a.role === 'platform_admin' ? 'ok' : 403;
    check('GET /api/v1/orgs', 'ok', 200, await call('GET', '/api/v1/orgs', s));
    check('GET /api/v1/orgs/{id}', 'ok', 200, await call('GET', `/api/v1/orgs/${org.ktm}`, s));
    // Bad bodies: refused 422 once the actor may, nothing changes.
    check('POST /api/v1/orgs (an invalid body)', admin, 422, await call('POST', '/api/v1/orgs', { ...s, body: { name: '', type: 'shelter', country: 'NP' } }));
    check('PATCH /api/v1/orgs/{id} (an invalid body)', admin, 422, await call('PATCH', `/api/v1/orgs/${org.ktm}`, { ...s, body: { status: 'gone', version: 1 } }));
    check('GET /api/v1/cases/forms', 'ok', 200, await call('GET', '/api/v1/cases/forms', s));
    // The own organisation's cases, plain for all; personal for need to know.
    const personal = expectedCase(a.role, 'same_org', 'org', 'personal');
    check('POST /api/v1/cases/export', 'ok', 200, await call('POST', '/api/v1/cases/export', { ...s, body: { format: 'csv' } }));
    check('POST /api/v1/cases/export (personal)', personal, 200, await call('POST', '/api/v1/cases/export', {
      ...s, body: { format: 'csv', personal: true, reason: 'Authz matrix: a court request (fictional).' },
    }));
    // Imports: into the own organisation, by its writers; names by need to know.
    for (const [what, want, body] of [['plain', expected(a.role, 'same_org', 'org', 'update'), csv(false)], ['personal', personal, csv(true)]]) {
      const res = await call('POST', '/api/v1/cases/imports', { ...s, body, type: 'text/csv' });
      check(`POST /api/v1/cases/imports (${what})`, want, 202, res);
      if (res.status === 202 && a.relation === 'same_org') imported = res.json.id;
    }
  }
  assert.ok(imported, 'Kathmandu imported a file');
  for (const a of actors) {
    const res = await call('GET', `/api/v1/cases/imports/${imported}`, { session: sessions[a.who] });
    m.check('GET /api/v1/cases/imports/{id}', a, null, a.relation === 'same_org' ? 'ok' : 404, 200, res.status, res.text);
  }
  m.report(actors.length * 10);
});

test('intel reports: read, list, search, network, STIX, changes, indicators and platform requests follow expected() for every role, relation and level', async () => {
  const m = matrix();
  const inv = { session: sessions.investigator };
  const report = async (level, tlp, what, indicators) => ok(await call('POST', '/api/v1/reports', {
    ...inv, body: { title: `Authz report ${what} (fictional)`, ...share(level, tlp), indicators },
  }), 201, `a report ${what}`);
  // Kathmandu's reports, each holding an address of its level's own.
  const fixture = {};
  const ip = { org: '192.0.2.201', group: '192.0.2.204', country: '192.0.2.202', platform: '192.0.2.203' };
  for (const [level, tlp] of levels) {
    fixture[level] = await report(level, tlp, `at ${level}`, [{ type: 'ip', value: ip[level] }]);
    fixture[level].request = ok(await call('POST', `/api/v1/reports/${fixture[level].id}/requests`, {
      ...inv, body: { platform: 'instagram', kind: 'preservation', target: 'Profile (fictional)' },
    }), 201, `a platform request at ${level}`);
  }
  let n = 0;
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    const listed = itemsOf(await call('GET', '/api/v1/reports?limit=500', s), `GET /api/v1/reports as ${a.who}`).map((x) => x.id);
    for (const [level, tlp] of levels) {
      const r = fixture[level];
      const read = expected(a.role, a.relation, level, 'read');
      const write = expected(a.role, a.relation, level, 'update');
      const check = (route, want, okStatus, res) => m.check(route, a, level, want, okStatus, res.status, res.text);
      m.listed('GET /api/v1/reports', a, level, read === 'ok', listed.includes(r.id));
      check('GET /api/v1/reports/{id}', read, 200, await call('GET', `/api/v1/reports/${r.id}`, s));
      check('GET /api/v1/reports/{id}/indicators/{indicator_id}', read, 200, await call('GET', `/api/v1/reports/${r.id}/indicators/${r.indicators[0].id}`, s));
      check('GET /api/v1/reports/{id}/requests', read, 200, await call('GET', `/api/v1/reports/${r.id}/requests`, s));
      check('GET /api/v1/reports/{id}/graph', read, 200, await call('GET', `/api/v1/reports/${r.id}/graph`, s));
      check('GET /api/v1/stix/reports/{id}', read, 200, await call('GET', `/api/v1/stix/reports/${r.id}`, s));
      // A report one may not see cannot be named in an export either.
      check('POST /api/v1/stix/export', read === 'ok' ? 'ok' : 422, 200, await call('POST', '/api/v1/stix/export', { ...s, body: { report_ids: [r.id] } }));
      // The search finds the report when visible; else at most Kathmandu's
      // count (AMBER and GREEN are counted), never the report.
      const found = await call('POST', '/api/v1/indicators/search', { ...s, body: { type: 'ip', value: ip[level] } });
      check('POST /api/v1/indicators/search', 'ok', 200, found);
      if (found.status === 200) {
        const [hit] = found.json.items;
        m.listed('POST /api/v1/indicators/search (sightings)', a, level, read === 'ok', hit.sightings.some((x) => x.report_id === r.id));
        const counted = hit.hidden.some((x) => x.org_id === org.ktm && x.count >= 1);
        m.listed('POST /api/v1/indicators/search (hidden count)', a, level, read !== 'ok', counted);
        if (read !== 'ok') m.listed('POST /api/v1/indicators/search (no hidden id)', a, level, false, found.text.includes(r.id));
      }
      const version = await versionOf(`/api/v1/reports/${r.id}`);
      check('PATCH /api/v1/reports/{id}', write, 200, await call('PATCH', `/api/v1/reports/${r.id}`, { ...s, body: { version, title: `Authz report at ${level}, changed by ${a.who} (fictional)` } }));
      n += 1;
      check('POST /api/v1/reports/{id}/indicators', write, 201, await call('POST', `/api/v1/reports/${r.id}/indicators`, {
        ...s, body: { indicators: [{ type: 'ip', value: `198.51.100.${n}` }] },
      }));
      check('POST /api/v1/reports/{id}/requests', write, 201, await call('POST', `/api/v1/reports/${r.id}/requests`, {
        ...s, body: { platform: 'telegram', kind: 'takedown', target: `Channel of ${a.who} (fictional)` },
      }));
      const req = itemsOf(await call('GET', `/api/v1/reports/${r.id}/requests`, inv), 'the requests').find((x) => x.id === r.request.id);
      check('PATCH /api/v1/reports/{id}/requests/{request_id}', write, 200, await call('PATCH', `/api/v1/reports/${r.id}/requests/${r.request.id}`, {
        ...s, body: { version: req.version, reference: `Ref of ${a.who} (fictional)` },
      }));
      // Deleting: a fresh indicator and a fresh report, so the fixtures stay.
      const doomed = ok(await call('POST', `/api/v1/reports/${r.id}/indicators`, { ...inv, body: { indicators: [{ type: 'ip', value: `203.0.113.${n}` }] } }), 201, 'an indicator to delete').items[0];
      check('DELETE /api/v1/reports/{id}/indicators/{indicator_id}', write, 204, await call('DELETE', `/api/v1/reports/${r.id}/indicators/${doomed.id}`, s));
      const gone = await report(level, tlp, `to delete at ${level}`, []);
      check('DELETE /api/v1/reports/{id}', write, 204, await call('DELETE', `/api/v1/reports/${gone.id}`, s));
    }
    // What every member does, and writing a report of one's own.
    const own = expected(a.role, 'same_org', 'org', 'update');
    let res = await call('POST', '/api/v1/reports', { ...s, body: { title: `Authz report of ${a.who} (fictional)`, level: 'org', tlp: 'AMBER' } });
    m.check('POST /api/v1/reports', a, 'org (own)', own, 201, res.status, res.text);
    res = await call('POST', '/api/v1/stix/import', { ...s, body: { type: 'bundle', id: 'bundle--2f0d6c0e-2d3c-4a8e-9b1a-6f4b9d7e1c01', objects: [
      { type: 'indicator', spec_version: '2.1', id: 'indicator--6a1c5a43-1f0e-4b5c-8c1e-0d8f2b3a4c5d', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z',
        pattern: "[ipv4-addr:value = '192.0.2.99']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
    ] } });
    m.check('POST /api/v1/stix/import', a, 'org (own)', own, 201, res.status, res.text);
    res = await call('POST', '/api/v1/indicators/extract', { ...s, body: { text: 'Call +91 98200 12345 (fictional).' } });
    m.check('POST /api/v1/indicators/extract', a, null, 'ok', 200, res.status, res.text);
    res = await call('POST', '/api/v1/indicators/path', { ...s, body: { from: { type: 'ip', value: ip.org }, to: { type: 'ip', value: ip.platform } } });
    m.check('POST /api/v1/indicators/path', a, null, 'ok', 200, res.status, res.text);
  }
  m.report(actors.length * (levels.length * 16 + 4));
});

test('services: every member reads the directory (a confidential address only in the owner); its writers change it; HSDS export and import likewise', async () => {
  const m = matrix();
  const inv = { session: sessions.investigator };
  const address = '77 Authz Hidden Lane (fictional)';
  const loc = ok(await call('POST', '/api/v1/locations', {
    ...inv, body: { name: 'Authz safe house (fictional)', address, city: 'Kathmandu', country: 'NP', confidential: true, referrers: [] },
  }), 201, 'a confidential location');
  const svc = ok(await call('POST', '/api/v1/services', {
    ...inv, body: { type: 'shelter', name: 'Authz shelter (fictional)', location_id: loc.id, capacity: 5 },
  }), 201, 'a service there');
  // Without a place: its HSDS entry imports whole wherever it is read.
  const desk = ok(await call('POST', '/api/v1/services', { ...inv, body: { type: 'legal_aid', name: 'Authz legal desk (fictional)' } }), 201, 'a service');
  // The directory is the platform's: read by all, written by the owner's writers.
  const read = 'ok';
  const write = (a) => expected(a.role, a.relation, 'platform', 'update');
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    const check = (route, want, okStatus, res) => m.check(route, a, null, want, okStatus, res.status, res.text);
    const own = a.relation === 'same_org';
    let res = await call('GET', `/api/v1/services?org_id=${org.ktm}&limit=500`, s);
    check('GET /api/v1/services', read, 200, res);
    if (res.status === 200) m.listed('GET /api/v1/services', a, null, true, res.json.items.some((x) => x.id === svc.id));
    if (res.status === 200) m.listed('GET /api/v1/services (confidential address)', a, null, own, res.text.includes(address));
    res = await call('GET', `/api/v1/services/${svc.id}`, s);
    check('GET /api/v1/services/{id}', read, 200, res);
    res = await call('GET', `/api/v1/locations?org_id=${org.ktm}`, s);
    check('GET /api/v1/locations', read, 200, res);
    if (res.status === 200) m.listed('GET /api/v1/locations', a, null, true, res.json.items.some((x) => x.id === loc.id));
    res = await call('GET', `/api/v1/locations/${loc.id}`, s);
    check('GET /api/v1/locations/{id}', read, 200, res);
    if (res.status === 200) m.listed('GET /api/v1/locations/{id} (confidential address)', a, null, own, res.text.includes(address));
    res = await call('GET', `/api/v1/services/hsds?org_id=${org.ktm}`, s);
    check('GET /api/v1/services/hsds', read, 200, res);
    if (res.status === 200) m.listed('GET /api/v1/services/hsds (confidential address)', a, null, own, res.text.includes(address));
    const hsds = res.json?.items ?? [];
    let version = ok(await call('GET', `/api/v1/services/${svc.id}`, inv), 200, 'the service').version;
    check('PATCH /api/v1/services/{id}', write(a), 200, await call('PATCH', `/api/v1/services/${svc.id}`, { ...s, body: { version, description: `Changed by ${a.who} (fictional).` } }));
    check('PUT /api/v1/services/{id}/vacancies', write(a), 200, await call('PUT', `/api/v1/services/${svc.id}/vacancies`, { ...s, body: { vacancies: 1 } }));
    version = ok(await call('GET', `/api/v1/locations/${loc.id}`, inv), 200, 'the location').version;
    check('PATCH /api/v1/locations/{id}', write(a), 200, await call('PATCH', `/api/v1/locations/${loc.id}`, { ...s, body: { version, description: `Changed by ${a.who} (fictional).` } }));
    // One's own: a service, a location, an HSDS import of Kathmandu's entry.
    const mine = expected(a.role, 'same_org', 'org', 'update');
    check('POST /api/v1/services', mine, 201, await call('POST', '/api/v1/services', { ...s, body: { type: 'education', name: `Classes of ${a.who} (fictional)`, status: 'inactive' } }));
    check('POST /api/v1/locations', mine, 201, await call('POST', '/api/v1/locations', { ...s, body: { name: `Place of ${a.who} (fictional)`, country: 'NP' } }));
    const entry = hsds.filter((x) => x.id === desk.id).map((x) => ({ ...x, name: `Imported by ${a.who} (fictional)` }));
    assert.equal(entry.length, 1, `${a.who}: the HSDS entry of the desk`);
    check('POST /api/v1/services/hsds', mine, 201, await call('POST', '/api/v1/services/hsds', { ...s, body: { items: entry } }));
  }
  m.report(actors.length * 16);
});

test('referrals: read and listed by the two organisations alone; answered by the receiver\'s writers, withdrawn by the referrer\'s; made by the case\'s case workers; indicators for admins and analysts', async () => {
  const m = matrix();
  const inv = { session: sessions.investigator };
  // A Kathmandu case whose victim agreed to Pune's help.
  const c = ok(await call('POST', '/api/v1/cases', { ...inv, body: { reference: 'Authz referral case (fictional)' } }), 201, 'a case');
  const v = ok(await call('POST', `/api/v1/cases/${c.id}/persons`, {
    ...inv, body: { role: 'victim', gender: 'Feminine', first_name: 'Authz referred (fictional)' },
  }), 201, 'a victim');
  ok(await call('POST', `/api/v1/cases/${c.id}/consents`, {
    ...inv, body: { person_id: v.id, consent: true, scopes: ['Referral'], org_ids: [org.pune], purpose: 'shelter', given_by: 'Person' },
  }), 201, 'her consent');
  const body = { case_id: c.id, to_org: org.pune, reason: 'Shelter and counselling (fictional)', fields: ['first_name'] };
  const refer = async () => ok(await call('POST', '/api/v1/referrals', { ...inv, body }), 201, 'a referral');
  const sideOf = (a) => ({ [org.ktm]: 'from', [org.pune]: 'to' })[sessions[a.who].user.org_id] ?? 'third';
  // A side's writers act; the rest of the two organisations 403; others 404.
  const actor = (a, side) => (sideOf(a) === 'third' ? 404 : sideOf(a) === side && writers.includes(a.role) ? 'ok' : 403);
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    const check = (route, want, okStatus, res) => m.check(route, a, sideOf(a), want, okStatus, res.status, res.text);
    const [r1, r2, r3] = [await refer(), await refer(), await refer()];
    check('GET /api/v1/referrals/{id}', sideOf(a) === 'third' ? 404 : 'ok', 200, await call('GET', `/api/v1/referrals/${r1.id}`, s));
    const listed = itemsOf(await call('GET', '/api/v1/referrals?limit=500', s), `GET /api/v1/referrals as ${a.who}`).map((x) => x.id);
    m.listed('GET /api/v1/referrals', a, sideOf(a), sideOf(a) !== 'third', listed.includes(r1.id));
    for (const step of ['accept', 'start', 'complete']) {
      check(`POST /api/v1/referrals/{id}/${step}`, actor(a, 'to'), 200, await call('POST', `/api/v1/referrals/${r1.id}/${step}`, s));
    }
    check('POST /api/v1/referrals/{id}/decline', actor(a, 'to'), 200, await call('POST', `/api/v1/referrals/${r2.id}/decline`, { ...s, body: { reason: 'No place (fictional)' } }));
    check('POST /api/v1/referrals/{id}/withdraw', actor(a, 'from'), 200, await call('POST', `/api/v1/referrals/${r3.id}/withdraw`, { ...s, body: { reason: 'Went home (fictional)' } }));
    check('GET /api/v1/referrals/indicators', ['org_admin', 'platform_admin', 'analyst'].includes(a.role) ? 'ok' : 403, 200, await call('GET', '/api/v1/referrals/indicators', s));
    // Referring shares her data: the case's own case workers and
    // investigators.  The receiver sees the case while a referral is open
    // (403), a third organisation does not (404).
    const refers = sideOf(a) === 'to' ? 403 : expectedCase(a.role, a.relation, 'org', 'personal');
    check('POST /api/v1/referrals', refers, 201, await call('POST', '/api/v1/referrals', { ...s, body }));
  }
  m.report(actors.length * 9);
});

test('linkage alerts: case workers, investigators and org admins of the two organisations read, list and decide; other roles 403; a third organisation 404', async () => {
  const m = matrix();
  // The same woman in a Kathmandu case and in a Pune case.
  const fields = { role: 'victim', gender: 'Feminine', first_name: 'Authzmaya', family_name: 'Fictionalsherpa', birth_date: '2001-05-17', mobile_phone: '+9779800000917' };
  const mine = ok(await call('POST', '/api/v1/cases', { session: sessions.investigator, body: { reference: 'Authz linkage Kathmandu (fictional)' } }), 201, 'a Kathmandu case');
  ok(await call('POST', `/api/v1/cases/${mine.id}/persons`, { session: sessions.investigator, body: fields }), 201, 'her in Kathmandu');
  const theirs = ok(await call('POST', '/api/v1/cases', { session: sessions.case_worker, body: { reference: 'Authz linkage Pune (fictional)' } }), 201, 'a Pune case');
  ok(await call('POST', `/api/v1/cases/${theirs.id}/persons`, { session: sessions.case_worker, body: fields }), 201, 'her in Pune');
  // The watch is woken by every person written.
  let alert;
  for (const deadline = Date.now() + 30000; !alert; await new Promise((r) => setTimeout(r, 250))) {
    assert.ok(Date.now() < deadline, 'the watch raises the alert within 30 s');
    alert = itemsOf(await call('GET', '/api/v1/linkage/alerts?state=all&limit=500', { session: sessions.investigator }), 'the alerts')
      .find((x) => JSON.stringify(x).includes(mine.id));
  }
  const caseRoles = ['case_worker', 'investigator', 'org_admin'];
  const sideOf = (a) => [org.ktm, org.pune].includes(sessions[a.who].user.org_id);
  for (const a of actors) {
    const s = { session: sessions[a.who] };
    const want = !caseRoles.includes(a.role) ? 403 : sideOf(a) ? 'ok' : 404;
    const check = (route, okStatus, res) => m.check(route, a, null, want, okStatus, res.status, res.text);
    let res = await call('GET', '/api/v1/linkage/alerts?state=all&limit=500', s);
    m.check('GET /api/v1/linkage/alerts', a, null, caseRoles.includes(a.role) ? 'ok' : 403, 200, res.status, res.text);
    if (res.status === 200) m.listed('GET /api/v1/linkage/alerts', a, null, sideOf(a), res.json.items.some((x) => x.id === alert.id));
    check('GET /api/v1/linkage/alerts/{id}', 200, await call('GET', `/api/v1/linkage/alerts/${alert.id}`, s));
    // A stale version: refused 409 once the actor may decide, nothing decided.
    res = await call('POST', `/api/v1/linkage/alerts/${alert.id}/decision`, { ...s, body: { decision: 'not_same', version: alert.version - 1 } });
    check('POST /api/v1/linkage/alerts/{id}/decision (stale)', 409, res);
  }
  const after = ok(await call('GET', `/api/v1/linkage/alerts/${alert.id}`, { session: sessions.investigator }), 200, 'the alert');
  assert.deepEqual([after.state, after.version], ['open', alert.version], 'nobody decided it');
  m.report(actors.length * 3 + actors.filter((a) => caseRoles.includes(a.role)).length);
});

test('files on meetings: upload, list, describe, download and erase follow expected() for every role, relation and level', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    for (const [level] of levels) {
      const meeting = fixtures.meeting[level].id;
      const read = expected(a.role, a.relation, level, 'read');
      const write = expected(a.role, a.relation, level, 'update');
      const up = await uploadFile(a.who, meeting);
      m.check('POST /api/v1/files', a, level, write, 201, up.status, up.text);
      let res = await call('GET', `/api/v1/files?record_kind=meeting&record_id=${meeting}`, { session: s });
      m.check('GET /api/v1/files', a, level, read, 200, res.status, res.text);
      res = await call('GET', `/api/v1/files/${files[level].id}`, { session: s });
      m.check('GET /api/v1/files/{id}', a, level, read, 200, res.status, res.text);
      res = await call('GET', `/api/v1/files/${files[level].id}/content`, { session: s });
      m.check('GET /api/v1/files/{id}/content', a, level, read, 200, res.status, res.text);
      // Erasing: a fresh file of the org admin's, so that the fixtures stay.
      const doomed = await uploadFile('org_admin', meeting, 201, 'a file to erase');
      res = await call('DELETE', `/api/v1/files/${doomed.id}`, { session: s });
      m.check('DELETE /api/v1/files/{id}', a, level, write, 204, res.status, res.text);
    }
  }
  m.report(actors.length * 15);
});

test('audit record trail: GET /api/v1/audit/record answers the owner\'s writers (update), 403 to others who see the record, 404 when hidden', async () => {
  const m = matrix();
  for (const a of actors) {
    for (const kind of ['meeting', 'action', 'practice']) {
      for (const [level] of levels) {
        const res = await call('GET', `/api/v1/audit/record?record_kind=${kind}&record_id=${fixtures[kind][level].id}`, { session: sessions[a.who] });
        m.check(`GET /api/v1/audit/record (${kind})`, a, level, expected(a.role, a.relation, level, 'update'), 200, res.status, res.text);
      }
    }
  }
  m.report(actors.length * 9);
});

test('users: Kathmandu\'s accounts are read, added, changed and reset as expectedAdmin(user) says', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    let res = await call('GET', `/api/v1/users?org_id=${org.ktm}`, { session: s });
    m.check('GET /api/v1/users?org_id=Kathmandu', a, null, expectedAdmin('user', a.role, a.relation, 'read'), 200, res.status, res.text);
    // An empty email: refused (422) only once the actor may add users here.
    res = await call('POST', '/api/v1/users', { session: s, body: { org_id: org.ktm, email: '', name: 'Nobody (fictional)', role: 'viewer', password: 'x' } });
    m.check('POST /api/v1/users (Kathmandu; an invalid body)', a, null, expectedAdmin('user', a.role, a.relation, 'admin'), 422, res.status, res.text);
    const version = itemsOf(await call('GET', `/api/v1/users?org_id=${org.ktm}&limit=500`, { session: sessions.org_admin }), 'the users')
      .find((u) => u.id === target.id).version;
    res = await call('PATCH', `/api/v1/users/${target.id}`, { session: s, body: { active: true, version } });
    m.check('PATCH /api/v1/users/{id}', a, null, expectedAdmin('user', a.role, a.relation, 'admin'), 200, res.status, res.text);
    res = await call('POST', `/api/v1/users/${target.id}/reset`, { session: s, body: { reset_totp: true } });
    m.check('POST /api/v1/users/{id}/reset', a, null, expectedAdmin('user', a.role, a.relation, 'admin'), 200, res.status, res.text);
  }
  m.report(actors.length * 4);
});

test('profiles: every member reads Kathmandu\'s directory entry; writing it follows expectedAdmin(user)', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    let res = await call('GET', `/api/v1/orgs/${org.ktm}/profile`, { session: s });
    m.check('GET /api/v1/orgs/{id}/profile', a, null, 'ok', 200, res.status, res.text);
    const version = ok(await call('GET', `/api/v1/orgs/${org.ktm}/profile`, { session: sessions.org_admin }), 200, 'the profile').version ?? 0;
    res = await call('PUT', `/api/v1/orgs/${org.ktm}/profile`, { session: s, body: { version, mandate: `Written by ${a.who} (fictional)` } });
    m.check('PUT /api/v1/orgs/{id}/profile', a, null, expectedAdmin('profile', a.role, a.relation, 'admin'), 200, res.status, res.text);
  }
  m.report(actors.length * 2);
});

test('groups: a Kathmandu group with Colombo in it is listed, joined and left as expectedAdmin(group) says', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    const relation = a.relation !== 'same_org' && s.user.org_id === org.colombo ? 'member' : a.relation;
    const cell = { ...a, relation };
    const listed = itemsOf(await call('GET', '/api/v1/groups', { session: s }), `GET /api/v1/groups as ${a.who}`).map((g) => g.id);
    // The list holds the groups the actor's organisation belongs to.
    m.listed('GET /api/v1/groups', cell, 'group', relation === 'same_org' || relation === 'member', listed.includes(group.id));
    const want = expectedAdmin('group', a.role, relation, 'admin');
    let res = await call('POST', `/api/v1/groups/${group.id}/members`, { session: s, body: { org_id: org.border } });
    m.check('POST /api/v1/groups/{id}/members', cell, null, want, 200, res.status, res.text);
    res = await call('DELETE', `/api/v1/groups/${group.id}/members/${want === 'ok' ? org.border : org.colombo}`, { session: s });
    m.check('DELETE /api/v1/groups/{id}/members/{org_id}', cell, null, want, 200, res.status, res.text);
    // Making a group: a group of the actor's own organisation.
    res = await call('POST', '/api/v1/groups', { session: s, body: { name: `Group of ${a.who} (fictional)` } });
    m.check('POST /api/v1/groups', a, 'own', expectedAdmin('group', a.role, 'same_org', 'admin'), 201, res.status, res.text);
  }
  m.report(actors.length * 4);
});

test('webhooks: run by their organisation\'s admins (expectedAdmin(user) of the own organisation); another organisation\'s hook is not there', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    const mine = expectedAdmin('user', a.role, 'same_org', 'admin');
    let res = await call('GET', '/api/v1/webhooks', { session: s });
    m.check('GET /api/v1/webhooks', a, 'own', mine, 200, res.status, res.text);
    if (res.status === 200) m.listed('GET /api/v1/webhooks', a, 'Kathmandu hook', a.relation === 'same_org', res.json.items.some((h) => h.id === hook.id));
    res = await call('POST', '/api/v1/webhooks', { session: s, body: { url: 'https://hooks.example.org/own-fictional', events: ['action.update'] } });
    m.check('POST /api/v1/webhooks', a, 'own', mine, 201, res.status, res.text);
    // Kathmandu's hook: the actor's admins' right first, then whose hook it is.
    const theirs = mine !== 'ok' ? mine : a.relation === 'same_org' ? 'ok' : 404;
    res = await call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, { session: s });
    m.check('GET /api/v1/webhooks/{id}/deliveries', a, 'Kathmandu hook', theirs, 200, res.status, res.text);
    if (theirs !== 'ok') {
      res = await call('DELETE', `/api/v1/webhooks/${hook.id}`, { session: s });
      m.check('DELETE /api/v1/webhooks/{id}', a, 'Kathmandu hook', theirs, 204, res.status, res.text);
    }
  }
  const res = await call('DELETE', `/api/v1/webhooks/${hook.id}`, { session: sessions.org_admin });
  m.check('DELETE /api/v1/webhooks/{id}', actors[0], 'Kathmandu hook', 'ok', 204, res.status, res.text);
  m.report(actors.length * 4);
});

test('tokens: everyone lists and makes their own; another user\'s token is not there (404); its owner revokes it', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    let res = await call('GET', '/api/v1/tokens', { session: s });
    m.check('GET /api/v1/tokens', a, 'own', 'ok', 200, res.status, res.text);
    if (res.status === 200) m.listed('GET /api/v1/tokens', a, 'the org admin\'s token', a.who === 'org_admin', res.json.items.some((t) => t.id === adminToken.id));
    res = await call('POST', '/api/v1/tokens', { session: s, body: { name: `Token of ${a.who} (fictional)` } });
    m.check('POST /api/v1/tokens', a, 'own', 'ok', 201, res.status, res.text);
    if (res.json?.token) secrets.add(res.json.token);
    if (a.who !== 'org_admin') {
      res = await call('DELETE', `/api/v1/tokens/${adminToken.id}`, { session: s });
      m.check('DELETE /api/v1/tokens/{id}', a, 'another user\'s', 404, 204, res.status, res.text);
    }
  }
  const res = await call('DELETE', `/api/v1/tokens/${adminToken.id}`, { session: sessions.org_admin });
  m.check('DELETE /api/v1/tokens/{id}', actors[0], 'own', 'ok', 204, res.status, res.text);
  m.report(actors.length * 4);
});

test('audit: Kathmandu\'s trail and flags are read as expectedAdmin(audit) says; a review is for the own org admins alone', async () => {
  const m = matrix();
  for (const a of actors) {
    const s = sessions[a.who];
    let res = await call('GET', `/api/v1/audit?org_id=${org.ktm}`, { session: s });
    m.check('GET /api/v1/audit?org_id=Kathmandu', a, null, expectedAdmin('audit', a.role, a.relation, 'read'), 200, res.status, res.text);
    res = await call('GET', `/api/v1/audit/flags?org_id=${org.ktm}`, { session: s });
    m.check('GET /api/v1/audit/flags?org_id=Kathmandu', a, null, expectedAdmin('audit', a.role, a.relation, 'read'), 200, res.status, res.text);
    // The own trail: its org admins read it; a review of a flag nobody has
    // is 404 once allowed.
    res = await call('GET', '/api/v1/audit', { session: s });
    m.check('GET /api/v1/audit (own)', a, 'own', expectedAdmin('audit', a.role, 'same_org', 'read'), 200, res.status, res.text);
    res = await call('POST', `/api/v1/audit/flags/${dummyId}/review`, { session: s, body: { note: 'Reviewed (fictional).' } });
    m.check('POST /api/v1/audit/flags/{id}/review (own, no such flag)', a, 'own', expectedAdmin('audit', a.role, 'same_org', 'review'), 404, res.status, res.text);
  }
  m.report(actors.length * 4);
});

test('notifications: everyone reads and counts their own; another user\'s notification is not there (404)', async () => {
  const m = matrix();
  const theirs = itemsOf(await call('GET', '/api/v1/notifications?limit=500', { session: sessions.org_admin }), 'the org admin\'s notifications');
  assert.ok(theirs.length > 0, 'progress on Kathmandu\'s actions notified its org admin');
  const one = theirs[0];
  assert.equal(one.read_at, null, 'the org admin has not read it');
  for (const a of actors) {
    const s = sessions[a.who];
    let res = await call('GET', '/api/v1/notifications', { session: s });
    m.check('GET /api/v1/notifications', a, 'own', 'ok', 200, res.status, res.text);
    if (res.status === 200 && a.who !== 'org_admin') m.listed('GET /api/v1/notifications', a, 'the org admin\'s', false, res.json.items.some((n) => n.id === one.id));
    res = await call('GET', '/api/v1/notifications/count', { session: s });
    m.check('GET /api/v1/notifications/count', a, 'own', 'ok', 200, res.status, res.text);
    if (a.who !== 'org_admin') {
      res = await call('POST', `/api/v1/notifications/${one.id}/read`, { session: s });
      m.check('POST /api/v1/notifications/{id}/read', a, 'another user\'s', 404, 200, res.status, res.text);
      res = await call('POST', '/api/v1/notifications/read', { session: s });
      m.check('POST /api/v1/notifications/read', a, 'own', 'ok', 200, res.status, res.text);
    }
  }
  const after = itemsOf(await call('GET', '/api/v1/notifications?limit=500', { session: sessions.org_admin }), 'the org admin\'s notifications');
  assert.equal(after.find((n) => n.id === one.id).read_at, null, 'nobody else marked it read');
  m.report(actors.length * 4);
});

test('the fixtures are what the matrix assumes: Kathmandu owns them at their levels', () => {
  for (const kind of Object.keys(fixtures)) {
    for (const [level, tlp] of levels) {
      const r = fixtures[kind][level];
      assert.match(r.id, uuid, `${kind} ${level}`);
      assert.deepEqual([r.owner_org, r.level, r.tlp], [org.ktm, level, tlp], `${kind} at ${level}`);
    }
  }
});

test('part 3 checked every route of every family (run the whole file)', () => {
  const families = Object.entries(rules).filter(([, r]) => r.family).map(([route]) => route);
  assert.deepEqual(families.filter((route) => !covered.has(route)), [], 'routes with a family no test of part 3 checked');
});

// Accounts over the API, against a real `atip serve` whose data dir was
// filled by `atip demo` (every demo account enrolled with TOTP):
//
//  1. GET /api/v1/users: one's own organisation; another one answers 404
//     except to the platform admin; a malformed or unknown org_id 404; cursor
//     pages.  POST /api/v1/users: org admins add to their own organisation
//     (another one 404; adding a platform admin 403); other roles 403 before
//     the fields are looked at ({} or wrong fields alike); 422 naming every
//     wrong field; a taken email 409.
//  2. PATCH /api/v1/users/{id}: disabling ends the user's sessions (and
//     stops their API tokens) at once and refuses their sign-in; the version
//     check (409); re-enabling lets them sign in again.  Another
//     organisation's admin gets 404.
//  3. POST /api/v1/users/{id}/reset: a new password and/or a cleared second
//     factor; the user's sessions end, they sign in with the new password
//     and must enrol again.  A platform admin can be reset by platform
//     admins only: the org admin of the platform admin's own organisation
//     gets 403 (an org admin elsewhere does not see the account: 404).
//  4. PUT /api/v1/me/password (as an org admin enrolled over the API here,
//     whose recovery codes let it sign in again at once): the current
//     password checked, the policy (8 characters with a second factor, 15
//     without, no common passwords), the other sessions end, this one stays.
//  5. API tokens: made from a session only, used as Authorization: Bearer
//     without cookie or CSRF token, listed (never the token), revoked at
//     once, one's own only; `atip token create` on the data dir while the
//     server runs.
//  6. Sharing groups: owner's org admins manage members, hidden membership,
//     other roles 403, outsiders 404, the owner stays a member.
//  7. GET /api/v1/audit: the organisation's trail newest first, holding the
//     entry of every change above (matched by X-Request-Id), cursor pages;
//     org admins only (the platform admin: any chain, "platform" too); after
//     SIGTERM, `atip audit verify` ok.
//  8. Nothing secret in the server's log.
//
// Defects found while writing this file are kept as regression tests.
//
// The data dir and database are this file's own: on PostgreSQL a private
// database is made next to ATIP_TEST_DB (which other test files share) with
// psql and dropped at the end, so that `atip demo` prints fresh accounts.
// Signing in is slow (argon2id): every demo account signs in once and its
// session is reused.  A TOTP code's time step is taken once per account
// (server.mjs: nextTotp); recovery codes stand in where an account signs in
// again.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { assertUserShape, client, invalid, ok, problem, session } from './client.mjs';
import {
  atip, auditVerify, base32Decode, codes, demo, dropDatabases, environment, nextTotp, secrets, serve, uuid,
} from './server.mjs';

const apiTokenFormat = /^atip_[A-Za-z0-9_-]{43}$/;
const base32Secret = /^[A-Z2-7]{32}$/;
const rfc3339Utc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const tokenKeys = ['created_at_ms', 'expires_at_ms', 'id', 'last_used_at_ms', 'name', 'revoked'];
const auditKeys = ['action', 'actor_user', 'at', 'outcome', 'record_id', 'record_kind', 'request_id', 'seq'];
const wrongDetail = 'The email, the password or the code is wrong.';
const DAY_MS = 24 * 3600 * 1000;
const startedAt = Date.now();

// ---- HTTP (client.mjs) -----------------------------------------------------
//
// secrets and codes (server.mjs): looked for in the log at the end.

let server;
const { call, signInRequest, signInWithCode, signInPlain } = client(() => server);

/** Asserts a 204 with an empty body. */
function noContent(res, what) {
  assert.equal(res.status, 204, `${what}: expected 204, got ${res.status} ${res.text}`);
  assert.equal(res.text, '', `${what}: no body`);
}

/** A 403 that is about the role or the rule, not the CSRF token or enrolment. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: not a CSRF or enrolment refusal: ${p.detail}`);
  return p;
}

// ---- accounts and sign-in ---------------------------------------------------

/** A password the policy takes without a second factor: 24 random characters. */
function strongPassword() {
  const p = `${crypto.randomBytes(18).toString('base64url')}`;
  secrets.add(p);
  return p;
}

/** The usual 401 for a wrong email, password or code (or a disabled account). */
async function assertSignInRefused(account, { code, password } = {}, what) {
  const p = problem(await signInRequest(account, code, { password }), 401, what);
  assert.equal(p.detail, wrongDetail, what);
  return p;
}

/**
 * Enrols a second factor from a session that must enrol: POST
 * /api/v1/me/totp, then confirm with the current code.  Sets account.totp,
 * account.lastStep and account.recovery.
 */
async function enrol(account, s, what) {
  const begun = ok(await call('POST', '/api/v1/me/totp', { session: s }), 201, `${what}: POST /api/v1/me/totp`);
  assert.match(begun.secret, base32Secret, `${what}: a base32 secret`);
  assert.equal(base32Decode(begun.secret).length, 20, `${what}: 160 bits`);
  secrets.add(begun.secret);
  secrets.add(begun.otpauth_uri);
  const { code, step } = await nextTotp(begun.secret);
  codes.add(code);
  const res = await call('POST', '/api/v1/me/totp/confirm', { session: s, body: { code } });
  const body = ok(res, 200, `${what}: POST /api/v1/me/totp/confirm`);
  assert.equal(body.recovery_codes.length, 10, `${what}: ten recovery codes`);
  for (const c of body.recovery_codes) secrets.add(c);
  account.totp = begun.secret;
  account.lastStep = step;
  account.recovery = [...body.recovery_codes];
  return res;
}

// ---- the environment: `atip demo`, then `atip serve` ------------------------

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
const homeOf = {
  platform_admin: 'Demo Platform Secretariat (fictional)',
  org_admin: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  investigator: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  case_worker: 'Demo Safe Home Shelter, Pune (fictional)',
  analyst: 'Demo Rights Collective, Colombo (fictional)',
  viewer: 'Demo Border Force Unit (fictional)',
};

let env;
let auditBefore;
const accounts = {}; // role (or a name for an account made here) -> {email, password, totp, lastStep, id, ...}
const sessions = {}; // the same keys -> { token, csrf, user, required }
const org = {}; // ktm, pune, colombo, border, secretariat -> id
let unknownOrg; // a well-formed organisation id no organisation has
// What the Kathmandu unit's and the Secretariat's audit chains must show: { action, rid, record, actor }.
const ktmExpected = [];
const secExpected = [];

function expectAudit(action, res, record, actor) {
  assert.ok(res.rid, `${action}: an X-Request-Id`);
  ktmExpected.push({ action, rid: res.rid, record, actor });
}

before(async () => {
  env = environment('accounts_api');
  const printed = demo(env);
  const byName = Object.fromEntries(printed.orgs.map((o) => [o.name, o.id]));
  org.ktm = byName[homeOf.org_admin];
  org.pune = byName[homeOf.case_worker];
  org.colombo = byName[homeOf.analyst];
  org.border = byName[homeOf.viewer];
  org.secretariat = byName[homeOf.platform_admin];
  for (const [k, id] of Object.entries(org)) assert.match(id || '', uuid, `the demo organisation ${k}`);
  unknownOrg = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  Object.assign(accounts, printed.accounts); // demo() asserted one per role, each with a base32 TOTP secret
  assert.deepEqual(Object.keys(accounts).sort(), [...roles].sort(), 'an account per role');
  auditBefore = auditVerify(env).entries;
  server = await serve(env);
  for (const role of roles) {
    sessions[role] = await signInWithCode(accounts[role], `${role} signs in`);
    assert.equal(sessions[role].required, false, `${role}: enrolled`);
    assert.equal(sessions[role].user.org_id, org[{
      platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
    }[role]], `${role}: its organisation`);
    accounts[role].id = sessions[role].user.id;
  }
  expectAudit('session.create', sessions.org_admin, accounts.org_admin.id, accounts.org_admin.id);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

/** GET /api/v1/users[?query] with session s (or {bearer}): 200, its body (shapes asserted). */
async function listUsers(s, query, what) {
  const auth = s.bearer ? { bearer: s.bearer } : { session: s };
  const list = ok(await call('GET', `/api/v1/users${query ? `?${query}` : ''}`, auth), 200, what);
  assert.deepEqual(Object.keys(list).sort(), ['items', 'next_cursor'], `${what}: ${JSON.stringify(list)}`);
  for (const u of list.items) assertUserShape(u, `${what}: ${u.email}`);
  const ids = list.items.map((u) => u.id);
  assert.deepEqual(ids, [...ids].sort(), `${what}: in id order`);
  return list;
}

/** One user, as the platform admin reads its organisation's list. */
async function userById(id, orgId) {
  const list = await listUsers(sessions.platform_admin, `org_id=${orgId}&limit=500`, `GET /api/v1/users?org_id=${orgId}`);
  const u = list.items.find((x) => x.id === id);
  assert.ok(u, `user ${id} in ${orgId}`);
  return u;
}

// ---- 1. users: the list, and adding ------------------------------------------

test('GET /api/v1/users: one\'s own organisation; another one 404 except for the platform admin; a malformed or unknown org_id 404', async () => {
  const ktmEmails = [accounts.org_admin.email, accounts.investigator.email].sort();
  for (const role of ['investigator', 'org_admin']) {
    for (const query of ['', `org_id=${org.ktm}`]) {
      const what = `GET /api/v1/users${query ? `?${query}` : ''} as ${role}`;
      const list = await listUsers(sessions[role], query, what);
      assert.equal(list.next_cursor, null, `${what}: one page`);
      assert.deepEqual(list.items.map((u) => u.email).sort(), ktmEmails, `${what}: the 2 Kathmandu accounts`);
      for (const u of list.items) {
        assert.equal(u.org_id, org.ktm, what);
        assert.equal(u.active, true, what);
        assert.equal(u.totp_enrolled, true, what);
      }
      assert.ok(!/password|hash|secret|\$argon2/i.test(JSON.stringify(list)), `${what}: no password or hash`);
    }
  }
  // Everyone else sees their own organisation: one account each.
  for (const role of ['platform_admin', 'case_worker', 'analyst', 'viewer']) {
    const list = await listUsers(sessions[role], '', `GET /api/v1/users as ${role}`);
    assert.deepEqual(list.items.map((u) => u.email), [accounts[role].email], `GET /api/v1/users as ${role}`);
  }

  // Another organisation: 404, as for one that does not exist.
  for (const [role, other] of [
    ['investigator', 'pune'], ['org_admin', 'pune'], ['org_admin', 'secretariat'], ['case_worker', 'ktm'],
    ['analyst', 'ktm'], ['viewer', 'colombo'],
  ]) {
    problem(await call('GET', `/api/v1/users?org_id=${org[other]}`, { session: sessions[role] }), 404, `GET /api/v1/users?org_id=<${other}> as ${role}`);
  }
  // The platform admin reads any organisation's.
  for (const [key, name] of Object.entries({ ktm: homeOf.org_admin, pune: homeOf.case_worker, colombo: homeOf.analyst, border: homeOf.viewer })) {
    const what = `GET /api/v1/users?org_id=<${key}> as platform_admin`;
    const list = await listUsers(sessions.platform_admin, `org_id=${org[key]}`, what);
    const want = roles.filter((r) => homeOf[r] === name).map((r) => accounts[r].email).sort();
    assert.deepEqual(list.items.map((u) => u.email).sort(), want, what);
  }
  // Malformed or unknown: 404 for everyone.
  for (const role of ['platform_admin', 'org_admin', 'investigator']) {
    for (const id of ['not-an-id', '', unknownOrg, `${org.ktm}0`, org.ktm.slice(0, 35), '00000000-0000-0000-0000-000000000000', 'platform']) {
      problem(await call('GET', `/api/v1/users?org_id=${encodeURIComponent(id)}`, { session: sessions[role] }), 404,
        `GET /api/v1/users?org_id=${JSON.stringify(id)} as ${role}`);
    }
  }

  // Cursor pages, and their checks.
  const all = await listUsers(sessions.org_admin, '', 'GET /api/v1/users as org_admin');
  const first = await listUsers(sessions.org_admin, 'limit=1', 'GET /api/v1/users?limit=1');
  assert.deepEqual(first.items, all.items.slice(0, 1), 'the first page of 1');
  assert.equal(first.next_cursor, first.items[0].id, 'next_cursor: the last id of a full page');
  const second = await listUsers(sessions.org_admin, `limit=1&cursor=${first.next_cursor}`, 'GET /api/v1/users?limit=1&cursor=…');
  assert.deepEqual(second.items, all.items.slice(1, 2), 'the second page of 1');
  const rest = await listUsers(sessions.org_admin, `limit=1&cursor=${second.items[0].id}`, 'GET /api/v1/users after the last');
  assert.deepEqual(rest.items, [], 'nothing after the last');
  assert.equal(rest.next_cursor, null, 'no cursor after the last');
  for (const [q, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=x', 'limit'], ['cursor=abc', 'cursor']])
    invalid(await call('GET', `/api/v1/users?${q}`, { session: sessions.org_admin }), [field], `GET /api/v1/users?${q}`);
  problem(await call('GET', '/api/v1/users'), 401, 'GET /api/v1/users anonymous');
});

test('POST /api/v1/users: the org admin adds to Kathmandu (201, active, version 1); another organisation 404; a platform admin 403; other roles 403 before the body; 422 naming every wrong field', async () => {
  const admin = sessions.org_admin;
  // A case worker, with the email in mixed case: stored in lower case.
  const cw = { email: 'ktm.caseworker2@demo.invalid', password: strongPassword(), lastStep: -Infinity };
  let res = await call('POST', '/api/v1/users', {
    session: admin, body: { email: 'Ktm.CaseWorker2@Demo.Invalid', name: 'Second case worker', role: 'case_worker', password: cw.password },
  });
  let u = ok(res, 201, 'POST /api/v1/users (case_worker) as org_admin');
  assertUserShape(u, 'the new case worker');
  assert.deepEqual([u.email, u.name, u.role, u.org_id, u.active, u.totp_enrolled, u.version],
    [cw.email, 'Second case worker', 'case_worker', org.ktm, true, false, 1], JSON.stringify(u));
  assert.ok(!res.text.includes(cw.password), 'the answer does not echo the password');
  cw.id = u.id;
  accounts.ktm_case_worker = cw;
  expectAudit('user.create', res, u.id, accounts.org_admin.id);

  // A viewer, with org_id given: the admin's own organisation.
  const viewer = { email: 'ktm.viewer@demo.invalid', password: strongPassword(), lastStep: -Infinity };
  res = await call('POST', '/api/v1/users', {
    session: admin, body: { org_id: org.ktm, email: viewer.email, name: 'Kathmandu viewer', role: 'viewer', password: viewer.password },
  });
  u = ok(res, 201, 'POST /api/v1/users (viewer, org_id given) as org_admin');
  assert.deepEqual([u.email, u.role, u.org_id, u.active, u.version], [viewer.email, 'viewer', org.ktm, true, 1]);
  viewer.id = u.id;
  accounts.ktm_viewer = viewer;
  expectAudit('user.create', res, u.id, accounts.org_admin.id);

  // The platform admin adds an org admin to the Secretariat (used below).
  const secAdmin = { email: 'sec.admin@demo.invalid', password: strongPassword(), lastStep: -Infinity };
  res = await call('POST', '/api/v1/users', {
    session: sessions.platform_admin,
    body: { org_id: org.secretariat, email: secAdmin.email, name: 'Secretariat admin', role: 'org_admin', password: secAdmin.password },
  });
  u = ok(res, 201, 'POST /api/v1/users (org_admin in the Secretariat) as platform_admin');
  assert.deepEqual([u.org_id, u.role, u.active, u.version], [org.secretariat, 'org_admin', true, 1]);
  secAdmin.id = u.id;
  accounts.sec_admin = secAdmin;
  secExpected.push({ action: 'user.create', rid: res.rid, record: u.id, actor: accounts.platform_admin.id });

  const body = (extra = {}) => ({ email: 'someone.else@demo.invalid', name: 'Someone', role: 'analyst', password: strongPassword(), ...extra });
  // The email is taken (in any case).
  problem(await call('POST', '/api/v1/users', { session: admin, body: body({ email: 'KTM.CASEWORKER2@demo.invalid' }) }), 409,
    'POST /api/v1/users with a taken email');
  // Another organisation, or none: 404 for an org admin.
  for (const [what, id] of [['Pune', org.pune], ['the Secretariat', org.secretariat], ['an unknown id', unknownOrg], ['a malformed id', 'not-an-id']])
    problem(await call('POST', '/api/v1/users', { session: admin, body: body({ org_id: id }) }), 404, `POST /api/v1/users to ${what} as org_admin`);
  // Only a platform admin makes another.
  const p = forbidden(await call('POST', '/api/v1/users', { session: admin, body: body({ role: 'platform_admin' }) }), 'POST a platform_admin as org_admin');
  assert.match(p.detail, /platform admin/i, p.detail);
  forbidden(await call('POST', '/api/v1/users', { session: admin, body: body({ role: 'platform_admin', org_id: org.ktm }) }),
    'POST a platform_admin to Kathmandu as org_admin');
  // Other roles: 403 whatever the body, even an empty or wrong one.
  for (const role of ['investigator', 'case_worker', 'analyst', 'viewer']) {
    for (const [what, b] of [['a good body', body()], ['an empty object', {}], ['wrong fields', { email: 5, role: [], bogus: true }]])
      forbidden(await call('POST', '/api/v1/users', { session: sessions[role], body: b }), `POST /api/v1/users with ${what} as ${role}`);
  }
  // Without the CSRF token, or signed out.
  const noCsrf = problem(await call('POST', '/api/v1/users', { session: admin, csrf: null, body: body() }), 403, 'POST /api/v1/users without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/, noCsrf.detail);
  problem(await call('POST', '/api/v1/users', { body: body() }), 401, 'POST /api/v1/users anonymous');

  // 422 naming each wrong field.
  for (const [what, b, fields] of [
    ['everything wrong', { email: 'not-an-email', name: '', role: 'boss', password: 'short' }, ['email', 'name', 'role', 'password']],
    ['an empty object', {}, ['email', 'name', 'role', 'password']],
    ['wrong types', { email: 5, name: [], role: null, password: true }, ['email', 'name', 'role', 'password']],
    ['an unknown field', body({ colour: 'blue' }), ['colour']],
    ['a password of 14 characters', body({ password: 'kT9#mQ2$vL7@xR' }), ['password']],
    ['a common password', body({ password: 'passwordpassword' }), ['password']],
    ['a role of the wrong case', body({ role: 'Analyst' }), ['role']],
    ['no email', { name: 'Someone', role: 'analyst', password: strongPassword() }, ['email']],
    ['an email without a domain dot', body({ email: 'someone@localhost' }), ['email']],
  ]) {
    invalid(await call('POST', '/api/v1/users', { session: admin, body: b }), fields, `POST /api/v1/users with ${what}`);
  }
  // A platform admin naming an organisation that does not exist.
  const r2 = await call('POST', '/api/v1/users', { session: sessions.platform_admin, body: body({ org_id: unknownOrg }) });
  assert.ok(r2.status === 404 || r2.status === 422, `POST /api/v1/users to an unknown organisation as platform_admin: ${r2.status} ${r2.text}`);
  if (r2.status === 422) invalid(r2, ['org_id'], 'POST /api/v1/users to an unknown organisation as platform_admin');
  else problem(r2, 404, 'POST /api/v1/users to an unknown organisation as platform_admin');

  // None of the refusals added anyone.
  const list = await listUsers(sessions.investigator, '', 'GET /api/v1/users as investigator after the additions');
  assert.deepEqual(list.items.map((x) => x.email).sort(),
    [accounts.org_admin.email, accounts.investigator.email, cw.email, viewer.email].sort(), 'the 2 demo accounts and the 2 added');
  for (const key of ['pune', 'colombo', 'border']) {
    const l = await listUsers(sessions.platform_admin, `org_id=${org[key]}`, `GET /api/v1/users?org_id=<${key}>`);
    assert.equal(l.items.length, 1, `${key}: nobody added`);
  }
  const sec = await listUsers(sessions.platform_admin, '', 'GET /api/v1/users as platform_admin');
  assert.deepEqual(sec.items.map((x) => x.email).sort(), [accounts.platform_admin.email, secAdmin.email].sort());

  // The new accounts sign in with their passwords; those that must, enrol.
  const s = await signInPlain(cw, 'the new case worker signs in');
  assert.equal(s.required, true, 'a case worker must enrol');
  sessions.ktm_case_worker = s;
  const me = ok(await call('GET', '/api/v1/me', { session: s }), 200, 'GET /api/v1/me as the new case worker');
  assert.equal(me.user.id, cw.id);
  assert.equal(me.totp_enrolment_required, true);
  const v = await signInPlain(viewer, 'the new viewer signs in');
  assert.equal(v.required, false, 'a viewer need not enrol');
  sessions.ktm_viewer = v;
  const sa = await signInPlain(secAdmin, 'the Secretariat org admin signs in');
  assert.equal(sa.required, true, 'an org admin must enrol');
  const confirmed = await enrol(secAdmin, sa, 'the Secretariat org admin');
  secExpected.push({ action: 'totp.enrol', rid: confirmed.rid, record: secAdmin.id, actor: secAdmin.id });
  const saMe = ok(await call('GET', '/api/v1/me', { session: sa }), 200, 'GET /api/v1/me after enrolling');
  assert.equal(saMe.totp_enrolment_required, false);
  assert.equal(saMe.user.totp_enrolled, true);
  sessions.sec_admin = sa;
});

// ---- 2. disabling and enabling -----------------------------------------------------

test('PATCH /api/v1/users/{id}: disabling ends the user\'s sessions and tokens at once and refuses sign-in; stale version 409; re-enabled, they sign in again', async () => {
  const admin = sessions.org_admin;
  const cw = accounts.ktm_case_worker;
  const cwPath = `/api/v1/users/${cw.id}`;
  const before = await userById(cw.id, org.ktm);
  assert.deepEqual([before.active, before.version], [true, 1]);

  // The viewer makes a token; its session and token work.
  const viewer = accounts.ktm_viewer;
  const made = ok(await call('POST', '/api/v1/tokens', { session: sessions.ktm_viewer, body: { name: 'viewer script', days: 1 } }), 201,
    'POST /api/v1/tokens as the new viewer');
  secrets.add(made.token);
  ok(await call('GET', '/api/v1/me', { bearer: made.token }), 200, 'the viewer\'s token before disabling');

  // Refusals first: nothing changes.
  problem(await call('PATCH', cwPath, { session: admin, body: { active: false, version: 2 } }), 409, 'PATCH with a version from the future');
  problem(await call('PATCH', cwPath, { session: admin, body: { active: false, version: 0 } }), 409, 'PATCH with version 0');
  for (const [what, b, fields] of [
    ['active "false"', { active: 'false', version: 1 }, ['active']],
    ['active 0', { active: 0, version: 1 }, ['active']],
    ['active null', { active: null, version: 1 }, ['active']],
    ['active "yes"', { active: 'yes', version: 1 }, ['active']],
    ['no active', { version: 1 }, ['active']],
    ['no version', { active: false }, ['version']],
    ['version "1"', { active: false, version: '1' }, ['version']],
    ['an empty object', {}, ['active', 'version']],
  ]) {
    invalid(await call('PATCH', cwPath, { session: admin, body: b }), fields, `PATCH ${what}`);
  }
  // Another organisation's admin, or another organisation's user: 404.
  problem(await call('PATCH', cwPath, { session: sessions.sec_admin, body: { active: false, version: 1 } }), 404,
    'PATCH a Kathmandu user as the Secretariat org admin');
  problem(await call('PATCH', `/api/v1/users/${accounts.case_worker.id}`, { session: admin, body: { active: false, version: 1 } }), 404,
    'PATCH the Pune case worker as the Kathmandu org admin');
  problem(await call('PATCH', `/api/v1/users/${accounts.platform_admin.id}`, { session: admin, body: { active: false, version: 1 } }), 404,
    'PATCH the platform admin as the Kathmandu org admin');
  problem(await call('PATCH', cwPath, { session: sessions.case_worker, body: { active: false, version: 1 } }), 404,
    'PATCH a Kathmandu user as the Pune case worker');
  // The Secretariat's org admin may not touch its platform admin.
  const pa = await userById(accounts.platform_admin.id, org.secretariat);
  const p = forbidden(await call('PATCH', `/api/v1/users/${pa.id}`, { session: sessions.sec_admin, body: { active: false, version: pa.version } }),
    'PATCH the platform admin as the Secretariat org admin');
  assert.match(p.detail, /platform admin/i, p.detail);
  // The same organisation, without the role: 403.
  for (const role of ['investigator', 'ktm_viewer'])
    forbidden(await call('PATCH', cwPath, { session: sessions[role], body: { active: false, version: 1 } }), `PATCH as ${role}`);
  const noCsrf = problem(await call('PATCH', cwPath, { session: admin, csrf: null, body: { active: false, version: 1 } }), 403, 'PATCH without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/, noCsrf.detail);
  problem(await call('PATCH', cwPath, { body: { active: false, version: 1 } }), 401, 'PATCH anonymous');
  // (Ids are read in any case, so an upper-case id is the same user: not here.)
  for (const id of ['not-an-id', unknownOrg])
    problem(await call('PATCH', `/api/v1/users/${id}`, { session: admin, body: { active: false, version: 1 } }), 404, `PATCH /api/v1/users/${id}`);
  assert.deepEqual(await userById(cw.id, org.ktm), before, 'none of the refusals changed the user');
  ok(await call('GET', '/api/v1/me', { session: sessions.ktm_case_worker }), 200, 'the case worker\'s session after the refusals');

  // Disable: the session ends at once; sign-in is refused.
  let res = await call('PATCH', cwPath, { session: admin, body: { active: false, version: 1 } });
  let u = ok(res, 200, 'PATCH {active: false, version: 1}');
  assertUserShape(u, 'the disabled user');
  assert.deepEqual([u.id, u.active, u.version, u.email, u.role, u.org_id], [cw.id, false, 2, cw.email, 'case_worker', org.ktm]);
  expectAudit('user.disable', res, cw.id, accounts.org_admin.id);
  problem(await call('GET', '/api/v1/me', { session: sessions.ktm_case_worker }), 401, 'GET /api/v1/me with the disabled user\'s session');
  problem(await call('DELETE', '/api/v1/session', { session: sessions.ktm_case_worker }), 401, 'DELETE /api/v1/session with the disabled user\'s session');
  await assertSignInRefused(cw, {}, 'the disabled user signs in');
  const listed = await userById(cw.id, org.ktm);
  assert.deepEqual([listed.active, listed.version], [false, 2], 'the list shows the user disabled');

  // A stale version: 409, nothing changes.
  const stale = problem(await call('PATCH', cwPath, { session: admin, body: { active: true, version: 1 } }), 409, 'PATCH with the stale version 1');
  assert.match(stale.detail, /changed/i, stale.detail);
  await assertSignInRefused(cw, {}, 'the disabled user signs in after the stale PATCH');

  // Disabling the viewer stops its token and session at once.
  const vu = await userById(viewer.id, org.ktm);
  ok(await call('PATCH', `/api/v1/users/${viewer.id}`, { session: admin, body: { active: false, version: vu.version } }), 200, 'disable the viewer');
  problem(await call('GET', '/api/v1/me', { bearer: made.token }), 401, 'the disabled viewer\'s token');
  problem(await call('GET', '/api/v1/me', { session: sessions.ktm_viewer }), 401, 'the disabled viewer\'s session');
  ok(await call('PATCH', `/api/v1/users/${viewer.id}`, { session: admin, body: { active: true, version: vu.version + 1 } }), 200, 'enable the viewer');
  sessions.ktm_viewer = await signInPlain(viewer, 'the viewer signs in again');

  // Re-enable: they sign in again; the old session stays ended.
  res = await call('PATCH', cwPath, { session: admin, body: { active: true, version: 2 } });
  u = ok(res, 200, 'PATCH {active: true, version: 2}');
  assert.deepEqual([u.active, u.version], [true, 3]);
  expectAudit('user.enable', res, cw.id, accounts.org_admin.id);
  problem(await call('GET', '/api/v1/me', { session: sessions.ktm_case_worker }), 401, 'the session from before disabling, after re-enabling');
  const back = await signInPlain(cw, 'the re-enabled user signs in');
  assert.notEqual(back.token, sessions.ktm_case_worker.token);
  const me = ok(await call('GET', '/api/v1/me', { session: back }), 200, 'GET /api/v1/me after signing in again');
  assert.equal(me.user.id, cw.id);
  assert.equal(me.user.active, true);
  sessions.ktm_case_worker = back;
});

// ---- 3. resetting a password and second factor ------------------------------

const resetGood = {}; // the body the refusals below are made with, and the reset itself

test('POST /api/v1/users/{id}/reset: refusals (422 naming the field, 403 for a platform admin, 404 across organisations) change nothing; a new password alone ends the sessions', async () => {
  const admin = sessions.org_admin;
  const inv = accounts.investigator;
  const invPath = `/api/v1/users/${inv.id}/reset`;
  const before = await userById(inv.id, org.ktm);
  assert.equal(before.totp_enrolled, true);

  for (const [what, b, fields] of [
    ['a common password', { password: 'passwordpassword', reset_totp: true }, ['password']],
    ['a password of 10 characters', { password: 'kT9#mQ2$vL' }, ['password']],
    ['a password that is a number', { password: 123456789012345678 }, ['password']],
    ['neither field', {}, ['password']],
    ['reset_totp false alone', { reset_totp: false }, ['password']],
    ['reset_totp "yes"', { reset_totp: 'yes' }, ['reset_totp']],
    ['an unknown field', { password: strongPassword(), totp: true }, ['totp']],
  ]) {
    invalid(await call('POST', invPath, { session: admin, body: b }), fields, `POST reset with ${what}`);
  }
  Object.assign(resetGood, { password: strongPassword(), reset_totp: true });
  problem(await call('POST', `/api/v1/users/${accounts.platform_admin.id}/reset`, { session: admin, body: resetGood }), 404,
    'reset the platform admin as the Kathmandu org admin (another organisation)');
  const p = forbidden(await call('POST', `/api/v1/users/${accounts.platform_admin.id}/reset`, { session: sessions.sec_admin, body: resetGood }),
    'reset the platform admin as the Secretariat org admin');
  assert.match(p.detail, /platform admin/i, p.detail);
  problem(await call('POST', invPath, { session: sessions.sec_admin, body: resetGood }), 404, 'reset a Kathmandu user as the Secretariat org admin');
  problem(await call('POST', `/api/v1/users/${accounts.case_worker.id}/reset`, { session: admin, body: resetGood }), 404,
    'reset the Pune case worker as the Kathmandu org admin');
  forbidden(await call('POST', `/api/v1/users/${accounts.org_admin.id}/reset`, { session: sessions.investigator, body: resetGood }),
    'reset the org admin as the investigator');
  forbidden(await call('POST', invPath, { session: sessions.ktm_viewer, body: resetGood }), 'reset as the Kathmandu viewer');
  problem(await call('POST', invPath, { session: admin, csrf: null, body: resetGood }), 403, 'reset without X-CSRF-Token');
  problem(await call('POST', invPath, { body: resetGood }), 401, 'reset anonymous');
  for (const id of ['not-an-id', unknownOrg])
    problem(await call('POST', `/api/v1/users/${id}/reset`, { session: admin, body: resetGood }), 404, `reset /api/v1/users/${id}`);
  assert.deepEqual(await userById(inv.id, org.ktm), before, 'none of the refusals changed the investigator');
  ok(await call('GET', '/api/v1/me', { session: sessions.investigator }), 200, 'the investigator\'s session after the refusals');

  // A new password alone: the sessions end, the new password signs in, the old one not.
  const viewer = accounts.ktm_viewer;
  const vBefore = await userById(viewer.id, org.ktm);
  const password = strongPassword();
  const res = await call('POST', `/api/v1/users/${viewer.id}/reset`, { session: admin, body: { password } });
  const u = ok(res, 200, 'POST reset {password} for the viewer');
  assert.deepEqual([u.id, u.active, u.totp_enrolled], [viewer.id, true, false]);
  assert.ok(u.version >= vBefore.version, `version ${vBefore.version} -> ${u.version}`);
  assert.ok(!res.text.includes(password), 'the answer does not echo the password');
  expectAudit('user.reset', res, viewer.id, accounts.org_admin.id);
  problem(await call('GET', '/api/v1/me', { session: sessions.ktm_viewer }), 401, 'the viewer\'s session after the reset');
  const oldPassword = viewer.password;
  viewer.password = password;
  await assertSignInRefused(viewer, { password: oldPassword }, 'the viewer\'s old password after the reset');
  sessions.ktm_viewer = await signInPlain(viewer, 'the viewer\'s new password');
  assert.equal(sessions.ktm_viewer.required, false);
});

let resetDone = false;

test('POST /api/v1/users/{id}/reset {password, reset_totp: true}: the sessions end; the user signs in with the new password and must enrol again', async () => {
  const admin = sessions.org_admin;
  const inv = accounts.investigator;
  const before = await userById(inv.id, org.ktm);
  const res = await call('POST', `/api/v1/users/${inv.id}/reset`, { session: admin, body: resetGood });
  const u = ok(res, 200, 'POST reset {password, reset_totp: true}');
  assertUserShape(u, 'the reset user');
  assert.deepEqual([u.id, u.active, u.totp_enrolled, u.email, u.org_id], [inv.id, true, false, inv.email, org.ktm]);
  assert.ok(u.version > before.version, `the version moves on: ${before.version} -> ${u.version}`);
  assert.ok(!res.text.includes(resetGood.password), 'the answer does not echo the password');
  expectAudit('user.reset', res, inv.id, accounts.org_admin.id);

  problem(await call('GET', '/api/v1/me', { session: sessions.investigator }), 401, 'the investigator\'s session after the reset');
  const oldPassword = inv.password;
  inv.password = resetGood.password;
  await assertSignInRefused(inv, { password: oldPassword }, 'the old password after the reset');
  const s = await signInPlain(inv, 'the new password, without a code');
  assert.equal(s.required, true, 'totp_enrolment_required after the reset');
  assert.equal(s.user.totp_enrolled, false);
  const me = ok(await call('GET', '/api/v1/me', { session: s }), 200, 'GET /api/v1/me before enrolling again');
  assert.equal(me.totp_enrolment_required, true);
  assert.equal(me.user.totp_enrolled, false);
  const enrolFirst = problem(await call('GET', '/api/v1/users', { session: s }), 403, 'GET /api/v1/users before enrolling again');
  assert.match(enrolFirst.detail, /^Enrol a second factor first/, enrolFirst.detail);

  // Enrolling again gives the session everything back.
  const confirmed = await enrol(inv, s, 'the investigator');
  expectAudit('totp.enrol', confirmed, inv.id, inv.id);
  const after = ok(await call('GET', '/api/v1/me', { session: s }), 200, 'GET /api/v1/me after enrolling again');
  assert.equal(after.totp_enrolment_required, false);
  assert.equal(after.user.totp_enrolled, true);
  await listUsers(s, '', 'GET /api/v1/users after enrolling again');
  sessions.investigator = s;
  const d = session(await signInRequest(inv, inv.recovery.shift()), 'the new password with a recovery code');
  ok(await call('GET', '/api/v1/me', { session: d }), 200, 'a session from a recovery code');
  resetDone = true;
});

// ---- 4. changing one's own password ----------------------------------------------

test('PUT /api/v1/me/password: the current password checked, the policy applied (8 characters with a second factor), other sessions end, this one stays', async () => {
  // The Secretariat org admin, enrolled over the API above (recovery codes at hand).
  const sa = accounts.sec_admin;
  const a = sessions.sec_admin;
  const b = session(await signInRequest(sa, sa.recovery.shift()), 'a second session, with a recovery code');
  const put = (s, body, opts = {}) => call('PUT', '/api/v1/me/password', { session: s, body, ...opts });
  const eight = (() => {
    for (;;) {
      const c = crypto.randomBytes(6).toString('base64url');
      if (new Set(c).size >= 6) return c;
    }
  })();
  assert.equal(eight.length, 8);

  // Refusals: nothing changes.
  invalid(await put(a, { current_password: strongPassword(), new_password: eight }), ['current_password'], 'a wrong current password');
  invalid(await put(a, { current_password: sa.password, new_password: 'password' }), ['new_password'], 'a common new password');
  invalid(await put(a, { current_password: sa.password, new_password: 'trustno1' }), ['new_password'], 'another common new password');
  invalid(await put(a, { current_password: sa.password, new_password: 'PassWord' }), ['new_password'], 'a common new password in other case');
  invalid(await put(a, { current_password: sa.password, new_password: 'kT9#mQ2' }), ['new_password'], 'a new password of 7 characters');
  invalid(await put(a, { current_password: sa.password, new_password: 'abcabcabcabc' }), ['new_password'], 'a repeated new password');
  invalid(await put(a, {}), ['current_password', 'new_password'], 'an empty object');
  invalid(await put(a, { current_password: sa.password }), ['new_password'], 'no new password');
  const noCsrf = problem(await put(a, { current_password: sa.password, new_password: eight }, { csrf: null }), 403, 'without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/, noCsrf.detail);
  problem(await call('PUT', '/api/v1/me/password', { body: { current_password: sa.password, new_password: eight } }), 401, 'anonymous');
  // Without a second factor, 8 characters are too few (15 needed).
  invalid(await put(sessions.ktm_viewer, { current_password: accounts.ktm_viewer.password, new_password: eight }), ['new_password'],
    'a new password of 8 characters for an account without a second factor');
  ok(await call('GET', '/api/v1/me', { session: b }), 200, 'the second session after the refusals');

  // The change.
  const res = await put(a, { current_password: sa.password, new_password: eight });
  noContent(res, 'PUT /api/v1/me/password with 8 characters, enrolled');
  secrets.add(eight);
  secExpected.push({ action: 'password.change', rid: res.rid, record: sa.id, actor: sa.id });
  ok(await call('GET', '/api/v1/me', { session: a }), 200, 'the session that changed the password stays');
  problem(await call('GET', '/api/v1/me', { session: b }), 401, 'the other session ends');
  const oldPassword = sa.password;
  sa.password = eight;
  await assertSignInRefused(sa, { password: oldPassword }, 'the old password');
  const c = await signInWithCode(sa, 'the new password with a TOTP code');
  assert.equal(c.required, false);
  ok(await call('GET', '/api/v1/me', { session: c }), 200, 'GET /api/v1/me with the new password\'s session');
  const d = session(await signInRequest(sa, sa.recovery.shift()), 'the new password with a recovery code');
  ok(await call('GET', '/api/v1/me', { session: d }), 200, 'GET /api/v1/me with the new password\'s second session');
  ok(await call('GET', '/api/v1/me', { session: a }), 200, 'the first session still stays');
  // The old password is wrong now as the current one.
  invalid(await put(a, { current_password: oldPassword, new_password: strongPassword() }), ['current_password'], 'the old password as current');
});

// ---- 5. API tokens -------------------------------------------------------------

test('API tokens: made from a session, used without cookie or CSRF token, listed without the token, revoked at once, one\'s own only', async () => {
  const admin = sessions.org_admin;
  // Two tokens.
  let res = await call('POST', '/api/v1/tokens', { session: admin, body: { name: 'ci', days: 30 } });
  const t1 = ok(res, 201, 'POST /api/v1/tokens {name, days: 30}');
  assert.deepEqual(Object.keys(t1).sort(), ['expires_in_days', 'id', 'token']);
  assert.match(t1.id, uuid);
  assert.match(t1.token, apiTokenFormat);
  assert.equal(t1.expires_in_days, 30);
  assert.match(res.headers.get('cache-control') || '', /no-store/, 'Cache-Control of the token');
  secrets.add(t1.token);
  secrets.add(t1.token.slice(5));
  expectAudit('token.create', res, t1.id, accounts.org_admin.id);
  res = await call('POST', '/api/v1/tokens', { session: admin, body: { name: 'second' } });
  const t2 = ok(res, 201, 'POST /api/v1/tokens {name} (default days)');
  assert.equal(t2.expires_in_days, 90);
  assert.notEqual(t2.token, t1.token);
  secrets.add(t2.token);
  secrets.add(t2.token.slice(5));
  expectAudit('token.create', res, t2.id, accounts.org_admin.id);

  // Bearer: no cookie, no CSRF token.
  const me = ok(await call('GET', '/api/v1/me', { bearer: t1.token }), 200, 'GET /api/v1/me with the bearer token');
  assert.equal(me.user.id, accounts.org_admin.id);
  assert.equal(me.user.org_id, org.ktm);
  assert.deepEqual(me && Object.keys(me).sort(), ['country', 'totp_enrolment_required', 'user']);
  const viaToken = await listUsers({ bearer: t1.token }, '', 'GET /api/v1/users with the bearer token');
  assert.equal(viaToken.items.length, 4, 'the Kathmandu accounts');

  // Unsafe requests need no CSRF token: revoke the second token with the first.
  res = await call('DELETE', `/api/v1/tokens/${t2.id}`, { bearer: t1.token });
  noContent(res, 'DELETE /api/v1/tokens/{second} with the first token, no CSRF token');
  assert.deepEqual(res.cookies, [], 'no Set-Cookie for a bearer request');
  expectAudit('token.revoke', res, t2.id, accounts.org_admin.id);
  problem(await call('GET', '/api/v1/me', { bearer: t2.token }), 401, 'the revoked second token');

  // A token makes no tokens and changes no password.
  let p = forbidden(await call('POST', '/api/v1/tokens', { bearer: t1.token, body: { name: 'from a token' } }), 'POST /api/v1/tokens with a bearer token');
  assert.match(p.detail, /session/i, p.detail);
  p = forbidden(await call('PUT', '/api/v1/me/password', {
    bearer: t1.token, body: { current_password: accounts.org_admin.password, new_password: strongPassword() },
  }), 'PUT /api/v1/me/password with a bearer token');
  assert.match(p.detail, /session/i, p.detail);
  // Nor signs out: it has no session (this crashed atip, found by
  // fuzz_header), and a session cookie sent beside it is not its own.
  p = forbidden(await call('DELETE', '/api/v1/session', { bearer: t1.token }), 'DELETE /api/v1/session with a bearer token');
  assert.match(p.detail, /session/i, p.detail);
  forbidden(await call('DELETE', '/api/v1/session', { bearer: t1.token, cookie: admin.token, csrf: admin.csrf }),
    'DELETE /api/v1/session with a bearer token and the org admin\'s session cookie');
  ok(await call('GET', '/api/v1/me', { session: admin }), 200, 'the org admin\'s session after the refused sign-outs');
  ok(await call('GET', '/api/v1/me', { bearer: t1.token }), 200, 'the token after the refused sign-outs');

  // The list: never the token itself; the last use recorded.
  const now = Date.now();
  let res2 = await call('GET', '/api/v1/tokens', { session: admin });
  let list = ok(res2, 200, 'GET /api/v1/tokens');
  assert.deepEqual(Object.keys(list).sort(), ['items', 'next_cursor']);
  assert.equal(list.next_cursor, null);
  assert.deepEqual(list.items.map((t) => t.id), [t2.id, t1.id], 'the two tokens, newest first');
  for (const t of list.items) {
    assert.deepEqual(Object.keys(t).sort(), tokenKeys, `the fields of ${JSON.stringify(t)}`);
    assert.ok(t.created_at_ms >= startedAt - 5000 && t.created_at_ms <= now + 5000, `created_at_ms ${t.created_at_ms} is about now`);
  }
  const [l2, l1] = list.items;
  assert.deepEqual([l1.name, l1.revoked, l1.expires_at_ms - l1.created_at_ms], ['ci', false, 30 * DAY_MS], JSON.stringify(l1));
  assert.equal(typeof l1.last_used_at_ms, 'number', `last_used_at_ms after use: ${JSON.stringify(l1)}`);
  assert.ok(l1.last_used_at_ms >= l1.created_at_ms && l1.last_used_at_ms <= now + 5000, JSON.stringify(l1));
  assert.deepEqual([l2.name, l2.revoked, l2.last_used_at_ms, l2.expires_at_ms - l2.created_at_ms], ['second', true, null, 90 * DAY_MS], JSON.stringify(l2));
  for (const t of [t1, t2]) assert.ok(!res2.text.includes(t.token.slice(5)), 'the list never holds a token');
  // A token lists its user's tokens too.
  assert.deepEqual(ok(await call('GET', '/api/v1/tokens', { bearer: t1.token }), 200, 'GET /api/v1/tokens with the token').items.map((t) => t.id),
    [t2.id, t1.id]);

  // Another user's token: 404, and it keeps working.
  for (const role of ['analyst', 'investigator', 'platform_admin'])
    problem(await call('DELETE', `/api/v1/tokens/${t1.id}`, { session: sessions[role] }), 404, `DELETE the org admin's token as ${role}`);
  list = ok(await call('GET', '/api/v1/tokens', { session: sessions.analyst }), 200, 'GET /api/v1/tokens as the analyst');
  assert.deepEqual(list.items, [], 'the analyst has no tokens');
  ok(await call('GET', '/api/v1/me', { bearer: t1.token }), 200, 'the first token after the refusals');
  for (const id of ['not-an-id', unknownOrg])
    problem(await call('DELETE', `/api/v1/tokens/${id}`, { session: admin }), 404, `DELETE /api/v1/tokens/${id}`);
  problem(await call('DELETE', `/api/v1/tokens/${t1.id}`, { session: admin, csrf: null }), 403, 'DELETE from a session without X-CSRF-Token');
  problem(await call('DELETE', `/api/v1/tokens/${t1.id}`), 401, 'DELETE anonymous');

  // Revoked from the session: 401 at once.
  res = await call('DELETE', `/api/v1/tokens/${t1.id}`, { session: admin });
  noContent(res, 'DELETE /api/v1/tokens/{first} from the session');
  expectAudit('token.revoke', res, t1.id, accounts.org_admin.id);
  problem(await call('GET', '/api/v1/me', { bearer: t1.token }), 401, 'the revoked first token');
  problem(await call('DELETE', `/api/v1/tokens/${t1.id}`, { session: admin }), 404, 'DELETE a revoked token again');
  list = ok(await call('GET', '/api/v1/tokens', { session: admin }), 200, 'GET /api/v1/tokens after revoking');
  assert.deepEqual(list.items.map((t) => t.revoked), [true, true]);

  // Wrong bodies: 422.
  // (null stands for "not given", as for every optional field: the default 90 days.)
  for (const days of [0, 400, 367, -1, '5', 1.5, true])
    invalid(await call('POST', '/api/v1/tokens', { session: admin, body: { name: 'x', days } }), ['days'], `POST /api/v1/tokens days ${JSON.stringify(days)}`);
  for (const [what, b] of [['an empty name', { name: '' }], ['no name', { days: 5 }], ['a number for a name', { name: 5 }], ['a name of 101 characters', { name: 'n'.repeat(101) }]])
    invalid(await call('POST', '/api/v1/tokens', { session: admin, body: b }), ['name'], `POST /api/v1/tokens with ${what}`);
  problem(await call('POST', '/api/v1/tokens', { body: { name: 'x' } }), 401, 'POST /api/v1/tokens anonymous');
  problem(await call('GET', '/api/v1/tokens'), 401, 'GET /api/v1/tokens anonymous');

  // The widest validity; then malformed Authorization headers: 401, even beside a good cookie.
  res = await call('POST', '/api/v1/tokens', { session: admin, body: { name: 'year', days: 366 } });
  const t3 = ok(res, 201, 'POST /api/v1/tokens days 366');
  assert.equal(t3.expires_in_days, 366);
  secrets.add(t3.token);
  secrets.add(t3.token.slice(5));
  expectAudit('token.create', res, t3.id, accounts.org_admin.id);
  ok(await call('GET', '/api/v1/me', { bearer: t3.token }), 200, 'the third token');
  const made = `atip_${crypto.randomBytes(32).toString('base64url')}`;
  for (const h of [
    'Basic Zm9vOmJhcg==', 'Bearer', 'Bearer ', 'Bearer atip_', `Bearer ${t3.token}x`, `Bearer ${t3.token.slice(0, -1)}`,
    `Bearer ${t3.token.slice(5)}`, `Token ${t3.token}`, `Bearer  ${t3.token}`, `Bearer ${made}`, t3.token,
    `Bearer ${t3.token.replace('atip_', 'ATIP_')}`,
  ]) {
    problem(await call('GET', '/api/v1/me', { authorization: h }), 401, `Authorization: ${h.slice(0, 14)}…`);
    problem(await call('GET', '/api/v1/me', { authorization: h, session: admin }), 401, `Authorization: ${h.slice(0, 14)}… beside the session cookie`);
  }
  noContent(await call('DELETE', `/api/v1/tokens/${t3.id}`, { bearer: t3.token }), 'a token revokes itself');
  problem(await call('GET', '/api/v1/me', { bearer: t3.token }), 401, 'the third token after revoking itself');

  // `atip token create` on the data dir, while the server runs.
  const r = atip(['token', 'create', '--email', accounts.analyst.email, '--days', '2', ...env.args]);
  assert.equal(r.status, 0, `atip token create: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^atip_[A-Za-z0-9_-]{43}\n$/, `one token on stdout: ${JSON.stringify(r.stdout)}`);
  const cli = r.stdout.trim();
  secrets.add(cli);
  secrets.add(cli.slice(5));
  assert.ok(!r.stderr.includes(cli.slice(5)), 'the token is on stdout only');
  const cliMe = ok(await call('GET', '/api/v1/me', { bearer: cli }), 200, 'GET /api/v1/me with the token from atip token create');
  assert.equal(cliMe.user.id, accounts.analyst.id);
  list = ok(await call('GET', '/api/v1/tokens', { session: sessions.analyst }), 200, 'GET /api/v1/tokens as the analyst');
  assert.equal(list.items.length, 1, JSON.stringify(list));
  assert.deepEqual([list.items[0].name, list.items[0].revoked, list.items[0].expires_at_ms - list.items[0].created_at_ms],
    ['command line', false, 2 * DAY_MS], JSON.stringify(list.items[0]));
  assert.equal(typeof list.items[0].last_used_at_ms, 'number', 'used');
  for (const [what, args, status] of [
    ['days 0', ['--email', accounts.analyst.email, '--days', '0'], 2],
    ['days 367', ['--email', accounts.analyst.email, '--days', '367'], 2],
    ['no email', ['--days', '2'], 2],
    ['an unknown email', ['--email', 'nobody@demo.invalid'], 1],
  ]) {
    const bad = atip(['token', 'create', ...args, ...env.args]);
    assert.equal(bad.status, status, `atip token create with ${what}: ${bad.status} ${bad.stdout}${bad.stderr}`);
    assert.equal(bad.stdout, '', `atip token create with ${what}: nothing on stdout`);
  }
  noContent(await call('DELETE', `/api/v1/tokens/${list.items[0].id}`, { session: sessions.analyst }), 'the analyst revokes it');
  problem(await call('GET', '/api/v1/me', { bearer: cli }), 401, 'the revoked command-line token');
});

// ---- 6. sharing groups --------------------------------------------------------------

test('sharing groups: the owner\'s org admin makes one and adds and removes members; hidden members; other roles 403, outsiders 404; the owner stays', async () => {
  const admin = sessions.org_admin;
  const groupKeys = ['created_at', 'hidden_members', 'id', 'members', 'name', 'owner_org'];
  let res = await call('POST', '/api/v1/groups', { session: admin, body: { name: 'Southern corridor', hidden_members: true } });
  const g = ok(res, 201, 'POST /api/v1/groups');
  assert.deepEqual(Object.keys(g).sort(), groupKeys, JSON.stringify(g));
  assert.match(g.id, uuid);
  assert.deepEqual([g.owner_org, g.name, g.hidden_members, g.members], [org.ktm, 'Southern corridor', true, [org.ktm]], JSON.stringify(g));
  assert.match(g.created_at, rfc3339Utc);
  expectAudit('group.create', res, g.id, accounts.org_admin.id);

  // The name is the owner's once; another owner may use it.
  invalid(await call('POST', '/api/v1/groups', { session: admin, body: { name: 'Southern corridor' } }), ['name'], 'a second group of the same name');
  res = await call('POST', '/api/v1/groups', { session: sessions.sec_admin, body: { name: 'Southern corridor' } });
  const other = ok(res, 201, 'the same name for another owner');
  secExpected.push({ action: 'group.create', rid: res.rid, record: other.id, actor: accounts.sec_admin.id });
  assert.deepEqual([other.owner_org, other.hidden_members, other.members], [org.secretariat, false, [org.secretariat]]);
  for (const [what, b, fields] of [
    ['an empty name', { name: '' }, ['name']],
    ['no name', { hidden_members: true }, ['name']],
    ['a number for a name', { name: 5 }, ['name']],
    ['hidden_members "yes"', { name: 'Northern corridor', hidden_members: 'yes' }, ['hidden_members']],
  ]) {
    invalid(await call('POST', '/api/v1/groups', { session: admin, body: b }), fields, `POST /api/v1/groups with ${what}`);
  }
  for (const role of ['investigator', 'ktm_viewer', 'case_worker', 'analyst', 'viewer'])
    forbidden(await call('POST', '/api/v1/groups', { session: sessions[role], body: { name: 'Not allowed' } }), `POST /api/v1/groups as ${role}`);
  problem(await call('POST', '/api/v1/groups', { session: admin, csrf: null, body: { name: 'Not allowed' } }), 403, 'POST /api/v1/groups without X-CSRF-Token');
  problem(await call('POST', '/api/v1/groups', { body: { name: 'Not allowed' } }), 401, 'POST /api/v1/groups anonymous');

  // Pune joins.
  const members = `/api/v1/groups/${g.id}/members`;
  res = await call('POST', members, { session: admin, body: { org_id: org.pune } });
  let body = ok(res, 200, 'POST members {Pune}');
  assert.deepEqual([body.id, body.hidden_members, body.members], [g.id, true, [org.ktm, org.pune].sort()], JSON.stringify(body));
  expectAudit('group.member.add', res, g.id, accounts.org_admin.id);
  for (const [what, b] of [['an unknown organisation', { org_id: unknownOrg }], ['the owner', { org_id: org.ktm }], ['no org_id', {}]])
    invalid(await call('POST', members, { session: admin, body: b }), ['org_id'], `POST members with ${what}`);

  // The Pune case worker sees the group, but not who is in it, and may not change it.
  const groupsOf = async (role) => ok(await call('GET', '/api/v1/groups', { session: sessions[role] }), 200, `GET /api/v1/groups as ${role}`).items;
  let seen = (await groupsOf('case_worker')).find((x) => x.id === g.id);
  assert.ok(seen, 'the Pune case worker lists the group');
  assert.deepEqual(Object.keys(seen).sort(), groupKeys.filter((k) => k !== 'members'), `no members of a hidden group: ${JSON.stringify(seen)}`);
  assert.deepEqual([seen.owner_org, seen.name, seen.hidden_members], [org.ktm, 'Southern corridor', true]);
  forbidden(await call('POST', members, { session: sessions.case_worker, body: { org_id: org.colombo } }), 'POST members as the Pune case worker');
  forbidden(await call('DELETE', `${members}/${org.pune}`, { session: sessions.case_worker }), 'DELETE members/{Pune} as the Pune case worker');
  forbidden(await call('POST', members, { session: sessions.investigator, body: { org_id: org.colombo } }), 'POST members as the Kathmandu investigator');
  // The owner's admin sees the members.
  const mine = (await groupsOf('org_admin')).find((x) => x.id === g.id);
  assert.deepEqual(mine?.members, [org.ktm, org.pune].sort(), 'the owner lists the members');
  // Outsiders: 404 as for no group.
  for (const [role, own] of [['analyst', 'colombo'], ['sec_admin', 'secretariat'], ['viewer', 'border']]) {
    problem(await call('POST', members, { session: sessions[role], body: { org_id: org[own] } }), 404, `POST members as ${role}`);
    problem(await call('DELETE', `${members}/${org.pune}`, { session: sessions[role] }), 404, `DELETE members/{Pune} as ${role}`);
    assert.ok(!(await groupsOf(role)).some((x) => x.id === g.id), `${role} does not list the group`);
  }

  // A group whose members are not hidden: Pune sees them.
  const open = ok(await call('POST', '/api/v1/groups', { session: admin, body: { name: 'Open corridor' } }), 201, 'POST an open group');
  assert.equal(open.hidden_members, false);
  ok(await call('POST', `/api/v1/groups/${open.id}/members`, { session: admin, body: { org_id: org.pune } }), 200, 'Pune joins the open group');
  seen = (await groupsOf('case_worker')).find((x) => x.id === open.id);
  assert.deepEqual(seen?.members, [org.ktm, org.pune].sort(), `the members of an open group: ${JSON.stringify(seen)}`);

  // Pune leaves the hidden group.
  res = await call('DELETE', `${members}/${org.pune}`, { session: admin });
  body = ok(res, 200, 'DELETE members/{Pune}');
  assert.deepEqual(body.members, [org.ktm]);
  expectAudit('group.member.remove', res, g.id, accounts.org_admin.id);
  assert.ok(!(await groupsOf('case_worker')).some((x) => x.id === g.id), 'Pune no longer lists the group');
  assert.ok((await groupsOf('case_worker')).some((x) => x.id === open.id), 'Pune still lists the open group');
  problem(await call('POST', members, { session: sessions.case_worker, body: { org_id: org.pune } }), 404, 'POST members as Pune, no longer a member');
  problem(await call('DELETE', `${members}/${org.pune}`, { session: admin }), 404, 'DELETE members/{Pune} again');
  invalid(await call('DELETE', `${members}/${org.ktm}`, { session: admin }), ['org_id'], 'DELETE the owner');
  problem(await call('DELETE', `${members}/not-an-id`, { session: admin }), 404, 'DELETE members/not-an-id');
  problem(await call('DELETE', `/api/v1/groups/${unknownOrg}/members/${org.pune}`, { session: admin }), 404, 'DELETE in an unknown group');
  problem(await call('POST', '/api/v1/groups/not-an-id/members', { session: admin, body: { org_id: org.pune } }), 404, 'POST members of not-an-id');
  problem(await call('DELETE', `${members}/${org.ktm}`, { session: admin, csrf: null }), 403, 'DELETE members without X-CSRF-Token');
  problem(await call('GET', '/api/v1/groups'), 401, 'GET /api/v1/groups anonymous');
  const now = (await groupsOf('org_admin')).find((x) => x.id === g.id);
  assert.deepEqual(now?.members, [org.ktm], 'the owner stays the one member');
});

// ---- 7. the audit trail -----------------------------------------------------------

test('GET /api/v1/audit: the org admin reads Kathmandu\'s trail newest first with every change above; cursor pages; other roles 403, other chains 404; the platform admin any chain', async () => {
  const admin = sessions.org_admin;
  const full = ok(await call('GET', '/api/v1/audit?limit=500', { session: admin }), 200, 'GET /api/v1/audit?limit=500');
  assert.deepEqual(Object.keys(full).sort(), ['items', 'next_cursor']);
  assert.equal(full.next_cursor, null, 'one page');
  const items = full.items;
  for (const e of items) {
    assert.deepEqual(Object.keys(e).sort(), auditKeys, `the fields of ${JSON.stringify(e)}`);
    assert.ok(Number.isInteger(e.seq) && e.seq >= 1, JSON.stringify(e));
    assert.match(e.at, rfc3339Utc, JSON.stringify(e));
    assert.match(e.action, /^[a-z]+(\.[a-z]+)+$/, JSON.stringify(e));
    assert.equal(typeof e.outcome, 'string', JSON.stringify(e));
    assert.ok(e.request_id === null || typeof e.request_id === 'string', JSON.stringify(e));
  }
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].seq > items[i].seq, `newest first: ${items[i - 1].seq} then ${items[i].seq}`);
  for (let i = 1; i < items.length; i++)
    assert.ok(Date.parse(items[i - 1].at) >= Date.parse(items[i].at) - 1000, `newest first: ${items[i - 1].at} then ${items[i].at}`);
  // Every change made above, with the request that made it.
  for (const x of ktmExpected) {
    const e = items.find((i) => i.request_id === x.rid && i.action === x.action);
    assert.ok(e, `a ${x.action} entry for request ${x.rid}: ${JSON.stringify(items.map((i) => [i.action, i.request_id]))}`);
    assert.deepEqual([e.record_id, e.outcome, e.actor_user], [x.record, 'ok', x.actor], `${x.action}: ${JSON.stringify(e)}`);
    assert.ok(Date.parse(e.at) >= startedAt - 5000, `${x.action}: at ${e.at} is from this run`);
  }
  const actions = new Set(items.map((i) => i.action));
  for (const a of ['session.create', 'user.create', 'user.disable', 'user.enable', 'user.reset', 'token.create', 'token.revoke',
    'group.create', 'group.member.add', 'group.member.remove', ...(resetDone ? ['totp.enrol'] : [])])
    assert.ok(actions.has(a), `an ${a} entry in ${[...actions]}`);
  assert.ok(!items.some((i) => i.action.startsWith('org.')), 'nothing of other chains');

  // The default page, and pages of 2 walked by next_cursor.
  const first = ok(await call('GET', '/api/v1/audit', { session: admin }), 200, 'GET /api/v1/audit');
  assert.deepEqual(first.items, items.slice(0, 50), 'the default page: the newest 50');
  const walked = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const page = ok(await call('GET', `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { session: admin }), 200, `page ${i + 1}`);
    assert.ok(page.items.length <= 2, `page ${i + 1}: ${page.items.length} entries`);
    walked.push(...page.items);
    if (page.next_cursor === null) break;
    assert.equal(page.next_cursor, String(page.items[page.items.length - 1].seq), `page ${i + 1}: next_cursor is the last seq`);
    cursor = page.next_cursor;
  }
  assert.equal(new Set(walked.map((e) => e.seq)).size, walked.length, 'no entry twice');
  assert.deepEqual(walked, items, 'the pages together are the whole trail');

  // Roles that may not read it, and chains an org admin may not see.
  for (const role of ['investigator', 'ktm_viewer', 'case_worker', 'analyst', 'viewer'])
    forbidden(await call('GET', '/api/v1/audit', { session: sessions[role] }), `GET /api/v1/audit as ${role}`);
  forbidden(await call('GET', `/api/v1/audit?org_id=${org.ktm}`, { session: sessions.investigator }), 'GET /api/v1/audit?org_id=<own> as investigator');
  for (const id of [org.pune, org.secretariat, 'platform', 'not-an-id', unknownOrg, ''])
    problem(await call('GET', `/api/v1/audit?org_id=${encodeURIComponent(id)}`, { session: admin }), 404, `GET /api/v1/audit?org_id=${JSON.stringify(id)} as org_admin`);
  problem(await call('GET', `/api/v1/audit?org_id=${org.ktm}`, { session: sessions.sec_admin }), 404, 'GET /api/v1/audit?org_id=<ktm> as the Secretariat org admin');
  problem(await call('GET', '/api/v1/audit?org_id=platform', { session: sessions.sec_admin }), 404, 'GET /api/v1/audit?org_id=platform as the Secretariat org admin');
  for (const [q, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=x', 'limit'], ['cursor=abc', 'cursor'], ['cursor=0', 'cursor']])
    invalid(await call('GET', `/api/v1/audit?${q}`, { session: admin }), [field], `GET /api/v1/audit?${q}`);
  problem(await call('GET', '/api/v1/audit'), 401, 'GET /api/v1/audit anonymous');

  // The platform admin: "platform", any organisation's, its own.
  const plat = ok(await call('GET', '/api/v1/audit?org_id=platform&limit=500', { session: sessions.platform_admin }), 200, 'GET /api/v1/audit?org_id=platform');
  assert.ok(Array.isArray(plat.items), JSON.stringify(plat));
  for (const e of plat.items) assert.deepEqual(Object.keys(e).sort(), auditKeys);
  assert.ok(plat.items.some((e) => e.action === 'session.create' && e.outcome === 'failed'),
    'the platform chain holds the sign-ins of the disabled user (no active account)');
  const ktm = ok(await call('GET', `/api/v1/audit?org_id=${org.ktm}&limit=500`, { session: sessions.platform_admin }), 200, 'GET /api/v1/audit?org_id=<ktm> as platform_admin');
  assert.deepEqual(ktm.items, items, 'the platform admin reads the same Kathmandu trail');
  const own = ok(await call('GET', '/api/v1/audit?limit=500', { session: sessions.platform_admin }), 200, 'GET /api/v1/audit as platform_admin');
  const secOwn = ok(await call('GET', '/api/v1/audit?limit=500', { session: sessions.sec_admin }), 200, 'GET /api/v1/audit as the Secretariat org admin');
  assert.deepEqual(secOwn.items, own.items, 'the Secretariat org admin reads the same, its own chain');
  assert.deepEqual(secExpected.map((x) => x.action).sort(), ['group.create', 'password.change', 'totp.enrol', 'user.create']);
  for (const x of secExpected) {
    const e = own.items.find((i) => i.request_id === x.rid && i.action === x.action);
    assert.ok(e, `a ${x.action} entry for request ${x.rid} in the Secretariat chain`);
    assert.deepEqual([e.record_id, e.outcome, e.actor_user], [x.record, 'ok', x.actor], `${x.action}: ${JSON.stringify(e)}`);
  }
});

// ---- once defects: regression tests ---------------------------------------------

test('an organisation id in upper case: GET /api/v1/users and /api/v1/audit answer that organisation\'s list or 404, never an empty 200', async () => {
  const upper = org.ktm.toUpperCase();
  const wrong = [];
  for (const p of [`/api/v1/users?org_id=${upper}`, `/api/v1/audit?org_id=${upper}`]) {
    const res = await call('GET', p, { session: sessions.platform_admin });
    if (res.status === 404) continue;
    const body = ok(res, 200, `GET ${p} as platform_admin`);
    if (body.items.length === 0) wrong.push(`GET ${p} as platform_admin: 200 with no items, as if the organisation had none`);
  }
  assert.deepEqual(wrong, []);
});

test('group names: at most 200 characters, as the 422 says', async () => {
  invalid(await call('POST', '/api/v1/groups', { session: sessions.org_admin, body: { name: 'n'.repeat(201) } }), ['name'],
    'POST /api/v1/groups with a name of 201 characters');
});

test('group names: text, not blank, without surrounding spaces (as organisation names are trimmed)', async () => {
  const admin = sessions.org_admin;
  invalid(await call('POST', '/api/v1/groups', { session: admin, body: { name: '   ' } }), ['name'], 'POST /api/v1/groups with a name of spaces');
  const padded = await call('POST', '/api/v1/groups', { session: admin, body: { name: ' Southern corridor ' } });
  assert.equal(padded.status, 422, `POST /api/v1/groups with the name of an existing group between spaces: ${padded.status} ${padded.text}`);
});

// ---- 8. stopping, the trail verified, and the log ----------------------------------

test('atip stops cleanly on SIGTERM; atip audit verify is ok; the log holds no password, TOTP secret or code, API token, cookie or CSRF token', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  const total = auditVerify(env).entries;
  assert.ok(total > auditBefore + ktmExpected.length, `entries before ${auditBefore}, after ${total}`);

  const log = server.stderr() + server.stdout();
  for (const route of ['/api/v1/users', '/api/v1/users/{id}', '/api/v1/users/{id}/reset', '/api/v1/me/password', '/api/v1/tokens',
    '/api/v1/tokens/{id}', '/api/v1/groups', '/api/v1/groups/{id}/members', '/api/v1/groups/{id}/members/{org_id}', '/api/v1/audit'])
    assert.ok(log.includes(`"route":"${route}"`), `requests to ${route} were logged`);
  assert.ok(secrets.size >= 60, `secrets collected: ${secrets.size}`);
  assert.ok(codes.size >= 8, `codes sent: ${codes.size}`);
  for (const secret of secrets) assert.ok(!log.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`);
  for (const code of codes)
    assert.ok(!new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(log), `a code (${code}) is in the log`);
  assert.ok(!/otpauth:|Bearer |\$argon2/i.test(log), 'no otpauth URI, Authorization header or password hash in the log');
});

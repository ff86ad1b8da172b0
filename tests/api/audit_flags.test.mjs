// Break-glass reviews and the HTCDS directory over the API, against a real
// `atip serve` whose data dir was filled by `atip demo`:
//
//  1. GET /api/v1/audit/flags: break-glass accesses to an organisation's
//     records awaiting its review.  Org admins read their own
//     organisation's, platform admins any (org_id=); other roles 403 for
//     their own organisation; another organisation's (or a malformed)
//     org_id 404 to anyone but a platform admin.  state=open|reviewed|all
//     (default open), limit and cursor pages; 422 naming the parameter.
//  2. POST /api/v1/audit/flags/{id}/review {"note"}: the owner
//     organisation's org admin alone signs one off (platform admins and
//     other roles 403, another organisation's admin 404); a note is
//     required and not blank (422 naming "note"); an unknown or malformed
//     id 404; twice 409.  Reviewed, the flag moves from state=open to
//     state=reviewed with the reviewer and the note, and the review is in
//     the organisation's trail (GET /api/v1/audit) under the review
//     response's X-Request-Id.
//  3. GET /api/v1/orgs?format=htcds: the directory as HTCDS v2.0
//     Organization records (format=atip: the usual shape; anything else
//     422 naming "format").
//
// No API makes a flag yet (records with personal data come with the cases
// module): this file inserts rows into atip_audit_flags with sqlite3 or
// psql (server.mjs: sql), each on the audit entry of a demo account's
// sign-in, as tests/e2e/reviews.test.mjs does.  Every reason and note is
// fictional.
//
// The data dir and database are this file's own: on PostgreSQL a private
// database is made next to ATIP_TEST_DB (which other test files share) with
// psql and dropped at the end.  Signing in is slow (argon2id): every demo
// account signs in once and its session is reused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, serve, sql, uuid } from './server.mjs';

const rfc3339Utc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const flagKeys = ['actor_name', 'actor_user', 'at', 'id', 'org_id', 'org_name', 'reason', 'record_id', 'record_kind',
  'review_note', 'reviewed_at', 'reviewed_by', 'reviewer_name'];

// ---- HTTP (client.mjs) -----------------------------------------------------

let server;
const { call, signInWithCode } = client(() => server);

// ---- the environment: `atip demo`, then `atip serve` ------------------------

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
// Which demo organisation each demo account belongs to.
const homeOf = {
  platform_admin: 'Demo Platform Secretariat (fictional)',
  org_admin: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  investigator: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  case_worker: 'Demo Safe Home Shelter, Pune (fictional)',
  analyst: 'Demo Rights Collective, Colombo (fictional)',
  viewer: 'Demo Border Force Unit (fictional)',
};

let env;
let data;
const sessions = {}; // role -> { token, csrf, user, rid }

const orgNamed = (name) => {
  const o = data.orgs.find((x) => x.name === name);
  assert.ok(o, `a demo organisation named ${name}`);
  return o;
};
const orgOf = (role) => orgNamed(homeOf[role]);

before(async () => {
  env = environment('audit_flags');
  data = demo(env);
  assert.deepEqual(Object.keys(data.accounts).sort(), [...roles].sort(), 'an account per role');
  server = await serve(env);
  for (const role of roles) {
    sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
    assert.equal(sessions[role].user.org_id, orgOf(role).id, `${role} belongs to ${homeOf[role]}`);
  }
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- making flags ------------------------------------------------------------

/** text as an SQL string literal. */
const q = (text) => `'${String(text).replace(/'/g, "''")}'`;

/**
 * Flags the audit entry of role's sign-in (found by its X-Request-Id) as a
 * break-glass access to a case of owner's, as the cases module will; the
 * flag as GET /api/v1/audit/flags must show it while open.
 */
function makeFlag(role, owner, recordId, reason) {
  const rows = sql(env, `SELECT id, at, chain, actor_user FROM atip_audit
    WHERE request_id = ${q(sessions[role].rid)} AND action = 'session.create'`);
  assert.equal(rows.length, 1, `one audit entry for ${role}'s sign-in: ${JSON.stringify(rows)}`);
  const [id, at, chain, actor] = rows[0];
  assert.equal(chain, orgOf(role).id, `${role}'s sign-in is in their organisation's chain`);
  assert.equal(actor, sessions[role].user.id, `${role}'s sign-in names them`);
  sql(env, `INSERT INTO atip_audit_flags (audit_id, owner_org, at, actor_chain, actor_user, record_kind, record_id, reason)
    SELECT id, ${q(owner.id)}, at, chain, actor_user, 'case', ${q(recordId)}, ${q(reason)} FROM atip_audit WHERE id = ${q(id)}`);
  assert.deepEqual(sql(env, `SELECT owner_org FROM atip_audit_flags WHERE audit_id = ${q(id)}`), [[owner.id]], 'the flag was made');
  return {
    id, at, org_id: chain, org_name: orgOf(role).name, actor_user: actor, actor_name: sessions[role].user.name,
    record_kind: 'case', record_id: recordId, reason,
    reviewed_by: null, reviewer_name: null, reviewed_at: null, review_note: null,
  };
}

// Kathmandu's (the org admin's organisation's) three, newest first as the
// API lists them, and one of the Pune shelter's.
let ktmFlags;
let puneFlag;

/** Newest first: audit ids are UUIDv7s. */
const newestFirst = (flags) => [...flags].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

/** Asserts the shape of a flag as the API shows it. */
function assertFlagShape(f, what) {
  assert.deepEqual(Object.keys(f).sort(), flagKeys, `${what}: fields of ${JSON.stringify(f)}`);
  assert.match(f.id, uuid, `${what}: id`);
  assert.match(f.org_id, uuid, `${what}: org_id`);
  assert.match(f.at, rfc3339Utc, `${what}: at`);
}

/** GET path as role: the page, its shape asserted. */
async function page(role, path) {
  const p = ok(await call('GET', path, { session: sessions[role] }), 200, `GET ${path} as ${role}`);
  assert.deepEqual(Object.keys(p).sort(), ['items', 'next_cursor'], `GET ${path} as ${role}: keys of ${JSON.stringify(p)}`);
  assert.ok(Array.isArray(p.items), `GET ${path} as ${role}: items`);
  for (const f of p.items) assertFlagShape(f, `GET ${path} as ${role}`);
  return p;
}

/** The one page of path (at most 500 flags) as role: its items. */
async function flags(role, path) {
  const sep = path.includes('?') ? '&' : '?';
  const p = await page(role, `${path}${sep}limit=500`);
  assert.equal(p.next_cursor, null, `GET ${path} as ${role}: one page`);
  return p.items;
}

test('flags made in the database are listed to the owner organisation\'s org admin, open and newest first', async () => {
  const ktm = orgOf('org_admin');
  const pune = orgOf('case_worker');
  // Nothing is flagged yet.
  for (const state of ['open', 'reviewed', 'all'])
    assert.deepEqual(await flags('org_admin', `/api/v1/audit/flags?state=${state}`), [], `state=${state} before any flag`);

  ktmFlags = newestFirst([
    makeFlag('case_worker', ktm, '01900000-0000-7000-8000-0000000000a1',
      'Fictional test: a survivor was admitted to a night clinic and the duty nurse needed the guardian contact.'),
    makeFlag('analyst', ktm, '01900000-0000-7000-8000-0000000000a2',
      'Fictional test: a court date was moved and the legal aid desk needed the hearing file at once.'),
    makeFlag('viewer', ktm, '01900000-0000-7000-8000-0000000000a3',
      'Fictional test: a border crossing at dawn, the family tracing note was needed before the bus left.'),
  ]);
  puneFlag = makeFlag('investigator', pune, '01900000-0000-7000-8000-0000000000b1',
    'Fictional test: an investigator checked a shelter placement record during a night raid.');

  // Default state: open.
  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags'), ktmFlags, 'no state: the open flags');
  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags?state=open'), ktmFlags, 'state=open');
  assert.deepEqual(await flags('org_admin', `/api/v1/audit/flags?org_id=${ktm.id}&state=open`), ktmFlags, 'org_id of one\'s own');
  assert.deepEqual(await flags('org_admin', `/api/v1/audit/flags?org_id=${ktm.id.toUpperCase()}`), ktmFlags,
    'org_id in upper case');
  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags?state=all'), ktmFlags, 'state=all');
  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags?state=reviewed'), [], 'state=reviewed: none yet');
});

test('platform admins read any organisation\'s flags with org_id; without it, their own organisation\'s', async () => {
  assert.ok(ktmFlags, 'made by the first test');
  const ktm = orgOf('org_admin');
  const pune = orgOf('case_worker');
  for (const state of ['open', 'all'])
    assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${ktm.id}&state=${state}`), ktmFlags,
      `Kathmandu's, state=${state}`);
  assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${pune.id}`), [puneFlag], 'the shelter\'s');
  assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${pune.id}&state=reviewed`), [],
    'the shelter\'s reviewed ones: none');
  assert.deepEqual(await flags('platform_admin', '/api/v1/audit/flags?state=all'), [], 'the secretariat\'s own: none');
  assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${orgOf('viewer').id}&state=all`), [],
    'the border force\'s: none (its member\'s access is Kathmandu\'s to review)');
});

test('other roles: 403 for their own organisation\'s flags, 404 for another\'s; an org admin: 404 for another organisation\'s; anonymous 401', async () => {
  assert.ok(ktmFlags, 'made by the first test');
  const ktm = orgOf('org_admin');
  const pune = orgOf('case_worker');
  for (const role of ['investigator', 'case_worker', 'analyst', 'viewer']) {
    const own = orgOf(role).id;
    for (const p of ['/api/v1/audit/flags', `/api/v1/audit/flags?org_id=${own}`, `/api/v1/audit/flags?org_id=${own}&state=all`])
      problem(await call('GET', p, { session: sessions[role] }), 403, `GET ${p} as ${role} (own organisation)`);
    const other = own === ktm.id ? pune.id : ktm.id;
    problem(await call('GET', `/api/v1/audit/flags?org_id=${other}`, { session: sessions[role] }), 404,
      `GET flags of another organisation as ${role}`);
  }
  for (const other of [pune.id, orgOf('platform_admin').id, orgOf('viewer').id]) {
    const p = `/api/v1/audit/flags?org_id=${other}`;
    problem(await call('GET', p, { session: sessions.org_admin }), 404, `GET ${p} as Kathmandu's org admin`);
  }
  const unknown = `${ktm.id.slice(0, 24)}${ktm.id.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  for (const id of ['not-an-id', 'platform', `${ktm.id}0`, unknown]) {
    for (const role of ['org_admin', 'investigator']) {
      const p = `/api/v1/audit/flags?org_id=${encodeURIComponent(id)}`;
      problem(await call('GET', p, { session: sessions[role] }), 404, `GET ${p} as ${role}`);
    }
  }
  // An unknown organisation hides nothing from a platform admin: it has no flags.
  assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${unknown}&state=all`), [],
    'a platform admin, an unknown organisation');
  problem(await call('GET', '/api/v1/audit/flags'), 401, 'GET /api/v1/audit/flags anonymous');
  problem(await call('GET', `/api/v1/audit/flags?org_id=${ktm.id}`), 401, 'GET /api/v1/audit/flags?org_id= anonymous');
});

test('state other than open, reviewed or all, a bad limit or cursor: 422 naming the parameter', async () => {
  for (const state of ['closed', 'OPEN', 'Reviewed', '', 'open,reviewed', 'any']) {
    const p = `/api/v1/audit/flags?state=${encodeURIComponent(state)}`;
    invalid(await call('GET', p, { session: sessions.org_admin }), ['state'], `GET ${p} as org_admin`);
    invalid(await call('GET', `${p}&org_id=${orgOf('org_admin').id}`, { session: sessions.platform_admin }), ['state'],
      `GET ${p}&org_id= as platform_admin`);
  }
  for (const limit of ['0', '501', 'abc', '-1', '2.5', '', '1e2']) {
    const p = `/api/v1/audit/flags?limit=${encodeURIComponent(limit)}`;
    invalid(await call('GET', p, { session: sessions.org_admin }), ['limit'], `GET ${p}`);
  }
  for (const cursor of ['abc', '12345', 'not-a-cursor-at-all', `${ktmFlags[0].id}x`]) {
    const p = `/api/v1/audit/flags?cursor=${encodeURIComponent(cursor)}`;
    invalid(await call('GET', p, { session: sessions.org_admin }), ['cursor'], `GET ${p}`);
  }
  // The bounds themselves are fine.
  assert.deepEqual((await page('org_admin', '/api/v1/audit/flags?limit=500')).items, ktmFlags, 'limit=500');
  assert.equal((await page('org_admin', '/api/v1/audit/flags?limit=1')).items.length, 1, 'limit=1');
});

test('limit=2 pages the three open flags: next_cursor gives the third, without duplicates, then null', async () => {
  assert.equal(ktmFlags.length, 3);
  for (const [role, org] of [['org_admin', ''], ['platform_admin', `&org_id=${orgOf('org_admin').id}`]]) {
    const first = await page(role, `/api/v1/audit/flags?state=open&limit=2${org}`);
    assert.deepEqual(first.items, ktmFlags.slice(0, 2), `${role}: the first page, the two newest`);
    assert.equal(typeof first.next_cursor, 'string', `${role}: a next_cursor after a full page`);
    const cursor = encodeURIComponent(first.next_cursor);
    const second = await page(role, `/api/v1/audit/flags?state=open&limit=2&cursor=${cursor}${org}`);
    assert.deepEqual(second.items, ktmFlags.slice(2), `${role}: the second page, the third flag`);
    assert.equal(second.next_cursor, null, `${role}: the last page`);
    const ids = [...first.items, ...second.items].map((f) => f.id);
    assert.equal(new Set(ids).size, 3, `${role}: no duplicates: ${ids}`);
  }
  // limit=1 walks them one at a time.
  const seen = [];
  let cursor = '';
  for (let i = 0; i < 5; i++) {
    const p = await page('org_admin', `/api/v1/audit/flags?limit=1${cursor}`);
    seen.push(...p.items);
    if (p.next_cursor === null) break;
    cursor = `&cursor=${encodeURIComponent(p.next_cursor)}`;
  }
  assert.deepEqual(seen, ktmFlags, 'limit=1, page by page');
});

// ---- 2. the review -----------------------------------------------------------

const reviewPath = (id) => `/api/v1/audit/flags/${id}/review`;
const note = 'Fictional test review: confirmed with the night clinic that the guardian contact was needed; no further action.';
let reviewed; // { flag, rid, at }

test('POST review: other roles and platform admins 403; another organisation\'s admin 404; the flag stays open', async () => {
  assert.ok(ktmFlags, 'made by the first test');
  const target = ktmFlags[1];
  const body = { note: 'Fictional test: this review must not be saved.' };
  for (const role of ['platform_admin', 'investigator', 'case_worker', 'analyst', 'viewer']) {
    const p = problem(await call('POST', reviewPath(target.id), { session: sessions[role], body }), 403,
      `POST review of Kathmandu's flag as ${role}`);
    assert.ok(!/CSRF/i.test(p.detail), `as ${role}: refused for the role, not the token: ${p.detail}`);
    // The role is refused before the body is looked at.
    problem(await call('POST', reviewPath(target.id), { session: sessions[role], body: {} }), 403,
      `POST review with an empty body as ${role}`);
  }
  // Kathmandu's admin is another organisation's admin for the shelter's flag.
  problem(await call('POST', reviewPath(puneFlag.id), { session: sessions.org_admin, body }), 404,
    'POST review of the shelter\'s flag as Kathmandu\'s org admin');
  problem(await call('POST', reviewPath(target.id), { body }), 401, 'POST review anonymous');

  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags?state=open'), ktmFlags, 'Kathmandu\'s flags are all still open');
  assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${orgOf('case_worker').id}&state=all`), [puneFlag],
    'the shelter\'s flag is still open');
});

test('POST review: a missing, empty, blank, non-string or too long note 422 naming "note"; an unknown field 422 naming it; CSRF 403; 415', async () => {
  const target = ktmFlags[1];
  const admin = sessions.org_admin;
  for (const [what, body, fields] of [
    ['an empty body', {}, ['note']],
    ['note null', { note: null }, ['note']],
    ['an empty note', { note: '' }, ['note']],
    ['a blank note', { note: ' \t\r\n ' }, ['note']],
    ['a single space', { note: ' ' }, ['note']],
    ['a number', { note: 42 }, ['note']],
    ['an array', { note: ['Fictional test'] }, ['note']],
    ['a note over 1000 bytes', { note: 'n'.repeat(1001) }, ['note']],
    ['an unknown field', { note: 'Fictional test note.', status: 'reviewed' }, ['status']],
    ['only an unknown field', { comment: 'Fictional test note.' }, ['comment', 'note']],
  ]) {
    invalid(await call('POST', reviewPath(target.id), { session: admin, body }), fields, `POST review: ${what}`);
  }
  const noCsrf = problem(await call('POST', reviewPath(target.id), { session: admin, csrf: null, body: { note } }), 403,
    'POST review without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/, noCsrf.detail);
  problem(await call('POST', reviewPath(target.id), { session: admin, body: JSON.stringify({ note }), type: 'text/plain' }), 415,
    'POST review as text/plain');
  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags?state=open'), ktmFlags, 'every flag is still open');
});

test('POST review of an unknown, malformed or unflagged id: 404', async () => {
  const admin = sessions.org_admin;
  const id = ktmFlags[0].id;
  const unknown = `${id.slice(0, 24)}${id.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  // An audit entry that is not a flag: the org admin's own sign-in.
  const [[unflagged]] = sql(env, `SELECT id FROM atip_audit WHERE request_id = ${q(sessions.org_admin.rid)}`);
  assert.match(unflagged, uuid);
  const details = new Set();
  for (const [what, p] of [
    ['an unknown id', unknown],
    ['an audit entry that is not flagged', unflagged],
    ['a malformed id', 'not-an-id'],
    ['a number', '12345'],
    ['an id with a character too many', `${id}0`],
  ]) {
    const res = problem(await call('POST', reviewPath(p), { session: admin, body: { note } }), 404, `POST review of ${what}`);
    details.add(res.detail);
  }
  assert.equal(details.size, 1, `one detail for every 404: ${[...details]}`);
  assert.deepEqual(await flags('org_admin', '/api/v1/audit/flags?state=open'), ktmFlags, 'every flag is still open');
});

test('the owner\'s org admin signs a flag off: 200; it moves from open to reviewed with the reviewer and the note', async () => {
  const target = ktmFlags[1];
  const admin = sessions.org_admin;
  const before = Date.now();
  const res = await call('POST', reviewPath(target.id), { session: admin, body: { note } });
  assert.deepEqual(ok(res, 200, 'POST review as Kathmandu\'s org admin'), { id: target.id, status: 'reviewed' });
  assert.match(res.rid || '', /\S/, 'an X-Request-Id');
  reviewed = { flag: target, rid: res.rid };

  const open = await flags('org_admin', '/api/v1/audit/flags?state=open');
  assert.deepEqual(open, ktmFlags.filter((f) => f.id !== target.id), 'state=open: the other two');
  const done = await flags('org_admin', '/api/v1/audit/flags?state=reviewed');
  assert.equal(done.length, 1, `state=reviewed: ${JSON.stringify(done)}`);
  const r = done[0];
  assert.equal(r.reviewed_by, admin.user.id, 'reviewed_by: the org admin');
  assert.equal(r.reviewer_name, admin.user.name, 'reviewer_name: the org admin\'s name');
  assert.equal(r.review_note, note, 'review_note');
  assert.match(r.reviewed_at || '', rfc3339Utc, 'reviewed_at');
  const t = Date.parse(r.reviewed_at);
  assert.ok(t >= before - 5000 && t <= Date.now() + 5000, `reviewed_at ${r.reviewed_at} is about now`);
  assert.ok(t >= Date.parse(target.at), 'reviewed after the access');
  assert.deepEqual({ ...r, reviewed_by: null, reviewer_name: null, reviewed_at: null, review_note: null }, target,
    'nothing else of the flag changed');
  reviewed.at = r.reviewed_at;

  const all = await flags('org_admin', '/api/v1/audit/flags?state=all');
  assert.deepEqual(all, ktmFlags.map((f) => (f.id === target.id ? r : f)), 'state=all: all three, the reviewed one among them');
  assert.deepEqual(await flags('platform_admin', `/api/v1/audit/flags?org_id=${orgOf('org_admin').id}&state=reviewed`), [r],
    'the platform admin sees the review too');
  // state=all pages the same three.
  const first = await page('org_admin', '/api/v1/audit/flags?state=all&limit=2');
  const second = await page('org_admin', `/api/v1/audit/flags?state=all&limit=2&cursor=${encodeURIComponent(first.next_cursor)}`);
  assert.deepEqual([...first.items, ...second.items], all, 'state=all, limit=2');
  assert.equal(second.next_cursor, null);
});

test('reviewing it again: 409, and the first review stands', async () => {
  assert.ok(reviewed, 'reviewed by the previous test');
  const admin = sessions.org_admin;
  const p = problem(await call('POST', reviewPath(reviewed.flag.id), {
    session: admin, body: { note: 'Fictional test: a second review that must not be saved.' },
  }), 409, 'POST review of a reviewed flag');
  assert.match(p.detail, /review/i, p.detail);
  // The body is checked before the flag: a bad note is still 422.
  invalid(await call('POST', reviewPath(reviewed.flag.id), { session: admin, body: { note: '' } }), ['note'],
    'POST review of a reviewed flag with an empty note');
  const [r] = await flags('org_admin', '/api/v1/audit/flags?state=reviewed');
  assert.equal(r.review_note, note, 'the first note stands');
  assert.equal(r.reviewed_at, reviewed.at, 'the first time stands');
  assert.equal((await flags('org_admin', '/api/v1/audit/flags?state=reviewed')).length, 1);
});

test('the review is in the organisation\'s trail: action audit.review on the flag, under the response\'s X-Request-Id; nothing for the refusals', async () => {
  assert.ok(reviewed, 'reviewed by an earlier test');
  const admin = sessions.org_admin;
  const trail = ok(await call('GET', '/api/v1/audit?limit=500', { session: admin }), 200, 'GET /api/v1/audit as org_admin');
  assert.equal(trail.next_cursor, null, 'one page');
  const reviews = trail.items.filter((e) => e.action === 'audit.review');
  assert.equal(reviews.length, 1, `one audit.review entry (none for the refused or conflicting reviews): ${JSON.stringify(reviews)}`);
  const [e] = reviews;
  assert.equal(e.record_kind, 'audit_flag');
  assert.equal(e.record_id, reviewed.flag.id);
  assert.equal(e.request_id, reviewed.rid, 'request_id: the review response\'s X-Request-Id');
  assert.equal(e.actor_user, admin.user.id);
  assert.equal(e.outcome, 'ok');
  assert.equal(trail.items[0].action, 'audit.review', 'the newest entry of the trail');
  // No other organisation's trail holds it.
  for (const role of ['platform_admin', 'case_worker', 'analyst', 'viewer']) {
    const org = orgOf(role).id;
    const other = ok(await call('GET', `/api/v1/audit?org_id=${org}&limit=500`, { session: sessions.platform_admin }), 200,
      `GET /api/v1/audit?org_id= ${homeOf[role]}`);
    assert.ok(!other.items.some((x) => x.action === 'audit.review'), `no audit.review in ${homeOf[role]}'s trail`);
  }
});

// ---- 3. the directory in HTCDS shape ----------------------------------------

// src/orgs/orgs.c: atip's types and the HTCDS v2.0 org_Type they export as.
const htcdsType = {
  government: 'CentralGovernmentOrganisation',
  law_enforcement: 'LawEnforcement',
  border_force: 'ImmigrationService',
  judiciary: 'LegalService',
  prosecution: 'LegalService',
  civil_society: 'NGO',
  shelter: 'NGO',
  international_organisation: 'NGO',
  academic: 'SchoolOrCollege',
  private_sector: 'CorporateBusiness',
};
// HTCDS v2.0's org_Type picklist.
const htcdsPicklist = ['NGO', 'LawEnforcement', 'HealthServiceOrganisation', 'CentralGovernmentOrganisation',
  'LocalGovernmentOrganisation', 'ImmigrationService', 'LegalService', 'CorporateBusiness', 'SchoolOrCollege'];

/**
 * Asserts an HTCDS Organization record: atip_id, org_Name, org_Type (from
 * the picklist), org_ShippingCountry and perhaps org_ShippingState, nothing
 * else.  (Whether org_ShippingState may be null: a test of its own below.)
 */
function assertHtcds(h, what) {
  const keys = ['atip_id', 'org_Name', 'org_ShippingCountry', 'org_Type'];
  if ('org_ShippingState' in h) keys.push('org_ShippingState');
  assert.deepEqual(Object.keys(h).sort(), keys.sort(), `${what}: fields of ${JSON.stringify(h)}`);
  assert.match(h.atip_id, uuid, `${what}: atip_id`);
  assert.equal(typeof h.org_Name, 'string', `${what}: org_Name`);
  assert.ok(htcdsPicklist.includes(h.org_Type), `${what}: org_Type ${h.org_Type} from the HTCDS picklist`);
  assert.match(h.org_ShippingCountry, /^[A-Z]{2}$/, `${what}: org_ShippingCountry`);
}

test('GET /api/v1/orgs?format=htcds: every organisation as an HTCDS Organization record, org_Type from the picklist', async () => {
  // One organisation of each type the demo lacks, so that every mapping shows.
  const demoTypes = new Set(data.orgs.map((o) => o.type));
  for (const type of Object.keys(htcdsType).filter((t) => !demoTypes.has(t))) {
    ok(await call('POST', '/api/v1/orgs', {
      session: sessions.platform_admin,
      body: { name: `Test ${type.replace(/_/g, ' ')} body (fictional)`, type, country: 'NP', ...(type === 'academic' ? { subdivision: 'NP-P4' } : {}) },
    }), 201, `POST /api/v1/orgs type ${type}`);
  }
  const atipList = ok(await call('GET', '/api/v1/orgs?limit=500', { session: sessions.viewer }), 200, 'GET /api/v1/orgs');
  assert.deepEqual(new Set(atipList.items.map((o) => o.type)), new Set(Object.keys(htcdsType)), 'every type is in the directory');

  for (const role of ['viewer', 'platform_admin']) {
    const what = `GET /api/v1/orgs?format=htcds&limit=500 as ${role}`;
    const list = ok(await call('GET', '/api/v1/orgs?format=htcds&limit=500', { session: sessions[role] }), 200, what);
    assert.deepEqual(Object.keys(list).sort(), ['items', 'next_cursor'], `${what}: keys`);
    assert.equal(list.next_cursor, null, `${what}: one page`);
    assert.equal(list.items.length, atipList.items.length, `${what}: as many as the usual list`);
    list.items.forEach((h, i) => {
      const o = atipList.items[i];
      assertHtcds(h, `${what}: ${o.name}`);
      assert.equal(h.atip_id, o.id, `${what}: item ${i} in the same order`);
      assert.equal(h.org_Name, o.name, `${what}: org_Name`);
      assert.equal(h.org_Type, htcdsType[o.type], `${what}: ${o.type} exports as ${htcdsType[o.type]}`);
      assert.equal(h.org_ShippingCountry, o.country, `${what}: org_ShippingCountry`);
      if (o.subdivision !== null) assert.equal(h.org_ShippingState, o.subdivision, `${what}: org_ShippingState of ${o.name}`);
    });
  }
});

test('format=htcds: org_ShippingState only for an organisation with a subdivision, left out (not null) otherwise', async () => {
  const atipList = ok(await call('GET', '/api/v1/orgs?limit=500', { session: sessions.viewer }), 200, 'GET /api/v1/orgs');
  const list = ok(await call('GET', '/api/v1/orgs?format=htcds&limit=500', { session: sessions.viewer }), 200, 'format=htcds');
  const without = atipList.items.filter((o) => o.subdivision === null);
  const withOne = atipList.items.filter((o) => o.subdivision !== null);
  assert.ok(without.length >= 2 && withOne.length >= 3, 'organisations with and without a subdivision (the demo has both)');
  for (const o of atipList.items) {
    const h = list.items.find((x) => x.atip_id === o.id);
    assert.ok(h, `${o.name} is listed`);
    const keys = ['atip_id', 'org_Name', 'org_ShippingCountry', 'org_Type', ...(o.subdivision === null ? [] : ['org_ShippingState'])];
    assert.deepEqual(Object.keys(h).sort(), keys.sort(),
      `${o.name} (subdivision ${JSON.stringify(o.subdivision)}): exactly these keys: ${JSON.stringify(h)}`);
    if (o.subdivision !== null) assert.equal(h.org_ShippingState, o.subdivision, `${o.name}: org_ShippingState`);
  }
});

test('format=htcds: the demo organisations map as the standard says (law enforcement, immigration, NGOs)', async () => {
  const list = ok(await call('GET', '/api/v1/orgs?format=htcds&limit=500', { session: sessions.analyst }), 200, 'format=htcds');
  const byId = Object.fromEntries(list.items.map((h) => [h.atip_id, h]));
  for (const [role, type] of [
    ['org_admin', 'LawEnforcement'], // law_enforcement
    ['viewer', 'ImmigrationService'], // border_force
    ['analyst', 'NGO'], // civil_society
    ['case_worker', 'NGO'], // shelter
    ['platform_admin', 'NGO'], // international_organisation
  ]) {
    const o = orgOf(role);
    assert.ok(byId[o.id], `${o.name} is listed`);
    assert.equal(byId[o.id].org_Type, type, `${o.name} (${o.type})`);
    assert.equal(byId[o.id].org_Name, o.name);
    assert.equal(byId[o.id].org_ShippingCountry, o.country);
  }
  // Filters and pages work in this shape too.
  const shelters = ok(await call('GET', '/api/v1/orgs?format=htcds&type=shelter', { session: sessions.analyst }), 200, 'type=shelter');
  assert.deepEqual(shelters.items.map((h) => h.atip_id), [orgOf('case_worker').id]);
  const first = ok(await call('GET', '/api/v1/orgs?format=htcds&limit=2', { session: sessions.analyst }), 200, 'format=htcds&limit=2');
  assert.equal(first.items.length, 2);
  for (const h of first.items) assertHtcds(h, 'format=htcds&limit=2');
  assert.equal(typeof first.next_cursor, 'string', 'a next_cursor');
  const second = ok(await call('GET', `/api/v1/orgs?format=htcds&limit=2&cursor=${encodeURIComponent(first.next_cursor)}`,
    { session: sessions.analyst }), 200, 'the next page');
  assert.deepEqual([...first.items, ...second.items], list.items.slice(0, 4), 'the pages follow the whole list');
});

test('format=atip is the usual shape; any other format is 422 naming "format"', async () => {
  const plain = ok(await call('GET', '/api/v1/orgs?limit=500', { session: sessions.investigator }), 200, 'GET /api/v1/orgs');
  const atipFormat = ok(await call('GET', '/api/v1/orgs?format=atip&limit=500', { session: sessions.investigator }), 200, 'format=atip');
  assert.deepEqual(atipFormat, plain, 'format=atip: the same answer as no format');
  assert.ok(atipFormat.items.every((o) => 'subdivision' in o && !('org_Type' in o)), 'the atip shape');
  for (const format of ['xml', 'HTCDS', 'json', '', 'htcds2']) {
    const p = `/api/v1/orgs?format=${encodeURIComponent(format)}`;
    invalid(await call('GET', p, { session: sessions.investigator }), ['format'], `GET ${p}`);
  }
  invalid(await call('GET', '/api/v1/orgs?format=xml&type=spies', { session: sessions.investigator }), ['format', 'type'],
    'format and type wrong together');
  problem(await call('GET', '/api/v1/orgs?format=htcds'), 401, 'format=htcds anonymous');
});

// ---- stopping ------------------------------------------------------------------

test('atip stops cleanly on SIGTERM; the trail still verifies; the flag rows hold the review', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  auditVerify(env);
  const rows = sql(env, 'SELECT audit_id, reviewed_by, review_note FROM atip_audit_flags WHERE reviewed_at IS NOT NULL');
  assert.deepEqual(rows, [[reviewed.flag.id, sessions.org_admin.user.id, note]], 'one reviewed row');
});

// The member directory over the API: GET/POST /api/v1/orgs and GET/PATCH
// /api/v1/orgs/{id} against a real `atip serve` whose data dir was filled by
// `atip demo`: the list and its cursor pages and filters, creation by
// platform admins only (409 for a name the country has, 422 naming every
// wrong field), one organisation by id, suspension that ends the
// organisation's users' sessions at once and reactivation (after which they
// sign in again), the version check, and the audit trail those changes leave.
//
// The data dir and database are this file's own: on PostgreSQL a private
// database is made next to ATIP_TEST_DB (which other test files share) with
// psql and dropped at the end, so that `atip demo` prints fresh accounts and
// the directory and audit entry counts are exact.  Signing in is slow
// (argon2id): every account signs in once and its session is reused.  The
// demo accounts have a second factor: they sign in with a TOTP code from the
// secret `atip demo` prints (server.mjs), each time step's code only once.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, nextTotp, serve, sql, uuid } from './server.mjs';

const rfc3339Utc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const orgKeys = ['country', 'created_at', 'id', 'name', 'status', 'subdivision', 'type', 'updated_at', 'verified', 'version'];
const startedAt = Date.now();

// ---- HTTP (client.mjs) -----------------------------------------------------

let server;
const { call, signInRequest, signInWithCode } = client(() => server);

/** The whole directory as the platform admin sees it (one page of 500). */
async function directory() {
  const list = ok(await call('GET', '/api/v1/orgs?limit=500', { session: sessions.platform_admin }), 200, 'GET /api/v1/orgs?limit=500');
  assert.equal(list.next_cursor, null, `one page: ${JSON.stringify(list.next_cursor)}`);
  return list.items;
}

/** Asserts the shape of one organisation as the API shows it. */
function assertOrg(o, what) {
  assert.deepEqual(Object.keys(o).sort(), orgKeys, `${what}: fields of ${JSON.stringify(o)}`);
  assert.match(o.id, uuid, `${what}: id`);
  assert.equal(typeof o.name, 'string', `${what}: name`);
  assert.ok(o.name.length > 0 && o.name === o.name.trim(), `${what}: name ${JSON.stringify(o.name)}`);
  assert.match(o.type, /^[a-z_]+$/, `${what}: type`);
  assert.match(o.country, /^[A-Z]{2}$/, `${what}: country`);
  assert.ok(o.subdivision === null || (typeof o.subdivision === 'string' && o.subdivision.startsWith(`${o.country}-`)),
    `${what}: subdivision ${JSON.stringify(o.subdivision)} (null or a code of ${o.country})`);
  assert.equal(o.verified, false, `${what}: verified`);
  assert.ok(o.status === 'active' || o.status === 'suspended', `${what}: status ${o.status}`);
  for (const k of ['created_at', 'updated_at']) {
    assert.match(o[k], rfc3339Utc, `${what}: ${k}`);
    const t = Date.parse(o[k]);
    assert.ok(t >= startedAt - 5000 && t <= Date.now() + 5000, `${what}: ${k} ${o[k]} is about now`);
  }
  assert.ok(Date.parse(o.updated_at) >= Date.parse(o.created_at), `${what}: updated_at >= created_at`);
  assert.ok(Number.isInteger(o.version) && o.version >= 1, `${what}: version ${o.version}`);
}

// ---- the environment: `atip demo`, then `atip serve` ------------------------

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
const others = roles.filter((r) => r !== 'platform_admin');
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
let auditBefore;
const sessions = {}; // role -> { token, csrf, user }
// What the run must leave in the audit trail.
const expected = { signIns: 0, created: [], updated: [] };

// Every sign-in attempt that gets past validation is audited: counted here.

/** POST /api/v1/session with the account's password and a TOTP code it has not used yet. */
async function signInAttempt(account) {
  expected.signIns++;
  return signInRequest(account, (await nextTotp(account.totp, account.lastStep)).code);
}

/** Signs the role's demo account in (client.mjs: signInWithCode). */
async function signIn(role) {
  expected.signIns++;
  return signInWithCode(data.accounts[role], `${role} signs in`);
}

const orgNamed = (name) => {
  const o = data.orgs.find((x) => x.name === name);
  assert.ok(o, `a demo organisation named ${name}`);
  return o;
};

before(async () => {
  env = environment('orgs_api');
  data = demo(env); // asserts the ids, one account per role, their base32 TOTP secrets
  assert.deepEqual(Object.keys(data.accounts).sort(), [...roles].sort(), 'an account per role');
  auditBefore = auditVerify(env).entries;
  server = await serve(env);
  for (const role of roles) {
    sessions[role] = await signIn(role);
    assert.equal(sessions[role].user.org_id, orgNamed(homeOf[role]).id, `${role} belongs to ${homeOf[role]}`);
  }
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- 1. the directory --------------------------------------------------------

test('every signed-in role lists the 5 demo organisations; anonymous gets 401', async () => {
  assert.equal(data.orgs.length, 5, 'atip demo made 5 organisations');
  let first;
  const lists = {};
  for (const role of roles) {
    const what = `GET /api/v1/orgs as ${role}`;
    const list = ok(await call('GET', '/api/v1/orgs', { session: sessions[role] }), 200, what);
    lists[role] = list;
    assert.ok(Array.isArray(list.items), `${what}: items: ${JSON.stringify(list)}`);
    assert.equal(list.items.length, 5, `${what}: ${JSON.stringify(list.items)}`);
    for (const o of list.items) {
      assertOrg(o, `${what}: ${o.name}`);
      assert.match(o.name, /\(fictional\)/, `${what}: ${o.name}`);
      assert.equal(o.status, 'active', `${what}: ${o.name}`);
      assert.equal(o.version, 1, `${what}: ${o.name}`);
      assert.equal(o.updated_at, o.created_at, `${what}: never updated: ${o.name}`);
      const printed = data.orgs.find((d) => d.id === o.id);
      assert.ok(printed, `${what}: ${o.id} is an id atip demo printed`);
      assert.deepEqual([o.name, o.country, o.type, o.status], [printed.name, printed.country, printed.type, printed.status]);
    }
    const ids = list.items.map((o) => o.id);
    assert.deepEqual(ids, [...ids].sort(), `${what}: in id order`);
    if (first) assert.deepEqual(list, first, `${what}: the same directory as the platform admin's`);
    else first = list;
  }
  assert.deepEqual(first.items.map((o) => o.id).sort(), data.orgs.map((o) => o.id).sort());

  problem(await call('GET', '/api/v1/orgs'), 401, 'GET /api/v1/orgs anonymous');
  problem(await call('GET', '/api/v1/orgs', { headers: { cookie: `atip=${crypto.randomBytes(32).toString('base64url')}` } }), 401,
    'GET /api/v1/orgs with a made-up session cookie');
  problem(await call('GET', `/api/v1/orgs/${data.orgs[0].id}`), 401, 'GET /api/v1/orgs/{id} anonymous');

  // {items, next_cursor}: the one (last) page says so with null.
  for (const role of roles) {
    assert.deepEqual(Object.keys(lists[role]).sort(), ['items', 'next_cursor'], `GET /api/v1/orgs as ${role}: the keys of ${JSON.stringify(lists[role])}`);
    assert.equal(lists[role].next_cursor, null, `GET /api/v1/orgs as ${role}: next_cursor on the last page`);
  }
});

// ---- 2. pages and filters ------------------------------------------------------

/**
 * Walks every page of a query at the given limit: { pages (their items),
 * last (the last page's whole answer) }.
 */
async function walk(query, limit) {
  const pages = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) {
    const q = `/api/v1/orgs?${query ? `${query}&` : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = ok(await call('GET', q, { session: sessions.analyst }), 200, `GET ${q}`);
    assert.ok(page.items.length <= limit, `GET ${q}: at most ${limit} items`);
    pages.push(page.items);
    if (page.next_cursor === null || page.next_cursor === undefined) return { pages, last: page, q };
    assert.equal(page.items.length, limit, `GET ${q}: a page with a next_cursor is full`);
    assert.equal(typeof page.next_cursor, 'string', `GET ${q}: next_cursor`);
    cursor = encodeURIComponent(page.next_cursor);
  }
  assert.fail(`GET /api/v1/orgs?${query}: no last page after 20 pages`);
}

/** The last page of a walk says "next_cursor": null. */
function assertLast({ last, q }) {
  assert.ok('next_cursor' in last, `GET ${q}: the last page has a next_cursor key: ${JSON.stringify(last)}`);
  assert.equal(last.next_cursor, null, `GET ${q}: next_cursor on the last page`);
}

test('limit=2 walks every organisation through next_cursor, without duplicates, ending in null', async () => {
  const all = await directory();
  const two = await walk('', 2);
  assert.deepEqual(two.pages.map((p) => p.length), [2, 2, 1]);
  const ids = two.pages.flat().map((o) => o.id);
  assert.equal(new Set(ids).size, ids.length, `no duplicates: ${ids}`);
  assert.deepEqual(two.pages.flat(), all, 'the pages together are the whole list, in order');

  const exact = ok(await call('GET', '/api/v1/orgs?limit=5', { session: sessions.viewer }), 200, 'limit=5');
  assert.equal(exact.items.length, 5);
  assert.ok(!exact.next_cursor, 'limit=5 of 5: no next page');
  const one = await walk('', 1);
  assert.deepEqual(one.pages.flat(), all, 'limit=1');
  assert.equal(one.pages.length, 5);

  assertLast(two);
  assertLast(one);
  assertLast({ last: exact, q: '/api/v1/orgs?limit=5' });
});

test('limit out of range or not a number, and a malformed cursor: 422 naming the parameter', async () => {
  for (const limit of ['0', '501', 'abc', '-1', '2.5', '', '1e2']) {
    const q = `/api/v1/orgs?limit=${encodeURIComponent(limit)}`;
    invalid(await call('GET', q, { session: sessions.viewer }), ['limit'], `GET ${q}`);
  }
  ok(await call('GET', '/api/v1/orgs?limit=500', { session: sessions.viewer }), 200, 'limit=500');
  for (const cursor of ['abc', 'not-a-cursor-at-all', '0000000000000000000000000000000000000', `${data.orgs[0].id}x`]) {
    const q = `/api/v1/orgs?cursor=${encodeURIComponent(cursor)}`;
    invalid(await call('GET', q, { session: sessions.viewer }), ['cursor'], `GET ${q}`);
  }
  invalid(await call('GET', '/api/v1/orgs?limit=0&cursor=abc&country=ZZ', { session: sessions.viewer }),
    ['limit', 'cursor', 'country'], 'three wrong parameters at once');
});

test('filters country, type and status narrow the list; an unknown value is 422 naming it', async () => {
  const all = await directory();
  const cases = [
    ['country=NP', (o) => o.country === 'NP', 2],
    ['country=np', (o) => o.country === 'NP', 2],
    ['country=bD', (o) => o.country === 'BD', 1],
    ['country=BD', (o) => o.country === 'BD', 1],
    ['country=US', () => false, 0],
    ['type=shelter', (o) => o.type === 'shelter', 1],
    ['type=academic', () => false, 0],
    ['status=active', () => true, 5],
    ['status=suspended', () => false, 0],
    ['country=NP&type=law_enforcement', (o) => o.country === 'NP' && o.type === 'law_enforcement', 1],
    ['country=NP&type=shelter', () => false, 0],
  ];
  for (const [query, pick, n] of cases) {
    const what = `GET /api/v1/orgs?${query}`;
    const list = ok(await call('GET', `/api/v1/orgs?${query}`, { session: sessions.case_worker }), 200, what);
    assert.deepEqual(list.items, all.filter(pick), what);
    assert.equal(list.items.length, n, what);
    assert.equal(list.next_cursor, null, `${what}: one page`);
  }
  // A filter and pages together.
  const nepal = await walk('country=NP', 1);
  assert.deepEqual(nepal.pages.flat(), all.filter((o) => o.country === 'NP'), 'country=NP&limit=1, page by page');

  for (const [query, field] of [
    ['type=police', 'type'],
    ['type=', 'type'],
    ['type=Shelter', 'type'],
    ['country=ZZ', 'country'],
    ['country=zz', 'country'],
    ['country=NPL', 'country'],
    ['country=', 'country'],
    ['status=gone', 'status'],
  ]) {
    invalid(await call('GET', `/api/v1/orgs?${query}`, { session: sessions.case_worker }), [field], `GET /api/v1/orgs?${query}`);
  }
});

// ---- 3. creation ---------------------------------------------------------------

const unique = (name) => `${name} ${crypto.randomBytes(3).toString('hex')}`;
let created; // the organisation made by the platform admin

test('POST /api/v1/orgs as platform_admin: 201 with the organisation, country upper-cased', async () => {
  const name = unique('Test Safe Home, Pokhara');
  const body = { name, type: 'shelter', country: 'np', subdivision: 'NP-P4' };
  const o = ok(await call('POST', '/api/v1/orgs', { session: sessions.platform_admin, body }), 201, 'POST /api/v1/orgs');
  expected.created.push(o.id);
  assertOrg(o, 'the created organisation');
  assert.deepEqual(
    { name: o.name, type: o.type, country: o.country, subdivision: o.subdivision, verified: o.verified, status: o.status, version: o.version },
    { name, type: 'shelter', country: 'NP', subdivision: 'NP-P4', verified: false, status: 'active', version: 1 });
  assert.equal(o.updated_at, o.created_at);
  assert.ok(!data.orgs.some((d) => d.id === o.id), 'a new id');
  created = o;

  const got = ok(await call('GET', `/api/v1/orgs/${o.id}`, { session: sessions.viewer }), 200, 'GET the created organisation');
  assert.deepEqual(got, o);
  const all = await directory();
  assert.equal(all.length, 6);
  assert.deepEqual(all.find((x) => x.id === o.id), o);

  // No subdivision: null.  The same name in another country is another organisation.
  const india = ok(await call('POST', '/api/v1/orgs', {
    session: sessions.platform_admin, body: { name, type: 'civil_society', country: 'In' },
  }), 201, 'POST the same name in India');
  expected.created.push(india.id);
  assertOrg(india, 'the Indian namesake');
  assert.equal(india.country, 'IN');
  assert.equal(india.subdivision, null);
  assert.notEqual(india.id, o.id);
  assert.equal((await directory()).length, 7);
});

test('POST /api/v1/orgs with a name the country already has (any case or spacing): 409 naming "name"', async () => {
  assert.ok(created, 'made by the previous test');
  const before = await directory();
  const spaced = `  ${created.name.toUpperCase().replace(/ /g, '   ')} `;
  for (const [what, body] of [
    ['the same name', { name: created.name, type: 'shelter', country: 'NP' }],
    ['another case and spacing, another type, lower-case country', { name: spaced, type: 'government', country: 'np' }],
    ['a demo name in lower case', { name: 'demo border force unit (fictional)', type: 'border_force', country: 'BD' }],
  ]) {
    const p = problem(await call('POST', '/api/v1/orgs', { session: sessions.platform_admin, body }), 409, `POST /api/v1/orgs: ${what}`);
    assert.ok(Array.isArray(p.errors), `${what}: errors: ${JSON.stringify(p)}`);
    assert.deepEqual(p.errors.map((e) => e.field), ['name'], `${what}: ${JSON.stringify(p)}`);
  }
  assert.deepEqual(await directory(), before, 'nothing was added');
});

const valid = () => ({ name: unique('Test Unit'), type: 'law_enforcement', country: 'NP' });

test('POST /api/v1/orgs with wrong fields: 422 naming each one', async () => {
  const before = await directory();
  const cases = [
    ['empty name', { ...valid(), name: '' }, ['name']],
    ['blank name', { ...valid(), name: ' \t ' }, ['name']],
    ['unknown type', { ...valid(), type: 'spies' }, ['type']],
    ['country ZZ', { ...valid(), country: 'ZZ' }, ['country']],
    ['three-letter country', { ...valid(), country: 'NPL' }, ['country']],
    ['a subdivision of another country', { ...valid(), subdivision: 'IN-MH' }, ['subdivision']],
    ['no such subdivision', { ...valid(), subdivision: 'NP-XX' }, ['subdivision']],
    ['an unknown extra field', { ...valid(), website: 'https://example.org' }, ['website']],
    ['nothing', {}, ['name', 'type', 'country']],
    ['name, type and country wrong', { name: '', type: 'spies', country: 'ZZ' }, ['name', 'type', 'country']],
    ['name, type and subdivision wrong', { name: '', type: 'spies', country: 'NP', subdivision: 'IN-MH' }, ['name', 'type', 'subdivision']],
    ['a number as type', { ...valid(), type: 7 }, ['type']],
    ['a name over 200 characters', { ...valid(), name: 'n'.repeat(201) }, ['name']],
    ['a control character in the name', { ...valid(), name: 'Test\u0007Unit' }, ['name']],
  ];
  for (const [what, body, fields] of cases)
    invalid(await call('POST', '/api/v1/orgs', { session: sessions.platform_admin, body }), fields, `POST /api/v1/orgs: ${what}`);
  assert.deepEqual(await directory(), before, 'nothing was added');
});

test('POST /api/v1/orgs with an unknown field and wrong values together: 422 naming every wrong field', async () => {
  for (const [body, fields] of [
    [{ name: '', type: 'spies', country: 'ZZ', extra: 1 }, ['name', 'type', 'country', 'extra']],
    [{ name: 'Test Unit', type: 'spies', country: 'NP', subdivision: 'IN-MH', extra: 1 }, ['type', 'subdivision', 'extra']],
  ]) {
    invalid(await call('POST', '/api/v1/orgs', { session: sessions.platform_admin, body }), fields,
      `POST /api/v1/orgs ${JSON.stringify(body)}`);
  }
});

test('POST /api/v1/orgs: 403 for every other role, without or with a wrong X-CSRF-Token; 415 for another media type; 401 anonymous', async () => {
  const before = await directory();
  for (const role of others) {
    const p = problem(await call('POST', '/api/v1/orgs', { session: sessions[role], body: valid() }), 403, `POST /api/v1/orgs as ${role}`);
    assert.ok(!/CSRF/i.test(p.detail), `as ${role}: refused for the role, not the token: ${p.detail}`);
  }
  const admin = sessions.platform_admin;
  for (const [what, csrf] of [['no X-CSRF-Token', null], ['another session\'s token', sessions.viewer.csrf], ['an empty token', '']]) {
    const p = problem(await call('POST', '/api/v1/orgs', { session: admin, csrf, body: valid() }), 403,
      `POST /api/v1/orgs as platform_admin, ${what}`);
    assert.match(p.detail, /CSRF/, `${what}: ${p.detail}`);
  }
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
    problem(await call('POST', '/api/v1/orgs', { session: admin, body: valid(), type }), 415, `POST /api/v1/orgs as ${type}`);
  }
  problem(await call('POST', '/api/v1/orgs', { body: valid() }), 401, 'POST /api/v1/orgs anonymous');
  assert.deepEqual(await directory(), before, 'nothing was added');
});

// ---- 4. one organisation -------------------------------------------------------

test('GET /api/v1/orgs/{id}: 200 for every role; an unknown or malformed id: 404 with the same detail', async () => {
  const all = await directory();
  for (const role of roles) {
    for (const o of all) {
      const got = ok(await call('GET', `/api/v1/orgs/${o.id}`, { session: sessions[role] }), 200, `GET /api/v1/orgs/${o.id} as ${role}`);
      assert.deepEqual(got, o, `as ${role}`);
    }
  }
  const id = all[0].id;
  const unknown = `${id.slice(0, 24)}${id.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  assert.ok(!all.some((o) => o.id === unknown));
  const details = new Set();
  for (const [what, p] of [
    ['an unknown id', unknown],
    ['a malformed id', 'not-an-id'],
    ['a number', '12345'],
    ['an id with a character too many', `${id}0`],
    ['a uuid without dashes', id.replace(/-/g, '')],
  ]) {
    for (const role of ['platform_admin', 'viewer']) {
      const res = problem(await call('GET', `/api/v1/orgs/${p}`, { session: sessions[role] }), 404, `GET /api/v1/orgs/${p} (${what}) as ${role}`);
      details.add(res.detail);
    }
  }
  assert.equal(details.size, 1, `one detail for every 404: ${[...details]}`);
});

// ---- 5. suspension -------------------------------------------------------------

test('PATCH suspends an organisation: its signed-in user is cut off at once and cannot sign in; after reactivation they sign in again, the old session stays ended', async () => {
  const border = orgNamed(homeOf.viewer);
  const viewer = sessions.viewer;
  ok(await call('GET', '/api/v1/me', { session: viewer }), 200, 'GET /api/v1/me as the viewer before');
  const before = ok(await call('GET', `/api/v1/orgs/${border.id}`, { session: sessions.platform_admin }), 200, 'GET the border force');
  assert.equal(before.version, 1);

  const suspended = ok(await call('PATCH', `/api/v1/orgs/${border.id}`, {
    session: sessions.platform_admin, body: { status: 'suspended', version: 1 },
  }), 200, 'PATCH {status: suspended, version: 1}');
  expected.updated.push(border.id);
  assertOrg(suspended, 'the suspended organisation');
  assert.equal(suspended.status, 'suspended');
  assert.equal(suspended.version, 2);
  assert.deepEqual({ ...suspended, status: before.status, version: before.version, updated_at: before.updated_at }, before,
    'only status, version and updated_at changed');
  assert.ok(Date.parse(suspended.updated_at) >= Date.parse(before.updated_at));
  assert.deepEqual(ok(await call('GET', `/api/v1/orgs/${border.id}`, { session: sessions.analyst }), 200, 'GET it again'), suspended);

  // Cut off at once: the session opened before no longer works.
  problem(await call('GET', '/api/v1/me', { session: viewer }), 401, 'GET /api/v1/me as the suspended organisation\'s viewer');
  problem(await call('GET', '/api/v1/orgs', { session: viewer }), 401, 'GET /api/v1/orgs as the suspended organisation\'s viewer');
  const again = await signInAttempt(data.accounts.viewer); // the right password and code
  problem(again, 401, 'POST /api/v1/session as the suspended organisation\'s viewer');
  assert.equal(again.headers.get('set-cookie'), null, 'no session cookie');
  // Nobody else is affected; the directory still lists it, as suspended.
  for (const role of others.filter((r) => r !== 'viewer'))
    ok(await call('GET', '/api/v1/me', { session: sessions[role] }), 200, `GET /api/v1/me as ${role}`);
  const list = ok(await call('GET', '/api/v1/orgs?status=suspended', { session: sessions.investigator }), 200, 'status=suspended');
  assert.deepEqual(list.items, [suspended]);
  const active = ok(await call('GET', '/api/v1/orgs?status=active', { session: sessions.investigator }), 200, 'status=active');
  assert.ok(!active.items.some((o) => o.id === border.id), 'not among the active ones');

  // A stale version changes nothing.
  problem(await call('PATCH', `/api/v1/orgs/${border.id}`, {
    session: sessions.platform_admin, body: { status: 'active', version: 1 },
  }), 409, 'PATCH with the stale version 1');
  assert.deepEqual(ok(await call('GET', `/api/v1/orgs/${border.id}`, { session: sessions.platform_admin }), 200, 'GET after the 409'), suspended);
  problem(await signInAttempt(data.accounts.viewer), 401, 'the viewer signs in after the refused reactivation');

  const reactivated = ok(await call('PATCH', `/api/v1/orgs/${border.id}`, {
    session: sessions.platform_admin, body: { status: 'active', version: 2 },
  }), 200, 'PATCH {status: active, version: 2}');
  expected.updated.push(border.id);
  assertOrg(reactivated, 'the reactivated organisation');
  assert.equal(reactivated.status, 'active');
  assert.equal(reactivated.version, 3);
  assert.equal(reactivated.created_at, before.created_at);

  // Suspension ended the session: reactivation does not bring it back.
  problem(await call('GET', '/api/v1/me', { session: viewer }), 401, 'GET /api/v1/me with the session from before the suspension, after reactivation');
  problem(await call('GET', '/api/v1/orgs', { session: viewer }), 401, 'GET /api/v1/orgs with the session from before the suspension, after reactivation');

  const back = await signIn('viewer');
  assert.notEqual(back.token, viewer.token, 'a new session');
  const me = ok(await call('GET', '/api/v1/me', { session: back }), 200, 'GET /api/v1/me after signing in again');
  assert.equal(me.user.org_id, border.id);
  ok(await call('GET', '/api/v1/orgs', { session: back }), 200, 'GET /api/v1/orgs after signing in again');
  sessions.viewer = back;
});

test('PATCH /api/v1/orgs/{id}: stale version 409; bad status or version 422; 403 for an org admin or without the CSRF token; 404 unknown', async () => {
  const target = created;
  assert.ok(target, 'made by an earlier test');
  const path1 = `/api/v1/orgs/${target.id}`;
  const admin = sessions.platform_admin;

  for (const version of [0, 2, 99, -1]) {
    const p = problem(await call('PATCH', path1, { session: admin, body: { status: 'suspended', version } }), 409, `PATCH version ${version}`);
    assert.equal(typeof p.detail, 'string');
  }
  for (const [what, body, fields] of [
    ['status "gone"', { status: 'gone', version: 1 }, ['status']],
    ['status "Suspended"', { status: 'Suspended', version: 1 }, ['status']],
    ['status a number', { status: 1, version: 1 }, ['status']],
    ['no status', { version: 1 }, ['status']],
    ['no version', { status: 'suspended' }, ['version']],
    ['version a string', { status: 'suspended', version: '1' }, ['version']],
    ['version a fraction', { status: 'suspended', version: 1.5 }, ['version']],
    ['version null', { status: 'suspended', version: null }, ['version']],
    ['an unknown field', { status: 'suspended', version: 1, name: 'Renamed' }, ['name']],
    ['empty body', {}, ['status', 'version']],
  ]) {
    invalid(await call('PATCH', path1, { session: admin, body }), fields, `PATCH ${what}`);
  }

  const ktm = orgNamed(homeOf.org_admin);
  for (const [what, id] of [['another organisation', target.id], ['the org admin\'s own organisation', ktm.id]]) {
    const p = problem(await call('PATCH', `/api/v1/orgs/${id}`, {
      session: sessions.org_admin, body: { status: 'suspended', version: 1 },
    }), 403, `PATCH ${what} as org_admin`);
    assert.ok(!/CSRF/i.test(p.detail), p.detail);
  }
  for (const role of ['viewer', 'analyst', 'case_worker', 'investigator'])
    problem(await call('PATCH', path1, { session: sessions[role], body: { status: 'suspended', version: 1 } }), 403, `PATCH as ${role}`);
  const noCsrf = problem(await call('PATCH', path1, { session: admin, csrf: null, body: { status: 'suspended', version: 1 } }), 403,
    'PATCH without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/, noCsrf.detail);
  problem(await call('PATCH', path1, { session: admin, body: JSON.stringify({ status: 'suspended', version: 1 }), type: 'text/plain' }),
    415, 'PATCH as text/plain');
  problem(await call('PATCH', path1, { body: { status: 'suspended', version: 1 } }), 401, 'PATCH anonymous');

  const unknown = `${target.id.slice(0, 24)}${target.id.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  for (const id of [unknown, 'not-an-id'])
    problem(await call('PATCH', `/api/v1/orgs/${id}`, { session: admin, body: { status: 'suspended', version: 1 } }), 404, `PATCH /api/v1/orgs/${id}`);

  const now = ok(await call('GET', path1, { session: admin }), 200, 'GET after the refusals');
  assert.deepEqual(now, target, 'none of the refused changes took effect');
  const ktmNow = ok(await call('GET', `/api/v1/orgs/${ktm.id}`, { session: admin }), 200, 'GET Kathmandu');
  assert.equal(ktmNow.status, 'active');
  assert.equal(ktmNow.version, 1);
});

// ---- 6. stopping, and the audit trail -----------------------------------------

test('atip stops cleanly on SIGTERM; atip audit verify is ok and counts every sign-in, org.create and org.update', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  const total = auditVerify(env).entries;
  const wanted = expected.signIns + expected.created.length + expected.updated.length;
  assert.equal(total - auditBefore, wanted,
    `entries before ${auditBefore}, after ${total}: expected ${expected.signIns} sign-in attempts + ` +
    `${expected.created.length} org.create + ${expected.updated.length} org.update`);
  const rows = sql(env, "SELECT action, record_kind, record_id, outcome FROM atip_audit WHERE action LIKE 'org.%'");
  const of = (action) => rows.filter((r) => r[0] === action);
  for (const r of rows) assert.deepEqual([r[1], r[3]], ['org', 'ok'], `org entry ${r}`);
  assert.deepEqual(of('org.create').map((r) => r[2]).sort(), [...expected.created].sort(), 'org.create entries, one per organisation made');
  assert.deepEqual(of('org.update').map((r) => r[2]).sort(), [...expected.updated].sort(), 'org.update entries, one per change');
  assert.equal(rows.length, expected.created.length + expected.updated.length, `no other org.* entries: ${JSON.stringify(rows)}`);
});

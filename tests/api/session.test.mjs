// Sign-in over the API: POST /api/v1/session, GET /api/v1/me and
// DELETE /api/v1/session against a real `atip serve` whose data dir was
// filled by `atip demo` (or by `atip init` and `atip user add`): the
// session cookie and CSRF token, one answer for a wrong password and an
// unknown email, validation that does not count as a failed attempt,
// per-account throttling, the audit trail, and no secret in the log.
//
// The demo accounts have a second factor: they sign in with a TOTP code
// (server.mjs computes it from the secret `atip demo` prints), each code
// once, so a second sign-in within 30 s takes the next step's code.  The
// tests that need many sign-ins or throttling use an analyst and a viewer
// made by `atip user add`, which sign in with their password alone.
// (tests/api/totp.test.mjs tests enrolment and the second factor itself.)
//
// Each environment (data dir and database) is this file's own: on
// PostgreSQL a private database is created next to ATIP_TEST_DB (which
// other test files share) and dropped at the end, so that `atip demo`
// prints fresh accounts and audit entry counts are exact.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { call, problem, signInPlain, signInRequest, signInWithCode } from './client.mjs';
import { atip, auditVerify, codes, demo, dropDatabases, environment, nextTotp, secrets, serve as serveEnvironment, uuid } from './server.mjs';

const wrongDetail = 'The email, the password or the code is wrong.';

// secrets and codes (server.mjs): every secret handed to or by atip and
// every TOTP code sent, looked for in the logs at the end.
const servers = [];

// ---- atip commands and environments (server.mjs) ------------------------

/** serve() (server.mjs) on an environment, the server kept for the log check at the end. */
async function serve(env, vars = {}) {
  const server = await serveEnvironment(env, vars);
  servers.push(server);
  return server;
}

/** demo(): { orgs: {name: {id, country, ...}}, accounts: {email: {role, password, totp, lastStep, ...}} }. */
function demoByEmail(env) {
  const printed = demo(env); // asserts the ids and the base32 TOTP secrets
  const accounts = Object.fromEntries(Object.values(printed.accounts).map((a) => [a.email, a]));
  assert.equal(Object.keys(accounts).length, 6, `six demo accounts:\n${printed.stdout}`);
  return { orgs: Object.fromEntries(printed.orgs.map((o) => [o.name, o])), accounts };
}

/** `atip user add` with a fresh password (no second factor): { id, email, role, password }. */
function addUser(env, orgId, email, role, name) {
  const password = `user add ${crypto.randomBytes(8).toString('hex')}`;
  secrets.add(password);
  const r = atip(['user', 'add', '--org', orgId, '--email', email, '--role', role, ...(name ? ['--name', name] : []), ...env.args],
    { ATIP_USER_PASSWORD: password });
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, uuid);
  return { id, email, role, password };
}

// ---- HTTP ------------------------------------------------------------------

const wrongPassword = () => {
  const pw = `wrong-${crypto.randomBytes(9).toString('base64url')}`;
  secrets.add(pw);
  return pw;
};
const madeUpToken = () => crypto.randomBytes(32).toString('base64url');

/** A code of account.totp that the server has not taken yet (not recorded as used). */
async function freshCode(account) {
  return (await nextTotp(account.totp, account.lastStep)).code;
}

/**
 * The user as /api/v1/session and /api/v1/me show it.  Demo accounts are
 * enrolled (a second version of the account); accounts of atip init and
 * atip user add are not.
 */
function assertUser(user, { email, role, orgId, name, enrolled = false }) {
  assert.deepEqual(Object.keys(user).sort(), ['active', 'email', 'id', 'name', 'org_id', 'role', 'totp_enrolled', 'version']);
  assert.equal(user.active, true);
  assert.match(user.id, uuid);
  assert.equal(user.org_id, orgId);
  assert.equal(user.email, email);
  if (name !== undefined) assert.equal(user.name, name);
  assert.equal(typeof user.name, 'string');
  assert.equal(user.role, role);
  assert.equal(user.totp_enrolled, enrolled, `${email}: totp_enrolled`);
  assert.equal(user.version, enrolled ? 2 : 1, `${email}: version`);
}

// ---- The main environment: `atip demo`, then `atip serve` -------------------

const kathmandu = 'Demo Anti-Trafficking Unit, Kathmandu (fictional)';
const orgOf = {
  'platform.admin@demo.invalid': 'Demo Platform Secretariat (fictional)',
  'ktm.admin@demo.invalid': kathmandu,
  'ktm.investigator@demo.invalid': kathmandu,
  'pune.caseworker@demo.invalid': 'Demo Safe Home Shelter, Pune (fictional)',
  'colombo.analyst@demo.invalid': 'Demo Rights Collective, Colombo (fictional)',
  'border.viewer@demo.invalid': 'Demo Border Force Unit (fictional)',
};

let main;
let data;
let server;
// Accounts of atip user add, without a second factor: for many sign-ins.
let plain;
before(async () => {
  main = environment('session');
  data = demoByEmail(main);
  assert.deepEqual(Object.keys(data.accounts).sort(), Object.keys(orgOf).sort());
  plain = {
    analyst: addUser(main, data.orgs[orgOf['colombo.analyst@demo.invalid']].id, 'plain.analyst@example.org', 'analyst', 'Plain Analyst'),
    viewer: addUser(main, data.orgs[orgOf['border.viewer@demo.invalid']].id, 'plain.viewer@example.org', 'viewer', 'Plain Viewer'),
  };
  // Several workers, as on a server with several cores, whatever this
  // machine has: concurrent sign-ins then really run at once.
  server = await serve(main, { ATIP_THREADS: '8' });
});

after(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  dropDatabases();
});

// The demo account itself (its lastStep kept across tests), with its organisation's id and country.
const account = (email) => Object.assign(data.accounts[email], {
  orgId: data.orgs[orgOf[email]].id, country: data.orgs[orgOf[email]].country,
});

let ktmAdmin;
test('POST /api/v1/session (email in another case): 201, CSRF token, user, HttpOnly SameSite=Strict cookie', async () => {
  const a = account('ktm.admin@demo.invalid');
  const s = await signInWithCode(server, a, a.email, { email: 'KTM.Admin@Demo.INVALID' });
  assert.match(s.res.headers.get('content-type') || '', /^application\/json/);
  assert.deepEqual(Object.keys(s.res.json).sort(), ['csrf_token', 'totp_enrolment_required', 'user']);
  assert.equal(s.res.json.totp_enrolment_required, false, 'an enrolled account has nothing to enrol');
  assertUser(s.user, { email: 'ktm.admin@demo.invalid', role: 'org_admin', orgId: a.orgId, name: 'Demo Unit Admin (fictional)', enrolled: true });
  assert.ok(!s.res.cookies[0].includes('Secure'), 'no Secure attribute over plain HTTP');
  assert.notEqual(s.token, s.csrf, 'the CSRF token is not the session token');
  const all = s.res.text + JSON.stringify([...s.res.headers]);
  assert.ok(!all.includes(a.password), 'the answer never contains the password');
  assert.ok(!all.includes(a.totp), 'the answer never contains the TOTP secret');
  ktmAdmin = s;
});

test('GET /api/v1/me: the user and country with the cookie; 401 without it or with a made-up one', async () => {
  assert.ok(ktmAdmin, 'signed in by the previous test');
  const me = await call(server, 'GET', '/api/v1/me', { cookie: ktmAdmin.token });
  assert.equal(me.status, 200, me.text);
  assert.match(me.headers.get('content-type') || '', /^application\/json/);
  assert.deepEqual(me.json, { user: ktmAdmin.user, country: 'NP', totp_enrolment_required: false });
  const among = await call(server, 'GET', '/api/v1/me', { cookie: `theme=dark; atip=${ktmAdmin.token}; lang=ne` });
  assert.equal(among.status, 200, `the session cookie among others: ${among.text}`);

  problem(await call(server, 'GET', '/api/v1/me'), 401, 'no cookie');
  problem(await call(server, 'GET', '/api/v1/me', { cookie: madeUpToken() }), 401, 'made-up cookie');
  problem(await call(server, 'GET', '/api/v1/me', { cookie: 'x' }), 401, 'short cookie');
  problem(await call(server, 'GET', '/api/v1/me', { cookie: ktmAdmin.csrf }), 401, 'the CSRF token as cookie');
  problem(await call(server, 'GET', '/api/v1/me', { cookie: `other=${ktmAdmin.token}` }), 401, 'the token under another cookie name');
});

const sessions = {};
test('every demo account signs in; /api/v1/me names its organisation\'s country', async () => {
  for (const email of Object.keys(orgOf)) {
    const a = account(email);
    const s = await signInWithCode(server, a, email);
    assert.equal(s.res.json.totp_enrolment_required, false, email);
    assertUser(s.user, { email, role: a.role, orgId: a.orgId, enrolled: true });
    const me = await call(server, 'GET', '/api/v1/me', { cookie: s.token });
    assert.equal(me.status, 200, `${email}: ${me.text}`);
    assert.deepEqual(me.json, { user: s.user, country: a.country, totp_enrolment_required: false }, email);
    sessions[email] = s;
  }
  const tokens = new Set(Object.values(sessions).flatMap((s) => [s.token, s.csrf]).concat([ktmAdmin.token, ktmAdmin.csrf]));
  assert.equal(tokens.size, 14, 'every session and CSRF token is different');
  assert.equal(account('ktm.admin@demo.invalid').country, 'NP');
});

test('DELETE /api/v1/session needs the session\'s CSRF token; then 204, cookie cleared, session revoked', async () => {
  const a = account('ktm.investigator@demo.invalid');
  const s = await signInWithCode(server, a);
  const other = sessions['platform.admin@demo.invalid'];
  assert.ok(other, 'signed in by the previous test');

  const missing = problem(await call(server, 'DELETE', '/api/v1/session', { cookie: s.token }), 403, 'no X-CSRF-Token');
  assert.match(missing.detail, /CSRF/, missing.detail);
  for (const [label, csrf] of [
    ['a made-up token', madeUpToken()],
    ['another session\'s token', other.csrf],
    ['the session token', s.token],
    ['an empty token', ''],
  ]) {
    const res = await call(server, 'DELETE', '/api/v1/session', { cookie: s.token, csrf });
    const p = problem(res, 403, `X-CSRF-Token: ${label}`);
    assert.match(p.detail, /CSRF/, p.detail);
  }
  const still = await call(server, 'GET', '/api/v1/me', { cookie: s.token });
  assert.equal(still.status, 200, `a refused sign-out leaves the session: ${still.text}`);

  const out = await call(server, 'DELETE', '/api/v1/session', { cookie: s.token, csrf: s.csrf });
  assert.equal(out.status, 204, out.text);
  assert.equal(out.text, '');
  assert.deepEqual(out.cookies, ['atip=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict']);

  problem(await call(server, 'GET', '/api/v1/me', { cookie: s.token }), 401, 'the old cookie after sign-out');
  problem(await call(server, 'DELETE', '/api/v1/session', { cookie: s.token, csrf: s.csrf }), 401, 'signing out twice');
  problem(await call(server, 'DELETE', '/api/v1/session', { csrf: s.csrf }), 401, 'sign-out without the cookie');
  const kept = await call(server, 'GET', '/api/v1/me', { cookie: other.token });
  assert.equal(kept.status, 200, `another session lives on: ${kept.text}`);
});

test('a wrong password and an unknown email get the same 401', async () => {
  const a = account('ktm.investigator@demo.invalid');
  const wrong = problem(await signInRequest(server, { email: a.email, password: wrongPassword() }), 401, 'wrong password');
  assert.equal(wrong.detail, wrongDetail);
  const wrongWithCode = problem(await signInRequest(server, { email: a.email, password: wrongPassword() }, await freshCode(a)), 401, 'wrong password, right code');
  assert.equal(wrongWithCode.detail, wrongDetail);
  const unknownEmail = `nobody.${crypto.randomBytes(4).toString('hex')}@demo.invalid`;
  const unknown = problem(await signInRequest(server, { email: unknownEmail, password: a.password }), 401, 'unknown email');
  assert.equal(unknown.detail, wrongDetail);
  const same = (p) => ({ type: p.type, title: p.title, status: p.status, detail: p.detail, keys: Object.keys(p).sort() });
  assert.deepEqual(same(unknown), same(wrong), 'nothing tells an unknown email from a wrong password');
  const other = problem(await signInRequest(server, { email: a.email.toUpperCase(), password: '' }), 401, 'empty password');
  assert.equal(other.detail, wrongDetail);
});

test('malformed sign-in bodies: 422, 415, 400 — and they are not counted as failed attempts', async () => {
  const a = account('pune.caseworker@demo.invalid');
  const fields = (p) => (p.errors || []).map((e) => e.field);
  for (let round = 0; round < 3; round++) {
    let p = problem(await call(server, 'POST', '/api/v1/session', { body: { email: a.email } }), 422, 'missing password');
    assert.deepEqual(fields(p), ['password'], JSON.stringify(p));
    assert.equal(typeof p.errors[0].message, 'string');

    p = problem(await call(server, 'POST', '/api/v1/session', { body: { email: a.email, password: wrongPassword(), remember_me: true } }), 422, 'unknown field');
    assert.deepEqual(fields(p), ['remember_me'], JSON.stringify(p));

    p = problem(await call(server, 'POST', '/api/v1/session', { body: { email: a.email, password: 123456789012345 } }), 422, 'password a number');
    assert.deepEqual(fields(p), ['password'], JSON.stringify(p));

    p = problem(await call(server, 'POST', '/api/v1/session', { body: { email: a.email, password: wrongPassword(), totp: 123456 } }), 422, 'totp a number');
    assert.deepEqual(fields(p), ['totp'], JSON.stringify(p));

    problem(await call(server, 'POST', '/api/v1/session', {
      body: JSON.stringify({ email: a.email, password: wrongPassword() }), type: 'text/plain',
    }), 415, 'text/plain body');

    problem(await call(server, 'POST', '/api/v1/session', {
      body: `{"email":${JSON.stringify(a.email)},"password":${JSON.stringify(wrongPassword())}`,
    }), 400, 'broken JSON');
  }
  const s = await signInWithCode(server, a, 'the right password after 18 malformed requests');
  assertUser(s.user, { email: a.email, role: 'case_worker', orgId: a.orgId, enrolled: true });
});

test('throttling: after 10 wrong passwords the 11th attempt gets 429 with Retry-After; other accounts are not affected', { timeout: 120000 }, async () => {
  const a = plain.analyst; // atip user add: the password alone signs in
  const orgId = data.orgs[orgOf['colombo.analyst@demo.invalid']].id;
  const open = await signInPlain(server, a, 'the analyst of atip user add, before the wrong passwords');
  assert.equal(open.res.json.totp_enrolment_required, false, 'an analyst need not enrol');
  assertUser(open.user, { email: a.email, role: 'analyst', orgId, name: 'Plain Analyst' });
  for (let i = 1; i <= 10; i++) {
    const p = problem(await signInRequest(server, { email: a.email, password: wrongPassword() }), 401, `wrong password ${i}`);
    assert.equal(p.detail, wrongDetail);
  }
  for (const email of [a.email, a.email.toUpperCase()]) {
    const res = await signInRequest(server, { email, password: a.password });
    problem(res, 429, `right password for ${email} after 10 wrong ones`);
    const retry = res.headers.get('retry-after') || '';
    assert.match(retry, /^\d+$/, `Retry-After in whole seconds: ${retry}`);
    assert.ok(Number(retry) > 0 && Number(retry) <= 900, `Retry-After ${retry} within the 15-minute window`);
    assert.ok(!res.text.includes(a.password));
  }
  const b = plain.viewer;
  const s = await signInPlain(server, b, 'another account');
  assertUser(s.user, { email: b.email, role: 'viewer', orgId: data.orgs[orgOf['border.viewer@demo.invalid']].id, name: 'Plain Viewer' });
  const still = await call(server, 'GET', '/api/v1/me', { cookie: open.token });
  assert.equal(still.status, 200, `an open session of the throttled account lives on: ${still.text}`);
});

/**
 * Sends one request on each of n connections at once: the connections are
 * opened one after another first (so the server's worker threads each take
 * some), then every request is written in the same tick.  The statuses.
 */
async function allAtOnce(port, bytes, n) {
  const socks = [];
  for (let i = 0; i < n; i++) {
    socks.push(await new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(sock));
      sock.on('error', reject);
    }));
    await new Promise((r) => setTimeout(r, 10));
  }
  return Promise.all(socks.map((sock) => new Promise((resolve) => {
    let got = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => { got += d; });
    sock.on('close', () => resolve(Number(got.match(/^HTTP\/1\.1 (\d{3}) /)?.[1] || 0)));
    sock.write(bytes);
  })));
}

test('throttling holds for wrong passwords sent all at once: no more than 10 are tried', { timeout: 120000 }, async () => {
  const a = account('platform.admin@demo.invalid');
  const pw = wrongPassword();
  const body = JSON.stringify({ email: a.email, password: pw });
  const request = `POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const statuses = await allAtOnce(server.port, request, 25);
  const counts = {};
  for (const s of statuses) counts[s] = (counts[s] || 0) + 1;
  assert.deepEqual(Object.keys(counts).filter((s) => s !== '401' && s !== '429'), [], `only 401 and 429: ${JSON.stringify(counts)}`);
  assert.ok((counts[401] || 0) <= 10, `25 wrong passwords at once: at most 10 may be tried (401), the rest 429; got ${JSON.stringify(counts)}`);
  // Each attempt is recorded before its password is checked, so exactly 10 are tried.
  assert.deepEqual(counts, { 401: 10, 429: 15 }, `25 wrong passwords at once: ${JSON.stringify(counts)}`);
  problem(await signInRequest(server, a, await freshCode(a)), 429, 'the right password and code afterwards');
});

test('GET /api/v1/openapi.json lists POST and DELETE /api/v1/session and GET /api/v1/me', async () => {
  const res = await call(server, 'GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200);
  const paths = res.json?.paths || {};
  assert.ok(paths['/api/v1/session']?.post, 'POST /api/v1/session');
  assert.ok(paths['/api/v1/session'].post.requestBody, 'POST /api/v1/session documents its body');
  assert.ok(paths['/api/v1/session']?.delete, 'DELETE /api/v1/session');
  assert.ok(paths['/api/v1/me']?.get, 'GET /api/v1/me');
});

// ---- `atip init` and `atip user add` ---------------------------------------

test('accounts from atip init and atip user add sign in over the API', async () => {
  const env = environment('session');
  const adminPw = `Init password ${crypto.randomBytes(6).toString('hex')} für Kathmandu`;
  secrets.add(adminPw);
  const init = atip(['init', '--admin-email', 'Root.Admin@Example.ORG', '--country', 'np', ...env.args], { ATIP_INIT_PASSWORD: adminPw });
  assert.equal(init.status, 0, init.stderr);
  const m = init.stdout.match(/\(user (\S+), organisation (\S+)\)/);
  assert.ok(m, init.stdout);
  const [, adminId, orgId] = m;
  const viewerPw = `viewer pass ${crypto.randomBytes(6).toString('hex')}`;
  secrets.add(viewerPw);
  const add = atip(['user', 'add', '--org', orgId, '--email', 'Viewer@Example.org', '--role', 'viewer', '--name', 'Test Viewer', ...env.args], { ATIP_USER_PASSWORD: viewerPw });
  assert.equal(add.status, 0, add.stderr);
  const viewerId = add.stdout.trim();
  assert.match(viewerId, uuid);

  const srv = await serve(env);
  const admin = await signInPlain(srv, { email: 'root.admin@example.org', password: adminPw }, 'the admin of atip init');
  assertUser(admin.user, { email: 'root.admin@example.org', role: 'platform_admin', orgId });
  assert.equal(admin.res.json.totp_enrolment_required, true, 'a platform admin without a second factor must enrol one');
  assert.equal(admin.user.id, adminId);
  const me = await call(srv, 'GET', '/api/v1/me', { cookie: admin.token });
  assert.equal(me.status, 200, me.text);
  assert.deepEqual(me.json, { user: admin.user, country: 'NP', totp_enrolment_required: true });
  const orgs = problem(await call(srv, 'GET', '/api/v1/orgs', { cookie: admin.token }), 403, 'GET /api/v1/orgs before enrolling');
  assert.match(orgs.detail, /^Enrol a second factor first/, orgs.detail);
  const viewer = await signInPlain(srv, { email: 'VIEWER@example.org', password: viewerPw }, 'the user of atip user add');
  assertUser(viewer.user, { email: 'viewer@example.org', role: 'viewer', orgId, name: 'Test Viewer' });
  assert.equal(viewer.res.json.totp_enrolment_required, false, 'a viewer need not enrol');
  const list = await call(srv, 'GET', '/api/v1/orgs', { cookie: viewer.token });
  assert.equal(list.status, 200, `the viewer uses the API at once: ${list.text}`);
  assert.equal(viewer.user.id, viewerId);
  problem(await signInRequest(srv, { email: 'viewer@example.org', password: adminPw }), 401, 'another account\'s password');
});

test('a password set by atip user add in decomposed form (NFD) signs in over the API', async () => {
  const env = environment('session');
  const init = atip(['init', '--admin-email', 'nfd.admin@example.org', '--country', 'NP', ...env.args],
    { ATIP_INIT_PASSWORD: `admin passphrase ${crypto.randomBytes(6).toString('hex')}` });
  assert.equal(init.status, 0, init.stderr);
  const orgId = init.stdout.match(/organisation (\S+)\)/)[1];
  // "é" as e + U+0301: the same text as U+00E9 once normalised.
  const nfd = `Mot de passe de\u0301cembre ${crypto.randomBytes(4).toString('hex')}`;
  secrets.add(nfd);
  secrets.add(nfd.normalize('NFC'));
  const add = atip(['user', 'add', '--org', orgId, '--email', 'nfd@example.org', '--role', 'analyst', ...env.args], { ATIP_USER_PASSWORD: nfd });
  assert.equal(add.status, 0, add.stderr);
  const srv = await serve(env);
  const res = await signInRequest(srv, { email: 'nfd@example.org', password: nfd });
  assert.equal(res.status, 201, `POST /api/v1/session with the very bytes of the password atip user add was given (NFD): ${res.status} ${res.text}`);
  const nfc = await signInRequest(srv, { email: 'nfd@example.org', password: nfd.normalize('NFC') });
  assert.equal(nfc.status, 201, `the same password in NFC: ${nfc.status} ${nfc.text}`);
});

// ---- The audit trail -------------------------------------------------------

test('a sign-in, a failed one and a sign-out add exactly 3 audit entries; atip audit verify says ok', { timeout: 120000 }, async () => {
  const env = environment('session');
  const { accounts } = demoByEmail(env);
  const start = auditVerify(env).entries;
  const srv = await serve(env);
  const a = accounts['platform.admin@demo.invalid'];
  const s = await signInWithCode(srv, a);
  problem(await signInRequest(srv, { email: 'ktm.admin@demo.invalid', password: wrongPassword() }), 401, 'wrong password');
  problem(await call(srv, 'POST', '/api/v1/session', { body: { email: a.email } }), 422, 'malformed (not audited)');
  assert.equal((await call(srv, 'GET', '/api/v1/me', { cookie: s.token })).status, 200);
  const out = await call(srv, 'DELETE', '/api/v1/session', { cookie: s.token, csrf: s.csrf });
  assert.equal(out.status, 204, out.text);
  await srv.stop();
  assert.equal(auditVerify(env).entries, start + 3, 'session.create ok, session.create failed, session.end');
});

test('10 wrong passwords and a throttled attempt add exactly 11 audit entries; atip audit verify says ok', { timeout: 120000 }, async () => {
  const env = environment('session');
  const init = atip(['init', '--admin-email', 'throttle.admin@example.org', '--country', 'LK', ...env.args],
    { ATIP_INIT_PASSWORD: `admin passphrase ${crypto.randomBytes(6).toString('hex')}` });
  assert.equal(init.status, 0, init.stderr);
  const orgId = init.stdout.match(/organisation (\S+)\)/)[1];
  const a = addUser(env, orgId, 'throttled.analyst@example.org', 'analyst');
  const start = auditVerify(env).entries;
  const srv = await serve(env);
  for (let i = 1; i <= 10; i++) problem(await signInRequest(srv, { email: a.email, password: wrongPassword() }), 401, `wrong password ${i}`);
  problem(await signInRequest(srv, a), 429, 'the right password, throttled');
  await srv.stop();
  assert.equal(auditVerify(env).entries, start + 11, '10 session.create failed, 1 session.create throttled');
});

// ---- The log ---------------------------------------------------------------

test('the server logs never hold a password, a TOTP secret or code, a session cookie or a CSRF token', async () => {
  for (const s of servers) await s.stop();
  assert.ok(secrets.size >= 40, `secrets collected: ${secrets.size}`);
  assert.ok(codes.size >= 10, `TOTP codes sent: ${codes.size}`);
  for (const s of servers) {
    const log = s.stderr() + s.stdout();
    assert.match(log, /"route":"\/api\/v1\/session"/, 'the request log was written');
    for (const secret of secrets) assert.ok(!log.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`);
    for (const code of codes)
      assert.ok(!new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(log), `a TOTP code (${code}) is in the log`);
  }
});

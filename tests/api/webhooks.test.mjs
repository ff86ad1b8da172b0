// Webhooks over the API: GET/POST /api/v1/webhooks, DELETE
// /api/v1/webhooks/{id} and GET /api/v1/webhooks/{id}/deliveries against a
// real `atip serve` whose data dir was filled by `atip demo`, delivering to
// real receivers (node:http servers on 127.0.0.1, port 0, that record every
// request and answer a status the test chooses):
//
//  1. Adding a webhook: 201 with the secret, shown once ("whsec_" and 43
//     base64url characters), not cached; never in the list, never in the
//     database in plain text.
//  2. Validation: 422 naming url (missing, not a URL, not https, a user or
//     password, http to a host name, private, loopback and link-local
//     addresses) or events (missing, empty, unknown, not a list, "*" with
//     others); nothing is made.
//  3. Who: the organisation's org admins (and the platform admin, for its
//     own organisation); case worker, investigator, analyst, viewer 403;
//     anonymous 401.
//  4. Delivery: one signed POST per event (X-Atip-Event, X-Atip-Delivery,
//     X-Atip-Signature "t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
//     t.body)>"), a body naming the event and record only; only the events
//     subscribed to; the delivery log (delivered, attempts 1, 200).
//  5. Each organisation sees its own webhooks alone (list, log, DELETE 404).
//  6. A receiver answering 500: pending, attempts 1, last_status 500; after
//     the back-off (10 s) the same delivery is sent again, and delivered.
//  7. At most 10 webhooks per organisation (409).
//  8. DELETE: 204, no longer listed, no more deliveries; its log stays.
//  9. The audit trail: webhook.create and webhook.delete by X-Request-Id.
// 10. Without ATIP_WEBHOOK_ALLOW: loopback URLs refused on creation, and a
//     host name that resolves to loopback (localhost) is never connected to
//     ("the address is not allowed").
//
// Until section 10, atip runs with ATIP_WEBHOOK_ALLOW=127.0.0.1/32 so that
// it may deliver to the receivers over plain http on 127.0.0.1.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  The Kathmandu org admin adds a
// viewer and an analyst of its own here.  Events for Kathmandu come from
// joint actions led by it (action.assigned) and from mentions of it in a
// thread (mention).
//
// The data dir and database are this file's own (a private database next to
// ATIP_TEST_DB on PostgreSQL).  Every account signs in once.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, secrets, serve, sql, uuid } from './server.mjs';

const ALLOW = '127.0.0.1/32';
const DEADLINE_MS = 15000;
const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const secretForm = /^whsec_[A-Za-z0-9_-]{43}$/;
const hookKeys = ['created_at', 'events', 'id', 'org_id', 'url'];
const payloadKeys = ['at', 'event', 'id', 'org_id', 'record_id', 'record_kind'];
const deliveryKeys = ['attempts', 'created_at', 'delivered_at', 'event', 'id', 'last_error', 'last_status', 'record_id', 'record_kind', 'status'];
const startedAt = Date.now();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns something truthy; fails after ms. */
async function until(what, fn, ms = DEADLINE_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms / 1000} s`);
    await sleep(150);
  }
}

// ---- receivers ------------------------------------------------------------------

const listeners = []; // every server made here, closed at the end

function listen(srv, port, host) {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => { srv.off('error', reject); resolve(srv.address().port); });
  });
}

/**
 * A webhook receiver: a node:http server on 127.0.0.1 that records every
 * request ({ method, path, headers, raw, json, at }) and answers the status
 * answer(hit, hits) returns.
 */
async function receiver(name, answer = () => 200) {
  const hits = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json;
      try { json = JSON.parse(raw); } catch { json = undefined; }
      const hit = { method: req.method, path: req.url, headers: req.headers, raw, json, at: Date.now() };
      hits.push(hit);
      res.writeHead(answer(hit, hits), { 'content-type': 'text/plain' });
      res.end('received (fictional receiver)\n');
    });
  });
  const port = await listen(srv, 0, '127.0.0.1');
  listeners.push(srv);
  const path = `/hooks/${name}?source=atip`;
  return {
    name, hits, port, path,
    url: `http://127.0.0.1:${port}${path}`,
    /** The requests about one event of one record. */
    of: (event, recordId) => hits.filter((h) => h.json?.event === event && h.json?.record_id === recordId),
  };
}

// ---- HTTP (client.mjs) -----------------------------------------------------------

let server;
const { call, signInWithCode, signInPlain } = client(() => server);

/** A 403 about the role, not the CSRF token or enrolment. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role, not the token: ${p.detail}`);
  return p;
}

// ---- the environment: `atip demo`, then `atip serve` ------------------------------

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
const homeOf = {
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
};
const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};

let env;
const org = {}; // ktm, pune, colombo, border, secretariat -> id
let unknownId; // a well-formed id nobody has
const sessions = {}; // role, ktm_viewer, ktm_analyst -> { token, csrf, user }
const rx = {}; // main, mentions, flaky -> receiver
const hooks = {}; // main, mentions, flaky, secretariat, ... -> { id, secret, ... } as POST answered
// The changes each organisation's audit chain must show: { action, rid, record, actor }.
const audited = { ktm: [], secretariat: [] };

before(async () => {
  env = environment('webhooks');
  const data = demo(env);
  assert.deepEqual(Object.keys(data.accounts).sort(), [...roles].sort(), 'an account per role');
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  unknownId = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  rx.main = await receiver('main');
  rx.mentions = await receiver('mentions');
  // 500 the first time a delivery comes, 200 when it comes again.
  rx.flaky = await receiver('flaky', (hit, hits) =>
    (hits.filter((h) => h.headers['x-atip-delivery'] === hit.headers['x-atip-delivery']).length === 1 ? 500 : 200));
  server = await serve(env, { ATIP_WEBHOOK_ALLOW: ALLOW });
  for (const role of roles) {
    sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
    assert.equal(sessions[role].user.org_id, org[homeOf[role]], `${role} belongs to ${homeOf[role]}`);
  }
  // A viewer and an analyst of Kathmandu (neither needs a second factor).
  for (const role of ['viewer', 'analyst']) {
    const account = { email: `ktm.${role}.webhooks@demo.invalid`, password: crypto.randomBytes(18).toString('base64url') };
    secrets.add(account.password);
    const u = ok(await call('POST', '/api/v1/users', {
      session: sessions.org_admin, body: { email: account.email, name: `Kathmandu ${role} (fictional)`, role, password: account.password },
    }), 201, `POST /api/v1/users (${role}) as org_admin`);
    assert.equal(u.org_id, org.ktm);
    sessions[`ktm_${role}`] = await signInPlain(account, `the Kathmandu ${role} signs in`);
  }
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  for (const srv of listeners) {
    srv.closeAllConnections?.();
    srv.close();
  }
  dropDatabases();
});

/** Notes an audited change by the session's user for the webhook. */
function expectAudit(who, action, res, record) {
  const s = sessions[who];
  const chain = Object.keys(audited).find((k) => org[k] === s.user.org_id);
  assert.ok(chain, `${who} belongs to Kathmandu or the Secretariat`);
  assert.ok(res.rid, `${action}: an X-Request-Id`);
  audited[chain].push({ action, rid: res.rid, record, actor: s.user.id });
}

/** POST /api/v1/webhooks as who: 201, the webhook with its secret (shape asserted, audited). */
async function addHook(who, url, events, what = `POST /api/v1/webhooks ${url} as ${who}`) {
  const res = await call('POST', '/api/v1/webhooks', { session: sessions[who], body: { url, events } });
  const w = ok(res, 201, what);
  expectAudit(who, 'webhook.create', res, w.id);
  assert.deepEqual(Object.keys(w).sort(), [...hookKeys, 'secret'].sort(), `${what}: fields of ${JSON.stringify(w)}`);
  assert.match(w.id, uuid, `${what}: id`);
  assert.match(w.secret, secretForm, `${what}: the secret`);
  secrets.add(w.secret);
  assert.deepEqual([w.org_id, w.url, w.events], [sessions[who].user.org_id, url, events], `${what}: as asked, for the caller's organisation`);
  assert.match(w.created_at, rfc3339, `${what}: created_at`);
  assert.ok(Math.abs(Date.parse(w.created_at) - Date.now()) < 60000, `${what}: created_at ${w.created_at} is about now`);
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: the answer with the secret is not cached`);
  return w;
}

/** GET /api/v1/webhooks as who: the items. */
async function list(who) {
  const page = ok(await call('GET', '/api/v1/webhooks', { session: sessions[who] }), 200, `GET /api/v1/webhooks as ${who}`);
  assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET /api/v1/webhooks: ${JSON.stringify(page)}`);
  assert.equal(page.next_cursor, null);
  for (const w of page.items) assert.deepEqual(Object.keys(w).sort(), hookKeys, `GET /api/v1/webhooks: fields of ${JSON.stringify(w)}`);
  return page.items;
}

/** GET /api/v1/webhooks/{id}/deliveries as who: the items (shape asserted). */
async function deliveries(who, id) {
  const q = `/api/v1/webhooks/${id}/deliveries`;
  const page = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
  assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET ${q}: ${JSON.stringify(page)}`);
  for (const d of page.items) {
    assert.deepEqual(Object.keys(d).sort(), deliveryKeys, `GET ${q}: fields of ${JSON.stringify(d)}`);
    assert.match(d.id, uuid, `GET ${q}: id`);
    assert.ok(['pending', 'delivered', 'failed'].includes(d.status), `GET ${q}: status ${d.status}`);
    assert.match(d.created_at, rfc3339, `GET ${q}: created_at`);
  }
  return page.items;
}

/** The one delivery of a webhook about an event of a record, once fn(delivery) holds. */
async function deliveryOnce(hookId, event, recordId, fn, what) {
  let last;
  return until(`${what}: ${JSON.stringify(last)}`, async () => {
    const mine = (await deliveries('org_admin', hookId)).filter((d) => d.event === event && d.record_id === recordId);
    assert.ok(mine.length <= 1, `${what}: one delivery per event: ${JSON.stringify(mine)}`);
    last = mine[0];
    return mine.length === 1 && fn(mine[0]) ? mine[0] : null;
  });
}

/** A joint action of Kathmandu led by lead (action.assigned for the lead): the action. */
async function assign(title, lead = org.ktm, who = 'investigator') {
  const a = ok(await call('POST', '/api/v1/actions', {
    session: sessions[who], body: { title, theme: 'protection', countries: ['NP'], lead_org: lead },
  }), 201, `POST /api/v1/actions "${title}" as ${who}`);
  assert.match(a.id, uuid);
  return a;
}

/** Asserts a receiver's request is a signed delivery of event about the record; its parsed body. */
function assertDelivery(hit, secret, { event, kind, record, orgId }, what) {
  assert.equal(hit.method, 'POST', `${what}: method`);
  assert.match(hit.headers['content-type'] || '', /^application\/json/, `${what}: Content-Type`);
  const body = JSON.parse(hit.raw);
  assert.deepEqual(Object.keys(body).sort(), payloadKeys, `${what}: exactly these keys, no content of the record: ${hit.raw}`);
  assert.match(body.id, uuid, `${what}: id`);
  assert.deepEqual([body.event, body.record_kind, body.record_id, body.org_id], [event, kind, record, orgId], `${what}: ${hit.raw}`);
  assert.match(body.at, rfc3339, `${what}: at`);
  assert.ok(Math.abs(Date.parse(body.at) - hit.at) < 60000, `${what}: at ${body.at} is about now`);
  assert.equal(hit.headers['x-atip-event'], event, `${what}: X-Atip-Event`);
  assert.equal(hit.headers['x-atip-delivery'], body.id, `${what}: X-Atip-Delivery is the body's id`);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(hit.headers['x-atip-signature'] || '');
  assert.ok(m, `${what}: X-Atip-Signature "t=<unix seconds>,v1=<hex>": ${hit.headers['x-atip-signature']}`);
  assert.ok(Math.abs(Number(m[1]) - hit.at / 1000) <= 60, `${what}: t=${m[1]} is about now`);
  const mac = crypto.createHmac('sha256', secret).update(`${m[1]}.${hit.raw}`).digest('hex');
  assert.equal(m[2], mac, `${what}: v1 is HMAC-SHA256(secret, t + "." + body)`);
  return { body, t: Number(m[1]), v1: m[2] };
}

// ---- 1. adding a webhook -------------------------------------------------------------

test('POST /api/v1/webhooks: 201 with the webhook and its secret ("whsec_" and 43 base64url characters), Cache-Control no-store; GET lists it without the secret', async () => {
  assert.deepEqual(await list('org_admin'), [], 'no webhooks yet');
  hooks.main = await addHook('org_admin', rx.main.url, ['action.assigned', 'mention']);
  const listed = await list('org_admin');
  const { secret, ...shown } = hooks.main;
  assert.deepEqual(listed, [shown], 'the list shows the webhook as made, without the secret');
  const res = await call('GET', '/api/v1/webhooks', { session: sessions.org_admin });
  assert.ok(!res.text.includes(secret), 'the secret is nowhere in the list');
  assert.ok(!res.text.includes(secret.slice('whsec_'.length)), 'nor its random part');
});

test('the secret is kept sealed: the webhooks table holds neither it nor its random part, and atip does not log it', async () => {
  const rows = sql(env, `SELECT id, org_id, url, events, secret, active, created_by, created_at FROM webhooks WHERE id = '${hooks.main.id}'`);
  assert.equal(rows.length, 1, `one row: ${JSON.stringify(rows)}`);
  const [id, orgId, url, events, sealed, active] = rows[0];
  assert.deepEqual([id, orgId, url, events, active], [hooks.main.id, org.ktm, rx.main.url, ',action.assigned,mention,', '1']);
  assert.ok(sealed.length > 0, 'a sealed secret is stored');
  const random = hooks.main.secret.slice('whsec_'.length);
  assert.ok(!sealed.includes(hooks.main.secret) && !sealed.includes(random), `the secret column does not hold the secret: ${sealed}`);
  assert.ok(!sealed.includes(Buffer.from(hooks.main.secret).toString('base64')), 'nor the secret in base64');
  assert.ok(!sealed.includes(Buffer.from(hooks.main.secret).toString('hex')), 'nor the secret in hex');
  const everything = sql(env, 'SELECT * FROM webhooks').flat().join('\n');
  assert.ok(!everything.includes(random), 'no column of the table holds it');
  assert.ok(!server.stderr().includes(random) && !server.stdout().includes(random), 'atip does not log it');

  // Each webhook gets a secret of its own.
  hooks.mentions = await addHook('org_admin', rx.mentions.url, ['mention']);
  assert.notEqual(hooks.mentions.secret, hooks.main.secret);
});

// ---- 2. validation -----------------------------------------------------------------

test('POST /api/v1/webhooks with a wrong url: 422 naming url (missing, not a URL, not http(s), a user or password, http to a host name, private, loopback or link-local addresses); nothing is made', async () => {
  const before = await list('org_admin');
  const events = ['mention'];
  for (const [what, body] of [
    ['no url', { events }],
    ['url null', { url: null, events }],
    ['an empty url', { url: '', events }],
    ['url a number', { url: 443, events }],
    ['not a URL', { url: 'not a url', events }],
    ['a URL without a scheme', { url: 'hooks.example.org/atip', events }],
    ['an ftp URL', { url: 'ftp://hooks.example.org/atip', events }],
    ['a javascript: URL', { url: 'javascript:alert(1)', events }],
    ['a file URL', { url: 'file:///etc/passwd', events }],
    ['https with user:password@', { url: 'https://user:password@hooks.example.org/atip', events }],
    ['https with a user name', { url: 'https://user@hooks.example.org/atip', events }],
    ['http to a public host name', { url: 'http://hooks.example.org/atip', events }],
    ['http to localhost (a host name)', { url: `http://localhost:${rx.main.port}/atip`, events }],
    ['http://10.0.0.1', { url: 'http://10.0.0.1/atip', events }],
    ['https://10.0.0.1', { url: 'https://10.0.0.1/atip', events }],
    ['https://169.254.169.254 (cloud metadata)', { url: 'https://169.254.169.254/latest/meta-data/', events }],
    ['https://192.168.1.10', { url: 'https://192.168.1.10/atip', events }],
    ['https://172.16.0.1', { url: 'https://172.16.0.1/atip', events }],
    ['https://100.64.0.1 (shared address space)', { url: 'https://100.64.0.1/atip', events }],
    ['https://0.0.0.0', { url: 'https://0.0.0.0/atip', events }],
    ['https://[::1]', { url: 'https://[::1]/atip', events }],
    ['https://[fd00::1] (unique local)', { url: 'https://[fd00::1]/atip', events }],
    ['https://[fe80::1] (link-local)', { url: 'https://[fe80::1]/atip', events }],
    ['https://[::ffff:10.0.0.1] (IPv4-mapped)', { url: 'https://[::ffff:10.0.0.1]/atip', events }],
    ['https://127.0.0.2 (loopback outside the allowed 127.0.0.1/32)', { url: 'https://127.0.0.2/atip', events }],
    ['a URL of 2001 characters', { url: `https://hooks.example.org/${'a'.repeat(2001 - 'https://hooks.example.org/'.length)}`, events }],
  ]) {
    invalid(await call('POST', '/api/v1/webhooks', { session: sessions.org_admin, body }), ['url'], `POST /api/v1/webhooks: ${what}`);
  }
  assert.deepEqual(await list('org_admin'), before, 'nothing was made');
});

test('POST /api/v1/webhooks with wrong events: 422 naming events (missing, empty, unknown, not a list, "*" with others); an unknown field is named; nothing is made', async () => {
  const before = await list('org_admin');
  const url = 'https://hooks.example.org/atip';
  for (const [what, body, fields] of [
    ['no events', { url }, ['events']],
    ['events null', { url, events: null }, ['events']],
    ['no events (empty list)', { url, events: [] }, ['events']],
    ['an unknown event', { url, events: ['case.created'] }, ['events']],
    ['a known and an unknown event', { url, events: ['mention', 'case.created'] }, ['events']],
    ['an event in capitals', { url, events: ['Mention'] }, ['events']],
    ['events a string', { url, events: 'mention' }, ['events']],
    ['events "*" as a string', { url, events: '*' }, ['events']],
    ['events an object', { url, events: { mention: true } }, ['events']],
    ['an event that is a number', { url, events: [1] }, ['events']],
    ['an event that is null', { url, events: [null] }, ['events']],
    ['"*" with another event', { url, events: ['*', 'mention'] }, ['events']],
    ['another event with "*"', { url, events: ['action.assigned', '*'] }, ['events']],
    ['a secret of the caller\'s choosing', { url, events: ['mention'], secret: 'whsec_chosen-by-the-caller' }, ['secret']],
    ['nothing', {}, ['url', 'events']],
  ]) {
    invalid(await call('POST', '/api/v1/webhooks', { session: sessions.org_admin, body }), fields, `POST /api/v1/webhooks: ${what}`);
  }
  problem(await call('POST', '/api/v1/webhooks', { session: sessions.org_admin, body: JSON.stringify({ url, events: ['mention'] }), type: 'text/plain' }),
    415, 'POST /api/v1/webhooks as text/plain');
  assert.deepEqual(await list('org_admin'), before, 'nothing was made');
});

// ---- 3. who --------------------------------------------------------------------------

test('only org admins manage webhooks: case worker, investigator, analyst and viewer get 403 on every route (Kathmandu\'s own too), anonymous 401, no CSRF token 403', async () => {
  const before = await list('org_admin');
  const body = { url: 'https://hooks.example.org/not-allowed', events: ['*'] };
  for (const who of ['case_worker', 'investigator', 'analyst', 'viewer', 'ktm_viewer', 'ktm_analyst']) {
    forbidden(await call('GET', '/api/v1/webhooks', { session: sessions[who] }), `GET /api/v1/webhooks as ${who}`);
    forbidden(await call('POST', '/api/v1/webhooks', { session: sessions[who], body }), `POST /api/v1/webhooks as ${who}`);
    forbidden(await call('POST', '/api/v1/webhooks', { session: sessions[who], body: {} }), `POST /api/v1/webhooks {} as ${who}`);
    forbidden(await call('GET', `/api/v1/webhooks/${hooks.main.id}/deliveries`, { session: sessions[who] }),
      `GET /api/v1/webhooks/{id}/deliveries as ${who}`);
    forbidden(await call('DELETE', `/api/v1/webhooks/${hooks.main.id}`, { session: sessions[who] }), `DELETE /api/v1/webhooks/{id} as ${who}`);
  }
  problem(await call('GET', '/api/v1/webhooks'), 401, 'GET /api/v1/webhooks anonymous');
  problem(await call('POST', '/api/v1/webhooks', { body }), 401, 'POST /api/v1/webhooks anonymous');
  problem(await call('GET', `/api/v1/webhooks/${hooks.main.id}/deliveries`), 401, 'GET deliveries anonymous');
  problem(await call('DELETE', `/api/v1/webhooks/${hooks.main.id}`), 401, 'DELETE anonymous');
  problem(await call('GET', '/api/v1/webhooks', { cookie: crypto.randomBytes(32).toString('base64url') }), 401,
    'GET /api/v1/webhooks with a made-up session cookie');
  const noCsrf = problem(await call('POST', '/api/v1/webhooks', { session: sessions.org_admin, csrf: null, body }), 403,
    'POST /api/v1/webhooks without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/);
  problem(await call('DELETE', `/api/v1/webhooks/${hooks.main.id}`, { session: sessions.org_admin, csrf: null }), 403,
    'DELETE without X-CSRF-Token');
  assert.deepEqual(await list('org_admin'), before, 'nothing was made or removed');
});

// ---- 4. delivery -------------------------------------------------------------------------

let firstAction;

test('an event is delivered once: a signed POST whose body names the event and the record only; a webhook of other events gets nothing; the log shows it delivered', async () => {
  const title = 'Joint rescue coordination for Asha (fictional)';
  firstAction = await assign(title);
  const hits = await until('the receiver gets the action.assigned delivery', () => {
    const h = rx.main.of('action.assigned', firstAction.id);
    return h.length ? h : null;
  });
  const d = assertDelivery(hits[0], hooks.main.secret, { event: 'action.assigned', kind: 'action', record: firstAction.id, orgId: org.ktm },
    'the action.assigned delivery');
  assert.equal(hits[0].path, rx.main.path, 'sent to the path and query of the webhook\'s URL');
  assert.equal(hits[0].headers['user-agent'], 'atip-webhooks/1');
  assert.ok(!hits[0].raw.includes('Asha') && !hits[0].raw.includes('rescue'), `no title, no personal data: ${hits[0].raw}`);
  const other = crypto.createHmac('sha256', hooks.mentions.secret).update(`${d.t}.${hits[0].raw}`).digest('hex');
  assert.notEqual(d.v1, other, 'signed with this webhook\'s secret, not another\'s');

  const logged = await deliveryOnce(hooks.main.id, 'action.assigned', firstAction.id, (x) => x.status === 'delivered', 'the delivery log');
  assert.deepEqual({ id: logged.id, record_kind: logged.record_kind, status: logged.status, attempts: logged.attempts,
    last_status: logged.last_status, last_error: logged.last_error }, {
    id: d.body.id, record_kind: 'action', status: 'delivered', attempts: 1, last_status: 200, last_error: null,
  });
  assert.match(logged.delivered_at || '', rfc3339, 'delivered_at');
  assert.ok(Date.parse(logged.delivered_at) >= Date.parse(logged.created_at), 'delivered after it was made');

  // The webhook of mentions alone heard nothing of it, and never will.
  assert.deepEqual(await deliveries('org_admin', hooks.mentions.id), [], 'no delivery queued for the mentions webhook');
  await sleep(1500);
  assert.deepEqual(rx.mentions.hits, [], 'the mentions receiver got nothing');
  assert.equal(rx.main.of('action.assigned', firstAction.id).length, 1, 'one POST for one event');
});

test('a mention of the organisation in a thread is delivered to both webhooks that take mentions, once each, without the comment', async () => {
  const comment = 'Asha (fictional) was moved to the shelter; please call her on +977 1 5550 1234.';
  ok(await call('POST', '/api/v1/threads', {
    session: sessions.investigator, body: { record_kind: 'action', record_id: firstAction.id, body: comment, mention_orgs: [org.ktm] },
  }), 201, 'POST /api/v1/threads mentioning Kathmandu');
  for (const name of ['main', 'mentions']) {
    const hits = await until(`the ${name} receiver gets the mention`, () => {
      const h = rx[name].of('mention', firstAction.id);
      return h.length ? h : null;
    });
    assertDelivery(hits[0], hooks[name].secret, { event: 'mention', kind: 'action', record: firstAction.id, orgId: org.ktm }, `the mention to ${name}`);
    assert.ok(!hits[0].raw.includes('Asha') && !hits[0].raw.includes('5550'), `no comment text: ${hits[0].raw}`);
    const logged = await deliveryOnce(hooks[name].id, 'mention', firstAction.id, (x) => x.status === 'delivered', `${name}: the log`);
    assert.deepEqual([logged.id, logged.attempts, logged.last_status], [hits[0].json.id, 1, 200]);
  }
  await sleep(1000);
  for (const name of ['main', 'mentions'])
    assert.equal(rx[name].of('mention', firstAction.id).length, 1, `${name}: one POST for one mention`);
  assert.deepEqual(rx.mentions.hits.map((h) => h.json?.event), ['mention'], 'the mentions receiver got the mention alone');
});

test('GET /api/v1/webhooks/{id}/deliveries: newest first; limit and cursor checked (422 naming them)', async () => {
  const items = await deliveries('org_admin', hooks.main.id);
  assert.deepEqual(items.map((d) => d.event), ['mention', 'action.assigned'], 'newest first');
  const q = `/api/v1/webhooks/${hooks.main.id}/deliveries`;
  const one = ok(await call('GET', `${q}?limit=1`, { session: sessions.org_admin }), 200, `${q}?limit=1`);
  assert.deepEqual(one.items, items.slice(0, 1));
  assert.equal(one.next_cursor, items[0].id);
  const rest = ok(await call('GET', `${q}?limit=1&cursor=${one.next_cursor}`, { session: sessions.org_admin }), 200, 'the next page');
  assert.deepEqual(rest.items, items.slice(1, 2));
  for (const limit of ['0', '501', 'abc', ''])
    invalid(await call('GET', `${q}?limit=${limit}`, { session: sessions.org_admin }), ['limit'], `${q}?limit=${limit}`);
  invalid(await call('GET', `${q}?cursor=abc`, { session: sessions.org_admin }), ['cursor'], `${q}?cursor=abc`);
});

// ---- 5. each organisation its own ------------------------------------------------------

test('an organisation sees only its own webhooks: the platform admin\'s are the Secretariat\'s; DELETE of another organisation\'s webhook is 404 and changes nothing', async () => {
  hooks.secretariat = await addHook('platform_admin', 'https://hooks.example.org/secretariat/1', ['action.due']);
  assert.equal(hooks.secretariat.org_id, org.secretariat, 'the platform admin adds webhooks to its own organisation');
  const { secret, ...shown } = hooks.secretariat;
  assert.deepEqual(await list('platform_admin'), [shown], 'the Secretariat lists its webhook alone');
  assert.deepEqual((await list('org_admin')).map((w) => w.id), [hooks.main.id, hooks.mentions.id], 'Kathmandu lists its own, oldest first');

  problem(await call('DELETE', `/api/v1/webhooks/${hooks.main.id}`, { session: sessions.platform_admin }), 404,
    'DELETE a Kathmandu webhook as the platform admin');
  problem(await call('DELETE', `/api/v1/webhooks/${hooks.secretariat.id}`, { session: sessions.org_admin }), 404,
    'DELETE the Secretariat\'s webhook as the Kathmandu org admin');
  for (const id of [unknownId, 'not-an-id'])
    problem(await call('DELETE', `/api/v1/webhooks/${id}`, { session: sessions.org_admin }), 404, `DELETE /api/v1/webhooks/${id}`);
  assert.deepEqual((await list('org_admin')).map((w) => w.id), [hooks.main.id, hooks.mentions.id], 'Kathmandu\'s webhooks are all there');
  assert.deepEqual((await list('platform_admin')).map((w) => w.id), [hooks.secretariat.id], 'the Secretariat\'s too');
  // Kathmandu's webhook still delivers (it was not removed by the platform admin's DELETE).
  const action = await assign('Joint case review after a refused DELETE (fictional)');
  await until('the main receiver still gets events', () => rx.main.of('action.assigned', action.id).length === 1);
});

test('GET /api/v1/webhooks/{id}/deliveries of another organisation\'s webhook, or of no webhook: 404, and no delivery shown', async () => {
  // Kathmandu's log has deliveries by now: the Secretariat must not read it, nor Kathmandu the Secretariat's.
  assert.ok((await deliveries('org_admin', hooks.main.id)).length >= 3);
  for (const [who, id, what] of [
    ['platform_admin', hooks.main.id, 'a Kathmandu webhook as the platform admin'],
    ['org_admin', hooks.secretariat.id, 'the Secretariat\'s webhook as the Kathmandu org admin'],
    ['org_admin', unknownId, 'an id no webhook has'],
    ['org_admin', 'not-an-id', 'a malformed id'],
  ]) {
    const res = await call('GET', `/api/v1/webhooks/${id}/deliveries`, { session: sessions[who] });
    assert.ok(!(res.json?.items?.length), `GET the log of ${what}: no delivery shown: ${res.text}`);
    problem(res, 404, `GET /api/v1/webhooks/{id}/deliveries of ${what}`);
  }
});

// ---- 6. a receiver answering 500 ------------------------------------------------------------

let flakyAction;
let flakyFirst; // the receiver's first request of it

test('a receiver answering 500: the log shows the delivery pending after attempt 1, last_status 500 and why', async () => {
  hooks.flaky = await addHook('org_admin', rx.flaky.url, ['action.assigned']);
  flakyAction = await assign('Joint training for border officials (fictional)');
  const hits = await until('the flaky receiver is tried', () => {
    const h = rx.flaky.of('action.assigned', flakyAction.id);
    return h.length ? h : null;
  });
  flakyFirst = assertDelivery(hits[0], hooks.flaky.secret, { event: 'action.assigned', kind: 'action', record: flakyAction.id, orgId: org.ktm },
    'the first try');
  flakyFirst.hit = hits[0];
  const logged = await deliveryOnce(hooks.flaky.id, 'action.assigned', flakyAction.id, (x) => x.attempts >= 1, 'the log after the 500');
  assert.deepEqual([logged.id, logged.status, logged.attempts, logged.last_status, logged.delivered_at],
    [flakyFirst.body.id, 'pending', 1, 500, null], JSON.stringify(logged));
  assert.equal(typeof logged.last_error, 'string', `last_error: ${JSON.stringify(logged)}`);
  assert.match(logged.last_error, /2xx/, 'last_error says why');
  // The main receiver took the same event at once, whatever the flaky one did.
  await until('the main receiver gets it too', () => rx.main.of('action.assigned', flakyAction.id).length === 1);
});

// ---- 7. at most 10 webhooks per organisation ----------------------------------------------------

test('the 11th webhook of an organisation is 409, also when many are sent at once; nothing is made; after a DELETE there is room for one again', async () => {
  // The Secretariat has one; 14 sent at the same time: 9 are taken, 5 are 409.
  const sent = await Promise.all(Array.from({ length: 14 }, (_, i) => call('POST', '/api/v1/webhooks', {
    session: sessions.platform_admin, body: { url: `https://hooks.example.org/secretariat/${i + 2}`, events: ['action.due'] },
  })));
  const taken = sent.filter((r) => r.status === 201);
  for (const r of taken) expectAudit('platform_admin', 'webhook.create', r, r.json.id);
  assert.deepEqual(sent.map((r) => r.status).sort(), [...Array(9).fill(201), ...Array(5).fill(409)],
    `14 at once on top of one: 9 taken, 5 refused: ${sent.map((r) => r.status)}`);
  for (const r of sent.filter((x) => x.status !== 201)) problem(r, 409, 'one of those sent at once, refused');
  const made = [hooks.secretariat.id, ...taken.map((r) => r.json.id).sort()];
  assert.deepEqual((await list('platform_admin')).map((w) => w.id), made, 'ten webhooks, oldest first');
  for (const events of [['action.due'], ['*']]) {
    const p = problem(await call('POST', '/api/v1/webhooks', { session: sessions.platform_admin, body: { url: 'https://hooks.example.org/secretariat/11', events } }),
      409, `the 11th webhook (${events})`);
    assert.ok(!p.errors, `409 has no field list: ${JSON.stringify(p)}`);
  }
  assert.deepEqual((await list('platform_admin')).map((w) => w.id), made, 'still ten');
  // Kathmandu's count is its own.
  assert.equal((await list('org_admin')).length, 3);

  const res = await call('DELETE', `/api/v1/webhooks/${made[9]}`, { session: sessions.platform_admin });
  assert.equal(res.status, 204, `DELETE the tenth: ${res.status} ${res.text}`);
  expectAudit('platform_admin', 'webhook.delete', res, made[9]);
  const again = await addHook('platform_admin', 'https://hooks.example.org/secretariat/11', ['*']);
  assert.deepEqual((await list('platform_admin')).map((w) => w.id), [...made.slice(0, 9), again.id], 'room for one again');
  problem(await call('POST', '/api/v1/webhooks', { session: sessions.platform_admin, body: { url: 'https://hooks.example.org/secretariat/12', events: ['*'] } }),
    409, 'full again');
});

// ---- 6, continued: the retry after the back-off ------------------------------------------------------

test('after the back-off the same delivery is sent again, byte for byte, freshly signed; then it is delivered with attempts 2', async () => {
  // The back-off after a first failure is 10 s; give it 25 s from the first try.
  const wait = Math.max(DEADLINE_MS, flakyFirst.hit.at + 25000 - Date.now());
  const logged = await until('the second try is logged', async () => {
    const d = (await deliveries('org_admin', hooks.flaky.id)).find((x) => x.id === flakyFirst.body.id);
    return d && d.attempts >= 2 ? d : null;
  }, wait);
  assert.deepEqual([logged.status, logged.attempts, logged.last_status, logged.last_error], ['delivered', 2, 200, null], JSON.stringify(logged));
  assert.match(logged.delivered_at || '', rfc3339, 'delivered_at');
  const hits = rx.flaky.of('action.assigned', flakyAction.id);
  assert.equal(hits.length, 2, 'tried twice');
  const second = assertDelivery(hits[1], hooks.flaky.secret, { event: 'action.assigned', kind: 'action', record: flakyAction.id, orgId: org.ktm },
    'the second try');
  assert.equal(hits[1].raw, hits[0].raw, 'the same body');
  assert.equal(hits[1].headers['x-atip-delivery'], hits[0].headers['x-atip-delivery'], 'the same delivery id');
  assert.ok(hits[1].at - hits[0].at >= 9500, `not before the back-off: ${hits[1].at - hits[0].at} ms`);
  assert.ok(second.t >= flakyFirst.t + 9, `signed anew: t ${flakyFirst.t} then ${second.t}`);
});

// ---- 8. DELETE ---------------------------------------------------------------------------------------

test('DELETE /api/v1/webhooks/{id}: 204, then not listed, 404 the second time, no more deliveries to it; its log stays readable', async () => {
  const logBefore = await deliveries('org_admin', hooks.flaky.id);
  assert.equal(logBefore.length, 1);
  const res = await call('DELETE', `/api/v1/webhooks/${hooks.flaky.id}`, { session: sessions.org_admin });
  assert.equal(res.status, 204, `DELETE: ${res.status} ${res.text}`);
  assert.equal(res.text, '', 'no body');
  expectAudit('org_admin', 'webhook.delete', res, hooks.flaky.id);
  assert.deepEqual((await list('org_admin')).map((w) => w.id), [hooks.main.id, hooks.mentions.id], 'no longer listed');
  problem(await call('DELETE', `/api/v1/webhooks/${hooks.flaky.id}`, { session: sessions.org_admin }), 404, 'DELETE again');
  assert.deepEqual(await deliveries('org_admin', hooks.flaky.id), logBefore, 'the log of a removed webhook stays, unchanged');

  const hitsBefore = rx.flaky.hits.length;
  const later = await assign('Follow-up on the joint training (fictional)');
  await until('the main receiver gets the new event', () => rx.main.of('action.assigned', later.id).length === 1);
  await sleep(1500);
  assert.equal(rx.flaky.hits.length, hitsBefore, 'the removed webhook\'s receiver got nothing more');
  assert.deepEqual(await deliveries('org_admin', hooks.flaky.id), logBefore, 'nothing queued for it');
});

// ---- 9. the audit trail ------------------------------------------------------------------------------

/** The audit entries of a chain (org_id of the platform admin's choice, or the org admin's own). */
async function trail(who, orgId) {
  const q = `/api/v1/audit?limit=500${orgId ? `&org_id=${orgId}` : ''}`;
  const res = await call('GET', q, { session: sessions[who] });
  const page = ok(res, 200, `GET ${q} as ${who}`);
  assert.equal(page.next_cursor, null, `GET ${q}: one page`);
  for (const s of Object.values(hooks)) assert.ok(!res.text.includes(s.secret), `GET ${q}: no webhook secret in the trail`);
  return page.items;
}

test('GET /api/v1/audit: a webhook.create or webhook.delete entry for every change, by its request id; none for a refusal', async () => {
  for (const [chain, items] of [['ktm', await trail('org_admin')], ['secretariat', await trail('platform_admin', org.secretariat)]]) {
    for (const x of audited[chain]) {
      const e = items.find((i) => i.request_id === x.rid && i.action === x.action);
      assert.ok(e, `${chain}: a ${x.action} entry for request ${x.rid}: ${JSON.stringify(items.map((i) => [i.action, i.request_id]))}`);
      assert.deepEqual([e.record_kind, e.record_id, e.outcome, e.actor_user], ['webhook', x.record, 'ok', x.actor], `${x.action}: ${JSON.stringify(e)}`);
      assert.ok(Date.parse(e.at) >= startedAt - 5000, `${x.action}: at ${e.at} is from this run`);
    }
    const entries = items.filter((i) => i.action.startsWith('webhook.'));
    assert.deepEqual(entries.map((i) => `${i.action} ${i.request_id}`).sort(), audited[chain].map((x) => `${x.action} ${x.rid}`).sort(),
      `${chain}: exactly the changes made, nothing for the refused requests`);
  }
  assert.deepEqual(['webhook.create', 'webhook.delete'].map((a) => audited.ktm.filter((x) => x.action === a).length), [3, 1], 'Kathmandu: 3 made, 1 removed');
  assert.deepEqual(['webhook.create', 'webhook.delete'].map((a) => audited.secretariat.filter((x) => x.action === a).length), [11, 1],
    'the Secretariat: 11 made, 1 removed');
});

// ---- 10. without ATIP_WEBHOOK_ALLOW ----------------------------------------------------------------------

test('without ATIP_WEBHOOK_ALLOW: https://127.0.0.1, http://127.0.0.1, https://[::1], http://10.0.0.1 and https://169.254.169.254 are 422 url', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  server = await serve(env, { ATIP_WEBHOOK_ALLOW: undefined });
  const before = await list('org_admin');
  for (const url of [
    'https://127.0.0.1/atip', `https://127.0.0.1:${rx.main.port}/atip`, rx.main.url, 'https://[::1]/atip',
    'https://[::ffff:127.0.0.1]/atip', 'http://10.0.0.1/atip', 'https://169.254.169.254/latest/meta-data/',
  ]) {
    invalid(await call('POST', '/api/v1/webhooks', { session: sessions.org_admin, body: { url, events: ['*'] } }), ['url'],
      `POST /api/v1/webhooks ${url} without an allow-list`);
  }
  assert.deepEqual(await list('org_admin'), before, 'nothing was made');
});

test('without ATIP_WEBHOOK_ALLOW: https://localhost:<port> passes creation (a host name) but is never connected to: "the address is not allowed"', async () => {
  // A plain TCP server that records connections, on 127.0.0.1 and (where there is one) ::1.
  const connections = [];
  const tcp4 = net.createServer((s) => { connections.push('127.0.0.1'); s.destroy(); });
  const port = await listen(tcp4, 0, '127.0.0.1');
  listeners.push(tcp4);
  const tcp6 = net.createServer((s) => { connections.push('::1'); s.destroy(); });
  try {
    await listen(tcp6, port, '::1');
    listeners.push(tcp6);
  } catch { /* no IPv6 loopback here */ }

  const res = await call('POST', '/api/v1/webhooks', {
    session: sessions.org_admin, body: { url: `https://localhost:${port}/hooks/ssrf`, events: ['action.assigned'] },
  });
  hooks.ssrf = ok(res, 201, 'POST /api/v1/webhooks https://localhost:<port>');
  secrets.add(hooks.ssrf.secret);
  const action = await assign('Joint awareness campaign (fictional)');
  const logged = await deliveryOnce(hooks.ssrf.id, 'action.assigned', action.id, (x) => x.attempts >= 1, 'the localhost webhook\'s log');
  assert.deepEqual([logged.status, logged.attempts, logged.last_status, logged.last_error, logged.delivered_at],
    ['pending', 1, 0, 'the address is not allowed', null], JSON.stringify(logged));
  // A webhook made while 127.0.0.1 was allowed is held to the rule of the running server.
  const main = await deliveryOnce(hooks.main.id, 'action.assigned', action.id, (x) => x.attempts >= 1, 'the main webhook\'s log');
  assert.deepEqual([main.status, main.last_status, main.last_error], ['pending', 0, 'the address is not allowed'], JSON.stringify(main));
  await sleep(500);
  assert.deepEqual(connections, [], 'no connection was made to localhost');
  assert.deepEqual(rx.main.of('action.assigned', action.id), [], 'nor to 127.0.0.1');
});

test('atip stops cleanly on SIGTERM; atip audit verify is ok', async () => {
  await server.stop();
  const { entries } = auditVerify(env);
  assert.ok(entries >= audited.ktm.length + audited.secretariat.length, `${entries} entries`);
});

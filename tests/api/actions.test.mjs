// Joint actions over the API: POST/GET /api/v1/actions, GET/PATCH
// /api/v1/actions/{id}, POST /api/v1/actions/{id}/updates, the CSV export
// and the notification inbox they feed, against a real `atip serve` whose
// data dir was filled by `atip demo`:
//
//  1. Agreeing an action: the whole action in the answer (countries in
//     capitals, the lead's name, partners, priority medium, status proposed,
//     level org, TLP AMBER, version 1, no updates); from a meeting's decision.
//  2. Validation: 422 naming every wrong field at once (title, theme,
//     countries, lead_org, partners, due_date, status, priority, level, tlp,
//     decision_id, unknown fields).
//  3. Sharing: the lead and the partners hold grants to an org-level action;
//     other organisations get 404 and do not list it.
//  4. The list: view=mine and view=overdue, country, theme and status
//     filters, soonest due first (no due date last), limit and next_cursor.
//  5. PATCH with the version (409 stale), partners replaced, decision_id
//     refused; only the owner's writers change an action.
//  6. Progress updates by the organisations committed: the owner, the lead,
//     a partner (no status change for a partner); others 403; updates sent
//     at the same time all taken.
//  7. The CSV export: what the list shows, nothing more, safe from formula
//     injection.
//  8. Notifications: action.assigned once to each user of the lead and the
//     partners, action.update on progress; the inbox (unread, count, read).
//  9. The audit trail: action.create, action.update, action.progress
//     entries matched by X-Request-Id; `atip audit verify` after SIGTERM.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  Added here: a Kathmandu viewer (by
// its org admin), a Pune analyst and a Colombo viewer (by the platform
// admin).
//
// The data dir and database are this file's own, so every action in it was
// made here and the lists are exact.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, secrets, serve, uuid } from './server.mjs';

const utcMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const listKeys = ['countries', 'created_at', 'created_by', 'decision_id', 'description', 'due_date', 'group_id', 'id', 'lead_name',
  'lead_org', 'level', 'meeting_id', 'overdue', 'owner_country', 'owner_org', 'partners', 'priority', 'status', 'theme', 'title', 'tlp',
  'updated_at', 'version'];
const actionKeys = [...listKeys, 'updates'].sort();
const updateKeys = ['at', 'id', 'note', 'org_id', 'status', 'user_id'];
const noteKeys = ['actor_org', 'actor_user', 'created_at', 'event', 'id', 'read_at', 'record_id', 'record_kind', 'unread'];
const csvHeader = 'id,title,theme,countries,lead,priority,due_date,status,overdue,updated_at';
const startedAt = Date.now();
const today = () => new Date().toISOString().slice(0, 10);

// ---- HTTP (client.mjs) -----------------------------------------------------

let server;
const { call, signInWithCode, signInPlain } = client(() => server);

/** A 403 about the role or the rule, not the CSRF token or enrolment. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role, not the token: ${p.detail}`);
  return p;
}

// ---- the environment ---------------------------------------------------------

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
const homeOf = {
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
  ktm_viewer: 'ktm', pune_analyst: 'pune', colombo_viewer: 'colombo',
};
const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};
const everyone = Object.keys(homeOf);
const usersOf = (k) => everyone.filter((who) => homeOf[who] === k);

let env;
let data;
const org = {}; // ktm, pune, colombo, border, secretariat -> id
let unknownId; // a well-formed id nothing has
const sessions = {}; // who -> { token, csrf, user }
const made = []; // the id of every action made here
// The changes each organisation's audit chain must show: { action, rid, record, actor }.
const audited = { ktm: [], pune: [], colombo: [] };

function expectAudit(who, action, res, record) {
  const chain = homeOf[who];
  assert.ok(chain in audited, `${who}'s organisation keeps a chain checked here`);
  assert.ok(res.rid, `${action}: an X-Request-Id`);
  audited[chain].push({ action, rid: res.rid, record, actor: sessions[who].user.id });
}

/** Asserts the shape of an action (whole: with its updates). */
function assertAction(x, what, whole = true) {
  assert.deepEqual(Object.keys(x).sort(), whole ? actionKeys : listKeys, `${what}: fields of ${JSON.stringify(x)}`);
  assert.match(x.id, uuid, `${what}: id`);
  assert.match(x.owner_org, uuid, `${what}: owner_org`);
  assert.match(x.owner_country, /^[A-Z]{2}$/, `${what}: owner_country`);
  assert.match(x.lead_org, uuid, `${what}: lead_org`);
  assert.equal(x.lead_name, Object.entries(org).map(([k, id]) => id === x.lead_org && orgNames[k]).find(Boolean), `${what}: lead_name`);
  assert.ok(Array.isArray(x.countries) && x.countries.length >= 1 && x.countries.every((c) => /^[A-Z]{2}$/.test(c)), `${what}: countries`);
  assert.ok(Array.isArray(x.partners) && !x.partners.includes(x.lead_org), `${what}: partners without the lead`);
  assert.ok(['prevention', 'protection', 'prosecution', 'partnership'].includes(x.theme), `${what}: theme ${x.theme}`);
  assert.ok(['high', 'medium', 'low'].includes(x.priority), `${what}: priority ${x.priority}`);
  assert.ok(['proposed', 'agreed', 'in_progress', 'done', 'dropped'].includes(x.status), `${what}: status ${x.status}`);
  assert.ok(x.due_date === null || /^\d{4}-\d\d-\d\d$/.test(x.due_date), `${what}: due_date ${x.due_date}`);
  assert.equal(x.overdue, x.due_date !== null && x.due_date < today() && !['done', 'dropped'].includes(x.status), `${what}: overdue`);
  assert.ok(['org', 'group', 'country', 'platform'].includes(x.level), `${what}: level ${x.level}`);
  assert.ok(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'].includes(x.tlp), `${what}: tlp ${x.tlp}`);
  assert.equal(x.meeting_id === null, x.decision_id === null, `${what}: a meeting with a decision only`);
  for (const k of ['created_at', 'updated_at']) {
    assert.match(x[k], utcMs, `${what}: ${k}`);
    assert.ok(Date.parse(x[k]) >= startedAt - 5000 && Date.parse(x[k]) <= Date.now() + 5000, `${what}: ${k} ${x[k]} is about now`);
  }
  assert.ok(Number.isInteger(x.version) && x.version >= 1, `${what}: version ${x.version}`);
  if (whole) {
    assert.ok(Array.isArray(x.updates), `${what}: updates`);
    for (const u of x.updates) assert.deepEqual(Object.keys(u).sort(), updateKeys, `${what}: an update ${JSON.stringify(u)}`);
  }
}

/** POST /api/v1/actions as who: 201, the action (shape asserted, audited, remembered). */
async function create(who, body, what = `POST /api/v1/actions as ${who}`) {
  const res = await call('POST', '/api/v1/actions', { session: sessions[who], body });
  const x = ok(res, 201, what);
  assert.match(x.id, uuid, `${what}: id`);
  made.push(x.id);
  expectAudit(who, 'action.create', res, x.id);
  assertAction(x, what);
  assert.deepEqual([x.owner_org, x.created_by, x.version, x.updates], [sessions[who].user.org_id, sessions[who].user.id, 1, []], `${what}: new`);
  assert.equal(x.updated_at, x.created_at, `${what}: never updated`);
  return x;
}

/** GET /api/v1/actions/{id} as who: 200, the action. */
async function read(who, id, what = `GET /api/v1/actions/${id} as ${who}`) {
  const x = ok(await call('GET', `/api/v1/actions/${id}`, { session: sessions[who] }), 200, what);
  assertAction(x, what);
  return x;
}

/** An action as the list shows it: without its updates. */
const listed = ({ updates, ...rest }) => rest;

/** Every page of GET /api/v1/actions?query as who at the given limit: the items, in order. */
async function walk(who, query, limit) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const q = `/api/v1/actions?${query ? `${query}&` : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
    assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET ${q}: ${JSON.stringify(page)}`);
    assert.ok(page.items.length <= limit, `GET ${q}: at most ${limit} items`);
    for (const x of page.items) assertAction(x, `GET ${q}: ${x.id}`, false);
    items.push(...page.items);
    if (page.next_cursor === null) return items;
    assert.equal(typeof page.next_cursor, 'string', `GET ${q}: next_cursor`);
    cursor = page.next_cursor;
  }
  assert.fail(`GET /api/v1/actions?${query}: no last page after 200 pages`);
}

/** The actions made here that who reads by id (GET 200; the others must be 404), as the list shows them. */
async function readable(who) {
  const seen = [];
  for (const id of made) {
    const res = await call('GET', `/api/v1/actions/${id}`, { session: sessions[who] });
    if (res.status === 200) seen.push(listed(ok(res, 200, `GET ${id} as ${who}`)));
    else problem(res, 404, `GET /api/v1/actions/${id} as ${who}: 200 or 404`);
  }
  return seen;
}

/** Soonest due first, no due date last, then by id: the list's order. */
const dueKey = (x) => `${x.due_date ?? '9999-12-31'}~${x.id}`;
const byDue = (a, b) => (dueKey(a) < dueKey(b) ? -1 : dueKey(a) > dueKey(b) ? 1 : 0);

/** The ids in who's list (one page of 500) for query. */
async function listIds(who, query = '') {
  const q = `/api/v1/actions?${query ? `${query}&` : ''}limit=500`;
  const page = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
  assert.equal(page.next_cursor, null, `GET ${q} as ${who}: one page`);
  return page.items.map((x) => x.id);
}

/** Asserts exactly the users in sees read the action (GET 200, listed); the others 404 and not listed. */
async function assertSeenBy(x, sees, what) {
  for (const who of everyone) {
    const res = await call('GET', `/api/v1/actions/${x.id}`, { session: sessions[who] });
    if (sees.includes(who)) {
      ok(res, 200, `${what}: GET as ${who}`);
      assert.ok((await listIds(who)).includes(x.id), `${what}: in ${who}'s list`);
    } else {
      assert.equal(problem(res, 404, `${what}: GET as ${who}`).detail, 'There is nothing here.', `${what}: as ${who}`);
      assert.ok(!(await listIds(who)).includes(x.id), `${what}: not in ${who}'s list`);
    }
  }
}

/** who's notifications about record id (newest first), every page. */
async function inbox(who, { unread = false, id } = {}) {
  const q = `/api/v1/notifications?limit=500${unread ? '&unread=true' : ''}`;
  const page = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
  assert.equal(page.next_cursor, null, `GET ${q} as ${who}: one page`);
  for (const n of page.items) {
    assert.deepEqual(Object.keys(n).sort(), noteKeys, `a notification of ${who}: ${JSON.stringify(n)}`);
    assert.match(n.id, uuid);
    assert.match(n.created_at, utcMs);
    assert.equal(n.unread, n.read_at === null, `${who}: unread when not read: ${JSON.stringify(n)}`);
  }
  return id ? page.items.filter((n) => n.record_id === id) : page.items;
}

before(async () => {
  env = environment('actions');
  data = demo(env);
  assert.deepEqual(Object.keys(data.accounts).sort(), [...roles].sort(), 'an account per role');
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  unknownId = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  server = await serve(env);
  for (const role of roles) {
    sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
    assert.equal(sessions[role].user.org_id, org[homeOf[role]], `${role} belongs to ${homeOf[role]}`);
  }
  // Roles that need no second factor, in the organisations the tests use.
  for (const [who, by, role] of [['ktm_viewer', 'org_admin', 'viewer'], ['pune_analyst', 'platform_admin', 'analyst'],
    ['colombo_viewer', 'platform_admin', 'viewer']]) {
    const account = { email: `${who.replace('_', '.')}.actions@demo.invalid`, password: crypto.randomBytes(18).toString('base64url') };
    secrets.add(account.password);
    const u = ok(await call('POST', '/api/v1/users', {
      session: sessions[by],
      body: { org_id: org[homeOf[who]], email: account.email, name: `${who} (fictional)`, role, password: account.password },
    }), 201, `POST /api/v1/users (${who}) as ${by}`);
    assert.equal(u.org_id, org[homeOf[who]]);
    sessions[who] = await signInPlain(account, `${who} signs in`);
    assert.equal(sessions[who].required, false, `a ${role} need not enrol`);
  }
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

const valid = (extra = {}) => ({
  title: 'Joint helpline roster (fictional)', theme: 'protection', countries: ['NP', 'IN'], lead_org: org.pune, ...extra,
});

// ---- 1. agreeing an action ------------------------------------------------------

let roster; // Kathmandu's, led by Pune with Colombo as partner

test('POST /api/v1/actions: 201 with the whole action: countries in capitals, the lead and its name, partners, defaults, no updates', async () => {
  const body = {
    title: '  Joint helpline roster (fictional)  ',
    description: 'Staff the cross-border helpline in turns.\r\nReview monthly.',
    theme: 'protection',
    countries: ['np', 'In'],
    lead_org: org.pune.toUpperCase(),
    partners: [org.colombo],
    due_date: '2031-06-30',
  };
  const x = await create('org_admin', body);
  assert.deepEqual({
    title: x.title, description: x.description, theme: x.theme, countries: x.countries, lead_org: x.lead_org, lead_name: x.lead_name,
    partners: x.partners, priority: x.priority, due_date: x.due_date, status: x.status, overdue: x.overdue, meeting_id: x.meeting_id,
    decision_id: x.decision_id, owner_org: x.owner_org, owner_country: x.owner_country, level: x.level, group_id: x.group_id, tlp: x.tlp,
  }, {
    title: 'Joint helpline roster (fictional)', description: 'Staff the cross-border helpline in turns.\nReview monthly.', theme: 'protection',
    countries: ['NP', 'IN'], lead_org: org.pune, lead_name: orgNames.pune, partners: [org.colombo], priority: 'medium', due_date: '2031-06-30',
    status: 'proposed', overdue: false, meeting_id: null, decision_id: null, owner_org: org.ktm, owner_country: 'NP', level: 'org',
    group_id: null, tlp: 'AMBER',
  });
  roster = x;
  assert.deepEqual(await read('org_admin', x.id), x, 'GET answers what POST did');
  assert.deepEqual(await read('case_worker', x.id), x, 'the same for the lead, Pune');
});

test('POST /api/v1/actions with every field: priority, status, due date, level and TLP as given', async () => {
  const x = await create('investigator', valid({
    title: 'Border awareness campaign (fictional)', theme: 'prevention', countries: ['NP', 'BD', 'IN'], lead_org: org.ktm,
    partners: [org.border, org.pune], priority: 'high', status: 'agreed', due_date: '2032-02-29', level: 'platform', tlp: 'GREEN',
  }));
  assert.deepEqual([x.theme, x.countries, x.lead_org, x.partners, x.priority, x.status, x.due_date, x.level, x.tlp],
    ['prevention', ['NP', 'BD', 'IN'], org.ktm, [org.border, org.pune], 'high', 'agreed', '2032-02-29', 'platform', 'GREEN']);
  const y = await create('case_worker', valid({ title: 'Shelter exchange visits (fictional)', lead_org: org.pune, countries: ['IN'], priority: 'low' }));
  assert.deepEqual([y.owner_org, y.owner_country, y.lead_org, y.partners, y.priority], [org.pune, 'IN', org.pune, [], 'low']);
});

test('an action made from a decision of a meeting the owner convened keeps the meeting and the decision', async () => {
  const m = ok(await call('POST', '/api/v1/meetings', {
    session: sessions.org_admin, body: { title: 'Action planning forum (fictional)', starts_at: '2031-03-01T04:30:00Z' },
  }), 201, 'POST /api/v1/meetings');
  const d = ok(await call('POST', `/api/v1/meetings/${m.id}/decisions`, {
    session: sessions.org_admin, body: { text: 'Set up the helpline roster (fictional).' },
  }), 201, 'POST a decision');
  const x = await create('investigator', valid({ title: 'Roster from the forum (fictional)', decision_id: d.id.toUpperCase() }));
  assert.deepEqual([x.meeting_id, x.decision_id], [m.id, d.id]);
  assert.deepEqual([(await read('org_admin', x.id)).meeting_id, (await read('org_admin', x.id)).decision_id], [m.id, d.id]);

  // A decision of Pune's meeting is not Kathmandu's to act on.
  const pm = ok(await call('POST', '/api/v1/meetings', {
    session: sessions.case_worker, body: { title: 'Pune review (fictional)', starts_at: '2031-03-02T04:30:00Z', participants: [org.ktm] },
  }), 201, 'POST /api/v1/meetings as Pune');
  const pd = ok(await call('POST', `/api/v1/meetings/${pm.id}/decisions`, { session: sessions.case_worker, body: { text: 'Pune decides (fictional)' } }),
    201, 'POST a decision on Pune\'s meeting');
  const before = await listIds('org_admin');
  for (const [what, decision] of [['a decision of another organisation\'s meeting', pd.id], ['an unknown decision', unknownId],
    ['a malformed decision id', 'decision-1'], ['a meeting id', m.id], ['a number', 7]])
    invalid(await call('POST', '/api/v1/actions', { session: sessions.org_admin, body: valid({ decision_id: decision }) }), ['decision_id'],
      `POST /api/v1/actions with ${what}`);
  assert.deepEqual(await listIds('org_admin'), before, 'nothing was made');
});

// ---- 2. validation ------------------------------------------------------------------

test('POST /api/v1/actions with wrong fields: 422 naming each one; nothing is made', async () => {
  const before = await listIds('org_admin');
  const cases = [
    ['nothing', {}, ['title', 'theme', 'countries', 'lead_org']],
    ['no title', { ...valid(), title: undefined }, ['title']],
    ['an empty title', valid({ title: '' }), ['title']],
    ['a blank title', valid({ title: ' \t ' }), ['title']],
    ['a title of 301 characters', valid({ title: 't'.repeat(301) }), ['title']],
    ['a line break in the title', valid({ title: 'Two\nlines' }), ['title']],
    ['a control character in the title', valid({ title: 'Bell\u0007 (fictional)' }), ['title']],
    ['a title that is a number', valid({ title: 7 }), ['title']],
    ['a description of 20001 characters', valid({ description: 'd'.repeat(20001) }), ['description']],
    ['no theme', { ...valid(), theme: undefined }, ['theme']],
    ['an unknown theme', valid({ theme: 'rescue' }), ['theme']],
    ['a theme in capitals', valid({ theme: 'Protection' }), ['theme']],
    ['an empty theme', valid({ theme: '' }), ['theme']],
    ['no countries', { ...valid(), countries: undefined }, ['countries']],
    ['an empty list of countries', valid({ countries: [] }), ['countries']],
    ['countries as a string', valid({ countries: 'NP' }), ['countries']],
    ['a country that is no ISO code', valid({ countries: ['ZZ'] }), ['countries']],
    ['an alpha-3 code', valid({ countries: ['NPL'] }), ['countries']],
    ['a country of one letter', valid({ countries: ['N'] }), ['countries']],
    ['a country name', valid({ countries: ['Nepal'] }), ['countries']],
    ['a country that is a number', valid({ countries: [977] }), ['countries']],
    ['a country listed twice', valid({ countries: ['NP', 'IN', 'NP'] }), ['countries']],
    ['a country listed twice in another case', valid({ countries: ['NP', 'np'] }), ['countries']],
    ['101 countries', valid({ countries: Array.from({ length: 101 }, () => 'NP') }), ['countries']],
    ['no lead_org', { ...valid(), lead_org: undefined }, ['lead_org']],
    ['an unknown lead_org', valid({ lead_org: unknownId }), ['lead_org']],
    ['a lead_org that is not an id', valid({ lead_org: 'Pune shelter' }), ['lead_org']],
    ['a lead_org that is a number', valid({ lead_org: 5 }), ['lead_org']],
    ['partners naming the lead', valid({ partners: [org.colombo, org.pune] }), ['partners']],
    ['partners naming the lead in capitals', valid({ partners: [org.pune.toUpperCase()] }), ['partners']],
    ['an unknown partner', valid({ partners: [unknownId] }), ['partners']],
    ['a partner that is not an id', valid({ partners: ['Colombo'] }), ['partners']],
    ['a partner listed twice', valid({ partners: [org.colombo, org.colombo] }), ['partners']],
    ['partners as a string', valid({ partners: org.colombo }), ['partners']],
    ['a partner that is a number', valid({ partners: [5] }), ['partners']],
    ['a day that does not exist', valid({ due_date: '2031-02-30' }), ['due_date']],
    ['29 February of a common year', valid({ due_date: '2031-02-29' }), ['due_date']],
    ['month 13', valid({ due_date: '2031-13-01' }), ['due_date']],
    ['a date without leading zeros', valid({ due_date: '2031-3-1' }), ['due_date']],
    ['a date and time', valid({ due_date: '2031-03-01T00:00:00Z' }), ['due_date']],
    ['a word for a date', valid({ due_date: 'tomorrow' }), ['due_date']],
    ['a number for a date', valid({ due_date: 20310301 }), ['due_date']],
    ['an unknown status', valid({ status: 'finished' }), ['status']],
    ['a status in capitals', valid({ status: 'Done' }), ['status']],
    ['an unknown priority', valid({ priority: 'urgent' }), ['priority']],
    ['a priority in capitals', valid({ priority: 'HIGH' }), ['priority']],
    ['level public (not for actions), even under TLP CLEAR', valid({ level: 'public', tlp: 'CLEAR' }), ['level']],
    ['level platform under the default TLP AMBER', valid({ level: 'platform' }), ['level']],
    ['level country under TLP RED', valid({ level: 'country', tlp: 'RED' }), ['level']],
    ['an unknown level', valid({ level: 'everyone' }), ['level']],
    ['an unknown TLP', valid({ tlp: 'BLUE' }), ['tlp']],
    ['a TLP in lower case', valid({ tlp: 'amber' }), ['tlp']],
    ['level group without a group_id', valid({ level: 'group' }), ['group_id']],
    ['a group_id with level org', valid({ group_id: unknownId }), ['group_id']],
    ['an unknown field', valid({ colour: 'blue' }), ['colour']],
    ['a version on creation', valid({ version: 1 }), ['version']],
  ];
  for (const [what, body, fields] of cases)
    invalid(await call('POST', '/api/v1/actions', { session: sessions.org_admin, body }), fields, `POST /api/v1/actions: ${what}`);
  assert.deepEqual(await listIds('org_admin'), before, 'nothing was made');
});

test('POST /api/v1/actions with many wrong fields: one 422 naming all of them', async () => {
  invalid(await call('POST', '/api/v1/actions', {
    session: sessions.org_admin,
    body: { title: '', theme: 'rescue', countries: ['ZZ'], lead_org: 'nobody', due_date: '2031-02-30', status: 'finished', priority: 'urgent',
      tlp: 'BLUE', colour: 'blue' },
  }), ['title', 'theme', 'countries', 'lead_org', 'due_date', 'status', 'priority', 'tlp', 'colour'], 'POST /api/v1/actions, nine fields wrong');
  invalid(await call('POST', '/api/v1/actions', {
    session: sessions.org_admin, body: { countries: ['NP', 'np'], partners: [org.colombo, org.colombo], level: 'everyone' },
  }), ['title', 'theme', 'countries', 'lead_org', 'partners', 'level'], 'POST /api/v1/actions, required fields missing and others wrong');
});

test('POST /api/v1/actions with a wrong lead_org and a wrong partner: both named', async () => {
  invalid(await call('POST', '/api/v1/actions', { session: sessions.org_admin, body: valid({ lead_org: unknownId, partners: ['Colombo'] }) }),
    ['lead_org', 'partners'], 'POST /api/v1/actions with an unknown lead and a partner that is not an id');
});

test('POST /api/v1/actions with a wrong decision_id among other wrong fields: every one named', async () => {
  invalid(await call('POST', '/api/v1/actions', { session: sessions.org_admin, body: valid({ title: '', decision_id: 'decision-1' }) }),
    ['title', 'decision_id'], 'POST /api/v1/actions with an empty title and a malformed decision_id');
  invalid(await call('POST', '/api/v1/actions', { session: sessions.org_admin, body: valid({ priority: 'urgent', decision_id: unknownId }) }),
    ['priority', 'decision_id'], 'POST /api/v1/actions with an unknown priority and an unknown decision');
});

test('POST /api/v1/actions: viewers, analysts and the platform admin 403; anonymous 401; no CSRF token 403; text/plain 415', async () => {
  const before = await listIds('org_admin');
  for (const who of ['viewer', 'analyst', 'ktm_viewer', 'pune_analyst', 'platform_admin'])
    forbidden(await call('POST', '/api/v1/actions', { session: sessions[who], body: valid() }), `POST /api/v1/actions as ${who}`);
  problem(await call('POST', '/api/v1/actions', { body: valid() }), 401, 'POST /api/v1/actions anonymous');
  assert.match(problem(await call('POST', '/api/v1/actions', { session: sessions.org_admin, csrf: null, body: valid() }), 403,
    'POST /api/v1/actions without X-CSRF-Token').detail, /CSRF/);
  problem(await call('POST', '/api/v1/actions', { session: sessions.org_admin, body: JSON.stringify(valid()), type: 'text/plain' }), 415,
    'POST /api/v1/actions as text/plain');
  problem(await call('GET', '/api/v1/actions'), 401, 'GET /api/v1/actions anonymous');
  problem(await call('GET', `/api/v1/actions/${roster.id}`), 401, 'GET an action anonymous');
  assert.deepEqual(await listIds('org_admin'), before, 'nothing was made');
});

// ---- 3. sharing ---------------------------------------------------------------------

const ktmUsers = usersOf('ktm');

test('the lead and the partners see an org-level action (grants); other organisations get 404 and do not list it', async () => {
  await assertSeenBy(roster, [...ktmUsers, ...usersOf('pune'), ...usersOf('colombo')], 'Kathmandu\'s action led by Pune with Colombo');
  const own = await create('org_admin', valid({ title: 'Kathmandu internal action (fictional)', lead_org: org.ktm }));
  await assertSeenBy(own, ktmUsers, 'an org-level action led by its owner');
  const country = await create('org_admin', valid({ title: 'Nepal country action (fictional)', lead_org: org.ktm, level: 'country' }));
  await assertSeenBy(country, [...ktmUsers, 'platform_admin'], 'a country-level action of Nepal');
  for (const id of [unknownId, 'not-an-id', `${roster.id}0`])
    assert.equal(problem(await call('GET', `/api/v1/actions/${id}`, { session: sessions.org_admin }), 404, `GET /api/v1/actions/${id}`).detail,
      'There is nothing here.');
});

// ---- 4. the list ----------------------------------------------------------------------

const past = '2020-01-15';

test('the list: soonest due first, no due date last; limit and next_cursor walk every visible action once, for every user', async () => {
  for (const due of ['2033-01-01', past, null, '2031-06-30', '2020-01-14', null])
    await create('investigator', valid({
      title: `Timeline ${due ?? 'open'} (fictional)`, lead_org: org.ktm, partners: [org.colombo], ...(due ? { due_date: due } : {}),
    }));
  for (const who of everyone) {
    const visible = (await readable(who)).sort(byDue);
    const all = await walk(who, '', 500);
    assert.deepEqual(all, visible, `as ${who}: the list is every action ${who} reads by id, soonest due first`);
    const dues = all.map((x) => x.due_date);
    const firstOpen = dues.indexOf(null);
    if (firstOpen >= 0) assert.ok(dues.slice(firstOpen).every((d) => d === null), `as ${who}: no due date last: ${dues}`);
    for (const limit of [1, 2, 3]) {
      const pages = await walk(who, '', limit);
      assert.deepEqual(pages.map((x) => x.id), visible.map((x) => x.id), `as ${who}: pages of ${limit} hold every action once, in order`);
    }
  }
  assert.ok((await walk('org_admin', '', 500)).some((x) => x.due_date === null), 'actions without a due date are listed');
});

test('view=mine lists the actions the organisation owns, leads or is a partner in; not those it merely sees', async () => {
  const platform = await create('org_admin', valid({ title: 'Platform-wide action (fictional)', lead_org: org.ktm, level: 'platform', tlp: 'GREEN' }));
  for (const who of everyone) {
    const mine = await walk(who, 'view=mine', 500);
    const o = org[homeOf[who]];
    const expected = (await readable(who)).filter((x) => x.owner_org === o || x.lead_org === o || x.partners.includes(o)).sort(byDue);
    assert.deepEqual(mine, expected, `view=mine as ${who}`);
  }
  assert.ok((await listIds('analyst')).includes(platform.id), 'Colombo sees the platform-level action');
  assert.ok(!(await listIds('analyst', 'view=mine')).includes(platform.id), 'but it is not Colombo\'s');
  assert.ok((await listIds('analyst', 'view=mine')).includes(roster.id), 'the roster is Colombo\'s (partner)');
  assert.ok((await listIds('case_worker', 'view=mine')).includes(roster.id), 'and Pune\'s (lead)');
});

test('view=overdue lists open actions due before today; an action done or dropped is not overdue', async () => {
  const late = await create('org_admin', valid({ title: 'Late action (fictional)', lead_org: org.ktm, due_date: past }));
  assert.equal(late.overdue, true, 'due before today and proposed: overdue');
  const finished = await create('org_admin', valid({ title: 'Finished action (fictional)', lead_org: org.ktm, due_date: past, status: 'done' }));
  assert.equal(finished.overdue, false, 'done: not overdue');
  const dropped = await create('org_admin', valid({ title: 'Dropped action (fictional)', lead_org: org.ktm, due_date: past, status: 'dropped' }));
  assert.equal(dropped.overdue, false, 'dropped: not overdue');
  const todays = await create('org_admin', valid({ title: 'Due today (fictional)', lead_org: org.ktm, due_date: today() }));
  assert.equal(todays.overdue, false, 'due today: not overdue yet');
  for (const who of ['org_admin', 'analyst', 'case_worker']) {
    const overdue = await walk(who, 'view=overdue', 500);
    const expected = (await readable(who)).filter((x) => x.due_date && x.due_date < today() && !['done', 'dropped'].includes(x.status)).sort(byDue);
    assert.deepEqual(overdue, expected, `view=overdue as ${who}`);
    assert.ok(overdue.every((x) => x.overdue), `view=overdue as ${who}: each overdue`);
  }
  const ids = await listIds('org_admin', 'view=overdue');
  assert.ok(ids.includes(late.id) && !ids.includes(finished.id) && !ids.includes(dropped.id) && !ids.includes(todays.id), 'the late one alone');

  const res = await call('PATCH', `/api/v1/actions/${late.id}`, { session: sessions.org_admin, body: { status: 'done', version: 1 } });
  const done = ok(res, 200, 'PATCH status done');
  expectAudit('org_admin', 'action.update', res, late.id);
  assert.deepEqual([done.status, done.overdue, done.version], ['done', false, 2]);
  assert.ok(!(await listIds('org_admin', 'view=overdue')).includes(late.id), 'done: no longer in view=overdue');
  assert.equal((await read('org_admin', late.id)).overdue, false);
});

test('country, theme and status filters; country in any case; filters combine with views', async () => {
  const campaign = await create('org_admin', valid({
    title: 'Sri Lanka prosecution support (fictional)', theme: 'prosecution', countries: ['LK', 'IN'], lead_org: org.colombo, status: 'agreed',
  }));
  for (const who of ['org_admin', 'analyst', 'case_worker']) {
    const visible = (await readable(who)).sort(byDue);
    for (const [query, keep] of [
      ['country=LK', (x) => x.countries.includes('LK')],
      ['country=lk', (x) => x.countries.includes('LK')],
      ['country=IN', (x) => x.countries.includes('IN')],
      ['country=BD', (x) => x.countries.includes('BD')],
      ['theme=prosecution', (x) => x.theme === 'prosecution'],
      ['theme=prevention', (x) => x.theme === 'prevention'],
      ['status=agreed', (x) => x.status === 'agreed'],
      ['status=done', (x) => x.status === 'done'],
      ['country=IN&theme=protection&status=proposed', (x) => x.countries.includes('IN') && x.theme === 'protection' && x.status === 'proposed'],
      ['view=mine&country=LK', (x) => x.countries.includes('LK') && [x.owner_org, x.lead_org, ...x.partners].includes(org[homeOf[who]])],
    ]) {
      assert.deepEqual(await walk(who, query, 500), visible.filter(keep), `GET /api/v1/actions?${query} as ${who}`);
    }
  }
  assert.ok((await listIds('analyst', 'country=LK&theme=prosecution')).includes(campaign.id));
  assert.ok(!(await listIds('analyst', 'country=NP')).includes(campaign.id));
});

test('GET /api/v1/actions with wrong parameters: 422 naming each one, all at once', async () => {
  const s = { session: sessions.org_admin };
  for (const [query, fields] of [
    ['view=all', ['view']], ['view=Mine', ['view']], ['view=', ['view']],
    ['country=ZZ', ['country']], ['country=NPL', ['country']], ['country=', ['country']], ['country=N1', ['country']],
    ['theme=rescue', ['theme']], ['theme=Protection', ['theme']],
    ['status=finished', ['status']], ['status=DONE', ['status']],
    ['limit=0', ['limit']], ['limit=501', ['limit']], ['limit=abc', ['limit']],
    ['cursor=abc', ['cursor']], [`cursor=2031-02-30~${roster.id}`, ['cursor']], ['cursor=2031-01-01~nobody', ['cursor']],
    ['format=xml', ['format']],
    ['view=all&country=ZZ&theme=rescue&status=finished&limit=0&cursor=abc', ['view', 'country', 'theme', 'status', 'limit', 'cursor']],
    ['format=xml&view=all', ['format', 'view']],
    ['format=csv&view=all&country=ZZ', ['view', 'country']],
  ])
    invalid(await call('GET', `/api/v1/actions?${query}`, s), fields, `GET /api/v1/actions?${query}`);
});

// ---- 5. changes ----------------------------------------------------------------------------

test('PATCH with the version: 200 and version + 1; a stale version 409 changes nothing; no version 422; decision_id 422', async () => {
  const x = await create('org_admin', valid({ title: 'Versioned action (fictional)', partners: [org.colombo], due_date: '2031-09-01' }));
  const path = `/api/v1/actions/${x.id}`;
  let res = await call('PATCH', path, {
    session: sessions.org_admin, body: { title: 'Versioned action, renamed (fictional)', priority: 'high', version: 1 },
  });
  const v2 = ok(res, 200, 'PATCH title and priority');
  expectAudit('org_admin', 'action.update', res, x.id);
  assertAction(v2, 'the changed action');
  assert.deepEqual({ ...v2, title: x.title, priority: x.priority, version: 1, updated_at: x.updated_at }, x, 'only those fields changed');
  assert.equal(v2.version, 2);
  assert.deepEqual(await read('org_admin', x.id), v2, 'GET answers what PATCH did');

  for (const version of [1, 0, 3, 99])
    assert.ok(!problem(await call('PATCH', path, { session: sessions.org_admin, body: { title: 'Stale (fictional)', version } }), 409,
      `PATCH version ${version}`).errors, '409 has no field list');
  for (const [what, body, fields] of [
    ['no version', { title: 'No version (fictional)' }, ['version']],
    ['an empty body', {}, ['version']],
    ['version a string', { title: 'x', version: '2' }, ['version']],
    ['a decision_id', { decision_id: unknownId, version: 2 }, ['decision_id']],
    ['an empty decision_id', { decision_id: '', version: 2 }, ['decision_id']],
    ['an empty title', { title: '', version: 2 }, ['title']],
    ['an empty list of countries', { countries: [], version: 2 }, ['countries']],
    ['partners naming the lead', { partners: [org.pune], version: 2 }, ['partners']],
    ['an unknown lead', { lead_org: unknownId, version: 2 }, ['lead_org']],
    ['a bad due date', { due_date: '2031-04-31', version: 2 }, ['due_date']],
    ['an unknown status', { status: 'paused', version: 2 }, ['status']],
    ['level platform under AMBER', { level: 'platform', version: 2 }, ['level']],
    ['an unknown field', { colour: 'blue', version: 2 }, ['colour']],
    ['title and status wrong', { title: '', status: 'paused', version: 2 }, ['title', 'status']],
  ])
    invalid(await call('PATCH', path, { session: sessions.org_admin, body }), fields, `PATCH ${what}`);
  assert.deepEqual(await read('org_admin', x.id), v2, 'none of the refused changes took effect');
  problem(await call('PATCH', path, { session: sessions.org_admin, body: { title: '', version: 1 } }), 409, 'a stale version and an empty title');
  for (const id of [unknownId, 'not-an-id'])
    problem(await call('PATCH', `/api/v1/actions/${id}`, { session: sessions.org_admin, body: { title: 'x', version: 1 } }), 404, `PATCH ${id}`);

  // due_date "" removes the date; absent fields are kept.
  res = await call('PATCH', path, { session: sessions.investigator, body: { due_date: '', status: 'in_progress', version: 2 } });
  const v3 = ok(res, 200, 'PATCH due_date "" and status');
  expectAudit('investigator', 'action.update', res, x.id);
  assert.deepEqual([v3.due_date, v3.status, v3.title, v3.partners, v3.priority, v3.version], [null, 'in_progress', v2.title, [org.colombo], 'high', 3]);
});

test('PATCH partners replaces them: a partner dropped loses sight of the action, a new one gains it; lead_org changes the lead', async () => {
  const x = await create('org_admin', valid({ title: 'Partners change (fictional)', partners: [org.colombo] }));
  const path = `/api/v1/actions/${x.id}`;
  assert.ok((await listIds('analyst')).includes(x.id), 'Colombo sees it while a partner');
  let res = await call('PATCH', path, { session: sessions.org_admin, body: { partners: [org.border], version: 1 } });
  let y = ok(res, 200, 'PATCH partners');
  expectAudit('org_admin', 'action.update', res, x.id);
  assert.deepEqual([y.lead_org, y.partners, y.version], [org.pune, [org.border], 2]);
  await assertSeenBy(y, [...ktmUsers, ...usersOf('pune'), ...usersOf('border')], 'after Border Force replaced Colombo');

  res = await call('PATCH', path, { session: sessions.org_admin, body: { lead_org: org.colombo, partners: [], version: 2 } });
  y = ok(res, 200, 'PATCH lead_org and no partners');
  expectAudit('org_admin', 'action.update', res, x.id);
  assert.deepEqual([y.lead_org, y.lead_name, y.partners, y.version], [org.colombo, orgNames.colombo, [], 3]);
  assert.deepEqual(await read('org_admin', x.id), y);
  await assertSeenBy(y, [...ktmUsers, ...usersOf('colombo')], 'led by Colombo alone');
});

test('PATCH: only the owner\'s writers; the lead and partners 403; other organisations 404 or 403; anonymous 401', async () => {
  const body = { title: 'Taken over (fictional)', version: 1 };
  const x = await create('org_admin', valid({ title: 'Guarded action (fictional)', partners: [org.colombo] }));
  const platform = await create('org_admin', valid({ title: 'Guarded platform action (fictional)', level: 'platform', tlp: 'GREEN' }));
  for (const who of ['ktm_viewer', 'case_worker', 'pune_analyst', 'analyst'])
    forbidden(await call('PATCH', `/api/v1/actions/${x.id}`, { session: sessions[who], body }), `PATCH as ${who}`);
  for (const who of ['viewer', 'platform_admin'])
    problem(await call('PATCH', `/api/v1/actions/${x.id}`, { session: sessions[who], body }), 404, `PATCH an org-level action as ${who}`);
  for (const who of ['viewer', 'platform_admin', 'case_worker', 'analyst', 'ktm_viewer'])
    forbidden(await call('PATCH', `/api/v1/actions/${platform.id}`, { session: sessions[who], body }), `PATCH a platform-level action as ${who}`);
  problem(await call('PATCH', `/api/v1/actions/${x.id}`, { body }), 401, 'PATCH anonymous');
  problem(await call('PATCH', `/api/v1/actions/${x.id}`, { session: sessions.org_admin, csrf: null, body }), 403, 'PATCH without X-CSRF-Token');
  assert.equal((await read('org_admin', x.id)).version, 1, 'unchanged');
  assert.equal((await read('org_admin', platform.id)).version, 1, 'unchanged');
});

// ---- 6. progress updates ---------------------------------------------------------------------

test('progress: the owner, the lead and a partner add updates (201); each bumps the version and is listed on the action, in order', async () => {
  const x = await create('org_admin', valid({ title: 'Progress action (fictional)', partners: [org.colombo], due_date: '2031-10-01' }));
  const path = `/api/v1/actions/${x.id}/updates`;
  const steps = [
    ['investigator', { note: 'Roster drafted (fictional).' }, org.ktm, null, 'proposed'],
    ['case_worker', { note: 'Pune agrees.\r\nStarting next week.', status: 'in_progress' }, org.pune, 'in_progress', 'in_progress'],
    ['analyst', { note: 'Colombo volunteers two shifts (fictional).' }, org.colombo, null, 'in_progress'],
    ['org_admin', { note: 'Kathmandu marks it agreed.', status: 'agreed' }, org.ktm, 'agreed', 'agreed'],
    ['pune_analyst', { note: 'Pune analyst adds figures (fictional).' }, org.pune, null, 'agreed'],
  ];
  const got = [];
  for (const [i, [who, body, orgId, status, actionStatus]] of steps.entries()) {
    const res = await call('POST', path, { session: sessions[who], body });
    const u = ok(res, 201, `POST an update as ${who}`);
    expectAudit(who, 'action.progress', res, x.id);
    assert.deepEqual(Object.keys(u).sort(), ['action_status', 'action_version', 'at', 'id', 'note', 'org_id', 'status'], JSON.stringify(u));
    assert.match(u.id, uuid);
    assert.match(u.at, utcMs);
    assert.deepEqual([u.org_id, u.note, u.status, u.action_status, u.action_version],
      [orgId, body.note.replace('\r\n', '\n'), status, actionStatus, i + 2], `update ${i + 1} as ${who}`);
    got.push({ id: u.id, org_id: orgId, user_id: sessions[who].user.id, note: u.note, status, at: u.at });
  }
  const now = await read('case_worker', x.id);
  assert.deepEqual(now.updates, got, 'the updates on the action, oldest first');
  assert.deepEqual([now.status, now.version], ['agreed', steps.length + 1]);
  assert.ok(now.updated_at >= got.at(-1).at, 'updated_at moves with the progress');
  problem(await call('PATCH', `/api/v1/actions/${x.id}`, { session: sessions.org_admin, body: { title: 'Stale (fictional)', version: 1 } }), 409,
    'a PATCH with the version before the updates');
});

test('progress: a partner may not change the status (422 status); wrong notes 422; nothing is stored', async () => {
  const x = await create('org_admin', valid({ title: 'Status guard (fictional)', partners: [org.colombo] }));
  const path = `/api/v1/actions/${x.id}/updates`;
  for (const [who, body, fields, what] of [
    ['analyst', { note: 'Colombo closes it', status: 'done' }, ['status'], 'a partner changing the status'],
    ['case_worker', { note: 'Pune', status: 'finished' }, ['status'], 'an unknown status'],
    ['case_worker', { note: '' }, ['note'], 'an empty note'],
    ['case_worker', { note: ' \n ' }, ['note'], 'a blank note'],
    ['case_worker', {}, ['note'], 'no note'],
    ['case_worker', { note: 5 }, ['note'], 'a note that is a number'],
    ['case_worker', { note: 'n'.repeat(20001) }, ['note'], 'a note of 20001 characters'],
    ['case_worker', { note: 'Bell\u0007' }, ['note'], 'a control character'],
    ['case_worker', { note: 'ok', colour: 'blue' }, ['colour'], 'an unknown field'],
  ])
    invalid(await call('POST', path, { session: sessions[who], body }), fields, `POST an update as ${who}: ${what}`);
  const now = await read('org_admin', x.id);
  assert.deepEqual([now.updates, now.version, now.status], [[], 1, 'proposed'], 'nothing stored');
});

test('progress: an organisation that sees a platform-level action but is not committed 403; viewers 403; hidden 404; anonymous 401', async () => {
  const platform = await create('org_admin', valid({ title: 'Platform progress (fictional)', lead_org: org.ktm, level: 'platform', tlp: 'GREEN' }));
  const body = { note: 'Not ours to report (fictional).' };
  for (const who of ['case_worker', 'analyst', 'platform_admin', 'pune_analyst']) {
    assert.equal((await read(who, platform.id)).id, platform.id, `${who} sees it`);
    forbidden(await call('POST', `/api/v1/actions/${platform.id}/updates`, { session: sessions[who], body }), `POST an update as ${who} (not committed)`);
  }
  for (const who of ['viewer', 'ktm_viewer', 'colombo_viewer'])
    forbidden(await call('POST', `/api/v1/actions/${platform.id}/updates`, { session: sessions[who], body }), `POST an update as ${who} (a viewer)`);
  // A viewer of a committed organisation reads, but does not report either.
  forbidden(await call('POST', `/api/v1/actions/${roster.id}/updates`, { session: sessions.colombo_viewer, body }), 'POST as a viewer of a partner');
  for (const who of ['viewer', 'platform_admin'])
    problem(await call('POST', `/api/v1/actions/${roster.id}/updates`, { session: sessions[who], body }), 404, `POST an update on a hidden action as ${who}`);
  for (const id of [unknownId, 'not-an-id'])
    problem(await call('POST', `/api/v1/actions/${id}/updates`, { session: sessions.org_admin, body }), 404, `POST an update on ${id}`);
  problem(await call('POST', `/api/v1/actions/${platform.id}/updates`, { body }), 401, 'POST an update anonymous');
  problem(await call('POST', `/api/v1/actions/${platform.id}/updates`, { session: sessions.org_admin, csrf: null, body }), 403, 'without X-CSRF-Token');
  assert.deepEqual((await read('org_admin', platform.id)).updates, [], 'nothing stored');
  assert.equal((await read('org_admin', platform.id)).version, 1);
  const res = await call('POST', `/api/v1/actions/${platform.id}/updates`, { session: sessions.investigator, body: { note: 'Ours (fictional).' } });
  ok(res, 201, 'the owner reports on it');
  expectAudit('investigator', 'action.progress', res, platform.id);
});

test('progress updates sent at the same time are all taken (201), each listed once, the version bumped by each', async () => {
  const writers = ['investigator', 'case_worker', 'analyst', 'org_admin', 'pune_analyst'];
  const n = 16;
  for (let round = 1; round <= 3; round++) {
    const x = await create('org_admin', valid({ title: `Busy action ${round} (fictional)`, partners: [org.colombo] }));
    const by = Array.from({ length: n }, (_, i) => writers[i % writers.length]);
    const results = await Promise.all(by.map((who, i) =>
      call('POST', `/api/v1/actions/${x.id}/updates`, { session: sessions[who], body: { note: `Report ${i + 1} (fictional)` } })));
    // Every update taken is audited, whatever happens to the others.
    results.forEach((res, i) => { if (res.status === 201) expectAudit(by[i], 'action.progress', res, x.id); });
    assert.deepEqual(results.map((r) => r.status), by.map(() => 201), `round ${round}: every update sent at once is taken`);
    const now = await read('org_admin', x.id);
    assert.deepEqual(now.updates.map((u) => u.note).sort(), by.map((_, i) => `Report ${i + 1} (fictional)`).sort(), `round ${round}: each stored once`);
    assert.equal(now.version, 1 + n, `round ${round}: the version bumped by each`);
  }
});

test('progress by the lead marks an action done: it leaves view=overdue', async () => {
  const x = await create('org_admin', valid({ title: 'Overdue until done (fictional)', due_date: past, partners: [org.colombo] }));
  assert.ok((await listIds('case_worker', 'view=overdue')).includes(x.id), 'overdue for the lead');
  const res = await call('POST', `/api/v1/actions/${x.id}/updates`, {
    session: sessions.case_worker, body: { note: 'Finished (fictional).', status: 'done' },
  });
  assert.equal(ok(res, 201, 'the lead reports it done').action_status, 'done');
  expectAudit('case_worker', 'action.progress', res, x.id);
  const now = await read('case_worker', x.id);
  assert.deepEqual([now.status, now.overdue], ['done', false]);
  assert.ok(!(await listIds('case_worker', 'view=overdue')).includes(x.id), 'no longer overdue');
  assert.ok((await listIds('case_worker', 'status=done')).includes(x.id));
});

// ---- 7. the CSV export -----------------------------------------------------------------------

/** RFC 4180 text to rows of fields. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += ch;
    }
  }
  assert.ok(!quoted, 'no open quote at the end');
  assert.equal(field + row.join(''), '', `the last row ends with CRLF: ${JSON.stringify(text.slice(-80))}`);
  return rows;
}

/** GET /api/v1/actions?format=csv&query as who: 200 text/csv, the rows after the header. */
async function csv(who, query = '') {
  const q = `/api/v1/actions?format=csv${query ? `&${query}` : ''}`;
  const res = await call('GET', q, { session: sessions[who] });
  assert.equal(res.status, 200, `GET ${q} as ${who}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') || '', /^text\/csv/, `GET ${q}: Content-Type`);
  assert.match(res.headers.get('content-disposition') || '', /^attachment/, `GET ${q}: a download`);
  const rows = parseCsv(res.text);
  assert.deepEqual(rows[0], csvHeader.split(','), `GET ${q}: the header row first: ${JSON.stringify(res.text.slice(0, 160))}`);
  for (const r of rows) assert.equal(r.length, 10, `GET ${q}: ten fields in ${JSON.stringify(r)}`);
  return rows.slice(1);
}

const formula = (s) => (/^[=+\-@]/.test(s) ? `'${s}` : s);
const csvRow = (x) => [x.id, formula(x.title), x.theme, x.countries.join(' '), x.lead_name, x.priority, x.due_date ?? '', x.status,
  x.overdue ? 'yes' : 'no', x.updated_at];

test('GET /api/v1/actions?format=csv: the header, then one row per action the user sees, in list order; never a hidden one', async () => {
  for (const who of everyone) {
    const rows = await csv(who);
    assert.deepEqual(rows, (await walk(who, '', 500)).map(csvRow), `CSV as ${who}: the rows of the list`);
    const ids = new Set(rows.map((r) => r[0]));
    for (const id of made)
      if (!ids.has(id)) problem(await call('GET', `/api/v1/actions/${id}`, { session: sessions[who] }), 404, `not in ${who}'s CSV: hidden`);
  }
  assert.ok(!(await csv('viewer')).some((r) => r[0] === roster.id), 'Border Force does not export Kathmandu\'s org-level action');
  assert.deepEqual(await csv('analyst', 'view=mine&country=LK'), (await walk('analyst', 'view=mine&country=LK', 500)).map(csvRow),
    'filters apply to the export');
  problem(await call('GET', '/api/v1/actions?format=csv'), 401, 'the CSV anonymous');
  ok(await call('GET', '/api/v1/actions?format=json', { session: sessions.org_admin }), 200, 'format=json');
});

test('the CSV export: titles starting with = + - @ get a leading apostrophe; quotes are doubled; commas and line breaks stay in the field', async () => {
  const titles = ['=HYPERLINK("http://example.invalid","open") (fictional)', '+1+1 plan (fictional)', '-2 shifts (fictional)',
    '@SUM(A1:A2) (fictional)', 'The "safe route" plan, phase 2 (fictional)'];
  const xs = [];
  for (const title of titles) xs.push(await create('org_admin', valid({ title, lead_org: org.ktm, due_date: '2030-01-01' })));
  const rows = await csv('org_admin');
  for (const x of xs) {
    const row = rows.find((r) => r[0] === x.id);
    assert.ok(row, `a row for ${x.title}`);
    assert.equal(row[1], formula(x.title), `the title of ${x.title} as exported`);
  }
  assert.deepEqual(xs.slice(0, 4).map((x) => rows.find((r) => r[0] === x.id)[1][0]), ["'", "'", "'", "'"], 'each formula is defused');
  const res = await call('GET', '/api/v1/actions?format=csv', { session: sessions.org_admin });
  assert.ok(res.text.includes('"The ""safe route"" plan, phase 2 (fictional)"'), 'the quotes doubled inside a quoted field');
  assert.ok(res.text.includes(`"'=HYPERLINK(""http://example.invalid"",""open"") (fictional)"`), 'the formula quoted with its apostrophe');
  assert.ok(!/(^|,)"?[=+\-@]/m.test(res.text), 'no field starts with a formula character');
  assert.ok(!(await csv('case_worker')).some((r) => xs.some((x) => x.id === r[0])), 'Pune, who sees none of them, exports none');
});

// ---- 8. notifications ---------------------------------------------------------------------------

test('action.assigned goes once to each active user of the lead and the partners, not the author; a PATCH does not repeat it', async () => {
  const x = await create('org_admin', valid({ title: 'Assignment action (fictional)', partners: [org.colombo] }));
  const told = [...usersOf('pune'), ...usersOf('colombo')];
  const assigned = async (who) => (await inbox(who, { id: x.id })).filter((n) => n.event === 'action.assigned');
  for (const who of everyone) {
    const got = await inbox(who, { id: x.id });
    if (told.includes(who)) {
      assert.equal(got.length, 1, `${who}: one notification: ${JSON.stringify(got)}`);
      assert.deepEqual([got[0].event, got[0].record_kind, got[0].record_id, got[0].actor_org, got[0].actor_user, got[0].unread, got[0].read_at],
        ['action.assigned', 'action', x.id, org.ktm, sessions.org_admin.user.id, true, null], `${who}: the notification`);
    } else {
      assert.deepEqual(got, [], `${who}: nothing about this action`);
    }
  }
  let res = await call('PATCH', `/api/v1/actions/${x.id}`, {
    session: sessions.org_admin, body: { title: 'Assignment action, renamed (fictional)', version: 1 },
  });
  ok(res, 200, 'PATCH title');
  expectAudit('org_admin', 'action.update', res, x.id);
  res = await call('PATCH', `/api/v1/actions/${x.id}`, { session: sessions.org_admin, body: { partners: [org.colombo, org.border], version: 2 } });
  ok(res, 200, 'PATCH partners: Border Force joins');
  expectAudit('org_admin', 'action.update', res, x.id);
  for (const who of [...told, 'viewer']) assert.equal((await assigned(who)).length, 1, `${who}: still one action.assigned`);
  for (const who of [...ktmUsers, 'platform_admin']) assert.deepEqual(await inbox(who, { id: x.id }), [], `${who}: nothing`);

  // When the owner leads, its other users are told; the author is not.
  const own = await create('org_admin', valid({ title: 'Kathmandu-led action (fictional)', lead_org: org.ktm }));
  for (const who of ['investigator', 'ktm_viewer'])
    assert.deepEqual((await inbox(who, { id: own.id })).map((n) => n.event), ['action.assigned'], `${who}: told of the action its organisation leads`);
  assert.deepEqual(await inbox('org_admin', { id: own.id }), [], 'the author is never notified of their own doing');
});

test('action.update: progress notifies the committed organisations and the owner, never the one who reported it', async () => {
  const x = await create('investigator', valid({ title: 'Notified progress (fictional)', partners: [org.colombo] }));
  const before = {};
  for (const who of everyone) before[who] = (await inbox(who, { id: x.id })).filter((n) => n.event === 'action.update').length;
  let res = await call('POST', `/api/v1/actions/${x.id}/updates`, { session: sessions.case_worker, body: { note: 'Pune reports (fictional).' } });
  ok(res, 201, 'progress by the lead');
  expectAudit('case_worker', 'action.progress', res, x.id);
  res = await call('POST', `/api/v1/actions/${x.id}/updates`, { session: sessions.analyst, body: { note: 'Colombo reports (fictional).' } });
  ok(res, 201, 'progress by a partner');
  expectAudit('analyst', 'action.progress', res, x.id);
  const expected = {
    case_worker: 1, pune_analyst: 2, analyst: 1, colombo_viewer: 2, org_admin: 2, investigator: 2, ktm_viewer: 2, viewer: 0, platform_admin: 0,
  };
  for (const who of everyone) {
    const got = (await inbox(who, { id: x.id })).filter((n) => n.event === 'action.update');
    assert.equal(got.length - before[who], expected[who], `${who}: ${expected[who]} action.update: ${JSON.stringify(got)}`);
    for (const n of got) assert.deepEqual([n.record_kind, n.record_id], ['action', x.id]);
  }
  const [last] = (await inbox('org_admin', { id: x.id })).filter((n) => n.event === 'action.update');
  assert.deepEqual([last.actor_org, last.actor_user], [org.colombo, sessions.analyst.user.id], 'newest first: Colombo\'s report');
});

test('the inbox: unread=true, the count, marking one read (another user\'s id 404), marking all read ({marked: n})', async () => {
  const who = 'pune_analyst';
  const all = await inbox(who);
  assert.ok(all.length >= 3, `${who} has notifications: ${all.length}`);
  assert.deepEqual(all.map((n) => n.id), [...all.map((n) => n.id)].sort().reverse(), 'newest first');
  const unread = await inbox(who, { unread: true });
  assert.deepEqual(unread, all.filter((n) => n.unread), 'unread=true: the unread ones');
  const count = async (w) => ok(await call('GET', '/api/v1/notifications/count', { session: sessions[w] }), 200, `the count of ${w}`).unread;
  assert.equal(await count(who), unread.length, 'the count is the number unread');

  const first = unread[0];
  let res = await call('POST', `/api/v1/notifications/${first.id}/read`, { session: sessions[who] });
  assert.equal(res.status, 204, `POST /read one: ${res.status} ${res.text}`);
  assert.equal(await count(who), unread.length - 1, 'one fewer unread');
  const marked = (await inbox(who)).find((n) => n.id === first.id);
  assert.equal(marked.unread, false);
  assert.match(marked.read_at, utcMs);
  assert.ok(!(await inbox(who, { unread: true })).some((n) => n.id === first.id), 'no longer in unread=true');
  assert.equal((await call('POST', `/api/v1/notifications/${first.id}/read`, { session: sessions[who] })).status, 204, 'marking it again');

  // Another user's notification is not this user's to mark.
  const theirs = (await inbox('case_worker', { unread: true }))[0];
  assert.ok(theirs, 'the case worker has an unread notification');
  for (const id of [theirs.id, unknownId, 'not-an-id'])
    problem(await call('POST', `/api/v1/notifications/${id}/read`, { session: sessions[who] }), 404, `POST /notifications/${id}/read as ${who}`);
  assert.equal((await inbox('case_worker')).find((n) => n.id === theirs.id).unread, true, 'the other user\'s stays unread');
  problem(await call('POST', `/api/v1/notifications/${first.id}/read`, { session: sessions[who], csrf: null }), 403, 'without X-CSRF-Token');

  const left = await count(who);
  res = await call('POST', '/api/v1/notifications/read', { session: sessions[who] });
  assert.deepEqual(ok(res, 200, 'POST /notifications/read'), { marked: left });
  assert.equal(await count(who), 0);
  assert.deepEqual(await inbox(who, { unread: true }), []);
  assert.equal((await inbox(who)).length, all.length, 'read, not removed');
  assert.deepEqual(ok(await call('POST', '/api/v1/notifications/read', { session: sessions[who] }), 200, 'again'), { marked: 0 });
  assert.ok(await count('case_worker') > 0, 'the other users keep theirs');

  for (const [query, field] of [['unread=yes', 'unread'], ['limit=0', 'limit'], ['limit=501', 'limit'], ['cursor=abc', 'cursor']])
    invalid(await call('GET', `/api/v1/notifications?${query}`, { session: sessions[who] }), [field], `GET /api/v1/notifications?${query}`);
  problem(await call('GET', '/api/v1/notifications'), 401, 'anonymous');
  problem(await call('GET', '/api/v1/notifications/count'), 401, 'anonymous count');
  problem(await call('POST', '/api/v1/notifications/read'), 401, 'anonymous mark all');
});

test('notifications page with limit and next_cursor, newest first, each once', async () => {
  const who = 'colombo_viewer';
  const all = await inbox(who);
  assert.ok(all.length >= 3, `${who} has notifications: ${all.length}`);
  const seen = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = `/api/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = ok(await call('GET', q, { session: sessions[who] }), 200, q);
    seen.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  assert.deepEqual(seen, all);
});

// ---- 9. the audit trail --------------------------------------------------------------------------

async function trail(who, orgId) {
  const q = `/api/v1/audit?limit=500${orgId ? `&org_id=${orgId}` : ''}`;
  const list = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
  assert.equal(list.next_cursor, null, `GET ${q}: one page`);
  return list.items;
}

test('GET /api/v1/audit: an action.create, action.update or action.progress entry for every change, with its request id; none for refusals', async () => {
  for (const [chain, items] of [['ktm', await trail('org_admin')], ['pune', await trail('platform_admin', org.pune)],
    ['colombo', await trail('platform_admin', org.colombo)]]) {
    for (const x of audited[chain]) {
      const e = items.find((i) => i.request_id === x.rid && i.action === x.action);
      assert.ok(e, `${chain}: a ${x.action} entry for request ${x.rid}`);
      assert.deepEqual([e.record_kind, e.record_id, e.outcome, e.actor_user], ['action', x.record, 'ok', x.actor], `${x.action}: ${JSON.stringify(e)}`);
    }
    const entries = items.filter((i) => i.action.startsWith('action.'));
    assert.deepEqual(entries.map((i) => `${i.action} ${i.request_id}`).sort(), audited[chain].map((x) => `${x.action} ${x.rid}`).sort(),
      `${chain}: exactly the changes made`);
  }
  const kinds = (chain) => new Set(audited[chain].map((x) => x.action));
  assert.deepEqual([...kinds('ktm')].sort(), ['action.create', 'action.progress', 'action.update']);
  assert.ok(kinds('pune').has('action.progress') && kinds('pune').has('action.create'), 'Pune created and reported');
  assert.deepEqual([...kinds('colombo')], ['action.progress'], 'Colombo reported only');
});

test('atip stops cleanly on SIGTERM; atip audit verify is ok', async () => {
  await server.stop();
  const { entries } = auditVerify(env);
  assert.ok(entries >= audited.ktm.length + audited.pune.length + audited.colombo.length, `${entries} entries`);
});

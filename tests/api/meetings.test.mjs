// Meetings over the API: POST/GET /api/v1/meetings, GET/PATCH
// /api/v1/meetings/{id} and POST /api/v1/meetings/{id}/decisions against a
// real `atip serve` whose data dir was filled by `atip demo`:
//
//  1. Convening a meeting: the whole meeting in the answer (starts_at in UTC
//     with milliseconds, agenda, participants led by the owner, level org and
//     TLP AMBER by default, version 1), the same on GET and in the list.
//  2. Validation: 422 naming each wrong field (dates, links, lists, lengths,
//     participants, unknown fields, level and TLP, groups).
//  3. Sharing: org, group, country and platform levels, participants as
//     need-to-know grants; a hidden meeting is 404 and absent from lists;
//     nothing for anonymous clients (401).
//  4. Who writes: the owner organisation's org_admin, investigator and
//     case_worker; its viewers and analysts 403; other organisations 404
//     (hidden) or 403 (visible).
//  5. PATCH with the version (409 stale, 422 without), lists replaced,
//     sharing checked as on creation.
//  6. Decisions numbered 1, 2, ... in order; owner writers only.
//  7. The list: when=upcoming/past, limit and next_cursor pages that hold
//     every visible meeting once and agree with GET by id.
//  8. The audit trail: a meeting.create, meeting.update or meeting.decide
//     entry for every change (matched by X-Request-Id), none for refusals;
//     `atip audit verify` ok after SIGTERM.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  The Kathmandu org admin adds a
// viewer and an analyst of its own here.
//
// The data dir and database are this file's own (a private database next to
// ATIP_TEST_DB on PostgreSQL), so every meeting in it was made here and the
// lists are exact.  Signing in is slow (argon2id): every account signs in
// once and its session is reused.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, secrets, serve, uuid } from './server.mjs';

const utcMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const listKeys = ['created_at', 'created_by', 'description', 'ends_at', 'group_id', 'id', 'level', 'online_url',
  'owner_country', 'owner_org', 'participants', 'place', 'starts_at', 'status', 'title', 'tlp', 'updated_at', 'version'];
const meetingKeys = [...listKeys, 'agenda', 'decisions', 'minutes'].sort();
const decisionKeys = ['created_at', 'id', 'number', 'text'];
const DAY = 24 * 3600 * 1000;
const startedAt = Date.now();

// ---- HTTP (client.mjs) -----------------------------------------------------

let server;
const { call, signInWithCode, signInPlain } = client(() => server);

/** A 403 about the role or the rule, not the CSRF token or enrolment. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role, not the token: ${p.detail}`);
  return p;
}

/** A time in ms as atip writes it: UTC, milliseconds. */
const utc = (ms) => new Date(ms).toISOString();

/** A time in ms written at a UTC offset of minutes ("+05:45"), with the milliseconds given. */
function atOffset(ms, minutes) {
  const local = new Date(ms + minutes * 60000).toISOString().slice(0, 23);
  const a = Math.abs(minutes);
  return `${local}${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

// ---- the environment: `atip demo`, then `atip serve` ------------------------

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
let data;
const org = {}; // ktm, pune, colombo, border, secretariat -> id
let unknownOrg; // a well-formed organisation id nobody has
let group; // a Kathmandu sharing group with Colombo in it
const sessions = {}; // role, ktm_viewer, ktm_analyst -> { token, csrf, user }
const made = []; // the id of every meeting made here
// The changes each organisation's audit chain must show: { action, rid, record, actor }.
const audited = { ktm: [], pune: [] };

/** Notes an audited change by the session's user for the meeting. */
function expectAudit(who, action, res, record) {
  const s = sessions[who];
  const chain = Object.keys(org).find((k) => org[k] === s.user.org_id);
  assert.ok(chain in audited, `${who} belongs to Kathmandu or Pune`);
  assert.ok(res.rid, `${action}: an X-Request-Id`);
  audited[chain].push({ action, rid: res.rid, record, actor: s.user.id });
}

/** Asserts the shape of a whole meeting (GET, POST, PATCH). */
function assertMeeting(m, what) {
  assert.deepEqual(Object.keys(m).sort(), meetingKeys, `${what}: fields of ${JSON.stringify(m)}`);
  assertCommon(m, what);
  assert.ok(Array.isArray(m.agenda) && m.agenda.every((x) => typeof x === 'string'), `${what}: agenda`);
  assert.equal(typeof m.minutes, 'string', `${what}: minutes`);
  assert.ok(Array.isArray(m.decisions), `${what}: decisions`);
  m.decisions.forEach((d, i) => {
    assert.deepEqual(Object.keys(d).sort(), decisionKeys, `${what}: decision ${JSON.stringify(d)}`);
    assert.equal(d.number, i + 1, `${what}: decisions numbered in order`);
  });
}

/** Asserts the shape of a meeting as a list shows it (no agenda, decisions or minutes). */
function assertListed(m, what) {
  assert.deepEqual(Object.keys(m).sort(), [...listKeys].sort(), `${what}: fields of ${JSON.stringify(m)}`);
  assertCommon(m, what);
}

function assertCommon(m, what) {
  assert.match(m.id, uuid, `${what}: id`);
  assert.match(m.owner_org, uuid, `${what}: owner_org`);
  assert.match(m.owner_country, /^[A-Z]{2}$/, `${what}: owner_country`);
  assert.equal(typeof m.title, 'string', `${what}: title`);
  assert.match(m.starts_at, utcMs, `${what}: starts_at`);
  assert.ok(m.ends_at === null || utcMs.test(m.ends_at), `${what}: ends_at ${m.ends_at}`);
  assert.ok(m.online_url === null || m.online_url.startsWith('https://'), `${what}: online_url ${m.online_url}`);
  assert.ok(['planned', 'held', 'cancelled'].includes(m.status), `${what}: status ${m.status}`);
  assert.ok(['org', 'group', 'country', 'platform'].includes(m.level), `${what}: level ${m.level}`);
  assert.ok(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'].includes(m.tlp), `${what}: tlp ${m.tlp}`);
  assert.equal(m.group_id === null, m.level !== 'group', `${what}: a group_id with level group only`);
  assert.ok(Array.isArray(m.participants) && m.participants[0] === m.owner_org, `${what}: participants led by the owner: ${m.participants}`);
  assert.equal(new Set(m.participants).size, m.participants.length, `${what}: no participant twice`);
  for (const k of ['created_at', 'updated_at']) {
    assert.match(m[k], utcMs, `${what}: ${k}`);
    assert.ok(Date.parse(m[k]) >= startedAt - 5000 && Date.parse(m[k]) <= Date.now() + 5000, `${what}: ${k} ${m[k]} is about now`);
  }
  assert.ok(Number.isInteger(m.version) && m.version >= 1, `${what}: version ${m.version}`);
}

/** POST /api/v1/meetings as who: 201, the meeting (shape asserted, audited, remembered). */
async function convene(who, body, what = `POST /api/v1/meetings as ${who}`) {
  const res = await call('POST', '/api/v1/meetings', { session: sessions[who], body });
  const m = ok(res, 201, what);
  assert.match(m.id, uuid, `${what}: id`);
  made.push(m.id);
  expectAudit(who, 'meeting.create', res, m.id);
  assertMeeting(m, what);
  assert.equal(m.owner_org, sessions[who].user.org_id, `${what}: owned by the creator's organisation`);
  assert.equal(m.created_by, sessions[who].user.id, `${what}: created_by`);
  assert.equal(m.version, 1, `${what}: version`);
  assert.equal(m.updated_at, m.created_at, `${what}: never updated`);
  return m;
}

/** GET /api/v1/meetings/{id} as who: 200, the meeting. */
async function read(who, id, what = `GET /api/v1/meetings/${id} as ${who}`) {
  const m = ok(await call('GET', `/api/v1/meetings/${id}`, { session: sessions[who] }), 200, what);
  assertMeeting(m, what);
  return m;
}

/** Every page of GET /api/v1/meetings?query as who at the given limit: the items, in order. */
async function walk(who, query, limit) {
  const items = [];
  const sizes = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = `/api/v1/meetings?${query ? `${query}&` : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
    assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET ${q}: ${JSON.stringify(page)}`);
    assert.ok(page.items.length <= limit, `GET ${q}: at most ${limit} items`);
    for (const m of page.items) assertListed(m, `GET ${q}: ${m.id}`);
    items.push(...page.items);
    sizes.push(page.items.length);
    if (page.next_cursor === null) return { items, sizes };
    assert.equal(typeof page.next_cursor, 'string', `GET ${q}: next_cursor`);
    assert.equal(page.items.length, limit, `GET ${q}: a page with a next_cursor is full`);
    cursor = page.next_cursor;
  }
  assert.fail(`GET /api/v1/meetings?${query}: no last page after 100 pages`);
}

/** The ids of the meetings made here that who reads by id (GET 200; the others must be 404). */
async function readable(who) {
  const seen = [];
  for (const id of made) {
    const res = await call('GET', `/api/v1/meetings/${id}`, { session: sessions[who] });
    if (res.status === 200) seen.push(ok(res, 200, `GET ${id} as ${who}`));
    else problem(res, 404, `GET /api/v1/meetings/${id} as ${who}: 200 or 404`);
  }
  return seen;
}

/** Is the meeting id in who's list (one page of 500)? */
async function listed(who, id) {
  const page = ok(await call('GET', '/api/v1/meetings?limit=500', { session: sessions[who] }), 200, `GET /api/v1/meetings as ${who}`);
  assert.equal(page.next_cursor, null, `GET /api/v1/meetings?limit=500 as ${who}: one page`);
  return page.items.some((m) => m.id === id);
}

before(async () => {
  env = environment('meetings');
  data = demo(env);
  assert.deepEqual(Object.keys(data.accounts).sort(), [...roles].sort(), 'an account per role');
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  assert.deepEqual(data.orgs.map((o) => o.country).sort(), ['BD', 'IN', 'LK', 'NP', 'NP']);
  assert.equal(data.orgs.find((o) => o.id === org.secretariat).country, 'NP', 'the Secretariat is in Nepal, as Kathmandu is');
  unknownOrg = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  server = await serve(env);
  for (const role of roles) {
    sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
    assert.equal(sessions[role].user.org_id, org[homeOf[role]], `${role} belongs to ${homeOf[role]}`);
  }
  // A viewer and an analyst of Kathmandu (neither needs a second factor).
  for (const role of ['viewer', 'analyst']) {
    const account = { email: `ktm.${role}.meetings@demo.invalid`, password: crypto.randomBytes(18).toString('base64url') };
    secrets.add(account.password);
    const u = ok(await call('POST', '/api/v1/users', {
      session: sessions.org_admin, body: { email: account.email, name: `Kathmandu ${role} (fictional)`, role, password: account.password },
    }), 201, `POST /api/v1/users (${role}) as org_admin`);
    assert.equal(u.org_id, org.ktm);
    sessions[`ktm_${role}`] = await signInPlain(account, `the Kathmandu ${role} signs in`);
    assert.equal(sessions[`ktm_${role}`].required, false, `a ${role} need not enrol`);
  }
  // A Kathmandu sharing group that Colombo joins.
  group = ok(await call('POST', '/api/v1/groups', { session: sessions.org_admin, body: { name: 'Meetings corridor (fictional)' } }), 201,
    'POST /api/v1/groups');
  assert.match(group.id, uuid);
  ok(await call('POST', `/api/v1/groups/${group.id}/members`, { session: sessions.org_admin, body: { org_id: org.colombo } }), 200,
    'Colombo joins the group');
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- 1. convening a meeting ----------------------------------------------------

let forum; // the org admin's meeting, with Pune as participant

test('POST /api/v1/meetings: 201 with the whole meeting: starts_at in UTC with milliseconds, agenda, participants led by the owner, level org, TLP AMBER, version 1', async () => {
  const start = Date.UTC(2031, 2, 1, 4, 30, 0, 0);
  const body = {
    title: 'Cross-border coordination forum (fictional)',
    description: 'Quarterly forum on repatriation between Nepal and India.\nSecond line.',
    starts_at: atOffset(start, 345).replace(/\.000/, ''), // 2031-03-01T10:15:00+05:45
    ends_at: atOffset(start + 2 * 3600 * 1000 + 250, 330), // India time, with milliseconds
    place: 'Demo hall 2, Kathmandu (fictional)',
    online_url: 'https://meet.example.org/forum-fictional',
    agenda: ['Opening', 'Repatriation cases (fictional)', 'Any other business'],
    participants: [org.pune],
  };
  assert.equal(body.starts_at, '2031-03-01T10:15:00+05:45');
  const m = await convene('org_admin', body);
  assert.deepEqual({
    title: m.title, description: m.description, starts_at: m.starts_at, ends_at: m.ends_at, place: m.place,
    online_url: m.online_url, agenda: m.agenda, participants: m.participants, owner_org: m.owner_org,
    owner_country: m.owner_country, level: m.level, group_id: m.group_id, tlp: m.tlp, status: m.status,
    minutes: m.minutes, decisions: m.decisions, version: m.version,
  }, {
    title: body.title, description: body.description, starts_at: '2031-03-01T04:30:00.000Z', ends_at: '2031-03-01T06:30:00.250Z',
    place: body.place, online_url: body.online_url, agenda: body.agenda, participants: [org.ktm, org.pune], owner_org: org.ktm,
    owner_country: 'NP', level: 'org', group_id: null, tlp: 'AMBER', status: 'planned', minutes: '', decisions: [], version: 1,
  });
  forum = m;
  assert.deepEqual(await read('org_admin', m.id), m, 'GET answers what POST did');
  assert.deepEqual(await read('investigator', m.id), m, 'the same for another Kathmandu user');
});

test('POST /api/v1/meetings with title and starts_at alone: empty texts, no end, no link, no agenda, the owner the one participant; times written any RFC 3339 way come back in UTC', async () => {
  const m = await convene('investigator', { title: 'Case review (fictional)', starts_at: '2031-04-02T23:30:00-02:30' });
  assert.deepEqual(
    [m.starts_at, m.ends_at, m.description, m.place, m.online_url, m.minutes, m.agenda, m.participants, m.level, m.tlp, m.status],
    ['2031-04-03T02:00:00.000Z', null, '', '', null, '', [], [org.ktm], 'org', 'AMBER', 'planned']);
  for (const [given, stored] of [
    ['2031-05-01t08:00:00.123456789z', '2031-05-01T08:00:00.123Z'],
    ['2031-05-01T08:00:00.5Z', '2031-05-01T08:00:00.500Z'],
    ['2031-12-31T23:30:00-01:00', '2032-01-01T00:30:00.000Z'],
    ['2032-02-29T00:15:00+00:30', '2032-02-28T23:45:00.000Z'],
  ]) {
    const x = await convene('investigator', { title: `Time check ${given} (fictional)`, starts_at: given });
    assert.equal(x.starts_at, stored, `starts_at ${given}`);
  }
  // Text is trimmed and NFC-normalised; length counts characters, not bytes.
  const t = await convene('investigator', { title: '  Re\u0301union de coordination (fictional)  ', starts_at: '2031-06-01T09:00:00Z' });
  assert.equal(t.title, 'R\u00e9union de coordination (fictional)');
  const long = await convene('investigator', { title: '\u0928'.repeat(300), starts_at: '2031-06-02T09:00:00Z' });
  assert.equal(long.title, '\u0928'.repeat(300), 'a title of 300 Devanagari characters (900 bytes)');
});

test('GET /api/v1/meetings lists a meeting without agenda, decisions and minutes; the rest as GET by id shows it', async () => {
  const page = ok(await call('GET', '/api/v1/meetings?limit=500', { session: sessions.org_admin }), 200, 'GET /api/v1/meetings');
  const item = page.items.find((m) => m.id === forum.id);
  assert.ok(item, `the forum in ${JSON.stringify(page.items.map((m) => m.id))}`);
  assertListed(item, 'the forum in the list');
  const { agenda, decisions, minutes, ...rest } = forum;
  assert.deepEqual(item, rest);
});

// ---- 2. validation ---------------------------------------------------------------

const soon = () => utc(Date.now() + 30 * DAY);
const valid = (extra = {}) => ({ title: 'Validation meeting (fictional)', starts_at: soon(), ...extra });

test('POST /api/v1/meetings with wrong fields: 422 naming each one; nothing is made', async () => {
  const before = made.length;
  const listBefore = await walk('org_admin', '', 500);
  const cases = [
    ['nothing', {}, ['title', 'starts_at']],
    ['no title', { starts_at: soon() }, ['title']],
    ['an empty title', valid({ title: '' }), ['title']],
    ['a blank title', valid({ title: ' \t ' }), ['title']],
    ['a title of 301 characters', valid({ title: 't'.repeat(301) }), ['title']],
    ['a title of 301 Devanagari characters', valid({ title: '\u0928'.repeat(301) }), ['title']],
    ['a control character in the title', valid({ title: 'Bell\u0007 meeting' }), ['title']],
    ['a line break in the title', valid({ title: 'Two\nlines' }), ['title']],
    ['a right-to-left override in the title', valid({ title: 'Meeting \u202Egnitsil (fictional)' }), ['title']],
    ['a title that is a number', valid({ title: 7 }), ['title']],
    ['no starts_at', { title: 'No start (fictional)' }, ['starts_at']],
    ['a day that does not exist', valid({ starts_at: '2031-02-30T10:00:00Z' }), ['starts_at']],
    ['no offset', valid({ starts_at: '2031-03-01T10:00:00' }), ['starts_at']],
    ['a space for the T', valid({ starts_at: '2031-03-01 10:00:00Z' }), ['starts_at']],
    ['a date alone', valid({ starts_at: '2031-03-01' }), ['starts_at']],
    ['hour 24', valid({ starts_at: '2031-03-01T24:00:00Z' }), ['starts_at']],
    ['an offset without a colon', valid({ starts_at: '2031-03-01T10:00:00+0545' }), ['starts_at']],
    ['a word', valid({ starts_at: 'tomorrow' }), ['starts_at']],
    ['a number', valid({ starts_at: 1930000000000 }), ['starts_at']],
    ['a bad ends_at', valid({ ends_at: '2031-13-01T10:00:00Z' }), ['ends_at']],
    ['ends_at before starts_at', valid({ starts_at: '2031-03-01T10:00:00Z', ends_at: '2031-03-01T09:59:59.999Z' }), ['ends_at']],
    ['ends_at before starts_at once both are in UTC', valid({ starts_at: '2031-03-01T10:00:00+05:45', ends_at: '2031-03-01T04:00:00Z' }), ['ends_at']],
    ['an http link', valid({ online_url: 'http://meet.example.org/x' }), ['online_url']],
    ['a javascript: link', valid({ online_url: 'javascript:alert(1)' }), ['online_url']],
    ['a link without a scheme', valid({ online_url: 'meet.example.org/x' }), ['online_url']],
    ['an agenda that is a string', valid({ agenda: 'Opening' }), ['agenda']],
    ['an agenda of numbers', valid({ agenda: [1, 2] }), ['agenda']],
    ['an agenda with a number', valid({ agenda: ['Opening', 3] }), ['agenda']],
    ['an agenda with an empty item', valid({ agenda: ['Opening', ''] }), ['agenda']],
    ['an agenda that is an object', valid({ agenda: { 1: 'Opening' } }), ['agenda']],
    ['an agenda of 101 items', valid({ agenda: Array.from({ length: 101 }, (_, i) => `Item ${i + 1}`) }), ['agenda']],
    ['an agenda item of 501 characters', valid({ agenda: ['a'.repeat(501)] }), ['agenda']],
    ['an unknown participant', valid({ participants: [unknownOrg] }), ['participants']],
    ['a participant that is not an id', valid({ participants: ['Pune shelter'] }), ['participants']],
    ['a participant listed twice', valid({ participants: [org.pune, org.colombo, org.pune] }), ['participants']],
    ['a participant listed twice in another case', valid({ participants: [org.pune, org.pune.toUpperCase()] }), ['participants']],
    ['participants as a string', valid({ participants: org.pune }), ['participants']],
    ['a participant that is a number', valid({ participants: [5] }), ['participants']],
    ['an unknown field', valid({ colour: 'blue' }), ['colour']],
    ['a version on creation', valid({ version: 1 }), ['version']],
    ['decisions on creation', valid({ decisions: ['Agreed (fictional)'] }), ['decisions']],
    ['an unknown status', valid({ status: 'postponed' }), ['status']],
    ['an unknown level', valid({ level: 'everyone' }), ['level']],
    ['a level in capitals', valid({ level: 'Org' }), ['level']],
    ['an unknown TLP', valid({ tlp: 'BLUE' }), ['tlp']],
    ['a TLP in lower case', valid({ tlp: 'amber' }), ['tlp']],
    ['level platform under TLP RED', valid({ level: 'platform', tlp: 'RED' }), ['level']],
    ['level country under TLP AMBER+STRICT', valid({ level: 'country', tlp: 'AMBER+STRICT' }), ['level']],
    ['level group under TLP RED', valid({ level: 'group', group_id: 'GROUP', tlp: 'RED' }), ['level']],
    ['level public (not for meetings), even under TLP CLEAR', valid({ level: 'public', tlp: 'CLEAR' }), ['level']],
    ['level public', valid({ level: 'public' }), ['level']],
    ['a group_id with level org', valid({ group_id: 'GROUP' }), ['group_id']],
    ['a group_id with level country', valid({ level: 'country', group_id: 'GROUP' }), ['group_id']],
    ['a group_id with level platform', valid({ level: 'platform', tlp: 'GREEN', group_id: 'GROUP' }), ['group_id']],
    ['level group without a group_id', valid({ level: 'group' }), ['group_id']],
    ['level group with an unknown group', valid({ level: 'group', group_id: unknownOrg }), ['group_id']],
    ['level group with a malformed group_id', valid({ level: 'group', group_id: 'corridor' }), ['group_id']],
    ['title, starts_at and online_url wrong', { title: '', starts_at: 'soon', online_url: 'ftp://x' }, ['title', 'starts_at', 'online_url']],
    ['agenda and participants wrong', valid({ agenda: 'x', participants: 'y' }), ['agenda', 'participants']],
  ];
  for (const [what, body, fields] of cases) {
    for (const k of Object.keys(body)) if (body[k] === 'GROUP') body[k] = group.id;
    invalid(await call('POST', '/api/v1/meetings', { session: sessions.org_admin, body }), fields, `POST /api/v1/meetings: ${what}`);
  }
  // A group the creator's organisation is not in: Pune is not in Kathmandu's group.
  invalid(await call('POST', '/api/v1/meetings', { session: sessions.case_worker, body: valid({ level: 'group', group_id: group.id }) }),
    ['group_id'], 'POST /api/v1/meetings with level group and a group Pune is not in, as the Pune case worker');
  assert.equal(made.length, before);
  assert.deepEqual(await walk('org_admin', '', 500), listBefore, 'nothing was added');
});

test('POST /api/v1/meetings with an unknown field and wrong values together: 422 naming every wrong field', async () => {
  invalid(await call('POST', '/api/v1/meetings', { session: sessions.org_admin, body: { title: '', starts_at: 'soon', colour: 'blue' } }),
    ['title', 'starts_at', 'colour'], 'POST /api/v1/meetings {title: "", starts_at: "soon", colour}');
});

test('a level wider than the TLP allows is refused with a message that states the rule applied', async () => {
  // AMBER reaches the owner's country at most (access_tlp_max): platform is refused.
  const p = invalid(await call('POST', '/api/v1/meetings', { session: sessions.org_admin, body: valid({ level: 'platform', tlp: 'AMBER' }) }),
    ['level'], 'POST /api/v1/meetings with level platform under TLP AMBER');
  const message = p.errors[0].message;
  assert.ok(!/AMBER: up to platform/.test(message), `the refusal of platform under AMBER must not say AMBER allows platform: ${message}`);
});

test('POST /api/v1/meetings: a description of 19000 characters is taken, one of 20001 is 422; a text/plain body is 415', async () => {
  const m = await convene('org_admin', valid({ title: 'Long description (fictional)', description: 'd'.repeat(19000) }));
  assert.equal(m.description.length, 19000);
  invalid(await call('POST', '/api/v1/meetings', { session: sessions.org_admin, body: valid({ description: 'd'.repeat(20001) }) }),
    ['description'], 'a description of 20001 characters');
  problem(await call('POST', '/api/v1/meetings', { session: sessions.org_admin, body: JSON.stringify(valid()), type: 'text/plain' }), 415,
    'POST /api/v1/meetings as text/plain');
});

// ---- 3. sharing -------------------------------------------------------------------

const everyone = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer', 'ktm_viewer', 'ktm_analyst'];

/** Asserts exactly the users in sees read the meeting (GET 200, in the list); the others 404 and not listed. */
async function assertSeenBy(m, sees, what) {
  for (const who of everyone) {
    const res = await call('GET', `/api/v1/meetings/${m.id}`, { session: sessions[who] });
    if (sees.includes(who)) {
      assert.deepEqual(ok(res, 200, `${what}: GET as ${who}`), await read('org_admin', m.id), `${what}: as ${who}, the meeting`);
      assert.ok(await listed(who, m.id), `${what}: in ${who}'s list`);
    } else {
      const p = problem(res, 404, `${what}: GET as ${who}`);
      assert.equal(p.detail, 'There is nothing here.', `${what}: as ${who}, the detail of any 404`);
      assert.ok(!(await listed(who, m.id)), `${what}: not in ${who}'s list`);
    }
  }
}

const ktmUsers = ['org_admin', 'investigator', 'ktm_viewer', 'ktm_analyst'];
const shared = {}; // level -> a Kathmandu meeting shared that way

test('an org-level meeting is seen by its organisation alone: other organisations, the platform admin included, get 404 and do not list it', async () => {
  shared.org = await convene('org_admin', valid({ title: 'Kathmandu internal meeting (fictional)' }));
  await assertSeenBy(shared.org, ktmUsers, 'an org-level meeting without participants');
});

test('participants hold need-to-know grants: a participating organisation sees an org-level meeting, the others do not', async () => {
  shared.participants = await convene('org_admin', valid({ title: 'Kathmandu and Colombo (fictional)', participants: [org.colombo] }));
  assert.deepEqual(shared.participants.participants, [org.ktm, org.colombo]);
  await assertSeenBy(shared.participants, [...ktmUsers, 'analyst'], 'an org-level meeting with Colombo taking part');
  // The forum of test 1 has Pune taking part.
  await assertSeenBy(forum, [...ktmUsers, 'case_worker'], 'the forum with Pune taking part');
  // Naming the owner among the participants changes nothing.
  const self = await convene('investigator', valid({ title: 'Self-listed (fictional)', participants: [org.ktm, org.border] }));
  assert.deepEqual(self.participants, [org.ktm, org.border]);
});

test('a group-level meeting is seen by the organisations in the group', async () => {
  shared.group = await convene('org_admin', valid({ title: 'Corridor group meeting (fictional)', level: 'group', group_id: group.id }));
  assert.deepEqual([shared.group.level, shared.group.group_id, shared.group.tlp], ['group', group.id, 'AMBER']);
  await assertSeenBy(shared.group, [...ktmUsers, 'analyst'], 'a group-level meeting (Kathmandu and Colombo)');
});

test('a country-level meeting is seen by the organisations of the owner\'s country alone (Kathmandu and the Secretariat in Nepal)', async () => {
  shared.country = await convene('org_admin', valid({ title: 'Nepal country meeting (fictional)', level: 'country' }));
  assert.deepEqual([shared.country.level, shared.country.tlp, shared.country.owner_country], ['country', 'AMBER', 'NP']);
  await assertSeenBy(shared.country, [...ktmUsers, 'platform_admin'], 'a country-level meeting of Nepal');
});

test('a platform-level meeting is seen by every member', async () => {
  shared.platform = await convene('org_admin', valid({ title: 'Regional platform forum (fictional)', level: 'platform', tlp: 'GREEN' }));
  assert.deepEqual([shared.platform.level, shared.platform.tlp], ['platform', 'GREEN']);
  await assertSeenBy(shared.platform, everyone, 'a platform-level meeting');
});

test('anonymous clients get 401 for the list, every meeting (platform-level too), creating, changing and deciding', async () => {
  problem(await call('GET', '/api/v1/meetings'), 401, 'GET /api/v1/meetings anonymous');
  problem(await call('GET', '/api/v1/meetings?when=upcoming'), 401, 'GET /api/v1/meetings?when=upcoming anonymous');
  for (const m of [shared.org, shared.platform])
    problem(await call('GET', `/api/v1/meetings/${m.id}`), 401, `GET a ${m.level}-level meeting anonymous`);
  problem(await call('GET', `/api/v1/meetings/${unknownOrg}`), 401, 'GET an unknown meeting anonymous');
  problem(await call('POST', '/api/v1/meetings', { body: valid() }), 401, 'POST /api/v1/meetings anonymous');
  problem(await call('PATCH', `/api/v1/meetings/${shared.platform.id}`, { body: { title: 'Taken over', version: 1 } }), 401, 'PATCH anonymous');
  problem(await call('POST', `/api/v1/meetings/${shared.platform.id}/decisions`, { body: { text: 'Anonymous decision' } }), 401,
    'POST a decision anonymous');
  problem(await call('GET', '/api/v1/meetings', { cookie: crypto.randomBytes(32).toString('base64url') }), 401,
    'GET /api/v1/meetings with a made-up session cookie');
  assert.equal((await read('org_admin', shared.platform.id)).version, 1, 'unchanged');
});

test('GET /api/v1/meetings/{id}: an unknown or malformed id is 404 with the detail of a hidden meeting', async () => {
  for (const id of [unknownOrg, 'not-an-id', '12345', `${forum.id}0`, forum.id.replace(/-/g, '')])
    assert.equal(problem(await call('GET', `/api/v1/meetings/${id}`, { session: sessions.org_admin }), 404, `GET /api/v1/meetings/${id}`).detail,
      'There is nothing here.');
  assert.deepEqual(ok(await call('GET', `/api/v1/meetings/${forum.id.toUpperCase()}`, { session: sessions.org_admin }), 200,
    'GET by the id in upper case').id, forum.id);
});

// ---- 4. who may write --------------------------------------------------------------

test('POST /api/v1/meetings: 403 for viewers, analysts and the platform admin (not writers), with or without a good body; 201 for the owner\'s writers', async () => {
  const before = made.length;
  for (const who of ['viewer', 'analyst', 'ktm_viewer', 'ktm_analyst', 'platform_admin']) {
    forbidden(await call('POST', '/api/v1/meetings', { session: sessions[who], body: valid() }), `POST /api/v1/meetings as ${who}`);
    forbidden(await call('POST', '/api/v1/meetings', { session: sessions[who], body: {} }), `POST /api/v1/meetings {} as ${who}`);
  }
  const noCsrf = problem(await call('POST', '/api/v1/meetings', { session: sessions.org_admin, csrf: null, body: valid() }), 403,
    'POST /api/v1/meetings without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/);
  assert.equal(made.length, before);
  // The three writer roles: org_admin (above), investigator (above) and case_worker (Pune).
  const pune = await convene('case_worker', valid({ title: 'Pune shelter review (fictional)', participants: [org.ktm] }));
  assert.deepEqual([pune.owner_org, pune.owner_country, pune.participants], [org.pune, 'IN', [org.pune, org.ktm]]);
  shared.pune = pune;
});

test('PATCH /api/v1/meetings/{id}: the owner\'s viewer and analyst 403; another organisation 404 on a meeting it cannot see and 403 on one it sees; participants do not write', async () => {
  const body = { title: 'Renamed (fictional)', version: 1 };
  for (const m of [shared.org, shared.platform])
    for (const who of ['ktm_viewer', 'ktm_analyst'])
      forbidden(await call('PATCH', `/api/v1/meetings/${m.id}`, { session: sessions[who], body }), `PATCH a ${m.level}-level meeting as ${who}`);
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin']) {
    problem(await call('PATCH', `/api/v1/meetings/${shared.org.id}`, { session: sessions[who], body }), 404, `PATCH an org-level meeting as ${who}`);
    forbidden(await call('PATCH', `/api/v1/meetings/${shared.platform.id}`, { session: sessions[who], body }), `PATCH a platform-level meeting as ${who}`);
  }
  // Pune takes part in the forum and Colombo in shared.participants: they see, they do not change.
  forbidden(await call('PATCH', `/api/v1/meetings/${forum.id}`, { session: sessions.case_worker, body }), 'PATCH the forum as Pune (a participant)');
  forbidden(await call('PATCH', `/api/v1/meetings/${shared.participants.id}`, { session: sessions.analyst, body }), 'PATCH as Colombo (a participant)');
  // Kathmandu takes part in Pune's meeting: no writing there either.
  for (const who of ['org_admin', 'investigator'])
    forbidden(await call('PATCH', `/api/v1/meetings/${shared.pune.id}`, { session: sessions[who], body }), `PATCH Pune's meeting as ${who}`);
  // Refused before the body: a wrong body changes nothing in the answer.
  forbidden(await call('PATCH', `/api/v1/meetings/${shared.platform.id}`, { session: sessions.ktm_viewer, body: { colour: 1 } }),
    'PATCH with a wrong body as ktm_viewer');
  for (const m of [shared.org, shared.platform, forum, shared.participants])
    assert.equal((await read('org_admin', m.id)).version, 1, `${m.title}: unchanged`);
  assert.equal((await read('case_worker', shared.pune.id)).version, 1, 'Pune\'s meeting unchanged');

  // Any writer of the owner: the investigator changes the org admin's meeting, the case worker Pune's.
  let res = await call('PATCH', `/api/v1/meetings/${shared.org.id}`, { session: sessions.investigator, body: { place: 'Room 4 (fictional)', version: 1 } });
  assert.equal(ok(res, 200, 'PATCH as the investigator').place, 'Room 4 (fictional)');
  expectAudit('investigator', 'meeting.update', res, shared.org.id);
  res = await call('PATCH', `/api/v1/meetings/${shared.pune.id}`, { session: sessions.case_worker, body: { status: 'held', version: 1 } });
  assert.equal(ok(res, 200, 'PATCH Pune\'s meeting as the case worker').status, 'held');
  expectAudit('case_worker', 'meeting.update', res, shared.pune.id);
  problem(await call('PATCH', `/api/v1/meetings/${shared.pune.id}`, { session: sessions.case_worker, csrf: null, body: { status: 'held', version: 2 } }),
    403, 'PATCH without X-CSRF-Token');
});

// ---- 5. changes and their version -------------------------------------------------

test('PATCH with the version: 200 and version + 1, the rest kept; a stale version 409 changes nothing; no version 422', async () => {
  const m = await convene('org_admin', valid({
    title: 'Versioned meeting (fictional)', ends_at: utc(Date.now() + 31 * DAY), agenda: ['One', 'Two'], participants: [org.pune],
    place: 'Hall (fictional)', online_url: 'https://meet.example.org/v',
  }));
  const path = `/api/v1/meetings/${m.id}`;
  let res = await call('PATCH', path, { session: sessions.org_admin, body: { title: 'Versioned meeting, renamed (fictional)', version: 1 } });
  const v2 = ok(res, 200, 'PATCH {title, version: 1}');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assertMeeting(v2, 'the changed meeting');
  assert.equal(v2.version, 2);
  assert.ok(Date.parse(v2.updated_at) >= Date.parse(m.updated_at), 'updated_at moves on');
  assert.deepEqual({ ...v2, title: m.title, version: 1, updated_at: m.updated_at }, m, 'only title, version and updated_at changed');
  assert.deepEqual(await read('org_admin', m.id), v2, 'GET answers what PATCH did');

  for (const version of [1, 0, 3, 99, -1]) {
    const p = problem(await call('PATCH', path, { session: sessions.org_admin, body: { title: 'Stale (fictional)', version } }), 409, `PATCH version ${version}`);
    assert.ok(!p.errors, `409 has no field list: ${JSON.stringify(p)}`);
  }
  for (const [what, body, fields] of [
    ['no version', { title: 'No version (fictional)' }, ['version']],
    ['an empty body', {}, ['version']],
    ['version a string', { title: 'x', version: '2' }, ['version']],
    ['version a fraction', { title: 'x', version: 2.5 }, ['version']],
    ['version null', { title: 'x', version: null }, ['version']],
    ['an unknown field', { version: 2, colour: 'blue' }, ['colour']],
    ['an empty title', { title: '', version: 2 }, ['title']],
    ['an unknown status', { status: 'done', version: 2 }, ['status']],
    ['an http link', { online_url: 'http://x.example.org', version: 2 }, ['online_url']],
    ['ends_at before the stored starts_at', { ends_at: utc(Date.parse(m.starts_at) - 1), version: 2 }, ['ends_at']],
    ['starts_at after the stored ends_at', { starts_at: utc(Date.parse(m.ends_at) + 1), version: 2 }, ['ends_at']],
    ['a bad starts_at', { starts_at: 'next week', version: 2 }, ['starts_at']],
    ['an agenda with a number', { agenda: [1], version: 2 }, ['agenda']],
    ['a participant listed twice', { participants: [org.colombo, org.colombo], version: 2 }, ['participants']],
    ['an unknown participant', { participants: [unknownOrg], version: 2 }, ['participants']],
  ]) {
    invalid(await call('PATCH', path, { session: sessions.org_admin, body }), fields, `PATCH ${what}`);
  }
  assert.deepEqual(await read('org_admin', m.id), v2, 'none of the refused changes took effect');

  // The version is checked before the fields: a stale version with a wrong field is 409.
  problem(await call('PATCH', path, { session: sessions.org_admin, body: { title: '', version: 1 } }), 409, 'a stale version and an empty title');
  for (const id of [unknownOrg, 'not-an-id'])
    problem(await call('PATCH', `/api/v1/meetings/${id}`, { session: sessions.org_admin, body: { title: 'x', version: 1 } }), 404, `PATCH ${id}`);
  problem(await call('PATCH', path, { session: sessions.org_admin, body: JSON.stringify({ title: 'x', version: 2 }), type: 'text/plain' }), 415,
    'PATCH as text/plain');
  assert.deepEqual(await read('org_admin', m.id), v2, 'still unchanged');

  // Status, minutes; ends_at "" removes the end.
  res = await call('PATCH', path, { session: sessions.org_admin, body: { status: 'held', minutes: 'Agreed to meet again.\r\nClosed at noon.', ends_at: '', version: 2 } });
  const v3 = ok(res, 200, 'PATCH status, minutes, ends_at ""');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual([v3.status, v3.minutes, v3.ends_at, v3.version], ['held', 'Agreed to meet again.\nClosed at noon.', null, 3]);
  assert.deepEqual([v3.agenda, v3.participants, v3.title, v3.place], [v2.agenda, v2.participants, v2.title, v2.place], 'absent fields are kept');
});

test('PATCH agenda and participants replaces them (the owner stays first); a participant dropped loses sight of the meeting', async () => {
  const m = await convene('org_admin', valid({ title: 'Lists meeting (fictional)', agenda: ['Old one', 'Old two'], participants: [org.pune, org.border] }));
  const path = `/api/v1/meetings/${m.id}`;
  assert.ok(await listed('case_worker', m.id), 'Pune lists it while taking part');
  let res = await call('PATCH', path, { session: sessions.org_admin, body: { agenda: ['New item (fictional)'], participants: [org.colombo], version: 1 } });
  let x = ok(res, 200, 'PATCH agenda and participants');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual([x.agenda, x.participants, x.version], [['New item (fictional)'], [org.ktm, org.colombo], 2]);
  assert.deepEqual(await read('org_admin', m.id), x);
  await assertSeenBy(x, [...ktmUsers, 'analyst'], 'after Colombo replaced Pune and Border Force');

  res = await call('PATCH', path, { session: sessions.org_admin, body: { agenda: [], participants: [], version: 2 } });
  x = ok(res, 200, 'PATCH with empty lists');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual([x.agenda, x.participants, x.version], [[], [org.ktm], 3]);
  assert.deepEqual(await read('org_admin', m.id), x);
  problem(await call('GET', path, { session: sessions.analyst }), 404, 'Colombo, no longer taking part');

  res = await call('PATCH', path, { session: sessions.org_admin, body: { participants: [org.ktm, org.pune], version: 3 } });
  x = ok(res, 200, 'PATCH naming the owner among the participants');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual(x.participants, [org.ktm, org.pune]);
  assert.deepEqual(x.agenda, [], 'the agenda, absent, is kept');
});

test('PATCH level, group_id and tlp: checked as on creation; a wider level shows the meeting to more organisations, a narrower one hides it again', async () => {
  const m = await convene('org_admin', valid({ title: 'Sharing changes (fictional)' }));
  const path = `/api/v1/meetings/${m.id}`;
  for (const [what, body, fields] of [
    ['level platform under the stored AMBER', { level: 'platform' }, ['level']],
    ['level public', { level: 'public', tlp: 'CLEAR' }, ['level']],
    ['an unknown level', { level: 'world' }, ['level']],
    ['an unknown tlp', { tlp: 'PURPLE' }, ['tlp']],
    ['a group_id with level org', { group_id: group.id }, ['group_id']],
    ['level group without a group', { level: 'group' }, ['group_id']],
    ['level group with an unknown group', { level: 'group', group_id: unknownOrg }, ['group_id']],
  ]) {
    invalid(await call('PATCH', path, { session: sessions.org_admin, body: { ...body, version: 1 } }), fields, `PATCH ${what}`);
  }
  assert.equal((await read('org_admin', m.id)).version, 1, 'nothing changed');

  let res = await call('PATCH', path, { session: sessions.org_admin, body: { level: 'platform', tlp: 'GREEN', version: 1 } });
  let x = ok(res, 200, 'PATCH level platform, TLP GREEN');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual([x.level, x.tlp, x.group_id, x.version], ['platform', 'GREEN', null, 2]);
  assert.equal((await read('viewer', m.id)).id, m.id, 'Border Force sees it now');

  invalid(await call('PATCH', path, { session: sessions.org_admin, body: { tlp: 'RED', version: 2 } }), ['level'],
    'PATCH TLP RED on a platform-level meeting');
  invalid(await call('PATCH', path, { session: sessions.org_admin, body: { group_id: group.id, version: 2 } }), ['group_id'],
    'PATCH a group_id on a platform-level meeting');
  // Another organisation that sees it may not share it further either.
  forbidden(await call('PATCH', path, { session: sessions.case_worker, body: { level: 'org', version: 2 } }), 'PATCH level as Pune');

  res = await call('PATCH', path, { session: sessions.org_admin, body: { level: 'group', group_id: group.id, version: 2 } });
  x = ok(res, 200, 'PATCH level group');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual([x.level, x.group_id, x.tlp, x.version], ['group', group.id, 'GREEN', 3]);
  problem(await call('GET', path, { session: sessions.viewer }), 404, 'Border Force, outside the group');
  assert.equal((await read('analyst', m.id)).id, m.id, 'Colombo, in the group');

  res = await call('PATCH', path, { session: sessions.org_admin, body: { level: 'org', tlp: 'RED', version: 3 } });
  x = ok(res, 200, 'PATCH level org, TLP RED');
  expectAudit('org_admin', 'meeting.update', res, m.id);
  assert.deepEqual([x.level, x.group_id, x.tlp, x.version], ['org', null, 'RED', 4]);
  await assertSeenBy(x, ktmUsers, 'back at level org');
});

// ---- 6. decisions ----------------------------------------------------------------

test('POST /api/v1/meetings/{id}/decisions numbers them 1, 2, 3; GET shows them in order; empty text 422', async () => {
  const path = `/api/v1/meetings/${forum.id}/decisions`;
  const texts = ['Set up a joint helpline roster (fictional).', 'Meet again in June.\r\nInvite the Colombo collective.', '  Share the repatriation checklist.  '];
  const stored = ['Set up a joint helpline roster (fictional).', 'Meet again in June.\nInvite the Colombo collective.', 'Share the repatriation checklist.'];
  const got = [];
  for (const [i, text] of texts.entries()) {
    const who = i === 1 ? 'investigator' : 'org_admin';
    const res = await call('POST', path, { session: sessions[who], body: { text } });
    const d = ok(res, 201, `POST decision ${i + 1} as ${who}`);
    expectAudit(who, 'meeting.decide', res, forum.id);
    assert.deepEqual(Object.keys(d).sort(), ['created_at', 'id', 'meeting_id', 'number', 'text'], JSON.stringify(d));
    assert.match(d.id, uuid);
    assert.match(d.created_at, utcMs);
    assert.deepEqual([d.meeting_id, d.number, d.text], [forum.id, i + 1, stored[i]]);
    got.push(d);
  }
  assert.equal(new Set(got.map((d) => d.id)).size, 3, 'three ids');

  for (const [what, body, fields] of [
    ['empty text', { text: '' }, ['text']],
    ['blank text', { text: ' \n\t ' }, ['text']],
    ['no text', {}, ['text']],
    ['text a number', { text: 5 }, ['text']],
    ['text null', { text: null }, ['text']],
    ['text of 20001 characters', { text: 'x'.repeat(20001) }, ['text']],
    ['a control character', { text: 'Agreed\u0007' }, ['text']],
    ['an unknown field', { text: 'Agreed', number: 9 }, ['number']],
  ]) {
    invalid(await call('POST', path, { session: sessions.org_admin, body }), fields, `POST a decision with ${what}`);
  }
  const m = await read('case_worker', forum.id); // Pune takes part: it reads the decisions
  assert.deepEqual(m.decisions, got.map(({ meeting_id, ...d }) => d), 'the decisions in order');
});

test('decisions: only the owner\'s writers add them; viewers and analysts 403, participants 403, others 404 or 403, anonymous 401', async () => {
  const before = (await read('org_admin', forum.id)).decisions;
  const body = { text: 'Not allowed (fictional)' };
  for (const who of ['ktm_viewer', 'ktm_analyst', 'case_worker'])
    forbidden(await call('POST', `/api/v1/meetings/${forum.id}/decisions`, { session: sessions[who], body }), `POST a decision on the forum as ${who}`);
  for (const who of ['analyst', 'viewer', 'platform_admin'])
    problem(await call('POST', `/api/v1/meetings/${forum.id}/decisions`, { session: sessions[who], body }), 404, `POST a decision on the forum as ${who}`);
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin', 'ktm_viewer'])
    forbidden(await call('POST', `/api/v1/meetings/${shared.platform.id}/decisions`, { session: sessions[who], body }),
      `POST a decision on a platform-level meeting as ${who}`);
  problem(await call('POST', `/api/v1/meetings/${unknownOrg}/decisions`, { session: sessions.org_admin, body }), 404, 'POST a decision on an unknown meeting');
  problem(await call('POST', `/api/v1/meetings/${forum.id}/decisions`, { session: sessions.org_admin, csrf: null, body }), 403, 'without X-CSRF-Token');
  assert.deepEqual((await read('org_admin', forum.id)).decisions, before, 'no decision was added');
  assert.deepEqual((await read('org_admin', shared.platform.id)).decisions, []);
  // Pune's case worker decides on Pune's meeting; numbering is per meeting.
  const res = await call('POST', `/api/v1/meetings/${shared.pune.id}/decisions`, { session: sessions.case_worker, body: { text: 'Pune decision (fictional)' } });
  assert.equal(ok(res, 201, 'POST a decision on Pune\'s meeting as its case worker').number, 1);
  expectAudit('case_worker', 'meeting.decide', res, shared.pune.id);
});

test('decisions sent at the same time are all taken (201), numbered 1 to n, none twice', async () => {
  const n = 16;
  const by = (i) => (i % 2 ? 'investigator' : 'org_admin');
  // Three meetings, n decisions sent at once to each.
  for (let round = 1; round <= 3; round++) {
    const m = await convene('org_admin', valid({ title: `Busy meeting ${round} (fictional)` }));
    const results = await Promise.all(Array.from({ length: n }, (_, i) =>
      call('POST', `/api/v1/meetings/${m.id}/decisions`, { session: sessions[by(i)], body: { text: `Decision ${i + 1} (fictional)` } })));
    // Every decision taken is audited, whatever happens to the others.
    results.forEach((res, i) => { if (res.status === 201) expectAudit(by(i), 'meeting.decide', res, m.id); });
    results.forEach((res, i) => ok(res, 201, `meeting ${round}: decision ${i + 1} of ${n} sent at once`));
    const numbers = Array.from({ length: n }, (_, i) => i + 1);
    assert.deepEqual(results.map((r) => r.json.number).sort((a, b) => a - b), numbers, `meeting ${round}: numbers 1 to n`);
    const stored = (await read('org_admin', m.id)).decisions;
    assert.deepEqual(stored.map((d) => d.number), numbers, `meeting ${round}: stored in order`);
    assert.deepEqual(stored.map((d) => d.text).sort(), results.map((r) => r.json.text).sort(), `meeting ${round}: the texts`);
  }
});

test('PATCHes sent at the same time with the same version: one 200, the rest 409', async () => {
  const m = await convene('org_admin', valid({ title: 'Contested meeting (fictional)' }));
  const patches = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    call('PATCH', `/api/v1/meetings/${m.id}`, { session: sessions.org_admin, body: { title: `Contested meeting, take ${i + 1} (fictional)`, version: 1 } })));
  const won = patches.filter((r) => r.status === 200);
  for (const r of won) expectAudit('org_admin', 'meeting.update', r, m.id);
  assert.equal(won.length, 1, `one PATCH wins: ${patches.map((r) => r.status)}`);
  for (const r of patches.filter((x) => x.status !== 200)) problem(r, 409, 'a PATCH that lost');
  const now = await read('org_admin', m.id);
  assert.deepEqual([now.title, now.version], [won[0].json.title, 2]);
});

// ---- 7. the list ---------------------------------------------------------------------

/** Orders meetings newest start first (then id), as the list does. */
const newestFirst = (a, b) => (a.starts_at === b.starts_at ? (a.id < b.id ? 1 : -1) : (a.starts_at < b.starts_at ? 1 : -1));

test('past and upcoming meetings: when=upcoming lists the future ones soonest first, when=past the others newest first; when=bad 422', async () => {
  const now = Date.now();
  for (const days of [-40, -3, -1, 2, 9, 60]) {
    await convene('investigator', valid({ title: `Timeline ${days} days (fictional)`, starts_at: utc(now + days * DAY) }));
  }
  for (const who of ['org_admin', 'case_worker', 'viewer']) {
    const all = (await readable(who)).map(({ agenda, decisions, minutes, ...rest }) => rest);
    const t = Date.now();
    const future = all.filter((m) => Date.parse(m.starts_at) > t).sort((a, b) => -newestFirst(a, b));
    const past = all.filter((m) => Date.parse(m.starts_at) < t).sort(newestFirst);
    assert.ok(past.length >= 1 || who !== 'org_admin', `${who}: past meetings exist`);
    const up = ok(await call('GET', '/api/v1/meetings?when=upcoming&limit=500', { session: sessions[who] }), 200, `when=upcoming as ${who}`);
    assert.deepEqual(up.items, future, `when=upcoming as ${who}: the future meetings, soonest first`);
    const gone = ok(await call('GET', '/api/v1/meetings?when=past&limit=500', { session: sessions[who] }), 200, `when=past as ${who}`);
    assert.deepEqual(gone.items, past, `when=past as ${who}: the past meetings, newest first`);
    const every = ok(await call('GET', '/api/v1/meetings?limit=500', { session: sessions[who] }), 200, `no when as ${who}`);
    assert.deepEqual(every.items, [...all].sort(newestFirst), `the whole list as ${who}: newest start first`);
  }
  for (const when of ['bad', '', 'Upcoming', 'future'])
    invalid(await call('GET', `/api/v1/meetings?when=${when}`, { session: sessions.org_admin }), ['when'], `GET /api/v1/meetings?when=${when}`);
});

test('limit=2 and next_cursor walk every visible meeting exactly once, for every user, in list order; the list agrees with GET by id', async () => {
  for (const who of everyone) {
    const visible = (await readable(who)).map(({ agenda, decisions, minutes, ...rest }) => rest).sort(newestFirst);
    if (ktmUsers.includes(who))
      assert.ok(visible.length >= 5, `${who} sees at least 5 meetings: ${visible.length}`);
    const two = await walk(who, '', 2);
    const ids = two.items.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, `as ${who}: no meeting twice`);
    assert.deepEqual(two.items, visible, `as ${who}: the pages of 2 together are every meeting ${who} reads by id`);
    const one = await walk(who, '', 1);
    assert.deepEqual(one.items, visible, `as ${who}: pages of 1`);
  }
  const t = Date.now();
  const upcoming = await walk('org_admin', 'when=upcoming', 2);
  const future = (await readable('org_admin')).filter((m) => Date.parse(m.starts_at) > t);
  assert.equal(upcoming.items.length, future.length, 'when=upcoming, page by page: every future meeting');
  assert.equal(new Set(upcoming.items.map((m) => m.id)).size, future.length, 'when=upcoming: none twice');
  const past = await walk('org_admin', 'when=past', 2);
  assert.ok(past.items.every((m) => Date.parse(m.starts_at) < t), 'when=past, page by page: only past meetings');
  assert.equal(past.items.length, (await readable('org_admin')).filter((m) => Date.parse(m.starts_at) < t).length, 'when=past: all of them');
});

test('GET /api/v1/meetings: limit out of range or not a number, a malformed cursor: 422 naming the parameter', async () => {
  for (const limit of ['0', '501', '-1', 'abc', '2.5', ''])
    invalid(await call('GET', `/api/v1/meetings?limit=${limit}`, { session: sessions.org_admin }), ['limit'], `GET /api/v1/meetings?limit=${limit}`);
  ok(await call('GET', '/api/v1/meetings?limit=500', { session: sessions.org_admin }), 200, 'limit=500');
  ok(await call('GET', '/api/v1/meetings?limit=1', { session: sessions.org_admin }), 200, 'limit=1');
  for (const cursor of ['abc', '2031-01-01T00:00:00.000Z', `2031-01-01T00:00:00.000Z~not-an-id`, `yesterday~${forum.id}`, `~${forum.id}`, forum.id])
    invalid(await call('GET', `/api/v1/meetings?cursor=${encodeURIComponent(cursor)}`, { session: sessions.org_admin }), ['cursor'],
      `GET /api/v1/meetings?cursor=${cursor}`);
});

test('GET /api/v1/meetings with limit, when and cursor all wrong: 422 naming all three', async () => {
  invalid(await call('GET', '/api/v1/meetings?limit=0&when=bad&cursor=abc', { session: sessions.org_admin }), ['limit', 'when', 'cursor'],
    'GET /api/v1/meetings?limit=0&when=bad&cursor=abc');
});

test('a meeting in the year 9999 (the last year atip takes) is listed, and as upcoming', async () => {
  const late = await convene('investigator', valid({ title: 'Far-future meeting (fictional)', starts_at: '9999-12-31T10:00:00Z' }));
  assert.equal(late.starts_at, '9999-12-31T10:00:00.000Z');
  assert.equal((await read('investigator', late.id)).id, late.id);
  const up = await walk('investigator', 'when=upcoming', 500);
  assert.equal(up.items.at(-1)?.id, late.id, 'the last of the upcoming meetings');
  const all = await walk('investigator', '', 500);
  assert.equal(all.items[0]?.id, late.id, 'the first of the whole list, newest start first');
});

test('a meeting starting before 1970 keeps its time to the millisecond', async () => {
  const early = await convene('investigator', valid({ title: 'Archive meeting, 1969 (fictional)', starts_at: '1969-12-31T23:59:59.500Z' }));
  assert.equal(early.starts_at, '1969-12-31T23:59:59.500Z');
  const again = await convene('investigator', valid({ title: 'Archive meeting, 1950 (fictional)', starts_at: '1950-06-01T12:00:00.250+05:30' }));
  assert.equal(again.starts_at, '1950-06-01T06:30:00.250Z');
});

// ---- 8. the audit trail ----------------------------------------------------------------

/** The audit entries of a chain (org_id of the platform admin's choice, or the org admin's own). */
async function trail(who, orgId) {
  const q = `/api/v1/audit?limit=500${orgId ? `&org_id=${orgId}` : ''}`;
  const list = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
  assert.equal(list.next_cursor, null, `GET ${q}: one page`);
  return list.items;
}

test('GET /api/v1/audit: a meeting.create, meeting.update or meeting.decide entry for every change, with its request id; none for a refusal', async () => {
  for (const [chain, items] of [['ktm', await trail('org_admin')], ['pune', await trail('platform_admin', org.pune)]]) {
    for (const x of audited[chain]) {
      const e = items.find((i) => i.request_id === x.rid && i.action === x.action);
      assert.ok(e, `${chain}: a ${x.action} entry for request ${x.rid}: ${JSON.stringify(items.map((i) => [i.action, i.request_id]))}`);
      assert.deepEqual([e.record_kind, e.record_id, e.outcome, e.actor_user], ['meeting', x.record, 'ok', x.actor], `${x.action}: ${JSON.stringify(e)}`);
      assert.ok(Date.parse(e.at) >= startedAt - 5000, `${x.action}: at ${e.at} is from this run`);
    }
    const meetingEntries = items.filter((i) => i.action.startsWith('meeting.'));
    assert.deepEqual(meetingEntries.map((i) => `${i.action} ${i.request_id}`).sort(), audited[chain].map((x) => `${x.action} ${x.rid}`).sort(),
      `${chain}: exactly the changes made, nothing for the refused requests`);
    for (const e of meetingEntries) assert.ok(made.includes(e.record_id), `${chain}: ${e.record_id} is a meeting made here`);
  }
  const counts = (chain) => ['meeting.create', 'meeting.update', 'meeting.decide'].map((a) => audited[chain].filter((x) => x.action === a).length);
  for (const n of counts('ktm')) assert.ok(n >= 1, `Kathmandu: every kind of entry: ${counts('ktm')}`);
  assert.deepEqual(counts('pune'), [1, 1, 1], 'Pune: one of each');
});

test('atip stops cleanly on SIGTERM; atip audit verify is ok', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  const { entries } = auditVerify(env);
  assert.ok(entries >= audited.ktm.length + audited.pune.length, `${entries} entries`);
});

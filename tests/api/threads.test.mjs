// Discussions over the API: POST /api/v1/threads and GET
// /api/v1/threads?record_kind=&record_id= on meetings, joint actions and
// good practices, against a real `atip serve` whose data dir was filled by
// `atip demo`:
//
//  1. Commenting: 201 with the comment; the discussion oldest first with the
//     organisation's and the author's names; limit and next_cursor.
//  2. A discussion has its record's visibility exactly: other organisations
//     get 404 for it and hear nothing of it; viewers read but do not post;
//     anonymous clients get 401.
//  3. Mentions: only of organisations and people who may see the record
//     (else 422 and nothing stored or notified); every active user of a
//     mentioned organisation is notified ("mention"), never the author.
//  4. Replies: parent_id on the same record; the parent's author hears of it
//     ("reply") while their organisation still sees the record.
//  5. Validation: unknown record kind or id 404, body empty or over 10000
//     characters 422, wrong parent_id 422.
//  6. The audit trail: a comment.create entry per comment (X-Request-Id);
//     `atip audit verify` after SIGTERM.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  Added here: a Kathmandu viewer and
// analyst, a former Kathmandu analyst (disabled), and a Pune viewer.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, secrets, serve, sql, uuid } from './server.mjs';

const utcMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const commentKeys = ['body', 'created_at', 'id', 'mention_orgs', 'mention_users', 'org_id', 'org_name', 'parent_id', 'user_id', 'user_name'];

let server;
const { call, signInWithCode, signInPlain } = client(() => server);

function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role, not the token: ${p.detail}`);
  return p;
}

// ---- the environment ---------------------------------------------------------

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
const homeOf = {
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
  ktm_viewer: 'ktm', ktm_analyst: 'ktm', pune_viewer: 'pune',
};
const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};
const everyone = Object.keys(homeOf);
const usersOf = (...ks) => everyone.filter((who) => ks.includes(homeOf[who]));

let env;
let data;
const org = {};
let unknownId;
const sessions = {};
let former; // a Kathmandu analyst, disabled
const rec = {}; // the records discussed: { kind, id, sees: [who] }
const audited = []; // { rid, kind, id, actor, chain }

before(async () => {
  env = environment('threads');
  data = demo(env);
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
  const addUser = async (who, by, role) => {
    const account = { email: `${who.replace('_', '.')}.threads@demo.invalid`, password: crypto.randomBytes(18).toString('base64url') };
    secrets.add(account.password);
    const u = ok(await call('POST', '/api/v1/users', {
      session: sessions[by],
      body: { org_id: org[homeOf[who] || 'ktm'], email: account.email, name: `${who} (fictional)`, role, password: account.password },
    }), 201, `POST /api/v1/users (${who}) as ${by}`);
    return { account, user: u };
  };
  for (const [who, by, role] of [['ktm_viewer', 'org_admin', 'viewer'], ['ktm_analyst', 'org_admin', 'analyst'],
    ['pune_viewer', 'platform_admin', 'viewer']]) {
    const { account } = await addUser(who, by, role);
    sessions[who] = await signInPlain(account, `${who} signs in`);
    assert.equal(sessions[who].user.org_id, org[homeOf[who]]);
  }
  former = (await addUser('ktm_former', 'org_admin', 'analyst')).user;
  ok(await call('PATCH', `/api/v1/users/${former.id}`, { session: sessions.org_admin, body: { active: false, version: former.version } }), 200,
    'the org admin disables the former analyst');

  // The records: who sees each.
  const post = async (who, path, body) => ok(await call('POST', path, { session: sessions[who], body }), 201, `POST ${path} as ${who}`);
  rec.meeting = { kind: 'meeting', sees: usersOf('ktm', 'pune'), ...(await post('org_admin', '/api/v1/meetings', {
    title: 'Discussed meeting (fictional)', starts_at: '2031-05-01T04:00:00Z', participants: [org.pune],
  })) };
  rec.platformMeeting = { kind: 'meeting', sees: everyone, ...(await post('org_admin', '/api/v1/meetings', {
    title: 'Regional forum (fictional)', starts_at: '2031-05-02T04:00:00Z', level: 'platform', tlp: 'GREEN',
  })) };
  rec.action = { kind: 'action', sees: usersOf('ktm', 'colombo'), ...(await post('investigator', '/api/v1/actions', {
    title: 'Discussed action (fictional)', theme: 'partnership', countries: ['LK', 'NP'], lead_org: org.colombo,
  })) };
  rec.practice = { kind: 'practice', sees: usersOf('ktm'), ...(await post('org_admin', '/api/v1/practices', {
    title: 'Kathmandu internal practice (fictional)', summary: 'Internal notes (fictional).', theme: 'protection',
  })) };
  rec.publicPractice = { kind: 'practice', sees: everyone, ...(await post('org_admin', '/api/v1/practices', {
    title: 'Public practice (fictional)', summary: 'For everyone (fictional).', theme: 'prevention', level: 'public', tlp: 'CLEAR',
  })) };
  rec.punePractice = { kind: 'practice', sees: usersOf('pune'), ...(await post('case_worker', '/api/v1/practices', {
    title: 'Pune internal practice (fictional)', summary: 'Pune notes (fictional).', theme: 'protection',
  })) };
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- helpers ---------------------------------------------------------------------

const threadPath = (r, extra = '') => `/api/v1/threads?record_kind=${r.kind}&record_id=${r.id}${extra}`;

/** POST /api/v1/threads as who on record r: the answer as it comes. */
const send = (who, r, body, extra = {}, options = {}) =>
  call('POST', '/api/v1/threads', { session: sessions[who], ...options, body: { record_kind: r.kind, record_id: r.id, body, ...extra } });

/** POST /api/v1/threads as who: 201, the comment (shape asserted, audited). */
async function comment(who, r, body, extra = {}, what = `POST /api/v1/threads on the ${r.kind} ${r.title} as ${who}`) {
  const res = await call('POST', '/api/v1/threads', { session: sessions[who], body: { record_kind: r.kind, record_id: r.id, body, ...extra } });
  const c = ok(res, 201, what);
  assert.deepEqual(Object.keys(c).sort(), commentKeys, `${what}: fields of ${JSON.stringify(c)}`);
  assert.match(c.id, uuid, `${what}: id`);
  assert.match(c.created_at, utcMs, `${what}: created_at`);
  assert.deepEqual([c.org_id, c.user_id, c.user_name], [sessions[who].user.org_id, sessions[who].user.id, sessions[who].user.name], `${what}: the author`);
  audited.push({ rid: res.rid, kind: r.kind, id: r.id, actor: sessions[who].user.id, chain: sessions[who].user.org_id });
  return c;
}

/** Every page of the discussion of r as who (limit per page): the comments, in order. */
async function discussion(who, r, limit = 500) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const q = threadPath(r, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    const page = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
    assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET ${q}`);
    assert.ok(page.items.length <= limit, `GET ${q}: at most ${limit}`);
    for (const c of page.items) assert.deepEqual(Object.keys(c).sort(), commentKeys, `GET ${q}: ${JSON.stringify(c)}`);
    items.push(...page.items);
    if (page.next_cursor === null) return items;
    cursor = page.next_cursor;
  }
  assert.fail(`GET ${threadPath(r)}: no last page after 200 pages`);
}

/** who's notifications about record r. */
async function inbox(who, r) {
  const page = ok(await call('GET', '/api/v1/notifications?limit=500', { session: sessions[who] }), 200, `GET /api/v1/notifications as ${who}`);
  assert.equal(page.next_cursor, null);
  return page.items.filter((n) => !r || n.record_id === r.id);
}

/** A snapshot of every user's notifications about r, to compare after a change. */
async function inboxes(r) {
  const out = {};
  for (const who of everyone) out[who] = (await inbox(who, r)).map((n) => n.id);
  return out;
}

/** The notifications each user got about r since snapshot (events by who). */
async function since(r, snapshot) {
  const out = {};
  for (const who of everyone) out[who] = (await inbox(who, r)).filter((n) => !snapshot[who].includes(n.id));
  return out;
}

/** As listed: the comment with its organisation's name. */
const asListed = (c, orgKey) => ({ ...c, org_name: orgNames[orgKey] });

// ---- 1. commenting ---------------------------------------------------------------

const posted = {}; // record key -> comments in order, as listed

test('POST /api/v1/threads on a meeting: 201 with the comment; GET lists it with the organisation\'s and the author\'s names', async () => {
  const c = await comment('investigator', rec.meeting, '  First point on the agenda.\r\nSecond line (fictional).  ');
  assert.deepEqual([c.body, c.parent_id, c.mention_orgs, c.mention_users], ['First point on the agenda.\nSecond line (fictional).', null, [], []]);
  assert.equal(c.org_name, orgNames.ktm, 'the answer names the organisation as the list does');
  const items = await discussion('org_admin', rec.meeting);
  assert.deepEqual(items, [c], 'the discussion holds the comment as it was answered');
  assert.equal(items[0].user_name, sessions.investigator.user.name, 'user_name');
  assert.ok(items[0].user_name.length > 0, 'the author has a name');
  assert.equal(items[0].org_name, orgNames.ktm, 'org_name');
  assert.deepEqual(await discussion('case_worker', rec.meeting), items, 'Pune, taking part, reads the same');
  posted.meeting = items;
});

test('comments on a meeting, an action and practices: each discussion oldest first, only its own record\'s comments', async () => {
  posted.meeting.push(asListed(await comment('case_worker', rec.meeting, 'Pune can host (fictional).'), 'pune'));
  posted.meeting.push(asListed(await comment('org_admin', rec.meeting, 'Agreed (fictional).'), 'ktm'));
  posted.meeting.push(asListed(await comment('ktm_analyst', rec.meeting, 'Figures attached (fictional).'), 'ktm'));
  posted.action = [asListed(await comment('analyst', rec.action, 'Colombo leads this (fictional).'), 'colombo')];
  posted.action.push(asListed(await comment('investigator', rec.action, 'Thanks (fictional).'), 'ktm'));
  posted.practice = [asListed(await comment('investigator', rec.practice, 'Internal remark (fictional).'), 'ktm')];
  posted.publicPractice = [asListed(await comment('analyst', rec.publicPractice, 'Worked in Colombo too (fictional).'), 'colombo')];
  posted.publicPractice.push(asListed(await comment('case_worker', rec.publicPractice, 'And in Pune (fictional).'), 'pune'));
  for (const key of ['meeting', 'action', 'practice', 'publicPractice']) {
    const items = await discussion(rec[key].sees.find((w) => w !== 'viewer') || 'org_admin', rec[key]);
    assert.deepEqual(items, posted[key], `the discussion of ${key}, oldest first`);
    assert.deepEqual(items.map((c) => c.id), [...items.map((c) => c.id)].sort(), `${key}: ids ascending`);
  }
  assert.deepEqual(await discussion('org_admin', rec.platformMeeting), [], 'a record without comments: an empty discussion');
});

test('GET /api/v1/threads: limit and next_cursor walk the whole discussion once, in order; bad limit or cursor 422', async () => {
  for (let i = 0; i < 5; i++) {
    const who = i % 2 ? 'case_worker' : 'investigator';
    posted.meeting.push(asListed(await comment(who, rec.meeting, `Paging ${i} (fictional)`), homeOf[who]));
  }
  for (const limit of [1, 2, 3, 500])
    assert.deepEqual(await discussion('case_worker', rec.meeting, limit), posted.meeting, `pages of ${limit}`);
  const page = ok(await call('GET', threadPath(rec.meeting, '&limit=2'), { session: sessions.org_admin }), 200, 'limit=2');
  assert.equal(page.next_cursor, page.items[1].id, 'the cursor: the last comment of the page');
  for (const [extra, fields] of [['&limit=0', ['limit']], ['&limit=501', ['limit']], ['&limit=x', ['limit']], ['&cursor=abc', ['cursor']],
    ['&limit=0&cursor=abc', ['limit', 'cursor']]])
    invalid(await call('GET', threadPath(rec.meeting, extra), { session: sessions.org_admin }), fields, `GET threads${extra}`);
});

// ---- 2. visibility -------------------------------------------------------------------

test('a discussion has its record\'s visibility: other organisations get 404 (reading and posting) and hear nothing of it', async () => {
  for (const key of ['meeting', 'action', 'practice', 'punePractice', 'platformMeeting', 'publicPractice']) {
    const r = rec[key];
    const snapshot = await inboxes(r);
    for (const who of everyone) {
      const res = await call('GET', threadPath(r), { session: sessions[who] });
      if (r.sees.includes(who)) {
        ok(res, 200, `GET the discussion of ${key} as ${who}`);
      } else {
        assert.equal(problem(res, 404, `GET the discussion of ${key} as ${who}`).detail, 'There is nothing here.');
        problem(await send(who, r, 'Hello (fictional)'), 404, `POST on ${key} as ${who}`);
        assert.deepEqual(await inbox(who, r), [], `${who} has no notification about ${key}`);
      }
    }
    assert.deepEqual(await since(r, snapshot), Object.fromEntries(everyone.map((w) => [w, []])), `${key}: the refusals notified nobody`);
  }
  assert.deepEqual(await discussion('org_admin', rec.practice), posted.practice, 'nothing was added to the hidden discussions');
});

test('viewers read a discussion but do not post (403); anonymous clients get 401, even on a public practice', async () => {
  const cases = [['viewer', rec.platformMeeting], ['viewer', rec.publicPractice], ['ktm_viewer', rec.meeting], ['ktm_viewer', rec.practice],
    ['pune_viewer', rec.meeting]];
  for (const [who, r] of cases) {
    ok(await call('GET', threadPath(r), { session: sessions[who] }), 200, `GET the discussion of ${r.title} as ${who}`);
    forbidden(await send(who, r, 'A viewer speaks (fictional)'), `POST on ${r.title} as ${who}`);
  }
  for (const r of [rec.publicPractice, rec.platformMeeting]) {
    problem(await call('GET', threadPath(r)), 401, `GET the discussion of ${r.title} anonymous`);
    problem(await call('POST', '/api/v1/threads', { body: { record_kind: r.kind, record_id: r.id, body: 'Anonymous (fictional)' } }), 401,
      `POST on ${r.title} anonymous`);
  }
  problem(await send('org_admin', rec.meeting, 'x', {}, { csrf: null }), 403, 'POST without X-CSRF-Token');
  assert.deepEqual(await discussion('org_admin', rec.platformMeeting), [], 'nothing stored');
  assert.deepEqual(await discussion('org_admin', rec.publicPractice), posted.publicPractice, 'nothing stored');
  // Analysts and the platform admin take part where they see the record.
  posted.platformMeeting = [asListed(await comment('platform_admin', rec.platformMeeting, 'The Secretariat notes it (fictional).'), 'secretariat')];
  posted.platformMeeting.push(asListed(await comment('analyst', rec.platformMeeting, 'Colombo too (fictional).'), 'colombo'));
  assert.deepEqual(await discussion('viewer', rec.platformMeeting), posted.platformMeeting, 'the Border Force viewer reads them');
});

// ---- 3. mentions ---------------------------------------------------------------------

test('mentioning an organisation or a person who cannot see the record: 422 mention_orgs / mention_users; nothing stored nor notified', async () => {
  const r = rec.meeting; // Kathmandu's, with Pune taking part
  const before = await discussion('org_admin', r);
  const snapshot = await inboxes(r);
  const cases = [
    ['an organisation that cannot see it', { mention_orgs: [org.border] }, ['mention_orgs']],
    ['a visible and an invisible organisation', { mention_orgs: [org.pune, org.colombo] }, ['mention_orgs']],
    ['an unknown organisation', { mention_orgs: [unknownId] }, ['mention_orgs']],
    ['an organisation that is not an id', { mention_orgs: ['Pune shelter'] }, ['mention_orgs']],
    ['an organisation twice', { mention_orgs: [org.pune, org.pune.toUpperCase()] }, ['mention_orgs']],
    ['organisations as a string', { mention_orgs: org.pune }, ['mention_orgs']],
    ['an organisation that is a number', { mention_orgs: [5] }, ['mention_orgs']],
    ['21 organisations', { mention_orgs: Array.from({ length: 21 }, (_, i) => `${org.pune.slice(0, 24)}${String(i).padStart(12, '0')}`) }, ['mention_orgs']],
    ['a person who cannot see it', { mention_users: [sessions.viewer.user.id] }, ['mention_users']],
    ['a person of an organisation that cannot see it, with one who can', { mention_users: [sessions.case_worker.user.id, sessions.analyst.user.id] },
      ['mention_users']],
    ['a disabled person of the owner', { mention_users: [former.id] }, ['mention_users']],
    ['an unknown person', { mention_users: [unknownId] }, ['mention_users']],
    ['a person who is not an id', { mention_users: ['ktm.admin@demo.invalid'] }, ['mention_users']],
    ['a person twice', { mention_users: [sessions.case_worker.user.id, sessions.case_worker.user.id] }, ['mention_users']],
  ];
  for (const [what, extra, fields] of cases)
    invalid(await send('investigator', r, 'Mentioning (fictional)', extra), fields, `POST a comment mentioning ${what}`);
  // On an action Colombo leads, Pune cannot be mentioned; on a practice of Kathmandu's own, nobody else.
  invalid(await send('analyst', rec.action, 'x', { mention_orgs: [org.pune] }), ['mention_orgs'], 'mentioning Pune on the action');
  invalid(await send('org_admin', rec.practice, 'x', { mention_users: [sessions.platform_admin.user.id] }),
    ['mention_users'], 'mentioning the platform admin on an org-level practice');
  assert.deepEqual(await discussion('org_admin', r), before, 'nothing stored');
  assert.deepEqual(await since(r, snapshot), Object.fromEntries(everyone.map((w) => [w, []])), 'nobody notified');
});

test('a comment with an empty body and a mention of an organisation that cannot see the record: one 422 naming both', async () => {
  const r = rec.meeting;
  const before = await discussion('org_admin', r);
  invalid(await send('investigator', r, '', { mention_orgs: [org.border] }),
    ['body', 'mention_orgs'], 'an empty body and an organisation that cannot see the meeting');
  assert.deepEqual(await discussion('org_admin', r), before, 'nothing stored');
});

test('a comment mentioning an organisation and a person who cannot see the record: one 422 naming both fields', async () => {
  const r = rec.meeting;
  const before = await discussion('org_admin', r);
  invalid(await send('investigator', r, 'x', { mention_orgs: [org.border], mention_users: [sessions.viewer.user.id] }),
    ['mention_orgs', 'mention_users'], 'an organisation and a person that cannot see the meeting');
  assert.deepEqual(await discussion('org_admin', r), before, 'nothing stored');
});

test('a mention notifies every active user of the mentioned organisations ("mention"), never the author nor a disabled user', async () => {
  const r = rec.meeting;
  const snapshot = await inboxes(r);
  const c = await comment('org_admin', r, 'Both teams, please look (fictional).', { mention_orgs: [org.pune, org.ktm.toUpperCase()] });
  assert.deepEqual(c.mention_orgs, [org.pune, org.ktm], 'the mentions, as ids in lower case');
  posted.meeting.push(asListed(c, 'ktm'));
  const got = await since(r, snapshot);
  for (const who of everyone) {
    const expected = ['investigator', 'ktm_viewer', 'ktm_analyst', 'case_worker', 'pune_viewer'].includes(who) ? 1 : 0;
    assert.equal(got[who].length, expected, `${who}: ${expected} notification(s): ${JSON.stringify(got[who])}`);
    for (const n of got[who])
      assert.deepEqual([n.event, n.record_kind, n.record_id, n.actor_org, n.actor_user, n.unread],
        ['mention', 'meeting', r.id, org.ktm, sessions.org_admin.user.id, true], `${who}: the mention`);
  }
  const [[stored]] = sql(env, `SELECT COUNT(*) FROM notifications WHERE user_id = '${former.id}'`);
  assert.equal(Number(stored), 0, 'the disabled analyst was not notified');
  assert.deepEqual((await discussion('case_worker', r)).at(-1), posted.meeting.at(-1), 'the comment with its mentions, as listed');
});

test('mentioning a person notifies that person alone; mentioning oneself notifies nobody', async () => {
  const r = rec.meeting;
  let snapshot = await inboxes(r);
  let c = await comment('investigator', r, 'Over to you (fictional).', { mention_users: [sessions.case_worker.user.id.toUpperCase()] });
  assert.deepEqual([c.mention_orgs, c.mention_users], [[], [sessions.case_worker.user.id]]);
  posted.meeting.push(asListed(c, 'ktm'));
  let got = await since(r, snapshot);
  for (const who of everyone) assert.deepEqual(got[who].map((n) => n.event), who === 'case_worker' ? ['mention'] : [], `${who}`);

  // A viewer of the owner sees the meeting and may be mentioned; mentioning oneself tells nobody.
  snapshot = await inboxes(r);
  c = await comment('investigator', r, 'Note to self and the viewer (fictional).',
    { mention_users: [sessions.investigator.user.id, sessions.ktm_viewer.user.id] });
  posted.meeting.push(asListed(c, 'ktm'));
  got = await since(r, snapshot);
  for (const who of everyone) assert.deepEqual(got[who].map((n) => n.event), who === 'ktm_viewer' ? ['mention'] : [], `${who}`);

  // Mentions on an action and on a practice name their record.
  snapshot = await inboxes(rec.action);
  c = await comment('investigator', rec.action, 'Colombo, over to you (fictional).', { mention_orgs: [org.colombo] });
  posted.action.push(asListed(c, 'ktm'));
  got = await since(rec.action, snapshot);
  assert.deepEqual([got.analyst.length, got.analyst[0].record_kind, got.analyst[0].event], [1, 'action', 'mention']);
  snapshot = await inboxes(rec.publicPractice);
  c = await comment('case_worker', rec.publicPractice, 'Border Force may like this (fictional).', { mention_orgs: [org.border] });
  posted.publicPractice.push(asListed(c, 'pune'));
  got = await since(rec.publicPractice, snapshot);
  for (const who of everyone)
    assert.deepEqual(got[who].map((n) => `${n.event} ${n.record_kind}`), who === 'viewer' ? ['mention practice'] : [], `${who}`);
});

// ---- 4. replies -----------------------------------------------------------------------

test('a reply names its parent and notifies the parent\'s author ("reply"); replying to oneself notifies nobody', async () => {
  const r = rec.meeting;
  const parent = posted.meeting[0]; // the investigator's first point
  let snapshot = await inboxes(r);
  let c = await comment('case_worker', r, 'Replying to the first point (fictional).', { parent_id: parent.id.toUpperCase() });
  assert.equal(c.parent_id, parent.id);
  posted.meeting.push(asListed(c, 'pune'));
  let got = await since(r, snapshot);
  for (const who of everyone) assert.deepEqual(got[who].map((n) => n.event), who === 'investigator' ? ['reply'] : [], `${who}`);
  assert.deepEqual([got.investigator[0].actor_org, got.investigator[0].actor_user], [org.pune, sessions.case_worker.user.id]);

  snapshot = await inboxes(r);
  c = await comment('investigator', r, 'Replying to myself (fictional).', { parent_id: parent.id });
  posted.meeting.push(asListed(c, 'ktm'));
  got = await since(r, snapshot);
  for (const who of everyone) assert.deepEqual(got[who], [], `${who}: nothing`);

  // A reply to a reply; the thread lists every comment once, with its parent.
  c = await comment('org_admin', r, 'And a reply to the reply (fictional).', { parent_id: posted.meeting.at(-2).id });
  posted.meeting.push(asListed(c, 'ktm'));
  assert.deepEqual(await discussion('case_worker', r), posted.meeting);
});

test('a reply does not notify a parent\'s author whose organisation can no longer see the record', async () => {
  const m = ok(await call('POST', '/api/v1/meetings', {
    session: sessions.org_admin, body: { title: 'Shrinking meeting (fictional)', starts_at: '2031-05-03T04:00:00Z', participants: [org.pune] },
  }), 201, 'POST /api/v1/meetings with Pune taking part');
  const r = { kind: 'meeting', id: m.id, title: m.title };
  const parent = await comment('case_worker', r, 'Pune will attend (fictional).');
  ok(await call('PATCH', `/api/v1/meetings/${m.id}`, { session: sessions.org_admin, body: { participants: [], version: 1 } }), 200,
    'Pune no longer takes part');
  problem(await call('GET', threadPath(r), { session: sessions.case_worker }), 404, 'Pune no longer sees the discussion');
  const snapshot = await inboxes(r);
  await comment('investigator', r, 'Replying to Pune\'s earlier note (fictional).', { parent_id: parent.id });
  const got = await since(r, snapshot);
  for (const who of everyone) assert.deepEqual(got[who], [], `${who}: no notification about a meeting Pune no longer sees`);
});

test('parent_id of a comment on another record, unknown or malformed: 422 parent_id; nothing stored', async () => {
  const r = rec.meeting;
  const before = await discussion('org_admin', r);
  for (const [what, parent] of [
    ['a comment on another record', posted.action[0].id],
    ['a comment on another meeting', posted.platformMeeting[0].id],
    ['an unknown comment', unknownId],
    ['a malformed id', 'comment-1'],
    ['the meeting itself', r.id],
  ])
    invalid(await send('investigator', r, 'Reply (fictional)', { parent_id: parent }),
      ['parent_id'], `POST a reply to ${what}`);
  invalid(await send('investigator', r, '', { parent_id: 'comment-1' }),
    ['body', 'parent_id'], 'an empty body and a malformed parent: both named');
  assert.deepEqual(await discussion('org_admin', r), before, 'nothing stored');
});

// ---- 5. validation ---------------------------------------------------------------------

test('an unknown record kind or id: 404 for reading and posting', async () => {
  for (const [kind, id] of [['case', rec.meeting.id], ['Meeting', rec.meeting.id], ['meetings', rec.meeting.id], ['', rec.meeting.id],
    ['meeting', unknownId], ['meeting', 'not-an-id'], ['meeting', rec.action.id], ['action', rec.meeting.id], ['practice', ''],
    ['meeting', `${rec.meeting.id}0`]]) {
    assert.equal(problem(await call('GET', `/api/v1/threads?record_kind=${kind}&record_id=${id}`, { session: sessions.org_admin }), 404,
      `GET threads of ${kind} ${id}`).detail, 'There is nothing here.');
    problem(await send('org_admin', { kind, id }, 'Hello (fictional)'), 404, `POST on ${kind} ${id}`);
  }
  for (const q of ['', `?record_kind=meeting`, `?record_id=${rec.meeting.id}`])
    problem(await call('GET', `/api/v1/threads${q}`, { session: sessions.org_admin }), 404, `GET /api/v1/threads${q}`);
  invalid(await call('POST', '/api/v1/threads', { session: sessions.org_admin, body: { body: 'Hello' } }), ['record_kind', 'record_id'],
    'POST without a record');
  const p = ok(await call('GET', `/api/v1/threads?record_kind=meeting&record_id=${rec.meeting.id.toUpperCase()}`, { session: sessions.org_admin }), 200,
    'the record id in capitals');
  assert.equal(p.items.length, posted.meeting.length);
});

test('the body: required, not blank, at most 10000 characters, no control characters; line breaks kept', async () => {
  const r = rec.action;
  const before = await discussion('org_admin', r);
  for (const [what, body, fields] of [
    ['an empty body', { body: '' }, ['body']],
    ['a blank body', { body: ' \n\t ' }, ['body']],
    ['no body', {}, ['body']],
    ['a body that is a number', { body: 5 }, ['body']],
    ['a body of 10001 characters', { body: 'b'.repeat(10001) }, ['body']],
    ['a body of 10001 Devanagari characters', { body: '\u0928'.repeat(10001) }, ['body']],
    ['a control character', { body: 'Bell\u0007' }, ['body']],
    ['a right-to-left override', { body: 'abc \u202Efed' }, ['body']],
    ['mentions that are not lists', { body: 'x', mention_orgs: 'all', mention_users: 'all' }, ['mention_orgs', 'mention_users']],
    ['an unknown field', { body: 'x', colour: 'blue' }, ['colour']],
  ])
    invalid(await call('POST', '/api/v1/threads', { session: sessions.investigator, body: { record_kind: r.kind, record_id: r.id, ...body } }), fields,
      `POST a comment with ${what}`);
  assert.deepEqual(await discussion('org_admin', r), before, 'nothing stored');
  const long = await comment('investigator', r, 'b'.repeat(10000));
  assert.equal(long.body.length, 10000, 'a body of 10000 characters is taken whole');
  const deva = await comment('analyst', r, '\u0928'.repeat(10000));
  assert.equal(deva.body, '\u0928'.repeat(10000), '10000 Devanagari characters (30000 bytes)');
  posted.action.push(asListed(long, 'ktm'), asListed(deva, 'colombo'));
  assert.deepEqual(await discussion('analyst', r), posted.action);
});

test('a comment with a wrong field and an unknown field: one 422 naming both', async () => {
  invalid(await call('POST', '/api/v1/threads', {
    session: sessions.investigator, body: { record_kind: 'action', record_id: rec.action.id, body: '', colour: 'blue' },
  }), ['body', 'colour'], 'an empty body and an unknown field');
});

// ---- 6. the audit trail ------------------------------------------------------------------

test('GET /api/v1/audit: a comment.create entry for every comment, in its author\'s organisation\'s chain, with the record', async () => {
  const chains = {};
  for (const o of [...new Set(audited.map((x) => x.chain))]) {
    const q = `/api/v1/audit?limit=500&org_id=${o}`;
    const list = ok(await call('GET', q, { session: sessions.platform_admin }), 200, `GET ${q}`);
    assert.equal(list.next_cursor, null);
    chains[o] = list.items;
  }
  for (const x of audited) {
    const e = chains[x.chain].find((i) => i.request_id === x.rid);
    assert.ok(e, `an entry for request ${x.rid}`);
    assert.deepEqual([e.action, e.record_kind, e.record_id, e.outcome, e.actor_user], ['comment.create', x.kind, x.id, 'ok', x.actor], JSON.stringify(e));
  }
  const entries = Object.values(chains).flat().filter((i) => i.action === 'comment.create');
  assert.deepEqual(entries.map((e) => e.request_id).sort(), audited.map((x) => x.rid).sort(), 'one per comment, none for refusals');
  assert.ok(new Set(audited.map((x) => x.kind)).size === 3, 'comments on the three kinds');
});

test('atip stops cleanly on SIGTERM; atip audit verify is ok', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  const { entries } = auditVerify(env);
  assert.ok(entries >= audited.length, `${entries} entries`);
});

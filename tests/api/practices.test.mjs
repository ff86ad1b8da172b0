// The good-practice library over the API: POST/GET /api/v1/practices and
// GET/PATCH /api/v1/practices/{id}, against a real `atip serve` whose data
// dir was filled by `atip demo`:
//
//  1. Sharing a practice: the whole practice in the answer (tags in lower
//     case, country in capitals, the body as Markdown and as safe HTML);
//     level public under TLP CLEAR only.
//  2. Validation: 422 naming each wrong field.
//  3. Markdown rendered by cmark in safe mode: no raw HTML, no javascript:
//     links.
//  4. Who reads what: anonymous clients the public practices alone (the
//     rest 404 and absent); members the platform-level ones too; an
//     org-level practice its organisation alone.
//  5. Search (?q=): words anywhere in title, summary, tags or body, with
//     snippets marking the hits; a title match ranked first; filters; no
//     FTS syntax from the user; never a practice the user may not see;
//     Devanagari; limit at most 100; pages with next_cursor; a tag filter
//     matched whole (no LIKE patterns).
//  6. PATCH with the version (409 stale); the search follows the change.
//  7. The audit trail: practice.create and practice.update entries;
//     `atip audit verify` after SIGTERM.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  Added here: a Kathmandu viewer.
//
// The data dir and database are this file's own: every practice in it was
// made here, so the lists are exact.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, secrets, serve, uuid } from './server.mjs';

const utcMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const listKeys = ['country', 'created_at', 'group_id', 'id', 'level', 'owner_country', 'owner_org', 'published_on', 'source', 'summary', 'tags',
  'theme', 'title', 'tlp', 'updated_at', 'version'];
const wholeKeys = [...listKeys, 'body', 'body_html'].sort();
const searchKeys = [...listKeys, 'snippet'].sort();

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
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border', ktm_viewer: 'ktm',
};
const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};
const everyone = Object.keys(homeOf);
const ANON = 'anonymous';

let env;
let data;
const org = {};
let unknownId;
const sessions = {};
const made = []; // the id of every practice made here
const audited = []; // { action, rid, record, actor, chain }

before(async () => {
  env = environment('practices');
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
  const account = { email: 'ktm.viewer.practices@demo.invalid', password: crypto.randomBytes(18).toString('base64url') };
  secrets.add(account.password);
  ok(await call('POST', '/api/v1/users', {
    session: sessions.org_admin, body: { email: account.email, name: 'Kathmandu viewer (fictional)', role: 'viewer', password: account.password },
  }), 201, 'POST /api/v1/users (viewer)');
  sessions.ktm_viewer = await signInPlain(account, 'the Kathmandu viewer signs in');
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- helpers ---------------------------------------------------------------------

const as = (who) => (who === ANON ? {} : { session: sessions[who] });

function assertCommon(p, what) {
  assert.match(p.id, uuid, `${what}: id`);
  assert.match(p.owner_org, uuid, `${what}: owner_org`);
  assert.match(p.owner_country, /^[A-Z]{2}$/, `${what}: owner_country`);
  assert.ok(p.country === null || /^[A-Z]{2}$/.test(p.country), `${what}: country ${p.country}`);
  assert.ok(['prevention', 'protection', 'prosecution', 'partnership'].includes(p.theme), `${what}: theme ${p.theme}`);
  assert.ok(Array.isArray(p.tags) && p.tags.every((t) => t === t.toLowerCase()), `${what}: tags in lower case`);
  assert.ok(p.published_on === null || /^\d{4}-\d\d-\d\d$/.test(p.published_on), `${what}: published_on`);
  assert.ok(['org', 'group', 'country', 'platform', 'public'].includes(p.level), `${what}: level ${p.level}`);
  assert.match(p.created_at, utcMs);
  assert.match(p.updated_at, utcMs);
  assert.ok(Number.isInteger(p.version) && p.version >= 1, `${what}: version`);
}

/** POST /api/v1/practices as who: 201, the practice (shape asserted, audited, remembered). */
async function share(who, body, what = `POST /api/v1/practices as ${who}`) {
  const res = await call('POST', '/api/v1/practices', { session: sessions[who], body });
  const p = ok(res, 201, what);
  assert.deepEqual(Object.keys(p).sort(), wholeKeys, `${what}: fields of ${JSON.stringify(p)}`);
  assertCommon(p, what);
  assert.deepEqual([p.owner_org, p.version], [sessions[who].user.org_id, 1], `${what}: new`);
  made.push(p.id);
  audited.push({ action: 'practice.create', rid: res.rid, record: p.id, actor: sessions[who].user.id, chain: sessions[who].user.org_id });
  return p;
}

/** GET /api/v1/practices/{id} as who (or ANON): 200, the whole practice. */
async function read(who, id, what = `GET /api/v1/practices/${id} as ${who}`) {
  const p = ok(await call('GET', `/api/v1/practices/${id}`, as(who)), 200, what);
  assert.deepEqual(Object.keys(p).sort(), wholeKeys, `${what}: fields`);
  assertCommon(p, what);
  return p;
}

/** A practice as a list without q shows it. */
const listed = ({ body, body_html, ...rest }) => rest;

/** Every page of GET /api/v1/practices?query as who: the items in order. */
async function walk(who, query = '', limit = 100) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 200; i++) {
    const q = `/api/v1/practices?${query ? `${query}&` : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = ok(await call('GET', q, as(who)), 200, `GET ${q} as ${who}`);
    assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET ${q}`);
    assert.ok(page.items.length <= limit, `GET ${q}: at most ${limit}`);
    for (const p of page.items) {
      assert.deepEqual(Object.keys(p).sort(), /(^|&)q=/.test(query) ? searchKeys : listKeys, `GET ${q}: fields of ${JSON.stringify(p)}`);
      assertCommon(p, `GET ${q}: ${p.id}`);
    }
    items.push(...page.items);
    if (page.next_cursor === null) return items;
    assert.equal(typeof page.next_cursor, 'string');
    cursor = page.next_cursor;
  }
  assert.fail(`GET /api/v1/practices?${query}: no last page`);
}

/** The practices made here that who reads by id, as listed, newest first; the others must be 404. */
async function readable(who) {
  const seen = [];
  for (const id of made) {
    const res = await call('GET', `/api/v1/practices/${id}`, as(who));
    if (res.status === 200) seen.push(listed(ok(res, 200, `GET ${id} as ${who}`)));
    else assert.equal(problem(res, 404, `GET /api/v1/practices/${id} as ${who}: 200 or 404`).detail, 'There is nothing here.');
  }
  return seen.sort((a, b) => (a.id < b.id ? 1 : -1));
}

/** The ids a search finds for who (one page of 100). */
async function found(who, query) {
  const q = `/api/v1/practices?${query}&limit=100`;
  const page = ok(await call('GET', q, as(who)), 200, `GET ${q} as ${who}`);
  assert.equal(page.next_cursor, null, `GET ${q} as ${who}: one page`);
  return page.items;
}

/** The snippet's text, and its hit segments. */
function snippetOf(p, what) {
  assert.ok(Array.isArray(p.snippet) && p.snippet.length > 0, `${what}: a snippet: ${JSON.stringify(p.snippet)}`);
  for (const s of p.snippet) {
    assert.deepEqual(Object.keys(s).sort(), ['hit', 'text'], `${what}: a segment ${JSON.stringify(s)}`);
    assert.equal(typeof s.text, 'string');
    assert.ok(s.text.length > 0, `${what}: no empty segment`);
    assert.equal(typeof s.hit, 'boolean');
    assert.ok(!/[\u0002\u0003]/.test(s.text), `${what}: no marker bytes in the text`);
  }
  return { text: p.snippet.map((s) => s.text).join(''), hits: p.snippet.filter((s) => s.hit).map((s) => s.text) };
}

const valid = (extra = {}) => ({
  title: 'Night-shift hotline rota (fictional)', summary: 'How a shelter staffs its hotline (fictional).', theme: 'protection', ...extra,
});

// ---- 1. sharing a practice ---------------------------------------------------------

test('POST /api/v1/practices: 201 with the whole practice: tags in lower case, country in capitals, body and body_html, level org, TLP AMBER', async () => {
  const body = {
    title: '  Night-shift hotline rota (fictional)  ',
    summary: 'How a shelter staffs its hotline.\r\nTwo lines (fictional).',
    body: '# Rota\n\nStaff the line in **pairs**.\n',
    source: 'Demo handbook, chapter 2 (fictional)',
    country: 'np',
    theme: 'protection',
    tags: ['Hotline', 'NIGHT-shift', 'shelter'],
    published_on: '2024-02-29',
  };
  const p = await share('org_admin', body);
  assert.deepEqual({
    title: p.title, summary: p.summary, body: p.body, source: p.source, country: p.country, theme: p.theme, tags: p.tags,
    published_on: p.published_on, owner_org: p.owner_org, owner_country: p.owner_country, level: p.level, group_id: p.group_id, tlp: p.tlp,
  }, {
    title: 'Night-shift hotline rota (fictional)', summary: 'How a shelter staffs its hotline.\nTwo lines (fictional).',
    body: '# Rota\n\nStaff the line in **pairs**.',
    source: body.source, country: 'NP', theme: 'protection', tags: ['hotline', 'night-shift', 'shelter'], published_on: '2024-02-29',
    owner_org: org.ktm, owner_country: 'NP', level: 'org', group_id: null, tlp: 'AMBER',
  });
  assert.equal(p.body_html, '<h1>Rota</h1>\n<p>Staff the line in <strong>pairs</strong>.</p>\n');
  assert.equal(p.updated_at, p.created_at);
  assert.deepEqual(await read('investigator', p.id), p, 'GET answers what POST did');

  const min = await share('case_worker', { title: 'Minimal practice (fictional)', summary: 'Short (fictional).', theme: 'prevention' });
  assert.deepEqual([min.body, min.body_html, min.source, min.country, min.tags, min.published_on, min.owner_country, min.level, min.tlp],
    ['', '', '', null, [], null, 'IN', 'org', 'AMBER']);
  const twenty = await share('org_admin', valid({ title: 'Twenty tags (fictional)', tags: Array.from({ length: 20 }, (_, i) => `Tag${i}`) }));
  assert.deepEqual(twenty.tags, Array.from({ length: 20 }, (_, i) => `tag${i}`), '20 tags, the most allowed');
});

test('level public is for practices under TLP CLEAR alone: 201 with CLEAR, 422 with GREEN or AMBER', async () => {
  const p = await share('org_admin', valid({ title: 'Public rota guide (fictional)', level: 'public', tlp: 'CLEAR' }));
  assert.deepEqual([p.level, p.tlp], ['public', 'CLEAR']);
  for (const [what, extra] of [['GREEN', { tlp: 'GREEN' }], ['the default AMBER', {}], ['RED', { tlp: 'RED' }]])
    invalid(await call('POST', '/api/v1/practices', { session: sessions.org_admin, body: valid({ level: 'public', ...extra }) }), ['level'],
      `POST level public under ${what}`);
  const g = await share('org_admin', valid({ title: 'Platform rota guide (fictional)', level: 'platform', tlp: 'GREEN' }));
  assert.deepEqual([g.level, g.tlp], ['platform', 'GREEN']);
});

// ---- 2. validation ---------------------------------------------------------------------

test('POST /api/v1/practices with wrong fields: 422 naming each one; nothing is made', async () => {
  const before = await walk('org_admin');
  const cases = [
    ['nothing', {}, ['title', 'summary', 'theme']],
    ['an empty title', valid({ title: '' }), ['title']],
    ['a title of 301 characters', valid({ title: 't'.repeat(301) }), ['title']],
    ['a line break in the title', valid({ title: 'Two\nlines' }), ['title']],
    ['a title that is a number', valid({ title: 1 }), ['title']],
    ['an empty summary', valid({ summary: '' }), ['summary']],
    ['a summary of 2001 characters', valid({ summary: 's'.repeat(2001) }), ['summary']],
    ['a control character in the body', valid({ body: 'Bell\u0007' }), ['body']],
    ['a source of 501 characters', valid({ source: 's'.repeat(501) }), ['source']],
    ['no theme', { title: 'x', summary: 'y' }, ['theme']],
    ['an unknown theme', valid({ theme: 'rescue' }), ['theme']],
    ['a theme in capitals', valid({ theme: 'Protection' }), ['theme']],
    ['a country that is no ISO code', valid({ country: 'ZZ' }), ['country']],
    ['an alpha-3 country', valid({ country: 'NPL' }), ['country']],
    ['a country name', valid({ country: 'Nepal' }), ['country']],
    ['a country that is a number', valid({ country: 977 }), ['country']],
    ['21 tags', valid({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), ['tags']],
    ['a tag twice in another case', valid({ tags: ['Shelter', 'shelter'] }), ['tags']],
    ['a tag with a comma', valid({ tags: ['a,b'] }), ['tags']],
    ['an empty tag', valid({ tags: [''] }), ['tags']],
    ['a tag of 41 characters', valid({ tags: ['t'.repeat(41)] }), ['tags']],
    ['a tag that is a number', valid({ tags: [5] }), ['tags']],
    ['tags as a string', valid({ tags: 'shelter' }), ['tags']],
    ['a day that does not exist', valid({ published_on: '2023-02-29' }), ['published_on']],
    ['a date and time', valid({ published_on: '2024-01-01T00:00:00Z' }), ['published_on']],
    ['a word for a date', valid({ published_on: 'yesterday' }), ['published_on']],
    ['an unknown level', valid({ level: 'world' }), ['level']],
    ['level platform under AMBER', valid({ level: 'platform' }), ['level']],
    ['an unknown TLP', valid({ tlp: 'BLUE' }), ['tlp']],
    ['level group without a group', valid({ level: 'group' }), ['group_id']],
    ['a group_id with level org', valid({ group_id: unknownId }), ['group_id']],
    ['an unknown field', valid({ colour: 'blue' }), ['colour']],
    ['a version on creation', valid({ version: 1 }), ['version']],
    ['title, theme, country, tags and published_on wrong', { title: '', summary: 'x', theme: 'x', country: 'ZZ', tags: [''], published_on: 'x' },
      ['title', 'theme', 'country', 'tags', 'published_on']],
  ];
  for (const [what, body, fields] of cases)
    invalid(await call('POST', '/api/v1/practices', { session: sessions.org_admin, body }), fields, `POST /api/v1/practices: ${what}`);
  assert.deepEqual(await walk('org_admin'), before, 'nothing was made');
});

test('a body of 100000 characters (the most a practice takes) is taken whole; one of 100001 is 422 body', async () => {
  const text = 'A long practice body (fictional). '.repeat(3000).slice(0, 100000);
  assert.equal(text.length, 100000);
  const long = await share('org_admin', valid({ title: 'Long body (fictional)', body: text }));
  assert.equal(long.body.length, 100000);
  assert.equal((await read('org_admin', long.id)).body.length, 100000);
  invalid(await call('POST', '/api/v1/practices', { session: sessions.org_admin, body: valid({ body: 'b'.repeat(100001) }) }), ['body'],
    'POST /api/v1/practices with a body of 100001 characters');
});

test('POST /api/v1/practices: viewers, analysts and the platform admin 403; anonymous 401; no CSRF token 403', async () => {
  const before = await walk('org_admin');
  for (const who of ['viewer', 'ktm_viewer', 'analyst', 'platform_admin'])
    forbidden(await call('POST', '/api/v1/practices', { session: sessions[who], body: valid() }), `POST /api/v1/practices as ${who}`);
  problem(await call('POST', '/api/v1/practices', { body: valid({ level: 'public', tlp: 'CLEAR' }) }), 401, 'POST anonymous');
  problem(await call('POST', '/api/v1/practices', { session: sessions.org_admin, csrf: null, body: valid() }), 403, 'POST without X-CSRF-Token');
  assert.deepEqual(await walk('org_admin'), before, 'nothing was made');
});

// ---- 3. Markdown -------------------------------------------------------------------------

test('GET one: body as written and body_html by cmark in safe mode: **bold** is <strong>, raw HTML omitted, javascript: links lose their href', async () => {
  const md = [
    'Keep **bold** and _emphasis_.',
    '',
    '<script>alert("x")</script>',
    '',
    'Inline <b onclick="alert(1)">raw</b> html and <img src=x onerror=alert(1)>.',
    '',
    '[a script link](javascript:alert(1)) and [another](JAVASCRIPT:alert(2)) and [a guide](https://example.org/guide).',
    '',
    '![picture](javascript:alert(3))',
  ].join('\n');
  const p = await share('org_admin', valid({ title: 'Markdown practice (fictional)', body: md }));
  const got = await read('org_admin', p.id);
  assert.equal(got.body, md, 'the body as written');
  const html = got.body_html;
  assert.ok(html.includes('<strong>bold</strong>'), `**bold** becomes <strong>: ${html}`);
  assert.ok(html.includes('<em>emphasis</em>'), html);
  assert.ok(html.includes('raw HTML omitted'), `raw HTML is left out: ${html}`);
  for (const bad of [/<script/i, /<b\b/i, /<img[^>]*onerror/i, /onclick/i, /onerror/i, /javascript:/i])
    assert.ok(!bad.test(html), `no ${bad} in ${html}`);
  assert.ok(html.includes('<a href="">a script link</a>'), `a javascript: link loses its href: ${html}`);
  assert.ok(html.includes('<a href="">another</a>'), `in any case: ${html}`);
  assert.ok(html.includes('<a href="https://example.org/guide">a guide</a>'), `an https link is kept: ${html}`);
  assert.equal(got.body_html, p.body_html, 'POST and GET render alike');
});

// ---- 4. who reads what -------------------------------------------------------------------

const lib = {}; // the practices of each level

test('anonymous clients read public practices alone (the rest 404 and absent); members platform-level ones too; org-level ones only their org', async () => {
  lib.org = await share('org_admin', valid({ title: 'Kathmandu org-level practice (fictional)' }));
  lib.country = await share('org_admin', valid({ title: 'Nepal country-level practice (fictional)', level: 'country' }));
  lib.platform = await share('org_admin', valid({ title: 'Platform-level practice (fictional)', level: 'platform', tlp: 'GREEN' }));
  lib.public = await share('org_admin', valid({ title: 'Public practice (fictional)', level: 'public', tlp: 'CLEAR' }));
  lib.puneOrg = await share('case_worker', valid({ title: 'Pune org-level practice (fictional)' }));
  lib.punePublic = await share('case_worker', valid({ title: 'Pune public practice (fictional)', level: 'public', tlp: 'CLEAR' }));
  const sees = {
    [ANON]: ['public', 'punePublic'],
    viewer: ['platform', 'public', 'punePublic'],
    analyst: ['platform', 'public', 'punePublic'],
    platform_admin: ['country', 'platform', 'public', 'punePublic'],
    case_worker: ['platform', 'public', 'puneOrg', 'punePublic'],
    org_admin: ['org', 'country', 'platform', 'public', 'punePublic'],
    ktm_viewer: ['org', 'country', 'platform', 'public', 'punePublic'],
  };
  for (const [who, keys] of Object.entries(sees)) {
    for (const [k, p] of Object.entries(lib)) {
      const res = await call('GET', `/api/v1/practices/${p.id}`, as(who));
      if (keys.includes(k)) assert.equal(ok(res, 200, `GET the ${k} practice as ${who}`).id, p.id);
      else assert.equal(problem(res, 404, `GET the ${k} practice as ${who}`).detail, 'There is nothing here.');
    }
    const ids = (await walk(who)).map((p) => p.id);
    for (const [k, p] of Object.entries(lib)) assert.equal(ids.includes(p.id), keys.includes(k), `the ${k} practice in ${who}'s list`);
    assert.deepEqual(await walk(who), await readable(who), `${who}: the list is every practice ${who} reads by id, newest first`);
  }
  const pub = await read(ANON, lib.public.id);
  assert.deepEqual(pub, await read('org_admin', lib.public.id), 'anonymous clients read the whole public practice');
  problem(await call('GET', `/api/v1/practices/${unknownId}`), 404, 'an unknown practice anonymous');
  problem(await call('GET', '/api/v1/practices/not-an-id', as('org_admin')), 404, 'a malformed id');
});

test('the list without q: newest first; limit and next_cursor walk every visible practice once; bad parameters 422 naming each', async () => {
  for (const who of [ANON, 'org_admin', 'case_worker', 'viewer']) {
    const all = await readable(who);
    for (const limit of [1, 2, 3]) assert.deepEqual(await walk(who, '', limit), all, `${who}: pages of ${limit}`);
  }
  for (const [query, fields] of [['limit=0', ['limit']], ['limit=501', ['limit']], ['limit=x', ['limit']], ['cursor=abc', ['cursor']],
    ['country=ZZ', ['country']], ['theme=rescue', ['theme']], ['limit=0&cursor=abc&country=ZZ&theme=rescue', ['limit', 'cursor', 'country', 'theme']]])
    invalid(await call('GET', `/api/v1/practices?${query}`, as('org_admin')), fields, `GET /api/v1/practices?${query}`);
  ok(await call('GET', '/api/v1/practices?limit=500', as(ANON)), 200, 'limit=500 without q');
  ok(await call('GET', '/api/v1/practices?limit=101', as('org_admin')), 200, 'limit=101 without q');
});

// ---- 5. search ----------------------------------------------------------------------------

test('search finds words in the body, case-insensitively, with a snippet whose hit segments hold the word', async () => {
  const p = await share('org_admin', valid({
    title: 'Lantern walk (fictional)', level: 'platform', tlp: 'GREEN',
    body: 'Volunteers light a lanternword at each crossing so that returnees can find the shelter at night. The LanternWord route is mapped (fictional).',
  }));
  const other = await share('org_admin', valid({ title: 'Unrelated practice (fictional)', level: 'platform', tlp: 'GREEN', body: 'Nothing to find here.' }));
  for (const q of ['lanternword', 'LANTERNWORD', 'LanternWord']) {
    for (const who of ['org_admin', 'viewer']) {
      const items = await found(who, `q=${q}`);
      assert.deepEqual(items.map((x) => x.id), [p.id], `q=${q} as ${who}: the one practice`);
      const { text, hits } = snippetOf(items[0], `q=${q}`);
      assert.ok(hits.length >= 1, `q=${q}: a hit: ${JSON.stringify(items[0].snippet)}`);
      for (const h of hits) assert.ok(h.toLowerCase().includes('lanternword'), `q=${q}: the hit ${JSON.stringify(h)} holds the word`);
      assert.ok(text.toLowerCase().includes('lanternword'), `q=${q}: the snippet shows the word`);
      const { snippet, ...rest } = items[0];
      assert.deepEqual(rest, listed(await read(who, p.id)), 'the rest as listed');
    }
  }
  assert.ok(!(await found('org_admin', 'q=lanternword')).some((x) => x.id === other.id));
  assert.deepEqual(await found('org_admin', 'q=lanternword%20nothing'), [], 'every word must be found');
});

test('search ranks a title match above a body-only match, finds words of the summary and tags, combines with theme, country and tag filters', async () => {
  const platform = { level: 'platform', tlp: 'GREEN' };
  const inBody = await share('org_admin', valid({
    title: 'Harbour checks (fictional)', ...platform, body: 'The beaconword list is kept at the harbour (fictional).',
  }));
  const inTitle = await share('org_admin', valid({
    title: 'Beaconword checks (fictional)', ...platform, body: 'The list is kept at the harbour office (fictional).',
  }));
  assert.deepEqual((await found('analyst', 'q=beaconword')).map((x) => x.id), [inTitle.id, inBody.id], 'the title match first');

  const a = await share('org_admin', valid({ title: 'Meadow A (fictional)', summary: 'A meadowword summary (fictional).', theme: 'protection', country: 'NP',
    tags: ['Hotline'], level: 'platform', tlp: 'GREEN' }));
  const b = await share('case_worker', valid({
    title: 'Meadow B (fictional)', summary: 'Plain (fictional).', body: 'meadowword in the body', theme: 'prevention',
    country: 'IN', tags: ['school', 'hotline'], level: 'platform', tlp: 'GREEN' }));
  const c = await share('case_worker', valid({ title: 'Meadow C (fictional)', summary: 'Plain (fictional).', theme: 'prevention', country: 'IN',
    tags: ['meadowword'], level: 'platform', tlp: 'GREEN' }));
  const ids = async (q) => (await found('viewer', q)).map((x) => x.id).sort();
  assert.deepEqual(await ids('q=meadowword'), [a.id, b.id, c.id].sort(), 'in the summary, the body and the tags');
  assert.deepEqual(await ids('q=meadowword&theme=protection'), [a.id]);
  assert.deepEqual(await ids('q=meadowword&theme=prevention'), [b.id, c.id].sort());
  assert.deepEqual(await ids('q=meadowword&country=in'), [b.id, c.id].sort(), 'country in any case');
  assert.deepEqual(await ids('q=meadowword&country=LK'), []);
  assert.deepEqual(await ids('q=meadowword&tag=HOTLINE'), [a.id, b.id].sort(), 'tag in any case');
  assert.deepEqual(await ids('q=meadowword&tag=school&theme=prevention&country=IN'), [b.id]);
  assert.deepEqual(await ids('q=meadowword&tag=hot'), [], 'a tag is matched whole');
  assert.deepEqual((await walk('viewer', 'tag=hotline')).map((x) => x.id).sort(), [a.id, b.id].sort(), 'the tag filter without q');
});

test('every search result has a snippet marking a hit, whether the word is in the title, the summary, the tags or the body', async () => {
  for (const [q, n] of [['beaconword', 2], ['meadowword', 3], ['lanternword', 1]]) {
    const items = await found('viewer', `q=${q}`);
    assert.equal(items.length, n, `q=${q}: ${n} results`);
    for (const p of items) {
      const { hits } = snippetOf(p, `q=${q}: ${p.title}`);
      assert.ok(hits.some((h) => h.toLowerCase().includes(q)), `q=${q}: the snippet of ${p.title} marks the word: ${JSON.stringify(p.snippet)}`);
    }
  }
});

test('the tag filter takes % and _ as they are, not as patterns', async () => {
  assert.ok((await walk('viewer', 'tag=hotline')).length >= 2, 'tagged practices exist');
  for (const tag of ['%25', '_', '%25hot%25', 'h_tline'])
    assert.deepEqual(await walk('viewer', `tag=${tag}`), [], `tag=${decodeURIComponent(tag)}: no practice has that tag`);
  assert.deepEqual(await found('viewer', 'q=meadowword&tag=%25'), [], 'the same when searching');
});

test('q with no word is 422 q; q with FTS syntax never errors; limit over 100 when searching is 422 limit', async () => {
  for (const q of ['+++', '', '  ', '()', '""', '*', '-', ':', "'", '\\', '&|!<->', '" *'])
    invalid(await call('GET', `/api/v1/practices?q=${encodeURIComponent(q)}`, as('org_admin')), ['q'], `q=${q}`);
  invalid(await call('GET', '/api/v1/practices?q=%2B%2B%2B&limit=101', as('org_admin')), ['q', 'limit'], 'no word and limit 101');
  for (const q of ['" OR *', 'NEAR(', 'title:x', 'lanternword*', '"lanternword', 'a AND b OR NOT c', 'body:lanternword', '^lanternword', 'x:y:z',
    '(lanternword', 'lanternword)', '{title}:lanternword', 'NEAR(lanternword beaconword, 2)', '-lanternword', 'lanternword -beaconword',
    'lanternword & !beaconword | x <-> y', "it's", 'back\\slash'])
    ok(await call('GET', `/api/v1/practices?q=${encodeURIComponent(q)}`, as('org_admin')), 200, `q=${q}`);
  assert.equal((await found('org_admin', `q=${encodeURIComponent('(lanternword')}`)).length, 1, 'punctuation around a word is ignored');
  assert.equal((await found('org_admin', `q=${encodeURIComponent('body:lanternword')}`)).length, 0, '"body" is a word to find, not a column');
  for (const limit of [101, 500])
    invalid(await call('GET', `/api/v1/practices?q=lanternword&limit=${limit}`, as('org_admin')), ['limit'], `q with limit=${limit}`);
  ok(await call('GET', '/api/v1/practices?q=lanternword&limit=100', as('org_admin')), 200, 'q with limit=100');
  for (const cursor of ['abc', '0', '-1', 'lanternword'])
    invalid(await call('GET', `/api/v1/practices?q=lanternword&cursor=${cursor}`, as('org_admin')), ['cursor'], `q with cursor=${cursor}`);
});

test('search never returns or counts a practice the user may not see', async () => {
  const hidden = await share('case_worker', valid({ title: 'Pune internal (fictional)', body: 'Only Pune knows the zephyrquill procedure (fictional).' }));
  const kathmandu = await share('org_admin', valid({ title: 'Kathmandu internal (fictional)', body: 'The quorumfinch list (fictional).' }));
  assert.deepEqual((await found('case_worker', 'q=zephyrquill')).map((x) => x.id), [hidden.id], 'Pune finds its own');
  for (const who of [ANON, 'org_admin', 'investigator', 'analyst', 'viewer', 'platform_admin']) {
    for (const limit of [1, 100]) {
      const page = ok(await call('GET', `/api/v1/practices?q=zephyrquill&limit=${limit}`, as(who)), 200, `q=zephyrquill as ${who}`);
      assert.deepEqual(page, { items: [], next_cursor: null }, `q=zephyrquill&limit=${limit} as ${who}: nothing, and no next page`);
    }
  }
  for (const who of [ANON, 'case_worker', 'viewer']) {
    const page = ok(await call('GET', '/api/v1/practices?q=quorumfinch&limit=1', as(who)), 200, `q=quorumfinch as ${who}`);
    assert.deepEqual(page, { items: [], next_cursor: null }, `q=quorumfinch as ${who}`);
  }
  assert.deepEqual((await found('ktm_viewer', 'q=quorumfinch')).map((x) => x.id), [kathmandu.id], 'the Kathmandu viewer finds it');
  // A word in both a visible and a hidden practice: the visible one alone, on one page.
  const visible = await share('org_admin', valid({
    title: 'Shared word (fictional)', level: 'platform', tlp: 'GREEN', body: 'zephyrquill, as Pune calls it (fictional).',
  }));
  for (const who of ['viewer', 'org_admin']) {
    const page = ok(await call('GET', '/api/v1/practices?q=zephyrquill&limit=1', as(who)), 200, `q=zephyrquill&limit=1 as ${who}`);
    assert.deepEqual(page.items.map((x) => x.id), [visible.id], `${who}: the visible one`);
    if (page.next_cursor !== null)
      assert.deepEqual(ok(await call('GET', `/api/v1/practices?q=zephyrquill&limit=1&cursor=${page.next_cursor}`, as(who)), 200, 'page 2').items, [],
        `${who}: no hidden practice on the next page`);
  }
  const anon = await found(ANON, 'q=zephyrquill');
  assert.deepEqual(anon, [], 'anonymous: nothing');
});

test('anonymous search finds public practices alone', async () => {
  const pub = await share('org_admin', valid({ title: 'Public pebbleword guide (fictional)', level: 'public', tlp: 'CLEAR' }));
  const plat = await share('org_admin', valid({ title: 'Platform pebbleword guide (fictional)', level: 'platform', tlp: 'GREEN' }));
  assert.deepEqual((await found(ANON, 'q=pebbleword')).map((x) => x.id), [pub.id]);
  assert.deepEqual((await found('viewer', 'q=pebbleword')).map((x) => x.id).sort(), [pub.id, plat.id].sort());
});

test('search pages with limit and next_cursor: every match once, in rank order', async () => {
  const xs = [];
  for (let i = 0; i < 7; i++)
    xs.push(await share(i % 2 ? 'case_worker' : 'org_admin', valid({
      title: `Thistle practice ${i} (fictional)`, level: 'platform', tlp: 'GREEN', body: `${'thistleword '.repeat(i + 1)}and more (fictional).`,
    })));
  const all = await found('viewer', 'q=thistleword');
  assert.deepEqual(all.map((x) => x.id).sort(), xs.map((x) => x.id).sort(), 'every match on one page');
  for (const limit of [1, 2, 3]) {
    const pages = await walk('viewer', 'q=thistleword', limit);
    assert.deepEqual(pages.map((x) => x.id), all.map((x) => x.id), `pages of ${limit}: the same order, each once`);
  }
  const first = ok(await call('GET', '/api/v1/practices?q=thistleword&limit=3', as('viewer')), 200, 'limit=3');
  assert.equal(typeof first.next_cursor, 'string');
  invalid(await call('GET', `/api/v1/practices?q=thistleword&limit=3&cursor=${xs[0].id}`, as('viewer')), ['cursor'],
    'an id is not a cursor of a search');
});

test('Devanagari text is found by search', async () => {
  const p = await share('org_admin', valid({
    title: 'सीमा सचेतना अभ्यास (fictional)', summary: 'काल्पनिक सारांश (fictional).',
    level: 'platform', tlp: 'GREEN',
    body: 'यो मानव बेचबिखन विरुद्धको काल्पनिक अभ्यास हो। (fictional)',
  }));
  const other = await share('org_admin', valid({
    title: 'Devanagari control (fictional)', level: 'platform', tlp: 'GREEN', body: 'सामान्य पाठ मात्र (fictional)',
  }));
  for (const q of ['बेचबिखन', 'मानव बेचबिखन', 'सचेतना', 'विरुद्धको'])
    assert.deepEqual((await found('viewer', `q=${encodeURIComponent(q)}`)).map((x) => x.id), [p.id], `q=${q}`);
  assert.deepEqual((await found('viewer', `q=${encodeURIComponent('सामान्य')}`)).map((x) => x.id), [other.id], 'the other one');
  assert.deepEqual(await found('viewer', `q=${encodeURIComponent('मानव सामान्य')}`), [], 'both words in neither');
  const [hit] = await found('viewer', `q=${encodeURIComponent('बेचबिखन')}`);
  assert.ok(snippetOf(hit, 'Devanagari').text.includes('बेचबिखन'), `the snippet shows the phrase: ${JSON.stringify(hit.snippet)}`);
});

// ---- 6. changes -----------------------------------------------------------------------------

test('PATCH with the version: 200, version + 1, the search follows the change; a stale version 409; no version 422', async () => {
  const p = await share('org_admin', valid({
    title: 'Changing practice (fictional)', level: 'platform', tlp: 'GREEN', body: 'The oldword method.', tags: ['One'],
  }));
  const path = `/api/v1/practices/${p.id}`;
  let res = await call('PATCH', path, { session: sessions.investigator, body: { body: 'The newword **method**.', tags: ['Two', 'three'], version: 1 } });
  const v2 = ok(res, 200, 'PATCH body and tags');
  audited.push({ action: 'practice.update', rid: res.rid, record: p.id, actor: sessions.investigator.user.id, chain: org.ktm });
  assert.deepEqual(Object.keys(v2).sort(), wholeKeys);
  assert.deepEqual([v2.body, v2.body_html, v2.tags, v2.version, v2.title], ['The newword **method**.', '<p>The newword <strong>method</strong>.</p>\n',
    ['two', 'three'], 2, p.title]);
  assert.deepEqual(await read('viewer', p.id), v2, 'GET answers what PATCH did');
  assert.deepEqual(await found('viewer', 'q=oldword'), [], 'the old word is gone from the index');
  assert.deepEqual((await found('viewer', 'q=newword')).map((x) => x.id), [p.id], 'the new word is found');
  assert.deepEqual((await walk('viewer', 'tag=three')).map((x) => x.id), [p.id], 'the new tags');
  assert.deepEqual(await walk('viewer', 'tag=one'), [], 'the old tags are gone');

  for (const version of [1, 0, 3])
    problem(await call('PATCH', path, { session: sessions.org_admin, body: { title: 'Stale (fictional)', version } }), 409, `PATCH version ${version}`);
  for (const [what, body, fields] of [
    ['no version', { title: 'x' }, ['version']],
    ['an empty title', { title: '', version: 2 }, ['title']],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`), version: 2 }, ['tags']],
    ['level public under GREEN', { level: 'public', version: 2 }, ['level']],
    ['a bad published_on', { published_on: '2024-13-01', version: 2 }, ['published_on']],
    ['an unknown field', { colour: 'x', version: 2 }, ['colour']],
  ])
    invalid(await call('PATCH', path, { session: sessions.org_admin, body }), fields, `PATCH ${what}`);
  assert.deepEqual(await read('org_admin', p.id), v2, 'the refused changes took no effect');

  res = await call('PATCH', path, {
    session: sessions.org_admin, body: { level: 'public', tlp: 'CLEAR', country: 'lk', published_on: '2025-01-31', version: 2 },
  });
  const v3 = ok(res, 200, 'PATCH to public');
  audited.push({ action: 'practice.update', rid: res.rid, record: p.id, actor: sessions.org_admin.user.id, chain: org.ktm });
  assert.deepEqual([v3.level, v3.tlp, v3.country, v3.published_on, v3.version, v3.body], ['public', 'CLEAR', 'LK', '2025-01-31', 3, v2.body]);
  assert.equal((await read(ANON, p.id)).version, 3, 'anonymous clients read it now');
  assert.deepEqual((await found(ANON, 'q=newword')).map((x) => x.id), [p.id], 'and find it');

  res = await call('PATCH', path, { session: sessions.org_admin, body: { country: '', published_on: '', version: 3 } });
  const v4 = ok(res, 200, 'PATCH country and published_on ""');
  audited.push({ action: 'practice.update', rid: res.rid, record: p.id, actor: sessions.org_admin.user.id, chain: org.ktm });
  assert.deepEqual([v4.country, v4.published_on, v4.version], [null, null, 4]);
});

test('PATCH: only the owner\'s writers; other organisations 404 or 403; anonymous 401', async () => {
  const body = { title: 'Taken over (fictional)', version: 1 };
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin', 'ktm_viewer'])
    forbidden(await call('PATCH', `/api/v1/practices/${lib.platform.id}`, { session: sessions[who], body }), `PATCH a platform-level practice as ${who}`);
  for (const who of ['case_worker', 'analyst', 'viewer'])
    problem(await call('PATCH', `/api/v1/practices/${lib.org.id}`, { session: sessions[who], body }), 404, `PATCH an org-level practice as ${who}`);
  for (const p of [lib.public, lib.platform]) problem(await call('PATCH', `/api/v1/practices/${p.id}`, { body }), 401, 'PATCH anonymous');
  problem(await call('PATCH', `/api/v1/practices/${unknownId}`, { session: sessions.org_admin, body }), 404, 'PATCH an unknown practice');
  problem(await call('PATCH', `/api/v1/practices/${lib.org.id}`, { session: sessions.org_admin, csrf: null, body }), 403, 'PATCH without X-CSRF-Token');
  for (const p of [lib.org, lib.platform, lib.public]) assert.equal((await read('org_admin', p.id)).version, 1, `${p.title}: unchanged`);
});

// ---- 7. the audit trail -------------------------------------------------------------------------

test('GET /api/v1/audit: a practice.create or practice.update entry for every change, with its request id', async () => {
  for (const chain of [org.ktm, org.pune]) {
    const list = ok(await call('GET', `/api/v1/audit?limit=500&org_id=${chain}`, { session: sessions.platform_admin }), 200, 'GET /api/v1/audit');
    assert.equal(list.next_cursor, null);
    const mine = audited.filter((x) => x.chain === chain);
    for (const x of mine) {
      const e = list.items.find((i) => i.request_id === x.rid && i.action === x.action);
      assert.ok(e, `a ${x.action} entry for ${x.rid}`);
      assert.deepEqual([e.record_kind, e.record_id, e.outcome, e.actor_user], ['practice', x.record, 'ok', x.actor], JSON.stringify(e));
    }
    assert.deepEqual(list.items.filter((i) => i.action.startsWith('practice.')).map((i) => i.request_id).sort(), mine.map((x) => x.rid).sort(),
      'exactly the changes made');
  }
});

test('atip stops cleanly on SIGTERM; atip audit verify is ok', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  const { entries } = auditVerify(env);
  assert.ok(entries >= audited.length, `${entries} entries`);
});

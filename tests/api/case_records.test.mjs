// Case records over the API (src/cases/), against a real `atip serve` whose
// data dir was filled by `atip demo`:
//
//  1. GET /api/v1/cases/forms: the HTCDS vocabulary, to every signed-in
//     role; which fields are personal; districts=NP|LK|BD|IN.
//  2. Lists (GET /api/v1/cases): filters status, exploitation, gender,
//     age_band, country (of an event), flag, view=mine|incoming, each
//     exact; pages of limit with next_cursor; 422 naming every bad
//     parameter; never a personal field, never another organisation's
//     org-level case.
//  3. Need to know: the plain GET shows no personal field and
//     personal_included false; personal=true answers the owner's case
//     workers and investigators and those of an organisation holding a
//     grant (for the grant's fields only), 403 to every other role that
//     sees the case, 404 to those that do not; every personal read is one
//     "case.read_personal" audit entry under the response's X-Request-Id,
//     refusals and plain reads none; the owner sees the grantee's reads in
//     GET /api/v1/audit/record.  A role without need to know writing a
//     personal field: 403, nothing written.
//  4. Ciphertext at rest: no distinctive personal value anywhere in the
//     database (the SQLite file and its WAL, or pg_dump) nor in the log;
//     the sealed column maps each personal field to a ciphertext, two equal
//     values to different ones.
//  5. Consent: a grant needs every victim's consent (given, scope Sharing,
//     naming the organisation, not withdrawn, valid_until not past), else
//     422 naming override_reason; an override with a reason of 15
//     characters or more passes and is audited "case.grant_override"; a
//     minor's (age band 0-11, 12-17) consent is a guardian's or a competent
//     authority's with a best-interest decision; refused grants change
//     nothing; a grant ends with DELETE.
//  6. Stale versions: PATCH of a case, a person and every kind of item with
//     an old version is 409 and changes nothing (not even the ciphertexts).
//  7. Validation: 422 naming each wrong field (unknown fields, picklists,
//     countries, districts, phones, dates, Bikram Sambat dates via
//     <field>_bs), "Unknown" accepted, nothing half-written.
//  8. Break glass: a reason of 15 characters or more (422), case workers
//     and investigators only (403), not on a hidden case (404); the access
//     answers the personal data, is audited "case.break_glass" and flagged
//     for the owner's org admin (GET /api/v1/audit/flags).
//  9. Transfer: request (notifying every user of the receiving
//     organisation), decline, request again, accept; the wrong role 403,
//     another organisation 404; the new owner reads the personal data; the
//     former owner (and the former grantee) lose the case.
// 10. Erasure: personal data gone for good (even with personal=true), the
//     sealed columns '{}' and the data key NULL, the plain fields kept; no
//     personal write afterwards; audited and flagged.
// 11. Follow-ups: the 1, 3, 6, 12-month schedule with month-end clamping,
//     the overdue list (GET /api/v1/followups, days=N); risk flags (Minor,
//     Debt, MissedFollowUps, TraffickedBefore) and the flag= filter.
// 12. The person's own copy (GET .../persons/{pid}/copy): a download,
//     audited "case.copy".
// 13. No discussion threads on a case (422 naming record_kind).
// 14. A withdrawn consent ends the grants resting on it (not an override);
//     the giving organisation hears of a transfer's answer; gender and age
//     band filters look at victims only.
// 15. `atip audit verify` passes after SIGTERM.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  Added here: a case worker, an
// analyst and a viewer of Kathmandu (by its org admin); a case worker of
// the Secretariat and a viewer of Pune (by the platform admin).
//
// The data dir and database are this file's own, so lists are exact.  Every
// name, number and note is fictional; phone numbers are +97798000000xx.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, serve, sql, uuid } from './server.mjs';

let server;
const { call, signInWithCode, signInPlain, addUser: addAccount, signInEnrolled } = client(() => server);

// ---- the vocabulary, restated from src/cases/cases_forms.c -------------------

const identity = ['first_name', 'middle_name', 'family_name', 'father_name', 'aliases', 'birth_date', 'birth_year', 'home_district', 'identity_number', 'email', 'home_phone',
  'mobile_phone', 'mailing_street', 'mailing_city', 'mailing_state', 'mailing_postal_code', 'mailing_country'];
const personalOf = {
  case: ['closure_reason'],
  victim: ['vulnerability_details', ...identity],
  perpetrator: ['role_details', ...identity],
  event: ['description'],
  timeline: ['notes'],
  consent: ['best_interest'],
  plan: ['objectives', 'action_plan'],
  followup: ['notes'],
};
const PERSONAL = new Set(Object.values(personalOf).flat());
const itemLists = { event: 'events', timeline: 'timeline', consent: 'consents', plan: 'plans', followup: 'followups' };
const summaryKeys = ['erased', 'group_id', 'id', 'level', 'owner_country', 'owner_org', 'perpetrators', 'reference', 'risk_flags',
  'status', 'tlp', 'transfer_to', 'updated_at', 'version', 'victims'];

// ---- the environment -----------------------------------------------------------

const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};
const homeOf = {
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
  ktm_case_worker: 'ktm', ktm_analyst: 'ktm', ktm_viewer: 'ktm', sec_case_worker: 'secretariat', pune_viewer: 'pune',
};
const everyone = Object.keys(homeOf);

let env;
let data;
const org = {};
const sessions = {};
let unknownId;

/** Adds an account through POST /api/v1/users as who (client.mjs addUser). */
const addUser = (who, name, role, orgId) => addAccount(sessions[who], { name, role, orgId, tag: 'cases' });

before(async () => {
  env = environment('case_records');
  data = demo(env);
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  unknownId = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  server = await serve(env);
  for (const role of Object.keys(data.accounts)) sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
  sessions.ktm_case_worker = await signInEnrolled(await addUser('org_admin', 'ktm.case_worker', 'case_worker', org.ktm), 'the Kathmandu case worker');
  sessions.ktm_analyst = await signInPlain(await addUser('org_admin', 'ktm.analyst', 'analyst', org.ktm), 'the Kathmandu analyst');
  sessions.ktm_viewer = await signInPlain(await addUser('org_admin', 'ktm.viewer', 'viewer', org.ktm), 'the Kathmandu viewer');
  sessions.sec_case_worker = await signInEnrolled(await addUser('platform_admin', 'sec.case_worker', 'case_worker', org.secretariat),
    'the Secretariat case worker');
  sessions.pune_viewer = await signInPlain(await addUser('platform_admin', 'pune.viewer', 'viewer', org.pune), 'the Pune viewer');
  for (const who of everyone) assert.equal(sessions[who].user.org_id, org[homeOf[who]], `${who} belongs to ${homeOf[who]}`);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- helpers ------------------------------------------------------------------------

/** text as an SQL string literal. */
const q = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** A date n days from today (UTC), YYYY-MM-DD. */
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

const base = (id) => `/api/v1/cases/${id}`;

/** POST /api/v1/cases as who: 201, the case. */
async function openCase(who, body, what = `POST /api/v1/cases as ${who}`) {
  const res = await call('POST', '/api/v1/cases', { session: sessions[who], body });
  const c = ok(res, 201, what);
  assert.match(c.id, uuid, `${what}: id`);
  assert.deepEqual([c.owner_org, c.version, c.kind, c.erased_at, c.transfer], [sessions[who].user.org_id, 1, 'case', null, null], `${what}: new`);
  assertAudited(res, 'case.create', who, c.id, what);
  return c;
}

/** POST a sub-resource of a case as who: the entry (201). */
async function add(who, caseId, sub, body, what = `POST ${sub} as ${who}`) {
  const res = await call('POST', `${base(caseId)}/${sub}`, { session: sessions[who], body });
  const e = ok(res, 201, what);
  assert.match(e.id, uuid, `${what}: id`);
  assert.equal(e.version, 1, `${what}: version`);
  return e;
}

/** GET a case as who (personal: ?personal=true): the answer. */
const read = (who, id, personal = false) => call('GET', `${base(id)}${personal ? '?personal=true' : ''}`, { session: sessions[who] });

/** The case as who reads it without personal data (200). */
const plain = async (who, id) => ok(await read(who, id), 200, `GET case as ${who}`);

/** The personal fields anywhere in a case answer: ["persons[0].first_name", ...]. */
function personalIn(c) {
  const found = Object.keys(c).filter((k) => PERSONAL.has(k));
  for (const list of ['persons', ...Object.values(itemLists)])
    (c[list] || []).forEach((e, i) => { for (const k of Object.keys(e)) if (PERSONAL.has(k)) found.push(`${list}[${i}].${k}`); });
  return found;
}

/** The audit entries (action, chain, actor, kind, record, outcome) written under a request id. */
const auditOf = (rid) => sql(env, `SELECT action, chain, actor_user, record_kind, record_id, outcome FROM atip_audit
  WHERE request_id = ${q(rid)} ORDER BY seq`);

/** Asserts that the request of res left exactly one audit entry: action on the case, by who. */
function assertAudited(res, action, who, caseId, what) {
  assert.match(res.rid || '', /\S/, `${what}: an X-Request-Id`);
  assert.deepEqual(auditOf(res.rid), [[action, sessions[who].user.org_id, sessions[who].user.id, 'case', caseId, 'ok']],
    `${what}: one "${action}" audit entry under its request id`);
}

/** Asserts that the request of res left no audit entry at all. */
function assertNotAudited(res, what) {
  assert.deepEqual(auditOf(res.rid), [], `${what}: no audit entry under its request id`);
}

/** Asserts a 403 for the role (not for a missing CSRF token); the problem. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role: ${p.detail}`);
  return p;
}

/** Asserts the 404 that hides a record. */
function hidden(res, what) {
  const p = problem(res, 404, what);
  assert.equal(p.detail, 'There is nothing here.', what);
  return p;
}

/** Every page of GET /api/v1/cases?query as who: the items, in order. */
async function walk(who, query = '', limit = 500) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const p = `/api/v1/cases?${query ? `${query}&` : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = ok(await call('GET', p, { session: sessions[who] }), 200, `GET ${p} as ${who}`);
    assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], `GET ${p}: keys`);
    assert.ok(page.items.length <= limit, `GET ${p}: at most ${limit}`);
    for (const s of page.items) {
      const keys = [...summaryKeys, ...('case_owner' in s ? ['case_owner'] : [])].sort();
      assert.deepEqual(Object.keys(s).sort(), keys, `GET ${p}: the fields of a summary, none personal: ${JSON.stringify(s)}`);
    }
    items.push(...page.items);
    if (page.next_cursor === null) return items;
    assert.equal(typeof page.next_cursor, 'string', `GET ${p}: next_cursor`);
    cursor = page.next_cursor;
  }
  assert.fail(`GET /api/v1/cases?${query}: no last page`);
}

/** The ids of GET /api/v1/cases?query as who, every page. */
const ids = async (who, query = '') => (await walk(who, query)).map((s) => s.id);

// ---- 1. the vocabulary -----------------------------------------------------------------

test('GET /api/v1/cases/forms: every signed-in role reads the forms; personal fields as cases_forms.c marks them; districts', async () => {
  for (const who of ['viewer', 'analyst', 'investigator', 'platform_admin']) {
    const res = await call('GET', '/api/v1/cases/forms', { session: sessions[who] });
    const f = ok(res, 200, `GET /api/v1/cases/forms as ${who}`);
    assert.deepEqual(Object.keys(f), ['forms'], `${who}: keys`);
    assert.deepEqual(Object.keys(f.forms).sort(), Object.keys(personalOf).sort(), `${who}: the forms`);
    for (const [form, fields] of Object.entries(f.forms)) {
      for (const x of fields) {
        assert.equal(typeof x.htcds, 'string', `${form}.${x.name}: htcds`);
        assert.equal(x.personal, personalOf[form].includes(x.name), `${form}.${x.name}: personal`);
        if (x.values) assert.equal(x.values.at(-1), 'Unknown', `${form}.${x.name}: every picklist takes Unknown`);
      }
      assert.deepEqual(fields.filter((x) => x.personal).map((x) => x.name).sort(), [...personalOf[form]].sort(), `${form}: personal fields`);
    }
    assert.deepEqual(f.forms.event.filter((x) => x.required).map((x) => x.name), ['type'], 'an event requires its type');
  }
  const np = ok(await call('GET', '/api/v1/cases/forms?districts=NP', { session: sessions.viewer }), 200, 'districts=NP');
  assert.ok(np.districts.some((d) => d.code === 'NP-P3-kathmandu' && d.subdivision === 'NP-P3' && d.name === 'Kathmandu'), 'Kathmandu district');
  assert.ok(np.districts.every((d) => d.code.startsWith('NP-')), 'Nepal\'s districts only');
  invalid(await call('GET', '/api/v1/cases/forms?districts=FR', { session: sessions.viewer }), ['districts'], 'districts=FR');
  problem(await call('GET', '/api/v1/cases/forms'), 401, 'anonymous');
});

// ---- 2. lists ---------------------------------------------------------------------------

const L = {}; // the list fixtures, by name

test('lists: every filter answers exactly its cases, newest first; another organisation\'s org-level cases never', async () => {
  const inv = sessions.investigator.user.id;
  const kcw = sessions.ktm_case_worker.user.id;
  // Kathmandu's, at level org.
  L.l1 = await openCase('investigator', { reference: 'LIST-1 (fictional)', case_owner: inv });
  await add('investigator', L.l1.id, 'persons', { role: 'victim', gender: 'Feminine', age_band: '12-17', exploitation_types: ['SexualExploitation'] });
  await add('investigator', L.l1.id, 'events', { type: 'Exploitation', country: 'IN', date: '2025-03-02' });
  L.l2 = await openCase('investigator', { reference: 'LIST-2 (fictional)', status: 'FollowUp' });
  await add('investigator', L.l2.id, 'persons', { role: 'victim', gender: 'Masculine', age_band: '25-34', exploitation_types: ['ForcedLabour'], control_methods: ['DebtBondage'] });
  await add('investigator', L.l2.id, 'events', { type: 'Recruitment', district: 'NP-P3-sindhupalchok' });
  L.l3 = await openCase('ktm_case_worker', { reference: 'LIST-3 (fictional)', status: 'Closed', closure_reason: 'Reintegrated with her family (fictional).', case_owner: kcw });
  await add('ktm_case_worker', L.l3.id, 'persons', { role: 'victim', gender: 'Feminine', age_band: '18-24', exploitation_types: ['ForcedLabour', 'ForcedCriminality'] });
  await add('ktm_case_worker', L.l3.id, 'events', { type: 'Exploitation', country: 'LK' });
  L.l4 = await openCase('investigator', { reference: 'LIST-4 (fictional)' });
  await add('investigator', L.l4.id, 'persons', { role: 'perpetrator', age_band: '35-49', roles: ['RecruiterOrIntermediary'] });
  L.l5 = await openCase('org_admin', { reference: 'LIST-5 (fictional)', risk_flags: ['TraffickedBefore'] });
  // Pune's: one for its own eyes, one for every member.
  L.p2 = await openCase('case_worker', { reference: 'PUNE-2 (fictional)' });
  await add('case_worker', L.p2.id, 'persons', { role: 'victim', gender: 'Feminine', age_band: '12-17', exploitation_types: ['ForcedLabour'] });
  L.p1 = await openCase('case_worker', { reference: 'PUNE-1 (fictional)', level: 'platform', tlp: 'GREEN' });
  await add('case_worker', L.p1.id, 'persons', { role: 'victim', gender: 'Feminine', age_band: '25-34', exploitation_types: ['ForcedLabour'] });

  const { l1, l2, l3, l4, l5, p1, p2 } = Object.fromEntries(Object.entries(L).map(([k, v]) => [k, v.id]));
  const all = [p1, l5, l4, l3, l2, l1];
  assert.deepEqual(await ids('investigator'), all, 'no filter');
  assert.deepEqual(await ids('investigator', 'view=all'), all, 'view=all');
  for (const [query, want] of [
    ['status=Active', [p1, l5, l4, l1]],
    ['status=FollowUp', [l2]],
    ['status=Closed', [l3]],
    ['status=ClosedReferred', []],
    ['exploitation=ForcedLabour', [p1, l3, l2]],
    ['exploitation=ForcedCriminality', [l3]],
    ['exploitation=SexualExploitation', [l1]],
    ['gender=Feminine', [p1, l3, l1]],
    ['gender=Masculine', [l2]],
    ['age_band=12-17', [l1]],
    ['age_band=25-34', [p1, l2]],
    ['age_band=50%2B', []],
    ['country=IN', [l1]],
    ['country=np', [l2]], // a district brings its country; the filter takes lower case
    ['country=LK', [l3]],
    ['country=BD', []],
    ['flag=Minor', [l1]],
    ['flag=Debt', [l2]],
    ['flag=TraffickedBefore', [l5]],
    ['status=Active&gender=Feminine', [p1, l1]],
    ['status=Active&exploitation=ForcedLabour&age_band=25-34', [p1]],
    ['view=mine', [l1]],
    ['view=incoming', []],
  ]) assert.deepEqual(await ids('investigator', query), want, `GET /api/v1/cases?${query}`);
  assert.deepEqual(await ids('ktm_case_worker', 'view=mine'), [l3], 'view=mine of the Kathmandu case worker');
  assert.deepEqual(await ids('org_admin', 'view=mine'), [], 'view=mine of the org admin: no case is theirs');
  // The other side: Pune sees its own two and nothing of Kathmandu's.
  assert.deepEqual(await ids('case_worker'), [p1, p2], 'the Pune case worker');
  assert.deepEqual(await ids('case_worker', 'age_band=12-17'), [p2], 'the Pune case worker, age_band=12-17');
  for (const who of ['analyst', 'viewer', 'platform_admin', 'sec_case_worker'])
    assert.deepEqual(await ids(who), [p1], `${who}: the platform-level case alone`);
  for (const id of [l1, l2, l3, l4, l5])
    for (const who of ['case_worker', 'analyst', 'platform_admin']) hidden(await read(who, id), `GET a Kathmandu org-level case as ${who}`);
  hidden(await read('investigator', p2), 'GET Pune\'s org-level case as the Kathmandu investigator');

  // A summary: counts and stored flags, no personal field (walk() checks the keys).
  const [s3] = (await walk('investigator', 'status=Closed'));
  assert.deepEqual([s3.reference, s3.victims, s3.perpetrators, s3.erased, s3.case_owner, s3.transfer_to], ['LIST-3 (fictional)', 1, 0, false, kcw, null]);
  const [s4] = (await walk('investigator', 'status=Active')).filter((s) => s.id === l4);
  assert.deepEqual([s4.victims, s4.perpetrators, s4.risk_flags], [0, 1, []], 'LIST-4: a perpetrator, no flag');
  assert.ok(!JSON.stringify(await walk('investigator')).includes('Reintegrated'), 'no closure reason in a list');
});

test('lists: limit pages with next_cursor, without duplicates or gaps; the same pages under a filter', async () => {
  assert.ok(L.l1, 'made by the previous test');
  const all = await ids('investigator');
  for (const limit of [1, 2, 4]) {
    const items = await walk('investigator', '', limit);
    assert.deepEqual(items.map((s) => s.id), all, `limit=${limit}: the pages follow the whole list`);
  }
  const first = ok(await call('GET', '/api/v1/cases?limit=2', { session: sessions.investigator }), 200, 'limit=2');
  assert.equal(first.items.length, 2);
  assert.equal(first.next_cursor, first.items[1].id, 'next_cursor after a full page');
  const second = ok(await call('GET', `/api/v1/cases?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`, { session: sessions.investigator }), 200, 'page 2');
  assert.deepEqual(second.items.map((s) => s.id), all.slice(2, 4), 'the second page');
  assert.deepEqual((await walk('investigator', 'status=Active', 1)).map((s) => s.id), await ids('investigator', 'status=Active'), 'status=Active, limit=1');
});

test('lists: 422 naming every bad parameter at once; the bounds are fine', async () => {
  const res = await call('GET', '/api/v1/cases?status=Open&exploitation=Slavery&gender=F&age_band=12&country=XX&flag=Overdue&view=theirs&limit=0&cursor=abc',
    { session: sessions.investigator });
  invalid(res, ['status', 'exploitation', 'gender', 'age_band', 'country', 'flag', 'view', 'limit', 'cursor'], 'every parameter wrong');
  for (const [p, field] of [
    ['status=active', 'status'], ['gender=feminine', 'gender'], ['country=NPL', 'country'], ['country=', 'country'],
    ['flag=Unknown2', 'flag'], ['limit=501', 'limit'], ['limit=-1', 'limit'], ['limit=x', 'limit'], ['cursor=12345', 'cursor'],
  ]) invalid(await call('GET', `/api/v1/cases?${p}`, { session: sessions.investigator }), [field], `GET /api/v1/cases?${p}`);
  assert.equal((await walk('investigator', '', 500)).length, 6, 'limit=500');
  ok(await call('GET', '/api/v1/cases?status=Unknown', { session: sessions.investigator }), 200, 'status=Unknown is a picklist value');
  problem(await call('GET', '/api/v1/cases'), 401, 'anonymous');
});

// ---- 3. need to know ---------------------------------------------------------------------

// Kathmandu's case at level country (TLP AMBER): every Nepali member sees it.
let K; // { case, victim, perpetrator, event, timeline, plan, followup, written }
const victimPersonal = {
  first_name: 'Sunita Zephyrine (fictional)', family_name: 'Tamang (fictional)', aliases: ['Sunu (fictional)'],
  birth_date: '2001-02-03', identity_number: 'FICTIONAL-ID-0001', email: 'sunita.fictional@example.invalid',
  mobile_phone: '+9779800000017', mailing_city: 'Zephyrine Tole (fictional)', mailing_country: 'NP',
  vulnerability_details: 'Fictional: left school after a flood; debts to a manpower agent.',
};
const victimPlain = { gender: 'Feminine', age_band: '18-24', citizenship: ['NP'], trafficking_status: 'ActualVictimOfTrafficking', exploitation_types: ['ForcedLabour'] };

test('need to know: the owner\'s case workers and investigators write a case with its persons and items', async () => {
  const c = await openCase('investigator', { reference: 'KTM-NTK-1 (fictional)', level: 'country', tlp: 'AMBER' });
  const victim = await add('investigator', c.id, 'persons', { role: 'victim', ...victimPlain, ...victimPersonal });
  assert.deepEqual(victim, { ...victim, ...victimPlain, ...victimPersonal, kind: 'victim' }, 'the writer gets back what was written');
  const perpetrator = await add('ktm_case_worker', c.id, 'persons', {
    role: 'perpetrator', gender: 'Masculine', roles: ['RecruiterOrIntermediary'], first_name: 'Ramesh Quillfeather (fictional)',
    role_details: 'Fictional: ran a manpower agency from a tea shop.',
  });
  const event = await add('investigator', c.id, 'events', {
    type: 'Transit', person_id: victim.id, district: 'NP-P3-kathmandu', date: '2025-01-10', date_to: '2025-01-12',
    description: 'Fictional: crossed at the Zephyrine checkpoint by night bus.',
  });
  assert.deepEqual([event.country, event.subdivision], ['NP', 'NP-P3'], 'the district fills in its country and subdivision');
  const timeline = await add('investigator', c.id, 'timeline', { type: 'Rescue', date: '2025-02-01', person_id: victim.id, org_id: org.ktm, notes: 'Fictional rescue notes.' });
  const plan = await add('ktm_case_worker', c.id, 'plans', { type: 'Livelihood', person_id: victim.id, objectives: 'Fictional: tailoring course.', planned_end: '2026-12-31' });
  const followup = await add('ktm_case_worker', c.id, 'followups', { due_on: day(30), person_id: victim.id, notes: 'Fictional: visit at home.' });
  K = { case: c, victim, perpetrator, event, timeline, plan, followup };
});

/** Reads K as who, plain and with personal=true, and checks both answers against want ([plain, personal]). */
async function readsAs(who, [wantPlain, wantPersonal], what) {
  const id = K.case.id;
  const p = await read(who, id);
  if (wantPlain === 200) {
    const c = ok(p, 200, `${what}: GET as ${who}`);
    assert.deepEqual(personalIn(c), [], `${what}: GET as ${who} shows no personal field`);
    assert.equal(c.personal_included, false, `${what}: GET as ${who}: personal_included`);
    assert.equal('grants' in c, sessions[who].user.org_id === c.owner_org, `${what}: GET as ${who}: grants for the owner alone`);
    assert.equal(c.persons.length, 2, `${what}: GET as ${who}: both persons, their plain fields`);
    assert.deepEqual(c.persons.find((x) => x.id === K.victim.id).exploitation_types, ['ForcedLabour']);
  } else {
    hidden(p, `${what}: GET as ${who}`);
  }
  assertNotAudited(p, `${what}: GET as ${who}`);
  const res = await read(who, id, true);
  if (wantPersonal === 200) {
    const c = ok(res, 200, `${what}: GET ?personal=true as ${who}`);
    assert.equal(c.personal_included, true, `${what}: personal_included`);
    assertAudited(res, 'case.read_personal', who, id, `${what}: GET ?personal=true as ${who}`);
    return c;
  }
  if (wantPersonal === 403) forbidden(res, `${what}: GET ?personal=true as ${who}`);
  else hidden(res, `${what}: GET ?personal=true as ${who}`);
  assertNotAudited(res, `${what}: GET ?personal=true as ${who}`);
  return null;
}

test('need to know: personal=true answers the owner\'s case workers and investigators alone, each read audited; the plain GET shows nothing personal', async () => {
  assert.ok(K, 'made by the previous test');
  const want = {
    investigator: [200, 200], ktm_case_worker: [200, 200],
    org_admin: [200, 403], ktm_analyst: [200, 403], ktm_viewer: [200, 403],
    platform_admin: [200, 403], sec_case_worker: [200, 403], // the Secretariat: same country
    case_worker: [404, 404], pune_viewer: [404, 404], analyst: [404, 404], viewer: [404, 404],
  };
  for (const who of everyone) {
    const c = await readsAs(who, want[who], 'no grant');
    if (!c) continue;
    const v = c.persons.find((x) => x.id === K.victim.id);
    assert.deepEqual(v, { ...K.victim, ...victimPersonal, ...victimPlain }, `${who}: the victim, personal fields and all`);
    const p = c.persons.find((x) => x.id === K.perpetrator.id);
    assert.deepEqual([p.first_name, p.role_details], ['Ramesh Quillfeather (fictional)', 'Fictional: ran a manpower agency from a tea shop.']);
    assert.equal(c.events[0].description, 'Fictional: crossed at the Zephyrine checkpoint by night bus.');
    assert.equal(c.timeline[0].notes, 'Fictional rescue notes.');
    assert.equal(c.plans[0].objectives, 'Fictional: tailoring course.');
    assert.equal(c.followups[0].notes, 'Fictional: visit at home.');
  }
  invalid(await call('GET', `${base(K.case.id)}?personal=yes`, { session: sessions.investigator }), ['personal'], 'personal=yes');
  const no = ok(await call('GET', `${base(K.case.id)}?personal=false`, { session: sessions.investigator }), 200, 'personal=false');
  assert.deepEqual([personalIn(no), no.personal_included], [[], false], 'personal=false: the plain case');
  hidden(await call('GET', base(unknownId), { session: sessions.investigator }), 'an unknown case');
  hidden(await call('GET', '/api/v1/cases/not-an-id?personal=true', { session: sessions.investigator }), 'a malformed id');
  problem(await call('GET', `${base(K.case.id)}?personal=true`), 401, 'anonymous');
});

test('need to know: a role without it writing a personal field is refused 403 and nothing is written; plain fields it may write', async () => {
  const id = K.case.id;
  const before = await plain('investigator', id);
  const sealed = sql(env, `SELECT sealed FROM case_persons WHERE case_id = ${q(id)} ORDER BY id`);
  const detail = 'Your role cannot write a victim\'s personal data.';
  for (const [what, method, p, body] of [
    ['adding a person with a name', 'POST', `${base(id)}/persons`, { role: 'victim', gender: 'Feminine', first_name: 'Written by an admin (fictional)' }],
    ['changing a phone number', 'PATCH', `${base(id)}/persons/${K.victim.id}`, { version: K.victim.version, mobile_phone: '+9779800000099' }],
    ['an event description', 'POST', `${base(id)}/events`, { type: 'Recruitment', description: 'Fictional description.' }],
    ['a follow-up note', 'PATCH', `${base(id)}/followups/${K.followup.id}`, { version: 1, notes: 'Fictional note.' }],
    ['a closure reason', 'PATCH', base(id), { version: before.version, closure_reason: 'Fictional reason.' }],
  ]) {
    const res = await call(method, p, { session: sessions.org_admin, body });
    assert.equal(forbidden(res, `the org admin: ${what}`).detail, detail, what);
    assertNotAudited(res, `the org admin: ${what}`);
  }
  forbidden(await call('POST', '/api/v1/cases', { session: sessions.org_admin, body: { reference: 'X (fictional)', closure_reason: 'Fictional.' } }),
    'the org admin opens a case with a closure reason');
  for (const who of ['ktm_analyst', 'ktm_viewer', 'platform_admin', 'sec_case_worker']) {
    forbidden(await call('POST', `${base(id)}/persons`, { session: sessions[who], body: { role: 'victim', gender: 'Feminine' } }), `${who} adds a person`);
    forbidden(await call('PATCH', base(id), { session: sessions[who], body: { version: before.version, reference: 'Changed (fictional)' } }), `${who} changes the case`);
  }
  for (const who of ['ktm_analyst', 'ktm_viewer', 'analyst', 'viewer'])
    forbidden(await call('POST', '/api/v1/cases', { session: sessions[who], body: { reference: `By ${who} (fictional)` } }), `${who} opens a case`);
  assert.deepEqual(await plain('investigator', id), before, 'the case is as it was');
  assert.deepEqual(sql(env, `SELECT sealed FROM case_persons WHERE case_id = ${q(id)} ORDER BY id`), sealed, 'the ciphertexts are as they were');

  // The org admin writes what is not personal, and gets back nothing personal.
  const own = await openCase('org_admin', { reference: 'KTM-ADMIN-1 (fictional)' });
  assert.equal(own.personal_included, false);
  const v = await add('org_admin', own.id, 'persons', { role: 'victim', gender: 'Unknown', age_band: '25-34' });
  assert.deepEqual(Object.keys(v).filter((k) => PERSONAL.has(k)), [], 'no personal field back');
  const changed = ok(await call('PATCH', `${base(own.id)}/persons/${v.id}`, { session: sessions.org_admin, body: { version: 1, age_band: '35-49' } }), 200, 'PATCH plain');
  assert.deepEqual([changed.age_band, changed.version], ['35-49', 2]);
});

test('need to know: a grant opens the case to the grantee\'s case workers (for the granted fields only), each read audited; ending it closes it again', async () => {
  const id = K.case.id;
  // Consent to share with Pune, then the grant.
  const consent = await add('investigator', id, 'consents', {
    person_id: K.victim.id, consent: true, scopes: ['Sharing', 'Referral'], org_ids: [org.pune], purpose: 'Shelter placement (fictional)', given_by: 'Person',
  });
  assert.equal(consent.purpose, 'Shelter placement (fictional)');
  let res = await call('POST', `${base(id)}/grants`, { session: sessions.investigator, body: { org_id: org.pune, purpose: 'Shelter placement (fictional)' } });
  const granted = ok(res, 200, 'POST grants (Pune, with consent)');
  assertAudited(res, 'case.grant', 'investigator', id, 'the grant');
  assert.deepEqual(granted.grants.map(({ granted_at, ...g }) => g),
    [{ org_id: org.pune, purpose: 'Shelter placement (fictional)', fields: [], consent_overridden: false }], 'the grant as the owner sees it');
  assert.equal(granted.personal_included, false, 'the grant answers no personal data');
  for (const who of ['case_worker', 'pune_viewer']) {
    const n = ok(await call('GET', '/api/v1/notifications?limit=500', { session: sessions[who] }), 200, `${who}'s notifications`);
    assert.ok(n.items.some((x) => x.event === 'case.shared' && x.record_id === id && x.actor_org === org.ktm), `${who} is told of the grant`);
  }

  const c = await readsAs('case_worker', [200, 200], 'granted to Pune');
  assert.deepEqual(c.persons.find((x) => x.id === K.victim.id), { ...K.victim, ...victimPersonal, ...victimPlain }, 'the grantee reads every field');
  assert.equal(c.events[0].description, 'Fictional: crossed at the Zephyrine checkpoint by night bus.');
  await readsAs('pune_viewer', [200, 403], 'granted to Pune');
  await readsAs('analyst', [404, 404], 'granted to Pune');
  // The grantee reads but does not write.
  forbidden(await call('PATCH', `${base(id)}/persons/${K.victim.id}`, { session: sessions.case_worker, body: { version: K.victim.version, mobile_phone: '+9779800000098' } }),
    'the grantee changes a phone number');
  forbidden(await call('POST', `${base(id)}/grants`, { session: sessions.case_worker, body: { org_id: org.colombo, purpose: 'Onward (fictional)' } }),
    'the grantee shares onward');

  // A grant of two fields, without consent: overridden with a reason.
  res = await call('POST', `${base(id)}/grants`, {
    session: sessions.ktm_case_worker,
    body: { org_id: org.secretariat, purpose: 'Repatriation desk (fictional)', fields: ['first_name', 'mobile_phone'],
      override_reason: 'Fictional: the repatriation flight leaves tonight and the desk must call her.' },
  });
  ok(res, 200, 'POST grants (Secretariat, two fields, overridden)');
  assertAudited(res, 'case.grant_override', 'ktm_case_worker', id, 'the overridden grant');
  const s = await readsAs('sec_case_worker', [200, 200], 'granted two fields to the Secretariat');
  assert.deepEqual(personalIn(s).sort(), ['persons[0].first_name', 'persons[0].mobile_phone', 'persons[1].first_name'].sort(),
    'the Secretariat reads the two granted fields alone');
  assert.equal(s.persons.find((x) => x.id === K.victim.id).mobile_phone, '+9779800000017');
  await readsAs('platform_admin', [200, 403], 'granted to the Secretariat');

  // The owner sees who read the record, from every organisation.
  const trail = ok(await call('GET', `/api/v1/audit/record?record_kind=case&record_id=${id}&limit=500`, { session: sessions.investigator }), 200,
    'GET /api/v1/audit/record as the owner\'s investigator');
  const reads = trail.items.filter((e) => e.action === 'case.read_personal');
  for (const o of ['ktm', 'pune', 'secretariat'])
    assert.ok(reads.some((e) => e.org_id === org[o]), `the trail shows ${o}'s reads: ${JSON.stringify(reads.map((e) => e.org_name))}`);
  assert.ok(reads.some((e) => e.actor_user === sessions.case_worker.user.id && e.actor_name === 'Demo Case Worker (fictional)'), 'named');
  forbidden(await call('GET', `/api/v1/audit/record?record_kind=case&record_id=${id}`, { session: sessions.case_worker }), 'the grantee reads the trail');

  // Ending Pune's grant.
  forbidden(await call('DELETE', `${base(id)}/grants/${org.pune}`, { session: sessions.ktm_analyst }), 'the Kathmandu analyst ends a grant');
  res = await call('DELETE', `${base(id)}/grants/${org.pune}`, { session: sessions.investigator });
  assert.equal(res.status, 204, `DELETE grant: ${res.text}`);
  assertAudited(res, 'case.ungrant', 'investigator', id, 'DELETE grant');
  hidden(await call('DELETE', `${base(id)}/grants/${org.pune}`, { session: sessions.investigator }), 'DELETE it again');
  hidden(await call('DELETE', `${base(id)}/grants/not-an-org`, { session: sessions.investigator }), 'DELETE a malformed org');
  await readsAs('case_worker', [404, 404], 'after the grant ended');
  const after = await plain('investigator', id);
  assert.deepEqual(after.grants.map((g) => g.org_id), [org.secretariat], 'the Secretariat\'s grant stays');
});

// ---- 4. ciphertext at rest -----------------------------------------------------------------

test('ciphertext at rest: no distinctive personal value in the database or the log; the sealed column holds a ciphertext per field', async () => {
  assert.ok(K, 'made earlier');
  const values = ['Zephyrine', 'Quillfeather', '9800000017', 'FICTIONAL-ID-0001', 'sunita.fictional', 'manpower agent', 'tailoring course',
    'Reintegrated with her family'];
  // The rows themselves.
  const [[data, sealedText]] = sql(env, `SELECT data, sealed FROM case_persons WHERE id = ${q(K.victim.id)}`);
  assert.deepEqual(JSON.parse(data), victimPlain, 'the plain fields, in the clear');
  const sealed = JSON.parse(sealedText);
  assert.deepEqual(Object.keys(sealed).sort(), Object.keys(victimPersonal).sort(), 'one sealed value per personal field');
  for (const [k, v] of Object.entries(sealed)) {
    assert.equal(typeof v, 'string', k);
    assert.ok(v.length > 40, `${k}: a ciphertext, not a value`);
    assert.ok(!values.some((x) => v.includes(x)), `${k}: no plaintext`);
  }
  for (const table of ['cases', 'case_persons', 'case_items'])
    for (const x of values)
      assert.deepEqual(sql(env, `SELECT COUNT(*) FROM ${table} WHERE data LIKE ${q(`%${x}%`)} OR sealed LIKE ${q(`%${x}%`)}`), [['0']], `${table}: no "${x}"`);
  // Two equal values seal differently (a fresh nonce each).
  const c = await openCase('investigator', { reference: 'KTM-TWINS (fictional)' });
  const a = await add('investigator', c.id, 'persons', { role: 'victim', first_name: 'Twin Zephyrine (fictional)' });
  const b = await add('investigator', c.id, 'persons', { role: 'victim', first_name: 'Twin Zephyrine (fictional)' });
  const [[sa], [sb]] = [a, b].map((p) => sql(env, `SELECT sealed FROM case_persons WHERE id = ${q(p.id)}`)[0]);
  assert.notEqual(JSON.parse(sa).first_name, JSON.parse(sb).first_name, 'equal names, different ciphertexts');
  // The whole database: the SQLite file and its WAL, or a dump.
  let whole;
  if (env.db) {
    const r = spawnSync('pg_dump', ['--data-only', '-d', env.db], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, `pg_dump: ${r.stderr}`);
    whole = r.stdout;
  } else {
    whole = fs.readdirSync(env.dataDir).filter((f) => f.startsWith('atip.db'))
      .map((f) => fs.readFileSync(path.join(env.dataDir, f)).toString('latin1')).join('\n');
  }
  assert.ok(whole.length > 10000, 'the database was read');
  for (const x of values) assert.ok(!whole.includes(x), `"${x}" is nowhere in the database`);
  for (const x of values) assert.ok(!server.stderr().includes(x) && !server.stdout().includes(x), `"${x}" is not in the log`);
});

// ---- 5. consent ------------------------------------------------------------------------------

/** Asks for a grant that consent does not cover: 422 naming override_reason (the person in the message); the grants unchanged. */
async function refusedGrant(caseId, orgId, missing, what) {
  const before = (await plain('investigator', caseId)).grants;
  const res = await call('POST', `${base(caseId)}/grants`, { session: sessions.investigator, body: { org_id: orgId, purpose: 'Shelter placement (fictional)' } });
  const p = invalid(res, ['override_reason'], what);
  if (missing) assert.ok(p.errors[0].message.includes(missing), `${what}: names the person without consent: ${p.errors[0].message}`);
  assertNotAudited(res, what);
  assert.deepEqual((await plain('investigator', caseId)).grants, before, `${what}: the grants are as they were`);
}

const sharing = (personId, extra = {}) => ({
  person_id: personId, consent: true, scopes: ['Sharing'], org_ids: [org.pune], purpose: 'Shelter placement (fictional)', given_by: 'Person', ...extra,
});

test('consent: a grant needs a given, unexpired, unwithdrawn Sharing consent naming the organisation, from every victim', async () => {
  const c = await openCase('investigator', { reference: 'KTM-CONSENT-1 (fictional)' });
  const a = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '25-34', first_name: 'Anita (fictional)' });
  const b = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '18-24', first_name: 'Bimala (fictional)' });
  await add('investigator', c.id, 'persons', { role: 'perpetrator', first_name: 'Nobody asks him (fictional)' });
  await refusedGrant(c.id, org.pune, null, 'no consent at all');
  await add('investigator', c.id, 'consents', sharing(a.id));
  await refusedGrant(c.id, org.pune, b.id, 'A consented, B not');
  await add('investigator', c.id, 'consents', sharing(b.id, { scopes: ['Interview', 'DataStorage', 'Referral'] }));
  await refusedGrant(c.id, org.pune, b.id, 'B: a consent without the Sharing scope');
  await add('investigator', c.id, 'consents', sharing(b.id, { org_ids: [org.colombo] }));
  await refusedGrant(c.id, org.pune, b.id, 'B: Sharing with another organisation');
  await add('investigator', c.id, 'consents', sharing(b.id, { valid_until: day(-1) }));
  await refusedGrant(c.id, org.pune, b.id, 'B: a consent that expired yesterday');
  await add('investigator', c.id, 'consents', sharing(b.id, { consent: false }));
  await refusedGrant(c.id, org.pune, b.id, 'B: a refusal');
  const given = await add('investigator', c.id, 'consents', sharing(b.id, { valid_until: day(0) }));
  // Valid until today still covers.
  let res = await call('POST', `${base(c.id)}/grants`, { session: sessions.investigator, body: { org_id: org.pune, purpose: 'Shelter placement (fictional)' } });
  assert.deepEqual(ok(res, 200, 'every victim consented').grants.map((g) => [g.org_id, g.consent_overridden]), [[org.pune, false]]);
  assertAudited(res, 'case.grant', 'investigator', c.id, 'the grant');
  assert.equal((await call('DELETE', `${base(c.id)}/grants/${org.pune}`, { session: sessions.investigator })).status, 204, 'end it');

  // Withdrawn, the consent no longer covers.
  res = await call('POST', `${base(c.id)}/consents/${given.id}/withdraw`, { session: sessions.ktm_case_worker });
  const w = ok(res, 200, 'withdraw');
  assertAudited(res, 'case.consent_withdraw', 'ktm_case_worker', c.id, 'withdraw');
  assert.equal(w.withdrawn_by, sessions.ktm_case_worker.user.id);
  assert.ok(Date.parse(w.withdrawn_at) > Date.now() - 60000, 'withdrawn_at: now');
  assert.equal(w.version, 2);
  problem(await call('POST', `${base(c.id)}/consents/${given.id}/withdraw`, { session: sessions.ktm_case_worker }), 409, 'withdrawn twice');
  await refusedGrant(c.id, org.pune, b.id, 'B withdrew');
  const listed = (await plain('investigator', c.id)).consents.find((x) => x.id === given.id);
  assert.equal(listed.withdrawn_at, w.withdrawn_at, 'the consent stays on record, marked withdrawn');
  // A consent is what was agreed then: never changed or removed.
  hidden(await call('PATCH', `${base(c.id)}/consents/${given.id}`, { session: sessions.investigator, body: { version: 2, consent: true } }), 'PATCH a consent');
  hidden(await call('DELETE', `${base(c.id)}/consents/${given.id}`, { session: sessions.investigator }), 'DELETE a consent');
  hidden(await call('POST', `${base(c.id)}/consents/${unknownId}/withdraw`, { session: sessions.investigator }), 'withdraw an unknown consent');
  forbidden(await call('POST', `${base(c.id)}/consents/${given.id}/withdraw`, { session: sessions.ktm_viewer }), 'a viewer withdraws');

  // An override passes with a reason of 15 characters or more.
  const before = (await plain('investigator', c.id)).grants;
  for (const [why, body, fields] of [
    ['a reason of 14 characters', { override_reason: 'Fourteen chars' }, ['override_reason']],
    ['a blank reason', { override_reason: '               ' }, ['override_reason']],
    ['fields that are not personal', { fields: ['gender'], override_reason: 'Fictional: a court order for the hearing.' }, ['fields']],
    ['no purpose', { purpose: undefined }, ['purpose']],
    ['an unknown organisation', { org_id: unknownId }, ['org_id']],
    ['the owner itself', { org_id: org.ktm }, ['org_id']],
    ['an unknown field', { colour: 'red' }, ['colour']],
  ]) {
    const res2 = await call('POST', `${base(c.id)}/grants`, { session: sessions.investigator, body: { org_id: org.pune, purpose: 'Court (fictional)', ...body } });
    invalid(res2, fields, `grant with ${why}`);
  }
  assert.deepEqual((await plain('investigator', c.id)).grants, before, 'no refused grant was saved');
  res = await call('POST', `${base(c.id)}/grants`, {
    session: sessions.investigator,
    body: { org_id: org.pune, purpose: 'Court (fictional)', override_reason: 'Fictional: fifteen chars' },
  });
  assert.deepEqual(ok(res, 200, 'overridden').grants.map((g) => [g.org_id, g.purpose, g.consent_overridden]), [[org.pune, 'Court (fictional)', true]]);
  assertAudited(res, 'case.grant_override', 'investigator', c.id, 'the override');
  const [[reason]] = sql(env, `SELECT override_reason FROM case_grants WHERE case_id = ${q(c.id)} AND org_id = ${q(org.pune)}`);
  assert.equal(reason, 'Fictional: fifteen chars', 'the reason is kept');
});

test('consent: a minor\'s is a guardian\'s or a competent authority\'s, with a best-interest decision; Sharing names its organisations and purpose', async () => {
  const c = await openCase('investigator', { reference: 'KTM-MINOR-1 (fictional)' });
  const m = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '12-17', first_name: 'Kopila (fictional)' });
  const small = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '0-11' });
  const best = 'Fictional best-interest decision by the child welfare board.';
  const before = await plain('investigator', c.id);
  for (const [why, body, fields] of [
    ['by the minor, no decision', sharing(m.id), ['given_by', 'best_interest']],
    ['by the minor, with a decision', sharing(m.id, { best_interest: best }), ['given_by']],
    ['by a guardian, no decision', sharing(m.id, { given_by: 'Guardian' }), ['best_interest']],
    ['by a guardian, a blank decision', sharing(m.id, { given_by: 'Guardian', best_interest: '' }), ['best_interest']],
    ['a child under 12, by herself', sharing(small.id, { best_interest: best }), ['given_by']],
    ['Sharing without organisations', sharing(m.id, { given_by: 'Guardian', best_interest: best, org_ids: [] }), ['org_ids']],
    ['Sharing without a purpose', sharing(m.id, { given_by: 'Guardian', best_interest: best, purpose: undefined }), ['purpose']],
    ['no person, no scopes', { consent: true, given_by: 'Guardian' }, ['person_id', 'scopes']],
    ['a person of another case', sharing(K.victim.id), ['person_id']],
    ['consent not a boolean', sharing(m.id, { given_by: 'Guardian', best_interest: best, consent: 'yes' }), ['consent']],
  ]) invalid(await call('POST', `${base(c.id)}/consents`, { session: sessions.investigator, body }), fields, `a consent ${why}`);
  assert.deepEqual(await plain('investigator', c.id), before, 'no consent was saved');
  const g = await add('investigator', c.id, 'consents', sharing(m.id, { given_by: 'Guardian', best_interest: best }));
  assert.equal(g.best_interest, best, 'the decision, back to its writer');
  await add('investigator', c.id, 'consents', sharing(small.id, { given_by: 'CompetentAuthority', best_interest: best }));
  const after = await plain('investigator', c.id);
  assert.deepEqual(after.consents.map((x) => x.given_by).sort(), ['CompetentAuthority', 'Guardian']);
  assert.ok(after.consents.every((x) => !('best_interest' in x)), 'the decision is personal');
  assert.deepEqual(after.risk_flags, ['Minor']);
  const res = await call('POST', `${base(c.id)}/grants`, { session: sessions.investigator, body: { org_id: org.pune, purpose: 'Shelter placement (fictional)' } });
  ok(res, 200, 'both children consented through their guardians');
});

// ---- 6. stale versions --------------------------------------------------------------------------

test('stale versions: PATCH of a case, a person and every kind of item with an old version is 409 and changes nothing', async () => {
  const c = await openCase('investigator', { reference: 'KTM-STALE-1 (fictional)' });
  const p = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '25-34', first_name: 'Original name (fictional)' });
  const items = {
    events: await add('investigator', c.id, 'events', { type: 'Recruitment', date: '2025-01-01', description: 'Original (fictional).' }),
    timeline: await add('investigator', c.id, 'timeline', { type: 'Counselling', date: '2025-02-01', notes: 'Original (fictional).' }),
    plans: await add('investigator', c.id, 'plans', { type: 'Health', objectives: 'Original (fictional).' }),
    followups: await add('investigator', c.id, 'followups', { due_on: day(60), notes: 'Original (fictional).' }),
  };
  const changes = {
    events: [{ place: 'First change (fictional)' }, { place: 'Stale change (fictional)', description: 'Stale (fictional).' }],
    timeline: [{ by: 'First (fictional)' }, { by: 'Stale (fictional)', notes: 'Stale (fictional).' }],
    plans: [{ planned_end: '2027-01-01' }, { planned_end: '2028-01-01', objectives: 'Stale (fictional).' }],
    followups: [{ due_on: day(61) }, { due_on: day(62), notes: 'Stale (fictional).' }],
  };
  // Two writers read version 1; the first writes, the second is too late.
  let res = await call('PATCH', base(c.id), { session: sessions.investigator, body: { version: 1, reference: 'KTM-STALE-1 first (fictional)' } });
  const first = ok(res, 200, 'PATCH the case at version 1');
  assertAudited(res, 'case.update', 'investigator', c.id, 'PATCH the case');
  assert.deepEqual([first.version, first.reference, first.personal_included], [2, 'KTM-STALE-1 first (fictional)', false]);
  ok(await call('PATCH', `${base(c.id)}/persons/${p.id}`, { session: sessions.investigator, body: { version: 1, age_band: '35-49' } }), 200, 'PATCH the person');
  for (const [list, item] of Object.entries(items)) {
    const x = ok(await call('PATCH', `${base(c.id)}/${list}/${item.id}`, { session: sessions.investigator, body: { version: 1, ...changes[list][0] } }),
      200, `PATCH ${list} at version 1`);
    assert.equal(x.version, 2, `${list}: version 2`);
  }
  const now = ok(await read('investigator', c.id, true), 200, 'the case now');
  const sealed = sql(env, `SELECT id, sealed FROM case_items WHERE case_id = ${q(c.id)} UNION ALL SELECT id, sealed FROM case_persons WHERE case_id = ${q(c.id)}
    UNION ALL SELECT id, sealed FROM cases WHERE id = ${q(c.id)} ORDER BY 1`);
  const stale = [
    ['the case', base(c.id), { version: 1, reference: 'Stale (fictional)', closure_reason: 'Stale (fictional).', status: 'Closed' }],
    ['the person', `${base(c.id)}/persons/${p.id}`, { version: 1, first_name: 'Stale name (fictional)', age_band: '50+' }],
    ...Object.entries(items).map(([list, item]) => [list, `${base(c.id)}/${list}/${item.id}`, { version: 1, ...changes[list][1] }]),
  ];
  for (const [what, p2, body] of stale) {
    const r = await call('PATCH', p2, { session: sessions.ktm_case_worker, body });
    assert.match(problem(r, 409, `PATCH ${what} at version 1`).detail, /changed since you read it/);
    assertNotAudited(r, `PATCH ${what} at version 1`);
    problem(await call('PATCH', p2, { session: sessions.ktm_case_worker, body: { ...body, version: 99 } }), 409, `PATCH ${what} at a version to come`);
    invalid(await call('PATCH', p2, { session: sessions.ktm_case_worker, body: { ...body, version: undefined } }), ['version'], `PATCH ${what} without a version`);
    invalid(await call('PATCH', p2, { session: sessions.ktm_case_worker, body: { ...body, version: '2' } }), ['version'], `PATCH ${what} with a version in quotes`);
  }
  assert.deepEqual(ok(await read('investigator', c.id, true), 200, 'the case after'), { ...now }, 'nothing changed');
  assert.deepEqual(sql(env, `SELECT id, sealed FROM case_items WHERE case_id = ${q(c.id)} UNION ALL SELECT id, sealed FROM case_persons WHERE case_id = ${q(c.id)}
    UNION ALL SELECT id, sealed FROM cases WHERE id = ${q(c.id)} ORDER BY 1`), sealed, 'not a ciphertext changed');
  // Unknown and malformed ids: 404.
  for (const list of ['persons', ...Object.keys(items)]) {
    hidden(await call('PATCH', `${base(c.id)}/${list}/${unknownId}`, { session: sessions.investigator, body: { version: 1 } }), `PATCH an unknown ${list} entry`);
    hidden(await call('PATCH', `${base(c.id)}/${list}/nope`, { session: sessions.investigator, body: { version: 1 } }), `PATCH a malformed ${list} id`);
  }
  // An item of one kind is not found as another; one of another case neither.
  hidden(await call('PATCH', `${base(c.id)}/timeline/${items.events.id}`, { session: sessions.investigator, body: { version: 2 } }), 'an event as a timeline entry');
  hidden(await call('PATCH', `${base(K.case.id)}/events/${items.events.id}`, { session: sessions.investigator, body: { version: 2 } }), 'an event of another case');
  hidden(await call('PATCH', `${base(K.case.id)}/persons/${p.id}`, { session: sessions.investigator, body: { version: 2 } }), 'a person of another case');
  // The latest version goes through; removing an entry is 204, twice 404.
  ok(await call('PATCH', base(c.id), { session: sessions.investigator, body: { version: 2, reference: 'KTM-STALE-1 second (fictional)' } }), 200, 'PATCH at version 2');
  for (const [list, item] of Object.entries(items)) {
    const r = await call('DELETE', `${base(c.id)}/${list}/${item.id}`, { session: sessions.investigator });
    assert.equal(r.status, 204, `DELETE ${list}: ${r.text}`);
    assertAudited(r, `case.${{ events: 'event', timeline: 'timeline', plans: 'plan', followups: 'followup' }[list]}_delete`, 'investigator', c.id, `DELETE ${list}`);
    hidden(await call('DELETE', `${base(c.id)}/${list}/${item.id}`, { session: sessions.investigator }), `DELETE ${list} twice`);
  }
  const gone = await plain('investigator', c.id);
  assert.deepEqual([gone.events, gone.timeline, gone.plans, gone.followups], [[], [], [], []], 'the items are gone');
});

// ---- 7. validation -------------------------------------------------------------------------------

test('validation: 422 naming each wrong field; nothing half-written', async () => {
  const c = await openCase('investigator', { reference: 'KTM-VALID-1 (fictional)' });
  const p = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '25-34' });
  const before = await plain('investigator', c.id);
  const count = () => sql(env, 'SELECT COUNT(*) FROM cases')[0][0];
  const cases = count();
  const ktmCaseWorker = sessions.ktm_case_worker.user.id;
  for (const [what, body, fields] of [
    ['an unknown field', { reference: 'X', colour: 'red' }, ['colour']],
    ['a status not in the picklist', { status: 'Open' }, ['status']],
    ['a risk flag not in the picklist', { risk_flags: ['Debt', 'Poverty'] }, ['risk_flags']],
    ['Unknown beside another value', { risk_flags: ['Unknown', 'Debt'] }, ['risk_flags']],
    ['a value twice', { risk_flags: ['Debt', 'Debt'] }, ['risk_flags']],
    ['a case owner who is no case worker', { case_owner: sessions.org_admin.user.id }, ['case_owner']],
    ['a case owner of another organisation', { case_owner: sessions.case_worker.user.id }, ['case_owner']],
    ['a case owner that is no id', { case_owner: 'me' }, ['case_owner']],
    ['a reference that is a number', { reference: 42 }, ['reference']],
    ['closed without a reason', { status: 'Closed' }, ['closure_reason']],
    ['level public', { level: 'public', tlp: 'CLEAR' }, ['level']],
    ['a level wider than its TLP', { level: 'platform', tlp: 'AMBER' }, ['level']],
    ['an unknown TLP', { tlp: 'BLUE' }, ['tlp']],
    ['several at once', { colour: 'red', status: 'Open', case_owner: 'me', risk_flags: ['Poverty'] }, ['colour', 'status', 'case_owner', 'risk_flags']],
  ]) {
    const res = await call('POST', '/api/v1/cases', { session: sessions.investigator, body });
    invalid(res, fields, `POST /api/v1/cases with ${what}`);
    assertNotAudited(res, what);
  }
  const list = problem(await call('POST', '/api/v1/cases', { session: sessions.investigator, body: [] }), 422, 'a body that is a list');
  assert.match(list.detail, /JSON object/);
  assert.equal(count(), cases, 'no case was opened');
  const closed = await openCase('investigator', { status: 'Closed', closure_reason: 'Referred home (fictional).', case_owner: ktmCaseWorker, risk_flags: ['Unknown'] });
  assert.deepEqual([closed.status, closed.case_owner, closed.reference], ['Closed', ktmCaseWorker, undefined], 'closed with its reason; no reference');

  for (const [what, body, fields] of [
    ['no role', { gender: 'Feminine' }, ['role']],
    ['a role that is neither', { role: 'witness' }, ['role']],
    ['an unknown field', { role: 'victim', favourite_colour: 'red' }, ['favourite_colour']],
    ['a perpetrator field on a victim', { role: 'victim', roles: ['Smuggler'] }, ['roles']],
    ['a gender not in the picklist', { role: 'victim', gender: 'F' }, ['gender']],
    ['an age band not in the picklist', { role: 'victim', age_band: '12-18' }, ['age_band']],
    ['a bad citizenship', { role: 'victim', citizenship: ['XX'] }, ['citizenship']],
    ['a three-letter citizenship', { role: 'victim', citizenship: ['NPL'] }, ['citizenship']],
    ['a bad mailing country', { role: 'victim', mailing_country: 'Nepal' }, ['mailing_country']],
    ['a phone without +', { role: 'victim', mobile_phone: '9800000000' }, ['mobile_phone']],
    ['a phone too short', { role: 'victim', home_phone: '+97798' }, ['home_phone']],
    ['a phone with letters', { role: 'victim', mobile_phone: '+977 98000 ABCDE' }, ['mobile_phone']],
    ['a phone too long', { role: 'victim', mobile_phone: '+9779800000000000' }, ['mobile_phone']],
    ['a bad email', { role: 'victim', email: 'not an email' }, ['email']],
    ['a bad birth date', { role: 'victim', birth_date: '2001-02-30' }, ['birth_date']],
    ['a birth date in both calendars', { role: 'victim', birth_date: '2024-04-13', birth_date_bs: '2081-01-01' }, ['birth_date_bs']],
    ['too many children', { role: 'victim', number_of_children: 31 }, ['number_of_children']],
    ['a child count that is no integer', { role: 'victim', number_of_children: 1.5 }, ['number_of_children']],
    ['a multi-value field given one value', { role: 'victim', exploitation_types: 'ForcedLabour' }, ['exploitation_types']],
    ['deceased as a string', { role: 'victim', deceased: 'no' }, ['deceased']],
    ['several at once', { role: 'victim', gender: 'F', mobile_phone: '12', citizenship: ['XX'], colour: 1 }, ['gender', 'mobile_phone', 'citizenship', 'colour']],
  ]) {
    const res = await call('POST', `${base(c.id)}/persons`, { session: sessions.investigator, body });
    invalid(res, fields, `POST persons with ${what}`);
    assertNotAudited(res, what);
  }
  invalid(await call('PATCH', `${base(c.id)}/persons/${p.id}`, { session: sessions.investigator, body: { version: 1, age_band: 'old', mobile_phone: 'x' } }),
    ['age_band', 'mobile_phone'], 'PATCH a person with two wrong fields');
  for (const [what, body, fields] of [
    ['no type', { country: 'NP' }, ['type']],
    ['a type not in the picklist', { type: 'Kidnap' }, ['type']],
    ['a bad country', { type: 'Transit', country: 'XX' }, ['country']],
    ['a subdivision without a country', { type: 'Transit', subdivision: 'NP-P3' }, ['subdivision']],
    ['a subdivision of another country', { type: 'Transit', country: 'NP', subdivision: 'LK-1' }, ['subdivision']],
    ['a district not in the country', { type: 'Transit', country: 'NP', district: 'LK-11' }, ['district']],
    ['a district not in the subdivision', { type: 'Transit', country: 'NP', subdivision: 'NP-P1', district: 'NP-P3-kathmandu' }, ['district']],
    ['an unknown district', { type: 'Transit', district: 'NP-P3-atlantis' }, ['district']],
    ['date_to before date', { type: 'Transit', date: '2025-05-02', date_to: '2025-05-01' }, ['date_to']],
    ['date_to without date', { type: 'Transit', date_to: '2025-05-01' }, ['date_to']],
    ['a bad date', { type: 'Transit', date: '02/05/2025' }, ['date']],
    ['a person of another case', { type: 'Transit', person_id: K.victim.id }, ['person_id']],
    ['a person that is no id', { type: 'Transit', person_id: 'her' }, ['person_id']],
  ]) invalid(await call('POST', `${base(c.id)}/events`, { session: sessions.investigator, body }), fields, `POST events with ${what}`);
  for (const [what, sub, body, fields] of [
    ['a timeline entry without a date', 'timeline', { type: 'Rescue' }, ['date']],
    ['a timeline entry of an unknown organisation', 'timeline', { type: 'Rescue', date: '2025-01-01', org_id: unknownId }, ['org_id']],
    ['a plan of an unknown type', 'plans', { type: 'Holiday' }, ['type']],
    ['a follow-up without a due date', 'followups', { outcome: 'Safe' }, ['due_on']],
    ['a follow-up done without its outcome', 'followups', { due_on: '2025-01-01', done_on: '2025-01-02' }, ['outcome']],
    ['a follow-up outcome not in the picklist', 'followups', { due_on: '2025-01-01', outcome: 'Fine' }, ['outcome']],
    ['a consent scope not in the picklist', 'consents', { person_id: p.id, consent: true, scopes: ['Gossip'], given_by: 'Person' }, ['scopes']],
  ]) invalid(await call('POST', `${base(c.id)}/${sub}`, { session: sessions.investigator, body }), fields, `POST ${what}`);
  // Scheduling follow-ups: refused whole, even when the last interval fails after the first was added.
  for (const [what, body, fields] of [
    ['no from', {}, ['from']],
    ['a bad from', { from: '2026-02-30' }, ['from']],
    ['months not a list', { from: '2026-01-31', months: 6 }, ['months']],
    ['month 0', { from: '2026-01-31', months: [0] }, ['months']],
    ['month 121', { from: '2026-01-31', months: [1, 121] }, ['months']],
    ['no months', { from: '2026-01-31', months: [] }, ['months']],
    ['a person of another case', { from: '2026-01-31', person_id: K.victim.id }, ['person_id']],
    ['an unknown field', { from: '2026-01-31', every: 'month' }, ['every']],
    ['a year past 9999 after a first good date', { from: '9999-01-15', months: [1, 12] }, ['from']],
  ]) invalid(await call('POST', `${base(c.id)}/followups/schedule`, { session: sessions.investigator, body }), fields, `schedule with ${what}`);
  assert.deepEqual(await plain('investigator', c.id), before, 'nothing was written to the case');
  assert.deepEqual(sql(env, `SELECT COUNT(*) FROM case_items WHERE case_id = ${q(c.id)}`), [['0']], 'no item row');
});

test('validation: "Unknown" for every picklist, E.164 phones cleaned, Bikram Sambat dates converted, districts bring their country', async () => {
  const c = await openCase('investigator', { reference: 'KTM-VALID-2 (fictional)' });
  const v = await add('investigator', c.id, 'persons', {
    role: 'victim', gender: 'Unknown', age_band: 'Unknown', marital_status: 'Unknown', trafficking_status: 'Unknown',
    exploitation_types: ['Unknown'], control_methods: ['Unknown'], recruitment_apps: ['Unknown'], citizenship: ['np', 'In'],
    mobile_phone: '+977 (980) 000-0021', home_phone: '+977.98.0000.0022', birth_date_bs: '2081-01-01', first_name: '  Padded name (fictional)  ',
  });
  assert.deepEqual([v.gender, v.age_band, v.exploitation_types, v.citizenship], ['Unknown', 'Unknown', ['Unknown'], ['NP', 'IN']]);
  assert.deepEqual([v.mobile_phone, v.home_phone], ['+9779800000021', '+9779800000022'], 'phones in E.164');
  assert.equal(v.birth_date, '2024-04-13', '2081-01-01 BS is 2024-04-13');
  assert.ok(!('birth_date_bs' in v), 'stored in the Gregorian calendar alone');
  assert.equal(v.first_name, 'Padded name (fictional)', 'text trimmed');
  const e = await add('investigator', c.id, 'events', { type: 'Unknown', district: 'LK-11', date_bs: '2081-01-01', date_to: '2024-04-13' });
  assert.deepEqual([e.country, e.subdivision, e.district, e.date, e.date_to], ['LK', 'LK-1', 'LK-11', '2024-04-13', '2024-04-13']);
  const changed = ok(await call('PATCH', `${base(c.id)}/events/${e.id}`, { session: sessions.investigator, body: { version: 1, date_to_bs: '2081-01-05' } }), 200,
    'PATCH date_to in Bikram Sambat');
  assert.equal(changed.date_to, '2024-04-17');
  invalid(await call('PATCH', `${base(c.id)}/events/${e.id}`, { session: sessions.investigator, body: { version: 2, date: '2024-05-01' } }), ['date_to'],
    'PATCH date after the stored date_to');
  const f = await add('investigator', c.id, 'followups', { due_on_bs: '2081-01-01', outcome: 'Unknown' });
  assert.equal(f.due_on, '2024-04-13');
  // Clearing a field with null.
  const cleared = ok(await call('PATCH', `${base(c.id)}/persons/${v.id}`, { session: sessions.investigator, body: { version: 1, home_phone: null, gender: null } }), 200, 'clear');
  assert.ok(!('home_phone' in cleared) && !('gender' in cleared), 'cleared fields are gone');
  assert.equal(cleared.mobile_phone, '+9779800000021', 'the others stay');
});

test('validation: a Bikram Sambat date that does not exist is refused naming the field as sent', async () => {
  const c = await openCase('investigator', { reference: 'KTM-VALID-3 (fictional)' });
  invalid(await call('POST', `${base(c.id)}/persons`, { session: sessions.investigator, body: { role: 'victim', birth_date_bs: '2081-13-01' } }),
    ['birth_date_bs'], 'birth_date_bs 2081-13-01');
});

test('validation: a case status "Unknown", which the form and the list filter take, is saved', async () => {
  const res = await call('POST', '/api/v1/cases', { session: sessions.investigator, body: { reference: 'KTM-VALID-4 (fictional)', status: 'Unknown' } });
  assert.equal(ok(res, 201, 'POST /api/v1/cases with status Unknown').status, 'Unknown');
});

test('validation: an event moved to another country leaves no district or subdivision of the old one', async () => {
  const c = await openCase('ktm_case_worker', { reference: 'MOVE-1 (fictional)' });
  const e = await add('ktm_case_worker', c.id, 'events', { type: 'Transit', district: 'NP-P3-kathmandu' });
  const path = `${base(c.id)}/events/${e.id}`;
  invalid(await call('PATCH', path, { session: sessions.ktm_case_worker, body: { version: 1, country: 'IN' } }), ['subdivision', 'district'], 'country alone');
  const moved = ok(await call('PATCH', path, { session: sessions.ktm_case_worker, body: { version: 1, country: 'IN', district: 'IN-MH-pune', subdivision: null } }),
    200, 'country with a district of its own');
  assert.deepEqual([moved.country, moved.subdivision, moved.district], ['IN', 'IN-MH', 'IN-MH-pune'], 'the district brings its state');
});

test('validation: level public and a bad TLP at once: both named', async () => {
  invalid(await call('POST', '/api/v1/cases', { session: sessions.investigator, body: { level: 'public', tlp: 'BLUE' } }), ['level', 'tlp'],
    'level public, tlp BLUE');
});

// ---- 8. break glass ------------------------------------------------------------------------------

const glass = (who, id, body) => call('POST', `${base(id)}/break-glass`, { session: sessions[who], body });
const reason = 'Fictional: the night clinic needs her guardian\'s number now.';

test('break glass: a reason of 15 characters (422), case workers and investigators only (403), never a hidden case (404)', async () => {
  const id = K.case.id; // country level: the Secretariat (NP) sees it, Pune (IN) does not
  const flagsBefore = (await ktmFlags()).length;
  for (const [what, body, fields] of [
    ['no reason', {}, ['reason']],
    ['a reason of 14 characters', { reason: 'Fourteen chars' }, ['reason']],
    ['a reason of 14 characters in Devanagari', { reason: 'आपतकालीन अवस्था छ अब'.slice(0, 14) }, ['reason']],
    ['a reason that is a number', { reason: 123456789012345 }, ['reason']],
    ['an unknown field', { reason, urgent: true }, ['urgent']],
  ]) {
    const res = await glass('sec_case_worker', id, body);
    invalid(res, fields, `break glass with ${what}`);
    assertNotAudited(res, what);
  }
  for (const who of ['platform_admin', 'org_admin', 'ktm_analyst', 'ktm_viewer']) {
    const res = await glass(who, id, { reason });
    assert.match(forbidden(res, `break glass as ${who}`).detail, /case workers and investigators/);
    assertNotAudited(res, `break glass as ${who}`);
  }
  for (const who of ['case_worker', 'analyst', 'viewer', 'pune_viewer']) {
    const res = await glass(who, id, { reason });
    hidden(res, `break glass as ${who} (the case is hidden from them)`);
    assertNotAudited(res, `break glass as ${who}`);
  }
  hidden(await glass('sec_case_worker', unknownId, { reason }), 'break glass on an unknown case');
  hidden(await glass('investigator', L.p2.id, { reason }), 'break glass on Pune\'s org-level case from Kathmandu');
  problem(await call('POST', `${base(id)}/break-glass`, { body: { reason } }), 401, 'anonymous');
  assert.equal((await ktmFlags()).length, flagsBefore, 'nothing flagged');
});

test('break glass: a reason of blanks is no reason', async () => {
  const flagsBefore = (await ktmFlags()).length;
  const res = await glass('sec_case_worker', K.case.id, { reason: ' '.repeat(20) });
  invalid(res, ['reason'], 'break glass with twenty spaces');
  assert.equal((await ktmFlags()).length, flagsBefore, 'nothing flagged');
});

/** Kathmandu's open break-glass flags, as its org admin reads them. */
async function ktmFlags() {
  const p = ok(await call('GET', '/api/v1/audit/flags?limit=500', { session: sessions.org_admin }), 200, 'GET /api/v1/audit/flags');
  return p.items;
}

test('break glass: the access answers the personal data, is audited "case.break_glass" and flagged for the owner\'s org admin', async () => {
  const id = K.case.id;
  const onCase = async () => (await ktmFlags()).filter((x) => x.record_id === id).length;
  const flagged = await onCase();
  // The Secretariat holds a grant of two fields; breaking the glass reads everything.
  const res = await glass('sec_case_worker', id, { reason });
  const c = ok(res, 200, 'break glass as the Secretariat case worker');
  assert.equal(c.personal_included, true);
  assertAudited(res, 'case.break_glass', 'sec_case_worker', id, 'break glass');
  const [auditId] = sql(env, `SELECT id FROM atip_audit WHERE request_id = ${q(res.rid)}`)[0];
  const flags = await ktmFlags();
  const f = flags.find((x) => x.id === auditId);
  assert.ok(f, `the flag is in Kathmandu's review list: ${JSON.stringify(flags)}`);
  assert.deepEqual([f.record_kind, f.record_id, f.org_id, f.actor_user, f.reason, f.reviewed_at],
    ['case', id, org.secretariat, sessions.sec_case_worker.user.id, reason, null], 'the flag names the record, the actor and the reason');
  // The Secretariat's own list does not hold it: the owner reviews.
  const own = ok(await call('GET', '/api/v1/audit/flags?limit=500&state=all', { session: sessions.platform_admin }), 200, 'the Secretariat\'s flags');
  assert.ok(!own.items.some((x) => x.id === auditId), 'not the Secretariat\'s to review');
  // The owner's own investigator may break the glass too; flagged all the same.
  const mine = await glass('investigator', id, { reason });
  const all = ok(mine, 200, 'break glass as the owner\'s investigator');
  assert.deepEqual(all.persons.find((x) => x.id === K.victim.id), { ...K.victim, ...victimPersonal, ...victimPlain }, 'every personal field');
  assert.equal(all.events[0].description, 'Fictional: crossed at the Zephyrine checkpoint by night bus.');
  assertAudited(mine, 'case.break_glass', 'investigator', id, 'break glass (owner)');
  assert.equal(await onCase(), flagged + 2, 'two more flags on the case');
  // The org admin signs one off.
  ok(await call('POST', `/api/v1/audit/flags/${auditId}/review`, { session: sessions.org_admin, body: { note: 'Fictional review: confirmed with the clinic.' } }),
    200, 'review');
  assert.ok(!(await ktmFlags()).some((x) => x.id === auditId), 'reviewed, it leaves the open list');
  assert.deepEqual(c.persons.find((x) => x.id === K.victim.id), { ...K.victim, ...victimPersonal, ...victimPlain },
    'break glass by a grantee of two fields: every personal field');
  assert.equal(c.events[0].description, 'Fictional: crossed at the Zephyrine checkpoint by night bus.');
});

// ---- 9. transfer ----------------------------------------------------------------------------------

test('transfer: asked of Pune (its users notified), declined, asked again, accepted; the former owner and grantee lose the case', async () => {
  const T = await openCase('investigator', { reference: 'KTM-TRANSFER-1 (fictional)', level: 'platform', tlp: 'GREEN', case_owner: sessions.investigator.user.id });
  const v = await add('investigator', T.id, 'persons', { role: 'victim', age_band: '25-34', first_name: 'Durga Marigold (fictional)', mobile_phone: '+9779800000031' });
  await add('investigator', T.id, 'consents', sharing(v.id, { org_ids: [org.pune, org.secretariat] }));
  ok(await call('POST', `${base(T.id)}/grants`, { session: sessions.investigator, body: { org_id: org.secretariat, purpose: 'Repatriation (fictional)' } }), 200, 'grant');
  ok(await read('sec_case_worker', T.id, true), 200, 'the Secretariat reads it before');
  const path_ = `${base(T.id)}/transfer`;
  // Refusals.
  forbidden(await call('POST', path_, { session: sessions.ktm_analyst, body: { org_id: org.pune } }), 'the Kathmandu analyst asks');
  forbidden(await call('POST', path_, { session: sessions.case_worker, body: { org_id: org.pune } }), 'Pune asks for itself');
  for (const [what, body, fields] of [
    ['no organisation', { note: 'x' }, ['org_id']],
    ['the owner itself', { org_id: org.ktm }, ['org_id']],
    ['an unknown organisation', { org_id: unknownId }, ['org_id']],
    ['an unknown field', { org_id: org.pune, urgent: true }, ['urgent']],
  ]) invalid(await call('POST', path_, { session: sessions.investigator, body }), fields, `transfer with ${what}`);
  for (const act of ['accept', 'decline'])
    hidden(await call('POST', `${path_}/${act}`, { session: sessions.case_worker }), `${act} with nothing offered`);

  // Asked.
  const note = 'Fictional: she moves to Pune to be near her sister.';
  let res = await call('POST', path_, { session: sessions.investigator, body: { org_id: org.pune, note } });
  const asked = ok(res, 200, 'transfer');
  assertAudited(res, 'case.transfer', 'investigator', T.id, 'transfer');
  assert.deepEqual([asked.transfer, asked.owner_org, asked.version], [{ org_id: org.pune, note }, org.ktm, 2]);
  problem(await call('POST', path_, { session: sessions.investigator, body: { org_id: org.colombo } }), 409, 'a second transfer while one waits');
  for (const who of ['case_worker', 'pune_viewer']) {
    const n = ok(await call('GET', '/api/v1/notifications?limit=500', { session: sessions[who] }), 200, `${who}'s notifications`);
    const mine = n.items.filter((x) => x.event === 'case.transfer' && x.record_id === T.id);
    assert.equal(mine.length, 1, `${who} is told once: ${JSON.stringify(n.items)}`);
    assert.deepEqual([mine[0].record_kind, mine[0].actor_org, mine[0].actor_user, mine[0].unread], ['case', org.ktm, sessions.investigator.user.id, true]);
  }
  for (const who of ['analyst', 'org_admin', 'sec_case_worker']) {
    const n = ok(await call('GET', '/api/v1/notifications?limit=500', { session: sessions[who] }), 200, `${who}'s notifications`);
    assert.ok(!n.items.some((x) => x.event === 'case.transfer' && x.record_id === T.id), `${who} is not told`);
  }
  for (const who of ['case_worker', 'pune_viewer'])
    assert.deepEqual(await ids(who, 'view=incoming'), [T.id], `${who}: the offered case is incoming`);
  assert.deepEqual((await walk('investigator', 'view=all')).find((s) => s.id === T.id).transfer_to, org.pune, 'the owner\'s list shows it offered');
  assert.deepEqual(await ids('investigator', 'view=incoming'), [], 'nothing incoming for Kathmandu');
  assert.deepEqual(await ids('analyst', 'view=incoming'), [], 'nothing incoming for Colombo');
  // Answered by the wrong people.
  for (const act of ['accept', 'decline']) {
    forbidden(await call('POST', `${path_}/${act}`, { session: sessions.pune_viewer }), `a Pune viewer would ${act}`);
    for (const who of ['analyst', 'investigator', 'sec_case_worker'])
      hidden(await call('POST', `${path_}/${act}`, { session: sessions[who] }), `${who} would ${act}`);
  }
  // Declined: nothing moves.
  res = await call('POST', `${path_}/decline`, { session: sessions.case_worker });
  assert.equal(res.status, 204, `decline: ${res.text}`);
  assertAudited(res, 'case.transfer_decline', 'case_worker', T.id, 'decline');
  let now = await plain('investigator', T.id);
  assert.deepEqual([now.transfer, now.owner_org, now.level], [null, org.ktm, 'platform'], 'declined: still Kathmandu\'s');
  assert.deepEqual(await ids('case_worker', 'view=incoming'), [], 'no longer incoming');
  ok(await read('investigator', T.id, true), 200, 'the owner still reads it');
  hidden(await call('POST', `${path_}/accept`, { session: sessions.case_worker }), 'accept after declining');

  // Asked again, accepted.
  ok(await call('POST', path_, { session: sessions.ktm_case_worker, body: { org_id: org.pune } }), 200, 'transfer again, no note');
  res = await call('POST', `${path_}/accept`, { session: sessions.case_worker });
  const taken = ok(res, 200, 'accept');
  assertAudited(res, 'case.transfer_accept', 'case_worker', T.id, 'accept');
  assert.deepEqual([taken.owner_org, taken.owner_country, taken.level, taken.transfer, taken.grants],
    [org.pune, 'IN', 'org', null, []], 'Pune\'s now: its country, level org, no grant');
  assert.equal((await walk('case_worker')).find((s) => s.id === T.id).case_owner, undefined, 'the list: no case owner');
  hidden(await call('POST', `${path_}/accept`, { session: sessions.case_worker }), 'accept twice');
  // The new owner reads the personal data under the same data key.
  const c = ok(await read('case_worker', T.id, true), 200, 'the new owner reads it');
  assert.deepEqual([c.persons[0].first_name, c.persons[0].mobile_phone], ['Durga Marigold (fictional)', '+9779800000031']);
  forbidden(await read('pune_viewer', T.id, true), 'a Pune viewer still may not');
  // The former owner and the former grantee lose it.
  for (const who of ['investigator', 'ktm_case_worker', 'org_admin', 'sec_case_worker']) {
    hidden(await read(who, T.id), `GET as ${who}`);
    hidden(await read(who, T.id, true), `GET ?personal=true as ${who}`);
    hidden(await glass(who, T.id, { reason }), `break glass as ${who}`);
    assert.ok(!(await ids(who)).includes(T.id), `${who} no longer lists it`);
  }
  hidden(await call('PATCH', base(T.id), { session: sessions.investigator, body: { version: taken.version, reference: 'Mine (fictional)' } }), 'the former owner changes it');
  hidden(await call('POST', path_, { session: sessions.investigator, body: { org_id: org.ktm } }), 'the former owner asks for it back');
  now = await plain('case_worker', T.id);
  assert.equal(now.version, taken.version, 'nothing changed');
  assert.equal(now.case_owner, undefined, 'GET: no case owner after the transfer');
});

// ---- 10. erasure ----------------------------------------------------------------------------------

let E; // the erased case: { case, victim, perpetrator }

test('erasure: the reason (422), the owner\'s writers only (403), hidden cases 404', async () => {
  const c = await openCase('investigator', { reference: 'KTM-ERASE-1 (fictional)', level: 'platform', tlp: 'GREEN' });
  const victim = await add('investigator', c.id, 'persons', {
    role: 'victim', ...victimPlain, first_name: 'Erasable Periwinkle (fictional)', mobile_phone: '+9779800000041', birth_date: '1999-09-09',
  });
  const perpetrator = await add('investigator', c.id, 'persons', { role: 'perpetrator', gender: 'Masculine', first_name: 'Periwinkle Broker (fictional)' });
  await add('investigator', c.id, 'events', { type: 'Exploitation', country: 'IN', date: '2024-06-01', person_id: victim.id, description: 'Periwinkle factory (fictional).' });
  await add('investigator', c.id, 'timeline', { type: 'MedicalCare', date: '2024-07-01', notes: 'Periwinkle clinic (fictional).' });
  await add('investigator', c.id, 'consents', sharing(victim.id));
  await add('investigator', c.id, 'plans', { type: 'Legal', action_plan: 'Periwinkle lawyer (fictional).' });
  await add('investigator', c.id, 'followups', { due_on: day(90), person_id: victim.id, notes: 'Periwinkle visit (fictional).' });
  ok(await call('POST', `${base(c.id)}/grants`, { session: sessions.investigator, body: { org_id: org.pune, purpose: 'Shelter (fictional)' } }), 200, 'grant');
  E = { case: c, victim, perpetrator };
  const before = await plain('investigator', c.id);
  for (const [what, body, fields] of [
    ['no reason', {}, ['reason']],
    ['a reason of 14 characters', { reason: 'Fourteen chars' }, ['reason']],
    ['an unknown field', { reason: 'Fictional lawful request no. 7', now: true }, ['now']],
  ]) invalid(await call('POST', `${base(c.id)}/erase`, { session: sessions.investigator, body }), fields, `erase with ${what}`);
  for (const who of ['ktm_analyst', 'ktm_viewer', 'case_worker', 'platform_admin', 'analyst'])
    forbidden(await call('POST', `${base(c.id)}/erase`, { session: sessions[who], body: { reason: 'Fictional lawful request no. 7' } }), `erase as ${who}`);
  hidden(await call('POST', `${base(L.p2.id)}/erase`, { session: sessions.investigator, body: { reason: 'Fictional lawful request no. 7' } }), 'erase Pune\'s org-level case');
  assert.deepEqual(await plain('investigator', c.id), before, 'nothing erased');
});

test('erasure: personal data gone for good, even with personal=true; sealed columns \'{}\', data key NULL; plain fields kept; flagged', async () => {
  const id = E.case.id;
  const before = await plain('investigator', id);
  const erasure = 'Fictional lawful request no. 7: the person asked to be forgotten.';
  const res = await call('POST', `${base(id)}/erase`, { session: sessions.ktm_case_worker, body: { reason: erasure } });
  const erased = ok(res, 200, 'erase');
  assertAudited(res, 'case.erase', 'ktm_case_worker', id, 'erase');
  assert.ok(erased.erased_at && Date.parse(erased.erased_at) > Date.now() - 60000, 'erased_at: now');
  assert.deepEqual([erased.personal_included, erased.grants, erased.version], [false, [], before.version + 1], 'no grant left');
  // Nothing personal, whoever asks, however.
  for (const who of ['investigator', 'ktm_case_worker']) {
    const c = ok(await read(who, id, true), 200, `personal=true as ${who}`);
    assert.deepEqual(personalIn(c), [], `${who}: nothing personal is left`);
    const g = ok(await glass(who, id, { reason }), 200, `break glass as ${who}`);
    assert.deepEqual(personalIn(g), [], `${who}: not even through the glass`);
  }
  forbidden(await read('case_worker', id, true), 'the former grantee: the grant ended (the case is still at level platform)');
  const copy = ok(await call('GET', `${base(id)}/persons/${E.victim.id}/copy`, { session: sessions.investigator }), 200, 'the person\'s copy');
  assert.deepEqual(personalIn({ persons: [copy.person], events: copy.items }), [], 'the copy holds nothing personal');
  // The plain fields stay, for statistics.
  const after = await plain('investigator', id);
  const strip = (c) => ({ ...c, erased_at: null, updated_at: null, version: null, grants: null });
  assert.deepEqual(strip(after), strip(before), 'every plain field as it was');
  const { first_name, mobile_phone, birth_date, ...plainVictim } = E.victim;
  assert.deepEqual(after.persons.find((p) => p.id === E.victim.id), plainVictim, 'the victim\'s plain fields');
  assert.equal((await walk('investigator')).find((s) => s.id === id).erased, true, 'the list says erased');
  // In the database.
  assert.deepEqual(sql(env, `SELECT sealed, CASE WHEN data_key IS NULL THEN 'null' ELSE 'key' END FROM cases WHERE id = ${q(id)}`), [['{}', 'null']], 'the case row');
  assert.deepEqual(sql(env, `SELECT DISTINCT sealed FROM case_persons WHERE case_id = ${q(id)}`), [['{}']], 'the person rows');
  assert.deepEqual(sql(env, `SELECT DISTINCT sealed FROM case_items WHERE case_id = ${q(id)}`), [['{}']], 'the item rows');
  assert.deepEqual(sql(env, `SELECT COUNT(*) FROM case_grants WHERE case_id = ${q(id)}`), [['0']], 'no grant row');
  assert.deepEqual(sql(env, `SELECT COUNT(*) FROM case_items WHERE case_id = ${q(id)}`), [['5']], 'the items stay, plain');
  // No personal data can be written any more; plain data can.
  const version = after.version;
  for (const [what, method, p, body] of [
    ['a name', 'PATCH', `${base(id)}/persons/${E.victim.id}`, { version: E.victim.version, first_name: 'Back again (fictional)' }],
    ['a new person with a name', 'POST', `${base(id)}/persons`, { role: 'victim', first_name: 'Back again (fictional)' }],
    ['a closure reason', 'PATCH', base(id), { version, closure_reason: 'Fictional.' }],
    ['a note', 'POST', `${base(id)}/timeline`, { type: 'Other', date: '2025-01-01', notes: 'Fictional.' }],
  ]) problem(await call(method, p, { session: sessions.investigator, body }), 409, `after erasure: ${what}`);
  assert.deepEqual(await plain('investigator', id), after, 'nothing was written');
  problem(await call('POST', `${base(id)}/erase`, { session: sessions.investigator, body: { reason: erasure } }), 409, 'erase twice');
  problem(await call('POST', `${base(id)}/grants`, { session: sessions.investigator, body: { org_id: org.pune, purpose: 'x', override_reason: 'Fictional: fifteen chars' } }),
    409, 'a grant after erasure');
  ok(await call('PATCH', base(id), { session: sessions.investigator, body: { version, reference: 'KTM-ERASE-1 renamed (fictional)' } }), 200, 'a plain change');
  // The erasure and its reason wait for the owner's review.
  const f = (await ktmFlags()).find((x) => x.record_id === id && x.reason === erasure);
  assert.ok(f, 'the erasure is flagged with its reason');
  assert.equal(f.actor_user, sessions.ktm_case_worker.user.id);
});

test('erasure: an erased case can still be closed', async () => {
  const id = E.case.id;
  const { version } = await plain('investigator', id);
  const c = ok(await call('PATCH', base(id), { session: sessions.investigator, body: { version, status: 'Closed' } }), 200, 'close the erased case');
  assert.equal(c.status, 'Closed');
});

// ---- 11. follow-ups and risk flags ------------------------------------------------------------------

/** GET /api/v1/followups?query as who: the items. */
async function due(who, query = '') {
  const p = ok(await call('GET', `/api/v1/followups${query}`, { session: sessions[who] }), 200, `GET /api/v1/followups${query} as ${who}`);
  assert.deepEqual(Object.keys(p), ['items'], 'one key');
  for (const x of p.items) assert.deepEqual(Object.keys(x).sort(), ['case_id', 'case_owner', 'due_on', 'id', 'person_id', 'reference'], JSON.stringify(x));
  return p.items;
}

test('follow-ups: the 1, 3, 6, 12-month schedule keeps the day or takes the month\'s last; other intervals; for a person', async () => {
  const c = await openCase('investigator', { reference: 'KTM-FOLLOW-1 (fictional)' });
  const v = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '25-34' });
  let res = await call('POST', `${base(c.id)}/followups/schedule`, { session: sessions.investigator, body: { from: '2026-01-31' } });
  let s = ok(res, 201, 'schedule from 2026-01-31');
  assertAudited(res, 'case.followup_schedule', 'investigator', c.id, 'schedule');
  assert.deepEqual(s.followups.map((f) => [f.due_on, f.person_id, f.done_on]), [
    ['2026-02-28', undefined, undefined], ['2026-04-30', undefined, undefined], ['2026-07-31', undefined, undefined], ['2027-01-31', undefined, undefined],
  ], '1, 3, 6 and 12 months after 2026-01-31');
  assert.deepEqual(personalIn(s), [], 'the schedule answers no personal data');
  res = await call('POST', `${base(c.id)}/followups/schedule`, { session: sessions.ktm_case_worker, body: { from: '2023-12-31', months: [2, 14], person_id: v.id } });
  s = ok(res, 201, 'schedule 2 and 14 months from 2023-12-31');
  const forPerson = s.followups.filter((f) => f.person_id === v.id).map((f) => f.due_on);
  assert.deepEqual(forPerson, ['2024-02-29', '2025-02-28'], 'a leap February, then a common one');
  s = ok(await call('POST', `${base(c.id)}/followups/schedule`, { session: sessions.investigator, body: { from: '2024-02-29', months: [12, 48, 120] } }), 201, 'from a leap day');
  for (const d of ['2025-02-28', '2028-02-29', '2034-02-28']) assert.ok(s.followups.some((f) => f.due_on === d && !f.person_id), `due ${d}`);
  s = ok(await call('POST', `${base(c.id)}/followups/schedule`, { session: sessions.investigator, body: { from: '2026-03-31', months: [1, 11] } }), 201, 'from 2026-03-31');
  for (const d of ['2026-04-30', '2027-02-28']) assert.ok(s.followups.some((f) => f.due_on === d), `due ${d}`);
  assert.equal(s.followups.length, 4 + 2 + 3 + 2, 'every follow-up scheduled');
  assert.deepEqual(s.followups.map((f) => f.due_on), [...s.followups.map((f) => f.due_on)].sort(), 'in date order');
  forbidden(await call('POST', `${base(c.id)}/followups/schedule`, { session: sessions.ktm_viewer, body: { from: '2026-01-31' } }), 'a viewer schedules');
});

test('follow-ups: the overdue list (due before today), days=N ahead, done ones leave it; MissedFollowUps meanwhile', async () => {
  const c = await openCase('investigator', { reference: 'KTM-FOLLOW-2 (fictional)', case_owner: sessions.ktm_case_worker.user.id });
  const v = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '25-34' });
  const late = await add('investigator', c.id, 'followups', { due_on: day(-1), person_id: v.id });
  const today = await add('investigator', c.id, 'followups', { due_on: day(0) });
  const soon = await add('investigator', c.id, 'followups', { due_on: day(10) });
  const done = await add('investigator', c.id, 'followups', { due_on: day(-5), done_on: day(-4), outcome: 'Safe' });
  const mine = async (query) => (await due('investigator', query)).filter((x) => x.case_id === c.id).map((x) => x.id);
  assert.deepEqual(await mine(''), [late.id], 'overdue: due yesterday, open');
  assert.deepEqual(await mine('?days=0'), [late.id, today.id], 'days=0: up to today');
  assert.deepEqual(await mine('?days=9'), [late.id, today.id], 'days=9');
  assert.deepEqual(await mine('?days=10'), [late.id, today.id, soon.id], 'days=10');
  const [row] = (await due('investigator')).filter((x) => x.id === late.id);
  assert.deepEqual(row, { id: late.id, case_id: c.id, reference: 'KTM-FOLLOW-2 (fictional)', person_id: v.id, case_owner: sessions.ktm_case_worker.user.id, due_on: day(-1) });
  // The whole list: the organisation's open follow-ups due before today, in date order.
  const all = await due('org_admin');
  assert.ok(all.some((x) => x.id === late.id), 'the late one among them');
  assert.ok(all.every((x) => x.due_on < day(0)), 'all overdue');
  assert.deepEqual(all.map((x) => x.due_on), [...all.map((x) => x.due_on)].sort(), 'in date order');
  assert.ok(!all.some((x) => x.id === done.id), 'not the done one');
  assert.ok(!(await due('case_worker')).some((x) => x.case_id === c.id), 'not in Pune\'s list');
  for (const d of ['-1', '367', 'x', '1.5', ''])
    invalid(await call('GET', `/api/v1/followups?days=${d}`, { session: sessions.investigator }), ['days'], `days=${d}`);
  problem(await call('GET', '/api/v1/followups'), 401, 'anonymous');
  // Overdue and open: MissedFollowUps, found by the date (as the case is read, and in lists).
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, ['MissedFollowUps']);
  assert.ok((await ids('investigator', 'flag=MissedFollowUps')).includes(c.id), 'flag=MissedFollowUps');
  // Done without an outcome: refused; with one, it leaves the list and the flag goes.
  invalid(await call('PATCH', `${base(c.id)}/followups/${late.id}`, { session: sessions.investigator, body: { version: 1, done_on: day(0) } }), ['outcome'], 'done, no outcome');
  const closed = ok(await call('PATCH', `${base(c.id)}/followups/${late.id}`, { session: sessions.investigator, body: { version: 1, done_on: day(0), outcome: 'AtRisk' } }),
    200, 'done');
  assert.deepEqual([closed.done_on, closed.outcome, closed.version], [day(0), 'AtRisk', 2]);
  assert.deepEqual(await mine(''), [], 'nothing overdue');
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, [], 'no flag');
});

test('risk flags: Minor (a victim under 18), Debt (debt bondage or by hand), TraffickedBefore (a ReTrafficked outcome or by hand); flag= lists them', async () => {
  const c = await openCase('investigator', { reference: 'KTM-FLAGS-1 (fictional)' });
  // A perpetrator under 18 makes no Minor.
  await add('investigator', c.id, 'persons', { role: 'perpetrator', age_band: '12-17' });
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, [], 'a young perpetrator: no flag');
  const v = await add('investigator', c.id, 'persons', { role: 'victim', age_band: '18-24' });
  assert.ok(!(await ids('investigator', 'flag=Minor')).includes(c.id), 'not a minor yet');
  ok(await call('PATCH', `${base(c.id)}/persons/${v.id}`, { session: sessions.investigator, body: { version: 1, age_band: '0-11', control_methods: ['DebtBondage', 'FalsePromises'] } }), 200,
    'she is a child, held by a debt');
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, ['Minor', 'Debt']);
  const f = await add('investigator', c.id, 'followups', { due_on: day(20), outcome: 'ReTrafficked' });
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, ['Minor', 'Debt', 'TraffickedBefore']);
  for (const flag of ['Minor', 'Debt', 'TraffickedBefore']) assert.ok((await ids('investigator', `flag=${flag}`)).includes(c.id), `flag=${flag}`);
  const [s] = (await walk('investigator')).filter((x) => x.id === c.id);
  assert.deepEqual(s.risk_flags, ['Minor', 'Debt', 'TraffickedBefore'], 'the list shows the stored flags');
  // Grown up, debt repaid: the found flags go; one set by hand stays.
  ok(await call('PATCH', `${base(c.id)}/persons/${v.id}`, { session: sessions.investigator, body: { version: 2, age_band: '18-24', control_methods: null } }), 200, 'changed');
  const { version } = await plain('investigator', c.id);
  ok(await call('PATCH', base(c.id), { session: sessions.investigator, body: { version, risk_flags: ['Debt'] } }), 200, 'Debt by hand');
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, ['Debt', 'TraffickedBefore']);
  assert.ok(!(await ids('investigator', 'flag=Minor')).includes(c.id), 'flag=Minor no longer');
  assert.ok((await ids('investigator', 'flag=Debt')).includes(c.id), 'flag=Debt by hand');
  // The ReTrafficked follow-up entered by mistake is removed: the flag it raised goes.
  assert.equal((await call('DELETE', `${base(c.id)}/followups/${f.id}`, { session: sessions.investigator })).status, 204, 'DELETE the follow-up');
  assert.deepEqual((await plain('investigator', c.id)).risk_flags, ['Debt'], 'the case read: TraffickedBefore gone');
  assert.deepEqual((await walk('investigator')).find((x) => x.id === c.id).risk_flags, ['Debt'], 'the list: TraffickedBefore gone');
  assert.ok(!(await ids('investigator', 'flag=TraffickedBefore')).includes(c.id), 'flag=TraffickedBefore no longer');
});

// ---- 12. the person's copy ----------------------------------------------------------------------------

test('a person\'s own copy: everything held on them, as a download, audited "case.copy"; need to know as for reading', async () => {
  const id = K.case.id;
  const p = `${base(id)}/persons/${K.victim.id}/copy`;
  const res = await call('GET', p, { session: sessions.ktm_case_worker });
  const copy = ok(res, 200, 'the copy');
  assertAudited(res, 'case.copy', 'ktm_case_worker', id, 'the copy');
  assert.deepEqual(Object.keys(copy).sort(), ['case_id', 'exported_at', 'items', 'owner_org', 'person']);
  assert.deepEqual([copy.case_id, copy.owner_org], [id, org.ktm]);
  assert.ok(Date.parse(copy.exported_at) > Date.now() - 60000, 'exported_at: now');
  assert.deepEqual(copy.person, { ...K.victim, ...victimPersonal, ...victimPlain }, 'the person, every field');
  const kinds = copy.items.map((x) => x.kind).sort();
  assert.deepEqual(kinds, ['consent', 'event', 'followup', 'plan', 'timeline'], 'the items about her, not the perpetrator');
  assert.ok(copy.items.every((x) => x.person_id === K.victim.id));
  assert.equal(copy.items.find((x) => x.kind === 'event').description, 'Fictional: crossed at the Zephyrine checkpoint by night bus.');
  for (const who of ['org_admin', 'ktm_analyst', 'platform_admin'])
    forbidden(await call('GET', p, { session: sessions[who] }), `the copy as ${who}`);
  hidden(await call('GET', p, { session: sessions.case_worker }), 'the copy as Pune (no longer granted)');
  hidden(await call('GET', `${base(id)}/persons/${unknownId}/copy`, { session: sessions.investigator }), 'an unknown person');
  hidden(await call('GET', `${base(id)}/persons/${E.victim.id}/copy`, { session: sessions.investigator }), 'a person of another case');
  // The granted Secretariat: its two fields.
  const sec = ok(await call('GET', p, { session: sessions.sec_case_worker }), 200, 'the copy as the Secretariat');
  assert.deepEqual(Object.keys(sec.person).filter((k) => PERSONAL.has(k)).sort(), ['first_name', 'mobile_phone']);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="person.json"', 'a download');
});

// ---- 13. no discussion on a case ---------------------------------------------------------------------

test('threads: a case holds personal data, so it has no discussion (422 naming record_kind); a hidden case 404', async () => {
  for (const who of ['investigator', 'org_admin', 'sec_case_worker']) {
    invalid(await call('POST', '/api/v1/threads', { session: sessions[who], body: { record_kind: 'case', record_id: K.case.id, body: 'A comment (fictional).' } }),
      ['record_kind'], `POST /api/v1/threads on a case as ${who}`);
    invalid(await call('GET', `/api/v1/threads?record_kind=case&record_id=${K.case.id}`, { session: sessions[who] }), ['record_kind'], `GET threads as ${who}`);
  }
  hidden(await call('POST', '/api/v1/threads', { session: sessions.case_worker, body: { record_kind: 'case', record_id: K.case.id, body: 'A comment (fictional).' } }),
    'a case Pune does not see');
  assert.deepEqual(sql(env, "SELECT COUNT(*) FROM comments WHERE record_kind = 'case'"), [['0']], 'no comment stored');
});

// ---- 14. consequences of withdrawal, transfer answers, filters on victims ---------

test('a withdrawn consent ends the grants that rested on it; an override stands', async () => {
  const c = await openCase('ktm_case_worker', { reference: 'WITHDRAW-1 (fictional)' });
  const v = await add('ktm_case_worker', c.id, 'persons', { role: 'victim', gender: 'Feminine', age_band: '25-34', first_name: 'Withdraw (fictional)' });
  const con = await add('ktm_case_worker', c.id, 'consents', {
    person_id: v.id, consent: true, scopes: ['Sharing'], org_ids: [org.pune], purpose: 'shelter placement', given_by: 'Person',
  });
  assert.equal(con.recorded_by, sessions.ktm_case_worker.user.id, 'who took the consent');
  ok(await call('POST', `${base(c.id)}/grants`, { session: sessions.ktm_case_worker, body: { org_id: org.pune, purpose: 'shelter placement' } }), 200, 'grant to Pune');
  ok(await call('POST', `${base(c.id)}/grants`, {
    session: sessions.ktm_case_worker, body: { org_id: org.secretariat, purpose: 'oversight', override_reason: 'court order 12 of 2026 (fictional)' },
  }), 200, 'override grant to the Secretariat');
  ok(await read('case_worker', c.id, true), 200, 'Pune reads while consent covers it');
  ok(await call('POST', `${base(c.id)}/consents/${con.id}/withdraw`, { session: sessions.ktm_case_worker }), 200, 'withdraw');
  hidden(await read('case_worker', c.id, true), 'Pune no longer sees the case');
  const now = ok(await read('ktm_case_worker', c.id), 200, 'the owner');
  assert.deepEqual(now.grants.map((g) => g.org_id), [org.secretariat], 'the override stands, the consented grant ended');
});

test('the organisation giving a case up is told whether it was accepted or declined', async () => {
  const c = await openCase('case_worker', { reference: 'ANSWER-1 (fictional)' });
  ok(await call('POST', `${base(c.id)}/transfer`, { session: sessions.case_worker, body: { org_id: org.ktm, note: 'moved (fictional)' } }), 200, 'offer');
  const before = ok(await call('GET', '/api/v1/notifications', { session: sessions.case_worker }), 200, 'inbox').items.length;
  problem(await call('POST', `${base(c.id)}/transfer/decline`, { session: sessions.ktm_viewer }), 403, 'a viewer cannot answer');
  const res = await call('POST', `${base(c.id)}/transfer/decline`, { session: sessions.investigator });
  assert.equal(res.status, 204, res.text);
  const inbox = ok(await call('GET', '/api/v1/notifications', { session: sessions.case_worker }), 200, 'inbox').items;
  assert.equal(inbox.length, before + 1);
  assert.deepEqual([inbox[0].event, inbox[0].record_id, inbox[0].actor_org], ['case.transfer_declined', c.id, org.ktm]);
  ok(await call('POST', `${base(c.id)}/transfer`, { session: sessions.case_worker, body: { org_id: org.ktm } }), 200, 'offer again');
  ok(await call('POST', `${base(c.id)}/transfer/accept`, { session: sessions.investigator }), 200, 'accept');
  const last = ok(await call('GET', '/api/v1/notifications', { session: sessions.case_worker }), 200, 'inbox').items[0];
  assert.deepEqual([last.event, last.record_id], ['case.transfer_accepted', c.id]);
});

test('an offer not yet answered can be taken back; the receiver is told', async () => {
  const c = await openCase('case_worker', { reference: 'CANCEL-1 (fictional)' });
  ok(await call('POST', `${base(c.id)}/transfer`, { session: sessions.case_worker, body: { org_id: org.ktm } }), 200, 'offer');
  problem(await call('DELETE', `${base(c.id)}/transfer`, { session: sessions.pune_viewer }), 403, 'a viewer cannot take it back');
  hidden(await call('DELETE', `${base(c.id)}/transfer`, { session: sessions.investigator }), 'the receiver cannot take it back');
  const res = await call('DELETE', `${base(c.id)}/transfer`, { session: sessions.case_worker });
  assert.equal(res.status, 204, res.text);
  const now = ok(await read('case_worker', c.id), 200, 'the case');
  assert.equal(now.transfer, null);
  problem(await call('POST', `${base(c.id)}/transfer/accept`, { session: sessions.investigator }), 404, 'nothing left to accept');
  const inbox = ok(await call('GET', '/api/v1/notifications', { session: sessions.investigator }), 200, 'inbox').items;
  assert.deepEqual([inbox[0].event, inbox[0].record_id], ['case.transfer_cancelled', c.id]);
  problem(await call('DELETE', `${base(c.id)}/transfer`, { session: sessions.case_worker }), 409, 'no offer to take back');
});

test('list rows carry MissedFollowUps, and flag=MissedFollowUps finds them', async () => {
  const c = await openCase('ktm_case_worker', { reference: 'MISSED-1 (fictional)' });
  const v = await add('ktm_case_worker', c.id, 'persons', { role: 'victim', gender: 'Feminine' });
  const past = new Date(Date.now() - 5 * 86400000).toISOString().slice(0, 10);
  await add('ktm_case_worker', c.id, 'followups', { person_id: v.id, due_on: past });
  const row = (await walk('ktm_case_worker')).find((x) => x.id === c.id);
  assert.ok(row.risk_flags.includes('MissedFollowUps'), JSON.stringify(row));
  assert.ok((await ids('ktm_case_worker', 'flag=MissedFollowUps')).includes(c.id));
});

test('gender and age band filters look at victims, not perpetrators', async () => {
  const c = await openCase('ktm_case_worker', { reference: 'FILTER-V (fictional)' });
  await add('ktm_case_worker', c.id, 'persons', { role: 'victim', gender: 'Feminine', age_band: '12-17' });
  await add('ktm_case_worker', c.id, 'persons', { role: 'perpetrator', gender: 'Masculine', age_band: '35-49' });
  const found = async (q) => (await walk('ktm_case_worker', q)).some((x) => x.id === c.id);
  assert.ok(await found('gender=Feminine&age_band=12-17'), 'the victim matches');
  assert.ok(!(await found('gender=Masculine')), 'the perpetrator\'s gender does not');
  assert.ok(!(await found('age_band=35-49')), 'nor his age band');
});

// ---- 15. the trail ---------------------------------------------------------------------------------------

test('atip stops cleanly on SIGTERM; the audit trail verifies', async () => {
  await server.stop();
  const v = auditVerify(env);
  assert.ok(v.entries > 100, `the trail holds every case entry: ${v.entries}`);
  const actions = sql(env, "SELECT DISTINCT action FROM atip_audit WHERE record_kind = 'case' ORDER BY action").map((r) => r[0]);
  for (const a of ['case.break_glass', 'case.copy', 'case.create', 'case.erase', 'case.grant', 'case.grant_override', 'case.read_personal',
    'case.transfer', 'case.transfer_accept', 'case.transfer_decline', 'case.update'])
    assert.ok(actions.includes(a), `${a} is in the trail`);
});

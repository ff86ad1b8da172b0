// `atip demo` with its coordination workspace: what the README's first
// command shows must be there, and must follow the same access rules as
// anything else.  The forum and two of its actions are platform-level (every
// member sees them), the Kathmandu unit's own action is country-level (Nepal
// only), two practices are public and one is for members.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, ok } from './client.mjs';
import { atip, auditVerify, demo, dropDatabases, environment, serve } from './server.mjs';

let env;
let server;
let accounts;
let orgs;
const { call, signInWithCode } = client(() => server);
const sessions = {};

async function as(role) {
  sessions[role] ??= await signInWithCode(accounts[role]);
  return sessions[role];
}

const org = (words) => orgs.find((o) => o.name.includes(words)).id;

before(async () => {
  env = environment('demo_workspace');
  ({ accounts, orgs } = demo(env, { workspace: true }));
  server = await serve(env);
});

after(async () => {
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

test('a second run changes nothing: one forum, not two', async () => {
  const again = atip(['demo', ...env.args]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, 'the database already holds the demo data\n');
  const list = ok(await call('GET', '/api/v1/meetings', { session: await as('case_worker') }), 200, 'meetings');
  assert.equal(list.items.filter((m) => m.title.startsWith('Regional forum')).length, 1);
});

test('the forum was held, with its agenda, minutes, two decisions and every member taking part', async () => {
  const s = await as('case_worker');
  const list = ok(await call('GET', '/api/v1/meetings?when=past', { session: s }), 200, 'past meetings');
  const forum = list.items.find((m) => m.title.startsWith('Regional forum'));
  assert.ok(forum, JSON.stringify(list.items.map((m) => m.title)));
  const whole = ok(await call('GET', `/api/v1/meetings/${forum.id}`, { session: s }), 200, 'the forum');
  assert.equal(whole.status, 'held');
  assert.equal(whole.level, 'platform');
  assert.equal(whole.agenda.length, 3);
  assert.deepEqual(whole.decisions.map((d) => d.number), [1, 2]);
  assert.equal(whole.participants.length, 5);
  assert.match(whole.minutes, /fictional/);
});

test('the forum\'s decisions became actions: one due soon, one overdue, each led and partnered', async () => {
  const s = await as('case_worker'); // Pune: a partner in both
  const mine = ok(await call('GET', '/api/v1/actions?view=mine', { session: s }), 200, 'my commitments');
  const titles = mine.items.map((x) => x.title).sort();
  assert.deepEqual(titles, ['Publish a shared referral contact sheet', 'Train border officials on victim identification']);
  for (const x of mine.items) assert.ok(x.decision_id && x.meeting_id, `${x.title} comes from a decision`);
  const overdue = ok(await call('GET', '/api/v1/actions?view=overdue', { session: s }), 200, 'overdue');
  assert.deepEqual(overdue.items.map((x) => x.title), ['Train border officials on victim identification']);
  assert.equal(overdue.items[0].lead_org, org('Border Force'));
  const training = ok(await call('GET', `/api/v1/actions/${overdue.items[0].id}`, { session: s }), 200, 'the training');
  assert.equal(training.updates.length, 1);
  assert.equal(training.updates[0].org_id, org('Pune'));
});

test('the Kathmandu unit\'s own action is seen in Nepal only', async () => {
  const title = 'Hotline awareness in Sindhupalchok schools';
  const nepal = ok(await call('GET', '/api/v1/actions', { session: await as('platform_admin') }), 200, 'secretariat (NP)');
  assert.ok(nepal.items.some((x) => x.title === title));
  for (const role of ['case_worker', 'analyst', 'viewer']) {
    const list = ok(await call('GET', '/api/v1/actions', { session: await as(role) }), 200, role);
    assert.ok(!list.items.some((x) => x.title === title), `${role} outside Nepal does not see it`);
  }
});

test('two practices are public, read without an account; the third is for members', async () => {
  const anon = ok(await call('GET', '/api/v1/practices'), 200, 'anonymous library');
  assert.deepEqual(anon.items.map((p) => p.title).sort(), ['Survivor peer counselling at intake', 'Verifying online job offers before departure']);
  const found = ok(await call('GET', '/api/v1/practices?q=peer'), 200, 'anonymous search');
  assert.equal(found.items.length, 1);
  assert.ok(found.items[0].snippet.some((seg) => seg.hit && /peer/i.test(seg.text)));
  const members = ok(await call('GET', '/api/v1/practices?q=checklist', { session: await as('viewer') }), 200, 'member search');
  assert.deepEqual(members.items.map((p) => p.title), ['A border screening checklist']);
  const none = ok(await call('GET', '/api/v1/practices?q=checklist'), 200, 'anonymous search for it');
  assert.equal(none.items.length, 0);
});

test('the Pune shelter was mentioned in the forum\'s discussion and told of its commitments', async () => {
  const s = await as('case_worker');
  // The hourly follow-up reminder runs once at start: wait for it.
  let inbox;
  for (let i = 0; i < 100; i++) {
    inbox = ok(await call('GET', '/api/v1/notifications', { session: s }), 200, 'inbox');
    if (inbox.items.some((n) => n.event === 'followup.due')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const events = inbox.items.map((n) => n.event).sort();
  assert.deepEqual(events, ['action.assigned', 'action.assigned', 'followup.due', 'linkage.match', 'mention']);
  const due = inbox.items.find((n) => n.event === 'followup.due');
  assert.equal(due.record_kind, 'case', 'the overdue follow-up of a case');
  const count = ok(await call('GET', '/api/v1/notifications/count', { session: s }), 200, 'count');
  assert.equal(count.unread, 5);
  const mention = inbox.items.find((n) => n.event === 'mention');
  const thread = ok(await call('GET', `/api/v1/threads?record_kind=meeting&record_id=${mention.record_id}`, { session: s }), 200, 'thread');
  assert.equal(thread.items.length, 2);
  assert.equal(thread.items[1].parent_id, thread.items[0].id);
});

test('every member has a directory profile; the Kathmandu unit lists a focal point', async () => {
  const s = await as('analyst');
  for (const o of orgs) {
    const p = ok(await call('GET', `/api/v1/orgs/${o.id}/profile`, { session: s }), 200, o.name);
    assert.equal(p.version, 1);
    assert.ok(p.mandate.includes('fictional'), o.name);
  }
  const ktm = ok(await call('GET', `/api/v1/orgs/${org('Kathmandu')}/profile`, { session: s }), 200, 'Kathmandu');
  assert.deepEqual(ktm.focal_points.map((f) => f.email), [accounts.org_admin.email]);
  const protection = ok(await call('GET', '/api/v1/orgs?theme=protection', { session: s }), 200, 'protection');
  assert.deepEqual(protection.items.map((o) => o.id).sort(), [org('Kathmandu'), org('Pune'), org('Border Force')].sort());
});

test('the demo cases: the shelter\'s two, one overdue and offered to Kathmandu; names only to those who need to know', async () => {
  const pune = ok(await call('GET', '/api/v1/cases', { session: await as('case_worker') }), 200, 'Pune\'s cases');
  assert.deepEqual(pune.items.map((c) => c.reference).sort(), ['PUNE-2026-014 (fictional)', 'PUNE-2026-021 (fictional)'], 'not Kathmandu\'s');
  const girl = pune.items.find((c) => c.reference.startsWith('PUNE-2026-014'));
  assert.deepEqual(girl.risk_flags.sort(), ['Debt', 'Minor']);
  const whole = ok(await call('GET', `/api/v1/cases/${girl.id}?personal=true`, { session: await as('case_worker') }), 200, 'with personal data');
  assert.equal(whole.persons.find((p) => p.kind === 'victim').first_name, 'Sita (fictional)');
  assert.deepEqual(whole.events.map((e) => e.type), ['Recruitment', 'Transit', 'Exploitation'], 'the route in date order');
  assert.equal(whole.consents[0].given_by, 'Guardian', 'a minor\'s consent given by her guardian');
  assert.equal(whole.followups.length, 4);
  // Kathmandu holds a grant under that consent: its investigator reads the name.
  const granted = ok(await call('GET', `/api/v1/cases/${girl.id}?personal=true`, { session: await as('investigator') }), 200, 'the grant');
  assert.equal(granted.persons.find((p) => p.kind === 'victim').first_name, 'Sita (fictional)');
  const plain = ok(await call('GET', `/api/v1/cases/${girl.id}`, { session: await as('org_admin') }), 200, 'Kathmandu\'s org admin');
  assert.equal(plain.personal_included, false);
  assert.equal(plain.persons.find((p) => p.kind === 'victim').first_name, undefined);
  const due = ok(await call('GET', '/api/v1/followups', { session: await as('case_worker') }), 200, 'overdue follow-ups').items;
  assert.deepEqual(due.map((f) => f.reference), ['PUNE-2026-021 (fictional)']);
  const incoming = ok(await call('GET', '/api/v1/cases?view=incoming', { session: await as('org_admin') }), 200, 'offered to Kathmandu').items;
  assert.deepEqual(incoming.map((c) => c.reference), ['PUNE-2026-021 (fictional)']);
  const nepal = ok(await call('GET', '/api/v1/cases', { session: await as('investigator') }), 200, 'Kathmandu\'s list').items.map((c) => c.reference);
  assert.ok(nepal.includes('KTM-CYB-007 (fictional)'));
  const colombo = ok(await call('GET', '/api/v1/cases', { session: await as('analyst') }), 200, 'Colombo\'s list').items;
  assert.deepEqual(colombo, [], 'Colombo sees none of them');
});

test('the demo\'s re-trafficking watch: the girl recorded in Pune and, a year earlier, in Devanagari in Kathmandu', async () => {
  const pune = ok(await call('GET', '/api/v1/linkage/alerts', { session: await as('case_worker') }), 200, 'Pune\'s alerts').items;
  assert.equal(pune.length, 1);
  assert.equal(pune[0].state, 'open');
  const ours = pune[0].sides.find((x) => x.yours);
  const theirs = pune[0].sides.find((x) => !x.yours);
  assert.equal(ours.case_reference, 'PUNE-2026-014 (fictional)');
  assert.deepEqual([theirs.org_country, theirs.gender, theirs.age_band, theirs.case_reference], ['NP', 'Feminine', '12-17', undefined]);
  const ktm = ok(await call('GET', '/api/v1/linkage/alerts', { session: await as('investigator') }), 200, 'Kathmandu\'s alerts').items;
  assert.equal(ktm[0].id, pune[0].id);
  assert.equal(ktm[0].sides.find((x) => x.yours).case_reference, 'KTM-2025-031 (fictional)');
});

test('the demo directory: six services; the shelter\'s address only for Pune and Kathmandu, which may refer there', async () => {
  const all = ok(await call('GET', '/api/v1/services', { session: await as('analyst') }), 200, 'the directory').items;
  assert.deepEqual(all.map((s) => s.service_type).sort(), ['helpline', 'legal_aid', 'livelihood', 'psychosocial', 'repatriation', 'shelter']);
  const shelter = (who) => call('GET', '/api/v1/services?type=shelter&vacancy=true', { session: who });
  const colombo = ok(await shelter(await as('analyst')), 200, 'Colombo').items[0];
  assert.deepEqual([colombo.location.address_hidden, colombo.location.address.address_1, colombo.location.district, colombo.location.latitude],
    [true, undefined, null, null], 'Colombo does not learn where the shelter is');
  assert.equal(colombo.capacity.vacancies, 3);
  const ktm = ok(await shelter(await as('investigator')), 200, 'Kathmandu').items[0];
  assert.deepEqual([ktm.location.address_hidden, ktm.location.district], [false, 'IN-MH-pune'], 'Kathmandu may refer there');
  const near = ok(await call('GET', '/api/v1/services?near=27.7172,85.3240', { session: await as('investigator') }), 200, 'nearest first').items;
  assert.equal(near[0].location.name, 'Repatriation desk (fictional)');
});

test('the demo intelligence: one recruiter seen in Kathmandu and Pune, linked across formats, shared as each TLP allows', async () => {
  const gulf = 'Recruiter offering hotel jobs in the Gulf (fictional)';
  const pune = 'Girls promised hotel work, recruited on Telegram (fictional)';
  const upi = 'Advance fees paid to a UPI id (fictional)';
  const scam = 'IT jobs abroad advertised in a chat group (fictional)';
  const titles = async (role) => ok(await call('GET', '/api/v1/reports', { session: await as(role) }), 200, `${role}'s reports`).items.map((r) => r.title).sort();
  assert.deepEqual(await titles('investigator'), [gulf, pune, scam].sort(), 'Kathmandu: its own, and Pune\'s shared one');
  assert.deepEqual(await titles('case_worker'), [gulf, pune, upi].sort(), 'Pune: its own, and Kathmandu\'s shared one');
  assert.deepEqual(await titles('analyst'), [gulf, pune].sort(), 'Colombo: the two shared with every member');
  const list = ok(await call('GET', '/api/v1/reports', { session: await as('investigator') }), 200, 'Kathmandu\'s list').items;
  const byTitle = Object.fromEntries(list.map((r) => [r.title, r]));
  assert.deepEqual([byTitle[gulf].level, byTitle[gulf].tlp, byTitle[scam].level, byTitle[scam].tlp], ['platform', 'GREEN', 'country', 'AMBER']);
  const whole = ok(await call('GET', `/api/v1/reports/${byTitle[gulf].id}`, { session: await as('investigator') }), 200, 'the Gulf report');
  const phone = whole.indicators.find((x) => x.type === 'phone');
  assert.deepEqual([phone.value, phone.key, phone.linked], ['+91 98200 01234', '+919820001234', 1], 'the number, linked to Pune\'s report');
  const handle = whole.indicators.find((x) => x.type === 'messaging'); // a Telegram handle is its messaging id
  assert.deepEqual([handle.key, handle.linked], ['telegram:gulf_hotel_jobs_fictional', 2], 'the channel, in Pune\'s report and the scam-compound one');
  assert.equal(whole.indicators.find((x) => x.type === 'ad_text').linked, 1, 'the near-identical ad');
  assert.equal(whole.indicators.find((x) => x.type === 'person_name').value, 'Demo Recruiter (fictional)');
  assert.deepEqual(whole.requests.map((q) => [q.platform, q.kind, q.status]), [['telegram', 'preservation', 'sent']]);
  const named = ok(await call('GET', `/api/v1/reports/${byTitle[gulf].id}`, { session: await as('analyst') }), 200, 'Colombo reads it');
  assert.equal(named.indicators.find((x) => x.type === 'person_name').value, null, 'but not the name');
  // Pune's number is written the Indian way: the same number.
  const [hit] = ok(await call('POST', '/api/v1/indicators/search', { session: await as('investigator'), body: { value: '098200 01234', region: 'IN' } }), 200, 'search').items;
  assert.deepEqual(hit.sightings.map((x) => x.report_title).sort(), [gulf, pune].sort());
  // Kathmandu sees Pune's case only as the case's own rules let it (the demo's handover).
  for (const c of hit.cases) ok(await call('GET', `/api/v1/cases/${c.case_id}`, { session: await as('investigator') }), 200, `Kathmandu may read ${c.reference}`);
  // Pune's case holds the recruiter's number (its perpetrator's): Pune finds it.
  const [own] = ok(await call('POST', '/api/v1/indicators/search', { session: await as('case_worker'), body: { value: '+91 98200 01234' } }), 200, 'Pune searches').items;
  assert.deepEqual(own.cases.map((x) => [x.reference, x.report_id]), [['PUNE-2026-014 (fictional)', null]]);
  // The UPI id: Pune's shelter-only report is counted for Kathmandu, not shown.
  const [money] = ok(await call('POST', '/api/v1/indicators/search', { session: await as('investigator'), body: { value: 'hoteljobs.fictional@okaxis', type: 'upi' } }), 200, 'UPI').items;
  assert.deepEqual(money.sightings.map((x) => x.report_title), [pune]);
  assert.deepEqual(money.hidden.map((x) => [x.org_id, x.count]), [[org('Pune'), 1]]);
  // The scam-compound report is linked to the unit's case.
  const compound = ok(await call('GET', `/api/v1/reports/${byTitle[scam].id}`, { session: await as('investigator') }), 200, 'the scam report');
  const cases = ok(await call('GET', '/api/v1/cases', { session: await as('investigator') }), 200, 'cases').items;
  assert.deepEqual(compound.case_ids, [cases.find((c) => c.reference === 'KTM-CYB-007 (fictional)').id]);
});

// Intel reports, typed indicators and correlation (/api/v1/reports,
// /api/v1/indicators), on the engine ATIP_TEST_DB names:
//
//  1. Reports: every field checked; a refused body writes nothing; who may
//     write, change, delete; stale versions.
//  2. Normalisers agree: +91 98200 12345, 098200 12345 and 98200-12345 in
//     an Indian context are one number, and correlate across countries.
//  3. Correlation never reveals what the rules forbid: a report the viewer
//     may see is a sighting; one it may not see is only counted, with its
//     organisation, when its TLP is CLEAR, GREEN or AMBER; AMBER+STRICT
//     and RED are not even counted.  Linked cases follow their own rules.
//  4. Over-correlation: a value held by more than 50 reports links nothing.
//  5. A person's name is personal: sealed, never in the table, correlated
//     across scripts, read only by the owner's case workers and
//     investigators.
//  6. Near-duplicate ads, extraction from pasted text, platform requests,
//     the network and the shortest path.
//  7. Cases whose perpetrators hold a value (name, phone, email) are found
//     by those who may see them, through blind indexes only.
//
// Every name, number, handle and place here is made up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { demo, dropDatabases, environment, serve, sql } from './server.mjs';

let server;
let env;
const s = {};
const { call, signInWithCode, addUser, signInEnrolled } = client(() => server);
let pune;
let ktm;
let colombo;

before(async () => {
  env = environment('intel');
  const data = demo(env);
  server = await serve(env);
  for (const r of ['case_worker', 'investigator', 'org_admin', 'analyst', 'viewer', 'platform_admin']) s[r] = await signInWithCode(data.accounts[r], `${r} signs in`);
  pune = s.case_worker.user.org_id;
  ktm = s.investigator.user.org_id;
  colombo = s.analyst.user.org_id;
  const writer = await addUser(s.platform_admin, { name: 'colombo-cw', role: 'case_worker', orgId: colombo, tag: 'intel' });
  s.colombo_writer = await signInEnrolled(writer, 'a Colombo case worker signs in');
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

const post = async (who, p, body, status, what = `POST ${p} as ${who}`) => ok(await call('POST', p, { session: s[who], body }), status, what);
const get = async (who, p, status = 200) => ok(await call('GET', p, { session: s[who] }), status, `GET ${p} as ${who}`);
const count = (table) => Number(sql(env, `SELECT COUNT(*) FROM ${table}`)[0][0]);

const base = {
  title: 'Recruiter offering hotel jobs abroad (fictional)',
  narrative: 'Chat messages promising hotel work in the Gulf; passports collected at a bus stand. Fictional.',
  period_start: '2026-01-05', period_end: '2026-02-20',
  places: ['IN-MH', 'NP'], exploitation_types: ['SexualExploitation', 'ForcedLabour'], platforms: ['whatsapp', 'instagram'],
  reliability: 'B', credibility: 2, handling: 'H1', tlp: 'GREEN', level: 'platform',
};

async function report(who, extra = {}, indicators = []) {
  return post(who, '/api/v1/reports', { ...base, ...extra, indicators }, 201, `${who} writes a report`);
}

async function search(who, value, type, region) {
  const body = { value };
  if (type) body.type = type;
  if (region) body.region = region;
  return (await post(who, '/api/v1/indicators/search', body, 200, `${who} looks up ${value}`)).items;
}

test('POST /api/v1/reports: every field as given, the owner, the indicators normalised; GET reads it back', async () => {
  const r = await report('investigator', {}, [
    { type: 'phone', value: '+91 98200 11111', note: 'in the chat header' },
    { type: 'handle', value: '@Hotel.Jobs.Fictional', qualifier: 'instagram' },
    { type: 'email', value: 'Jobs.Fictional@Example.ORG' },
  ]);
  assert.equal(r.title, base.title);
  assert.equal(r.owner_org, ktm);
  assert.equal(r.owner_country, 'NP');
  assert.deepEqual(r.places, ['IN-MH', 'NP']);
  assert.deepEqual(r.exploitation_types, ['SexualExploitation', 'ForcedLabour']);
  assert.deepEqual(r.platforms, ['whatsapp', 'instagram']);
  assert.equal(r.reliability, 'B');
  assert.equal(r.credibility, 2);
  assert.equal(r.handling, 'H1');
  assert.equal(r.tlp, 'GREEN');
  assert.equal(r.level, 'platform');
  assert.equal(r.version, 1);
  const keys = Object.fromEntries(r.indicators.map((x) => [x.type, x.key]));
  assert.deepEqual(keys, { phone: '+919820011111', handle: 'instagram:hotel.jobs.fictional', email: 'jobs.fictional@example.org' });
  assert.equal(r.indicators.find((x) => x.type === 'phone').note, 'in the chat header');
  assert.equal(r.indicators.find((x) => x.type === 'phone').value, '+91 98200 11111', 'the value as written is kept');
  const again = await get('analyst', `/api/v1/reports/${r.id}`);
  assert.deepEqual(again.indicators.map((x) => x.key).sort(), Object.values(keys).sort());
  const list = await get('analyst', '/api/v1/reports?platform=instagram');
  assert.ok(list.items.some((x) => x.id === r.id));
  assert.ok(!(await get('analyst', '/api/v1/reports?platform=telegram')).items.some((x) => x.id === r.id));
  assert.ok((await get('analyst', '/api/v1/reports?place=IN')).items.some((x) => x.id === r.id), 'IN finds IN-MH');
});

test('DELETE an indicator: its owner removes it and the value links no more; another organisation, another report\'s path or a second time is refused', async () => {
  const a = await report('investigator', { title: 'Removal A (fictional)' }, [{ type: 'ip', value: '192.0.2.55' }, { type: 'ip', value: '192.0.2.56' }]);
  const b = await report('case_worker', { title: 'Removal B (fictional)' }, [{ type: 'ip', value: '192.0.2.55' }]);
  const ind = a.indicators.find((x) => x.key === '192.0.2.55');
  assert.equal(b.indicators[0].linked, 1, 'linked to Kathmandu\'s report first');
  problem(await call('DELETE', `/api/v1/reports/${a.id}/indicators/${ind.id}`, { session: s.case_worker }), 403, 'Pune removes Kathmandu\'s indicator');
  problem(await call('DELETE', `/api/v1/reports/${a.id}/indicators/${b.indicators[0].id}`, { session: s.investigator }), 404, 'another report\'s indicator through this report');
  problem(await call('DELETE', `/api/v1/reports/${a.id}/indicators/${ind.id}`, { session: s.analyst }), 403, 'an analyst');
  assert.equal((await call('DELETE', `/api/v1/reports/${a.id}/indicators/${ind.id}`, { session: s.investigator })).status, 204, 'its owner');
  problem(await call('DELETE', `/api/v1/reports/${a.id}/indicators/${ind.id}`, { session: s.investigator }), 404, 'a second time');
  assert.deepEqual((await get('investigator', `/api/v1/reports/${a.id}`)).indicators.map((x) => x.key), ['192.0.2.56'], 'the other stays');
  assert.equal((await get('case_worker', `/api/v1/reports/${b.id}`)).indicators[0].linked, 0, 'Pune\'s value links no more');
  assert.equal(sql(env, "SELECT records FROM intel_values WHERE type = 'ip' AND vkey = '192.0.2.55'")[0][0], '1', 'held by one report now');
});

test('a refused report is 422 with the fields named, and writes nothing', async () => {
  const before = [count('intel_reports'), count('intel_indicators'), count('intel_values')];
  const cases = [
    [{ title: '' }, ['title']],
    [{ reliability: 'G' }, ['reliability']],
    [{ credibility: 7 }, ['credibility']],
    [{ handling: 'H3' }, ['handling_note']],
    [{ handling: 'H9' }, ['handling']],
    [{ places: ['XX'] }, ['places']],
    [{ places: ['IN-ZZ'] }, ['places']],
    [{ exploitation_types: ['Fishing'] }, ['exploitation_types']],
    [{ platforms: ['myspace'] }, ['platforms']],
    [{ period_start: '2026-03-01', period_end: '2026-02-01' }, ['period_end']],
    [{ period_start: '1 March' }, ['period_start']],
    [{ tlp: 'RED', level: 'platform' }, ['level']],
    [{ case_ids: ['00000000-0000-7000-8000-000000000000'] }, ['case_ids']],
    [{ colour: 'red' }, ['colour']],
  ];
  for (const [extra, fields] of cases) {
    invalid(await call('POST', '/api/v1/reports', { session: s.investigator, body: { ...base, ...extra } }), fields, JSON.stringify(extra));
  }
  const bad = [
    [{ type: 'phone', value: 'call me' }, 'indicators/0/value'],
    [{ type: 'phone', value: '+91 12' }, 'indicators/0/value'],
    [{ type: 'email', value: 'nobody@' }, 'indicators/0/value'],
    [{ type: 'url', value: 'javascript:alert(1)' }, 'indicators/0/value'],
    [{ type: 'ip', value: '300.1.1.1' }, 'indicators/0/value'],
    [{ type: 'bank_account', value: 'SBIN1234567 123' }, 'indicators/0/value'],
    [{ type: 'crypto_wallet', value: '0x1234' }, 'indicators/0/value'],
    [{ type: 'carrier_pigeon', value: 'x' }, 'indicators/0/type'],
    [{ type: 'phone' }, 'indicators/0/value'],
  ];
  for (const [ind, field] of bad) {
    const p = invalid(await call('POST', '/api/v1/reports', { session: s.investigator, body: { ...base, indicators: [ind] } }), [field], JSON.stringify(ind));
    if (ind.value) assert.ok(!JSON.stringify(p).includes(ind.value), 'the error never quotes the value');
  }
  assert.deepEqual([count('intel_reports'), count('intel_indicators'), count('intel_values')], before, 'nothing written');
});

test('who writes: analysts and viewers may not; another organisation may not change or delete; a stale version is 409', async () => {
  problem(await call('POST', '/api/v1/reports', { session: s.analyst, body: base }), 403, 'an analyst');
  problem(await call('POST', '/api/v1/reports', { session: s.viewer, body: base }), 403, 'a viewer');
  const r = await report('investigator', { level: 'platform' });
  problem(await call('PATCH', `/api/v1/reports/${r.id}`, { session: s.case_worker, body: { title: 'x', version: 1 } }), 403, 'Pune changes Kathmandu\'s report');
  problem(await call('DELETE', `/api/v1/reports/${r.id}`, { session: s.case_worker }), 403, 'Pune deletes it');
  problem(await call('POST', `/api/v1/reports/${r.id}/indicators`, { session: s.case_worker, body: { indicators: [{ type: 'ip', value: '203.0.113.9' }] } }), 403, 'Pune adds to it');
  const changed = ok(await call('PATCH', `/api/v1/reports/${r.id}`, { session: s.org_admin, body: { title: 'Renamed (fictional)', version: 1 } }), 200, 'its org admin');
  assert.equal(changed.version, 2);
  problem(await call('PATCH', `/api/v1/reports/${r.id}`, { session: s.investigator, body: { title: 'Stale (fictional)', version: 1 } }), 409, 'stale');
  const mine = await report('investigator', { level: 'org', tlp: 'AMBER' });
  problem(await call('GET', `/api/v1/reports/${mine.id}`, { session: s.case_worker }), 404, 'an org-only report is unknown to Pune');
  problem(await call('DELETE', `/api/v1/reports/${mine.id}`, { session: s.case_worker }), 404, 'and cannot be deleted by it');
  assert.equal((await call('DELETE', `/api/v1/reports/${mine.id}`, { session: s.investigator })).status, 204, 'its owner deletes it');
  problem(await call('GET', `/api/v1/reports/${mine.id}`, { session: s.investigator }), 404, 'gone');
});

test('normalisers agree: +91 98200 12345, 098200 12345, 98200-12345 and 0091 98200 12345 are one number; the search takes any of them', async () => {
  const a = await report('case_worker', { title: 'Pune sighting A (fictional)' }, [{ type: 'phone', value: '098200 12345' }]);
  const b = await report('case_worker', { title: 'Pune sighting B (fictional)' }, [{ type: 'phone', value: '98200-12345' }]);
  const k = await report('investigator', { title: 'Kathmandu sighting (fictional)' }, [{ type: 'phone', value: '+91 98200 12345' }]);
  const c = await report('colombo_writer', { title: 'Colombo sighting (fictional)' }, [{ type: 'phone', value: '0091 98200 12345' }]);
  for (const r of [a, b, k, c]) assert.equal(r.indicators[0].key, '+919820012345', r.title);
  for (const form of ['+91 98200 12345', '098200 12345', '9820012345', '+91-98200-12345']) {
    const [hit] = await search('analyst', form, 'phone', 'IN');
    assert.equal(hit.key, '+919820012345', form);
    assert.deepEqual(hit.sightings.map((x) => x.report_id).sort(), [a.id, b.id, k.id, c.id].sort(), `${form}: all four reports`);
  }
  // Without a type, the search finds the number in what was typed.
  const [typed] = await search('analyst', 'call 098200 12345 after 9', undefined, 'IN');
  assert.equal(typed.type, 'phone');
  assert.equal(typed.key, '+919820012345');
  // A new indicator is linked at once: its answer names the others.
  const added = await post('investigator', `/api/v1/reports/${k.id}/indicators`, { indicators: [{ type: 'phone', value: '+919820012345' }, { type: 'ip', value: '203.0.113.77' }] }, 201);
  assert.equal(added.items.length, 1, 'the number the report holds already is not added twice');
  const ind = await post('investigator', `/api/v1/reports/${k.id}/indicators`, { indicators: [{ type: 'upi', value: 'Hotel.Jobs@okaxis' }] }, 201);
  const again = await post('case_worker', `/api/v1/reports/${a.id}/indicators`, { indicators: [{ type: 'upi', value: 'hotel.jobs@OKAXIS' }] }, 201);
  assert.deepEqual(again.items[0].correlation.sightings.map((x) => x.report_id), [k.id], 'linked at once to Kathmandu\'s report');
  assert.equal(again.items[0].correlation.sightings[0].org_id, ktm);
  const one = await get('investigator', `/api/v1/reports/${k.id}/indicators/${ind.items[0].id}`);
  assert.deepEqual(one.correlation.sightings.map((x) => x.report_id), [a.id]);
  assert.ok(one.first_seen && one.last_seen, 'when the value was first and last reported');
});

test('correlation reveals a hidden report only as a count with its organisation, and only when its TLP allows', async () => {
  const value = '+977 9841 000 777';
  const seen = await report('case_worker', { title: 'Shared widely (fictional)', level: 'platform', tlp: 'GREEN' }, [{ type: 'phone', value }]);
  const amber = await report('case_worker', { title: 'Pune only, amber (fictional)', level: 'org', tlp: 'AMBER' }, [{ type: 'phone', value }]);
  const strict = await report('case_worker', { title: 'Pune only, strict (fictional)', level: 'org', tlp: 'AMBER+STRICT' }, [{ type: 'phone', value }]);
  const red = await report('case_worker', { title: 'Pune only, red (fictional)', level: 'org', tlp: 'RED' }, [{ type: 'phone', value }]);
  const country = await report('case_worker', { title: 'India only (fictional)', level: 'country', tlp: 'AMBER' }, [{ type: 'phone', value }]);
  const [k] = await search('investigator', value, 'phone', 'NP');
  assert.deepEqual(k.sightings.map((x) => x.report_id), [seen.id], 'Kathmandu sees the shared report');
  assert.deepEqual(k.hidden, [{ org_id: pune, org_name: k.hidden[0]?.org_name, count: 2 }], 'and counts two: the amber one and the India-only one');
  const text = JSON.stringify(k);
  for (const r of [amber, strict, red, country]) {
    assert.ok(!text.includes(r.id), 'no hidden report id');
    assert.ok(!text.includes(r.title), 'no hidden title');
  }
  const [own] = await search('case_worker', value, 'phone', 'NP');
  assert.equal(own.sightings.length, 5, 'Pune sees all five of its own');
  assert.deepEqual(own.hidden, []);
  // A value held only by RED and AMBER+STRICT reports: nothing at all.
  const quiet = '+977 9841 000 778';
  await report('case_worker', { title: 'Red only (fictional)', level: 'org', tlp: 'RED' }, [{ type: 'phone', value: quiet }]);
  await report('case_worker', { title: 'Strict only (fictional)', level: 'org', tlp: 'AMBER+STRICT' }, [{ type: 'phone', value: quiet }]);
  const [none] = await search('investigator', quiet, 'phone', 'NP');
  assert.deepEqual([none.sightings, none.hidden, none.cases, none.common], [[], [], [], false]);
  assert.ok(!JSON.stringify(none).includes(pune), 'not even the organisation');
  // The same rules on a report's page and on one indicator.
  const ktmReport = await report('investigator', { title: 'Kathmandu holds it too (fictional)' }, [{ type: 'phone', value }]);
  const one = await get('investigator', `/api/v1/reports/${ktmReport.id}/indicators/${ktmReport.indicators[0].id}`);
  assert.deepEqual(one.correlation.sightings.map((x) => x.report_id), [seen.id]);
  assert.equal(one.correlation.hidden[0].count, 2);
  assert.equal(ktmReport.indicators[0].linked, 1, 'the report page counts what Kathmandu may see');
});

test('linked cases keep their own rules: the owner sees its case through a shared value, the other organisation does not', async () => {
  const c = await post('case_worker', '/api/v1/cases', { reference: 'INTEL-PUNE-1 (fictional)' }, 201);
  problem(await call('POST', '/api/v1/reports', { session: s.investigator, body: { ...base, case_ids: [c.id] } }), 422, 'Kathmandu may not link a case it cannot see');
  const r = await report('case_worker', { title: 'Linked to a case (fictional)', case_ids: [c.id] }, [{ type: 'email', value: 'agent.fictional@example.net' }]);
  assert.deepEqual(r.case_ids, [c.id]);
  const [mine] = await search('case_worker', 'agent.fictional@example.net', 'email');
  assert.deepEqual(mine.cases.map((x) => [x.case_id, x.reference]), [[c.id, 'INTEL-PUNE-1 (fictional)']]);
  const [theirs] = await search('investigator', 'Agent.Fictional@Example.net', 'email');
  assert.deepEqual(theirs.sightings.map((x) => x.report_id), [r.id], 'Kathmandu sees the report');
  assert.deepEqual(theirs.cases, [], 'but not the case');
  assert.ok(!JSON.stringify(theirs).includes(c.id));
  assert.deepEqual((await get('investigator', `/api/v1/reports/${r.id}`)).case_ids, [], 'nor on the report page');
});

test('over-correlation: a value held by more than 50 reports is common and links nothing', async () => {
  const callCentre = '+91 22 4000 0000';
  const ids = [];
  for (let i = 0; i < 50; i++) ids.push((await report('case_worker', { title: `Call centre mention ${i} (fictional)` }, [{ type: 'phone', value: callCentre }])).id);
  let [hit] = await search('investigator', callCentre, 'phone', 'IN');
  assert.equal(hit.common, false, '50 reports hold it: still linked');
  assert.equal(hit.sightings.length, 50);
  const last = await report('case_worker', { title: 'Call centre mention 50 (fictional)' }, [{ type: 'phone', value: callCentre }]);
  [hit] = await search('investigator', callCentre, 'phone', 'IN');
  assert.deepEqual([hit.common, hit.sightings, hit.hidden, hit.cases], [true, [], [], []], 'common: nothing linked');
  assert.equal(last.indicators[0].common, true, 'the report page marks it');
  assert.equal(last.indicators[0].linked, 0);
  assert.equal((await call('DELETE', `/api/v1/reports/${last.id}`, { session: s.case_worker })).status, 204, 'one report less');
  [hit] = await search('investigator', callCentre, 'phone', 'IN');
  assert.equal(hit.common, false, 'back to 50 holders: linked again');
});

test('a person\'s name is sealed, correlates across scripts, and is read only by the owner\'s case workers and investigators', async () => {
  const k = await report('investigator', { title: 'Named recruiter (fictional)' }, [{ type: 'person_name', value: 'सुरेश थापा' }]);
  const p = await report('case_worker', { title: 'Same recruiter in Pune (fictional)' }, [{ type: 'person_name', value: 'Suresh Thapa' }]);
  assert.equal(k.indicators[0].value, 'सुरेश थापा', 'the owner\'s investigator reads it');
  assert.equal(k.indicators[0].key, undefined, 'no key is shown for a name');
  assert.equal(k.indicators[0].personal, true);
  const stored = sql(env, "SELECT value, sealed, vkey FROM intel_indicators WHERE type = 'person_name'");
  for (const [value, sealed, vkey] of stored) {
    assert.ok(!value, 'no name in the value column');
    assert.ok(sealed && !sealed.includes('Suresh') && !sealed.includes('सुरेश'), 'sealed');
    assert.ok(!vkey.includes('suresh'), 'the key is a blind index');
  }
  const fromPune = await get('case_worker', `/api/v1/reports/${k.id}`);
  assert.equal(fromPune.indicators[0].value, null, 'Pune sees that a name is there, not the name');
  assert.equal((await get('analyst', `/api/v1/reports/${p.id}`)).indicators[0].value, null, 'an analyst of another organisation neither');
  assert.equal((await get('org_admin', `/api/v1/reports/${k.id}`)).indicators[0].value, null, 'nor the owner\'s org admin');
  assert.equal(fromPune.indicators[0].linked, 1, 'the two names correlate across scripts');
  // Who read the names is on the report's trail; those who saw only that a name is there are not.
  const trail = ok(await call('GET', `/api/v1/audit/record?record_kind=report&record_id=${k.id}`, { session: s.org_admin }), 200, 'the trail').items;
  const reads = trail.filter((e) => e.action === 'report.read_names');
  assert.ok(reads.length >= 1, 'the investigator\'s reads are audited');
  assert.deepEqual([...new Set(reads.map((e) => e.actor_user))], [s.investigator.user.id], 'by the investigator alone: Pune, the analyst and the org admin read no name');
  const [hit] = await search('investigator', 'suresh thapa', 'person_name');
  assert.deepEqual(hit.sightings.map((x) => x.report_id).sort(), [k.id, p.id].sort());
  assert.ok(!JSON.stringify(hit).includes('Thapa') || hit.value === 'suresh thapa', 'the answer echoes only what was typed');
  // Several names on one report: each opened on its own (reading the
  // second leaked the first's plaintext until fuzz_body found it; the
  // sanitizer run's clean exit checks it).
  const two = await report('investigator', { title: 'Two recruiters (fictional)' }, [
    { type: 'person_name', value: 'Ramesh Fictionalrai' }, { type: 'person_name', value: 'Dinesh Fictionalgurung' }, { type: 'ip', value: '192.0.2.77' },
  ]);
  const names = (await get('investigator', `/api/v1/reports/${two.id}`)).indicators.filter((x) => x.type === 'person_name').map((x) => x.value);
  assert.deepEqual(names.sort(), ['Dinesh Fictionalgurung', 'Ramesh Fictionalrai']);
});

test('near-duplicate ads correlate with their distance; a different ad does not', async () => {
  const ad = 'Urgent hiring girls for hotel work in Dubai, salary 50000 per month, free visa and free air ticket, food and stay provided by company. '
    + 'No experience needed, age 18 to 25 only. Interview this week in Kathmandu and Delhi. Send photo and passport copy on WhatsApp, limited seats! (fictional)';
  const near = 'Urgent hiring girls for hotel work in Dubai, salary 60000 per month, free visa and free air ticket, food and stay provided by company. '
    + 'No experience needed, age 18 to 25 only. Interview this week in Kathmandu and Delhi. Send photo and passport copy on WhatsApp, limited seats! (fictional)';
  const other = 'Second-hand scooter for sale in Kathmandu, good condition, price negotiable (fictional)';
  const a = await report('case_worker', { title: 'Ad seen in Pune (fictional)' }, [{ type: 'ad_text', value: ad }]);
  const b = await report('investigator', { title: 'Ad seen in Kathmandu (fictional)' }, [{ type: 'ad_text', value: near }, { type: 'ad_text', value: other }]);
  const one = await get('case_worker', `/api/v1/reports/${a.id}/indicators/${a.indicators[0].id}`);
  assert.deepEqual(one.correlation.sightings.map((x) => x.report_id), [b.id]);
  assert.ok(one.correlation.sightings[0].distance <= 6);
  const scooter = b.indicators.find((x) => x.value === other);
  const lone = await get('investigator', `/api/v1/reports/${b.id}/indicators/${scooter.id}`);
  assert.deepEqual(lone.correlation.sightings, []);
});

test('POST /api/v1/indicators/extract proposes the indicators of a pasted chat for the analyst to confirm', async () => {
  const text = [
    '[10:02] Recruiter: Namaste didi, hotel job in Dubai, call +91 98200 55555 or WhatsApp wa.me/919820066666',
    '[10:03] Recruiter: pay advance to hoteljobs.fictional@okaxis, or mail hr.fictional@example.com',
    '[10:04] Recruiter: see insta @dubai.hotel.fictional and https://jobs.example.com/apply?utm_source=x',
  ].join('\n');
  const { items } = await post('analyst', '/api/v1/indicators/extract', { text, region: 'IN' }, 200);
  const keys = items.map((x) => `${x.type} ${x.key}`);
  for (const want of ['phone +919820055555', 'upi hoteljobs.fictional@okaxis', 'email hr.fictional@example.com']) {
    assert.ok(keys.includes(want), `${want} in ${JSON.stringify(keys)}`);
  }
  assert.ok(keys.some((k) => k.startsWith('url ') && k.includes('jobs.example.com/apply') && !k.includes('utm_')), 'the URL without its tracking');
  for (const x of items) assert.equal(text.slice(0, x.offset + x.length).length >= x.length, true);
  invalid(await call('POST', '/api/v1/indicators/extract', { session: s.analyst, body: {} }), ['text'], 'no text');
  assert.deepEqual((await post('analyst', '/api/v1/indicators/extract', { text: 'nothing to see here' }, 200)).items, []);
  // 100 000 bytes of digit runs (the costliest text): answered, at most 200 proposals.
  const hostile = '98200 12345 0'.repeat(7700).slice(0, 100000);
  assert.ok((await post('analyst', '/api/v1/indicators/extract', { text: hostile, region: 'IN' }, 200)).items.length <= 200);
  problem(await call('POST', '/api/v1/indicators/extract', { session: s.analyst, body: { text: hostile + 'x' } }), 422, 'over 100 000 bytes');
});

test('platform requests: preservation and takedown recorded on a report, with their status and the platform\'s answer', async () => {
  const r = await report('investigator', { title: 'Takedown needed (fictional)' });
  invalid(await call('POST', `/api/v1/reports/${r.id}/requests`, { session: s.investigator, body: { platform: 'myspace', kind: 'erase', target: '' } }), ['platform', 'kind', 'target'], 'bad request');
  invalid(await call('POST', `/api/v1/reports/${r.id}/requests`, { session: s.investigator, body: { platform: 'instagram', kind: 'takedown', target: '@x', status: 'sent' } }), ['sent_on'], 'sent without a date');
  const q = await post('investigator', `/api/v1/reports/${r.id}/requests`, { platform: 'instagram', kind: 'preservation', target: 'Profile @dubai.hotel.fictional', status: 'sent', sent_on: '2026-02-21' }, 201);
  assert.equal(q.status, 'sent');
  problem(await call('POST', `/api/v1/reports/${r.id}/requests`, { session: s.analyst, body: { platform: 'instagram', kind: 'takedown', target: 'x' } }), 403, 'an analyst');
  const done = ok(await call('PATCH', `/api/v1/reports/${r.id}/requests/${q.id}`, { session: s.investigator, body: { status: 'complied', response: 'Data preserved for 90 days (fictional).', responded_on: '2026-02-25', version: 1 } }), 200, 'answered');
  assert.equal(done.status, 'complied');
  problem(await call('PATCH', `/api/v1/reports/${r.id}/requests/${q.id}`, { session: s.investigator, body: { status: 'expired', version: 1 } }), 409, 'stale');
  invalid(await call('PATCH', `/api/v1/reports/${r.id}/requests/${q.id}`, { session: s.investigator, body: { responded_on: '2026-01-01', version: 2 } }), ['responded_on'], 'an answer before the request');
  const page = await get('analyst', `/api/v1/reports/${r.id}`);
  assert.deepEqual(page.requests.map((x) => [x.platform, x.kind, x.status]), [['instagram', 'preservation', 'complied']]);
});

test('the network around a report (JSON and SVG) and the shortest path between two values, over what the viewer may see', async () => {
  const a = await report('case_worker', { title: 'Net A (fictional)' }, [{ type: 'phone', value: '+91 98200 70001' }, { type: 'email', value: 'net.a@example.org' }]);
  const b = await report('investigator', { title: 'Net B (fictional)' }, [{ type: 'email', value: 'net.a@example.org' }, { type: 'handle', value: '@net_b_fictional', qualifier: 'telegram' }]);
  const hidden = await report('case_worker', { title: 'Net hidden (fictional)', level: 'org', tlp: 'AMBER' }, [{ type: 'handle', value: '@net_b_fictional', qualifier: 'telegram' }]);
  const g = await get('investigator', `/api/v1/reports/${a.id}/graph`);
  const ids = g.nodes.map((n) => n.id);
  assert.ok(ids.includes(a.id) && ids.includes(b.id), 'both reports');
  assert.ok(!ids.includes(hidden.id), 'never the hidden one');
  assert.ok(g.nodes.some((n) => n.kind === 'indicator' && n.id === 'net.a@example.org'));
  assert.ok(g.nodes.some((n) => n.type === 'messaging' && n.id === 'telegram:net_b_fictional'), 'a Telegram handle is its messaging id');
  for (const e of g.edges) assert.ok(g.nodes[e.source] && g.nodes[e.target]);
  const svg = await call('GET', `/api/v1/reports/${a.id}/graph?format=svg`, { session: s.investigator });
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(svg.text, /^<svg[^>]*role="img"/);
  assert.ok(!svg.text.includes(hidden.id));
  const path = await post('investigator', '/api/v1/indicators/path', { from: { type: 'phone', value: '+91 98200 70001' }, to: { type: 'handle', value: 'net_b_fictional', qualifier: 'telegram' } }, 200);
  assert.equal(path.found, true);
  assert.deepEqual(path.nodes.map((n) => n.id), ['+919820070001', a.id, 'net.a@example.org', b.id, 'telegram:net_b_fictional']);
  const none = await post('investigator', '/api/v1/indicators/path', { from: { type: 'phone', value: '+91 98200 70001' }, to: { type: 'ip', value: '198.51.100.1' } }, 200);
  assert.equal(none.found, false);
  invalid(await call('POST', '/api/v1/indicators/path', { session: s.investigator, body: { from: { type: 'phone', value: 'x' }, to: {} } }), ['from', 'to'], 'bad ends');
});

test('a case whose perpetrator holds the value is found by its owner alone, without the value being stored in clear', async () => {
  const c = await post('investigator', '/api/v1/cases', { reference: 'INTEL-KTM-PERP (fictional)' }, 201);
  await post('investigator', `/api/v1/cases/${c.id}/persons`, {
    role: 'perpetrator', first_name: 'Bikash', family_name: 'Gurung', mobile_phone: '+9779812000999', email: 'bikash.fictional@example.com',
  }, 201);
  // Pune reports the same man in its own words; Kathmandu's case holds him.
  await report('case_worker', { title: 'Recruiter at the bus stand (fictional)' }, [
    { type: 'phone', value: '981-2000999', note: 'Nepali mobile' },
    { type: 'person_name', value: 'बिकाश गुरुङ' },
  ]);
  const deadline = Date.now() + 20000;
  let hit;
  for (;;) {
    [hit] = await search('investigator', '+977 981 2000 999', 'phone', 'NP');
    if (hit.cases.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(hit.cases, [{ case_id: c.id, reference: 'INTEL-KTM-PERP (fictional)', report_id: null }], 'the owner finds its case by the number');
  const [byName] = await search('investigator', 'Bikash Gurung', 'person_name');
  assert.deepEqual(byName.cases.map((x) => x.case_id), [c.id], 'and by the name, across scripts');
  const [byMail] = await search('investigator', 'Bikash.Fictional@Example.com', 'email');
  assert.deepEqual(byMail.cases.map((x) => x.case_id), [c.id], 'and by the email');
  const [theirs] = await search('case_worker', '+977 981 2000 999', 'phone', 'NP');
  assert.deepEqual(theirs.cases, [], 'Pune, who may not see the case, learns nothing of it');
  assert.ok(!JSON.stringify(theirs).includes(c.id));
  const stored = JSON.stringify(sql(env, 'SELECT * FROM intel_case_values'));
  for (const x of ['9812000999', 'Bikash', 'bikash', 'Gurung', 'example.com']) assert.ok(!stored.includes(x), `no "${x}" stored`);
  // Erased: found no more, and its values are forgotten by the next run.
  await post('investigator', `/api/v1/cases/${c.id}/erase`, { reason: 'the record was made in error (fictional)' }, 200);
  const [after] = await search('investigator', '+977 981 2000 999', 'phone', 'NP');
  assert.deepEqual(after.cases, [], 'an erased case is not found');
});

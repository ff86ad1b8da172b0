// STIX 2.1 under /api/v1/stix, on the engine ATIP_TEST_DB names: exported
// bundles validate against the official OASIS schemas (tests/data/stix,
// Ajv2020 + ajv-formats); a person's name never leaves; an export imports
// back into another organisation with its values; the official example
// bundles are accepted (objects atip does not hold listed as skipped) or
// refused with the JSON pointer of what is wrong, and a refused bundle
// writes nothing; a report marked H2 (no further dissemination) is
// exported by its owner only.
//
// Every name, number and place here is made up.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { demo, dropDatabases, environment, serve, sql } from './server.mjs';
import { stixValidator } from './stix_schema.mjs';

const examples = path.join(path.dirname(fileURLToPath(import.meta.url)), '../data/stix/examples');
const validate = stixValidator();
let server;
let env;
const s = {};
const { call, signInWithCode } = client(() => server);

before(async () => {
  env = environment('stix');
  const data = demo(env);
  server = await serve(env);
  for (const r of ['case_worker', 'investigator', 'analyst', 'viewer']) s[r] = await signInWithCode(data.accounts[r], `${r} signs in`);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

const post = async (who, p, body, status, what = `POST ${p} as ${who}`) => ok(await call('POST', p, { session: s[who], body }), status, what);
const get = async (who, p, status = 200) => ok(await call('GET', p, { session: s[who] }), status, `GET ${p} as ${who}`);
const count = (table) => Number(sql(env, `SELECT COUNT(*) FROM ${table}`)[0][0]);

const indicators = [
  { type: 'phone', value: '+91 98200 30303' },
  { type: 'email', value: 'recruit.fictional@example.org' },
  { type: 'url', value: 'https://jobs.example.org/apply?id=7' },
  { type: 'domain', value: 'jobs.example.org' },
  { type: 'ip', value: '203.0.113.40' },
  { type: 'handle', value: '@gulf_jobs_fictional', qualifier: 'telegram' },
  { type: 'messaging', value: '+91 98200 30304', qualifier: 'whatsapp' },
  { type: 'upi', value: 'gulfjobs.fictional@okaxis' },
  { type: 'bank_account', value: 'SBIN0001234 000012345678' },
  { type: 'vehicle_plate', value: 'MH 12 AB 1234' },
  { type: 'ad_text', value: 'Hotel jobs in Dubai for girls, free visa, salary 50000, call now (fictional)' },
  { type: 'person_name', value: 'Ramesh Karki' },
];

// The official TLP 2.0 GREEN marking definition (tests/data/stix/tlp2-marking-definitions-bundle.json).
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
let report;

test('a report exports as a STIX 2.1 bundle that validates against the official schemas; the name never leaves', async () => {
  report = await post('investigator', '/api/v1/reports', {
    title: 'Gulf hotel jobs network (fictional)', narrative: 'Recruiters offering hotel work; fictional.',
    period_start: '2026-03-01', period_end: '2026-03-31', places: ['NP', 'IN-MH'], exploitation_types: ['SexualExploitation'],
    platforms: ['telegram', 'whatsapp'], reliability: 'B', credibility: 2, handling: 'H1', tlp: 'GREEN', level: 'platform', indicators,
  }, 201);
  const bundle = await get('investigator', `/api/v1/stix/reports/${report.id}`);
  assert.deepEqual(validate(bundle), [], 'valid STIX 2.1');
  const types = bundle.objects.map((o) => o.type);
  assert.ok(types.includes('report') && types.includes('identity') && types.includes('marking-definition'));
  const r = bundle.objects.find((o) => o.type === 'report');
  assert.equal(r.name, report.title);
  const green = bundle.objects.find((o) => o.type === 'marking-definition' && o.name === 'TLP:GREEN');
  assert.ok(green && r.object_marking_refs.includes(green.id), 'marked TLP:GREEN with the official definition');
  assert.equal(green.id, GREEN, 'the TLP 2.0 GREEN id');
  assert.equal(bundle.objects.filter((o) => o.type === 'indicator').length, indicators.length - 1, 'every indicator but the name');
  const text = JSON.stringify(bundle);
  assert.ok(!text.includes('Ramesh') && !text.includes('Karki'), 'no name in the bundle');
  assert.ok(text.includes("+919820030303"), 'the phone number in E.164');
  // The same export twice: the same ids.
  const again = await get('investigator', `/api/v1/stix/reports/${report.id}`);
  assert.deepEqual(again.objects.map((o) => o.id).sort(), bundle.objects.map((o) => o.id).sort());
  // Several reports in one bundle; refusals.
  const second = await post('investigator', '/api/v1/reports', { title: 'Second (fictional)', tlp: 'GREEN', level: 'platform', indicators: [{ type: 'ip', value: '198.51.100.7' }] }, 201);
  const both = await post('analyst', '/api/v1/stix/export', { report_ids: [report.id, second.id] }, 200);
  assert.deepEqual(validate(both), []);
  assert.equal(both.objects.filter((o) => o.type === 'report').length, 2);
  invalid(await call('POST', '/api/v1/stix/export', { session: s.analyst, body: { report_ids: [] } }), ['report_ids'], 'none');
  const hidden = await post('investigator', '/api/v1/reports', { title: 'Kathmandu only (fictional)', tlp: 'AMBER', level: 'org' }, 201);
  invalid(await call('POST', '/api/v1/stix/export', { session: s.case_worker, body: { report_ids: [hidden.id] } }), ['report_ids'], 'a report Pune may not see');
  problem(await call('GET', `/api/v1/stix/reports/${hidden.id}`, { session: s.case_worker }), 404, 'nor alone');
  // H2, no further dissemination: read by others, exported by its owner only.
  const h2 = await post('investigator', '/api/v1/reports', { title: 'Not to be passed on (fictional)', tlp: 'GREEN', level: 'platform', handling: 'H2' }, 201);
  await get('case_worker', `/api/v1/reports/${h2.id}`);
  problem(await call('GET', `/api/v1/stix/reports/${h2.id}`, { session: s.case_worker }), 403, 'Pune may not export an H2 report');
  invalid(await call('POST', '/api/v1/stix/export', { session: s.case_worker, body: { report_ids: [h2.id] } }), ['report_ids'], 'nor in a set');
  assert.deepEqual(validate(await get('investigator', `/api/v1/stix/reports/${h2.id}`)), [], 'its owner does');
});

test('an export imports into another organisation: the same values, its TLP and handling; correlated at once', async () => {
  const bundle = await get('investigator', `/api/v1/stix/reports/${report.id}`);
  const res = await post('case_worker', '/api/v1/stix/import', bundle, 201);
  assert.equal(res.reports.length, 1);
  const mine = await get('case_worker', `/api/v1/reports/${res.reports[0].id}`);
  assert.equal(mine.owner_org, s.case_worker.user.org_id, 'owned by the importer');
  assert.equal(mine.title, report.title);
  assert.equal(mine.tlp, 'GREEN');
  assert.equal(mine.handling, 'H1');
  assert.equal(mine.level, 'org', 'kept to the importer until it shares it');
  const keys = (r) => r.indicators.filter((x) => x.type !== 'person_name').map((x) => `${x.type} ${x.key}`).sort();
  assert.deepEqual(keys(mine), keys(report), 'every value but the name');
  const phone = mine.indicators.find((x) => x.type === 'phone');
  assert.equal(phone.linked, 1, 'linked at once to the Kathmandu report');
});

test('the official example bundles: accepted with what atip does not hold listed, or refused with reasons', async () => {
  const files = fs.readdirSync(examples).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 5, 'the examples are there');
  let accepted = 0;
  for (const f of files) {
    const bundle = JSON.parse(fs.readFileSync(path.join(examples, f), 'utf8'));
    const res = await call('POST', '/api/v1/stix/import', { session: s.investigator, body: bundle });
    if (res.status === 201) {
      accepted++;
      assert.ok(Array.isArray(res.json.reports) && Array.isArray(res.json.skipped), f);
      for (const x of res.json.skipped) assert.ok(x.id && x.reason, `${f}: every skipped object says why`);
    } else {
      const p = problem(res, 422, f);
      assert.ok(p.errors.length > 0 && p.errors.every((e) => e.field.startsWith('/')), `${f}: JSON pointers: ${res.text}`);
    }
  }
  assert.ok(accepted >= 3, `most examples are accepted (${accepted} of ${files.length})`);
  const ip = await post('investigator', '/api/v1/stix/import', JSON.parse(fs.readFileSync(path.join(examples, 'indicator-for-c2-ip-address.json'), 'utf8')), 201);
  const r = await get('investigator', `/api/v1/reports/${ip.reports[0].id}`);
  assert.ok(r.indicators.some((x) => x.type === 'ip'), 'its IP address became an indicator');
});

test('a bad bundle is refused with the field that is wrong, and writes nothing', async () => {
  const before = [count('intel_reports'), count('intel_indicators')];
  const good = await get('investigator', `/api/v1/stix/reports/${report.id}`);
  const broken = (f) => { const b = structuredClone(good); f(b); return b; };
  const ind = good.objects.findIndex((o) => o.type === 'indicator');
  const cases = [
    [broken((b) => { b.type = 'package'; }), '/type'],
    [broken((b) => { b.objects = 'none'; }), '/objects'],
    [broken((b) => { b.objects[ind].id = 'indicator--not-a-uuid'; }), `/objects/${ind}/id`],
    [broken((b) => { b.objects[ind].pattern = "[ipv4-addr:value = '1.2.3.4'"; }), `/objects/${ind}/pattern`],
    [broken((b) => { b.objects[ind].created = 'yesterday'; }), `/objects/${ind}/created`],
  ];
  for (const [bundle, field] of cases) {
    const p = problem(await call('POST', '/api/v1/stix/import', { session: s.investigator, body: bundle }), 422, field);
    assert.ok(p.errors.some((e) => e.field === field), `${field} named: ${JSON.stringify(p.errors)}`);
  }
  problem(await call('POST', '/api/v1/stix/import', { session: s.analyst, body: good }), 403, 'an analyst may not import');
  assert.deepEqual([count('intel_reports'), count('intel_indicators')], before, 'nothing written');
});

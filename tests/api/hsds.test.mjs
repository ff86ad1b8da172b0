// The service directory in HSDS 3.0 (GET /api/v1/services/hsds), against a
// real `atip serve` filled by `atip demo`: every service validates against
// the official schema (tests/data/hsds, with ajv and ajv-formats, non-strict
// for HSDS's own keywords, each file added under its name so that its
// relative $refs resolve); the confidential shelter's address and position
// reach only the organisations that may refer there; derived ids are the
// same from one export to the next.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { client, ok } from './client.mjs';
import { demo, dropDatabases, environment, serve } from './server.mjs';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../data/hsds');
let server;
let env;
const s = {};
const { call, signInWithCode } = client(() => server);
let validate;

before(async () => {
  env = environment('hsds');
  const data = demo(env, { workspace: true });
  server = await serve(env);
  for (const r of ['investigator', 'analyst', 'case_worker']) s[r] = await signInWithCode(data.accounts[r], `${r} signs in`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')))
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), f);
  validate = ajv.getSchema('service.json');
  assert.equal(validate({ name: 'no id, no status' }), false, 'the schema refuses what it should');
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

const hsds = async (who, query = '') => ok(await call('GET', `/api/v1/services/hsds${query}`, { session: s[who] }), 200, `HSDS as ${who}`).items;

test('every service of the demo directory validates against HSDS 3.0 service.json', async () => {
  for (const who of ['analyst', 'investigator', 'case_worker']) {
    const items = await hsds(who);
    assert.equal(items.length, 6, `${who}: the six demo services`);
    for (const item of items)
      assert.ok(validate(item), `${who}: ${item.name}: ${JSON.stringify(validate.errors, null, 1)}`);
  }
});

test('HSDS carries atip\'s facts as attributes; a confidential address only for those who may refer there', async () => {
  const shelter = (items) => items.find((x) => x.attributes.some((a) => a.link_type === 'atip_service_type' && a.value === 'shelter'));
  const colombo = shelter(await hsds('analyst'));
  const place = colombo.service_at_locations[0].location;
  assert.equal(place.addresses, undefined, 'Colombo gets no address');
  assert.equal(place.latitude, undefined);
  assert.ok(place.attributes.some((a) => a.link_type === 'atip_confidential' && a.value === 'true'));
  assert.ok(colombo.attributes.some((a) => a.link_type === 'atip_eligible_gender' && a.value === 'female'));
  assert.ok(colombo.attributes.some((a) => a.link_type === 'atip_vacancies' && a.value === '3'));
  assert.deepEqual(colombo.languages.map((l) => l.code).sort(), ['bn', 'hi', 'mr', 'ne']);
  const ktm = shelter(await hsds('investigator'));
  assert.equal(ktm.service_at_locations[0].location.addresses[0].city, 'Pune', 'Kathmandu may refer there');
  assert.equal(ktm.service_at_locations[0].location.latitude, 18.5204);
  assert.deepEqual(ktm.languages.map((l) => l.id), colombo.languages.map((l) => l.id), 'derived ids are stable');
  const one = await hsds('analyst', `?org_id=${colombo.organization_id}`);
  assert.deepEqual(one.map((x) => x.organization.id), [colombo.organization_id, colombo.organization_id], 'one organisation\'s');
});

test('HSDS import: what the export makes comes back the same into another organisation, all or nothing', async () => {
  const ktmOrg = s.investigator.user.org_id;
  const puneOrg = s.case_worker.user.org_id;
  const strip = (x) => ({
    name: x.name, description: x.description, status: x.status, minimum_age: x.minimum_age, maximum_age: x.maximum_age,
    phones: (x.phones || []).map((p) => p.number), languages: x.languages.map((l) => l.code).sort(),
    schedules: (x.schedules || []).map((h) => h.description),
    attributes: x.attributes.map((a) => `${a.link_type}=${a.value}`).sort(),
    place: x.service_at_locations?.[0]?.location && {
      name: x.service_at_locations[0].location.name, addresses: x.service_at_locations[0].location.addresses?.map((a) => [a.address_1, a.city, a.country]),
      latitude: x.service_at_locations[0].location.latitude,
    },
  });
  const source = await hsds('investigator', `?org_id=${ktmOrg}`);
  assert.ok(source.length >= 2);
  const before = (await hsds('case_worker', `?org_id=${puneOrg}`)).length;
  const bad = structuredClone(source);
  bad[1].name = '';
  bad[1].attributes = bad[1].attributes.filter((a) => a.link_type !== 'atip_service_type');
  const refused = await call('POST', '/api/v1/services/hsds', { session: s.case_worker, body: { items: bad } });
  assert.equal(refused.status, 422, refused.text);
  assert.deepEqual(refused.json.errors.map((e) => e.field).sort(), ['items[1].name', 'items[1].type']);
  assert.equal((await hsds('case_worker', `?org_id=${puneOrg}`)).length, before, 'nothing of a refused file is kept');
  assert.equal((await call('POST', '/api/v1/services/hsds', { session: s.analyst, body: { items: source } })).status, 403, 'an analyst does not write');
  const done = ok(await call('POST', '/api/v1/services/hsds', { session: s.case_worker, body: { items: source } }), 201, 'import');
  assert.equal(done.imported, source.length);
  const after = (await hsds('case_worker', `?org_id=${puneOrg}`));
  assert.equal(after.length, before + source.length);
  const fresh = after.filter((x) => source.some((o) => o.name === x.name));
  assert.deepEqual(fresh.map(strip).sort((a, b) => a.name.localeCompare(b.name)), source.map(strip).sort((a, b) => a.name.localeCompare(b.name)));
  for (const x of fresh) assert.ok(validate(x), JSON.stringify(validate.errors));
});

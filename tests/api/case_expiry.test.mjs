// Consent that runs out closes the case again: a grant made under a
// victim's consent ends once that consent has expired (the hourly job),
// while a grant made with an override
// reason stands.  Against a real `atip serve` on an `atip demo` data dir.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, ok, problem } from './client.mjs';
import { demo, dropDatabases, environment, serve, sql } from './server.mjs';

let server;
let env;
const s = {};
const { call, signInWithCode } = client(() => server);

before(async () => {
  env = environment('case_expiry');
  const data = demo(env);
  server = await serve(env);
  for (const r of ['case_worker', 'investigator', 'platform_admin']) s[r] = await signInWithCode(data.accounts[r], `${r} signs in`);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

test('a grant resting on consent ends when the consent expires; an override stands', async () => {
  const ktm = s.investigator.user.org_id;
  const secretariat = s.platform_admin.user.org_id;
  const post = async (p, body, status) => ok(await call('POST', p, { session: s.case_worker, body }), status, `POST ${p}`);
  const c = await post('/api/v1/cases', { reference: 'EXPIRY-1 (fictional)' }, 201);
  const v = await post(`/api/v1/cases/${c.id}/persons`, { role: 'victim', first_name: 'Expiry (fictional)' }, 201);
  const today = new Date().toISOString().slice(0, 10);
  const con = await post(`/api/v1/cases/${c.id}/consents`, {
    person_id: v.id, consent: true, scopes: ['Sharing'], org_ids: [ktm], purpose: 'repatriation', given_by: 'Person', valid_until: today,
  }, 201);
  await post(`/api/v1/cases/${c.id}/grants`, { org_id: ktm, purpose: 'repatriation' }, 200);
  await post(`/api/v1/cases/${c.id}/grants`, { org_id: secretariat, purpose: 'oversight', override_reason: 'tribunal order (fictional)' }, 200);
  ok(await call('GET', `/api/v1/cases/${c.id}?personal=true`, { session: s.investigator }), 200, 'Kathmandu reads under consent');

  // Long after, as far as the consent is concerned; and the hourly job due.
  sql(env, `UPDATE case_items SET on_date = '2000-01-01' WHERE id = '${con.id}'`);
  sql(env, "UPDATE atip_jobs SET run_at = 0 WHERE kind = 'followups.remind'");
  let res;
  for (let i = 0; i < 100; i++) {
    res = await call('GET', `/api/v1/cases/${c.id}?personal=true`, { session: s.investigator });
    if (res.status === 404) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  problem(res, 404, 'Kathmandu\'s grant ended with the consent');
  const owner = ok(await call('GET', `/api/v1/cases/${c.id}`, { session: s.case_worker }), 200, 'the owner');
  assert.deepEqual(owner.grants.map((g) => g.org_id), [secretariat], 'the override stands');
});

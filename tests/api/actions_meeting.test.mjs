// GET /api/v1/actions?meeting_id=: the actions made from one meeting's
// decisions, as the meeting page shows them; still only those the viewer
// may see.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, ok } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, serve } from './server.mjs';

let env;
let server;
let accounts;
let orgs;
const { call, signInWithCode } = client(() => server);
const sessions = {};
const as = async (role) => (sessions[role] ??= await signInWithCode(accounts[role]));

before(async () => {
  env = environment('actions_meeting');
  ({ accounts, orgs } = demo(env));
  server = await serve(env);
});

after(async () => {
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

test('meeting_id lists the actions made from that meeting\'s decisions, and only those the viewer sees', async () => {
  const s = await as('org_admin');
  const ktm = orgs.find((o) => o.name.includes('Kathmandu')).id;
  const meeting = async (title) => ok(await call('POST', '/api/v1/meetings', { session: s, body: { title, starts_at: '2026-12-21T04:15:00Z', level: 'platform', tlp: 'GREEN' } }), 201, title);
  const decide = async (m) => ok(await call('POST', `/api/v1/meetings/${m.id}/decisions`, { session: s, body: { text: 'Do the thing (fictional).' } }), 201, 'decision');
  const action = async (title, extra) => ok(await call('POST', '/api/v1/actions', { session: s, body: { title, theme: 'partnership', countries: ['NP'], lead_org: ktm, ...extra } }), 201, title);
  const m = await meeting('Source meeting (fictional)');
  const other = await meeting('Other meeting (fictional)');
  const open = await action('Shared, from the source (fictional)', { decision_id: (await decide(m)).id, level: 'platform', tlp: 'GREEN' });
  const closed = await action('Kept in Kathmandu, from the source (fictional)', { decision_id: (await decide(m)).id });
  await action('From the other meeting (fictional)', { decision_id: (await decide(other)).id, level: 'platform', tlp: 'GREEN' });
  await action('From no meeting (fictional)', { level: 'platform', tlp: 'GREEN' });

  const mine = ok(await call('GET', `/api/v1/actions?meeting_id=${m.id.toUpperCase()}`, { session: s }), 200, 'the owner');
  assert.deepEqual(mine.items.map((a) => a.id).sort(), [open.id, closed.id].sort());
  const theirs = ok(await call('GET', `/api/v1/actions?meeting_id=${m.id}`, { session: await as('case_worker') }), 200, 'Pune');
  assert.deepEqual(theirs.items.map((a) => a.id), [open.id], 'the org-level action stays hidden');
  const none = ok(await call('GET', '/api/v1/actions?meeting_id=0190f5a2-0000-7000-8000-000000000000', { session: s }), 200, 'no meeting');
  assert.equal(none.items.length, 0);
  const bad = await call('GET', '/api/v1/actions?meeting_id=nope&view=bad', { session: s });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.errors.map((e) => e.field).sort(), ['meeting_id', 'view']);
});

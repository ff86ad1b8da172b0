// The member directory: each organisation's profile (written by its org
// admins, version-checked), focal points who list themselves, and the
// organisations list searched by theme, country of work and words.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, serve } from './server.mjs';

let env;
let server;
let accounts;
let orgs;
const { call, signInWithCode } = client(() => server);
const sessions = {};
const as = async (role) => (sessions[role] ??= await signInWithCode(accounts[role]));
const org = (words) => orgs.find((o) => o.name.includes(words)).id;

before(async () => {
  env = environment('directory');
  ({ accounts, orgs } = demo(env));
  server = await serve(env);
});

after(async () => {
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

test('a profile is written at version 0, then at the version read; a stale version is 409 and changes nothing', async () => {
  const s = await as('org_admin');
  const path = `/api/v1/orgs/${org('Kathmandu')}/profile`;
  const empty = ok(await call('GET', path, { session: s }), 200, 'never written');
  assert.deepEqual([empty.version, empty.mandate, empty.works_in, empty.themes, empty.focal_points], [0, '', [], [], []]);
  const first = ok(await call('PUT', path, {
    session: s,
    body: { version: 0, mandate: '  Rescues and identifies victims (fictional).  ', works_in: ['np', 'IN'], themes: ['protection', 'prosecution'], website: 'https://example.org/ktm' },
  }), 200, 'first write');
  assert.deepEqual([first.version, first.mandate, first.works_in, first.themes], [1, 'Rescues and identifies victims (fictional).', ['NP', 'IN'], ['protection', 'prosecution']]);
  problem(await call('PUT', path, { session: s, body: { version: 0, mandate: 'Stale (fictional).' } }), 409, 'version 0 again');
  problem(await call('PUT', path, { session: s, body: { version: 5, mandate: 'Stale (fictional).' } }), 409, 'a version from nowhere');
  const second = ok(await call('PUT', path, { session: s, body: { version: 1, services: 'Rescue operations' } }), 200, 'second write');
  assert.equal(second.version, 2);
  assert.equal(second.mandate, first.mandate, 'fields not sent are kept');
  const read = ok(await call('GET', path, { session: await as('viewer') }), 200, 'another member reads it');
  assert.deepEqual({ ...read, focal_points: [] }, { ...second, focal_points: [] });
});

test('wrong fields are 422 naming the field, and nothing is written', async () => {
  const s = await as('org_admin');
  const path = `/api/v1/orgs/${org('Kathmandu')}/profile`;
  const { version } = ok(await call('GET', path, { session: s }), 200, 'the profile');
  for (const [body, field] of [
    [{ works_in: ['XX'] }, 'works_in'],
    [{ works_in: ['NP', 'np'] }, 'works_in'],
    [{ works_in: 'NP' }, 'works_in'],
    [{ themes: ['trafficking'] }, 'themes'],
    [{ themes: ['protection', 'protection'] }, 'themes'],
    [{ website: 'javascript:alert(1)' }, 'website'],
    [{ mandate: 'x'.repeat(4001) }, 'mandate'],
    [{ areas: 'two\nlines' }, 'areas'],
    [{ colour: 'blue' }, 'colour'],
  ])
    invalid(await call('PUT', path, { session: s, body: { version, ...body } }), [field], JSON.stringify(body).slice(0, 60));
  invalid(await call('PUT', path, { session: s, body: { mandate: 'no version' } }), ['version'], 'no version');
  assert.equal(ok(await call('GET', path, { session: s }), 200, 'unchanged').version, version);
});

test('only the organisation\'s admins write its entry: other members 403, other organisations 403 (every member sees it)', async () => {
  const path = `/api/v1/orgs/${org('Kathmandu')}/profile`;
  const { version } = ok(await call('GET', path, { session: await as('org_admin') }), 200, 'the profile');
  for (const role of ['investigator', 'case_worker', 'analyst', 'viewer'])
    problem(await call('PUT', path, { session: await as(role), body: { version, mandate: `By ${role} (fictional)` } }), 403, role);
  problem(await call('PUT', `/api/v1/orgs/0190f5a2-0000-7000-8000-000000000000/profile`, { session: await as('org_admin'), body: { version: 0 } }), 404, 'no such organisation');
  ok(await call('PUT', `/api/v1/orgs/${org('Pune')}/profile`, { session: await as('platform_admin'), body: { version: 0, mandate: 'Written by the secretariat (fictional).' } }), 200, 'a platform admin writes any');
  problem(await call('GET', path), 401, 'anonymous');
});

test('a user lists themselves as a focal point and stops; nobody lists someone else', async () => {
  const s = await as('investigator');
  const path = `/api/v1/orgs/${org('Kathmandu')}/profile`;
  invalid(await call('PUT', '/api/v1/me/focal-point', { session: s, body: { title: '   ' } }), ['title'], 'a blank title');
  invalid(await call('PUT', '/api/v1/me/focal-point', { session: s, body: { title: 'x', user_id: 'someone' } }), ['user_id'], 'no one else');
  ok(await call('PUT', '/api/v1/me/focal-point', { session: s, body: { title: 'Cyber cell liaison' } }), 200, 'listed');
  let p = ok(await call('GET', path, { session: await as('analyst') }), 200, 'seen from Colombo');
  assert.deepEqual(p.focal_points.map((f) => [f.email, f.title]), [[accounts.investigator.email, 'Cyber cell liaison']]);
  ok(await call('PUT', '/api/v1/me/focal-point', { session: s, body: { title: 'Liaison for referrals' } }), 200, 'a new title');
  p = ok(await call('GET', path, { session: s }), 200, 'again');
  assert.deepEqual(p.focal_points.map((f) => f.title), ['Liaison for referrals']);
  const gone = await call('DELETE', '/api/v1/me/focal-point', { session: s });
  assert.equal(gone.status, 204);
  p = ok(await call('GET', path, { session: s }), 200, 'after');
  assert.deepEqual(p.focal_points, []);
});

test('the list filters by theme, country of work and words, LIKE\'s own characters taken literally; bad values 422', async () => {
  const s = await as('analyst');
  const ids = async (q) => ok(await call('GET', `/api/v1/orgs?${q}`, { session: s }), 200, q).items.map((o) => o.id).sort();
  assert.deepEqual(await ids('theme=prosecution'), [org('Kathmandu')]);
  assert.deepEqual(await ids('works_in=in'), [org('Kathmandu')]);
  assert.deepEqual(await ids('q=IDENTIFIES'), [org('Kathmandu')], 'a word of the mandate, in any case');
  assert.deepEqual(await ids('q=shelter'), [org('Pune')], 'a word of the name');
  assert.deepEqual(await ids('q=%25'), [], '% is a character, not a wildcard');
  assert.deepEqual(await ids('q=_'), [], '_ is a character too');
  const bad = await call('GET', '/api/v1/orgs?theme=trafficking&works_in=XX', { session: s });
  invalid(bad, ['theme', 'works_in'], 'bad filters');
});

// GET /api/v1/audit/record: the owner organisation sees who did what to one
// of its records, whichever organisation did it; nobody else reads it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, serve } from './server.mjs';

let env;
let server;
let accounts;
const { call, signInWithCode } = client(() => server);
const sessions = {};
const as = async (role) => (sessions[role] ??= await signInWithCode(accounts[role]));

before(async () => {
  env = environment('audit_record');
  ({ accounts } = demo(env));
  server = await serve(env);
});

after(async () => {
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

async function meeting(level, tlp) {
  const res = await call('POST', '/api/v1/meetings', {
    session: await as('org_admin'),
    body: { title: `Trail test ${level} (fictional)`, starts_at: '2026-12-20T04:15:00Z', level, tlp },
  });
  return { id: ok(res, 201, 'meeting').id, rid: res.rid };
}

test('the owner sees its own changes and another organisation\'s comment, named, newest first', async () => {
  const m = await meeting('platform', 'GREEN');
  const c = await call('POST', '/api/v1/threads', {
    session: await as('case_worker'),
    body: { record_kind: 'meeting', record_id: m.id, body: 'We will attend (fictional).' },
  });
  ok(c, 201, 'comment');
  const trail = ok(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${m.id}`, { session: await as('org_admin') }), 200, 'trail');
  assert.deepEqual(trail.items.map((e) => e.action), ['comment.create', 'meeting.create']);
  const [comment, made] = trail.items;
  assert.match(comment.org_name, /Pune/);
  assert.equal(comment.actor_name, 'Demo Case Worker (fictional)');
  assert.match(made.org_name, /Kathmandu/);
  assert.equal(made.outcome, 'ok');
  for (const e of trail.items) assert.deepEqual(Object.keys(e).sort(), ['action', 'actor_name', 'actor_user', 'at', 'id', 'org_id', 'org_name', 'outcome']);
  // The investigator of the same organisation (a writer) reads it too.
  ok(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${m.id}`, { session: await as('investigator') }), 200, 'investigator');
  // Paging: one entry a page.
  const first = ok(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${m.id}&limit=1`, { session: await as('org_admin') }), 200, 'page 1');
  assert.equal(first.items[0].action, 'comment.create');
  const second = ok(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${m.id}&limit=1&cursor=${first.next_cursor}`, { session: await as('org_admin') }), 200, 'page 2');
  assert.equal(second.items[0].action, 'meeting.create');
});

test('other organisations may not read it: 403 when they see the record, 404 when they do not', async () => {
  const open = await meeting('platform', 'GREEN');
  const closed = await meeting('org', 'AMBER');
  for (const role of ['case_worker', 'analyst', 'viewer', 'platform_admin']) {
    problem(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${open.id}`, { session: await as(role) }), 403, `${role}, platform meeting`);
    problem(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${closed.id}`, { session: await as(role) }), 404, `${role}, org meeting`);
  }
  problem(await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${open.id}`), 401, 'anonymous');
});

test('an unknown kind, id or malformed id is 404; a bad limit or cursor 422', async () => {
  const m = await meeting('org', 'AMBER');
  const s = await as('org_admin');
  for (const q of [`record_kind=case&record_id=${m.id}`, 'record_kind=meeting&record_id=0190f5a2-0000-7000-8000-000000000000', 'record_kind=meeting&record_id=nope', 'record_kind=meeting'])
    problem(await call('GET', `/api/v1/audit/record?${q}`, { session: s }), 404, q);
  const bad = await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${m.id}&limit=0`, { session: s });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.errors[0].field, 'limit');
  const cur = await call('GET', `/api/v1/audit/record?record_kind=meeting&record_id=${m.id}&cursor=x`, { session: s });
  assert.equal(cur.status, 422);
  assert.equal(cur.json.errors[0].field, 'cursor');
});

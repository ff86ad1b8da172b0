// Files follow their record, public ones included: the attachments of a
// public practice are read without an account, those of a members-only
// one are not, and nobody uploads without one.
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
const annex = Buffer.from('An annex of the practice, plain text (fictional).\n');

before(async () => {
  env = environment('files_public');
  ({ accounts } = demo(env));
  server = await serve(env);
});

after(async () => {
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

async function upload(session, id) {
  const headers = { 'x-file-name': 'annex.txt', 'content-type': 'application/octet-stream' };
  if (session) Object.assign(headers, { cookie: `atip=${session.token}`, 'x-csrf-token': session.csrf });
  const res = await fetch(`${server.url}/api/v1/files?record_kind=practice&record_id=${id}`, { method: 'POST', headers, body: annex });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

test('the files of a public practice are read without an account; those of a members-only one are not', async () => {
  const s = await as('org_admin');
  const practice = async (level, tlp) => ok(await call('POST', '/api/v1/practices', {
    session: s,
    body: { title: `Attachments ${level} (fictional)`, summary: 'With an annex.', theme: 'prevention', level, tlp },
  }), 201, level).id;
  const open = await practice('public', 'CLEAR');
  const members = await practice('platform', 'GREEN');
  const a = await upload(s, open);
  const b = await upload(s, members);
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);

  const res = await fetch(`${server.url}/api/v1/files/${a.json.id}/content`);
  assert.equal(res.status, 200);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(annex), 'the bytes sent');
  assert.match(res.headers.get('content-disposition'), /^attachment;/);
  const list = ok(await call('GET', `/api/v1/files?record_kind=practice&record_id=${open}`), 200, 'the public list');
  assert.deepEqual(list.items.map((f) => f.id), [a.json.id]);
  ok(await call('GET', `/api/v1/files/${a.json.id}`), 200, 'its description');

  const hidden = await fetch(`${server.url}/api/v1/files/${b.json.id}/content`);
  assert.equal(hidden.status, 404, 'a members-only practice\'s file');
  problem(await call('GET', `/api/v1/files?record_kind=practice&record_id=${members}`), 404, 'its list');
  problem(await call('GET', `/api/v1/files/${b.json.id}`, { cookie: 'atip=not-a-session' }), 401, 'a bad session is still 401');
  ok(await call('GET', `/api/v1/files/${b.json.id}`, { session: await as('viewer') }), 200, 'a member reads it');
  assert.equal((await upload(undefined, open)).status, 401, 'no upload without an account');
  problem(await call('DELETE', `/api/v1/files/${a.json.id}`), 401, 'no erasure without an account');
});

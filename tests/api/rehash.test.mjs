// Rehash at sign-in: a password hash made with older (weaker) argon2id
// parameters is replaced, at the next successful sign-in, by a hash of the
// same password with today's; a failed sign-in changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, ok } from './client.mjs';
import { auditVerify, demo, dropDatabases, environment, serve, sql } from './server.mjs';

// "fictional rehash passphrase 2026" hashed with libsodium's minimum
// parameters (t=1, m=8 KiB): a stand-in for a hash from an older atip.
const weak = '$argon2id$v=19$m=8,t=1,p=1$oUShLivWgTQPoBtFGaYN6A$ZVuFaFygRmEtNdl+BOCmsEwMQWzjADdpoSSRzaBCyJM';
const password = 'fictional rehash passphrase 2026';

let env;
let server;
let accounts;
const { call, signInWithCode, signInRequest } = client(() => server);

before(async () => {
  env = environment('rehash');
  ({ accounts } = demo(env));
  server = await serve(env);
});

after(async () => {
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

const stored = (id) => sql(env, `SELECT password_hash FROM users WHERE id = '${id}'`)[0][0];

test('a hash with older parameters is upgraded at the next sign-in, and only then', async () => {
  const admin = await signInWithCode(accounts.org_admin);
  const email = 'rehash.analyst@demo.invalid';
  const made = ok(await call('POST', '/api/v1/users', {
    session: admin,
    body: { email, name: 'Rehash Analyst (fictional)', role: 'analyst', password: 'a first fictional passphrase' },
  }), 201, 'the analyst');
  sql(env, `UPDATE users SET password_hash = '${weak}' WHERE id = '${made.id}'`);
  assert.equal(stored(made.id), weak);

  // A wrong password: refused, and the old hash stays as it was.
  const wrong = await signInRequest({ email, password: 'not the fictional passphrase' });
  assert.equal(wrong.status, 401);
  assert.equal(stored(made.id), weak);

  // The right one: signed in, and the hash is today's.
  const right = await signInRequest({ email, password });
  assert.equal(right.status, 201, right.text);
  const now = stored(made.id);
  assert.notEqual(now, weak);
  assert.match(now, /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/, 'libsodium\'s interactive parameters');
  const again = await signInRequest({ email, password });
  assert.equal(again.status, 201, 'the new hash verifies the same password');
  assert.equal(stored(made.id), now, 'a current hash is left alone');
});

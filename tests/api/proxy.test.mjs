// Behind a reverse proxy: with ATIP_TRUSTED_PROXIES, the sign-in limit per
// address counts the client named in X-Forwarded-For; without it, the header
// is ignored (anyone could send one) and the peer's address counts.  Each
// server has a database of its own: other test files also fail sign-ins
// from 127.0.0.1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demo, dropDatabases, environment, nextTotp, privateDatabase, serve, startServer } from './server.mjs';

async function failSignIn(url, email, forwardedFor) {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password: 'not the password of anyone' }),
  });
  await res.arrayBuffer();
  return res.status;
}

test('a trusted proxy: each forwarded client has its own limit', async () => {
  const db = privateDatabase('atip_proxy');
  const server = await startServer({ args: ['--signin-per-ip', '3', '--trusted-proxies', '127.0.0.1,::1', ...db.args] });
  try {
    for (let i = 0; i < 3; i++)
      assert.equal(await failSignIn(server.url, `a${i}@proxy.invalid`, '198.51.100.1, 203.0.113.5'), 401);
    assert.equal(await failSignIn(server.url, 'a9@proxy.invalid', '203.0.113.5'), 429, 'the fourth failure from 203.0.113.5');
    assert.equal(await failSignIn(server.url, 'b0@proxy.invalid', '203.0.113.6'), 401, 'another client behind the proxy');
    // A header that is not a list of addresses falls back to the proxy's own address.
    assert.equal(await failSignIn(server.url, 'c0@proxy.invalid', 'bogus'), 401);
  } finally {
    await server.stop();
    db.drop();
  }
});

test('no trusted proxy: X-Forwarded-For changes nothing', async () => {
  const db = privateDatabase('atip_proxy');
  const server = await startServer({ args: ['--signin-per-ip', '3', ...db.args] });
  try {
    for (let i = 0; i < 3; i++)
      assert.equal(await failSignIn(server.url, `a${i}@proxy.invalid`, `203.0.113.${i}`), 401);
    assert.equal(await failSignIn(server.url, 'a9@proxy.invalid', '203.0.113.99'), 429,
      'the same peer, whatever the header says');
  } finally {
    await server.stop();
    db.drop();
  }
});

/** Signs a demo account in, sending headers; the Set-Cookie it got. */
async function cookieOf(url, account, headers) {
  const { code, step } = await nextTotp(account.totp, account.lastStep);
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email: account.email, password: account.password, totp: code }),
  });
  await res.arrayBuffer();
  assert.equal(res.status, 201);
  account.lastStep = step;
  return res.headers.get('set-cookie');
}

test('behind a trusted proxy that terminates TLS, the session cookie is __Host- and Secure; not on its word from anyone else', async () => {
  const env = environment('proxy_cookie');
  const { accounts } = demo(env);
  const proxied = await serve(env, { ATIP_TRUSTED_PROXIES: '127.0.0.1,::1' });
  try {
    const secure = await cookieOf(proxied.url, accounts.analyst, { 'x-forwarded-proto': 'https' });
    assert.match(secure, /^__Host-atip=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    const plain = await cookieOf(proxied.url, accounts.viewer, { 'x-forwarded-proto': 'http' });
    assert.match(plain, /^atip=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    // The session cookie is read under the same name it was set with.
    const token = secure.split(';')[0];
    const me = await fetch(`${proxied.url}/api/v1/me`, { headers: { cookie: token, 'x-forwarded-proto': 'https' } });
    assert.equal(me.status, 200);
  } finally {
    await proxied.stop();
  }
  const direct = await serve(env);
  try {
    const plain = await cookieOf(direct.url, accounts.investigator, { 'x-forwarded-proto': 'https' });
    assert.match(plain, /^atip=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/, 'the header of a peer that is no trusted proxy counts for nothing');
  } finally {
    await direct.stop();
    dropDatabases();
  }
});

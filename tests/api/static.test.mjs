// The web UI's static files: types, index, ETag and 304.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtures, startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const types = [
  ['/index.html', /^text\/html\b/],
  ['/app.css', /^text\/css\b/],
  ['/app.js', /^(text|application)\/javascript\b/],
  ['/logo.svg', /^image\/svg\+xml\b/],
];

for (const [path, type] of types) {
  test(`GET ${path}: Content-Type, body and ETag`, async () => {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', type);
    assert.equal(await res.text(), fixtures[path.slice(1)]);
    assert.match(res.headers.get('etag') || '', /^(W\/)?"[^"]+"$/, 'a quoted ETag');
  });
}

test('GET / serves index.html', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^text\/html\b/);
  assert.equal(await res.text(), fixtures['index.html']);
});

test('If-None-Match with the current ETag answers 304 without a body', async () => {
  for (const path of ['/app.css', '/']) {
    const first = await fetch(server.url + path);
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    const res = await fetch(server.url + path, { headers: { 'if-none-match': etag } });
    assert.equal(res.status, 304, path);
    assert.equal(res.headers.get('etag'), etag, `${path}: the 304 repeats the ETag`);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  }
});

test('If-None-Match with another ETag answers 200', async () => {
  const res = await fetch(`${server.url}/app.css`, { headers: { 'if-none-match': '"not-the-etag"' } });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), fixtures['app.css']);
});

test('HEAD of a static file answers its headers', async () => {
  const res = await fetch(`${server.url}/app.js`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /javascript/);
});

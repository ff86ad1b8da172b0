// /api/v1/openapi.json: OpenAPI 3.1, full path keys, and every documented
// (path, method) is routed (neither 404 nor 405).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from './server.mjs';

let server;
let doc;
before(async () => {
  server = await startServer();
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  doc = await res.json();
});
after(async () => { await server.stop(); });

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const dummyId = '01890a5d-ac96-774b-bcce-b302099a8057';

test('openapi is "3.1.0" with info and paths', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(typeof doc.info?.version, 'string');
  assert.ok(Object.keys(doc.paths || {}).length > 0);
});

test('every path key starts with "/" and is written in full', () => {
  // A servers entry with a path would make the keys relative to it.
  for (const s of doc.servers || []) assert.match(s.url, /^(https?:\/\/[^/]+)?\/?$/, `servers url ${s.url}`);
  for (const key of Object.keys(doc.paths)) {
    assert.ok(key.startsWith('/'), `path key ${key}`);
    assert.ok(!key.includes('//') && !key.endsWith('/'), `path key ${key}`);
    assert.ok(key.startsWith('/api/v1/') || !key.startsWith('/api/'), `API path key ${key} is under /api/v1/`);
  }
  assert.ok('/api/v1/ping' in doc.paths, '/api/v1/ping is documented by its full path');
});

test('every documented (path, method) is routed: no 404 or 405', async () => {
  let checked = 0;
  for (const [key, item] of Object.entries(doc.paths)) {
    for (const method of methods.filter((m) => m in item)) {
      const path = key.replace(/\{[^}]+\}/g, dummyId);
      const op = item[method];
      // A bearer token that is no token: routes that need an account
      // answer 401 before looking for the record (public ones too).
      const init = { method: method.toUpperCase(), headers: { authorization: 'Bearer not-a-token' } };
      if (op.requestBody) {
        init.headers['content-type'] = 'application/json';
        init.body = '{}';
      }
      const res = await fetch(server.url + path, init);
      await res.arrayBuffer();
      assert.ok(res.status !== 404 && res.status !== 405, `${method.toUpperCase()} ${path} answered ${res.status}`);
      checked++;
    }
  }
  assert.ok(checked >= 6, `checked ${checked} operations`);
});

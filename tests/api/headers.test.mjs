// Security headers on every kind of response, and X-Request-Id.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rawBytes, rawRequest, startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// One request of each kind of answer: handler, static, 304, problem
// documents from the router, the guards and the body decoder.
const requests = [
  { name: 'GET /api/v1/ping', path: '/api/v1/ping', status: 200 },
  { name: 'POST /api/v1/ping', path: '/api/v1/ping', method: 'POST', body: '{"echo":1}', status: 200 },
  { name: 'GET /api/v1/openapi.json', path: '/api/v1/openapi.json', status: 200 },
  { name: 'GET /healthz', path: '/healthz', status: 200 },
  { name: 'GET /readyz', path: '/readyz', status: 200 },
  { name: 'GET /metrics', path: '/metrics', status: 200 },
  { name: 'GET / (static)', path: '/', status: 200 },
  { name: 'GET /app.css (static)', path: '/app.css', status: 200 },
  { name: 'GET /nope (static 404)', path: '/nope', status: 404 },
  { name: 'GET /api/v1/nope', path: '/api/v1/nope', status: 404 },
  { name: 'DELETE /api/v1/ping', path: '/api/v1/ping', method: 'DELETE', status: 405 },
  { name: 'POST /api/v1/ping malformed', path: '/api/v1/ping', method: 'POST', body: '{', status: 400 },
  { name: 'POST /api/v1/ping unknown field', path: '/api/v1/ping', method: 'POST', body: '{"x":1}', status: 422 },
  { name: 'POST /api/v1/ping text/plain', path: '/api/v1/ping', method: 'POST', body: '{}', type: 'text/plain', status: 415 },
];

function assertSecurityHeaders(name, h, api) {
  const csp = h.get('content-security-policy') || '';
  assert.match(csp, /(^|;)\s*default-src 'self'(;|$)/, `${name}: Content-Security-Policy ${csp}`);
  assert.match(csp, /(^|;)\s*frame-ancestors 'none'(;|$)/, `${name}: Content-Security-Policy ${csp}`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', `${name}: X-Content-Type-Options`);
  assert.equal(h.get('referrer-policy'), 'no-referrer', `${name}: Referrer-Policy`);
  if (api) assert.match(h.get('cache-control') || '', /no-store/, `${name}: Cache-Control on an /api/ response`);
}

for (const r of requests) {
  test(`security headers: ${r.name} → ${r.status}`, async () => {
    const res = await fetch(server.url + r.path, {
      method: r.method || 'GET',
      headers: r.body !== undefined ? { 'content-type': r.type || 'application/json' } : {},
      body: r.body,
    });
    await res.arrayBuffer();
    assert.equal(res.status, r.status);
    assertSecurityHeaders(r.name, res.headers, r.path.startsWith('/api/'));
  });
}

test('security headers on a 304 Not Modified', async () => {
  const first = await fetch(`${server.url}/app.js`);
  await first.arrayBuffer();
  const res = await fetch(`${server.url}/app.js`, { headers: { 'if-none-match': first.headers.get('etag') } });
  assert.equal(res.status, 304);
  assertSecurityHeaders('304', res.headers, false);
});

test('security headers on a guard rejection (duplicate Content-Length on /api/)', async () => {
  const res = await rawRequest(server.port, rawBytes(
    'POST /api/v1/ping HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}'));
  assert.equal(res.status, 400);
  assertSecurityHeaders('guard 400', new Headers(res.headers), true);
});

test('X-Request-Id: a plain client id is echoed', async () => {
  const id = 'client-req_01.ABC';
  for (const path of ['/api/v1/ping', '/api/v1/nope', '/index.html']) {
    const res = await fetch(server.url + path, { headers: { 'x-request-id': id } });
    const text = await res.text();
    assert.equal(res.headers.get('x-request-id'), id, path);
    if (res.status >= 400) assert.equal(JSON.parse(text).request_id, id, `${path}: problem request_id`);
  }
});

test('X-Request-Id: generated when absent, fresh for each request', async () => {
  const ids = new Set();
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${server.url}/api/v1/ping`);
    await res.arrayBuffer();
    const id = res.headers.get('x-request-id');
    assert.match(id || '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `a UUIDv7, got ${id}`);
    ids.add(id);
  }
  assert.equal(ids.size, 5);
});

test('X-Request-Id: a client id that is not plain is replaced', async () => {
  for (const bad of ['has space', 'a"quote', 'x'.repeat(200), '<script>']) {
    const res = await fetch(`${server.url}/api/v1/ping`, { headers: { 'x-request-id': bad } });
    await res.arrayBuffer();
    const id = res.headers.get('x-request-id');
    assert.notEqual(id, bad);
    assert.match(id || '', /^[0-9a-f-]{36}$/, `generated id for ${JSON.stringify(bad)}, got ${id}`);
  }
});

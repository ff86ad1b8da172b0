// The JSON request log on stderr: one line per request, the route pattern
// (never the raw path), and never the body or query string sent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const marker = 'BODY-MARKER-7f3a9c';
const queryMarker = 'QUERY-MARKER-51be0d';

function requestLines() {
  return server.stderr().split('\n').filter((l) => l.trim()).map((l) => {
    assert.doesNotThrow(() => JSON.parse(l), `stderr line is not JSON: ${l}`);
    return JSON.parse(l);
  }).filter((o) => o.msg === 'request');
}

async function linesFor(ids) {
  for (let tries = 0; tries < 100; tries++) {
    const lines = requestLines();
    if (ids.every((id) => lines.some((l) => l.request_id === id))) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
  return requestLines();
}

test('one JSON line per request, with the route pattern and no body', async () => {
  const sent = [
    { id: 'log-1', path: '/api/v1/ping', route: '/api/v1/ping', status: 200, method: 'GET' },
    { id: 'log-2', path: `/api/v1/ping?secret=${queryMarker}`, route: '/api/v1/ping', status: 200, method: 'GET' },
    { id: 'log-3', path: '/api/v1/ping', route: '/api/v1/ping', status: 200, method: 'POST', body: JSON.stringify({ echo: marker }) },
    { id: 'log-4', path: '/api/v1/ping', route: '/api/v1/ping', status: 422, method: 'POST', body: JSON.stringify({ [marker]: marker }) },
    { id: 'log-5', path: '/api/v1/ping', route: '/api/v1/ping', status: 400, method: 'POST', body: `{"echo":"${marker}"` },
    { id: 'log-6', path: `/api/v1/${queryMarker}`, status: 404, method: 'GET' },
    { id: 'log-7', path: '/app.css', status: 200, method: 'GET' },
  ];
  for (const s of sent) {
    const res = await fetch(server.url + s.path, {
      method: s.method,
      headers: { 'x-request-id': s.id, ...(s.body ? { 'content-type': 'application/json' } : {}) },
      body: s.body,
    });
    await res.arrayBuffer();
    assert.equal(res.status, s.status, s.path);
  }
  const lines = await linesFor(sent.map((s) => s.id));
  for (const s of sent) {
    const mine = lines.filter((l) => l.request_id === s.id);
    assert.equal(mine.length, 1, `exactly one log line for ${s.id}`);
    const l = mine[0];
    assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'time is RFC 3339 UTC');
    assert.equal(l.method, s.method);
    assert.equal(l.status, s.status);
    assert.equal(typeof l.duration_ms, 'number');
    assert.ok(l.duration_ms >= 0);
    assert.equal(typeof l.route, 'string');
    if (s.route) assert.equal(l.route, s.route);
    assert.ok(!l.route.includes('?'), `route ${l.route} carries no query string`);
  }
  const err = server.stderr();
  assert.ok(!err.includes(marker), 'a body sent never reaches the log');
  assert.ok(!err.includes(queryMarker), 'a raw path or query string never reaches the log');
});

// The operational endpoints and /api/v1/ping.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rawBytes, rawRequest, startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

test('GET /healthz answers 200', async () => {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'ok');
});

test('GET /readyz answers 200 {"status":"ready"}', async () => {
  const res = await fetch(`${server.url}/readyz`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  assert.equal((await res.json()).status, 'ready');
});

test('GET /api/v1/ping body is exactly {"status":"ok"}', async () => {
  const res = await fetch(`${server.url}/api/v1/ping`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  assert.equal(await res.text(), '{"status":"ok"}');
});

test('POST /api/v1/ping echoes "e\\u0301" as "é" (NFC)', async () => {
  const res = await fetch(`${server.url}/api/v1/ping`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"echo": "e\\u0301"}',
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.echo, '\u00e9');
  assert.equal(body.status, 'ok');
});

test('POST /api/v1/ping normalises keys and nested strings to NFC', async () => {
  const res = await fetch(`${server.url}/api/v1/ping`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ echo: { 'A\u030a': ['\u1100\u1161', 'plain'] } }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).echo, { '\u00c5': ['\uac00', 'plain'] });
});

// Counts requests of each kind, then expects exactly those counts.
test('GET /metrics counts requests by route and status, with a histogram', async () => {
  const post = (body) => fetch(`${server.url}/api/v1/ping`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  }).then((r) => r.arrayBuffer());
  const before = parseMetrics(await (await fetch(`${server.url}/metrics`)).text());
  for (let i = 0; i < 3; i++) await fetch(`${server.url}/api/v1/ping`).then((r) => r.arrayBuffer());
  await post('{"echo":1}');
  await post('{"echo":2}');
  await post('{"x":1}');
  await post('{');
  for (let i = 0; i < 2; i++) await fetch(`${server.url}/api/v1/nope`).then((r) => r.arrayBuffer());
  await fetch(`${server.url}/api/v1/ping`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
  await rawRequest(server.port, rawBytes('GET /api/v1/ping HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n'));
  const made = 11;

  const want = {
    'atip_http_requests_total{method="GET",route="/api/v1/ping",status="200"}': 3,
    'atip_http_requests_total{method="POST",route="/api/v1/ping",status="200"}': 2,
    'atip_http_requests_total{method="POST",route="/api/v1/ping",status="422"}': 1,
    'atip_http_requests_total{method="POST",route="/api/v1/ping",status="400"}': 1,
  };
  // Counters are bumped once the response is sent: poll briefly.
  let m;
  for (let tries = 0; tries < 50; tries++) {
    m = parseMetrics(await (await fetch(`${server.url}/metrics`)).text());
    if (Object.keys(want).every((k) => delta(m, before, k) === want[k])) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const [k, v] of Object.entries(want)) assert.equal(delta(m, before, k), v, k);
  const notFound = Object.keys(m).filter((k) => k.startsWith('atip_http_requests_total{') && k.includes('status="404"'))
    .reduce((n, k) => n + delta(m, before, k), 0);
  assert.equal(notFound, 2, 'the two 404s are counted');
  // Every request answered is counted once, whatever its route or status
  // (the /metrics scrapes themselves included).
  const scrapes = Object.keys(m).filter((k) => k.startsWith('atip_http_requests_total{') && k.includes('route="/metrics"'))
    .reduce((n, k) => n + delta(m, before, k), 0);
  const total = Object.keys(m).filter((k) => k.startsWith('atip_http_requests_total{'))
    .reduce((n, k) => n + delta(m, before, k), 0);
  assert.equal(total - scrapes, made, 'atip_http_requests_total counts every request answered (405 and 400 included)');

  const bucket = 'atip_http_request_duration_seconds_bucket{method="GET",route="/api/v1/ping",le="+Inf"}';
  assert.ok(bucket in m, `histogram line ${bucket}`);
  assert.ok(m[bucket] >= 3);
  assert.ok('atip_http_request_duration_seconds_count{method="GET",route="/api/v1/ping"}' in m);
  assert.ok('atip_http_request_duration_seconds_sum{method="GET",route="/api/v1/ping"}' in m);
  assert.ok('atip_http_open_connections' in m, 'atip_http_open_connections gauge');
  assert.ok(m.atip_http_open_connections >= 1, 'this scrape holds a connection');
});

test('GET /metrics is text/plain in the Prometheus format', async () => {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^text\/plain/);
  const text = await res.text();
  assert.match(text, /^# TYPE atip_http_requests_total counter$/m);
  assert.match(text, /^# TYPE atip_http_request_duration_seconds histogram$/m);
  assert.match(text, /^# TYPE atip_http_open_connections gauge$/m);
});

/** Prometheus text → { 'name{labels}': value }. */
function parseMetrics(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out[line.slice(0, i)] = Number(line.slice(i + 1));
  }
  return out;
}

function delta(now, before, key) {
  return (now[key] || 0) - (before[key] || 0);
}

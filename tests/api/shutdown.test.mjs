// Graceful shutdown under load: 64 keep-alive clients hammer ping, SIGTERM
// arrives mid-way; every request either completes (200, whole body) or
// fails to connect/send; atip exits 0.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { assertCleanExit, startServer, withTimeout } from './server.mjs';

const clients = 64;
const sigtermAfterMs = 750;
// What a client may see from a server that closes: no response at all.
const connectionErrors = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

function request(agent, port, post) {
  return new Promise((resolve) => {
    const body = post ? '{"echo":"shutdown"}' : null;
    const req = http.request({
      host: '127.0.0.1', port, agent, path: '/api/v1/ping', method: post ? 'POST' : 'GET',
      headers: post ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('aborted', () => resolve({ kind: 'truncated', status: res.statusCode }));
      res.on('error', (e) => resolve({ kind: 'truncated', status: res.statusCode, error: e.message }));
      res.on('end', () => {
        if (!res.complete) return resolve({ kind: 'truncated', status: res.statusCode });
        const text = Buffer.concat(chunks).toString('utf8');
        const want = post ? '{"status":"ok","echo":"shutdown"}' : '{"status":"ok"}';
        if (res.statusCode !== 200) return resolve({ kind: 'bad-status', status: res.statusCode, text });
        if (text !== want && JSON.stringify(JSON.parse(text)) !== want) return resolve({ kind: 'bad-body', text });
        resolve({ kind: 'ok' });
      });
    });
    req.on('error', (e) => {
      const ok = connectionErrors.has(e.code) || e.message === 'socket hang up';
      resolve({ kind: ok ? 'conn-error' : 'other-error', error: `${e.code} ${e.message}` });
    });
    req.setTimeout(10000, () => req.destroy(new Error('request timed out')));
    req.end(body);
  });
}

test('SIGTERM under keep-alive load: complete answers or connection errors, exit 0', async () => {
  const server = await startServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const tally = { ok: 0, 'conn-error': 0 };
  const bad = [];
  let gone = false;
  server.exited.then(() => { gone = true; });
  const start = Date.now();

  async function client(n) {
    let post = n % 2 === 1;
    // Keep sending until the server is gone and this client has seen it.
    for (;;) {
      const r = await request(agent, server.port, post);
      post = !post;
      if (r.kind === 'ok' || r.kind === 'conn-error') tally[r.kind]++;
      else bad.push(r);
      if (gone && r.kind !== 'ok') return;
      if (Date.now() - start > 20000) return;
    }
  }

  const timer = setTimeout(() => server.proc.kill('SIGTERM'), sigtermAfterMs);
  const workers = Array.from({ length: clients }, (_, n) => client(n));
  const exit = await withTimeout(server.exited, 25000, 'atip did not exit after SIGTERM');
  const elapsed = Date.now() - start;
  await Promise.all(workers);
  clearTimeout(timer);
  agent.destroy();

  console.log(`shutdown: ${tally.ok} complete 200s, ${tally['conn-error']} connection errors, ` +
    `${bad.length} bad; atip exited ${elapsed} ms after the load began (SIGTERM at ${sigtermAfterMs} ms)`);
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} requests were truncated, errored or not 200`);
  assert.ok(tally.ok > 0, 'some requests completed');
  assertCleanExit(exit, server.stderr());
});

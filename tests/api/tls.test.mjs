// HTTPS with --tls-cert/--tls-key and a throwaway self-signed certificate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { test } from 'node:test';
import { startServer, tempDir } from './server.mjs';

function makeCert() {
  const dir = tempDir('atip-tls-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.error) throw new Error(`the TLS test needs openssl on PATH to make a certificate: ${r.error.message}`);
  assert.equal(r.status, 0, `openssl req failed: ${r.stderr}`);
  return { key, cert, ca: fs.readFileSync(cert) };
}

function get(url, ca) {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    }).on('error', reject);
  });
}

test('HTTPS: ping answers 200 with Strict-Transport-Security', async () => {
  const { key, cert, ca } = makeCert();
  const server = await startServer({ args: ['--tls-cert', cert, '--tls-key', key], scheme: 'https' });
  try {
    assert.ok(server.url.startsWith('https://'), server.url);
    const res = await get(`${server.url}/api/v1/ping`, ca);
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"status":"ok"}');
    assert.match(res.headers['strict-transport-security'] || '', /max-age=\d+/);
    const problem = await get(`${server.url}/api/v1/nope`, ca);
    assert.equal(problem.status, 404);
    assert.match(problem.headers['strict-transport-security'] || '', /max-age=\d+/);
  } finally {
    await server.stop();
  }
});

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

/** Whether openssl s_client completes a handshake with these options; the line it prints. */
function handshake(url, options) {
  const { port } = new URL(url);
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...options], { input: '', encoding: 'utf8', timeout: 15000 });
  const line = (r.stdout.match(/^New, .*Cipher is .*$/m) || [''])[0];
  return { ok: /Cipher is (?!\(NONE\))\S+/.test(line), line };
}

test('HTTPS: TLS 1.2 and 1.3 with forward-secret AEAD suites only; TLS 1.0, 1.1 and CBC or static-RSA suites refused', async () => {
  const { key, cert } = makeCert();
  const server = await startServer({ args: ['--tls-cert', cert, '--tls-key', key], scheme: 'https' });
  try {
    const t13 = handshake(server.url, ['-tls1_3']);
    assert.ok(t13.ok, `TLS 1.3: ${t13.line}`);
    const t12 = handshake(server.url, ['-tls1_2']);
    assert.ok(t12.ok, `TLS 1.2: ${t12.line}`);
    assert.match(t12.line, /ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM|CHACHA20-POLY1305)/, 'an ECDHE AEAD suite');
    for (const options of [['-tls1'], ['-tls1_1'], ['-tls1_2', '-cipher', 'AES128-SHA'], ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA'], ['-tls1_2', '-cipher', 'AES256-GCM-SHA384']]) {
      const r = handshake(server.url, options);
      assert.ok(!r.ok, `${options.join(' ')} must be refused: ${r.line}`);
    }
  } finally {
    await server.stop();
  }
});

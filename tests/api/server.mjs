// Shared helpers for the black-box API tests: run atip commands, make
// their data dirs and databases, start and stop a real `atip serve`, and
// send raw HTTP/1.1 bytes over a socket.  (client.mjs: JSON requests and
// signing in.)
//
// Environment:
//   ATIP_TEST_BIN  the atip binary (default: ./atip at the repository root)
//   ATIP_TEST_DB   unset: a fresh SQLite file in a temporary data dir;
//                  postgresql://...: that (fresh, empty) database
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.ATIP_TEST_BIN
  ? path.resolve(process.env.ATIP_TEST_BIN)
  : path.join(repoRoot, 'atip');
export const testDb = process.env.ATIP_TEST_DB || '';
export const engine = testDb ? 'postgresql' : 'sqlite';

export const sanitizerReports = ['ERROR: AddressSanitizer', 'runtime error:', 'LeakSanitizer'];

/** An id as atip makes them: a UUIDv7 in lower case. */
export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Every secret the helpers handed to atip or got from it (demo passwords
// and TOTP secrets, session and CSRF tokens; test files add their own), and
// every six-digit TOTP code sent: what a test file looks for in the log.
export const secrets = new Set();
export const codes = new Set();

const tempDirs = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'atip-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

// The web dir's fixtures; outside.txt sits next to it, reachable only
// through the symlinks that must not be followed.
export const fixtures = {
  'index.html': '<!doctype html><title>atip test</title><p>index fixture</p>\n',
  'app.css': 'body { color: black; }\n',
  'app.js': 'console.log("app fixture");\n',
  'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
  '.secret': 'HIDDEN-FIXTURE-SECRET\n',
};
export const outsideMarker = 'OUTSIDE-WEB-ROOT-MARKER';

function makeWebDir(root) {
  const web = path.join(root, 'web');
  fs.mkdirSync(web);
  for (const [name, text] of Object.entries(fixtures)) fs.writeFileSync(path.join(web, name), text);
  fs.writeFileSync(path.join(root, 'outside.txt'), outsideMarker + '\n');
  fs.symlinkSync('../outside.txt', path.join(web, 'escape.txt'));
  fs.symlinkSync('..', path.join(web, 'up'));
  return web;
}

/** Arguments for `atip <cmd>` selecting the test database. */
export function dbArgs(dataDir) {
  return ['--data-dir', dataDir, ...(testDb ? ['--db', testDb] : [])];
}

/** /bin/sh's arguments for `atip args` under umask 000: atip alone decides its files' modes. */
export const umask0 = (args) => ['-c', 'umask 0 && exec "$0" "$@"', bin, ...args];

/**
 * Runs `atip args` to completion in a fresh scratch directory, stdin
 * closed, and asserts that it ran, was not killed and left no sanitizer
 * report; spawnSync's result.  env is added to the environment (a value
 * undefined removes the variable), after ATIP_DATA_DIR=<scratch>/data (so
 * that no ./atip-data lands anywhere).  umask0: under umask 000.
 */
export function atip(args, env = {}, { umask0: zero = false, timeout = 120000 } = {}) {
  const cwd = tempDir('atip-run-');
  const r = spawnSync(zero ? '/bin/sh' : bin, zero ? umask0(args) : args, {
    cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ATIP_DATA_DIR: path.join(cwd, 'data'), ...env },
  });
  assert.equal(r.error, undefined, `could not run ${bin}: ${r.error}`);
  assert.equal(r.signal, null, `atip ${args.join(' ')}: killed by ${r.signal}\n${r.stderr}`);
  for (const s of sanitizerReports) assert.ok(!r.stderr.includes(s), `sanitizer report:\n${r.stderr}`);
  return r;
}

/**
 * Starts `atip serve` on 127.0.0.1:0 and resolves once it prints the
 * "is serving on" line.  Returns { url, port, root, dataDir, webDir, proc,
 * stderr(), stop() }; stop() sends SIGTERM and asserts a clean exit.
 */
export async function startServer({ args = [], env = {}, scheme = 'http', dataDir } = {}) {
  const root = tempDir();
  const webDir = makeWebDir(root);
  dataDir = dataDir || path.join(root, 'data');
  const proc = spawn(
    bin,
    ['serve', '--listen', '127.0.0.1:0', ...dbArgs(dataDir), '--web-dir', webDir, ...args],
    { cwd: root, env: { ...process.env, ATIP_MAX_PER_IP: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`atip did not start in 15 s\nstdout: ${out}\nstderr: ${err}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(new RegExp(`is serving on (${scheme}://127\\.0\\.0\\.1:(\\d+))`));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`atip exited (code ${code}, signal ${signal}) before serving\nstderr: ${err}`));
    });
  });
  const port = Number(new URL(url).port);
  let stopped = null;
  return {
    url, port, root, dataDir, webDir, proc, exited,
    stderr: () => err,
    stdout: () => out,
    /** SIGTERM, then assert exit code 0 and no sanitizer report. */
    async stop() {
      if (!stopped) {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        stopped = await withTimeout(exited, 30000, 'atip did not exit within 30 s of SIGTERM');
      }
      assertCleanExit(stopped, err);
      return stopped;
    },
  };
}

export function assertCleanExit({ code, signal }, stderr) {
  for (const s of sanitizerReports)
    assert.ok(!stderr.includes(s), `sanitizer report in atip's stderr:\n${stderr}`);
  assert.equal(signal, null, `atip died of signal ${signal}\nstderr: ${stderr.slice(-4000)}`);
  assert.equal(code, 0, `atip exited with ${code}\nstderr: ${stderr.slice(-4000)}`);
}

export function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]);
}

/** Expands a raw request: a string, or an array of strings and {repeat, times}. */
export function rawBytes(raw) {
  const parts = Array.isArray(raw) ? raw : [raw];
  return Buffer.concat(parts.map((p) => Buffer.from(typeof p === 'string' ? p : p.repeat.repeat(p.times), 'latin1')));
}

/**
 * Sends bytes verbatim and reads one response: status line, headers and a
 * Content-Length (or chunked) body.  Resolves { status, headers, body,
 * text } (header names lower-cased; repeated headers joined with ", "),
 * or rejects when the server hangs up without a whole response.
 */
export function rawRequest(port, bytes, { timeout = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (err, res) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err); else resolve(res);
    };
    const tryParse = (ended) => {
      let res;
      try {
        res = parseResponse(data, ended);
      } catch (e) {
        return finish(e);
      }
      if (res) finish(null, res);
      else if (ended) finish(new Error(`connection closed without a whole response; got ${JSON.stringify(data.toString('latin1').slice(0, 500))}`));
    };
    const timer = setTimeout(() => finish(new Error(`no whole response in ${timeout} ms; got ${JSON.stringify(data.toString('latin1').slice(0, 500))}`)), timeout);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); tryParse(false); });
    sock.on('end', () => tryParse(true));
    sock.on('close', () => tryParse(true));
    // The server may answer early and hang up while we still write.
    sock.on('error', () => tryParse(true));
    sock.write(bytes);
  });
}

function parseResponse(data, ended) {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = lines[0].match(/^HTTP\/1\.[01] (\d{3})/);
  if (!m) throw new Error(`bad status line: ${lines[0]}`);
  const headers = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const status = Number(m[1]);
  let rest = data.subarray(headEnd + 4);
  let body;
  if (status === 304 || status === 204 || (status >= 100 && status < 200)) {
    body = Buffer.alloc(0);
  } else if ('content-length' in headers) {
    const n = Number(headers['content-length']);
    if (rest.length < n) return null;
    body = rest.subarray(0, n);
  } else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
    const chunks = [];
    for (;;) {
      const eol = rest.indexOf('\r\n');
      if (eol < 0) return null;
      const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
      if (rest.length < eol + 2 + size + 2) return null;
      if (size === 0) break;
      chunks.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    body = Buffer.concat(chunks);
  } else {
    if (!ended) return null;
    body = rest;
  }
  const text = body.toString('utf8');
  return { status, headers, body, text };
}

/** Asserts a problem+json answer: its media type, and status and detail fields. */
export function assertProblem(status, contentType, json, label = '') {
  assert.match(contentType || '', /^application\/problem\+json/, `${label}: Content-Type ${contentType}`);
  assert.equal(json?.status, status, `${label}: problem "status" field`);
  assert.equal(typeof json?.detail, 'string', `${label}: problem "detail" field`);
}

/** GET /api/v1/ping must answer 200 {"status":"ok"}: the server still works. */
export async function assertPingOk(url) {
  const res = await fetch(`${url}/api/v1/ping`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
}

// ---- The second factor (RFC 6238) and `atip demo`'s accounts ---------------

/** The bytes of RFC 4648 base32 text (any case; padding and spaces ignored). */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.toUpperCase().replace(/[=\s]/g, '');
  const out = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const TOTP_PERIOD_MS = 30000;

/** The RFC 6238 time step (30 s) a time in ms falls in. */
export const totpStep = (atMs = Date.now()) => Math.floor(atMs / TOTP_PERIOD_MS);

/** The RFC 6238 code (HMAC-SHA1, 6 digits, 30 s step) of a base32 secret at a time in ms. */
export function totp(secretBase32, atMs = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(totpStep(atMs)));
  const mac = crypto.createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

/**
 * A code the server will take after lastStep was accepted for the account
 * (it accepts a step once, never one older than the last, within ±1 step
 * of its clock): the current step, or the next one when the current was
 * used; when that is used too, waits for the clock to move on.  Resolves
 * { code, step }; the caller records step once the server accepted it.
 */
export async function nextTotp(secretBase32, lastStep = -Infinity) {
  for (;;) {
    const now = Date.now();
    const step = Math.max(lastStep + 1, totpStep(now));
    if (step <= totpStep(now) + 1) return { code: totp(secretBase32, step * TOTP_PERIOD_MS), step };
    await new Promise((r) => setTimeout(r, (totpStep(now) + 1) * TOTP_PERIOD_MS - now + 50));
  }
}

/**
 * `atip demo`'s stdout: { orgs: [{id, country, type, status, name}],
 * accounts: [{email, role, password, totp}] } (totp: the base32 secret).
 * Asserts the layout: the "Demo organisations" lines (5 fields), then the
 * "Demo accounts" lines (4 fields).
 */
export function parseDemo(stdout) {
  const lines = stdout.split('\n');
  const o = lines.findIndex((l) => l.startsWith('Demo organisations'));
  const a = lines.findIndex((l) => l.startsWith('Demo accounts'));
  assert.ok(o >= 0 && a > o, `atip demo lists organisations, then accounts:\n${stdout}`);
  const orgs = lines.slice(o + 1, a).map((line) => {
    const cols = line.split('\t');
    assert.equal(cols.length, 5, `id, country, type, status, name: ${JSON.stringify(line)}`);
    const [id, country, type, status, name] = cols;
    return { id, country, type, status, name };
  });
  const accounts = lines.slice(a + 1).filter(Boolean).map((line) => {
    const cols = line.split('\t');
    assert.equal(cols.length, 4, `email, role, password, TOTP secret: ${JSON.stringify(line)}`);
    const [email, role, password, secret] = cols;
    return { email, role, password, totp: secret };
  });
  return { orgs, accounts };
}

// ---- databases, as the tests reach them -------------------------------------

/** The URI of database name on ATIP_TEST_DB's server. */
export function pgUri(name) {
  const m = testDb.match(/^(postgres(?:ql)?:\/\/[^/?#]*)(?:\/[^?#]*)?(\?[^#]*)?$/);
  assert.ok(m, `cannot take ATIP_TEST_DB apart: ${testDb}`);
  return `${m[1]}/${name}${m[2] || ''}`;
}

/** One SQL statement through psql: rows of tab-separated columns. */
export function psql(uri, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', uri, '-c', sql], {
    encoding: 'utf8', timeout: 60000,
  });
  assert.equal(r.error, undefined, `could not run psql: ${r.error}`);
  assert.equal(r.status, 0, `psql ${sql}: ${r.stderr}`);
  return r.stdout;
}

/**
 * One SQL statement through sqlite3: rows of tab-separated columns.  It
 * waits up to 20 s for the server's write transactions (its jobs write at
 * any moment) rather than failing at once with "database is locked".
 */
export function sqlite(file, sql) {
  const r = spawnSync('sqlite3', ['-batch', '-bail', '-cmd', '.timeout 20000', '-separator', '\t', file, sql], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.error, undefined, `could not run sqlite3 (scripts/deps test installs it): ${r.error}`);
  assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout;
}

const databases = [];
let databasesMade = 0;

/**
 * A database of the caller's own next to ATIP_TEST_DB (PostgreSQL runs:
 * other test files share ATIP_TEST_DB), made with psql, a copy of the
 * database named template if given: { name, uri, args (`--db uri`),
 * drop() }.  On SQLite, where each server has its own data dir: '' name and
 * uri, no args.  dropDatabases() drops those not dropped yet.
 */
export function privateDatabase(prefix, { template } = {}) {
  if (engine !== 'postgresql') return { name: '', uri: '', args: [], drop() {} };
  const name = `${prefix}_${process.pid}_${databasesMade++}_${crypto.randomBytes(3).toString('hex')}`;
  psql(testDb, `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  databases.push(name);
  const uri = pgUri(name);
  return {
    name, uri, args: ['--db', uri],
    drop() {
      const i = databases.indexOf(name);
      if (i >= 0) databases.splice(i, 1);
      psql(testDb, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Drops every database privateDatabase() made that is still there. */
export function dropDatabases() {
  for (const name of databases.splice(0)) psql(testDb, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * A fresh place for atip to keep its data: a data dir (not made yet) and a
 * privateDatabase() of its own, a copy of template's (another
 * environment) if given: { dataDir, db (its URI; '' on SQLite), dbName,
 * args (--data-dir and --db, for any atip command) }.
 */
export function environment(name = 'test', { template } = {}) {
  const dataDir = path.join(tempDir(`atip-${name.replaceAll('_', '-')}-`), 'data');
  const db = privateDatabase(`atip_${name}`, { template: template?.dbName });
  return { dataDir, db: db.uri, dbName: db.name, args: ['--data-dir', dataDir, ...db.args] };
}

/** One SQL statement on an environment's database (psql or sqlite3): rows of columns. */
export function sql(env, statement) {
  const out = env.db ? psql(env.db, statement) : sqlite(path.join(env.dataDir, 'atip.db'), statement);
  return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** startServer() on an environment (its --db comes after ATIP_TEST_DB's, and wins); vars: added to the server's environment. */
export function serve(env, vars = {}) {
  return startServer({ dataDir: env.dataDir, args: env.db ? ['--db', env.db] : [], env: vars });
}

/**
 * `atip demo` on an environment, asserted: { orgs (as parseDemo), accounts:
 * {role: {email, role, password, totp, lastStep}}, stdout }; lastStep: the
 * last TOTP step the server accepted for the account (client.mjs).  Every
 * password and TOTP secret goes into secrets.  Organisations and accounts
 * only (tests start from an empty workspace) unless workspace is true.
 */
export function demo(env, { workspace = false } = {}) {
  const r = atip(['demo', ...(workspace ? [] : ['--only', 'accounts']), ...env.args]);
  assert.equal(r.status, 0, r.stderr);
  const printed = parseDemo(r.stdout); // 5 fields per organisation, 4 per account
  for (const o of printed.orgs) assert.match(o.id, uuid, JSON.stringify(o));
  const accounts = {};
  for (const a of printed.accounts) {
    assert.ok(!(a.role in accounts), `one demo account per role: ${a.role}`);
    assert.match(a.totp, /^[A-Z2-7]{32}$/, `${a.email}: a base32 TOTP secret`);
    secrets.add(a.password);
    secrets.add(a.totp);
    accounts[a.role] = { ...a, lastStep: -Infinity };
  }
  return { orgs: printed.orgs, accounts, stdout: r.stdout };
}

/**
 * `atip audit verify` on an environment that must pass (run: how to run
 * atip): { entries, chains, checkpoints }.
 */
export function auditVerify(env, run = atip) {
  const r = run(['audit', 'verify', ...env.args]);
  assert.equal(r.status, 0, `atip audit verify: ${r.stdout}${r.stderr}`);
  const m = r.stdout.match(/^ok: (\d+) entries in (\d+) chains, (\d+) signed checkpoints\n$/);
  assert.ok(m, `one "ok:" line: ${JSON.stringify(r.stdout)}`);
  return { entries: Number(m[1]), chains: Number(m[2]), checkpoints: Number(m[3]) };
}

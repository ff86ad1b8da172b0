// The trust core from the command line: `atip init` (keyring, first
// platform admin), `atip user add`, `atip audit verify` (and tampering it
// must catch), `atip keys rotate` and the demo accounts (each printed with
// its password and the base32 TOTP secret of its second factor).
//
// Every test needs a database of its own (account counts, audit chains):
// on SQLite a fresh data dir; on PostgreSQL a database made with psql
// beside the one ATIP_TEST_DB names (and dropped at the end).  Tampering
// uses the sqlite3 and psql command-line tools on a copy.  atip runs under
// umask 000, so whatever mode its files get is its own doing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  assertCleanExit, atip as runAtip, auditVerify, base32Decode, dropDatabases, engine, environment, parseDemo, psql,
  sanitizerReports, sql, tempDir, umask0, withTimeout,
} from './server.mjs';

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const uuidLine = new RegExp(`^(${uuid})\\n$`);
const roles = ['analyst', 'case_worker', 'investigator', 'org_admin', 'platform_admin', 'viewer'];

/** A random passphrase of n characters that no policy list holds. */
const passphrase = (n = 24) => crypto.randomBytes(n).toString('base64url').slice(0, n);

// Every password (and TOTP secret) handed to atip or printed by it: no later output may hold one.
const secrets = new Set();

function assertNoSecret(label, ...texts) {
  for (const s of secrets)
    for (const t of texts)
      assert.ok(!t.includes(s), `${label}: a password appears in atip's output:\n${t}`);
}

// The environment atip runs in: nothing inherited may pick its database,
// data dir or passwords (an undefined variable is not passed on).
function baseEnv(env) {
  const unset = { ATIP_DB: undefined, ATIP_DATA_DIR: undefined, ATIP_INIT_PASSWORD: undefined, ATIP_USER_PASSWORD: undefined };
  return { ...process.env, ...unset, ...env };
}

/** Runs atip to completion in a scratch directory under umask 000 (server.mjs); no secret in its output. */
function atip(args, env = {}) {
  const r = runAtip(args, baseEnv(env), { umask0: true });
  assertNoSecret(`atip ${args.join(' ')}`, r.stdout, r.stderr);
  return r;
}

/** Runs atip with no controlling terminal (a new session) and stdin closed. */
function atipNoTty(args, env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn('/bin/sh', umask0(args), {
      cwd: tempDir('atip-trust-'), env: baseEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`atip ${args.join(' ')} still waits after 20 s without a terminal\nstderr: ${stderr}`));
    }, 20000);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('close', (status, signal) => {
      clearTimeout(timer);
      for (const s of sanitizerReports) assert.ok(!stderr.includes(s), `sanitizer report:\n${stderr}`);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

// ---- databases ----------------------------------------------------------

after(() => dropDatabases());

/**
 * A site: a data dir not yet made (its parent exists) and, on PostgreSQL,
 * an empty database of its own (server.mjs: environment).  args select
 * both for any atip command.
 */
const site = () => environment('trust');

/** A copy of a site: its data dir (keyring, checkpoints, SQLite file) and database. */
function copySite(s) {
  const copy = environment('trust', { template: s });
  fs.cpSync(s.dataDir, copy.dataDir, { recursive: true });
  fs.chmodSync(copy.dataDir, 0o700);
  for (const f of fs.readdirSync(copy.dataDir)) fs.chmodSync(path.join(copy.dataDir, f), 0o600);
  return copy;
}

/** stderr without atip's JSON log lines (migrations applied, ...): what it says. */
const said = (stderr) => stderr.split('\n').filter((l) => !l.startsWith('{"time":')).join('\n');

const mode = (p) => fs.statSync(p).mode & 0o777;
const octal = (m) => m.toString(8).padStart(4, '0');

// ---- steps ------------------------------------------------------------

/** `atip init --admin-email` with a fresh password; returns { user, org }. */
function initAdmin(s, email = 'Admin@Example.org', place = ['--country', 'NP']) {
  const password = passphrase();
  const r = atip(['init', ...s.args, '--admin-email', email, ...place], { ATIP_INIT_PASSWORD: password });
  secrets.add(password);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(new RegExp(`^platform admin (\\S+) added \\(user (${uuid}), organisation (${uuid})\\)\\n$`));
  assert.ok(m, `stdout: ${JSON.stringify(r.stdout)}`);
  assert.equal(m[1], email.toLowerCase());
  assert.notEqual(m[2], m[3]);
  return { user: m[2], org: m[3] };
}

/** `atip user add`; returns the new user's id. */
function addUser(s, org, email, role) {
  const password = passphrase(20);
  const r = atip(['user', 'add', ...s.args, '--org', org, '--email', email, '--role', role], { ATIP_USER_PASSWORD: password });
  secrets.add(password);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(uuidLine);
  assert.ok(m, `only the id on stdout: ${JSON.stringify(r.stdout)}`);
  return m[1];
}

function addOrg(s, name, country = 'IN', type = 'shelter') {
  const r = atip(['org', 'add', ...s.args, '--name', name, '--type', type, '--country', country]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.match(uuidLine)[1];
}

function listOrgs(s) {
  const r = atip(['org', 'list', ...s.args]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** `atip audit verify` that must pass (server.mjs: auditVerify): { entries, chains, checkpoints }. */
const verifyOk = (s) => auditVerify(s, atip);

/** `atip audit verify` that must find a break: the BROKEN line's text. */
function verifyBroken(s) {
  const r = atip(['audit', 'verify', ...s.args]);
  assert.equal(r.status, 1, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const m = r.stdout.match(/^BROKEN: (.+)\n$/);
  assert.ok(m, `one BROKEN line on stdout: ${JSON.stringify(r.stdout)}`);
  return m[1];
}

/** Starts `atip serve` on the site and stops it with SIGTERM. */
async function serveAndStop(s, env = {}) {
  const root = tempDir('atip-trust-');
  const web = path.join(root, 'web');
  fs.mkdirSync(web);
  const proc = spawn('/bin/sh', umask0(['serve', '--listen', '127.0.0.1:0', '--web-dir', web, ...s.args]), {
    cwd: root, env: baseEnv({ ATIP_MAX_PER_IP: '0', ...env }), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`atip did not start in 15 s\nstderr: ${err}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/is serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`atip exited (code ${code}, signal ${signal}) before serving\nstderr: ${err}`));
    });
  });
  const ready = await fetch(`${url}/readyz`);
  await ready.arrayBuffer();
  assert.equal(ready.status, 200);
  proc.kill('SIGTERM');
  assertCleanExit(await withTimeout(exited, 30000, 'atip did not exit within 30 s of SIGTERM'), err);
  assertNoSecret('atip serve', out, err);
}

/** The lines of audit-checkpoints as { chain, seq, hash, at, sig }. */
function checkpoints(s) {
  const text = fs.readFileSync(path.join(s.dataDir, 'audit-checkpoints'), 'utf8');
  assert.ok(text.endsWith('\n'), `audit-checkpoints ends with a newline: ${JSON.stringify(text)}`);
  return text.slice(0, -1).split('\n').map((line) => {
    const m = line.match(/^(\S+) (\d+) ([0-9a-f]{64}) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ([A-Za-z0-9+/]+={0,2})$/);
    assert.ok(m, `checkpoint line: ${JSON.stringify(line)}`);
    return { chain: m[1], seq: Number(m[2]), hash: m[3], at: m[4], sig: m[5] };
  });
}

// ---- atip init ----------------------------------------------------------

test('atip init makes the data dir 0700 and a 0600 keyring, and keeps them on a second run', () => {
  const s = site();
  const r = atip(['init', ...s.args]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `initialised ${s.dataDir}: keyring and database ready\n`);
  assert.equal(octal(mode(s.dataDir)), '0700', 'data dir');
  const keyring = path.join(s.dataDir, 'keyring');
  assert.equal(octal(mode(keyring)), '0600', 'keyring');
  const files = fs.readdirSync(s.dataDir).sort();
  if (engine === 'sqlite') {
    assert.ok(files.includes('atip.db'), `atip.db in ${files}`);
    for (const f of files) assert.equal(octal(mode(path.join(s.dataDir, f))), '0600', f);
  } else {
    // The database lives in PostgreSQL; the keyring never leaves the data dir.
    assert.deepEqual(files, ['keyring']);
    assert.match(psql(s.db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'atip_audit'"), /^1\n$/);
  }

  const before = fs.readFileSync(keyring);
  assert.ok(before.length > 0);
  const again = atip(['init', ...s.args]);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(fs.readFileSync(keyring), before, 'a second atip init keeps the keyring');
  assert.equal(octal(mode(keyring)), '0600');
});

test('atip init refuses a keyring others may read (exit 1, naming the keyring)', () => {
  const s = site();
  assert.equal(atip(['init', ...s.args]).status, 0);
  const keyring = path.join(s.dataDir, 'keyring');
  const before = fs.readFileSync(keyring);
  fs.chmodSync(keyring, 0o644);
  const r = atip(['init', ...s.args]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /keyring/);
  assert.deepEqual(fs.readFileSync(keyring), before, 'the keyring is left alone');
});

test('atip init --admin-email adds the first platform admin in a new secretariat, once', () => {
  const s = site();

  // Refusals first: none of them may add anything.
  const bare = atip(['init', ...s.args, '--admin-email', 'Admin@Example.org'], { ATIP_INIT_PASSWORD: passphrase() });
  assert.equal(bare.status, 2, bare.stderr);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /--org/);
  assert.match(bare.stderr, /--country/);
  assert.equal(said(bare.stderr).trim().split('\n').length, 1, bare.stderr);

  const short = passphrase(14);
  const common = 'passwordpassword';
  secrets.add(short);
  for (const password of [short, common]) {
    const r = atip(['init', ...s.args, '--admin-email', 'Admin@Example.org', '--country', 'NP'], { ATIP_INIT_PASSWORD: password });
    assert.equal(r.status, 2, `${password}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(said(r.stderr), /^atip init: password: \S.*\n$/, `${password}: ${r.stderr}`);
  }
  assert.ok(!fs.existsSync(s.dataDir) || listOrgs(s).length === 0, 'a refused init adds no organisation');

  const { user, org } = initAdmin(s);
  const orgs = listOrgs(s);
  assert.deepEqual(orgs, [[org, 'NP', 'international_organisation', 'active', 'Platform secretariat']]);
  assert.notEqual(user, org);

  // Accounts exist now: refused, whichever email, and no second secretariat.
  for (const email of ['Other@Example.org', 'admin@example.org']) {
    const password = passphrase();
    secrets.add(password);
    const again = atip(['init', ...s.args, '--admin-email', email, '--country', 'IN'], { ATIP_INIT_PASSWORD: password });
    assert.equal(again.status, 1, again.stderr);
    assert.equal(again.stdout, '');
    assert.match(said(again.stderr), /^atip init: .*accounts already.*\n$/);
  }
  assert.deepEqual(listOrgs(s), orgs);
  assert.deepEqual(verifyOk(s), { entries: 1, chains: 1, checkpoints: 0 });
});

test('atip init --admin-email --org puts the admin in that organisation; an unknown one is refused (2, org_id)', () => {
  const s = site();
  const org = addOrg(s, 'Regional Secretariat', 'LK', 'international_organisation');
  const unknown = org.slice(0, -1) + (org.endsWith('0') ? '1' : '0');
  const password = passphrase();
  secrets.add(password);
  const r = atip(['init', ...s.args, '--admin-email', 'chief@example.org', '--org', unknown], { ATIP_INIT_PASSWORD: password });
  assert.equal(r.status, 2, r.stderr);
  assert.match(said(r.stderr), /^atip init: org_id: \S.*\n$/);

  const made = initAdmin(s, 'chief@example.org', ['--org', org]);
  assert.equal(made.org, org);
  assert.equal(listOrgs(s).length, 1, 'no secretariat was made');
});

test('atip init --admin-email --country XX is refused (2), naming country', () => {
  const s = site();
  const password = passphrase();
  secrets.add(password);
  const r = atip(['init', ...s.args, '--admin-email', 'admin@example.org', '--country', 'XX'], { ATIP_INIT_PASSWORD: password });
  assert.equal(r.status, 2, r.stderr);
  assert.match(said(r.stderr), /^atip init: country: \S.*\n$/);
  assert.deepEqual(listOrgs(s), []);
});

test('atip init --admin-email without a terminal or ATIP_INIT_PASSWORD says to set it', async () => {
  const s = site();
  const r = await atipNoTty(['init', ...s.args, '--admin-email', 'admin@example.org', '--country', 'NP']);
  assert.equal(r.signal, null);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /ATIP_INIT_PASSWORD/);
  assert.deepEqual(listOrgs(s), []);
});

// ---- atip user add --------------------------------------------------------

test('atip user add prints the new id; refuses a taken email, a bad role, an unknown org', async () => {
  const s = site();
  const { org } = initAdmin(s);
  addUser(s, org, 'Worker@Example.org', 'case_worker');

  const tryAdd = (email, role, orgId = org) => {
    const password = passphrase(20);
    secrets.add(password);
    return atip(['user', 'add', ...s.args, '--org', orgId, '--email', email, '--role', role], { ATIP_USER_PASSWORD: password });
  };

  for (const email of ['WORKER@example.ORG', 'worker@example.org', 'ADMIN@EXAMPLE.ORG']) {
    const r = tryAdd(email, 'viewer');
    assert.equal(r.status, 1, `${email}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(said(r.stderr), /^atip user add: email: \S.*\n$/, `${email}: ${r.stderr}`);
  }

  const role = tryAdd('new@example.org', 'janitor');
  assert.equal(role.status, 2, role.stderr);
  assert.equal(role.stdout, '');
  assert.match(said(role.stderr), /^atip user add: role: \S.*\n$/);

  for (const orgId of [org.slice(0, -1) + (org.endsWith('0') ? '1' : '0'), 'no-such-org']) {
    const r = tryAdd('new@example.org', 'viewer', orgId);
    assert.equal(r.status, 2, `${orgId}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(said(r.stderr), /^atip user add: org_id: \S.*\n$/, `${orgId}: ${r.stderr}`);
  }

  const fresh = tryAdd('new@example.org', 'viewer', org);
  assert.equal(fresh.status, 0, fresh.stderr + 'a fresh email, role and org are fine');

  const noTty = await atipNoTty(['user', 'add', ...s.args, '--org', org, '--email', 'tty@example.org', '--role', 'viewer']);
  assert.equal(noTty.signal, null);
  assert.equal(noTty.status, 1, noTty.stderr);
  assert.equal(noTty.stdout, '');
  assert.match(noTty.stderr, /ATIP_USER_PASSWORD/);
  assert.equal(said(noTty.stderr).trim().split('\n').length, 1, noTty.stderr);

  // Only the three users made are audited: the refusals left no entry.
  assert.deepEqual(verifyOk(s), { entries: 3, chains: 1, checkpoints: 0 });
});

test('atip user add without --org, --email or --role is a usage error (2)', () => {
  const s = site();
  const password = passphrase();
  secrets.add(password);
  for (const args of [
    ['--email', 'a@example.org', '--role', 'viewer'],
    ['--org', 'x', '--role', 'viewer'],
    ['--org', 'x', '--email', 'a@example.org'],
  ]) {
    const r = atip(['user', 'add', ...s.args, ...args], { ATIP_USER_PASSWORD: password });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /usage: atip user add/);
  }
});

// ---- atip audit verify ------------------------------------------------------

/** A site with users in two chains: A (admin, case worker) and B (viewer). */
function auditedSite() {
  const s = site();
  const { org: a } = initAdmin(s);
  addUser(s, a, 'worker@example.org', 'case_worker');
  const b = addOrg(s, 'Pune Safe Home');
  addUser(s, b, 'viewer@example.org', 'viewer');
  return { s, a, b };
}

test('atip audit verify counts every user creation; atip serve signs a checkpoint on SIGTERM', async () => {
  const { s, a, b } = auditedSite();
  assert.deepEqual(verifyOk(s), { entries: 3, chains: 2, checkpoints: 0 });
  const file = path.join(s.dataDir, 'audit-checkpoints');
  assert.ok(!fs.existsSync(file), 'no checkpoints before atip serve ran');

  // No job workers: the checkpoint can only come from the shutdown.
  await serveAndStop(s, { ATIP_JOB_WORKERS: '0' });
  assert.ok(fs.existsSync(file), 'audit-checkpoints after atip serve stopped');
  assert.equal(octal(mode(file)), '0600', 'audit-checkpoints');
  const lines = checkpoints(s);
  assert.deepEqual(lines.map((l) => [l.chain, l.seq]).sort(), [[a, 2], [b, 1]].sort());
  assert.deepEqual(verifyOk(s), { entries: 3, chains: 2, checkpoints: 2 });

  // Heads that did not move are not signed again.
  await serveAndStop(s);
  assert.equal(checkpoints(s).length, 2);

  addUser(s, b, 'analyst@example.org', 'analyst');
  await serveAndStop(s);
  const more = checkpoints(s);
  assert.equal(more.length, 3);
  assert.deepEqual([more[2].chain, more[2].seq], [b, 2]);
  assert.deepEqual(verifyOk(s), { entries: 4, chains: 2, checkpoints: 3 });
});

test('atip audit verify catches a changed row, removed entries and a forged checkpoint', async () => {
  const { s, a } = auditedSite();
  await serveAndStop(s);
  assert.deepEqual(verifyOk(s), { entries: 3, chains: 2, checkpoints: 2 });

  const changed = copySite(s);
  sql(changed, `UPDATE atip_audit SET action = 'x' WHERE chain = '${a}' AND seq = 1`);
  assert.equal(verifyBroken(changed), `chain ${a} entry 1: its contents were changed`);

  const removed = copySite(s);
  sql(removed, `DELETE FROM atip_audit WHERE chain = '${a}' AND seq = 2`);
  assert.match(verifyBroken(removed), new RegExp(`^chain ${a} .*entries were removed$`));

  const forged = copySite(s);
  const file = path.join(forged.dataDir, 'audit-checkpoints');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const fields = lines[0].split(' ');
  fields[4] = (fields[4][0] === 'A' ? 'B' : 'A') + fields[4].slice(1);
  lines[0] = fields.join(' ');
  fs.writeFileSync(file, lines.join('\n'));
  assert.equal(verifyBroken(forged), 'checkpoint line 1: the signature does not verify');

  // The original is untouched by what was done to its copies.
  assert.deepEqual(verifyOk(s), { entries: 3, chains: 2, checkpoints: 2 });
});

test('atip audit verify, no checkpoints: a changed row is still caught', () => {
  const s = site();
  const { org } = initAdmin(s);
  sql(s, "UPDATE atip_audit SET action = 'x' WHERE seq = 1");
  assert.equal(verifyBroken(s), `chain ${org} entry 1: its contents were changed`);
});

// ---- atip keys rotate -------------------------------------------------------

test('atip keys rotate makes a new primary key; the keyring stays 0600 and the audit trail verifies', async () => {
  const { s, b } = auditedSite();
  await serveAndStop(s);
  const before = verifyOk(s);
  assert.equal(before.checkpoints, 2);
  const keyring = path.join(s.dataDir, 'keyring');
  const old = fs.readFileSync(keyring);

  for (const v of [2, 3]) {
    const r = atip(['keys', 'rotate', ...s.args]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^key ${v} is now primary\\b[^\\n]*\\n$`));
    assert.equal(octal(mode(keyring)), '0600', `keyring after rotating to key ${v}`);
  }
  const now = fs.readFileSync(keyring);
  assert.ok(now.length > old.length, 'the keyring holds more keys');
  assert.deepEqual(verifyOk(s), before, 'checkpoints signed before the rotation still verify');

  // The signing key did not change: old and new checkpoints verify together.
  addUser(s, b, 'after.rotation@example.org', 'viewer');
  await serveAndStop(s);
  assert.deepEqual(verifyOk(s), { entries: 4, chains: 2, checkpoints: 3 });
});

test('atip keys rotate without a keyring exits 1 and makes none', () => {
  const empty = path.join(tempDir('atip-trust-'), 'data');
  fs.mkdirSync(empty, { mode: 0o700 });
  const missing = path.join(tempDir('atip-trust-'), 'data');
  for (const dir of [empty, missing]) {
    const r = atip(['keys', 'rotate', '--data-dir', dir]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(said(r.stderr), /^atip keys rotate: .*keyring.*\n$/);
    assert.ok(!fs.existsSync(path.join(dir, 'keyring')), `no keyring in ${dir}`);
  }
  assert.ok(!fs.existsSync(missing), 'the missing data dir is not made');
});

// ---- atip demo ----------------------------------------------------------

test('atip demo prints an account for every role once, with a password and a TOTP secret; the audit trail verifies', () => {
  const s = site();
  const first = atip(['demo', ...s.args]);
  assert.equal(first.status, 0, first.stderr);
  const [head, accountsPart] = first.stdout.split(/^Demo accounts[^\n]*\n/m);
  assert.ok(accountsPart !== undefined, `a "Demo accounts" section:\n${first.stdout}`);
  const demoOrgs = head.split('\n').filter((l) => l.includes('\t'));
  const accounts = accountsPart.split('\n').filter(Boolean).map((line) => {
    const cols = line.split('\t');
    assert.equal(cols.length, 4, `email, role, password, TOTP secret: ${JSON.stringify(line)}`);
    return { email: cols[0], role: cols[1], password: cols[2], totp: cols[3] };
  });
  assert.deepEqual(parseDemo(first.stdout).accounts, accounts, 'server.mjs reads the accounts alike');
  assert.deepEqual(accounts.map((x) => x.role).sort(), roles);
  for (const x of accounts) {
    assert.match(x.email, /^[^@\s]+@[^@\s]+\.invalid$/, x.email);
    assert.match(x.password, /^[A-Za-z0-9_-]{16}$/, `${x.email}: ${x.password}`);
    // Every demo account is enrolled: a 160-bit secret (RFC 4226), unpadded base32.
    assert.match(x.totp, /^[A-Z2-7]{32}$/, `${x.email}: TOTP secret ${x.totp}`);
    assert.equal(base32Decode(x.totp).length, 20, `${x.email}: 20 bytes of secret`);
  }
  assert.equal(new Set(accounts.map((x) => x.email)).size, 6, 'six emails');
  assert.equal(new Set(accounts.map((x) => x.password)).size, 6, 'six passwords');
  assert.equal(new Set(accounts.map((x) => x.totp)).size, 6, 'six TOTP secrets');
  for (const x of accounts) {
    secrets.add(x.password);
    secrets.add(x.totp);
  }

  const second = atip(['demo', ...s.args]); // (atip() asserts no demo password or secret in it)
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, 'the database already holds the demo data\n');

  const audit = verifyOk(s);
  assert.equal(audit.entries, 6);
  assert.ok(audit.chains >= 1 && audit.chains <= demoOrgs.length, JSON.stringify(audit));
  assert.equal(audit.checkpoints, 0);

  // The demo accounts count as accounts: no first admin any more.
  const password = passphrase();
  secrets.add(password);
  const init = atip(['init', ...s.args, '--admin-email', 'admin@example.org', '--country', 'NP'], { ATIP_INIT_PASSWORD: password });
  assert.equal(init.status, 1, init.stderr);
  assert.match(init.stderr, /accounts already/);
});

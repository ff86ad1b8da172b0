// `atip backup` and `atip restore`, on the engine of ATIP_TEST_DB:
//  1. --help for both; usage errors exit 2; a backup that cannot be made
//     exits 1 with one line.
//  2. A backup taken while `atip serve` runs and a writer keeps adding
//     comments: mode 0600 (even under umask 000), the loud warning naming
//     the keyring, no keyring bytes inside, one consistent snapshot (the
//     writer's comments up to some point, none missing before it, every
//     one confirmed before the backup began).
//  3. Restored into a fresh data dir holding a copy of the same keyring
//     and a new database: `atip audit verify` passes; the restored server
//     answers orgs, practices, cases and a case read with personal=true by
//     the demo case worker exactly as the original did, and her TOTP
//     sign-in works (both need the keyring and the data to match).
//  4. A non-empty target is refused without --force (one line, nothing
//     changed); --force replaces it.  Restored next to another keyring:
//     atip never opens the personal data (500, no plaintext) and the
//     second factor no longer checks; the plain case still reads.
//  5. Without a keyring in the data dir, restore warns and makes none.
//  6. Garbage, a database or dump that is not atip's, a truncated backup,
//     the other engine's backup: exit 1, one line, the target untouched.
//  7. PostgreSQL: the URI's password reaches pg_dump and pg_restore in
//     PGPASSWORD, never on their command line, and ATIP_DB not at all.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { call, ok, signInRequest, signInWithCode } from './client.mjs';
import {
  atip, auditVerify, bin, demo, dropDatabases, engine, environment, nextTotp, privateDatabase,
  sanitizerReports, secrets, serve, sql, sqlite, tempDir, testDb,
} from './server.mjs';

const oneLine = (s) => s.trim().split('\n').length === 1;
const pg = engine === 'postgresql';

let env;        // the original: demo with its workspace, served
let server;
let accounts;
let cwToken;    // the case worker's API token, made before the backup
let backupFile;
let forum;      // the meeting the writer comments on
let girl;       // the demo case with personal data
let before_;    // the original's answers, taken right after the backup
let writer;     // { bodies confirmed in order, confirmedBeforeBackup }
let stepInBackup; // the case worker's last TOTP step the backup holds
const servers = [];

/** `atip args` without blocking the event loop (the writer runs meanwhile). */
function atipAsync(args) {
  return new Promise((resolve, reject) => {
    const cwd = tempDir('atip-run-');
    const p = spawn(bin, args, {
      cwd, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ATIP_DATA_DIR: path.join(cwd, 'data') },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (status, signal) => {
      for (const s of sanitizerReports) assert.ok(!stderr.includes(s), `sanitizer report:\n${stderr}`);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** A data dir (0700) holding a copy (0600) of env's keyring. */
function withKeyringOf(from, to) {
  fs.mkdirSync(to.dataDir, { mode: 0o700 });
  fs.copyFileSync(path.join(from.dataDir, 'keyring'), path.join(to.dataDir, 'keyring'));
  fs.chmodSync(path.join(to.dataDir, 'keyring'), 0o600);
}

/** The tables of an environment's database (SQLite: none when its file is missing). */
function tableCount(e) {
  if (!pg && !fs.existsSync(path.join(e.dataDir, 'atip.db'))) return 0;
  const q = pg
    ? "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    : "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
  return Number(sql(e, q)[0][0]);
}

/** What the case worker sees of the shared data, through her token. */
async function answers(srv) {
  const get = async (p) => ok(await call(srv, 'GET', p, { bearer: cwToken }), 200, `GET ${p}`);
  return {
    orgs: await get('/api/v1/orgs'),
    practices: await get('/api/v1/practices'),
    cases: await get('/api/v1/cases'),
    personal: await get(`/api/v1/cases/${girl.id}?personal=true`),
    meeting: await get(`/api/v1/meetings/${forum.id}`),
  };
}

/** The writer's comments on the forum as srv has them, oldest first. */
async function comments(srv) {
  const list = ok(await call(srv, 'GET', `/api/v1/threads?record_kind=meeting&record_id=${forum.id}&limit=500`,
    { bearer: cwToken }), 200, 'the forum\'s discussion');
  return list.items.map((c) => c.body).filter((b) => b.startsWith('backup writer '));
}

before(async () => {
  env = environment('backup_src');
  ({ accounts } = demo(env, { workspace: true }));
  server = await serve(env);
  const t = atip(['token', 'create', '--email', accounts.case_worker.email, '--days', '2', ...env.args]);
  assert.equal(t.status, 0, t.stderr);
  cwToken = t.stdout.trim();
  secrets.add(cwToken);
  const meetings = ok(await call(server, 'GET', '/api/v1/meetings?when=past', { bearer: cwToken }), 200, 'meetings');
  forum = meetings.items.find((m) => m.title.startsWith('Regional forum'));
  const cases = ok(await call(server, 'GET', '/api/v1/cases', { bearer: cwToken }), 200, 'cases');
  girl = cases.items.find((c) => c.reference.startsWith('PUNE-2026-014'));
  assert.ok(forum && girl, 'the demo forum and case');
});

after(async () => {
  for (const s of servers) await s.stop();
  await server?.stop();
  if (env) auditVerify(env);
  dropDatabases();
});

test('atip backup --help and atip restore --help; usage errors exit 2', () => {
  for (const cmd of ['backup', 'restore']) {
    const r = atip([cmd, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^usage: atip ${cmd} --(out|from) FILE`));
    assert.match(r.stdout, /keyring/);
  }
  const usage = [
    ['backup'], ['backup', '--out'], ['backup', '--out', ''], ['backup', '--out', 'x', '--bogus', 'y'],
    ['backup', 'x'], ['backup', '--out', 'x', '--out', 'y'], ['restore'], ['restore', '--from'],
    ['restore', '--force'], ['restore', '--from', 'x', '--what', 'y'], ['restore', 'x'],
  ];
  for (const args of usage) {
    const r = atip([...args, ...env.args]);
    assert.equal(r.status, 2, `atip ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`usage: atip ${args[0]}`), args.join(' '));
  }
  const sorted = atip([]);
  assert.match(sorted.stderr, /backup .*\n.*restore/, 'both in the usage text');
});

test('a backup that cannot be made exits 1 with one line, and leaves no file', () => {
  const dir = tempDir('atip-backup-');
  const missing = atip(['backup', '--out', path.join(dir, 'no', 'such', 'dir', 'b'), ...env.args]);
  assert.equal(missing.status, 1, missing.stderr);
  assert.ok(oneLine(missing.stderr), missing.stderr);
  assert.match(missing.stderr, /^atip backup: cannot create/);
  const empty = environment('backup_none');
  const none = atip(['backup', '--out', path.join(dir, 'b'), ...empty.args]);
  assert.equal(none.status, 1, none.stderr);
  assert.ok(oneLine(none.stderr), none.stderr);
  assert.match(none.stderr, pg ? /not atip's/ : /no database at/);
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
});

test('atip backup while atip serve runs and writes: 0600, the keyring warning, one consistent snapshot', async () => {
  const s = await signInWithCode(server, accounts.case_worker);
  stepInBackup = accounts.case_worker.lastStep;
  const bodies = [];
  let stop = false;
  const loop = (async () => {
    for (let i = 0; !stop && i < 400; i++) {
      const body = `backup writer ${i} (fictional)`;
      ok(await call(server, 'POST', '/api/v1/threads', { session: s, body: { record_kind: 'meeting', record_id: forum.id, body } }),
        201, `comment ${i}`);
      bodies.push(body);
    }
  })();
  while (bodies.length < 5) await new Promise((r) => setTimeout(r, 10));
  backupFile = path.join(tempDir('atip-backup-'), 'atip.backup');
  const confirmedBeforeBackup = bodies.length;
  const r = await atipAsync(['backup', '--out', backupFile, ...env.args]);
  const duringBackup = bodies.length - confirmedBeforeBackup;
  stop = true;
  await loop;
  writer = { bodies, confirmedBeforeBackup };
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `backup written to ${backupFile}\n`);
  const keyring = fs.realpathSync(path.join(env.dataDir, 'keyring'));
  assert.match(r.stderr, /WARNING: THIS BACKUP DOES NOT HOLD THE KEYRING/);
  assert.ok(r.stderr.includes(keyring), `names the keyring ${keyring}:\n${r.stderr}`);
  assert.match(r.stderr, /Back that file up\s+separately/);
  assert.match(r.stderr, /store\s+it apart from the backup/);
  assert.equal(fs.statSync(backupFile).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(path.dirname(backupFile)), ['atip.backup'], 'no temporary left');
  const bytes = fs.readFileSync(backupFile);
  assert.equal(bytes.subarray(0, pg ? 5 : 16).toString('latin1'), pg ? 'PGDMP' : 'SQLite format 3\0');
  const kr = fs.readFileSync(path.join(env.dataDir, 'keyring'));
  assert.equal(bytes.indexOf(kr.subarray(0, 8)), -1, 'no keyring header in the backup');
  assert.equal(bytes.indexOf(kr.subarray(20, 20 + 44)), -1, 'no root key in the backup');
  if (!pg) assert.equal(bytes[18], 1, 'a self-contained file (rollback journal, not WAL)');
  // Under umask 000 too.
  const loose = path.join(tempDir('atip-backup-'), 'loose.backup');
  const u = atip(['backup', '--out', loose, ...env.args], {}, { umask0: true });
  assert.equal(u.status, 0, u.stderr);
  assert.equal(fs.statSync(loose).mode & 0o777, 0o600, 'under umask 000');
  // A second backup over the first replaces it whole.
  const again = atip(['backup', '--out', loose, ...env.args]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(fs.statSync(loose).mode & 0o777, 0o600);
  before_ = await answers(server);
  // Not an assertion on speed: say how much the writer did meanwhile.
  console.log(`# the writer confirmed ${duringBackup} comments while atip backup ran`);
});

test('restored next to the same keyring: audit verify passes, the same answers, personal data and TOTP open', async () => {
  const env2 = environment('backup_restored');
  withKeyringOf(env, env2);
  const r = atip(['restore', '--from', backupFile, ...env2.args]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^restored .* database.*; migrations applied\n$/);
  assert.doesNotMatch(r.stderr, /no keyring/, 'the keyring is there');
  const verified = auditVerify(env2);
  assert.ok(verified.entries > 0, JSON.stringify(verified));
  const m = atip(['migrate', ...env2.args]);
  assert.equal(m.status, 0, m.stderr);
  assert.doesNotMatch(m.stderr, /applied migration/, 'restore left nothing to migrate');
  if (!pg) assert.equal(fs.statSync(path.join(env2.dataDir, 'atip.db')).mode & 0o777, 0o600);

  const server2 = await serve(env2);
  servers.push(server2);
  const now = await answers(server2);
  assert.deepEqual(now, before_, 'the restored server answers as the original did');
  assert.equal(now.personal.persons.find((p) => p.kind === 'victim').first_name, 'Sita (fictional)');
  // One snapshot: the writer's comments up to some point, none skipped,
  // every one confirmed before the backup began.
  const got = await comments(server2);
  assert.ok(got.length >= writer.confirmedBeforeBackup, `${got.length} of ${writer.confirmedBeforeBackup} confirmed before`);
  assert.deepEqual(got, writer.bodies.slice(0, got.length), 'a prefix of what the writer wrote');
  // The second factor opens with the same keyring.
  const s = await signInWithCode(server2, accounts.case_worker, 'TOTP sign-in on the restored copy');
  const me = ok(await call(server2, 'GET', '/api/v1/me', { session: s }), 200, 'me');
  assert.equal(me.user.email, accounts.case_worker.email);
});

test('restore refuses a database that holds data; --force replaces it; another keyring opens no personal data', async () => {
  const env3 = environment('backup_otherkey');
  demo(env3); // its own accounts, and its own keyring
  const tables = tableCount(env3);
  const refused = atip(['restore', '--from', backupFile, ...env3.args]);
  assert.equal(refused.status, 1, refused.stderr);
  assert.ok(oneLine(refused.stderr), refused.stderr);
  assert.match(refused.stderr, /already holds \d+ tables of atip; refusing .*--force/);
  assert.equal(tableCount(env3), tables, 'nothing changed');
  assert.equal(sql(env3, `SELECT count(*) FROM cases`)[0][0], '0', 'no case restored');

  const forced = atip(['restore', '--force', '--from', backupFile, ...env3.args]);
  assert.equal(forced.status, 0, forced.stderr);
  assert.doesNotMatch(forced.stderr, /no keyring/, 'a keyring is there (the wrong one)');
  assert.equal(sql(env3, `SELECT id FROM cases WHERE id = '${girl.id}'`).length, 1, 'the case is restored');
  assert.equal(tableCount(env3), tables, 'the same tables');

  const server3 = await serve(env3);
  servers.push(server3);
  // Tokens are stored hashed, not sealed: the case worker's still works.
  const me = ok(await call(server3, 'GET', '/api/v1/me', { bearer: cwToken }), 200, 'the token on the other keyring');
  assert.equal(me.user.email, accounts.case_worker.email);
  const plain = ok(await call(server3, 'GET', `/api/v1/cases/${girl.id}`, { bearer: cwToken }), 200, 'the case without personal data');
  assert.equal(plain.reference, girl.reference);
  assert.equal(plain.personal_included, false);
  const personal = await call(server3, 'GET', `/api/v1/cases/${girl.id}?personal=true`, { bearer: cwToken });
  assert.equal(personal.status, 500, `personal data under another keyring: ${personal.status} ${personal.text}`);
  assert.match(personal.headers.get('content-type'), /^application\/problem\+json/);
  assert.ok(!personal.text.includes('Sita'), `no plaintext: ${personal.text}`);
  // The TOTP secret is sealed under the keyring too: a right code, unused
  // in this database, no longer checks.
  const { code } = await nextTotp(accounts.case_worker.totp, stepInBackup);
  const signIn = await signInRequest(server3, accounts.case_worker, code);
  assert.ok(signIn.status >= 400, `TOTP sign-in under another keyring: ${signIn.status} ${signIn.text}`);
  assert.equal(signIn.cookies.length, 0, 'no session');
  console.log(`# TOTP sign-in under another keyring: ${signIn.status}`);
  assert.ok(!server3.stderr().includes('Sita'), 'nothing personal in the log');
});

test('restore without a keyring in the data dir warns, and makes none', () => {
  const env4 = environment('backup_nokey');
  const r = atip(['restore', '--from', backupFile, ...env4.args]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /WARNING: there is no keyring at \S*keyring/);
  assert.ok(!fs.existsSync(path.join(env4.dataDir, 'keyring')), 'restore makes no keyring');
});

test('garbage, another program\'s database, a truncated backup, the other engine\'s backup: exit 1, one line, target untouched', () => {
  const env5 = environment('backup_bad');
  const dir = tempDir('atip-backup-bad-');
  const file = (name, bytes) => { const p = path.join(dir, name); fs.writeFileSync(p, bytes); return p; };
  const cases = [
    ['garbage', file('garbage', crypto.randomBytes(4096)), /is not an atip backup/],
    ['empty', file('empty', ''), /is not an atip backup/],
    ['missing', path.join(dir, 'missing'), /cannot read .*missing/],
    ['truncated', file('truncated', fs.readFileSync(backupFile).subarray(0, 3000)), pg ? /pg_restore: .*(error|end of file)/i : /damaged|not a readable/],
    pg
      ? ['an SQLite backup', file('sqlite', Buffer.concat([Buffer.from('SQLite format 3\0'), crypto.randomBytes(100)])), /is an SQLite backup/]
      : ['a pg_dump archive', file('dump', Buffer.concat([Buffer.from('PGDMP'), crypto.randomBytes(100)])), /is a PostgreSQL dump/],
  ];
  if (pg) {
    const other = privateDatabase('backup_other');
    spawnSync('psql', ['-X', '-q', '-d', other.uri, '-c', 'CREATE TABLE notes (t text); INSERT INTO notes VALUES (\'x\')']);
    const p = path.join(dir, 'other.dump');
    const d = spawnSync('pg_dump', ['--format=custom', `--file=${p}`, `--dbname=${other.uri}`], { encoding: 'utf8' });
    assert.equal(d.status, 0, d.stderr);
    cases.push(['another program\'s dump', p, /not one of atip/]);
  } else {
    const p = path.join(dir, 'other.db');
    sqlite(p, 'CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES (\'x\')');
    cases.push(['another program\'s database', p, /not one of atip/]);
  }
  for (const [what, from, message] of cases) {
    const r = atip(['restore', '--from', from, ...env5.args]);
    assert.equal(r.status, 1, `${what}: ${r.stdout}${r.stderr}`);
    assert.ok(oneLine(r.stderr), `${what}: one line:\n${r.stderr}`);
    assert.match(r.stderr, /^atip restore: /, what);
    assert.match(r.stderr, message, what);
    assert.equal(tableCount(env5), 0, `${what}: the target is untouched`);
  }
});

if (pg) {
  test('PostgreSQL: the password goes to pg_dump and pg_restore in PGPASSWORD, never on their command line', () => {
    const shim = tempDir('atip-backup-shim-');
    for (const tool of ['pg_dump', 'pg_restore']) {
      const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      assert.ok(real, `${tool} on PATH`);
      fs.writeFileSync(path.join(shim, tool), [
        '#!/bin/sh',
        `log=${shim}/${tool}.$$`,
        'printf "%s\\n" "$@" > "$log.argv"',
        'printf "%s" "$PGPASSWORD" > "$log.pw"',
        'env | grep -c "^ATIP_DB=" > "$log.atipdb"',
        `exec ${real} "$@"`, ''].join('\n'), { mode: 0o755 });
    }
    const password = `pw-${crypto.randomBytes(6).toString('hex')}'\\x`;
    secrets.add(password);
    // The test cluster trusts local connections: the password is carried, not checked.
    const withPassword = (uri) => uri.replace(/^(postgres(?:ql)?:\/\/)(?:([^@/:]*)(?::[^@/]*)?@)?/,
      (_, scheme, user) => `${scheme}${user || 'postgres'}:${encodeURIComponent(password)}@`);
    const env6 = environment('backup_pw');
    const vars = { PATH: `${shim}:${process.env.PATH}`, ATIP_DB: withPassword(env.db) };
    const out = path.join(tempDir('atip-backup-'), 'pw.backup');
    const b = atip(['backup', '--out', out, '--data-dir', env.dataDir], vars);
    assert.equal(b.status, 0, b.stderr);
    const r = atip(['restore', '--from', out, '--data-dir', env6.dataDir], { ...vars, ATIP_DB: withPassword(env6.db) });
    assert.equal(r.status, 0, r.stderr);
    const logs = fs.readdirSync(shim).filter((f) => f.endsWith('.argv'));
    assert.ok(logs.some((f) => f.startsWith('pg_dump.')) && logs.some((f) => f.startsWith('pg_restore.')), `both ran: ${logs}`);
    for (const f of logs) {
      const base = path.join(shim, f.slice(0, -'.argv'.length));
      const argv = fs.readFileSync(`${base}.argv`, 'utf8');
      assert.ok(!argv.includes(password) && !argv.includes(encodeURIComponent(password)), `${f}: no password in argv:\n${argv}`);
      assert.equal(fs.readFileSync(`${base}.atipdb`, 'utf8').trim(), '0', `${f}: no ATIP_DB in its environment`);
      if (argv.startsWith('--list\n')) continue; // reads the file only
      assert.match(argv, /^--dbname=.*dbname='atip_backup/m, `${f}: the database by keyword`);
      assert.equal(fs.readFileSync(`${base}.pw`, 'utf8'), password, `${f}: PGPASSWORD`);
    }
    assert.ok(!b.stderr.includes(password) && !r.stderr.includes(password), 'atip never prints it');
  });
}

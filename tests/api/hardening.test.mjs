// Process hardening (docs/deploy.md "Process hardening"): `atip serve`
// started as root with ATIP_USER serves as that user and its group, under
// the seccomp filter (off in a sanitizer build), and keeps working; it
// refuses a data directory the user does not own, and a non-root start
// with ATIP_USER naming someone else.  These tests run as root, as
// scripts/test does, and make the system user atip-test when it is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { client, ok } from './client.mjs';
import { atip, bin, demo, dropDatabases, environment, repoRoot, serve, testDb } from './server.mjs';

const user = 'atip-test';
let uid;
let gid;

// AddressSanitizer builds leave the filter off (LeakSanitizer needs ptrace).
const sanitized = fs.readFileSync(bin).includes('__asan_init');

function id(flag) {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** The /proc/<pid>/status fields of a process or thread: { Uid: '…', … }. */
function status(file) {
  const fields = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return fields;
}

const ids = (n) => [n, n, n, n].join('\t'); // real, effective, saved, filesystem

/** An environment whose data dir atip-test can reach (tempDir makes 0700 dirs). */
function reachable(name) {
  const env = environment(name);
  fs.chmodSync(path.dirname(env.dataDir), 0o755);
  return env;
}

/** chown -R atip-test: dir. */
function giveToUser(dir) {
  const r = spawnSync('chown', ['-R', `${user}:`, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** `atip serve` that must refuse to start: its exit status and stderr. */
function refusedServe(env, vars, options = {}) {
  const r = options.uid === undefined
    ? atip(['serve', '--listen', '127.0.0.1:0', ...env.args], vars)
    : spawnSync(bin, ['serve', '--listen', '127.0.0.1:0', ...env.args], {
      cwd: '/', encoding: 'utf8', timeout: 30000, uid: options.uid, gid: options.gid,
      env: { ...process.env, ...vars },
    });
  assert.equal(r.error, undefined, `could not run ${bin}: ${r.error}`);
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.status, 1, `atip serve must refuse to start: ${r.stdout}${r.stderr}`);
  assert.ok(!r.stdout.includes('is serving on'), r.stdout);
  return r.stderr;
}

before(() => {
  assert.equal(process.getuid(), 0, 'these tests start atip serve as root, as scripts/test does');
  if (id('-u') === null) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent',
      '--shell', '/usr/sbin/nologin', user], { encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 9, `useradd ${user}: ${r.stderr}`); // 9: made meanwhile
  }
  uid = id('-u');
  gid = id('-g');
  assert.ok(uid > 0 && gid > 0, `${user} is an unprivileged user (${uid}:${gid})`);
  // PostgreSQL over a Unix socket: the user must reach the socket's directory.
  const m = testDb.match(/[?&]host=([^&#]*)/); // postgresql://user@/db is no WHATWG URL
  const host = m && decodeURIComponent(m[1]);
  if (host && host.startsWith('/')) {
    const mode = fs.statSync(host).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(host, (mode & 0o777) | 0o011);
  }
});

after(() => dropDatabases());

test('started as root with ATIP_USER: every thread serves as that user and group, no other group, under the seccomp filter; the server still answers', async () => {
  const env = reachable('hardening');
  const { accounts } = demo(env, { workspace: true }); // as root, handed over below
  giveToUser(env.dataDir);
  const server = await serve(env, { ATIP_USER: user });
  const { call, signInWithCode } = client(() => server);
  try {
    const tasks = fs.readdirSync(`/proc/${server.proc.pid}/task`);
    assert.ok(tasks.length > 1, 'atip serves with threads');
    for (const task of ['', ...tasks.map((t) => `/task/${t}`)]) {
      const s = status(`/proc/${server.proc.pid}${task}/status`);
      assert.equal(s.Uid, ids(uid), `Uid of ${task || 'the process'}`);
      assert.equal(s.Gid, ids(gid), `Gid of ${task || 'the process'}`);
      assert.equal(s.Groups, '', `no supplementary group in ${task || 'the process'}`);
      assert.equal(s.CapEff, '0000000000000000', 'no capability left');
      assert.equal(s.Seccomp, sanitized ? '0' : '2', `Seccomp of ${task || 'the process'} (2: filter)`);
      if (!sanitized) assert.equal(s.NoNewPrivs, '1');
    }
    assert.match(server.stderr(), new RegExp(`"serving as ${user} \\(uid ${uid}, gid ${gid}\\)"`));
    if (sanitized) assert.match(server.stderr(), /seccomp filter off: sanitizer build/);

    ok(await call('GET', '/api/v1/ping'), 200, 'ping');
    const s = await signInWithCode(accounts.case_worker);
    // Parallel reads make the pool open new database connections, as the user.
    const lists = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/api/v1/cases', { session: s })));
    const items = ok(lists[0], 200, 'GET /api/v1/cases').items;
    for (const l of lists) assert.equal(l.status, 200, l.text);
    assert.ok(items.length > 0, 'the demo cases are listed');
    const one = ok(await call('GET', `/api/v1/cases/${items[0].id}`, { session: s }), 200, 'a case');
    assert.equal(one.id, items[0].id);
    const made = ok(await call('POST', '/api/v1/cases', { session: s, body: { reference: 'Opened by a dropped server (fictional)' } }), 201, 'POST /api/v1/cases');
    assert.equal(made.reference, 'Opened by a dropped server (fictional)');
    // An XLSX export writes a temporary workbook in the data dir.
    const x = await call('POST', '/api/v1/cases/export', { session: s, body: { format: 'xlsx' } });
    assert.equal(x.status, 200, x.text);
    assert.match(x.headers.get('content-disposition') || '', /atip-cases\.xlsx/);
  } finally {
    await server.stop();
  }
  // What atip wrote as the user (the last audit checkpoint at stop, the
  // database and its WAL) is the user's.
  for (const name of fs.readdirSync(env.dataDir)) {
    const st = fs.lstatSync(path.join(env.dataDir, name));
    assert.equal(st.uid, uid, `${name} belongs to ${user}`);
  }
  assert.ok(fs.existsSync(path.join(env.dataDir, 'audit-checkpoints')), 'the checkpoint was written at stop');
});

test('a fresh data dir is made for the user: the database, keyring and checkpoints it creates are the user\'s', async () => {
  const env = reachable('hardening_fresh');
  const server = await serve(env, { ATIP_USER: user });
  try {
    ok(await client(() => server).call('GET', '/api/v1/ping'), 200, 'ping');
  } finally {
    await server.stop();
  }
  const st = fs.statSync(env.dataDir);
  assert.equal(st.uid, uid);
  assert.equal(st.mode & 0o777, 0o700);
  const names = fs.readdirSync(env.dataDir);
  assert.ok(names.includes('keyring'), names.join(' '));
  for (const name of names) assert.equal(fs.lstatSync(path.join(env.dataDir, name)).uid, uid, `${name} belongs to ${user}`);
});

test('a data dir owned by root, with ATIP_USER set: atip refuses to start and says how to chown it', () => {
  const env = reachable('hardening_root');
  fs.mkdirSync(env.dataDir, { mode: 0o700 });
  const err = refusedServe(env, { ATIP_USER: user });
  assert.ok(err.includes(`${env.dataDir} belongs to root, not to ${user}`), err);
  assert.ok(err.includes(`chown -R ${user}: ${env.dataDir}`), err);
  assert.deepEqual(fs.readdirSync(env.dataDir), [], 'nothing was made in it');
});

test('a file in the user\'s data dir that root owns: atip refuses to start and names it', () => {
  const env = reachable('hardening_file');
  demo(env); // as root
  fs.chownSync(env.dataDir, uid, gid); // the directory alone
  const err = refusedServe(env, { ATIP_USER: user });
  assert.match(err, new RegExp(`${env.dataDir}/(atip\\.db|keyring)[^ ]* belongs to root, not to ${user}`));
  assert.ok(err.includes(`chown -R ${user}: ${env.dataDir}`), err);
});

test('a data dir the user owns but cannot reach (a folder above it is root\'s, mode 0700): refused, saying so', () => {
  const env = environment('hardening_hidden'); // its folder stays 0700
  fs.mkdirSync(env.dataDir, { mode: 0o700 });
  giveToUser(env.dataDir);
  const err = refusedServe(env, { ATIP_USER: user });
  assert.ok(err.includes(`${user} cannot use ${env.dataDir} (Permission denied): every folder above it must let ${user} through`), err);
});

test('started as another user with ATIP_USER naming someone else: refused, saying only root can switch', () => {
  const env = reachable('hardening_nonroot');
  fs.mkdirSync(env.dataDir, { mode: 0o700 });
  giveToUser(env.dataDir);
  const err = refusedServe(env, { ATIP_USER: 'nobody' }, { uid, gid });
  assert.match(err, /ATIP_USER=nobody: only root can become another user/);
  assert.deepEqual(fs.readdirSync(env.dataDir), [], 'nothing was made in it');
});

test('an unknown ATIP_USER: refused', () => {
  const env = reachable('hardening_unknown');
  const err = refusedServe(env, { ATIP_USER: 'atip-no-such-user' });
  assert.match(err, /ATIP_USER: no user atip-no-such-user/);
});

test('as root without ATIP_USER atip warns; ATIP_SECCOMP=off leaves the filter off', async () => {
  const server = await serve(environment('hardening_off'), { ATIP_SECCOMP: 'off' });
  try {
    const s = status(`/proc/${server.proc.pid}/status`);
    assert.equal(s.Uid, ids(0));
    assert.equal(s.Seccomp, '0');
    ok(await client(() => server).call('GET', '/api/v1/ping'), 200, 'ping');
    assert.match(server.stderr(), /"level":"warn","msg":"serving as root: set ATIP_USER/);
    assert.match(server.stderr(), /seccomp filter off \(ATIP_SECCOMP\)/);
  } finally {
    await server.stop();
  }
});

/** The system calls a systemd filter set names, its nested @groups expanded. */
function systemdSet(name, seen = new Set()) {
  const r = spawnSync('systemd-analyze', ['syscall-filter', name], { encoding: 'utf8' });
  assert.equal(r.error, undefined, `systemd-analyze (Debian package systemd) expands the unit's filter: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  const calls = new Set();
  for (const line of r.stdout.split('\n').slice(1).map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    if (!line.startsWith('@')) calls.add(line);
    else if (!seen.has(line)) {
      seen.add(line);
      for (const c of systemdSet(line, seen)) calls.add(c);
    }
  }
  return calls;
}

test('deploy/atip.service lets through seccomp and every system call atip\'s own filter allows', () => {
  const unit = fs.readFileSync(path.join(repoRoot, 'deploy/atip.service'), 'utf8');
  const lets = new Set();
  for (const [, list] of unit.matchAll(/^SystemCallFilter=(.*)$/gm)) {
    assert.ok(!list.startsWith('~'), 'the unit\'s filter is an allow-list');
    for (const name of list.split(/\s+/).filter(Boolean))
      for (const c of name.startsWith('@') ? systemdSet(name) : [name]) lets.add(c);
  }
  assert.ok(lets.has('seccomp'), 'atip installs its filter with seccomp(2)');
  // The table in src/ops/ops_sandbox.c, and the calls it allows by argument.
  const src = fs.readFileSync(path.join(repoRoot, 'src/ops/ops_sandbox.c'), 'utf8');
  const table = src.slice(src.indexOf('allowed[] = {'), src.indexOf('forbidden[] = {'));
  const allowed = [...table.matchAll(/"([a-z0-9_]+)"/g)].map((m) => m[1]);
  assert.ok(allowed.length > 50 && allowed.includes('openat'), `the allow table was found: ${allowed.length} calls`);
  const refused = [...allowed, 'clone', 'socket', 'ioctl', 'prctl', 'tgkill'].filter((c) => !lets.has(c));
  assert.deepEqual(refused, [], 'calls atip needs that the unit would refuse');
});

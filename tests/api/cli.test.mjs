// The command line: usage errors exit 2 with one line naming the setting,
// --help for each command, version, data dir modes, demo and migrate.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { atip, dbArgs, engine, startServer, tempDir } from './server.mjs';

const oneLine = (s) => s.trim().split('\n').length === 1;

test('atip with no arguments is a usage error (2)', () => {
  const r = atip([]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: atip/);
});

test('atip bogus is a usage error (2)', () => {
  const r = atip(['bogus']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bogus/);
});

for (const listen of ['nonsense', '127.0.0.1:99999', '127.0.0.1:', 'nohost:80']) {
  test(`atip serve --listen ${listen}: exit 2, one line naming the setting`, () => {
    const r = atip(['serve', '--listen', listen]);
    assert.equal(r.status, 2, `stderr: ${r.stderr}`);
    assert.ok(oneLine(r.stderr), `one line on stderr, got:\n${r.stderr}`);
    assert.match(r.stderr, /ATIP_LISTEN|--listen/);
  });
}

test('ATIP_MAX_BODY=abc atip serve: exit 2, one line naming ATIP_MAX_BODY', () => {
  const r = atip(['serve'], { ATIP_MAX_BODY: 'abc' });
  assert.equal(r.status, 2);
  assert.ok(oneLine(r.stderr), `one line on stderr, got:\n${r.stderr}`);
  assert.match(r.stderr, /ATIP_MAX_BODY/);
});

test('an unknown flag is a usage error (2)', () => {
  const r = atip(['serve', '--no-such-flag', 'x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no-such-flag/);
});

for (const cmd of ['serve', 'init', 'migrate', 'demo', 'version']) {
  test(`atip ${cmd} --help exits 0 and describes it`, () => {
    const r = atip([cmd, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`usage: atip ${cmd}`));
  });
}

test('atip version prints the version', () => {
  const r = atip(['version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^atip \d+\.\d+\.\d+\S*\n$/);
});

test('atip serve on a missing data dir creates it with mode 0700', async () => {
  const dataDir = path.join(tempDir('atip-cli-'), 'new', 'data');
  fs.mkdirSync(path.dirname(dataDir));
  const server = await startServer({ dataDir });
  try {
    assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  } finally {
    await server.stop();
  }
});

if (engine === 'sqlite') {
  test('atip serve creates the SQLite files with mode 0600', async () => {
    const dataDir = path.join(tempDir('atip-cli-'), 'data');
    const server = await startServer({ dataDir });
    try {
      await fetch(`${server.url}/readyz`).then((r) => r.arrayBuffer());
      const files = fs.readdirSync(dataDir);
      assert.ok(files.includes('atip.db'), `atip.db in ${files}`);
      for (const f of files) {
        const st = fs.statSync(path.join(dataDir, f));
        assert.equal(st.mode & 0o777, st.isDirectory() ? 0o700 : 0o600, `mode of ${f}: ${(st.mode & 0o777).toString(8)}`);
      }
    } finally {
      await server.stop();
    }
  });
}

test('atip migrate exits 0', () => {
  const dir = path.join(tempDir('atip-cli-'), 'data');
  const r = atip(['migrate', ...dbArgs(dir)]);
  assert.equal(r.status, 0, r.stderr);
});

test('atip demo twice exits 0 both times', () => {
  const dir = path.join(tempDir('atip-cli-'), 'data');
  const first = atip(['demo', ...dbArgs(dir)]);
  assert.equal(first.status, 0, first.stderr);
  const second = atip(['demo', ...dbArgs(dir)]);
  assert.equal(second.status, 0, second.stderr);
});

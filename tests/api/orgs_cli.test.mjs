// `atip org add|list` and the demo organisations, on the test database
// (SQLite in a fresh data dir, or the shared PostgreSQL of ATIP_TEST_DB:
// names carry a random suffix so that runs never collide).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { atip, dbArgs, engine, tempDir, uuid } from './server.mjs';

/** A data dir (and, on PostgreSQL, the shared test database) for one test. */
function database() {
  return dbArgs(path.join(tempDir('atip-orgs-'), 'data'));
}

const unique = (name) => `${name} ${crypto.randomBytes(4).toString('hex')}`;

/** `atip org list` as rows of { id, country, type, status, name }. */
function listOrgs(db, filters = []) {
  const r = atip(['org', 'list', ...filters, ...db]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((line) => {
    const [id, country, type, status, ...rest] = line.split('\t');
    assert.equal(rest.length, 1, `five tab-separated columns: ${JSON.stringify(line)}`);
    return { id, country, type, status, name: rest[0] };
  });
}

test('atip org add prints the new id; atip org list shows the organisation', () => {
  const db = database();
  const name = unique('Maiti Safe Home');
  // Settings flags may come before, between or after the command's own.
  const r = atip(['org', 'add', ...db, '--name', name, '--type=shelter', '--country', 'np', '--subdivision', 'NP-P3']);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, uuid);
  assert.equal(r.stdout, `${id}\n`, 'only the id on stdout');
  const rows = listOrgs(db).filter((o) => o.id === id);
  assert.deepEqual(rows, [{ id, country: 'NP', type: 'shelter', status: 'active', name }]);
  assert.deepEqual(listOrgs(db, ['--country', 'NP', '--type', 'shelter']).filter((o) => o.id === id).length, 1);
  assert.deepEqual(listOrgs(db, ['--country', 'IN']).filter((o) => o.id === id).length, 0);
});

test('atip org add with a bad country exits 2, naming "country"', () => {
  const db = database();
  const r = atip(['org', 'add', '--name', unique('Nowhere Unit'), '--type', 'law_enforcement', '--country', 'XX', ...db]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^atip org add: country: /);
});

test('atip org add reports every invalid field, one line each (exit 2)', () => {
  const r = atip(['org', 'add', '--name', ' ', '--type', 'spies', '--country', 'NP', '--subdivision', 'IN-MH', ...database()]);
  assert.equal(r.status, 2, r.stderr);
  const fields = r.stderr.trim().split('\n').map((l) => l.match(/^atip org add: (\w+): \S/)?.[1]);
  assert.deepEqual(fields, ['name', 'type', 'subdivision']);
});

test('atip org add without the required flags names each missing field (exit 2)', () => {
  const r = atip(['org', 'add', ...database()]);
  assert.equal(r.status, 2, r.stderr);
  for (const field of ['name', 'type', 'country'])
    assert.match(r.stderr, new RegExp(`^atip org add: ${field}: is required$`, 'm'));
});

test('atip org add refuses a name the country already has (exit 1), not another country\'s', () => {
  const db = database();
  const name = unique('Shakti Shelter');
  assert.equal(atip(['org', 'add', '--name', name, '--type', 'shelter', '--country', 'NP', ...db]).status, 0);
  const again = atip(['org', 'add', '--name', name.toUpperCase(), '--type', 'shelter', '--country', 'NP', ...db]);
  assert.equal(again.status, 1, again.stderr);
  assert.match(again.stderr, /^atip org add: name: Nepal already has an organisation of this name\n$/);
  const india = atip(['org', 'add', '--name', name, '--type', 'shelter', '--country', 'IN', ...db]);
  assert.equal(india.status, 0, india.stderr);
  assert.equal(listOrgs(db).filter((o) => o.name === name).length, 2);
});

for (const [args, pattern] of [
  [['org'], /expected add or list/],
  [['org', 'remove'], /expected add or list/],
  [['org', 'add', '--name'], /--name: missing value/],
  [['org', 'add', '--nmae', 'x'], /unknown flag '--nmae'/],
  [['org', 'add', '--name', 'a', '--name', 'b'], /--name given twice/],
  [['org', 'add', 'stray'], /unexpected argument 'stray'/],
  [['org', 'list', '--type', 'police'], /--type/],
  [['org', 'list', '--status', 'closed'], /--status/],
  [['org', 'list', '--country', 'XX'], /--country/],
]) {
  test(`atip ${args.join(' ')}: usage error (2)`, () => {
    const r = atip([...args, ...database()]);
    assert.equal(r.status, 2, `stderr: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}

test('atip org --help describes add and list', () => {
  for (const args of [['org', '--help'], ['org', 'add', '--help']]) {
    const r = atip(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: atip org /);
    assert.match(r.stdout, /atip org add --name NAME --type TYPE --country CC/);
    assert.match(r.stdout, /atip org list/);
    assert.match(r.stdout, /--data-dir/);
  }
});

test('ATIP_ISO_CODES_DIR chooses the ISO 3166 data', () => {
  const iso = tempDir('atip-iso-');
  fs.writeFileSync(path.join(iso, 'iso_3166-1.json'), JSON.stringify({
    '3166-1': [{ alpha_2: 'NP', alpha_3: 'NPL', name: 'Nepal', numeric: '524' }],
  }));
  fs.writeFileSync(path.join(iso, 'iso_3166-2.json'), JSON.stringify({
    '3166-2': [{ code: 'NP-P3', name: 'Bagmati', type: 'Province' }],
  }));
  const env = { ATIP_ISO_CODES_DIR: iso };
  const db = database();
  const india = atip(['org', 'add', '--name', unique('Pune Home'), '--type', 'shelter', '--country', 'IN', ...db], env);
  assert.equal(india.status, 2, india.stderr);
  assert.match(india.stderr, /^atip org add: country: /);
  const gandaki = atip(['org', 'add', '--name', unique('Pokhara Home'), '--type', 'shelter', '--country', 'NP', '--subdivision', 'NP-P4', ...db], env);
  assert.equal(gandaki.status, 2, gandaki.stderr);
  assert.match(gandaki.stderr, /^atip org add: subdivision: /);
  const nepal = atip(['org', 'add', '--name', unique('Kathmandu Home'), '--type', 'shelter', '--country', 'NP', '--subdivision', 'NP-P3', ...db], env);
  assert.equal(nepal.status, 0, nepal.stderr);
  assert.match(nepal.stdout.trim(), uuid);

  const missing = atip(['org', 'list', ...db], { ATIP_ISO_CODES_DIR: path.join(iso, 'missing') });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ATIP_ISO_CODES_DIR/);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
});

const demoOrgs = [
  { name: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)', country: 'NP', type: 'law_enforcement' },
  { name: 'Demo Safe Home Shelter, Pune (fictional)', country: 'IN', type: 'shelter' },
  { name: 'Demo Rights Collective, Colombo (fictional)', country: 'LK', type: 'civil_society' },
  { name: 'Demo Border Force Unit (fictional)', country: 'BD', type: 'border_force' },
];

test('atip demo adds the fictional organisations once', () => {
  const db = database();
  const first = atip(['demo', ...db]);
  assert.equal(first.status, 0, first.stderr);
  const second = atip(['demo', ...db]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /already holds the demo data/);
  if (engine === 'sqlite') {
    // A fresh database: the first run wrote them and printed each.
    assert.match(first.stdout, /demo data written/);
    for (const o of demoOrgs) assert.ok(first.stdout.includes(`\t${o.country}\t${o.type}\tactive\t${o.name}\n`), first.stdout);
  }
  // (The PostgreSQL database is shared with other test files, which may
  // have run the demo first; either way each is there exactly once.)
  const rows = listOrgs(db);
  for (const o of demoOrgs) {
    const found = rows.filter((r) => r.name === o.name);
    assert.equal(found.length, 1, `${o.name} once in:\n${JSON.stringify(rows, null, 1)}`);
    assert.equal(found[0].country, o.country);
    assert.equal(found[0].type, o.type);
    assert.match(found[0].name, /fictional/);
  }
});

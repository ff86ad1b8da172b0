// `atip link` (src/cli/cli_link.c): offline linkage without a data
// directory or keyring.
//
//  1. FEBRL4 (tests/data/febrl, 5000 x 5000, one true pair per record) and
//     the South Asian cross-script registers (tests/data/linkage: Latin
//     against Devanagari, Bengali, Tamil and Sinhala, with siblings and
//     namesakes) linked with the built-in schema and threshold: precision,
//     recall and F1 above floors (a fresh random key each run moves them a
//     little; bench/linkage gives the figures).
//  2. The output: a_id,b_id,score, one-to-one, every score at least the
//     threshold; the same --key-file gives the same output.
//  3. --dedupe finds the duplicates within one file.
//  4. Bad rows are reported on stderr with their line and skipped; the
//     rest is linked.  Bad files, schemas and settings are refused with a
//     reason, and nothing of a record's values reaches stderr.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { atip, repoRoot, tempDir } from './server.mjs';

const febrl = (f) => path.join(repoRoot, 'tests/data/febrl', f);
const southAsia = (f) => path.join(repoRoot, 'tests/data/linkage', f);

function csv(text) {
  const [head, ...rows] = text.trim().split('\n');
  assert.equal(head, 'a_id,b_id,score');
  return rows.map((r) => {
    const [a, b, score] = r.split(',');
    assert.match(score, /^(0|1)\.\d{4}$/);
    return { a, b, score: Number(score) };
  });
}

function link(args) {
  const r = atip(['link', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return { pairs: csv(r.stdout), stderr: r.stderr, stdout: r.stdout };
}

function quality(pairs, isTrue, truths) {
  const tp = pairs.filter(isTrue).length;
  const precision = tp / pairs.length;
  const recall = tp / truths;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

function assertOneToOne(pairs) {
  assert.equal(new Set(pairs.map((p) => p.a)).size, pairs.length, 'each a_id once');
  assert.equal(new Set(pairs.map((p) => p.b)).size, pairs.length, 'each b_id once');
}

test('FEBRL4 with the built-in schema and threshold: F1 of at least 0.998', () => {
  const { pairs, stderr } = link([febrl('febrl_dataset4a.csv'), febrl('febrl_dataset4b.csv')]);
  const entity = (id) => id.match(/^rec-(\d+)-/)[1];
  const q = quality(pairs, (p) => entity(p.a) === entity(p.b), 5000);
  assert.ok(q.precision >= 0.999 && q.f1 >= 0.998, JSON.stringify(q));
  assertOneToOne(pairs);
  assert.match(stderr, /5000 and 5000 records, 0 rows skipped/);
  for (const p of pairs) assert.ok(p.score >= 0.68 && p.score <= 1, `score ${p.score}`);
});

test('Latin against native scripts with siblings and namesakes: F1 of at least 0.97', () => {
  const truth = new Set(fs.readFileSync(southAsia('southasia_truth.csv'), 'utf8').trim().split(/\r?\n/).slice(1));
  const { pairs } = link([southAsia('southasia_a.csv'), southAsia('southasia_b.csv')]);
  const q = quality(pairs, (p) => truth.has(`${p.a},${p.b}`), truth.size);
  assert.ok(q.f1 >= 0.97, JSON.stringify(q));
  assertOneToOne(pairs);
});

test('the same key file gives the same CLKs; a short one is refused', () => {
  const dir = tempDir('atip-link-');
  const key = path.join(dir, 'key');
  fs.writeFileSync(key, 'a secret both parties were given\n');
  const args = ['--key-file', key, febrl('febrl_dataset4a.csv'), febrl('febrl_dataset4b.csv')];
  assert.equal(link(args).stdout, link(args).stdout);
  fs.writeFileSync(key, 'short\n');
  const r = atip(['link', ...args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /at least 16 bytes/);
});

const header = 'id, given_name, surname, father_name, gender, date_of_birth, home_district, home_country, phone';

test('--dedupe finds the records of one file that are the same person', () => {
  const dir = tempDir('atip-link-');
  const file = path.join(dir, 'one.csv');
  fs.writeFileSync(file, [
    header,
    'r1, Laxmi, Tamang, Ram Bahadur Tamang, F, 2004-03-12, Sindhupalchok, NP, +977 981 2340471',
    'r2, लक्ष्मी, तामाङ, राम बहादुर तामाङ, F, 2004-12-03, सिन्धुपाल्चोक, NP, ९८१२३४०४७१',
    'r3, Sumi, Akter, Abdul Karim, F, 1999-01-05, Gaibandha, BD, 01712340000',
    'r4, Kumari, Perera, Sunil Perera, F, 1987-06-30, Kandy, LK, ',
  ].join('\n'));
  const { pairs } = link(['--dedupe', file]);
  assert.deepEqual(pairs.map((p) => [p.a, p.b]), [['r1', 'r2']]);
});

test('CSV as spreadsheets write it: a byte-order mark, CRLF, every cell quoted, a comma inside one, headers in capitals', () => {
  const dir = tempDir('atip-link-');
  const a = path.join(dir, 'a.csv');
  const b = path.join(dir, 'b.csv');
  const line = (cells) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',');
  const head = line(['id', 'given_name', 'surname', 'father_name', 'date_of_birth']);
  // Column names in another case are the same columns.
  fs.writeFileSync(a, `\ufeff${head.toUpperCase()}\r\n${line(['x,1', 'Kumari', 'Perera', 'Sunil Perera', '1987-06-30'])}\r\n`);
  fs.writeFileSync(b, `\ufeff${head}\r\n${line(['y"2', 'කුමාරි', 'පෙරේරා', 'සුනිල් පෙරේරා', '1987-06-30'])}\r\n`);
  const r = atip(['link', a, b]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^a_id,b_id,score\n"x,1","y""2",(0|1)\.\d{4}\n$/);
});

test('bad rows are reported with their line and skipped; the others are linked', () => {
  const dir = tempDir('atip-link-');
  const a = path.join(dir, 'a.csv');
  const b = path.join(dir, 'b.csv');
  fs.writeFileSync(a, [
    header,
    'a1, Sita, Gurung, Hari Gurung, F, 2001-02-03, Kaski, NP, ',
    'a2, Rita, only three',
    ', Gita, Rai, Man Rai, F, 1998-01-01, Ilam, NP, ',
    'a4, Bad\xff\xfeBytes, Rai, Man Rai, F, 1998-01-01, Ilam, NP, ',
  ].join('\n'), 'latin1');
  fs.writeFileSync(b, [header, 'b1, सीता, गुरुङ, हरि गुरुङ, F, 2001-02-03, कास्की, NP, '].join('\n'));
  const { pairs, stderr } = link([a, b]);
  assert.deepEqual(pairs.map((p) => [p.a, p.b]), [['a1', 'b1']]);
  assert.match(stderr, /a\.csv:3: 3 columns, the header has 9; row skipped/);
  assert.match(stderr, /a\.csv:4: no record id; row skipped/);
  assert.match(stderr, /a\.csv:5: column given_name is not UTF-8; row skipped/);
  assert.match(stderr, /3 rows skipped/);
  for (const secret of ['Sita', 'Gurung', 'Rita', 'Gita', 'सीता', '2001-02-03']) assert.ok(!stderr.includes(secret), `stderr holds no ${secret}`);
});

test('bad files, schemas and settings are refused with a reason', () => {
  const dir = tempDir('atip-link-');
  const write = (name, text) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
  const a = febrl('febrl_dataset4a.csv');
  const cases = [
    [[], 2, /usage: atip link/],
    [[a], 2, /usage: atip link/],
    [['--dedupe', a, a], 2, /usage: atip link/],
    [['--threshold', '1.5', a, a], 2, /--threshold must be a number above 0 and at most 1/],
    [['--threshold', 'x', a, a], 2, /--threshold must be/],
    [['--schema'], 2, /--schema needs a value/],
    [['--bogus', a, a], 2, /unexpected argument '--bogus'/],
    [[path.join(dir, 'missing.csv'), a], 1, /missing\.csv: No such file/],
    [[write('empty.csv', ''), a], 1, /empty\.csv: want a header/],
    [[write('cols.csv', 'id,colour\n1,red\n'), a], 1, /cols\.csv: no column the schema reads/],
    [['--schema', write('s1.json', '{"version": 3'), a, a], 1, /s1\.json:1:/],
    [['--schema', write('s2.json', '{"version": 2, "clkConfig": {"l": 1024}, "features": []}'), a, a], 1, /s2\.json: version: must be 3/],
    [['--schema', write('s3.json', '{"version": 3, "clkConfig": {"l": 100}, "features": []}'), a, a], 1, /clkConfig\.l: must be a multiple of 64/],
  ];
  for (const [args, status, message] of cases) {
    const r = atip(['link', ...args]);
    assert.equal(r.status, status, `atip link ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, `atip link ${args.join(' ')}`);
    assert.equal(r.stdout, '', 'nothing on stdout');
  }
});

test('--show-schema prints the built-in clkhash v3 schema with its extensions', () => {
  const r = atip(['link', '--show-schema']);
  assert.equal(r.status, 0);
  const s = JSON.parse(r.stdout);
  assert.equal(s.version, 3);
  assert.equal(s.clkConfig.l, 1024);
  const ids = s.features.map((f) => f.identifier);
  for (const id of ['name', 'given_name', 'father_name', 'date_of_birth', 'phone']) assert.ok(ids.includes(id), id);
  for (const f of s.features) assert.equal(f.hashing.hash.type, 'blakeHash');
});

// JSONTestSuite (github.com/nst/JSONTestSuite, MIT; tests/data/jsontestsuite)
// against the body decoder of POST /api/v1/ping.  Each file's exact bytes
// are sent as the body:
//   n_*  must answer 400 (malformed), whatever the bytes;
//   y_*  must not answer 400 or 5xx: 200 for an object ping accepts, else
//        422 (ping's only field is "echo"; the top level must be an object);
//        and wrapped as {"echo": <file>} they must answer 200, except the
//        deliberate refusals below (422);
//   i_*  any of 200/400/413/422, never 5xx, never a dropped connection.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertPingOk, assertProblem, repoRoot, startServer } from './server.mjs';

const dir = path.join(repoRoot, 'tests/data/jsontestsuite/test_parsing');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const ofKind = (k) => files.filter((f) => f.startsWith(`${k}_`));

// Valid JSON that atip refuses on purpose (422), each with its reason.
const refusals = {
  'y_object_duplicated_key.json': 'duplicate keys are refused by policy: which value wins is ambiguous',
  'y_object_duplicated_key_and_value.json': 'duplicate keys are refused by policy, even with equal values',
  'y_object_escaped_null_in_key.json': 'strings and keys must not contain U+0000 (C strings, PostgreSQL text)',
  'y_string_null_escape.json': 'strings must not contain U+0000 (C strings, PostgreSQL text)',
};

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function post(body) {
  const res = await fetch(`${server.url}/api/v1/ping`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text };
}

const read = (f) => fs.readFileSync(path.join(dir, f));

test('the suite is all there', () => {
  assert.equal(files.length, 318);
  for (const f of Object.keys(refusals)) assert.ok(files.includes(f), `${f} exists`);
});

describe('n_* (must be rejected): 400', () => {
  for (const f of ofKind('n')) {
    test(f, async () => {
      const res = await post(read(f));
      assert.equal(res.status, 400, `${f}: ${res.text}`);
      assertProblem(400, res.type, JSON.parse(res.text), f);
    });
  }
});

describe('y_* (must be accepted) as the whole body: 200 or 422, never 400', () => {
  for (const f of ofKind('y')) {
    test(f, async () => {
      const bytes = read(f);
      const res = await post(bytes);
      const doc = JSON.parse(bytes.toString('utf8'));
      const isObject = doc !== null && typeof doc === 'object' && !Array.isArray(doc);
      if (isObject && Object.keys(doc).length === 0) {
        assert.equal(res.status, 200, `${f}: an empty object is accepted: ${res.text}`);
      } else {
        assert.equal(res.status, 422, `${f}: valid JSON that ping refuses is 422, not 400: ${res.text}`);
        assertProblem(422, res.type, JSON.parse(res.text), f);
      }
    });
  }
});

describe('y_* wrapped as {"echo": <file>}: 200 unless deliberately refused', () => {
  for (const f of ofKind('y')) {
    const reason = refusals[f];
    test(reason ? `${f} → 422 (${reason})` : f, async () => {
      const res = await post(Buffer.concat([Buffer.from('{"echo": '), read(f), Buffer.from('}')]));
      if (reason) {
        assert.equal(res.status, 422, `${f}: ${res.text}`);
        assertProblem(422, res.type, JSON.parse(res.text), f);
      } else {
        assert.equal(res.status, 200, `${f}: ${res.text}`);
        assert.equal(JSON.parse(res.text).status, 'ok');
      }
    });
  }
});

describe('i_* (implementation-defined): 200/400/413/422, never 5xx or a hang-up', () => {
  for (const f of ofKind('i')) {
    for (const [how, body] of [['as the body', read(f)], ['wrapped', Buffer.concat([Buffer.from('{"echo": '), read(f), Buffer.from('}')])]]) {
      test(`${f} ${how}`, async () => {
        const res = await post(body);
        assert.ok([200, 400, 413, 422].includes(res.status), `${f}: ${res.status} ${res.text}`);
        if (res.status !== 200) assertProblem(res.status, res.type, JSON.parse(res.text), f);
      });
    }
  }
});

test('the server still answers ping afterwards', async () => {
  await assertPingOk(server.url);
});

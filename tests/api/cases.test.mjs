// Runs the data-driven cases in tests/api/cases/*.json against one server.
// A case: { name, raw? | method, path, headers?, body?,
//           expect: { status, headers?: {name: substring}, json?: subset,
//                     problem?: true } }
// raw is sent verbatim (a string, or an array of strings and
// {repeat, times}); body is sent as is when a string, else as JSON.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertPingOk, assertProblem, rawBytes, rawRequest, startServer } from './server.mjs';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/** Asserts that actual contains expected: objects by key, arrays element-wise. */
function assertSubset(actual, expected, where = 'body') {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: array length`);
    expected.forEach((e, i) => assertSubset(actual[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertSubset(actual[k], v, `${where}.${k}`);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

async function send(server, c) {
  if (c.raw !== undefined) {
    const res = await rawRequest(server.port, rawBytes(c.raw));
    return { status: res.status, headers: res.headers, text: res.text };
  }
  const headers = { ...(c.headers || {}) };
  let body = c.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const res = await fetch(server.url + c.path, { method: c.method || 'GET', headers, body });
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

let server;
before(async () => { server = await startServer({ args: ['--max-body', '65536'] }); });
after(async () => { await server.stop(); });

for (const file of files) {
  const cases = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  describe(file, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const res = await send(server, c);
        const label = `${c.name}: ${res.text.slice(0, 300)}`;
        assert.equal(res.status, c.expect.status, label);
        for (const [name, sub] of Object.entries(c.expect.headers || {}))
          assert.ok((res.headers[name.toLowerCase()] || '').includes(sub),
            `${c.name}: header ${name} should contain ${JSON.stringify(sub)}, got ${JSON.stringify(res.headers[name.toLowerCase()])}`);
        let json;
        if (c.expect.problem || c.expect.json) {
          assert.doesNotThrow(() => { json = JSON.parse(res.text); }, `${label}: body is not JSON`);
        }
        if (c.expect.problem) assertProblem(c.expect.status, res.headers['content-type'], json, c.name);
        if (c.expect.json) assertSubset(json, c.expect.json);
      });
    }
  });
}

test('after the malformed cases the server still answers GET /api/v1/ping', async () => {
  await assertPingOk(server.url);
});

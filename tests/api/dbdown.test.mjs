// The database goes away and comes back: /readyz says 503 (problem+json,
// Retry-After) while PostgreSQL is stopped, 200 again within ~10 s of its
// restart without restarting atip; ping answers 200 throughout.
//
// Runs only when the caller gives the commands that stop and start the
// cluster of ATIP_TEST_DB:
//   ATIP_TEST_PG_STOP='...' ATIP_TEST_PG_START='...' ATIP_TEST_DB=postgresql://...
// Otherwise this file registers no test at all.  Stopping the cluster
// disturbs every other test file using it, so run the suite with
// `node --test --test-concurrency=1 tests/api/` (or this file on its own).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { assertPingOk, assertProblem, startServer, testDb } from './server.mjs';

const stopCmd = process.env.ATIP_TEST_PG_STOP;
const startCmd = process.env.ATIP_TEST_PG_START;

function sh(cmd) {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `${cmd} failed: ${r.stderr}${r.error || ''}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function readyz(url) {
  const res = await fetch(`${url}/readyz`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

if (stopCmd && startCmd) {
  test('PostgreSQL down: /readyz 503 with Retry-After; back up: 200 again by itself', async () => {
    assert.match(testDb, /^postgres(ql)?:\/\//, 'ATIP_TEST_DB must name the PostgreSQL database');
    const server = await startServer();
    let pgUp = true;
    try {
      assert.equal((await readyz(server.url)).status, 200, 'ready before the database stops');

      sh(stopCmd);
      pgUp = false;
      for (let i = 0; i < 3; i++) {
        const r = await readyz(server.url);
        assert.equal(r.status, 503, `readyz with the database down: ${r.text}`);
        assertProblem(503, r.headers.get('content-type'), JSON.parse(r.text), 'readyz 503');
        assert.match(r.headers.get('retry-after') || '', /^\d+$/, 'Retry-After in seconds');
        await assertPingOk(server.url);
        await sleep(300);
      }

      sh(startCmd);
      pgUp = true;
      const deadline = Date.now() + 10000;
      let last;
      for (;;) {
        last = await readyz(server.url);
        if (last.status === 200) break;
        assert.equal(last.status, 503, `readyz while reconnecting: ${last.status} ${last.text}`);
        assert.ok(Date.now() < deadline, `readyz still ${last.status} 10 s after the database restarted: ${last.text}`);
        await assertPingOk(server.url);
        await sleep(250);
      }
      assert.equal(JSON.parse(last.text).status, 'ready');
      await assertPingOk(server.url);
    } finally {
      if (!pgUp) sh(startCmd);
      await server.stop();
    }
  });
}

// tests/crash/run's engine: write load on a real `atip serve`, atip killed
// with SIGKILL in the middle of it and started again (and, on PostgreSQL,
// the database stopped and started under the load); after each, every
// write atip answered 2xx is read back through the API and compared with
// what was sent, and `atip audit verify` must pass.
//
//   node tests/crash/crash.mjs [--short]
//
// Engine: SQLite unless ATIP_TEST_DB names a PostgreSQL database (a fresh
// database is made next to it); ATIP_CRASH_PG_STOP and ATIP_CRASH_PG_START
// are the shell commands that stop and start that cluster (PostgreSQL
// only).  ATIP_TEST_BIN: the binary (default ./atip).
//
// Writes, by CLIENTS concurrent clients, each with a Bearer token of its
// own (case workers of Pune, investigators and the org admin of
// Kathmandu): a case, then a victim in it, then an event of the case
// (three requests; not the org admin, whose role may not write a
// victim's data); a good practice; a meeting with a three-item agenda; a
// comment on one of the client's practices or meetings.  Each client
// sends one request at a time, so at most one write per client is in
// flight when atip dies: that one may or may not have landed, every
// acknowledged one must have.
//
// What fails the run (exit 1), each printed:
//   - lost: a write answered 2xx that is not there afterwards, or not as
//     sent (a field differs);
//   - half-written: a case with fewer persons or events than were
//     acknowledged, or more than were sent; a meeting whose agenda is not
//     the three items sent;
//   - `atip audit verify` failing after a kill or at the end;
//   - a 5xx other than 503 at any time, a 503 outside a database outage,
//     any other answer than 2xx to these well-formed writes, or no answer
//     at all (connection refused or reset) outside a kill;
//   - PostgreSQL stopped: no request answered 503, or requests still
//     failing 10 s after the database is back (atip is not restarted).
// Last line: a JSON summary for tests/crash/run.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  atip, auditVerify, demo, engine, environment, serve, sql, withTimeout,
} from '../api/server.mjs';

const short = process.argv.includes('--short');
const CLIENTS = short ? 6 : 10;
// Acknowledged in each round, at least (within ROUND_CAP ms): enough that
// each organisation's audit chain outgrows a page (1 000 entries) of
// atip audit verify's walk, even on a slow host.
const MIN_WRITES = short ? 1500 : 2500;
const ROUND_CAP = short ? 12000 : 20000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (lo, hi) => lo + Math.random() * (hi - lo);
const pick = (a) => a[Math.floor(Math.random() * a.length)];

// The plan: what happens in each round of load.
const plan = engine === 'postgresql'
  ? (short ? ['kill', 'dbstop'] : ['kill', 'dbstop', 'kill', 'dbstop', 'kill'])
  : (short ? ['kill', 'kill'] : ['kill', 'kill', 'kill', 'kill', 'kill']);
const pgStop = process.env.ATIP_CRASH_PG_STOP;
const pgStart = process.env.ATIP_CRASH_PG_START;
if (engine === 'postgresql' && (!pgStop || !pgStart)) {
  console.error('crash: ATIP_CRASH_PG_STOP and ATIP_CRASH_PG_START must name the commands that stop and start the cluster');
  process.exit(2);
}

const failures = [];
const fail = (msg) => { failures.push(msg); console.log(`FAIL ${msg}`); };
const log = (msg) => console.log(`[${engine}] ${msg}`);

// ---- HTTP ----------------------------------------------------------------------

let server = null;	// the running atip (startServer's object)
let agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request: { status, json, text } or { error } (no answer: refused,
 * reset, timed out).  Recorded in the request log for the phase checks.
 */
const requests = [];	// { start, end, status|undefined, error, method, path }
function request(method, path, { bearer, body } = {}) {
  const start = Date.now();
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const srv = server;
  return new Promise((resolve) => {
    const done = (r) => {
      requests.push({
        start, end: Date.now(), status: r.status, error: r.error, method, path,
        text: r.status >= 300 && r.status !== 503 ? r.text : undefined,
      });
      resolve(r);
    };
    if (!srv) return done({ error: 'no server' });
    const req = http.request({
      host: '127.0.0.1', port: srv.port, method, path, agent,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      },
      timeout: 15000,
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        done({ status: res.statusCode, json, text, rid: res.headers['x-request-id'] });
      });
      res.on('error', (e) => done({ error: e.code || e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => done({ error: e.code || e.message }));
    req.end(payload);
  });
}

// ---- what was acknowledged -------------------------------------------------------

let acked = 0;	// writes answered 2xx
const strays = [];	// 2xx answers to a POST without an id: { rid, srv }
const cases = new Map();	// id -> { bearer, ref, persons: [{id, first_name, gender}], events: [{id, type, district}], sentPersons, sentEvents }
const practices = new Map();	// id -> { bearer, title, summary, body }
const meetings = new Map();	// id -> { bearer, title, agenda }
const comments = new Map();	// id -> { bearer, kind, record, body }

const districts = ['NP-P3-kathmandu', 'NP-P1-morang', 'IN-MH-mumbai-city', 'IN-WB-kolkata', 'NP-P5-rupandehi'];
const genders = ['Feminine', 'Masculine', 'NonSpecifiedUnknown'];
const words = ['shelter', 'referral', 'repatriation', 'hotline', 'border', 'survivor', 'livelihood', 'counselling'];

class Client {
  constructor(n, bearer, cases) {
    this.n = n;
    this.bearer = bearer;
    this.cases = cases;	// may open cases (case workers, investigators)
    this.seq = 0;
    this.own = [];	// [kind, id] of this client's practices and meetings
  }

  tag() { return `CRASH-${this.n}-${++this.seq}`; }

  // One write: true when answered 2xx (then acknowledged), false otherwise.
  async post(path, body) {
    const r = await request('POST', path, { bearer: this.bearer, body });
    if (r.status >= 200 && r.status < 300) {
      acked++;
      if (typeof r.json?.id !== 'string') {	// acknowledged, but as what?
        fail(`POST ${path} answered ${r.status} without an id (request ${r.rid}): ${(r.text || '').slice(0, 300)}`);
        strays.push({ rid: r.rid, srv: server });
        return null;
      }
      return r.json;
    }
    if (r.error || r.status === 503) await sleep(50);	// atip or its database is gone
    return null;
  }

  async newCase() {
    const ref = `${this.tag()} (fictional)`;
    const c = await this.post('/api/v1/cases', { reference: ref });
    if (!c) return;
    const rec = { bearer: this.bearer, ref, persons: [], events: [], sentPersons: 0, sentEvents: 0 };
    cases.set(c.id, rec);
    const person = { role: 'victim', gender: pick(genders), first_name: `Victim ${ref}` };
    rec.sentPersons++;
    const p = await this.post(`/api/v1/cases/${c.id}/persons`, person);
    if (!p) return;
    rec.persons.push({ id: p.id, first_name: person.first_name, gender: person.gender });
    const event = { type: 'Recruitment', district: pick(districts), date: '2024-01-10', person_id: p.id };
    rec.sentEvents++;
    const e = await this.post(`/api/v1/cases/${c.id}/events`, event);
    if (!e) return;
    rec.events.push({ id: e.id, type: event.type, district: event.district });
  }

  async newPractice() {
    const t = this.tag();
    const body = {
      title: `Practice ${t} (fictional)`,
      summary: `A fictional practice about ${pick(words)}.`,
      theme: 'protection',
      body: `${pick(words)} ${pick(words)} ${t}`,
      level: 'platform',
      tlp: 'GREEN',
    };
    const p = await this.post('/api/v1/practices', body);
    if (!p) return;
    practices.set(p.id, { bearer: this.bearer, title: body.title, summary: body.summary, body: body.body });
    this.own.push(['practice', p.id]);
  }

  async newMeeting() {
    const t = this.tag();
    const body = {
      title: `Meeting ${t} (fictional)`,
      starts_at: '2031-05-01T08:00:00Z',
      agenda: [`Opening ${t}`, `Cases ${t}`, `Any other business ${t}`],
    };
    const m = await this.post('/api/v1/meetings', body);
    if (!m) return;
    meetings.set(m.id, { bearer: this.bearer, title: body.title, agenda: body.agenda });
    this.own.push(['meeting', m.id]);
  }

  async newComment() {
    if (this.own.length === 0) return this.newPractice();
    const [kind, record] = pick(this.own);
    const body = `Comment ${this.tag()} (fictional)`;
    const c = await this.post('/api/v1/threads', { record_kind: kind, record_id: record, body });
    if (!c) return;
    comments.set(c.id, { bearer: this.bearer, kind, record, body });
  }

  async run(stop) {
    while (!stop.stopped) {
      const x = Math.random();
      if (x < 0.35 && this.cases) await this.newCase();
      else if (x < 0.55) await this.newPractice();
      else if (x < 0.75) await this.newMeeting();
      else await this.newComment();
    }
  }
}

// ---- reading back -------------------------------------------------------------------

/** Runs fn over items, at most n at a time. */
async function eachLimit(items, n, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

/** GET, retried while atip answers 503 or not at all (it may still be coming up). */
async function get(path, bearer) {
  for (let i = 0; ; i++) {
    const r = await request('GET', path, { bearer });
    if ((r.status !== 503 && !r.error) || i >= 20) return r;
    await sleep(250);
  }
}

/**
 * Reads every acknowledged write back; returns how many were found as
 * sent.  Each problem is a failure.
 */
async function verify(when) {
  let found = 0;
  const problems = [];
  const bad = (msg) => problems.push(`${when}: ${msg}`);

  await eachLimit([...cases], 16, async ([id, c]) => {
    const r = await get(`/api/v1/cases/${id}?personal=true`, c.bearer);
    if (r.status !== 200) return bad(`case ${id} (${c.ref}), acknowledged: GET answered ${r.status ?? r.error}`);
    found++;
    const j = r.json;
    if (j.reference !== c.ref) bad(`case ${id}: reference ${JSON.stringify(j.reference)}, sent ${JSON.stringify(c.ref)}`);
    const persons = j.persons || [];
    const events = j.events || [];
    if (persons.length < c.persons.length || persons.length > c.sentPersons)
      bad(`case ${id} (${c.ref}) half-written: ${persons.length} persons, ${c.persons.length} acknowledged, ${c.sentPersons} sent`);
    if (events.length < c.events.length || events.length > c.sentEvents)
      bad(`case ${id} (${c.ref}) half-written: ${events.length} events, ${c.events.length} acknowledged, ${c.sentEvents} sent`);
    for (const p of c.persons) {
      const q = persons.find((x) => x.id === p.id);
      if (!q) bad(`case ${id}: acknowledged person ${p.id} missing`);
      else if (q.first_name !== p.first_name || q.gender !== p.gender || q.kind !== 'victim')
        bad(`case ${id}: person ${p.id} is ${JSON.stringify(q)}, sent ${JSON.stringify(p)}`);
      else found++;
    }
    for (const e of c.events) {
      const q = events.find((x) => x.id === e.id);
      if (!q) bad(`case ${id}: acknowledged event ${e.id} missing`);
      else if (q.type !== e.type || q.district !== e.district)
        bad(`case ${id}: event ${e.id} is ${JSON.stringify(q)}, sent ${JSON.stringify(e)}`);
      else found++;
    }
  });

  await eachLimit([...practices], 16, async ([id, p]) => {
    const r = await get(`/api/v1/practices/${id}`, p.bearer);
    if (r.status !== 200) return bad(`practice ${id} (${p.title}), acknowledged: GET answered ${r.status ?? r.error}`);
    const j = r.json;
    if (j.title !== p.title || j.summary !== p.summary || j.body !== p.body)
      return bad(`practice ${id}: ${JSON.stringify([j.title, j.summary, j.body])}, sent ${JSON.stringify([p.title, p.summary, p.body])}`);
    found++;
  });

  await eachLimit([...meetings], 16, async ([id, m]) => {
    const r = await get(`/api/v1/meetings/${id}`, m.bearer);
    if (r.status !== 200) return bad(`meeting ${id} (${m.title}), acknowledged: GET answered ${r.status ?? r.error}`);
    const j = r.json;
    if (j.title !== m.title) return bad(`meeting ${id}: title ${JSON.stringify(j.title)}, sent ${JSON.stringify(m.title)}`);
    if (JSON.stringify(j.agenda) !== JSON.stringify(m.agenda))
      return bad(`meeting ${id} (${m.title}) half-written: agenda ${JSON.stringify(j.agenda)}, sent ${JSON.stringify(m.agenda)}`);
    found++;
  });

  // Comments: each record's thread, every page.
  const byRecord = new Map();
  for (const [id, c] of comments) {
    const k = `${c.kind}/${c.record}`;
    if (!byRecord.has(k)) byRecord.set(k, { kind: c.kind, record: c.record, bearer: c.bearer, ids: [] });
    byRecord.get(k).ids.push(id);
  }
  await eachLimit([...byRecord.values()], 16, async (t) => {
    const seen = new Map();
    let cursor = '';
    for (;;) {
      const r = await get(`/api/v1/threads?record_kind=${t.kind}&record_id=${t.record}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, t.bearer);
      if (r.status !== 200) return bad(`thread of ${t.kind} ${t.record}: GET answered ${r.status ?? r.error}`);
      for (const x of r.json.items) seen.set(x.id, x);
      if (!r.json.next_cursor) break;
      cursor = r.json.next_cursor;
    }
    for (const id of t.ids) {
      const x = seen.get(id);
      if (!x) bad(`comment ${id} on ${t.kind} ${t.record}, acknowledged: not in the thread`);
      else if (x.body !== comments.get(id).body) bad(`comment ${id}: body ${JSON.stringify(x.body)}, sent ${JSON.stringify(comments.get(id).body)}`);
      else found++;
    }
  });

  for (const p of problems.slice(0, 20)) fail(p);
  if (problems.length > 20) fail(`${when}: ... and ${problems.length - 20} more`);
  return { found, problems: problems.length };
}

// ---- the phases -----------------------------------------------------------------

const windows = { kill: [], down: [] };	// [from, to] times: no answer allowed / 503 allowed

function sh(cmd) {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}${r.error || ''}`);
}

/**
 * The audit table read directly, next to `atip audit verify`: each chain
 * numbered 1..n without a gap, each entry linked to the one before.  Not
 * a verdict (hashes and signatures are atip audit verify's), a witness:
 * when verify complains and this does not, look at verify.
 */
function auditTable(env) {
  const chains = sql(env, 'SELECT chain, count(*), min(seq), max(seq) FROM atip_audit GROUP BY chain');
  const gaps = chains.filter(([, n, lo, hi]) => Number(lo) !== 1 || Number(hi) !== Number(n));
  const [[broken]] = sql(env, 'SELECT count(*) FROM atip_audit a JOIN atip_audit b' +
    ' ON b.chain = a.chain AND b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash');
  const entries = chains.reduce((t, c) => t + Number(c[1]), 0);
  return gaps.length || Number(broken)
    ? `${gaps.length} chains with gaps (${gaps.map((g) => g.join(' ')).join('; ')}), ${broken} broken links`
    : `${entries} entries in ${chains.length} chains, numbered without gaps and linked`;
}

let keptAudit = '';
function audit(env, when) {
  try {
    const a = auditVerify(env);
    log(`${when}: atip audit verify: ok, ${a.entries} entries in ${a.chains} chains`);
    return true;
  } catch (e) {
    fail(`${when}: atip audit verify: ${e.message.split('\n').slice(0, 3).join(' ')}`);
    log(`${when}: the audit table read directly: ${auditTable(env)}`);
    if (!keptAudit) {	// the evidence, for a bug report
      keptAudit = fs.mkdtempSync(path.join(os.tmpdir(), 'atip-crash-audit-'));
      fs.cpSync(env.dataDir, path.join(keptAudit, 'data'), { recursive: true });
      if (env.db) spawnSync('sh', ['-c', `pg_dump -d "$0" >"$1"`, env.db, path.join(keptAudit, 'db.sql')]);
      console.log(`kept the data dir${env.db ? ' and a dump of the database' : ''} in ${keptAudit}`);
    }
    return false;
  }
}

async function startAtip(env) {
  server = await serve(env, { ATIP_LOG: 'info', ATIP_SIGNIN_PER_IP: '0' });
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
}

async function main() {
  const t0 = Date.now();
  const env = environment('crash');
  demo(env);
  const emails = ['pune.caseworker@demo.invalid', 'ktm.investigator@demo.invalid', 'ktm.admin@demo.invalid'];
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const r = atip(['token', 'create', '--email', emails[i % emails.length], '--name', `crash client ${i}`, ...env.args]);
    if (r.status !== 0) throw new Error(`atip token create: ${r.stderr}`);
    clients.push(new Client(i, r.stdout.trim().split('\n').pop(), !emails[i % emails.length].startsWith('ktm.admin')));
  }
  await startAtip(env);
  log(`atip serving on ${server.url}; ${CLIENTS} clients; plan: ${plan.join(', ')}`);

  let recoveries = [];
  let verified = { found: 0 };
  let auditOk = true;
  for (const [round, what] of plan.entries()) {
    const stop = { stopped: false };
    const running = clients.map((c) => c.run(stop));
    // A while of load, and MIN_WRITES writes.
    const began = Date.now();
    const roundStart = acked;
    await sleep(rand(short ? 1500 : 2500, short ? 3000 : 6000));
    while (acked - roundStart < MIN_WRITES && Date.now() - began < ROUND_CAP) await sleep(100);
    const before = acked;
    if (what === 'kill') {
      const from = Date.now();
      server.proc.kill('SIGKILL');
      const exit = await withTimeout(server.exited, 10000, 'atip did not die of SIGKILL');
      if (exit.signal !== 'SIGKILL') fail(`round ${round + 1}: atip ended with ${JSON.stringify(exit)} instead of SIGKILL`);
      server = null;
      await sleep(300);	// clients keep trying: refused
      stop.stopped = true;
      await Promise.all(running);
      log(`round ${round + 1}: killed atip with SIGKILL after ${before} acknowledged writes (${acked - before} more during the kill)`);
      auditOk = audit(env, `round ${round + 1}, after the kill`) && auditOk;
      await startAtip(env);
      windows.kill.push([from, Date.now()]);
    } else {
      const from = Date.now();
      sh(pgStop);
      const stopped = Date.now();
      await sleep(short ? 1500 : 3000);
      const n503 = requests.filter((r) => r.start >= stopped && r.status === 503).length;
      const started = Date.now();
      sh(pgStart);
      const back = Date.now();
      // Back once a write started after the restart is answered 2xx.
      let recovered = null;
      while (Date.now() - back < 15000) {
        const ok = requests.find((r) => r.start >= back && r.method === 'POST' && r.status >= 200 && r.status < 300);
        if (ok) { recovered = ok.end - back; break; }
        await sleep(50);
      }
      windows.down.push([from, back + (recovered ?? 15000) + 1000]);
      await sleep(1000);
      stop.stopped = true;
      await Promise.all(running);
      log(`round ${round + 1}: PostgreSQL stopped ${started - stopped} ms under load: ${n503} requests answered 503; ` +
        `started again: writes succeed ${recovered === null ? 'NOT within 15 s' : `after ${recovered} ms`} (atip not restarted)`);
      if (n503 === 0) fail(`round ${round + 1}: no request answered 503 while PostgreSQL was down`);
      if (recovered === null || recovered > 10000)
        fail(`round ${round + 1}: writes still failing ${recovered === null ? '15 s' : `${recovered} ms`} after PostgreSQL came back`);
      if (recovered !== null) recoveries.push(recovered);
    }
    verified = await verify(`round ${round + 1}`);
    log(`round ${round + 1}: ${acked} writes acknowledged so far, ${verified.found} found as sent`);
  }

  // The end: a last verification, a clean stop, the audit trail.
  verified = await verify('end');
  await server.stop().catch((e) => fail(`atip did not stop cleanly: ${e.message.split('\n')[0]}`));
  server = null;
  agent.destroy();
  auditOk = audit(env, 'end') && auditOk;

  // What atip logged of the strange answers.
  for (const { rid, srv } of strays) {
    const lines = (srv?.stderr() || '').split('\n').filter((l) => rid && l.includes(rid));
    fail(`atip's log of request ${rid}: ${lines.join(' | ') || '(nothing)'}`);
  }

  // The answers, against the windows.
  const inside = (r, ws) => ws.some(([a, b]) => r.end >= a && r.start <= b);
  const tally = {};
  const unexpected = [];
  for (const r of requests) {
    const k = r.error ? `no answer (${r.error})` : String(r.status);
    tally[k] = (tally[k] || 0) + 1;
    if (r.error && !inside(r, windows.kill))
      unexpected.push(`${r.method} ${r.path}: no answer (${r.error}) outside a kill`);
    else if (r.status === 503 && !inside(r, windows.down) && !inside(r, windows.kill))
      unexpected.push(`${r.method} ${r.path}: 503 outside a database outage`);
    else if (r.status >= 300 && r.status !== 503)
      unexpected.push(`${r.method} ${r.path}: ${r.status} ${(r.text || '').slice(0, 200)}`);
  }
  for (const u of unexpected.slice(0, 10)) fail(u);
  if (unexpected.length > 10) fail(`... and ${unexpected.length - 10} more unexpected answers`);
  const lost = acked - verified.found;
  const kills = plan.filter((x) => x === 'kill').length;
  const restarts = plan.length - kills;
  log(`answers: ${Object.entries(tally).sort().map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  log(`${kills} kills${restarts ? `, ${restarts} database restarts` : ''}; ${acked} writes acknowledged ` +
    `(${cases.size} cases, ${practices.size} practices, ${meetings.size} meetings, ${comments.size} comments), ` +
    `${verified.found} found, ${lost} lost, audit ${auditOk ? 'ok' : 'FAILED'}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({
    engine, acked, found: verified.found, lost, audit: auditOk, kills, restarts, recoveries,
    failures: failures.length,
  }));
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  if (server) server.proc.kill('SIGKILL');
  console.log(JSON.stringify({ engine, acked, found: 0, lost: acked, audit: false, failures: failures.length + 1 }));
  process.exit(1);
});

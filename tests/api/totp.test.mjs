// The second factor over the API, against a real `atip serve` whose data dir
// was filled by `atip demo` (every demo account enrolled) and `atip user
// add` (accounts without a second factor):
//
//  - enrolment forced on platform admins, org admins, case workers and
//    investigators: until they enrol, every route but GET /api/v1/me,
//    DELETE /api/v1/session and POST /api/v1/me/totp[/confirm] answers 403;
//    analysts and viewers sign in with their password alone;
//  - POST /api/v1/me/totp (secret, otpauth URI, QR code as SVG, decoded
//    here) and POST /api/v1/me/totp/confirm (recovery codes), 409 once
//    enrolled, 422 for a wrong code;
//  - sign-in with a code: a missing code is not a failed attempt, a wrong
//    one is; each time step's code is taken once and never an older one;
//    recovery codes work once, in any case, with or without the dash;
//  - nothing secret in the log, the database or the audit trail.
//
// TOTP codes are computed here (server.mjs, RFC 6238).  The data dir and
// database are this file's own: on PostgreSQL a private database is made
// next to ATIP_TEST_DB with psql and dropped at the end.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem, session } from './client.mjs';
import {
  atip, auditVerify, base32Decode, codes, demo, dropDatabases, environment, nextTotp, secrets, serve, sql, totp, TOTP_PERIOD_MS, totpStep, uuid,
} from './server.mjs';

const base32Secret = /^[A-Z2-7]{32}$/;
const recoveryFormat = /^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/;
const wrongDetail = 'The email, the password or the code is wrong.';
const enrolFirst = /^Enrol a second factor first/;

// ---- HTTP (client.mjs) -----------------------------------------------------
//
// secrets and codes (server.mjs): looked for in the log at the end.

let server;
const { call, signInRequest, signInPlain, signInWithCode } = client(() => server);

/** A six-digit code that is not the account's code for any step near now. */
function wrongCode(secret) {
  const near = [-2, -1, 0, 1, 2].map((d) => totp(secret, Date.now() + d * TOTP_PERIOD_MS));
  for (let n = 0; ; n++) {
    const c = String((Number(near[2]) + 500000 + n * 7919) % 1000000).padStart(6, '0');
    if (!near.includes(c)) return c;
  }
}

/** A 401 for a right password without a code: names "totp", not a failure. */
function assertCodeMissing(res, what) {
  const p = problem(res, 401, what);
  assert.match(p.detail, /second factor/, `${what}: the detail says a second factor is needed: ${p.detail}`);
  assert.ok(Array.isArray(p.errors) && p.errors.length === 1, `${what}: one error: ${res.text}`);
  assert.equal(p.errors[0].field, 'totp', `${what}: ${res.text}`);
  assert.equal(typeof p.errors[0].message, 'string', `${what}: ${res.text}`);
  return p;
}

/** The usual 401 for a wrong email, password or code: no "errors". */
function assertWrong(res, what) {
  const p = problem(res, 401, what);
  assert.equal(p.detail, wrongDetail, what);
  assert.equal(p.errors, undefined, `${what}: nothing says which part was wrong: ${res.text}`);
  return p;
}

// ---- QR codes: the modules of the SVG, decoded -----------------------------

// Error correction level M (what atip asks libqrencode for), versions 1-40:
// codewords of error correction per block, and the number of blocks.
const ECC_PER_BLOCK_M = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28];
const BLOCKS_M = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** The dark modules of atip's QR SVG: { size, quiet, dark: Set("x,y") } (quiet-zone coordinates). */
function svgModules(svg) {
  const view = svg.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) (\d+)"[^>]*>/);
  assert.ok(view, `an <svg> with the SVG namespace and a viewBox: ${svg.slice(0, 200)}`);
  assert.equal(view[1], view[2], 'a square viewBox');
  const d = svg.match(/<path [^>]*d="([^"]*)"/);
  assert.ok(d, 'a <path> with the modules');
  const dark = new Set();
  const re = /M(\d+) (\d+)h1v1h-1z/g;
  let m;
  let consumed = 0;
  while ((m = re.exec(d[1]))) {
    assert.equal(m.index, consumed, `the path is made of unit squares only, at ${m.index}`);
    consumed = re.lastIndex;
    dark.add(`${m[1]},${m[2]}`);
  }
  assert.equal(consumed, d[1].length, 'nothing else in the path');
  const xs = [...dark].map((k) => Number(k.split(',')[0]));
  const quiet = Math.min(...xs);
  return { view: Number(view[1]), quiet, dark };
}

/** Decodes a QR code (any mask, level M, numeric, alphanumeric and byte segments) from its modules: the text. */
function decodeQr({ view, quiet, dark }) {
  const size = view - 2 * quiet;
  assert.ok(quiet >= 4, `a quiet zone of at least 4 modules: ${quiet}`);
  const version = (size - 17) / 4;
  assert.ok(Number.isInteger(version) && version >= 1 && version <= 40, `a QR code size: ${size}`);
  const at = (x, y) => dark.has(`${x + quiet},${y + quiet}`);
  for (const k of dark) {
    const [x, y] = k.split(',').map(Number);
    assert.ok(x >= quiet && y >= quiet && x < quiet + size && y < quiet + size, `module ${k} inside the symbol`);
  }

  // The three finder patterns.
  for (const [fx, fy] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 7; x++) {
        const ring = Math.max(Math.abs(x - 3), Math.abs(y - 3));
        assert.equal(at(fx + x, fy + y), ring !== 2, `finder pattern at ${fx},${fy}: module ${x},${y}`);
      }
    }
  }
  // Timing patterns.
  for (let i = 8; i < size - 8; i++) {
    assert.equal(at(i, 6), i % 2 === 0, `timing row at ${i}`);
    assert.equal(at(6, i), i % 2 === 0, `timing column at ${i}`);
  }

  // Format: the 15 bits beside the top-left finder, against all 32 codewords.
  let raw = 0;
  const formatBit = (i) => {
    if (i <= 5) return at(8, i);
    if (i === 6) return at(8, 7);
    if (i === 7) return at(8, 8);
    if (i === 8) return at(7, 8);
    return at(14 - i, 8);
  };
  for (let i = 0; i < 15; i++) if (formatBit(i)) raw |= 1 << i;
  let format = null;
  for (let data = 0; data < 32; data++) {
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    if ((((data << 10) | rem) ^ 0x5412) === raw) format = data;
  }
  assert.notEqual(format, null, `valid format bits: ${raw.toString(2)}`);
  assert.equal(format >> 3, 0, 'error correction level M');
  const mask = format & 7;

  // Which modules are function patterns.
  const fn = Array.from({ length: size }, () => new Array(size).fill(false));
  const mark = (x0, y0, w, h) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (x >= 0 && y >= 0 && x < size && y < size) fn[y][x] = true;
  };
  mark(0, 0, 9, 9);
  mark(size - 8, 0, 8, 9);
  mark(0, size - 8, 9, 8);
  mark(6, 0, 1, size);
  mark(0, 6, size, 1);
  if (version > 1) {
    const n = Math.floor(version / 7) + 2;
    const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (n * 2 - 2)) * 2;
    const pos = [6];
    for (let p = size - 7; pos.length < n; p -= step) pos.splice(1, 0, p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if ((i === 0 && j === 0) || (i === 0 && j === n - 1) || (i === n - 1 && j === 0)) continue;
        mark(pos[i] - 2, pos[j] - 2, 5, 5);
      }
    }
  }
  if (version >= 7) {
    mark(size - 11, 0, 3, 6);
    mark(0, size - 11, 6, 3);
  }
  const masked = [
    (x, y) => (x + y) % 2 === 0,
    (x, y) => y % 2 === 0,
    (x) => x % 3 === 0,
    (x, y) => (x + y) % 3 === 0,
    (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
    (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
    (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
    (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
  ][mask];

  // The codewords, in the zigzag order.
  const bits = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? size - 1 - vert : vert;
        if (!fn[y][x]) bits.push(at(x, y) !== masked(x, y) ? 1 : 0);
      }
    }
  }
  const total = Math.floor(bits.length / 8);
  const words = [];
  for (let i = 0; i < total; i++) words.push(bits.slice(i * 8, i * 8 + 8).reduce((a, b) => (a << 1) | b, 0));

  // De-interleave the data codewords (short blocks first).
  const nblocks = BLOCKS_M[version];
  const ecc = ECC_PER_BLOCK_M[version];
  const shortLen = Math.floor(total / nblocks);
  const nshort = nblocks - (total % nblocks);
  const dataLen = (b) => shortLen - ecc + (b >= nshort ? 1 : 0);
  const blocks = Array.from({ length: nblocks }, () => []);
  let k = 0;
  for (let i = 0; i <= shortLen - ecc; i++) for (let b = 0; b < nblocks; b++) if (i < dataLen(b)) blocks[b].push(words[k++]);
  const data = blocks.flat();

  // The segments.
  const stream = data.flatMap((w) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (w >> i) & 1));
  let p = 0;
  const read = (n) => {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | (stream[p++] ?? 0);
    return v;
  };
  const countBits = { 1: [10, 12, 14], 2: [9, 11, 13], 4: [8, 16, 16] };
  const band = version <= 9 ? 0 : version <= 26 ? 1 : 2;
  const out = [];
  while (p + 4 <= stream.length) {
    const mode = read(4);
    if (mode === 0) break;
    assert.ok(mode in countBits, `a numeric, alphanumeric or byte segment: mode ${mode}`);
    let count = read(countBits[mode][band]);
    if (mode === 4) {
      while (count-- > 0) out.push(read(8));
    } else if (mode === 2) {
      for (; count >= 2; count -= 2) {
        const v = read(11);
        out.push(ALNUM.charCodeAt(Math.floor(v / 45)), ALNUM.charCodeAt(v % 45));
      }
      if (count === 1) out.push(ALNUM.charCodeAt(read(6)));
    } else {
      for (; count >= 3; count -= 3) out.push(...String(read(10)).padStart(3, '0').split('').map((c) => c.charCodeAt(0)));
      if (count === 2) out.push(...String(read(7)).padStart(2, '0').split('').map((c) => c.charCodeAt(0)));
      if (count === 1) out.push(...String(read(4)).split('').map((c) => c.charCodeAt(0)));
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** Asserts the SVG is one well-formed <svg> element: tags nest and close, no script or external reference. */
function assertWellFormedSvg(svg) {
  assert.equal(typeof svg, 'string');
  assert.match(svg, /^<svg\s[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `starts with <svg xmlns=…>: ${svg.slice(0, 120)}`);
  assert.ok(svg.endsWith('</svg>'), `ends with </svg>: ${svg.slice(-60)}`);
  assert.ok(!/<script|on[a-z]+=|href|<!|<\?|&/i.test(svg), 'no script, event handler, link, DOCTYPE, processing instruction or entity');
  const stack = [];
  const re = /<(\/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*="[^"<>]*")*)\s*(\/?)>/g;
  let m;
  let last = 0;
  while ((m = re.exec(svg))) {
    assert.equal(svg.slice(last, m.index).trim(), '', `only elements: ${svg.slice(last, m.index).slice(0, 80)}`);
    last = re.lastIndex;
    const [, closing, name, attrs, selfClosing] = m;
    const names = [...attrs.matchAll(/([A-Za-z_:][-A-Za-z0-9_:.]*)=/g)].map((a) => a[1]);
    assert.equal(new Set(names).size, names.length, `<${name}>: no attribute twice`);
    if (closing) {
      assert.equal(attrs, '', `</${name}> has no attributes`);
      assert.equal(stack.pop(), name, `</${name}> closes the open element`);
      if (stack.length === 0) assert.equal(last, svg.length, 'nothing after the root element');
    } else if (!selfClosing) {
      if (stack.length === 0) assert.equal(name, 'svg', 'the root element is <svg>');
      stack.push(name);
    } else {
      assert.ok(stack.length > 0, `<${name}/> inside <svg>`);
    }
  }
  assert.equal(last, svg.length, `every character is part of an element: ${svg.slice(last, last + 80)}`);
  assert.deepEqual(stack, [], 'every element is closed');
}

// ---- the environment: `atip demo`, `atip user add`, then `atip serve` -----

let env;
let orgs; // name -> id
const demoAccounts = {}; // role -> {email, role, password, totp, lastStep}
const added = {}; // role -> {email, role, password, orgId, totp?, lastStep}
let auditBefore;

function addUser(role, orgId) {
  const email = `added.${role.replace('_', '-')}@example.org`;
  const password = `${role} passphrase ${crypto.randomBytes(6).toString('hex')}`;
  secrets.add(password);
  const r = atip(['user', 'add', '--org', orgId, '--email', email, '--role', role, ...env.args], { ATIP_USER_PASSWORD: password });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), uuid);
  return { id: r.stdout.trim(), email, role, password, orgId, lastStep: -Infinity };
}

before(async () => {
  env = environment('totp');
  const printed = demo(env);
  orgs = Object.fromEntries(printed.orgs.map((o) => [o.name, o.id]));
  Object.assign(demoAccounts, printed.accounts); // demo() asserted their base32 TOTP secrets
  const ktm = orgs['Demo Anti-Trafficking Unit, Kathmandu (fictional)'];
  const pune = orgs['Demo Safe Home Shelter, Pune (fictional)'];
  const secretariat = orgs['Demo Platform Secretariat (fictional)'];
  added.platform_admin = addUser('platform_admin', secretariat);
  added.org_admin = addUser('org_admin', ktm);
  added.investigator = addUser('investigator', ktm);
  added.case_worker = addUser('case_worker', pune);
  added.analyst = addUser('analyst', orgs['Demo Rights Collective, Colombo (fictional)']);
  added.viewer = addUser('viewer', orgs['Demo Border Force Unit (fictional)']);
  auditBefore = auditVerify(env).entries;
  server = await serve(env);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- 1. who must enrol -------------------------------------------------------

const mustEnrol = ['platform_admin', 'org_admin', 'investigator', 'case_worker'];
const pending = {}; // role -> the session opened before enrolling

test('admins, investigators and case workers of atip user add sign in with totp_enrolment_required; every route but the session ones answers 403', async () => {
  const someOrg = orgs['Demo Border Force Unit (fictional)'];
  for (const role of mustEnrol) {
    const a = added[role];
    const s = await signInPlain(a, `${role} of atip user add`);
    assert.equal(s.required, true, `${role}: totp_enrolment_required`);
    assert.equal(s.user.totp_enrolled, false, `${role}: totp_enrolled`);
    assert.deepEqual([s.user.email, s.user.role, s.user.org_id, s.user.version], [a.email, role, a.orgId, 1]);
    pending[role] = s;

    const me = ok(await call('GET', '/api/v1/me', { session: s }), 200, `GET /api/v1/me as ${role} before enrolling`);
    assert.deepEqual(me.user, s.user);
    for (const [method, p, body] of [
      ['GET', '/api/v1/orgs'],
      ['GET', `/api/v1/orgs/${someOrg}`],
      ['POST', '/api/v1/orgs', { name: `Test Unit ${crypto.randomBytes(3).toString('hex')}`, type: 'shelter', country: 'NP' }],
      ['PATCH', `/api/v1/orgs/${someOrg}`, { status: 'suspended', version: 1 }],
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens', { name: 'before enrolling' }],
      ['GET', '/api/v1/audit'],
    ]) {
      const res = await call(method, p, { session: s, body });
      const q = problem(res, 403, `${method} ${p} as ${role} before enrolling`);
      assert.match(q.detail, enrolFirst, `${method} ${p} as ${role}: ${q.detail}`);
    }
    // The session routes still check the CSRF token.
    const noCsrf = problem(await call('POST', '/api/v1/me/totp', { session: s, csrf: null }), 403, `POST /api/v1/me/totp as ${role} without X-CSRF-Token`);
    assert.match(noCsrf.detail, /CSRF/, noCsrf.detail);
  }
  const still = ok(await call('GET', `/api/v1/orgs/${someOrg}`, { session: await signInWithCode(demoAccounts.platform_admin) }), 200, 'GET the organisation as the demo platform admin');
  assert.equal(still.status, 'active', 'the PATCH refused before enrolment changed nothing');

  // Signing out is a session route too.
  const out = await call('DELETE', '/api/v1/session', { session: pending.platform_admin });
  assert.equal(out.status, 204, out.text);
  problem(await call('GET', '/api/v1/me', { session: pending.platform_admin }), 401, 'GET /api/v1/me after signing out');
});

test('analysts and viewers of atip user add sign in with the password alone, totp_enrolment_required false, again and again', async () => {
  for (const role of ['analyst', 'viewer']) {
    const a = added[role];
    for (let i = 1; i <= 3; i++) {
      const s = await signInPlain(a, `${role} of atip user add, sign-in ${i}`);
      assert.equal(s.required, false, `${role}: totp_enrolment_required`);
      assert.equal(s.user.totp_enrolled, false, `${role}: totp_enrolled`);
      ok(await call('GET', '/api/v1/orgs', { session: s }), 200, `GET /api/v1/orgs as ${role}`);
      ok(await call('GET', `/api/v1/orgs/${a.orgId}`, { session: s }), 200, `GET /api/v1/orgs/{id} as ${role}`);
    }
  }
});

test('demo accounts are enrolled: POST /api/v1/me/totp answers 409', async () => {
  const a = demoAccounts.investigator;
  const s = await signInWithCode(a);
  assert.equal(s.required, false);
  assert.equal(s.user.totp_enrolled, true);
  const p = problem(await call('POST', '/api/v1/me/totp', { session: s }), 409, 'POST /api/v1/me/totp as an enrolled demo account');
  assert.ok(!p.detail.includes(a.totp));
  ok(await call('GET', '/api/v1/orgs', { session: s }), 200, 'the session is not affected');
});

// ---- 2. enrolment ---------------------------------------------------------------

/** POST /api/v1/me/totp: asserts the answer; { secret, uri, svg }. */
async function beginEnrolment(s, what) {
  const res = await call('POST', '/api/v1/me/totp', { session: s });
  const body = ok(res, 201, what);
  assert.deepEqual(Object.keys(body).sort(), ['otpauth_uri', 'qr_svg', 'secret'], `${what}: ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('cache-control') || '', /no-store/, `${what}: Cache-Control`);
  assert.deepEqual(res.cookies, [], `${what}: no Set-Cookie`);
  const { secret, otpauth_uri: uri, qr_svg: svg } = body;
  assert.match(secret, base32Secret, `${what}: a base32 secret`);
  assert.equal(base32Decode(secret).length, 20, `${what}: 160 bits of secret`);
  secrets.add(secret);
  secrets.add(uri);
  return { secret, uri, svg };
}

const enrolled = {}; // role -> { recovery codes, session }

test('POST /api/v1/me/totp: a secret, its otpauth URI and a QR code of that URI; confirm refuses wrong codes (422) and takes the right one', async () => {
  const a = added.case_worker;
  const s = pending.case_worker;
  const other = await signInPlain(a, 'a second session before enrolling');
  assert.equal(other.required, true);

  invalid(await call('POST', '/api/v1/me/totp/confirm', { session: s, body: { code: totp(demoAccounts.case_worker.totp) } }), ['code'],
    'confirm before any enrolment began');

  const first = await beginEnrolment(s, 'POST /api/v1/me/totp');
  assert.equal(first.uri, `otpauth://totp/atip:${a.email}?secret=${first.secret}&issuer=atip&algorithm=SHA1&digits=6&period=30`);
  const u = new URL(first.uri);
  assert.equal(u.protocol, 'otpauth:');
  assert.equal(u.host, 'totp');
  assert.equal(decodeURIComponent(u.pathname), `/atip:${a.email}`);
  assert.deepEqual(Object.fromEntries(u.searchParams), { secret: first.secret, issuer: 'atip', algorithm: 'SHA1', digits: '6', period: '30' });
  assertWellFormedSvg(first.svg);
  assert.equal(decodeQr(svgModules(first.svg)), first.uri, 'the QR code holds the otpauth URI');

  // Until confirmed nothing changes: still 403, still not enrolled.
  problem(await call('GET', '/api/v1/orgs', { session: s }), 403, 'GET /api/v1/orgs with the enrolment begun');
  assert.equal(ok(await call('GET', '/api/v1/me', { session: s }), 200, 'GET /api/v1/me').user.totp_enrolled, false);

  // Beginning again (the QR code was lost) gives another secret; the first no longer confirms.
  const second = await beginEnrolment(s, 'POST /api/v1/me/totp again before confirming');
  assert.notEqual(second.secret, first.secret);
  assertWellFormedSvg(second.svg);
  assert.equal(decodeQr(svgModules(second.svg)), second.uri);
  invalid(await call('POST', '/api/v1/me/totp/confirm', { session: s, body: { code: totp(first.secret) } }), ['code'],
    'confirm with a code of the replaced secret');

  const stale = totp(second.secret, Date.now() - 10 * TOTP_PERIOD_MS);
  for (const [what, body] of [
    ['a wrong code', { code: wrongCode(second.secret) }],
    ['a code of five minutes ago', { code: stale === totp(second.secret) ? wrongCode(second.secret) : stale }],
    ['letters', { code: 'abcdef' }],
    ['five digits', { code: totp(second.secret).slice(1) }],
    ['seven digits', { code: `${totp(second.secret)}0` }],
    ['an empty code', { code: '' }],
    ['a number', { code: 123456 }],
    ['no code', {}],
  ]) {
    if (/^\d{6}$/.test(body.code)) codes.add(body.code);
    const p = invalid(await call('POST', '/api/v1/me/totp/confirm', { session: s, body }), ['code'], `confirm with ${what}`);
    assert.equal(p.status, 422);
  }
  const code = totp(second.secret);
  const noCsrf = problem(await call('POST', '/api/v1/me/totp/confirm', { session: s, csrf: null, body: { code } }), 403, 'confirm without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/);
  problem(await call('POST', '/api/v1/me/totp/confirm', { session: s, body: JSON.stringify({ code }), type: 'text/plain' }), 415, 'confirm as text/plain');
  problem(await call('POST', '/api/v1/me/totp/confirm', { body: { code } }), 401, 'confirm without a session');
  problem(await call('GET', '/api/v1/orgs', { session: s }), 403, 'GET /api/v1/orgs after the refused confirmations');

  const { code: right, step } = await nextTotp(second.secret);
  codes.add(right);
  const res = await call('POST', '/api/v1/me/totp/confirm', { session: s, body: { code: right } });
  const body = ok(res, 200, 'confirm with the right code');
  assert.deepEqual(Object.keys(body), ['recovery_codes']);
  const rc = body.recovery_codes;
  assert.equal(rc.length, 10, JSON.stringify(rc));
  for (const c of rc) assert.match(c, recoveryFormat);
  assert.equal(new Set(rc).size, 10, 'ten different recovery codes');
  assert.match(res.headers.get('cache-control') || '', /no-store/, 'Cache-Control of the recovery codes');
  for (const c of rc) for (const v of [c, c.toUpperCase(), c.replace('-', ''), c.replace('-', '').toUpperCase()]) secrets.add(v);
  a.totp = second.secret;
  a.lastStep = step; // the confirming code is used up

  // Enrolled: this session and the other one may do everything now.
  for (const [what, sess] of [['the confirming session', s], ['another session of the account', other]]) {
    ok(await call('GET', '/api/v1/orgs', { session: sess }), 200, `GET /api/v1/orgs with ${what}`);
    const me = ok(await call('GET', '/api/v1/me', { session: sess }), 200, `GET /api/v1/me with ${what}`);
    assert.equal(me.user.totp_enrolled, true, what);
    assert.equal(me.user.version, 2, `${what}: enrolling is a new version of the account`);
  }
  const again = problem(await call('POST', '/api/v1/me/totp', { session: s }), 409, 'POST /api/v1/me/totp once enrolled');
  assert.ok(!again.detail.includes(second.secret));
  invalid(await call('POST', '/api/v1/me/totp/confirm', { session: s, body: { code: await nextTotp(second.secret, step).then((n) => n.code) } }), ['code'],
    'confirm once enrolled (nothing pending)');
  enrolled.case_worker = { codes: rc, session: s };
});

test('an enrolled account signs in with a code: without one 401 naming totp; with one 201, enrolment no longer required', async () => {
  const a = added.case_worker;
  assert.ok(enrolled.case_worker, 'enrolled by the previous test');
  assertCodeMissing(await signInRequest(a), 'the right password without a code');
  assertWrong(await signInRequest(a, undefined, { password: `wrong ${crypto.randomBytes(6).toString('hex')}` }), 'a wrong password without a code');
  const s = await signInWithCode(a, 'the right password and code');
  assert.equal(s.required, false);
  assert.equal(s.user.totp_enrolled, true);
  ok(await call('GET', '/api/v1/orgs', { session: s }), 200, 'GET /api/v1/orgs with the new session');

  // Another forced role, enrolled too (its recovery codes serve below).
  const inv = added.investigator;
  const pend = pending.investigator;
  const e = await beginEnrolment(pend, 'POST /api/v1/me/totp as the investigator');
  // A begun enrolment changes nothing at sign-in.
  const meanwhile = await signInPlain(inv, 'the investigator while enrolling');
  assert.equal(meanwhile.required, true);
  const { code, step } = await nextTotp(e.secret);
  codes.add(code);
  const body = ok(await call('POST', '/api/v1/me/totp/confirm', { session: pend, body: { code } }), 200, 'the investigator confirms');
  inv.totp = e.secret;
  inv.lastStep = step;
  for (const c of body.recovery_codes) secrets.add(c);
  enrolled.investigator = { codes: body.recovery_codes, session: pend };
  ok(await call('GET', '/api/v1/orgs', { session: meanwhile }), 200, 'the session opened while enrolling is let in too');
  assertCodeMissing(await signInRequest(inv), 'the investigator without a code');
});

// ---- 3. codes at sign-in ----------------------------------------------------------

test('a sign-in without a code is not a failed attempt: 12 of them, then a code signs in', { timeout: 60000 }, async () => {
  const a = demoAccounts.org_admin;
  for (let i = 1; i <= 12; i++) assertCodeMissing(await signInRequest(a), `the right password without a code, ${i}`);
  const s = await signInWithCode(a, 'the right password and code after 12 without');
  assert.equal(s.required, false);
  assert.equal(s.user.role, 'org_admin');
  assert.equal(s.user.totp_enrolled, true);
});

test('a code is accepted once: a replayed or older one is refused, the next step\'s is accepted, and then the clock\'s', { timeout: 120000 }, async () => {
  const a = demoAccounts.case_worker;
  const first = await nextTotp(a.totp, a.lastStep);
  session(await signInRequest(a, first.code), 'a fresh code');
  a.lastStep = first.step;
  assertWrong(await signInRequest(a, first.code), 'the same code again');

  const second = await nextTotp(a.totp, a.lastStep);
  assert.equal(second.step, first.step + 1, 'within the same 30 s the next step\'s code is the one left');
  session(await signInRequest(a, second.code), 'the next step\'s code');
  a.lastStep = second.step;
  assertWrong(await signInRequest(a, first.code), 'the older code, after a newer one');
  assertWrong(await signInRequest(a, second.code), 'the newer code again');
  const now = totpStep();
  for (const [what, step] of [['five minutes ahead', now + 10], ['five minutes ago', now - 10]]) {
    const code = totp(a.totp, step * TOTP_PERIOD_MS);
    if ([first.code, second.code, totp(a.totp)].includes(code)) continue; // (one in a million)
    assertWrong(await signInRequest(a, code), `a code of ${what}`);
  }
  for (const [what, code] of [['letters', 'abcdef'], ['an empty code', '']])
    assertWrong(await signInRequest(a, code), `${what} as the code`);
  invalid(await signInRequest(a, Number(second.code)), ['totp'], 'the code as a number');
  invalid(await signInRequest(a, 'x'.repeat(17)), ['totp'], 'a code of 17 characters');

  // Two steps used: a third sign-in waits for the clock.
  const third = await nextTotp(a.totp, a.lastStep);
  assert.ok(third.step > second.step);
  session(await signInRequest(a, third.code), 'the code of a later step');
  a.lastStep = third.step;
});

test('wrong codes count as failed attempts: after 10, the right password and code get 429', { timeout: 60000 }, async () => {
  const a = demoAccounts.analyst;
  for (let i = 1; i <= 10; i++) assertWrong(await signInRequest(a, wrongCode(a.totp)), `the right password with a wrong code, ${i}`);
  const { code } = await nextTotp(a.totp, a.lastStep);
  const res = await signInRequest(a, code);
  problem(res, 429, 'the right password and code after 10 wrong codes');
  assert.match(res.headers.get('retry-after') || '', /^\d+$/);
  problem(await signInRequest(a), 429, 'the right password without a code, throttled too');
});

test('recovery codes: each works once, in any case, with or without the dash; never for another account', { timeout: 60000 }, async () => {
  const a = added.case_worker;
  const rc = enrolled.case_worker.codes;
  const theirs = enrolled.investigator.codes;

  assertWrong(await signInRequest(a, rc[0], { password: `wrong ${crypto.randomBytes(6).toString('hex')}` }), 'a recovery code with a wrong password');
  let s = session(await signInRequest(a, rc[0]), 'a recovery code (not used up by the wrong password)');
  assert.equal(s.user.totp_enrolled, true);
  assertWrong(await signInRequest(a, rc[0]), 'the same recovery code again');
  assertWrong(await signInRequest(a, rc[0].toUpperCase()), 'the same recovery code again, in upper case');

  s = session(await signInRequest(a, rc[1].toUpperCase()), 'a recovery code in upper case');
  assertWrong(await signInRequest(a, rc[1]), 'that code again in lower case');
  session(await signInRequest(a, rc[2].replace('-', '')), 'a recovery code without the dash');
  session(await signInRequest(a, rc[3].replace('-', '').toUpperCase()), 'a recovery code in upper case without the dash');
  assertWrong(await signInRequest(a, theirs[0]), 'another account\'s recovery code');
  assertWrong(await signInRequest(a, 'abcde-fghjk'), 'a made-up recovery code');
  ok(await call('GET', '/api/v1/orgs', { session: s }), 200, 'a session opened with a recovery code');

  // The codes used up no TOTP step: the app's code still works.
  const t = await signInWithCode(a, 'a TOTP code after the recovery codes');
  assert.equal(t.required, false);
  // And the investigator's own code is still good.
  session(await signInRequest(added.investigator, theirs[0]), 'the investigator\'s recovery code, for the investigator');
});

test('GET /api/v1/openapi.json lists POST /api/v1/me/totp and POST /api/v1/me/totp/confirm, and the totp field of sign-in', async () => {
  const doc = ok(await call('GET', '/api/v1/openapi.json'), 200, 'GET /api/v1/openapi.json');
  assert.ok(doc.paths['/api/v1/me/totp']?.post, 'POST /api/v1/me/totp');
  assert.ok(doc.paths['/api/v1/me/totp/confirm']?.post?.requestBody, 'POST /api/v1/me/totp/confirm with its body');
  assert.ok(JSON.stringify(doc.paths['/api/v1/session'].post.requestBody).includes('totp'), 'sign-in documents "totp"');
});

// ---- 4. what stays secret ------------------------------------------------------------

test('the database holds no TOTP secret or recovery code in the clear; the audit trail verifies with every enrolment and throttled attempt', async () => {
  await server.stop(); // SIGTERM, exit 0, no sanitizer report
  const rows = sql(env, "SELECT email, COALESCE(totp_secret, ''), COALESCE(totp_pending, '') FROM users");
  const byEmail = Object.fromEntries(rows.map((r) => [r[0], r.slice(1)]));
  for (const a of [...Object.values(demoAccounts), added.case_worker, added.investigator]) {
    const [sealed, pendingSecret] = byEmail[a.email];
    assert.ok(sealed.length > 0, `${a.email}: a second factor`);
    assert.equal(pendingSecret, '', `${a.email}: nothing pending`);
    const raw = base32Decode(a.totp);
    for (const form of [a.totp, a.totp.toLowerCase(), raw.toString('hex'), raw.toString('base64'), raw.toString('base64url').replace(/=+$/, '')])
      assert.ok(!sealed.includes(form), `${a.email}: the secret is sealed, not stored as is`);
  }
  for (const role of ['platform_admin', 'org_admin', 'analyst', 'viewer']) assert.deepEqual(byEmail[added[role].email], ['', ''], `${role}: no second factor`);
  const stored = sql(env, 'SELECT code_mac FROM recovery_codes').map((r) => r[0]).join('\n');
  assert.equal(sql(env, 'SELECT COUNT(*) FROM recovery_codes')[0][0], '20', 'ten codes for each of the two accounts enrolled over the API');
  for (const c of [...enrolled.case_worker.codes, ...enrolled.investigator.codes])
    for (const v of [c, c.replace('-', '')]) assert.ok(!stored.includes(v), 'a recovery code stored as is');
  const used = sql(env, 'SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NOT NULL')[0][0];
  assert.equal(used, '5', 'four recovery codes of the case worker and one of the investigator used');

  const total = auditVerify(env).entries;
  assert.ok(total > auditBefore, `entries before ${auditBefore}, after ${total}`);
  const audit = sql(env, "SELECT action, outcome, record_id FROM atip_audit WHERE action = 'totp.enrol' OR outcome = 'throttled'");
  assert.deepEqual(audit.filter((r) => r[0] === 'totp.enrol').map((r) => [r[1], r[2]]).sort(),
    [['ok', added.case_worker.id], ['ok', added.investigator.id]].sort(), 'one totp.enrol entry per confirmed enrolment');
  assert.deepEqual(audit.filter((r) => r[1] === 'throttled').map((r) => r[0]), ['session.create', 'session.create'],
    'the two throttled sign-ins are audited as such');
});

test('the server log never holds a TOTP secret, otpauth URI, code, recovery code, password or session token', () => {
  const log = server.stderr() + server.stdout();
  assert.match(log, /"route":"\/api\/v1\/me\/totp"/, 'the enrolment requests were logged');
  assert.match(log, /"route":"\/api\/v1\/me\/totp\/confirm"/, 'the confirmations were logged');
  assert.ok(secrets.size >= 60, `secrets collected: ${secrets.size}`);
  assert.ok(codes.size >= 15, `codes sent: ${codes.size}`);
  for (const secret of secrets) assert.ok(!log.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`);
  for (const code of codes)
    assert.ok(!new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(log), `a code (${code}) is in the log`);
  assert.ok(!/otpauth:/.test(log), 'no otpauth URI in the log');
});

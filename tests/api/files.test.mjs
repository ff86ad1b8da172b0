// Attachments of meetings over the API: POST /api/v1/files?record_kind=
// meeting&record_id=ID with the file's bytes as the body and its name in
// X-File-Name (%-escaped UTF-8), GET /api/v1/files/{id}, its /content, the
// list GET /api/v1/files?record_kind=&record_id=, DELETE /api/v1/files/{id},
// against a real `atip serve` whose data dir was filled by `atip demo`:
//
//  1. Upload: 201 with the file's description; the type is found by content,
//     never by name or Content-Type; the name comes back in NFC.
//  2. Download: the same bytes, always as an attachment (RFC 8187
//     filename*), sandboxed, not sniffed, not cached.
//  3. Refusals: types atip does not keep (HTML, SVG, scripts, executables,
//     archives) 415 naming "content"; an empty body or a bad name 422; a body
//     past ATIP_MAX_UPLOAD (2048 bytes here) 413; an unknown or hidden
//     record 404; a reader of the record who may not write it 403.
//  4. Files follow their meeting's visibility exactly: hidden with it (404),
//     readable with it, never deletable by another organisation (403).
//  5. Erasing: 204, then 404.  Uploads and erasures are audited.
//  6. The stored bytes of a non-sensitive record's file are the bytes sent
//     (read from the database directly).
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  The Kathmandu org admin adds a
// viewer and an analyst of its own here.
//
// The data dir and database are this file's own (a private database next to
// ATIP_TEST_DB on PostgreSQL).  Every account signs in once.  call() in
// client.mjs sends JSON; uploads and downloads are sent with fetch here.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { auditVerify, demo, dropDatabases, engine, environment, secrets, serve, sql, uuid } from './server.mjs';

const MAX_UPLOAD = 2048;
const utcMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const fileKeys = ['created_at', 'created_by', 'encrypted', 'id', 'media_type', 'name', 'record_id', 'record_kind', 'size'];
const startedAt = Date.now();

// ---- small real files ----------------------------------------------------------

const files = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
    + '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n'
    + 'trailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  // A valid 1x1 RGBA PNG.
  png: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
  text: Buffer.from('बैठक के नोट्स (काल्पनिक)\nMeeting notes (fictional): the helpline roster is agreed.\n', 'utf8'),
  csv: Buffer.from('name,role,count\nAsha (fictional),volunteer,3\nBina (fictional),coordinator,5\n', 'utf8'),
  html: Buffer.from('<!doctype html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n'),
  svg: Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>\n'),
  shell: Buffer.from('#!/bin/sh\necho "fictional"\n'),
  elf: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0]), Buffer.alloc(40)]),
  // A zip archive holding readme.txt ("hello (fictional)\n").
  zip: Buffer.from('UEsDBBQAAAAAAAGufV1/hUWBEgAAABIAAAAKAAAAcmVhZG1lLnR4dGhlbGxvIChmaWN0aW9uYWwpClBLAQIUAxQAAAAAAAGufV1/hUWBEgAAABIA'
    + 'AAAKAAAAAAAAAAAAAACAAQAAAAByZWFkbWUudHh0UEsFBgAAAAABAAEAOAAAADoAAAAAAA==', 'base64'),
};

/** Plain text of exactly n bytes. */
const textOf = (n) => Buffer.from('Fictional minutes line.\n'.repeat(Math.ceil(n / 24)).slice(0, n));

// ---- HTTP ------------------------------------------------------------------------

let server;
const { call, signInWithCode, signInPlain } = client(() => server);

/** What call() answers, for a fetch Response whose body was read as bytes. */
async function answer(res) {
  const body = Buffer.from(await res.arrayBuffer());
  const text = body.toString('utf8');
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, cookies: res.headers.getSetCookie(), body, text, json, rid: res.headers.get('x-request-id') };
}

/**
 * POST /api/v1/files as who (a sessions key, or undefined: anonymous) with
 * the bytes as the body.  name goes %-escaped in X-File-Name unless
 * undefined; rawName goes as it is.  query defaults to the meeting's.
 */
async function upload(who, meetingId, bytes, { name, rawName, type = 'application/octet-stream', query, csrf = true } = {}) {
  const h = {};
  const s = sessions[who];
  if (s) {
    h.cookie = `atip=${s.token}`;
    if (csrf) h['x-csrf-token'] = s.csrf;
  }
  if (name !== undefined) h['x-file-name'] = encodeURIComponent(name);
  if (rawName !== undefined) h['x-file-name'] = rawName;
  if (type) h['content-type'] = type;
  const q = query ?? `record_kind=meeting&record_id=${meetingId}`;
  return answer(await fetch(`${server.url}/api/v1/files?${q}`, { method: 'POST', headers: h, body: bytes }));
}

/** GET a file's bytes as who. */
async function download(who, id) {
  const s = sessions[who];
  return answer(await fetch(`${server.url}/api/v1/files/${id}/content`, { headers: s ? { cookie: `atip=${s.token}` } : {} }));
}

/** A 403 about the role or the rule, not the CSRF token. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role, not the token: ${p.detail}`);
  return p;
}

/** A refused type: 415 whose one error names "content". */
function unsupported(res, what) {
  const p = problem(res, 415, what);
  assert.ok(Array.isArray(p.errors), `${what}: an errors list: ${res.text}`);
  assert.deepEqual(p.errors.map((e) => e.field), ['content'], `${what}: ${res.text}`);
  assert.ok(typeof p.errors[0].message === 'string' && p.errors[0].message.length > 0, `${what}: a message`);
  return p;
}

/** Asserts the shape of a file's description. */
function assertFile(f, what) {
  assert.deepEqual(Object.keys(f).sort(), fileKeys, `${what}: fields of ${JSON.stringify(f)}`);
  assert.match(f.id, uuid, `${what}: id`);
  assert.equal(f.record_kind, 'meeting', `${what}: record_kind`);
  assert.match(f.record_id, uuid, `${what}: record_id`);
  assert.equal(typeof f.name, 'string', `${what}: name`);
  assert.ok(Number.isInteger(f.size) && f.size > 0, `${what}: size`);
  assert.equal(f.encrypted, false, `${what}: a meeting is not sensitive: not encrypted`);
  assert.match(f.created_by, uuid, `${what}: created_by`);
  assert.match(f.created_at, utcMs, `${what}: created_at`);
  assert.ok(Date.parse(f.created_at) >= startedAt - 5000 && Date.parse(f.created_at) <= Date.now() + 5000, `${what}: created_at is about now`);
}

// ---- the environment: `atip demo`, then `atip serve` with a 2048-byte upload cap --

const roles = ['platform_admin', 'org_admin', 'investigator', 'case_worker', 'analyst', 'viewer'];
const homeOf = {
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
};
const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};

let env;
const org = {};
let unknownId; // a well-formed id no record has
const sessions = {};
// ktm (org level), platform (GREEN, platform level), joint (org level, Pune taking part), pune (Pune's own), full, names
const meetings = {};
// The changes each organisation's audit chain must show: { action, rid, record, actor }.
const audited = { ktm: [], pune: [] };
const uploaded = {}; // key -> the 201 answer's file

function expectAudit(who, action, res, record) {
  const s = sessions[who];
  const chain = Object.keys(org).find((k) => org[k] === s.user.org_id);
  assert.ok(chain in audited, `${who} belongs to Kathmandu or Pune`);
  assert.ok(res.rid, `${action}: an X-Request-Id`);
  audited[chain].push({ action, rid: res.rid, record, actor: s.user.id });
}

/** Uploads and asserts the 201: the file's description (audited, remembered under key). */
async function store(key, who, meetingId, bytes, options) {
  const what = `POST /api/v1/files (${key}) as ${who}`;
  const res = await upload(who, meetingId, bytes, options);
  const f = ok(res, 201, what);
  assert.match(f.id, uuid, `${what}: id`);
  expectAudit(who, 'file.create', res, f.id);
  assertFile(f, what);
  assert.equal(f.record_id, meetingId, `${what}: record_id`);
  assert.equal(f.size, bytes.length, `${what}: size`);
  assert.equal(f.created_by, sessions[who].user.id, `${what}: created_by`);
  uploaded[key] = f;
  return f;
}

/** The meeting's files as who sees them: 200, the items. */
async function listOf(who, meetingId) {
  const q = `/api/v1/files?record_kind=meeting&record_id=${meetingId}`;
  const list = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
  assert.deepEqual(Object.keys(list).sort(), ['items', 'next_cursor'], `GET ${q}: ${JSON.stringify(list)}`);
  assert.equal(list.next_cursor, null, `GET ${q}: one page`);
  for (const f of list.items) assertFile(f, `GET ${q}: ${f.id}`);
  return list.items;
}

before(async () => {
  env = environment('files');
  const data = demo(env);
  assert.deepEqual(Object.keys(data.accounts).sort(), [...roles].sort(), 'an account per role');
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  unknownId = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  server = await serve(env, { ATIP_MAX_UPLOAD: String(MAX_UPLOAD) });
  for (const role of roles) {
    sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
    assert.equal(sessions[role].user.org_id, org[homeOf[role]], `${role} belongs to ${homeOf[role]}`);
  }
  for (const role of ['viewer', 'analyst']) {
    const account = { email: `ktm.${role}.files@demo.invalid`, password: crypto.randomBytes(18).toString('base64url') };
    secrets.add(account.password);
    ok(await call('POST', '/api/v1/users', {
      session: sessions.org_admin, body: { email: account.email, name: `Kathmandu ${role} (fictional)`, role, password: account.password },
    }), 201, `POST /api/v1/users (${role}) as org_admin`);
    sessions[`ktm_${role}`] = await signInPlain(account, `the Kathmandu ${role} signs in`);
  }
  const convene = async (key, who, body) => {
    meetings[key] = ok(await call('POST', '/api/v1/meetings', {
      session: sessions[who], body: { starts_at: '2031-03-01T10:00:00Z', ...body },
    }), 201, `POST /api/v1/meetings (${key}) as ${who}`);
  };
  await convene('ktm', 'org_admin', { title: 'Kathmandu internal meeting (fictional)' });
  await convene('platform', 'org_admin', { title: 'Regional forum (fictional)', level: 'platform', tlp: 'GREEN' });
  await convene('joint', 'org_admin', { title: 'Kathmandu and Pune (fictional)', participants: [org.pune] });
  await convene('pune', 'case_worker', { title: 'Pune shelter review (fictional)' });
  await convene('full', 'investigator', { title: 'A meeting with many files (fictional)' });
  await convene('names', 'investigator', { title: 'A meeting for file names (fictional)' });
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- 1. uploading ---------------------------------------------------------------

test('POST /api/v1/files: 201 with the description; the type is found by content (a PDF named notes.txt is application/pdf), never by name or Content-Type', async () => {
  const id = meetings.ktm.id;
  const pdf = await store('pdf', 'investigator', id, files.pdf, { name: 'notes.txt', type: 'text/plain' });
  assert.deepEqual([pdf.record_kind, pdf.name, pdf.media_type, pdf.size, pdf.encrypted], ['meeting', 'notes.txt', 'application/pdf', files.pdf.length, false]);
  const png = await store('png', 'org_admin', id, files.png, { name: 'pixel.png', type: 'application/pdf' });
  assert.deepEqual([png.media_type, png.size], ['image/png', files.png.length]);
  const text = await store('text', 'investigator', id, files.text, { name: 'बैठक-नोट्स (काल्पनिक).txt', type: 'text/html' });
  assert.deepEqual([text.name, text.media_type, text.size], ['बैठक-नोट्स (काल्पनिक).txt', 'text/plain', files.text.length]);
  const csv = await store('csv', 'org_admin', id, files.csv, { name: 'attendance – list (fictional).csv', type: null });
  assert.deepEqual([csv.name, csv.media_type], ['attendance – list (fictional).csv', 'text/csv']);
  // The name is trimmed and NFC-normalised.
  const nfc = await store('nfc', 'investigator', id, files.pdf, { name: '  Re\u0301sume\u0301 (fictional).pdf  ' });
  assert.equal(nfc.name, 'R\u00e9sum\u00e9 (fictional).pdf');
  // Exactly the cap.
  const full = await store('cap', 'investigator', id, textOf(MAX_UPLOAD), { name: 'exactly-the-cap.txt' });
  assert.deepEqual([full.size, full.media_type], [MAX_UPLOAD, 'text/plain']);
  // Pune's case worker (a writer) attaches to Pune's own meeting.
  await store('pune', 'case_worker', meetings.pune.id, files.png, { name: 'pune.png' });

  for (const key of ['pdf', 'png', 'text', 'csv', 'nfc', 'cap']) {
    const f = uploaded[key];
    assert.deepEqual(ok(await call('GET', `/api/v1/files/${f.id}`, { session: sessions.ktm_viewer }), 200, `GET /api/v1/files/${f.id}`), f,
      `GET /api/v1/files/{id} (${key}) answers what POST did`);
  }
  const ids = ['pdf', 'png', 'text', 'csv', 'nfc', 'cap'].map((k) => uploaded[k].id);
  assert.equal(new Set(ids).size, ids.length, 'every file its own id');
  assert.deepEqual(await listOf('ktm_analyst', id), ['pdf', 'png', 'text', 'csv', 'nfc', 'cap'].map((k) => uploaded[k]),
    'GET /api/v1/files?record_kind=meeting&record_id=…: every file of the meeting, oldest first');
  assert.deepEqual(await listOf('case_worker', meetings.pune.id), [uploaded.pune], 'Pune\'s meeting: its one file');
  assert.deepEqual(await listOf('org_admin', meetings.joint.id), [], 'a meeting without files: an empty list');
});

// ---- 2. downloading ------------------------------------------------------------

/** The RFC 8187 filename* of a Content-Disposition, decoded; and its plain filename. */
function dispositionNames(value) {
  const m = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([A-Za-z0-9%!#$&+.^_`|~-]+)$/.exec(value || '');
  assert.ok(m, `Content-Disposition ${value}: attachment with filename and filename*=UTF-8''`);
  return { plain: m[1], utf8: decodeURIComponent(m[2]) };
}

test('GET /api/v1/files/{id}/content: the same bytes as an attachment named with filename*=UTF-8\'\', sandboxed, nosniff, no-store', async () => {
  for (const [key, bytes] of [['pdf', files.pdf], ['png', files.png], ['text', files.text], ['csv', files.csv], ['nfc', files.pdf], ['cap', textOf(MAX_UPLOAD)]]) {
    const f = uploaded[key];
    const what = `GET /api/v1/files/{id}/content (${key})`;
    const res = await download('ktm_viewer', f.id);
    assert.equal(res.status, 200, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
    assert.ok(res.body.equals(bytes), `${what}: the bytes sent`);
    assert.equal(res.headers.get('content-type'), f.media_type, `${what}: Content-Type`);
    assert.equal(res.headers.get('content-length'), String(bytes.length), `${what}: Content-Length`);
    const names = dispositionNames(res.headers.get('content-disposition'));
    assert.equal(names.utf8, f.name, `${what}: filename* is the name`);
    assert.match(names.plain, /^[\x20-\x7e]+$/, `${what}: filename is plain ASCII`);
    assert.equal(names.plain, [...f.name].map((c) => (c.charCodeAt(0) < 0x80 ? c : '_')).join(''), `${what}: filename, "_" for each other character`);
    const csp = res.headers.get('content-security-policy') || '';
    assert.ok(csp.split(/,\s*/).some((policy) => /(^|;)\s*sandbox\s*(;|$)/.test(policy)), `${what}: a sandbox policy in ${csp}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
    assert.match(res.headers.get('cache-control') || '', /(^|[\s,])no-store($|[\s,])/, `${what}: Cache-Control`);
  }
  // The Devanagari and en-dash names round-trip through filename*.
  assert.equal(dispositionNames((await download('org_admin', uploaded.text.id)).headers.get('content-disposition')).utf8, 'बैठक-नोट्स (काल्पनिक).txt');
  assert.equal(dispositionNames((await download('org_admin', uploaded.csv.id)).headers.get('content-disposition')).utf8, 'attendance – list (fictional).csv');
  // Signed out, files of records that are not public do not exist.
  problem(await download(undefined, uploaded.pdf.id), 404, 'GET content anonymous');
  problem(await call('GET', `/api/v1/files/${uploaded.pdf.id}`), 404, 'GET a file anonymous');
  problem(await call('GET', `/api/v1/files?record_kind=meeting&record_id=${meetings.ktm.id}`), 404, 'GET the list anonymous');
  problem(await call('GET', `/api/v1/files/${uploaded.pdf.id}`, { cookie: 'atip=not-a-session' }), 401, 'a bad session is still 401');
});


// ---- 3. refusals -------------------------------------------------------------------

test('types atip does not keep (HTML, SVG, a shell script, an ELF executable, a zip) are 415 naming "content", whatever their name', async () => {
  const before = await listOf('org_admin', meetings.ktm.id);
  for (const [what, bytes, name] of [
    ['HTML', files.html, 'agenda.pdf'],
    ['SVG', files.svg, 'logo.png'],
    ['a shell script', files.shell, 'notes.txt'],
    ['an ELF executable', files.elf, 'report.pdf'],
    ['a zip archive', files.zip, 'minutes.docx'],
  ]) {
    unsupported(await upload('investigator', meetings.ktm.id, bytes, { name, type: 'application/pdf' }), `POST ${what} as ${name}`);
  }
  assert.deepEqual(await listOf('org_admin', meetings.ktm.id), before, 'nothing was stored');
});

test('an empty body is 422 naming "content"; a missing or bad X-File-Name is 422 naming "name"', async () => {
  const id = meetings.ktm.id;
  const before = await listOf('org_admin', id);
  invalid(await upload('investigator', id, Buffer.alloc(0), { name: 'empty.txt' }), ['content'], 'POST an empty body');
  invalid(await upload('investigator', id, files.pdf, {}), ['name'], 'POST without X-File-Name');
  for (const [what, name] of [
    ['an empty name', ''],
    ['a blank name', '   '],
    ['a path', 'minutes/2031.pdf'],
    ['a parent path', '../up.pdf'],
    ['a backslash path', 'minutes\\2031.pdf'],
    ['a dot file', '.hidden.pdf'],
    ['a lone dot', '.'],
    ['two dots', '..'],
    ['a right-to-left override', 'report\u202Efdp.exe'],
    ['a left-to-right isolate', 'report\u2066.pdf'],
    ['a line break', 'two\nlines.pdf'],
    ['a control character', 'bell\u0007.pdf'],
    ['256 characters', `${'n'.repeat(252)}.pdf`],
  ]) {
    invalid(await upload('investigator', id, files.pdf, { name }), ['name'], `POST a file named with ${what}`);
  }
  invalid(await upload('investigator', id, files.pdf, { rawName: '%FF%FE.pdf' }), ['name'], 'POST a name that is not UTF-8 once unescaped');
  invalid(await upload('investigator', id, files.pdf, { rawName: 'a%2Fb.pdf' }), ['name'], 'POST a name with an escaped "/"');
  // 255 characters is the most a name may have.
  const longest = await store('longest', 'investigator', id, files.pdf, { name: `${'n'.repeat(251)}.pdf` });
  assert.equal([...longest.name].length, 255);
  assert.deepEqual(await listOf('org_admin', id), [...before, longest], 'only the good one was stored');
});

test('a NUL escaped in X-File-Name (%00) is refused as the name, not cut off there', async () => {
  const res = await upload('investigator', meetings.names.id, files.pdf, { rawName: 'report.pdf%00.exe' });
  if (res.status === 201) expectAudit('investigator', 'file.create', res, res.json.id); // keeps the audit check below about the audit
  invalid(res, ['name'], 'POST a file named report.pdf%00.exe');
  assert.deepEqual(await listOf('org_admin', meetings.names.id), res.status === 201 ? [res.json] : [], 'what the meeting holds');
});

test('a body past ATIP_MAX_UPLOAD is 413; a JSON route keeps its own limit', async () => {
  const before = await listOf('org_admin', meetings.ktm.id);
  for (const n of [MAX_UPLOAD + 1, 4 * MAX_UPLOAD]) {
    const res = await upload('investigator', meetings.ktm.id, textOf(n), { name: 'too-big.txt' });
    problem(res, 413, `POST ${n} bytes`);
  }
  assert.deepEqual(await listOf('org_admin', meetings.ktm.id), before, 'nothing was stored');
  // A JSON body larger than the upload cap is fine (ATIP_MAX_BODY).
  const m = ok(await call('POST', '/api/v1/meetings', {
    session: sessions.org_admin, body: { title: 'Long description (fictional)', starts_at: '2031-04-01T10:00:00Z', description: 'd'.repeat(4 * MAX_UPLOAD) },
  }), 201, 'POST /api/v1/meetings with a body of 8 KiB');
  assert.equal(m.description.length, 4 * MAX_UPLOAD);
});

test('JSON routes still refuse other bodies: POST /api/v1/meetings as text/plain is 415', async () => {
  problem(await call('POST', '/api/v1/meetings', {
    session: sessions.org_admin, type: 'text/plain', body: JSON.stringify({ title: 'Plain (fictional)', starts_at: '2031-04-01T10:00:00Z' }),
  }), 415, 'POST /api/v1/meetings as text/plain');
});

test('uploading to an unknown kind or record, or to a meeting one may not see: 404; the owner\'s viewer and analyst and other organisations that see it: 403', async () => {
  const before = await listOf('org_admin', meetings.ktm.id);
  for (const [what, query] of [
    ['an unknown record_kind', `record_kind=case&record_id=${meetings.ktm.id}`],
    ['a record_kind in capitals', `record_kind=Meeting&record_id=${meetings.ktm.id}`],
    ['no record_kind', `record_id=${meetings.ktm.id}`],
    ['no record_id', 'record_kind=meeting'],
    ['nothing', ''],
    ['an unknown meeting', `record_kind=meeting&record_id=${unknownId}`],
    ['a malformed id', 'record_kind=meeting&record_id=not-an-id'],
    ['an organisation\'s id', `record_kind=meeting&record_id=${org.ktm}`],
  ]) {
    problem(await upload('investigator', null, files.pdf, { name: 'x.pdf', query }), 404, `POST /api/v1/files with ${what}`);
  }
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin'])
    problem(await upload(who, meetings.ktm.id, files.pdf, { name: 'x.pdf' }), 404, `POST to an org-level meeting of Kathmandu as ${who}`);
  for (const who of ['ktm_viewer', 'ktm_analyst'])
    for (const key of ['ktm', 'platform'])
      forbidden(await upload(who, meetings[key].id, files.pdf, { name: 'x.pdf' }), `POST to the ${key} meeting as ${who}`);
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin'])
    forbidden(await upload(who, meetings.platform.id, files.pdf, { name: 'x.pdf' }), `POST to a platform-level meeting as ${who}`);
  forbidden(await upload('case_worker', meetings.joint.id, files.pdf, { name: 'x.pdf' }), 'POST to a meeting Pune takes part in, as Pune');
  problem(await upload(undefined, meetings.platform.id, files.pdf, { name: 'x.pdf' }), 401, 'POST anonymous');
  const noCsrf = problem(await upload('investigator', meetings.ktm.id, files.pdf, { name: 'x.pdf', csrf: false }), 403, 'POST without X-CSRF-Token');
  assert.match(noCsrf.detail, /CSRF/);
  assert.deepEqual(await listOf('org_admin', meetings.ktm.id), before, 'nothing was stored');
  assert.deepEqual(await listOf('org_admin', meetings.platform.id), [], 'nothing was stored');
  // The list of an unknown kind or record is 404 too.
  for (const q of [`record_kind=case&record_id=${meetings.ktm.id}`, `record_kind=meeting&record_id=${unknownId}`, 'record_kind=meeting', ''])
    problem(await call('GET', `/api/v1/files?${q}`, { session: sessions.org_admin }), 404, `GET /api/v1/files?${q}`);
});

test('a record holds at most 100 files: the 101st is 409', async () => {
  const id = meetings.full.id;
  for (let i = 1; i <= 100; i++) {
    const res = await upload('investigator', id, Buffer.from(`File ${i} of a full meeting (fictional).\n`), { name: `file-${i}.txt` });
    const f = ok(res, 201, `POST file ${i}`);
    expectAudit('investigator', 'file.create', res, f.id);
  }
  problem(await upload('investigator', id, Buffer.from('One too many (fictional).\n'), { name: 'file-101.txt' }), 409, 'POST file 101');
  assert.equal((await listOf('investigator', id)).length, 100);
});

// ---- 4. files follow their meeting ------------------------------------------------

test('files inherit the meeting\'s visibility: another organisation gets 404 for an org-level meeting\'s file, its content and the list, and reads a platform-level meeting\'s file but may not delete it (403)', async () => {
  const hidden = uploaded.pdf;
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin']) {
    problem(await call('GET', `/api/v1/files/${hidden.id}`, { session: sessions[who] }), 404, `GET a file of an org-level meeting as ${who}`);
    problem(await download(who, hidden.id), 404, `GET the content of a file of an org-level meeting as ${who}`);
    problem(await call('GET', `/api/v1/files?record_kind=meeting&record_id=${meetings.ktm.id}`, { session: sessions[who] }), 404,
      `GET the files of an org-level meeting as ${who}`);
    problem(await call('DELETE', `/api/v1/files/${hidden.id}`, { session: sessions[who] }), 404, `DELETE a file of an org-level meeting as ${who}`);
  }
  // The same detail as for a file that does not exist.
  const unknown = problem(await call('GET', `/api/v1/files/${unknownId}`, { session: sessions.case_worker }), 404, 'GET an unknown file');
  const hiddenP = problem(await call('GET', `/api/v1/files/${hidden.id}`, { session: sessions.case_worker }), 404, 'GET a hidden file');
  assert.equal(hiddenP.detail, unknown.detail, 'a hidden file looks like none');

  const open = await store('open', 'org_admin', meetings.platform.id, files.text, { name: 'forum-notes (fictional).txt' });
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin', 'ktm_viewer']) {
    assert.deepEqual(ok(await call('GET', `/api/v1/files/${open.id}`, { session: sessions[who] }), 200, `GET the forum's file as ${who}`), open);
    const res = await download(who, open.id);
    assert.equal(res.status, 200, `GET the forum's file content as ${who}: ${res.status}`);
    assert.ok(res.body.equals(files.text), `the bytes, as ${who}`);
    assert.deepEqual(await listOf(who, meetings.platform.id), [open], `the forum's files as ${who}`);
    forbidden(await call('DELETE', `/api/v1/files/${open.id}`, { session: sessions[who] }), `DELETE the forum's file as ${who}`);
  }
  // Pune takes part in the joint meeting: it reads its files (a need-to-know grant); Colombo does not.
  const joint = await store('joint', 'investigator', meetings.joint.id, files.csv, { name: 'joint.csv' });
  assert.ok((await download('case_worker', joint.id)).body.equals(files.csv), 'Pune reads the joint meeting\'s file');
  assert.deepEqual(await listOf('case_worker', meetings.joint.id), [joint]);
  forbidden(await call('DELETE', `/api/v1/files/${joint.id}`, { session: sessions.case_worker }), 'DELETE the joint meeting\'s file as Pune');
  problem(await download('analyst', joint.id), 404, 'Colombo, not taking part');

  // The forum narrowed to level org: its file is hidden from the others at once.
  const m = ok(await call('GET', `/api/v1/meetings/${meetings.platform.id}`, { session: sessions.org_admin }), 200, 'GET the forum');
  ok(await call('PATCH', `/api/v1/meetings/${m.id}`, { session: sessions.org_admin, body: { level: 'org', version: m.version } }), 200, 'PATCH the forum to level org');
  for (const who of ['case_worker', 'analyst', 'viewer', 'platform_admin']) {
    problem(await call('GET', `/api/v1/files/${open.id}`, { session: sessions[who] }), 404, `GET the file after the narrowing as ${who}`);
    problem(await download(who, open.id), 404, `GET the content after the narrowing as ${who}`);
  }
  assert.deepEqual(ok(await call('GET', `/api/v1/files/${open.id}`, { session: sessions.ktm_analyst }), 200, 'the owner still reads it'), open);
});

// ---- 5. erasing ------------------------------------------------------------------------

test('DELETE /api/v1/files/{id}: 403 for the owner\'s viewer and analyst; 204 for a writer of the owner; then 404 everywhere', async () => {
  const f = uploaded.png; // uploaded by the org admin
  for (const who of ['ktm_viewer', 'ktm_analyst'])
    forbidden(await call('DELETE', `/api/v1/files/${f.id}`, { session: sessions[who] }), `DELETE as ${who}`);
  problem(await call('DELETE', `/api/v1/files/${f.id}`, { session: sessions.investigator, csrf: null }), 403, 'DELETE without X-CSRF-Token');
  problem(await call('DELETE', `/api/v1/files/${f.id}`), 401, 'DELETE anonymous');
  assert.deepEqual(ok(await call('GET', `/api/v1/files/${f.id}`, { session: sessions.org_admin }), 200, 'GET after the refusals'), f);

  const res = await call('DELETE', `/api/v1/files/${f.id}`, { session: sessions.investigator });
  assert.equal(res.status, 204, `DELETE as the investigator: ${res.status} ${res.text}`);
  assert.equal(res.text, '', 'no body');
  expectAudit('investigator', 'file.delete', res, f.id);
  problem(await call('GET', `/api/v1/files/${f.id}`, { session: sessions.org_admin }), 404, 'GET after DELETE');
  problem(await download('org_admin', f.id), 404, 'GET the content after DELETE');
  problem(await call('DELETE', `/api/v1/files/${f.id}`, { session: sessions.org_admin }), 404, 'DELETE again');
  assert.ok(!(await listOf('org_admin', meetings.ktm.id)).some((x) => x.id === f.id), 'gone from the list');
  for (const id of [unknownId, 'not-an-id'])
    problem(await call('DELETE', `/api/v1/files/${id}`, { session: sessions.org_admin }), 404, `DELETE /api/v1/files/${id}`);
  // Pune's case worker erases the file of Pune's meeting.
  const p = await call('DELETE', `/api/v1/files/${uploaded.pune.id}`, { session: sessions.case_worker });
  assert.equal(p.status, 204, `DELETE Pune's file as its case worker: ${p.status} ${p.text}`);
  expectAudit('case_worker', 'file.delete', p, uploaded.pune.id);
  assert.deepEqual(await listOf('case_worker', meetings.pune.id), []);
});

// ---- 6. the database, and the audit trail ----------------------------------------------

test('a meeting\'s file is stored as sent: the bytes, the name in clear, no data key', async () => {
  for (const key of ['pdf', 'text', 'csv']) {
    const f = uploaded[key];
    const hex = engine === 'postgresql' ? 'upper(encode(content, \'hex\'))' : 'hex(content)';
    const rows = sql(env, `SELECT ${hex}, name, media_type, size, data_key IS NULL FROM files WHERE id = '${f.id}'`);
    assert.equal(rows.length, 1, `one row for ${key}`);
    const [content, name, type, size, noKey] = rows[0];
    assert.equal(content, files[key].toString('hex').toUpperCase(), `${key}: the bytes as uploaded`);
    assert.deepEqual([name, type, Number(size), ['1', 't'].includes(noKey)], [f.name, f.media_type, f.size, true], `${key}: ${rows[0].slice(1)}`);
  }
});

test('GET /api/v1/audit: a file.create entry for every upload and a file.delete for every erasure, with the request id; none for refusals', async () => {
  const trail = async (who, orgId) => {
    const q = `/api/v1/audit?limit=500${orgId ? `&org_id=${orgId}` : ''}`;
    const list = ok(await call('GET', q, { session: sessions[who] }), 200, `GET ${q} as ${who}`);
    assert.equal(list.next_cursor, null, `GET ${q}: one page`);
    return list.items;
  };
  for (const [chain, items] of [['ktm', await trail('org_admin')], ['pune', await trail('platform_admin', org.pune)]]) {
    for (const x of audited[chain]) {
      const e = items.find((i) => i.request_id === x.rid && i.action === x.action);
      assert.ok(e, `${chain}: a ${x.action} entry for request ${x.rid}`);
      assert.deepEqual([e.record_kind, e.record_id, e.outcome, e.actor_user], ['file', x.record, 'ok', x.actor], `${x.action}: ${JSON.stringify(e)}`);
    }
    const fileEntries = items.filter((i) => i.action.startsWith('file.'));
    assert.deepEqual(fileEntries.map((i) => `${i.action} ${i.request_id}`).sort(), audited[chain].map((x) => `${x.action} ${x.rid}`).sort(),
      `${chain}: exactly the uploads and erasures made, nothing for refusals`);
  }
  assert.deepEqual(['file.create', 'file.delete'].map((a) => audited.pune.filter((x) => x.action === a).length), [1, 1], 'Pune: one upload, one erasure');
});

test('atip stops cleanly on SIGTERM; atip audit verify is ok', async () => {
  await server.stop();
  const { entries } = auditVerify(env);
  assert.ok(entries >= audited.ktm.length + audited.pune.length, `${entries} entries`);
});

// Shared helpers for the API tests that talk JSON to a running `atip serve`
// (server.mjs starts it): requests with a session's cookie and CSRF token,
// assertions on the answers, and signing in.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { assertProblem, codes, nextTotp, secrets, uuid } from './server.mjs';

const token43 = /^[A-Za-z0-9_-]{43}$/;
const userKeys = ['active', 'email', 'id', 'name', 'org_id', 'role', 'totp_enrolled', 'version'];

// ---- requests ----------------------------------------------------------------

/**
 * One request to server (anything with a url): { status, headers, cookies
 * (the Set-Cookie list), text, json (undefined unless JSON), rid
 * (X-Request-Id) }.  Options: session ({ token, csrf }) sends its cookie
 * and, on unsafe methods, its CSRF token unless csrf says otherwise (null:
 * none); cookie sends that Cookie header (a bare value: atip=<value>);
 * csrf sends X-CSRF-Token; bearer sends Authorization: Bearer <bearer>;
 * authorization sends that Authorization header as is; body (not a string:
 * as JSON) goes as type (default application/json); headers go too.
 */
export async function call(server, method, p, { session, cookie, bearer, authorization, csrf, body, type, headers = {} } = {}) {
  const h = { ...headers };
  if (session) h.cookie = `atip=${session.token}`;
  if (cookie !== undefined) h.cookie = cookie.includes('=') ? cookie : `atip=${cookie}`;
  if (bearer !== undefined) h.authorization = `Bearer ${bearer}`;
  if (authorization !== undefined) h.authorization = authorization;
  if (csrf !== undefined && csrf !== null) h['x-csrf-token'] = csrf;
  else if (csrf === undefined && session && method !== 'GET') h['x-csrf-token'] = session.csrf;
  if (body !== undefined) {
    h['content-type'] = type || 'application/json';
    if (typeof body !== 'string') body = JSON.stringify(body);
  }
  const res = await fetch(server.url + p, { method, headers: h, body });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, cookies: res.headers.getSetCookie(), text, json, rid: res.headers.get('x-request-id') };
}

/**
 * call, signInRequest, signInPlain and signInWithCode without their server
 * argument: each asks getServer() for it (the server may start later).
 */
export function client(getServer) {
  return {
    call: (method, p, options) => call(getServer(), method, p, options),
    signInRequest: (account, code, options) => signInRequest(getServer(), account, code, options),
    signInPlain: (account, what, options) => signInPlain(getServer(), account, what, options),
    signInWithCode: (account, what, options) => signInWithCode(getServer(), account, what, options),
    addUser: (as, fields) => addUser(getServer(), as, fields),
    signInEnrolled: (account, what) => signInEnrolled(getServer(), account, what),
  };
}

// ---- answers -----------------------------------------------------------------

/** Asserts a JSON answer of status; its body. */
export function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  assert.match(res.headers.get('content-type') || '', /^application\/json/, `${what}: Content-Type`);
  return res.json;
}

/** Asserts a problem+json answer of status without a cookie; the problem. */
export function problem(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text}`);
  assertProblem(status, res.headers.get('content-type'), res.json, what);
  assert.equal(typeof res.json.title, 'string', `${what}: problem "title" field`);
  assert.deepEqual(res.cookies, [], `${what}: no Set-Cookie`);
  return res.json;
}

/** A 422 whose errors name exactly the given fields (in any order), each with a message; the problem. */
export function invalid(res, fields, what) {
  const p = problem(res, 422, what);
  assert.ok(Array.isArray(p.errors), `${what}: an "errors" list: ${res.text}`);
  for (const e of p.errors) {
    assert.equal(typeof e.field, 'string', `${what}: errors[].field: ${res.text}`);
    assert.ok(typeof e.message === 'string' && e.message.length > 0, `${what}: errors[].message: ${res.text}`);
  }
  assert.deepEqual(p.errors.map((e) => e.field).sort(), [...fields].sort(), `${what}: the fields named: ${res.text}`);
  return p;
}

/** Asserts the shape of a user as the API shows it. */
export function assertUserShape(u, what) {
  assert.deepEqual(Object.keys(u).sort(), userKeys, `${what}: fields of ${JSON.stringify(u)}`);
  assert.match(u.id, uuid, `${what}: id`);
  assert.match(u.org_id, uuid, `${what}: org_id`);
  assert.equal(typeof u.email, 'string', `${what}: email`);
  assert.equal(u.email, u.email.toLowerCase(), `${what}: email in lower case`);
  assert.equal(typeof u.name, 'string', `${what}: name`);
  assert.match(u.role, /^(platform_admin|org_admin|investigator|case_worker|analyst|viewer)$/, `${what}: role`);
  assert.equal(typeof u.active, 'boolean', `${what}: active`);
  assert.equal(typeof u.totp_enrolled, 'boolean', `${what}: totp_enrolled`);
  assert.ok(Number.isInteger(u.version) && u.version >= 1, `${what}: version ${u.version}`);
}

// ---- signing in ----------------------------------------------------------------

/**
 * POST /api/v1/session as account ({ email, password }; options override
 * either); with code (anything but undefined), its "totp" field too.  A
 * six-digit code goes into codes.
 */
export function signInRequest(server, account, code, { email = account.email, password = account.password } = {}) {
  if (/^\d{6}$/.test(code)) codes.add(code);
  return call(server, 'POST', '/api/v1/session', { body: code === undefined ? { email, password } : { email, password, totp: code } });
}

/**
 * Asserts a sign-in's 201: one HttpOnly SameSite=Strict session cookie, a
 * CSRF token, the user; both tokens go into secrets.  { token, csrf, user,
 * required (totp_enrolment_required), rid, res }.
 */
export function session(res, what) {
  assert.equal(res.status, 201, `${what}: expected 201, got ${res.status} ${res.text}`);
  assert.equal(res.cookies.length, 1, `${what}: one Set-Cookie: ${res.cookies}`);
  const m = res.cookies[0].match(/^atip=([A-Za-z0-9_-]{43}); Path=\/; HttpOnly; SameSite=Strict$/);
  assert.ok(m, `${what}: Set-Cookie ${res.cookies[0]}`);
  assert.deepEqual(Object.keys(res.json || {}).sort(), ['csrf_token', 'totp_enrolment_required', 'user'], `${what}: ${res.text}`);
  assert.match(res.json.csrf_token, token43, `${what}: csrf_token`);
  assert.equal(typeof res.json.totp_enrolment_required, 'boolean', `${what}: totp_enrolment_required`);
  assertUserShape(res.json.user, what);
  secrets.add(m[1]);
  secrets.add(res.json.csrf_token);
  return { token: m[1], csrf: res.json.csrf_token, user: res.json.user, required: res.json.totp_enrolment_required, rid: res.rid, res };
}

/** Signs in with the password alone (no second factor, or none yet); see session(). */
export async function signInPlain(server, account, what = account.email, options = {}) {
  return session(await signInRequest(server, account, undefined, options), what);
}

/**
 * Signs in with a TOTP code of account.totp the server has not taken yet
 * (server.mjs: nextTotp), then records its step in account.lastStep; see
 * session().
 */
export async function signInWithCode(server, account, what = account.email, options = {}) {
  const { code, step } = await nextTotp(account.totp, account.lastStep);
  const s = session(await signInRequest(server, account, code, options), what);
  account.lastStep = step;
  return s;
}

/**
 * Adds an account through POST /api/v1/users as the session as (a fictional
 * name, its role and organisation; tag keeps emails apart between test
 * files): the account { email, password, id }, its password a secret.
 */
export async function addUser(server, as, { name, role, orgId, tag }) {
  const account = { email: `${name}.${tag}@demo.invalid`, password: crypto.randomBytes(18).toString('base64url') };
  secrets.add(account.password);
  const u = ok(await call(server, 'POST', '/api/v1/users', {
    session: as, body: { org_id: orgId, email: account.email, name: `${name} (fictional)`, role, password: account.password },
  }), 201, `POST /api/v1/users (${name})`);
  assert.equal(u.org_id, orgId);
  return { ...account, id: u.id };
}

/**
 * Signs a new account in with its password and enrols a second factor
 * (admins and case roles must): a full session; its secrets and codes
 * recorded.
 */
export async function signInEnrolled(server, account, what = account.email) {
  const s = await signInPlain(server, account, what);
  assert.equal(s.required, true, `${what}: must enrol`);
  const e = ok(await call(server, 'POST', '/api/v1/me/totp', { session: s }), 201, `${what}: POST /api/v1/me/totp`);
  secrets.add(e.secret);
  const { code } = await nextTotp(e.secret);
  codes.add(code);
  const rc = ok(await call(server, 'POST', '/api/v1/me/totp/confirm', { session: s, body: { code } }), 200, `${what}: confirm`);
  for (const c of rc.recovery_codes) secrets.add(c);
  return s;
}

// The one way the UI talks to atip: JSON over /api/v1.  The session cookie
// is HttpOnly (the browser sends it); the CSRF token that sign-in returns
// is kept for this tab only and sent as X-CSRF-Token on unsafe requests.
const STORE = 'atip.session';

let state = load();
let onSignedOut = () => {};

function load() {
	try {
		return JSON.parse(sessionStorage.getItem(STORE)) || {};
	} catch {
		return {};
	}
}

function save() {
	sessionStorage.setItem(STORE, JSON.stringify(state));
}

/** True when this tab holds a session (it may still have expired). */
export function signedIn() {
	return Boolean(state.csrf);
}

/** True while the session may only enrol a second factor. */
export function mustEnrol() {
	return Boolean(state.mustEnrol);
}

export function setMustEnrol(v) {
	state.mustEnrol = Boolean(v);
	save();
}

/** Keeps what sign-in answered: the CSRF token and whether to enrol. */
export function startSession(answer) {
	state = { csrf: answer.csrf_token, mustEnrol: Boolean(answer.totp_enrolment_required) };
	save();
}

export function endSession() {
	state = {};
	sessionStorage.removeItem(STORE);
}

/** Called with no arguments when the server says the session is gone. */
export function whenSignedOut(fn) {
	onSignedOut = fn;
}

const safe = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends one request to /api/v1<path>.  Resolves { ok, status, data,
 * retryAfter } whatever happens; status 0 means the server could not be
 * reached.  data is the JSON body: the resource, or the problem document.
 */
export async function api(method, path, body) {
	const headers = { Accept: 'application/json' };
	if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	if (!safe.has(method) && state.csrf)
		headers['X-CSRF-Token'] = state.csrf;
	let res;
	try {
		res = await fetch(`/api/v1${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
		});
	} catch {
		return { ok: false, status: 0, data: null, retryAfter: null };
	}
	let data = null;
	if (/json/.test(res.headers.get('Content-Type') || '')) {
		try {
			data = await res.json();
		} catch {
			data = null;
		}
	}
	const retry = Number(res.headers.get('Retry-After'));
	const out = { ok: res.ok, status: res.status, data, retryAfter: retry > 0 ? retry : null };
	if (res.status === 401 && path !== '/session' && state.csrf) {
		endSession();
		onSignedOut();
	}
	return out;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '')
			q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : '';
}

/** Every page of a list, up to max items. */
export async function listAll(path, params = {}, max = 2000) {
	const items = [];
	let cursor;
	for (;;) {
		const res = await api('GET', path + query({ ...params, limit: 500, cursor }));
		if (!res.ok)
			return { ...res, items };
		items.push(...res.data.items);
		cursor = res.data.next_cursor;
		if (!cursor || items.length >= max)
			return { ok: true, status: 200, items };
	}
}

/**
 * Sends a file's bytes as the raw body of POST /api/v1<path>, its name in
 * X-File-Name (%-escaped UTF-8).  Resolves as api() does.
 */
export async function upload(path, file) {
	const headers = {
		Accept: 'application/json',
		'Content-Type': file.type || 'application/octet-stream',
		'X-File-Name': encodeURIComponent(file.name),
	};
	if (state.csrf)
		headers['X-CSRF-Token'] = state.csrf;
	let res;
	try {
		res = await fetch(`/api/v1${path}`, { method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store' });
	} catch {
		return { ok: false, status: 0, data: null, retryAfter: null };
	}
	let data = null;
	if (/json/.test(res.headers.get('Content-Type') || '')) {
		try {
			data = await res.json();
		} catch {
			data = null;
		}
	}
	if (res.status === 401 && state.csrf) {
		endSession();
		onSignedOut();
	}
	return { ok: res.ok, status: res.status, data, retryAfter: null };
}

// Shared helpers for the web UI's end-to-end tests: a real `atip serve` on
// a demo database serving web/, TOTP codes, and headless Chromium (Debian's
// chromium package, driven by playwright-core).
//
// Environment:
//   ATIP_TEST_BIN          the atip binary (default: ./atip)
//   ATIP_CHROMIUM          the browser (default: /usr/bin/chromium)
//   ATIP_E2E_SCREENSHOTS   a directory: save screenshots of the main pages there
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { assertCleanExit, bin, repoRoot, tempDir, withTimeout } from '../api/server.mjs';

export { repoRoot };
export const webRoot = path.join(repoRoot, 'web');
export const catalogue = JSON.parse(fs.readFileSync(path.join(webRoot, 'i18n', 'en.json'), 'utf8'));

/** The English text for a key; fails the test when the key is missing. */
export function en(key) {
	assert.ok(Object.hasOwn(catalogue, key), `no key ${key} in web/i18n/en.json`);
	return catalogue[key];
}

/**
 * A fresh data dir filled by `atip demo` (always SQLite: the UI does not
 * depend on the engine), served with the repository's web/.  Returns
 * { url, accounts, database (the SQLite file), stop() }; accounts maps a role to { email, role,
 * password, secret } as `atip demo` printed them.  With { workspace:
 * false }, organisations and accounts alone (`--only accounts`, where the
 * binary has it): the coordination workspace starts empty.
 */
export async function startDemo({ workspace = true } = {}) {
	const root = tempDir('atip-e2e-');
	const dataDir = path.join(root, 'data');
	const args = ['demo', '--data-dir', dataDir];
	if (!workspace && (await promisify(execFile)(bin, ['demo', '--help'])).stdout.includes('--only accounts'))
		args.push('--only', 'accounts');
	const { stdout } = await promisify(execFile)(bin, args, { cwd: root });
	const accounts = {};
	for (const line of stdout.split('\n')) {
		const f = line.split('\t');
		if (f.length === 4 && f[0].includes('@'))
			accounts[f[1]] = { email: f[0], role: f[1], password: f[2], secret: f[3] };
	}
	assert.ok(accounts.platform_admin, `atip demo printed no platform admin:\n${stdout}`);

	const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--web-dir', webRoot],
		{ cwd: root, env: { ...process.env, ATIP_MAX_PER_IP: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	proc.stdout.setEncoding('utf8');
	proc.stderr.setEncoding('utf8');
	proc.stderr.on('data', (d) => { err += d; });
	const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`atip did not start in 15 s\n${err}`)), 15000);
		proc.stdout.on('data', (d) => {
			out += d;
			const m = out.match(/is serving on (http:\/\/127\.0\.0\.1:\d+)/);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`atip exited (code ${code}, signal ${signal}) before serving\n${err}`));
		});
	});
	let stopped = null;
	return {
		url,
		accounts,
		database: path.join(dataDir, 'atip.db'),
		stderr: () => err,
		async stop() {
			if (!stopped) {
				if (proc.exitCode === null && proc.signalCode === null)
					proc.kill('SIGTERM');
				stopped = await withTimeout(exited, 30000, 'atip did not exit within 30 s of SIGTERM');
			}
			assertCleanExit(stopped, err);
		},
	};
}

function base32(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	const out = [];
	for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
		const v = alphabet.indexOf(c);
		assert.ok(v >= 0, `not base32: ${s}`);
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out.push((value >>> bits) & 0xff);
		}
	}
	return Buffer.from(out);
}

/** RFC 6238: HMAC-SHA1, 6 digits, for time step `step` (30 s each). */
export function totpAt(secret, step) {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
	const off = mac[mac.length - 1] & 0x0f;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1e6).padStart(6, '0');
}

const lastStep = new Map(); // secret -> the last step whose code was used

/**
 * A code atip will take: it accepts the steps next to now (clock drift) but
 * never a step it has seen for the account, or an older one; so a second
 * sign-in within 30 s uses the next step's code, and a third waits.
 */
export async function totp(secret) {
	for (;;) {
		const now = Math.floor(Date.now() / 30000);
		const step = Math.max(now, (lastStep.get(secret) ?? -1) + 1);
		if (step <= now + 1) {
			lastStep.set(secret, step);
			return totpAt(secret, step);
		}
		await new Promise((r) => setTimeout(r, 1000));
	}
}

/** Debian's Chromium, headless. */
export function launch() {
	return chromium.launch({
		executablePath: process.env.ATIP_CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
	});
}

/**
 * A new page in its own browser context (its own cookies), which records
 * the console's errors and warnings (a CSP violation, a missing string),
 * failed requests and uncaught errors; page.problems() lists them.
 */
export async function newPage(browser, url) {
	const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
	context.setDefaultTimeout(10000);
	const page = await context.newPage();
	const problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			problems.push(`console ${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('requestfailed', (r) => {
		// A navigation (goto, reload) cancels what is in flight: not a fault.
		if (r.failure()?.errorText !== 'net::ERR_ABORTED')
			problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
	});
	page.problems = () => problems.filter((p) => !expected.some((re) => re.test(p)));
	page.on('dialog', (d) => d.accept());
	return page;
}

// The browser logs every 4xx answer to fetch() as a console error, even when
// the UI handles it (a wrong password, a refused page): those are expected.
const expected = [/Failed to load resource: the server responded with a status of 4\d\d/];

/** Every [data-i18n] element: a catalogue key, with its text, not empty. */
export async function assertCatalogued(page, where) {
	const found = await page.$$eval('[data-i18n]', (els) => els.map((el) => ({
		key: el.dataset.i18n,
		text: el.textContent.trim(),
		visible: el.getClientRects().length > 0,
	})));
	assert.ok(found.length > 10, `${where}: only ${found.length} catalogued elements`);
	for (const { key, text, visible } of found) {
		assert.ok(Object.hasOwn(catalogue, key), `${where}: data-i18n="${key}" is not in en.json`);
		assert.notEqual(text, '', `${where}: element with data-i18n="${key}" is empty${visible ? '' : ' (hidden)'}`);
		assert.equal(text, catalogue[key].trim(), `${where}: element with data-i18n="${key}"`);
	}
	// No key shows up raw (t() of a missing key would show it).
	const body = await page.locator('body').innerText();
	for (const key of Object.keys(catalogue))
		assert.ok(!body.includes(key), `${where}: the raw key ${key} is on the page`);
	assert.ok(!/\{\w+\}/.test(body), `${where}: an unfilled {placeholder} is on the page`);
	assert.ok(!/\b(null|undefined|NaN|\[object \w+\])\b/.test(body), `${where}: a stray null, undefined or NaN:\n${body}`);
	const title = await page.title();
	assert.ok(!Object.keys(catalogue).some((k) => title.includes(k)), `${where}: title ${title}`);
}

/** Asserts that the page saw no CSP violation, script error or missing string. */
export function assertNoProblems(page) {
	assert.deepEqual(page.problems(), [], 'problems in the browser');
}

/** Saves a full-page screenshot when ATIP_E2E_SCREENSHOTS names a directory. */
export async function screenshot(page, name) {
	const dir = process.env.ATIP_E2E_SCREENSHOTS;
	if (!dir)
		return;
	fs.mkdirSync(dir, { recursive: true });
	await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * The form control labelled with the catalogue's text for key (a required
 * field's label goes on with "(required)").
 */
export function input(page, key) {
	const text = en(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return page.getByLabel(new RegExp(`^${text}( ${en('form.required').replace(/[()]/g, '\\$&')})?$`));
}

/** Signs in through the sign-in page; without a secret it sends no code. */
export async function signIn(page, { email, password, secret }) {
	if (!page.url().endsWith('#/signin'))
		await page.goto('/#/signin');
	await input(page, 'signin.email').fill(email);
	await input(page, 'signin.password').fill(password);
	if (secret)
		await input(page, 'signin.totp').fill(await totp(secret));
	await page.getByRole('button', { name: en('signin.submit') }).click();
}

/** Waits for the page whose heading is the catalogue's text for key. */
export async function heading(page, key) {
	await page.getByRole('heading', { level: 1, name: en(key) }).waitFor();
}

/** Follows a link of the main menu. */
export async function nav(page, key) {
	await page.getByRole('navigation').getByRole('link', { name: en(key), exact: true }).click();
}

/**
 * Calls /api/v1<path> from the page with its tab's session (to set a test
 * up, or to look behind the UI); resolves { status, data }.
 */
export async function call(page, method, path, body) {
	return page.evaluate(async ({ method, path, body }) => {
		const csrf = JSON.parse(sessionStorage.getItem('atip.session') || '{}').csrf;
		const headers = { Accept: 'application/json' };
		if (body !== undefined)
			headers['Content-Type'] = 'application/json';
		if (csrf && method !== 'GET')
			headers['X-CSRF-Token'] = csrf;
		const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const type = res.headers.get('Content-Type') || '';
		return { status: res.status, data: type.includes('json') ? await res.json() : await res.text() };
	}, { method, path, body });
}

/** A signed-in page for each of the demo accounts named by role. */
export async function signedIn(browser, server, ...roles) {
	const pages = {};
	for (const role of roles) {
		const page = await newPage(browser, server.url);
		await signIn(page, server.accounts[role]);
		await heading(page, 'orgs.title');
		pages[role] = page;
	}
	return pages;
}

/** The demo organisations by a word of their name: { id, name, ... }. */
export async function demoOrgs(page) {
	const { data } = await call(page, 'GET', '/orgs?limit=500');
	const find = (word) => data.items.find((o) => o.name.includes(word));
	return { ktm: find('Kathmandu'), pune: find('Pune'), colombo: find('Colombo'), border: find('Border'), secretariat: find('Secretariat') };
}

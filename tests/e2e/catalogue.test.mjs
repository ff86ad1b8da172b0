// The string catalogue, read without a browser: every key the UI names is
// in web/i18n/en.json, every key there is used, and the markup holds keys,
// not text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { catalogue, webRoot } from './helpers.mjs';

function files(dir, ext) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory())
			return files(p, ext);
		return p.endsWith(ext) ? [p] : [];
	});
}

const scripts = files(webRoot, '.js').map((p) => ({ p, text: fs.readFileSync(p, 'utf8') }));
const html = fs.readFileSync(path.join(webRoot, 'index.html'), 'utf8');
const keys = Object.keys(catalogue);
const prefixes = new Set(keys.map((k) => k.split('.')[0]));
// Keys the code builds from a prefix and a code: label('role', user.role).
const built = ['title.', 'role.', 'org_type.', 'org_status.', 'audit.action.', 'audit.outcome.', 'audit.kind.', 'cases.trail.'];

/** The string literals in the UI's code that look like catalogue keys. */
function literalKeys() {
	const found = new Map();
	for (const { p, text } of scripts)
		for (const m of text.matchAll(/(?<!label\()'([a-z_]+(?:\.[a-z_0-9]+)+)'/g))
			if (prefixes.has(m[1].split('.')[0]))
				found.set(m[1], path.relative(webRoot, p));
	for (const m of html.matchAll(/data-i18n="([^"]+)"/g))
		found.set(m[1], 'index.html');
	return found;
}

test('every key the UI names is in the catalogue', () => {
	const found = literalKeys();
	assert.ok(found.size > 50, `only ${found.size} keys found`);
	for (const [key, where] of found)
		assert.ok(Object.hasOwn(catalogue, key), `${where} names ${key}, which is not in en.json`);
	for (const { p, text } of scripts)
		for (const m of text.matchAll(/label\('([a-z_.]+)'/g))
			assert.ok(built.includes(`${m[1]}.`), `${path.relative(webRoot, p)}: label('${m[1]}') is not in the test's list of built keys`);
});

test('every key in the catalogue is used', () => {
	const found = literalKeys();
	const code = scripts.map((s) => s.text).join('\n');
	for (const key of keys) {
		const prefix = built.find((b) => key.startsWith(b));
		if (prefix) {
			const stem = prefix.slice(0, -1);
			assert.ok(code.includes(`'${stem}'`) || code.includes(`\`${prefix}\${`), `${key}: nothing builds keys from ${prefix}`);
			continue;
		}
		assert.ok(found.has(key), `${key} is in en.json but the UI never uses it`);
	}
	// Every role and organisation type the API knows has its words.
	for (const r of ['platform_admin', 'org_admin', 'case_worker', 'investigator', 'analyst', 'viewer'])
		assert.ok(Object.hasOwn(catalogue, `role.${r}`), r);
	for (const ty of ['government', 'law_enforcement', 'border_force', 'judiciary', 'prosecution', 'civil_society',
		'shelter', 'international_organisation', 'academic', 'private_sector'])
		assert.ok(Object.hasOwn(catalogue, `org_type.${ty}`), ty);
	for (const name of ['signin', 'enrol', 'orgs', 'users', 'audit', 'account'])
		assert.ok(Object.hasOwn(catalogue, `title.${name}`), name);
});

test('the markup holds keys, not text', () => {
	const body = html.replace(/<title>[^<]*<\/title>/, ''); // "atip" until the catalogue has loaded
	const text = body.replace(/<!doctype[^>]*>/i, '').replace(/<[^>]+>/g, '').trim();
	assert.equal(text, '', `text in web/index.html outside the catalogue: ${JSON.stringify(text)}`);
	assert.ok(!/<script(?![^>]*\bsrc=)/i.test(html), 'an inline script (the CSP forbids it)');
	assert.ok(!/\sstyle=|<style/i.test(html), 'an inline style (the CSP forbids it)');
	assert.ok(!/\son[a-z]+=/i.test(html), 'an inline event handler (the CSP forbids it)');
	assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(scripts.map((s) => s.text).join('\n')),
		'the UI puts text into the page through textContent only');
});

test('the catalogue is flat: keys to non-empty strings', () => {
	for (const [k, v] of Object.entries(catalogue)) {
		assert.match(k, /^[a-z_]+(\.[a-z_0-9]+)+$/, k);
		assert.equal(typeof v, 'string', k);
		assert.notEqual(v.trim(), '', k);
	}
});

// The platform admin adds an organisation and a case worker in it; the case
// worker signs in, is made to enrol a second factor, and then sees only
// what the rules allow.  Finally suspending the organisation ends the case
// worker's session.  One story, in order: each step needs the one before.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, en, heading, input, launch, nav, newPage, screenshot, signIn, startDemo, totp,
} from './helpers.mjs';

let server;
let browser;
let admin; // the platform admin's page
let worker; // the case worker's page (a browser context of its own)

const org = { name: 'Test Shelter, Kandy (fictional, e2e)', type: 'shelter', country: 'LK', subdivision: 'LK-2' };
const user = { email: 'e2e.caseworker@demo.invalid', name: 'E2E Case Worker (fictional)', password: 'a long passphrase for the e2e test' };
let secret;

before(async () => {
	server = await startDemo();
	browser = await launch();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/** The table's rows as arrays of cell texts. */
function rows(page) {
	return page.locator('main tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
}

test('the platform admin signs in with a code and adds an organisation', async () => {
	admin = await newPage(browser, server.url);
	await signIn(admin, server.accounts.platform_admin);
	await heading(admin, 'orgs.title');
	await admin.locator('main tbody tr').first().waitFor();
	assert.equal((await rows(admin)).length, 5, 'the five demo organisations');

	await admin.getByText(en('orgs.add_title')).click();
	const form = admin.locator('#org-add');
	// A wrong country and region: the API's 422 shows next to the fields.
	await input(form, 'orgs.name').fill(org.name);
	await input(form, 'orgs.type').selectOption(org.type);
	await input(form, 'orgs.country').fill('XX');
	await input(form, 'orgs.subdivision').fill('LK-99');
	await form.getByRole('button', { name: en('orgs.add') }).click();
	await form.getByRole('alert').filter({ hasText: en('error.invalid') }).waitFor();
	assert.equal(await input(form, 'orgs.country').getAttribute('aria-invalid'), 'true');
	assert.equal(await input(form, 'orgs.subdivision').getAttribute('aria-invalid'), 'true');
	assert.equal(await input(form, 'orgs.name').getAttribute('aria-invalid'), null);
	const countryError = await input(form, 'orgs.country').evaluate((el) => document.getElementById(el.getAttribute('aria-describedby').split(' ').pop()).textContent);
	assert.match(countryError, /ISO 3166-1/);
	await screenshot(admin, '10-orgs-field-errors');

	await input(form, 'orgs.country').fill(org.country);
	await input(form, 'orgs.subdivision').fill(org.subdivision);
	await form.getByRole('button', { name: en('orgs.add') }).click();
	await admin.getByRole('status').filter({ hasText: en('orgs.added').replace('{name}', org.name) }).waitFor();
	await admin.getByRole('cell', { name: org.name, exact: true }).waitFor();
	const row = (await rows(admin)).find((r) => r[0] === org.name);
	assert.deepEqual(row.slice(0, 5), [org.name, en('org_type.shelter'), 'Sri Lanka', org.subdivision, en('org_status.active')]);
	await screenshot(admin, '11-orgs-admin');
	await assertCatalogued(admin, '11-orgs-admin');
	assertNoProblems(admin);
});

test('the platform admin adds a case worker to the new organisation', async () => {
	await admin.getByRole('link', { name: en('orgs.users_named').replace('{name}', org.name) }).click();
	await heading(admin, 'users.title');
	assert.equal(await input(admin, 'users.org').locator('option:checked').textContent(), org.name);
	await admin.getByText(en('users.empty')).waitFor();

	await admin.getByText(en('users.add_title')).click();
	const form = admin.locator('#user-add');
	await input(form, 'users.email').fill(user.email);
	await input(form, 'users.name').fill(user.name);
	await input(form, 'users.role').selectOption('case_worker');
	await input(form, 'users.password').fill('too short');
	await form.getByRole('button', { name: en('users.add') }).click();
	await form.getByRole('alert').filter({ hasText: en('error.invalid') }).waitFor();
	assert.equal(await input(form, 'users.password').getAttribute('aria-invalid'), 'true');

	await input(form, 'users.password').fill(user.password);
	await form.getByRole('button', { name: en('users.add') }).click();
	await admin.getByRole('status').filter({ hasText: user.email }).waitFor();
	assert.deepEqual(await rows(admin), [[user.name, user.email, en('role.case_worker'), en('users.totp_off'), en('users.active')]]);
	await screenshot(admin, '12-users-admin');
	await assertCatalogued(admin, '12-users-admin');
	assertNoProblems(admin);
});

test('the new case worker signs in and is made to enrol a second factor', async () => {
	worker = await newPage(browser, server.url);
	await signIn(worker, { email: user.email, password: user.password });
	await heading(worker, 'enrol.title');
	assert.match(worker.url(), /#\/enrol$/);
	// Until enrolled, no other page: the menu is hidden and links lead back.
	assert.equal(await worker.getByRole('navigation').count(), 0);
	await worker.goto('/#/users');
	await heading(worker, 'enrol.title');

	const qr = worker.locator('svg.qr');
	await qr.waitFor();
	assert.equal(await qr.getAttribute('role'), 'img');
	assert.ok((await qr.locator('path, rect').count()) > 0, 'the QR code has shapes');
	const box = await qr.boundingBox();
	assert.ok(box.width > 100 && box.height > 100, 'the QR code is drawn at a scannable size');
	secret = (await worker.locator('#totp-secret').textContent()).replace(/\s+/g, '');
	assert.match(secret, /^[A-Z2-7]{32}$/);
	await screenshot(worker, '20-enrol');
	await assertCatalogued(worker, '20-enrol');

	await input(worker, 'enrol.code').fill('000000');
	await worker.getByRole('button', { name: en('enrol.confirm') }).click();
	await worker.getByText(en('enrol.code_wrong')).waitFor();

	await input(worker, 'enrol.code').fill(await totp(secret));
	await worker.getByRole('button', { name: en('enrol.confirm') }).click();
	await worker.getByRole('heading', { name: en('enrol.codes_title') }).waitFor();
	const codes = await worker.locator('#recovery-codes li').allTextContents();
	assert.equal(codes.length, 10);
	assert.equal(new Set(codes).size, 10);
	await screenshot(worker, '21-recovery-codes');
	await assertCatalogued(worker, '21-recovery-codes');
	await worker.getByRole('button', { name: en('enrol.continue') }).click();
	await heading(worker, 'orgs.title');
	assertNoProblems(worker);
});

test('the case worker sees only what the rules allow', async () => {
	// Organisations: the whole directory, but no form and no buttons.
	await worker.locator('main tbody tr').first().waitFor();
	const names = (await rows(worker)).map((r) => r[0]);
	assert.equal(names.length, 6);
	assert.ok(names.includes(org.name));
	assert.equal((await rows(worker))[0].length, 5, 'no actions column');
	assert.equal(await worker.locator('#org-add-panel, #org-add').count(), 0);
	assert.equal(await worker.getByRole('button', { name: en('orgs.suspend') }).count(), 0);
	await screenshot(worker, '22-orgs-case-worker');
	await assertCatalogued(worker, '22-orgs-case-worker');

	// Users: their own organisation's accounts only, and no form.
	await nav(worker, 'nav.users');
	await heading(worker, 'users.title');
	await worker.locator('main tbody tr').first().waitFor();
	assert.deepEqual(await rows(worker), [[user.name, user.email, en('role.case_worker'), en('users.totp_on'), en('users.active')]]);
	assert.equal(await worker.locator('#user-add-panel, #user-add, select[name="org"]').count(), 0);
	await screenshot(worker, '23-users-case-worker');
	await assertCatalogued(worker, '23-users-case-worker');

	// Audit: not in the menu, and refused when asked for.
	assert.equal(await worker.getByRole('navigation').getByRole('link', { name: en('nav.audit') }).count(), 0);
	await worker.goto('/#/audit');
	await worker.getByRole('heading', { name: en('audit.forbidden_title') }).waitFor();
	await worker.getByText(en('audit.forbidden')).waitFor();
	assert.equal(await worker.locator('main table').count(), 0);
	await screenshot(worker, '24-audit-refused');
	await assertCatalogued(worker, '24-audit-refused');

	// My account.
	await nav(worker, 'nav.account');
	await heading(worker, 'account.title');
	const facts = await worker.locator('dl.facts').innerText();
	for (const want of [user.name, user.email, en('role.case_worker'), org.name, 'Sri Lanka', en('account.totp_on')])
		assert.ok(facts.includes(want), `My account shows ${want}:\n${facts}`);
	await screenshot(worker, '25-account');
	await assertCatalogued(worker, '25-account');
	assertNoProblems(worker);
});

test('the case worker signs out and in again with a code from the new factor', async () => {
	await worker.getByRole('button', { name: en('nav.signout') }).click();
	await heading(worker, 'signin.title');
	await signIn(worker, { email: user.email, password: user.password, secret });
	await heading(worker, 'orgs.title');
	assertNoProblems(worker);
});

test('the platform admin reads the audit trail, handles a stale version, and suspends the organisation', async () => {
	await nav(admin, 'nav.audit');
	await heading(admin, 'audit.title');
	await admin.locator('main tbody tr').first().waitFor();
	const actions = (await rows(admin)).map((r) => r[1]);
	assert.ok(actions.includes(en('audit.action.org.create')), actions.join(', '));
	assert.ok(actions.includes(en('audit.action.user.create')), actions.join(', '));
	await screenshot(admin, '13-audit-admin');
	await assertCatalogued(admin, '13-audit-admin');

	await nav(admin, 'nav.orgs');
	await heading(admin, 'orgs.title');
	await admin.getByRole('cell', { name: org.name, exact: true }).waitFor();
	// Someone else suspends and reactivates it meanwhile: our version is stale.
	await admin.evaluate(async (name) => {
		const csrf = JSON.parse(sessionStorage.getItem('atip.session')).csrf;
		const list = await (await fetch('/api/v1/orgs?limit=500')).json();
		let o = list.items.find((x) => x.name === name);
		for (const status of ['suspended', 'active']) {
			const res = await fetch(`/api/v1/orgs/${o.id}`, {
				method: 'PATCH',
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
				body: JSON.stringify({ status, version: o.version }),
			});
			o = await res.json();
		}
	}, org.name);
	const suspend = admin.getByRole('button', { name: en('orgs.suspend_named').replace('{name}', org.name) });
	await suspend.click();
	await admin.getByRole('alert').filter({ hasText: en('orgs.conflict') }).waitFor();
	// The list was read again: now it works.
	await suspend.click();
	await admin.getByRole('status').filter({ hasText: en('orgs.suspended').replace('{name}', org.name) }).waitFor();
	const row = (await rows(admin)).find((r) => r[0] === org.name);
	assert.equal(row[4], en('org_status.suspended'));
	await admin.getByRole('button', { name: en('orgs.reactivate_named').replace('{name}', org.name) }).waitFor();
	assertNoProblems(admin);

	// The suspension ended the case worker's session: their next step
	// lands on the sign-in page, which says so.
	await nav(worker, 'nav.users');
	await heading(worker, 'signin.title');
	await worker.getByText(en('signin.session_ended')).waitFor();
	assertNoProblems(worker);
});

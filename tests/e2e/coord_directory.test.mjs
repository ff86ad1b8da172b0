// The member directory (each organisation's profile, written by its own
// admins, with its focal points; filters by theme, country of work and
// words), "list me as a focal point", and webhooks for org admins.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, call, demoOrgs, en, heading, input, launch, nav, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
let orgs;

before(async () => {
	server = await startDemo({ workspace: false });
	browser = await launch();
	pages = await signedIn(browser, server, 'org_admin', 'investigator', 'case_worker');
	orgs = await demoOrgs(pages.org_admin);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('an org admin writes the organisation\'s directory entry; a stale save is caught', async () => {
	const page = pages.org_admin;
	await page.getByRole('link', { name: orgs.ktm.name }).click();
	await page.getByRole('heading', { level: 1, name: orgs.ktm.name }).waitFor();
	await page.getByText(en('org.no_profile')).waitFor();
	await page.getByText(en('org.edit')).click();
	await assertCatalogued(page, 'organisation with the form open');
	await input(page, 'org.f.mandate').fill('Investigates trafficking networks across the border (fictional).');
	await input(page, 'org.f.works_in').fill('np, in');
	await input(page, 'org.f.areas').fill('Kathmandu valley, Pune district (fictional)');
	await page.getByRole('checkbox', { name: en('theme.prosecution') }).check();
	await page.getByRole('checkbox', { name: en('theme.protection') }).check();
	await input(page, 'org.f.services').fill('Joint investigation teams; victim-witness escort (fictional).');
	await input(page, 'org.f.website').fill('https://ktm-unit.example.org');
	await page.getByRole('button', { name: en('org.save') }).click();
	await page.getByText(en('org.saved')).waitFor();
	const entry = page.locator('section', { has: page.getByRole('heading', { name: en('org.profile') }) });
	await entry.getByText('Investigates trafficking networks across the border (fictional).').waitFor();
	await entry.getByText('Nepal, India').waitFor();
	await entry.getByText(`${en('theme.protection')}, ${en('theme.prosecution')}`).waitFor();

	// Another admin saves first: this save is refused, theirs is shown.
	const { data: p } = await call(page, 'GET', `/orgs/${orgs.ktm.id}/profile`);
	const other = await call(page, 'PUT', `/orgs/${orgs.ktm.id}/profile`, { version: p.version, mandate: 'Changed elsewhere (fictional).' });
	assert.equal(other.status, 200, JSON.stringify(other.data));
	await page.getByText(en('org.edit')).click();
	await input(page, 'org.f.services').fill('Joint investigation teams; training (fictional).');
	await page.getByRole('button', { name: en('org.save') }).click();
	await page.getByRole('alert').filter({ hasText: en('org.conflict') }).waitFor();
	await entry.getByText('Changed elsewhere (fictional).').waitFor();
	await page.getByRole('button', { name: en('org.save') }).click();
	await page.getByText(en('org.saved')).waitFor();
	await entry.getByText('Joint investigation teams; training (fictional).').waitFor();
	await entry.getByText('Investigates trafficking networks across the border (fictional).').waitFor();
	assertNoProblems(page);
});

test('an investigator lists themself as a focal point; others see it in the directory', async () => {
	const page = pages.investigator;
	await nav(page, 'nav.account');
	await heading(page, 'account.title');
	await page.getByText(en('account.focal_not_listed')).waitFor();
	await assertCatalogued(page, 'my account');
	// An empty subject: the API's 422 at the field.
	await page.getByRole('button', { name: en('account.focal_list') }).click();
	await page.locator('#focal-form .field[data-field="title"] .field-error').filter({ hasText: `${en('account.focal_title')} is required.` }).waitFor();
	assert.equal(await input(page, 'account.focal_title').getAttribute('aria-invalid'), 'true');
	await input(page, 'account.focal_title').fill('Cross-border investigations');
	await page.getByRole('button', { name: en('account.focal_list') }).click();
	await page.getByText(en('account.focal_listed').replace('{title}', 'Cross-border investigations')).waitFor();
	await page.getByRole('button', { name: en('account.focal_remove') }).waitFor();
	await screenshot(page, '60-focal-point');

	// Seen from another organisation: the entry and the focal point, no form.
	const other = pages.case_worker;
	await other.goto(`/#/org?id=${orgs.ktm.id}`);
	await other.getByRole('heading', { level: 1, name: orgs.ktm.name }).waitFor();
	const focal = other.locator('.focal li');
	await focal.first().waitFor();
	assert.match(await focal.first().innerText(), /Cross-border investigations/);
	await focal.first().getByRole('link', { name: server.accounts.investigator.email }).waitFor();
	assert.equal(await other.locator('#profile-edit').count(), 0, 'not their organisation');
	await assertCatalogued(other, 'organisation, seen by another');
	await screenshot(other, '61-org-profile');
	assertNoProblems(other);

	// Unlisting takes the name off again.
	await page.getByRole('button', { name: en('account.focal_remove') }).click();
	await page.getByText(en('account.focal_removed')).waitFor();
	await page.getByText(en('account.focal_not_listed')).waitFor();
	const { data } = await call(page, 'GET', `/orgs/${orgs.ktm.id}/profile`);
	assert.equal(data.focal_points.length, 0);
	assertNoProblems(page);
});

test('the directory filters by theme, country of work and words', async () => {
	const page = pages.case_worker;
	await nav(page, 'nav.orgs');
	await heading(page, 'orgs.title');
	const names = () => page.locator('main tbody tr td:first-child').allTextContents();
	await page.locator('main tbody tr').nth(4).waitFor();
	const search = page.getByRole('search');
	await input(search, 'orgs.filter.theme').selectOption('prosecution');
	await page.getByRole('button', { name: en('orgs.filter.apply') }).click();
	await page.waitForURL(/theme=prosecution/);
	await page.waitForFunction(() => document.querySelectorAll('main tbody tr').length === 1);
	assert.deepEqual(await names(), [orgs.ktm.name]);

	await page.goto('/#/orgs?works_in=IN');
	await page.waitForFunction(() => document.querySelectorAll('main tbody tr').length === 1);
	assert.deepEqual(await names(), [orgs.ktm.name]);
	assert.equal(await input(search, 'orgs.filter.works_in').inputValue(), 'IN');

	await input(search, 'orgs.filter.works_in').selectOption('');
	await input(search, 'orgs.filter.q').fill('escort');
	await page.getByRole('button', { name: en('orgs.filter.apply') }).click();
	await page.waitForURL(/q=escort/);
	await page.getByText(en('orgs.none_found')).waitFor();
	await input(search, 'orgs.filter.q').fill('networks');
	await page.getByRole('button', { name: en('orgs.filter.apply') }).click();
	await page.waitForURL(/q=networks/);
	await page.waitForFunction(() => document.querySelectorAll('main tbody tr').length === 1);
	assert.deepEqual(await names(), [orgs.ktm.name]);
	await assertCatalogued(page, 'organisations, filtered');
	await page.getByRole('link', { name: en('orgs.filter.clear') }).click();
	await page.locator('main tbody tr').nth(4).waitFor();
	assertNoProblems(page);
});

test('webhooks: an org admin adds one (the secret shown once), reads its delivery log, removes it', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.webhooks');
	await heading(page, 'webhooks.title');
	await page.getByText(en('webhooks.empty')).waitFor();
	await page.getByText(en('webhooks.add_title')).click();
	await assertCatalogued(page, 'webhooks with the form open');
	// Plain http to the outside is refused, at the field.
	await input(page, 'webhooks.url').fill('http://hooks.example.org/atip');
	await page.getByRole('checkbox', { name: en('webhooks.event.action_assigned') }).check();
	await page.getByRole('button', { name: en('webhooks.add') }).click();
	await page.locator('.field[data-field="url"] .field-error').filter({ hasText: 'must be https' }).waitFor();
	await input(page, 'webhooks.url').fill('https://hooks.example.invalid/atip');
	await page.getByRole('checkbox', { name: en('webhooks.event.mention') }).check();
	await page.getByRole('button', { name: en('webhooks.add') }).click();
	const box = page.locator('.secret-box');
	await box.getByText(en('webhooks.secret_once')).waitFor();
	const secret = await page.locator('#webhook-secret').textContent();
	assert.match(secret, /^whsec_/);
	assert.ok(await page.evaluate(() => document.activeElement.classList.contains('secret-box')), 'focus goes to the secret');
	const hook = page.locator('.hooks .hook');
	await hook.getByText('https://hooks.example.invalid/atip').waitFor();
	await hook.getByText(`${en('webhooks.event.mention')}, ${en('webhooks.event.action_assigned')}`, { exact: false }).waitFor();
	await screenshot(page, '62-webhook-secret');
	// The secret is not shown again.
	await page.reload();
	await heading(page, 'webhooks.title');
	await hook.first().waitFor();
	assert.ok(!(await page.locator('main').innerText()).includes(secret));

	// An action assigned to the unit is sent (and fails: .invalid).
	const made = await call(page, 'POST', '/actions', { title: 'Hook test action (fictional)', theme: 'partnership', countries: ['NP'], lead_org: orgs.ktm.id });
	assert.equal(made.status, 201);
	await hook.getByRole('button', { name: en('webhooks.deliveries_of').replace('{url}', 'https://hooks.example.invalid/atip') }).click();
	const rows = hook.locator('tbody tr');
	await rows.first().waitFor();
	await rows.first().getByText(en('webhooks.event.action_assigned')).waitFor();
	assert.match(await rows.first().innerText(), new RegExp(`${en('webhooks.state.pending')}|${en('webhooks.state.failed')}`));
	await assertCatalogued(page, 'webhook delivery log');
	await screenshot(page, '63-webhook-log');

	await hook.getByRole('button', { name: en('webhooks.remove_named').replace('{url}', 'https://hooks.example.invalid/atip') }).click();
	await page.getByText(en('webhooks.removed').replace('{url}', 'https://hooks.example.invalid/atip')).waitFor();
	await page.getByText(en('webhooks.empty')).waitFor();
	assertNoProblems(page);
});

test('webhooks are for org admins: others have no menu entry and are refused', async () => {
	const page = pages.case_worker;
	assert.equal(await page.getByRole('navigation').getByRole('link', { name: en('nav.webhooks') }).count(), 0);
	await page.goto('/#/webhooks');
	await heading(page, 'webhooks.title');
	await page.getByText(en('webhooks.forbidden')).waitFor();
	assert.equal(await page.locator('#webhook-add').count(), 0);
	assertNoProblems(page);
});

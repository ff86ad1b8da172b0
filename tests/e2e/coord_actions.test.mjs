// The priority tracker: views (my organisation's commitments, overdue,
// all), filters, the CSV export of what is shown, agreeing an action, and
// progress updates (the status by the lead or the owner only).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, call, demoOrgs, en, heading, input, launch, nav, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
let orgs;
const made = {};

before(async () => {
	server = await startDemo({ workspace: false });
	browser = await launch();
	pages = await signedIn(browser, server, 'org_admin', 'case_worker', 'analyst');
	orgs = await demoOrgs(pages.org_admin);
	// Two actions agreed by the Kathmandu unit, set up through the API.
	const late = await call(pages.org_admin, 'POST', '/actions', {
		title: 'Shelter places for returnees (fictional)', theme: 'protection', countries: ['IN', 'LK'],
		lead_org: orgs.pune.id, partners: [orgs.colombo.id], priority: 'high', due_date: '2024-01-15',
		level: 'platform', tlp: 'GREEN',
	});
	assert.equal(late.status, 201, JSON.stringify(late.data));
	made.late = late.data;
	const later = await call(pages.org_admin, 'POST', '/actions', {
		title: 'Awareness in border villages (fictional)', theme: 'prevention', countries: ['NP'],
		lead_org: orgs.ktm.id, priority: 'low', due_date: '2032-01-31',
	});
	assert.equal(later.status, 201, JSON.stringify(later.data));
	made.later = later.data;
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('an action is agreed through the form, with lead, partners, countries, theme, priority and due date', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.actions');
	await heading(page, 'actions.title');
	await page.getByText(en('actions.add_title')).click();
	const form = page.locator('#action-add');
	await input(form, 'actions.f.title').fill('Joint training of prosecutors (fictional)');
	await input(form, 'actions.f.description').fill('Two sessions, one in each country (fictional).');
	await input(form, 'actions.f.theme').selectOption('prosecution');
	await form.getByRole('checkbox', { name: 'Nepal', exact: true }).check();
	await form.getByRole('checkbox', { name: 'India', exact: true }).check();
	await input(form, 'actions.f.lead').selectOption({ label: orgs.ktm.name });
	await form.locator('.field[data-field="partners"]').getByRole('checkbox', { name: new RegExp(orgs.pune.name.replace(/[()]/g, '\\$&')) }).check();
	// The lead cannot be its own partner: the API's 422 shows at the field.
	await form.locator('.field[data-field="partners"]').getByRole('checkbox', { name: new RegExp(orgs.ktm.name.replace(/[()]/g, '\\$&')) }).check();
	await input(form, 'actions.f.priority').selectOption('high');
	await input(form, 'actions.f.due').fill('2031-09-30');
	await page.getByRole('button', { name: en('actions.agree') }).click();
	await form.locator('.field[data-field="partners"] .field-error').filter({ hasText: 'must not name the lead organisation' }).waitFor();
	await form.locator('.field[data-field="partners"]').getByRole('checkbox', { name: new RegExp(orgs.ktm.name.replace(/[()]/g, '\\$&')) }).uncheck();
	await page.getByRole('button', { name: en('actions.agree') }).click();
	await page.getByRole('heading', { level: 1, name: 'Joint training of prosecutors (fictional)' }).waitFor();
	const facts = page.locator('dl.facts');
	await facts.getByText(en('actions.status.proposed')).waitFor();
	await facts.getByText(en('actions.priority.high')).waitFor();
	await facts.getByText(en('theme.prosecution')).waitFor();
	await facts.getByText('India, Nepal').waitFor();
	await facts.getByRole('link', { name: orgs.pune.name }).waitFor();
	await assertCatalogued(page, 'action');
	assertNoProblems(page);
});

test('views: my organisation\'s commitments, overdue (flagged in words), all; filters and the CSV export follow them', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.actions');
	await heading(page, 'actions.title');
	// Mine: the Kathmandu unit agreed all three.
	const rows = page.locator('main tbody tr');
	await page.getByRole('link', { name: 'Awareness in border villages (fictional)' }).waitFor();
	assert.equal(await rows.count(), 3);
	// The Pune shelter leads one and is partner of another.
	const worker = pages.case_worker;
	await nav(worker, 'nav.actions');
	await heading(worker, 'actions.title');
	await worker.getByRole('link', { name: 'Shelter places for returnees (fictional)' }).waitFor();
	assert.deepEqual((await worker.locator('main tbody tr td:first-child a').allTextContents()).sort(),
		['Joint training of prosecutors (fictional)', 'Shelter places for returnees (fictional)']);
	assertNoProblems(worker);

	await page.getByRole('link', { name: en('actions.view.overdue') }).click();
	await page.waitForURL(/view=overdue/);
	await page.locator('.tabs a[aria-current="page"]', { hasText: en('actions.view.overdue') }).waitFor();
	await page.getByRole('link', { name: 'Shelter places for returnees (fictional)' }).waitFor();
	assert.equal(await rows.count(), 1);
	// Overdue in words, not by colour alone.
	await rows.first().getByText(en('actions.overdue')).waitFor();
	assert.equal(await rows.first().getAttribute('class'), 'overdue');
	await screenshot(page, '30-actions-overdue');
	await assertCatalogued(page, 'overdue actions');

	await page.getByRole('link', { name: en('actions.view.all') }).click();
	await page.waitForURL(/view=all/);
	await page.locator('.tabs a[aria-current="page"]', { hasText: en('actions.view.all') }).waitFor();
	await page.getByRole('link', { name: 'Awareness in border villages (fictional)' }).waitFor();
	assert.equal(await rows.count(), 3);
	await input(page.getByRole('search'), 'actions.filter.country').selectOption('LK');
	await page.getByRole('button', { name: en('actions.filter.apply') }).click();
	await page.waitForURL(/country=LK/);
	await page.waitForFunction(() => document.querySelectorAll('main tbody tr').length === 1);
	await page.getByRole('link', { name: 'Shelter places for returnees (fictional)' }).waitFor();
	assert.equal(await input(page.getByRole('search'), 'actions.filter.country').inputValue(), 'LK', 'the filter stays chosen');

	const exportLink = page.getByRole('link', { name: en('actions.export') });
	const href = await exportLink.getAttribute('href');
	const url = new URL(href, server.url);
	assert.equal(url.pathname, '/api/v1/actions');
	assert.equal(url.searchParams.get('format'), 'csv');
	assert.equal(url.searchParams.get('country'), 'LK');
	assert.equal(url.searchParams.get('view'), null, 'all: no view');
	const csv = await page.evaluate(async (u) => {
		const r = await fetch(u);
		return { type: r.headers.get('Content-Type'), body: await r.text() };
	}, href);
	assert.match(csv.type, /^text\/csv/);
	const lines = csv.body.trim().split('\r\n');
	assert.equal(lines.length, 2, csv.body);
	assert.match(lines[1], /Shelter places for returnees \(fictional\)/);
	assert.match(lines[1], /,"yes",/, 'overdue in the export too');

	// Another filter, in the overdue view: nothing matches.
	await page.getByRole('link', { name: en('actions.view.overdue') }).click();
	await page.waitForURL(/view=overdue&country=LK/);
	await input(page.getByRole('search'), 'actions.filter.theme').selectOption('prevention');
	await page.getByRole('button', { name: en('actions.filter.apply') }).click();
	await page.getByText(en('actions.empty.overdue')).waitFor();
	assert.match(await exportLink.getAttribute('href'), /format=csv&view=overdue&country=LK&theme=prevention/);
	assertNoProblems(page);
});

test('progress: the lead sets the status, a partner adds notes, a refused status shows at its field', async () => {
	const lead = pages.case_worker; // Pune: leads the late action
	await lead.goto(`/#/action?id=${made.late.id}`);
	await lead.getByRole('heading', { level: 1, name: made.late.title }).waitFor();
	await lead.getByText(en('actions.no_updates')).waitFor();
	// An empty note: the API's 422, next to the field.
	await lead.getByRole('button', { name: en('actions.report') }).click();
	await lead.locator('.field[data-field="note"] .field-error').filter({ hasText: `${en('actions.f.note')} is required.` }).waitFor();
	await input(lead, 'actions.f.note').fill('Twelve shelter places are ready (fictional).');
	await input(lead, 'actions.f.new_status').selectOption('in_progress');
	await lead.getByRole('button', { name: en('actions.report') }).click();
	await lead.getByText(en('actions.reported')).waitFor();
	await lead.locator('.updates').getByText(en('actions.status_set').replace('{status}', en('actions.status.in_progress'))).waitFor();
	await lead.locator('dl.facts').getByText(en('actions.status.in_progress')).waitFor();

	const partner = pages.analyst; // Colombo: partner, sets no status
	await partner.goto(`/#/action?id=${made.late.id}`);
	await partner.getByRole('heading', { level: 1, name: made.late.title }).waitFor();
	await partner.getByText('Twelve shelter places are ready (fictional).').waitFor();
	assert.equal(await input(partner, 'actions.f.new_status').count(), 0, 'no status for a partner');
	await partner.getByText(en('actions.status_lead_only')).waitFor();
	await input(partner, 'actions.f.note').fill('Counsellors briefed in Colombo (fictional).');
	await partner.getByRole('button', { name: en('actions.report') }).click();
	await partner.getByText(en('actions.reported')).waitFor();
	// Newest first, each signed with its organisation's name.
	const first = partner.locator('.updates li').first();
	await first.getByText('Counsellors briefed in Colombo (fictional).').waitFor();
	await first.getByText(orgs.colombo.name).waitFor();
	await screenshot(partner, '31-action-progress');
	await assertCatalogued(partner, 'action, partner');

	// While the lead's page is open, the owner hands the lead to Kathmandu:
	// the shelter's status change is now refused, and the page says so.
	const { data: now } = await call(pages.org_admin, 'GET', `/actions/${made.late.id}`);
	const moved = await call(pages.org_admin, 'PATCH', `/actions/${made.late.id}`,
		{ lead_org: orgs.ktm.id, partners: [orgs.pune.id, orgs.colombo.id], version: now.version });
	assert.equal(moved.status, 200, JSON.stringify(moved.data));
	await input(lead, 'actions.f.note').fill('Returns finished (fictional).');
	await input(lead, 'actions.f.new_status').selectOption('done');
	await lead.getByRole('button', { name: en('actions.report') }).click();
	await lead.getByRole('alert').filter({ hasText: en('error.invalid') }).waitFor();
	await lead.locator('.field[data-field="status"] .field-error').filter({ hasText: `${en('actions.f.new_status')} is changed by the lead or the owner only.` }).waitFor();
	assert.equal(await input(lead, 'actions.f.new_status').getAttribute('aria-invalid'), 'true');
	assert.equal(await lead.evaluate(() => document.activeElement.name), 'status');
	await screenshot(lead, '32-action-status-refused');
	assertNoProblems(lead);
	assertNoProblems(partner);
});

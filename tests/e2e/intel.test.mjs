// Intelligence in the browser, on the demo: the Kathmandu investigator
// writes a report (a refused field is said beside it), adds indicators (a
// refused row is said beside it) and sees the recruiter's number, written
// another way, link to the Pune shelter's report; pastes a chat and adds
// two of the values proposed; looks a value up from the list in yet
// another format; opens the network (a picture) and finds a path; records
// a platform request and downloads the STIX bundle.  The Colombo analyst
// has no "New report" button and sees a person's name only as restricted.
// Every number, handle and name here is made up.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, call, en, heading, input, launch, nav, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
let reportId;

const title = 'Recruiter seen at the bus park (fictional)';
const puneTitle = 'Girls promised hotel work, recruited on Telegram (fictional)';
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));

before(async () => {
	server = await startDemo();
	browser = await launch();
	pages = await signedIn(browser, server, 'investigator', 'analyst');
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the Kathmandu investigator writes a report; a refused field is said beside it', async () => {
	const inv = pages.investigator;
	await nav(inv, 'nav.intel');
	await heading(inv, 'intel.title');
	await inv.getByRole('link', { name: puneTitle, exact: true }).waitFor();
	await assertCatalogued(inv, 'the reports');
	await inv.getByRole('button', { name: en('intel.new'), exact: true }).click();
	const form = inv.locator('#report-new');
	await input(form, 'intel.f.title').fill(title);
	await input(form, 'intel.f.narrative').fill('A man handing out job cards at the bus park (fictional).');
	await input(form, 'intel.f.places').fill('np, IN-MH');
	await form.getByLabel(en('intel.platform.telegram'), { exact: true }).check();
	await input(form, 'intel.f.reliability').selectOption({ label: en('intel.reliability.b') });
	await input(form, 'intel.f.credibility').selectOption({ label: en('intel.credibility.2') });
	await input(form, 'share.level').selectOption({ label: en('level.platform') });
	await input(form, 'share.tlp').selectOption({ label: en('tlp.green') });
	await input(form, 'intel.f.handling').selectOption('H3');
	await form.getByRole('button', { name: en('intel.create'), exact: true }).click();
	const noteError = form.locator('.field[data-field="handling_note"] .field-error');
	await noteError.waitFor();
	assert.match(await noteError.innerText(), /H3/);
	await input(form, 'intel.f.handling_note').fill('Ask the unit before use (fictional).');
	await form.getByRole('button', { name: en('intel.create'), exact: true }).click();
	await inv.getByRole('heading', { level: 1, name: title }).waitFor();
	reportId = new URL(inv.url()).hash.split('id=')[1];
	const facts = inv.locator('#report-facts');
	await facts.getByText(en('intel.handling.h3_means')).waitFor();
	await facts.getByText('Ask the unit before use (fictional).', { exact: false }).waitFor();
	await facts.getByText(en('intel.reliability.b')).waitFor();
	assertNoProblems(inv);
});

test('indicators: a refused row is said beside it; the number written another way links to Pune\'s report', async () => {
	const inv = pages.investigator;
	const form = inv.locator('#indicators-add');
	const rows = form.locator('.indicator-row');
	await input(rows.nth(0), 'intel.f.type').selectOption('email');
	await input(rows.nth(0), 'intel.f.value').fill('nobody@');
	await form.getByRole('button', { name: en('intel.add_row'), exact: true }).click();
	await input(rows.nth(1), 'intel.f.type').selectOption('person_name');
	await input(rows.nth(1), 'intel.f.value').fill('Demo Recruiter (fictional)');
	await form.getByRole('button', { name: en('intel.add'), exact: true }).click();
	const err = rows.nth(0).locator('.field[data-field="indicators/0/value"] .field-error');
	await err.waitFor();
	assert.equal(await rows.nth(1).locator('.field-error:not([hidden])').count(), 0, 'the good row has no error');
	// The recruiter's number, as the demo's reports do not write it.
	await input(rows.nth(0), 'intel.f.type').selectOption('phone');
	await input(rows.nth(0), 'intel.f.value').fill('+91-98200-01234');
	await input(rows.nth(0), 'intel.f.note').fill('on the job card');
	await form.getByRole('button', { name: en('intel.add'), exact: true }).click();
	await inv.getByText(fill(en('intel.added'), { n: 2 })).waitFor();
	const added = inv.locator('section.added');
	await added.getByRole('link', { name: puneTitle, exact: true }).waitFor();
	// On the list: the number with its badge; its links show the Pune report.
	const phone = inv.locator('li.indicator', { hasText: '+91-98200-01234' });
	await phone.getByText(fill(en('intel.linked_many'), { n: 2 })).waitFor();
	await phone.getByRole('button', { name: fill(en('intel.show_links_named'), { value: '+91-98200-01234' }), exact: true }).click();
	const links = phone.locator('.indicator-links');
	await links.getByRole('link', { name: puneTitle, exact: true }).waitFor();
	await links.getByText('Demo Safe Home Shelter, Pune (fictional)', { exact: false }).first().waitFor();
	await links.getByText(en('intel.seen_between').split('{first}')[0].trim(), { exact: false }).waitFor();
	// The owner's investigator reads the name.
	await inv.locator('li.indicator', { hasText: 'Demo Recruiter (fictional)' }).waitFor();
	await screenshot(inv, 'report');
	await assertCatalogued(inv, 'a report');
	assertNoProblems(inv);
});

test('pasted text: two of the values proposed are confirmed and added', async () => {
	const inv = pages.investigator;
	const card = inv.locator('#extract');
	await input(card, 'intel.extract.text').fill('[10:02] Agent: hotel job Dubai, pay advance to visa.fees.fictional@okaxis\n'
		+ '[10:03] Agent: or mail hr.desk.fictional@example.com, see https://jobs-abroad.example.org/apply');
	await card.getByRole('button', { name: en('intel.extract.find'), exact: true }).click();
	const proposals = card.locator('#proposals-form');
	await proposals.waitFor();
	await proposals.getByLabel(`${en('intel.type.upi')}: visa.fees.fictional@okaxis`, { exact: false }).check();
	await proposals.getByLabel(`${en('intel.type.email')}: hr.desk.fictional@example.com`, { exact: false }).check();
	await proposals.getByRole('button', { name: en('intel.extract.add'), exact: true }).click();
	await inv.getByText(fill(en('intel.added'), { n: 2 })).waitFor();
	await inv.locator('li.indicator', { hasText: 'visa.fees.fictional@okaxis' }).waitFor();
	await inv.locator('li.indicator', { hasText: 'hr.desk.fictional@example.com' }).waitFor();
	assert.equal(await inv.locator('li.indicator', { hasText: 'jobs-abroad.example.org' }).count(), 0, 'the link was not ticked');
	assertNoProblems(inv);
});

test('the list page\'s search takes the number in yet another format, and counts what it may not see', async () => {
	const inv = pages.investigator;
	await nav(inv, 'nav.intel');
	await heading(inv, 'intel.title');
	const box = inv.locator('#intel-search');
	await input(box, 'intel.search.value').fill('0091 98200 01234');
	await box.getByRole('button', { name: en('intel.search.submit'), exact: true }).click();
	const found = box.locator('.found-value');
	await found.getByText('+919820001234').waitFor();
	await found.getByRole('link', { name: title, exact: true }).waitFor();
	await found.getByRole('link', { name: puneTitle, exact: true }).waitFor();
	// The UPI id is also in a Pune report kept in the shelter: only counted.
	await input(box, 'intel.search.value').fill('HotelJobs.Fictional@OKAXIS');
	await box.getByRole('button', { name: en('intel.search.submit'), exact: true }).click();
	await box.getByText(fill(en('intel.hidden_one'), { org: 'Demo Safe Home Shelter, Pune (fictional)' })).waitFor();
	assert.ok(!(await box.innerText()).includes('Advance fees paid'), 'not the hidden report\'s title');
	await screenshot(inv, 'reports');
	await assertCatalogued(inv, 'a search');
	assertNoProblems(inv);
});

test('the network is a picture with a legend; the shortest path is a chain', async () => {
	const inv = pages.investigator;
	// The demo's scam-compound report names the unit's case.
	await inv.getByRole('link', { name: 'IT jobs abroad advertised in a chat group (fictional)', exact: true }).click();
	await inv.getByRole('link', { name: 'KTM-CYB-007 (fictional)', exact: true }).waitFor();
	await inv.goto(`/#/report?id=${reportId}`);
	await inv.getByRole('heading', { level: 1, name: title }).waitFor();
	const card = inv.locator('#network');
	await card.getByRole('button', { name: en('intel.network.show'), exact: true }).click();
	const img = card.locator('img.network-picture');
	await img.waitFor();
	await inv.waitForFunction(() => document.querySelector('img.network-picture')?.naturalWidth > 0);
	assert.match(await img.getAttribute('alt'), /\d+/);
	await card.locator('.legend').getByText(en('intel.network.report'), { exact: true }).waitFor();
	assert.equal(await card.locator('svg').count(), 0, 'no SVG markup in the page');
	const form = card.locator('#path-form');
	const from = form.locator('fieldset.path-end').nth(0);
	const to = form.locator('fieldset.path-end').nth(1);
	await input(from, 'intel.f.type').selectOption('phone');
	await input(from, 'intel.f.value').fill('+91 98200 01234');
	await input(to, 'intel.f.type').selectOption('handle');
	await input(to, 'intel.f.qualifier_platform').selectOption('telegram');
	await input(to, 'intel.f.value').fill('@gulf_hotel_jobs_fictional');
	await form.getByRole('button', { name: en('intel.path.find'), exact: true }).click();
	const chain = form.locator('ol.chain');
	await chain.waitFor();
	const steps = await chain.locator('li').allInnerTexts();
	assert.ok(steps.length >= 3, steps.join(' → '));
	assert.match(steps[0], /98200.?01234/);
	assert.ok(steps.at(-1).includes('gulf_hotel_jobs_fictional'), steps.at(-1));
	await screenshot(inv, 'network');
	assertNoProblems(inv);
});

test('a platform request is recorded (a missing date is said beside it) and updated; the STIX bundle downloads', async () => {
	const inv = pages.investigator;
	const form = inv.locator('#request-add');
	await input(form, 'intel.request.platform').selectOption({ label: en('intel.platform.telegram') });
	await input(form, 'intel.request.kind').selectOption('takedown');
	await input(form, 'intel.request.target').fill('Channel @gulf_hotel_jobs_fictional');
	await input(form, 'intel.request.status').selectOption('sent');
	await form.getByRole('button', { name: en('intel.request.add'), exact: true }).click();
	await form.locator('.field[data-field="sent_on"] .field-error').waitFor();
	await input(form, 'intel.request.sent_on').fill('2026-02-21');
	await input(form, 'intel.request.reference').fill('TG-REQ-42 (fictional)');
	await form.getByRole('button', { name: en('intel.request.add'), exact: true }).click();
	await inv.getByText(en('intel.request.added')).waitFor();
	const req = inv.locator('li.request', { hasText: 'TG-REQ-42 (fictional)' });
	await req.locator('.badge', { hasText: en('intel.request.status.sent') }).waitFor();
	await req.getByText(en('intel.request.update'), { exact: true }).click();
	await input(req, 'intel.request.status').selectOption('complied');
	await input(req, 'intel.request.response').fill('Channel removed (fictional).');
	await req.getByRole('button', { name: en('intel.request.save'), exact: true }).click();
	await inv.getByText(en('intel.request.saved')).waitFor();
	await inv.locator('li.request', { hasText: 'TG-REQ-42 (fictional)' }).locator('.badge', { hasText: en('intel.request.status.complied') }).waitFor();

	const [download] = await Promise.all([
		inv.waitForEvent('download'),
		inv.getByRole('button', { name: en('intel.stix.download'), exact: true }).click(),
	]);
	assert.match(download.suggestedFilename(), /\.json$/);
	const bundle = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
	assert.equal(bundle.type, 'bundle');
	assert.ok(!JSON.stringify(bundle).includes('Demo Recruiter'), 'no person name leaves');
	await assertCatalogued(inv, 'a report with a request');
	assertNoProblems(inv);
});

test('a change saved by someone else meanwhile is refused as such; after a reload the change is saved', async () => {
	const inv = pages.investigator;
	await inv.goto(`/#/report?id=${reportId}`);
	await inv.getByRole('heading', { level: 1, name: title }).waitFor();
	const now = (await call(inv, 'GET', `/reports/${reportId}`)).data;
	assert.equal((await call(inv, 'PATCH', `/reports/${reportId}`, { narrative: 'Changed in another tab (fictional).', version: now.version })).status, 200);
	await inv.getByText(en('intel.edit'), { exact: true }).click();
	const form = inv.locator('#report-edit');
	await input(form, 'intel.f.narrative').fill('Seen twice at the bus park (fictional).');
	await form.getByRole('button', { name: en('intel.save'), exact: true }).click();
	await form.getByText(en('intel.conflict')).waitFor();
	await inv.reload();
	await inv.getByRole('heading', { level: 1, name: title }).waitFor();
	await inv.getByText('Changed in another tab (fictional).').waitFor();
	await inv.getByText(en('intel.edit'), { exact: true }).click();
	await input(form, 'intel.f.narrative').fill('Seen twice at the bus park (fictional).');
	await form.getByRole('button', { name: en('intel.save'), exact: true }).click();
	await inv.getByText(en('intel.saved')).waitFor();
	await inv.locator('#report-facts').locator('..').getByText('Seen twice at the bus park (fictional).').waitFor();
	assertNoProblems(inv);
});

test('the Colombo analyst: no "New report" button, and a person\'s name only as restricted', async () => {
	const an = pages.analyst;
	await nav(an, 'nav.intel');
	await heading(an, 'intel.title');
	await an.getByRole('link', { name: title, exact: true }).waitFor();
	assert.equal(await an.getByRole('button', { name: en('intel.new'), exact: true }).count(), 0);
	await an.getByRole('link', { name: title, exact: true }).click();
	await an.getByRole('heading', { level: 1, name: title }).waitFor();
	await an.locator('li.indicator', { hasText: en('intel.restricted') }).waitFor();
	const text = await an.locator('main').innerText();
	assert.ok(!text.includes('Demo Recruiter'), 'the name is not on the page');
	assert.equal(await an.locator('#indicators-add').count(), 0, 'no adding');
	assert.equal(await an.getByRole('button', { name: en('intel.delete'), exact: true }).count(), 0, 'no deleting');
	assert.equal((await call(an, 'POST', '/reports', { title: 'x' })).status, 403);
	await assertCatalogued(an, 'a report seen by an analyst');
	assertNoProblems(an);
});

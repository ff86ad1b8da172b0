// The service directory and referrals in the browser, on the demo with its
// workspace: the Pune case worker finds the Kathmandu unit's repatriation
// service and refers her case PUNE-2026-014 to it sharing two personal
// fields; Kathmandu's investigator reads exactly those fields, accepts,
// starts and completes; the case worker sees it completed (and is told).
// The Colombo analyst sees the Pune shelter's confidential place without
// its street, distances, free places and a stale figure; a decline needs
// a reason, given in a dialog; a referral without consent asks for the
// reason to override it, and is withdrawn; org admins see indicators; a
// provider updates its free places.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sqlite } from '../api/server.mjs';
import {
	assertCatalogued, assertNoProblems, call, demoOrgs, en, heading, input, launch, nav, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
let orgs;

before(async () => {
	server = await startDemo();
	browser = await launch();
	pages = await signedIn(browser, server, 'case_worker', 'investigator', 'org_admin', 'analyst');
	orgs = await demoOrgs(pages.case_worker);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/** A Pune case with one victim who consented (scopes) to Kathmandu, through the API. */
async function newCase(ref, scopes) {
	const cw = pages.case_worker;
	const c = await call(cw, 'POST', '/cases', { reference: `${ref} (fictional)` });
	assert.equal(c.status, 201, JSON.stringify(c.data));
	const v = await call(cw, 'POST', `/cases/${c.data.id}/persons`, { role: 'victim', gender: 'Feminine', first_name: `${ref}-Name (fictional)` });
	assert.equal(v.status, 201, JSON.stringify(v.data));
	if (scopes) {
		const consent = await call(cw, 'POST', `/cases/${c.data.id}/consents`, {
			person_id: v.data.id, consent: true, scopes, org_ids: [orgs.ktm.id], purpose: 'Return home (fictional)', given_by: 'Person',
		});
		assert.equal(consent.status, 201, JSON.stringify(consent.data));
	}
	return c.data;
}

/** A referral of case c to Kathmandu, made by the case worker through the API. */
async function referToKathmandu(c) {
	const r = await call(pages.case_worker, 'POST', '/referrals', { case_id: c.id, to_org: orgs.ktm.id, reason: 'Legal aid (fictional)', fields: ['first_name'] });
	assert.equal(r.status, 201, JSON.stringify(r.data));
	return r.data;
}

test('a case worker finds the repatriation service and refers her case sharing two fields; Kathmandu reads exactly those, accepts, starts and completes', async () => {
	const cw = pages.case_worker;
	const c = (await call(cw, 'GET', '/cases')).data.items.find((x) => x.reference === 'PUNE-2026-014 (fictional)');
	// The demo shares every personal field of this case with Kathmandu by
	// hand; that grant ends here, so Kathmandu reads what the referral shares.
	assert.equal((await call(cw, 'DELETE', `/cases/${c.id}/grants/${orgs.ktm.id}`)).status, 204);

	await nav(cw, 'services.nav');
	await heading(cw, 'services.title');
	await input(cw, 'services.filter.type').selectOption({ label: en('services.type.repatriation') });
	await cw.getByRole('button', { name: en('services.filter.apply') }).click();
	// The filtered list replaces the whole one: wait for it, not for an
	// item both lists hold.
	await cw.waitForURL(/type=repatriation/);
	const found = cw.locator('li.result', { hasText: 'Return and family tracing (fictional)' });
	await found.getByText(`${en('services.type.repatriation')} · ${orgs.ktm.name}`).waitFor();
	await cw.waitForFunction(() => document.querySelectorAll('li.result').length === 1, null, { timeout: 5000 })
		.catch(() => {});
	assert.equal(await cw.locator('li.result').count(), 1, 'repatriation services only');
	await assertCatalogued(cw, 'services, repatriation');

	// Referring from the case's page.
	await cw.goto(`/#/case?id=${c.id}`);
	await cw.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await cw.locator('#referrals').getByText(en('referrals.case_none')).waitFor();
	await cw.getByText(en('referrals.refer.title')).click();
	const form = cw.locator('#refer-form');
	await input(form, 'referrals.refer.type').selectOption({ label: en('services.type.repatriation') });
	await input(form, 'referrals.refer.service').selectOption({ label: `Return and family tracing (fictional) · ${orgs.ktm.name}` });
	await input(form, 'referrals.refer.reason').fill('She goes home to her mother; meet her at the border (fictional).');
	await input(form, 'referrals.refer.urgency').selectOption({ label: en('referrals.urgency.urgent') });
	const fields = form.getByRole('group', { name: en('referrals.refer.fields') });
	await fields.getByLabel(en('cases.field.first_name'), { exact: true }).check();
	await fields.getByLabel(en('cases.field.mobile_phone'), { exact: true }).check();
	assert.equal(await input(form, 'referrals.refer.override').isVisible(), false, 'her consent covers it: no override');
	await form.getByRole('button', { name: en('referrals.refer.submit') }).click();
	await cw.getByRole('status').filter({ hasText: `The case was referred to ${orgs.ktm.name}.` }).waitFor();
	const sent = cw.locator('#referrals li.referral').first();
	await sent.locator('.referral-state').filter({ hasText: en('referrals.state.requested') }).waitFor();
	await sent.getByText('First name, Mobile phone').waitFor();
	await sent.getByRole('link', { name: 'Return and family tracing (fictional)' }).waitFor();
	// The grant that comes with it is the referral's, not ended by hand.
	await cw.locator('#sharing').getByRole('link', { name: en('referrals.grant_via') }).waitFor();
	await screenshot(cw, '90-case-referred');
	assertNoProblems(cw);

	// Kathmandu: in its incoming referrals.
	const inv = pages.investigator;
	await nav(inv, 'nav.referrals');
	await heading(inv, 'referrals.title');
	const entry = inv.locator('li.referral', { hasText: c.reference });
	await entry.locator('.referral-state').filter({ hasText: en('referrals.state.requested') }).waitFor();
	await entry.getByText(en('referrals.urgency.urgent'), { exact: true }).first().waitFor();
	await entry.getByText('First name, Mobile phone').waitFor();
	await entry.getByRole('link', { name: orgs.pune.name }).waitFor();
	const id = await entry.getAttribute('data-referral');
	await screenshot(inv, '91-referrals-incoming');
	await assertCatalogued(inv, 'incoming referrals');

	// Her case, with exactly the fields shared.
	await entry.getByRole('link', { name: c.reference, exact: true }).click();
	await inv.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await inv.getByRole('button', { name: en('cases.show_personal') }).click();
	const victim = inv.locator('#persons li.person').first();
	await victim.getByRole('heading', { name: 'Victim 1: Sita (fictional)' }).waitFor();
	await victim.getByText('+9779800000001').waitFor();
	assert.equal(await inv.getByText('Example', { exact: true }).count(), 0, 'her family name was not shared');
	assertNoProblems(inv);

	// Accepted, started, completed from the referrals page.
	await nav(inv, 'nav.referrals');
	await heading(inv, 'referrals.title');
	const mine = inv.locator(`li[data-referral="${id}"]`);
	const moves = [
		[`Accept the referral of ${c.reference}`, `You accepted the referral of ${c.reference}.`, 'referrals.state.accepted'],
		[`Start work on the referral of ${c.reference}`, `Work on the referral of ${c.reference} has started.`, 'referrals.state.in_progress'],
		[`Complete the referral of ${c.reference}`, `The referral of ${c.reference} is completed`, 'referrals.state.completed'],
	];
	for (const [button, told, state] of moves) {
		await mine.getByRole('button', { name: button }).click();
		const notice = inv.getByRole('status').filter({ hasText: told });
		await notice.waitFor();
		assert.equal(await notice.evaluate((el) => el === document.activeElement), true, 'focus goes to the notice');
		await mine.locator('.referral-state').filter({ hasText: en(state) }).waitFor();
	}
	await mine.getByText(en('referrals.case_closed')).waitFor();
	assert.equal(await mine.getByRole('button').count(), 0, 'nothing more to do');
	assert.equal((await call(inv, 'GET', `/cases/${c.id}`)).status, 404, 'the case is closed to Kathmandu again');
	assertNoProblems(inv);

	// The case worker is told, and sees it completed.
	await nav(cw, 'nav.inbox');
	await heading(cw, 'inbox.title');
	const note = cw.locator('.inbox li').filter({ hasText: `${orgs.ktm.name} completed the referral of the case ${c.reference}.` });
	await note.getByRole('link', { name: `the case ${c.reference}` }).click();
	await heading(cw, 'referrals.one_outgoing');
	await cw.locator(`li[data-referral="${id}"] .referral-state`).filter({ hasText: en('referrals.state.completed') }).waitFor();
	await cw.getByRole('link', { name: en('referrals.back') }).click();
	await heading(cw, 'referrals.title');
	await cw.locator(`li[data-referral="${id}"] .referral-state`).filter({ hasText: en('referrals.state.completed') }).waitFor();
	await cw.goto(`/#/case?id=${c.id}`);
	await cw.locator('#referrals li.referral .referral-state').filter({ hasText: en('referrals.state.completed') }).waitFor();
	await cw.locator('#trail tbody tr').first().getByText(en('referrals.trail.completed')).waitFor();
	await assertCatalogued(cw, 'case with a completed referral');
	assertNoProblems(cw);
});

test('the Colombo analyst sees the Pune shelter\'s place as confidential, free places, a stale figure, and distances from a place', async () => {
	// Colombo's courses said their free places long ago.
	sqlite(server.database, "UPDATE services SET vacancies_at = '2026-01-05T08:00:00.000Z' WHERE type = 'livelihood'");
	const page = pages.analyst;
	await nav(page, 'services.nav');
	await heading(page, 'services.title');
	const shelter = page.locator('li.result', { hasText: 'Shelter beds for women and girls (fictional)' });
	await shelter.getByText(en('services.address_hidden')).waitFor();
	await shelter.getByText(/^Safe home \(fictional\) · Mah.r.shtra, India$/).waitFor();
	await shelter.getByText('3 of 24 places free').waitFor();
	await shelter.getByText('Female · aged 12 and over').waitFor();
	await shelter.getByText('Day and night, every day').waitFor();
	const courses = page.locator('li.result', { hasText: 'Tailoring and book-keeping courses (fictional)' });
	await courses.getByText('8 of 30 places free').waitFor();
	await courses.locator('.stale').filter({ hasText: 'Not updated since 5 Jan 2026' }).waitFor();
	assert.equal(await page.getByText(/Lane 4/).count(), 0, 'no street');
	await screenshot(page, '92-services');
	await assertCatalogued(page, 'services, analyst');

	// Nearest to Kathmandu: its desk first; the shelter's distance stays hidden.
	await input(page, 'services.filter.near').selectOption({ label: en('services.place.kathmandu') });
	await page.getByRole('button', { name: en('services.filter.apply') }).click();
	await heading(page, 'services.title');
	await page.getByRole('heading', { level: 2, name: en('services.nearest_title') }).waitFor();
	await page.locator('li.result').first().getByText('0 km away').waitFor();
	await page.locator('li.result', { hasText: 'Shelter beds' }).getByText(en('services.distance_unknown')).waitFor();
	// Coordinates that are none: the API's words next to the field.
	await input(page, 'services.filter.coords').fill('north of here');
	await page.getByRole('button', { name: en('services.filter.apply') }).click();
	await page.locator('.field[data-field="near"] .field-error').filter({ hasText: 'must be latitude,longitude in degrees' }).waitFor();
	await page.getByText(en('services.bad_search')).waitFor();

	await page.goto('/#/services?type=shelter');
	await page.getByRole('link', { name: 'Shelter beds for women and girls (fictional)' }).click();
	await page.getByRole('heading', { level: 1, name: 'Shelter beds for women and girls (fictional)' }).waitFor();
	await page.locator('#service-place').getByText(en('services.address_hidden')).waitFor();
	assert.equal(await page.getByText(/Lane 4/).count(), 0, 'no street on its page either');
	assert.equal(await page.getByText(en('services.edit')).count(), 0, 'not the analyst\'s to change');
	await assertCatalogued(page, 'service, analyst');
	assertNoProblems(page);

	// Kathmandu may refer there: it sees the address.
	const inv = pages.investigator;
	await inv.goto(page.url());
	await inv.locator('#service-place').getByText(/Lane 4, house 12 \(fictional\), Pune/).waitFor();
	await inv.locator('#service-place').getByText(en('services.confidential_open')).waitFor();
	assertNoProblems(inv);
});

test('a decline needs a reason: the error shows next to the field in the dialog', async () => {
	const c = await newCase('REF-DECLINE', ['Referral']);
	const r = await referToKathmandu(c);
	const page = pages.investigator;
	await page.goto('/#/referrals');
	await heading(page, 'referrals.title');
	const entry = page.locator(`li[data-referral="${r.id}"]`);
	const opener = entry.getByRole('button', { name: `Decline the referral of ${c.reference}` });
	await opener.click();
	const dialog = page.getByRole('dialog', { name: en('referrals.decline_title') });
	const reason = input(dialog, 'referrals.decline_reason_label');
	assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'focus in the dialog');
	await dialog.getByRole('button', { name: en('referrals.decline_submit') }).click();
	await dialog.locator('.field[data-field="reason"] .field-error').filter({ hasText: `${en('referrals.decline_reason_label')} is required.` }).waitFor();
	assert.equal(await reason.getAttribute('aria-invalid'), 'true');
	assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'focus on the field to fix');
	await screenshot(page, '93-referral-decline');
	await reason.fill('No lawyer free this month (fictional).');
	await dialog.getByRole('button', { name: en('referrals.decline_submit') }).click();
	await page.getByRole('status').filter({ hasText: `You declined the referral of ${c.reference}.` }).waitFor();
	await entry.locator('.referral-state').filter({ hasText: en('referrals.state.declined') }).waitFor();
	await entry.getByText('No lawyer free this month (fictional).').waitFor();
	assert.equal((await call(page, 'GET', `/referrals/${r.id}`)).data.state, 'declined');
	assertNoProblems(page);
});

test('without consent to referral the form asks for the reason to override it; the case worker then withdraws the referral', async () => {
	const c = await newCase('REF-OVERRIDE', ['Sharing']);
	const page = pages.case_worker;
	await page.goto(`/#/case?id=${c.id}`);
	await page.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await page.getByText(en('referrals.refer.title')).click();
	const form = page.locator('#refer-form');
	await input(form, 'referrals.refer.target').selectOption({ label: en('referrals.refer.to_org') });
	assert.equal(await input(form, 'referrals.refer.service').isVisible(), false);
	await input(form, 'referrals.refer.org').selectOption({ label: orgs.ktm.name });
	await input(form, 'referrals.refer.reason').fill('Legal aid in Nepal (fictional).');
	await form.getByRole('button', { name: en('referrals.refer.submit') }).click();
	const override = input(form, 'referrals.refer.override');
	await override.waitFor();
	await form.locator('.field[data-field="override_reason"] .field-error')
		.filter({ hasText: `${en('referrals.refer.override')} is needed: Victim 1 has not consented to a referral to this organisation.` }).waitFor();
	assert.equal(await page.evaluate(() => document.activeElement.name), 'override_reason');
	await override.fill('Court order 7 of 2026 asks for it (fictional).');
	await form.getByRole('button', { name: en('referrals.refer.submit') }).click();
	await page.getByRole('status').filter({ hasText: `The case was referred to ${orgs.ktm.name}.` }).waitFor();
	const sent = page.locator('#referrals li.referral').first();
	await sent.getByText(en('referrals.consent_overridden')).waitFor();
	await sent.getByText(en('referrals.all_fields')).waitFor();
	const row = page.locator('#trail tbody tr', { hasText: en('referrals.trail.create_override') });
	await row.getByText(en('cases.trail.flagged')).waitFor();

	// Withdrawn, with a reason, from the case's page.
	await sent.getByRole('button', { name: `Withdraw the referral of ${c.reference}` }).click();
	const dialog = page.getByRole('dialog', { name: en('referrals.withdraw_title') });
	await input(dialog, 'referrals.withdraw_reason_label').fill('She chose to stay (fictional).');
	await dialog.getByRole('button', { name: en('referrals.withdraw_submit') }).click();
	await page.getByRole('status').filter({ hasText: `You withdrew the referral of ${c.reference}.` }).waitFor();
	await page.locator('#referrals li.referral .referral-state').filter({ hasText: en('referrals.state.withdrawn') }).waitFor();
	assert.equal(await page.locator('#referrals li.referral').getByRole('button').count(), 0);
	await assertCatalogued(page, 'case, withdrawn referral');
	assertNoProblems(page);
});

test('org admins see indicators per organisation and service type; a case worker does not', async () => {
	const c = await newCase('REF-INDICATORS', ['Referral']);
	const r = await referToKathmandu(c);
	assert.equal((await call(pages.investigator, 'POST', `/referrals/${r.id}/decline`, { reason: 'Out of our area (fictional)' })).status, 200);
	const page = pages.org_admin;
	await nav(page, 'nav.referrals');
	await heading(page, 'referrals.title');
	await page.getByRole('link', { name: en('referrals.view.indicators') }).click();
	await page.getByRole('heading', { level: 2, name: en('referrals.ind.title') }).waitFor();
	const direct = page.locator('#indicators tbody tr', { hasText: en('referrals.ind.direct') });
	await direct.getByRole('link', { name: orgs.ktm.name }).waitFor();
	await direct.getByText('Out of our area (fictional) (1)').waitFor();
	await screenshot(page, '94-referral-indicators');
	await assertCatalogued(page, 'referral indicators');
	assertNoProblems(page);

	const cw = pages.case_worker;
	await nav(cw, 'nav.referrals');
	await heading(cw, 'referrals.title');
	await cw.getByRole('link', { name: en('referrals.view.outgoing') }).waitFor();
	assert.equal(await cw.getByRole('link', { name: en('referrals.view.indicators') }).count(), 0);
	assertNoProblems(cw);
});

test('a provider\'s writer updates the free places of its service; the figure is checked by the API', async () => {
	const page = pages.investigator;
	await page.goto('/#/services?type=legal_aid');
	await page.getByRole('link', { name: 'Legal aid for survivors (fictional)' }).click();
	await page.getByRole('heading', { level: 1, name: 'Legal aid for survivors (fictional)' }).waitFor();
	const form = page.locator('#vacancies-form');
	await input(form, 'services.f.vacancies').fill('-3');
	await form.getByRole('button', { name: en('services.f.vacancies_submit') }).click();
	await form.locator('.field-error').filter({ hasText: 'must be a whole number from 0 to the capacity' }).waitFor();
	await input(form, 'services.f.vacancies').fill('2');
	await form.getByRole('button', { name: en('services.f.vacancies_submit') }).click();
	await page.getByRole('status').filter({ hasText: 'Free places updated: 2.' }).waitFor();
	await page.locator('#service-facts').getByText('2 places free').waitFor();

	// Changing it: a maximum age below the minimum is refused next to the field.
	await page.getByText(en('services.edit')).click();
	const edit = page.locator('#service-edit');
	await input(edit, 'services.f.maximum_age').fill('0');
	await input(edit, 'services.f.minimum_age').fill('18');
	await edit.getByRole('button', { name: en('services.save') }).click();
	await edit.locator('.field[data-field="maximum_age"] .field-error').filter({ hasText: 'must not be below minimum_age' }).waitFor();
	await input(edit, 'services.f.maximum_age').fill('');
	await edit.getByRole('button', { name: en('services.save') }).click();
	await page.getByRole('status').filter({ hasText: en('services.saved') }).waitFor();
	await page.locator('#service-facts').getByText('Any gender · aged 18 and over').waitFor();
	await assertCatalogued(page, 'service, provider');
	assertNoProblems(page);
});

// Case management in the browser: opening a case, persons and the route
// built from the API's forms, personal data shown only on request (and
// audited), field errors next to their fields, what another
// organisation's analyst sees, sharing without consent, emergency access,
// transfer and the overdue follow-ups, and the case form by keyboard.
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
	pages = await signedIn(browser, server, 'case_worker', 'analyst', 'investigator');
	orgs = await demoOrgs(pages.case_worker);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/** A case opened by the Pune case worker through the API, with persons. */
async function newCase(body, ...persons) {
	const c = await call(pages.case_worker, 'POST', '/cases', body);
	assert.equal(c.status, 201, JSON.stringify(c.data));
	const made = [];
	for (const p of persons) {
		const res = await call(pages.case_worker, 'POST', `/cases/${c.data.id}/persons`, p);
		assert.equal(res.status, 201, JSON.stringify(res.data));
		made.push(res.data);
	}
	return { ...c.data, persons: made };
}

/** The Bikram Sambat toggle of a date field, by the field's label. */
function bsToggle(key) {
	return en('cases.bs_toggle_named').replace('{field}', en(key));
}

/** A personal field's control: its label, then the "personal" mark. */
function personal(scope, key) {
	const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return scope.getByLabel(new RegExp(`^${escape(en(key))}\\W+${escape(en('cases.personal'))}$`));
}

test('a case worker opens a case, adds a victim and an event with a district; the name shows only after "Show personal data", which is audited', async () => {
	const page = pages.case_worker;
	await nav(page, 'nav.cases');
	await heading(page, 'cases.title');
	await page.getByText(en('cases.open_title')).click();
	const open = page.locator('#case-add');
	await input(open, 'cases.field.reference').fill('PUNE-SH-0001 (fictional)');
	assert.equal(await input(open, 'cases.field.status').inputValue(), 'Active');
	await open.getByRole('button', { name: en('cases.open') }).click();
	await page.getByRole('heading', { level: 1, name: 'PUNE-SH-0001 (fictional)' }).waitFor();
	await page.locator('#personal-card').getByText(en('cases.personal_hidden')).waitFor();

	// A victim: plain fields from the forms' picklists, in words, and a
	// personal name.
	await page.getByText(en('cases.add_person_title')).click();
	const add = page.locator('#person-add');
	assert.equal(await input(add, 'cases.person.role').inputValue(), 'victim');
	await personal(add, 'cases.field.first_name').fill('Maya');
	await personal(add, 'cases.field.family_name').fill('Fictional-Devi');
	await input(add, 'cases.field.gender').selectOption({ label: 'Feminine' });
	await input(add, 'cases.field.age_band').selectOption('18-24');
	await input(add, 'cases.field.trafficking_status').selectOption({ label: 'Possible victim of trafficking' });
	await add.getByRole('group', { name: en('cases.field.exploitation_types') }).getByLabel('Forced criminality').check();
	await add.getByRole('button', { name: en('cases.add_person') }).click();
	await page.getByRole('status').filter({ hasText: en('cases.person_added_hidden') }).waitFor();
	const victim = page.locator('#persons li.person').first();
	await victim.getByRole('heading', { name: 'Victim 1', exact: true }).waitFor();
	await victim.locator('dd', { hasText: 'Possible victim of trafficking' }).waitFor();
	await victim.locator('dd', { hasText: 'Forced criminality' }).waitFor();
	await victim.getByText(en('cases.personal_not_shown')).waitFor();
	assert.equal(await page.getByText('Fictional-Devi').count(), 0, 'no name before it is asked for');

	// An event of the route: Nepal, a district of the gazetteer, a date in
	// Bikram Sambat (1 Baisakh 2080 is 14 April 2023).
	await page.getByText(en('cases.add_event_title')).click();
	const event = page.locator('#event-add');
	await input(event, 'cases.field.event_type').selectOption({ label: 'Recruitment' });
	await input(event, 'cases.field.country').selectOption({ label: 'Nepal' });
	await input(event, 'cases.field.district').selectOption({ label: 'Sindhupalchok' });
	assert.equal(await input(event, 'cases.field.subdivision').inputValue(), 'NP-P3', 'the district sets its province');
	await event.getByRole('button', { name: bsToggle('cases.field.event_date') }).click();
	await event.getByText(en('cases.hint.date_bs')).waitFor();
	await input(event, 'cases.field.event_date').fill('2080-01-01');
	await input(event, 'cases.field.place').fill('Melamchi (fictional)');
	await event.getByRole('button', { name: en('cases.add_event') }).click();
	await page.getByRole('status').filter({ hasText: en('cases.event_added') }).waitFor();
	const step = page.locator('#events li').first();
	await step.getByText(`${en('cases.route.origin')}: Melamchi (fictional), Sindhupalchok, Nepal`).waitFor();
	await step.getByText('14 Apr 2023').waitFor();
	await screenshot(page, '80-case-hidden');

	// Asked for: shown, and the page says the reading was recorded.
	await page.getByRole('button', { name: en('cases.show_personal') }).click();
	const notice = page.getByRole('status').filter({ hasText: en('cases.personal_audited') });
	await notice.waitFor();
	assert.equal(await notice.evaluate((el) => el === document.activeElement), true, 'focus goes to the notice');
	await victim.getByRole('heading', { name: 'Victim 1: Maya Fictional-Devi' }).waitFor();
	const name = victim.locator('dt', { hasText: en('cases.field.first_name') });
	await name.getByText(en('cases.personal')).waitFor();
	await page.locator('#personal-card').getByText(en('cases.personal_shown')).waitFor();
	// The owner organisation's trail of the case has the reading.
	const read = page.locator('#trail tbody tr').first();
	await read.getByText(en('cases.trail.read_personal')).waitFor();
	await read.getByText('Demo Case Worker (fictional)').waitFor();
	await screenshot(page, '81-case-personal');
	await assertCatalogued(page, 'case, personal data shown');

	// Hidden again on request.
	await page.getByRole('button', { name: en('cases.hide_personal') }).click();
	await page.getByRole('status').filter({ hasText: en('cases.personal_hidden_now') }).waitFor();
	assert.equal(await page.getByText('Fictional-Devi').count(), 0);
	assertNoProblems(page);
});

test('the API\'s validation errors show next to their fields, a Bikram Sambat date\'s at its date', async () => {
	const page = pages.case_worker;
	const c = await newCase({ reference: 'PUNE-SH-0002 (fictional)' });
	await page.goto(`/#/case?id=${c.id}`);
	await page.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await page.getByText(en('cases.add_person_title')).click();
	const add = page.locator('#person-add');
	await input(add, 'cases.field.age_when_trafficked').fill('150');
	await personal(add, 'cases.field.mobile_phone').fill('98-123');
	await add.getByRole('button', { name: en('cases.add_person') }).click();
	const age = add.locator('.field[data-field="age_when_trafficked"]');
	await age.locator('.field-error').filter({ hasText: `${en('cases.field.age_when_trafficked')} must be a whole number from 0 to 120.` }).waitFor();
	await add.locator('.field[data-field="mobile_phone"] .field-error').filter({ hasText: /must be an international number/ }).waitFor();
	assert.equal(await input(add, 'cases.field.age_when_trafficked').getAttribute('aria-invalid'), 'true');
	const described = await input(add, 'cases.field.age_when_trafficked').getAttribute('aria-describedby');
	assert.ok(described.split(' ').includes(await age.locator('.field-error').getAttribute('id')), 'the error describes its field');
	await add.getByRole('alert').filter({ hasText: en('error.invalid') }).waitFor();
	assert.ok(['age_when_trafficked', 'mobile_phone'].includes(await page.evaluate(() => document.activeElement.name)), 'focus on an invalid field');
	assert.equal(await page.locator('#persons li.person').count(), 0, 'nothing saved');

	// A Bikram Sambat date outside the calendar.
	await page.getByText(en('cases.add_event_title')).click();
	const event = page.locator('#event-add');
	await input(event, 'cases.field.event_type').selectOption({ label: 'Transit' });
	await event.getByRole('button', { name: bsToggle('cases.field.event_date') }).click();
	await input(event, 'cases.field.event_date').fill('2080-13-40');
	await event.getByRole('button', { name: en('cases.add_event') }).click();
	await event.locator('.field[data-field="date"] .field-error').filter({ hasText: 'must be a Bikram Sambat date' }).waitFor();
	await screenshot(page, '82-case-field-errors');
	assertNoProblems(page);
});

test('the analyst of another organisation does not see an organisation-only case, nor anyone\'s personal data', async () => {
	const hidden = await newCase({ reference: 'PUNE-ORG-ONLY (fictional)' }, { role: 'victim', first_name: 'Hidden' });
	const shared = await newCase({ reference: 'PUNE-PLATFORM (fictional)', level: 'platform', tlp: 'GREEN' }, { role: 'victim', first_name: 'Shared', gender: 'Masculine' });
	const page = pages.analyst;
	await nav(page, 'nav.cases');
	await heading(page, 'cases.title');
	await page.getByRole('link', { name: shared.reference }).waitFor();
	assert.equal(await page.getByRole('link', { name: hidden.reference }).count(), 0, 'an org-level case is not listed');
	assert.equal(await page.getByText(en('cases.open_title')).count(), 0, 'an analyst opens no case');
	await assertCatalogued(page, 'cases, analyst');

	// Not even by its address.
	await page.goto(`/#/case?id=${hidden.id}`);
	await heading(page, 'record.not_found_title');

	await page.goto(`/#/case?id=${shared.id}`);
	await page.getByRole('heading', { level: 1, name: shared.reference }).waitFor();
	await page.locator('#personal-card').getByText(en('cases.personal_role')).waitFor();
	await page.locator('#persons').getByText('Masculine').waitFor();
	assert.equal(await page.getByRole('button', { name: en('cases.show_personal') }).count(), 0);
	assert.equal(await page.getByRole('button', { name: en('cases.break_glass') }).count(), 0);
	assert.equal(await page.getByText(en('cases.add_person_title')).count(), 0, 'no forms for another organisation');
	assert.equal(await page.getByText('Shared', { exact: true }).count(), 0);
	assertNoProblems(page);
});

test('sharing without the victim\'s consent asks for the override reason; the other organisation then reads the personal data', async () => {
	const c = await newCase({ reference: 'PUNE-SHARE (fictional)' }, { role: 'victim', first_name: 'Anjali', gender: 'Feminine' });
	const page = pages.case_worker;
	await page.goto(`/#/case?id=${c.id}`);
	await page.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await page.getByText(en('cases.grant.title')).click();
	const form = page.locator('#grant-form');
	const override = input(form, 'cases.grant.override');
	assert.equal(await override.isVisible(), false, 'no override field before it is needed');
	await input(form, 'cases.grant.org').selectOption({ label: orgs.ktm.name });
	await input(form, 'cases.grant.purpose').fill('Repatriation to Nepal (fictional)');
	await form.getByRole('button', { name: en('cases.grant.submit') }).click();
	await override.waitFor();
	await form.locator('.field[data-field="override_reason"] .field-error')
		.filter({ hasText: `${en('cases.grant.override')} is needed: Victim 1 has not consented to sharing with this organisation.` }).waitFor();
	assert.equal(await page.evaluate(() => document.activeElement.name), 'override_reason');
	await screenshot(page, '83-case-share-override');
	await override.fill('She is in danger and must be met at the border tomorrow (fictional).');
	await form.getByRole('button', { name: en('cases.grant.submit') }).click();
	await page.getByRole('status').filter({ hasText: `${orgs.ktm.name} now reads` }).waitFor();
	const grant = page.locator('#sharing li').first();
	await grant.getByRole('link', { name: orgs.ktm.name }).waitFor();
	await grant.getByText(en('cases.consent_overridden')).waitFor();
	await grant.getByText('For: Repatriation to Nepal (fictional)').waitFor();
	assertNoProblems(page);

	// Kathmandu's investigator now has need to know.
	const other = pages.investigator;
	await other.goto(`/#/case?id=${c.id}`);
	await other.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await other.getByRole('button', { name: en('cases.show_personal') }).click();
	await other.locator('#persons').getByRole('heading', { name: 'Victim 1: Anjali' }).waitFor();
	assert.equal(await other.getByText(en('cases.grant.title')).count(), 0, 'sharing is the owner\'s');
	assertNoProblems(other);
});

test('an investigator without need to know breaks the glass with a reason; the owner sees the reading flagged in the case\'s trail', async () => {
	const c = await newCase({ reference: 'PUNE-GLASS (fictional)', level: 'platform', tlp: 'GREEN' }, { role: 'victim', first_name: 'Sita' });
	const page = pages.investigator;
	await page.goto(`/#/case?id=${c.id}`);
	await page.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await page.getByRole('button', { name: en('cases.show_personal') }).click();
	await page.locator('#personal-card').getByRole('alert').filter({ hasText: en('cases.personal_no_need') }).waitFor();
	await page.getByRole('button', { name: en('cases.break_glass') }).click();
	const dialog = page.getByRole('dialog', { name: en('cases.glass_title') });
	await dialog.waitFor();
	const reason = input(dialog, 'cases.glass_reason');
	assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'focus in the dialog');
	await reason.fill('urgent');
	await dialog.getByRole('button', { name: en('cases.glass_submit') }).click();
	await dialog.locator('.field-error').filter({ hasText: 'must say why, in at least 15 characters' }).waitFor();
	await reason.fill('She called from a hotel in Kathmandu and asked for help (fictional).');
	await dialog.getByRole('button', { name: en('cases.glass_submit') }).click();
	await page.getByRole('status').filter({ hasText: en('cases.glass_done') }).waitFor();
	await page.locator('#persons').getByRole('heading', { name: 'Victim 1: Sita' }).waitFor();
	await page.locator('#personal-card').getByText(en('cases.personal_shown_glass')).waitFor();
	await screenshot(page, '84-case-break-glass');
	await assertCatalogued(page, 'case, break glass');
	assertNoProblems(page);

	const owner = pages.case_worker;
	await owner.goto(`/#/case?id=${c.id}`);
	await owner.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	const row = owner.locator('#trail tbody tr', { hasText: en('cases.trail.break_glass') });
	await row.getByText(orgs.ktm.name).waitFor();
	await row.getByText(en('cases.trail.flagged')).waitFor();
	assertNoProblems(owner);
});

test('erasure asks for the lawful request in a dialog, then the personal data is gone', async () => {
	const c = await newCase({ reference: 'PUNE-ERASE (fictional)' }, { role: 'victim', first_name: 'Rekha', gender: 'Feminine' });
	const page = pages.case_worker;
	await page.goto(`/#/case?id=${c.id}`);
	await page.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	const opener = page.getByRole('button', { name: en('cases.erase') });
	await opener.click();
	const dialog = page.getByRole('dialog', { name: en('cases.erase_title') });
	await dialog.getByText(en('cases.erase_intro')).waitFor();
	// Escape closes it, and focus returns to the button.
	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'hidden' });
	assert.equal(await opener.evaluate((el) => el === document.activeElement), true);
	await opener.click();
	await input(dialog, 'cases.erase_reason').fill('Her written request of 3 March (fictional).');
	await dialog.getByRole('button', { name: en('cases.erase_submit') }).click();
	await page.getByRole('status').filter({ hasText: en('cases.erased_done') }).waitFor();
	await page.locator('#personal-card').getByText(/was erased on/).waitFor();
	await page.locator('#persons dd').getByText('Feminine', { exact: true }).waitFor();
	assert.equal(await page.getByRole('button', { name: en('cases.show_personal') }).count(), 0);
	assert.equal(await page.getByRole('button', { name: en('cases.erase') }).count(), 0);
	await page.locator('#trail tbody tr', { hasText: en('cases.trail.erase') }).getByText(en('cases.trail.flagged')).waitFor();
	assertNoProblems(page);
});

test('a case is offered to another organisation, which accepts it from its incoming transfers; overdue follow-ups are listed', async () => {
	const c = await newCase({ reference: 'PUNE-RETURN (fictional)' }, { role: 'victim', gender: 'Feminine' });
	const sched = await call(pages.case_worker, 'POST', `/cases/${c.id}/followups/schedule`, { from: '2024-01-10', months: [1] });
	assert.equal(sched.status, 201, JSON.stringify(sched.data));
	const page = pages.case_worker;
	await nav(page, 'nav.cases');
	await heading(page, 'cases.title');
	await page.getByRole('link', { name: en('cases.view.overdue') }).click();
	const due = page.locator('main tbody tr', { hasText: c.reference });
	await due.getByText(en('cases.overdue')).waitFor();
	await due.getByText('10 Feb 2024').waitFor();
	await assertCatalogued(page, 'overdue follow-ups');

	// Recording the visit's outcome on the case.
	await due.getByRole('link', { name: c.reference }).click();
	await page.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	const visit = page.locator('#followups li').first();
	await visit.getByText(en('cases.record_outcome_title')).click();
	await input(visit.locator('form[id^="followup-outcome"]'), 'cases.field.outcome').selectOption({ label: 'Safe' });
	await visit.getByRole('button', { name: en('cases.record_outcome') }).click();
	await page.getByRole('status').filter({ hasText: en('cases.outcome_recorded') }).waitFor();
	assert.equal(await page.locator('#followups .overdue-flag').count(), 0);

	await page.getByText(en('cases.transfer_open')).click();
	const form = page.locator('#transfer-form');
	await input(form, 'cases.transfer_org').selectOption({ label: orgs.ktm.name });
	await input(form, 'cases.transfer_note').fill('She returns to Nepal next week (fictional).');
	await form.getByRole('button', { name: en('cases.transfer_submit') }).click();
	await page.getByRole('status').filter({ hasText: `The case was offered to ${orgs.ktm.name}.` }).waitFor();
	await page.locator('#case-facts').getByText(`Offered to ${orgs.ktm.name}`).waitFor();
	assertNoProblems(page);

	const other = pages.investigator;
	await nav(other, 'nav.cases');
	await heading(other, 'cases.title');
	await other.getByRole('link', { name: en('cases.view.incoming') }).click();
	const row = other.locator('main tbody tr', { hasText: c.reference });
	await row.getByText(orgs.pune.name).waitFor();
	await row.getByRole('button', { name: `Accept case ${c.reference}` }).click();
	await other.getByRole('heading', { level: 1, name: c.reference }).waitFor();
	await other.locator('#case-facts').getByRole('link', { name: orgs.ktm.name }).waitFor();
	await other.locator('#personal-card').getByText(en('cases.personal_hidden')).waitFor();
	assertNoProblems(other);
});

test('the case form by keyboard alone: labelled fields, a refused closing puts focus on the reason, Enter opens the case', async () => {
	const page = pages.case_worker;
	await nav(page, 'nav.cases');
	await heading(page, 'cases.title');
	const summary = page.locator('#case-add-panel > summary');
	const focused = () => page.evaluate(() => {
		const el = document.activeElement;
		return { tag: el.tagName, name: el.name || '', label: el.labels?.[0]?.textContent.trim() || el.textContent.trim() };
	});
	// Tab from the heading to "Open a case".
	await page.locator('h1').focus();
	for (let i = 0; i < 10 && !(await summary.evaluate((el) => el === document.activeElement)); i++)
		await page.keyboard.press('Tab');
	assert.equal((await focused()).label, en('cases.open_title'));
	await page.keyboard.press('Enter');
	assert.equal(await page.locator('#case-add-panel').getAttribute('open'), '');
	await page.keyboard.press('Tab');
	assert.deepEqual(await focused(), { tag: 'INPUT', name: 'reference', label: en('cases.field.reference') });
	await page.keyboard.type('PUNE-KBD (fictional)');
	await page.keyboard.press('Tab');
	assert.equal((await focused()).name, 'status');
	assert.equal((await focused()).label, en('cases.field.status'));
	await page.keyboard.type('Closed');
	assert.equal(await input(page.locator('#case-add'), 'cases.field.status').inputValue(), 'Closed');
	await page.keyboard.press('Tab');
	assert.equal((await focused()).name, 'closure_reason');
	await page.keyboard.press('Shift+Tab');
	assert.equal((await focused()).name, 'status');
	// Enter in a text field sends the form.
	await page.locator('#case-add input[name="reference"]').focus();
	await page.keyboard.press('Enter');
	const err = page.locator('#case-add .field[data-field="closure_reason"] .field-error');
	await err.filter({ hasText: `${en('cases.field.closure_reason')} is required to close a case.` }).waitFor();
	assert.equal((await focused()).name, 'closure_reason', 'focus on the field to fix');
	await page.keyboard.type('Referred to a shelter in Nepal (fictional).');
	for (let i = 0; i < 80 && (await focused()).label !== en('cases.open'); i++)
		await page.keyboard.press('Tab');
	assert.equal((await focused()).tag, 'BUTTON');
	await page.keyboard.press('Enter');
	await page.getByRole('heading', { level: 1, name: 'PUNE-KBD (fictional)' }).waitFor();
	assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'focus on the new page\'s heading');
	await page.locator('#case-facts').getByText('Closed', { exact: true }).waitFor();
	assertNoProblems(page);
});

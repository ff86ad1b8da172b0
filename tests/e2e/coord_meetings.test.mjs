// Meetings: convene one with participants from the directory, keep its
// minutes (a stale save is caught), record decisions that become joint
// actions for two organisations, attach documents, and see it from a
// participating organisation.
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
	pages = await signedIn(browser, server, 'org_admin', 'case_worker', 'analyst');
	orgs = await demoOrgs(pages.org_admin);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

const title = 'Cross-border returns forum (fictional)';
let meetingId;

test('an org admin convenes a meeting with participants, times in UTC, level and TLP', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.meetings');
	await heading(page, 'meetings.title');
	await page.getByText(en('meetings.empty.upcoming')).waitFor();
	await page.getByText(en('meetings.add_title')).click();
	await assertCatalogued(page, 'meetings with the form open');

	// Nothing filled: the API names what is missing, next to its field.
	await page.getByRole('button', { name: en('meetings.convene') }).click();
	await page.getByRole('alert').filter({ hasText: en('error.invalid') }).waitFor();
	assert.equal(await input(page, 'meetings.f.title').getAttribute('aria-invalid'), 'true');
	assert.equal(await input(page, 'meetings.f.starts').getAttribute('aria-invalid'), 'true');

	await input(page, 'meetings.f.title').fill(title);
	await input(page, 'meetings.f.starts').fill('2031-03-10T10:00');
	await input(page, 'meetings.f.ends').fill('2031-03-10T12:30');
	await input(page, 'meetings.f.place').fill('Demo Hall, Kathmandu (fictional)');
	await input(page, 'meetings.f.online').fill('https://meet.example.org/forum');
	await input(page, 'meetings.f.agenda').fill('Opening\nReturns from Pune\n\nNext steps');
	await page.getByRole('checkbox', { name: new RegExp(orgs.pune.name.replace(/[()]/g, '\\$&')) }).check();
	await page.getByRole('checkbox', { name: new RegExp(orgs.colombo.name.replace(/[()]/g, '\\$&')) }).check();
	await input(page, 'share.level').selectOption('platform');
	await page.getByText(en('level.platform_hint')).waitFor();
	// Too wide for AMBER: the API's 422 shows at the level field.
	await page.getByRole('button', { name: en('meetings.convene') }).click();
	await page.locator('.field[data-field="level"] .field-error').filter({ hasText: 'wider than TLP AMBER' }).waitFor();
	await input(page, 'share.tlp').selectOption('GREEN');
	await page.getByText(en('tlp.green_hint')).waitFor();
	await screenshot(page, '20-meeting-form');
	await page.getByRole('button', { name: en('meetings.convene') }).click();

	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	meetingId = new URL(page.url()).hash.match(/id=([^&]+)/)[1];
	const { data: m } = await call(page, 'GET', `/meetings/${meetingId}`);
	const expected = await page.evaluate(() => [new Date('2031-03-10T10:00').toISOString(), new Date('2031-03-10T12:30').toISOString()]);
	assert.equal(m.starts_at, expected[0], 'datetime-local is sent as UTC');
	assert.equal(m.ends_at, expected[1]);
	assert.deepEqual(m.agenda, ['Opening', 'Returns from Pune', 'Next steps']);
	assert.deepEqual(new Set(m.participants), new Set([orgs.ktm.id, orgs.pune.id, orgs.colombo.id]));
	assert.equal(m.level, 'platform');
	assert.equal(m.tlp, 'GREEN');

	// The page names the participants, never their ids.
	const participants = page.locator('section', { has: page.getByRole('heading', { name: en('meetings.participants') }) });
	for (const o of [orgs.ktm, orgs.pune, orgs.colombo])
		await participants.getByRole('link', { name: o.name }).waitFor();
	assert.ok(!(await page.locator('main').innerText()).includes(orgs.pune.id));
	assert.equal(await page.locator('.agenda li').count(), 3);
	await assertCatalogued(page, 'meeting');
	assertNoProblems(page);
});

test('the minutes are kept with their version: a stale save is caught and can be resolved', async () => {
	const page = pages.org_admin;
	await page.getByText(en('meetings.edit_minutes')).click();
	await input(page, 'meetings.f.minutes').fill('The unit and the shelter agreed on joint returns (fictional).');
	await input(page, 'meetings.f.status').selectOption('held');
	await page.getByRole('button', { name: en('meetings.save_minutes') }).click();
	await page.getByText(en('meetings.minutes_saved')).waitFor();
	await page.locator('.minutes').filter({ hasText: 'joint returns' }).waitFor();

	// Someone else saves in the meantime (another tab of the same unit).
	const { data: now } = await call(page, 'GET', `/meetings/${meetingId}`);
	const other = await call(page, 'PATCH', `/meetings/${meetingId}`, { minutes: 'Saved elsewhere (fictional).', version: now.version });
	assert.equal(other.status, 200);
	await input(page, 'meetings.f.minutes').fill('Second draft of the minutes (fictional).');
	await page.getByRole('button', { name: en('meetings.save_minutes') }).click();
	await page.getByRole('alert').filter({ hasText: en('meetings.minutes_conflict') }).waitFor();
	await page.getByText('Saved elsewhere (fictional).').first().waitFor();
	assert.equal(await input(page, 'meetings.f.minutes').inputValue(), 'Second draft of the minutes (fictional).', 'the text is kept');
	await screenshot(page, '21-minutes-conflict');
	// Saving again, knowingly, replaces theirs.
	await page.getByRole('button', { name: en('meetings.save_minutes') }).click();
	await page.getByText(en('meetings.minutes_saved')).waitFor();
	const { data: saved } = await call(page, 'GET', `/meetings/${meetingId}`);
	assert.equal(saved.minutes, 'Second draft of the minutes (fictional).');
	assert.equal(saved.status, 'held');
	assertNoProblems(page);
});

test('decisions become joint actions for two organisations', async () => {
	const page = pages.org_admin;
	const decisions = ['The Pune shelter leads the joint returns (fictional).', 'The Colombo collective trains border staff (fictional).'];
	for (const [i, text] of decisions.entries()) {
		await input(page, 'meetings.f.decision').fill(text);
		await page.getByRole('button', { name: en('meetings.add_decision') }).click();
		await page.getByText(en('meetings.decision_added').replace('{n}', String(i + 1))).waitFor();
	}
	assert.deepEqual(await page.locator('.decisions .decision-text').allTextContents(), decisions);

	const leads = [orgs.pune, orgs.colombo];
	const partners = [orgs.ktm, orgs.pune];
	for (const [i, text] of decisions.entries()) {
		await page.getByRole('link', { name: en('meetings.make_action_named').replace('{n}', String(i + 1)) }).click();
		await heading(page, 'actions.title');
		// The form opens pre-filled from the decision.
		await page.locator('#action-origin').filter({ hasText: title }).waitFor();
		assert.equal(await input(page, 'actions.f.title').inputValue(), text);
		assert.ok(await page.evaluate(() => document.activeElement.name === 'title'), 'focus is in the form');
		if (i === 0) {
			await assertCatalogued(page, 'actions with the form from a decision');
			await screenshot(page, '22-action-from-decision');
		}
		const form = page.locator('#action-add');
		await input(form, 'actions.f.theme').selectOption(i ? 'prevention' : 'protection');
		await page.locator('#action-add').getByRole('checkbox', { name: i ? 'Sri Lanka' : 'India', exact: true }).check();
		await page.locator('#action-add').getByRole('checkbox', { name: 'Nepal', exact: true }).check();
		await input(form, 'actions.f.lead').selectOption({ label: leads[i].name });
		await page.locator('.field[data-field="partners"]').getByRole('checkbox', { name: new RegExp(partners[i].name.replace(/[()]/g, '\\$&')) }).check();
		await input(page, 'actions.f.due').fill(i ? '2031-06-30' : '2031-04-30');
		await page.getByRole('button', { name: en('actions.agree') }).click();
		await page.getByRole('heading', { level: 1, name: text }).waitFor();
		await page.getByRole('link', { name: title }).waitFor();
		await page.getByRole('link', { name: title }).click();
		await page.getByRole('heading', { level: 1, name: title }).waitFor();
	}
	// Each decision lists the action made from it.
	const made = page.locator('.decision-actions a');
	await made.nth(1).waitFor();
	assert.deepEqual(await made.allTextContents(), decisions);
	const { data } = await call(page, 'GET', '/actions?limit=500');
	const fromMeeting = data.items.filter((a) => a.meeting_id === meetingId);
	assert.equal(fromMeeting.length, 2);
	assert.deepEqual(new Set(fromMeeting.map((a) => a.lead_org)), new Set([orgs.pune.id, orgs.colombo.id]));
	assert.ok(fromMeeting.every((a) => a.decision_id));

	// The Pune shelter holds both: it leads one and is partner of the other.
	const worker = pages.case_worker;
	await nav(worker, 'nav.actions');
	await heading(worker, 'actions.title');
	for (const text of decisions)
		await worker.getByRole('link', { name: text }).waitFor();
	assert.equal(await worker.locator('main tbody tr').count(), 2);
	assertNoProblems(page);
	assertNoProblems(worker);
});

test('documents: attach a file, list it, download it; a refused type says why', async () => {
	const page = pages.org_admin;
	const text = 'Notes of the forum, all fictional.\n';
	await page.locator('input[type="file"]').setInputFiles({ name: 'Forum notes é.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
	await page.getByRole('button', { name: en('files.attach') }).click();
	await page.getByText(en('files.added').replace('{name}', 'Forum notes é.txt')).waitFor();
	const link = page.getByRole('link', { name: en('files.download_named').replace('{name}', 'Forum notes é.txt') });
	const href = await link.getAttribute('href');
	assert.match(href, /^\/api\/v1\/files\/[0-9a-f-]{36}\/content$/);
	const got = await page.evaluate(async (u) => {
		const r = await fetch(u);
		return { type: r.headers.get('Content-Type'), disposition: r.headers.get('Content-Disposition'), body: await r.text() };
	}, href);
	assert.equal(got.body, text);
	assert.match(got.disposition, /^attachment;/);
	assert.match(got.disposition, /filename\*=UTF-8''Forum%20notes%20%C3%A9\.txt/);

	// A web page is not a document atip keeps: 415, said at the field.
	await page.locator('input[type="file"]').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<!doctype html><html><head><title>x</title></head><body><p>x</p></body></html>\n') });
	await page.getByRole('button', { name: en('files.attach') }).click();
	await page.locator('.field[data-field="content"] .field-error').filter({ hasText: en('files.refused_type').split('(')[0].trim() }).waitFor();
	assert.equal(await page.locator('main table').filter({ hasText: 'Forum notes' }).locator('tbody tr').count(), 1);
	await screenshot(page, '23-meeting');
	assertNoProblems(page);
});

test('a participating organisation sees the meeting, names and all, but cannot change it', async () => {
	const page = pages.analyst;
	await nav(page, 'nav.meetings');
	await heading(page, 'meetings.title');
	// Not convened by the Colombo collective's analyst: no form.
	assert.equal(await page.locator('#meeting-add-panel').count(), 0);
	await page.getByRole('link', { name: en('meetings.view.all') }).click();
	await page.waitForURL(/when=all/);
	await page.locator('.tabs a[aria-current="page"]', { hasText: en('meetings.view.all') }).waitFor();
	await page.getByRole('link', { name: title }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	await page.getByText('Second draft of the minutes (fictional).').waitFor();
	assert.equal(await page.locator('#minutes-form').count(), 0);
	assert.equal(await page.locator('#decision-form').count(), 0);
	assert.equal(await page.getByRole('link', { name: en('meetings.make_action') }).count(), 0);
	assert.equal(await page.locator('input[type="file"]').count(), 0);
	await page.getByRole('link', { name: en('files.download_named').replace('{name}', 'Forum notes é.txt') }).waitFor();
	// The convening organisation's name, not an id.
	await page.locator('dl.facts').getByRole('link', { name: orgs.ktm.name }).waitFor();
	await assertCatalogued(page, 'meeting, read by a participant');
	assertNoProblems(page);
});

test('past meetings page with "Show more"', async () => {
	const page = pages.case_worker;
	// 55 past meetings of the Pune shelter, set up through the API.
	const made = await page.evaluate(async () => {
		const csrf = JSON.parse(sessionStorage.getItem('atip.session')).csrf;
		let ok = 0;
		for (let i = 0; i < 55; i++) {
			const res = await fetch('/api/v1/meetings', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
				body: JSON.stringify({ title: `Case conference ${String(i).padStart(2, '0')} (fictional)`, starts_at: new Date(Date.UTC(2024, 0, 1 + i, 9)).toISOString() }),
			});
			ok += res.status === 201;
		}
		return ok;
	});
	assert.equal(made, 55);
	await nav(page, 'nav.meetings');
	await heading(page, 'meetings.title');
	await page.getByRole('link', { name: en('meetings.view.past') }).click();
	await page.waitForURL(/when=past/);
	const rows = page.locator('main tbody tr');
	const more = page.getByRole('button', { name: en('list.more') });
	await more.waitFor();
	assert.equal(await rows.count(), 50);
	// Newest first.
	assert.equal(await rows.first().locator('td').first().textContent(), 'Case conference 54 (fictional)');
	await more.click();
	await more.waitFor({ state: 'hidden' });
	assert.equal(await rows.count(), 55);
	assert.equal(new Set(await page.locator('main tbody tr td:first-child').allTextContents()).size, 55);
	await assertCatalogued(page, 'past meetings');
	await screenshot(page, '24-meetings-past');
	assertNoProblems(page);
});

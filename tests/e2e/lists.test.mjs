// Long lists page with the API's next_cursor: "Show more" reads the next page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoProblems, en, heading, launch, nav, newPage, screenshot, signIn, startDemo } from './helpers.mjs';

let server;
let browser;

before(async () => {
	server = await startDemo();
	browser = await launch();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the organisations and the audit trail page with "Show more"', async () => {
	const page = await newPage(browser, server.url);
	await signIn(page, server.accounts.platform_admin);
	await heading(page, 'orgs.title');

	// 60 more organisations through the API, with this tab's session.
	const made = await page.evaluate(async () => {
		const csrf = JSON.parse(sessionStorage.getItem('atip.session')).csrf;
		let ok = 0;
		for (let i = 0; i < 60; i++) {
			const res = await fetch('/api/v1/orgs', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
				body: JSON.stringify({ name: `Paging Test Org ${String(i).padStart(2, '0')} (fictional)`, type: 'civil_society', country: 'IN' }),
			});
			ok += res.status === 201;
		}
		return ok;
	});
	assert.equal(made, 60);

	await page.reload();
	await heading(page, 'orgs.title');
	const rows = page.locator('main tbody tr');
	const more = page.getByRole('button', { name: en('list.more') });
	await more.waitFor();
	assert.equal(await rows.count(), 50, 'the API\'s default page');
	await more.click();
	await more.waitFor({ state: 'hidden' });
	assert.equal(await rows.count(), 65);
	const names = await page.locator('main tbody tr td:first-child').allTextContents();
	assert.equal(new Set(names).size, 65, 'no organisation twice');

	await nav(page, 'nav.audit');
	await heading(page, 'audit.title');
	await more.waitFor();
	assert.equal(await rows.count(), 50);
	await more.click();
	await more.waitFor({ state: 'hidden' });
	// The secretariat's trail: the demo admin's account, one sign-in, and
	// the 60 organisations.
	assert.equal(await rows.count(), 62);
	await screenshot(page, '14-audit-paged');
	assertNoProblems(page);
	await page.context().close();
});

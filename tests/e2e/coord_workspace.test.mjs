// The coordination pages over whatever `atip demo` puts in the workspace
// (a forum, its decisions and actions, practices, a discussion,
// notifications, profiles): every page a member opens from the menu and
// from its lists is in the catalogue's words and has no problem.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertCatalogued, assertNoProblems, en, heading, launch, nav, screenshot, signedIn, startDemo } from './helpers.mjs';

let server;
let browser;
let pages;

before(async () => {
	server = await startDemo();
	browser = await launch();
	pages = await signedIn(browser, server, 'case_worker', 'org_admin');
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/** Opens the first record linked from the list in main, if there is one. */
async function first(page, selector, where) {
	const links = page.locator(selector);
	if (await links.count() === 0)
		return false;
	const name = await links.first().textContent();
	await links.first().click();
	await page.getByRole('heading', { level: 1, name: name.trim() }).waitFor();
	await page.locator('.discussion h2, dl.facts').first().waitFor();
	await assertCatalogued(page, where);
	return true;
}

test('a case worker walks the workspace: meetings, actions, practices, inbox, directory', async () => {
	const page = pages.case_worker;
	const lists = [
		['nav.meetings', 'meetings.title', 'main tbody td:first-child a', 'meeting'],
		['nav.actions', 'actions.title', 'main tbody td:first-child a', 'action'],
		['nav.practices', 'practices.title', '.results h3 a', 'practice'],
		['nav.orgs', 'orgs.title', 'main tbody td:first-child a', 'organisation'],
	];
	for (const [menu, title, links, what] of lists) {
		await nav(page, menu);
		await heading(page, title);
		await page.locator(`${links}, main .empty:not([hidden])`).first().waitFor();
		await assertCatalogued(page, `${what}s`);
		const all = { 'nav.meetings': 'meetings.view.all', 'nav.actions': 'actions.view.all' }[menu];
		if (all) {
			await page.getByRole('link', { name: en(all) }).click();
			await page.locator('.tabs a[aria-current="page"]', { hasText: en(all) }).waitFor();
			await page.locator(`${links}, main .empty:not([hidden])`).first().waitFor();
		}
		await screenshot(page, `70-workspace-${what}s`);
		if (await first(page, links, what))
			await screenshot(page, `71-workspace-${what}`);
	}
	await nav(page, 'nav.inbox');
	await heading(page, 'inbox.title');
	await page.locator('.inbox .note, main .empty:not([hidden])').first().waitFor();
	await assertCatalogued(page, 'inbox');
	await screenshot(page, '72-workspace-inbox');
	const sentences = await page.locator('.inbox .sentence').allTextContents();
	assert.ok(sentences.every((s) => !/\{\w+\}/.test(s)), sentences.join('\n'));
	assertNoProblems(page);
});

test('an org admin opens the overdue view and the webhooks', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.actions');
	await heading(page, 'actions.title');
	await page.getByRole('link', { name: en('actions.view.overdue') }).click();
	await page.locator('.tabs a[aria-current="page"]', { hasText: en('actions.view.overdue') }).waitFor();
	await page.locator('main tbody tr, main .empty:not([hidden])').first().waitFor();
	for (const row of await page.locator('main tbody tr').all())
		assert.match(await row.innerText(), new RegExp(en('actions.overdue')));
	await assertCatalogued(page, 'overdue actions');
	await nav(page, 'nav.webhooks');
	await heading(page, 'webhooks.title');
	await page.locator('.hooks .hook, main .empty:not([hidden])').first().waitFor();
	await assertCatalogued(page, 'webhooks');
	assertNoProblems(page);
});

// Possible matches (the re-trafficking watch) in the browser, on the demo
// with its workspace: the girl of case PUNE-2026-014 was recorded a year
// earlier, in Devanagari, by the Kathmandu unit.  The Pune case worker is
// told in the inbox and sees the match with the other organisation and
// the other person's non-identifying fields, never her name nor the other
// case; Kathmandu's investigator marks it "Same person"; Pune sees it
// decided.  An analyst has no such page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, call, demoOrgs, en, heading, launch, nav, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
let orgs;

before(async () => {
	server = await startDemo();
	browser = await launch();
	pages = await signedIn(browser, server, 'case_worker', 'investigator', 'analyst');
	orgs = await demoOrgs(pages.case_worker);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the Pune case worker is told, and sees the match without the other person\'s name or case', async () => {
	const cw = pages.case_worker;
	await nav(cw, 'nav.inbox');
	await heading(cw, 'inbox.title');
	const sentence = en('inbox.event.linkage_match').split('{record}')[0];
	const note = cw.locator('.inbox .note', { hasText: sentence });
	await note.waitFor();
	await note.getByRole('link', { name: en('inbox.referral_of').replace('{ref}', 'PUNE-2026-014 (fictional)') }).click();
	await heading(cw, 'matches.one_title');
	const entry = cw.locator('li.match');
	await entry.getByText(en('matches.band.high')).waitFor();
	await entry.getByRole('link', { name: 'PUNE-2026-014 (fictional)' }).waitFor();
	await entry.locator('dd', { hasText: orgs.ktm.name }).waitFor();
	await entry.getByRole('link', { name: en('matches.ask_named').replace('{org}', orgs.ktm.name) }).waitFor();
	const text = await cw.locator('main').innerText();
	for (const secret of ['सीता', 'KTM-2025-031', 'Sindhupalchok', '9800000001'])
		assert.ok(!text.includes(secret), `the page holds no ${secret}`);
	await assertCatalogued(cw, 'one possible match');

	await nav(cw, 'nav.matches');
	await heading(cw, 'matches.title');
	// The heading comes before the list is read: wait for the list.
	await cw.locator('li.match').first().waitFor();
	assert.equal(await cw.locator('li.match').count(), 1, 'one match to decide');
	await screenshot(cw, 'matches');
	await assertCatalogued(cw, 'possible matches');
	assertNoProblems(cw);
});

test('Kathmandu marks it the same person; both cases are flagged and Pune sees it decided', async () => {
	const inv = pages.investigator;
	await nav(inv, 'nav.matches');
	await heading(inv, 'matches.title');
	const entry = inv.locator('li.match');
	await entry.getByRole('link', { name: 'KTM-2025-031 (fictional)' }).waitFor();
	await entry.getByRole('button', { name: en('matches.mark_same_named').replace('{case}', 'KTM-2025-031 (fictional)'), exact: true }).click();
	await inv.getByText(en('matches.marked_same').replace('{case}', 'KTM-2025-031 (fictional)')).waitFor();
	await entry.getByText(en('matches.decided_by_you').split('{when}')[0].trim()).waitFor();
	assertNoProblems(inv);

	const cw = pages.case_worker;
	await cw.goto('/#/matches?state=same');
	await heading(cw, 'matches.title');
	const decided = cw.locator('li.match');
	await decided.getByText(en('matches.decided_by_them').split('{when}')[0].trim()).waitFor();
	const cases = (await call(cw, 'GET', '/cases')).data.items;
	const girl = cases.find((c) => c.reference === 'PUNE-2026-014 (fictional)');
	assert.ok(girl.risk_flags.includes('TraffickedBefore'), JSON.stringify(girl.risk_flags));
	await assertCatalogued(cw, 'decided matches');
	assertNoProblems(cw);
});

test('an analyst has no possible matches to see', async () => {
	const an = pages.analyst;
	assert.equal(await an.getByRole('navigation').getByRole('link', { name: en('nav.matches'), exact: true }).count(), 0);
	assert.equal((await call(an, 'GET', '/linkage/alerts')).status, 403);
});

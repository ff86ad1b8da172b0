// The good-practice library: sharing a practice (Markdown body, tags,
// public with TLP CLEAR), full-text search with the words found marked in
// the snippet, the body rendered safely, and public practices readable
// signed out while the others are not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, call, en, heading, input, launch, nav, newPage, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
const ids = {};

const body = [
	'# How it works',
	'',
	'Committees of **schoolteachers** and elders meet every month near the border crossing (fictional).',
	'',
	'- They know which families were approached by recruiters.',
	'- They call the [national helpline](https://helpline.example.org/) at once.',
	'',
	'<script>document.title = "injected"</script>',
	'',
	'![Map of the committees](https://maps.example.org/committees.png)',
	'',
	'[a bad link](javascript:alert(1))',
].join('\n');

before(async () => {
	server = await startDemo({ workspace: false });
	browser = await launch();
	pages = await signedIn(browser, server, 'org_admin', 'analyst');
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('a practice is shared publicly (TLP CLEAR) through the form, its Markdown rendered safely', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.practices');
	await heading(page, 'practices.title');
	await page.getByText(en('practices.empty')).waitFor();
	await page.getByText(en('practices.add_title')).click();
	await assertCatalogued(page, 'library with the form open');
	const form = page.locator('#practice-add');
	await input(form, 'practices.f.title').fill('Village vigilance committees (fictional)');
	await input(form, 'practices.f.summary').fill('Local committees notice recruiters early and alert the police (fictional).');
	await input(form, 'practices.f.body').fill(body);
	await input(form, 'practices.f.theme').selectOption('prevention');
	await input(form, 'practices.f.country').selectOption('NP');
	await input(form, 'practices.f.tags').fill('community, border');
	await input(form, 'share.level').selectOption('public');
	// Public needs TLP CLEAR: the API's 422 shows at the level field.
	await page.getByRole('button', { name: en('practices.share') }).click();
	await form.locator('.field[data-field="level"] .field-error').filter({ hasText: 'wider than TLP AMBER allows' }).waitFor();
	await input(form, 'share.tlp').selectOption('CLEAR');
	await page.getByRole('button', { name: en('practices.share') }).click();

	await page.getByRole('heading', { level: 1, name: 'Village vigilance committees (fictional)' }).waitFor();
	ids.open = new URL(page.url()).hash.match(/id=([^&]+)/)[1];
	const text = page.locator('.practice-body');
	// Markdown: a heading (under the page's own), bold words, a list, a link.
	await text.getByRole('heading', { level: 3, name: 'How it works' }).waitFor();
	assert.equal(await text.locator('strong').textContent(), 'schoolteachers');
	assert.equal(await text.locator('li').count(), 2);
	const link = text.getByRole('link', { name: 'national helpline' });
	assert.equal(await link.getAttribute('href'), 'https://helpline.example.org/');
	assert.match(await link.getAttribute('rel'), /noopener/);
	// No script, no image loaded from elsewhere (the CSP would refuse it):
	// the image is a link to it; the javascript: link is plain text.
	assert.equal(await page.locator('main script, main img, main iframe').count(), 0);
	assert.equal(await text.getByRole('link', { name: 'Map of the committees' }).getAttribute('href'), 'https://maps.example.org/committees.png');
	assert.equal(await text.getByRole('link', { name: 'a bad link' }).count(), 0);
	await text.getByText('a bad link').waitFor();
	assert.notEqual(await page.title(), 'injected');
	await page.locator('dl.facts').getByText(en('level.shown.public')).waitFor();
	await page.locator('dl.facts').getByText(en('tlp.clear')).waitFor();
	await screenshot(page, '40-practice');
	await assertCatalogued(page, 'practice');
	assertNoProblems(page);
});

test('search finds words of the body and marks them in the snippet; filters narrow it', async () => {
	const page = pages.org_admin;
	// A second practice, for members only, set up through the API.
	const members = await call(page, 'POST', '/practices', {
		title: 'Survivor-led peer support (fictional)', summary: 'Survivors support each other after return (fictional).',
		body: 'Peer groups meet weekly; the shelter schoolteachers help with literacy (fictional).',
		theme: 'protection', country: 'IN', tags: ['survivors'], level: 'platform', tlp: 'GREEN',
	});
	assert.equal(members.status, 201, JSON.stringify(members.data));
	ids.members = members.data.id;

	await nav(page, 'nav.practices');
	await heading(page, 'practices.title');
	await input(page.getByRole('search'), 'practices.q').fill('schoolteachers');
	await page.getByRole('button', { name: en('practices.search') }).click();
	await page.waitForURL(/q=schoolteachers/);
	const results = page.locator('.results > li');
	await page.getByRole('heading', { level: 2, name: en('practices.found_title') }).waitFor();
	await results.nth(1).waitFor();
	assert.equal(await results.count(), 2);
	// The snippet: text with <mark> around each hit, built from segments.
	const marks = await page.locator('.results .snippet mark').allTextContents();
	assert.ok(marks.length >= 2, JSON.stringify(marks));
	assert.ok(marks.every((m) => m.toLowerCase() === 'schoolteachers'), JSON.stringify(marks));
	const snippet = await results.filter({ hasText: 'Survivor-led' }).locator('.snippet').textContent();
	assert.match(snippet, /shelter schoolteachers help with literacy/);
	await screenshot(page, '41-library-search');
	await assertCatalogued(page, 'library search');

	// A word only in the body of one of them.
	await input(page.getByRole('search'), 'practices.q').fill('literacy');
	await page.getByRole('button', { name: en('practices.search') }).click();
	await page.waitForURL(/q=literacy/);
	await page.waitForFunction(() => document.querySelectorAll('.results > li').length === 1);
	await results.getByRole('link', { name: 'Survivor-led peer support (fictional)' }).waitFor();
	assert.deepEqual(await results.locator('mark').allTextContents(), ['literacy']);

	// Filters: by tag (from a result's tag link), by theme.
	await page.getByRole('link', { name: en('practices.clear') }).click();
	await page.getByRole('heading', { level: 2, name: en('practices.list_title') }).waitFor();
	await results.nth(1).waitFor();
	await results.getByRole('link', { name: 'border', exact: true }).click();
	await page.waitForURL(/tag=border/);
	await page.waitForFunction(() => document.querySelectorAll('.results > li').length === 1);
	await results.getByRole('link', { name: 'Village vigilance committees (fictional)' }).waitFor();
	await page.goto('/#/practices?theme=protection');
	await results.getByRole('link', { name: 'Survivor-led peer support (fictional)' }).waitFor();
	assert.equal(await results.count(), 1);
	assert.equal(await input(page.getByRole('search'), 'practices.theme').inputValue(), 'protection');
	await page.goto('/#/practices?q=nothingmatchesthisword');
	await page.getByText(en('practices.empty_found')).waitFor();
	assertNoProblems(page);
});

test('signed out: the library shows public practices only, and nothing else opens', async () => {
	const page = await newPage(browser, server.url);
	await page.goto('/');
	await heading(page, 'signin.title');
	// The public entry point on the sign-in page.
	await page.getByRole('link', { name: en('signin.public_library') }).click();
	await heading(page, 'practices.title');
	await page.getByText(en('practices.public_only')).waitFor();
	const results = page.locator('.results > li');
	await results.first().waitFor();
	assert.deepEqual(await results.locator('h3').allTextContents(), ['Village vigilance committees (fictional)']);
	assert.equal(await page.getByRole('navigation').count(), 0, 'no menu signed out');
	assert.equal(await page.locator('#practice-add-panel').count(), 0);
	await page.getByRole('link', { name: en('nav.signin'), exact: true }).waitFor();
	await assertCatalogued(page, 'library signed out');
	await screenshot(page, '42-library-public');

	// Search works signed out too, over the public practices only.
	await input(page.getByRole('search'), 'practices.q').fill('schoolteachers');
	await page.getByRole('button', { name: en('practices.search') }).click();
	await page.waitForURL(/q=schoolteachers/);
	await page.locator('.results .snippet mark').first().waitFor();
	assert.equal(await results.count(), 1);

	await results.getByRole('link', { name: 'Village vigilance committees (fictional)' }).click();
	await page.getByRole('heading', { level: 1, name: 'Village vigilance committees (fictional)' }).waitFor();
	await page.locator('.practice-body strong').filter({ hasText: 'schoolteachers' }).waitFor();
	await page.getByRole('link', { name: en('practices.sign_in_discuss') }).waitFor();
	// Its documents are listed too (none yet), with no form to attach one.
	await page.getByRole('heading', { level: 2, name: en('files.title') }).waitFor();
	assert.equal(await page.locator('input[type=file]').count(), 0, 'no upload signed out');
	await assertCatalogued(page, 'practice signed out');

	// The members' practice: not found, with the way to sign in.
	await page.goto(`/#/practice?id=${ids.members}`);
	await heading(page, 'record.not_found_title');
	await page.getByText(en('practices.not_found_public')).waitFor();
	assert.ok(!(await page.locator('main').innerText()).includes('Survivor-led'));
	const api = await page.evaluate(async (id) => (await fetch(`/api/v1/practices/${id}`)).status, ids.members);
	assert.equal(api, 404);

	// Everything else still asks to sign in first.
	for (const route of ['meetings', 'actions', 'inbox', 'orgs', `meeting?id=${ids.open}`]) {
		await page.goto(`/#/${route}`);
		await heading(page, 'signin.title');
		assert.match(page.url(), /#\/signin$/);
	}
	assertNoProblems(page);
	await page.context().close();
});

test('an analyst reads the members\' practice and may discuss it, but shares none', async () => {
	const page = pages.analyst;
	await nav(page, 'nav.practices');
	await heading(page, 'practices.title');
	await page.locator('.results > li').nth(1).waitFor();
	// Analysts do not write records: no form to share one.
	assert.equal(await page.locator('#practice-add-panel').count(), 0);
	await page.getByRole('link', { name: 'Survivor-led peer support (fictional)' }).click();
	await page.getByRole('heading', { level: 1, name: 'Survivor-led peer support (fictional)' }).waitFor();
	// Members see who shared it.
	await page.locator('dl.facts').getByRole('link', { name: /Kathmandu/ }).waitFor();
	await page.getByRole('button', { name: en('thread.post') }).waitFor();
	assertNoProblems(page);
});

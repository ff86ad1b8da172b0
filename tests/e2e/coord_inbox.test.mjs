// Discussions and the inbox: a comment that mentions an organisation
// notifies its people (the unread count in the menu, a sentence in the
// inbox that links to the record), a mention of an organisation that
// cannot see the record is refused, replies notify their author, and a
// discussion on an organisation's own record stays invisible to others.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, call, demoOrgs, en, heading, launch, nav, screenshot, signedIn, startDemo,
} from './helpers.mjs';

let server;
let browser;
let pages;
let orgs;
let meeting;

const title = 'Returns coordination, Nepal and India (fictional)';
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (page) => page.locator('#inbox-count');

before(async () => {
	server = await startDemo({ workspace: false });
	browser = await launch();
	pages = await signedIn(browser, server, 'org_admin', 'case_worker', 'analyst', 'viewer');
	orgs = await demoOrgs(pages.org_admin);
	// Shared with Nepal's members and the Pune shelter (a participant):
	// the Colombo collective cannot see it.
	const res = await call(pages.org_admin, 'POST', '/meetings', {
		title, starts_at: '2031-05-04T04:30:00Z', participants: [orgs.pune.id], level: 'country', tlp: 'AMBER',
	});
	assert.equal(res.status, 201, JSON.stringify(res.data));
	meeting = res.data;
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('a mention of an organisation that cannot see the record is refused; one that can is notified', async () => {
	const page = pages.org_admin;
	await page.goto(`/#/meeting?id=${meeting.id}`);
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	const form = page.locator('.discussion form').last();
	await form.getByLabel(new RegExp(`^${esc(en('thread.body'))}`)).fill('Can the shelter take six returnees next week? (fictional)');
	await form.getByText(en('thread.mention_open')).click();
	await form.getByRole('checkbox', { name: new RegExp(esc(orgs.colombo.name)) }).check();
	await form.getByRole('button', { name: en('thread.post') }).click();
	// The API's 422, in words and at the chooser.
	await form.getByRole('alert').filter({ hasText: en('thread.mention_refused') }).waitFor();
	await form.locator('.field[data-field="mention_orgs"] .field-error').filter({ hasText: 'names an organisation that cannot see this record' }).waitFor();
	assert.equal(await page.locator('.thread .comment').count(), 0, 'nothing was posted');
	await screenshot(page, '50-mention-refused');

	await form.getByRole('checkbox', { name: new RegExp(esc(orgs.colombo.name)) }).uncheck();
	await form.getByRole('checkbox', { name: new RegExp(esc(orgs.pune.name)) }).check();
	await form.getByRole('button', { name: en('thread.post') }).click();
	const comment = page.locator('.thread .comment').first();
	await comment.getByText('Can the shelter take six returnees next week? (fictional)').waitFor();
	// Author and organisation by name.
	await comment.getByText('Demo Unit Admin (fictional)').waitFor();
	await comment.getByText(orgs.ktm.name).waitFor();
	await comment.getByText(en('thread.mentioned').replace('{names}', orgs.pune.name)).waitFor();
	assertNoProblems(page);
});

test('the mentioned organisation\'s user sees the unread count and the sentence in the inbox; opening it marks it read', async () => {
	const page = pages.case_worker;
	// The count is read again on every page.
	await nav(page, 'nav.meetings');
	await heading(page, 'meetings.title');
	// Invited to the meeting, and mentioned in its discussion.
	await count(page).filter({ hasText: en('nav.unread').replace('{n}', '2') }).waitFor();
	await nav(page, 'nav.inbox');
	await heading(page, 'inbox.title');
	const notes = page.locator('.inbox .note');
	await notes.nth(1).waitFor();
	// Newest first: the mention, then the invitation.
	const mention = en('inbox.event.mention').replace('{org}', orgs.ktm.name).replace('{record}', title);
	const invited = en('inbox.event.meeting_invited').replace('{org}', orgs.ktm.name).replace('{record}', title);
	assert.deepEqual(await notes.locator('.sentence').allTextContents(), [mention, invited]);
	assert.equal(await notes.locator('.badge-new').count(), 2, 'unread ones say so in words');
	await assertCatalogued(page, 'inbox');
	await screenshot(page, '51-inbox');

	await notes.first().getByRole('link', { name: title }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	await count(page).filter({ hasText: en('nav.unread').replace('{n}', '1') }).waitFor();
	await page.locator('.thread').getByText('Can the shelter take six returnees next week? (fictional)').waitFor();

	// The shelter replies to the comment.
	await page.getByRole('button', { name: en('thread.reply_to').replace('{name}', 'Demo Unit Admin (fictional)') }).click();
	const reply = page.locator('.reply-slot form');
	await reply.getByLabel(new RegExp(`^${esc(en('thread.reply_body'))}`)).fill('Yes, six places are ready (fictional).');
	await reply.getByRole('button', { name: en('thread.post_reply') }).click();
	const nested = page.locator('.thread .comment .replies .comment');
	await nested.getByText('Yes, six places are ready (fictional).').waitFor();
	await nested.getByText(orgs.pune.name).waitFor();
	assert.ok(await page.evaluate(() => document.activeElement.closest('.replies') !== null), 'focus goes to the reply');
	await assertCatalogued(page, 'meeting with a discussion');
	await screenshot(page, '52-discussion');

	await nav(page, 'nav.inbox');
	await heading(page, 'inbox.title');
	await page.locator('.inbox .note').nth(1).waitFor();
	assert.equal(await page.locator('.inbox .note.unread').count(), 1);
	await page.getByRole('button', { name: en('inbox.mark_all') }).click();
	await page.getByText(en('inbox.all_read').replace('{n}', '1')).waitFor();
	await count(page).waitFor({ state: 'hidden' });
	assert.equal(await page.locator('.inbox .note.unread').count(), 0);
	assertNoProblems(page);
});

test('a reply notifies the author of the comment replied to', async () => {
	const page = pages.org_admin;
	await nav(page, 'nav.inbox');
	await heading(page, 'inbox.title');
	const sentence = en('inbox.event.reply').replace('{org}', orgs.pune.name).replace('{record}', title);
	await page.locator('.inbox .note.unread .sentence').filter({ hasText: sentence }).waitFor();
	await count(page).waitFor();
	assert.match(await count(page).textContent(), new RegExp(en('nav.unread').replace('{n}', '[1-9]\\d*')));
	await page.getByRole('link', { name: en('inbox.view.unread') }).click();
	await page.waitForURL(/unread=true/);
	await page.locator('.tabs a[aria-current="page"]', { hasText: en('inbox.view.unread') }).waitFor();
	await page.locator('.inbox .note').first().waitFor();
	assert.equal(await page.locator('.inbox .note').count(), await page.locator('.inbox .note.unread').count());
	assertNoProblems(page);
});

test('a discussion on an organisation\'s own record is invisible to another organisation', async () => {
	const owner = pages.org_admin;
	const res = await call(owner, 'POST', '/practices', {
		title: 'Internal debrief notes (fictional)', summary: 'For the unit only (fictional).', theme: 'prosecution',
		level: 'org', tlp: 'AMBER',
	});
	assert.equal(res.status, 201, JSON.stringify(res.data));
	const id = res.data.id;
	await owner.goto(`/#/practice?id=${id}`);
	await owner.getByRole('heading', { level: 1, name: 'Internal debrief notes (fictional)' }).waitFor();
	const form = owner.locator('.discussion form').last();
	await form.getByLabel(new RegExp(`^${esc(en('thread.body'))}`)).fill('Only the unit reads this (fictional).');
	await form.getByRole('button', { name: en('thread.post') }).click();
	await owner.locator('.thread').getByText('Only the unit reads this (fictional).').waitFor();

	// The Colombo collective: the record and its discussion do not exist.
	const other = pages.analyst;
	await other.goto(`/#/practice?id=${id}`);
	await heading(other, 'record.not_found_title');
	await other.getByText(en('record.not_found')).waitFor();
	const body = await other.locator('main').innerText();
	assert.ok(!body.includes('Internal debrief') && !body.includes('Only the unit reads this'), body);
	assert.equal(await other.locator('.discussion').count(), 0);
	const read = await call(other, 'GET', `/threads?record_kind=practice&record_id=${id}`);
	assert.equal(read.status, 404, 'the API hides the discussion too');
	const post = await call(other, 'POST', '/threads', { record_kind: 'practice', record_id: id, body: 'Let me in (fictional).' });
	assert.equal(post.status, 404);
	await assertCatalogued(other, 'a record not shared');
	await screenshot(other, '53-not-shared');
	assertNoProblems(other);
	assertNoProblems(owner);
});

test('a viewer reads a discussion but takes no part in it', async () => {
	const page = pages.viewer;
	const res = await call(pages.org_admin, 'POST', '/practices', {
		title: 'Hotline scripts (fictional)', summary: 'What hotline staff say first (fictional).', theme: 'protection',
		level: 'platform', tlp: 'GREEN',
	});
	assert.equal(res.status, 201);
	await call(pages.org_admin, 'POST', '/threads', { record_kind: 'practice', record_id: res.data.id, body: 'Used in all districts (fictional).' });
	await page.goto(`/#/practice?id=${res.data.id}`);
	await page.getByRole('heading', { level: 1, name: 'Hotline scripts (fictional)' }).waitFor();
	await page.locator('.thread').getByText('Used in all districts (fictional).').waitFor();
	await page.getByText(en('thread.read_only')).waitFor();
	assert.equal(await page.locator('.discussion form').count(), 0);
	assert.equal(await page.getByRole('button', { name: en('thread.reply') }).count(), 0);
	assertNoProblems(page);
});

// Emergency ("break glass") access to an organisation's records is flagged
// for its org admin, who signs each one off from the audit page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sqlite } from '../api/server.mjs';
import { assertCatalogued, assertNoProblems, en, heading, input, launch, nav, newPage, screenshot, signIn, startDemo } from './helpers.mjs';

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

const reason = 'Survivor admitted to hospital at night; the duty doctor needed the guardian contact.';

test('an org admin sees an emergency access to their records and signs it off', async () => {
	// Records with personal data come with the cases module; the flag an
	// emergency read leaves is made here on an existing audit entry of
	// another organisation's member.
	const admin = server.accounts.org_admin;
	const [owner] = sqlite(server.database, `SELECT org_id FROM users WHERE email = '${admin.email}'`).trim().split('\n');
	assert.equal(sqlite(server.database, `INSERT INTO atip_audit_flags (audit_id, owner_org, at, actor_chain, actor_user, record_kind, record_id, reason)
		SELECT id, '${owner}', at, chain, actor_user, 'case', '01900000-0000-7000-8000-00000000c0de', '${reason.replace(/'/g, "''")}'
		FROM atip_audit WHERE chain <> '${owner}' LIMIT 1;
		SELECT changes();`).trim(), '1');

	const page = await newPage(browser, server.url);
	await signIn(page, admin);
	await heading(page, 'orgs.title');
	await nav(page, 'nav.audit');
	await heading(page, 'audit.title');
	const section = page.getByRole('region', { name: en('reviews.title') });
	await section.getByText(reason).waitFor();
	await assertCatalogued(page, 'audit page with a review');
	await screenshot(page, '20-review-open');

	// A note is required.
	await section.getByRole('button', { name: en('reviews.sign_off') }).click();
	await section.locator('.field.invalid').waitFor();
	await input(section, 'reviews.note').fill('Confirmed with the shelter: the hospital needed the contact.');
	await section.getByRole('button', { name: en('reviews.sign_off') }).click();

	// Signed off: nothing is waiting any more; "Reviewed" lists it.
	await section.getByText(en('reviews.empty.open')).waitFor();
	await input(section, 'reviews.state').selectOption('reviewed');
	await section.getByText(reason).waitFor();
	await section.getByText('Confirmed with the shelter').waitFor();
	assert.equal(await section.getByRole('button', { name: en('reviews.sign_off') }).count(), 0);

	// The review itself is in the trail.
	await page.reload();
	await heading(page, 'audit.title');
	await page.getByRole('cell', { name: en('audit.action.audit.review') }).first().waitFor();
	assertNoProblems(page);
	await page.context().close();
});

test('a case worker of the organisation is told the trail is not for their role', async () => {
	const page = await newPage(browser, server.url);
	await signIn(page, server.accounts.case_worker);
	await heading(page, 'orgs.title');
	await page.goto('/#/audit');
	await page.getByRole('heading', { name: en('audit.forbidden_title') }).waitFor();
	assert.equal(await page.getByRole('region', { name: en('reviews.title') }).count(), 0);
	assertNoProblems(page);
	await page.context().close();
});

// The sign-in page: wrong credentials, the second factor, throttling; and
// every string on the signed-in pages comes from the catalogue.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	assertCatalogued, assertNoProblems, en, heading, input, launch, nav, newPage, screenshot, signIn, startDemo,
} from './helpers.mjs';

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

test('a wrong password shows the catalogue message and keeps the user on the sign-in page', async () => {
	const page = await newPage(browser, server.url);
	await page.goto('/');
	await heading(page, 'signin.title');
	assert.match(page.url(), /#\/signin$/);
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	await screenshot(page, '01-signin');

	const { email } = server.accounts.platform_admin;
	await signIn(page, { email, password: 'not the password at all' });
	const alert = page.getByRole('alert');
	await alert.filter({ hasText: en('signin.wrong') }).waitFor();
	assert.equal((await alert.textContent()).trim(), en('signin.wrong'));
	assert.equal(await input(page, 'signin.password').inputValue(), '');
	await heading(page, 'signin.title');
	await screenshot(page, '02-signin-wrong');
	assertNoProblems(page);
	await page.context().close();
});

test('an enrolled account is asked for its code, then signed in; sign-out ends the session', async () => {
	const page = await newPage(browser, server.url);
	const admin = server.accounts.platform_admin;
	await signIn(page, { email: admin.email, password: admin.password });
	await page.getByRole('alert').filter({ hasText: en('signin.totp_needed') }).waitFor();
	const code = input(page, 'signin.totp');
	assert.equal(await code.getAttribute('aria-invalid'), 'true');
	assert.ok(await code.evaluate((el) => el === document.activeElement), 'the code field has the focus');
	await screenshot(page, '03-signin-code-needed');

	await signIn(page, admin);
	await heading(page, 'orgs.title');
	assert.match(page.url(), /#\/orgs$/);
	await page.getByText(en('nav.signed_in_as').replace('{name}', 'Demo Platform Admin (fictional)').replace('{role}', en('role.platform_admin'))).waitFor();

	await page.getByRole('button', { name: en('nav.signout') }).click();
	await heading(page, 'signin.title');
	await page.getByText(en('signin.signed_out')).waitFor();
	// The server forgot the session: a signed-in page sends us back.
	await page.goto('/#/users');
	await heading(page, 'signin.title');
	const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
	assert.equal(me, 401);
	assertNoProblems(page);
	await page.context().close();
});

test('too many failed sign-ins: the page says when to try again', async () => {
	const { email } = server.accounts.viewer;
	// Ten failures (AUTH_FAILURES_MAX) through the API, then one in the UI.
	for (let i = 0; i < 10; i++) {
		const res = await fetch(`${server.url}/api/v1/session`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ email, password: `wrong password number ${i}` }),
		});
		assert.equal(res.status, 401);
	}
	const page = await newPage(browser, server.url);
	await signIn(page, { email, password: 'yet another wrong password' });
	const [before, after] = en('signin.throttled').split('{when}');
	const alert = page.getByRole('alert').filter({ hasText: before });
	await alert.waitFor();
	const text = (await alert.textContent()).trim();
	assert.ok(text.startsWith(before) && text.endsWith(after), text);
	assert.match(text.slice(before.length, text.length - after.length), /\d/, 'the wait is a number of minutes or seconds');
	await screenshot(page, '04-signin-throttled');
	assertNoProblems(page);
	await page.context().close();
});

test('every string on the signed-in pages comes from the catalogue', async () => {
	const page = await newPage(browser, server.url);
	await page.goto('/');
	await heading(page, 'signin.title');
	await assertCatalogued(page, 'sign-in');

	await signIn(page, server.accounts.platform_admin);
	await heading(page, 'orgs.title');
	await page.getByText(en('orgs.add_title')).click();
	await assertCatalogued(page, 'organisations');

	await nav(page, 'nav.users');
	await heading(page, 'users.title');
	await page.getByText(en('users.add_title')).click();
	await assertCatalogued(page, 'users');

	await nav(page, 'nav.audit');
	await heading(page, 'audit.title');
	await page.locator('tbody tr').first().waitFor();
	await assertCatalogued(page, 'audit');

	await nav(page, 'nav.account');
	await heading(page, 'account.title');
	await assertCatalogued(page, 'my account');
	assertNoProblems(page);
	await page.context().close();
});

test('the menu works from the keyboard, focus is visible, and a reload keeps the session', async () => {
	const page = await newPage(browser, server.url);
	await signIn(page, server.accounts.org_admin);
	await heading(page, 'orgs.title');
	await page.reload();
	await heading(page, 'orgs.title');

	// From the top: the skip link first, then the header, then the menu.
	await page.locator('body').focus();
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.textContent), en('nav.skip'));
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
	await page.locator('body').focus();
	const seen = [];
	for (let i = 0; i < 8 && !seen.includes(en('nav.audit')); i++) {
		await page.keyboard.press('Tab');
		seen.push(await page.evaluate(() => document.activeElement.textContent.trim()));
	}
	assert.ok(seen.includes(en('nav.signout')), seen.join(' | '));
	assert.ok(seen.includes(en('nav.users')), seen.join(' | '));
	assert.equal(seen.at(-1), en('nav.audit'), seen.join(' | '));
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert.notEqual(outline, 'none', 'the focused link shows a focus ring');
	await page.keyboard.press('Enter');
	await heading(page, 'audit.title');
	// Focus moves to the new page's heading once the page has loaded.
	await page.waitForFunction(() => document.activeElement.tagName === 'H1');
	await page.locator('main tbody tr').first().waitFor();
	assert.equal(await page.locator('select[name="org"]').count(), 0, 'an org admin reads their own trail only');
	assertNoProblems(page);
	await page.context().close();
});

test('an org admin adds users to their own organisation, never a platform admin', async () => {
	const page = await newPage(browser, server.url);
	await signIn(page, server.accounts.org_admin);
	await heading(page, 'orgs.title');
	assert.equal(await page.locator('#org-add-panel').count(), 0);
	await nav(page, 'nav.users');
	await heading(page, 'users.title');
	await page.locator('main tbody tr').first().waitFor();
	const emails = await page.locator('main tbody tr td:nth-child(2)').allTextContents();
	assert.deepEqual(emails.sort(), [server.accounts.investigator.email, server.accounts.org_admin.email].sort());
	assert.equal(await page.locator('select[name="org"]').count(), 0);
	await page.getByText(en('users.add_title')).click();
	const roles = await input(page, 'users.role').locator('option').evaluateAll((os) => os.map((o) => o.value));
	assert.deepEqual(roles, ['', 'org_admin', 'case_worker', 'investigator', 'analyst', 'viewer']);
	// The email of an existing account: the API's 409 shows at the field.
	await input(page, 'users.email').fill(server.accounts.investigator.email);
	await input(page, 'users.name').fill('Duplicate (fictional)');
	await input(page, 'users.role').selectOption('viewer');
	await input(page, 'users.password').fill('another long passphrase here');
	await page.getByRole('button', { name: en('users.add') }).click();
	await page.getByRole('alert').filter({ hasText: en('users.email_taken') }).waitFor();
	assert.equal(await input(page, 'users.email').getAttribute('aria-invalid'), 'true');
	assertNoProblems(page);
	await page.context().close();
});

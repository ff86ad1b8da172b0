// atip web UI: one page, a hash router (#/signin, #/orgs, ...), and a page
// module per route.  It is a client of /api/v1 and of nothing else.
import { api, endSession, mustEnrol, signedIn, whenSignedOut } from './api.js';
import { h, problemText } from './dom.js';
import { label, loadCatalogue, t, translate } from './i18n.js';
import * as account from './pages/account.js';
import * as action from './pages/action.js';
import * as actions from './pages/actions.js';
import * as audit from './pages/audit.js';
import * as caseRecord from './pages/case.js';
import * as cases from './pages/cases.js';
import * as enrol from './pages/enrol.js';
import * as inbox from './pages/inbox.js';
import * as meeting from './pages/meeting.js';
import * as meetings from './pages/meetings.js';
import * as org from './pages/org.js';
import * as orgs from './pages/orgs.js';
import * as practice from './pages/practice.js';
import * as practices from './pages/practices.js';
import * as matches from './pages/matches.js';
import * as referrals from './pages/referrals.js';
import * as report from './pages/report.js';
import * as reports from './pages/reports.js';
import * as service from './pages/service.js';
import * as services from './pages/services.js';
import * as signin from './pages/signin.js';
import * as users from './pages/users.js';
import * as webhooks from './pages/webhooks.js';

const routes = {
	signin, enrol, orgs, org, users, audit, account, webhooks,
	meetings, meeting, actions, action, practices, practice, inbox,
	cases, case: caseRecord, services, service, referrals, matches,
	reports, report,
};
const home = 'orgs';
// What anyone may open without signing in: the public good practices.
const open = new Set(['signin', 'practices', 'practice']);
// A record's page lights up its list in the menu.
const section = { meeting: 'meetings', action: 'actions', practice: 'practices', org: 'orgs', case: 'cases', service: 'services', report: 'reports' };

// What the signed-in user is: { user, country } from GET /api/v1/me.
let me = null;
// A message for the next page to show (signed out, session ended...).
let notice = null;
let rendering = 0;

const $ = (id) => document.getElementById(id);

function go(route, params) {
	const q = params ? `?${new URLSearchParams(params)}` : '';
	const hash = `#/${route}${q}`;
	if (location.hash === hash)
		render();
	else
		location.hash = hash;
}

function parseHash() {
	const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(location.hash);
	return m ? { name: m[1], params: new URLSearchParams(m[2] || '') } : { name: '', params: new URLSearchParams() };
}

/** The chrome around the page: who is signed in, navigation for their role. */
function layout(route) {
	const inside = Boolean(me) && !mustEnrol();
	$('nav').hidden = !inside;
	$('who').hidden = !me;
	$('signin-link').hidden = Boolean(me) || route === 'signin';
	if (me)
		$('who-name').textContent = t('nav.signed_in_as', { name: me.user.name, role: label('role', me.user.role) });
	for (const li of $('nav').querySelectorAll('[data-roles]'))
		li.hidden = !me || !li.dataset.roles.split(' ').includes(me.user.role);
	for (const a of $('nav').querySelectorAll('a[data-route]')) {
		if (a.dataset.route === (section[route] || route))
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
}

/**
 * Shows how many notifications are unread next to the inbox in the menu;
 * read again on every page.
 */
let counting = 0;
async function refreshCount() {
	const badge = $('inbox-count');
	const token = ++counting;
	if (!me) {
		badge.hidden = true;
		return;
	}
	const res = await api('GET', '/notifications/count');
	if (token !== counting)
		return; // a later count is on its way
	const n = res.ok ? res.data.unread : 0;
	badge.textContent = n ? t('nav.unread', { n }) : '';
	badge.hidden = !n;
}

/** Reads who is signed in: the API's answer. */
async function whoAmI() {
	const res = await api('GET', '/me');
	me = res.ok ? res.data : null;
	return res;
}

/** The server did not say who we are (unreachable, database down...). */
function unavailable(res) {
	layout('');
	replaceMain(h('div', { class: 'narrow' },
		h('h1', { class: 'page-title', tabindex: '-1', i18n: 'app.unavailable' }),
		h('p', { class: 'alert', role: 'alert', text: problemText(res) }),
		h('button', { type: 'button', i18n: 'app.retry', onclick: render })));
	focusHeading($('main'));
}

function replaceMain(view) {
	$('main').replaceChildren(view);
}

async function render() {
	const token = ++rendering;
	const { name, params } = parseHash();
	if (!signedIn()) {
		me = null;
		if (!open.has(name))
			return go('signin');
	} else {
		if (!me) {
			const res = await whoAmI();
			if (res.status === 401)
				return; // whenSignedOut has taken over
			if (!res.ok)
				return unavailable(res);
		}
		if (mustEnrol() && name !== 'enrol')
			return go('enrol');
		if (!routes[name] || name === 'signin')
			return go(home);
	}
	if (token !== rendering)
		return;
	const main = $('main');
	layout(name);
	document.title = `${t(`title.${name}`)} · ${t('app.name')}`;
	const view = h('div', { class: 'page' });
	replaceMain(view);
	if (me && !mustEnrol())
		refreshCount();
	const ctx = {
		me,
		params,
		go,
		notice: takeNotice(),
		refreshMe: whoAmI,
		refreshCount,
		signedIn: async () => {
			await whoAmI();
			go(mustEnrol() ? 'enrol' : home);
		},
	};
	await routes[name].render(view, ctx);
	if (token === rendering)
		focusHeading(main);
}

/** Moves focus to the new page's heading, so screen readers start there. */
function focusHeading(main) {
	const h1 = main.querySelector('h1');
	if (h1 && !main.contains(document.activeElement))
		h1.focus();
}

function takeNotice() {
	const n = notice;
	notice = null;
	return n;
}

async function signOut() {
	const button = $('signout');
	button.disabled = true;
	const res = await api('DELETE', '/session');
	button.disabled = false;
	endSession();
	me = null;
	notice = res.ok || res.status === 401 ? t('signin.signed_out') : t('signin.signed_out_locally');
	go('signin');
}

async function main() {
	await loadCatalogue();
	translate();
	$('signout').addEventListener('click', signOut);
	$('skip').addEventListener('click', (e) => {
		e.preventDefault();
		$('main').focus();
	});
	whenSignedOut(() => {
		me = null;
		notice = t('signin.session_ended');
		go('signin');
	});
	window.addEventListener('hashchange', render);
	render();
}

main();

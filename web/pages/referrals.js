// Referrals: the cases other organisations refer to yours (incoming) and
// those yours refers (outgoing), with a state filter; each with its case,
// the organisations and the service, the urgency, exactly the personal
// fields shared and when each step happened.  The receiving
// organisation's writers accept or decline (with a reason), start and
// complete; the referring organisation's writers withdraw.  Org admins,
// analysts and platform admins see indicators: time to accept,
// completion rate, decline reasons.  #/referrals?id=... shows one.
import { api, query } from '../api.js';
import { caseForms, labelText } from '../casefields.js';
import { directory, orgLink, writes } from '../coord.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem, table, uid } from '../dom.js';
import { formatWhen, t } from '../i18n.js';
import { notFound } from './record.js';
import { typeWord } from './services.js';

export const states = {
	requested: 'referrals.state.requested',
	accepted: 'referrals.state.accepted',
	declined: 'referrals.state.declined',
	in_progress: 'referrals.state.in_progress',
	completed: 'referrals.state.completed',
	withdrawn: 'referrals.state.withdrawn',
};

// Badge colours of the coordination pages: words first, colour helps.
const stateClass = {
	requested: 'status-proposed',
	accepted: 'status-agreed',
	declined: 'status-dropped',
	in_progress: 'status-in_progress',
	completed: 'status-done',
	withdrawn: 'status-dropped',
};

export const urgencies = {
	routine: 'referrals.urgency.routine',
	urgent: 'referrals.urgency.urgent',
	emergency: 'referrals.urgency.emergency',
};

// While a referral is open the receiver reads the shared fields.
const openStates = new Set(['requested', 'accepted', 'in_progress']);

// Who sees the indicators (the API's rule).
const managers = ['org_admin', 'analyst', 'platform_admin'];

const views = [
	{ view: 'incoming', key: 'referrals.view.incoming', empty: 'referrals.empty.incoming' },
	{ view: 'outgoing', key: 'referrals.view.outgoing', empty: 'referrals.empty.outgoing' },
	{ view: 'indicators', key: 'referrals.view.indicators', managers: true },
];

const enc = encodeURIComponent;
const PAGE = 20;

/** The words for a referral's state. */
export function stateWord(s) {
	return states[s] ? t(states[s]) : s || '';
}

/** A referral's state as a badge. */
export function stateBadge(s) {
	return h('span', { class: `badge ${stateClass[s] || ''} referral-state`, text: stateWord(s) });
}

/**
 * Reads cases and services once per page: caseOf(id) → the case (null
 * when it cannot be read), serviceOf(id) → the service or null.
 */
export function lookups() {
	const cases = new Map();
	const services = new Map();
	const once = (map, path, id) => {
		if (!map.has(id))
			map.set(id, api('GET', `${path}${enc(id)}`).then((r) => (r.ok ? r.data : null)));
		return map.get(id);
	};
	return {
		caseOf: (id) => once(cases, '/cases/', id),
		serviceOf: (id) => once(services, '/services/', id),
	};
}

/** The personal fields a referral shares, by their labels. */
export function fieldWords(names, forms) {
	if (!names.length)
		return t('referrals.all_fields');
	return names.map((n) => {
		const form = Object.keys(forms).find((k) => forms[k].some((f) => f.personal && f.name === n));
		return labelText(form || null, n);
	}).join(', ');
}

/**
 * One referral as a list entry, with the actions its reader's side may
 * take in its state.  env: { ctx, dir, forms, look (lookups()), onCase
 * (drawn on its case's page) }; changed(referral, message, li) after a
 * move.
 */
export async function referralEntry(ref, env, changed) {
	const { me } = env.ctx;
	const incoming = ref.to_org === me.user.org_id;
	const outgoing = ref.from_org === me.user.org_id;
	const open = openStates.has(ref.state);
	// The receiver reads the case only while the referral is open.
	const c = outgoing || open ? await env.look.caseOf(ref.case_id) : null;
	const service = ref.service_id ? await env.look.serviceOf(ref.service_id) : null;
	const caseName = c ? c.reference || t('cases.no_reference') : null;
	// How the buttons and notices name it.
	const name = caseName || t('referrals.case_of', { org: env.dir.name(ref.from_org) });
	let title;
	if (env.onCase)
		title = h('strong', { text: incoming ? t('referrals.from_org', { org: env.dir.name(ref.from_org) }) : t('referrals.to_org', { org: env.dir.name(ref.to_org) }) });
	else if (c)
		title = h('a', { href: `#/case?id=${enc(ref.case_id)}`, class: 'case-link', text: caseName });
	else
		title = h('strong', { text: name });
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const when = (iso) => (iso ? h('time', { datetime: iso, text: formatWhen(iso) }) : null);
	const answered = { accepted: 'referrals.answered_accepted', declined: 'referrals.answered_declined' }[ref.state] || 'referrals.answered';
	const alert = alertBox();
	const li = h('li', { class: 'referral', 'data-referral': ref.id },
		h('h3', { class: 'comment-head referral-head' },
			title, ' ', stateBadge(ref.state), ' ',
			ref.urgency !== 'routine' ? h('span', { class: 'overdue-flag urgency', text: urgencyWord(ref.urgency) }) : null),
		!env.onCase && !c && incoming && !open ? h('p', { class: 'muted', i18n: 'referrals.case_closed' }) : null,
		h('dl', { class: 'facts' },
			row('referrals.from', orgLink(env.dir, ref.from_org)),
			row('referrals.to', orgLink(env.dir, ref.to_org)),
			row('referrals.service', ref.service_id
				? (service ? h('span', {}, h('a', { href: `#/service?id=${enc(ref.service_id)}`, text: service.name }), ` · ${typeWord(service.service_type)}`) : h('span', { class: 'muted', i18n: 'referrals.service_unknown' }))
				: null),
			row('referrals.reason', h('span', { class: 'prose', text: ref.reason })),
			row('referrals.urgency', urgencyWord(ref.urgency)),
			row('referrals.fields', h('span', { class: 'shared-fields', text: fieldWords(ref.fields, env.forms) })),
			row('referrals.consent', ref.consent_overridden
				? h('span', { class: 'overdue-flag consent-overridden', i18n: 'referrals.consent_overridden' })
				: h('span', { class: 'muted', i18n: 'referrals.consent_covered' })),
			row('referrals.requested_at', when(ref.requested_at)),
			row(answered, when(ref.answered_at)),
			row('referrals.decline_reason', ref.decline_reason ? h('span', { class: 'prose', text: ref.decline_reason }) : null),
			row('referrals.started_at', when(ref.started_at)),
			row('referrals.closed_at', when(ref.closed_at)),
			row('referrals.escalated_at', ref.escalated_at ? h('span', {}, when(ref.escalated_at), h('span', { class: 'sub', i18n: 'referrals.escalated_hint' })) : null)),
		alert);
	const tools = h('div', { class: 'actions' });
	const move = (action, words, done, named) => {
		const b = h('button', { type: 'button', class: 'small', 'aria-label': t(named, { case: name }), i18n: words });
		b.addEventListener('click', async () => {
			b.disabled = true;
			showAlert(alert, '');
			const res = await api('POST', `/referrals/${enc(ref.id)}/${action}`);
			b.disabled = false;
			if (!res.ok) {
				showAlert(alert, res.status === 409 ? t('referrals.conflict') : problemText(res));
				return;
			}
			await changed(res.data, t(done, { case: name }), li);
		});
		return b;
	};
	if (incoming && writes(me)) {
		if (ref.state === 'requested') {
			const decline = h('button', { type: 'button', class: 'secondary small', 'aria-label': t('referrals.decline_named', { case: name }), i18n: 'referrals.decline' });
			const dialog = reasonDialog({
				title: 'referrals.decline_title', intro: 'referrals.decline_intro', label: 'referrals.decline_reason_label',
				hint: 'referrals.decline_reason_hint', submit: 'referrals.decline_submit', required: true, opener: decline,
				send: (reason) => api('POST', `/referrals/${enc(ref.id)}/decline`, { reason }),
				done: (res) => changed(res.data, t('referrals.declined_done', { case: name }), li),
			});
			decline.addEventListener('click', () => dialog.open());
			tools.append(move('accept', 'referrals.accept', 'referrals.accepted_done', 'referrals.accept_named'), decline, dialog.el);
		} else if (ref.state === 'accepted') {
			tools.append(move('start', 'referrals.start', 'referrals.started_done', 'referrals.start_named'));
		} else if (ref.state === 'in_progress') {
			tools.append(move('complete', 'referrals.complete', 'referrals.completed_done', 'referrals.complete_named'));
		}
	}
	if (outgoing && writes(me) && open) {
		const withdraw = h('button', { type: 'button', class: 'danger small', 'aria-label': t('referrals.withdraw_named', { case: name }), i18n: 'referrals.withdraw' });
		const dialog = reasonDialog({
			title: 'referrals.withdraw_title', intro: 'referrals.withdraw_intro', label: 'referrals.withdraw_reason_label',
			hint: 'referrals.withdraw_reason_hint', submit: 'referrals.withdraw_submit', required: false, opener: withdraw,
			// The API wants a JSON body here even without a reason.
			send: (reason) => api('POST', `/referrals/${enc(ref.id)}/withdraw`, reason ? { reason } : {}),
			done: (res) => changed(res.data, t('referrals.withdrawn_done', { case: name }), li),
		});
		withdraw.addEventListener('click', () => dialog.open());
		tools.append(withdraw, dialog.el);
	}
	if (!env.single && !env.onCase)
		tools.append(h('a', { href: `#/referrals?id=${enc(ref.id)}`, class: 'button secondary small', 'aria-label': t('referrals.open_named', { case: name }), i18n: 'referrals.open' }));
	if (tools.children.length)
		li.append(tools);
	return li;
}

function urgencyWord(u) {
	return urgencies[u] ? t(urgencies[u]) : u || '';
}

/**
 * A modal dialog asking for a reason: spec { title, intro, label, hint,
 * submit (keys), required, opener, send(reason) → answer, done(answer) }.
 * The API's words show next to the field.  Returns { el, open() }.
 */
function reasonDialog(spec) {
	const id = uid('reason-dialog');
	const reason = field({ name: 'reason', label: spec.label, hint: spec.hint, multiline: true, rows: 3, required: spec.required, maxlength: 2000 });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', class: 'danger', i18n: spec.submit });
	const cancel = h('button', { type: 'button', class: 'secondary', i18n: 'referrals.cancel' });
	const form = h('form', { class: 'form', novalidate: true }, alert, reason, h('div', { class: 'actions' }, submit, cancel));
	const el = h('dialog', { id, class: 'card dialog', 'aria-labelledby': `${id}-title` },
		h('h2', { id: `${id}-title`, i18n: spec.title }),
		h('p', { i18n: spec.intro }),
		form);
	cancel.addEventListener('click', () => el.close());
	el.addEventListener('close', () => {
		if (spec.opener.isConnected)
			spec.opener.focus();
	});
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await spec.send(reason.control.value.trim());
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res, res.status === 409 ? t('referrals.conflict') : null);
			return;
		}
		el.close();
		await spec.done(res);
	});
	return {
		el,
		open() {
			form.reset();
			clearErrors(form);
			showAlert(alert, '');
			el.showModal();
			reason.control.focus();
		},
	};
}

export async function render(view, ctx) {
	const dir = await directory();
	const f = await caseForms();
	const env = { ctx, dir, forms: f.ok ? f.forms : {}, look: lookups() };
	const id = ctx.params.get('id');
	if (id)
		return one(view, env, id);
	const mayManage = managers.includes(ctx.me.user.role);
	const shown = views.filter((v) => !v.managers || mayManage);
	const current = shown.find((v) => v.view === ctx.params.get('view')) || shown[0];
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', hidden: true });
	append(view,
		pageHeading('referrals.title'),
		h('p', { class: 'lead', i18n: 'referrals.intro' }),
		h('nav', { class: 'tabs', 'aria-label': t('referrals.views') },
			shown.map((v) => h('a', {
				href: `#/referrals${query({ view: v.view === 'incoming' ? '' : v.view })}`,
				'aria-current': v === current ? 'page' : null,
				i18n: v.key,
			}))),
		alert, done);
	if (current.view === 'indicators')
		view.append(await indicators(env, alert));
	else
		view.append(...await list(env, current, alert, done));
}

/** One referral (from the inbox): its entry, and the way to the lists. */
async function one(view, env, id) {
	const res = await api('GET', `/referrals/${enc(id)}`);
	if (!res.ok)
		return notFound(view, res, 'referrals', 'referrals.back');
	const ref = res.data;
	const incoming = ref.to_org === env.ctx.me.user.org_id;
	const done = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', hidden: true });
	const list = h('ul', { class: 'updates referrals' });
	const single = { ...env, single: true };
	const changed = async (r, message, li) => {
		li.replaceWith(await referralEntry(r, single, changed));
		done.textContent = message;
		done.hidden = false;
		done.focus();
	};
	list.append(await referralEntry(ref, single, changed));
	append(view,
		h('p', { class: 'back' }, h('a', { href: `#/referrals${query({ view: incoming ? '' : 'outgoing' })}`, i18n: 'referrals.back' })),
		pageHeading(incoming ? 'referrals.one_incoming' : 'referrals.one_outgoing'),
		done,
		h('section', { class: 'card', 'aria-labelledby': 'referral-one' },
			h('h2', { id: 'referral-one', class: 'visually-hidden', i18n: 'referrals.one_title' }),
			list));
}

/** Incoming or outgoing referrals, a state filter, and "Show more". */
async function list(env, current, alert, done) {
	const { ctx } = env;
	const state = Object.hasOwn(states, ctx.params.get('state') || '') ? ctx.params.get('state') : '';
	const items = h('ul', { class: 'updates referrals' });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: state ? 'referrals.empty.state' : current.empty, hidden: true });
	let cursor = null;
	const changed = async (r, message, li) => {
		li.replaceWith(await referralEntry(r, env, changed));
		done.textContent = message;
		done.hidden = false;
		done.focus();
	};
	async function load() {
		more.disabled = true;
		const res = await api('GET', `/referrals${query({ view: current.view, state, limit: PAGE, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		items.append(...await Promise.all(res.data.items.map((r) => referralEntry(r, env, changed))));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		items.hidden = items.children.length === 0;
		empty.hidden = items.children.length > 0;
	}
	more.addEventListener('click', async () => {
		const before = items.children.length;
		await load();
		items.children[before]?.querySelector('a, button')?.focus();
	});
	await load();
	const pick = field({ name: 'state', label: 'referrals.filter.state', placeholder: 'referrals.filter.any',
		options: Object.entries(states).map(([value, key]) => ({ value, key })) });
	pick.control.value = state;
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('referrals.filter.title') },
		pick,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', i18n: 'referrals.filter.apply' })));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		ctx.go('referrals', Object.fromEntries(Object.entries({ view: current.view === 'incoming' ? '' : current.view, state: pick.control.value }).filter(([, v]) => v)));
	});
	return [
		h('p', { class: 'hint', i18n: current.view === 'incoming' ? 'referrals.incoming_hint' : 'referrals.outgoing_hint' }),
		form,
		h('section', { 'aria-labelledby': 'referrals-list-title' },
			h('h2', { id: 'referrals-list-title', class: 'visually-hidden', i18n: current.key }),
			items, empty,
			h('div', { class: 'actions' }, more)),
	];
}

/** A mean time in hours: minutes under an hour. */
function duration(hours, format) {
	return hours < 1 ? t('referrals.ind.minutes', { n: format.format(Math.round(hours * 60)) }) : t('referrals.ind.hours', { n: format.format(hours) });
}

/** Per receiving organisation and service type: how referrals fare. */
async function indicators(env, alert) {
	const res = await api('GET', '/referrals/indicators');
	const section = h('section', { 'aria-labelledby': 'indicators-title', id: 'indicators' },
		h('h2', { id: 'indicators-title', i18n: 'referrals.ind.title' }),
		h('p', { class: 'hint', i18n: env.ctx.me.user.role === 'platform_admin' ? 'referrals.ind.intro_all' : 'referrals.ind.intro' }));
	if (!res.ok) {
		showAlert(alert, problemText(res));
		return section;
	}
	if (!res.data.items.length) {
		section.append(h('p', { class: 'empty', i18n: 'referrals.ind.empty' }));
		return section;
	}
	const lang = document.documentElement.lang || 'en';
	const hours = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
	const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
	const tbl = table('referrals.ind.caption', ['referrals.ind.col.org', 'referrals.ind.col.type', 'referrals.ind.col.referrals',
		'referrals.ind.col.accepted', 'referrals.ind.col.declined', 'referrals.ind.col.completed', 'referrals.ind.col.hours',
		'referrals.ind.col.rate', 'referrals.ind.col.reasons']);
	const items = [...res.data.items].sort((a, b) => env.dir.name(a.to_org).localeCompare(env.dir.name(b.to_org))
		|| (a.service_type || '').localeCompare(b.service_type || ''));
	for (const b of items) {
		const reasons = Object.entries(b.decline_reasons || {});
		addRow(tbl.body, [
			orgLink(env.dir, b.to_org),
			b.service_type ? typeWord(b.service_type) : h('span', { class: 'muted', i18n: 'referrals.ind.direct' }),
			String(b.referrals),
			String(b.accepted),
			String(b.declined),
			String(b.completed),
			b.hours_to_accept === null ? h('span', { class: 'muted', i18n: 'referrals.ind.no_hours' }) : duration(b.hours_to_accept, hours),
			percent.format(b.completion_rate),
			reasons.length
				? h('ul', { class: 'decline-reasons' }, reasons.map(([why, n]) => h('li', { text: t('referrals.ind.reason', { reason: why, n }) })))
				: h('span', { class: 'muted', i18n: 'referrals.ind.no_reasons' }),
		]);
	}
	section.append(h('div', { class: 'table-wrap' }, tbl.el));
	return section;
}

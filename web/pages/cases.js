// Cases: those the organisation may see (never their personal data here)
// with filters, the cases other organisations offer it (incoming
// transfers), the follow-ups that are overdue, and for case workers,
// investigators and org admins a form to open a case.
import { api, query } from '../api.js';
import { caseFields, caseForms, caseWorkers, countryOptions, fieldErrors, valueWord } from '../casefields.js';
import { directory, shareFields, shareText, tlpBadge, writes } from '../coord.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem, table } from '../dom.js';
import { formatDate, formatWhen, t } from '../i18n.js';

const views = [
	{ view: 'all', key: 'cases.view.all', empty: 'cases.empty.all' },
	{ view: 'mine', key: 'cases.view.mine', empty: 'cases.empty.mine' },
	{ view: 'incoming', key: 'cases.view.incoming', empty: 'cases.empty.incoming' },
	{ view: 'overdue', key: 'cases.view.overdue', empty: 'cases.empty.overdue' },
];

// The risk flags a list is filtered by (the API's closed list).
const flags = ['Minor', 'Debt', 'TraffickedBefore', 'MissedFollowUps'];

export async function render(view, ctx) {
	const p = ctx.params;
	const current = views.find((v) => v.view === p.get('view')) || views[0];
	const res = await caseForms();
	const dir = await directory();
	const alert = alertBox();
	if (!res.ok) {
		append(view, pageHeading('cases.title'), alert);
		showAlert(alert, problemText(res));
		return;
	}
	const { forms } = res;
	const users = writes(ctx.me) ? await caseWorkers() : [];
	const env = { dir, users, persons: [] };
	const done = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', hidden: true });
	let body;
	if (current.view === 'overdue')
		body = await overdueList(ctx, alert, current, env);
	else
		body = await caseList(ctx, alert, done, current, forms, env);
	append(view,
		pageHeading('cases.title'),
		h('p', { class: 'lead', i18n: 'cases.intro' }),
		alert,
		writes(ctx.me) ? await openForm(ctx, forms, env) : null,
		h('section', { 'aria-labelledby': 'cases-list-title' },
			h('h2', { id: 'cases-list-title', i18n: 'cases.list_title' }),
			h('nav', { class: 'tabs', 'aria-label': t('cases.views') },
				views.map((v) => h('a', {
					href: `#/cases${query({ view: v.view === 'all' ? '' : v.view })}`,
					'aria-current': v === current ? 'page' : null,
					i18n: v.key,
				}))),
			done,
			body));
}

/** The cases of a view (all, mine, incoming) with filters and "Show more". */
async function caseList(ctx, alert, done, current, forms, env) {
	const p = ctx.params;
	const incoming = current.view === 'incoming';
	const filters = incoming ? {} : {
		status: p.get('status') || '', exploitation: p.get('exploitation') || '', gender: p.get('gender') || '',
		age_band: p.get('age_band') || '', country: p.get('country') || '', flag: p.get('flag') || '',
	};
	const cols = incoming
		? ['cases.col.case', 'cases.col.offered_by', 'cases.col.persons', 'cases.col.updated', 'cases.col.answer']
		: ['cases.col.case', 'cases.col.status', 'cases.col.persons', 'cases.col.flags', 'cases.col.owner', 'cases.col.shared', 'cases.col.updated'];
	const list = table(incoming ? 'cases.caption_incoming' : 'cases.caption', cols);
	const wrap = h('div', { class: 'table-wrap' }, list.el);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: current.empty, hidden: true });
	let cursor = null;

	const shown = () => {
		wrap.hidden = list.body.children.length === 0;
		empty.hidden = list.body.children.length > 0;
	};
	async function load() {
		more.disabled = true;
		const res = await api('GET', `/cases${query({ view: current.view === 'all' ? '' : current.view, ...filters, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		for (const c of res.data.items)
			addRow(list.body, incoming ? incomingCells(c, ctx, env, alert, done, shown) : cells(c, env));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		shown();
	}
	more.addEventListener('click', load);
	await load();
	const go = (f) => ctx.go('cases', Object.fromEntries(Object.entries({ view: current.view === 'all' ? '' : current.view, ...f }).filter(([, v]) => v)));
	return [
		incoming ? h('p', { class: 'hint', i18n: 'cases.incoming_hint' }) : filterForm(forms, filters, go),
		wrap, empty,
		h('div', { class: 'actions' }, more),
	];
}

function caseLink(c) {
	return h('a', { href: `#/case?id=${encodeURIComponent(c.id)}`, text: c.reference || t('cases.no_reference') });
}

function personsText(c) {
	return t('cases.persons_count', { victims: c.victims, perpetrators: c.perpetrators });
}

function cells(c, env) {
	return [
		h('span', {},
			caseLink(c),
			c.transfer_to ? h('span', { class: 'sub', text: t('cases.offered_to', { org: env.dir.name(c.transfer_to) }) }) : null,
			c.erased ? h('span', { class: 'sub', i18n: 'cases.erased_short' }) : null),
		h('span', { class: `badge badge-${String(c.status).toLowerCase()}`, text: valueWord(c.status) }),
		personsText(c),
		c.risk_flags.length ? c.risk_flags.map(valueWord).join(', ') : h('span', { class: 'muted', i18n: 'cases.no_flags' }),
		env.dir.name(c.owner_org),
		h('span', {}, `${shareText(c)} `, tlpBadge(c.tlp)),
		h('time', { datetime: c.updated_at, text: formatWhen(c.updated_at) }),
	];
}

/** A case offered to the organisation: its writers accept or decline it here. */
function incomingCells(c, ctx, env, alert, done, shown) {
	const ref = c.reference || t('cases.no_reference');
	const accept = h('button', { type: 'button', class: 'small', 'aria-label': t('cases.accept_named', { ref }), i18n: 'cases.accept' });
	const decline = h('button', { type: 'button', class: 'secondary small', 'aria-label': t('cases.decline_named', { ref }), i18n: 'cases.decline' });
	accept.addEventListener('click', async () => {
		accept.disabled = true;
		const res = await api('POST', `/cases/${encodeURIComponent(c.id)}/transfer/accept`);
		accept.disabled = false;
		if (res.ok)
			ctx.go('case', { id: c.id });
		else
			showAlert(alert, problemText(res));
	});
	decline.addEventListener('click', async () => {
		if (!window.confirm(t('cases.confirm_decline', { ref })))
			return;
		decline.disabled = true;
		const res = await api('POST', `/cases/${encodeURIComponent(c.id)}/transfer/decline`);
		decline.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		decline.closest('tr').remove();
		shown();
		done.textContent = t('cases.declined', { ref });
		done.hidden = false;
		done.focus();
	});
	return [
		caseLink(c),
		env.dir.name(c.owner_org),
		personsText(c),
		h('time', { datetime: c.updated_at, text: formatWhen(c.updated_at) }),
		writes(ctx.me) ? h('span', { class: 'row-actions' }, accept, decline) : h('span', { class: 'muted', i18n: 'cases.answer_writers' }),
	];
}

/** Filters: status, exploitation, gender, age band, country of an event, risk flag. */
function filterForm(forms, now, apply) {
	const values = (form, name) => forms[form].find((f) => f.name === name)?.values || [];
	const pick = (name, label, any, list) => {
		const w = field({ name, label, placeholder: any, options: list.map((v) => ({ value: v, text: valueWord(v) })) });
		w.control.value = now[name];
		return w;
	};
	const country = field({ name: 'country', label: 'cases.filter.country', placeholder: 'cases.filter.any_country', options: countryOptions() });
	country.control.value = now.country;
	const fields = [
		pick('status', 'cases.filter.status', 'cases.filter.any', values('case', 'status')),
		pick('exploitation', 'cases.filter.exploitation', 'cases.filter.any', values('victim', 'exploitation_types')),
		pick('gender', 'cases.filter.gender', 'cases.filter.any', values('victim', 'gender')),
		pick('age_band', 'cases.filter.age_band', 'cases.filter.any', values('victim', 'age_band')),
		country,
		pick('flag', 'cases.filter.flag', 'cases.filter.any', flags),
	];
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('cases.filter.title') },
		fields,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', i18n: 'cases.filter.apply' })));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		apply(Object.fromEntries(fields.map((f) => [f.dataset.field, f.control.value])));
	});
	return form;
}

/** The organisation's follow-ups that are overdue, or due within some days. */
async function overdueList(ctx, alert, current, env) {
	const days = ['', '7', '30'].includes(ctx.params.get('days') || '') ? ctx.params.get('days') || '' : '';
	const res = await api('GET', `/followups${query({ days })}`);
	const list = table('cases.caption_overdue', ['cases.col.case', 'cases.col.due', 'cases.col.owner_person']);
	const today = new Date().toISOString().slice(0, 10);
	if (!res.ok)
		showAlert(alert, problemText(res));
	const items = res.ok ? res.data.items : [];
	for (const f of items)
		addRow(list.body, [
			h('a', { href: `#/case?id=${encodeURIComponent(f.case_id)}`, text: f.reference || t('cases.no_reference') }),
			h('span', {},
				h('time', { datetime: f.due_on, text: formatDate(f.due_on) }),
				f.due_on < today ? h('span', { class: 'overdue-flag', i18n: 'cases.overdue' }) : null),
			f.case_owner ? env.users.find((u) => u.id === f.case_owner)?.label || t('cases.someone') : h('span', { class: 'muted', i18n: 'cases.no_case_owner' }),
		]);
	for (const tr of list.body.children)
		tr.className = tr.querySelector('.overdue-flag') ? 'overdue' : 'ontime';
	const within = field({ name: 'days', label: 'cases.filter.within', options: [
		{ value: '', key: 'cases.filter.overdue_only' },
		{ value: '7', key: 'cases.filter.within_7' },
		{ value: '30', key: 'cases.filter.within_30' },
	] });
	within.control.value = days;
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('cases.filter.followups') },
		within,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', i18n: 'cases.filter.apply' })));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		ctx.go('cases', within.control.value ? { view: 'overdue', days: within.control.value } : { view: 'overdue' });
	});
	return [
		h('p', { class: 'hint', i18n: 'cases.overdue_hint' }),
		form,
		items.length ? h('div', { class: 'table-wrap' }, list.el) : h('p', { class: 'empty', i18n: days ? 'cases.empty.due' : current.empty }),
	];
}

/** The form to open a case; on success, the case's page. */
async function openForm(ctx, forms, env) {
	const caseRole = ['case_worker', 'investigator'].includes(ctx.me.user.role);
	const fields = await caseFields('case', forms.case, env, { personal: caseRole });
	fields.byName.status?.set('Active');
	if (caseRole)
		fields.byName.case_owner?.set(ctx.me.user.id);
	const share = await shareFields();
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'cases.open' });
	const form = h('form', { class: 'form', novalidate: true, id: 'case-add' },
		h('p', { class: 'hint', i18n: caseRole ? 'cases.open_hint' : 'cases.open_hint_admin' }),
		alert, fields.els, share.els,
		h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await api('POST', '/cases', { ...fields.read(), ...share.value() });
		submit.disabled = false;
		if (res.ok) {
			ctx.go('case', { id: res.data.id });
			return;
		}
		showProblem(form, alert, fieldErrors(res));
	});
	return h('details', { class: 'card add', id: 'case-add-panel' },
		h('summary', { i18n: 'cases.open_title' }),
		form);
}

// The priority tracker: joint actions (my organisation's commitments,
// overdue ones, or all) with filters, a CSV export of what is shown, and
// a form to agree a new one, also from a meeting's decision.
import { api, query } from '../api.js';
import { actionStatuses, countryOptions, directory, options, orgItems, priorities, shareFields, themes, word, writes } from '../coord.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem, table } from '../dom.js';
import { countryName, formatDate, t } from '../i18n.js';
import { checkList } from '../pickers.js';

const views = [
	{ view: 'mine', key: 'actions.view.mine', empty: 'actions.empty.mine' },
	{ view: 'overdue', key: 'actions.view.overdue', empty: 'actions.empty.overdue' },
	{ view: 'all', key: 'actions.view.all', empty: 'actions.empty.all' },
];

export async function render(view, ctx) {
	const p = ctx.params;
	const current = views.find((v) => v.view === p.get('view')) || views[0];
	const filters = { country: p.get('country') || '', theme: p.get('theme') || '', status: p.get('status') || '' };
	const apiFilters = { view: current.view === 'all' ? '' : current.view, ...filters };
	const dir = await directory();
	const alert = alertBox();
	const list = table('actions.caption', ['actions.col.title', 'actions.col.lead', 'actions.col.countries',
		'actions.col.theme', 'actions.col.priority', 'actions.col.due', 'actions.col.status']);
	const wrap = h('div', { class: 'table-wrap' }, list.el);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: current.empty, hidden: true });
	let cursor = null;

	async function load() {
		more.disabled = true;
		const res = await api('GET', `/actions${query({ ...apiFilters, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		for (const a of res.data.items)
			addRow(list.body, cells(a, dir));
		for (const tr of list.body.querySelectorAll('tr:not([class])'))
			tr.className = tr.querySelector('.overdue-flag') ? 'overdue' : 'ontime';
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		wrap.hidden = list.body.children.length === 0;
		empty.hidden = list.body.children.length > 0;
	}

	const go = (params) => ctx.go('actions', Object.fromEntries(Object.entries(params).filter(([, v]) => v)));
	const decision = p.get('decision');
	const agree = writes(ctx.me) ? await agreeForm(ctx, dir, decision ? await fromDecision(p.get('meeting'), decision) : null) : null;
	append(view,
		pageHeading('actions.title'),
		h('p', { class: 'lead', i18n: 'actions.intro' }),
		alert,
		agree,
		h('section', { 'aria-labelledby': 'actions-list-title' },
			h('h2', { id: 'actions-list-title', i18n: 'actions.list_title' }),
			h('nav', { class: 'tabs', 'aria-label': t('actions.views') },
				views.map((v) => h('a', {
					href: `#/actions${query({ view: v.view, ...filters })}`,
					'aria-current': v === current ? 'page' : null,
					i18n: v.key,
				}))),
			filterForm(dir, filters, (f) => go({ view: current.view, ...f })),
			h('div', { class: 'actions export' },
				h('a', { href: `/api/v1/actions${query({ format: 'csv', ...apiFilters })}`, download: 'atip-actions.csv', class: 'button secondary', i18n: 'actions.export' }),
				h('span', { class: 'hint', i18n: 'actions.export_hint' })),
			wrap, empty,
			h('div', { class: 'actions' }, more)));
	more.addEventListener('click', load);
	await load();
	// From a meeting's decision: straight to the form it pre-filled.
	if (decision && agree?.open)
		agree.querySelector('input[name="title"]').focus();
}

function cells(a, dir) {
	const due = a.due_date ? h('span', {},
		h('time', { datetime: a.due_date, text: formatDate(a.due_date) }),
		a.overdue ? h('span', { class: 'overdue-flag', i18n: 'actions.overdue' }) : null)
		: h('span', { class: 'muted', i18n: 'actions.no_due' });
	const partners = a.partners.map((o) => dir.name(o));
	return [
		h('span', {},
			h('a', { href: `#/action?id=${encodeURIComponent(a.id)}`, text: a.title }),
			partners.length ? h('span', { class: 'sub', text: t('actions.with_partners', { names: partners.join(', ') }) }) : null),
		a.lead_name || dir.name(a.lead_org),
		a.countries.map(countryName).join(', '),
		word(themes, a.theme),
		h('span', { class: `priority priority-${a.priority}`, text: word(priorities, a.priority) }),
		due,
		h('span', { class: `badge status-${a.status}`, text: word(actionStatuses, a.status) }),
	];
}

/** Filters by country, theme and status; apply(filters) shows them. */
function filterForm(dir, now, apply) {
	const country = field({ name: 'country', label: 'actions.filter.country', placeholder: 'actions.filter.any_country', options: countryOptions(dir.countries) });
	const theme = field({ name: 'theme', label: 'actions.filter.theme', placeholder: 'actions.filter.any_theme', options: options(themes) });
	const status = field({ name: 'status', label: 'actions.filter.status', placeholder: 'actions.filter.any_status', options: options(actionStatuses) });
	country.control.value = now.country;
	theme.control.value = now.theme;
	status.control.value = now.status;
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('actions.filter.title') },
		country, theme, status,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', i18n: 'actions.filter.apply' })));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		apply({ country: country.control.value, theme: theme.control.value, status: status.control.value });
	});
	return form;
}

/** The decision an action carries out: { id, number, text, meeting }. */
async function fromDecision(meetingId, decisionId) {
	const res = await api('GET', `/meetings/${encodeURIComponent(meetingId || '')}`);
	const d = res.ok ? res.data.decisions.find((x) => x.id === decisionId) : null;
	return d ? { ...d, meeting: res.data } : null;
}

/** The form to agree an action; decision: pre-fills it from a decision. */
async function agreeForm(ctx, dir, decision) {
	const title = field({ name: 'title', label: 'actions.f.title', required: true, maxlength: 300 });
	const description = field({ name: 'description', label: 'actions.f.description', multiline: true, rows: 3 });
	const theme = field({ name: 'theme', label: 'actions.f.theme', hint: 'actions.f.theme_hint', required: true, placeholder: 'form.choose', options: options(themes) });
	const countries = checkList({ name: 'countries', legend: 'actions.f.countries', hint: 'actions.f.countries_hint', required: true,
		items: dir.countries.map((c) => ({ value: c, text: countryName(c) })) });
	const lead = field({ name: 'lead_org', label: 'actions.f.lead', hint: 'actions.f.lead_hint', required: true, placeholder: 'form.choose',
		options: orgItems(dir).map((o) => ({ value: o.value, text: o.text })) });
	lead.control.value = ctx.me.user.org_id;
	const partners = checkList({ name: 'partners', legend: 'actions.f.partners', hint: 'actions.f.partners_hint', filter: 'form.filter_orgs', items: orgItems(dir) });
	const priority = field({ name: 'priority', label: 'actions.f.priority', options: options(priorities) });
	priority.control.value = 'medium';
	const due = field({ name: 'due_date', label: 'actions.f.due', hint: 'actions.f.due_hint', type: 'date', class: 'medium' });
	const share = await shareFields();
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'actions.agree' });
	let origin = null;
	if (decision) {
		title.control.value = decision.text.slice(0, 300);
		origin = h('p', { class: 'alert alert-info', id: 'action-origin',
			text: t('actions.from_decision', { n: decision.number, meeting: decision.meeting.title }) });
	}
	const form = h('form', { class: 'form', novalidate: true, id: 'action-add' },
		origin, alert, title, description, theme, countries, lead, partners, priority, due, share.els,
		h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = {
			title: title.control.value.trim(),
			description: description.control.value.trim(),
			countries: countries.values(),
			partners: partners.values(),
			priority: priority.control.value,
			...share.value(),
		};
		if (theme.control.value)
			body.theme = theme.control.value;
		if (lead.control.value)
			body.lead_org = lead.control.value;
		if (due.control.value)
			body.due_date = due.control.value;
		if (decision)
			body.decision_id = decision.id;
		submit.disabled = true;
		const res = await api('POST', '/actions', body);
		submit.disabled = false;
		if (res.ok) {
			ctx.go('action', { id: res.data.id });
			return;
		}
		showProblem(form, alert, res);
	});

	const panel = h('details', { class: 'card add', id: 'action-add-panel', open: Boolean(decision) },
		h('summary', { i18n: 'actions.add_title' }),
		form);
	return panel;
}

// Intelligence: the reports the reader may see, newest first, with their
// owner, TLP, handling code, exploitation types, platforms and places;
// filtered by exploitation type, platform and place.  A search box takes
// any indicator in any format ("+91 98200 12345", "@handle", a URL...)
// and says which reports hold it, how many others (by organisation) the
// reader may not see, and the linked cases it may.  Writers (case
// workers, investigators, org admins) write new reports here.
// #/reports?exploitation_type=&platform=&place=
import { api, query } from '../api.js';
import { valueWord } from '../casefields.js';
import { tlpBadge, writes } from '../coord.js';
import { alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import {
	correlationView, exploitationTypes, exploitationWords, handlingBadge, options, placeWord, platformWords, platforms,
	reportForm, search, typeWords, valueFields,
} from '../intel.js';

const PAGE = 20;
const enc = encodeURIComponent;

export async function render(view, ctx) {
	const p = ctx.params;
	const filters = {};
	for (const k of ['exploitation_type', 'platform', 'place'])
		filters[k] = p.get(k) || '';
	const filtering = Object.values(filters).some(Boolean);
	const alert = alertBox();
	const results = h('ol', { class: 'results reports', id: 'reports-list' });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: filtering ? 'intel.empty_found' : 'intel.empty', hidden: true });
	const filterForm = filtersForm(filters, (f) => ctx.go('reports', Object.fromEntries(Object.entries(f).filter(([, v]) => v))));
	let cursor = null;

	async function load() {
		more.disabled = true;
		const res = await api('GET', `/reports${query({ ...filters, limit: PAGE, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			if (res.status === 422)
				showProblem(filterForm, alert, res, t('intel.bad_filter'));
			else
				showAlert(alert, problemText(res));
			return;
		}
		results.append(...res.data.items.map(item));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		results.hidden = results.children.length === 0;
		empty.hidden = results.children.length > 0;
	}
	more.addEventListener('click', async () => {
		const before = results.children.length;
		await load();
		results.children[before]?.querySelector('a')?.focus();
	});

	append(view,
		pageHeading('intel.title'),
		h('p', { class: 'lead', i18n: 'intel.intro' }),
		alert,
		writes(ctx.me) ? await newPanel(ctx) : null,
		searchPanel(),
		h('section', { 'aria-labelledby': 'reports-list-title' },
			h('h2', { id: 'reports-list-title', i18n: 'intel.list_title' }),
			filterForm,
			results, empty,
			h('div', { class: 'actions' }, more)));
	await load();
}

/** One report in the list. */
function item(r) {
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', { text: value })] : null);
	return h('li', { class: 'result card', 'data-report': r.id },
		h('h3', {}, h('a', { href: `#/report?id=${enc(r.id)}`, text: r.title })),
		h('p', { class: 'meta' },
			tlpBadge(r.tlp), ' ', handlingBadge(r.handling), ' ',
			h('span', { class: 'muted', text: `${r.owner_name} · ${formatDate(r.created_at.slice(0, 10))}` })),
		h('dl', { class: 'facts' },
			row('intel.exploitation', exploitationWords(r.exploitation_types)),
			row('intel.platforms', platformWords(r.platforms)),
			row('intel.places', (r.places || []).map(placeWord).join(', '))));
}

function filtersForm(now, apply) {
	const type = field({ name: 'exploitation_type', label: 'intel.filter.exploitation', placeholder: 'intel.filter.any',
		options: exploitationTypes.map((v) => ({ value: v, text: valueWord(v) })) });
	type.control.value = now.exploitation_type;
	const platform = field({ name: 'platform', label: 'intel.filter.platform', placeholder: 'intel.filter.any', options: options(platforms) });
	platform.control.value = now.platform;
	const place = field({ name: 'place', label: 'intel.filter.place', hint: 'intel.filter.place_hint', maxlength: 6, class: 'short', spellcheck: 'false', autocapitalize: 'characters' });
	place.control.value = now.place;
	const form = h('form', { class: 'filters', 'aria-label': t('intel.filter.title'), novalidate: true },
		type, platform, place,
		h('div', { class: 'actions' },
			h('button', { type: 'submit', i18n: 'intel.filter.apply' }),
			Object.values(now).some(Boolean) ? h('a', { href: '#/reports', i18n: 'intel.filter.clear' }) : null));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		clearErrors(form);
		apply({ exploitation_type: type.control.value, platform: platform.control.value, place: place.control.value.trim().toUpperCase() });
	});
	return form;
}

/** "New report": a button that opens the form (writers only). */
async function newPanel(ctx) {
	const form = await reportForm({
		id: 'report-new',
		submit: 'intel.create',
		send: (body) => api('POST', '/reports', body),
		done: (res) => ctx.go('report', { id: res.data.id }),
	});
	const box = h('section', { class: 'card', id: 'report-new-panel', 'aria-labelledby': 'report-new-title', hidden: true },
		h('h2', { id: 'report-new-title', i18n: 'intel.new_title' }), form);
	const open = h('button', { type: 'button', i18n: 'intel.new', 'aria-expanded': 'false', 'aria-controls': 'report-new-panel' });
	open.addEventListener('click', () => {
		box.hidden = !box.hidden;
		open.setAttribute('aria-expanded', String(!box.hidden));
		if (!box.hidden)
			form.focusFirst();
	});
	return h('div', { class: 'new-report' }, h('div', { class: 'actions' }, open), box);
}

/** Looking a value up in any format. */
function searchPanel() {
	const fields = valueFields({ prefix: '' });
	fields.value.querySelector('label [data-i18n]').dataset.i18n = 'intel.search.value';
	fields.value.querySelector('label [data-i18n]').textContent = t('intel.search.value');
	const alert = alertBox();
	const out = h('div', { class: 'search-results', 'aria-live': 'polite' });
	const submit = h('button', { type: 'submit', i18n: 'intel.search.submit' });
	const form = h('form', { class: 'filters search', role: 'search', 'aria-label': t('intel.search.title'), novalidate: true },
		fields.value, fields.type, fields.qualifier,
		h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		out.replaceChildren();
		submit.disabled = true;
		const res = await search(fields.read());
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		if (!res.data.items.length) {
			out.append(h('p', { class: 'empty', i18n: 'intel.search.nothing' }));
			return;
		}
		out.append(h('ul', { class: 'updates found' }, res.data.items.map((x) => h('li', { class: 'found-value' },
			h('p', {},
				h('strong', { text: typeWords(x.type, x.qualifier) }), ' ',
				x.key ? h('code', { class: 'key', text: x.key }) : null),
			correlationView(x)))));
	});
	return h('section', { class: 'card', 'aria-labelledby': 'intel-search-title', id: 'intel-search' },
		h('h2', { id: 'intel-search-title', i18n: 'intel.search.title' }),
		h('p', { class: 'hint', i18n: 'intel.search.hint' }),
		alert, form, out);
}

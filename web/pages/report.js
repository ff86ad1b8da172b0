// One intel report: its fields, TLP and handling code, the linked cases
// the reader may see, its indicators (each with what it correlates with),
// platform requests, the network around it with the shortest path between
// two values, and its STIX 2.1 bundle.  The owner's writers add
// indicators (typed, or proposed from pasted text), record requests,
// change and delete the report.  #/report?id=...
import { api } from '../api.js';
import { shareText, tlpBadge, writes } from '../coord.js';
import { alertBox, append, clearErrors, field, h, problemText, showAlert, showProblem, uid } from '../dom.js';
import { formatDate, formatWhen, t } from '../i18n.js';
import {
	correlationView, credibility, exploitationWords, handlingBadge, handlingMeaning, options, placeWord, platformWords,
	platforms, reliability, reportForm, requestKinds, requestStatuses, typeWords, valueFields, word,
} from '../intel.js';
import { notFound, recordHeading } from './record.js';

const enc = encodeURIComponent;

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const res = await api('GET', `/reports/${enc(id)}`);
	if (!res.ok)
		return notFound(view, res, 'reports', 'intel.back');
	const page = { view, ctx, r: res.data, notice: null, added: null };
	await draw(page);
}

async function reload(page, notice) {
	const res = await api('GET', `/reports/${enc(page.r.id)}`);
	if (res.ok)
		page.r = res.data;
	page.notice = notice;
	await draw(page);
}

async function draw(page) {
	const { r, ctx } = page;
	document.title = `${r.title} · ${t('app.name')}`;
	page.owner = r.owner_org === ctx.me.user.org_id && writes(ctx.me);
	const notice = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', id: 'report-notice', hidden: !page.notice, text: page.notice || '' });
	const parts = [
		recordHeading('reports', 'intel.back', r.title),
		notice,
		page.added ? addedView(page, page.added) : null,
		await factsCard(page),
		indicatorsCard(page),
		page.owner ? extractCard(page) : null,
		requestsCard(page),
		networkCard(page),
		h('section', { class: 'card', 'aria-labelledby': 'stix-title' },
			h('h2', { id: 'stix-title', i18n: 'intel.stix.title' }),
			h('p', { class: 'hint', i18n: 'intel.stix.hint' }),
			r.handling === 'H2' && r.owner_org !== ctx.me.user.org_id
				? h('p', { i18n: 'intel.stix.h2' })
				: stixButton(r)),
		page.owner ? await editCard(page) : null,
	];
	page.added = null;
	page.view.replaceChildren();
	append(page.view, parts);
	if (page.notice)
		notice.focus();
}

/** The report's fields, its sharing and handling, and its linked cases. */
async function factsCard(page) {
	const { r } = page;
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const period = r.period_start || r.period_end
		? t('intel.period_words', { start: formatDate(r.period_start) || '…', end: formatDate(r.period_end) || '…' }) : null;
	const cases = [];
	for (const id of r.case_ids || []) {
		const c = await api('GET', `/cases/${enc(id)}`);
		cases.push(h('li', {}, h('a', { href: `#/case?id=${enc(id)}`, text: c.ok ? c.data.reference || t('cases.no_reference') : t('cases.no_reference') })));
	}
	const handlingWords = [h('span', { text: t(handlingMeaning[r.handling] || 'intel.handling.h0_means') })];
	if (r.handling === 'H3' && r.handling_note)
		handlingWords.push(h('span', { class: 'sub', text: t('intel.handling.note', { note: r.handling_note }) }));
	return h('section', { class: 'card', 'aria-labelledby': 'report-facts-title' },
		h('h2', { id: 'report-facts-title', class: 'visually-hidden', i18n: 'intel.facts' }),
		h('p', { class: 'meta' }, h('span', { class: 'muted', text: shareText(r) }), ' ', tlpBadge(r.tlp), ' ', handlingBadge(r.handling)),
		h('dl', { class: 'facts', id: 'report-facts' },
			row('intel.owner', r.owner_name),
			row('intel.handling', handlingWords),
			row('intel.reliability', r.reliability ? word(reliability, r.reliability) : t('intel.f.ungraded')),
			row('intel.credibility', r.credibility ? word(credibility, String(r.credibility)) : t('intel.f.ungraded')),
			row('intel.period', period),
			row('intel.places', (r.places || []).map(placeWord).join(', ')),
			row('intel.exploitation', exploitationWords(r.exploitation_types)),
			row('intel.platforms', platformWords(r.platforms)),
			row('intel.written', h('time', { datetime: r.created_at, text: formatWhen(r.created_at) })),
			row('intel.updated', r.updated_at !== r.created_at ? h('time', { datetime: r.updated_at, text: formatWhen(r.updated_at) }) : null)),
		r.narrative ? h('p', { class: 'prose', text: r.narrative }) : null,
		h('h3', { i18n: 'intel.cases' }),
		cases.length ? h('ul', { class: 'linked-cases' }, cases) : h('p', { class: 'muted', i18n: 'intel.no_cases' }));
}

/** What the indicators just added link to at once. */
function addedView(page, items) {
	const linked = items.filter((x) => !x.common && (x.correlation.sightings.length || x.correlation.hidden.length || x.correlation.cases.length));
	if (!linked.length)
		return null;
	return h('section', { class: 'card added', 'aria-labelledby': 'added-title' },
		h('h2', { id: 'added-title', i18n: 'intel.added_links' }),
		h('ul', { class: 'updates' }, linked.map((x) => h('li', {},
			h('p', {}, h('strong', { text: typeWords(x.type, x.qualifier) }), ' ', h('span', { text: x.value ?? t('intel.restricted') })),
			correlationView(x.correlation, { self: page.r.id })))));
}

function indicatorsCard(page) {
	const { r } = page;
	const list = h('ul', { class: 'indicators' }, r.indicators.map((x) => indicatorItem(page, x)));
	return h('section', { class: 'card', 'aria-labelledby': 'indicators-title', id: 'indicators' },
		h('h2', { id: 'indicators-title', i18n: 'intel.indicators' }),
		r.indicators.length ? list : h('p', { class: 'empty', i18n: 'intel.no_indicators' }),
		page.owner ? addForm(page) : null);
}

function indicatorItem(page, x) {
	const value = x.value ?? (x.personal ? t('intel.restricted') : '');
	const shown = x.value ?? null;
	const detail = h('div', { class: 'indicator-links', hidden: true, id: uid('links') });
	const toggle = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false', 'aria-controls': detail.id,
		'aria-label': t('intel.show_links_named', { value }), i18n: 'intel.show_links' });
	toggle.addEventListener('click', async () => {
		if (!detail.hidden) {
			detail.hidden = true;
			toggle.setAttribute('aria-expanded', 'false');
			return;
		}
		toggle.disabled = true;
		const res = await api('GET', `/reports/${enc(page.r.id)}/indicators/${enc(x.id)}`);
		toggle.disabled = false;
		detail.replaceChildren();
		if (!res.ok) {
			detail.append(h('p', { class: 'alert', role: 'alert', text: problemText(res) }));
		} else {
			const k = res.data;
			detail.append(correlationView({ ...k.correlation, common: k.common }, { self: page.r.id }));
			if (k.first_seen)
				detail.append(h('p', { class: 'muted', text: t('intel.seen_between', { first: formatDate(k.first_seen.slice(0, 10)), last: formatDate((k.last_seen || k.first_seen).slice(0, 10)) }) }));
		}
		detail.hidden = false;
		toggle.setAttribute('aria-expanded', 'true');
	});
	const tools = h('div', { class: 'tools' }, toggle);
	if (page.owner) {
		const remove = h('button', { type: 'button', class: 'secondary small danger', 'aria-label': t('intel.remove_named', { value }), i18n: 'intel.remove' });
		remove.addEventListener('click', async () => {
			if (!window.confirm(t('intel.confirm_remove', { value })))
				return;
			remove.disabled = true;
			const res = await api('DELETE', `/reports/${enc(page.r.id)}/indicators/${enc(x.id)}`);
			remove.disabled = false;
			if (!res.ok) {
				detail.replaceChildren(h('p', { class: 'alert', role: 'alert', text: problemText(res) }));
				detail.hidden = false;
				return;
			}
			await reload(page, t('intel.removed', { value }));
		});
		tools.append(remove);
	}
	return h('li', { class: 'indicator', 'data-indicator': x.id },
		h('p', {},
			h('strong', { class: 'indicator-type', text: typeWords(x.type, x.qualifier) }), ' ',
			shown !== null ? h('span', { class: 'indicator-value', text: shown })
				: h('span', { class: 'indicator-value restricted', text: value }),
			' ',
			x.common ? h('span', { class: 'badge badge-common', i18n: 'intel.common' }) : null,
			!x.common && x.linked ? h('span', { class: 'badge badge-linked', text: t(x.linked === 1 ? 'intel.linked_one' : 'intel.linked_many', { n: x.linked }) }) : null),
		x.key && x.key !== shown ? h('p', { class: 'sub' }, h('span', { i18n: 'intel.key' }), ' ', h('code', { class: 'key', text: x.key })) : null,
		x.note ? h('p', { class: 'sub', text: x.note }) : null,
		tools, detail);
}

/** Adding indicators: rows of type, qualifier, value and note. */
function addForm(page) {
	const rows = [];
	const body = h('ol', { class: 'indicator-rows' });
	const addRow = () => {
		const f = valueFields({ note: true, required: true });
		rows.push(f);
		body.append(h('li', { class: 'indicator-row' }, f.els));
		return f;
	};
	addRow();
	const alert = alertBox();
	const another = h('button', { type: 'button', class: 'secondary', i18n: 'intel.add_row' });
	another.addEventListener('click', () => addRow().type.control.focus());
	const submit = h('button', { type: 'submit', i18n: 'intel.add' });
	const form = h('form', { class: 'form wide', novalidate: true, id: 'indicators-add' },
		h('h3', { i18n: 'intel.add_title' }), alert, body,
		h('div', { class: 'actions' }, another, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const sent = [];
		for (const f of rows) {
			const v = f.read();
			if (!v.value && !v.type)
				continue;
			f.name(`indicators/${sent.length}/`);
			sent.push(v);
		}
		if (!sent.length) {
			showAlert(alert, t('intel.add_nothing'));
			return;
		}
		submit.disabled = true;
		const res = await api('POST', `/reports/${enc(page.r.id)}/indicators`, { indicators: sent });
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		page.added = res.data.items;
		await reload(page, t('intel.added', { n: res.data.items.length }));
	});
	return form;
}

/** "Paste text": the indicators found in it, for the analyst to confirm. */
function extractCard(page) {
	const text = field({ name: 'text', label: 'intel.extract.text', hint: 'intel.extract.hint', multiline: true, rows: 6, spellcheck: 'false' });
	const alert = alertBox();
	const find = h('button', { type: 'submit', i18n: 'intel.extract.find' });
	const proposals = h('div', { class: 'proposals' });
	const form = h('form', { class: 'form wide', novalidate: true, id: 'extract-form' }, alert, text, h('div', { class: 'actions' }, find));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		proposals.replaceChildren();
		find.disabled = true;
		const res = await api('POST', '/indicators/extract', { text: text.control.value });
		find.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		if (!res.data.items.length) {
			proposals.append(h('p', { class: 'empty', i18n: 'intel.extract.none' }));
			return;
		}
		const boxes = [];
		const list = h('ul', { class: 'checks' }, res.data.items.map((x) => {
			const id = uid('proposal');
			const box = h('input', { type: 'checkbox', id });
			boxes.push([box, x]);
			return h('li', {}, box, h('label', { for: id },
				h('span', { text: `${typeWords(x.type, x.qualifier)}: ${x.value}` }),
				x.key !== x.value ? h('span', { class: 'muted', text: ` · ${x.key}` }) : null));
		}));
		const confirmAlert = alertBox();
		const add = h('button', { type: 'submit', i18n: 'intel.extract.add' });
		const confirm = h('form', { class: 'form wide', novalidate: true, id: 'proposals-form' },
			h('fieldset', {}, h('legend', { i18n: 'intel.extract.proposals' }), h('p', { class: 'hint', i18n: 'intel.extract.confirm_hint' }), list),
			confirmAlert, h('div', { class: 'actions' }, add));
		confirm.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			showAlert(confirmAlert, '');
			const chosen = boxes.filter(([b]) => b.checked).map(([, x]) => {
				const out = { type: x.type, value: x.value };
				if (x.qualifier)
					out.qualifier = x.qualifier;
				return out;
			});
			if (!chosen.length) {
				showAlert(confirmAlert, t('intel.extract.choose'));
				return;
			}
			add.disabled = true;
			const r2 = await api('POST', `/reports/${enc(page.r.id)}/indicators`, { indicators: chosen });
			add.disabled = false;
			if (!r2.ok) {
				showAlert(confirmAlert, r2.status === 422 ? (r2.data?.errors || []).map((x) => `${x.field}: ${x.message}`).join(' ') || problemText(r2) : problemText(r2));
				return;
			}
			page.added = r2.data.items;
			await reload(page, t('intel.added', { n: r2.data.items.length }));
		});
		proposals.append(confirm);
		add.focus();
	});
	return h('section', { class: 'card', 'aria-labelledby': 'extract-title', id: 'extract' },
		h('h2', { id: 'extract-title', i18n: 'intel.extract.title' }), form, proposals);
}

/** Preservation and takedown requests to platforms. */
function requestsCard(page) {
	const { r } = page;
	const list = h('ul', { class: 'updates requests' }, r.requests.map((q) => requestItem(page, q)));
	return h('section', { class: 'card', 'aria-labelledby': 'requests-title', id: 'requests' },
		h('h2', { id: 'requests-title', i18n: 'intel.request.title' }),
		r.requests.length ? list : h('p', { class: 'empty', i18n: 'intel.request.none' }),
		page.owner ? requestForm(page) : null);
}

function requestItem(page, q) {
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', { text: value })] : null);
	const li = h('li', { class: 'request', 'data-request': q.id },
		h('p', {},
			h('strong', { text: `${word(platforms, q.platform)} · ${word(requestKinds, q.kind)}` }), ' ',
			h('span', { class: `badge request-${q.status}`, text: word(requestStatuses, q.status) })),
		h('dl', { class: 'facts' },
			row('intel.request.target', q.target),
			row('intel.request.sent_on', q.sent_on ? formatDate(q.sent_on) : null),
			row('intel.request.reference', q.reference),
			row('intel.request.response', q.response),
			row('intel.request.responded_on', q.responded_on ? formatDate(q.responded_on) : null)));
	if (!page.owner)
		return li;
	const status = field({ name: 'status', label: 'intel.request.status', options: options(requestStatuses) });
	status.control.value = q.status;
	const sent = field({ name: 'sent_on', label: 'intel.request.sent_on', type: 'date', class: 'short' });
	sent.control.value = q.sent_on || '';
	const response = field({ name: 'response', label: 'intel.request.response', multiline: true, rows: 2 });
	response.control.value = q.response || '';
	const responded = field({ name: 'responded_on', label: 'intel.request.responded_on', type: 'date', class: 'short' });
	responded.control.value = q.responded_on || '';
	const alert = alertBox();
	const save = h('button', { type: 'submit', i18n: 'intel.request.save' });
	const form = h('form', { class: 'form', novalidate: true }, alert, status, sent, response, responded, h('div', { class: 'actions' }, save));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = { status: status.control.value, version: q.version };
		if (sent.control.value)
			body.sent_on = sent.control.value;
		if (response.control.value.trim())
			body.response = response.control.value.trim();
		if (responded.control.value)
			body.responded_on = responded.control.value;
		save.disabled = true;
		const res = await api('PATCH', `/reports/${enc(page.r.id)}/requests/${enc(q.id)}`, body);
		save.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res, res.status === 409 ? t('intel.request.conflict') : null);
			return;
		}
		await reload(page, t('intel.request.saved'));
	});
	li.append(h('details', { class: 'request-update' }, h('summary', { i18n: 'intel.request.update' }), form));
	return li;
}

function requestForm(page) {
	const platform = field({ name: 'platform', label: 'intel.request.platform', required: true, placeholder: 'form.choose', options: options(platforms) });
	const kind = field({ name: 'kind', label: 'intel.request.kind', required: true, options: options(requestKinds) });
	const target = field({ name: 'target', label: 'intel.request.target', hint: 'intel.request.target_hint', required: true, maxlength: 1000 });
	const status = field({ name: 'status', label: 'intel.request.status', options: options(requestStatuses) });
	const sent = field({ name: 'sent_on', label: 'intel.request.sent_on', hint: 'intel.request.sent_on_hint', type: 'date', class: 'short' });
	const reference = field({ name: 'reference', label: 'intel.request.reference', maxlength: 300 });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'intel.request.add' });
	const form = h('form', { class: 'form', novalidate: true, id: 'request-add' },
		h('h3', { i18n: 'intel.request.add_title' }), alert, platform, kind, target, status, sent, reference, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = { platform: platform.control.value, kind: kind.control.value, target: target.control.value.trim(), status: status.control.value };
		if (sent.control.value)
			body.sent_on = sent.control.value;
		if (reference.control.value.trim())
			body.reference = reference.control.value.trim();
		submit.disabled = true;
		const res = await api('POST', `/reports/${enc(page.r.id)}/requests`, body);
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		await reload(page, t('intel.request.added'));
	});
	return form;
}

/** The network around the report (a picture, and the same as a list), and the shortest path. */
function networkCard(page) {
	const { r } = page;
	const picture = h('figure', { class: 'network' });
	const status = h('p', { class: 'muted', role: 'status' });
	const show = h('button', { type: 'button', class: 'secondary', i18n: 'intel.network.show' });
	show.addEventListener('click', async () => {
		show.disabled = true;
		const res = await api('GET', `/reports/${enc(r.id)}/graph`);
		show.disabled = false;
		if (!res.ok) {
			status.textContent = problemText(res);
			return;
		}
		const g = res.data;
		const count = (kind) => g.nodes.filter((n) => n.kind === kind).length;
		const words = t('intel.network.alt', { reports: count('report'), values: count('indicator'), cases: count('case') });
		// The picture is the API's own SVG, loaded as an image (never as markup).
		const img = h('img', { src: `/api/v1/reports/${enc(r.id)}/graph?format=svg`, alt: words, class: 'network-picture' });
		img.addEventListener('error', () => {
			status.textContent = t('intel.network.no_picture');
		});
		picture.replaceChildren(img, h('figcaption', {}, legend(), g.truncated ? h('p', { class: 'muted', i18n: 'intel.network.truncated' }) : null));
		status.textContent = words;
		show.hidden = true;
		picture.after(nodeList(g));
	});
	return h('section', { class: 'card', 'aria-labelledby': 'network-title', id: 'network' },
		h('h2', { id: 'network-title', i18n: 'intel.network.title' }),
		h('p', { class: 'hint', i18n: 'intel.network.hint' }),
		h('div', { class: 'actions' }, show), status, picture,
		pathForm());
}

function legend() {
	return h('ul', { class: 'legend', 'aria-label': t('intel.network.legend') },
		h('li', {}, h('span', { class: 'swatch swatch-report', 'aria-hidden': 'true' }), h('span', { i18n: 'intel.network.report' })),
		h('li', {}, h('span', { class: 'swatch swatch-value', 'aria-hidden': 'true' }), h('span', { i18n: 'intel.network.value' })),
		h('li', {}, h('span', { class: 'swatch swatch-case', 'aria-hidden': 'true' }), h('span', { i18n: 'intel.network.case' })),
		h('li', {}, h('span', { class: 'swatch swatch-common', 'aria-hidden': 'true' }), h('span', { i18n: 'intel.network.common' })));
}

/** A node of the network in words: a link for reports and cases. */
function nodeWords(n) {
	if (n.kind === 'report')
		return h('a', { href: `#/report?id=${enc(n.id)}`, text: n.label });
	if (n.kind === 'case')
		return h('a', { href: `#/case?id=${enc(n.id)}`, text: n.label || t('cases.no_reference') });
	return h('span', {}, h('span', { class: 'muted', text: `${typeWords(n.type)}: ` }), h('span', { text: n.label }),
		n.common ? [' ', h('span', { class: 'badge badge-common', i18n: 'intel.common' })] : null);
}

const kindWords = { report: 'intel.network.report', indicator: 'intel.network.value', case: 'intel.network.case' };

function nodeList(g) {
	return h('details', { class: 'network-list' },
		h('summary', { i18n: 'intel.network.as_list' }),
		h('ul', {}, g.nodes.map((n) => h('li', {}, h('span', { class: 'muted', text: `${t(kindWords[n.kind])} · ` }), nodeWords(n)))));
}

/** The shortest chain between two values, over what the reader may see. */
function pathForm() {
	const from = valueFields({ prefix: 'from_', required: true });
	const to = valueFields({ prefix: 'to_', required: true });
	const alert = alertBox();
	const out = h('div', { class: 'path', 'aria-live': 'polite' });
	const submit = h('button', { type: 'submit', i18n: 'intel.path.find' });
	const form = h('form', { class: 'form wide', novalidate: true, id: 'path-form' },
		h('h3', { i18n: 'intel.path.title' }),
		alert,
		h('fieldset', { class: 'path-end' }, h('legend', { i18n: 'intel.path.from' }), from.els),
		h('fieldset', { class: 'path-end' }, h('legend', { i18n: 'intel.path.to' }), to.els),
		h('div', { class: 'actions' }, submit),
		out);
	// The API names the whole end ("from", "to") when it refuses one.
	from.value.dataset.field = 'from';
	to.value.dataset.field = 'to';
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		out.replaceChildren();
		submit.disabled = true;
		const res = await api('POST', '/indicators/path', { from: from.read(), to: to.read() });
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		if (!res.data.found) {
			out.append(h('p', { class: 'empty', i18n: 'intel.path.none' }));
			return;
		}
		out.append(h('p', { class: 'sub', text: t('intel.path.found', { n: res.data.nodes.length }) }),
			h('ol', { class: 'chain' }, res.data.nodes.map((n) => h('li', { class: `chain-${n.kind}` },
				h('span', { class: 'muted', text: `${t(kindWords[n.kind])} · ` }), nodeWords(n)))));
	});
	return form;
}

/** "Download STIX 2.1": the bundle, saved as a .json file. */
function stixButton(r) {
	const status = h('span', { class: 'muted', role: 'status' });
	const b = h('button', { type: 'button', class: 'secondary', i18n: 'intel.stix.download' });
	b.addEventListener('click', async () => {
		b.disabled = true;
		const res = await api('GET', `/stix/reports/${enc(r.id)}`);
		b.disabled = false;
		if (!res.ok) {
			status.textContent = problemText(res);
			return;
		}
		const blob = new Blob([JSON.stringify(res.data, null, 2)], { type: 'application/json' });
		const url = URL.createObjectURL(blob);
		const a = h('a', { href: url, download: `atip-report-${r.id}.json`, hidden: true });
		document.body.append(a);
		a.click();
		a.remove();
		setTimeout(() => URL.revokeObjectURL(url), 10000);
		status.textContent = t('intel.stix.saved');
	});
	return h('div', { class: 'actions' }, b, status);
}

/** Changing and deleting the report (its owner's writers). */
async function editCard(page) {
	const { r } = page;
	const form = await reportForm({
		id: 'report-edit',
		submit: 'intel.save',
		report: r,
		send: (body) => api('PATCH', `/reports/${enc(r.id)}`, { ...body, version: page.r.version }),
		async done(res) {
			page.r = res.data;
			page.notice = t('intel.saved');
			await draw(page);
		},
		words: (res) => (res.status === 409 ? t('intel.conflict') : null),
	});
	const alert = alertBox();
	const del = h('button', { type: 'button', class: 'danger', i18n: 'intel.delete' });
	del.addEventListener('click', async () => {
		if (!window.confirm(t('intel.confirm_delete', { title: r.title })))
			return;
		del.disabled = true;
		const res = await api('DELETE', `/reports/${enc(r.id)}`);
		del.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		page.ctx.go('reports');
	});
	return h('section', { class: 'card', 'aria-labelledby': 'report-edit-title' },
		h('h2', { id: 'report-edit-title', class: 'visually-hidden', i18n: 'intel.edit_title' }),
		h('details', { id: 'report-edit-panel' }, h('summary', { i18n: 'intel.edit' }), form),
		alert,
		h('div', { class: 'actions' }, del));
}

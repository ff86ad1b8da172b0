// What the intelligence pages share: the API's closed lists (indicator
// types, platforms, the Admiralty grading, handling codes, platform
// requests) with their catalogue keys, the report form, and the words for
// what a value correlates with.
import { api, listAll } from './api.js';
import { valueWord } from './casefields.js';
import { shareFields } from './coord.js';
import { alertBox, clearErrors, field, h, showAlert, showProblem } from './dom.js';
import { countryName, formatDate, t } from './i18n.js';
import { checkList } from './pickers.js';

// Closed lists: code -> catalogue key, written out for the catalogue test.
export const indicatorTypes = {
	phone: 'intel.type.phone',
	email: 'intel.type.email',
	url: 'intel.type.url',
	domain: 'intel.type.domain',
	handle: 'intel.type.handle',
	messaging: 'intel.type.messaging',
	upi: 'intel.type.upi',
	bank_account: 'intel.type.bank_account',
	crypto_wallet: 'intel.type.crypto_wallet',
	ip: 'intel.type.ip',
	vehicle_plate: 'intel.type.vehicle_plate',
	person_name: 'intel.type.person_name',
	ad_text: 'intel.type.ad_text',
};

// The platforms a report names (src/intel/intel.c).
export const platforms = {
	facebook: 'intel.platform.facebook',
	instagram: 'intel.platform.instagram',
	x: 'intel.platform.x',
	tiktok: 'intel.platform.tiktok',
	youtube: 'intel.platform.youtube',
	telegram: 'intel.platform.telegram',
	snapchat: 'intel.platform.snapchat',
	linkedin: 'intel.platform.linkedin',
	sharechat: 'intel.platform.sharechat',
	moj: 'intel.platform.moj',
	whatsapp: 'intel.platform.whatsapp',
	signal: 'intel.platform.signal',
	imo: 'intel.platform.imo',
	viber: 'intel.platform.viber',
	wechat: 'intel.platform.wechat',
	line: 'intel.platform.line',
	discord: 'intel.platform.discord',
	reddit: 'intel.platform.reddit',
	tinder: 'intel.platform.tinder',
	bumble: 'intel.platform.bumble',
	olx: 'intel.platform.olx',
	quikr: 'intel.platform.quikr',
	naukri: 'intel.platform.naukri',
	website: 'intel.platform.website',
	other: 'intel.platform.other',
};

// What qualifies a value: the platform of a handle, the app of a
// messaging id, the chain of a wallet.
export const qualifiers = {
	handle: ['instagram', 'facebook', 'x', 'tiktok', 'youtube', 'telegram', 'snapchat', 'linkedin', 'sharechat', 'moj'],
	messaging: ['whatsapp', 'telegram', 'signal', 'imo'],
	crypto_wallet: ['btc', 'eth', 'trx'],
};

const chains = {
	btc: 'intel.chain.btc',
	eth: 'intel.chain.eth',
	trx: 'intel.chain.trx',
};

const qualifierLabels = {
	handle: 'intel.f.qualifier_platform',
	messaging: 'intel.f.qualifier_app',
	crypto_wallet: 'intel.f.qualifier_chain',
};

// The HTCDS exploitation types (src/cases/cases_forms.c).
export const exploitationTypes = ['ForcedLabour', 'SexualExploitation', 'ChildLabour', 'ForcedMarriage', 'Servitude',
	'ForcedMilitaryByNonStateActors', 'OrganRemoval', 'ForcedBegging', 'ForcedAdoption', 'Surrogacy', 'ForcedCriminality', 'Other'];

// The Admiralty grading: how reliable the source, how credible the information.
export const reliability = {
	A: 'intel.reliability.a',
	B: 'intel.reliability.b',
	C: 'intel.reliability.c',
	D: 'intel.reliability.d',
	E: 'intel.reliability.e',
	F: 'intel.reliability.f',
};

export const credibility = {
	1: 'intel.credibility.1',
	2: 'intel.credibility.2',
	3: 'intel.credibility.3',
	4: 'intel.credibility.4',
	5: 'intel.credibility.5',
	6: 'intel.credibility.6',
};

export const handling = {
	H0: 'intel.handling.h0',
	H1: 'intel.handling.h1',
	H2: 'intel.handling.h2',
	H3: 'intel.handling.h3',
};

// What each handling code asks of the reader, on a report's page.
export const handlingMeaning = {
	H0: 'intel.handling.h0_means',
	H1: 'intel.handling.h1_means',
	H2: 'intel.handling.h2_means',
	H3: 'intel.handling.h3_means',
};

export const requestKinds = {
	preservation: 'intel.request.kind.preservation',
	takedown: 'intel.request.kind.takedown',
};

export const requestStatuses = {
	draft: 'intel.request.status.draft',
	sent: 'intel.request.status.sent',
	acknowledged: 'intel.request.status.acknowledged',
	complied: 'intel.request.status.complied',
	refused: 'intel.request.status.refused',
	expired: 'intel.request.status.expired',
};

/** The words for code in a closed list, or the code itself. */
export function word(list, code) {
	return list[code] ? t(list[code]) : code || '';
}

/** A closed list as field() options. */
export function options(list) {
	return Object.entries(list).map(([value, key]) => ({ value, key }));
}

/** "Handle (Telegram)": an indicator's type with what qualifies it. */
export function typeWords(type, qualifier) {
	const base = word(indicatorTypes, type);
	if (!qualifier)
		return base;
	return `${base} (${platforms[qualifier] ? t(platforms[qualifier]) : chains[qualifier] ? t(chains[qualifier]) : qualifier})`;
}

/** A place of a report (ISO 3166-1 or -2) in words. */
export function placeWord(code) {
	if (!code)
		return '';
	return code.length === 2 ? countryName(code) : `${code} (${countryName(code.slice(0, 2))})`;
}

export function exploitationWords(list) {
	return (list || []).map(valueWord).join(', ');
}

export function platformWords(list) {
	return (list || []).map((p) => word(platforms, p)).join(', ');
}

/** A handling code's badge: "H2 · No further dissemination". */
export function handlingBadge(code) {
	return h('span', { class: `badge handling handling-${(code || '').toLowerCase()}`, text: word(handling, code) });
}

/**
 * An indicator's type, qualifier and value as a group of fields:
 * { els, type, qualifier, value, read(), name(prefix) } where name()
 * gives each field the name the API's errors use (indicators/0/value).
 */
export function valueFields({ prefix = '', note = false, required = false } = {}) {
	const type = field({ name: `${prefix}type`, label: 'intel.f.type', required, placeholder: required ? 'form.choose' : 'intel.f.any_type',
		options: options(indicatorTypes) });
	const qualifier = field({ name: `${prefix}qualifier`, label: 'intel.f.qualifier_platform', placeholder: 'form.choose', options: [] });
	qualifier.hidden = true;
	const value = field({ name: `${prefix}value`, label: 'intel.f.value', required, spellcheck: 'false', autocapitalize: 'none', maxlength: 2000 });
	const noteField = note ? field({ name: `${prefix}note`, label: 'intel.f.note', maxlength: 500 }) : null;
	const setQualifiers = () => {
		const list = qualifiers[type.control.value];
		qualifier.hidden = !list;
		if (!list)
			return;
		const label = qualifier.querySelector('label [data-i18n]');
		label.dataset.i18n = qualifierLabels[type.control.value];
		label.textContent = t(label.dataset.i18n);
		qualifier.control.replaceChildren(h('option', { value: '', i18n: 'form.choose' }),
			...list.map((q) => h('option', { value: q, text: platforms[q] ? t(platforms[q]) : t(chains[q]) })));
	};
	type.control.addEventListener('change', setQualifiers);
	const els = h('div', { class: 'value-fields' }, type, qualifier, value, noteField);
	return {
		els,
		type,
		qualifier,
		value,
		note: noteField,
		read() {
			const out = { value: value.control.value.trim() };
			if (type.control.value)
				out.type = type.control.value;
			if (!qualifier.hidden && qualifier.control.value)
				out.qualifier = qualifier.control.value;
			if (noteField && noteField.control.value.trim())
				out.note = noteField.control.value.trim();
			return out;
		},
		name(p) {
			type.dataset.field = `${p}type`;
			qualifier.dataset.field = `${p}qualifier`;
			value.dataset.field = `${p}value`;
			if (noteField)
				noteField.dataset.field = `${p}note`;
		},
	};
}

/**
 * What a value correlates with, as the reader may know it: the reports
 * that hold it (links), the others counted by organisation, linked cases,
 * or that it is too common to link.  k: { common, sightings, hidden, cases }.
 */
export function correlationView(k, { self } = {}) {
	if (k.common)
		return h('p', {}, h('span', { class: 'badge badge-common', i18n: 'intel.common' }), ' ', h('span', { class: 'muted', i18n: 'intel.common_hint' }));
	const out = h('div', { class: 'correlation' });
	const seen = (k.sightings || []).filter((s) => s.report_id !== self);
	if (seen.length) {
		out.append(h('p', { class: 'sub', i18n: self ? 'intel.seen_in' : 'intel.held_by' }), h('ul', { class: 'sightings' }, seen.map((s) => h('li', {},
			h('a', { href: `#/report?id=${encodeURIComponent(s.report_id)}`, text: s.report_title }),
			h('span', { class: 'muted', text: ` · ${s.org_name} · ${formatDate((s.at || '').slice(0, 10))}` }),
			s.distance !== undefined ? h('span', { class: 'muted', text: ` · ${t('intel.distance', { n: s.distance })}` }) : null))));
	}
	for (const x of k.hidden || [])
		out.append(h('p', { class: 'hidden-count', text: t(x.count === 1 ? 'intel.hidden_one' : 'intel.hidden_many', { n: x.count, org: x.org_name }) }));
	if (k.cases?.length)
		out.append(h('p', { class: 'sub', i18n: 'intel.cases_linked' }), h('ul', {}, k.cases.map((c) => h('li', {},
			h('a', { href: `#/case?id=${encodeURIComponent(c.case_id)}`, text: c.reference || t('cases.no_reference') })))));
	if (!seen.length && !k.hidden?.length && !k.cases?.length)
		out.append(h('p', { class: 'muted', i18n: 'intel.no_links' }));
	return out;
}

/**
 * The form of a report: spec { id, submit (key), report (to change, or
 * nothing to write one), send(body) → answer, done(answer), words(answer) }.
 */
export async function reportForm(spec) {
	const r = spec.report;
	const title = field({ name: 'title', label: 'intel.f.title', required: true, maxlength: 300 });
	const narrative = field({ name: 'narrative', label: 'intel.f.narrative', multiline: true, rows: 5 });
	const start = field({ name: 'period_start', label: 'intel.f.period_start', type: 'date', class: 'short' });
	const end = field({ name: 'period_end', label: 'intel.f.period_end', type: 'date', class: 'short' });
	const places = field({ name: 'places', label: 'intel.f.places', hint: 'intel.f.places_hint', spellcheck: 'false', autocapitalize: 'characters' });
	const exploitation = checkList({ name: 'exploitation_types', legend: 'intel.f.exploitation',
		items: exploitationTypes.map((v) => ({ value: v, text: valueWord(v) })), checked: r?.exploitation_types });
	const platformList = checkList({ name: 'platforms', legend: 'intel.f.platforms', filter: 'intel.f.platforms_filter',
		items: Object.entries(platforms).map(([value, key]) => ({ value, key })), checked: r?.platforms });
	const rel = field({ name: 'reliability', label: 'intel.f.reliability', hint: 'intel.f.reliability_hint', placeholder: 'intel.f.ungraded', options: options(reliability) });
	const cred = field({ name: 'credibility', label: 'intel.f.credibility', hint: 'intel.f.credibility_hint', placeholder: 'intel.f.ungraded', options: options(credibility) });
	const hand = field({ name: 'handling', label: 'intel.f.handling', hint: 'intel.f.handling_hint', options: options(handling) });
	const note = field({ name: 'handling_note', label: 'intel.f.handling_note', hint: 'intel.f.handling_note_hint', maxlength: 1000 });
	const share = await shareFields();
	// Cases to link: those the writer may see (the API checks it again).
	const visible = await listAll('/cases', {}, 500);
	const caseList = checkList({ name: 'case_ids', legend: 'intel.f.cases', hint: 'intel.f.cases_hint', filter: 'intel.f.cases_filter', empty: 'intel.f.no_cases',
		items: (visible.items || []).map((c) => ({ value: c.id, text: c.reference || t('cases.no_reference') })), checked: r?.case_ids });
	if (r) {
		title.control.value = r.title;
		narrative.control.value = r.narrative || '';
		start.control.value = r.period_start || '';
		end.control.value = r.period_end || '';
		places.control.value = (r.places || []).join(', ');
		rel.control.value = r.reliability || '';
		cred.control.value = r.credibility ? String(r.credibility) : '';
		hand.control.value = r.handling || 'H0';
		note.control.value = r.handling_note || '';
		share.els.querySelector('select[name="level"]').value = r.level;
		share.els.querySelector('select[name="tlp"]').value = r.tlp;
	}
	const showNote = () => {
		note.classList.toggle('required-now', hand.control.value === 'H3');
	};
	hand.control.addEventListener('change', showNote);
	showNote();
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: spec.submit });
	const form = h('form', { class: 'form', novalidate: true, id: spec.id },
		alert, title, narrative,
		h('div', { class: 'inline-fields' }, start, end),
		places, exploitation, platformList,
		h('fieldset', { class: 'grading' }, h('legend', { i18n: 'intel.f.grading' }), rel, cred),
		hand, note, caseList, share.els,
		h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const text = (w) => w.control.value.trim();
		const body = {
			title: text(title),
			narrative: text(narrative),
			places: text(places).split(/[\s,;]+/).filter(Boolean).map((x) => x.toUpperCase()),
			exploitation_types: exploitation.values(),
			platforms: platformList.values(),
			case_ids: caseList.values(),
			handling: hand.control.value,
			handling_note: text(note) || null,
			...share.value(),
		};
		if (text(start) || r?.period_start)
			body.period_start = text(start) || null;
		if (text(end) || r?.period_end)
			body.period_end = text(end) || null;
		if (rel.control.value)
			body.reliability = rel.control.value;
		if (cred.control.value)
			body.credibility = Number(cred.control.value);
		submit.disabled = true;
		const res = await spec.send(body);
		submit.disabled = false;
		if (res.ok) {
			await spec.done(res);
			return;
		}
		showProblem(form, alert, res, spec.words?.(res));
	});
	form.focusFirst = () => title.control.focus();
	return form;
}

/** Asks the API for a value in any format: POST /indicators/search. */
export function search(body) {
	return api('POST', '/indicators/search', body);
}

// The case forms as the API describes them (GET /api/v1/cases/forms):
// one renderer for every field type, one reader that turns a form back
// into a request body, one way to show a stored value, and the words for
// HTCDS picklist values ("PossibleVictimOfTrafficking" reads "Possible
// victim of trafficking").  Fields marked personal carry a lock and the
// word "personal"; the pages decide whether to show them at all.
import { api, listAll } from './api.js';
import { field, h, setHint } from './dom.js';
import { countryName, formatDate, t } from './i18n.js';
import { checkList } from './pickers.js';

// Labels of the API's field names.  The keys are written out so that the
// catalogue test finds each one; a field the API adds later reads
// "Other field" until it has its own.
const labels = {
	reference: 'cases.field.reference',
	status: 'cases.field.status',
	closure_reason: 'cases.field.closure_reason',
	case_owner: 'cases.field.case_owner',
	risk_flags: 'cases.field.risk_flags',
	gender: 'cases.field.gender',
	age_band: 'cases.field.age_band',
	citizenship: 'cases.field.citizenship',
	primary_language: 'cases.field.primary_language',
	marital_status: 'cases.field.marital_status',
	number_of_children: 'cases.field.number_of_children',
	education: 'cases.field.education',
	deceased: 'cases.field.deceased',
	trafficking_status: 'cases.field.trafficking_status',
	status_decided_by: 'cases.field.status_decided_by',
	relationship_to_trafficker: 'cases.field.relationship_to_trafficker',
	age_when_trafficked: 'cases.field.age_when_trafficked',
	recruitment_methods: 'cases.field.recruitment_methods',
	recruitment_location: 'cases.field.recruitment_location',
	control_methods: 'cases.field.control_methods',
	exploitation_types: 'cases.field.exploitation_types',
	forced_labour_industry: 'cases.field.forced_labour_industry',
	sex_exploitation_types: 'cases.field.sex_exploitation_types',
	exploitation_location: 'cases.field.exploitation_location',
	recruitment_apps: 'cases.field.recruitment_apps',
	exploitation_apps: 'cases.field.exploitation_apps',
	vulnerabilities: 'cases.field.vulnerabilities',
	vulnerability_details: 'cases.field.vulnerability_details',
	agreement_to_manage_data: 'cases.field.agreement_to_manage_data',
	first_name: 'cases.field.first_name',
	middle_name: 'cases.field.middle_name',
	family_name: 'cases.field.family_name',
	aliases: 'cases.field.aliases',
	birth_date: 'cases.field.birth_date',
	identity_number: 'cases.field.identity_number',
	email: 'cases.field.email',
	home_phone: 'cases.field.home_phone',
	mobile_phone: 'cases.field.mobile_phone',
	mailing_street: 'cases.field.mailing_street',
	mailing_city: 'cases.field.mailing_city',
	mailing_state: 'cases.field.mailing_state',
	mailing_postal_code: 'cases.field.mailing_postal_code',
	mailing_country: 'cases.field.mailing_country',
	roles: 'cases.field.roles',
	role_details: 'cases.field.role_details',
	type: 'cases.field.type',
	person_id: 'cases.field.person_id',
	country: 'cases.field.country',
	subdivision: 'cases.field.subdivision',
	district: 'cases.field.district',
	place: 'cases.field.place',
	date: 'cases.field.date',
	date_to: 'cases.field.date_to',
	description: 'cases.field.description',
	org_id: 'cases.field.org_id',
	by: 'cases.field.by',
	notes: 'cases.field.notes',
	consent: 'cases.field.consent',
	scopes: 'cases.field.scopes',
	org_ids: 'cases.field.org_ids',
	purpose: 'cases.field.purpose',
	valid_until: 'cases.field.valid_until',
	given_by: 'cases.field.given_by',
	best_interest: 'cases.field.best_interest',
	objectives: 'cases.field.objectives',
	action_plan: 'cases.field.action_plan',
	planned_end: 'cases.field.planned_end',
	actual_end: 'cases.field.actual_end',
	due_on: 'cases.field.due_on',
	done_on: 'cases.field.done_on',
	outcome: 'cases.field.outcome',
};

// Where one form's field means something else than the same name elsewhere.
const formLabels = {
	event: { type: 'cases.field.event_type', date: 'cases.field.event_date' },
	timeline: { type: 'cases.field.timeline_type' },
	plan: { type: 'cases.field.plan_type' },
	followup: { notes: 'cases.field.followup_notes' },
};

const hints = {
	reference: 'cases.hint.reference',
	case_owner: 'cases.hint.case_owner',
	closure_reason: 'cases.hint.closure_reason',
	risk_flags: 'cases.hint.risk_flags',
	age_band: 'cases.hint.age_band',
	aliases: 'cases.hint.aliases',
	home_phone: 'cases.hint.phone',
	mobile_phone: 'cases.hint.phone',
	subdivision: 'cases.hint.subdivision',
	district: 'cases.hint.district',
	person_id: 'cases.hint.person_id',
	scopes: 'cases.hint.scopes',
	org_ids: 'cases.hint.org_ids',
	best_interest: 'cases.hint.best_interest',
	given_by: 'cases.hint.given_by',
};

// Picklist values whose words are not their CamelCase split (brand names,
// hyphens, the standard's misspelling); every other value is humanised.
const valueKeys = {
	WhatsApp: 'cases.value.whatsapp',
	FacebookMessenger: 'cases.value.facebook_messenger',
	SnapChat: 'cases.value.snapchat',
	'4Sale': 'cases.value.4sale',
	WeChat: 'cases.value.wechat',
	QZone: 'cases.value.qzone',
	TikTok: 'cases.value.tiktok',
	Unaquainted: 'cases.value.unacquainted',
	NonSpecifiedUnknown: 'cases.value.non_specified_unknown',
	NonConforming: 'cases.value.non_conforming',
	ThreatsLawEnforcement: 'cases.value.threats_law_enforcement',
	ThreatensChildrenFamily: 'cases.value.threatens_children_family',
	ReTrafficked: 'cases.value.re_trafficked',
	FollowUp: 'cases.value.follow_up',
	FollowUpVisit: 'cases.value.follow_up_visit',
	MissedFollowUps: 'cases.value.missed_follow_ups',
	ClosedReferred: 'cases.value.closed_referred',
};

// ISO 3166-1 alpha-2 (Debian's iso-codes), named in the UI's language.
const isoCountries = ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ '
	+ 'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE '
	+ 'GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP '
	+ 'KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF '
	+ 'NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN '
	+ 'SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA '
	+ 'ZM ZW').split(' ');

// The countries of the district gazetteer, offered first.
export const gazetteerCountries = ['NP', 'IN', 'LK', 'BD'];

/** "PossibleVictimOfTrafficking" → "Possible victim of trafficking"; "first_name" → "First name". */
export function humanise(code) {
	const s = String(code ?? '');
	const section = /^([A-Z])_(.+)$/.exec(s); // ISIC sections: "A_Agriculture..."
	if (section)
		return `${section[1]}: ${humanise(section[2])}`;
	const words = s.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.split(/[\s_]+/)
		.filter(Boolean);
	return words.map((w, i) => {
		if (w.length > 1 && w === w.toUpperCase())
			return w; // NGO, QQ
		const lower = w.toLowerCase();
		return i ? lower : lower[0].toUpperCase() + lower.slice(1);
	}).join(' ');
}

/** The words for an HTCDS picklist value (or a risk flag). */
export function valueWord(v) {
	return valueKeys[v] ? t(valueKeys[v]) : humanise(v);
}

/** The catalogue key of a field's label in a form. */
export function labelKey(form, name) {
	return formLabels[form]?.[name] || labels[name] || 'cases.field.other';
}

/** A field's label as text. */
export function labelText(form, name) {
	const key = labelKey(form, name);
	return key === 'cases.field.other' ? humanise(name) : t(key);
}

/**
 * Who may own a case: the active case workers and investigators of the
 * reader's organisation, as picker items { id, label }.
 */
export async function caseWorkers() {
	const res = await listAll('/users');
	return (res.items || []).filter((u) => u.active && ['case_worker', 'investigator'].includes(u.role))
		.map((u) => ({ id: u.id, label: u.name }));
}

let forms = null;

/** The forms: { ok, forms: { case: [fields], victim: [...], ... } } or the failed answer. */
export async function caseForms() {
	if (forms)
		return { ok: true, forms };
	const res = await api('GET', '/cases/forms');
	if (!res.ok)
		return res;
	forms = res.data.forms;
	return { ok: true, forms };
}

const districtLists = new Map(); // country -> promise of [{code, subdivision, subdivision_name, name}]
const districtByCode = new Map();

/** The gazetteer's districts of a country (none for other countries). */
export async function districts(country) {
	if (!gazetteerCountries.includes(country))
		return [];
	if (!districtLists.has(country))
		districtLists.set(country, api('GET', `/cases/forms?districts=${encodeURIComponent(country)}`).then((res) => {
			if (!res.ok) {
				districtLists.delete(country);
				return [];
			}
			for (const d of res.data.districts)
				districtByCode.set(d.code, d);
			return res.data.districts;
		}));
	return districtLists.get(country);
}

/** Reads the districts of every country that the codes belong to. */
export async function loadDistrictNames(codes) {
	const countries = new Set(codes.filter(Boolean).map((c) => c.slice(0, 2)));
	await Promise.all([...countries].map(districts));
}

/** A district's name (its code when unknown). */
export function districtName(code) {
	return districtByCode.get(code)?.name || code || '';
}

let countries = null;

/** Countries as field() options: the gazetteer's first, then all by name. */
export function countryOptions() {
	if (!countries) {
		const rest = isoCountries.filter((c) => !gazetteerCountries.includes(c))
			.map((c) => ({ value: c, text: countryName(c) }))
			.sort((a, b) => a.text.localeCompare(b.text));
		countries = [...gazetteerCountries.map((c) => ({ value: c, text: countryName(c) })), ...rest];
	}
	return countries;
}

/** The lock and the word "personal" that mark a personal field. */
export function personalMark() {
	return h('span', { class: 'badge personal-mark' },
		h('span', { 'aria-hidden': 'true', i18n: 'cases.lock' }), ' ',
		h('span', { i18n: 'cases.personal' }));
}

function same(a, b) {
	return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function empty(v) {
	return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * The field f ({name, type, personal, required, values, range}) of form
 * as a form control wrapped like dom.js field(): .control, .read() (the
 * value for the API, undefined when empty, { bs } for a Bikram Sambat
 * date), .set(value).  env: { dir, persons, users } for the pickers.
 */
function renderField(form, f, env) {
	const common = { name: f.name, label: labelKey(form, f.name), hint: hints[f.name], required: f.required };
	const choose = f.required ? 'form.choose' : 'cases.not_said';
	let wrap;
	let read;
	let set;
	const plain = () => {
		read = () => {
			const v = wrap.control.value.trim();
			return v === '' ? undefined : v;
		};
		set = (v) => {
			wrap.control.value = v ?? '';
		};
	};
	switch (f.type) {
	case 'long_text':
		wrap = field({ ...common, multiline: true, rows: 3 });
		plain();
		break;
	case 'texts':
		wrap = field({ ...common, multiline: true, rows: 3 });
		read = () => {
			const lines = wrap.control.value.split('\n').map((s) => s.trim()).filter(Boolean);
			return lines.length ? lines : undefined;
		};
		set = (v) => {
			wrap.control.value = (v || []).join('\n');
		};
		break;
	case 'integer':
		wrap = field({ ...common, type: 'number', inputmode: 'numeric', class: 'short' });
		if (f.range) {
			wrap.control.min = f.range[0];
			wrap.control.max = f.range[1];
		}
		read = () => {
			const v = wrap.control.value.trim();
			if (v === '')
				return undefined;
			return /^-?\d+$/.test(v) ? Number(v) : v; // the API says what is wrong
		};
		set = (v) => {
			wrap.control.value = v ?? '';
		};
		break;
	case 'boolean':
		wrap = field({ ...common, placeholder: choose, options: [{ value: 'true', key: 'cases.yes' }, { value: 'false', key: 'cases.no' }] });
		read = () => (wrap.control.value === '' ? undefined : wrap.control.value === 'true');
		set = (v) => {
			wrap.control.value = v === true ? 'true' : v === false ? 'false' : '';
		};
		break;
	case 'pick':
		wrap = field({ ...common, placeholder: choose, options: (f.values || []).map((v) => ({ value: v, text: valueWord(v) })) });
		plain();
		break;
	case 'country':
		wrap = field({ ...common, placeholder: choose, options: countryOptions() });
		plain();
		break;
	case 'subdivision':
	case 'district':
		// Filled with the gazetteer's places once a country is chosen.
		wrap = field({ ...common, placeholder: choose, options: [] });
		wrap.control.disabled = true;
		plain();
		set = (v) => {
			wrap.control.dataset.want = v ?? '';
			wrap.control.value = v ?? '';
		};
		break;
	case 'org':
	case 'person':
	case 'user': {
		const options = f.type === 'org'
			? env.dir.list.filter((o) => o.status === 'active').map((o) => ({ value: o.id, text: o.name }))
			: (f.type === 'person' ? env.persons : env.users).map((p) => ({ value: p.id, text: p.label }));
		wrap = field({ ...common, placeholder: choose, options });
		plain();
		break;
	}
	case 'multi':
	case 'countries':
	case 'orgs': {
		let items;
		let filter = null;
		if (f.type === 'multi') {
			items = (f.values || []).map((v) => ({ value: v, text: valueWord(v) }));
			filter = 'cases.filter_values';
		} else if (f.type === 'countries') {
			items = countryOptions();
			filter = 'cases.filter_countries';
		} else {
			items = env.dir.list.filter((o) => o.status === 'active').map((o) => ({ value: o.id, text: o.name, detail: countryName(o.country) }));
			filter = 'form.filter_orgs';
		}
		wrap = checkList({ name: f.name, legend: common.label, hint: common.hint, required: f.required, items, filter });
		read = () => {
			const v = wrap.values();
			return v.length ? v : undefined;
		};
		const check = wrap.set;
		set = (v) => check(v || []);
		break;
	}
	case 'date':
		return dateField(common, f);
	default: {
		// text, phone, email and any type the API adds later: one line.
		const type = { phone: 'tel', email: 'email' }[f.type] || 'text';
		wrap = field({ ...common, type, maxlength: f.type === 'text' ? 300 : null, spellcheck: f.personal || type !== 'text' ? 'false' : null,
			autocomplete: 'off', inputmode: f.type === 'phone' ? 'tel' : null });
		plain();
	}
	}
	wrap.read = read;
	wrap.set = set;
	return wrap;
}

/**
 * A date, in the Gregorian calendar (AD) or, with the toggle pressed, in
 * Bikram Sambat: the API takes <name>_bs and converts it.
 */
function dateField(common, f) {
	const wrap = field({ ...common, hint: 'cases.hint.date_ad', type: 'date', class: 'medium' });
	const input = wrap.control;
	const toggle = h('button', { type: 'button', class: 'secondary small bs-toggle', 'aria-pressed': 'false',
		'aria-label': t('cases.bs_toggle_named', { field: wrap.querySelector('label [data-i18n]').textContent }),
		'aria-describedby': `${input.id}-hint`, i18n: 'cases.bs_toggle' });
	let bs = false;
	let original;
	toggle.addEventListener('click', () => {
		bs = !bs;
		toggle.setAttribute('aria-pressed', String(bs));
		input.value = '';
		input.type = bs ? 'text' : 'date';
		input.inputMode = bs ? 'numeric' : '';
		setHint(wrap, bs ? 'cases.hint.date_bs' : 'cases.hint.date_ad');
		if (!bs && original)
			input.value = original;
		input.focus();
	});
	wrap.append(h('div', { class: 'date-calendar' }, toggle));
	wrap.read = () => {
		const v = input.value.trim();
		if (v === '')
			return undefined;
		return bs ? { bs: v } : v;
	};
	wrap.set = (v) => {
		original = v ?? '';
		input.value = bs ? '' : original;
	};
	wrap.keepWhenEmpty = () => bs; // a BS entry left empty changes nothing
	return wrap;
}

/**
 * A form's fields for env.  opts: { personal: show personal fields,
 * only / skip: field names, values: the entry being changed }.  Returns
 * { els, byName, read(), ready } where read() gives the body: for a new
 * entry the fields given, for a change the fields changed (null clears).
 */
export async function caseFields(form, fields, env, opts = {}) {
	const shown = fields.filter((f) => (opts.personal || !f.personal)
		&& (!opts.only || opts.only.includes(f.name))
		&& !(opts.skip || []).includes(f.name));
	const wraps = shown.map((f) => {
		const wrap = renderField(form, f, env);
		wrap.spec = f;
		if (f.personal) {
			wrap.classList.add('personal');
			wrap.querySelector('legend, label').append(' ', personalMark());
		}
		return wrap;
	});
	const byName = Object.fromEntries(wraps.map((w) => [w.spec.name, w]));
	const values = opts.values || {};
	for (const w of wraps)
		w.set(values[w.spec.name]);
	const ready = wirePlaces(byName, env);
	await ready;
	return {
		els: wraps,
		byName,
		read() {
			const body = {};
			for (const w of wraps) {
				const name = w.spec.name;
				const v = w.read();
				if (v && typeof v === 'object' && 'bs' in v) {
					body[`${name}_bs`] = v.bs;
					continue;
				}
				if (!opts.values) {
					if (!empty(v))
						body[name] = v;
				} else if (empty(v)) {
					if (!empty(values[name]) && !w.keepWhenEmpty?.())
						body[name] = null;
				} else if (!same(v, values[name])) {
					body[name] = v;
				}
			}
			return body;
		},
	};
}

/**
 * Country, subdivision and district go together: the subdivisions and
 * districts of the gazetteer's countries fill their lists; choosing a
 * district sets its subdivision.
 */
async function wirePlaces(byName, env) {
	const country = byName.country;
	const sub = byName.subdivision;
	const district = byName.district;
	if (!country || (!sub && !district))
		return;
	let list = [];
	const fill = (select, options, placeholder, groups) => {
		const want = select.value || select.dataset.want || '';
		select.replaceChildren(h('option', { value: '', i18n: placeholder }));
		if (groups) {
			for (const [label, opts] of groups)
				select.append(h('optgroup', { label }, opts.map((o) => h('option', { value: o.value, text: o.text }))));
		} else {
			select.append(...options.map((o) => h('option', { value: o.value, text: o.text })));
		}
		select.value = want;
		if (select.value !== want)
			select.value = '';
		select.disabled = options.length === 0 && !groups?.length;
		delete select.dataset.want;
	};
	const fillDistricts = () => {
		if (!district)
			return;
		const s = sub?.control.value || '';
		const groups = new Map();
		for (const d of list.filter((x) => !s || x.subdivision === s)) {
			if (!groups.has(d.subdivision))
				groups.set(d.subdivision, []);
			groups.get(d.subdivision).push({ value: d.code, text: d.name });
		}
		const named = (code) => `${list.find((d) => d.subdivision === code)?.subdivision_name || code} (${code})`;
		fill(district.control, [], district.spec.required ? 'form.choose' : 'cases.not_said',
			[...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([code, opts]) => [named(code), opts]));
	};
	const load = async () => {
		list = await districts(country.control.value);
		if (sub) {
			const names = new Map(list.map((d) => [d.subdivision, d.subdivision_name || d.subdivision]));
			const codes = [...names.keys()].sort();
			fill(sub.control, codes.map((c) => ({ value: c, text: `${names.get(c)} (${c})` })), sub.spec.required ? 'form.choose' : 'cases.not_said');
		}
		fillDistricts();
	};
	country.control.addEventListener('change', load);
	sub?.control.addEventListener('change', fillDistricts);
	district?.control.addEventListener('change', () => {
		const d = list.find((x) => x.code === district.control.value);
		if (d && sub && sub.control.value !== d.subdivision)
			sub.control.value = d.subdivision;
	});
	await load();
}

/** A stored value as text (or a node) for reading. */
export function shownValue(f, v, env) {
	if (empty(v))
		return null;
	const list = (x) => (Array.isArray(x) ? x : [x]);
	switch (f.type) {
	case 'date': return h('time', { datetime: v, text: formatDate(v) });
	case 'boolean': return t(v ? 'cases.yes' : 'cases.no');
	case 'pick': return valueWord(v);
	case 'multi': return list(v).map(valueWord).join(', ');
	case 'country': return countryName(v);
	case 'countries': return list(v).map(countryName).join(', ');
	case 'district': return districtName(v);
	case 'org': return env.dir.name(v);
	case 'orgs': return list(v).map((o) => env.dir.name(o)).join(', ');
	case 'person': return env.persons.find((p) => p.id === v)?.label || t('cases.person.unknown');
	case 'user': return env.users.find((u) => u.id === v)?.label || t('cases.someone');
	case 'texts': return list(v).join(', ');
	case 'long_text': return h('span', { class: 'prose', text: v });
	default: return String(v);
	}
}

/**
 * The filled fields of an entry as a definition list (personal ones
 * marked), or null when none is filled.  skip: names not to show.
 */
export function facts(form, fields, entry, env, skip = []) {
	const rows = [];
	for (const f of fields) {
		if (skip.includes(f.name))
			continue;
		const shown = shownValue(f, entry[f.name], env);
		if (shown === null)
			continue;
		rows.push(h('dt', {}, h('span', { i18n: labelKey(form, f.name) }), f.personal ? [' ', personalMark()] : null),
			h('dd', {}, shown));
	}
	return rows.length ? h('dl', { class: 'facts' }, rows) : null;
}

/**
 * The API's errors for a form's body: a Bikram Sambat date's error goes
 * to its date field.
 */
export function fieldErrors(res) {
	const errors = res.data?.errors;
	if (!Array.isArray(errors))
		return res;
	return { ...res, data: { ...res.data, errors: errors.map((e) => ({ ...e, field: String(e.field || '').replace(/_bs$/, '') })) } };
}

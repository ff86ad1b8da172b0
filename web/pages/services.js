// The service directory: what member organisations offer survivors
// (shelter, care, legal aid, repatriation...), for whom, in which
// languages and how many places are free now; searched with filters and,
// from a place of the region or coordinates, nearest first.  A
// confidential place (a shelter's address) shows only its country and
// state to organisations that may not refer there.  Writers add their own
// organisation's services here.
import { api, query } from '../api.js';
import { countryOptions, districtName, districts, loadDistrictNames } from '../casefields.js';
import { directory, writes } from '../coord.js';
import { alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem } from '../dom.js';
import { countryName, formatDate, t } from '../i18n.js';
import { serviceForm } from './service.js';

// The API's service types (HSDS service categories of atip).
export const serviceTypes = {
	shelter: 'services.type.shelter',
	medical: 'services.type.medical',
	psychosocial: 'services.type.psychosocial',
	legal_aid: 'services.type.legal_aid',
	repatriation: 'services.type.repatriation',
	family_tracing: 'services.type.family_tracing',
	livelihood: 'services.type.livelihood',
	education: 'services.type.education',
	helpline: 'services.type.helpline',
};

export const genders = {
	female: 'services.gender.female',
	male: 'services.gender.male',
	transgender: 'services.gender.transgender',
	other: 'services.gender.other',
};

// Languages offered in the filter (ISO 639-1), named by the browser.
const languageCodes = ['bn', 'en', 'hi', 'mr', 'ne', 'si', 'ta', 'ur'];

// Places of the region to search from ("nearest to"): where the demo's
// organisations work, and the region's big cities.
const places = [
	{ value: '27.7172,85.324', key: 'services.place.kathmandu' },
	{ value: '28.2096,83.9856', key: 'services.place.pokhara' },
	{ value: '28.6139,77.209', key: 'services.place.delhi' },
	{ value: '19.076,72.8777', key: 'services.place.mumbai' },
	{ value: '18.5204,73.8567', key: 'services.place.pune' },
	{ value: '22.5726,88.3639', key: 'services.place.kolkata' },
	{ value: '23.0422,88.8947', key: 'services.place.benapole' },
	{ value: '23.8103,90.4125', key: 'services.place.dhaka' },
	{ value: '6.9271,79.8612', key: 'services.place.colombo' },
];

const PAGE = 20;

/** The words for a service type. */
export function typeWord(code) {
	return serviceTypes[code] ? t(serviceTypes[code]) : code || '';
}

/** A language's name from its ISO 639 code, in the UI's language. */
export function languageName(code) {
	try {
		return new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' }).of(code) || code;
	} catch {
		return code || '';
	}
}

/** A distance in km: tenths near by, whole km further. */
function number(n) {
	return new Intl.NumberFormat(document.documentElement.lang || 'en', { maximumFractionDigits: n < 10 ? 1 : 0 }).format(n);
}

/**
 * Free places as a badge: "3 of 24 places free", "Full", with "not
 * updated since ..." when the figure is older than a week.  Nothing when
 * the service does not count places.
 */
export function vacancyBadge(s) {
	const cap = s.capacity || {};
	if (cap.vacancies === null || cap.vacancies === undefined) {
		if (cap.capacity === null || cap.capacity === undefined)
			return null;
		return h('span', { class: 'vacancy' },
			h('span', { class: 'badge badge-cancelled', text: t('services.places_unknown', { capacity: cap.capacity }) }));
	}
	const text = cap.capacity !== null && cap.capacity !== undefined
		? t('services.places_of', { n: cap.vacancies, capacity: cap.capacity })
		: t('services.places', { n: cap.vacancies });
	return h('span', { class: 'vacancy' },
		h('span', { class: `badge ${cap.vacancies > 0 ? 'badge-active' : 'badge-suspended'}`, text: cap.vacancies > 0 ? text : t('services.full') }),
		cap.stale
			? h('span', { class: 'overdue-flag stale', text: cap.updated_at ? t('services.stale_since', { date: formatDate(cap.updated_at.slice(0, 10)) }) : t('services.stale') })
			: h('span', { class: 'muted', text: ` ${t('services.places_as_of', { date: formatDate(cap.updated_at.slice(0, 10)) })}` }));
}

/** A subdivision's name (ISO 3166-2) from the gazetteer, or its code. */
async function subdivisionName(country, code) {
	if (!code)
		return '';
	const list = await districts(country);
	return list.find((d) => d.subdivision === code)?.subdivision_name || code;
}

/**
 * Where a service is, in words: its place's name and address, or for a
 * confidential place hidden from the reader, only its state and country
 * and that the address is known to referring organisations only.
 */
export async function placeWords(l) {
	if (!l)
		return h('span', { class: 'muted', i18n: 'services.no_place' });
	const a = l.address || {};
	const region = [await subdivisionName(a.country, a.state_province), countryName(a.country)].filter(Boolean).join(', ');
	if (l.address_hidden)
		return h('span', { class: 'place place-hidden' },
			h('span', { text: `${l.name} · ${region}` }),
			h('span', { class: 'sub confidential', i18n: 'services.address_hidden' }));
	const district = l.district ? districtName(l.district) : null;
	const street = [a.address_1, a.city, district !== a.city ? district : null].filter(Boolean).join(', ');
	return h('span', { class: 'place' },
		h('span', { text: [l.name, street].filter(Boolean).join(', ') }),
		h('span', { class: 'sub', text: region }),
		l.confidential ? h('span', { class: 'sub confidential', i18n: 'services.confidential_open' }) : null);
}

/** Who may use a service: genders, ages, nationalities, in one line. */
export function eligibilityWords(e) {
	const parts = [];
	parts.push(e.genders.length ? e.genders.map((g) => (genders[g] ? t(genders[g]) : g)).join(', ') : t('services.any_gender'));
	const min = e.minimum_age;
	const max = e.maximum_age;
	if (min !== null && max !== null)
		parts.push(t('services.ages_between', { min, max }));
	else if (min !== null && min > 0)
		parts.push(t('services.ages_from', { min }));
	else if (max !== null)
		parts.push(t('services.ages_to', { max }));
	if (e.nationalities.length)
		parts.push(t('services.nationalities_only', { list: e.nationalities.map(countryName).join(', ') }));
	return parts.join(' · ');
}

export async function render(view, ctx) {
	const p = ctx.params;
	const filters = {};
	for (const k of ['type', 'country', 'gender', 'age', 'nationality', 'language', 'org_id', 'near'])
		filters[k] = p.get(k) || '';
	filters.vacancy = p.get('vacancy') === 'true' ? 'true' : '';
	const searching = Object.values(filters).some(Boolean);
	const dir = await directory();
	const alert = alertBox();
	const results = h('ol', { class: 'results services' });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: searching ? 'services.empty_found' : 'services.empty', hidden: true });
	const count = h('p', { class: 'muted', role: 'status' });
	const form = searchForm(filters, dir, (f) => ctx.go('services', Object.fromEntries(Object.entries(f).filter(([, v]) => v))));
	let cursor = null;

	async function load() {
		more.disabled = true;
		const res = await api('GET', `/services${query({ ...filters, limit: PAGE, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			if (res.status === 422)
				showProblem(form, alert, res, t('services.bad_search'));
			else
				showAlert(alert, problemText(res));
			results.hidden = true;
			return;
		}
		await loadDistrictNames(res.data.items.map((s) => s.location?.district));
		for (const s of res.data.items)
			results.append(await result(s, dir, Boolean(filters.near)));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		results.hidden = results.children.length === 0;
		empty.hidden = results.children.length > 0;
		count.textContent = results.children.length ? t('services.shown', { n: results.children.length }) : '';
	}
	more.addEventListener('click', async () => {
		const before = results.children.length;
		await load();
		// Focus moves to the first new result, so the keyboard carries on there.
		results.children[before]?.querySelector('a')?.focus();
	});

	append(view,
		pageHeading('services.title'),
		h('p', { class: 'lead', i18n: 'services.intro' }),
		alert,
		writes(ctx.me) ? await addPanel(ctx) : null,
		form,
		h('section', { 'aria-labelledby': 'services-list-title' },
			h('h2', { id: 'services-list-title', i18n: filters.near ? 'services.nearest_title' : 'services.list_title' }),
			count, results, empty,
			h('div', { class: 'actions' }, more)));
	await load();
}

/** One service in the results: name, type, organisation, who, where, places. */
async function result(s, dir, near) {
	const distance = near
		? (s.distance_km !== undefined && s.distance_km !== null
			? h('span', { class: 'distance', text: t('services.distance', { km: number(s.distance_km) }) })
			: h('span', { class: 'muted', i18n: 'services.distance_unknown' }))
		: null;
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	return h('li', { class: 'result card', 'data-service': s.id },
		h('h3', {}, h('a', { href: `#/service?id=${encodeURIComponent(s.id)}`, text: s.name })),
		h('p', { class: 'muted' }, `${typeWord(s.service_type)} · ${dir.name(s.organization_id)}`, distance ? ' · ' : null, distance),
		s.description ? h('p', { class: 'prose', text: s.description }) : null,
		h('dl', { class: 'facts' },
			row('services.for', eligibilityWords(s.eligibility)),
			row('services.languages', s.languages.map(languageName).join(', ')),
			row('services.hours', s.hours),
			row('services.where', await placeWords(s.location)),
			row('services.places_title', vacancyBadge(s))));
}

function searchForm(now, dir, apply) {
	const pick = (name, label, any, options) => {
		const w = field({ name, label, placeholder: any, options });
		w.control.value = now[name];
		return w;
	};
	const type = pick('type', 'services.filter.type', 'services.filter.any_type',
		Object.entries(serviceTypes).map(([value, key]) => ({ value, key })));
	const country = pick('country', 'services.filter.country', 'services.filter.any_country', countryOptions());
	const gender = pick('gender', 'services.filter.gender', 'services.filter.any',
		Object.entries(genders).map(([value, key]) => ({ value, key })));
	const age = field({ name: 'age', label: 'services.filter.age', hint: 'services.filter.age_hint', inputmode: 'numeric', maxlength: 3, class: 'short' });
	age.control.value = now.age;
	const nationality = pick('nationality', 'services.filter.nationality', 'services.filter.any', countryOptions());
	const language = pick('language', 'services.filter.language', 'services.filter.any',
		languageCodes.map((c) => ({ value: c, text: languageName(c) })).sort((a, b) => a.text.localeCompare(b.text)));
	const org = pick('org_id', 'services.filter.org', 'services.filter.any_org',
		dir.list.filter((o) => o.status === 'active').map((o) => ({ value: o.id, text: o.name })));
	const vacancy = field({ name: 'vacancy', label: 'services.filter.vacancy', type: 'checkbox' });
	vacancy.control.checked = now.vacancy === 'true';
	const known = places.find((x) => x.value === now.near);
	const place = field({ name: 'place', label: 'services.filter.near', hint: 'services.filter.near_hint', placeholder: 'services.filter.no_place', options: places });
	place.control.value = known ? known.value : '';
	const coords = field({ name: 'near', label: 'services.filter.coords', hint: 'services.filter.coords_hint', inputmode: 'decimal', spellcheck: 'false', maxlength: 40 });
	coords.control.value = known ? '' : now.near;
	// A place chosen replaces the coordinates typed, and typing replaces the place.
	place.control.addEventListener('change', () => {
		if (place.control.value)
			coords.control.value = '';
	});
	coords.control.addEventListener('input', () => {
		if (coords.control.value.trim())
			place.control.value = '';
	});
	const searching = Object.values(now).some(Boolean);
	const form = h('form', { class: 'filters search', role: 'search', 'aria-label': t('services.filter.title'), novalidate: true },
		type, country, gender, age, nationality, language, org, place, coords, vacancy,
		h('div', { class: 'actions' },
			h('button', { type: 'submit', i18n: 'services.filter.apply' }),
			searching ? h('a', { href: '#/services', i18n: 'services.filter.clear' }) : null));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		clearErrors(form);
		apply({
			type: type.control.value,
			country: country.control.value,
			gender: gender.control.value,
			age: age.control.value.trim(),
			nationality: nationality.control.value,
			language: language.control.value,
			org_id: org.control.value,
			near: coords.control.value.replace(/\s+/g, '') || place.control.value,
			vacancy: vacancy.control.checked ? 'true' : '',
		});
	});
	return form;
}

/** Adding a service of the reader's organisation (its writers). */
async function addPanel(ctx) {
	const form = await serviceForm({
		id: 'service-add',
		submit: 'services.add',
		send: (body) => api('POST', '/services', body),
		done: (res) => ctx.go('service', { id: res.data.id }),
	});
	return h('details', { class: 'card add', id: 'service-add-panel' },
		h('summary', { i18n: 'services.add_title' }),
		form);
}


// One service of the directory: what it is, for whom, where (a
// confidential place's address only for those who may refer there), how
// many places are free.  Its own organisation's writers say how many
// places are free now and change the service.
import { api } from '../api.js';
import { loadDistrictNames } from '../casefields.js';
import { directory, orgLink, writes } from '../coord.js';
import { alertBox, append, clearErrors, field, h, showAlert, showProblem } from '../dom.js';
import { countryName, formatWhen, t } from '../i18n.js';
import { checkList } from '../pickers.js';
import { notFound, recordHeading } from './record.js';
import { eligibilityWords, genders, languageName, placeWords, serviceTypes, typeWord, vacancyBadge } from './services.js';

const enc = encodeURIComponent;

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const res = await api('GET', `/services/${enc(id)}`);
	if (!res.ok)
		return notFound(view, res, 'services', 'services.back');
	const page = { view, ctx, s: res.data, dir: await directory(), notice: null };
	await draw(page);
}

async function draw(page) {
	const { s, ctx, dir } = page;
	document.title = `${s.name} · ${t('app.name')}`;
	await loadDistrictNames([s.location?.district]);
	const own = s.organization_id === ctx.me.user.org_id && writes(ctx.me);
	const notice = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', id: 'service-notice', hidden: !page.notice, text: page.notice || '' });
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const url = /^https?:\/\//.test(s.url || '') ? h('a', { href: s.url, rel: 'noopener noreferrer', text: s.url }) : null;
	const l = s.location;
	const referrers = l?.referrers?.length ? l.referrers.map((o) => dir.name(o)).join(', ') : null;
	const parts = [
		recordHeading('services', 'services.back', s.name),
		notice,
		h('section', { class: 'card', 'aria-labelledby': 'service-facts-title' },
			h('h2', { id: 'service-facts-title', class: 'visually-hidden', i18n: 'services.facts' }),
			h('dl', { class: 'facts', id: 'service-facts' },
				row('services.type', typeWord(s.service_type)),
				row('services.org', orgLink(dir, s.organization_id)),
				row('services.status', h('span', { class: `badge ${s.status === 'active' ? 'badge-active' : 'badge-cancelled'}`, i18n: s.status === 'active' ? 'services.status.active' : 'services.status.inactive' })),
				row('services.for', eligibilityWords(s.eligibility)),
				row('services.languages', s.languages.map(languageName).join(', ')),
				row('services.hours', s.hours),
				row('services.places_title', vacancyBadge(s)),
				row('services.phone', s.phone),
				row('services.email', s.email ? h('a', { href: `mailto:${s.email}`, text: s.email }) : null),
				row('services.url', url),
				row('services.updated', h('time', { datetime: s.updated_at, text: formatWhen(s.updated_at) }))),
			s.description ? h('p', { class: 'prose', text: s.description }) : null),
		h('section', { class: 'card', 'aria-labelledby': 'service-place-title', id: 'service-place' },
			h('h2', { id: 'service-place-title', i18n: 'services.where' }),
			h('p', {}, await placeWords(l)),
			l && !l.address_hidden && l.latitude !== null && l.latitude !== undefined
				? h('p', { class: 'muted', text: t('services.coordinates', { lat: l.latitude, lon: l.longitude }) }) : null,
			referrers ? h('p', { text: t('services.referrers', { orgs: referrers }) }) : null),
		own ? vacanciesForm(page) : null,
		own ? await editPanel(page) : null,
		!own && ['case_worker', 'investigator'].includes(ctx.me.user.role)
			? h('p', { class: 'hint', i18n: 'services.refer_hint' }) : null,
	];
	page.view.replaceChildren();
	append(page.view, parts);
	if (page.notice)
		notice.focus();
}

/** "How many places are free now": the provider's figure, dated today. */
function vacanciesForm(page) {
	const { s } = page;
	const vacancies = field({ name: 'vacancies', label: 'services.f.vacancies', hint: 'services.f.vacancies_hint', required: true, inputmode: 'numeric', maxlength: 6, class: 'short' });
	if (s.capacity.vacancies !== null)
		vacancies.control.value = String(s.capacity.vacancies);
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'services.f.vacancies_submit' });
	const form = h('form', { class: 'form compact', novalidate: true, id: 'vacancies-form' }, alert, vacancies, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const v = vacancies.control.value.trim();
		submit.disabled = true;
		const res = await api('PUT', `/services/${enc(s.id)}/vacancies`, { vacancies: /^-?\d+$/.test(v) ? Number(v) : v });
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		page.s = res.data;
		page.notice = t('services.vacancies_saved', { n: res.data.capacity.vacancies });
		await draw(page);
	});
	return h('section', { class: 'card', 'aria-labelledby': 'vacancies-title', id: 'vacancies' },
		h('h2', { id: 'vacancies-title', i18n: 'services.f.vacancies_title' }),
		form);
}

async function editPanel(page) {
	const { s } = page;
	const form = await serviceForm({
		id: 'service-edit',
		submit: 'services.save',
		service: s,
		send: (body) => api('PATCH', `/services/${enc(s.id)}`, { ...body, version: page.s.version }),
		async done(res) {
			page.s = res.data;
			page.notice = t('services.saved');
			await draw(page);
		},
		words: (res) => (res.status === 409 ? t('services.conflict') : null),
	});
	return h('details', { class: 'card', id: 'service-edit-panel' }, h('summary', { i18n: 'services.edit' }), form);
}

/**
 * The form of a service of the reader's organisation: spec { id, submit
 * (key), service (to change, or nothing to add one), send(body) → answer,
 * done(answer), words(answer) }.  Lists are sent whole; an empty one means
 * anyone.
 */
export async function serviceForm(spec) {
	const s = spec.service;
	const locs = await api('GET', '/locations');
	const name = field({ name: 'name', label: 'services.f.name', required: true, maxlength: 300 });
	const type = field({ name: 'type', label: 'services.f.type', required: true, placeholder: 'form.choose',
		options: Object.entries(serviceTypes).map(([value, key]) => ({ value, key })) });
	const description = field({ name: 'description', label: 'services.f.description', multiline: true, rows: 3 });
	const status = s ? field({ name: 'status', label: 'services.f.status', hint: 'services.f.status_hint',
		options: [{ value: 'active', key: 'services.status.active' }, { value: 'inactive', key: 'services.status.inactive' }] }) : null;
	const location = field({ name: 'location_id', label: 'services.f.location', hint: 'services.f.location_hint', placeholder: 'services.f.no_location',
		options: (locs.ok ? locs.data.items : []).map((l) => ({ value: l.id, text: `${l.name} · ${countryName(l.address.country)}` })) });
	const genderList = checkList({ name: 'genders', legend: 'services.f.genders', hint: 'services.f.genders_hint',
		items: Object.entries(genders).map(([value, key]) => ({ value, key })), checked: s?.eligibility.genders });
	const minAge = field({ name: 'minimum_age', label: 'services.f.minimum_age', inputmode: 'numeric', maxlength: 3, class: 'short' });
	const maxAge = field({ name: 'maximum_age', label: 'services.f.maximum_age', inputmode: 'numeric', maxlength: 3, class: 'short' });
	const nationalities = field({ name: 'nationalities', label: 'services.f.nationalities', hint: 'services.f.nationalities_hint', spellcheck: 'false', autocapitalize: 'characters' });
	const languages = field({ name: 'languages', label: 'services.f.languages', hint: 'services.f.languages_hint', spellcheck: 'false', autocapitalize: 'none' });
	const capacity = field({ name: 'capacity', label: 'services.f.capacity', hint: 'services.f.capacity_hint', inputmode: 'numeric', maxlength: 6, class: 'short' });
	const hours = field({ name: 'hours', label: 'services.f.hours', hint: 'services.f.hours_hint', maxlength: 300 });
	const phone = field({ name: 'phone', label: 'services.f.phone', hint: 'services.f.phone_hint', type: 'tel', autocomplete: 'off' });
	const email = field({ name: 'email', label: 'services.f.email', type: 'email', autocomplete: 'off', spellcheck: 'false' });
	const url = field({ name: 'url', label: 'services.f.url', type: 'url', spellcheck: 'false', autocapitalize: 'none' });
	if (s) {
		name.control.value = s.name;
		type.control.value = s.service_type;
		description.control.value = s.description;
		status.control.value = s.status;
		location.control.value = s.location?.id || '';
		minAge.control.value = s.eligibility.minimum_age ?? '';
		maxAge.control.value = s.eligibility.maximum_age ?? '';
		nationalities.control.value = s.eligibility.nationalities.join(', ');
		languages.control.value = s.languages.join(', ');
		capacity.control.value = s.capacity.capacity ?? '';
		hours.control.value = s.hours || '';
		phone.control.value = s.phone || '';
		email.control.value = s.email || '';
		url.control.value = s.url || '';
	}
	// A number when it is one; null when empty; else as typed (the API says why not).
	const whole = (w) => {
		const v = w.control.value.trim();
		if (v === '')
			return null;
		return /^-?\d+$/.test(v) ? Number(v) : v;
	};
	const list = (w, up) => w.control.value.split(/[\s,;]+/).filter(Boolean).map((x) => (up ? x.toUpperCase() : x.toLowerCase()));
	const text = (w) => w.control.value.trim() || null;
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: spec.submit });
	const form = h('form', { class: 'form', novalidate: true, id: spec.id },
		alert, name, type, description, status, location, genderList, minAge, maxAge, nationalities, languages, capacity, hours, phone, email, url,
		h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = {
			name: name.control.value.trim(),
			description: description.control.value.trim(),
			location_id: location.control.value || null,
			genders: genderList.values(),
			minimum_age: whole(minAge),
			maximum_age: whole(maxAge),
			nationalities: list(nationalities, true),
			languages: list(languages, false),
			capacity: whole(capacity),
			hours: text(hours),
			phone: text(phone),
			email: text(email),
			url: text(url),
		};
		if (type.control.value)
			body.type = type.control.value;
		if (status)
			body.status = status.control.value;
		submit.disabled = true;
		const res = await spec.send(body);
		submit.disabled = false;
		if (res.ok) {
			await spec.done(res);
			return;
		}
		showProblem(form, alert, res, spec.words?.(res));
	});
	return form;
}

// One member organisation in the directory: who it is, its profile
// (mandate, where and on what it works, services, focal points) and, for
// its own org admins, the form to write the profile.
import { api } from '../api.js';
import { themes, word } from '../coord.js';
import { alertBox, append, clearErrors, field, h, showAlert, showProblem } from '../dom.js';
import { countryName, formatWhen, label, t } from '../i18n.js';
import { checkList } from '../pickers.js';
import { notFound, recordHeading } from './record.js';

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const [org, prof] = await Promise.all([
		api('GET', `/orgs/${encodeURIComponent(id)}`),
		api('GET', `/orgs/${encodeURIComponent(id)}/profile`),
	]);
	if (!org.ok)
		return notFound(view, org, 'orgs', 'org.back');
	const o = org.data;
	document.title = `${o.name} · ${t('app.name')}`;
	const profile = h('div', {});
	const saved = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', i18n: 'org.saved', hidden: true });
	const row = (key, value) => [h('dt', { i18n: key }), h('dd', {}, value)];
	append(view,
		recordHeading('orgs', 'org.back', o.name),
		h('dl', { class: 'facts card' },
			row('org.type', label('org_type', o.type)),
			row('org.country', countryName(o.country)),
			o.subdivision ? row('org.subdivision', o.subdivision) : null,
			row('org.status', h('span', { class: `badge badge-${o.status}`, text: label('org_status', o.status) }))),
		saved, profile);
	if (!prof.ok) {
		profile.append(h('p', { class: 'alert', role: 'alert', i18n: 'org.profile_failed' }));
		return;
	}
	profile.append(profileView(prof.data));
	if (ctx.me.user.role === 'org_admin' && ctx.me.user.org_id === o.id)
		view.append(editForm(o, prof.data, {
			saved(p) {
				profile.replaceChildren(profileView(p));
				saved.hidden = false;
				saved.focus();
			},
			theirs(p) {
				profile.replaceChildren(profileView(p));
			},
		}));
}

/** The profile as facts; an empty one says so. */
function profileView(p) {
	const blank = !p.version;
	const row = (key, value) => (value && (!Array.isArray(value) || value.length) ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const website = /^https?:\/\//.test(p.website || '') ? h('a', { href: p.website, rel: 'noopener noreferrer', text: p.website }) : p.website;
	return h('section', { class: 'card', 'aria-labelledby': 'profile-title' },
		h('h2', { id: 'profile-title', i18n: 'org.profile' }),
		blank ? h('p', { class: 'empty', i18n: 'org.no_profile' }) : h('dl', { class: 'facts stacked' },
			row('org.mandate', p.mandate ? h('span', { class: 'prose', text: p.mandate }) : null),
			row('org.works_in', p.works_in.map(countryName).join(', ')),
			row('org.areas', p.areas),
			row('org.themes', p.themes.map((x) => word(themes, x)).join(', ')),
			row('org.services', p.services ? h('span', { class: 'prose', text: p.services }) : null),
			row('org.website', website),
			row('org.updated', p.updated_at ? formatWhen(p.updated_at) : null)),
		h('h3', { i18n: 'org.focal_points' }),
		p.focal_points.length ? h('ul', { class: 'focal' }, p.focal_points.map((f) => h('li', {},
			h('strong', { text: f.name }), ` · ${f.title} · `,
			h('a', { href: `mailto:${f.email}`, text: f.email }))))
			: h('p', { class: 'empty', i18n: 'org.no_focal' }));
}

/**
 * The org admins' form for their own organisation's profile; on.saved(p)
 * after a save, on.theirs(p) when another admin saved first (409).
 */
function editForm(o, p, on) {
	let version = p.version;
	const mandate = field({ name: 'mandate', label: 'org.f.mandate', hint: 'org.f.mandate_hint', multiline: true, rows: 4 });
	const works = field({ name: 'works_in', label: 'org.f.works_in', hint: 'org.f.works_in_hint', spellcheck: 'false', autocapitalize: 'characters' });
	const areas = field({ name: 'areas', label: 'org.f.areas', hint: 'org.f.areas_hint' });
	const themeList = checkList({ name: 'themes', legend: 'org.f.themes', hint: 'org.f.themes_hint',
		items: Object.entries(themes).map(([value, key]) => ({ value, key })), checked: p.themes });
	const services = field({ name: 'services', label: 'org.f.services', hint: 'org.f.services_hint', multiline: true, rows: 4 });
	const website = field({ name: 'website', label: 'org.f.website', hint: 'org.f.website_hint', type: 'url', spellcheck: 'false', autocapitalize: 'none' });
	mandate.control.value = p.mandate;
	works.control.value = p.works_in.join(', ');
	areas.control.value = p.areas;
	services.control.value = p.services;
	website.control.value = p.website;
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'org.save' });
	const form = h('form', { class: 'form', novalidate: true, id: 'profile-form' },
		alert, mandate, works, areas, themeList, services, website, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = {
			version,
			mandate: mandate.control.value.trim(),
			works_in: works.control.value.split(/[\s,]+/).map((s) => s.toUpperCase()).filter(Boolean),
			areas: areas.control.value.trim(),
			themes: themeList.values(),
			services: services.control.value.trim(),
			website: website.control.value.trim(),
		};
		submit.disabled = true;
		const res = await api('PUT', `/orgs/${encodeURIComponent(o.id)}/profile`, body);
		submit.disabled = false;
		if (res.ok) {
			version = res.data.version;
			panel.open = false;
			on.saved(res.data);
			return;
		}
		if (res.status === 409) {
			// Another admin saved first: show theirs, keep this text, and
			// take their version, so that saving again replaces it knowingly.
			const now = await api('GET', `/orgs/${encodeURIComponent(o.id)}/profile`);
			if (now.ok) {
				version = now.data.version;
				on.theirs(now.data);
			}
			showAlert(alert, t('org.conflict'));
			return;
		}
		showProblem(form, alert, res);
	});
	const panel = h('details', { class: 'card add', id: 'profile-edit' },
		h('summary', { i18n: 'org.edit' }),
		form);
	return panel;
}

// Organisations: the member directory for everyone; adding, suspending and
// reactivating for platform admins.
import { api, query } from '../api.js';
import { countryOptions, directory, forgetDirectory, options, themes } from '../coord.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showFieldErrors, table } from '../dom.js';
import { countryName, label, t } from '../i18n.js';

export const orgTypes = ['government', 'law_enforcement', 'border_force', 'judiciary', 'prosecution',
	'civil_society', 'shelter', 'international_organisation', 'academic', 'private_sector'];

export async function render(view, ctx) {
	const admin = ctx.me.user.role === 'platform_admin';
	const filters = { theme: ctx.params.get('theme') || '', works_in: ctx.params.get('works_in') || '', q: ctx.params.get('q') || '' };
	const filtered = Boolean(filters.theme || filters.works_in || filters.q);
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', hidden: true });
	const heads = ['orgs.col.name', 'orgs.col.type', 'orgs.col.country', 'orgs.col.subdivision', 'orgs.col.status'];
	const list = table('orgs.caption', admin ? [...heads, 'orgs.col.actions'] : heads);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: filtered ? 'orgs.none_found' : 'orgs.empty', hidden: true });
	let cursor = null;

	const say = (text) => {
		done.textContent = text;
		done.hidden = !text;
	};

	async function load(reset) {
		more.disabled = true;
		const res = await api('GET', `/orgs${query({ ...filters, cursor: reset ? null : cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		if (reset)
			list.body.replaceChildren();
		for (const org of res.data.items)
			addRow(list.body, cells(org));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		empty.hidden = list.body.children.length > 0;
	}

	function cells(org) {
		const row = [
			h('a', { href: `#/org?id=${encodeURIComponent(org.id)}`, text: org.name }),
			label('org_type', org.type),
			h('span', { title: org.country }, countryName(org.country)),
			org.subdivision || '',
			h('span', { class: `badge badge-${org.status}`, text: label('org_status', org.status) }),
		];
		if (admin) {
			const suspend = org.status === 'active';
			row.push(h('div', { class: 'row-actions' },
				h('a', {
					href: `#/users?org=${encodeURIComponent(org.id)}`,
					'aria-label': t('orgs.users_named', { name: org.name }),
					i18n: 'orgs.users',
				}),
				h('button', {
					type: 'button',
					class: suspend ? 'danger small' : 'secondary small',
					'aria-label': t(suspend ? 'orgs.suspend_named' : 'orgs.reactivate_named', { name: org.name }),
					i18n: suspend ? 'orgs.suspend' : 'orgs.reactivate',
					onclick: () => setStatus(org, suspend ? 'suspended' : 'active'),
				})));
		}
		return row;
	}

	async function setStatus(org, status) {
		showAlert(alert, '');
		say('');
		if (status === 'suspended' && !window.confirm(t('orgs.confirm_suspend', { name: org.name })))
			return;
		const res = await api('PATCH', `/orgs/${encodeURIComponent(org.id)}`, { status, version: org.version });
		if (!res.ok && res.status !== 409) {
			showAlert(alert, problemText(res));
			return;
		}
		// Read the list again (a 409 means ours is stale), then say so.
		await load(true);
		if (res.ok)
			say(t(status === 'suspended' ? 'orgs.suspended' : 'orgs.reactivated', { name: org.name }));
		else
			showAlert(alert, t('orgs.conflict'));
	}

	append(view,
		pageHeading('orgs.title'),
		h('p', { class: 'lead', i18n: admin ? 'orgs.intro_admin' : 'orgs.intro' }),
		alert, done,
		admin ? addForm(async (org) => {
			forgetDirectory();
			await load(true);
			say(t('orgs.added', { name: org.name }));
		}) : null,
		h('section', { 'aria-labelledby': 'orgs-list-title' },
			h('h2', { id: 'orgs-list-title', i18n: 'orgs.list_title' }),
			filterForm(filters, (await directory()).countries, (f) => ctx.go('orgs', Object.fromEntries(Object.entries(f).filter(([, v]) => v)))),
			h('div', { class: 'table-wrap' }, list.el),
			empty,
			h('div', { class: 'actions' }, more)));
	more.addEventListener('click', () => load(false));
	await load(true);
}

/** Filters: theme, country of work, words in name, mandate or services. */
function filterForm(now, countries, apply) {
	const q = field({ name: 'q', label: 'orgs.filter.q', hint: 'orgs.filter.q_hint', type: 'search', maxlength: 100 });
	const theme = field({ name: 'theme', label: 'orgs.filter.theme', placeholder: 'orgs.filter.any_theme', options: options(themes) });
	const works = field({ name: 'works_in', label: 'orgs.filter.works_in', placeholder: 'orgs.filter.any_country', options: countryOptions(countries) });
	q.control.value = now.q;
	theme.control.value = now.theme;
	works.control.value = now.works_in;
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('orgs.filter.title') },
		q, theme, works,
		h('div', { class: 'actions' },
			h('button', { type: 'submit', class: 'secondary', i18n: 'orgs.filter.apply' }),
			now.q || now.theme || now.works_in ? h('a', { href: '#/orgs', i18n: 'orgs.filter.clear' }) : null));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		apply({ q: q.control.value.trim(), theme: theme.control.value, works_in: works.control.value });
	});
	return form;
}

/** The form to add an organisation (platform admins). */
function addForm(added) {
	const name = field({ name: 'name', label: 'orgs.name', required: true, autocomplete: 'organization' });
	const type = field({ name: 'type', label: 'orgs.type', required: true, placeholder: 'form.choose',
		options: orgTypes.map((v) => ({ value: v, key: `org_type.${v}` })) });
	const country = field({ name: 'country', label: 'orgs.country', hint: 'orgs.country_hint', required: true, maxlength: 2, class: 'short', autocapitalize: 'characters', spellcheck: 'false' });
	const subdivision = field({ name: 'subdivision', label: 'orgs.subdivision', hint: 'orgs.subdivision_hint', maxlength: 6, class: 'short', autocapitalize: 'characters', spellcheck: 'false' });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'orgs.add' });
	const form = h('form', { class: 'form', novalidate: true, id: 'org-add' },
		alert, name, type, country, subdivision, h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = {
			name: name.control.value.trim(),
			type: type.control.value,
			country: country.control.value.trim().toUpperCase(),
		};
		const sub = subdivision.control.value.trim().toUpperCase();
		if (sub)
			body.subdivision = sub;
		submit.disabled = true;
		const res = await api('POST', '/orgs', body);
		submit.disabled = false;
		if (res.ok) {
			form.reset();
			await added(res.data);
			name.control.focus();
			return;
		}
		const rest = showFieldErrors(form, res.data?.errors || []);
		showAlert(alert, res.status === 409 ? t('orgs.name_taken') : problemText(res));
		if (rest.length)
			alert.append(h('ul', {}, rest.map((x) => h('li', { text: `${x.field}: ${x.message}` }))));
	});

	return h('details', { class: 'card add', id: 'org-add-panel' },
		h('summary', { i18n: 'orgs.add_title' }),
		form);
}

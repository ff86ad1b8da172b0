// Users: an organisation's accounts (your own; platform admins choose any),
// and for org admins and platform admins a form to add one.
import { api, listAll, query } from '../api.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showFieldErrors, table } from '../dom.js';
import { label, t } from '../i18n.js';

const roles = ['org_admin', 'case_worker', 'investigator', 'analyst', 'viewer'];

export async function render(view, ctx) {
	const { user } = ctx.me;
	const platformAdmin = user.role === 'platform_admin';
	const admin = platformAdmin || user.role === 'org_admin';
	const org = (platformAdmin && ctx.params.get('org')) || user.org_id;
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', hidden: true });
	const list = table('users.caption', ['users.col.name', 'users.col.email', 'users.col.role', 'users.col.totp', 'users.col.active']);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: 'users.empty', hidden: true });
	let cursor = null;

	async function load(reset) {
		more.disabled = true;
		const res = await api('GET', `/users${query({ org_id: org === user.org_id ? '' : org, cursor: reset ? null : cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, res.status === 403 ? t('users.forbidden') : problemText(res));
			more.hidden = true;
			return;
		}
		showAlert(alert, '');
		if (reset)
			list.body.replaceChildren();
		for (const u of res.data.items)
			addRow(list.body, [
				u.name,
				u.email,
				label('role', u.role),
				h('span', { class: u.totp_enrolled ? 'ok' : 'muted', i18n: u.totp_enrolled ? 'users.totp_on' : 'users.totp_off' }),
				h('span', { i18n: u.active ? 'users.active' : 'users.inactive' }),
			]);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		empty.hidden = list.body.children.length > 0;
	}

	// Platform admins pick the organisation; everyone else sees their own.
	let picker = null;
	if (platformAdmin) {
		picker = field({ name: 'org', label: 'users.org', options: [] });
		const orgs = await listAll('/orgs');
		for (const o of orgs.items)
			picker.control.append(h('option', { value: o.id, text: o.name, selected: o.id === org }));
		picker.control.addEventListener('change', () => ctx.go('users', { org: picker.control.value }));
	}

	append(view,
		pageHeading('users.title'),
		h('p', { class: 'lead', i18n: platformAdmin ? 'users.intro_platform' : 'users.intro' }),
		picker ? h('div', { class: 'toolbar' }, picker) : null,
		alert, done,
		admin ? addForm(org, platformAdmin, async (u) => {
			await load(true);
			done.textContent = t('users.added', { name: u.name, email: u.email });
			done.hidden = false;
		}) : null,
		h('section', { 'aria-labelledby': 'users-list-title' },
			h('h2', { id: 'users-list-title', i18n: 'users.list_title' }),
			h('div', { class: 'table-wrap' }, list.el),
			empty,
			h('div', { class: 'actions' }, more)));
	more.addEventListener('click', () => load(false));
	await load(true);
}

/** The form to add a user to organisation org. */
function addForm(org, platformAdmin, added) {
	const email = field({ name: 'email', label: 'users.email', type: 'email', required: true, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' });
	const name = field({ name: 'name', label: 'users.name', required: true, autocomplete: 'off' });
	const role = field({ name: 'role', label: 'users.role', required: true, placeholder: 'form.choose',
		options: (platformAdmin ? ['platform_admin', ...roles] : roles).map((r) => ({ value: r, key: `role.${r}` })) });
	const password = field({ name: 'password', label: 'users.password', hint: 'users.password_hint', type: 'password', required: true, autocomplete: 'new-password' });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'users.add' });
	const form = h('form', { class: 'form', novalidate: true, id: 'user-add' },
		alert, email, name, role, password, h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = {
			email: email.control.value.trim(),
			name: name.control.value.trim(),
			role: role.control.value,
			password: password.control.value,
		};
		if (platformAdmin)
			body.org_id = org;
		submit.disabled = true;
		const res = await api('POST', '/users', body);
		submit.disabled = false;
		if (res.ok) {
			form.reset();
			await added(res.data);
			email.control.focus();
			return;
		}
		const errors = res.data?.errors || [];
		if (res.status === 409 && !errors.length)
			errors.push({ field: 'email', message: t('users.email_taken') });
		const rest = showFieldErrors(form, errors);
		showAlert(alert, res.status === 409 ? t('users.email_taken') : problemText(res));
		if (rest.length)
			alert.append(h('ul', {}, rest.map((x) => h('li', { text: `${x.field}: ${x.message}` }))));
	});

	return h('details', { class: 'card add', id: 'user-add-panel' },
		h('summary', { i18n: 'users.add_title' }),
		form);
}

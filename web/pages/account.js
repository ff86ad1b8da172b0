// My account: who is signed in, in which organisation, with which factors,
// and whether the directory lists them as a focal point of the organisation.
import { api } from '../api.js';
import { alertBox, append, clearErrors, field, h, pageHeading, showAlert, showProblem } from '../dom.js';
import { countryName, label, t } from '../i18n.js';

export async function render(view, ctx) {
	const { user, country } = ctx.me;
	const [org, profile] = await Promise.all([
		api('GET', `/orgs/${encodeURIComponent(user.org_id)}`),
		api('GET', `/orgs/${encodeURIComponent(user.org_id)}/profile`),
	]);
	const row = (key, value) => [h('dt', { i18n: key }), h('dd', {}, value)];
	append(view,
		pageHeading('account.title'),
		h('section', { class: 'card', 'aria-labelledby': 'account-who' },
			h('h2', { id: 'account-who', i18n: 'account.who' }),
			h('dl', { class: 'facts' },
				row('account.name', user.name),
				row('account.email', user.email),
				row('account.role', label('role', user.role)),
				row('account.org', org.ok ? org.data.name : user.org_id),
				row('account.country', country ? countryName(country) : ''),
				row('account.totp', h('span', { i18n: user.totp_enrolled ? 'account.totp_on' : 'account.totp_off' })))),
		user.totp_enrolled ? null : h('p', {},
			h('a', { href: '#/enrol', class: 'button', i18n: 'account.enrol' })),
		focalSection(user, profile.ok ? profile.data.focal_points.find((f) => f.user_id === user.id) : null));
}

/** Being listed as a focal point: the title shown, or no listing. */
function focalSection(user, listed) {
	const state = h('p', { class: 'focal-state' });
	const title = field({ name: 'title', label: 'account.focal_title', hint: 'account.focal_title_hint', required: true, maxlength: 200 });
	const alert = alertBox();
	const submit = h('button', { type: 'submit' });
	const remove = h('button', { type: 'button', class: 'danger', i18n: 'account.focal_remove' });
	const form = h('form', { class: 'form', novalidate: true, id: 'focal-form' },
		alert, title, h('div', { class: 'actions' }, submit, remove));

	const show = (now) => {
		state.textContent = now ? t('account.focal_listed', { title: now }) : t('account.focal_not_listed');
		submit.dataset.i18n = now ? 'account.focal_change' : 'account.focal_list';
		submit.textContent = t(submit.dataset.i18n);
		remove.hidden = !now;
		title.control.value = now || '';
	};
	show(listed?.title || '');

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await api('PUT', '/me/focal-point', { title: title.control.value.trim() });
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		show(res.data.title);
		showAlert(alert, t('account.focal_saved'), 'success');
	});
	remove.addEventListener('click', async () => {
		clearErrors(form);
		remove.disabled = true;
		const res = await api('DELETE', '/me/focal-point');
		remove.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		show('');
		showAlert(alert, t('account.focal_removed'), 'success');
		title.control.focus();
	});
	return h('section', { class: 'card', 'aria-labelledby': 'focal-heading' },
		h('h2', { id: 'focal-heading', i18n: 'account.focal' }),
		h('p', { i18n: 'account.focal_intro' }),
		state, form);
}

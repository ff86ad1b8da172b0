// Sign-in: email, password and, once enrolled, the code from the
// authenticator app (or a recovery code).
import { api, startSession } from '../api.js';
import { alertBox, clearErrors, field, h, pageHeading, problemText, showAlert, showFieldErrors } from '../dom.js';
import { fromNow, t } from '../i18n.js';

export async function render(view, ctx) {
	const email = field({ name: 'email', label: 'signin.email', type: 'email', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'none' });
	const password = field({ name: 'password', label: 'signin.password', type: 'password', autocomplete: 'current-password', required: true });
	const totp = field({ name: 'totp', label: 'signin.totp', hint: 'signin.totp_hint', autocomplete: 'one-time-code', spellcheck: 'false', autocapitalize: 'none', maxlength: 16, class: 'short' });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'signin.submit' });
	const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'signin-title' },
		alert, email, password, totp, h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = { email: email.control.value.trim(), password: password.control.value };
		const code = totp.control.value.replace(/\s+/g, '');
		if (code)
			body.totp = code;
		submit.disabled = true;
		const res = await api('POST', '/session', body);
		submit.disabled = false;
		if (res.ok) {
			startSession(res.data);
			await ctx.signedIn();
			return;
		}
		const errors = res.data?.errors || [];
		if (res.status === 401 && errors[0]?.field === 'totp') {
			showAlert(alert, t('signin.totp_needed'), 'info');
			showFieldErrors(form, [{ field: 'totp', message: t('signin.totp_required') }]);
		} else if (res.status === 401) {
			showAlert(alert, t('signin.wrong'));
			password.control.value = '';
			totp.control.value = '';
			password.control.focus();
		} else if (res.status === 429) {
			showAlert(alert, res.retryAfter ? t('signin.throttled', { when: fromNow(res.retryAfter) }) : t('signin.throttled_later'));
		} else if (res.status === 422) {
			showAlert(alert, t('error.invalid'));
			showFieldErrors(form, errors);
		} else {
			showAlert(alert, problemText(res));
		}
	});

	const status = h('dl', { class: 'status' });
	view.append(
		h('div', { class: 'narrow' },
			pageHeading('signin.title', 'signin-title'),
			h('p', { class: 'lead', i18n: 'signin.intro' }),
			ctx.notice ? h('p', { class: 'alert alert-info', role: 'status', text: ctx.notice }) : null,
			form,
			h('p', { class: 'public-entry' },
				h('span', { i18n: 'signin.public_intro' }), ' ',
				h('a', { href: '#/practices', i18n: 'signin.public_library' })),
			h('section', { class: 'platform-status', 'aria-labelledby': 'status-title' },
				h('h2', { id: 'status-title', i18n: 'status.title' }),
				status)));
	email.control.focus();
	probe(status);
}

/** Shows whether the server and its database answer. */
async function probe(dl) {
	const row = (key, path) => {
		const dd = h('dd', { i18n: 'status.checking' });
		dl.append(h('dt', { i18n: key }), dd);
		fetch(path, { cache: 'no-store' })
			.then((r) => r.ok, () => false)
			.then((up) => {
				dd.dataset.i18n = up ? 'status.up' : 'status.down';
				dd.textContent = t(dd.dataset.i18n);
				dd.className = up ? 'ok' : 'bad';
			});
	};
	row('status.server', '/healthz');
	row('status.database', '/readyz');
}

// Enrolling a second factor (TOTP): a new secret as QR code and text, a
// code from the app to confirm it, then the one-time recovery codes.
import { api, mustEnrol, setMustEnrol } from '../api.js';
import { alertBox, clearErrors, field, h, pageHeading, problemText, showAlert, showFieldErrors } from '../dom.js';
import { t } from '../i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const svgElements = new Set(['svg', 'g', 'rect', 'path']);
const svgAttributes = new Set(['viewBox', 'width', 'height', 'x', 'y', 'd', 'fill', 'shape-rendering']);

/**
 * Rebuilds the server's QR code SVG from its parsed form, keeping only plain
 * shapes and their geometry: no scripts, links, styles or foreign content
 * can come through.  Returns null when the text is no such SVG.
 */
export function safeSvg(text) {
	const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
	const root = doc.documentElement;
	if (doc.getElementsByTagName('parsererror').length || root.namespaceURI !== SVG || root.localName !== 'svg')
		return null;
	const copy = (node) => {
		const el = document.createElementNS(SVG, node.localName);
		for (const a of node.attributes)
			if (!a.namespaceURI && svgAttributes.has(a.name))
				el.setAttribute(a.name, a.value);
		for (const child of node.children)
			if (child.namespaceURI === SVG && svgElements.has(child.localName))
				el.append(copy(child));
		return el;
	};
	return copy(root);
}

/** "ABCD EFGH ..." : a secret in groups of four, easier to type. */
function grouped(secret) {
	return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export async function render(view, ctx) {
	const alert = alertBox();
	const body = h('div', { class: 'enrol' });
	view.append(h('div', { class: 'narrow' },
		pageHeading('enrol.title'),
		h('p', { class: 'lead', i18n: mustEnrol() ? 'enrol.intro' : 'enrol.intro_optional' }),
		alert, body));

	const res = await api('POST', '/me/totp');
	if (res.status === 409) {
		setMustEnrol(false);
		showAlert(alert, t('enrol.already'), 'info');
		body.append(continueButton(ctx));
		return;
	}
	if (!res.ok) {
		showAlert(alert, problemText(res));
		body.append(h('button', { type: 'button', i18n: 'enrol.retry', onclick: () => ctx.go('enrol') }));
		return;
	}
	const { secret, qr_svg: qrSvg } = res.data;
	const qr = qrSvg ? safeSvg(qrSvg) : null;
	if (qr) {
		qr.setAttribute('role', 'img');
		qr.setAttribute('aria-labelledby', 'enrol-qr-label');
		qr.setAttribute('class', 'qr');
	}
	const code = field({ name: 'code', label: 'enrol.code', hint: 'enrol.code_hint', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 16, required: true, class: 'short' });
	const submit = h('button', { type: 'submit', i18n: 'enrol.confirm' });
	const form = h('form', { class: 'form', novalidate: true }, code, h('div', { class: 'actions' }, submit));
	body.append(
		h('ol', { class: 'steps' },
			h('li', {},
				h('p', { id: 'enrol-qr-label', i18n: 'enrol.step_scan' }),
				qr ? h('div', { class: 'qr-frame' }, qr) : null),
			h('li', {},
				h('p', { i18n: 'enrol.step_key' }),
				h('p', {}, h('code', { class: 'secret', id: 'totp-secret', 'data-secret': secret, text: grouped(secret) }))),
			h('li', {},
				h('p', { i18n: 'enrol.step_code' }),
				form)));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const answer = await api('POST', '/me/totp/confirm', { code: code.control.value.replace(/\s+/g, '') });
		submit.disabled = false;
		if (answer.status === 422) {
			showFieldErrors(form, [{ field: 'code', message: t('enrol.code_wrong') }]);
			return;
		}
		if (!answer.ok) {
			showAlert(alert, problemText(answer));
			return;
		}
		setMustEnrol(false);
		await ctx.refreshMe();
		showCodes(body, alert, answer.data.recovery_codes, ctx);
	});
	code.control.focus();
}

/** The recovery codes, shown once. */
function showCodes(body, alert, codes, ctx) {
	showAlert(alert, t('enrol.done'), 'success');
	const next = continueButton(ctx);
	body.replaceChildren(
		h('section', { class: 'card', 'aria-labelledby': 'codes-title' },
			h('h2', { id: 'codes-title', i18n: 'enrol.codes_title' }),
			h('p', { i18n: 'enrol.codes_intro' }),
			h('ol', { class: 'codes', id: 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', { text: c })))),
			h('p', { class: 'hint', i18n: 'enrol.codes_once' }),
			h('div', { class: 'actions' }, next)));
	next.focus();
}

function continueButton(ctx) {
	return h('button', { type: 'button', i18n: 'enrol.continue', onclick: () => ctx.go('orgs') });
}

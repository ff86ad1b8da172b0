// Small DOM helpers.  Text goes in through textContent only: nothing from
// the server is ever parsed as HTML.
import { t } from './i18n.js';

let ids = 0;

/** A fresh element id with a readable prefix. */
export function uid(prefix) {
	ids += 1;
	return `${prefix}-${ids}`;
}

/**
 * h('button', { i18n: 'nav.signout', class: 'x', onclick: fn }, ...children)
 * props: i18n (a catalogue key: data-i18n and its text), text (plain text),
 * on<event> (a listener), class, hidden, disabled, value, and any attribute.
 * Children are nodes or strings; null and false are skipped.
 */
export function h(tag, props = {}, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(props || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k === 'i18n') {
			el.dataset.i18n = v;
			el.textContent = t(v);
		} else if (k === 'text') {
			el.textContent = v;
		} else if (k.startsWith('on') && typeof v === 'function') {
			el.addEventListener(k.slice(2), v);
		} else if (k === 'hidden' || k === 'disabled' || k === 'selected' || k === 'value') {
			el[k] = v;
		} else {
			el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	return append(el, ...children);
}

/** Appends children (nodes or strings) to el, skipping null and false. */
export function append(el, ...children) {
	for (const c of children.flat(Infinity))
		if (c !== null && c !== undefined && c !== false)
			el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	return el;
}

/**
 * A labelled form field: { name, label (key), type, options [{value, key}],
 * hint (key), autocomplete, required, inputmode, ... }.  The label is bound
 * to the control, and the hint and the error are its description.
 * Returns the wrapping element; .control is the input or select.
 */
export function field(spec) {
	const id = uid(`f-${spec.name}`);
	const hintId = `${id}-hint`;
	const errId = `${id}-error`;
	const describedBy = [spec.hint ? hintId : null, errId].filter(Boolean).join(' ');
	let control;
	const common = {
		id,
		name: spec.name,
		'aria-describedby': describedBy,
		'aria-required': spec.required ? 'true' : null,
		autocomplete: spec.autocomplete,
	};
	if (spec.multiline) {
		control = h('textarea', { ...common, rows: spec.rows || 4, maxlength: spec.maxlength, spellcheck: spec.spellcheck, class: spec.class });
	} else if (spec.options) {
		control = h('select', common,
			spec.placeholder ? h('option', { value: '', i18n: spec.placeholder }) : null,
			spec.options.map((o) => h('option', o.key ? { value: o.value, i18n: o.key } : { value: o.value, text: o.text })));
	} else {
		control = h('input', {
			...common,
			type: spec.type || 'text',
			inputmode: spec.inputmode,
			maxlength: spec.maxlength,
			spellcheck: spec.spellcheck,
			autocapitalize: spec.autocapitalize,
			class: spec.class,
		});
	}
	const wrap = h('div', { class: 'field' },
		h('label', { for: id },
			h('span', { i18n: spec.label }),
			spec.required ? ' ' : null,
			spec.required ? h('span', { class: 'required', i18n: 'form.required' }) : null),
		spec.hint ? h('p', { class: 'hint', id: hintId, i18n: spec.hint }) : null,
		h('p', { class: 'field-error', id: errId, hidden: true }),
		control);
	wrap.dataset.field = spec.name;
	wrap.control = control;
	return wrap;
}

/** Shows the catalogue's text for key as a field's hint. */
export function setHint(wrap, key) {
	const hint = wrap.querySelector('.hint');
	hint.dataset.i18n = key;
	hint.textContent = t(key);
}

/**
 * Shows a failed answer in a form: each error next to its field, the rest
 * (and the status's words) in the form's alert.  Returns nothing.
 */
export function showProblem(form, alert, res, words) {
	const rest = showFieldErrors(form, res.data?.errors || []);
	showAlert(alert, words || problemText(res));
	if (rest.length)
		alert.append(h('ul', {}, rest.map((x) => h('li', { text: `${x.field}: ${x.message}` }))));
}

/** A message shown in a form (role=alert announces it when it appears). */
export function alertBox() {
	return h('div', { class: 'alert', role: 'alert', hidden: true });
}

export function showAlert(box, text, kind = 'error') {
	box.className = `alert alert-${kind}`;
	box.textContent = text;
	box.hidden = !text;
}

/** Clears what showFieldErrors put on form. */
export function clearErrors(form) {
	for (const wrap of form.querySelectorAll('.field')) {
		wrap.classList.remove('invalid');
		wrap.control.removeAttribute('aria-invalid');
		const err = wrap.querySelector('.field-error');
		err.textContent = '';
		err.hidden = true;
	}
}

/**
 * Shows a problem's errors [{field, message}] next to the fields they name
 * and focuses the first.  Returns the errors that name no field here.
 */
export function showFieldErrors(form, errors = []) {
	clearErrors(form);
	const rest = [];
	let first = null;
	for (const e of errors) {
		const wrap = form.querySelector(`.field[data-field="${CSS.escape(e.field || '')}"]`);
		if (!wrap) {
			rest.push(e);
			continue;
		}
		wrap.classList.add('invalid');
		wrap.control.setAttribute('aria-invalid', 'true');
		const err = wrap.querySelector('.field-error');
		// The API's words for what is wrong with the value: a fragment
		// ("is required") reads after the field's label.
		const label = wrap.querySelector('legend [data-i18n], label [data-i18n]').textContent;
		const text = /^[a-z]/.test(e.message)
			? `${label} ${e.message}${/[.!?]$/.test(e.message) ? '' : '.'}`
			: e.message;
		err.textContent = err.textContent ? `${err.textContent} ${text}` : text;
		err.hidden = false;
		first = first || wrap.control;
	}
	if (first)
		first.focus();
	return rest;
}

/** The catalogue's words for a failed request, by status. */
export function problemText(res) {
	switch (res.status) {
	case 0: return t('error.network');
	case 401: return t('error.unauthenticated');
	case 403: return t('error.forbidden');
	case 404: return t('error.not_found');
	case 409: return t('error.conflict');
	case 413: return t('error.too_large');
	case 415: return t('error.media_type');
	case 422: return t('error.invalid');
	case 429: return t('error.rate_limited');
	case 503: return t('error.unavailable');
	default: return t('error.unknown', { status: res.status });
	}
}

/** A page's heading, focusable so the router can move focus to it. */
export function pageHeading(key, id) {
	return h('h1', { i18n: key, id, tabindex: '-1', class: 'page-title' });
}

/** A table with a caption and header keys; rows are arrays of cells. */
export function table(captionKey, headKeys) {
	const body = h('tbody');
	const el = h('table', {},
		h('caption', { class: 'visually-hidden', i18n: captionKey }),
		h('thead', {}, h('tr', {}, headKeys.map((k) => h('th', { scope: 'col', i18n: k })))),
		body);
	return { el, body };
}

/** Adds one row of cells (nodes or strings) to a table body. */
export function addRow(body, cells) {
	body.append(h('tr', {}, cells.map((c) => h('td', {}, c))));
}

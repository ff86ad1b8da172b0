// A record's documents: the files attached to it (name, type, size, who
// and when, a download link) and, for those who may change the record, a
// form to attach one.  The bytes go as the request body, the name in
// X-File-Name; the server finds the type by content and may refuse it.
import { api, upload } from './api.js';
import { addRow, alertBox, clearErrors, h, problemText, showAlert, table, uid } from './dom.js';
import { formatSize, formatWhen, t } from './i18n.js';

/** The documents section of record kind/id; canAttach: show the form. */
export async function documents(kind, id, canAttach) {
	const titleId = uid('files-title');
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', hidden: true });
	const list = table('files.caption', ['files.col.name', 'files.col.type', 'files.col.size', 'files.col.added']);
	const wrap = h('div', { class: 'table-wrap' }, list.el);
	const empty = h('p', { class: 'empty', i18n: 'files.empty', hidden: true });
	const section = h('section', { class: 'card', 'aria-labelledby': titleId },
		h('h2', { id: titleId, i18n: 'files.title' }),
		alert, done, wrap, empty);

	async function load() {
		const res = await api('GET', `/files?record_kind=${encodeURIComponent(kind)}&record_id=${encodeURIComponent(id)}`);
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		list.body.replaceChildren();
		for (const f of res.data.items) {
			const name = f.name || t('files.unnamed');
			addRow(list.body, [
				h('a', { href: `/api/v1/files/${encodeURIComponent(f.id)}/content`, download: f.name || '',
					'aria-label': t('files.download_named', { name }) }, name),
				f.media_type,
				formatSize(f.size),
				h('time', { datetime: f.created_at, text: formatWhen(f.created_at) }),
			]);
		}
		wrap.hidden = res.data.items.length === 0;
		empty.hidden = res.data.items.length > 0;
	}

	if (canAttach)
		section.append(attachForm(kind, id, async (f) => {
			await load();
			done.textContent = t('files.added', { name: f.name });
			done.hidden = false;
		}));
	await load();
	return section;
}

function attachForm(kind, id, added) {
	const inputId = uid('file');
	const errId = `${inputId}-error`;
	const input = h('input', { type: 'file', id: inputId, name: 'file', 'aria-describedby': `${inputId}-hint ${errId}` });
	const err = h('p', { class: 'field-error', id: errId, hidden: true });
	const wrap = h('div', { class: 'field', 'data-field': 'content' },
		h('label', { for: inputId }, h('span', { i18n: 'files.choose' })),
		h('p', { class: 'hint', id: `${inputId}-hint`, i18n: 'files.choose_hint' }),
		err, input);
	wrap.control = input;
	const alert = alertBox();
	const submit = h('button', { type: 'submit', class: 'secondary', i18n: 'files.attach' });
	const form = h('form', { class: 'form', novalidate: true }, alert, wrap, h('div', { class: 'actions' }, submit));
	const fail = (text) => {
		wrap.classList.add('invalid');
		input.setAttribute('aria-invalid', 'true');
		err.textContent = text;
		err.hidden = false;
		input.focus();
	};
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const file = input.files[0];
		if (!file) {
			fail(t('files.none_chosen'));
			return;
		}
		submit.disabled = true;
		const res = await upload(`/files?record_kind=${encodeURIComponent(kind)}&record_id=${encodeURIComponent(id)}`, file);
		submit.disabled = false;
		if (res.ok) {
			form.reset();
			await added(res.data);
			return;
		}
		if (res.status === 415) {
			// The API names the type it found: "is text/html, a type ...".
			const type = /\b([a-z]+\/[\w.+-]+)/.exec(res.data?.errors?.[0]?.message || '')?.[1];
			fail(type ? t('files.refused_type', { type }) : t('error.media_type'));
			return;
		}
		if (res.status === 413 || res.status === 422) {
			fail(res.status === 413 ? t('files.too_large') : res.data?.errors?.[0]?.message || problemText(res));
			return;
		}
		showAlert(alert, res.status === 409 ? t('files.full') : problemText(res));
	});
	return form;
}

// Break-glass reviews: emergency reads of the organisation's records by
// people outside need-to-know, each with the reason they gave.  The
// organisation's admins sign each one off with a note; platform admins
// read them.
import { api, query } from '../api.js';
import { addRow, alertBox, clearErrors, field, h, problemText, showAlert, showFieldErrors, table } from '../dom.js';
import { formatTime, label, t } from '../i18n.js';

// What the list shows, with its words and its words when empty.
const states = {
	open: { key: 'reviews.state.open', empty: 'reviews.empty.open' },
	reviewed: { key: 'reviews.state.reviewed', empty: 'reviews.empty.reviewed' },
	all: { key: 'reviews.state.all', empty: 'reviews.empty.all' },
};

/** The section for organisation org; canReview: the org's own admin. */
export async function reviewsSection(org, canReview) {
	const alert = alertBox();
	const state = field({ name: 'state', label: 'reviews.state', options: Object.entries(states).map(([value, s]) => ({ value, key: s.key })) });
	const list = table('reviews.caption', ['reviews.col.at', 'reviews.col.who', 'reviews.col.record', 'reviews.col.reason', 'reviews.col.review']);
	const empty = h('p', { class: 'empty', hidden: true });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const section = h('section', { 'aria-labelledby': 'reviews-title', class: 'reviews' },
		h('h2', { id: 'reviews-title', i18n: 'reviews.title' }),
		h('p', { i18n: 'reviews.intro' }),
		h('div', { class: 'toolbar' }, state),
		alert,
		h('div', { class: 'table-wrap' }, list.el),
		empty,
		h('div', { class: 'actions' }, more));
	let cursor = null;

	async function load(first) {
		if (first) {
			list.body.replaceChildren();
			cursor = null;
		}
		more.disabled = true;
		const res = await api('GET', `/audit/flags${query({ org_id: org, state: state.control.value, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			more.hidden = true;
			return;
		}
		showAlert(alert, '');
		for (const f of res.data.items)
			addRow(list.body, [
				h('time', { datetime: f.at, text: formatTime(f.at) }),
				h('span', {}, f.actor_name || f.actor_user || '', h('br'), h('span', { class: 'muted', text: f.org_name || f.org_id })),
				f.record_id ? h('span', {}, `${label('audit.kind', f.record_kind)} `, h('code', { class: 'id', text: f.record_id })) : '',
				h('q', { text: f.reason }),
				f.reviewed_at ? reviewed(f) : canReview ? reviewForm(f, () => load(true)) : h('span', { class: 'muted', i18n: 'reviews.pending' }),
			]);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		empty.textContent = t(states[state.control.value].empty);
		empty.hidden = list.body.children.length > 0;
	}

	state.control.addEventListener('change', () => load(true));
	more.addEventListener('click', () => load(false));
	await load(true);
	return section;
}

function reviewed(f) {
	return h('span', {},
		h('span', { text: t('reviews.done', { name: f.reviewer_name || f.reviewed_by, at: formatTime(f.reviewed_at) }) }),
		h('br'),
		h('q', { text: f.review_note }));
}

/** A one-field form that signs one access off, then reloads the list. */
function reviewForm(f, done) {
	const note = field({ name: 'note', label: 'reviews.note', hint: 'reviews.note_hint', required: true, autocomplete: 'off' });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'reviews.sign_off' });
	const form = h('form', { class: 'form compact', novalidate: true }, alert, note, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		submit.disabled = true;
		const res = await api('POST', `/audit/flags/${encodeURIComponent(f.id)}/review`, { note: note.control.value.trim() });
		submit.disabled = false;
		if (res.ok)
			return done();
		const rest = showFieldErrors(form, res.data?.errors || []);
		showAlert(alert, rest.length || !res.data?.errors ? problemText(res) : '');
	});
	return form;
}

// Webhooks (org admins): the organisation's integrations, which hear of
// events as signed JSON.  Adding one shows its signing secret once; each
// has a delivery log; removing one keeps its log.
import { api, query } from '../api.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem, table, uid } from '../dom.js';
import { formatWhen, t } from '../i18n.js';
import { checkList } from '../pickers.js';

// The events atip sends, with their words.
const events = {
	mention: 'webhooks.event.mention',
	reply: 'webhooks.event.reply',
	'action.assigned': 'webhooks.event.action_assigned',
	'action.update': 'webhooks.event.action_update',
	'action.due': 'webhooks.event.action_due',
	'action.overdue': 'webhooks.event.action_overdue',
	'meeting.invited': 'webhooks.event.meeting_invited',
};

const deliveryStates = {
	pending: 'webhooks.state.pending',
	delivered: 'webhooks.state.delivered',
	failed: 'webhooks.state.failed',
};

export async function render(view, ctx) {
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', hidden: true });
	const list = h('ul', { class: 'hooks' });
	const empty = h('p', { class: 'empty', i18n: 'webhooks.empty', hidden: true });
	const secretSlot = h('div', {});

	append(view, pageHeading('webhooks.title'), h('p', { class: 'lead', i18n: 'webhooks.intro' }));
	const first = await api('GET', '/webhooks');
	if (first.status === 403) {
		view.append(h('div', { class: 'card refused' },
			h('h2', { i18n: 'webhooks.forbidden_title' }),
			h('p', { i18n: 'webhooks.forbidden' })));
		return;
	}

	function show(res) {
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		list.replaceChildren(...res.data.items.map((w) => hook(w)));
		list.hidden = res.data.items.length === 0;
		empty.hidden = res.data.items.length > 0;
	}

	function hook(w) {
		const names = w.events.includes('*') ? t('webhooks.all_events') : w.events.map((e) => (events[e] ? t(events[e]) : e)).join(', ');
		const log = h('div', { class: 'log' });
		const toggle = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false',
			'aria-label': t('webhooks.deliveries_of', { url: w.url }), i18n: 'webhooks.deliveries' });
		const remove = h('button', { type: 'button', class: 'danger small',
			'aria-label': t('webhooks.remove_named', { url: w.url }), i18n: 'webhooks.remove' });
		toggle.addEventListener('click', async () => {
			if (toggle.getAttribute('aria-expanded') === 'true') {
				toggle.setAttribute('aria-expanded', 'false');
				log.replaceChildren();
				return;
			}
			toggle.setAttribute('aria-expanded', 'true');
			log.replaceChildren(await deliveries(w));
		});
		remove.addEventListener('click', async () => {
			if (!window.confirm(t('webhooks.confirm_remove', { url: w.url })))
				return;
			remove.disabled = true;
			const res = await api('DELETE', `/webhooks/${encodeURIComponent(w.id)}`);
			remove.disabled = false;
			if (!res.ok) {
				showAlert(alert, problemText(res));
				return;
			}
			done.textContent = t('webhooks.removed', { url: w.url });
			done.hidden = false;
			show(await api('GET', '/webhooks'));
			done.focus(); // its buttons are gone
		});
		return h('li', { class: 'card hook' },
			h('p', {}, h('code', { class: 'url', text: w.url })),
			h('p', { class: 'muted', text: t('webhooks.summary', { events: names, at: formatWhen(w.created_at) }) }),
			h('div', { class: 'row-actions' }, toggle, remove),
			log);
	}

	append(view, alert, done, secretSlot,
		addForm((w) => {
			secretSlot.replaceChildren(secretBox(w));
			secretSlot.querySelector('.secret-box').focus();
			api('GET', '/webhooks').then(show);
		}),
		h('section', { 'aria-labelledby': 'hooks-title' },
			h('h2', { id: 'hooks-title', i18n: 'webhooks.list_title' }),
			list, empty));
	show(first);
}

/** The secret of a new webhook, shown this once. */
function secretBox(w) {
	return h('section', { class: 'alert alert-warning secret-box', tabindex: '-1', 'aria-labelledby': 'secret-title' },
		h('h2', { id: 'secret-title', i18n: 'webhooks.secret_title' }),
		h('p', { i18n: 'webhooks.secret_once' }),
		h('p', {}, h('code', { class: 'secret', id: 'webhook-secret', text: w.secret })),
		h('p', { class: 'hint', i18n: 'webhooks.secret_use' }));
}

/** A webhook's delivery log, newest first, with "Show more". */
async function deliveries(w) {
	const list = table('webhooks.log_caption', ['webhooks.col.at', 'webhooks.col.event', 'webhooks.col.state', 'webhooks.col.attempts', 'webhooks.col.answer']);
	const wrap = h('div', { class: 'table-wrap' }, list.el);
	const empty = h('p', { class: 'empty', i18n: 'webhooks.no_deliveries', hidden: true });
	const alert = alertBox();
	const more = h('button', { type: 'button', class: 'secondary small', i18n: 'list.more', hidden: true });
	let cursor = null;
	async function load() {
		more.disabled = true;
		const res = await api('GET', `/webhooks/${encodeURIComponent(w.id)}/deliveries${query({ cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		for (const d of res.data.items)
			addRow(list.body, [
				h('time', { datetime: d.created_at, text: formatWhen(d.created_at) }),
				events[d.event] ? t(events[d.event]) : d.event,
				h('span', { class: `delivery delivery-${d.status}`, text: deliveryStates[d.status] ? t(deliveryStates[d.status]) : d.status }),
				String(d.attempts),
				d.last_status ? t('webhooks.http_status', { status: d.last_status }) : d.last_error || t('webhooks.no_answer'),
			]);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		wrap.hidden = list.body.children.length === 0;
		empty.hidden = list.body.children.length > 0;
	}
	more.addEventListener('click', load);
	await load();
	return h('div', {}, alert, wrap, empty, h('div', { class: 'actions' }, more));
}

function addForm(added) {
	const url = field({ name: 'url', label: 'webhooks.url', hint: 'webhooks.url_hint', type: 'url', required: true, spellcheck: 'false', autocapitalize: 'none' });
	const everything = h('input', { type: 'checkbox', id: uid('hook-all'), name: 'all' });
	const chosen = checkList({ name: 'events', legend: 'webhooks.events', hint: 'webhooks.events_hint',
		items: Object.entries(events).map(([value, key]) => ({ value, key })) });
	everything.addEventListener('change', () => {
		for (const box of chosen.querySelectorAll('input[type="checkbox"]'))
			box.disabled = everything.checked;
	});
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'webhooks.add' });
	const form = h('form', { class: 'form', novalidate: true, id: 'webhook-add' },
		alert, url,
		h('p', { class: 'check-all' }, everything, ' ', h('label', { for: everything.id, i18n: 'webhooks.all_events' })),
		chosen, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await api('POST', '/webhooks', { url: url.control.value.trim(), events: everything.checked ? ['*'] : chosen.values() });
		submit.disabled = false;
		if (res.ok) {
			form.reset();
			chosen.set([]);
			everything.dispatchEvent(new Event('change'));
			panel.open = false;
			added(res.data);
			return;
		}
		showProblem(form, alert, res, res.status === 409 ? t('webhooks.full') : null);
	});
	const panel = h('details', { class: 'card add', id: 'webhook-add-panel' },
		h('summary', { i18n: 'webhooks.add_title' }),
		form);
	return panel;
}

// One joint action: who leads it and with whom, where, when it is due,
// its progress updates (newest first), a form for the committed
// organisations to report progress (the status: the lead or the owner
// only), and the discussion.
import { api } from '../api.js';
import { actionStatuses, contributes, directory, orgLink, priorities, shareText, themes, tlpBadge, word } from '../coord.js';
import { alertBox, append, clearErrors, field, h, showAlert, showProblem } from '../dom.js';
import { countryName, formatDate, formatWhen, t } from '../i18n.js';
import { discussion } from '../thread.js';
import { notFound, recordHeading } from './record.js';

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const res = await api('GET', `/actions/${encodeURIComponent(id)}`);
	if (!res.ok)
		return notFound(view, res, 'actions', 'actions.back');
	const a = res.data;
	const dir = await directory();
	document.title = `${a.title} · ${t('app.name')}`;
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const status = h('span', { class: `badge status-${a.status}`, text: word(actionStatuses, a.status) });
	const due = a.due_date ? h('span', {},
		h('time', { datetime: a.due_date, text: formatDate(a.due_date) }),
		a.overdue ? h('span', { class: 'overdue-flag', i18n: 'actions.overdue' }) : null)
		: h('span', { class: 'muted', i18n: 'actions.no_due' });
	let origin = null;
	if (a.meeting_id) {
		const m = await api('GET', `/meetings/${encodeURIComponent(a.meeting_id)}`);
		origin = h('a', { href: `#/meeting?id=${encodeURIComponent(a.meeting_id)}`, text: m.ok ? m.data.title : t('actions.a_meeting') });
	}
	const org = ctx.me.user.org_id;
	const committed = org === a.owner_org || org === a.lead_org || a.partners.includes(org);

	append(view,
		recordHeading('actions', 'actions.back', a.title),
		h('dl', { class: 'facts card' },
			row('actions.status', status),
			row('actions.due', due),
			row('actions.priority', h('span', { class: `priority priority-${a.priority}`, text: word(priorities, a.priority) })),
			row('actions.theme', word(themes, a.theme)),
			row('actions.countries', a.countries.map(countryName).join(', ')),
			row('actions.lead', orgLink(dir, a.lead_org)),
			row('actions.partners', a.partners.length ? h('span', {}, a.partners.map((o, i) => [i ? ', ' : '', orgLink(dir, o)])) : null),
			row('actions.owner', orgLink(dir, a.owner_org)),
			row('actions.origin', origin),
			row('actions.shared', h('span', {}, `${shareText(a)} `, tlpBadge(a.tlp)))),
		a.description ? h('p', { class: 'prose', text: a.description }) : null,
		progressSection(a, dir, ctx, committed && contributes(ctx.me), (s) => {
			status.className = `badge status-${s}`;
			status.textContent = word(actionStatuses, s);
		}),
		await discussion('action', a.id, ctx));
}

/** The updates, newest first, and the form to add one. */
function progressSection(a, dir, ctx, may, statusChanged) {
	const list = h('ul', { class: 'updates' });
	const none = h('p', { class: 'empty', i18n: 'actions.no_updates' });
	const section = h('section', { class: 'card', 'aria-labelledby': 'updates-title' },
		h('h2', { id: 'updates-title', i18n: 'actions.updates' }), list, none);

	function add(u) {
		list.prepend(h('li', {},
			h('p', { class: 'comment-head' },
				h('strong', { text: dir.name(u.org_id) }), ' · ',
				h('time', { datetime: u.at, class: 'muted', text: formatWhen(u.at) })),
			u.status ? h('p', { class: 'update-status', text: t('actions.status_set', { status: word(actionStatuses, u.status) }) }) : null,
			h('p', { class: 'prose', text: u.note })));
		none.hidden = true;
	}
	for (const u of a.updates)
		add(u);
	none.hidden = a.updates.length > 0;
	if (!may) {
		section.append(h('p', { class: 'muted', i18n: ctx.me.user.role === 'viewer' ? 'actions.progress_viewer' : 'actions.progress_committed' }));
		return section;
	}

	const org = ctx.me.user.org_id;
	const setsStatus = org === a.owner_org || org === a.lead_org;
	const note = field({ name: 'note', label: 'actions.f.note', hint: 'actions.f.note_hint', multiline: true, rows: 4, required: true });
	const status = setsStatus ? field({ name: 'status', label: 'actions.f.new_status', placeholder: 'actions.f.status_same',
		options: Object.entries(actionStatuses).map(([value, key]) => ({ value, key })) }) : null;
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'actions.report' });
	const form = h('form', { class: 'form', novalidate: true, id: 'progress-form' },
		alert, note, status,
		setsStatus ? null : h('p', { class: 'hint', i18n: 'actions.status_lead_only' }),
		h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = { note: note.control.value.trim() };
		if (status?.control.value)
			body.status = status.control.value;
		submit.disabled = true;
		const res = await api('POST', `/actions/${encodeURIComponent(a.id)}/updates`, body);
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res, res.status === 403 ? t('actions.progress_forbidden') : null);
			return;
		}
		add(res.data);
		statusChanged(res.data.action_status);
		form.reset();
		showAlert(alert, t('actions.reported'), 'success');
		note.control.focus();
	});
	section.append(h('h3', { i18n: 'actions.report_title' }), form);
	return section;
}

// One meeting: when and where, agenda, participants, minutes (kept by the
// convening organisation, with the version so that a stale save is caught),
// decisions (each can become a joint action), documents and discussion.
import { api, listAll } from '../api.js';
import { directory, meetingStatuses, options, orgLink, shareText, tlpBadge, word, writes } from '../coord.js';
import { alertBox, append, clearErrors, field, h, showAlert, showProblem } from '../dom.js';
import { documents } from '../files.js';
import { formatWhen, t } from '../i18n.js';
import { discussion } from '../thread.js';
import { notFound, recordHeading } from './record.js';

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const res = await api('GET', `/meetings/${encodeURIComponent(id)}`);
	if (!res.ok)
		return notFound(view, res, 'meetings', 'meetings.back');
	let m = res.data;
	const dir = await directory();
	const mine = writes(ctx.me) && m.owner_org === ctx.me.user.org_id;
	document.title = `${m.title} · ${t('app.name')}`;
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const status = h('span', { class: `badge badge-${m.status}`, text: word(meetingStatuses, m.status) });
	const when = m.ends_at ? t('meetings.from_to', { from: formatWhen(m.starts_at), to: formatWhen(m.ends_at) }) : formatWhen(m.starts_at);

	append(view,
		recordHeading('meetings', 'meetings.back', m.title),
		h('dl', { class: 'facts card' },
			row('meetings.when', when),
			row('meetings.place', m.place),
			row('meetings.online_link', m.online_url ? h('a', { href: m.online_url, rel: 'noopener noreferrer', text: m.online_url }) : null),
			row('meetings.status', status),
			row('meetings.owner', orgLink(dir, m.owner_org)),
			row('meetings.shared', h('span', {}, `${shareText(m)} `, tlpBadge(m.tlp)))),
		m.description ? h('p', { class: 'prose', text: m.description }) : null,
		h('div', { class: 'columns' },
			h('section', { class: 'card', 'aria-labelledby': 'agenda-title' },
				h('h2', { id: 'agenda-title', i18n: 'meetings.agenda' }),
				m.agenda.length ? h('ol', { class: 'agenda' }, m.agenda.map((a) => h('li', { text: a })))
					: h('p', { class: 'empty', i18n: 'meetings.no_agenda' })),
			h('section', { class: 'card', 'aria-labelledby': 'participants-title' },
				h('h2', { id: 'participants-title', i18n: 'meetings.participants' }),
				h('ul', { class: 'participants' }, m.participants.map((o) => h('li', {}, orgLink(dir, o)))))),
		minutesSection(m, mine, (next) => {
			m = next;
			status.className = `badge badge-${m.status}`;
			status.textContent = word(meetingStatuses, m.status);
		}),
		await decisionsSection(m, mine, ctx),
		await documents('meeting', m.id, mine),
		await discussion('meeting', m.id, ctx));
}

/** The minutes, and for the convening organisation a form to keep them. */
function minutesSection(m, mine, changed) {
	const text = h('p', { class: 'prose minutes', text: m.minutes, hidden: !m.minutes });
	const none = h('p', { class: 'empty', i18n: 'meetings.no_minutes', hidden: Boolean(m.minutes) });
	const section = h('section', { class: 'card', 'aria-labelledby': 'minutes-title' },
		h('h2', { id: 'minutes-title', i18n: 'meetings.minutes' }), text, none);
	if (!mine)
		return section;
	let version = m.version;
	const minutes = field({ name: 'minutes', label: 'meetings.f.minutes', hint: 'meetings.f.minutes_hint', multiline: true, rows: 8 });
	minutes.control.value = m.minutes;
	const status = field({ name: 'status', label: 'meetings.f.status', options: options(meetingStatuses) });
	status.control.value = m.status;
	const alert = alertBox();
	const theirs = h('div', { class: 'theirs', hidden: true });
	const shown = (x) => {
		text.textContent = x.minutes;
		text.hidden = !x.minutes;
		none.hidden = Boolean(x.minutes);
		changed(x);
	};
	const submit = h('button', { type: 'submit', i18n: 'meetings.save_minutes' });
	const form = h('form', { class: 'form', novalidate: true, id: 'minutes-form' },
		alert, theirs, minutes, status, h('div', { class: 'actions' }, submit));
	const edit = h('details', { class: 'edit' }, h('summary', { i18n: 'meetings.edit_minutes' }), form);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await api('PATCH', `/meetings/${encodeURIComponent(m.id)}`,
			{ minutes: minutes.control.value, status: status.control.value, version });
		submit.disabled = false;
		if (res.ok) {
			version = res.data.version;
			shown(res.data);
			theirs.hidden = true;
			showAlert(alert, t('meetings.minutes_saved'), 'success');
			return;
		}
		if (res.status === 409) {
			// Someone saved in the meantime: show what they saved, keep
			// this text, and let the next save replace theirs knowingly.
			const now = await api('GET', `/meetings/${encodeURIComponent(m.id)}`);
			if (now.ok) {
				version = now.data.version;
				shown(now.data);
				theirs.replaceChildren(h('h3', { i18n: 'meetings.theirs' }),
					h('p', { class: 'prose', text: now.data.minutes || t('meetings.no_minutes') }));
				theirs.hidden = false;
			}
			showAlert(alert, t('meetings.minutes_conflict'));
			minutes.control.focus();
			return;
		}
		showProblem(form, alert, res);
	});
	section.append(edit);
	return section;
}

/** The decisions, the actions made from each, and forms to add more. */
async function decisionsSection(m, mine, ctx) {
	const list = h('ol', { class: 'decisions' });
	const none = h('p', { class: 'empty', i18n: 'meetings.no_decisions' });
	const section = h('section', { class: 'card', 'aria-labelledby': 'decisions-title' },
		h('h2', { id: 'decisions-title', i18n: 'meetings.decisions' }), list, none);
	// The actions made from its decisions.
	const actions = m.decisions.length ? await listAll('/actions', { meeting_id: m.id }) : { items: [] };
	const made = (d) => (actions.items || []).filter((a) => a.decision_id === d.id);

	function show(decisions) {
		list.replaceChildren(...decisions.map((d) => h('li', { value: d.number },
			h('p', { class: 'decision-text', text: d.text }),
			made(d).length ? h('p', { class: 'decision-actions' },
				h('span', { i18n: 'meetings.actions_made' }), ' ',
				made(d).map((a, i) => [i ? ', ' : '', h('a', { href: `#/action?id=${encodeURIComponent(a.id)}`, text: a.title })])) : null,
			mine ? h('a', {
				href: `#/actions?decision=${encodeURIComponent(d.id)}&meeting=${encodeURIComponent(m.id)}`,
				class: 'button secondary small',
				'aria-label': t('meetings.make_action_named', { n: d.number }),
				i18n: 'meetings.make_action',
			}) : null)));
		none.hidden = decisions.length > 0;
		list.hidden = decisions.length === 0;
	}
	show(m.decisions);
	if (!mine)
		return section;

	const text = field({ name: 'text', label: 'meetings.f.decision', hint: 'meetings.f.decision_hint', multiline: true, rows: 3, required: true });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', class: 'secondary', i18n: 'meetings.add_decision' });
	const form = h('form', { class: 'form', novalidate: true, id: 'decision-form' }, alert, text, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await api('POST', `/meetings/${encodeURIComponent(m.id)}/decisions`, { text: text.control.value.trim() });
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		const now = await api('GET', `/meetings/${encodeURIComponent(m.id)}`);
		if (now.ok)
			show(now.data.decisions);
		form.reset();
		showAlert(alert, t('meetings.decision_added', { n: res.data.number }), 'success');
		text.control.focus();
	});
	section.append(h('h3', { i18n: 'meetings.add_decision_title' }), form);
	return section;
}

// Audit: an organisation's trail, newest first (org admins: their own;
// platform admins: any organisation's, or the platform's own events).
import { api, listAll, query } from '../api.js';
import { addRow, alertBox, field, h, pageHeading, problemText, showAlert, table } from '../dom.js';
import { caseActionWords, formatTime, label } from '../i18n.js';
import { reviewsSection } from './reviews.js';

export async function render(view, ctx) {
	const { user } = ctx.me;
	const platformAdmin = user.role === 'platform_admin';
	const org = (platformAdmin && ctx.params.get('org')) || user.org_id;
	const alert = alertBox();
	const list = table('audit.caption', ['audit.col.at', 'audit.col.action', 'audit.col.outcome', 'audit.col.actor', 'audit.col.record']);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: 'audit.empty', hidden: true });
	const section = h('section', { 'aria-labelledby': 'audit-list-title' },
		h('h2', { id: 'audit-list-title', i18n: 'audit.list_title' }),
		h('div', { class: 'table-wrap' }, list.el),
		empty,
		h('div', { class: 'actions' }, more));
	const names = new Map(); // user id -> name, for the actor column
	let cursor = null;

	view.append(pageHeading('audit.title'), h('p', { class: 'lead', i18n: 'audit.intro' }));

	const first = await api('GET', `/audit${query({ org_id: org === user.org_id ? '' : org })}`);
	if (first.status === 403) {
		view.append(h('div', { class: 'card refused' },
			h('h2', { i18n: 'audit.forbidden_title' }),
			h('p', { i18n: 'audit.forbidden' })));
		return;
	}

	if (platformAdmin) {
		const picker = field({ name: 'org', label: 'audit.org', options: [{ value: 'platform', key: 'audit.platform' }] });
		const orgs = await listAll('/orgs');
		for (const o of orgs.items)
			picker.control.append(h('option', { value: o.id, text: o.name }));
		picker.control.value = org;
		picker.control.addEventListener('change', () => ctx.go('audit', { org: picker.control.value }));
		view.append(h('div', { class: 'toolbar' }, picker));
	}
	if (org !== 'platform')
		view.append(await reviewsSection(org === user.org_id ? '' : org, !platformAdmin && org === user.org_id));
	view.append(alert, section);

	if (org !== 'platform') {
		const people = await listAll('/users', { org_id: org });
		for (const u of people.items)
			names.set(u.id, u.name);
	}

	function show(res) {
		if (!res.ok) {
			showAlert(alert, problemText(res));
			more.hidden = true;
			return;
		}
		for (const e of res.data.items)
			addRow(list.body, [
				h('time', { datetime: e.at, text: formatTime(e.at) }),
				caseActionWords(e.action) || label('audit.action', e.action),
				h('span', { class: `outcome outcome-${e.outcome}`, text: label('audit.outcome', e.outcome) }),
				e.actor_user ? actor(e.actor_user) : h('span', { class: 'muted', i18n: 'audit.system' }),
				e.record_id ? h('span', {}, `${label('audit.kind', e.record_kind)} `, h('code', { class: 'id', text: e.record_id })) : '',
			]);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		empty.hidden = list.body.children.length > 0;
	}

	function actor(id) {
		return names.has(id) ? h('span', { title: id, text: names.get(id) }) : h('code', { class: 'id', text: id });
	}

	more.addEventListener('click', async () => {
		more.disabled = true;
		show(await api('GET', `/audit${query({ org_id: org === user.org_id ? '' : org, cursor })}`));
		more.disabled = false;
	});
	show(first);
}

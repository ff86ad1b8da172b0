// The inbox: what happened that concerns you or your organisation, newest
// first, one sentence each with a link to the record (a referral: the
// referrals page; a possible match: the matches page, named by the
// reader's own case); unread ones marked.
// Opening one marks it read; "Mark all read" does so for every one.
import { api, query } from '../api.js';
import { directory } from '../coord.js';
import { alertBox, append, h, pageHeading, problemText, showAlert } from '../dom.js';
import { formatWhen, t } from '../i18n.js';

// Event name -> the sentence; {org} who did it, {record} the record.
const sentences = {
	mention: 'inbox.event.mention',
	reply: 'inbox.event.reply',
	'action.assigned': 'inbox.event.action_assigned',
	'action.update': 'inbox.event.action_update',
	'action.due': 'inbox.event.action_due',
	'action.overdue': 'inbox.event.action_overdue',
	'meeting.invited': 'inbox.event.meeting_invited',
	'case.shared': 'inbox.event.case_shared',
	'case.transfer': 'inbox.event.case_transfer',
	'case.transfer_accepted': 'inbox.event.case_transfer_accepted',
	'case.transfer_declined': 'inbox.event.case_transfer_declined',
	'case.transfer_cancelled': 'inbox.event.case_transfer_cancelled',
	'followup.due': 'inbox.event.followup_due',
	'referral.requested': 'inbox.event.referral_requested',
	'referral.accepted': 'inbox.event.referral_accepted',
	'referral.declined': 'inbox.event.referral_declined',
	'referral.started': 'inbox.event.referral_started',
	'referral.completed': 'inbox.event.referral_completed',
	'referral.withdrawn': 'inbox.event.referral_withdrawn',
	'referral.escalated': 'inbox.event.referral_escalated',
	'linkage.match': 'inbox.event.linkage_match',
	'linkage.decided': 'inbox.event.linkage_decided',
};

// Record kind -> its page, its API path, and its words without a title.
const kinds = {
	meeting: { route: 'meeting', path: '/meetings/', words: 'inbox.kind.meeting' },
	action: { route: 'action', path: '/actions/', words: 'inbox.kind.action' },
	practice: { route: 'practice', path: '/practices/', words: 'inbox.kind.practice' },
	case: { route: 'case', path: '/cases/', words: 'inbox.kind.case' },
	referral: { route: 'referrals', path: '/referrals/', words: 'inbox.kind.referral' },
	linkage_alert: { route: 'matches', path: '/linkage/alerts/', words: 'inbox.kind.linkage_alert' },
};

/**
 * A referral is named by its case ("the case PUNE-..."), while the case
 * may be read; otherwise by the kind's words.
 */
async function referralTitle(id) {
	const r = await api('GET', `/referrals/${encodeURIComponent(id)}`);
	if (!r.ok)
		return null;
	const c = await api('GET', `/cases/${encodeURIComponent(r.data.case_id)}`);
	return c.ok ? t('inbox.referral_of', { ref: c.data.reference || t('cases.no_reference') }) : null;
}

/** A possible match is named by the reader's own case, never the other's. */
async function matchTitle(id) {
	const r = await api('GET', `/linkage/alerts/${encodeURIComponent(id)}`);
	const ours = r.ok ? r.data.sides.find((s) => s.yours) : null;
	return ours ? t('inbox.referral_of', { ref: ours.case_reference || t('cases.no_reference') }) : null;
}

const views = [
	{ unread: false, key: 'inbox.view.all', empty: 'inbox.empty' },
	{ unread: true, key: 'inbox.view.unread', empty: 'inbox.empty_unread' },
];

export async function render(view, ctx) {
	const current = views[ctx.params.get('unread') === 'true' ? 1 : 0];
	const dir = await directory();
	const alert = alertBox();
	const list = h('ul', { class: 'inbox' });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: current.empty, hidden: true });
	const all = h('button', { type: 'button', class: 'secondary', i18n: 'inbox.mark_all' });
	const titles = new Map(); // "kind:id" -> a promise of the title, or null
	let cursor = null;

	function title(kind, id) {
		const k = `${kind}:${id}`;
		if (!titles.has(k) && kind === 'referral')
			titles.set(k, referralTitle(id));
		if (!titles.has(k) && kind === 'linkage_alert')
			titles.set(k, matchTitle(id));
		if (!titles.has(k))
			titles.set(k, kinds[kind] ? api('GET', `${kinds[kind].path}${encodeURIComponent(id)}`).then((r) => (r.ok ? r.data.title ?? r.data.reference : null)) : Promise.resolve(null));
		return titles.get(k);
	}

	async function load() {
		more.disabled = true;
		const res = await api('GET', `/notifications${query({ unread: current.unread ? 'true' : '', cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		const items = await Promise.all(res.data.items.map(async (n) => item(n, await title(n.record_kind, n.record_id))));
		list.append(...items);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		list.hidden = list.children.length === 0;
		empty.hidden = list.children.length > 0;
		all.hidden = !list.querySelector('.unread');
	}

	function item(n, recordTitle) {
		const kind = kinds[n.record_kind];
		const words = recordTitle || (kind ? t(kind.words) : n.record_kind || '');
		const href = kind ? `#/${kind.route}?id=${encodeURIComponent(n.record_id)}` : null;
		const link = href ? h('a', { href, text: words }) : h('span', { text: words });
		const text = t(sentences[n.event] || 'inbox.event.other', { org: n.actor_org ? dir.name(n.actor_org) : t('inbox.someone'), event: n.event });
		const [before, after = ''] = text.split('{record}');
		const li = h('li', { class: n.unread ? 'note unread' : 'note', 'data-id': n.id },
			n.unread ? h('span', { class: 'badge badge-new', i18n: 'inbox.new' }) : null,
			h('p', { class: 'sentence' }, before, link, after),
			h('time', { datetime: n.created_at, class: 'muted', text: formatWhen(n.created_at) }));
		if (href && n.unread)
			link.addEventListener('click', async (e) => {
				const read = api('POST', `/notifications/${encodeURIComponent(n.id)}/read`);
				if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey)
					return; // opened elsewhere (a new tab): this page stays
				e.preventDefault();
				await read;
				location.hash = href;
			});
		return li;
	}

	all.addEventListener('click', async () => {
		all.disabled = true;
		const res = await api('POST', '/notifications/read');
		all.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		for (const li of list.querySelectorAll('.unread')) {
			li.classList.remove('unread');
			li.querySelector('.badge-new')?.remove();
		}
		all.hidden = true;
		showAlert(alert, t('inbox.all_read', { n: res.data.marked }), 'success');
		view.querySelector('h1').focus(); // the button is gone
		ctx.refreshCount();
	});
	more.addEventListener('click', load);

	append(view,
		pageHeading('inbox.title'),
		h('p', { class: 'lead', i18n: 'inbox.intro' }),
		h('div', { class: 'toolbar-row' },
			h('nav', { class: 'tabs', 'aria-label': t('inbox.views') },
				views.map((v) => h('a', {
					href: v.unread ? '#/inbox?unread=true' : '#/inbox',
					'aria-current': v === current ? 'page' : null,
					i18n: v.key,
				}))),
			all),
		alert,
		h('section', { 'aria-labelledby': 'inbox-list-title' },
			h('h2', { id: 'inbox-list-title', class: 'visually-hidden', i18n: 'inbox.list_title' }),
			list, empty,
			h('div', { class: 'actions' }, more)));
	await load();
}

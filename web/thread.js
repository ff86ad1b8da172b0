// The discussion on a record (a meeting, an action, a practice): comments
// oldest first with their replies under them, each with its author and
// organisation; a form to comment or reply that may mention organisations
// from the directory.  The discussion has the record's visibility, so the
// API refuses (422) a mention of an organisation that cannot see it.
import { api, listAll } from './api.js';
import { contributes, directory, orgItems } from './coord.js';
import { alertBox, clearErrors, field, h, problemText, showAlert, showFieldErrors, uid } from './dom.js';
import { formatWhen, t } from './i18n.js';
import { checkList } from './pickers.js';

/**
 * The discussion section for record kind/id; ctx.me is who reads it.
 * Resolves the section element.
 */
export async function discussion(kind, id, ctx) {
	const dir = await directory();
	const titleId = uid('thread-title');
	const list = h('ol', { class: 'thread' });
	const alert = alertBox();
	const status = h('p', { class: 'visually-hidden', role: 'status' });
	const empty = h('p', { class: 'empty', i18n: 'thread.empty', hidden: true });
	const may = contributes(ctx.me);
	const section = h('section', { class: 'discussion card', 'aria-labelledby': titleId },
		h('h2', { id: titleId, i18n: 'thread.title' }),
		alert, status, list, empty);

	async function load() {
		const res = await listAll('/threads', { record_kind: kind, record_id: id });
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		const byParent = new Map();
		const ids = new Set(res.items.map((c) => c.id));
		for (const c of res.items) {
			const parent = c.parent_id && ids.has(c.parent_id) ? c.parent_id : '';
			if (!byParent.has(parent))
				byParent.set(parent, []);
			byParent.get(parent).push(c);
		}
		const items = (parent) => (byParent.get(parent) || []).map((c) => comment(c, byParent.has(c.id) ? h('ol', { class: 'replies' }, items(c.id)) : null));
		list.replaceChildren(...items(''));
		empty.hidden = res.items.length > 0;
	}

	function comment(c, replies) {
		const mentioned = c.mention_orgs.map((o) => dir.name(o));
		const reply = may ? h('button', { type: 'button', class: 'link small', 'aria-expanded': 'false',
			'aria-label': t('thread.reply_to', { name: c.user_name || c.org_name || '' }), i18n: 'thread.reply' }) : null;
		const slot = h('div', { class: 'reply-slot' });
		const li = h('li', { class: 'comment', id: `comment-${c.id}` },
			h('article', {},
				h('p', { class: 'comment-head' },
					h('strong', { text: c.user_name || t('thread.someone') }),
					h('span', { class: 'muted', text: ` · ${c.org_name || dir.name(c.org_id)} · ` }),
					h('time', { datetime: c.created_at, class: 'muted', text: formatWhen(c.created_at) })),
				h('p', { class: 'comment-body', text: c.body }),
				mentioned.length ? h('p', { class: 'comment-mentions', text: t('thread.mentioned', { names: mentioned.join(', ') }) }) : null,
				reply),
			slot, replies);
		reply?.addEventListener('click', () => {
			if (slot.firstChild) {
				slot.replaceChildren();
				reply.setAttribute('aria-expanded', 'false');
				reply.focus();
				return;
			}
			reply.setAttribute('aria-expanded', 'true');
			const f = form(c.id, () => {
				slot.replaceChildren();
				reply.setAttribute('aria-expanded', 'false');
			});
			slot.append(f);
			f.querySelector('textarea').focus();
		});
		return li;
	}

	/** The form for a new comment, or (parent) a reply to one. */
	function form(parent, done) {
		const body = field({ name: 'body', label: parent ? 'thread.reply_body' : 'thread.body', multiline: true, rows: 3, required: true });
		const mentions = checkList({ name: 'mention_orgs', legend: 'thread.mention', hint: 'thread.mention_hint', filter: 'thread.mention_filter',
			items: orgItems(dir, [ctx.me.user.org_id]) });
		const more = h('details', { class: 'mentions' }, h('summary', { i18n: 'thread.mention_open' }), mentions);
		const formAlert = alertBox();
		const submit = h('button', { type: 'submit', i18n: parent ? 'thread.post_reply' : 'thread.post' });
		const f = h('form', { class: 'form thread-form', novalidate: true },
			formAlert, body, more, h('div', { class: 'actions' }, submit));
		f.addEventListener('submit', async (e) => {
			e.preventDefault();
			clearErrors(f);
			showAlert(formAlert, '');
			const payload = { record_kind: kind, record_id: id, body: body.control.value };
			if (parent)
				payload.parent_id = parent;
			const orgs = mentions.values();
			if (orgs.length)
				payload.mention_orgs = orgs;
			submit.disabled = true;
			const res = await api('POST', '/threads', payload);
			submit.disabled = false;
			if (res.ok) {
				f.reset();
				more.open = false;
				await load();
				status.textContent = t(parent ? 'thread.replied' : 'thread.posted');
				done?.();
				if (parent) {
					// The form is gone: focus goes to the reply just posted.
					const posted = document.getElementById(`comment-${res.data.id}`)?.querySelector('article');
					if (posted) {
						posted.tabIndex = -1;
						posted.focus();
					}
				} else {
					body.control.focus();
				}
				return;
			}
			const errors = res.data?.errors || [];
			if (errors.some((x) => x.field === 'mention_orgs'))
				more.open = true;
			const rest = showFieldErrors(f, errors);
			showAlert(formAlert, errors.some((x) => x.field === 'mention_orgs') ? t('thread.mention_refused') : problemText(res));
			if (rest.length)
				formAlert.append(h('ul', {}, rest.map((x) => h('li', { text: `${x.field}: ${x.message}` }))));
		});
		return f;
	}

	await load();
	if (may)
		section.append(h('h3', { i18n: 'thread.new' }), form(null, null));
	else
		section.append(h('p', { class: 'muted', i18n: ctx.me ? 'thread.read_only' : 'thread.sign_in' }));
	return section;
}

// One good practice: its summary, facts and body (the server's Markdown
// rendering, copied through safeFragment), and the discussion for members.
import { api } from '../api.js';
import { directory, orgLink, shareText, themes, tlpBadge, word, writes } from '../coord.js';
import { append, h } from '../dom.js';
import { countryName, formatDate, t } from '../i18n.js';
import { documents } from '../files.js';
import { safeFragment } from '../safehtml.js';
import { discussion } from '../thread.js';
import { notFound, recordHeading } from './record.js';

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const res = await api('GET', `/practices/${encodeURIComponent(id)}`);
	if (!res.ok)
		return notFound(view, res, 'practices', 'practices.back', ctx.me ? 'record.not_found' : 'practices.not_found_public');
	const x = res.data;
	const dir = ctx.me ? await directory() : null;
	document.title = `${x.title} · ${t('app.name')}`;
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const body = h('div', { class: 'practice-body prose-html' });
	body.append(safeFragment(x.body_html || '', 2));

	append(view,
		recordHeading('practices', 'practices.back', x.title),
		h('p', { class: 'lead summary', text: x.summary }),
		h('dl', { class: 'facts card' },
			row('practices.theme', word(themes, x.theme)),
			row('practices.country', x.country ? countryName(x.country) : t('practices.regional')),
			row('practices.tags', x.tags.length ? h('span', { class: 'tags' },
				x.tags.map((tag) => h('a', { href: `#/practices?tag=${encodeURIComponent(tag)}`, class: 'tag', text: tag }))) : null),
			row('practices.source', x.source),
			row('practices.published', x.published_on ? formatDate(x.published_on) : null),
			row('practices.owner', dir ? orgLink(dir, x.owner_org) : null),
			row('practices.shared', h('span', {}, `${shareText(x)} `, tlpBadge(x.tlp)))),
		h('section', { class: 'card', 'aria-labelledby': 'practice-body-title' },
			h('h2', { id: 'practice-body-title', i18n: 'practices.body' }),
			x.body_html ? body : h('p', { class: 'empty', i18n: 'practices.no_body' })),
		await documents('practice', x.id, Boolean(ctx.me) && writes(ctx.me) && x.owner_org === ctx.me.user.org_id),
		ctx.me ? await discussion('practice', x.id, ctx)
			: h('p', { class: 'muted' }, h('a', { href: '#/signin', i18n: 'practices.sign_in_discuss' })));
}

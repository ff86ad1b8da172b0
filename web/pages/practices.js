// The good-practice library: search (ranked, with the words found marked
// in a snippet), filters by theme, country and tag, and a form to share a
// practice.  Signed out, it shows the public practices only.
import { api, listAll, query } from '../api.js';
import { countryOptions, directory, options, shareFields, themes, word, writes } from '../coord.js';
import { alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem } from '../dom.js';
import { countryName, formatDate, t } from '../i18n.js';

export async function render(view, ctx) {
	const p = ctx.params;
	const filters = { q: p.get('q') || '', theme: p.get('theme') || '', country: p.get('country') || '', tag: p.get('tag') || '' };
	const alert = alertBox();
	const results = h('ol', { class: 'results' });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: filters.q || filters.theme || filters.country || filters.tag ? 'practices.empty_found' : 'practices.empty', hidden: true });
	const count = h('p', { class: 'muted', role: 'status' });
	let cursor = null;

	async function load() {
		more.disabled = true;
		const res = await api('GET', `/practices${query({ ...filters, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, res.status === 422 ? t('practices.bad_search') : problemText(res));
			return;
		}
		for (const x of res.data.items)
			results.append(result(x));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		results.hidden = results.children.length === 0;
		empty.hidden = results.children.length > 0;
		count.textContent = results.children.length ? t('practices.shown', { n: results.children.length }) : '';
	}

	const countries = ctx.me ? (await directory()).countries : await libraryCountries();
	append(view,
		pageHeading('practices.title'),
		h('p', { class: 'lead', i18n: ctx.me ? 'practices.intro' : 'practices.intro_public' }),
		ctx.me ? null : h('p', { class: 'alert alert-info' },
			h('span', { i18n: 'practices.public_only' }), ' ',
			h('a', { href: '#/signin', i18n: 'practices.sign_in' })),
		alert,
		writes(ctx.me) ? await shareForm(ctx, countries) : null,
		searchForm(filters, countries, (f) => ctx.go('practices', Object.fromEntries(Object.entries(f).filter(([, v]) => v)))),
		h('section', { 'aria-labelledby': 'practices-list-title' },
			h('h2', { id: 'practices-list-title', i18n: filters.q ? 'practices.found_title' : 'practices.list_title' }),
			count, results, empty,
			h('div', { class: 'actions' }, more)));
	more.addEventListener('click', load);
	await load();
}

/** The countries practices in the library come from (signed out). */
async function libraryCountries() {
	const res = await listAll('/practices', {}, 500);
	return [...new Set(res.items.map((x) => x.country).filter(Boolean))].sort((a, b) => countryName(a).localeCompare(countryName(b)));
}

/** One search result: title, facts, summary and the snippet. */
function result(x) {
	const facts = [word(themes, x.theme), x.country ? countryName(x.country) : t('practices.regional')];
	if (x.published_on)
		facts.push(formatDate(x.published_on));
	return h('li', { class: 'result card' },
		h('h3', {}, h('a', { href: `#/practice?id=${encodeURIComponent(x.id)}`, text: x.title })),
		h('p', { class: 'muted' }, facts.join(' · '),
			x.level === 'public' ? [' · ', h('span', { class: 'badge badge-public', i18n: 'practices.public' })] : null),
		h('p', { text: x.summary }),
		x.snippet?.length ? snippet(x.snippet) : null,
		x.tags.length ? h('p', { class: 'tags' }, h('span', { class: 'visually-hidden', i18n: 'practices.tags' }),
			x.tags.map((tag) => h('a', { href: `#/practices?tag=${encodeURIComponent(tag)}`, class: 'tag', text: tag }))) : null);
}

/**
 * The snippet from its segments [{text, hit}]: text nodes, and <mark>
 * around the words found.  Never parsed as HTML.  The server cuts it from
 * the Markdown source, so the marks of Markdown (headings, emphasis, list
 * bullets, link targets) and line breaks are taken out of the text around
 * the hits.
 */
export function snippet(segments) {
	const plain = (s) => s
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/^[ \t]*(#{1,6}|[-*+]|\d+\.|>)[ \t]+/gm, '')
		.replace(/\*\*|__|`/g, '')
		.replace(/\s*\n\s*/g, ' ');
	return h('p', { class: 'snippet' },
		h('span', { class: 'visually-hidden', i18n: 'practices.snippet' }), ' ',
		segments.map((s) => (s.hit ? h('mark', { text: s.text }) : plain(s.text))));
}

function searchForm(now, countries, apply) {
	const q = field({ name: 'q', label: 'practices.q', hint: 'practices.q_hint', type: 'search', maxlength: 200 });
	const theme = field({ name: 'theme', label: 'practices.theme', placeholder: 'practices.any_theme', options: options(themes) });
	const country = field({ name: 'country', label: 'practices.country', placeholder: 'practices.any_country', options: countryOptions(countries) });
	const tag = field({ name: 'tag', label: 'practices.tag', maxlength: 60 });
	q.control.value = now.q;
	theme.control.value = now.theme;
	country.control.value = now.country;
	tag.control.value = now.tag;
	const form = h('form', { class: 'filters search', role: 'search', 'aria-label': t('practices.search_title') },
		q, theme, country, tag,
		h('div', { class: 'actions' },
			h('button', { type: 'submit', i18n: 'practices.search' }),
			now.q || now.theme || now.country || now.tag ? h('a', { href: '#/practices', i18n: 'practices.clear' }) : null));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		apply({ q: q.control.value.trim(), theme: theme.control.value, country: country.control.value, tag: tag.control.value.trim() });
	});
	return form;
}

/** The form to share a practice (Markdown body, tags, public if CLEAR). */
async function shareForm(ctx, countries) {
	const title = field({ name: 'title', label: 'practices.f.title', required: true, maxlength: 300 });
	const summary = field({ name: 'summary', label: 'practices.f.summary', hint: 'practices.f.summary_hint', multiline: true, rows: 3, required: true });
	const body = field({ name: 'body', label: 'practices.f.body', hint: 'practices.f.body_hint', multiline: true, rows: 12, class: 'code' });
	const theme = field({ name: 'theme', label: 'practices.f.theme', required: true, placeholder: 'form.choose', options: options(themes) });
	const country = field({ name: 'country', label: 'practices.f.country', placeholder: 'practices.f.regional', options: countryOptions(countries) });
	const tags = field({ name: 'tags', label: 'practices.f.tags', hint: 'practices.f.tags_hint' });
	const source = field({ name: 'source', label: 'practices.f.source', hint: 'practices.f.source_hint', maxlength: 500 });
	const published = field({ name: 'published_on', label: 'practices.f.published', type: 'date', class: 'medium' });
	const share = await shareFields({ allowPublic: true });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'practices.share' });
	const form = h('form', { class: 'form', novalidate: true, id: 'practice-add' },
		alert, title, summary, body, theme, country, tags, source, published, share.els,
		h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const payload = {
			title: title.control.value.trim(),
			summary: summary.control.value.trim(),
			body: body.control.value,
			source: source.control.value.trim(),
			tags: tags.control.value.split(',').map((s) => s.trim()).filter(Boolean),
			...share.value(),
		};
		if (theme.control.value)
			payload.theme = theme.control.value;
		if (country.control.value)
			payload.country = country.control.value;
		if (published.control.value)
			payload.published_on = published.control.value;
		submit.disabled = true;
		const res = await api('POST', '/practices', payload);
		submit.disabled = false;
		if (res.ok) {
			ctx.go('practice', { id: res.data.id });
			return;
		}
		showProblem(form, alert, res);
	});

	return h('details', { class: 'card add', id: 'practice-add-panel' },
		h('summary', { i18n: 'practices.add_title' }),
		form);
}

// Possible matches (the re-trafficking watch): a victim of your
// organisation who may be a person recorded elsewhere.  Each shows your
// case, the other organisation and the other person's non-identifying
// fields (gender, age band, citizenship, exploitation) — never a name —
// and how strong the match is in words.  Ask the other organisation
// through a referral from the case (consent is checked there), then mark
// it "Same person" (both cases are flagged trafficked before) or "Not the
// same person".  #/matches?state=open|same|not_same|all; #/matches?id=...
// shows one.
import { api, query } from '../api.js';
import { valueWord } from '../casefields.js';
import { alertBox, append, h, pageHeading, problemText, showAlert } from '../dom.js';
import { countryName, formatWhen, t } from '../i18n.js';
import { notFound } from './record.js';

const views = [
	{ state: 'open', key: 'matches.view.open', empty: 'matches.empty.open' },
	{ state: 'same', key: 'matches.view.same', empty: 'matches.empty.decided' },
	{ state: 'not_same', key: 'matches.view.not_same', empty: 'matches.empty.decided' },
	{ state: 'all', key: 'matches.view.all', empty: 'matches.empty.all' },
];

const stateWords = {
	open: 'matches.state.open',
	same: 'matches.state.same',
	not_same: 'matches.state.not_same',
};

const stateClass = { open: 'status-proposed', same: 'status-agreed', not_same: 'status-dropped' };

const enc = encodeURIComponent;
const PAGE = 20;

function words(list) {
	return list?.length ? list.map(valueWord).join(', ') : t('matches.unknown');
}

/** The other side, in words: organisation, country and plain fields. */
function otherSide(s) {
	return h('dl', { class: 'facts' },
		h('dt', { i18n: 'matches.other_org' }), h('dd', { text: `${s.org_name} (${countryName(s.org_country)})` }),
		h('dt', { i18n: 'matches.gender' }), h('dd', { text: s.gender ? valueWord(s.gender) : t('matches.unknown') }),
		h('dt', { i18n: 'matches.age_band' }), h('dd', { text: s.age_band || t('matches.unknown') }),
		h('dt', { i18n: 'matches.citizenship' }), h('dd', { text: s.citizenship?.length ? s.citizenship.map(countryName).join(', ') : t('matches.unknown') }),
		h('dt', { i18n: 'matches.exploitation' }), h('dd', { text: words(s.exploitation_types) }));
}

function entry(al, alert, changed) {
	const ours = al.sides.filter((s) => s.yours);
	const theirs = al.sides.find((s) => !s.yours) || al.sides[1];
	const ref = ours[0].case_reference || t('cases.no_reference');
	const li = h('li', { class: 'update match' });
	li.append(
		h('p', { class: 'meta' },
			h('span', { class: `badge ${stateClass[al.state] || ''}`, text: t(stateWords[al.state]) }), ' ',
			h('span', { class: 'badge', text: t(al.score_band === 'high' ? 'matches.band.high' : 'matches.band.medium') }), ' ',
			h('span', { class: 'sub', text: t('matches.found', { when: formatWhen(al.created_at) }) })),
		h('p', {},
			t('matches.yours'), ' ',
			...ours.map((s, i) => [i ? ', ' : '', h('a', { href: `#/case?id=${enc(s.case_id)}`, text: s.case_reference || t('cases.no_reference') })]),
			' ', t(ours.length > 1 ? 'matches.same_org' : 'matches.may_be')),
		ours.length > 1 ? null : otherSide(theirs));
	if (al.state !== 'open' && al.decided_at)
		li.append(h('p', { class: 'sub', text: t(al.decided_org === ours[0].org_id ? 'matches.decided_by_you' : 'matches.decided_by_them', { when: formatWhen(al.decided_at) }) }));
	const tools = h('div', { class: 'tools' });
	const decide = (decision, key, named, done) => {
		const b = h('button', { type: 'button', class: decision === 'same' ? 'small' : 'secondary small', 'aria-label': t(named, { case: ref }), i18n: key });
		b.addEventListener('click', async () => {
			b.disabled = true;
			showAlert(alert, '');
			const res = await api('POST', `/linkage/alerts/${enc(al.id)}/decision`, { decision, version: al.version });
			b.disabled = false;
			if (!res.ok) {
				showAlert(alert, res.status === 409 ? t('matches.conflict') : problemText(res));
				return;
			}
			await changed(res.data, t(done, { case: ref }), li);
		});
		return b;
	};
	if (al.state !== 'same')
		tools.append(decide('same', 'matches.mark_same', 'matches.mark_same_named', 'matches.marked_same'));
	if (al.state !== 'not_same')
		tools.append(decide('not_same', 'matches.mark_not_same', 'matches.mark_not_same_named', 'matches.marked_not_same'));
	if (ours.length === 1)
		tools.append(h('a', { href: `#/case?id=${enc(ours[0].case_id)}`, class: 'button secondary small', 'aria-label': t('matches.ask_named', { org: theirs.org_name }), text: t('matches.ask', { org: theirs.org_name }) }));
	li.append(tools);
	return li;
}

/** One possible match (from the inbox), and the way to the list. */
async function one(view, id) {
	const res = await api('GET', `/linkage/alerts/${enc(id)}`);
	if (!res.ok)
		return notFound(view, res, 'matches', 'matches.back');
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', hidden: true });
	const list = h('ul', { class: 'updates matches' });
	const changed = async (al, message, li) => {
		li.replaceWith(entry(al, alert, changed));
		done.textContent = message;
		done.hidden = false;
		done.focus();
	};
	list.append(entry(res.data, alert, changed));
	append(view,
		h('p', { class: 'back' }, h('a', { href: '#/matches', i18n: 'matches.back' })),
		pageHeading('matches.one_title'),
		alert, done,
		h('section', { class: 'card', 'aria-labelledby': 'matches-list' },
			h('h2', { id: 'matches-list', class: 'visually-hidden', i18n: 'matches.list_title' }),
			list));
}

export async function render(view, ctx) {
	const id = ctx.params.get('id');
	if (id)
		return one(view, id);
	const current = views.find((v) => v.state === ctx.params.get('state')) || views[0];
	const alert = alertBox();
	const done = h('p', { class: 'alert alert-success', role: 'status', tabindex: '-1', hidden: true });
	const items = h('ul', { class: 'updates matches' });
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: current.empty, hidden: true });
	let cursor = null;
	const changed = async (al, message, li) => {
		li.replaceWith(entry(al, alert, changed));
		done.textContent = message;
		done.hidden = false;
		done.focus();
	};
	async function load() {
		more.disabled = true;
		const res = await api('GET', `/linkage/alerts${query({ state: current.state, limit: PAGE, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		items.append(...res.data.items.map((al) => entry(al, alert, changed)));
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		items.hidden = items.children.length === 0;
		empty.hidden = items.children.length > 0;
	}
	more.addEventListener('click', load);
	append(view,
		pageHeading('matches.title'),
		h('p', { class: 'lead', i18n: 'matches.intro' }),
		h('nav', { class: 'tabs', 'aria-label': t('matches.views') },
			views.map((v) => h('a', {
				href: `#/matches${query({ state: v.state === 'open' ? '' : v.state })}`,
				'aria-current': v === current ? 'page' : null,
				i18n: v.key,
			}))),
		alert, done,
		h('section', { class: 'card', 'aria-labelledby': 'matches-list' },
			h('h2', { id: 'matches-list', class: 'visually-hidden', i18n: 'matches.list_title' }),
			items, empty, more));
	await load();
}

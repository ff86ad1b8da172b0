// Meetings and forums: upcoming, past or all, and a form to convene one
// (writers: case workers, investigators, org admins).
import { api, query } from '../api.js';
import { directory, meetingStatuses, orgItems, shareFields, word, writes } from '../coord.js';
import { addRow, alertBox, append, clearErrors, field, h, pageHeading, problemText, showAlert, showProblem, table } from '../dom.js';
import { formatWhen, localToUtc, t } from '../i18n.js';
import { checkList } from '../pickers.js';

const views = [
	{ when: 'upcoming', key: 'meetings.view.upcoming', empty: 'meetings.empty.upcoming' },
	{ when: 'past', key: 'meetings.view.past', empty: 'meetings.empty.past' },
	{ when: 'all', key: 'meetings.view.all', empty: 'meetings.empty.all' },
];

export async function render(view, ctx) {
	const current = views.find((v) => v.when === ctx.params.get('when')) || views[0];
	const { when } = current;
	const dir = await directory();
	const alert = alertBox();
	const list = table('meetings.caption', ['meetings.col.title', 'meetings.col.when', 'meetings.col.where', 'meetings.col.owner', 'meetings.col.status']);
	const wrap = h('div', { class: 'table-wrap' }, list.el);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	const empty = h('p', { class: 'empty', i18n: current.empty, hidden: true });
	let cursor = null;

	async function load() {
		more.disabled = true;
		const res = await api('GET', `/meetings${query({ when: when === 'all' ? '' : when, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			return;
		}
		for (const m of res.data.items)
			addRow(list.body, [
				h('a', { href: `#/meeting?id=${encodeURIComponent(m.id)}`, text: m.title }),
				h('time', { datetime: m.starts_at, text: formatWhen(m.starts_at) }),
				[m.place, m.online_url ? t('meetings.online') : ''].filter(Boolean).join(' · '),
				dir.name(m.owner_org),
				h('span', { class: `badge badge-${m.status}`, text: word(meetingStatuses, m.status) }),
			]);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
		wrap.hidden = list.body.children.length === 0;
		empty.hidden = list.body.children.length > 0;
	}

	append(view,
		pageHeading('meetings.title'),
		h('p', { class: 'lead', i18n: 'meetings.intro' }),
		alert,
		writes(ctx.me) ? await conveneForm(ctx, dir) : null,
		h('section', { 'aria-labelledby': 'meetings-list-title' },
			h('h2', { id: 'meetings-list-title', i18n: 'meetings.list_title' }),
			h('nav', { class: 'tabs', 'aria-label': t('meetings.views') },
				views.map((v) => h('a', {
					href: `#/meetings?when=${v.when}`,
					'aria-current': v.when === when ? 'page' : null,
					i18n: v.key,
				}))),
			wrap, empty,
			h('div', { class: 'actions' }, more)));
	more.addEventListener('click', load);
	await load();
}

/** The form to convene a meeting; on success, its page. */
async function conveneForm(ctx, dir) {
	const title = field({ name: 'title', label: 'meetings.f.title', required: true, maxlength: 300 });
	const description = field({ name: 'description', label: 'meetings.f.description', hint: 'meetings.f.description_hint', multiline: true, rows: 3 });
	const starts = field({ name: 'starts_at', label: 'meetings.f.starts', hint: 'meetings.f.time_hint', type: 'datetime-local', required: true, class: 'medium' });
	const ends = field({ name: 'ends_at', label: 'meetings.f.ends', type: 'datetime-local', class: 'medium' });
	const place = field({ name: 'place', label: 'meetings.f.place', hint: 'meetings.f.place_hint', maxlength: 500 });
	const online = field({ name: 'online_url', label: 'meetings.f.online', hint: 'meetings.f.online_hint', type: 'url', spellcheck: 'false', autocapitalize: 'none' });
	const agenda = field({ name: 'agenda', label: 'meetings.f.agenda', hint: 'meetings.f.agenda_hint', multiline: true, rows: 5 });
	const participants = checkList({ name: 'participants', legend: 'meetings.f.participants', hint: 'meetings.f.participants_hint',
		filter: 'form.filter_orgs', items: orgItems(dir, [ctx.me.user.org_id]) });
	const share = await shareFields();
	const alert = alertBox();
	const submit = h('button', { type: 'submit', i18n: 'meetings.convene' });
	const form = h('form', { class: 'form', novalidate: true, id: 'meeting-add' },
		alert, title, description, starts, ends, place, online, agenda, participants, share.els,
		h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		const body = {
			title: title.control.value.trim(),
			description: description.control.value.trim(),
			starts_at: localToUtc(starts.control.value),
			place: place.control.value.trim(),
			agenda: agenda.control.value.split('\n').map((s) => s.trim()).filter(Boolean),
			participants: participants.values(),
			...share.value(),
		};
		if (!body.starts_at)
			delete body.starts_at; // the API names what is missing
		const end = localToUtc(ends.control.value);
		if (end)
			body.ends_at = end;
		const url = online.control.value.trim();
		if (url)
			body.online_url = url;
		submit.disabled = true;
		const res = await api('POST', '/meetings', body);
		submit.disabled = false;
		if (res.ok) {
			ctx.go('meeting', { id: res.data.id });
			return;
		}
		showProblem(form, alert, res);
	});

	return h('details', { class: 'card add', id: 'meeting-add-panel' },
		h('summary', { i18n: 'meetings.add_title' }),
		form);
}

// One case: its header (status, risk flags, sharing), its persons, the
// route of its trafficking events, the timeline, consents, support plans
// and follow-ups, each with forms built from the API's description of
// the case forms (casefields.js).  Personal data is read only on request
// ("Show personal data", audited), or in an emergency by breaking the
// glass; the owner organisation shares it with others (need to know,
// checked against consent), refers it to a service or an organisation,
// transfers the case, or erases it.
import { api, listAll, query } from '../api.js';
import { caseFields, caseForms, caseWorkers, districtName, facts, fieldErrors, labelKey, labelText, loadDistrictNames, valueWord } from '../casefields.js';
import { directory, orgLink, shareFields, shareText, tlpBadge, writes } from '../coord.js';
import { addRow, alertBox, append, clearErrors, field, h, problemText, showAlert, showProblem, table, uid } from '../dom.js';
import { caseActionWords, countryName, formatDate, formatWhen, t } from '../i18n.js';
import { checkList } from '../pickers.js';
import { notFound, recordHeading } from './record.js';
import { lookups, referralEntry, urgencies } from './referrals.js';
import { serviceTypes } from './services.js';

const caseRoles = ['case_worker', 'investigator'];

// The sections of items: the list in the case JSON, the API's path, the form.
const itemKinds = {
	events: { form: 'event', path: 'events' },
	timeline: { form: 'timeline', path: 'timeline' },
	consents: { form: 'consent', path: 'consents' },
	plans: { form: 'plan', path: 'plans' },
	followups: { form: 'followup', path: 'followups' },
};

// A trafficking event's place on the route.
const routeRoles = {
	Recruitment: 'cases.route.origin',
	Transit: 'cases.route.transit',
	Exploitation: 'cases.route.destination',
};

// Actions flagged for the owner organisation's review.
const flagged = new Set(['case.break_glass', 'case.grant_override', 'case.erase', 'referral.create_override']);

// What a referral's audit entry on the case says was done.
const referralTrail = {
	'referral.create': 'referrals.trail.create',
	'referral.create_override': 'referrals.trail.create_override',
	'referral.accepted': 'referrals.trail.accepted',
	'referral.declined': 'referrals.trail.declined',
	'referral.in_progress': 'referrals.trail.in_progress',
	'referral.completed': 'referrals.trail.completed',
	'referral.withdrawn': 'referrals.trail.withdrawn',
	'linkage.same': 'matches.trail.same',
	'linkage.not_same': 'matches.trail.not_same',
};

const enc = encodeURIComponent;

export async function render(view, ctx) {
	const id = ctx.params.get('id') || '';
	const res = await api('GET', `/cases/${enc(id)}`);
	if (!res.ok)
		return notFound(view, res, 'cases', 'cases.back');
	const f = await caseForms();
	if (!f.ok)
		return notFound(view, f, 'cases', 'cases.back');
	const page = {
		view,
		ctx,
		forms: f.forms,
		c: res.data,
		dir: await directory(),
		users: null, // the case workers of the reader's organisation, for its own cases
		personal: false, // asked for: re-read with personal=true
		notice: null, // { where (element id), text, kind }
	};
	await draw(page);
}

/**
 * Reads the case again and draws it.  Its personal data is not read
 * again (each reading is audited): while it is shown, the values already
 * on the page are kept, with those of what was just written (changed:
 * { written: the entry the API answered, head: the case fields sent }).
 */
async function refresh(page, notice, changed = {}) {
	const before = page.c;
	const res = await api('GET', `/cases/${enc(before.id)}`);
	if (!res.ok) {
		page.view.replaceChildren();
		notFound(page.view, res, 'cases', 'cases.back');
		return;
	}
	page.c = res.data;
	if (page.personal && before.personal_included && !res.data.erased_at)
		keepPersonal(page, before, res.data, changed);
	else
		page.personal = false;
	page.notice = notice || null;
	await draw(page);
}

function keepPersonal(page, before, now, { written, head }) {
	const names = (form) => page.forms[form].filter((f) => f.personal).map((f) => f.name);
	const copy = (from, to, form) => {
		for (const n of names(form))
			if (from && from[n] !== undefined && from[n] !== null)
				to[n] = from[n];
	};
	const old = new Map();
	for (const list of ['persons', ...Object.keys(itemKinds)])
		for (const e of before[list] || [])
			old.set(e.id, e);
	const source = (e) => (written?.id === e.id ? written : old.get(e.id));
	for (const p of now.persons)
		copy(source(p), p, p.kind === 'perpetrator' ? 'perpetrator' : 'victim');
	for (const [list, spec] of Object.entries(itemKinds))
		for (const e of now[list])
			copy(source(e), e, spec.form);
	copy(before, now, 'case');
	for (const n of names('case'))
		if (head && n in head)
			now[n] = head[n] ?? undefined;
	now.personal_included = true;
}

/** What the reader may do with the case. */
function rights(page) {
	const { me } = page.ctx;
	const c = page.c;
	const own = c.owner_org === me.user.org_id;
	const caseRole = caseRoles.includes(me.user.role);
	const writer = own && writes(me);
	const erased = Boolean(c.erased_at);
	return {
		own,
		caseRole,
		writer,
		erased,
		// Writes personal fields: the owner's case workers and investigators.
		writesPersonal: writer && caseRole && !erased,
		// Sees them now: they were asked for and may be read.
		shown: Boolean(c.personal_included) && !erased,
	};
}

/** Person pickers: "Victim 1", "Perpetrator 2", with the name when shown. */
function personItems(c) {
	const n = { victim: 0, perpetrator: 0 };
	return c.persons.map((p) => {
		n[p.kind] = (n[p.kind] || 0) + 1;
		const base = t(p.kind === 'perpetrator' ? 'cases.person.perpetrator_n' : 'cases.person.victim_n', { n: n[p.kind] });
		const name = [p.first_name, p.middle_name, p.family_name].filter(Boolean).join(' ');
		return { id: p.id, kind: p.kind, label: name ? t('cases.person.named', { label: base, name }) : base };
	});
}

async function draw(page) {
	const { c, ctx } = page;
	const r = rights(page);
	if (r.own && !page.users)
		page.users = await caseWorkers();
	const env = { dir: page.dir, users: page.users || [], persons: personItems(c) };
	await loadDistrictNames(c.events.map((e) => e.district));
	const title = c.reference || t('cases.no_reference');
	document.title = `${title} · ${t('app.name')}`;
	const notice = h('p', { class: `alert alert-${page.notice?.kind || 'success'}`, role: 'status', tabindex: '-1', id: 'case-notice',
		hidden: !page.notice, text: page.notice?.text || '' });
	const parts = [
		recordHeading('cases', 'cases.back', title),
		notice,
		incomingCard(page, r),
		header(page, r, env),
		personalCard(page, r),
		r.writer ? await editCase(page, r, env) : null,
		await personsSection(page, r, env),
		await itemSection(page, r, env, 'events'),
		await itemSection(page, r, env, 'timeline'),
		await itemSection(page, r, env, 'consents'),
		await itemSection(page, r, env, 'plans'),
		await itemSection(page, r, env, 'followups'),
		r.writer && c.grants ? await sharingSection(page, r, env) : null,
		await referralsSection(page, r, env),
		r.writer && !r.erased ? transferSection(page) : null,
		r.writer && !r.erased ? eraseSection(page) : null,
		r.writer ? await trailSection(page) : null,
	];
	page.view.replaceChildren();
	append(page.view, parts);
	if (page.notice)
		notice.focus();
}

// ---- header -------------------------------------------------------------

function header(page, r, env) {
	const { c } = page;
	const row = (key, value) => (value ? [h('dt', { i18n: key }), h('dd', {}, value)] : null);
	const flags = c.risk_flags.length
		? h('ul', { class: 'tags' }, c.risk_flags.map((f) => h('li', { class: 'tag risk-flag', text: valueWord(f) })))
		: h('span', { class: 'muted', i18n: 'cases.no_flags' });
	const owner = c.case_owner ? env.users.find((u) => u.id === c.case_owner)?.label || t('cases.someone') : null;
	const grants = c.grants?.length ? t('cases.granted_count', { n: c.grants.length }) : null;
	const caseFacts = facts('case', page.forms.case, c, env, ['reference', 'status', 'case_owner', 'risk_flags']);
	return h('section', { class: 'card', 'aria-labelledby': 'case-facts-title' },
		h('h2', { id: 'case-facts-title', class: 'visually-hidden', i18n: 'cases.facts' }),
		h('dl', { class: 'facts', id: 'case-facts' },
			row('cases.field.status', h('span', { class: `badge badge-${String(c.status).toLowerCase()}`, text: valueWord(c.status) })),
			row('cases.field.risk_flags', flags),
			row('cases.field.case_owner', owner),
			row('cases.owner_org', orgLink(page.dir, c.owner_org)),
			row('cases.shared', h('span', {}, `${shareText(c)} `, tlpBadge(c.tlp), grants ? ` ${grants}` : null)),
			row('cases.transfer', c.transfer ? t('cases.offered_to', { org: page.dir.name(c.transfer.org_id) }) : null),
			row('cases.opened', h('time', { datetime: c.created_at, text: formatWhen(c.created_at) })),
			row('cases.changed', h('time', { datetime: c.updated_at, text: formatWhen(c.updated_at) })),
			row('cases.erased', r.erased ? h('time', { datetime: c.erased_at, text: formatWhen(c.erased_at) }) : null)),
		caseFacts);
}

/** A case offered to the reader's organisation: accept or decline it. */
function incomingCard(page, r) {
	const { c, ctx } = page;
	if (!c.transfer || c.transfer.org_id !== ctx.me.user.org_id || !writes(ctx.me) || r.own)
		return null;
	const alert = alertBox();
	const accept = h('button', { type: 'button', i18n: 'cases.accept' });
	const decline = h('button', { type: 'button', class: 'secondary', i18n: 'cases.decline' });
	accept.addEventListener('click', async () => {
		accept.disabled = true;
		const res = await api('POST', `/cases/${enc(c.id)}/transfer/accept`);
		accept.disabled = false;
		if (res.ok)
			await refresh(page, { text: t('cases.accepted') });
		else
			showAlert(alert, problemText(res));
	});
	decline.addEventListener('click', async () => {
		if (!window.confirm(t('cases.confirm_decline', { ref: c.reference || t('cases.no_reference') })))
			return;
		const res = await api('POST', `/cases/${enc(c.id)}/transfer/decline`);
		if (res.ok)
			ctx.go('cases', { view: 'incoming' });
		else
			showAlert(alert, problemText(res));
	});
	return h('section', { class: 'card', 'aria-labelledby': 'incoming-title' },
		h('h2', { id: 'incoming-title', i18n: 'cases.incoming_title' }),
		h('p', { text: t('cases.incoming_text', { org: page.dir.name(c.owner_org) }) }),
		c.transfer.note ? h('p', { class: 'prose', text: c.transfer.note }) : null,
		alert,
		h('div', { class: 'actions' }, accept, decline));
}

// ---- personal data ------------------------------------------------------

/**
 * Whether personal data is shown, and the way to it: "Show personal
 * data" for those with need to know (the reading is audited), "Break
 * glass" for other case workers and investigators.
 */
function personalCard(page, r) {
	const { c, ctx } = page;
	const alert = alertBox();
	const section = h('section', { class: 'card', 'aria-labelledby': 'personal-title', id: 'personal-card' },
		h('h2', { id: 'personal-title', i18n: 'cases.personal_title' }), alert);
	if (r.erased) {
		section.append(h('p', { text: t('cases.personal_erased', { when: formatDate(c.erased_at.slice(0, 10)) }) }));
		return section;
	}
	if (!r.caseRole) {
		section.append(h('p', { i18n: 'cases.personal_role' }));
		return section;
	}
	if (r.shown) {
		const hide = h('button', { type: 'button', class: 'secondary', i18n: 'cases.hide_personal' });
		hide.addEventListener('click', async () => {
			page.personal = false;
			page.glass = null;
			await refresh(page, { text: t('cases.personal_hidden_now'), kind: 'info' });
		});
		section.append(h('p', { i18n: page.glass ? 'cases.personal_shown_glass' : 'cases.personal_shown' }),
			h('div', { class: 'actions' }, hide));
		return section;
	}
	const show = h('button', { type: 'button', i18n: 'cases.show_personal' });
	show.addEventListener('click', async () => {
		show.disabled = true;
		const res = await api('GET', `/cases/${enc(c.id)}?personal=true`);
		show.disabled = false;
		if (!res.ok) {
			showAlert(alert, res.status === 403 ? t('cases.personal_no_need') : problemText(res));
			glass?.focus();
			return;
		}
		page.personal = true;
		page.glass = null;
		page.c = res.data;
		page.notice = { text: t('cases.personal_audited') };
		await draw(page);
	});
	const glass = r.own ? null : h('button', { type: 'button', class: 'danger', i18n: 'cases.break_glass' });
	section.append(
		h('p', { i18n: r.own ? 'cases.personal_hidden' : 'cases.personal_hidden_other' }),
		h('div', { class: 'actions' }, show, glass),
		h('p', { class: 'hint', i18n: 'cases.personal_audit_hint' }));
	if (glass) {
		const dialog = reasonDialog({
			id: 'glass-dialog', title: 'cases.glass_title', intro: 'cases.glass_intro', label: 'cases.glass_reason',
			hint: 'cases.glass_reason_hint', submit: 'cases.glass_submit', opener: glass,
			send: (reason) => api('POST', `/cases/${enc(c.id)}/break-glass`, { reason }),
			async done(res) {
				page.personal = false; // a new reading needs a new reason
				page.glass = true;
				page.c = res.data;
				page.notice = { text: t('cases.glass_done'), kind: 'warning' };
				await draw(page);
			},
		});
		glass.addEventListener('click', () => dialog.open());
		section.append(dialog.el);
	}
	return section;
}

/**
 * A modal dialog asking for a reason (break glass, erasure): spec { id,
 * title, intro, label, hint, submit, danger, opener, send(reason) →
 * answer, done(answer) }.  Returns { el, open() }.
 */
function reasonDialog(spec) {
	const titleId = `${spec.id}-title`;
	const reason = field({ name: 'reason', label: spec.label, hint: spec.hint, multiline: true, rows: 3, required: true });
	const alert = alertBox();
	const submit = h('button', { type: 'submit', class: 'danger', i18n: spec.submit });
	const cancel = h('button', { type: 'button', class: 'secondary', i18n: 'cases.cancel' });
	const form = h('form', { class: 'form', novalidate: true }, alert, reason, h('div', { class: 'actions' }, submit, cancel));
	const el = h('dialog', { id: spec.id, class: 'card dialog', 'aria-labelledby': titleId },
		h('h2', { id: titleId, i18n: spec.title }),
		h('p', { i18n: spec.intro }),
		form);
	cancel.addEventListener('click', () => el.close());
	el.addEventListener('close', () => {
		if (spec.opener.isConnected)
			spec.opener.focus();
	});
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await spec.send(reason.control.value.trim());
		submit.disabled = false;
		if (!res.ok) {
			showProblem(form, alert, res);
			return;
		}
		el.close();
		await spec.done(res);
	});
	return {
		el,
		open() {
			form.reset();
			clearErrors(form);
			showAlert(alert, '');
			el.showModal();
			reason.control.focus();
		},
	};
}

// ---- forms --------------------------------------------------------------

/**
 * A form of nodes whose submit sends send() (an api() answer) and, when
 * it succeeds, calls done(answer); the API's errors show next to their
 * fields, and words(answer) may say what the status alone does not.
 */
function apiForm(id, nodes, submitKey, send, done, { secondary = false, words } = {}) {
	const alert = alertBox();
	const submit = h('button', { type: 'submit', class: secondary ? 'secondary' : null, i18n: submitKey });
	const form = h('form', { class: 'form', novalidate: true, id }, alert, nodes, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(form);
		showAlert(alert, '');
		submit.disabled = true;
		const res = await send();
		submit.disabled = false;
		if (res.ok) {
			await done(res);
			return;
		}
		// An error for a field not in this form (a personal one while
		// hidden) is listed in the alert under the field's label.
		const named = fieldErrors(res);
		for (const x of named.data?.errors || [])
			if (x.field && !form.querySelector(`.field[data-field="${CSS.escape(x.field)}"]`))
				x.field = labelText(null, x.field);
		showProblem(form, alert, named, words?.(res));
	});
	return form;
}

/** The words for a refused write of personal data. */
function personalWords(res) {
	return res.status === 403 ? t('cases.personal_forbidden') : null;
}

/**
 * A note on a form whose personal fields are not there: a change while
 * they are hidden, or a role that does not write them.
 */
function personalNote(r, adding = false) {
	if (r.writesPersonal && !r.shown && !adding)
		return h('p', { class: 'hint', i18n: 'cases.personal_fields_hidden' });
	if (!r.writesPersonal && !r.erased)
		return h('p', { class: 'hint', i18n: 'cases.personal_fields_role' });
	return null;
}

/** The case's own fields and its sharing, for its writers. */
async function editCase(page, r, env) {
	const { c } = page;
	const fields = await caseFields('case', page.forms.case, env, { values: c, personal: r.writesPersonal && r.shown });
	const share = await shareFields();
	const set = (name, v) => {
		const control = share.els.querySelector(`[name="${name}"]`);
		control.value = v || '';
		control.dispatchEvent(new Event('change'));
	};
	set('level', c.level);
	set('group_id', c.group_id);
	set('tlp', c.tlp);
	let sent = null;
	const form = apiForm('case-edit', [personalNote(r), fields.els, share.els], 'cases.save_case', () => {
		const body = { ...fields.read(), version: c.version };
		sent = body;
		const s = share.value();
		if (s.level !== c.level || s.tlp !== c.tlp || (s.group_id || null) !== (c.group_id || null))
			Object.assign(body, s);
		return api('PATCH', `/cases/${enc(c.id)}`, body);
	}, () => refresh(page, { text: t('cases.case_saved') }, { head: sent }), {
		words: (res) => (res.status === 409 ? t('cases.conflict') : personalWords(res)),
	});
	return h('details', { class: 'card', id: 'case-edit-panel' }, h('summary', { i18n: 'cases.edit_case' }), form);
}

// ---- persons ------------------------------------------------------------

async function personsSection(page, r, env) {
	const { c } = page;
	const list = h('ul', { class: 'updates persons' });
	for (const [i, p] of c.persons.entries())
		list.append(await personEntry(page, r, env, p, env.persons[i]));
	const section = h('section', { class: 'card', 'aria-labelledby': 'persons-title', id: 'persons' },
		h('h2', { id: 'persons-title', i18n: 'cases.persons' }),
		c.persons.length ? list : h('p', { class: 'empty', i18n: 'cases.no_persons' }));
	if (r.writer)
		section.append(await addPerson(page, r, env));
	return section;
}

async function personEntry(page, r, env, p, item) {
	const { c } = page;
	const form = p.kind === 'perpetrator' ? 'perpetrator' : 'victim';
	const fields = page.forms[form];
	const hasPersonal = fields.some((f) => f.personal);
	const li = h('li', { class: 'person', 'data-person': p.id },
		h('h3', { text: item.label }),
		facts(form, fields, p, env) || h('p', { class: 'muted', i18n: 'cases.nothing_recorded' }),
		hasPersonal && !r.shown && !r.erased ? h('p', { class: 'muted' },
			h('span', { 'aria-hidden': 'true', i18n: 'cases.lock' }), ' ', h('span', { i18n: 'cases.personal_not_shown' })) : null);
	const tools = h('div', { class: 'actions' });
	if (r.shown && caseRoles.includes(page.ctx.me.user.role))
		tools.append(h('a', { class: 'button secondary small', href: `/api/v1/cases/${enc(c.id)}/persons/${enc(p.id)}/copy`,
			download: 'person.json', 'aria-label': t('cases.copy_named', { name: item.label }), i18n: 'cases.copy' }));
	if (tools.children.length)
		li.append(tools);
	if (r.writer) {
		const editFields = await caseFields(form, fields, env, { values: p, personal: r.writesPersonal && r.shown });
		const edit = apiForm(uid('person-edit'), [personalNote(r), editFields.els], 'cases.save',
			() => api('PATCH', `/cases/${enc(c.id)}/persons/${enc(p.id)}`, { ...editFields.read(), version: p.version }),
			(res) => refresh(page, { text: t('cases.person_saved', { name: item.label }) }, { written: res.data }),
			{ words: (res) => (res.status === 409 ? t('cases.conflict') : personalWords(res)) });
		li.append(h('details', { class: 'edit' }, h('summary', { 'aria-label': t('cases.edit_named', { name: item.label }) }, h('span', { i18n: 'cases.edit' })), edit));
	}
	return li;
}

/** Adding a victim or a perpetrator: the form changes with the role. */
async function addPerson(page, r, env) {
	const { c } = page;
	const role = field({ name: 'role', label: 'cases.person.role', required: true,
		options: [{ value: 'victim', key: 'cases.person.victim' }, { value: 'perpetrator', key: 'cases.person.perpetrator' }] });
	const box = h('div', { class: 'person-fields' });
	let fields;
	const build = async () => {
		fields = await caseFields(role.control.value, page.forms[role.control.value], env, { personal: r.writesPersonal });
		box.replaceChildren(...fields.els);
	};
	role.control.addEventListener('change', build);
	await build();
	const form = apiForm('person-add', [role, personalNote(r, true), box], 'cases.add_person',
		() => api('POST', `/cases/${enc(c.id)}/persons`, { role: role.control.value, ...fields.read() }),
		(res) => refresh(page, { text: t(r.shown || !r.writesPersonal ? 'cases.person_added' : 'cases.person_added_hidden') }, { written: res.data }),
		{ words: personalWords });
	return h('details', { class: 'edit', id: 'person-add-panel' }, h('summary', { i18n: 'cases.add_person_title' }), form);
}

// ---- items --------------------------------------------------------------

const itemText = {
	events: { title: 'cases.route', empty: 'cases.no_events', add: 'cases.add_event', addTitle: 'cases.add_event_title', added: 'cases.event_added' },
	timeline: { title: 'cases.timeline', empty: 'cases.no_timeline', add: 'cases.add_timeline', addTitle: 'cases.add_timeline_title', added: 'cases.timeline_added' },
	consents: { title: 'cases.consents', empty: 'cases.no_consents', add: 'cases.add_consent', addTitle: 'cases.add_consent_title', added: 'cases.consent_added' },
	plans: { title: 'cases.plans', empty: 'cases.no_plans', add: 'cases.add_plan', addTitle: 'cases.add_plan_title', added: 'cases.plan_added' },
	followups: { title: 'cases.followups', empty: 'cases.no_followups', add: 'cases.add_followup', addTitle: 'cases.add_followup_title', added: 'cases.followup_added' },
};

const byDate = (field) => (a, b) => (a[field] || '9999').localeCompare(b[field] || '9999') || a.created_at.localeCompare(b.created_at);

/** A section of items (events, timeline, consents, plans, follow-ups). */
async function itemSection(page, r, env, kind) {
	const { c } = page;
	const spec = itemKinds[kind];
	const words = itemText[kind];
	const fields = page.forms[spec.form];
	const sortField = { events: 'date', timeline: 'date', consents: 'created_at', plans: 'planned_end', followups: 'due_on' }[kind];
	const items = [...c[kind]].sort(byDate(sortField));
	const titleId = `${kind}-title`;
	const list = h(kind === 'events' || kind === 'timeline' ? 'ol' : 'ul', { class: `updates items-${kind}` });
	for (const item of items)
		list.append(await itemEntry(page, r, env, kind, item));
	const section = h('section', { class: 'card', 'aria-labelledby': titleId, id: kind },
		h('h2', { id: titleId, i18n: words.title }),
		kind === 'events' && items.length ? routeSummary(items) : null,
		items.length ? list : h('p', { class: 'empty', i18n: words.empty }));
	if (!r.writer)
		return section;
	if (kind === 'followups')
		section.append(scheduleForm(page, env));
	const add = await caseFields(spec.form, fields, env, { personal: r.writesPersonal });
	const form = apiForm(`${spec.form}-add`, [personalNote(r, true), add.els], words.add,
		() => api('POST', `/cases/${enc(c.id)}/${spec.path}`, add.read()),
		(res) => refresh(page, { text: t(words.added) }, { written: res.data }),
		{ words: personalWords, secondary: true });
	section.append(h('details', { class: 'edit', id: `${spec.form}-add-panel` }, h('summary', { i18n: words.addTitle }), form));
	return section;
}

/** "Sindhupalchok, Nepal → Mumbai, India": the route in one line. */
function routeSummary(events) {
	const steps = events.map(placeText).filter(Boolean);
	return steps.length > 1 ? h('p', { class: 'route-summary' }, h('span', { i18n: 'cases.route_summary' }), ' ', steps.join(t('cases.route_then'))) : null;
}

function placeText(e) {
	return [e.place, e.district ? districtName(e.district) : null, e.country ? countryName(e.country) : null].filter(Boolean).join(', ');
}

/** The words heading one item. */
function itemHead(kind, item) {
	switch (kind) {
	case 'events': {
		const role = routeRoles[item.type] ? t(routeRoles[item.type]) : valueWord(item.type);
		const place = placeText(item);
		return place ? t('cases.event_head', { role, place }) : role;
	}
	case 'timeline': return valueWord(item.type);
	case 'plans': return valueWord(item.type);
	case 'consents': {
		const state = item.withdrawn_at ? 'cases.consent.withdrawn' : item.consent ? 'cases.consent.given' : 'cases.consent.refused';
		return t(state);
	}
	case 'followups': return t('cases.followup_due', { date: formatDate(item.due_on) });
	default: return '';
	}
}

async function itemEntry(page, r, env, kind, item) {
	const { c } = page;
	const spec = itemKinds[kind];
	const fields = page.forms[spec.form];
	const head = itemHead(kind, item);
	const today = new Date().toISOString().slice(0, 10);
	const overdue = kind === 'followups' && !item.done_on && item.due_on < today;
	const skip = { events: ['type'], timeline: ['type'], plans: ['type'], followups: ['due_on'], consents: ['consent'] }[kind] || [];
	const li = h('li', { 'data-item': item.id },
		h('p', { class: 'comment-head' },
			h('strong', { text: head }),
			overdue ? h('span', { class: 'overdue-flag', i18n: 'cases.overdue' }) : null,
			kind === 'consents' && item.withdrawn_at ? h('span', { class: 'muted', text: ` · ${formatWhen(item.withdrawn_at)}` }) : null),
		facts(spec.form, fields, item, env, skip));
	if (!r.writer)
		return li;
	const tools = h('div', { class: 'actions' });
	li.append(tools);
	if (kind === 'consents') {
		// A consent stays as it was given: it is withdrawn, not changed.
		if (item.consent && !item.withdrawn_at) {
			const withdraw = h('button', { type: 'button', class: 'danger small', 'aria-label': t('cases.withdraw_named', { what: head }), i18n: 'cases.withdraw' });
			withdraw.addEventListener('click', async () => {
				if (!window.confirm(t('cases.confirm_withdraw')))
					return;
				withdraw.disabled = true;
				const res = await api('POST', `/cases/${enc(c.id)}/consents/${enc(item.id)}/withdraw`);
				withdraw.disabled = false;
				if (res.ok)
					await refresh(page, { text: t('cases.consent_withdrawn') }, { written: res.data });
				else
					window.alert(problemText(res));
			});
			tools.append(withdraw);
		}
		return li;
	}
	const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': t('cases.remove_named', { what: head }), i18n: 'cases.remove' });
	remove.addEventListener('click', async () => {
		if (!window.confirm(t('cases.confirm_remove', { what: head })))
			return;
		remove.disabled = true;
		const res = await api('DELETE', `/cases/${enc(c.id)}/${spec.path}/${enc(item.id)}`);
		remove.disabled = false;
		if (res.ok)
			await refresh(page, { text: t('cases.removed', { what: head }) });
		else
			window.alert(problemText(res));
	});
	tools.append(remove);
	const personal = r.writesPersonal && r.shown;
	if (kind === 'followups' && !item.done_on) {
		// Recording a visit's outcome: done on (today), outcome, notes.
		const out = await caseFields('followup', fields, env, { values: item, personal, only: ['done_on', 'outcome', 'notes'] });
		if (!out.byName.done_on.control.value)
			out.byName.done_on.control.value = today;
		const form = apiForm(uid('followup-outcome'), out.els, 'cases.record_outcome',
			() => api('PATCH', `/cases/${enc(c.id)}/followups/${enc(item.id)}`, { ...out.read(), version: item.version }),
			(res) => refresh(page, { text: t('cases.outcome_recorded') }, { written: res.data }),
			{ words: (res) => (res.status === 409 ? t('cases.conflict') : personalWords(res)) });
		li.append(h('details', { class: 'edit' }, h('summary', { 'aria-label': t('cases.record_outcome_named', { what: head }) }, h('span', { i18n: 'cases.record_outcome_title' })), form));
	}
	const edit = await caseFields(spec.form, fields, env, { values: item, personal });
	const form = apiForm(uid(`${spec.form}-edit`), [personalNote(r), edit.els], 'cases.save',
		() => api('PATCH', `/cases/${enc(c.id)}/${spec.path}/${enc(item.id)}`, { ...edit.read(), version: item.version }),
		(res) => refresh(page, { text: t('cases.item_saved', { what: head }) }, { written: res.data }),
		{ words: (res) => (res.status === 409 ? t('cases.conflict') : personalWords(res)) });
	li.append(h('details', { class: 'edit' }, h('summary', { 'aria-label': t('cases.edit_named', { name: head }) }, h('span', { i18n: 'cases.edit' })), form));
	return li;
}

/** The standard follow-up visits (1, 3, 6 and 12 months) from a date. */
function scheduleForm(page, env) {
	const { c } = page;
	const from = field({ name: 'from', label: 'cases.schedule.from', hint: 'cases.schedule.from_hint', type: 'date', required: true, class: 'medium' });
	from.control.value = new Date().toISOString().slice(0, 10);
	const person = field({ name: 'person_id', label: 'cases.field.person_id', placeholder: 'cases.schedule.whole_case',
		options: env.persons.map((p) => ({ value: p.id, text: p.label })) });
	const months = field({ name: 'months', label: 'cases.schedule.months', hint: 'cases.schedule.months_hint', class: 'medium', inputmode: 'numeric' });
	months.control.value = '1, 3, 6, 12';
	const form = apiForm('followup-schedule', [from, person, months], 'cases.schedule.submit', () => {
		const body = { from: from.control.value };
		if (person.control.value)
			body.person_id = person.control.value;
		const list = months.control.value.split(/[\s,;]+/).filter(Boolean);
		if (list.length)
			body.months = list.map((m) => (/^\d+$/.test(m) ? Number(m) : m));
		return api('POST', `/cases/${enc(c.id)}/followups/schedule`, body);
	}, () => refresh(page, { text: t('cases.schedule.done') }), { secondary: true });
	return h('details', { class: 'edit', id: 'followup-schedule-panel' }, h('summary', { i18n: 'cases.schedule.title' }), form);
}

// ---- sharing, transfer, erasure (the owner's writers) --------------------

/** The personal fields a grant may share, once each, by label. */
function personalFieldItems(forms) {
	const seen = new Map();
	for (const [form, fields] of Object.entries(forms))
		for (const f of fields)
			if (f.personal && !seen.has(f.name))
				seen.set(f.name, { value: f.name, key: labelKey(form, f.name), text: t(labelKey(form, f.name)) });
	return [...seen.values()];
}

/** The personal fields a grant shares, by label ("every personal field"). */
function grantFields(page, g) {
	return g.fields.length
		? g.fields.map((name) => personalFieldItems(page.forms).find((x) => x.value === name)).filter(Boolean).map((x) => t(x.key)).join(', ')
		: t('cases.all_personal_fields');
}

async function sharingSection(page, r, env) {
	const { c } = page;
	const rows = c.grants.map((g) => {
		// A referral's grant lives and ends with the referral.
		if (g.referral_id)
			return h('li', { 'data-grant': g.org_id, 'data-referral': g.referral_id },
				h('p', { class: 'comment-head' }, orgLink(page.dir, g.org_id), ' · ',
					h('time', { class: 'muted', datetime: g.granted_at, text: formatWhen(g.granted_at) })),
				h('p', { text: t('cases.grant_fields', { fields: grantFields(page, g) }) }),
				h('p', {}, h('a', { href: `#/referrals?id=${enc(g.referral_id)}`, i18n: 'referrals.grant_via' })));
		const end = h('button', { type: 'button', class: 'danger small', 'aria-label': t('cases.end_grant_named', { org: page.dir.name(g.org_id) }), i18n: 'cases.end_grant' });
		end.addEventListener('click', async () => {
			if (!window.confirm(t('cases.confirm_end_grant', { org: page.dir.name(g.org_id) })))
				return;
			const res = await api('DELETE', `/cases/${enc(c.id)}/grants/${enc(g.org_id)}`);
			if (res.ok)
				await refresh(page, { text: t('cases.grant_ended', { org: page.dir.name(g.org_id) }) });
			else
				window.alert(problemText(res));
		});
		const fields = grantFields(page, g);
		return h('li', { 'data-grant': g.org_id },
			h('p', { class: 'comment-head' }, orgLink(page.dir, g.org_id), ' · ',
				h('time', { class: 'muted', datetime: g.granted_at, text: formatWhen(g.granted_at) })),
			h('p', { text: t('cases.grant_purpose', { purpose: g.purpose }) }),
			h('p', { text: t('cases.grant_fields', { fields }) }),
			g.consent_overridden ? h('p', { class: 'overdue-flag consent-overridden', i18n: 'cases.consent_overridden' }) : h('p', { class: 'muted', i18n: 'cases.consent_covered' }),
			h('div', { class: 'actions' }, end));
	});
	const org = field({ name: 'org_id', label: 'cases.grant.org', required: true, placeholder: 'form.choose',
		options: page.dir.list.filter((o) => o.status === 'active' && o.id !== c.owner_org).map((o) => ({ value: o.id, text: o.name })) });
	const purpose = field({ name: 'purpose', label: 'cases.grant.purpose', hint: 'cases.grant.purpose_hint', required: true, maxlength: 300 });
	const fields = checkList({ name: 'fields', legend: 'cases.grant.fields', hint: 'cases.grant.fields_hint', filter: 'cases.filter_values',
		items: personalFieldItems(page.forms) });
	const override = field({ name: 'override_reason', label: 'cases.grant.override', hint: 'cases.grant.override_hint', multiline: true, rows: 3 });
	override.hidden = true;
	const form = apiForm('grant-form', [org, purpose, fields, override], 'cases.grant.submit', () => {
		const body = { org_id: org.control.value, purpose: purpose.control.value.trim() };
		if (fields.values().length)
			body.fields = fields.values();
		if (!override.hidden && override.control.value.trim())
			body.override_reason = override.control.value.trim();
		return api('POST', `/cases/${enc(c.id)}/grants`, body).then((res) => {
			// Consent does not cover it: the reason to share anyway.
			const errs = res.data?.errors || [];
			if (res.status === 422 && errs.some((e) => e.field === 'override_reason')) {
				override.hidden = false;
				for (const e of errs)
					// "person <id>" names the person as the page does.
					e.message = e.message.replace(/\b(?:person )?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g,
						(all, id) => env.persons.find((p) => p.id === id)?.label || all);
			}
			return res;
		});
	}, () => refresh(page, { text: t('cases.grant_done', { org: page.dir.name(org.control.value) }) }));
	return h('section', { class: 'card', 'aria-labelledby': 'sharing-title', id: 'sharing' },
		h('h2', { id: 'sharing-title', i18n: 'cases.sharing' }),
		h('p', { class: 'hint', i18n: 'cases.sharing_intro' }),
		rows.length ? h('ul', { class: 'updates grants' }, rows) : h('p', { class: 'empty', i18n: 'cases.no_grants' }),
		h('details', { class: 'edit', id: 'grant-panel' }, h('summary', { i18n: 'cases.grant.title' }), form));
}

// ---- referrals ----------------------------------------------------------

/**
 * The case's referrals that concern the reader's organisation (those it
 * sent; one it received, while open), each with the moves its side may
 * make, and for the owner's case workers and investigators the form to
 * refer the case.
 */
async function referralsSection(page, r, env) {
	const { c, ctx } = page;
	const mayRefer = r.writesPersonal && !c.transfer;
	const res = await listAll('/referrals', { case_id: c.id }, 200);
	if (!mayRefer && !res.items.length)
		return null;
	const renv = { ctx, dir: page.dir, forms: page.forms, look: lookups(), onCase: true };
	// The receiver no longer reads the case once it closed the referral:
	// the referral's own page then says how it ended.
	const changed = (ref, message) => (ref.to_org === ctx.me.user.org_id && !['requested', 'accepted', 'in_progress'].includes(ref.state)
		? ctx.go('referrals', { id: ref.id })
		: refresh(page, { text: message }));
	const list = h('ul', { class: 'updates referrals' });
	for (const ref of res.items)
		list.append(await referralEntry(ref, renv, changed));
	let body;
	if (!res.ok)
		body = h('p', { class: 'alert', role: 'alert', text: problemText(res) });
	else
		body = res.items.length ? list : h('p', { class: 'empty', i18n: 'referrals.case_none' });
	return h('section', { class: 'card', 'aria-labelledby': 'referrals-title', id: 'referrals' },
		h('h2', { id: 'referrals-title', i18n: 'referrals.case_title' }),
		mayRefer ? h('p', { class: 'hint', i18n: 'referrals.case_intro' }) : null,
		body,
		mayRefer ? await referForm(page, env) : null);
}

/**
 * Referring the case: to a service of the directory (narrowed by type)
 * or to an organisation, with a reason, an urgency and the personal
 * fields to share; the reason to refer without consent appears when the
 * API asks for it.
 */
async function referForm(page, env) {
	const { c } = page;
	const dir = await listAll('/services', {}, 500);
	const services = dir.items.filter((s) => s.organization_id !== c.owner_org)
		.sort((a, b) => a.name.localeCompare(b.name));
	const target = field({ name: 'target', label: 'referrals.refer.target',
		options: [{ value: 'service', key: 'referrals.refer.to_service' }, { value: 'org', key: 'referrals.refer.to_org' }] });
	const type = field({ name: 'service_type', label: 'referrals.refer.type', hint: 'referrals.refer.type_hint', placeholder: 'referrals.refer.any_type',
		options: Object.entries(serviceTypes).map(([value, key]) => ({ value, key })) });
	const service = field({ name: 'service_id', label: 'referrals.refer.service', hint: 'referrals.refer.service_hint', required: true, placeholder: 'form.choose', options: [] });
	const fill = () => {
		const keep = service.control.value;
		const want = type.control.value;
		service.control.replaceChildren(h('option', { value: '', i18n: 'form.choose' }),
			...services.filter((s) => !want || s.service_type === want)
				.map((s) => h('option', { value: s.id, text: t('referrals.refer.service_option', { name: s.name, org: page.dir.name(s.organization_id) }) })));
		service.control.value = keep;
		if (service.control.value !== keep)
			service.control.value = '';
	};
	type.control.addEventListener('change', fill);
	fill();
	const org = field({ name: 'to_org', label: 'referrals.refer.org', required: true, placeholder: 'form.choose',
		options: page.dir.list.filter((o) => o.status === 'active' && o.id !== c.owner_org).map((o) => ({ value: o.id, text: o.name })) });
	org.hidden = true;
	target.control.addEventListener('change', () => {
		const toService = target.control.value === 'service';
		type.hidden = !toService;
		service.hidden = !toService;
		org.hidden = toService;
	});
	const reason = field({ name: 'reason', label: 'referrals.refer.reason', hint: 'referrals.refer.reason_hint', required: true, multiline: true, rows: 3, maxlength: 2000 });
	const urgency = field({ name: 'urgency', label: 'referrals.refer.urgency', options: Object.entries(urgencies).map(([value, key]) => ({ value, key })) });
	const fields = checkList({ name: 'fields', legend: 'referrals.refer.fields', hint: 'referrals.refer.fields_hint', filter: 'cases.filter_values',
		items: personalFieldItems(page.forms) });
	const override = field({ name: 'override_reason', label: 'referrals.refer.override', hint: 'referrals.refer.override_hint', multiline: true, rows: 3, maxlength: 1000 });
	override.hidden = true;
	const form = apiForm('refer-form', [target, type, service, org, reason, urgency, fields, override], 'referrals.refer.submit', async () => {
		const body = { case_id: c.id, reason: reason.control.value.trim(), urgency: urgency.control.value, fields: fields.values() };
		// An empty choice is sent as it is: the API names the field to fix.
		if (target.control.value === 'service')
			body.service_id = service.control.value;
		else
			body.to_org = org.control.value;
		if (!override.hidden && override.control.value.trim())
			body.override_reason = override.control.value.trim();
		const res = await api('POST', '/referrals', body);
		const errs = res.data?.errors || [];
		if (res.status === 422 && errs.some((e) => e.field === 'override_reason')) {
			// Consent does not cover it: the reason to refer anyway.
			override.hidden = false;
			for (const e of errs)
				e.message = e.message.replace(/\b(?:person )?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g,
					(all, id) => env.persons.find((p) => p.id === id)?.label || all);
		}
		return res;
	}, (res) => refresh(page, { text: t('referrals.refer.done', { org: page.dir.name(res.data.to_org) }) }));
	return h('details', { class: 'edit', id: 'refer-panel' }, h('summary', { i18n: 'referrals.refer.title' }), form);
}

function transferSection(page) {
	const { c } = page;
	const section = h('section', { class: 'card', 'aria-labelledby': 'transfer-title', id: 'transfer' },
		h('h2', { id: 'transfer-title', i18n: 'cases.transfer_title' }));
	if (c.transfer) {
		const alert = alertBox();
		const cancel = h('button', { type: 'button', class: 'secondary', i18n: 'cases.transfer_cancel' });
		cancel.addEventListener('click', async () => {
			cancel.disabled = true;
			const res = await api('DELETE', `/cases/${enc(c.id)}/transfer`);
			cancel.disabled = false;
			if (res.ok)
				await refresh(page, { text: t('cases.transfer_cancelled') });
			else
				showAlert(alert, problemText(res));
		});
		section.append(h('p', { text: t('cases.transfer_waiting', { org: page.dir.name(c.transfer.org_id) }) }),
			c.transfer.note ? h('p', { class: 'prose', text: c.transfer.note }) : null,
			alert, h('div', { class: 'actions' }, cancel));
		return section;
	}
	const org = field({ name: 'org_id', label: 'cases.transfer_org', required: true, placeholder: 'form.choose',
		options: page.dir.list.filter((o) => o.status === 'active' && o.id !== c.owner_org).map((o) => ({ value: o.id, text: o.name })) });
	const note = field({ name: 'note', label: 'cases.transfer_note', hint: 'cases.transfer_note_hint', multiline: true, rows: 3 });
	const form = apiForm('transfer-form', [org, note], 'cases.transfer_submit', () => {
		const body = { org_id: org.control.value };
		if (note.control.value.trim())
			body.note = note.control.value.trim();
		return api('POST', `/cases/${enc(c.id)}/transfer`, body);
	}, () => refresh(page, { text: t('cases.transfer_done', { org: page.dir.name(org.control.value) }) }), { secondary: true });
	section.append(h('p', { class: 'hint', i18n: 'cases.transfer_intro' }),
		h('details', { class: 'edit', id: 'transfer-panel' }, h('summary', { i18n: 'cases.transfer_open' }), form));
	return section;
}

function eraseSection(page) {
	const { c } = page;
	const open = h('button', { type: 'button', class: 'danger', i18n: 'cases.erase' });
	const dialog = reasonDialog({
		id: 'erase-dialog', title: 'cases.erase_title', intro: 'cases.erase_intro', label: 'cases.erase_reason',
		hint: 'cases.erase_reason_hint', submit: 'cases.erase_submit', opener: open,
		send: (reason) => api('POST', `/cases/${enc(c.id)}/erase`, { reason }),
		done: () => refresh(page, { text: t('cases.erased_done') }),
	});
	open.addEventListener('click', () => dialog.open());
	return h('section', { class: 'card', 'aria-labelledby': 'erase-title', id: 'erase' },
		h('h2', { id: 'erase-title', i18n: 'cases.erase_section' }),
		h('p', { class: 'hint', i18n: 'cases.erase_explain' }),
		h('div', { class: 'actions' }, open),
		dialog.el);
}

/**
 * Who read and changed the case, from every organisation, newest first:
 * the owner organisation sees each reading of the personal data.
 */
async function trailSection(page) {
	const { c } = page;
	const alert = alertBox();
	const list = table('cases.trail.caption', ['cases.trail.col.at', 'cases.trail.col.who', 'cases.trail.col.what']);
	const wrap = h('div', { class: 'table-wrap' }, list.el);
	const more = h('button', { type: 'button', class: 'secondary', i18n: 'list.more', hidden: true });
	let cursor = null;
	async function load() {
		more.disabled = true;
		const res = await api('GET', `/audit/record${query({ record_kind: 'case', record_id: c.id, limit: 20, cursor })}`);
		more.disabled = false;
		if (!res.ok) {
			showAlert(alert, problemText(res));
			wrap.hidden = true;
			return;
		}
		for (const e of res.data.items)
			addRow(list.body, [
				h('time', { datetime: e.at, text: formatWhen(e.at) }),
				h('span', {}, e.actor_name || t('cases.someone'), h('span', { class: 'sub', text: e.org_name || '' })),
				h('span', {},
					caseActionWords(e.action) || (referralTrail[e.action] ? t(referralTrail[e.action]) : null),
					e.outcome !== 'ok' ? h('span', { class: 'sub', i18n: 'cases.trail.refused' }) : null,
					flagged.has(e.action) ? h('span', { class: 'overdue-flag', i18n: 'cases.trail.flagged' }) : null),
			]);
		cursor = res.data.next_cursor;
		more.hidden = !cursor;
	}
	more.addEventListener('click', load);
	await load();
	return h('section', { class: 'card', 'aria-labelledby': 'trail-title', id: 'trail' },
		h('h2', { id: 'trail-title', i18n: 'cases.trail.title' }),
		h('p', { class: 'hint', i18n: 'cases.trail.intro' }),
		alert, wrap,
		h('div', { class: 'actions' }, more));
}

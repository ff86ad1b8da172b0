// What the coordination pages share: the API's closed lists with their
// catalogue keys, the member directory (names for ids), and the sharing
// fields (distribution level and TLP label) every record carries.
import { api, listAll } from './api.js';
import { field, h, setHint } from './dom.js';
import { countryName, t } from './i18n.js';

// Closed lists: code -> catalogue key.  The keys are written out so that
// the catalogue test finds each one.
export const themes = {
	prevention: 'theme.prevention',
	protection: 'theme.protection',
	prosecution: 'theme.prosecution',
	partnership: 'theme.partnership',
};

export const levels = {
	org: 'level.org',
	group: 'level.group',
	country: 'level.country',
	platform: 'level.platform',
	public: 'level.public',
};

// How far a record is shared, said from any reader's side.
const levelShown = {
	org: 'level.shown.org',
	group: 'level.shown.group',
	country: 'level.shown.country',
	platform: 'level.shown.platform',
	public: 'level.shown.public',
};

const levelHints = {
	org: 'level.org_hint',
	group: 'level.group_hint',
	country: 'level.country_hint',
	platform: 'level.platform_hint',
	public: 'level.public_hint',
};

export const tlps = {
	CLEAR: 'tlp.clear',
	GREEN: 'tlp.green',
	AMBER: 'tlp.amber',
	'AMBER+STRICT': 'tlp.amber_strict',
	RED: 'tlp.red',
};

const tlpHints = {
	CLEAR: 'tlp.clear_hint',
	GREEN: 'tlp.green_hint',
	AMBER: 'tlp.amber_hint',
	'AMBER+STRICT': 'tlp.amber_strict_hint',
	RED: 'tlp.red_hint',
};

export const actionStatuses = {
	proposed: 'actions.status.proposed',
	agreed: 'actions.status.agreed',
	in_progress: 'actions.status.in_progress',
	done: 'actions.status.done',
	dropped: 'actions.status.dropped',
};

export const priorities = {
	high: 'actions.priority.high',
	medium: 'actions.priority.medium',
	low: 'actions.priority.low',
};

export const meetingStatuses = {
	planned: 'meetings.status.planned',
	held: 'meetings.status.held',
	cancelled: 'meetings.status.cancelled',
};

/** The words for code in a closed list, or the code itself. */
export function word(list, code) {
	return list[code] ? t(list[code]) : code || '';
}

/** A closed list as field() options. */
export function options(list, only) {
	return Object.entries(list)
		.filter(([value]) => !only || only.includes(value))
		.map(([value, key]) => ({ value, key }));
}

/** Roles that write records (the API's rule; it decides in the end). */
export function writes(me) {
	return Boolean(me) && ['org_admin', 'case_worker', 'investigator'].includes(me.user.role);
}

/** Roles that take part in discussions and report progress. */
export function contributes(me) {
	return Boolean(me) && me.user.role !== 'viewer';
}

let cache = null;

/**
 * The member directory: { list (by name), byId, name(id), countries }.
 * Read once and kept for a minute (organisations change rarely).
 */
export async function directory() {
	if (cache && Date.now() - cache.at < 60000)
		return cache.dir;
	const res = await listAll('/orgs');
	const list = [...(res.items || [])].sort((a, b) => a.name.localeCompare(b.name));
	const byId = new Map(list.map((o) => [o.id, o]));
	const dir = {
		ok: res.ok,
		list,
		byId,
		name: (id) => byId.get(id)?.name || t('coord.unknown_org'),
		countries: [...new Set(list.map((o) => o.country))].sort((a, b) => countryName(a).localeCompare(countryName(b))),
	};
	if (res.ok)
		cache = { at: Date.now(), dir };
	return dir;
}

/** Forgets the directory (after a change to it). */
export function forgetDirectory() {
	cache = null;
}

/** Organisations as checkList items (name, then country). */
export function orgItems(dir, except = []) {
	return dir.list
		.filter((o) => o.status === 'active' && !except.includes(o.id))
		.map((o) => ({ value: o.id, text: o.name, detail: countryName(o.country) }));
}

/** Countries as field() options, by name. */
export function countryOptions(codes) {
	return codes.map((c) => ({ value: c, text: countryName(c) }));
}

/** A link to an organisation's page in the directory. */
export function orgLink(dir, id) {
	return h('a', { href: `#/org?id=${encodeURIComponent(id)}`, text: dir.name(id) });
}

/**
 * The sharing fields of a new record: level (with public when allowPublic),
 * the sharing group for level "group", and the TLP label; each hint
 * explains the choice made.  Returns { els, value() } where value() gives
 * the body's level, group_id and tlp.
 */
export async function shareFields({ allowPublic = false } = {}) {
	const level = field({ name: 'level', label: 'share.level', hint: levelHints.org,
		options: options(levels, allowPublic ? null : ['org', 'group', 'country', 'platform']) });
	const tlp = field({ name: 'tlp', label: 'share.tlp', hint: tlpHints.AMBER, options: options(tlps) });
	tlp.control.value = 'AMBER';
	const groups = await api('GET', '/groups');
	const group = field({ name: 'group_id', label: 'share.group', placeholder: 'form.choose',
		options: (groups.ok ? groups.data.items : []).map((g) => ({ value: g.id, text: g.name })) });
	group.hidden = true;
	level.control.addEventListener('change', () => {
		setHint(level, levelHints[level.control.value]);
		group.hidden = level.control.value !== 'group';
	});
	tlp.control.addEventListener('change', () => setHint(tlp, tlpHints[tlp.control.value]));
	const box = h('fieldset', { class: 'share' },
		h('legend', { i18n: 'share.title' }),
		h('p', { class: 'hint', i18n: 'share.intro' }),
		level, group, tlp);
	return {
		els: box,
		value() {
			const out = { level: level.control.value, tlp: tlp.control.value };
			if (out.level === 'group')
				out.group_id = group.control.value;
			return out;
		},
		reset() {
			level.control.value = 'org';
			tlp.control.value = 'AMBER';
			setHint(level, levelHints.org);
			setHint(tlp, tlpHints.AMBER);
			group.hidden = true;
		},
	};
}

/** "Shared with: ... · TLP:AMBER" for a record's facts. */
export function shareText(r) {
	return t('share.summary', { level: word(levelShown, r.level) });
}

/** A TLP badge: its name in words, styled as TLP 2.0 prescribes. */
export function tlpBadge(tlp) {
	const cls = (tlp || '').toLowerCase().replace('+', '-');
	return h('span', { class: `tlp tlp-${cls}`, text: word(tlps, tlp) });
}

// The UI's strings: one catalogue per language, web/i18n/<lang>.json, mapping
// keys to text.  Markup names keys (data-i18n); code calls t(key).
const languages = ['en']; // catalogues shipped in i18n/, the first is the default

let strings = {};
let lang = languages[0];
let locale = lang; // for dates: the browser's own tag in that language (en-GB)

/** The first of the browser's languages that has a catalogue. */
function pick() {
	for (const want of navigator.languages || [])
		for (const have of languages)
			if (want.toLowerCase().split('-')[0] === have)
				return [have, want];
	return [languages[0], languages[0]];
}

/** Loads the catalogue for the browser's language and sets <html lang>. */
export async function loadCatalogue() {
	[lang, locale] = pick();
	const res = await fetch(`/i18n/${lang}.json`, { cache: 'no-cache' });
	strings = res.ok ? await res.json() : {};
	document.documentElement.lang = lang;
}

export function has(key) {
	return Object.hasOwn(strings, key);
}

/**
 * The text for key, with {name} placeholders filled from vars.  A missing
 * key shows as itself (and a console warning), so it is easy to spot.
 */
export function t(key, vars) {
	let s = strings[key];
	if (s === undefined) {
		console.warn(`atip: no string for "${key}" in ${lang}.json`);
		return key;
	}
	if (vars)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	return s;
}

/** A label for a code from a closed list (role, type...), or the code itself. */
export function label(prefix, code) {
	return code && has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code || '';
}

/** What an audit entry on a case says was done ("case.erase"), or null. */
export function caseActionWords(action) {
	return action?.startsWith('case.') ? label('cases.trail', action.slice(5)) : null;
}

/** Fills every element under root that names a key with its text. */
export function translate(root = document) {
	for (const el of root.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
}

/** An RFC 3339 time as local date and time. */
export function formatTime(iso) {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return iso || '';
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

/** An RFC 3339 time as local date and time, to the minute. */
export function formatWhen(iso) {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return iso || '';
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A calendar date (YYYY-MM-DD, no time zone) in the UI's language. */
export function formatDate(ymd) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
	if (!m)
		return ymd || '';
	const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d);
}

/**
 * The value of a datetime-local input (local wall time) as UTC RFC 3339,
 * or '' when it is empty or no date.
 */
export function localToUtc(value) {
	if (!value)
		return '';
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** A byte count as "12 kB" in the UI's language. */
export function formatSize(bytes) {
	const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
	let n = Number(bytes) || 0;
	let i = 0;
	while (n >= 1000 && i < units.length - 1) {
		n /= 1000;
		i += 1;
	}
	return new Intl.NumberFormat(locale, { style: 'unit', unit: units[i], unitDisplay: i ? 'short' : 'long', maximumFractionDigits: i ? 1 : 0 }).format(n);
}

/** A country's name from its ISO 3166-1 code, in the UI's language. */
export function countryName(code) {
	try {
		return new Intl.DisplayNames([locale], { type: 'region' }).of(code) || code;
	} catch {
		return code || '';
	}
}

/** "in 5 minutes" for a number of seconds from now. */
export function fromNow(seconds) {
	const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	if (seconds < 90)
		return rtf.format(Math.max(1, Math.ceil(seconds)), 'second');
	if (seconds < 90 * 60)
		return rtf.format(Math.ceil(seconds / 60), 'minute');
	return rtf.format(Math.ceil(seconds / 3600), 'hour');
}

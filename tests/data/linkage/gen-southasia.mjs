#!/usr/bin/env node
// Deterministic generator of fictional South Asian test registers for atip's
// privacy-preserving record linkage (Bloom-filter CLKs).
//
//   node gen-southasia.mjs            writes southasia_a.csv, southasia_b.csv,
//                                     southasia_truth.csv, southasia_b_labels.csv
//                                     into the directory of this script
//
// Every person is invented: names are drawn independently from pools of
// common names, districts are real, phone numbers follow an obviously
// fictional pattern (a "0000" block after the operator prefix), there are no
// identity numbers.  Node 20, no packages.  Written for atip, CC0.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as N from './names.mjs';

const OUT = dirname(fileURLToPath(import.meta.url));
const SEED = 20240917;

// ------------------------------------------------------------------ PRNG
function mulberry32(a) {
	return function () {
		a |= 0;
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const rnd = mulberry32(SEED);
const chance = (p) => rnd() < p;
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
const pick = (a) => a[Math.floor(rnd() * a.length)];
function weighted(pairs) {
	let t = 0;
	for (const [, w] of pairs) t += w;
	let r = rnd() * t;
	for (const [v, w] of pairs) if ((r -= w) < 0) return v;
	return pairs[pairs.length - 1][0];
}
function shuffle(a) {
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
}

// ------------------------------------------------------------- cultures
const P = (arr) => arr.map(N.parse);
const CULT = {
	np_janajati: {
		country: 'NP', script: 'deva', digits: 'deva', weight: 20,
		female: [...P(N.NP_FEMALE), ...P(N.NP_FEMALE_BUDDHIST), ...P(N.NP_FEMALE_BUDDHIST)],
		male: [...P(N.NP_MALE), ...P(N.NP_MALE_BUDDHIST), ...P(N.NP_MALE_BUDDHIST)],
		surname: P(N.NP_SURNAME_JANAJATI), districts: P(N.NP_DISTRICTS), rule: 'family',
	},
	np_other: {
		country: 'NP', script: 'deva', digits: 'deva', weight: 15,
		female: P(N.NP_FEMALE), male: P(N.NP_MALE),
		surname: P(N.NP_SURNAME_OTHER), districts: P(N.NP_DISTRICTS), rule: 'family',
	},
	in_hindi: {
		country: 'IN', script: 'deva', digits: 'deva', weight: 14,
		female: P(N.HI_FEMALE), male: P(N.HI_MALE), surname: P(N.HI_SURNAME),
		femaleSurname: P(N.HI_FEMALE_SURNAME), brotherSurname: P(N.HI_BROTHER_SURNAME),
		districts: P(N.HI_DISTRICTS), rule: 'hindi',
	},
	in_bengal: {
		country: 'IN', script: 'beng', digits: 'beng', weight: 10,
		female: P(N.BN_HINDU_FEMALE), male: P(N.BN_HINDU_MALE), surname: P(N.BN_HINDU_SURNAME),
		middleMale: P(N.BN_HINDU_MIDDLE_MALE), districts: P(N.WB_DISTRICTS), rule: 'family',
	},
	in_tamil: {
		country: 'IN', script: 'taml', digits: null, weight: 6,
		female: P(N.TA_FEMALE), male: P(N.TA_MALE), districts: P(N.TN_DISTRICTS), rule: 'patronymic',
	},
	bd_muslim: {
		country: 'BD', script: 'beng', digits: 'beng', weight: 17,
		female: P(N.BD_MUSLIM_FEMALE), male: P(N.BD_MUSLIM_MALE),
		femaleSurname: P(N.BD_MUSLIM_FEMALE_SURNAME), surname: P(N.BD_MUSLIM_MALE_SURNAME),
		mohammad: N.parse(N.BD_MOHAMMAD), districts: P(N.BD_DISTRICTS), rule: 'bd_muslim',
	},
	bd_hindu: {
		country: 'BD', script: 'beng', digits: 'beng', weight: 5,
		female: P(N.BN_HINDU_FEMALE), male: P(N.BN_HINDU_MALE), surname: P(N.BN_HINDU_SURNAME),
		middleMale: P(N.BN_HINDU_MIDDLE_MALE), middleFemale: P(N.BN_HINDU_MIDDLE_FEMALE),
		districts: P(N.BD_DISTRICTS), rule: 'family',
	},
	lk_sinhala: {
		country: 'LK', script: 'sinh', digits: null, weight: 8,
		female: P(N.SI_FEMALE), male: P(N.SI_MALE), surname: P(N.SI_SURNAME),
		districts: P(N.LK_SINHALA_DISTRICTS), rule: 'family',
	},
	lk_tamil: {
		country: 'LK', script: 'taml', digits: null, weight: 5,
		female: P(N.TA_FEMALE), male: P(N.TA_MALE), districts: P(N.LK_TAMIL_DISTRICTS), rule: 'patronymic',
	},
};
for (const [k, c] of Object.entries(CULT)) c.key = k;
const CULT_WEIGHTS = Object.values(CULT).map((c) => [c, c.weight]);

// A name is a list of entries (tokens), rendered later in one script.
const one = (e) => [e];
function otherThan(pool, not) {
	const nots = new Set((Array.isArray(not) ? not : [not]).map((e) => e.lat));
	const rest = pool.filter((e) => !nots.has(e.lat));
	return pick(rest);
}

function fatherOf(c, familySurname) {
	// father: list of entries
	const g = pick(c.male);
	switch (c.rule) {
		case 'patronymic': // Tamil: the father's own "surname" is his father's name
			return [g, otherThan(c.male, g)];
		case 'bd_muslim':
			return chance(0.35) ? [c.mohammad, g, familySurname] : [g, familySurname];
		default:
			if (c.middleMale && chance(0.4)) return [g, pick(c.middleMale), familySurname];
			return [g, familySurname];
	}
}

function surnameFor(c, gender, family, father) {
	switch (c.rule) {
		case 'patronymic':
			return father[0];
		case 'bd_muslim':
			return gender === 'F' ? pick(c.femaleSurname) : family;
		case 'hindi':
			if (gender === 'F' && chance(0.35)) return pick(c.femaleSurname);
			return family;
		default:
			return family;
	}
}

function birthYear() {
	return chance(0.72) ? int(1988, 2008) : int(1970, 1987);
}
const DIM = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function dateIn(y) {
	const m = int(1, 12);
	let dim = DIM[m - 1];
	if (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) dim = 29;
	return { y, m, d: int(1, dim) };
}

// --------------------------------------------------------------- phones
const usedPhones = new Set();
function newPhone(country) {
	// digits only; "0000" after the operator prefix marks them as fictional
	for (;;) {
		let s;
		switch (country) {
			case 'NP': s = '98' + int(0, 6) + '0000' + String(int(0, 999)).padStart(3, '0'); break;
			case 'IN': s = '9' + int(0, 9) + '0000' + String(int(0, 9999)).padStart(4, '0'); break;
			case 'BD': s = '01' + int(3, 9) + '0000' + String(int(0, 9999)).padStart(4, '0'); break;
			case 'LK': s = '07' + int(0, 8) + '0000' + String(int(0, 999)).padStart(3, '0'); break;
		}
		if (!usedPhones.has(s)) {
			usedPhones.add(s);
			return s;
		}
	}
}
const CC = { NP: '977', IN: '91', BD: '880', LK: '94' };
// format n (national digits as above) in one of the usual ways
function fmtPhone(country, n, style) {
	const sub = n.startsWith('0') ? n.slice(1) : n; // subscriber part after trunk 0
	const sp = (s, cuts, sep) => {
		let out = [], i = 0;
		for (const c of cuts) { out.push(s.slice(i, i + c)); i += c; }
		if (i < s.length) out.push(s.slice(i));
		return out.join(sep);
	};
	switch (country + ':' + style) {
		case 'NP:plain': return n;
		case 'NP:grouped': return sp(n, [3, 3], '-');
		case 'NP:spaced': return sp(n, [4, 3], ' ');
		case 'NP:intl': return '+977 ' + n;
		case 'NP:intl2': return '+977-' + sp(n, [3], '-');
		case 'IN:plain': return n;
		case 'IN:grouped': return sp(n, [5], ' ');
		case 'IN:spaced': return '0' + sp(n, [3, 3], '-');
		case 'IN:intl': return '+91 ' + sp(n, [5], ' ');
		case 'IN:intl2': return '+91-' + n;
		case 'BD:plain': return n;
		case 'BD:grouped': return sp(n, [5], '-');
		case 'BD:spaced': return sp(n, [3, 4], ' ');
		case 'BD:intl': return '+880 ' + sp(sub, [4], '-');
		case 'BD:intl2': return '+880' + sub;
		case 'LK:plain': return n;
		case 'LK:grouped': return sp(n, [3, 3], ' ');
		case 'LK:spaced': return sp(n, [3], '-');
		case 'LK:intl': return '+94 ' + sp(sub, [2, 3], ' ');
		case 'LK:intl2': return '+94-' + sub;
	}
	throw new Error('phone style ' + style);
}
const PHONE_STYLES = ['plain', 'grouped', 'spaced', 'intl', 'intl2'];
const DIGITS = { deva: '०१२३४५६७८९', beng: '০১২৩৪৫৬৭৮৯' };
const nativeDigits = (s, d) => s.replace(/[0-9]/g, (x) => DIGITS[d][+x]);

// --------------------------------------------------------------- people
const fatherGiven = (c, father) => father.find((e) => e !== c.mohammad);
let personSeq = 0;
function makePerson(c, gender, over = {}) {
	const family = over.family ?? (c.surname ? pick(c.surname) : null);
	const father = over.father ?? fatherOf(c, family);
	// a son is not given his father's first name
	const given = over.given ?? (gender === 'F' ? pick(c.female) : otherThan(c.male, fatherGiven(c, father)));
	const givenTokens = [given];
	if (gender === 'F' && c.middleFemale && chance(0.4)) givenTokens.push(pick(c.middleFemale));
	const surname = over.surname ?? surnameFor(c, gender, family, father);
	const y = over.year ?? birthYear();
	return {
		pid: ++personSeq, cult: c, gender, given: givenTokens, surname: surname ? [surname] : [],
		family, father, dob: dateIn(y), district: over.district ?? pick(c.districts),
		phone: over.phone !== undefined ? over.phone : chance(0.88) ? newPhone(c.country) : null,
	};
}
function randomPerson() {
	const c = weighted(CULT_WEIGHTS);
	return makePerson(c, chance(0.8) ? 'F' : 'M');
}

// ------------------------------------------------------------ rendering
function renderEntry(e, mode, pVariant, pHard) {
	if (mode === 'native') {
		const soft = e.natives.filter((n) => !n.hard);
		const all = e.natives;
		if (all.length > 1 && chance(0.25)) return pick(all.slice(1)).s;
		return (soft[0] ?? all[0]).s;
	}
	const soft = e.variants.filter((v) => !v.hard);
	const hard = e.variants.filter((v) => v.hard);
	if (hard.length && chance(pHard)) return pick(hard).s;
	if (soft.length && chance(pVariant)) return pick(soft).s;
	return e.lat;
}
const renderTokens = (toks, mode, pV, pH) => toks.map((e) => renderEntry(e, mode, pV, pH)).join(' ');

function typo(s) {
	// one letter dropped, doubled or two neighbours swapped; never the first letter
	const idx = [];
	for (let i = 1; i < s.length; i++) if (/[a-z]/i.test(s[i])) idx.push(i);
	if (!idx.length) return s;
	for (let tries = 0; tries < 10; tries++) {
		const i = pick(idx);
		const op = pick(['drop', 'double', 'swap']);
		let t;
		if (op === 'drop') t = s.slice(0, i) + s.slice(i + 1);
		else if (op === 'double') t = s.slice(0, i + 1) + s[i] + s.slice(i + 1);
		else if (i + 1 < s.length && /[a-z]/i.test(s[i + 1])) t = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
		else continue;
		if (t !== s) return t;
	}
	return s;
}

const pad = (n) => String(n).padStart(2, '0');
function fmtDate(y, m, d) {
	return chance(0.5) ? `${y}-${pad(m)}-${pad(d)}` : `${y}${pad(m)}${pad(d)}`;
}

// Side A: Latin only, few variants
function renderA(p, id) {
	const dobKnown = chance(0.86);
	return {
		id,
		given_name: renderTokens(p.given, 'latin', 0.08, 0.02),
		surname: renderTokens(p.surname, 'latin', 0.08, 0.02),
		father_name: renderTokens(p.father, 'latin', 0.08, 0.1),
		gender: chance(0.03) ? '' : p.gender,
		date_of_birth: dobKnown ? fmtDate(p.dob.y, p.dob.m, p.dob.d) : '',
		birth_year: String(p.dob.y),
		home_district: p.district.lat,
		home_country: p.cult.country,
		phone: p.phone ? fmtPhone(p.cult.country, p.phone, pick(PHONE_STYLES)) : '',
		_dobKnown: dobKnown,
	};
}

// Side B: native script or Latin variants, plus corruptions; returns the
// row and the list of corruption kinds applied.
function renderB(p, aRow, opts = {}) {
	const kinds = [];
	const c = p.cult;
	const native = chance(0.4);
	const mode = native ? 'native' : 'latin';
	kinds.push(native ? 'script:' + c.script : 'script:latn');
	let surnameTokens = p.surname;
	// a changed surname after marriage (women born 2002 or earlier)
	if (opts.match && p.gender === 'F' && p.dob.y <= 2002 && chance(0.04)) {
		let ns;
		switch (c.rule) {
			case 'patronymic': ns = otherThan(c.male, surnameTokens); break; // husband's name
			case 'bd_muslim': ns = chance(0.5) ? otherThan(c.femaleSurname, surnameTokens) : pick(c.surname); break;
			case 'hindi': ns = surnameTokens[0].lat === 'Kumari' ? c.femaleSurname[1] : chance(0.5) ? c.femaleSurname[1] : otherThan(c.surname, surnameTokens); break;
			default: ns = otherThan(c.surname, surnameTokens);
		}
		if (ns.lat !== surnameTokens[0]?.lat) {
			surnameTokens = [ns];
			kinds.push('marriage_surname');
		}
	}
	const pV = native ? 0 : 0.45, pH = native ? 0 : 0.12;
	let given = renderTokens(p.given, mode, pV, pH);
	let surname = renderTokens(surnameTokens, mode, pV, pH);
	let father = renderTokens(p.father, mode, pV, pH);
	if (!native) {
		const plain = (toks) => toks.map((e) => e.lat).join(' ');
		if (given !== plain(p.given) || surname !== plain(surnameTokens) || father !== plain(p.father))
			kinds.push('romanisation_variant');
		if (chance(0.18)) {
			const f = pick(['given', 'surname', 'father']);
			if (f === 'given') given = typo(given);
			else if (f === 'surname' && surname) surname = typo(surname);
			else father = typo(father);
			kinds.push('typo');
		}
	}
	if (surname && chance(0.05)) {
		[given, surname] = [surname, given];
		kinds.push('name_swap');
	} else if (surname && chance(0.05)) {
		surname = '';
		kinds.push('surname_missing');
	}
	// district
	let district;
	if (native) { district = renderEntry(p.district, 'native', 0, 0); kinds.push('district_native'); }
	else {
		district = renderEntry(p.district, 'latin', 0.4, 0.15);
		if (district !== p.district.lat) kinds.push('district_variant');
	}
	// gender
	let gender = p.gender;
	if (chance(0.04)) { gender = ''; kinds.push('gender_missing'); }
	// date of birth
	let dob = '', by = '';
	const { y, m, d } = p.dob;
	const aFull = aRow ? aRow._dobKnown : true;
	if (aFull) {
		const r = rnd();
		if (r < 0.64) { dob = fmtDate(y, m, d); by = String(y); kinds.push('dob_same'); }
		else if (r < 0.77) {
			if (d <= 12 && d !== m) { dob = fmtDate(y, d, m); kinds.push('dob_day_month_swapped'); }
			else { dob = fmtDate(y, m, d); kinds.push('dob_same'); }
			by = String(y);
		} else if (r < 0.92) { by = String(y); kinds.push('dob_year_only'); }
		else kinds.push('dob_missing');
	} else {
		const r = rnd();
		if (r < 0.6) { by = String(y); kinds.push('dob_year_only'); }
		else if (r < 0.85) { dob = fmtDate(y, m, d); by = String(y); kinds.push('dob_more_than_a'); }
		else kinds.push('dob_missing');
	}
	// phone
	let phone = '';
	if (p.phone) {
		const r = rnd();
		const aHas = aRow ? aRow.phone !== '' : true;
		if (r < 0.17 || (!aHas && r < 0.5)) kinds.push('phone_missing');
		else {
			phone = fmtPhone(c.country, p.phone, pick(PHONE_STYLES));
			if (c.digits && (native ? chance(0.45) : chance(0.05))) {
				phone = nativeDigits(phone, c.digits);
				kinds.push('phone_native_digits');
			} else if (!aRow) kinds.push('phone_present');
			else kinds.push(phone !== aRow.phone ? 'phone_reformatted' : 'phone_same');
		}
	} else kinds.push('phone_none');
	return {
		row: {
			given_name: given, surname, father_name: father, gender,
			date_of_birth: dob, birth_year: by, home_district: district, home_country: c.country, phone,
		},
		kinds,
	};
}

// ------------------------------------------------------------ generation
const N_A = 1200, N_MATCH = 700, N_SIB = 50, N_SAME = 50, N_OTHER = 200;

const peopleA = [];
for (let i = 0; i < N_A; i++) peopleA.push(randomPerson());
const rowsA = peopleA.map((p, i) => renderA(p, 'A' + String(i + 1).padStart(4, '0')));

const idxs = shuffle([...Array(N_A).keys()]);
const matchIdx = idxs.slice(0, N_MATCH);

const recB = []; // {row, kinds, cat, aId}
for (const i of matchIdx) {
	const { row, kinds } = renderB(peopleA[i], rowsA[i], { match: true });
	recB.push({ row, kinds, cat: 'match', aId: rowsA[i].id });
}

// siblings: same family, father and district, sometimes the family phone
for (let k = 0; k < N_SIB; k++) {
	const i = pick(idxs);
	const a = peopleA[i], c = a.cult;
	const gender = chance(0.75) ? a.gender : a.gender === 'F' ? 'M' : 'F';
	const pool = gender === 'F' ? c.female : c.male;
	const given = otherThan(pool, [a.given[0], fatherGiven(c, a.father)]);
	let surname;
	switch (c.rule) {
		case 'patronymic': surname = a.surname[0]; break;
		case 'bd_muslim': surname = gender === 'F' ? (a.gender === 'F' ? a.surname[0] : pick(c.femaleSurname)) : a.family; break;
		case 'hindi':
			if (gender === 'M') surname = a.surname[0].lat === 'Kumari' ? c.brotherSurname[0] : a.family;
			else surname = a.gender === 'F' ? a.surname[0] : a.family;
			break;
		default: surname = a.family;
	}
	const dy = int(1, 6) * (chance(0.5) ? 1 : -1);
	const sib = makePerson(c, gender, {
		family: a.family, father: a.father, given, surname, year: a.dob.y + dy, district: a.district,
		phone: a.phone && chance(0.4) ? a.phone : chance(0.8) ? newPhone(c.country) : null,
	});
	const { row, kinds } = renderB(sib, null, {});
	recB.push({ row, kinds, cat: 'sibling', aId: rowsA[i].id });
}

// same name, different person: common given name and surname, other father,
// district and birth year
const commonIdx = idxs.filter((i) => ['Sita', 'Laxmi', 'Puja', 'Pooja', 'Sunita', 'Rina', 'Sumi', 'Fatema', 'Selvi',
	'Lakshmi', 'Kumari', 'Dilani', 'Nasrin', 'Geeta', 'Gita', 'Maya', 'Anita', 'Priya'].includes(peopleA[i].given[0].lat));
for (let k = 0; k < N_SAME; k++) {
	const i = commonIdx[k % commonIdx.length];
	const a = peopleA[i], c = a.cult;
	let year;
	do year = birthYear(); while (Math.abs(year - a.dob.y) < 2);
	let father;
	do father = fatherOf(c, a.family); while (fatherGiven(c, father).lat === fatherGiven(c, a.father).lat);
	const surname = a.surname[0];
	if (c.rule === 'patronymic') father = [a.surname[0], otherThan(c.male, [a.surname[0], a.father[1]])];
	const p = makePerson(c, a.gender, {
		given: a.given[0], surname, family: a.family, father, year, district: otherThan(c.districts, a.district),
	});
	p.given = a.given.slice(); // same given name tokens (e.g. "Puja Rani")
	const { row, kinds } = renderB(p, null, {});
	recB.push({ row, kinds, cat: 'same_name', aId: rowsA[i].id });
}
for (let k = 0; k < N_OTHER; k++) {
	const { row, kinds } = renderB(randomPerson(), null, {});
	recB.push({ row, kinds, cat: 'other', aId: '' });
}
shuffle(recB);
recB.forEach((r, i) => (r.row = { id: 'B' + String(i + 1).padStart(4, '0'), ...r.row }));

// ----------------------------------------------------------------- output
const COLS = ['id', 'given_name', 'surname', 'father_name', 'gender', 'date_of_birth', 'birth_year',
	'home_district', 'home_country', 'phone'];
const q = (v) => {
	v = String(v ?? '').normalize('NFC');
	return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
};
const csv = (cols, rows) => [cols.join(','), ...rows.map((r) => cols.map((k) => q(r[k])).join(','))].join('\r\n') + '\r\n';

writeFileSync(join(OUT, 'southasia_a.csv'), csv(COLS, rowsA));
writeFileSync(join(OUT, 'southasia_b.csv'), csv(COLS, recB.map((r) => r.row)));
const truth = recB.filter((r) => r.cat === 'match').map((r) => ({ a_id: r.aId, b_id: r.row.id }))
	.sort((x, y) => (x.a_id < y.a_id ? -1 : 1));
writeFileSync(join(OUT, 'southasia_truth.csv'), csv(['a_id', 'b_id'], truth));
writeFileSync(join(OUT, 'southasia_b_labels.csv'), csv(['b_id', 'category', 'related_a_id', 'kinds'],
	recB.map((r) => ({ b_id: r.row.id, category: r.cat, related_a_id: r.aId, kinds: r.kinds.join(' ') }))
		.sort((x, y) => (x.b_id < y.b_id ? -1 : 1))));

// ---------------------------------------------------------------- summary
const count = (arr, f) => {
	const m = new Map();
	for (const x of arr) for (const k of [].concat(f(x))) m.set(k, (m.get(k) ?? 0) + 1);
	return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
};
const line = (title, pairs) => `${title}\n` + pairs.map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join('\n');
const matches = recB.filter((r) => r.cat === 'match');
const out = [
	`seed ${SEED}: side A ${rowsA.length} rows, side B ${recB.length} rows, ` +
	`${truth.length} true matches`,
	line('side A by country', count(peopleA, (p) => p.cult.country)),
	line('side A by culture', count(peopleA, (p) => p.cult.key)),
	line('side A by gender', count(peopleA, (p) => p.gender)),
	line('side B by category', count(recB, (r) => r.cat)),
	line('side B by country', count(recB, (r) => r.row.home_country)),
	line('side B by script of names', count(recB, (r) => r.kinds[0])),
	line('true matches by country', count(matches, (r) => r.row.home_country)),
	line('true matches by script', count(matches, (r) => r.kinds[0])),
	line('true matches by corruption kind', count(matches, (r) => r.kinds.slice(1))),
];
console.log(out.join('\n'));

#!/usr/bin/env node
// Writes variants.tsv and variants_hard.tsv from the name pools in names.mjs.
//   variants.tsv       script, a, b: the same name as writers really spell it;
//                      non-latn rows: a native, b a Latin romanisation;
//                      latn rows: two Latin romanisations.
//   variants_hard.tsv  the same, for pairs a spelling-based normaliser cannot
//                      be expected to fold (abbreviations, a different native
//                      name), with a note.
// Given names and surnames only (districts appear in variants_hard.tsv only
// where the native name differs).  Written for atip, CC0.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as N from './names.mjs';

const OUT = dirname(fileURLToPath(import.meta.url));
const NAMES = {
	deva: [N.NP_FEMALE, N.NP_FEMALE_BUDDHIST, N.NP_MALE, N.NP_MALE_BUDDHIST, N.NP_SURNAME_JANAJATI,
		N.NP_SURNAME_OTHER, N.HI_FEMALE, N.HI_MALE, N.HI_SURNAME, N.HI_FEMALE_SURNAME, N.HI_BROTHER_SURNAME],
	beng: [N.BN_HINDU_FEMALE, N.BN_HINDU_MALE, N.BN_HINDU_MIDDLE_MALE, N.BN_HINDU_MIDDLE_FEMALE,
		N.BN_HINDU_SURNAME, N.BD_MUSLIM_FEMALE, N.BD_MUSLIM_FEMALE_SURNAME, N.BD_MUSLIM_MALE,
		[N.BD_MOHAMMAD], N.BD_MUSLIM_MALE_SURNAME],
	taml: [N.TA_FEMALE, N.TA_MALE],
	sinh: [N.SI_FEMALE, N.SI_MALE, N.SI_SURNAME],
};
const PLACES = {
	deva: [N.NP_DISTRICTS, N.HI_DISTRICTS], beng: [N.WB_DISTRICTS, N.BD_DISTRICTS],
	taml: [N.TN_DISTRICTS, N.LK_TAMIL_DISTRICTS], sinh: [N.LK_SINHALA_DISTRICTS],
};
const rows = [], hard = [], seen = new Set();
const add = (list, script, a, b, note) => {
	const k = [script, ...[a, b].sort()].join('\t');
	if (a === b || seen.has(k)) return;
	seen.add(k);
	list.push(note === undefined ? [script, a, b] : [script, a, b, note]);
};
for (const [script, pools] of Object.entries(NAMES)) {
	for (const e of pools.flat().map(N.parse)) {
		for (const n of e.natives) {
			if (n.hard) { add(hard, script, n.s, e.lat, 'native spelling transliterates far from the Latin form'); continue; }
			add(rows, script, n.s, e.lat);
			for (const v of e.variants) if (!v.hard) add(rows, script, n.s, v.s);
		}
	}
}
for (const pools of Object.values(NAMES)) {
	for (const e of pools.flat().map(N.parse)) {
		for (const v of e.variants) {
			if (v.hard) add(hard, 'latn', e.lat, v.s, 'abbreviation or short form');
			else add(rows, 'latn', e.lat, v.s);
		}
	}
}
for (const [script, pools] of Object.entries(PLACES)) {
	for (const e of pools.flat().map(N.parse)) {
		for (const n of e.natives) if (n.hard) add(hard, script, n.s, e.lat, 'district: the native name is a different name');
		for (const v of e.variants) if (v.hard) add(hard, 'latn', e.lat, v.s, 'district: old, short or reordered name');
	}
}
const order = ['latn', 'deva', 'beng', 'taml', 'sinh'];
const byScript = (x, y) => order.indexOf(x[0]) - order.indexOf(y[0]);
rows.sort(byScript); hard.sort(byScript);
const tsv = (head, rs) => [head, ...rs].map((r) => r.join('\t')).join('\n') + '\n';
writeFileSync(join(OUT, 'variants.tsv'), tsv(['script', 'a', 'b'], rows).normalize('NFC'));
writeFileSync(join(OUT, 'variants_hard.tsv'), tsv(['script', 'a', 'b', 'note'], hard).normalize('NFC'));
const cnt = {};
for (const r of rows) cnt[r[0]] = (cnt[r[0]] ?? 0) + 1;
console.log('variants.tsv', rows.length, 'rows', JSON.stringify(cnt), '; variants_hard.tsv', hard.length, 'rows');

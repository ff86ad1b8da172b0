// atip web UI: every string comes from the language catalogue in i18n/.
"use strict";

async function catalogue(lang) {
	const res = await fetch(`/i18n/${lang}.json`);
	return res.ok ? res.json() : {};
}

function translate(strings) {
	for (const el of document.querySelectorAll("[data-i18n]")) {
		const text = strings[el.dataset.i18n];
		if (text !== undefined)
			el.textContent = text;
	}
}

async function probe(path) {
	try {
		return (await fetch(path, { cache: "no-store" })).ok;
	} catch {
		return false;
	}
}

function show(id, up, strings) {
	const el = document.getElementById(id);
	el.textContent = strings[up ? "status.up" : "status.down"];
	el.className = up ? "ok" : "bad";
}

async function main() {
	const strings = await catalogue("en");
	translate(strings);
	document.title = strings["app.name"] || "atip";
	show("status-server", await probe("/healthz"), strings);
	show("status-database", await probe("/readyz"), strings);
}

main();

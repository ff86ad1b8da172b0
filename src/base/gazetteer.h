/*
 * The district gazetteer: the districts of Nepal, Sri Lanka, Bangladesh and
 * India, for the places of a case (recruitment, transit, exploitation).
 *
 * The table is generated at build time by scripts/gen-gazetteer from
 * data/gazetteer/districts.tsv (sources, codes and counts in
 * data/gazetteer/README.md) and compiled in: every function here is a
 * read-only lookup that allocates nothing, safe from any thread, and every
 * string lives as long as the process.
 */
#ifndef ATIP_BASE_GAZETTEER_H
#define ATIP_BASE_GAZETTEER_H

#include <stddef.h>

/*
 * One district.  code is its stable id: the ISO 3166-2 code where ISO has
 * districts ("LK-11", "BD-13"), else "<subdivision>-<slug of the name>"
 * ("NP-P3-kathmandu", "IN-MH-pune").  country is ISO 3166-1 alpha-2
 * ("NP"); subdivision the ISO 3166-2 code of the province, state or
 * division that holds it ("NP-P3"); name the English name, in UTF-8.
 */
struct gazetteer_entry {
	const char *code;
	const char *country;
	const char *subdivision;
	const char *name;
};

/* Every district, sorted by code (strcmp order). */
extern const struct gazetteer_entry gazetteer_entries[];
extern const size_t gazetteer_nentries;

/* The district with this code ("NP-P3-kathmandu", "LK-11"), or NULL. */
const struct gazetteer_entry *gazetteer_find(const char *code);

/*
 * Calls fn(entry, arg) for each district of country ("NP"), or of its one
 * subdivision ("NP-P3") when subdivision is neither NULL nor "", in name
 * order (ASCII letters compared without case, then by code), and returns
 * how many it called fn for: 0 for an unknown country or subdivision, or a
 * subdivision of another country.
 */
size_t gazetteer_each(const char *country, const char *subdivision,
		      void (*fn)(const struct gazetteer_entry *e, void *arg),
		      void *arg);

#endif

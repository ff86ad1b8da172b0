#include "base/gazetteer.h"

#include <stdlib.h>
#include <string.h>

/*
 * Indexes into gazetteer_entries[] ordered by country, then name folded to
 * upper case, then code: made by scripts/gen-gazetteer so that listing in
 * name order needs no sorting, hence no memory, at run time.
 */
extern const unsigned short gazetteer_by_name[];

static int
by_code(const void *key, const void *entry)
{
	return strcmp(key, ((const struct gazetteer_entry *)entry)->code);
}

const struct gazetteer_entry *
gazetteer_find(const char *code)
{
	if (!code || !*code)
		return NULL;
	return bsearch(code, gazetteer_entries, gazetteer_nentries,
		       sizeof(gazetteer_entries[0]), by_code);
}

size_t
gazetteer_each(const char *country, const char *subdivision,
	       void (*fn)(const struct gazetteer_entry *e, void *arg),
	       void *arg)
{
	size_t i, n = 0;

	if (!country || !*country)
		return 0;
	if (subdivision && !*subdivision)
		subdivision = NULL;
	/* A country's districts are adjacent in gazetteer_by_name[]. */
	for (i = 0; i < gazetteer_nentries; i++) {
		const struct gazetteer_entry *e =
			&gazetteer_entries[gazetteer_by_name[i]];
		int c = strcmp(e->country, country);

		if (c < 0)
			continue;
		if (c > 0)
			break;
		if (subdivision && strcmp(e->subdivision, subdivision) != 0)
			continue;
		fn(e, arg);
		n++;
	}
	return n;
}

/*
 * ISO 3166-1 country and ISO 3166-2 subdivision codes, from Debian's
 * iso-codes package (iso_3166-1.json and iso_3166-2.json).
 *
 * The data is read once, on first use, from the directory named by the
 * environment variable ATIP_ISO_CODES_DIR (default ISO_DEFAULT_DIR) and
 * kept for the life of the process; after that every function is a
 * read-only lookup, safe from any thread.  Codes are compared exactly as
 * ISO writes them: upper-case ("NP", "NP-P3").
 */
#ifndef ATIP_BASE_ISO_H
#define ATIP_BASE_ISO_H

#include <stdbool.h>
#include <stddef.h>

#define ISO_DEFAULT_DIR "/usr/share/iso-codes/json"

enum {
	ISO_COUNTRY_LEN = 2,	 /* alpha-2 */
	ISO_SUBDIVISION_MAX = 6, /* "CC-XXX": country, hyphen, 1 to 3 */
};

/*
 * Loads the data if not yet done.  Returns false when it could not be
 * read; then, when err is not NULL, writes one line saying which file and
 * why (naming ATIP_ISO_CODES_DIR) into err.  A failed load is not retried:
 * every lookup answers false (or NULL) for the life of the process.
 */
bool iso_load(char *err, size_t errlen);

/* True when code is a current ISO 3166-1 alpha-2 code ("NP"). */
bool iso_country_valid(const char *code);

/*
 * Reads a country code given in any case ("np") into out as ISO writes it
 * ("NP"); false (out "") when it is not a current alpha-2 code.
 */
bool iso_country_parse(const char *s, char out[ISO_COUNTRY_LEN + 1]);

/*
 * True when code is an ISO 3166-2 subdivision code of the country
 * ("NP", "NP-P3"): it must exist and belong to that country.
 */
bool iso_subdivision_valid(const char *country, const char *code);

/*
 * The English short name of a country ("Nepal"; iso-codes' common_name
 * where it has one, such as "Bolivia"), or NULL when unknown.  The string
 * lives as long as the process.
 */
const char *iso_country_name(const char *code);

/* The name of a subdivision ("Bāgmatī"), or NULL when unknown. */
const char *iso_subdivision_name(const char *code);

#endif

#include "base/iso.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/mem.h"

struct entry {
	char code[ISO_SUBDIVISION_MAX + 1];
	char *name; /* never freed: the tables live as long as the process */
};

struct table {
	struct entry *v;
	size_t n;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct table countries, subdivisions;
static bool loaded;
static char load_err[PATH_MAX + 200];

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_country_code(const char *s)
{
	return s && is_upper(s[0]) && is_upper(s[1]) && !s[2];
}

/* "CC-X" to "CC-XXX", X an upper-case letter or a digit. */
static bool
is_subdivision_code(const char *s)
{
	size_t i;

	if (!s || !is_upper(s[0]) || !is_upper(s[1]) || s[2] != '-')
		return false;
	for (i = 3; s[i]; i++)
		if (i >= ISO_SUBDIVISION_MAX ||
		    !(is_upper(s[i]) || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return i > 3;
}

static int
by_code(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->code,
		      ((const struct entry *)b)->code);
}

/*
 * Reads the array `key` of dir/file into t, keeping the entries whose
 * code_key passes valid (iso-codes is schema-checked upstream; an entry
 * atip could not store is left out rather than trusted).
 */
static bool
read_table(const char *dir, const char *file, const char *key,
	   const char *code_key, bool (*valid)(const char *), struct table *t)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *doc, *list, *item;
	FILE *f;
	size_t i;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    sizeof(path)) {
		snprintf(load_err, sizeof(load_err),
			 "ATIP_ISO_CODES_DIR: the path is too long");
		return false;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(load_err, sizeof(load_err),
			 "ATIP_ISO_CODES_DIR: cannot read %s: %s", path,
			 strerror(errno));
		return false;
	}
	doc = json_loadf(f, 0, &jerr);
	fclose(f);
	if (!doc) {
		snprintf(load_err, sizeof(load_err),
			 "ATIP_ISO_CODES_DIR: %s, line %d: %s", path, jerr.line,
			 jerr.text);
		return false;
	}
	list = json_object_get(doc, key);
	if (!json_is_array(list) || json_array_size(list) == 0) {
		snprintf(load_err, sizeof(load_err),
			 "ATIP_ISO_CODES_DIR: %s has no \"%s\" list", path,
			 key);
		json_decref(doc);
		return false;
	}
	t->v = xcalloc(json_array_size(list), sizeof(*t->v));
	t->n = 0;
	json_array_foreach (list, i, item) {
		const char *code =
			json_string_value(json_object_get(item, code_key));
		const char *name =
			json_string_value(json_object_get(item, "common_name"));

		if (!name)
			name = json_string_value(json_object_get(item, "name"));
		if (!valid(code) || !name)
			continue;
		snprintf(t->v[t->n].code, sizeof(t->v[t->n].code), "%s", code);
		t->v[t->n].name = xstrdup(name);
		t->n++;
	}
	json_decref(doc);
	qsort(t->v, t->n, sizeof(*t->v), by_code);
	return true;
}

static void
load_once(void)
{
	const char *dir = getenv("ATIP_ISO_CODES_DIR");

	if (!dir || !*dir)
		dir = ISO_DEFAULT_DIR;
	loaded = read_table(dir, "iso_3166-1.json", "3166-1", "alpha_2",
			    is_country_code, &countries) &&
		 read_table(dir, "iso_3166-2.json", "3166-2", "code",
			    is_subdivision_code, &subdivisions);
}

bool
iso_load(char *err, size_t errlen)
{
	pthread_once(&once, load_once);
	if (!loaded && err && errlen)
		snprintf(err, errlen, "%s", load_err);
	return loaded;
}

static const struct entry *
find(const struct table *t, const char *code)
{
	struct entry key;

	if (!iso_load(NULL, 0) || !code || strlen(code) >= sizeof(key.code))
		return NULL;
	memcpy(key.code, code, strlen(code) + 1);
	return bsearch(&key, t->v, t->n, sizeof(*t->v), by_code);
}

bool
iso_country_valid(const char *code)
{
	return is_country_code(code) && find(&countries, code);
}

bool
iso_subdivision_valid(const char *country, const char *code)
{
	return iso_country_valid(country) && is_subdivision_code(code) &&
	       !memcmp(code, country, ISO_COUNTRY_LEN) &&
	       find(&subdivisions, code);
}

const char *
iso_country_name(const char *code)
{
	const struct entry *e = is_country_code(code) ? find(&countries, code)
						      : NULL;

	return e ? e->name : NULL;
}

const char *
iso_subdivision_name(const char *code)
{
	const struct entry *e =
		is_subdivision_code(code) ? find(&subdivisions, code) : NULL;

	return e ? e->name : NULL;
}

bool
iso_country_parse(const char *s, char out[ISO_COUNTRY_LEN + 1])
{
	out[0] = '\0';
	if (!s || strlen(s) != ISO_COUNTRY_LEN)
		return false;
	for (int i = 0; i < ISO_COUNTRY_LEN; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
	out[ISO_COUNTRY_LEN] = '\0';
	if (iso_country_valid(out))
		return true;
	out[0] = '\0';
	return false;
}

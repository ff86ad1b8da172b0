/*
 * How a case's entries are kept: plain fields as JSON text, personal ones
 * sealed one by one under the case's data key.
 */
#include <string.h>

#include "base/text.h"
#include "cases/cases_int.h"

json_t *
cases_json_parse(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_object(v)) {
		json_decref(v);
		v = json_object();
	}
	return v;
}

const char *
cases_json_text(struct arena *a, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	const char *out = arena_strdup(a, s ? s : "{}");

	free(s);
	return out;
}

void
cases_merge(json_t *into, json_t *changes)
{
	const char *key;
	json_t *v;

	json_object_foreach (changes, key, v) {
		if (json_is_null(v))
			json_object_del(into, key);
		else
			json_object_set(into, key, v);
	}
}

const char *
cases_framed(struct arena *a, const json_t *list)
{
	size_t n = json_array_size(list), i;
	const char **v = arena_alloc(a, (n ? n : 1) * sizeof(*v));
	json_t *x;

	json_array_foreach (list, i, x)
		v[i] = json_string_value(x);
	return text_join(a, v, n, true);
}

struct crypto_dek *
cases_dek(const struct crypto_keyring *kr, const struct case_record *r)
{
	if (r->dek)
		return r->dek;
	return r->data_key ? crypto_dek_unwrap(kr, r->data_key, r->id) : NULL;
}

void
cases_dek_done(const struct case_record *r, struct crypto_dek *dek)
{
	if (dek != r->dek)
		crypto_dek_free(dek);
}

const char *
cases_seal(struct arena *a, const struct crypto_dek *dek, const char *id,
	   const char *sealed, json_t *personal)
{
	json_t *all = cases_json_parse(sealed);
	const char *key, *out;
	json_t *v;

	json_object_foreach (personal, key, v) {
		char *plain, *box;

		if (json_is_null(v)) {
			json_object_del(all, key);
			continue;
		}
		plain = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		box = plain ? crypto_field_encrypt(dek, id, key, plain,
						   strlen(plain))
			    : NULL;
		crypto_wipe_str(plain);
		if (!box) {
			json_decref(all);
			return NULL;
		}
		json_object_set_new(all, key, json_string(box));
		free(box);
	}
	out = cases_json_text(a, all);
	json_decref(all);
	return out;
}

/* True when name is among only (or only is empty). */
static bool
shared(const char *name, const char *const *only, size_t nonly)
{
	if (!nonly)
		return true;
	for (size_t i = 0; i < nonly; i++)
		if (!strcmp(only[i], name))
			return true;
	return false;
}

bool
cases_unseal(const struct crypto_dek *dek, const char *id, const char *sealed,
	     const char *const *only, size_t nonly, json_t **out)
{
	json_t *all = cases_json_parse(sealed);
	json_t *open = json_object();
	const char *key;
	json_t *v;
	bool ok = true;

	json_object_foreach (all, key, v) {
		struct buf plain;
		json_t *x;

		if (!shared(key, only, nonly))
			continue;
		buf_init(&plain, CASES_FIELD_MAX);
		if (!json_is_string(v) ||
		    !crypto_field_decrypt(dek, id, key, json_string_value(v),
					  &plain) ||
		    !buf_add(&plain, "", 1)) {
			crypto_wipe_buf(&plain);
			ok = false;
			break;
		}
		x = json_loads(plain.p, JSON_DECODE_ANY, NULL);
		crypto_wipe_buf(&plain);
		if (!x) {
			ok = false;
			break;
		}
		json_object_set_new(open, key, x);
	}
	json_decref(all);
	if (!ok) {
		json_decref(open);
		return false;
	}
	*out = open;
	return true;
}

bool
cases_has(const json_t *list, const char *v)
{
	size_t i;
	json_t *x;

	json_array_foreach (list, i, x)
		if (!strcmp(json_string_value(x), v))
			return true;
	return false;
}

bool
cases_minor(const json_t *person)
{
	const char *band =
		json_string_value(json_object_get(person, "age_band"));

	return band && (!strcmp(band, "0-11") || !strcmp(band, "12-17"));
}

/*
 * Linkage schemas: clkhash's v3 format (version, clkConfig.l, features with
 * identifier, ignored, format, hashing.comparison ngram/exact,
 * hashing.strategy bitsPerToken/bitsPerFeature, hash blakeHash) and atip's
 * extensions: x-normalise, x-columns, x-join, the comparison type x-date
 * and clkConfig.x-threshold (docs/linkage.md).  clkConfig.kdf is accepted
 * and not used: every field's key derives from the linkage key by keyed
 * BLAKE2b.
 */
#include "linkage/link.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/*
 * The person schema the platform and `atip link` use by default: the names
 * (given name and surname in either order, also as consonant skeletons),
 * the father's name, the birth date (a year alone, day and month either
 * way round), gender, home district and country, phone; the columns of
 * FEBRL's sets besides.  The weights and the threshold were chosen on
 * FEBRL4 and the South Asian registers of tests/data/linkage together
 * (F1 0.999 and 0.99 at 0.68; bench/linkage).
 */
static const char person_schema[] =
	"{\"version\": 3, \"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\":"
	" \"HKDF\"}, \"x-threshold\": 0.68}, \"features\": ["
	"{\"identifier\": \"name\", \"format\": {\"type\": \"string\"}, \"x-columns\": "
	"[\"given_name\", \"surname\"], \"x-join\": \"sorted\", \"x-normalise\": "
	"\"name\", \"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 2}, "
	"\"strategy\": {\"bitsPerToken\": 5}, \"hash\": {\"type\": \"blakeHash\"}}},"
	"{\"identifier\": \"given_name\", \"format\": {\"type\": \"string\"}, "
	"\"x-normalise\": \"name\", \"hashing\": {\"comparison\": {\"type\": \"ngram\", "
	"\"n\": 2}, \"strategy\": {\"bitsPerToken\": 3}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"name_skeleton\", \"format\": {\"type\": \"string\"}, "
	"\"x-columns\": [\"given_name\", \"surname\"], \"x-join\": \"sorted\", "
	"\"x-normalise\": \"skeleton\", \"hashing\": {\"comparison\": {\"type\": "
	"\"ngram\", \"n\": 2}, \"strategy\": {\"bitsPerToken\": 4}, \"hash\": "
	"{\"type\": \"blakeHash\"}}},"
	"{\"identifier\": \"father_name\", \"format\": {\"type\": \"string\"}, "
	"\"x-normalise\": \"name\", \"hashing\": {\"comparison\": {\"type\": \"ngram\", "
	"\"n\": 2}, \"strategy\": {\"bitsPerToken\": 5}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"date_of_birth\", \"format\": {\"type\": \"date\"}, "
	"\"x-columns\": [\"date_of_birth\", \"birth_year\"], \"x-normalise\": "
	"\"date\", \"hashing\": {\"comparison\": {\"type\": \"x-date\"}, \"strategy\": "
	"{\"bitsPerToken\": 18}, \"hash\": {\"type\": \"blakeHash\"}}},"
	"{\"identifier\": \"gender\", \"format\": {\"type\": \"enum\"}, "
	"\"x-normalise\": \"gender\", \"hashing\": {\"comparison\": {\"type\": "
	"\"exact\"}, \"strategy\": {\"bitsPerToken\": 5}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"home_district\", \"format\": {\"type\": \"string\"}, "
	"\"x-normalise\": \"name\", \"hashing\": {\"comparison\": {\"type\": \"ngram\", "
	"\"n\": 2}, \"strategy\": {\"bitsPerToken\": 4}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"home_country\", \"format\": {\"type\": \"enum\"}, "
	"\"x-normalise\": \"none\", \"hashing\": {\"comparison\": {\"type\": "
	"\"exact\"}, \"strategy\": {\"bitsPerToken\": 1}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"phone\", \"format\": {\"type\": \"string\"}, "
	"\"x-normalise\": \"phone\", \"hashing\": {\"comparison\": {\"type\": "
	"\"ngram\", \"n\": 2, \"positional\": true}, \"strategy\": {\"bitsPerToken\": "
	"8}, \"hash\": {\"type\": \"blakeHash\"}}},"
	"{\"identifier\": \"street_number\", \"format\": {\"type\": \"integer\"}, "
	"\"x-normalise\": \"digits\", \"hashing\": {\"comparison\": {\"type\": "
	"\"exact\"}, \"strategy\": {\"bitsPerToken\": 9}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"address\", \"format\": {\"type\": \"string\"}, "
	"\"x-columns\": [\"address_1\", \"address_2\"], \"x-join\": true, "
	"\"x-normalise\": \"none\", \"hashing\": {\"comparison\": {\"type\": \"ngram\", "
	"\"n\": 2}, \"strategy\": {\"bitsPerToken\": 8}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"suburb\", \"format\": {\"type\": \"string\"}, "
	"\"x-normalise\": \"none\", \"hashing\": {\"comparison\": {\"type\": \"ngram\", "
	"\"n\": 2}, \"strategy\": {\"bitsPerToken\": 8}, \"hash\": {\"type\": "
	"\"blakeHash\"}}},"
	"{\"identifier\": \"postcode\", \"format\": {\"type\": \"integer\"}, "
	"\"x-normalise\": \"digits\", \"hashing\": {\"comparison\": {\"type\": "
	"\"ngram\", \"n\": 2, \"positional\": true}, \"strategy\": {\"bitsPerToken\": "
	"8}, \"hash\": {\"type\": \"blakeHash\"}}},"
	"{\"identifier\": \"state\", \"format\": {\"type\": \"enum\"}, \"x-normalise\": "
	"\"none\", \"hashing\": {\"comparison\": {\"type\": \"exact\"}, \"strategy\": "
	"{\"bitsPerToken\": 13}, \"hash\": {\"type\": \"blakeHash\"}}}"
	"]}";

static bool
fail(char *err, size_t errlen, const char *where, const char *why)
{
	snprintf(err, errlen, "%s: %s", where, why);
	return false;
}

static bool
read_int(json_t *o, const char *key, long long min, long long max,
	 long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool
read_hashing(json_t *h, struct link_feature *f, const char *where, char *err,
	     size_t errlen)
{
	json_t *cmp = json_object_get(h, "comparison");
	json_t *strat = json_object_get(h, "strategy");
	json_t *hash = json_object_get(h, "hash");
	const char *type = json_string_value(json_object_get(cmp, "type"));
	json_t *pos = json_object_get(cmp, "positional");
	const char *htype = json_string_value(json_object_get(hash, "type"));
	long long v;

	if (!type)
		return fail(err, errlen, where,
			    "hashing.comparison.type is missing");
	if (!strcmp(type, "ngram")) {
		f->compare = LINK_NGRAM;
		if (!read_int(cmp, "n", 1, 4, &v))
			return fail(err, errlen, where,
				    "hashing.comparison.n must be 1 to 4");
		f->n = (unsigned)v;
		if (pos && !json_is_boolean(pos))
			return fail(err, errlen, where,
				    "hashing.comparison.positional must be "
				    "true or false");
		f->positional = json_is_true(pos);
	} else if (!strcmp(type, "exact")) {
		f->compare = LINK_EXACT;
	} else if (!strcmp(type, "x-date")) {
		f->compare = LINK_DATE;
	} else {
		return fail(err, errlen, where,
			    "hashing.comparison.type must be ngram, exact or "
			    "x-date");
	}
	if (json_object_get(strat, "bitsPerToken")) {
		if (!read_int(strat, "bitsPerToken", 1, 100, &v))
			return fail(err, errlen, where,
				    "bitsPerToken must be 1 to 100");
		f->bits_per_token = (unsigned)v;
	} else if (json_object_get(strat, "bitsPerFeature")) {
		if (!read_int(strat, "bitsPerFeature", 1, LINK_BITS_MAX, &v))
			return fail(err, errlen, where,
				    "bitsPerFeature must be 1 to 4096");
		f->bits_per_feature = (unsigned)v;
	} else {
		return fail(err, errlen, where,
			    "hashing.strategy needs bitsPerToken or "
			    "bitsPerFeature");
	}
	if (hash && (!htype || strcmp(htype, "blakeHash")))
		return fail(err, errlen, where,
			    "hashing.hash.type must be blakeHash");
	return true;
}

static bool
read_columns(json_t *feat, struct link_feature *f, const char *where, char *err,
	     size_t errlen)
{
	json_t *cols = json_object_get(feat, "x-columns");
	json_t *join = json_object_get(feat, "x-join");
	size_t i;
	json_t *c;

	f->ncolumns = 0;
	if (!cols) {
		f->columns[f->ncolumns++] = f->name;
	} else if (!json_is_array(cols) || !json_array_size(cols) ||
		   json_array_size(cols) > LINK_COLUMNS_MAX) {
		return fail(err, errlen, where,
			    "x-columns must be a list of 1 to 4 column names");
	}
	json_array_foreach (cols, i, c) {
		if (!json_is_string(c) || !*json_string_value(c))
			return fail(err, errlen, where,
				    "x-columns must hold column names");
		f->columns[f->ncolumns++] = json_string_value(c);
	}
	if (json_is_true(join))
		f->join = LINK_JOIN;
	else if (json_is_string(join) &&
		 !strcmp(json_string_value(join), "sorted"))
		f->join = LINK_SORTED;
	else if (join && !json_is_false(join))
		return fail(err, errlen, where,
			    "x-join must be true, false or \"sorted\"");
	return true;
}

static bool
read_feature(json_t *feat, struct link_feature *f, char *err, size_t errlen)
{
	const char *norm =
		json_string_value(json_object_get(feat, "x-normalise"));
	const char *type = json_string_value(
		json_object_get(json_object_get(feat, "format"), "type"));
	json_t *h = json_object_get(feat, "hashing");

	if (!read_columns(feat, f, f->name, err, errlen))
		return false;
	if (!json_is_object(h))
		return fail(err, errlen, f->name, "hashing is missing");
	if (!read_hashing(h, f, f->name, err, errlen))
		return false;
	if (norm) {
		if (!link_norm_parse(norm, &f->norm))
			return fail(err, errlen, f->name,
				    "x-normalise must be none, name, "
				    "skeleton, date, year, phone, gender or "
				    "digits");
	} else if (type && !strcmp(type, "date")) {
		f->norm = LINK_NORM_DATE;
	} else if (type && !strcmp(type, "integer")) {
		f->norm = LINK_NORM_DIGITS;
	} else {
		f->norm = LINK_NORM_NONE;
	}
	if (f->compare == LINK_DATE && f->norm != LINK_NORM_DATE &&
	    f->norm != LINK_NORM_YEAR)
		return fail(err, errlen, f->name,
			    "x-date compares only dates (x-normalise date or "
			    "year)");
	return true;
}

struct link_schema *
link_schema_read(json_t *doc, const struct crypto_link_key *k, char *err,
		 size_t errlen)
{
	struct link_schema *s = xcalloc(1, sizeof(*s));
	json_t *conf = json_object_get(doc, "clkConfig");
	json_t *feats = json_object_get(doc, "features");
	json_t *thr = json_object_get(conf, "x-threshold");
	long long v;
	size_t i;
	json_t *feat;

	s->doc = json_incref(doc);
	if (!read_int(doc, "version", 3, 3, &v)) {
		fail(err, errlen, "version", "must be 3");
		goto fail;
	}
	if (!read_int(conf, "l", 64, LINK_BITS_MAX, &v) || v % 64) {
		fail(err, errlen, "clkConfig.l",
		     "must be a multiple of 64 from 64 to 4096");
		goto fail;
	}
	s->bits = (unsigned)v;
	s->words = s->bits / 64;
	s->threshold = 0.75;
	if (thr) {
		if (!json_is_number(thr) || json_number_value(thr) <= 0 ||
		    json_number_value(thr) > 1) {
			fail(err, errlen, "clkConfig.x-threshold",
			     "must be a number above 0 and at most 1");
			goto fail;
		}
		s->threshold = json_number_value(thr);
	}
	if (!json_is_array(feats) || !json_array_size(feats)) {
		fail(err, errlen, "features", "must be a non-empty list");
		goto fail;
	}
	json_array_foreach (feats, i, feat) {
		struct link_feature *f = &s->features[s->nfeatures];

		f->name =
			json_string_value(json_object_get(feat, "identifier"));
		if (!f->name || !*f->name) {
			fail(err, errlen, "features",
			     "each feature needs an identifier");
			goto fail;
		}
		if (json_is_true(json_object_get(feat, "ignored")))
			continue;
		if (s->nfeatures == LINK_FIELDS_MAX) {
			fail(err, errlen, "features", "at most 32 are hashed");
			goto fail;
		}
		if (!read_feature(feat, f, err, errlen))
			goto fail;
		f->key = crypto_link_field_new(k, f->name);
		s->nfeatures++;
	}
	if (!s->nfeatures) {
		fail(err, errlen, "features", "all are ignored");
		goto fail;
	}
	return s;
fail:
	link_schema_free(s);
	return NULL;
}

const char *
link_schema_person_text(void)
{
	return person_schema;
}

struct link_schema *
link_schema_person(const struct crypto_link_key *k)
{
	json_error_t je;
	json_t *doc = json_loads(person_schema, 0, &je);
	struct link_schema *s;
	char err[160];

	if (!doc)
		abort();
	s = link_schema_read(doc, k, err, sizeof(err));
	json_decref(doc);
	if (!s)
		abort(); /* the built-in schema is fixed: a build defect */
	return s;
}

void
link_schema_free(struct link_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfeatures; i++)
		crypto_link_field_free(s->features[i].key);
	json_decref(s->doc);
	free(s);
}

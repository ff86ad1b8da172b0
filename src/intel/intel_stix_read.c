/*
 * A STIX 2.1 bundle in as reports (intel_stix.h): every object checked
 * first, then indicators' patterns and observed data's observables read,
 * then reports gathering them; a refusal anywhere returns nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intel/intel_stix_int.h"

/* ---- In: the objects ---------------------------------------------------- */

/* The observables STIX 2.1 defines (section 6). */
static const char *const sco_types[] = {
	"artifact",
	"autonomous-system",
	"directory",
	"domain-name",
	"email-addr",
	"email-message",
	"file",
	"ipv4-addr",
	"ipv6-addr",
	"mac-addr",
	"mutex",
	"network-traffic",
	"process",
	"software",
	"url",
	"user-account",
	"windows-registry-key",
	"x509-certificate",
};

/* Observables that hold a value atip keeps, and where. */
static const struct {
	const char *type, *value, *qualifier;
	enum intel_type t;
} sco_values[] = {
	{ "email-addr", "value", NULL, INTEL_EMAIL },
	{ "url", "value", NULL, INTEL_URL },
	{ "domain-name", "value", NULL, INTEL_DOMAIN },
	{ "ipv4-addr", "value", NULL, INTEL_IP },
	{ "ipv6-addr", "value", NULL, INTEL_IP },
	{ "user-account", "account_login", "account_type", INTEL_HANDLE },
	{ "x-atip-phone", "value", NULL, INTEL_PHONE },
	{ "x-atip-upi", "value", NULL, INTEL_UPI },
	{ "x-atip-bank-account", "value", NULL, INTEL_BANK },
	{ "x-atip-crypto-wallet", "value", "chain", INTEL_WALLET },
	{ "x-atip-vehicle-plate", "value", NULL, INTEL_PLATE },
	{ "x-atip-ad-text", "value", NULL, INTEL_AD },
};

struct obj {
	json_t *o;
	size_t index;	 /* in /objects */
	const char *ptr; /* "/objects/<index>" */
	const char *type, *id;
	bool sco, older, used, revoked;
	int64_t created, modified;
	int tlp; /* the strictest TLP marking, or -1 */
	/* An indicator's or observed-data's values, as indicators. */
	bool holder;
	struct intel_indicator *inds;
	size_t ninds, cap;
	size_t stamp; /* the report that took them last, plus one */
};

struct reader {
	struct arena *a;
	struct coord_errors *errs;
	int errs_before;
	struct obj *objs;
	size_t nobjs;
	struct obj **byid; /* sorted by id, then modified */
	struct intel_stix_skip *skips;
	size_t nskips, skipcap;
	size_t values; /* taken into reports, repeats included */
};

static bool
refuse(struct reader *r, const char *field, const char *message)
{
	coord_error(r->errs, field, message);
	return false;
}

static const char *
fld(struct reader *r, const char *base, const char *key)
{
	return arena_printf(r->a, "%s/%s", base, key);
}

static bool
failed(const struct reader *r)
{
	return r->errs->n > r->errs_before;
}

static void
skip(struct reader *r, const char *id, const char *reason)
{
	r->skips = intel_stix_grow(r->a, r->skips, r->nskips, &r->skipcap,
				   sizeof(*r->skips));
	r->skips[r->nskips].id = id;
	r->skips[r->nskips++].reason = reason;
}

static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * The string member key of o, copied into the arena, into *out (NULL when
 * absent); false after an error when it is not a string, holds a NUL or
 * passes max characters.
 */
static bool
get_str(struct reader *r, json_t *o, const char *base, const char *key,
	size_t max, bool required, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return !required || refuse(r, fld(r, base, key), "is required");
	if (!json_is_string(v))
		return refuse(r, fld(r, base, key), "is not a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return refuse(r, fld(r, base, key), "holds a NUL character");
	if (chars(json_string_value(v)) > max)
		return refuse(r, fld(r, base, key),
			      arena_printf(r->a,
					   "is longer than %zu characters",
					   max));
	*out = arena_strdup(r->a, json_string_value(v));
	return true;
}

/* A STIX timestamp: RFC 3339 in UTC, 'Z', any fraction of a second. */
static bool
stix_time(const char *s, int64_t *ms)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
			return false;
	if (s[i] == '.') {
		size_t j = ++i;

		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j || i - j > 9)
			return false;
	}
	return s[i] == 'Z' && !s[i + 1] && time_parse_rfc3339(s, ms);
}

static bool
get_time(struct reader *r, json_t *o, const char *base, const char *key,
	 bool required, int64_t *ms)
{
	const char *s;

	if (!get_str(r, o, base, key, 40, required, &s))
		return false;
	if (s && !stix_time(s, ms))
		return refuse(r, fld(r, base, key),
			      "is not a STIX timestamp "
			      "(\"2026-11-30T09:30:00.000Z\")");
	return true;
}

static bool
is_sco_type(const char *type, json_t *o)
{
	for (size_t i = 0; i < sizeof(sco_types) / sizeof(sco_types[0]); i++)
		if (!strcmp(type, sco_types[i]))
			return true;
	/* A custom object is an observable when it has no created. */
	return !strncmp(type, "x-", 2) && !json_object_get(o, "created");
}

static bool
type_valid(const char *s, size_t n)
{
	if (n < 3 || n > 250 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] == '-' && s[i + 1] != '-')))
			return false;
	return true;
}

/* "<type>--<uuid>"; when type is NULL, of any valid type. */
static bool
id_valid(const char *id, const char *type)
{
	const char *dash = strstr(id, "--");
	size_t n;

	if (!dash)
		return false;
	n = (size_t)(dash - id);
	if (type ? strlen(type) != n || strncmp(id, type, n)
		 : !type_valid(id, n))
		return false;
	return uuid_valid(str_of(dash + 2));
}

/* The strictest TLP of a list of marking refs, or -1 for none. */
static int
tlp_of(json_t *refs)
{
	int tlp = -1;
	size_t i;
	json_t *v;

	json_array_foreach (refs, i, v) {
		const char *s = json_string_value(v);

		for (int t = 0; s && t < TLP_COUNT; t++)
			if (!strcasecmp(s, intel_stix_tlp2[t].id) && t > tlp)
				tlp = t;
		for (int k = 0; s && k < INTEL_STIX_TLP1_COUNT; k++)
			if (!strcasecmp(s, intel_stix_tlp1[k].id) &&
			    (int)intel_stix_tlp1_as[k] > tlp)
				tlp = (int)intel_stix_tlp1_as[k];
	}
	return tlp;
}

static bool
tlp_known(const char *id)
{
	for (int t = 0; t < TLP_COUNT; t++)
		if (!strcasecmp(id, intel_stix_tlp2[t].id))
			return true;
	for (int k = 0; k < INTEL_STIX_TLP1_COUNT; k++)
		if (!strcasecmp(id, intel_stix_tlp1[k].id))
			return true;
	return false;
}

/* The common properties of /objects/i (STIX 2.1 section 3.2). */
static bool
object_head(struct reader *r, size_t i, json_t *o, struct obj *x)
{
	const char *sv;
	json_t *refs;
	bool marking;

	x->o = o;
	x->index = i;
	x->tlp = -1;
	x->ptr = arena_printf(r->a, "/objects/%zu", i);
	if (!json_is_object(o))
		return refuse(r, x->ptr, "is not an object");
	if (!get_str(r, o, x->ptr, "type", 250, true, &x->type))
		return false;
	if (!type_valid(x->type, strlen(x->type)))
		return refuse(r, fld(r, x->ptr, "type"),
			      "is not a STIX type name");
	if (!get_str(r, o, x->ptr, "id", 300, true, &x->id))
		return false;
	if (!id_valid(x->id, x->type))
		return refuse(r, fld(r, x->ptr, "id"),
			      "is not the object's type, \"--\" and a UUID");
	x->sco = is_sco_type(x->type, o);
	marking = !strcmp(x->type, "marking-definition");
	if (!get_str(r, o, x->ptr, "spec_version", 10, !x->sco, &sv))
		return false;
	if (sv && strcmp(sv, "2.1"))
		return refuse(r, fld(r, x->ptr, "spec_version"),
			      "must be \"2.1\"");
	refs = json_object_get(o, "object_marking_refs");
	if (refs && !json_is_array(refs))
		return refuse(r, fld(r, x->ptr, "object_marking_refs"),
			      "is not a list");
	x->tlp = refs ? tlp_of(refs) : -1;
	if (x->sco)
		return true;
	if (!get_time(r, o, x->ptr, "created", true, &x->created) ||
	    !get_time(r, o, x->ptr, "modified", !marking, &x->modified))
		return false;
	if (marking && !json_object_get(o, "modified"))
		x->modified = x->created;
	if (x->modified < x->created)
		return refuse(r, fld(r, x->ptr, "modified"),
			      "is before created");
	return true;
}

static int
by_id(const void *pa, const void *pb)
{
	const struct obj *a = *(struct obj *const *)pa;
	const struct obj *b = *(struct obj *const *)pb;
	int c = strcasecmp(a->id, b->id);

	if (c)
		return c;
	if (a->modified != b->modified)
		return a->modified < b->modified ? -1 : 1;
	return a->index < b->index ? -1 : 1;
}

/* Sorts the objects by id; of one id, only the latest version counts. */
static void
index_ids(struct reader *r)
{
	r->byid = arena_alloc(r->a, (r->nobjs + 1) * sizeof(*r->byid));
	for (size_t i = 0; i < r->nobjs; i++)
		r->byid[i] = &r->objs[i];
	qsort(r->byid, r->nobjs, sizeof(*r->byid), by_id);
	for (size_t i = 0; i + 1 < r->nobjs; i++)
		if (!strcasecmp(r->byid[i]->id, r->byid[i + 1]->id)) {
			r->byid[i]->older = true;
			skip(r, r->byid[i]->id,
			     "an older version of an object in the bundle");
		}
}

static struct obj *
find(struct reader *r, const char *id)
{
	size_t lo = 0, hi = r->nobjs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(r->byid[mid]->id, id);

		if (c < 0 || (c == 0 && r->byid[mid]->older))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nobjs && !strcasecmp(r->byid[lo]->id, id) ? r->byid[lo]
								 : NULL;
}

/* ---- In: indicators and observed data ----------------------------------- */

static struct intel_indicator *
hold(struct reader *r, struct obj *x, enum intel_type t, const char *qualifier,
     const char *value)
{
	struct intel_indicator *ind;

	x->inds = intel_stix_grow(r->a, x->inds, x->ninds, &x->cap,
				  sizeof(*x->inds));
	ind = &x->inds[x->ninds++];
	memset(ind, 0, sizeof(*ind));
	ind->type = t;
	ind->qualifier = qualifier;
	ind->value = value;
	time_rfc3339(x->created, ind->created_at, sizeof(ind->created_at));
	return ind;
}

static bool
get_uuid(struct reader *r, json_t *o, const char *base, const char *key,
	 char out[UUID_STR_LEN])
{
	const char *s;

	out[0] = '\0';
	if (!get_str(r, o, base, key, 36, false, &s))
		return false;
	if (s && !uuid_normalise(str_of(s), out))
		return refuse(r, fld(r, base, key), "is not a UUID");
	return true;
}

static bool
read_indicator(struct reader *r, struct obj *x)
{
	const char *pt, *pattern, *note, *tname, *why, **skipped;
	struct intel_stix_value *v;
	char id[UUID_STR_LEN];
	size_t n, nskipped, at;

	if (!get_str(r, x->o, x->ptr, "pattern_type", 250, true, &pt) ||
	    !get_str(r, x->o, x->ptr, "pattern", INTEL_STIX_PATTERN_MAX, true,
		     &pattern) ||
	    !get_str(r, x->o, x->ptr, "description", COORD_TEXT_MAX, false,
		     &note) ||
	    !get_str(r, x->o, x->ptr, "x_atip_indicator_type", 50, false,
		     &tname) ||
	    !get_uuid(r, x->o, x->ptr, "x_atip_id", id))
		return false;
	if (strcmp(pt, "stix")) {
		skip(r, x->id,
		     arena_printf(r->a, "a %s pattern, not a STIX one", pt));
		return true;
	}
	if (!intel_stix_pattern(pattern, r->a, &v, &n, &skipped, &nskipped,
				&why, &at))
		return refuse(r, fld(r, x->ptr, "pattern"),
			      arena_printf(r->a, "%s (at byte %zu)", why, at));
	for (size_t i = 0; i < nskipped; i++)
		skip(r, x->id, skipped[i]);
	x->holder = true;
	for (size_t i = 0; i < n; i++) {
		struct intel_indicator *ind =
			hold(r, x, v[i].type, v[i].qualifier, v[i].value);
		enum intel_type t;

		ind->note = note;
		if (n > 1)
			continue;
		/* One value of an atip export: its id and exact type. */
		memcpy(ind->id, id, sizeof(id));
		if (intel_type_parse(tname, &t) &&
		    (t == INTEL_HANDLE || t == INTEL_MESSAGING) &&
		    (ind->type == INTEL_HANDLE || ind->type == INTEL_MESSAGING))
			ind->type = t;
	}
	return true;
}

/*
 * The value of an observable, when atip holds its kind; what it leaves out
 * is listed under label, unless label is NULL (listed once already).
 */
static bool
read_sco(struct reader *r, struct obj *x, json_t *sco, const char *base,
	 const char *label)
{
	const char *type, *value, *qualifier = NULL, *why = NULL;
	size_t k;

	if (!json_is_object(sco))
		return refuse(r, base, "is not an object");
	if (!get_str(r, sco, base, "type", 250, true, &type))
		return false;
	for (k = 0; k < sizeof(sco_values) / sizeof(sco_values[0]); k++)
		if (!strcmp(type, sco_values[k].type))
			break;
	if (k == sizeof(sco_values) / sizeof(sco_values[0])) {
		if (label)
			skip(r, label,
			     arena_printf(r->a,
					  "atip holds no %.100s observable",
					  type));
		return true;
	}
	if (!get_str(r, sco, base, sco_values[k].value, INTEL_STIX_PATTERN_MAX,
		     false, &value) ||
	    (sco_values[k].qualifier &&
	     !get_str(r, sco, base, sco_values[k].qualifier, INTEL_VALUE_MAX,
		      false, &qualifier)))
		return false;
	if (!value || !*value)
		why = "an observable without a value";
	else if (chars(value) > INTEL_VALUE_MAX)
		why = "a value longer than 2000 characters";
	else if (sco_values[k].t == INTEL_IP && strchr(value, '/'))
		why = "a network range, not one address";
	if (why && label)
		skip(r, label, why);
	if (!why)
		hold(r, x,
		     sco_values[k].t == INTEL_HANDLE &&
				     intel_stix_messaging_app(qualifier)
			     ? INTEL_MESSAGING
			     : sco_values[k].t,
		     qualifier && *qualifier ? qualifier : NULL, value);
	return true;
}

static const char *
pointer_escape(struct arena *a, const char *s)
{
	struct buf b;
	const char *out;

	buf_init(&b, 0);
	for (; *s; s++)
		buf_adds(&b, *s == '~'	 ? "~0"
			     : *s == '/' ? "~1"
					 : (char[]){ *s, 0 });
	out = arena_strdup(a, b.p ? b.p : "");
	buf_release(&b);
	return out;
}

/* Its observables: in objects (deprecated), or by object_refs. */
static bool
read_observed(struct reader *r, struct obj *x)
{
	json_t *scos = json_object_get(x->o, "objects");
	json_t *refs = json_object_get(x->o, "object_refs"), *v;
	const char *key;
	size_t i;

	x->holder = true;
	if (scos) {
		if (!json_is_object(scos))
			return refuse(r, fld(r, x->ptr, "objects"),
				      "is not an object");
		if (json_object_size(scos) > INTEL_STIX_SCOS_MAX)
			return refuse(r, fld(r, x->ptr, "objects"),
				      "holds too many observables");
		json_object_foreach (scos, key, v) {
			const char *k = pointer_escape(r->a, key);

			if (!read_sco(r, x, v,
				      arena_printf(r->a, "%s/objects/%s",
						   x->ptr, k),
				      arena_printf(r->a, "%s/objects/%s", x->id,
						   k)))
				return false;
		}
	}
	if (!refs)
		return true;
	if (!json_is_array(refs))
		return refuse(r, fld(r, x->ptr, "object_refs"),
			      "is not a list");
	if (json_array_size(refs) > INTEL_STIX_SCOS_MAX)
		return refuse(r, fld(r, x->ptr, "object_refs"),
			      "names too many observables");
	json_array_foreach (refs, i, v) {
		const char *id = json_string_value(v);
		struct obj *y;

		if (!id || !id_valid(id, NULL))
			return refuse(r,
				      arena_printf(r->a, "%s/object_refs/%zu",
						   x->ptr, i),
				      "is not a STIX id");
		y = find(r, id);
		if (!y)
			skip(r, arena_strdup(r->a, id), "not in the bundle");
		else if (y->sco) {
			const char *label = y->used ? NULL : y->id;

			y->used = true;
			if (!read_sco(r, x, y->o, y->ptr, label))
				return false;
		}
	}
	return true;
}

/* ---- In: reports --------------------------------------------------------- */

static bool
get_list(struct reader *r, json_t *o, const char *base, const char *key,
	 const char ***out, size_t *n)
{
	json_t *l = json_object_get(o, key), *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!l)
		return true;
	if (!json_is_array(l))
		return refuse(r, fld(r, base, key), "is not a list");
	if (json_array_size(l) > COORD_LIST_MAX_ITEMS)
		return refuse(r, fld(r, base, key), "holds too many items");
	*out = arena_alloc(r->a, (json_array_size(l) + 1) * sizeof(**out));
	json_array_foreach (l, i, v) {
		const char *s = json_string_value(v);
		const char *f = arena_printf(r->a, "%s/%s/%zu", base, key, i);

		if (!s || strlen(s) != json_string_length(v))
			return refuse(r, f, "is not a string");
		if (!*s || chars(s) > COORD_LINE_MAX)
			return refuse(r, f, "is empty or too long");
		(*out)[(*n)++] = arena_strdup(r->a, s);
	}
	return true;
}

static bool
get_date(struct reader *r, json_t *o, const char *base, const char *key,
	 char out[11])
{
	const char *s;

	out[0] = '\0';
	if (!get_str(r, o, base, key, 10, false, &s))
		return false;
	if (s && !time_parse_date(s, out))
		return refuse(r, fld(r, base, key),
			      "is not a date (YYYY-MM-DD)");
	return true;
}

/* What an atip export adds to a report (x_atip_*), checked. */
static bool
read_atip(struct reader *r, struct obj *x, struct intel_report *rep)
{
	const char *h, *level, *rel, *b = x->ptr;
	json_t *cred = json_object_get(x->o, "x_atip_credibility");
	json_t *conf = json_object_get(x->o, "confidence");

	if (!get_uuid(r, x->o, b, "x_atip_id", rep->id) ||
	    !get_str(r, x->o, b, "x_atip_handling", 2, false, &h) ||
	    !get_str(r, x->o, b, "x_atip_handling_note", COORD_TEXT_MAX, false,
		     &rep->handling_note) ||
	    !get_str(r, x->o, b, "x_atip_distribution", 20, false, &level) ||
	    !get_str(r, x->o, b, "x_atip_reliability", 1, false, &rel) ||
	    !get_date(r, x->o, b, "x_atip_period_start", rep->period_start) ||
	    !get_date(r, x->o, b, "x_atip_period_end", rep->period_end) ||
	    !get_list(r, x->o, b, "x_atip_places", &rep->places,
		      &rep->nplaces) ||
	    !get_list(r, x->o, b, "x_atip_exploitation", &rep->exploitation,
		      &rep->nexploitation) ||
	    !get_list(r, x->o, b, "x_atip_platforms", &rep->platforms,
		      &rep->nplatforms))
		return false;
	rep->handling = HANDLING_H0;
	if (h && !intel_handling_parse(h, &rep->handling))
		return refuse(r, fld(r, b, "x_atip_handling"),
			      "must be H0, H1, H2 or H3");
	rep->share.level = LEVEL_ORG;
	if (level && !access_level_parse(level, &rep->share.level))
		return refuse(r, fld(r, b, "x_atip_distribution"),
			      "is not a distribution level");
	rep->reliability = rel ? rel[0] : 'F';
	if (rep->reliability < 'A' || rep->reliability > 'F')
		return refuse(r, fld(r, b, "x_atip_reliability"),
			      "must be a letter from A to F");
	rep->credibility = 6;
	if (cred) {
		if (!json_is_integer(cred) || json_integer_value(cred) < 1 ||
		    json_integer_value(cred) > 6)
			return refuse(r, fld(r, b, "x_atip_credibility"),
				      "must be a number from 1 to 6");
		rep->credibility = (int)json_integer_value(cred);
	} else if (conf) {
		json_int_t c = json_integer_value(conf);

		if (!json_is_integer(conf) || c < 0 || c > 100)
			return refuse(r, fld(r, b, "confidence"),
				      "must be a number from 0 to 100");
		rep->credibility = c >= 80   ? 1
				   : c >= 60 ? 2
				   : c >= 40 ? 3
				   : c >= 20 ? 4
					     : 5;
	}
	return true;
}

/* Adds what holder y holds to rep, each value once. */
static bool
take(struct reader *r, struct intel_report *rep, size_t *cap, struct obj *y)
{
	for (size_t i = 0; i < y->ninds; i++) {
		const struct intel_indicator *v = &y->inds[i];
		size_t k;

		if (++r->values > INTEL_STIX_VALUES_MAX)
			return refuse(r, "/objects",
				      "names too many indicator values");
		for (k = 0; k < rep->nindicators; k++) {
			const struct intel_indicator *w = &rep->indicators[k];

			if (w->type == v->type && !strcmp(w->value, v->value) &&
			    !strcmp(w->qualifier ? w->qualifier : "",
				    v->qualifier ? v->qualifier : ""))
				break;
		}
		if (k < rep->nindicators)
			continue;
		if (rep->nindicators == INTEL_INDICATORS_MAX)
			return false;
		rep->indicators = intel_stix_grow(r->a, rep->indicators,
						  rep->nindicators, cap,
						  sizeof(*rep->indicators));
		rep->indicators[rep->nindicators] = *v;
		memcpy(rep->indicators[rep->nindicators++].report_id, rep->id,
		       UUID_STR_LEN);
	}
	return true;
}

static bool
read_report(struct reader *r, struct obj *x, size_t stamp,
	    struct intel_report *rep)
{
	json_t *refs = json_object_get(x->o, "object_refs"), *v;
	int64_t published;
	int tlp = x->tlp;
	size_t i, cap = 0;

	if (!get_str(r, x->o, x->ptr, "name", COORD_TITLE_MAX, true,
		     &rep->title) ||
	    !get_str(r, x->o, x->ptr, "description", COORD_TEXT_MAX, false,
		     &rep->narrative) ||
	    !get_time(r, x->o, x->ptr, "published", true, &published) ||
	    !read_atip(r, x, rep))
		return false;
	if (!refs)
		return refuse(r, fld(r, x->ptr, "object_refs"), "is required");
	if (!json_is_array(refs))
		return refuse(r, fld(r, x->ptr, "object_refs"),
			      "is not a list");
	if (json_array_size(refs) > INTEL_STIX_OBJECTS_MAX)
		return refuse(r, fld(r, x->ptr, "object_refs"),
			      "names too many objects");
	time_rfc3339(x->created, rep->created_at, sizeof(rep->created_at));
	time_rfc3339(x->modified, rep->updated_at, sizeof(rep->updated_at));
	json_array_foreach (refs, i, v) {
		const char *id = json_string_value(v);
		struct obj *y;

		if (!id || !id_valid(id, NULL))
			return refuse(r,
				      arena_printf(r->a, "%s/object_refs/%zu",
						   x->ptr, i),
				      "is not a STIX id");
		y = find(r, id);
		if (!y) {
			skip(r, arena_strdup(r->a, id), "not in the bundle");
			continue;
		}
		if (!y->holder || y->stamp == stamp)
			continue;
		y->used = true;
		y->stamp = stamp;
		if (y->tlp > tlp)
			tlp = y->tlp;
		if (!take(r, rep, &cap, y)) {
			if (!failed(r))
				refuse(r, fld(r, x->ptr, "object_refs"),
				       "names more than 500 indicators");
			return false;
		}
	}
	/* The strictest marking of the report and what it holds. */
	rep->share.tlp = tlp < 0 ? TLP_AMBER : (enum access_tlp)tlp;
	return true;
}

/* Indicators and observed data no report refers to, as one report. */
static bool
bundle_report(struct reader *r, const char *bundle_id, size_t stamp,
	      struct intel_report *rep)
{
	int64_t created = INT64_MAX, modified = 0;
	int tlp = -1;
	size_t cap = 0;

	for (size_t i = 0; i < r->nobjs; i++) {
		struct obj *y = &r->objs[i];

		if (!y->holder || y->used || y->older || !y->ninds)
			continue;
		if (!take(r, rep, &cap, y)) {
			if (!failed(r))
				refuse(r, "/objects",
				       "the indicators no report refers to are "
				       "more than 500");
			return false;
		}
		y->stamp = stamp;
		created = y->created < created ? y->created : created;
		modified = y->modified > modified ? y->modified : modified;
		tlp = y->tlp > tlp ? y->tlp : tlp;
	}
	if (!rep->nindicators)
		return false;
	rep->title = arena_printf(r->a, "Imported STIX bundle %.8s",
				  bundle_id + strlen("bundle--"));
	rep->reliability = 'F';
	rep->credibility = 6;
	rep->share.level = LEVEL_ORG;
	rep->share.tlp = tlp < 0 ? TLP_AMBER : (enum access_tlp)tlp;
	time_rfc3339(created, rep->created_at, sizeof(rep->created_at));
	time_rfc3339(modified, rep->updated_at, sizeof(rep->updated_at));
	return true;
}

bool
intel_stix_messaging_app(const char *account_type)
{
	static const char *const apps[] = { "whatsapp", "signal", "imo" };

	for (size_t i = 0; account_type && i < sizeof(apps) / sizeof(apps[0]);
	     i++)
		if (!strcasecmp(account_type, apps[i]))
			return true;
	return false;
}

/* What each object is to atip: read, kept for later, or skipped. */
static void
read_objects(struct reader *r)
{
	for (size_t i = 0; i < r->nobjs && !failed(r); i++) {
		struct obj *x = &r->objs[i];

		if (x->older || x->sco)
			continue;
		/* What its creator withdrew is not intelligence any more. */
		if (json_is_true(json_object_get(x->o, "revoked"))) {
			x->revoked = true;
			skip(r, x->id, "revoked by its creator");
			continue;
		}
		if (!strcmp(x->type, "report"))
			continue;
		if (!strcmp(x->type, "indicator"))
			read_indicator(r, x);
		else if (!strcmp(x->type, "observed-data"))
			read_observed(r, x);
		else if (!strcmp(x->type, "marking-definition")) {
			if (!tlp_known(x->id))
				skip(r, x->id, "a marking atip does not read");
		} else if (!strcmp(x->type, "identity"))
			skip(r, x->id,
			     "identities are not imported: the importing "
			     "organisation owns what it imports");
		else
			skip(r, x->id,
			     arena_printf(r->a, "atip holds no %s", x->type));
	}
}

static bool
read_bundle_head(struct reader *r, json_t *bundle, const char **id,
		 json_t **objects)
{
	const char *type;

	*objects = NULL;
	if (!json_is_object(bundle))
		return refuse(r, "", "is not a JSON object");
	if (!get_str(r, bundle, "", "type", 20, true, &type) ||
	    !get_str(r, bundle, "", "id", 300, true, id))
		return false;
	if (strcmp(type, "bundle"))
		return refuse(r, "/type", "must be \"bundle\"");
	if (!id_valid(*id, "bundle"))
		return refuse(r, "/id", "is not \"bundle--\" and a UUID");
	if (json_object_get(bundle, "spec_version"))
		return refuse(r, "/spec_version",
			      "belongs to STIX 2.0, which atip does not read");
	/* No objects is a bundle of nothing; an empty list is malformed. */
	*objects = json_object_get(bundle, "objects");
	if (!*objects)
		return true;
	if (!json_is_array(*objects) || !json_array_size(*objects))
		return refuse(r, "/objects", "is not a list of objects");
	if (json_array_size(*objects) > INTEL_STIX_OBJECTS_MAX)
		return refuse(r, "/objects", "holds more than 10000 objects");
	return true;
}

enum err
intel_stix_read(json_t *bundle, struct arena *a, struct intel_report **out,
		size_t *n, struct intel_stix_skip **skipped, size_t *nskipped,
		struct coord_errors *errs)
{
	struct reader r = { .a = a, .errs = errs, .errs_before = errs->n };
	struct intel_report *reps;
	size_t nreps = 0, nobjs, i;
	const char *id;
	json_t *objects, *o;

	*out = NULL;
	*n = *nskipped = 0;
	*skipped = NULL;
	if (!read_bundle_head(&r, bundle, &id, &objects))
		return ERR_INVALID;
	if (!objects)
		return ERR_OK;
	nobjs = json_array_size(objects);
	r.objs = arena_alloc(a, nobjs * sizeof(*r.objs));
	json_array_foreach (objects, i, o) {
		if (errs->n >= COORD_MAX_ERRORS)
			break;
		object_head(&r, i, o, &r.objs[r.nobjs++]);
	}
	if (failed(&r))
		return ERR_INVALID;
	index_ids(&r);
	read_objects(&r);
	reps = arena_alloc(a, (nobjs + 1) * sizeof(*reps));
	for (i = 0; i < r.nobjs && !failed(&r); i++)
		if (!r.objs[i].older && !r.objs[i].revoked &&
		    !strcmp(r.objs[i].type, "report")) {
			read_report(&r, &r.objs[i], nreps + 1, &reps[nreps]);
			nreps++;
		}
	if (!failed(&r) && bundle_report(&r, id, nreps + 1, &reps[nreps]))
		nreps++;
	if (failed(&r))
		return ERR_INVALID;
	for (i = 0; i < r.nobjs; i++)
		if (r.objs[i].sco && !r.objs[i].used && !r.objs[i].older)
			skip(&r, r.objs[i].id,
			     "an observable no observed-data refers to");
	*out = reps;
	*n = nreps;
	*skipped = r.skips;
	*nskipped = r.nskips;
	return ERR_OK;
}

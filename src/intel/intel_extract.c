/*
 * Indicators in free text.  ICU regular expressions over the UTF-8 text
 * (a UTF-8 UText, so that match positions are byte offsets) propose
 * candidates; intel_normalise decides.  The patterns have no nested
 * unbounded repetition, their starts are anchored by look-behinds, and
 * each search has a time limit, so a hostile text costs time linear in its
 * length.  Links, emails, UPI ids, bank details and wallets claim their
 * bytes first, so that the digits of wa.me/9198... or of an account number
 * are not proposed again as a phone number, nor gmail.com in an address as
 * a domain.
 */
#include "intel/intel_norm_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uregex.h>
#include <unicode/utf8.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

/* Text past TEXT_MAX bytes is not read; each search stops after about
 * REGEX_STEPS steps of ICU's matcher (milliseconds each). */
enum { TEXT_MAX = 100000, CANDIDATES_MAX = 2000, REGEX_STEPS = 2000 };

/* Characters that end a link in running text. */
#define URL_CHARS "[^\\s<>\"'{}|\\\\^`\\[\\]]"

enum pattern {
	P_URL,
	P_EMAIL,
	P_UPI,
	P_BANK_AFTER,
	P_BANK_BEFORE,
	P_WALLET,
	P_BARE,
	P_HANDLE,
	P_APP_PHONE,
	P_PHONE,
	P_IPV4,
	P_IPV6,
	P_PLATE_IN,
	P_PLATE_BH,
	P_PLATE_NP,
	P_COUNT
};

static const char *const patterns[P_COUNT] = {
	[P_URL] = "(?i)(?<![\\w@.])(?:https?://|www\\.)" URL_CHARS "+",
	[P_EMAIL] = "(?<![\\p{L}\\p{N}._%+\\-])[\\p{L}\\p{N}._%+\\-]{1,64}@"
		    "(?:[\\p{L}\\p{N}\\-]{1,63}\\.){1,8}\\p{L}{2,24}"
		    "(?![\\p{L}\\p{N}\\-])",
	[P_UPI] = "(?i)(?<![\\w.\\-])[a-z0-9][a-z0-9._\\-]{1,63}@"
		  "(?:okaxis|okhdfcbank|okicici|oksbi|ybl|ibl|axl|paytm|ptyes|"
		  "ptaxis|pthdfc|ptsbi|upi|apl|yapl|rapl|abfspay|axisbank|"
		  "icici|sbi|hdfcbank|kotak|fbl|idfcbank|indus|pnb|boi|cnrb|"
		  "barodampay|freecharge|airtel|jio|waaxis|wahdfcbank|"
		  "waicici|wasbi|naviaxis|superyes|slc|timecosmos)"
		  "(?![\\w.@\\-])",
	[P_BANK_AFTER] =
		"(?i)(?<!\\w)([a-z]{4}0[a-z0-9]{6})(?!\\w)[^\\n\\d]{0,40}?"
		"(?<!\\d)(\\d[\\d \\-]{7,24}\\d)(?!\\d)",
	[P_BANK_BEFORE] =
		"(?i)(?<!\\d)(\\d[\\d \\-]{7,24}\\d)(?!\\d)[^\\n\\d]{0,40}?"
		"(?<!\\w)([a-z]{4}0[a-z0-9]{6})(?!\\w)",
	[P_WALLET] =
		"(?<!\\w)(?:0x[0-9a-fA-F]{40}|bc1[02-9ac-hj-np-z]{11,87}|"
		"BC1[02-9AC-HJ-NP-Z]{11,87}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|"
		"T[1-9A-HJ-NP-Za-km-z]{33})(?!\\w)",
	[P_BARE] =
		"(?i)(?<![\\w@.\\-/])(?:[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?"
		"\\.){1,8}(?:com|net|org|in|np|lk|bd|io|me|co|info|xyz|top|"
		"biz|online|site|app|ly|gl|am|dog|link|live|shop|store|club)"
		"(?![\\w\\-]|\\.\\w)(?:/" URL_CHARS "*)?",
	[P_HANDLE] = "(?i)(?<!\\w)(instagram|insta|ig|facebook|fb|twitter|"
		     "tiktok|youtube|yt|snapchat|snap|linkedin|sharechat|moj|"
		     "telegram|tg|signal)(?!\\w)[ \\t]*(?:id|handle|page|"
		     "account|username|user)?[ \\t]*(?:[:=\\-][ \\t]*|(?=@))"
		     "(@?[\\p{L}\\p{N}._\\-]{1,64})",
	[P_APP_PHONE] =
		"(?i)(?<!\\w)(whatsapp|whats app|wa|imo|telegram|tg|"
		"signal)(?!\\w)[ \\t]*(?:no\\.?|number|num|#)?[ \\t]*"
		"[:=\\-]?[ \\t]*(\\+?\\d[\\d \\t\\-()]{5,20}\\d)(?!\\w)",
	[P_PHONE] =
		"(?<![\\w+])\\+?\\(?\\d[\\d \\t\\u00A0\\-()]{5,22}\\d(?!\\w)",
	[P_IPV4] = "(?<![\\w.])(?:[0-9]{1,3}\\.){3}[0-9]{1,3}(?!\\w|\\.[0-9])",
	[P_IPV6] = "(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}"
		   "(?![\\w:])",
	[P_PLATE_IN] =
		"(?<!\\w)([A-Z]{2})[ \\-]?\\d{1,2}[ \\-]?[A-Z]{0,3}[ \\-]?"
		"\\d{4}(?!\\w)",
	[P_PLATE_BH] = "(?<!\\w)\\d{2}[ \\-]?BH[ \\-]?\\d{4}[ \\-]?[A-Z]{1,2}"
		       "(?!\\w)",
	[P_PLATE_NP] = "(?<![\\p{L}\\p{M}])(?:बा|ना|को|ग|लु|भे|से|रा|ध|मे|सा|"
		       "ज|क|म|प्र)[ ]?\\d{1,2}[ ]?(?:प|च|ख|ज|झ|क|ग|घ|त|थ)[ ]?"
		       "\\d{1,4}(?![\\p{L}\\p{M}\\p{N}])",
};

/* The state and union territory codes of Indian plates. */
static const char states[] = "AN AP AR AS BR CG CH DD DL DN GA GJ HP HR JH "
			     "JK KA KL LA LD MH ML MN MP MZ NL OD OR PB PY "
			     "RJ SK TN TR TS UK UP WB";

static pthread_once_t once = PTHREAD_ONCE_INIT;
static URegularExpression *compiled[P_COUNT]; /* cloned for use */

static void
setup(void)
{
	for (int i = 0; i < P_COUNT; i++) {
		UErrorCode e = U_ZERO_ERROR;
		UParseError pe;
		UChar u[1024];

		u_strFromUTF8(u, 1024, NULL, patterns[i], -1, &e);
		compiled[i] = uregex_open(u, -1, 0, &pe, &e);
		/* Fixed patterns: failing is a build defect, caught by tests */
		if (U_FAILURE(e))
			abort();
	}
}

struct candidate {
	enum intel_type type;
	const char *qualifier;
	size_t offset, length, order;
	const char *key;
};

struct scan {
	const char *text;
	size_t len;
	const char *region;
	struct arena *a;
	unsigned char *claimed; /* bytes of text taken by a link or account */
	struct candidate *c;
	size_t n, cap;
	struct buf key;
};

static bool
claimed(const struct scan *s, size_t off, size_t len)
{
	for (size_t i = off; i < off + len; i++)
		if (s->claimed[i])
			return true;
	return false;
}

/* False when p[0..n) cannot be a phone number: 7 to 15 digits of any
 * script (a messaging id that is not all digits passes). */
static bool
phone_digits(const char *p, size_t n)
{
	int32_t i = 0, len = (int32_t)n, digits = 0, other = 0;

	while (i < len) {
		UChar32 c;

		U8_NEXT((const uint8_t *)p, i, len, c);
		if (u_isdigit(c))
			digits++;
		else if (c != ' ' && c != '-' && c != '(' && c != ')' &&
			 c != '+' && c != '\t' && c != 0xA0)
			other++;
	}
	return other > 0 || (digits >= 7 && digits <= 15);
}

/*
 * Proposes text[off..off+len) as t when it (or value, when not NULL: what
 * the text says rearranged) normalises; true if it did.
 */
static bool
propose_as(struct scan *s, enum intel_type t, const char *qualifier, size_t off,
	   size_t len, const char *value, bool claim)
{
	char v[NORM_VALUE_BYTES];
	const char *why;

	if (len == 0 || len >= sizeof(v) || s->n == CANDIDATES_MAX)
		return false;
	if ((t == INTEL_PHONE || (t == INTEL_MESSAGING && !value)) &&
	    !phone_digits(s->text + off, len))
		return false;
	memcpy(v, s->text + off, len);
	v[len] = '\0';
	if (!intel_normalise(t, value ? value : v, qualifier, s->region,
			     &s->key, &why))
		return false;
	if (t == INTEL_IP && !strcmp(s->key.p, "::"))
		return false;
	if (claim)
		memset(s->claimed + off, 1, len);
	/* Each key once, where the text first has it: a long text repeating
	 * a few values does not fill the list. */
	for (size_t i = 0; i < s->n; i++)
		if (s->c[i].type == t && !strcmp(s->c[i].key, s->key.p)) {
			if (off < s->c[i].offset) {
				s->c[i].offset = off;
				s->c[i].length = len;
				s->c[i].qualifier = qualifier;
			}
			return true;
		}
	s->c = arena_grow(s->a, s->c, s->n, &s->cap, sizeof(*s->c));
	s->c[s->n] = (struct candidate){
		t,   qualifier, off,
		len, s->n,	arena_strndup(s->a, s->key.p, s->key.len)
	};
	s->n++;
	return true;
}

static bool
propose(struct scan *s, enum intel_type t, const char *qualifier, size_t off,
	size_t len, bool claim)
{
	return propose_as(s, t, qualifier, off, len, NULL, claim);
}

/* Trims sentence punctuation from the end of a match. */
static size_t
trim_end(const char *p, size_t len)
{
	while (len && strchr(".,;:!?)'\"", p[len - 1]))
		len--;
	return len;
}

/* A link: the URL, its domain, and the handle or account it shows. */
static void
link_found(struct scan *s, size_t off, size_t len, bool bare)
{
	static const char *const platforms[] = {
		"instagram", "facebook", "x",	      "tiktok", "youtube",
		"snapchat",  "linkedin", "sharechat", "moj",	NULL
	};
	const char *p = s->text + off, *host = p, *sep;
	size_t hlen;
	bool path;

	len = trim_end(p, len);
	sep = memmem(p, len, "://", 3);
	if (sep)
		host = sep + 3;
	hlen = strcspn(host, "/?#:");
	if (hlen > len - (size_t)(host - p))
		hlen = len - (size_t)(host - p);
	path = (size_t)(host - p) + hlen < len;
	/* A bare name.tld is a domain; with a path or www. it is a link. */
	if (!bare || path || !strncasecmp(host, "www.", 4))
		propose(s, INTEL_URL, NULL, off, len, true);
	/* A profile's link: its handle or account, not the platform's
	 * domain, which would be in every report. */
	if (path && (propose(s, INTEL_MESSAGING, "whatsapp", off, len, true) ||
		     propose(s, INTEL_MESSAGING, "telegram", off, len, true)))
		return;
	for (size_t i = 0; path && platforms[i]; i++)
		if (propose(s, INTEL_HANDLE, platforms[i], off, len, true))
			return;
	propose(s, INTEL_DOMAIN, NULL, (size_t)(host - s->text), hlen, true);
}

static const char *
platform_of(const char *w, size_t n, bool *app)
{
	static const struct {
		const char *word, *platform;
		bool app;
	} names[] = {
		{ "instagram", "instagram", false },
		{ "insta", "instagram", false },
		{ "ig", "instagram", false },
		{ "facebook", "facebook", false },
		{ "fb", "facebook", false },
		{ "twitter", "x", false },
		{ "tiktok", "tiktok", false },
		{ "youtube", "youtube", false },
		{ "yt", "youtube", false },
		{ "snapchat", "snapchat", false },
		{ "snap", "snapchat", false },
		{ "linkedin", "linkedin", false },
		{ "sharechat", "sharechat", false },
		{ "moj", "moj", false },
		{ "telegram", "telegram", true },
		{ "tg", "telegram", true },
		{ "signal", "signal", true },
		{ "whatsapp", "whatsapp", true },
		{ "whats app", "whatsapp", true },
		{ "wa", "whatsapp", true },
		{ "imo", "imo", true },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i].word) == n &&
		    !strncasecmp(w, names[i].word, n)) {
			*app = names[i].app;
			return names[i].platform;
		}
	return NULL;
}

/* A phone number, or the longest numbers its spaces split it into
 * ("9820012345 9812345678" is two). */
static void
phone_found(struct scan *s, size_t off, size_t len, enum intel_type t,
	    const char *app)
{
	const char *p = s->text + off;

	while (len > 0) {
		size_t end = len, skip;

		while (end > 0) {
			if (propose(s, t, app, off, end, false))
				break;
			/* Back to the previous separator. */
			while (end > 0 && p[end - 1] != ' ' &&
			       p[end - 1] != '\t')
				end--;
			while (end > 0 &&
			       (p[end - 1] == ' ' || p[end - 1] == '\t'))
				end--;
		}
		skip = end ? end : strcspn(p, " \t");
		if (skip > len)
			skip = len;
		while (skip < len && (p[skip] == ' ' || p[skip] == '\t'))
			skip++;
		p += skip;
		off += skip;
		len -= skip;
	}
}

static bool
indian_state(const char *p)
{
	for (size_t i = 0; i + 2 < sizeof(states); i += 3)
		if (p[0] == states[i] && p[1] == states[i + 1])
			return true;
	return false;
}

static void
match(struct scan *s, enum pattern k, URegularExpression *re)
{
	UErrorCode e = U_ZERO_ERROR;

	while (uregex_findNext(re, &e) && U_SUCCESS(e)) {
		size_t off = (size_t)uregex_start64(re, 0, &e),
		       len = (size_t)uregex_end64(re, 0, &e) - off;
		size_t g1 = 0, n1 = 0, g2 = 0, n2 = 0;
		const char *platform;
		bool app = false;
		char v[128];

		if (U_FAILURE(e))
			return;
		if (uregex_groupCount(re, &e) >= 1) {
			g1 = (size_t)uregex_start64(re, 1, &e);
			n1 = (size_t)uregex_end64(re, 1, &e) - g1;
		}
		if (uregex_groupCount(re, &e) >= 2) {
			g2 = (size_t)uregex_start64(re, 2, &e);
			n2 = (size_t)uregex_end64(re, 2, &e) - g2;
		}
		if (U_FAILURE(e))
			return;
		switch (k) {
		case P_URL: link_found(s, off, len, false); break;
		case P_BARE:
			if (!claimed(s, off, len))
				link_found(s, off, len, true);
			break;
		case P_EMAIL:
			if (!claimed(s, off, len))
				propose(s, INTEL_EMAIL, NULL, off, len, true);
			break;
		case P_UPI: propose(s, INTEL_UPI, NULL, off, len, true); break;
		case P_BANK_AFTER:
		case P_BANK_BEFORE:
			if (n1 + n2 + 2 > sizeof(v) || claimed(s, off, len))
				break;
			snprintf(v, sizeof(v), "%.*s %.*s", (int)n1,
				 s->text + g1, (int)n2, s->text + g2);
			propose_as(s, INTEL_BANK, NULL, off, len, v, true);
			break;
		case P_WALLET:
			propose(s, INTEL_WALLET, NULL, off, len, true);
			break;
		case P_HANDLE:
			platform = platform_of(s->text + g1, n1, &app);
			n2 = trim_end(s->text + g2, n2);
			if (platform && !claimed(s, g2, n2))
				propose(s, app ? INTEL_MESSAGING : INTEL_HANDLE,
					platform, g2, n2, false);
			break;
		case P_APP_PHONE:
			platform = platform_of(s->text + g1, n1, &app);
			if (platform && !claimed(s, g2, n2)) {
				phone_found(s, g2, n2, INTEL_MESSAGING,
					    platform);
			}
			break;
		case P_PHONE:
			if (!claimed(s, off, len))
				phone_found(s, off, len, INTEL_PHONE, NULL);
			break;
		case P_IPV4:
		case P_IPV6:
			if (!claimed(s, off, len))
				propose(s, INTEL_IP, NULL, off, len, false);
			break;
		case P_PLATE_IN:
			if (!indian_state(s->text + g1))
				break;
			/* fallthrough */
		case P_PLATE_BH:
		case P_PLATE_NP:
			if (!claimed(s, off, len))
				propose(s, INTEL_PLATE, NULL, off, len, false);
			break;
		default: break;
		}
	}
}

static int
by_offset(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

size_t
intel_extract(const char *text, const char *region, struct arena *a,
	      struct intel_found *out, size_t max)
{
	struct scan s = { 0 };
	UErrorCode e = U_ZERO_ERROR;
	UText *ut;
	size_t n = 0;

	if (!text || !max)
		return 0;
	pthread_once(&once, setup);
	s.text = text;
	s.len = strnlen(text, TEXT_MAX);
	while (s.len > 0 && text[s.len] && (text[s.len] & 0xC0) == 0x80)
		s.len--; /* cut at a character's start */
	s.region = region;
	s.a = a;
	s.claimed = arena_alloc(a, s.len + 1);
	s.cap = 16;
	s.c = arena_alloc(a, s.cap * sizeof(*s.c));
	buf_init(&s.key, 0);
	ut = utext_openUTF8(NULL, text, (int64_t)s.len, &e);
	for (int k = 0; k < P_COUNT && U_SUCCESS(e); k++) {
		URegularExpression *re = uregex_clone(compiled[k], &e);

		uregex_setTimeLimit(re, REGEX_STEPS, &e);
		uregex_setUText(re, ut, &e);
		if (U_SUCCESS(e))
			match(&s, (enum pattern)k, re);
		uregex_close(re);
		e = U_ZERO_ERROR;
	}
	utext_close(ut);
	buf_release(&s.key);
	if (s.n)
		qsort(s.c, s.n, sizeof(*s.c), by_offset);
	for (size_t i = 0; i < s.n && n < max; i++) {
		bool seen = false;

		for (size_t k = 0; k < n && !seen; k++)
			seen = out[k].type == s.c[i].type &&
			       !strcmp(out[k].key, s.c[i].key);
		if (seen)
			continue;
		out[n++] = (struct intel_found){
			s.c[i].type,
			s.c[i].qualifier,
			arena_strndup(a, text + s.c[i].offset, s.c[i].length),
			s.c[i].key,
			s.c[i].offset,
			s.c[i].length,
		};
	}
	return n;
}

/*
 * Canonical keys of indicators: phone numbers (libphonenumber, through
 * intel_phone.cc), emails, URLs and domains (ICU's UTS 46 IDNA), IP
 * addresses, UPI ids, bank accounts, vehicle plates, names (link_norm) and
 * ads (SimHash).  Handles and messaging ids are in intel_handle.c, wallets
 * in intel_wallet.c.
 */
#include "intel/intel_norm_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "linkage/link.h"

enum { VALUE_MAX_CHARS = 2000, HOST_MAX = 253, PLATE_MAX = 20 };

static const char *const type_names[INTEL_TYPE_COUNT] = {
	[INTEL_PHONE] = "phone",
	[INTEL_EMAIL] = "email",
	[INTEL_URL] = "url",
	[INTEL_DOMAIN] = "domain",
	[INTEL_HANDLE] = "handle",
	[INTEL_MESSAGING] = "messaging",
	[INTEL_UPI] = "upi",
	[INTEL_BANK] = "bank_account",
	[INTEL_WALLET] = "crypto_wallet",
	[INTEL_IP] = "ip",
	[INTEL_PLATE] = "vehicle_plate",
	[INTEL_NAME] = "person_name",
	[INTEL_AD] = "ad_text",
};

const char *
intel_type_name(enum intel_type t)
{
	return (unsigned)t < INTEL_TYPE_COUNT ? type_names[t] : NULL;
}

bool
intel_type_parse(const char *s, enum intel_type *out)
{
	for (size_t i = 0; s && i < INTEL_TYPE_COUNT; i++)
		if (!strcmp(s, type_names[i])) {
			*out = (enum intel_type)i;
			return true;
		}
	return false;
}

/* ---- shared helpers ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static UIDNA *idna;		     /* immutable once open: thread-safe */
static UTransliterator *plate_latin; /* not thread-safe: under plate_lock */
static pthread_mutex_t plate_lock = PTHREAD_MUTEX_INITIALIZER;

static void
setup(void)
{
	static const char rules[] = "Any-Latin; Latin-ASCII; Upper";
	UErrorCode e = U_ZERO_ERROR;
	UChar id[sizeof(rules)];

	idna = uidna_openUTS46(UIDNA_USE_STD3_RULES | UIDNA_CHECK_BIDI |
				       UIDNA_CHECK_CONTEXTJ |
				       UIDNA_NONTRANSITIONAL_TO_ASCII,
			       &e);
	u_uastrcpy(id, rules);
	plate_latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
	/* Fixed arguments: failing here is a build defect, caught by tests. */
	if (U_FAILURE(e))
		abort();
}

static const char too_long[] = "too long to keep";

bool
intel_norm_put(struct buf *out, const char *p, size_t n, const char **why)
{
	if (buf_add(out, p, n))
		return true;
	*why = too_long;
	return false;
}

static bool
lower_ascii(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int
hex_value(char c)
{
	if (digit(c))
		return c - '0';
	c = to_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The number of code points of s, or -1 when s is not UTF-8. */
static long
utf8_chars(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	int32_t i = 0, len;
	size_t n = strlen(s);
	long chars = 0;

	if (n > (size_t)INT32_MAX / 2)
		return -1;
	len = (int32_t)n;
	while (i < len) {
		UChar32 c;

		U8_NEXT(p, i, len, c);
		if (c < 0)
			return -1;
		chars++;
	}
	return chars;
}

/* ---- host names ---- */

static bool
valid_host(const char *h, size_t n)
{
	size_t label = 0, labels = 1;
	bool tld_alpha = false;

	if (n == 0 || n > HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			labels++;
			tld_alpha = false;
			continue;
		}
		if (!lower_ascii(h[i]) && !digit(h[i]) && h[i] != '-')
			return false;
		if (label == 0 && h[i] == '-')
			return false;
		if (++label > 63)
			return false;
		if (!digit(h[i]))
			tld_alpha = true;
	}
	/* A last label of digits alone makes it an IPv4 address. */
	return label > 0 && h[n - 1] != '-' && labels >= 2 && tld_alpha;
}

/*
 * The host name in[0..n) in lower-case A-labels into out; without a
 * leading "www." when drop_www.
 */
static bool
host_ascii(const char *in, size_t n, bool drop_www, struct buf *out,
	   const char **why)
{
	char h[HOST_MAX + 8];
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	UErrorCode e = U_ZERO_ERROR;
	int32_t len;
	size_t off = 0;

	pthread_once(&once, setup);
	if (n > 0 && in[n - 1] == '.')
		n--; /* the root: example.com. is example.com */
	if (n == 0 || n > 4 * HOST_MAX) {
		*why = "not a valid domain name";
		return false;
	}
	len = uidna_nameToASCII_UTF8(idna, in, (int32_t)n, h, sizeof(h) - 1,
				     &info, &e);
	if (U_FAILURE(e) || info.errors || len <= 0 || len > HOST_MAX) {
		*why = "not a valid domain name";
		return false;
	}
	h[len] = '\0';
	for (int32_t i = 0; i < len; i++)
		h[i] = to_lower(h[i]);
	if (drop_www && !strncmp(h, "www.", 4) && strchr(h + 4, '.'))
		off = 4;
	if (!valid_host(h + off, (size_t)len - off)) {
		*why = "not a valid domain name";
		return false;
	}
	return intel_norm_put(out, h + off, (size_t)len - off, why);
}

static bool
norm_domain(const char *v, struct buf *out, const char **why)
{
	if (strpbrk(v, "/:@?# ")) {
		*why = "not a domain name (a URL or an address?)";
		return false;
	}
	return host_ascii(v, strlen(v), true, out, why);
}

/* ---- IP addresses ---- */

static bool
ip_text(const char *p, size_t n, char *o, size_t cap)
{
	char s[INET6_ADDRSTRLEN + 2];
	struct in_addr a4;
	struct in6_addr a6;

	if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(s))
		return false;
	memcpy(s, p, n);
	s[n] = '\0';
	if (inet_pton(AF_INET, s, &a4) == 1)
		return inet_ntop(AF_INET, &a4, o, (socklen_t)cap) != NULL;
	if (inet_pton(AF_INET6, s, &a6) != 1)
		return false;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, &a6.s6_addr[12], 4);
		return inet_ntop(AF_INET, &a4, o, (socklen_t)cap) != NULL;
	}
	return inet_ntop(AF_INET6, &a6, o, (socklen_t)cap) != NULL;
}

static bool
norm_ip(const char *v, struct buf *out, const char **why)
{
	char o[INET6_ADDRSTRLEN];

	if (!ip_text(v, strlen(v), o, sizeof(o))) {
		*why = "not an IPv4 or IPv6 address";
		return false;
	}
	return intel_norm_put(out, o, strlen(o), why);
}

/* ---- URLs ---- */

static bool
unreserved(unsigned char c)
{
	return lower_ascii(to_lower((char)c)) || digit((char)c) || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

/*
 * p[0..n) with its percent-encoding made canonical: unreserved characters
 * decoded, other escapes upper case, bytes a URL cannot hold escaped.
 */
static bool
pct_norm(const char *p, size_t n, struct buf *out, const char **why)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char e[3];

		if (c == '%' && i + 2 < n && hex_value(p[i + 1]) >= 0 &&
		    hex_value(p[i + 2]) >= 0) {
			c = (unsigned char)(hex_value(p[i + 1]) * 16 +
					    hex_value(p[i + 2]));
			i += 2;
			if (unreserved(c)) {
				if (!intel_norm_put(out, (char *)&c, 1, why))
					return false;
				continue;
			}
		} else if (c > 0x20 && c < 0x7f && !strchr("\"<>\\^`{|}%", c)) {
			if (!intel_norm_put(out, (char *)&c, 1, why))
				return false;
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		if (!intel_norm_put(out, e, 3, why))
			return false;
	}
	return true;
}

/* Removes the dot segments of path (from its start) in place (RFC 3986
 * 5.2.4): the output is never longer than what has been read. */
static size_t
remove_dots(char *path, size_t n)
{
	size_t o = 0, i = 0;

	while (i < n) { /* path[i] is '/' */
		size_t s = i + 1, len = 0;
		bool last;

		while (s + len < n && path[s + len] != '/')
			len++;
		last = s + len == n;
		if (len == 1 && path[s] == '.') {
			if (last)
				path[o++] = '/';
		} else if (len == 2 && path[s] == '.' && path[s + 1] == '.') {
			while (o > 0 && path[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (last)
				path[o++] = '/';
		} else {
			memmove(path + o, path + i, len + 1);
			o += len + 1;
		}
		i = s + len;
	}
	if (o == 0)
		path[o++] = '/';
	path[o] = '\0';
	return o;
}

static bool
tracking_param(const char *p, size_t n)
{
	static const char *const names[] = { "fbclid", "gclid",	  "igshid",
					     "igsh",   "si",	  "mibextid",
					     "dclid",  "msclkid", NULL };
	char name[16];
	size_t len = 0;

	while (len < n && p[len] != '=')
		len++;
	if (len >= 4 && !strncasecmp(p, "utm_", 4))
		return true;
	if (len >= sizeof(name))
		return false;
	for (size_t i = 0; i < len; i++)
		name[i] = to_lower(p[i]);
	name[len] = '\0';
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static bool
url_query(const char *q, size_t n, struct buf *out, const char **why)
{
	bool first = true;

	for (size_t i = 0; i < n;) {
		size_t len = 0;

		while (i + len < n && q[i + len] != '&')
			len++;
		if (len && !tracking_param(q + i, len)) {
			if (!intel_norm_put(out, first ? "?" : "&", 1, why) ||
			    !pct_norm(q + i, len, out, why))
				return false;
			first = false;
		}
		i += len + 1;
	}
	return true;
}

/* host[:port] of a URL (user info removed) into out. */
static bool
url_authority(const char *a, size_t n, bool https, struct buf *out,
	      const char **why)
{
	const char *port = NULL, *at;
	size_t hn = n, pn = 0;
	char ip[INET6_ADDRSTRLEN];
	long p = 0;

	/* user:password@ is not part of where the link leads. */
	while ((at = memchr(a, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - a);
		a = at + 1;
	}
	hn = n;
	if (n && a[0] == '[') {
		const char *end = memchr(a, ']', n);

		if (!end)
			goto bad;
		hn = (size_t)(end - a) + 1;
		if (hn < n && a[hn] != ':')
			goto bad;
	} else {
		const char *c = memchr(a, ':', n);

		if (c)
			hn = (size_t)(c - a);
	}
	if (hn < n) {
		port = a + hn + 1;
		pn = n - hn - 1;
		for (size_t i = 0; i < pn; i++) {
			if (!digit(port[i]) || p > 65535)
				goto bad;
			p = p * 10 + (port[i] - '0');
		}
		if (pn && (p < 1 || p > 65535))
			goto bad;
	}
	if (ip_text(a, hn, ip, sizeof(ip))) {
		bool v6 = strchr(ip, ':') != NULL;

		if (!intel_norm_put(out, "[", v6, why) ||
		    !intel_norm_put(out, ip, strlen(ip), why) ||
		    !intel_norm_put(out, "]", v6, why))
			return false;
	} else if (hn && a[0] == '[') {
		goto bad;
	} else if (!host_ascii(a, hn, false, out, why)) {
		if (*why != too_long)
			*why = "not a URL with a valid host name";
		return false;
	}
	if (pn && p != (https ? 443 : 80) && !buf_printf(out, ":%ld", p)) {
		*why = too_long;
		return false;
	}
	return true;
bad:
	*why = "not a URL with a valid host and port";
	return false;
}

static bool
norm_url(const char *v, struct buf *out, const char **why)
{
	const char *p = v, *sep = strstr(v, "://"), *end;
	bool https = true;
	size_t n, start;

	/* A scheme is letters: in "example.com/go?u=https://x" the :// is
	 * the query's. */
	if (sep &&
	    strspn(v,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+.-") <
		    (size_t)(sep - v))
		sep = NULL;
	if (sep) {
		size_t sn = (size_t)(sep - v);

		if (sn == 4 && !strncasecmp(v, "http", 4))
			https = false;
		else if (sn != 5 || strncasecmp(v, "https", 5)) {
			*why = "only http and https links are taken";
			return false;
		}
		p = sep + 3;
	} else if (!strncmp(v, "//", 2)) {
		p = v + 2;
	}
	if (!intel_norm_put(out, https ? "https://" : "http://", https ? 8 : 7,
			    why))
		return false;
	n = strcspn(p, "/?#\\");
	if (p[n] == '\\') {
		*why = "not a URL (a backslash in it)";
		return false;
	}
	if (!url_authority(p, n, https, out, why))
		return false;
	p += n;
	start = out->len;
	n = strcspn(p, "?#");
	if (!intel_norm_put(out, "/", n == 0, why) || !pct_norm(p, n, out, why))
		return false;
	out->len = start + remove_dots(out->p + start, out->len - start);
	p += n;
	if (*p == '?') {
		end = p + 1 + strcspn(p + 1, "#");
		if (!url_query(p + 1, (size_t)(end - p - 1), out, why))
			return false;
	}
	return true;
}

void
intel_url_parts(const char *url, struct str *host, struct str *path,
		struct str *query)
{
	const char *h = strstr(url, "://"), *q;

	h = h ? h + 3 : url;
	host->p = h;
	host->len = strcspn(h, "/?#");
	path->p = h + host->len;
	path->len = strcspn(path->p, "?#");
	q = path->p + path->len;
	query->p = *q == '?' ? q + 1 : q;
	query->len = strcspn(query->p, "#");
}

bool
intel_query_param(struct str query, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < query.len;) {
		size_t len = 0, o = 0;

		while (i + len < query.len && query.p[i + len] != '&')
			len++;
		if (len > nl && query.p[i + nl] == '=' &&
		    !strncmp(query.p + i, name, nl)) {
			for (size_t k = i + nl + 1; k < i + len; k++) {
				char c = query.p[k];

				if (c == '%' && k + 2 < i + len &&
				    hex_value(query.p[k + 1]) >= 0 &&
				    hex_value(query.p[k + 2]) >= 0) {
					c = (char)(hex_value(query.p[k + 1]) *
							   16 +
						   hex_value(query.p[k + 2]));
					k += 2;
				}
				if (o + 1 >= cap)
					return false;
				out[o++] = c == '+' ? ' ' : c;
			}
			out[o] = '\0';
			return o > 0;
		}
		i += len + 1;
	}
	return false;
}

/* ---- emails and UPI ids ---- */

static bool
norm_email(const char *v, struct buf *out, const char **why)
{
	const char *at, *domain;
	char local[65], host[HOST_MAX + 1];
	size_t n, o = 0;

	if (!strncasecmp(v, "mailto:", 7))
		v += 7;
	at = strrchr(v, '@');
	if (!at || at == v || (n = (size_t)(at - v)) > 64) {
		*why = "not an email address";
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= 0x20 || c == 0x7f || strchr("\"(),:;<>@[\\]", c) ||
		    (c == '.' && (i == 0 || i == n - 1 || v[i + 1] == '.'))) {
			*why = "not an email address";
			return false;
		}
		local[o++] = to_lower((char)c);
	}
	local[o] = '\0';
	domain = at + 1;
	if (!host_ascii(domain, strlen(domain), false, out, why)) {
		if (*why != too_long)
			*why = "not an email address with a valid domain";
		return false;
	}
	memcpy(host, out->p, out->len + 1);
	buf_reset(out);
	/* Gmail ignores dots and what follows a + in the local part. */
	if (!strcmp(host, "gmail.com") || !strcmp(host, "googlemail.com")) {
		size_t k = 0;

		for (size_t i = 0; i < o && local[i] != '+'; i++)
			if (local[i] != '.')
				local[k++] = local[i];
		o = k;
		if (!o) {
			*why = "not an email address";
			return false;
		}
		memcpy(host, "gmail.com", sizeof("gmail.com"));
	}
	return intel_norm_put(out, local, o, why) &&
	       intel_norm_put(out, "@", 1, why) &&
	       intel_norm_put(out, host, strlen(host), why);
}

static bool
norm_upi(const char *v, struct buf *out, const char **why)
{
	char pa[256];
	const char *at;
	size_t n, psp;

	if (!strncasecmp(v, "upi://", 6)) {
		struct str host, path, query;

		intel_url_parts(v, &host, &path, &query);
		if (!intel_query_param(query, "pa", pa, sizeof(pa))) {
			*why = "a UPI link without a payee address";
			return false;
		}
		v = pa;
	}
	at = strchr(v, '@');
	n = at ? (size_t)(at - v) : 0;
	psp = at ? strlen(at + 1) : 0;
	if (n < 2 || n > 64 || psp < 2 || psp > 32) {
		*why = "not a UPI id (name@bank)";
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = to_lower(v[i]);

		if (!lower_ascii(c) && !digit(c) &&
		    (i == 0 || !strchr("._-", c))) {
			*why = "not a UPI id (name@bank)";
			return false;
		}
	}
	for (size_t i = 0; i < psp; i++)
		if (!lower_ascii(to_lower(at[1 + i]))) {
			*why = "not a UPI id: the bank's handle is letters";
			return false;
		}
	for (const char *p = v; *p; p++) {
		char c = to_lower(*p);

		if (!intel_norm_put(out, &c, 1, why))
			return false;
	}
	return true;
}

/* ---- bank accounts ---- */

static bool
ifsc(const char *t, size_t n)
{
	if (n != 11 || t[4] != '0')
		return false;
	for (size_t i = 0; i < 11; i++) {
		char c = t[i];

		if (i < 4 ? !(c >= 'A' && c <= 'Z') && !lower_ascii(c)
			  : !(c >= 'A' && c <= 'Z') && !lower_ascii(c) &&
				    !digit(c))
			return false;
	}
	return true;
}

/* Words that label the parts of an account ("IFSC ... A/C No. ..."). */
static bool
label_word(const char *w, size_t n)
{
	static const char *const words[] = { "ifsc",	"ifs", "code",	 "a",
					     "c",	"ac",  "acc",	 "acct",
					     "account", "no",  "number", "num",
					     "bank",	NULL };
	char l[16];

	if (n >= sizeof(l))
		return false;
	for (size_t i = 0; i < n; i++)
		l[i] = to_lower(w[i]);
	l[n] = '\0';
	for (size_t i = 0; words[i]; i++)
		if (!strcmp(l, words[i]))
			return true;
	return false;
}

static bool
norm_bank(const char *v, struct buf *out, const char **why)
{
	const uint8_t *p = (const uint8_t *)v;
	int32_t i = 0, len = (int32_t)strlen(v);
	char code[12] = "", acct[19];
	size_t na = 0;

	while (i < len) {
		int32_t start = i, end;
		UChar32 c;

		U8_NEXT(p, i, len, c);
		if (u_isdigit(c)) {
			if (na == 18) {
				*why = "an account number has 9 to 18 digits";
				return false;
			}
			acct[na++] = (char)('0' + u_charDigitValue(c));
			continue;
		}
		if (c >= 0x80 || !u_isalnum(c))
			continue;
		/* A word: the IFSC or a label. */
		end = start;
		while (end < len && ((v[end] >= 'A' && v[end] <= 'Z') ||
				     lower_ascii(v[end]) || digit(v[end])))
			end++;
		i = end;
		if (ifsc(v + start, (size_t)(end - start)) && !code[0]) {
			for (int k = 0; k < 11; k++) {
				char ch = v[start + k];

				code[k] = lower_ascii(ch) ? (char)(ch - 32)
							  : ch;
			}
			code[11] = '\0';
		} else if (!label_word(v + start, (size_t)(end - start))) {
			*why = "not an IFSC and an account number";
			return false;
		}
	}
	if (!code[0]) {
		*why = "no IFSC (4 letters, 0, 6 letters or digits)";
		return false;
	}
	if (na < 9) {
		*why = "an account number has 9 to 18 digits";
		return false;
	}
	return intel_norm_put(out, code, 11, why) &&
	       intel_norm_put(out, ":", 1, why) &&
	       intel_norm_put(out, acct, na, why);
}

/* ---- phones, plates, names, ads ---- */

static bool
norm_phone(const char *v, const char *region, struct buf *out, const char **why)
{
	char e164[32];

	if (region && (strlen(region) != 2 || !u_isalpha(region[0]) ||
		       !u_isalpha(region[1]))) {
		*why = "not a region (two letters: IN, NP, LK, BD)";
		return false;
	}
	if (!intel_phone_e164(v, region, e164, sizeof(e164))) {
		*why = region ? "not a valid phone number in that region"
			      : "not a valid phone number with its country "
				"code";
		return false;
	}
	return intel_norm_put(out, e164, strlen(e164), why);
}

/*
 * Letters and digits of a plate: digits of any script made ASCII, letters
 * of other scripts (Devanagari in Nepal, Bengali in Bangladesh)
 * transliterated to Latin keeping their inherent vowel (ICU's ISO 15919:
 * बा २ च is BA2CA), upper case.
 */
static bool
norm_plate(const char *v, struct buf *out, const char **why)
{
	UChar u[2 * 64 + 8];
	const uint8_t *p = (const uint8_t *)v;
	int32_t i = 0, len = (int32_t)strlen(v), n = 0, limit;
	UErrorCode e = U_ZERO_ERROR;
	bool has_digit = false;
	size_t start = out->len;

	while (i < len) {
		UChar32 c;
		int32_t d;

		U8_NEXT(p, i, len, c);
		d = u_charDigitValue(c);
		if (u_isspace(c) || u_ispunct(c) || c == 0xB7)
			continue;
		if (n + 2 > 2 * 64 ||
		    (!u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK))) {
			*why = "not a vehicle plate (letters and digits)";
			return false;
		}
		if (d >= 0 && d <= 9)
			c = '0' + d;
		U16_APPEND_UNSAFE(u, n, c);
	}
	pthread_once(&once, setup);
	limit = n;
	pthread_mutex_lock(&plate_lock);
	utrans_transUChars(plate_latin, u, &n,
			   (int32_t)(sizeof(u) / sizeof(*u)), 0, &limit, &e);
	pthread_mutex_unlock(&plate_lock);
	if (U_FAILURE(e)) {
		*why = "not a vehicle plate (letters and digits)";
		return false;
	}
	for (int32_t k = 0; k < n; k++) {
		char c = (char)u[k];

		if (u[k] >= 0x80 || (!digit(c) && !(c >= 'A' && c <= 'Z')))
			continue;
		has_digit |= digit(c);
		if (!intel_norm_put(out, &c, 1, why))
			return false;
	}
	if (!has_digit || out->len - start < 4 ||
	    out->len - start > PLATE_MAX) {
		*why = "not a vehicle plate (4 to 20 letters and digits)";
		return false;
	}
	return true;
}

static bool
norm_name(const char *v, struct buf *out, const char **why)
{
	if (!link_norm(LINK_NORM_NAME, v, out)) {
		*why = "no letters of a name in it";
		return false;
	}
	return true;
}

static bool
norm_ad(const char *v, struct buf *out, const char **why)
{
	size_t words;
	uint64_t h = intel_simhash_words(v, &words);

	if (!words) {
		*why = "no words to compare";
		return false;
	}
	if (!buf_printf(out, "%016" PRIx64, h)) {
		*why = too_long;
		return false;
	}
	return true;
}

/* ---- the dispatcher ---- */

bool
intel_normalise(enum intel_type t, const char *value, const char *qualifier,
		const char *region, struct buf *out, const char **why)
{
	static const char *ignored;
	char v[NORM_VALUE_BYTES];
	size_t n;
	long chars;
	bool ok = false;

	if (!why)
		why = &ignored;
	buf_reset(out);
	if (!value) {
		*why = "no value";
		return false;
	}
	n = strnlen(value, sizeof(v));
	if (n == sizeof(v) || (chars = utf8_chars(value)) > VALUE_MAX_CHARS) {
		*why = "longer than 2000 characters";
		return false;
	}
	if (chars < 0) {
		*why = "not valid UTF-8";
		return false;
	}
	while (n && strchr(" \t\r\n\f\v", value[0])) {
		value++;
		n--;
	}
	while (n && strchr(" \t\r\n\f\v", value[n - 1]))
		n--;
	if (!n) {
		*why = "empty";
		return false;
	}
	memcpy(v, value, n);
	v[n] = '\0';
	switch (t) {
	case INTEL_PHONE: ok = norm_phone(v, region, out, why); break;
	case INTEL_EMAIL: ok = norm_email(v, out, why); break;
	case INTEL_URL: ok = norm_url(v, out, why); break;
	case INTEL_DOMAIN: ok = norm_domain(v, out, why); break;
	case INTEL_HANDLE:
		ok = intel_norm_handle(v, qualifier, out, why);
		break;
	case INTEL_MESSAGING:
		ok = intel_norm_messaging(v, qualifier, region, out, why);
		break;
	case INTEL_UPI: ok = norm_upi(v, out, why); break;
	case INTEL_BANK: ok = norm_bank(v, out, why); break;
	case INTEL_WALLET:
		ok = intel_norm_wallet(v, qualifier, out, why);
		break;
	case INTEL_IP: ok = norm_ip(v, out, why); break;
	case INTEL_PLATE: ok = norm_plate(v, out, why); break;
	case INTEL_NAME: ok = norm_name(v, out, why); break;
	case INTEL_AD: ok = norm_ad(v, out, why); break;
	default: *why = "not a type of indicator"; break;
	}
	if (!ok)
		buf_reset(out);
	return ok;
}

/*
 * Handles on platforms and ids on messaging apps.  A handle is written
 * "@name", "name" or as the profile's URL; each platform's own rules (its
 * characters, its lengths, case never counting, Facebook ignoring dots)
 * make the key.  A messaging id is a phone number (WhatsApp, imo, and
 * Telegram and Signal when given one), a username, or a wa.me / t.me link.
 */
#include "intel/intel_norm_int.h"

#include <string.h>
#include <strings.h>

enum { HANDLE_MAX = 100 };

struct platform {
	const char *name;	  /* as in the key */
	const char *aliases[4];	  /* other names of it */
	const char *hosts[4];	  /* the profile URL's host (or a subdomain) */
	const char *prefixes[4];  /* of the path, before the handle */
	const char *chars;	  /* allowed besides a-z and 0-9 */
	unsigned char min, max;	  /* length of the handle */
	bool ignores_dots;	  /* Facebook: j.doe is jdoe */
	const char *reserved[12]; /* first path segments that are no profile */
};

static const struct platform platforms[] = {
	{ "instagram",
	  { "insta", "ig" },
	  { "instagram.com", "instagr.am" },
	  { "/" },
	  "._",
	  1,
	  30,
	  false,
	  { "p", "reel", "reels", "explore", "stories", "accounts", "tv",
	    "direct" } },
	{ "facebook",
	  { "fb" },
	  { "facebook.com", "fb.com" },
	  { "/" },
	  ".",
	  1,
	  50,
	  true,
	  { "groups", "pages", "watch", "events", "share", "story.php",
	    "permalink.php", "photo.php", "marketplace", "login", "people",
	    "hashtag" } },
	{ "x",
	  { "twitter" },
	  { "x.com", "twitter.com" },
	  { "/" },
	  "_",
	  1,
	  15,
	  false,
	  { "i", "home", "search", "intent", "share", "hashtag", "explore",
	    "settings", "messages", "notifications" } },
	{ "tiktok",
	  { NULL },
	  { "tiktok.com" },
	  { "/@" },
	  "._",
	  2,
	  24,
	  false,
	  { NULL } },
	{ "youtube",
	  { "yt" },
	  { "youtube.com" },
	  { "/@", "/c/", "/user/" },
	  "._-",
	  3,
	  30,
	  false,
	  { NULL } },
	{ "telegram",
	  { "tg" },
	  { "t.me", "telegram.me", "telegram.dog" },
	  { "/s/", "/" },
	  "_",
	  4,
	  32,
	  false,
	  { "joinchat", "addstickers", "share", "c", "proxy", "socks" } },
	{ "snapchat",
	  { "snap", "sc" },
	  { "snapchat.com" },
	  { "/add/" },
	  "._-",
	  3,
	  15,
	  false,
	  { NULL } },
	{ "linkedin",
	  { NULL },
	  { "linkedin.com" },
	  { "/in/" },
	  "-",
	  3,
	  100,
	  false,
	  { NULL } },
	{ "sharechat",
	  { NULL },
	  { "sharechat.com" },
	  { "/profile/", "/@" },
	  "._",
	  1,
	  50,
	  false,
	  { NULL } },
	{ "moj",
	  { NULL },
	  { "mojapp.in" },
	  { "/@", "/profile/" },
	  "._",
	  1,
	  50,
	  false,
	  { NULL } },
};

static const struct platform *
platform_named(const char *name)
{
	for (size_t i = 0; name && i < sizeof(platforms) / sizeof(*platforms);
	     i++) {
		const struct platform *p = &platforms[i];

		if (!strcasecmp(name, p->name))
			return p;
		for (size_t k = 0; k < 4 && p->aliases[k]; k++)
			if (!strcasecmp(name, p->aliases[k]))
				return p;
	}
	return NULL;
}

/* True when host (a view) is h or a subdomain of it (www., m., in.). */
static bool
host_is(struct str host, const char *h)
{
	size_t n = strlen(h);

	return host.len >= n && !memcmp(host.p + host.len - n, h, n) &&
	       (host.len == n || host.p[host.len - n - 1] == '.');
}

/* Looks like a link rather than a name: a scheme, or host/path. */
static bool
link_like(const char *v)
{
	const char *slash = strchr(v, '/');

	return strstr(v, "://") ||
	       (slash && memchr(v, '.', (size_t)(slash - v)));
}

/* The canonical URL of v into url (a buffer of NORM_VALUE_BYTES). */
static bool
url_of(const char *v, char *url, const char **why)
{
	struct buf b;
	bool ok;

	buf_init(&b, NORM_VALUE_BYTES - 1);
	ok = intel_normalise(INTEL_URL, v, NULL, NULL, &b, why);
	if (ok)
		memcpy(url, b.p, b.len + 1);
	buf_release(&b);
	return ok;
}

/* The handle h[0..n) by p's rules, lower case, into out. */
static bool
put_handle(const struct platform *p, const char *h, size_t n, struct buf *out,
	   const char **why)
{
	char k[HANDLE_MAX + 1];
	size_t o = 0;

	if (n && h[0] == '@')
		h++, n--;
	while (n && h[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
		    !strchr(p->chars, c)) {
			*why = "not a handle this platform allows";
			return false;
		}
		if (p->ignores_dots && c == '.')
			continue;
		if (o == HANDLE_MAX || o == p->max) {
			*why = "longer than this platform's handles";
			return false;
		}
		k[o++] = c;
	}
	if (o < p->min) {
		*why = "shorter than this platform's handles";
		return false;
	}
	k[o] = '\0';
	if (!p->ignores_dots &&
	    (k[0] == '.' || k[o - 1] == '.' || strstr(k, ".."))) {
		*why = "not a handle this platform allows";
		return false;
	}
	return intel_norm_put(out, p->name, strlen(p->name), why) &&
	       intel_norm_put(out, ":", 1, why) &&
	       intel_norm_put(out, k, o, why);
}

/* The handle in a profile URL of platform p. */
static bool
handle_of_url(const struct platform *p, const char *v, struct buf *out,
	      const char **why)
{
	char url[NORM_VALUE_BYTES], id[32];
	struct str host, path, query;
	size_t k;
	bool known = false;

	if (!url_of(v, url, why))
		return false;
	intel_url_parts(url, &host, &path, &query);
	for (k = 0; k < 4 && p->hosts[k]; k++)
		known |= host_is(host, p->hosts[k]);
	if (!known) {
		*why = "not a link to this platform";
		return false;
	}
	if (!strcmp(p->name, "facebook") && path.len == 12 &&
	    !strncmp(path.p, "/profile.php", 12) &&
	    intel_query_param(query, "id", id, sizeof(id)))
		return put_handle(p, id, strlen(id), out, why);
	for (k = 0; k < 4 && p->prefixes[k]; k++) {
		size_t n = strlen(p->prefixes[k]), seg;

		if (path.len <= n || strncasecmp(path.p, p->prefixes[k], n))
			continue;
		seg = strcspn(path.p + n, "/");
		if (seg > path.len - n)
			seg = path.len - n;
		for (size_t r = 0; r < 12 && p->reserved[r]; r++)
			if (strlen(p->reserved[r]) == seg &&
			    !strncasecmp(path.p + n, p->reserved[r], seg)) {
				*why = "a link to a page or post, not to a "
				       "profile";
				return false;
			}
		return put_handle(p, path.p + n, seg, out, why);
	}
	*why = "not a link to a profile";
	return false;
}

bool
intel_norm_handle(const char *v, const char *platform, struct buf *out,
		  const char **why)
{
	const struct platform *p = platform_named(platform);

	if (!p) {
		*why = "the platform is missing or unknown";
		return false;
	}
	if (link_like(v))
		return handle_of_url(p, v, out, why);
	return put_handle(p, v, strlen(v), out, why);
}

/* ---- messaging apps ---- */

static bool
put_id(const char *app, const char *id, struct buf *out, const char **why)
{
	return intel_norm_put(out, app, strlen(app), why) &&
	       intel_norm_put(out, ":", 1, why) &&
	       intel_norm_put(out, id, strlen(id), why);
}

static bool
put_phone(const char *app, const char *number, const char *region,
	  struct buf *out, const char **why)
{
	char e164[32];

	if (!intel_phone_e164(number, region, e164, sizeof(e164))) {
		*why = region ? "not a valid phone number in that region"
			      : "not a valid phone number with its country "
				"code";
		return false;
	}
	return put_id(app, e164, out, why);
}

/* An international number written without its "+" (wa.me/9198...). */
static bool
put_intl(const char *app, const char *digits, size_t n, struct buf *out,
	 const char **why)
{
	char number[24];

	if (n == 0 || n + 2 > sizeof(number) ||
	    strspn(digits, "0123456789") < n) {
		*why = "not a link to a phone number";
		return false;
	}
	number[0] = '+';
	memcpy(number + 1, digits, n);
	number[n + 1] = '\0';
	return put_phone(app, number, NULL, out, why);
}

static bool
telegram_name(const char *v, struct buf *out, const char **why)
{
	const struct platform *tg = platform_named("telegram");
	struct buf b;
	bool ok;

	if (v[0] == '@')
		v++;
	if (!((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')) ||
	    strlen(v) < 5) {
		*why = "not a Telegram username (5 to 32 letters, digits, _)";
		return false;
	}
	buf_init(&b, 0);
	ok = put_handle(tg, v, strlen(v), &b, why) &&
	     intel_norm_put(out, b.p, b.len, why);
	buf_release(&b);
	return ok;
}

/* A Signal username: a nickname of 3 to 32 letters, digits and _, a dot
 * and 2 to 9 digits ("name.01"); case does not count. */
static bool
signal_name(const char *v, struct buf *out, const char **why)
{
	const char *dot;
	char u[48];
	size_t n, d;

	if (v[0] == '@')
		v++;
	dot = strrchr(v, '.');
	n = dot ? (size_t)(dot - v) : 0;
	d = dot ? strlen(dot + 1) : 0;
	if (n < 3 || n > 32 || d < 2 || d > 9 ||
	    strspn(dot + 1, "0123456789") != d)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '_')
			goto bad;
		u[i] = c;
	}
	if (u[0] >= '0' && u[0] <= '9')
		goto bad;
	memcpy(u + n, dot, d + 1);
	u[n + d + 1] = '\0';
	return put_id("signal", u, out, why);
bad:
	*why = "not a Signal username (name.01)";
	return false;
}

static bool
messaging_link(const char *app, const char *v, struct buf *out,
	       const char **why)
{
	char url[NORM_VALUE_BYTES], phone[32];
	struct str host, path, query;
	size_t seg;

	if (!url_of(v, url, why))
		return false;
	intel_url_parts(url, &host, &path, &query);
	seg = path.len > 1 ? strcspn(path.p + 1, "/") : 0;
	if (seg > path.len - 1)
		seg = path.len - 1;
	if (!strcmp(app, "whatsapp")) {
		if (host_is(host, "wa.me"))
			return put_intl(app, path.p + 1, seg, out, why);
		if ((host_is(host, "whatsapp.com") ||
		     host_is(host, "api.whatsapp.com")) &&
		    !host_is(host, "chat.whatsapp.com") &&
		    intel_query_param(query, "phone", phone, sizeof(phone)))
			return put_intl(app, phone, strlen(phone), out, why);
		*why = host_is(host, "chat.whatsapp.com")
			       ? "a group invite link, not an account"
			       : "not a WhatsApp link to a phone number";
		return false;
	}
	if (!strcmp(app, "telegram") &&
	    (host_is(host, "t.me") || host_is(host, "telegram.me") ||
	     host_is(host, "telegram.dog"))) {
		if (seg > 1 && path.p[1] == '+' &&
		    strspn(path.p + 2, "0123456789") == seg - 1)
			return put_intl(app, path.p + 2, seg - 1, out, why);
		if (seg > 1 && path.p[1] == '+') {
			*why = "an invite link, not an account";
			return false;
		}
		return intel_norm_handle(v, "telegram", out, why);
	}
	*why = "not a link to an account of this app";
	return false;
}

bool
intel_norm_messaging(const char *v, const char *app, const char *region,
		     struct buf *out, const char **why)
{
	static const char *const apps[] = { "whatsapp", "telegram", "signal",
					    "imo", NULL };
	const char *a = NULL;
	bool phone = v[0] == '+' || (v[0] >= '0' && v[0] <= '9') ||
		     (unsigned char)v[0] >= 0x80;

	for (size_t i = 0; app && apps[i]; i++)
		if (!strcasecmp(app, apps[i]))
			a = apps[i];
	if (app && (!strcasecmp(app, "wa")))
		a = "whatsapp";
	if (app && (!strcasecmp(app, "tg")))
		a = "telegram";
	if (!a) {
		*why = "the app is missing or unknown";
		return false;
	}
	if (link_like(v))
		return messaging_link(a, v, out, why);
	if (phone || !strcmp(a, "whatsapp") || !strcmp(a, "imo"))
		return put_phone(a, v, region, out, why);
	if (!strcmp(a, "telegram"))
		return telegram_name(v, out, why);
	return signal_name(v, out, why);
}

#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "base/buf.h"
#include "base/mem.h"

static bool
is_ascii(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] & 0x80)
			return false;
	return true;
}

enum text_result
text_nfc(const char *p, size_t len, char **out, size_t *outlen)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc;
	UChar *u = NULL, *n = NULL;
	int32_t ulen = 0, nlen, olen = 0;
	enum text_result r = TEXT_INVALID;

	*out = NULL;
	*outlen = 0;
	if (is_ascii(p, len))
		return TEXT_OK; /* ASCII is valid UTF-8 and always NFC */
	if (len > INT32_MAX / 2)
		return TEXT_INVALID;
	u_strFromUTF8(NULL, 0, &ulen, p, (int32_t)len, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return TEXT_INVALID;
	e = U_ZERO_ERROR;
	u = xmalloc(((size_t)ulen + 1) * sizeof(UChar));
	u_strFromUTF8(u, ulen + 1, NULL, p, (int32_t)len, &e);
	if (U_FAILURE(e))
		goto out;
	nfc = unorm2_getNFCInstance(&e);
	if (U_FAILURE(e))
		abort();
	if (unorm2_isNormalized(nfc, u, ulen, &e) && U_SUCCESS(e)) {
		r = TEXT_OK;
		goto out;
	}
	e = U_ZERO_ERROR;
	nlen = unorm2_normalize(nfc, u, ulen, NULL, 0, &e);
	e = U_ZERO_ERROR;
	n = xmalloc(((size_t)nlen + 1) * sizeof(UChar));
	unorm2_normalize(nfc, u, ulen, n, nlen + 1, &e);
	if (U_FAILURE(e))
		abort();
	u_strToUTF8(NULL, 0, &olen, n, nlen, &e);
	e = U_ZERO_ERROR;
	*out = xmalloc((size_t)olen + 1);
	u_strToUTF8(*out, olen + 1, NULL, n, nlen, &e);
	if (U_FAILURE(e))
		abort();
	*outlen = (size_t)olen;
	r = TEXT_CHANGED;
out:
	free(n);
	free(u);
	return r;
}

uint32_t
text_next_cp(const unsigned char *p, size_t *i)
{
	uint32_t c = p[(*i)++];
	int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
	while (more-- > 0)
		c = (c << 6) | (p[(*i)++] & 0x3f);
	return c;
}

/*
 * Control characters (C0, DEL, C1), line and paragraph separators, and
 * the bidirectional embeddings, overrides and isolates.  Joiners (U+200C,
 * U+200D) stay: Indic scripts need them.
 */
bool
text_refused_cp(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	       c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

const char *
text_clean(struct arena *a, const char *in, size_t max_chars, unsigned flags,
	   const char **why)
{
	const char *p = in ? in : "";
	size_t len = strlen(p), n, i, o, chars;
	char *nfc = NULL, *out;

	while (len > 0 && is_space(*p)) {
		p++;
		len--;
	}
	while (len > 0 && is_space(p[len - 1]))
		len--;
	/* No text this long is max_chars characters once composed. */
	if (len > 4 * max_chars + 16) {
		*why = arena_printf(a, "must be at most %zu characters",
				    max_chars);
		return NULL;
	}
	switch (text_nfc(p, len, &nfc, &n)) {
	case TEXT_OK: n = len; break;
	case TEXT_CHANGED: p = nfc; break;
	case TEXT_INVALID: *why = "must be valid UTF-8"; return NULL;
	}
	out = arena_alloc(a, n + 1);
	for (i = o = chars = 0; i < n;) {
		size_t at = i;
		uint32_t c = text_next_cp((const unsigned char *)p, &i);

		if (flags & TEXT_LINES && c == '\r' && i < n && p[i] == '\n')
			continue; /* the "\n" follows */
		chars++;
		if (flags & TEXT_LINES &&
		    (c == '\r' || c == '\n' || c == '\t')) {
			out[o++] = c == '\t' ? '\t' : '\n';
			continue;
		}
		if (text_refused_cp(c)) {
			free(nfc);
			*why = flags & TEXT_LINES
				       ? "must not contain control characters "
					 "other than line breaks and tabs"
				       : "must not contain control characters "
					 "or line breaks";
			return NULL;
		}
		memcpy(out + o, p + at, i - at);
		o += i - at;
	}
	free(nfc);
	out[o] = '\0';
	if (chars > max_chars) {
		*why = arena_printf(a, "must be at most %zu characters",
				    max_chars);
		return NULL;
	}
	return out;
}

const char *
text_join(struct arena *a, const char *const *v, size_t n, bool framed)
{
	struct buf b;
	const char *out;

	buf_init(&b, 0);
	buf_adds(&b, framed && n ? "," : "");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s%s", i && !framed ? "," : "", v[i],
			   framed ? "," : "");
	out = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return out;
}

void
text_split(struct arena *a, const char *s, const char ***out, size_t *n)
{
	size_t cap = 1;

	for (const char *p = s; p && *p; p++)
		cap += *p == ',';
	*out = arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len)
			(*out)[(*n)++] = arena_strndup(a, s, len);
		s += len + (end != NULL);
	}
}

int
text_find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

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

/* Text normalisation: text_nfc() on any bytes; NFC is idempotent. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out, *again;
	size_t outlen, againlen;
	enum text_result r;

	r = text_nfc((const char *)data, size, &out, &outlen);
	if (r != TEXT_CHANGED) {
		assert(!out && outlen == 0);
		return 0;
	}
	assert(out && out[outlen] == '\0');
	r = text_nfc(out, outlen, &again, &againlen);
	assert(r == TEXT_OK && !again);
	free(out);
	return 0;
}

/* Text input: UTF-8 validation and Unicode NFC normalisation (ICU). */
#ifndef ATIP_BASE_TEXT_H
#define ATIP_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

enum text_result {
	TEXT_OK,      /* valid and already NFC; *out is NULL */
	TEXT_CHANGED, /* valid; *out holds the NFC form, caller frees */
	TEXT_INVALID, /* not well-formed UTF-8 */
};

/* Validates p[0..len) as UTF-8 and normalises it to NFC. */
enum text_result text_nfc(const char *p, size_t len, char **out,
			  size_t *outlen);

#endif

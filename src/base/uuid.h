/* UUIDv7 (RFC 9562): time-ordered, globally unique record ids. */
#ifndef ATIP_BASE_UUID_H
#define ATIP_BASE_UUID_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum { UUID_STR_LEN = 37 }; /* 36 characters and NUL */

/* Writes a new UUIDv7 in lower-case canonical form into out. */
void uuid_v7(char out[UUID_STR_LEN]);

/* True when s is a canonical lower- or upper-case UUID string. */
bool uuid_valid(struct str s);

/*
 * Writes the UUID in s in lower case, as atip stores ids, into out; false
 * when s is not a UUID.
 */
bool uuid_normalise(struct str s, char out[UUID_STR_LEN]);

#endif

/* UUIDv7 (RFC 9562): time-ordered, globally unique record ids. */
#ifndef ATIP_BASE_UUID_H
#define ATIP_BASE_UUID_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum { UUID_STR_LEN = 37 }; /* 36 characters and NUL */

/* Writes a new UUIDv7 in lower-case canonical form into out. */
void uuid_v7(char out[UUID_STR_LEN]);

/*
 * A stable id for a part of a record that has none of its own (an
 * export's nested objects): a UUIDv8 made of the BLAKE2b hash of the
 * record's id and the part's name, the same on every export.
 */
void uuid_derived(const char *id, const char *part, char out[UUID_STR_LEN]);

/*
 * The same, shaped as a version 4 UUID, for standards that accept only
 * RFC 4122 versions 1 to 5 (STIX 2.1 identifiers): not random, but as
 * stable as uuid_derived().
 */
void uuid_derived_v4(const char *id, const char *part, char out[UUID_STR_LEN]);

/* True when s is a canonical lower- or upper-case UUID string. */
bool uuid_valid(struct str s);

/*
 * Writes the UUID in s in lower case, as atip stores ids, into out; false
 * when s is not a UUID.
 */
bool uuid_normalise(struct str s, char out[UUID_STR_LEN]);

#endif

/* What the STIX writer and reader share (intel_stix.c, intel_stix_read.c). */
#ifndef ATIP_INTEL_INTEL_STIX_INT_H
#define ATIP_INTEL_INTEL_STIX_INT_H

#include "intel/intel_stix.h"

/*
 * The official TLP 2.0 marking definitions (OASIS, the TLP 2.0 bundle in
 * tests/data/stix), copied exactly, and the TLP 1.0 ones of STIX 2.1
 * section 7.2.1.4, which the reader maps (WHITE is CLEAR).
 */
#define INTEL_STIX_TLP2_EXTENSION \
	"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define INTEL_STIX_TLP2_CREATED "2022-10-01T00:00:00.000Z"

enum { TLP_COUNT = TLP_RED + 1, INTEL_STIX_TLP1_COUNT = 4 };

struct intel_stix_tlp {
	const char *id, *name, *tlp;
};

extern const struct intel_stix_tlp intel_stix_tlp2[TLP_COUNT];
extern const struct intel_stix_tlp intel_stix_tlp1[INTEL_STIX_TLP1_COUNT];
extern const enum access_tlp intel_stix_tlp1_as[INTEL_STIX_TLP1_COUNT];

/* arena_grow() from an empty array (v NULL, *cap 0) too. */
static inline void *
intel_stix_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (!*cap) {
		*cap = 8;
		return arena_alloc(a, *cap * size);
	}
	return arena_grow(a, v, n, cap, size);
}

#endif

/* Internals shared by audit.c and audit_verify.c. */
#ifndef ATIP_AUDIT_INT_H
#define ATIP_AUDIT_INT_H

#include <stdio.h>

#include <sodium.h>

#include "base/buf.h"

enum {
	AUDIT_HASH = 32,
	AUDIT_HEX = 2 * AUDIT_HASH + 1,
	AUDIT_B64 = sodium_base64_VARIANT_ORIGINAL,
};

/* The prev_hash of a chain's first entry. */
extern const char audit_genesis[AUDIT_HEX];

/* The fields of one entry, as hashed and stored. */
struct audit_entry {
	const char *chain;
	long long seq;
	const char *id, *at, *actor_user, *action, *record_kind, *record_id;
	const char *outcome, *request_id, *prev_hash;
};

/* A chain head named by a checkpoint. */
struct audit_head {
	char chain[128];
	long long seq;
	char hash[AUDIT_HEX];
};

/* The hash of an entry: BLAKE2b-256 of its length-prefixed fields. */
void audit_entry_hash(const struct audit_entry *e, char out[AUDIT_HEX]);

/* The text a checkpoint signs; m is initialised here, caller releases. */
void audit_checkpoint_message(struct buf *m, const char *chain, long long seq,
			      const char *hash);

/*
 * Reads the newest checkpoint of each chain in f, without checking
 * signatures; *out is heap memory (caller frees), *lines counts lines.
 */
size_t audit_read_checkpoints(FILE *f, struct audit_head **out,
			      long long *lines);

#endif

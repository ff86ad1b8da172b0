/*
 * Password policy (NIST SP 800-63B rev 4) and hashing (argon2id).
 */
#ifndef ATIP_AUTH_PASSWORD_H
#define ATIP_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

enum {
	AUTH_PASSWORD_MIN = 15,	    /* while no second factor is enrolled */
	AUTH_PASSWORD_MIN_TOTP = 8, /* once TOTP is enrolled */
	AUTH_PASSWORD_MAX = 128,    /* characters */
	AUTH_HASH_MAX = 128,	    /* bytes of an encoded hash, with NUL */
};

/*
 * Checks a new password: valid UTF-8, from the minimum (15 characters, or
 * 8 with TOTP) to 128 characters, any characters, no composition rules;
 * refused when, after NFKC and case folding, it is a common password or
 * one repeated, or a single character repeated.  Returns NULL when it is
 * acceptable, else a fixed sentence saying why (never quoting it).
 */
const char *auth_password_check(const char *pw, size_t len, bool totp_enrolled);

/*
 * Hashes a password with argon2id (libsodium crypto_pwhash_str) into out.
 * At most a few hashes run at once, so a burst of sign-ins cannot exhaust
 * memory.  False only when memory runs out.
 */
bool auth_password_hash(const char *pw, size_t len, char out[AUTH_HASH_MAX]);

/* True when pw matches the stored hash (constant time in libsodium). */
bool auth_password_verify(const char *stored, const char *pw, size_t len);

/* True when a stored hash uses weaker parameters than today's. */
bool auth_password_needs_rehash(const char *stored);

#endif

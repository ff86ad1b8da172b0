/*
 * Keys and cryptography (libsodium).  Only this module touches raw key
 * material: other modules get opaque handles and wrappers — encrypt a
 * field, wrap a record's data key, a blind index for exact lookups, a MAC
 * for a purpose, a signature.
 *
 * The keyring is a file in the data directory (mode 0600, never in the
 * database) holding numbered root keys, the newest being primary, and the
 * Ed25519 signing seed.  Every purpose uses its own key derived from a root
 * key.  Each sensitive record has its own random data key, stored wrapped
 * by the keyring; destroying the wrapped key makes the record unreadable
 * everywhere, backups included.
 */
#ifndef ATIP_CRYPTO_CRYPTO_H
#define ATIP_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "db/db.h"

/* Purposes with their own derived keys (MACs and blind indexes). */
enum crypto_purpose {
	CRYPTO_BLIND_INDEX = 1,
	CRYPTO_WEBHOOK = 2,
	CRYPTO_LINKAGE = 3,
	CRYPTO_SESSION = 4,
	CRYPTO_TOTP = 5,
	CRYPTO_RECOVERY = 6,
};

enum { CRYPTO_SIG_LEN = 64, CRYPTO_PUBLIC_LEN = 32, CRYPTO_MAC_LEN = 32 };

struct crypto_keyring;
struct crypto_dek;

/* Initialises libsodium; call once at start.  False when it cannot. */
bool crypto_init(void);

/*
 * Opens <dir>/keyring; when it is absent and create is true, makes a new
 * one (mode 0600).  Refuses a keyring others may read, a damaged one, or a
 * missing one when create is false, writing why into err.  Caller closes.
 */
struct crypto_keyring *crypto_keyring_open(const char *dir, bool create,
					   char *err, size_t errlen);

/* Wipes and frees the keyring's memory. */
void crypto_keyring_close(struct crypto_keyring *kr);

/* The version of the primary root key (1, 2, ...). */
uint32_t crypto_keyring_primary(const struct crypto_keyring *kr);

/*
 * Adds a new root key to the keyring file in dir and makes it primary;
 * older keys stay so existing data keys still unwrap.  Returns the new
 * version, or 0 with a reason in err.
 */
uint32_t crypto_keyring_rotate(const char *dir, char *err, size_t errlen);

/* Makes a new random data key for one record; free with crypto_dek_free. */
struct crypto_dek *crypto_dek_new(void);

/* Wipes and frees a data key. */
void crypto_dek_free(struct crypto_dek *dek);

/*
 * Wraps dek for the record id under the primary key.  Returns printable
 * text ("k<version>.<base64>") to store beside the record; caller frees.
 */
char *crypto_dek_wrap(const struct crypto_keyring *kr,
		      const struct crypto_dek *dek, const char *record_id);

/*
 * Unwraps a stored data key of the record id.  NULL when the text is
 * damaged, belongs to another record, or its key version is unknown.
 */
struct crypto_dek *crypto_dek_unwrap(const struct crypto_keyring *kr,
				     const char *wrapped,
				     const char *record_id);

/*
 * Re-wraps a stored data key under the primary key (for key rotation).
 * Returns new text (caller frees), or NULL as crypto_dek_unwrap.
 */
char *crypto_dek_rewrap(const struct crypto_keyring *kr, const char *wrapped,
			const char *record_id);

/* The key version a wrapped data key uses, 0 when the text is not one. */
uint32_t crypto_dek_version(const char *wrapped);

/*
 * Re-wraps every stored data key not yet under the primary key, 100 to a
 * transaction.  stale selects (id, wrapped key) of up to 100 keys NOT LIKE
 * $1 (the primary's prefix); set writes $2 over $3 for id $1.  *count gets
 * how many changed.
 */
enum db_status crypto_dek_rewrap_all(struct db *db,
				     const struct crypto_keyring *kr,
				     const struct db_stmt *stale,
				     const struct db_stmt *set,
				     long long *count);

/*
 * Encrypts one field of a record (XChaCha20-Poly1305; the record id and the
 * field name are bound as additional data, so a value cannot be moved to
 * another record or field).  Returns printable text; caller frees.
 */
char *crypto_field_encrypt(const struct crypto_dek *dek, const char *record_id,
			   const char *field, const void *p, size_t len);

/*
 * Decrypts a field into out, which it initialises: whatever out held is
 * dropped, not freed, so wipe it (crypto_wipe_buf) after each use, before
 * the next.  False when the text was altered, moved to another record or
 * field, or made with another data key.
 */
bool crypto_field_decrypt(const struct crypto_dek *dek, const char *record_id,
			  const char *field, const char *text, struct buf *out);

/*
 * Encrypts a file's bytes under dek (libsodium secretstream, XChaCha20-
 * Poly1305 in 64 KiB chunks, the record id bound to every chunk) and
 * appends the result to out, which the caller has initialised with its
 * cap.  False when out would pass its cap.
 */
bool crypto_blob_encrypt(const struct crypto_dek *dek, const char *record_id,
			 const void *p, size_t len, struct buf *out);

/*
 * Decrypts crypto_blob_encrypt's output, appending the plain bytes to out
 * (wipe it with crypto_wipe_buf when done).  False when the bytes were
 * altered, cut short, reordered, made for another record or with another
 * key, or do not fit out.
 */
bool crypto_blob_decrypt(const struct crypto_dek *dek, const char *record_id,
			 const void *p, size_t len, struct buf *out);

/* How many bytes crypto_blob_encrypt makes of len plain bytes. */
size_t crypto_blob_size(size_t len);

enum { CRYPTO_INDEX_LEN = 44 }; /* "b1." + 40 characters + NUL */

/*
 * A blind index of a value for exact lookups without storing it: keyed
 * BLAKE2b under the blind-index key, separated by kind ("phone", "email").
 * Callers normalise the value first.
 */
void crypto_blind_index(const struct crypto_keyring *kr, const char *kind,
			const void *p, size_t len, char out[CRYPTO_INDEX_LEN]);

/* HMAC-SHA-256 of msg under the key of purpose. */
void crypto_mac(const struct crypto_keyring *kr, enum crypto_purpose purpose,
		const void *msg, size_t len, unsigned char out[CRYPTO_MAC_LEN]);

/* Signs msg with the keyring's Ed25519 key. */
void crypto_sign_msg(const struct crypto_keyring *kr, const void *msg,
		     size_t len, unsigned char sig[CRYPTO_SIG_LEN]);

/* The Ed25519 public key that verifies crypto_sign_msg. */
void crypto_sign_public(const struct crypto_keyring *kr,
			unsigned char pub[CRYPTO_PUBLIC_LEN]);

/* True when sig is pub's signature of msg. */
bool crypto_verify_msg(const unsigned char pub[CRYPTO_PUBLIC_LEN],
		       const void *msg, size_t len,
		       const unsigned char sig[CRYPTO_SIG_LEN]);

/*
 * Seals a secret of a record for a purpose under the primary key (the
 * record id and purpose bound as additional data); returns printable text
 * ("s<version>.<base64>"), caller frees.
 */
char *crypto_seal(const struct crypto_keyring *kr, enum crypto_purpose purpose,
		  const char *record_id, const void *p, size_t len);

/* Opens a sealed secret into out (wipe with crypto_wipe_buf); false if altered. */
bool crypto_unseal(const struct crypto_keyring *kr, enum crypto_purpose purpose,
		   const char *record_id, const char *text, struct buf *out);

/* The key version a sealed secret uses, 0 when the text is not one. */
uint32_t crypto_sealed_version(const char *text);

/*
 * Re-seals a secret under the primary key (for key rotation): new text
 * (caller frees), or NULL when it is already under the primary key or does
 * not open.
 */
char *crypto_reseal(const struct crypto_keyring *kr,
		    enum crypto_purpose purpose, const char *record_id,
		    const char *text);

/*
 * Makes a TOTP secret (160 bits) for a user: *sealed to store, *base32 to
 * show the user once (for the otpauth URI).  Caller frees both.
 */
bool crypto_totp_new(const struct crypto_keyring *kr, const char *user_id,
		     char **sealed, char **base32);

/*
 * Checks a 6-digit TOTP code (RFC 6238, 30 s steps, one step of drift
 * either way) at now_s; *step gets the time step it matched, which the
 * caller must keep increasing so that no code is accepted twice.
 */
bool crypto_totp_check(const struct crypto_keyring *kr, const char *user_id,
		       const char *sealed, const char *code, int64_t now_s,
		       long long *step);

/* The current code of a sealed secret (for tests and demo tooling). */
bool crypto_totp_code(const struct crypto_keyring *kr, const char *user_id,
		      const char *sealed, int64_t now_s, char code[7]);

/*
 * Makes a webhook's signing secret ("whsec_" and 43 characters): *shown
 * to give its organisation once, *sealed to store.  Caller frees both.
 */
bool crypto_webhook_secret(const struct crypto_keyring *kr,
			   const char *webhook_id, char **sealed, char **shown);

/*
 * HMAC-SHA-256 of msg keyed with the webhook's secret (its text, as the
 * receiver holds it), as 64 hex digits; false when the secret does not
 * open.
 */
bool crypto_webhook_sign(const struct crypto_keyring *kr,
			 const char *webhook_id, const char *sealed,
			 const void *msg, size_t len, char hex[65]);

/* Wipes and releases a buffer that held secret or personal data. */
void crypto_wipe_buf(struct buf *b);

/* Wipes and frees a malloc'd string that held personal data (NULL: no-op). */
void crypto_wipe_str(char *s);

/*
 * Keyed hashing for linkage encodings (CLKs), BLAKE2b under a key that
 * never leaves src/crypto: the platform's linkage key (a purpose key of
 * its own, stable across key rotations because stored CLKs depend on it),
 * a random key for one offline run, or a key two parties derive from a
 * secret they share (Argon2id, so that a guessable secret costs).
 */
struct crypto_link_key;
struct crypto_link_field;

struct crypto_link_key *
crypto_link_key_platform(const struct crypto_keyring *kr);
struct crypto_link_key *crypto_link_key_random(void);
struct crypto_link_key *crypto_link_key_secret(const void *p, size_t len);
void crypto_link_key_free(struct crypto_link_key *k);

/* The subkey of one field of a schema, named name. */
struct crypto_link_field *crypto_link_field_new(const struct crypto_link_key *k,
						const char *name);
void crypto_link_field_free(struct crypto_link_field *f);

/*
 * Fills out[0..n) with bit positions in [0, bits) for token p[0..len):
 * independent 32-bit words of the keyed hash (not double hashing, which
 * leaks more to a cryptanalysis of the filters).
 */
void crypto_link_positions(const struct crypto_link_field *f, const void *p,
			   size_t len, uint32_t bits, uint32_t *out, size_t n);

#endif

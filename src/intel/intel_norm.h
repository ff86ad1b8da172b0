/*
 * Typed indicators of online exploitation and their normalisers.  Every
 * value is reduced to one canonical key, so that the same phone number,
 * handle or payment id written in different ways correlates: "+91 98200
 * 12345", "098200 12345" and "98200-12345" (in India) are all
 * "+919820012345".  The key is what the correlation index holds; the value
 * as written is kept for display.
 */
#ifndef ATIP_INTEL_INTEL_NORM_H
#define ATIP_INTEL_INTEL_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

enum intel_type {
	INTEL_PHONE,	 /* E.164 */
	INTEL_EMAIL,	 /* local@domain, domain lower case, IDNA */
	INTEL_URL,	 /* canonical URL */
	INTEL_DOMAIN,	 /* registrable host name, lower case, IDNA */
	INTEL_HANDLE,	 /* platform:handle, the platform's case rules */
	INTEL_MESSAGING, /* app:id (whatsapp, telegram, signal, imo) */
	INTEL_UPI,	 /* UPI virtual payment address, name@psp */
	INTEL_BANK,	 /* IFSC:account number */
	INTEL_WALLET,	 /* chain:address */
	INTEL_IP,	 /* IPv4 dotted or IPv6 RFC 5952 */
	INTEL_PLATE,	 /* vehicle plate, letters and digits only */
	INTEL_NAME,	 /* a person's name (personal: see intel.h) */
	INTEL_AD,	 /* ad text: its SimHash correlates near duplicates */
	INTEL_TYPE_COUNT
};

/* "phone", "email", "url", "domain", "handle", "messaging", "upi",
 * "bank_account", "crypto_wallet", "ip", "vehicle_plate", "person_name",
 * "ad_text". */
const char *intel_type_name(enum intel_type t);
bool intel_type_parse(const char *s, enum intel_type *out);

/*
 * Normalises value (UTF-8) of type t into out (reset first) as its
 * canonical key.  qualifier: for INTEL_HANDLE the platform ("facebook",
 * "instagram", "x", "tiktok", "youtube", "telegram", "snapchat",
 * "linkedin", "sharechat", "moj"), for INTEL_MESSAGING the app
 * ("whatsapp", "telegram", "signal", "imo"), for INTEL_WALLET the chain
 * when the address does not tell it, else NULL; region: the ISO 3166-1
 * alpha-2 country in whose context a phone number without its country code
 * is read ("IN", "NP", "LK", "BD"), or NULL.  On failure returns false and
 * sets *why to a short reason for the user that never quotes the value.
 * Thread-safe.
 */
bool intel_normalise(enum intel_type t, const char *value,
		     const char *qualifier, const char *region, struct buf *out,
		     const char **why);

/* The SimHash (64 bits) of an ad's text: near-duplicate ads differ in a few
 * bits.  Words of the text after NFKC, case folding and squeezing, weighed
 * shingles of 3 words and words alone. */
uint64_t intel_simhash(const char *text);

/* Near duplicates: SimHashes at most this many bits apart (a word changed
 * in a short ad moves a few bits; unrelated ads are ~32 apart).  The index
 * cuts a SimHash into INTEL_SIMHASH_NEAR + 1 blocks: near ones share one. */
enum { INTEL_SIMHASH_NEAR = 6, INTEL_SIMHASH_BLOCKS = 7 };

/* An indicator found in free text, proposed to the analyst. */
struct intel_found {
	enum intel_type type;
	const char *qualifier; /* as for intel_normalise, or NULL */
	const char *value;     /* as written in the text */
	const char *key;       /* its canonical key */
	size_t offset, length; /* where in the text, in bytes */
};

/*
 * Finds indicators in text (a chat log, an ad): phone numbers, emails,
 * URLs and their domains, handles (@name after a platform's name or in its
 * URL), WhatsApp/Telegram links, UPI ids, IFSC + account numbers, wallets,
 * IP addresses, vehicle plates.  Only values that normalise are proposed,
 * each key once, in the order found; strings in arena a.  Returns the
 * number found (at most max).
 */
size_t intel_extract(const char *text, const char *region, struct arena *a,
		     struct intel_found *out, size_t max);

/*
 * The libphonenumber shim (intel_phone.cc, compiled as C++): the number in
 * E.164 into out, read in region's context when it has no country code;
 * false when it is not a valid number there.
 */
bool intel_phone_e164(const char *number, const char *region, char *out,
		      size_t outlen);

#endif

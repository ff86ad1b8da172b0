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

/*
 * The keys, type by type:
 * - phone: E.164 ("+919820012345"), digits of any script read; only a
 *   number libphonenumber's metadata holds valid is taken (a merely
 *   possible length would make any ten digits an Indian phone).
 * - email: the local part lower case (Gmail's without dots and +tag, and
 *   googlemail.com is gmail.com), the domain in lower-case A-labels.
 * - url: http or https (none written: https), scheme and host lower case,
 *   IDNA host, default port, fragment, user info and tracking parameters
 *   (utm_*, fbclid, gclid, igshid, igsh, si, mibextid, dclid, msclkid)
 *   dropped, dot segments removed, percent-encoding canonical (unreserved
 *   characters decoded, hex upper case), empty path "/".
 * - domain: lower-case A-labels, no trailing dot, no leading "www.".
 * - handle: "platform:handle" lower case (Facebook's without dots; a
 *   Facebook profile.php?id= is its number), from "@name", "name" or the
 *   profile's URL; a post's or group's URL is refused.
 * - messaging: "whatsapp:+91...", "imo:+977...", "telegram:name" or
 *   "telegram:+91...", "signal:name.01" or "signal:+94..."; wa.me,
 *   api.whatsapp.com/send?phone= and t.me links are read.
 * - upi: "name@psp" lower case (a upi://pay?pa= link is read).
 * - bank_account: "IFSC:account", the IFSC upper case, the account's 9 to
 *   18 digits with their leading zeros; words like "A/C No." may be around.
 * - crypto_wallet: "btc:", "eth:" (lower case) or "trx:" and the address,
 *   base58check and bech32/bech32m checksums verified.
 * - ip: inet_ntop's form; an IPv4-mapped IPv6 address is the IPv4 one.
 * - vehicle_plate: letters and digits upper case, digits of any script
 *   ASCII, other scripts' letters transliterated keeping their inherent
 *   vowel ("बा २ च १२३४" is "BA2CA1234", as ISO 15919 writes it).
 * - person_name: link_norm's LINK_NORM_NAME ("लक्ष्मी तामाङ" and "Laxmi
 *   Tamang" are both "laksmi tamang").
 * - ad_text: intel_simhash as 16 lower-case hex digits.
 */
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
 * "linkedin", "sharechat", "moj"; also "fb", "ig", "insta", "twitter"...),
 * for INTEL_MESSAGING the app ("whatsapp", "telegram", "signal", "imo"),
 * for INTEL_WALLET the chain ("btc", "eth", "trx" or their names), which
 * the address must then be of; else NULL.  region: the ISO 3166-1 alpha-2
 * country in whose context a phone number without its country code is
 * read ("IN", "NP", "LK", "BD"), or NULL (then only "+CC" or "00CC"
 * numbers are read).  The value is trimmed of ASCII white space; more than
 * 2000 characters or invalid UTF-8 is refused.  On failure returns false,
 * out empty, and sets *why (when why is not NULL) to a short static reason
 * for the user that never quotes the value.  Thread-safe.
 */
bool intel_normalise(enum intel_type t, const char *value,
		     const char *qualifier, const char *region, struct buf *out,
		     const char **why);

/* The SimHash (64 bits) of an ad's text: near-duplicate ads differ in a few
 * bits.  Words of the text after NFKC, case folding and squeezing (digits
 * of any script ASCII), weighed: shingles of 3 words and words alone, each
 * hashed with BLAKE2b.  Deterministic; 0 for a text without words.  Reads
 * the first 100000 bytes. */
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
 * each key once, in the order found; strings in arena a (qualifiers are
 * static).  Telegram usernames are proposed as INTEL_MESSAGING.  Reads the
 * first 100000 bytes of text.  Returns the number found (at most max).
 * Thread-safe.
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

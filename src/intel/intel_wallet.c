/*
 * Cryptocurrency addresses.  Bitcoin's legacy and P2SH addresses and
 * Tron's are base58 with a checksum (the first 4 bytes of SHA-256 twice);
 * Bitcoin's SegWit addresses are bech32 or bech32m (BIP 173, BIP 350) with
 * their BCH checksum; Ethereum's are 0x and 40 hex digits (their mixed-case
 * EIP-55 checksum needs Keccak, which libsodium lacks: it is not checked,
 * the key is lower case).  A checksum catches a mistyped address and makes
 * a random word in a text no address.
 */
#include "intel/intel_norm_int.h"

#include <string.h>
#include <strings.h>

#include <sodium.h>

enum { B58_LEN = 25 };

static const char b58[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const char b32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* Decodes a base58check address of 25 bytes with the version byte given. */
static bool
base58check(const char *s, unsigned char version)
{
	unsigned char d[B58_LEN] = { 0 }, h[crypto_hash_sha256_BYTES];
	size_t n = strlen(s), ones = 0, zeros = 0;

	if (n < 26 || n > 35)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *c = strchr(b58, s[i]);
		unsigned carry;

		if (!c)
			return false;
		carry = (unsigned)(c - b58);
		for (int k = B58_LEN - 1; k >= 0; k--) {
			carry += 58u * d[k];
			d[k] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
		if (carry)
			return false; /* longer than 25 bytes */
	}
	/* Each leading 1 is a leading zero byte, and no more. */
	while (s[ones] == '1')
		ones++;
	while (zeros < B58_LEN && d[zeros] == 0)
		zeros++;
	if (ones != zeros || d[0] != version)
		return false;
	crypto_hash_sha256(h, d, B58_LEN - 4);
	crypto_hash_sha256(h, h, sizeof(h));
	return !memcmp(h, d + B58_LEN - 4, 4);
}

static uint32_t
polymod(const unsigned char *v, size_t n)
{
	static const uint32_t g[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
				       0x3d4233dd, 0x2a1462b3 };
	uint32_t chk = 1;

	for (size_t i = 0; i < n; i++) {
		uint32_t top = chk >> 25;

		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int k = 0; k < 5; k++)
			if ((top >> k) & 1)
				chk ^= g[k];
	}
	return chk;
}

/* A bc1 address, lower case in s (42 to 62 characters), its checksum
 * bech32 for witness version 0 and bech32m for the others. */
static bool
segwit(const char *s)
{
	unsigned char v[5 + 90];
	size_t n = strlen(s), data = n - 3, bits;

	if (n < 14 || n > 90 || strncmp(s, "bc1", 3))
		return false;
	v[0] = 'b' >> 5;
	v[1] = 'c' >> 5;
	v[2] = 0;
	v[3] = 'b' & 31;
	v[4] = 'c' & 31;
	for (size_t i = 0; i < data; i++) {
		const char *c = strchr(b32, s[3 + i]);

		if (!c)
			return false;
		v[5 + i] = (unsigned char)(c - b32);
	}
	if (data < 7 || v[5] > 16)
		return false;
	/* The program: 2 to 40 bytes, 20 or 32 for version 0. */
	bits = (data - 7) * 5;
	if (bits % 8 >= 5 || bits / 8 < 2 || bits / 8 > 40 ||
	    (v[5] == 0 && bits / 8 != 20 && bits / 8 != 32))
		return false;
	return polymod(v, 5 + data) == (v[5] == 0 ? 1u : 0x2bc830a3u);
}

static bool
ethereum(const char *s)
{
	return strlen(s) == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	       strspn(s + 2, "0123456789abcdefABCDEF") == 40;
}

static const char *
chain_named(const char *q)
{
	static const char *const names[][4] = {
		{ "btc", "bitcoin", NULL },
		{ "eth", "ethereum", "erc20", NULL },
		{ "trx", "tron", "trc20", NULL },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (size_t k = 0; names[i][k]; k++)
			if (!strcasecmp(q, names[i][k]))
				return names[i][0];
	return NULL;
}

bool
intel_norm_wallet(const char *v, const char *chain, struct buf *out,
		  const char **why)
{
	const char *c = NULL, *forced = NULL;
	char a[100];
	size_t n = strlen(v);

	if (chain && !(forced = chain_named(chain))) {
		*why = "not a chain known here (btc, eth, trx)";
		return false;
	}
	if (n >= sizeof(a)) {
		*why = "not a wallet address";
		return false;
	}
	memcpy(a, v, n + 1);
	if (ethereum(a)) {
		c = "eth";
		for (size_t i = 0; i < n; i++)
			if (a[i] >= 'A' && a[i] <= 'F')
				a[i] = (char)(a[i] + 32);
		a[1] = 'x';
	} else if (a[0] == 'T' && base58check(a, 0x41)) {
		c = "trx";
	} else if ((a[0] == '1' && base58check(a, 0x00)) ||
		   (a[0] == '3' && base58check(a, 0x05))) {
		c = "btc";
	} else if (!strncasecmp(a, "bc1", 3)) {
		bool upper = false, lower = false;

		for (size_t i = 0; i < n; i++) {
			upper |= a[i] >= 'A' && a[i] <= 'Z';
			lower |= a[i] >= 'a' && a[i] <= 'z';
			if (a[i] >= 'A' && a[i] <= 'Z')
				a[i] = (char)(a[i] + 32);
		}
		/* Bech32 is one case or the other, never mixed. */
		if (!(upper && lower) && segwit(a))
			c = "btc";
	}
	if (!c) {
		*why = "not a Bitcoin, Ethereum or Tron address (or its "
		       "checksum is wrong)";
		return false;
	}
	if (forced && strcmp(forced, c)) {
		*why = "not an address of that chain";
		return false;
	}
	return intel_norm_put(out, c, strlen(c), why) &&
	       intel_norm_put(out, ":", 1, why) &&
	       intel_norm_put(out, a, n, why);
}

/*
 * The keyring file: "ATIPKEYR", format, primary version, key count, the
 * keys (version, creation time, 32 bytes), the signing seed, and a BLAKE2b
 * checksum of all of that.  Integers are little-endian.  It is written to
 * a temporary file, synced and renamed, so a crash never leaves half a
 * keyring.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liboath/oath.h>

#include "base/timeutil.h"
#include "crypto/crypto_int.h"

static const char magic[8] = { 'A', 'T', 'I', 'P', 'K', 'E', 'Y', 'R' };
enum {
	FORMAT = 1,
	HEAD = 8 + 4 + 4 + 4,
	ENTRY = 4 + 8 + CRYPTO_KEY_LEN,
	MAX_FILE = HEAD + CRYPTO_MAX_KEYS * ENTRY + crypto_sign_SEEDBYTES + 32,
};

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

bool
crypto_init(void)
{
	return sodium_init() >= 0 && oath_init() == OATH_OK;
}

const unsigned char *
crypto_root(const struct crypto_keyring *kr, uint32_t version)
{
	for (uint32_t i = 0; i < kr->count; i++)
		if (kr->versions[i] == version)
			return kr->roots[i];
	return NULL;
}

void
crypto_derive(const unsigned char *root, uint64_t purpose,
	      unsigned char out[CRYPTO_KEY_LEN])
{
	crypto_kdf_derive_from_key(out, CRYPTO_KEY_LEN, purpose, "atip-kdf",
				   root);
}

static struct crypto_keyring *
keyring_alloc(void)
{
	struct crypto_keyring *kr = sodium_malloc(sizeof(*kr));

	if (!kr)
		abort();
	sodium_memzero(kr, sizeof(*kr));
	return kr;
}

void
crypto_keyring_close(struct crypto_keyring *kr)
{
	if (kr)
		sodium_free(kr); /* wipes before freeing */
}

uint32_t
crypto_keyring_primary(const struct crypto_keyring *kr)
{
	return kr->primary;
}

/* Serialises kr into buf (MAX_FILE bytes); returns the length. */
static size_t
encode(const struct crypto_keyring *kr, unsigned char *buf)
{
	size_t n = 0;

	memcpy(buf, magic, 8);
	put32(buf + 8, FORMAT);
	put32(buf + 12, kr->primary);
	put32(buf + 16, kr->count);
	n = HEAD;
	for (uint32_t i = 0; i < kr->count; i++) {
		put32(buf + n, kr->versions[i]);
		put64(buf + n + 4, kr->created[i]);
		memcpy(buf + n + 12, kr->roots[i], CRYPTO_KEY_LEN);
		n += ENTRY;
	}
	memcpy(buf + n, kr->seed, crypto_sign_SEEDBYTES);
	n += crypto_sign_SEEDBYTES;
	crypto_generichash(buf + n, 32, buf, n, NULL, 0);
	return n + 32;
}

/* Parses buf[0..len) into kr; false when it is not a sound keyring. */
static bool
decode(const unsigned char *buf, size_t len, struct crypto_keyring *kr)
{
	unsigned char sum[32];
	size_t n;

	if (len < HEAD || memcmp(buf, magic, 8) || get32(buf + 8) != FORMAT)
		return false;
	kr->primary = get32(buf + 12);
	kr->count = get32(buf + 16);
	if (kr->count == 0 || kr->count > CRYPTO_MAX_KEYS ||
	    len != HEAD + kr->count * ENTRY + crypto_sign_SEEDBYTES + 32)
		return false;
	n = len - 32;
	crypto_generichash(sum, 32, buf, n, NULL, 0);
	if (sodium_memcmp(sum, buf + n, 32))
		return false;
	n = HEAD;
	for (uint32_t i = 0; i < kr->count; i++) {
		kr->versions[i] = get32(buf + n);
		kr->created[i] = get64(buf + n + 4);
		memcpy(kr->roots[i], buf + n + 12, CRYPTO_KEY_LEN);
		n += ENTRY;
	}
	memcpy(kr->seed, buf + n, crypto_sign_SEEDBYTES);
	crypto_sign_seed_keypair(kr->sign_pk, kr->sign_sk, kr->seed);
	return crypto_root(kr, kr->primary) != NULL;
}

static bool
write_file(const char *dir, const struct crypto_keyring *kr, char *err,
	   size_t errlen)
{
	char path[4096], tmp[4096];
	unsigned char *buf = sodium_malloc(MAX_FILE);
	size_t len;
	int fd, dfd;
	bool ok;

	if (!buf)
		abort();
	snprintf(path, sizeof(path), "%s/keyring", dir);
	snprintf(tmp, sizeof(tmp), "%s/keyring.new", dir);
	len = encode(kr, buf);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	ok = ok && rename(tmp, path) == 0;
	sodium_free(buf);
	if (!ok) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		unlink(tmp);
		return false;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return true;
}

static void
add_key(struct crypto_keyring *kr, uint32_t version)
{
	uint32_t i = kr->count++;

	kr->versions[i] = version;
	kr->created[i] = (uint64_t)time_now_ms();
	crypto_kdf_keygen(kr->roots[i]);
	kr->primary = version;
}

static struct crypto_keyring *
create(const char *dir, char *err, size_t errlen)
{
	struct crypto_keyring *kr = keyring_alloc();

	add_key(kr, 1);
	randombytes_buf(kr->seed, sizeof(kr->seed));
	crypto_sign_seed_keypair(kr->sign_pk, kr->sign_sk, kr->seed);
	if (!write_file(dir, kr, err, errlen)) {
		sodium_free(kr);
		return NULL;
	}
	sodium_mprotect_readonly(kr);
	return kr;
}

struct crypto_keyring *
crypto_keyring_open(const char *dir, bool create_missing, char *err,
		    size_t errlen)
{
	char path[4096];
	unsigned char *buf;
	struct crypto_keyring *kr;
	struct stat st;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/keyring", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create_missing)
		return create(dir, err, errlen);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_mode & 077) ||
	    st.st_size > MAX_FILE) {
		close(fd);
		snprintf(err, errlen,
			 "%s must be a regular file of mode 0600 owned by atip",
			 path);
		return NULL;
	}
	buf = sodium_malloc(MAX_FILE);
	kr = keyring_alloc();
	if (!buf)
		abort();
	len = read(fd, buf, MAX_FILE);
	close(fd);
	if (len <= 0 || !decode(buf, (size_t)len, kr)) {
		sodium_free(buf);
		sodium_free(kr);
		snprintf(err, errlen, "%s is damaged or not an atip keyring",
			 path);
		return NULL;
	}
	sodium_free(buf);
	sodium_mprotect_readonly(kr);
	return kr;
}

uint32_t
crypto_keyring_rotate(const char *dir, char *err, size_t errlen)
{
	struct crypto_keyring *kr =
		crypto_keyring_open(dir, false, err, errlen);
	uint32_t newest = 0, v;

	if (!kr)
		return 0;
	sodium_mprotect_readwrite(kr);
	if (kr->count == CRYPTO_MAX_KEYS) {
		snprintf(err, errlen, "the keyring holds %d keys, its most",
			 CRYPTO_MAX_KEYS);
		sodium_free(kr);
		return 0;
	}
	for (uint32_t i = 0; i < kr->count; i++)
		if (kr->versions[i] > newest)
			newest = kr->versions[i];
	v = newest + 1;
	add_key(kr, v);
	if (!write_file(dir, kr, err, errlen))
		v = 0;
	sodium_free(kr);
	return v;
}

/*
 * The linkage normaliser and schema reader on any bytes.  The first byte
 * picks what the rest is: a value for one of the normalisers (which must
 * give lower-case ASCII letters, digits, spaces and dashes, or nothing),
 * or a linkage schema (which, when taken, must encode a record).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "linkage/link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
any_column(const char *column, void *arg)
{
	(void)column;
	return arg;
}

static void
schema(const char *text)
{
	static struct crypto_link_key *k;
	json_t *doc = json_loads(text, 0, NULL);
	struct link_schema *s;
	uint64_t clk[LINK_BITS_MAX / 64];
	char err[200];

	if (!k) {
		assert(crypto_init());
		k = crypto_link_key_random();
	}
	if (!doc)
		return;
	s = link_schema_read(doc, k, err, sizeof(err));
	json_decref(doc);
	if (!s) {
		assert(err[0]);
		return;
	}
	assert(s->bits % 64 == 0 && s->bits <= LINK_BITS_MAX);
	link_encode(s, any_column, "Laxmi 2004-03-12", clk);
	assert(link_popcount(clk, s->words) <= s->bits);
	link_schema_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	struct buf out;

	if (size < 1)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] >= 8) {
		schema(s);
		free(s);
		return 0;
	}
	buf_init(&out, 0);
	if (link_norm((enum link_norm_kind)data[0], s, &out)) {
		assert(out.len > 0 && strlen(out.p) == out.len);
		for (size_t i = 0; i < out.len; i++)
			assert((out.p[i] >= 'a' && out.p[i] <= 'z') ||
			       (out.p[i] >= '0' && out.p[i] <= '9') ||
			       out.p[i] == ' ' || out.p[i] == '-');
	} else {
		assert(out.len == 0);
	}
	buf_release(&out);
	free(s);
	return 0;
}

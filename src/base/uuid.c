#include "base/uuid.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <sodium.h>

#include "base/timeutil.h"

/*
 * Ids made by one process sort in the order they were made, even within a
 * millisecond (RFC 9562, section 6.2, method 1): the 12 bits after the
 * version count up from a random start below 2048, and a millisecond that
 * runs out of them borrows the next.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static unsigned seq;

void
uuid_v7(char out[UUID_STR_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	uint64_t ms = (uint64_t)time_now_ms();
	size_t i, o = 0;

	if (getrandom(b + 6, 10, 0) != 10)
		abort();
	pthread_mutex_lock(&lock);
	if (ms > last_ms) {
		last_ms = ms;
		seq = ((unsigned)b[6] << 8 | b[7]) & 0x7ff;
	} else if (++seq > 0xfff) {
		last_ms++;
		seq = 0;
	}
	ms = last_ms;
	b[6] = (unsigned char)(seq >> 8);
	b[7] = (unsigned char)seq;
	pthread_mutex_unlock(&lock);
	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

bool
uuid_valid(struct str s)
{
	size_t i;

	if (s.len != 36)
		return false;
	for (i = 0; i < 36; i++) {
		char c = s.p[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			     (c >= 'A' && c <= 'F'))) {
			return false;
		}
	}
	return true;
}

bool
uuid_normalise(struct str s, char out[UUID_STR_LEN])
{
	if (!uuid_valid(s))
		return false;
	for (size_t i = 0; i < 36; i++)
		out[i] = s.p[i] >= 'A' && s.p[i] <= 'F' ? (char)(s.p[i] + 32)
							: s.p[i];
	out[36] = '\0';
	return true;
}

static void
derive(const char *id, const char *part, unsigned version,
       char out[UUID_STR_LEN])
{
	static const char hex[] = "0123456789abcdef";
	crypto_generichash_state st;
	unsigned char b[16];
	size_t o = 0;

	crypto_generichash_init(&st, NULL, 0, sizeof(b));
	crypto_generichash_update(&st, (const unsigned char *)id, strlen(id));
	crypto_generichash_update(&st, (const unsigned char *)"/", 1);
	crypto_generichash_update(&st, (const unsigned char *)part,
				  strlen(part));
	crypto_generichash_final(&st, b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | version << 4);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

void
uuid_derived(const char *id, const char *part, char out[UUID_STR_LEN])
{
	derive(id, part, 8, out);
}

void
uuid_derived_v4(const char *id, const char *part, char out[UUID_STR_LEN])
{
	derive(id, part, 4, out);
}

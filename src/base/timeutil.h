/* Time: atip stores and exchanges UTC only. */
#ifndef ATIP_BASE_TIMEUTIL_H
#define ATIP_BASE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch (wall clock). */
int64_t time_now_ms(void);

/* Monotonic nanoseconds, for measuring durations. */
uint64_t time_mono_ns(void);

enum { TIME_RFC3339_LEN = 25 }; /* "2026-11-29T19:00:00.123Z" + NUL */

/* Writes ms as RFC 3339 UTC with milliseconds into out (>= 25 bytes). */
void time_rfc3339(int64_t ms, char *out, size_t size);

#endif

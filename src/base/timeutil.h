/* Time: atip stores and exchanges UTC only. */
#ifndef ATIP_BASE_TIMEUTIL_H
#define ATIP_BASE_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch (wall clock). */
int64_t time_now_ms(void);

/* Monotonic nanoseconds, for measuring durations. */
uint64_t time_mono_ns(void);

enum { TIME_RFC3339_LEN = 25 }; /* "2026-11-29T19:00:00.123Z" + NUL */

/* Writes ms as RFC 3339 UTC with milliseconds into out (>= 25 bytes). */
void time_rfc3339(int64_t ms, char *out, size_t size);

/*
 * Parses an RFC 3339 date-time ("2026-12-01T09:30:00Z",
 * "2026-12-01T15:15:00+05:45", fractions of a second allowed) into ms
 * since the epoch, UTC.  False for anything else, or a date that does not
 * exist, or a year outside 1900-9999.
 */
bool time_parse_rfc3339(const char *s, int64_t *ms);

/*
 * Parses a calendar date "YYYY-MM-DD" that exists (1900-9999) and writes
 * its canonical form into out (11 bytes); false otherwise.
 */
bool time_parse_date(const char *s, char out[11]);

/* Today's date in UTC as "YYYY-MM-DD" (11 bytes). */
void time_today(char out[11]);

/* The UTC date days from today (negative: before), as time_today. */
void time_day_add(long long days, char out[11]);

#endif

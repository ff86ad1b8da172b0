/*
 * Logging: one JSON object per line on stderr.  Callers never log bodies,
 * tokens, secrets or personal data; log_event takes only fixed keys and
 * values the caller vouches for.
 */
#ifndef ATIP_BASE_LOG_H
#define ATIP_BASE_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the level below which lines are dropped. */
void log_set_level(enum log_level level);

/* Parses "error", "warn", "info" or "debug". */
bool log_parse_level(const char *s, enum log_level *out);

/* True when lines at level are written. */
bool log_enabled(enum log_level level);

/* Writes {"time":...,"level":...,"msg":msg} with a printf-formatted msg. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes a pre-built JSON object line (without newline) in one write(2). */
void log_line(const char *json, size_t len);

#endif

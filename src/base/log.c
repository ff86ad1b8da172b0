#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/timeutil.h"

static enum log_level min_level = LOG_INFO;
static const char *const names[] = { "error", "warn", "info", "debug" };

void
log_set_level(enum log_level level)
{
	min_level = level;
}

bool
log_parse_level(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

bool
log_enabled(enum log_level level)
{
	return level <= min_level;
}

void
log_line(const char *json, size_t len)
{
	char stackbuf[1024];

	/* One write(2) per line keeps lines whole across threads. */
	if (len + 1 <= sizeof(stackbuf)) {
		memcpy(stackbuf, json, len);
		stackbuf[len] = '\n';
		if (write(STDERR_FILENO, stackbuf, len + 1) < 0)
			return;
	} else {
		if (write(STDERR_FILENO, json, len) < 0 ||
		    write(STDERR_FILENO, "\n", 1) < 0)
			return;
	}
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[512], ts[TIME_RFC3339_LEN];
	json_t *o;
	char *s;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	time_rfc3339(time_now_ms(), ts, sizeof(ts));
	o = json_pack("{ss ss ss}", "time", ts, "level", names[level], "msg",
		      msg);
	if (!o)
		return;
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s) {
		log_line(s, strlen(s));
		free(s);
	}
	json_decref(o);
}

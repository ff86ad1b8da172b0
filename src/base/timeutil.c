#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
time_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
time_rfc3339(int64_t ms, char *out, size_t size)
{
	/* Floor division: before 1970 the milliseconds stay 0-999. */
	int64_t s = ms / 1000 - (ms % 1000 < 0);
	time_t secs = (time_t)s;
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(ms - s * 1000));
}

static bool
digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* Reads "YYYY-MM-DD" at s, checking that the day exists. */
static bool
read_date(const char *s, int *y, int *m, int *d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	bool leap;

	if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) ||
	    s[7] != '-' || !digits(s + 8, 2, d))
		return false;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *y >= 1900 && *y <= 9999 && *m >= 1 && *m <= 12 && *d >= 1 &&
	       *d <= days[*m - 1] + (*m == 2 && leap);
}

bool
time_parse_date(const char *s, char out[11])
{
	int y, m, d;

	if (!s || strlen(s) != 10 || !read_date(s, &y, &m, &d))
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return true;
}

bool
time_parse_rfc3339(const char *s, int64_t *ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, frac = 0, off = 0, oh, om;
	const char *p;

	if (!s || strlen(s) < 20 || !read_date(s, &y, &mo, &d) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 59)
		return false;
	p = s + 19;
	if (*p == '.') {
		int n = 0, scale = 1;

		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
		if (n == 0)
			return false;
		frac = frac * (1000 / scale);
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
		   digits(p + 1, 2, &oh) && p[3] == ':' &&
		   digits(p + 4, 2, &om) && oh <= 23 && om <= 59) {
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = ((int64_t)timegm(&tm) - (int64_t)off * 60) * 1000 + frac;
	return true;
}

void
time_today(char out[11])
{
	time_day_add(0, out);
}

void
time_day_add(long long days, char out[11])
{
	char when[TIME_RFC3339_LEN];

	time_rfc3339(time_now_ms() + days * 86400000LL, when, sizeof(when));
	memcpy(out, when, 10);
	out[10] = '\0';
}

/*
 * Bikram Sambat (BS), the official calendar of Nepal, to and from the
 * Gregorian (AD) dates atip stores.  BS months have 29 to 32 days, fixed
 * each year by the published calendar, so conversion goes through a table.
 */
#ifndef ATIP_BASE_BSDATE_H
#define ATIP_BASE_BSDATE_H

#include <stdbool.h>

/*
 * The BS years the table covers: 1975-01-01 BS (1918-04-13 AD) to
 * 2083-12-30 BS (2027-04-13 AD).  Later years are added as their calendar
 * is published; projections are not used (see bsdate.c).
 */
enum { BS_YEAR_MIN = 1975, BS_YEAR_MAX = 2083 };

/*
 * Parses a BS date "YYYY-MM-DD" (each digit ASCII or Devanagari 0-9 in
 * UTF-8, "२०८१-०१-०१") and writes the AD date "YYYY-MM-DD" into ad.  False,
 * leaving ad alone, when bs is NULL or malformed, outside the table, or
 * names a day its BS month does not have.
 */
bool bs_to_ad(const char *bs, char ad[11]);

/*
 * The reverse: an AD date "YYYY-MM-DD" that exists to the BS date
 * "YYYY-MM-DD" in ASCII digits.  False, leaving bs alone, for anything else
 * or a day outside the table.
 */
bool ad_to_bs(const char *ad, char bs[11]);

/* Days in BS month 1-12 (Baisakh to Chaitra) of year, or 0 outside. */
int bs_month_days(int year, int month);

#endif

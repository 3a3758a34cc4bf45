/* kernel/rtl/calendar.h: civil dates and NT times (100 ns units since 1601-01-01, UTC). Pure C: the
 * RTC code (kernel/ke/time.c) and the FAT library's timestamps (kernel/fs/fat/name.c) share it. */
#ifndef PAGODA_CALENDAR_H
#define PAGODA_CALENDAR_H

#include <stdint.h>

#define KE_TICKS_PER_SECOND  10000000LL /* NT time units per second */
#define KE_DAYS_1601_TO_1970 134774LL

/* Days since 1970-01-01 of a date in the proleptic Gregorian calendar (m 1-12, d 1-31). */
int64_t rtl_days_from_civil(int64_t y, int64_t m, int64_t d);
/* The date of a day count since 1970-01-01. */
void rtl_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d);

#endif

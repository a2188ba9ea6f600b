#pragma once
// UTC calendar arithmetic, the one home for dates: log timestamps, HTTP
// Date headers, batch file names and RFC 3339 record times, certificate
// validity. Howard Hinnant's days_from_civil / civil_from_days: exact
// proleptic Gregorian dates with no tables, no time zone files and no libc
// state, so any thread may call them.
#include <cstdint>

namespace edgestat {

struct CivilTime {
  int year = 1970, month = 1, day = 1;  // month 1-12, day 1-31
  int hour = 0, minute = 0, second = 0;
  int weekday = 4;  // 0 = Sunday; 1970-01-01 was a Thursday
};

// Days since 1970-01-01 of a date (m 1-12, d 1-31).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// The UTC date and time of unix seconds (negative values are before 1970).
CivilTime civil_from_unix(int64_t unix_seconds);
int64_t unix_from_civil(const CivilTime& c);

// Writes v as exactly width decimal digits (zero-padded, v >= 0); returns
// the end.
char* put_digits(char* p, int v, int width);
// "YYYY-MM-DDTHH:MM:SS" (kIsoSecondsLen bytes); returns the end.
inline constexpr int kIsoSecondsLen = 19;
char* put_iso_seconds(char* p, const CivilTime& c);

}  // namespace edgestat

#include "core/civil_time.hpp"

namespace edgestat {
namespace {

constexpr int64_t kSecPerDay = 86400;

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilTime civil_from_unix(int64_t unix_seconds) {
  int64_t z = unix_seconds / kSecPerDay;
  int64_t sod = unix_seconds % kSecPerDay;
  if (sod < 0) sod += kSecPerDay, --z;  // floor division for times before 1970
  CivilTime c;
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod / 60 % 60);
  c.second = static_cast<int>(sod % 60);
  int64_t wd = (z + 4) % 7;  // 1970-01-01 (day 0) was a Thursday
  c.weekday = static_cast<int>(wd < 0 ? wd + 7 : wd);
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2));
  return c;
}

int64_t unix_from_civil(const CivilTime& c) {
  int64_t days = days_from_civil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day));
  return days * kSecPerDay + c.hour * 3600 + c.minute * 60 + c.second;
}

char* put_digits(char* p, int v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

char* put_iso_seconds(char* p, const CivilTime& c) {
  p = put_digits(p, c.year, 4);
  *p++ = '-';
  p = put_digits(p, c.month, 2);
  *p++ = '-';
  p = put_digits(p, c.day, 2);
  *p++ = 'T';
  p = put_digits(p, c.hour, 2);
  *p++ = ':';
  p = put_digits(p, c.minute, 2);
  *p++ = ':';
  return put_digits(p, c.second, 2);
}

}  // namespace edgestat

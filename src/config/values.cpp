#include "config/values.hpp"

#include "core/ascii.hpp"
#include "core/number.hpp"

namespace edgestat {
namespace {

bool mul_add(uint64_t a, uint64_t m, uint64_t add, uint64_t* out) {
  if (m != 0 && a > (UINT64_MAX - add) / m) return false;
  *out = a * m + add;
  return true;
}

}  // namespace

bool parse_bool_value(std::string_view s, bool* out, const char** why) {
  for (auto t : {"true", "yes", "on", "1"})
    if (iequals(s, t)) return *out = true, true;
  for (auto f : {"false", "no", "off", "0"})
    if (iequals(s, f)) return *out = false, true;
  *why = "expected true or false";
  return false;
}

bool parse_duration_ms(std::string_view s, uint64_t* out, const char** why) {
  if (s.empty()) {
    *why = "empty duration";
    return false;
  }
  uint64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) {
      *why = "expected a number followed by a unit (ms, s, m, h, d), e.g. 15s";
      return false;
    }
    auto n = parse_u64(s.substr(start, i - start));
    size_t ustart = i;
    while (i < s.size() && !(s[i] >= '0' && s[i] <= '9')) ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    uint64_t mult;
    if (unit == "ms") mult = 1;
    else if (unit == "s") mult = 1000;
    else if (unit == "m") mult = 60 * 1000;
    else if (unit == "h") mult = 3600 * 1000;
    else if (unit == "d") mult = 86400 * 1000;
    else {
      *why = unit.empty() ? "a duration needs a unit (ms, s, m, h, d), e.g. 15s" : "unknown duration unit (use ms, s, m, h, d)";
      return false;
    }
    if (!n || !mul_add(*n, mult, total, &total)) {
      *why = "duration too large";
      return false;
    }
  }
  *out = total;
  return true;
}

bool parse_bytes(std::string_view s, uint64_t* out, const char** why) {
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  auto n = parse_u64(s.substr(0, i));
  if (!n) {
    *why = "expected a byte count such as 65536, 64KiB or 1MiB";
    return false;
  }
  std::string_view unit = s.substr(i);
  uint64_t mult;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB" || unit == "K" || unit == "k") mult = 1024;
  else if (unit == "MiB" || unit == "M") mult = 1024 * 1024;
  else if (unit == "GiB" || unit == "G") mult = 1024ull * 1024 * 1024;
  else if (unit == "kB" || unit == "KB") mult = 1000;
  else if (unit == "MB") mult = 1000 * 1000;
  else if (unit == "GB") mult = 1000ull * 1000 * 1000;
  else {
    *why = "unknown size unit (use B, KiB, MiB, GiB, kB, MB, GB)";
    return false;
  }
  if (!mul_add(*n, mult, 0, out)) {
    *why = "size too large";
    return false;
  }
  return true;
}

}  // namespace edgestat

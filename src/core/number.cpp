#include "core/number.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/shortest_double.hpp"

namespace edgestat {
namespace {

// Every integer below 2^53 is a double exactly, so its decimal digits are
// already the shortest round-trip form.
constexpr double kExactIntLimit = 9007199254740992.0;

struct Digits {
  char d[24];
  int n = 0;   // number of significant digits
  int dp = 0;  // decimal point position: value = 0.d * 10^dp
};

void shortest_digits(double v, Digits& out) {
  ShortestDecimal sd{0, 0};
  if (v < kExactIntLimit && v == std::floor(v))
    sd.digits = static_cast<uint64_t>(v);  // the common case in /metrics: a counter
  else
    sd = shortest_decimal(v);
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, sd.digits);
  int len = static_cast<int>(r.ptr - tmp);
  out.dp = len + sd.exponent;
  while (len > 1 && tmp[len - 1] == '0') --len;
  std::memcpy(out.d, tmp, static_cast<size_t>(len));
  out.n = len;
}

}  // namespace

size_t format_double(double v, char* out) {
  if (std::isnan(v)) {
    std::memcpy(out, "NaN", 3);
    return 3;
  }
  if (std::isinf(v)) {
    std::memcpy(out, v > 0 ? "+Inf" : "-Inf", 4);
    return 4;
  }
  char* p = out;
  if (std::signbit(v)) {
    *p++ = '-';
    v = -v;
  }
  if (v == 0) {
    *p++ = '0';
    return static_cast<size_t>(p - out);
  }
  Digits dg;
  shortest_digits(v, dg);
  int exp = dg.dp - 1;
  if (exp < -4 || exp >= 6) {
    *p++ = dg.d[0];
    if (dg.n > 1) {
      *p++ = '.';
      std::memcpy(p, dg.d + 1, static_cast<size_t>(dg.n - 1));
      p += dg.n - 1;
    }
    *p++ = 'e';
    *p++ = exp < 0 ? '-' : '+';
    int ax = exp < 0 ? -exp : exp;
    if (ax < 10) *p++ = '0';
    auto r = std::to_chars(p, p + 4, ax);
    p = r.ptr;
    return static_cast<size_t>(p - out);
  }
  if (dg.dp <= 0) {
    *p++ = '0';
    *p++ = '.';
    for (int i = dg.dp; i < 0; ++i) *p++ = '0';
    std::memcpy(p, dg.d, static_cast<size_t>(dg.n));
    p += dg.n;
    return static_cast<size_t>(p - out);
  }
  for (int i = 0; i < dg.dp; ++i) *p++ = i < dg.n ? dg.d[i] : '0';
  if (dg.n > dg.dp) {
    *p++ = '.';
    std::memcpy(p, dg.d + dg.dp, static_cast<size_t>(dg.n - dg.dp));
    p += dg.n - dg.dp;
  }
  return static_cast<size_t>(p - out);
}

size_t format_u64(uint64_t v, char* out) {
  return static_cast<size_t>(std::to_chars(out, out + kIntChars, v).ptr - out);
}

size_t format_i64(int64_t v, char* out) {
  return static_cast<size_t>(std::to_chars(out, out + kIntChars, v).ptr - out);
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> parse_i64(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  // strtod needs a terminated string and accepts more than we want (hex,
  // "infinity", leading spaces), so check the grammar first.
  constexpr size_t kMaxNumberChars = 64;  // longer is not a number we emit or accept
  if (s.empty() || s.size() > kMaxNumberChars) return std::nullopt;
  if (s == "NaN") return NAN;
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t ed = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++ed;
    if (ed == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  char buf[kMaxNumberChars + 1];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  return std::strtod(buf, nullptr);
}

std::optional<uint64_t> parse_hex_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace edgestat

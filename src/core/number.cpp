#include "core/number.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/copy.hpp"
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
  copy_bytes(out.d, tmp, static_cast<size_t>(len));
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
      copy_bytes(p, dg.d + 1, static_cast<size_t>(dg.n - 1));
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
    copy_bytes(p, dg.d, static_cast<size_t>(dg.n));
    p += dg.n;
    return static_cast<size_t>(p - out);
  }
  for (int i = 0; i < dg.dp; ++i) *p++ = i < dg.n ? dg.d[i] : '0';
  if (dg.n > dg.dp) {
    *p++ = '.';
    copy_bytes(p, dg.d + dg.dp, static_cast<size_t>(dg.n - dg.dp));
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

namespace {

// Powers of ten a double holds exactly (10^22 is the largest).
constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The common spellings ("12", "0.25", "-3.5": no exponent, at most 15
// significant digits, at most 22 decimals) without strtod, which costs
// ~100 ns a call and dominated parsing StatsD lines. Both operands of the
// one division are exact doubles, so IEEE division rounds the result
// correctly: the same double strtod returns (Clinger's fast path). Anything
// else returns nullopt and goes to strtod. s has passed the grammar check.
std::optional<double> parse_plain_decimal(std::string_view s) {
  constexpr size_t kMaxExactDigits = 15;  // 10^15 < 2^53: the mantissa is exact
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') neg = s[i++] == '-';
  uint64_t m = 0;
  size_t sig = 0, frac = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;  // an exponent
    if (m == 0 && c == '0') {
      if (dot) ++frac;  // leading zeros carry no significant digit
      continue;
    }
    if (++sig > kMaxExactDigits) return std::nullopt;
    m = m * 10 + static_cast<uint64_t>(c - '0');
    if (dot) ++frac;
  }
  if (frac >= sizeof kExactPow10 / sizeof kExactPow10[0]) return std::nullopt;
  double v = static_cast<double>(m) / kExactPow10[frac];
  return neg ? -v : v;
}

}  // namespace

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
  if (auto fast = parse_plain_decimal(s)) return fast;
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

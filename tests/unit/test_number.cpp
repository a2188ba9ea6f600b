#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/number.hpp"

using namespace edgestat;

static std::string fmt(double v) {
  char buf[kDoubleChars];
  return std::string(buf, format_double(v, buf));
}

TEST_CASE("format_double matches Go's strconv 'g' shortest output") {
  // Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints.
  CHECK(fmt(0) == "0");
  CHECK(fmt(-0.0) == "-0");
  CHECK(fmt(1) == "1");
  CHECK(fmt(-1) == "-1");
  CHECK(fmt(0.1) == "0.1");
  CHECK(fmt(0.25) == "0.25");
  CHECK(fmt(123456) == "123456");
  CHECK(fmt(999999) == "999999");
  CHECK(fmt(1e6) == "1e+06");
  CHECK(fmt(1234567) == "1.234567e+06");
  CHECK(fmt(16656101376.0) == "1.6656101376e+10");
  CHECK(fmt(1.700480374e9) == "1.700480374e+09");
  CHECK(fmt(0.0001) == "0.0001");
  CHECK(fmt(0.00001) == "1e-05");
  CHECK(fmt(1.5e-7) == "1.5e-07");
  CHECK(fmt(287.34) == "287.34");
  CHECK(fmt(1e21) == "1e+21");
  CHECK(fmt(1e100) == "1e+100");
  CHECK(fmt(5e-324) == "5e-324");
  CHECK(fmt(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(fmt(0.1 + 0.2) == "0.30000000000000004");
  CHECK(fmt(9007199254740993.0) == "9.007199254740992e+15");
  CHECK(fmt(NAN) == "NaN");
  CHECK(fmt(INFINITY) == "+Inf");
  CHECK(fmt(-INFINITY) == "-Inf");
}

// The oracle is Go itself: tests/number/format_double.tsv is the output of
// tests/number/gen_format_double.go (strconv.FormatFloat(v, 'g', -1, 64) for
// every power of two and ten and their neighbours, the subnormal and
// normal boundaries, random bit patterns, subnormals and metric-like
// values), committed so the test needs no Go.
TEST_CASE("format_double matches Go on every value of the generated table") {
  FILE* f = std::fopen(EDGESTAT_SOURCE_DIR "/tests/number/format_double.tsv", "r");
  REQUIRE(f);
  char line[128];
  int rows = 0, wrong = 0;
  while (std::fgets(line, sizeof line, f)) {
    char* tab = std::strchr(line, '\t');
    REQUIRE(tab);
    *tab = '\0';
    std::string want(tab + 1);
    while (!want.empty() && want.back() == '\n') want.pop_back();
    uint64_t bits = std::strtoull(line, nullptr, 16);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    std::string got = fmt(v);
    if (got != want && ++wrong <= 20) CHECK_MESSAGE(got == want, "bits ", line);
    ++rows;
  }
  std::fclose(f);
  CHECK(rows > 10000);
  CHECK(wrong == 0);
}

TEST_CASE("format_double: an interval below a power of two is half as wide (Go prints 16 digits)") {
  CHECK(fmt(std::ldexp(1.0, -24)) == "5.960464477539063e-08");
  CHECK(fmt(std::ldexp(1.0, -1074)) == "5e-324");
  CHECK(fmt(std::ldexp(1.0, 1023)) == "8.98846567431158e+307");
}

// A property beside the oracle: whatever is printed reads back (strtod is
// glibc's, independent of the code under test) and fits the buffer.
TEST_CASE("format_double output reads back as the same double") {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double v;
    std::memcpy(&v, &x, sizeof v);
    if (!std::isfinite(v)) continue;
    std::string s = fmt(v);
    REQUIRE(s.size() < kDoubleChars);
    REQUIRE_MESSAGE(std::strtod(s.c_str(), nullptr) == v, s);
  }
}

TEST_CASE("strict integer and double parsing") {
  CHECK(parse_u64("0") == 0u);
  CHECK(parse_u64("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parse_u64("18446744073709551616"));
  CHECK_FALSE(parse_u64(""));
  CHECK_FALSE(parse_u64("12a"));
  CHECK_FALSE(parse_u64("-1"));
  CHECK_FALSE(parse_u64(" 1"));
  CHECK(parse_i64("-5") == -5);
  CHECK(parse_double("1.5") == 1.5);
  CHECK(parse_double("-2e3") == -2000);
  CHECK(parse_double(".5") == 0.5);
  CHECK(std::isnan(*parse_double("NaN")));
  CHECK(*parse_double("+Inf") == INFINITY);
  CHECK(*parse_double("-Inf") == -INFINITY);
  CHECK_FALSE(parse_double("0x10"));
  CHECK_FALSE(parse_double("1e"));
  CHECK_FALSE(parse_double("."));
  CHECK_FALSE(parse_double("1.2.3"));
  CHECK_FALSE(parse_double("infinity"));
  CHECK_FALSE(parse_double(std::string(100, '1')));
}

// parse_double answers plain decimals without strtod (the StatsD path);
// every answer must be the double strtod gives, bit for bit, signed zero
// included, on both sides of the fast path's limits (15 digits, 22 decimals).
TEST_CASE("parse_double: the plain-decimal fast path is strtod's double") {
  auto same = [](const std::string& t) {
    auto v = parse_double(t);
    REQUIRE(v);
    double want = std::strtod(t.c_str(), nullptr);
    INFO(t);
    CHECK(std::memcmp(&*v, &want, sizeof want) == 0);
  };
  for (const char* t : {"0", "-0", "+0", "0.0", "-0.000", "1", "12.5", "0.25", ".5", "5.", "-3.5", "+7",
                        "000123.4500", "0.1", "0.2", "0.3", "123456789012345", "1234567890123456",
                        "12345678901234567890", "9007199254740993", "0.0000000000000000000001",
                        "0.00000000000000000000001", "1.0000000000000000000000", "999999999999999.9",
                        "4.35", "2.675", "1e5", "996", "0.001", "1.7976931348623157", "-12345.678901234"})
    same(t);
  // Random decimals of 1-20 digits with the point anywhere.
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    int nd = 1 + static_cast<int>(x % 20);
    int point = static_cast<int>((x >> 8) % static_cast<uint64_t>(nd + 2)) - 1;
    std::string t = (x >> 20) & 1 ? "-" : "";
    uint64_t y = x;
    for (int d = 0; d < nd; ++d) {
      if (d == point) t += '.';
      y = y * 6364136223846793005ull + 1442695040888963407ull;
      t += static_cast<char>('0' + (y >> 33) % 10);
    }
    same(t);
  }
}

TEST_CASE("parse_hex_u64: strconv.ParseUint(s, 16, 64)") {
  CHECK(parse_hex_u64("0001e0f3") == 0x1e0f3u);
  CHECK(parse_hex_u64("DEADbeef") == 0xdeadbeefu);
  CHECK(parse_hex_u64("ffffffffffffffff") == UINT64_MAX);
  CHECK_FALSE(parse_hex_u64("10000000000000000"));  // overflow
  CHECK_FALSE(parse_hex_u64(""));
  CHECK_FALSE(parse_hex_u64("0x10"));
  CHECK_FALSE(parse_hex_u64("-1"));
  CHECK_FALSE(parse_hex_u64("1 "));
  CHECK_FALSE(parse_hex_u64("g"));
}

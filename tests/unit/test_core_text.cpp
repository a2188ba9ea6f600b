// core/ascii.hpp, core/hash.hpp, core/civil_time.hpp, core/scan.hpp's
// find_byte: the shared helpers
// every room uses, checked against published reference values.
#include <doctest/doctest.h>

#include <ctime>
#include <string>

#include "core/ascii.hpp"
#include "core/civil_time.hpp"
#include "core/hash.hpp"
#include "core/scan.hpp"

using namespace edgestat;

TEST_CASE("ascii classes and case folding ignore bytes above 0x7F") {
  CHECK(is_digit('0'));
  CHECK(is_digit('9'));
  CHECK_FALSE(is_digit('/'));
  CHECK_FALSE(is_digit(':'));
  CHECK(is_alpha('Z'));
  CHECK_FALSE(is_alpha('['));
  CHECK_FALSE(is_alpha(static_cast<char>(0xC1)));  // 0xC1 | 0x20 would be 'a'-like in a sloppy check
  CHECK(to_lower('Q') == 'q');
  CHECK(to_lower('[') == '[');
  CHECK(iequals("Content-Length", "content-LENGTH"));
  CHECK_FALSE(iequals("a", "ab"));
  CHECK_FALSE(iequals("[", "{"));  // 0x5b vs 0x7b: not letters
  CHECK_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // é vs É: not ASCII, compared as bytes
}

TEST_CASE("FNV-1a matches the reference test vectors") {
  // From the FNV reference implementation's test suite (Landon Curt Noll).
  CHECK(fnv1a32("") == 0x811c9dc5u);
  CHECK(fnv1a32("a") == 0xe40c292cu);
  CHECK(fnv1a32("foobar") == 0xbf9cf968u);
  CHECK(fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ull);
  // Continuing a hash equals hashing the concatenation.
  CHECK(fnv1a64("bar", fnv1a64("foo")) == fnv1a64("foobar"));
  // The separator keeps composite keys apart.
  CHECK(fnv1a64_next(fnv1a64("a"), "bc") != fnv1a64_next(fnv1a64("ab"), "c"));
  CHECK(fnv1a32_next(fnv1a32("a"), "bc") != fnv1a32_next(fnv1a32("ab"), "c"));
  // The finalizers are bijections that move low bits up.
  CHECK(mix64(1) != mix64(2));
  CHECK((mix64(1) >> 32) != 0);
  CHECK((mix32(1) >> 16) != 0);
}

TEST_CASE("civil time agrees with gmtime for every day of several centuries") {
  // The oracle is the C library's gmtime_r, over 1900..2200 in 1-day steps
  // plus odd seconds, covering leap years, 1900 and 2100 (not leap), 2000.
  for (int64_t t = -2208988800LL; t < 7258118400LL; t += 86400 + 3607) {
    time_t tt = static_cast<time_t>(t);
    struct tm tm;
    REQUIRE(gmtime_r(&tt, &tm));
    CivilTime c = civil_from_unix(t);
    CHECK(c.year == tm.tm_year + 1900);
    CHECK(c.month == tm.tm_mon + 1);
    CHECK(c.day == tm.tm_mday);
    CHECK(c.hour == tm.tm_hour);
    CHECK(c.minute == tm.tm_min);
    CHECK(c.second == tm.tm_sec);
    CHECK(c.weekday == tm.tm_wday);
    CHECK(unix_from_civil(c) == t);
  }
}

TEST_CASE("civil time formats ISO seconds and zero-padded digits") {
  char buf[kIsoSecondsLen + 1] = {};
  char* end = put_iso_seconds(buf, civil_from_unix(951782400));  // 2000-02-29 00:00:00
  CHECK(end - buf == kIsoSecondsLen);
  CHECK(std::string(buf, end) == "2000-02-29T00:00:00");
  end = put_iso_seconds(buf, civil_from_unix(0));
  CHECK(std::string(buf, end) == "1970-01-01T00:00:00");
  CHECK(civil_from_unix(0).weekday == 4);   // Thursday
  CHECK(civil_from_unix(-1).weekday == 3);  // 1969-12-31, Wednesday
  CHECK(civil_from_unix(-1).year == 1969);
  CHECK(civil_from_unix(-1).second == 59);
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  char d[4];
  CHECK(std::string(d, put_digits(d, 7, 3)) == "007");
}

TEST_CASE("find_byte finds the first byte as string_view::find does, at every position and length") {
  // Every byte value as the needle, including 0x00, 0x80 and 0xFF (the
  // eight-byte step must not see a borrow as a match), at every position
  // of texts 0-40 bytes long, with a second occurrence after it.
  for (int c = 0; c < 256; ++c) {
    const char needle = static_cast<char>(c);
    const char fill = static_cast<char>(c == 'a' ? 'b' : 'a');
    for (size_t n = 0; n <= 40; ++n) {
      std::string text(n, fill);
      CHECK(find_byte(text, needle) == std::string_view::npos);
      for (size_t at = 0; at < n; ++at) {
        std::string t = text;
        t[at] = needle;
        if (at + 3 < n) t[at + 3] = needle;
        REQUIRE(find_byte(t, needle) == std::string_view(t).find(needle));
      }
    }
  }
  // Bytes just above and below the needle around it (0x01 vs 0x00, 0x81 vs
  // 0x80) are not it.
  std::string mixed = std::string("\x01\x81\x7f\xff\x01\x81\x7f\xff\x01") + '\0' + "\x80";
  CHECK(find_byte(mixed, '\0') == 9);
  CHECK(find_byte(mixed, static_cast<char>(0x80)) == 10);
}

TEST_CASE("plain_run_end stops where the byte loop stops: at a, b, c or a byte above 0x7F") {
  auto byte_loop = [](std::string_view s, size_t i, char a, char b, char c) {
    for (; i < s.size(); ++i)
      if (static_cast<unsigned char>(s[i]) >= 0x80 || s[i] == a || s[i] == b || s[i] == c) return i;
    return s.size();
  };
  // Every byte value as the stopper, at every position of texts 0-40 bytes
  // long, scanned from every start; the eight-byte step must not take a
  // borrow from 0x00 or 0x80 for a stop, nor miss one.
  for (int v = 0; v < 256; ++v) {
    const char stop = static_cast<char>(v);
    for (size_t n = 0; n <= 40; ++n) {
      std::string text(n, 'x');
      for (size_t at = 0; at <= n; ++at) {
        std::string t = text;
        if (at < n) t[at] = stop;
        if (at + 5 < n) t[at + 5] = '\\';
        for (size_t from = 0; from <= n; from += 3) {
          REQUIRE(plain_run_end(t, from, '\\', '\n', '"') == byte_loop(t, from, '\\', '\n', '"'));
          REQUIRE(plain_run_end(t, from, '\\', '\n', '\\') == byte_loop(t, from, '\\', '\n', '\\'));
        }
      }
    }
  }
  CHECK(plain_run_end("0123456789abcdef\"", 0, '\\', '\n', '"') == 16);
  CHECK(plain_run_end("0123456789abcdef\"", 0, '\\', '\n', '\\') == 17);
  CHECK(plain_run_end("0123456789\xc3\xa9", 2, '\\', '\n', '"') == 10);
  CHECK(plain_run_end("01234567\x01\x81", 0, '\x01', '\n', '"') == 8);
}

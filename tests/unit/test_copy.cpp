#include <doctest/doctest.h>

#include <cstring>

#include "core/copy.hpp"

using namespace edgestat;

TEST_CASE("copy_bytes: every size up to past the inline limit, at every alignment, touches only the range") {
  unsigned char src[kInlineCopyMax + 48], dst[kInlineCopyMax + 80], want[kInlineCopyMax + 80];
  for (size_t i = 0; i < sizeof src; ++i) src[i] = static_cast<unsigned char>(i * 7 + 1);
  for (size_t n = 0; n <= kInlineCopyMax + 40; ++n) {
    for (size_t so = 0; so < 8; ++so) {
      for (size_t doff = 0; doff < 8; ++doff) {
        std::memset(dst, 0xEE, sizeof dst);
        std::memset(want, 0xEE, sizeof want);
        std::memcpy(want + 16 + doff, src + so, n);
        copy_bytes(dst + 16 + doff, src + so, n);
        CAPTURE(n);
        CAPTURE(so);
        CAPTURE(doff);
        REQUIRE(std::memcmp(dst, want, sizeof dst) == 0);
      }
    }
  }
  // A zero-length copy may carry null pointers (an empty string_view).
  copy_bytes(nullptr, nullptr, 0);
}

TEST_CASE("compare_bytes and less_bytes order as memcmp and std::string_view do, at every length and offset") {
  // Two buffers equal but for one byte at a time, the byte above and below
  // 0x80 (unsigned order), at every position of every length up to 40.
  unsigned char a[48], b[48];
  for (size_t i = 0; i < sizeof a; ++i) a[i] = static_cast<unsigned char>('a' + i % 26);
  auto sign = [](int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; };
  for (size_t n = 0; n <= 40; ++n) {
    std::memcpy(b, a, sizeof a);
    CHECK(compare_bytes(a, b, n) == 0);
    for (size_t at = 0; at < n; ++at) {
      for (unsigned char c : {static_cast<unsigned char>(0), static_cast<unsigned char>(0x7f),
                              static_cast<unsigned char>(0x80), static_cast<unsigned char>(0xff)}) {
        std::memcpy(b, a, sizeof a);
        b[at] = c;
        CAPTURE(n);
        CAPTURE(at);
        CAPTURE(int(c));
        REQUIRE(sign(compare_bytes(a, b, n)) == sign(std::memcmp(a, b, n)));
        REQUIRE(sign(compare_bytes(b, a, n)) == sign(std::memcmp(b, a, n)));
        std::string_view x(reinterpret_cast<const char*>(a), n), y(reinterpret_cast<const char*>(b), n);
        REQUIRE(less_bytes(x.data(), x.size(), y.data(), y.size()) == (x < y));
        REQUIRE(equal_bytes(x, y) == (x == y));
      }
    }
  }
  // A prefix sorts first; equal bytes of different lengths are not equal.
  CHECK(less_bytes("node_cpu", 8, "node_cpu_seconds", 16));
  CHECK_FALSE(less_bytes("node_cpu_seconds", 16, "node_cpu", 8));
  CHECK_FALSE(equal_bytes("node_cpu", "node_cpu_"));
}

#include <doctest/doctest.h>

#include <cstring>

#include "core/copy.hpp"

using namespace edgestat;

TEST_CASE("copy_bytes: every size up to past the inline limit, at every alignment, touches only the range") {
  unsigned char src[128], dst[160], want[160];
  for (size_t i = 0; i < sizeof src; ++i) src[i] = static_cast<unsigned char>(i * 7 + 1);
  for (size_t n = 0; n <= 80; ++n) {
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

#pragma once
// Short copies without a call to memcpy. musl's x86_64 memcpy (the static
// builds) is `rep movsq` between two byte loops, some 50 ns a call on the
// bench VM whatever the size, and one fresh scrape makes about 10,000
// copies of 1-40 bytes (a label, a number, a name, a sort move): a quarter
// of the agent's CPU in perf (tests/bench/read_floor.sh, README "Cost").
// Here a copy of up to 256 bytes is two overlapping fixed-size moves (of 4
// to 128 bytes), plain loads and stores: up to 32 bytes inline, 33-256 in
// copy_bytes_long (one call; inlined at every site those grew the static
// binary by 15 KB). The family names, label sets and HELP texts a render
// copies are mostly 33-100 bytes and went to memcpy before. Longer ones (a
// body) still go to memcpy.
// Source and destination must not overlap (memcpy's contract).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

// GCC's -Warray-bounds, after inlining into a caller whose source is a
// small array, flags the branches for sizes that array cannot hold (it
// does not track n): false positives, silenced here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif

namespace edgestat {

// n in [N, 2N]: the first N and the last N bytes, loaded before either is
// stored (the two ranges overlap when n < 2N).
template <size_t N>
inline void copy_ends(char* d, const char* s, size_t n) {
  char a[N], b[N];
  __builtin_memcpy(a, s, N);
  __builtin_memcpy(b, s + n - N, N);
  __builtin_memcpy(d, a, N);
  __builtin_memcpy(d + n - N, b, N);
}

// Longest copy not handed to memcpy; see above.
inline constexpr size_t kInlineCopyMax = 256;

// n > 32 (core/copy.cpp).
void copy_bytes_long(char* d, const char* s, size_t n);

inline void copy_bytes(void* dst, const void* src, size_t n) {
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  if (n > 32) {
    copy_bytes_long(d, s, n);
  } else if (n >= 16) {
    copy_ends<16>(d, s, n);
  } else if (n >= 8) {
    copy_ends<8>(d, s, n);
  } else if (n >= 4) {
    copy_ends<4>(d, s, n);
  } else if (n > 0) {
    char a = s[0], b = s[n / 2], c = s[n - 1];
    d[0] = a, d[n / 2] = b, d[n - 1] = c;
  }
}

// memcmp's sign for two byte ranges of length n, eight bytes per step:
// musl's memcmp is a byte loop, and the snapshot's sorts compare family
// names and label sets that share long prefixes ("node_network_...",
// `device="eth0",...`), a thousand compares a collection.
inline int compare_bytes(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (; n >= 8; x += 8, y += 8, n -= 8) {
    uint64_t u, v;
    __builtin_memcpy(&u, x, 8);
    __builtin_memcpy(&v, y, 8);
    if (u != v) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      u = __builtin_bswap64(u), v = __builtin_bswap64(v);
#endif
      return u < v ? -1 : 1;
    }
  }
  for (; n; ++x, ++y, --n)
    if (*x != *y) return *x < *y ? -1 : 1;
  return 0;
}

inline bool equal_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && compare_bytes(a.data(), b.data(), a.size()) == 0;
}

// a < b as std::string_view orders them (bytes unsigned, then length).
inline bool less_bytes(const char* a, size_t na, const char* b, size_t nb) {
  int c = compare_bytes(a, b, na < nb ? na : nb);
  return c != 0 ? c < 0 : na < nb;
}

}  // namespace edgestat

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#pragma once
// Short copies without a call to memcpy. musl's x86_64 memcpy (the static
// builds) is `rep movsq` between two byte loops, some 50 ns a call on the
// bench VM whatever the size, and one fresh scrape makes about 10,000
// copies of 1-40 bytes (a label, a number, a name, a sort move): a quarter
// of the agent's CPU in perf (tests/bench/read_floor.sh, README "Cost").
// Here a copy of up to 64 bytes is two overlapping fixed-size moves, each a
// plain load and store once inlined (a stored StatsD record's fixed keys
// are 33 and 46 bytes); longer ones still go to memcpy.
// Source and destination must not overlap (memcpy's contract).
#include <cstddef>
#include <cstring>

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

inline void copy_bytes(void* dst, const void* src, size_t n) {
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  if (n > 64) {
    std::memcpy(d, s, n);
  } else if (n > 32) {
    copy_ends<32>(d, s, n);
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

}  // namespace edgestat

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

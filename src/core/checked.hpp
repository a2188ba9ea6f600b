#pragma once
// Checked size arithmetic. Every buffer size that is a product of config
// values goes through here: on armv7 and mips size_t is 32 bits, so
// `max_connections * buffer_bytes` from a large config would wrap to a small
// number, the allocation would succeed, and writes would run past it.
//
// The largest object the C library hands out is PTRDIFF_MAX bytes (glibc and
// musl refuse more), so that is the limit; the template parameter lets tests
// run the 32-bit arithmetic on a 64-bit host.
#include <cstddef>
#include <cstdint>
#include <limits>

namespace edgestat {

// Largest object size this build can allocate.
inline constexpr uint64_t kMaxObjectBytes = static_cast<uint64_t>(PTRDIFF_MAX);

// *out = a * b when the exact product fits in T and is at most limit;
// false (and *out untouched) otherwise.
template <class T = size_t>
constexpr bool checked_mul(uint64_t a, uint64_t b, T* out,
                           uint64_t limit = static_cast<uint64_t>(std::numeric_limits<T>::max())) {
  uint64_t p = 0;
  if (__builtin_mul_overflow(a, b, &p) || p > limit || p > static_cast<uint64_t>(std::numeric_limits<T>::max()))
    return false;
  *out = static_cast<T>(p);
  return true;
}

// a * b + c, checked the same way (a table of records plus a header).
template <class T = size_t>
constexpr bool checked_mul_add(uint64_t a, uint64_t b, uint64_t c, T* out,
                               uint64_t limit = static_cast<uint64_t>(std::numeric_limits<T>::max())) {
  uint64_t p = 0, s = 0;
  if (__builtin_mul_overflow(a, b, &p) || __builtin_add_overflow(p, c, &s) || s > limit ||
      s > static_cast<uint64_t>(std::numeric_limits<T>::max()))
    return false;
  *out = static_cast<T>(s);
  return true;
}

// An allocation size: a * b within kMaxObjectBytes of this build's size_t.
inline bool alloc_size(uint64_t a, uint64_t b, size_t* out) { return checked_mul<size_t>(a, b, out, kMaxObjectBytes); }

}  // namespace edgestat

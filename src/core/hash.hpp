#pragma once
// FNV-1a, the hash of the project's open-addressing tables (aggregator
// series, textfile dedup, mount keys, the rate limiter; words_hash below
// for the snapshot and the filter memo) and of LXC's command-socket
// names, which LXC itself derives with 64-bit FNV-1a, so fnv1a64 must
// stay the standard function. Keys are short
// and the tables check equality after a hit, so FNV's speed matters more
// than its quality; where the low bits index a table, mix64/mix32 spread
// the weak ones.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

inline constexpr uint32_t kFnv32Offset = 2166136261u;
inline constexpr uint32_t kFnv32Prime = 16777619u;
inline constexpr uint64_t kFnv64Offset = 14695981039346656037ull;
inline constexpr uint64_t kFnv64Prime = 1099511628211ull;
// Mixed in between the fields of a composite key ("a","bc" vs "ab","c"):
// 0xFF never occurs in UTF-8 text.
inline constexpr unsigned char kFieldSeparator = 0xFF;

// Bytes of any object; a distinct name so that a string literal and a seed
// can never bind to (pointer, length).
inline uint32_t fnv1a32_bytes(const void* p, size_t n, uint32_t h = kFnv32Offset) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * kFnv32Prime;
  return h;
}
inline uint32_t fnv1a32(std::string_view s, uint32_t h = kFnv32Offset) { return fnv1a32_bytes(s.data(), s.size(), h); }

inline uint64_t fnv1a64_bytes(const void* p, size_t n, uint64_t h = kFnv64Offset) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * kFnv64Prime;
  return h;
}
inline uint64_t fnv1a64(std::string_view s, uint64_t h = kFnv64Offset) { return fnv1a64_bytes(s.data(), s.size(), h); }

// Continues a hash with the field separator, then the next field.
inline uint32_t fnv1a32_next(uint32_t h, std::string_view field) {
  return fnv1a32(field, (h ^ kFieldSeparator) * kFnv32Prime);
}
inline uint64_t fnv1a64_next(uint64_t h, std::string_view field) {
  return fnv1a64(field, (h ^ kFieldSeparator) * kFnv64Prime);
}

// splitmix64's finalizer: every input bit reaches every output bit.
inline uint64_t mix64(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

// Eight bytes per multiply, for the hot tables whose keys are long names
// (the snapshot's family names and label sets, the filter memo's netstat
// fields), where FNV-1a's byte steps were most of a lookup. The tail's
// length is mixed in; the low bits are weak, so pass the result through
// mix64 before indexing.
inline constexpr uint64_t kWordMul = 0x9e3779b97f4a7c15ull;  // 2^64 / golden ratio, odd
inline uint64_t words_hash(const char* p, size_t n, uint64_t h) {
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    __builtin_memcpy(&w, p, 8);
    h = (h ^ w) * kWordMul;
    h ^= h >> 29;
  }
  if (n) {
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ w ^ (uint64_t{n} << 59)) * kWordMul;
  }
  return h;
}

// murmur3's fmix32, the same for 32-bit table indices.
inline uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

}  // namespace edgestat

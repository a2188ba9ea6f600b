#pragma once
// Snappy's block format (the one Prometheus remote write requires, not the
// framed stream format): a varint of the uncompressed length, then literal
// and copy elements. Our own small codec instead of libsnappy, which is C++
// and would bring the C++ runtime into the release binary.
//
// The compressor follows snappy's own scheme (64 KiB blocks, a hash table
// of 4-byte sequences, copies with 1- or 2-byte offsets, literal runs that
// skip faster the longer nothing matches), so its ratio on metric payloads
// is close to libsnappy's. It never allocates: the hash table lives in a
// caller-owned SnappyTable. Output is byte-for-byte the same on every
// target (loads are little-endian by construction).
//
// The decoder exists for the tests, the fuzz target and the spool's
// self-check; it validates everything (offsets, lengths, the declared
// size) and never writes outside dst.
#include <cstddef>
#include <cstdint>

namespace edgestat::exporter {

// Blocks are compressed independently, so offsets fit two bytes.
inline constexpr size_t kSnappyBlockBytes = 65536;
// 2^14 hash slots of a 16-bit block offset: 32 KiB, the size libsnappy
// uses for 64 KiB blocks.
inline constexpr unsigned kSnappyHashBits = 14;

struct SnappyTable {
  uint16_t slot[1u << kSnappyHashBits];
};

// The most compressed output n input bytes can need (libsnappy's bound:
// incompressible input grows by a literal header per 64 KiB block).
constexpr size_t snappy_max_compressed(size_t n) { return 32 + n + n / 6; }

// Compresses src[0, n) into dst, which must hold snappy_max_compressed(n)
// bytes. Returns the compressed length.
size_t snappy_compress(const uint8_t* src, size_t n, uint8_t* dst, SnappyTable& table);

// The declared uncompressed length; false if the preamble is malformed.
bool snappy_uncompressed_length(const uint8_t* src, size_t n, size_t* out);

// Decompresses into dst (capacity cap). False on any malformed input or if
// the result would not fit; *out_len is the decompressed size on success.
bool snappy_uncompress(const uint8_t* src, size_t n, uint8_t* dst, size_t cap, size_t* out_len);

}  // namespace edgestat::exporter

#include "export/snappy.hpp"

#include <cstring>

namespace edgestat::exporter {
namespace {

// Element tags (the low two bits of the tag byte).
constexpr uint8_t kLiteral = 0, kCopy1 = 1, kCopy2 = 2;  // 3: copy with a 4-byte offset
// Below this many bytes a block is one literal: the matcher reads 4 bytes
// ahead and a shorter match never pays for its copy element.
constexpr size_t kMinMatchBlock = 15;

inline uint32_t load32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

inline uint32_t hash32(uint32_t v) { return (v * 0x1e35a7bdu) >> (32 - kSnappyHashBits); }

uint8_t* put_varint(uint8_t* d, size_t v) {
  while (v >= 0x80) {
    *d++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *d++ = static_cast<uint8_t>(v);
  return d;
}

uint8_t* emit_literal(uint8_t* d, const uint8_t* p, size_t len) {
  size_t n = len - 1;
  if (n < 60) {
    *d++ = static_cast<uint8_t>(n << 2 | kLiteral);
  } else {
    // 60..63: the length minus one follows in 1..4 little-endian bytes.
    uint8_t* tag = d++;
    int bytes = 0;
    for (size_t v = n; v > 0; v >>= 8) *d++ = static_cast<uint8_t>(v), ++bytes;
    *tag = static_cast<uint8_t>((59 + bytes) << 2 | kLiteral);
  }
  std::memcpy(d, p, len);
  return d + len;
}

// One copy element of 4..64 bytes (the 1-byte-offset form when it fits).
uint8_t* emit_copy_upto64(uint8_t* d, size_t offset, size_t len) {
  if (len < 12 && offset < 2048) {
    *d++ = static_cast<uint8_t>(kCopy1 | (len - 4) << 2 | (offset >> 8) << 5);
    *d++ = static_cast<uint8_t>(offset);
  } else {
    *d++ = static_cast<uint8_t>(kCopy2 | (len - 1) << 2);
    *d++ = static_cast<uint8_t>(offset);
    *d++ = static_cast<uint8_t>(offset >> 8);
  }
  return d;
}

uint8_t* emit_copy(uint8_t* d, size_t offset, size_t len) {
  // Long matches go out in 64-byte elements; keep the last one >= 4 bytes
  // so it can use either form.
  while (len >= 68) {
    d = emit_copy_upto64(d, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    d = emit_copy_upto64(d, offset, 60);
    len -= 60;
  }
  return emit_copy_upto64(d, offset, len);
}

uint8_t* compress_block(const uint8_t* blk, size_t n, uint8_t* d, SnappyTable& t) {
  if (n < kMinMatchBlock) return emit_literal(d, blk, n);
  std::memset(t.slot, 0, sizeof t.slot);
  // The last match may start no later than here, so load32 stays inside.
  const size_t limit = n - 4;
  size_t lit = 0;  // start of the pending literal
  size_t i = 1;
  t.slot[hash32(load32(blk))] = 0;
  while (i <= limit) {
    uint32_t v = load32(blk + i);
    uint32_t h = hash32(v);
    size_t cand = t.slot[h];
    t.slot[h] = static_cast<uint16_t>(i);
    if (cand >= i || load32(blk + cand) != v) {
      // No match: step further the longer the literal grows (snappy's
      // heuristic), so incompressible data costs little time.
      i += 1 + ((i - lit) >> 5);
      continue;
    }
    if (i > lit) d = emit_literal(d, blk + lit, i - lit);
    size_t len = 4;
    while (i + len < n && blk[cand + len] == blk[i + len]) ++len;
    d = emit_copy(d, i - cand, len);
    i += len;
    lit = i;
    // The position just before the match's end is a good future candidate.
    if (i - 1 <= limit) t.slot[hash32(load32(blk + i - 1))] = static_cast<uint16_t>(i - 1);
  }
  if (lit < n) d = emit_literal(d, blk + lit, n - lit);
  return d;
}

}  // namespace

size_t snappy_compress(const uint8_t* src, size_t n, uint8_t* dst, SnappyTable& table) {
  uint8_t* d = put_varint(dst, n);
  for (size_t off = 0; off < n; off += kSnappyBlockBytes) {
    size_t len = n - off < kSnappyBlockBytes ? n - off : kSnappyBlockBytes;
    d = compress_block(src + off, len, d, table);
  }
  return static_cast<size_t>(d - dst);
}

namespace {

// The preamble varint: at most 5 bytes for a 32-bit length, as libsnappy.
bool read_varint(const uint8_t*& p, const uint8_t* end, size_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (p == end) return false;
    uint8_t b = *p++;
    v |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) {
      if (v > UINT32_MAX) return false;
      *out = static_cast<size_t>(v);
      return true;
    }
  }
  return false;
}

}  // namespace

bool snappy_uncompressed_length(const uint8_t* src, size_t n, size_t* out) {
  const uint8_t* p = src;
  return read_varint(p, src + n, out);
}

bool snappy_uncompress(const uint8_t* src, size_t n, uint8_t* dst, size_t cap, size_t* out_len) {
  const uint8_t* p = src;
  const uint8_t* end = src + n;
  size_t want = 0;
  if (!read_varint(p, end, &want) || want > cap) return false;
  size_t o = 0;
  while (p < end) {
    uint8_t tag = *p++;
    size_t len = 0, offset = 0;
    switch (tag & 3) {
      case kLiteral: {
        len = tag >> 2;
        if (len >= 60) {
          size_t bytes = len - 59;
          if (static_cast<size_t>(end - p) < bytes) return false;
          len = 0;
          for (size_t k = 0; k < bytes; ++k) len |= size_t{p[k]} << (8 * k);
          p += bytes;
        }
        ++len;
        if (static_cast<size_t>(end - p) < len || want - o < len) return false;
        std::memcpy(dst + o, p, len);
        p += len;
        o += len;
        continue;
      }
      case kCopy1:
        if (p == end) return false;
        len = 4 + ((tag >> 2) & 7);
        offset = static_cast<size_t>(tag >> 5) << 8 | *p++;
        break;
      case kCopy2:
        if (end - p < 2) return false;
        len = 1 + (tag >> 2);
        offset = size_t{p[0]} | size_t{p[1]} << 8;
        p += 2;
        break;
      default:  // copy with a 4-byte offset
        if (end - p < 4) return false;
        len = 1 + (tag >> 2);
        offset = load32(p);
        p += 4;
        break;
    }
    if (offset == 0 || offset > o || want - o < len) return false;
    // Byte by byte: a copy may overlap its own output (offset < len).
    for (size_t k = 0; k < len; ++k, ++o) dst[o] = dst[o - offset];
  }
  if (o != want) return false;
  *out_len = o;
  return true;
}

}  // namespace edgestat::exporter

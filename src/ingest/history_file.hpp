#pragma once
// The history file ([history] persist): the ring's points, so charts
// survive a restart. Pure encoder and decoder over byte buffers; the app
// writes the bytes durably on the writer thread (store/durable_file.hpp)
// and reads them once at start. Version 1, little-endian:
//
//   "EDGEHIST"  u32 version  u32 columns  u32 points  u32 name_bytes
//   columns x (u16 length, name)       the API names of the columns
//   points x i64 unix microseconds     oldest first, never decreasing
//   points x columns x f64             row by row; NaN is null
//   u64 FNV-1a of everything before
//
// A file that is short, long, of another version, fails its checksum or
// has times going backwards is refused whole with the reason: nothing is
// restored from it. Columns the running config no longer has are skipped;
// new columns start null; the newest `depth` points are kept.
#include <cstddef>
#include <cstdint>

#include "ingest/history.hpp"

namespace edgestat::ingest {

inline constexpr uint32_t kHistoryFileVersion = 1;
// A file claiming more than this is refused before anything is read
// (depth 100000 x kMaxHistoryColumns fits).
inline constexpr uint64_t kMaxHistoryFileBytes = 256ull << 20;

// Bytes encode_history needs at most for h (its full depth).
size_t history_file_capacity(const History& h);
// Encodes h's points into buf[cap]; the length, 0 if it does not fit.
size_t encode_history(const History& h, char* buf, size_t cap);
// Validates data[len] whole, then restores it into h (cleared first);
// false with *why set (and h untouched) when the file is refused.
bool decode_history(const char* data, size_t len, History* h, const char** why);

}  // namespace edgestat::ingest

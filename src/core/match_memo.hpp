#pragma once
// Remembers a filter's verdict per name. The names a collector filters
// with a config regex (the ~600 fields of /proc/net/netstat, snmp and
// snmp6, the ~180 of /proc/vmstat) are the same on every collection, and
// the regex VM costs thousands of instructions a name: a quarter of a
// collection's instructions went there (callgrind of `edgestat once`).
// Keys are 64-bit hashes of the name, eight bytes per multiply (key_hash;
// FNV-1a's byte steps over the 600 netstat names were most of the lookup;
// a collision among a few hundred names is about 1e-14 likely); a change of the filter's source
// (a reload) forgets everything. Fixed capacity: a full table computes the
// verdict each time instead of remembering it. Loop thread only.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/hash.hpp"

namespace edgestat {

template <size_t N>
class MatchMemo {
  static_assert(N && (N & (N - 1)) == 0, "a power of two");

 public:
  // Once before the names of a collection: forgets every verdict when the
  // filter's source changed (a reload).
  void use_filter(std::string_view filter_source) {
    uint64_t id = fnv1a64(filter_source);
    if (id != filter_id_ || !used_any_) reset(id);
  }
  // The hash of a key, or of a key in parts: key_hash(b, key_hash(a)) for
  // the key "a" then "b" (each part's length is mixed in, so a split in
  // another place is another key). Every name a memo sees must be hashed
  // the same way.
  static uint64_t key_hash(std::string_view s, uint64_t h = 0x243f6a8885a308d3ull) {
    return mix64(words_hash(s.data(), s.size(), h) ^ s.size());
  }
  // The verdict of match(key), remembered.
  template <class Match>
  bool get(std::string_view key, Match&& match) {
    return get_hashed(key_hash(key), [&] { return match(key); });
  }
  // The same for a key hashed with key_hash: match() takes no argument,
  // so a caller that joins the key from parts joins it only on a miss.
  template <class Match>
  bool get_hashed(uint64_t h, Match&& match) {
    h |= 1;  // 0 marks an empty slot
    for (size_t probe = 0, i = h & (N - 1); probe < N; ++probe, i = (i + 1) & (N - 1)) {
      if (keys_[i] == h) return verdict_[i];
      if (keys_[i] != 0) continue;
      bool v = match();
      if (used_ < N / 4 * 3) {  // keep probes short
        keys_[i] = h;
        verdict_[i] = v;
        ++used_;
      }
      return v;
    }
    return match();
  }
  size_t size() const { return used_; }

 private:
  void reset(uint64_t id) {
    for (auto& k : keys_) k = 0;
    used_ = 0;
    filter_id_ = id;
    used_any_ = true;
  }
  uint64_t keys_[N] = {};
  bool verdict_[N] = {};
  size_t used_ = 0;
  uint64_t filter_id_ = 0;
  bool used_any_ = false;
};

}  // namespace edgestat

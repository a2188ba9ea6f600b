#pragma once
// Config problems, collected rather than stopping at the first: each is one
// line that names where it came from (file:line, the variable, the flag),
// the key and why, so check-config can list every mistake at once.
#include <cstddef>

#include "core/fixed_string.hpp"
#include "core/fixed_vector.hpp"

namespace edgestat {

struct ConfigErrors {
  // Enough to show every mistake in a hand-edited file at once; more are
  // counted, not listed.
  static constexpr size_t kMaxListed = 32;
  FixedVector<FixedString<400>, kMaxListed> items;
  size_t unlisted = 0;
  // Warnings do not stop the agent: node_exporter flags for features
  // edgestat lacks. A node_exporter command line may name dozens.
  static constexpr size_t kMaxWarnings = 64;
  FixedVector<FixedString<400>, kMaxWarnings> warnings;
  size_t unlisted_warnings = 0;

  [[gnu::format(printf, 2, 3)]] void add(const char* fmt, ...);
  [[gnu::format(printf, 2, 3)]] void warn(const char* fmt, ...);
  bool empty() const { return items.empty() && unlisted == 0; }
  void clear() {
    items.clear();
    unlisted = 0;
    warnings.clear();
    unlisted_warnings = 0;
  }
};

}  // namespace edgestat

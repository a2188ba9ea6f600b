#pragma once
// The value types config fields are made of (shared by config.hpp and the
// push target sections, export_config.hpp).
#include <cstddef>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/fixed_vector.hpp"
#include "core/key_patterns.hpp"
#include "core/regex.hpp"

namespace edgestat {

// Paths and addresses fit in 255 bytes; longer values are refused with the
// key named, never cut.
using ConfigString = FixedString<255>;
// Lists (listen addresses, textfile directories) hold a handful of entries.
inline constexpr size_t kMaxListEntries = 8;
using ConfigList = FixedVector<ConfigString, kMaxListEntries>;

// Regex sources are longer than paths: node_exporter's netstat.fields
// default alone is 330 bytes. Longer is refused with the key named.
inline constexpr size_t kMaxRegexSource = 1023;

struct ConfigRegex {
  FixedString<kMaxRegexSource> source;
  Regex re;
  bool match(std::string_view s) const { return re.match(s); }
};

// A list of key patterns (core/key_patterns.hpp) and its source text; the
// default personal-data list alone is ~800 bytes.
inline constexpr size_t kMaxPatternListSource = 4095;

struct ConfigKeyPatterns {
  FixedString<kMaxPatternListSource> source;
  KeyPatterns patterns;
  bool match(std::string_view key) const { return patterns.matches(key); }
};

}  // namespace edgestat

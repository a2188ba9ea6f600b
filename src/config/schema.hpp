#pragma once
// The config schema: one KeySpec per key, in one table. The INI loader, the
// environment overlay, the flag parser, check-config, --help and the
// shipped config/edgestat.conf (checked by a test) all read this table, so a
// key exists in exactly one place.
#include <cstdint>
#include <span>
#include <string_view>

#include "config/config.hpp"

namespace edgestat {

// Patterns: a comma-separated list of key patterns (core/key_patterns.hpp).
enum class KeyKind : uint8_t { Bool, Uint, Duration, Bytes, String, List, Enum, Regex, Patterns };

// When a new value takes effect on SIGHUP. Restart keys size memory reserved
// at start, bind sockets or name the lock: a reload logs the change and
// keeps the running value (config/reload.hpp).
enum class Apply : uint8_t { Live, Restart };

struct KeySpec {
  std::string_view section;
  std::string_view key;
  KeyKind kind;
  std::string_view default_value;
  std::string_view help;
  uint64_t min = 0;
  uint64_t max = UINT64_MAX;
  std::string_view enum_values = {};  // "a|b|c" for KeyKind::Enum
  void* (*field)(Config&) = nullptr;
  Apply apply = Apply::Live;
};

std::span<const KeySpec> config_keys();
const KeySpec* find_key(std::string_view section, std::string_view key);

// Parses value into the key's field. append adds to a list instead of
// replacing it (repeated flags). On failure *why says what is wrong.
bool set_key(Config& c, const KeySpec& k, std::string_view value, bool append, const char** why);
// The same for a field found another way (push target sections).
bool set_field(void* field, const KeySpec& k, std::string_view value, bool append, const char** why);

// The section that holds the per-collector switches: [collector] cpu = false.
inline constexpr std::string_view kCollectorSection = "collector";

}  // namespace edgestat

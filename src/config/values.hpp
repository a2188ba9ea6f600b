#pragma once
// Pure parsers for config value syntax. Each returns false and sets a
// reason that check-config prints after the key name.
#include <cstdint>
#include <string_view>

namespace edgestat {

// "true/false/yes/no/on/off/1/0" (case-insensitive).
bool parse_bool_value(std::string_view s, bool* out, const char** why);
// "15s", "500ms", "5m", "1h30m", "7d"; a bare number is refused because a
// unit is what people get wrong. Result in milliseconds.
bool parse_duration_ms(std::string_view s, uint64_t* out, const char** why);
// "65536", "64KiB", "1MiB", "1GiB", "64K" (binary), "64kB"/"1MB" (decimal).
bool parse_bytes(std::string_view s, uint64_t* out, const char** why);

}  // namespace edgestat

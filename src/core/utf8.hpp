#pragma once
// UTF-8 validation. Prometheus requires valid UTF-8 in label values and
// HELP text; /sys strings (ifalias, hwmon labels) are whatever a driver or
// user wrote, so renderers check and replace bad sequences.
#include <cstddef>
#include <string_view>

namespace edgestat {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s, size_t i);

// Whether all of s is valid UTF-8 (as above).
bool valid_utf8(std::string_view s);

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

}  // namespace edgestat

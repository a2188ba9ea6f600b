#pragma once
// ASCII character classes and case folding for protocol and config text
// (HTTP tokens, /proc fields, exposition names). Never locale-dependent:
// <cctype> consults the C locale and takes int, which misfires on bytes
// above 0x7F held in a signed char.
#include <cstddef>
#include <string_view>

namespace edgestat {

inline constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline constexpr bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
inline constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline constexpr char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive equality of ASCII text (HTTP header names, booleans).
inline constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

}  // namespace edgestat

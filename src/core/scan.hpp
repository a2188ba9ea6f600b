#pragma once
// Tokenising helpers for /proc, /sys and config text. They never read past
// the view they are given and never allocate; a missing or malformed field
// shows up as an empty view or nullopt, so parsers decide what it means.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/number.hpp"

namespace edgestat {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Index of the first c in s, or npos. Eight bytes per step: every line of
// every file a collection parses is found here, and the call into musl's
// memchr (string_view::find) cost more than the search on lines this short.
inline size_t find_byte(std::string_view s, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  const char* p = s.data();
  size_t i = 0, n = s.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, p + i, 8);
    w ^= pattern;  // a zero byte where c is
    if ((w - kOnes) & ~w & kHighs) break;  // some byte of these eight is c
  }
  for (; i < n; ++i)
    if (p[i] == c) return i;
  return std::string_view::npos;
}

// Index of the first byte at or after i that is a, b or c or above 0x7F,
// or s.size(): the end of a run that text escaping copies as it is. Eight
// bytes per step like find_byte: HELP texts are more than half of a
// /metrics body (35 of 63 KB here) and a test per byte of them was most of
// the render.
inline size_t plain_run_end(std::string_view s, size_t i, char a, char b, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const uint64_t pa = kOnes * static_cast<unsigned char>(a), pb = kOnes * static_cast<unsigned char>(b),
                 pc = kOnes * static_cast<unsigned char>(c);
  auto has_zero = [](uint64_t w) { return ((w - kOnes) & ~w & kHighs) != 0; };
  const char* p = s.data();
  const size_t n = s.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, p + i, 8);
    // Any of these eight bytes stops the run: the byte loop below finds it.
    if ((w & kHighs) || has_zero(w ^ pa) || has_zero(w ^ pb) || has_zero(w ^ pc)) break;
  }
  for (; i < n; ++i) {
    char d = p[i];
    if (static_cast<unsigned char>(d) >= 0x80 || d == a || d == b || d == c) return i;
  }
  return n;
}

// Splits off the text up to sep (excluded) and advances s past it.
inline std::string_view next_field(std::string_view& s, char sep) {
  size_t i = find_byte(s, sep);
  std::string_view f = s.substr(0, i);
  s = i == std::string_view::npos ? std::string_view() : s.substr(i + 1);
  return f;
}

inline bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
inline bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool at_end() const { return s_.empty(); }
  std::string_view rest() const { return s_; }

  // Next line without its '\n'; the final line needs no newline.
  std::string_view line() { return next_field(s_, '\n'); }

  // Next run of non-blank characters on the current text (spaces and tabs
  // separate tokens; newlines count as blanks too, so use on one line).
  std::string_view token() {
    while (!s_.empty() && is_space(s_.front())) s_.remove_prefix(1);
    size_t i = 0;
    while (i < s_.size() && !is_space(s_[i])) ++i;
    std::string_view t = s_.substr(0, i);
    s_.remove_prefix(i);
    return t;
  }

  std::optional<uint64_t> u64() { return parse_u64(token()); }
  std::optional<int64_t> i64() { return parse_i64(token()); }
  std::optional<double> f64() { return parse_double(token()); }

 private:
  std::string_view s_;
};

}  // namespace edgestat

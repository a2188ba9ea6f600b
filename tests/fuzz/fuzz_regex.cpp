// libFuzzer target for core/regex. Input: pattern, NUL, text (without a
// NUL the whole input is both). Besides crashes and sanitizer reports it
// checks the error contract and two equivalences that hold for every
// pattern that compiles:
//   full_match(p, t) == match(^(?:p)$, t)
//   match(p, t)      == full_match((?s:.*)(?:p)(?s:.*), t)
// Build: clang++ -std=c++20 -fno-exceptions -fno-rtti -g -O1
//   -fsanitize=fuzzer,address,undefined -Isrc src/core/regex.cpp
//   tests/fuzz/fuzz_regex.cpp -o fuzz_regex
// Run:   ./fuzz_regex -max_total_time=60 tests/fuzz/corpus/regex
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/regex.hpp"

namespace {

constexpr size_t kMaxPattern = 4096;  // longer inputs only test the same paths slower

// pre + pattern + post into buf; false if it does not fit.
bool wrap(char* buf, size_t cap, std::string_view pre, std::string_view p, std::string_view post, std::string_view& out) {
  if (pre.size() + p.size() + post.size() > cap) return false;
  memcpy(buf, pre.data(), pre.size());
  memcpy(buf + pre.size(), p.data(), p.size());
  memcpy(buf + pre.size() + p.size(), post.data(), post.size());
  out = std::string_view(buf, pre.size() + p.size() + post.size());
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view pattern = in.substr(0, nul);
  std::string_view text = nul == std::string_view::npos ? in : in.substr(nul + 1);
  if (pattern.size() > kMaxPattern) return 0;

  static edgestat::Regex re, wrapped;
  char err[96];
  memset(err, 'X', sizeof err);
  if (!re.compile(pattern, err, sizeof err)) {
    // The message is terminated inside the buffer and says something.
    if (memchr(err, '\0', sizeof err) == nullptr || err[0] == '\0') abort();
    if (re.match(text) || re.full_match(text)) abort();
    return 0;
  }
  if (err[0] != '\0' || re.program_size() == 0 || re.program_size() > edgestat::kMaxRegexInsts) abort();
  bool m = re.match(text);
  bool full = re.full_match(text);
  if (full && !m) abort();

  static char buf[kMaxPattern + 32];
  std::string_view w;
  if (wrap(buf, sizeof buf, "^(?:", pattern, ")$", w) && wrapped.compile(w, nullptr, 0) && wrapped.match(text) != full)
    abort();
  if (wrap(buf, sizeof buf, "(?s:.*)(?:", pattern, ")(?s:.*)", w) && wrapped.compile(w, nullptr, 0) &&
      wrapped.full_match(text) != m)
    abort();
  return 0;
}

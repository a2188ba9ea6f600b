#pragma once
// Shared by the libFuzzer targets: an invariant check that survives NDEBUG
// and names the failed condition, and helpers to walk input lines the way
// the collectors do.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);        \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

namespace fuzz {

// v lies inside [base, base + n) (an empty view may point anywhere).
inline bool inside(std::string_view v, std::string_view whole) {
  return v.empty() || (v.data() >= whole.data() && v.data() + v.size() <= whole.data() + whole.size());
}

// Calls fn(line) for each '\n'-separated line; the last needs no newline.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    fn(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace fuzz

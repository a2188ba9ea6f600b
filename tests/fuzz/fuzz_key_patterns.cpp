// libFuzzer target: the key tokenizer and pattern lists
// (src/core/key_patterns.hpp). Input: a pattern list, a '\n', then a key
// (no '\n': the key is the whole input). Seeds: tests/fuzz/corpus/key_patterns/.
//
// Invariants: words are non-empty, inside the key, in order, never
// overlapping, and hold no separator byte; the default personal-data list
// answers the same twice; a list that parses matches each of its own
// entries spelled as a key (whole-key entries too), and a refused list is
// left empty.
#include <cstdint>
#include <string_view>

#include "../lib/personal_keys.hpp"
#include "core/key_patterns.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;

namespace {

bool separator(char c) {
  return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           static_cast<unsigned char>(c) >= 0x80);
}

void check_words(std::string_view key) {
  KeyTokenizer t(key);
  std::string_view w;
  const char* end = key.data();
  size_t total = 0;
  while (t.next(&w)) {
    FUZZ_CHECK(!w.empty());
    FUZZ_CHECK(fuzz::inside(w, key));
    FUZZ_CHECK(w.data() >= end);
    for (char c : w) FUZZ_CHECK(!separator(c));
    end = w.data() + w.size();
    total += w.size();
  }
  FUZZ_CHECK(total <= key.size());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view list = nl == std::string_view::npos ? std::string_view() : in.substr(0, nl);
  std::string_view key = nl == std::string_view::npos ? in : in.substr(nl + 1);
  check_words(key);
  check_words(list);

  const KeyPatterns& def = test::default_personal_keys();
  FUZZ_CHECK(def.matches(key) == def.matches(key));

  static KeyPatterns p;
  const char* why = "";
  std::string_view bad;
  if (!p.set(list, &why, &bad)) {
    FUZZ_CHECK(p.size() == 0 && !p.matches(key));
    FUZZ_CHECK(fuzz::inside(bad, list));
    return 0;
  }
  std::string_view rest = list;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view e = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (e.empty()) continue;
    if (e.front() == '=') e.remove_prefix(1);
    FUZZ_CHECK(p.matches(e));
  }
  return 0;
}

// libFuzzer target for --web.config.file: the YAML subset reader
// (config/yaml_subset.hpp) and its mapping onto the config
// (config/web_config.hpp), then the loader's validation.
//
// Input: web-config.yml text. Seeds: tests/fuzz/corpus/web_config/.
//
// Invariants: the reader ends (at most one entry per line plus one per
// flow item, then End or one Error), line numbers stay within the text,
// paths are non-empty (a key may hold dots: user john.doe), an error has
// a message; messages stay within their capacity; the same input gives the
// same errors twice.
#include <cstdint>
#include <string_view>

#include "collect/registry.hpp"
#include "config/load.hpp"
#include "config/web_config.hpp"
#include "config/yaml_subset.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;

namespace {

Config g_config;
ConfigErrors g_errors, g_errors2;

void check_reader(std::string_view text) {
  YamlReader r(text);
  YamlEntry e;
  size_t lines = 1, items = 0;
  for (char c : text) {
    lines += c == '\n';
    items += c == ',';
  }
  for (size_t steps = 0;; ++steps) {
    FUZZ_CHECK(steps <= lines + items + 2);
    YamlStatus st = r.next(&e);
    if (st == YamlStatus::End) break;
    if (st == YamlStatus::Error) {
      FUZZ_CHECK(r.error() != nullptr && r.error()[0] != '\0');
      FUZZ_CHECK(r.line() >= 1 && r.line() <= lines);
      break;
    }
    FUZZ_CHECK(!e.path.empty());
    FUZZ_CHECK(e.line >= 1 && e.line <= lines);
    FUZZ_CHECK(e.value.size() <= YamlReader::kMaxValue);
  }
}

void load(std::string_view text, ConfigErrors& errors) {
  errors = ConfigErrors{};
  ConfigLoader l(g_config, errors, collector_names());
  l.apply_defaults();
  apply_web_config(text, "fuzz.yml", "/etc/edgestat", g_config, errors);
  l.validate();
  for (const auto& item : errors.items) FUZZ_CHECK(!item.empty() && item.c_str()[item.size()] == '\0');
  for (const auto& item : errors.warnings) FUZZ_CHECK(!item.empty() && item.c_str()[item.size()] == '\0');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check_reader(in);
  load(in, g_errors);
  load(in, g_errors2);
  FUZZ_CHECK(g_errors.items.size() == g_errors2.items.size() && g_errors.warnings.size() == g_errors2.warnings.size());
  for (size_t i = 0; i < g_errors.items.size(); ++i) FUZZ_CHECK(g_errors.items[i].view() == g_errors2.items[i].view());
  return 0;
}

// The default [ingest] personal_keys list, compiled once, for the unit tests
// and fuzz targets that parse records without loading a whole Config.
#pragma once

#include <cstdlib>
#include <string_view>

#include "config/schema.hpp"
#include "core/key_patterns.hpp"

namespace edgestat::test {

inline const KeyPatterns& default_personal_keys() {
  static KeyPatterns p;
  static bool done = false;
  if (!done) {
    const KeySpec* k = find_key("ingest", "personal_keys");
    const char* why = "";
    std::string_view bad;
    if (!k || !p.set(k->default_value, &why, &bad)) std::abort();  // the schema's own default: a bug
    done = true;
  }
  return p;
}

}  // namespace edgestat::test

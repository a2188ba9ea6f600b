// The fixture the config unit tests share: a ConfigLoader over a fresh Config
// with the defaults applied, and its errors and warnings as text. It was
// once copied into five test files.
#pragma once

#include <memory>
#include <string>
#include "collect/registry.hpp"
#include "config/load.hpp"

namespace edgestat::test {

struct LoadedConfig {
  std::unique_ptr<Config> cp = std::make_unique<Config>();  // large: not on the test's stack
  Config& c = *cp;
  ConfigErrors e;
  ConfigLoader l{c, e, collector_names()};

  LoadedConfig() { l.apply_defaults(); }
  // The defaults, then `ini` read as the file `file`, then validation.
  LoadedConfig(const char* ini, const char* file) : LoadedConfig() {
    l.apply_ini(ini, file);
    l.validate();
  }
  std::string errors() const { return join(e.items); }
  std::string warnings() const { return join(e.warnings); }

 private:
  template <class V>
  static std::string join(const V& v) {
    std::string s;
    for (const auto& i : v) s += std::string(i.view()) + "\n";
    return s;
  }
};

}  // namespace edgestat::test

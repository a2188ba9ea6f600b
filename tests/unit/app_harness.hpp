// Shared by the app/ unit tests: a Config loaded the way the agent loads
// it (defaults, then flags, then validation), and an Exchange with its own
// small buffer. All inline: the unit files link into one executable.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "collect/registry.hpp"
#include "config/config.hpp"
#include "config/load.hpp"
#include "http/router.hpp"

namespace edgestat::test {

// Defaults plus flags; fails the test on any config error.
inline void load_test_config(Config& c, std::initializer_list<std::pair<const char*, std::string>> flags) {
  c = Config{};
  ConfigErrors e;
  ConfigLoader l(c, e, collector_names());
  l.apply_defaults();
  for (const auto& f : flags) REQUIRE(l.apply_flag(f.first, f.second, !f.second.empty()));
  l.validate();
  for (const auto& item : e.items) FAIL(item.c_str());
}

struct TestExchange {
  char small[4096];
  http::Request req;
  http::Exchange ex;
  explicit TestExchange(std::string_view method = "GET", std::string_view query = {}, std::string_view body = {}) {
    req.method = method;
    ex.req = &req;
    ex.query = query;
    ex.body = body;
    ex.small = small;
    ex.small_cap = sizeof small;
  }
  std::string body() const { return std::string(ex.reply.body); }
};

}  // namespace edgestat::test

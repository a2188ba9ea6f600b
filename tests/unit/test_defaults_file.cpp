#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "collect/registry.hpp"
#include "config/defaults_file.hpp"
#include "config/load.hpp"
#include "config/schema.hpp"
#include "sys/fs.hpp"

using namespace edgestat;

static std::string generate() {
  static char buf[65536];
  OutBuffer out(buf, sizeof buf);
  CollectorDefault cds[64];
  size_t n = 0;
  for (const CollectorDesc& c : collectors()) cds[n++] = {c.name, c.default_enabled};
  write_default_config(out, std::span<const CollectorDefault>(cds, n));
  REQUIRE_FALSE(out.overflowed());
  return std::string(out.view());
}

TEST_CASE("config/edgestat.conf documents every key at its default (regenerate: edgestat print-defaults)") {
  static char buf[65536];
  size_t n = 0;
  REQUIRE(read_file(EDGESTAT_SOURCE_DIR "/config/edgestat.conf", buf, sizeof buf, &n));
  CHECK(std::string(buf, n) == generate());
}

TEST_CASE("the reference config, uncommented, loads without errors and equals the defaults") {
  std::string text = generate();
  std::string uncommented;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    // "#key = value" lines become settings; "# help" lines stay comments.
    if (line.size() > 1 && line[0] == '#' && line[1] != ' ') line = line.substr(1);
    uncommented += line + "\n";
    pos = end + 1;
  }
  Config a{}, b{};
  ConfigErrors ea, eb;
  ConfigLoader la(a, ea, collector_names()), lb(b, eb, collector_names());
  la.apply_defaults();
  lb.apply_defaults();
  lb.apply_ini(uncommented, "edgestat.conf");
  lb.validate();
  for (const auto& e : eb.items) FAIL_CHECK(std::string(e.view()));
  CHECK(eb.empty());
  CHECK(a.collect.interval_ms == b.collect.interval_ms);
  CHECK(a.web.listen_address[0] == b.web.listen_address[0].view());
  CHECK(a.filters.vmstat_fields.source == b.filters.vmstat_fields.source.view());
  CHECK(enabled_collectors(a) == enabled_collectors(b));
}

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "collect/collector.hpp"
#include "collect/host/host.hpp"
#include "collect/registry.hpp"
#include "config/load.hpp"
#include "core/out_buffer.hpp"
#include "metrics/render.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;

namespace {

// A scratch /proc-or-/sys tree under /tmp, removed on scope exit.
struct TempTree {
  std::string root;
  TempTree() {
    char tmpl[] = "/tmp/edgestat-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    root = tmpl;
  }
  ~TempTree() { std::filesystem::remove_all(root); }
  void write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = root + "/" + rel;
    std::filesystem::create_directories(p.parent_path());
    FILE* f = std::fopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(content.data(), 1, content.size(), f) == content.size());
    std::fclose(f);
  }
  void mkdir(const std::string& rel) const { std::filesystem::create_directories(root + "/" + rel); }
};

// Runs one collector against procfs/sysfs roots with the default config and
// keeps its status and text exposition.
struct Run {
  bool ok = false;
  std::string err, text;
  Run(CollectFn fn, const std::string& procfs, const std::string& sysfs = "/sys", const char* vmstat_fields = nullptr) {
    static Config c;  // large (compiled regexes); one at a time
    c = Config{};
    ConfigErrors e;
    ConfigLoader l(c, e, collector_names());
    l.apply_defaults();
    l.apply_flag("path.procfs", procfs, true);
    l.apply_flag("path.sysfs", sysfs, true);
    if (vmstat_fields) REQUIRE(l.apply_flag("collector.vmstat.fields", vmstat_fields, true));
    l.validate();
    REQUIRE(e.empty());
    Snapshot s;
    SnapshotLimits lim;
    lim.max_families = 256;
    lim.max_samples = 2048;
    lim.arena_bytes = 256 * 1024;
    REQUIRE(s.init(lim));
    s.clear();
    s.set_collector(0);
    static char scratch[256 * 1024];
    CollectContext ctx{c, s, scratch, sizeof scratch};
    uint32_t mark = s.mark();
    Status st = fn(ctx);
    ok = st.is_ok();
    err = std::string(st.message());
    if (!ok) s.rollback(mark);
    s.finish();
    static char buf[256 * 1024];
    OutBuffer out(buf, sizeof buf);
    render_exposition(s, ExpositionFormat::Text004, kAllCollectors, out);
    REQUIRE_FALSE(out.overflowed());
    text = std::string(out.view());
  }
  bool has(const std::string& s) const { return text.find(s) != std::string::npos; }
};

std::string fixture(const char* rel) { return std::string(EDGESTAT_SOURCE_DIR) + "/tests/fixtures/" + rel; }

}  // namespace

TEST_CASE("test_entropy: collector output") {
  TempTree t;
  t.write("proc/sys/kernel/random/entropy_avail", "256\n");
  t.write("proc/sys/kernel/random/poolsize", "4096\n");
  Run r(collect_entropy, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.text ==
        "# HELP node_entropy_available_bits Bits of available entropy.\n"
        "# TYPE node_entropy_available_bits gauge\n"
        "node_entropy_available_bits 256\n"
        "# HELP node_entropy_pool_size_bits Bits of entropy pool.\n"
        "# TYPE node_entropy_pool_size_bits gauge\n"
        "node_entropy_pool_size_bits 4096\n");
}

TEST_CASE("test_entropy: missing, truncated and hostile files") {
  TempTree t;
  t.write("proc/sys/kernel/random/entropy_avail", "256\n");
  SUBCASE("poolsize missing") {
    Run r(collect_entropy, t.root + "/proc");
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("poolsize") != std::string::npos);
    CHECK(r.text.empty());
  }
  SUBCASE("bad values") {
    for (const char* bad : {"", "\n", "-1\n", "2.5\n", "abc\n", "18446744073709551616\n", "1 2\n",
                            "99999999999999999999999999999999999999999999\n"}) {
      t.write("proc/sys/kernel/random/poolsize", bad);
      Run r(collect_entropy, t.root + "/proc");
      CHECK_MESSAGE(!r.ok, "value: ", bad);
    }
  }
  SUBCASE("no trailing newline, largest value") {
    t.write("proc/sys/kernel/random/poolsize", "18446744073709551615");
    Run r(collect_entropy, t.root + "/proc");
    REQUIRE_MESSAGE(r.ok, r.err);
    CHECK(r.has("node_entropy_pool_size_bits 1.8446744073709552e+19\n"));
  }
}

TEST_CASE("test_entropy: fixtures") {
  for (const char* f : {"vm/proc", "rpi/proc", "openwrt/proc"}) {
    Run r(collect_entropy, fixture(f));
    CHECK_MESSAGE(r.ok, f, ": ", r.err);
    CHECK(r.has("node_entropy_available_bits 256\n"));
  }
}

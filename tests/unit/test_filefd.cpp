#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "collect/collector.hpp"
#include "collect/host/host.hpp"
#include "collect/host/simple_parse.hpp"
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

TEST_CASE("test_filefd: parse_file_nr") {
  uint64_t a = 0, m = 0;
  REQUIRE(parse_file_nr("1309\t0\t2466167\n", &a, &m));
  CHECK(a == 1309);
  CHECK(m == 2466167);
  REQUIRE(parse_file_nr("1824\t0\t9223372036854775807\n", &a, &m));
  CHECK(m == 9223372036854775807ull);
  CHECK_FALSE(parse_file_nr("1309\t0\n", &a, &m));  // truncated
  CHECK_FALSE(parse_file_nr("1309\t0\t", &a, &m));
  CHECK_FALSE(parse_file_nr("", &a, &m));
  CHECK_FALSE(parse_file_nr("a\tb\tc\n", &a, &m));
  CHECK_FALSE(parse_file_nr("1\t0\t18446744073709551616\n", &a, &m));  // overflow
  CHECK_FALSE(parse_file_nr("-1\t0\t5\n", &a, &m));
}

TEST_CASE("test_filefd: collector output") {
  TempTree t;
  t.write("proc/sys/fs/file-nr", "1309\t0\t2466167\n");
  Run r(collect_filefd, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.text ==
        "# HELP node_filefd_allocated File descriptor statistics: allocated.\n"
        "# TYPE node_filefd_allocated gauge\n"
        "node_filefd_allocated 1309\n"
        "# HELP node_filefd_maximum File descriptor statistics: maximum.\n"
        "# TYPE node_filefd_maximum gauge\n"
        "node_filefd_maximum 2.466167e+06\n");
  // 64-bit kernels with fs.file-max at LONG_MAX (the Pi), as node_exporter prints it.
  t.write("proc/sys/fs/file-nr", "1824\t0\t9223372036854775807\n");
  Run big(collect_filefd, t.root + "/proc");
  REQUIRE(big.ok);
  CHECK(big.has("node_filefd_maximum 9.223372036854776e+18\n"));
}

TEST_CASE("test_filefd: missing, truncated, oversized") {
  TempTree t;
  Run none(collect_filefd, t.root + "/proc");
  CHECK_FALSE(none.ok);
  t.write("proc/sys/fs/file-nr", "1309\t0");
  Run trunc(collect_filefd, t.root + "/proc");
  CHECK_FALSE(trunc.ok);
  CHECK(trunc.err.find("unexpected format") != std::string::npos);
  t.write("proc/sys/fs/file-nr", std::string(4096, '1'));
  Run big(collect_filefd, t.root + "/proc");
  CHECK_FALSE(big.ok);
}

TEST_CASE("test_filefd: fixtures") {
  for (const char* f : {"vm/proc", "rpi/proc", "openwrt/proc"}) {
    Run r(collect_filefd, fixture(f));
    CHECK_MESSAGE(r.ok, f, ": ", r.err);
    CHECK(r.has("node_filefd_maximum "));
  }
}

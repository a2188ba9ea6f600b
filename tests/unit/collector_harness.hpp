// The harness the collector tests share: a scratch /proc-or-/sys tree, and a
// Run that loads the default config plus flags, runs one collector and keeps
// its status and text exposition. It was once copied into every
// test_<collector>.cpp, and the copies had begun to drift apart; this is the
// one copy.
//
// All the unit test files link into one doctest executable, so everything
// here is inline: one definition, and one set of statics (config, snapshot,
// buffers) that the tests use in turn, never two at a time.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "collect/collector.hpp"
#include "collect/registry.hpp"
#include "config/config.hpp"
#include "config/load.hpp"
#include "core/out_buffer.hpp"
#include "metrics/render.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat::test {

// A scratch /proc-or-/sys tree under /tmp, removed on scope exit.
struct TempTree {
  std::string root;
  TempTree() {
    char tmpl[] = "/tmp/edgestat-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    root = tmpl;
  }
  ~TempTree() { std::filesystem::remove_all(root); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  std::string path(const std::string& rel) const { return root + "/" + rel; }
  void write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = path(rel);
    std::filesystem::create_directories(p.parent_path());
    FILE* f = std::fopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(content.data(), 1, content.size(), f) == content.size());
    std::fclose(f);
  }
  void mkdir(const std::string& rel) const { std::filesystem::create_directories(path(rel)); }
  void symlink(const std::string& target, const std::string& rel) const {
    std::filesystem::path p = path(rel);
    std::filesystem::create_directories(p.parent_path());
    std::filesystem::create_directory_symlink(target, p);
  }
};

// A file or directory under tests/fixtures/ in the source tree.
inline std::string fixture(const char* rel) { return std::string(EDGESTAT_SOURCE_DIR) + "/tests/fixtures/" + rel; }

inline constexpr size_t kScratchBytes = 256 * 1024;
// How much of the scratch buffer a run offers the collector. A test may
// shrink it to exercise what happens when it runs short, and puts it back.
inline size_t g_scratch_cap = kScratchBytes;

struct Flag {
  const char* name;
  std::string value;
};

// The default config plus flags, validated.
inline void load_config(Config& c, std::initializer_list<Flag> flags) {
  c = Config{};
  ConfigErrors e;
  ConfigLoader l(c, e, collector_names());
  l.apply_defaults();
  for (const Flag& f : flags) REQUIRE(l.apply_flag(f.name, f.value, true));
  l.validate();
  REQUIRE(e.empty());
}

// Runs one collector with the default config plus flags and keeps its
// status and text exposition.
struct Run {
  bool ok = false;
  std::string err, text;
  Run(CollectFn fn, std::initializer_list<Flag> flags) {
    static Config c;  // large (compiled regexes); one at a time
    load_config(c, flags);
    static Snapshot s;
    static bool init = false;
    if (!init) {
      SnapshotLimits lim;
      lim.max_families = 256;
      lim.max_samples = 4096;
      lim.arena_bytes = 512 * 1024;
      REQUIRE(s.init(lim));
      init = true;
    }
    s.clear();
    s.set_collector(0);
    static char scratch[kScratchBytes];
    REQUIRE(g_scratch_cap <= sizeof scratch);
    CollectContext ctx{c, s, scratch, g_scratch_cap};
    uint32_t mark = s.mark();
    Status st = fn(ctx);
    ok = st.is_ok();
    err = std::string(st.message());
    if (!ok) s.rollback(mark);
    s.finish();
    static char buf[512 * 1024];
    OutBuffer out(buf, sizeof buf);
    render_exposition(s, ExpositionFormat::Text004, kAllCollectors, out);
    REQUIRE_FALSE(out.overflowed());
    text = std::string(out.view());
  }
  // The same with only the procfs and sysfs roots set.
  Run(CollectFn fn, const std::string& procfs, const std::string& sysfs = "/sys")
      : Run(fn, {{"path.procfs", procfs}, {"path.sysfs", sysfs}}) {}

  // A whole line of the exposition.
  bool has(const std::string& line) const { return ("\n" + text).find("\n" + line + "\n") != std::string::npos; }
  // Anywhere in the exposition.
  bool contains(const std::string& needle) const { return text.find(needle) != std::string::npos; }
  size_t count(const std::string& needle) const {
    size_t n = 0;
    for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
  }
};

}  // namespace edgestat::test

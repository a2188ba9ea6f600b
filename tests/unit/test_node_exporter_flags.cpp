// node_exporter's command line: its collectors edgestat lacks, its flags
// edgestat ignores or knows by another name, relative paths, logfmt.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "collect/registry.hpp"
#include "config/load.hpp"
#include "config_harness.hpp"
#include "config/node_exporter_compat.hpp"
#include "core/log.hpp"

using namespace edgestat;

namespace {
struct Loaded : test::LoadedConfig {
  bool missing_on(std::string_view name) const {
    int i = find_node_exporter_collector(name);
    REQUIRE(i >= 0);
    return (c.missing_collectors_on[size_t(i) / 64] >> (size_t(i) % 64)) & 1;
  }
};
}  // namespace

TEST_CASE("every edgestat collector but its own is one of node_exporter's") {
  for (const CollectorDesc& d : collectors()) {
    if (d.name == "lxc" || d.name == "openwrt") continue;
    CHECK_MESSAGE(find_node_exporter_collector(d.name) >= 0, d.name);
  }
}

TEST_CASE("--collector.X for a node_exporter collector edgestat lacks: one warning, reported as failed") {
  Loaded t;
  CHECK(t.l.apply_flag("collector.zfs", "", false));
  CHECK(t.l.apply_flag("collector.zfs", "", false));  // said once
  CHECK(t.l.apply_flag("no-collector.wifi", "", false));
  CHECK(t.l.apply_flag("collector.wifi", "false", true));
  t.l.apply_ini("[collector]\nbtrfs = true\nsystemd = false\n", "f.conf");
  t.l.validate();
  CHECK(t.errors() == "");
  CHECK(t.missing_on("zfs"));
  CHECK(t.missing_on("btrfs"));
  CHECK_FALSE(t.missing_on("wifi"));
  CHECK_FALSE(t.missing_on("systemd"));
  std::string w = t.warnings();
  CHECK(w ==
        "flag --collector.zfs: edgestat has no zfs collector (node_exporter's); it is reported as "
        "node_scrape_collector_success{collector=\"zfs\"} 0\n"
        "f.conf:2: edgestat has no btrfs collector (node_exporter's); it is reported as "
        "node_scrape_collector_success{collector=\"btrfs\"} 0\n");
  // Switched off again by a later source: no longer reported.
  CHECK(t.l.apply_flag("no-collector.zfs", "", false));
  CHECK_FALSE(t.missing_on("zfs"));
}

TEST_CASE("a collector nobody has is still an error") {
  Loaded t;
  CHECK_FALSE(t.l.apply_flag("collector.nonexistent", "", false));
  CHECK_FALSE(t.l.apply_flag("no-collector.nonexistent", "", false));
  CHECK(t.errors().find("no such collector") != std::string::npos);
}

TEST_CASE("node_exporter flags edgestat has no use for are accepted with a warning") {
  Loaded t;
  // A boolean takes no value: "--collector.bcache.priorityStats --next" must
  // not swallow the next flag as its value.
  CHECK_FALSE(ConfigLoader::flag_needs_value("collector.bcache.priorityStats"));
  CHECK_FALSE(ConfigLoader::flag_needs_value("web.systemd-socket"));
  CHECK(ConfigLoader::flag_needs_value("runtime.gomaxprocs"));
  CHECK(ConfigLoader::flag_needs_value("collector.sysctl.include"));
  CHECK(ConfigLoader::flag_needs_value("collector.diskstats.ignored-devices"));
  CHECK(t.l.apply_flag("collector.bcache.priorityStats", "", false));
  CHECK(t.l.apply_flag("no-collector.arp.netlink", "", false));
  CHECK(t.l.apply_flag("runtime.gomaxprocs", "1", true));
  CHECK(t.l.apply_flag("web.systemd-socket", "", false));
  CHECK(t.errors() == "");
  CHECK(t.e.warnings.size() == 4);
  CHECK(t.warnings().find("flag --runtime.gomaxprocs: node_exporter's flag is accepted and ignored") !=
        std::string::npos);
  CHECK_FALSE(t.l.apply_flag("no-runtime.gomaxprocs", "", false));
  CHECK(t.errors().find("only boolean flags can be negated") != std::string::npos);
}

TEST_CASE("deprecated node_exporter spellings set the key they replaced") {
  Loaded t;
  CHECK(t.l.apply_flag("collector.diskstats.ignored-devices", "^sdz$", true));
  CHECK(t.l.apply_flag("collector.netdev.device-whitelist", "^eth", true));
  CHECK(t.c.filters.diskstats_device_exclude.source == "^sdz$");
  CHECK(t.c.filters.netdev_device_include.source == "^eth");
  CHECK(t.warnings().find("deprecated") != std::string::npos);
  CHECK_FALSE(t.l.apply_flag("collector.diskstats.ignored-devices", "(", true));
  CHECK(t.errors().find("flag --collector.diskstats.ignored-devices") != std::string::npos);
}

TEST_CASE("implemented node_exporter flags: device-include, cpu.guest, disable-exporter-metrics, logfmt") {
  Loaded t;
  CHECK(t.l.apply_flag("collector.diskstats.device-include", "^sda$", true));
  CHECK(t.l.apply_flag("no-collector.cpu.guest", "", false));
  CHECK(t.l.apply_flag("web.disable-exporter-metrics", "", false));
  CHECK(t.l.apply_flag("log.format", "logfmt", true));
  CHECK(t.errors() == "");
  CHECK(t.c.filters.diskstats_device_include.match("sda"));
  CHECK_FALSE(t.c.filters.cpu_guest);
  CHECK(t.c.web.disable_exporter_metrics);
  CHECK(t.c.log.format == uint8_t(LogFormat::Logfmt));
}

TEST_CASE("relative paths resolve against the working directory") {
  Loaded t;
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd));
  std::string base = std::string(cwd) == "/" ? "/" : std::string(cwd) + "/";
  CHECK(t.l.apply_flag("path.procfs", "collector/fixtures/proc", true));
  CHECK(t.l.apply_flag("path.rootfs", "./collector/fixtures", true));
  CHECK(t.l.apply_flag("path.udev.data", "udev/data", true));
  CHECK(t.l.apply_flag("collector.textfile.directory", "textfile/two", true));
  t.l.validate();
  CHECK(t.errors() == "");
  CHECK(t.c.path.procfs.view() == base + "collector/fixtures/proc");
  CHECK(t.c.path.rootfs.view() == base + "collector/fixtures");
  CHECK(t.c.path.udev_data.view() == base + "udev/data");
  // The textfile directory is kept as written: it spells the file label.
  CHECK(t.c.filters.textfile_directory[0].view() == "textfile/two");
  CHECK(t.c.path.sysfs == "/sys");
  Loaded u;
  u.l.apply_ini("[path]\nsysfs =\n", "/etc/edgestat/edgestat.conf");
  u.l.validate();
  CHECK(u.errors().find("/etc/edgestat/edgestat.conf:2: [path] sysfs: an empty path") != std::string::npos);
}

TEST_CASE("logfmt lines as node_exporter's slog writes them") {
  char tmpl[] = "/tmp/edgestat_logfmt_XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  unlink(tmpl);
  log_configure(LogLevel::Info, LogFormat::Logfmt, fd);
  log_warn("config warning", {{"warning", "a \"b\"=c\nd"}, {"n", 3}, {"plain", "x/y:z"}, {"empty", ""}, {"ok", true}});
  log_debug("not shown");
  log_configure(LogLevel::Info, LogFormat::Json, 2);
  char buf[512];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  close(fd);
  REQUIRE(n > 0);
  std::string line(buf, size_t(n));
  REQUIRE(line.size() > 30);
  CHECK(line.substr(0, 5) == "time=");
  CHECK(line[9] == '-');                       // time=2026-...
  CHECK(line.find("Z level=WARN msg=\"config warning\" ") != std::string::npos);
  CHECK(line.find(" warning=\"a \\\"b\\\"=c\\nd\" n=3 plain=x/y:z empty=\"\" ok=true\n") != std::string::npos);
  CHECK(line.find("not shown") == std::string::npos);
}

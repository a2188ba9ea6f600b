#include <doctest/doctest.h>

#include <string>

#include "app/security_config.hpp"
#include "collect/registry.hpp"
#include "config/ini.hpp"
#include "config/load.hpp"
#include "config/origin.hpp"
#include "config/schema.hpp"
#include "config/sizes.hpp"
#include "config/values.hpp"
#include "config_harness.hpp"
#include "core/listen_address.hpp"

using namespace edgestat;

namespace {
using Loaded = test::LoadedConfig;
}  // namespace

TEST_CASE("INI reader: sections, comments, quotes, errors with line numbers") {
  IniReader r("# c\n[web]\n  listen_address = :9100 \n; c2\nx=\"  padded \"\n[bad\n");
  IniEntry e;
  REQUIRE(r.next(&e) == IniStatus::Entry);
  CHECK(e.section == "web");
  CHECK(e.key == "listen_address");
  CHECK(e.value == ":9100");
  CHECK(e.line == 3);
  REQUIRE(r.next(&e) == IniStatus::Entry);
  CHECK(e.value == "  padded ");
  CHECK(r.next(&e) == IniStatus::Error);
  CHECK(r.line() == 6);
  CHECK(std::string(r.error()).find("']'") != std::string::npos);

  const std::string bads[] = {"k = v\n",       "[s]\nnovalue\n", "[s]\n= v\n",   "[s]\nk = \"open\n",
                              std::string("[s]\nk\0 = v\n", 11), "[]\n", "[s p]\n", "[s]\nk y = 1\n"};
  for (const std::string& bad : bads) {
    IniReader b(bad);
    IniStatus st;
    while ((st = b.next(&e)) == IniStatus::Entry) {
    }
    CHECK_MESSAGE(st == IniStatus::Error, bad);
  }
  std::string huge = "[s]\nk = " + std::string(5000, 'x') + "\n";
  IniReader h(huge);
  CHECK(h.next(&e) == IniStatus::Error);
}

TEST_CASE("value parsers: bool, duration, bytes") {
  const char* why = "";
  bool b = false;
  CHECK((parse_bool_value("Yes", &b, &why) && b));
  CHECK((parse_bool_value("off", &b, &why) && !b));
  CHECK_FALSE(parse_bool_value("maybe", &b, &why));
  uint64_t v = 0;
  CHECK((parse_duration_ms("15s", &v, &why) && v == 15000));
  CHECK((parse_duration_ms("1h30m", &v, &why) && v == 5400000));
  CHECK((parse_duration_ms("250ms", &v, &why) && v == 250));
  CHECK_FALSE(parse_duration_ms("15", &v, &why));
  CHECK(std::string(why).find("unit") != std::string::npos);
  CHECK_FALSE(parse_duration_ms("1x", &v, &why));
  CHECK_FALSE(parse_duration_ms("s", &v, &why));
  CHECK_FALSE(parse_duration_ms("99999999999999999999s", &v, &why));
  CHECK((parse_bytes("64KiB", &v, &why) && v == 65536));
  CHECK((parse_bytes("1MB", &v, &why) && v == 1000000));
  CHECK((parse_bytes("512", &v, &why) && v == 512));
  CHECK_FALSE(parse_bytes("1TiB", &v, &why));
  CHECK_FALSE(parse_bytes("KiB", &v, &why));
  CHECK_FALSE(parse_bytes("18446744073709551615G", &v, &why));
}

TEST_CASE("defaults are valid and match node_exporter's") {
  Loaded t;
  t.l.validate();
  CHECK(t.errors() == "");
  CHECK(t.c.collect.interval_ms == 15000);
  CHECK(t.c.web.listen_address.size() == 1);
  CHECK(t.c.web.listen_address[0] == ":9100");
  CHECK(t.c.web.telemetry_path == "/metrics");
  CHECK(t.c.web.max_requests == 40);
  CHECK(t.c.filters.diskstats_device_exclude.match("sda1"));
  CHECK_FALSE(t.c.filters.diskstats_device_exclude.match("mmcblk0p1"));
  CHECK(t.c.filters.filesystem_fs_types_exclude.match("squashfs"));
  CHECK(enabled_collectors(t.c) != 0);
}

TEST_CASE("file errors name file:line, the key and why; unknown keys and duplicates are errors") {
  Loaded t;
  t.l.apply_ini(
      "[collect]\ninterval = 15\n[web]\nmax_requests = lots\nbogus = 1\n[collect]\ninterval = 5s\n"
      "[collector]\ncpu = false\nnope = true\n[collector.vmstat]\nfields = (\n",
      "/etc/edgestat/edgestat.conf");
  std::string e = t.errors();
  CHECK(e.find("/etc/edgestat/edgestat.conf:2: [collect] interval = \"15\": a duration needs a unit") !=
        std::string::npos);
  CHECK(e.find("/etc/edgestat/edgestat.conf:4: [web] max_requests = \"lots\": expected a whole number") !=
        std::string::npos);
  CHECK(e.find("/etc/edgestat/edgestat.conf:5: unknown key [web] bogus") != std::string::npos);
  CHECK(e.find(":7: [collect] interval set twice") != std::string::npos);
  CHECK(e.find(":10: [collector] nope: no such collector") != std::string::npos);
  CHECK(e.find(":12: [collector.vmstat] fields = \"(\"") != std::string::npos);
  CHECK(t.c.collector_switch[find_collector("cpu")] == 0);
}

TEST_CASE("environment overrides the file, flags override the environment") {
  Loaded t;
  t.l.apply_ini("[web]\nmax_requests = 10\n[collect]\ninterval = 30s\n", "f");
  char e1[] = "EDGESTAT_WEB_MAX_REQUESTS=20";
  char e2[] = "EDGESTAT_COLLECTOR_FILESYSTEM_MOUNT_POINTS_EXCLUDE=^/boot";
  char e3[] = "EDGESTAT_COLLECTOR_CPU=false";
  char e4[] = "OTHER=1";
  char* env[] = {e1, e2, e3, e4, nullptr};
  t.l.apply_env(env);
  CHECK(t.c.web.max_requests == 20);
  CHECK(t.c.filters.filesystem_mount_points_exclude.match("/boot/firmware"));
  CHECK(t.c.collector_switch[find_collector("cpu")] == 0);
  CHECK(t.l.apply_flag("web.max-requests", "30", true));
  CHECK(t.c.web.max_requests == 30);
  CHECK(t.l.apply_flag("collector.cpu", "", false));
  CHECK(t.c.collector_switch[find_collector("cpu")] == 1);
  CHECK(t.l.apply_flag("no-collector.hwmon", "", false));
  CHECK(t.c.collector_switch[find_collector("hwmon")] == 0);
  CHECK(t.c.collect.interval_ms == 30000);
  CHECK(t.errors() == "");
}

TEST_CASE("a collector switch remembers where it was set (file:line, variable, flag)") {
  size_t lxc = size_t(find_collector("lxc")), cpu = size_t(find_collector("cpu"));
  Loaded t;
  CHECK(collector_where(t.c, lxc, "lxc").view() == "");
  t.l.apply_ini("[web]\n\n[collector]\ncpu = false\nlxc = true\n", "/etc/e.conf");
  CHECK(collector_where(t.c, lxc, "lxc").view() == "/etc/e.conf:5: ");
  CHECK(collector_where(t.c, cpu, "cpu").view() == "/etc/e.conf:4: ");
  char e1[] = "EDGESTAT_COLLECTOR_LXC=false";
  char* env[] = {e1, nullptr};
  t.l.apply_env(env);
  CHECK(collector_where(t.c, lxc, "lxc").view() == "environment EDGESTAT_COLLECTOR_LXC: ");
  CHECK(t.l.apply_flag("collector.lxc", "", false));
  CHECK(collector_where(t.c, lxc, "lxc").view() == "flag --collector.lxc: ");
  CHECK(collector_where(t.c, cpu, "cpu").view() == "/etc/e.conf:4: ");
  CHECK(collector_where(t.c, kMaxCollectorSwitches, "none").view() == "");
}

TEST_CASE("repeated list flags: first replaces the file's list, later ones append") {
  Loaded t;
  t.l.apply_ini("[web]\nlisten_address = :1, :2\n", "f");
  CHECK(t.c.web.listen_address.size() == 2);
  t.l.apply_flag("web.listen-address", "127.0.0.1:9100", true);
  t.l.apply_flag("web.listen-address", "[::1]:9100", true);
  REQUIRE(t.c.web.listen_address.size() == 2);
  CHECK(t.c.web.listen_address[0] == "127.0.0.1:9100");
  CHECK(t.c.web.listen_address[1] == "[::1]:9100");
  t.l.validate();
  CHECK(t.errors() == "");
}

TEST_CASE("bad flags and impossible combinations") {
  Loaded t;
  CHECK_FALSE(t.l.apply_flag("web.listen-adress", ":1", true));
  CHECK_FALSE(t.l.apply_flag("no-web.max-requests", "", false));
  CHECK_FALSE(t.l.apply_flag("collector.nonexistent", "", false));
  t.l.apply_flag("web.telemetry-path", "metrics", true);
  t.l.apply_flag("web.listen-address", "9100", true);
  t.l.apply_flag("collect.scrape-max-age", "1m", true);
  t.l.validate();
  std::string e = t.errors();
  CHECK(e.find("unknown key [web] listen_adress") != std::string::npos);
  CHECK(e.find("only boolean flags can be negated") != std::string::npos);
  CHECK(e.find("must start with '/'") != std::string::npos);
  CHECK(e.find("expected host:port") != std::string::npos);
  CHECK(e.find("scrape_max_age") != std::string::npos);
}

TEST_CASE("listen address parsing") {
  FixedString<64> host;
  uint16_t port = 0;
  const char* why = "";
  CHECK((parse_listen_address(":9100", &host, &port, &why) && host.empty() && port == 9100));
  CHECK((parse_listen_address("[::1]:80", &host, &port, &why) && host == "::1" && port == 80));
  CHECK((parse_listen_address("10.0.0.1:1", &host, &port, &why) && host == "10.0.0.1"));
  CHECK_FALSE(parse_listen_address("[::1]", &host, &port, &why));
  CHECK_FALSE(parse_listen_address("::1:80", &host, &port, &why));
  CHECK_FALSE(parse_listen_address("host.example:80", &host, &port, &why));
  CHECK_FALSE(parse_listen_address(":0", &host, &port, &why));
  CHECK_FALSE(parse_listen_address(":65536", &host, &port, &why));
}

TEST_CASE("push target sections: named slots, every key validated, errors with file:line") {
  Loaded t;
  t.l.apply_ini(
      "[export.remote_write.prom]\nurl = http://prom:9090/api/v1/write\nexternal_labels = rack=r1,site2=x\n"
      "headers = X-Scope-OrgID: t1\n"
      "[export.otlp.vm]\nurl = https://vm:8428/opentelemetry/v1/metrics\ntls_ca_file = /etc/ca.pem\n"
      "max_batch_bytes = 64KiB\n",
      "/etc/e.conf");
  t.l.validate();
  CHECK(t.errors() == "");
  REQUIRE(t.c.exporter.targets.size() == 2);
  const ExportTargetConfig& p = t.c.exporter.targets[0];
  CHECK(p.kind == ExportKind::RemoteWrite);
  CHECK(p.name.view() == "prom");
  CHECK(p.timeout_ms == 10000);
  CHECK(p.max_batch_samples == 2000);
  CHECK(p.spool_bytes == 16u << 20);
  CHECK(p.external_labels.size() == 2);
  CHECK(t.c.exporter.targets[1].kind == ExportKind::Otlp);
  CHECK(t.c.exporter.targets[1].max_batch_bytes == 65536);

  Loaded b;
  b.l.apply_ini(
      "[export.remote_write.a]\nbogus = 1\ntimeout = 5\nurl = ftp://x\nurl = http://y\n"
      "[export.kafka.x]\nurl = http://x\n[export.otlp.b c]\n[export.otlp.]\n"
      "[export.otlp.c]\ntls_ca_file = /x\nurl = http://c\nbasic_auth_username = u\n"
      "external_labels = 9bad=x,__x=y\nheaders = nocolon\ncollect = cpu\nexclude = meminfo\n"
      "[export.otlp.d]\nbearer_token = t\nbasic_auth_username = u\nbasic_auth_password = p\n"
      "collect = nosuch\nqueue_bytes = 16KiB\nmax_batch_bytes = 16KiB\n"
      "[export.otlp.e]\ntimeout = 1s\n[export.otlp.f]\nurl = http://f\n[export.otlp.g]\nurl = http://g\n",
      "/etc/e.conf");
  b.l.validate();
  std::string e = b.errors();
  CHECK(e.find("/etc/e.conf:2: unknown key [export.remote_write.a] bogus") != std::string::npos);
  CHECK(e.find("/etc/e.conf:3: [export.remote_write.a] timeout = \"5\": a duration needs a unit") != std::string::npos);
  CHECK(e.find("/etc/e.conf:5: [export.remote_write.a] url set twice") != std::string::npos);
  CHECK(e.find("/etc/e.conf:4: [export.remote_write.a] url = \"ftp://x\": must start with http:// or https://") !=
        std::string::npos);
  CHECK(e.find("/etc/e.conf:7: [export.kafka.x]: push targets are [export.remote_write.NAME] or [export.otlp.NAME]") !=
        std::string::npos);
  CHECK(e.find("/etc/e.conf:11: [export.otlp.c]: tls_* keys need an https:// url") != std::string::npos);
  CHECK(e.find("[export.otlp.c]: basic_auth_username needs a password") != std::string::npos);
  CHECK(e.find("[export.otlp.c] external_labels: \"9bad=x\"") != std::string::npos);
  CHECK(e.find("[export.otlp.c] external_labels: \"__x=y\"") != std::string::npos);
  CHECK(e.find("/etc/e.conf:15: [export.otlp.c] headers: \"nocolon\" is not \"Name: value\"") != std::string::npos);
  CHECK(e.find("[export.otlp.c]: collect and exclude cannot be used together") != std::string::npos);
  CHECK(e.find("[export.otlp.d]: basic auth and a bearer token exclude each other") != std::string::npos);
  CHECK(e.find("[export.otlp.d]: no collector named \"nosuch\"") != std::string::npos);
  CHECK(e.find("/etc/e.conf:23: [export.otlp.d]: queue_bytes must hold at least two batches") != std::string::npos);
  CHECK(e.find("/etc/e.conf:19: [export.otlp.d]: basic auth and a bearer token exclude each other") !=
        std::string::npos);
  CHECK(e.find("more than 4 push targets") != std::string::npos);
  CHECK(e.find("[export.otlp.e]: url is required") != std::string::npos);
}

// Checks that run after loading (cross-key rules, addresses, CIDRs, TLS
// prerequisites) name where the key was set, like the parser's own errors.
TEST_CASE("value errors found after loading name file:line, the variable or the flag") {
  Loaded t;
  t.l.apply_ini(
      "[store]\nring_slots = 1000\n[web]\nlisten_address = 9100\ntelemetry_path = metrics\n"
      "[path]\nsysfs = \"\"\n[collect]\ninterval = 5s\nscrape_max_age = 10s\n",
      "/etc/edgestat/edgestat.conf");
  t.l.validate();
  std::string e = t.errors();
  CHECK(e.find("/etc/edgestat/edgestat.conf:2: [store] ring_slots = 1000: must be a power of two") !=
        std::string::npos);
  CHECK(e.find("/etc/edgestat/edgestat.conf:4: [web] listen_address \"9100\": expected host:port") !=
        std::string::npos);
  CHECK(e.find("/etc/edgestat/edgestat.conf:5: [web] telemetry_path = \"metrics\": must start with '/'") !=
        std::string::npos);
  CHECK(e.find("/etc/edgestat/edgestat.conf:7: [path] sysfs: an empty path") != std::string::npos);
  CHECK(e.find("/etc/edgestat/edgestat.conf:10: [collect] scrape_max_age (10000 ms) is longer") != std::string::npos);

  Loaded v;
  char e1[] = "EDGESTAT_STORE_RING_SLOTS=6";
  char* env[] = {e1, nullptr};
  v.l.apply_env(env);
  v.l.apply_flag("web.listen-address", "nope", true);
  v.l.validate();
  e = v.errors();
  CHECK(e.find("environment EDGESTAT_STORE_RING_SLOTS: [store] ring_slots = 6: must be a power of two") !=
        std::string::npos);
  CHECK(e.find("flag --web.listen-address: [web] listen_address \"nope\"") != std::string::npos);
  Loaded z;
  z.l.apply_flag("store.ring-slots", "16777216", true);
  z.l.apply_flag("store.record-bytes", "1MiB", true);
  validate_sizes(z.c, z.e, uint64_t{1} << 31);  // a 32-bit build's limit
  CHECK(z.errors().find("flag --store.ring-slots: [store] ring_slots x [store] record_bytes = ") != std::string::npos);
}

TEST_CASE("security keys: CIDRs, ports, a certificate without its key name file:line") {
  Loaded t;
  t.l.apply_ini(
      "[access]\nallow = 10.0.0.0/33\ntrusted_hosts = edge.lan:9100\n[tls]\nlisten_address = :99999\n"
      "cert_file = /etc/edgestat/cert.pem\n[auth]\npublic_paths = health\ntokens = tok3n\n",
      "/etc/e.conf");
  t.l.validate();
  validate_security_config(t.c, t.e);
  std::string e = t.errors();
  CHECK(e.find("/etc/e.conf:2: [access] allow \"10.0.0.0/33\"") != std::string::npos);
  CHECK(e.find("/etc/e.conf:3: [access] trusted_hosts \"edge.lan:9100\"") != std::string::npos);
  CHECK(e.find("/etc/e.conf:5: [tls] listen_address \":99999\"") != std::string::npos);
  CHECK(e.find("/etc/e.conf:6: [tls] listen_address is set: cert_file and key_file are required") !=
        std::string::npos);
  CHECK(e.find("/etc/e.conf:8: [auth] public_paths \"health\": must start with '/'") != std::string::npos);
  CHECK(e.find("/etc/e.conf:9: [auth] tokens entry 1") != std::string::npos);
  CHECK(e.find("tok3n") == std::string::npos);  // a secret is never echoed

  Loaded k;
  k.l.apply_ini("[tls]\nkey_file = /k.pem\n", "/etc/e.conf");
  validate_security_config(k.c, k.e);
  CHECK(k.errors().find("/etc/e.conf:2: [tls] cert_file and key_file go together") != std::string::npos);
}

TEST_CASE("values that are not UTF-8 are refused wherever they come from") {
  Loaded t;
  t.l.apply_ini("[web]\ntelemetry_path = /m\xe9trics\n[export.otlp.a]\nurl = http://h/\xff\n", "/etc/e.conf");
  char e1[] = "EDGESTAT_AGENT_DATA_DIR=/var/\xc3\x28";
  char* env[] = {e1, nullptr};
  t.l.apply_env(env);
  CHECK_FALSE(t.l.apply_flag("path.rootfs", "/\xed\xa0\x80", true));  // a surrogate
  std::string e = t.errors();
  CHECK(e.find("/etc/e.conf:2: [web] telemetry_path: value is not valid UTF-8") != std::string::npos);
  CHECK(e.find("/etc/e.conf:4: [export.otlp.a] url: value is not valid UTF-8") != std::string::npos);
  CHECK(e.find("environment EDGESTAT_AGENT_DATA_DIR: [agent] data_dir: value is not valid UTF-8") !=
        std::string::npos);
  CHECK(e.find("flag --path.rootfs: [path] rootfs: value is not valid UTF-8") != std::string::npos);
  CHECK(t.c.web.telemetry_path == "/metrics");  // the default stays
  Loaded ok;
  ok.l.apply_ini("[agent]\ndata_dir = /var/lib/\xc3\xa9t\xc3\xa9\n", "f");
  CHECK(ok.errors() == "");
}

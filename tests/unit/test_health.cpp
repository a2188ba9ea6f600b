// Tests for src/health/health.* (classification as a pure function of its
// inputs, JSON and summary), the `edgestat health` client's pure parts
// (src/http/health_client.*) and the /proc/self parsers of
// src/app/self_metrics.*.
#include <doctest/doctest.h>

#include <cerrno>
#include <string>

#include "app/self_metrics.hpp"
#include "health/health.hpp"
#include "http/health_client.hpp"

using namespace edgestat;

namespace {
constexpr uint64_t kGiB = 1ull << 30;
std::string summary(const HealthReport& r) {
  char buf[1024];
  OutBuffer out(buf, sizeof buf);
  health_summary(r, out);
  return std::string(out.view());
}
}  // namespace

TEST_SUITE("health") {

TEST_CASE("collectors: unsupported never degrades, a real failure does, all failing is unhealthy") {
  using H = CollectorHealth;
  CollectorResult all_ok[] = {{"cpu", H::Ok}, {"meminfo", H::Ok}};
  CHECK(check_collectors(all_ok).status == HealthStatus::Healthy);
  CHECK(check_collectors(all_ok).detail == "2 ok");

  CollectorResult absent[] = {{"cpu", H::Ok}, {"pressure", H::Unsupported}, {"hwmon", H::Unsupported}};
  HealthCheck c = check_collectors(absent);
  CHECK(c.status == HealthStatus::Healthy);
  CHECK(c.detail == "1 ok, 2 unsupported here (pressure, hwmon)");

  CollectorResult one_bad[] = {{"cpu", H::Ok}, {"stat", H::Failed}, {"pressure", H::Unsupported}};
  c = check_collectors(one_bad);
  CHECK(c.status == HealthStatus::Degraded);
  CHECK(c.detail == "1 failing (stat), 1 ok, 1 unsupported here (pressure)");

  CollectorResult all_bad[] = {{"cpu", H::Failed}, {"stat", H::Failed}, {"pressure", H::Unsupported}};
  CHECK(check_collectors(all_bad).status == HealthStatus::Unhealthy);

  CHECK(check_collectors({}).status == HealthStatus::Healthy);  // nothing enabled is not a failure
}

TEST_CASE("collectors: a long list of names is cut with an ellipsis, never overflowing the detail") {
  CollectorResult many[40];
  for (auto& r : many) r = {"a_rather_long_collector_name", CollectorHealth::Failed};
  HealthCheck c = check_collectors(many);
  CHECK_FALSE(c.detail.overflowed());
  CHECK(c.detail.view().find("...") != std::string_view::npos);
  CHECK(c.status == HealthStatus::Unhealthy);
}

TEST_CASE("disk_free thresholds and a missing directory") {
  HealthThresholds t;  // 10% degraded, 3% critical
  DiskInput d{"/var/lib/edgestat", 0, 50 * kGiB, 100 * kGiB};
  CHECK(check_disk_free(d, t).status == HealthStatus::Healthy);
  CHECK(check_disk_free(d, t).detail == "50% free on /var/lib/edgestat");
  d.avail_bytes = 7 * kGiB;
  CHECK(check_disk_free(d, t).status == HealthStatus::Degraded);
  CHECK(check_disk_free(d, t).detail == "7% free on /var/lib/edgestat");
  d.avail_bytes = 10 * kGiB;  // exactly at the threshold is fine
  CHECK(check_disk_free(d, t).status == HealthStatus::Healthy);
  d.avail_bytes = kGiB / 2;
  CHECK(check_disk_free(d, t).status == HealthStatus::Critical);
  CHECK(check_disk_free(d, t).detail == "0.5% free on /var/lib/edgestat");
  d.avail_bytes = 0;
  CHECK(check_disk_free(d, t).status == HealthStatus::Critical);
  DiskInput missing{"/nope", ENOENT, 0, 0};
  HealthCheck c = check_disk_free(missing, t);
  CHECK(c.status == HealthStatus::Degraded);
  CHECK(c.detail == "/nope: No such file or directory");
  DiskInput empty{"/zero", 0, 0, 0};  // a filesystem reporting no blocks
  CHECK(check_disk_free(empty, t).status == HealthStatus::Critical);
}

TEST_CASE("memory_available thresholds and unknown input") {
  HealthThresholds t;
  CHECK(check_memory({true, 50, 100}, t).status == HealthStatus::Healthy);
  CHECK(check_memory({true, 9, 100}, t).status == HealthStatus::Degraded);
  CHECK(check_memory({true, 2, 100}, t).status == HealthStatus::Critical);
  CHECK(check_memory({true, 2, 100}, t).detail == "2% of memory available");
  CHECK(check_memory({false, 0, 0}, t).status == HealthStatus::Degraded);
  CHECK(check_memory({true, 5, 0}, t).status == HealthStatus::Degraded);  // no division by zero
  t.memory_available_degraded_percent = 60;
  CHECK(check_memory({true, 50, 100}, t).status == HealthStatus::Degraded);
}

TEST_CASE("loop_lag thresholds") {
  HealthThresholds t;  // 1 s degraded, 10 s unhealthy
  CHECK(check_loop_lag(0, t).status == HealthStatus::Healthy);
  CHECK(check_loop_lag(0.0184, t).detail == "0.018 s");
  CHECK(check_loop_lag(1.0, t).status == HealthStatus::Healthy);
  CHECK(check_loop_lag(1.5, t).status == HealthStatus::Degraded);
  CHECK(check_loop_lag(11, t).status == HealthStatus::Unhealthy);
}

TEST_CASE("overall is the worst check; 200 for healthy and degraded, 503 otherwise") {
  HealthThresholds t;
  HealthReport r;
  r.add(check_loop_lag(0, t));
  r.add(check_memory({true, 50, 100}, t));
  CHECK(r.overall == HealthStatus::Healthy);
  CHECK(summary(r) == "healthy: 2 checks ok");
  r.add(check_disk_free({"/var/lib/edgestat", 0, 7, 100}, t));
  CHECK(r.overall == HealthStatus::Degraded);
  CHECK(summary(r) == "degraded: disk_free: 7% free on /var/lib/edgestat");
  CHECK(health_http_status(r.overall) == 200);
  r.add(check_loop_lag(20, t));
  CHECK(r.overall == HealthStatus::Unhealthy);
  CHECK(summary(r) == "unhealthy: disk_free: 7% free on /var/lib/edgestat; loop_lag: 20 s");
  CHECK(health_http_status(HealthStatus::Unhealthy) == 503);
  CHECK(health_http_status(HealthStatus::Critical) == 503);
  r.add(check_memory({true, 1, 100}, t));
  CHECK(r.overall == HealthStatus::Critical);
}

TEST_CASE("JSON shape") {
  HealthThresholds t;
  HealthReport r;
  r.add(check_disk_free({"/d\"q", 0, 7, 100}, t));
  char buf[2048];
  OutBuffer out(buf, sizeof buf);
  render_health_json(r, out);
  CHECK(std::string(out.view()) ==
        "{\"status\":\"degraded\",\"summary\":\"degraded: disk_free: 7% free on /d\\\"q\",\"checks\":["
        "{\"name\":\"disk_free\",\"status\":\"degraded\",\"detail\":\"7% free on /d\\\"q\"}]}\n");
}

}  // TEST_SUITE

TEST_SUITE("health.client") {

TEST_CASE("URLs: IPv4, [IPv6], localhost, default port and path; DNS names refused") {
  http::HealthUrl u;
  const char* why = "";
  REQUIRE(http::parse_health_url("http://127.0.0.1:9100/health", &u, &why));
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 9100);
  CHECK(u.path == "/health");
  REQUIRE(http::parse_health_url("http://[::1]:9200/health", &u, &why));
  CHECK(u.host == "::1");
  CHECK(u.port == 9200);
  REQUIRE(http::parse_health_url("http://localhost", &u, &why));
  CHECK(u.port == 80);
  CHECK(u.path == "/");
  CHECK_FALSE(http::parse_health_url("https://127.0.0.1/health", &u, &why));
  CHECK_FALSE(http::parse_health_url("http://example.com/health", &u, &why));
  CHECK_FALSE(http::parse_health_url("http://[::1/health", &u, &why));
  CHECK_FALSE(http::parse_health_url("http://127.0.0.1:0/", &u, &why));
  CHECK_FALSE(http::parse_health_url("http://127.0.0.1:70000/", &u, &why));
  CHECK_FALSE(http::parse_health_url("http://:9100/", &u, &why));
}

TEST_CASE("default URL from the first listen address") {
  FixedString<300> u;
  http::default_health_url(":9100", &u);
  CHECK(u == "http://127.0.0.1:9100/health");
  http::default_health_url("0.0.0.0:9101", &u);
  CHECK(u == "http://127.0.0.1:9101/health");
  http::default_health_url("[::]:9102", &u);
  CHECK(u == "http://[::1]:9102/health");
  http::default_health_url("[fe80::1]:9103", &u);
  CHECK(u == "http://[fe80::1]:9103/health");
  http::default_health_url("10.0.0.1:9104", &u);
  CHECK(u == "http://10.0.0.1:9104/health");
}

TEST_CASE("response parsing") {
  http::HealthAnswer a;
  const char* why = "";
  REQUIRE(http::parse_health_response(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\n"
      "{\"status\":\"critical\",\"summary\":\"critical: disk_free: 1% free on \\\"x\\\"\",\"checks\":[]}",
      &a, &why));
  CHECK(a.http_status == 503);
  CHECK(a.status == "critical");
  CHECK(a.summary == "critical: disk_free: 1% free on \"x\"");
  CHECK_FALSE(http::parse_health_response("HTTP/1.1 200 OK\r\n\r\n{}", &a, &why));
  CHECK_FALSE(http::parse_health_response("garbage", &a, &why));
  CHECK_FALSE(http::parse_health_response("HTTP/1.1 200 OK\r\nX: y", &a, &why));  // no body yet
  CHECK_FALSE(http::parse_health_response("HTTP/1.1 200 OK\r\n\r\n{\"status\":\"healthy", &a, &why));
}

}  // TEST_SUITE

TEST_SUITE("self_metrics") {

TEST_CASE("/proc/self/stat: comm with spaces and parentheses") {
  ProcSelfStat s;
  std::string line =
      "1234 (edge) stat (x)) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 125 0 0 20 0 1 0 98765 12345678 321 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  REQUIRE(parse_proc_self_stat(line, &s));
  CHECK(s.utime_ticks == 250);
  CHECK(s.stime_ticks == 125);
  CHECK(s.start_ticks == 98765);
  CHECK(s.vsize_bytes == 12345678);
  CHECK(s.rss_pages == 321);
  CHECK_FALSE(parse_proc_self_stat("1234 (truncated", &s));
  CHECK_FALSE(parse_proc_self_stat("1234 (x) S 1 2", &s));
  CHECK_FALSE(parse_proc_self_stat("", &s));
}

TEST_CASE("/proc/self/limits: soft Max open files") {
  uint64_t v = 0;
  REQUIRE(parse_max_open_files("Limit                     Soft Limit           Hard Limit           Units     \n"
                               "Max cpu time              unlimited            unlimited            seconds   \n"
                               "Max open files            1024                 524288               files     \n",
                               &v));
  CHECK(v == 1024);
  REQUIRE(parse_max_open_files("Max open files            unlimited            unlimited            files\n", &v));
  CHECK(v == UINT64_MAX);
  CHECK_FALSE(parse_max_open_files("Max processes 10 10\n", &v));
  CHECK_FALSE(parse_max_open_files("Max open files            lots       x\n", &v));
}

}  // TEST_SUITE

// Tests for the thermal_zone collector: which /sys/class/thermal entries
// count, how temperatures and states are read, and the collector end to end
// (expected lines from node_exporter 1.5.0 on the same tree).
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "collect/host/host.hpp"
#include "collect/host/thermal_zone_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

TEST_CASE("thermal_zone: entries matching thermal_zone[0-9]* and cooling_device[0-9]*") {
  std::string_view s;
  CHECK((thermal_entry_suffix("thermal_zone0", "thermal_zone", &s) && s == "0"));
  CHECK((thermal_entry_suffix("thermal_zone10", "thermal_zone", &s) && s == "10"));
  CHECK((thermal_entry_suffix("thermal_zone1x", "thermal_zone", &s) && s == "1x"));  // glob: [0-9]*
  CHECK((thermal_entry_suffix("cooling_device3", "cooling_device", &s) && s == "3"));
  CHECK_FALSE(thermal_entry_suffix("thermal_zone", "thermal_zone", &s));
  CHECK_FALSE(thermal_entry_suffix("thermal_zonex", "thermal_zone", &s));
  CHECK_FALSE(thermal_entry_suffix("cooling_device0", "thermal_zone", &s));
  CHECK_FALSE(thermal_entry_suffix("", "thermal_zone", &s));
  CHECK_FALSE(thermal_entry_suffix("thermal_zon", "thermal_zone", &s));
}

TEST_CASE("thermal_zone: temperatures as strconv.ParseInt(TrimSpace(s)) millidegrees") {
  int64_t v = 0;
  CHECK((thermal_parse_int("47712\n", &v) && v == 47712));
  CHECK((thermal_parse_int("  -1500 \n", &v) && v == -1500));
  CHECK((thermal_parse_int("+5", &v) && v == 5));
  CHECK((thermal_parse_int("9223372036854775807", &v) && v == INT64_MAX));
  CHECK_FALSE(thermal_parse_int("9223372036854775808", &v));
  CHECK_FALSE(thermal_parse_int("abc", &v));
  CHECK_FALSE(thermal_parse_int("", &v));
  CHECK_FALSE(thermal_parse_int("\n", &v));
  CHECK_FALSE(thermal_parse_int("1.5", &v));
  CHECK_FALSE(thermal_parse_int("+-1", &v));
  CHECK_FALSE(thermal_parse_int("0x10", &v));
  CHECK(thermal_celsius(47712) == 47.712);
  CHECK(thermal_celsius(-1500) == -1.5);
  CHECK(thermal_trim(" cpu thermal \n") == "cpu thermal");
}

namespace {

void zone(const TempTree& t, const std::string& name, const char* type, const char* temp, const char* policy) {
  const std::string d = "sys/devices/virtual/thermal/" + name + "/";
  t.mkdir(d);
  if (type) t.write(d + "type", type);
  if (temp) t.write(d + "temp", temp);
  if (policy) t.write(d + "policy", policy);
  t.symlink("../../devices/virtual/thermal/" + name, "sys/class/thermal/" + name);
}

}  // namespace

TEST_CASE("thermal_zone: collector output matches node_exporter 1.5 on the same tree") {
  TempTree t;
  zone(t, "thermal_zone0", "acpitz\n", "27800\n", "step_wise\n");
  zone(t, "thermal_zone1", "x86_pkg_temp\n", "45000\n", "step_wise\n");
  zone(t, "thermal_zone10", "cpu thermal\n", "-1500\n", "user_space\n");
  zone(t, "cooling_device0", "Processor\n", nullptr, nullptr);
  t.write("sys/devices/virtual/thermal/cooling_device0/cur_state", "0\n");
  t.write("sys/devices/virtual/thermal/cooling_device0/max_state", "10\n");
  Run r(collect_thermal_zone, {{"path.sysfs", t.path("sys")}});
  INFO(r.text);
  REQUIRE(r.ok);
  const char* expected =
      "# HELP node_cooling_device_cur_state Current throttle state of the cooling device\n"
      "# TYPE node_cooling_device_cur_state gauge\n"
      "node_cooling_device_cur_state{name=\"0\",type=\"Processor\"} 0\n"
      "# HELP node_cooling_device_max_state Maximum throttle state of the cooling device\n"
      "# TYPE node_cooling_device_max_state gauge\n"
      "node_cooling_device_max_state{name=\"0\",type=\"Processor\"} 10\n"
      "# HELP node_thermal_zone_temp Zone temperature in Celsius\n"
      "# TYPE node_thermal_zone_temp gauge\n"
      "node_thermal_zone_temp{type=\"acpitz\",zone=\"0\"} 27.8\n"
      "node_thermal_zone_temp{type=\"cpu thermal\",zone=\"10\"} -1.5\n"
      "node_thermal_zone_temp{type=\"x86_pkg_temp\",zone=\"1\"} 45\n";
  CHECK(r.text == expected);
}

TEST_CASE("thermal_zone: an unreadable zone is skipped, a garbled temperature fails") {
  TempTree t;
  zone(t, "thermal_zone0", "acpitz\n", "27800\n", "step_wise\n");
  zone(t, "thermal_zone1", "nopolicy\n", "1000\n", nullptr);
  zone(t, "thermal_zone2", "notemp\n", nullptr, "step_wise\n");
  zone(t, "thermal_zone3", nullptr, "1000\n", "step_wise\n");
  t.write("sys/class/thermal/thermal_zone9", "not a directory\n");
  t.write("sys/class/thermal/.keep", "");
  {
    Run r(collect_thermal_zone, {{"path.sysfs", t.path("sys")}});
    INFO(r.text);
    REQUIRE(r.ok);
    CHECK(r.has("node_thermal_zone_temp{type=\"acpitz\",zone=\"0\"} 27.8"));
    CHECK(r.count("node_thermal_zone_temp{") == 1);
  }
  zone(t, "thermal_zone4", "bad\n", "hot\n", "step_wise\n");
  {
    Run r(collect_thermal_zone, {{"path.sysfs", t.path("sys")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("thermal_zone4/temp") != std::string::npos);
  }
}

TEST_CASE("thermal_zone: no class/thermal is no zones (node_exporter reports success)") {
  TempTree t;
  t.mkdir("sys/class");
  Run r(collect_thermal_zone, {{"path.sysfs", t.path("sys")}});
  CHECK(r.ok);
  CHECK(r.text.empty());
}

// Tests for the hwmon collector: node_exporter 1.5's file-name split,
// cleanMetricName, chip naming from device paths, the element -> metric
// table, and the collector end to end over a symlinked /sys/class/hwmon
// tree whose expected lines were taken from node_exporter 1.5.0 run on the
// same tree.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "collect/host/host.hpp"
#include "collect/host/hwmon_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {

HwmonFileName split(std::string_view s, bool* ok) {
  HwmonFileName f;
  *ok = hwmon_split_filename(s, &f);
  return f;
}

std::string clean(std::string_view s) {
  char out[64];
  size_t n = hwmon_clean_name(s, out, sizeof out);
  REQUIRE(n != SIZE_MAX);
  return std::string(out, n);
}

std::string chip(std::string_view path) {
  FixedString<128> c;
  if (!hwmon_chip_from_device_path(path, &c)) return "<none>";
  return std::string(c.view());
}

}  // namespace

TEST_CASE("hwmon: file names split like ^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$") {
  bool ok = false;
  HwmonFileName f = split("temp1_input", &ok);
  CHECK(ok);
  CHECK(f.type == "temp");
  CHECK(f.num == 1);
  CHECK(f.property == "input");

  f = split("temp1_crit_alarm", &ok);
  CHECK((ok && f.type == "temp" && f.num == 1 && f.property == "crit_alarm"));
  f = split("in0_input", &ok);
  CHECK((ok && f.type == "in" && f.num == 0 && f.property == "input"));
  f = split("pwm1_auto_point1_temp", &ok);
  CHECK((ok && f.type == "pwm" && f.num == 1 && f.property == "auto_point1_temp"));
  f = split("fan12", &ok);
  CHECK((ok && f.type == "fan" && f.num == 12 && f.property.empty()));
  // No digits: the greedy type takes the whole name.
  f = split("beep_enable", &ok);
  CHECK((ok && f.type == "beep_enable" && f.num == 0 && f.property.empty()));
  f = split("update_interval", &ok);
  CHECK((ok && f.type == "update_interval" && f.num == 0));
  f = split("temp", &ok);
  CHECK((ok && f.type == "temp" && f.num == 0 && f.property.empty()));
  // Leading zeros are Atoi's business: temp05 is sensor temp5.
  f = split("temp05_input", &ok);
  CHECK((ok && f.num == 5));
  // Backtracking: the digit run cannot be followed by "y", so the type
  // shrinks to end before the '_' and the rest is the property.
  f = split("temp_x1y", &ok);
  CHECK((ok && f.type == "temp" && f.num == 0 && f.property == "x1y"));
  f = split("in_0", &ok);
  CHECK((ok && f.type == "in_" && f.num == 0 && f.property.empty()));

  split("temp1x", &ok);
  CHECK_FALSE(ok);
  split("temp1_", &ok);
  CHECK_FALSE(ok);
  split("1temp", &ok);
  CHECK_FALSE(ok);
  split("", &ok);
  CHECK_FALSE(ok);
  split("temp1_a\nb", &ok);  // '.' does not match a newline
  CHECK_FALSE(ok);
  // strconv.Atoi overflows: node_exporter skips the file.
  split("temp99999999999999999999_input", &ok);
  CHECK_FALSE(ok);
  f = split("temp9223372036854775807_input", &ok);
  CHECK((ok && f.num == INT64_MAX));
  split("temp9223372036854775808_input", &ok);
  CHECK_FALSE(ok);
}

TEST_CASE("hwmon: sensor types are node_exporter's list") {
  CHECK(hwmon_sensor_type_index("vrm") == 0);
  CHECK(hwmon_sensor_type_index("temp") >= 0);
  CHECK(hwmon_sensor_type_index("intrusion") >= 0);
  CHECK(hwmon_sensor_type_index("freq") >= 0);  // added in 1.8 (GPU clocks)
  CHECK(hwmon_sensor_type_index("name") < 0);
  CHECK(hwmon_sensor_type_index("") < 0);
}

TEST_CASE("hwmon: cleanMetricName") {
  CHECK(clean("coretemp\n") == "coretemp");
  CHECK(clean("ACPI Thermal!\n") == "acpi_thermal");
  CHECK(clean("Core 0") == "core_0");
  CHECK(clean("soc:firmware") == "soc:firmware");
  CHECK(clean("coretemp.0") == "coretemp_0");
  CHECK(clean("___") == "");
  CHECK(clean("") == "");
  CHECK(clean("a\xc3\xa9"
              "b") == "a_b");  // one '_' per UTF-8 character, as Go does
  CHECK(clean("Weird-Prop") == "weird_prop");
  char small[3];
  CHECK(hwmon_clean_name("abcd", small, sizeof small) == SIZE_MAX);
  CHECK(hwmon_clean_name("_ab_", small, sizeof small) == SIZE_MAX);  // trimmed after the fact
  CHECK(hwmon_clean_name("ab", small, sizeof small) == 2);
}

TEST_CASE("hwmon: chip names from resolved device paths") {
  CHECK(chip("/sys/devices/platform/coretemp.0") == "platform_coretemp_0");
  CHECK(chip("/sys/devices/pci0000:00/0000:00:18.3") == "pci0000:00_0000:00:18_3");
  CHECK(chip("/sys/devices/virtual/thermal/thermal_zone0") == "thermal_thermal_zone0");
  CHECK(chip("/sys/devices/platform/soc/fe804000.i2c/i2c-1/1-004c") == "i2c_1_1_004c");
  CHECK(chip("/sys/devices/platform/soc/soc:firmware/raspberrypi-hwmon") == "soc:firmware_raspberrypi_hwmon");
  CHECK(chip("/sys/devices/platform/1e140000.pcie/pci0000:00/0000:00:00.0/0000:01:00.0/ieee80211/phy0") ==
        "ieee80211_phy0");
  CHECK(chip("/x") == "x");          // the parent cleans to nothing
  CHECK(chip("/___/dev") == "dev");  // likewise
  CHECK(chip("/") == "<none>");
  CHECK(chip("/a/___") == "<none>");
  CHECK(chip("") == "<none>");
  CHECK(hwmon_path_base("/a/b") == "b");
  CHECK(hwmon_path_base("b") == "b");
}

TEST_CASE("hwmon: element to metric name, help, unit") {
  struct Case {
    const char* type;
    const char* element;
    bool bare;
    const char* name;
    const char* help;
    double raw, value;
    MetricType t;
  };
  const Case cases[] = {
      {"temp", "input", false, "node_hwmon_temp_celsius", "Hardware monitor for temperature (input)", 45000, 45,
       MetricType::Gauge},
      {"temp", "", false, "node_hwmon_temp_celsius", "Hardware monitor for temperature (input)", 47712, 47.712,
       MetricType::Gauge},
      {"temp", "input", true, "node_hwmon_temp_input_celsius", "Hardware monitor for temperature (input)", 1000, 1,
       MetricType::Gauge},
      {"temp", "max", false, "node_hwmon_temp_max_celsius", "Hardware monitor for temperature (max)", 100000, 100,
       MetricType::Gauge},
      {"temp", "crit_alarm", false, "node_hwmon_temp_crit_alarm_celsius",
       "Hardware monitor for temperature (crit_alarm)", 1, 0.001, MetricType::Gauge},
      {"temp", "type", false, "node_hwmon_temp_type", "Hardware monitor temp element type", 3, 3, MetricType::Gauge},
      {"temp", "fault", false, "node_hwmon_temp_fault", "Hardware sensor fault status (temp)", 0, 0, MetricType::Gauge},
      {"temp", "Weird-Prop", false, "node_hwmon_temp_weird_prop_celsius",
       "Hardware monitor for temperature (Weird-Prop)", 1, 0.001, MetricType::Gauge},
      {"in", "input", false, "node_hwmon_in_volts", "Hardware monitor for voltage (input)", 1200, 1.2,
       MetricType::Gauge},
      {"in", "lcrit_alarm", false, "node_hwmon_in_lcrit_alarm_volts", "Hardware monitor for voltage (lcrit_alarm)", 0,
       0, MetricType::Gauge},
      {"in", "alarm", false, "node_hwmon_in_alarm", "Hardware sensor alarm status (in)", 1, 1, MetricType::Gauge},
      {"in", "beep", false, "node_hwmon_in_beep_enabled", "Hardware monitor sensor has beeping enabled", 1, 1,
       MetricType::Gauge},
      {"cpu", "vid", false, "node_hwmon_cpu_vid_volts", "Hardware monitor for voltage (vid)", 1000, 1,
       MetricType::Gauge},
      {"fan", "input", false, "node_hwmon_fan_rpm", "Hardware monitor for fan revolutions per minute (input)", 1500,
       1500, MetricType::Gauge},
      {"fan", "min", false, "node_hwmon_fan_min_rpm", "Hardware monitor for fan revolutions per minute (min)", 300, 300,
       MetricType::Gauge},
      {"fan", "pulses", false, "node_hwmon_fan_pulses", "Hardware monitor fan element pulses", 2, 2, MetricType::Gauge},
      {"pwm", "", false, "node_hwmon_pwm", "Hardware monitor pwm element ", 128, 128, MetricType::Gauge},
      {"pwm", "enable", false, "node_hwmon_pwm_enable", "Hardware monitor pwm element enable", 2, 2, MetricType::Gauge},
      {"curr", "input", false, "node_hwmon_curr_amps", "Hardware monitor for current (input)", 2500, 2.5,
       MetricType::Gauge},
      {"energy", "input", false, "node_hwmon_energy_joule_total", "Hardware monitor for joules used so far (input)",
       123456789, 123.456789, MetricType::Counter},
      {"power", "average", false, "node_hwmon_power_average_watt",
       "Hardware monitor for power usage in watts (average)", 12500000, 12.5, MetricType::Gauge},
      {"power", "accuracy", false, "node_hwmon_power_accuracy", "Hardware monitor power meter accuracy, as a ratio",
       950000, 0.95, MetricType::Gauge},
      {"power", "average_interval", false, "node_hwmon_power_average_interval_seconds",
       "Hardware monitor power usage update interval (average_interval)", 1000, 1, MetricType::Gauge},
      {"humidity", "input", false, "node_hwmon_humidity",
       "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (input)",
       456000, 0.456, MetricType::Gauge},
      {"intrusion", "alarm", false, "node_hwmon_intrusion_alarm", "Hardware sensor alarm status (intrusion)", 0, 0,
       MetricType::Gauge},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    HwmonMetric m;
    REQUIRE(hwmon_metric_for(c.type, c.element, c.bare, &m));
    CHECK(m.name.view() == c.name);
    CHECK(m.help.view() == c.help);
    CHECK(m.type == c.t);
    CHECK(c.raw * m.mul / m.div == doctest::Approx(c.value).epsilon(1e-12));
  }
  // An element too long for a metric name is refused, not cut.
  HwmonMetric m;
  CHECK_FALSE(hwmon_metric_for("temp", std::string(200, 'a'), false, &m));
}

TEST_CASE("hwmon: attribute values") {
  CHECK(hwmon_trim_newlines("45000\n") == "45000");
  CHECK(hwmon_trim_newlines("\n\nx\n\n") == "x");
  CHECK(hwmon_trim_newlines("Core 0 \n") == "Core 0 ");  // only newlines, like strings.Trim(s, "\n")
  CHECK(hwmon_trim_newlines("") == "");
  double v = 0;
  CHECK((hwmon_parse_value("45000", &v) && v == 45000));
  CHECK((hwmon_parse_value("-5000", &v) && v == -5000));
  CHECK((hwmon_parse_value("1.5e3", &v) && v == 1500));
  CHECK_FALSE(hwmon_parse_value("abc", &v));
  CHECK_FALSE(hwmon_parse_value("", &v));
  CHECK_FALSE(hwmon_parse_value(" 1", &v));
  CHECK_FALSE(hwmon_parse_value("0x10", &v));
}

namespace {

// The tree node_exporter 1.5.0 was compared on (see the expected lines).
void build_tree(const TempTree& t) {
  const std::string core = "sys/devices/platform/coretemp.0/hwmon/hwmon1/";
  t.symlink("../../../coretemp.0", core + "device");
  t.write(core + "name", "coretemp\n");
  t.write(core + "temp1_input", "45000\n");
  t.write(core + "temp1_label", "Package id 0\n");
  t.write(core + "temp1_max", "100000\n");
  t.write(core + "temp1_crit", "100000\n");
  t.write(core + "temp1_crit_alarm", "0\n");
  t.write(core + "temp2_input", "43000\n");
  t.write(core + "temp2_label", "Core 0\n");
  t.write(core + "temp3_input", "-5000\n");
  t.write(core + "temp3_label", "\n");
  t.write(core + "temp05_input", "12\n");
  t.write(core + "temp6_input", "abc\n");
  t.write(core + "temp99999999999999999999_input", "5\n");
  t.symlink("../../devices/platform/coretemp.0/hwmon/hwmon1", "sys/class/hwmon/hwmon1");

  const std::string k10 = "sys/devices/pci0000:00/0000:00:18.3/hwmon/hwmon2/";
  const std::string dev = "sys/devices/pci0000:00/0000:00:18.3/";
  t.symlink("../../../0000:00:18.3", k10 + "device");
  t.write(k10 + "name", "k10temp\n");
  t.write(k10 + "in0_input", "1200\n");
  t.write(k10 + "in0_label", "Vcore\n");
  t.write(k10 + "fan1_input", "1500\n");
  t.write(k10 + "pwm1", "128\n");
  t.write(k10 + "power1_average", "12500000\n");
  t.write(k10 + "energy1_input", "123456789\n");
  t.write(k10 + "beep_enable", "1\n");
  t.write(k10 + "vrm", "90\n");
  t.write(k10 + "update_interval", "2000\n");
  t.write(k10 + "temp1_input", "77\n");
  t.write(dev + "temp1_input", "55000\n");  // the device directory wins
  t.write(dev + "temp2_input", "5000\n");
  t.mkdir(dev + "power");  // a directory matching a sensor type: skipped
  t.write(dev + "uevent", "x\n");
  t.symlink("../../devices/pci0000:00/0000:00:18.3/hwmon/hwmon2", "sys/class/hwmon/hwmon2");

  // No device link: the name file names the chip.
  t.write("sys/devices/virtual/hwmon/hwmon3/name", "ACPI Thermal!\n");
  t.write("sys/devices/virtual/hwmon/hwmon3/temp1_input", "30000\n");
  t.symlink("../../devices/virtual/hwmon/hwmon3", "sys/class/hwmon/hwmon3");
  // Neither: the directory's own name.
  t.write("sys/devices/virtual/hwmon/hwmon4/temp1_input", "31000\n");
  t.symlink("../../devices/virtual/hwmon/hwmon4", "sys/class/hwmon/hwmon4");
  // A dangling device link falls back to the name file.
  t.symlink("../../nonexistent", "sys/devices/virtual/hwmon/hwmon5/device");
  t.write("sys/devices/virtual/hwmon/hwmon5/name", "nvme\n");
  t.write("sys/devices/virtual/hwmon/hwmon5/temp1_input", "32000\n");
  t.symlink("../../devices/virtual/hwmon/hwmon5", "sys/class/hwmon/hwmon5");
  // A real directory whose name cleans to nothing, and a plain file.
  t.write("sys/class/hwmon/hwmon6/name", "___\n");
  t.write("sys/class/hwmon/hwmon6/temp1_input", "33000\n");
  t.write("sys/class/hwmon/.keep", "");
}

}  // namespace

TEST_CASE("hwmon: collector output matches node_exporter 1.5 on the same tree") {
  TempTree t;
  build_tree(t);
  Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
  REQUIRE(r.ok);
  const char* expected[] = {
      "# HELP node_hwmon_beep_enabled Hardware beep enabled",
      "node_hwmon_beep_enabled{chip=\"pci0000:00_0000:00:18_3\",sensor=\"beep_enable0\"} 1",
      "# HELP node_hwmon_chip_names Annotation metric for human-readable chip names",
      "# TYPE node_hwmon_chip_names gauge",
      "node_hwmon_chip_names{chip=\"acpi_thermal\",chip_name=\"acpi_thermal\"} 1",
      "node_hwmon_chip_names{chip=\"nvme\",chip_name=\"nvme\"} 1",
      "node_hwmon_chip_names{chip=\"pci0000:00_0000:00:18_3\",chip_name=\"k10temp\"} 1",
      "node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"} 1",
      "# TYPE node_hwmon_energy_joule_total counter",
      "node_hwmon_energy_joule_total{chip=\"pci0000:00_0000:00:18_3\",sensor=\"energy1\"} 123.456789",
      "node_hwmon_fan_rpm{chip=\"pci0000:00_0000:00:18_3\",sensor=\"fan1\"} 1500",
      "node_hwmon_in_volts{chip=\"pci0000:00_0000:00:18_3\",sensor=\"in0\"} 1.2",
      "node_hwmon_power_average_watt{chip=\"pci0000:00_0000:00:18_3\",sensor=\"power1\"} 12.5",
      "# HELP node_hwmon_pwm Hardware monitor pwm element ",
      "node_hwmon_pwm{chip=\"pci0000:00_0000:00:18_3\",sensor=\"pwm1\"} 128",
      "# HELP node_hwmon_sensor_label Label for given chip and sensor",
      "node_hwmon_sensor_label{chip=\"pci0000:00_0000:00:18_3\",label=\"Vcore\",sensor=\"in0\"} 1",
      "node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"\",sensor=\"temp3\"} 1",
      "node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Core 0\",sensor=\"temp2\"} 1",
      "node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Package id 0\",sensor=\"temp1\"} 1",
      "# HELP node_hwmon_temp_celsius Hardware monitor for temperature (input)",
      "node_hwmon_temp_celsius{chip=\"acpi_thermal\",sensor=\"temp1\"} 30",
      "node_hwmon_temp_celsius{chip=\"hwmon4\",sensor=\"temp1\"} 31",
      "node_hwmon_temp_celsius{chip=\"hwmon6\",sensor=\"temp1\"} 33",
      "node_hwmon_temp_celsius{chip=\"nvme\",sensor=\"temp1\"} 32",
      "node_hwmon_temp_celsius{chip=\"pci0000:00_0000:00:18_3\",sensor=\"temp1\"} 55",
      "node_hwmon_temp_celsius{chip=\"pci0000:00_0000:00:18_3\",sensor=\"temp2\"} 5",
      "node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 45",
      "node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp2\"} 43",
      "node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp3\"} -5",
      "node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp5\"} 0.012",
      "node_hwmon_temp_crit_alarm_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 0",
      "node_hwmon_temp_crit_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 100",
      "node_hwmon_temp_max_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 100",
      "node_hwmon_update_interval_seconds{chip=\"pci0000:00_0000:00:18_3\",sensor=\"update_interval0\"} 2",
      "node_hwmon_voltage_regulator_version{chip=\"pci0000:00_0000:00:18_3\",sensor=\"vrm0\"} 90",
  };
  for (const char* line : expected) {
    CAPTURE(line);
    CHECK(r.has(line));
  }
  // Unparseable and overflowing sensors are skipped; no temp6, no temp0
  // from the pci device's directory, no power0 from device/power.
  CHECK(r.count("sensor=\"temp6\"") == 0);
  CHECK(r.count("sensor=\"power0\"") == 0);
  CHECK(r.count("chip=\"hwmon6\",chip_name") == 0);
  CHECK(r.count("node_hwmon_temp_celsius{") == 10);
}

TEST_CASE("hwmon: a thermal zone's device directory gives node_exporter's temp0") {
  TempTree t;
  const std::string z = "sys/devices/virtual/thermal/thermal_zone0/";
  t.write(z + "type", "cpu-thermal\n");
  t.write(z + "temp", "47712\n");
  t.write(z + "policy", "step_wise\n");
  t.write(z + "hwmon0/name", "cpu_thermal\n");
  t.write(z + "hwmon0/temp1_input", "47712\n");
  t.symlink("../../thermal_zone0", z + "hwmon0/device");
  t.symlink("../../devices/virtual/thermal/thermal_zone0/hwmon0", "sys/class/hwmon/hwmon0");
  Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
  REQUIRE(r.ok);
  CHECK(r.has("node_hwmon_chip_names{chip=\"thermal_thermal_zone0\",chip_name=\"cpu_thermal\"} 1"));
  CHECK(r.has("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp0\"} 47.712"));
  CHECK(r.has("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp1\"} 47.712"));
}

TEST_CASE("hwmon: chip include and exclude filters match the chip label") {
  TempTree t;
  build_tree(t);
  {
    Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}, {"collector.hwmon.chip-include", "^platform_"}});
    REQUIRE(r.ok);
    CHECK(r.count("chip=\"platform_coretemp_0\"") > 0);
    CHECK(r.count("chip=\"nvme\"") == 0);
    CHECK(r.count("chip=\"pci0000") == 0);
  }
  {
    Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}, {"collector.hwmon.chip-exclude", "^(nvme|hwmon\\d+)$"}});
    REQUIRE(r.ok);
    CHECK(r.count("chip=\"nvme\"") == 0);
    CHECK(r.count("chip=\"hwmon4\"") == 0);
    CHECK(r.count("chip=\"acpi_thermal\"") > 0);
  }
}

TEST_CASE("hwmon: missing class directory fails, empty one succeeds, dangling link fails") {
  TempTree t;
  t.mkdir("sys/class");
  {
    Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("class/hwmon") != std::string::npos);
  }
  t.mkdir("sys/class/hwmon");
  {
    Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
    CHECK(r.ok);
    CHECK(r.text.empty());
  }
  // A dangling link is skipped, as node_exporter's os.Stat failure skips it.
  t.symlink("../../devices/nothing", "sys/class/hwmon/hwmon9");
  {
    Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
    CHECK(r.ok);
    CHECK(r.text.empty());
  }
}

TEST_CASE("hwmon: chips sharing a device name are told apart as node_exporter 1.12 does (PR #3646)") {
  TempTree t;
  // Three radios of one MediaTek card: one ieee80211/phy0 device, one name
  // each; asus-nb-wmi: two hwmon nodes on one platform device with the same
  // name file, told apart by hwmonN.
  const char* radios[] = {"mt7996_phy0.0", "mt7996_phy0.1", "mt7996_phy0.2"};
  for (int i = 0; i < 3; ++i) {
    std::string h = "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/ieee80211/phy0/hwmon" + std::to_string(i);
    t.write(h + "/name", std::string(radios[i]) + "\n");
    t.write(h + "/temp1_input", std::to_string(40000 + i * 1000) + "\n");
    t.symlink("..", h + "/device");  // the phy0 device
    t.symlink("../../" + h.substr(4), "sys/class/hwmon/hwmon" + std::to_string(i));
  }
  for (int i = 3; i < 5; ++i) {
    std::string h = "sys/devices/platform/asus-nb-wmi/hwmon/hwmon" + std::to_string(i);
    t.write(h + "/name", "asus\n");
    t.write(h + "/fan1_input", "2000\n");
    t.symlink("../..", h + "/device");  // the platform device
    t.symlink("../../" + h.substr(4), "sys/class/hwmon/hwmon" + std::to_string(i));
  }
  Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("node_hwmon_temp_celsius{chip=\"ieee80211_phy0_mt7996_phy0_0\",sensor=\"temp1\"} 40"));
  CHECK(r.has("node_hwmon_temp_celsius{chip=\"ieee80211_phy0_mt7996_phy0_1\",sensor=\"temp1\"} 41"));
  CHECK(r.has("node_hwmon_temp_celsius{chip=\"ieee80211_phy0_mt7996_phy0_2\",sensor=\"temp1\"} 42"));
  CHECK(r.has("node_hwmon_fan_rpm{chip=\"platform_asus_nb_wmi_hwmon3\",sensor=\"fan1\"} 2000"));
  CHECK(r.has("node_hwmon_fan_rpm{chip=\"platform_asus_nb_wmi_hwmon4\",sensor=\"fan1\"} 2000"));
  CHECK(r.has("node_hwmon_chip_names{chip=\"ieee80211_phy0_mt7996_phy0_1\",chip_name=\"mt7996_phy0_1\"} 1"));
  CHECK_FALSE(r.contains("chip=\"ieee80211_phy0\""));
  // The include/exclude filter sees the final label.
  Run f(collect_hwmon, {{"path.sysfs", t.path("sys")}, {"collector.hwmon.chip-exclude", "phy0_1$"}});
  CHECK(f.count("mt7996_phy0_1\"") == 0);
  CHECK(f.count("node_hwmon_temp_celsius{") == 2);
}

TEST_CASE("hwmon: GPU clocks as node_hwmon_freq_freq_mhz{sensor=<label>}") {
  TempTree t;
  const std::string h = "sys/devices/pci0000:00/0000:03:00.0/hwmon/hwmon1";
  t.write(h + "/name", "amdgpu\n");
  t.write(h + "/freq1_input", "1800000000\n");
  t.write(h + "/freq1_label", "sclk\n");
  t.write(h + "/freq2_input", "96000000\n");  // no label: no metric
  t.symlink("../..", h + "/device");  // the PCI device
  t.symlink("../../" + h.substr(4), "sys/class/hwmon/hwmon1");
  Run r(collect_hwmon, {{"path.sysfs", t.path("sys")}});
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.has("# HELP node_hwmon_freq_freq_mhz Hardware monitor for GPU frequency in MHz"));
  CHECK(r.has("node_hwmon_freq_freq_mhz{chip=\"pci0000:00_0000:03:00_0\",sensor=\"sclk\"} 1800"));
  CHECK(r.count("node_hwmon_freq_freq_mhz{") == 1);
}

#pragma once
// Pure helpers for the hwmon collector: node_exporter 1.5's file-name
// split (hwmonFilenameFormat), cleanMetricName, chip naming from a resolved
// device path, and the table that turns (sensor type, element) into a
// metric name, help text, unit scale and type. No I/O, no allocation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "metrics/family.hpp"

namespace edgestat {

// node_exporter's hwmonSensorTypes, in its order; the index is what the
// collector stores per attribute.
inline constexpr std::string_view kHwmonSensorTypes[] = {
    "vrm",  "beep_enable", "update_interval", "in",     "cpu",      "fan",       "pwm",
    "temp", "curr",        "power",           "energy", "humidity", "intrusion", "freq",
};
inline constexpr size_t kHwmonSensorTypeCount = sizeof kHwmonSensorTypes / sizeof kHwmonSensorTypes[0];

struct HwmonFileName {
  std::string_view type;      // "temp"
  int64_t num = 0;            // 1 (0 when the name has no digits)
  std::string_view property;  // "input", "crit_alarm", or empty
};

// Splits a file name the way node_exporter's regexp
// ^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$ does (Go's
// leftmost-first, greedy semantics: "temp1_crit_alarm" -> temp, 1,
// crit_alarm; "beep_enable" -> beep_enable, 0, ""). False when the regexp
// does not match or the id overflows a Go int (strconv.Atoi fails).
bool hwmon_split_filename(std::string_view name, HwmonFileName* out);

// Index into kHwmonSensorTypes, or -1.
int hwmon_sensor_type_index(std::string_view type);

// node_exporter's cleanMetricName: lower-case, every byte outside
// [a-z0-9:_] becomes '_', then leading and trailing '_' are trimmed.
// Writes at most cap bytes; returns the length, or SIZE_MAX if it did not fit.
size_t hwmon_clean_name(std::string_view in, char* out, size_t cap);

// The chip label from a resolved hwmonN/device path, as hwmonName()'s
// first preference: "<clean(parent dir)>_<clean(last element)>"
// ("/sys/devices/platform/coretemp.0" -> "platform_coretemp_0"), or just
// the cleaned last element when the parent cleans to nothing. Returns
// false when both clean to nothing (the caller falls back to the name file).
bool hwmon_chip_from_device_path(std::string_view resolved, FixedString<128>* out);

// The last element of a path as filepath.Split gives it ("/a/b" -> "b").
std::string_view hwmon_path_base(std::string_view path);

// What one sensor attribute becomes.
struct HwmonMetric {
  FixedString<160> name;
  FixedString<224> help;
  MetricType type = MetricType::Gauge;
  double mul = 1;  // value * mul (the unit conversion)
  double div = 1;  // then / div, as node_exporter writes it (1e6 divides)
};

// node_exporter's naming for element `element` of a sensor of type `type`
// (one of the generic types, not beep_enable/vrm/update_interval).
// has_bare_value: the sensor also has a file with no element ("temp1"),
// which makes "input" become "_input". False if the name does not fit.
bool hwmon_metric_for(std::string_view type, std::string_view element, bool has_bare_value, HwmonMetric* m);

// The value of an attribute file the way node_exporter reads it: the
// content with leading and trailing newlines removed (strings.Trim "\n").
std::string_view hwmon_trim_newlines(std::string_view raw);

// strconv.ParseFloat for the values sysfs gives (decimal, exponent forms).
bool hwmon_parse_value(std::string_view s, double* v);

}  // namespace edgestat

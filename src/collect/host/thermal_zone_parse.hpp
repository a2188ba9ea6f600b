#pragma once
// Pure helpers for the thermal_zone collector: which /sys/class/thermal
// entries node_exporter (procfs ClassThermalZoneStats and
// ClassCoolingDeviceStats) looks at, and how it reads their values.
#include <cstdint>
#include <string_view>

namespace edgestat {

// For an entry matching the glob "<prefix>[0-9]*" returns true and the text
// after the prefix (node_exporter's zone / name label: "thermal_zone10" ->
// "10"); false for anything else.
bool thermal_entry_suffix(std::string_view entry, std::string_view prefix, std::string_view* suffix);

// util.SysReadFile: the attribute with surrounding whitespace trimmed.
std::string_view thermal_trim(std::string_view raw);

// strconv.ParseInt(TrimSpace(raw), 10, 64): "47712\n" -> 47712.
bool thermal_parse_int(std::string_view raw, int64_t* v);

// Millidegrees Celsius to degrees, as float64(temp)/1000.0.
inline double thermal_celsius(int64_t millideg) { return static_cast<double>(millideg) / 1000.0; }

}  // namespace edgestat

#pragma once
// What node_exporter's powersupplyclass collector makes of each file of
// /sys/class/power_supply/<name>/ (prometheus/procfs's PowerSupply): the
// numeric attributes with their metric name and divisor (micro-units to
// base units, tenths of a degree to degrees), and the text attributes that
// become node_power_supply_info's labels. Pure data, shared by the
// collector and its tests.
#include <cstddef>
#include <string_view>

namespace edgestat {

struct PowerSupplyNumber {
  std::string_view file;    // "current_now"
  std::string_view metric;  // "current_ampere" -> node_power_supply_current_ampere
  double divisor;
};

inline constexpr PowerSupplyNumber kPowerSupplyNumbers[] = {
    {"authentic", "authentic", 1},
    {"calibrate", "calibrate", 1},
    {"capacity", "capacity", 1},
    {"capacity_alert_max", "capacity_alert_max", 1},
    {"capacity_alert_min", "capacity_alert_min", 1},
    {"cycle_count", "cyclecount", 1},
    {"online", "online", 1},
    {"present", "present", 1},
    {"time_to_empty_now", "time_to_empty_seconds", 1},
    {"time_to_full_now", "time_to_full_seconds", 1},
    {"current_boot", "current_boot", 1e6},
    {"current_max", "current_max", 1e6},
    {"current_now", "current_ampere", 1e6},
    {"energy_empty", "energy_empty", 1e6},
    {"energy_empty_design", "energy_empty_design", 1e6},
    {"energy_full", "energy_full", 1e6},
    {"energy_full_design", "energy_full_design", 1e6},
    {"energy_now", "energy_watthour", 1e6},
    {"voltage_boot", "voltage_boot", 1e6},
    {"voltage_max", "voltage_max", 1e6},
    {"voltage_max_design", "voltage_max_design", 1e6},
    {"voltage_min", "voltage_min", 1e6},
    {"voltage_min_design", "voltage_min_design", 1e6},
    {"voltage_now", "voltage_volt", 1e6},
    {"voltage_ocv", "voltage_ocv", 1e6},
    {"charge_control_limit", "charge_control_limit", 1e6},
    {"charge_control_limit_max", "charge_control_limit_max", 1e6},
    {"charge_counter", "charge_counter", 1e6},
    {"charge_empty", "charge_empty", 1e6},
    {"charge_empty_design", "charge_empty_design", 1e6},
    {"charge_full", "charge_full", 1e6},
    {"charge_full_design", "charge_full_design", 1e6},
    {"charge_now", "charge_ampere", 1e6},
    {"charge_term_current", "charge_term_current", 1e6},
    {"constant_charge_current", "constant_charge_current", 1e6},
    {"constant_charge_current_max", "constant_charge_current_max", 1e6},
    {"constant_charge_voltage", "constant_charge_voltage", 1e6},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", 1e6},
    {"precharge_current", "precharge_current", 1e6},
    {"input_current_limit", "input_current_limit", 1e6},
    {"power_now", "power_watt", 1e6},
    {"temp", "temp_celsius", 10},
    {"temp_alert_max", "temp_alert_max_celsius", 10},
    {"temp_alert_min", "temp_alert_min_celsius", 10},
    {"temp_ambient", "temp_ambient_celsius", 10},
    {"temp_ambient_max", "temp_ambient_max_celsius", 10},
    {"temp_ambient_min", "temp_ambient_min_celsius", 10},
    {"temp_max", "temp_max_celsius", 10},
    {"temp_min", "temp_min_celsius", 10},
};
inline constexpr size_t kPowerSupplyNumberCount = sizeof kPowerSupplyNumbers / sizeof kPowerSupplyNumbers[0];

// Text attributes, sorted by label name (the info metric's label order);
// the file and the label have the same name.
inline constexpr std::string_view kPowerSupplyTexts[] = {
    "capacity_level", "charge_type", "health", "manufacturer", "model_name", "scope",
    "serial_number",  "status",      "technology", "type",     "usb_type"};
inline constexpr size_t kPowerSupplyTextCount = sizeof kPowerSupplyTexts / sizeof kPowerSupplyTexts[0];

}  // namespace edgestat

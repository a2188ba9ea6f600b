#pragma once
// The whole configuration as one plain struct. Every field has exactly one
// key in schema.cpp (section, key, type, default, range, help), which is
// where the INI file, EDGESTAT_* environment and command-line flags all
// land; nothing else writes a Config.
#include <array>
#include <cstdint>

#include "core/fixed_string.hpp"
#include "core/fixed_vector.hpp"
#include "core/log.hpp"
#include "core/regex.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

// Paths and addresses fit in 255 bytes; longer values are refused with the
// key named, never cut.
using ConfigString = FixedString<255>;
// Lists (listen addresses, textfile directories) hold a handful of entries.
inline constexpr size_t kMaxListEntries = 8;
using ConfigList = FixedVector<ConfigString, kMaxListEntries>;

struct ConfigRegex {
  ConfigString source;
  Regex re;
  bool match(std::string_view s) const { return re.match(s); }
};

struct Config {
  struct Collect {
    uint64_t interval_ms;
    uint64_t scrape_max_age_ms;
    uint64_t read_buffer_bytes;
  } collect;

  struct Paths {
    ConfigString procfs, sysfs, rootfs;
  } path;

  struct Limits {
    uint64_t max_families, max_samples, snapshot_arena_bytes, render_buffer_bytes;
  } limits;

  struct Log {
    uint8_t level;   // LogLevel
    uint8_t format;  // LogFormat
  } log;

  struct Web {
    ConfigList listen_address;
    ConfigString telemetry_path;
    uint64_t max_requests;
  } web;

  struct Filters {
    ConfigRegex filesystem_mount_points_exclude, filesystem_fs_types_exclude;
    ConfigRegex diskstats_device_exclude;
    ConfigRegex netdev_device_include, netdev_device_exclude;
    ConfigRegex netclass_ignored_devices;
    ConfigRegex vmstat_fields;
    ConfigRegex hwmon_chip_include, hwmon_chip_exclude;
    ConfigList textfile_directory;
  } filters;

  // Per-collector switch from [collector] NAME = bool, --collector.NAME,
  // --no-collector.NAME: -1 means not set (the collector's default applies).
  std::array<int8_t, kMaxCollectorIds> collector_switch;
  bool collector_disable_defaults;

  // Where the config came from, for logs: a file path or "embedded defaults".
  ConfigString source;
};

}  // namespace edgestat

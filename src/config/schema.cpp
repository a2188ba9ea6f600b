#include "config/schema.hpp"

#include "config/values.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

#define FIELD(expr) [](Config& c) -> void* { return &c.expr; }

// node_exporter 1.x defaults, so its flags and dashboards carry over.
constexpr std::string_view kMountPointsExclude =
    "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
constexpr std::string_view kFsTypesExclude =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|"
    "overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$";
constexpr std::string_view kDiskstatsExclude = "^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
constexpr std::string_view kVmstatFields = "^(oom_kill|pgpg|pswp|pg.*fault).*";

const KeySpec kKeys[] = {
    {"collect", "interval", KeyKind::Duration, "15s",
     "How often the snapshot is refreshed in the background.", 1000, 3600 * 1000, {}, FIELD(collect.interval_ms)},
    {"collect", "scrape_max_age", KeyKind::Duration, "1s",
     "A scrape finding the snapshot older than this refreshes it first (at most once however many scrapers wait).",
     0, 3600 * 1000, {}, FIELD(collect.scrape_max_age_ms)},
    {"collect", "read_buffer_bytes", KeyKind::Bytes, "256KiB",
     "Largest /proc or /sys file read in one piece (/proc/stat on many-CPU hosts, mountinfo with many mounts).",
     4096, 64ull << 20, {}, FIELD(collect.read_buffer_bytes)},

    {"path", "procfs", KeyKind::String, "/proc", "procfs mount point (node_exporter --path.procfs).", 0, 0, {},
     FIELD(path.procfs)},
    {"path", "sysfs", KeyKind::String, "/sys", "sysfs mount point (node_exporter --path.sysfs).", 0, 0, {},
     FIELD(path.sysfs)},
    {"path", "rootfs", KeyKind::String, "/", "Root filesystem the filesystem collector stats under (--path.rootfs).",
     0, 0, {}, FIELD(path.rootfs)},

    {"limits", "max_families", KeyKind::Uint, "1024", "Metric families one snapshot can hold.", 64, 1u << 20, {},
     FIELD(limits.max_families)},
    {"limits", "max_samples", KeyKind::Uint, "8192",
     "Samples one snapshot can hold; the excess is refused and counted in edgestat_snapshot_refused_samples_total.",
     256, 1u << 24, {}, FIELD(limits.max_samples)},
    {"limits", "snapshot_arena_bytes", KeyKind::Bytes, "512KiB", "Bytes for label sets and run-time family names.",
     16384, 1ull << 30, {}, FIELD(limits.snapshot_arena_bytes)},
    {"limits", "render_buffer_bytes", KeyKind::Bytes, "1MiB",
     "Largest rendered /metrics body; a bigger one is an error counted and logged, never a truncated scrape.", 16384,
     1ull << 30, {}, FIELD(limits.render_buffer_bytes)},

    {"log", "level", KeyKind::Enum, "info", "Least severe level logged.", 0, 0, "debug|info|warn|error",
     FIELD(log.level)},
    {"log", "format", KeyKind::Enum, "json", "json: one object a line for procd/journald; text: for people.", 0, 0,
     "json|text", FIELD(log.format)},

    {"web", "listen_address", KeyKind::List, ":9100",
     "Addresses to listen on, comma-separated (flag repeatable): :9100, 127.0.0.1:9100, [::1]:9100.", 0, 0, {},
     FIELD(web.listen_address)},
    {"web", "telemetry_path", KeyKind::String, "/metrics", "Path under which metrics are served.", 0, 0, {},
     FIELD(web.telemetry_path)},
    {"web", "max_requests", KeyKind::Uint, "40",
     "Concurrent /metrics requests before 503 (node_exporter --web.max-requests); 0 means no limit.", 0, 100000, {},
     FIELD(web.max_requests)},

    {"collector.filesystem", "mount_points_exclude", KeyKind::Regex, kMountPointsExclude,
     "Mount points to ignore (regex, node_exporter's default).", 0, 0, {},
     FIELD(filters.filesystem_mount_points_exclude)},
    {"collector.filesystem", "fs_types_exclude", KeyKind::Regex, kFsTypesExclude,
     "Filesystem types to ignore (regex); the root mount / is always reported, see README (OpenWrt).", 0, 0, {},
     FIELD(filters.filesystem_fs_types_exclude)},
    {"collector.diskstats", "device_exclude", KeyKind::Regex, kDiskstatsExclude,
     "Block devices to ignore (regex, node_exporter's default).", 0, 0, {}, FIELD(filters.diskstats_device_exclude)},
    {"collector.netdev", "device_include", KeyKind::Regex, "",
     "If set, only network devices matching this regex are reported.", 0, 0, {},
     FIELD(filters.netdev_device_include)},
    {"collector.netdev", "device_exclude", KeyKind::Regex, "", "Network devices to ignore (regex).", 0, 0, {},
     FIELD(filters.netdev_device_exclude)},
    {"collector.netclass", "ignored_devices", KeyKind::Regex, "^$", "Network devices netclass ignores (regex).", 0,
     0, {}, FIELD(filters.netclass_ignored_devices)},
    {"collector.vmstat", "fields", KeyKind::Regex, kVmstatFields, "/proc/vmstat fields to export (regex).", 0, 0,
     {}, FIELD(filters.vmstat_fields)},
    {"collector.hwmon", "chip_include", KeyKind::Regex, "", "If set, only hwmon chips matching this regex.", 0, 0,
     {}, FIELD(filters.hwmon_chip_include)},
    {"collector.hwmon", "chip_exclude", KeyKind::Regex, "", "hwmon chips to ignore (regex).", 0, 0, {},
     FIELD(filters.hwmon_chip_exclude)},
    {"collector.textfile", "directory", KeyKind::List, "",
     "Directories whose *.prom files are exported, comma-separated; empty disables reading.", 0, 0, {},
     FIELD(filters.textfile_directory)},
    {"collector", "disable_defaults", KeyKind::Bool, "false",
     "Start from no collectors and enable each one explicitly.", 0, 0, {}, FIELD(collector_disable_defaults)},
};

#undef FIELD

bool set_string(ConfigString& s, std::string_view v, const char** why) {
  if (!s.assign(v)) {
    *why = "value longer than 255 bytes";
    return false;
  }
  return true;
}

}  // namespace

std::span<const KeySpec> config_keys() { return kKeys; }

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const KeySpec& k : kKeys)
    if (k.section == section && k.key == key) return &k;
  return nullptr;
}

bool set_key(Config& c, const KeySpec& k, std::string_view value, bool append, const char** why) {
  void* f = k.field(c);
  switch (k.kind) {
    case KeyKind::Bool:
      return parse_bool_value(value, static_cast<bool*>(f), why);
    case KeyKind::Uint:
    case KeyKind::Duration:
    case KeyKind::Bytes: {
      uint64_t v = 0;
      if (k.kind == KeyKind::Uint) {
        auto p = parse_u64(value);
        if (!p) {
          *why = "expected a whole number";
          return false;
        }
        v = *p;
      } else if (k.kind == KeyKind::Duration ? !parse_duration_ms(value, &v, why) : !parse_bytes(value, &v, why)) {
        return false;
      }
      if (v < k.min || v > k.max) {
        *why = "out of range (see the key's documented range in config/edgestat.conf)";
        return false;
      }
      *static_cast<uint64_t*>(f) = v;
      return true;
    }
    case KeyKind::String:
      return set_string(*static_cast<ConfigString*>(f), value, why);
    case KeyKind::List: {
      auto& list = *static_cast<ConfigList*>(f);
      if (!append) list.clear();
      std::string_view rest = value;
      while (!rest.empty()) {
        std::string_view item = trim(next_field(rest, ','));
        if (item.empty()) continue;
        ConfigString s;
        if (!set_string(s, item, why)) return false;
        if (!list.push_back(s)) {
          *why = "too many entries (at most 8)";
          return false;
        }
      }
      return true;
    }
    case KeyKind::Enum: {
      std::string_view names = k.enum_values;
      for (uint8_t i = 0; !names.empty(); ++i) {
        if (next_field(names, '|') == value) {
          *static_cast<uint8_t*>(f) = i;
          return true;
        }
      }
      *why = "not one of the allowed values";
      return false;
    }
    case KeyKind::Regex: {
      auto& r = *static_cast<ConfigRegex*>(f);
      static char err[160];  // config loads on one thread only
      if (!r.re.compile(value, err, sizeof err)) {
        *why = err;
        return false;
      }
      return set_string(r.source, value, why);
    }
  }
  return false;
}

}  // namespace edgestat

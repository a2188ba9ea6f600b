#pragma once
// The whole configuration as one plain struct. Every field has exactly one
// key in schema.cpp (section, key, type, default, range, help), which is
// where the INI file, EDGESTAT_* environment and command-line flags all
// land; nothing else writes a Config.
#include <array>
#include <cstdint>

#include "config/autoscale_group_config.hpp"
#include "config/autoscale_config.hpp"
#include "config/config_types.hpp"
#include "config/export_config.hpp"
#include "config/origin.hpp"
#include "core/log.hpp"

namespace edgestat {

// [collector] NAME switches, indexed by collector id; the registry checks
// that every collector has one.
inline constexpr size_t kMaxCollectorSwitches = 64;

// [store] ack: when a POST of records is answered 202.
enum class StoreAck : uint8_t { Received, Durable };

struct Config {
  struct Collect {
    uint64_t interval_ms;
    uint64_t scrape_max_age_ms;
    uint64_t read_buffer_bytes;
  } collect;

  struct Paths {
    ConfigString procfs, sysfs, rootfs;
    ConfigString cgroupfs;  // cgroup mount root (--path.cgroupfs), for the lxc collector
    ConfigString udev_data;  // udev database (--path.udev.data), for node_disk_info's labels
  } path;

  struct Limits {
    uint64_t max_families, max_samples, snapshot_arena_bytes, render_buffer_bytes;
    uint64_t render_buffers;  // body pool slots, each render_buffer_bytes
  } limits;

  struct Log {
    uint8_t level;   // LogLevel
    uint8_t format;  // LogFormat
  } log;

  struct Web {
    ConfigList listen_address;
    ConfigString telemetry_path;
    uint64_t max_requests;
    // HTTP server (daemon): connection pool, timeouts, request body cap.
    uint64_t max_connections;
    uint64_t header_timeout_ms, idle_timeout_ms;
    uint64_t max_body_bytes;
    bool disable_exporter_metrics;  // /metrics leaves out process_* and edgestat_*
    ConfigString config_file;       // exporter-toolkit web-config.yml; empty: none
  } web;

  // Daemon: single-instance lock, data directory, shutdown deadline.
  struct Agent {
    ConfigString runtime_dir, data_dir;
    uint64_t shutdown_timeout_ms;
  } agent;

  // /health thresholds (health/health.hpp classifies with them).
  struct Health {
    uint64_t disk_free_degraded_percent, disk_free_critical_percent;
    uint64_t memory_available_degraded_percent, memory_available_critical_percent;
    uint64_t loop_lag_degraded_ms, loop_lag_unhealthy_ms;
  } health;

  // [tls]: HTTPS listeners beside the plain [web] ones (http/tls_context.hpp).
  struct Tls {
    ConfigList listen_address;     // empty: no HTTPS
    ConfigString cert_file, key_file, client_ca_file;
    uint8_t client_auth;           // none|optional|required
    ConfigList client_allowed_names;
    uint8_t min_version;           // 0: TLS 1.2, 1: TLS 1.3
    ConfigList cipher_suites;      // empty: the modern default list
    uint64_t max_connections;
    uint64_t handshake_timeout_ms;
    uint64_t hsts_max_age_ms;      // 0: no Strict-Transport-Security header
  } tls;

  // [access]: who may connect, which Host names, how often, what is logged
  // (http/access_*.hpp).
  struct Access {
    ConfigList allow;              // CIDRs and keywords (loopback, private, link-local, any)
    ConfigList trusted_hosts;      // empty: any Host header
    uint64_t rate_limit;           // requests per second per client; 0: off
    uint64_t rate_limit_burst;
    uint64_t rate_limit_clients;   // table size (requires restart)
    uint64_t max_connections_per_client;  // 0: no cap
    bool security_headers;
    bool log;                      // one JSON access line per request
  } access;

  // [auth]: Basic users and Bearer tokens, and which paths need them.
  struct Auth {
    ConfigList users;              // name:$pbkdf2-sha256$...
    ConfigList tokens, ingest_tokens;
    ConfigList public_paths, ingest_paths;
  } auth;

  struct Filters {
    ConfigRegex filesystem_mount_points_exclude, filesystem_fs_types_exclude;
    uint64_t filesystem_mount_timeout_ms;  // network/FUSE statfs deadline; 0: none
    ConfigRegex diskstats_device_exclude, diskstats_device_include;
    bool cpu_guest;  // node_cpu_guest_seconds_total (--collector.cpu.guest)
    ConfigRegex netdev_device_include, netdev_device_exclude;
    ConfigRegex netclass_ignored_devices;
    ConfigRegex vmstat_fields;
    ConfigRegex hwmon_chip_include, hwmon_chip_exclude;
    ConfigList textfile_directory;
    ConfigRegex netstat_fields;
    ConfigRegex arp_device_include, arp_device_exclude;
    bool netclass_ignore_invalid_speed;
    bool cpu_info;  // node_cpu_info and friends (--collector.cpu.info)
    ConfigRegex cpu_info_flags_include, cpu_info_bugs_include;
    bool stat_softirq;  // node_softirqs_total (--collector.stat.softirq)
    ConfigRegex interrupts_name_include, interrupts_name_exclude;
    bool interrupts_include_zeros;
    ConfigRegex powersupply_ignored_supplies;
  } filters;

  // [collector.lxc]: where containers are found and how many are tracked.
  struct Lxc {
    ConfigList lxcpath;           // LXC config directories, under path.rootfs
    ConfigString pve_config_dir;  // Proxmox VMID.conf directory; empty: none
    uint64_t max_containers;      // tracking table size (requires restart)
    bool report_stopped;          // stopped containers: running 0, or absent
  } lxc;

  // [ingest]: StatsD listeners and the aggregation of operation records
  // (ingest/aggregator.hpp, app/ingest_pipeline.hpp).
  struct Ingest {
    ConfigString statsd_listen_address;  // UDP host:port; empty: off
    ConfigString statsd_socket;          // unix datagram socket path; empty: off
    uint64_t statsd_receive_buffer_bytes;
    uint64_t max_series, statsd_max_series;
    uint64_t window_ms;
    ConfigString duration_buckets;       // seconds, comma-separated
    ConfigKeyPatterns personal_keys;     // refused metadata/tag keys and metric names
  } ingest;

  // [store]: the records ring and the writer thread's batch files in
  // [agent] data_dir (store/record_writer.hpp).
  struct Store {
    bool enabled;
    uint64_t ring_slots, record_bytes, max_batch, flush_interval_ms;
    uint8_t ack;  // StoreAck
    uint64_t ack_timeout_ms;
    uint64_t max_files, max_bytes, max_age_ms;
  } store;

  // [history]: recent values of chosen series, in memory and optionally
  // persisted (app/history_store.hpp, snapshot records).
  struct History {
    bool default_series;
    ConfigList series;
    uint64_t depth;
    bool persist;
    uint64_t persist_interval_ms;
  } history;

  // [export.remote_write.NAME], [export.otlp.NAME]: push targets.
  ExportConfig exporter;
  AutoscaleGroupsConfig autoscale_groups;  // [autoscale.group.NAME]

  // [autoscale], [autoscale.tier.NAME]: the LXC autoscaler.
  AutoscaleConfig autoscale;

  // Per-collector switch from [collector] NAME = bool, --collector.NAME,
  // --no-collector.NAME: -1 means not set (the collector's default applies).
  std::array<int8_t, kMaxCollectorSwitches> collector_switch;
  // Where each switch was set, for errors found after loading (a switch
  // asking for a collector this build lacks, app/build_features.hpp).
  std::array<KeyOrigin, kMaxCollectorSwitches> collector_switch_origin;
  bool collector_disable_defaults;
  // node_exporter collectors edgestat lacks that the config switches on,
  // bit i = node_exporter_collectors()[i]: each is reported as
  // node_scrape_collector_success 0 (config/node_exporter_compat.hpp).
  std::array<uint64_t, 2> missing_collectors_on;

  // Where the config came from, for logs: a file path or "embedded defaults".
  ConfigString source;
  // Where each key was set (file:line, variable, flag), for errors found
  // after loading.
  ConfigOrigins origins;
};

}  // namespace edgestat

namespace edgestat {

// node_exporter's deviceFilter: a name is left out when the exclude
// pattern is set and matches it, or the include pattern is set and does
// not.
// --path.rootfs as the prefix of an absolute path under it: "/" (or any
// trailing slash) joins to "", so "/var/lib/lxc" stays clean.
inline std::string_view rootfs_prefix(const Config& c) {
  std::string_view r = c.path.rootfs.view();
  while (!r.empty() && r.back() == '/') r.remove_suffix(1);
  return r;
}

inline bool filter_ignored(const ConfigRegex& include, const ConfigRegex& exclude, std::string_view name) {
  return (!exclude.source.empty() && exclude.match(name)) || (!include.source.empty() && !include.match(name));
}

}  // namespace edgestat

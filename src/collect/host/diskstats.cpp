// node_exporter's diskstats collector: node_disk_* counters from
// /proc/diskstats (sectors of 512 bytes, times in milliseconds), only the
// counters the kernel's line has, plus node_disk_info and the udev-derived
// node_disk_filesystem_info, node_disk_device_mapper_info and
// node_disk_ata_* from udev's database (path.udev data, --path.udev.data),
// as node_exporter 1.12 does; node_disk_info carries rotational (1.8+) from
// /sys/block/<dev>/queue/rotational, "0" when unreadable.
#include <cstdio>

#include "collect/host/diskstats_parse.hpp"
#include "collect/host/host.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// "The standard UNIX 512-byte sectors, not any device- or filesystem-specific
// block size" (iostats.rst), and the time fields are milliseconds.
constexpr double kSectorBytes = 512.0;
constexpr double kSecondsPerTick = 0.001;

// The udev entry of one device is read into the scratch buffer behind
// /proc/diskstats. Entries are a few KiB; if less than this is left the
// udev data is treated as absent (empty labels), which is also what
// node_exporter shows when it cannot read the entry.
constexpr size_t kMinUdevBuffer = 4096;

constexpr FamilyDesc kInfo{"node_disk_info", "Info of /sys/block/<block_device>.", MetricType::Gauge};
constexpr FamilyDesc kFilesystemInfo{"node_disk_filesystem_info", "Info about disk filesystem.", MetricType::Gauge};
constexpr FamilyDesc kDeviceMapperInfo{"node_disk_device_mapper_info", "Info about disk device mapper.",
                                       MetricType::Gauge};
constexpr FamilyDesc kAtaWriteCache{"node_disk_ata_write_cache", "ATA disk has a write cache.", MetricType::Gauge};
constexpr FamilyDesc kAtaWriteCacheEnabled{"node_disk_ata_write_cache_enabled",
                                           "ATA disk has its write cache enabled.", MetricType::Gauge};
constexpr FamilyDesc kAtaRotationRate{"node_disk_ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs).",
                                      MetricType::Gauge};

// In /proc/diskstats column order, with the factor each column is scaled by.
struct StatDesc {
  FamilyDesc family;
  double scale;
};
constexpr StatDesc kStats[kDiskstatsMaxStats] = {
    {{"node_disk_reads_completed_total", "The total number of reads completed successfully.", MetricType::Counter},
     1},
    {{"node_disk_reads_merged_total", "The total number of reads merged.", MetricType::Counter}, 1},
    {{"node_disk_read_bytes_total", "The total number of bytes read successfully.", MetricType::Counter},
     kSectorBytes},
    {{"node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", MetricType::Counter},
     kSecondsPerTick},
    {{"node_disk_writes_completed_total", "The total number of writes completed successfully.", MetricType::Counter},
     1},
    {{"node_disk_writes_merged_total", "The number of writes merged.", MetricType::Counter}, 1},
    {{"node_disk_written_bytes_total", "The total number of bytes written successfully.", MetricType::Counter},
     kSectorBytes},
    {{"node_disk_write_time_seconds_total", "This is the total number of seconds spent by all writes.",
      MetricType::Counter},
     kSecondsPerTick},
    {{"node_disk_io_now", "The number of I/Os currently in progress.", MetricType::Gauge}, 1},
    {{"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", MetricType::Counter}, kSecondsPerTick},
    {{"node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.",
      MetricType::Counter},
     kSecondsPerTick},
    {{"node_disk_discards_completed_total", "The total number of discards completed successfully.",
      MetricType::Counter},
     1},
    {{"node_disk_discards_merged_total", "The total number of discards merged.", MetricType::Counter}, 1},
    // node_exporter exports this one in sectors, not bytes.
    {{"node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.",
      MetricType::Counter},
     1},
    {{"node_disk_discard_time_seconds_total", "This is the total number of seconds spent by all discards.",
      MetricType::Counter},
     kSecondsPerTick},
    {{"node_disk_flush_requests_total", "The total number of flush requests completed successfully",
      MetricType::Counter},
     1},
    {{"node_disk_flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests.",
      MetricType::Counter},
     kSecondsPerTick},
};

// Reads <udev data>/b<major>:<minor> into buf; empty info when absent,
// exactly as node_exporter's labels stay empty.
void read_udev(std::string_view udev_dir, uint32_t major, uint32_t minor, char* buf, size_t cap, UdevInfo* info) {
  *info = UdevInfo{};
  if (cap < kMinUdevBuffer) return;
  char name[32];
  int len = std::snprintf(name, sizeof name, "/b%u:%u", major, minor);
  PathBuf path;
  if (!join_path(path, {udev_dir, std::string_view(name, static_cast<size_t>(len))})) return;
  size_t n = 0;
  if (!read_file(path.c_str(), buf, cap, &n)) return;
  parse_udev_properties(std::string_view(buf, n), info);
}

void add_ata(CollectContext& ctx, const FamilyDesc& f, bool present, std::string_view value, const Label* dev) {
  if (!present) return;
  if (auto v = parse_double(value)) ctx.out.add(f, *v, dev, 1);
}

}  // namespace

Status collect_diskstats(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/diskstats"})) return Status::error("procfs path too long");
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st) return st;
  char* udev_buf = ctx.scratch + n;
  size_t udev_cap = ctx.scratch_cap - n;
  // node_exporter: an include pattern replaces the exclude default.
  const ConfigRegex& include = ctx.config.filters.diskstats_device_include;
  const ConfigRegex& exclude = ctx.config.filters.diskstats_device_exclude;
  const bool has_include = !include.source.empty();
  const bool has_exclude = !has_include && !exclude.source.empty();

  Scanner lines(std::string_view(ctx.scratch, n));
  unsigned lineno = 0;
  while (!lines.at_end()) {
    std::string_view text = lines.line();
    ++lineno;
    DiskstatsLine d;
    DiskstatsParse r = parse_diskstats_line(text, &d);
    if (r == DiskstatsParse::Malformed) return Status::error("%s:%u: malformed line", path.c_str(), lineno);
    if (r == DiskstatsParse::Skip) continue;
    if (has_exclude && exclude.match(d.device)) continue;
    if (has_include && !include.match(d.device)) continue;

    UdevInfo u;
    read_udev(ctx.config.path.udev_data.view(), d.major, d.minor, udev_buf, udev_cap, &u);
    PathBuf rot_path;
    char rot_buf[16];
    std::string_view rot;
    bool rotational = join_path(rot_path, {ctx.config.path.sysfs.view(), "/block/", d.device, "/queue/rotational"}) &&
                      read_attr(rot_path.c_str(), rot_buf, sizeof rot_buf, &rot) && trim(rot) == "1";
    char major[16], minor[16];
    std::string_view major_sv(major, format_u64(d.major, major));
    std::string_view minor_sv(minor, format_u64(d.minor, minor));
    // Label names in sorted order: the exposition lists them as given.
    const Label info[] = {{"device", d.device}, {"major", major_sv},     {"minor", minor_sv},
                          {"model", u.id_model}, {"path", u.id_path},     {"revision", u.id_revision},
                          {"rotational", rotational ? "1" : "0"}, {"serial", u.serial()}, {"wwn", u.id_wwn}};
    ctx.out.add(kInfo, 1, info, 9);

    const Label dev[] = {{"device", d.device}};
    for (int i = 0; i < d.nstats; ++i)
      ctx.out.add(kStats[i].family, static_cast<double>(d.stats[i]) * kStats[i].scale, dev, 1);

    if (!u.id_fs_type.empty()) {
      const Label fs[] = {{"device", d.device},
                          {"type", u.id_fs_type},
                          {"usage", u.id_fs_usage},
                          {"uuid", u.id_fs_uuid},
                          {"version", u.id_fs_version}};
      ctx.out.add(kFilesystemInfo, 1, fs, 5);
    }
    if (!u.dm_name.empty()) {
      const Label dm[] = {{"device", d.device},        {"lv_layer", u.dm_lv_layer}, {"lv_name", u.dm_lv_name},
                          {"name", u.dm_name},         {"uuid", u.dm_uuid},         {"vg_name", u.dm_vg_name}};
      ctx.out.add(kDeviceMapperInfo, 1, dm, 6);
    }
    if (!u.id_ata.empty()) {
      add_ata(ctx, kAtaWriteCache, u.has_ata_write_cache, u.id_ata_write_cache, dev);
      add_ata(ctx, kAtaWriteCacheEnabled, u.has_ata_write_cache_enabled, u.id_ata_write_cache_enabled, dev);
      add_ata(ctx, kAtaRotationRate, u.has_ata_rotation_rate_rpm, u.id_ata_rotation_rate_rpm, dev);
    }
  }
  return Status::ok();
}

}  // namespace edgestat

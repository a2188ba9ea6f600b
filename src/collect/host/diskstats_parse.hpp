#pragma once
// Pure parsers for the diskstats collector: /proc/diskstats lines
// (Documentation/admin-guide/iostats.rst) and udev's database entries
// (/run/udev/data/b<major>:<minor>, udevadm(8)) that node_exporter reads
// for node_disk_info and friends.
#include <cstdint>
#include <string_view>

namespace edgestat {

// Counters after "major minor name": 11 up to Linux 4.18, 15 with the
// discard fields (4.18), 17 with the flush fields (5.5). node_exporter reads
// at most these 17 and ignores anything a later kernel appends.
inline constexpr int kDiskstatsMaxStats = 17;
// Lines with fewer counters are skipped, as node_exporter (procfs) does: the
// 4-counter partition lines of kernels before 2.6.25 are not disk stats.
inline constexpr int kDiskstatsMinStats = 11;

struct DiskstatsLine {
  uint32_t major = 0, minor = 0;
  std::string_view device;  // points into the parsed text
  uint64_t stats[kDiskstatsMaxStats] = {};
  int nstats = 0;  // how many of stats[] the line had (11..17)
};

enum class DiskstatsParse : uint8_t {
  Ok,
  Skip,       // blank, or too few counters: not a disk line
  Malformed,  // a field that should be a number is not one
};

// One line of /proc/diskstats. Like Go's fmt.Sscanf in procfs, the counters
// are read left to right until the line ends; a non-number is Malformed
// (node_exporter then fails the collection).
DiskstatsParse parse_diskstats_line(std::string_view line, DiskstatsLine* out);

// The udev properties node_exporter 1.5 turns into labels and metrics. A
// view is empty when the property is absent; has_* tells absent from
// present-but-empty where node_exporter makes that distinction.
struct UdevInfo {
  std::string_view id_path, id_wwn, id_model, id_revision, id_serial_short, scsi_ident_serial;
  std::string_view id_fs_type, id_fs_usage, id_fs_uuid, id_fs_version;
  std::string_view dm_name, dm_uuid, dm_vg_name, dm_lv_name, dm_lv_layer;
  std::string_view id_ata, id_ata_rotation_rate_rpm, id_ata_write_cache, id_ata_write_cache_enabled;
  bool has_ata_rotation_rate_rpm = false, has_ata_write_cache = false, has_ata_write_cache_enabled = false;

  // The serial node_exporter labels with: SCSI_IDENT_SERIAL (the one printed
  // on the disk), else ID_SERIAL_SHORT.
  std::string_view serial() const { return scsi_ident_serial.empty() ? id_serial_short : scsi_ident_serial; }
};

// Reads the "E:KEY=VALUE" lines of a udev database file; other lines (S:,
// L:, I:, G:, ...) are ignored and a repeated key keeps its last value, as
// node_exporter's map does. Views point into text. Never fails: text that
// is not a udev entry just yields no properties.
void parse_udev_properties(std::string_view text, UdevInfo* out);

}  // namespace edgestat

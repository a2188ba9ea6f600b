#include "collect/host/diskstats_parse.hpp"

#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat {

DiskstatsParse parse_diskstats_line(std::string_view line, DiskstatsLine* out) {
  Scanner sc(line);
  std::string_view major = sc.token();
  if (major.empty()) return DiskstatsParse::Skip;
  std::string_view minor = sc.token();
  std::string_view name = sc.token();
  auto ma = parse_u64(major);
  auto mi = parse_u64(minor);
  if (!ma || *ma > UINT32_MAX) return DiskstatsParse::Malformed;
  if (minor.empty()) return DiskstatsParse::Skip;
  if (!mi || *mi > UINT32_MAX) return DiskstatsParse::Malformed;
  if (name.empty()) return DiskstatsParse::Skip;
  out->major = static_cast<uint32_t>(*ma);
  out->minor = static_cast<uint32_t>(*mi);
  out->device = name;
  out->nstats = 0;
  while (out->nstats < kDiskstatsMaxStats) {
    std::string_view tok = sc.token();
    if (tok.empty()) break;
    auto v = parse_u64(tok);
    if (!v) return DiskstatsParse::Malformed;
    out->stats[out->nstats++] = *v;
  }
  for (int i = out->nstats; i < kDiskstatsMaxStats; ++i) out->stats[i] = 0;
  return out->nstats >= kDiskstatsMinStats ? DiskstatsParse::Ok : DiskstatsParse::Skip;
}

void parse_udev_properties(std::string_view text, UdevInfo* out) {
  *out = UdevInfo{};
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    if (!starts_with(line, "E:")) continue;
    line.remove_prefix(2);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    if (key == "ID_PATH") out->id_path = value;
    else if (key == "ID_WWN") out->id_wwn = value;
    else if (key == "ID_MODEL") out->id_model = value;
    else if (key == "ID_REVISION") out->id_revision = value;
    else if (key == "ID_SERIAL_SHORT") out->id_serial_short = value;
    else if (key == "SCSI_IDENT_SERIAL") out->scsi_ident_serial = value;
    else if (key == "ID_FS_TYPE") out->id_fs_type = value;
    else if (key == "ID_FS_USAGE") out->id_fs_usage = value;
    else if (key == "ID_FS_UUID") out->id_fs_uuid = value;
    else if (key == "ID_FS_VERSION") out->id_fs_version = value;
    else if (key == "DM_NAME") out->dm_name = value;
    else if (key == "DM_UUID") out->dm_uuid = value;
    else if (key == "DM_VG_NAME") out->dm_vg_name = value;
    else if (key == "DM_LV_NAME") out->dm_lv_name = value;
    else if (key == "DM_LV_LAYER") out->dm_lv_layer = value;
    else if (key == "ID_ATA") out->id_ata = value;
    else if (key == "ID_ATA_ROTATION_RATE_RPM") {
      out->id_ata_rotation_rate_rpm = value;
      out->has_ata_rotation_rate_rpm = true;
    } else if (key == "ID_ATA_WRITE_CACHE") {
      out->id_ata_write_cache = value;
      out->has_ata_write_cache = true;
    } else if (key == "ID_ATA_WRITE_CACHE_ENABLED") {
      out->id_ata_write_cache_enabled = value;
      out->has_ata_write_cache_enabled = true;
    }
  }
}

}  // namespace edgestat

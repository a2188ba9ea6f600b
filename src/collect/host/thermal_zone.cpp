// node_exporter's thermal_zone collector: node_thermal_zone_temp{type,zone}
// from /sys/class/thermal/thermal_zone*/temp (millidegrees Celsius) and
// node_cooling_device_{cur,max}_state{name,type} from cooling_device*.
#include <cerrno>

#include "collect/host/host.hpp"
#include "collect/host/thermal_zone_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kZoneTemp{"node_thermal_zone_temp", "Zone temperature in Celsius", MetricType::Gauge};
constexpr FamilyDesc kCoolingCur{"node_cooling_device_cur_state", "Current throttle state of the cooling device",
                                 MetricType::Gauge};
constexpr FamilyDesc kCoolingMax{"node_cooling_device_max_state", "Maximum throttle state of the cooling device",
                                 MetricType::Gauge};

// procfs reads attributes with one 128-byte read (util.SysReadFile).
constexpr size_t kAttrBytes = 128;

bool read_entry_attr(std::string_view dir, std::string_view entry, std::string_view attr, char* buf,
                     std::string_view* out) {
  PathBuf p;
  if (!join_path(p, {dir, "/", entry, "/", attr})) return false;
  if (!read_attr(p.c_str(), buf, kAttrBytes, out)) return false;
  *out = thermal_trim(*out);
  return true;
}

}  // namespace

Status collect_thermal_zone(CollectContext& ctx) {
  PathBuf dir;
  if (!join_path(dir, {ctx.config.path.sysfs.view(), "/class/thermal"})) return Status::error("sysfs path too long");
  DirReader d(dir.c_str());
  if (!d.ok()) {
    // node_exporter globs class/thermal/thermal_zone[0-9]*: without the
    // directory there are no zones, and it reports success.
    if (d.error() == ENOENT || d.error() == ENOTDIR) return Status::ok();
    return Status::error("open %s: errno %d", dir.c_str(), d.error());
  }
  std::string_view entry;
  while (d.next(&entry)) {
    std::string_view id;
    char type_buf[kAttrBytes], a_buf[kAttrBytes], b_buf[kAttrBytes];
    std::string_view type, a, b;
    if (thermal_entry_suffix(entry, "thermal_zone", &id)) {
      // A zone whose attributes cannot be read is skipped, the way newer
      // procfs skips zones answering ENODATA/EINVAL/EAGAIN or missing
      // files (node_exporter 1.5 failed the whole collector on them).
      if (!read_entry_attr(dir.view(), entry, "type", type_buf, &type) ||
          !read_entry_attr(dir.view(), entry, "policy", a_buf, &a) ||
          !read_entry_attr(dir.view(), entry, "temp", b_buf, &b))
        continue;
      int64_t millideg = 0;
      if (!thermal_parse_int(b, &millideg))
        return Status::error("%s/%.*s/temp: not an integer", dir.c_str(), static_cast<int>(entry.size()), entry.data());
      Label l[] = {{"type", type}, {"zone", id}};
      ctx.out.add(kZoneTemp, thermal_celsius(millideg), l, 2);
    } else if (thermal_entry_suffix(entry, "cooling_device", &id)) {
      if (!read_entry_attr(dir.view(), entry, "type", type_buf, &type) ||
          !read_entry_attr(dir.view(), entry, "cur_state", a_buf, &a) ||
          !read_entry_attr(dir.view(), entry, "max_state", b_buf, &b))
        continue;
      int64_t cur = 0, max = 0;
      if (!thermal_parse_int(a, &cur) || !thermal_parse_int(b, &max))
        return Status::error("%s/%.*s: state is not an integer", dir.c_str(), static_cast<int>(entry.size()),
                             entry.data());
      Label l[] = {{"name", id}, {"type", type}};
      ctx.out.add(kCoolingCur, static_cast<double>(cur), l, 2);
      ctx.out.add(kCoolingMax, static_cast<double>(max), l, 2);
    }
  }
  if (d.error() != 0) return Status::error("read %s: errno %d", dir.c_str(), d.error());
  return Status::ok();
}

}  // namespace edgestat

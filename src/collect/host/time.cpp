// node_exporter's time collector: node_time_seconds,
// node_time_zone_offset_seconds{time_zone}, and (since node_exporter 1.4)
// node_time_clocksource_available_info{clocksource,device} and
// node_time_clocksource_current_info{clocksource,device} from
// <sysfs>/devices/system/clocksource/clocksource*/.
//
// As in node_exporter (procfs's sysfs.ClockSources over filepath.Glob):
// the device label is the position of the clocksourceN directory in name
// order ("0", "1", "2" for clocksource0, clocksource1, clocksource10), not
// N; a missing or unreadable clocksource directory gives no clocksource
// series and is not an error; a clocksourceN whose files cannot be read
// fails the collector.
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/time_parse.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/sort.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kSeconds{"node_time_seconds", "System time in seconds since epoch (1970).", MetricType::Gauge};
constexpr FamilyDesc kZone{"node_time_zone_offset_seconds", "System time zone offset in seconds.", MetricType::Gauge};
constexpr FamilyDesc kAvailable{"node_time_clocksource_available_info",
                                "Available clocksources read from '/sys/devices/system/clocksource'.",
                                MetricType::Gauge};
constexpr FamilyDesc kCurrent{"node_time_clocksource_current_info",
                              "Current clocksource read from '/sys/devices/system/clocksource'.", MetricType::Gauge};

// Clocksource devices: Linux registers one (clocksource0); more is refused.
constexpr size_t kMaxClocksourceDevices = 16;
// Directory names kept for sorting; sysfs names are "clocksource0".
using DevName = FixedString<32>;
// available_clocksource is a few dozen bytes; node_exporter reads at most
// 128 (procfs's SysReadFile) and would cut a longer one, edgestat reads
// 512 and refuses a longer one.
constexpr size_t kClocksourceFileBytes = 512;

Status collect_clocksources(CollectContext& ctx) {
  PathBuf dir;
  if (!join_path(dir, {ctx.config.path.sysfs.view(), "/devices/system/clocksource"}))
    return Status::error("sysfs path too long");
  DevName names[kMaxClocksourceDevices];
  size_t count = 0;
  {
    DirReader rd(dir.c_str());
    std::string_view name;
    while (rd.next(&name)) {
      if (!is_clocksource_dir(name)) continue;
      if (count == kMaxClocksourceDevices)
        return Status::error("%s: more than %zu clocksource devices", dir.c_str(), kMaxClocksourceDevices);
      if (!names[count].assign(name)) return Status::error("%s: entry name too long", dir.c_str());
      ++count;
    }
  }
  edgestat::sort(names, names + count, [](const DevName& a, const DevName& b) { return a.view() < b.view(); });

  for (size_t i = 0; i < count; ++i) {
    char dev[kIntChars];
    std::string_view device(dev, format_u64(i, dev));

    PathBuf path;
    char avail[kClocksourceFileBytes], cur[kClocksourceFileBytes];
    size_t an = 0, cn = 0;
    if (!join_path(path, {dir.view(), "/", names[i].view(), "/available_clocksource"}))
      return Status::error("sysfs path too long");
    if (Status st = read_file(path.c_str(), avail, sizeof avail, &an); !st) return st;
    std::string_view list[kMaxClocksourceNames];
    size_t nlist = 0;
    if (!parse_clocksource_list(std::string_view(avail, an), list, kMaxClocksourceNames, &nlist))
      return Status::error("%s: more than %zu clocksources", path.c_str(), kMaxClocksourceNames);
    if (!join_path(path, {dir.view(), "/", names[i].view(), "/current_clocksource"}))
      return Status::error("sysfs path too long");
    if (Status st = read_file(path.c_str(), cur, sizeof cur, &cn); !st) return st;

    for (size_t k = 0; k < nlist; ++k) {
      const Label l[] = {{"clocksource", list[k]}, {"device", device}};
      ctx.out.add(kAvailable, 1, l, 2);
    }
    const Label l[] = {{"clocksource", parse_clocksource_current(std::string_view(cur, cn))}, {"device", device}};
    ctx.out.add(kCurrent, 1, l, 2);
  }
  return Status::ok();
}

}  // namespace

Status collect_time(CollectContext& ctx) {
  struct timespec ts;
  if (::clock_gettime(CLOCK_REALTIME, &ts) != 0) return Status::error("clock_gettime: %s", std::strerror(errno));
  ctx.out.add(kSeconds, time_seconds(ts.tv_sec, ts.tv_nsec));

  // Go's time.Now().Zone(): the local zone's abbreviation and offset east of
  // UTC, from TZ or /etc/localtime as the C library reads them.
  struct tm tm;
  time_t sec = ts.tv_sec;
  if (!::localtime_r(&sec, &tm)) return Status::error("localtime_r: %s", std::strerror(errno));
  std::string_view zone = tm.tm_zone ? std::string_view(tm.tm_zone) : std::string_view();
  const Label zl{"time_zone", zone};
  ctx.out.add(kZone, static_cast<double>(tm.tm_gmtoff), &zl, 1);

  return collect_clocksources(ctx);
}

}  // namespace edgestat

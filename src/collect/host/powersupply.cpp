// node_exporter's powersupplyclass collector: every supply under
// /sys/class/power_supply (a Pi's undervoltage-aware supplies, a UPS, a
// laptop battery) as node_power_supply_<attribute>{power_supply} gauges
// and node_power_supply_info{power_supply,<text attributes>} 1. Supplies
// matching collector.powersupply ignored_supplies are left out. No
// power_supply class (VMs, most routers): unsupported here.
#include <dirent.h>

#include <cerrno>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/powersupply_table.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kInfo{"node_power_supply_info", "info of /sys/class/power_supply/<power_supply>.",
                           MetricType::Gauge};
// procfs reads each attribute with one 128-byte read.
constexpr size_t kAttrBytes = 128;

struct Supply {
  bool has[kPowerSupplyNumberCount];
  double value[kPowerSupplyNumberCount];
  char text[kPowerSupplyTextCount][kAttrBytes];
  size_t text_len[kPowerSupplyTextCount];
};
Supply g_supply;  // loop thread only

// Errors procfs skips: the attribute exists but this driver cannot say.
bool skippable(int e) { return e == ENOENT || e == EOPNOTSUPP || e == ENODEV || e == EINVAL || e == ENODATA; }

Status read_supply(const char* dir, Supply& s) {
  std::memset(&s, 0, sizeof s);
  DirReader d(dir);
  if (!d.ok()) return Status::error("open %s: %s", dir, std::strerror(d.error())).with_errno(d.error());
  std::string_view name;
  unsigned char type = 0;
  while (d.next(&name, &type)) {
    if (type != DT_REG && type != DT_UNKNOWN) continue;  // device, power, subsystem, hwmonN
    int num = -1, text = -1;
    for (size_t i = 0; i < kPowerSupplyNumberCount && num < 0; ++i)
      if (kPowerSupplyNumbers[i].file == name) num = static_cast<int>(i);
    for (size_t i = 0; i < kPowerSupplyTextCount && text < 0 && num < 0; ++i)
      if (kPowerSupplyTexts[i] == name) text = static_cast<int>(i);
    if (num < 0 && text < 0) continue;
    PathBuf p;
    if (!join_path(p, {dir, "/", name})) return Status::error("%s: path too long", dir);
    char buf[kAttrBytes];
    size_t n = 0;
    Status st = read_file(p.c_str(), buf, sizeof buf, &n);
    if (!st) {
      if (skippable(st.sys_errno()) || st.sys_errno() == EISDIR) continue;
      return st;
    }
    std::string_view v = trim({buf, n});
    if (num >= 0) {
      // procfs's ValueParser: a value that is not a number is left out.
      auto x = parse_i64(v);
      if (!x) continue;
      s.has[num] = true;
      s.value[num] = static_cast<double>(*x);
    } else {
      std::memcpy(s.text[text], v.data(), v.size());
      s.text_len[text] = v.size();
    }
  }
  if (d.error() != 0) return Status::error("read %s: %s", dir, std::strerror(d.error()));
  return Status::ok();
}

void emit(CollectContext& ctx, std::string_view supply, const Supply& s) {
  Label l{"power_supply", supply};
  for (size_t i = 0; i < kPowerSupplyNumberCount; ++i) {
    if (!s.has[i]) continue;
    const PowerSupplyNumber& n = kPowerSupplyNumbers[i];
    FixedString<96> name, help;
    name.assign("node_power_supply_");
    name.append(n.metric);
    help.assign(n.metric);
    help.append(" value of /sys/class/power_supply/<power_supply>.");
    ctx.out.add_dynamic(name.view(), help.view(), MetricType::Gauge, SampleKind::Plain, 0, s.value[i] / n.divisor,
                        &l, 1);
  }
  // Labels in name order: power_supply goes among the text attributes.
  Label info[kPowerSupplyTextCount + 1];
  size_t k = 0;
  bool placed = false;
  for (size_t i = 0; i < kPowerSupplyTextCount; ++i) {
    if (!placed && kPowerSupplyTexts[i] > l.name) {
      info[k++] = l;
      placed = true;
    }
    if (s.text_len[i] > 0) info[k++] = Label{kPowerSupplyTexts[i], {s.text[i], s.text_len[i]}};
  }
  if (!placed) info[k++] = l;
  ctx.out.add(kInfo, 1, info, k);
}

}  // namespace

Status collect_powersupply(CollectContext& ctx) {
  PathBuf dir;
  if (!join_path(dir, {ctx.config.path.sysfs.view(), "/class/power_supply"})) return Status::error("sysfs path too long");
  DirReader d(dir.c_str());
  if (!d.ok()) return Status::error("open %s: %s", dir.c_str(), std::strerror(d.error())).with_errno(d.error());
  std::string_view entry;
  unsigned char type = 0;
  while (d.next(&entry, &type)) {
    if (type == DT_REG) continue;  // supplies are directories (or links to them)
    if (ctx.config.filters.powersupply_ignored_supplies.match(entry)) continue;
    PathBuf p;
    if (!join_path(p, {dir.view(), "/", entry})) return Status::error("sysfs path too long");
    if (Status st = read_supply(p.c_str(), g_supply); !st) return st;
    emit(ctx, entry, g_supply);
  }
  if (d.error() != 0) return Status::error("read %s: %s", dir.c_str(), std::strerror(d.error()));
  return Status::ok();
}

}  // namespace edgestat

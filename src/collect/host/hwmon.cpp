// node_exporter's hwmon collector (1.12): every /sys/class/hwmon/hwmonN chip,
// its sensor attribute files (temp*, in*, fan*, pwm*, power*, curr*, ...)
// from the hwmonN directory and its device directory, as
// node_hwmon_<type>[_<element>]_<unit>{chip,sensor}, plus
// node_hwmon_chip_names{chip,chip_name} and
// node_hwmon_sensor_label{chip,label,sensor}.
//
// Chips are named as node_exporter 1.12 names them (its PR #3646): from the
// device path, and when two chips share that name (several radios of one
// Wi-Fi card, asus-nb-wmi's two hwmon nodes) the name gets the chip's own
// name file, or its hwmonN, as a suffix, so no two chips ever share a chip
// label and no series is duplicated.
//
// Each directory is listed once (getdents) and each matching attribute
// read once into a fixed per-chip table, which is then sorted by sensor:
// no per-sensor directory scans, no stat() per file (node_exporter issue
// #2242: 22 s a scrape on a Pi).
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/hwmon_parse.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "core/sort.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kChipNames{"node_hwmon_chip_names", "Annotation metric for human-readable chip names",
                                MetricType::Gauge};
constexpr FamilyDesc kSensorLabel{"node_hwmon_sensor_label", "Label for given chip and sensor", MetricType::Gauge};
constexpr FamilyDesc kBeepEnabled{"node_hwmon_beep_enabled", "Hardware beep enabled", MetricType::Gauge};
constexpr FamilyDesc kVrm{"node_hwmon_voltage_regulator_version", "Hardware voltage regulator", MetricType::Gauge};
constexpr FamilyDesc kFreqMhz{"node_hwmon_freq_freq_mhz", "Hardware monitor for GPU frequency in MHz",
                              MetricType::Gauge};
constexpr FamilyDesc kFreqInputMhz{"node_hwmon_freq_input_freq_mhz", "Hardware monitor for GPU frequency in MHz",
                                   MetricType::Gauge};
constexpr FamilyDesc kUpdateInterval{"node_hwmon_update_interval_seconds", "Hardware monitor update interval",
                                     MetricType::Gauge};

// Attribute files kept per chip (hwmonN plus its device directory). The
// busiest Super-I/O drivers (nct6775) expose about 400; overflow fails the
// collector with the chip named, never drops sensors silently.
constexpr size_t kMaxHwmonAttrs = 1024;
// Longest element name kept ("auto_point1_temp_hyst" is 21 bytes); a file
// with a longer one is not a sensor attribute any driver writes, and is
// skipped.
constexpr size_t kMaxHwmonProperty = 47;
// Bytes of attribute values per chip; overflow fails like kMaxHwmonAttrs.
constexpr size_t kHwmonPoolBytes = 16384;
// node_exporter reads each attribute with a single 128-byte read().
constexpr size_t kAttrBytes = 128;

struct Attr {
  int64_t num;
  uint32_t seq;  // read order: a later file for the same attribute wins
  uint16_t val_off;
  uint8_t val_len;
  uint8_t type;
  uint8_t prop_len;
  char prop[kMaxHwmonProperty];
  std::string_view property() const { return {prop, prop_len}; }
};

struct ChipTable {
  Attr attrs[kMaxHwmonAttrs];
  uint32_t n = 0;
  char pool[kHwmonPoolBytes];
  uint32_t npool = 0;
  std::string_view value(const Attr& a) const { return {pool + a.val_off, a.val_len}; }
};

// One chip at a time, loop thread only; static so that a 80 KiB table is
// not on the stack of a small-stack platform.
ChipTable g_chip;

// Chips per host: a desktop has a dozen, a Wi-Fi 7 router a few per radio.
// More fails the collector, naming the limit.
constexpr size_t kMaxHwmonChips = 128;
struct HwmonChip {
  FixedString<64> entry;     // hwmonN
  FixedString<128> base;     // the device-derived name
  char name_raw[128];        // the name attribute as read
  size_t name_raw_len;
};
struct HwmonChips {
  HwmonChip chips[kMaxHwmonChips];
  uint32_t n = 0;
};
HwmonChips g_chips;

Status read_sensor_dir(const char* dir, ChipTable& t) {
  DirReader r(dir);
  if (!r.ok()) return Status::error("open %s: %s", dir, std::strerror(r.error()));
  std::string_view name;
  while (r.next(&name)) {
    HwmonFileName f;
    if (!hwmon_split_filename(name, &f)) continue;
    int type = hwmon_sensor_type_index(f.type);
    if (type < 0 || f.property.size() > kMaxHwmonProperty) continue;
    PathBuf p;
    if (!join_path(p, {dir, "/", name})) continue;
    char buf[kAttrBytes];
    size_t len = 0;
    // Unreadable attributes (EAGAIN from broken drivers, directories such
    // as device/power) are skipped, as node_exporter does.
    if (!read_file(p.c_str(), buf, sizeof buf, &len)) continue;
    std::string_view v = hwmon_trim_newlines({buf, len});
    if (t.n == kMaxHwmonAttrs || v.size() > kHwmonPoolBytes - t.npool)
      return Status::error("%s: more than %zu sensor attributes", dir, kMaxHwmonAttrs);
    Attr& a = t.attrs[t.n];
    a.num = f.num;
    a.seq = t.n++;
    a.type = static_cast<uint8_t>(type);
    a.prop_len = static_cast<uint8_t>(f.property.size());
    if (!f.property.empty()) std::memcpy(a.prop, f.property.data(), f.property.size());
    a.val_off = static_cast<uint16_t>(t.npool);
    a.val_len = static_cast<uint8_t>(v.size());
    if (!v.empty()) std::memcpy(t.pool + t.npool, v.data(), v.size());
    t.npool += static_cast<uint32_t>(v.size());
  }
  if (r.error() != 0) return Status::error("read %s: %s", dir, std::strerror(r.error()));
  return Status::ok();
}

bool chip_ignored(const Config& c, std::string_view chip) {
  const auto& inc = c.filters.hwmon_chip_include;
  const auto& exc = c.filters.hwmon_chip_exclude;
  return (!exc.source.empty() && exc.match(chip)) || (!inc.source.empty() && !inc.match(chip));
}

// hwmonName(): the resolved device path, else the name file, else the
// resolved hwmonN directory's own name.
bool chip_name(const char* dir, std::string_view name_file, bool have_name_file, FixedString<128>* chip) {
  PathBuf link;
  char resolved[PATH_MAX];
  if (join_path(link, {dir, "/device"}) && ::realpath(link.c_str(), resolved) &&
      hwmon_chip_from_device_path(resolved, chip))
    return true;
  char clean[128];
  if (have_name_file) {
    size_t n = hwmon_clean_name(name_file, clean, sizeof clean);
    if (n != SIZE_MAX && n != 0) return chip->assign({clean, n});
  }
  if (!::realpath(dir, resolved)) return false;
  size_t n = hwmon_clean_name(hwmon_path_base(resolved), clean, sizeof clean);
  return n != SIZE_MAX && n != 0 && chip->assign({clean, n});
}

void emit_sensor(CollectContext& ctx, std::string_view chip, const ChipTable& t, uint32_t b, uint32_t e) {
  const Attr& first = t.attrs[b];
  std::string_view type = kHwmonSensorTypes[first.type];
  char num[24];
  size_t nlen = format_i64(first.num, num);
  FixedString<48> sensor;
  sensor.assign(type);
  sensor.append({num, nlen});
  Label l[] = {{"chip", chip}, {"sensor", sensor.view()}};

  // The attributes are sorted by element then read order; the last of a
  // run of equal elements is the one node_exporter's map keeps.
  auto last_of = [&t, e](uint32_t i) { return i + 1 == e || t.attrs[i + 1].property() != t.attrs[i].property(); };
  bool has_bare = false;
  std::string_view bare;
  for (uint32_t i = b; i < e; ++i) {
    if (!last_of(i)) continue;
    const Attr& a = t.attrs[i];
    if (a.property().empty()) {
      has_bare = true;
      bare = t.value(a);
    }
    if (a.property() == "label") {
      Label sl[] = {{"chip", chip}, {"label", t.value(a)}, {"sensor", sensor.view()}};
      ctx.out.add(kSensorLabel, 1, sl, 3);
    }
  }
  double v = 0;
  if (type == "beep_enable") {
    ctx.out.add(kBeepEnabled, bare == "1" ? 1 : 0, l, 2);
    return;
  }
  if (type == "vrm") {
    if (hwmon_parse_value(bare, &v)) ctx.out.add(kVrm, v, l, 2);
    return;
  }
  if (type == "update_interval") {
    if (hwmon_parse_value(bare, &v)) ctx.out.add(kUpdateInterval, v * 0.001, l, 2);
    return;
  }
  for (uint32_t i = b; i < e; ++i) {
    if (!last_of(i)) continue;
    const Attr& a = t.attrs[i];
    if (a.property() == "label" || !hwmon_parse_value(t.value(a), &v)) continue;
    if (type == "freq" && a.property() == "input") {
      // GPU clocks (amdgpu's freq1_input "sclk"): labelled by the cleaned
      // label instead of the sensor, in MHz; no label, no metric.
      std::string_view label;
      bool has_label = false;
      for (uint32_t j = b; j < e; ++j)
        if (last_of(j) && t.attrs[j].property() == "label") label = t.value(t.attrs[j]), has_label = true;
      char clean[128];
      size_t cn = has_label ? hwmon_clean_name(label, clean, sizeof clean) : SIZE_MAX;
      if (cn == SIZE_MAX) continue;
      Label fl[] = {{"chip", chip}, {"sensor", {clean, cn}}};
      ctx.out.add(has_bare ? kFreqInputMhz : kFreqMhz, v / 1000000.0, fl, 2);
      continue;
    }
    HwmonMetric m;
    if (!hwmon_metric_for(type, a.property(), has_bare, &m)) continue;
    ctx.out.add_dynamic(m.name.view(), m.help.view(), m.type, SampleKind::Plain, 0, v * m.mul / m.div, l, 2);
  }
}

// name_file is the chip's name attribute as read (empty when absent).
Status update_chip(CollectContext& ctx, const char* dir, std::string_view chip, std::string_view name_file) {
  PathBuf dev;
  if (!join_path(dev, {dir, "/device"})) return Status::error("%s: path too long", dir);
  bool have_name = !name_file.empty();

  ChipTable& t = g_chip;
  t.n = t.npool = 0;
  if (Status st = read_sensor_dir(dir, t); !st) return st;
  struct stat sb;
  if (::stat(dev.c_str(), &sb) == 0) {
    if (Status st = read_sensor_dir(dev.c_str(), t); !st) return st;
  }

  if (have_name) {
    char clean[128];
    size_t n = hwmon_clean_name(name_file, clean, sizeof clean);
    if (n != SIZE_MAX && n != 0) {
      Label l[] = {{"chip", chip}, {"chip_name", {clean, n}}};
      ctx.out.add(kChipNames, 1, l, 2);
    }
  }

  edgestat::sort(t.attrs, t.attrs + t.n, [](const Attr& a, const Attr& b) {
    if (a.type != b.type) return a.type < b.type;
    if (a.num != b.num) return a.num < b.num;
    if (a.property() != b.property()) return a.property() < b.property();
    return a.seq < b.seq;
  });
  for (uint32_t b = 0; b < t.n;) {
    uint32_t e = b;
    while (e < t.n && t.attrs[e].type == t.attrs[b].type && t.attrs[e].num == t.attrs[b].num) ++e;
    emit_sensor(ctx, chip, t, b, e);
    b = e;
  }
  return Status::ok();
}

}  // namespace

Status collect_hwmon(CollectContext& ctx) {
  PathBuf dir;
  if (!join_path(dir, {ctx.config.path.sysfs.view(), "/class/hwmon"})) return Status::error("sysfs path too long");
  DirReader d(dir.c_str());
  if (!d.ok()) return Status::error("open %s: %s", dir.c_str(), std::strerror(d.error())).with_errno(d.error());
  // Pass 1: every chip directory with its device-derived name and its name
  // file, so that pass 2 can tell which names collide.
  HwmonChips& c = g_chips;
  c.n = 0;
  Status last = Status::ok();
  std::string_view entry;
  while (d.next(&entry)) {
    PathBuf chip_dir;
    if (!join_path(chip_dir, {dir.view(), "/", entry})) {
      last = Status::error("%s/%.*s: path too long", dir.c_str(), static_cast<int>(entry.size()), entry.data());
      continue;
    }
    struct stat sb;
    if (::lstat(chip_dir.c_str(), &sb) != 0) continue;
    if (S_ISLNK(sb.st_mode) && ::stat(chip_dir.c_str(), &sb) != 0) continue;
    if (!S_ISDIR(sb.st_mode)) continue;
    if (c.n == kMaxHwmonChips) return Status::error("%s: more than %zu chips", dir.c_str(), kMaxHwmonChips);
    HwmonChip& h = c.chips[c.n];
    PathBuf name_path;
    size_t name_len = 0;
    if (!h.entry.assign(entry) || !join_path(name_path, {chip_dir.view(), "/name"})) continue;
    if (!read_file(name_path.c_str(), h.name_raw, sizeof h.name_raw, &name_len)) name_len = 0;
    h.name_raw_len = name_len;
    // A chip whose name cannot be derived is skipped, as node_exporter does.
    if (!chip_name(chip_dir.c_str(), {h.name_raw, name_len}, name_len > 0, &h.base)) continue;
    ++c.n;
  }
  if (d.error() != 0) return Status::error("read %s: %s", dir.c_str(), std::strerror(d.error()));
  // Pass 2: a unique chip label for each, then the filter, then its sensors.
  for (uint32_t i = 0; i < c.n; ++i) {
    const HwmonChip& h = c.chips[i];
    std::string_view name_trimmed = trim({h.name_raw, h.name_raw_len});
    uint32_t same_base = 0, same_name = 0;
    for (uint32_t j = 0; j < c.n; ++j) {
      if (c.chips[j].base.view() != h.base.view()) continue;
      ++same_base;
      if (trim({c.chips[j].name_raw, c.chips[j].name_raw_len}) == name_trimmed) ++same_name;
    }
    FixedString<160> chip;
    chip.assign(h.base.view());
    if (same_base > 1) {
      char suffix[128];
      size_t sn = hwmon_clean_name(name_trimmed, suffix, sizeof suffix);
      if (sn == SIZE_MAX || sn == 0 || same_name > 1) sn = hwmon_clean_name(h.entry.view(), suffix, sizeof suffix);
      if (sn == SIZE_MAX) continue;
      chip.append("_");
      chip.append({suffix, sn});
    }
    if (chip.overflowed() || chip_ignored(ctx.config, chip.view())) continue;
    PathBuf chip_dir;
    if (!join_path(chip_dir, {dir.view(), "/", h.entry.view()})) continue;
    std::string_view name_file = h.name_raw_len > 0 ? std::string_view(h.name_raw, h.name_raw_len) : std::string_view();
    // node_exporter carries on past a failing chip and reports the last
    // error; so does this, once all chips were tried.
    if (Status st = update_chip(ctx, chip_dir.c_str(), chip.view(), name_file); !st) last = st;
  }
  return last;
}

}  // namespace edgestat

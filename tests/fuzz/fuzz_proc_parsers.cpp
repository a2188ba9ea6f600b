// libFuzzer target for every /proc and /sys parser of the host collectors
// (src/collect/host/*_parse.hpp) and the core number parsers under them.
//
// Input: one selector byte, then the file's text. The selector (modulo the
// number of parsers) picks the parser; the text is fed the way the
// collector feeds it (whole file, or line by line). Seeds in
// tests/fuzz/corpus/proc_parsers/ are real fixture files behind their
// selector byte (tests/fuzz/make_seeds.sh writes them).
//
// Invariants checked besides crashes and sanitizer reports: every view a
// parser returns lies inside the text it was given, counts stay within
// their capacities, outputs have the shape the header promises, and a
// second parse of the same text gives the same answer.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "collect/host/conntrack_parse.hpp"
#include "collect/host/diskstats_parse.hpp"
#include "collect/host/filesystem_parse.hpp"
#include "collect/host/hwmon_parse.hpp"
#include "collect/host/meminfo_parse.hpp"
#include "collect/host/netclass_parse.hpp"
#include "collect/host/netdev_parse.hpp"
#include "collect/host/pressure_parse.hpp"
#include "collect/host/proc_stat_parse.hpp"
#include "collect/host/simple_parse.hpp"
#include "collect/host/thermal_zone_parse.hpp"
#include "collect/host/time_parse.hpp"
#include "collect/host/uname_parse.hpp"
#include "collect/host/vmstat_parse.hpp"
#include "core/number.hpp"
#include "core/regex.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;
using fuzz::inside;

namespace {

// Splits "a\0b" into a and b (b empty without a NUL).
void split_nul(std::string_view in, std::string_view* a, std::string_view* b) {
  size_t z = in.find('\0');
  *a = in.substr(0, z);
  *b = z == std::string_view::npos ? std::string_view() : in.substr(z + 1);
}

void cpu_lines(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    unsigned cpu = 0, cpu2 = 0;
    CpuTimes t{}, t2{};
    bool ok = parse_cpu_line(line, &cpu, &t);
    FUZZ_CHECK(ok == parse_cpu_line(line, &cpu2, &t2));
    if (ok) {
      FUZZ_CHECK(cpu == cpu2 && t.columns == t2.columns && t.user == t2.user && t.idle == t2.idle &&
                 t.guest_nice == t2.guest_nice);
      FUZZ_CHECK(t.columns >= 0 && t.columns <= 10);
    }
  });
}

void stat_summary(std::string_view text) {
  StatSummary s, s2;
  bool ok = parse_stat_summary(text, &s);
  FUZZ_CHECK(ok == parse_stat_summary(text, &s2));
  // Field by field: the structs have padding.
  FUZZ_CHECK(s.intr == s2.intr && s.ctxt == s2.ctxt && s.btime == s2.btime && s.processes == s2.processes &&
             s.procs_running == s2.procs_running && s.procs_blocked == s2.procs_blocked);
  FUZZ_CHECK(s.has_intr == s2.has_intr && s.has_btime == s2.has_btime && s.has_blocked == s2.has_blocked);
}

void meminfo(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    MeminfoEntry e{};
    if (!parse_meminfo_line(line, &e)) return;
    FUZZ_CHECK(!e.key.empty() && e.key.size() <= e.key.capacity());
  });
}

void loadavg_filenr(std::string_view text) {
  double l[3] = {};
  (void)parse_loadavg(text, l);
  uint64_t a = 0, m = 0;
  (void)parse_file_nr(text, &a, &m);
}

void diskstats(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    DiskstatsLine d;
    DiskstatsParse r = parse_diskstats_line(line, &d);
    if (r != DiskstatsParse::Ok) return;
    FUZZ_CHECK(d.nstats >= kDiskstatsMinStats && d.nstats <= kDiskstatsMaxStats);
    FUZZ_CHECK(!d.device.empty() && inside(d.device, line));
  });
}

void udev(std::string_view text) {
  UdevInfo u;
  parse_udev_properties(text, &u);
  for (std::string_view v : {u.id_path, u.id_wwn, u.id_model, u.id_revision, u.id_serial_short,
                             u.scsi_ident_serial, u.id_fs_type, u.id_fs_usage, u.id_fs_uuid, u.id_fs_version,
                             u.dm_name, u.dm_uuid, u.dm_vg_name, u.dm_lv_name, u.dm_lv_layer, u.id_ata,
                             u.id_ata_rotation_rate_rpm, u.id_ata_write_cache, u.id_ata_write_cache_enabled,
                             u.serial()}) {
    FUZZ_CHECK(inside(v, text));
    FUZZ_CHECK(v.find('\n') == std::string_view::npos);
  }
}

void netdev(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    NetDevLine d;
    if (parse_netdev_line(line, &d) != NetDevParse::Ok) return;
    FUZZ_CHECK(!d.name.empty() && inside(d.name, line));
  });
}

void netclass(std::string_view text) {
  auto v = parse_sysfs_int(text);
  FUZZ_CHECK(v == parse_sysfs_int(text));
  if (v) {
    // node_exporter 1.12: a negative speed is exported (scaled) unless
    // ignore_invalid drops it.
    auto b = speed_bytes(*v, true);
    if (*v < 0) FUZZ_CHECK(!b);
    if (b) FUZZ_CHECK(*b >= 0);
    auto kept = speed_bytes(*v, false);
    FUZZ_CHECK(kept && (*v < 0) == (*kept < 0));
  }
}

Regex* fs_regex(int which) {
  static Regex mp, fs;
  static bool compiled = false;
  if (!compiled) {
    compiled = true;
    FUZZ_CHECK(mp.compile("^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
                          nullptr, 0));
    FUZZ_CHECK(fs.compile("^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
                          "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|"
                          "squashfs|erofs|sysfs|tracefs)$",
                          nullptr, 0));
  }
  return which == 0 ? &mp : &fs;
}

void mountinfo(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    MountInfo m;
    if (parse_mountinfo_line(line, &m) != MountInfoParse::Ok) return;
    for (std::string_view v : {m.mount_point, m.mount_options, m.fstype, m.source, m.super_options})
      FUZZ_CHECK(inside(v, line));
    static char buf[kMaxMountPoint];
    size_t len = 0;
    if (unescape_octal(m.mount_point, buf, sizeof buf, &len)) {
      FUZZ_CHECK(len <= m.mount_point.size() && len <= sizeof buf);
    }
    // A small buffer: refusal, never an overflow.
    char small[8];
    size_t slen = 0;
    if (unescape_octal(m.mount_point, small, sizeof small, &slen)) FUZZ_CHECK(slen <= sizeof small);
    (void)mount_readonly(m);
    for (std::string_view rootfs : {std::string_view("/"), std::string_view("/host"), std::string_view("/host/"),
                                    std::string_view(""), m.source}) {
      std::string_view s = strip_rootfs(m.mount_point, rootfs);
      FUZZ_CHECK(inside(s, m.mount_point) || s == "/");
      FUZZ_CHECK(s.size() <= m.mount_point.size() || s == "/");
    }
    (void)filesystem_reported(m.mount_point, m.fstype, fs_regex(0), fs_regex(1));
    (void)filesystem_reported(m.mount_point, m.fstype, nullptr, nullptr);
    FUZZ_CHECK(mount_key_hash(m.source, m.mount_point, m.fstype) ==
               mount_key_hash(m.source, m.mount_point, m.fstype));
  });
}

void psi(std::string_view text) {
  PsiTotals a, b;
  bool ok = parse_psi(text, &a);
  FUZZ_CHECK(ok == parse_psi(text, &b));
  if (ok) {
    FUZZ_CHECK(a.has_some == b.has_some && a.has_full == b.has_full);
    FUZZ_CHECK(a.some_total == b.some_total && a.full_total == b.full_total);
    FUZZ_CHECK(psi_seconds(a.some_total) >= 0);
  }
}

void vmstat(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    std::string_view name;
    double value = 0;
    if (parse_vmstat_line(line, &name, &value) != VmstatLine::Field) return;
    FUZZ_CHECK(!name.empty() && inside(name, line));
  });
}

void conntrack(std::string_view text) {
  ConntrackStat a, b;
  bool ok = parse_conntrack_stat(text, &a);
  FUZZ_CHECK(ok == parse_conntrack_stat(text, &b));
  if (ok) {
    FUZZ_CHECK(a.cpus == b.cpus && a.found == b.found && a.invalid == b.invalid && a.insert == b.insert &&
               a.drop == b.drop && a.early_drop == b.early_drop && a.search_restart == b.search_restart);
  }
}

void clocksource(std::string_view text) {
  (void)is_clocksource_dir(text);
  std::string_view names[kMaxClocksourceNames];
  size_t n = 0;
  if (parse_clocksource_list(text, names, kMaxClocksourceNames, &n)) {
    FUZZ_CHECK(n <= kMaxClocksourceNames);
    for (size_t i = 0; i < n; ++i) {
      FUZZ_CHECK(!names[i].empty() && inside(names[i], text));
      for (size_t j = 0; j < i; ++j) FUZZ_CHECK(names[i] != names[j]);
    }
  }
  std::string_view few[2];
  size_t nf = 0;
  if (parse_clocksource_list(text, few, 2, &nf)) FUZZ_CHECK(nf <= 2);
  std::string_view cur = parse_clocksource_current(text);
  FUZZ_CHECK(inside(cur, text));
}

void uname(std::string_view text) {
  std::string_view v;
  if (parse_uts_value(text, &v)) {
    FUZZ_CHECK(inside(v, text) && v.size() <= kUtsFieldMax);
    FUZZ_CHECK(v.find('\0') == std::string_view::npos);
  }
  // uts_field over a fixed array, as uname(2) fills it (maybe unterminated).
  char field[kUtsFieldMax + 1];
  size_t n = text.size() < sizeof field ? text.size() : sizeof field;
  std::memcpy(field, text.data(), n);
  std::string_view f = uts_field(field, n);
  FUZZ_CHECK(f.size() <= n);
}

void thermal(std::string_view text) {
  std::string_view entry, prefix;
  split_nul(text, &entry, &prefix);
  std::string_view suffix;
  for (std::string_view p : {std::string_view("thermal_zone"), std::string_view("cooling_device"), prefix}) {
    if (thermal_entry_suffix(entry, p, &suffix)) {
      FUZZ_CHECK(inside(suffix, entry) && entry.size() == p.size() + suffix.size());
    }
  }
  FUZZ_CHECK(inside(thermal_trim(text), text));
  int64_t v = 0;
  (void)thermal_parse_int(text, &v);
}

void hwmon(std::string_view text) {
  std::string_view name, value;
  split_nul(text, &name, &value);
  HwmonFileName f;
  if (hwmon_split_filename(name, &f)) {
    FUZZ_CHECK(inside(f.type, name) && inside(f.property, name));
    FUZZ_CHECK(!f.type.empty() && f.num >= 0);
    int idx = hwmon_sensor_type_index(f.type);
    FUZZ_CHECK(idx >= -1 && idx < static_cast<int>(kHwmonSensorTypeCount));
    if (idx >= 3) {
      static HwmonMetric m;
      for (bool bare : {false, true}) {
        if (hwmon_metric_for(f.type, f.property, bare, &m)) {
          FUZZ_CHECK(!m.name.empty() && m.name.size() <= m.name.capacity());
          FUZZ_CHECK(m.div != 0);
        }
      }
    }
  }
  char clean[64];
  size_t n = hwmon_clean_name(name, clean, sizeof clean);
  if (n != SIZE_MAX) {
    FUZZ_CHECK(n <= sizeof clean);
    for (size_t i = 0; i < n; ++i) {
      char c = clean[i];
      FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '_');
    }
    if (n > 0) FUZZ_CHECK(clean[0] != '_' && clean[n - 1] != '_');
  }
  FixedString<128> chip;
  if (hwmon_chip_from_device_path(name, &chip)) FUZZ_CHECK(!chip.empty());
  FUZZ_CHECK(inside(hwmon_path_base(name), name));
  std::string_view t = hwmon_trim_newlines(value);
  FUZZ_CHECK(inside(t, value));
  double d = 0;
  (void)hwmon_parse_value(t, &d);
}

void numbers(std::string_view text) {
  char buf[kDoubleChars + kIntChars];
  if (auto u = parse_u64(text)) {
    size_t n = format_u64(*u, buf);
    FUZZ_CHECK(n <= kIntChars && parse_u64(std::string_view(buf, n)) == u);
  }
  if (auto i = parse_i64(text)) {
    size_t n = format_i64(*i, buf);
    FUZZ_CHECK(n <= kIntChars && parse_i64(std::string_view(buf, n)) == i);
  }
  if (auto d = parse_double(text)) {
    size_t n = format_double(*d, buf);
    FUZZ_CHECK(n > 0 && n <= kDoubleChars);
    auto back = parse_double(std::string_view(buf, n));
    FUZZ_CHECK(back.has_value());
    // Shortest round-trip formatting: the same double comes back.
    FUZZ_CHECK(std::isnan(*d) ? std::isnan(*back) : std::memcmp(&*back, &*d, sizeof(double)) == 0 || *back == *d);
  }
  // And formatting of the raw bytes as a double, whatever they hold.
  if (text.size() >= sizeof(double)) {
    double raw;
    std::memcpy(&raw, text.data(), sizeof raw);
    size_t n = format_double(raw, buf);
    FUZZ_CHECK(n > 0 && n <= kDoubleChars);
    auto back = parse_double(std::string_view(buf, n));
    FUZZ_CHECK(back.has_value() && (std::isnan(raw) ? std::isnan(*back) : *back == raw));
  }
}

using Parser = void (*)(std::string_view);
// The selector byte's meaning; append only, so seeds keep their parser.
constexpr Parser kParsers[] = {
    cpu_lines,  // 0  /proc/stat cpuN lines
    stat_summary,  // 1  /proc/stat
    meminfo,       // 2  /proc/meminfo
    loadavg_filenr,  // 3  /proc/loadavg, /proc/sys/fs/file-nr
    diskstats,     // 4  /proc/diskstats
    udev,          // 5  /run/udev/data/b*
    netdev,        // 6  /proc/net/dev
    netclass,      // 7  /sys/class/net/*/<attr>
    mountinfo,     // 8  /proc/*/mountinfo
    psi,           // 9  /proc/pressure/*
    vmstat,        // 10 /proc/vmstat
    conntrack,     // 11 /proc/net/stat/nf_conntrack
    clocksource,   // 12 clocksource files and dir names
    uname,         // 13 /proc/sys/kernel/{ostype,...}
    thermal,       // 14 thermal_zone entry NUL attribute
    hwmon,         // 15 hwmon file name NUL value
    numbers,       // 16 core/number
};
constexpr size_t kNumParsers = sizeof kParsers / sizeof kParsers[0];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1u << 20)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  kParsers[data[0] % kNumParsers](text);
  return 0;
}

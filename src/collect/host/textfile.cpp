// node_exporter's textfile collector (1.5): every *.prom file in the
// configured directories, parsed as the text format and exported as is,
// plus node_textfile_mtime_seconds{file} for each file read and
// node_textfile_scrape_error.
//
// A file is all or nothing: one that fails to parse, carries timestamps,
// or declares a family whose type differs from one already in the snapshot
// is skipped whole and sets node_textfile_scrape_error to 1. Families
// without HELP get node_exporter's "Metric read from <files>", which names
// every file that has the family, so the files are parsed in two passes
// (names first, samples second); the one file still in the parse tables
// after the first pass is not parsed again.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/textfile_parse.hpp"
#include "config/config.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "core/scan.hpp"
#include "core/sort.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kMtime{"node_textfile_mtime_seconds", "Unixtime mtime of textfiles successfully read.",
                            MetricType::Gauge};
constexpr FamilyDesc kScrapeError{"node_textfile_scrape_error",
                                  "1 if there was an error opening or reading a file, 0 otherwise", MetricType::Gauge};

// *.prom files over all directories in one collection (a bit per file in
// the family table below). Overflow: the extra files are not read and
// node_textfile_scrape_error is 1.
constexpr size_t kMaxTextfileFiles = 64;
// Bytes of those files' names. Overflow: as kMaxTextfileFiles.
constexpr size_t kTextfileNameBytes = 8192;
// Distinct family names over all files, for the default HELP. Overflow:
// the file that does not fit is refused (scrape error).
constexpr size_t kMaxTextfileFamilyNames = 512;

struct FileEntry {
  uint16_t dir;
  uint16_t name_off;
  uint16_t name_len;
  bool parsed;  // first pass accepted it
};

struct FamilyFiles {
  uint64_t hash;
  uint64_t mask;       // bit i: files[i] has the family
  uint64_t help_hash;  // HELP of the first file that added samples
  bool added;
};

// Series added from textfiles in one collection, for client_golang's
// "collected before with the same name and label values" rule across
// files (within a file the parser already drops duplicates). Open
// addressing on 64-bit hashes, at most half full. Overflow: the file that
// does not fit is refused (scrape error).
constexpr size_t kTextfileSeriesSlots = 4096;
constexpr size_t kMaxTextfileSeriesTotal = kTextfileSeriesSlots / 2;

struct TextfileState {
  FileEntry files[kMaxTextfileFiles];
  uint32_t nfiles = 0;
  char names[kTextfileNameBytes];
  uint32_t nnames = 0;
  FamilyFiles fams[kMaxTextfileFamilyNames];
  uint32_t nfams = 0;
  // "Metric read from " and every file's path, comma-separated.
  char help[32 + kMaxTextfileFiles * (kMaxPath + 2)];
  TextfileParse parse;
  uint64_t series_set[kTextfileSeriesSlots];
  uint16_t series_slots[kMaxTextfileSeriesTotal];  // in insertion order
  uint32_t nseries_set = 0;
  // Failures of the previous collection, so a file that keeps failing is
  // logged at warn once and at debug afterwards.
  uint64_t failed[kMaxTextfileFiles + 2];
  uint32_t nfailed = 0;
  uint64_t prev_failed[kMaxTextfileFiles + 2];
  uint32_t nprev_failed = 0;
};

// Loop thread only. Static rather than on the stack: the parse tables are
// about 250 KiB, and only the pages a file actually fills become resident.
TextfileState g_tf;

class Run {
 public:
  explicit Run(CollectContext& ctx) : ctx_(ctx), s_(g_tf) {}

  Status collect() {
    s_.nfiles = s_.nnames = s_.nfams = 0;
    s_.nfailed = 0;
    unwind_series(0);
    const ConfigList& dirs = ctx_.config.filters.textfile_directory;
    for (size_t d = 0; d < dirs.size(); ++d) list_dir(d);

    int resident = -1;  // file whose parse is still in the tables
    // A failed read or parse overwrites the tables too.
    for (uint32_t i = 0; i < s_.nfiles; ++i) resident = first_pass(i) ? static_cast<int>(i) : -1;
    bool reparsed = false;
    for (uint32_t i = 0; i < s_.nfiles; ++i) {
      if (!s_.files[i].parsed) continue;
      bool reuse = !reparsed && static_cast<int>(i) == resident;
      if (!reuse) reparsed = true;
      second_pass(i, reuse);
    }

    std::memcpy(s_.prev_failed, s_.failed, s_.nfailed * sizeof s_.failed[0]);
    s_.nprev_failed = s_.nfailed;
    ctx_.out.add(kScrapeError, errored_ ? 1 : 0);
    return Status::ok();
  }

 private:
  std::string_view dir_path(size_t d) const {
    std::string_view v = ctx_.config.filters.textfile_directory[d].view();
    while (v.size() > 1 && v.back() == '/') v.remove_suffix(1);
    return v;
  }
  std::string_view file_name(const FileEntry& f) const { return {s_.names + f.name_off, f.name_len}; }

  // filepath.Join(dir, name) for the usual absolute or relative dir.
  bool file_path(const FileEntry& f, PathBuf* p) const {
    std::string_view d = dir_path(f.dir);
    return join_path(*p, {d, d == "/" ? "" : "/", file_name(f)});
  }

  void fail(std::string_view what, std::string_view path, std::string_view why) {
    errored_ = true;
    uint64_t h = fnv1a64_next(fnv1a64(path), why);
    bool known = false;
    for (uint32_t i = 0; i < s_.nprev_failed && !known; ++i) known = s_.prev_failed[i] == h;
    if (s_.nfailed < sizeof s_.failed / sizeof s_.failed[0]) s_.failed[s_.nfailed++] = h;
    if (known) {
      log_debug(what, {{"path", path}, {"err", why}});
    } else {
      log_warn(what, {{"path", path}, {"err", why}});
    }
  }

  void list_dir(size_t d) {
    std::string_view dv = ctx_.config.filters.textfile_directory[d].view();
    // node_exporter ignores an empty directory setting without error.
    if (dv.empty()) return;
    DirReader r(ctx_.config.filters.textfile_directory[d].c_str());
    if (!r.ok()) {
      fail("failed to read textfile collector directory", dv, std::strerror(r.error()));
      return;
    }
    uint32_t first = s_.nfiles;
    std::string_view name;
    while (r.next(&name)) {
      if (!ends_with(name, ".prom")) continue;
      if (s_.nfiles == kMaxTextfileFiles || name.size() > kTextfileNameBytes - s_.nnames) {
        fail("too many textfiles", dv, "more than 64 .prom files; the rest are not read");
        continue;
      }
      FileEntry& f = s_.files[s_.nfiles++];
      f = FileEntry{static_cast<uint16_t>(d), static_cast<uint16_t>(s_.nnames), static_cast<uint16_t>(name.size()),
                    false};
      std::memcpy(s_.names + s_.nnames, name.data(), name.size());
      s_.nnames += static_cast<uint32_t>(name.size());
    }
    if (r.error() != 0) fail("failed to read textfile collector directory", dv, std::strerror(r.error()));
    // os.ReadDir order: by name.
    const TextfileState& s = s_;
    edgestat::sort(s_.files + first, s_.files + s_.nfiles, [&s](const FileEntry& a, const FileEntry& b) {
      return std::string_view(s.names + a.name_off, a.name_len) < std::string_view(s.names + b.name_off, b.name_len);
    });
  }

  bool read_and_parse(const PathBuf& path) {
    size_t n = 0;
    if (Status st = read_file(path.c_str(), ctx_.scratch, ctx_.scratch_cap, &n); !st) {
      // expfmt 0.37 takes a read error at the start of a line for the end
      // of input, so node_exporter 1.5 reads a directory named *.prom as
      // an empty file.
      struct stat sb;
      if (::stat(path.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fail("failed to collect textfile data", path.view(), st.message());
        return false;
      }
      n = 0;
    }
    if (!parse_textfile(ctx_.scratch, n, &s_.parse)) {
      char why[96];
      std::snprintf(why, sizeof why, "line %u: %.*s", s_.parse.error_line,
                    static_cast<int>(textfile_error_text(s_.parse.error).size()),
                    textfile_error_text(s_.parse.error).data());
      fail("failed to collect textfile data", path.view(), why);
      return false;
    }
    return true;
  }

  FamilyFiles* family_files(std::string_view name, bool insert) {
    uint64_t h = fnv1a64(name);
    for (uint32_t i = 0; i < s_.nfams; ++i)
      if (s_.fams[i].hash == h) return &s_.fams[i];
    if (!insert || s_.nfams == kMaxTextfileFamilyNames) return nullptr;
    s_.fams[s_.nfams] = FamilyFiles{h, 0, 0, false};
    return &s_.fams[s_.nfams++];
  }

  bool first_pass(uint32_t i) {
    FileEntry& f = s_.files[i];
    PathBuf path;
    if (!file_path(f, &path)) {
      fail("failed to collect textfile data", file_name(f), "path too long");
      return false;
    }
    if (!read_and_parse(path)) return false;
    const TextfileParse& p = s_.parse;
    for (uint32_t k = 0; k < p.nfamilies; ++k) {
      if (p.families[k].nseries == 0) continue;
      FamilyFiles* ff = family_files(p.families[k].name, true);
      if (!ff) {
        fail("failed to collect textfile data", path.view(), "more than 512 metric families over all textfiles");
        return false;
      }
      ff->mask |= uint64_t{1} << i;
    }
    f.parsed = true;
    return true;
  }

  std::string_view default_help(std::string_view family) {
    FamilyFiles* ff = family_files(family, false);
    size_t n = 0;
    auto put = [this, &n](std::string_view s) {
      size_t k = std::min(s.size(), sizeof s_.help - n);
      std::memcpy(s_.help + n, s.data(), k);
      n += k;
    };
    put("Metric read from ");
    bool first = true;
    for (uint32_t i = 0; ff && i < s_.nfiles; ++i) {
      if (!((ff->mask >> i) & 1)) continue;
      PathBuf p;
      if (!file_path(s_.files[i], &p)) continue;
      if (!first) put(", ");
      put(p.view());
      first = false;
    }
    return {s_.help, n};
  }

  void second_pass(uint32_t i, bool reuse) {
    const FileEntry& f = s_.files[i];
    PathBuf path;
    if (!file_path(f, &path)) return;
    if (!reuse && !read_and_parse(path)) return;
    // node_exporter stats the file only after it parsed, so that a broken
    // file does not look fresh.
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) {
      fail("failed to collect textfile data", path.view(), std::strerror(errno));
      return;
    }
    const TextfileParse& p = s_.parse;
    for (uint32_t k = 0; k < p.nfamilies; ++k) {
      const TextfileFamily& fam = p.families[k];
      MetricType t;
      if (fam.nseries > 0 && ctx_.out.family_type(fam.name, &t) && t != fam.type) {
        char why[128];
        std::snprintf(why, sizeof why, "metric %.*s has a different type than an existing family of that name",
                      static_cast<int>(std::min<size_t>(fam.name.size(), 64)), fam.name.data());
        fail("failed to collect textfile data", path.view(), why);
        return;
      }
    }
    uint32_t mark = ctx_.out.mark();
    uint32_t series_mark = s_.nseries_set;
    bool ok = true;
    for (uint32_t k = 0; k < p.nfamilies && ok; ++k) ok = add_family(k);
    if (ok) {
      Label l{"file", path.view()};
      ok = ctx_.out.add(kMtime, static_cast<double>(sb.st_mtim.tv_sec), &l, 1);
    }
    if (!ok) {
      ctx_.out.rollback(mark);
      unwind_series(series_mark);
      fail("failed to collect textfile data", path.view(),
           "snapshot full (raise limits.max_samples or limits.snapshot_arena_bytes) or more than 2048 textfile series");
    }
  }

  // Inserts h; false if it was there already.
  bool insert_series(uint64_t h, bool* full) {
    if (h == 0) h = 1;  // 0 marks an empty slot
    size_t i = h & (kTextfileSeriesSlots - 1);
    for (; s_.series_set[i] != 0; i = (i + 1) & (kTextfileSeriesSlots - 1))
      if (s_.series_set[i] == h) return false;
    if (s_.nseries_set == kMaxTextfileSeriesTotal) {
      *full = true;
      return false;
    }
    s_.series_set[i] = h;
    s_.series_slots[s_.nseries_set++] = static_cast<uint16_t>(i);
    return true;
  }
  // Removes the entries inserted after the first `keep`, newest first,
  // which restores the table exactly (linear probing).
  void unwind_series(uint32_t keep) {
    while (s_.nseries_set > keep) s_.series_set[s_.series_slots[--s_.nseries_set]] = 0;
  }

  bool add_family(uint32_t k) {
    const TextfileParse& p = s_.parse;
    const TextfileFamily& fam = p.families[k];
    if (fam.nseries == 0) return true;
    std::string_view help = fam.has_help ? fam.help : default_help(fam.name);
    // A family another textfile already exported with a different HELP is
    // refused by client_golang's Gather; node_exporter still counts the
    // file as read.
    FamilyFiles* ff = family_files(fam.name, false);
    uint64_t hh = fnv1a64(help);
    if (ff && ff->added && ff->help_hash != hh) {
      log_debug("textfile metric family dropped: HELP differs from an earlier file", {{"metric", fam.name}});
      return true;
    }
    if (ff) {
      ff->added = true;
      ff->help_hash = hh;
    }
    Label lab[kMaxTextfileLabelNames];
    const std::string_view* names = p.label_names + fam.names_begin;
    size_t n = fam.names_count;
    // A series another collector already added (node_cpu_seconds_total
    // from a file) is refused by the snapshot and counted there; the
    // rest of the file still counts, as with client_golang's
    // ContinueOnError. Only lack of room stops the file.
    auto add = [&](SampleKind kind, double bound, double v) {
      uint64_t dups = ctx_.out.duplicates();
      return ctx_.out.add_dynamic(fam.name, help, fam.type, kind, bound, v, lab, n) ||
             ctx_.out.duplicates() != dups;
    };
    for (uint32_t si = 0; si < p.nseries; ++si) {
      const TextfileSeries& s = p.series[si];
      if (s.family != k || s.dropped) continue;
      uint64_t h = fnv1a64(fam.name);
      for (size_t j = 0; j < n; ++j) {
        lab[j] = Label{names[j], p.series_label(s, names[j])};
        h = fnv1a64_next(fnv1a64_next(h, lab[j].name), lab[j].value);
      }
      bool full = false;
      if (!insert_series(h, &full)) {
        if (full) return false;
        continue;  // an earlier file has this series: the first one wins
      }
      if (fam.type != MetricType::Histogram && fam.type != MetricType::Summary) {
        if (!add(SampleKind::Plain, 0, s.value)) return false;
        continue;
      }
      const bool hist = fam.type == MetricType::Histogram;
      bool inf = false;
      for (int32_t pi = s.first_point; pi >= 0; pi = p.points[pi].next) {
        const TextfilePoint& pt = p.points[pi];
        // client_golang keeps buckets and quantiles in a map: the last
        // line for a bound wins.
        bool later = false;
        for (int32_t q = pt.next; q >= 0 && !later; q = p.points[q].next) later = p.points[q].bound == pt.bound;
        if (later) continue;
        if (hist && std::isinf(pt.bound) && pt.bound > 0) inf = true;
        if (!add(hist ? SampleKind::Bucket : SampleKind::Quantile, pt.bound, pt.value)) return false;
      }
      // The text encoder always ends a histogram with a +Inf bucket.
      if (hist && !inf && !add(SampleKind::Bucket, HUGE_VAL, s.count)) return false;
      if (!add(SampleKind::Sum, 0, s.value) || !add(SampleKind::Count, 0, s.count)) return false;
    }
    return true;
  }

  CollectContext& ctx_;
  TextfileState& s_;
  bool errored_ = false;
};

}  // namespace

Status collect_textfile(CollectContext& ctx) {
  Run run(ctx);
  return run.collect();
}

}  // namespace edgestat

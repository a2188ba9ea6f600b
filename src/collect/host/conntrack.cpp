// node_exporter's conntrack collector:
//   node_nf_conntrack_entries, node_nf_conntrack_entries_limit from
//   <procfs>/sys/net/netfilter/nf_conntrack_{count,max};
//   node_nf_conntrack_stat_{found,invalid,ignore,insert,insert_failed,drop,
//   early_drop,search_restart} summed over CPUs from
//   <procfs>/net/stat/nf_conntrack.
// All gauges, as in node_exporter (even the ever-growing stat counters).
//
// Missing count/max files mean nf_conntrack is not loaded: an error, as
// node_exporter reports "no data" (success 0).
//
// Deliberate difference: when count/max exist but net/stat/nf_conntrack
// does not (a kernel built without CONFIG_NF_CONNTRACK_PROCFS, or a capture
// that left it out), node_exporter 1.5 still emits entries and
// entries_limit but marks the collector failed. edgestat rolls back a
// failed collector's samples, so reporting failure would lose the table
// usage that dashboards and alerts rely on; it emits entries and
// entries_limit, omits the stat families and succeeds. A stat file that
// exists but cannot be read or parsed still fails the collector.
#include <unistd.h>

#include <cerrno>

#include "collect/host/conntrack_parse.hpp"
#include "collect/host/host.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kEntries{"node_nf_conntrack_entries",
                              "Number of currently allocated flow entries for connection tracking.", MetricType::Gauge};
constexpr FamilyDesc kLimit{"node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.",
                            MetricType::Gauge};
constexpr FamilyDesc kFound{"node_nf_conntrack_stat_found", "Number of searched entries which were successful.",
                            MetricType::Gauge};
constexpr FamilyDesc kInvalid{"node_nf_conntrack_stat_invalid", "Number of packets seen which can not be tracked.",
                              MetricType::Gauge};
constexpr FamilyDesc kIgnore{"node_nf_conntrack_stat_ignore",
                             "Number of packets seen which are already connected to a conntrack entry.",
                             MetricType::Gauge};
constexpr FamilyDesc kInsert{"node_nf_conntrack_stat_insert", "Number of entries inserted into the list.",
                             MetricType::Gauge};
constexpr FamilyDesc kInsertFailed{"node_nf_conntrack_stat_insert_failed",
                                   "Number of entries for which list insertion was attempted but failed.",
                                   MetricType::Gauge};
constexpr FamilyDesc kDrop{"node_nf_conntrack_stat_drop", "Number of packets dropped due to conntrack failure.",
                           MetricType::Gauge};
constexpr FamilyDesc kEarlyDrop{
    "node_nf_conntrack_stat_early_drop",
    "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.",
    MetricType::Gauge};
constexpr FamilyDesc kSearchRestart{
    "node_nf_conntrack_stat_search_restart",
    "Number of conntrack table lookups which had to be restarted due to hashtable resizes.", MetricType::Gauge};

Status read_u64(std::string_view procfs, std::string_view rel, uint64_t* v) {
  PathBuf path;
  if (!join_path(path, {procfs, rel})) return Status::error("procfs path too long");
  if (read_attr_u64(path.c_str(), v)) return Status::ok();
  if (::access(path.c_str(), F_OK) != 0)
    return Status::error("%s missing: conntrack not loaded", path.c_str()).with_errno(ENOENT);
  return Status::error("%s: unreadable or not a number", path.c_str());
}

}  // namespace

Status collect_conntrack(CollectContext& ctx) {
  std::string_view procfs = ctx.config.path.procfs.view();
  uint64_t count = 0, max = 0;
  if (Status st = read_u64(procfs, "/sys/net/netfilter/nf_conntrack_count", &count); !st) return st;
  if (Status st = read_u64(procfs, "/sys/net/netfilter/nf_conntrack_max", &max); !st) return st;
  ctx.out.add(kEntries, static_cast<double>(count));
  ctx.out.add(kLimit, static_cast<double>(max));

  PathBuf path;
  if (!join_path(path, {procfs, "/net/stat/nf_conntrack"})) return Status::error("procfs path too long");
  size_t n = 0;
  // Absent is fine (see the note at the top); no access(2) first: the open
  // says so, one syscall a collection fewer.
  if (Status st = read_file(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st)
    return st.sys_errno() == ENOENT || st.sys_errno() == ENOTDIR ? Status::ok() : st;
  ConntrackStat s;
  if (!parse_conntrack_stat(std::string_view(ctx.scratch, n), &s))
    return Status::error("%s: malformed per-CPU line (want >= %d hexadecimal columns)", path.c_str(),
                         kConntrackMinColumns);
  ctx.out.add(kFound, static_cast<double>(s.found));
  ctx.out.add(kInvalid, static_cast<double>(s.invalid));
  ctx.out.add(kIgnore, static_cast<double>(s.ignore));
  ctx.out.add(kInsert, static_cast<double>(s.insert));
  ctx.out.add(kInsertFailed, static_cast<double>(s.insert_failed));
  ctx.out.add(kDrop, static_cast<double>(s.drop));
  ctx.out.add(kEarlyDrop, static_cast<double>(s.early_drop));
  ctx.out.add(kSearchRestart, static_cast<double>(s.search_restart));
  return Status::ok();
}

}  // namespace edgestat

#include "app/collection.hpp"

#include <cerrno>
#include <cstring>

#include "app/build_features.hpp"
#include "app/build_revision.hpp"
#include "collect/registry.hpp"
#include "collect/statfs_guard.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kBuildInfo{"edgestat_build_info",
                                "A metric with a constant '1' value labeled by version, revision, target and features (the optional parts built).",
                                MetricType::Gauge};
constexpr FamilyDesc kRefused{
    "edgestat_snapshot_refused_samples_total",
    "Samples refused because the snapshot was full (raise [limits] max_samples, max_families or snapshot_arena_bytes).",
    MetricType::Counter};
constexpr FamilyDesc kDuplicates{
    "edgestat_snapshot_duplicate_samples_total",
    "Samples refused because the same series (name and labels) was already collected; the first one is kept.",
    MetricType::Counter};

}  // namespace

Collection::~Collection() { release_array(scratch_, scratch_cap_); }

bool Collection::init(const Config& c) {
  SnapshotLimits lim;
  lim.max_families = static_cast<uint32_t>(c.limits.max_families);
  lim.max_samples = static_cast<uint32_t>(c.limits.max_samples);
  lim.arena_bytes = static_cast<uint32_t>(c.limits.snapshot_arena_bytes);
  scratch_cap_ = c.collect.read_buffer_bytes;
  scratch_ = reserve_array<char>(scratch_cap_);
  mask_ = enabled_collectors(c);
  // The filesystem collector's statfs worker is a thread, and creating one
  // allocates: do it now, before the agent says `started`.
  int fs = find_collector("filesystem");
  if (fs >= 0 && (mask_ >> fs & 1) && c.filters.filesystem_mount_timeout_ms > 0 && !statfs_worker_start()) {
    log_warn("cannot start the statfs worker; network and FUSE mounts are statfs'd without a deadline",
             {{"err", std::strerror(errno)}});
  }
  return snap_.init(lim) && scratch_;
}

// One warning per collector the first time it produces a duplicate series:
// it is a bug in that collector or a textfile reusing a collector's series.
void Collection::report_duplicates(uint64_t mask) {
  uint64_t fresh = mask & ~warned_duplicates_;
  warned_duplicates_ |= mask;
  auto names = collector_names();
  for (; fresh; fresh &= fresh - 1) {
    size_t i = static_cast<size_t>(__builtin_ctzll(fresh));
    std::string_view who = i < names.size() ? names[i] : std::string_view("edgestat");
    log_warn("duplicate series refused (the first sample is kept)", {{"collector", who}});
  }
}

void Collection::reconfigure(const Config& c) { mask_ = enabled_collectors(c); }

void Collection::refresh(const Config& c, SelfHook hook, void* hook_ctx) {
  int64_t t0 = monotonic_ns();
  snap_.clear();
  run_collectors(c, mask_, snap_, scratch_, scratch_cap_);
  report_duplicates(snap_.duplicate_collectors());
  snap_.set_collector(kSelfCollectorId);
  Label build[] = {{"version", EDGESTAT_VERSION},
                   {"revision", kBuildRevision},
                   {"target", EDGESTAT_TARGET},
                   {"features", kBuildFeatures}};
  snap_.add(kBuildInfo, 1, build, 4);
  refused_total_ += snap_.refused();
  snap_.add(kRefused, static_cast<double>(refused_total_));
  if (hook) hook(snap_, hook_ctx);
  // The agent's own samples are checked too; any found now are counted
  // with this collection's.
  duplicates_total_ += snap_.duplicates();
  snap_.add(kDuplicates, static_cast<double>(duplicates_total_));
  snap_.timestamp_ms = realtime_ns() / 1000000;
  snap_.finish();
  last_duration_s_ = static_cast<double>(monotonic_ns() - t0) / 1e9;
}

}  // namespace edgestat

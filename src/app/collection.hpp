#pragma once
// One collection cycle: the snapshot, the scratch buffer the collectors
// read files into, and the agent's own metrics. Allocated once by init()
// from the config's limits; refresh() then allocates nothing.
#include <cstdint>

#include "config/config.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

class Collection {
 public:
  Collection() = default;
  Collection(const Collection&) = delete;
  Collection& operator=(const Collection&) = delete;
  ~Collection();

  bool init(const Config& c);
  // Re-reads the enabled collectors after a config reload (no allocation).
  void reconfigure(const Config& c);
  // Adds the agent's own samples (collector id kSelfCollectorId) before the
  // snapshot is finished: HTTP and process metrics live in app/.
  using SelfHook = void (*)(Snapshot& snap, void* ctx);
  // Collects every enabled collector into the snapshot and finishes it.
  void refresh(const Config& c, SelfHook hook = nullptr, void* hook_ctx = nullptr);

  const Snapshot& snapshot() const { return snap_; }
  uint64_t enabled_mask() const { return mask_; }
  double last_duration_seconds() const { return last_duration_s_; }
  uint64_t refused_total() const { return refused_total_; }
  uint64_t duplicates_total() const { return duplicates_total_; }

 private:
  Snapshot snap_;
  char* scratch_ = nullptr;
  size_t scratch_cap_ = 0;
  uint64_t mask_ = 0;
  double last_duration_s_ = 0;
  uint64_t refused_total_ = 0;
  uint64_t duplicates_total_ = 0;
  uint64_t warned_duplicates_ = 0;  // collector ids already logged
  void report_duplicates(uint64_t mask);
};

}  // namespace edgestat

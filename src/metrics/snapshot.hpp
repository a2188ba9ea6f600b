#pragma once
// The Snapshot is the one place a collection lands: fixed tables sized from
// the config at start-up (families, samples, a byte arena for names and
// rendered label sets). Collectors append; finish() sorts families by name
// and samples by labels the way client_golang does, so renderers emit each
// family once, contiguous, in a stable order. Nothing here allocates after
// init(); what does not fit is refused and counted.
//
// A duplicate series is impossible: a second sample with the same family,
// label set (as rendered) and line kind is refused at add() and counted,
// whoever adds it (a collector, a textfile, the agent itself). Prometheus
// would keep one of the two silently and Grafana fails with "found
// duplicate series"; refusing the second keeps the first producer's value.
// The check is one hash of the rendered labels and one probe of a table
// sized from max_samples at init.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "metrics/family.hpp"

namespace edgestat {

struct SnapshotLimits {
  uint32_t max_families = 1024;
  uint32_t max_samples = 8192;
  uint32_t arena_bytes = 512 * 1024;
};

// Each sample carries the id of the collector that produced it, a bit in
// the 64-bit mask renderers filter on (collect[]/exclude[]). The agent's own
// families (edgestat_*, process_*) carry the last id and are never filtered
// out; collectors number below it (collect/registry.hpp).
inline constexpr uint8_t kSelfCollectorId = 63;
inline constexpr uint64_t kAllCollectors = ~uint64_t{0};

struct Sample {
  uint32_t family;
  uint32_t labels_off;  // rendered `name="value",...` in the arena
  uint16_t labels_len;
  SampleKind kind;
  uint8_t collector;
  double bound;  // le for buckets, quantile for summaries
  double value;
};

struct Family {
  std::string_view name;
  std::string_view help;
  MetricType type;
  uint32_t begin = 0, end = 0;  // sample range after finish()
};

class Snapshot {
 public:
  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  ~Snapshot();

  bool init(const SnapshotLimits& limits);
  size_t reserved_bytes() const;

  // Starts a new collection.
  void clear();
  void set_collector(uint8_t id) { collector_ = id; }
  uint32_t mark() const { return nsamples_; }
  // Drops samples added since mark: a failed collector fails alone.
  void rollback(uint32_t mark);

  bool add(const FamilyDesc& f, double v, std::initializer_list<Label> labels = {}) {
    return add(f, SampleKind::Plain, 0, v, labels.begin(), labels.size());
  }
  bool add(const FamilyDesc& f, double v, const Label* labels, size_t n) {
    return add(f, SampleKind::Plain, 0, v, labels, n);
  }
  bool add(const FamilyDesc& f, SampleKind kind, double bound, double v, const Label* labels, size_t n);
  // For names built at run time (meminfo keys, textfile families): the name
  // and help are copied into the arena the first time they are seen.
  bool add_dynamic(std::string_view name, std::string_view help, MetricType t, SampleKind kind, double bound,
                   double v, const Label* labels, size_t n);
  // Type of an existing family, for callers that must reject conflicts whole.
  bool family_type(std::string_view name, MetricType* t) const;

  void finish();

  // Families in name order (valid after finish()).
  size_t family_count() const { return nfamilies_; }
  const Family& family(size_t i) const { return families_[order_[i]]; }
  std::span<const Sample> samples(const Family& f) const { return {samples_ + f.begin, f.end - f.begin}; }
  std::string_view labels(const Sample& s) const { return {arena_ + s.labels_off, s.labels_len}; }
  size_t sample_count() const { return nsamples_; }
  // Lookups for the agent's own consumers (/health, the status page), valid
  // after finish(): a family by name, and the value of its plain sample
  // whose rendered labels are exactly `labels` (`cpu="0",mode="idle"`, or
  // empty). Null / false when absent.
  const Family* find_family(std::string_view name) const;
  bool value(std::string_view family, std::string_view labels, double* v) const;

  // Samples refused in this collection for lack of room or a type conflict.
  uint64_t refused() const { return refused_; }
  // Samples refused in this collection because the same series was already
  // there, and which collector ids tried to add one (bit per id).
  uint64_t duplicates() const { return duplicates_; }
  uint64_t duplicate_collectors() const { return duplicate_collectors_; }
  int64_t timestamp_ms = 0;

 private:
  int find(std::string_view name) const;
  int intern(std::string_view name, std::string_view help, MetricType t, bool copy);
  bool push(int fam, SampleKind kind, double bound, double v, const Label* labels, size_t n);
  char* arena_alloc(size_t n);
  uint32_t series_hash(const Sample& s) const;
  // Index of the sample in samples_ equal to s (family, kind, bound,
  // labels), or inserts s's index; -1 when s is new.
  int series_find_or_insert(uint32_t idx);
  void series_rebuild();

  SnapshotLimits lim_{};
  Family* families_ = nullptr;
  uint32_t* order_ = nullptr;
  uint32_t ordered_families_ = 0;  // entries of order_ the last finish() sorted
  uint32_t* index_ = nullptr;  // open addressing, family index + 1, 0 = empty
  uint32_t index_mask_ = 0;
  Sample* samples_ = nullptr;
  char* arena_ = nullptr;
  uint32_t nfamilies_ = 0, nsamples_ = 0, arena_len_ = 0;
  uint8_t collector_ = kSelfCollectorId;
  uint64_t refused_ = 0;
  uint64_t duplicates_ = 0, duplicate_collectors_ = 0;
  // Open-addressed set of series already added: sample index + 1, 0 =
  // empty; twice max_samples slots so probes stay short. finish() reorders
  // samples, after which the set is rebuilt on the next add.
  uint32_t* series_ = nullptr;
  uint32_t series_mask_ = 0;
  bool series_stale_ = false;
  // Family index by descriptor address, this collection only: a collector
  // switching between a dozen families per device (netclass, diskstats)
  // found each by hashing and comparing its name on every switch.
  // Direct-mapped; a hit is checked against the family's name pointer and
  // type, so a reused address (a descriptor on the stack) cannot alias.
  static constexpr uint32_t kDescCacheSlots = 256;  // about the default families
  struct DescSlot {
    const FamilyDesc* desc;
    int family;
  };
  DescSlot desc_cache_[kDescCacheSlots] = {};
};

}  // namespace edgestat

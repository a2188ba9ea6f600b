#pragma once
// The two wire formats the exporter speaks, both encoded with nanopb from
// a range of a SeriesIndex straight into a caller-owned buffer (callbacks
// walk the series; nothing is allocated or copied into nanopb structs
// beyond one series at a time):
//
//   Prometheus remote write 1.0  prometheus.WriteRequest; one TimeSeries
//                                per sample line (histograms as _bucket{le},
//                                _sum, _count, like the text format), labels
//                                sorted, __name__ first, external labels
//                                added where the series has none of that name.
//   OTLP/HTTP metrics            ExportMetricsServiceRequest: one resource
//                                (service.name, host.name and the configured
//                                attributes), one scope "edgestat"; gauges
//                                and untyped as Gauge, counters as cumulative
//                                monotonic Sum, histograms (per-bucket counts,
//                                finite bounds) and summaries as themselves.
//
// plan() cuts the batch: from a series on, as many whole series as fit
// max_samples and max_bytes (a histogram is never split). encode() then
// writes exactly that range. Both are pure over the snapshot.
#include <cstddef>
#include <cstdint>
#include <span>

#include "export/series.hpp"

namespace edgestat::exporter {

enum class WireFormat : uint8_t { RemoteWrite, Otlp };

struct EncodeContext {
  const SeriesIndex* index = nullptr;
  int64_t timestamp_ms = 0;       // the collection's time
  int64_t start_time_ms = 0;      // OTLP: start of cumulative series (agent start)
  // Remote write: added to every series (unless it has the name already).
  // OTLP: the resource's attributes (service.name, host.name, ... first).
  std::span<const LabelPair> external;
  std::string_view scope_version;  // OTLP scope version
};

struct Plan {
  uint32_t begin = 0;     // first series of the batch (after skipped ones)
  uint32_t end = 0;       // one past the last series in the batch
  uint32_t samples = 0;   // snapshot samples in it
  size_t bytes = 0;       // exact encoded size
  uint32_t skipped = 0;   // series alone larger than max_bytes (dropped, counted)
};

// Series [plan.begin, plan.end) fit; the batch is empty only at the end.
Plan plan_batch(WireFormat f, const EncodeContext& c, uint32_t begin, uint32_t max_samples, size_t max_bytes);

// Encodes series [begin, end) into buf; the size, or 0 if it did not fit
// cap (cannot happen for a plan_batch range with cap >= plan.bytes) or a
// series' labels are malformed.
size_t encode_batch(WireFormat f, const EncodeContext& c, uint32_t begin, uint32_t end, uint8_t* buf, size_t cap);

}  // namespace edgestat::exporter

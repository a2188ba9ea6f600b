// OTLP/HTTP metrics encoding (see encode.hpp): ExportMetricsServiceRequest
// with one ResourceMetrics and one ScopeMetrics; consecutive series of one
// family share a Metric.
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h>

#include "export/encode_labels.hpp"

namespace edgestat::exporter {
namespace {

constexpr std::string_view kScopeName = "edgestat";
constexpr uint64_t kNsPerMs = 1000000;

struct Attrs {
  const LabelPair* l;
  size_t n;
};

struct OtlpBatch {
  const EncodeContext* c;
  uint32_t begin, end;
  SampleLabels labels;
  Attrs resource;
  Attrs point;  // the current data point's attributes (into labels)
};

// The series range of one Metric.
struct Group {
  OtlpBatch* b;
  uint32_t begin, end;
  const SeriesRef* cur;  // the series whose data point is being written
};

bool attrs_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  const Attrs& a = *static_cast<const Attrs*>(*arg);
  for (size_t i = 0; i < a.n; ++i) {
    opentelemetry_proto_common_v1_KeyValue kv = opentelemetry_proto_common_v1_KeyValue_init_zero;
    kv.key = sv_callback(&a.l[i].name);
    kv.has_value = true;
    kv.value.which_value = opentelemetry_proto_common_v1_AnyValue_string_value_tag;
    kv.value.value.string_value = sv_callback(&a.l[i].value);
    if (!pb_encode_tag_for_field(s, f) || !pb_encode_submessage(s, opentelemetry_proto_common_v1_KeyValue_fields, &kv))
      return false;
  }
  return true;
}

pb_callback_t attrs_callback(Attrs* a) {
  pb_callback_t cb;
  cb.funcs.encode = attrs_cb;
  cb.arg = a;
  return cb;
}

// Builds the attributes of series r into the batch's label scratch.
bool point_attrs(Group& g, const SeriesRef& r) {
  OtlpBatch& b = *g.b;
  if (!sample_labels(*b.c, r, 0, false, b.labels)) return false;
  b.point = {b.labels.l, b.labels.n};
  g.cur = &r;
  return true;
}

// What every data point has: the series' attributes, and its times (the
// start only for cumulative points).
template <class Point>
bool point_common(Group& g, uint32_t i, bool cumulative, Point& dp) {
  if (!point_attrs(g, (*g.b->c->index)[i])) return false;
  dp.attributes = attrs_callback(&g.b->point);
  if (cumulative) dp.start_time_unix_nano = static_cast<uint64_t>(g.b->c->start_time_ms) * kNsPerMs;
  dp.time_unix_nano = static_cast<uint64_t>(g.b->c->timestamp_ms) * kNsPerMs;
  return true;
}

bool number_points_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  Group& g = *static_cast<Group*>(*arg);
  const SeriesIndex& ix = *g.b->c->index;
  const bool cumulative = ix.family(ix[g.begin]).type == MetricType::Counter;
  for (uint32_t i = g.begin; i < g.end; ++i) {
    opentelemetry_proto_metrics_v1_NumberDataPoint dp = opentelemetry_proto_metrics_v1_NumberDataPoint_init_zero;
    if (!point_common(g, i, cumulative, dp)) return false;
    dp.which_value = opentelemetry_proto_metrics_v1_NumberDataPoint_as_double_tag;
    dp.value.as_double = ix.sample(ix[i], 0).value;
    if (!pb_encode_tag_for_field(s, f) ||
        !pb_encode_submessage(s, opentelemetry_proto_metrics_v1_NumberDataPoint_fields, &dp))
      return false;
  }
  return true;
}

// Buckets of the current histogram series: finite bounds, and per-bucket
// counts (OTLP's are not cumulative; the +Inf bucket is the last count).
bool bounds_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  const Group& g = *static_cast<const Group*>(*arg);
  const SeriesIndex& ix = *g.b->c->index;
  const SeriesRef& r = *g.cur;
  size_t n = 0;
  for (uint32_t k = 0; k < r.count; ++k) {
    const Sample& smp = ix.sample(r, k);
    if (smp.kind == SampleKind::Bucket && smp.bound != __builtin_inf()) ++n;
  }
  if (n == 0) return true;
  if (!pb_encode_tag(s, PB_WT_STRING, f->tag) || !pb_encode_varint(s, n * 8)) return false;
  for (uint32_t k = 0; k < r.count; ++k) {
    const Sample& smp = ix.sample(r, k);
    if (smp.kind != SampleKind::Bucket || smp.bound == __builtin_inf()) continue;
    double d = smp.bound;
    if (!pb_encode_fixed64(s, &d)) return false;
  }
  return true;
}

bool counts_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  const Group& g = *static_cast<const Group*>(*arg);
  const SeriesIndex& ix = *g.b->c->index;
  const SeriesRef& r = *g.cur;
  size_t n = 0;
  for (uint32_t k = 0; k < r.count; ++k) n += ix.sample(r, k).kind == SampleKind::Bucket;
  if (n == 0) return true;
  if (!pb_encode_tag(s, PB_WT_STRING, f->tag) || !pb_encode_varint(s, n * 8)) return false;
  double prev = 0;
  for (uint32_t k = 0; k < r.count; ++k) {
    const Sample& smp = ix.sample(r, k);
    if (smp.kind != SampleKind::Bucket) continue;
    double v = smp.value - prev;
    prev = smp.value;
    uint64_t c = v > 0 ? static_cast<uint64_t>(v + 0.5) : 0;
    if (!pb_encode_fixed64(s, &c)) return false;
  }
  return true;
}

void sum_count(const SeriesIndex& ix, const SeriesRef& r, double* sum, double* count) {
  for (uint32_t k = 0; k < r.count; ++k) {
    const Sample& smp = ix.sample(r, k);
    if (smp.kind == SampleKind::Sum) *sum = smp.value;
    if (smp.kind == SampleKind::Count) *count = smp.value;
  }
}

uint64_t as_count(double v) { return v > 0 ? static_cast<uint64_t>(v + 0.5) : 0; }

bool histogram_points_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  Group& g = *static_cast<Group*>(*arg);
  const SeriesIndex& ix = *g.b->c->index;
  for (uint32_t i = g.begin; i < g.end; ++i) {
    opentelemetry_proto_metrics_v1_HistogramDataPoint dp = opentelemetry_proto_metrics_v1_HistogramDataPoint_init_zero;
    if (!point_common(g, i, true, dp)) return false;
    double sum = 0, count = 0;
    sum_count(ix, ix[i], &sum, &count);
    dp.count = as_count(count);
    dp.has_sum = true;
    dp.sum = sum;
    dp.bucket_counts.funcs.encode = counts_cb;
    dp.bucket_counts.arg = &g;
    dp.explicit_bounds.funcs.encode = bounds_cb;
    dp.explicit_bounds.arg = &g;
    if (!pb_encode_tag_for_field(s, f) ||
        !pb_encode_submessage(s, opentelemetry_proto_metrics_v1_HistogramDataPoint_fields, &dp))
      return false;
  }
  return true;
}

bool quantiles_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  const Group& g = *static_cast<const Group*>(*arg);
  const SeriesIndex& ix = *g.b->c->index;
  const SeriesRef& r = *g.cur;
  for (uint32_t k = 0; k < r.count; ++k) {
    const Sample& smp = ix.sample(r, k);
    if (smp.kind != SampleKind::Quantile) continue;
    opentelemetry_proto_metrics_v1_SummaryDataPoint_ValueAtQuantile q =
        opentelemetry_proto_metrics_v1_SummaryDataPoint_ValueAtQuantile_init_zero;
    q.quantile = smp.bound;
    q.value = smp.value;
    if (!pb_encode_tag_for_field(s, f) ||
        !pb_encode_submessage(s, opentelemetry_proto_metrics_v1_SummaryDataPoint_ValueAtQuantile_fields, &q))
      return false;
  }
  return true;
}

bool summary_points_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  Group& g = *static_cast<Group*>(*arg);
  const SeriesIndex& ix = *g.b->c->index;
  for (uint32_t i = g.begin; i < g.end; ++i) {
    opentelemetry_proto_metrics_v1_SummaryDataPoint dp = opentelemetry_proto_metrics_v1_SummaryDataPoint_init_zero;
    if (!point_common(g, i, true, dp)) return false;
    double sum = 0, count = 0;
    sum_count(ix, ix[i], &sum, &count);
    dp.count = as_count(count);
    dp.sum = sum;
    dp.quantile_values.funcs.encode = quantiles_cb;
    dp.quantile_values.arg = &g;
    if (!pb_encode_tag_for_field(s, f) ||
        !pb_encode_submessage(s, opentelemetry_proto_metrics_v1_SummaryDataPoint_fields, &dp))
      return false;
  }
  return true;
}

bool metrics_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  OtlpBatch& b = *static_cast<OtlpBatch*>(*arg);
  const SeriesIndex& ix = *b.c->index;
  for (uint32_t i = b.begin; i < b.end;) {
    uint32_t j = i + 1;
    while (j < b.end && ix[j].family == ix[i].family) ++j;
    const Family& fam = ix.family(ix[i]);
    Group g{&b, i, j, nullptr};
    opentelemetry_proto_metrics_v1_Metric m = opentelemetry_proto_metrics_v1_Metric_init_zero;
    m.name = sv_callback(&fam.name);
    m.description = sv_callback(&fam.help);
    switch (fam.type) {
      case MetricType::Counter:
        m.which_data = opentelemetry_proto_metrics_v1_Metric_sum_tag;
        m.data.sum.data_points.funcs.encode = number_points_cb;
        m.data.sum.data_points.arg = &g;
        m.data.sum.aggregation_temporality =
            opentelemetry_proto_metrics_v1_AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE;
        m.data.sum.is_monotonic = true;
        break;
      case MetricType::Histogram:
        m.which_data = opentelemetry_proto_metrics_v1_Metric_histogram_tag;
        m.data.histogram.data_points.funcs.encode = histogram_points_cb;
        m.data.histogram.data_points.arg = &g;
        m.data.histogram.aggregation_temporality =
            opentelemetry_proto_metrics_v1_AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE;
        break;
      case MetricType::Summary:
        m.which_data = opentelemetry_proto_metrics_v1_Metric_summary_tag;
        m.data.summary.data_points.funcs.encode = summary_points_cb;
        m.data.summary.data_points.arg = &g;
        break;
      default:  // gauges and untyped
        m.which_data = opentelemetry_proto_metrics_v1_Metric_gauge_tag;
        m.data.gauge.data_points.funcs.encode = number_points_cb;
        m.data.gauge.data_points.arg = &g;
        break;
    }
    if (!pb_encode_tag_for_field(s, f) || !pb_encode_submessage(s, opentelemetry_proto_metrics_v1_Metric_fields, &m))
      return false;
    i = j;
  }
  return true;
}

bool scope_metrics_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  OtlpBatch& b = *static_cast<OtlpBatch*>(*arg);
  static constexpr std::string_view name = kScopeName;
  opentelemetry_proto_metrics_v1_ScopeMetrics sm = opentelemetry_proto_metrics_v1_ScopeMetrics_init_zero;
  sm.has_scope = true;
  sm.scope.name = sv_callback(&name);
  sm.scope.version = sv_callback(&b.c->scope_version);
  sm.metrics.funcs.encode = metrics_cb;
  sm.metrics.arg = &b;
  return pb_encode_tag_for_field(s, f) &&
         pb_encode_submessage(s, opentelemetry_proto_metrics_v1_ScopeMetrics_fields, &sm);
}

bool resource_metrics_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  OtlpBatch& b = *static_cast<OtlpBatch*>(*arg);
  opentelemetry_proto_metrics_v1_ResourceMetrics rm = opentelemetry_proto_metrics_v1_ResourceMetrics_init_zero;
  rm.has_resource = true;
  rm.resource.attributes = attrs_callback(&b.resource);
  rm.scope_metrics.funcs.encode = scope_metrics_cb;
  rm.scope_metrics.arg = &b;
  return pb_encode_tag_for_field(s, f) &&
         pb_encode_submessage(s, opentelemetry_proto_metrics_v1_ResourceMetrics_fields, &rm);
}

}  // namespace

bool encode_otlp_request(pb_ostream_t* s, const EncodeContext& c, uint32_t begin, uint32_t end) {
  OtlpBatch b;
  b.c = &c;
  b.begin = begin;
  b.end = end;
  b.resource = {c.external.data(), c.external.size()};
  b.point = {nullptr, 0};
  opentelemetry_proto_collector_metrics_v1_ExportMetricsServiceRequest req =
      opentelemetry_proto_collector_metrics_v1_ExportMetricsServiceRequest_init_zero;
  req.resource_metrics.funcs.encode = resource_metrics_cb;
  req.resource_metrics.arg = &b;
  return pb_encode(s, opentelemetry_proto_collector_metrics_v1_ExportMetricsServiceRequest_fields, &req);
}

}  // namespace edgestat::exporter

#pragma once
// What a metric family is: a name, a help text and a type. Collectors
// declare their families as static constexpr FamilyDesc values, the way
// node_exporter declares prometheus.Desc at package level.
#include <cstdint>
#include <string_view>

namespace edgestat {

enum class MetricType : uint8_t { Gauge, Counter, Untyped, Histogram, Summary };

struct FamilyDesc {
  std::string_view name;
  std::string_view help;
  MetricType type;
};

struct Label {
  std::string_view name;
  std::string_view value;
};

// Which line of a histogram or summary a sample is.
enum class SampleKind : uint8_t { Plain, Bucket, Quantile, Sum, Count };

std::string_view type_name_text(MetricType t);         // text 0.0.4
// The name suffix of a sample line: _bucket, _sum, _count, or none.
std::string_view sample_suffix(SampleKind k);
std::string_view type_name_openmetrics(MetricType t);  // OpenMetrics 1.0

// Label and metric names per the Prometheus data model.
bool valid_metric_name(std::string_view s);
bool valid_label_name(std::string_view s);

}  // namespace edgestat

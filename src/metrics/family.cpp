#include "metrics/family.hpp"

namespace edgestat {

std::string_view sample_suffix(SampleKind k) {
  switch (k) {
    case SampleKind::Bucket: return "_bucket";
    case SampleKind::Sum: return "_sum";
    case SampleKind::Count: return "_count";
    default: return {};
  }
}

std::string_view type_name_text(MetricType t) {
  switch (t) {
    case MetricType::Gauge: return "gauge";
    case MetricType::Counter: return "counter";
    case MetricType::Untyped: return "untyped";
    case MetricType::Histogram: return "histogram";
    case MetricType::Summary: return "summary";
  }
  return "untyped";
}

std::string_view type_name_openmetrics(MetricType t) {
  return t == MetricType::Untyped ? std::string_view("unknown") : type_name_text(t);
}

static bool name_char(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

bool valid_metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!name_char(s[i], i == 0, true)) return false;
  return true;
}

bool valid_label_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!name_char(s[i], i == 0, false)) return false;
  // Names starting with __ are reserved for Prometheus itself.
  return !(s.size() >= 2 && s[0] == '_' && s[1] == '_');
}

}  // namespace edgestat

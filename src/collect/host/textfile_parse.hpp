#pragma once
// A pure parser for the Prometheus text format 0.0.4 as node_exporter 1.5's
// textfile collector reads it (prometheus/common expfmt.TextParser), plus
// the post-processing node_exporter and client_golang apply before a
// sample is exposed: label sets filled up to the family's label names
// with "", duplicate series dropped (the first one wins, as
// Registry.Gather does), histogram/summary lines grouped into series.
//
// Everything lands in a caller-owned TextfileParse of fixed tables; the
// input is never copied except for strings with escapes, which are
// unescaped into the parse's pool. A file that does not fit the tables is
// rejected whole with TooLarge, never truncated.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "metrics/family.hpp"

namespace edgestat {

// Families in one file: a textfile is a handful of families in practice.
inline constexpr size_t kMaxTextfileFamilies = 256;
// Series (a plain sample, or one histogram/summary label set) in one file.
inline constexpr size_t kMaxTextfileSeries = 2048;
// Histogram buckets plus summary quantiles in one file.
inline constexpr size_t kMaxTextfilePoints = 2048;
// Label pairs over all series of one file.
inline constexpr size_t kMaxTextfileLabelPairs = 4096;
// Label names on one sample, and in one family's union of label names;
// more is a cardinality bug in whatever wrote the file.
inline constexpr size_t kMaxTextfileLabelNames = 32;
// Label names over all families' unions in one file.
inline constexpr size_t kMaxTextfileUnionNames = 1024;
// Bytes in one line: bounds work per line for hostile input.
inline constexpr size_t kMaxTextfileLineBytes = 16384;
// Bytes of unescaped label values and HELP texts in one file.
inline constexpr size_t kTextfilePoolBytes = 32768;
// Longest number token (Go accepts longer; nothing sane writes one).
inline constexpr size_t kMaxTextfileNumberChars = 128;

enum class TextfileError : uint8_t {
  None,
  Syntax,             // anything the text format does not allow
  UnexpectedEof,      // the last line has no newline
  Timestamp,          // a sample carries a client-side timestamp
  DuplicateHelp,      // second HELP line for a family
  DuplicateType,      // second TYPE line, or TYPE after the family's samples
  UnknownType,        // TYPE that is not counter/gauge/histogram/summary/untyped
  InvalidEscape,      // \x other than \\ \" \n (\" only in label values)
  InvalidLabelValue,  // not UTF-8
  DuplicateLabel,     // same label name twice on one sample
  ReservedLabel,      // __name__ as a label
  LineTooLong,        // over kMaxTextfileLineBytes
  TooLarge,           // does not fit the fixed tables
};

std::string_view textfile_error_text(TextfileError e);

struct TextfileLabelRef {
  uint32_t name_off;   // into the input
  uint32_t value_off;  // into the input, or the pool when kPoolBit is set
  uint16_t name_len;
  uint16_t value_len;
  static constexpr uint32_t kPoolBit = 0x80000000u;
};

struct TextfileFamily {
  std::string_view name;
  std::string_view help;  // valid when has_help
  MetricType type = MetricType::Untyped;
  bool has_help = false;
  bool has_type = false;
  uint32_t nseries = 0;  // series kept after finish
  // Sorted, de-duplicated label names of all its series (le and quantile
  // excluded for histograms and summaries), in label_names[].
  uint16_t names_begin = 0, names_count = 0;
};

struct TextfileSeries {
  double value = 0;  // plain value; the _sum for histograms and summaries
  double count = 0;  // _count for histograms and summaries (uint64-truncated)
  uint64_t hash = 0;
  uint32_t labels_begin = 0;
  int32_t first_point = -1, last_point = -1;
  uint16_t family = 0;
  uint8_t nlabels = 0;
  bool dropped = false;  // duplicate of an earlier series after filling
};

struct TextfilePoint {
  double bound;  // le or quantile
  double value;
  int32_t next;  // next point of the same series, -1 at the end
};

struct TextfileParse {
  const char* input = nullptr;
  size_t input_len = 0;
  TextfileError error = TextfileError::None;
  uint32_t error_line = 0;  // 1-based

  uint32_t nfamilies = 0, nseries = 0, npoints = 0, nlabels = 0, npool = 0, nnames = 0;
  TextfileFamily families[kMaxTextfileFamilies];
  TextfileSeries series[kMaxTextfileSeries];
  TextfilePoint points[kMaxTextfilePoints];
  TextfileLabelRef labels[kMaxTextfileLabelPairs];
  std::string_view label_names[kMaxTextfileUnionNames];
  char pool[kTextfilePoolBytes];

  std::string_view label_name(const TextfileLabelRef& l) const { return {input + l.name_off, l.name_len}; }
  std::string_view label_value(const TextfileLabelRef& l) const {
    if (l.value_off & TextfileLabelRef::kPoolBit)
      return {pool + (l.value_off & ~TextfileLabelRef::kPoolBit), l.value_len};
    return {input + l.value_off, l.value_len};
  }
  // Value of label `name` on series s, "" when the series lacks it (the
  // way node_exporter fills a family's missing labels).
  std::string_view series_label(const TextfileSeries& s, std::string_view name) const;
};

// Parses a whole file into *out (reset first). True when the file is
// accepted; otherwise out->error and out->error_line say why and the
// tables must not be used. Never reads outside [p, p+n).
bool parse_textfile(const char* p, size_t n, TextfileParse* out);

// Go's strconv.ParseFloat as expfmt calls it: decimal and exponent forms,
// case-insensitive inf/infinity/nan with optional sign; hex floats and
// underscores rejected; out-of-range values (1e400) rejected as Go does.
bool parse_go_float(std::string_view s, double* v);

}  // namespace edgestat

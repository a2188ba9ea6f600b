#pragma once
// Shared by the two encoders: one sample's label set as the wire wants it,
// and the nanopb callback that writes a string_view. Internal to export/.
#include <pb_encode.h>

#include <string_view>

#include "core/number.hpp"
#include "export/encode.hpp"

namespace edgestat::exporter {

// Longest metric name plus a suffix (_bucket): names come from the
// snapshot, whose dynamic names the textfile parser already bounds.
inline constexpr size_t kMaxNameBytes = 256;

struct SampleLabels {
  LabelPair l[kMaxSeriesLabels];
  size_t n = 0;
  char name[kMaxNameBytes + 8];
  char bound[kDoubleChars];
  char scratch[kLabelScratchBytes];
};

// The labels of sample k of series r. Remote write: __name__ (with the
// sample's suffix) and le/quantile included, external labels merged,
// sorted. OTLP: the series' own labels only. False if malformed or too many.
bool sample_labels(const EncodeContext& c, const SeriesRef& r, uint32_t k, bool remote_write, SampleLabels& out);

// pb callback: *arg is a const std::string_view*.
bool encode_sv_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg);

inline pb_callback_t sv_callback(const std::string_view* v) {
  pb_callback_t cb;
  cb.funcs.encode = encode_sv_cb;
  cb.arg = const_cast<std::string_view*>(v);
  return cb;
}

}  // namespace edgestat::exporter

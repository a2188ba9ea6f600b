#include "export/encode.hpp"

#include <remote.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h>

#include "export/encode_labels.hpp"

namespace edgestat::exporter {

// Defined in encode_otlp.cpp.
bool encode_otlp_request(pb_ostream_t* s, const EncodeContext& c, uint32_t begin, uint32_t end);

namespace {

// ---- remote write ----

struct RwBatch {
  const EncodeContext* c;
  uint32_t begin, end;
  SampleLabels labels;
  bool bad = false;  // a series' labels could not be built
};

bool rw_labels_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  const SampleLabels& sl = *static_cast<const SampleLabels*>(*arg);
  for (size_t i = 0; i < sl.n; ++i) {
    prometheus_Label l = prometheus_Label_init_zero;
    l.name = sv_callback(&sl.l[i].name);
    l.value = sv_callback(&sl.l[i].value);
    if (!pb_encode_tag_for_field(s, f) || !pb_encode_submessage(s, prometheus_Label_fields, &l)) return false;
  }
  return true;
}

bool rw_samples_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  return pb_encode_tag_for_field(s, f) &&
         pb_encode_submessage(s, prometheus_Sample_fields, static_cast<const prometheus_Sample*>(*arg));
}

bool rw_timeseries_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  RwBatch& b = *static_cast<RwBatch*>(*arg);
  const SeriesIndex& ix = *b.c->index;
  for (uint32_t i = b.begin; i < b.end; ++i) {
    const SeriesRef& r = ix[i];
    for (uint32_t k = 0; k < r.count; ++k) {
      if (!sample_labels(*b.c, r, k, true, b.labels)) {
        b.bad = true;
        return false;
      }
      prometheus_Sample smp = prometheus_Sample_init_zero;
      smp.value = ix.sample(r, k).value;
      smp.timestamp = b.c->timestamp_ms;
      prometheus_TimeSeries ts = prometheus_TimeSeries_init_zero;
      ts.labels.funcs.encode = rw_labels_cb;
      ts.labels.arg = &b.labels;
      ts.samples.funcs.encode = rw_samples_cb;
      ts.samples.arg = &smp;
      if (!pb_encode_tag_for_field(s, f) || !pb_encode_submessage(s, prometheus_TimeSeries_fields, &ts)) return false;
    }
  }
  return true;
}

bool encode_rw(pb_ostream_t* s, const EncodeContext& c, uint32_t begin, uint32_t end) {
  RwBatch b;
  b.c = &c;
  b.begin = begin;
  b.end = end;
  prometheus_WriteRequest req = prometheus_WriteRequest_init_zero;
  req.timeseries.funcs.encode = rw_timeseries_cb;
  req.timeseries.arg = &b;
  return pb_encode(s, prometheus_WriteRequest_fields, &req);
}

bool encode_any(WireFormat f, pb_ostream_t* s, const EncodeContext& c, uint32_t begin, uint32_t end) {
  return f == WireFormat::RemoteWrite ? encode_rw(s, c, begin, end) : encode_otlp_request(s, c, begin, end);
}

size_t sized(WireFormat f, const EncodeContext& c, uint32_t begin, uint32_t end, bool* ok) {
  pb_ostream_t s = PB_OSTREAM_SIZING;
  *ok = encode_any(f, &s, c, begin, end);
  return s.bytes_written;
}

}  // namespace

Plan plan_batch(WireFormat f, const EncodeContext& c, uint32_t begin, uint32_t max_samples, size_t max_bytes) {
  Plan p;
  const SeriesIndex& ix = *c.index;
  bool ok = true;
  // The fixed part (OTLP: resource and scope; remote write: nothing).
  const size_t base = sized(f, c, begin, begin, &ok);
  p.begin = p.end = begin;
  p.bytes = base;
  for (uint32_t i = begin; i < ix.size(); ++i) {
    // One series alone, less the fixed part: exact for remote write, an
    // upper bound for OTLP (a metric's name and help are counted once per
    // series, though series of one family share them).
    size_t one = sized(f, c, i, i + 1, &ok) - base;
    if (!ok || base + one > max_bytes) {
      // Malformed, or alone too big for any batch: skip it, and say so,
      // rather than stall every later series behind it. Only at the start
      // of a batch, so the batch stays one contiguous range.
      if (p.samples > 0) break;
      ++p.skipped;
      p.begin = p.end = i + 1;
      continue;
    }
    if (p.samples > 0 && (p.samples + ix[i].count > max_samples || p.bytes + one > max_bytes)) break;
    p.samples += ix[i].count;
    p.bytes += one;
    p.end = i + 1;
  }
  return p;
}

size_t encode_batch(WireFormat f, const EncodeContext& c, uint32_t begin, uint32_t end, uint8_t* buf, size_t cap) {
  pb_ostream_t s = pb_ostream_from_buffer(buf, cap);
  if (!encode_any(f, &s, c, begin, end)) return 0;
  return s.bytes_written;
}

}  // namespace edgestat::exporter

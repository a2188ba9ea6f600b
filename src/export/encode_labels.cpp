#include "export/encode_labels.hpp"

#include <cstring>

namespace edgestat::exporter {
namespace {

bool has_name(const SampleLabels& s, std::string_view name) {
  for (size_t i = 0; i < s.n; ++i)
    if (s.l[i].name == name) return true;
  return false;
}

}  // namespace

bool encode_sv_cb(pb_ostream_t* s, const pb_field_t* f, void* const* arg) {
  const auto* v = static_cast<const std::string_view*>(*arg);
  return pb_encode_tag_for_field(s, f) &&
         pb_encode_string(s, reinterpret_cast<const pb_byte_t*>(v->data()), v->size());
}

bool sample_labels(const EncodeContext& c, const SeriesRef& r, uint32_t k, bool remote_write, SampleLabels& out) {
  const SeriesIndex& ix = *c.index;
  const Family& fam = ix.family(r);
  const Sample& smp = ix.sample(r, k);
  size_t n = 0;
  size_t reserve = remote_write ? 2 : 0;  // __name__ and le/quantile
  if (!parse_rendered_labels(ix.snapshot()->labels(smp), out.l, kMaxSeriesLabels - reserve, &n, out.scratch,
                             sizeof out.scratch))
    return false;
  out.n = n;
  if (!remote_write) return true;
  // Prometheus treats an empty label value as no label at all, and the
  // remote write spec asks senders to leave such labels out.
  size_t kept = 0;
  for (size_t i = 0; i < out.n; ++i)
    if (!out.l[i].value.empty()) out.l[kept++] = out.l[i];
  out.n = kept;
  std::string_view sfx = sample_suffix(smp.kind);
  if (fam.name.size() + sfx.size() > sizeof out.name) return false;
  std::memcpy(out.name, fam.name.data(), fam.name.size());
  // An empty suffix is a null string_view: memcpy's source must not be null.
  if (!sfx.empty()) std::memcpy(out.name + fam.name.size(), sfx.data(), sfx.size());
  out.l[out.n++] = {"__name__", {out.name, fam.name.size() + sfx.size()}};
  if (smp.kind == SampleKind::Bucket || smp.kind == SampleKind::Quantile) {
    size_t bn = format_double(smp.bound, out.bound);
    out.l[out.n++] = {smp.kind == SampleKind::Bucket ? "le" : "quantile", {out.bound, bn}};
  }
  for (const LabelPair& e : c.external) {
    if (has_name(out, e.name)) continue;  // the series' own label wins, as in Prometheus
    if (out.n == kMaxSeriesLabels) return false;
    out.l[out.n++] = e;
  }
  sort_labels(out.l, out.n);
  return true;
}

}  // namespace edgestat::exporter

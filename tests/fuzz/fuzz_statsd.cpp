// libFuzzer target: StatsD datagrams through the parser and the StatsD
// aggregator (src/ingest/statsd.hpp, src/ingest/aggregator.hpp), and the
// aggregator's metrics through the text renderer. Input: one datagram.
// Seeds: tests/fuzz/corpus/statsd/.
//
// Invariants beyond fuzz_ingest's parser checks: the series table never
// exceeds its cap (the excess is counted), applying the same datagram again
// adds no series, every series key starts with its metric name, a set's
// estimate is finite and >= 0, and the rendered exposition fits and has
// only well-formed lines (no raw newline inside a sample).
#include <cmath>
#include <cstdint>
#include <string_view>

#include "core/out_buffer.hpp"
#include "fuzz_check.hpp"
#include "ingest/aggregator.hpp"
#include "ingest/statsd.hpp"
#include "metrics/render.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

namespace {

constexpr uint32_t kCap = 8;
char g_render[1 << 20];

size_t apply_all(StatsdAggregator& agg, std::string_view d) {
  std::string_view line;
  size_t good = 0;
  while (next_statsd_line(&d, &line)) {
    StatsdLine l;
    if (parse_statsd_line(line, &l) != StatsdError::None) continue;
    ++good;
    FixedString<kStatsdKeyBytes> key;
    if (statsd_series_key(l, &key)) FUZZ_CHECK(key.view().substr(0, l.name.size()) == l.name);
    agg.apply(l);
    FUZZ_CHECK(agg.size() <= kCap);
  }
  return good;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return 0;
  std::string_view d(reinterpret_cast<const char*>(data), size);
  StatsdAggregator agg;
  FUZZ_CHECK(agg.init(kCap));
  apply_all(agg, d);
  size_t n = agg.size();
  uint64_t over = agg.series_overflow();
  apply_all(agg, d);
  FUZZ_CHECK(agg.size() == n);
  FUZZ_CHECK(agg.series_overflow() >= over);
  for (size_t i = 0; i < agg.size(); ++i) {
    if (agg.series(i).kind != StatsdKind::Set) continue;
    double e = StatsdAggregator::set_estimate(agg.series(i).hll);
    FUZZ_CHECK(std::isfinite(e) && e >= 0);
  }
  static Snapshot snap;
  static bool init = snap.init({});
  FUZZ_CHECK(init);
  snap.clear();
  agg.add_metrics(snap);
  snap.finish();
  OutBuffer out(g_render, sizeof g_render);
  render_exposition(snap, ExpositionFormat::Text004, kAllCollectors, out);
  FUZZ_CHECK(!out.overflowed());
  std::string_view text = out.view();
  while (!text.empty()) {
    size_t nl = text.find('\n');
    FUZZ_CHECK(nl != std::string_view::npos);
    std::string_view l = text.substr(0, nl);
    FUZZ_CHECK(!l.empty() && (l[0] == '#' || l.substr(0, 9) == "edgestat_"));
    text.remove_prefix(nl + 1);
  }
  return 0;
}

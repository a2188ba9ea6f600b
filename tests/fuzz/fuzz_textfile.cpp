// libFuzzer target for the textfile collector's Prometheus text-format
// parser (src/collect/host/textfile_parse.hpp) and its Go float parser.
//
// Input: the bytes of a *.prom file. Seeds: tests/fixtures/*/textfile/*.prom
// and hand-made files covering histograms, summaries, escapes and errors.
//
// Invariants: a refused file names an error and a line; an accepted one has
// every table count within its capacity, every index in range, every view
// (names, HELP, label names and values) inside the input or the parse's
// pool, and point chains that end; parsing again gives the same answer.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "collect/host/textfile_parse.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;
using fuzz::inside;

namespace {

TextfileParse g_a, g_b;  // ~200 KB each: static, not on the stack

void check_accepted(const TextfileParse& p, std::string_view in) {
  std::string_view pool(p.pool, sizeof p.pool);
  FUZZ_CHECK(p.error == TextfileError::None);
  FUZZ_CHECK(p.nfamilies <= kMaxTextfileFamilies && p.nseries <= kMaxTextfileSeries);
  FUZZ_CHECK(p.npoints <= kMaxTextfilePoints && p.nlabels <= kMaxTextfileLabelPairs);
  FUZZ_CHECK(p.npool <= kTextfilePoolBytes && p.nnames <= kMaxTextfileUnionNames);
  uint32_t kept = 0;
  for (uint32_t f = 0; f < p.nfamilies; ++f) {
    const TextfileFamily& fam = p.families[f];
    FUZZ_CHECK(!fam.name.empty() && inside(fam.name, in));
    if (fam.has_help) FUZZ_CHECK(inside(fam.help, in) || inside(fam.help, pool));
    FUZZ_CHECK(fam.names_begin + fam.names_count <= p.nnames);
    FUZZ_CHECK(fam.names_count <= kMaxTextfileLabelNames);
    for (uint32_t i = fam.names_begin; i < uint32_t(fam.names_begin + fam.names_count); ++i) {
      FUZZ_CHECK(!p.label_names[i].empty() && inside(p.label_names[i], in));
      // Sorted and de-duplicated.
      if (i > fam.names_begin) FUZZ_CHECK(p.label_names[i - 1] < p.label_names[i]);
    }
    kept += fam.nseries;
  }
  uint32_t live = 0;
  for (uint32_t s = 0; s < p.nseries; ++s) {
    const TextfileSeries& se = p.series[s];
    FUZZ_CHECK(se.family < p.nfamilies);
    FUZZ_CHECK(se.labels_begin + se.nlabels <= p.nlabels);
    FUZZ_CHECK(se.nlabels <= kMaxTextfileLabelNames);
    if (!se.dropped) ++live;
    for (uint32_t l = se.labels_begin; l < se.labels_begin + se.nlabels; ++l) {
      const TextfileLabelRef& ref = p.labels[l];
      std::string_view n = p.label_name(ref), v = p.label_value(ref);
      FUZZ_CHECK(!n.empty() && inside(n, in));
      if (ref.value_off & TextfileLabelRef::kPoolBit) {
        FUZZ_CHECK(inside(v, std::string_view(p.pool, p.npool)));
      } else {
        FUZZ_CHECK(inside(v, in));
      }
      FUZZ_CHECK(n != "__name__");
    }
    const TextfileFamily& fam = p.families[se.family];
    for (uint32_t i = fam.names_begin; i < uint32_t(fam.names_begin + fam.names_count); ++i)
      (void)p.series_label(se, p.label_names[i]);
    FUZZ_CHECK(se.first_point >= -1 && se.first_point < int32_t(p.npoints));
    size_t steps = 0;
    for (int32_t k = se.first_point; k != -1; k = p.points[k].next) {
      FUZZ_CHECK(k >= 0 && uint32_t(k) < p.npoints);
      FUZZ_CHECK(++steps <= p.npoints);  // chains end
    }
    if (se.first_point != -1) FUZZ_CHECK(se.last_point >= 0 && uint32_t(se.last_point) < p.npoints);
  }
  FUZZ_CHECK(live == kept);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const char* p = reinterpret_cast<const char*>(data);
  std::string_view in(p, size);

  bool ok = parse_textfile(p, size, &g_a);
  if (ok) {
    check_accepted(g_a, in);
  } else {
    FUZZ_CHECK(g_a.error != TextfileError::None);
    FUZZ_CHECK(!textfile_error_text(g_a.error).empty());
    FUZZ_CHECK(g_a.error_line >= 1);
  }
  // Determinism (the same tables, counted).
  bool ok2 = parse_textfile(p, size, &g_b);
  FUZZ_CHECK(ok == ok2 && g_a.error == g_b.error && g_a.error_line == g_b.error_line);
  FUZZ_CHECK(g_a.nfamilies == g_b.nfamilies && g_a.nseries == g_b.nseries && g_a.npoints == g_b.npoints);

  // The float parser on each short token-ish prefix.
  size_t n = size < kMaxTextfileNumberChars ? size : kMaxTextfileNumberChars;
  double v = 0;
  (void)parse_go_float(std::string_view(p, n), &v);
  return 0;
}

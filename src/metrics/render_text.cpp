// Prometheus text format 0.0.4 and OpenMetrics 1.0 from one walk over the
// snapshot: the two differ only in the TYPE/HELP family name for counters,
// the spelling of the untyped type, quote escaping in HELP, and "# EOF".
#include "core/utf8.hpp"
#include "metrics/render.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

// Appends v at p, inside room reserve() already granted (the one-piece
// paths below check the bounds once for a whole line).
void put_raw(char*& p, std::string_view v) {
  copy_bytes(p, v.data(), v.size());
  p += v.size();
}

void put_help(OutBuffer& out, std::string_view help, bool openmetrics) {
  for (size_t i = 0; i < help.size();) {
    // A run of ASCII that needs no escape (all of almost every HELP) goes
    // out in one copy: a put(char) per byte was a fifth of the render.
    size_t j = plain_run_end(help, i, '\\', '\n', openmetrics ? '"' : '\\');
    if (j > i) {
      out.put(help.substr(i, j - i));
      i = j;
      continue;
    }
    char c = help[i];
    if (c == '\\') {
      out.put("\\\\"), ++i;
    } else if (c == '\n') {
      out.put("\\n"), ++i;
    } else if (c == '"' && openmetrics) {
      out.put("\\\""), ++i;
    } else {  // a non-ASCII byte: the run above stops at nothing else
      size_t k = utf8_sequence_length(help, i);
      out.put(k ? help.substr(i, k) : kReplacementChar);
      i += k ? k : 1;
    }
  }
}

bool included(const Sample& s, uint64_t mask) { return (mask >> s.collector) & 1 || s.collector == kSelfCollectorId; }

}  // namespace

void render_exposition(const Snapshot& snap, ExpositionFormat fmt, uint64_t mask, OutBuffer& out) {
  const bool om = fmt == ExpositionFormat::OpenMetrics100;
  for (size_t fi = 0; fi < snap.family_count(); ++fi) {
    const Family& f = snap.family(fi);
    auto samples = snap.samples(f);
    bool any = false;
    for (const Sample& s : samples) any = any || included(s, mask);
    if (!any) continue;
    // OpenMetrics names a counter family without its _total suffix and
    // requires the suffix on every sample of it.
    std::string_view fam_name = f.name;
    bool add_total = false;
    if (om && f.type == MetricType::Counter) {
      if (ends_with(fam_name, "_total")) {
        fam_name.remove_suffix(6);
      } else {
        add_total = true;
      }
    }
    const std::string_view type = om ? type_name_openmetrics(f.type) : type_name_text(f.type);
    // HELP and TYPE lines in one piece when the HELP needs no escape (all
    // but a textfile's odd one) and both fit: nine puts a family were a
    // tenth of the render. The same bytes as the pieces below.
    constexpr size_t kHeadFixed = 7 + 1 + 8 + 1 + 1;  // "# HELP ", ' ', "\n# TYPE ", ' ', '\n'
    const size_t head = kHeadFixed + 2 * fam_name.size() + f.help.size() + type.size();
    if (out.capacity() - out.size() >= head && plain_run_end(f.help, 0, '\\', '\n', om ? '"' : '\\') == f.help.size()) {
      char* const start = out.reserve(head);
      if (!start) break;  // overflowed (sticky): nothing more fits
      char* p = start;
      put_raw(p, "# HELP ");
      put_raw(p, fam_name);
      *p++ = ' ';
      put_raw(p, f.help);
      put_raw(p, "\n# TYPE ");
      put_raw(p, fam_name);
      *p++ = ' ';
      put_raw(p, type);
      *p++ = '\n';
      out.commit(static_cast<size_t>(p - start));
    } else {
      out.put("# HELP ");
      out.put(fam_name);
      out.put(' ');
      put_help(out, f.help, om);
      out.put("\n# TYPE ");
      out.put(fam_name);
      out.put(' ');
      out.put(type);
      out.put('\n');
    }
    for (const Sample& s : samples) {
      if (!included(s, mask)) continue;
      std::string_view suffix = sample_suffix(s.kind);
      std::string_view labels = snap.labels(s);
      // The whole line written at once when the longest it can be fits:
      // a call and a bounds check per piece were a third of the render.
      // The same bytes as the pieces below.
      const size_t longest = f.name.size() + 6 + suffix.size() + labels.size() + 2 * kDoubleChars + 24;
      if (out.capacity() - out.size() >= longest) {
        char* const start = out.reserve(longest);
        if (!start) break;  // overflowed (sticky): nothing more fits
        char* p = start;
        put_raw(p, f.name);
        if (add_total) put_raw(p, "_total");
        put_raw(p, suffix);
        bool bound = s.kind == SampleKind::Bucket || s.kind == SampleKind::Quantile;
        if (!labels.empty() || bound) {
          *p++ = '{';
          put_raw(p, labels);
          if (bound) {
            if (!labels.empty()) *p++ = ',';
            put_raw(p, s.kind == SampleKind::Bucket ? "le=\"" : "quantile=\"");
            p += format_double(s.bound, p);
            *p++ = '"';
          }
          *p++ = '}';
        }
        *p++ = ' ';
        p += format_double(s.value, p);
        *p++ = '\n';
        out.commit(static_cast<size_t>(p - start));
        continue;
      }
      out.put(f.name);
      if (add_total) out.put("_total");
      out.put(suffix);
      bool bound = s.kind == SampleKind::Bucket || s.kind == SampleKind::Quantile;
      if (!labels.empty() || bound) {
        out.put('{');
        out.put(labels);
        if (bound) {
          if (!labels.empty()) out.put(',');
          out.put(s.kind == SampleKind::Bucket ? "le=\"" : "quantile=\"");
          out.put_double(s.bound);
          out.put('"');
        }
        out.put('}');
      }
      out.put(' ');
      out.put_double(s.value);
      out.put('\n');
    }
  }
  if (om) out.put("# EOF\n");
}

}  // namespace edgestat

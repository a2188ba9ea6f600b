// JSON of a snapshot for /api/v1/snapshot: families with their samples,
// labels as objects. Label values are stored rendered for the text format
// (escaped, quoted), so they are unescaped here on the way out.
#include "core/json_writer.hpp"
#include "metrics/render.hpp"

namespace edgestat {
namespace {

// Walks `a="x",b="y\"z"` and emits "a":"x","b":"y\"z" into w. Runs
// between escapes are passed whole to json_escape so multi-byte UTF-8
// sequences stay intact (their bytes are never '\\' or '"').
void put_labels(JsonWriter& w, std::string_view labels) {
  OutBuffer& out = w.out();
  size_t i = 0;
  while (i < labels.size()) {
    size_t eq = labels.find('=', i);
    if (eq == std::string_view::npos) return;
    w.key(labels.substr(i, eq - i));
    w.raw("\"");
    i = eq + 2;  // skip ="
    size_t run = i;
    while (i < labels.size() && labels[i] != '"') {
      if (labels[i] == '\\' && i + 1 < labels.size()) {
        json_escape(out, labels.substr(run, i - run));
        char e = labels[i + 1] == 'n' ? '\n' : labels[i + 1];
        json_escape(out, std::string_view(&e, 1));
        i += 2;
        run = i;
      } else {
        ++i;
      }
    }
    json_escape(out, labels.substr(run, i - run));
    out.put('"');
    i += 2;  // skip closing quote and comma
  }
}

std::string_view kind_name(SampleKind k) {
  switch (k) {
    case SampleKind::Bucket: return "bucket";
    case SampleKind::Quantile: return "quantile";
    case SampleKind::Sum: return "sum";
    case SampleKind::Count: return "count";
    default: return {};
  }
}

}  // namespace

void render_json(const Snapshot& snap, uint64_t mask, OutBuffer& out) {
  JsonWriter w(out);
  w.begin_object();
  w.field_i64("timestamp_ms", snap.timestamp_ms);
  w.key("families");
  w.begin_array();
  for (size_t fi = 0; fi < snap.family_count(); ++fi) {
    const Family& f = snap.family(fi);
    bool opened = false;
    for (const Sample& s : snap.samples(f)) {
      if (!((mask >> s.collector) & 1) && s.collector != kSelfCollectorId) continue;
      if (!opened) {
        w.begin_object();
        w.field("name", f.name);
        w.field("type", type_name_text(f.type));
        w.field("help", f.help);
        w.key("samples");
        w.begin_array();
        opened = true;
      }
      w.begin_object();
      w.key("labels");
      w.begin_object();
      put_labels(w, snap.labels(s));
      w.end_object();
      if (s.kind != SampleKind::Plain) {
        w.field("kind", kind_name(s.kind));
        if (s.kind == SampleKind::Bucket) w.field_double("le", s.bound);
        if (s.kind == SampleKind::Quantile) w.field_double("quantile", s.bound);
      }
      w.field_double("value", s.value);
      w.end_object();
    }
    if (opened) {
      w.end_array();
      w.end_object();
    }
  }
  w.end_array();
  w.end_object();
}

}  // namespace edgestat

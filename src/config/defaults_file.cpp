#include "config/defaults_file.hpp"

#include "config/export_schema.hpp"
#include "config/schema.hpp"

namespace edgestat {
namespace {

void write_key(OutBuffer& out, const KeySpec& k) {
  out.put("# ");
  out.put(k.help);
  if (k.kind == KeyKind::Enum) {
    out.put(" One of: ");
    std::string_view v = k.enum_values;
    for (char c : v) out.put(c == '|' ? std::string_view(", ") : std::string_view(&c, 1));
    out.put('.');
  }
  if (k.apply == Apply::Restart) out.put(" Requires a restart.");
  out.put("\n#");
  out.put(k.key);
  out.put(" = ");
  // Regexes and values with edge blanks are quoted so they read back
  // exactly as written.
  bool quote = k.kind == KeyKind::Regex && !k.default_value.empty();
  if (quote) out.put('"');
  out.put(k.default_value);
  if (quote) out.put('"');
  out.put('\n');
}

// Push target sections are named, so they are documented as one commented
// example (uncommenting keys alone must not put them in another section).
void write_export_example(OutBuffer& out) {
  out.put(
      "\n# Push targets: [export.remote_write.NAME] (Prometheus remote write 1.0) and\n"
      "# [export.otlp.NAME] (OTLP/HTTP protobuf), up to 4, each with the keys below at\n"
      "# their defaults; url is required. Named sections live in this file only (no\n"
      "# environment or flag spelling); changing them needs a restart. See README.md,\n"
      "# \"Pushing metrics\".\n"
      "# [export.remote_write.NAME]\n");
  for (const ExportKeySpec& k : export_target_keys()) {
    out.put("#   ");
    out.put(k.spec.key);
    out.put(" = ");
    out.put(k.spec.default_value);
    out.put("\n#       ");
    out.put(k.spec.help);
    out.put('\n');
  }
}

}  // namespace

void write_default_config(OutBuffer& out, std::span<const CollectorDefault> collectors) {
  out.put(
      "# edgestat configuration: every key with its default, commented out.\n"
      "# Uncomment and change what you need. Later sources win: this file, then\n"
      "# EDGESTAT_<SECTION>_<KEY> environment variables (dots and dashes as '_'),\n"
      "# then flags (--section.key-name=value). Unknown keys are errors.\n"
      "# Durations take a unit (500ms, 15s, 5m, 1h); sizes take B, KiB, MiB, GiB.\n");
  auto keys = config_keys();
  for (size_t i = 0; i < keys.size(); ++i) {
    // Sections in order of first appearance; each written once, whole.
    bool seen = false;
    for (size_t j = 0; j < i; ++j) seen = seen || keys[j].section == keys[i].section;
    if (seen) continue;
    out.put("\n[");
    out.put(keys[i].section);
    out.put("]\n");
    for (size_t j = i; j < keys.size(); ++j)
      if (keys[j].section == keys[i].section) write_key(out, keys[j]);
    if (keys[i].section == kCollectorSection) {
      out.put("# One switch per collector (flags: --collector.NAME, --no-collector.NAME).\n");
      for (const CollectorDefault& c : collectors) {
        out.put('#');
        out.put(c.name);
        out.put(c.enabled ? " = true\n" : " = false\n");
      }
    }
  }
  write_export_example(out);
}

}  // namespace edgestat

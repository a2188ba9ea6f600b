#include "config/defaults_file.hpp"

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
}

}  // namespace edgestat

#include "config/origin.hpp"

#include <cstdio>

#include "config/config.hpp"
#include "config/schema.hpp"

namespace edgestat {
namespace {

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

const KeyOrigin* origin_of(const Config& c, std::string_view section, std::string_view key) {
  const KeySpec* k = find_key(section, key);
  if (!k) return nullptr;
  return &c.origins.keys[static_cast<size_t>(k - config_keys().data())];
}

KeyWhere where_of(const Config& c, const KeyOrigin* o, std::string_view section, std::string_view key) {
  KeyWhere w;
  if (!o) return w;
  switch (o->kind) {
    case OriginKind::Default:
      break;
    case OriginKind::File: {
      char line[16];
      std::snprintf(line, sizeof line, ":%u: ", o->line);
      w.assign(c.origins.file.view());
      w.append(line);
      break;
    }
    case OriginKind::Env:
      // The same spelling apply_env matches: EDGESTAT_<SECTION>_<KEY>.
      w.assign("environment EDGESTAT_");
      for (char ch : section) w.push_back(ch == '.' || ch == '-' ? '_' : upper(ch));
      w.push_back('_');
      for (char ch : key) w.push_back(ch == '.' || ch == '-' ? '_' : upper(ch));
      w.append(": ");
      break;
    case OriginKind::Flag:
      w.assign("flag --");
      w.append(section);
      w.push_back('.');
      for (char ch : key) w.push_back(ch == '_' ? '-' : ch);
      w.append(": ");
      break;
  }
  return w;
}

}  // namespace

KeyWhere key_where(const Config& c, std::string_view section, std::string_view key) {
  return where_of(c, origin_of(c, section, key), section, key);
}

KeyWhere collector_where(const Config& c, size_t id, std::string_view name) {
  return id < c.collector_switch_origin.size() ? where_of(c, &c.collector_switch_origin[id], kCollectorSection, name)
                                               : KeyWhere{};
}

KeyWhere pair_where(const Config& c, std::string_view section_a, std::string_view key_a, std::string_view section_b,
                    std::string_view key_b) {
  KeyWhere a = key_where(c, section_a, key_a);
  return a.empty() ? key_where(c, section_b, key_b) : a;
}

}  // namespace edgestat

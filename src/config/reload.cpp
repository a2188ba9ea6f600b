#include "config/reload.hpp"

namespace edgestat {
namespace {

// KeySpec::field takes a mutable Config; reading through it changes nothing.
const void* field_of(const KeySpec& k, const Config& c) { return k.field(const_cast<Config&>(c)); }

template <typename T>
const T& as(const void* p) {
  return *static_cast<const T*>(p);
}

void copy_value(const KeySpec& k, const Config& from, Config& to) {
  const void* f = field_of(k, from);
  void* t = k.field(to);
  switch (k.kind) {
    case KeyKind::Bool: *static_cast<bool*>(t) = as<bool>(f); break;
    case KeyKind::Uint:
    case KeyKind::Duration:
    case KeyKind::Bytes: *static_cast<uint64_t*>(t) = as<uint64_t>(f); break;
    case KeyKind::String: *static_cast<ConfigString*>(t) = as<ConfigString>(f); break;
    case KeyKind::List: *static_cast<ConfigList*>(t) = as<ConfigList>(f); break;
    case KeyKind::Enum: *static_cast<uint8_t*>(t) = as<uint8_t>(f); break;
    case KeyKind::Regex: *static_cast<ConfigRegex*>(t) = as<ConfigRegex>(f); break;
    case KeyKind::Patterns: *static_cast<ConfigKeyPatterns*>(t) = as<ConfigKeyPatterns>(f); break;
  }
}

}  // namespace

bool same_value(const KeySpec& k, const Config& a, const Config& b) {
  const void* fa = field_of(k, a);
  const void* fb = field_of(k, b);
  switch (k.kind) {
    case KeyKind::Bool: return as<bool>(fa) == as<bool>(fb);
    case KeyKind::Uint:
    case KeyKind::Duration:
    case KeyKind::Bytes: return as<uint64_t>(fa) == as<uint64_t>(fb);
    case KeyKind::String: return as<ConfigString>(fa).view() == as<ConfigString>(fb).view();
    case KeyKind::List: {
      const auto& la = as<ConfigList>(fa);
      const auto& lb = as<ConfigList>(fb);
      if (la.size() != lb.size()) return false;
      for (size_t i = 0; i < la.size(); ++i)
        if (la[i].view() != lb[i].view()) return false;
      return true;
    }
    case KeyKind::Enum: return as<uint8_t>(fa) == as<uint8_t>(fb);
    case KeyKind::Regex: return as<ConfigRegex>(fa).source.view() == as<ConfigRegex>(fb).source.view();
    case KeyKind::Patterns:
      return as<ConfigKeyPatterns>(fa).source.view() == as<ConfigKeyPatterns>(fb).source.view();
  }
  return false;
}

size_t keep_restart_values(const Config& running, Config& next, const KeySpec** kept, size_t cap) {
  size_t n = 0;
  for (const KeySpec& k : config_keys()) {
    if (k.apply != Apply::Restart || same_value(k, running, next)) continue;
    copy_value(k, running, next);
    if (n < cap) kept[n] = &k;
    ++n;
  }
  return n;
}

}  // namespace edgestat

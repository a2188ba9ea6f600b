#include "config/autoscale_group_schema.hpp"

#include <cstdio>

#include "core/ipv4.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

#define GFIELD(expr) [](AutoscaleGroupConfig& g) -> void* { return &g.expr; }
#define K(key, kind, def, help, min, max, field) {{"", key, kind, def, help, min, max, {}, nullptr}, GFIELD(field)}
#define E(key, def, values, help, field) {{"", key, KeyKind::Enum, def, help, 0, 0, values, nullptr}, GFIELD(field)}

constexpr uint64_t kH = 3600 * 1000;

const GroupKeySpec kGroupKeys[] = {
    K("base", KeyKind::String, "",
      "The container cloned for each new instance (required; kept stopped: LXC clones a stopped container).", 0, 0,
      base),
    K("min_instances", KeyKind::Uint, "1", "Running clones the group always has (started at once when fewer).", 0, 64,
      min_instances),
    K("max_instances", KeyKind::Uint, "5", "Running clones at most.", 1, 64, max_instances),
    K("cpu_upper", KeyKind::Uint, "80", "Scale out when the clones' mean CPU use (% of their CPU limit) stays above.",
      1, 100, cpu_upper),
    K("cpu_lower", KeyKind::Uint, "20", "Scale in when mean CPU and memory use both stay below their lower bounds.", 0,
      99, cpu_lower),
    K("memory_upper", KeyKind::Uint, "80", "Scale out when the mean working set (% of the memory limit) stays above.",
      1, 100, memory_upper),
    K("memory_lower", KeyKind::Uint, "20", "Lower bound of the mean working set for scaling in (%).", 0, 99,
      memory_lower),
    K("scale_out_grace", KeyKind::Duration, "5m",
      "How long usage must stay high (counted from the last action too) before a scale out.", 0, 24 * kH,
      scale_out_grace_ms),
    K("scale_in_grace", KeyKind::Duration, "10m",
      "How long usage must stay low (counted from the last action too) before a scale in.", 0, 24 * kH,
      scale_in_grace_ms),
    K("clone_prefix", KeyKind::String, "", "Clones are named PREFIX-SEQ; empty: the group's name.", 0, 0,
      clone_prefix),
    K("snapshot", KeyKind::Bool, "false",
      "Snapshot clones (lxc-copy -s: overlay or the backing store's snapshots) instead of full copies.", 0, 0,
      snapshot),
    K("address_range", KeyKind::String, "",
      "Static IPv4 addresses for clones, FIRST-LAST (no two containers get the same); empty: the base's network "
      "config (e.g. DHCP).",
      0, 0, address_range),
    K("address_prefix", KeyKind::Uint, "24", "Prefix length written with each address.", 1, 32, address_prefix),
    K("gateway", KeyKind::String, "", "IPv4 gateway written into each clone's config (with address_range).", 0, 0,
      gateway),
    K("health_command", KeyKind::String, "",
      "Run in a new clone (lxc-attach -n CLONE -- ARGV, split at blanks, no shell); the clone counts once it exits "
      "0. Empty: running is enough.",
      0, 0, health_command),
    K("copy_timeout", KeyKind::Duration, "120s", "Deadline of lxc-copy.", 1000, kH, copy_timeout_ms),
    K("start_timeout", KeyKind::Duration, "60s",
      "A new clone must be running (and healthy) this long after lxc-start, or the scale out failed.", 1000, kH,
      start_timeout_ms),
    K("command_timeout", KeyKind::Duration, "30s", "Deadline of every other command (start, stop, info, attach).",
      1000, kH, command_timeout_ms),
    E("scale_in", "stop", "stop|destroy",
      "What scale in does to the newest clone: stop it (kept for the next scale out), or destroy it (explicit opt-in).",
      scale_in),
    E("mode", "on", "on|recommend|off",
      "on: act; recommend: decide and log what would be done, change nothing; off: ignore the group.", mode),
};

#undef E
#undef K
#undef GFIELD

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Container names as scale/command_allowlist.hpp checks them (config does
// not depend on scale/): [A-Za-z0-9][A-Za-z0-9_.-]*.
bool container_name(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) return false;
  }
  return true;
}

}  // namespace

static_assert(sizeof kGroupKeys / sizeof kGroupKeys[0] <= AutoscaleGroupConfig::kMaxKeys, "key_lines holds 32 keys");

std::span<const GroupKeySpec> autoscale_group_keys() { return kGroupKeys; }

const GroupKeySpec* find_group_key(std::string_view key) {
  for (const GroupKeySpec& k : kGroupKeys)
    if (k.spec.key == key) return &k;
  return nullptr;
}

bool parse_group_section(std::string_view section, std::string_view* name, const char** why) {
  std::string_view rest = section.substr(kGroupSectionPrefix.size());
  if (rest.empty() || rest.size() > 40) {
    *why = "a group needs a NAME of 1..40 characters";
    return false;
  }
  for (char c : rest) {
    if (!name_char(c)) {
      *why = "a group NAME may only contain letters, digits, '_' and '-'";
      return false;
    }
  }
  *name = rest;
  return true;
}

bool set_group_key(AutoscaleGroupConfig& g, const GroupKeySpec& k, std::string_view value, const char** why) {
  return set_field(k.field(g), k.spec, value, false, why);
}

bool group_defaults(AutoscaleGroupConfig& g, const char** bad_key, const char** why) {
  for (const GroupKeySpec& k : kGroupKeys) {
    if (!set_group_key(g, k, k.spec.default_value, why)) {
      *bad_key = k.spec.key.data();
      return false;
    }
  }
  return true;
}

uint32_t group_key_line(const AutoscaleGroupConfig& g, std::string_view key) {
  const GroupKeySpec* k = find_group_key(key);
  if (!k) return g.line;
  uint32_t l = g.key_lines[static_cast<size_t>(k - kGroupKeys)];
  return l ? l : g.line;
}

void validate_groups(const AutoscaleGroupsConfig& gs, ConfigErrors& e) {
  // Clone names PREFIX-SEQ stay within LXC names of 64 bytes (SEQ <= 6 digits).
  constexpr size_t kMaxPrefix = 64 - 7;
  for (size_t i = 0; i < gs.groups.size(); ++i) {
    const AutoscaleGroupConfig& g = gs.groups[i];
    const char* f = g.file.c_str();
    char sec[64];
    std::snprintf(sec, sizeof sec, "[autoscale.group.%s]", g.name.c_str());
    auto at = [&g](std::string_view key) { return group_key_line(g, key); };
    if (g.base.empty()) e.add("%s:%u: %s: base is required (the container to clone)", f, g.line, sec);
    else if (!container_name(g.base.view(), 64))
      e.add("%s:%u: %s base = \"%s\": not a container name ([A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 bytes)", f,
            at("base"), sec, g.base.c_str());
    std::string_view prefix = g.clone_prefix.empty() ? g.name.view() : g.clone_prefix.view();
    if (!container_name(prefix, kMaxPrefix))
      e.add("%s:%u: %s clone_prefix = \"%.*s\": not a container name prefix (at most %zu bytes)", f,
            at("clone_prefix"), sec, int(prefix.size()), prefix.data(), kMaxPrefix);
    if (g.min_instances > g.max_instances)
      e.add("%s:%u: %s: min_instances (%llu) is above max_instances (%llu)", f, at("min_instances"), sec,
            static_cast<unsigned long long>(g.min_instances), static_cast<unsigned long long>(g.max_instances));
    if (g.cpu_lower >= g.cpu_upper)
      e.add("%s:%u: %s: cpu_lower (%llu) must be below cpu_upper (%llu)", f, at("cpu_lower"), sec,
            static_cast<unsigned long long>(g.cpu_lower), static_cast<unsigned long long>(g.cpu_upper));
    if (g.memory_lower >= g.memory_upper)
      e.add("%s:%u: %s: memory_lower (%llu) must be below memory_upper (%llu)", f, at("memory_lower"), sec,
            static_cast<unsigned long long>(g.memory_lower), static_cast<unsigned long long>(g.memory_upper));
    uint32_t first = 0, last = 0, gw = 0;
    if (!g.address_range.empty()) {
      if (!parse_ipv4_range(g.address_range.view(), &first, &last))
        e.add("%s:%u: %s address_range = \"%s\": not FIRST-LAST IPv4 addresses with FIRST <= LAST", f,
              at("address_range"), sec, g.address_range.c_str());
      else if (last - first + 1 < g.max_instances)
        e.add("%s:%u: %s: address_range holds %u addresses, fewer than max_instances (%llu)", f, at("address_range"),
              sec, last - first + 1, static_cast<unsigned long long>(g.max_instances));
    }
    if (!g.gateway.empty()) {
      if (g.address_range.empty())
        e.add("%s:%u: %s: gateway needs address_range", f, at("gateway"), sec);
      else if (!parse_ipv4(g.gateway.view(), &gw))
        e.add("%s:%u: %s gateway = \"%s\": not an IPv4 address", f, at("gateway"), sec, g.gateway.c_str());
    }
    // The health command's words, checked like lxc-attach's arguments later.
    size_t words = 0;
    for (std::string_view rest = g.health_command.view(); !trim(rest).empty();) {
      rest = trim(rest);
      size_t sp = rest.find_first_of(" \t");
      ++words;
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp);
    }
    if (words > 16)
      e.add("%s:%u: %s health_command: %zu words, at most 16", f, at("health_command"), sec, words);
    for (size_t j = 0; j < i; ++j) {
      const AutoscaleGroupConfig& o = gs.groups[j];
      std::string_view op = o.clone_prefix.empty() ? o.name.view() : o.clone_prefix.view();
      if (op == prefix)
        e.add("%s:%u: %s: clone prefix \"%.*s\" is also [autoscale.group.%s]'s: their clones would mix", f,
              at("clone_prefix"), sec, int(prefix.size()), prefix.data(), o.name.c_str());
      if (o.base.view() == g.base.view() && !g.base.empty())
        e.add("%s:%u: %s: base \"%s\" is also [autoscale.group.%s]'s", f, at("base"), sec, g.base.c_str(),
              o.name.c_str());
    }
  }
}

}  // namespace edgestat

#include "config/autoscale_schema.hpp"

#include <cmath>
#include <cstdio>

#include "config/values.hpp"
#include "core/glob.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

// Container names this long or longer match no tier and count as ignored
// (as when the name was copied into fnmatch's 80-byte C string); LXC and
// Proxmox names are far shorter.
constexpr size_t kMaxGlobName = 80;

// Cores: a decimal number of CPUs ("0.5", "2"); Bytes: config byte sizes
// ("512MiB"); Ratio: 0..1; Percent: 0..100 stored as 0..1; Count: a whole
// number; Duration: "30s"; Behaviour and Mode: words.
enum class PKind : uint8_t { Cores, Bytes, Ratio, Percent, Count, Duration, Behaviour, Mode };

struct PolicyKey {
  std::string_view key;
  PKind kind;
  std::string_view help;
  double TierPolicy::*d = nullptr;
  uint32_t TierPolicy::*u = nullptr;
  int64_t TierPolicy::*ms = nullptr;
};

using P = TierPolicy;
constexpr PolicyKey kPolicyKeys[] = {
    {"mode", PKind::Mode, "off | recommend (dry run) | on"},
    {"cpu_min", PKind::Cores, "Smallest CPU quota, cores.", &P::cpu_min},
    {"cpu_max", PKind::Cores, "Largest CPU quota, cores.", &P::cpu_max},
    {"cpu_step", PKind::Cores, "CPU quotas are multiples of this.", &P::cpu_step},
    {"off_peak_cpu_min", PKind::Cores, "CPU minimum during off-peak hours.", &P::off_peak_cpu_min},
    {"cpu_max_increment", PKind::Cores, "Largest growth of one action.", &P::cpu_max_increment},
    {"cpu_max_decrement", PKind::Cores, "Largest shrink of one action.", &P::cpu_max_decrement},
    {"cpu_headroom", PKind::Cores, "Never below the CPU rate plus this.", &P::cpu_headroom},
    {"memory_min", PKind::Bytes, "Smallest memory limit.", &P::mem_min},
    {"memory_max", PKind::Bytes, "Largest memory limit.", &P::mem_max},
    {"memory_step", PKind::Bytes, "Memory limits are multiples of this.", &P::mem_step},
    {"off_peak_memory_min", PKind::Bytes, "Memory minimum during off-peak hours.", &P::off_peak_mem_min},
    {"memory_max_increment", PKind::Bytes, "Largest growth of one action.", &P::mem_max_increment},
    {"memory_max_decrement", PKind::Bytes, "Largest shrink of one action.", &P::mem_max_decrement},
    {"memory_headroom", PKind::Bytes, "Never below the working set plus this.", &P::mem_headroom},
    {"oom_min_bump", PKind::Bytes, "Smallest growth after an OOM kill.", &P::oom_min_bump},
    {"cpu_upper_threshold", PKind::Percent, "Percent of the quota above which a sample counts up.", &P::cpu_upper},
    {"cpu_lower_threshold", PKind::Percent, "Percent of the quota below which a sample counts down.", &P::cpu_lower},
    {"memory_upper_threshold", PKind::Percent, "Percent of the limit above which a sample counts up.", &P::mem_upper},
    {"memory_lower_threshold", PKind::Percent, "Percent of the limit below which a sample counts down.", &P::mem_lower},
    {"up_samples", PKind::Count, "Consecutive samples above to grow.", nullptr, &P::up_samples},
    {"down_samples", PKind::Count, "Consecutive samples below to shrink.", nullptr, &P::down_samples},
    {"min_samples", PKind::Count, "Samples before a recommendation is acted on.", nullptr, &P::min_samples},
    {"up_cooldown", PKind::Duration, "Time between two growths.", nullptr, nullptr, &P::up_cooldown_ms},
    {"down_cooldown", PKind::Duration, "Time after any action before a shrink.", nullptr, nullptr, &P::down_cooldown_ms},
    {"half_life", PKind::Duration, "Memory histogram half-life (VPA: 24h)."},
    {"cpu_half_life", PKind::Duration, "CPU histogram half-life."},
    {"target_percentile", PKind::Ratio, "Recommendation target (VPA: 0.9).", &P::target_percentile},
    {"lower_percentile", PKind::Ratio, "Lower bound (VPA: 0.5).", &P::lower_percentile},
    {"upper_percentile", PKind::Ratio, "Upper bound (VPA: 0.95).", &P::upper_percentile},
    {"margin", PKind::Ratio, "Safety margin over the percentile (VPA: 0.15).", &P::margin},
    {"oom_bump", PKind::Ratio, "Growth after an OOM kill (VPA: 0.2).", &P::oom_bump},
    {"psi_stop", PKind::Ratio, "Memory PSI share that stops shrinking.", &P::psi_stop},
    {"behaviour", PKind::Behaviour, "normal | conservative (x0.5) | aggressive (x2)", &P::behaviour},
};
constexpr size_t kNumPolicyKeys = sizeof kPolicyKeys / sizeof kPolicyKeys[0];
static_assert(kNumPolicyKeys <= kMaxPolicyKeys);

// Global-only keys get bits after the policy keys in AutoscaleConfig::key_lines.
enum GlobalKey : uint8_t { kReserveCpu, kReserveMemory, kOffPeakStart, kOffPeakEnd, kIgnore, kPersist, kGlobalKeys };
constexpr std::string_view kGlobalNames[kGlobalKeys] = {"reserve_cpu",    "reserve_memory", "off_peak_start",
                                                        "off_peak_end",   "ignore",         "persist"};
static_assert(kNumPolicyKeys + kGlobalKeys <= kMaxPolicyKeys);

bool parse_mode(std::string_view v, AutoscaleMode* m) {
  if (v == "off") *m = AutoscaleMode::Off;
  else if (v == "recommend" || v == "dry-run") *m = AutoscaleMode::Recommend;
  else if (v == "on") *m = AutoscaleMode::On;
  else return false;
  return true;
}

bool parse_decimal(std::string_view v, double* out, const char** why) {
  auto d = parse_double(v);
  if (!d || !std::isfinite(*d) || *d < 0) {
    *why = "expected a non-negative decimal number";
    return false;
  }
  *out = *d;
  return true;
}

bool set_policy(TierPolicy& p, const PolicyKey& k, std::string_view v, const char** why) {
  double d = 0;
  uint64_t u = 0;
  switch (k.kind) {
    case PKind::Mode:
      if (!parse_mode(v, &p.mode)) return *why = "expected off, recommend or on", false;
      return true;
    case PKind::Behaviour:
      if (v == "normal") p.behaviour = 1;
      else if (v == "conservative") p.behaviour = 0.5;
      else if (v == "aggressive") p.behaviour = 2;
      else return *why = "expected normal, conservative or aggressive", false;
      return true;
    case PKind::Cores:
      if (!parse_decimal(v, &d, why)) return false;
      if (d > 4096) return *why = "more than 4096 cores", false;
      p.*k.d = d;
      return true;
    case PKind::Bytes:
      if (!parse_bytes(v, &u, why)) return false;
      p.*k.d = static_cast<double>(u);
      return true;
    case PKind::Ratio:
      if (!parse_decimal(v, &d, why)) return false;
      if (d > 1) return *why = "expected a fraction between 0 and 1", false;
      p.*k.d = d;
      return true;
    case PKind::Percent:
      if (!parse_decimal(v, &d, why)) return false;
      if (d > 100) return *why = "expected a percentage between 0 and 100", false;
      p.*k.d = d / 100;
      return true;
    case PKind::Count: {
      auto n = parse_u64(v);
      if (!n || *n > 100000) return *why = "expected a whole number up to 100000", false;
      p.*k.u = static_cast<uint32_t>(*n);
      return true;
    }
    case PKind::Duration:
      if (!parse_duration_ms(v, &u, why)) return false;
      if (k.key == "half_life" || k.key == "cpu_half_life") {
        if (u == 0) return *why = "a half-life must be longer than 0", false;
        (k.key == "half_life" ? p.half_life_s : p.cpu_half_life_s) = static_cast<double>(u) / 1000;
      } else {
        p.*k.ms = static_cast<int64_t>(u);
      }
      return true;
  }
  return false;
}

bool set_list(ConfigList& list, std::string_view value, const char** why) {
  list.clear();
  std::string_view rest = value;
  while (!rest.empty()) {
    std::string_view item = trim(next_field(rest, ','));
    if (item.empty()) continue;
    ConfigString s;
    if (!s.assign(item)) return *why = "entry too long", false;
    if (!list.push_back(s)) return *why = "too many entries (at most 8)", false;
  }
  return true;
}

const PolicyKey* find_policy(std::string_view key) {
  for (const PolicyKey& k : kPolicyKeys)
    if (k.key == key) return &k;
  return nullptr;
}

size_t policy_index(std::string_view key) { return static_cast<size_t>(find_policy(key) - kPolicyKeys); }

// Cross-key checks of one policy. Each error names the line of the first
// of its keys set in this section (else the section's own line).
struct Where {
  const char* file;
  uint32_t section_line;
  const uint32_t* lines;
  const char* section;
  char buf[320];
  const char* at(std::string_view a, std::string_view b = {}) {
    uint32_t l = lines[policy_index(a)];
    if (!l && !b.empty()) l = lines[policy_index(b)];
    std::snprintf(buf, sizeof buf, "%s:%u: [%s] ", file, l ? l : section_line, section);
    return buf;
  }
};

void check_policy(const TierPolicy& p, ConfigErrors& e, Where w) {
  if (p.cpu_min > p.cpu_max) e.add("%scpu_min (%g) is above cpu_max (%g)", w.at("cpu_min", "cpu_max"), p.cpu_min, p.cpu_max);
  if (p.mem_min > p.mem_max)
    e.add("%smemory_min (%.0f) is above memory_max (%.0f)", w.at("memory_min", "memory_max"), p.mem_min, p.mem_max);
  // (An off-peak minimum that follows the minimum is reported there.)
  if (p.off_peak_cpu_min > p.cpu_max && p.off_peak_cpu_min != p.cpu_min) e.add("%soff_peak_cpu_min is above cpu_max", w.at("off_peak_cpu_min", "cpu_max"));
  if (p.off_peak_mem_min > p.mem_max && p.off_peak_mem_min != p.mem_min)
    e.add("%soff_peak_memory_min is above memory_max", w.at("off_peak_memory_min", "memory_max"));
  if (!(p.cpu_step > 0)) e.add("%scpu_step must be above 0", w.at("cpu_step"));
  if (!(p.mem_step >= 1048576)) e.add("%smemory_step must be at least 1MiB", w.at("memory_step"));
  if (p.cpu_lower >= p.cpu_upper)
    e.add("%scpu_lower_threshold must be below cpu_upper_threshold", w.at("cpu_lower_threshold", "cpu_upper_threshold"));
  if (p.mem_lower >= p.mem_upper)
    e.add("%smemory_lower_threshold must be below memory_upper_threshold",
          w.at("memory_lower_threshold", "memory_upper_threshold"));
  if (!(p.lower_percentile <= p.target_percentile && p.target_percentile <= p.upper_percentile))
    e.add("%spercentiles must be ordered lower <= target <= upper", w.at("target_percentile", "lower_percentile"));
  if (p.up_samples == 0 || p.down_samples == 0)
    e.add("%sup_samples and down_samples must be at least 1", w.at("up_samples", "down_samples"));
  else if (p.down_samples < p.up_samples)
    e.add("%sdown_samples (%u) below up_samples (%u): shrinking must be slower than growing",
          w.at("down_samples", "up_samples"), p.down_samples, p.up_samples);
}

}  // namespace

bool is_autoscale_section(std::string_view section) {
  return section == kAutoscaleSection || starts_with(section, "autoscale.");
}

void apply_autoscale_entry(AutoscaleConfig& a, ConfigErrors& e, std::string_view section, std::string_view key,
                           std::string_view value, std::string_view origin, uint32_t line) {
  const int ol = int(origin.size()), sl = int(section.size()), kl = int(key.size());
  const char *op = origin.data(), *sp = section.data(), *kp = key.data();
  const char* why = "";
  TierPolicy* policy = &a.policy;
  uint64_t* mask = &a.set_mask;
  uint32_t* lines = a.key_lines;
  AutoscaleTierConfig* tier = nullptr;
  if (section != kAutoscaleSection && !starts_with(section, kAutoscaleTierPrefix))
    return e.add("%.*s:%u: unknown section [%.*s] (expected [autoscale] or [autoscale.tier.NAME])", ol, op, line, sl,
                 sp);
  if (section != kAutoscaleSection) {
    std::string_view name = section.substr(kAutoscaleTierPrefix.size());
    bool ok = !name.empty() && name.size() <= 64;
    for (char c : name) ok = ok && (c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    if (!ok) return e.add("%.*s:%u: [%.*s]: a tier name is 1-64 letters, digits, '_' or '-'", ol, op, line, sl, sp);
    for (auto& t : a.tiers)
      if (t.name.view() == name) tier = &t;
    if (!tier) {
      tier = a.tiers.emplace_back();
      if (!tier) return e.add("%.*s:%u: [%.*s]: more than %zu tiers", ol, op, line, sl, sp, kMaxAutoscaleTiers);
      tier->name.assign(name);
      tier->file.assign(origin);
      tier->line = line;
    }
    policy = &tier->policy;
    mask = &tier->set_mask;
    lines = tier->key_lines;
    if (key == "containers") {
      if (tier->containers_line) return e.add("%.*s:%u: [%.*s] containers set twice", ol, op, line, sl, sp);
      tier->containers_line = line;
      if (!set_list(tier->containers, value, &why))
        e.add("%.*s:%u: [%.*s] containers: %s", ol, op, line, sl, sp, why);
      return;
    }
    if (key == "tags") {
      if (tier->tags_line) return e.add("%.*s:%u: [%.*s] tags set twice", ol, op, line, sl, sp);
      tier->tags_line = line;
      if (!set_list(tier->tags, value, &why)) return e.add("%.*s:%u: [%.*s] tags: %s", ol, op, line, sl, sp, why);
      // Proxmox's tag syntax: [a-z0-9_+.-], no separators inside a tag.
      for (const ConfigString& t : tier->tags)
        for (char c : t.view())
          if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                c == '+' || c == '.'))
            return e.add("%.*s:%u: [%.*s] tags: \"%s\" is not a Proxmox tag (letters, digits, _ + . -)", ol, op, line,
                         sl, sp, t.c_str());
      return;
    }
  } else {
    if (a.line == 0) a.line = line, a.file.assign(origin);
    for (int g = 0; g < kGlobalKeys; ++g) {
      if (key != kGlobalNames[g]) continue;
      uint32_t& kline = a.key_lines[kNumPolicyKeys + g];
      if (kline) return e.add("%.*s:%u: [autoscale] %.*s set twice", ol, op, line, kl, kp);
      kline = line;
      bool ok = true;
      double d = 0;
      uint64_t u = 0;
      switch (g) {
        case kReserveCpu: ok = parse_decimal(value, &d, &why) && (a.reserve_cpu = d, true); break;
        case kReserveMemory: ok = parse_bytes(value, &u, &why) && (a.reserve_memory = static_cast<double>(u), true); break;
        case kOffPeakStart:
        case kOffPeakEnd: {
          auto h = parse_u64(value);
          ok = h && *h <= 23;
          if (!ok) why = "expected an hour 0-23 (UTC)";
          else (g == kOffPeakStart ? a.off_peak_start : a.off_peak_end) = static_cast<int32_t>(*h);
          break;
        }
        case kIgnore: ok = set_list(a.ignore, value, &why); break;
        case kPersist: ok = parse_bool_value(value, &a.persist, &why); break;
      }
      if (!ok)
        e.add("%.*s:%u: [autoscale] %.*s = \"%.*s\": %s", ol, op, line, kl, kp, int(value.size() > 80 ? 80 : value.size()),
              value.data(), why);
      return;
    }
  }
  const PolicyKey* k = find_policy(key);
  if (!k) return e.add("%.*s:%u: unknown key [%.*s] %.*s", ol, op, line, sl, sp, kl, kp);
  size_t bit = static_cast<size_t>(k - kPolicyKeys);
  if ((*mask >> bit) & 1) return e.add("%.*s:%u: [%.*s] %.*s set twice", ol, op, line, sl, sp, kl, kp);
  *mask |= uint64_t{1} << bit;
  lines[bit] = line;
  if (!set_policy(*policy, *k, value, &why))
    e.add("%.*s:%u: [%.*s] %.*s = \"%.*s\": %s", ol, op, line, sl, sp, kl, kp,
          int(value.size() > 80 ? 80 : value.size()), value.data(), why);
}

void finish_autoscale(AutoscaleConfig& a, ConfigErrors& e, double host_cores, double host_memory) {
  char where[320];
  // The off-peak minimums follow the minimums unless set.
  auto follow = [](TierPolicy& p, uint64_t mask) {
    size_t cpu = static_cast<size_t>(find_policy("off_peak_cpu_min") - kPolicyKeys);
    size_t mem = static_cast<size_t>(find_policy("off_peak_memory_min") - kPolicyKeys);
    if (!((mask >> cpu) & 1)) p.off_peak_cpu_min = p.cpu_min;
    if (!((mask >> mem) & 1)) p.off_peak_mem_min = p.mem_min;
  };
  follow(a.policy, a.set_mask);
  // [autoscale] mode is the global switch; unset, the autoscaler is off.
  a.mode = (a.set_mask & 1) ? a.policy.mode : AutoscaleMode::Off;
  a.policy.mode = a.mode;
  if (a.set_mask) check_policy(a.policy, e, Where{a.file.c_str(), a.line, a.key_lines, "autoscale", {}});
  for (AutoscaleTierConfig& t : a.tiers) {
    TierPolicy own = t.policy;
    t.policy = a.policy;
    for (size_t i = 0; i < kNumPolicyKeys; ++i) {
      if (!((t.set_mask >> i) & 1)) continue;
      // Copy the one field the tier set.
      const PolicyKey& k = kPolicyKeys[i];
      if (k.kind == PKind::Mode) t.policy.mode = own.mode;
      else if (k.key == "half_life") t.policy.half_life_s = own.half_life_s;
      else if (k.key == "cpu_half_life") t.policy.cpu_half_life_s = own.cpu_half_life_s;
      else if (k.d) t.policy.*k.d = own.*k.d;
      else if (k.u) t.policy.*k.u = own.*k.u;
      else if (k.ms) t.policy.*k.ms = own.*k.ms;
    }
    follow(t.policy, t.set_mask | a.set_mask);
    // The global mode is the master switch: a tier can only be stricter.
    if (static_cast<uint8_t>(t.policy.mode) > static_cast<uint8_t>(a.mode)) t.policy.mode = a.mode;
    char section[96];
    std::snprintf(section, sizeof section, "autoscale.tier.%.64s", t.name.c_str());
    // A tier's key that it inherited is named at [autoscale]'s line.
    uint32_t lines[kMaxPolicyKeys];
    for (size_t i = 0; i < kMaxPolicyKeys; ++i) lines[i] = t.key_lines[i];
    check_policy(t.policy, e, Where{t.file.c_str(), t.line, lines, section, {}});
    std::snprintf(where, sizeof where, "%s:%u: [%s] ", t.file.c_str(), t.line, section);
    if (t.containers.empty() && t.tags.empty())
      e.add("%scontainers: a tier needs at least one name or glob (containers) or Proxmox tag (tags)", where);
  }
  if (a.mode == AutoscaleMode::Off) return;
  // A global key's own line, else the section's.
  auto at = [&](int g) {
    uint32_t l = a.key_lines[kNumPolicyKeys + g];
    std::snprintf(where, sizeof where, "%s:%u: [autoscale] ", a.file.c_str(), l ? l : a.line);
    return where;
  };
  if (host_cores > 0 && a.reserve_cpu >= host_cores)
    e.add("%sreserve_cpu (%g cores) is not below the host's %g cores", at(kReserveCpu), a.reserve_cpu, host_cores);
  if (host_memory > 0 && a.reserve_memory >= host_memory)
    e.add("%sreserve_memory (%.0f bytes) is not below the host's %.0f bytes", at(kReserveMemory), a.reserve_memory,
          host_memory);
  std::snprintf(where, sizeof where, "%s:%u: [autoscale] ", a.file.c_str(), a.line);
  if ((a.off_peak_start < 0) != (a.off_peak_end < 0))
    e.add("%soff_peak_start and off_peak_end go together", where);
  if (a.tiers.empty()) e.add("%sno [autoscale.tier.NAME] section: no container would be managed", where);
}

int autoscale_tier_of(const AutoscaleConfig& a, std::string_view name, std::string_view pve_tags) {
  if (autoscale_ignored(a, name)) return -1;
  if (name.size() >= kMaxGlobName) return -1;
  for (size_t t = 0; t < a.tiers.size(); ++t) {
    for (const ConfigString& pat : a.tiers[t].containers)
      if (glob_match(pat.c_str(), name)) return static_cast<int>(t);
    for (const ConfigString& tag : a.tiers[t].tags)
      if (pve_tags_contain(pve_tags, tag.view())) return static_cast<int>(t);
  }
  return -1;
}

bool pve_tags_contain(std::string_view tags, std::string_view tag) {
  if (tag.empty()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  size_t i = 0;
  while (i < tags.size()) {
    auto sep = [&](char c) { return c == ';' || c == ',' || c == ' ' || c == '\t'; };
    while (i < tags.size() && sep(tags[i])) ++i;
    size_t j = i;
    while (j < tags.size() && !sep(tags[j])) ++j;
    if (j - i == tag.size()) {
      bool same = true;
      for (size_t k = 0; same && k < tag.size(); ++k) same = lower(tags[i + k]) == lower(tag[k]);
      if (same) return true;
    }
    i = j;
  }
  return false;
}

bool autoscale_ignored(const AutoscaleConfig& a, std::string_view name) {
  if (name.size() >= kMaxGlobName) return true;
  for (const ConfigString& pat : a.ignore)
    if (glob_match(pat.c_str(), name)) return true;
  return false;
}

}  // namespace edgestat

#include "collect/lxc/config_parse.hpp"

#include "collect/lxc/cgroup_parse.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::lxc {
namespace {

template <size_t N>
void copy(FixedString<N>& dst, std::string_view v, bool* overflow) {
  if (!dst.assign(v)) {
    dst.clear();
    *overflow = true;
  }
}

// "lxc.net.N.rest": N and rest; false for other keys.
bool net_key(std::string_view key, uint32_t* idx, std::string_view* rest) {
  if (!starts_with(key, "lxc.net.")) return false;
  std::string_view r = key.substr(8);
  std::string_view n = next_field(r, '.');
  auto v = parse_u64(n);
  if (!v || *v >= kMaxConfigNets) return false;
  *idx = static_cast<uint32_t>(*v);
  *rest = r;
  return true;
}

}  // namespace

bool parse_lxc_config_line(std::string_view line, std::string_view* key, std::string_view* value) {
  std::string_view t = trim(line);
  if (t.empty() || t[0] == '#') return false;
  size_t eq = t.find('=');
  if (eq == std::string_view::npos) return false;
  std::string_view k = trim(t.substr(0, eq));
  std::string_view v = trim(t.substr(eq + 1));
  if (k.empty()) return false;
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  *key = k;
  *value = v;
  return true;
}

uint32_t parse_lxc_config(std::string_view text, LxcConfig* out) {
  *out = LxcConfig{};
  uint32_t seen = 0;
  bool has_quota = false, has_period = false;
  uint64_t quota = 0, period = 100000;
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view k, v;
    if (!parse_lxc_config_line(lines.line(), &k, &v) || !starts_with(k, "lxc.")) continue;
    ++seen;
    uint32_t idx = 0;
    std::string_view rest;
    bool unlimited = false;
    if (k == "lxc.uts.name") {
      copy(out->uts_name, v, &out->overflow);
    } else if (k == "lxc.cgroup.dir") {
      copy(out->cgroup_dir, v, &out->overflow);
    } else if (k == "lxc.cgroup.dir.container") {
      copy(out->container_dir, v, &out->overflow);
    } else if (k == "lxc.cgroup.dir.container.inner") {
      copy(out->container_inner, v, &out->overflow);
    } else if (k == "lxc.cgroup2.memory.max" || k == "lxc.cgroup.memory.limit_in_bytes") {
      // Size suffixes (512M) are what lxc passes to the kernel, which v2
      // accepts; the kernel parses them with memparse.
      uint64_t mult = 1;
      std::string_view num = v;
      if (!num.empty()) {
        char s = num.back();
        if (s == 'K' || s == 'k') mult = 1024;
        else if (s == 'M' || s == 'm') mult = 1024 * 1024;
        else if (s == 'G' || s == 'g') mult = 1024ull * 1024 * 1024;
        if (mult != 1) num.remove_suffix(1);
      }
      auto n = parse_limit(num, &unlimited);
      if (n && !unlimited && *n <= UINT64_MAX / mult) {
        out->has_memory_limit = true;
        out->memory_limit = *n * mult;
      } else {
        out->has_memory_limit = false;
      }
    } else if (k == "lxc.cgroup2.cpu.max") {
      double cores = 0;
      if (parse_cpu_max(v, &cores, &unlimited)) {
        out->has_cpu_quota = !unlimited;
        out->cpu_quota_cores = cores;
      }
    } else if (k == "lxc.cgroup.cpu.cfs_quota_us") {
      auto n = parse_limit(v, &unlimited);
      has_quota = n && !unlimited && *n > 0;
      if (has_quota) quota = *n;
    } else if (k == "lxc.cgroup.cpu.cfs_period_us") {
      auto n = parse_u64(v);
      has_period = n && *n > 0;
      if (has_period) period = *n;
    } else if (net_key(k, &idx, &rest)) {
      if (idx + 1 > out->nets) out->nets = idx + 1;
      if (rest == "type") copy(out->net_type[idx], v, &out->overflow);
      else if (rest == "veth.pair") copy(out->veth_pair[idx], v, &out->overflow);
    }
  }
  if (has_quota) {
    out->has_cpu_quota = true;
    out->cpu_quota_cores = static_cast<double>(quota) / static_cast<double>(period);
  }
  return seen;
}

uint32_t parse_pve_config(std::string_view text, PveConfig* out) {
  *out = PveConfig{};
  uint32_t seen = 0;
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view t = trim(lines.line());
    if (t.empty() || t[0] == '#') continue;
    if (t[0] == '[') break;  // snapshots and pending changes follow
    size_t colon = t.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view k = trim(t.substr(0, colon));
    std::string_view v = trim(t.substr(colon + 1));
    if (k == "hostname") {
      copy(out->hostname, v, &out->overflow);
      ++seen;
    } else if (k == "cores") {
      auto n = parse_u64(v);
      if (n && *n > 0 && *n <= 8192) {
        out->has_cores = true;
        out->cores = static_cast<uint32_t>(*n);
        ++seen;
      }
    } else if (k == "cpulimit") {
      auto d = parse_double(v);
      if (d && *d >= 0 && *d <= 8192) {
        out->has_cpulimit = true;
        out->cpulimit = *d;
        ++seen;
      }
    } else if (k == "tags") {
      copy(out->tags, v, &out->overflow);
      ++seen;
    } else if (k == "lock") {
      copy(out->lock, v, &out->overflow);
      ++seen;
    } else if (k == "memory" || k == "swap") {
      auto n = parse_u64(v);
      if (n && *n <= (uint64_t{1} << 40)) {
        (k == "memory" ? out->has_memory : out->has_swap) = true;
        (k == "memory" ? out->memory_bytes : out->swap_bytes) = *n << 20;
        ++seen;
      }
    }
  }
  return seen;
}

bool is_vmid(std::string_view s) {
  if (s.empty() || s.size() > 9 || s[0] == '0') return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace edgestat::lxc

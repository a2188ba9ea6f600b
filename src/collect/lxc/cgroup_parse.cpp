#include "collect/lxc/cgroup_parse.hpp"

#include "core/hash.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::lxc {

uint64_t parse_flat_keyed(std::string_view text, const std::string_view* keys, size_t nkeys, uint64_t* values) {
  if (nkeys > 64) nkeys = 64;
  uint64_t found = 0;
  Scanner lines(text);
  while (!lines.at_end()) {
    Scanner sc(lines.line());
    std::string_view k = sc.token();
    if (k.empty()) continue;
    for (size_t i = 0; i < nkeys; ++i) {
      if (keys[i] != k) continue;
      auto v = sc.u64();
      if (v && sc.token().empty()) {
        values[i] = *v;
        found |= uint64_t{1} << i;
      }
      break;
    }
  }
  return found;
}

std::optional<uint64_t> parse_limit(std::string_view text, bool* unlimited) {
  std::string_view t = trim(text);
  *unlimited = false;
  if (t == "max") {
    *unlimited = true;
    return uint64_t{0};
  }
  // v1 writes -1 for "no limit" in a few files (cfs_quota_us, soft limits).
  if (t == "-1") {
    *unlimited = true;
    return uint64_t{0};
  }
  auto v = parse_u64(t);
  if (!v) return std::nullopt;
  if (*v >= kV1Unlimited) *unlimited = true;
  return v;
}

bool parse_cpu_max(std::string_view text, double* cores, bool* unlimited) {
  Scanner sc(text);
  std::string_view q = sc.token();
  auto period = sc.u64();
  if (q.empty() || !period || *period == 0 || !sc.token().empty()) return false;
  if (q == "max") {
    *unlimited = true;
    *cores = 0;
    return true;
  }
  auto quota = parse_u64(q);
  if (!quota) return false;
  *unlimited = false;
  *cores = static_cast<double>(*quota) / static_cast<double>(*period);
  return true;
}

std::optional<uint32_t> parse_cpuset_count(std::string_view text) {
  std::string_view rest = trim(text);
  uint64_t count = 0;
  while (!rest.empty()) {
    std::string_view item = next_field(rest, ',');
    bool range = item.find('-') != std::string_view::npos;
    auto lo = parse_u64(next_field(item, '-'));
    if (!lo) return std::nullopt;
    uint64_t hi = *lo;
    if (range) {
      auto h = parse_u64(item);
      if (!h || *h < *lo) return std::nullopt;
      hi = *h;
    }
    // The kernel's limit is NR_CPUS (8192 at most in distributions); a
    // bigger range is not a cpuset.
    if (hi >= 65536) return std::nullopt;
    count += hi - *lo + 1;
  }
  return static_cast<uint32_t>(count);
}

uint64_t shares_to_weight(uint64_t shares) {
  // Both describe the same scheduler weight: 1024 shares is weight 100.
  if (shares > 1024000) shares = 1024000;
  uint64_t w = (shares * 100 + 512) / 1024;
  return w < 1 ? 1 : w > 10000 ? 10000 : w;
}

namespace {

bool parse_majmin(std::string_view s, uint32_t* major, uint32_t* minor) {
  std::string_view ma = next_field(s, ':');
  auto a = parse_u64(ma);
  auto b = parse_u64(s);
  if (!a || !b || *a > 0xffffffffu || *b > 0xffffffffu) return false;
  *major = static_cast<uint32_t>(*a);
  *minor = static_cast<uint32_t>(*b);
  return true;
}

IoDevice* find_or_add(IoDevice* out, size_t* n, size_t cap, uint32_t major, uint32_t minor, size_t* dropped) {
  for (size_t i = 0; i < *n; ++i)
    if (out[i].major == major && out[i].minor == minor) return &out[i];
  if (*n == cap) {
    ++*dropped;
    return nullptr;
  }
  IoDevice* d = &out[(*n)++];
  *d = IoDevice{};
  d->major = major;
  d->minor = minor;
  return d;
}

}  // namespace

size_t parse_io_stat(std::string_view text, IoDevice* out, size_t cap, size_t* dropped) {
  size_t n = 0;
  Scanner lines(text);
  while (!lines.at_end()) {
    Scanner sc(lines.line());
    uint32_t major = 0, minor = 0;
    std::string_view dev = sc.token();
    if (dev.empty() || !parse_majmin(dev, &major, &minor)) continue;
    IoDevice d;
    d.major = major;
    d.minor = minor;
    bool ok = true;
    for (std::string_view kv = sc.token(); !kv.empty(); kv = sc.token()) {
      std::string_view k = next_field(kv, '=');
      auto v = parse_u64(kv);
      if (!v) {
        ok = false;
        break;
      }
      if (k == "rbytes") d.rbytes = *v;
      else if (k == "wbytes") d.wbytes = *v;
      else if (k == "rios") d.rios = *v;
      else if (k == "wios") d.wios = *v;
    }
    if (!ok) continue;
    IoDevice* slot = find_or_add(out, &n, cap, major, minor, dropped);
    if (slot) *slot = d;
  }
  return n;
}

size_t parse_blkio_v1(std::string_view text, bool bytes, IoDevice* out, size_t n, size_t cap, size_t* dropped) {
  Scanner lines(text);
  while (!lines.at_end()) {
    Scanner sc(lines.line());
    std::string_view dev = sc.token();
    uint32_t major = 0, minor = 0;
    if (dev.empty() || !parse_majmin(dev, &major, &minor)) continue;  // "Total N"
    std::string_view op = sc.token();
    auto v = sc.u64();
    if (!v || !sc.token().empty()) continue;
    bool read = op == "Read", write = op == "Write";
    if (!read && !write) continue;
    IoDevice* d = find_or_add(out, &n, cap, major, minor, dropped);
    if (!d) continue;
    if (bytes) (read ? d->rbytes : d->wbytes) = *v;
    else (read ? d->rios : d->wios) = *v;
  }
  return n;
}

bool parse_proc_cgroup(std::string_view text, ProcCgroup* out) {
  *out = ProcCgroup{};
  bool any = false;
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    std::string_view id = next_field(line, ':');
    if (id.empty() || !parse_u64(id) || line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view ctrls = line.substr(0, colon);
    std::string_view path = line.substr(colon + 1);
    if (path.empty() || path[0] != '/') continue;
    any = true;
    if (ctrls.empty()) {
      if (id == "0") out->path[kUnified] = path;
      continue;
    }
    while (!ctrls.empty()) {
      std::string_view c = next_field(ctrls, ',');
      if (c == "cpu") out->path[kCpu] = path;
      else if (c == "cpuacct") out->path[kCpuacct] = path;
      else if (c == "cpuset") out->path[kCpuset] = path;
      else if (c == "memory") out->path[kMemory] = path;
      else if (c == "blkio") out->path[kBlkio] = path;
      else if (c == "pids") out->path[kPids] = path;
    }
  }
  return any;
}

std::optional<uint64_t> parse_pid_starttime(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  Scanner sc(text.substr(close + 1));
  // Fields after comm start at 3 (state); starttime is field 22.
  for (int field = 3; field < 22; ++field)
    if (sc.token().empty()) return std::nullopt;
  return sc.u64();
}

bool parse_status_is_ns_init(std::string_view text) {
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    if (!starts_with(line, "NSpid:")) continue;
    Scanner sc(line.substr(6));
    std::string_view last;
    for (std::string_view t = sc.token(); !t.empty(); t = sc.token()) last = t;
    return last == "1";
  }
  return false;
}

size_t parse_pid_list(std::string_view text, int32_t* out, size_t cap) {
  size_t n = 0;
  Scanner lines(text);
  while (!lines.at_end() && n < cap) {
    std::string_view l = trim(lines.line());
    if (l.empty()) continue;
    auto v = parse_u64(l);
    if (!v || *v == 0 || *v > 0x7fffffff) break;
    out[n++] = static_cast<int32_t>(*v);
  }
  return n;
}

std::optional<uint64_t> parse_btime(std::string_view text) {
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    if (!starts_with(line, "btime ")) continue;
    Scanner sc(line.substr(6));
    return sc.u64();
  }
  return std::nullopt;
}

std::string_view parse_unix_abstract_path(std::string_view line) {
  // "Num RefCount Protocol Flags Type St Inode Path": the path is the 8th
  // column and may be absent (unnamed sockets).
  Scanner sc(line);
  for (int i = 0; i < 7; ++i)
    if (sc.token().empty()) return {};
  std::string_view rest = trim(sc.rest());
  if (rest.size() < 2 || rest[0] != '@') return {};
  return rest.substr(1);
}

bool lxc_command_socket_name(std::string_view lxcpath, std::string_view name, FixedString<128>* out) {
  // sun_path is 108 bytes; LXC keeps one for the leading NUL of an abstract
  // name and one for a terminator, so a name of 106 or more is hashed.
  constexpr size_t kMaxDirect = 106;
  out->clear();
  if (lxcpath.size() + name.size() + sizeof("//command") - 1 < kMaxDirect) {
    out->append(lxcpath);
    out->push_back('/');
    out->append(name);
    out->append("/command");
    return !out->overflowed();
  }
  FixedString<512> full;
  full.append(lxcpath);
  full.push_back('/');
  full.append(name);
  if (full.overflowed()) return false;
  uint64_t h = fnv1a64(full.view());
  char hex[17];
  for (int i = 15; i >= 0; --i) {
    hex[i] = "0123456789abcdef"[h & 15];
    h >>= 4;
  }
  out->append("lxc/");
  out->append(std::string_view(hex, 16));
  out->append("/command");
  return !out->overflowed();
}

}  // namespace edgestat::lxc

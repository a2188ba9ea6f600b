#include "collect/lxc/discovery.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cerrno>

#include "config/config.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat::lxc {
namespace {

// Pids read from one cgroup.procs while looking for the init: the init is
// normally first; a container whose init is not among the first few
// processes of its cgroup is found through the child cgroups instead.
constexpr size_t kProcsScan = 16;
// How deep below the container's cgroup the init may sit: Proxmox's ns/,
// systemd's init.scope, lxc-attach's .lxc.
constexpr int kInitSearchDepth = 2;
// Collision suffixes LXC appends (lxc.payload.NAME-1 ...) that we look at.
constexpr int kMaxCollisionSuffix = 3;
// /proc/PID/status, /proc/PID/cgroup and small cgroup files fit in this.
constexpr size_t kSmallFile = 4096;

Discovery g_discovery;

bool exists(const char* p) { return ::access(p, F_OK) == 0; }

Container* find_slot(Discovery& d, std::string_view name) {
  for (uint32_t i = 0; i < d.live; ++i)
    if (d.slots[i].used && d.slots[i].name == name) return &d.slots[i];
  return nullptr;
}

Container* add_slot(Discovery& d, std::string_view name) {
  if (Container* c = find_slot(d, name)) return c;
  Container* c = nullptr;
  for (uint32_t i = 0; i < d.live && !c; ++i) {
    if (!d.slots[i].used) c = &d.slots[i];
  }
  if (c) {
    *c = Container{};
  } else if (d.live < d.cap) {
    c = new (&d.slots[d.live++]) Container();
  } else {
    ++d.untracked;
    return nullptr;
  }
  if (!c->name.assign(name)) return nullptr;
  c->used = true;
  return c;
}

void discover_pve(Discovery& d, const Config& c, char* scratch, size_t cap, bool* any_dir) {
  if (c.lxc.pve_config_dir.empty()) return;
  PathBuf dir;
  if (!join_path(dir, {rootfs_prefix(c), c.lxc.pve_config_dir.view()})) return;
  DirReader r(dir.c_str());
  if (!r.ok()) return;
  *any_dir = true;
  std::string_view e;
  while (r.next(&e)) {
    if (!ends_with(e, ".conf")) continue;
    std::string_view vmid = e.substr(0, e.size() - 5);
    if (!is_vmid(vmid)) continue;
    PathBuf p;
    size_t n = 0;
    if (!join_path(p, {dir.view(), "/", e}) || !read_file(p.c_str(), scratch, cap, &n)) continue;
    Container* ct = add_slot(d, vmid);
    if (!ct) continue;
    ct->seen = true;
    ct->is_pve = true;
    ct->vmid.assign(vmid);
    parse_pve_config(std::string_view(scratch, n), &ct->pve);
  }
}

void discover_lxcpath(Discovery& d, const Config& c, size_t idx, char* scratch, size_t cap, bool* any_dir) {
  std::string_view lxcpath = c.lxc.lxcpath[idx].view();
  PathBuf dir;
  if (!join_path(dir, {rootfs_prefix(c), lxcpath})) return;
  DirReader r(dir.c_str());
  if (!r.ok()) return;
  *any_dir = true;
  std::string_view e;
  unsigned char type = 0;
  while (r.next(&e, &type)) {
    if (e.empty() || e[0] == '.' || (type != DT_DIR && type != DT_UNKNOWN && type != DT_LNK)) continue;
    PathBuf p;
    size_t n = 0;
    if (!join_path(p, {dir.view(), "/", e, "/config"}) || !read_file(p.c_str(), scratch, cap, &n)) continue;
    Container* ct = find_slot(d, e);
    // The same name under a second lxcpath is a different container that
    // would share every label: the first lxcpath wins, the other is untracked.
    if (ct && ct->seen && ct->has_lxc_config) {
      ++d.untracked;
      continue;
    }
    if (!ct) ct = add_slot(d, e);
    if (!ct) continue;
    ct->seen = true;
    ct->has_lxc_config = true;
    ct->lxcpath = static_cast<uint8_t>(idx);
    parse_lxc_config(std::string_view(scratch, n), &ct->cfg);
  }
}

// Marks the containers whose command socket is listening.
void scan_sockets(Discovery& d, const Config& c, char* scratch, size_t cap) {
  PathBuf p;
  size_t n = 0;
  d.socket_list_ok = join_path(p, {c.path.procfs.view(), "/net/unix"}) && read_file(p.c_str(), scratch, cap, &n);
  if (!d.socket_list_ok) return;
  Scanner lines(std::string_view(scratch, n));
  while (!lines.at_end()) {
    std::string_view path = parse_unix_abstract_path(lines.line());
    if (!ends_with(path, "/command")) continue;
    for (uint32_t i = 0; i < d.live; ++i) {
      Container& ct = d.slots[i];
      if (ct.used && ct.socket == path) ct.socket_seen = true;
    }
  }
}

// Number of path components in a relative cgroup path ("a/b" is 2).
int components(std::string_view s) {
  int n = 0;
  while (!s.empty()) {
    std::string_view part = next_field(s, '/');
    if (!part.empty()) ++n;
  }
  return n;
}

// The first n components of an absolute cgroup path, as "/a/b".
bool prefix_components(std::string_view path, int n, CgroupRel* out) {
  out->clear();
  for (int i = 0; i < n; ++i) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) return false;
    out->push_back('/');
    out->append(next_field(path, '/'));
  }
  return !out->overflowed();
}

// The root of the hierarchy used to find the init, and which controller
// of /proc/PID/cgroup names it.
struct RefHierarchy {
  PathBuf root;
  Controller ctrl = kUnified;
};

bool ref_hierarchy(const Discovery& d, const Config& c, RefHierarchy* h) {
  std::string_view cg = c.path.cgroupfs.view();
  if (d.layout == Layout::V2) {
    h->ctrl = kUnified;
    return join_path(h->root, {cg});
  }
  struct Cand {
    std::string_view dir;
    Controller ctrl;
  };
  constexpr Cand kCands[] = {{"/memory", kMemory}, {"/pids", kPids}, {"/cpuacct", kCpuacct}, {"/cpu", kCpu}};
  for (const Cand& k : kCands) {
    if (!join_path(h->root, {cg, k.dir})) return false;
    if (exists(h->root.c_str())) {
      h->ctrl = k.ctrl;
      return true;
    }
  }
  return false;
}

bool pid_is_ns_init(const Config& c, int32_t pid) {
  char num[16], buf[kSmallFile];
  size_t len = format_u64(static_cast<uint64_t>(pid), num), n = 0;
  PathBuf p;
  if (!join_path(p, {c.path.procfs.view(), "/", std::string_view(num, len), "/status"})) return false;
  if (!read_file(p.c_str(), buf, sizeof buf, &n)) return false;
  return parse_status_is_ns_init(std::string_view(buf, n));
}

// Looks for the container's init in dir and its children, depth first.
int32_t find_init(const Config& c, const PathBuf& dir, int depth, char* scratch, size_t cap) {
  PathBuf p;
  size_t n = 0;
  if (join_path(p, {dir.view(), "/cgroup.procs"}) && read_file(p.c_str(), scratch, cap, &n)) {
    int32_t pids[kProcsScan];
    size_t k = parse_pid_list(std::string_view(scratch, n), pids, kProcsScan);
    for (size_t i = 0; i < k; ++i)
      if (pid_is_ns_init(c, pids[i])) return pids[i];
  }
  if (depth >= kInitSearchDepth) return 0;
  DirReader r(dir.c_str());
  std::string_view e;
  unsigned char type = 0;
  while (r.next(&e, &type)) {
    if (type != DT_DIR && type != DT_UNKNOWN) continue;
    PathBuf child;
    if (!join_path(child, {dir.view(), "/", e})) continue;
    if (type == DT_UNKNOWN && !exists(child.c_str())) continue;
    if (int32_t pid = find_init(c, child, depth + 1, scratch, cap)) return pid;
  }
  return 0;
}

bool read_starttime(const Config& c, int32_t pid, uint64_t* start) {
  char num[16], buf[1024];
  size_t len = format_u64(static_cast<uint64_t>(pid), num), n = 0;
  PathBuf p;
  if (!join_path(p, {c.path.procfs.view(), "/", std::string_view(num, len), "/stat"})) return false;
  if (!read_file(p.c_str(), buf, sizeof buf, &n)) return false;
  auto v = parse_pid_starttime(std::string_view(buf, n));
  if (!v) return false;
  *start = *v;
  return true;
}

// Candidate cgroups (relative to a hierarchy root) of a container, in the
// order LXC would have created them.
size_t candidates(const Discovery& d, const Container& ct, CgroupRel* out, size_t cap) {
  size_t n = 0;
  auto add = [&](std::initializer_list<std::string_view> parts) {
    if (n == cap) return;
    out[n].clear();
    for (std::string_view s : parts) out[n].append(s);
    if (!out[n].overflowed()) ++n;
  };
  std::string_view name = ct.name.view();
  if (!ct.cfg.container_dir.empty()) add({ct.cfg.container_dir.view()});
  if (!ct.cfg.cgroup_dir.empty()) add({ct.cfg.cgroup_dir.view(), "/lxc.payload.", name});
  add({"lxc.payload.", name});
  // A leftover cgroup of the same name makes LXC retry with -1, -2, ...; a
  // configured container named NAME-k owns that cgroup instead.
  for (int k = 1; k <= kMaxCollisionSuffix; ++k) {
    char suffix[4] = {'-', static_cast<char>('0' + k), 0, 0};
    FixedString<80> other;
    other.assign(name);
    other.append(std::string_view(suffix, 2));
    bool owned = false;
    for (uint32_t i = 0; i < d.live && !owned; ++i) owned = d.slots[i].used && d.slots[i].name == other.view();
    if (!owned) add({"lxc.payload.", name, std::string_view(suffix, 2)});
  }
  add({"lxc/", name});  // LXC <= 3.0 and Proxmox (lxc/VMID with ns/ inside)
  return n;
}

bool resolve(Discovery& d, const Config& c, Container& ct, char* scratch, size_t cap) {
  RefHierarchy h;
  if (!ref_hierarchy(d, c, &h)) return false;
  CgroupRel cands[4 + kMaxCollisionSuffix];
  size_t nc = candidates(d, ct, cands, sizeof cands / sizeof cands[0]);
  for (size_t i = 0; i < nc; ++i) {
    std::string_view rel = cands[i].view();
    while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
    PathBuf dir;
    if (!join_path(dir, {h.root.view(), "/", rel}) || !exists(dir.c_str())) continue;
    int32_t pid = find_init(c, dir, 0, scratch, cap);
    if (!pid) continue;
    // The init's own view of its cgroups is the truth; the candidate only
    // says how many leading components are the container's (the rest is
    // ns/, init.scope or .lxc inside it).
    char num[16], buf[kSmallFile];
    size_t len = format_u64(static_cast<uint64_t>(pid), num), n = 0;
    PathBuf p;
    if (!join_path(p, {c.path.procfs.view(), "/", std::string_view(num, len), "/cgroup"}) ||
        !read_file(p.c_str(), buf, sizeof buf, &n))
      continue;
    ProcCgroup pc;
    if (!parse_proc_cgroup(std::string_view(buf, n), &pc)) continue;
    int depth = components(rel);
    std::string_view ref = pc.path[h.ctrl];
    CgroupRel want;
    if (!prefix_components(ref, depth, &want) || !ends_with(want.view(), rel) ||
        want.size() != rel.size() + 1)
      continue;  // the init found is not in this candidate (moved, or raced)
    uint64_t start = 0;
    if (!read_starttime(c, pid, &start)) continue;
    for (int k = 0; k < kControllers; ++k) {
      std::string_view src = d.layout == Layout::V2 ? pc.path[kUnified] : pc.path[k];
      if (d.layout != Layout::Hybrid && k == kUnified && d.layout != Layout::V2) src = {};
      if (src.empty() || !prefix_components(src, depth, &ct.path[k])) ct.path[k].clear();
    }
    if (ct.starttime != 0 && ct.starttime != start) {
      // A new incarnation: fold every counter's last value into its offset.
      for (GuardEntry& g : ct.guard) {
        g.offset += g.last;
        g.last = 0;
      }
      ++ct.restarts;
    }
    ct.pid = pid;
    ct.starttime = start;
    return true;
  }
  return false;
}

Layout detect_layout(const Config& c) {
  PathBuf p;
  std::string_view cg = c.path.cgroupfs.view();
  if (join_path(p, {cg, "/cgroup.controllers"}) && exists(p.c_str())) return Layout::V2;
  bool v1 = false;
  for (std::string_view ctrl : {"/memory", "/cpuacct", "/cpu", "/pids"})
    if (join_path(p, {cg, ctrl}) && exists(p.c_str())) v1 = true;
  if (!v1) return Layout::None;
  if (join_path(p, {cg, "/unified/cgroup.controllers"}) && exists(p.c_str())) return Layout::Hybrid;
  return Layout::V1;
}

}  // namespace

Discovery& discovery() { return g_discovery; }

bool reserve_slots(Discovery& d, uint32_t cap) {
  if (d.slots) return true;  // sized once; a reload keeps the first size
  d.slots = reserve_storage<Container>(cap);
  if (!d.slots) return false;
  d.cap = cap;
  d.live = 0;
  return true;
}

void release_slots(Discovery& d) {
  release_storage(d.slots, d.live, d.cap);
  d = Discovery{};
}

std::string_view display_name(const Container& ct) {
  if (ct.is_pve) return ct.pve.hostname.empty() ? ct.vmid.view() : ct.pve.hostname.view();
  return ct.name.view();
}

double guard_counter(Discovery& d, Container& ct, uint64_t key, double v) {
  if (key == 0) key = 1;
  GuardEntry* free_e = nullptr;
  for (GuardEntry& g : ct.guard) {
    if (g.key == key) {
      if (v < g.last) g.offset += g.last;  // reset without a seen restart
      g.last = v;
      return g.offset + v;
    }
    if (g.key == 0 && !free_e) free_e = &g;
  }
  if (!free_e) {
    ++d.guard_misses;
    return v;
  }
  free_e->key = key;
  free_e->last = v;
  free_e->offset = 0;
  return v;
}

Status discover(Discovery& d, const Config& c, char* scratch, size_t cap) {
  if (!reserve_slots(d, static_cast<uint32_t>(c.lxc.max_containers)))
    return Status::error("cannot reserve %llu container slots", static_cast<unsigned long long>(c.lxc.max_containers));
  d.untracked = 0;
  // The cgroup layout is fixed from boot (v1, hybrid or v2 is a kernel
  // command-line and init choice): detected once per cgroupfs root instead
  // of five access(2) calls a collection. Until cgroups are found (an
  // agent started before init mounted them) it is asked again each time.
  if (d.layout == Layout::None || d.layout_root.view() != c.path.cgroupfs.view()) {
    d.layout = detect_layout(c);
    d.layout_root.assign(c.path.cgroupfs.view());
  }
  for (uint32_t i = 0; i < d.live; ++i) {
    d.slots[i].seen = false;
    d.slots[i].is_pve = false;
    d.slots[i].has_lxc_config = false;
    d.slots[i].socket_seen = false;
  }
  bool any_dir = false;
  discover_pve(d, c, scratch, cap, &any_dir);
  for (size_t i = 0; i < c.lxc.lxcpath.size(); ++i) discover_lxcpath(d, c, i, scratch, cap, &any_dir);
  for (uint32_t i = 0; i < d.live; ++i) {
    Container& ct = d.slots[i];
    if (ct.used && !ct.seen) ct.used = false;  // config removed: forget it
    if (!ct.used) continue;
    std::string_view lxcpath = ct.has_lxc_config ? c.lxc.lxcpath[ct.lxcpath].view() : std::string_view("/var/lib/lxc");
    if (!lxc_command_socket_name(lxcpath, ct.name.view(), &ct.socket)) ct.socket.clear();
  }
  if (!any_dir)
    return Status::error("no LXC config directory (lxcpath %s, Proxmox %s) under %s",
                         c.lxc.lxcpath.empty() ? "none" : c.lxc.lxcpath[0].c_str(), c.lxc.pve_config_dir.c_str(),
                         c.path.rootfs.c_str())
        .with_errno(ENOENT);
  scan_sockets(d, c, scratch, cap);
  for (uint32_t i = 0; i < d.live; ++i) {
    Container& ct = d.slots[i];
    if (!ct.used) continue;
    // Without /proc/net/unix every container is probed through its cgroup.
    bool maybe = !d.socket_list_ok || ct.socket_seen;
    if (!maybe || d.layout == Layout::None) {
      ct.running = false;
      ct.pid = 0;
      continue;
    }
    uint64_t start = 0;
    if (ct.pid > 0 && read_starttime(c, ct.pid, &start) && start == ct.starttime) {
      ct.running = true;
      continue;
    }
    ct.pid = 0;
    ct.running = resolve(d, c, ct, scratch, cap);
  }
  return Status::ok();
}

}  // namespace edgestat::lxc

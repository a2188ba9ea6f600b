// node_exporter's filesystem collector: node_filesystem_{size,free,avail}_
// bytes, files, files_free, readonly and device_error{device,fstype,
// mountpoint} for every mount in /proc/1/mountinfo that the mount point and
// fstype filters keep, statfs()'d under --path.rootfs.
//
// Differences from node_exporter 1.5, on purpose:
// - mountinfo instead of /proc/1/mounts (same mounts, same fields; every
//   \ooo escape in the mount point is decoded, node_exporter decodes only
//   \040 and \011).
// - The root mount "/" is reported whatever its fstype (the OpenWrt rule,
//   see filesystem_reported()).
// - Network and FUSE mounts are statfs()'d on a worker with a deadline
//   ([collector.filesystem] mount_timeout, node_exporter's
//   --collector.filesystem.mount-timeout): a dead NFS or CIFS server costs
//   the loop one timeout, then its mounts report device_error 1 until the
//   stuck call returns (statfs_guard.hpp). Local filesystems are statfs()'d
//   on the loop thread; they answer from memory.
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64  // 64-bit block counts on 32-bit glibc (armhf, mips)
#endif
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collect/host/filesystem_parse.hpp"
#include "collect/host/host.hpp"
#include "collect/statfs_guard.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kSize{"node_filesystem_size_bytes", "Filesystem size in bytes.", MetricType::Gauge};
constexpr FamilyDesc kFree{"node_filesystem_free_bytes", "Filesystem free space in bytes.", MetricType::Gauge};
constexpr FamilyDesc kAvail{"node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.",
                            MetricType::Gauge};
constexpr FamilyDesc kFiles{"node_filesystem_files", "Filesystem total file nodes.", MetricType::Gauge};
constexpr FamilyDesc kFilesFree{"node_filesystem_files_free", "Filesystem total free file nodes.",
                                MetricType::Gauge};
constexpr FamilyDesc kReadonly{"node_filesystem_readonly", "Filesystem read-only status.", MetricType::Gauge};
constexpr FamilyDesc kMountInfo{"node_filesystem_mount_info", "Filesystem mount information.", MetricType::Gauge};
constexpr FamilyDesc kDeviceError{"node_filesystem_device_error",
                                  "Whether an error occurred while getting statistics for the given device.",
                                  MetricType::Gauge};

// Loop-thread buffers for decoded paths (kept off the stack: 4 KiB each).
char g_mount_point[kMaxMountPoint];
char g_other_mount_point[kMaxMountPoint];
char g_stat_path[kMaxPath + kMaxMountPoint + 1];

// True while the statfs worker is stuck on a mount that timed out (logged
// once when it starts and once when it ends).
bool g_worker_stuck = false;

// statfs for one mount: with a deadline when its kind can hang.
StatfsResult stat_mount(const char* path, std::string_view fstype, uint64_t timeout_ms, struct statfs* st,
                        int* err) {
  if (!fstype_may_hang(fstype)) {
    if (::statfs(path, st) == 0) return StatfsResult::Ok;
    *err = errno;
    return StatfsResult::Failed;
  }
  StatfsResult r = guarded_statfs(path, timeout_ms, st, err);
  if (r == StatfsResult::TimedOut) {
    g_worker_stuck = true;
    log_warn("statfs did not return in time; network and FUSE mounts report device_error until it does",
             {{"path", path}, {"fstype", fstype}, {"timeout_ms", timeout_ms}});
  } else if (g_worker_stuck && (r == StatfsResult::Ok || r == StatfsResult::Failed)) {
    g_worker_stuck = false;
    log_info("statfs answers again; network and FUSE mounts are collected again", {{"path", path}});
  }
  return r;
}

// A reported mount: its key hash and where its line is, to confirm a match.
struct Seen {
  uint64_t hash;
  uint32_t offset, length;
};

// The label form of a mountinfo mount point: decoded, rootfs stripped.
bool label_mount_point(std::string_view raw, std::string_view rootfs, char* buf, std::string_view* out) {
  size_t len = 0;
  if (!unescape_octal(raw, buf, kMaxMountPoint, &len)) return false;
  *out = strip_rootfs(std::string_view(buf, len), rootfs);
  return true;
}

class Dedup {
 public:
  // The table lives in whatever scratch space is left behind mountinfo.
  Dedup(std::string_view text, char* space, size_t cap, std::string_view rootfs) : text_(text), rootfs_(rootfs) {
    uintptr_t p = reinterpret_cast<uintptr_t>(space);
    uintptr_t aligned = (p + alignof(Seen) - 1) & ~(uintptr_t{alignof(Seen)} - 1);
    size_t skip = aligned - p;
    seen_ = reinterpret_cast<Seen*>(aligned);
    cap_ = cap > skip ? (cap - skip) / sizeof(Seen) : 0;
  }

  // True if (device, mount point, fstype) was seen on an earlier line of
  // text; otherwise remembers it. line is a view into text.
  bool seen_before(std::string_view line, std::string_view device, std::string_view mp, std::string_view fstype) {
    uint64_t h = mount_key_hash(device, mp, fstype);
    for (size_t i = 0; i < n_; ++i) {
      if (seen_[i].hash == h && same(text_.substr(seen_[i].offset, seen_[i].length), device, mp, fstype)) return true;
    }
    if (n_ < cap_) {
      seen_[n_++] = {h, static_cast<uint32_t>(line.data() - text_.data()), static_cast<uint32_t>(line.size())};
      return false;
    }
    // No room left in the table: compare with every earlier line instead
    // (slow, but only with more mounts than the scratch buffer has room for).
    Scanner lines(text_.substr(0, static_cast<size_t>(line.data() - text_.data())));
    while (!lines.at_end()) {
      if (same(lines.line(), device, mp, fstype)) return true;
    }
    return false;
  }

 private:
  bool same(std::string_view line, std::string_view device, std::string_view mp, std::string_view fstype) const {
    MountInfo m;
    std::string_view other;
    return parse_mountinfo_line(line, &m) == MountInfoParse::Ok && m.source == device && m.fstype == fstype &&
           label_mount_point(m.mount_point, rootfs_, g_other_mount_point, &other) && other == mp;
  }

  std::string_view text_;
  std::string_view rootfs_;
  Seen* seen_ = nullptr;
  size_t cap_ = 0, n_ = 0;
};

}  // namespace

Status collect_filesystem(CollectContext& ctx) {
  // node_exporter reads init's mounts (the host's, when the agent runs in a
  // container with the host's /proc), falling back to its own when /proc/1
  // is hidden (hidepid).
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/1/mountinfo"})) return Status::error("procfs path too long");
  // No access(2) first: the open's ENOENT says the same (one syscall less).
  size_t n = 0;
  Status st = read_file(path.c_str(), ctx.scratch, ctx.scratch_cap, &n);
  if (!st && st.sys_errno() == ENOENT) {
    if (!join_path(path, {ctx.config.path.procfs.view(), "/self/mountinfo"}))
      return Status::error("procfs path too long");
    st = read_file(path.c_str(), ctx.scratch, ctx.scratch_cap, &n);
  }
  if (!st) return st;
  const std::string_view text(ctx.scratch, n);

  std::string_view rootfs = ctx.config.path.rootfs.view();
  while (!rootfs.empty() && rootfs.back() == '/') rootfs.remove_suffix(1);
  const ConfigRegex& mp_ex = ctx.config.filters.filesystem_mount_points_exclude;
  const ConfigRegex& fs_ex = ctx.config.filters.filesystem_fs_types_exclude;
  const Regex* mp_exclude = mp_ex.source.empty() ? nullptr : &mp_ex.re;
  const Regex* fs_exclude = fs_ex.source.empty() ? nullptr : &fs_ex.re;
  Dedup dedup(text, ctx.scratch + n, ctx.scratch_cap - n, rootfs);

  Scanner lines(text);
  unsigned lineno = 0;
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    ++lineno;
    MountInfo m;
    MountInfoParse r = parse_mountinfo_line(line, &m);
    if (r == MountInfoParse::Malformed) return Status::error("%s:%u: malformed line", path.c_str(), lineno);
    if (r == MountInfoParse::Skip) continue;
    std::string_view mp;
    if (!label_mount_point(m.mount_point, rootfs, g_mount_point, &mp))
      return Status::error("%s:%u: mount point longer than %zu bytes", path.c_str(), lineno, kMaxMountPoint);
    if (!filesystem_reported(mp, m.fstype, mp_exclude, fs_exclude)) continue;
    if (dedup.seen_before(line, m.source, mp, m.fstype)) continue;

    // statfs(rootfs + mount point), as node_exporter's rootfsFilePath.
    std::memcpy(g_stat_path, rootfs.data(), rootfs.size());
    std::memcpy(g_stat_path + rootfs.size(), mp.data(), mp.size());
    g_stat_path[rootfs.size() + mp.size()] = '\0';

    struct statfs st;
    int err = 0;
    StatfsResult sr = stat_mount(g_stat_path, m.fstype, ctx.config.filters.filesystem_mount_timeout_ms, &st, &err);
    // node_exporter 1.12: every family carries device_error, "" when statfs
    // worked, else Go's text for the error ("permission denied") or
    // "mountpoint timeout"; a failed mount reports device_error and
    // readonly only.
    std::string_view why = sr == StatfsResult::Ok       ? std::string_view()
                           : sr == StatfsResult::Failed ? go_errno_text(err)
                                                       : std::string_view("mountpoint timeout");
    const Label labels[] = {{"device", m.source}, {"device_error", why}, {"fstype", m.fstype}, {"mountpoint", mp}};
    ctx.out.add(kDeviceError, sr == StatfsResult::Ok ? 0 : 1, labels, 4);
    ctx.out.add(kReadonly, mount_readonly(m) ? 1 : 0, labels, 4);
    if (sr != StatfsResult::Ok) continue;
    const double bsize = static_cast<double>(st.f_bsize);
    ctx.out.add(kSize, static_cast<double>(st.f_blocks) * bsize, labels, 4);
    ctx.out.add(kFree, static_cast<double>(st.f_bfree) * bsize, labels, 4);
    ctx.out.add(kAvail, static_cast<double>(st.f_bavail) * bsize, labels, 4);
    ctx.out.add(kFiles, static_cast<double>(st.f_files), labels, 4);
    ctx.out.add(kFilesFree, static_cast<double>(st.f_ffree), labels, 4);
    FixedString<24> major, minor;
    split_major_minor(m.major_minor, &major, &minor);
    const Label info[] = {{"device", m.source}, {"major", major.view()}, {"minor", minor.view()}, {"mountpoint", mp}};
    ctx.out.add(kMountInfo, 1, info, 4);
  }
  return Status::ok();
}

}  // namespace edgestat

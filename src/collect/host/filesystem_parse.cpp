#include "collect/host/filesystem_parse.hpp"

#include <cerrno>
#include <cstring>

#include "core/hash.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

bool has_option(std::string_view options, std::string_view want) {
  while (!options.empty()) {
    if (next_field(options, ',') == want) return true;
  }
  return false;
}

}  // namespace

std::string_view go_errno_text(int err) {
  switch (err) {
    case EPERM: return "operation not permitted";
    case ENOENT: return "no such file or directory";
    case EINTR: return "interrupted system call";
    case EIO: return "input/output error";
    case ENOMEM: return "cannot allocate memory";
    case EACCES: return "permission denied";
    case EFAULT: return "bad address";
    case ENODEV: return "no such device";
    case ENOTDIR: return "not a directory";
    case ENAMETOOLONG: return "file name too long";
    case ENOSYS: return "function not implemented";
    case ELOOP: return "too many levels of symbolic links";
    case EOVERFLOW: return "value too large for defined data type";
    case ENOTCONN: return "transport endpoint is not connected";
    case ETIMEDOUT: return "connection timed out";
    case EHOSTDOWN: return "host is down";
    case ESTALE: return "stale NFS file handle";
    default: break;
  }
  static char buf[32];
  std::memcpy(buf, "errno ", 6);
  size_t n = format_i64(err, buf + 6);
  return {buf, 6 + n};
}

void split_major_minor(std::string_view mm, FixedString<24>* major, FixedString<24>* minor) {
  // fmt.Sscanf("%d:%d") into ints that start at 0 and are printed back:
  // what does not scan stays "0".
  std::string_view a = next_field(mm, ':');
  auto x = parse_i64(a), y = parse_i64(mm);
  char buf[24];
  major->assign({buf, format_i64(x ? *x : 0, buf)});
  minor->assign({buf, format_i64(x && y ? *y : 0, buf)});
}

MountInfoParse parse_mountinfo_line(std::string_view line, MountInfo* out) {
  Scanner sc(line);
  // mount ID, parent ID, major:minor, root.
  std::string_view first = sc.token();
  if (first.empty()) return MountInfoParse::Skip;
  if (sc.token().empty()) return MountInfoParse::Malformed;
  out->major_minor = sc.token();
  if (out->major_minor.empty() || sc.token().empty()) return MountInfoParse::Malformed;
  out->mount_point = sc.token();
  out->mount_options = sc.token();
  if (out->mount_options.empty()) return MountInfoParse::Malformed;
  // Zero or more optional fields ("shared:1", "master:2") up to "-".
  for (;;) {
    std::string_view t = sc.token();
    if (t.empty()) return MountInfoParse::Malformed;
    if (t == "-") break;
  }
  out->fstype = sc.token();
  out->source = sc.token();
  out->super_options = sc.token();
  if (out->super_options.empty()) return MountInfoParse::Malformed;
  return MountInfoParse::Ok;
}

bool unescape_octal(std::string_view in, char* out, size_t cap, size_t* len) {
  size_t n = 0;
  for (size_t i = 0; i < in.size();) {
    char c = in[i];
    size_t used = 1;
    if (c == '\\' && i + 3 < in.size() && is_octal(in[i + 1]) && is_octal(in[i + 2]) && is_octal(in[i + 3])) {
      unsigned v = static_cast<unsigned>(in[i + 1] - '0') * 64 + static_cast<unsigned>(in[i + 2] - '0') * 8 +
                   static_cast<unsigned>(in[i + 3] - '0');
      if (v >= 1 && v <= 255) {
        c = static_cast<char>(v);
        used = 4;
      }
    }
    if (n == cap) return false;
    out[n++] = c;
    i += used;
  }
  *len = n;
  return true;
}

bool mount_readonly(const MountInfo& m) {
  return has_option(m.mount_options, "ro") || has_option(m.super_options, "ro");
}

std::string_view strip_rootfs(std::string_view mount_point, std::string_view rootfs) {
  while (!rootfs.empty() && rootfs.back() == '/') rootfs.remove_suffix(1);
  if (rootfs.empty() || !starts_with(mount_point, rootfs)) return mount_point;
  std::string_view rest = mount_point.substr(rootfs.size());
  if (rest.empty()) return "/";
  if (rest.front() != '/') return mount_point;  // "/hostfoo" is not under "/host"
  return rest;
}

bool filesystem_reported(std::string_view mount_point, std::string_view fstype, const Regex* mount_points_exclude,
                         const Regex* fs_types_exclude) {
  if (mount_points_exclude && mount_points_exclude->match(mount_point)) return false;
  if (mount_point == "/") return true;
  if (fs_types_exclude && fs_types_exclude->match(fstype)) return false;
  return true;
}

bool fstype_may_hang(std::string_view fstype) {
  static constexpr std::string_view kRemote[] = {"nfs",   "nfs4", "cifs",      "smb3",   "smbfs", "ncpfs", "ceph",
                                                 "9p",    "afs",  "glusterfs", "lustre", "gfs2",  "ocfs2", "davfs",
                                                 "fuse",  "fuseblk"};
  for (std::string_view r : kRemote) {
    if (fstype == r) return true;
  }
  return fstype.starts_with("fuse.");  // fuse.sshfs, fuse.rclone, fuse.glusterfs ...
}

uint64_t mount_key_hash(std::string_view device, std::string_view mount_point, std::string_view fstype) {
  // Equal hashes are confirmed field by field.
  return fnv1a64_next(fnv1a64_next(fnv1a64(device), mount_point), fstype);
}

}  // namespace edgestat

#pragma once
// Pure parsers and rules for the filesystem collector: /proc/<pid>/mountinfo
// lines (proc(5)), the kernel's octal escapes in paths, --path.rootfs
// prefix handling, and which mounts are reported.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

#include "core/regex.hpp"

namespace edgestat {

// A mount point is a path: at most PATH_MAX (4096) bytes once decoded.
inline constexpr size_t kMaxMountPoint = 4096;

struct MountInfo {
  std::string_view major_minor;    // field 3, "8:1"
  std::string_view mount_point;    // field 5, still escaped (\040 for space)
  std::string_view mount_options;  // field 6, per-mount ("rw,relatime")
  std::string_view fstype;         // after the " - " separator
  std::string_view source;         // node_exporter's "device" label
  std::string_view super_options;  // superblock options ("ro,errors=...")
};

enum class MountInfoParse : uint8_t {
  Ok,
  Skip,       // a blank line
  Malformed,  // fewer fields than mountinfo has, or no "-" separator
};

// One mountinfo line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3
// /dev/root rw,errors=continue". Views point into line.
MountInfoParse parse_mountinfo_line(std::string_view line, MountInfo* out);

// The text Go's syscall.Errno.Error() gives for statfs's errors, which
// node_exporter 1.12 puts in the device_error label (lower case, Go's
// table, not libc's strerror: musl and glibc differ). Unknown: "errno N"
// (written into a static buffer; loop thread only).
std::string_view go_errno_text(int err);

// node_filesystem_mount_info's major and minor labels from "8:1".
void split_major_minor(std::string_view mm, FixedString<24>* major, FixedString<24>* minor);

// Decodes the \ooo escapes the kernel writes for space, tab, newline and
// backslash in paths (any \ followed by three octal digits with a value
// 1..255; anything else is copied as is). False if the result does not fit
// in cap bytes.
bool unescape_octal(std::string_view in, char* out, size_t cap, size_t* len);

// node_filesystem_readonly: "ro" in the per-mount or the superblock
// options, which is the first option /proc/mounts shows (and node_exporter
// 1.5 reads /proc/1/mounts).
bool mount_readonly(const MountInfo& m);

// The mount point as reported: with --path.rootfs removed from its front
// when it is there ("/host/home" -> "/home", "/host" -> "/"), like
// node_exporter's rootfsStripPrefix but only at a path boundary. rootfs "/"
// or "" changes nothing; a trailing slash on rootfs is ignored.
std::string_view strip_rootfs(std::string_view mount_point, std::string_view rootfs);

// node_exporter's filters (a null regex is an unset filter) with edgestat's
// OpenWrt rule: the root mount point "/" is reported whatever its fstype.
// On OpenWrt "/" is an overlay of the squashfs /rom and the jffs2 or ubifs
// /overlay, and the default fs-types-exclude (overlay, squashfs) would hide
// the router's root filesystem. The mount points filter still applies to /.
bool filesystem_reported(std::string_view mount_point, std::string_view fstype, const Regex* mount_points_exclude,
                         const Regex* fs_types_exclude);

// Filesystems whose statfs can block for as long as a server or a FUSE
// daemon does not answer: network (NFS, CIFS/SMB, Ceph, 9p, AFS, ...) and
// FUSE. The collector runs their statfs with a deadline (statfs_guard.hpp);
// local filesystems answer from memory and are statfs'd directly.
bool fstype_may_hang(std::string_view fstype);

// 64-bit FNV-1a over device, mount point and fstype: the series identity
// the collector deduplicates on (first mount wins). Equal hashes are
// confirmed by comparing the fields.
uint64_t mount_key_hash(std::string_view device, std::string_view mount_point, std::string_view fstype);

}  // namespace edgestat

// Tests for the filesystem collector: mountinfo lines, octal unescaping,
// rootfs handling, the filters with the OpenWrt root rule, deduplication,
// and the collector end to end over a scratch root.
#include <doctest/doctest.h>
#include <sys/statfs.h>

#include <string>
#include <string_view>

#include "collect/host/filesystem_parse.hpp"
#include "collect/host/host.hpp"
#include "collector_harness.hpp"
#include "core/number.hpp"
#include "core/regex.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {

std::string unescape(std::string_view in, size_t cap = 4096) {
  char buf[4096];
  size_t n = 0;
  if (!unescape_octal(in, buf, cap, &n)) return "<overflow>";
  return std::string(buf, n);
}

// node_exporter 1.x's default filters, as edgestat's config has them.
struct Defaults {
  Regex mp, fs;
  Defaults() {
    char err[128];
    REQUIRE(mp.compile("^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)", err,
                       sizeof err));
    REQUIRE(fs.compile("^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
                       "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
                       "erofs|sysfs|tracefs)$",
                       err, sizeof err));
  }
};

// "size_bytes" as the collector must compute it for path.
std::string size_of(const std::string& path) {
  struct statfs st;
  REQUIRE(::statfs(path.c_str(), &st) == 0);
  char buf[kDoubleChars];
  return std::string(buf, format_double(static_cast<double>(st.f_blocks) * static_cast<double>(st.f_bsize), buf));
}

// node_exporter 1.12's label set: device_error is "" when statfs worked.
std::string labels(const char* device, const char* fstype, const std::string& mp, const char* err = "") {
  return std::string("{device=\"") + device + "\",device_error=\"" + err + "\",fstype=\"" + fstype +
         "\",mountpoint=\"" + mp + "\"}";
}

// OpenWrt's mountinfo (tests/fixtures/openwrt) plus a USB disk whose mount
// point is missing under the scratch root.
constexpr const char* kOpenWrtMountinfo =
    "13 18 31:5 / /rom ro,noatime - squashfs /dev/root ro,errors=continue\n"
    "14 18 0:4 / /proc rw,nosuid,nodev,noexec,noatime - proc proc rw\n"
    "15 18 0:20 / /sys rw,nosuid,nodev,noexec,noatime - sysfs sysfs rw\n"
    "16 15 0:21 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "17 18 0:22 / /tmp rw,nosuid,nodev,noatime - tmpfs tmpfs rw\n"
    "18 1 0:24 / / rw,noatime - overlay overlayfs:/overlay rw,lowerdir=/,upperdir=/overlay/upper,"
    "workdir=/overlay/work\n"
    "19 18 31:6 / /overlay rw,noatime - jffs2 /dev/mtdblock6 rw\n"
    "20 18 0:23 / /dev rw,nosuid,noexec,noatime - tmpfs tmpfs rw,size=512k,mode=755\n"
    "21 20 0:25 / /dev/pts rw,nosuid,noexec,noatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "22 15 0:7 / /sys/kernel/debug rw,noatime - debugfs debugfs rw\n"
    "23 15 0:26 / /sys/fs/bpf rw,nosuid,nodev,noexec,noatime - bpf bpffs rw,mode=700\n"
    "31 18 8:1 / /mnt/sda1 rw,relatime - ext4 /dev/sda1 rw\n";

}  // namespace

TEST_CASE("mountinfo: fields with and without optional fields") {
  MountInfo m;
  REQUIRE(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
                               &m) == MountInfoParse::Ok);
  CHECK(m.mount_point == "/mnt2");
  CHECK(m.mount_options == "rw,noatime");
  CHECK(m.fstype == "ext3");
  CHECK(m.source == "/dev/root");
  CHECK(m.super_options == "rw,errors=continue");
  REQUIRE(parse_mountinfo_line("26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard", &m) == MountInfoParse::Ok);
  CHECK(m.mount_point == "/");
  CHECK(m.source == "/dev/vda");
  REQUIRE(parse_mountinfo_line("62 21 179:1 / /boot/firmware rw,relatime shared:33 master:2 propagate_from:1 - vfat "
                               "/dev/mmcblk0p1 rw,fmask=0022",
                               &m) == MountInfoParse::Ok);
  CHECK(m.mount_point == "/boot/firmware");
  CHECK(m.fstype == "vfat");
  CHECK(m.source == "/dev/mmcblk0p1");
  REQUIRE(parse_mountinfo_line("40 30 0:37 / /mnt/a\\040b rw - fuse.sshfs user@host:/x\\040y rw,user_id=0", &m) ==
          MountInfoParse::Ok);
  CHECK(m.mount_point == "/mnt/a\\040b");  // decoded later, by unescape_octal
  CHECK(m.fstype == "fuse.sshfs");
  CHECK(m.source == "user@host:/x\\040y");
  // A fixture's trailing carriage return or tab is just a separator.
  REQUIRE(parse_mountinfo_line("1 1 0:1 / /x rw - tmpfs tmpfs rw\r", &m) == MountInfoParse::Ok);
  CHECK(m.super_options == "rw");
}

TEST_CASE("mountinfo: blank, truncated and hostile lines") {
  MountInfo m;
  CHECK(parse_mountinfo_line("", &m) == MountInfoParse::Skip);
  CHECK(parse_mountinfo_line("   ", &m) == MountInfoParse::Skip);
  CHECK(parse_mountinfo_line("36", &m) == MountInfoParse::Malformed);
  CHECK(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2", &m) == MountInfoParse::Malformed);
  CHECK(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw master:1", &m) == MountInfoParse::Malformed);
  CHECK(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw -", &m) == MountInfoParse::Malformed);
  CHECK(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw - ext3", &m) == MountInfoParse::Malformed);
  CHECK(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root", &m) == MountInfoParse::Malformed);
  // /proc/mounts format is not mountinfo.
  CHECK(parse_mountinfo_line("/dev/vda / ext4 rw,relatime 0 0", &m) == MountInfoParse::Malformed);
  std::string many = "1 2 0:1 / /x rw";
  for (int i = 0; i < 5000; ++i) many += " shared:1";
  CHECK(parse_mountinfo_line(many, &m) == MountInfoParse::Malformed);
  CHECK(parse_mountinfo_line(many + " - tmpfs tmpfs rw", &m) == MountInfoParse::Ok);
  std::string_view full = "1 2 0:1 / /x rw - tmpfs tmpfs rw";
  CHECK(parse_mountinfo_line(full.substr(0, full.size() - 3), &m) == MountInfoParse::Malformed);
}

TEST_CASE("octal escapes in mount points") {
  CHECK(unescape("/mnt/my\\040disk") == "/mnt/my disk");
  CHECK(unescape("/mnt/tab\\011x") == "/mnt/tab\tx");
  CHECK(unescape("/mnt/nl\\012x") == "/mnt/nl\nx");
  CHECK(unescape("/mnt/back\\134slash") == "/mnt/back\\slash");
  CHECK(unescape("\\040\\040") == "  ");
  CHECK(unescape("/plain") == "/plain");
  CHECK(unescape("") == "");
  // Not an escape: copied as is.
  CHECK(unescape("/a\\04") == "/a\\04");
  CHECK(unescape("/a\\") == "/a\\");
  CHECK(unescape("/a\\999") == "/a\\999");
  CHECK(unescape("/a\\08x") == "/a\\08x");
  CHECK(unescape("/a\\000") == "/a\\000");  // NUL would end the statfs path
  CHECK(unescape("/a\\400") == "/a\\400");  // above a byte
  CHECK(unescape("/a\\377") == "/a\xff");
  // Output space.
  CHECK(unescape("/mnt/x", 6) == "/mnt/x");
  CHECK(unescape("/mnt/xy", 6) == "<overflow>");
  CHECK(unescape("\\040\\040\\040", 3) == "   ");
  CHECK(unescape("\\040\\040\\040", 2) == "<overflow>");
  std::string big(4096, 'a');
  CHECK(unescape(big) == big);
  CHECK(unescape(big + "b") == "<overflow>");
}

TEST_CASE("read-only: per-mount or superblock option, exact words") {
  MountInfo m;
  m.mount_options = "ro,noatime";
  m.super_options = "rw";
  CHECK(mount_readonly(m));
  m.mount_options = "rw,noatime";
  m.super_options = "ro,errors=continue";
  CHECK(mount_readonly(m));
  m.super_options = "rw,errors=remount-ro";
  CHECK_FALSE(mount_readonly(m));
  m.mount_options = "rw,rom";
  m.super_options = "";
  CHECK_FALSE(mount_readonly(m));
  m.mount_options = "nosuid,ro";
  CHECK(mount_readonly(m));
}

TEST_CASE("rootfs prefix") {
  CHECK(strip_rootfs("/home", "/") == "/home");
  CHECK(strip_rootfs("/home", "") == "/home");
  CHECK(strip_rootfs("/host/home", "/host") == "/home");
  CHECK(strip_rootfs("/host/home", "/host/") == "/home");
  CHECK(strip_rootfs("/host", "/host") == "/");
  CHECK(strip_rootfs("/hostile/x", "/host") == "/hostile/x");
  CHECK(strip_rootfs("/", "/host") == "/");
  CHECK(strip_rootfs("/proc", "/work/fixtures/vm/root") == "/proc");
}

TEST_CASE("which filesystems get a statfs deadline") {
  for (const char* t : {"nfs", "nfs4", "cifs", "smb3", "ceph", "9p", "fuse", "fuseblk", "fuse.sshfs", "fuse.rclone"})
    CHECK_MESSAGE(fstype_may_hang(t), t);
  for (const char* t : {"ext4", "xfs", "btrfs", "tmpfs", "vfat", "jffs2", "ubifs", "squashfs", "overlay", "f2fs",
                        "nfsd", "fusectl", "", "NFS"})
    CHECK_MESSAGE(!fstype_may_hang(t), t);
}

TEST_CASE("filters and the OpenWrt root rule") {
  Defaults d;
  // OpenWrt: / is an overlay, /rom squashfs, /overlay jffs2.
  CHECK(filesystem_reported("/", "overlay", &d.mp, &d.fs));
  CHECK_FALSE(filesystem_reported("/rom", "squashfs", &d.mp, &d.fs));
  CHECK(filesystem_reported("/overlay", "jffs2", &d.mp, &d.fs));
  CHECK(filesystem_reported("/overlay", "ubifs", &d.mp, &d.fs));
  CHECK(filesystem_reported("/tmp", "tmpfs", &d.mp, &d.fs));
  // Other overlays (containers) keep node_exporter's exclude.
  CHECK_FALSE(filesystem_reported("/var/lib/docker/overlay2/abc/merged", "overlay", &d.mp, &d.fs));
  CHECK_FALSE(filesystem_reported("/merged", "overlay", &d.mp, &d.fs));
  CHECK(filesystem_reported("/", "squashfs", &d.mp, &d.fs));  // a read-only root image
  CHECK(filesystem_reported("/", "ext4", &d.mp, &d.fs));
  CHECK_FALSE(filesystem_reported("/dev", "tmpfs", &d.mp, &d.fs));
  CHECK_FALSE(filesystem_reported("/dev/shm", "tmpfs", &d.mp, &d.fs));
  CHECK_FALSE(filesystem_reported("/sys/fs/cgroup", "cgroup2", &d.mp, &d.fs));
  CHECK_FALSE(filesystem_reported("/run/credentials/x.service", "ramfs", &d.mp, &d.fs));
  CHECK(filesystem_reported("/run", "tmpfs", &d.mp, &d.fs));
  CHECK(filesystem_reported("/devices", "ext4", &d.mp, &d.fs));
  // The mount points filter still applies to /.
  Regex root;
  char err[64];
  REQUIRE(root.compile("^/$", err, sizeof err));
  CHECK_FALSE(filesystem_reported("/", "overlay", &root, &d.fs));
  // Unset filters keep everything.
  CHECK(filesystem_reported("/proc", "proc", nullptr, nullptr));
}

TEST_CASE("mount key hash: field boundaries matter") {
  CHECK(mount_key_hash("a", "/b", "c") == mount_key_hash("a", "/b", "c"));
  CHECK(mount_key_hash("a", "/b", "c") != mount_key_hash("a/", "b", "c"));
  CHECK(mount_key_hash("tmpfs", "/run", "tmpfs") != mount_key_hash("tmpfs", "/run/lock", "tmpfs"));
  CHECK(mount_key_hash("", "", "") != mount_key_hash("", "", "x"));
}

TEST_CASE("filesystem collector: OpenWrt root overlay reported, /rom excluded, statfs failure") {
  TempTree t;
  t.write("proc/1/mountinfo", kOpenWrtMountinfo);
  for (const char* d : {"rom", "proc", "sys/fs/cgroup", "tmp", "overlay", "dev/pts", "sys/kernel/debug"})
    t.mkdir(std::string("root/") + d);
  const std::string root = t.path("root");
  Run r(collect_filesystem, {{"path.procfs", t.path("proc")}, {"path.rootfs", root}});
  INFO(r.err, "\n", r.text);
  REQUIRE(r.ok);
  const std::string top = labels("overlayfs:/overlay", "overlay", "/");
  CHECK(r.has("# HELP node_filesystem_size_bytes Filesystem size in bytes."));
  CHECK(r.has("# TYPE node_filesystem_size_bytes gauge"));
  CHECK(r.has("# HELP node_filesystem_device_error Whether an error occurred while getting statistics for the given "
              "device."));
  CHECK(r.has("node_filesystem_device_error" + top + " 0"));
  CHECK(r.has("node_filesystem_size_bytes" + top + " " + size_of(root)));
  CHECK(r.has("node_filesystem_readonly" + top + " 0"));
  CHECK(r.count("node_filesystem_avail_bytes" + top) == 1);
  CHECK(r.count("node_filesystem_free_bytes" + top) == 1);
  CHECK(r.count("node_filesystem_files" + top) == 1);
  CHECK(r.count("node_filesystem_files_free" + top) == 1);
  const std::string overlay = labels("/dev/mtdblock6", "jffs2", "/overlay");
  CHECK(r.has("node_filesystem_device_error" + overlay + " 0"));
  CHECK(r.has("node_filesystem_size_bytes" + overlay + " " + size_of(root + "/overlay")));
  CHECK(r.has("node_filesystem_device_error" + labels("tmpfs", "tmpfs", "/tmp") + " 0"));
  // statfs failed: device_error 1 with Go's error text, readonly, and
  // nothing else for that mount (no mount_info either).
  const std::string usb = labels("/dev/sda1", "ext4", "/mnt/sda1", "no such file or directory");
  CHECK(r.has("node_filesystem_device_error" + usb + " 1"));
  CHECK(r.has("node_filesystem_readonly" + usb + " 0"));
  CHECK(r.count(usb) == 2);
  CHECK(r.count("mountpoint=\"/mnt/sda1\"") == 2);
  CHECK(r.has("node_filesystem_mount_info{device=\"tmpfs\",major=\"0\",minor=\"22\",mountpoint=\"/tmp\"} 1"));
  // Excluded: squashfs /rom, the pseudo filesystems, /dev.
  CHECK(r.count("mountpoint=\"/rom\"") == 0);
  CHECK(r.count("mountpoint=\"/dev") == 0);
  CHECK(r.count("mountpoint=\"/sys") == 0);
  CHECK(r.count("mountpoint=\"/proc") == 0);
  // 3 mounts with 8 series each (7 and mount_info), one with 2.
  CHECK(r.count("\nnode_filesystem_") == 3 * 8 + 2);
}

TEST_CASE("filesystem collector: escapes, duplicates, read-only, rootfs prefix, fallback") {
  TempTree t;
  const std::string root = t.path("root");
  t.mkdir("root/mnt/my disk");
  t.mkdir("root/data");
  t.mkdir("root/ro");
  t.write("proc/self/mountinfo",  // no proc/1: hidepid
          "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
          "40 26 8:1 / /mnt/my\\040disk rw,relatime shared:2 - ext4 /dev/sdb1 rw\n"
          "41 26 8:2 / /ro ro,relatime - ext4 /dev/sdb2 rw\n"
          "42 26 8:2 / /ro rw,relatime - ext4 /dev/sdb2 rw\n"  // the same series again: first wins
          "43 26 8:3 / /ro rw,relatime - ext4 /dev/sdb3 ro\n"  // another device on top: its own series
          "44 26 0:50 / " + root + "/data rw - xfs /dev/sdc rw\n"  // seen through the rootfs prefix
          "45 26 0:51 / /data rw - xfs /dev/sdc rw\n");           // the same series once stripped
  Run r(collect_filesystem, {{"path.procfs", t.path("proc")}, {"path.rootfs", root}});
  INFO(r.err, "\n", r.text);
  REQUIRE(r.ok);
  CHECK(r.has("node_filesystem_device_error" + labels("/dev/vda", "ext4", "/") + " 0"));
  CHECK(r.has("node_filesystem_size_bytes" + labels("/dev/sdb1", "ext4", "/mnt/my disk") + " " +
              size_of(root + "/mnt/my disk")));
  CHECK(r.has("node_filesystem_readonly" + labels("/dev/sdb2", "ext4", "/ro") + " 1"));
  CHECK(r.count(labels("/dev/sdb2", "ext4", "/ro")) == 7);
  CHECK(r.has("node_filesystem_readonly" + labels("/dev/sdb3", "ext4", "/ro") + " 1"));
  CHECK(r.has("node_filesystem_size_bytes" + labels("/dev/sdc", "xfs", "/data") + " " + size_of(root + "/data")));
  CHECK(r.count(labels("/dev/sdc", "xfs", "/data")) == 7);
  CHECK(r.count(root + "/data") == 0);
}

TEST_CASE("filesystem collector: custom filters keep the root rule") {
  TempTree t;
  t.write("proc/1/mountinfo", kOpenWrtMountinfo);
  t.mkdir("root/tmp");
  t.mkdir("root/overlay");
  {
    Run r(collect_filesystem, {{"path.procfs", t.path("proc")},
                               {"path.rootfs", t.path("root")},
                               {"collector.filesystem.fs-types-exclude", "^(overlay|tmpfs|jffs2)$"}});
    REQUIRE(r.ok);
    CHECK(r.has("node_filesystem_device_error" + labels("overlayfs:/overlay", "overlay", "/") + " 0"));
    CHECK(r.count("mountpoint=\"/tmp\"") == 0);
    CHECK(r.count("mountpoint=\"/overlay\"") == 0);
    CHECK(r.count("mountpoint=\"/rom\"") == 2);  // squashfs no longer excluded; /rom has no directory here
  }
  {
    Run r(collect_filesystem, {{"path.procfs", t.path("proc")},
                               {"path.rootfs", t.path("root")},
                               {"collector.filesystem.mount-points-exclude", "^/($|rom|dev|proc|sys)"}});
    REQUIRE(r.ok);
    CHECK(r.count("mountpoint=\"/\"") == 0);
    CHECK(r.count("mountpoint=\"/tmp\"") == 8);  // 7 families and mount_info
  }
}

TEST_CASE("filesystem collector: deduplication when the scratch space runs short") {
  TempTree t;
  std::string text;
  for (int i = 0; i < 6; ++i) {
    t.mkdir("root/m" + std::to_string(i));
    text += std::to_string(30 + i) + " 1 8:" + std::to_string(i) + " / /m" + std::to_string(i) +
            " rw - ext4 /dev/sd" + std::to_string(i) + " rw\n";
  }
  text += "50 1 8:4 / /m4 rw - ext4 /dev/sd4 rw\n";  // past the table: found by rescanning
  text += "51 1 8:0 / /m0 rw - ext4 /dev/sd0 rw\n";
  t.write("proc/1/mountinfo", text);
  // Room for the text and one or two table entries only.
  g_scratch_cap = text.size() + 24;
  Run r(collect_filesystem, {{"path.procfs", t.path("proc")}, {"path.rootfs", t.path("root")}});
  g_scratch_cap = kScratchBytes;
  INFO(r.err, "\n", r.text);
  REQUIRE(r.ok);
  for (int i = 0; i < 6; ++i) {
    INFO(i);
    CHECK(r.count("mountpoint=\"/m" + std::to_string(i) + "\"") == 8);
  }
}

TEST_CASE("filesystem collector: errors") {
  TempTree t;
  {
    Run r(collect_filesystem, {{"path.procfs", t.path("proc")}});
    CHECK_FALSE(r.ok);  // neither proc/1/mountinfo nor proc/self/mountinfo
  }
  t.write("proc/1/mountinfo", "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n/dev/vda / ext4 rw 0 0\n");
  {
    Run r(collect_filesystem, {{"path.procfs", t.path("proc")}, {"path.rootfs", t.path("root")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("mountinfo:2: malformed line") != std::string::npos);
    CHECK(r.count("node_filesystem_") == 0);
  }
  t.write("proc/1/mountinfo", "26 1 254:0 / /" + std::string(5000, 'x') + " rw - ext4 /dev/vda rw\n");
  {
    Run r(collect_filesystem, {{"path.procfs", t.path("proc")}, {"path.rootfs", t.path("root")}});
    CHECK_FALSE(r.ok);
    CHECK(r.err.find("longer than 4096") != std::string::npos);
  }
}

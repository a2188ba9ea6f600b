// sys/fs DirHandle: a directory opened once (O_PATH) and its files read by
// name relative to it, as netclass and cpufreq read a device's attributes.
// The outcomes must be read_file's and read_attr's for the whole path:
// the same content, the same errno for an absent or unreadable file, and
// messages that name the whole path.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "doctest/doctest.h"
#include "sys/fs.hpp"

using namespace edgestat;

namespace {

struct TempTree {
  std::string root;
  TempTree() {
    char tmpl[] = "/tmp/dir_handle_XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  ~TempTree() { std::system(("rm -rf " + root).c_str()); }
  void write(const std::string& rel, const std::string& content) {
    FILE* f = std::fopen((root + "/" + rel).c_str(), "w");
    REQUIRE(f);
    std::fputs(content.c_str(), f);
    std::fclose(f);
  }
};

}  // namespace

TEST_CASE("test_dir_handle: files read relative to the directory, through a symlink as /sys/class/net entries") {
  TempTree t;
  REQUIRE(::mkdir((t.root + "/devices").c_str(), 0755) == 0);
  REQUIRE(::mkdir((t.root + "/devices/eth0").c_str(), 0755) == 0);
  REQUIRE(::symlink("devices/eth0", (t.root + "/eth0").c_str()) == 0);
  t.write("devices/eth0/mtu", "1500\n");
  t.write("devices/eth0/operstate", "up \n");

  DirHandle dev((t.root + "/eth0").c_str());
  REQUIRE(dev.ok());
  char buf[64];
  std::string_view v;
  REQUIRE(dev.read_attr("mtu", buf, sizeof buf, &v));
  CHECK(v == "1500");
  REQUIRE(dev.read_attr("operstate", buf, sizeof buf, &v));
  CHECK(v == "up");  // trailing whitespace trimmed, as read_attr does
  size_t n = 0;
  REQUIRE(dev.read_file("mtu", buf, sizeof buf, &n));
  CHECK(std::string(buf, n) == "1500\n");

  // The same content as the whole-path functions give.
  std::string_view whole;
  char wbuf[64];
  REQUIRE(read_attr((t.root + "/eth0/operstate").c_str(), wbuf, sizeof wbuf, &whole));
  REQUIRE(dev.read_attr("operstate", buf, sizeof buf, &v));
  CHECK(v == whole);
}

TEST_CASE("test_dir_handle: an absent file, a file larger than the buffer and an absent directory are errors naming the path") {
  TempTree t;
  t.write("big", std::string(100, 'x'));
  DirHandle dir(t.root.c_str());
  REQUIRE(dir.ok());
  char buf[16];
  size_t n = 0;
  std::string_view v;

  Status st = dir.read_file("absent", buf, sizeof buf, &n);
  CHECK_FALSE(st);
  CHECK(st.sys_errno() == ENOENT);
  CHECK(std::string(st.message()).find(t.root + "/absent") != std::string::npos);
  CHECK_FALSE(dir.read_attr("absent", buf, sizeof buf, &v));

  st = dir.read_file("big", buf, sizeof buf, &n);
  CHECK_FALSE(st);
  CHECK(std::string(st.message()).find(t.root + "/big is larger than the 16-byte read buffer") != std::string::npos);
  CHECK_FALSE(dir.read_attr("big", buf, sizeof buf, &v));

  // A regular file is no directory (netclass skips bonding_masters so), and
  // an absent directory reports its errno on every read.
  DirHandle file((t.root + "/big").c_str());
  CHECK_FALSE(file.ok());
  CHECK(file.error() == ENOTDIR);
  DirHandle gone((t.root + "/gone").c_str());
  CHECK_FALSE(gone.ok());
  CHECK(gone.error() == ENOENT);
  st = gone.read_file("mtu", buf, sizeof buf, &n);
  CHECK_FALSE(st);
  CHECK(st.sys_errno() == ENOENT);
  CHECK(std::string(st.message()).find(t.root + "/gone/mtu") != std::string::npos);
  CHECK_FALSE(gone.read_attr("mtu", buf, sizeof buf, &v));
}

// sys/fs read_file_kept: the collectors' global /proc files are kept open
// and pread from offset 0. That is right only if the kernel regenerates the
// content on every read from 0; this test proves it on the machine it runs
// on, file by file: read each once (opening and keeping it), make the
// system change what each file reports, read again through the same kept
// descriptor, and require new content. A file that kept serving its first
// content (a kernel that caches per open file) fails here.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/clock.hpp"
#include "doctest/doctest.h"
#include "sys/fs.hpp"

using namespace edgestat;

namespace {

// Every file a collector reads with read_file_kept (relative to /proc).
const char* const kKeptByCollectors[] = {
    "/stat",      "/meminfo",       "/vmstat",   "/loadavg",         "/net/dev",         "/net/netstat",
    "/net/snmp",  "/net/snmp6",     "/net/udp",  "/net/udp6",        "/net/sockstat",    "/net/sockstat6",
    "/schedstat", "/net/softnet_stat", "/diskstats", "/sys/fs/file-nr",
};

char g_buf[1 << 20];

std::string read_kept(const char* path, bool* ok) {
  size_t n = 0;
  Status st = read_file_kept(path, g_buf, sizeof g_buf, &n);
  *ok = st.is_ok();
  return std::string(g_buf, st.is_ok() ? n : 0);
}

// UDP traffic over loopback between two bound sockets (left open: sockstat
// counts them, /proc/net/udp lists them).
struct UdpPair {
  int a = -1, b = -1;
  bool run(int family) {
    a = ::socket(family, SOCK_DGRAM, 0);
    b = ::socket(family, SOCK_DGRAM, 0);
    if (a < 0 || b < 0) return false;
    sockaddr_storage ss{};
    socklen_t len;
    if (family == AF_INET) {
      auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
      s4->sin_family = AF_INET;
      s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *s4;
    } else {
      auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
      s6->sin6_family = AF_INET6;
      s6->sin6_addr = in6addr_loopback;
      len = sizeof *s6;
    }
    if (::bind(b, reinterpret_cast<sockaddr*>(&ss), len) != 0) return false;
    if (::getsockname(b, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
    char msg[64] = "kept-files";
    for (int i = 0; i < 64; ++i) {
      if (::sendto(a, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&ss), len) < 0) return false;
      if (::recv(b, msg, sizeof msg, 0) < 0) return false;
    }
    return true;
  }
  ~UdpPair() {
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
  }
};

}  // namespace

TEST_CASE("test_kept_files: every kept /proc file changes between two preads of one descriptor") {
  close_kept_files();
  std::string before[sizeof kKeptByCollectors / sizeof *kKeptByCollectors];
  bool present[sizeof kKeptByCollectors / sizeof *kKeptByCollectors] = {};
  size_t n_present = 0;
  char path[64];
  for (size_t i = 0; i < sizeof kKeptByCollectors / sizeof *kKeptByCollectors; ++i) {
    std::snprintf(path, sizeof path, "/proc%s", kKeptByCollectors[i]);
    before[i] = read_kept(path, &present[i]);
    if (present[i]) ++n_present;
    else MESSAGE("not on this machine: " << path);
  }
  REQUIRE(n_present > 0);
  // Every present file is kept: they are all on procfs.
  CHECK(kept_files_open() == n_present);

  // Make every file's numbers move.
  UdpPair v4, v6;
  REQUIRE(v4.run(AF_INET));
  bool have_v6 = v6.run(AF_INET6);
  if (!have_v6) MESSAGE("no IPv6 loopback: snmp6/udp6/sockstat6 changes are not forced");
  int64_t t0 = monotonic_ns();
  volatile uint64_t spin = 0;
  while (monotonic_ns() - t0 < 60 * 1000000LL) spin = spin + 1;  // CPU time: stat, schedstat
  const size_t kMap = 32u << 20;                                  // meminfo, vmstat (page faults)
  void* m = ::mmap(nullptr, kMap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(m != MAP_FAILED);
  std::memset(m, 1, kMap);
  pid_t child = ::fork();  // loadavg's last pid, stat's processes
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  int fds[512];  // file-nr's allocated handles (per-CPU counted: many)
  for (int& fd : fds) fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  {
    // diskstats: a synced write to the disk the tests run from.
    char tmpl[] = "kept_files_XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    static char block[1 << 20];
    std::memset(block, 'x', sizeof block);
    CHECK(::write(fd, block, sizeof block) == static_cast<ssize_t>(sizeof block));
    ::fsync(fd);
    ::close(fd);
    ::unlink(tmpl);
  }
  ::usleep(20000);

  for (size_t i = 0; i < sizeof kKeptByCollectors / sizeof *kKeptByCollectors; ++i) {
    if (!present[i]) continue;
    std::snprintf(path, sizeof path, "/proc%s", kKeptByCollectors[i]);
    bool ok = false;
    std::string after = read_kept(path, &ok);
    CHECK_MESSAGE(ok, path);
    // The whole file, as a fresh open reads it now: same shape (first
    // token, line count), so the kept read did start at offset 0.
    size_t fn = 0;
    REQUIRE(read_file(path, g_buf, sizeof g_buf, &fn).is_ok());
    std::string fresh(g_buf, fn);
    CHECK_MESSAGE(!after.empty(), path);
    auto first_line_fields = [](const std::string& t) {
      std::string l = t.substr(0, t.find('\n'));
      size_t n = 0;
      for (size_t i = 0; i < l.size(); ++i)
        if (!std::isspace(static_cast<unsigned char>(l[i])) && (i == 0 || std::isspace(static_cast<unsigned char>(l[i - 1])))) ++n;
      return n;
    };
    CHECK_MESSAGE(first_line_fields(after) == first_line_fields(fresh), path);
    CHECK_MESSAGE(std::count(after.begin(), after.end(), '\n') == std::count(fresh.begin(), fresh.end(), '\n'), path);
    bool v6_only = std::strstr(path, "6") != nullptr;
    if (v6_only && !have_v6) continue;
    CHECK_MESSAGE(after != before[i], path << " served the same content through its kept descriptor");
  }
  // The second pass opened nothing new.
  CHECK(kept_files_open() == n_present);
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
  ::munmap(m, kMap);
  close_kept_files();
  CHECK(kept_files_open() == 0);
}

TEST_CASE("test_kept_files: a file not on procfs is read afresh every time, never kept") {
  close_kept_files();
  char tmpl[] = "/tmp/kept_plain_XXXXXX";
  int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  CHECK(::write(fd, "one\n", 4) == 4);
  ::close(fd);
  bool ok = false;
  CHECK(read_kept(tmpl, &ok) == "one\n");
  CHECK(ok);
  CHECK(kept_files_open() == 0);
  // Replaced the way a fixture or a config tool replaces a file.
  char tmp2[] = "/tmp/kept_plain_XXXXXX";
  fd = ::mkstemp(tmp2);
  REQUIRE(fd >= 0);
  CHECK(::write(fd, "two, longer\n", 12) == 12);
  ::close(fd);
  REQUIRE(::rename(tmp2, tmpl) == 0);
  CHECK(read_kept(tmpl, &ok) == "two, longer\n");
  ::unlink(tmpl);
  CHECK_FALSE(read_kept(tmpl, &ok).size());
  CHECK_FALSE(ok);
}

TEST_CASE("test_kept_files: a kept file larger than the buffer is an error naming it, and stays kept") {
  close_kept_files();
  size_t n = 0;
  REQUIRE(read_file_kept("/proc/meminfo", g_buf, sizeof g_buf, &n).is_ok());
  CHECK(kept_files_open() == 1);
  char small[16];
  Status st = read_file_kept("/proc/meminfo", small, sizeof small, &n);
  CHECK_FALSE(st.is_ok());
  CHECK(std::string(st.c_str()).find("/proc/meminfo is larger than the 16-byte read buffer") != std::string::npos);
  CHECK(kept_files_open() == 1);
  CHECK(read_file_kept("/proc/meminfo", g_buf, sizeof g_buf, &n).is_ok());
  CHECK(std::string(g_buf, n).find("MemTotal:") == 0);
  CHECK(kept_files_open() == 1);
  close_kept_files();
}

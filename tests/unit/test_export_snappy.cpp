// Snappy block format: round trips through our codec, and both directions
// against the reference implementation (python3-snappy, which wraps
// libsnappy) as the oracle.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <string>
#include <vector>

#include "export/snappy.hpp"

using namespace edgestat::exporter;

namespace {

std::vector<uint8_t> compress(const std::string& in) {
  static SnappyTable table;
  std::vector<uint8_t> out(snappy_max_compressed(in.size()));
  size_t n = snappy_compress(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out.data(), table);
  REQUIRE(n <= out.size());
  out.resize(n);
  return out;
}

std::string uncompress(const std::vector<uint8_t>& c, size_t cap) {
  std::string out(cap, '\0');
  size_t n = 0;
  if (!snappy_uncompress(c.data(), c.size(), reinterpret_cast<uint8_t*>(out.data()), cap, &n)) return "<error>";
  out.resize(n);
  return out;
}

// Inputs that exercise literals, short and long copies, overlaps, block
// boundaries and incompressible data.
std::vector<std::string> corpus() {
  std::vector<std::string> v = {"", "a", "abcd", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} node_cpu_seconds_total{cpu=\"1\"}"};
  std::string rep;
  for (int i = 0; i < 5000; ++i) rep += "node_network_receive_bytes_total{device=\"eth" + std::to_string(i % 7) + "\"}";
  v.push_back(rep);
  std::string rnd;
  uint32_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    rnd.push_back(static_cast<char>(x));
  }
  v.push_back(rnd);
  std::string mixed = rnd.substr(0, 70000) + rep + rnd.substr(100, 70000) + rep;
  v.push_back(mixed);
  std::string runs;
  for (int i = 0; i < 300; ++i) runs += std::string(static_cast<size_t>(i), static_cast<char>('a' + i % 26));
  v.push_back(runs);
  return v;
}

std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string h;
  for (unsigned char c : s) h += d[c >> 4], h += d[c & 15];
  return h;
}

bool have_python_snappy() { return std::system("/usr/bin/python3 -c 'import snappy' 2>/dev/null") == 0; }

// Runs a python3-snappy one-liner over a file and returns its stdout.
std::string python(const std::string& code, const std::string& input) {
  char in[] = "/tmp/edgestat-export-snappy-XXXXXX";
  int fd = mkstemp(in);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  close(fd);
  std::string cmd = "/usr/bin/python3 -c 'import snappy,sys; d=open(sys.argv[1],\"rb\").read(); " + code + "' " + in;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  unlink(in);
  CHECK(rc == 0);
  return out;
}

}  // namespace

TEST_CASE("snappy: round trips, bounded output, compresses repetitive metric text") {
  for (const std::string& s : corpus()) {
    auto c = compress(s);
    CHECK(c.size() <= snappy_max_compressed(s.size()));
    CHECK(uncompress(c, s.size()) == s);
    size_t declared = 0;
    CHECK(snappy_uncompressed_length(c.data(), c.size(), &declared));
    CHECK(declared == s.size());
  }
  std::string rep = corpus()[5];
  CHECK(compress(rep).size() * 10 < rep.size());
}

TEST_CASE("snappy: hostile input is refused, never overflows") {
  // Declared length larger than the output capacity.
  std::vector<uint8_t> big = {0xff, 0xff, 0x03, 0x00, 'a'};
  CHECK(uncompress(big, 16) == "<error>");
  // Copy before any output (offset 1 at position 0).
  std::vector<uint8_t> bad_off = {0x04, 0x01 | (0 << 2), 0x01};
  CHECK(uncompress(bad_off, 4) == "<error>");
  // Literal longer than the input.
  std::vector<uint8_t> short_lit = {0x05, 4 << 2, 'a', 'b'};
  CHECK(uncompress(short_lit, 5) == "<error>");
  // Output shorter than declared.
  std::vector<uint8_t> short_out = {0x05, 0 << 2, 'a'};
  CHECK(uncompress(short_out, 5) == "<error>");
  // A 6-byte varint preamble.
  std::vector<uint8_t> long_varint = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  CHECK(uncompress(long_varint, 5) == "<error>");
  // Every truncation of a valid stream is refused or exact.
  std::string s = corpus()[5].substr(0, 3000);
  auto c = compress(s);
  for (size_t cut = 0; cut < c.size(); ++cut) {
    std::vector<uint8_t> t(c.begin(), c.begin() + static_cast<long>(cut));
    CHECK(uncompress(t, s.size()) == "<error>");
  }
}

TEST_CASE("snappy: libsnappy (python3-snappy) decodes ours and we decode libsnappy's") {
  if (!have_python_snappy()) {
    FAIL("python3-snappy is missing (toolchains/deps.sh installs it)");
    return;
  }
  for (const std::string& s : corpus()) {
    auto c = compress(s);
    std::string ours(c.begin(), c.end());
    // The oracle decompresses our stream and prints the hex of the result.
    std::string got = python("sys.stdout.write(snappy.uncompress(d).hex())", ours);
    CHECK(got == hex(s));
    std::string theirs = python("sys.stdout.buffer.write(snappy.compress(d))", s);
    CHECK(uncompress(std::vector<uint8_t>(theirs.begin(), theirs.end()), s.size()) == s);
  }
}

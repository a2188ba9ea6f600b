// Tests for src/http/query.*: target splitting, percent-decoding, query
// iteration and the collect[]/exclude[] collector.

#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <optional>
#include <string_view>

#include "http/query.hpp"

using namespace std::string_view_literals;
namespace http = edgestat::http;
using http::QueryError;
using http::QueryParam;

namespace {

struct Decoded {
  std::array<char, 64> buf{};
  std::optional<std::string_view> out;
  QueryError err = QueryError::None;

  Decoded(std::string_view in, bool plus_as_space, size_t cap = 64) {
    out = http::percent_decode(in, plus_as_space, buf.data(), cap, &err);
  }
  Decoded(const Decoded&) = delete;
  Decoded& operator=(const Decoded&) = delete;
};

// Runs collect_values with a small fixed array and storage.
struct Collected {
  std::array<std::string_view, 4> values{};
  std::array<char, 128> storage{};
  size_t count = 0;
  QueryError err = QueryError::None;

  Collected(std::string_view query, std::string_view key, size_t capacity = 4,
            size_t storage_cap = 128) {
    count = capacity;
    err = http::collect_values(query, key, values.data(), &count,
                               storage.data(), storage_cap);
  }
  Collected(const Collected&) = delete;
  Collected& operator=(const Collected&) = delete;
};

}  // namespace

TEST_SUITE("http.query") {

TEST_CASE("split_target: path before the first '?', query after it") {
  auto t = http::split_target("/metrics");
  CHECK(t.path == "/metrics");
  CHECK(t.query == "");
  CHECK_FALSE(t.has_query);

  t = http::split_target("/metrics?");
  CHECK(t.path == "/metrics");
  CHECK(t.query == "");
  CHECK(t.has_query);

  t = http::split_target("/metrics?collect[]=cpu&x=?y");
  CHECK(t.path == "/metrics");
  CHECK(t.query == "collect[]=cpu&x=?y");
  CHECK(t.has_query);

  t = http::split_target("/?");
  CHECK(t.path == "/");
  CHECK(t.has_query);

  // No normalisation: exact routing sees exactly what was sent.
  CHECK(http::split_target("/metrics/").path == "/metrics/");
  CHECK(http::split_target("/%6Detrics").path == "/%6Detrics");
  CHECK(http::split_target("/a/../metrics").path == "/a/../metrics");
  CHECK(http::split_target("*").path == "*");
}

TEST_CASE("percent_decode: escapes, '+' and exact lengths") {
  {
    Decoded d("%41%62c", false);
    CHECK(d.err == QueryError::None);
    CHECK(d.out == "Abc"sv);
  }
  {
    Decoded d("%7e%7E%2f%2F", false);
    CHECK(d.out == "~~//"sv);
  }
  {
    Decoded d("a+b%20c", true);
    CHECK(d.out == "a b c"sv);
  }
  {
    Decoded d("a+b", false);
    CHECK(d.out == "a+b"sv);
  }
  {
    Decoded d("%2B+", true);
    CHECK(d.out == "+ "sv);
  }
  {
    Decoded d("caf%C3%A9", true);
    CHECK(d.out == "caf\xc3\xa9"sv);
  }
  {
    Decoded d("%25%32%30", true);  // "%20" literally: no double decoding
    CHECK(d.out == "%20"sv);
  }
  {
    Decoded d("", true);
    CHECK(d.err == QueryError::None);
    CHECK(d.out.has_value());
    CHECK(d.out->empty());
  }
  {
    Decoded d("%0a%7F", true);  // only NUL is refused
    CHECK(d.out == "\n\x7f"sv);
  }
  {
    Decoded d("%ff", true);
    CHECK(d.out == "\xff"sv);
  }
}

TEST_CASE("percent_decode: bad escapes and %00") {
  constexpr std::string_view kBad[] = {"%", "%4", "a%", "%4G", "%G4", "%%41", "%+1",
                                       "%-1", "% 1", "%\xc3\xa9", "abc%2"};
  for (std::string_view in : kBad) {
    CAPTURE(in);
    Decoded d(in, true);
    CHECK_FALSE(d.out.has_value());
    CHECK(d.err == QueryError::BadEscape);
  }
  for (std::string_view in : {"%00"sv, "a%00b"sv, "%41%00"sv}) {
    CAPTURE(in);
    Decoded d(in, true);
    CHECK_FALSE(d.out.has_value());
    CHECK(d.err == QueryError::NulByte);
  }
  // err may be null.
  char out[4];
  CHECK_FALSE(http::percent_decode("%zz", true, out, sizeof(out), nullptr).has_value());
}

TEST_CASE("percent_decode: capacity exactly, and one short") {
  {
    Decoded d("%41%42%43", true, 3);
    CHECK(d.out == "ABC"sv);
  }
  {
    Decoded d("%41%42%43", true, 2);
    CHECK_FALSE(d.out.has_value());
    CHECK(d.err == QueryError::NoSpace);
  }
  {
    Decoded d("abcd", true, 0);
    CHECK(d.err == QueryError::NoSpace);
  }
  {
    Decoded d("", true, 0);
    CHECK(d.err == QueryError::None);
  }
  // In-place decoding is allowed: the write index never passes the read one.
  char buf[] = "a%20b+c%2Bd";
  const size_t n = std::strlen(buf);
  QueryError err = QueryError::BadEscape;
  auto v = http::percent_decode(std::string_view(buf, n), true, buf, n, &err);
  CHECK(err == QueryError::None);
  CHECK(v == "a b c+d"sv);
}

TEST_CASE("validate_query") {
  CHECK(http::validate_query("") == QueryError::None);
  CHECK(http::validate_query("collect[]=cpu&collect%5B%5D=mem+info") == QueryError::None);
  CHECK(http::validate_query("a=1&b=%zz") == QueryError::BadEscape);
  CHECK(http::validate_query("a%=1") == QueryError::BadEscape);
  CHECK(http::validate_query("a=1&b=%00") == QueryError::NulByte);
}

TEST_CASE("decoded_equals compares encoded keys without a buffer") {
  CHECK(http::decoded_equals("collect[]", "collect[]"));
  CHECK(http::decoded_equals("collect%5B%5D", "collect[]"));
  CHECK(http::decoded_equals("collect%5b%5d", "collect[]"));
  CHECK(http::decoded_equals("%63ollect[]", "collect[]"));
  CHECK(http::decoded_equals("a+b", "a b"));
  CHECK(http::decoded_equals("", ""));
  CHECK_FALSE(http::decoded_equals("collect[", "collect[]"));
  CHECK_FALSE(http::decoded_equals("collect[]x", "collect[]"));
  CHECK_FALSE(http::decoded_equals("Collect[]", "collect[]"));
  CHECK_FALSE(http::decoded_equals("collect%5B%5", "collect[]"));
  CHECK_FALSE(http::decoded_equals("collect%5B%5D", "collect%5B%5D"));
  CHECK_FALSE(http::decoded_equals("a b", "a+b"));
  CHECK_FALSE(http::decoded_equals("x", ""));
  CHECK_FALSE(http::decoded_equals("", "x"));
}

TEST_CASE("QueryIterator: pairs in order, raw, empty pairs skipped") {
  auto all = [](std::string_view q, QueryParam* out, size_t cap) {
    http::QueryIterator it(q);
    size_t n = 0;
    QueryParam p;
    while (n < cap && it.next(p)) out[n++] = p;
    return n;
  };
  QueryParam p[8];
  CHECK(all("", p, 8) == 0);
  CHECK(all("&&&", p, 8) == 0);

  CHECK(all("a=1&b=2", p, 8) == 2);
  CHECK(p[0].key == "a");
  CHECK(p[0].value == "1");
  CHECK(p[0].has_value);
  CHECK(p[1].key == "b");
  CHECK(p[1].value == "2");

  CHECK(all("&a=1&&b&c=&=d&e=f=g&", p, 8) == 5);
  CHECK(p[0].key == "a");
  CHECK(p[1].key == "b");
  CHECK(p[1].value == "");
  CHECK_FALSE(p[1].has_value);
  CHECK(p[2].key == "c");
  CHECK(p[2].value == "");
  CHECK(p[2].has_value);
  CHECK(p[3].key == "");
  CHECK(p[3].value == "d");
  CHECK(p[4].key == "e");
  CHECK(p[4].value == "f=g");

  // Values stay encoded; ';' is not a separator.
  CHECK(all("x=a%26b+c;d=1", p, 8) == 1);
  CHECK(p[0].value == "a%26b+c;d=1");
}

TEST_CASE("collect_values: node_exporter collect[] and exclude[]") {
  {
    Collected c("collect[]=cpu&collect[]=meminfo", "collect[]");
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 2);
    CHECK(c.values[0] == "cpu");
    CHECK(c.values[1] == "meminfo");
  }
  {
    // What Prometheus sends for params: {collect[]: [cpu, netdev]}.
    Collected c("collect%5B%5D=cpu&collect%5B%5D=netdev", "collect[]");
    CHECK(c.count == 2);
    CHECK(c.values[0] == "cpu");
    CHECK(c.values[1] == "netdev");
  }
  {
    Collected c("exclude[]=cpu&collect[]=mem&exclude%5B%5D=disk%73tats", "exclude[]");
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 2);
    CHECK(c.values[0] == "cpu");
    CHECK(c.values[1] == "diskstats");
  }
  {
    Collected c("collect[]=a+b&collect[]=&collect[]&x=1", "collect[]");
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 3);
    CHECK(c.values[0] == "a b");
    CHECK(c.values[1] == "");
    CHECK(c.values[2] == "");
  }
  {
    Collected c("x=1&collectx=2&collect=3&collect[]x=4", "collect[]");
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 0);
  }
  {
    Collected c("", "collect[]");
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 0);
  }
}

TEST_CASE("collect_values: overflow is an error, never a silent drop") {
  {
    Collected c("collect[]=a&collect[]=b&collect[]=c&collect[]=d", "collect[]", 4);
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 4);
    CHECK(c.values[3] == "d");
  }
  {
    Collected c("collect[]=a&collect[]=b&collect[]=c&collect[]=d", "collect[]", 3);
    CHECK(c.err == QueryError::TooManyValues);
    CHECK(c.count == 0);
  }
  {
    Collected c("collect[]=a", "collect[]", 0);
    CHECK(c.err == QueryError::TooManyValues);
    CHECK(c.count == 0);
  }
  {
    Collected c("x=1", "collect[]", 0);
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 0);
  }
  {
    // Storage for exactly the decoded bytes ("abc" + "de") is enough...
    Collected c("collect[]=abc&collect[]=d%65", "collect[]", 4, 5);
    CHECK(c.err == QueryError::None);
    CHECK(c.count == 2);
    CHECK(c.values[0] == "abc");
    CHECK(c.values[1] == "de");
    CHECK(c.values[1].data() == c.storage.data() + 3);
  }
  {
    // ...one byte less is not.
    Collected c("collect[]=abc&collect[]=d%65", "collect[]", 4, 4);
    CHECK(c.err == QueryError::NoSpace);
    CHECK(c.count == 0);
  }
}

TEST_CASE("collect_values: a malformed query is rejected whole") {
  {
    Collected c("collect[]=cpu&other=%zz", "collect[]");
    CHECK(c.err == QueryError::BadEscape);
    CHECK(c.count == 0);
  }
  {
    Collected c("collect[]=cpu&collect%5=x", "collect[]");
    CHECK(c.err == QueryError::BadEscape);
  }
  {
    Collected c("collect[]=c%00pu", "collect[]");
    CHECK(c.err == QueryError::NulByte);
    CHECK(c.count == 0);
  }
  {
    Collected c("x%00=1&collect[]=cpu", "collect[]");
    CHECK(c.err == QueryError::NulByte);
  }
}

}  // TEST_SUITE

// StatsD / DogStatsD grammar: every type, sample rates, tags, several lines
// per datagram, malformed lines by reason, hostile input.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ingest/statsd.hpp"

using namespace edgestat::ingest;

namespace {

StatsdError err(std::string_view line) {
  StatsdLine l;
  return parse_statsd_line(line, &l);
}

}  // namespace

TEST_CASE("ingest_statsd: every type") {
  StatsdLine l;
  REQUIRE(parse_statsd_line("page.views:1|c", &l) == StatsdError::None);
  CHECK(l.name == "page.views");
  CHECK(l.type == StatsdType::Counter);
  CHECK(l.value == 1);
  CHECK(l.sample_rate == 1);
  CHECK(l.ntags == 0);

  REQUIRE(parse_statsd_line("temp:-3.5|g", &l) == StatsdError::None);
  CHECK(l.type == StatsdType::Gauge);
  CHECK(l.delta);
  CHECK(l.value == -3.5);
  REQUIRE(parse_statsd_line("temp:+2|g", &l) == StatsdError::None);
  CHECK(l.delta);
  CHECK(l.value == 2);
  REQUIRE(parse_statsd_line("temp:7|g", &l) == StatsdError::None);
  CHECK_FALSE(l.delta);

  REQUIRE(parse_statsd_line("db.query:12.5|ms", &l) == StatsdError::None);
  CHECK(l.type == StatsdType::Timer);
  CHECK(l.value == 12.5);
  REQUIRE(parse_statsd_line("size:300|h", &l) == StatsdError::None);
  CHECK(l.type == StatsdType::Histogram);
  REQUIRE(parse_statsd_line("size:300|d", &l) == StatsdError::None);
  CHECK(l.type == StatsdType::Distribution);
  REQUIRE(parse_statsd_line("users:alice@example|s", &l) == StatsdError::None);
  CHECK(l.type == StatsdType::Set);
  CHECK(l.value_text == "alice@example");
  REQUIRE(parse_statsd_line("n:-5|c", &l) == StatsdError::None);
  CHECK(l.value == -5);
  REQUIRE(parse_statsd_line("n:1e3|c", &l) == StatsdError::None);
  CHECK(l.value == 1000);
}

TEST_CASE("ingest_statsd: sample rates and tags in either order") {
  StatsdLine l;
  REQUIRE(parse_statsd_line("hits:1|c|@0.1", &l) == StatsdError::None);
  CHECK(l.sample_rate == doctest::Approx(0.1));
  REQUIRE(parse_statsd_line("hits:1|c|#env:prod,region:eu-1,canary", &l) == StatsdError::None);
  REQUIRE(l.ntags == 3);
  CHECK(l.tags[0].key == "env");
  CHECK(l.tags[0].value == "prod");
  CHECK(l.tags[1].key == "region");
  CHECK(l.tags[1].value == "eu-1");
  CHECK(l.tags[2].key == "canary");
  CHECK(l.tags[2].value.empty());
  REQUIRE(parse_statsd_line("t:5|ms|#a:b|@0.5", &l) == StatsdError::None);
  CHECK(l.sample_rate == 0.5);
  CHECK(l.ntags == 1);
  REQUIRE(parse_statsd_line("t:5|ms|@1|#url:http://x:8080/a", &l) == StatsdError::None);
  CHECK(l.tags[0].key == "url");
  CHECK(l.tags[0].value == "http://x:8080/a");
  // DogStatsD container id and timestamp fields are accepted, ignored.
  CHECK(err("t:5|ms|c:abc123|T1700000000") == StatsdError::None);
}

TEST_CASE("ingest_statsd: malformed lines by reason") {
  CHECK(err("") == StatsdError::BadName);
  CHECK(err(":1|c") == StatsdError::BadName);
  CHECK(err("a b:1|c") == StatsdError::BadName);
  CHECK(err("a#b:1|c") == StatsdError::BadName);
  CHECK(err(std::string("a\0b:1|c", 7)) == StatsdError::BadName);
  CHECK(err(std::string(129, 'n') + ":1|c") == StatsdError::BadName);
  CHECK(err(std::string(128, 'n') + ":1|c") == StatsdError::None);
  CHECK(err("name") == StatsdError::NoValue);
  CHECK(err("name:1") == StatsdError::NoValue);
  CHECK(err("name|c") == StatsdError::NoValue);
  CHECK(err("name:|c") == StatsdError::BadValue);
  CHECK(err("name:abc|c") == StatsdError::BadValue);
  CHECK(err("name:NaN|g") == StatsdError::BadValue);
  CHECK(err("name:Inf|g") == StatsdError::BadValue);
  CHECK(err("name:+Inf|c") == StatsdError::BadValue);
  CHECK(err("name:1e999|c") == StatsdError::BadValue);
  CHECK(err("name:0x10|c") == StatsdError::BadValue);
  CHECK(err("name:-1|ms") == StatsdError::BadValue);
  CHECK(err("name:-1|h") == StatsdError::BadValue);
  CHECK(err("name:|s") == StatsdError::BadValue);
  CHECK(err("name:1|x") == StatsdError::BadType);
  CHECK(err("name:1|") == StatsdError::BadType);
  CHECK(err("name:1|msx") == StatsdError::BadType);
  CHECK(err("name:1|c|@0") == StatsdError::BadSampleRate);
  CHECK(err("name:1|c|@1.5") == StatsdError::BadSampleRate);
  CHECK(err("name:1|c|@-0.5") == StatsdError::BadSampleRate);
  CHECK(err("name:1|c|@") == StatsdError::BadSampleRate);
  CHECK(err("name:1|c|@x") == StatsdError::BadSampleRate);
  CHECK(err("name:1|c|@0.5|@0.5") == StatsdError::BadSampleRate);
  CHECK(err("name:1|c|#") == StatsdError::BadTags);
  CHECK(err("name:1|c|#a,,b") == StatsdError::BadTags);
  CHECK(err("name:1|c|#:v") == StatsdError::BadTags);
  CHECK(err("name:1|c|#a:b|#c:d") == StatsdError::BadTags);
  CHECK(err("name:1|c|#a:b c") == StatsdError::BadTags);
  CHECK(err("name:1|c|#t0,t1,t2,t3,t4,t5,t6,t7") == StatsdError::None);
  CHECK(err("name:1|c|#t0,t1,t2,t3,t4,t5,t6,t7,t8") == StatsdError::BadTags);
  CHECK(err("name:1|c|") == StatsdError::BadField);
  CHECK(err("name:1|c||@0.5") == StatsdError::BadField);
  CHECK(err("name:1|c|zzz") == StatsdError::BadField);
  CHECK(err("name:1|c|" + std::string(5000, 'x')) == StatsdError::TooLong);
}

TEST_CASE("ingest_statsd: a datagram of several lines, one bad line costs only itself") {
  std::string_view dg = "a:1|c\nbad line\r\n\n b:2|g\nc:3|ms|@0.5|#x:y\n\nd:oops|c\ne:4|s";
  std::vector<std::string> good, bad;
  std::string_view rest = dg, line;
  while (next_statsd_line(&rest, &line)) {
    StatsdLine l;
    (parse_statsd_line(line, &l) == StatsdError::None ? good : bad).emplace_back(line);
  }
  CHECK(good == std::vector<std::string>{"a:1|c", "c:3|ms|@0.5|#x:y", "e:4|s"});
  CHECK(bad == std::vector<std::string>{"bad line", " b:2|g", "d:oops|c"});
  std::string_view empty = "\n\n\r\n";
  CHECK_FALSE(next_statsd_line(&empty, &line));
}

TEST_CASE("ingest_statsd: error names are the metric's reason labels") {
  CHECK(statsd_error_name(StatsdError::BadValue) == "bad_value");
  CHECK(statsd_error_name(StatsdError::BadSampleRate) == "bad_sample_rate");
  for (size_t i = 1; i < kStatsdErrorCount; ++i)
    CHECK(statsd_error_name(static_cast<StatsdError>(i)) != "other");
}

TEST_CASE("ingest_statsd: byte soup never crashes") {
  uint32_t seed = 7;
  const char alphabet[] = "ab:|@#,.0123456789-+ecmsghdT\n\r \x01\xFF";
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    int len = static_cast<int>(seed % 40);
    for (int i = 0; i < len; ++i) {
      seed = seed * 1103515245u + 12345u;
      s += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    seed = seed * 1103515245u + 12345u;
    std::string_view rest = s, line;
    while (next_statsd_line(&rest, &line)) {
      StatsdLine l;
      StatsdError e = parse_statsd_line(line, &l);
      if (e == StatsdError::None) {
        CHECK(!l.name.empty());
        CHECK(l.ntags <= kMaxStatsdTags);
      }
    }
  }
}

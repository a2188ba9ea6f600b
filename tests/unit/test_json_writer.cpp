#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/json_writer.hpp"

using namespace edgestat;

TEST_CASE("JsonWriter produces commas, escapes and non-finite numbers correctly") {
  char buf[512];
  OutBuffer out(buf, sizeof buf);
  JsonWriter w(out);
  w.begin_object();
  w.field("a", "x\"y\\z\n\x01");
  w.key("list");
  w.begin_array();
  w.value_u64(1);
  w.value_i64(-2);
  w.value_double(0.5);
  w.value_double(NAN);
  w.begin_object();
  w.end_object();
  w.end_array();
  w.field("ok", true);
  w.end_object();
  CHECK(std::string(out.view()) ==
        R"({"a":"x\"y\\z\n\u0001","list":[1,-2,0.5,"NaN",{}],"ok":true})");
}

TEST_CASE("json_escape replaces invalid UTF-8 and keeps valid multi-byte text") {
  char buf[64];
  OutBuffer out(buf, sizeof buf);
  json_escape(out, "caf\xC3\xA9 \xFF \xED\xA0\x80");  // é, a stray byte, a surrogate
  CHECK(std::string(out.view()) == "caf\xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

// json_escape copies runs of plain bytes eight at a time: its output must
// be the byte-at-a-time definition's for every byte value at every offset.
TEST_CASE("json_escape: the word-at-a-time scan escapes exactly what the byte loop does") {
  auto reference = [](std::string_view s) {
    std::string o;
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') o += '\\', o += static_cast<char>(c);
      else if (c == '\n') o += "\\n";
      else if (c == '\r') o += "\\r";
      else if (c == '\t') o += "\\t";
      else if (c < 0x20 || c == 0x7f) {
        char u[8];
        std::snprintf(u, sizeof u, "\\u%04x", c);
        o += u;
      } else o += static_cast<char>(c);  // ASCII only below
    }
    return o;
  };
  char buf[256];
  for (int c = 0; c < 0x80; ++c)
    for (size_t at = 0; at < 20; ++at) {
      std::string t(20, 'a');
      t[at] = static_cast<char>(c);
      OutBuffer out(buf, sizeof buf);
      json_escape(out, t);
      INFO(c, " at ", at);
      CHECK(std::string(out.data(), out.size()) == reference(t));
    }
  // A multi-byte character inside a long plain run is copied whole.
  OutBuffer out(buf, sizeof buf);
  json_escape(out, "abcdefghij\xc3\xa9klmnopqrstu\"v");
  CHECK(std::string(out.data(), out.size()) == "abcdefghij\xc3\xa9klmnopqrstu\\\"v");
}

TEST_CASE("OutBuffer overflow is sticky and never writes past capacity") {
  char buf[8] = {};
  buf[7] = 'Z';
  OutBuffer out(buf, 7);
  out.put("abcdef");
  CHECK_FALSE(out.overflowed());
  out.put("gh");
  CHECK(out.overflowed());
  out.put('i');
  CHECK(out.size() == 6);
  CHECK(buf[7] == 'Z');
}

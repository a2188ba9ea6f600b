#include <doctest/doctest.h>

#include <cmath>
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

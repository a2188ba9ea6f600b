// JSON reader: grammar, escapes (incl. \u surrogates), UTF-8, numbers,
// depth caps, truncation at every byte, hostile input.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ingest/json_reader.hpp"

using namespace edgestat::ingest;

namespace {

// Reads every token; returns a compact trace ("{ k:a 1 }") or "ERR:<name>".
std::string trace(std::string_view s, int depth = JsonReader::kMaxDepth) {
  JsonReader r(s, depth);
  std::string out;
  JsonToken t;
  for (int guard = 0; guard < 100000; ++guard) {
    JsonTok k = r.next(&t);
    if (!out.empty() && k != JsonTok::End) out += ' ';
    switch (k) {
      case JsonTok::End: return out;
      case JsonTok::Error: return "ERR:" + std::string(json_error_name(r.error()));
      case JsonTok::BeginObject: out += '{'; break;
      case JsonTok::EndObject: out += '}'; break;
      case JsonTok::BeginArray: out += '['; break;
      case JsonTok::EndArray: out += ']'; break;
      case JsonTok::Key: out += "k:" + std::string(t.text); break;
      case JsonTok::String: out += "s:" + std::string(t.text); break;
      case JsonTok::Number: out += "n:" + std::string(t.text); break;
      case JsonTok::True: out += "true"; break;
      case JsonTok::False: out += "false"; break;
      case JsonTok::Null: out += "null"; break;
    }
  }
  return "LOOP";
}

JsonError error_of(std::string_view s) {
  JsonReader r(s);
  JsonToken t;
  for (;;) {
    JsonTok k = r.next(&t);
    if (k == JsonTok::End) return JsonError::None;
    if (k == JsonTok::Error) return r.error();
  }
}

std::string decode(std::string_view json_string_literal) {
  JsonReader r(json_string_literal);
  JsonToken t;
  REQUIRE(r.next(&t) == JsonTok::String);
  char buf[256];
  size_t n = 0;
  REQUIRE(json_unescape(t.text, buf, sizeof buf, &n));
  return std::string(buf, n);
}

}  // namespace

TEST_CASE("ingest_json: values and structure") {
  CHECK(trace("{}") == "{ }");
  CHECK(trace("[]") == "[ ]");
  CHECK(trace(" {\"a\" : [1, -2.5e3, true, false, null, \"x\"], \"b\":{}} ") ==
        "{ k:a [ n:1 n:-2.5e3 true false null s:x ] k:b { } }");
  CHECK(trace("0") == "n:0");
  CHECK(trace("\"top\"") == "s:top");
  CHECK(trace("[[[]]]") == "[ [ [ ] ] ]");
}

TEST_CASE("ingest_json: grammar errors") {
  CHECK(error_of("") == JsonError::Truncated);
  CHECK(error_of("   ") == JsonError::Truncated);
  CHECK(error_of("[1,]") == JsonError::Syntax);
  CHECK(error_of("{\"a\":1,}") == JsonError::Syntax);
  CHECK(error_of("{,}") == JsonError::Syntax);
  CHECK(error_of("[1 2]") == JsonError::Syntax);
  CHECK(error_of("{\"a\" 1}") == JsonError::Syntax);
  CHECK(error_of("{\"a\":1 \"b\":2}") == JsonError::Syntax);
  CHECK(error_of("{1:2}") == JsonError::Syntax);
  CHECK(error_of("[}") == JsonError::Syntax);
  CHECK(error_of("{]") == JsonError::Syntax);
  CHECK(error_of("]") == JsonError::Syntax);
  CHECK(error_of("{} {}") == JsonError::Trailing);
  CHECK(error_of("[] x") == JsonError::Trailing);
  CHECK(error_of("nul") == JsonError::Truncated);
  CHECK(error_of("nulx") == JsonError::Syntax);
  CHECK(error_of("True") == JsonError::Syntax);
  CHECK(error_of("[NaN]") == JsonError::Syntax);
  CHECK(error_of("[Infinity]") == JsonError::Syntax);
  CHECK(error_of("// c\n{}") == JsonError::Syntax);
  CHECK(error_of("['a']") == JsonError::Syntax);
  CHECK(error_of(std::string("[1]\0", 4)) == JsonError::Trailing);
}

TEST_CASE("ingest_json: numbers") {
  for (const char* ok : {"0", "-0", "1", "12.5", "1e3", "1E+3", "1e-3", "-0.0e0", "123456789012345678901234567890"})
    CHECK_MESSAGE(error_of(ok) == JsonError::None, ok);
  for (const char* bad : {"01", "+1", ".5", "1.", "1.e3", "-", "-a", "1e", "1e+", "0x10", "1.5.5", "--1", "1ee3", "00"})
    CHECK_MESSAGE(error_of(bad) != JsonError::None, bad);
  JsonReader r("[1e400, -1e400, 2.5]");
  JsonToken t;
  r.next(&t);
  REQUIRE(r.next(&t) == JsonTok::Number);
  CHECK(t.number == HUGE_VAL);  // range is the validator's business
  REQUIRE(r.next(&t) == JsonTok::Number);
  CHECK(t.number == -HUGE_VAL);
  REQUIRE(r.next(&t) == JsonTok::Number);
  CHECK(t.number == 2.5);
  CHECK(error_of(std::string(65, '1')) == JsonError::BadNumber);  // longer than kMaxNumberChars
  CHECK(error_of(std::string(64, '1')) == JsonError::None);
}

TEST_CASE("ingest_json: strings, escapes and surrogates") {
  CHECK(decode(R"("plain")") == "plain");
  CHECK(decode(R"("a\"b\\c\/d\b\f\n\r\t")") == "a\"b\\c/d\b\f\n\r\t");
  CHECK(decode(R"("\u0041\u00e9\u20ac")") == "A\xC3\xA9\xE2\x82\xAC");
  CHECK(decode(R"("\ud83d\ude00")") == "\xF0\x9F\x98\x80");  // U+1F600 from a surrogate pair
  CHECK(decode(R"("\uD834\uDD1E")") == "\xF0\x9D\x84\x9E");  // U+1D11E, upper-case hex
  CHECK(decode(R"("\u0000")") == std::string("\0", 1));
  CHECK(decode("\"caf\xC3\xA9\"") == "caf\xC3\xA9");

  CHECK(error_of(R"("\x")") == JsonError::BadEscape);
  CHECK(error_of(R"("\u12")") == JsonError::Truncated);
  CHECK(error_of(R"("\u12G4")") == JsonError::BadEscape);
  CHECK(error_of(R"("\ude00")") == JsonError::BadEscape);         // low surrogate alone
  CHECK(error_of(R"("\ud83d")") == JsonError::BadEscape);         // high surrogate alone
  CHECK(error_of(R"("\ud83dx")") == JsonError::BadEscape);
  CHECK(error_of(R"("\ud83d\u0041")") == JsonError::BadEscape);   // high + non-low
  CHECK(error_of(R"("\ud83d\ud83d")") == JsonError::BadEscape);   // high + high
  CHECK(error_of("\"a\tb\"") == JsonError::ControlChar);
  CHECK(error_of("\"a\nb\"") == JsonError::ControlChar);
  CHECK(error_of(std::string("\"a\0b\"", 5)) == JsonError::ControlChar);
  CHECK(error_of("\"a") == JsonError::Truncated);
  CHECK(error_of("\"a\\") == JsonError::Truncated);
}

TEST_CASE("ingest_json: invalid UTF-8 is refused, a cut sequence is truncation") {
  CHECK(error_of("\"\xC3\x28\"") == JsonError::BadUtf8);          // bad continuation
  CHECK(error_of("\"\xC0\xAF\"") == JsonError::BadUtf8);          // overlong '/'
  CHECK(error_of("\"\xED\xA0\x80\"") == JsonError::BadUtf8);      // UTF-16 surrogate encoded
  CHECK(error_of("\"\xF4\x90\x80\x80\"") == JsonError::BadUtf8);  // above U+10FFFF
  CHECK(error_of("\"\xFF\"") == JsonError::BadUtf8);
  CHECK(error_of("\"\x80\"") == JsonError::BadUtf8);              // lone continuation
  CHECK(error_of("\"\xE2\x82") == JsonError::Truncated);          // input ends mid-sequence
  CHECK(error_of("\"\xF0\x9F\x98\x80\"") == JsonError::None);
}

TEST_CASE("ingest_json: depth cap") {
  std::string ok(16, '[');
  ok += std::string(16, ']');
  CHECK(error_of(ok) == JsonError::None);
  std::string deep(17, '[');
  deep += std::string(17, ']');
  CHECK(error_of(deep) == JsonError::Depth);
  CHECK(trace("[[1]]", 1) == "ERR:nesting too deep");
  // A megabyte of '[' fails fast at the cap, not by exhausting anything.
  CHECK(error_of(std::string(1 << 20, '[')) == JsonError::Depth);
  std::string objs;
  for (int i = 0; i < 40; ++i) objs += "{\"a\":";
  CHECK(error_of(objs) == JsonError::Depth);
}

TEST_CASE("ingest_json: every truncation of a valid document is an error, never End") {
  std::string doc =
      R"([{"operation_type":"db","operation_name":"q\u00e9\ud83d\ude00","duration_ms":12.5e-1,"success":false,)"
      R"("metadata":{"a":null,"b":[true]}}, 1, "x"])";
  REQUIRE(error_of(doc) == JsonError::None);
  for (size_t n = 0; n < doc.size(); ++n) {
    JsonError e = error_of(std::string_view(doc.data(), n));
    CHECK_MESSAGE(e != JsonError::None, n);
  }
}

TEST_CASE("ingest_json: skip() passes over a whole value") {
  JsonReader r(R"({"skip":{"a":[1,{"b":2}],"c":"}"},"keep":3})");
  JsonToken t;
  REQUIRE(r.next(&t) == JsonTok::BeginObject);
  REQUIRE(r.next(&t) == JsonTok::Key);
  REQUIRE(r.next(&t) == JsonTok::BeginObject);
  REQUIRE(r.skip(t));
  REQUIRE(r.next(&t) == JsonTok::Key);
  CHECK(t.text == "keep");
  REQUIRE(r.next(&t) == JsonTok::Number);
  CHECK(t.number == 3);
  CHECK(r.next(&t) == JsonTok::EndObject);
  CHECK(r.next(&t) == JsonTok::End);
}

TEST_CASE("ingest_json: unescape refuses what does not fit and counts code points") {
  JsonReader r(R"("abc\u00e9")");
  JsonToken t;
  REQUIRE(r.next(&t) == JsonTok::String);
  char buf[4];
  size_t n = 0;
  CHECK_FALSE(json_unescape(t.text, buf, sizeof buf, &n));  // 5 bytes decoded
  char big[8];
  CHECK(json_unescape(t.text, big, sizeof big, &n));
  CHECK(n == 5);
  CHECK(utf8_code_points(std::string_view(big, n)) == 4);
}

TEST_CASE("ingest_json: hostile byte soup never crashes and always ends") {
  uint32_t seed = 12345;
  const char alphabet[] = "{}[]:,\"\\u0123456789abcdefn-+.eE tfrlsx\xC3\xA9\xF0\x9F";
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    int len = static_cast<int>(seed % 64);
    for (int i = 0; i < len; ++i) {
      seed = seed * 1103515245u + 12345u;
      s += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    seed = seed * 1103515245u + 12345u;
    JsonReader r(s);
    JsonToken t;
    int steps = 0;
    while (steps++ < 1000) {
      JsonTok k = r.next(&t);
      if (k == JsonTok::End || k == JsonTok::Error) break;
      if (t.kind == JsonTok::String || t.kind == JsonTok::Key) {
        char buf[128];
        size_t n;
        json_unescape(t.text, buf, sizeof buf, &n);
      }
    }
    CHECK(steps < 1000);
  }
}

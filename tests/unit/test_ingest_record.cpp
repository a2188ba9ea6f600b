// Operation records: every validation rule with hostile input, arrays all
// or nothing, error field naming, serialization that always parses.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/out_buffer.hpp"
#include "core/number.hpp"
#include "ingest/json_reader.hpp"
#include "ingest/record.hpp"
#include "ingest/statsd.hpp"
#include "../lib/personal_keys.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

namespace {

struct Collected {
  std::vector<std::string> types, names;
  std::vector<double> durations;
  std::vector<bool> success;
  std::vector<std::string> errors;
  std::vector<std::vector<std::pair<std::string, std::string>>> meta;
};

bool collect(void* ctx, OperationRecord& r, uint32_t) {
  auto* c = static_cast<Collected*>(ctx);
  c->types.emplace_back(r.type.view());
  c->names.emplace_back(r.name.view());
  c->durations.push_back(r.duration_ms);
  c->success.push_back(r.success);
  c->errors.emplace_back(r.has_error_message ? std::string(r.error_message.view()) : std::string("<none>"));
  std::vector<std::pair<std::string, std::string>> m;
  for (uint32_t i = 0; i < r.meta_count; ++i) m.emplace_back(r.meta[i].key.view(), r.meta[i].value.view());
  c->meta.push_back(m);
  return true;
}

struct Result {
  ParseResult res;
  RecordError err;
  Collected got;
};

Result parse(std::string_view body) {
  static auto scratch = std::make_unique<OperationRecord>();
  Result r;
  r.res = parse_operation_records(body, scratch.get(), collect, &r.got, &r.err, test::default_personal_keys());
  return r;
}

// Expects a refusal: status, field and a fragment of the reason.
void refused(std::string_view body, int status, std::string_view field, std::string_view reason = {}) {
  Result r = parse(body);
  INFO(std::string(body.substr(0, 200)));
  CHECK_FALSE(r.res.ok);
  CHECK(r.err.status == status);
  CHECK(r.err.field.view() == field);
  if (!reason.empty()) CHECK_MESSAGE(r.err.reason.view().find(reason) != std::string_view::npos, r.err.reason.c_str());
}

const char* kGood = R"({"operation_type":"db","operation_name":"select","duration_ms":12.5})";

std::string rec(std::string_view extra) {
  return std::string(R"({"operation_type":"db","operation_name":"select","duration_ms":1)") + std::string(extra) +
         "}";
}

}  // namespace

TEST_CASE("ingest_record: a minimal record and its defaults") {
  Result r = parse(kGood);
  REQUIRE(r.res.ok);
  CHECK_FALSE(r.res.array);
  CHECK(r.res.records == 1);
  CHECK(r.got.types[0] == "db");
  CHECK(r.got.names[0] == "select");
  CHECK(r.got.durations[0] == 12.5);
  CHECK(r.got.success[0] == true);
  CHECK(r.got.errors[0] == "<none>");
  CHECK(r.got.meta[0].empty());
}

TEST_CASE("ingest_record: every field, escapes decoded") {
  Result r = parse(
      R"({"success":false,"metadata":{"host":"r1","try":2,"ok":true,"n":null,"f":-1.5e2},)"
      R"("error_message":"timed out\n\u00e9","duration_ms":0,"operation_name":"GET \/items","operation_type":"h\u0074tp"})");
  REQUIRE(r.res.ok);
  CHECK(r.got.types[0] == "http");
  CHECK(r.got.names[0] == "GET /items");
  CHECK(r.got.durations[0] == 0);
  CHECK(r.got.success[0] == false);
  CHECK(r.got.errors[0] == "timed out\n\xC3\xA9");
  REQUIRE(r.got.meta[0].size() == 5);
  CHECK(r.got.meta[0][0] == std::pair<std::string, std::string>("host", "r1"));
  CHECK(r.got.meta[0][1] == std::pair<std::string, std::string>("try", "2"));
  CHECK(r.got.meta[0][4] == std::pair<std::string, std::string>("f", "-1.5e2"));
}

TEST_CASE("ingest_record: arrays, all or nothing") {
  Result r = parse(std::string("[") + kGood + "," + kGood + "]");
  REQUIRE(r.res.ok);
  CHECK(r.res.array);
  CHECK(r.res.records == 2);
  // The third record is bad: the error names it and the parse fails.
  std::string bad = std::string("[") + kGood + "," + kGood + R"(,{"operation_type":"x","operation_name":"y"}])";
  refused(bad, 422, "records[2].duration_ms", "required");
  refused("[]", 422, "body", "no records");
  refused("[1]", 422, "records[0]", "object");
  refused(std::string("[") + kGood + ",\"x\"]", 422, "records[1]", "object");
  refused(std::string("[") + kGood + "", 400, "body", "truncated");
  refused(std::string("[") + kGood + ",]", 400, "body", "syntax");
}

TEST_CASE("ingest_record: body shape and JSON errors are 400 or 422") {
  refused("", 400, "body", "truncated");
  refused("   ", 400, "body", "truncated");
  refused("nope", 400, "body", "syntax");
  refused("\"a string\"", 422, "body", "object");
  refused("42", 422, "body", "object");
  refused("null", 422, "body", "object");
  refused(std::string(kGood) + "{}", 400, "body", "after the JSON value");
  refused("{\"operation_type\":\"a\xFF\"}", 400, "body", "UTF-8");
  refused(R"({"operation_type":"\ud800"})", 400, "body", "escape");
}

TEST_CASE("ingest_record: names: required, strings, non-empty, capped, no control characters") {
  refused(R"({"operation_name":"n","duration_ms":1})", 422, "operation_type", "required");
  refused(R"({"operation_type":"t","duration_ms":1})", 422, "operation_name", "required");
  refused(R"({"operation_type":"","operation_name":"n","duration_ms":1})", 422, "operation_type", "empty");
  refused(R"({"operation_type":5,"operation_name":"n","duration_ms":1})", 422, "operation_type", "string");
  refused(R"({"operation_type":null,"operation_name":"n","duration_ms":1})", 422, "operation_type", "string");
  refused(R"({"operation_type":["a"],"operation_name":"n","duration_ms":1})", 422, "operation_type", "string");
  refused(R"({"operation_type":"t","operation_name":"a\u0000b","duration_ms":1})", 422, "operation_name",
          "control");
  refused(R"({"operation_type":"t","operation_name":"a\nb","duration_ms":1})", 422, "operation_name", "control");
  std::string at_cap(kMaxNameBytes, 'n');
  Result r = parse(R"({"operation_type":"t","operation_name":")" + at_cap + R"(","duration_ms":1})");
  CHECK(r.res.ok);
  refused(R"({"operation_type":"t","operation_name":")" + at_cap + R"(x","duration_ms":1})", 422, "operation_name",
          "128");
  // Escapes count after decoding: 128 escaped 'n's fit, 129 do not.
  std::string esc;
  for (size_t i = 0; i < kMaxNameBytes + 1; ++i) esc += "\\u006e";
  refused(R"({"operation_type":")" + esc + R"(","operation_name":"n","duration_ms":1})", 422, "operation_type",
          "128");
}

TEST_CASE("ingest_record: duration_ms: number, finite, >= 0") {
  refused(rec("").replace(rec("").find("\"duration_ms\":1"), 15, "\"duration_ms\":-1"), 422, "duration_ms", ">= 0");
  refused(R"({"operation_type":"t","operation_name":"n","duration_ms":"5"})", 422, "duration_ms", "number");
  refused(R"({"operation_type":"t","operation_name":"n","duration_ms":null})", 422, "duration_ms", "number");
  refused(R"({"operation_type":"t","operation_name":"n","duration_ms":1e400})", 422, "duration_ms", "finite");
  refused(R"({"operation_type":"t","operation_name":"n","duration_ms":-1e-300})", 422, "duration_ms", ">= 0");
  refused(R"({"operation_type":"t","operation_name":"n","duration_ms":NaN})", 400, "body", "syntax");
  Result r = parse(R"({"operation_type":"t","operation_name":"n","duration_ms":-0})");
  REQUIRE(r.res.ok);
  CHECK(r.got.durations[0] == 0);
  CHECK_FALSE(std::signbit(r.got.durations[0]));
}

TEST_CASE("ingest_record: success, error_message, unknown and duplicate fields") {
  refused(rec(R"(,"success":"yes")"), 422, "success", "true or false");
  refused(rec(R"(,"success":1)"), 422, "success", "true or false");
  refused(rec(R"(,"success":null)"), 422, "success", "true or false");
  refused(rec(R"(,"error_message":42)"), 422, "error_message", "string");
  Result r = parse(rec(R"(,"error_message":null)"));
  REQUIRE(r.res.ok);
  CHECK(r.got.errors[0] == "<none>");
  refused(rec(R"(,"timestamp":1)"), 422, "timestamp", "unknown field");
  refused(rec(R"(,"duration_ms":2)"), 422, "duration_ms", "duplicate");
  refused(rec(R"(,"operation_\u0074ype":"x")"), 422, "operation_type", "duplicate");  // escaped key is the same key
  std::string long_key(500, 'k');
  refused(rec(",\"" + long_key + "\":1"), 422, std::string(64, 'k'), "unknown field");
}

TEST_CASE("ingest_record: error_message is capped at 1000 characters, not bytes") {
  std::string thousand_e_acute;
  for (int i = 0; i < 1000; ++i) thousand_e_acute += "\xC3\xA9";
  Result r = parse(rec(",\"error_message\":\"" + thousand_e_acute + "\""));
  REQUIRE(r.res.ok);
  CHECK(r.got.errors[0].size() == 2000);
  refused(rec(",\"error_message\":\"" + thousand_e_acute + "x\""), 422, "error_message", "1000");
  std::string emoji;
  for (int i = 0; i < 1000; ++i) emoji += "\\ud83d\\ude00";  // 4 bytes each after decoding
  CHECK(parse(rec(",\"error_message\":\"" + emoji + "\"")).res.ok);
  refused(rec(",\"error_message\":\"" + emoji + "\\ud83d\\ude00\""), 422, "error_message", "1000");
}

TEST_CASE("ingest_record: metadata is flat, capped, and refuses personal data keys") {
  for (const char* k : {"email", "name", "username", "password", "token", "key", "secret", "api_key", "user_id",
                        "client_id", "session_id", "EMAIL", "Api_Key", "API-KEY", "Session-Id", "PassWord"}) {
    std::string body = rec(std::string(",\"metadata\":{\"ok\":1,\"") + k + "\":\"x\"}");
    refused(body, 422, std::string("metadata.") + k, "personal");
  }
  // Escaped spelling of a refused key is still refused.
  refused(rec(R"(,"metadata":{"\u0065mail":"a@b"})"), 422, "metadata.email", "personal");
  // Near misses are fine.
  CHECK(parse(rec(R"(,"metadata":{"hostname":"h","keys":1,"user":"u","tokens":3})")).res.ok);

  refused(rec(R"(,"metadata":{"a":{"b":1}})"), 422, "metadata.a", "flat");
  refused(rec(R"(,"metadata":{"a":[1]})"), 422, "metadata.a", "flat");
  refused(rec(R"(,"metadata":[1])"), 422, "metadata", "object");
  refused(rec(R"(,"metadata":"x")"), 422, "metadata", "object");
  refused(rec(R"(,"metadata":{"a":1,"a":2})"), 422, "metadata.a", "duplicate");
  refused(rec(R"(,"metadata":{"":1})"), 422, "metadata", "empty");
  refused(rec(R"(,"metadata":{"a\u0001":1})"), 422, "metadata", "control");
  refused(rec(R"(,"metadata":{"a":1e999})"), 422, "metadata.a", "range");
  std::string k65(65, 'k');
  refused(rec(",\"metadata\":{\"" + k65 + "\":1}"), 422, "metadata", "64");
  std::string v256(256, 'v');
  CHECK(parse(rec(",\"metadata\":{\"a\":\"" + v256 + "\"}")).res.ok);
  refused(rec(",\"metadata\":{\"a\":\"" + v256 + "v\"}"), 422, "metadata.a", "256");
  std::string sixteen, seventeen;
  for (int i = 0; i < 17; ++i) {
    std::string kv = "\"k" + std::to_string(i) + "\":" + std::to_string(i);
    if (i < 16) sixteen += (i ? "," : "") + kv;
    seventeen += (i ? "," : "") + kv;
  }
  CHECK(parse(rec(",\"metadata\":{" + sixteen + "}")).res.ok);
  refused(rec(",\"metadata\":{" + seventeen + "}"), 422, "metadata", "16");
  CHECK(parse(rec(R"(,"metadata":null)")).res.ok);
  CHECK(parse(rec(R"(,"metadata":{})")).res.ok);
}

TEST_CASE("ingest_record: hostile nesting is a 400, not a crash") {
  // Nesting where a record or metadata value belongs is refused at the
  // first level (422 naming the field); the reader's depth cap stops it
  // anywhere else.
  std::string deep = rec(",\"metadata\":{\"a\":" + std::string(100000, '[') + "}");
  refused(deep, 422, "metadata.a", "flat");
  refused(std::string(50000, '['), 422, "records[0]", "object");
  refused("[" + std::string(kGood) + "," + std::string(50000, '{'), 400, "body", "syntax");
}

TEST_CASE("ingest_record: the callback sees records in order and can stop") {
  std::string body = "[";
  for (int i = 0; i < 50; ++i)
    body += (i ? "," : "") + std::string(R"({"operation_type":"t","operation_name":"n)") + std::to_string(i) +
            R"(","duration_ms":)" + std::to_string(i) + "}";
  body += "]";
  Result r = parse(body);
  REQUIRE(r.res.ok);
  REQUIRE(r.got.names.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(r.got.names[i] == "n" + std::to_string(i));
  OperationRecord scratch;
  RecordError err;
  int seen = 0;
  auto stop_at_3 = [](void* ctx, OperationRecord&, uint32_t i) {
    ++*static_cast<int*>(ctx);
    return i < 2;
  };
  ParseResult p = parse_operation_records(body, &scratch, stop_at_3, &seen, &err, test::default_personal_keys());
  CHECK(p.ok);
  CHECK(seen == 3);
}

TEST_CASE("ingest_record: serialization is valid JSON with every field") {
  auto r = std::make_unique<OperationRecord>();
  r->type.assign("db \"main\"");
  r->name.assign("q\\1");
  r->duration_ms = 12.5;
  r->success = false;
  r->has_error_message = true;
  r->error_message.assign("line1\nline2\x01");
  r->add_meta("host", "r1", true);
  r->add_meta("try", "2", false);
  char buf[1024];
  OutBuffer out(buf, sizeof buf);
  REQUIRE(serialize_record(*r, "2024-05-01T12:00:00.000000Z", out));
  CHECK(out.view() ==
        R"({"kind":"operation","timestamp":"2024-05-01T12:00:00.000000Z","operation_type":"db \"main\"",)"
        R"("operation_name":"q\\1","duration_ms":12.5,"success":false,"error_message":"line1\nline2\u0001",)"
        R"("metadata":{"host":"r1","try":2}})");
  // And it reads back through our own reader.
  JsonReader rd(out.view());
  JsonToken t;
  JsonTok k;
  while ((k = rd.next(&t)) != JsonTok::End) REQUIRE(k != JsonTok::Error);
  // Too small a buffer is refused, not truncated.
  char small[40];
  OutBuffer o2(small, sizeof small);
  CHECK_FALSE(serialize_record(*r, "2024-05-01T12:00:00.000000Z", o2));
}

TEST_CASE("ingest_record: parse then serialize round-trips a record") {
  Result r = parse(
      R"({"operation_type":"t","operation_name":"\ud83d\ude00","duration_ms":3.25,"metadata":{"k":"v\"q","n":-0.5}})");
  REQUIRE(r.res.ok);
  static auto scratch = std::make_unique<OperationRecord>();
  RecordError err;
  auto keep = [](void* ctx, OperationRecord& rec, uint32_t) {
    char b[512];
    OutBuffer o(b, sizeof b);
    REQUIRE(serialize_record(rec, "1970-01-01T00:00:00.000000Z", o));
    *static_cast<std::string*>(ctx) = std::string(o.view());
    return true;
  };
  std::string out;
  REQUIRE(parse_operation_records(R"({"operation_type":"t","operation_name":"\ud83d\ude00","duration_ms":3.25,)"
                                  R"("metadata":{"k":"v\"q","n":-0.5}})",
                                  scratch.get(), keep, &out, &err, test::default_personal_keys())
              .ok);
  CHECK(out ==
        "{\"kind\":\"operation\",\"timestamp\":\"1970-01-01T00:00:00.000000Z\",\"operation_type\":\"t\","
        "\"operation_name\":\"\xF0\x9F\x98\x80\",\"duration_ms\":3.25,\"success\":true,\"metadata\":{\"k\":\"v\\\"q\","
        "\"n\":-0.5}}");
}

// A stored StatsD timer line is written straight from the line; it must be
// byte for byte the record the pipeline built before (an OperationRecord
// with the tags as string metadata and sample_rate as a number).
TEST_CASE("serialize_statsd_timer writes what serialize_record writes for the line's record") {
  auto via_record = [](const ingest::StatsdLine& l, std::string_view ts) {
    auto r = std::make_unique<ingest::OperationRecord>();
    r->clear();
    for (uint32_t i = 0; i < l.ntags; ++i) REQUIRE(r->add_meta(l.tags[i].key, l.tags[i].value, true));
    if (l.sample_rate != 1) {
      char num[kDoubleChars];
      r->add_meta("sample_rate", std::string_view(num, format_double(l.sample_rate, num)), false);
    }
    r->type.assign("statsd");
    r->name.assign(l.name);
    r->duration_ms = l.value;
    static char buf[8192];
    OutBuffer out(buf, sizeof buf);
    REQUIRE(ingest::serialize_record(*r, ts, out));
    return std::string(out.data(), out.size());
  };
  const char* lines[] = {"router.t0:12|ms",
                         "db.query:0.25|ms|#table:items,rows:42",
                         "a:3.5|h|@0.5",
                         "b:1e3|d|@0.25|#canary,env:prod",
                         "q\"uote\\d:7|ms|#k\"ey:v\\al,x:\xc3\xa9t\xc3\xa9",
                         "long.name.with.many.parts.to.cross.eight.byte.words:123456.789|ms|#a:b,c:d,e:f,g:h,i:j,k:l,m:n,o:p",
                         "z:0|ms|@1",
                         "bad\xffutf8:1|ms|#t:\xfe"};
  for (const char* text : lines) {
    ingest::StatsdLine l;
    REQUIRE(ingest::parse_statsd_line(text, &l) == ingest::StatsdError::None);
    char buf[8192];
    OutBuffer out(buf, sizeof buf);
    REQUIRE(ingest::serialize_statsd_timer(l, "2026-12-03T06:00:00.123456Z", out));
    INFO(text);
    CHECK(std::string(out.data(), out.size()) == via_record(l, "2026-12-03T06:00:00.123456Z"));
    // A buffer one byte short refuses the record.
    OutBuffer small(buf, out.size() - 1);
    CHECK_FALSE(ingest::serialize_statsd_timer(l, "2026-12-03T06:00:00.123456Z", small));
  }
}

// libFuzzer target: operation-record bodies (src/ingest/record.hpp) as POST
// /api/v1/operations sees them. Input: the request body. Seeds:
// tests/fuzz/corpus/json_record/.
//
// Complements fuzz_ingest (token-stream invariants) with a round trip: each
// accepted record is serialized, the stored JSON is read back with the
// reader, and every field must come back equal (type, name, duration,
// success, error message, metadata keys and values in order). Also: a body
// refused once is refused the same way again (all or nothing), and no
// accepted record carries a personal-data metadata key.
//
// Build: cmake -DEDGESTAT_FUZZ=ON (clang), or by hand:
//   clang++ -std=c++20 -fno-exceptions -fno-rtti -g -O1 -fsanitize=fuzzer,address,undefined
//     -Isrc src/ingest/*.cpp src/core/{json_writer,number,utf8,reserve}.cpp ... tests/fuzz/fuzz_json_record.cpp
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/out_buffer.hpp"
#include "../lib/personal_keys.hpp"
#include "fuzz_check.hpp"
#include "ingest/json_reader.hpp"
#include "ingest/record.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

namespace {

OperationRecord g_scratch;
char g_out[32 << 10];
char g_dec[8 << 10];

std::string_view decode(const JsonToken& t) {
  size_t n = 0;
  FUZZ_CHECK(json_unescape(t.text, g_dec, sizeof g_dec, &n));
  return {g_dec, n};
}

bool round_trip(void*, OperationRecord& r, uint32_t) {
  FUZZ_CHECK(!r.type.empty() && !r.name.empty());
  FUZZ_CHECK(std::isfinite(r.duration_ms) && r.duration_ms >= 0);
  for (uint32_t i = 0; i < r.meta_count; ++i) FUZZ_CHECK(!test::default_personal_keys().matches(r.meta[i].key.view()));
  OutBuffer out(g_out, sizeof g_out);
  FUZZ_CHECK(serialize_record(r, "2026-01-02T03:04:05.000006Z", out));
  JsonReader rd(out.view());
  JsonToken t;
  FUZZ_CHECK(rd.next(&t) == JsonTok::BeginObject);
  uint32_t meta = 0;
  bool saw_error = false;
  for (;;) {
    JsonTok k = rd.next(&t);
    FUZZ_CHECK(k != JsonTok::Error);
    if (k == JsonTok::EndObject) break;
    FUZZ_CHECK(k == JsonTok::Key);
    FixedString<32> key;
    key.assign(decode(t));
    k = rd.next(&t);
    FUZZ_CHECK(k != JsonTok::Error);
    if (key == "operation_type") FUZZ_CHECK(decode(t) == r.type.view());
    else if (key == "operation_name") FUZZ_CHECK(decode(t) == r.name.view());
    else if (key == "duration_ms") FUZZ_CHECK(k == JsonTok::Number && t.number == r.duration_ms);
    else if (key == "success") FUZZ_CHECK((k == JsonTok::True) == r.success);
    else if (key == "error_message") {
      saw_error = true;
      FUZZ_CHECK(decode(t) == r.error_message.view());
    } else if (key == "metadata") {
      FUZZ_CHECK(k == JsonTok::BeginObject);
      while (rd.next(&t) == JsonTok::Key) {
        FUZZ_CHECK(meta < r.meta_count);
        const MetaEntry& m = r.meta[meta++];
        FUZZ_CHECK(decode(t) == m.key.view());
        JsonTok v = rd.next(&t);
        if (m.is_string) FUZZ_CHECK(v == JsonTok::String && decode(t) == m.value.view());
        else FUZZ_CHECK(v != JsonTok::String && t.text == m.value.view());
      }
    }
  }
  FUZZ_CHECK(meta == r.meta_count && saw_error == r.has_error_message);
  FUZZ_CHECK(rd.next(&t) == JsonTok::End);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256u << 10)) return 0;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  RecordError e1, e2;
  ParseResult a = parse_operation_records(body, &g_scratch, nullptr, nullptr, &e1, test::default_personal_keys());
  ParseResult b = parse_operation_records(body, &g_scratch, round_trip, nullptr, &e2, test::default_personal_keys());
  FUZZ_CHECK(a.ok == b.ok && a.records == b.records);
  if (!a.ok) {
    FUZZ_CHECK((e1.status == 400 || e1.status == 422) && e1.status == e2.status);
    FUZZ_CHECK(e1.field.view() == e2.field.view() && !e1.reason.empty());
  }
  return 0;
}

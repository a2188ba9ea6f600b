// libFuzzer target for the ingest parsers: the pull JSON reader and string
// unescaping (src/ingest/json_reader.hpp), operation records built on it
// (src/ingest/record.hpp: parse, validate, serialize) and StatsD lines
// (src/ingest/statsd.hpp).
//
// Input: one selector byte (even: a POST /api/v1/records body; odd: a
// StatsD datagram), then the bytes. Seeds: tests/fuzz/corpus/ingest/.
//
// Invariants: every JSON token lies inside the input and comes at a
// non-decreasing offset, depth stays within the cap, the token stream ends
// (End or Error) within n+2 tokens and stays there, brackets balance at
// End; unescaping never grows a string and agrees with itself in a small
// buffer; a record body accepted by the validating pass is accepted again
// with the same count, each record fits its fixed fields and serializes to
// JSON the reader accepts; StatsD views lie inside their line and counts
// within capacity.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/out_buffer.hpp"
#include "../lib/personal_keys.hpp"
#include "fuzz_check.hpp"
#include "ingest/json_reader.hpp"
#include "ingest/record.hpp"
#include "ingest/statsd.hpp"

using namespace edgestat;
using namespace edgestat::ingest;
using fuzz::inside;

namespace {

void json_tokens(std::string_view in) {
  JsonReader r(in);
  JsonToken t;
  size_t steps = 0, last_off = 0;
  int balance = 0;
  static char buf[1 << 16];
  for (;;) {
    JsonTok k = r.next(&t);
    FUZZ_CHECK(++steps <= in.size() + 2);
    FUZZ_CHECK(r.depth() >= 0 && r.depth() <= JsonReader::kMaxDepth);
    if (k == JsonTok::Error) {
      FUZZ_CHECK(r.error() != JsonError::None && r.error_offset() <= in.size());
      FUZZ_CHECK(!json_error_name(r.error()).empty());
      JsonToken again;
      FUZZ_CHECK(r.next(&again) == JsonTok::Error);
      break;
    }
    if (k == JsonTok::End) {
      FUZZ_CHECK(balance == 0 && r.error() == JsonError::None);
      JsonToken again;
      FUZZ_CHECK(r.next(&again) == JsonTok::End);
      break;
    }
    FUZZ_CHECK(t.offset < in.size() && t.offset >= last_off);
    last_off = t.offset;
    FUZZ_CHECK(inside(t.text, in));
    if (k == JsonTok::BeginObject || k == JsonTok::BeginArray) ++balance;
    if (k == JsonTok::EndObject || k == JsonTok::EndArray) --balance;
    FUZZ_CHECK(balance >= 0);
    if (k == JsonTok::Key || k == JsonTok::String) {
      size_t len = 0;
      if (json_unescape(t.text, buf, sizeof buf, &len)) {
        FUZZ_CHECK(len <= t.text.size());
        if (!t.escaped) FUZZ_CHECK(len == t.text.size() && std::memcmp(buf, t.text.data(), len) == 0);
        FUZZ_CHECK(utf8_code_points(std::string_view(buf, len)) <= len);
      }
      char small[4];
      size_t slen = 0;
      if (!json_unescape(t.text, small, sizeof small, &slen)) FUZZ_CHECK(slen <= sizeof small);
    }
    if (k == JsonTok::Number) FUZZ_CHECK(!t.text.empty() && t.text.size() <= JsonReader::kMaxNumberChars);
  }
  // skip() over the first value must agree with pulling it.
  JsonReader s(in);
  if (s.next(&t) != JsonTok::Error) (void)s.skip(t);
}

OperationRecord g_scratch;
char g_out_buf[64 << 10];

struct Seen {
  uint32_t n = 0;
};

bool check_record(void* ctx, OperationRecord& r, uint32_t index) {
  auto* seen = static_cast<Seen*>(ctx);
  FUZZ_CHECK(index == seen->n);
  ++seen->n;
  FUZZ_CHECK(!r.type.empty() && r.type.size() <= kMaxNameBytes && !r.name.empty() && r.name.size() <= kMaxNameBytes);
  FUZZ_CHECK(r.error_message.size() <= kMaxErrorBytes);
  FUZZ_CHECK(utf8_code_points(r.error_message.view()) <= kMaxErrorChars);
  FUZZ_CHECK(r.meta_count <= kMaxMetaKeys);
  FUZZ_CHECK(std::isfinite(r.duration_ms));
  for (uint32_t i = 0; i < r.meta_count; ++i) FUZZ_CHECK(!test::default_personal_keys().matches(r.meta[i].key.view()));
  // The stored form is JSON the reader accepts.
  OutBuffer out(g_out_buf, sizeof g_out_buf);
  if (serialize_record(r, "2026-01-02T03:04:05.000006Z", out)) {
    JsonReader jr(out.view());
    JsonToken t;
    JsonTok k;
    while ((k = jr.next(&t)) != JsonTok::End) FUZZ_CHECK(k != JsonTok::Error);
  }
  return true;
}

void records(std::string_view body) {
  RecordError err;
  ParseResult a = parse_operation_records(body, &g_scratch, nullptr, nullptr, &err, test::default_personal_keys());
  if (!a.ok) {
    FUZZ_CHECK(err.status == 400 || err.status == 422);
    FUZZ_CHECK(!err.reason.empty());
  }
  Seen seen;
  RecordError err2;
  ParseResult b = parse_operation_records(body, &g_scratch, check_record, &seen, &err2, test::default_personal_keys());
  FUZZ_CHECK(a.ok == b.ok && a.records == b.records && a.array == b.array && err.status == err2.status);
  if (b.ok) FUZZ_CHECK(seen.n == b.records);
}

void statsd(std::string_view datagram) {
  std::string_view rest = datagram, line;
  size_t lines = 0;
  while (next_statsd_line(&rest, &line)) {
    FUZZ_CHECK(++lines <= datagram.size());
    FUZZ_CHECK(!line.empty() && inside(line, datagram) && line.find('\n') == std::string_view::npos);
    StatsdLine l;
    StatsdError e = parse_statsd_line(line, &l);
    FUZZ_CHECK(!statsd_error_name(e).empty() || e == StatsdError::None);
    if (e != StatsdError::None) continue;
    FUZZ_CHECK(!l.name.empty() && l.name.size() <= kMaxStatsdName && inside(l.name, line));
    FUZZ_CHECK(inside(l.value_text, line));
    FUZZ_CHECK(l.ntags <= kMaxStatsdTags);
    for (uint32_t i = 0; i < l.ntags; ++i) FUZZ_CHECK(inside(l.tags[i].key, line) && inside(l.tags[i].value, line));
    FUZZ_CHECK(l.sample_rate > 0 && l.sample_rate <= 1);
    FUZZ_CHECK(!statsd_type_name(l.type).empty());
    if (l.type != StatsdType::Set) FUZZ_CHECK(std::isfinite(l.value));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (256u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    statsd(in);
  } else {
    json_tokens(in);
    records(in);
  }
  return 0;
}

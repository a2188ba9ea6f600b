#include "ingest/record.hpp"

#include <cmath>

#include "core/json_writer.hpp"
#include "ingest/json_reader.hpp"
#include "ingest/statsd.hpp"

namespace edgestat::ingest {
namespace {

// Longest field name we compare against; longer keys are unknown fields.
constexpr size_t kMaxFieldNameBytes = 32;

enum FieldBit : uint32_t { kType = 1, kName = 2, kDuration = 4, kSuccess = 8, kError = 16, kMeta = 32 };

struct Ctx {
  JsonReader* rd;
  OperationRecord* r;
  RecordError* err;
  int64_t index;
  const KeyPatterns* personal;
};

bool set_error(Ctx& c, int status, std::string_view field, std::string_view sub, std::string_view reason) {
  RecordError* e = c.err;
  e->status = status;
  e->index = c.index;
  e->field.clear();
  if (c.index >= 0) {
    char num[kIntChars];
    e->field.append("records[");
    e->field.append(std::string_view(num, format_i64(c.index, num)));
    e->field.append("]");
    if (!field.empty()) e->field.append(".");
  }
  e->field.append(field);
  if (!sub.empty()) {
    e->field.append(".");
    // A hostile key is cut for the message only (the record is refused).
    e->field.append(sub.substr(0, e->field.capacity() - e->field.size()));
  }
  e->reason.assign(reason);
  return false;
}

bool json_error(Ctx& c) {
  RecordError* e = c.err;
  e->status = 400;
  e->index = c.index;
  e->field.assign("body");
  e->offset = c.rd->error_offset();
  e->reason.assign(json_error_name(c.rd->error()));
  e->reason.append(" at byte ");
  char num[kIntChars];
  e->reason.append(std::string_view(num, format_u64(e->offset, num)));
  return false;
}

bool has_control(std::string_view s) {
  for (char ch : s)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return true;
  return false;
}

template <size_t N>
bool decode_into(const JsonToken& t, FixedString<N>& out) {
  char buf[N];
  size_t len = 0;
  if (!json_unescape(t.text, buf, N, &len)) return false;
  return out.assign(std::string_view(buf, len));
}

bool read_name(Ctx& c, const JsonToken& t, std::string_view field, FixedString<kMaxNameBytes>& out) {
  if (t.kind != JsonTok::String) return set_error(c, 422, field, {}, "must be a string");
  if (!decode_into(t, out)) return set_error(c, 422, field, {}, "longer than 128 bytes");
  if (out.empty()) return set_error(c, 422, field, {}, "must not be empty");
  if (has_control(out.view())) return set_error(c, 422, field, {}, "control characters are not allowed");
  return true;
}

bool read_metadata(Ctx& c) {
  OperationRecord& r = *c.r;
  JsonToken t;
  for (;;) {
    JsonTok k = c.rd->next(&t);
    if (k == JsonTok::Error) return json_error(c);
    if (k == JsonTok::EndObject) return true;
    // k is a Key: the reader guarantees the grammar.
    FixedString<kMaxMetaKeyBytes> key;
    if (!decode_into(t, key)) return set_error(c, 422, "metadata", {}, "a key is longer than 64 bytes");
    if (key.empty()) return set_error(c, 422, "metadata", {}, "keys must not be empty");
    if (has_control(key.view())) return set_error(c, 422, "metadata", {}, "keys must not hold control characters");
    if (c.personal->matches(key.view()))
      return set_error(c, 422, "metadata", key.view(), "personal data keys are refused");
    for (uint32_t i = 0; i < r.meta_count; ++i)
      if (r.meta[i].key.view() == key.view()) return set_error(c, 422, "metadata", key.view(), "duplicate key");
    if (r.meta_count == kMaxMetaKeys) return set_error(c, 422, "metadata", {}, "more than 16 keys");
    MetaEntry& m = r.meta[r.meta_count];
    k = c.rd->next(&t);
    switch (k) {
      case JsonTok::Error: return json_error(c);
      case JsonTok::String: {
        if (!decode_into(t, m.value) || utf8_code_points(m.value.view()) > kMaxMetaValueChars)
          return set_error(c, 422, "metadata", key.view(), "string values are limited to 256 characters");
        m.is_string = true;
        break;
      }
      case JsonTok::Number:
        if (!std::isfinite(t.number)) return set_error(c, 422, "metadata", key.view(), "number out of range");
        m.value.assign(t.text);
        m.is_string = false;
        break;
      case JsonTok::True:
      case JsonTok::False:
      case JsonTok::Null:
        m.value.assign(t.text);
        m.is_string = false;
        break;
      default:
        return set_error(c, 422, "metadata", key.view(), "metadata must be flat (no objects or arrays)");
    }
    m.key = key;
    ++r.meta_count;
  }
}

// One record object; the BeginObject token has been read.
bool read_record(Ctx& c) {
  OperationRecord& r = *c.r;
  r.clear();
  uint32_t seen = 0;
  JsonToken t;
  for (;;) {
    JsonTok k = c.rd->next(&t);
    if (k == JsonTok::Error) return json_error(c);
    if (k == JsonTok::EndObject) break;
    FixedString<kMaxFieldNameBytes> key;
    decode_into(t, key);  // a longer key stays empty-or-partial: unknown
    std::string_view f = key.overflowed() ? std::string_view() : key.view();
    uint32_t bit = 0;
    if (f == "operation_type") bit = kType;
    else if (f == "operation_name") bit = kName;
    else if (f == "duration_ms") bit = kDuration;
    else if (f == "success") bit = kSuccess;
    else if (f == "error_message") bit = kError;
    else if (f == "metadata") bit = kMeta;
    if (bit == 0) {
      FixedString<64> shown;
      char buf[64];
      size_t len = 0;
      json_unescape(t.text, buf, sizeof buf, &len);
      shown.assign(std::string_view(buf, len));
      return set_error(c, 422, shown.view(), {}, "unknown field");
    }
    if (seen & bit) return set_error(c, 422, f, {}, "duplicate field");
    seen |= bit;
    k = c.rd->next(&t);
    if (k == JsonTok::Error) return json_error(c);
    switch (bit) {
      case kType:
        if (!read_name(c, t, f, r.type)) return false;
        break;
      case kName:
        if (!read_name(c, t, f, r.name)) return false;
        break;
      case kDuration:
        if (k != JsonTok::Number) return set_error(c, 422, f, {}, "must be a number (milliseconds)");
        if (!std::isfinite(t.number) || t.number < 0)
          return set_error(c, 422, f, {}, "must be finite and >= 0");
        r.duration_ms = t.number == 0 ? 0 : t.number;  // -0 is 0
        break;
      case kSuccess:
        if (k != JsonTok::True && k != JsonTok::False) return set_error(c, 422, f, {}, "must be true or false");
        r.success = k == JsonTok::True;
        break;
      case kError:
        if (k == JsonTok::Null) break;
        if (k != JsonTok::String) return set_error(c, 422, f, {}, "must be a string or null");
        if (!decode_into(t, r.error_message) || utf8_code_points(r.error_message.view()) > kMaxErrorChars)
          return set_error(c, 422, f, {}, "longer than 1000 characters");
        r.has_error_message = true;
        break;
      case kMeta:
        if (k == JsonTok::Null) break;
        if (k != JsonTok::BeginObject) return set_error(c, 422, f, {}, "must be an object");
        if (!read_metadata(c)) return false;
        break;
    }
  }
  if (!(seen & kType)) return set_error(c, 422, "operation_type", {}, "required");
  if (!(seen & kName)) return set_error(c, 422, "operation_name", {}, "required");
  if (!(seen & kDuration)) return set_error(c, 422, "duration_ms", {}, "required");
  return true;
}

}  // namespace

void OperationRecord::clear() {
  type.clear();
  name.clear();
  duration_ms = 0;
  success = true;
  has_error_message = false;
  error_message.clear();
  for (uint32_t i = 0; i < meta_count; ++i) {
    meta[i].key.clear();
    meta[i].value.clear();
  }
  meta_count = 0;
  timestamp_us = 0;
}

bool OperationRecord::add_meta(std::string_view key, std::string_view value, bool is_string) {
  if (meta_count == kMaxMetaKeys) return false;
  MetaEntry& m = meta[meta_count];
  if (!m.key.assign(key) || !m.value.assign(value)) return false;
  m.is_string = is_string;
  ++meta_count;
  return true;
}

bool is_personal_metric_name(const KeyPatterns& personal, std::string_view name) {
  size_t dot = name.rfind('.');
  return personal.matches(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

ParseResult parse_operation_records(std::string_view body, OperationRecord* scratch, RecordFn fn, void* ctx,
                                    RecordError* err, const KeyPatterns& personal) {
  ParseResult res;
  JsonReader rd(body);
  Ctx c{&rd, scratch, err, -1, &personal};
  err->status = 0;
  JsonToken t;
  JsonTok k = rd.next(&t);
  if (k == JsonTok::Error) return json_error(c), res;
  if (k == JsonTok::BeginArray) {
    res.array = true;
    for (uint32_t i = 0;; ++i) {
      c.index = i;
      k = rd.next(&t);
      if (k == JsonTok::Error) return json_error(c), res;
      if (k == JsonTok::EndArray) {
        if (i == 0) {
          c.index = -1;
          set_error(c, 422, "body", {}, "the array holds no records");
          return res;
        }
        break;
      }
      if (k != JsonTok::BeginObject) return set_error(c, 422, {}, {}, "must be an object"), res;
      if (!read_record(c)) return res;
      scratch->timestamp_us = 0;
      ++res.records;
      if (fn && !fn(ctx, *scratch, i)) {
        res.ok = true;
        return res;
      }
    }
  } else if (k == JsonTok::BeginObject) {
    if (!read_record(c)) return res;
    res.records = 1;
    if (fn && !fn(ctx, *scratch, 0)) {
      res.ok = true;
      return res;
    }
  } else {
    set_error(c, 422, "body", {}, "must be a JSON object or an array of objects");
    return res;
  }
  c.index = -1;
  if (rd.next(&t) != JsonTok::End) return json_error(c), res;
  res.ok = true;
  return res;
}

bool serialize_record(const OperationRecord& r, std::string_view timestamp, OutBuffer& out) {
  JsonWriter w(out);
  w.begin_object();
  w.field("kind", "operation");
  w.field("timestamp", timestamp);
  w.field("operation_type", r.type.view());
  w.field("operation_name", r.name.view());
  w.field_double("duration_ms", r.duration_ms);
  w.field("success", r.success);
  if (r.has_error_message) w.field("error_message", r.error_message.view());
  if (r.meta_count) {
    w.key("metadata");
    w.begin_object();
    for (uint32_t i = 0; i < r.meta_count; ++i) {
      const MetaEntry& m = r.meta[i];
      w.key(m.key.view());
      if (m.is_string)
        w.value(m.value.view());
      else
        w.raw(m.value.view());
    }
    w.end_object();
  }
  w.end_object();
  return !out.overflowed();
}

namespace {

// JsonWriter::value_double: a non-finite number is written as a string.
void put_json_double(OutBuffer& out, double v) {
  if (std::isfinite(v)) return out.put_double(v);
  out.put('"');
  out.put_double(v);
  out.put('"');
}

}  // namespace

bool serialize_statsd_timer(const StatsdLine& l, std::string_view timestamp, OutBuffer& out) {
  out.put("{\"kind\":\"operation\",\"timestamp\":\"");
  json_escape(out, timestamp);
  out.put("\",\"operation_type\":\"statsd\",\"operation_name\":\"");
  json_escape(out, l.name);
  out.put("\",\"duration_ms\":");
  put_json_double(out, l.value);
  out.put(",\"success\":true");
  if (l.ntags || l.sample_rate != 1) {
    out.put(",\"metadata\":{");
    for (uint32_t i = 0; i < l.ntags; ++i) {
      if (i) out.put(',');
      out.put('"');
      json_escape(out, l.tags[i].key);
      out.put("\":\"");
      json_escape(out, l.tags[i].value);
      out.put('"');
    }
    if (l.sample_rate != 1) {
      out.put(l.ntags ? ",\"sample_rate\":" : "\"sample_rate\":");
      put_json_double(out, l.sample_rate);
    }
    out.put('}');
  }
  out.put('}');
  return !out.overflowed();
}

}  // namespace edgestat::ingest

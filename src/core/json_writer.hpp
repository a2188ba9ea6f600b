#pragma once
// Writes JSON into an OutBuffer. It keeps only a comma flag per nesting
// level, so it cannot produce a missing or doubled comma; strings are
// escaped (control bytes, quotes, backslash) and invalid UTF-8 is replaced
// with U+FFFD so the output always parses.
#include <cstdint>
#include <string_view>

#include "core/out_buffer.hpp"

namespace edgestat {

// Appends s as JSON string contents (without quotes).
void json_escape(OutBuffer& out, std::string_view s);

class JsonWriter {
 public:
  // Nesting deeper than this is a programming error in our own renderers.
  static constexpr int kMaxDepth = 16;

  explicit JsonWriter(OutBuffer& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b);
  void value_u64(uint64_t v);
  void value_i64(int64_t v);
  // Non-finite numbers are not JSON: they are written as the strings
  // "NaN", "+Inf", "-Inf", the way Prometheus's own JSON API does.
  void value_double(double v);
  void null();
  // Inserts pre-rendered JSON as a value.
  void raw(std::string_view json);

  // Convenience for "key": value pairs.
  void field(std::string_view k, std::string_view v) { key(k), value(v); }
  void field(std::string_view k, const char* v) { key(k), value(v); }
  void field(std::string_view k, bool v) { key(k), value(v); }
  void field_u64(std::string_view k, uint64_t v) { key(k), value_u64(v); }
  void field_i64(std::string_view k, int64_t v) { key(k), value_i64(v); }
  void field_double(std::string_view k, double v) { key(k), value_double(v); }

  OutBuffer& out() { return out_; }

 private:
  void open(char c);
  void close(char c);
  void before_value();

  OutBuffer& out_;
  int depth_ = 0;
  bool need_comma_[kMaxDepth + 1] = {};
  bool after_key_ = false;
};

}  // namespace edgestat

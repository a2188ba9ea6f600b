#include "core/json_writer.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/utf8.hpp"

namespace edgestat {

void json_escape(OutBuffer& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    // A run of printable ASCII that needs no escape goes out in one copy
    // (byte by byte this was a quarter of a stored StatsD line's cost).
    size_t run = i;
    // Eight bytes at a time while none of them needs attention (SWAR: a
    // word with no byte below 0x20, none with the top bit, none equal to
    // '"', '\\' or 0x7f).
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHigh) != 0; };
    while (s.size() - run >= 8) {
      uint64_t x;
      std::memcpy(&x, s.data() + run, 8);
      if ((x & kHigh) || ((x - 0x20 * kOnes) & ~x & kHigh) || has_zero(x ^ ('"' * kOnes)) ||
          has_zero(x ^ ('\\' * kOnes)) || has_zero(x ^ (0x7f * kOnes)))
        break;
      run += 8;
    }
    while (run < s.size()) {
      unsigned char r = static_cast<unsigned char>(s[run]);
      if (r < 0x20 || r >= 0x7f || r == '"' || r == '\\') break;
      ++run;
    }
    if (run > i) {
      out.put(s.substr(i, run - i));
      i = run;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.put('\\');
      out.put(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      switch (c) {
        case '\n': out.put("\\n"); break;
        case '\r': out.put("\\r"); break;
        case '\t': out.put("\\t"); break;
        default: {
          char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out.put(std::string_view(u, 6));
        }
      }
      ++i;
    } else if (c < 0x80) {
      out.put(static_cast<char>(c));
      ++i;
    } else {
      size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        out.put(kReplacementChar);
        ++i;
      } else {
        out.put(s.substr(i, n));
        i += n;
      }
    }
  }
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (need_comma_[depth_]) out_.put(',');
  need_comma_[depth_] = true;
}

void JsonWriter::open(char c) {
  before_value();
  out_.put(c);
  if (depth_ < kMaxDepth) ++depth_;
  need_comma_[depth_] = false;
}

void JsonWriter::close(char c) {
  out_.put(c);
  if (depth_ > 0) --depth_;
}

void JsonWriter::key(std::string_view k) {
  before_value();
  out_.put('"');
  json_escape(out_, k);
  out_.put("\":");
  after_key_ = true;
}

void JsonWriter::value(std::string_view s) {
  before_value();
  out_.put('"');
  json_escape(out_, s);
  out_.put('"');
}

void JsonWriter::value(bool b) {
  before_value();
  out_.put(b ? "true" : "false");
}

void JsonWriter::value_u64(uint64_t v) {
  before_value();
  out_.put_u64(v);
}

void JsonWriter::value_i64(int64_t v) {
  before_value();
  out_.put_i64(v);
}

void JsonWriter::value_double(double v) {
  before_value();
  if (!std::isfinite(v)) {
    out_.put('"');
    out_.put_double(v);
    out_.put('"');
  } else {
    out_.put_double(v);
  }
}

void JsonWriter::null() {
  before_value();
  out_.put("null");
}

void JsonWriter::raw(std::string_view json) {
  before_value();
  out_.put(json);
}

}  // namespace edgestat

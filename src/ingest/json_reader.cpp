#include "ingest/json_reader.hpp"

#include <cstring>

#include "core/ascii.hpp"
#include "core/number.hpp"
#include "core/utf8.hpp"

namespace edgestat::ingest {
namespace {

// The nesting stack is one bit per level in a uint64_t.
constexpr int kStackBits = 64;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p (the caller checked 4 bytes exist); -1 if not hex.
int32_t hex4(const char* p) {
  int32_t v = 0;
  for (int k = 0; k < 4; ++k) {
    int h = hex_value(p[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

size_t put_utf8(uint32_t cp, char* o) {
  if (cp < 0x80) {
    o[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    o[0] = static_cast<char>(0xC0 | (cp >> 6));
    o[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = static_cast<char>(0xE0 | (cp >> 12));
    o[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    o[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = static_cast<char>(0xF0 | (cp >> 18));
  o[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  o[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  o[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace

std::string_view json_error_name(JsonError e) {
  switch (e) {
    case JsonError::None: return "none";
    case JsonError::Truncated: return "truncated input";
    case JsonError::Syntax: return "syntax error";
    case JsonError::Depth: return "nesting too deep";
    case JsonError::BadEscape: return "invalid escape";
    case JsonError::BadUtf8: return "invalid UTF-8";
    case JsonError::ControlChar: return "control character in string";
    case JsonError::BadNumber: return "invalid number";
    case JsonError::Trailing: return "data after the JSON value";
  }
  return "error";
}

JsonReader::JsonReader(const char* p, size_t n, int max_depth)
    : p_(p), n_(n), max_depth_(max_depth < 1 ? 1 : (max_depth > kStackBits ? kStackBits : max_depth)) {}

JsonTok JsonReader::fail(JsonError e, size_t at) {
  if (state_ != State::Failed) {
    err_ = e;
    err_off_ = at;
    state_ = State::Failed;
  }
  return JsonTok::Error;
}

void JsonReader::skip_blanks() {
  while (i_ < n_) {
    char c = p_[i_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ++i_;
  }
}

void JsonReader::after_value() { state_ = depth_ == 0 ? State::Done : State::CommaOrEnd; }

JsonTok JsonReader::next(JsonToken* t) {
  if (state_ == State::Failed) return JsonTok::Error;
  skip_blanks();
  t->offset = i_;
  t->escaped = false;
  t->text = {};
  if (state_ == State::Done) {
    if (i_ < n_) return fail(JsonError::Trailing, i_);
    t->kind = JsonTok::End;
    return JsonTok::End;
  }
  if (i_ >= n_) return fail(JsonError::Truncated, i_);
  char c = p_[i_];
  switch (state_) {
    case State::FirstValueOrEnd:
      if (c == ']') return close(t, c);
      return value(t);
    case State::FirstKeyOrEnd:
      if (c == '}') return close(t, c);
      [[fallthrough]];
    case State::Key:
      if (c != '"') return fail(JsonError::Syntax, i_);
      return string(t, JsonTok::Key);
    case State::CommaOrEnd:
      if (c == ']' || c == '}') return close(t, c);
      if (c != ',') return fail(JsonError::Syntax, i_);
      ++i_;
      if (in_object()) {
        state_ = State::Key;
        return next(t);
      }
      skip_blanks();
      t->offset = i_;
      if (i_ >= n_) return fail(JsonError::Truncated, i_);
      return value(t);
    case State::Value: return value(t);
    default: return fail(JsonError::Syntax, i_);
  }
}

JsonTok JsonReader::close(JsonToken* t, char c) {
  if (depth_ == 0 || (c == '}') != in_object()) return fail(JsonError::Syntax, i_);
  ++i_;
  --depth_;
  stack_ &= ~(uint64_t{1} << depth_);
  after_value();
  t->kind = c == '}' ? JsonTok::EndObject : JsonTok::EndArray;
  return t->kind;
}

JsonTok JsonReader::value(JsonToken* t) {
  char c = p_[i_];
  switch (c) {
    case '{':
    case '[':
      if (depth_ >= max_depth_) return fail(JsonError::Depth, i_);
      ++i_;
      if (c == '{') stack_ |= uint64_t{1} << depth_;
      ++depth_;
      state_ = c == '{' ? State::FirstKeyOrEnd : State::FirstValueOrEnd;
      t->kind = c == '{' ? JsonTok::BeginObject : JsonTok::BeginArray;
      return t->kind;
    case '"': return string(t, JsonTok::String);
    case 't': return literal(t, "true", JsonTok::True);
    case 'f': return literal(t, "false", JsonTok::False);
    case 'n': return literal(t, "null", JsonTok::Null);
    default:
      if (c == '-' || is_digit(c)) return number(t);
      return fail(JsonError::Syntax, i_);
  }
}

JsonTok JsonReader::literal(JsonToken* t, std::string_view word, JsonTok kind) {
  size_t have = n_ - i_ < word.size() ? n_ - i_ : word.size();
  if (std::memcmp(p_ + i_, word.data(), have) != 0) return fail(JsonError::Syntax, i_);
  if (have < word.size()) return fail(JsonError::Truncated, n_);
  t->text = {p_ + i_, word.size()};
  i_ += word.size();
  after_value();
  t->kind = kind;
  return kind;
}

JsonTok JsonReader::number(JsonToken* t) {
  const size_t start = i_;
  size_t i = i_;
  if (p_[i] == '-') ++i;
  if (i >= n_) return fail(JsonError::Truncated, i);
  if (p_[i] == '0') {
    ++i;
  } else if (is_digit(p_[i])) {
    while (i < n_ && is_digit(p_[i])) ++i;
  } else {
    return fail(JsonError::BadNumber, start);
  }
  if (i < n_ && p_[i] == '.') {
    ++i;
    if (i >= n_) return fail(JsonError::Truncated, i);
    if (!is_digit(p_[i])) return fail(JsonError::BadNumber, start);
    while (i < n_ && is_digit(p_[i])) ++i;
  }
  if (i < n_ && (p_[i] == 'e' || p_[i] == 'E')) {
    ++i;
    if (i < n_ && (p_[i] == '+' || p_[i] == '-')) ++i;
    if (i >= n_) return fail(JsonError::Truncated, i);
    if (!is_digit(p_[i])) return fail(JsonError::BadNumber, start);
    while (i < n_ && is_digit(p_[i])) ++i;
  }
  // "01" or "1x": a number must end at a delimiter.
  if (i < n_) {
    char c = p_[i];
    if (is_digit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+' ||
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      return fail(JsonError::BadNumber, start);
  }
  std::string_view text(p_ + start, i - start);
  if (text.size() > kMaxNumberChars) return fail(JsonError::BadNumber, start);
  auto v = parse_double(text);
  if (!v) return fail(JsonError::BadNumber, start);
  t->text = text;
  t->number = *v;
  i_ = i;
  after_value();
  t->kind = JsonTok::Number;
  return JsonTok::Number;
}

JsonTok JsonReader::string(JsonToken* t, JsonTok kind) {
  size_t i = i_ + 1;  // past the opening quote
  const size_t start = i;
  bool escaped = false;
  for (;;) {
    if (i >= n_) return fail(JsonError::Truncated, n_);
    unsigned char c = static_cast<unsigned char>(p_[i]);
    if (c == '"') break;
    if (c == '\\') {
      escaped = true;
      if (i + 1 >= n_) return fail(JsonError::Truncated, n_);
      char e = p_[i + 1];
      if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
        i += 2;
        continue;
      }
      if (e != 'u') return fail(JsonError::BadEscape, i);
      if (i + 6 > n_) return fail(JsonError::Truncated, n_);
      int32_t cp = hex4(p_ + i + 2);
      if (cp < 0) return fail(JsonError::BadEscape, i);
      if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(JsonError::BadEscape, i);  // low surrogate first
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        // A high surrogate must be followed at once by \u and a low one.
        if (i + 12 > n_) {
          // Decide between "truncated" and "bad" by what is there.
          size_t have = n_ - (i + 6);
          const char* q = p_ + i + 6;
          if ((have >= 1 && q[0] != '\\') || (have >= 2 && q[1] != 'u')) return fail(JsonError::BadEscape, i);
          return fail(JsonError::Truncated, n_);
        }
        if (p_[i + 6] != '\\' || p_[i + 7] != 'u') return fail(JsonError::BadEscape, i);
        int32_t lo = hex4(p_ + i + 8);
        if (lo < 0xDC00 || lo > 0xDFFF) return fail(JsonError::BadEscape, i);
        i += 12;
        continue;
      }
      i += 6;
      continue;
    }
    if (c < 0x20) return fail(JsonError::ControlChar, i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = utf8_sequence_length(std::string_view(p_, n_), i);
    if (len == 0) {
      // A sequence cut by the end of input is truncation, not bad UTF-8.
      size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
      if (want && i + want > n_) {
        bool prefix_ok = c >= 0xC2 && c <= 0xF4;
        for (size_t k = i + 1; k < n_; ++k)
          if ((static_cast<unsigned char>(p_[k]) & 0xC0) != 0x80) prefix_ok = false;
        if (prefix_ok) return fail(JsonError::Truncated, n_);
      }
      return fail(JsonError::BadUtf8, i);
    }
    i += len;
  }
  t->text = std::string_view(p_ + start, i - start);
  t->escaped = escaped;
  i_ = i + 1;
  if (kind == JsonTok::Key) {
    skip_blanks();
    if (i_ >= n_) return fail(JsonError::Truncated, i_);
    if (p_[i_] != ':') return fail(JsonError::Syntax, i_);
    ++i_;
    state_ = State::Value;
  } else {
    after_value();
  }
  t->kind = kind;
  return kind;
}

bool JsonReader::skip(const JsonToken& t) {
  if (t.kind != JsonTok::BeginObject && t.kind != JsonTok::BeginArray) return t.kind != JsonTok::Error;
  const int target = depth_ - 1;
  JsonToken x;
  while (depth_ > target) {
    JsonTok k = next(&x);
    if (k == JsonTok::Error || k == JsonTok::End) return false;
  }
  return true;
}

bool json_unescape(std::string_view s, char* out, size_t cap, size_t* len) {
  size_t o = 0;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '\\') {
      // Copy the run up to the next escape in one go.
      size_t j = i;
      while (j < s.size() && s[j] != '\\') ++j;
      size_t run = j - i;
      if (run > cap - o) {
        std::memcpy(out + o, s.data() + i, cap - o);
        *len = cap;
        return false;
      }
      std::memcpy(out + o, s.data() + i, run);
      o += run;
      i = j;
      continue;
    }
    char e = s[i + 1];
    char u8[4];
    size_t n = 1;
    switch (e) {
      case '"': u8[0] = '"'; break;
      case '\\': u8[0] = '\\'; break;
      case '/': u8[0] = '/'; break;
      case 'b': u8[0] = '\b'; break;
      case 'f': u8[0] = '\f'; break;
      case 'n': u8[0] = '\n'; break;
      case 'r': u8[0] = '\r'; break;
      case 't': u8[0] = '\t'; break;
      default: {  // 'u'
        uint32_t cp = static_cast<uint32_t>(hex4(s.data() + i + 2));
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo = static_cast<uint32_t>(hex4(s.data() + i + 8));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        n = put_utf8(cp, u8);
        i += 4;
      }
    }
    i += 2;
    if (n > cap - o) {
      *len = o;
      return false;
    }
    std::memcpy(out + o, u8, n);
    o += n;
  }
  *len = o;
  return true;
}

size_t utf8_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace edgestat::ingest

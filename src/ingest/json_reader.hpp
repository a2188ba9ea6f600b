#pragma once
// A pull (SAX-style) JSON reader over a caller's bytes: no DOM, no
// allocation, no copies. Each next() returns one token whose text is a view
// into the input; strings are returned in their escaped form (already
// validated: escapes, \u surrogate pairs, UTF-8, no raw control bytes) and
// json_unescape() decodes one into a caller's fixed buffer when the value is
// needed. Structure is checked as tokens are pulled (commas, colons,
// matching brackets, a single top-level value, nothing after it), so a
// consumer can stop at the first error without a second validation pass.
//
// RFC 8259 strictly: no comments, no trailing commas, no NaN/Infinity, no
// leading zeros or '+'. Nesting is capped (kMaxDepth) so hostile input
// like "[[[[..." cannot exhaust anything.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::ingest {

enum class JsonTok : uint8_t {
  End,  // the single top-level value was read and only blanks follow
  Error,
  BeginObject,
  EndObject,
  BeginArray,
  EndArray,
  Key,     // an object member name (escaped text)
  String,  // a string value (escaped text)
  Number,  // text in `text`, value in `number`
  True,
  False,
  Null,
};

enum class JsonError : uint8_t {
  None,
  Truncated,    // the input ended inside a value
  Syntax,       // a byte that cannot start or continue what is expected
  Depth,        // nesting deeper than the reader's cap
  BadEscape,    // unknown escape, bad \u hex, lone or reversed surrogate
  BadUtf8,      // invalid UTF-8 inside a string
  ControlChar,  // a raw byte below 0x20 inside a string
  BadNumber,    // not a JSON number, or longer than kMaxNumberChars
  Trailing,     // bytes after the top-level value
};
std::string_view json_error_name(JsonError e);

struct JsonToken {
  JsonTok kind = JsonTok::Error;
  std::string_view text;  // strings: between the quotes, escaped; numbers: the literal
  bool escaped = false;   // strings: text holds at least one backslash escape
  double number = 0;      // numbers: the value (may be +-inf when out of range)
  size_t offset = 0;      // where the token starts in the input
};

class JsonReader {
 public:
  // Nesting beyond this is refused: a record is an object in an optional
  // array (depth 2); 16 leaves room for callers that skip unknown values.
  static constexpr int kMaxDepth = 16;
  // Longest number literal accepted (the core number parser's limit); a
  // longer one is refused, never rounded from a prefix.
  static constexpr size_t kMaxNumberChars = 64;

  JsonReader(const char* p, size_t n, int max_depth = kMaxDepth);
  explicit JsonReader(std::string_view s, int max_depth = kMaxDepth) : JsonReader(s.data(), s.size(), max_depth) {}

  // The next token; after Error or End every further call returns the same.
  JsonTok next(JsonToken* t);
  // Skips the rest of the value t started (t itself already read): nothing
  // for scalars, up to and including the matching end for containers.
  // False on an error inside it.
  bool skip(const JsonToken& t);

  JsonError error() const { return err_; }
  size_t error_offset() const { return err_off_; }
  // Containers open at the current position (0 at top level).
  int depth() const { return depth_; }

 private:
  enum class State : uint8_t { Value, FirstValueOrEnd, FirstKeyOrEnd, Key, CommaOrEnd, Done, Failed };

  JsonTok fail(JsonError e, size_t at);
  JsonTok value(JsonToken* t);
  JsonTok string(JsonToken* t, JsonTok kind);
  JsonTok number(JsonToken* t);
  JsonTok literal(JsonToken* t, std::string_view word, JsonTok kind);
  JsonTok close(JsonToken* t, char c);
  void after_value();
  void skip_blanks();
  bool in_object() const { return (stack_ >> (depth_ - 1)) & 1; }

  const char* p_;
  size_t n_;
  size_t i_ = 0;
  int max_depth_;
  int depth_ = 0;
  uint64_t stack_ = 0;  // bit d-1 set: the container at depth d is an object
  State state_ = State::Value;
  JsonError err_ = JsonError::None;
  size_t err_off_ = 0;
};

// Decodes the escaped text of a string token into out[0..cap). The text
// must come from JsonReader (it is trusted to be valid). False when the
// decoded string does not fit; *len is set either way to what was written.
bool json_unescape(std::string_view text, char* out, size_t cap, size_t* len);

// Unicode code points in valid UTF-8 (continuation bytes are not counted).
size_t utf8_code_points(std::string_view s);

}  // namespace edgestat::ingest

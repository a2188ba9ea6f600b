#pragma once
// A small RE2-syntax regular expression engine for node_exporter's filter
// flags (--collector.filesystem.mount-points-exclude and friends). libc's
// regexec allocates on every call, and collection must not allocate, so a
// pattern is compiled once at config time into a fixed program held inside
// the Regex object, and matching runs a Pike VM (Thompson NFA simulation)
// over fixed arrays on the stack: no allocation, no backtracking, time
// O(text length x program size) whatever the pattern.
//
// Syntax is Go's regexp (RE2) minus what filters never use. Supported:
// literals; escapes \. \\ \/ \- and any other ASCII punctuation, \t \n \r
// \f \v \a, \xHH and \x{HH} up to 0x7F; \d \D \w \W \s \S; . ; bracket
// classes with ranges, negation, escapes and [:alpha:]-style POSIX names;
// groups ( ), (?: ), (?P<name> ) and (?<name> ) (no captures are kept);
// | ; * + ? {m} {m,} {m,n} with n <= kMaxRegexRepeat, each optionally
// lazy (x*?, same yes/no answer); ^ $ \A \z \b \B; flags (?i) (?m) (?s)
// (?U), also (?i:...) and (?-i), scoped to the enclosing group as in Go.
// Rejected with an error: backreferences, lookaround, \p{...}, \Q...\E,
// octal escapes, stacked repetition (a**), non-ASCII in brackets.
//
// Bytes: the engine matches bytes. A non-ASCII literal is one atom of its
// UTF-8 bytes, so é+ means what it means in Go (invalid UTF-8 in a pattern
// is an error, as in Go). But ., \D, \W, \S and negated classes consume
// one byte where Go consumes one UTF-8 character, so `^.$` does not match
// "é" (`^.+$` does), and (?i) folds ASCII letters only. Filter subjects
// (mount points, device, interface and field names) are ASCII in practice.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

// Program size. The largest node_exporter default filter (fs-types-exclude,
// 24 alternatives) compiles to 216 instructions; 512 leaves room for
// hand-written filters while keeping a Regex at about 4 KiB, and bounds the
// VM's stack use (about 3 KiB). Overflow: compile error.
inline constexpr size_t kMaxRegexInsts = 512;
// Distinct character classes ([a-z], \d, ...) in one pattern; identical
// classes share a slot (32 bytes each). Overflow: compile error.
inline constexpr size_t kMaxRegexClasses = 32;
// Largest count in x{m,n}. Counted repetition is expanded copy by copy, so
// RE2's 1000 would not fit the program anyway; 100 covers real filters.
// Larger: compile error.
inline constexpr int kMaxRegexRepeat = 100;
// Group nesting depth; bounds the compiler's recursion on hostile input.
inline constexpr int kMaxRegexDepth = 32;
// Syntax tree nodes while compiling (on the compiler's stack, 10 bytes
// each); a pattern needing more would not fit kMaxRegexInsts either.
inline constexpr size_t kMaxRegexNodes = 1024;

class Regex {
 public:
  // Compiles pattern, replacing any previous program. On failure writes a
  // NUL-terminated message naming the problem and its byte offset into err
  // (truncated to err_cap; err may be null) and leaves a Regex that
  // matches nothing. Does not allocate.
  bool compile(std::string_view pattern, char* err, size_t err_cap);

  // Go's MatchString: does the pattern match anywhere in text? ^ and $
  // anchor at the text's start and end. False if never compiled.
  bool match(std::string_view text) const { return run(text, false); }
  // Does the pattern match the whole text (as if wrapped in ^(?:...)$)?
  bool full_match(std::string_view text) const { return run(text, true); }

  size_t program_size() const { return n_insts_; }

  // Internal: a program instruction (public for the .cpp's helpers).
  struct Inst {
    uint8_t op;
    uint8_t fold;  // Byte: also match the other ASCII case
    uint16_t x;    // Byte: the byte; Class: index; Jmp/Split: target
    uint16_t y;    // Split: second target
  };

 private:
  friend class RegexCompiler;
  bool run(std::string_view text, bool full) const;

  Inst insts_[kMaxRegexInsts] = {};
  uint8_t classes_[kMaxRegexClasses][32] = {};  // 256-bit byte sets
  uint16_t n_insts_ = 0;
  uint16_t n_classes_ = 0;
};

}  // namespace edgestat

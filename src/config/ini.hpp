#pragma once
// A pure INI reader: `[section]` headers, `key = value` lines, comment
// lines starting with '#' or ';'. There are no inline comments, because
// regex values legitimately contain '#' and ';'. A value may be wrapped in
// double quotes to keep leading or trailing blanks. The reader never
// allocates; entries are views into the caller's text.
#include <cstdint>
#include <string_view>

namespace edgestat {

struct IniEntry {
  std::string_view section;
  std::string_view key;
  std::string_view value;
  uint32_t line = 0;
};

enum class IniStatus { Entry, End, Error };

class IniReader {
 public:
  // A config line longer than this is a mistake (a binary file, a missing
  // newline); refuse it rather than guess.
  static constexpr size_t kMaxLine = 4096;

  explicit IniReader(std::string_view text) : rest_(text) {}

  // On Error, error() says why and line() says where.
  IniStatus next(IniEntry* e);
  const char* error() const { return error_; }
  uint32_t line() const { return line_; }

 private:
  std::string_view rest_;
  std::string_view section_;
  uint32_t line_ = 0;
  const char* error_ = "";
};

}  // namespace edgestat

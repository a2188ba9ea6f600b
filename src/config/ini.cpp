#include "config/ini.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

bool section_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

}  // namespace

IniStatus IniReader::next(IniEntry* e) {
  while (!rest_.empty()) {
    std::string_view raw = next_field(rest_, '\n');
    ++line_;
    if (raw.size() > kMaxLine) {
      error_ = "line too long";
      return IniStatus::Error;
    }
    for (char c : raw) {
      if (c == '\0') {
        error_ = "NUL byte in config text";
        return IniStatus::Error;
      }
    }
    std::string_view s = trim(raw);
    if (s.empty() || s[0] == '#' || s[0] == ';') continue;
    if (s[0] == '[') {
      if (s.back() != ']') {
        error_ = "section header without closing ']'";
        return IniStatus::Error;
      }
      std::string_view name = trim(s.substr(1, s.size() - 2));
      if (name.empty()) {
        error_ = "empty section name";
        return IniStatus::Error;
      }
      for (char c : name) {
        if (!section_char(c)) {
          error_ = "section name may only contain letters, digits, '_', '-' and '.'";
          return IniStatus::Error;
        }
      }
      section_ = name;
      continue;
    }
    size_t eq = s.find('=');
    if (eq == std::string_view::npos) {
      error_ = "expected 'key = value'";
      return IniStatus::Error;
    }
    std::string_view key = trim(s.substr(0, eq));
    std::string_view value = trim(s.substr(eq + 1));
    if (key.empty()) {
      error_ = "empty key before '='";
      return IniStatus::Error;
    }
    for (char c : key) {
      if (!section_char(c)) {
        error_ = "key may only contain letters, digits, '_', '-' and '.'";
        return IniStatus::Error;
      }
    }
    if (!value.empty() && value[0] == '"') {
      if (value.size() < 2 || value.back() != '"') {
        error_ = "unterminated quoted value";
        return IniStatus::Error;
      }
      value = value.substr(1, value.size() - 2);
    }
    if (section_.empty()) {
      error_ = "key outside any [section]";
      return IniStatus::Error;
    }
    *e = IniEntry{section_, key, value, line_};
    return IniStatus::Entry;
  }
  return IniStatus::End;
}

}  // namespace edgestat

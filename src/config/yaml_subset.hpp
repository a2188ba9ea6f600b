#pragma once
// A pure reader for the YAML that exporter-toolkit's web-config.yml uses:
// nested block mappings indented with spaces, plain, 'single' and "double"
// quoted scalars, block sequences ("- item") and flow sequences ("[a, b]")
// of scalars, '#' comments, and a leading "---". Anything else (anchors,
// tags, multi-line scalars, sequences of mappings, tabs) is an error that
// names the line, never a guess.
//
// Each scalar comes out as one entry: its path of keys joined by '.'
// ("tls_server_config.cert_file"), the value unquoted, and its line. A
// sequence item has seq set; a key with no value and no children is an
// entry with an empty value. Keys are matched by the caller, so unknown
// keys are the caller's errors. Nothing is allocated: paths and unquoted
// values live in fixed buffers of the reader.
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat {

struct YamlEntry {
  std::string_view path;   // keys joined by '.', valid until the next call
  std::string_view value;  // unquoted scalar, valid until the next call
  uint32_t line = 0;
  bool seq = false;        // an item of a sequence at path
};

enum class YamlStatus { Entry, End, Error };

class YamlReader {
 public:
  static constexpr size_t kMaxLine = 4096;
  static constexpr size_t kMaxDepth = 4;    // web-config.yml nests 2 deep
  static constexpr size_t kMaxPath = 256;
  static constexpr size_t kMaxValue = 1024;
  static constexpr size_t kMaxFlowItems = 64;

  explicit YamlReader(std::string_view text) : rest_(text) {}

  // On Error, error() says why and line() says where.
  YamlStatus next(YamlEntry* e);
  const char* error() const { return error_; }
  uint32_t line() const { return line_; }

 private:
  bool fail(const char* why) {
    error_ = why;
    return false;
  }
  bool scalar(std::string_view raw, std::string_view* out);
  bool set_path(std::string_view key);
  YamlStatus emit(YamlEntry* e, std::string_view value, bool seq);
  YamlStatus close_open_key(YamlEntry* e);

  struct Level {
    uint32_t indent;
    FixedString<128> key;
    int32_t child_indent = -1;  // the indent its children share; -1: none yet
  };
  std::string_view rest_;
  Level stack_[kMaxDepth];
  size_t depth_ = 0;
  // A key with no value waits for children; if none come it is an entry.
  bool open_key_ = false;
  uint32_t open_line_ = 0;
  // An item list of a flow sequence being handed out one a call.
  std::string_view flow_;
  bool in_flow_ = false;
  FixedString<kMaxPath> path_;
  char value_[kMaxValue];
  uint32_t line_ = 0;
  bool done_ = false;
  bool seen_content_ = false;
  int32_t root_indent_ = -1;
  const char* error_ = "";
};

}  // namespace edgestat

#include "config/yaml_subset.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// Cuts a '#' comment that is outside quotes and starts the line or follows
// a blank (YAML: "a#b" is a scalar, "a #b" is "a" and a comment).
std::string_view strip_comment(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // A quote only opens a quoted scalar at its start; inside a plain
      // scalar (it's) it is a character.
      if (i == 0 || blank(s[i - 1]) || s[i - 1] == '[' || s[i - 1] == ',' || s[i - 1] == ':') quote = c;
    } else if (c == '#' && (i == 0 || blank(s[i - 1]))) {
      return s.substr(0, i);
    }
  }
  return s;
}

// The ':' ending a mapping key: followed by a blank or the end, outside
// quotes. npos if the line is not "key: ...".
size_t key_colon(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if ((c == '"' || c == '\'') && i == 0) {
      quote = c;
    } else if (c == ':' && (i + 1 == s.size() || blank(s[i + 1]))) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool YamlReader::scalar(std::string_view raw, std::string_view* out) {
  std::string_view s = trim(raw);
  size_t n = 0;
  if (!s.empty() && (s[0] == '"' || s[0] == '\'')) {
    char q = s[0];
    if (s.size() < 2 || s.back() != q) return fail("unterminated quoted string (multi-line scalars are not supported)");
    std::string_view in = s.substr(1, s.size() - 2);
    for (size_t i = 0; i < in.size(); ++i) {
      char c = in[i];
      if (q == '\'' && c == '\'') {
        if (i + 1 >= in.size() || in[i + 1] != '\'') return fail("a ' inside a single-quoted string must be doubled");
        ++i;
      } else if (q == '"' && c == '"') {
        return fail("text after a closing \"");
      } else if (q == '"' && c == '\\') {
        if (++i >= in.size()) return fail("a \\ ends a double-quoted string");
        switch (in[i]) {
          case '\\': c = '\\'; break;
          case '"': c = '"'; break;
          case '/': c = '/'; break;
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          default: return fail("unsupported escape in a double-quoted string (\\\\, \\\", \\/, \\n, \\t)");
        }
      }
      if (n == kMaxValue) return fail("value longer than 1024 bytes");
      value_[n++] = c;
    }
    *out = std::string_view(value_, n);
    return true;
  }
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") {
    *out = {};
    return true;
  }
  if (!s.empty()) {
    switch (s[0]) {
      case '&': case '*': case '!': case '|': case '>': case '%': case '@': case '`': case '{': case '[':
        return fail("anchors, aliases, tags, block scalars and nested flow collections are not supported");
      default: break;
    }
  }
  if (s.size() > kMaxValue) return fail("value longer than 1024 bytes");
  *out = s;
  return true;
}

bool YamlReader::set_path(std::string_view key) {
  path_.clear();
  for (size_t i = 1; i < depth_; ++i) {
    if (!path_.empty()) path_.push_back('.');
    path_.append(stack_[i].key.view());
  }
  if (!key.empty()) {
    if (!path_.empty()) path_.push_back('.');
    path_.append(key);
  }
  if (path_.size() >= kMaxPath - 1) return fail("keys nested too long");
  return true;
}

YamlStatus YamlReader::emit(YamlEntry* e, std::string_view value, bool seq) {
  e->path = path_.view();
  e->value = value;
  e->line = line_;
  e->seq = seq;
  return YamlStatus::Entry;
}

// A key with no value on its line and no deeper lines under it ("key:"
// then a sibling or the end) is an empty value, reported at its own line.
YamlStatus YamlReader::close_open_key(YamlEntry* e) {
  open_key_ = false;
  uint32_t l = line_;
  line_ = open_line_;
  if (!set_path({})) return YamlStatus::Error;
  --depth_;
  YamlStatus st = emit(e, {}, false);
  line_ = l;
  return st;
}

YamlStatus YamlReader::next(YamlEntry* e) {
  if (done_) return YamlStatus::End;
  if (depth_ == 0) {
    stack_[0].indent = 0;  // the document's root: its keys are at any one indent
    stack_[0].key.clear();
    depth_ = 1;
    root_indent_ = -1;
  }
  if (in_flow_) {
    // Items of "[a, b, c]": no nesting, so a plain split on ',' outside quotes.
    while (!flow_.empty()) {
      size_t cut = flow_.size();
      char quote = 0;
      for (size_t i = 0; i < flow_.size(); ++i) {
        char c = flow_[i];
        if (quote) {
          if (c == '\\' && quote == '"') ++i;
          else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == ',') {
          cut = i;
          break;
        }
      }
      std::string_view item = trim(flow_.substr(0, cut));
      flow_ = cut < flow_.size() ? flow_.substr(cut + 1) : std::string_view();
      if (item.empty()) {
        if (flow_.empty()) break;  // "[a, b,]": a trailing comma
        return fail("empty item in a flow sequence"), YamlStatus::Error;
      }
      std::string_view v;
      if (!scalar(item, &v)) return YamlStatus::Error;
      return emit(e, v, true);
    }
    in_flow_ = false;
  }
  for (;;) {
    // Peek at the next line; it is consumed only once handled, so a line
    // that closes an open key can be looked at again.
    if (rest_.empty()) {
      if (open_key_) return close_open_key(e);
      done_ = true;
      return YamlStatus::End;
    }
    size_t nl = rest_.find('\n');
    std::string_view raw = rest_.substr(0, nl);
    std::string_view after = nl == std::string_view::npos ? std::string_view() : rest_.substr(nl + 1);
    uint32_t lineno = line_ + 1;
    if (raw.size() > kMaxLine) {
      line_ = lineno;
      return fail("line longer than 4096 bytes"), YamlStatus::Error;
    }
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    size_t indent = 0;
    while (indent < raw.size() && raw[indent] == ' ') ++indent;
    std::string_view content = raw.substr(indent);
    if (!content.empty() && content[0] == '\t') {
      line_ = lineno;
      return fail("a tab in indentation (YAML indents with spaces)"), YamlStatus::Error;
    }
    content = strip_comment(content);
    while (!content.empty() && blank(content.back())) content.remove_suffix(1);
    if (content.empty() || (content == "---" && indent == 0 && !seen_content_)) {
      rest_ = after;
      line_ = lineno;
      continue;
    }
    if (content == "..." && indent == 0) {
      rest_ = {};
      line_ = lineno;
      continue;
    }
    bool item = content == "-" || starts_with(content, "- ");
    // Does this line close the key opened by the previous one? Children sit
    // deeper; a block sequence may sit at the key's own indent.
    if (open_key_) {
      uint32_t key_indent = stack_[depth_ - 1].indent;
      bool child = indent > key_indent || (item && indent == key_indent);
      if (!child) return close_open_key(e);
      open_key_ = false;
    }
    rest_ = after;
    line_ = lineno;
    seen_content_ = true;
    if (item) {
      while (depth_ > 1 && stack_[depth_ - 1].indent > indent) --depth_;
      if (depth_ == 1) return fail("a sequence item outside any key"), YamlStatus::Error;
      std::string_view body = trim(content.substr(1));
      if (body == "-" || starts_with(body, "- ") || key_colon(body) != std::string_view::npos)
        return fail("sequences of sequences or mappings are not supported"), YamlStatus::Error;
      std::string_view v;
      if (!set_path({}) || !scalar(body, &v)) return YamlStatus::Error;
      return emit(e, v, true);
    }
    size_t colon = key_colon(content);
    if (colon == std::string_view::npos) return fail("expected \"key: value\""), YamlStatus::Error;
    while (depth_ > 1 && stack_[depth_ - 1].indent >= indent) --depth_;
    // Siblings share one indent.
    int32_t& want = depth_ == 1 ? root_indent_ : stack_[depth_ - 1].child_indent;
    if (want < 0) want = static_cast<int32_t>(indent);
    if (static_cast<int32_t>(indent) != want) return fail("indentation does not match the keys above"), YamlStatus::Error;
    std::string_view key;
    std::string_view rawkey = content.substr(0, colon);
    if (!scalar(rawkey, &key)) return YamlStatus::Error;
    if (key.empty()) return fail("an empty key"), YamlStatus::Error;
    FixedString<128> k;
    if (!k.assign(key)) return fail("key longer than 128 bytes"), YamlStatus::Error;
    std::string_view value = trim(content.substr(colon + 1));
    if (value.empty()) {
      if (depth_ == kMaxDepth) return fail("keys nested too deep"), YamlStatus::Error;
      stack_[depth_].indent = static_cast<uint32_t>(indent);
      stack_[depth_].key = k;
      stack_[depth_].child_indent = -1;
      ++depth_;
      open_key_ = true;
      open_line_ = lineno;
      continue;
    }
    if (!set_path(k.view())) return YamlStatus::Error;
    if (value[0] == '[') {
      if (value.back() != ']') return fail("a flow sequence must end on its line with ]"), YamlStatus::Error;
      flow_ = trim(value.substr(1, value.size() - 2));
      in_flow_ = true;
      if (flow_.empty()) {
        in_flow_ = false;
        return emit(e, {}, false);  // key: [] is an empty list
      }
      return next(e);
    }
    if (value == "{}") return emit(e, {}, false);
    std::string_view v;
    if (!scalar(value, &v)) return YamlStatus::Error;
    return emit(e, v, false);
  }
}

}  // namespace edgestat

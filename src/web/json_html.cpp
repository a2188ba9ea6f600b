#include "web/json_html.hpp"

#include <cstdint>

namespace edgestat::web {
namespace {

class Renderer {
 public:
  Renderer(std::string_view s, OutBuffer& out) : p_(s.data()), end_(s.data() + s.size()), out_(out) {}

  bool document() {
    if (!value(0)) return false;
    ws();
    return p_ == end_;
  }

 private:
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  char peek() {
    ws();
    return p_ < end_ ? *p_ : '\0';
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(uint32_t* v) {
    if (end_ - p_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex(p_[i]);
      if (h < 0) return false;
      *v = *v << 4 | static_cast<uint32_t>(h);
    }
    p_ += 4;
    return true;
  }
  void put_utf8(uint32_t cp, bool emit) {
    if (!emit) return;
    char b[4];
    size_t n;
    if (cp < 0x80) {
      b[0] = static_cast<char>(cp), n = 1;
    } else if (cp < 0x800) {
      b[0] = static_cast<char>(0xC0 | cp >> 6), b[1] = static_cast<char>(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
      b[0] = static_cast<char>(0xE0 | cp >> 12), b[1] = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      b[2] = static_cast<char>(0x80 | (cp & 0x3F)), n = 3;
    } else {
      b[0] = static_cast<char>(0xF0 | cp >> 18), b[1] = static_cast<char>(0x80 | (cp >> 12 & 0x3F));
      b[2] = static_cast<char>(0x80 | (cp >> 6 & 0x3F)), b[3] = static_cast<char>(0x80 | (cp & 0x3F)), n = 4;
    }
    if (cp == '&' || cp == '<' || cp == '>' || cp == '"' || cp == '\'') put_escaped(out_, {b, n});
    else out_.put({b, n});
  }

  // A string (p_ at its opening quote), decoded and escaped into out_ when
  // emit; else only checked and skipped.
  bool string(bool emit) {
    if (!eat('"')) return false;
    const char* run = p_;
    auto flush = [&](const char* to) {
      if (emit) put_escaped(out_, {run, static_cast<size_t>(to - run)});
    };
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        flush(p_);
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        ++p_;
        continue;
      }
      flush(p_);
      if (end_ - p_ < 2) return false;
      char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"': put_utf8('"', emit); break;
        case '\\': put_utf8('\\', emit); break;
        case '/': put_utf8('/', emit); break;
        case 'b': case 'f': case 'n': case 'r': case 't': put_utf8(e == 't' ? '\t' : ' ', emit); break;
        case 'u': {
          uint32_t cp;
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          put_utf8(cp, emit);
          break;
        }
        default: return false;
      }
      run = p_;
    }
    return false;
  }

  bool number(bool emit) {
    ws();
    const char* s = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    const char* digits = p_;
    while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E' || *p_ == '+' ||
                         *p_ == '-'))
      ++p_;
    if (p_ == digits || *digits < '0' || *digits > '9') return false;
    if (emit) out_.put({s, static_cast<size_t>(p_ - s)});
    return true;
  }

  bool literal(std::string_view w, bool emit) {
    ws();
    if (static_cast<size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    p_ += w.size();
    if (emit) out_.put(w);
    return true;
  }

  // Skips one value without output (header scans).
  bool skip(size_t depth) {
    if (depth > kMaxJsonHtmlDepth) return false;
    switch (peek()) {
      case '{':
        ++p_;
        if (eat('}')) return true;
        do {
          if (!string(false) || !eat(':') || !skip(depth + 1)) return false;
        } while (eat(','));
        return eat('}');
      case '[':
        ++p_;
        if (eat(']')) return true;
        do {
          if (!skip(depth + 1)) return false;
        } while (eat(','));
        return eat(']');
      case '"': return string(false);
      case 't': return literal("true", false);
      case 'f': return literal("false", false);
      case 'n': return literal("null", false);
      default: return number(false);
    }
  }

  bool object(size_t depth) {
    ++p_;
    if (eat('}')) {
      out_.put("<span class=\"mute\">{}</span>");
      return true;
    }
    out_.put("<table class=\"kv\"><tbody>\n");
    do {
      out_.put("<tr><th>");
      if (!string(true) || !eat(':')) return false;
      out_.put("</th><td>");
      if (!value(depth + 1)) return false;
      out_.put("</td></tr>\n");
    } while (eat(','));
    out_.put("</tbody></table>");
    return eat('}');
  }

  // A header row from the keys of the object at p_ (p_ is left in place).
  bool header(size_t depth) {
    const char* at = p_;
    out_.put("<thead><tr>");
    ++p_;
    if (!eat('}')) {
      do {
        out_.put("<th>");
        if (!string(true) || !eat(':') || !skip(depth + 1)) return false;
        out_.put("</th>");
      } while (eat(','));
      if (!eat('}')) return false;
    }
    out_.put("</tr></thead>");
    p_ = at;
    return true;
  }

  // One table row from an object's values or an array's elements.
  bool row(size_t depth) {
    if (depth > kMaxJsonHtmlDepth) return false;
    out_.put("<tr>");
    char open = peek();
    if (open != '{' && open != '[') {
      out_.put("<td>");
      if (!value(depth)) return false;
      out_.put("</td></tr>\n");
      return true;
    }
    char close = open == '{' ? '}' : ']';
    ++p_;
    if (!eat(close)) {
      do {
        if (open == '{' && (!string(false) || !eat(':'))) return false;
        out_.put("<td>");
        if (!value(depth + 1)) return false;
        out_.put("</td>");
      } while (eat(','));
      if (!eat(close)) return false;
    }
    out_.put("</tr>\n");
    return true;
  }

  bool array(size_t depth) {
    ++p_;
    if (eat(']')) {
      out_.put("<span class=\"mute\">none</span>");
      return true;
    }
    char first = peek();
    if (first == '{' || first == '[') {
      out_.put("<table>");
      if (first == '{' && !header(depth + 1)) return false;
      out_.put("<tbody>\n");
      do {
        if (!row(depth + 1)) return false;
      } while (eat(','));
      out_.put("</tbody></table>");
      return eat(']');
    }
    bool more = false;
    do {
      if (more) out_.put(", ");
      more = true;
      if (!value(depth + 1)) return false;
    } while (eat(','));
    return eat(']');
  }

  bool value(size_t depth) {
    if (depth > kMaxJsonHtmlDepth) return false;
    switch (peek()) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string(true);
      case 't': return literal("true", true);
      case 'f': return literal("false", true);
      case 'n': return literal("null", true);
      default: return number(true);
    }
  }

  const char* p_;
  const char* end_;
  OutBuffer& out_;
};

}  // namespace

void put_escaped(OutBuffer& out, std::string_view s) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string_view rep;
    switch (s[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default: continue;
    }
    out.put(s.substr(run, i - run));
    out.put(rep);
    run = i + 1;
  }
  out.put(s.substr(run));
}

bool json_to_html(std::string_view json, OutBuffer& out) {
  return Renderer(json, out).document() && !out.overflowed();
}

bool render_json_html(std::string_view json, std::string_view title, OutBuffer& out) {
  out.put(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>edgestat: ");
  put_escaped(out, title);
  out.put("</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\n<body><header><h1>");
  put_escaped(out, title);
  out.put(
      "</h1><p class=\"mute\"><a href=\"/\">status page</a> · programs get this as JSON "
      "(any Accept that does not rank text/html above application/json)</p></header>\n<main><section>\n");
  if (!json_to_html(json, out)) return false;
  out.put("\n</section></main></body></html>\n");
  return !out.overflowed();
}

}  // namespace edgestat::web

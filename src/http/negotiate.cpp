#include "http/negotiate.hpp"

#include "core/ascii.hpp"

namespace edgestat::http {
namespace {

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z')) {
    return true;
  }
  constexpr std::string_view kPunct = "!#$%&'*+-.^_`|~";
  return c != '\0' && kPunct.find(c) != std::string_view::npos;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// A parameter value as written: a token, or the inside of a quoted-string
// with its backslash escapes still in place.
struct ParamValue {
  std::string_view raw;
  bool quoted = false;
};

// Compares a parameter value with plain text, undoing quoted-pairs.
bool param_equals(ParamValue v, std::string_view plain, bool ignore_case) {
  size_t j = 0;
  for (size_t i = 0; i < v.raw.size(); ++i) {
    char c = v.raw[i];
    if (v.quoted && c == '\\') c = v.raw[++i];  // the scanner ensured i+1 exists
    if (j == plain.size()) return false;
    const char p = plain[j++];
    if (ignore_case ? lower(c) != lower(p) : c != p) return false;
  }
  return j == plain.size();
}

// The winning range for one of our formats so far.
struct Best {
  int specificity = -1;  // -1: no range matched, q stays 0
  int q = 0;             // thousandths, 0..1000
};

void offer(Best& best, int specificity, int q) {
  if (specificity > best.specificity) {
    best = Best{specificity, q};
  } else if (specificity == best.specificity && q > best.q) {
    best.q = q;
  }
}

// One parsed media-range with the parameters negotiation cares about.
struct MediaRange {
  std::string_view type;
  std::string_view subtype;
  int q = 1000;
  bool has_version = false;
  ParamValue version;
  bool has_charset = false;
  bool charset_utf8 = false;
};

// A media type we can answer with.
struct Target {
  std::string_view type, subtype, version;
};
constexpr Target kOpenMetrics{"application", "openmetrics-text", "1.0.0"};
constexpr Target kText{"text", "plain", "0.0.4"};
// HTML and JSON carry no version: a range naming one matches neither.
constexpr Target kHtml{"text", "html", ""};
constexpr Target kJson{"application", "json", ""};

// Specificity with which range matches type/subtype at version, or -1.
int match(const MediaRange& r, std::string_view type, std::string_view subtype,
          std::string_view version) {
  int specificity = 0;
  if (r.type != "*") {
    if (!iequals(r.type, type)) return -1;
    specificity = 1;
    if (r.subtype != "*") {
      if (!iequals(r.subtype, subtype)) return -1;
      specificity = 2;
    }
  }
  if (r.has_version && !param_equals(r.version, version, false)) return -1;
  if (r.has_charset && !r.charset_utf8) return -1;
  if (specificity == 2 && (r.has_version || r.has_charset)) specificity = 3;
  return specificity;
}

// Strict scanner for Accept = #( media-range [ weight ] ). Any deviation
// from the grammar fails the whole header.
class AcceptScanner {
 public:
  explicit AcceptScanner(std::string_view s) : s_(s) {}

  // Feeds every range to both targets; false if the value is malformed.
  bool run(const Target& ta, Best& a, const Target& tb, Best& b) {
    for (;;) {
      skip_ows();
      if (at_end()) return true;
      if (peek() == ',') {  // empty list elements are allowed
        ++i_;
        continue;
      }
      MediaRange r;
      if (!media_range(r)) return false;
      offer_match(a, r, ta);
      offer_match(b, r, tb);
      skip_ows();
      if (at_end()) return true;
      if (peek() != ',') return false;
      ++i_;
    }
  }

 private:
  static void offer_match(Best& best, const MediaRange& r, const Target& t) {
    const int specificity = match(r, t.type, t.subtype, t.version);
    if (specificity >= 0) offer(best, specificity, r.q);
  }

  bool at_end() const { return i_ == s_.size(); }
  char peek() const { return s_[i_]; }
  void skip_ows() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++i_;
  }

  std::string_view token() {
    const size_t start = i_;
    while (!at_end() && is_tchar(peek())) ++i_;
    return s_.substr(start, i_ - start);
  }

  bool quoted_string(ParamValue& v) {
    ++i_;  // opening DQUOTE
    const size_t start = i_;
    for (;;) {
      if (at_end()) return false;
      const unsigned char c = static_cast<unsigned char>(peek());
      if (c == '"') break;
      if (c == '\\') {
        ++i_;
        if (at_end()) return false;
        const unsigned char e = static_cast<unsigned char>(peek());
        if (e != '\t' && (e < 0x20 || e == 0x7f)) return false;
      } else if (c != '\t' && (c < 0x20 || c == 0x7f)) {
        return false;
      }
      ++i_;
    }
    v = ParamValue{s_.substr(start, i_ - start), true};
    ++i_;  // closing DQUOTE
    return true;
  }

  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  static bool qvalue(std::string_view v, int& q) {
    if (v.empty() || (v[0] != '0' && v[0] != '1')) return false;
    int value = (v[0] - '0') * 1000;
    if (v.size() > 1) {
      if (v[1] != '.' || v.size() > 5) return false;
      int scale = 100;
      for (size_t i = 2; i < v.size(); ++i, scale /= 10) {
        if (v[i] < '0' || v[i] > '9') return false;
        value += (v[i] - '0') * scale;
      }
    }
    if (value > 1000) return false;
    q = value;
    return true;
  }

  bool media_range(MediaRange& r) {
    r.type = token();
    if (r.type.empty() || at_end() || peek() != '/') return false;
    ++i_;
    r.subtype = token();
    if (r.subtype.empty()) return false;
    if (r.type == "*" && r.subtype != "*") return false;

    bool seen_q = false;
    for (;;) {
      skip_ows();
      if (at_end() || peek() == ',') return true;
      if (peek() != ';') return false;
      ++i_;
      skip_ows();
      // parameters = *( OWS ";" OWS [ parameter ] ): a parameter may be empty.
      if (at_end() || peek() == ',' || peek() == ';') continue;
      const std::string_view name = token();
      if (name.empty() || at_end() || peek() != '=') return false;
      ++i_;
      ParamValue value;
      if (!at_end() && peek() == '"') {
        if (!quoted_string(value)) return false;
      } else {
        value = ParamValue{token(), false};
        if (value.raw.empty()) return false;
      }
      if (iequals(name, "q")) {
        // weight is a bare qvalue, once, per RFC 9110 §12.4.2.
        if (seen_q || value.quoted || !qvalue(value.raw, r.q)) return false;
        seen_q = true;
      } else if (iequals(name, "version")) {
        r.has_version = true;
        r.version = value;
      } else if (iequals(name, "charset")) {
        r.has_charset = true;
        r.charset_utf8 = param_equals(value, "utf-8", true);
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

Format choose(const Best& openmetrics, const Best& text) {
  return openmetrics.q > text.q ? Format::OpenMetrics100 : Format::Text004;
}

}  // namespace

std::string_view content_type(Format format) {
  return format == Format::OpenMetrics100 ? kContentTypeOpenMetrics100
                                          : kContentTypeText004;
}

Format negotiate_format(std::string_view accept) {
  Best openmetrics;
  Best text;
  if (!AcceptScanner(accept).run(kOpenMetrics, openmetrics, kText, text)) return Format::Text004;
  return choose(openmetrics, text);
}

Format negotiate_format(const Request& req) {
  Best openmetrics;
  Best text;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (!iequals(req.headers[i].name, "accept")) continue;
    if (!AcceptScanner(req.headers[i].value).run(kOpenMetrics, openmetrics, kText, text)) {
      return Format::Text004;
    }
  }
  return choose(openmetrics, text);
}

bool prefers_html(std::string_view accept) {
  Best html;
  Best json;
  return AcceptScanner(accept).run(kHtml, html, kJson, json) && html.q > json.q;
}

bool prefers_html(const Request& req) {
  Best html;
  Best json;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (!iequals(req.headers[i].name, "accept")) continue;
    if (!AcceptScanner(req.headers[i].value).run(kHtml, html, kJson, json)) return false;
  }
  return html.q > json.q;
}

namespace {

// -1: the list does not name gzip (or *); else 1 acceptable, 0 refused.
int gzip_in(std::string_view list, int* star) {
  int verdict = -1;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
    bool ok = true;
    if (semi != std::string_view::npos) {
      // q=0, q=0., q=0.0... refuse; anything else accepts.
      std::string_view p = item.substr(semi + 1);
      while (!p.empty() && (p.front() == ' ' || p.front() == '\t')) p.remove_prefix(1);
      if (p.size() >= 3 && lower(p[0]) == 'q' && p[1] == '=') {
        ok = false;
        for (char c : p.substr(2)) {
          if (c == ' ' || c == '\t') break;
          if (c != '0' && c != '.') ok = true;
        }
      }
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) verdict = ok ? 1 : 0;
    else if (coding == "*") *star = ok ? 1 : 0;
  }
  return verdict;
}

}  // namespace

bool accepts_gzip(const Request& req) {
  bool seen = false;
  int star = -1, verdict = -1;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (!iequals(req.headers[i].name, "accept-encoding")) continue;
    seen = true;
    int v = gzip_in(req.headers[i].value, &star);
    if (v >= 0) verdict = v;
  }
  if (!seen) return true;
  if (verdict >= 0) return verdict == 1;
  return star == 1;
}

}  // namespace edgestat::http

#include "core/glob.hpp"

#include "core/ascii.hpp"

namespace edgestat {
namespace {

bool in_class(std::string_view cls, char c) {
  auto u = static_cast<unsigned char>(c);
  bool print = u >= 0x20 && u < 0x7f;
  if (cls == "alpha") return is_alpha(c);
  if (cls == "digit") return is_digit(c);
  if (cls == "alnum") return is_alnum(c);
  if (cls == "upper") return is_upper(c);
  if (cls == "lower") return is_lower(c);
  if (cls == "space") return c == ' ' || (c >= '\t' && c <= '\r');
  if (cls == "blank") return c == ' ' || c == '\t';
  if (cls == "xdigit") return is_digit(c) || (to_lower(c) >= 'a' && to_lower(c) <= 'f');
  if (cls == "print") return print;
  if (cls == "graph") return print && c != ' ';
  if (cls == "punct") return print && c != ' ' && !is_alnum(c);
  if (cls == "cntrl") return u < 0x20 || u == 0x7f;
  return false;  // an unknown class matches nothing, as in fnmatch
}

// Matches c against the bracket expression starting after '[' at p[i].
// Returns the index after the closing ']', or 0 when the bracket is
// unterminated (then '[' is a literal).
size_t bracket(std::string_view p, size_t i, char c, bool* matched) {
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool hit = false;
  bool first = true;
  while (i < p.size() && (first || p[i] != ']')) {
    first = false;
    if (p[i] == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      size_t end = p.find(":]", i + 2);
      if (end == std::string_view::npos) return 0;
      hit |= in_class(p.substr(i + 2, end - i - 2), c);
      i = end + 2;
      continue;
    }
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
    ++i;
    char hi = lo;
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      hi = p[i + 1];
      if (hi == '\\' && i + 2 < p.size()) hi = p[++i + 1];
      i += 2;
    }
    auto u = static_cast<unsigned char>(c);
    hit |= u >= static_cast<unsigned char>(lo) && u <= static_cast<unsigned char>(hi);
  }
  if (i >= p.size()) return 0;
  *matched = hit != negate;
  return i + 1;
}

}  // namespace

// The classic one-star backtracking walk: on a mismatch go back to the last
// '*' and let it eat one more character. Linear in practice, no recursion.
bool glob_match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        star = ++pi;
        star_s = si;
        continue;
      }
      if (pc == '?') {
        ++pi, ++si;
        continue;
      }
      if (pc == '[') {
        bool m = false;
        size_t next = bracket(p, pi + 1, s[si], &m);
        if (next != 0) {
          if (m) {
            pi = next, ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi, ++si;
          continue;
        }
      } else {
        if (pc == '\\' && pi + 1 < p.size()) pc = p[++pi];
        if (pc == s[si]) {
          ++pi, ++si;
          continue;
        }
      }
    }
    if (star == std::string_view::npos) return false;
    pi = star;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace edgestat

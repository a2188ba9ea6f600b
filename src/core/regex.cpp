#include "core/regex.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/ascii.hpp"

// Compilation is two passes over fixed arrays: a recursive-descent parser
// builds a syntax tree (so counted repetition can emit its operand several
// times), then the tree is emitted as Pike VM instructions: byte-consuming
// ones (Byte, Class, Any), control flow (Split, Jmp), empty-width
// assertions and Match.

namespace edgestat {
namespace {

enum Op : uint8_t {
  kOpByte, kOpClass, kOpAnyNotNl, kOpAnyByte,  // consume one byte
  kOpSplit, kOpJmp,
  kOpBeginText, kOpEndText, kOpBeginLine, kOpEndLine, kOpWordBoundary, kOpNotWordBoundary,
  kOpMatch,
};

enum Kind : uint8_t { kLit, kSet, kAny, kAssert, kCat, kAlt, kRepeat };

// A syntax tree node; Cat and Alt children are a list through `next`.
struct Node {
  uint8_t kind;
  uint8_t flag;     // Lit: fold case; Any: also match '\n'
  uint16_t a, b;    // Lit: byte; Set: class index; Assert: op; Repeat: min, max
  int16_t child, next;
};

enum Flags : uint8_t { kFold = 1, kMultiLine = 2, kDotNl = 4 };

constexpr uint16_t kUnbounded = 0xFFFF;  // Repeat max for * + {m,}
constexpr uint16_t kNoPatch = 0xFFFF;    // end of a patch list
constexpr int kNothing = -2;             // parse result of (?i): no node
constexpr size_t kNoOffset = static_cast<size_t>(-1);

bool is_word(unsigned char c) { return is_alnum(static_cast<char>(c)) || c == '_'; }
unsigned char lower(unsigned char c) { return static_cast<unsigned char>(to_lower(static_cast<char>(c))); }
int hex_value(unsigned char c) {
  if (is_digit(c)) return c - '0';
  c = lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

struct ByteSet {
  uint8_t bits[32] = {};
  bool has(int c) const { return bits[c >> 3] >> (c & 7) & 1; }
  void add(int c) { bits[c >> 3] |= static_cast<uint8_t>(1u << (c & 7)); }
  void add_range(int lo, int hi) { for (int c = lo; c <= hi; ++c) add(c); }
  void add(const ByteSet& o) { for (int i = 0; i < 32; ++i) bits[i] |= o.bits[i]; }
  void negate() { for (auto& b : bits) b = static_cast<uint8_t>(~b); }
  void fold() {
    for (int c = 'a'; c <= 'z'; ++c)
      if (has(c) || has(c - 32)) add(c), add(c - 32);
  }
  int only_member() const {  // the single member, or -1
    int found = -1;
    for (int c = 0; c < 256; ++c)
      if (has(c)) { if (found >= 0) return -1; found = c; }
    return found;
  }
};

// Named classes as lo,hi byte pairs: Perl escapes (\d \s \w) and POSIX
// bracket names, with Go's definitions (\s is [\t\n\f\r ], no \v).
struct NamedSet { std::string_view name, ranges; };
using namespace std::string_view_literals;
constexpr NamedSet kNamedSets[] = {
  {"d", "09"sv}, {"s", "\t\n\f\r  "sv}, {"w", "09AZ__az"sv},
  {"alnum", "09AZaz"sv}, {"alpha", "AZaz"sv}, {"ascii", "\x00\x7f"sv},
  {"blank", "\t\t  "sv}, {"cntrl", "\x00\x1f\x7f\x7f"sv}, {"digit", "09"sv},
  {"graph", "!~"sv}, {"lower", "az"sv}, {"print", " ~"sv},
  {"punct", "!/:@[`{~"sv}, {"space", "\t\r  "sv}, {"upper", "AZ"sv},
  {"word", "09AZ__az"sv}, {"xdigit", "09AFaf"sv},
};

// Adds the named class (negated if asked) to set. Folding happens before
// negation, as in Go, so (?i)[[:^lower:]] excludes both cases.
bool add_named(ByteSet& set, std::string_view name, bool negate, bool fold) {
  for (const NamedSet& n : kNamedSets) {
    if (n.name != name) continue;
    ByteSet s;
    for (size_t i = 0; i + 1 < n.ranges.size(); i += 2)
      s.add_range(static_cast<unsigned char>(n.ranges[i]), static_cast<unsigned char>(n.ranges[i + 1]));
    if (fold) s.fold();
    if (negate) s.negate();
    set.add(s);
    return true;
  }
  return false;
}

void format_error(char* err, size_t cap, const char* msg, size_t num, size_t pos) {
  if (err == nullptr || cap == 0) return;
  size_t o = 0;
  auto put = [&](std::string_view s) { for (char c : s) if (o + 1 < cap) err[o++] = c; };
  auto put_num = [&](size_t v) {
    char buf[24];
    put(std::string_view(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf)));
  };
  for (const char* m = msg; *m != '\0'; ++m) {
    if (*m == '#') put_num(num);
    else put(std::string_view(m, 1));
  }
  if (pos != kNoOffset) put(" at offset "), put_num(pos);
  err[o] = '\0';
}

}  // namespace

class RegexCompiler {
 public:
  RegexCompiler(Regex& re, std::string_view pattern) : re_(re), p_(pattern) {}

  bool run() {
    int root = parse_alt();
    if (root >= 0 && more()) fail("unbalanced ')'", pos_);  // only ')' stops parse_alt early
    if (msg_ != nullptr) return false;
    return emit(root) && put(kOpMatch) >= 0;
  }

  const char* msg_ = nullptr;  // first error
  size_t num_ = 0, err_pos_ = kNoOffset;

 private:
  int fail(const char* msg, size_t pos, size_t num = 0) {
    if (msg_ == nullptr) msg_ = msg, err_pos_ = pos, num_ = num;
    return -1;
  }
  bool more() const { return pos_ < p_.size(); }
  bool at(char c) const { return more() && p_[pos_] == c; }
  unsigned char byte(size_t i) const { return i < p_.size() ? static_cast<unsigned char>(p_[i]) : 0; }

  int node(uint8_t kind, uint8_t flag = 0, uint16_t a = 0, uint16_t b = 0, int child = -1) {
    if (n_nodes_ == kMaxRegexNodes) return fail("pattern too complex: more than # syntax nodes", kNoOffset, kMaxRegexNodes);
    nodes_[n_nodes_] = Node{kind, flag, a, b, static_cast<int16_t>(child), -1};
    return static_cast<int>(n_nodes_++);
  }
  int literal(unsigned char c) {
    bool fold = (flags_ & kFold) && is_alpha(c);
    return node(kLit, fold, fold ? lower(c) : c);
  }
  // One member: a plain byte. Otherwise a class slot, shared when equal.
  int set_node(const ByteSet& s) {
    if (int c = s.only_member(); c >= 0) return node(kLit, 0, static_cast<uint16_t>(c));
    size_t i = 0;
    while (i < re_.n_classes_ && memcmp(re_.classes_[i], s.bits, 32) != 0) ++i;
    if (i == kMaxRegexClasses) return fail("pattern too complex: more than # character classes", kNoOffset, kMaxRegexClasses);
    if (i == re_.n_classes_) memcpy(re_.classes_[re_.n_classes_++], s.bits, 32);
    return node(kSet, 0, static_cast<uint16_t>(i));
  }

  // Appends item to the children of list; tail is the last child or -1.
  void append(int list, int& tail, int item) {
    (tail < 0 ? nodes_[list].child : nodes_[tail].next) = static_cast<int16_t>(item);
    tail = item;
  }

  // alt := concat ('|' concat)*
  int parse_alt() {
    int first = parse_concat();
    if (first < 0 || !at('|')) return first;
    int alt = node(kAlt, 0, 0, 0, first), tail = first;
    while (alt >= 0 && at('|')) {
      ++pos_;
      int branch = parse_concat();
      if (branch < 0) return -1;
      append(alt, tail, branch);
    }
    return alt;
  }

  // concat := repeat*   (an empty Cat matches the empty string)
  int parse_concat() {
    int cat = node(kCat), tail = -1;
    while (cat >= 0 && more() && !at('|') && !at(')')) {
      int item = parse_repeat();
      if (item == -1) return -1;
      if (item != kNothing) append(cat, tail, item);
    }
    return cat;
  }

  // repeat := atom [op]. Stacked operators (a**, a{2}*) are errors, as in
  // Go and RE2; a trailing '?' makes an operator lazy, which cannot change
  // whether a match exists, so it is accepted and ignored.
  int parse_repeat() {
    int atom = parse_atom();
    if (atom == -1) return -1;
    size_t op_pos = pos_;
    int min = 0, max = 0;
    int r = repeat_op(min, max);
    if (r <= 0) return r < 0 ? -1 : atom;
    if (atom == kNothing) return fail("missing argument to repetition operator", op_pos);
    atom = node(kRepeat, 0, static_cast<uint16_t>(min), static_cast<uint16_t>(max), atom);
    size_t next = pos_;
    r = repeat_op(min, max);
    if (r > 0) return fail("invalid nested repetition operator", next);
    return r < 0 ? -1 : atom;
  }

  // Parses * + ? {m} {m,} {m,n} at pos_: 1 found, 0 none, -1 error.
  int repeat_op(int& min, int& max) {
    if (at('*') || at('+') || at('?')) {
      min = at('+') ? 1 : 0;
      max = at('?') ? 1 : kUnbounded;
      ++pos_;
    } else {
      size_t end = 0;
      if (!parse_count(pos_, min, max, end)) return 0;
      if (min > kMaxRegexRepeat || (max != kUnbounded && max > kMaxRegexRepeat))
        return fail("repeat count above #", pos_, kMaxRegexRepeat);
      if (max < min) return fail("invalid repeat count (min > max)", pos_);
      pos_ = end;
    }
    if (at('?')) ++pos_;
    return 1;
  }

  // {m} {m,} {m,n} starting at p_[i] == '{'. Anything else (including
  // leading zeros, as in Go) is not a count, and '{' is then a literal.
  bool parse_count(size_t i, int& min, int& max, size_t& end) const {
    auto number = [&](int& v) {
      if (!is_digit(byte(i)) || (byte(i) == '0' && is_digit(byte(i + 1)))) return false;
      for (v = 0; is_digit(byte(i)); ++i) v = std::min(v * 10 + (byte(i) - '0'), 100000);  // saturate
      return true;
    };
    if (byte(i++) != '{' || !number(min)) return false;
    max = min;
    if (byte(i) == ',') {
      ++i;
      if (byte(i) == '}') max = kUnbounded;
      else if (!number(max)) return false;
    }
    if (byte(i) != '}') return false;
    end = i + 1;
    return true;
  }

  int parse_atom() {
    size_t start = pos_;
    unsigned char c = byte(pos_);
    switch (c) {
      case '(': return parse_group();
      case '[': return parse_class();
      case '.': ++pos_; return node(kAny, (flags_ & kDotNl) != 0);
      case '^': ++pos_; return node(kAssert, 0, (flags_ & kMultiLine) ? kOpBeginLine : kOpBeginText);
      case '$': ++pos_; return node(kAssert, 0, (flags_ & kMultiLine) ? kOpEndLine : kOpEndText);
      case '*': case '+': case '?': return fail("missing argument to repetition operator", start);
      case '{': {
        int min, max;
        size_t end;
        if (parse_count(pos_, min, max, end)) return fail("missing argument to repetition operator", start);
        ++pos_;
        return literal(c);
      }
      case '\\': {
        uint8_t op = 0;
        switch (byte(pos_ + 1)) {
          case 'A': op = kOpBeginText; break;
          case 'z': op = kOpEndText; break;
          case 'b': op = kOpWordBoundary; break;
          case 'B': op = kOpNotWordBoundary; break;
        }
        if (op != 0) { pos_ += 2; return node(kAssert, 0, op); }
        ByteSet set;
        int b = escape(set);
        return b == -1 ? -1 : b >= 0 ? literal(static_cast<unsigned char>(b)) : set_node(set);
      }
      default: {
        if (c < 0x80) { ++pos_; return literal(c); }
        // A multi-byte UTF-8 character is one atom, so é+ repeats all of
        // it as in Go. Invalid UTF-8 is an error, as in Go.
        int len = utf8_length(pos_);
        if (len == 0) return fail("invalid UTF-8", start);
        int cat = node(kCat), tail = -1;
        for (int k = 0; k < len && cat >= 0; ++k) {
          int lit = node(kLit, 0, byte(pos_++));
          if (lit < 0) return -1;
          append(cat, tail, lit);
        }
        return cat;
      }
    }
  }

  // Length of the well-formed UTF-8 sequence at p_[i], 0 if there is none.
  int utf8_length(size_t i) const {
    unsigned char c = byte(i);
    int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;  // no surrogates, <= U+10FFFF
    for (int k = 1; k < n; ++k, lo = 0x80, hi = 0xBF)
      if (i + k >= p_.size() || byte(i + k) < lo || byte(i + k) > hi) return 0;
    return n;
  }

  // After '\' at pos_: a byte (>= 0), a class added to set (-3), or an
  // error (-1). Shared by atoms and bracket classes.
  int escape(ByteSet& set) {
    size_t start = pos_++;
    if (!more()) return fail("trailing '\\'", start);
    unsigned char c = byte(pos_++);
    switch (c) {
      case 'a': return '\a';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'v': return '\v';
      case 'd': case 'D': case 's': case 'S': case 'w': case 'W': {
        char name[2] = {static_cast<char>(lower(c)), 0};
        add_named(set, name, c != name[0], (flags_ & kFold) != 0);
        return -3;
      }
      case 'x': {
        int v = 0, digits = 0;
        bool braced = at('{');
        if (braced) ++pos_;
        for (; (braced || digits < 2) && hex_value(byte(pos_)) >= 0; ++pos_, ++digits)
          v = std::min(v * 16 + hex_value(byte(pos_)), 0x100);  // saturate: only <= 0x7F is kept
        if (braced ? digits == 0 || !at('}') : digits != 2) return fail("invalid hex escape", start);
        if (braced) ++pos_;
        if (v > 0x7F) return fail("hex escape above \\x7F is not supported (write the UTF-8 bytes)", start);
        return v;
      }
      case 'p': case 'P': return fail("Unicode classes \\p are not supported", start);
      case '0': return fail("octal escapes are not supported", start);
    }
    if (is_digit(c)) return fail("backreferences are not supported", start);
    if (c < 0x80 && !is_digit(c) && !is_alpha(c)) return c;  // escaped punctuation is itself
    return fail("invalid escape sequence", start);
  }

  int parse_class() {
    size_t start = pos_++;
    ByteSet set;
    bool negate = at('^');
    if (negate) ++pos_;
    for (bool first = true;; first = false) {
      if (!more()) return fail("missing closing ']'", start);
      if (at(']') && !first) break;
      size_t item = pos_;
      if (at('[') && byte(pos_ + 1) == ':') {
        size_t end = p_.find(":]", pos_ + 2);
        if (end != std::string_view::npos) {
          std::string_view name = p_.substr(pos_ + 2, end - pos_ - 2);
          bool neg = !name.empty() && name[0] == '^';
          if (!add_named(set, name.substr(neg), neg, (flags_ & kFold) != 0))
            return fail("unknown POSIX class name", item);
          pos_ = end + 2;
          continue;
        }
      }
      int lo = class_char(set);
      if (lo == -1) return -1;
      if (lo < 0) continue;  // \d and friends were added to set
      int hi = lo;
      if (at('-') && byte(pos_ + 1) != ']' && pos_ + 1 < p_.size()) {
        ++pos_;
        ByteSet unused;
        hi = class_char(unused);
        if (hi == -1) return -1;
        if (hi < lo) return fail("invalid character class range", item);
      }
      set.add_range(lo, hi);
    }
    ++pos_;
    if (flags_ & kFold) set.fold();
    if (negate) set.negate();
    return set_node(set);
  }

  // One class member: a byte, -3 for a class escape added to set, -1 error.
  int class_char(ByteSet& set) {
    if (at('\\')) return escape(set);
    unsigned char c = byte(pos_);
    if (c >= 0x80) return fail("non-ASCII byte in a character class is not supported", pos_);
    ++pos_;
    return c;
  }

  // group := '(' ['?' flags|name] alt ')'. Flags set by (?i) last until the
  // enclosing group closes, as in Go; (?i:...) scopes them to the group.
  int parse_group() {
    size_t start = pos_++;
    uint8_t saved = flags_;
    if (at('?')) {
      std::string_view rest = p_.substr(pos_);
      if (rest.starts_with("?=") || rest.starts_with("?!") || rest.starts_with("?<=") || rest.starts_with("?<!"))
        return fail("lookaround is not supported", start);
      if (rest.starts_with("?P<") || rest.starts_with("?<")) {
        pos_ += rest[1] == 'P' ? 3 : 2;
        size_t name = pos_;
        while (is_word(byte(pos_))) ++pos_;
        if (pos_ == name || !at('>')) return fail("invalid named group", start);
        ++pos_;
      } else {
        bool neg = false, saw = false;
        for (++pos_;; ++pos_) {
          unsigned char c = byte(pos_);
          uint8_t bit = c == 'i' ? kFold : c == 'm' ? kMultiLine : c == 's' ? kDotNl : 0;
          if (bit != 0 || c == 'U') {  // U (ungreedy) cannot change a yes/no answer
            flags_ = static_cast<uint8_t>(neg ? flags_ & ~bit : flags_ | bit);
            saw = true;
          } else if (c == '-' && !neg) {
            neg = true, saw = false;
          } else if ((c == ')' || c == ':') && (saw || !neg)) {
            ++pos_;
            if (c == ')') return kNothing;
            break;
          } else {
            return fail("invalid or unsupported group flags", start);
          }
        }
      }
    }
    if (++depth_ > kMaxRegexDepth) return fail("groups nested deeper than #", start, kMaxRegexDepth);
    int body = parse_alt();
    if (body < 0) return -1;
    if (!at(')')) return fail("missing closing ')'", start);
    ++pos_;
    --depth_;
    flags_ = saved;
    return body;
  }

  // --- emission ---

  Regex::Inst& inst(int i) { return re_.insts_[i]; }
  int pc() const { return re_.n_insts_; }
  int put(uint8_t op, uint16_t x = 0, uint16_t y = 0, uint8_t fold = 0) {
    if (re_.n_insts_ == kMaxRegexInsts) return fail("pattern too complex: more than # instructions", kNoOffset, kMaxRegexInsts);
    re_.insts_[re_.n_insts_] = Regex::Inst{op, fold, x, y};
    return re_.n_insts_++;
  }
  // Points every jump on a list (chained through Jmp.x / Split.y) at target.
  void patch(uint16_t list, int target) {
    while (list != kNoPatch) {
      Regex::Inst& in = inst(list);
      uint16_t& field = in.op == kOpJmp ? in.x : in.y;
      list = field;
      field = static_cast<uint16_t>(target);
    }
  }

  bool emit(int n) {
    const Node nd = nodes_[n];
    switch (nd.kind) {
      case kLit: return put(kOpByte, nd.a, 0, nd.flag) >= 0;
      case kSet: return put(kOpClass, nd.a) >= 0;
      case kAny: return put(nd.flag ? kOpAnyByte : kOpAnyNotNl) >= 0;
      case kAssert: return put(static_cast<uint8_t>(nd.a)) >= 0;
      case kCat:
        for (int c = nd.child; c >= 0; c = nodes_[c].next)
          if (!emit(c)) return false;
        return true;
      case kAlt: {
        // split L1, L2; L1: a; jmp end; L2: split ...; last branch; end:
        uint16_t jumps = kNoPatch;
        for (int c = nd.child; c >= 0; c = nodes_[c].next) {
          if (nodes_[c].next < 0) { if (!emit(c)) return false; break; }
          int split = put(kOpSplit, static_cast<uint16_t>(pc() + 1));
          if (split < 0 || !emit(c)) return false;
          int jmp = put(kOpJmp, jumps);
          if (jmp < 0) return false;
          jumps = static_cast<uint16_t>(jmp);
          inst(split).y = static_cast<uint16_t>(pc());
        }
        patch(jumps, pc());
        return true;
      }
      default: return emit_repeat(nd.a, nd.b, nd.child);
    }
  }

  // x{min,max}: min copies of x, then either a loop on the last copy
  // (unbounded) or max-min nested optional copies. An x that emits nothing
  // (an empty group) is not repeated: its repetition is empty too, and
  // skipping it keeps ((){100}){100} from taking 10^4 passes.
  bool emit_repeat(int min, int max, int child) {
    int last = -1;
    for (int i = 0; i < min; ++i) {
      last = pc();
      if (!emit(child)) return false;
      if (pc() == last) return true;
    }
    if (max == kUnbounded && min > 0) return put(kOpSplit, static_cast<uint16_t>(last), static_cast<uint16_t>(pc() + 1)) >= 0;
    if (max == kUnbounded) {  // loop: split body, out; body: x; jmp loop; out:
      int loop = put(kOpSplit, static_cast<uint16_t>(pc() + 1));
      if (loop < 0 || !emit(child)) return false;
      if (pc() == loop + 1) { re_.n_insts_ = static_cast<uint16_t>(loop); return true; }
      if (put(kOpJmp, static_cast<uint16_t>(loop)) < 0) return false;
      inst(loop).y = static_cast<uint16_t>(pc());
      return true;
    }
    uint16_t outs = kNoPatch;  // split body, out; body: x; split body2, out; ...
    for (int i = min; i < max; ++i) {
      int split = put(kOpSplit, static_cast<uint16_t>(pc() + 1), outs);
      if (split < 0 || !emit(child)) return false;
      if (pc() == split + 1) { re_.n_insts_ = static_cast<uint16_t>(split); break; }
      outs = static_cast<uint16_t>(split);
    }
    patch(outs, pc());
    return true;
  }

  Regex& re_;
  std::string_view p_;
  size_t pos_ = 0;
  uint8_t flags_ = 0;
  int depth_ = 0;
  size_t n_nodes_ = 0;
  Node nodes_[kMaxRegexNodes];
};

bool Regex::compile(std::string_view pattern, char* err, size_t err_cap) {
  n_insts_ = 0;
  n_classes_ = 0;
  RegexCompiler c(*this, pattern);
  if (c.run()) {
    if (err != nullptr && err_cap > 0) err[0] = '\0';
    return true;
  }
  n_insts_ = 0;
  format_error(err, err_cap, c.msg_, c.num_, c.err_pos_);
  return false;
}

namespace {

// Pike VM state for one run. `on` marks the instructions already added for
// the current text position, so each is visited at most once per byte:
// that is the linear-time bound, and it also cuts empty loops like ()*.
struct Vm {
  const Regex::Inst* prog;
  std::string_view s;
  bool full;
  uint64_t on[kMaxRegexInsts / 64];
  uint16_t stack[kMaxRegexInsts];

  struct List {
    uint16_t pc[kMaxRegexInsts];
    size_t n;
  };

  bool holds(uint8_t op, size_t i) const {
    unsigned char before = i > 0 ? static_cast<unsigned char>(s[i - 1]) : '\n';
    unsigned char after = i < s.size() ? static_cast<unsigned char>(s[i]) : '\n';
    bool boundary = (i > 0 && is_word(before)) != (i < s.size() && is_word(after));
    switch (op) {
      case kOpBeginText: return i == 0;
      case kOpEndText: return i == s.size();
      case kOpBeginLine: return before == '\n';
      case kOpEndLine: return after == '\n';
      case kOpWordBoundary: return boundary;
      default: return !boundary;
    }
  }

  // Follows empty-width instructions from pc at text position i, adding the
  // byte-consuming ones to list. True when Match is reached (at the end of
  // the text, for a full match).
  bool add(List& list, uint16_t pc, size_t i) {
    size_t sp = 0;
    auto push = [&](uint16_t p) {
      if (on[p >> 6] >> (p & 63) & 1) return;
      on[p >> 6] |= uint64_t{1} << (p & 63);
      stack[sp++] = p;
    };
    push(pc);
    while (sp > 0) {
      uint16_t cur = stack[--sp];
      const Regex::Inst& in = prog[cur];
      switch (in.op) {
        case kOpJmp: push(in.x); break;
        case kOpSplit: push(in.y); push(in.x); break;
        case kOpMatch: if (!full || i == s.size()) return true; break;
        case kOpByte: case kOpClass: case kOpAnyNotNl: case kOpAnyByte: list.pc[list.n++] = cur; break;
        default: if (holds(in.op, i)) push(static_cast<uint16_t>(cur + 1)); break;
      }
    }
    return false;
  }
};

}  // namespace

bool Regex::run(std::string_view text, bool full) const {
  if (n_insts_ == 0) return false;
  Vm vm;
  vm.prog = insts_;
  vm.s = text;
  vm.full = full;
  memset(vm.on, 0, sizeof vm.on);
  Vm::List lists[2];
  Vm::List* cur = &lists[0];
  Vm::List* next = &lists[1];
  cur->n = 0;
  // A program starting with \A can only match at 0: no new thread later.
  bool anchored = full || insts_[0].op == kOpBeginText;
  for (size_t i = 0;; ++i) {
    if ((i == 0 || !anchored) && vm.add(*cur, 0, i)) return true;
    if (i == text.size() || (anchored && cur->n == 0)) return false;
    unsigned char c = static_cast<unsigned char>(text[i]);
    memset(vm.on, 0, sizeof vm.on);
    next->n = 0;
    for (size_t k = 0; k < cur->n; ++k) {
      uint16_t pc = cur->pc[k];
      const Inst& in = insts_[pc];
      bool ok = in.op == kOpByte    ? (in.fold ? lower(c) : c) == in.x
                : in.op == kOpClass ? (classes_[in.x][c >> 3] >> (c & 7) & 1) != 0
                                    : in.op == kOpAnyByte || c != '\n';
      if (ok && vm.add(*next, static_cast<uint16_t>(pc + 1), i + 1)) return true;
    }
    Vm::List* t = cur;
    cur = next;
    next = t;
  }
}

}  // namespace edgestat

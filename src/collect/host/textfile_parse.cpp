#include "collect/host/textfile_parse.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/ascii.hpp"
#include "core/hash.hpp"
#include "core/sort.hpp"
#include "core/utf8.hpp"

namespace edgestat {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_alpha_(char c) { return is_alpha(c) || c == '_'; }

// expfmt's isCount/isSum/isBucket: the suffix and at least one byte more.
bool has_suffix(std::string_view name, std::string_view suf) {
  return name.size() > suf.size() && name.substr(name.size() - suf.size()) == suf;
}

uint64_t fnv64(std::string_view a, std::string_view b) {
  // Finalised so that the order-independent sum below mixes well.
  return mix64(fnv1a64_next(fnv1a64(a), b));
}

// Go's uint64(float64) for counts is implementation-defined outside
// [0, 2^64); this saturates (what arm64 does) instead of wrapping.
double go_uint64(double v) {
  if (!(v > 0)) return 0;  // also NaN
  if (v >= 18446744073709551616.0) return 18446744073709551615.0;
  return std::trunc(v);
}

constexpr double kNaN = __builtin_nan("");

class Parser {
 public:
  Parser(const char* p, size_t n, TextfileParse* o) : in_(p), n_(n), o_(o) {}

  bool run() {
    if (n_ >= TextfileLabelRef::kPoolBit) return fail(TextfileError::TooLarge);
    size_t i = 0;
    while (i < n_) {
      ++line_;
      const void* nl = std::memchr(in_ + i, '\n', n_ - i);
      size_t line_end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - in_) : n_;
      if (line_end - i > kMaxTextfileLineBytes) return fail(TextfileError::LineTooLong);
      if (!nl) {
        // expfmt reads to the end of the stream only between lines; a last
        // line without its newline is "unexpected end of input stream"
        // unless it is blank.
        for (size_t k = i; k < n_; ++k)
          if (!is_blank(in_[k])) return fail(TextfileError::UnexpectedEof);
        break;
      }
      pos_ = i;
      end_ = line_end;
      if (!line()) return false;
      i = line_end + 1;
    }
    return finish();
  }

 private:
  // The byte at the cursor; the line's newline when at its end.
  char c() const { return pos_ < end_ ? in_[pos_] : '\n'; }
  void skip_blanks() {
    while (pos_ < end_ && is_blank(in_[pos_])) ++pos_;
  }
  bool fail(TextfileError e) {
    o_->error = e;
    o_->error_line = line_;
    return false;
  }
  std::string_view view(size_t b, size_t e) const { return {in_ + b, e - b}; }

  std::string_view metric_name() {
    size_t b = pos_;
    if (pos_ < end_ && (is_alpha_(in_[pos_]) || in_[pos_] == ':')) {
      ++pos_;
      while (pos_ < end_ && (is_alpha_(in_[pos_]) || is_digit(in_[pos_]) || in_[pos_] == ':')) ++pos_;
    }
    return view(b, pos_);
  }
  std::string_view label_name() {
    size_t b = pos_;
    if (pos_ < end_ && is_alpha_(in_[pos_])) {
      ++pos_;
      while (pos_ < end_ && (is_alpha_(in_[pos_]) || is_digit(in_[pos_]))) ++pos_;
    }
    return view(b, pos_);
  }
  std::string_view token() {
    size_t b = pos_;
    while (pos_ < end_ && !is_blank(in_[pos_])) ++pos_;
    return view(b, pos_);
  }

  int find_family(std::string_view name) const {
    for (uint32_t i = 0; i < o_->nfamilies; ++i)
      if (o_->families[i].name == name) return static_cast<int>(i);
    return -1;
  }

  // expfmt's setOrCreateCurrentMF: an exact name first, then _count/_sum of
  // a summary, then _count/_sum/_bucket of a histogram, else a new family.
  bool set_or_create(std::string_view name) {
    is_count_ = is_sum_ = false;
    fam_ = find_family(name);
    if (fam_ >= 0) return true;
    bool count = has_suffix(name, "_count"), sum = has_suffix(name, "_sum"), bucket = has_suffix(name, "_bucket");
    if (count || sum) {
      int f = find_family(name.substr(0, name.size() - (count ? 6 : 4)));
      if (f >= 0 && o_->families[f].has_type && o_->families[f].type == MetricType::Summary) {
        fam_ = f;
        is_count_ = count;
        is_sum_ = sum;
        return true;
      }
    }
    if (count || sum || bucket) {
      int f = find_family(name.substr(0, name.size() - (count ? 6 : sum ? 4 : 7)));
      if (f >= 0 && o_->families[f].has_type && o_->families[f].type == MetricType::Histogram) {
        fam_ = f;
        is_count_ = count;
        is_sum_ = sum;
        return true;
      }
    }
    if (o_->nfamilies == kMaxTextfileFamilies) return fail(TextfileError::TooLarge);
    TextfileFamily& f = o_->families[o_->nfamilies];
    f = TextfileFamily{};
    f.name = name;
    fam_ = static_cast<int>(o_->nfamilies++);
    return true;
  }

  bool line() {
    skip_blanks();
    if (pos_ == end_) return true;
    if (in_[pos_] == '#') {
      ++pos_;
      return comment();
    }
    return sample();
  }

  bool comment() {
    skip_blanks();
    if (pos_ == end_) return true;
    std::string_view keyword = token();
    if (pos_ == end_) return true;  // "# HELP" alone is a plain comment
    if (keyword != "HELP" && keyword != "TYPE") return true;
    skip_blanks();
    std::string_view name = metric_name();
    if (pos_ == end_) return true;
    if (!is_blank(c())) return fail(TextfileError::Syntax);
    if (!set_or_create(name)) return false;
    skip_blanks();
    if (pos_ == end_) return true;
    TextfileFamily& f = o_->families[fam_];
    if (keyword == "HELP") {
      if (f.has_help) return fail(TextfileError::DuplicateHelp);
      std::string_view help;
      if (!unescape(view(pos_, end_), false, &help)) return false;
      f.help = help;
      f.has_help = true;
      return true;
    }
    if (f.has_type) return fail(TextfileError::DuplicateType);
    std::string_view t = view(pos_, end_);
    if (iequals(t, "counter")) {
      f.type = MetricType::Counter;
    } else if (iequals(t, "gauge")) {
      f.type = MetricType::Gauge;
    } else if (iequals(t, "summary")) {
      f.type = MetricType::Summary;
    } else if (iequals(t, "untyped")) {
      f.type = MetricType::Untyped;
    } else if (iequals(t, "histogram")) {
      f.type = MetricType::Histogram;
    } else {
      return fail(TextfileError::UnknownType);
    }
    f.has_type = true;
    return true;
  }

  // Unescapes s (\\ and \n; also \" in label values) into a view of the
  // input when there is nothing to unescape, else into the pool.
  bool unescape(std::string_view s, bool label_value, std::string_view* out) {
    if (s.find('\\') == std::string_view::npos) {
      *out = s;
      return true;
    }
    if (s.size() > kTextfilePoolBytes - o_->npool) return fail(TextfileError::TooLarge);
    char* dst = o_->pool + o_->npool;
    size_t k = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') {
        dst[k++] = s[i];
        continue;
      }
      // A backslash at the very end escapes the newline: invalid.
      char e = i + 1 < s.size() ? s[++i] : '\n';
      if (e == '\\') {
        dst[k++] = '\\';
      } else if (e == 'n') {
        dst[k++] = '\n';
      } else if (e == '"' && label_value) {
        dst[k++] = '"';
      } else {
        return fail(TextfileError::InvalidEscape);
      }
    }
    *out = {dst, k};
    o_->npool += static_cast<uint32_t>(k);
    return true;
  }

  bool label_value(std::string_view* v) {
    // The opening quote is consumed; find the closing one, skipping
    // escaped bytes. The line ends before a newline, which expfmt reports
    // as an unescaped new-line in the value.
    size_t b = pos_;
    while (pos_ < end_ && in_[pos_] != '"') pos_ += in_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= end_) return fail(pos_ > end_ ? TextfileError::InvalidEscape : TextfileError::Syntax);
    std::string_view raw = view(b, pos_);
    ++pos_;  // closing quote
    if (!unescape(raw, true, v)) return false;
    if (!valid_utf8(*v)) return fail(TextfileError::InvalidLabelValue);
    return true;
  }

  bool sample() {
    std::string_view name = metric_name();
    if (name.empty()) return fail(TextfileError::Syntax);
    if (!set_or_create(name)) return false;
    TextfileFamily& f = o_->families[fam_];
    if (!f.has_type) {
      f.type = MetricType::Untyped;
      f.has_type = true;
    }
    const bool summary = f.type == MetricType::Summary, histogram = f.type == MetricType::Histogram;
    skip_blanks();
    ncur_ = 0;
    double bound = kNaN;
    if (c() == '{') {
      ++pos_;
      for (;;) {
        skip_blanks();
        if (c() == '}') {
          ++pos_;
          break;
        }
        size_t name_off = pos_;
        std::string_view lname = label_name();
        if (lname.empty()) return fail(TextfileError::Syntax);
        skip_blanks();
        if (c() != '=') return fail(TextfileError::Syntax);
        ++pos_;
        if (lname == "__name__") return fail(TextfileError::ReservedLabel);
        bool special = (summary && lname == "quantile") || (histogram && lname == "le");
        if (!special) {
          for (size_t i = 0; i < ncur_; ++i)
            if (o_->label_name(cur_[i]) == lname) return fail(TextfileError::DuplicateLabel);
        }
        skip_blanks();
        if (c() != '"') return fail(TextfileError::Syntax);
        ++pos_;
        std::string_view v;
        if (!label_value(&v)) return false;
        if (special) {
          if (!parse_go_float(v, &bound)) return fail(TextfileError::Syntax);
        } else {
          if (ncur_ == kMaxTextfileLabelNames) return fail(TextfileError::TooLarge);
          TextfileLabelRef& r = cur_[ncur_++];
          r.name_off = static_cast<uint32_t>(name_off);
          r.name_len = static_cast<uint16_t>(lname.size());
          bool pooled = v.data() >= o_->pool && v.data() < o_->pool + kTextfilePoolBytes;
          r.value_off = pooled ? static_cast<uint32_t>(v.data() - o_->pool) | TextfileLabelRef::kPoolBit
                               : static_cast<uint32_t>(v.data() - in_);
          r.value_len = static_cast<uint16_t>(v.size());
        }
        skip_blanks();
        if (c() == ',') {
          ++pos_;
          continue;
        }
        if (c() == '}') {
          ++pos_;
          break;
        }
        return fail(TextfileError::Syntax);
      }
      skip_blanks();
    }
    double value;
    if (!parse_go_float(token(), &value)) return fail(TextfileError::Syntax);
    if (pos_ < end_) {
      // Something follows the value: a timestamp (refused by
      // node_exporter) or garbage (refused by the parser).
      skip_blanks();
      std::string_view ts = token();
      bool digits = !ts.empty();
      size_t k = ts.size() > 0 && (ts[0] == '-' || ts[0] == '+') ? 1 : 0;
      if (k == ts.size()) digits = false;
      for (; k < ts.size(); ++k) digits = digits && is_digit(ts[k]);
      if (!digits || pos_ != end_) return fail(TextfileError::Syntax);
      return fail(TextfileError::Timestamp);
    }
    return store(summary, histogram, value, bound);
  }

  uint64_t signature() const {
    uint64_t h = 0;
    for (size_t i = 0; i < ncur_; ++i) h += fnv64(o_->label_name(cur_[i]), o_->label_value(cur_[i]));
    return h;
  }

  // Same label set, empty values included (expfmt's LabelsToSignature).
  bool same_labels(const TextfileSeries& s) const {
    if (s.nlabels != ncur_) return false;
    for (size_t i = 0; i < ncur_; ++i) {
      std::string_view n = o_->label_name(cur_[i]);
      bool found = false;
      for (uint32_t j = s.labels_begin; j < s.labels_begin + s.nlabels && !found; ++j)
        found = o_->label_name(o_->labels[j]) == n && o_->label_value(o_->labels[j]) == o_->label_value(cur_[i]);
      if (!found) return false;
    }
    return true;
  }

  bool new_series(uint64_t sig, TextfileSeries** out) {
    if (o_->nseries == kMaxTextfileSeries || ncur_ > kMaxTextfileLabelPairs - o_->nlabels)
      return fail(TextfileError::TooLarge);
    TextfileSeries& s = o_->series[o_->nseries++];
    s = TextfileSeries{};
    s.family = static_cast<uint16_t>(fam_);
    s.hash = sig;
    s.labels_begin = o_->nlabels;
    s.nlabels = static_cast<uint8_t>(ncur_);
    std::memcpy(o_->labels + o_->nlabels, cur_, ncur_ * sizeof cur_[0]);
    o_->nlabels += static_cast<uint32_t>(ncur_);
    *out = &s;
    return true;
  }

  bool store(bool summary, bool histogram, double value, double bound) {
    TextfileSeries* s = nullptr;
    if (!summary && !histogram) {
      if (!new_series(0, &s)) return false;
      s->value = value;
      return true;
    }
    uint64_t sig = signature();
    for (uint32_t i = 0; i < o_->nseries && !s; ++i) {
      TextfileSeries& e = o_->series[i];
      if (e.family == fam_ && e.hash == sig && same_labels(e)) s = &e;
    }
    if (!s && !new_series(sig, &s)) return false;
    if (is_count_) {
      s->count = go_uint64(value);
    } else if (is_sum_) {
      s->value = value;
    } else if (!std::isnan(bound)) {
      if (o_->npoints == kMaxTextfilePoints) return fail(TextfileError::TooLarge);
      int32_t idx = static_cast<int32_t>(o_->npoints++);
      o_->points[idx] = TextfilePoint{bound, histogram ? go_uint64(value) : value, -1};
      if (s->last_point >= 0) {
        o_->points[s->last_point].next = idx;
      } else {
        s->first_point = idx;
      }
      s->last_point = idx;
    }
    return true;
  }

  // Fills in what node_exporter and client_golang do after parsing: each
  // family's label-name union, and duplicates (same labels once missing
  // ones read as "") dropped in favour of the first.
  bool finish() {
    static_assert(kMaxTextfileSeries <= UINT16_MAX, "series index is 16-bit");
    uint16_t order[kMaxTextfileSeries];
    uint32_t n = o_->nseries;
    for (uint32_t i = 0; i < n; ++i) {
      TextfileSeries& s = o_->series[i];
      s.hash = 0;
      for (uint32_t j = s.labels_begin; j < s.labels_begin + s.nlabels; ++j) {
        std::string_view v = o_->label_value(o_->labels[j]);
        if (!v.empty()) s.hash += fnv64(o_->label_name(o_->labels[j]), v);
      }
      order[i] = static_cast<uint16_t>(i);
    }
    const TextfileSeries* ser = o_->series;
    edgestat::sort(order, order + n, [ser](uint16_t a, uint16_t b) {
      if (ser[a].family != ser[b].family) return ser[a].family < ser[b].family;
      if (ser[a].hash != ser[b].hash) return ser[a].hash < ser[b].hash;
      return a < b;
    });
    for (uint32_t g = 0; g < n;) {
      uint32_t e = g;
      uint16_t fam = ser[order[g]].family;
      while (e < n && ser[order[e]].family == fam) ++e;
      TextfileFamily& f = o_->families[fam];
      f.names_begin = static_cast<uint16_t>(o_->nnames);
      for (uint32_t k = g; k < e; ++k) {
        TextfileSeries& s = o_->series[order[k]];
        for (uint32_t j = s.labels_begin; j < s.labels_begin + s.nlabels; ++j)
          if (!add_name(f, o_->label_name(o_->labels[j]))) return false;
        // Sorted by hash then index: candidates are the earlier series of
        // the same hash run.
        for (uint32_t p = k; p-- > g && ser[order[p]].hash == s.hash && !s.dropped;) {
          const TextfileSeries& q = ser[order[p]];
          if (!q.dropped && same_filled(q, s)) s.dropped = true;
        }
        if (!s.dropped) ++f.nseries;
      }
      edgestat::sort(o_->label_names + f.names_begin, o_->label_names + f.names_begin + f.names_count);
      g = e;
    }
    return true;
  }

  bool add_name(TextfileFamily& f, std::string_view name) {
    for (size_t i = 0; i < f.names_count; ++i)
      if (o_->label_names[f.names_begin + i] == name) return true;
    if (f.names_count == kMaxTextfileLabelNames || o_->nnames == kMaxTextfileUnionNames)
      return fail(TextfileError::TooLarge);
    o_->label_names[o_->nnames++] = name;
    ++f.names_count;
    return true;
  }

  // Equal once missing labels read as "": every non-empty pair of each is
  // in the other.
  bool same_filled(const TextfileSeries& a, const TextfileSeries& b) const { return covers(a, b) && covers(b, a); }
  bool covers(const TextfileSeries& a, const TextfileSeries& b) const {
    for (uint32_t j = a.labels_begin; j < a.labels_begin + a.nlabels; ++j) {
      std::string_view v = o_->label_value(o_->labels[j]);
      if (!v.empty() && o_->series_label(b, o_->label_name(o_->labels[j])) != v) return false;
    }
    return true;
  }

  const char* in_;
  size_t n_;
  TextfileParse* o_;
  size_t pos_ = 0, end_ = 0;
  uint32_t line_ = 0;
  int fam_ = -1;
  bool is_count_ = false, is_sum_ = false;
  size_t ncur_ = 0;
  TextfileLabelRef cur_[kMaxTextfileLabelNames];
};

}  // namespace

std::string_view textfile_error_text(TextfileError e) {
  switch (e) {
    case TextfileError::None:
      return "ok";
    case TextfileError::Syntax:
      return "syntax error";
    case TextfileError::UnexpectedEof:
      return "unexpected end of input stream";
    case TextfileError::Timestamp:
      return "contains unsupported client-side timestamps";
    case TextfileError::DuplicateHelp:
      return "second HELP line for a metric name";
    case TextfileError::DuplicateType:
      return "second TYPE line for a metric name, or TYPE reported after samples";
    case TextfileError::UnknownType:
      return "unknown metric type";
    case TextfileError::InvalidEscape:
      return "invalid escape sequence";
    case TextfileError::InvalidLabelValue:
      return "invalid label value (not UTF-8)";
    case TextfileError::DuplicateLabel:
      return "duplicate label names";
    case TextfileError::ReservedLabel:
      return "label name __name__ is reserved";
    case TextfileError::LineTooLong:
      return "line too long";
    case TextfileError::TooLarge:
      return "too many families, series or labels for the parser's tables";
  }
  return "?";
}

std::string_view TextfileParse::series_label(const TextfileSeries& s, std::string_view name) const {
  for (uint32_t j = s.labels_begin; j < s.labels_begin + s.nlabels; ++j)
    if (label_name(labels[j]) == name) return label_value(labels[j]);
  return {};
}

bool parse_textfile(const char* p, size_t n, TextfileParse* out) {
  out->input = p;
  out->input_len = n;
  out->error = TextfileError::None;
  out->error_line = 0;
  out->nfamilies = out->nseries = out->npoints = out->nlabels = out->npool = out->nnames = 0;
  Parser parser(p, n, out);
  return parser.run();
}

bool parse_go_float(std::string_view s, double* v) {
  if (s.empty() || s.size() > kMaxTextfileNumberChars) return false;
  // expfmt refuses these before strconv sees them (hex floats, digit
  // separators).
  if (s.find_first_of("pP_") != std::string_view::npos) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  std::string_view rest = s.substr(i);
  if (iequals(rest, "inf") || iequals(rest, "infinity")) {
    *v = neg ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (i == 0 && iequals(rest, "nan")) {
    *v = kNaN;
    return true;
  }
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t ed = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++ed;
    if (ed == 0) return false;
  }
  if (i != s.size()) return false;
  char buf[kMaxTextfileNumberChars + 1];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  double d = std::strtod(buf, nullptr);
  if (std::isinf(d)) return false;  // Go: ErrRange for overflow
  *v = d;
  return true;
}

}  // namespace edgestat

// Tests for the textfile collector and its text-format parser: valid
// files, every rejection reason, escapes, histograms and summaries,
// NaN/Inf, label filling and duplicate dropping as node_exporter 1.5 and
// client_golang do them, oversized and hostile input. Expected collector
// output was taken from node_exporter 1.5.0 run on the same files.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "collect/host/host.hpp"
#include "collect/host/textfile_parse.hpp"
#include "collector_harness.hpp"
#include "core/number.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {

// The parse tables are large; one shared instance.
TextfileParse& tables() {
  static TextfileParse p;
  return p;
}

// Parses s from an exactly-sized heap copy, so reading past the end is a
// sanitizer error rather than luck.
bool parse(const std::string& s) {
  std::unique_ptr<char[]> buf(new char[s.size() ? s.size() : 1]);
  std::memcpy(buf.get(), s.data(), s.size());
  // Only the verdict is used: the tables' views die with buf.
  return parse_textfile(buf.get(), s.size(), &tables());
}

TextfileError error_of(const std::string& s) {
  if (parse(s)) return TextfileError::None;
  return tables().error;
}

// Parses a stable string (views into it stay valid).
const TextfileParse& parsed(const std::string& s) {
  REQUIRE(parse_textfile(s.data(), s.size(), &tables()));
  return tables();
}

const TextfileFamily* family(const TextfileParse& p, std::string_view name) {
  for (uint32_t i = 0; i < p.nfamilies; ++i)
    if (p.families[i].name == name) return &p.families[i];
  return nullptr;
}

}  // namespace

TEST_CASE("textfile: Go float parsing as expfmt calls it") {
  double v = 0;
  CHECK((parse_go_float("1", &v) && v == 1));
  CHECK((parse_go_float("-1.5e3", &v) && v == -1500));
  CHECK((parse_go_float(".5", &v) && v == 0.5));
  CHECK((parse_go_float("5.", &v) && v == 5));
  CHECK((parse_go_float("+5", &v) && v == 5));
  CHECK((parse_go_float("1E2", &v) && v == 100));
  CHECK((parse_go_float("NaN", &v) && std::isnan(v)));
  CHECK((parse_go_float("nan", &v) && std::isnan(v)));
  CHECK((parse_go_float("+Inf", &v) && std::isinf(v) && v > 0));
  CHECK((parse_go_float("-Inf", &v) && std::isinf(v) && v < 0));
  CHECK((parse_go_float("inf", &v) && std::isinf(v)));
  CHECK((parse_go_float("-infinity", &v) && std::isinf(v) && v < 0));
  CHECK((parse_go_float("1e-400", &v) && v == 0));  // underflow is fine in Go
  CHECK_FALSE(parse_go_float("1e400", &v));         // overflow is ErrRange
  CHECK_FALSE(parse_go_float("+nan", &v));
  CHECK_FALSE(parse_go_float("0x10", &v));
  CHECK_FALSE(parse_go_float("0x1p3", &v));
  CHECK_FALSE(parse_go_float("1_000", &v));
  CHECK_FALSE(parse_go_float("", &v));
  CHECK_FALSE(parse_go_float(".", &v));
  CHECK_FALSE(parse_go_float("1e", &v));
  CHECK_FALSE(parse_go_float("1 ", &v));
  CHECK_FALSE(parse_go_float("infin", &v));
  CHECK_FALSE(parse_go_float("1\r", &v));
  CHECK_FALSE(parse_go_float(std::string(kMaxTextfileNumberChars + 1, '1'), &v));
}

TEST_CASE("textfile: a valid file with every kind of line") {
  const std::string s =
      "# HELP foo Foo help with \\\\ backslash and \\n newline\n"
      "# TYPE foo gauge\n"
      "foo{a=\"1\"} 1\n"
      "foo{b=\"x\\\"y\\\\z\\nw\"} 2\n"
      "foo{a=\"1\"} 3\n"
      "  bar   42\n"
      "bar{c=\"\" } 1.5e3\n"
      "# a plain comment\n"
      "#HELP baz baz help\n"
      "baz{x=\"1\",} NaN\n"
      "baz{x=\"2\"}+Inf\n"
      "baz{x=\"3\"} -Inf\n"
      "\n"
      "   \t\n"
      "# TYPE CAPS GAUGE\n"
      "CAPS 1\n"
      "# TYPE e gauge\n"
      "ns:colon{ a = \"1\" , b=\"\xc3\xa9\" ,} 7\n"
      "# HELP\n"
      "# TYPE only_comment\n";
  const TextfileParse& p = parsed(s);
  CHECK(p.error == TextfileError::None);

  const TextfileFamily* foo = family(p, "foo");
  REQUIRE(foo);
  CHECK(foo->has_help);
  CHECK(foo->help == "Foo help with \\ backslash and \n newline");
  CHECK(foo->type == MetricType::Gauge);
  CHECK(foo->nseries == 2);  // the second foo{a="1"} is a duplicate
  REQUIRE(foo->names_count == 2);
  CHECK(p.label_names[foo->names_begin] == "a");
  CHECK(p.label_names[foo->names_begin + 1] == "b");
  int seen = 0;
  for (uint32_t i = 0; i < p.nseries; ++i) {
    const TextfileSeries& se = p.series[i];
    if (&p.families[se.family] != foo) continue;
    if (se.dropped) {
      CHECK(se.value == 3);
      continue;
    }
    ++seen;
    if (se.value == 2) {
      CHECK(p.series_label(se, "b") == "x\"y\\z\nw");
      CHECK(p.series_label(se, "a") == "");
    } else {
      CHECK(se.value == 1);
      CHECK(p.series_label(se, "a") == "1");
    }
  }
  CHECK(seen == 2);

  const TextfileFamily* bar = family(p, "bar");
  REQUIRE(bar);
  CHECK_FALSE(bar->has_help);
  CHECK(bar->type == MetricType::Untyped);
  CHECK(bar->nseries == 1);  // bar{c=""} duplicates bar once filled

  const TextfileFamily* baz = family(p, "baz");
  REQUIRE(baz);
  CHECK(baz->help == "baz help");
  CHECK(baz->nseries == 3);
  CHECK(family(p, "CAPS")->type == MetricType::Gauge);
  CHECK(family(p, "e")->nseries == 0);  // TYPE alone: no samples, not exported
  const TextfileFamily* ns = family(p, "ns:colon");
  REQUIRE(ns);
  CHECK(ns->nseries == 1);
  CHECK(family(p, "only_comment") == nullptr);  // "# TYPE name" without a type is a comment
}

TEST_CASE("textfile: histograms and summaries grouped into series") {
  const std::string s =
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.5\",k=\"v\"} 1\n"
      "h_bucket{k=\"w\",le=\"+Inf\"} 9\n"
      "h_bucket{k=\"v\",le=\"1\"} 2.7\n"
      "h_sum{k=\"v\"} 3.5\n"
      "h_count{k=\"v\"} 4\n"
      "h_bucket{k=\"v\",le=\"NaN\"} 8\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.5\"} 1\n"
      "s{quantile=\"0.9\"} 2\n"
      "s_sum 10\n"
      "s_count 5.9\n"
      "# TYPE g gauge\n"
      "g{le=\"1\",quantile=\"0.5\"} 1\n"
      "g_count 3\n";
  const TextfileParse& p = parsed(s);
  const TextfileFamily* h = family(p, "h");
  REQUIRE(h);
  CHECK(h->type == MetricType::Histogram);
  CHECK(h->nseries == 2);
  REQUIRE(h->names_count == 1);  // le is not a label of the series
  CHECK(p.label_names[h->names_begin] == "k");
  const TextfileSeries& v = p.series[0];
  CHECK(p.series_label(v, "k") == "v");
  CHECK(v.value == 3.5);
  CHECK(v.count == 4);
  int n = 0;
  for (int32_t i = v.first_point; i >= 0; i = p.points[i].next, ++n) {
    if (n == 0) CHECK((p.points[i].bound == 0.5 && p.points[i].value == 1));
    if (n == 1) CHECK((p.points[i].bound == 1 && p.points[i].value == 2));  // uint64(2.7)
  }
  CHECK(n == 2);  // le="NaN" is ignored, as expfmt does
  const TextfileSeries& w = p.series[1];
  CHECK(p.series_label(w, "k") == "w");
  CHECK(std::isinf(p.points[w.first_point].bound));
  CHECK(w.count == 0);

  const TextfileFamily* su = family(p, "s");
  REQUIRE(su);
  CHECK(su->nseries == 1);
  CHECK(su->names_count == 0);
  const TextfileSeries& ss = p.series[2];
  CHECK(ss.value == 10);
  CHECK(ss.count == 5);

  // le and quantile are plain labels elsewhere; g_count is its own family.
  const TextfileFamily* g = family(p, "g");
  REQUIRE(g);
  CHECK(g->names_count == 2);
  CHECK(family(p, "g_count") != nullptr);
  CHECK(family(p, "h_bucket") == nullptr);
}

TEST_CASE("textfile: every rejection reason") {
  struct Case {
    const char* what;
    std::string text;
    TextfileError err;
  };
  const Case cases[] = {
      {"no final newline", "nonl 1", TextfileError::UnexpectedEof},
      {"comment without final newline", "# c", TextfileError::UnexpectedEof},
      {"timestamp", "ts 1 1234\n", TextfileError::Timestamp},
      {"negative timestamp", "ts 1 -1234\n", TextfileError::Timestamp},
      {"garbage after timestamp", "ts 1 1234 x\n", TextfileError::Syntax},
      {"trailing blank", "tr 1 \n", TextfileError::Syntax},
      {"second HELP", "# HELP d x\n# HELP d y\nd 1\n", TextfileError::DuplicateHelp},
      {"TYPE after samples", "d 1\n# TYPE d gauge\n", TextfileError::DuplicateType},
      {"second TYPE", "# TYPE d gauge\n# TYPE d counter\n", TextfileError::DuplicateType},
      {"TYPE of a summary's _count", "# TYPE s summary\ns_count 3\n# TYPE s_count gauge\n",
       TextfileError::DuplicateType},
      {"unknown type", "# TYPE g gaugehistogram\ng 1\n", TextfileError::UnknownType},
      {"gauge_histogram (node_exporter 1.5 panics on it)", "# TYPE g gauge_histogram\ng 1\n",
       TextfileError::UnknownType},
      {"type with trailing blank", "# TYPE g gauge \ng 1\n", TextfileError::UnknownType},
      {"\\\" in HELP", "# HELP q a \\\" b\nq 1\n", TextfileError::InvalidEscape},
      {"\\t in HELP", "# HELP q a \\t b\nq 1\n", TextfileError::InvalidEscape},
      {"backslash ending HELP", "# HELP q a \\\nq 1\n", TextfileError::InvalidEscape},
      {"\\t in a label value", "q{a=\"\\t\"} 1\n", TextfileError::InvalidEscape},
      {"backslash ending a line in a label value", "q{a=\"\\\n", TextfileError::InvalidEscape},
      {"__name__", "l{__name__=\"x\"} 1\n", TextfileError::ReservedLabel},
      {"duplicate label", "l{a=\"1\",a=\"2\"} 1\n", TextfileError::DuplicateLabel},
      {"invalid UTF-8", "u{a=\"\xff\"} 1\n", TextfileError::InvalidLabelValue},
      {"overlong UTF-8", "u{a=\"\xc0\xaf\"} 1\n", TextfileError::InvalidLabelValue},
      {"CRLF", "cr 1\r\n", TextfileError::Syntax},
      {"metric name starting with a digit", "1abc 1\n", TextfileError::Syntax},
      {"metric name with a dash", "foo-bar 1\n", TextfileError::Syntax},
      {"braces without a name", "{a=\"1\"} 1\n", TextfileError::Syntax},
      {"invalid label name", "foo{1a=\"x\"} 1\n", TextfileError::Syntax},
      {"label name with a dash", "foo{a-b=\"x\"} 1\n", TextfileError::Syntax},
      {"unquoted label value", "foo{a=x} 1\n", TextfileError::Syntax},
      {"unterminated label value", "foo{a=\"x} 1\n", TextfileError::Syntax},
      {"missing =", "foo{a\"x\"} 1\n", TextfileError::Syntax},
      {"unclosed braces", "foo{a=\"x\" 1\n", TextfileError::Syntax},
      {"missing value", "foo\n", TextfileError::Syntax},
      {"missing value after labels", "foo{a=\"1\"}\n", TextfileError::Syntax},
      {"bad value", "foo abc\n", TextfileError::Syntax},
      {"hex value", "foo 0x10\n", TextfileError::Syntax},
      {"bad le", "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", TextfileError::Syntax},
      {"bad quantile", "# TYPE s summary\ns{quantile=\"\"} 1\n", TextfileError::Syntax},
      {"invalid name in HELP", "# HELP 1x help\n", TextfileError::Syntax},
      {"NUL in a metric name", std::string("fo\0o 1\n", 7), TextfileError::Syntax},
      {"huge line", "foo{a=\"" + std::string(kMaxTextfileLineBytes, 'x') + "\"} 1\n", TextfileError::LineTooLong},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CHECK(error_of(c.text) == c.err);
  }
  // The error names the line.
  CHECK_FALSE(parse("a 1\nb 2\nc x\n"));
  CHECK(tables().error_line == 3);
  CHECK(textfile_error_text(TextfileError::Timestamp) == "contains unsupported client-side timestamps");
}

TEST_CASE("textfile: accepted edge cases") {
  CHECK(error_of("") == TextfileError::None);
  CHECK(error_of("\n\n") == TextfileError::None);
  CHECK(error_of("   ") == TextfileError::None);  // a blank last line needs no newline
  CHECK(error_of("# HELP\n") == TextfileError::None);
  CHECK(error_of("# HELP x\n") == TextfileError::None);
  CHECK(error_of("#\n") == TextfileError::None);
  CHECK(error_of("foo{} 1\n") == TextfileError::None);
  CHECK(error_of("foo{a=\"1\"}2\n") == TextfileError::None);
  CHECK(error_of("foo\t1\n") == TextfileError::None);
  CHECK(error_of("_:x 1\n") == TextfileError::None);
  CHECK(error_of("z{a=\"x" + std::string(1, '\0') + "y\"} 1\n") == TextfileError::None);  // NUL is UTF-8
  CHECK(error_of("# TYPE x UnTyPeD\nx 1\n") == TextfileError::None);
  // A line exactly at the limit is fine.
  std::string at_limit = "foo{a=\"" + std::string(kMaxTextfileLineBytes - 11, 'x') + "\"} 1";
  REQUIRE(at_limit.size() == kMaxTextfileLineBytes);
  CHECK(error_of(at_limit + "\n") == TextfileError::None);
}

TEST_CASE("textfile: table limits refuse the file whole") {
  std::string labels = "many{";
  for (size_t i = 0; i <= kMaxTextfileLabelNames; ++i) labels += "l" + std::to_string(i) + "=\"x\",";
  labels += "} 1\n";
  CHECK(error_of(labels) == TextfileError::TooLarge);

  // The union of a family's label names is bounded the same way.
  std::string uni;
  for (size_t i = 0; i <= kMaxTextfileLabelNames; ++i) uni += "u{l" + std::to_string(i) + "=\"x\"} 1\n";
  CHECK(error_of(uni) == TextfileError::TooLarge);

  std::string fams;
  for (size_t i = 0; i <= kMaxTextfileFamilies; ++i) fams += "f" + std::to_string(i) + " 1\n";
  CHECK(error_of(fams) == TextfileError::TooLarge);

  std::string series;
  for (size_t i = 0; i <= kMaxTextfileSeries; ++i) series += "s{i=\"" + std::to_string(i) + "\"} 1\n";
  CHECK(error_of(series) == TextfileError::TooLarge);

  std::string points = "# TYPE h histogram\n";
  for (size_t i = 0; i <= kMaxTextfilePoints; ++i) points += "h_bucket{le=\"" + std::to_string(i) + "\"} 1\n";
  CHECK(error_of(points) == TextfileError::TooLarge);

  std::string pool;
  std::string escaped = "\\\\" + std::string(8000, 'x');
  for (int i = 0; i < 5; ++i) pool += "p{i=\"" + std::to_string(i) + "\",v=\"" + escaped + "\"} 1\n";
  CHECK(error_of(pool) == TextfileError::TooLarge);

  // Just under the series limit is accepted.
  std::string ok;
  for (size_t i = 0; i < kMaxTextfileSeries; ++i) ok += "s{i=\"" + std::to_string(i) + "\"} 1\n";
  CHECK(error_of(ok) == TextfileError::None);
}

TEST_CASE("textfile: truncations of a valid file never read past the end") {
  const std::string s =
      "# HELP foo Foo \\\\ help\n# TYPE foo histogram\nfoo_bucket{a=\"x\\\"\",le=\"1\"} 1\nfoo_sum{a=\"x\\\"\"} 2\n"
      "foo_count{a=\"x\\\"\"} 3\nbar{b=\"\xc3\xa9\"} NaN\n";
  CHECK(error_of(s) == TextfileError::None);
  for (size_t n = 0; n < s.size(); ++n) {
    CAPTURE(n);
    TextfileError e = error_of(s.substr(0, n));
    // Cut at a line boundary: fine; anywhere else: refused, never a crash.
    if (n == 0 || s[n - 1] == '\n') {
      CHECK(e == TextfileError::None);
    } else {
      CHECK(e != TextfileError::None);
    }
  }
}

TEST_CASE("textfile: binary garbage is refused or parsed, never crashes") {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&x]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const char alphabet[] = "ab_:{}=\",# \t\n\\01.eE+-InfNaHELPTYPEgaugehistogramsummaryle\"quantile\xff\xc3\xa9";
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string s(next() % 200, '\0');
    bool text_like = round % 2 == 0;
    for (char& c : s) c = text_like ? alphabet[next() % (sizeof alphabet - 1)] : static_cast<char>(next());
    if (parse(s)) ++accepted;
  }
  CHECK(accepted >= 0);
}

namespace {

long mtime_of(const std::string& path) {
  struct stat sb;
  REQUIRE(::stat(path.c_str(), &sb) == 0);
  return static_cast<long>(sb.st_mtim.tv_sec);
}

std::string mtime_line(const std::string& path) {
  char v[kDoubleChars];
  size_t n = format_double(static_cast<double>(mtime_of(path)), v);  // Go's 'g': 1.795409044e+09
  return "node_textfile_mtime_seconds{file=\"" + path + "\"} " + std::string(v, n);
}

}  // namespace

TEST_CASE("textfile: collector output matches node_exporter 1.5 on the same files") {
  TempTree t;
  t.write("tf/a.prom",
          "# HELP foo Foo help with \\\\ backslash and \\n newline\n"
          "# TYPE foo gauge\n"
          "foo{a=\"1\"} 1\n"
          "foo{b=\"x\\\"y\\\\z\\nw\"} 2\n"
          "foo{a=\"1\"} 3\n"
          "  bar   42\n"
          "bar{c=\"\" } 1.5e3\n"
          "#HELP baz baz help\n"
          "baz{x=\"1\",} NaN\n"
          "baz{x=\"2\"}+Inf\n"
          "baz{x=\"3\"} -Inf\n"
          "# TYPE h histogram\n"
          "h_bucket{le=\"0.5\",k=\"v\"} 1\n"
          "h_bucket{k=\"v\",le=\"1\"} 2.7\n"
          "h_sum{k=\"v\"} 3.5\n"
          "h_count{k=\"v\"} 4\n"
          "h_bucket{k=\"w\",le=\"+Inf\"} 9\n"
          "# TYPE hh histogram\n"
          "hh_bucket{le=\"1\"} 1\n"
          "hh_bucket{le=\"1\"} 5\n"
          "# TYPE s summary\n"
          "s{quantile=\"0.5\"} 1\n"
          "s{quantile=\"0.9\"} 2\n"
          "s{quantile=\"0.9\"} 3\n"
          "s_sum 10\n"
          "s_count 5\n"
          "# TYPE c counter\n"
          "c_total 5\n"
          "shared{f=\"1\"} 1\n"
          "x{f=\"\"} 1\n");
  t.write("tf/b.prom", "shared{f=\"2\"} 3\nx 2\nx{f=\"1\"} 3\n");
  t.write("tf/c.txt", "ignored 1\n");
  t.mkdir("tf/sub.prom");  // read as an empty file by node_exporter 1.5
  const std::string a = t.path("tf/a.prom"), b = t.path("tf/b.prom");
  Run r(collect_textfile, {{"collector.textfile.directory", t.path("tf")}});
  INFO(r.text);
  REQUIRE(r.ok);
  const std::string expected[] = {
      "# HELP bar Metric read from " + a,
      "# TYPE bar untyped",
      "bar{c=\"\"} 42",
      "# HELP baz baz help",
      "baz{x=\"1\"} NaN",
      "baz{x=\"2\"} +Inf",
      "baz{x=\"3\"} -Inf",
      "# HELP c_total Metric read from " + a,
      "# TYPE c_total untyped",
      "c_total 5",
      "# HELP foo Foo help with \\\\ backslash and \\n newline",
      "# TYPE foo gauge",
      "foo{a=\"\",b=\"x\\\"y\\\\z\\nw\"} 2",
      "foo{a=\"1\",b=\"\"} 1",
      "# TYPE h histogram",
      "h_bucket{k=\"v\",le=\"0.5\"} 1",
      "h_bucket{k=\"v\",le=\"1\"} 2",
      "h_bucket{k=\"v\",le=\"+Inf\"} 4",
      "h_sum{k=\"v\"} 3.5",
      "h_count{k=\"v\"} 4",
      "h_bucket{k=\"w\",le=\"+Inf\"} 9",
      "h_sum{k=\"w\"} 0",
      "h_count{k=\"w\"} 0",
      "hh_bucket{le=\"1\"} 5",
      "hh_bucket{le=\"+Inf\"} 0",
      "# TYPE s summary",
      "s{quantile=\"0.5\"} 1",
      "s{quantile=\"0.9\"} 3",
      "s_sum 10",
      "s_count 5",
      "# HELP shared Metric read from " + a + ", " + b,
      "shared{f=\"1\"} 1",
      "shared{f=\"2\"} 3",
      "x{f=\"\"} 1",
      "x{f=\"1\"} 3",
      "# HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise",
      "node_textfile_scrape_error 0",
      "# HELP node_textfile_mtime_seconds Unixtime mtime of textfiles successfully read.",
      mtime_line(a),
      mtime_line(b),
      mtime_line(t.path("tf/sub.prom")),
  };
  for (const std::string& line : expected) {
    CAPTURE(line);
    CHECK(r.has(line));
  }
  CHECK(r.count("foo{") == 2);
  CHECK(r.count("bar{") == 1);
  CHECK(r.count("x{") == 2);  // "x 2" from b.prom repeats x{f=""} once filled: dropped
  CHECK(r.count("ignored") == 0);
  CHECK(r.count("hh_bucket{") == 2);
}

TEST_CASE("textfile: a rejected file is skipped whole and counted") {
  TempTree t;
  t.write("tf/1.prom", "# TYPE foo gauge\nfoo 1\n");
  t.write("tf/2.prom", "good 1\nfoo 2\n");       // foo untyped here: type conflict
  t.write("tf/3.prom", "ts 1 1700000000000\n");  // timestamps
  t.write("tf/4.prom", "ok4 1\n");
  t.write("tf/5.prom", "# HELP ok4 other help\nok4{x=\"1\"} 5\n");  // HELP differs: family dropped
  Run r(collect_textfile, {{"collector.textfile.directory", t.path("tf")}});
  INFO(r.text);
  REQUIRE(r.ok);
  CHECK(r.has("foo 1"));
  CHECK(r.count("good") == 0);
  CHECK(r.count("ts ") == 0);
  CHECK(r.has("ok4 1"));
  CHECK(r.count("ok4{") == 0);
  CHECK(r.has("node_textfile_scrape_error 1"));
  CHECK(r.count(t.path("tf/1.prom") + "\"}") == 1);
  CHECK(r.count("file=\"" + t.path("tf/2.prom")) == 0);
  CHECK(r.count("file=\"" + t.path("tf/3.prom")) == 0);
  CHECK(r.count(t.path("tf/4.prom")) >= 1);
  CHECK(r.count("file=\"" + t.path("tf/5.prom")) == 1);  // still read OK
}

TEST_CASE("textfile: a file failing after the last good one does not cost the good one") {
  // The good file's parse is reused from the first pass only while it is
  // still in the tables; the failing parse after it overwrote them.
  TempTree t;
  t.write("tf/a.prom", "# HELP good Good.\n# TYPE good gauge\ngood{i=\"1\"} 3\n");
  t.write("tf/b.prom", "bad 1 1700000000000\n");
  Run r(collect_textfile, {{"collector.textfile.directory", t.path("tf")}});
  INFO(r.text);
  REQUIRE(r.ok);
  CHECK(r.has("good{i=\"1\"} 3"));
  CHECK(r.has("node_textfile_scrape_error 1"));
}

TEST_CASE("textfile: directories: none, empty setting, missing, several") {
  {
    Run r(collect_textfile, {});
    REQUIRE(r.ok);
    CHECK(r.text ==
          "# HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise\n"
          "# TYPE node_textfile_scrape_error gauge\n"
          "node_textfile_scrape_error 0\n");
  }
  {
    Run r(collect_textfile, {{"collector.textfile.directory", ""}});
    REQUIRE(r.ok);
    CHECK(r.has("node_textfile_scrape_error 0"));
  }
  TempTree t;
  {
    Run r(collect_textfile, {{"collector.textfile.directory", t.path("missing")}});
    REQUIRE(r.ok);  // an error of the data, not of the collector
    CHECK(r.has("node_textfile_scrape_error 1"));
  }
  t.write("d1/a.prom", "one 1\n");
  t.write("d2/a.prom", "two 2\n");
  {
    Run r(collect_textfile, {{"collector.textfile.directory", t.path("d1") + "," + t.path("d2") + "/"}});
    REQUIRE(r.ok);
    INFO(r.text);
    CHECK(r.has("one 1"));
    CHECK(r.has("two 2"));
    CHECK(r.count("file=\"" + t.path("d2/a.prom") + "\"") == 1);
    CHECK(r.has("node_textfile_scrape_error 0"));
  }
}

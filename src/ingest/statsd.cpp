#include "ingest/statsd.hpp"

#include <algorithm>
#include <cmath>

#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::ingest {
namespace {

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > kMaxStatsdName) return false;
  for (char c : n)
    if (is_control(c) || c == ' ' || c == '|' || c == '@' || c == '#' || c == ',') return false;
  return true;
}

// A strict finite decimal (no NaN/Inf spellings, which parse_double takes).
bool finite_number(std::string_view s, double* v) {
  if (s.empty()) return false;
  char c = s[0];
  if (!(c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'))) return false;
  auto d = parse_double(s);
  if (!d || !std::isfinite(*d)) return false;
  *v = *d;
  return true;
}

StatsdError parse_tags(std::string_view s, StatsdLine* out) {
  // s is after '#': k[:v][,k[:v]]...
  while (true) {
    size_t comma = find_byte(s, ',');
    std::string_view tag = s.substr(0, comma);
    if (tag.empty()) return StatsdError::BadTags;
    if (out->ntags == kMaxStatsdTags) return StatsdError::BadTags;
    size_t colon = find_byte(tag, ':');
    StatsdTag& t = out->tags[out->ntags++];
    t.key = tag.substr(0, colon);
    t.value = colon == std::string_view::npos ? std::string_view() : tag.substr(colon + 1);
    if (t.key.empty()) return StatsdError::BadTags;
    for (char c : tag)
      if (is_control(c) || c == ' ' || c == '|') return StatsdError::BadTags;
    if (comma == std::string_view::npos) return StatsdError::None;
    s.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string_view statsd_type_name(StatsdType t) {
  switch (t) {
    case StatsdType::Counter: return "c";
    case StatsdType::Gauge: return "g";
    case StatsdType::Timer: return "ms";
    case StatsdType::Histogram: return "h";
    case StatsdType::Distribution: return "d";
    case StatsdType::Set: return "s";
  }
  return "?";
}

std::string_view statsd_error_name(StatsdError e) {
  switch (e) {
    case StatsdError::None: return "none";
    case StatsdError::TooLong: return "too_long";
    case StatsdError::BadName: return "bad_name";
    case StatsdError::NoValue: return "no_value";
    case StatsdError::BadValue: return "bad_value";
    case StatsdError::BadType: return "bad_type";
    case StatsdError::BadSampleRate: return "bad_sample_rate";
    case StatsdError::BadTags: return "bad_tags";
    case StatsdError::BadField: return "bad_field";
    case StatsdError::PersonalData: return "personal_data";
    case StatsdError::Truncated: return "truncated";
    case StatsdError::TooLarge: return "too_large";
  }
  return "other";
}

StatsdError parse_statsd_line(std::string_view line, StatsdLine* out) {
  out->ntags = 0;
  out->sample_rate = 1;
  out->delta = false;
  out->value = 0;
  if (line.size() > kMaxStatsdLine) return StatsdError::TooLong;
  // The name ends at the first ':' (names may not hold one).
  size_t colon = find_byte(line, ':');
  size_t bar = find_byte(line, '|');
  if (colon == std::string_view::npos || bar == std::string_view::npos || bar < colon) {
    // "name|c" or "name" alone: a name without a value.
    std::string_view n = line.substr(0, std::min(colon, bar));
    return valid_name(n) ? StatsdError::NoValue : StatsdError::BadName;
  }
  out->name = line.substr(0, colon);
  if (!valid_name(out->name)) return StatsdError::BadName;
  out->value_text = line.substr(colon + 1, bar - colon - 1);
  std::string_view rest = line.substr(bar + 1);
  size_t next = find_byte(rest, '|');
  std::string_view type = rest.substr(0, next);
  rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
  if (type == "c") out->type = StatsdType::Counter;
  else if (type == "g") out->type = StatsdType::Gauge;
  else if (type == "ms") out->type = StatsdType::Timer;
  else if (type == "h") out->type = StatsdType::Histogram;
  else if (type == "d") out->type = StatsdType::Distribution;
  else if (type == "s") out->type = StatsdType::Set;
  else return StatsdError::BadType;

  std::string_view v = out->value_text;
  if (out->type == StatsdType::Set) {
    if (v.empty()) return StatsdError::BadValue;
    for (char c : v)
      if (is_control(c)) return StatsdError::BadValue;
  } else {
    if (out->type == StatsdType::Gauge && !v.empty() && (v[0] == '+' || v[0] == '-')) out->delta = true;
    if (!finite_number(v, &out->value)) return StatsdError::BadValue;
    bool timing = out->type == StatsdType::Timer || out->type == StatsdType::Histogram ||
                  out->type == StatsdType::Distribution;
    if (timing && out->value < 0) return StatsdError::BadValue;
  }

  bool have_rate = false, have_tags = false;
  bool more = next != std::string_view::npos;  // a '|' followed the type
  while (more) {
    size_t bar2 = find_byte(rest, '|');
    std::string_view f = rest.substr(0, bar2);
    more = bar2 != std::string_view::npos;
    rest = more ? rest.substr(bar2 + 1) : std::string_view();
    if (f.empty()) return StatsdError::BadField;
    if (f[0] == '@') {
      if (have_rate) return StatsdError::BadSampleRate;
      have_rate = true;
      double r = 0;
      if (!finite_number(f.substr(1), &r) || !(r > 0) || r > 1) return StatsdError::BadSampleRate;
      out->sample_rate = r;
    } else if (f[0] == '#') {
      if (have_tags) return StatsdError::BadTags;
      have_tags = true;
      StatsdError e = parse_tags(f.substr(1), out);
      if (e != StatsdError::None) return e;
    } else if ((f.size() >= 2 && f[0] == 'c' && f[1] == ':') || f[0] == 'T') {
      // DogStatsD container id and client timestamp: not used here.
    } else {
      return StatsdError::BadField;
    }
  }
  return StatsdError::None;
}

bool next_statsd_line(std::string_view* rest, std::string_view* line) {
  while (!rest->empty()) {
    std::string_view l = next_field(*rest, '\n');
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    *line = l;
    return true;
  }
  return false;
}

}  // namespace edgestat::ingest

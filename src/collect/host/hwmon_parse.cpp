#include "collect/host/hwmon_parse.hpp"

#include <cstdint>
#include <initializer_list>

#include "collect/host/textfile_parse.hpp"
#include "core/ascii.hpp"

namespace edgestat {
namespace {

// strconv.Atoi on a run of ASCII digits: fails above a 64-bit int.
bool atoi_digits(std::string_view d, int64_t* v) {
  uint64_t n = 0;
  for (char c : d) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (static_cast<uint64_t>(INT64_MAX) - digit) / 10) return false;
    n = n * 10 + digit;
  }
  *v = static_cast<int64_t>(n);
  return true;
}

// (_(?P<property>.+))?$ on what follows the id: empty, or '_' and at least
// one more byte, none of them a newline ('.' does not match "\n" in Go).
bool property_tail(std::string_view rest, std::string_view* prop) {
  if (rest.empty()) {
    *prop = {};
    return true;
  }
  if (rest.size() < 2 || rest[0] != '_') return false;
  if (rest.substr(1).find('\n') != std::string_view::npos) return false;
  *prop = rest.substr(1);
  return true;
}

}  // namespace

bool hwmon_split_filename(std::string_view name, HwmonFileName* out) {
  // The greedy type takes the longest non-digit prefix; the id the digit run
  // after it. Only if the remainder is not a valid property does the
  // engine backtrack, and then the only way left to match is a shorter
  // type ending just before a '_' inside the prefix, with no id.
  size_t p = 0;
  while (p < name.size() && !is_digit(name[p])) ++p;
  if (p == 0) return false;
  size_t d = p;
  while (d < name.size() && is_digit(name[d])) ++d;
  std::string_view prop;
  if (property_tail(name.substr(d), &prop)) {
    int64_t num = 0;
    if (!atoi_digits(name.substr(p, d - p), &num)) return false;
    *out = HwmonFileName{name.substr(0, p), num, prop};
    return true;
  }
  for (size_t k = p - 1; k >= 1; --k) {
    if (name[k] == '_' && property_tail(name.substr(k), &prop)) {
      *out = HwmonFileName{name.substr(0, k), 0, prop};
      return true;
    }
  }
  return false;
}

int hwmon_sensor_type_index(std::string_view type) {
  for (size_t i = 0; i < kHwmonSensorTypeCount; ++i)
    if (kHwmonSensorTypes[i] == type) return static_cast<int>(i);
  return -1;
}

size_t hwmon_clean_name(std::string_view in, char* out, size_t cap) {
  size_t n = 0;
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == ':' || c == '_';
    // Go lower-cases whole UTF-8 characters and the regexp then replaces
    // each non-matching character with one '_'; a multi-byte character
    // becomes one '_', so continuation bytes are dropped here.
    if (!ok && (static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
    if (n == cap) return SIZE_MAX;
    out[n++] = ok ? c : '_';
  }
  size_t b = 0;
  while (b < n && out[b] == '_') ++b;
  while (n > b && out[n - 1] == '_') --n;
  for (size_t i = b; i < n; ++i) out[i - b] = out[i];
  return n - b;
}

std::string_view hwmon_path_base(std::string_view path) {
  size_t s = path.rfind('/');
  return s == std::string_view::npos ? path : path.substr(s + 1);
}

bool hwmon_chip_from_device_path(std::string_view resolved, FixedString<128>* out) {
  // filepath.Split keeps the trailing slash on the prefix; hwmonName trims
  // it and splits again to get the parent directory's name.
  std::string_view dev_name = hwmon_path_base(resolved);
  std::string_view prefix = resolved.substr(0, resolved.size() - dev_name.size());
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  std::string_view dev_type = hwmon_path_base(prefix);

  char name_buf[128], type_buf[128];
  size_t nn = hwmon_clean_name(dev_name, name_buf, sizeof name_buf);
  size_t nt = hwmon_clean_name(dev_type, type_buf, sizeof type_buf);
  if (nn == SIZE_MAX || nt == SIZE_MAX) return false;
  out->clear();
  if (nt != 0 && nn != 0) {
    out->append({type_buf, nt});
    out->push_back('_');
    out->append({name_buf, nn});
    return !out->overflowed();
  }
  if (nn != 0) return out->assign({name_buf, nn});
  return false;
}

bool hwmon_metric_for(std::string_view type, std::string_view element, bool has_bare_value, HwmonMetric* m) {
  m->name.assign("node_hwmon_");
  m->name.append(type);
  m->help.clear();
  m->type = MetricType::Gauge;
  m->mul = m->div = 1;
  if (element == "input") {
    if (has_bare_value) m->name.append("_input");
  } else if (!element.empty()) {
    char clean[96];
    size_t n = hwmon_clean_name(element, clean, sizeof clean);
    if (n == SIZE_MAX) return false;
    m->name.push_back('_');
    m->name.append({clean, n});
  }
  // Empty parts are skipped: a default string_view has no data pointer to
  // hand to memcpy.
  auto help = [m](std::initializer_list<std::string_view> parts) {
    for (std::string_view p : parts)
      if (!p.empty()) m->help.append(p);
  };
  if (element == "fault" || element == "alarm") {
    help({"Hardware sensor ", element, " status (", type, ")"});
  } else if (element == "beep") {
    m->name.append("_enabled");
    help({"Hardware monitor sensor has beeping enabled"});
  } else if (type == "in" || type == "cpu") {
    m->name.append("_volts");
    help({"Hardware monitor for voltage (", element, ")"});
    m->mul = 0.001;
  } else if (type == "temp" && element != "type") {
    m->name.append("_celsius");
    help({"Hardware monitor for temperature (", element.empty() ? "input" : element, ")"});
    m->mul = 0.001;
  } else if (type == "curr") {
    m->name.append("_amps");
    help({"Hardware monitor for current (", element, ")"});
    m->mul = 0.001;
  } else if (type == "energy") {
    m->name.append("_joule_total");
    help({"Hardware monitor for joules used so far (", element, ")"});
    m->type = MetricType::Counter;
    m->div = 1000000.0;
  } else if (type == "power" && element == "accuracy") {
    help({"Hardware monitor power meter accuracy, as a ratio"});
    m->div = 1000000.0;
  } else if (type == "power" && (element == "average_interval" || element == "average_interval_min" ||
                                 element == "average_interval_max")) {
    m->name.append("_seconds");
    help({"Hardware monitor power usage update interval (", element, ")"});
    m->mul = 0.001;
  } else if (type == "power") {
    m->name.append("_watt");
    help({"Hardware monitor for power usage in watts (", element, ")"});
    m->div = 1000000.0;
  } else if (type == "humidity") {
    help({"Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (",
          element, ")"});
    m->div = 1000000.0;
  } else if (type == "fan" && (element == "input" || element == "min" || element == "max" || element == "target")) {
    m->name.append("_rpm");
    help({"Hardware monitor for fan revolutions per minute (", element, ")"});
  } else {
    help({"Hardware monitor ", type, " element ", element});
  }
  return !m->name.overflowed() && !m->help.overflowed();
}

std::string_view hwmon_trim_newlines(std::string_view raw) {
  while (!raw.empty() && raw.front() == '\n') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
  return raw;
}

bool hwmon_parse_value(std::string_view s, double* v) { return parse_go_float(s, v); }

}  // namespace edgestat

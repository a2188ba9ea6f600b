#include "scale/command_allowlist.hpp"

#include "core/ascii.hpp"

namespace edgestat::scale {
namespace {

// What an option's value (or a positional argument) must look like.
enum class Kind : uint8_t {
  Flag,     // an option without a value
  Name,     // a container name
  Id,       // a Proxmox id
  Uint,     // decimal digits
  Decimal,  // digits with at most one '.', e.g. pct's -cpulimit 1.5
  Key,      // a cgroup file name: [a-z][a-z0-9_.]*
  Word,     // [A-Za-z0-9_.-]+ not starting with '-' (a backing store, a storage id)
  Value,    // printable ASCII, not starting with '-' (a cgroup value, pct's -net0)
};

struct Option {
  const char* flag;
  Kind kind;
  bool required;
};

// At most this many options and positionals per rule: the table below
// needs 8 and 3.
constexpr size_t kMaxOptions = 8;
constexpr size_t kMaxPositionals = 3;

struct Rule {
  const char* program;
  const char* subcommand;  // pct's verb; null for lxc-*
  Option options[kMaxOptions];
  Kind positionals[kMaxPositionals];
  uint8_t min_positionals, max_positionals;
  bool rest_after_dashdash;  // lxc-attach -- CMD... (required)
};

// The whole allowlist. Each line is one program (or pct verb) with every
// option the autoscaler's actuators use, nothing more.
constexpr Rule kRules[] = {
    {"lxc-cgroup", nullptr, {{"-n", Kind::Name, true}}, {Kind::Key, Kind::Value}, 1, 2, false},
    {"lxc-copy",
     nullptr,
     {{"-n", Kind::Name, true}, {"-N", Kind::Name, true}, {"-s", Kind::Flag, false}, {"-B", Kind::Word, false}},
     {},
     0,
     0,
     false},
    {"lxc-start", nullptr, {{"-n", Kind::Name, true}, {"-d", Kind::Flag, false}}, {}, 0, 0, false},
    {"lxc-stop",
     nullptr,
     {{"-n", Kind::Name, true}, {"-k", Kind::Flag, false}, {"-t", Kind::Uint, false}},
     {},
     0,
     0,
     false},
    {"lxc-destroy", nullptr, {{"-n", Kind::Name, true}, {"-f", Kind::Flag, false}}, {}, 0, 0, false},
    {"lxc-info",
     nullptr,
     {{"-n", Kind::Name, true},
      {"-s", Kind::Flag, false},
      {"-p", Kind::Flag, false},
      {"-i", Kind::Flag, false},
      {"-H", Kind::Flag, false},
      {"-S", Kind::Flag, false}},
     {},
     0,
     0,
     false},
    {"lxc-attach", nullptr, {{"-n", Kind::Name, true}, {"--clear-env", Kind::Flag, false}}, {}, 0, 0, true},
    {"pct",
     "set",
     {{"-cores", Kind::Uint, false},
      {"-memory", Kind::Uint, false},
      {"-swap", Kind::Uint, false},
      {"-cpulimit", Kind::Decimal, false},
      {"-cpuunits", Kind::Uint, false},
      {"-hostname", Kind::Name, false},
      {"-net0", Kind::Value, false},
      {"-tags", Kind::Value, false}},
     {Kind::Id},
     1,
     1,
     false},
    {"pct", "config", {{"--current", Kind::Flag, false}}, {Kind::Id}, 1, 1, false},
    {"pct", "list", {}, {}, 0, 0, false},
    {"pct",
     "clone",
     {{"--hostname", Kind::Name, false},
      {"--full", Kind::Uint, false},
      {"--snapname", Kind::Word, false},
      {"--storage", Kind::Word, false}},
     {Kind::Id, Kind::Id},
     2,
     2,
     false},
    {"pct", "start", {}, {Kind::Id}, 1, 1, false},
    {"pct", "stop", {}, {Kind::Id}, 1, 1, false},
};

bool all_of(std::string_view s, bool (*ok)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}

bool valid_uint(std::string_view s) { return s.size() <= 20 && all_of(s, is_digit); }

bool valid_decimal(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return valid_uint(s);
  return valid_uint(s.substr(0, dot)) && valid_uint(s.substr(dot + 1));
}

bool valid_key(std::string_view s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return all_of(s, [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '.'; });
}

bool valid_word(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '-') return false;
  return all_of(s, [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool valid_value(std::string_view s) {
  if (s.empty() || s.size() > kMaxArgValue || s[0] == '-') return false;
  return all_of(s, [](char c) { return c >= 0x20 && c < 0x7f; });
}

bool valid(Kind k, std::string_view s) {
  switch (k) {
    case Kind::Flag: return true;
    case Kind::Name: return valid_container_name(s);
    case Kind::Id: return valid_proxmox_id(s);
    case Kind::Uint: return valid_uint(s);
    case Kind::Decimal: return valid_decimal(s);
    case Kind::Key: return valid_key(s);
    case Kind::Word: return valid_word(s);
    case Kind::Value: return valid_value(s);
  }
  return false;
}

const char* invalid_value_why(Kind k) {
  switch (k) {
    case Kind::Name: return "not a valid container name ([A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 bytes)";
    case Kind::Id: return "not a valid Proxmox id (100..999999999)";
    case Kind::Uint: return "not a decimal number";
    case Kind::Decimal: return "not a decimal number";
    case Kind::Key: return "not a cgroup key ([a-z][a-z0-9_.]*)";
    case Kind::Word: return "not a plain word ([A-Za-z0-9_.-]+)";
    case Kind::Value: return "not a printable value (no leading '-', at most 256 bytes)";
    case Kind::Flag: break;
  }
  return "invalid argument";
}

// Checks argv[first..argc) against one rule.
bool match(const Rule& r, const char* const* argv, size_t argc, size_t first, const char** why, int* bad) {
  bool seen[kMaxOptions] = {};
  size_t npos = 0;
  bool rest_seen = false;
  for (size_t i = first; i < argc; ++i) {
    std::string_view a = argv[i] ? argv[i] : "";
    *bad = static_cast<int>(i);
    if (a == "--") {
      if (!r.rest_after_dashdash) {
        *why = "'--' is not allowed for this program";
        return false;
      }
      size_t rest = argc - i - 1;
      if (rest == 0 || rest > kMaxAttachArgs) {
        *why = "the command after '--' must have 1 to 16 arguments";
        return false;
      }
      for (size_t j = i + 1; j < argc; ++j) {
        if (!argv[j]) {
          *bad = static_cast<int>(j);
          *why = "null argument";
          return false;
        }
      }
      if (argv[i + 1][0] == '\0') {
        *bad = static_cast<int>(i + 1);
        *why = "empty program after '--'";
        return false;
      }
      rest_seen = true;
      break;
    }
    if (!a.empty() && a[0] == '-') {
      size_t k = 0;
      while (k < kMaxOptions && r.options[k].flag && a != r.options[k].flag) ++k;
      if (k == kMaxOptions || !r.options[k].flag) {
        *why = "option not in the allowlist for this program";
        return false;
      }
      if (seen[k]) {
        *why = "option given twice";
        return false;
      }
      seen[k] = true;
      if (r.options[k].kind == Kind::Flag) continue;
      if (++i == argc || !argv[i]) {
        *why = "option needs a value";
        return false;
      }
      if (!valid(r.options[k].kind, argv[i])) {
        *bad = static_cast<int>(i);
        *why = invalid_value_why(r.options[k].kind);
        return false;
      }
      continue;
    }
    if (npos == r.max_positionals) {
      *why = "unexpected argument";
      return false;
    }
    if (!valid(r.positionals[npos], a)) {
      *why = invalid_value_why(r.positionals[npos]);
      return false;
    }
    ++npos;
  }
  *bad = -1;
  if (r.rest_after_dashdash && !rest_seen) {
    *why = "missing '--' and the command to run";
    return false;
  }
  if (npos < r.min_positionals) {
    *why = "missing argument";
    return false;
  }
  for (size_t k = 0; k < kMaxOptions && r.options[k].flag; ++k) {
    if (r.options[k].required && !seen[k]) {
      *why = r.options[k].kind == Kind::Name ? "missing the container name option" : "missing a required option";
      return false;
    }
  }
  return true;
}

}  // namespace

bool valid_container_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxContainerName || !is_alnum(s[0])) return false;
  return all_of(s, [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool valid_proxmox_id(std::string_view s) {
  if (s.empty() || s.size() > 9 || s[0] == '0' || !all_of(s, is_digit)) return false;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v >= kMinProxmoxId && v <= kMaxProxmoxId;
}

bool command_allowed(const char* const* argv, size_t argc, const char** why, int* bad_arg) {
  *bad_arg = -1;
  if (argc == 0 || !argv[0]) {
    *why = "empty command";
    return false;
  }
  std::string_view prog = argv[0];
  bool known = false;
  for (const Rule& r : kRules) {
    if (prog != r.program) continue;
    known = true;
    if (r.subcommand) {
      if (argc < 2 || !argv[1] || std::string_view(argv[1]) != r.subcommand) continue;
      return match(r, argv, argc, 2, why, bad_arg);
    }
    return match(r, argv, argc, 1, why, bad_arg);
  }
  if (known) {
    *bad_arg = argc > 1 ? 1 : -1;
    *why = "subcommand not in the allowlist";
  } else {
    *bad_arg = 0;
    *why = "program not in the allowlist";
  }
  return false;
}

}  // namespace edgestat::scale

#include "config/load.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include "config/autoscale_group_schema.hpp"
#include "config/autoscale_schema.hpp"
#include "config/export_schema.hpp"
#include "config/ini.hpp"
#include "config/node_exporter_compat.hpp"
#include "config/schema.hpp"
#include "config/sizes.hpp"
#include "config/values.hpp"
#include "core/listen_address.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"
#include "core/url.hpp"
#include "core/utf8.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// A config file larger than this is not a config file.
constexpr size_t kMaxConfigBytes = 256 * 1024;

size_t key_index(const KeySpec* k) { return static_cast<size_t>(k - config_keys().data()); }

bool test_bit(const uint64_t* bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }
void set_bit(uint64_t* bits, size_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// EDGESTAT_<SECTION>_<KEY> with '.' and '-' as '_', upper case.
void env_name(FixedString<128>& out, std::string_view section, std::string_view key) {
  out.assign("EDGESTAT_");
  for (char c : section) out.push_back(c == '.' || c == '-' ? '_' : upper(c));
  out.push_back('_');
  for (char c : key) out.push_back(c == '.' || c == '-' ? '_' : upper(c));
}

}  // namespace

ConfigLoader::ConfigLoader(Config& c, ConfigErrors& e, std::span<const std::string_view> collector_names)
    : c_(c), e_(e), collectors_(collector_names) {
}

void ConfigLoader::apply_defaults() {
  for (const KeySpec& k : config_keys()) {
    const char* why = "";
    if (!set_key(c_, k, k.default_value, false, &why))
      e_.add("built-in default for [%.*s] %.*s is invalid: %s", int(k.section.size()), k.section.data(),
             int(k.key.size()), k.key.data(), why);
  }
  c_.collector_switch.fill(-1);
  c_.collector_switch_origin.fill(KeyOrigin{});
  c_.missing_collectors_on.fill(0);
  c_.exporter.targets.clear();
  c_.autoscale_groups.groups.clear();
  c_.autoscale = AutoscaleConfig{};
  c_.source.assign("embedded defaults");
  c_.origins = ConfigOrigins{};
}

bool ConfigLoader::set(std::string_view section, std::string_view key, std::string_view value, bool append,
                       OriginKind kind, std::string_view origin, uint32_t line) {
  // Prints where: "path:line" for files, the variable or the flag otherwise.
  char where[300];
  if (kind == OriginKind::File)
    std::snprintf(where, sizeof where, "%.*s:%u", int(origin.size()), origin.data(), line);
  else
    std::snprintf(where, sizeof where, "%.*s", int(origin.size()), origin.data());
  // Values end up in logs, label values and JSON, all of which must be
  // UTF-8; a value that is not is a mistake (a Latin-1 editor, a binary).
  if (!valid_utf8(value)) {
    e_.add("%s: [%.*s] %.*s: value is not valid UTF-8", where, int(section.size()), section.data(),
           int(key.size()), key.data());
    return false;
  }
  if (section == kCollectorSection && key != "disable_defaults") {
    for (size_t i = 0; i < collectors_.size(); ++i) {
      if (collectors_[i] == key) {
        bool on = false;
        const char* why = "";
        if (!parse_bool_value(value, &on, &why)) {
          e_.add("%s: [collector] %.*s = \"%.*s\": %s", where, int(key.size()), key.data(), int(value.size()),
                 value.data(), why);
          return false;
        }
        c_.collector_switch[i] = on ? 1 : 0;
        c_.collector_switch_origin[i] = KeyOrigin{kind, line};
        if (kind == OriginKind::File) c_.origins.file.assign(origin);
        return true;
      }
    }
    return set_missing_collector(key, value, where);
  }
  const KeySpec* k = find_key(section, key);
  if (!k) {
    e_.add("%s: unknown key [%.*s] %.*s", where, int(section.size()), section.data(), int(key.size()), key.data());
    return false;
  }
  const char* why = "";
  if (!set_key(c_, *k, value, append, &why)) {
    e_.add("%s: [%.*s] %.*s = \"%.*s\": %s", where, int(section.size()), section.data(), int(key.size()),
           key.data(), int(value.size() > 120 ? 120 : value.size()), value.data(), why);
    return false;
  }
  KeyOrigin& o = c_.origins.keys[key_index(k)];
  o.kind = kind;
  o.line = line;
  if (kind == OriginKind::File) c_.origins.file.assign(origin);
  return true;
}

bool ConfigLoader::set_missing_collector(std::string_view key, std::string_view value, const char* where) {
  int id = find_node_exporter_collector(key);
  if (id < 0) {
    e_.add("%s: [collector] %.*s: no such collector", where, int(key.size()), key.data());
    return false;
  }
  bool on = false;
  const char* why = "";
  if (!parse_bool_value(value, &on, &why)) {
    e_.add("%s: [collector] %.*s = \"%.*s\": %s", where, int(key.size()), key.data(), int(value.size()),
           value.data(), why);
    return false;
  }
  // Switching off a collector edgestat does not have is what it does anyway.
  uint64_t& word = c_.missing_collectors_on[size_t(id) / 64];
  uint64_t bit = uint64_t{1} << (size_t(id) % 64);
  if (!on) {
    word &= ~bit;
    return true;
  }
  if (!(word & bit))
    e_.warn("%s: edgestat has no %.*s collector (node_exporter's); it is reported as "
            "node_scrape_collector_success{collector=\"%.*s\"} 0",
            where, int(key.size()), key.data(), int(key.size()), key.data());
  word |= bit;
  return true;
}

void ConfigLoader::apply_ini(std::string_view text, std::string_view origin) {
  IniReader r(text);
  IniEntry e;
  for (;;) {
    IniStatus st = r.next(&e);
    if (st == IniStatus::End) break;
    if (st == IniStatus::Error) {
      e_.add("%.*s:%u: %s", int(origin.size()), origin.data(), r.line(), r.error());
      continue;
    }
    if (starts_with(e.section, kGroupSectionPrefix)) {
      apply_group_entry(e.section, e.key, e.value, origin, e.line);
      continue;
    }
    if (starts_with(e.section, kExportSectionPrefix)) {
      apply_export_entry(e.section, e.key, e.value, origin, e.line);
      continue;
    }
    if (is_autoscale_section(e.section)) {
      apply_autoscale_entry(c_.autoscale, e_, e.section, e.key, e.value, origin, e.line);
      continue;
    }
    if (e.section == kCollectorSection && e.key != "disable_defaults") {
      // Duplicate collector switches are as wrong as duplicate keys.
      for (size_t i = 0; i < collectors_.size(); ++i) {
        if (collectors_[i] == e.key) {
          if ((collector_seen_file_ >> i) & 1)
            e_.add("%.*s:%u: [collector] %.*s set twice", int(origin.size()), origin.data(), e.line,
                   int(e.key.size()), e.key.data());
          collector_seen_file_ |= uint64_t{1} << i;
        }
      }
    } else if (const KeySpec* k = find_key(e.section, e.key)) {
      size_t i = key_index(k);
      if (test_bit(file_seen_, i)) {
        e_.add("%.*s:%u: [%.*s] %.*s set twice", int(origin.size()), origin.data(), e.line, int(e.section.size()),
               e.section.data(), int(e.key.size()), e.key.data());
        continue;
      }
      set_bit(file_seen_, i);
    }
    set(e.section, e.key, e.value, false, OriginKind::File, origin, e.line);
  }
}

void ConfigLoader::apply_export_entry(std::string_view section, std::string_view key, std::string_view value,
                                      std::string_view origin, uint32_t line) {
  const int ol = int(origin.size());
  const char* op = origin.data();
  ExportKind kind;
  std::string_view name;
  const char* why = "";
  if (!parse_export_section(section, &kind, &name, &why)) {
    e_.add("%.*s:%u: [%.*s]: %s", ol, op, line, int(section.size()), section.data(), why);
    return;
  }
  auto& targets = c_.exporter.targets;
  size_t slot = targets.size();
  for (size_t i = 0; i < targets.size(); ++i)
    if (targets[i].kind == kind && targets[i].name.view() == name) slot = i;
  if (slot == targets.size()) {
    if (targets.full()) {
      e_.add("%.*s:%u: [%.*s]: more than %zu push targets", ol, op, line, int(section.size()), section.data(),
             kMaxExportTargets);
      return;
    }
    ExportTargetConfig* t = targets.emplace_back();
    const char* bad = "";
    if (!export_target_defaults(*t, &bad, &why)) e_.add("built-in default of push target key %s is invalid: %s", bad, why);
    t->kind = kind;
    t->name.assign(name);
    t->file.assign(origin);
    t->line = line;
    export_seen_[slot] = 0;
  }
  ExportTargetConfig& t = targets[slot];
  const ExportKeySpec* k = find_export_key(key);
  if (!k) {
    e_.add("%.*s:%u: unknown key [%.*s] %.*s", ol, op, line, int(section.size()), section.data(), int(key.size()),
           key.data());
    return;
  }
  size_t bit = static_cast<size_t>(k - export_target_keys().data());
  if ((export_seen_[slot] >> bit) & 1) {
    e_.add("%.*s:%u: [%.*s] %.*s set twice", ol, op, line, int(section.size()), section.data(), int(key.size()),
           key.data());
    return;
  }
  export_seen_[slot] |= uint64_t{1} << bit;
  if (!valid_utf8(value)) {
    e_.add("%.*s:%u: [%.*s] %.*s: value is not valid UTF-8", ol, op, line, int(section.size()), section.data(),
           int(key.size()), key.data());
    return;
  }
  t.key_lines[bit] = line;
  if (!set_export_key(t, *k, value, &why))
    e_.add("%.*s:%u: [%.*s] %.*s = \"%.*s\": %s", ol, op, line, int(section.size()), section.data(), int(key.size()),
           key.data(), int(value.size() > 120 ? 120 : value.size()), value.data(), why);
}

void ConfigLoader::apply_group_entry(std::string_view section, std::string_view key, std::string_view value,
                                     std::string_view origin, uint32_t line) {
  const int ol = int(origin.size());
  const char* op = origin.data();
  const int sl = int(section.size());
  std::string_view name;
  const char* why = "";
  if (!parse_group_section(section, &name, &why)) {
    e_.add("%.*s:%u: [%.*s]: %s", ol, op, line, sl, section.data(), why);
    return;
  }
  auto& groups = c_.autoscale_groups.groups;
  size_t slot = groups.size();
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i].name.view() == name) slot = i;
  if (slot == groups.size()) {
    if (groups.full()) {
      e_.add("%.*s:%u: [%.*s]: more than %zu groups", ol, op, line, sl, section.data(), kMaxAutoscaleGroups);
      return;
    }
    AutoscaleGroupConfig* g = groups.emplace_back();
    const char* bad = "";
    if (!group_defaults(*g, &bad, &why)) e_.add("built-in default of group key %s is invalid: %s", bad, why);
    g->name.assign(name);
    g->file.assign(origin);
    g->line = line;
    group_seen_[slot] = 0;
  }
  AutoscaleGroupConfig& g = groups[slot];
  const GroupKeySpec* k = find_group_key(key);
  if (!k) {
    e_.add("%.*s:%u: unknown key [%.*s] %.*s", ol, op, line, sl, section.data(), int(key.size()), key.data());
    return;
  }
  size_t bit = static_cast<size_t>(k - autoscale_group_keys().data());
  if ((group_seen_[slot] >> bit) & 1) {
    e_.add("%.*s:%u: [%.*s] %.*s set twice", ol, op, line, sl, section.data(), int(key.size()), key.data());
    return;
  }
  group_seen_[slot] |= uint32_t{1} << bit;
  if (!valid_utf8(value)) {
    e_.add("%.*s:%u: [%.*s] %.*s: value is not valid UTF-8", ol, op, line, sl, section.data(), int(key.size()),
           key.data());
    return;
  }
  g.key_lines[bit] = line;
  if (!set_group_key(g, *k, value, &why))
    e_.add("%.*s:%u: [%.*s] %.*s = \"%.*s\": %s", ol, op, line, sl, section.data(), int(key.size()), key.data(),
           int(value.size() > 120 ? 120 : value.size()), value.data(), why);
}

void ConfigLoader::apply_file(const char* path) {
  char* buf = static_cast<char*>(std::malloc(kMaxConfigBytes));  // start-up only, freed below
  if (!buf) {
    e_.add("%s: out of memory reading the config", path);
    return;
  }
  size_t n = 0;
  Status st = read_file(path, buf, kMaxConfigBytes, &n);
  if (!st) {
    e_.add("%s", st.c_str());
  } else {
    apply_ini(std::string_view(buf, n), path);
    c_.source.assign(path);
  }
  std::free(buf);
}

void ConfigLoader::apply_env(char* const* envp) {
  for (; envp && *envp; ++envp) {
    std::string_view kv(*envp);
    if (!starts_with(kv, "EDGESTAT_")) continue;
    std::string_view name = next_field(kv, '=');
    std::string_view value = kv;
    bool matched = false;
    FixedString<128> want;
    FixedString<160> origin;
    origin.assign("environment ");
    origin.append(name);
    for (const KeySpec& k : config_keys()) {
      env_name(want, k.section, k.key);
      if (want == name) {
        set(k.section, k.key, value, false, OriginKind::Env, origin.view(), 0);
        matched = true;
        break;
      }
    }
    for (size_t i = 0; !matched && i < collectors_.size(); ++i) {
      env_name(want, kCollectorSection, collectors_[i]);
      if (want == name) {
        set(kCollectorSection, collectors_[i], value, false, OriginKind::Env, origin.view(), 0);
        matched = true;
      }
    }
    // Build scripts share the EDGESTAT_ prefix (EDGESTAT_CACHE), so an
    // unknown variable is a warning, not an error.
    if (!matched && name != "EDGESTAT_CACHE")
      log_warn("ignoring unknown environment variable", {{"name", name}});
  }
}

bool ConfigLoader::flag_needs_value(std::string_view name) {
  if (starts_with(name, "no-")) return false;
  if (const IgnoredFlag* f = find_ignored_flag(name)) return !f->boolean;
  if (find_flag_alias(name)) return true;
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return true;
  FixedString<64> key;
  for (char c : name.substr(dot + 1)) key.push_back(c == '-' ? '_' : c);
  std::string_view section = name.substr(0, dot);
  if (section == kCollectorSection) return false;  // --collector.cpu, --collector.disable-defaults
  const KeySpec* k = find_key(section, key.view());
  return !(k && k->kind == KeyKind::Bool);
}

bool ConfigLoader::apply_flag(std::string_view name, std::string_view value, bool has_value) {
  bool negate = starts_with(name, "no-");
  if (negate) name.remove_prefix(3);
  if (const IgnoredFlag* f = find_ignored_flag(name)) {
    if (negate && !f->boolean) {
      e_.add("flag --no-%.*s: only boolean flags can be negated", int(name.size()), name.data());
      return false;
    }
    e_.warn("flag --%s%.*s: node_exporter's flag is accepted and ignored: %.*s", negate ? "no-" : "",
            int(name.size()), name.data(), int(f->why.size()), f->why.data());
    return true;
  }
  if (const FlagAlias* a = find_flag_alias(name)) {
    if (negate || !has_value) {
      e_.add("flag --%s%.*s needs a value", negate ? "no-" : "", int(name.size()), name.data());
      return false;
    }
    FixedString<80> origin;
    origin.assign("flag --");
    origin.append(name);
    e_.warn("flag --%.*s is deprecated in node_exporter: it sets [%.*s] %.*s", int(name.size()), name.data(),
            int(a->section.size()), a->section.data(), int(a->key.size()), a->key.data());
    return set(a->section, a->key, value, false, OriginKind::Flag, origin.view(), 0);
  }
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    e_.add("flag --%.*s: unknown flag (see edgestat --help)", int(name.size()), name.data());
    return false;
  }
  std::string_view section = name.substr(0, dot);
  FixedString<64> key;
  for (char c : name.substr(dot + 1)) key.push_back(c == '-' ? '_' : c);
  const KeySpec* k = find_key(section, key.view());
  bool boolean = (k && k->kind == KeyKind::Bool) || (section == kCollectorSection && !k);
  if (negate && !boolean) {
    e_.add("flag --no-%.*s: only boolean flags can be negated", int(name.size()), name.data());
    return false;
  }
  if (boolean && !has_value) value = negate ? "false" : "true";
  bool append = false;
  if (k && k->kind == KeyKind::List) {
    size_t i = key_index(k);
    append = test_bit(flag_seen_, i);
    set_bit(flag_seen_, i);
  }
  FixedString<80> origin;
  origin.assign("flag --");
  origin.append(name);
  return set(section, key.view(), value, append, OriginKind::Flag, origin.view(), 0);
}

void ConfigLoader::validate() {
  const Config& c = c_;
  std::string_view tp = c.web.telemetry_path.view();
  KeyWhere w = key_where(c, "web", "telemetry_path");
  if (tp.empty() || tp[0] != '/')
    e_.add("%s[web] telemetry_path = \"%.*s\": must start with '/'", w.c_str(), int(tp.size()), tp.data());
  for (std::string_view reserved : {"/", "/health", "/health/live", "/api/v1/snapshot"})
    if (tp == reserved)
      e_.add("%s[web] telemetry_path = \"%.*s\": collides with a built-in endpoint", w.c_str(), int(tp.size()),
             tp.data());
  if (c.store.ring_slots & (c.store.ring_slots - 1))
    e_.add("%s[store] ring_slots = %llu: must be a power of two", key_where(c, "store", "ring_slots").c_str(),
           static_cast<unsigned long long>(c.store.ring_slots));
  if (c.store.ack == static_cast<uint8_t>(StoreAck::Durable) && !c.store.enabled)
    e_.add("%s[store] ack = durable needs [store] enabled = true (nothing is written otherwise)",
           key_where(c, "store", "ack").c_str());
  w = key_where(c, "web", "listen_address");
  // A web config with TLS moves the listen addresses to [tls].
  if (c.web.listen_address.empty() && c.tls.listen_address.empty())
    e_.add("%s[web] listen_address: at least one address is needed", w.c_str());
  for (const ConfigString& a : c.web.listen_address) {
    FixedString<64> host;
    uint16_t port = 0;
    const char* why = "";
    if (!parse_listen_address(a.view(), &host, &port, &why))
      e_.add("%s[web] listen_address \"%s\": %s", w.c_str(), a.c_str(), why);
  }
  std::string_view sd = c.ingest.statsd_listen_address.view();
  if (!sd.empty()) {
    FixedString<64> host;
    uint16_t port = 0;
    const char* why = "";
    if (!parse_listen_address(sd, &host, &port, &why))
      e_.add("%s[ingest] statsd_listen_address \"%.*s\": %s", key_where(c, "ingest", "statsd_listen_address").c_str(),
             int(sd.size()), sd.data(), why);
  }
  // Relative paths are node_exporter's too (its end-to-end test passes
  // --path.procfs=collector/fixtures/proc): they name the working directory's.
  struct PathKey {
    ConfigString* value;
    std::string_view section, key;
  };
  for (PathKey p : {PathKey{&c_.path.procfs, "path", "procfs"}, PathKey{&c_.path.sysfs, "path", "sysfs"},
                    PathKey{&c_.path.rootfs, "path", "rootfs"}, PathKey{&c_.path.cgroupfs, "path", "cgroupfs"},
                    PathKey{&c_.path.udev_data, "path.udev", "data"}})
    make_absolute(*p.value, p.section, p.key);
  // Textfile directories stay as written: node_exporter labels each file
  // with filepath.Join(dir, name) of the directory as given, so a relative
  // one gives file="textfile/apt.prom", and the agent never changes its
  // working directory, so the relative path keeps naming the same place.
  validate_export();
  validate_groups(c_.autoscale_groups, e_);
  // The reserve is checked against this host's size (admission control
  // could never grant anything otherwise).
  finish_autoscale(c_.autoscale, e_, static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)),
                   static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE)));
  validate_sizes(c, e_);
  if (c.collect.scrape_max_age_ms > c.collect.interval_ms)
    e_.add("%s[collect] scrape_max_age (%llu ms) is longer than interval (%llu ms): scrapes would never refresh",
           pair_where(c, "collect", "scrape_max_age", "collect", "interval").c_str(),
           static_cast<unsigned long long>(c.collect.scrape_max_age_ms),
           static_cast<unsigned long long>(c.collect.interval_ms));
}

void ConfigLoader::make_absolute(ConfigString& p, std::string_view section, std::string_view key) {
  KeyWhere w = key_where(c_, section, key);
  const int sl = int(section.size()), kl = int(key.size());
  if (p.empty()) {
    e_.add("%s[%.*s] %.*s: an empty path", w.c_str(), sl, section.data(), kl, key.data());
    return;
  }
  if (p.view()[0] == '/') return;
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) {
    e_.add("%s[%.*s] %.*s \"%s\": relative, and the working directory is unknown", w.c_str(), sl, section.data(), kl,
           key.data(), p.c_str());
    return;
  }
  FixedString<sizeof cwd + 256> full;
  full.assign(cwd);
  if (full.view().back() != '/') full.push_back('/');
  std::string_view rel = p.view();
  while (starts_with(rel, "./")) rel.remove_prefix(2);
  full.append(rel);
  if (!p.assign(full.view()))
    e_.add("%s[%.*s] %.*s \"%s\": longer than 255 bytes made absolute", w.c_str(), sl, section.data(), kl,
           key.data(), p.c_str());
}

void ConfigLoader::validate_export() {
  for (const ExportTargetConfig& t : c_.exporter.targets) {
    char sec[96];
    std::snprintf(sec, sizeof sec, "[export.%.*s.%s]", int(export_kind_name(t.kind).size()),
                  export_kind_name(t.kind).data(), t.name.c_str());
    const char* origin = t.file.c_str();
    const char* why = "";
    auto at = [&t](std::string_view key) { return export_key_line(t, key); };
    Url u;
    if (t.url.empty()) {
      e_.add("%s:%u: %s: url is required", origin, t.line, sec);
    } else if (!parse_url(t.url.view(), &u, &why)) {
      e_.add("%s:%u: %s url = \"%s\": %s", origin, at("url"), sec, t.url.c_str(), why);
    } else if (!u.https && (!t.tls_ca_file.empty() || !t.tls_cert_file.empty() || !t.tls_server_name.empty())) {
      e_.add("%s:%u: %s: tls_* keys need an https:// url", origin,
             at(!t.tls_ca_file.empty() ? "tls_ca_file" : !t.tls_cert_file.empty() ? "tls_cert_file" : "tls_server_name"),
             sec);
    }
    bool basic = !t.basic_auth_username.empty();
    bool has_pw = !t.basic_auth_password.empty() || !t.basic_auth_password_file.empty();
    bool bearer = !t.bearer_token.empty() || !t.bearer_token_file.empty();
    const char* pw_key = !t.basic_auth_password.empty() ? "basic_auth_password" : "basic_auth_password_file";
    if (basic != has_pw)
      e_.add("%s:%u: %s: basic_auth_username needs a password (or password file) and the other way round", origin,
             at(basic ? "basic_auth_username" : pw_key), sec);
    if (basic && bearer)
      e_.add("%s:%u: %s: basic auth and a bearer token exclude each other", origin,
             at(!t.bearer_token.empty() ? "bearer_token" : "bearer_token_file"), sec);
    if (!t.basic_auth_password.empty() && !t.basic_auth_password_file.empty())
      e_.add("%s:%u: %s: basic_auth_password and basic_auth_password_file exclude each other", origin,
             at("basic_auth_password_file"), sec);
    if (!t.bearer_token.empty() && !t.bearer_token_file.empty())
      e_.add("%s:%u: %s: bearer_token and bearer_token_file exclude each other", origin, at("bearer_token_file"),
             sec);
    if (t.tls_cert_file.empty() != t.tls_key_file.empty())
      e_.add("%s:%u: %s: tls_cert_file and tls_key_file go together", origin,
             at(t.tls_cert_file.empty() ? "tls_key_file" : "tls_cert_file"), sec);
    for (const ConfigString& h : t.headers) {
      std::string_view v = h.view();
      size_t colon = v.find(':');
      if (colon == std::string_view::npos || colon == 0 || trim(v.substr(colon + 1)).empty())
        e_.add("%s:%u: %s headers: \"%s\" is not \"Name: value\"", origin, at("headers"), sec, h.c_str());
      for (char ch : v)
        if (static_cast<unsigned char>(ch) < ' ' || ch == 0x7f)
          e_.add("%s:%u: %s headers: \"%s\" has a control character", origin, at("headers"), sec, h.c_str());
    }
    for (const ConfigString& l : t.external_labels) {
      std::string_view v = l.view();
      size_t eq = v.find('=');
      bool ok = eq != std::string_view::npos && eq > 0;
      for (size_t i = 0; ok && i < eq; ++i) {
        char ch = v[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (i > 0 && ch >= '0' && ch <= '9');
      }
      if (!ok || starts_with(v, "__"))
        e_.add("%s:%u: %s external_labels: \"%s\" is not name=value with a valid label name", origin,
               at("external_labels"), sec,
               l.c_str());
    }
    if (!t.collect.empty() && !t.exclude.empty())
      e_.add("%s:%u: %s: collect and exclude cannot be used together", origin, at("exclude"), sec);
    for (const ConfigList* list : {&t.collect, &t.exclude})
      for (const ConfigString& n : *list) {
        bool known = false;
        for (std::string_view c : collectors_) known = known || c == n.view();
        if (!known) e_.add("%s:%u: %s: no collector named \"%s\"", origin, at(list == &t.collect ? "collect" : "exclude"),
                          sec, n.c_str());
      }
    if (t.backoff_max_ms < t.backoff_initial_ms)
      e_.add("%s:%u: %s: backoff_max is shorter than backoff_initial", origin, at("backoff_max"), sec);
    if (t.breaker_max_open_ms < t.breaker_open_ms)
      e_.add("%s:%u: %s: breaker_max_open is shorter than breaker_open", origin, at("breaker_max_open"), sec);
    if (t.queue_bytes < 2 * t.max_batch_bytes)
      e_.add("%s:%u: %s: queue_bytes must hold at least two batches (2 x max_batch_bytes)", origin, at("queue_bytes"),
             sec);
  }
}

}  // namespace edgestat

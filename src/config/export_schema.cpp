#include "config/export_schema.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

#define TFIELD(expr) [](ExportTargetConfig& t) -> void* { return &t.expr; }
#define K(key, kind, def, help, min, max, field) {{"", key, kind, def, help, min, max, {}, nullptr}, TFIELD(field)}

constexpr uint64_t kH = 3600 * 1000;

const ExportKeySpec kTargetKeys[] = {
    K("url", KeyKind::String, "",
      "Where to push (required): http(s)://host[:port]/path, e.g. http://prom:9090/api/v1/write or "
      "http://collector:4318/v1/metrics.", 0, 0, url),
    K("timeout", KeyKind::Duration, "10s", "Per-request deadline: connect, TLS handshake, send and the response.",
      100, 600 * 1000, timeout_ms),
    K("interval", KeyKind::Duration, "0s",
      "How often to push the snapshot; 0s: after every collection ([collect] interval).", 0, 24 * kH, interval_ms),
    K("basic_auth_username", KeyKind::String, "", "Basic auth user (with a password or password file).", 0, 0,
      basic_auth_username),
    K("basic_auth_password", KeyKind::String, "", "Basic auth password.", 0, 0, basic_auth_password),
    K("basic_auth_password_file", KeyKind::String, "", "File holding the Basic auth password (read at start).", 0,
      0, basic_auth_password_file),
    K("bearer_token", KeyKind::String, "", "Authorization: Bearer token.", 0, 0, bearer_token),
    K("bearer_token_file", KeyKind::String, "", "File holding the Bearer token (read at start).", 0, 0,
      bearer_token_file),
    K("headers", KeyKind::List, "",
      "Extra request headers, \"Name: value\", comma-separated (e.g. X-Scope-OrgID: tenant-1).", 0, 0, headers),
    K("tls_ca_file", KeyKind::String, "",
      "CA certificates (PEM) the receiver's certificate must chain to; empty: the system bundle.", 0, 0,
      tls_ca_file),
    K("tls_cert_file", KeyKind::String, "", "Client certificate (PEM) for mutual TLS.", 0, 0, tls_cert_file),
    K("tls_key_file", KeyKind::String, "", "Private key of tls_cert_file (PEM, unencrypted).", 0, 0, tls_key_file),
    K("tls_server_name", KeyKind::String, "",
      "Name to send (SNI) and to verify in the receiver's certificate; empty: the URL's host.", 0, 0,
      tls_server_name),
    K("tls_insecure_skip_verify", KeyKind::Bool, "false", "Do not verify the receiver's certificate (tests only).",
      0, 0, tls_insecure_skip_verify),
    K("max_batch_samples", KeyKind::Uint, "2000", "Samples in one request at most.", 1, 1000000, max_batch_samples),
    K("max_batch_bytes", KeyKind::Bytes, "256KiB",
      "Encoded (uncompressed) size of one request at most; a single series larger than this is dropped and counted.",
      4096, 16ull << 20, max_batch_bytes),
    K("queue_bytes", KeyKind::Bytes, "1MiB",
      "Memory for batches waiting to be sent (reserved at start); past half of it, the oldest go to the spool.",
      16384, 1ull << 30, queue_bytes),
    K("backoff_initial", KeyKind::Duration, "1s", "First retry delay after a failure (doubles, with jitter).", 10,
      kH, backoff_initial_ms),
    K("backoff_max", KeyKind::Duration, "60s", "Longest retry delay.", 10, 24 * kH, backoff_max_ms),
    K("breaker_failures", KeyKind::Uint, "5", "Consecutive failed requests that open the circuit breaker.", 1, 1000,
      breaker_failures),
    K("breaker_open", KeyKind::Duration, "30s",
      "How long an open breaker waits before one probe request (doubles after a failed probe).", 10, 24 * kH,
      breaker_open_ms),
    K("breaker_max_open", KeyKind::Duration, "5m", "Longest wait of an open breaker.", 10, 24 * kH,
      breaker_max_open_ms),
    K("spool_bytes", KeyKind::Bytes, "16MiB",
      "Disk spool in [agent] data_dir/spool for batches the receiver has not taken (oldest dropped first); 0: "
      "none, batches that do not fit the queue are dropped.", 0, 1ull << 40, spool_bytes),
    K("instance", KeyKind::String, "",
      "instance label (remote write) / host.name (OTLP); empty: this host's name.", 0, 0, instance),
    K("job", KeyKind::String, "edgestat", "job label (remote write) / service.name (OTLP).", 0, 0, job),
    K("site", KeyKind::String, "", "If set, a site label / resource attribute on everything sent.", 0, 0, site),
    K("external_labels", KeyKind::List, "",
      "More labels (remote write) / resource attributes (OTLP), name=value, comma-separated.", 0, 0,
      external_labels),
    K("collect", KeyKind::List, "", "If set, only these collectors' series are pushed (like collect[]).", 0, 0,
      collect),
    K("exclude", KeyKind::List, "", "These collectors' series are not pushed (like exclude[]).", 0, 0, exclude),
    K("drop_metrics", KeyKind::Regex, "", "Metric families whose names match are not pushed (regex).", 0, 0,
      drop_metrics),
};

#undef K
#undef TFIELD

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

static_assert(sizeof kTargetKeys / sizeof kTargetKeys[0] <= ExportTargetConfig::kMaxKeys,
              "key_lines and the loader's per-target bitset hold 64 keys");

std::span<const ExportKeySpec> export_target_keys() { return kTargetKeys; }

const ExportKeySpec* find_export_key(std::string_view key) {
  for (const ExportKeySpec& k : kTargetKeys)
    if (k.spec.key == key) return &k;
  return nullptr;
}

std::string_view export_kind_name(ExportKind k) { return k == ExportKind::Otlp ? "otlp" : "remote_write"; }

bool parse_export_section(std::string_view section, ExportKind* kind, std::string_view* name, const char** why) {
  std::string_view rest = section.substr(kExportSectionPrefix.size());
  if (starts_with(rest, "remote_write.")) {
    *kind = ExportKind::RemoteWrite;
    rest.remove_prefix(13);
  } else if (starts_with(rest, "otlp.")) {
    *kind = ExportKind::Otlp;
    rest.remove_prefix(5);
  } else {
    *why = "push targets are [export.remote_write.NAME] or [export.otlp.NAME]";
    return false;
  }
  if (rest.empty() || rest.size() > 63) {
    *why = "the target needs a NAME of 1..63 characters";
    return false;
  }
  for (char c : rest) {
    if (!name_char(c)) {
      *why = "a target NAME may only contain letters, digits, '_' and '-'";
      return false;
    }
  }
  *name = rest;
  return true;
}

uint32_t export_key_line(const ExportTargetConfig& t, std::string_view key) {
  const ExportKeySpec* k = find_export_key(key);
  if (!k) return t.line;
  uint32_t l = t.key_lines[static_cast<size_t>(k - export_target_keys().data())];
  return l ? l : t.line;
}

bool set_export_key(ExportTargetConfig& t, const ExportKeySpec& k, std::string_view value, const char** why) {
  return set_field(k.field(t), k.spec, value, false, why);
}

bool export_target_defaults(ExportTargetConfig& t, const char** bad_key, const char** why) {
  for (const ExportKeySpec& k : kTargetKeys) {
    if (!set_export_key(t, k, k.spec.default_value, why)) {
      *bad_key = k.spec.key.data();
      return false;
    }
  }
  return true;
}

}  // namespace edgestat

#pragma once
// Push targets: [export.remote_write.NAME] and [export.otlp.NAME] sections,
// up to kMaxExportTargets, each with every key of export_target_keys()
// (config/export_schema.cpp). Named sections live in the INI file only
// (there is no environment or flag spelling for a name); every key is
// validated and errors name file:line. They size memory, so a change needs
// a restart.
#include <cstddef>
#include <cstdint>

#include "config/config_types.hpp"

namespace edgestat {

// Enough for a primary and a backup of each format; each target reserves
// its own queue and buffers.
inline constexpr size_t kMaxExportTargets = 4;

enum class ExportKind : uint8_t { RemoteWrite, Otlp };

struct ExportTargetConfig {
  using Str = ConfigString;
  using List = ConfigList;

  ExportKind kind = ExportKind::RemoteWrite;
  FixedString<64> name;
  ConfigString file;  // where the section starts (its first key), for errors
  uint32_t line = 0;
  // The line of each key set in the file, indexed like export_target_keys()
  // (0: not set), so checks after loading name the key's own line.
  static constexpr size_t kMaxKeys = 64;
  uint32_t key_lines[kMaxKeys] = {};
  Str url;
  Str basic_auth_username, basic_auth_password, basic_auth_password_file;
  Str bearer_token, bearer_token_file;
  List headers;  // "Name: value"
  Str tls_ca_file, tls_cert_file, tls_key_file, tls_server_name;
  bool tls_insecure_skip_verify = false;
  uint64_t timeout_ms = 0, interval_ms = 0;
  uint64_t max_batch_samples = 0, max_batch_bytes = 0, queue_bytes = 0;
  uint64_t backoff_initial_ms = 0, backoff_max_ms = 0;
  uint64_t breaker_failures = 0, breaker_open_ms = 0, breaker_max_open_ms = 0;
  uint64_t spool_bytes = 0;
  Str instance, job, site;
  List external_labels;  // name=value
  List collect, exclude;  // collector names, like /metrics?collect[]=
  ConfigRegex drop_metrics;
};

struct ExportConfig {
  FixedVector<ExportTargetConfig, kMaxExportTargets> targets;
};

}  // namespace edgestat

#include "app/config_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "config/export_schema.hpp"
#include "config/origin.hpp"
#include "core/url.hpp"
#ifndef EDGESTAT_NO_EXPORT
#include "export/target.hpp"
#include "export/tls_client.hpp"
#endif
#include "http/tls_context.hpp"
#include "ingest/aggregator.hpp"
#include "ingest/history.hpp"
#include "core/spsc_ring.hpp"
#include "store/batch_format.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// Why path cannot be read as a file ("No such file or directory", "not a
// regular file"), or nullptr when it can. mbedTLS's own message for these
// is "Read/write of file failed", which does not tell a person which.
const char* unreadable(const ConfigString& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  struct stat st;
  const char* why = nullptr;
  if (::fstat(fd, &st) != 0) why = std::strerror(errno);
  else if (!S_ISREG(st.st_mode)) why = "not a regular file";
  ::close(fd);
  return why;
}

void check_server_tls(const Config& c, ConfigErrors& errors) {
  const auto& t = c.tls;
  // Start-up loads the pair only for HTTPS listeners; validation already
  // says when one of the two files is missing.
  if (t.listen_address.empty() || !http::kTlsBuilt || t.cert_file.empty() || t.key_file.empty()) return;
  bool files_ok = true;
  struct FileKey {
    const ConfigString* path;
    const char* key;
  };
  for (FileKey f : {FileKey{&t.cert_file, "cert_file"}, FileKey{&t.key_file, "key_file"},
                    FileKey{&t.client_ca_file, "client_ca_file"}}) {
    if (f.path->empty()) continue;
    if (const char* why = unreadable(*f.path)) {
      errors.add("%s[tls] %s \"%s\": %s", key_where(c, "tls", f.key).c_str(), f.key, f.path->c_str(), why);
      files_ok = false;
    }
  }
  if (!files_ok) return;
  http::TlsError why;
  const char* key = "listen_address";
  http::TlsContext* ctx = http::TlsContext::load(http::tls_settings(c), &why, &key);
  if (ctx) {
    ctx->unref();
    return;
  }
  errors.add("%s[tls] %s: %s", key_where(c, "tls", key).c_str(), key, why.c_str());
}

// -DEDGESTAT_EXPORT=OFF: validate_build_features refuses every target.
#ifndef EDGESTAT_NO_EXPORT
void check_export_target(const ExportTargetConfig& t, ConfigErrors& errors) {
  std::string_view kind = export_kind_name(t.kind);
  char sec[96];
  std::snprintf(sec, sizeof sec, "[export.%.*s.%s]", int(kind.size()), kind.data(), t.name.c_str());
  const char* file = t.file.c_str();
  struct FileKey {
    const ConfigString* path;
    const char* key;
  };
  bool files_ok = true;
  for (FileKey f : {FileKey{&t.tls_ca_file, "tls_ca_file"}, FileKey{&t.tls_cert_file, "tls_cert_file"},
                    FileKey{&t.tls_key_file, "tls_key_file"}, FileKey{&t.bearer_token_file, "bearer_token_file"},
                    FileKey{&t.basic_auth_password_file, "basic_auth_password_file"}}) {
    if (f.path->empty()) continue;
    if (const char* why = unreadable(*f.path)) {
      errors.add("%s:%u: %s %s \"%s\": %s", file, export_key_line(t, f.key), sec, f.key, f.path->c_str(), why);
      files_ok = false;
    }
  }
  // The credentials files as the target reads them at start.
  for (FileKey f : {FileKey{&t.bearer_token_file, "bearer_token_file"},
                    FileKey{&t.basic_auth_password_file, "basic_auth_password_file"}}) {
    if (f.path->empty() || !files_ok) continue;
    char buf[exporter::kMaxSecretBytes];
    size_t n = 0;
    Status st = read_file(f.path->c_str(), buf, sizeof buf, &n);
    std::memset(buf, 0, sizeof buf);
    if (!st) errors.add("%s:%u: %s %s: %s", file, export_key_line(t, f.key), sec, f.key, st.c_str());
  }
  Url u;
  const char* bad = "";
  if (!files_ok || !parse_url(t.url.view(), &u, &bad) || !u.https || !http::kTlsBuilt) return;  // no TLS: security_config says why
  // The client configuration start-up builds (exporter::Target::init).
  auto* tls = static_cast<exporter::TlsClientConfig*>(std::malloc(sizeof(exporter::TlsClientConfig)));
  if (!tls) return;
  new (tls) exporter::TlsClientConfig();
  http::TlsError why;
  const char* key = "url";
  exporter::TlsClientSettings ts{t.tls_ca_file.view(), t.tls_cert_file.view(), t.tls_key_file.view(),
                                 t.tls_server_name.view(), t.tls_insecure_skip_verify};
  if (!tls->load(ts, u.host.view(), &why, &key))
    errors.add("%s:%u: %s %s: %s", file, export_key_line(t, key), sec, key, why.c_str());
  tls->~TlsClientConfig();
  std::free(tls);
}
#endif

void check_ingest_specs(const Config& c, ConfigErrors& errors) {
  const char* why = "";
  double buckets[ingest::kMaxDurationBuckets];
  uint32_t n = 0;
  if (!ingest::parse_duration_buckets(c.ingest.duration_buckets.view(), buckets, &n, &why))
    errors.add("%s[ingest] duration_buckets = \"%s\": %s", key_where(c, "ingest", "duration_buckets").c_str(),
               c.ingest.duration_buckets.c_str(), why);
  for (const ConfigString& s : c.history.series) {
    ingest::HistorySpec spec;
    if (!ingest::parse_history_spec(s.view(), &spec, &why))
      errors.add("%s[history] series \"%s\": %s", key_where(c, "history", "series").c_str(), s.c_str(), why);
  }
}

// RecordWriter::init refuses a retention budget smaller than one batch file
// (it could never keep the file it just wrote); the schema's ranges cover
// its other checks.
void check_store(const Config& c, ConfigErrors& errors) {
  const auto& st = c.store;
  if (!st.enabled || st.max_bytes == 0) return;
  uint64_t batch = store::BatchBuilder::capacity_for(st.max_batch, st.record_bytes - SpscRing::kLengthBytes);
  if (st.max_bytes < batch)
    errors.add("%s[store] max_bytes = %llu is smaller than one batch file (max_batch x record_bytes: %llu bytes)",
               pair_where(c, "store", "max_bytes", "store", "max_batch").c_str(),
               static_cast<unsigned long long>(st.max_bytes), static_cast<unsigned long long>(batch));
}

// A unix socket path must fit sockaddr_un (108 bytes on Linux); the
// StatsD listener refuses a longer one at start.
void check_statsd_socket(const Config& c, ConfigErrors& errors) {
  const ConfigString& p = c.ingest.statsd_socket;
  if (p.size() >= sizeof(sockaddr_un{}.sun_path))
    errors.add("%s[ingest] statsd_socket: path longer than %zu bytes", key_where(c, "ingest", "statsd_socket").c_str(),
               sizeof(sockaddr_un{}.sun_path) - 1);
}

}  // namespace

void check_config_files(const Config& c, ConfigErrors& errors) {
  check_server_tls(c, errors);
#ifndef EDGESTAT_NO_EXPORT
  for (const ExportTargetConfig& t : c.exporter.targets) check_export_target(t, errors);
#endif
  check_ingest_specs(c, errors);
  check_store(c, errors);
  check_statsd_socket(c, errors);
}

}  // namespace edgestat

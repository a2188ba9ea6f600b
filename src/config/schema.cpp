#include "config/schema.hpp"

#include <cstdio>

#include "config/values.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

#define FIELD(expr) [](Config& c) -> void* { return &c.expr; }

// node_exporter 1.x defaults, so its flags and dashboards carry over.
constexpr std::string_view kMountPointsExclude =
    "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
constexpr std::string_view kFsTypesExclude =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|"
    "overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$";
constexpr std::string_view kDiskstatsExclude = "^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
constexpr std::string_view kVmstatFields = "^(oom_kill|pgpg|pswp|pg.*fault).*";
constexpr std::string_view kNetstatFields =
    "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
    "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|"
    "Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|"
    "Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";

// Personal-data key words (core/key_patterns.hpp: words in any spelling,
// `=` for a whole key). Left out on purpose: `pin` (GPIO pins on boards),
// `ip` and `host` (a router's own addresses), `id` alone and `key` or `name`
// as a part (`cache_key`, `host_name`).
constexpr std::string_view kPersonalKeys =
    "password, passwd, pwd, pass, passphrase, passcode, secret, token, auth, authorization, credential, "
    "credentials, cookie, session, api key, apikey, access key, private key, =key, otp, pin code, pincode, "
    "=name, username, user name, login name, first name, last name, full name, given name, surname, "
    "maiden name, user id, userid, client id, customer id, ssn, social security, national id, passport, "
    "tax id, birthdate, birthday, birth date, date of birth, dob, email, e mail, mail, phone, telephone, tel, "
    "mobile, msisdn, fax, address, street, postcode, postal code, zip code, zipcode, iban, credit card, "
    "card number, cardnumber, cvv, cvc, account number";

const KeySpec kKeys[] = {
    {"collect", "interval", KeyKind::Duration, "15s",
     "How often the snapshot is refreshed in the background.", 1000, 3600 * 1000, {}, FIELD(collect.interval_ms)},
    {"collect", "scrape_max_age", KeyKind::Duration, "1s",
     "A scrape finding the snapshot older than this refreshes it first (at most once however many scrapers wait).",
     0, 3600 * 1000, {}, FIELD(collect.scrape_max_age_ms)},
    {"collect", "read_buffer_bytes", KeyKind::Bytes, "256KiB",
     "Largest /proc or /sys file read in one piece (/proc/stat on many-CPU hosts, mountinfo with many mounts).",
     4096, 64ull << 20, {}, FIELD(collect.read_buffer_bytes), Apply::Restart},

    {"path", "procfs", KeyKind::String, "/proc", "procfs mount point (node_exporter --path.procfs).", 0, 0, {},
     FIELD(path.procfs)},
    {"path", "sysfs", KeyKind::String, "/sys", "sysfs mount point (node_exporter --path.sysfs).", 0, 0, {},
     FIELD(path.sysfs)},
    {"path", "rootfs", KeyKind::String, "/", "Root filesystem the filesystem collector stats under (--path.rootfs).",
     0, 0, {}, FIELD(path.rootfs)},
    {"path", "cgroupfs", KeyKind::String, "/sys/fs/cgroup",
     "cgroup filesystem root: v2 unified, or v1/hybrid per-controller mounts (lxc collector).", 0, 0, {},
     FIELD(path.cgroupfs)},
    {"path.udev", "data", KeyKind::String, "/run/udev/data",
     "udev database the diskstats collector reads node_disk_info's labels from (--path.udev.data).", 0, 0, {},
     FIELD(path.udev_data)},

    {"limits", "max_families", KeyKind::Uint, "1024", "Metric families one snapshot can hold.", 64, 1u << 20, {},
     FIELD(limits.max_families), Apply::Restart},
    {"limits", "max_samples", KeyKind::Uint, "8192",
     "Samples one snapshot can hold; the excess is refused and counted in edgestat_snapshot_refused_samples_total.",
     256, 1u << 24, {}, FIELD(limits.max_samples), Apply::Restart},
    {"limits", "snapshot_arena_bytes", KeyKind::Bytes, "512KiB", "Bytes for label sets and run-time family names.",
     16384, 1ull << 30, {}, FIELD(limits.snapshot_arena_bytes), Apply::Restart},
    {"limits", "render_buffer_bytes", KeyKind::Bytes, "1MiB",
     "Largest rendered /metrics body; a bigger one is an error counted and logged, never a truncated scrape.", 16384,
     1ull << 30, {}, FIELD(limits.render_buffer_bytes), Apply::Restart},

    {"log", "level", KeyKind::Enum, "info", "Least severe level logged.", 0, 0, "debug|info|warn|error",
     FIELD(log.level)},
    {"log", "format", KeyKind::Enum, "json",
     "json: one object a line for procd/journald; text: for people; logfmt: node_exporter's (time= level= msg=).", 0,
     0, "json|text|logfmt", FIELD(log.format)},

    {"web", "listen_address", KeyKind::List, ":9100",
     "Addresses to listen on, comma-separated (flag repeatable): :9100, 127.0.0.1:9100, [::1]:9100.", 0, 0, {},
     FIELD(web.listen_address), Apply::Restart},
    {"web", "telemetry_path", KeyKind::String, "/metrics", "Path under which metrics are served.", 0, 0, {},
     FIELD(web.telemetry_path)},
    {"web", "max_requests", KeyKind::Uint, "40",
     "Concurrent /metrics requests before 503 (node_exporter --web.max-requests); 0 means no limit.", 0, 100000, {},
     FIELD(web.max_requests)},
    {"web.config", "file", KeyKind::String, "",
     "exporter-toolkit web-config.yml (node_exporter --web.config.file): TLS, basic auth with bcrypt hashes, "
     "headers, mapped onto [tls] and [auth] (README, Securing edgestat). Read at start and on SIGHUP.", 0, 0, {},
     FIELD(web.config_file)},
    {"web", "disable_exporter_metrics", KeyKind::Bool, "false",
     "Leave the agent's own process_* and edgestat_* metrics out of /metrics (node_exporter's flag of that name).", 0,
     0, {}, FIELD(web.disable_exporter_metrics)},
    // --- HTTP server, agent and health (the daemon) ---
    {"web", "max_connections", KeyKind::Uint, "64",
     "Open HTTP connections; at the cap no more are accepted until one closes.", 1, 65536, {},
     FIELD(web.max_connections), Apply::Restart},
    {"web", "header_timeout", KeyKind::Duration, "10s",
     "A request head must arrive within this time of its first byte, else the connection is closed (slowloris).", 100,
     3600 * 1000, {}, FIELD(web.header_timeout_ms)},
    {"web", "idle_timeout", KeyKind::Duration, "60s",
     "Idle keep-alive connections, and clients not reading a response, are closed after this.", 100, 3600 * 1000, {},
     FIELD(web.idle_timeout_ms)},
    {"web", "max_body_bytes", KeyKind::Bytes, "8KiB",
     "Largest request body (read into each connection's buffer); larger gets 413.", 0, 16ull << 20,
     {}, FIELD(web.max_body_bytes), Apply::Restart},
    {"limits", "render_buffers", KeyKind::Uint, "3",
     "Rendered-body buffers of render_buffer_bytes each, shared by in-flight responses.", 2, 64, {},
     FIELD(limits.render_buffers), Apply::Restart},
    {"agent", "runtime_dir", KeyKind::String, "/run/edgestat",
     "Directory of the pid file locked by the running instance; created if missing.", 0, 0, {},
     FIELD(agent.runtime_dir), Apply::Restart},
    {"agent", "data_dir", KeyKind::String, "/var/lib/edgestat",
     "Data directory; /health reports its free space.", 0, 0, {}, FIELD(agent.data_dir)},
    {"agent", "shutdown_timeout", KeyKind::Duration, "5s",
     "On SIGTERM, in-flight responses get this long to finish before connections are closed.", 0, 600 * 1000, {},
     FIELD(agent.shutdown_timeout_ms)},
    {"health", "disk_free_degraded_percent", KeyKind::Uint, "10",
     "data_dir free space below this percentage is degraded.", 0, 100, {}, FIELD(health.disk_free_degraded_percent)},
    {"health", "disk_free_critical_percent", KeyKind::Uint, "3",
     "data_dir free space below this percentage is critical.", 0, 100, {}, FIELD(health.disk_free_critical_percent)},
    {"health", "memory_available_degraded_percent", KeyKind::Uint, "10",
     "MemAvailable below this percentage of MemTotal is degraded.", 0, 100, {},
     FIELD(health.memory_available_degraded_percent)},
    {"health", "memory_available_critical_percent", KeyKind::Uint, "3",
     "MemAvailable below this percentage of MemTotal is critical.", 0, 100, {},
     FIELD(health.memory_available_critical_percent)},
    {"health", "loop_lag_degraded", KeyKind::Duration, "1s",
     "Event-loop lag above this is degraded (a collector or the host is too slow).", 0, 3600 * 1000, {},
     FIELD(health.loop_lag_degraded_ms)},
    {"health", "loop_lag_unhealthy", KeyKind::Duration, "10s", "Event-loop lag above this is unhealthy.", 0,
     3600 * 1000, {}, FIELD(health.loop_lag_unhealthy_ms)},
    // --- end of the daemon's keys ---
    // --- [tls], [access], [auth] (http/tls_*, http/access_*) ---
    {"tls", "listen_address", KeyKind::List, "",
     "HTTPS listen addresses, comma-separated (e.g. :9443); empty: no HTTPS. Plain [web] listeners keep running "
     "beside them.", 0, 0, {}, FIELD(tls.listen_address), Apply::Restart},
    {"tls", "cert_file", KeyKind::String, "",
     "Server certificate chain (PEM), leaf first; reloaded on SIGHUP (a bad new pair keeps the old one).", 0, 0, {},
     FIELD(tls.cert_file)},
    {"tls", "key_file", KeyKind::String, "", "Private key of cert_file (PEM, unencrypted); reloaded on SIGHUP.", 0, 0,
     {}, FIELD(tls.key_file)},
    {"tls", "client_auth", KeyKind::Enum, "none",
     "Client certificates: none; optional (verified against client_ca_file when sent); required.", 0, 0,
     "none|optional|required", FIELD(tls.client_auth)},
    {"tls", "client_ca_file", KeyKind::String, "",
     "CA certificates (PEM) that client certificates must chain to; needed when client_auth is not none.", 0, 0, {},
     FIELD(tls.client_ca_file)},
    {"tls", "client_allowed_names", KeyKind::List, "",
     "If set, a client certificate's subject CN or a DNS name in its SAN must be one of these.", 0, 0, {},
     FIELD(tls.client_allowed_names)},
    {"tls", "min_version", KeyKind::Enum, "1.2", "Lowest TLS version accepted (1.3 needs an mbedTLS 3.x build).", 0,
     0, "1.2|1.3", FIELD(tls.min_version)},
    {"tls", "cipher_suites", KeyKind::List, "",
     "Cipher suites (IANA or mbedTLS names), comma-separated; empty: ECDHE with AES-GCM or ChaCha20-Poly1305 only.",
     0, 0, {}, FIELD(tls.cipher_suites)},
    {"tls", "max_connections", KeyKind::Uint, "16",
     "Open TLS connections (each costs mbedTLS record buffers, see README, Securing edgestat); at the cap no more are "
     "accepted on HTTPS listeners until one closes.", 1, 4096, {}, FIELD(tls.max_connections), Apply::Restart},
    {"tls", "handshake_timeout", KeyKind::Duration, "10s",
     "A TLS handshake must complete within this time of accept, else the connection is closed.", 100, 600 * 1000,
     {}, FIELD(tls.handshake_timeout_ms)},
    {"tls", "hsts_max_age", KeyKind::Duration, "0s",
     "If not 0, HTTPS responses carry Strict-Transport-Security: max-age=<this in seconds>.", 0,
     uint64_t{2} * 365 * 86400 * 1000, {}, FIELD(tls.hsts_max_age_ms)},
    {"access", "allow", KeyKind::List, "loopback,private,link-local",
     "Client addresses served: CIDRs, addresses and the keywords loopback, private (RFC 1918, fc00::/7), "
     "link-local, any. Others are closed right after accept and counted.", 0, 0, {}, FIELD(access.allow)},
    {"access", "trusted_hosts", KeyKind::List, "",
     "If set, the Host header (without port) must be one of these, else 400 (DNS rebinding).", 0, 0, {},
     FIELD(access.trusted_hosts)},
    {"access", "rate_limit", KeyKind::Uint, "0",
     "Requests per second per client address (IPv6: per /64) before 429 with Retry-After; 0: no limit.", 0, 100000,
     {}, FIELD(access.rate_limit)},
    {"access", "rate_limit_burst", KeyKind::Uint, "20", "Requests a client may make at once above rate_limit.", 1,
     1000000, {}, FIELD(access.rate_limit_burst)},
    {"access", "rate_limit_clients", KeyKind::Uint, "256",
     "Clients the rate limiter tracks; the least recently seen is forgotten first.", 1, 65536, {},
     FIELD(access.rate_limit_clients), Apply::Restart},
    {"access", "max_connections_per_client", KeyKind::Uint, "0",
     "Connections one client address (IPv6: one /64) may hold open (TLS ones: at most [tls] max_connections); more "
     "are closed at accept and counted, and when the server is full the idle or slow connections of a client at its "
     "cap are closed first. 0: a quarter of [web] max_connections (TLS: of [tls] max_connections), at least 2.", 0,
     65536, {},
     FIELD(access.max_connections_per_client)},
    {"access", "security_headers", KeyKind::Bool, "true",
     "Send X-Content-Type-Options, X-Frame-Options, Content-Security-Policy, Referrer-Policy, Cache-Control.", 0, 0,
     {}, FIELD(access.security_headers)},
    {"access", "log", KeyKind::Bool, "false",
     "Log one JSON line per request (id, peer, method, path, status, bytes, duration); never credentials.", 0, 0, {},
     FIELD(access.log)},
    {"auth", "users", KeyKind::List, "",
     "Basic auth users, name:$pbkdf2-sha256$... (from `edgestat hash-password`), comma-separated.", 0, 0, {},
     FIELD(auth.users)},
    {"auth", "tokens", KeyKind::List, "",
     "Bearer tokens accepted wherever users are: the token (16+ chars) or sha256:<hex of its SHA-256>.", 0, 0, {},
     FIELD(auth.tokens)},
    {"auth", "ingest_tokens", KeyKind::List, "",
     "Bearer tokens accepted on ingest_paths only (applications posting data), same forms as tokens.", 0, 0, {},
     FIELD(auth.ingest_tokens)},
    {"auth", "public_paths", KeyKind::List, "/health/live",
     "Paths served without credentials when users or tokens are set (exact; a trailing / is a prefix).", 0, 0, {},
     FIELD(auth.public_paths)},
    {"auth", "ingest_paths", KeyKind::List, "/api/v1/operations",
     "Paths that take ingest_tokens (exact; a trailing / is a prefix).", 0, 0, {}, FIELD(auth.ingest_paths)},

    // --- [ingest], [store], [history] (ingest/, store/, app/ingest_pipeline) ---
    {"ingest", "statsd_listen_address", KeyKind::String, "",
     "StatsD UDP address, e.g. 127.0.0.1:8125 or :8125 (all interfaces); empty: no UDP listener.",
     0, 0, {}, FIELD(ingest.statsd_listen_address), Apply::Restart},
    {"ingest", "statsd_socket", KeyKind::String, "",
     "StatsD unix datagram socket path (mode 0666), e.g. /run/edgestat/statsd.sock; empty: none.",
     0, 0, {}, FIELD(ingest.statsd_socket), Apply::Restart},
    {"ingest", "statsd_receive_buffer_bytes", KeyKind::Bytes, "4MiB",
     "Kernel receive buffer asked for the StatsD sockets (SO_RCVBUF; beyond net.core.rmem_max only as root); "
     "kernel memory, used only while datagrams wait: it holds what arrives while the UDP listener rests (up to "
     "~1 s with this default) or the records ring is backed up.", 4096,
     256ull << 20, {}, FIELD(ingest.statsd_receive_buffer_bytes), Apply::Restart},
    {"ingest", "max_series", KeyKind::Uint, "64",
     "Operation series (type, name) aggregated, ~12 KiB each; records of further series are still stored and "
     "counted in edgestat_series_overflow_total.", 1, 65536, {}, FIELD(ingest.max_series), Apply::Restart},
    {"ingest", "statsd_max_series", KeyKind::Uint, "256",
     "StatsD counter, gauge and set series (name and tags), ~700 bytes each.", 1, 65536, {},
     FIELD(ingest.statsd_max_series), Apply::Restart},
    {"ingest", "window", KeyKind::Duration, "5m",
     "Sliding window of the P50/P95/P99 latency quantiles.", 5000, 86400 * 1000, {}, FIELD(ingest.window_ms), Apply::Restart},
    {"ingest", "duration_buckets", KeyKind::String, "0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10",
     "Bucket bounds in seconds of edgestat_operation_duration_seconds, increasing, at most 24.", 0, 0, {},
     FIELD(ingest.duration_buckets), Apply::Restart},
    {"ingest", "personal_keys", KeyKind::Patterns, kPersonalKeys,
     "Keys that name personal data, matched by words (README.md, Personal data): such POST metadata keys are "
     "refused (422), StatsD lines with such a tag key or metric name dropped and counted.",
     0, 0, {}, FIELD(ingest.personal_keys)},
    {"store", "enabled", KeyKind::Bool, "true",
     "Persist operation records (and history snapshots) as JSON batch files in [agent] data_dir.", 0, 0, {},
     FIELD(store.enabled), Apply::Restart},
    {"store", "ring_slots", KeyKind::Uint, "1024",
     "Records the ring between the loop and the writer holds (a power of two); a full ring refuses records with "
     "503 and counts drops.", 1, 1u << 24, {}, FIELD(store.ring_slots), Apply::Restart},
    {"store", "record_bytes", KeyKind::Bytes, "2KiB",
     "Largest stored record; memory is ring_slots x this plus max_batch x this.", 256,
     1ull << 20, {}, FIELD(store.record_bytes), Apply::Restart},
    {"store", "max_batch", KeyKind::Uint, "1000", "Ring slots that make a batch file due (written at once): an HTTP record "
     "takes a slot, StatsD timer records are packed about a dozen to one; under load one file takes what arrived "
     "during the previous write, up to max_batch x record_bytes.", 1,
     1u << 20, {}, FIELD(store.max_batch), Apply::Restart},
    {"store", "flush_interval", KeyKind::Duration, "5s",
     "A partial batch is written this long after its first record arrived (one file, two fsyncs).", 10,
     3600 * 1000, {}, FIELD(store.flush_interval_ms), Apply::Restart},
    {"store", "ack", KeyKind::Enum, "received",
     "When POST /api/v1/operations answers 202: received (the records are in the memory ring) or durable (the "
     "batch file holding them is fsynced; slower, survives a crash).",
     0, 0, "received|durable", FIELD(store.ack), Apply::Restart},
    {"store", "ack_timeout", KeyKind::Duration, "5s",
     "With ack = durable: a request whose records are not persisted within this gets 503 (they may still be "
     "written: retrying can duplicate them).",
     10, 60 * 1000, {}, FIELD(store.ack_timeout_ms), Apply::Restart},
    {"store", "max_files", KeyKind::Uint, "1000", "Batch files kept (oldest removed first); 0: no limit.", 0,
     1ull << 32, {}, FIELD(store.max_files), Apply::Restart},
    {"store", "max_bytes", KeyKind::Bytes, "64MiB",
     "Total size of batch files kept (oldest removed first); 0: no limit.", 0, 1ull << 50, {},
     FIELD(store.max_bytes), Apply::Restart},
    {"store", "max_age", KeyKind::Duration, "7d", "Batch files older than this are removed; 0s: no limit.", 0,
     uint64_t{3650} * 86400 * 1000, {}, FIELD(store.max_age_ms), Apply::Restart},
    {"history", "default_series", KeyKind::Bool, "true",
     "Keep the series the status page charts (CPU, memory, load, network, disk I/O, operation latency, and per "
     "container CPU and memory when the lxc collector runs).", 0, 0, {}, FIELD(history.default_series),
     Apply::Restart},
    {"history", "series", KeyKind::List, "",
     "More series for /api/v1/history: a family name, optionally with label matchers (= or !=) separated by ';' "
     "and ' by LABEL' for one series per label value, e.g. node_load1, node_cpu_seconds_total{mode=\"idle\"} "
     "(the sum of matching samples) or lxc_pids_current by name.", 0, 0, {},
     FIELD(history.series), Apply::Restart},
    {"history", "depth", KeyKind::Uint, "480",
     "Points of each series kept in memory, one per collection interval (480 x 15s = 2 hours); 8 bytes per "
     "series and point, reserved at start.", 1, 100000, {}, FIELD(history.depth), Apply::Restart},
    {"history", "persist", KeyKind::Bool, "false",
     "Save the history to [agent] data_dir/history.bin and restore it at start; with [store] enabled also store "
     "a snapshot record of the series at every point.", 0, 0, {}, FIELD(history.persist), Apply::Restart},
    {"history", "persist_interval", KeyKind::Duration, "5m",
     "How often the history file is rewritten (and once at stop).", 1000, 86400 * 1000, {},
     FIELD(history.persist_interval_ms), Apply::Restart},

    {"collector.filesystem", "mount_points_exclude", KeyKind::Regex, kMountPointsExclude,
     "Mount points to ignore (regex, node_exporter's default).", 0, 0, {},
     FIELD(filters.filesystem_mount_points_exclude)},
    {"collector.filesystem", "fs_types_exclude", KeyKind::Regex, kFsTypesExclude,
     "Filesystem types to ignore (regex); the root mount / is always reported, see README (OpenWrt).", 0, 0, {},
     FIELD(filters.filesystem_fs_types_exclude)},
    {"collector.filesystem", "mount_timeout", KeyKind::Duration, "5s",
     "How long the loop waits for statfs on a network or FUSE mount; one that does not answer in time reports "
     "device_error 1, and so do the others of its kind until it answers. 0s: statfs without a deadline.",
     0, 60 * 1000, {}, FIELD(filters.filesystem_mount_timeout_ms)},
    {"collector.diskstats", "device_exclude", KeyKind::Regex, kDiskstatsExclude,
     "Block devices to ignore (regex, node_exporter's default).", 0, 0, {}, FIELD(filters.diskstats_device_exclude)},
    {"collector.diskstats", "device_include", KeyKind::Regex, "",
     "If set, only block devices matching this regex are reported, and device_exclude is not applied.", 0, 0, {},
     FIELD(filters.diskstats_device_include)},
    {"collector.cpu", "guest", KeyKind::Bool, "true", "Export node_cpu_guest_seconds_total.", 0, 0, {},
     FIELD(filters.cpu_guest)},
    {"collector.netdev", "device_include", KeyKind::Regex, "",
     "If set, only network devices matching this regex are reported.", 0, 0, {},
     FIELD(filters.netdev_device_include)},
    {"collector.netdev", "device_exclude", KeyKind::Regex, "", "Network devices to ignore (regex).", 0, 0, {},
     FIELD(filters.netdev_device_exclude)},
    {"collector.netclass", "ignored_devices", KeyKind::Regex, "^$", "Network devices netclass ignores (regex).", 0,
     0, {}, FIELD(filters.netclass_ignored_devices)},
    {"collector.vmstat", "fields", KeyKind::Regex, kVmstatFields, "/proc/vmstat fields to export (regex).", 0, 0,
     {}, FIELD(filters.vmstat_fields)},
    {"collector.hwmon", "chip_include", KeyKind::Regex, "", "If set, only hwmon chips matching this regex.", 0, 0,
     {}, FIELD(filters.hwmon_chip_include)},
    {"collector.hwmon", "chip_exclude", KeyKind::Regex, "", "hwmon chips to ignore (regex).", 0, 0, {},
     FIELD(filters.hwmon_chip_exclude)},
    {"collector.netstat", "fields", KeyKind::Regex, kNetstatFields,
     "/proc/net/{netstat,snmp,snmp6} fields to export as node_netstat_<Protocol>_<Field> (regex, node_exporter's "
     "default).", 0, 0, {}, FIELD(filters.netstat_fields)},
    {"collector.arp", "device_include", KeyKind::Regex, "", "If set, only ARP entries of devices matching this regex.",
     0, 0, {}, FIELD(filters.arp_device_include)},
    {"collector.arp", "device_exclude", KeyKind::Regex, "", "ARP entries of these devices are not counted (regex).", 0,
     0, {}, FIELD(filters.arp_device_exclude)},
    {"collector.netclass", "ignore_invalid_speed", KeyKind::Bool, "false",
     "Leave out node_network_speed_bytes when the driver reports an unknown speed (-1).", 0, 0, {},
     FIELD(filters.netclass_ignore_invalid_speed)},
    {"collector.cpu", "info", KeyKind::Bool, "false",
     "Export node_cpu_info (one per CPU, from /proc/cpuinfo), and node_cpu_frequency_hertz with cpufreq.", 0, 0, {},
     FIELD(filters.cpu_info)},
    {"collector.cpu.info", "flags_include", KeyKind::Regex, "",
     "Export node_cpu_flag_info for the first CPU's flags matching this regex (turns collector.cpu info on).", 0, 0,
     {}, FIELD(filters.cpu_info_flags_include)},
    {"collector.cpu.info", "bugs_include", KeyKind::Regex, "",
     "Export node_cpu_bug_info for the first CPU's bugs matching this regex (turns collector.cpu info on).", 0, 0, {},
     FIELD(filters.cpu_info_bugs_include)},
    {"collector.stat", "softirq", KeyKind::Bool, "false", "Export node_softirqs_total{vector} from /proc/stat.", 0, 0,
     {}, FIELD(filters.stat_softirq)},
    {"collector.interrupts", "name_include", KeyKind::Regex, "",
     "If set, only interrupts whose \"name;info;devices\" matches this regex.", 0, 0, {},
     FIELD(filters.interrupts_name_include)},
    {"collector.interrupts", "name_exclude", KeyKind::Regex, "",
     "Interrupts whose \"name;info;devices\" matches this regex are left out.", 0, 0, {},
     FIELD(filters.interrupts_name_exclude)},
    {"collector.interrupts", "include_zeros", KeyKind::Bool, "true", "Also export interrupts counters that are 0.", 0,
     0, {}, FIELD(filters.interrupts_include_zeros)},
    {"collector.powersupply", "ignored_supplies", KeyKind::Regex, "^$",
     "Power supplies (/sys/class/power_supply names) to ignore (regex).", 0, 0, {},
     FIELD(filters.powersupply_ignored_supplies)},
    {"collector.textfile", "directory", KeyKind::List, "",
     "Directories whose *.prom files are exported, comma-separated; empty disables reading.", 0, 0, {},
     FIELD(filters.textfile_directory)},
    // --- [collector.lxc] ---
    {"collector.lxc", "lxcpath", KeyKind::List, "/var/lib/lxc",
     "LXC config directories (lxc.lxcpath; NAME/config in each), comma-separated, read under path.rootfs.", 0, 0, {},
     FIELD(lxc.lxcpath)},
    {"collector.lxc", "pve_config_dir", KeyKind::String, "/etc/pve/lxc",
     "Proxmox VMID.conf directory, read under path.rootfs; a missing directory is skipped.", 0, 0, {},
     FIELD(lxc.pve_config_dir)},
    {"collector.lxc", "max_containers", KeyKind::Uint, "64",
     "Containers tracked; more are counted in lxc_containers_untracked.", 1, 4096, {},
     FIELD(lxc.max_containers), Apply::Restart},
    {"collector.lxc", "report_stopped", KeyKind::Bool, "true",
     "Stopped containers report lxc_container_running 0 and their info; false: they are absent.", 0, 0, {},
     FIELD(lxc.report_stopped)},
    // --- end of [collector.lxc] ---
    {"collector", "disable_defaults", KeyKind::Bool, "false",
     "Start from no collectors and enable each one explicitly.", 0, 0, {}, FIELD(collector_disable_defaults)},
};

#undef FIELD

bool set_string(ConfigString& s, std::string_view v, const char** why) {
  if (!s.assign(v)) {
    *why = "value longer than 255 bytes";
    return false;
  }
  return true;
}

}  // namespace

static_assert(sizeof kKeys / sizeof kKeys[0] <= kMaxConfigKeys, "origins and the loader's bitsets hold 256 keys");

std::span<const KeySpec> config_keys() { return kKeys; }

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const KeySpec& k : kKeys)
    if (k.section == section && k.key == key) return &k;
  return nullptr;
}

bool set_key(Config& c, const KeySpec& k, std::string_view value, bool append, const char** why) {
  return set_field(k.field(c), k, value, append, why);
}

bool set_field(void* f, const KeySpec& k, std::string_view value, bool append, const char** why) {
  switch (k.kind) {
    case KeyKind::Bool:
      return parse_bool_value(value, static_cast<bool*>(f), why);
    case KeyKind::Uint:
    case KeyKind::Duration:
    case KeyKind::Bytes: {
      uint64_t v = 0;
      if (k.kind == KeyKind::Uint) {
        auto p = parse_u64(value);
        if (!p) {
          *why = "expected a whole number";
          return false;
        }
        v = *p;
      } else if (k.kind == KeyKind::Duration ? !parse_duration_ms(value, &v, why) : !parse_bytes(value, &v, why)) {
        return false;
      }
      if (v < k.min || v > k.max) {
        *why = "out of range (see the key's documented range in config/edgestat.conf)";
        return false;
      }
      *static_cast<uint64_t*>(f) = v;
      return true;
    }
    case KeyKind::String:
      return set_string(*static_cast<ConfigString*>(f), value, why);
    case KeyKind::List: {
      auto& list = *static_cast<ConfigList*>(f);
      if (!append) list.clear();
      std::string_view rest = value;
      while (!rest.empty()) {
        std::string_view item = trim(next_field(rest, ','));
        if (item.empty()) continue;
        ConfigString s;
        if (!set_string(s, item, why)) return false;
        if (!list.push_back(s)) {
          *why = "too many entries (at most 8)";
          return false;
        }
      }
      return true;
    }
    case KeyKind::Enum: {
      std::string_view names = k.enum_values;
      for (uint8_t i = 0; !names.empty(); ++i) {
        if (next_field(names, '|') == value) {
          *static_cast<uint8_t*>(f) = i;
          return true;
        }
      }
      *why = "not one of the allowed values";
      return false;
    }
    case KeyKind::Patterns: {
      auto& p = *static_cast<ConfigKeyPatterns*>(f);
      static char err[200];  // config loads on one thread only
      const char* what = "";
      std::string_view bad;
      if (!p.patterns.set(value, &what, &bad)) {
        std::snprintf(err, sizeof err, "%s: \"%.*s\"", what, int(bad.size() > 64 ? 64 : bad.size()), bad.data());
        *why = err;
        return false;
      }
      if (!p.source.assign(value)) {
        *why = "list longer than 4095 bytes";
        return false;
      }
      return true;
    }
    case KeyKind::Regex: {
      auto& r = *static_cast<ConfigRegex*>(f);
      static char err[160];  // config loads on one thread only
      if (!r.re.compile(value, err, sizeof err)) {
        *why = err;
        return false;
      }
      if (!r.source.assign(value)) {
        *why = "regex longer than 1023 bytes";
        return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace edgestat

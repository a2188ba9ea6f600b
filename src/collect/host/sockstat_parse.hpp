#pragma once
// Pure parser for /proc/net/sockstat and sockstat6 ("TCP: inuse 5 orphan
// 0 tw 2 alloc 7 mem 1"), as prometheus/procfs reads them for
// node_exporter's sockstat collector.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

// The keys node_exporter exports, in its order; others are ignored.
enum SockstatKey { kSockInuse, kSockOrphan, kSockTw, kSockAlloc, kSockMem, kSockMemory, kSockKeys };
inline constexpr std::string_view kSockstatKeyNames[kSockKeys] = {"inuse", "orphan", "tw", "alloc", "mem", "memory"};

struct SockstatProto {
  std::string_view protocol;  // "TCP", "UDP6", "FRAG"
  bool has[kSockKeys];
  int64_t value[kSockKeys];   // inuse is 0 when absent, as in procfs
};

struct SockstatFile {
  bool has_used = false;  // "sockets: used N"
  int64_t used = 0;
  size_t nprotos = 0;
};

// Returns false on a malformed line (fewer than three fields, an odd
// number of key/value fields, a value that is not an integer) or more
// protocols than cap; *bad is the offending line.
bool parse_sockstat(std::string_view text, SockstatFile* file, SockstatProto* protos, size_t cap,
                    std::string_view* bad);

}  // namespace edgestat

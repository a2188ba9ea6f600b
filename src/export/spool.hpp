#pragma once
// The disk spool of one push target: batches its receiver has not taken
// yet, one file each, in <data_dir>/spool/<kind>-<name>/, named by a
// 16-hex-digit sequence number so name order is send order. Each file is a
// 32-byte header (magic, format, samples, body length, CRC-32 of the body,
// creation time) and the request body exactly as it is sent. Files are
// written the records store's way (store/durable_file.hpp: temp, write,
// fsync, rename, fsync the directory), so a crash or kill -9 leaves whole
// files or none, and temps are removed at start.
//
// Every operation here is blocking file I/O and runs on the writer thread
// (through store::JobMailbox); the loop only keeps the numbers: first and
// next sequence, files, bytes.
#include <cstddef>
#include <cstdint>

#include "core/fixed_string.hpp"

namespace edgestat::exporter {

inline constexpr size_t kSpoolHeaderBytes = 32;
inline constexpr uint32_t kSpoolMagic = 0x31425345;  // "ESB1"

struct SpoolHeader {
  uint32_t samples = 0;
  uint32_t body_len = 0;
  uint32_t crc = 0;
  int64_t created_ms = 0;
};

void encode_spool_header(const SpoolHeader& h, uint8_t out[kSpoolHeaderBytes]);
bool decode_spool_header(const uint8_t in[kSpoolHeaderBytes], SpoolHeader* h);
uint32_t crc32(const uint8_t* p, size_t n);

enum class SpoolStatus : uint8_t { Ok, Missing, Corrupt, Error };

struct SpoolScan {
  uint64_t first = 0, next = 0;  // sequence range found ([first, next); empty: equal)
  uint64_t files = 0, bytes = 0, samples = 0;
  int removed_temps = 0;
  int err = 0;
};

class SpoolDir {
 public:
  // path: the target's directory (created, with its parent, if missing).
  bool set_path(const char* data_dir, const char* kind, const char* name);
  const char* path() const { return path_.c_str(); }

  // Writer thread only.
  SpoolScan scan();
  SpoolStatus write(uint64_t seq, const SpoolHeader& h, const uint8_t* body, int* err);
  // Reads file seq into buf (cap bytes); checks the header and CRC.
  SpoolStatus read(uint64_t seq, uint8_t* buf, size_t cap, SpoolHeader* h, int* err);
  // Unlinks seq; *h gets its header when it could be read (for the counts).
  SpoolStatus remove(uint64_t seq, SpoolHeader* h, uint64_t* bytes, int* err);

 private:
  FixedString<4095> path_;
};

}  // namespace edgestat::exporter

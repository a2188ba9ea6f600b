// Snappy: our codec against libsnappy (the reference implementation) as
// the oracle, both directions, on arbitrary bytes:
//   - our compressor's output must be accepted by libsnappy and give the
//     input back; ours must decode it too;
//   - libsnappy's compression of the input must decode with ours;
//   - the input itself, taken as a compressed stream, must be judged the
//     same way by both decoders (valid with the same result, or invalid),
//     and ours must never read or write out of bounds.
#include <snappy-c.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "export/snappy.hpp"
#include "fuzz_check.hpp"

using namespace edgestat::exporter;

namespace {
// Keep inputs and decoded outputs small enough for many runs per second.
constexpr size_t kMaxOut = 1 << 20;
SnappyTable g_table;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 1. Ours -> libsnappy.
  std::vector<uint8_t> c(snappy_max_compressed(size));
  size_t n = snappy_compress(data, size, c.data(), g_table);
  FUZZ_CHECK(n <= c.size());
  size_t ref_len = 0;
  FUZZ_CHECK(snappy_uncompressed_length(reinterpret_cast<const char*>(c.data()), n, &ref_len) == SNAPPY_OK);
  FUZZ_CHECK(ref_len == size);
  std::vector<char> back(size + 1);
  size_t back_len = back.size();
  FUZZ_CHECK(::snappy_uncompress(reinterpret_cast<const char*>(c.data()), n, back.data(), &back_len) == SNAPPY_OK);
  FUZZ_CHECK(back_len == size && std::memcmp(back.data(), data, size) == 0);
  std::vector<uint8_t> ours(size + 1);
  size_t ours_len = 0;
  FUZZ_CHECK(edgestat::exporter::snappy_uncompress(c.data(), n, ours.data(), ours.size(), &ours_len));
  FUZZ_CHECK(ours_len == size && std::memcmp(ours.data(), data, size) == 0);

  // 2. libsnappy -> ours.
  size_t rn = snappy_max_compressed_length(size);
  std::vector<char> rc(rn);
  FUZZ_CHECK(snappy_compress(reinterpret_cast<const char*>(data), size, rc.data(), &rn) == SNAPPY_OK);
  FUZZ_CHECK(edgestat::exporter::snappy_uncompress(reinterpret_cast<const uint8_t*>(rc.data()), rn, ours.data(),
                                                   ours.size(), &ours_len));
  FUZZ_CHECK(ours_len == size && std::memcmp(ours.data(), data, size) == 0);

  // 3. The input as a hostile compressed stream: both decoders agree.
  size_t declared = 0;
  bool ref_ok = snappy_uncompressed_length(reinterpret_cast<const char*>(data), size, &declared) == SNAPPY_OK &&
                declared <= kMaxOut;
  std::vector<uint8_t> out(kMaxOut);
  size_t out_len = 0;
  bool ok = edgestat::exporter::snappy_uncompress(data, size, out.data(), out.size(), &out_len);
  if (ref_ok) {
    std::vector<char> ref(declared + 1);
    size_t ref_out = ref.size();
    ref_ok = ::snappy_uncompress(reinterpret_cast<const char*>(data), size, ref.data(), &ref_out) == SNAPPY_OK;
    if (ref_ok && ok) FUZZ_CHECK(ref_out == out_len && std::memcmp(ref.data(), out.data(), out_len) == 0);
  }
  if (declared <= kMaxOut) FUZZ_CHECK(ok == ref_ok);
  return 0;
}

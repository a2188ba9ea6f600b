// The history file loader (ingest/history_file) and the JSON -> HTML
// renderer (web/json_html) on arbitrary bytes. The first byte selects:
//   0: decode_history: refused (history untouched) or restored; a restored
//      history re-encodes and decodes to the same points, and never holds
//      more than its depth;
//   1: json_to_html: never reads out of bounds; accepted output has no raw
//      '<' from the input inside text (every tag is one of ours).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.hpp"
#include "ingest/history.hpp"
#include "ingest/history_file.hpp"
#include "web/json_html.hpp"

using namespace edgestat;
using namespace edgestat::ingest;

namespace {

History* make(uint32_t depth) {
  static HistorySpec specs[3];
  const char* why = "";
  parse_history_spec("node_load1", &specs[0], &why);
  parse_history_spec("lxc_cpu_usage_seconds_total by name", &specs[1], &why);
  parse_history_spec("a{b!=\"c\"}", &specs[2], &why);
  History* h = new History;
  h->init(specs, 3, depth);
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char* in = reinterpret_cast<const char*>(data + 1);
  size_t n = size - 1;
  if (data[0] % 2 == 0) {
    static History* h = make(16);
    static History* back = make(16);
    const char* why = "";
    h->clear();
    h->append_point(42);
    if (!decode_history(in, n, h, &why)) {
      FUZZ_CHECK(why && *why);
      FUZZ_CHECK(h->size() == 1 && h->time_us(0) == 42);  // untouched
      return 0;
    }
    FUZZ_CHECK(h->size() <= h->depth());
    std::vector<char> buf(history_file_capacity(*h));
    size_t len = encode_history(*h, buf.data(), buf.size());
    FUZZ_CHECK(len > 0);
    FUZZ_CHECK(decode_history(buf.data(), len, back, &why));
    FUZZ_CHECK(back->size() == h->size());
    for (uint32_t i = 0; i < h->size(); ++i) {
      FUZZ_CHECK(back->time_us(i) == h->time_us(i));
      for (size_t c = 0; c < h->column_count(); ++c) {
        double a = h->value(i, c), b = back->value(i, c);
        FUZZ_CHECK((std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0);
      }
    }
    return 0;
  }
  static std::vector<char> out(1 << 20);
  OutBuffer ob(out.data(), out.size());
  if (web::json_to_html({in, n}, ob)) {
    // Inside text, '<' only ever starts one of the renderer's own tags.
    std::string_view v = ob.view();
    for (size_t i = v.find('<'); i != std::string_view::npos; i = v.find('<', i + 1)) {
      std::string_view t = v.substr(i + 1, 7);
      FUZZ_CHECK(t.rfind("table", 0) == 0 || t.rfind("/table", 0) == 0 || t.rfind("tbody", 0) == 0 ||
                 t.rfind("/tbody", 0) == 0 || t.rfind("thead", 0) == 0 || t.rfind("/thead", 0) == 0 ||
                 t.rfind("tr>", 0) == 0 || t.rfind("/tr>", 0) == 0 || t.rfind("td>", 0) == 0 ||
                 t.rfind("/td>", 0) == 0 || t.rfind("th>", 0) == 0 || t.rfind("/th>", 0) == 0 ||
                 t.rfind("span", 0) == 0 || t.rfind("/span", 0) == 0);
    }
  }
  return 0;
}

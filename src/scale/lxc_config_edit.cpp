#include "scale/lxc_config_edit.hpp"

#include <unistd.h>

#include <cstring>

#include "collect/lxc/config_parse.hpp"
#include "core/number.hpp"
#include "scale/cgroup_actuator.hpp"
#include "store/durable_file.hpp"
#include "sys/fs.hpp"

namespace edgestat::scale {
namespace {

struct Out {
  char* p;
  size_t cap, len = 0;
  bool ok = true;
  void put(std::string_view s) {
    if (!ok || s.size() > cap - len) {
      ok = false;
      return;
    }
    std::memcpy(p + len, s.data(), s.size());
    len += s.size();
  }
  void line(const LimitLine& l) {
    put(l.key.view());
    put(" = ");
    put(l.value.view());
    put("\n");
  }
};

}  // namespace

void limit_lines(bool v2, double cores, double bytes, PersistRequest* out) {
  out->n = 0;
  char num[48];
  auto add = [&](std::string_view key, std::string_view value) {
    out->lines[out->n].key.assign(key);
    out->lines[out->n].value.assign(value);
    ++out->n;
  };
  if (cores > 0) {
    uint64_t quota = cores_to_quota_us(cores, kDefaultPeriodUs);
    if (v2) {
      add("lxc.cgroup2.cpu.max", std::string_view(num, format_cpu_max(quota, kDefaultPeriodUs, num, sizeof num)));
    } else {
      add("lxc.cgroup.cpu.cfs_period_us", std::string_view(num, format_u64(kDefaultPeriodUs, num)));
      add("lxc.cgroup.cpu.cfs_quota_us", std::string_view(num, format_u64(quota, num)));
    }
  }
  if (bytes > 0) {
    std::string_view v(num, format_u64(static_cast<uint64_t>(bytes), num));
    add(v2 ? "lxc.cgroup2.memory.max" : "lxc.cgroup.memory.limit_in_bytes", v);
  }
}

bool rewrite_limits(std::string_view in, const PersistRequest& req, char* out, size_t cap, size_t* len) {
  Out o{out, cap};
  bool written[kMaxLimitLines] = {};
  size_t pos = 0;
  while (pos < in.size()) {
    size_t nl = in.find('\n', pos);
    size_t end = nl == std::string_view::npos ? in.size() : nl + 1;
    std::string_view raw = in.substr(pos, end - pos);
    pos = end;
    std::string_view key, value;
    std::string_view body = raw.substr(0, raw.size() - (raw.size() && raw.back() == '\n' ? 1 : 0));
    int match = -1;
    if (lxc::parse_lxc_config_line(body, &key, &value))
      for (size_t i = 0; i < req.n; ++i)
        if (key == req.lines[i].key.view()) match = static_cast<int>(i);
    if (match < 0) {
      o.put(raw);
      if (raw.size() && raw.back() != '\n') o.put("\n");
      continue;
    }
    if (!written[match]) o.line(req.lines[match]);
    written[match] = true;  // a later duplicate would override ours at start: dropped
  }
  for (size_t i = 0; i < req.n; ++i)
    if (!written[i]) o.line(req.lines[i]);
  *len = o.len;
  return o.ok;
}

Status persist_limits(std::string_view lxcpath, std::string_view name, const PersistRequest& req, char* in,
                      char* out) {
  if (!valid_container_name(name)) return Status::error("invalid container name");
  PathBuf dir, file;
  if (!join_path(dir, {lxcpath, "/", name}) || !join_path(file, {dir.view(), "/config"}))
    return Status::error("config path too long");
  size_t n = 0;
  if (Status st = read_file(file.c_str(), in, kMaxConfigBytes, &n); !st) return st;
  size_t len = 0;
  if (!rewrite_limits(std::string_view(in, n), req, out, kMaxConfigBytes, &len))
    return Status::error("%s: rewritten config larger than %zu bytes", file.c_str(), kMaxConfigBytes);
  // Already what it would be (a size persisted again after a restart):
  // no write, no flash wear.
  if (len == n && std::memcmp(in, out, n) == 0) return Status::ok();
  int dfd = store::open_dir(dir.c_str());
  if (dfd < 0) return Status::error("open %s: %s", dir.c_str(), std::strerror(errno));
  store::WriteOutcome w = store::write_file_durable(dfd, "config", ".config.edgestat-tmp", out, len);
  ::close(dfd);
  if (!w.renamed)
    return Status::error("%s: %.*s: %s", file.c_str(), int(store::write_stage_name(w.stage).size()),
                         store::write_stage_name(w.stage).data(), std::strerror(w.err));
  if (w.err) return Status::error("%s: directory fsync: %s", file.c_str(), std::strerror(w.err));
  return Status::ok();
}

}  // namespace edgestat::scale

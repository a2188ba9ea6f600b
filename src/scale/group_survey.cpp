#include "scale/group_survey.hpp"

#include <unistd.h>

#include <cstdio>

#include "scale/command_allowlist.hpp"
#include "store/durable_file.hpp"
#include "sys/fs.hpp"

namespace edgestat::scale {

const SurveyEntry* GroupSurvey::find(std::string_view name) const {
  for (size_t i = 0; i < n; ++i)
    if (entries[i].name.view() == name) return &entries[i];
  return nullptr;
}

bool GroupSurvey::address_used(uint32_t a) const {
  for (size_t i = 0; i < n; ++i)
    if (entries[i].address[0] == a || entries[i].address[1] == a) return true;
  return false;
}

namespace {

void note_address(void* ctx, uint32_t a) {
  SurveyEntry* e = static_cast<SurveyEntry*>(ctx);
  if (!e->address[0]) e->address[0] = a;
  else if (!e->address[1]) e->address[1] = a;
}

}  // namespace

void survey_lxcpath(const char* lxcpath, std::string_view group, GroupSurvey* out, char* buf) {
  out->n = 0;
  out->status = Status::ok();
  DirReader dir(lxcpath);
  if (!dir.ok()) {
    out->status = Status::error("cannot list %s: %s", lxcpath, std::strerror(dir.error())).with_errno(dir.error());
    return;
  }
  std::string_view name;
  while (dir.next(&name)) {
    if (!valid_container_name(name)) continue;  // not a container LXC tools could name
    PathBuf path;
    if (!join_path(path, {lxcpath, "/", name, "/config"})) continue;
    size_t len = 0;
    Status st = read_file(path.c_str(), buf, GroupSurvey::kConfigBytes, &len);
    if (!st) {
      if (st.sys_errno() == ENOENT || st.sys_errno() == ENOTDIR) continue;  // not a container directory
      out->status = st;
      return;
    }
    if (out->n == GroupSurvey::kMaxEntries) {
      out->status = Status::error("more than %zu containers in %s", GroupSurvey::kMaxEntries, lxcpath);
      return;
    }
    SurveyEntry& e = out->entries[out->n++];
    e = SurveyEntry{};
    e.name.assign(name);
    std::string_view text(buf, len);
    CloneMarker m = read_clone_marker(text);
    e.own = !group.empty() && m.group == group;
    e.seq = m.seq;
    for_each_ipv4_address(text, note_address, &e);
  }
}

Status write_clone_config(const char* lxcpath, std::string_view name, const CloneSettings& s, char* buf, char* out) {
  PathBuf dir, path;
  if (!join_path(dir, {lxcpath, "/", name}) || !join_path(path, {dir.view(), "/config"}))
    return Status::error("path too long");
  size_t len = 0;
  Status st = read_file(path.c_str(), buf, GroupSurvey::kConfigBytes, &len);
  if (!st) return st;
  size_t n = rewrite_clone_config(std::string_view(buf, len), s, out, GroupSurvey::kConfigBytes);
  if (n == 0) return Status::error("%s: the rewritten config does not fit %zu bytes", path.c_str(), GroupSurvey::kConfigBytes);
  int fd = store::open_dir(dir.c_str());
  if (fd < 0) return Status::error("open %s: %s", dir.c_str(), std::strerror(errno)).with_errno(errno);
  store::WriteOutcome w = store::write_file_durable(fd, "config", "config.edgestat-tmp", out, n);
  ::close(fd);
  if (w.err) return Status::error("write %s (%.*s): %s", path.c_str(), int(store::write_stage_name(w.stage).size()),
                                  store::write_stage_name(w.stage).data(), std::strerror(w.err));
  return Status::ok();
}

}  // namespace edgestat::scale

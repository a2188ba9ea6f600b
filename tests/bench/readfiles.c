/* The floor for `edgestat once`: a process that only opens, reads and
 * closes the files edgestat reads (and statfs()s the same mount points, and
 * lists the same directories), with no parsing or output. The list comes
 * from strace of a real `edgestat once` (see once_bench.sh). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: readfiles LIST\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "r");
  if (!f) return 1;
  static char buf[1 << 18];
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    const char* path = line + 2;
    if (line[0] == 'r') {
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      while (read(fd, buf, sizeof buf) > 0) {
      }
      close(fd);
    } else if (line[0] == 's') {
      struct statfs s;
      statfs(path, &s);
    } else if (line[0] == 'd') {
      int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) continue;
      while (syscall(SYS_getdents64, fd, buf, sizeof buf) > 0) {
      }
      close(fd);
    }
  }
  return 0;
}

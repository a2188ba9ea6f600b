/* The in-process read floor of one collection: the same file reads,
 * directory listings and statfs calls a running agent makes for one
 * collection (the list comes from strace of a live agent, see
 * read_floor.sh), repeated in a tight loop with no parsing and no output.
 *
 *   read_floor LIST ITERATIONS
 *
 * LIST lines: "r PATH [COUNT]" open, read to EOF, close; "k PATH [COUNT]" a
 * file the agent keeps open: opened once here too, then pread from offset 0
 * to EOF each iteration. COUNT is the byte count the agent's first read of
 * the file asked for (read_floor.sh takes it from strace), used for every
 * read of it here; without it, the whole 256 KiB buffer. It matters for
 * /proc/sys files, where the kernel allocates and zeroes a buffer of the
 * count on each read; "d PATH" open, getdents64 to the end, close; "s PATH" statfs;
 * "f PATH" an open that failed in the agent (an absent optional file): the
 * same open, closed if it succeeds here; "o PATH" opens a directory O_PATH
 * (a sysfs device directory), "a NAME [COUNT]" opens NAME relative to it,
 * reads to EOF and closes, "x NAME" is such an open that failed, "c"
 * closes the directory.
 * Prints CPU microseconds (user + system) per iteration.
 *
 * READ_FLOOR_CHURN=BYTES: before each op, write one byte in each of
 * BYTES/64 cache lines spread over a 512 KiB area (user-space work between
 * syscalls, as the agent's parsing and snapshot do), and print to stderr
 * the user and system parts: how much slower the same syscalls get when
 * user code runs between them (caches, TLB, branch predictors). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { kMaxOps = 4096 };

struct op {
  char kind;
  int fd; /* kept files */
  size_t count; /* bytes asked per read */
  char* path;
};

static double cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: read_floor LIST ITERATIONS\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "r");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  static struct op ops[kMaxOps];
  int n = 0;
  char line[4096];
  while (n < kMaxOps && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (strlen(line) < 3 && line[0] != 'c') continue;
    ops[n].kind = line[0];
    ops[n].path = strdup(strlen(line) > 2 ? line + 2 : "");
    ops[n].fd = -1;
    ops[n].count = 0;
    char* sp = strrchr(ops[n].path, ' ');
    if (sp && sp[1] && strspn(sp + 1, "0123456789") == strlen(sp + 1)) {
      ops[n].count = strtoul(sp + 1, NULL, 10);
      *sp = 0;
    }
    if (ops[n].kind == 'k') ops[n].fd = open(ops[n].path, O_RDONLY | O_CLOEXEC);
    ++n;
  }
  fclose(f);
  long iters = atol(argv[2]);
  const char* churn_env = getenv("READ_FLOOR_CHURN");
  const long churn = churn_env ? atol(churn_env) : 0;
  static volatile char churn_area[1 << 19];
  unsigned long churn_at = 0;
  static char buf[1 << 18];
  static char dents[8192];
  int dir = -1; /* the last "o" directory */
  for (int i = 0; i < n; ++i)
    if (ops[i].count == 0 || ops[i].count > sizeof buf) ops[i].count = sizeof buf;
  double t0 = cpu_us();
  for (long it = 0; it < iters; ++it) {
    for (int i = 0; i < n; ++i) {
      struct op* o = &ops[i];
      /* A stride of 7 pages and a line: every line of the area in turn. */
      for (long b = 0; b < churn; b += 64) {
        churn_area[churn_at] += 1;
        churn_at = (churn_at + 64 + 7 * 4096) & (sizeof churn_area - 1);
      }
      if (o->kind == 'r') {
        int fd = open(o->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        while (read(fd, buf, o->count) > 0) {
        }
        close(fd);
      } else if (o->kind == 'k') {
        off_t off = 0;
        ssize_t r;
        while ((r = pread(o->fd, buf, o->count, off)) > 0) off += r;
      } else if (o->kind == 'd') {
        int fd = open(o->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) continue;
        while (syscall(SYS_getdents64, fd, dents, sizeof dents) > 0) {
        }
        close(fd);
      } else if (o->kind == 'o') {
        dir = open(o->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
      } else if (o->kind == 'a') {
        int fd = openat(dir, o->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        while (read(fd, buf, o->count) > 0) {
        }
        close(fd);
      } else if (o->kind == 'x') {
        int fd = openat(dir, o->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) close(fd);
      } else if (o->kind == 'c') {
        if (dir >= 0) close(dir);
        dir = -1;
      } else if (o->kind == 'f') {
        int fd = open(o->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) close(fd);
      } else if (o->kind == 's') {
        struct statfs sf;
        statfs(o->path, &sf);
      }
    }
  }
  double us = (cpu_us() - t0) / (double)iters;
  if (churn_env) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "churn %ld bytes per op: user %.1f us, system %.1f us per iteration\n", churn,
            (ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec) / (double)iters,
            (ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec) / (double)iters);
  }
  printf("%.1f\n", us);
  return 0;
}

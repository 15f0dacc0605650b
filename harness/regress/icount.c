/* icount.c - instruction counts from the kernel's perf events or from
 * callgrind. Both count one call of ivm_play_measured and nothing else, so
 * the setup operations and the harness around them never enter the figure.
 */
#define _DEFAULT_SOURCE /* syscall() beside the POSIX interfaces */

#include "errmsg.h"
#include "icount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#endif

#include "measure.h"

static const char *const kind_names[] = {
#define IVM_ICOUNT_NAME(name, text) text,
    IVM_ICOUNT_KIND_MAP(IVM_ICOUNT_NAME)
#undef IVM_ICOUNT_NAME
};

const char *ivm_icount_name(ivm_icount_kind kind) {
  return (size_t)kind < sizeof kind_names / sizeof kind_names[0]
             ? kind_names[kind]
             : "?";
}

bool ivm_icount_from_name(const char *name, ivm_icount_kind *out) {
  for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
    if (strcmp(name, kind_names[i]) == 0) {
      *out = (ivm_icount_kind)i;
      return true;
    }
  }
  return false;
}

/* ---- perf_event_open ----------------------------------------------------- */

#ifdef __linux__
/* A disabled counter of this thread's user-space instructions, or -1 with
 * the kernel's reason in err. */
static int perf_open(char *err, size_t err_len) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.type = PERF_TYPE_HARDWARE;
  attr.size = sizeof attr;
  attr.config = PERF_COUNT_HW_INSTRUCTIONS;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd >= 0) return (int)fd;
  int e = errno;
  char paranoid[32] = "unknown";
  FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
  if (f) {
    if (!fgets(paranoid, sizeof paranoid, f)) snprintf(paranoid, sizeof paranoid, "?");
    paranoid[strcspn(paranoid, "\n")] = '\0';
    fclose(f);
  }
  const char *hint = e == ENOENT || e == EOPNOTSUPP
                         ? "no hardware instruction counter here (a virtual "
                           "machine without a virtual PMU?)"
                         : "the kernel refuses it";
  ivm_errorf(err, err_len, IVM_NOIMPL, "perf_event_open(instructions, user "
        "space only): %s: %s; kernel.perf_event_paranoid = %s",
        strerror(e), hint, paranoid);
  return -1;
}

/* Counts one pass; the counter is reset and enabled only around the
 * measured operations. */
static int perf_pass(int fd, const struct ivm_ops *impl, const ivm_stream *s,
                     uint64_t *count, char *err, size_t err_len) {
  ivm *m;
  int rc = ivm_prepare(impl, s, &m);
  if (rc != IVM_OK)
    return ivm_errorf(err, err_len, rc, "creating %s: %s", impl->name,
                 ivm_strerror(rc));
  ioctl(fd, PERF_EVENT_IOC_RESET, 0);
  ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
  ivm_play_measured(m, s);
  ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
  ivm_destroy(m);
  if (read(fd, count, sizeof *count) != (ssize_t)sizeof *count)
    return ivm_errorf(err, err_len, IVM_NOIMPL, "reading the instruction counter: "
                 "%s", strerror(errno));
  return IVM_OK;
}

int ivm_icount_perf(const struct ivm_ops *impl, const ivm_stream *s,
                    uint64_t *count, char *err, size_t err_len) {
  int fd = perf_open(err, err_len);
  if (fd < 0) return IVM_NOIMPL;
  uint64_t c[3];
  int rc = IVM_OK;
  for (int k = 0; rc == IVM_OK && k < 3; k++)
    rc = perf_pass(fd, impl, s, &c[k], err, err_len);
  close(fd);
  if (rc != IVM_OK) return rc;
  /* The median of three. */
  uint64_t lo = c[0] < c[1] ? c[0] : c[1], hi = c[0] < c[1] ? c[1] : c[0];
  *count = c[2] < lo ? lo : c[2] > hi ? hi : c[2];
  return IVM_OK;
}
#else
static int perf_open(char *err, size_t err_len) {
  ivm_errorf(err, err_len, IVM_NOIMPL, "perf_event_open exists only on Linux");
  return -1;
}

int ivm_icount_perf(const struct ivm_ops *impl, const ivm_stream *s,
                    uint64_t *count, char *err, size_t err_len) {
  (void)impl;
  (void)s;
  (void)count;
  return ivm_errorf(err, err_len, IVM_NOIMPL, "perf_event_open exists only on "
               "Linux");
}
#endif

/* ---- callgrind ----------------------------------------------------------- */

/* Runs argv with stdout and stderr in the file log (or discarded when log
 * is NULL); returns the exit status, or -1 with errno set. */
static int run(char *const argv[], const char *log) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                  0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* The last lines of a file, flattened to one line, for an error message. */
static void tail_of(const char *path, char *buf, size_t size) {
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f) return;
  char text[4096];
  size_t n = fread(text, 1, sizeof text - 1, f);
  if (n == sizeof text - 1) {
    fseek(f, -(long)(sizeof text - 1), SEEK_END);
    n = fread(text, 1, sizeof text - 1, f);
  }
  fclose(f);
  text[n] = '\0';
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) text[--n] = '\0';
  const char *start = n > 300 ? text + n - 300 : text;
  size_t k = strlen(start) < size ? strlen(start) : size - 1;
  memcpy(buf, start, k);
  buf[k] = '\0';
  for (char *p = buf; *p; p++)
    if (*p == '\n') *p = '|';
}

/* The Ir total of a callgrind output file: its "totals:" line, or
 * "summary:" when there is none. */
static int read_total(const char *path, uint64_t *count, char *err,
                      size_t err_len) {
  FILE *f = fopen(path, "r");
  if (!f)
    return ivm_errorf(err, err_len, IVM_NOIMPL, "%s: %s", path, strerror(errno));
  char line[512];
  bool found = false;
  while (fgets(line, sizeof line, f)) {
    const char *v = NULL;
    if (strncmp(line, "totals:", 7) == 0) v = line + 7;
    else if (!found && strncmp(line, "summary:", 8) == 0) v = line + 8;
    if (!v) continue;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || errno) continue;
    *count = n;
    found = true;
  }
  fclose(f);
  if (!found)
    return ivm_errorf(err, err_len, IVM_NOIMPL, "%s: no totals line", path);
  return IVM_OK;
}

static bool valgrind_works(char *why, size_t why_len) {
  char *const argv[] = {"valgrind", "--version", NULL};
  int status = run(argv, NULL);
  if (status == 0) return true;
  if (why && why_len)
    snprintf(why, why_len, "%s", status == 127
                                     ? "valgrind is not installed (not found "
                                       "in PATH)"
                                     : "`valgrind --version` fails");
  return false;
}

int ivm_icount_callgrind(char *const argv[], uint64_t *count, char *err,
                         size_t err_len) {
  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/ivm-callgrind-XXXXXX",
           tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(dir))
    return ivm_errorf(err, err_len, IVM_NOIMPL, "%s: %s", dir, strerror(errno));
  char out[4200], log[4200], out_opt[4300];
  snprintf(out, sizeof out, "%s/callgrind.out", dir);
  snprintf(log, sizeof log, "%s/child.log", dir);
  snprintf(out_opt, sizeof out_opt, "--callgrind-out-file=%s", out);
  /* valgrind's own options, then the child's command line. */
  char *head[] = {"valgrind", "-q", "--tool=callgrind", out_opt,
                  "--collect-atstart=no",
                  "--toggle-collect=" IVM_ICOUNT_FUNCTION};
  size_t nhead = sizeof head / sizeof head[0], nargs = 0;
  while (argv[nargs]) nargs++;
  char **full = malloc((nhead + nargs + 1) * sizeof *full);
  int rc = IVM_OK;
  if (!full) {
    rc = ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
  } else {
    memcpy(full, head, sizeof head);
    memcpy(full + nhead, argv, (nargs + 1) * sizeof *full);
    int status = run(full, log);
    free(full);
    if (status == 127) {
      rc = ivm_errorf(err, err_len, IVM_NOIMPL, "valgrind is not installed (not "
                 "found in PATH)");
    } else if (status != 0) {
      char tail[320];
      tail_of(log, tail, sizeof tail);
      rc = ivm_errorf(err, err_len, IVM_NOIMPL, "valgrind --tool=callgrind %s "
                 "exited with status %d: %s", argv[0], status,
                 tail[0] ? tail : "(no output)");
    } else {
      rc = read_total(out, count, err, err_len);
      if (rc == IVM_OK && *count == 0)
        rc = ivm_errorf(err, err_len, IVM_NOIMPL, "callgrind counted nothing "
                   "inside %s: does %s lack its symbols (stripped)?",
                   IVM_ICOUNT_FUNCTION, argv[0]);
    }
  }
  remove(out);
  remove(log);
  rmdir(dir);
  return rc;
}

bool ivm_icount_available(ivm_icount_kind kind, char *why, size_t why_len) {
  if (why && why_len) why[0] = '\0';
  switch (kind) {
    case IVM_ICOUNT_NONE:
      return true;
    case IVM_ICOUNT_PERF: {
      int fd = perf_open(why, why_len);
      if (fd < 0) return false;
      close(fd);
      return true;
    }
    case IVM_ICOUNT_CALLGRIND:
      return valgrind_works(why, why_len);
  }
  return false;
}

/* env.c - collecting the environment: the compiler and flags are fixed at
 * build time, the rest is read at run time (CPU from /proc/cpuinfo, commit
 * from git when the source tree is a repository). */
#include "env.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef IVM_BUILD_FLAGS
#define IVM_BUILD_FLAGS "unknown"
#endif
#ifndef IVM_SOURCE_DIR
#define IVM_SOURCE_DIR ""
#endif

static void compiler(char *buf, size_t size) {
#if defined(__clang__)
  snprintf(buf, size, "clang %d.%d.%d", __clang_major__, __clang_minor__,
           __clang_patchlevel__);
#elif defined(__GNUC__)
  snprintf(buf, size, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__,
           __GNUC_PATCHLEVEL__);
#else
  snprintf(buf, size, "unknown");
#endif
}

static void cpu_model(char *buf, size_t size) {
  snprintf(buf, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) != 0) continue;
    char *colon = strchr(line, ':');
    if (!colon) continue;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    v[strcspn(v, "\n")] = '\0';
    snprintf(buf, size, "%s", v);
    break;
  }
  fclose(f);
}

/* The first line a shell command prints, or "" when it fails. */
static void first_line(const char *cmd, char *buf, size_t size) {
  buf[0] = '\0';
  FILE *p = popen(cmd, "r");
  if (!p) return;
  if (!fgets(buf, (int)size, p)) buf[0] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  /* Drain the rest so the command never dies of a broken pipe. */
  char rest[256];
  while (fgets(rest, sizeof rest, p)) {
  }
  if (pclose(p) != 0) buf[0] = '\0';
}

static void git_commit(ivm_env *env) {
  env->commit[0] = '\0';
  env->dirty = false;
  /* The source path goes into a shell command: only use it when it has no
   * character the shell would interpret inside single quotes. */
  const char *dir = IVM_SOURCE_DIR;
  if (!dir[0] || strchr(dir, '\'') || access(dir, R_OK) != 0) return;
  char cmd[1024], out[128];
  snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse HEAD 2>/dev/null", dir);
  first_line(cmd, out, sizeof out);
  if (strlen(out) != 40 || strspn(out, "0123456789abcdef") != 40) return;
  /* Exactly 40 hex digits, checked above, so this copy never truncates. */
  memcpy(env->commit, out, 40);
  env->commit[40] = '\0';
  snprintf(cmd, sizeof cmd,
           "git -C '%s' status --porcelain --untracked-files=no 2>/dev/null",
           dir);
  first_line(cmd, out, sizeof out);
  env->dirty = out[0] != '\0';
}

void ivm_env_collect(ivm_env *env) {
  memset(env, 0, sizeof *env);
  compiler(env->compiler, sizeof env->compiler);
  snprintf(env->flags, sizeof env->flags, "%s", IVM_BUILD_FLAGS);
  cpu_model(env->cpu, sizeof env->cpu);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  env->cpus = n > 0 ? (int)n : 0;
  struct utsname u;
  if (uname(&u) == 0)
    snprintf(env->os, sizeof env->os, "%s %s %s", u.sysname, u.release,
             u.machine);
  else
    snprintf(env->os, sizeof env->os, "unknown");
  git_commit(env);
  time_t now = time(NULL);
  struct tm tm;
  if (gmtime_r(&now, &tm))
    strftime(env->date, sizeof env->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  else
    snprintf(env->date, sizeof env->date, "unknown");
}

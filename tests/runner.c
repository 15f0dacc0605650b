/* runner.c - runs the registered tests (all, or those named on the command
 * line) and ends with the line "N passed, N failed". */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

#define X(name) void test_##name(void);
#include "test_list.h"
#undef X

static const struct {
  const char *name;
  void (*fn)(void);
} tests[] = {
#define X(name) {#name, test_##name},
#include "test_list.h"
#undef X
};

static jmp_buf on_failure;
static char context[512];

void test_context(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(context, sizeof context, fmt, ap);
  va_end(ap);
}

void test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "  %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  if (context[0]) fprintf(stderr, "  context: %s\n", context);
  longjmp(on_failure, 1);
}

double test_scale(void) {
  const char *s = getenv("IVM_TEST_SCALE");
  double v = s ? atof(s) : 1.0;
  return v > 0 ? v : 1.0;
}

static bool selected(const char *name, int argc, char **argv) {
  if (argc < 2) return true;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0) return true;
  return false;
}

/* Runs one test; its own frame keeps setjmp away from the loop's locals. */
static bool run_one(size_t i) {
  context[0] = '\0';
  if (setjmp(on_failure) != 0) return false;
  tests[i].fn();
  return true;
}

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  size_t n = sizeof tests / sizeof tests[0];
  for (size_t i = 0; i < n; i++) {
    if (!selected(tests[i].name, argc, argv)) continue;
    bool ok = run_one(i);
    printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
    fflush(stdout);
    if (ok)
      passed++;
    else
      failed++;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

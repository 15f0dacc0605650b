/* check.h - non-fatal checks and a named-test main for the harness-side test
 * programs (harness, profiler, regression gate), which compare against
 * golden files in a directory given on the command line.
 *
 *     static void test_x(void) { CHECK(1 + 1 == 2); }
 *     static const check_test tests[] = {{"x", test_x}};
 *     int main(int argc, char **argv) {
 *       return check_main("my-tests", tests, 1, argc, argv);
 *     }
 */
#ifndef IVM_TEST_CHECK_H
#define IVM_TEST_CHECK_H

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Failed checks so far, and the golden directory (argv[2]). */
extern int check_failures;
extern const char *check_golden_dir;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
              #cond);                                                  \
      check_failures++;                                                \
    }                                                                  \
  } while (0)

#define CHECK_EQ_I64(a, b)                                                 \
  do {                                                                     \
    int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                          \
    if (a_ != b_) {                                                        \
      fprintf(stderr, "%s:%d: %s == %s: %" PRId64 " != %" PRId64 "\n",     \
              __FILE__, __LINE__, #a, #b, a_, b_);                         \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

typedef struct check_test {
  const char *name;
  void (*fn)(void);
} check_test;

/* Compares text with check_golden_dir/name, or rewrites that file when
 * IVM_UPDATE_GOLDEN=1. A difference counts as a failed check and leaves
 * name.actual in the current directory for `diff`. */
void check_golden(const char *name, const char *text, size_t len);

/* Usage: PROG TEST|all GOLDEN_DIR. Runs the named test (or all), prints
 * "ok"/"FAIL" per test; exits 0, 1 on a failed check, 2 on bad usage. */
int check_main(const char *prog, const check_test *tests, size_t n, int argc,
               char **argv);

#endif /* IVM_TEST_CHECK_H */

/* test.h - the one test runner's assertions and registration.
 *
 * A test is `TEST(name) { ... }` in any tests/test_*.c file and a line
 * `X(name)` in tests/test_list.h. Assertions print file, line and the values
 * and abort the current test (longjmp), so one failure does not hide others.
 * Tests that loop over implementations set test_context() first so a failure
 * names the implementation, seed and step. */
#ifndef IVM_TEST_H
#define IVM_TEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ivm.h"

#define TEST(name) void test_##name(void)

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* Free text printed with any failure of the running test ("impl=treap seed=7"). */
void test_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Scale factor for long-running tests (IVM_TEST_SCALE, default 1). */
double test_scale(void);

#define ASSERT(cond)                                               \
  do {                                                             \
    if (!(cond)) test_fail(__FILE__, __LINE__, "ASSERT(%s)", #cond); \
  } while (0)

#define ASSERT_EQ_I64(a, b)                                                 \
  do {                                                                      \
    int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                           \
    if (a_ != b_)                                                           \
      test_fail(__FILE__, __LINE__, "%s == %s: %" PRId64 " != %" PRId64, #a, \
                #b, a_, b_);                                                \
  } while (0)

#define ASSERT_STATUS(expr, want)                                          \
  do {                                                                     \
    int got_ = (expr), want_ = (want);                                     \
    if (got_ != want_)                                                     \
      test_fail(__FILE__, __LINE__, "%s: got %s, want %s", #expr,          \
                ivm_errname(got_), ivm_errname(want_));                    \
  } while (0)

#define ASSERT_OK(expr) ASSERT_STATUS(expr, IVM_OK)

#endif /* IVM_TEST_H */

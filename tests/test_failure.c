/* test_failure.c - allocation failure injection: every allocation a manager
 * makes, at creation and along a scripted sequence that grows, splits,
 * merges and shrinks the structure, is made to fail once, and the failing
 * call must return IVM_NOMEM and leave the manager exactly as it was.
 *
 * One pass instead of a replay per failure point. Before each operation the
 * test arms the allocator to fail the k-th request the operation makes, for
 * k = 0, 1, 2, ... A failing call must leave the state unchanged (verified
 * each time: spans, totals, count, statistics, check()), so retrying it from
 * that same state is exactly what a replay of the prefix would give; the
 * first attempt that does not reach request k completes the operation and
 * the script moves on. Every allocation request of the sequence is thus
 * failed once, from the state where it happens, in time linear in the number
 * of operations plus the number of requests. A call that survives an
 * injected failure (say, a shrink it can do without) is accepted only when
 * its result and the state match the reference exactly.
 *
 * The counting allocator also checks every old_size it is told, and destroy
 * must return every byte. */
#include <stdlib.h>

#include "counting_alloc.h"
#include "oracle.h"
#include "test.h"

#define SPANS 3000 /* spans the first phase creates; forces several levels */

typedef struct script {
  oracle_op *ops;
  size_t n, cap;
} script;

static void add(script *s, oracle_kind kind, int64_t a, int64_t b, int64_t c,
                unsigned flags) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    oracle_op *p = realloc(s->ops, cap * sizeof *p);
    ASSERT(p != NULL);
    s->ops = p;
    s->cap = cap;
  }
  s->ops[s->n++] = (oracle_op){kind, flags, a, b, c};
}

/* The i-th of n indices in a scrambled but fixed order (1237 is prime and
 * does not divide SPANS), so the structure grows from all sides at once. */
static int64_t scrambled(int64_t i, int64_t n) { return (i * 1237) % n; }

static void build_script(script *s) {
  /* Growth: SPANS separate spans [10i, 10i+5), inserted out of order. */
  for (int64_t i = 0; i < SPANS; i++) {
    int64_t x = 10 * scrambled(i, SPANS);
    add(s, ORACLE_RELEASE, x, x + 5, 0, 0);
  }
  /* Splits: a hole in the middle of every third span. */
  for (int64_t i = 0; i < SPANS; i += 3) {
    int64_t x = 10 * scrambled(i, SPANS);
    add(s, ORACLE_RESERVE, x + 2, x + 3, 0, 0);
  }
  /* Merges: releases that bridge the gap to the next span. */
  for (int64_t i = 0; i < SPANS / 2; i += 2) {
    int64_t x = 10 * scrambled(i, SPANS / 2);
    add(s, ORACLE_RELEASE, x + 5, x + 10, 0, 0);
  }
  /* Allocation, queries, strict reserves (some conflict), bad input. */
  for (int64_t i = 0; i < 400; i++) {
    int64_t p = 37 * scrambled(i, 400);
    add(s, ORACLE_ALLOCATE, p, 1 + i % 7, 0, 0);
    add(s, ORACLE_ALLOCATE_BOUNDED, p, 2, p + 40, 0);
    add(s, ORACLE_FIND, p, 4, 0, 0);
    add(s, ORACLE_RESERVE, p, p + 1 + i % 3, 0, IVM_REQUIRE_COVERED);
    if (i % 50 == 0) {
      add(s, ORACLE_BEST_FIT, 3, 0, 0, 0);
      add(s, ORACLE_LARGEST, 0, 0, 0, 0);
      add(s, ORACLE_OVERLAPS, p, p + 100, ORACLE_LIST_CAP, 0);
      add(s, ORACLE_RELEASE, p + 9, p, 0, 0);      /* INVAL */
      add(s, ORACLE_RESERVE, p, p + 9, 0, 4);      /* bad flags */
      add(s, ORACLE_RELEASE, INT64_MIN, p, 0, 0); /* OVERFLOW */
    }
  }
  /* Bulk reserves: each removes a few hundred spans at once. */
  for (int64_t x = 1000; x < 10 * SPANS; x += 5000)
    add(s, ORACLE_RESERVE, x, x + 2000, 0, 0);
  /* Regrowth in reverse order, then everything free in one span, then a
   * second growth by splitting that span. */
  for (int64_t i = SPANS - 1; i >= 0; i -= 2)
    add(s, ORACLE_RELEASE, 10 * i + 1, 10 * i + 4, 0, 0);
  add(s, ORACLE_RELEASE, -10, 10 * SPANS + 10, 0, 0);
  for (int64_t i = 0; i < SPANS / 2; i++) {
    int64_t x = 20 * scrambled(i, SPANS / 2);
    add(s, ORACLE_RESERVE, x, x + 7, 0, 0);
  }
}

/* Creation: failing the N-th request fails the whole creation and leaves
 * nothing allocated, for every N until creation needs no more than N. */
static void creation_failures(const struct ivm_ops *ops) {
  for (uint64_t n = 0;; n++) {
    counting_alloc a;
    counting_alloc_init(&a);
    a.fail_at = n;
    ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &a};
    ivm *m = NULL;
    int rc = ivm_create_ops(ops, &opt, &m);
    test_context("impl=%s: creation with request %llu failing", ops->name,
                 (unsigned long long)n);
    if (a.failures == 0) {
      ASSERT_OK(rc);
      ivm_destroy(m);
      ASSERT_EQ_I64(a.live_bytes, 0);
      ASSERT(a.mismatches == 0);
      counting_alloc_fini(&a);
      return;
    }
    ASSERT_STATUS(rc, IVM_NOMEM);
    ASSERT(m == NULL);
    ASSERT_EQ_I64(a.live_bytes, 0);
    ASSERT_EQ_I64(a.live_blocks, 0);
    ASSERT(a.mismatches == 0);
    counting_alloc_fini(&a);
  }
}

typedef struct run {
  const struct ivm_ops *ops;
  ivm *m, *ref;
  counting_alloc alloc;
  oracle_state before; /* the reference's state before the operation */
  oracle_state want;   /* the reference's state after it */
  oracle_state got;    /* the manager's state after an attempt */
  uint64_t injected, survived;
} run;

#define DEEP_PERIOD 16 /* completed operations between deep comparisons */

static void fail_op(const run *r, size_t step, const oracle_op *op,
                    uint64_t k, const char *why) {
  char text[200];
  oracle_format_op(op, text, sizeof text);
  test_fail(__FILE__, __LINE__,
            "impl=%s step=%zu op=%s, request %llu of the call failing: %s",
            r->ops->name, step, text, (unsigned long long)k, why);
}

/* Runs one operation until an attempt completes without reaching the armed
 * request, checking every attempt that failed. The manager agreed with the
 * reference after the previous operation, so the reference's previous state
 * is the manager's state before this one; it is captured deep because every
 * failed attempt is compared with it in full. A completed operation is
 * compared in full every DEEP_PERIOD operations and after an injected
 * failure, otherwise on totals, count and statistics. */
static void inject(run *r, size_t step, const oracle_op *op) {
  char why[512];
  oracle_result want, got;
  oracle_state swap = r->before;
  r->before = r->want;
  r->want = swap;
  oracle_apply(r->ref, op, &want);
  oracle_capture(r->ref, &r->want, true);
  for (uint64_t k = 0;; k++) {
    uint64_t failures = r->alloc.failures;
    r->alloc.fail_at = r->alloc.requests + k;
    oracle_apply(r->m, op, &got);
    r->alloc.fail_at = UINT64_MAX;
    bool hit = r->alloc.failures > failures;
    if (r->alloc.mismatches) fail_op(r, step, op, k, r->alloc.mismatch);
    if (hit && got.status == IVM_NOMEM) {
      r->injected++;
      oracle_capture(r->m, &r->got, true);
      if (!oracle_unchanged(&r->got, &r->before, why, sizeof why))
        fail_op(r, step, op, k, why);
      continue;
    }
    if (!oracle_same_result(op, &got, &want, why, sizeof why))
      fail_op(r, step, op, k, why);
    oracle_capture(r->m, &r->got, k > 0 || step % DEEP_PERIOD == 0);
    if (!oracle_same_state(&r->got, &r->want, why, sizeof why))
      fail_op(r, step, op, k, why);
    if (hit) r->survived++;
    return;
  }
}

static void script_failures(const struct ivm_ops *ops, const script *s) {
  char why[512];
  run r = {.ops = ops};
  oracle_state_init(&r.before);
  oracle_state_init(&r.want);
  oracle_state_init(&r.got);
  counting_alloc_init(&r.alloc);
  ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &r.alloc};
  test_context("impl=%s: creation", ops->name);
  ASSERT_OK(ivm_create_ops(ops, &opt, &r.m));
  ASSERT_OK(ivm_create("reference", NULL, &r.ref));
  oracle_capture(r.ref, &r.want, true);
  for (size_t i = 0; i < s->n; i++) inject(&r, i, &s->ops[i]);
  oracle_capture(r.m, &r.got, true);
  if (!oracle_same_state(&r.got, &r.want, why, sizeof why))
    fail_op(&r, s->n, &s->ops[s->n - 1], 0, why);
  ivm_destroy(r.ref);
  ivm_destroy(r.m);
  test_context("impl=%s: after the script", ops->name);
  ASSERT(r.alloc.mismatches == 0);
  ASSERT_EQ_I64(r.alloc.live_bytes, 0);
  ASSERT_EQ_I64(r.alloc.live_blocks, 0);
  /* Holding thousands of spans takes memory, so some request must have been
   * failed; otherwise this test tested nothing. */
  ASSERT(r.injected > 0);
  printf("  %s: %zu operations, %llu allocation failures injected, %llu "
         "survived, peak %zu bytes\n",
         ops->name, s->n, (unsigned long long)r.injected,
         (unsigned long long)r.survived, r.alloc.peak_bytes);
  fflush(stdout);
  counting_alloc_fini(&r.alloc);
  oracle_state_free(&r.before);
  oracle_state_free(&r.want);
  oracle_state_free(&r.got);
}

/* The hook the tests above rely on: sizes are tracked through many
 * allocations, resizes and frees (which exercises removal from its table),
 * a wrong old_size is reported, and fail_at fails exactly one request. */
TEST(counting_alloc_self_check) {
  counting_alloc a;
  counting_alloc_init(&a);
  enum { N = 1000 };
  static void *p[N];
  for (size_t i = 0; i < N; i++) {
    p[i] = counting_alloc_fn(&a, NULL, 0, i + 1);
    ASSERT(p[i] != NULL);
  }
  ASSERT_EQ_I64(a.live_blocks, N);
  ASSERT_EQ_I64(a.live_bytes, N * (N + 1) / 2);
  for (size_t i = 0; i < N; i += 2) {
    p[i] = counting_alloc_fn(&a, p[i], i + 1, 2 * (i + 1));
    ASSERT(p[i] != NULL);
  }
  a.fail_at = a.requests + 1;
  void *q = counting_alloc_fn(&a, NULL, 0, 8);
  ASSERT(q != NULL);
  ASSERT(counting_alloc_fn(&a, p[1], 2, 100) == NULL); /* the failing one */
  ASSERT_EQ_I64(a.failures, 1);
  counting_alloc_fn(&a, q, 8, 0);
  for (size_t i = 0; i < N; i++)
    counting_alloc_fn(&a, p[i], i % 2 ? i + 1 : 2 * (i + 1), 0);
  ASSERT_EQ_I64(a.live_blocks, 0);
  ASSERT_EQ_I64(a.live_bytes, 0);
  ASSERT_EQ_I64(a.mismatches, 0);
  q = counting_alloc_fn(&a, NULL, 0, 16);
  counting_alloc_fn(&a, q, 15, 0);
  ASSERT_EQ_I64(a.mismatches, 1);
  ASSERT(strstr(a.mismatch, "told old_size 15, the block has 16") != NULL);
  ASSERT_EQ_I64(a.live_bytes, 0);
  counting_alloc_fini(&a);
}

/* IVM_IMPL=name limits the test to one implementation. */
TEST(alloc_failure) {
  const char *only = getenv("IVM_IMPL");
  script s = {0};
  build_script(&s);
  for (size_t i = 0; i < ivm_impl_count(); i++) {
    const struct ivm_ops *ops = ivm_impl_at(i);
    if (only && *only && strcmp(only, ops->name) != 0) continue;
    creation_failures(ops);
    script_failures(ops, &s);
  }
  free(s.ops);
}

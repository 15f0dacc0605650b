/* test_spec.c - the worked examples of the semantics, int64 extremes and
 * overflow, run on every registered implementation through the front door. */
#include "test.h"

typedef void (*impl_test)(const struct ivm_ops *ops);

/* Runs body once per registered implementation, naming it on failure. */
static void for_each_impl(impl_test body) {
  for (size_t i = 0; i < ivm_impl_count(); i++) {
    const struct ivm_ops *ops = ivm_impl_at(i);
    test_context("impl=%s", ops->name);
    body(ops);
  }
}

static ivm *make(const struct ivm_ops *ops) {
  ivm *m;
  ASSERT_OK(ivm_create_ops(ops, NULL, &m));
  return m;
}

/* Asserts the free spans equal want[0..n) and the total matches, and that
 * check() holds. */
static void expect_spans(const ivm *m, const ivm_span *want, size_t n,
                         int64_t total) {
  ivm_span got[16];
  size_t count;
  char why[256];
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_OK);
  ASSERT_OK(ivm_intervals(m, got, 16, &count));
  ASSERT_EQ_I64(count, n);
  for (size_t i = 0; i < n; i++) {
    ASSERT_EQ_I64(got[i].start, want[i].start);
    ASSERT_EQ_I64(got[i].end, want[i].end);
  }
  ASSERT_EQ_I64(ivm_total_free(m), total);
  ASSERT_EQ_I64(ivm_count(m), (int64_t)n);
}

#define SPANS(...) ((const ivm_span[]){__VA_ARGS__}), \
  (sizeof((const ivm_span[]){__VA_ARGS__}) / sizeof(ivm_span))

static void expect_find(const ivm *m, int64_t p, int64_t len, int64_t start) {
  ivm_span s;
  bool found;
  ASSERT_OK(ivm_find(m, p, len, &s, &found));
  if (start == INT64_MIN) {
    ASSERT(!found);
  } else {
    ASSERT(found);
    ASSERT_EQ_I64(s.start, start);
    ASSERT_EQ_I64(s.end, start + len);
  }
}
#define NONE INT64_MIN

static void merge_and_split(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  int64_t changed;
  ASSERT_OK(ivm_release(m, 0, 100, &changed));
  ASSERT_EQ_I64(changed, 100);
  ASSERT_OK(ivm_reserve(m, 10, 20, 0, &changed));
  ASSERT_EQ_I64(changed, 10);
  expect_spans(m, SPANS({0, 10}, {20, 100}), 90);
  ASSERT_OK(ivm_reserve(m, 15, 25, 0, &changed));
  ASSERT_EQ_I64(changed, 5);
  expect_spans(m, SPANS({0, 10}, {25, 100}), 85);
  ivm_destroy(m);

  m = make(ops);
  ivm_release(m, 0, 10, NULL);
  ivm_release(m, 20, 30, NULL);
  ASSERT_OK(ivm_release(m, 10, 20, &changed));
  ASSERT_EQ_I64(changed, 10);
  expect_spans(m, SPANS({0, 30}), 30);
  ASSERT_OK(ivm_release(m, 5, 25, &changed));
  ASSERT_EQ_I64(changed, 0);
  expect_spans(m, SPANS({0, 30}), 30);
  ivm_destroy(m);

  m = make(ops);
  ivm_release(m, 0, 100, NULL);
  ivm_reserve(m, 10, 20, 0, NULL);
  ivm_reserve(m, 30, 40, 0, NULL);
  ASSERT_OK(ivm_release(m, 15, 35, &changed));
  ASSERT_EQ_I64(changed, 10);
  expect_spans(m, SPANS({0, 10}, {15, 35}, {40, 100}), 90);
  ivm_destroy(m);
}
TEST(spec_merge_and_split) { for_each_impl(merge_and_split); }

static void negative_coordinates(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  ivm_release(m, -50, -10, NULL);
  ivm_release(m, -10, 0, NULL);
  ivm_reserve(m, -30, -20, 0, NULL);
  expect_spans(m, SPANS({-50, -30}, {-20, 0}), 40);
  expect_find(m, -100, 45, NONE);
  expect_find(m, -100, 20, -50);
  expect_find(m, -100, 15, -50);
  ivm_destroy(m);
}
TEST(spec_negative_coordinates) { for_each_impl(negative_coordinates); }

static void first_fit(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  ivm_release(m, 0, 5, NULL);
  ivm_release(m, 10, 20, NULL);
  expect_find(m, 0, 8, 10);
  expect_find(m, 11, 3, 11);
  expect_find(m, 0, 50, NONE);
  expect_find(m, 4, 1, 4);
  expect_find(m, 4, 2, 10);
  expect_find(m, 20, 1, NONE);
  ivm_destroy(m);

  m = make(ops);
  ivm_release(m, 0, 100, NULL);
  ivm_release(m, 200, 300, NULL);
  expect_find(m, 50, 10, 50);
  expect_find(m, 95, 10, 200);
  ivm_destroy(m);

  m = make(ops);
  ivm_release(m, 0, 10, NULL);
  ivm_release(m, 20, 25, NULL);
  ivm_release(m, 30, 100, NULL);
  expect_find(m, 0, 50, 30);
  ivm_destroy(m);

  m = make(ops);
  ivm_release(m, 0, 100, NULL);
  expect_find(m, 95, 10, NONE);
  expect_find(m, 95, 5, 95);
  expect_find(m, -50, 10, 0);
  ivm_destroy(m);
}
TEST(spec_first_fit) { for_each_impl(first_fit); }

static void bounded_find_and_allocate(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  ivm_span s;
  bool found;
  ivm_release(m, 0, 5, NULL);
  ivm_release(m, 10, 20, NULL);
  ASSERT_OK(ivm_find_bounded(m, 0, 8, 18, &s, &found));
  ASSERT(found);
  ASSERT_EQ_I64(s.start, 10);
  /* The earliest fit ends at 18 > 17: none, even though nothing later could
   * do better. */
  ASSERT_OK(ivm_find_bounded(m, 0, 8, 17, &s, &found));
  ASSERT(!found);
  ASSERT_OK(ivm_allocate_bounded(m, 0, 8, 17, &s, &found));
  ASSERT(!found);
  expect_spans(m, SPANS({0, 5}, {10, 20}), 15);
  ASSERT_OK(ivm_allocate(m, 0, 8, &s, &found));
  ASSERT(found);
  ASSERT_EQ_I64(s.start, 10);
  ASSERT_EQ_I64(s.end, 18);
  expect_spans(m, SPANS({0, 5}, {18, 20}), 7);
  ASSERT_OK(ivm_allocate(m, 0, 8, &s, &found));
  ASSERT(!found);
  ASSERT_STATUS(ivm_find_bounded(m, 10, 1, 10, &s, &found), IVM_INVAL);
  ASSERT_STATUS(ivm_allocate_bounded(m, 10, 1, 5, &s, &found), IVM_INVAL);
  expect_spans(m, SPANS({0, 5}, {18, 20}), 7);
  ivm_destroy(m);
}
TEST(spec_bounded_find_and_allocate) {
  for_each_impl(bounded_find_and_allocate);
}

static void invalid_input(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  int64_t changed = 99;
  ivm_span s;
  bool found;
  ivm_release(m, 0, 100, NULL);
  ASSERT_STATUS(ivm_release(m, 5, 5, &changed), IVM_INVAL);
  ASSERT_EQ_I64(changed, 0);
  ASSERT_STATUS(ivm_release(m, 9, 4, NULL), IVM_INVAL);
  ASSERT_STATUS(ivm_reserve(m, 50, 50, 0, NULL), IVM_INVAL);
  ASSERT_STATUS(ivm_reserve(m, 10, 20, 0x80, NULL), IVM_INVAL);
  ASSERT_STATUS(ivm_find(m, 0, 0, &s, &found), IVM_INVAL);
  ASSERT(!found);
  ASSERT_STATUS(ivm_find(m, 0, -3, &s, &found), IVM_INVAL);
  ASSERT_STATUS(ivm_best_fit(m, 0, &s, &found), IVM_INVAL);
  ASSERT_STATUS(ivm_allocate(m, 0, 0, &s, &found), IVM_INVAL);
  ASSERT_STATUS(ivm_overlaps(m, 7, 7, NULL, 0, NULL), IVM_INVAL);
  expect_spans(m, SPANS({0, 100}), 100);
  ivm_destroy(m);
}
TEST(spec_invalid_input) { for_each_impl(invalid_input); }

static void strict_reserve(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  int64_t changed = 99;
  ivm_release(m, 0, 20, NULL);
  ivm_release(m, 30, 40, NULL);
  ASSERT_STATUS(ivm_reserve(m, 15, 35, IVM_REQUIRE_COVERED, &changed),
                IVM_CONFLICT);
  ASSERT_EQ_I64(changed, 0);
  ASSERT_STATUS(ivm_reserve(m, 40, 41, IVM_REQUIRE_COVERED, NULL),
                IVM_CONFLICT);
  ASSERT_STATUS(ivm_reserve(m, -1, 5, IVM_REQUIRE_COVERED, NULL),
                IVM_CONFLICT);
  expect_spans(m, SPANS({0, 20}, {30, 40}), 30);
  ASSERT_OK(ivm_reserve(m, 30, 40, IVM_REQUIRE_COVERED, &changed));
  ASSERT_EQ_I64(changed, 10);
  ASSERT_OK(ivm_reserve(m, 5, 10, IVM_REQUIRE_COVERED, &changed));
  expect_spans(m, SPANS({0, 5}, {10, 20}), 15);
  /* Plain reserve of space that is not free is not an error. */
  ASSERT_OK(ivm_reserve(m, 100, 200, 0, &changed));
  ASSERT_EQ_I64(changed, 0);
  ivm_destroy(m);
}
TEST(spec_strict_reserve) { for_each_impl(strict_reserve); }

static void statistics(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  ivm_stats st;
  ivm_span s;
  bool found;
  ASSERT_OK(ivm_stats_get(m, &st));
  ASSERT_EQ_I64(st.free_chunks, 0);
  ASSERT(st.fragmentation == 0.0);
  ASSERT(!st.has_domain);
  ASSERT_OK(ivm_largest(m, &s, &found));
  ASSERT(!found);
  ivm_release(m, 0, 1000, NULL);
  ivm_reserve(m, 100, 200, 0, NULL);
  ivm_reserve(m, 300, 400, 0, NULL);
  ASSERT_OK(ivm_largest(m, &s, &found));
  ASSERT(found);
  ASSERT_EQ_I64(s.start, 400);
  ASSERT_EQ_I64(s.end, 1000);
  ASSERT_OK(ivm_stats_get(m, &st));
  ASSERT_EQ_I64(st.total_free, 800);
  ASSERT_EQ_I64(st.free_chunks, 3);
  ASSERT_EQ_I64(st.largest_chunk, 600);
  ASSERT_EQ_I64(st.largest_start, 400);
  ASSERT_EQ_I64(st.smallest_chunk, 100);
  ASSERT(st.fragmentation == 0.25);
  ASSERT_EQ_I64(st.gaps, 2);
  ASSERT(st.avg_gap == 100.0);
  ASSERT_EQ_I64(st.first_free, 0);
  ASSERT_EQ_I64(st.last_free, 1000);
  ivm_destroy(m);

  m = make(ops);
  ivm_release(m, 0, 20, NULL);
  ivm_release(m, 30, 35, NULL);
  ASSERT_OK(ivm_best_fit(m, 5, &s, &found));
  ASSERT(found);
  ASSERT_EQ_I64(s.start, 30);
  ASSERT_EQ_I64(s.end, 35);
  ASSERT_OK(ivm_best_fit(m, 50, &s, &found));
  ASSERT(!found);
  /* Ties in largest and best fit go to the lowest start. */
  ivm_release(m, 40, 60, NULL);
  ASSERT_OK(ivm_largest(m, &s, &found));
  ASSERT_EQ_I64(s.start, 0);
  ASSERT_OK(ivm_best_fit(m, 6, &s, &found));
  ASSERT_EQ_I64(s.start, 0);
  ivm_destroy(m);
}
TEST(spec_statistics) { for_each_impl(statistics); }

static void domain(const struct ivm_ops *ops) {
  ivm_options opt = {.has_domain = true, .domain_lo = 0, .domain_hi = 1000};
  ivm *m;
  ivm_stats st;
  ASSERT_OK(ivm_create_ops(ops, &opt, &m));
  ASSERT_EQ_I64(ivm_total_free(m), 0);
  ASSERT_OK(ivm_release(m, 0, 500, NULL));
  ASSERT_STATUS(ivm_release(m, 900, 1001, NULL), IVM_DOMAIN);
  ASSERT_STATUS(ivm_reserve(m, -1, 10, 0, NULL), IVM_DOMAIN);
  expect_spans(m, SPANS({0, 500}), 500);
  ASSERT_OK(ivm_stats_get(m, &st));
  ASSERT(st.has_domain);
  ASSERT_EQ_I64(st.total_space, 1000);
  ASSERT_EQ_I64(st.occupied, 500);
  ASSERT(st.utilization == 0.5);
  ASSERT(st.free_density == 0.5);
  ivm_destroy(m);
  opt.domain_hi = 0;
  ASSERT_STATUS(ivm_create_ops(ops, &opt, &m), IVM_INVAL);
  ASSERT(m == NULL);
  opt.domain_lo = INT64_MIN;
  opt.domain_hi = 1;
  ASSERT_STATUS(ivm_create_ops(ops, &opt, &m), IVM_OVERFLOW);
}
TEST(spec_domain) { for_each_impl(domain); }

static void int64_extremes(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  int64_t changed;
  ivm_span s;
  bool found;
  ASSERT_OK(ivm_release(m, INT64_MIN, -1, &changed));
  ASSERT_EQ_I64(changed, INT64_MAX);
  ASSERT_EQ_I64(ivm_total_free(m), INT64_MAX);
  ASSERT_STATUS(ivm_release(m, -1, INT64_MAX, &changed), IVM_OVERFLOW);
  expect_spans(m, SPANS({INT64_MIN, -1}), INT64_MAX);
  /* Already-free space never overflows the total. */
  ASSERT_OK(ivm_release(m, INT64_MIN, -5, &changed));
  ASSERT_EQ_I64(changed, 0);
  ASSERT_STATUS(ivm_release(m, INT64_MIN, INT64_MAX, NULL), IVM_OVERFLOW);
  ASSERT_STATUS(ivm_reserve(m, INT64_MIN, INT64_MAX, 0, NULL), IVM_OVERFLOW);
  ASSERT_OK(ivm_find(m, INT64_MIN, INT64_MAX, &s, &found));
  ASSERT(found);
  ASSERT_EQ_I64(s.start, INT64_MIN);
  ASSERT_EQ_I64(s.end, -1);
  ASSERT_OK(ivm_find(m, -100, INT64_MAX, &s, &found));
  ASSERT(!found);
  ASSERT_STATUS(ivm_reserve(m, INT64_MIN, 0, 0, &changed), IVM_OVERFLOW);
  ASSERT_OK(ivm_reserve(m, INT64_MIN, -1, 0, &changed));
  ASSERT_EQ_I64(changed, INT64_MAX);
  expect_spans(m, NULL, 0, 0);
  ASSERT_OK(ivm_release(m, INT64_MAX - 10, INT64_MAX, NULL));
  expect_find(m, INT64_MAX - 20, 10, INT64_MAX - 10);
  ASSERT_STATUS(ivm_find(m, INT64_MAX - 5, 10, &s, &found), IVM_OVERFLOW);
  ASSERT_STATUS(ivm_allocate(m, INT64_MAX - 5, 10, &s, &found), IVM_OVERFLOW);
  ASSERT_OK(ivm_release(m, INT64_MIN, INT64_MIN + 3, NULL));
  ivm_stats st;
  ASSERT_OK(ivm_stats_get(m, &st));
  ASSERT_EQ_I64(st.first_free, INT64_MIN);
  ASSERT_EQ_I64(st.last_free, INT64_MAX);
  ASSERT_EQ_I64(st.gaps, 1);
  ASSERT(st.avg_gap > 1.8e19);
  expect_spans(m, SPANS({INT64_MIN, INT64_MIN + 3}, {INT64_MAX - 10, INT64_MAX}),
               13);
  ivm_destroy(m);

  /* The exact overflow test counts only the free points inside the window,
   * not the whole of a span that sticks out of it. */
  m = make(ops);
  ASSERT_OK(ivm_release(m, 0, INT64_MAX, NULL));
  ASSERT_OK(ivm_reserve(m, 5, 6, 0, NULL));
  ASSERT_STATUS(ivm_release(m, -2, 3, &changed), IVM_OVERFLOW);
  ASSERT_OK(ivm_release(m, -1, 3, &changed));
  ASSERT_EQ_I64(changed, 1);
  expect_spans(m, SPANS({-1, 5}, {6, INT64_MAX}), INT64_MAX);
  ivm_destroy(m);
}
TEST(spec_int64_extremes) { for_each_impl(int64_extremes); }

static void overlaps_and_iteration(const struct ivm_ops *ops) {
  ivm *m = make(ops);
  ivm_span out[4];
  size_t n;
  ivm_release(m, 0, 10, NULL);
  ivm_release(m, 20, 30, NULL);
  ivm_release(m, 40, 50, NULL);
  ASSERT_OK(ivm_overlaps(m, 10, 20, out, 4, &n));
  ASSERT_EQ_I64(n, 0); /* touching is not overlapping */
  ASSERT_OK(ivm_overlaps(m, 5, 41, out, 4, &n));
  ASSERT_EQ_I64(n, 3);
  ASSERT_EQ_I64(out[0].start, 0);
  ASSERT_EQ_I64(out[2].start, 40);
  ASSERT_OK(ivm_overlaps(m, 5, 41, out, 1, &n));
  ASSERT_EQ_I64(n, 3);
  ASSERT_OK(ivm_intervals(m, NULL, 0, &n));
  ASSERT_EQ_I64(n, 3);
  ivm_counter c[32];
  size_t nc = ivm_counters(m, c, 32);
  ASSERT(nc > 0 && nc <= 32);
  ivm_destroy(m);
}
TEST(spec_overlaps_and_iteration) { for_each_impl(overlaps_and_iteration); }

TEST(status_names) {
  ASSERT(strcmp(ivm_errname(IVM_INVAL), "INVAL") == 0);
  ASSERT(strcmp(ivm_errname(IVM_CONFLICT), "CONFLICT") == 0);
  ASSERT(strcmp(ivm_errname(0), "OK") == 0);
  ASSERT(strcmp(ivm_errname(-999), "UNKNOWN") == 0);
  ASSERT(strlen(ivm_strerror(IVM_NOMEM)) > 0);
  ivm *m = (ivm *)1;
  ASSERT_STATUS(ivm_create("no-such", NULL, &m), IVM_NOIMPL);
  ASSERT(m == NULL);
  ASSERT(ivm_impl_find("reference") != NULL);
  ASSERT(ivm_impl_at(ivm_impl_count()) == NULL);
}

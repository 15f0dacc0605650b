/* shim_check.c - exercises the contract of harness/gbench.h: bad
 * configuration is refused without changing anything, batches never exceed
 * what was asked nor the run, misuse inside a run becomes a skipped
 * benchmark with its reason, and counters, labels, context and complexity
 * reach the report. It checks what it can itself (exit status 1 on a
 * failure) and registers benchmarks whose JSON check_gbench.py verifies:
 *
 *   shim/batches        1000 iterations in batches of at most 64, counters
 *   shim/after_end      calls keep_running_batch again after it ended
 *   shim/early_return   returns before the loop ended
 *   shim/pause_twice    pauses twice in a row
 *   shim/resume_running resumes while the timer runs
 *   shim/loop_paused    asks for a batch while paused
 *   shim/skip           skips with an error, then a second one
 *   shim/linear/N       N = 1..4, complexity fitted as O(N)
 */
#include <stdio.h>
#include <string.h>

#include "gbench.h"

#define MAX_BATCH 64
#define ITERATIONS 1000

static int failures;
static volatile int64_t sink; /* keeps the benchmark loops */

static void expect(bool ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "FAIL: %s\n", what);
    failures++;
  }
}

/* Every batch within [1, MAX_BATCH] and the sum equal to the iterations
 * granted; a violation is reported as the run's error. */
static void run_batches(ivm_gb_state *st, void *ctx) {
  int64_t n, total = 0, batches = 0;
  bool in_bounds = true;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, MAX_BATCH, &n)) {
    in_bounds = in_bounds && n >= 1 && n <= MAX_BATCH;
    for (int64_t i = 0; i < n; i++) sink += i;
    total += n;
    batches++;
  }
  if (!in_bounds || total != ivm_gb_iterations(st) || total != ITERATIONS) {
    ivm_gb_skip_with_error(st, "batches out of bounds or miscounted");
    return;
  }
  ivm_gb_set_items_processed(st, total);
  ivm_gb_set_bytes_processed(st, 8 * total);
  ivm_gb_set_label(st, "batched");
  /* per_iteration = 1000 / 1000 iterations; inverted = 1 / 4. */
  expect(ivm_gb_counter(st, "per_iteration", (double)ITERATIONS,
                        IVM_GB_AVG_ITERATIONS) == 0, "per-iteration counter");
  expect(ivm_gb_counter(st, "inverted", 4.0, IVM_GB_INVERT) == 0,
         "inverted counter");
  expect(ivm_gb_counter(st, "batches", (double)batches, 0) == 0,
         "plain counter");
  expect(ivm_gb_counter(st, "kibi", 2048.0, IVM_GB_BASE_1024) == 0,
         "1024-based counter");
  expect(ivm_gb_counter(st, "bad", 1.0, 0x1000u) == -1,
         "an unknown counter flag is refused");
  expect(ivm_gb_counter(st, "", 1.0, 0) == -1, "an empty name is refused");
}

static void run_after_end(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, 0, &n)) continue;
  if (ivm_gb_keep_running_batch(st, 0, &n) || n != 0)
    ivm_gb_skip_with_error(st, "a batch after the end");
}

static void run_early_return(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  ivm_gb_keep_running_batch(st, 1, &n);
}

static void run_pause_twice(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, 0, &n)) {
    ivm_gb_pause_timing(st);
    ivm_gb_pause_timing(st);
    ivm_gb_resume_timing(st);
  }
}

static void run_resume_running(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, 0, &n)) ivm_gb_resume_timing(st);
}

static void run_loop_paused(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, 0, &n)) ivm_gb_pause_timing(st);
}

static void run_skip(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, 0, &n)) {
    ivm_gb_skip_with_error(st, "deliberate");
    ivm_gb_skip_with_error(st, "second message");
  }
  expect(ivm_gb_error_occurred(st), "error_occurred after a skip");
}

/* Cost proportional to the argument, so the O(N) fit has a clean slope. */
static void run_linear(ivm_gb_state *st, void *ctx) {
  int64_t n, arg = ivm_gb_argument(st);
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, 0, &n))
    for (int64_t i = 0; i < n; i++)
      for (int64_t k = 0; k < arg * 1000; k++) sink += k;
  ivm_gb_set_complexity_n(st, arg);
}

/* Configuration calls: bad arguments are refused, good ones accepted. */
static void check_configuration(void) {
  ivm_gb_bench *b = ivm_gb_register("shim/config", run_after_end, NULL);
  expect(b != NULL, "register");
  expect(!ivm_gb_register(NULL, run_after_end, NULL), "NULL name refused");
  expect(!ivm_gb_register("", run_after_end, NULL), "empty name refused");
  expect(!ivm_gb_register("shim/x", NULL, NULL), "NULL function refused");
  expect(ivm_gb_bench_range(b, 5, 1) == -1, "range lo > hi refused");
  expect(ivm_gb_bench_range(b, -1, 4) == -1, "negative range refused");
  expect(ivm_gb_bench_range_multiplier(b, 1) == -1, "multiplier 1 refused");
  expect(ivm_gb_bench_dense_range(b, 0, 4, 0) == -1, "step 0 refused");
  expect(ivm_gb_bench_dense_range(b, 0, INT64_MAX, 1) == -1,
         "a dense range past int64 refused");
  expect(ivm_gb_bench_complexity(b, (ivm_gb_bigo)99) == -1,
         "unknown complexity refused");
  expect(ivm_gb_bench_min_time(b, 0) == -1, "min_time 0 refused");
  expect(ivm_gb_bench_iterations(b, 0) == -1, "0 iterations refused");
  expect(ivm_gb_bench_iterations(b, 3) == 0, "iterations");
  expect(ivm_gb_bench_min_time(b, 0.01) == -1,
         "min_time after iterations refused");
  expect(ivm_gb_bench_arg(NULL, 1) == -1, "NULL benchmark refused");
  expect(ivm_gb_add_context("shim_key", "shim value") == 0, "context");
  expect(ivm_gb_add_context("shim_key", "other") == -1,
         "a context key given twice refused");
  expect(ivm_gb_add_context("", "v") == -1, "an empty context key refused");
}

static void add(const char *name, ivm_gb_fn fn, int64_t iterations) {
  ivm_gb_bench *b = ivm_gb_register(name, fn, NULL);
  expect(b && ivm_gb_bench_iterations(b, iterations) == 0, name);
}

int main(int argc, char **argv) {
  if (ivm_gb_initialize(&argc, argv, NULL) != 0 ||
      ivm_gb_report_unrecognized_arguments(argc, argv))
    return 2;
  check_configuration();
  add("shim/batches", run_batches, ITERATIONS);
  add("shim/after_end", run_after_end, 10);
  add("shim/early_return", run_early_return, 10);
  add("shim/pause_twice", run_pause_twice, 10);
  add("shim/resume_running", run_resume_running, 10);
  add("shim/loop_paused", run_loop_paused, 10);
  add("shim/skip", run_skip, 10);
  ivm_gb_bench *b = ivm_gb_register("shim/linear", run_linear, NULL);
  expect(b && ivm_gb_bench_dense_range(b, 1, 4, 1) == 0 &&
             ivm_gb_bench_min_time(b, 0.01) == 0 &&
             ivm_gb_bench_complexity(b, IVM_GB_ON) == 0,
         "shim/linear");
  long ran = ivm_gb_run_specified_benchmarks();
  expect(ran == 12, "12 benchmarks ran (config, 7 single, 4 linear)");
  expect(ivm_gb_failed_runs() == 5, "5 runs failed (the misuse and skips)");
  ivm_gb_shutdown();
  if (failures) fprintf(stderr, "%d shim check(s) failed\n", failures);
  return failures ? 1 : 0;
}

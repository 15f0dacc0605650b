/* gbench.h - Google Benchmark from C: register benchmarks, time them in
 * batches, report counters, labels and complexity fits.
 *
 * Usage:
 *
 *     #include "gbench.h"
 *
 *     // Untimed set-up before the loop; timing starts with the first batch.
 *     static void bench_find(ivm_gb_state *st, void *ctx) {
 *       ivm *m = prepare(ctx, ivm_gb_argument(st));   // argument = spans
 *       if (!m) { ivm_gb_skip_with_error(st, "out of memory"); return; }
 *       int64_t n, j = 0;
 *       while (ivm_gb_keep_running_batch(st, 0, &n))   // one call per batch
 *         for (int64_t i = 0; i < n; i++)
 *           ivm_find(m, at(j++), 8, NULL, NULL);
 *       ivm_gb_set_items_processed(st, ivm_gb_iterations(st));
 *       ivm_gb_set_complexity_n(st, ivm_gb_argument(st));
 *     }
 *
 *     int main(int argc, char **argv) {
 *       if (ivm_gb_initialize(&argc, argv, NULL) != 0 ||   // --benchmark_*
 *           ivm_gb_report_unrecognized_arguments(argc, argv)) return 1;
 *       ivm_gb_bench *b = ivm_gb_register("find", bench_find, NULL);
 *       if (!b || ivm_gb_bench_range_multiplier(b, 4) != 0 ||
 *           ivm_gb_bench_range(b, 1 << 10, 1 << 20) != 0 ||
 *           ivm_gb_bench_complexity(b, IVM_GB_OAUTO) != 0) return 1;
 *       int rc = ivm_gb_run_specified_benchmarks() > 0 ? 0 : 1;
 *       ivm_gb_shutdown();
 *       return rc;
 *     }
 *
 * The run function is called several times per benchmark (Google Benchmark
 * grows the iteration count until the minimum time is reached), so expensive
 * preparation belongs in the context and is reused across calls.
 *
 * Cost. The C side pays one call per batch of iterations, not one per
 * iteration: ivm_gb_keep_running_batch hands out up to max_batch iterations
 * at a time and the caller loops over them itself.
 *
 * Errors. Functions returning int give 0 on success and -1 on bad arguments
 * or memory exhaustion; they print the reason to stderr and change nothing.
 * Misuse inside a run (pausing twice, returning before the loop ended) turns
 * into a skipped benchmark with the reason as its error message instead of
 * an abort. No C++ exception ever reaches the caller.
 *
 * Threads. Benchmarks run on the calling thread; the shim registers no
 * multi-threaded benchmarks. */
#ifndef IVM_GBENCH_H
#define IVM_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ivm_gb_bench ivm_gb_bench; /* a registered benchmark family */
typedef struct ivm_gb_state ivm_gb_state; /* one run of a benchmark */

/* The body of a benchmark: set up, loop over batches, report. */
typedef void (*ivm_gb_fn)(ivm_gb_state *st, void *ctx);

/* Asymptotic complexity to fit (Google Benchmark's BigO). IVM_GB_OAUTO picks
 * the best of the others by least squares. */
typedef enum ivm_gb_bigo {
  IVM_GB_O1 = 1,
  IVM_GB_ON,
  IVM_GB_ONSQUARED,
  IVM_GB_ONCUBED,
  IVM_GB_OLOGN,
  IVM_GB_ONLOGN,
  IVM_GB_OAUTO,
} ivm_gb_bigo;

/* Flags of ivm_gb_counter (Google Benchmark's Counter::Flags); combine with
 * '|'. Without any, the value is reported as given. */
#define IVM_GB_RATE 0x1u                /* divided by the run's seconds */
#define IVM_GB_AVG_THREADS 0x2u         /* divided by the thread count */
#define IVM_GB_ITERATION_INVARIANT 0x4u /* multiplied by the iterations */
#define IVM_GB_AVG_ITERATIONS 0x8u      /* divided by the iterations */
#define IVM_GB_INVERT 0x10u             /* 1/x, applied last */
#define IVM_GB_BASE_1024 0x20u          /* k = 1024 (default 1000) */

/* ---- Program ----------------------------------------------------------- */

/* Parses the --benchmark_* flags and removes them from argv. --help prints
 * Google Benchmark's help, then calls help (may be NULL) for the program's
 * own options, and exits with status 0. */
int ivm_gb_initialize(int *argc, char **argv, void (*help)(void));
/* Prints every argument after argv[0] as unrecognized; true if there was
 * any (the program should then exit non-zero). */
bool ivm_gb_report_unrecognized_arguments(int argc, char **argv);
/* Runs the benchmarks matching --benchmark_filter, reporting to the console
 * and to --benchmark_out. Returns how many matched (0 prints an error), or
 * -1 when the run failed (reason on stderr). */
long ivm_gb_run_specified_benchmarks(void);
/* How many runs so far ended with an error (reported as such). */
long ivm_gb_failed_runs(void);
/* Releases what the library holds. Call once, after the run. */
void ivm_gb_shutdown(void);
/* Adds key = value to the "context" of every report (JSON and console). */
int ivm_gb_add_context(const char *key, const char *value);

/* ---- Registration ------------------------------------------------------ */

/* Registers a benchmark family named name whose runs call fn(state, ctx).
 * ctx is borrowed and must outlive the run. NULL on bad arguments or
 * memory exhaustion. The family is owned by the library. */
ivm_gb_bench *ivm_gb_register(const char *name, ivm_gb_fn fn, void *ctx);
/* One run with argument x (read it with ivm_gb_argument). */
int ivm_gb_bench_arg(ivm_gb_bench *b, int64_t x);
/* Runs with arguments lo, then powers of the range multiplier strictly
 * between lo and hi, then hi. Requires 0 <= lo <= hi. */
int ivm_gb_bench_range(ivm_gb_bench *b, int64_t lo, int64_t hi);
/* The multiplier of later ivm_gb_bench_range calls (default 8); >= 2. */
int ivm_gb_bench_range_multiplier(ivm_gb_bench *b, int multiplier);
/* Runs with arguments lo, lo + step, ... up to hi. lo <= hi, step >= 1. */
int ivm_gb_bench_dense_range(ivm_gb_bench *b, int64_t lo, int64_t hi,
                             int step);
/* Fits this complexity over the family's runs (each sets its N with
 * ivm_gb_set_complexity_n); reported as NAME_BigO and NAME_RMS rows. At
 * least two runs of the family must run for a fit to appear. */
int ivm_gb_bench_complexity(ivm_gb_bench *b, ivm_gb_bigo o);
/* Minimum timed seconds per run (> 0), overriding --benchmark_min_time.
 * Excludes ivm_gb_bench_iterations. */
int ivm_gb_bench_min_time(ivm_gb_bench *b, double seconds);
/* Exactly this many iterations (> 0) per run. Excludes ..._min_time. */
int ivm_gb_bench_iterations(ivm_gb_bench *b, int64_t n);

/* ---- Inside a run ------------------------------------------------------ */

/* Grants the next batch of iterations: true with *n in [1, max_batch] (any
 * size up to what remains when max_batch <= 0), or false when the run is
 * over. The first call starts the timer; the call returning false stops it.
 * Must be called until it returns false (or after ivm_gb_skip_with_error). */
bool ivm_gb_keep_running_batch(ivm_gb_state *st, int64_t max_batch,
                               int64_t *n);
/* Stops and restarts the timer around untimed work between batches. Each
 * costs a few clock reads, so do it per batch, not per iteration. */
void ivm_gb_pause_timing(ivm_gb_state *st);
void ivm_gb_resume_timing(ivm_gb_state *st);
/* This run's argument; 0 for a family registered without arguments. */
int64_t ivm_gb_argument(const ivm_gb_state *st);
/* Iterations granted so far. */
int64_t ivm_gb_iterations(const ivm_gb_state *st);
/* Marks the run failed with msg (copied); the loop ends at the next
 * ivm_gb_keep_running_batch. A later call keeps the first message.
 * Google Benchmark 1.7.1 crashes when every run of a family with a
 * complexity fit fails (it takes the first of its successful runs without
 * checking there is one), so give a fit only to families that can succeed:
 * check what could fail before registering them. */
void ivm_gb_skip_with_error(ivm_gb_state *st, const char *msg);
bool ivm_gb_error_occurred(const ivm_gb_state *st);

/* After the loop: the run's throughput counters, label and complexity N. */
void ivm_gb_set_items_processed(ivm_gb_state *st, int64_t items);
void ivm_gb_set_bytes_processed(ivm_gb_state *st, int64_t bytes);
void ivm_gb_set_complexity_n(ivm_gb_state *st, int64_t n);
void ivm_gb_set_label(ivm_gb_state *st, const char *label);
/* A named counter with IVM_GB_* flags; -1 for a NULL/empty name or an
 * unknown flag. */
int ivm_gb_counter(ivm_gb_state *st, const char *name, double value,
                   unsigned flags);

#ifdef __cplusplus
}
#endif
#endif /* IVM_GBENCH_H */

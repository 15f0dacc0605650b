/* compare.h - the side-by-side comparison of implementations on one stream:
 * the agreement check first, then throughput, latency and memory.
 *
 * Usage:
 *
 *     ivm_compare_config cfg = ivm_compare_defaults();
 *     cfg.impls = selected;
 *     cfg.impl_count = n;
 *     cfg.clock = &clock;
 *     ivm_compare_result res;
 *     char err[256];
 *     if (ivm_compare_run(&stream, &cfg, &res, err, sizeof err) != IVM_OK)
 *       die(err);
 *     if (!res.agreed) ...;            // res.impls[i].mismatch says where
 *     ivm_compare_free(&res);
 *
 * Order of work, per implementation in the selection:
 *  1. Agreement: the oracle (the reference by default) runs the whole stream
 *     once and its results are recorded; every other implementation runs it
 *     and is compared operation by operation, then on the final spans,
 *     totals, statistics, check() and leaks. Memory figures come from this
 *     run, through the counting allocator. Any disagreement ends the
 *     comparison: nothing is timed.
 *  2. Throughput: `warmup` untimed passes, then `repeat` passes timed as one
 *     block each (no per-operation timers), interleaving implementations so
 *     that noise spreads evenly; the median and min-max are reported, with
 *     the thread CPU time of the passes beside the wall time. Each round
 *     also times the floor (floor.h), a manager that stores nothing: what
 *     the loop and the front door cost per operation.
 *  3. Latency: one more pass timing every operation, summarised overall and
 *     per operation kind.
 * The implementation named "reference" is O(n) per operation; when the
 * measured operations times the live spans exceed IVM_REFERENCE_TIMING_LIMIT
 * it is left out of steps 2 and 3 (never out of step 1) unless
 * time_reference is set, and `untimed_note` says so.
 */
#ifndef IVM_HARNESS_COMPARE_H
#define IVM_HARNESS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "clock.h"
#include "measure.h"
#include "op.h"
#include "percentiles.h"
#include "term.h"

/* Measured operations x live spans beyond which "reference" is not timed. */
#define IVM_REFERENCE_TIMING_LIMIT 2000000000.0

typedef struct ivm_compare_config {
  const struct ivm_ops *const *impls;
  size_t impl_count;
  const struct ivm_ops *oracle; /* whose results are the truth */
  int warmup;
  int repeat;
  bool latency;          /* run step 3 */
  bool time_reference;   /* time "reference" however large the run */
  const ivm_clock *clock;
  ivm_progress *progress; /* NULL: none */
} ivm_compare_config;

typedef struct ivm_impl_figures {
  const char *name;
  bool peer;
  bool agrees;
  ivm_mismatch mismatch; /* when !agrees */
  bool timed;
  double *pass_ns;       /* total of each timed pass, in order */
  double *pass_cpu_ns;   /* the thread CPU time of each pass */
  size_t passes;
  ivm_spread total_ns;   /* median, min and max of pass_ns */
  ivm_spread cpu_ns;     /* the same of pass_cpu_ns */
  double ns_per_op;      /* median total / measured operations */
  double ops_per_sec;
  double relative;       /* median total / the fastest one's (1 = fastest) */
  ivm_latency latency;
  ivm_latency by_kind[IVM_OP_KINDS];
  int64_t live_spans;    /* at the end of the run */
  ivm_alloc_count memory;
  double bytes_per_span; /* live bytes / live spans at the end; 0 if none */
} ivm_impl_figures;

typedef struct ivm_compare_result {
  size_t measured;                   /* operations timed per pass */
  size_t setup;                      /* operations played before timing */
  size_t kind_count[IVM_OP_KINDS];   /* measured operations per kind */
  const char *oracle;
  bool agreed;                       /* every implementation agreed */
  ivm_mismatch oracle_mismatch;      /* the oracle failed its own check */
  int64_t final_spans;
  int64_t final_total;
  ivm_impl_figures *impls;           /* impl_count entries, in cfg order */
  size_t impl_count;
  int fastest;                       /* index into impls; -1 if none timed */
  double *floor_pass_ns;             /* each timed pass of the floor */
  size_t floor_passes;
  double floor_ns_per_op;            /* median pass / measured operations */
  char untimed_note[256];            /* why an implementation was not timed */
} ivm_compare_result;

/* warmup 1, repeat 5, latency on, oracle "reference", nothing selected. */
ivm_compare_config ivm_compare_defaults(void);

/* Runs the comparison. Returns IVM_OK when it could be run (check
 * out->agreed for the verdict), else a negative status with the reason in
 * err (out of memory, an implementation that cannot be created). */
int ivm_compare_run(const ivm_stream *s, const ivm_compare_config *cfg,
                    ivm_compare_result *out, char *err, size_t err_len);
void ivm_compare_free(ivm_compare_result *r);

#endif /* IVM_HARNESS_COMPARE_H */

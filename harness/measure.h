/* measure.h - running a stream on one implementation: the checked run that
 * records or verifies every result, and the timed runs.
 *
 * Usage:
 *
 *     ivm_outcome want, got;
 *     ivm_mismatch mm;
 *     char err[256];
 *     ivm_outcome_run(oracle, &s, NULL, NULL, &want, &mm, NULL, NULL, err,
 *                     sizeof err);
 *     ivm_outcome_run(impl, &s, &want, "reference", &got, &mm, NULL, NULL,
 *                     err, sizeof err);
 *     if (mm.differs) printf("%s\n", mm.what);   // first differing op
 *
 *     uint64_t ticks;
 *     ivm_time_block(impl, &s, &clock, &ticks);   // measured ops, one timer
 *
 * Every run creates a fresh instance and plays the setup operations first;
 * timed runs time only the measured ones.
 */
#ifndef IVM_HARNESS_MEASURE_H
#define IVM_HARNESS_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc_count.h"
#include "clock.h"
#include "op.h"

/* What a checked run leaves behind. */
typedef struct ivm_outcome {
  ivm_result *results;   /* one per operation; only when recording */
  ivm_span *spans;       /* the final free spans */
  size_t span_count;
  ivm_stats stats;       /* the final statistics */
  ivm_alloc_count memory; /* at the end of the run, before destroying */
  int64_t leaked_bytes;  /* still allocated after ivm_destroy */
} ivm_outcome;

/* The first difference a checked run found. */
typedef struct ivm_mismatch {
  bool differs;
  size_t op_index;   /* 0-based index into the stream; SIZE_MAX when the
                        operations agreed and the final state differs */
  char what[640];    /* one line: where, the op, both results */
} ivm_mismatch;

/* Called now and then during a checked run (done of total operations). */
typedef void (*ivm_progress_fn)(void *ud, size_t done, size_t total);

/* Runs every operation of s on a fresh instance of impl through the
 * counting allocator. With expect == NULL it records each result into
 * out->results (the oracle's run). Otherwise it compares each result with
 * expect->results and then the final spans, statistics and check() with
 * expect (named expect_name in messages), stopping at the first difference,
 * which *mm describes. A run that fails check() or leaks differs too, even
 * when recording. Returns IVM_OK, or a
 * negative status with the reason in err when the run could not be made at
 * all (creation or recording out of memory). */
int ivm_outcome_run(const struct ivm_ops *impl, const ivm_stream *s,
                    const ivm_outcome *expect, const char *expect_name,
                    ivm_outcome *out, ivm_mismatch *mm,
                    ivm_progress_fn progress, void *progress_ud, char *err,
                    size_t err_len);
void ivm_outcome_free(ivm_outcome *o);

/* A fresh instance of impl with the setup operations of s applied, ready
 * for the measured ones (what every timed run starts from). */
int ivm_prepare(const struct ivm_ops *impl, const ivm_stream *s, ivm **out);
/* Plays the measured operations of s on m, which ivm_prepare made, with
 * nothing else around them. Never inlined, so instruction counters (perf
 * events, callgrind's --toggle-collect=ivm_play_measured) can count
 * exactly this call. */
void ivm_play_measured(ivm *m, const ivm_stream *s);

/* Ticks spent on the measured operations of s, timed as one block, without
 * per-operation timers (for throughput), and the thread CPU time they took
 * (which excludes waiting for the CPU on a busy machine). */
int ivm_time_block(const struct ivm_ops *impl, const ivm_stream *s,
                   const ivm_clock *c, uint64_t *ticks, uint64_t *cpu_ns);
/* Ticks of each measured operation, samples[i] for s->ops[s->setup + i]
 * (for latency). */
int ivm_time_each(const struct ivm_ops *impl, const ivm_stream *s,
                  const ivm_clock *c, uint64_t *samples);

#endif /* IVM_HARNESS_MEASURE_H */

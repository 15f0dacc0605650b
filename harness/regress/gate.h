/* gate.h - the regression gate's measurement and its verdicts: the figures
 * a baseline records, measured so that noise on a shared machine stays
 * well under the thresholds, and their comparison with a baseline.
 *
 * Usage:
 *
 *     ivm_gate_config cfg = ivm_gate_defaults();
 *     cfg.impls = selected;            // the implementations to report
 *     cfg.impl_count = n;
 *     cfg.relative_to = ivm_impls_find("boundary");
 *     cfg.profiles = names;
 *     cfg.profile_count = k;
 *     cfg.clock = &clock;
 *     ivm_gate_result res;
 *     if (ivm_gate_measure(&cfg, &res, err, sizeof err) != IVM_OK) die(err);
 *     if (!res.agreed) ...;            // res.disagreement says where
 *     ivm_gate_free(&res);
 *
 * How noise is kept out, per profile:
 *  - The stream is generated once (the same profile, seed and size as the
 *    baseline's) and every implementation runs exactly it.
 *  - `rounds` comparisons (compare.h) each check agreement, then run
 *    `warmup` untimed and `repeat` timed passes of every implementation,
 *    interleaved, and one latency pass each. The rounds go over all the
 *    profiles in turn, so one profile's rounds are spread over the whole
 *    run and a burst of load on the machine touches only a few of them.
 *  - Throughput is the median thread CPU time of a round's timed passes
 *    (time spent waiting for a busy CPU is not the code's), and it is
 *    turned into a ratio to the relative-to implementation of the same
 *    round: whatever slows the machine down during a round slows both.
 *    The p99 latency is likewise a ratio to the relative-to's p99 of that
 *    round. The figure is the median of the per-round ratios; their min
 *    and max are kept to show how much noise is left.
 *  - Memory (live bytes per live span at the end of the checked run) is
 *    deterministic and needs none of this.
 *  - Instruction counts (icount.h) are deterministic too, and need no
 *    relative-to: with timing off, one comparison still checks agreement
 *    and measures memory, and nothing is timed.
 */
#ifndef IVM_REGRESS_GATE_H
#define IVM_REGRESS_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "compare.h"
#include "icount.h"
#include "percentiles.h"

typedef struct ivm_gate_config {
  const struct ivm_ops *const *impls; /* the implementations to report */
  size_t impl_count;
  const struct ivm_ops *relative_to;  /* needed when timing */
  const char *const *profiles;        /* names or paths */
  size_t profile_count;
  ivm_baseline_settings set;          /* ops, seed, passes, counter */
  bool timing;                        /* measure throughput and p99 */
  /* For the callgrind counter: a command line, NULL-terminated, that plays
   * the measured operations once; the gate appends "--impl NAME --profiles
   * PROFILE --ops N --seed S". */
  char *const *play_argv;
  const ivm_clock *clock;
  ivm_progress *progress;             /* NULL: none */
} ivm_gate_config;

typedef struct ivm_gate_figures {
  ivm_baseline_row row;   /* the measured figures, as a baseline row */
  bool timed;             /* throughput and p99 were measured */
  ivm_spread throughput;  /* the per-round throughput ratios */
  ivm_spread p99;         /* the per-round p99 ratios */
} ivm_gate_figures;

typedef struct ivm_gate_result {
  ivm_gate_figures *rows; /* per profile, then per implementation */
  size_t count;
  bool agreed;
  /* When !agreed: the comparison that failed, for ivm_report_agreement. */
  char disagreement_profile[IVM_PROFILE_NAME_MAX];
  ivm_compare_result disagreement;
} ivm_gate_result;

/* 20,000 operations, seed 42, 15 rounds of 1 warm-up and 3 timed passes,
 * no instruction counter, timing on; nothing selected. */
ivm_gate_config ivm_gate_defaults(void);

/* Measures every selected implementation on every profile. Returns IVM_OK
 * when the measurement could be made (check out->agreed), else a negative
 * status with the reason in err: a profile that cannot be loaded, a counter
 * that fails, the relative-to implementation left untimed. */
int ivm_gate_measure(const ivm_gate_config *cfg, ivm_gate_result *out,
                     char *err, size_t err_len);
void ivm_gate_free(ivm_gate_result *r);

/* ---- Verdicts -------------------------------------------------------------- */

#define IVM_METRIC_MAP(XX)                                  \
  XX(THROUGHPUT, "throughput") /* ratio; higher is better */ \
  XX(P99, "p99")               /* ratio; lower is better */  \
  XX(MEMORY, "memory")         /* bytes/span; lower */       \
  XX(INSTRUCTIONS, "instructions") /* per op; lower */

typedef enum ivm_metric {
#define IVM_METRIC_ENUM(name, text) IVM_METRIC_##name,
  IVM_METRIC_MAP(IVM_METRIC_ENUM)
#undef IVM_METRIC_ENUM
  IVM_METRICS
} ivm_metric;

typedef enum ivm_verdict {
  IVM_VERDICT_OK,
  IVM_VERDICT_REGRESSED,
  IVM_VERDICT_IMPROVED,
  IVM_VERDICT_UNMEASURED, /* in the baseline, not measurable now */
} ivm_verdict;

/* What the gate compares, and how. */
typedef enum ivm_gate_mode {
  IVM_GATE_RATIO,        /* throughput, p99 and memory */
  IVM_GATE_INSTRUCTIONS, /* instruction counts and memory */
} ivm_gate_mode;

typedef struct ivm_gate_row {
  char impl[IVM_BASELINE_NAME_MAX];
  char profile[IVM_PROFILE_NAME_MAX];
  ivm_metric metric;
  double baseline;
  double now;       /* the median */
  double now_min;   /* the per-round spread; equal to now when exact */
  double now_max;
  double change;    /* now / baseline - 1 */
  ivm_verdict verdict;
} ivm_gate_row;

typedef struct ivm_gate_verdicts {
  ivm_gate_row *rows;
  size_t count;
  size_t tally[4];  /* rows per verdict */
} ivm_gate_verdicts;

/* Allowed change per metric, as a fraction (0.10 = 10%). */
typedef struct ivm_gate_thresholds {
  double limit[IVM_METRICS];
} ivm_gate_thresholds;

/* throughput 10%, p99 20%, memory 10%, instructions 2%. */
ivm_gate_thresholds ivm_gate_default_thresholds(void);

/* "throughput", "p99", ... */
const char *ivm_metric_name(ivm_metric m);
/* "ok", "regressed", "improved", "unmeasured". */
const char *ivm_verdict_name(ivm_verdict v);

/* Compares every measured figure with its baseline row, in the measured
 * order, metric by metric: in ratio mode throughput, p99 (not for the
 * relative-to implementation, whose ratios are 1 by definition) and
 * memory; in instruction mode instructions and memory. A change beyond the
 * threshold in the bad direction is `regressed`, in the good one
 * `improved`. A pure function; IVM_NOMEM is its only failure. */
int ivm_gate_judge(const ivm_baseline *base, const ivm_gate_result *now,
                   ivm_gate_mode mode, const ivm_gate_thresholds *t,
                   ivm_gate_verdicts *out);
void ivm_gate_verdicts_free(ivm_gate_verdicts *v);

#endif /* IVM_REGRESS_GATE_H */

/* report_regress.h - the gate's reports as pure functions: verdicts and
 * measured figures in, text out, byte-stable for golden files.
 *
 * Usage:
 *
 *     ivm_regress_meta meta = {.baseline_path = path, .baseline = &base,
 *                              .mode = IVM_GATE_RATIO, .thresholds = &t,
 *                              .profiles = 5, .impls = 7, .rounds = 7};
 *     ivm_report_regress_text(stdout, &meta, &verdicts, color);
 */
#ifndef IVM_REGRESS_REPORT_REGRESS_H
#define IVM_REGRESS_REPORT_REGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "baseline.h"
#include "gate.h"

typedef struct ivm_regress_meta {
  const char *baseline_path;
  const ivm_baseline *baseline;
  ivm_gate_mode mode;
  const ivm_gate_thresholds *thresholds;
  size_t profiles;       /* measured now */
  size_t impls;
  int rounds;            /* used now */
  const char *const *notes; /* printed before the table, one a line */
  size_t note_count;
} ivm_regress_meta;

/* The header, one row per implementation x profile x metric with baseline,
 * now, the per-round spread, change and verdict, then the summary: counts
 * per verdict, every regressed row again, and the verdict of the gate. */
void ivm_report_regress_text(FILE *out, const ivm_regress_meta *meta,
                             const ivm_gate_verdicts *v, bool color);

/* What `ivmprof baseline` measured: one row per implementation x profile
 * with the raw medians, the ratios and their per-round spread, memory and
 * instructions. */
void ivm_report_baseline_text(FILE *out, const ivm_baseline_settings *set,
                              const ivm_gate_result *r, bool color);

#endif /* IVM_REGRESS_REPORT_REGRESS_H */

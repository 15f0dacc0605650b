/* report.h - reports as pure functions: collected figures in, text or JSON
 * out. Nothing here measures, reads the clock or looks at the terminal, so
 * the same figures always give the same bytes and golden files can pin
 * them.
 *
 * Usage:
 *
 *     ivm_report_meta meta = {.command = "compare", .workload = "standard",
 *                             .seed = 42, .env = &env, .clock = &clock};
 *     ivm_report_compare_text(stdout, &meta, &result, ivm_term_color(stdout));
 *     ivm_report_compare_json(json_file, &meta, &result);
 */
#ifndef IVM_HARNESS_REPORT_H
#define IVM_HARNESS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"
#include "compare.h"
#include "env.h"
#include "json.h"
#include "scale.h"

/* Where the operations came from and how they were measured. */
typedef struct ivm_report_meta {
  const char *command;   /* "compare", "scale" */
  const char *workload;  /* profile name, or trace path when from_trace */
  bool from_trace;
  uint64_t seed;         /* meaningless for a trace */
  bool has_domain;
  int64_t domain_lo;
  int64_t domain_hi;
  int warmup;
  int repeat;
  const ivm_env *env;
  const ivm_clock *clock;
} ivm_report_meta;

void ivm_report_compare_text(FILE *out, const ivm_report_meta *meta,
                             const ivm_compare_result *r, bool color);
void ivm_report_compare_json(FILE *out, const ivm_report_meta *meta,
                             const ivm_compare_result *r);

void ivm_report_scale_text(FILE *out, const ivm_report_meta *meta,
                           const ivm_scale_result *r, bool color);
void ivm_report_scale_json(FILE *out, const ivm_report_meta *meta,
                           const ivm_scale_result *r);

/* ---- Shared by the report_*.c files ------------------------------------ */

/* The "environment", "timer" and "workload" members of a JSON report. */
void ivm_report_json_meta(ivm_json *j, const ivm_report_meta *meta);
/* 1234567 -> "1,234,567". */
void ivm_report_count(char *buf, size_t size, int64_t v);
/* A bar of `width` characters scaled by fraction (0..1), at least one. */
void ivm_report_bar(char *buf, size_t size, double fraction, int width);
/* The agreement lines, each starting with prefix: who agreed, or every
 * disagreement. */
void ivm_report_agreement(FILE *out, const char *prefix,
                          const ivm_compare_result *r, bool color);
/* The timer and passes lines. */
void ivm_report_timing(FILE *out, const ivm_report_meta *meta, bool latency);
/* The members of a comparison inside an open JSON object: operations,
 * agreement, note, fastest and the implementations' figures. */
void ivm_report_compare_members(ivm_json *j, const ivm_compare_result *r);

#endif /* IVM_HARNESS_REPORT_H */

/* baseline.h - the regression baseline: per implementation and profile the
 * figures `ivmprof regress` compares a fresh measurement with, and how they
 * were measured, in a line file meant to be committed and diffed
 * (profiles/baseline.txt).
 *
 * Usage:
 *
 *     ivm_baseline b;
 *     char err[512];
 *     if (ivm_baseline_load("profiles/baseline.txt", &b, err, sizeof err)) {
 *       fprintf(stderr, "%s\n", err);    // "profiles/baseline.txt:14: ..."
 *       exit(2);
 *     }
 *     const ivm_baseline_row *r = ivm_baseline_find(&b, "summary",
 *                                                   "standard");
 *     ivm_baseline_free(&b);
 *
 * The file. A line whose first non-blank character is `#` is a comment;
 * blank lines are ignored; everything else is one of:
 *
 *   ivm-baseline 1              the first line: the format and its version
 *   relative-to NAME            throughput and p99 are ratios to NAME,
 *                               measured in the same run
 *   ops N                       measured operations per profile
 *   seed S                      the workload generator's seed
 *   warmup W                    untimed passes per round
 *   repeat K                    timed passes per round (their median)
 *   rounds R                    rounds (the median of per-round ratios)
 *   instructions COUNTER        none, perf or callgrind (see icount.h)
 *   compiler TEXT               these five describe the environment; the
 *   flags TEXT                  value is the rest of the line
 *   cpu TEXT
 *   date TEXT
 *   commit TEXT
 *   row IMPL PROFILE KEY=VALUE...
 *
 * Every setting from relative-to to instructions is required, once. A row's
 * keys: throughput_ratio and p99_ratio (what the gate compares), ops_per_sec
 * and p99_ns (the raw medians, for people), bytes_per_span, and
 * instructions_per_op exactly when the counter is not none. Each
 * (IMPL, PROFILE) appears once. Anything else is an error naming the line.
 */
#ifndef IVM_REGRESS_BASELINE_H
#define IVM_REGRESS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "icount.h"
#include "workload.h"

#define IVM_BASELINE_VERSION 1
#define IVM_BASELINE_NAME_MAX 64

/* How the figures were measured; a fresh measurement must use the same. */
typedef struct ivm_baseline_settings {
  char relative_to[IVM_BASELINE_NAME_MAX];
  int64_t ops;
  uint64_t seed;
  int warmup;
  int repeat;
  int rounds;
  ivm_icount_kind instructions;
} ivm_baseline_settings;

typedef struct ivm_baseline_row {
  char impl[IVM_BASELINE_NAME_MAX];
  char profile[IVM_PROFILE_NAME_MAX];
  double throughput_ratio; /* ops/s of impl / ops/s of relative-to */
  double p99_ratio;        /* p99 of impl / p99 of relative-to */
  double ops_per_sec;      /* per second of thread CPU time */
  double p99_ns;
  double bytes_per_span;
  double instructions_per_op; /* 0 when not counted */
} ivm_baseline_row;

typedef struct ivm_baseline {
  ivm_baseline_settings set;
  char compiler[128];
  char flags[512];
  char cpu[160];
  char date[48];
  char commit[80];
  ivm_baseline_row *rows;
  size_t count;
  size_t cap;
} ivm_baseline;

/* Reads and checks a baseline file. IVM_INVAL with "FILE:LINE: reason" (or
 * "FILE: reason") in err when it is missing, unreadable or malformed; *b is
 * then empty. */
int ivm_baseline_load(const char *path, ivm_baseline *b, char *err,
                      size_t err_len);
/* The same for text in memory; origin names it in messages. */
int ivm_baseline_parse(const char *text, const char *origin, ivm_baseline *b,
                       char *err, size_t err_len);

/* Writes b in the file format, rows in their order. A pure function of b. */
void ivm_baseline_print(FILE *out, const ivm_baseline *b);
/* Writes b to path through a temporary file renamed over it, so a failure
 * never leaves a half-written baseline. IVM_OK, or IVM_INVAL with the
 * reason in err. */
int ivm_baseline_write(const char *path, const ivm_baseline *b, char *err,
                       size_t err_len);

/* Adds row, or replaces the row of the same implementation and profile.
 * IVM_INVAL with the reason in err when a name is empty, too long or holds
 * a blank or '=' (it could not be read back); IVM_NOMEM. */
int ivm_baseline_put(ivm_baseline *b, const ivm_baseline_row *row, char *err,
                     size_t err_len);
/* NULL when there is no such row. */
const ivm_baseline_row *ivm_baseline_find(const ivm_baseline *b,
                                          const char *impl,
                                          const char *profile);
/* Sorts the rows by profile, then by `order` of the implementation (its
 * index in the harness's list; unknown names after, by name). */
void ivm_baseline_sort(ivm_baseline *b, int (*order)(const char *impl));

/* True when a and b were measured alike: the same settings, compiler,
 * flags and CPU. Otherwise why names the first difference. */
bool ivm_baseline_comparable(const ivm_baseline *a, const ivm_baseline *b,
                             char *why, size_t why_len);

void ivm_baseline_free(ivm_baseline *b);

#endif /* IVM_REGRESS_BASELINE_H */

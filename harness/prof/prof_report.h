/* prof_report.h - the profile as text: the run header, the pstats table with
 * callers and callees, and the two ASCII flame charts.
 *
 * Usage:
 *
 *     ivm_prof_report_header(stdout, &run, &stats);
 *     ivm_prof_report_pstats(stdout, &tree, &stats, IVM_PROF_SORT_CUMULATIVE,
 *                            25, 5);
 *     ivm_prof_chart chart = {.width = 100, .rows = 15, .color = false};
 *     ivm_prof_report_top(stdout, &tree, &stats, &chart);
 *     ivm_prof_report_stack(stdout, &tree, &stats, &chart);
 *
 * Every function here is pure: the same data and options give the same bytes,
 * whatever the terminal, so tests compare them with golden files. Deciding
 * the width and whether to colour is the caller's business (see
 * ivm_prof_chart_for). Times print in milliseconds, per-call times in
 * microseconds. */
#ifndef IVM_PROF_PROF_REPORT_H
#define IVM_PROF_PROF_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "calltree.h"

/* How a profile was taken; printed above every table. */
typedef struct ivm_prof_run {
  const char *impl;
  const char *profile;
  uint64_t seed;
  uint64_t ops;          /* operations in the measured phase */
  uint64_t ops_sampled;  /* of which ran on the instrumented build */
  double rate;           /* the requested sample rate, 0 < rate <= 1 */
  double hook_ns;        /* per-call cost subtracted (calibrated) */
  double call_ns;        /* per-call cost measured on the run, 0: noise */
  uint64_t calls;        /* calls recorded, op frames included */
  uint64_t ops_dropped;  /* sampled, but timed while the thread waited */
  int64_t plain_ns;      /* CPU time of the phase on the normal build */
  int64_t profiled_ns;   /* CPU time of it with instrumentation at rate */
  int64_t wall_ns;       /* wall time of the profiled phase */
} ivm_prof_run;

/* What the run measured and how: implementation, sampling (measured versus
 * extrapolated figures), the cost subtracted and the overhead in percent. */
void ivm_prof_report_header(FILE *out, const ivm_prof_run *run,
                            const ivm_prof_stats *s);

/* The pstats table ordered by key, at most limit rows (0: all), then the
 * callers and the callees of the first `related` rows. */
void ivm_prof_report_pstats(FILE *out, const ivm_prof_tree *t,
                            const ivm_prof_stats *s, ivm_prof_sort key,
                            size_t limit, size_t related);

typedef struct ivm_prof_chart {
  int width;  /* columns available, at least 40 is useful */
  int rows;   /* functions in the top chart, depth rows in the stack view */
  bool color; /* ANSI colours; false gives plain ASCII */
} ivm_prof_chart;

/* Width and colour for out: COLUMNS when set, else the terminal's width
 * (TIOCGWINSZ), else 100; colour as ivm_term_color decides (a terminal and
 * no NO_COLOR). */
ivm_prof_chart ivm_prof_chart_for(FILE *out, int rows);

/* Top functions by cumulative time: Function, Time, Calls and a bar
 * proportional to the time. */
void ivm_prof_report_top(FILE *out, const ivm_prof_tree *t,
                         const ivm_prof_stats *s, const ivm_prof_chart *c);

/* The merged call stacks as a text flame graph: one row per depth, the root
 * at the bottom, each frame as wide as its inclusive time. */
void ivm_prof_report_stack(FILE *out, const ivm_prof_tree *t,
                           const ivm_prof_stats *s, const ivm_prof_chart *c);

#endif /* IVM_PROF_PROF_REPORT_H */

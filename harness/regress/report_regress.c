/* report_regress.c - the regression gate's console reports. Pure functions
 * of the verdicts or figures they are given, like every report. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "report.h"
#include "report_regress.h"
#include "table.h"

/* A figure as the row shows it: ratios with an x, memory in bytes. */
static void figure(char *buf, size_t size, ivm_metric m, double v) {
  switch (m) {
    case IVM_METRIC_THROUGHPUT:
    case IVM_METRIC_P99: snprintf(buf, size, "%.3fx", v); break;
    case IVM_METRIC_MEMORY: snprintf(buf, size, "%.1f B", v); break;
    default: snprintf(buf, size, "%.1f", v); break;
  }
}

static void percent(char *buf, size_t size, double fraction) {
  snprintf(buf, size, "%g%%", fraction * 100);
}

static void header(FILE *out, const ivm_regress_meta *m) {
  const ivm_baseline *b = m->baseline;
  const ivm_baseline_settings *set = &b->set;
  fprintf(out, "ivmprof regress: baseline %s", m->baseline_path);
  if (b->date[0]) fprintf(out, ", written %s", b->date);
  if (b->commit[0]) fprintf(out, " at commit %s", b->commit);
  fputc('\n', out);
  if (b->compiler[0] || b->cpu[0])
    fprintf(out, "baseline machine: %s; %s\n",
            b->compiler[0] ? b->compiler : "compiler unknown",
            b->cpu[0] ? b->cpu : "cpu unknown");
  char ops[32];
  ivm_report_count(ops, sizeof ops, set->ops);
  fprintf(out, "measured: %zu profile%s x %zu implementation%s, %s "
          "operations each, seed %" PRIu64 "\n", m->profiles,
          m->profiles == 1 ? "" : "s", m->impls, m->impls == 1 ? "" : "s",
          ops, set->seed);
  const ivm_gate_thresholds *t = m->thresholds;
  char a[32], c[32], d[32];
  percent(c, sizeof c, t->limit[IVM_METRIC_MEMORY]);
  if (m->mode == IVM_GATE_RATIO) {
    percent(a, sizeof a, t->limit[IVM_METRIC_THROUGHPUT]);
    percent(d, sizeof d, t->limit[IVM_METRIC_P99]);
    fprintf(out, "mode ratio: throughput (operations per CPU second) and "
            "p99 latency as ratios to %s\nmeasured in the same round, the "
            "median of %d rounds of %d warm-up + %d timed passes;\nmemory in "
            "bytes per live span\n", set->relative_to, m->rounds, set->warmup,
            set->repeat);
    fprintf(out, "thresholds: throughput %s, p99 %s, memory %s\n", a, d, c);
  } else {
    percent(a, sizeof a, t->limit[IVM_METRIC_INSTRUCTIONS]);
    fprintf(out, "mode instructions: instructions per measured operation "
            "counted by %s; memory in\nbytes per live span\n",
            ivm_icount_name(set->instructions));
    fprintf(out, "thresholds: instructions %s, memory %s\n", a, c);
  }
  for (size_t i = 0; i < m->note_count; i++)
    fprintf(out, "note: %s\n", m->notes[i]);
}

static ivm_mark mark_of(ivm_verdict v) {
  switch (v) {
    case IVM_VERDICT_REGRESSED: return IVM_MARK_BAD;
    case IVM_VERDICT_IMPROVED: return IVM_MARK_BEST;
    case IVM_VERDICT_UNMEASURED: return IVM_MARK_DIM;
    default: return IVM_MARK_NONE;
  }
}

static void change_text(char *buf, size_t size, const ivm_gate_row *r) {
  if (isnan(r->change))
    snprintf(buf, size, "-");
  else if (isinf(r->change))
    snprintf(buf, size, "new");
  else if (fabs(r->change) < 0.0005) /* what %+.1f would show as +-0.0 */
    snprintf(buf, size, "0.0%%");
  else
    snprintf(buf, size, "%+.1f%%", r->change * 100);
}

static void rows_table(FILE *out, const ivm_gate_verdicts *v, bool color) {
  ivm_table *t = ivm_table_new("implementation", "lllrrrrl");
  const char *heads[] = {"profile", "metric", "baseline", "now",
                         "rounds min-max", "change", "verdict"};
  for (size_t c = 0; c < 7; c++) ivm_table_header(t, c + 1, heads[c]);
  for (size_t i = 0; i < v->count; i++) {
    const ivm_gate_row *r = &v->rows[i];
    char base[32], now[32], lo[32], hi[32], change[32];
    figure(base, sizeof base, r->metric, r->baseline);
    ivm_table_cell(t, "%s", r->impl);
    ivm_table_cell(t, "%s", r->profile);
    ivm_table_cell(t, "%s", ivm_metric_name(r->metric));
    ivm_table_cell(t, "%s", base);
    if (r->verdict == IVM_VERDICT_UNMEASURED) {
      ivm_table_cell(t, "not timed");
      ivm_table_cell(t, "-");
    } else {
      figure(now, sizeof now, r->metric, r->now);
      ivm_table_cell(t, "%s", now);
      if (r->now_min == r->now_max) {
        ivm_table_cell(t, "exact");
      } else {
        figure(lo, sizeof lo, r->metric, r->now_min);
        figure(hi, sizeof hi, r->metric, r->now_max);
        ivm_table_cell(t, "%s-%s", lo, hi);
      }
    }
    change_text(change, sizeof change, r);
    ivm_table_cell(t, "%s", change);
    ivm_table_cell(t, "%s", ivm_verdict_name(r->verdict));
    ivm_table_mark(t, mark_of(r->verdict));
  }
  fputc('\n', out);
  ivm_table_print(t, out, color);
  ivm_table_free(t);
}

static void summary(FILE *out, const ivm_regress_meta *m,
                    const ivm_gate_verdicts *v, bool color) {
  const size_t *n = v->tally;
  fprintf(out, "\nsummary: %zu row%s: %zu ok, %zu improved, %zu regressed",
          v->count, v->count == 1 ? "" : "s", n[IVM_VERDICT_OK],
          n[IVM_VERDICT_IMPROVED], n[IVM_VERDICT_REGRESSED]);
  if (n[IVM_VERDICT_UNMEASURED])
    fprintf(out, ", %zu unmeasured", n[IVM_VERDICT_UNMEASURED]);
  fputc('\n', out);
  const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "";
  const char *off = color ? "\033[0m" : "";
  for (size_t i = 0; i < v->count; i++) {
    const ivm_gate_row *r = &v->rows[i];
    if (r->verdict != IVM_VERDICT_REGRESSED) continue;
    char base[32], now[32], change[32], limit[32];
    figure(base, sizeof base, r->metric, r->baseline);
    figure(now, sizeof now, r->metric, r->now);
    change_text(change, sizeof change, r);
    percent(limit, sizeof limit, m->thresholds->limit[r->metric]);
    fprintf(out, "%sregressed%s: %s on %s, %s %s -> %s (%s, threshold %s)\n",
            red, off, r->impl, r->profile, ivm_metric_name(r->metric), base,
            now, change, limit);
  }
  if (n[IVM_VERDICT_REGRESSED])
    fprintf(out, "verdict: %sFAILED%s, %zu regression%s\n", red, off,
            n[IVM_VERDICT_REGRESSED],
            n[IVM_VERDICT_REGRESSED] == 1 ? "" : "s");
  else
    fprintf(out, "verdict: %spassed%s, no regression\n", green, off);
}

void ivm_report_regress_text(FILE *out, const ivm_regress_meta *meta,
                             const ivm_gate_verdicts *v, bool color) {
  header(out, meta);
  rows_table(out, v, color);
  summary(out, meta, v, color);
}

void ivm_report_baseline_text(FILE *out, const ivm_baseline_settings *set,
                              const ivm_gate_result *r, bool color) {
  bool counted = set->instructions != IVM_ICOUNT_NONE;
  ivm_table *t = ivm_table_new("implementation", counted ? "llrrrrrrr"
                                                         : "llrrrrrr");
  const char *heads[] = {"profile", "ops/cpu-s", "p99 ns", "throughput",
                         "rounds min-max", "p99", "bytes/span",
                         "instr/op"};
  for (size_t c = 0; c < (counted ? 8u : 7u); c++)
    ivm_table_header(t, c + 1, heads[c]);
  for (size_t i = 0; i < r->count; i++) {
    const ivm_gate_figures *g = &r->rows[i];
    char ops[32];
    ivm_table_cell(t, "%s", g->row.impl);
    ivm_table_cell(t, "%s", g->row.profile);
    if (g->timed) {
      ivm_report_count(ops, sizeof ops, (int64_t)(g->row.ops_per_sec + 0.5));
      ivm_table_cell(t, "%s", ops);
      ivm_table_cell(t, "%.0f", g->row.p99_ns);
      ivm_table_cell(t, "%.3fx", g->row.throughput_ratio);
      ivm_table_cell(t, "%.3fx-%.3fx", g->throughput.min, g->throughput.max);
      ivm_table_cell(t, "%.3fx", g->row.p99_ratio);
    } else {
      ivm_table_cell(t, "not timed");
      for (int c = 0; c < 4; c++) ivm_table_cell(t, "-");
      ivm_table_mark(t, IVM_MARK_DIM);
    }
    ivm_table_cell(t, "%.1f", g->row.bytes_per_span);
    if (counted) ivm_table_cell(t, "%.1f", g->row.instructions_per_op);
  }
  char ops[32];
  ivm_report_count(ops, sizeof ops, set->ops);
  fprintf(out, "ivmprof baseline: %s operations, seed %" PRIu64 ", %d rounds "
          "of %d warm-up + %d timed passes;\nthroughput (operations per CPU "
          "second) and p99 as ratios to %s in the same round,\nmedian over "
          "the rounds; instructions: %s\n\n", ops, set->seed, set->rounds,
          set->warmup, set->repeat, set->relative_to,
          ivm_icount_name(set->instructions));
  ivm_table_print(t, out, color);
  ivm_table_free(t);
}

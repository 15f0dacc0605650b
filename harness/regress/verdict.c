/* verdict.c - the gate's verdicts: each measured figure against its
 * baseline row and threshold. Pure: no measuring, no printing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"

static const char *const metric_names[] = {
#define IVM_METRIC_NAME(name, text) text,
    IVM_METRIC_MAP(IVM_METRIC_NAME)
#undef IVM_METRIC_NAME
};

const char *ivm_metric_name(ivm_metric m) {
  return (size_t)m < IVM_METRICS ? metric_names[m] : "?";
}

const char *ivm_verdict_name(ivm_verdict v) {
  switch (v) {
    case IVM_VERDICT_OK: return "ok";
    case IVM_VERDICT_REGRESSED: return "regressed";
    case IVM_VERDICT_IMPROVED: return "improved";
    case IVM_VERDICT_UNMEASURED: return "unmeasured";
  }
  return "?";
}

ivm_gate_thresholds ivm_gate_default_thresholds(void) {
  ivm_gate_thresholds t;
  t.limit[IVM_METRIC_THROUGHPUT] = 0.10;
  t.limit[IVM_METRIC_P99] = 0.20;
  t.limit[IVM_METRIC_MEMORY] = 0.10;
  t.limit[IVM_METRIC_INSTRUCTIONS] = 0.02;
  return t;
}

/* The verdict of a change: throughput is better higher, the rest lower.
 * Exactly at the threshold is still ok. */
static ivm_verdict judge(ivm_metric m, double change, double limit) {
  double better = m == IVM_METRIC_THROUGHPUT ? change : -change;
  if (better < -limit) return IVM_VERDICT_REGRESSED;
  if (better > limit) return IVM_VERDICT_IMPROVED;
  return IVM_VERDICT_OK;
}

static void add(ivm_gate_verdicts *v, const ivm_gate_figures *g,
                const ivm_baseline_row *b, ivm_metric m,
                const ivm_gate_thresholds *t) {
  ivm_gate_row *r = &v->rows[v->count++];
  memset(r, 0, sizeof *r);
  memcpy(r->impl, g->row.impl, sizeof r->impl);
  memcpy(r->profile, g->row.profile, sizeof r->profile);
  r->metric = m;
  const ivm_spread *spread = NULL;
  switch (m) {
    case IVM_METRIC_THROUGHPUT:
      r->baseline = b->throughput_ratio;
      r->now = g->row.throughput_ratio;
      spread = &g->throughput;
      break;
    case IVM_METRIC_P99:
      r->baseline = b->p99_ratio;
      r->now = g->row.p99_ratio;
      spread = &g->p99;
      break;
    case IVM_METRIC_MEMORY:
      r->baseline = b->bytes_per_span;
      r->now = g->row.bytes_per_span;
      break;
    default:
      r->baseline = b->instructions_per_op;
      r->now = g->row.instructions_per_op;
      break;
  }
  bool timed = m == IVM_METRIC_MEMORY || m == IVM_METRIC_INSTRUCTIONS ||
               g->timed;
  r->now_min = spread && timed ? spread->min : r->now;
  r->now_max = spread && timed ? spread->max : r->now;
  if (!timed) {
    r->verdict = IVM_VERDICT_UNMEASURED;
    r->change = NAN;
  } else if (r->baseline == 0) {
    /* Only memory can be 0 (no live spans): any growth is a regression. */
    r->change = r->now == 0 ? 0 : INFINITY;
    r->verdict = r->now == 0 ? IVM_VERDICT_OK : IVM_VERDICT_REGRESSED;
  } else {
    r->change = r->now / r->baseline - 1;
    r->verdict = judge(m, r->change, t->limit[m]);
  }
  v->tally[r->verdict]++;
}

int ivm_gate_judge(const ivm_baseline *base, const ivm_gate_result *now,
                   ivm_gate_mode mode, const ivm_gate_thresholds *t,
                   ivm_gate_verdicts *out) {
  memset(out, 0, sizeof *out);
  out->rows = calloc(now->count * 3 + 1, sizeof *out->rows);
  if (!out->rows) return IVM_NOMEM;
  for (size_t i = 0; i < now->count; i++) {
    const ivm_gate_figures *g = &now->rows[i];
    const ivm_baseline_row *b = ivm_baseline_find(base, g->row.impl,
                                                  g->row.profile);
    if (!b) continue;
    if (mode == IVM_GATE_RATIO) {
      /* The relative-to's own ratios are 1 by definition: nothing to say. */
      if (strcmp(g->row.impl, base->set.relative_to) != 0) {
        add(out, g, b, IVM_METRIC_THROUGHPUT, t);
        add(out, g, b, IVM_METRIC_P99, t);
      }
    } else {
      add(out, g, b, IVM_METRIC_INSTRUCTIONS, t);
    }
    add(out, g, b, IVM_METRIC_MEMORY, t);
  }
  return IVM_OK;
}

void ivm_gate_verdicts_free(ivm_gate_verdicts *v) {
  free(v->rows);
  memset(v, 0, sizeof *v);
}

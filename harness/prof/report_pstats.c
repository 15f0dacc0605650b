/* report_pstats.c - the run header and the cProfile/pstats-style table with
 * callers and callees, as pure functions of the statistics. */
#include <stdlib.h>
#include <string.h>

#include "prof_report.h"

static double ms(int64_t ns) { return (double)ns / 1e6; }

/* Microseconds per call; 0 when there were no calls, as pstats prints. */
static double us_per(int64_t ns, uint64_t calls) {
  return calls ? (double)ns / 1e3 / (double)calls : 0.0;
}

void ivm_prof_report_header(FILE *out, const ivm_prof_run *run,
                            const ivm_prof_stats *s) {
  fprintf(out, "%s on %s: %llu operations, seed %llu\n", run->impl,
          run->profile, (unsigned long long)run->ops,
          (unsigned long long)run->seed);
  if (run->ops_sampled == run->ops) {
    fprintf(out, "  sampled all %llu operations (rate %g): every figure is "
            "measured\n", (unsigned long long)run->ops, run->rate);
  } else if (run->ops_sampled == 0) {
    fprintf(out, "  sampled none of the %llu operations (rate %g): nothing "
            "was measured\n", (unsigned long long)run->ops, run->rate);
  } else {
    double f = (double)run->ops / (double)run->ops_sampled;
    fprintf(out, "  sampled %llu of %llu operations (rate %g): the figures "
            "below are measured on those only\n",
            (unsigned long long)run->ops_sampled,
            (unsigned long long)run->ops, run->rate);
    fprintf(out, "  whole run, extrapolated (x%.2f, not measured): about "
            "%.0f calls in %.3f ms\n", f, (double)s->total_calls * f,
            ms(s->total_ns) * f);
  }
  fprintf(out, "  instrumentation cost: %.1f ns per call (calibrated on an "
          "empty function),\n  subtracted from every time below\n",
          run->hook_ns);
  if (run->call_ns > run->hook_ns)
    fprintf(out, "  this run averaged %.1f ns per call (profiled minus "
            "uninstrumented time over\n  %llu calls): the times below still "
            "hold about %.1f ns per call of it\n", run->call_ns,
            (unsigned long long)run->calls, run->call_ns - run->hook_ns);
  if (run->ops_dropped)
    fprintf(out, "  the thread waited for a CPU (a busy machine): the times of "
            "%llu sampled operations\n  around the waits are left out, their "
            "calls still counted\n", (unsigned long long)run->ops_dropped);
  double pct = run->plain_ns > 0 ? 100.0 * (double)(run->profiled_ns -
                                                    run->plain_ns) /
                                       (double)run->plain_ns
                                 : 0.0;
  fprintf(out, "  overhead (CPU time): %.3f ms uninstrumented, %.3f ms "
          "profiled at rate %g: %+.1f%%\n", ms(run->plain_ns),
          ms(run->profiled_ns), run->rate, pct);
}

/* "12" or, for a recursive function, "12/3" (all calls / primitive). */
static void calls_text(char *buf, size_t cap, const ivm_prof_fstat *f) {
  if (f->ncalls == f->pcalls)
    snprintf(buf, cap, "%llu", (unsigned long long)f->ncalls);
  else
    snprintf(buf, cap, "%llu/%llu", (unsigned long long)f->ncalls,
             (unsigned long long)f->pcalls);
}

static void print_label(FILE *out, const ivm_prof_tree *t, uint32_t func) {
  if (func == IVM_PROF_ROOT) return;
  const ivm_prof_func *f = &t->funcs[func];
  if (f->file[0]) fprintf(out, "%s:", f->file);
  fputs(f->name, out);
}

static size_t label_len(const ivm_prof_tree *t, uint32_t func) {
  char buf[1];
  return ivm_prof_func_label(&t->funcs[func], buf, sizeof buf);
}

/* The edges of func, as callee (callers == true) or as caller, largest
 * cumulative time first, then by the other function's label. */
static size_t related_edges(const ivm_prof_tree *t, const ivm_prof_stats *s,
                            uint32_t func, bool callers,
                            const ivm_prof_edge **out) {
  size_t n = 0;
  for (size_t i = 0; i < s->nedges; i++) {
    const ivm_prof_edge *e = &s->edges[i];
    if ((callers ? e->callee : e->caller) != func) continue;
    size_t j = n++;
    while (j > 0) {
      const ivm_prof_edge *p = out[j - 1];
      uint32_t eo = callers ? e->caller : e->callee;
      uint32_t po = callers ? p->caller : p->callee;
      int before = e->s.cumtime_ns > p->s.cumtime_ns;
      if (e->s.cumtime_ns == p->s.cumtime_ns) {
        char a[256], b[256];
        if (eo == IVM_PROF_ROOT) a[0] = '\0';
        else ivm_prof_func_label(&t->funcs[eo], a, sizeof a);
        if (po == IVM_PROF_ROOT) b[0] = '\0';
        else ivm_prof_func_label(&t->funcs[po], b, sizeof b);
        before = strcmp(a, b) < 0;
      }
      if (!before) break;
      out[j] = out[j - 1];
      j--;
    }
    out[j] = e;
  }
  return n;
}

static void print_related(FILE *out, const ivm_prof_tree *t,
                          const ivm_prof_stats *s, const uint32_t *order,
                          size_t n, bool callers, int width) {
  const ivm_prof_edge **list = malloc((s->nedges ? s->nedges : 1) *
                                      sizeof *list);
  if (!list) {
    fprintf(out, "   (out of memory listing %s)\n",
            callers ? "callers" : "callees");
    return;
  }
  fprintf(out, "   %-*s %s\n", width, "Function",
          callers ? "was called by..." : "called...");
  fprintf(out, "   %-*s    %9s  %7s  %7s\n", width, "", "ncalls", "tottime",
          "cumtime");
  for (size_t i = 0; i < n; i++) {
    size_t k = related_edges(t, s, order[i], callers, list);
    fprintf(out, "   ");
    print_label(out, t, order[i]);
    fprintf(out, "%*s %s", (int)(width - label_len(t, order[i])), "",
            callers ? "<-" : "->");
    for (size_t j = 0; j < k; j++) {
      const ivm_prof_edge *e = list[j];
      uint32_t other = callers ? e->caller : e->callee;
      char c[48];
      calls_text(c, sizeof c, &e->s);
      if (j > 0) fprintf(out, "   %*s   ", width, "");
      fprintf(out, " %9s %8.3f %8.3f  ", c, ms(e->s.tottime_ns),
              ms(e->s.cumtime_ns));
      if (other == IVM_PROF_ROOT)
        fputs("(top level)", out);
      else
        print_label(out, t, other);
      fputc('\n', out);
    }
    if (k == 0) fputc('\n', out);
  }
  fputc('\n', out);
  free(list);
}

void ivm_prof_report_pstats(FILE *out, const ivm_prof_tree *t,
                            const ivm_prof_stats *s, ivm_prof_sort key,
                            size_t limit, size_t related) {
  uint32_t *order = malloc((t->nfuncs ? t->nfuncs : 1) * sizeof *order);
  if (!order) {
    fprintf(out, "(out of memory ordering the table)\n");
    return;
  }
  size_t n = ivm_prof_stats_order(t, s, key, order);
  if (s->total_calls == s->prim_calls)
    fprintf(out, "%14llu function calls in %.3f ms\n\n",
            (unsigned long long)s->total_calls, ms(s->total_ns));
  else
    fprintf(out, "%14llu function calls (%llu primitive calls) in %.3f ms\n\n",
            (unsigned long long)s->total_calls,
            (unsigned long long)s->prim_calls, ms(s->total_ns));
  static const char *const order_names[] = {"cumulative time",
                                            "internal time", "call count"};
  fprintf(out, "   Ordered by: %s\n", order_names[key]);
  if (limit && limit < n)
    fprintf(out, "   List reduced from %zu to %zu due to restriction <%zu>\n",
            n, limit, limit);
  fprintf(out, "   Times in ms, per-call times in us\n\n");
  if (limit && limit < n) n = limit;
  fprintf(out, "%9s %8s %8s %8s %8s %s\n", "ncalls", "tottime", "percall",
          "cumtime", "percall", "filename:function");
  int width = 8; /* strlen("Function") */
  for (size_t i = 0; i < n; i++) {
    const ivm_prof_fstat *f = &s->funcs[order[i]];
    char c[48];
    calls_text(c, sizeof c, f);
    fprintf(out, "%9s %8.3f %8.3f %8.3f %8.3f ", c, ms(f->tottime_ns),
            us_per(f->tottime_ns, f->ncalls), ms(f->cumtime_ns),
            us_per(f->cumtime_ns, f->pcalls));
    print_label(out, t, order[i]);
    fputc('\n', out);
    if (i < related && (int)label_len(t, order[i]) > width)
      width = (int)label_len(t, order[i]);
  }
  fputc('\n', out);
  if (related > n) related = n;
  if (related > 0) {
    print_related(out, t, s, order, related, true, width);
    print_related(out, t, s, order, related, false, width);
  }
  free(order);
}

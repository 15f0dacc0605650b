/* measure.c - checked and timed runs of a stream on one implementation.
 * Checked runs go through the counting allocator and compare results as
 * they go, so the recorded oracle results are the only per-operation data
 * kept; timed runs use the default allocator and touch nothing but the
 * clock around the measured operations. */
#include "errmsg.h"
#include "measure.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

static void mismatchf(ivm_mismatch *mm, size_t index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void mismatchf(ivm_mismatch *mm, size_t index, const char *fmt, ...) {
  mm->differs = true;
  mm->op_index = index;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(mm->what, sizeof mm->what, fmt, ap);
  va_end(ap);
}

/* Copies the final spans of m into o. */
static int take_spans(const ivm *m, ivm_outcome *o) {
  size_t n;
  ivm_intervals(m, NULL, 0, &n);
  o->spans = malloc((n ? n : 1) * sizeof *o->spans);
  if (!o->spans) return IVM_NOMEM;
  ivm_intervals(m, o->spans, n, &o->span_count);
  return IVM_OK;
}

/* Compares the final state of a run with the expected one. */
static void compare_final(const ivm *m, const ivm_outcome *got,
                          const ivm_outcome *want, const char *name,
                          const char *want_name, ivm_mismatch *mm) {
  if (got->span_count != want->span_count) {
    mismatchf(mm, SIZE_MAX, "final state: %s has %zu spans, %s has %zu", name,
              got->span_count, want_name, want->span_count);
    return;
  }
  for (size_t i = 0; i < got->span_count; i++) {
    ivm_span a = got->spans[i], b = want->spans[i];
    if (a.start != b.start || a.end != b.end) {
      mismatchf(mm, SIZE_MAX, "final state: span %zu is [%" PRId64 ", %"
                PRId64 ") in %s, [%" PRId64 ", %" PRId64 ") in %s", i,
                a.start, a.end, name, b.start, b.end, want_name);
      return;
    }
  }
  if (ivm_total_free(m) != want->stats.total_free ||
      ivm_count(m) != (int64_t)want->span_count) {
    mismatchf(mm, SIZE_MAX, "final state: %s reports total %" PRId64
              " in %" PRId64 " spans, %s %" PRId64 " in %zu", name,
              ivm_total_free(m), ivm_count(m), want_name,
              want->stats.total_free, want->span_count);
    return;
  }
  if (!ivm_stats_equal(&got->stats, &want->stats)) {
    mismatchf(mm, SIZE_MAX, "final state: the statistics of %s differ from "
              "those of %s", name, want_name);
    return;
  }
}

static void describe_op(ivm_mismatch *mm, size_t i, const ivm_stream *s,
                        const ivm_result *got, const ivm_result *want,
                        const char *name, const char *want_name) {
  char op[IVM_OP_LINE_MAX], a[IVM_OP_LINE_MAX], b[IVM_OP_LINE_MAX];
  ivm_op_format(&s->ops[i], op, sizeof op);
  ivm_result_format(&s->ops[i], got, a, sizeof a);
  ivm_result_format(&s->ops[i], want, b, sizeof b);
  /* Results can differ in fields the log line does not show (the full
   * statistics, `changed` of a failed op): say so rather than print two
   * equal-looking lines. */
  const char *hidden = strcmp(a, b) == 0 ? " (they differ in the full "
                                           "statistics)" : "";
  mismatchf(mm, i, "op index %zu%s: `%s`: %s gave `%s`, %s gave `%s`%s", i,
            i < s->setup ? " (setup)" : "", op, name, a, want_name, b,
            hidden);
}

int ivm_outcome_run(const struct ivm_ops *impl, const ivm_stream *s,
                    const ivm_outcome *expect, const char *expect_name,
                    ivm_outcome *out, ivm_mismatch *mm,
                    ivm_progress_fn progress, void *progress_ud, char *err,
                    size_t err_len) {
  memset(out, 0, sizeof *out);
  memset(mm, 0, sizeof *mm);
  if (err && err_len) err[0] = '\0';
  if (!expect) {
    out->results = malloc((s->count ? s->count : 1) * sizeof *out->results);
    if (!out->results)
      return ivm_errorf(err, err_len, IVM_NOMEM,
                   "no memory to record %zu results", s->count);
  }
  ivm_options opt = ivm_stream_options(s);
  ivm_alloc_count_attach(&out->memory, &opt);
  ivm *m;
  int rc = ivm_create_ops(impl, &opt, &m);
  if (rc != IVM_OK) {
    ivm_outcome_free(out);
    return ivm_errorf(err, err_len, rc, "creating %s: %s", impl->name,
                 ivm_strerror(rc));
  }
  const char *name = impl->name;
  for (size_t i = 0; i < s->count; i++) {
    ivm_result r;
    ivm_exec(m, &s->ops[i], &r);
    if (!expect) {
      out->results[i] = r;
    } else if (!ivm_result_equal(&r, &expect->results[i])) {
      describe_op(mm, i, s, &r, &expect->results[i], name, expect_name);
      break;
    }
    if (progress && (i & 0xffff) == 0) progress(progress_ud, i, s->count);
  }
  if (!mm->differs) {
    rc = take_spans(m, out);
    ivm_stats_get(m, &out->stats);
    char why[256];
    if (rc == IVM_OK && ivm_check(m, why, sizeof why) != IVM_OK)
      mismatchf(mm, SIZE_MAX, "final state: check() of %s fails: %s", name,
                why);
    if (rc == IVM_OK && expect && !mm->differs)
      compare_final(m, out, expect, name, expect_name, mm);
  }
  ivm_alloc_count at_end = out->memory;
  ivm_destroy(m);
  out->leaked_bytes = out->memory.live_bytes;
  out->memory = at_end;
  if (rc != IVM_OK) {
    ivm_outcome_free(out);
    return ivm_errorf(err, err_len, rc, "no memory for the final spans of %s",
                 name);
  }
  if (!mm->differs && out->leaked_bytes != 0)
    mismatchf(mm, SIZE_MAX, "%s leaked %" PRId64 " bytes after destroy", name,
              out->leaked_bytes);
  return IVM_OK;
}

void ivm_outcome_free(ivm_outcome *o) {
  free(o->results);
  free(o->spans);
  o->results = NULL;
  o->spans = NULL;
  o->span_count = 0;
}

int ivm_prepare(const struct ivm_ops *impl, const ivm_stream *s, ivm **out) {
  ivm_options opt = ivm_stream_options(s);
  int rc = ivm_create_ops(impl, &opt, out);
  if (rc != IVM_OK) return rc;
  rc = ivm_exec_run(*out, s->ops, s->setup);
  if (rc != IVM_OK) {
    ivm_destroy(*out);
    *out = NULL;
  }
  return rc;
}

__attribute__((noinline)) void ivm_play_measured(ivm *m,
                                                 const ivm_stream *s) {
  ivm_exec_run(m, s->ops + s->setup, s->count - s->setup);
}

int ivm_time_block(const struct ivm_ops *impl, const ivm_stream *s,
                   const ivm_clock *c, uint64_t *ticks, uint64_t *cpu_ns) {
  ivm *m;
  int rc = ivm_prepare(impl, s, &m);
  if (rc != IVM_OK) return rc;
  uint64_t cpu0 = ivm_clock_thread_cpu_ns();
  uint64_t t0 = ivm_clock_now(c);
  ivm_play_measured(m, s);
  *ticks = ivm_clock_now(c) - t0;
  *cpu_ns = ivm_clock_thread_cpu_ns() - cpu0;
  ivm_destroy(m);
  return IVM_OK;
}

int ivm_time_each(const struct ivm_ops *impl, const ivm_stream *s,
                  const ivm_clock *c, uint64_t *samples) {
  ivm *m;
  int rc = ivm_prepare(impl, s, &m);
  if (rc != IVM_OK) return rc;
  for (size_t i = s->setup; i < s->count; i++) {
    uint64_t t0 = ivm_clock_now(c);
    ivm_exec_run(m, &s->ops[i], 1);
    samples[i - s->setup] = ivm_clock_now(c) - t0;
  }
  ivm_destroy(m);
  return IVM_OK;
}

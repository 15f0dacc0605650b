/* compare.c - running the side-by-side comparison: agreement, throughput
 * passes, the latency pass and the derived figures. Pure orchestration over
 * measure.c; reports render the result (report_compare.c). */
#include "errmsg.h"
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor.h"
#include "impls.h"

ivm_compare_config ivm_compare_defaults(void) {
  ivm_compare_config cfg = {0};
  cfg.oracle = ivm_impl_find("reference");
  cfg.warmup = 1;
  cfg.repeat = 5;
  cfg.latency = true;
  return cfg;
}

typedef struct progress_ctx {
  ivm_progress *p;
  const char *what;
} progress_ctx;

static void on_progress(void *ud, size_t done, size_t total) {
  progress_ctx *c = ud;
  ivm_progress_update(c->p, "checking %s: %zu/%zu operations", c->what, done,
                      total);
}

/* Step 1: the oracle's run, then every other implementation against it. */
static int agree(const ivm_stream *s, const ivm_compare_config *cfg,
                 ivm_compare_result *out, char *err, size_t err_len) {
  ivm_outcome want;
  progress_ctx pc = {cfg->progress, cfg->oracle->name};
  ivm_progress_fn fn = cfg->progress ? on_progress : NULL;
  int rc = ivm_outcome_run(cfg->oracle, s, NULL, NULL, &want,
                           &out->oracle_mismatch, fn, &pc, err, err_len);
  if (rc != IVM_OK) return rc;
  out->agreed = !out->oracle_mismatch.differs;
  out->final_spans = (int64_t)want.span_count;
  out->final_total = want.stats.total_free;
  for (size_t i = 0; rc == IVM_OK && i < out->impl_count; i++) {
    ivm_impl_figures *f = &out->impls[i];
    const struct ivm_ops *impl = cfg->impls[i];
    ivm_outcome got;
    if (impl == cfg->oracle) {
      /* Its own run is the record; agreeing with itself is a given. */
      f->agrees = !out->oracle_mismatch.differs;
      f->mismatch = out->oracle_mismatch;
      got = want;
    } else {
      pc.what = impl->name;
      rc = ivm_outcome_run(impl, s, &want, cfg->oracle->name, &got,
                           &f->mismatch, fn, &pc, err, err_len);
      if (rc != IVM_OK) break;
      f->agrees = !f->mismatch.differs;
      out->agreed = out->agreed && f->agrees;
    }
    f->memory = got.memory;
    f->live_spans = (int64_t)got.span_count;
    f->bytes_per_span = got.span_count ? (double)got.memory.live_bytes /
                                             (double)got.span_count
                                       : 0;
    if (impl != cfg->oracle) ivm_outcome_free(&got);
  }
  ivm_outcome_free(&want);
  return rc;
}

/* Whether "reference" sits this one out, and the note that says so. */
static bool skip_reference(const ivm_compare_config *cfg,
                           ivm_compare_result *out) {
  bool selected = false;
  for (size_t i = 0; i < out->impl_count; i++)
    selected = selected || strcmp(out->impls[i].name, "reference") == 0;
  double work = (double)out->measured * (double)out->final_spans;
  if (!selected || cfg->time_reference || work <= IVM_REFERENCE_TIMING_LIMIT)
    return false;
  snprintf(out->untimed_note, sizeof out->untimed_note,
           "reference not timed: O(n) per operation over %lld live spans x "
           "%zu operations (the agreement check still ran; --time-reference "
           "to time it)",
           (long long)out->final_spans, out->measured);
  return true;
}

/* Step 2: warm-up and timed passes, implementations interleaved. */
static int throughput(const ivm_stream *s, const ivm_compare_config *cfg,
                      ivm_compare_result *out) {
  int rounds = cfg->warmup + cfg->repeat;
  for (int k = 0; k < rounds; k++) {
    for (size_t i = 0; i < out->impl_count; i++) {
      ivm_impl_figures *f = &out->impls[i];
      if (!f->timed) continue;
      if (cfg->progress)
        ivm_progress_update(cfg->progress, "timing %s: %s %d/%d", f->name,
                            k < cfg->warmup ? "warm-up" : "pass",
                            k < cfg->warmup ? k + 1 : k - cfg->warmup + 1,
                            k < cfg->warmup ? cfg->warmup : cfg->repeat);
      uint64_t ticks, cpu;
      int rc = ivm_time_block(cfg->impls[i], s, cfg->clock, &ticks, &cpu);
      if (rc != IVM_OK) return rc;
      if (k < cfg->warmup) continue;
      f->pass_cpu_ns[f->passes] = (double)cpu;
      f->pass_ns[f->passes++] = ivm_clock_ns(cfg->clock, ticks);
    }
    uint64_t ticks, cpu;
    int rc = ivm_time_block(&ivm_floor_ops, s, cfg->clock, &ticks, &cpu);
    if (rc != IVM_OK) return rc;
    if (k >= cfg->warmup)
      out->floor_pass_ns[out->floor_passes++] = ivm_clock_ns(cfg->clock, ticks);
  }
  return IVM_OK;
}

/* Step 3: one pass timing every operation, overall and per kind. */
static int latency(const ivm_stream *s, const ivm_compare_config *cfg,
                   ivm_compare_result *out) {
  size_t n = out->measured;
  uint64_t *samples = malloc((n ? n : 1) * sizeof *samples);
  uint64_t *kind = malloc((n ? n : 1) * sizeof *kind);
  int rc = samples && kind ? IVM_OK : IVM_NOMEM;
  for (size_t i = 0; rc == IVM_OK && i < out->impl_count; i++) {
    ivm_impl_figures *f = &out->impls[i];
    if (!f->timed) continue;
    if (cfg->progress)
      ivm_progress_update(cfg->progress, "latency pass of %s", f->name);
    rc = ivm_time_each(cfg->impls[i], s, cfg->clock, samples);
    if (rc != IVM_OK) break;
    for (int k = 0; k < IVM_OP_KINDS; k++) {
      size_t m = 0;
      for (size_t j = 0; j < n; j++)
        if (s->ops[s->setup + j].kind == (ivm_op_kind)k) kind[m++] = samples[j];
      ivm_latency_from_ticks(kind, m, cfg->clock->ns_per_tick, &f->by_kind[k]);
    }
    ivm_latency_from_ticks(samples, n, cfg->clock->ns_per_tick, &f->latency);
  }
  free(samples);
  free(kind);
  return rc;
}

/* Medians, rates and ratios from the passes. */
static int derive(ivm_compare_result *out) {
  out->fastest = -1;
  if (out->floor_passes && out->measured) {
    ivm_spread floor;
    double *sorted = malloc(out->floor_passes * sizeof *sorted);
    if (!sorted) return IVM_NOMEM;
    memcpy(sorted, out->floor_pass_ns, out->floor_passes * sizeof *sorted);
    ivm_spread_of(sorted, out->floor_passes, &floor);
    free(sorted);
    out->floor_ns_per_op = floor.median / (double)out->measured;
  }
  for (size_t i = 0; i < out->impl_count; i++) {
    ivm_impl_figures *f = &out->impls[i];
    if (!f->timed || f->passes == 0) continue;
    /* The passes stay in the order measured; the spreads sort a copy. */
    double *sorted = malloc(f->passes * sizeof *sorted);
    if (!sorted) return IVM_NOMEM;
    memcpy(sorted, f->pass_ns, f->passes * sizeof *sorted);
    ivm_spread_of(sorted, f->passes, &f->total_ns);
    memcpy(sorted, f->pass_cpu_ns, f->passes * sizeof *sorted);
    ivm_spread_of(sorted, f->passes, &f->cpu_ns);
    free(sorted);
    double per_op = out->measured ? f->total_ns.median / (double)out->measured
                                  : 0;
    f->ns_per_op = per_op;
    f->ops_per_sec = per_op > 0 ? 1e9 / per_op : 0;
    if (out->fastest < 0 ||
        f->total_ns.median < out->impls[out->fastest].total_ns.median)
      out->fastest = (int)i;
  }
  if (out->fastest < 0) return IVM_OK;
  double best = out->impls[out->fastest].total_ns.median;
  for (size_t i = 0; i < out->impl_count; i++) {
    ivm_impl_figures *f = &out->impls[i];
    if (f->timed && f->passes > 0)
      f->relative = best > 0 ? f->total_ns.median / best : NAN;
  }
  return IVM_OK;
}

/* Steps 1 to 3 and the derived figures; out is already set up. */
static int run_steps(const ivm_stream *s, const ivm_compare_config *cfg,
                     ivm_compare_result *out, char *err, size_t err_len) {
  int rc = agree(s, cfg, out, err, err_len);
  if (rc != IVM_OK || !out->agreed) return rc;
  bool skip_ref = skip_reference(cfg, out);
  for (size_t i = 0; i < out->impl_count; i++) {
    ivm_impl_figures *f = &out->impls[i];
    f->timed = !(skip_ref && strcmp(f->name, "reference") == 0);
    if (!f->timed) continue;
    f->pass_ns = calloc((size_t)cfg->repeat, sizeof *f->pass_ns);
    f->pass_cpu_ns = calloc((size_t)cfg->repeat, sizeof *f->pass_cpu_ns);
    if (!f->pass_ns || !f->pass_cpu_ns)
      return ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
  }
  out->floor_pass_ns = calloc((size_t)cfg->repeat, sizeof *out->floor_pass_ns);
  if (!out->floor_pass_ns)
    return ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
  rc = throughput(s, cfg, out);
  if (rc == IVM_OK && cfg->latency) rc = latency(s, cfg, out);
  if (rc == IVM_OK) rc = derive(out);
  if (rc != IVM_OK)
    return ivm_errorf(err, err_len, rc, "timing failed: %s", ivm_strerror(rc));
  return IVM_OK;
}

int ivm_compare_run(const ivm_stream *s, const ivm_compare_config *cfg,
                    ivm_compare_result *out, char *err, size_t err_len) {
  memset(out, 0, sizeof *out);
  out->fastest = -1;
  if (!cfg->oracle)
    return ivm_errorf(err, err_len, IVM_NOIMPL, "no oracle implementation");
  if (cfg->repeat < 1 || cfg->warmup < 0)
    return ivm_errorf(err, err_len, IVM_INVAL, "repeat must be >= 1, warmup >= 0");
  out->measured = ivm_stream_measured(s);
  out->setup = s->setup;
  out->oracle = cfg->oracle->name;
  for (size_t i = s->setup; i < s->count; i++)
    out->kind_count[s->ops[i].kind]++;
  out->impl_count = cfg->impl_count;
  out->impls = calloc(cfg->impl_count ? cfg->impl_count : 1,
                      sizeof *out->impls);
  if (!out->impls) return ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
  for (size_t i = 0; i < cfg->impl_count; i++) {
    out->impls[i].name = cfg->impls[i]->name;
    out->impls[i].peer = ivm_impls_is_peer(cfg->impls[i]);
  }
  int rc = run_steps(s, cfg, out, err, err_len);
  if (cfg->progress) ivm_progress_done(cfg->progress);
  return rc;
}

void ivm_compare_free(ivm_compare_result *r) {
  for (size_t i = 0; i < r->impl_count; i++) {
    free(r->impls[i].pass_ns);
    free(r->impls[i].pass_cpu_ns);
  }
  free(r->impls);
  free(r->floor_pass_ns);
  r->floor_pass_ns = NULL;
  r->impls = NULL;
  r->impl_count = 0;
}

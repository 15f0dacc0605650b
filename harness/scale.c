/* scale.c - the scaling view: scale the profile, generate, compare, and
 * derive the efficiency against n log n. */
#include "scale.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impls.h"

ivm_scale_config ivm_scale_defaults(void) {
  ivm_scale_config cfg = {0};
  const int64_t sizes[] = {1000, 10000, 100000, 1000000};
  memcpy(cfg.sizes, sizes, sizeof sizes);
  cfg.size_count = sizeof sizes / sizeof sizes[0];
  cfg.warmup = 1;
  cfg.repeat = 3;
  cfg.reference_max_ops = 100000;
  return cfg;
}

/* The implementations and oracle of one point: all selected ones up to the
 * limit; beyond it all but "reference", checked against the first of them
 * (or the reference after all when nothing else was selected). */
static size_t choose(const ivm_scale_config *cfg, int64_t ops,
                     const struct ivm_ops **impls,
                     const struct ivm_ops **oracle) {
  const struct ivm_ops *reference = ivm_impl_find("reference");
  bool big = ops > cfg->reference_max_ops;
  size_t n = 0;
  for (size_t i = 0; i < cfg->impl_count; i++)
    if (!big || cfg->impls[i] != reference) impls[n++] = cfg->impls[i];
  if (n == 0) {
    impls[n++] = reference;
    big = false;
  }
  *oracle = big ? impls[0] : reference;
  return n;
}

static int run_point(const ivm_scale_config *cfg, int64_t ops,
                     ivm_scale_point *pt, char *err, size_t err_len) {
  ivm_profile scaled;
  int rc = ivm_profile_scale(cfg->profile, ops, &scaled, err, err_len);
  if (rc != IVM_OK) return rc;
  pt->ops = ops;
  pt->universe = scaled.universe_hi - scaled.universe_lo;
  if (cfg->progress)
    ivm_progress_update(cfg->progress, "scale: generating %lld operations",
                        (long long)ops);
  ivm_stream s;
  rc = ivm_workload_generate(&scaled, cfg->seed, (size_t)ops, &s, err,
                             err_len);
  if (rc != IVM_OK) return rc;
  pt->setup = s.setup;
  const struct ivm_ops *impls[IVM_IMPLS_MAX];
  ivm_compare_config cc = ivm_compare_defaults();
  cc.impl_count = choose(cfg, ops, impls, &cc.oracle);
  cc.impls = impls;
  cc.warmup = cfg->warmup;
  cc.repeat = cfg->repeat;
  cc.latency = false;
  cc.time_reference = cfg->time_reference;
  cc.clock = cfg->clock;
  cc.progress = cfg->progress;
  rc = ivm_compare_run(&s, &cc, &pt->cmp, err, err_len);
  ivm_stream_free(&s);
  return rc;
}

/* The first point up to `last` that timed the named implementation. */
static const ivm_scale_point *first_timed(const ivm_scale_result *r,
                                          size_t last, const char *name,
                                          const ivm_impl_figures **fig) {
  for (size_t q = 0; q <= last; q++) {
    const ivm_scale_point *pt = &r->points[q];
    for (size_t k = 0; k < pt->cmp.impl_count; k++) {
      if (pt->cmp.impls[k].timed && strcmp(pt->cmp.impls[k].name, name) == 0) {
        *fig = &pt->cmp.impls[k];
        return pt;
      }
    }
  }
  return NULL;
}

/* ns/op over log2(ops), relative to the first point that timed the same
 * implementation. */
static int derive(ivm_scale_result *out) {
  for (size_t p = 0; p < out->point_count; p++) {
    ivm_scale_point *pt = &out->points[p];
    pt->efficiency = malloc((pt->cmp.impl_count ? pt->cmp.impl_count : 1) *
                            sizeof *pt->efficiency);
    if (!pt->efficiency) return IVM_NOMEM;
    for (size_t i = 0; i < pt->cmp.impl_count; i++) {
      const ivm_impl_figures *f = &pt->cmp.impls[i], *b;
      pt->efficiency[i] = NAN;
      if (!f->timed) continue;
      const ivm_scale_point *base = first_timed(out, p, f->name, &b);
      double here = f->ns_per_op / log2((double)pt->ops);
      double there = b->ns_per_op / log2((double)base->ops);
      if (there > 0) pt->efficiency[i] = here / there;
    }
  }
  return IVM_OK;
}

int ivm_scale_run(const ivm_scale_config *cfg, ivm_scale_result *out,
                  char *err, size_t err_len) {
  memset(out, 0, sizeof *out);
  out->agreed = true;
  out->reference_max_ops = cfg->reference_max_ops;
  if (cfg->size_count > IVM_SCALE_MAX_POINTS) {
    snprintf(err, err_len, "more than %d sizes", IVM_SCALE_MAX_POINTS);
    return IVM_INVAL;
  }
  for (size_t p = 0; p < cfg->size_count; p++) {
    if (cfg->sizes[p] < 2) {
      snprintf(err, err_len, "sizes must be at least 2 operations");
      return IVM_INVAL;
    }
  }
  int rc = IVM_OK;
  for (size_t p = 0; rc == IVM_OK && p < cfg->size_count; p++) {
    rc = run_point(cfg, cfg->sizes[p], &out->points[p], err, err_len);
    out->point_count = p + 1;
    if (rc == IVM_OK && !out->points[p].cmp.agreed) {
      out->agreed = false;
      break;
    }
  }
  if (cfg->progress) ivm_progress_done(cfg->progress);
  if (rc == IVM_OK && derive(out) != IVM_OK) {
    snprintf(err, err_len, "out of memory");
    rc = IVM_NOMEM;
  }
  return rc;
}

void ivm_scale_free(ivm_scale_result *r) {
  for (size_t p = 0; p < r->point_count; p++) {
    ivm_compare_free(&r->points[p].cmp);
    free(r->points[p].efficiency);
    r->points[p].efficiency = NULL;
  }
  r->point_count = 0;
}
